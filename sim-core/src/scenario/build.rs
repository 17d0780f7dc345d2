//! Validation: turns what the user wrote into a [`Scenario`] whose names, addresses and
//! times are all checked, and builds a simulation from it.
//!
//! Every problem becomes a [`Diagnostic`] with file:line:column, the field path and what
//! was expected. All problems in a file are reported at once. Nothing here panics on any
//! input: the malformed-file test in `tests/it/scenario.rs` holds it to that.

use crate::trace::text::escape_all_controls;
use std::collections::BTreeMap;
use std::fmt;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use rand::RngExt;
use sha2::{Digest, Sha256};

use super::{locate, spec};
use crate::engine::{Actor, Ctx, Dur, Sim, SimTime, Sink};
use crate::k8s::docker::{self, Dockerd, Sandbox};
use crate::k8s::systemd::{FlannelUnit, Systemd};
use crate::net::fabric::{Link, Vertex};
use crate::net::netns::{DevKind, Device, Netns};
use crate::net::route::Route;
use crate::net::stack::{Kernel, Switch};
use crate::net::{DevId, Fabric, Msg, Net, NsId, VertexId, World};
use crate::tools::Expectation;
use crate::trace::TraceEvent;
use crate::wire::eth::Mac;

pub use crate::k8s::api::MAX_REPLICAS;

/// Latency of a link whose scenario entry gives none (and of the implicit `lan` links).
pub const DEFAULT_LATENCY: Dur = Dur::from_micros(50);
/// How many diagnostics of one repeating issue (the same problem at the same field of many
/// nodes, pods, links or steps) are listed one by one; the rest are counted in one
/// diagnostic ("and N more") where the first unlisted one would be.
pub const MAX_REPEATS_LISTED: usize = 10;
/// How many nodes with overlapping subnets are named one by one (one repeating issue).
pub const MAX_OVERLAPS_LISTED: usize = MAX_REPEATS_LISTED;

/// eth0's MTU when the scenario gives none.
pub const DEFAULT_MTU: u32 = 1500;

/// A validated scenario.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub file: String,
    pub name: String,
    pub description: String,
    pub seed: u64,
    pub until: Option<SimTime>,
    pub nodes: Vec<NodeCfg>,
    pub switches: Vec<String>,
    pub links: Vec<LinkCfg>,
    /// The node etcd runs on.
    pub etcd: Option<usize>,
    /// Pods; their namespaces come after the nodes' (`NsId(nodes.len() + i)`).
    pub pods: Vec<PodCfg>,
    pub kubernetes: Option<KubeCfg>,
    /// Manifest files on the machines, read and checked.
    pub manifests: Vec<super::manifests::ManifestFile>,
    /// In time order (validated non-decreasing).
    pub steps: Vec<Step>,
    /// What the file asks for that would run but not as meant (an address the real
    /// system would misroute): `sim-cli` prints them on stderr as
    /// `FILE:LINE:COL: warning: ...`; the exit status does not change.
    pub warnings: Vec<Diagnostic>,
    /// The warning for a scenario without `until` whose cluster ticks for ever (so a run
    /// goes on to its event budget); moot when the run is given an end (`--until`).
    pub never_quiet: Option<Diagnostic>,
}

#[derive(Clone, Debug)]
pub struct NodeCfg {
    pub name: String,
    pub addr: Ipv4Net,
    pub gateway: Option<Ipv4Addr>,
    pub mtu: u32,
    pub ip_forward: bool,
    pub docker: Option<DockerCfg>,
    pub flannel: Option<FlannelCfg>,
    /// The node's `/etc/resolv.conf`.
    pub resolv_conf: String,
    /// A DNS server's zone: absolute lowercase names and addresses.
    pub dns_server: Option<BTreeMap<String, Ipv4Addr>>,
}

/// A node's `/etc/resolv.conf` when the scenario gives none.
pub const DEFAULT_RESOLV_CONF: &str = "nameserver 8.8.8.8\n";

/// dockerd's bridge options on one node.
#[derive(Clone, Debug)]
pub struct DockerCfg {
    /// `--bip`: docker0's address and prefix.
    pub bip: Ipv4Net,
    /// `--mtu`: the containers' MTU.
    pub mtu: u32,
    pub ip_masq: bool,
    /// docker.service reads flannel's options and starts after flanneld.
    pub flannel: bool,
}

/// flanneld on one node.
#[derive(Clone, Debug)]
pub struct FlannelCfg {
    pub start: Dur,
    pub prefix: String,
    pub ip_masq: bool,
}

/// A pod placed on a node; its node's dockerd gives it an address at run time.
#[derive(Clone, Debug)]
pub struct PodCfg {
    pub name: String,
    pub node: usize,
    pub command: Option<String>,
    pub image: Option<String>,
    pub labels: crate::k8s::api::Labels,
    pub spec: crate::k8s::api::PodOptions,
}

/// The Kubernetes control plane of a scenario.
#[derive(Clone, Debug)]
pub struct KubeCfg {
    pub master: usize,
    /// The Kubernetes release the cluster runs.
    pub version: crate::k8s::version::Version,
    pub service_cidr: Ipv4Net,
    pub cluster_cidr: Option<Ipv4Net>,
    pub mode: crate::k8s::proxy::kube_proxy::Mode,
    pub watch_delay: Dur,
    pub min_sync_period: Dur,
    pub sync_period: Dur,
    pub kubeadm: bool,
    pub cluster_dns: Vec<Ipv4Addr>,
    pub cluster_domain: String,
    /// With kubeadm: CoreDNS's Corefile.
    pub corefile: String,
    /// The load-balancer address pool, if any.
    pub load_balancer: Option<Ipv4Net>,
}

/// docker0's default: the first of docker's predefined local pools.
pub const DEFAULT_BIP: &str = "172.17.0.1/16";

#[derive(Clone, Debug)]
pub struct LinkCfg {
    pub a: String,
    pub b: String,
    pub latency: Dur,
    pub jitter: Dur,
    pub loss_ppm: u32,
    pub up: bool,
    pub mtu: Option<u32>,
}

#[derive(Clone, Debug)]
pub struct Step {
    pub at: SimTime,
    /// Its index in the file's `steps`, for messages.
    pub index: usize,
    pub action: Action,
}

#[derive(Clone, Debug)]
pub enum Action {
    Exec {
        node: usize,
        cmd: String,
    },
    Expect {
        node: usize,
        cmd: String,
        expect: Expectation,
    },
    Link {
        a: String,
        b: String,
        up: bool,
    },
}

/// One problem in a scenario file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    pub line: usize,
    pub col: usize,
    /// The field path (`steps[2].exec.on`), when known.
    pub path: Option<String>,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, "")
    }
}

impl Diagnostic {
    /// A problem at `path` (if any). Control characters in the message are escaped (see
    /// [`escape`]), so one diagnostic is always one line.
    pub fn new(
        file: &str,
        (line, col): (usize, usize),
        path: Option<String>,
        message: &str,
    ) -> Diagnostic {
        Diagnostic {
            file: file.to_string(),
            line,
            col,
            path,
            message: escape(message).into_owned(),
        }
    }

    /// The diagnostic as a warning: `FILE:LINE:COL: warning: PATH: MESSAGE`.
    pub fn as_warning(&self) -> impl fmt::Display + '_ {
        struct Warning<'a>(&'a Diagnostic);
        impl fmt::Display for Warning<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.write(f, "warning: ")
            }
        }
        Warning(self)
    }

    fn write(&self, f: &mut fmt::Formatter<'_>, kind: &str) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {kind}",
            escape_all_controls(&self.file),
            self.line,
            self.col
        )?;
        if let Some(path) = &self.path {
            write!(f, "{}: ", escape(path))?;
        }
        f.write_str(&escape(&self.message))
    }
}

/// The most characters of one echoed value a diagnostic shows (see [`escape`]).
pub const MAX_ECHOED: usize = 100;

/// User text as a diagnostic echoes it: control characters (newline, tab, escape, DEL,
/// the C1 codes, and the U+2028/U+2029 line separators) are written as Rust escapes
/// (`\n`, `\t`, `\u{1b}`), so a name with a newline cannot split one message into two
/// lines or forge a second one; and each echoed value (a `` `quoted` `` span, or a run
/// without spaces) longer than [`MAX_ECHOED`] characters is cut to that many, ending in
/// `… (N characters)`, so a 1 MB value is not printed whole. Everything else is kept as
/// it is, and escaping twice changes nothing. Every diagnostic goes through it
/// ([`Diagnostic::new`] and `Display`).
pub fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    let escaped = escape_all_controls(text);
    let long_word = escaped
        .split(|c: char| c == '`' || c.is_whitespace())
        .any(|w| w.len() > MAX_ECHOED);
    let long_quote = escaped
        .split('`')
        .skip(1)
        .step_by(2)
        .any(|q| q.len() > MAX_ECHOED);
    if !long_word && !long_quote {
        return escaped;
    }
    // Quoted spans are the odd pieces between backticks; outside them, words.
    let mut out = String::with_capacity(4 * MAX_ECHOED);
    for (i, piece) in escaped.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 {
            out.push_str(&cap(piece));
        } else {
            let mut rest = piece;
            while let Some(start) = rest.find(|c: char| !c.is_whitespace()) {
                out.push_str(&rest[..start]);
                rest = &rest[start..];
                let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                out.push_str(&cap(&rest[..end]));
                rest = &rest[end..];
            }
            out.push_str(rest);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `value` if it has at most [`MAX_ECHOED`] characters; else its first characters and
/// `… (N characters)`, [`MAX_ECHOED`] characters in all (so capping again keeps it).
fn cap(value: &str) -> std::borrow::Cow<'_, str> {
    let n = value.chars().count();
    if n <= MAX_ECHOED {
        return std::borrow::Cow::Borrowed(value);
    }
    let tail = format!("… ({n} characters)");
    let keep = MAX_ECHOED - tail.chars().count();
    let cut = value
        .char_indices()
        .nth(keep)
        .map_or(value.len(), |(i, _)| i);
    std::borrow::Cow::Owned(format!("{}{tail}", &value[..cut]))
}

/// The byte order mark a file may start with.
const BOM: &str = "\u{feff}";

/// The largest scenario file [`Scenario::load`] reads: 16 MiB. The shipped scenarios are
/// a few kilobytes; a 100,000-node cluster is about 5 MB.
pub const MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// Why a scenario could not be loaded: the file could not be read, is too large, or has
/// problems.
#[derive(Clone, Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{}: cannot read: {reason}", escape_all_controls(file))]
    Io { file: String, reason: String },
    /// Over [`MAX_FILE_SIZE`]. `size` when it is known (a regular file); `None` for a
    /// device or pipe that gave more than the limit (reading stops there).
    #[error(
        "{}: the file is too large ({}); scenario files may be at most 16 MiB ({MAX_FILE_SIZE} bytes)",
        escape_all_controls(file),
        match size { Some(n) => format!("{n} bytes"), None => format!("more than {MAX_FILE_SIZE} bytes") }
    )]
    TooLarge { file: String, size: Option<u64> },
    #[error("{}", .0.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Diagnostic>),
}

