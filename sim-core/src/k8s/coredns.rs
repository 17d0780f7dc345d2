//! CoreDNS in a pod (`coredns -conf /etc/coredns/Corefile`): answers DNS on UDP 53 with
//! the plugins of its Corefile (`corefile.rs`), in CoreDNS's plugin order: log,
//! loadbalance, cache, kubernetes, forward.
//!
//! - It reads the Corefile from the ConfigMap `kube-system/coredns` when it starts, then
//!   watches Services, Endpoints, Namespaces and Pods through the apiserver (changes reach
//!   it after the watch delay). Until the first list arrives, names in the kubernetes
//!   plugin's zones get SERVFAIL (the informers have not synced).
//! - kubernetes (reference §3.1-3.3): A for a ClusterIP Service (even without endpoints),
//!   the ready endpoints for a headless one (none: NXDOMAIN), CNAME for ExternalName, SRV
//!   per named port, PTR for ClusterIPs and endpoint addresses, `a-b-c-d.NS.pod.ZONE`
//!   per the `pods` mode, `hostname.subdomain.NS.svc.ZONE` for an endpoint with a
//!   hostname; NXDOMAIN and NODATA (with the zone's SOA) as the plugin decides them.
//! - cache: answers kept for their TTL, capped by the plugin's (success and denial), at
//!   least 5 s; served with the TTL counting down. An upstream's SERVFAIL is kept 5 s;
//!   the SERVFAIL the server itself writes for a plugin's error (not synced yet, a
//!   forward timeout) is not. No size cap (CoreDNS keeps 9,984 of each kind).
//! - forward: a query for another zone goes to an upstream (from `/etc/resolv.conf`: the
//!   pod's file, which with dnsPolicy Default is its node's) with a new id, and the answer
//!   comes back to the client; 2 s without one gives the client SERVFAIL.
//! - loadbalance: the A records of an answer in an order drawn from a seeded stream.
//!
//! The same server stands in for kube-dns, the DNS add-on of Kubernetes 1.5's kubeadm
//! (`kube-dns --domain=cluster.local --dns-port=10053`, [`CoreDns::kube_dns`]): kube-dns
//! (SkyDNS) and the dnsmasq in front of it are one server answering on dnsmasq's port 53,
//! with kube-dns's records through the kubernetes plugin (TTL 30, pod records, forwarding
//! to the node's resolv.conf) and a 30 s cache for dnsmasq's. What that leaves out is said
//! in the trace when it starts and in docs/versions.md.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use rand::RngExt;

use super::api::{Body, EventType, Kind, Object, Request, Response};
use super::corefile::{self, Corefile, Pods, ServerBlock, in_zone};
use crate::engine::{CancelKey, Ctx, Dur, SimTime};
use crate::net::{Msg, Net, NsId, udp};
use crate::trace::TraceEvent;
use crate::wire::UdpPayload;
use crate::wire::dns::{Message, RData, RType, Rcode, Record};

/// The ConfigMap it reads its Corefile from, and the key.
pub const CONFIGMAP: &str = "coredns";
pub const CONFIG_KEY: &str = "Corefile";
/// forward's read timeout.
const FORWARD_TIMEOUT: Dur = Dur::from_secs(2);
/// cache's minimum TTL.
const CACHE_MIN_TTL: u32 = 5;
/// How long the cache keeps an upstream's SERVFAIL (`servfail 5s`).
const CACHE_SERVFAIL_TTL: u32 = 5;
const T_FORWARD_BASE: u64 = 1 << 20;

/// What the kubernetes plugin knows, from its watch.
#[derive(Default)]
struct View {
    objects: BTreeMap<(Kind, String, String), Object>,
    synced: bool,
}

struct Forwarded {
    client: (Ipv4Addr, u16),
    query: Message,
    timer: CancelKey,
    /// An ExternalName's CNAME, when this is the kubernetes plugin's lookup of its target
    /// through the server's own forward (`upstream`): the answer is the CNAME, then what
    /// came back.
    cname: Option<Record>,
}

pub struct CoreDns {
    /// Standing in for kube-dns: its cluster domain (no Corefile, no ConfigMap).
    kube_dns: Option<String>,
    corefile: Option<Corefile>,
    view: View,
    cache: BTreeMap<(String, RType), (SimTime, SimTime, Message)>,
    forwarded: BTreeMap<u16, Forwarded>,
    upstream_port: Option<u16>,
    next_id: u16,
    next_token: u64,
    forward_tokens: BTreeMap<u64, u16>,
}

