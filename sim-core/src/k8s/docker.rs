//! The docker daemon on a node (`node/NAME/dockerd`): docker0 and pod sandboxes.
//!
//! At start dockerd makes docker0, a Linux bridge with `--bip`'s address (no broadcast
//! address, as docker 1.13 sets it), turns `ip_forward` on, and with `--ip-masq` adds
//! `-t nat -A POSTROUTING -s SUBNET ! -o docker0 -j MASQUERADE`. Then it makes the
//! sandboxes of the pods placed on its node, in order: each is a namespace (made empty
//! when the scenario was built, so its kernel actor exists from the start) that gets
//! `eth0`, one end of a veth pair whose other end `vethXXXXXXX` is a port of docker0.
//! Addresses are handed out in order from the first address of docker0's subnet, skipping
//! docker0's own (reference §7: the first container gets .2).
//!
//! With flannel (`EnvironmentFile=-/run/flannel/docker` in docker.service, as the flannel
//! package installs it, and `After=flanneld.service`), dockerd starts only when flanneld
//! is ready, and takes `--bip`, `--mtu` and `--ip-masq` from the `DOCKER_NETWORK_OPTIONS`
//! line that flannel's `mk-docker-opts.sh` wrote (seed 004: `--bip=10.1.93.1/24
//! --ip-masq=true --mtu=1472`).

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use crate::engine::{Actor, Ctx};
use crate::net::netfilter::TableKind;
use crate::net::route::Route;
use crate::net::{DevId, DevKind, Device, Msg, Net, NsId};
use crate::trace::TraceEvent;
use crate::wire::eth::Mac;
use rand::RngExt;

/// Where flannel's systemd drop-in points docker (`mk-docker-opts.sh -d`).
pub const FLANNEL_DOCKER_ENV: &str = "/run/flannel/docker";

/// dockerd's bridge options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// `--bip`: docker0's address and prefix.
    pub bip: Ipv4Net,
    /// `--mtu`: the containers' MTU.
    pub mtu: u32,
    /// `--ip-masq`.
    pub ip_masq: bool,
}

impl Options {
    /// The options as they appear on dockerd's command line.
    pub fn args(&self) -> String {
        format!(
            "--bip={} --ip-masq={} --mtu={}",
            self.bip, self.ip_masq, self.mtu
        )
    }

    /// Reads `--bip`, `--ip-masq` and `--mtu` from an environment file's
    /// `DOCKER_NETWORK_OPTIONS="..."` line; options it does not name keep `self`'s.
    pub fn from_env_file(&self, text: &str) -> Options {
        let mut out = self.clone();
        let line = text
            .lines()
            .find_map(|l| l.strip_prefix("DOCKER_NETWORK_OPTIONS="))
            .unwrap_or("")
            .trim_matches('"');
        for word in line.split_whitespace() {
            if let Some(v) = word.strip_prefix("--bip=")
                && let Ok(bip) = v.parse()
            {
                out.bip = bip;
            } else if let Some(v) = word.strip_prefix("--mtu=")
                && let Ok(mtu) = v.parse()
            {
                out.mtu = mtu;
            } else if let Some(v) = word.strip_prefix("--ip-masq=") {
                out.ip_masq = v == "true";
            }
        }
        out
    }
}

