//! kube-proxy's ipvs mode (reference §2.1): one sync makes the node's IPVS table, the
//! addresses on `kube-ipvs0`, the ipsets and the few iptables rules match the Services.
//!
//! - `kube-ipvs0`, a dummy device left DOWN with NOARP, holds every ClusterIP and
//!   ExternalIP as a /32, so they are local addresses of the node (you can ping a ClusterIP
//!   in ipvs mode; in iptables mode nothing answers).
//! - A virtual service per (ClusterIP, port, protocol), per ExternalIP, and per node
//!   address for each NodePort; real servers are the ready endpoints, Masq, weight 1.
//!   A Service without endpoints keeps its virtual service with no real server.
//! - ipsets hold what the iptables rules match, so the number of rules stays the same
//!   whatever the number of Services: KUBE-CLUSTER-IP (hash:ip,port), KUBE-EXTERNAL-IP,
//!   KUBE-NODE-PORT-TCP/UDP (bitmap:port), KUBE-LOOP-BACK (hash:ip,port,ip, for hairpin
//!   masquerade).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use crate::k8s::api::{Endpoints, Meta, Service};
use crate::net::ipvs::{RealServer, Scheduler, VirtualService, VsKey};
use crate::net::netfilter::{IpSet, Proto, SetEntry};

pub const DUMMY: &str = "kube-ipvs0";

/// kube-proxy's ipsets and their types.
const SETS: &[(&str, &str)] = &[
    ("KUBE-CLUSTER-IP", "hash:ip,port"),
    ("KUBE-EXTERNAL-IP", "hash:ip,port"),
    ("KUBE-LOAD-BALANCER", "hash:ip,port"),
    ("KUBE-LOOP-BACK", "hash:ip,port,ip"),
    ("KUBE-NODE-PORT-TCP", "bitmap:port"),
    ("KUBE-NODE-PORT-UDP", "bitmap:port"),
];

/// A virtual service as a sync wants it: its real servers, and its persistence timeout
/// (a ClientIP Service's `sessionAffinityConfig.clientIP.timeoutSeconds`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wanted {
    pub reals: Vec<RealServer>,
    pub persistent: Option<u32>,
}

/// What one sync wants the node to have.
pub struct Desired {
    pub addrs: BTreeSet<Ipv4Addr>,
    pub services: BTreeMap<VsKey, Wanted>,
    pub sets: BTreeMap<String, IpSet>,
    pub rules: String,
}

fn proto(p: &str) -> Proto {
    if p.eq_ignore_ascii_case("udp") {
        Proto::Udp
    } else {
        Proto::Tcp
    }
}