impl Default for CoreDns {
    fn default() -> Self {
        CoreDns {
            kube_dns: None,
            corefile: None,
            view: View::default(),
            cache: BTreeMap::new(),
            forwarded: BTreeMap::new(),
            upstream_port: None,
            next_id: 1,
            next_token: 0,
            forward_tokens: BTreeMap::new(),
        }
    }
}

/// A line CoreDNS writes to its stdout: in the trace, and in its container's log
/// (`kubectl logs`).
fn log(cx: &mut Ctx<'_, Net>, line: String) {
    let me = cx.me();
    crate::net::logs::write(cx, me, crate::trace::Stream::Stdout, &line);
    cx.trace(TraceEvent::Log { line });
}

/// What kube-dns answers, as a Corefile: the kubernetes records of its domain with
/// kube-dns's TTL (30 s), pod records for any dashed address (kube-dns's, `pods
/// insecure`), other names forwarded to the pod's resolv.conf (the node's: the pod runs
/// with dnsPolicy Default), and dnsmasq's cache.
fn kube_dns_corefile(domain: &str) -> String {
    format!(
        ".:53 {{\n    kubernetes {domain} in-addr.arpa ip6.arpa {{\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }}\n    forward . /etc/resolv.conf\n    cache 30\n}}\n"
    )
}

impl CoreDns {
    /// kube-dns's container command (`kube-dns --domain=cluster.local --dns-port=10053`):
    /// the server, standing in for kube-dns and its dnsmasq.
    pub fn kube_dns(args: &[String]) -> CoreDns {
        let domain = args
            .iter()
            .find_map(|a| a.strip_prefix("--domain="))
            .unwrap_or("cluster.local")
            .trim_end_matches('.')
            .to_string();
        CoreDns {
            kube_dns: Some(domain),
            ..Default::default()
        }
    }

    pub fn handle(&mut self, msg: Msg, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        match msg {
            Msg::Start if self.kube_dns.is_some() => {
                let domain = self.kube_dns.clone().unwrap_or_default();
                log(
                    cx,
                    "(simulator) kube-dns and dnsmasq run here as one server on dnsmasq's port 53, with kube-dns's records (TTL 30, pod records, other names forwarded to the node's resolv.conf) and a 30 s cache; not simulated: the hop from dnsmasq to kube-dns on 10053, dnsmasq's 1,000-entry cache, kube-dns's hashed names for headless endpoints without a hostname and its PTR records only for named ones, and kube-dns waiting for the apiserver before it answers (here: SERVFAIL until its first list)".into(),
                );
                let c = corefile::parse(&kube_dns_corefile(&domain))
                    .expect("kube-dns's records parse as a Corefile");
                self.start_serving(cx, ns, c)
            }
            Msg::Start => {
                super::apiserver::report(
                    cx,
                    ns,
                    Request::Get {
                        kind: Kind::ConfigMap,
                        ns: "kube-system".into(),
                        name: CONFIGMAP.into(),
                    },
                );
                None
            }
            Msg::ApiResponse { resp, .. } => match *resp {
                Response::Object(o) => self.load(cx, ns, &o),
                Response::List(objects) => {
                    for o in objects {
                        self.take(o, &EventType::Added);
                    }
                    self.view.synced = true;
                    log(cx, "plugin/kubernetes: informers synced".into());
                    None
                }
                Response::Error { message, .. } => {
                    log(
                        cx,
                        format!(
                            "plugin/kubernetes: cannot read the ConfigMap coredns: {message}; using kubeadm's Corefile"
                        ),
                    );
                    self.start_serving(
                        cx,
                        ns,
                        corefile::parse(corefile::KUBEADM).expect("kubeadm's Corefile parses"),
                    )
                }
                _ => None,
            },
            Msg::ApiEvent { event } => {
                let event = *event;
                self.take(event.object, &event.what);
                None
            }
            Msg::Udp { packet } => {
                let (sport, _, msg) = packet.dns()?;
                if msg.response {
                    self.upstream_answer(cx, ns, msg);
                } else {
                    self.query(cx, ns, (packet.ip.src, sport), msg.clone());
                }
                None
            }
            Msg::Timer(t) if t >= T_FORWARD_BASE => {
                if let Some(id) = self.forward_tokens.remove(&t)
                    && let Some(f) = self.forwarded.remove(&id)
                {
                    log(
                        cx,
                        format!(
                            "plugin/forward: no answer from upstream in {FORWARD_TIMEOUT} for {}: SERVFAIL",
                            f.query
                                .question
                                .as_ref()
                                .map(|q| q.name.as_str())
                                .unwrap_or("")
                        ),
                    );
                    // The kubernetes plugin's upstream lookup failing leaves its CNAME
                    // alone in the answer.
                    let reply = match f.cname {
                        Some(c) => cname_only(&f.query, c),
                        None => Message::reply_to(&f.query, Rcode::ServFail),
                    };
                    send(cx, ns, f.client, reply);
                }
                None
            }
            _ => None,
        }
    }

