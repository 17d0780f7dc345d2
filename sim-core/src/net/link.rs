//! The link layer: frames onto devices and off them.
//!
//! - An Ethernet port (`eth0`) puts frames on the underlay toward the machine port that
//!   owns the destination MAC.
//! - A veth end hands the frame to its peer in the other namespace, a separate event
//!   `VETH_LATENCY` later.
//! - A Linux bridge (docker0) forwards by its forwarding database: it learns each source
//!   MAC on the port it came in by, sends known unicast to that port, and floods broadcast
//!   and unknown unicast to every other port. Frames for the bridge's own MAC, and
//!   broadcasts, also go up to the bridge device's own IP layer. FDB entries age out after
//!   300 s (`ageing_time`).
//!
//! Simplification (docs/architecture.md): on the underlay, a broadcast (an ARP request)
//! is delivered only to the machine that owns the address asked for; every other machine
//! on the segment would receive and ignore it, and the trace leaves them out.

use super::capture::{self, Captured, Dir};
use super::fabric::Step;
use super::{DevId, DevKind, Msg, Net, NsId, VertexId, neigh, stack};
use crate::engine::{ActorId, Ctx, Dur, SimTime};
use crate::trace::{DropReason, TraceEvent};
use crate::wire::eth::{Frame, Mac, Payload};

type Cx<'a, 'b> = &'a mut Ctx<'b, Net>;

/// What a veth crossing costs in simulated time: the softirq hop to the peer namespace.
/// A modelled figure (a container pinging its neighbour through docker0 sees about 0.05 to
/// 0.1 ms on an idle machine), not a measurement of this simulator.
pub const VETH_LATENCY: Dur = Dur::from_micros(15);

/// `ageing_time`: how long a learned FDB entry lasts without traffic from its MAC.
pub const FDB_AGEING: Dur = Dur::from_secs(300);

/// A learned forwarding-database entry of a bridge.
#[derive(Clone, Copy, Debug)]
pub struct FdbEntry {
    pub port: DevId,
    pub updated: SimTime,
}

/// Puts `frame` on `dev`. `in_port` is the bridge port it came in by when a bridge is
/// forwarding it (never sent back there).
pub fn xmit(cx: Cx<'_, '_>, ns: NsId, dev: DevId, frame: Frame, in_port: Option<DevId>) {
    let netns = cx.world.ns(ns);
    let device = netns.dev(dev);
    let kernel = netns.kernel;
    if !device.up {
        let reason = DropReason::DeviceDown {
            dev: device.name.clone(),
        };
        drop_frame(cx, kernel, &frame, reason);
        return;
    }
    // A bridge counts what the host sends through it, not what it forwards between ports.
    if device.kind != DevKind::Bridge || in_port.is_none() {
        let stats = &mut cx.world.ns_mut(ns).dev_mut(dev).stats;
        stats.tx_packets += 1;
        stats.tx_bytes += frame.len();
        capture::tap(cx, ns, dev, Dir::Out, || Captured::Frame(frame.clone()));
    }
    let device = cx.world.ns(ns).dev(dev);
    match device.kind {
        DevKind::Loopback | DevKind::Tun { .. } | DevKind::Dummy => {
            unreachable!("loopback, TUN and dummy devices carry no frames")
        }
        DevKind::Ether { vertex } => underlay_xmit(cx, ns, vertex, frame),
        DevKind::Veth { peer_ns, peer_dev } => {
            let peer = cx.world.ns(peer_ns).kernel;
            cx.send_in(
                VETH_LATENCY,
                peer,
                Msg::Rx {
                    dev: peer_dev,
                    frame: Box::new(frame),
                },
            );
        }
        DevKind::Bridge => bridge_forward(cx, ns, dev, in_port, frame),
        DevKind::Vxlan { vni, port, local } => vxlan_xmit(cx, ns, dev, (vni, port, local), frame),
    }
}

