//! Packet capture taps: where a packet crosses a device, a copy goes to whoever listens
//! there (`tcpdump`), as Linux's `ptype_all` handlers see every frame a device sends
//! (`dev_queue_xmit_nit`) and receives (`__netif_receive_skb`).
//!
//! A namespace keeps a list of taps (`Netns::taps`), each a device (or every device, for
//! `tcpdump -i any`) and the actor that gets `Msg::Captured`. The link layer and the TUN
//! and loopback paths call [`tap`] where they count a device's traffic; with no tap the
//! call is one empty-`Vec` check, so capture costs nothing while nobody captures.
//! **Architecture Invariant:** a tap observes; it never changes, delays or drops a packet.
//! Later packet hooks (issue 18) join the same list as new `Tap` kinds.

use super::{DevId, Msg, Net, NsId};
use crate::engine::{ActorId, Ctx, SimTime};
use crate::wire::Packet;
use crate::wire::eth::Frame;

/// Which way a packet crossed the device, as an `any` capture's cooked header says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    /// Received on the device.
    In,
    /// Sent on it.
    Out,
}

/// A listener on a namespace's devices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tap {
    /// The device, or `None` for every device of the namespace (`-i any`).
    pub dev: Option<DevId>,
    /// The actor that gets a `Msg::Captured` per packet.
    pub to: ActorId,
}

/// What crossed the device: a whole frame on an Ethernet-like device, a bare IP packet on
/// a TUN device (no link-layer header).
#[derive(Clone, Debug)]
pub enum Captured {
    Frame(Frame),
    Packet(Packet),
}

impl Captured {
    /// The IP packet inside, if any (an ARP frame has none).
    pub fn ip(&self) -> Option<&Packet> {
        match self {
            Captured::Packet(p) => Some(p),
            Captured::Frame(f) => match &f.payload {
                crate::wire::eth::Payload::Ip(p) => Some(p),
                crate::wire::eth::Payload::Arp(_) => None,
            },
        }
    }
}

/// One captured packet, as a tap's actor receives it.
#[derive(Clone, Debug)]
pub struct Capture {
    pub dev: DevId,
    pub dir: Dir,
    pub at: SimTime,
    pub data: Captured,
}

/// Hands a copy of what crosses `dev` of `ns` to every tap on it. `what` is called only
/// when someone listens.
pub fn tap(cx: &mut Ctx<'_, Net>, ns: NsId, dev: DevId, dir: Dir, what: impl FnOnce() -> Captured) {
    tap_where(cx, ns, dev, dir, true, what)
}

/// A frame a bridge forwards between its ports: only a capture on the bridge itself sees
/// it (tcpdump puts the device in promiscuous mode, so the bridge passes every frame up);
/// `-i any` sets no device promiscuous and sees it only if it goes `up` to the bridge's
/// own IP layer.
pub fn tap_bridge(
    cx: &mut Ctx<'_, Net>,
    ns: NsId,
    bridge: DevId,
    up: bool,
    what: impl FnOnce() -> Captured,
) {
    tap_where(cx, ns, bridge, Dir::In, up, what)
}

fn tap_where(
    cx: &mut Ctx<'_, Net>,
    ns: NsId,
    dev: DevId,
    dir: Dir,
    any_too: bool,
    what: impl FnOnce() -> Captured,
) {
    let taps = &cx.world.ns(ns).taps;
    if taps.is_empty() {
        return;
    }
    let to: Vec<ActorId> = taps
        .iter()
        .filter(|t| t.dev.map_or(any_too, |d| d == dev))
        .map(|t| t.to)
        .collect();
    let Some((last, rest)) = to.split_last() else {
        return;
    };
    let data = what();
    let at = cx.now();
    for actor in rest {
        let capture = Capture {
            dev,
            dir,
            at,
            data: data.clone(),
        };
        cx.send(*actor, Msg::Captured(Box::new(capture)));
    }
    let capture = Capture { dev, dir, at, data };
    cx.send(*last, Msg::Captured(Box::new(capture)));
}

/// Removes every tap `actor` holds in `ns` (its capture ended).
pub fn untap(cx: &mut Ctx<'_, Net>, ns: NsId, actor: ActorId) {
    cx.world.ns_mut(ns).taps.retain(|t| t.to != actor);
}