    fn load(&mut self, cx: &mut Ctx<'_, Net>, ns: NsId, o: &Object) -> Option<i32> {
        let Body::ConfigMap(data) = &o.body else {
            return None;
        };
        let text = data.get(CONFIG_KEY).cloned().unwrap_or_default();
        match corefile::parse(&text) {
            Ok(c) => self.start_serving(cx, ns, c),
            Err((line, e)) => {
                log(cx, format!("Corefile:{line} - Error during parsing: {e}"));
                Some(1)
            }
        }
    }

    fn start_serving(&mut self, cx: &mut Ctx<'_, Net>, ns: NsId, c: Corefile) -> Option<i32> {
        let me = cx.me();
        if udp::bind(cx, ns, Some(53), me).is_none() {
            log(cx, "listen udp :53: bind: address already in use".into());
            return Some(1);
        }
        self.upstream_port = udp::bind(cx, ns, None, me);
        match &self.kube_dns {
            // kube-dns 1.9's SkyDNS says so when it serves (here on :53).
            Some(domain) => log(
                cx,
                format!("skydns: ready for queries on {domain}. for udp://0.0.0.0:53 [rcache 0]"),
            ),
            None => {
                for b in &c.blocks {
                    log(cx, format!("{}:{}", b.zones.join(" "), b.port));
                }
                log(cx, "CoreDNS-1.10.1".into());
            }
        }
        self.corefile = Some(c);
        super::apiserver::report(
            cx,
            ns,
            Request::Watch {
                kinds: vec![
                    Kind::Service,
                    Kind::Endpoints,
                    Kind::EndpointSlice,
                    Kind::Namespace,
                    Kind::Pod,
                ],
                node: None,
            },
        );
        None
    }

    /// A Service's endpoints: its Endpoints with the hand-written EndpointSlices of its
    /// namespace that name it (`api::merged_endpoints`).
    fn endpoints_of(&self, ns: &str, svc: &str) -> Option<super::api::Endpoints> {
        let from = (Kind::EndpointSlice, ns.to_string(), String::new());
        let to = (Kind::EndpointSlice, format!("{ns}\0"), String::new());
        let slices = self
            .view
            .objects
            .range(from..to)
            .filter(|(k, o)| k.1 == ns && o.slice_service() == Some(svc))
            .filter_map(|(_, o)| o.endpoint_slice());
        let eps = self
            .view
            .objects
            .get(&(Kind::Endpoints, ns.to_string(), svc.to_string()))
            .and_then(|o| o.endpoints());
        super::api::merged_endpoints(eps, slices)
    }

    fn take(&mut self, o: Object, what: &EventType) {
        let key = o.key();
        match what {
            EventType::Deleted => {
                self.view.objects.remove(&key);
            }
            _ => {
                self.view.objects.insert(key, o);
            }
        }
    }

    /// The server block for a name: the longest zone that holds it.
    fn block(&self, name: &str) -> Option<&ServerBlock> {
        let c = self.corefile.as_ref()?;
        c.blocks
            .iter()
            .filter(|b| b.port == 53)
            .flat_map(|b| b.zones.iter().map(move |z| (z, b)))
            .filter(|(z, _)| in_zone(name, z))
            .max_by_key(|(z, _)| if z.as_str() == "." { 0 } else { z.len() })
            .map(|(_, b)| b)
    }

