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
    /// The node it runs on (`--hostname-override`): its local endpoints are those on it.
    pub node_name: String,
    /// Runs as a DaemonSet pod (kubeadm): started by kubelet, configured at each start by
    /// the ConfigMap `kube-system/kube-proxy` (`mode:` and `ipvs: scheduler:` in
    /// `config.conf`) instead of its command line.
    pub from_configmap: bool,
    pub cluster_cidr: Option<Ipv4Net>,
    pub era: Era,
    /// It holds every TCP NodePort open with a listening socket (releases before 1.24).
    pub holds_node_ports: bool,
    pub min_sync_period: Dur,
    pub sync_period: Dur,
}

const T_SYNC: u64 = 1;
const T_PERIODIC: u64 = 2;

/// The ConfigMap kubeadm makes for kube-proxy, and the key its configuration is under.
pub const CONFIGMAP: &str = "kube-proxy";
pub const CONFIG_KEY: &str = "config.conf";

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
    /// Running (kubelet started its pod and did not kill it).
    running: bool,
    watching: bool,
    sync_timer: Option<crate::engine::CancelKey>,
    periodic: Option<crate::engine::CancelKey>,
    /// NodePorts it holds a listening socket on (iptables mode), so nothing else binds
    /// them.
    held: BTreeSet<u16>,
    /// Services it has said it does not apply a Local traffic policy to.
    warned: BTreeSet<Key>,
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
            running: false,
            watching: false,
            sync_timer: None,
            periodic: None,
            held: BTreeSet::new(),
            warned: BTreeSet::new(),
        }
    }

    /// The mode a KubeProxyConfiguration names: `mode: ""` is iptables, the default (so
    /// is a mode this kube-proxy does not know, with a log line); `ipvs: scheduler:`
    /// picks the IPVS scheduler (`""` is rr).
    pub fn mode_from_config(text: &str) -> (Mode, Option<String>) {
        let mut mode = "";
        let mut scheduler = "";
        let mut section = "";
        for line in text.lines() {
            let indented = line.starts_with(' ');
            let Some((k, v)) = line.trim().split_once(':') else {
                continue;
            };
            let v = v.trim().trim_matches('"').trim_matches('\'');
            match (indented, k) {
                (false, "mode") => mode = v,
                (false, _) => section = k,
                (true, "scheduler") if section == "ipvs" => scheduler = v,
                _ => {}
            }
        }
        let sched = if scheduler.is_empty() {
            Some(crate::net::ipvs::Scheduler::Rr)
        } else {
            crate::net::ipvs::Scheduler::parse(scheduler)
        };
        match (mode, sched) {
            ("" | "iptables", _) => (Mode::Iptables, None),
            ("ipvs", Some(s)) => (Mode::Ipvs(s), None),
            ("ipvs", None) => (
                Mode::Iptables,
                Some(format!(
                    "Can't use ipvs proxier, trying iptables proxier: unknown ipvs scheduler \"{scheduler}\""
                )),
            ),
            ("userspace", _) => (Mode::Userspace, None),
            (other, _) => (
                Mode::Iptables,
                Some(format!(
                    "Unknown proxy mode \"{other}\", assuming iptables proxy"
                )),
            ),
        }
    }

    /// Starts the proxier in the configured mode: tears down what other modes left, then
    /// watches Services and Endpoints.
    fn start_proxier(&mut self, cx: &mut Ctx<'_, Net>) {
        Self::log(cx, format!("Using {} Proxier.", self.cfg.mode.name()));
        self.cleanup_leftovers(cx);
        self.cancel_timers(cx);
        self.synced = false;
        self.sync_pending = false;
        self.last_sync = None;
        self.services.clear();
        self.endpoints.clear();
        crate::k8s::apiserver::report(
            cx,
            self.ns,
            Request::Watch {
                kinds: vec![Kind::Service, Kind::Endpoints, Kind::EndpointSlice],
                node: None,
            },
        );
        self.watching = true;
        self.periodic = Some(cx.schedule_cancellable(self.cfg.sync_period, Msg::Timer(T_PERIODIC)));
    }

    /// kube-proxy's `CleanupLeftovers` for the modes it is not in (server_others.go):
    /// iptables mode removes ipvs' virtual servers, kube-ipvs0 and ipsets (`--cleanup-ipvs`
    /// defaults to true) and userspace's chains; ipvs mode removes the iptables and
    /// userspace modes' chains; userspace mode the other two's. Its own mode's rules stay
    /// (the next sync rewrites them).
    fn cleanup_leftovers(&mut self, cx: &mut Ctx<'_, Net>) {
        let mode = self.cfg.mode;
        let netns = cx.world.ns_mut(self.ns);
        let has = |nf: &crate::net::netfilter::Netfilter, p: &str| {
            nf.table(TableKind::Nat)
                .chains()
                .keys()
                .any(|c| c.starts_with(p))
        };
        let iptables_left =
            has(&netns.netfilter, "KUBE-SVC-") || has(&netns.netfilter, "KUBE-NODEPORTS");
        let userspace_left = has(&netns.netfilter, "KUBE-PORTALS-");
        let ipvs_left = netns
            .dev_by_name(super::ipvs::DUMMY)
            .is_some_and(|d| !netns.dev(d).removed)
            || !netns.ipvs.services.is_empty();
        let mut torn = Vec::new();
        let mut chains = 0;
        if !matches!(mode, Mode::Ipvs(_)) && ipvs_left {
            netns.ipvs.services.clear();
            netns.netfilter.ipsets.clear();
            if let Some(d) = netns.dev_by_name(super::ipvs::DUMMY) {
                netns.remove_device(d);
            }
            chains += netns.netfilter.remove_chains(|c| c.starts_with("KUBE-"));
            torn.push("ipvs");
        }
        if mode != Mode::Iptables && iptables_left {
            chains += netns.netfilter.remove_chains(|c| c.starts_with("KUBE-"));
            torn.push("iptables");
        }
        if mode != Mode::Userspace && userspace_left {
            chains += netns.netfilter.remove_chains(|c| {
                c.starts_with("KUBE-PORTALS-") || c.starts_with("KUBE-NODEPORT-")
            });
            torn.push("userspace");
        }
        if !torn.is_empty() {
            self.jumps_done = false;
            self.chains.clear();
            self.last_text.clear();
            Self::log(
                cx,
                format!(
                    "Tearing down inactive rules: the {} mode's ({chains} chains)",
                    torn.join(" and ")
                ),
            );
        }
    }

    /// kubelet killed the pod: the process exits; its rules stay in the kernel.
    fn cancel_timers(&mut self, cx: &mut Ctx<'_, Net>) {
        for t in [self.sync_timer.take(), self.periodic.take()]
            .into_iter()
            .flatten()
        {
            cx.cancel(t);
        }
    }

    fn stop(&mut self, cx: &mut Ctx<'_, Net>) {
        self.running = false;
        // Until the next proxier has its lists, no sync (of this or any mode).
        self.synced = false;
        self.sync_pending = false;
        self.cancel_timers(cx);
        self.userspace.close(cx, self.ns);
        self.release_node_ports(cx);
        let me = cx.me();
        if let Some(p) = cx.world.procs.get_mut(&me) {
            p.exit = Some(0);
        }
        Self::log(
            cx,
            "kube-proxy exits (its pod was deleted); its rules stay in the kernel until a kube-proxy replaces them".into(),
        );
    }

    fn log(cx: &mut Ctx<'_, Net>, line: String) {
        cx.trace(TraceEvent::Log { line });
    }

    fn take(&mut self, o: Object, what: &EventType) {
        let map = match o.kind() {
            Kind::Service => &mut self.services,
            // Hand-written EndpointSlices are kept beside the Endpoints (`view`).
            Kind::Endpoints | Kind::EndpointSlice => &mut self.endpoints,
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
        self.sync_timer = Some(cx.schedule_cancellable(at - now, Msg::Timer(T_SYNC)));
    }

    fn sync(&mut self, cx: &mut Ctx<'_, Net>) {
        self.sync_pending = false;
        self.last_sync = Some(cx.now());
        self.warn_unsimulated_policies(cx);
        if let Mode::Ipvs(scheduler) = self.cfg.mode {
            return self.sync_ipvs(cx, scheduler);
        }
        if self.cfg.mode == Mode::Userspace {
            return self.sync_userspace(cx);
        }
        let owned = view(&self.services, &self.endpoints);
        let services = borrowed(&owned);
        let rules = iptables::rules(
            &services,
            self.cfg.cluster_cidr,
            self.cfg.era,
            &self.cfg.node_name,
        );
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
            nf.notes = rules.notes;
            self.chains = rules.chains;
            self.last_text = rules.text;
        }
        if !std::mem::replace(&mut self.jumps_done, true) {
            iptables::insert_jumps(&mut cx.world.ns_mut(self.ns).netfilter, false, self.cfg.era);
        }
        self.hold_node_ports(cx);
    }

    /// Only the modern iptables mode acts on the traffic policies: in the others, and on
    /// Kubernetes 1.5 (whose kube-proxy read the beta annotation
    /// `service.beta.kubernetes.io/external-traffic: OnlyLocal` instead of the field), a
    /// Service asking for Local is said once, in the trace, to be treated as Cluster.
    fn warn_unsimulated_policies(&mut self, cx: &mut Ctx<'_, Net>) {
        let why = match (self.cfg.mode, self.cfg.era) {
            (Mode::Iptables, Era::Modern) => return,
            (_, Era::Classic) => {
                "on Kubernetes 1.5 (its kube-proxy read the beta annotation service.beta.kubernetes.io/external-traffic: OnlyLocal, which is not simulated either)".to_string()
            }
            (mode, _) => format!("in kube-proxy's {} mode", mode.name()),
        };
        let mut lines = Vec::new();
        for o in self.services.values() {
            let Some(s) = o.service() else { continue };
            let local: Vec<&str> = [
                (s.policy.external_local, "externalTrafficPolicy"),
                (s.policy.internal_local, "internalTrafficPolicy"),
            ]
            .into_iter()
            .filter_map(|(on, name)| on.then_some(name))
            .collect();
            if local.is_empty() || !self.warned.insert(o.key()) {
                continue;
            }
            lines.push(format!(
                "(simulator) {}/{}: {} Local is not simulated {why}: this node sends the Service's traffic to any endpoint, as with Cluster",
                o.meta.namespace,
                o.meta.name,
                local.join(" and ")
            ));
        }
        for line in lines {
            Self::log(cx, line);
        }
    }

    /// kube-proxy opened a listening socket on every TCP NodePort and never accepted on
    /// it, so no other process could take the port (seed 004's `ss -nlpt` shows kube-proxy
    /// on :::30001); all three modes did, until 1.24 dropped it (kubernetes PR #108496).
    /// The rules (or IPVS) take the traffic before it could reach the socket. The
    /// release's table says which (`version::Release::holds_node_ports`).
    fn hold_node_ports(&mut self, cx: &mut Ctx<'_, Net>) {
        if !self.cfg.holds_node_ports {
            return;
        }
        let mut want: BTreeMap<u16, String> = BTreeMap::new();
        for (meta, svc, _) in view(&self.services, &self.endpoints) {
            for p in svc.ports.iter().filter(|p| p.protocol() == "TCP") {
                if let Some(n) = p.node_port {
                    let name = super::names::service_port_name(
                        &meta.namespace,
                        &meta.name,
                        &p.name,
                        self.cfg.era,
                    );
                    want.insert(n as u16, name);
                }
            }
        }
        let me = cx.me();
        for port in self.held.clone() {
            if !want.contains_key(&port) {
                self.held.remove(&port);
                let listen = &mut cx.world.ns_mut(self.ns).tcp.listen;
                if listen.get(&port) == Some(&me) {
                    listen.remove(&port);
                }
            }
        }
        for (port, name) in want {
            if self.held.contains(&port) {
                continue;
            }
            if cx.world.ns(self.ns).tcp.listen.contains_key(&port) {
                Self::log(
                    cx,
                    format!(
                        "can't open \"nodePort for {name}\" (:{port}/tcp), skipping this nodePort: listen tcp :{port}: bind: address already in use"
                    ),
                );
                continue;
            }
            crate::net::tcp::listen(cx, self.ns, port, me);
            self.held.insert(port);
            Self::log(
                cx,
                format!("Opened local port \"nodePort for {name}\" (:{port}/tcp)"),
            );
        }
    }

    /// The process exits: its held ports close.
    fn release_node_ports(&mut self, cx: &mut Ctx<'_, Net>) {
        let me = cx.me();
        let listen = &mut cx.world.ns_mut(self.ns).tcp.listen;
        for port in std::mem::take(&mut self.held) {
            if listen.get(&port) == Some(&me) {
                listen.remove(&port);
            }
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
        let owned = view(&self.services, &self.endpoints);
        let services = borrowed(&owned);
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
        if !std::mem::replace(&mut self.jumps_done, true) {
            super::userspace::insert_jumps(&mut cx.world.ns_mut(self.ns).netfilter);
        }
        self.hold_node_ports(cx);
    }

    fn sync_ipvs(&mut self, cx: &mut Ctx<'_, Net>, scheduler: crate::net::ipvs::Scheduler) {
        use crate::net::netns::{DevKind, Device};
        // proxier.go: `net/ipv4/vs/conntrack` = 1, so conntrack keeps IPVS's NAT and
        // iptables' masquerade rules see the flows.
        cx.world
            .ns_mut(self.ns)
            .sysctl
            .insert("net/ipv4/vs/conntrack", "1");
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
        let owned = view(&self.services, &self.endpoints);
        let services = borrowed(&owned);
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
            iptables::insert_jumps(&mut netns.netfilter, true, self.cfg.era);
        }
        self.hold_node_ports(cx);
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

/// Every Service with its endpoints (if any), as a sync reads them: its Endpoints, and the
/// hand-written EndpointSlices labelled with its name (`api::merged_endpoints`).
fn view<'a>(
    services: &'a BTreeMap<Key, Object>,
    endpoints: &'a BTreeMap<Key, Object>,
) -> Vec<(&'a Meta, &'a Service, Option<Endpoints>)> {
    let mut slices: BTreeMap<(&str, &str), Vec<&crate::k8s::api::EndpointSlice>> = BTreeMap::new();
    for o in endpoints.values() {
        if let (Some(svc), Some(s)) = (o.slice_service(), o.endpoint_slice()) {
            slices
                .entry((o.meta.namespace.as_str(), svc))
                .or_default()
                .push(s);
        }
    }
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
            let mine = slices
                .get(&(o.meta.namespace.as_str(), o.meta.name.as_str()))
                .into_iter()
                .flatten()
                .copied();
            Some((&o.meta, s, crate::k8s::api::merged_endpoints(eps, mine)))
        })
        .collect()
}