impl Scenario {
    /// Reads and validates a scenario file. Reads at most [`MAX_FILE_SIZE`] + 1 bytes, so
    /// a huge file, a device (`/dev/zero`) or an endless pipe is refused at once.
    pub fn load(path: &std::path::Path) -> Result<Scenario, LoadError> {
        use std::io::Read;
        let file = path.display().to_string();
        let io = |e: std::io::Error| LoadError::Io {
            file: file.clone(),
            reason: e.to_string(),
        };
        let f = std::fs::File::open(path).map_err(io)?;
        let meta = f.metadata().map_err(io)?;
        let regular = meta.is_file();
        if regular && meta.len() > MAX_FILE_SIZE {
            return Err(LoadError::TooLarge {
                file,
                size: Some(meta.len()),
            });
        }
        let mut bytes = Vec::new();
        f.take(MAX_FILE_SIZE + 1)
            .read_to_end(&mut bytes)
            .map_err(io)?;
        if bytes.len() as u64 > MAX_FILE_SIZE {
            return Err(LoadError::TooLarge { file, size: None });
        }
        Scenario::parse_bytes(&file, &bytes)
    }

    /// Like [`Scenario::parse`], for bytes that may not be UTF-8: invalid UTF-8 is
    /// reported at the line and column of its first byte.
    pub fn parse_bytes(file: &str, bytes: &[u8]) -> Result<Scenario, LoadError> {
        let bytes = bytes.strip_prefix(BOM.as_bytes()).unwrap_or(bytes);
        match std::str::from_utf8(bytes) {
            Ok(src) => Scenario::parse(file, src),
            Err(e) => {
                let valid =
                    std::str::from_utf8(&bytes[..e.valid_up_to()]).expect("valid up to there");
                let (line, col) = locate::position(valid, valid.len());
                Err(LoadError::Invalid(vec![Diagnostic::new(
                    file,
                    (line, col),
                    locate::path_at(valid, line, col),
                    &format!(
                        "invalid UTF-8 (byte 0x{:02x}); expected a text file in UTF-8",
                        bytes[e.valid_up_to()]
                    ),
                )]))
            }
        }
    }

    /// Parses and validates scenario text; `file` names it in diagnostics. A leading
    /// UTF-8 byte order mark (editors on Windows write one) is skipped: positions are
    /// those of the text after it.
    pub fn parse(file: &str, src: &str) -> Result<Scenario, LoadError> {
        let dir = std::path::Path::new(file)
            .parent()
            .unwrap_or(std::path::Path::new(""))
            .to_path_buf();
        Scenario::parse_at(file, src, &dir)
    }

    /// Like [`Scenario::parse`], reading the manifest files the scenario names relative to
    /// `dir` (the scenario file's directory) while diagnostics name them relative to
    /// `file`'s: a test can name a scenario `scenarios/x.ron` whatever its working
    /// directory.
    pub fn parse_at(file: &str, src: &str, dir: &std::path::Path) -> Result<Scenario, LoadError> {
        let src = src.strip_prefix(BOM).unwrap_or(src);
        let options = ron::Options::default()
            .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
            .with_default_extension(ron::extensions::Extensions::UNWRAP_VARIANT_NEWTYPES);
        let spec: spec::Scenario = options.from_str(src).map_err(|e| {
            let (line, col) = (e.span.start.line.max(1), e.span.start.col.max(1));
            // RON reports a file that ends in a comment as whatever it expected next.
            let end = locate::position(src, src.len());
            if let Some(start) = locate::unclosed_comment(src)
                && (line, col) >= locate::position(src, start)
            {
                let (l, c) = locate::position(src, start);
                return LoadError::Invalid(vec![Diagnostic::new(
                    file,
                    end,
                    None,
                    &format!("file ends inside a comment that starts at {l}:{c}; expected `*/` to close it (comments nest: each `/*` needs its own `*/`)"),
                )]);
            }
            if locate::only_comments(src) {
                return LoadError::Invalid(vec![Diagnostic::new(
                    file,
                    end,
                    None,
                    "the file has no scenario; expected `Scenario(name: ..., seed: ..., cluster: (...))` (see docs/scenario-format.md)",
                )]);
            }
            // An expectation RON reports where only whitespace and comments follow: the
            // file was cut short.
            let message = e.code.to_string();
            let expected = match e.code {
                ron::error::Error::Eof => Some("the rest of the scenario (a closing `)` or `]`?)"),
                _ => message
                    .strip_prefix("Expected ")
                    .filter(|_| locate::only_comments(&src[locate::byte_at(src, line, col)..])),
            };
            if let Some(expected) = expected {
                return LoadError::Invalid(vec![Diagnostic::new(
                    file,
                    end,
                    locate::path_at(src, line, col),
                    &format!("the file ends here; expected {expected}"),
                )]);
            }
            LoadError::Invalid(vec![Diagnostic::new(
                file,
                (line, col),
                locate::path_at(src, line, col),
                &message,
            )])
        })?;
        let mut v = Validator {
            file,
            dir,
            problems: Vec::new(),
            repeats: BTreeMap::new(),
            located: Vec::new(),
        };
        let mut scenario = v.scenario(spec);
        let (problems, warnings, never_quiet) = v.finish(src);
        if problems.is_empty() {
            scenario.warnings = warnings;
            scenario.never_quiet = never_quiet;
            Ok(scenario)
        } else {
            Err(LoadError::Invalid(problems))
        }
    }

    /// The warnings to show a user: all of them, and that the run never goes quiet
    /// unless it was given an end (`--until`).
    pub fn warnings_to_show(&self, until_given: bool) -> impl Iterator<Item = &Diagnostic> {
        self.never_quiet
            .iter()
            .filter(move |_| !until_given)
            .chain(&self.warnings)
    }

    /// The namespace index of `node/NAME` or `pod/NAME`.
    pub fn machine_index(&self, on: &str) -> Option<usize> {
        machine_index(&self.nodes, &self.pods, on)
    }

    /// Every machine a command can run on, as `--on` names them.
    pub fn machines(&self) -> Vec<String> {
        machines(&self.nodes, &self.pods)
    }

    /// Builds the simulation: a kernel actor per node (`node/NAME`), a switch actor per
    /// switch (`switch/NAME`), the `scenario` actor that owns the timeline, the namespaces
    /// and the underlay.
    pub fn instantiate(&self, seed: u64, sink: Box<dyn Sink<TraceEvent>>) -> Sim<Net> {
        let mut sim = Sim::new(
            seed,
            World::new(Fabric::default(), crate::tools::spawn),
            sink,
        );
        sim.add("scenario", Box::new(Timeline));
        let mut vertices = BTreeMap::new();
        for (i, node) in self.nodes.iter().enumerate() {
            // Device 0 is lo (Netns::new); eth0, added below, is device 1.
            let kernel = sim.add(
                format!("node/{}", node.name),
                Box::new(Kernel {
                    ns: NsId(i as u32),
                    eth: DevId(1),
                }),
            );
            let vertex = sim.world.fabric.add_vertex(Vertex {
                name: node.name.clone(),
                actor: kernel,
                is_switch: false,
            });
            vertices.insert(node.name.clone(), vertex);
            let first_ident = sim
                .stream(&format!("node/{}/ip-ident", node.name))
                .random::<u16>();
            let mut ns = Netns::new(node.name.clone(), kernel, first_ident);
            ns.files.insert(
                crate::k8s::kubelet::RESOLV_CONF.into(),
                node.resolv_conf.clone(),
            );
            let eth0 = ns.add_device(Device {
                addrs: vec![node.addr],
                ..Device::new(
                    "eth0",
                    DevKind::Ether { vertex },
                    mac_for(&node.name),
                    node.mtu,
                )
            });
            debug_assert_eq!(eth0, DevId(1));
            if let Some(gw) = node.gateway {
                ns.routes.add(Route::default_via(gw, eth0));
            }
            ns.ip_forward = node.ip_forward;
            sim.world.fabric.add_owner(node.addr.addr(), vertex);
            sim.world.fabric.add_mac(mac_for(&node.name), vertex);
            sim.world.netns.push(ns);
        }
        let mut switches = self.switches.clone();
        let mut links = self.links.clone();
        if links.is_empty() {
            switches.push("lan".into());
            links = self
                .nodes
                .iter()
                .map(|n| LinkCfg {
                    a: n.name.clone(),
                    b: "lan".into(),
                    latency: DEFAULT_LATENCY,
                    jitter: Dur::ZERO,
                    loss_ppm: 0,
                    up: true,
                    mtu: None,
                })
                .collect();
        }
        for name in &switches {
            let vertex = VertexId(vertices.len() as u32);
            let actor = sim.add(format!("switch/{name}"), Box::new(Switch { vertex }));
            let added = sim.world.fabric.add_vertex(Vertex {
                name: name.clone(),
                actor,
                is_switch: true,
            });
            debug_assert_eq!(added, vertex);
            vertices.insert(name.clone(), vertex);
        }
        let dockerds = self.add_pods_and_docker(&mut sim);
        if let Some(node) = self.etcd {
            sim.add(
                "etcd",
                Box::new(crate::k8s::etcd::Etcd::new(NsId(node as u32))),
            );
            sim.world.etcd_ns = Some(NsId(node as u32));
        }
        self.add_systemd(&mut sim, &dockerds);
        self.add_kubernetes(&mut sim, &dockerds);
        for (i, node) in self.nodes.iter().enumerate() {
            if let Some(zone) = &node.dns_server {
                crate::tools::start_named(&mut sim, NsId(i as u32), zone.clone());
            }
        }
        for l in &links {
            let name = link_name(&l.a, &l.b);
            let rng = sim.stream(&format!("link/{name}"));
            let mut link = Link::new(name, l.latency, l.jitter, l.loss_ppm, rng);
            link.up = l.up;
            link.mtu = l.mtu;
            sim.world
                .fabric
                .add_link(vertices[&l.a], vertices[&l.b], link);
        }
        sim
    }
}

