//! The neighbour table and ARP, following Linux's NUD state machine (net/core/neighbour.c,
//! net/ipv4/arp.c) with the default sysctls.
//!
//! - A packet for a next hop with no entry creates it INCOMPLETE, waits in the entry's
//!   queue, and a broadcast request goes out; one more each second (`retrans_time_ms`
//!   1000) up to `mcast_solicit` = 3. No reply by then: FAILED, and every queued packet is
//!   dropped with ICMP host unreachable back to its sender (`arp_error_report`).
//! - A reply makes the entry REACHABLE and sends the queue. After `base_reachable_time`
//!   (30 s) without confirmation it is STALE; the next packet still goes out at once but
//!   moves it to DELAY, and 5 s later (`delay_first_probe_time`) to PROBE: up to
//!   `ucast_solicit` = 3 unicast requests a second apart, then FAILED.
//! - A request for one of our addresses is answered (`arp_ignore` = 0: any local address)
//!   and leaves a STALE entry for its sender (`neigh_event_ns`).
//!
//! Simplifications (docs/architecture.md): the reachable time is exactly 30 s (Linux draws
//! it from [15 s, 45 s)); only ARP replies confirm an entry (Linux also takes TCP's
//! forward progress); entries are never garbage-collected.

use std::collections::VecDeque;
use std::net::Ipv4Addr;

use super::{DevId, Msg, Net, NsId, link, stack};
use crate::engine::{CancelKey, Ctx, Dur, SimTime};
use crate::trace::{DropReason, TraceEvent};
use crate::wire::Packet;
use crate::wire::eth::{Arp, ArpOp, Frame, Mac, Payload};

type Cx<'a, 'b> = &'a mut Ctx<'b, Net>;

const RETRANS_TIME: Dur = Dur::from_secs(1);
const MCAST_SOLICIT: u8 = 3;
const UCAST_SOLICIT: u8 = 3;
const REACHABLE_TIME: Dur = Dur::from_secs(30);
const DELAY_FIRST_PROBE: Dur = Dur::from_secs(5);
/// `unres_qlen`: packets kept per unresolved neighbour; older ones are dropped first.
const UNRES_QLEN: usize = 101;

/// NUD states, as `ip neigh` names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nud {
    Incomplete,
    Reachable,
    Stale,
    Delay,
    Probe,
    Failed,
    /// Set by a program (`ip neigh replace ... nud permanent`, as flanneld's vxlan backend
    /// does): never expires, never probed, not changed by ARP.
    Permanent,
}

impl Nud {
    pub fn name(self) -> &'static str {
        match self {
            Nud::Incomplete => "INCOMPLETE",
            Nud::Reachable => "REACHABLE",
            Nud::Stale => "STALE",
            Nud::Delay => "DELAY",
            Nud::Probe => "PROBE",
            Nud::Failed => "FAILED",
            Nud::Permanent => "PERMANENT",
        }
    }
}

#[derive(Debug)]
pub struct Neigh {
    state: Nud,
    pub mac: Option<Mac>,
    /// When a reply last confirmed the entry.
    confirmed: SimTime,
    /// When it entered DELAY (a confirmation after this ends the delay).
    delayed: SimTime,
    probes: u8,
    queue: VecDeque<Packet>,
    timer: Option<CancelKey>,
}

impl Neigh {
    fn new() -> Self {
        Neigh {
            state: Nud::Failed,
            mac: None,
            confirmed: SimTime::ZERO,
            delayed: SimTime::ZERO,
            probes: 0,
            queue: VecDeque::new(),
            timer: None,
        }
    }

    /// The packets waiting for this entry to resolve.
    pub fn queued(&self) -> impl Iterator<Item = &Packet> {
        self.queue.iter()
    }

    /// The state as the kernel would report it at `now` (REACHABLE turns STALE once the
    /// reachable time has passed without confirmation).
    pub fn state(&self, now: SimTime) -> Nud {
        if self.state == Nud::Reachable && now >= self.confirmed + REACHABLE_TIME {
            Nud::Stale
        } else {
            self.state
        }
    }
}

