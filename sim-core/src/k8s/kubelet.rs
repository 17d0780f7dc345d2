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

use std::collections::{BTreeMap, BTreeSet};

use rand::RngExt;

use super::api::{Body, EventType, Key, Kind, Object, Request, Response};
use super::docker::Sandbox;
use super::envvars;
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
    services: BTreeMap<Key, Object>,
    started: BTreeSet<(String, String)>,
    /// Running (not stopped by systemd), and whether its watch is set up.
    running: bool,
    watching: bool,
    timer: Option<crate::engine::CancelKey>,
}

/// How often kubelet posts its node's status (`--node-status-update-frequency`).
pub const NODE_STATUS_UPDATE: crate::engine::Dur = crate::engine::Dur::from_secs(10);
const T_HEARTBEAT: u64 = 1;

impl Kubelet {
    pub fn new(ns: NsId, node: String, dockerd: ActorId) -> Self {
        Kubelet {
            ns,
            node,
            dockerd,
            services: BTreeMap::new(),
            started: BTreeSet::new(),
            running: false,
            watching: false,
            timer: None,
        }
    }

    fn take(&mut self, cx: &mut Ctx<'_, Net>, o: Object, what: &EventType) {
        match (&o.body, what) {
            (Body::Service(_), EventType::Deleted) => {
                self.services.remove(&o.key());
            }
            (Body::Service(_), _) => {
                self.services.insert(o.key(), o);
            }
            (Body::Pod(p), EventType::Added | EventType::Modified)
                if p.node.as_deref() == Some(self.node.as_str()) && p.ip.is_none() =>
            {
                let key = (o.meta.namespace.clone(), o.meta.name.clone());
                if self.started.insert(key) {
                    self.run(cx, &o);
                }
            }
            _ => {}
        }
    }

    /// Makes the pod's namespace and asks dockerd for its sandbox and container.
    fn run(&mut self, cx: &mut Ctx<'_, Net>, o: &Object) {
        let Some(pod) = o.pod() else { return };
        let container = pod
            .containers
            .first()
            .cloned()
            .unwrap_or_else(|| super::api::Container {
                name: o.meta.name.clone(),
                image: None,
                command: None,
                env: Vec::new(),
                ports: Vec::new(),
            });
        let services: Vec<envvars::Service> = self
            .services
            .values()
            .filter_map(|s| s.service().map(|svc| svc.env(&s.meta)))
            .collect();
        let env = envvars::container_env(&container.env, &o.meta.namespace, &services, true);
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
            return;
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
        let sandbox = Sandbox {
            ns: pod_ns,
            veth,
            host_mac: Mac(mac),
            command,
            name: o.meta.name.clone(),
            labels: o.meta.labels.clone(),
            env,
            from_scenario: false,
        };
        cx.send(
            self.dockerd,
            Msg::RunSandbox {
                sandbox: Box::new(sandbox),
            },
        );
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
                if !self.watching {
                    self.watching = true;
                    super::apiserver::report(
                        cx,
                        self.ns,
                        Request::Watch {
                            kinds: vec![Kind::Service, Kind::Pod],
                        },
                    );
                } else {
                    cx.trace(TraceEvent::Log {
                        line: "Started kubelet: posting node status again".into(),
                    });
                }
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
