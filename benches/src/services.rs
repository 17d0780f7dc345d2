//! Services at scale, one node's view: N Services with E endpoints each, the rules
//! kube-proxy writes for them (iptables or ipvs mode, with its own generators), and new
//! connections pushed through the node's netfilter (and IPVS) as their first packets are:
//! nat PREROUTING, the DNAT (a KUBE-SEP chain, or an IPVS real server), conntrack's entry,
//! filter FORWARD.
//!
//! Each connection's simulated cost is what the model charges its first packet: the rules
//! a linear walk visits times `RULE_COST_NS`, plus `IPVS_COST_NS` in ipvs mode. In
//! userspace mode the client's SYN is REDIRECTed to kube-proxy's proxy port (a walk of
//! KUBE-PORTALS-CONTAINER); the cost counted is that walk, kube-proxy's own connection to
//! the endpoint (its SYN walks nat OUTPUT, KUBE-PORTALS-HOST, without a match) and one
//! `RELAY_COST` for copying the request. The wall time is the simulator's own cost for
//! the same work (measured here, in the harness).

use std::net::Ipv4Addr;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sim_core::engine::SimTime;
use sim_core::engine::rng::{Stream, stream};
use sim_core::k8s::api::{Address, EndpointPort, Endpoints, Meta, Service, ServicePort};
use sim_core::k8s::proxy::names::Era;
use sim_core::k8s::proxy::{iptables, ipvs, userspace};
use sim_core::net::ipvs::{IPVS_COST_NS, Ipvs, Scheduler};
use sim_core::net::netfilter::{
    CtState, Netfilter, Proto, RULE_COST_NS, TableKind, Tuple, Verdict, View,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Iptables,
    Ipvs,
    Userspace,
}

/// N Services (`default/svc-i`, port 80, ClusterIP 10.96.0.0/12 + i + 10) with E ready
/// endpoints each (10.244.x.y:8080).
pub fn services(n: usize, endpoints: usize) -> Vec<(Meta, Service, Endpoints)> {
    (0..n)
        .map(|i| {
            let meta = Meta {
                name: format!("svc-{i}"),
                namespace: "default".into(),
                ..Default::default()
            };
            let cip = Ipv4Addr::from(u32::from(Ipv4Addr::new(10, 96, 0, 10)) + i as u32);
            let svc = Service {
                type_: "ClusterIP".into(),
                cluster_ip: Some(cip),
                ports: vec![ServicePort {
                    name: String::new(),
                    protocol: None,
                    port: 80,
                    target_port: Some(8080),
                    target_name: None,
                    node_port: None,
                }],
                selector: [("app".to_string(), format!("a{i}"))].into(),
                external_ips: Vec::new(),
                external_name: None,
                ingress: Vec::new(),
                publish_not_ready: false,
                affinity: None,
                policy: Default::default(),
            };
            let addresses = (0..endpoints)
                .map(|e| {
                    let k = (i * endpoints + e) as u32;
                    Address {
                        ip: Ipv4Addr::from(u32::from(Ipv4Addr::new(10, 244, 0, 2)) + k),
                        node: String::new(),
                        pod: String::new(),
                        hostname: String::new(),
                    }
                })
                .collect();
            let eps = Endpoints {
                addresses,
                not_ready: Vec::new(),
                ports: vec![EndpointPort {
                    name: String::new(),
                    port: 8080,
                    protocol: "TCP".into(),
                }],
            };
            (meta, svc, eps)
        })
        .collect()
}

/// The node's own address.
const NODE_IP: Ipv4Addr = Ipv4Addr::new(10, 181, 13, 57);

/// One node's netfilter and IPVS state after a kube-proxy sync.
pub struct Node {
    pub mode: Mode,
    /// Userspace mode: each Service's endpoints and kube-proxy's round-robin cursor.
    backends: Vec<(Vec<Ipv4Addr>, usize)>,
    pub nf: Netfilter,
    pub ipvs: Ipvs,
    rng: Stream,
    pub rules: usize,
}

