//! What the network holds when a run stops, for the checks at its end
//! (`scenario::invariants`): the packets still in flight, and each namespace's conntrack
//! faults.

use std::collections::BTreeSet;

use super::netfilter::conntrack::Fault;
use super::{Msg, Net};
use crate::engine::Sim;
use crate::wire::eth::{Frame, Payload};
use crate::wire::{L4, Packet, PacketId, UdpPayload};

/// Every packet the network holds: in queued events (a frame on a link or crossing a veth,
/// a packet waiting for the CPU time netfilter cost, on loopback, for a TUN reader, written
/// into a TUN device, or on its way to a process's socket), waiting in a neighbour entry
/// for ARP, or waiting in a reassembly queue for its siblings. A packet carried inside
/// another (flannel's udp backend, VXLAN) counts too. Costs the events pending and the
/// packets held, once at the end of a run.
pub fn packets_in_flight(sim: &Sim<Net>) -> BTreeSet<PacketId> {
    let mut held = BTreeSet::new();
    for (_, _, msg) in sim.pending_events() {
        match msg {
            Msg::Frame { frame, .. } | Msg::Rx { frame, .. } => frame_packets(frame, &mut held),
            Msg::Xmit { packet, .. }
            | Msg::Loopback { packet }
            | Msg::TunRead { packet, .. }
            | Msg::TunWrite { packet, .. }
            | Msg::Icmp { packet }
            | Msg::Udp { packet } => packet_ids(packet, &mut held),
            _ => {}
        }
    }
    for ns in &sim.world.netns {
        for neigh in ns.neigh.values() {
            for p in neigh.queued() {
                packet_ids(p, &mut held);
            }
        }
        for (frags, _) in ns.frags.values() {
            for p in frags {
                packet_ids(p, &mut held);
            }
        }
    }
    held
}

fn frame_packets(frame: &Frame, held: &mut BTreeSet<PacketId>) {
    if let Payload::Ip(p) = &frame.payload {
        packet_ids(p, held);
    }
}

/// A packet's id and those of the packets it carries.
fn packet_ids(p: &Packet, held: &mut BTreeSet<PacketId>) {
    held.insert(p.id);
    if let L4::Udp(u) = &p.l4 {
        match &u.payload {
            UdpPayload::Flannel { inner } => packet_ids(inner, held),
            UdpPayload::Vxlan { frame, .. } => frame_packets(frame, held),
            _ => {}
        }
    }
}

/// Every namespace's conntrack faults at the clock's time (`Conntrack::audit`), with the
/// namespace's label, in namespace order.
pub fn conntrack_faults(sim: &Sim<Net>) -> Vec<(String, Fault)> {
    sim.world
        .netns
        .iter()
        .flat_map(|ns| {
            ns.netfilter
                .ct
                .audit(sim.now())
                .into_iter()
                .map(|f| (ns.label.clone(), f))
        })
        .collect()
}
