//! Services at scale, one node's view: N Services with E endpoints each, the rules
//! kube-proxy writes for them (iptables or ipvs mode, with its own generators), and new
//! connections pushed through the node's netfilter (and IPVS) as their first packets are:
//! nat PREROUTING, the DNAT (a KUBE-SEP chain, or an IPVS real server), conntrack's entry,
//! filter FORWARD.
//!
//! Each connection's simulated cost is what the model charges its first packet: the rules
//! a linear walk visits times `RULE_COST_NS`, plus `IPVS_COST_NS` in ipvs mode. The wall
//! time is the simulator's own cost for the same work (measured here, in the harness).

use std::net::Ipv4Addr;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sim_core::engine::SimTime;
use sim_core::engine::rng::{Stream, stream};
use sim_core::k8s::api::{Address, EndpointPort, Endpoints, Meta, Service, ServicePort};
use sim_core::k8s::proxy::names::Era;
use sim_core::k8s::proxy::{iptables, ipvs};
use sim_core::net::ipvs::{IPVS_COST_NS, Ipvs, Scheduler};
use sim_core::net::netfilter::{
    CtState, Netfilter, Proto, RULE_COST_NS, TableKind, Tuple, Verdict, View,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Iptables,
    Ipvs,
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
                    node_port: None,
                }],
                selector: [("app".to_string(), format!("a{i}"))].into(),
                external_ips: Vec::new(),
                external_name: None,
            };
            let addresses = (0..endpoints)
                .map(|e| {
                    let k = (i * endpoints + e) as u32;
                    Address {
                        ip: Ipv4Addr::from(u32::from(Ipv4Addr::new(10, 244, 0, 2)) + k),
                        node: String::new(),
                        pod: String::new(),
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

/// One node's netfilter and IPVS state after a kube-proxy sync.
pub struct Node {
    pub mode: Mode,
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
            let r = iptables::rules(&view, cidr, Era::Modern);
            nf.restore(&r.text).expect("kube-proxy's rules parse")
        }
        Mode::Ipvs => {
            let want = ipvs::desired(&view, &[Ipv4Addr::new(10, 181, 13, 57)], cidr);
            ipvs::apply(&mut table.services, &want.services, Scheduler::Rr);
            nf.ipsets = want.sets;
            nf.restore(&want.rules).expect("kube-proxy's rules parse")
        }
    };
    iptables::insert_jumps(&mut nf, mode == Mode::Ipvs);
    Node {
        mode,
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
        let mut v = View {
            src,
            dst: cip,
            proto: Some(Proto::Tcp),
            sport,
            dport: 80,
            in_if: Some("docker0".into()),
            out_if: None,
            mark: 0,
            state: CtState::New,
            src_local: false,
            dst_local: self.mode == Mode::Ipvs,
        };
        let t = Tuple {
            proto: Proto::Tcp,
            src,
            sport,
            dst: cip,
            dport: 80,
        };
        let id = self.nf.ct.create(t, now);
        let d = self
            .nf
            .walk(TableKind::Nat, "PREROUTING", &mut v, &mut self.rng, 60);
        let mut cost = u64::from(d.walked) * RULE_COST_NS;
        let to = match d.verdict {
            Verdict::Dnat { addr, port } => (addr, port.unwrap_or(80)),
            _ => {
                let vs = self
                    .ipvs
                    .services
                    .get_mut(&(Proto::Tcp, cip, 80))
                    .expect("a virtual service");
                cost += IPVS_COST_NS;
                let r = vs.schedule(src, cip).expect("a real server");
                (r.addr, r.port)
            }
        };
        self.nf.ct.set_dst_nat(id, Some(to));
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