/// A kube-proxy sync of `svcs` on a fresh node: what kube-proxy generates and what the
/// node's netfilter (and IPVS) take in.
pub fn sync(mode: Mode, svcs: &[(Meta, Service, Endpoints)]) -> Node {
    let view: Vec<_> = svcs.iter().map(|(m, s, e)| (m, s, Some(e))).collect();
    let cidr = Some("10.244.0.0/16".parse().expect("cidr"));
    let mut nf = Netfilter::default();
    let mut table = Ipvs::default();
    let rules = match mode {
        Mode::Iptables => {
            let r = iptables::rules(&view, cidr, Era::Modern, "node01");
            nf.restore(&r.text).expect("kube-proxy's rules parse")
        }
        Mode::Ipvs => {
            let want = ipvs::desired(&view, &[Ipv4Addr::new(10, 181, 13, 57)], cidr);
            ipvs::apply(&mut table.services, &want.services, Scheduler::Rr);
            nf.ipsets = want.sets;
            nf.restore(&want.rules).expect("kube-proxy's rules parse")
        }
        Mode::Userspace => {
            // Proxy ports 32768 + i (kube-proxy draws them at random; the rules' shape
            // and number are what count here).
            let names: Vec<String> = svcs
                .iter()
                .map(|(m, _, _)| format!("{}/{}:", m.namespace, m.name))
                .collect();
            let portals = svcs
                .iter()
                .zip(&names)
                .enumerate()
                .map(|(i, ((_, s, _), name))| userspace::PortalRule {
                    name,
                    cluster_ip: s.cluster_ip.expect("a ClusterIP"),
                    port: 80,
                    node_port: None,
                    proxy_port: 32768 + i as u16,
                });
            let text = userspace::rules(portals, NODE_IP);
            nf.restore(&text).expect("kube-proxy's rules parse")
        }
    };
    match mode {
        Mode::Userspace => userspace::insert_jumps(&mut nf),
        _ => iptables::insert_jumps(&mut nf, mode == Mode::Ipvs, Era::Modern),
    }
    let backends = svcs
        .iter()
        .map(|(_, _, e)| (e.addresses.iter().map(|a| a.ip).collect(), 0))
        .collect();
    Node {
        mode,
        backends,
        nf,
        ipvs: table,
        rng: stream(1, "bench/services"),
        rules,
    }
}

impl Node {
    /// A new TCP connection from a pod to Service `i`'s ClusterIP:80, as its SYN meets
    /// the node: returns the simulated CPU cost in ns and the endpoint it was sent to.
    pub fn connect(&mut self, i: usize, sport: u16, now: SimTime) -> (u64, Ipv4Addr) {
        let cip = Ipv4Addr::from(u32::from(Ipv4Addr::new(10, 96, 0, 10)) + i as u32);
        let src = Ipv4Addr::new(10, 244, 200, 2);
        let (mut v, t) = syn(
            (src, sport),
            (cip, 80),
            Some("docker0"),
            self.mode == Mode::Ipvs,
        );
        let id = self.nf.ct.create(t, now);
        let d = self
            .nf
            .walk(TableKind::Nat, "PREROUTING", &mut v, &mut self.rng, 60);
        let mut cost = u64::from(d.walked) * RULE_COST_NS;
        if self.mode == Mode::Userspace {
            return self.relay(i, d.verdict, cost, now);
        }
        let to = match d.verdict {
            Verdict::Dnat { addr, port } => (addr, port.unwrap_or(80)),
            _ => {
                let vs = self
                    .ipvs
                    .services
                    .get_mut(&(Proto::Tcp, cip, 80))
                    .expect("a virtual service");
                cost += IPVS_COST_NS;
                let r = vs.schedule(src, cip, |_| (0, 0)).expect("a real server");
                (r.addr, r.port)
            }
        };
        if self.mode == Mode::Ipvs {
            self.nf.ct.set_ipvs_nat(id, to);
        } else {
            self.nf.ct.set_dst_nat(id, Some(to));
        }
        v.dst = to.0;
        v.dport = to.1;
        v.out_if = Some("flannel.1".into());
        let f = self
            .nf
            .walk(TableKind::Filter, "FORWARD", &mut v, &mut self.rng, 60);
        cost += u64::from(f.walked) * RULE_COST_NS;
        self.nf.ct.confirm(id);
        (cost, to.0)
    }
}

