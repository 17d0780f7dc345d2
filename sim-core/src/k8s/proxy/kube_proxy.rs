//! The kube-proxy daemon on a node: watches Services and Endpoints through the apiserver
//! and keeps the node's rules in step.
//!
//! As kube-proxy's `BoundedFrequencyRunner`: no rules until both Services and Endpoints
//! have been received; after a change, a sync at once if the last one was at least
//! `min_sync_period` ago (1 s), else when that much time has passed; and a full sync every
//! `sync_period` (30 s) regardless. Between a `kubectl` change and the sync, the node's
//! rules are stale: that window is what a learner sees in the trace.
//!
//! iptables mode writes the rules with one `iptables-restore --noflush` per sync (filter,
//! then nat), after putting its jump rules at the head of the built-in chains once.

use std::collections::{BTreeMap, BTreeSet};

use ipnet::Ipv4Net;

use super::iptables;
use super::names::Era;
use crate::engine::{Actor, Ctx, Dur, SimTime};
use crate::k8s::api::{Body, EventType, Key, Kind, Object, Request, Response};
use crate::net::netfilter::TableKind;
use crate::net::{Msg, Net, NsId};
use crate::trace::TraceEvent;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Iptables,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Iptables => "iptables",
        }
    }
}

pub struct Config {
    pub mode: Mode,
    pub cluster_cidr: Option<Ipv4Net>,
    pub era: Era,
    pub min_sync_period: Dur,
    pub sync_period: Dur,
}

const T_SYNC: u64 = 1;
const T_PERIODIC: u64 = 2;

pub struct KubeProxy {
    ns: NsId,
    cfg: Config,
    services: BTreeMap<Key, Object>,
    endpoints: BTreeMap<Key, Object>,
    synced: bool,
    last_sync: Option<SimTime>,
    sync_pending: bool,
    jumps_done: bool,
    chains: BTreeSet<String>,
    last_text: String,
}

impl KubeProxy {
    pub fn new(ns: NsId, cfg: Config) -> Self {
        KubeProxy {
            ns,
            cfg,
            services: BTreeMap::new(),
            endpoints: BTreeMap::new(),
            synced: false,
            last_sync: None,
            sync_pending: false,
            jumps_done: false,
            chains: BTreeSet::new(),
            last_text: String::new(),
        }
    }

    fn log(cx: &mut Ctx<'_, Net>, line: String) {
        cx.trace(TraceEvent::Log { line });
    }

    fn take(&mut self, o: Object, what: &EventType) {
        let map = match o.kind() {
            Kind::Service => &mut self.services,
            Kind::Endpoints => &mut self.endpoints,
            _ => return,
        };
        match what {
            EventType::Deleted => {
                map.remove(&o.key());
            }
            _ => {
                map.insert(o.key(), o);
            }
        }
    }

    /// Asks for a sync: now if the last was `min_sync_period` ago, else when it will be.
    fn request_sync(&mut self, cx: &mut Ctx<'_, Net>) {
        if self.sync_pending || !self.synced {
            return;
        }
        self.sync_pending = true;
        let now = cx.now();
        let at = match self.last_sync {
            Some(t) if now < t + self.cfg.min_sync_period => t + self.cfg.min_sync_period,
            _ => now,
        };
        cx.schedule(at - now, Msg::Timer(T_SYNC));
    }

    fn sync(&mut self, cx: &mut Ctx<'_, Net>) {
        self.sync_pending = false;
        self.last_sync = Some(cx.now());
        let services: Vec<_> = self
            .services
            .values()
            .filter_map(|o| {
                let s = o.service()?;
                let eps = self
                    .endpoints
                    .get(&(
                        Kind::Endpoints,
                        o.meta.namespace.clone(),
                        o.meta.name.clone(),
                    ))
                    .and_then(|e| e.endpoints());
                Some((&o.meta, s, eps))
            })
            .collect();
        let rules = iptables::rules(&services, self.cfg.cluster_cidr, self.cfg.era, &self.chains);
        let changed = rules.text != self.last_text;
        if changed {
            let nf = &mut cx.world.ns_mut(self.ns).netfilter;
            let written = nf.restore(&rules.text).expect("kube-proxy's rules parse");
            let n = services.len();
            Self::log(
                cx,
                format!(
                    "syncProxyRules: iptables-restore --noflush wrote {written} rules ({} in nat) for {n} services",
                    rules.nat_rules
                ),
            );
            self.chains = rules.chains;
            self.last_text = rules.text;
        }
        if !self.jumps_done {
            // Once, after the chains exist: `iptables -I` puts each jump at the head of
            // its built-in chain, so they go in in reverse to keep their order.
            self.jumps_done = true;
            let nf = &mut cx.world.ns_mut(self.ns).netfilter;
            for (t, chain, rule) in iptables::JUMPS.iter().rev() {
                let kind = TableKind::parse(t).expect("known table");
                nf.insert(kind, chain, rule)
                    .expect("kube-proxy's rules parse");
            }
        }
    }
}

impl Actor<Net> for KubeProxy {
    fn handle(&mut self, msg: Msg, cx: &mut Ctx<'_, Net>) {
        match msg {
            Msg::Start => {
                Self::log(cx, format!("Using {} Proxier.", self.cfg.mode.name()));
                crate::k8s::apiserver::report(
                    cx,
                    self.ns,
                    Request::Watch {
                        kinds: vec![Kind::Service, Kind::Endpoints],
                    },
                );
                cx.schedule(self.cfg.sync_period, Msg::Timer(T_PERIODIC));
            }
            Msg::ApiResponse { resp, .. } => {
                if let Response::List(objects) = *resp {
                    for o in objects {
                        self.take(o, &EventType::Added);
                    }
                    self.synced = true;
                    self.request_sync(cx);
                }
            }
            Msg::ApiEvent { event } => {
                let event = *event;
                if matches!(event.object.body, Body::Service(_) | Body::Endpoints(_)) {
                    self.take(event.object, &event.what);
                    self.request_sync(cx);
                }
            }
            Msg::Timer(T_SYNC) => self.sync(cx),
            Msg::Timer(T_PERIODIC) => {
                if self.synced && !self.sync_pending {
                    self.sync(cx);
                }
                cx.schedule(self.cfg.sync_period, Msg::Timer(T_PERIODIC));
            }
            _ => {}
        }
    }
}
