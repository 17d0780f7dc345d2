//! kube-proxy's iptables mode: the `iptables-restore` input one sync writes, from the
//! Services and Endpoints it knows (reference §1.1-§1.5, the modern layout).
//!
//! Per service port with endpoints: a `KUBE-SERVICES` rule for the ClusterIP (and one per
//! ExternalIP, to `KUBE-EXT`), a `KUBE-SVC` chain that marks off-cluster sources for
//! masquerade and picks an endpoint with the probability ladder, a `KUBE-SEP` chain per
//! endpoint (hairpin mark, DNAT); NodePorts through `KUBE-NODEPORTS` and `KUBE-EXT` (always
//! masqueraded). Without endpoints: no nat chains, a REJECT in filter `KUBE-SERVICES` (and
//! `KUBE-EXTERNAL-SERVICES` for NodePorts and ExternalIPs). Headless and ExternalName
//! Services get nothing. Rules are written as kube-proxy writes them; `iptables-save`
//! prints them normalised.
//!
//! Not written (said in docs/architecture.md): KUBE-PROXY-FIREWALL, KUBE-FIREWALL and the
//! canary chains, session affinity, Local traffic policies (KUBE-SVL), LoadBalancer IPs.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use super::names::{Era, probability_written, sep_chain, service_port_name, svc_chain};
use crate::k8s::api::{Endpoints, Meta, Service};
use crate::net::netfilter::{Netfilter, TableKind};

/// The jumps kube-proxy puts at the head of the built-in chains (with `iptables -I`), in
/// the order a live node lists them: (table, chain, rule).
const JUMPS: &[(TableKind, &str, &str)] = &[
    (
        TableKind::Filter,
        "INPUT",
        "-m comment --comment \"kubernetes health check service ports\" -j KUBE-NODEPORTS",
    ),
    (
        TableKind::Filter,
        "INPUT",
        "-m conntrack --ctstate NEW -m comment --comment \"kubernetes externally-visible service portals\" -j KUBE-EXTERNAL-SERVICES",
    ),
    (
        TableKind::Filter,
        "FORWARD",
        "-m comment --comment \"kubernetes forwarding rules\" -j KUBE-FORWARD",
    ),
    (
        TableKind::Filter,
        "FORWARD",
        "-m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
    ),
    (
        TableKind::Filter,
        "FORWARD",
        "-m conntrack --ctstate NEW -m comment --comment \"kubernetes externally-visible service portals\" -j KUBE-EXTERNAL-SERVICES",
    ),
    (
        TableKind::Filter,
        "OUTPUT",
        "-m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
    ),
    (
        TableKind::Nat,
        "PREROUTING",
        "-m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
    ),
    (
        TableKind::Nat,
        "OUTPUT",
        "-m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
    ),
    (
        TableKind::Nat,
        "POSTROUTING",
        "-m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING",
    ),
];

/// Puts kube-proxy's jumps at the head of the built-in chains, once, after its chains
/// exist: `iptables -I` puts each first, so they go in in reverse to keep their order.
/// ipvs mode's filter table has only KUBE-FORWARD of these.
pub fn insert_jumps(nf: &mut Netfilter, ipvs: bool) {
    for (table, chain, rule) in JUMPS.iter().rev() {
        if ipvs && *table == TableKind::Filter && !rule.ends_with("-j KUBE-FORWARD") {
            continue;
        }
        nf.insert(*table, chain, rule)
            .expect("kube-proxy's rules parse");
    }
}

/// Deletes the chains a sync no longer writes (`iptables -X`).
pub fn delete_stale(nf: &mut Netfilter, before: &BTreeSet<String>, now: &BTreeSet<String>) {
    for old in before.difference(now) {
        nf.delete_chain(TableKind::Nat, old);
    }
}

/// The filter table's KUBE-FORWARD chain, the same in both modes: drop INVALID, accept
/// what carries the masquerade mark, accept RELATED/ESTABLISHED.
pub const KUBE_FORWARD: &str = "-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP\n-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding rules\" -m mark --mark 0x4000/0x4000 -j ACCEPT\n-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding conntrack rule\" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n";

/// What one sync writes, and the service chains it keeps (the rest are deleted).
pub struct Rules {
    pub text: String,
    pub chains: BTreeSet<String>,
    /// Rules in the nat table (what a packet may walk).
    pub nat_rules: usize,
}