/// Sets a permanent entry (`ip neigh replace ADDR dev DEV lladdr MAC nud permanent`).
pub fn set_permanent(cx: Cx<'_, '_>, ns: NsId, dev: DevId, addr: Ipv4Addr, mac: Mac) {
    let mut entry = Neigh::new();
    entry.state = Nud::Permanent;
    entry.mac = Some(mac);
    if let Some(old) = cx.world.ns_mut(ns).neigh.insert((dev, addr), entry)
        && let Some(t) = old.timer
    {
        cx.cancel(t);
    }
}

/// Sends `packet` to `next_hop` on `dev` (an Ethernet-like device), resolving its MAC first
/// when needed (`neigh_resolve_output`).
pub fn output(cx: Cx<'_, '_>, ns: NsId, dev: DevId, next_hop: Ipv4Addr, packet: Packet) {
    let now = cx.now();
    let entry = cx
        .world
        .ns_mut(ns)
        .neigh
        .entry((dev, next_hop))
        .or_insert_with(Neigh::new);
    match entry.state(now) {
        Nud::Reachable | Nud::Delay | Nud::Probe | Nud::Permanent => {
            let mac = entry.mac.expect("a valid entry has a MAC");
            send_ip(cx, ns, dev, mac, packet);
        }
        Nud::Stale => {
            let mac = entry.mac.expect("a valid entry has a MAC");
            entry.state = Nud::Delay;
            entry.delayed = now;
            set_timer(cx, ns, dev, next_hop, DELAY_FIRST_PROBE);
            send_ip(cx, ns, dev, mac, packet);
        }
        Nud::Incomplete => enqueue(cx, ns, dev, next_hop, packet),
        Nud::Failed => {
            entry.state = Nud::Incomplete;
            entry.probes = 0;
            enqueue(cx, ns, dev, next_hop, packet);
            solicit(cx, ns, dev, next_hop);
            set_timer(cx, ns, dev, next_hop, RETRANS_TIME);
        }
    }
}

fn enqueue(cx: Cx<'_, '_>, ns: NsId, dev: DevId, next_hop: Ipv4Addr, packet: Packet) {
    let netns = cx.world.ns(ns);
    let event = TraceEvent::Queued {
        packet: packet.id,
        next_hop,
        dev: netns.dev(dev).name.clone(),
    };
    cx.trace_as(netns.kernel, event);
    let entry = entry_mut(cx, ns, dev, next_hop);
    entry.queue.push_back(packet);
    if entry.queue.len() > UNRES_QLEN {
        let old = entry.queue.pop_front().expect("non-empty");
        let kernel = cx.world.ns(ns).kernel;
        let reason = DropReason::NeighQueueFull {
            next_hop,
            qlen: UNRES_QLEN as u32,
        };
        cx.trace_as(
            kernel,
            TraceEvent::Dropped {
                packet: old.id,
                reason,
            },
        );
    }
}

fn entry_mut<'a>(cx: &'a mut Ctx<'_, Net>, ns: NsId, dev: DevId, addr: Ipv4Addr) -> &'a mut Neigh {
    cx.world
        .ns_mut(ns)
        .neigh
        .get_mut(&(dev, addr))
        .expect("entry exists")
}

fn set_timer(cx: Cx<'_, '_>, ns: NsId, dev: DevId, addr: Ipv4Addr, after: Dur) {
    let kernel = cx.world.ns(ns).kernel;
    let old = entry_mut(cx, ns, dev, addr).timer.take();
    if let Some(old) = old {
        cx.cancel(old);
    }
    let key = cx.schedule_cancellable_for(kernel, after, Msg::NeighTimer { dev, addr });
    entry_mut(cx, ns, dev, addr).timer = Some(key);
}

fn send_ip(cx: Cx<'_, '_>, ns: NsId, dev: DevId, dst: Mac, packet: Packet) {
    let src = cx.world.ns(ns).dev(dev).mac;
    let frame = Frame {
        src,
        dst,
        payload: Payload::Ip(packet),
    };
    link::xmit(cx, ns, dev, frame, None);
}