    fn query(&mut self, cx: &mut Ctx<'_, Net>, ns: NsId, client: (Ipv4Addr, u16), q: Message) {
        let Some(question) = q.question.clone() else {
            send(cx, ns, client, Message::reply_to(&q, Rcode::FormErr));
            return;
        };
        let qname = question.name.to_ascii_lowercase();
        let Some(block) = self.block(&qname).cloned() else {
            send(cx, ns, client, Message::reply_to(&q, Rcode::Refused));
            return;
        };
        let now = cx.now();
        if block.log {
            log(
                cx,
                format!(
                    "[INFO] {}:{} - {} \"{} IN {}\"",
                    client.0,
                    client.1,
                    q.id,
                    question.qtype.name(),
                    question.name
                ),
            );
        }
        // cache
        if block.cache.is_some()
            && let Some((stored, expires, m)) = self.cache.get(&(qname.clone(), question.qtype))
            && now < *expires
        {
            let age = ((now - *stored).as_nanos() / 1_000_000_000) as u32;
            let mut r = m.clone();
            r.id = q.id;
            for rec in r.answer.iter_mut().chain(r.authority.iter_mut()) {
                rec.ttl = rec.ttl.saturating_sub(age);
            }
            log(
                cx,
                format!(
                    "plugin/cache: hit for {} {} (stored {}s ago)",
                    question.name,
                    question.qtype.name(),
                    age
                ),
            );
            self.reply(cx, ns, client, &block, r);
            return;
        }
        // kubernetes
        if let Some(k) = &block.kubernetes
            && k.zones.iter().any(|z| in_zone(&qname, z))
        {
            let zone = k
                .zones
                .iter()
                .filter(|z| in_zone(&qname, z))
                .max_by_key(|z| z.len())
                .cloned()
                .unwrap_or_default();
            // (None: fall through to the next plugin.)
            if let Some(mut r) = self.kubernetes(k, &zone, &q) {
                // An ExternalName's CNAME: the plugin looks its target up (plugin/
                // backend_lookup.go), in its own records when the target is in one of its
                // zones, else through the server itself (`upstream`: here, forward), and
                // answers the CNAME followed by what it found.
                if let Some(target) = external_target(&r, question.qtype) {
                    if k.zones.iter().any(|z| in_zone(&target, z)) {
                        let mut inner = q.clone();
                        inner.question = Some(crate::wire::dns::Question {
                            name: target.clone(),
                            ..question.clone()
                        });
                        if let Some(found) = self.kubernetes(k, &zone, &inner) {
                            r.answer.extend(found.answer);
                        }
                    } else if let Some(f) = block.forward.as_ref().filter(|f| {
                        in_zone(&target, &f.from) && !f.except.iter().any(|z| in_zone(&target, z))
                    }) {
                        let cname = r.answer[0].clone();
                        let mut inner = q.clone();
                        inner.question = Some(crate::wire::dns::Question {
                            name: target.clone(),
                            ..question.clone()
                        });
                        let f = f.clone();
                        self.forward(cx, ns, client, inner, &f, Some((q, cname)));
                        return;
                    }
                }
                // The plugin's own SERVFAIL (not synced yet) is an error code the server
                // writes, past the cache; only answers are stored.
                if r.rcode != Rcode::ServFail {
                    self.store(&block, &qname, question.qtype, &r, now);
                }
                self.reply(cx, ns, client, &block, r);
                return;
            }
        }
        // forward
        if let Some(f) = &block.forward
            && in_zone(&qname, &f.from)
            && !f.except.iter().any(|z| in_zone(&qname, z))
        {
            self.forward(cx, ns, client, q, f, None);
            return;
        }
        // No plugin left to answer ("no next plugin found"): SERVFAIL.
        send(cx, ns, client, Message::reply_to(&q, Rcode::ServFail));
    }

    fn reply(
        &mut self,
        cx: &mut Ctx<'_, Net>,
        ns: NsId,
        client: (Ipv4Addr, u16),
        block: &ServerBlock,
        mut r: Message,
    ) {
        if block.loadbalance && r.answer.len() > 1 {
            // Shuffle the A records among themselves (a seeded stream).
            let n = r.answer.len();
            for i in (1..n).rev() {
                let j = cx.rng().random_range(0..=i);
                if matches!(r.answer[i].data, RData::A(_))
                    && matches!(r.answer[j].data, RData::A(_))
                {
                    r.answer.swap(i, j);
                }
            }
        }
        send(cx, ns, client, r);
    }

    /// Keeps an answer for min(its TTL, the plugin's cap), at least 5 s; an upstream's
    /// SERVFAIL for 5 s (the plugin's `servfail` default).
    fn store(&mut self, block: &ServerBlock, qname: &str, qtype: RType, r: &Message, now: SimTime) {
        let Some(c) = &block.cache else { return };
        if r.rcode == Rcode::ServFail {
            let keep = Dur::from_secs(u64::from(CACHE_SERVFAIL_TTL));
            self.cache
                .insert((qname.to_string(), qtype), (now, now + keep, r.clone()));
            return;
        }
        let denial = r.answer.is_empty();
        if denial && r.authority.is_empty() {
            return; // a denial without an SOA is not kept
        }
        let ttl = r
            .answer
            .iter()
            .chain(&r.authority)
            .map(|x| x.ttl)
            .min()
            .unwrap_or(0);
        let cap = if denial { c.denial } else { c.success };
        let keep = ttl.min(cap).max(CACHE_MIN_TTL);
        self.cache.insert(
            (qname.to_string(), qtype),
            (now, now + Dur::from_secs(u64::from(keep)), r.clone()),
        );
    }