impl Scenario {
    /// Pod namespaces (only `lo` until their node's dockerd makes the sandbox) with their
    /// kernel actors, and a dockerd actor per node that runs docker, started at 0 s unless
    /// it waits for flanneld. Every random draw here comes from a stream named after the
    /// thing drawn for, so adding a pod changes no other pod's names or MACs.
    fn add_pods_and_docker(&self, sim: &mut Sim<Net>) -> BTreeMap<usize, crate::engine::ActorId> {
        let mut dockerds = BTreeMap::new();
        let mut sandboxes: BTreeMap<usize, Vec<Sandbox>> = BTreeMap::new();
        for (i, pod) in self.pods.iter().enumerate() {
            let pod_ns = NsId((self.nodes.len() + i) as u32);
            let kernel = sim.add(
                format!("pod/{}", pod.name),
                Box::new(Kernel {
                    ns: pod_ns,
                    eth: DevId(1),
                }),
            );
            let first_ident = sim
                .stream(&format!("pod/{}/ip-ident", pod.name))
                .random::<u16>();
            let mut rng = sim.stream(&format!("pod/{}/veth", pod.name));
            let veth = format!("veth{:07x}", rng.random::<u32>() & 0x0fff_ffff);
            let mut host_mac = [0u8; 6];
            rng.fill(&mut host_mac);
            host_mac[0] = (host_mac[0] & 0xfe) | 0x02; // unicast, locally administered
            let ns = Netns::pod(&pod.name, kernel, first_ident, pod.image.clone());
            sim.world.netns.push(ns);
            sandboxes.entry(pod.node).or_default().push(Sandbox {
                ns: pod_ns,
                veth,
                host_mac: Mac(host_mac),
                command: pod.command.clone(),
                name: pod.name.clone(),
                // The container of a scenario's pod is named after the pod (its status
                // report says so).
                container: pod.name.clone(),
                labels: pod.labels.clone(),
                env: Vec::new(),
                from_scenario: true,
                kubelet: None,
                spec: pod.spec.clone(),
                namespace: "default".into(),
                hostname: pod
                    .spec
                    .hostname
                    .clone()
                    .unwrap_or_else(|| pod.name.clone()),
                fqdn: match (&self.kubernetes, &pod.spec.subdomain) {
                    (Some(k), Some(sd)) => Some(format!(
                        "{}.{sd}.default.svc.{}",
                        pod.spec.hostname.as_deref().unwrap_or(&pod.name),
                        k.cluster_domain
                    )),
                    _ => None,
                },
                resolv_conf: self.kubernetes.as_ref().map(|k| {
                    let host = crate::k8s::resolvconf::ResolvConf::parse(
                        &self.nodes[pod.node].resolv_conf,
                    )
                    .unwrap_or_default();
                    let (conf, _) = crate::k8s::resolvconf::for_pod(
                        &crate::k8s::resolvconf::KubeletDns {
                            cluster_dns: &k.cluster_dns,
                            cluster_domain: &k.cluster_domain,
                            host: &host,
                            era: k.version.era(),
                        },
                        &crate::k8s::resolvconf::PodDns {
                            namespace: "default",
                            formatted: String::new(),
                            policy: pod.spec.dns_policy(),
                            host_network: false,
                            config: pod.spec.dns_config.as_ref(),
                        },
                    );
                    conf.render()
                }),
            });
        }
        for (i, node) in self.nodes.iter().enumerate() {
            let Some(docker) = &node.docker else { continue };
            let mut rng = sim.stream(&format!("node/{}/docker0", node.name));
            let mut mac = [0x02, 0x42, 0, 0, 0, 0];
            rng.fill(&mut mac[2..]);
            let id = sim.add(
                format!("node/{}/dockerd", node.name),
                Box::new(Dockerd {
                    ns: NsId(i as u32),
                    options: docker::Options {
                        bip: docker.bip,
                        mtu: docker.mtu,
                        ip_masq: docker.ip_masq,
                    },
                    flannel: docker.flannel,
                    mac: Mac(mac),
                    sandboxes: sandboxes.remove(&i).unwrap_or_default(),
                    started: false,
                    made: Vec::new(),
                    current: None,
                    runs: 0,
                }),
            );
            if !docker.flannel {
                sim.schedule(Dur::ZERO, id, Msg::Start);
            }
            dockerds.insert(i, id);
        }
        dockerds
    }

    /// kube-apiserver on the master, kube-proxy on every node that runs docker, and the
    /// manifest files on the master.
    fn add_kubernetes(
        &self,
        sim: &mut Sim<Net>,
        dockerds: &BTreeMap<usize, crate::engine::ActorId>,
    ) {
        let Some(k) = &self.kubernetes else { return };
        let master = NsId(k.master as u32);
        // A daemon's process record; `start`: it starts at boot (else something starts it).
        let process = |sim: &mut Sim<Net>, id, ns, cmd: String, start: bool| {
            let pid = sim.world.ns_mut(ns).alloc_pid();
            sim.world.procs.insert(
                id,
                crate::net::Proc {
                    ns: Some(ns),
                    pid,
                    daemon: true,
                    cmd,
                    ..Default::default()
                },
            );
            if start {
                sim.schedule(Dur::ZERO, id, Msg::Start);
            }
        };
        let daemon = |sim: &mut Sim<Net>, id, ns, cmd: String| process(sim, id, ns, cmd, true);
        let proxied: Vec<usize> = (0..self.nodes.len())
            .filter(|i| self.nodes[*i].docker.is_some())
            .collect();
        let api = sim.add(
            "kube-apiserver",
            Box::new(crate::k8s::apiserver::Apiserver::new(
                master,
                crate::k8s::apiserver::Config {
                    service_cidr: k.service_cidr,
                    load_balancer: k.load_balancer,
                    version: k.version,
                    watch_delay: k.watch_delay,
                    master_ip: self.nodes[k.master].addr.addr(),
                    nodes: proxied
                        .iter()
                        .map(|i| (self.nodes[*i].name.clone(), self.nodes[*i].addr.addr()))
                        .collect(),
                    cluster_domain: k.cluster_domain.clone(),
                    coredns: k
                        .kubeadm
                        .then(|| k.cluster_dns.first().map(|ip| (k.corefile.clone(), *ip)))
                        .flatten(),
                    kubeadm: k.kubeadm.then(|| {
                        let (mode, scheduler) = match k.mode {
                            crate::k8s::proxy::kube_proxy::Mode::Iptables => ("", ""),
                            crate::k8s::proxy::kube_proxy::Mode::Ipvs(s) => ("ipvs", s.name()),
                            crate::k8s::proxy::kube_proxy::Mode::Userspace => ("userspace", ""),
                        };
                        crate::k8s::apiserver::kube_proxy_config(
                            mode,
                            scheduler,
                            k.cluster_cidr,
                            k.min_sync_period,
                            k.sync_period,
                        )
                    }),
                },
            )),
        );
        daemon(
            sim,
            api,
            master,
            format!(
                "/usr/bin/kube-apiserver --etcd-servers=http://{}:2379 --service-cluster-ip-range={}",
                self.etcd
                    .map(|e| self.nodes[e].addr.addr().to_string())
                    .unwrap_or_default(),
                k.service_cidr
            ),
        );
        for i in proxied {
            let ns = NsId(i as u32);
            let id = sim.add(
                format!("node/{}/kube-proxy", self.nodes[i].name),
                Box::new(crate::k8s::proxy::kube_proxy::KubeProxy::new(
                    ns,
                    crate::k8s::proxy::kube_proxy::Config {
                        mode: k.mode,
                        node_name: self.nodes[i].name.clone(),
                        from_configmap: k.kubeadm && k.version.release.proxy_configmap,
                        cluster_cidr: k.cluster_cidr,
                        era: k.version.era(),
                        holds_node_ports: k.version.release.holds_node_ports,
                        min_sync_period: k.min_sync_period,
                        sync_period: k.sync_period,
                    },
                )),
            );
            let cidr = k
                .cluster_cidr
                .map(|c| format!(" --cluster-cidr={c}"))
                .unwrap_or_default();
            let name = self.nodes[i].name.clone();
            // Under kubeadm it is a DaemonSet's pod: kubelet starts it when the pod is
            // bound here.
            let cmd = if k.kubeadm && !k.version.release.proxy_configmap {
                // kubeadm 1.5's DaemonSet: its flags, kubelet's kubeconfig.
                "kube-proxy --kubeconfig=/run/kubeconfig".to_string()
            } else if k.kubeadm {
                format!(
                    "/usr/local/bin/kube-proxy --config=/var/lib/kube-proxy/config.conf --hostname-override={name}"
                )
            } else {
                format!(
                    "/usr/bin/kube-proxy --proxy-mode={}{cidr} --hostname-override={name}",
                    k.mode.name(),
                )
            };
            process(sim, id, ns, cmd, !k.kubeadm);
            let kubelet = sim.add(
                format!("node/{name}/kubelet"),
                Box::new(crate::k8s::kubelet::Kubelet::new(
                    ns,
                    name.clone(),
                    dockerds[&i],
                    crate::k8s::kubelet::Config {
                        cluster_dns: k.cluster_dns.clone(),
                        cluster_domain: k.cluster_domain.clone(),
                        era: k.version.era(),
                        kube_proxy: k.kubeadm.then_some(id),
                    },
                )),
            );
            let dns = k
                .cluster_dns
                .iter()
                .map(|d| format!(" --cluster-dns={d}"))
                .collect::<String>();
            daemon(
                sim,
                kubelet,
                ns,
                format!(
                    "/usr/bin/kubelet --hostname-override={name}{dns} --cluster-domain={}",
                    k.cluster_domain
                ),
            );
        }
        for f in &self.manifests {
            sim.world
                .ns_mut(NsId(f.node as u32))
                .files
                .insert(f.path.clone(), f.text.clone());
        }
    }

    /// systemd on each node that runs flanneld: it starts flanneld at its `start` time and
    /// takes `systemctl` jobs.
    fn add_systemd(&self, sim: &mut Sim<Net>, dockerds: &BTreeMap<usize, crate::engine::ActorId>) {
        let etcd_ip = self.etcd.map(|e| self.nodes[e].addr.addr());
        for (i, node) in self.nodes.iter().enumerate() {
            let flannel = node.flannel.as_ref().map(|f| FlannelUnit {
                etcd_endpoint: format!(
                    "http://{}:2379",
                    etcd_ip.expect("validated: flannel needs etcd")
                ),
                prefix: f.prefix.clone(),
                ip_masq: f.ip_masq,
                start: f.start,
            });
            if flannel.is_none() && node.docker.is_none() {
                continue;
            }
            let waiting = node.docker.as_ref().is_some_and(|d| d.flannel);
            let id = sim.add(
                format!("node/{}/systemd", node.name),
                Box::new(Systemd {
                    ns: NsId(i as u32),
                    flannel,
                    dockerd: dockerds.get(&i).copied().filter(|_| waiting),
                    docker: dockerds.get(&i).copied(),
                    flanneld: None,
                }),
            );
            sim.schedule(Dur::ZERO, id, Msg::Start);
        }
    }
}

fn machine_index(nodes: &[NodeCfg], pods: &[PodCfg], on: &str) -> Option<usize> {
    if let Some(name) = on.strip_prefix("node/") {
        return nodes.iter().position(|n| n.name == name);
    }
    let name = on.strip_prefix("pod/")?;
    pods.iter()
        .position(|p| p.name == name)
        .map(|i| nodes.len() + i)
}