pub fn desired(
    services: &[(&Meta, &Service, Option<&Endpoints>)],
    node_ips: &[Ipv4Addr],
    cluster_cidr: Option<Ipv4Net>,
) -> Desired {
    let mut d = Desired {
        addrs: BTreeSet::new(),
        services: BTreeMap::new(),
        sets: BTreeMap::new(),
        rules: String::new(),
    };
    let mut sets: BTreeMap<String, IpSet> = SETS
        .iter()
        .map(|(name, kind)| {
            let set = IpSet {
                kind: kind.to_string(),
                entries: BTreeSet::new(),
            };
            (name.to_string(), set)
        })
        .collect();
    let mut set = |name: &str, e: SetEntry| {
        if let Some(s) = sets.get_mut(name) {
            s.entries.insert(e);
        }
    };
    for (_, svc, eps) in services {
        let Some(cip) = svc.cluster_ip else { continue };
        for port in &svc.ports {
            let p = proto(port.protocol());
            let target = eps.and_then(|e| {
                e.ports
                    .iter()
                    .find(|ep| ep.name == port.name && ep.protocol == port.protocol())
                    .map(|ep| ep.port)
            });
            let reals: Vec<RealServer> = eps
                .map(|e| {
                    e.addresses
                        .iter()
                        .filter_map(|a| {
                            target.map(|t| RealServer {
                                addr: a.ip,
                                port: t,
                                weight: 1,
                            })
                        })
                        .collect()
                })
                .unwrap_or_default();
            for r in &reals {
                set(
                    "KUBE-LOOP-BACK",
                    (Some(r.addr), Some((p, r.port)), Some(r.addr)),
                );
            }
            // ClientIP affinity: the virtual servers are persistent (reference §2.1).
            let reals = Wanted {
                reals,
                persistent: svc.affinity,
            };
            d.addrs.insert(cip);
            d.services.insert((p, cip, port.port), reals.clone());
            set("KUBE-CLUSTER-IP", (Some(cip), Some((p, port.port)), None));
            for e in &svc.external_ips {
                d.addrs.insert(*e);
                d.services.insert((p, *e, port.port), reals.clone());
                set("KUBE-EXTERNAL-IP", (Some(*e), Some((p, port.port)), None));
            }
            // A load balancer's ingress: on kube-ipvs0, a virtual server, and the
            // KUBE-LOAD-BALANCER set (its traffic masqueraded).
            for lb in &svc.ingress {
                d.addrs.insert(*lb);
                d.services.insert((p, *lb, port.port), reals.clone());
                set(
                    "KUBE-LOAD-BALANCER",
                    (Some(*lb), Some((p, port.port)), None),
                );
            }
            if let Some(np) = port.node_port {
                let np = np as u16;
                for ip in node_ips {
                    d.services.insert((p, *ip, np), reals.clone());
                }
                let name = if p == Proto::Udp {
                    "KUBE-NODE-PORT-UDP"
                } else {
                    "KUBE-NODE-PORT-TCP"
                };
                set(name, (None, Some((p, np)), None));
            }
        }
    }
    let has_lb = sets
        .get("KUBE-LOAD-BALANCER")
        .is_some_and(|s| !s.entries.is_empty());
    d.sets = sets;
    let mut r = format!(
        "*filter\n:KUBE-FORWARD - [0:0]\n{}COMMIT\n",
        super::iptables::KUBE_FORWARD
    );
    r += "*nat\n:KUBE-SERVICES - [0:0]\n:KUBE-POSTROUTING - [0:0]\n:KUBE-NODE-PORT - [0:0]\n:KUBE-MARK-MASQ - [0:0]\n";
    if has_lb {
        r += ":KUBE-LOAD-BALANCER - [0:0]\n";
    }
    r += "-A KUBE-POSTROUTING -m comment --comment \"Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose\" -m set --match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE\n";
    r += "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN\n";
    r += "-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000\n";
    r += "-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully\n";
    r += "-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000\n";
    // The load-balancer set's rules, written (as kube-proxy writes a set's rules) only
    // when the set has entries.
    if has_lb {
        r += "-A KUBE-SERVICES -m comment --comment \"Kubernetes service lb portal\" -m set --match-set KUBE-LOAD-BALANCER dst,dst -j KUBE-LOAD-BALANCER\n";
        r += "-A KUBE-LOAD-BALANCER -j KUBE-MARK-MASQ\n";
    }
    if let Some(cidr) = cluster_cidr {
        let _ = writeln!(
            r,
            "-A KUBE-SERVICES ! -s {cidr} -m comment --comment \"Kubernetes service cluster ip + port for masquerade purpose\" -m set --match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ"
        );
    }
    r += "-A KUBE-SERVICES -m comment --comment \"Kubernetes service external ip + port for masquerade and filter purpose\" -m set --match-set KUBE-EXTERNAL-IP dst,dst -j KUBE-MARK-MASQ\n";
    r += "-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT\n";
    r += "-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT\n";
    r += "-A KUBE-NODE-PORT -p tcp -m comment --comment \"Kubernetes nodeport TCP port for masquerade purpose\" -m set --match-set KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ\n";
    r += "-A KUBE-NODE-PORT -p udp -m comment --comment \"Kubernetes nodeport UDP port for masquerade purpose\" -m set --match-set KUBE-NODE-PORT-UDP dst -j KUBE-MARK-MASQ\n";
    r += "COMMIT\n";
    d.rules = r;
    d
}

/// Brings the node's IPVS table to `want`, keeping a service's scheduler state when its
/// real servers did not change. Returns (added, removed) virtual services.
pub fn apply(
    table: &mut BTreeMap<VsKey, VirtualService>,
    want: &BTreeMap<VsKey, Wanted>,
    scheduler: Scheduler,
) -> (usize, usize) {
    let before = table.len();
    table.retain(|k, _| want.contains_key(k));
    let removed = before - table.len();
    let mut added = 0;
    for (k, w) in want {
        let vs = table.entry(*k).or_insert_with(|| {
            added += 1;
            VirtualService::new(scheduler)
        });
        if vs.reals != w.reals {
            vs.reals = w.reals.clone();
        }
        vs.persistent = w.persistent;
    }
    (added, removed)
}