/// The VXLAN device's transmit (`vxlan_xmit`): the remote VTEP for the frame's destination
/// MAC from the device's forwarding database, then one UDP datagram from this machine to
/// it. The source port is a hash of the inner flow in 32768..61000, as Linux spreads
/// flows (`udp_flow_src_port`; the hash here is not Linux's jhash). DF stays clear (the
/// device's `df` is unset).
fn vxlan_xmit(
    cx: Cx<'_, '_>,
    ns: NsId,
    dev: DevId,
    (vni, port, local): (u32, u16, std::net::Ipv4Addr),
    frame: Frame,
) {
    let netns = cx.world.ns(ns);
    let kernel = netns.kernel;
    let Some(remote) = netns.vxlan_fdb.get(&(dev, frame.dst)).copied() else {
        let reason = DropReason::NoVxlanFdb {
            mac: frame.dst,
            dev: netns.dev(dev).name.clone(),
        };
        drop_frame(cx, kernel, &frame, reason);
        return;
    };
    let sport = match &frame.payload {
        Payload::Ip(p) => flow_port(p),
        Payload::Arp(_) => 32768,
    };
    let id = cx.world.packet_id();
    let ident = cx.world.ns_mut(ns).ip_ident();
    let inner = frame.id();
    let outer = crate::wire::Packet {
        id,
        parent: Some(inner),
        ip: crate::wire::Ipv4Header {
            src: local,
            dst: remote,
            ttl: crate::wire::DEFAULT_TTL,
            ident,
            df: false,
        },
        l4: crate::wire::L4::Udp(crate::wire::Udp {
            sport,
            dport: port,
            payload: crate::wire::UdpPayload::Vxlan {
                vni,
                frame: Box::new(frame),
            },
        }),
        frag: None,
        mark: 0,
        ct: None,
        cost_ns: 0,
    };
    cx.trace(TraceEvent::Encap {
        inner,
        outer: id,
        how: format!(
            "vni {vni} to {remote}:{port} (fdb of {})",
            cx.world.ns(ns).dev(dev).name
        ),
    });
    if stack::output(cx, ns, outer).is_err() {
        let node = cx.world.ns(ns).name.clone();
        cx.trace(TraceEvent::Dropped {
            packet: id,
            reason: DropReason::NoRoute { dst: remote, node },
        });
    }
}

/// A deterministic spread of inner flows over the ephemeral range 32768..61000.
fn flow_port(p: &crate::wire::Packet) -> u16 {
    let mut h: u32 = 2_166_136_261;
    let mut mix = |x: u32| {
        h ^= x;
        h = h.wrapping_mul(16_777_619);
    };
    mix(u32::from(p.ip.src));
    mix(u32::from(p.ip.dst));
    mix(p.proto_number() as u32);
    if let crate::wire::L4::Udp(u) = &p.l4 {
        mix(((u.sport as u32) << 16) | u.dport as u32);
    }
    32768 + (h % (61000 - 32768)) as u16
}

/// UDP for a VXLAN device's port arrived: unwrap it and receive the frame on the device
/// (a separate event, as the kernel's vxlan_rcv hands it to the device's receive path).
/// Returns the datagram back when no VXLAN device listens on its port.
pub fn vxlan_rcv(
    cx: Cx<'_, '_>,
    ns: NsId,
    packet: crate::wire::Packet,
) -> Option<crate::wire::Packet> {
    let crate::wire::L4::Udp(udp) = &packet.l4 else {
        return Some(packet);
    };
    let netns = cx.world.ns(ns);
    let found = netns.vxlan_ports.get(&udp.dport).copied().filter(|d| {
        matches!((netns.dev(*d).kind, &udp.payload),
            (DevKind::Vxlan { vni, .. }, crate::wire::UdpPayload::Vxlan { vni: v, .. }) if *v == vni)
    });
    let Some(dev) = found else {
        return Some(packet);
    };
    let kernel = netns.kernel;
    let name = netns.dev(dev).name.clone();
    let crate::wire::L4::Udp(crate::wire::Udp {
        payload: crate::wire::UdpPayload::Vxlan { frame, .. },
        ..
    }) = packet.l4
    else {
        unreachable!("matched above")
    };
    cx.trace(TraceEvent::Decap {
        outer: packet.id,
        inner: frame.id(),
        dev: name,
    });
    cx.send(kernel, Msg::Rx { dev, frame });
    None
}

