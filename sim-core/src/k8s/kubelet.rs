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

use super::api::{Body, EventType, Key, Kind, Object, Request, Response};
use super::docker::Sandbox;
use super::envvars;
use super::resolvconf::{self, ResolvConf};
use crate::engine::{Actor, ActorId, Ctx};
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
    /// The pods it runs, and how.
    started: BTreeMap<(String, String), (Running, Object)>,
    /// Running (not stopped by systemd), and whether its watch is set up.
    running: bool,
    watching: bool,
    timer: Option<crate::engine::CancelKey>,
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
    /// `hostNetwork`: a process in the node's namespace (if the image runs one).
    Host(Option<ActorId>),
    /// The kube-proxy DaemonSet's pod.
    KubeProxy,
}

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
            started: BTreeMap::new(),
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
            (Body::Pod(p), EventType::Added | EventType::Modified) if mine => {
                let key = (o.meta.namespace.clone(), o.meta.name.clone());
                match self.started.get(&key) {
                    // kubelet knows pods by UID: the same name with another UID is a new
                    // pod (deleted and created again, a StatefulSet's `web-0`), and the
                    // old one, if its deletion is still to come, goes first.
                    Some((_, old)) if old.meta.uid != o.meta.uid => {
                        if let Some((how, old)) = self.started.remove(&key) {
                            self.kill(cx, &old, how);
                        }
                    }
                    Some(_) => return,
                    None => {}
                }
                let how = if p.ip.is_none() {
                    self.run(cx, &o)
                } else {
                    // Running already: a scenario's pod that dockerd made at boot (its
                    // sandbox is the namespace `pod/NAME`).
                    let label = format!("pod/{}", o.meta.name);
                    match (0..cx.world.netns.len())
                        .map(|i| NsId(i as u32))
                        .rfind(|n| cx.world.ns(*n).label == label)
                    {
                        Some(ns) => Running::Sandbox(ns),
                        None => return,
                    }
                };
                self.started.insert(key, (how, o));
            }
            (Body::Pod(_), EventType::Deleted) if mine => {
                let key = (o.meta.namespace.clone(), o.meta.name.clone());
                if self
                    .started
                    .get(&key)
                    .is_some_and(|(_, old)| old.meta.uid == o.meta.uid)
                    && let Some((how, _)) = self.started.remove(&key)
                {
                    self.kill(cx, &o, how);
                }
            }
            _ => {}
        }
    }

    /// A deleted pod: kubelet stops its container (SIGTERM; the simulated programs exit
    /// at once, without the 30 s grace period) and dockerd removes its sandbox.
    fn kill(&mut self, cx: &mut Ctx<'_, Net>, o: &Object, how: Running) {
        let names: Vec<String> = o
            .pod()
            .map(|p| p.containers.iter().map(|c| c.name.clone()).collect())
            .unwrap_or_default();
        cx.trace(TraceEvent::Log {
            line: format!(
                "SyncLoop (DELETE): {}/{}: Killing: Stopping container {}",
                o.meta.namespace,
                o.meta.name,
                names.join(", ")
            ),
        });
        // The pod's logs go with it.
        crate::net::logs::remove(cx.world, &o.meta.namespace, &o.meta.name);
        match how {
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
            Running::Host(Some(p)) => cx.send(p, Msg::Stop),
            Running::Host(None) => {}
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

    /// Starts a pod bound to this node.
    fn run(&mut self, cx: &mut Ctx<'_, Net>, o: &Object) -> Running {
        let Some(pod) = o.pod() else {
            return Running::Host(None);
        };
        let key = o.key();
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
        let image = container.image.clone().unwrap_or_else(|| "busybox".into());
        let path = format!("spec.containers{{{}}}", container.name);
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
                use sha2::{Digest, Sha256};
                let id = data_encoding::HEXLOWER.encode(&Sha256::digest(
                    format!("{}/{}", o.meta.uid, container.name).as_bytes(),
                ));
                (
                    format!(
                        "Created container with docker id {}; Security:[seccomp=unconfined]",
                        &id[..12]
                    ),
                    format!("Started container with docker id {}", &id[..12]),
                )
            }
            super::proxy::names::Era::Modern => (
                format!("Created container {}", container.name),
                format!("Started container {}", container.name),
            ),
        };
        self.event(
            cx,
            key.clone(),
            path.clone(),
            ("Normal", "Created"),
            created,
        );
        self.event(cx, key.clone(), path, ("Normal", "Started"), started);
        if pod.spec.host_network {
            return self.run_on_host(cx, o, &container);
        }
        let services: Vec<envvars::Service> = self
            .services
            .values()
            .filter_map(|s| s.service().map(|svc| svc.env(&s.meta)))
            .collect();
        let links = pod.spec.enable_service_links.unwrap_or(true);
        let env = envvars::container_env(&container.env, &o.meta.namespace, &services, links);
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
            return Running::Host(None);
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
            command,
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
        };
        cx.send(
            self.dockerd,
            Msg::RunSandbox {
                sandbox: Box::new(sandbox),
            },
        );
        Running::Sandbox(pod_ns)
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
        let (how, what) = match (is_proxy, self.cfg.kube_proxy) {
            (true, Some(kp)) => {
                cx.send(kp, Msg::Start);
                (Running::KubeProxy, "kube-proxy".to_string())
            }
            _ => {
                let env = c.env.clone();
                let cmd = c
                    .command
                    .clone()
                    .or_else(|| super::images::command(c.image.as_deref(), &env));
                let proc = cmd.as_ref().and_then(|cmd| {
                    crate::tools::spawn(cx, self.ns, &super::docker::expand(cmd, &env))
                });
                if let Some(p) = proc {
                    let now = cx.now();
                    let id = (
                        o.meta.namespace.as_str(),
                        o.meta.name.as_str(),
                        c.name.as_str(),
                    );
                    crate::net::logs::attach(cx.world, p, id, now);
                }
                (
                    Running::Host(proc),
                    cmd.unwrap_or_else(|| "the pause process only".into()),
                )
            }
        };
        cx.trace(TraceEvent::Log {
            line: format!(
                "SyncLoop (ADD): {}/{}: starting {what} in the node's network namespace (hostNetwork)",
                o.meta.namespace, o.meta.name
            ),
        });
        let host_ip = cx
            .world
            .ns(self.ns)
            .underlay_addr()
            .unwrap_or(std::net::Ipv4Addr::UNSPECIFIED);
        let pod = o.pod().expect("a pod");
        super::apiserver::report(
            cx,
            self.ns,
            Request::PodStatus {
                ns: o.meta.namespace.clone(),
                name: o.meta.name.clone(),
                node: self.node.clone(),
                labels: o.meta.labels.clone(),
                containers: pod.containers.clone(),
                ip: Some(host_ip),
                host_ip,
                ready: true,
                create: None,
            },
        );
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
                        kinds: vec![Kind::Service, Kind::Pod],
                        // Only this node's pods (`fieldSelector=spec.nodeName=NODE`).
                        node: Some(self.node.clone()),
                    },
                );
                self.heartbeat(cx);
            }
            Msg::Stop if self.running => {
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
                        if let Some((how, o)) = self.started.remove(&k) {
                            self.kill(cx, &o, how);
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
            _ => {}
        }
    }
}
