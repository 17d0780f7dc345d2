//! Invariants checked at the end of every run, in every build: a violation is a bug in the
//! simulator, never in the scenario (the CLI reports it as an internal error, exit 3).
//!
//! - Every IP packet the trace showed on its way ended (delivered, dropped with a reason,
//!   fragmented, reassembled, wrapped or unwrapped: `trace::ledger`) or is still in flight
//!   (`net::audit::packets_in_flight`).
//! - No actor has a timer in the past: no live event is queued for a time before the clock
//!   (`Sim::overdue`).
//! - Every conntrack entry has a live reason to exist: a live flow is found by both its
//!   tuples, and no index slot leads to an entry that does not hold its tuple
//!   (`Conntrack::audit`).
//!
//! The cost is a bit per packet event during the run (the ledger, fed by `Model::observe`),
//! and a walk of the pending events and conntrack tables once at the end.

use std::fmt;

use crate::engine::{Sim, SimTime};
use crate::net::netfilter::conntrack::Fault;
use crate::net::{Net, audit};
use crate::wire::PacketId;

/// One broken invariant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Violation {
    /// A packet the trace showed on its way has no traced end and the network no longer
    /// holds it: it vanished silently.
    LostPacket { packet: PacketId },
    /// An event for `actor` is queued at `at`, before the clock (`now`).
    TimerInPast {
        actor: String,
        at: SimTime,
        now: SimTime,
    },
    /// A conntrack table is inconsistent in namespace `ns`.
    Conntrack { ns: String, fault: Fault },
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Violation::LostPacket { packet } => write!(
                f,
                "packet {packet} vanished: the trace shows it on its way, then neither delivered nor dropped, and nothing holds it"
            ),
            Violation::TimerInPast { actor, at, now } => write!(
                f,
                "{actor} has an event queued at {}s, before the clock ({}s)",
                at.secs_micros(),
                now.secs_micros()
            ),
            Violation::Conntrack { ns, fault } => write!(f, "{ns}: conntrack: {fault}"),
        }
    }
}

/// Checks the invariants on a simulation that has stopped (its trace's packet ledger is in
/// its world). Timers first, then packets in id order, then conntrack by namespace.
pub fn check(sim: &Sim<Net>) -> Vec<Violation> {
    let mut out: Vec<Violation> = sim
        .overdue()
        .into_iter()
        .map(|(at, actor)| Violation::TimerInPast {
            actor: sim.name(actor).to_string(),
            at,
            now: sim.now(),
        })
        .collect();
    let open = sim.world.ledger.open();
    if !open.is_empty() {
        let held = audit::packets_in_flight(sim);
        out.extend(
            open.into_iter()
                .filter(|p| !held.contains(p))
                .map(|packet| Violation::LostPacket { packet }),
        );
    }
    out.extend(
        audit::conntrack_faults(sim)
            .into_iter()
            .map(|(ns, fault)| Violation::Conntrack { ns, fault }),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;
    use crate::trace::TraceEvent;
    use crate::wire::Packet;

    /// A packet the ledger saw sent and never ended, which nothing in the network holds, is
    /// a lost packet; the same packet queued on a link is in flight, not lost.
    #[test]
    fn a_packet_nothing_ended_or_holds_is_lost() {
        let s = Scenario::parse(
            "t.ron",
            r#"Scenario(name: "t", seed: 1, cluster: (nodes: [(name: "a", ip: "10.0.0.1/24")]), steps: [])"#,
        )
        .unwrap();
        let mut sim = s.instantiate(1, Box::new(()));
        sim.run(Default::default());
        let packet = Packet::echo_request(PacketId(999), "10.0.0.2".parse().unwrap(), 1, 1, 1, 8);
        sim.world.ledger.note(&TraceEvent::Sent {
            dev: "eth0".into(),
            packet: packet.clone(),
        });
        assert_eq!(
            check(&sim),
            vec![Violation::LostPacket {
                packet: PacketId(999)
            }]
        );
        let kernel = sim.world.netns[0].kernel;
        sim.schedule(
            crate::engine::Dur::from_millis(1),
            kernel,
            crate::net::Msg::Loopback {
                packet: Box::new(packet),
            },
        );
        assert_eq!(check(&sim), vec![]);
    }
}
