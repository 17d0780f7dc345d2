//! The packet ledger: which IP packets the trace has shown on their way (sent, received,
//! forwarded) and which it has shown reaching an end (delivered, dropped with a reason,
//! split into fragments, reassembled from, wrapped into another packet, or unwrapped by the
//! kernel). A packet seen on its way and never ended must still be in flight when the run
//! stops; the run checks that against what the network holds (`net::audit`). The network
//! model notes every trace event here as it is made (`Model::observe`).
//!
//! Once ended, a packet stays ended: a copy of it may go on (a bridge floods a frame to
//! several ports; an unwrapped packet continues as itself), and only the first end counts.
//! Two bits per packet id (ids are dense: `World::packet_id` counts from 1), so the ledger
//! costs a few bit operations per packet event and about 2.5 MB for ten million packets.

use super::TraceEvent;
use crate::wire::PacketId;

#[derive(Default, Debug)]
pub struct Ledger {
    seen: Bits,
    ended: Bits,
}

impl Ledger {
    /// Takes note of one trace event.
    #[inline]
    pub fn note(&mut self, event: &TraceEvent) {
        match event {
            TraceEvent::Sent { packet, .. }
            | TraceEvent::Received { packet, .. }
            | TraceEvent::Forwarded { packet, .. } => self.seen.set(packet.id),
            TraceEvent::Delivered { packet, .. }
            | TraceEvent::Dropped { packet, .. }
            | TraceEvent::Fragmented { packet, .. }
            | TraceEvent::Encap { inner: packet, .. }
            | TraceEvent::Decap { outer: packet, .. } => self.ended.set(*packet),
            TraceEvent::Reassembled { from, .. } => {
                for p in from {
                    self.ended.set(*p);
                }
            }
            _ => {}
        }
    }

    /// Packets seen on their way that nothing has ended yet, in id order.
    pub fn open(&self) -> Vec<PacketId> {
        let mut out = Vec::new();
        for (i, (&s, &e)) in self
            .seen
            .words
            .iter()
            .zip(self.ended.words.iter().chain(std::iter::repeat(&0)))
            .enumerate()
        {
            let mut w = s & !e;
            while w != 0 {
                let bit = w.trailing_zeros() as u64;
                out.push(PacketId(i as u64 * 64 + bit));
                w &= w - 1;
            }
        }
        out.extend(
            self.seen
                .far
                .difference(&self.ended.far)
                .map(|&i| PacketId(i)),
        );
        out
    }
}

/// A set of packet ids: a bit per id for the dense range, a tree for ids beyond it (none
/// in a run; a guard against a stray id growing the bits without bound).
#[derive(Default, Debug)]
struct Bits {
    words: Vec<u64>,
    far: std::collections::BTreeSet<u64>,
}

/// Ids from here on go to the tree (2^32 packets is far beyond any run's budget).
const DENSE: u64 = 1 << 32;

impl Bits {
    #[inline]
    fn set(&mut self, id: PacketId) {
        if id.0 >= DENSE {
            self.far.insert(id.0);
            return;
        }
        let (w, b) = ((id.0 / 64) as usize, id.0 % 64);
        if w >= self.words.len() {
            self.words.resize((w + 1).next_power_of_two(), 0);
        }
        self.words[w] |= 1 << b;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::{Consumer, DropReason};
    use crate::wire::Packet;

    fn sent(id: u64) -> TraceEvent {
        TraceEvent::Sent {
            dev: "eth0".into(),
            packet: Packet::echo_request(PacketId(id), "10.0.0.2".parse().unwrap(), 1, 1, 1, 56),
        }
    }

    /// A packet sent and never ended is open; delivering, dropping, fragmenting or wrapping
    /// it closes it, and a later copy of an ended packet does not reopen it.
    #[test]
    fn open_packets_are_the_seen_ones_nothing_ended() {
        let mut l = Ledger::default();
        for id in [1, 2, 3, 64, 65, 200, DENSE + 5] {
            l.note(&sent(id));
        }
        l.note(&TraceEvent::Delivered {
            packet: PacketId(1),
            to: Consumer::Tcp,
        });
        l.note(&TraceEvent::Dropped {
            packet: PacketId(64),
            reason: DropReason::TtlExceeded { node: "a".into() },
        });
        l.note(&TraceEvent::Reassembled {
            packet: PacketId(300),
            from: vec![PacketId(65), PacketId(3)],
        });
        assert_eq!(
            l.open(),
            vec![PacketId(2), PacketId(200), PacketId(DENSE + 5)]
        );
        l.note(&sent(1));
        assert_eq!(l.open().len(), 3);
    }
}
