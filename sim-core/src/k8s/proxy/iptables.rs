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
//! Session affinity (`sessionAffinity: ClientIP`): before the probability ladder, a
//! `KUBE-SVC` (or `KUBE-SVL`) rule per endpoint sends a client its `KUBE-SEP` chain's
//! `recent` list remembers (`--rcheck --seconds TIMEOUT --reap`) back to it, and the
//! `KUBE-SEP` DNAT rule remembers the client (`-m recent --name KUBE-SEP-... --set`).
//!
//! Traffic policies (externalTrafficPolicy, internalTrafficPolicy Local): see [`modern`].
//!
//! Not written (said in docs/architecture.md): KUBE-PROXY-FIREWALL, KUBE-FIREWALL and the
//! canary chains, loadBalancerSourceRanges.
//!
//! In the classic era (`Era::Classic`, Kubernetes 1.5) the layout is kube-proxy 1.5's
//! (`pkg/proxy/iptables/proxier.go` of release-1.5, `syncProxyRules`): see [`classic`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use super::names::{Era, probability_written, sep_chain, service_port_name, svc_chain};
use crate::k8s::api::{DEFAULT_AFFINITY_TIMEOUT, Endpoints, Meta, Service};
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

/// kube-proxy 1.5's jumps (`tableChainsNeedJumpServices` and the postrouting jump): only
/// filter OUTPUT reaches filter KUBE-SERVICES, so its REJECTs stop the node's own
/// connections to a Service without endpoints, not a pod's.
const CLASSIC_JUMPS: &[(TableKind, &str, &str)] = &[
    (
        TableKind::Filter,
        "OUTPUT",
        "-m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
    ),
    (
        TableKind::Nat,
        "OUTPUT",
        "-m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
    ),
    (
        TableKind::Nat,
        "PREROUTING",
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
pub fn insert_jumps(nf: &mut Netfilter, ipvs: bool, era: Era) {
    let jumps = match era {
        Era::Classic => CLASSIC_JUMPS,
        Era::Modern => JUMPS,
    };
    for (table, chain, rule) in jumps.iter().rev() {
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
    /// What the drops these rules make mean, for the trace.
    pub notes: Notes,
}

/// Ready endpoints of one service port, `(ip, port, on this node)`, sorted as
/// kube-proxy's endpoints map is (by `ip:port`). An endpoint is local when its Endpoints
/// address names `node` (a hand-written one that names no node is never local).
fn port_endpoints(
    eps: Option<&Endpoints>,
    port: &crate::k8s::api::ServicePort,
    node: &str,
) -> Vec<(Ipv4Addr, u16, bool)> {
    let mut endpoints: Vec<(Ipv4Addr, u16, bool)> = eps
        .map(|e| {
            let target = e
                .ports
                .iter()
                .find(|p| p.name == port.name && p.protocol == port.protocol())
                .map(|p| p.port);
            e.addresses
                .iter()
                .filter_map(|a| target.map(|t| (a.ip, t, !a.node.is_empty() && a.node == node)))
                .collect()
        })
        .unwrap_or_default();
    endpoints.sort_by_key(|(ip, p, _)| format!("{ip}:{p}"));
    endpoints
}

/// The match a session-affinity Service's DNAT rule carries to remember the client in
/// the endpoint's list (`-m recent --name KUBE-SEP-... --set `), both eras.
fn remember(svc: &Service, sep: &str) -> String {
    if svc.affinity.is_some() {
        format!("-m recent --name {sep} --set ")
    } else {
        String::new()
    }
}

/// What a rule's writer says about it, for the trace: keyed by the rule's chain and
/// comment, the explanation a drop by that rule carries (`Netfilter::notes`).
pub type Notes = BTreeMap<(String, String), String>;

/// The restore input for these Services (with their Endpoints, if any), in the era's
/// layout, as kube-proxy on node `node` writes it (its local endpoints are those that
/// name it).
pub fn rules(
    services: &[(&Meta, &Service, Option<&Endpoints>)],
    cluster_cidr: Option<Ipv4Net>,
    era: Era,
    node: &str,
) -> Rules {
    match era {
        Era::Modern => modern(services, cluster_cidr, node),
        Era::Classic => classic(services, cluster_cidr),
    }
}

/// Today's layout (reference §1.1-§1.5), with the traffic policies as
/// `pkg/proxy/iptables/proxier.go` writes them (CategorizeEndpoints): with
/// internalTrafficPolicy Local the ClusterIP goes to the port's `KUBE-SVL` chain (this
/// node's endpoints only), and with none here the filter table DROPs it (`"... has no local
/// endpoints"`); with externalTrafficPolicy Local the `KUBE-EXT` chain sends pods' and the
/// node's own traffic to `KUBE-SVC` (masquerading the node's) and everything else, unmasqueraded, to
/// `KUBE-SVL`, or, with no local endpoint, nowhere: `KUBE-EXTERNAL-SERVICES` DROPs it. A
/// healthCheckNodePort is ACCEPTed in filter `KUBE-NODEPORTS`.
fn modern(
    services: &[(&Meta, &Service, Option<&Endpoints>)],
    cluster_cidr: Option<Ipv4Net>,
    node: &str,
) -> Rules {
    let era = Era::Modern;
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
    let mut notes = Notes::new();
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
            let svl_name = svc_name.replacen("KUBE-SVC-", "KUBE-SVL-", 1);
            let all = port_endpoints(*eps, port, node);
            let m = format!("-m {proto} -p {proto}");
            let external =
                !svc.external_ips.is_empty() || !svc.ingress.is_empty() || port.node_port.is_some();
            // The policies and the endpoints each uses (CategorizeEndpoints).
            let internal_local = svc.policy.internal_local;
            let external_local = svc.policy.external_local && external;
            let uses_cluster = !internal_local || external;
            let uses_local = internal_local || external_local;
            let local: Vec<(Ipv4Addr, u16, bool)> = if uses_local {
                all.iter().copied().filter(|e| e.2).collect()
            } else {
                Vec::new()
            };
            let has_endpoints = !all.is_empty();
            let has_internal = has_endpoints && (!internal_local || !local.is_empty());
            let has_external = has_endpoints && (!external_local || !local.is_empty());
            let internal_chain = if internal_local { &svl_name } else { &svc_name };
            let external_policy_chain = if external_local { &svl_name } else { &svc_name };
            let (target, comment) = if has_endpoints {
                ("DROP", format!("{spn} has no local endpoints"))
            } else {
                ("REJECT", format!("{spn} has no endpoints"))
            };
            let svc_ref = format!("{}/{}", meta.namespace, meta.name);
            if has_internal {
                let _ = writeln!(
                    services_rules,
                    "-A KUBE-SERVICES -m comment --comment \"{spn} cluster IP\" {m} -d {cip} --dport {} -j {internal_chain}",
                    port.port
                );
                nat_rules += 1;
            } else {
                let _ = writeln!(
                    filter_rules,
                    "-A KUBE-SERVICES -m comment --comment \"{comment}\" {m} -d {cip} --dport {} -j {target}",
                    port.port
                );
                if has_endpoints {
                    notes.insert(
                        ("KUBE-SERVICES".into(), comment.clone()),
                        format!(
                            "Service {svc_ref} has internalTrafficPolicy: Local and no ready endpoint on {node}, so kube-proxy there drops its ClusterIP traffic (it sends it only to endpoints on the node it comes from); run a pod of the Service on {node} (a DaemonSet runs one on every node), or use internalTrafficPolicy: Cluster"
                        ),
                    );
                }
            }
            if !has_external && has_endpoints {
                notes.insert(
                    ("KUBE-EXTERNAL-SERVICES".into(), comment.clone()),
                    format!(
                        "Service {svc_ref} has externalTrafficPolicy: Local and no ready endpoint on {node}, so kube-proxy there drops traffic from outside the cluster to its NodePort, external IPs and load balancer IPs (it sends it only to endpoints on the node it reached, to keep the client's address); send it to a node that runs one of the Service's pods (a load balancer asks each node's healthCheckNodePort), or use externalTrafficPolicy: Cluster"
                    ),
                );
            }
            // External IPs, then the load balancer's ingress addresses, the external way
            // (KUBE-FW only with loadBalancerSourceRanges, which is not simulated).
            let outside = (svc.external_ips.iter().map(|e| (e, "external IP")))
                .chain(svc.ingress.iter().map(|e| (e, "loadbalancer IP")));
            for (e, what) in outside {
                if has_endpoints {
                    let _ = writeln!(
                        services_rules,
                        "-A KUBE-SERVICES -m comment --comment \"{spn} {what}\" {m} -d {e} --dport {} -j {ext_name}",
                        port.port
                    );
                    nat_rules += 1;
                }
                if !has_external {
                    let _ = writeln!(
                        filter_rules,
                        "-A KUBE-EXTERNAL-SERVICES -m comment --comment \"{comment}\" {m} -d {e} --dport {} -j {target}",
                        port.port
                    );
                }
            }
            if let Some(np) = port.node_port {
                if has_endpoints {
                    let _ = writeln!(
                        nodeports,
                        "-A KUBE-NODEPORTS -m comment --comment {spn} {m} --dport {np} -j {ext_name}"
                    );
                    nat_rules += 1;
                }
                if !has_external {
                    let _ = writeln!(
                        filter_rules,
                        "-A KUBE-EXTERNAL-SERVICES -m comment --comment \"{comment}\" -m addrtype --dst-type LOCAL {m} --dport {np} -j {target}"
                    );
                }
            }
            if let Some(hc) = svc.policy.health_check_node_port {
                let _ = writeln!(
                    filter_rules,
                    "-A KUBE-NODEPORTS -m comment --comment \"{spn} health check node port\" -m tcp -p tcp --dport {hc} -j ACCEPT"
                );
            }
            if !has_endpoints {
                continue;
            }
            let cluster: &[(Ipv4Addr, u16, bool)] = if uses_cluster { &all } else { &[] };
            for (name, eps) in [(&svc_name, cluster), (&svl_name, &local[..])] {
                if !eps.is_empty() {
                    chains.insert(name.clone());
                    let _ = writeln!(nat_chains, ":{name} - [0:0]");
                }
            }
            if has_internal && let Some(cidr) = cluster_cidr {
                let _ = writeln!(
                    nat,
                    "-A {internal_chain} -m comment --comment \"{spn} cluster IP\" {m} -d {cip} --dport {} ! -s {cidr} -j KUBE-MARK-MASQ",
                    port.port
                );
                nat_rules += 1;
            }
            if external {
                chains.insert(ext_name.clone());
                let _ = writeln!(nat_chains, ":{ext_name} - [0:0]");
                if !external_local {
                    let _ = writeln!(
                        nat,
                        "-A {ext_name} -m comment --comment \"masquerade traffic for {spn} external destinations\" -j KUBE-MARK-MASQ"
                    );
                    nat_rules += 1;
                } else {
                    // Pods' traffic to an external address gets Cluster semantics (as if
                    // it went out to a load balancer and came back); the node's own is
                    // masqueraded (its source would be the local address it went to).
                    if let Some(cidr) = cluster_cidr {
                        let _ = writeln!(
                            nat,
                            "-A {ext_name} -m comment --comment \"pod traffic for {spn} external destinations\" -s {cidr} -j {svc_name}"
                        );
                        nat_rules += 1;
                    }
                    let _ = writeln!(
                        nat,
                        "-A {ext_name} -m comment --comment \"masquerade LOCAL traffic for {spn} external destinations\" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ"
                    );
                    let _ = writeln!(
                        nat,
                        "-A {ext_name} -m comment --comment \"route LOCAL traffic for {spn} external destinations\" -m addrtype --src-type LOCAL -j {svc_name}"
                    );
                    nat_rules += 2;
                }
                if has_external {
                    let _ = writeln!(nat, "-A {ext_name} -j {external_policy_chain}");
                    nat_rules += 1;
                }
            }
            // The policy chains' jumps, each endpoint's KUBE-SEP chain written once (with
            // the first chain that reaches it).
            let mut written = BTreeSet::new();
            for (chain, eps) in [(&svc_name, cluster), (&svl_name, &local[..])] {
                let n = eps.len();
                // Session affinity first: a client an endpoint's list remembers goes back
                // to it (writeServiceToEndpointRules, for each policy chain).
                if let Some(timeout) = svc.affinity {
                    for (ip, p, _) in eps {
                        let ep = format!("{ip}:{p}");
                        let sep = sep_chain(&spn, &proto, &ep);
                        let _ = writeln!(
                            nat,
                            "-A {chain} -m comment --comment \"{spn} -> {ep}\" -m recent --name {sep} --rcheck --seconds {timeout} --reap -j {sep}"
                        );
                        nat_rules += 1;
                    }
                }
                for (i, (ip, p, _)) in eps.iter().enumerate() {
                    let ep = format!("{ip}:{p}");
                    let sep = sep_chain(&spn, &proto, &ep);
                    let stat = probability_written(i, n, era)
                        .map(|p| format!("-m statistic --mode random --probability {p} "))
                        .unwrap_or_default();
                    let _ = writeln!(
                        nat,
                        "-A {chain} -m comment --comment \"{spn} -> {ep}\" {stat}-j {sep}"
                    );
                    nat_rules += 1;
                    if !written.insert(sep.clone()) {
                        continue;
                    }
                    chains.insert(sep.clone());
                    let _ = writeln!(nat_chains, ":{sep} - [0:0]");
                    let _ = writeln!(
                        nat,
                        "-A {sep} -m comment --comment {spn} -s {ip} -j KUBE-MARK-MASQ"
                    );
                    let _ = writeln!(
                        nat,
                        "-A {sep} -m comment --comment {spn} {}{m} -j DNAT --to-destination {ep}",
                        remember(svc, &sep)
                    );
                    nat_rules += 2;
                }
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
        notes,
    }
}

/// kube-proxy 1.5's layout (release-1.5 `syncProxyRules`, in its order of writes):
///
/// - filter: only `KUBE-SERVICES`, with a REJECT per service port without endpoints
///   (reached from OUTPUT alone: [`CLASSIC_JUMPS`]).
/// - nat: `KUBE-POSTROUTING` masquerades what carries mark 0x4000 (one rule, no RETURN or
///   `--xor-mark`, no `--random-fully`); `KUBE-MARK-MASQ` sets it with `--set-xmark`.
/// - Per service port, whether it has endpoints or not: `KUBE-SERVICES` captures the
///   ClusterIP (`-d IP/32`, comment `"ns/name:port cluster IP"`), first to KUBE-MARK-MASQ
///   for sources outside `--cluster-cidr`, then to its `KUBE-SVC` chain, which stays empty
///   without endpoints (so a pod's packet to such a Service leaves un-NATed, while the
///   node's own gets the REJECT). NodePorts: two `KUBE-NODEPORTS` rules, KUBE-MARK-MASQ then
///   KUBE-SVC (no KUBE-EXT chain). ExternalIPs: KUBE-MARK-MASQ, then KUBE-SVC for sources
///   that are not local and for local destinations (1.5 also required `-m physdev !
///   --physdev-is-in`, which the simulator's netfilter does not have: a pod's packet to an
///   ExternalIP is captured too).
/// - The service port name keeps the trailing `:` of an unnamed port (`default/frontend:`,
///   which is also what is hashed) and comments are unquoted where kube-proxy wrote no
///   quotes; probabilities are written with `%0.5f`; the hairpin rule comes before DNAT in
///   each `KUBE-SEP` chain.
/// - Last, the tail call to `KUBE-NODEPORTS` for local destinations.
pub fn classic(
    services: &[(&Meta, &Service, Option<&Endpoints>)],
    cluster_cidr: Option<Ipv4Net>,
) -> Rules {
    let era = Era::Classic;
    let mut filter = String::from("*filter\n:KUBE-SERVICES - [0:0]\n");
    let mut nat_chains = String::from(
        "*nat\n:KUBE-SERVICES - [0:0]\n:KUBE-NODEPORTS - [0:0]\n:KUBE-POSTROUTING - [0:0]\n:KUBE-MARK-MASQ - [0:0]\n",
    );
    // masqueradeMark is `%#08x/%#08x` of 1<<14 in Go: 0x00004000/0x00004000.
    let mut nat = String::from(
        "-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -m mark --mark 0x00004000/0x00004000 -j MASQUERADE\n-A KUBE-MARK-MASQ -j MARK --set-xmark 0x00004000/0x00004000\n",
    );
    let mut chains = BTreeSet::new();
    let mut nat_rules = 2;
    for (meta, svc, eps) in services {
        let Some(cip) = svc.cluster_ip else { continue };
        for port in &svc.ports {
            let proto = port.protocol().to_lowercase();
            let spn = service_port_name(&meta.namespace, &meta.name, &port.name, era);
            let svc_name = svc_chain(&spn, &proto);
            chains.insert(svc_name.clone());
            let _ = writeln!(nat_chains, ":{svc_name} - [0:0]");
            let m = format!("-m {proto} -p {proto}");
            let capture = format!(
                "-A KUBE-SERVICES -m comment --comment \"{spn} cluster IP\" {m} -d {cip}/32 --dport {}",
                port.port
            );
            if let Some(cidr) = cluster_cidr {
                let _ = writeln!(nat, "{capture} ! -s {cidr} -j KUBE-MARK-MASQ");
                nat_rules += 1;
            }
            let _ = writeln!(nat, "{capture} -j {svc_name}");
            nat_rules += 1;
            for e in &svc.external_ips {
                let capture = format!(
                    "-A KUBE-SERVICES -m comment --comment \"{spn} external IP\" {m} -d {e}/32 --dport {}",
                    port.port
                );
                let _ = writeln!(nat, "{capture} -j KUBE-MARK-MASQ");
                let _ = writeln!(
                    nat,
                    "{capture} -m addrtype ! --src-type LOCAL -j {svc_name}"
                );
                let _ = writeln!(nat, "{capture} -m addrtype --dst-type LOCAL -j {svc_name}");
                nat_rules += 3;
            }
            // A load balancer's ingress: KUBE-SERVICES jumps to the port's KUBE-FW chain,
            // which masquerades and goes on to KUBE-SVC. (1.5 ended the chain with a jump
            // to kubelet's KUBE-MARK-DROP for what loadBalancerSourceRanges did not let
            // through; without source ranges nothing reaches it, and it is left out.)
            if !svc.ingress.is_empty() {
                let fw = svc_name.replacen("KUBE-SVC-", "KUBE-FW-", 1);
                chains.insert(fw.clone());
                let _ = writeln!(nat_chains, ":{fw} - [0:0]");
                for lb in &svc.ingress {
                    let _ = writeln!(
                        nat,
                        "-A KUBE-SERVICES -m comment --comment \"{spn} loadbalancer IP\" {m} -d {lb}/32 --dport {} -j {fw}",
                        port.port
                    );
                    let _ = writeln!(
                        nat,
                        "-A {fw} -m comment --comment \"{spn} loadbalancer IP\" -j KUBE-MARK-MASQ"
                    );
                    let _ = writeln!(
                        nat,
                        "-A {fw} -m comment --comment \"{spn} loadbalancer IP\" -j {svc_name}"
                    );
                    nat_rules += 3;
                }
            }
            if let Some(np) = port.node_port {
                let capture =
                    format!("-A KUBE-NODEPORTS -m comment --comment {spn} {m} --dport {np}");
                let _ = writeln!(nat, "{capture} -j KUBE-MARK-MASQ");
                let _ = writeln!(nat, "{capture} -j {svc_name}");
                nat_rules += 2;
            }
            let endpoints = port_endpoints(*eps, port, "");
            if endpoints.is_empty() {
                let _ = writeln!(
                    filter,
                    "-A KUBE-SERVICES -m comment --comment \"{spn} has no endpoints\" {m} -d {cip}/32 --dport {} -j REJECT",
                    port.port
                );
                continue;
            }
            let n = endpoints.len();
            // Session affinity: 1.5's kube-proxy held a client for its fixed
            // `stickyMaxAgeMinutes` (180), written in seconds; the Service had no timeout.
            if svc.affinity.is_some() {
                for (ip, p, _) in &endpoints {
                    let sep = sep_chain(&spn, &proto, &format!("{ip}:{p}"));
                    let _ = writeln!(
                        nat,
                        "-A {svc_name} -m comment --comment {spn} -m recent --name {sep} --rcheck --seconds {DEFAULT_AFFINITY_TIMEOUT} --reap -j {sep}"
                    );
                    nat_rules += 1;
                }
            }
            for (i, (ip, p, _)) in endpoints.iter().enumerate() {
                let ep = format!("{ip}:{p}");
                let sep = sep_chain(&spn, &proto, &ep);
                chains.insert(sep.clone());
                let _ = writeln!(nat_chains, ":{sep} - [0:0]");
                let stat = probability_written(i, n, era)
                    .map(|p| format!("-m statistic --mode random --probability {p} "))
                    .unwrap_or_default();
                let _ = writeln!(
                    nat,
                    "-A {svc_name} -m comment --comment {spn} {stat}-j {sep}"
                );
                let _ = writeln!(
                    nat,
                    "-A {sep} -m comment --comment {spn} -s {ip}/32 -j KUBE-MARK-MASQ"
                );
                let _ = writeln!(
                    nat,
                    "-A {sep} -m comment --comment {spn} {}{m} -j DNAT --to-destination {ep}",
                    remember(svc, &sep)
                );
                nat_rules += 3;
            }
        }
    }
    filter += "COMMIT\n";
    let mut text = filter;
    text += &nat_chains;
    text += &nat;
    text += "-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\n";
    text += "COMMIT\n";
    Rules {
        text,
        chains,
        nat_rules: nat_rules + 1,
        notes: Notes::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::k8s::api::{Address, EndpointPort, ServicePort};

    fn svc(name: &str, ip: &str, node_port: Option<u32>) -> (Meta, Service) {
        let meta = Meta {
            name: name.into(),
            namespace: "default".into(),
            ..Default::default()
        };
        let port = ServicePort {
            name: String::new(),
            protocol: None,
            port: 80,
            target_port: None,
            target_name: None,
            node_port,
        };
        let s = Service {
            type_: if node_port.is_some() {
                "NodePort"
            } else {
                "ClusterIP"
            }
            .into(),
            cluster_ip: Some(ip.parse().unwrap()),
            ports: vec![port],
            selector: Default::default(),
            external_ips: Vec::new(),
            external_name: None,
            ingress: Vec::new(),
            publish_not_ready: false,
            affinity: None,
            policy: Default::default(),
        };
        (meta, s)
    }

    /// kube-proxy 1.5's restore input for seed 004's frontend (a NodePort, unnamed port,
    /// two endpoints) and a Service without endpoints: 1.5's chain names (`default/frontend:`
    /// with its trailing colon), `/32` addresses, two KUBE-NODEPORTS rules, `%0.5f`, the
    /// capture rule and an empty KUBE-SVC chain for the endpoint-less Service with its
    /// REJECT in filter; and, restored, what `iptables-save` shows on a 1.5 node (reached
    /// from filter OUTPUT only).
    #[test]
    fn classic_rules_are_kube_proxy_1_5s() {
        let (fm, fs) = svc("frontend", "10.254.136.133", Some(30001));
        let (rm, rs) = svc("redis-slave", "10.254.135.38", None);
        let eps = Endpoints {
            addresses: ["10.1.93.4", "10.1.45.4"]
                .iter()
                .map(|ip| Address {
                    ip: ip.parse().unwrap(),
                    node: String::new(),
                    pod: String::new(),
                    hostname: String::new(),
                })
                .collect(),
            not_ready: Vec::new(),
            ports: vec![EndpointPort {
                name: String::new(),
                port: 80,
                protocol: "TCP".into(),
            }],
        };
        let services = [(&fm, &fs, Some(&eps)), (&rm, &rs, None)];
        let svc_frontend = svc_chain("default/frontend:", "tcp");
        let svc_slave = svc_chain("default/redis-slave:", "tcp");
        let sep_a = sep_chain("default/frontend:", "tcp", "10.1.45.4:80");
        let sep_b = sep_chain("default/frontend:", "tcp", "10.1.93.4:80");
        let r = rules(&services, None, Era::Classic, "");
        assert_eq!(
            r.text,
            format!(
                "*filter\n:KUBE-SERVICES - [0:0]\n\
                 -A KUBE-SERVICES -m comment --comment \"default/redis-slave: has no endpoints\" -m tcp -p tcp -d 10.254.135.38/32 --dport 80 -j REJECT\n\
                 COMMIT\n\
                 *nat\n:KUBE-SERVICES - [0:0]\n:KUBE-NODEPORTS - [0:0]\n:KUBE-POSTROUTING - [0:0]\n:KUBE-MARK-MASQ - [0:0]\n\
                 :{svc_frontend} - [0:0]\n:{sep_a} - [0:0]\n:{sep_b} - [0:0]\n:{svc_slave} - [0:0]\n\
                 -A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -m mark --mark 0x00004000/0x00004000 -j MASQUERADE\n\
                 -A KUBE-MARK-MASQ -j MARK --set-xmark 0x00004000/0x00004000\n\
                 -A KUBE-SERVICES -m comment --comment \"default/frontend: cluster IP\" -m tcp -p tcp -d 10.254.136.133/32 --dport 80 -j {svc_frontend}\n\
                 -A KUBE-NODEPORTS -m comment --comment default/frontend: -m tcp -p tcp --dport 30001 -j KUBE-MARK-MASQ\n\
                 -A KUBE-NODEPORTS -m comment --comment default/frontend: -m tcp -p tcp --dport 30001 -j {svc_frontend}\n\
                 -A {svc_frontend} -m comment --comment default/frontend: -m statistic --mode random --probability 0.50000 -j {sep_a}\n\
                 -A {sep_a} -m comment --comment default/frontend: -s 10.1.45.4/32 -j KUBE-MARK-MASQ\n\
                 -A {sep_a} -m comment --comment default/frontend: -m tcp -p tcp -j DNAT --to-destination 10.1.45.4:80\n\
                 -A {svc_frontend} -m comment --comment default/frontend: -j {sep_b}\n\
                 -A {sep_b} -m comment --comment default/frontend: -s 10.1.93.4/32 -j KUBE-MARK-MASQ\n\
                 -A {sep_b} -m comment --comment default/frontend: -m tcp -p tcp -j DNAT --to-destination 10.1.93.4:80\n\
                 -A KUBE-SERVICES -m comment --comment \"default/redis-slave: cluster IP\" -m tcp -p tcp -d 10.254.135.38/32 --dport 80 -j {svc_slave}\n\
                 -A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\n\
                 COMMIT\n"
            )
        );
        // The reference's old-style hash of an unnamed port (§1.4).
        assert_eq!(
            svc_chain("default/redis-master:", "tcp"),
            "KUBE-SVC-7GF4BJM3Z6CMNVML"
        );
        let mut nf = Netfilter::default();
        nf.restore(&r.text).unwrap();
        insert_jumps(&mut nf, false, Era::Classic);
        let filter = nf.table(TableKind::Filter).save();
        assert!(
            filter.contains(
                "-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n"
            ),
            "{filter}"
        );
        assert!(!filter.contains("-A FORWARD"), "{filter}");
        let nat = nf.table(TableKind::Nat).save();
        assert!(
            nat.contains("-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000\n"),
            "{nat}"
        );
        assert!(
            nat.contains(&format!(
                "-A {svc_frontend} -m comment --comment default/frontend: -m statistic --mode random --probability 0.50000000000 -j {sep_a}\n"
            )),
            "{nat}"
        );
    }

    /// proxier_test.go's TestOnlyLocalExternalIPs-with-health-check layout (a NodePort with
    /// an external IP, a load balancer IP, a healthCheckNodePort and externalTrafficPolicy
    /// Local; one endpoint on this node, one elsewhere): every rule that names the Service
    /// is kube-proxy's; then the same Service seen from a node with no endpoint of its own
    /// (KUBE-EXT without the jump to KUBE-SVL, and DROPs in KUBE-EXTERNAL-SERVICES), and
    /// internalTrafficPolicy Local (the ClusterIP to KUBE-SVL, or a DROP).
    #[test]
    fn local_traffic_policies_are_kube_proxys_layout() {
        let meta = Meta {
            name: "svc1".into(),
            namespace: "ns1".into(),
            ..Default::default()
        };
        let mut s = svc("svc1", "172.30.0.41", Some(3001)).1;
        s.type_ = "LoadBalancer".into();
        s.ports[0].name = "p80".into();
        s.external_ips = vec!["192.168.99.11".parse().unwrap()];
        s.ingress = vec!["1.2.3.4".parse().unwrap()];
        s.policy = crate::k8s::api::TrafficPolicy {
            external_local: true,
            internal_local: false,
            health_check_node_port: Some(30000),
        };
        let addr = |ip: &str, node: &str| Address {
            ip: ip.parse().unwrap(),
            node: node.into(),
            pod: String::new(),
            hostname: String::new(),
        };
        let eps = Endpoints {
            addresses: vec![addr("10.180.0.1", ""), addr("10.180.2.1", "test-node")],
            not_ready: Vec::new(),
            ports: vec![EndpointPort {
                name: "p80".into(),
                port: 80,
                protocol: "TCP".into(),
            }],
        };
        let cidr = Some("10.0.0.0/8".parse().unwrap());
        let mine = |text: &str| {
            let mut v: Vec<String> = text
                .lines()
                .filter(|l| {
                    l.contains("ns1/svc1")
                        || l.contains("XPGD46QRK7WJZT7O")
                        || l.contains("KUBE-SEP-")
                })
                .map(String::from)
                .collect();
            v.sort();
            v
        };
        let want = |text: &str| {
            let mut v: Vec<String> = text.lines().map(|l| l.trim().to_string()).collect();
            v.sort();
            v
        };
        let r = rules(&[(&meta, &s, Some(&eps))], cidr, Era::Modern, "test-node");
        assert_eq!(
            mine(&r.text),
            want(
                r#"-A KUBE-NODEPORTS -m comment --comment "ns1/svc1:p80 health check node port" -m tcp -p tcp --dport 30000 -j ACCEPT
                :KUBE-EXT-XPGD46QRK7WJZT7O - [0:0]
                :KUBE-SEP-SXIVWICOYRO3J4NJ - [0:0]
                :KUBE-SEP-ZX7GRIZKSNUQ3LAJ - [0:0]
                :KUBE-SVC-XPGD46QRK7WJZT7O - [0:0]
                :KUBE-SVL-XPGD46QRK7WJZT7O - [0:0]
                -A KUBE-NODEPORTS -m comment --comment ns1/svc1:p80 -m tcp -p tcp --dport 3001 -j KUBE-EXT-XPGD46QRK7WJZT7O
                -A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O
                -A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 external IP" -m tcp -p tcp -d 192.168.99.11 --dport 80 -j KUBE-EXT-XPGD46QRK7WJZT7O
                -A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 loadbalancer IP" -m tcp -p tcp -d 1.2.3.4 --dport 80 -j KUBE-EXT-XPGD46QRK7WJZT7O
                -A KUBE-EXT-XPGD46QRK7WJZT7O -m comment --comment "pod traffic for ns1/svc1:p80 external destinations" -s 10.0.0.0/8 -j KUBE-SVC-XPGD46QRK7WJZT7O
                -A KUBE-EXT-XPGD46QRK7WJZT7O -m comment --comment "masquerade LOCAL traffic for ns1/svc1:p80 external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ
                -A KUBE-EXT-XPGD46QRK7WJZT7O -m comment --comment "route LOCAL traffic for ns1/svc1:p80 external destinations" -m addrtype --src-type LOCAL -j KUBE-SVC-XPGD46QRK7WJZT7O
                -A KUBE-EXT-XPGD46QRK7WJZT7O -j KUBE-SVL-XPGD46QRK7WJZT7O
                -A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -s 10.180.0.1 -j KUBE-MARK-MASQ
                -A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80
                -A KUBE-SEP-ZX7GRIZKSNUQ3LAJ -m comment --comment ns1/svc1:p80 -s 10.180.2.1 -j KUBE-MARK-MASQ
                -A KUBE-SEP-ZX7GRIZKSNUQ3LAJ -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.2.1:80
                -A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
                -A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-SXIVWICOYRO3J4NJ
                -A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.2.1:80" -j KUBE-SEP-ZX7GRIZKSNUQ3LAJ
                -A KUBE-SVL-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.2.1:80" -j KUBE-SEP-ZX7GRIZKSNUQ3LAJ"#
            )
        );
        assert!(r.notes.is_empty(), "{:?}", r.notes);
        // On another node: no local endpoint. The EXT chain keeps its short cuts for pods
        // and the node itself; the rest is dropped in filter, with a note for the trace.
        let r = rules(&[(&meta, &s, Some(&eps))], cidr, Era::Modern, "other-node");
        let text = mine(&r.text);
        for line in [
            "-A KUBE-EXTERNAL-SERVICES -m comment --comment \"ns1/svc1:p80 has no local endpoints\" -m tcp -p tcp -d 192.168.99.11 --dport 80 -j DROP",
            "-A KUBE-EXTERNAL-SERVICES -m comment --comment \"ns1/svc1:p80 has no local endpoints\" -m tcp -p tcp -d 1.2.3.4 --dport 80 -j DROP",
            "-A KUBE-EXTERNAL-SERVICES -m comment --comment \"ns1/svc1:p80 has no local endpoints\" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 3001 -j DROP",
            "-A KUBE-NODEPORTS -m comment --comment ns1/svc1:p80 -m tcp -p tcp --dport 3001 -j KUBE-EXT-XPGD46QRK7WJZT7O",
            "-A KUBE-EXT-XPGD46QRK7WJZT7O -m comment --comment \"route LOCAL traffic for ns1/svc1:p80 external destinations\" -m addrtype --src-type LOCAL -j KUBE-SVC-XPGD46QRK7WJZT7O",
        ] {
            assert!(
                text.contains(&line.to_string()),
                "{line}\n{}",
                text.join("\n")
            );
        }
        assert!(
            !text.iter().any(|l| l.contains("KUBE-SVL")),
            "{}",
            text.join("\n")
        );
        let note = &r.notes[&(
            "KUBE-EXTERNAL-SERVICES".to_string(),
            "ns1/svc1:p80 has no local endpoints".to_string(),
        )];
        assert!(
            note.starts_with("Service ns1/svc1 has externalTrafficPolicy: Local and no ready endpoint on other-node"),
            "{note}"
        );
        // internalTrafficPolicy Local on a ClusterIP Service: the ClusterIP to KUBE-SVL
        // (with the masquerade rule), no KUBE-SVC; from a node without one, a DROP.
        let mut c = svc("svc1", "172.30.0.41", None).1;
        c.ports[0].name = "p80".into();
        c.policy.internal_local = true;
        let r = rules(&[(&meta, &c, Some(&eps))], cidr, Era::Modern, "test-node");
        assert_eq!(
            mine(&r.text),
            want(
                r#":KUBE-SEP-ZX7GRIZKSNUQ3LAJ - [0:0]
                :KUBE-SVL-XPGD46QRK7WJZT7O - [0:0]
                -A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-SVL-XPGD46QRK7WJZT7O
                -A KUBE-SVL-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
                -A KUBE-SVL-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.2.1:80" -j KUBE-SEP-ZX7GRIZKSNUQ3LAJ
                -A KUBE-SEP-ZX7GRIZKSNUQ3LAJ -m comment --comment ns1/svc1:p80 -s 10.180.2.1 -j KUBE-MARK-MASQ
                -A KUBE-SEP-ZX7GRIZKSNUQ3LAJ -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.2.1:80"#
            )
        );
        let r = rules(&[(&meta, &c, Some(&eps))], cidr, Era::Modern, "other-node");
        assert_eq!(
            mine(&r.text),
            [
                "-A KUBE-SERVICES -m comment --comment \"ns1/svc1:p80 has no local endpoints\" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j DROP"
            ]
        );
        assert!(
            r.notes[&(
                "KUBE-SERVICES".to_string(),
                "ns1/svc1:p80 has no local endpoints".to_string(),
            )]
                .contains("internalTrafficPolicy: Local")
        );
        // Restored, the netfilter finds the note by the rule iptables-save prints.
        let mut nf = Netfilter::default();
        nf.restore(&r.text).unwrap();
        nf.notes = r.notes;
        let saved = nf.table(TableKind::Filter).save();
        let rule = saved
            .lines()
            .find(|l| l.contains("has no local endpoints"))
            .unwrap();
        assert!(nf.note(&format!("-t filter {rule}")).is_some(), "{rule}");
    }
}
