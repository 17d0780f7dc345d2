//! kubelet on a node: runs the pods the scheduler binds to it.
//!
//! It watches Pods and Services. When a pod bound to its node appears, it makes the pod's
//! network namespace (a new sandbox), builds the container's environment as kubelet does
//! (`envvars.rs`: the declared variables, then the Service variables of the pod's namespace
//! and `kubernetes`, from the Services that exist at that moment), picks the command the
//! image runs (`images.rs`), and asks the node's dockerd for the sandbox; dockerd plugs it
//! into docker0, starts the command and reports the pod Running with its IP.
//!
//! A Service created after a pod started is not in that pod's environment: kubelet computed
//! it once, when it started the container (reference §5).

use std::collections::BTreeMap;

use rand::RngExt;

use super::api::{
    Body, ContainerState, ContainerStatus, EventType, Key, Kind, Object, Phase, Request, Response,
};
use super::docker::Sandbox;
use super::envvars;
use super::resolvconf::{self, ResolvConf};
use crate::engine::{Actor, ActorId, Ctx, Dur, SimTime};
use crate::net::netns::Netns;
use crate::net::stack::Kernel;
use crate::net::{DevId, Msg, Net, NsId};
use crate::trace::TraceEvent;
use crate::wire::eth::Mac;

pub struct Kubelet {
    pub ns: NsId,
    pub node: String,
    pub dockerd: ActorId,
    cfg: Config,
    services: BTreeMap<Key, Object>,
    /// ConfigMaps, for the variables that take a value from one.
    config_maps: BTreeMap<Key, Object>,
    /// Secrets, likewise (`secretKeyRef`, `envFrom`'s `secretRef`).
    secrets: BTreeMap<Key, Object>,
    /// The pods it runs, and how.
    started: BTreeMap<(String, String), PodRun>,
    /// Its pending timers beside the heartbeat: token -> which pod's container, and what.
    timers: BTreeMap<u64, (PodKey, String, usize, Due)>,
    next_token: u64,
    /// Probes on their way: TCP and HTTP ones by their socket, exec ones by their process.
    probe_socks: BTreeMap<crate::net::tcp::SockKey, Inflight>,
    probe_procs: BTreeMap<ActorId, Inflight>,
    /// Running (not stopped by systemd), and whether its watch is set up.
    running: bool,
    watching: bool,
    timer: Option<crate::engine::CancelKey>,
}

/// Which of pod `o`'s containers named `name` on node `node` the next one is (0 first).
fn attempt(world: &crate::net::World, node: NsId, o: &Object, name: &str) -> u32 {
    world
        .runtime
        .of_node(node)
        .filter(|c| c.pod == o.meta.name && c.namespace == o.meta.namespace && c.container == name)
        .count() as u32
}

/// A container's docker id: a digest of the pod's uid, the container's name and which
/// of its containers this is (kubelet 1.5's events name its first 12 digits).
fn docker_id(uid: &str, name: &str, attempt: u32) -> String {
    let seed = match attempt {
        0 => format!("{uid}/{name}"),
        n => format!("{uid}/{name}/{n}"),
    };
    crate::net::runtime::container_id(&seed)
}

/// kubelet's flags that shape pods.
pub struct Config {
    /// `--cluster-dns` (none: ClusterFirst pods fall back to the node's resolv.conf).
    pub cluster_dns: Vec<std::net::Ipv4Addr>,
    /// `--cluster-domain`.
    pub cluster_domain: String,
    pub era: super::proxy::names::Era,
    /// The node's kube-proxy, when it runs as a DaemonSet pod (kubeadm): the kube-proxy
    /// container is this actor.
    pub kube_proxy: Option<ActorId>,
}

/// How kubelet runs a pod.
enum Running {
    /// In its own sandbox (network namespace) made by dockerd.
    Sandbox(NsId),
    /// `hostNetwork`: its processes run in the node's namespace.
    Host,
    /// The kube-proxy DaemonSet's pod.
    KubeProxy,
}

type PodKey = (String, String);

/// A pod kubelet runs: how, the object as it last saw it, its address, and its
/// containers.
struct PodRun {
    how: Running,
    obj: Object,
    ip: Option<std::net::Ipv4Addr>,
    containers: Vec<Ctr>,
}

/// One container of a pod: what it runs, its process while it runs, and its status as
/// kubelet reports it.
struct Ctr {
    spec: super::api::Container,
    /// An init container (they come first, and run one after another to completion).
    init: bool,
    /// The command line (variables expanded); none: the image runs nothing we simulate
    /// (the pause process only), and the container counts as running.
    cmd: Option<String>,
    proc: Option<ActorId>,
    status: ContainerStatus,
    /// kubelet's back-off for restarting it (`flowcontrol.Backoff`): the current
    /// duration and when it was last stepped.
    backoff: Option<(Dur, SimTime)>,
    /// Which start of the container this is: a probe timer of an earlier one is stale.
    run_id: u32,
    /// Each probe's consecutive results (startup, liveness, readiness).
    probes: [ProbeState; 3],
}

/// A probe's consecutive successes and failures, and whether it passes (a startup
/// probe that succeeded; a readiness probe's last verdict).
#[derive(Clone, Copy, Debug, Default)]
struct ProbeState {
    successes: u32,
    failures: u32,
    passed: bool,
}

/// The three kinds of probe, in the order kubelet consults them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum ProbeKind {
    Startup = 0,
    Liveness = 1,
    Readiness = 2,
}

impl ProbeKind {
    const ALL: [ProbeKind; 3] = [
        ProbeKind::Startup,
        ProbeKind::Liveness,
        ProbeKind::Readiness,
    ];

    /// As kubelet's events name it (`Readiness probe failed: ...`).
    fn name(self) -> &'static str {
        match self {
            ProbeKind::Startup => "Startup",
            ProbeKind::Liveness => "Liveness",
            ProbeKind::Readiness => "Readiness",
        }
    }

    fn of(self, c: &super::api::Container) -> Option<&super::api::Probe> {
        match self {
            ProbeKind::Startup => c.startup.as_ref(),
            ProbeKind::Liveness => c.liveness.as_ref(),
            ProbeKind::Readiness => c.readiness.as_ref(),
        }
    }
}

/// A probe on its way: which container's, of which start, what it asked (for its
/// messages), and its timeout timer.
#[derive(Clone, Debug)]
struct Inflight {
    key: PodKey,
    uid: String,
    idx: usize,
    kind: ProbeKind,
    run_id: u32,
    /// `http://10.244.1.5:8080/healthz` or `10.244.1.5:8080`.
    target: String,
    /// An HTTP probe's URL, path and Host header.
    http: Option<(String, String, String)>,
}

/// What a container timer is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Due {
    /// The pod's sync after its container exited (PLEG's relist noticed it).
    Sync,
    /// The back-off ran out: start it again.
    Restart,
    /// The next sync after a container could not be created: try again.
    Retry,
    /// A probe's period came round (for the container's start `run_id`).
    Probe(ProbeKind, u32),
    /// A probe's timeout ran out.
    ProbeTimeout(ProbeKind, u32),
}

/// How often kubelet syncs a pod anyway (`--sync-frequency`): a container it could not
/// create is tried again then.
const SYNC_PERIOD: Dur = Dur::from_secs(10);

/// PLEG's relist period: how soon kubelet notices a container exited (`relistPeriod`).
const RELIST: Dur = Dur::from_secs(1);
/// kubelet's container restart back-off: 10 s, doubled at each restart, at most 5 min
/// (`backOffPeriod`, `MaxContainerBackOff`); a container that ran for twice the maximum
/// starts over at 10 s.
const BACKOFF_INITIAL: Dur = Dur::from_secs(10);
const BACKOFF_MAX: Dur = Dur::from_secs(300);
/// The first token of container timers (below: the heartbeat's).
const T_CONTAINERS: u64 = 1 << 16;

/// How often kubelet posts its node's status (`--node-status-update-frequency`).
pub const NODE_STATUS_UPDATE: crate::engine::Dur = crate::engine::Dur::from_secs(10);
const T_HEARTBEAT: u64 = 1;

/// Where kubelet reads the node's resolver configuration (`--resolv-conf`).
pub const RESOLV_CONF: &str = "/etc/resolv.conf";