/// A pod sandbox to make: its namespace, and the host end's name and MAC (drawn when the
/// scenario was built, from the stream `pod/NAME/veth`).
#[derive(Clone, Debug)]
pub struct Sandbox {
    pub ns: NsId,
    pub veth: String,
    pub host_mac: Mac,
    /// The container's command, started once the sandbox has its network.
    pub command: Option<String>,
    /// The pod's name and labels, as kubelet reports the pod to the apiserver.
    pub name: String,
    /// The name of the container whose command runs (its log is `kubectl logs`').
    pub container: String,
    pub labels: crate::k8s::api::Labels,
    /// The container's environment (kubelet's: declared variables and Services').
    pub env: Vec<(String, String)>,
    /// Placed by the scenario (not by the scheduler through kubelet).
    pub from_scenario: bool,
    /// The pod's namespace, hostname, and FQDN when it has a subdomain
    /// (`foo.bar.default.svc.cluster.local`).
    pub namespace: String,
    pub hostname: String,
    pub fqdn: Option<String>,
    /// The `/etc/resolv.conf` kubelet formed for it (none without a cluster).
    pub resolv_conf: Option<String>,
    /// A scenario's pod's spec, as its first report gives it to the apiserver.
    pub spec: crate::k8s::api::PodOptions,
    /// The kubelet that asked for it: it starts the containers once the sandbox has its
    /// network (`Msg::SandboxUp`) and reports the pod; `command` is then none.
    pub kubelet: Option<crate::engine::ActorId>,
}

/// The `/etc/hosts` kubelet writes into a pod (`managedHostsFileContent`): the usual
/// localhost lines, then the pod's address with its FQDN (with a subdomain) and hostname.
pub fn hosts_file(ip: Ipv4Addr, hostname: &str, fqdn: Option<&str>) -> String {
    let names = match fqdn {
        Some(f) => format!("{f}\t{hostname}"),
        None => hostname.to_string(),
    };
    format!(
        "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n{ip}\t{names}\n"
    )
}

pub struct Dockerd {
    pub ns: NsId,
    /// The options from the scenario (flannel's file overrides them).
    pub options: Options,
    /// Whether docker.service reads flannel's options and starts after flanneld.
    pub flannel: bool,
    /// docker0's MAC (02:42 + 4 bytes drawn from the stream `node/NAME/docker0`).
    pub mac: Mac,
    pub sandboxes: Vec<Sandbox>,
    pub started: bool,
    /// Sandboxes made by the current run: (pod namespace, pod eth0, host veth, container
    /// process).
    pub made: Vec<(NsId, DevId, DevId, Option<crate::engine::ActorId>)>,
    /// The options of the current run.
    pub current: Option<Options>,
    /// How many times it was started (a restart's sandboxes get new veth names).
    pub runs: u32,
}

/// How long after docker comes back kubelet has made the pods' sandboxes again (its
/// relist notices the dead containers; a modelled figure).
const KUBELET_RESYNC: crate::engine::Dur = crate::engine::Dur::from_secs(1);
/// The resync timer's token names the docker run that armed it (`T_SANDBOXES + runs`): a
/// timer armed before a stop belongs to a run that is over and does nothing, so two
/// restarts within a second make each sandbox once.
const T_SANDBOXES: u64 = 1 << 32;

impl Actor<Net> for Dockerd {
    fn handle(&mut self, msg: Msg, cx: &mut Ctx<'_, Net>) {
        match msg {
            Msg::Start if !self.started => {
                self.started = true;
                self.runs += 1;
                self.start(cx);
            }
            Msg::Start => {}
            Msg::Stop if self.started => self.stop(cx),
            Msg::Stop => {}
            Msg::Timer(t) if self.started && t == T_SANDBOXES + u64::from(self.runs) => {
                self.make_all(cx)
            }
            // kubelet kills a deleted pod: its container exits, its sandbox goes.
            Msg::KillSandbox { ns } => self.kill(cx, ns),
            // kubelet asks for a pod's sandbox.
            Msg::RunSandbox { sandbox } => {
                // Asked again for a pod it knows (a kubelet that came back): one entry,
                // in its place.
                match self.sandboxes.iter_mut().find(|s| s.ns == sandbox.ns) {
                    Some(s) => *s = (*sandbox).clone(),
                    None => self.sandboxes.push((*sandbox).clone()),
                }
                if self.started && self.current.is_some() {
                    self.make_one(cx, *sandbox);
                }
            }
            _ => {}
        }
    }
}