    /// forward: `q` to an upstream. `chase` is the kubernetes plugin's lookup of an
    /// ExternalName's target (`q` asks for the target): the client's own query and the
    /// CNAME, answered with the CNAME alone if the lookup cannot be made.
    fn forward(
        &mut self,
        cx: &mut Ctx<'_, Net>,
        ns: NsId,
        client: (Ipv4Addr, u16),
        q: Message,
        f: &corefile::Forward,
        chase: Option<(Message, Record)>,
    ) {
        let fail =
            |cx: &mut Ctx<'_, Net>, rcode: Rcode, q: &Message, chase: Option<(Message, Record)>| {
                let reply = match chase {
                    Some((orig, cname)) => cname_only(&orig, cname),
                    None => Message::reply_to(q, rcode),
                };
                send(cx, ns, client, reply);
            };
        let mut ups: Vec<Ipv4Addr> = Vec::new();
        for t in &f.to {
            if t == "/etc/resolv.conf" {
                ups.extend(super::resolvconf::nameservers(cx.world.ns(ns)));
            } else {
                let host = t.trim_start_matches("dns://");
                let ip = host.rsplit_once(':').map(|(h, _)| h).unwrap_or(host);
                ups.extend(ip.parse::<Ipv4Addr>().ok());
            }
        }
        let (Some(port), false) = (self.upstream_port, ups.is_empty()) else {
            return fail(cx, Rcode::ServFail, &q, chase);
        };
        if f.max_concurrent
            .is_some_and(|m| self.forwarded.len() as u32 >= m)
        {
            return fail(cx, Rcode::Refused, &q, chase);
        }
        // policy random (a seeded stream)
        let up = ups[cx.rng().random_range(0..ups.len())];
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        let mut out = q.clone();
        out.id = id;
        if udp::send(cx, ns, port, up, 53, UdpPayload::Dns { msg: Box::new(out) }).is_err() {
            return fail(cx, Rcode::ServFail, &q, chase);
        }
        self.next_token += 1;
        let token = T_FORWARD_BASE + self.next_token;
        let timer = cx.schedule_cancellable(FORWARD_TIMEOUT, Msg::Timer(token));
        self.forward_tokens.insert(token, id);
        let (query, cname) = match chase {
            Some((orig, c)) => (orig, Some(c)),
            None => (q, None),
        };
        self.forwarded.insert(
            id,
            Forwarded {
                client,
                query,
                timer,
                cname,
            },
        );
    }

    fn upstream_answer(&mut self, cx: &mut Ctx<'_, Net>, ns: NsId, m: &Message) {
        let Some(f) = self.forwarded.remove(&m.id) else {
            return;
        };
        cx.cancel(f.timer);
        self.forward_tokens.retain(|_, id| *id != m.id);
        let mut r = m.clone();
        r.id = f.query.id;
        if let Some(c) = f.cname {
            // The ExternalName's answer: its CNAME, then the target's records, under the
            // client's question, authoritative as the kubernetes plugin's answers are.
            r.question = f.query.question.clone();
            r.answer.insert(0, c);
            r.rcode = Rcode::NoError;
            r.authoritative = true;
            r.authority.clear();
        }
        let now = cx.now();
        if let Some(q) = &f.query.question {
            let qname = q.name.to_ascii_lowercase();
            if let Some(block) = self.block(&qname).cloned() {
                self.store(&block, &qname, q.qtype, &r, now);
                self.reply(cx, ns, f.client, &block, r);
                return;
            }
        }
        send(cx, ns, f.client, r);
    }

    fn services(&self) -> impl Iterator<Item = &Object> {
        self.view
            .objects
            .values()
            .filter(|o| o.kind() == Kind::Service)
    }

    fn namespace_exists(&self, ns: &str) -> bool {
        self.view
            .objects
            .contains_key(&(Kind::Namespace, String::new(), ns.to_string()))
    }

    /// The kubernetes plugin's answer, or `None` to fall through.
    fn kubernetes(&self, k: &corefile::Kubernetes, zone: &str, q: &Message) -> Option<Message> {
        let question = q.question.as_ref().expect("checked");
        let qname = question.name.to_ascii_lowercase();
        let qtype = question.qtype;
        let ttl = k.ttl;
        let soa = || Record {
            name: zone.to_string(),
            ttl,
            data: RData::Soa {
                mname: format!("ns.dns.{zone}"),
                rname: format!("hostmaster.{zone}"),
                serial: 1_700_000_000,
                refresh: 7200,
                retry: 1800,
                expire: 86400,
                minimum: ttl,
            },
        };
        // A record of the answer section: the question's name, the plugin's TTL.
        let record = |data: RData| Record {
            name: question.name.clone(),
            ttl,
            data,
        };
        let mut reply = Message::reply_to(q, Rcode::NoError);
        reply.authoritative = true;
        let nx = |mut r: Message| {
            r.rcode = Rcode::NxDomain;
            r.authority = vec![soa()];
            r
        };
        let nodata = |mut r: Message| {
            r.authority = vec![soa()];
            r
        };
        if !self.view.synced {
            return Some(Message::reply_to(q, Rcode::ServFail));
        }
        // Reverse zones: PTR.
        if zone.ends_with("in-addr.arpa.") {
            let ip = reverse_ip(&qname);
            let mut answers = Vec::new();
            if let Some(ip) = ip {
                for s in self.services() {
                    if let Body::Service(svc) = &s.body
                        && svc.cluster_ip == Some(ip)
                    {
                        answers.push(format!(
                            "{}.{}.svc.{}",
                            s.meta.name,
                            s.meta.namespace,
                            self.cluster_zone(k)
                        ));
                    }
                }
                if answers.is_empty() {
                    for e in self.view.objects.values() {
                        if let Body::Endpoints(ep) = &e.body {
                            for a in ep.addresses.iter().filter(|a| a.ip == ip) {
                                answers.push(format!(
                                    "{}.{}.{}.svc.{}",
                                    self.hostname_of(&e.meta.namespace, a, &e.meta.name)
                                        .unwrap_or_else(|| dashed(a.ip)),
                                    e.meta.name,
                                    e.meta.namespace,
                                    self.cluster_zone(k)
                                ));
                            }
                        }
                    }
                }
            }
            if answers.is_empty() {
                let falls = k
                    .fallthrough
                    .as_ref()
                    .is_some_and(|z| z.is_empty() || z.iter().any(|z| in_zone(&qname, z)));
                return if falls { None } else { Some(nx(reply)) };
            }
            if qtype != RType::Ptr {
                return Some(nodata(reply));
            }
            for a in answers {
                reply.answer.push(record(RData::Ptr(a)));
            }
            return Some(reply);
        }
        let rest = qname.strip_suffix(zone).unwrap_or("").trim_end_matches('.');
        let labels: Vec<&str> = if rest.is_empty() {
            Vec::new()
        } else {
            rest.split('.').collect()
        };
        let n = labels.len();
        if n == 0 {
            return Some(nodata(reply));
        }
        if labels[n - 1] == "pod" {
            // a-b-c-d.NS.pod.ZONE
            if n != 3 || k.pods == Pods::Disabled {
                return Some(if n == 1 { nodata(reply) } else { nx(reply) });
            }
            let (label, ns) = (labels[0], labels[1]);
            let ip = label.replace('-', ".").parse::<Ipv4Addr>().ok();
            let exists =
                match (ip, &k.pods) {
                    (Some(_), Pods::Insecure) => self.namespace_exists(ns),
                    (Some(ip), Pods::Verified) => self.view.objects.values().any(|o| {
                        o.meta.namespace == ns && o.pod().is_some_and(|p| p.ip == Some(ip))
                    }),
                    _ => false,
                };
            return Some(match (exists, ip) {
                (true, Some(ip)) if qtype == RType::A => {
                    reply.answer.push(record(RData::A(ip)));
                    reply
                }
                (true, _) => nodata(reply),
                _ => nx(reply),
            });
        }
        if labels[n - 1] != "svc" {
            return Some(nx(reply));
        }
        if n == 1 {
            return Some(nodata(reply));
        }
        let ns = labels[n - 2];
        if k.namespaces
            .as_ref()
            .is_some_and(|list| !list.iter().any(|x| x == ns))
        {
            return Some(nx(reply));
        }
        if n == 2 {
            return Some(if self.namespace_exists(ns) {
                nodata(reply)
            } else {
                nx(reply)
            });
        }
        let svc_name = labels[n - 3];
        let Some(svc_obj) =
            self.view
                .objects
                .get(&(Kind::Service, ns.to_string(), svc_name.to_string()))
        else {
            return Some(nx(reply));
        };
        let Body::Service(svc) = &svc_obj.body else {
            return Some(nx(reply));
        };
        let fqdn = format!("{svc_name}.{ns}.svc.{zone}");
        let eps = self.endpoints_of(ns, svc_name).unwrap_or_default();
        let headless = svc.cluster_ip.is_none() && svc.type_ != "ExternalName";
        // A headless Service without a ready endpoint has no name at all (NXDOMAIN, any type).
        if headless && n == 3 && (k.noendpoints || eps.addresses.is_empty()) {
            return Some(nx(reply));
        }
        match n {
            3 => {
                if svc.type_ == "ExternalName" {
                    let target =
                        crate::wire::dns::absolute(svc.external_name.as_deref().unwrap_or(""));
                    reply.answer.push(record(RData::Cname(target)));
                    return Some(reply);
                }
                match qtype {
                    RType::A => {
                        if let Some(ip) = svc.cluster_ip {
                            reply.answer.push(record(RData::A(ip)));
                        } else if k.noendpoints || eps.addresses.is_empty() {
                            return Some(nx(reply));
                        } else {
                            for a in &eps.addresses {
                                reply.answer.push(record(RData::A(a.ip)));
                            }
                        }
                        Some(reply)
                    }
                    RType::Srv => {
                        let targets =
                            self.srv_targets(headless, &eps, &fqdn, svc.cluster_ip, ns, svc_name);
                        let named: Vec<u16> = svc
                            .ports
                            .iter()
                            .filter(|p| !p.name.is_empty())
                            .map(|p| p.port)
                            .collect();
                        let weight = (100 / (targets.len() * named.len()).max(1)) as u16;
                        srv_records(&mut reply, &question.name, ttl, &targets, &named, weight);
                        if reply.answer.is_empty() {
                            Some(nodata(reply))
                        } else {
                            Some(reply)
                        }
                    }
                    _ => Some(nodata(reply)),
                }
            }
            4 => {
                // An endpoint: its hostname or dashed IP.
                if k.noendpoints || !headless {
                    return Some(nx(reply));
                }
                let label = labels[0];
                let found: Vec<Ipv4Addr> = eps
                    .addresses
                    .iter()
                    .filter(|a| {
                        dashed(a.ip) == label
                            || self
                                .hostname_of(ns, a, svc_name)
                                .is_some_and(|h| h == label)
                    })
                    .map(|a| a.ip)
                    .collect();
                if found.is_empty() {
                    return Some(nx(reply));
                }
                if qtype != RType::A {
                    return Some(nodata(reply));
                }
                for ip in found {
                    reply.answer.push(record(RData::A(ip)));
                }
                Some(reply)
            }
            5 if labels[0].starts_with('_') && labels[1].starts_with('_') => {
                let (port_name, proto) = (&labels[0][1..], &labels[1][1..]);
                let targets = self.srv_targets(headless, &eps, &fqdn, svc.cluster_ip, ns, svc_name);
                let ports: Vec<_> = svc
                    .ports
                    .iter()
                    .filter(|p| p.name == port_name && p.protocol().eq_ignore_ascii_case(proto))
                    .collect();
                if ports.is_empty() {
                    return Some(nx(reply));
                }
                if qtype != RType::Srv {
                    return Some(nodata(reply));
                }
                let weight = (100 / targets.len().max(1)) as u16;
                let ports: Vec<u16> = ports.iter().map(|p| p.port).collect();
                srv_records(&mut reply, &question.name, ttl, &targets, &ports, weight);
                Some(reply)
            }
            _ => Some(nx(reply)),
        }
    }

    /// SRV targets: the Service's name (with its ClusterIP for the additional section), or
    /// for a headless Service each ready endpoint's name: its hostname, else its dashed IP.
    fn srv_targets(
        &self,
        headless: bool,
        eps: &super::api::Endpoints,
        fqdn: &str,
        cluster_ip: Option<Ipv4Addr>,
        ns: &str,
        service: &str,
    ) -> Vec<(String, Option<Ipv4Addr>)> {
        if !headless {
            return vec![(fqdn.to_string(), cluster_ip)];
        }
        eps.addresses
            .iter()
            .map(|a| {
                let label = self
                    .hostname_of(ns, a, service)
                    .unwrap_or_else(|| dashed(a.ip));
                (format!("{label}.{fqdn}"), Some(a.ip))
            })
            .collect()
    }

    /// An endpoint's hostname: a hand-written address's own, else its pod's
    /// `spec.hostname`, which the endpoints controller copies only when the pod's
    /// `spec.subdomain` is the Service's name.
    fn hostname_of(&self, ns: &str, a: &super::api::Address, service: &str) -> Option<String> {
        if !a.hostname.is_empty() {
            return Some(a.hostname.clone());
        }
        let p = self
            .view
            .objects
            .get(&(Kind::Pod, ns.to_string(), a.pod.clone()))?
            .pod()?;
        if p.spec.subdomain.as_deref() != Some(service) {
            return None;
        }
        p.spec.hostname.clone()
    }

    /// The kubernetes plugin's first forward zone (`cluster.local.`), for PTR targets.
    fn cluster_zone(&self, k: &corefile::Kubernetes) -> String {
        k.zones
            .iter()
            .find(|z| !z.ends_with("arpa."))
            .cloned()
            .unwrap_or_else(|| "cluster.local.".into())
    }
}

