//! Cluster DNS at scale: a kubeadm cluster (CoreDNS's two pods behind kube-dns, kube-proxy
//! in iptables mode, flannel vxlan) with N nodes and P pods each, S Services, then every
//! pod resolving one Service's short name, measured in simulated DNS queries per second
//! of wall time, with CoreDNS's `cache 30` on and off.
//!
//! The run has two phases, timed apart:
//! 1. setup: the scenario is built and run to 10 s of simulated time: flannel leases,
//!    kube-proxy's rules for the S Services, CoreDNS's pods and their watch, every pod's
//!    sandbox and `/etc/resolv.conf` (ClusterFirst, ndots:5);
//! 2. traffic: every pod runs `nslookup svc-K` (K drawn from a seeded stream), in glibc's
//!    order: A and AAAA for `svc-K.default.svc.cluster.local` to 10.96.0.10, DNATed by the
//!    node's rules to one of the CoreDNS pods, which answers (the A its ClusterIP, the AAAA
//!    NODATA). The lookups start together, in `waves` bursts 100 ms apart. Runs to 15 s.
//!
//! The trace goes to a counting sink. "Queries" are the DNS queries pods originate;
//! "answers" the DNS responses delivered back to them.

use std::cell::Cell;
use std::rc::Rc;

use rand::{RngExt, SeedableRng};
use sim_core::engine::{Dur, Limits, Record, Sim, SimTime, Sink};
use sim_core::net::{Net, NsId};
use sim_core::scenario::Scenario;
use sim_core::trace::{Consumer, TraceEvent};

/// What a run counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// DNS queries sent by client pods.
    pub queries: u64,
    /// CoreDNS's own queries to the upstream server (its forward plugin).
    pub upstream: u64,
    /// DNS answers delivered to a pod's process.
    pub answers: u64,
    /// Packets dropped (each with its reason in the trace).
    pub drops: u64,
    /// Every trace event.
    pub records: u64,
}

#[derive(Clone, Default)]
struct Counter(Rc<Cell<Counts>>);

impl Sink<TraceEvent> for Counter {
    fn record(&mut self, record: Record<TraceEvent>, names: &[String]) {
        let mut c = self.0.get();
        c.records += 1;
        let actor = names.get(record.actor.0 as usize).map(String::as_str);
        let from_client = actor.is_some_and(|a| a.starts_with("pod/client-"));
        let from_coredns = actor.is_some_and(|a| a.starts_with("pod/coredns-"));
        match &record.event {
            TraceEvent::Sent { packet, .. }
                if from_client && packet.dns().is_some_and(|(_, _, m)| !m.response) =>
            {
                c.queries += 1;
            }
            TraceEvent::Sent { packet, .. }
                if from_coredns && packet.dns().is_some_and(|(_, _, m)| !m.response) =>
            {
                c.upstream += 1;
            }
            TraceEvent::Delivered {
                to: Consumer::Process { name },
                ..
            } if from_client && name.contains("/nslookup[") => c.answers += 1,
            TraceEvent::Dropped { .. } => c.drops += 1,
            _ => {}
        }
        self.0.set(c);
    }
}

/// kubeadm's Corefile without its `cache 30` line.
fn corefile_without_cache() -> String {
    sim_core::k8s::corefile::KUBEADM.replace("    cache 30\n", "")
}