impl Dockerd {
    fn start(&mut self, cx: &mut Ctx<'_, Net>) {
        let mut opts = self.options.clone();
        if self.flannel {
            match cx.world.ns(self.ns).files.get(FLANNEL_DOCKER_ENV) {
                Some(text) => opts = opts.from_env_file(text),
                None => cx.trace(TraceEvent::Log {
                    line: format!(
                        "{FLANNEL_DOCKER_ENV} does not exist (flanneld never wrote it): starting with the scenario's options"
                    ),
                }),
            }
        }
        super::systemd::starting(cx, self.ns, "docker");
        let cmd = format!("/usr/bin/dockerd-current {}", opts.args());
        cx.trace(TraceEvent::Log {
            line: format!("starting: {cmd}"),
        });
        let pid = cx.world.ns_mut(self.ns).alloc_pid();
        let me = cx.me();
        let started_secs = cx.now().as_nanos() / 1_000_000_000;
        cx.world.procs.insert(
            me,
            crate::net::Proc {
                ns: Some(self.ns),
                pid,
                daemon: true,
                started_secs,
                cmd,
                ..Default::default()
            },
        );
        let at = crate::clock::rfc3339_nano(cx.now());
        super::systemd::log(
            cx,
            self.ns,
            "docker",
            format!("time=\"{at}\" level=info msg=\"API listen on /var/run/docker.sock\""),
        );
        super::systemd::started(cx, self.ns, "docker");
        let netns = cx.world.ns_mut(self.ns);
        netns.ip_forward = true;
        // Making docker0 loads the bridge module, whose netfilter hook defaults on.
        netns
            .sysctl
            .insert("net/bridge/bridge-nf-call-iptables", "1");
        match netns.dev_by_name("docker0") {
            // A restart keeps docker0 and gives it the (maybe new) --bip.
            Some(d) => {
                let old: Vec<Ipv4Net> = netns.dev(d).addrs.clone();
                for a in old.into_iter().filter(|a| *a != opts.bip) {
                    netns.remove_addr(d, a);
                }
                if !netns.dev(d).addrs.contains(&opts.bip) {
                    netns.add_addr(d, opts.bip);
                }
                if let Some(old) = self.current.as_ref().filter(|o| o.ip_masq) {
                    let rule = masquerade_rule(old.bip);
                    let _ = netns.netfilter.delete(TableKind::Nat, "POSTROUTING", &rule);
                }
                d
            }
            None => netns.add_device(Device {
                addrs: vec![opts.bip],
                brd: false,
                ..Device::new("docker0", DevKind::Bridge, self.mac, 1500)
            }),
        };
        if opts.ip_masq {
            let rule = masquerade_rule(opts.bip);
            netns
                .netfilter
                .append(TableKind::Nat, "POSTROUTING", &rule)
                .expect("docker's rule parses");
        }
        self.current = Some(opts);
        if self.runs == 1 {
            self.make_all(cx);
        } else {
            cx.schedule(
                KUBELET_RESYNC,
                Msg::Timer(T_SANDBOXES + u64::from(self.runs)),
            );
        }
    }

    /// docker stops: its containers exit (SIGTERM), their veths and eth0s go; docker0
    /// stays, without ports.
    fn stop(&mut self, cx: &mut Ctx<'_, Net>) {
        self.started = false;
        super::systemd::stopping(cx, self.ns, "docker");
        cx.trace(TraceEvent::Log {
            line: "stopping: every container exits; kubelet will make the pods' sandboxes again when docker is back".into(),
        });
        let now = cx.now();
        // hostNetwork pods' containers without a process of their own end too.
        crate::net::runtime::sandbox_ended(cx.world, self.ns, now);
        for (pod_ns, eth0, veth, proc) in std::mem::take(&mut self.made) {
            crate::net::runtime::sandbox_ended(cx.world, pod_ns, now);
            cx.world.ns_mut(pod_ns).remove_device(eth0);
            cx.world.ns_mut(self.ns).remove_device(veth);
            if let Some(p) = proc {
                cx.send(p, Msg::Stop);
            }
            stop_containers(cx, pod_ns);
        }
        let node = cx.world.ns_mut(self.ns);
        if let Some(d) = node.dev_by_name("docker0") {
            node.dev_mut(d).mtu = 1500;
        }
        let me = cx.me();
        if let Some(p) = cx.world.procs.get_mut(&me) {
            p.exit = Some(0);
        }
        super::systemd::stopped(cx, self.ns, "docker");
    }

