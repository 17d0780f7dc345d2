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
use rand::RngExt;

use super::iptables;
use super::names::Era;
use crate::engine::{Actor, Ctx, Dur, SimTime};
use crate::k8s::api::{
    Body, Endpoints, EventType, Key, Kind, Meta, Object, Request, Response, Service,
};
use crate::net::netfilter::TableKind;
use crate::net::{Msg, Net, NsId};
use crate::trace::TraceEvent;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Iptables,
    Ipvs(crate::net::ipvs::Scheduler),
    Userspace,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Iptables => "iptables",
            Mode::Ipvs(_) => "ipvs",
            Mode::Userspace => "userspace",
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
    userspace: super::userspace::Userspace,
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
            userspace: Default::default(),
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
        if let Mode::Ipvs(scheduler) = self.cfg.mode {
            return self.sync_ipvs(cx, scheduler);
        }
        if self.cfg.mode == Mode::Userspace {
            return self.sync_userspace(cx);
        }
        let services = view(&self.services, &self.endpoints);
        let rules = iptables::rules(&services, self.cfg.cluster_cidr, self.cfg.era);
        if rules.text != self.last_text {
            let nf = &mut cx.world.ns_mut(self.ns).netfilter;
            let written = match nf.restore(&rules.text) {
                Ok(w) => w,
                Err(e) => {
                    Self::log(cx, format!("Failed to execute iptables-restore: {e}"));
                    return;
                }
            };
            let n = services.len();
            Self::log(
                cx,
                format!(
                    "syncProxyRules: iptables-restore --noflush wrote {written} rules ({} in nat) for {n} services",
                    rules.nat_rules
                ),
            );
            let nf = &mut cx.world.ns_mut(self.ns).netfilter;
            iptables::delete_stale(nf, &self.chains, &rules.chains);
            self.chains = rules.chains;
            self.last_text = rules.text;
        }
        if !std::mem::replace(&mut self.jumps_done, true) {
            iptables::insert_jumps(&mut cx.world.ns_mut(self.ns).netfilter, false);
        }
    }
}

impl KubeProxy {
    fn sync_userspace(&mut self, cx: &mut Ctx<'_, Net>) {
        let node_ip = cx
            .world
            .ns(self.ns)
            .underlay_addr()
            .unwrap_or(std::net::Ipv4Addr::LOCALHOST);
        let services = view(&self.services, &self.endpoints);
        let rules = self.userspace.sync(cx, self.ns, &services, node_ip);
        if rules != self.last_text {
            let nf = &mut cx.world.ns_mut(self.ns).netfilter;
            if let Err(e) = nf.restore(&rules) {
                Self::log(cx, format!("Failed to execute iptables-restore: {e}"));
                return;
            }
            Self::log(
                cx,
                format!(
                    "syncProxyRules: {} proxy ports for {} services",
                    rules.matches("KUBE-PORTALS-CONTAINER -m").count(),
                    services.len()
                ),
            );
            self.last_text = rules;
        }
        if !self.jumps_done {
            self.jumps_done = true;
            let nf = &mut cx.world.ns_mut(self.ns).netfilter;
            let head = "-m comment --comment \"handle ClusterIPs; NOTE: this must be before the NodePort rules\"";
            let tail = "-m addrtype --dst-type LOCAL -m comment --comment \"handle service NodePorts; NOTE: this must be the last rule in the chain\"";
            let jumps = [
                (
                    true,
                    "PREROUTING",
                    format!("{head} -j KUBE-PORTALS-CONTAINER"),
                ),
                (true, "OUTPUT", format!("{head} -j KUBE-PORTALS-HOST")),
                (
                    false,
                    "PREROUTING",
                    format!("{tail} -j KUBE-NODEPORT-CONTAINER"),
                ),
                (false, "OUTPUT", format!("{tail} -j KUBE-NODEPORT-HOST")),
            ];
            for (insert, chain, rule) in jumps {
                let r = if insert {
                    nf.insert(TableKind::Nat, chain, &rule)
                } else {
                    nf.append(TableKind::Nat, chain, &rule)
                };
                r.expect("kube-proxy's rules parse");
            }
        }
    }