/// Node name to index; the first node of a name wins, as a linear search would find it.
fn node_index(nodes: &[NodeCfg]) -> BTreeMap<&str, usize> {
    let mut map = BTreeMap::new();
    for (i, n) in nodes.iter().enumerate() {
        map.entry(n.name.as_str()).or_insert(i);
    }
    map
}

/// How many choices an "expected one of" list names before "and N more".
const CHOICES_LISTED: usize = 20;

/// "a, b, c", or the first [`CHOICES_LISTED`] and "... and N more".
fn one_of<S: AsRef<str>>(choices: impl IntoIterator<Item = S>) -> String {
    let mut out = String::new();
    let mut n = 0;
    for c in choices {
        if n < CHOICES_LISTED {
            if n > 0 {
                out.push_str(", ");
            }
            out.push_str(c.as_ref());
        }
        n += 1;
    }
    if n > CHOICES_LISTED {
        out.push_str(&format!(", ... and {} more", n - CHOICES_LISTED));
    }
    out
}

fn machines(nodes: &[NodeCfg], pods: &[PodCfg]) -> Vec<String> {
    nodes
        .iter()
        .map(|n| format!("node/{}", n.name))
        .chain(pods.iter().map(|p| format!("pod/{}", p.name)))
        .collect()
}

/// How a link is named in the trace: `why-02<->why-03`.
pub fn link_name(a: &str, b: &str) -> String {
    format!("{a}<->{b}")
}

/// A stable MAC for a machine's eth0: QEMU/KVM's 52:54:00 prefix (as in the seeds' node
/// UIDs), then three bytes of SHA-256 of the name.
fn mac_for(name: &str) -> Mac {
    let h = Sha256::digest(format!("mac/{name}").as_bytes());
    Mac([0x52, 0x54, 0x00, h[0], h[1], h[2]])
}

/// The actor that scenario-level trace events (link changes) are attributed to.
struct Timeline;

impl Actor<Net> for Timeline {
    fn handle(&mut self, _: Msg, _: &mut Ctx<'_, Net>) {}
}

struct Validator<'a> {
    file: &'a str,
    /// Where the manifest files the scenario names are read from.
    dir: &'a std::path::Path,
    /// (path, message, kind), in the order found; located all at once by
    /// [`Validator::finish`].
    problems: Vec<(String, String, Kind)>,
    /// Each repeating issue: how many times it was found, and the index in `problems` of
    /// its "and N more" line once there is one.
    repeats: BTreeMap<Issue, (usize, Option<usize>)>,
    /// Problems and warnings in other files (manifests beside the scenario), located
    /// already.
    located: Vec<(Diagnostic, Kind)>,
}

/// One issue that can repeat per node, pod, link or step: the field with its indices left
/// out (`cluster.nodes[].ip`), problem or warning, and the tail of its "and N more" line
/// when it has one of its own (else it says how many more problems that field has).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Issue {
    field: String,
    kind: Kind,
    more: Option<&'static str>,
}

impl Issue {
    fn more(&self, n: usize) -> String {
        match self.more {
            Some(text) => format!("and {n} more {text}"),
            None => format!(
                "and {n} more {} at `{}` (this one and later ones); fix the ones above and check again to see them",
                if self.kind == Kind::Problem {
                    "problems"
                } else {
                    "warnings"
                },
                self.field
            ),
        }
    }
}

/// `cluster.nodes[3].ip` as `cluster.nodes[].ip`.
fn field_of(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push('[');
            }
            ']' => {
                in_index = false;
                out.push(']');
            }
            _ if in_index => {}
            _ => out.push(c),
        }
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Problem,
    Warning,
    NeverQuiet,
}