    /// A pod's container is stopped and its sandbox removed: eth0 and the veth go, the
    /// address is free again, and docker will not make it again after a restart.
    fn kill(&mut self, cx: &mut Ctx<'_, Net>, pod_ns: NsId) {
        self.sandboxes.retain(|s| s.ns != pod_ns);
        let Some(i) = self.made.iter().position(|m| m.0 == pod_ns) else {
            return;
        };
        let (_, eth0, veth, proc) = self.made.remove(i);
        let pod = cx.world.ns(pod_ns).label.clone();
        let name = cx.world.ns(self.ns).dev(veth).name.clone();
        cx.world.ns_mut(pod_ns).remove_device(eth0);
        cx.world.ns_mut(self.ns).remove_device(veth);
        if let Some(p) = proc {
            cx.send(p, Msg::Stop);
        }
        stop_containers(cx, pod_ns);
        cx.trace(TraceEvent::Log {
            line: format!(
                "sandbox of {pod} removed: its container stopped, {name} gone from docker0"
            ),
        });
    }

    /// Makes every pod's sandbox with addresses from docker0's subnet, in order.
    fn make_all(&mut self, cx: &mut Ctx<'_, Net>) {
        for sb in self.sandboxes.clone() {
            self.make_one(cx, sb);
        }
    }