/// `view`'s list as the rule writers take it.
fn borrowed<'a>(
    owned: &'a [(&'a Meta, &'a Service, Option<Endpoints>)],
) -> Vec<(&'a Meta, &'a Service, Option<&'a Endpoints>)> {
    owned.iter().map(|(m, s, e)| (*m, *s, e.as_ref())).collect()
}

impl Actor<Net> for KubeProxy {
    fn handle(&mut self, msg: Msg, cx: &mut Ctx<'_, Net>) {
        match msg {
            Msg::Start if !self.running => {
                self.running = true;
                // A new container, a new process.
                let me = cx.me();
                if cx.world.procs.get(&me).is_some_and(|p| p.exit.is_some()) {
                    let pid = cx.world.ns_mut(self.ns).alloc_pid();
                    let started_secs = cx.now().as_nanos() / 1_000_000_000;
                    if let Some(p) = cx.world.procs.get_mut(&me) {
                        p.exit = None;
                        p.pid = pid;
                        p.started_secs = started_secs;
                    }
                }
                if self.cfg.from_configmap {
                    crate::k8s::apiserver::report(
                        cx,
                        self.ns,
                        Request::Get {
                            kind: Kind::ConfigMap,
                            ns: "kube-system".into(),
                            name: CONFIGMAP.into(),
                        },
                    );
                } else {
                    self.start_proxier(cx);
                }
            }
            Msg::Stop if self.running => self.stop(cx),
            _ if !self.running => {}
            Msg::ApiResponse { resp, .. } => match *resp {
                Response::List(objects) => {
                    for o in objects {
                        self.take(o, &EventType::Added);
                    }
                    self.synced = true;
                    self.request_sync(cx);
                }
                // The ConfigMap, at start.
                Response::Object(o) => {
                    if let Body::ConfigMap(data) = &o.body {
                        let text = data.get(CONFIG_KEY).cloned().unwrap_or_default();
                        let (mode, warning) = Self::mode_from_config(&text);
                        if let Some(w) = warning {
                            Self::log(cx, w);
                        }
                        self.cfg.mode = mode;
                    }
                    self.start_proxier(cx);
                }
                Response::Error { message, .. } => {
                    Self::log(
                        cx,
                        format!(
                            "failed to read the kube-proxy ConfigMap ({message}): using the {} proxier",
                            self.cfg.mode.name()
                        ),
                    );
                    self.start_proxier(cx);
                }
                _ => {}
            },
            Msg::ApiEvent { event } => {
                let event = *event;
                if matches!(
                    event.object.body,
                    Body::Service(_) | Body::Endpoints(_) | Body::EndpointSlice(_)
                ) {
                    self.take(event.object, &event.what);
                    self.request_sync(cx);
                }
            }
            Msg::Timer(T_SYNC) => {
                self.sync_timer = None;
                self.sync(cx)
            }
            Msg::Timer(t) if t >= super::userspace::DIAL_TOKEN_BASE => {
                self.userspace.dial_timeout(cx, self.ns, t)
            }
            // A connection that reached a held NodePort waits, never accepted.
            Msg::Tcp(
                crate::net::tcp::TcpEvent::Accepted { key }
                | crate::net::tcp::TcpEvent::Data { key, .. }
                | crate::net::tcp::TcpEvent::Eof { key },
            ) if self.held.contains(&key.1) => {}
            Msg::Tcp(ev) => self.userspace.tcp(cx, self.ns, ev),
            Msg::Timer(T_PERIODIC) => {
                if self.synced && !self.sync_pending {
                    self.sync(cx);
                }
                self.periodic =
                    Some(cx.schedule_cancellable(self.cfg.sync_period, Msg::Timer(T_PERIODIC)));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::ipvs::Scheduler;

    /// kubeadm's ConfigMap: `mode: ""` is iptables; seed 001's edit makes it ipvs with the
    /// default rr; a scheduler or mode kube-proxy does not know falls back to iptables
    /// with its log line.
    #[test]
    fn reads_the_mode_from_its_configuration() {
        let cfg = |mode: &str, sched: &str| {
            crate::k8s::apiserver::kube_proxy_config(
                mode,
                sched,
                None,
                Dur::from_secs(1),
                Dur::from_secs(30),
            )
        };
        assert_eq!(
            KubeProxy::mode_from_config(&cfg("", "")),
            (Mode::Iptables, None)
        );
        assert_eq!(
            KubeProxy::mode_from_config(&cfg("ipvs", "")),
            (Mode::Ipvs(Scheduler::Rr), None)
        );
        assert_eq!(
            KubeProxy::mode_from_config(&cfg("ipvs", "sh")),
            (Mode::Ipvs(Scheduler::Sh), None)
        );
        assert_eq!(
            KubeProxy::mode_from_config("mode: userspace\n"),
            (Mode::Userspace, None)
        );
        let (m, w) = KubeProxy::mode_from_config(&cfg("ipvs", "fancy"));
        assert_eq!(m, Mode::Iptables);
        assert!(
            w.unwrap()
                .starts_with("Can't use ipvs proxier, trying iptables proxier")
        );
        let (m, w) = KubeProxy::mode_from_config(&cfg("ebpf", ""));
        assert_eq!(m, Mode::Iptables);
        assert!(w.unwrap().contains("\"ebpf\""));
    }
}