fn underlay_xmit(cx: Cx<'_, '_>, ns: NsId, vertex: VertexId, frame: Frame) {
    let kernel = cx.world.ns(ns).kernel;
    let dest = if frame.dst.is_broadcast() {
        match &frame.payload {
            Payload::Arp(arp) => cx.world.fabric.owner_of(vertex, arp.tpa),
            Payload::Ip(_) => None,
        }
    } else {
        cx.world.fabric.port_of(vertex, frame.dst)
    };
    match dest {
        Some(dest) => fabric_step(cx, vertex, dest, Box::new(frame)),
        // A broadcast nobody answers: every machine ignores it; the asker's timer reports.
        None if frame.dst.is_broadcast() => {}
        None => {
            let reason = DropReason::UnknownMac { mac: frame.dst };
            drop_frame(cx, kernel, &frame, reason);
        }
    }
}

/// Moves a frame one link toward `dest`, or drops it with the link's reason. Runs for the
/// vertex the frame is at (a machine port sending, or a switch forwarding).
pub fn fabric_step(cx: Cx<'_, '_>, at: VertexId, dest: VertexId, frame: Box<Frame>) {
    let actor = cx.world.fabric.vertex(at).actor;
    let ip_len = (frame.len() - crate::wire::eth::ETH_HEADER_LEN as u64) as u32;
    match cx.world.fabric.step(at, dest, cx.now(), ip_len) {
        Step::Cross { next, delay } => {
            let to = cx.world.fabric.vertex(next).actor;
            cx.send_in(
                delay,
                to,
                Msg::Frame {
                    from: at,
                    dest,
                    frame,
                },
            );
        }
        Step::LinkDown { link } => drop_frame(cx, actor, &frame, DropReason::LinkDown { link }),
        Step::TooBig { link, mtu } => {
            let reason = DropReason::LinkMtu {
                link,
                len: ip_len,
                mtu,
            };
            drop_frame(cx, actor, &frame, reason)
        }
        Step::LinkLoss { link, loss_ppm } => {
            drop_frame(cx, actor, &frame, DropReason::LinkLoss { link, loss_ppm })
        }
        Step::NoPath => {
            // port_of/owner_of only answer with a port in the same segment.
            drop_frame(cx, actor, &frame, DropReason::UnknownMac { mac: frame.dst })
        }
    }
}

fn drop_frame(cx: Cx<'_, '_>, actor: ActorId, frame: &Frame, reason: DropReason) {
    cx.trace_as(
        actor,
        TraceEvent::Dropped {
            packet: frame.id(),
            reason,
        },
    );
}

/// A frame arrives on `dev` (`netif_receive_skb`): a bridge port hands it to its bridge;
/// otherwise the device keeps frames for its own MAC and broadcasts.
pub fn rx(cx: Cx<'_, '_>, ns: NsId, dev: DevId, frame: Frame) {
    count_rx(cx, ns, dev, frame.len());
    capture::tap(cx, ns, dev, Dir::In, || Captured::Frame(frame.clone()));
    let device = cx.world.ns(ns).dev(dev);
    if let Some(bridge) = device.master {
        return bridge_input(cx, ns, bridge, dev, frame);
    }
    if frame.dst != device.mac && !frame.dst.is_broadcast() {
        let reason = DropReason::OtherHost {
            mac: frame.dst,
            dev: device.name.clone(),
        };
        let kernel = cx.world.ns(ns).kernel;
        drop_frame(cx, kernel, &frame, reason);
        return;
    }
    up(cx, ns, dev, frame);
}

pub fn count_rx(cx: Cx<'_, '_>, ns: NsId, dev: DevId, bytes: u64) {
    let stats = &mut cx.world.ns_mut(ns).dev_mut(dev).stats;
    stats.rx_packets += 1;
    stats.rx_bytes += bytes;
}