/// The restore input for these Services (with their Endpoints, if any).
pub fn rules(
    services: &[(&Meta, &Service, Option<&Endpoints>)],
    cluster_cidr: Option<Ipv4Net>,
    era: Era,
) -> Rules {
    let mut filter = String::from(
        "*filter\n:KUBE-SERVICES - [0:0]\n:KUBE-EXTERNAL-SERVICES - [0:0]\n:KUBE-FORWARD - [0:0]\n:KUBE-NODEPORTS - [0:0]\n",
    );
    let mut filter_rules = String::new();
    let mut nat_chains = String::from(
        ":KUBE-SERVICES - [0:0]\n:KUBE-NODEPORTS - [0:0]\n:KUBE-POSTROUTING - [0:0]\n:KUBE-MARK-MASQ - [0:0]\n",
    );
    let mut nat = String::new();
    let mut services_rules = String::new();
    let mut nodeports = String::new();
    let mut chains = BTreeSet::new();
    let mut nat_rules = 4;
    nat += "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN\n";
    nat += "-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000\n";
    nat += "-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully\n";
    nat += "-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000\n";
    for (meta, svc, eps) in services {
        let Some(cip) = svc.cluster_ip else { continue };
        for port in &svc.ports {
            let proto = port.protocol().to_lowercase();
            let spn = service_port_name(&meta.namespace, &meta.name, &port.name, era);
            let svc_name = svc_chain(&spn, &proto);
            let ext_name = svc_name.replacen("KUBE-SVC-", "KUBE-EXT-", 1);
            // Ready endpoints for this port, sorted as kube-proxy's endpoints map.
            let mut endpoints: Vec<(Ipv4Addr, u16)> = eps
                .map(|e| {
                    let target = e
                        .ports
                        .iter()
                        .find(|p| p.name == port.name && p.protocol == port.protocol())
                        .map(|p| p.port);
                    e.addresses
                        .iter()
                        .filter_map(|a| target.map(|t| (a.ip, t)))
                        .collect()
                })
                .unwrap_or_default();
            endpoints.sort_by_key(|(ip, p)| format!("{ip}:{p}"));
            let m = format!("-m {proto} -p {proto}");
            if endpoints.is_empty() {
                let _ = writeln!(
                    filter_rules,
                    "-A KUBE-SERVICES -m comment --comment \"{spn} has no endpoints\" {m} -d {cip} --dport {} -j REJECT",
                    port.port
                );
                for e in &svc.external_ips {
                    let _ = writeln!(
                        filter_rules,
                        "-A KUBE-EXTERNAL-SERVICES -m comment --comment \"{spn} has no endpoints\" {m} -d {e} --dport {} -j REJECT",
                        port.port
                    );
                }
                if let Some(np) = port.node_port {
                    let _ = writeln!(
                        filter_rules,
                        "-A KUBE-EXTERNAL-SERVICES -m comment --comment \"{spn} has no endpoints\" -m addrtype --dst-type LOCAL {m} --dport {np} -j REJECT"
                    );
                }
                continue;
            }
            chains.insert(svc_name.clone());
            let _ = writeln!(nat_chains, ":{svc_name} - [0:0]");
            let _ = writeln!(
                services_rules,
                "-A KUBE-SERVICES -m comment --comment \"{spn} cluster IP\" {m} -d {cip} --dport {} -j {svc_name}",
                port.port
            );
            nat_rules += 1;
            if let Some(cidr) = cluster_cidr {
                let _ = writeln!(
                    nat,
                    "-A {svc_name} -m comment --comment \"{spn} cluster IP\" {m} -d {cip} --dport {} ! -s {cidr} -j KUBE-MARK-MASQ",
                    port.port
                );
                nat_rules += 1;
            }
            let external = !svc.external_ips.is_empty() || port.node_port.is_some();
            if external {
                chains.insert(ext_name.clone());
                let _ = writeln!(nat_chains, ":{ext_name} - [0:0]");
                let _ = writeln!(
                    nat,
                    "-A {ext_name} -m comment --comment \"masquerade traffic for {spn} external destinations\" -j KUBE-MARK-MASQ"
                );
                let _ = writeln!(nat, "-A {ext_name} -j {svc_name}");
                nat_rules += 2;
                for e in &svc.external_ips {
                    let _ = writeln!(
                        services_rules,
                        "-A KUBE-SERVICES -m comment --comment \"{spn} external IP\" {m} -d {e} --dport {} -j {ext_name}",
                        port.port
                    );
                    nat_rules += 1;
                }
                if let Some(np) = port.node_port {
                    let _ = writeln!(
                        nodeports,
                        "-A KUBE-NODEPORTS -m comment --comment {spn} {m} --dport {np} -j {ext_name}"
                    );
                    nat_rules += 1;
                }
            }
            let n = endpoints.len();
            for (i, (ip, p)) in endpoints.iter().enumerate() {
                let ep = format!("{ip}:{p}");
                let sep = sep_chain(&spn, &proto, &ep);
                chains.insert(sep.clone());
                let _ = writeln!(nat_chains, ":{sep} - [0:0]");
                let stat = probability_written(i, n, era)
                    .map(|p| format!("-m statistic --mode random --probability {p} "))
                    .unwrap_or_default();
                let _ = writeln!(
                    nat,
                    "-A {svc_name} -m comment --comment \"{spn} -> {ep}\" {stat}-j {sep}"
                );
                let _ = writeln!(
                    nat,
                    "-A {sep} -m comment --comment {spn} -s {ip} -j KUBE-MARK-MASQ"
                );
                let _ = writeln!(
                    nat,
                    "-A {sep} -m comment --comment {spn} {m} -j DNAT --to-destination {ep}"
                );
                nat_rules += 3;
            }
        }
    }
    filter += &filter_rules;
    filter += KUBE_FORWARD;
    filter += "COMMIT\n";
    let mut text = filter;
    text += "*nat\n";
    text += &nat_chains;
    text += &nodeports;
    text += &services_rules;
    text += "-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\n";
    text += &nat;
    text += "COMMIT\n";
    Rules {
        text,
        chains,
        nat_rules: nat_rules + 1,
    }
}