/// The kubernetes plugin's ExternalName answer when the lookup of its target failed: the
/// CNAME alone.
fn cname_only(q: &Message, cname: Record) -> Message {
    let mut r = Message::reply_to(q, Rcode::NoError);
    r.authoritative = true;
    r.answer.push(cname);
    r
}

/// The target of an ExternalName answer to a question of `qtype` that its target can
/// answer (a lone CNAME; a CNAME question asks for the CNAME itself).
fn external_target(r: &Message, qtype: RType) -> Option<String> {
    match (r.answer.as_slice(), qtype) {
        (_, RType::Cname) => None,
        (
            [
                Record {
                    data: RData::Cname(t),
                    ..
                },
            ],
            _,
        ) => Some(t.to_ascii_lowercase()),
        _ => None,
    }
}

/// One SRV record per (port, target), priority 0, and each target's A record in the
/// additional section.
fn srv_records(
    reply: &mut Message,
    qname: &str,
    ttl: u32,
    targets: &[(String, Option<Ipv4Addr>)],
    ports: &[u16],
    weight: u16,
) {
    for port in ports {
        for (t, ip) in targets {
            reply.answer.push(Record {
                name: qname.to_string(),
                ttl,
                data: RData::Srv {
                    priority: 0,
                    weight,
                    port: *port,
                    target: t.clone(),
                },
            });
            if let Some(ip) = ip {
                reply.additional.push(Record {
                    name: t.clone(),
                    ttl,
                    data: RData::A(*ip),
                });
            }
        }
    }
}