/// The cluster as a scenario file: `n000` runs etcd and the apiserver; `n001..` run
/// docker and flannel; the Deployment `client` (`nodes × pods` replicas, a glibc image,
/// spread by the scheduler) and `services` Services `svc-0..` (no selector: a ClusterIP is
/// all DNS needs) are manifests created at 2 s.
pub fn scenario_text(nodes: usize, pods: usize, services: usize, cache: bool) -> String {
    // n000 is also the nodes' DNS server, with `services` names host-K.example.com.
    let zone: Vec<String> = (0..services)
        .map(|k| {
            format!(
                "\"host-{k}.example.com\": \"93.184.{}.{}\"",
                k / 250,
                k % 250 + 1
            )
        })
        .collect();
    let mut n = format!(
        "        (name: \"n000\", ip: \"10.181.0.10/16\", dns_server: {{{}}}),\n",
        zone.join(", ")
    );
    for i in 1..=nodes {
        n.push_str(&format!(
            "        (name: \"n{i:03}\", ip: \"10.181.{}.{}/16\", docker: (flannel: true), flannel: (ip_masq: true), resolv_conf: \"nameserver 10.181.0.10\\n\"),\n",
            i / 200 + 1,
            i % 200 + 10
        ));
    }
    let mut m = format!(
        "        (path: \"/root/client.yaml\", yaml: \"{{apiVersion: apps/v1, kind: Deployment, metadata: {{name: client}}, spec: {{replicas: {}, selector: {{matchLabels: {{app: client}}}}, template: {{metadata: {{labels: {{app: client}}}}, spec: {{containers: [{{name: client, image: \\\"debian:11\\\"}}]}}}}}}}}\"),\n",
        nodes * pods
    );
    for sv in 0..services {
        m.push_str(&format!(
            "        (path: \"/root/svc-{sv}.yaml\", yaml: \"{{apiVersion: v1, kind: Service, metadata: {{name: svc-{sv}}}, spec: {{ports: [{{port: 80}}]}}}}\"),\n"
        ));
    }
    let steps: String = scenario_steps(services)
        .iter()
        .enumerate()
        .map(|(i, cmd)| {
            format!(
                "        (at: \"{}s\", exec: (on: \"node/n000\", cmd: {cmd:?})),\n",
                if i == 0 { 1 } else { 2 }
            )
        })
        .collect();
    let corefile = if cache {
        String::new()
    } else {
        format!(", corefile: {:?}", corefile_without_cache())
    };
    format!(
        "Scenario(\n    name: \"dns-bench\",\n    seed: 1,\n    cluster: (\n        nodes: [\n{n}        ],\n        etcd: \"n000\",\n        kubernetes: (master: \"n000\", service_cidr: \"10.96.0.0/12\", cluster_cidr: \"172.16.0.0/12\", kubeadm: true{corefile}),\n        manifests: [\n{m}        ],\n    ),\n    steps: [\n{steps}    ],\n)\n"
    )
}

/// The commands typed on n000: flannel's network config (at 1 s), then the manifests (at
/// 2 s): the clients, then the Services.
fn scenario_steps(services: usize) -> Vec<String> {
    let mut cmds = vec![
        "etcdctl set /coreos.com/network/config '{ \"Network\": \"172.16.0.0/12\", \"Backend\": { \"Type\": \"vxlan\" } }'".to_string(),
        "kubectl create -f /root/client.yaml".to_string(),
    ];
    cmds.extend((0..services).map(|sv| format!("kubectl create -f /root/svc-{sv}.yaml")));
    cmds
}

/// A built cluster, run to the end of setup.
pub struct Cluster {
    pub sim: Sim<Net>,
    counts: Rc<Cell<Counts>>,
    /// The client pods' namespaces.
    pub clients: Vec<NsId>,
    services: usize,
}