/// Hands a frame's payload to the protocol: ARP or IPv4.
fn up(cx: Cx<'_, '_>, ns: NsId, dev: DevId, frame: Frame) {
    match frame.payload {
        Payload::Arp(arp) => neigh::arp_rcv(cx, ns, dev, arp),
        Payload::Ip(packet) => stack::receive(cx, ns, dev, packet),
    }
}

/// A frame came in on a bridge port (`br_handle_frame`): learn, then forward and/or keep.
fn bridge_input(cx: Cx<'_, '_>, ns: NsId, bridge: DevId, port: DevId, frame: Frame) {
    // A capture on the bridge puts it in promiscuous mode: every frame its ports bring
    // in goes up to the bridge device too (`br_handle_frame_finish`'s IFF_PROMISC case).
    let goes_up = frame.dst.is_broadcast() || frame.dst == cx.world.ns(ns).dev(bridge).mac;
    capture::tap_bridge(cx, ns, bridge, goes_up, || Captured::Frame(frame.clone()));
    let now = cx.now();
    let netns = cx.world.ns_mut(ns);
    if !frame.src.is_broadcast() {
        netns
            .fdb
            .insert((bridge, frame.src), FdbEntry { port, updated: now });
    }
    let br_mac = netns.dev(bridge).mac;
    if frame.dst == br_mac {
        count_rx(cx, ns, bridge, frame.len());
        return up(cx, ns, bridge, frame);
    }
    if frame.dst.is_broadcast() {
        bridge_forward(cx, ns, bridge, Some(port), frame.clone());
        count_rx(cx, ns, bridge, frame.len());
        return up(cx, ns, bridge, frame);
    }
    bridge_forward(cx, ns, bridge, Some(port), frame);
}

/// Forwards a frame through a bridge: to the port its destination was learned on, or
/// flooded to every port but the one it came in by.
fn bridge_forward(cx: Cx<'_, '_>, ns: NsId, bridge: DevId, in_port: Option<DevId>, frame: Frame) {
    let now = cx.now();
    let netns = cx.world.ns(ns);
    let learned = netns
        .fdb
        .get(&(bridge, frame.dst))
        .filter(|e| now < e.updated + FDB_AGEING)
        .map(|e| e.port);
    let name = |d: DevId| netns.dev(d).name.clone();
    let from = name(in_port.unwrap_or(bridge));
    let (out, how): (Vec<DevId>, _) = match learned {
        // A bridge never sends a frame back where it came from (it is filtered).
        Some(port) if Some(port) == in_port => (Vec::new(), FloodOr::Filtered),
        Some(port) => (vec![port], FloodOr::Learned),
        None => (
            netns
                .ports(bridge)
                .filter(|p| Some(*p) != in_port && netns.dev(*p).up)
                .collect(),
            if frame.dst.is_broadcast() {
                FloodOr::Broadcast
            } else {
                FloodOr::Unknown
            },
        ),
    };
    let event = TraceEvent::Bridged {
        packet: frame.id(),
        bridge: name(bridge),
        from,
        to: out.iter().map(|p| name(*p)).collect(),
        how: how.describe(frame.dst),
    };
    cx.trace(event);
    let mut frame = frame;
    if let (Some(_), Payload::Ip(packet)) = (in_port, &mut frame.payload) {
        if !out.is_empty() {
            super::netfilter::bridged(cx, ns, packet);
        }
    }
    for port in out {
        xmit(cx, ns, port, frame.clone(), in_port);
    }
}

enum FloodOr {
    Learned,
    Filtered,
    Broadcast,
    Unknown,
}

impl FloodOr {
    fn describe(&self, dst: Mac) -> String {
        match self {
            FloodOr::Learned => format!("fdb: {dst} was learned on that port"),
            FloodOr::Filtered => format!("filtered: {dst} is on the port it came in by"),
            FloodOr::Broadcast => "flood: broadcast".into(),
            FloodOr::Unknown => format!("flood: {dst} is not in the fdb"),
        }
    }
}
