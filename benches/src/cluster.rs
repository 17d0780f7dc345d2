//! A cluster-scale scenario benchmark: N nodes with flannel (udp or vxlan), P pods each,
//! then a sample of cross-node pod-to-pod pings, measured in simulated packets per second
//! of wall time.
//!
//! The run has two phases, timed apart:
//! 1. setup: the scenario is built and run to 10 s of simulated time: etcd gets flannel's
//!    config, every flanneld leases a subnet and learns every other lease (N × (N − 1)
//!    "Subnet added"), every dockerd makes its pods' sandboxes;
//! 2. traffic: `pings` pods each ping a pod on another node (`ping -c 5 -i 0.2`), picked
//!    from a seeded stream, until 20 s.
//!
//! The trace goes to a counting sink: the cost measured is the simulation's, not a
//! renderer's. "Packets" are the packets and ARP messages that machines originate; a
//! packet checkpoint is any trace event about a packet (sent, hop, bridged, received,
//! forwarded, encap, decap, nat, delivered, dropped).

use std::cell::Cell;
use std::rc::Rc;

use rand::{RngExt, SeedableRng};
use sim_core::engine::{Dur, Limits, Record, Sim, SimTime, Sink};
use sim_core::net::{Net, NsId};
use sim_core::scenario::Scenario;
use sim_core::trace::TraceEvent;

/// What a run counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Packets and ARP messages originated.
    pub packets: u64,
    /// Trace events about packets.
    pub checkpoints: u64,
    /// Every trace event.
    pub records: u64,
}

#[derive(Clone, Default)]
struct Counter(Rc<Cell<Counts>>);

impl Sink<TraceEvent> for Counter {
    fn record(&mut self, record: Record<TraceEvent>, _names: &[String]) {
        let mut c = self.0.get();
        c.records += 1;
        match record.event {
            TraceEvent::Sent { .. } | TraceEvent::ArpSent { .. } => {
                c.packets += 1;
                c.checkpoints += 1;
            }
            TraceEvent::Hop { .. }
            | TraceEvent::Bridged { .. }
            | TraceEvent::Received { .. }
            | TraceEvent::ArpReceived { .. }
            | TraceEvent::Forwarded { .. }
            | TraceEvent::Encap { .. }
            | TraceEvent::Decap { .. }
            | TraceEvent::Nat { .. }
            | TraceEvent::Queued { .. }
            | TraceEvent::Delivered { .. }
            | TraceEvent::Dropped { .. } => c.checkpoints += 1,
            _ => {}
        }
        self.0.set(c);
    }
}

/// The cluster as a scenario file: node `n000` runs etcd; nodes `n001..` run docker and
/// flannel and `pods` pods each, all on one switch.
pub fn scenario_text(nodes: usize, pods: usize) -> String {
    let mut n = String::from("        (name: \"n000\", ip: \"10.181.0.10/16\"),\n");
    let mut p = String::new();
    for i in 1..=nodes {
        n.push_str(&format!(
            "        (name: \"n{i:03}\", ip: \"10.181.{}.{}/16\", docker: (flannel: true), flannel: ()),\n",
            i / 200 + 1,
            i % 200 + 10
        ));
        for j in 0..pods {
            p.push_str(&format!(
                "        (name: \"p{i:03}-{j:02}\", node: \"n{i:03}\"),\n"
            ));
        }
    }
    format!(
        "Scenario(\n    name: \"cluster-bench\",\n    seed: 1,\n    cluster: (\n        nodes: [\n{n}        ],\n        etcd: \"n000\",\n        pods: [\n{p}        ],\n    ),\n)\n"
    )
}

/// A built cluster, run to the end of setup.
pub struct Cluster {
    pub sim: Sim<Net>,
    counts: Rc<Cell<Counts>>,
    nodes: usize,
    pods: usize,
}

/// Builds the cluster and runs setup (to 10 s). `backend` is `udp` or `vxlan`.
pub fn setup(nodes: usize, pods: usize, backend: &str) -> Cluster {
    let text = scenario_text(nodes, pods);
    let scenario =
        Scenario::parse("cluster-bench.ron", &text).expect("the generated scenario is valid");
    let counter = Counter::default();
    let counts = Rc::clone(&counter.0);
    let mut sim = scenario.instantiate(1, Box::new(counter));
    sim.run(Limits {
        until: Some(SimTime::ZERO + Dur::from_millis(500)),
        budget: None,
    });
    let config = format!(
        "etcdctl set /coreos.com/network/config '{{\"Network\": \"10.0.0.0/8\", \"SubnetLen\": 24, \"Backend\": {{\"Type\": \"{backend}\"}}}}'"
    );
    sim_core::tools::start(&mut sim, NsId(0), &config, None);
    sim.run(Limits {
        until: Some(SimTime::ZERO + Dur::from_secs(10)),
        budget: None,
    });
    Cluster {
        sim,
        counts,
        nodes,
        pods,
    }
}

impl Cluster {
    pub fn counts(&self) -> Counts {
        self.counts.get()
    }

    /// The traffic phase: `pings` pods each ping a pod on another node, 5 probes 200 ms
    /// apart, picked from a stream seeded with 7. Runs to 20 s.
    pub fn traffic(&mut self, pings: usize) {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let pod_ns =
            |node: usize, pod: usize| NsId((self.nodes + 1 + (node - 1) * self.pods + pod) as u32);
        for _ in 0..pings {
            let from_node = rng.random_range(1..=self.nodes);
            let mut to_node = rng.random_range(1..=self.nodes - 1);
            if to_node >= from_node {
                to_node += 1;
            }
            let from = pod_ns(from_node, rng.random_range(0..self.pods));
            let to = pod_ns(to_node, rng.random_range(0..self.pods));
            let Some(dst) = self.sim.world.ns(to).primary_addr(sim_core::net::DevId(1)) else {
                continue;
            };
            sim_core::tools::start(
                &mut self.sim,
                from,
                &format!("ping -c 5 -i 0.2 {dst}"),
                None,
            );
        }
        self.sim.run(Limits {
            until: Some(SimTime::ZERO + Dur::from_secs(20)),
            budget: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The benchmark measures working traffic: on both backends every sampled ping gets
    /// all 5 replies across nodes (a broken data path would make the figure meaningless).
    #[test]
    fn every_sampled_ping_is_answered() {
        for backend in ["udp", "vxlan"] {
            let mut c = setup(6, 3, backend);
            c.traffic(12);
            let pings: Vec<_> = c
                .sim
                .world
                .procs
                .values()
                .filter(|p| p.cmd.starts_with("ping"))
                .collect();
            assert_eq!(pings.len(), 12, "{backend}");
            for p in pings {
                assert_eq!(p.exit, Some(0), "{backend}: {}: {}", p.cmd, p.stdout);
                assert!(p.stdout.contains("5 received"), "{backend}: {}", p.stdout);
            }
            assert!(c.counts().packets > 12 * 5 * 2, "{backend}");
        }
    }
}