impl Validator<'_> {
    fn problem(&mut self, path: &str, message: impl Into<String>) {
        self.push(path, message.into(), Kind::Problem, None);
    }

    fn warning(&mut self, path: &str, message: impl Into<String>) {
        self.push(path, message.into(), Kind::Warning, None);
    }

    /// A problem that can repeat per node, pod or step, with its own "and N more" text
    /// (`more`, e.g. "steps (this one and later ones) naming a machine that does not
    /// exist").
    fn repeated(&mut self, more: &'static str, path: &str, message: impl Into<String>) {
        self.push(path, message.into(), Kind::Problem, Some(more));
    }

    /// Records a diagnostic, or counts it once its issue has been listed
    /// [`MAX_REPEATS_LISTED`] times.
    fn push(&mut self, path: &str, message: String, kind: Kind, more: Option<&'static str>) {
        let issue = Issue {
            field: field_of(path),
            kind,
            more,
        };
        let (count, summary) = self.repeats.entry(issue).or_insert((0, None));
        *count += 1;
        if *count <= MAX_REPEATS_LISTED {
            self.problems.push((path.to_string(), message, kind));
        } else if summary.is_none() {
            *summary = Some(self.problems.len());
            self.problems.push((path.to_string(), String::new(), kind));
        }
    }

    /// Locates every problem and warning in one pass over the text (each at its value's
    /// position, else its nearest located ancestor's): (problems, warnings, the warning
    /// that the run never goes quiet).
    fn finish(mut self, src: &str) -> (Vec<Diagnostic>, Vec<Diagnostic>, Option<Diagnostic>) {
        for (issue, (count, summary)) in std::mem::take(&mut self.repeats) {
            if let Some(i) = summary {
                self.problems[i].1 = issue.more(count - MAX_REPEATS_LISTED);
            }
        }
        let ancestors = |path: &str| {
            let mut cuts: Vec<usize> = path.match_indices(['.', '[']).map(|(i, _)| i).collect();
            cuts.push(path.len());
            cuts.into_iter()
                .rev()
                .map(|i| path[..i].to_string())
                .collect::<Vec<_>>()
        };
        let wanted: std::collections::BTreeSet<String> = self
            .problems
            .iter()
            .flat_map(|(path, _, _)| ancestors(path))
            .collect();
        let found = locate::find_all(src, &wanted);
        let (mut problems, mut warnings, mut never_quiet) = (Vec::new(), Vec::new(), None);
        for (path, message, kind) in self.problems {
            let pos = ancestors(&path)
                .iter()
                .find_map(|p| found.get(p).copied())
                .unwrap_or((1, 1));
            let d = Diagnostic::new(self.file, pos, Some(path), &message);
            match kind {
                Kind::Problem => problems.push(d),
                Kind::Warning => warnings.push(d),
                Kind::NeverQuiet => never_quiet = Some(d),
            }
        }
        for (d, kind) in self.located {
            match kind {
                Kind::Warning => warnings.push(d),
                _ => problems.push(d),
            }
        }
        (problems, warnings, never_quiet)
    }

    fn duration(&mut self, path: &str, text: &str) -> Option<Dur> {
        match Dur::parse(text) {
            Ok(d) => Some(d),
            Err(e) => {
                self.problem(path, e.to_string());
                None
            }
        }
    }

    fn scenario(&mut self, s: spec::Scenario) -> Scenario {
        if s.name.trim().is_empty() {
            self.problem(
                "name",
                "empty name; expected a short identifier such as \"ping\"",
            );
        }
        let until = s
            .until
            .as_deref()
            .and_then(|u| self.duration("until", u))
            .map(|d| SimTime(d.0));
        let mut names: BTreeMap<String, String> = BTreeMap::new();
        if s.cluster.links.is_empty() {
            // The implicit switch takes this name.
            names.insert(
                "lan".into(),
                "the implicit switch (no `links` given)".into(),
            );
        }
        let nodes = self.nodes(&s.cluster.nodes, &mut names);
        let switches = self.switches(&s.cluster.switches, &mut names);
        let links = self.links(&s.cluster, &names);
        let etcd = s.cluster.etcd.as_ref().and_then(|name| {
            let found = nodes.iter().position(|n| &n.name == name);
            if found.is_none() {
                let known: Vec<&str> = nodes.iter().map(|n| n.name.as_str()).collect();
                self.problem(
                    "cluster.etcd",
                    format!(
                        "unknown node `{name}`; expected the node etcd runs on, one of: {}",
                        known.join(", ")
                    ),
                );
            }
            found
        });
        if etcd.is_none() && s.cluster.etcd.is_none() {
            for (i, n) in s.cluster.nodes.iter().enumerate() {
                if n.flannel.is_some() {
                    self.problem(
                        &format!("cluster.nodes[{i}].flannel"),
                        "flanneld keeps its leases in etcd, but the cluster has none; expected `etcd: \"NODE\"` in `cluster`".to_string(),
                    );
                }
            }
        }
        let pods = self.pods(&s.cluster.pods, &nodes);
        let kubernetes = s
            .cluster
            .kubernetes
            .as_ref()
            .and_then(|k| self.kubernetes(k, &nodes, etcd));
        let manifests = self.manifests(&s.cluster, &nodes, kubernetes.as_ref());
        let steps = self.steps(&s.steps, &nodes, &pods, &links, until);
        if until.is_none() {
            self.never_quiet(&s.cluster);
        }
        Scenario {
            file: self.file.to_string(),
            name: s.name,
            description: s.description,
            seed: s.seed,
            until,
            nodes,
            switches,
            links,
            etcd,
            pods,
            kubernetes,
            manifests,
            steps,
            warnings: Vec::new(),
            never_quiet: None,
        }
    }

    /// A warning when something in the cluster ticks for ever, so a run without `until`
    /// never goes quiet and runs to its event budget. (Pods, docker and etcd alone go
    /// quiet: etcd's TTL sweep stops when no key has a TTL.)
    fn never_quiet(&mut self, c: &spec::Cluster) {
        let budget = super::run::DEFAULT_BUDGET;
        let why = if c.kubernetes.is_some() {
            Some((
                "cluster.kubernetes".to_string(),
                format!(
                    "kubelets post their node's status every {} and kube-proxy resyncs every sync_period",
                    crate::k8s::kubelet::NODE_STATUS_UPDATE
                ),
            ))
        } else {
            c.nodes.iter().position(|n| n.flannel.is_some()).map(|i| {
                (
                    format!("cluster.nodes[{i}].flannel"),
                    "flanneld renews its subnet lease in etcd every 23h".to_string(),
                )
            })
        };
        if let Some((path, why)) = why {
            self.problems.push((
                path,
                format!("{why}, so this scenario never goes quiet: without `until` a run goes on to its event budget ({budget} events, which can take many minutes); expected `until: \"60s\"` (or how long it should run) in `Scenario(...)`, or `--until` on the command line"),
                Kind::NeverQuiet,
            ));
        }
    }

    /// The manifest files of `cluster.manifests`, read from beside the scenario file and
    /// decoded: a problem in one is located in that file.
    fn manifests(
        &mut self,
        c: &spec::Cluster,
        nodes: &[NodeCfg],
        kubernetes: Option<&KubeCfg>,
    ) -> Vec<super::manifests::ManifestFile> {
        use super::manifests::{ManifestFile, expand, read};
        let base = self.dir.to_path_buf();
        let shown_base = std::path::Path::new(self.file)
            .parent()
            .unwrap_or(std::path::Path::new(""))
            .to_path_buf();
        let mut files: Vec<ManifestFile> = Vec::new();
        for (i, m) in c.manifests.iter().enumerate() {
            let at = format!("cluster.manifests[{i}]");
            if c.kubernetes.is_none() {
                self.problem(
                    &at,
                    "manifests are for kubectl, but the cluster runs no Kubernetes; expected `kubernetes: (master: \"NODE\")` in `cluster`",
                );
                continue;
            }
            if !m.path.starts_with('/') {
                self.problem(
                    &format!("{at}.path"),
                    format!("`{}` is not an absolute path; expected one such as \"/etc/k8s_yaml/frontend-service.yaml\" (or a directory such as \"/root/manifests/\")", m.path),
                );
                continue;
            }
            let node = match &m.on {
                None => match kubernetes {
                    Some(k) => k.master,
                    None => continue,
                },
                Some(on) => {
                    let name = on.strip_prefix("node/").unwrap_or(on);
                    match nodes.iter().position(|n| n.name == name) {
                        Some(n) => n,
                        None => {
                            let known: Vec<&str> = nodes.iter().map(|n| n.name.as_str()).collect();
                            self.problem(
                                &format!("{at}.on"),
                                format!("unknown node `{on}`; expected the node that holds the files, one of: {}", known.join(", ")),
                            );
                            continue;
                        }
                    }
                }
            };
            match (&m.file, &m.yaml) {
                (Some(_), Some(_)) | (None, None) => self.problem(
                    &at,
                    "a manifest entry needs exactly one of `file` (a file, a directory or a glob beside the scenario) and `yaml` (the manifest's text)",
                ),
                (None, Some(text)) => {
                    if m.path.ends_with('/') {
                        self.problem(
                            &format!("{at}.path"),
                            format!("`{}` is a directory; an inline manifest needs a file path such as \"{}manifest.yaml\"", m.path, m.path),
                        );
                        continue;
                    }
                    files.push(ManifestFile {
                        node,
                        path: m.path.clone(),
                        text: text.clone(),
                        source: format!("{at}.yaml"),
                    });
                }
                (Some(pattern), None) => match expand(&base, pattern, &m.path) {
                    Err(e) => self.problem(&format!("{at}.file"), e),
                    Ok(found) => {
                        for (path, host) in found {
                            let source = shown_base
                                .join(host.strip_prefix(&base).unwrap_or(&host))
                                .display()
                                .to_string();
                            match read(&host) {
                                Ok(text) => files.push(ManifestFile {
                                    node,
                                    path,
                                    text,
                                    source,
                                }),
                                Err(e) => self.located.push((
                                    Diagnostic::new(&source, (1, 1), None, &e),
                                    Kind::Problem,
                                )),
                            }
                        }
                    }
                },
            }
        }
        let mut seen = BTreeMap::new();
        for (i, f) in files.iter().enumerate() {
            if let Some(j) = seen.insert((f.node, f.path.clone()), i) {
                let first = &files[j];
                self.located.push((
                    Diagnostic::new(
                        &f.source,
                        (1, 1),
                        None,
                        &format!(
                            "`{}` on {} comes from here and from {}; expected each path once",
                            f.path, nodes[f.node].name, first.source
                        ),
                    ),
                    Kind::Problem,
                ));
            }
        }
        let minor = kubernetes.map(|k| k.version.release.minor);
        for f in &files {
            self.check_manifest(f, minor);
        }
        files
    }

    /// Decodes a manifest file as the apiserver would: a file that does not decode (a
    /// syntax error, an unknown field, a wrong type, an unknown kind) is a problem at its
    /// own line and column; a field accepted but not simulated yet is a warning, once per
    /// object.
    fn check_manifest(&mut self, f: &super::manifests::ManifestFile, minor: Option<u32>) {
        use crate::k8s::manifest::decode_each;
        // An inline manifest's positions are inside its text: say so, at its field.
        let inline = f.source.starts_with("cluster.manifests[");
        for doc in decode_each(&f.source, &f.text) {
            // A field the cluster's release does not have yet is unknown to its API.
            let doc = doc.and_then(|d| match minor.and_then(|m| d.too_new(&f.source, m)) {
                Some(e) => Err(e),
                None => Ok(d),
            });
            match doc {
                Err(e) => {
                    let mut message = e.what().to_string();
                    if !e.expected().is_empty() {
                        message += &format!("; expected {}", e.expected());
                    }
                    if inline {
                        let path = if e.path.is_empty() {
                            f.source.clone()
                        } else {
                            format!("{}: {}", f.source, e.path)
                        };
                        self.problem(
                            &f.source,
                            format!(
                                "line {}, column {} of the manifest: {path}: {message}",
                                e.line, e.col
                            ),
                        );
                    } else {
                        let path = (!e.path.is_empty()).then(|| e.path.clone());
                        self.located.push((
                            Diagnostic::new(&f.source, (e.line, e.col), path, &message),
                            Kind::Problem,
                        ));
                    }
                }
                Ok(doc) => {
                    let name = doc.manifest.metadata().name.clone().unwrap_or_default();
                    // A group version the cluster's release does not serve: kubectl finds no
                    // resource for it and sends nothing.
                    if let Some(minor) = minor
                        && !crate::k8s::manifest::types::served(&doc.api_version, &doc.kind, minor)
                    {
                        let serving: Vec<&str> = crate::k8s::manifest::types::SERVED
                            .iter()
                            .filter(|s| {
                                s.kind == doc.kind
                                    && s.since <= minor
                                    && s.until.is_none_or(|u| minor <= u)
                            })
                            .map(|s| s.api_version)
                            .collect();
                        let message = format!(
                            "Kubernetes 1.{minor} serves no {kind} in \"{v}\" (kubectl: no matches for kind \"{kind}\" in version \"{v}\"); expected apiVersion {}",
                            if serving.is_empty() {
                                "of a kind this release serves".to_string()
                            } else {
                                serving.join(" or ")
                            },
                            kind = doc.kind,
                            v = doc.api_version,
                        );
                        let (line, col) = doc.locate("apiVersion");
                        if inline {
                            self.problem(
                                &f.source,
                                format!("line {line}, column {col} of the manifest: {message}"),
                            );
                        } else {
                            self.located.push((
                                Diagnostic::new(
                                    &f.source,
                                    (line, col),
                                    Some("apiVersion".into()),
                                    &message,
                                ),
                                Kind::Problem,
                            ));
                        }
                        continue;
                    }
                    // What the apiserver will refuse is the timeline's to show (kubectl
                    // prints the refusal); the load only points at it.
                    for (path, problem) in doc.manifest.validate() {
                        let (line, col) = doc.locate(&path);
                        // The problem starts with its field's path (validation's words).
                        let message = format!(
                            "the apiserver will refuse {} \"{name}\": {problem}",
                            doc.kind
                        );
                        self.manifest_warning(&f.source, inline, (line, col), message);
                    }
                    for (_, pattern, instead) in crate::k8s::manifest::types::DROPPED_ON_CREATE
                        .iter()
                        .filter(|(k, ..)| *k == doc.kind)
                    {
                        for (path, line, col) in doc.unmodelled_in([*pattern]) {
                            let message = format!(
                                "{} \"{name}\": {path} is dropped when the object is created (status is the controllers' to write, not a manifest's): {instead}",
                                doc.kind
                            );
                            self.manifest_warning(&f.source, inline, (line, col), message);
                        }
                    }
                    let fields = doc.unmodelled();
                    if fields.is_empty() {
                        continue;
                    }
                    let (line, col) = (fields[0].1, fields[0].2);
                    let list: Vec<&str> = fields.iter().map(|(p, ..)| p.as_str()).collect();
                    let message = format!(
                        "{} \"{name}\": accepted but not simulated yet: {}",
                        doc.kind,
                        list.join(", ")
                    );
                    self.manifest_warning(&f.source, inline, (line, col), message);
                }
            }
        }
    }

    /// A warning about a manifest at `at` (line, column): located in its file, or for an
    /// inline manifest at the scenario's field, naming the line and column in the text.
    fn manifest_warning(
        &mut self,
        source: &str,
        inline: bool,
        at: (usize, usize),
        message: String,
    ) {
        if inline {
            self.warning(
                source,
                format!("line {}, column {} of the manifest: {message}", at.0, at.1),
            );
        } else {
            self.located
                .push((Diagnostic::new(source, at, None, &message), Kind::Warning));
        }
    }

    fn kubernetes(
        &mut self,
        k: &spec::Kubernetes,
        nodes: &[NodeCfg],
        etcd: Option<usize>,
    ) -> Option<KubeCfg> {
        let base = "cluster.kubernetes";
        let version =
            match crate::k8s::version::Version::parse(k.version.as_deref().unwrap_or("1.28")) {
                Ok(v) => Some(v),
                Err(e) => {
                    self.problem(&format!("{base}.version"), e);
                    None
                }
            };
        let master = nodes.iter().position(|n| n.name == k.master);
        if master.is_none() {
            let known: Vec<&str> = nodes.iter().map(|n| n.name.as_str()).collect();
            self.problem(
                &format!("{base}.master"),
                format!(
                    "unknown node `{}`; expected the node kube-apiserver runs on, one of: {}",
                    k.master,
                    known.join(", ")
                ),
            );
        }
        if etcd.is_none() {
            self.problem(
                base,
                "kube-apiserver keeps its objects in etcd, but the cluster has none; expected `etcd: \"NODE\"` in `cluster`",
            );
        }
        let cidr = |this: &mut Self, field: &str, text: &str| match parse_network(text) {
            Ok(n) => Some(n),
            Err(e) => {
                this.problem(&format!("{base}.{field}"), e);
                None
            }
        };
        let service_cidr = cidr(
            self,
            "service_cidr",
            k.service_cidr.as_deref().unwrap_or("10.96.0.0/12"),
        );
        let cluster_cidr = match &k.cluster_cidr {
            Some(c) => Some(cidr(self, "cluster_cidr", c)?),
            None => None,
        };
        let load_balancer = match &k.load_balancer {
            Some(lb) => Some(cidr(self, "load_balancer.addresses", &lb.addresses)?),
            None => None,
        };
        let service_cidr = service_cidr.and_then(|range| {
            self.service_range(&format!("{base}.service_cidr"), range, nodes, cluster_cidr)
        });
        let scheduler =
            match crate::net::ipvs::Scheduler::parse(k.ipvs_scheduler.as_deref().unwrap_or("rr")) {
                Some(s) => Some(s),
                None => {
                    self.problem(
                        &format!("{base}.ipvs_scheduler"),
                        format!(
                            "unknown IPVS scheduler `{}`; expected rr, wrr, lc, dh, sh, sed or nq",
                            k.ipvs_scheduler.as_deref().unwrap_or_default()
                        ),
                    );
                    None
                }
            };
        let mode = match k.proxy_mode.as_deref().unwrap_or("iptables") {
            "iptables" => Some(crate::k8s::proxy::kube_proxy::Mode::Iptables),
            "ipvs" if version.is_some_and(|v| !v.release.ipvs) => {
                self.problem(
                    &format!("{base}.proxy_mode"),
                    format!(
                        "kube-proxy {} has no ipvs mode (it came in 1.8); expected \"iptables\" or \"userspace\", or a later `version`",
                        version.expect("checked")
                    ),
                );
                None
            }
            "ipvs" => scheduler.map(crate::k8s::proxy::kube_proxy::Mode::Ipvs),
            "userspace" => Some(crate::k8s::proxy::kube_proxy::Mode::Userspace),
            other => {
                self.problem(
                    &format!("{base}.proxy_mode"),
                    format!("unknown kube-proxy mode `{other}`; expected \"iptables\", \"ipvs\" or \"userspace\""),
                );
                None
            }
        };
        let dur = |this: &mut Self, field: &str, v: &Option<String>, default: &str| {
            this.duration(&format!("{base}.{field}"), v.as_deref().unwrap_or(default))
        };
        let watch_delay = dur(self, "watch_delay", &k.watch_delay, "100ms");
        let min_sync_period = dur(self, "min_sync_period", &k.min_sync_period, "1s");
        let sync_period = dur(self, "sync_period", &k.sync_period, "30s");
        let cluster_dns = match &k.cluster_dns {
            None => Some(Vec::new()),
            Some(t) => match parse_addr(t, "the DNS Service's ClusterIP, e.g. \"10.96.0.10\"") {
                Ok(ip) => Some(vec![ip]),
                Err(e) => {
                    self.problem(&format!("{base}.cluster_dns"), e);
                    None
                }
            },
        };
        // kubeadm puts the DNS Service at the tenth address of the range and tells kubelet.
        let cluster_dns = match (cluster_dns, &service_cidr) {
            (Some(d), Some(cidr)) if d.is_empty() && k.kubeadm => {
                match u32::from(cidr.network())
                    .checked_add(10)
                    .map(Ipv4Addr::from)
                    .filter(|ip| cidr.contains(ip) && *ip != cidr.broadcast())
                {
                    Some(ip) => Some(vec![ip]),
                    None => {
                        self.problem(
                            &format!("{base}.service_cidr"),
                            format!("{cidr} has no tenth address for the kube-dns Service; expected a range of at least 16 addresses, e.g. \"10.96.0.0/12\""),
                        );
                        None
                    }
                }
            }
            (d, _) => d,
        };
        let corefile = k
            .corefile
            .clone()
            .unwrap_or_else(|| crate::k8s::corefile::KUBEADM.to_string());
        if let Err((line, e)) = crate::k8s::corefile::parse(&corefile) {
            self.problem(
                &format!("{base}.corefile"),
                format!("Corefile:{line} - Error during parsing: {e}"),
            );
        }
        if k.corefile.is_some() && !k.kubeadm {
            self.problem(
                &format!("{base}.corefile"),
                "CoreDNS runs as kubeadm's addon here; expected `kubeadm: true` with a corefile",
            );
        } else if let Some(v) = version
            && k.corefile.is_some()
            && v.release.dns_addon != crate::k8s::version::DnsAddon::CoreDns
        {
            self.problem(
                &format!("{base}.corefile"),
                format!("kubeadm {v} installs kube-dns, which has no Corefile; expected no corefile, or a `version` whose DNS add-on is CoreDNS (\"1.28\")"),
            );
        }
        let cluster_domain = k
            .cluster_domain
            .clone()
            .unwrap_or_else(|| "cluster.local".into());
        if cluster_domain.is_empty() || !cluster_domain.split('.').all(crate::k8s::api::dns_label) {
            self.problem(
                &format!("{base}.cluster_domain"),
                format!("`{cluster_domain}` is not a DNS domain; expected lowercase labels separated by dots, e.g. \"cluster.local\""),
            );
        }
        Some(KubeCfg {
            master: master?,
            version: version?,
            service_cidr: service_cidr?,
            cluster_cidr,
            mode: mode?,
            watch_delay: watch_delay?,
            min_sync_period: min_sync_period?,
            sync_period: sync_period?,
            kubeadm: k.kubeadm,
            cluster_dns: cluster_dns?,
            cluster_domain,
            corefile,
            load_balancer,
        })
    }

    /// kube-apiserver's own check of `--service-cluster-ip-range` (it refuses to start),
    /// then warnings where it would start but Services would misbehave.
    fn service_range(
        &mut self,
        path: &str,
        range: Ipv4Net,
        nodes: &[NodeCfg],
        pods: Option<Ipv4Net>,
    ) -> Option<Ipv4Net> {
        // cmd/kube-apiserver/app/options/validation.go: validateMaxCIDRRange, 20 host bits.
        if range.prefix_len() < 12 {
            self.problem(
                path,
                format!("{range}: kube-apiserver refuses it: specified --service-cluster-ip-range is too large; for 32-bit addresses, the mask must be >= 12; expected a range such as \"10.96.0.0/12\""),
            );
            return None;
        }
        // pkg/controlplane (ServiceIPRange): the first address is the `kubernetes`
        // Service's, and the allocator needs room for more.
        if range.prefix_len() > 29 {
            self.problem(
                path,
                format!("{range}: kube-apiserver refuses it: error determining service IP ranges for primary service cidr: the service cluster IP range must be at least 8 IP addresses; expected a range such as \"10.96.0.0/12\""),
            );
            return None;
        }
        if let Some(why) = not_a_host(range.network()) {
            self.warning(
                path,
                format!("{range}: kube-apiserver starts, but every ClusterIP would be {why}, so no Service could be reached as meant; expected a private range such as \"10.96.0.0/12\""),
            );
        }
        if let Some(n) = nodes.iter().find(|n| overlap(range, n.addr.trunc())) {
            self.warning(
                path,
                format!("{range} overlaps node {}'s subnet {}: kube-apiserver can give a Service a ClusterIP that is also a machine's address, and kube-proxy's rules then send traffic for that machine to the Service; expected a range no node uses", n.name, n.addr.trunc()),
            );
        }
        let pod_ranges = pods
            .map(|p| (p, "the pod network (cluster_cidr)".to_string()))
            .into_iter()
            .chain(nodes.iter().filter_map(|n| {
                n.docker
                    .as_ref()
                    .filter(|d| !d.flannel)
                    .map(|d| (d.bip.trunc(), format!("docker0's subnet on {}", n.name)))
            }));
        if let Some((net, what)) = pod_ranges.into_iter().find(|(net, _)| overlap(range, *net)) {
            self.warning(
                path,
                format!("{range} overlaps {what}, {net}: a pod's address can also be a ClusterIP, and kube-proxy then sends traffic for that pod to the Service; expected a range apart from the pods'"),
            );
        }
        Some(range)
    }

    fn name_ok(&mut self, path: &str, name: &str, names: &mut BTreeMap<String, String>) -> bool {
        let valid = !name.is_empty()
            && name.len() <= 63
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
            && name.starts_with(|c: char| c.is_ascii_alphanumeric())
            && name.ends_with(|c: char| c.is_ascii_alphanumeric());
        if !valid {
            self.problem(
                path,
                format!("`{name}` is not a valid name; expected lowercase letters, digits, '-' and '.', starting and ending with a letter or digit (as Kubernetes node names)"),
            );
            return false;
        }
        if let Some(first) = names.get(name) {
            self.repeated("names (this one and later ones) already used by an earlier node, switch or pod; expected unique names", path, format!("`{name}` is already used by {first}; names of nodes and switches must be unique"));
            return false;
        }
        names.insert(name.to_string(), path.to_string());
        true
    }

    fn nodes(
        &mut self,
        nodes: &[spec::Node],
        names: &mut BTreeMap<String, String>,
    ) -> Vec<NodeCfg> {
        if nodes.is_empty() {
            self.problem(
                "cluster.nodes",
                "no nodes; expected at least one, e.g. (name: \"why-02\", ip: \"10.181.13.57/17\")",
            );
        }
        let mut out: Vec<NodeCfg> = Vec::new();
        let mut addrs: BTreeMap<Ipv4Addr, String> = BTreeMap::new();
        // Each subnet seen so far, (network, prefix), with the first node on it.
        let mut subnets: BTreeMap<(u32, u8), (Ipv4Net, String)> = BTreeMap::new();
        for (i, n) in nodes.iter().enumerate() {
            let base = format!("cluster.nodes[{i}]");
            self.name_ok(&format!("{base}.name"), &n.name, names);
            let ip_path = format!("{base}.ip");
            let addr = match parse_cidr(&n.ip) {
                Ok(a) => a,
                Err(msg) => {
                    self.problem(&ip_path, msg);
                    continue;
                }
            };
            if let Some(why) = not_a_host(addr.addr()) {
                self.problem(
                    &ip_path,
                    format!("{} is {why}; expected a unicast address for eth0, e.g. \"10.181.13.57/17\"", addr.addr()),
                );
                // The node is kept, so that what names it is not reported as well.
            }
            if let Some(owner) = addrs.get(&addr.addr()) {
                self.repeated(
                    "nodes (this one and later ones) whose address is already an earlier node's; expected a unique address per node",
                    &ip_path,
                    format!(
                        "{} is already the address of {owner}; expected a unique address per node",
                        addr.addr()
                    ),
                );
            }
            addrs
                .entry(addr.addr())
                .or_insert_with(|| format!("node {}", n.name));
            // Subnets overlap only by one holding the other. An earlier, different subnet
            // that overlaps this one holds it (a shorter prefix: at most 32 lookups) or lies
            // inside it (the networks sorted after this one, up to its broadcast address).
            let net = addr.trunc();
            let key = (u32::from(net.network()), net.prefix_len());
            let holder = (0..net.prefix_len()).rev().find_map(|p| {
                let wider = Ipv4Net::new(net.network(), p)
                    .expect("a shorter prefix")
                    .trunc();
                subnets.get(&(u32::from(wider.network()), p))
            });
            let inside = || {
                (key.1 < 32)
                    .then(|| {
                        subnets
                            .range((key.0, key.1 + 1)..=(u32::from(net.broadcast()), 32))
                            .next()
                            .map(|(_, v)| v)
                    })
                    .flatten()
            };
            if let Some((other, name)) = holder.or_else(inside) {
                self.repeated(
                    "nodes (this one and later ones) whose subnets overlap an earlier node's with a different prefix; nodes on one segment must share one subnet",
                    &ip_path,
                    format!("{addr} overlaps {other} of node {name} with a different prefix; nodes on one segment must share one subnet"),
                );
            }
            subnets.entry(key).or_insert_with(|| (addr, n.name.clone()));
            let gateway = match &n.gateway {
                None => None,
                Some(g) => match parse_addr(g, "e.g. \"10.181.0.1\"") {
                    Ok(gw) if !addr.contains(&gw) => {
                        self.problem(&format!("{base}.gateway"), format!("gateway {gw} is not in {}'s subnet {}; expected an address the node can reach directly", n.name, addr.trunc()));
                        None
                    }
                    Ok(gw) if gw == addr.addr() => {
                        self.problem(&format!("{base}.gateway"), format!("gateway {gw} is the node's own address; expected a router's address"));
                        None
                    }
                    // fib_check_nh_v4_gw: a gateway must look up as unicast (or local).
                    Ok(gw) if addr.prefix_len() < 31 && gw == addr.broadcast() => {
                        self.problem(&format!("{base}.gateway"), format!("gateway {gw} is the broadcast address of {}'s subnet {}: the kernel refuses such a route (`ip route add default via {gw}`: \"Error: Nexthop has invalid gateway.\"); expected a router's address inside it", n.name, addr.trunc()));
                        None
                    }
                    Ok(gw) if addr.prefix_len() < 31 && gw == addr.network() => {
                        self.problem(&format!("{base}.gateway"), format!("gateway {gw} is the network address of {}'s subnet {}, which no host holds; expected a router's address inside it", n.name, addr.trunc()));
                        None
                    }
                    Ok(gw) => Some(gw),
                    Err(e) => {
                        self.problem(&format!("{base}.gateway"), e);
                        None
                    }
                },
            };
            let mtu = n.mtu.unwrap_or(DEFAULT_MTU);
            if !(68..=65535).contains(&mtu) {
                self.problem(
                    &format!("{base}.mtu"),
                    format!("mtu {mtu} is out of range; expected 68 to 65535 (IPv4's limits)"),
                );
            }
            out.push(NodeCfg {
                name: n.name.clone(),
                addr,
                gateway,
                mtu,
                ip_forward: n.ip_forward,
                dns_server: n.dns_server.as_ref().map(|z| {
                    let mut zone = BTreeMap::new();
                    for (name, ip) in z {
                        match parse_addr(ip, "e.g. \"93.184.216.34\"") {
                            Ok(ip) => {
                                zone.insert(crate::wire::dns::absolute(&name.to_ascii_lowercase()), ip);
                            }
                            Err(e) => self.problem(
                                &format!("{base}.dns_server"),
                                if e.contains("leading zero") { e } else { format!("`{ip}` (for {name}) is not an IPv4 address; expected e.g. \"93.184.216.34\"") },
                            ),
                        }
                    }
                    zone
                }),
                resolv_conf: match &n.resolv_conf {
                    Some(t) => {
                        if let Err(e) = crate::k8s::resolvconf::ResolvConf::parse(t) {
                            self.problem(
                                &format!("{base}.resolv_conf"),
                                format!("{e}; expected resolv.conf lines such as \"nameserver 10.181.0.1\\n\""),
                            );
                        }
                        t.clone()
                    }
                    None => DEFAULT_RESOLV_CONF.into(),
                },
                docker: n
                    .docker
                    .as_ref()
                    .and_then(|d| self.docker(&format!("{base}.docker"), d, &n.name, addr)),
                flannel: n.flannel.as_ref().and_then(|f| {
                    let start = match &f.start {
                        Some(t) => self.duration(&format!("{base}.flannel.start"), t)?,
                        None => Dur::ZERO,
                    };
                    let prefix = f
                        .etcd_prefix
                        .clone()
                        .unwrap_or_else(|| "/coreos.com/network".into());
                    if !prefix.starts_with('/') {
                        self.problem(
                            &format!("{base}.flannel.etcd_prefix"),
                            format!("`{prefix}` is not an etcd key; expected a path such as \"/coreos.com/network\""),
                        );
                    }
                    Some(FlannelCfg {
                        start,
                        prefix: prefix.trim_end_matches('/').to_string(),
                        ip_masq: f.ip_masq.unwrap_or(false),
                    })
                }),
            });
            if n.docker.as_ref().is_some_and(|d| d.flannel) && n.flannel.is_none() {
                self.problem(
                    &format!("{base}.docker.flannel"),
                    format!("docker on {} waits for flannel's options, but no flanneld runs there; expected `flannel: ()` on the node", n.name),
                );
            }
        }
        out
    }

    fn switches(
        &mut self,
        switches: &[String],
        names: &mut BTreeMap<String, String>,
    ) -> Vec<String> {
        for (i, s) in switches.iter().enumerate() {
            self.name_ok(&format!("cluster.switches[{i}]"), s, names);
        }
        switches.to_vec()
    }

    fn links(&mut self, c: &spec::Cluster, names: &BTreeMap<String, String>) -> Vec<LinkCfg> {
        if c.links.is_empty() && !c.switches.is_empty() {
            self.problem(
                "cluster.switches",
                "switches are given but no links; expected `links` joining nodes to them",
            );
        }
        let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
        let mut out = Vec::new();
        let known = std::cell::OnceCell::new();
        let known = || {
            known
                .get_or_init(|| one_of(names.keys().map(String::as_str)))
                .clone()
        };
        for (i, l) in c.links.iter().enumerate() {
            let base = format!("cluster.links[{i}]");
            let mut ok = true;
            for (end, name) in [("a", &l.a), ("b", &l.b)] {
                if !names.contains_key(name.as_str()) {
                    self.problem(
                        &format!("{base}.{end}"),
                        format!(
                            "unknown node or switch `{name}`; expected one of: {}",
                            known()
                        ),
                    );
                    ok = false;
                }
            }
            if l.a == l.b {
                self.problem(
                    &format!("{base}.b"),
                    format!(
                        "a link from `{}` to itself; expected two different ends",
                        l.a
                    ),
                );
                ok = false;
            }
            let key = if l.a < l.b {
                (l.a.clone(), l.b.clone())
            } else {
                (l.b.clone(), l.a.clone())
            };
            if let Some(first) = seen.get(&key) {
                self.problem(&base, format!("`{}` and `{}` are already linked by cluster.links[{first}]; expected one link per pair", l.a, l.b));
                ok = false;
            }
            seen.insert(key, i);
            let latency = match &l.latency {
                Some(t) => self.duration(&format!("{base}.latency"), t),
                None => Some(DEFAULT_LATENCY),
            };
            let jitter = match &l.jitter {
                Some(t) => self.duration(&format!("{base}.jitter"), t),
                None => Some(Dur::ZERO),
            };
            let loss = l.loss.unwrap_or(0.0);
            if !(0.0..=1.0).contains(&loss) {
                self.problem(&format!("{base}.loss"), format!("loss {loss} is not a probability; expected a number from 0 to 1, e.g. 0.1 for 10%"));
                ok = false;
            }
            if let Some(mtu) = l.mtu
                && !(68..=65535).contains(&mtu)
            {
                self.problem(
                    &format!("{base}.mtu"),
                    format!("mtu {mtu} is out of range; expected 68 to 65535 (IPv4's limits)"),
                );
                ok = false;
            }
            if let (true, Some(latency), Some(jitter)) = (ok, latency, jitter) {
                out.push(LinkCfg {
                    a: l.a.clone(),
                    b: l.b.clone(),
                    latency,
                    jitter,
                    loss_ppm: (loss * 1_000_000.0).round() as u32,
                    up: l.up.unwrap_or(true),
                    mtu: l.mtu,
                });
            }
        }
        out
    }

    fn docker(
        &mut self,
        base: &str,
        d: &spec::Docker,
        node: &str,
        eth0: Ipv4Net,
    ) -> Option<DockerCfg> {
        let bip_text = d.bip.as_deref().unwrap_or(DEFAULT_BIP);
        let bip = match parse_cidr(bip_text) {
            Ok(b) if b.prefix_len() > 30 => {
                self.problem(
                    &format!("{base}.bip"),
                    format!("--bip {b} leaves no addresses for containers; expected a prefix of /30 or shorter, e.g. \"172.17.0.1/16\""),
                );
                return None;
            }
            Ok(b) => b,
            Err(msg) => {
                self.problem(&format!("{base}.bip"), msg);
                return None;
            }
        };
        // Under flannel, docker0's address comes from flannel's lease instead.
        if !d.flannel {
            if let Some(why) = not_a_host(bip.addr()) {
                self.problem(
                    &format!("{base}.bip"),
                    format!("--bip {bip}: docker0's address {} is {why}; expected a private range such as \"{DEFAULT_BIP}\"", bip.addr()),
                );
                return None;
            }
            if overlap(bip.trunc(), eth0.trunc()) {
                self.warning(
                    &format!("{base}.bip"),
                    format!("docker0's subnet {} overlaps eth0's subnet {} on {node}: dockerd starts, but the node then routes addresses in the overlap to docker0 (its containers) instead of eth0, so machines on the segment with those addresses become unreachable from it; expected a --bip outside {}", bip.trunc(), eth0.trunc(), eth0.trunc()),
                );
            }
        }
        let mtu = d.mtu.unwrap_or(DEFAULT_MTU);
        if !(68..=65535).contains(&mtu) {
            self.problem(
                &format!("{base}.mtu"),
                format!("mtu {mtu} is out of range; expected 68 to 65535 (IPv4's limits)"),
            );
            return None;
        }
        Some(DockerCfg {
            bip,
            mtu,
            ip_masq: d.ip_masq.unwrap_or(true),
            flannel: d.flannel,
        })
    }

    /// Places pods and hands out their addresses as docker's IPAM does: in order, from the
    /// first address after the network's, skipping docker0's own.
    fn pods(&mut self, pods: &[spec::Pod], nodes: &[NodeCfg]) -> Vec<PodCfg> {
        let mut out = Vec::new();
        let mut names: BTreeMap<String, String> = BTreeMap::new();
        let mut next: BTreeMap<usize, u32> = BTreeMap::new();
        let by_name = node_index(nodes);
        let known = std::cell::OnceCell::new();
        for (i, p) in pods.iter().enumerate() {
            let base = format!("cluster.pods[{i}]");
            self.name_ok(&format!("{base}.name"), &p.name, &mut names);
            let Some(&node) = by_name.get(p.node.as_str()) else {
                self.repeated(
                    "pods (this one and later ones) on a node that does not exist",
                    &format!("{base}.node"),
                    format!(
                        "unknown node `{}`; expected one of: {}",
                        p.node,
                        known.get_or_init(|| one_of(nodes.iter().map(|n| n.name.as_str())))
                    ),
                );
                continue;
            };
            let Some(docker) = &nodes[node].docker else {
                self.problem(
                    &format!("{base}.node"),
                    format!(
                        "node {} runs no docker daemon, so it cannot make pod sandboxes; expected `docker: ()` on that node",
                        p.node
                    ),
                );
                continue;
            };
            if let Err((field, message)) = p.spec.validate() {
                self.problem(&format!("{base}.spec.{field}"), message);
            }
            if p.spec.node_name.is_some() || p.spec.host_network {
                self.problem(
                    &format!("{base}.spec"),
                    "a scenario's pod is on its `node`, in its own sandbox; expected no node_name or host_network (a controller's template may have them)",
                );
            }
            // With a static --bip the addresses are known now: say so if they run out.
            // (Under flannel the subnet is leased at run time; dockerd reports it then.)
            let net = docker.bip.trunc();
            let first = u32::from(net.network()) + 1;
            let cursor = next.entry(node).or_insert(first);
            if *cursor == u32::from(docker.bip.addr()) {
                *cursor += 1;
            }
            if !docker.flannel && *cursor >= u32::from(net.broadcast()) {
                self.problem(
                    &base,
                    format!(
                        "docker0's subnet {net} on {} has no address left for this pod; expected a shorter --bip prefix or fewer pods",
                        p.node
                    ),
                );
                continue;
            }
            *cursor += 1;
            out.push(PodCfg {
                name: p.name.clone(),
                node,
                command: p.command.clone(),
                image: p.image.clone(),
                labels: p.labels.clone(),
                spec: p.spec.clone(),
            });
        }
        out
    }

    fn steps(
        &mut self,
        steps: &[spec::Step],
        nodes: &[NodeCfg],
        pods: &[PodCfg],
        links: &[LinkCfg],
        until: Option<SimTime>,
    ) -> Vec<Step> {
        let mut out = Vec::new();
        let mut last = SimTime::ZERO;
        // Each list of choices is made once, however many steps need it.
        let node_list = std::cell::OnceCell::new();
        let node_list = || {
            node_list
                .get_or_init(|| one_of(machines(nodes, pods).iter().map(String::as_str)))
                .clone()
        };
        let link_list = std::cell::OnceCell::new();
        let link_list = || {
            link_list
                .get_or_init(|| one_of(links.iter().map(|l| format!("{}<->{}", l.a, l.b))))
                .clone()
        };
        let by_node = node_index(nodes);
        let by_pod: BTreeMap<&str, usize> = pods
            .iter()
            .enumerate()
            .map(|(i, p)| (p.name.as_str(), nodes.len() + i))
            .rev()
            .collect();
        let find_machine = |on: &str| match on.split_once('/') {
            Some(("node", name)) => by_node.get(name).copied(),
            Some(("pod", name)) => by_pod.get(name).copied(),
            _ => None,
        };
        let linked: std::collections::BTreeSet<(&str, &str)> = links
            .iter()
            .flat_map(|l| [(l.a.as_str(), l.b.as_str()), (l.b.as_str(), l.a.as_str())])
            .collect();
        for (i, s) in steps.iter().enumerate() {
            let base = format!("steps[{i}]");
            let Some(at) = self
                .duration(&format!("{base}.at"), &s.at)
                .map(|d| SimTime(d.0))
            else {
                continue;
            };
            if at < last {
                self.problem(
                    &format!("{base}.at"),
                    format!(
                        "step at {at} comes after a step at {last}; expected steps in time order"
                    ),
                );
            }
            if let Some(u) = until
                && at > u
            {
                self.problem(
                    &format!("{base}.at"),
                    format!(
                        "step at {at} is after the scenario's `until` ({u}); it would never run"
                    ),
                );
            }
            last = last.max(at);
            let actions = [
                s.exec.is_some(),
                s.expect.is_some(),
                s.link_down.is_some(),
                s.link_up.is_some(),
            ];
            if actions.iter().filter(|a| **a).count() != 1 {
                self.problem(&base, "expected exactly one action per step: one of `exec`, `expect`, `link_down`, `link_up`");
                continue;
            }
            let node = |v: &mut Self, path: String, on: &str| -> Option<usize> {
                let found = find_machine(on);
                if found.is_none() {
                    v.repeated(
                        "steps (this one and later ones) naming a machine that does not exist",
                        &path,
                        format!("unknown machine `{on}`; expected one of: {}", node_list()),
                    );
                }
                found
            };
            let cmd_ok = |v: &mut Self, path: String, cmd: &str| -> bool {
                if cmd.trim().is_empty() {
                    v.problem(
                        &path,
                        "empty command; expected e.g. \"ping -c 3 10.181.5.146\"",
                    );
                    return false;
                }
                true
            };
            let action = if let Some(e) = &s.exec {
                let n = node(self, format!("{base}.exec.on"), &e.on);
                let c = cmd_ok(self, format!("{base}.exec.cmd"), &e.cmd);
                match (n, c) {
                    (Some(node), true) => Action::Exec {
                        node,
                        cmd: e.cmd.clone(),
                    },
                    _ => continue,
                }
            } else if let Some(e) = &s.expect {
                let n = node(self, format!("{base}.expect.on"), &e.on);
                let c = cmd_ok(self, format!("{base}.expect.cmd"), &e.cmd);
                let exit_code = match (&e.stdout_contains, &e.stderr_contains, e.exit_code) {
                    (None, None, None) => Some(0),
                    (_, _, code) => code,
                };
                match (n, c) {
                    (Some(node), true) => Action::Expect {
                        node,
                        cmd: e.cmd.clone(),
                        expect: Expectation {
                            stdout_contains: e.stdout_contains.clone(),
                            stderr_contains: e.stderr_contains.clone(),
                            exit_code,
                        },
                    },
                    _ => continue,
                }
            } else {
                let (field, r, up) = match (&s.link_down, &s.link_up) {
                    (Some(r), _) => ("link_down", r, false),
                    (_, Some(r)) => ("link_up", r, true),
                    _ => unreachable!("one action is present"),
                };
                let exists = linked.contains(&(r.a.as_str(), r.b.as_str()));
                let is_node = |n: &str| by_node.contains_key(n);
                let implicit = links.is_empty()
                    && ((r.b == "lan" && is_node(&r.a)) || (r.a == "lan" && is_node(&r.b)));
                if !exists && !implicit {
                    let all = link_list();
                    self.problem(
                        &format!("{base}.{field}"),
                        format!(
                            "no link between `{}` and `{}`; expected one of: {}",
                            r.a,
                            r.b,
                            if all.is_empty() {
                                "(none: list `links` in cluster)".into()
                            } else {
                                all
                            }
                        ),
                    );
                    continue;
                }
                Action::Link {
                    a: r.a.clone(),
                    b: r.b.clone(),
                    up,
                }
            };
            out.push(Step {
                at,
                index: i,
                action,
            });
        }
        out
    }
}