    fn sync_ipvs(&mut self, cx: &mut Ctx<'_, Net>, scheduler: crate::net::ipvs::Scheduler) {
        use crate::net::netns::{DevKind, Device};
        let dummy = match cx.world.ns(self.ns).dev_by_name(super::ipvs::DUMMY) {
            Some(d) => d,
            None => {
                let mut mac = [0u8; 6];
                cx.rng().fill(&mut mac);
                mac[0] = (mac[0] & 0xfe) | 0x02;
                let netns = cx.world.ns_mut(self.ns);
                netns.add_device(Device {
                    up: false,
                    brd: false,
                    ..Device::new(
                        super::ipvs::DUMMY,
                        DevKind::Dummy,
                        crate::wire::eth::Mac(mac),
                        1500,
                    )
                })
            }
        };
        let netns = cx.world.ns(self.ns);
        // NodePorts listen on every address of the node but lo's and kube-ipvs0's.
        let node_ips: Vec<std::net::Ipv4Addr> = netns
            .devices
            .iter()
            .filter(|d| {
                !d.removed && d.up && d.kind != DevKind::Loopback && d.kind != DevKind::Dummy
            })
            .flat_map(|d| d.addrs.iter().map(|a| a.addr()))
            .collect();
        let services = view(&self.services, &self.endpoints);
        let want = super::ipvs::desired(&services, &node_ips, self.cfg.cluster_cidr);
        let n = services.len();
        let netns = cx.world.ns_mut(self.ns);
        let have: Vec<ipnet::Ipv4Net> = netns.dev(dummy).addrs.clone();
        for a in &have {
            if !want.addrs.contains(&a.addr()) {
                netns.remove_addr(dummy, *a);
            }
        }
        for a in &want.addrs {
            if !have.iter().any(|h| h.addr() == *a) {
                netns.add_addr(dummy, ipnet::Ipv4Net::new(*a, 32).expect("32"));
            }
        }
        let (added, removed) =
            super::ipvs::apply(&mut netns.ipvs.services, &want.services, scheduler);
        netns.netfilter.ipsets = want.sets;
        let rules_changed = want.rules != self.last_text;
        if rules_changed {
            netns
                .netfilter
                .restore(&want.rules)
                .expect("kube-proxy's rules parse");
            self.last_text = want.rules;
        }
        if !std::mem::replace(&mut self.jumps_done, true) {
            iptables::insert_jumps(&mut netns.netfilter, true);
        }
        if added + removed > 0 || rules_changed {
            Self::log(
                cx,
                format!(
                    "syncProxyRules: {} virtual servers for {n} services ({added} added, {removed} removed), {} addresses on {}",
                    want.services.len(),
                    want.addrs.len(),
                    super::ipvs::DUMMY
                ),
            );
        }
    }
}

/// Every Service with its Endpoints (if any), as a sync reads them.
fn view<'a>(
    services: &'a BTreeMap<Key, Object>,
    endpoints: &'a BTreeMap<Key, Object>,
) -> Vec<(&'a Meta, &'a Service, Option<&'a Endpoints>)> {
    services
        .values()
        .filter_map(|o| {
            let s = o.service()?;
            let key = (
                Kind::Endpoints,
                o.meta.namespace.clone(),
                o.meta.name.clone(),
            );
            let eps = endpoints.get(&key).and_then(|e| e.endpoints());
            Some((&o.meta, s, eps))
        })
        .collect()
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
            Msg::Timer(t) if t >= super::userspace::DIAL_TOKEN_BASE => {
                self.userspace.dial_timeout(cx, self.ns, t)
            }
            Msg::Tcp(ev) => self.userspace.tcp(cx, self.ns, ev),
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