/// Sends an ARP request for `addr`: broadcast while INCOMPLETE, unicast to the known MAC
/// while PROBE. The sender address is the waiting packet's source when it is ours
/// (`arp_announce` = 0), else the device's primary address.
fn solicit(cx: Cx<'_, '_>, ns: NsId, dev: DevId, addr: Ipv4Addr) {
    let netns = cx.world.ns(ns);
    let entry = &netns.neigh[&(dev, addr)];
    let spa = entry
        .queue
        .front()
        .map(|p| p.ip.src)
        .filter(|src| netns.is_local(*src) && !src.is_loopback())
        .or_else(|| netns.primary_addr(dev))
        .unwrap_or(Ipv4Addr::UNSPECIFIED);
    let dst = match entry.state {
        Nud::Probe => entry.mac.unwrap_or(Mac::BROADCAST),
        _ => Mac::BROADCAST,
    };
    let (sha, kernel) = (netns.dev(dev).mac, netns.kernel);
    let id = cx.world.packet_id();
    entry_mut(cx, ns, dev, addr).probes += 1;
    let arp = Arp {
        id,
        op: ArpOp::Request,
        sha,
        spa,
        tha: Mac::ZERO,
        tpa: addr,
    };
    send_arp(cx, ns, kernel, dev, dst, arp);
}

fn send_arp(
    cx: Cx<'_, '_>,
    ns: NsId,
    kernel: crate::engine::ActorId,
    dev: DevId,
    dst: Mac,
    arp: Arp,
) {
    let dev_name = cx.world.ns(ns).dev(dev).name.clone();
    cx.trace_as(
        kernel,
        TraceEvent::ArpSent {
            dev: dev_name,
            arp: arp.clone(),
        },
    );
    let frame = Frame {
        src: arp.sha,
        dst,
        payload: Payload::Arp(arp),
    };
    link::xmit(cx, ns, dev, frame, None);
}

/// A neighbour timer fired (`neigh_timer_handler`).
pub fn timer(cx: Cx<'_, '_>, ns: NsId, dev: DevId, addr: Ipv4Addr) {
    let netns = cx.world.ns_mut(ns);
    if netns.dev(dev).removed {
        // The device was removed (a pod's eth0 when docker stops): the kernel flushed
        // its neighbours then (`neigh_ifdown`), and their timers with them; packets that
        // waited for an answer go with the device.
        let (kernel, name) = (netns.kernel, netns.dev(dev).name.clone());
        let queue = netns
            .neigh
            .remove(&(dev, addr))
            .map(|e| e.queue)
            .unwrap_or_default();
        for packet in queue {
            let reason = DropReason::DeviceDown { dev: name.clone() };
            cx.trace_as(
                kernel,
                TraceEvent::Dropped {
                    packet: packet.id,
                    reason,
                },
            );
        }
        return;
    }
    let Some(entry) = netns.neigh.get_mut(&(dev, addr)) else {
        return;
    };
    entry.timer = None;
    match entry.state {
        Nud::Delay => {
            if entry.confirmed >= entry.delayed && entry.confirmed > SimTime::ZERO {
                entry.state = Nud::Reachable;
            } else {
                entry.state = Nud::Probe;
                entry.probes = 0;
                solicit(cx, ns, dev, addr);
                set_timer(cx, ns, dev, addr, RETRANS_TIME);
            }
        }
        Nud::Incomplete | Nud::Probe => {
            let max = if entry.state == Nud::Incomplete {
                MCAST_SOLICIT
            } else {
                UCAST_SOLICIT
            };
            if entry.probes < max {
                solicit(cx, ns, dev, addr);
                set_timer(cx, ns, dev, addr, RETRANS_TIME);
            } else {
                fail(cx, ns, dev, addr, max);
            }
        }
        Nud::Reachable | Nud::Stale | Nud::Failed | Nud::Permanent => {}
    }
}