    /// Makes one pod's sandbox with the first free address of docker0's subnet, starts its
    /// command, and reports the pod to the apiserver (as kubelet would).
    fn make_one(&mut self, cx: &mut Ctx<'_, Net>, sb: Sandbox) {
        let Some(opts) = self.current.clone() else {
            return;
        };
        // One sandbox per pod: a pod kubelet asked for while the resync was pending is
        // made already.
        if self.made.iter().any(|m| m.0 == sb.ns) {
            return;
        }
        let Some(docker0) = cx.world.ns(self.ns).dev_by_name("docker0") else {
            return;
        };
        let net = opts.bip.trunc();
        let used: std::collections::BTreeSet<Ipv4Addr> = self
            .made
            .iter()
            .flat_map(|(pod_ns, eth0, _, _)| cx.world.ns(*pod_ns).dev(*eth0).addrs.clone())
            .map(|a| a.addr())
            .collect();
        let pod = cx.world.ns(sb.ns).label.clone();
        let free = (u32::from(net.network()) + 1..u32::from(net.broadcast()))
            .map(Ipv4Addr::from)
            .find(|a| *a != opts.bip.addr() && !used.contains(a));
        let Some(free) = free else {
            cx.trace(TraceEvent::Log {
                line: format!(
                    "cannot make the sandbox of {pod}: no available IPv4 addresses on this network's address pools: bridge ({net})"
                ),
            });
            return;
        };
        let addr = Ipv4Net::new(free, net.prefix_len()).expect("valid");
        let mut sb = sb;
        if self.runs > 1 {
            // A new sandbox, a new veth pair: new name and MAC from dockerd's stream.
            let mut b = [0u8; 6];
            cx.rng().fill(&mut b);
            sb.veth = format!(
                "veth{:07x}",
                u32::from_le_bytes([b[0], b[1], b[2], b[3]]) & 0x0fff_ffff
            );
            cx.rng().fill(&mut b);
            b[0] = (b[0] & 0xfe) | 0x02;
            sb.host_mac = Mac(b);
        }
        let (eth0, veth) = make_sandbox(cx, self.ns, docker0, &sb, addr, &opts);
        cx.trace(TraceEvent::Log {
            line: format!("sandbox of {pod}: eth0 {addr} via {}", sb.veth),
        });
        let files = &mut cx.world.ns_mut(sb.ns).files;
        files.insert("/etc/hostname".into(), format!("{}\n", sb.hostname));
        if let Some(r) = &sb.resolv_conf {
            files.insert("/etc/resolv.conf".into(), r.clone());
            files.insert(
                "/etc/hosts".into(),
                hosts_file(addr.addr(), &sb.hostname, sb.fqdn.as_deref()),
            );
        }
        cx.world.ns_mut(sb.ns).env = sb.env.clone();
        if let Some(kubelet) = sb.kubelet {
            // kubelet starts the containers and reports the pod.
            cx.send(
                kubelet,
                Msg::SandboxUp {
                    ns: sb.ns,
                    ip: addr.addr(),
                },
            );
            self.made.push((sb.ns, eth0, veth, None));
            return;
        }
        let proc = sb
            .command
            .as_ref()
            .map(|cmd| expand(cmd, &sb.env))
            .and_then(|cmd| crate::net::spawn(cx, sb.ns, &cmd));
        let now = cx.now();
        if let Some(p) = proc {
            crate::net::logs::attach(cx.world, p, (&sb.namespace, &sb.name, &sb.container), now);
        }
        // A container of its own, named after the pod (`docker run --name NAME`).
        let image = cx
            .world
            .ns(sb.ns)
            .image
            .clone()
            .unwrap_or_else(|| "busybox".into());
        let attempt = cx
            .world
            .runtime
            .containers
            .iter()
            .filter(|c| c.sandbox == sb.ns)
            .count();
        let node_label = cx.world.ns(self.ns).label.clone();
        cx.world.runtime.add(crate::net::runtime::Container {
            id: crate::net::runtime::container_id(&format!("{node_label}/{}/{attempt}", sb.name)),
            node: self.ns,
            sandbox: sb.ns,
            name: sb.name.clone(),
            namespace: sb.namespace.clone(),
            pod: sb.name.clone(),
            container: sb.container.clone(),
            pause: false,
            command: sb
                .command
                .as_deref()
                .and_then(|c| shell_words::split(c).ok())
                .unwrap_or_else(|| super::images::docker_command(&image)),
            image,
            env: sb.env.clone(),
            created: now,
            started: now,
            state: crate::net::runtime::State::Running,
            proc,
        });
        // kubelet's stand-in reports the running pod (when there is an apiserver).
        let host_ip = cx
            .world
            .ns(self.ns)
            .underlay_addr()
            .unwrap_or(Ipv4Addr::UNSPECIFIED);
        let node = cx.world.ns(self.ns).name.clone();
        crate::k8s::apiserver::report(
            cx,
            self.ns,
            crate::k8s::api::Request::PodStatus {
                ns: sb.namespace.clone(),
                name: sb.name.clone(),
                node,
                labels: sb.labels.clone(),
                containers: vec![crate::k8s::api::Container {
                    name: sb.name.clone(),
                    image: cx.world.ns(sb.ns).image.clone(),
                    command: sb.command.clone(),
                    ..Default::default()
                }],
                ip: Some(addr.addr()),
                host_ip,
                ready: true,
                phase: crate::k8s::api::Phase::Running,
                statuses: Vec::new(),
                init_statuses: Vec::new(),
                create: sb.from_scenario.then(|| sb.spec.clone()),
            },
        );
        self.made.push((sb.ns, eth0, veth, proc));
    }
}

