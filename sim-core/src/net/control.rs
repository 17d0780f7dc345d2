//! Control-plane transport: a request or response between two machines is one event that
//! arrives after the latency of the underlay path between them, and is lost when no path of
//! up links exists (the sender's own timeout then reports it, as a TCP client's would).
//!
//! Simplification (said in docs/architecture.md): no TCP handshake, segments or
//! retransmission for control-plane traffic; only its latency and reachability.

use super::{Msg, Net, NsId};
use crate::engine::{ActorId, Ctx};

/// Sends `msg` from machine `from` to actor `to` on machine `to_ns`. Returns false when the
/// machines are not connected by up links (the message is lost).
pub fn send(cx: &mut Ctx<'_, Net>, from: NsId, to_ns: NsId, to: ActorId, msg: Msg) -> bool {
    match latency(cx, from, to_ns) {
        Some(latency) => {
            cx.send_in(latency, to, msg);
            true
        }
        None => false,
    }
}

/// One-way latency between two machines over up links (zero within one), or `None`.
pub fn latency(cx: &mut Ctx<'_, Net>, from: NsId, to: NsId) -> Option<crate::engine::Dur> {
    if from == to {
        return Some(crate::engine::Dur::ZERO);
    }
    let (a, b) = (vertex(cx, from)?, vertex(cx, to)?);
    cx.world.fabric.path_latency(a, b)
}

/// A machine's place on the underlay; a pod's is its node's (the far end of its eth0
/// veth): a pod's control traffic leaves through its node.
fn vertex(cx: &Ctx<'_, Net>, ns: NsId) -> Option<super::VertexId> {
    let netns = cx.world.ns(ns);
    if let Some((_, v)) = netns.underlay_port() {
        return Some(v);
    }
    netns
        .devices
        .iter()
        .filter(|d| !d.removed)
        .find_map(|d| match d.kind {
            super::DevKind::Veth { peer_ns, .. } => {
                cx.world.ns(peer_ns).underlay_port().map(|(_, v)| v)
            }
            _ => None,
        })
}
