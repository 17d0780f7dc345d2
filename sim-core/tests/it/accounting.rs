//! Rule 3 of the house, checked on every scenario: nothing disappears silently. Every IP
//! packet that appears in a trace (sent, received or forwarded) reaches an end the trace
//! names: delivered, dropped (with a reason), split into fragments, reassembled from,
//! wrapped into another packet that is itself accounted for, or unwrapped by the kernel.

use std::collections::{BTreeMap, BTreeSet};

use sim_core::trace::TraceEvent;
use sim_core::wire::PacketId;

/// A packet that is received or forwarded and then simply vanishes (a code path that
/// forgets to trace its drop) fails this test; it found one in the VXLAN receive path.
#[test]
fn every_packet_ends_in_a_traced_fate() {
    for path in super::scenario_files() {
        let scenario = super::load(&path);
        let out = sim_core::scenario::run::run(&scenario, &Default::default());
        // When each packet was last seen on its way.
        let mut seen: BTreeMap<PacketId, sim_core::engine::SimTime> = BTreeMap::new();
        let mut ended: BTreeSet<PacketId> = BTreeSet::new();
        let mut last_time = sim_core::engine::SimTime::ZERO;
        for r in &out.records {
            last_time = r.time;
            match &r.event {
                TraceEvent::Sent { packet, .. }
                | TraceEvent::Received { packet, .. }
                | TraceEvent::Forwarded { packet, .. } => {
                    seen.insert(packet.id, r.time);
                }
                TraceEvent::Delivered { packet, .. } | TraceEvent::Dropped { packet, .. } => {
                    ended.insert(*packet);
                }
                TraceEvent::Fragmented { packet, .. } => {
                    ended.insert(*packet);
                }
                TraceEvent::Reassembled { from, .. } => ended.extend(from.iter().copied()),
                TraceEvent::Encap { inner, .. } => {
                    ended.insert(*inner);
                }
                // The kernel's VXLAN socket unwrapped it; the inner frame goes on.
                TraceEvent::Decap { outer, .. } => {
                    ended.insert(*outer);
                }
                _ => {}
            }
        }
        // A packet seen in the last second before the run stopped at its end time may
        // still be on its way; anything older is lost.
        let cutoff = match scenario.until {
            Some(u) if last_time >= u => u.as_nanos().saturating_sub(1_000_000_000),
            _ => u64::MAX,
        };
        let lost: Vec<_> = seen
            .iter()
            .filter(|(id, t)| !ended.contains(id) && t.as_nanos() < cutoff)
            .map(|(id, _)| *id)
            .collect();
        assert!(
            lost.is_empty(),
            "{}: packets with no traced fate: {lost:?}",
            scenario.file
        );
    }
}