/// No answer to `probes` requests: FAILED; each waiting packet is dropped and its sender
/// gets ICMP host unreachable.
fn fail(cx: Cx<'_, '_>, ns: NsId, dev: DevId, addr: Ipv4Addr, probes: u8) {
    let entry = entry_mut(cx, ns, dev, addr);
    entry.state = Nud::Failed;
    entry.mac = None;
    let queue = std::mem::take(&mut entry.queue);
    let netns = cx.world.ns(ns);
    let (kernel, dev_name) = (netns.kernel, netns.dev(dev).name.clone());
    for packet in queue {
        let reason = DropReason::NoNeighbour {
            next_hop: addr,
            dev: dev_name.clone(),
            probes,
        };
        cx.trace_as(
            kernel,
            TraceEvent::Dropped {
                packet: packet.id,
                reason,
            },
        );
        stack::host_unreachable(cx, ns, &packet);
    }
}

/// An ARP message arrived on `dev` (`arp_process`).
pub fn arp_rcv(cx: Cx<'_, '_>, ns: NsId, dev: DevId, arp: Arp) {
    let netns = cx.world.ns(ns);
    let kernel = netns.kernel;
    let dev_name = netns.dev(dev).name.clone();
    let for_us = !arp.tpa.is_loopback() && netns.is_local(arp.tpa);
    cx.trace(TraceEvent::ArpReceived {
        dev: dev_name,
        arp: arp.clone(),
    });
    match arp.op {
        ArpOp::Request if for_us => {
            update(cx, ns, dev, arp.spa, arp.sha, Nud::Stale, true);
            let id = cx.world.packet_id();
            let reply = Arp {
                id,
                op: ArpOp::Reply,
                sha: cx.world.ns(ns).dev(dev).mac,
                spa: arp.tpa,
                tha: arp.sha,
                tpa: arp.spa,
            };
            send_arp(cx, ns, kernel, dev, arp.sha, reply);
        }
        // Not for us: only an entry we already have learns the sender's (new) MAC.
        ArpOp::Request => update(cx, ns, dev, arp.spa, arp.sha, Nud::Stale, false),
        // A reply confirms an entry we are resolving or probing; unsolicited ones are
        // ignored (`arp_accept` = 0).
        ArpOp::Reply if for_us => update(cx, ns, dev, arp.spa, arp.sha, Nud::Reachable, false),
        ArpOp::Reply => {}
    }
}

/// `neigh_update`: records `mac` for `addr`. `create` makes an entry when there is none.
fn update(
    cx: Cx<'_, '_>,
    ns: NsId,
    dev: DevId,
    addr: Ipv4Addr,
    mac: Mac,
    state: Nud,
    create: bool,
) {
    let now = cx.now();
    let table = &mut cx.world.ns_mut(ns).neigh;
    let entry = match table.entry((dev, addr)) {
        std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
        std::collections::btree_map::Entry::Vacant(e) if create => e.insert(Neigh::new()),
        std::collections::btree_map::Entry::Vacant(_) => return,
    };
    let old = entry.state(now);
    if old == Nud::Permanent {
        return;
    }
    let valid = matches!(old, Nud::Reachable | Nud::Stale | Nud::Delay | Nud::Probe);
    match state {
        Nud::Reachable => {
            if old == Nud::Failed && entry.queue.is_empty() {
                return; // nothing asked for it
            }
            entry.state = Nud::Reachable;
            entry.mac = Some(mac);
            entry.confirmed = now;
            entry.probes = 0;
        }
        _ => {
            // A weak update: a valid entry with the same MAC keeps its state.
            if valid && entry.mac == Some(mac) {
                return;
            }
            entry.state = Nud::Stale;
            entry.mac = Some(mac);
            entry.probes = 0;
        }
    }
    if let Some(timer) = entry.timer.take() {
        cx.cancel(timer);
    }
    let queue = std::mem::take(&mut entry_mut(cx, ns, dev, addr).queue);
    for packet in queue {
        output(cx, ns, dev, addr, packet);
    }
}