impl Kubelet {
    pub fn new(ns: NsId, node: String, dockerd: ActorId, cfg: Config) -> Self {
        Kubelet {
            ns,
            node,
            dockerd,
            cfg,
            services: BTreeMap::new(),
            config_maps: BTreeMap::new(),
            secrets: BTreeMap::new(),
            started: BTreeMap::new(),
            timers: BTreeMap::new(),
            next_token: T_CONTAINERS,
            probe_socks: BTreeMap::new(),
            probe_procs: BTreeMap::new(),
            running: false,
            watching: false,
            timer: None,
        }
    }

    fn take(&mut self, cx: &mut Ctx<'_, Net>, o: Object, what: &EventType) {
        let mine = o
            .pod()
            .is_some_and(|p| p.node.as_deref() == Some(self.node.as_str()));
        match (&o.body, what) {
            (Body::Service(_), EventType::Deleted) => {
                self.services.remove(&o.key());
            }
            (Body::Service(_), _) => {
                self.services.insert(o.key(), o);
            }
            (Body::ConfigMap(_), EventType::Deleted) => {
                self.config_maps.remove(&o.key());
            }
            (Body::ConfigMap(_), _) => {
                self.config_maps.insert(o.key(), o);
            }
            (Body::Secret(_), EventType::Deleted) => {
                self.secrets.remove(&o.key());
            }
            (Body::Secret(_), _) => {
                self.secrets.insert(o.key(), o);
            }
            (Body::Pod(p), EventType::Added | EventType::Modified) if mine => {
                let key = (o.meta.namespace.clone(), o.meta.name.clone());
                match self.started.get(&key) {
                    // kubelet knows pods by UID: the same name with another UID is a new
                    // pod (deleted and created again, a StatefulSet's `web-0`), and the
                    // old one, if its deletion is still to come, goes first.
                    Some(old) if old.obj.meta.uid != o.meta.uid => {
                        if let Some(old) = self.started.remove(&key) {
                            self.kill(cx, old);
                        }
                    }
                    Some(_) => return,
                    None => {}
                }
                let inits = p.spec.init_containers.len();
                let containers: Vec<Ctr> = p
                    .spec
                    .init_containers
                    .iter()
                    .chain(&p.containers)
                    .enumerate()
                    .map(|(i, c)| Ctr {
                        spec: c.clone(),
                        init: i < inits,
                        cmd: None,
                        proc: None,
                        status: ContainerStatus {
                            name: c.name.clone(),
                            state: ContainerState::Waiting {
                                reason: if inits > 0 {
                                    "PodInitializing"
                                } else {
                                    "ContainerCreating"
                                }
                                .into(),
                                message: String::new(),
                            },
                            last_state: None,
                            ready: false,
                            restart_count: 0,
                        },
                        backoff: None,
                        run_id: 0,
                        probes: Default::default(),
                    })
                    .collect();
                let how = if p.ip.is_none() {
                    self.run(cx, &o)
                } else {
                    // Running already: a scenario's pod that dockerd made at boot (its
                    // sandbox is the namespace `pod/NAME`); dockerd runs its command.
                    let label = format!("pod/{}", o.meta.name);
                    match (0..cx.world.netns.len())
                        .map(|i| NsId(i as u32))
                        .rfind(|n| cx.world.ns(*n).label == label)
                    {
                        Some(ns) => Running::Sandbox(ns),
                        None => return,
                    }
                };
                let scenario_pod = p.ip.is_some();
                self.started.insert(
                    key.clone(),
                    PodRun {
                        how,
                        obj: o,
                        ip: None,
                        containers,
                    },
                );
                if !scenario_pod
                    && let Some(PodRun {
                        how: Running::Host | Running::KubeProxy,
                        ..
                    }) = self.started.get(&key)
                {
                    self.host_up(cx, &key);
                }
            }
            (Body::Pod(_), EventType::Deleted) if mine => {
                let key = (o.meta.namespace.clone(), o.meta.name.clone());
                if self
                    .started
                    .get(&key)
                    .is_some_and(|old| old.obj.meta.uid == o.meta.uid)
                    && let Some(old) = self.started.remove(&key)
                {
                    self.kill(cx, old);
                }
            }
            _ => {}
        }
    }

    /// A deleted pod: kubelet stops its containers (SIGTERM; the simulated programs exit
    /// at once, without the 30 s grace period) and dockerd removes its sandbox.
    fn kill(&mut self, cx: &mut Ctx<'_, Net>, run: PodRun) {
        let o = &run.obj;
        let names: Vec<String> = run.containers.iter().map(|c| c.spec.name.clone()).collect();
        cx.trace(TraceEvent::Log {
            line: format!(
                "SyncLoop (DELETE): {}/{}: Killing: Stopping container {}",
                o.meta.namespace,
                o.meta.name,
                names.join(", ")
            ),
        });
        let key = (o.meta.namespace.clone(), o.meta.name.clone());
        self.timers
            .retain(|_, (k, uid, _, _)| *k != key || *uid != o.meta.uid);
        // The pod's logs go with it, and its containers (kubelet removes them).
        crate::net::logs::remove(cx.world, &o.meta.namespace, &o.meta.name);
        crate::net::runtime::remove_pod(cx.world, self.ns, &o.meta.namespace, &o.meta.name);
        for c in &run.containers {
            if let Some(p) = c.proc {
                cx.send(p, Msg::Stop);
            }
        }
        match run.how {
            Running::Sandbox(ns) => {
                // The namespace's kernel and processes stay for what is still on its way
                // to them, but their names are free: a new pod of this name gets a
                // namespace (`pod/NAME`) and processes (`pod/NAME/httpd[2]`) of its own.
                let kernel = cx.world.ns(ns).kernel;
                let procs: Vec<ActorId> = cx
                    .world
                    .procs
                    .iter()
                    .filter(|(_, p)| p.ns == Some(ns))
                    .map(|(id, _)| *id)
                    .collect();
                for id in procs.into_iter().chain([kernel]) {
                    cx.release_name(id);
                }
                cx.send(self.dockerd, Msg::KillSandbox { ns })
            }
            Running::Host => {}
            Running::KubeProxy => {
                if let Some(kp) = self.cfg.kube_proxy {
                    cx.send(kp, Msg::Stop);
                }
            }
        }
    }