impl Node {
    /// Userspace mode after the client's SYN was REDIRECTed to the proxy port: kube-proxy
    /// accepts, picks the next endpoint and dials it (its SYN walks nat OUTPUT), then
    /// copies the request.
    fn relay(&mut self, i: usize, verdict: Verdict, walk: u64, now: SimTime) -> (u64, Ipv4Addr) {
        assert!(
            matches!(verdict, Verdict::Redirect { .. }),
            "the portal redirects"
        );
        let (eps, next) = &mut self.backends[i];
        let ep = eps[*next % eps.len()];
        *next += 1;
        let sport = 40_000 + (i % 20_000) as u16;
        let (mut v, t) = syn((NODE_IP, sport), (ep, 8080), None, false);
        let id = self.nf.ct.create(t, now);
        let d = self
            .nf
            .walk(TableKind::Nat, "OUTPUT", &mut v, &mut self.rng, 60);
        self.nf.ct.confirm(id);
        let cost = walk + u64::from(d.walked) * RULE_COST_NS + userspace::RELAY_COST.as_nanos();
        (cost, ep)
    }
}

/// A TCP SYN from `src` to `dst` as the nat table sees it (arriving on `in_if`, or sent
/// by the node itself), and its conntrack tuple.
fn syn(
    src: (Ipv4Addr, u16),
    dst: (Ipv4Addr, u16),
    in_if: Option<&str>,
    dst_local: bool,
) -> (View, Tuple) {
    let v = View {
        src: src.0,
        dst: dst.0,
        proto: Some(Proto::Tcp),
        sport: src.1,
        dport: dst.1,
        in_if: in_if.map(str::to_string),
        out_if: None,
        mark: 0,
        state: CtState::New,
        src_local: in_if.is_none(),
        dst_local,
        now: SimTime::ZERO,
    };
    let t = Tuple {
        proto: Proto::Tcp,
        src: src.0,
        sport: src.1,
        dst: dst.0,
        dport: dst.1,
    };
    (v, t)
}

/// (mean, max) simulated first-packet cost in ns over connections to every Service.
pub fn first_packet_cost(mode: Mode, n: usize) -> (f64, u64) {
    let svcs = services(n, 3);
    let mut node = sync(mode, &svcs);
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let (mut sum, mut max) = (0u64, 0u64);
    for i in 0..n {
        let (c, _) = node.connect(i, rng.random_range(1024..65535), SimTime::ZERO);
        sum += c;
        max = max.max(c);
    }
    (sum as f64 / n as f64, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every mode sends each connection to one of its Service's endpoints; iptables and
    /// userspace pay more as Services are added, ipvs the same.
    #[test]
    fn every_mode_reaches_an_endpoint_and_costs_as_its_rules_grow() {
        for mode in [Mode::Iptables, Mode::Ipvs, Mode::Userspace] {
            let svcs = services(50, 3);
            let mut node = sync(mode, &svcs);
            for (i, (_, _, eps)) in svcs.iter().enumerate() {
                let (_, to) = node.connect(i, 2000 + i as u16, SimTime::ZERO);
                assert!(
                    eps.addresses.iter().any(|a| a.ip == to),
                    "{mode:?}: service {i} went to {to}"
                );
            }
        }
        let cost = |m| first_packet_cost(m, 10).0..first_packet_cost(m, 400).0;
        let (ipt, ipvs, us) = (
            cost(Mode::Iptables),
            cost(Mode::Ipvs),
            cost(Mode::Userspace),
        );
        assert!(ipt.end > 10.0 * ipt.start, "{ipt:?}");
        assert_eq!(ipvs.start, ipvs.end);
        assert!(
            us.end > us.start + 10_000.0 && us.start > ipvs.start,
            "{us:?}"
        );
    }
}