/// The containers kubelet started in a pod's namespace (`Proc::watcher`) are killed
/// (SIGTERM), as docker kills its containers.
fn stop_containers(cx: &mut Ctx<'_, Net>, pod_ns: NsId) {
    let live: Vec<crate::engine::ActorId> = cx
        .world
        .procs
        .iter()
        .filter(|(_, p)| p.ns == Some(pod_ns) && p.watcher.is_some() && p.exit.is_none())
        .map(|(id, _)| *id)
        .collect();
    for p in live {
        cx.send(p, Msg::Stop);
    }
}

/// A shell's `$VAR` and `${VAR}` expansion of a command line with the container's
/// environment (an unset variable expands to nothing).
pub fn expand(cmd: &str, env: &[(String, String)]) -> String {
    let get = |name: &str| {
        env.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut out = String::new();
    let mut chars = cmd.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        let braced = chars.peek() == Some(&'{');
        if braced {
            chars.next();
        }
        let mut name = String::new();
        while let Some(&n) = chars.peek() {
            if n.is_ascii_alphanumeric() || n == '_' {
                name.push(n);
                chars.next();
            } else {
                break;
            }
        }
        if braced && chars.peek() == Some(&'}') {
            chars.next();
        }
        if name.is_empty() {
            out.push('$');
        } else {
            out += &get(&name);
        }
    }
    out
}

/// Gives a pod's namespace its eth0 (MAC 02:42 + the address's 4 bytes, as docker derives
/// it; MTU `--mtu`; default route via docker0's address) and plugs the host end into
/// docker0. A bridge takes the smallest MTU of its ports.
fn make_sandbox(
    cx: &mut Ctx<'_, Net>,
    node_ns: NsId,
    docker0: DevId,
    sb: &Sandbox,
    addr: Ipv4Net,
    opts: &Options,
) -> (DevId, DevId) {
    let host_dev = DevId(cx.world.ns(node_ns).devices.len() as u16);
    let pod = cx.world.ns_mut(sb.ns);
    let o = addr.addr().octets();
    let eth0 = pod.add_device(Device {
        addrs: vec![addr],
        ..Device::new(
            "eth0",
            DevKind::Veth {
                peer_ns: node_ns,
                peer_dev: host_dev,
            },
            Mac([0x02, 0x42, o[0], o[1], o[2], o[3]]),
            opts.mtu,
        )
    });
    pod.routes.add(Route::default_via(opts.bip.addr(), eth0));
    let node = cx.world.ns_mut(node_ns);
    let added = node.add_device(Device {
        master: Some(docker0),
        ..Device::new(
            sb.veth.clone(),
            DevKind::Veth {
                peer_ns: sb.ns,
                peer_dev: eth0,
            },
            sb.host_mac,
            opts.mtu,
        )
    });
    debug_assert_eq!(added, host_dev);
    let min = node.ports(docker0).map(|p| node.dev(p).mtu).min();
    if let Some(min) = min {
        node.dev_mut(docker0).mtu = min;
    }
    (eth0, host_dev)
}

/// docker's `--ip-masq` rule: what leaves the container subnet by any device but docker0
/// gets the outgoing device's address.
fn masquerade_rule(bip: Ipv4Net) -> String {
    format!("-s {} ! -o docker0 -j MASQUERADE", bip.trunc())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// mk-docker-opts.sh's `-k DOCKER_NETWORK_OPTIONS` line, as seed 004's dockerd got it.
    #[test]
    fn reads_flannels_docker_options() {
        let base = Options {
            bip: "172.17.0.1/16".parse().unwrap(),
            mtu: 1500,
            ip_masq: true,
        };
        let got = base.from_env_file(
            "DOCKER_OPT_BIP=\"--bip=10.1.93.1/24\"\nDOCKER_NETWORK_OPTIONS=\" --bip=10.1.93.1/24 --ip-masq=true --mtu=1472\"\n",
        );
        assert_eq!(got.args(), "--bip=10.1.93.1/24 --ip-masq=true --mtu=1472");
    }
}