/// `10.181.13.57/17`, or a bare address meaning /24. Rejects the network and broadcast
/// addresses of the subnet, which no host can hold.
fn parse_cidr(text: &str) -> Result<Ipv4Net, String> {
    leading_zero(text)?;
    let net = if text.contains('/') {
        text.parse::<Ipv4Net>().map_err(|_| {
            format!(
                "`{text}` is not an IPv4 address with a prefix; expected e.g. \"10.181.13.57/17\""
            )
        })?
    } else {
        let addr = text.parse::<Ipv4Addr>().map_err(|_| {
            format!("`{text}` is not an IPv4 address; expected e.g. \"10.181.13.57/17\"")
        })?;
        Ipv4Net::new(addr, 24).expect("24 is a valid prefix")
    };
    if net.prefix_len() < 31 && (net.addr() == net.network() || net.addr() == net.broadcast()) {
        return Err(format!(
            "{} is the {} address of {}; expected a host address inside it",
            net.addr(),
            if net.addr() == net.network() {
                "network"
            } else {
                "broadcast"
            },
            net.trunc()
        ));
    }
    Ok(net)
}

/// An IPv4 address (`10.181.0.1`); `expected` ends the message when it is not one.
fn parse_addr(text: &str, expected: &str) -> Result<Ipv4Addr, String> {
    leading_zero(text)?;
    text.parse::<Ipv4Addr>()
        .map_err(|_| format!("`{text}` is not an IPv4 address; expected {expected}"))
}