    /// Records an event about the pod (or the node); `field_path` names the container it
    /// is about (`spec.containers{master}`), or is empty.
    fn event(
        &self,
        cx: &mut Ctx<'_, Net>,
        about: Key,
        field_path: String,
        (type_, reason): (&'static str, &str),
        message: String,
    ) {
        super::apiserver::report(
            cx,
            self.ns,
            Request::Event {
                about,
                type_,
                reason: reason.into(),
                from: "kubelet".into(),
                host: self.node.clone(),
                field_path,
                message,
            },
        );
    }

    /// kubelet's Pulled, Created and Started events for starting a container, in its
    /// release's words.
    fn start_events(
        &self,
        cx: &mut Ctx<'_, Net>,
        o: &Object,
        c: &super::api::Container,
        init: bool,
    ) {
        let key = o.key();
        let image = c.image.clone().unwrap_or_else(|| "busybox".into());
        let path = if init {
            format!("spec.initContainers{{{}}}", c.name)
        } else {
            format!("spec.containers{{{}}}", c.name)
        };
        self.event(
            cx,
            key.clone(),
            path.clone(),
            ("Normal", "Pulled"),
            format!("Container image \"{image}\" already present on machine"),
        );
        let (created, started) = match self.cfg.era {
            // kubelet 1.5's dockertools named the container by its short docker id (the
            // one `kubectl describe pod` shows, a digest of the pod's uid and the
            // container's name here), with docker's security options.
            super::proxy::names::Era::Classic => {
                let attempt = attempt(cx.world, self.ns, o, &c.name);
                let id = docker_id(&o.meta.uid, &c.name, attempt);
                (
                    format!(
                        "Created container with docker id {}; Security:[seccomp=unconfined]",
                        &id[..12]
                    ),
                    format!("Started container with docker id {}", &id[..12]),
                )
            }
            super::proxy::names::Era::Modern => (
                format!("Created container {}", c.name),
                format!("Started container {}", c.name),
            ),
        };
        self.event(
            cx,
            key.clone(),
            path.clone(),
            ("Normal", "Created"),
            created,
        );
        self.event(cx, key, path, ("Normal", "Started"), started);
    }

    /// Starts a pod bound to this node.
    fn run(&mut self, cx: &mut Ctx<'_, Net>, o: &Object) -> Running {
        let Some(pod) = o.pod() else {
            return Running::Host;
        };
        let container = pod
            .containers
            .first()
            .cloned()
            .unwrap_or_else(|| super::api::Container {
                name: o.meta.name.clone(),
                ..Default::default()
            });
        // The sandbox's DNS configuration is formed before the container is created.
        let resolv_conf = (!pod.spec.host_network).then(|| self.resolv_conf(cx, o));
        if pod.spec.host_network {
            return self.run_on_host(cx, o, &container);
        }
        let env = self.env(o, &container);
        let command = container
            .command
            .clone()
            .or_else(|| super::images::command(container.image.as_deref(), &env));
        let pod_ns = NsId(cx.world.netns.len() as u32);
        let name = format!("pod/{}", o.meta.name);
        let Some(kernel) = cx.spawn(
            name.clone(),
            Box::new(Kernel {
                ns: pod_ns,
                eth: DevId(1),
            }),
        ) else {
            return Running::Host;
        };
        let ident: u16 = cx.rng().random();
        let netns = Netns::pod(&o.meta.name, kernel, ident, container.image.clone());
        cx.world.netns.push(netns);
        let veth = format!("veth{:07x}", cx.rng().random::<u32>() & 0x0fff_ffff);
        let mut mac = [0u8; 6];
        cx.rng().fill(&mut mac);
        mac[0] = (mac[0] & 0xfe) | 0x02;
        cx.trace(TraceEvent::Log {
            line: format!(
                "SyncLoop (ADD): {}/{}: starting {} ({} Service variables)",
                o.meta.namespace,
                o.meta.name,
                command.as_deref().unwrap_or("the pause process only"),
                env.len() - container.env.len()
            ),
        });
        let hostname = pod
            .spec
            .hostname
            .clone()
            .unwrap_or_else(|| o.meta.name.clone());
        let fqdn = pod.spec.subdomain.as_ref().map(|sd| {
            format!(
                "{hostname}.{sd}.{}.svc.{}",
                o.meta.namespace, self.cfg.cluster_domain
            )
        });
        let sandbox = Sandbox {
            ns: pod_ns,
            veth,
            host_mac: Mac(mac),
            command: None,
            name: o.meta.name.clone(),
            container: container.name.clone(),
            labels: o.meta.labels.clone(),
            env,
            from_scenario: false,
            namespace: o.meta.namespace.clone(),
            hostname,
            fqdn,
            resolv_conf,
            spec: Default::default(),
            kubelet: Some(cx.me()),
        };
        cx.send(
            self.dockerd,
            Msg::RunSandbox {
                sandbox: Box::new(sandbox),
            },
        );
        Running::Sandbox(pod_ns)
    }

    /// A container's environment as kubelet builds it: its declared variables, then the
    /// Service variables of the pod's namespace (from the Services that exist now).
    fn env(&self, o: &Object, c: &super::api::Container) -> Vec<(String, String)> {
        let services: Vec<envvars::Service> = self
            .services
            .values()
            .filter_map(|s| s.service().map(|svc| svc.env(&s.meta)))
            .collect();
        let links = o
            .pod()
            .and_then(|p| p.spec.enable_service_links)
            .unwrap_or(true);
        envvars::container_env(&c.env, &o.meta.namespace, &services, links)
    }

    /// dockerd made the sandbox of the pod in `ns` (or made it again after a restart):
    /// kubelet starts its containers that do not run.
    fn sandbox_up(&mut self, cx: &mut Ctx<'_, Net>, ns: NsId, ip: std::net::Ipv4Addr) {
        let Some(key) = self
            .started
            .iter()
            .find(|(_, r)| matches!(r.how, Running::Sandbox(n) if n == ns))
            .map(|(k, _)| k.clone())
        else {
            return;
        };
        let run = self.started.get_mut(&key).expect("found");
        run.ip = Some(ip);
        let o = run.obj.clone();
        // The sandbox's infra container, as docker lists it.
        let image = match self.cfg.era {
            super::proxy::names::Era::Classic => "gcr.io/google_containers/pause-amd64:3.0",
            super::proxy::names::Era::Modern => "registry.k8s.io/pause:3.9",
        };
        self.register_container(cx, &o, ns, "POD", image, None, Vec::new());
        self.start_next(cx, &key);
        self.report(cx, &key);
    }

    /// Records a container kubelet had docker create and start in the node's runtime
    /// (`docker ps`): its id and name in the release's conventions (kubelet 1.5's
    /// dockertools `k8s_NAME.HASH_POD_NAMESPACE_UID_RANDOM`, dockershim's and cri-dockerd's
    /// `k8s_NAME_POD_NAMESPACE_UID_ATTEMPT`). Returns its id.
    #[allow(clippy::too_many_arguments)]
    fn register_container(
        &self,
        cx: &mut Ctx<'_, Net>,
        o: &Object,
        sandbox: NsId,
        name: &str,
        image: &str,
        proc: Option<ActorId>,
        env: Vec<(String, String)>,
    ) -> String {
        use crate::net::runtime::{Container, State, container_id};
        let attempt = attempt(cx.world, self.ns, o, name);
        let uid = &o.meta.uid;
        let id = docker_id(uid, name, attempt);
        let docker_name = match self.cfg.era {
            super::proxy::names::Era::Classic => {
                // The container's spec hash and a random suffix (digests here).
                let hash = &container_id(&format!("{name}/{image}"))[..8];
                let suffix = &container_id(&format!("{uid}/{name}/{attempt}/suffix"))[..8];
                format!(
                    "k8s_{name}.{hash}_{}_{}_{uid}_{suffix}",
                    o.meta.name, o.meta.namespace
                )
            }
            super::proxy::names::Era::Modern => format!(
                "k8s_{name}_{}_{}_{uid}_{attempt}",
                o.meta.name, o.meta.namespace
            ),
        };
        let command = o
            .pod()
            .and_then(|p| p.containers.iter().find(|c| c.name == name))
            .and_then(|c| c.command.as_deref())
            .and_then(|c| shell_words::split(c).ok())
            .unwrap_or_else(|| super::images::docker_command(image));
        let now = cx.now();
        cx.world.runtime.add(Container {
            id: id.clone(),
            node: self.ns,
            sandbox,
            name: docker_name,
            namespace: o.meta.namespace.clone(),
            pod: o.meta.name.clone(),
            container: name.to_string(),
            pause: name == "POD",
            image: image.to_string(),
            command,
            env,
            created: now,
            started: now,
            state: State::Running,
            proc,
        });
        id
    }

    /// Starts what comes next in the pod: its first init container that has not
    /// completed, or once they all have, every app container that does not run (each its
    /// own process in the pod's namespace: they share its network and localhost).
    fn start_next(&mut self, cx: &mut Ctx<'_, Net>, key: &PodKey) {
        let Some(run) = self.started.get(key) else {
            return;
        };
        let completed = |c: &Ctr| {
            matches!(
                c.status.state,
                ContainerState::Terminated { exit_code: 0, .. }
            )
        };
        match run.containers.iter().position(|c| c.init && !completed(c)) {
            Some(i) if run.containers[i].proc.is_none() => self.start_container(cx, key, i),
            Some(_) => {}
            None => {
                for i in 0..run.containers.len() {
                    let c = &self.started[key].containers[i];
                    if !c.init && c.proc.is_none() {
                        self.start_container(cx, key, i);
                    }
                }
            }
        }
    }

    /// A hostNetwork pod's "sandbox" is the node's namespace: up at once.
    fn host_up(&mut self, cx: &mut Ctx<'_, Net>, key: &PodKey) {
        let host_ip = cx
            .world
            .ns(self.ns)
            .underlay_addr()
            .unwrap_or(std::net::Ipv4Addr::UNSPECIFIED);
        let now = cx.now();
        let Some(run) = self.started.get_mut(key) else {
            return;
        };
        run.ip = Some(host_ip);
        match run.how {
            Running::KubeProxy => {
                if let Some(c) = run.containers.first_mut() {
                    c.status.state = ContainerState::Running { started_at: now };
                    c.status.ready = true;
                }
            }
            _ => self.start_next(cx, key),
        }
        self.report(cx, key);
    }

    /// Starts container `i` of the pod `key` in its sandbox: its command (or none, the
    /// pause process only), a log for `kubectl logs`, and its status Running.
    fn start_container(&mut self, cx: &mut Ctx<'_, Net>, key: &PodKey, i: usize) {
        let Some(run) = self.started.get(key) else {
            return;
        };
        let (ns, host) = match run.how {
            Running::Sandbox(ns) => (ns, false),
            Running::Host => (self.ns, true),
            Running::KubeProxy => return,
        };
        let o = run.obj.clone();
        let mut spec = run.containers[i].spec.clone();
        let init = run.containers[i].init;
        let ip = run.ip;
        // Variables from elsewhere first: a missing ConfigMap or key is kubelet's
        // CreateContainerConfigError, and it tries again at its next sync.
        match self.resolve_env(cx, &o, &spec, ip) {
            Ok(env) => spec.env = env,
            Err(message) => {
                let path = format!(
                    "spec.{}{{{}}}",
                    if init { "initContainers" } else { "containers" },
                    spec.name
                );
                self.event(
                    cx,
                    o.key(),
                    path,
                    ("Warning", "Failed"),
                    format!("Error: {message}"),
                );
                cx.trace(TraceEvent::Log {
                    line: format!(
                        "{}/{}: container {}: CreateContainerConfigError: {message}",
                        key.0, key.1, spec.name
                    ),
                });
                let uid = o.meta.uid.clone();
                let c = &mut self.started.get_mut(key).expect("found").containers[i];
                c.status.state = ContainerState::Waiting {
                    reason: "CreateContainerConfigError".into(),
                    message,
                };
                self.after(cx, SYNC_PERIOD, (key.clone(), uid, i, Due::Retry));
                return;
            }
        }
        self.start_events(cx, &o, &spec, init);
        // (A hostNetwork pod's command sees its declared variables only.)
        let env = if host {
            spec.env.clone()
        } else {
            self.env(&o, &spec)
        };
        // `kubectl exec` runs in the pod's first app container: its environment.
        let first_app = self.started[key].containers.iter().position(|c| !c.init);
        if !host && first_app == Some(i) {
            cx.world.ns_mut(ns).env = env.clone();
        }
        let cmd = spec
            .command
            .clone()
            .or_else(|| super::images::command(spec.image.as_deref(), &env))
            .map(|c| super::docker::expand(&c, &env));
        let proc = cmd
            .as_ref()
            .and_then(|c| crate::net::spawn_watched(cx, ns, c));
        let now = cx.now();
        if let Some(p) = proc {
            let id = (
                o.meta.namespace.as_str(),
                o.meta.name.as_str(),
                spec.name.as_str(),
            );
            crate::net::logs::attach(cx.world, p, id, now);
        }
        let image = spec.image.clone().unwrap_or_else(|| "busybox".into());
        self.register_container(cx, &o, ns, &spec.name, &image, proc, env.clone());
        let run = self.started.get_mut(key).expect("found");
        let uid = run.obj.meta.uid.clone();
        let c = &mut run.containers[i];
        c.cmd = cmd;
        c.proc = proc;
        c.status.state = ContainerState::Running { started_at: now };
        // Ready at once without probes; with a readiness (or startup) probe, once it
        // passes.
        c.status.ready = c.spec.readiness.is_none() && c.spec.startup.is_none();
        c.run_id += 1;
        c.probes = Default::default();
        let run_id = c.run_id;
        // kubelet's probe workers: the first probe after initialDelaySeconds.
        let due: Vec<(ProbeKind, u32)> = ProbeKind::ALL
            .iter()
            .filter_map(|k| k.of(&c.spec).map(|p| (*k, p.initial_delay)))
            .collect();
        for (kind, delay) in due {
            self.after(
                cx,
                Dur::from_secs(u64::from(delay)),
                (key.clone(), uid.clone(), i, Due::Probe(kind, run_id)),
            );
        }
    }

    /// The container's variables as kubelet's `makeEnvironmentVariables` makes them:
    /// `envFrom`'s keys first (a key that is not a valid variable name skipped, with
    /// kubelet's InvalidEnvironmentVariableNames event), then the declared variables with
    /// the `valueFrom` ones resolved (the Downward API's fields, ConfigMaps' and Secrets'
    /// keys; an optional missing one is left out), a declared one replacing `envFrom`'s of
    /// its name; or kubelet's error for a missing object or key.
    fn resolve_env(
        &self,
        cx: &mut Ctx<'_, Net>,
        o: &Object,
        c: &super::api::Container,
        ip: Option<std::net::Ipv4Addr>,
    ) -> Result<Vec<(String, String)>, String> {
        use super::api::EnvRef;
        let ns = &o.meta.namespace;
        let mut from: BTreeMap<String, String> = BTreeMap::new();
        for f in &c.env_from {
            let Some(data) = self.env_source(f.kind, ns, &f.name) else {
                if f.optional {
                    continue;
                }
                return Err(not_found(f.kind, &f.name));
            };
            let mut invalid = Vec::new();
            for (k, v) in data {
                let k = format!("{}{k}", f.prefix);
                if super::manifest::types::env_var_name(&k).is_empty() {
                    from.insert(k, v);
                } else {
                    invalid.push(k);
                }
            }
            if !invalid.is_empty() {
                invalid.sort();
                let what = if f.kind == Kind::Secret {
                    "secret"
                } else {
                    "configMap"
                };
                self.event(
                    cx,
                    o.key(),
                    String::new(),
                    ("Warning", "InvalidEnvironmentVariableNames"),
                    format!(
                        "Keys [{}] from the EnvFrom {what} {ns}/{} were skipped since they are considered invalid environment variable names.",
                        invalid.join(", "),
                        f.name
                    ),
                );
            }
        }
        let mut declared = Vec::new();
        let host_ip = cx.world.ns(self.ns).underlay_addr();
        for (name, value) in &c.env {
            let Some((_, r)) = c.value_from.iter().find(|(n, _)| n == name) else {
                declared.push((name.clone(), value.clone()));
                continue;
            };
            let (kind, obj, key, optional) = match r {
                EnvRef::Field(path) => {
                    declared.push((name.clone(), field_value(o, path, ip, host_ip)));
                    continue;
                }
                EnvRef::ConfigMapKey {
                    name: obj,
                    key,
                    optional,
                } => (Kind::ConfigMap, obj, key, *optional),
                EnvRef::SecretKey {
                    name: obj,
                    key,
                    optional,
                } => (Kind::Secret, obj, key, *optional),
            };
            let Some(data) = self.env_source(kind, ns, obj) else {
                if optional {
                    continue;
                }
                return Err(not_found(kind, obj));
            };
            match data.into_iter().find(|(k, _)| k == key) {
                Some((_, v)) => declared.push((name.clone(), v)),
                None if optional => {}
                None => {
                    return Err(format!(
                        "couldn't find key {key} in {} {ns}/{obj}",
                        kind.name()
                    ));
                }
            }
        }
        let mut out: Vec<(String, String)> = from
            .into_iter()
            .filter(|(k, _)| !declared.iter().any(|(n, _)| n == k))
            .collect();
        out.extend(declared);
        Ok(out)
    }

    /// A ConfigMap's or Secret's keys and values (a Secret's decoded), as kubelet's
    /// watch knows them; None when it knows no such object.
    fn env_source(&self, kind: Kind, ns: &str, name: &str) -> Option<Vec<(String, String)>> {
        let key = (kind, ns.to_string(), name.to_string());
        match &self.config_maps.get(&key).or(self.secrets.get(&key))?.body {
            Body::ConfigMap(data) => Some(data.clone().into_iter().collect()),
            Body::Secret(s) => Some(
                s.data
                    .iter()
                    .map(|(k, v)| (k.clone(), String::from_utf8_lossy(v).into_owned()))
                    .collect(),
            ),
            _ => None,
        }
    }

    /// A container's process ended: kubelet notices at its next relist, and restarts it
    /// as the pod's restartPolicy says, with its back-off.
    fn exited(&mut self, cx: &mut Ctx<'_, Net>, child: ActorId, code: i32) {
        if let Some(f) = self.probe_procs.remove(&child) {
            // An exec probe: exit 0 is success; its output is the failure's message.
            let out = cx
                .world
                .procs
                .get(&child)
                .map(|p| format!("{}{}", p.stdout, p.stderr))
                .unwrap_or_default();
            self.probe_result(cx, f, code == 0, out.trim_end().to_string());
            return;
        }
        let Some((key, i)) = self.started.iter().find_map(|(k, r)| {
            r.containers
                .iter()
                .position(|c| c.proc == Some(child))
                .map(|i| (k.clone(), i))
        }) else {
            return;
        };
        let now = cx.now();
        let run = self.started.get_mut(&key).expect("found");
        run.containers[i].proc = None;
        // docker stopped (its containers die with it): dockerd makes the sandbox again
        // when it is back, and kubelet starts the containers then.
        if let Running::Sandbox(ns) = run.how
            && cx.world.ns(ns).dev_by_name("eth0").is_none()
        {
            return;
        }
        let uid = run.obj.meta.uid.clone();
        let c = &mut run.containers[i];
        let started_at = match c.status.state {
            ContainerState::Running { started_at } => started_at,
            _ => now,
        };
        c.status.state = ContainerState::Terminated {
            exit_code: code,
            reason: if code == 0 { "Completed" } else { "Error" }.into(),
            started_at,
            finished_at: now,
        };
        c.status.ready = false;
        let name = c.spec.name.clone();
        if c.init && code == 0 {
            // An init container completed: the next one starts, or the app containers.
            cx.trace(TraceEvent::Log {
                line: format!("{}/{}: init container {name} completed", key.0, key.1),
            });
            self.start_next(cx, &key);
            self.report(cx, &key);
            return;
        }
        let policy = run
            .obj
            .pod()
            .map(|p| p.spec.restart_policy().to_string())
            .unwrap_or_default();
        let restart = match policy.as_str() {
            "Never" => false,
            "OnFailure" => code != 0,
            _ => true,
        };
        cx.trace(TraceEvent::Log {
            line: format!(
                "{}/{}: container {name} exited with code {code}; restartPolicy {policy}: {}",
                key.0,
                key.1,
                if restart {
                    "kubelet starts it again"
                } else {
                    "it stays terminated"
                }
            ),
        });
        if restart {
            self.after(cx, RELIST, (key.clone(), uid, i, Due::Sync));
        }
        self.report(cx, &key);
    }

    fn after(&mut self, cx: &mut Ctx<'_, Net>, d: Dur, what: (PodKey, String, usize, Due)) {
        let t = self.next_token;
        self.next_token += 1;
        self.timers.insert(t, what);
        cx.schedule(d, Msg::Timer(t));
    }

    /// A container timer: the sync after an exit (restart, or wait out the back-off),
    /// or the back-off's end.
    fn container_timer(&mut self, cx: &mut Ctx<'_, Net>, t: u64) {
        let Some((key, uid, i, due)) = self.timers.remove(&t) else {
            return;
        };
        let now = cx.now();
        let Some(run) = self.started.get_mut(&key).filter(|r| r.obj.meta.uid == uid) else {
            return;
        };
        let formatted = format!("{}_{}({})", key.1, key.0, uid);
        match due {
            Due::Probe(kind, run_id) => return self.probe(cx, (key, uid, i), kind, run_id),
            Due::Retry => {
                if run.containers[i].proc.is_none()
                    && matches!(
                        run.containers[i].status.state,
                        ContainerState::Waiting { .. }
                    )
                {
                    self.start_container(cx, &key, i);
                    self.report(cx, &key);
                }
                return;
            }
            Due::ProbeTimeout(kind, run_id) => {
                let stale: Vec<crate::net::tcp::SockKey> = self
                    .probe_socks
                    .iter()
                    .filter(|(_, f)| {
                        f.key == key && f.idx == i && f.kind == kind && f.run_id == run_id
                    })
                    .map(|(k, _)| *k)
                    .collect();
                for sk in stale {
                    if let Some(f) = self.probe_socks.remove(&sk) {
                        crate::net::tcp::close(cx, self.ns, sk);
                        let msg = self.timeout_message(&f);
                        self.probe_result(cx, f, false, msg);
                    }
                }
                return;
            }
            _ => {}
        }
        let c = &mut run.containers[i];
        if c.proc.is_some() {
            return;
        }
        let name = c.spec.name.clone();
        match (due, c.backoff) {
            // In back-off: the container waits (CrashLoopBackOff) until it runs out.
            (Due::Sync, Some((d, since))) if now - since < d => {
                let message = match self.cfg.era {
                    super::proxy::names::Era::Modern => format!(
                        "back-off {} restarting failed container={name} pod={formatted}",
                        go_duration(d)
                    ),
                    super::proxy::names::Era::Classic => format!(
                        "Back-off {} restarting failed container={name} pod={formatted}",
                        go_duration(d)
                    ),
                };
                let last = std::mem::replace(
                    &mut c.status.state,
                    ContainerState::Waiting {
                        reason: "CrashLoopBackOff".into(),
                        message,
                    },
                );
                if matches!(last, ContainerState::Terminated { .. }) {
                    c.status.last_state = Some(last);
                }
                let wait = since + d - now;
                let event = match self.cfg.era {
                    super::proxy::names::Era::Modern => {
                        format!("Back-off restarting failed container {name} in pod {formatted}")
                    }
                    super::proxy::names::Era::Classic => {
                        "Back-off restarting failed docker container".to_string()
                    }
                };
                let about = run.obj.key();
                self.event(
                    cx,
                    about,
                    format!("spec.containers{{{name}}}"),
                    ("Warning", "BackOff"),
                    event,
                );
                self.after(cx, wait, (key.clone(), uid, i, Due::Restart));
                self.report(cx, &key);
            }
            _ => {
                // `backOff.Next`: 10 s the first time (or after a long quiet spell),
                // then doubled, at most 5 min.
                c.backoff = Some(match c.backoff {
                    Some((d, since)) if now - since <= BACKOFF_MAX + BACKOFF_MAX => (
                        Dur::from_nanos((d.as_nanos() * 2).min(BACKOFF_MAX.as_nanos())),
                        now,
                    ),
                    _ => (BACKOFF_INITIAL, now),
                });
                let last = std::mem::replace(
                    &mut c.status.state,
                    ContainerState::Running { started_at: now },
                );
                if matches!(last, ContainerState::Terminated { .. }) {
                    c.status.last_state = Some(last);
                }
                c.status.restart_count += 1;
                cx.trace(TraceEvent::Log {
                    line: format!(
                        "SyncLoop (SYNC): {}/{}: starting container {name} again (restart {})",
                        key.0, key.1, c.status.restart_count
                    ),
                });
                self.start_container(cx, &key, i);
                self.report(cx, &key);
            }
        }
    }

    /// A probe's period came round: the next one is scheduled, and this one runs unless
    /// the container stopped (or started again: `run_id`), the last one is still on its
    /// way, or a startup probe has not passed yet (it holds the others back).
    fn probe(
        &mut self,
        cx: &mut Ctx<'_, Net>,
        at: (PodKey, String, usize),
        kind: ProbeKind,
        run_id: u32,
    ) {
        let (key, uid, i) = at;
        let Some(run) = self.started.get(&key).filter(|r| r.obj.meta.uid == uid) else {
            return;
        };
        let c = &run.containers[i];
        let Some(p) = kind.of(&c.spec).cloned() else {
            return;
        };
        if c.run_id != run_id || !c.status.running() {
            return;
        }
        if kind == ProbeKind::Startup && c.probes[0].passed {
            return; // done: a startup probe stops once it succeeded
        }
        let held = kind != ProbeKind::Startup && c.spec.startup.is_some() && !c.probes[0].passed;
        let pod_ip = run.ip;
        let ns = match run.how {
            Running::Sandbox(ns) => ns,
            _ => self.ns,
        };
        let port_names = c.spec.port_names.clone();
        self.after(
            cx,
            Dur::from_secs(u64::from(p.period)),
            (key.clone(), uid.clone(), i, Due::Probe(kind, run_id)),
        );
        let busy = self
            .probe_socks
            .values()
            .chain(self.probe_procs.values())
            .any(|f| f.key == key && f.idx == i && f.kind == kind);
        if held || busy {
            return;
        }
        let port_of = |r: &super::api::PortRef| match r {
            super::api::PortRef::Number(n) => Some(*n),
            super::api::PortRef::Name(n) => port_names
                .iter()
                .find(|(name, _)| name == n)
                .map(|(_, p)| *p),
        };
        let mut f = Inflight {
            key: key.clone(),
            uid: uid.clone(),
            idx: i,
            kind,
            run_id,
            target: String::new(),
            http: None,
        };
        use super::api::ProbeAction as A;
        match &p.action {
            A::Exec(argv) => {
                // In the container, with the simulator's tools.
                let line = super::admission::command_line(argv);
                if let Some(child) = crate::net::spawn_watched(cx, ns, &line) {
                    if let Some(pr) = cx.world.procs.get_mut(&child) {
                        pr.keep = true;
                    }
                    self.probe_procs.insert(child, f);
                }
            }
            A::Tcp { host, port } | A::Http { host, port, .. } => {
                let Some(port) = port_of(port) else {
                    let msg = format!("unknown port name {port} (no container port of that name)");
                    return self.probe_result(cx, f, false, msg);
                };
                // From the node's network namespace to the pod's IP, as kubelet dials.
                let ip = host
                    .as_deref()
                    .and_then(|h| h.parse().ok())
                    .or(pod_ip)
                    .unwrap_or(std::net::Ipv4Addr::UNSPECIFIED);
                f.target = format!("{ip}:{port}");
                if let A::Http {
                    path,
                    scheme,
                    host_header,
                    ..
                } = &p.action
                {
                    let url = format!("{}://{ip}:{port}{path}", scheme.to_lowercase());
                    let host = host_header.clone().unwrap_or_else(|| f.target.clone());
                    f.http = Some((url, path.clone(), host));
                }
                let me = cx.me();
                match crate::net::tcp::connect(cx, self.ns, me, ip, port) {
                    Ok(sk) => {
                        self.probe_socks.insert(sk, f);
                        self.after(
                            cx,
                            Dur::from_secs(u64::from(p.timeout)),
                            (key, uid, i, Due::ProbeTimeout(kind, run_id)),
                        );
                    }
                    Err(e) => {
                        let msg = self.dial_message(&f, &e);
                        self.probe_result(cx, f, false, msg);
                    }
                }
            }
        }
    }

    /// What a TCP or HTTP probe's connection does.
    fn probe_tcp(&mut self, cx: &mut Ctx<'_, Net>, ev: crate::net::tcp::TcpEvent) {
        use crate::net::tcp::TcpEvent as E;
        match ev {
            E::Connected { key } => {
                let Some(f) = self.probe_socks.get(&key) else {
                    return;
                };
                match &f.http {
                    None => {
                        // A TCP probe passes once the connection is made; kubelet closes it.
                        let f = self.probe_socks.remove(&key).expect("found");
                        crate::net::tcp::close(cx, self.ns, key);
                        self.probe_result(cx, f, true, String::new());
                    }
                    Some((_, path, host)) => {
                        let agent = match self.cfg.era {
                            super::proxy::names::Era::Modern => "kube-probe/1.28",
                            super::proxy::names::Era::Classic => "Go-http-client/1.1",
                        };
                        let req = crate::wire::tcp::Message::HttpRequest {
                            method: "GET".into(),
                            path: path.clone(),
                            host: host.clone(),
                            agent: agent.into(),
                        };
                        crate::net::tcp::send(cx, self.ns, key, vec![req]);
                    }
                }
            }
            E::Failed { key, err } => {
                if let Some(f) = self.probe_socks.remove(&key) {
                    let msg = self.dial_message(&f, &err);
                    self.probe_result(cx, f, false, msg);
                }
            }
            E::Data { key, msgs } => {
                let status = msgs.iter().find_map(|m| match m {
                    crate::wire::tcp::Message::HttpResponse { status, .. } => Some(*status),
                    _ => None,
                });
                if let Some(status) = status
                    && let Some(f) = self.probe_socks.remove(&key)
                {
                    crate::net::tcp::close(cx, self.ns, key);
                    let ok = (200..400).contains(&status);
                    let msg = format!("HTTP probe failed with statuscode: {status}");
                    self.probe_result(cx, f, ok, if ok { String::new() } else { msg });
                }
            }
            E::Eof { key } => {
                crate::net::tcp::close(cx, self.ns, key);
                if let Some(f) = self.probe_socks.remove(&key) {
                    let msg = match &f.http {
                        Some((url, ..)) => format!("Get \"{url}\": EOF"),
                        None => String::new(),
                    };
                    let ok = f.http.is_none();
                    self.probe_result(cx, f, ok, msg);
                }
            }
            _ => {}
        }
    }

    /// Go's words for a failed dial, as kubelet's probe messages carry them (1.5's
    /// `getsockopt:`, today's `connect:`).
    fn dial_message(&self, f: &Inflight, e: &crate::net::tcp::TcpError) -> String {
        use crate::net::tcp::TcpError as T;
        let why = match e {
            T::Refused => "connection refused",
            T::TimedOut => "connection timed out",
            T::HostUnreachable => "no route to host",
            T::NetUnreachable => "network is unreachable",
            T::Reset => "connection reset by peer",
        };
        let (op, quote) = match self.cfg.era {
            super::proxy::names::Era::Modern => ("connect", true),
            super::proxy::names::Era::Classic => ("getsockopt", false),
        };
        let dial = format!("dial tcp {}: {op}: {why}", f.target);
        match (&f.http, quote) {
            (Some((url, ..)), true) => format!("Get \"{url}\": {dial}"),
            (Some((url, ..)), false) => format!("Get {url}: {dial}"),
            (None, _) => dial,
        }
    }

    /// A probe that did not answer within its timeoutSeconds, in Go's words.
    fn timeout_message(&self, f: &Inflight) -> String {
        let modern = self.cfg.era == super::proxy::names::Era::Modern;
        match (&f.http, modern) {
            (Some((url, ..)), true) => format!(
                "Get \"{url}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
            ),
            (Some((url, ..)), false) => format!(
                "Get {url}: net/http: request canceled (Client.Timeout exceeded while awaiting headers)"
            ),
            (None, _) => format!("dial tcp {}: i/o timeout", f.target),
        }
    }

    /// A probe's verdict, counted against its thresholds: readiness sets the container's
    /// ready (and so the pod's Ready condition and its place in Endpoints); liveness and
    /// startup failures past the threshold kill the container, which is restarted as the
    /// restartPolicy says. Each failure is kubelet's Unhealthy event.
    fn probe_result(&mut self, cx: &mut Ctx<'_, Net>, f: Inflight, ok: bool, msg: String) {
        let Some(run) = self
            .started
            .get_mut(&f.key)
            .filter(|r| r.obj.meta.uid == f.uid)
        else {
            return;
        };
        let about = run.obj.key();
        let c = &mut run.containers[f.idx];
        if c.run_id != f.run_id || !c.status.running() {
            return;
        }
        let Some(p) = f.kind.of(&c.spec).cloned() else {
            return;
        };
        let st = &mut c.probes[f.kind as usize];
        if ok {
            st.successes += 1;
            st.failures = 0;
        } else {
            st.failures += 1;
            st.successes = 0;
        }
        let (successes, failures) = (st.successes, st.failures);
        let name = c.spec.name.clone();
        let proc = c.proc;
        let path = format!(
            "spec.{}{{{name}}}",
            if c.init {
                "initContainers"
            } else {
                "containers"
            }
        );
        if !ok {
            let line = format!("{} probe failed: {msg}", f.kind.name());
            cx.trace(TraceEvent::Log {
                line: format!("{}/{}: container {name}: {line}", f.key.0, f.key.1),
            });
            self.event(
                cx,
                about.clone(),
                path.clone(),
                ("Warning", "Unhealthy"),
                line,
            );
        }
        let c = &mut self.started.get_mut(&f.key).expect("found").containers[f.idx];
        let mut changed = false;
        match f.kind {
            ProbeKind::Readiness => {
                let was = c.status.ready;
                if ok && successes >= p.success_threshold {
                    c.probes[2].passed = true;
                } else if !ok && failures >= p.failure_threshold {
                    c.probes[2].passed = false;
                }
                c.status.ready = c.probes[2].passed;
                changed = was != c.status.ready;
                if changed {
                    cx.trace(TraceEvent::Log {
                        line: format!(
                            "{}/{}: container {name} is {} (readiness probe)",
                            f.key.0,
                            f.key.1,
                            if c.status.ready { "ready" } else { "not ready" }
                        ),
                    });
                }
            }
            ProbeKind::Startup if ok => {
                c.probes[0].passed = true;
                if c.spec.readiness.is_none() {
                    c.status.ready = true;
                    changed = true;
                }
            }
            ProbeKind::Liveness | ProbeKind::Startup if !ok && failures >= p.failure_threshold => {
                c.probes[f.kind as usize] = ProbeState::default();
                let uid = &f.uid;
                let message = match self.cfg.era {
                    super::proxy::names::Era::Modern => format!(
                        "Container {name} failed {} probe, will be restarted",
                        f.kind.name().to_lowercase()
                    ),
                    super::proxy::names::Era::Classic => {
                        use sha2::{Digest, Sha256};
                        let id = data_encoding::HEXLOWER
                            .encode(&Sha256::digest(format!("{uid}/{name}").as_bytes()));
                        format!(
                            "Killing container with docker id {}: pod \"{}_{}({uid})\" container \"{name}\" is unhealthy, it will be killed and re-created.",
                            &id[..12],
                            f.key.1,
                            f.key.0
                        )
                    }
                };
                self.event(cx, about, path, ("Normal", "Killing"), message);
                if let Some(pr) = proc {
                    cx.send(pr, Msg::Stop);
                }
            }
            _ => {}
        }
        if changed {
            self.report(cx, &f.key);
        }
    }

    /// Reports the pod's status to the apiserver: its address, phase, containers'
    /// statuses and readiness (kubelet's status manager).
    fn report(&self, cx: &mut Ctx<'_, Net>, key: &PodKey) {
        let Some(run) = self.started.get(key) else {
            return;
        };
        let Some(pod) = run.obj.pod() else {
            return;
        };
        let (init, app): (Vec<&Ctr>, Vec<&Ctr>) = run.containers.iter().partition(|c| c.init);
        let statuses: Vec<ContainerStatus> = app.iter().map(|c| c.status.clone()).collect();
        let init_statuses: Vec<ContainerStatus> = init.iter().map(|c| c.status.clone()).collect();
        let host_ip = cx
            .world
            .ns(self.ns)
            .underlay_addr()
            .unwrap_or(std::net::Ipv4Addr::UNSPECIFIED);
        super::apiserver::report(
            cx,
            self.ns,
            Request::PodStatus {
                ns: key.0.clone(),
                name: key.1.clone(),
                node: self.node.clone(),
                labels: run.obj.meta.labels.clone(),
                containers: pod.containers.clone(),
                ip: run.ip,
                host_ip,
                ready: !statuses.is_empty() && statuses.iter().all(|s| s.ready),
                phase: phase(pod.spec.restart_policy(), &init_statuses, &statuses),
                statuses,
                init_statuses,
                create: None,
            },
        );
    }

    /// The pod's resolv.conf from its dnsPolicy and dnsConfig and the node's file
    /// (`resolvconf.rs`), with kubelet's events on the way.
    fn resolv_conf(&mut self, cx: &mut Ctx<'_, Net>, o: &Object) -> String {
        let Some(pod) = o.pod() else {
            return String::new();
        };
        let text = cx
            .world
            .ns(self.ns)
            .files
            .get(RESOLV_CONF)
            .cloned()
            .unwrap_or_default();
        let host = ResolvConf::parse(&text).unwrap_or_default();
        let k = resolvconf::KubeletDns {
            cluster_dns: &self.cfg.cluster_dns,
            cluster_domain: &self.cfg.cluster_domain,
            host: &host,
            era: self.cfg.era,
        };
        let p = resolvconf::PodDns {
            namespace: &o.meta.namespace,
            formatted: format!("{}_{}({})", o.meta.name, o.meta.namespace, o.meta.uid),
            policy: pod.spec.dns_policy(),
            host_network: pod.spec.host_network,
            config: pod.spec.dns_config.as_ref(),
        };
        let (conf, events) = resolvconf::for_pod(&k, &p);
        for e in events {
            cx.trace(TraceEvent::Log {
                line: format!("{} {}: {}", e.type_, e.reason, e.message),
            });
            if let Some(m) = e.node_message {
                let node = (Kind::Node, String::new(), self.node.clone());
                self.event(cx, node, String::new(), (e.type_, e.reason), m);
            }
            self.event(cx, o.key(), String::new(), (e.type_, e.reason), e.message);
        }
        conf.render()
    }

    /// A hostNetwork pod: its process runs in the node's namespace, and the pod's IP is
    /// the node's. The kube-proxy DaemonSet's pod is the node's kube-proxy.
    fn run_on_host(
        &mut self,
        cx: &mut Ctx<'_, Net>,
        o: &Object,
        c: &super::api::Container,
    ) -> Running {
        let is_proxy = c.image.as_deref().is_some_and(|i| i.contains("kube-proxy"));
        // Its infra container, in the node's network (`NetworkMode: host`).
        let pause = match self.cfg.era {
            super::proxy::names::Era::Classic => "gcr.io/google_containers/pause-amd64:3.0",
            super::proxy::names::Era::Modern => "registry.k8s.io/pause:3.9",
        };
        self.register_container(cx, o, self.ns, "POD", pause, None, Vec::new());
        let (how, what) = match (is_proxy, self.cfg.kube_proxy) {
            (true, Some(kp)) => {
                self.start_events(cx, o, c, false);
                let image = c.image.clone().unwrap_or_default();
                let kp_proc = cx.world.procs.get(&kp).map(|p| p.cmd.clone());
                self.register_container(cx, o, self.ns, &c.name, &image, None, c.env.clone());
                // Its command is kube-proxy's own line.
                if let (Some(cmd), Some(last)) = (kp_proc, cx.world.runtime.containers.last_mut()) {
                    last.command = cmd.split_whitespace().map(String::from).collect();
                }
                cx.send(kp, Msg::Start);
                (Running::KubeProxy, "kube-proxy".to_string())
            }
            _ => (
                Running::Host,
                c.command
                    .clone()
                    .or_else(|| super::images::command(c.image.as_deref(), &c.env))
                    .unwrap_or_else(|| "the pause process only".into()),
            ),
        };
        cx.trace(TraceEvent::Log {
            line: format!(
                "SyncLoop (ADD): {}/{}: starting {what} in the node's network namespace (hostNetwork)",
                o.meta.namespace, o.meta.name
            ),
        });
        how
    }
}

impl Kubelet {
    /// Posts the node's status (Ready) and schedules the next post.
    fn heartbeat(&mut self, cx: &mut Ctx<'_, Net>) {
        super::apiserver::report(
            cx,
            self.ns,
            Request::NodeStatus {
                node: self.node.clone(),
            },
        );
        self.timer = Some(cx.schedule_cancellable(NODE_STATUS_UPDATE, Msg::Timer(T_HEARTBEAT)));
    }
}

impl Actor<Net> for Kubelet {
    fn handle(&mut self, msg: Msg, cx: &mut Ctx<'_, Net>) {
        match msg {
            Msg::Start if !self.running => {
                self.running = true;
                if self.cfg.era == super::proxy::names::Era::Modern {
                    cx.world.runtime.modern.insert(self.ns);
                }
                super::systemd::starting(cx, self.ns, "kubelet");
                super::systemd::started(cx, self.ns, "kubelet");
                if std::mem::replace(&mut self.watching, true) {
                    cx.trace(TraceEvent::Log {
                        line: "Started kubelet: posting node status again, and listing its pods afresh".into(),
                    });
                }
                // (Again after a restart: what changed meanwhile comes with the list.)
                super::apiserver::report(
                    cx,
                    self.ns,
                    Request::Watch {
                        kinds: vec![Kind::Service, Kind::ConfigMap, Kind::Secret, Kind::Pod],
                        // Only this node's pods (`fieldSelector=spec.nodeName=NODE`).
                        node: Some(self.node.clone()),
                    },
                );
                self.heartbeat(cx);
            }
            Msg::Stop if self.running => {
                super::systemd::stopping(cx, self.ns, "kubelet");
                super::systemd::stopped(cx, self.ns, "kubelet");
                self.running = false;
                if let Some(t) = self.timer.take() {
                    cx.cancel(t);
                }
                cx.trace(TraceEvent::Log {
                    line: "Stopped kubelet (kubelet.service requires docker.service): no more node status updates".into(),
                });
            }
            Msg::Timer(T_HEARTBEAT) if self.running => self.heartbeat(cx),
            _ if !self.running => {}
            Msg::ApiResponse { resp, .. } => {
                if let Response::List(objects) = *resp {
                    // Pods it runs that are gone from the list were deleted while it was
                    // stopped: their containers are killed now.
                    let listed: std::collections::BTreeSet<(String, String)> = objects
                        .iter()
                        .filter(|o| o.kind() == Kind::Pod)
                        .map(|o| (o.meta.namespace.clone(), o.meta.name.clone()))
                        .collect();
                    let gone: Vec<(String, String)> = self
                        .started
                        .keys()
                        .filter(|k| !listed.contains(*k))
                        .cloned()
                        .collect();
                    for k in gone {
                        if let Some(run) = self.started.remove(&k) {
                            self.kill(cx, run);
                        }
                    }
                    // Services first, so pods listed with them get their variables.
                    let (svcs, rest): (Vec<Object>, Vec<Object>) =
                        objects.into_iter().partition(|o| o.kind() == Kind::Service);
                    for o in svcs.into_iter().chain(rest) {
                        self.take(cx, o, &EventType::Added);
                    }
                }
            }
            Msg::ApiEvent { event } => {
                let event = *event;
                self.take(cx, event.object, &event.what);
            }
            Msg::SandboxUp { ns, ip } => self.sandbox_up(cx, ns, ip),
            Msg::Tcp(ev) => self.probe_tcp(cx, ev),
            Msg::Exited { child, code } => self.exited(cx, child, code),
            Msg::Timer(t) if t >= T_CONTAINERS => self.container_timer(cx, t),
            _ => {}
        }
    }
}

/// The pod's phase from its containers' statuses (kubelet's `getPhase`): Pending while
/// its init containers run or one waits to start for the first time, Running while one
/// runs (or will be started again), and once all have stopped for good, Succeeded if all
/// exited 0, else Failed (also when an init container failed under `Never`).
pub fn phase(
    restart_policy: &str,
    init: &[ContainerStatus],
    statuses: &[ContainerStatus],
) -> Phase {
    let (mut pending_init, mut failed_init) = (0, 0);
    for s in init {
        match (&s.state, &s.last_state) {
            (ContainerState::Running { .. }, _) => pending_init += 1,
            (ContainerState::Terminated { exit_code, .. }, _) => {
                if *exit_code != 0 {
                    failed_init += 1;
                }
            }
            (
                ContainerState::Waiting { .. },
                Some(ContainerState::Terminated { exit_code, .. }),
            ) => {
                if *exit_code != 0 {
                    failed_init += 1;
                }
            }
            (ContainerState::Waiting { .. }, _) => pending_init += 1,
        }
    }
    let started = statuses
        .iter()
        .any(|s| !matches!(s.state, ContainerState::Waiting { .. }) || s.last_state.is_some());
    if !started && failed_init > 0 && restart_policy == "Never" {
        return Phase::Failed;
    }
    if pending_init > 0 || (!started && failed_init > 0) {
        return Phase::Pending;
    }
    let (mut running, mut waiting, mut stopped, mut succeeded) = (0, 0, 0, 0);
    for s in statuses {
        match &s.state {
            ContainerState::Running { .. } => running += 1,
            ContainerState::Terminated { exit_code, .. } => {
                stopped += 1;
                if *exit_code == 0 {
                    succeeded += 1;
                }
            }
            ContainerState::Waiting { .. } if s.last_state.is_some() => stopped += 1,
            ContainerState::Waiting { .. } => waiting += 1,
        }
    }
    if waiting > 0 || statuses.is_empty() {
        Phase::Pending
    } else if running > 0 {
        Phase::Running
    } else if restart_policy == "Always" {
        Phase::Running
    } else if stopped == succeeded {
        Phase::Succeeded
    } else if restart_policy == "Never" {
        Phase::Failed
    } else {
        Phase::Running
    }
}

/// kubelet's words for a ConfigMap or Secret it does not know (its watch-based
/// manager's NotFound).
fn not_found(kind: Kind, name: &str) -> String {
    format!("{} \"{name}\" not found", kind.name().to_ascii_lowercase())
}

/// A Downward API field of the pod (`fieldRef.fieldPath`), as kubelet's
/// `podFieldSelectorRuntimeValue` gives it.
fn field_value(
    o: &Object,
    path: &str,
    ip: Option<std::net::Ipv4Addr>,
    host_ip: Option<std::net::Ipv4Addr>,
) -> String {
    let s = |a: Option<std::net::Ipv4Addr>| a.map(|a| a.to_string()).unwrap_or_default();
    let keyed = |prefix: &str, map: &super::api::Labels| {
        path.strip_prefix(prefix)
            .and_then(|r| r.strip_suffix("']"))
            .and_then(|k| map.get(k).cloned())
            .unwrap_or_default()
    };
    match path {
        "metadata.name" => o.meta.name.clone(),
        "metadata.namespace" => o.meta.namespace.clone(),
        "metadata.uid" => o.meta.uid.clone(),
        "spec.nodeName" => o.pod().and_then(|p| p.node.clone()).unwrap_or_default(),
        "spec.serviceAccountName" => "default".into(),
        "status.podIP" | "status.podIPs" => s(ip),
        "status.hostIP" | "status.hostIPs" => s(host_ip),
        p if p.starts_with("metadata.labels['") => keyed("metadata.labels['", &o.meta.labels),
        p if p.starts_with("metadata.annotations['") => {
            keyed("metadata.annotations['", &o.meta.annotations)
        }
        _ => String::new(),
    }
}

/// A duration as Go's `time.Duration.String` prints whole seconds (`10s`, `1m20s`,
/// `5m0s`), as kubelet's back-off message has it.
pub fn go_duration(d: Dur) -> String {
    let s = d.as_nanos() / 1_000_000_000;
    match (s / 3600, s / 60 % 60, s % 60) {
        (0, 0, sec) => format!("{sec}s"),
        (0, m, sec) => format!("{m}m{sec}s"),
        (h, m, sec) => format!("{h}h{m}m{sec}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phase_of(policy: &str, statuses: &[ContainerStatus]) -> Phase {
        phase(policy, &[], statuses)
    }

    #[test]
    fn back_off_durations_print_as_go_prints_them() {
        let p = |s| go_duration(Dur::from_secs(s));
        assert_eq!(
            [p(10), p(20), p(40), p(80), p(160), p(300), p(3600)],
            ["10s", "20s", "40s", "1m20s", "2m40s", "5m0s", "1h0m0s"]
        );
    }

    fn st(state: ContainerState, last: bool) -> ContainerStatus {
        ContainerStatus {
            name: "c".into(),
            state,
            last_state: last.then(|| ContainerState::Waiting {
                reason: String::new(),
                message: String::new(),
            }),
            ready: false,
            restart_count: 0,
        }
    }

    /// kubelet's getPhase for the cases a restartPolicy decides.
    #[test]
    fn the_phase_follows_the_containers_and_the_restart_policy() {
        let t = SimTime::ZERO;
        let done = |code| ContainerState::Terminated {
            exit_code: code,
            reason: String::new(),
            started_at: t,
            finished_at: t,
        };
        let run = ContainerState::Running { started_at: t };
        let wait = ContainerState::Waiting {
            reason: "CrashLoopBackOff".into(),
            message: String::new(),
        };
        assert_eq!(phase_of("Always", &[st(done(0), false)]), Phase::Running);
        assert_eq!(phase_of("Never", &[st(done(0), false)]), Phase::Succeeded);
        assert_eq!(phase_of("Never", &[st(done(1), false)]), Phase::Failed);
        assert_eq!(phase_of("OnFailure", &[st(done(1), false)]), Phase::Running);
        assert_eq!(
            phase_of("OnFailure", &[st(done(0), false)]),
            Phase::Succeeded
        );
        assert_eq!(
            phase_of("Never", &[st(done(0), false), st(run, false)]),
            Phase::Running
        );
        assert_eq!(
            phase_of("Always", &[st(wait.clone(), true)]),
            Phase::Running
        );
        assert_eq!(phase_of("Always", &[st(wait, false)]), Phase::Pending);
    }
}