/// Builds the cluster and runs setup (to 10 s).
pub fn setup(nodes: usize, pods: usize, services: usize, cache: bool) -> Cluster {
    let text = scenario_text(nodes, pods, services, cache);
    let scenario =
        Scenario::parse("dns-bench.ron", &text).expect("the generated scenario is valid");
    let counter = Counter::default();
    let counts = Rc::clone(&counter.0);
    let mut sim = scenario.instantiate(1, Box::new(counter));
    // The scenario's steps (`instantiate` leaves them to the caller), typed on n000:
    // flannel's config at 1 s, the manifests at 2 s.
    let cmds = scenario_steps(services);
    for (secs, group) in [(1, &cmds[..1]), (2, &cmds[1..])] {
        sim.run(Limits {
            until: Some(SimTime::ZERO + Dur::from_secs(secs)),
            budget: None,
        });
        for cmd in group {
            sim_core::tools::start(&mut sim, NsId(0), cmd, None);
        }
    }
    sim.run(Limits {
        until: Some(SimTime::ZERO + Dur::from_secs(10)),
        budget: None,
    });
    let clients = (0..sim.world.netns.len())
        .map(|i| NsId(i as u32))
        .filter(|&ns| sim.world.ns(ns).label.starts_with("pod/client-"))
        .collect();
    Cluster {
        sim,
        counts,
        clients,
        services,
    }
}

impl Cluster {
    pub fn counts(&self) -> Counts {
        self.counts.get()
    }

    /// The pods' nslookup processes.
    pub fn lookups(&self) -> Vec<&sim_core::net::Proc> {
        self.sim
            .world
            .procs
            .values()
            .filter(|p| p.cmd.starts_with("nslookup"))
            .collect()
    }

    /// Lookups that ended without an address (nslookup's exit status), and all lookups.
    pub fn failed_lookups(&self) -> (usize, usize) {
        let lookups = self.lookups();
        let failed = lookups.iter().filter(|p| p.exit != Some(0)).count();
        (failed, lookups.len())
    }

    /// The traffic phase: every pod looks up `svc-K` (K from a stream seeded with 7), or
    /// with `external` `host-K.example.com.` (a name CoreDNS forwards to n000's named), the
    /// pods split into `waves` bursts 100 ms apart. Runs to 15 s.
    pub fn traffic(&mut self, waves: usize, external: bool) {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let waves = waves.max(1);
        let per_wave = self.clients.len().div_ceil(waves);
        let clients = self.clients.clone();
        for (w, batch) in clients.chunks(per_wave).enumerate() {
            self.sim.run(Limits {
                until: Some(SimTime::ZERO + Dur::from_millis(10_000 + 100 * w as u64)),
                budget: None,
            });
            for &ns in batch {
                let k = rng.random_range(0..self.services);
                let name = if external {
                    format!("host-{k}.example.com.")
                } else {
                    format!("svc-{k}")
                };
                sim_core::tools::start(&mut self.sim, ns, &format!("nslookup {name}"), None);
            }
        }
        self.sim.run(Limits {
            until: Some(SimTime::ZERO + Dur::from_secs(15)),
            budget: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The benchmark measures working lookups: with the cache on and off every pod's
    /// nslookup finds its name (two queries, two answers each), through the cluster's
    /// resolver; Service names never leave CoreDNS, external names are forwarded, and with
    /// the cache on fewer of them.
    #[test]
    fn every_lookup_is_answered() {
        for (cache, external) in [(true, false), (false, false), (true, true), (false, true)] {
            let mut c = setup(3, 4, 5, cache);
            assert_eq!(c.clients.len(), 12);
            let conf = c.sim.world.ns(c.clients[0]).files["/etc/resolv.conf"].clone();
            assert!(conf.contains("nameserver 10.96.0.10"), "{conf}");
            c.traffic(3, external);
            let lookups = c.lookups();
            assert_eq!(lookups.len(), 12);
            for p in lookups {
                assert_eq!(p.exit, Some(0), "cache {cache}: {}: {}", p.cmd, p.stdout);
                let found = if external {
                    "example.com"
                } else {
                    ".default.svc.cluster.local"
                };
                assert!(p.stdout.contains(found), "{}", p.stdout);
            }
            let n = c.counts();
            assert_eq!((n.queries, n.answers), (24, 24), "cache {cache}");
            match (external, cache) {
                (false, _) => assert_eq!(n.upstream, 0),
                (true, false) => assert_eq!(n.upstream, 24),
                (true, true) => assert!(n.upstream < 24, "{}", n.upstream),
            }
        }
    }
}