/// `10.244.1.5` as `10-244-1-5`.
fn dashed(ip: Ipv4Addr) -> String {
    ip.to_string().replace('.', "-")
}

/// `5.1.244.10.in-addr.arpa.` as 10.244.1.5.
fn reverse_ip(name: &str) -> Option<Ipv4Addr> {
    let rest = name.strip_suffix(".in-addr.arpa.")?;
    let parts: Vec<u8> = rest
        .split('.')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [d, c, b, a] = parts[..] else { return None };
    Some(Ipv4Addr::new(a, b, c, d))
}

fn send(cx: &mut Ctx<'_, Net>, ns: NsId, to: (Ipv4Addr, u16), m: Message) {
    let _ = udp::send(cx, ns, 53, to.0, to.1, UdpPayload::Dns { msg: Box::new(m) });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// cache: an answer for min(TTL, cap) but at least 5 s; an upstream's SERVFAIL for
    /// 5 s; a denial without an SOA not at all.
    #[test]
    fn the_cache_keeps_what_coredns_keeps() {
        let block = corefile::parse(corefile::KUBEADM).unwrap().blocks[0].clone();
        let mut c = CoreDns::default();
        let now = SimTime::ZERO;
        let q = Message::query(1, "www.example.com", RType::A);
        let mut ok = Message::reply_to(&q, Rcode::NoError);
        ok.answer.push(Record {
            name: "www.example.com.".into(),
            ttl: 300,
            data: RData::A(Ipv4Addr::new(93, 184, 216, 34)),
        });
        c.store(&block, "www.example.com.", RType::A, &ok, now);
        let kept = |c: &CoreDns, t: RType| {
            c.cache
                .get(&("www.example.com.".to_string(), t))
                .map(|(_, until, _)| until.as_nanos() / 1_000_000_000)
        };
        assert_eq!(kept(&c, RType::A), Some(30), "capped by `cache 30`");
        let fail = Message::reply_to(&q, Rcode::ServFail);
        c.store(&block, "www.example.com.", RType::Aaaa, &fail, now);
        assert_eq!(kept(&c, RType::Aaaa), Some(5));
        let bare = Message::reply_to(&q, Rcode::NxDomain);
        c.store(&block, "www.example.com.", RType::Txt, &bare, now);
        assert_eq!(kept(&c, RType::Txt), None);
    }
}