/// One rule for every IPv4 address a scenario takes (with or without `/PREFIX`): no
/// number with a leading zero. iproute2 (`strtoul(.., 0)`) and inet_aton read `010` as
/// octal 8, Rust's parser refuses it and ipnet's reads it as 10: which was meant is
/// unclear, so it is refused.
fn leading_zero(text: &str) -> Result<(), String> {
    let addr = text.split('/').next().unwrap_or(text);
    let Some(octet) = addr
        .split('.')
        .find(|o| o.len() > 1 && o.starts_with('0') && o.bytes().all(|b| b.is_ascii_digit()))
    else {
        return Ok(());
    };
    let value = match u32::from_str_radix(octet, 8) {
        Ok(v) => v.to_string(),
        Err(_) => "not a valid octal number".to_string(),
    };
    Err(format!(
        "`{text}` has a leading zero in `{octet}`: iproute2 reads such a number as octal ({value}), so which address is meant is unclear; expected decimal numbers without leading zeros"
    ))
}

/// Whether two networks share an address (one then holds the other).
fn overlap(a: Ipv4Net, b: Ipv4Net) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

/// Why `addr` cannot be a host's own address, if it cannot: the ranges Linux treats as
/// martian on any device but `lo`, or that name groups rather than hosts.
fn not_a_host(addr: Ipv4Addr) -> Option<&'static str> {
    let first = addr.octets()[0];
    Some(match first {
        0 => "in 0.0.0.0/8 (\"this network\"): Linux drops packets from it as martians",
        127 => {
            "a loopback address (127.0.0.0/8): it belongs on lo, and Linux drops packets from or to it on any other device as martians"
        }
        224..=239 => {
            "a multicast group (224.0.0.0/4), not a host: nothing answers ARP for it and Linux drops packets from it as martians"
        }
        240..=255 => {
            "in the reserved range 240.0.0.0/4 (255.255.255.255 is the limited broadcast): not an address a host can use"
        }
        _ => return None,
    })
}

/// A network in CIDR form (`10.254.0.0/16`), as `--service-cluster-ip-range` takes it.
fn parse_network(text: &str) -> Result<Ipv4Net, String> {
    leading_zero(text)?;
    let net = text.parse::<Ipv4Net>().map_err(|_| {
        format!("`{text}` is not an IPv4 network; expected CIDR such as \"10.254.0.0/16\"")
    })?;
    if net != net.trunc() {
        return Err(format!(
            "`{text}` has host bits set; expected the network address, \"{}\"",
            net.trunc()
        ));
    }
    Ok(net)
}
