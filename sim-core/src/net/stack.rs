//! The kernel's packet paths, in Linux's order: output (locally generated) -> routing ->
//! device transmit; receive -> local delivery or forward (TTL, routing) -> transmit.
//!
//! All of it runs inside one event of whichever actor is acting (a process sending, the
//! kernel actor receiving); leaving through a device schedules the next event. Every packet
//! that goes no further is traced as `Dropped` with a reason.

use std::net::Ipv4Addr;

use super::{DevId, DevKind, Msg, Net, NsId, link, neigh, netfilter};
use crate::engine::{Actor, Ctx};
use crate::trace::{Consumer, DropReason, TraceEvent};
use crate::wire::{DEFAULT_TTL, Icmp, Ipv4Header, L4, Packet, UnreachCode};

type Cx<'a, 'b> = &'a mut Ctx<'b, Net>;

/// Why a locally generated packet could not be sent (what `sendto`/`connect` return).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendError {
    /// ENETUNREACH: no route.
    NetworkUnreachable,
    /// EMSGSIZE: DF is set and the packet is bigger than the route's device MTU.
    MessageTooLong { mtu: u16 },
}

/// A device's MTU as the IPv4 layer uses it (lo's 65536 caps at the largest datagram).
fn mtu_of(dev: &super::Device) -> u16 {
    dev.mtu.min(u16::MAX as u32) as u16
}

/// The MTU of the device a packet to `dst` would leave by, or `None` with no route.
pub fn path_mtu(cx: Cx<'_, '_>, ns: NsId, dst: Ipv4Addr) -> Option<u16> {
    let netns = cx.world.ns(ns);
    if dst.is_unspecified() || netns.is_local(dst) {
        return Some(mtu_of(netns.dev(DevId(0))));
    }
    let route = netns.routes.lookup(dst)?;
    Some(mtu_of(netns.dev(route.dev)))
}

/// The source address the kernel would pick for a packet to `dst` (the route's `src`, or
/// the outgoing device's primary address), or `None` when there is no route.
pub fn source_for(cx: Cx<'_, '_>, ns: NsId, dst: Ipv4Addr) -> Option<Ipv4Addr> {
    if dst.is_unspecified() {
        return Some(Ipv4Addr::LOCALHOST);
    }
    let netns = cx.world.ns(ns);
    if netns.is_local(dst) {
        return Some(if dst.is_loopback() {
            Ipv4Addr::LOCALHOST
        } else {
            dst
        });
    }
    let route = netns.routes.lookup(dst)?;
    route.src.or_else(|| netns.primary_addr(route.dev))
}

/// Sends a packet this namespace originates. Fills in the source address if unspecified.
/// Returns an error, and traces nothing, when there is no route (the caller reports it the
/// way its syscall would).
pub fn output(cx: Cx<'_, '_>, ns: NsId, mut packet: Packet) -> Result<(), SendError> {
    if packet.ip.dst.is_unspecified() {
        // Linux sends to 0.0.0.0 as to this host: both ends become 127.0.0.1
        // (ip_route_output_key_hash_rcu).
        packet.ip.dst = Ipv4Addr::LOCALHOST;
        packet.ip.src = Ipv4Addr::LOCALHOST;
    }
    // The route to the address the socket named picks the source (ip_route_output): a
    // Service's ClusterIP needs a route too (the default route does).
    if packet.ip.src.is_unspecified() {
        packet.ip.src = source_for(cx, ns, packet.ip.dst).ok_or(SendError::NetworkUnreachable)?;
    } else if !cx.world.ns(ns).is_local(packet.ip.dst)
        && cx.world.ns(ns).routes.lookup(packet.ip.dst).is_none()
    {
        return Err(SendError::NetworkUnreachable);
    }
    // OUTPUT: conntrack, and the nat table (DNAT to a Service's endpoint) may give the
    // packet another destination; it is routed again for that one.
    let hook = netfilter::dst_hook(cx, ns, None, &mut packet);
    if !filtered(cx, ns, hook, &packet) {
        return Ok(());
    }
    let dst = packet.ip.dst;
    let netns = cx.world.ns(ns);
    if netns.is_local(dst) {
        if !filter_output(cx, ns, DevId(0), &mut packet) {
            return Ok(());
        }
        let kernel = cx.world.ns(ns).kernel;
        cx.trace_as(
            kernel,
            TraceEvent::Sent {
                dev: "lo".into(),
                packet: packet.clone(),
            },
        );
        let hook = netfilter::src_hook(cx, ns, DevId(0), &mut packet);
        if !filtered(cx, ns, hook, &packet) {
            return Ok(());
        }
        loopback_xmit(cx, ns, packet);
        return Ok(());
    }
    let Some(route) = netns.routes.lookup(dst) else {
        return Err(SendError::NetworkUnreachable);
    };
    let (dev, next_hop) = (route.dev, route.via.unwrap_or(dst));
    let mtu = mtu_of(netns.dev(dev));
    if packet.ip.df && packet.len() > mtu {
        return Err(SendError::MessageTooLong { mtu });
    }
    if !filter_output(cx, ns, dev, &mut packet) {
        return Ok(());
    }
    let netns = cx.world.ns(ns);
    let kernel = netns.kernel;
    let dev_name = netns.dev(dev).name.clone();
    cx.trace_as(
        kernel,
        TraceEvent::Sent {
            dev: dev_name,
            packet: packet.clone(),
        },
    );
    transmit(cx, ns, dev, next_hop, packet);
    Ok(())
}

/// The filter table's OUTPUT chain for a locally generated packet leaving by `dev`.
/// Returns false when a rule dropped or rejected it (a REJECT's ICMP error reaches the
/// sending socket through loopback, as Linux's does: `connect` fails at once).
fn filter_output(cx: Cx<'_, '_>, ns: NsId, dev: DevId, packet: &mut Packet) -> bool {
    let hook = netfilter::filter(cx, ns, "OUTPUT", None, Some(dev), packet);
    filtered(cx, ns, hook, packet)
}

/// Acts on a filter verdict: traces the drop, answers a REJECT. True when the packet
/// goes on.
fn filtered(cx: Cx<'_, '_>, ns: NsId, hook: netfilter::HookResult, packet: &Packet) -> bool {
    let node = cx.world.ns(ns).name.clone();
    let kernel = cx.world.ns(ns).kernel;
    match hook {
        netfilter::HookResult::Continue => true,
        netfilter::HookResult::Drop(rule, why) => {
            drop_packet(cx, kernel, packet, DropReason::Filtered { rule, node, why });
            false
        }
        netfilter::HookResult::Reject(rule) => {
            drop_packet(cx, kernel, packet, DropReason::Rejected { rule, node });
            icmp_error(cx, ns, packet, IcmpError::PortUnreachable);
            false
        }
        netfilter::HookResult::TooDeep { table, chain } => {
            let reason = DropReason::RulesetTooDeep {
                table: table.name().into(),
                chain,
                visits: netfilter::WALK_BUDGET,
                node,
            };
            drop_packet(cx, kernel, packet, reason);
            false
        }
        netfilter::HookResult::NoRealServer(service) => {
            let reason = DropReason::IpvsNoRealServer { service, node };
            drop_packet(cx, kernel, packet, reason);
            icmp_error(cx, ns, packet, IcmpError::PortUnreachable);
            false
        }
    }
}

/// Puts a packet on a device toward `next_hop`, first fitting it to the device's MTU:
/// a DF packet that does not fit is dropped with ICMP "fragmentation needed" (only a
/// forwarded one can get here: output refuses it with EMSGSIZE); any other is fragmented.
fn transmit(cx: Cx<'_, '_>, ns: NsId, dev: DevId, next_hop: Ipv4Addr, mut packet: Packet) {
    let hook = netfilter::src_hook(cx, ns, dev, &mut packet);
    if !filtered(cx, ns, hook, &packet) {
        return;
    }
    let netns = cx.world.ns(ns);
    let mtu = mtu_of(netns.dev(dev));
    if packet.len() <= mtu {
        return transmit_one(cx, ns, dev, next_hop, packet);
    }
    let kernel = netns.kernel;
    let dev_name = netns.dev(dev).name.clone();
    if packet.ip.df {
        let reason = DropReason::FragNeeded {
            len: packet.len(),
            mtu,
            dev: dev_name,
            node: netns.name.clone(),
        };
        drop_packet(cx, kernel, &packet, reason);
        icmp_error(cx, ns, &packet, IcmpError::FragNeeded { mtu });
        return;
    }
    let world = &mut *cx.world;
    let pieces = packet.fragment(mtu, || world.packet_id());
    cx.trace_as(
        kernel,
        TraceEvent::Fragmented {
            packet: packet.id,
            into: pieces.iter().map(|p| p.id).collect(),
            dev: dev_name,
            mtu,
        },
    );
    for piece in pieces {
        transmit_one(cx, ns, dev, next_hop, piece);
    }
}

/// Puts one packet that fits on a device toward `next_hop`: loopback takes it as it is;
/// an Ethernet device resolves the next hop's MAC first (`neigh`).
fn transmit_one(cx: Cx<'_, '_>, ns: NsId, dev: DevId, next_hop: Ipv4Addr, mut packet: Packet) {
    if packet.cost_ns > 0 {
        // The rules it walked took CPU time: it leaves that much later.
        let delay = crate::engine::Dur::from_nanos(std::mem::take(&mut packet.cost_ns));
        let kernel = cx.world.ns(ns).kernel;
        cx.send_in(
            delay,
            kernel,
            Msg::Xmit {
                dev,
                next_hop,
                packet: Box::new(packet),
            },
        );
        return;
    }
    let netns = cx.world.ns(ns);
    let kernel = netns.kernel;
    let device = netns.dev(dev);
    if !device.up {
        let reason = DropReason::DeviceDown {
            dev: device.name.clone(),
        };
        drop_packet(cx, kernel, &packet, reason);
        return;
    }
    match device.kind {
        DevKind::Tun { reader } => tun_xmit(cx, ns, dev, reader, packet),
        kind if kind.is_ethernet() => neigh::output(cx, ns, dev, next_hop, packet),
        _ => loopback_xmit(cx, ns, packet),
    }
}

/// How long a packet takes from the kernel to the process reading a TUN device, or back:
/// a `read`/`write` on the character device and a wake-up. A modelled figure.
pub const TUN_LATENCY: crate::engine::Dur = crate::engine::Dur::from_micros(10);

/// The kernel sends a packet on a TUN device: the process holding it reads the packet
/// (a separate event, after a context switch).
fn tun_xmit(cx: Cx<'_, '_>, ns: NsId, dev: DevId, _reader: crate::engine::ActorId, packet: Packet) {
    let stats = &mut cx.world.ns_mut(ns).dev_mut(dev).stats;
    stats.tx_packets += 1;
    stats.tx_bytes += packet.len() as u64;
    super::capture::tap(cx, ns, dev, super::capture::Dir::Out, || {
        super::capture::Captured::Packet(packet.clone())
    });
    // Through the kernel, which hands it to the reader if the device is still open.
    let kernel = cx.world.ns(ns).kernel;
    cx.send_in(
        TUN_LATENCY,
        kernel,
        Msg::TunRead {
            dev,
            packet: Box::new(packet),
        },
    );
}

/// A process writes a packet into a TUN device: the kernel receives it on that device
/// (a separate event for the namespace's kernel).
pub fn tun_write(cx: Cx<'_, '_>, ns: NsId, dev: DevId, packet: Packet) {
    let kernel = cx.world.ns(ns).kernel;
    cx.send_in(
        TUN_LATENCY,
        kernel,
        Msg::TunWrite {
            dev,
            packet: Box::new(packet),
        },
    );
}

/// Loopback: counted as sent and received on `lo` (with the Ethernet header lo carries),
/// then received as a separate event at the same instant.
fn loopback_xmit(cx: Cx<'_, '_>, ns: NsId, packet: Packet) {
    let bytes = crate::wire::eth::ETH_HEADER_LEN as u64 + packet.len() as u64;
    let netns = cx.world.ns_mut(ns);
    let kernel = netns.kernel;
    let stats = &mut netns.dev_mut(DevId(0)).stats;
    stats.tx_packets += 1;
    stats.tx_bytes += bytes;
    stats.rx_packets += 1;
    stats.rx_bytes += bytes;
    // lo is an Ethernet device with zero addresses (tcpdump -i lo: link-type EN10MB).
    for dir in [super::capture::Dir::Out, super::capture::Dir::In] {
        super::capture::tap(cx, ns, DevId(0), dir, || {
            super::capture::Captured::Frame(crate::wire::eth::Frame {
                src: crate::wire::eth::Mac::ZERO,
                dst: crate::wire::eth::Mac::ZERO,
                payload: crate::wire::eth::Payload::Ip(packet.clone()),
            })
        });
    }
    cx.send(
        kernel,
        Msg::Loopback {
            packet: Box::new(packet),
        },
    );
}

/// The next hop could not be resolved: the sender gets ICMP host unreachable, from this
/// machine's own address (what ping shows as "From <self> ... Destination Host
/// Unreachable").
pub fn host_unreachable(cx: Cx<'_, '_>, ns: NsId, packet: &Packet) {
    icmp_error(cx, ns, packet, IcmpError::HostUnreachable);
}

fn drop_packet(cx: Cx<'_, '_>, actor: crate::engine::ActorId, packet: &Packet, reason: DropReason) {
    cx.trace_as(
        actor,
        TraceEvent::Dropped {
            packet: packet.id,
            reason,
        },
    );
}

/// A packet arrives on `dev` of namespace `ns`.
pub fn receive(cx: Cx<'_, '_>, ns: NsId, dev: DevId, mut packet: Packet) {
    let netns = cx.world.ns(ns);
    let kernel = netns.kernel;
    let dev_name = netns.dev(dev).name.clone();
    let is_loopback = netns.dev(dev).kind == DevKind::Loopback;
    let ip_forward = netns.ip_forward;
    if !is_loopback {
        cx.trace(TraceEvent::Received {
            dev: dev_name.clone(),
            packet: packet.clone(),
        });
    }
    let hook = netfilter::dst_hook(cx, ns, Some(dev), &mut packet);
    if !filtered(cx, ns, hook, &packet) {
        return;
    }
    let is_local = cx.world.ns(ns).is_local(packet.ip.dst);
    if !is_loopback && cx.world.ns(ns).is_local(packet.ip.src) {
        let reason = DropReason::MartianSource {
            src: packet.ip.src,
            dev: dev_name,
            node: node_name(cx, ns),
        };
        drop_packet(cx, kernel, &packet, reason);
        return;
    }
    if is_local {
        let hook = netfilter::input_hook(cx, ns, dev, &mut packet);
        if !filtered(cx, ns, hook, &packet) {
            return;
        }
        if packet.frag.is_some() {
            if let Some(whole) = reassemble(cx, ns, packet) {
                deliver_local(cx, ns, whole);
            }
        } else {
            deliver_local(cx, ns, packet);
        }
        return;
    }
    if !ip_forward {
        let reason = DropReason::NotForwarding {
            dst: packet.ip.dst,
            node: node_name(cx, ns),
        };
        drop_packet(cx, kernel, &packet, reason);
        return;
    }
    // Linux's order: the input route lookup (ip_route_input), then ip_forward's TTL check,
    // then its MTU check for DF packets, and only then the TTL decrement.
    let netns = cx.world.ns(ns);
    let Some(route) = netns.routes.lookup(packet.ip.dst) else {
        let reason = DropReason::NoRoute {
            dst: packet.ip.dst,
            node: netns.name.clone(),
        };
        drop_packet(cx, kernel, &packet, reason);
        icmp_error(cx, ns, &packet, IcmpError::NetUnreachable);
        return;
    };
    let (out_dev, next_hop) = (route.dev, route.via.unwrap_or(packet.ip.dst));
    let to_dev = netns.dev(out_dev).name.clone();
    let mtu = mtu_of(netns.dev(out_dev));
    if packet.ip.ttl <= 1 {
        let node = netns.name.clone();
        drop_packet(cx, kernel, &packet, DropReason::TtlExceeded { node });
        icmp_error(cx, ns, &packet, IcmpError::TtlExceeded { in_dev: dev });
        return;
    }
    if packet.ip.df && packet.len() > mtu {
        let reason = DropReason::FragNeeded {
            len: packet.len(),
            mtu,
            dev: to_dev,
            node: netns.name.clone(),
        };
        drop_packet(cx, kernel, &packet, reason);
        icmp_error(cx, ns, &packet, IcmpError::FragNeeded { mtu });
        return;
    }
    packet.ip.ttl -= 1;
    let hook = netfilter::filter(cx, ns, "FORWARD", Some(dev), Some(out_dev), &mut packet);
    if !filtered(cx, ns, hook, &packet) {
        return;
    }
    cx.trace(TraceEvent::Forwarded {
        from_dev: dev_name,
        to_dev,
        packet: packet.clone(),
    });
    transmit(cx, ns, out_dev, next_hop, packet);
}

fn deliver_local(cx: Cx<'_, '_>, ns: NsId, packet: Packet) {
    if matches!(packet.l4, L4::Tcp(_)) {
        return super::tcp::input(cx, ns, packet);
    }
    if super::tcp::icmp_error(cx, ns, &packet) {
        return;
    }
    let icmp = match &packet.l4 {
        L4::Icmp(icmp) => icmp,
        L4::Tcp(_) => unreachable!("handled above"),
        L4::Udp(_) => {
            // A VXLAN device's port is the kernel's own socket.
            let Some(packet) = link::vxlan_rcv(cx, ns, packet) else {
                return;
            };
            let L4::Udp(udp) = &packet.l4 else {
                unreachable!("given back unchanged")
            };
            let port = udp.dport;
            return match cx.world.ns(ns).udp_sockets.get(&port).copied() {
                Some(process) => to_process(
                    cx,
                    process,
                    Msg::Udp {
                        packet: Box::new(packet),
                    },
                ),
                None => {
                    // Nothing listens: the kernel answers ICMP port unreachable.
                    let kernel = cx.world.ns(ns).kernel;
                    drop_packet(cx, kernel, &packet, DropReason::NoUdpSocket { port });
                    icmp_error(cx, ns, &packet, IcmpError::PortUnreachable);
                }
            };
        }
    };
    let socket = match icmp {
        Icmp::EchoRequest { ident, seq, data } => {
            cx.trace(TraceEvent::Delivered {
                packet: packet.id,
                to: Consumer::EchoResponder,
            });
            let id = cx.world.packet_id();
            let ip_ident = cx.world.ns_mut(ns).ip_ident();
            let reply = Packet {
                id,
                parent: Some(packet.id),
                ip: Ipv4Header {
                    src: packet.ip.dst,
                    dst: packet.ip.src,
                    ttl: DEFAULT_TTL,
                    ident: ip_ident,
                    df: false,
                },
                l4: L4::Icmp(Icmp::EchoReply {
                    ident: *ident,
                    seq: *seq,
                    data: *data,
                }),
                frag: None,
                mark: 0,
                ct: None,
                cost_ns: 0,
            };
            if output(cx, ns, reply).is_err() {
                // No route back to the pinger: the reply dies here, and says so.
                let reason = DropReason::NoRoute {
                    dst: packet.ip.src,
                    node: cx.world.ns(ns).name.clone(),
                };
                cx.trace(TraceEvent::Dropped { packet: id, reason });
            }
            return;
        }
        Icmp::EchoReply { ident, .. } => Socket::Icmp(*ident),
        Icmp::DestUnreachable { quoted, .. } | Icmp::TimeExceeded { quoted } => match quoted.l4 {
            crate::wire::QuotedL4::Icmp { ident, .. } => Socket::Icmp(ident),
            crate::wire::QuotedL4::Udp { sport, .. } => Socket::Udp(sport),
            // About a segment of no current connection: nobody to tell.
            crate::wire::QuotedL4::Tcp { sport, .. } => Socket::Tcp(sport),
        },
    };
    let netns = cx.world.ns(ns);
    let process = match socket {
        Socket::Icmp(ident) => netns.icmp_sockets.get(&ident),
        Socket::Udp(port) => netns.udp_sockets.get(&port),
        Socket::Tcp(_) => None,
    };
    match process.copied() {
        Some(process) => to_process(
            cx,
            process,
            Msg::Icmp {
                packet: Box::new(packet),
            },
        ),
        None => {
            let kernel = cx.world.ns(ns).kernel;
            let reason = match socket {
                Socket::Icmp(ident) => DropReason::NoSocket { ident },
                Socket::Udp(port) => DropReason::NoUdpSocket { port },
                Socket::Tcp(port) => DropReason::TcpNoConnection {
                    port,
                    what: "an ICMP error".into(),
                },
            };
            drop_packet(cx, kernel, &packet, reason);
        }
    }
}

enum Socket {
    Icmp(u16),
    Udp(u16),
    Tcp(u16),
}

/// Hands a packet to the process whose socket it is for, tracing `delivered`.
fn to_process(cx: Cx<'_, '_>, process: crate::engine::ActorId, msg: Msg) {
    let (Msg::Icmp { packet } | Msg::Udp { packet }) = &msg else {
        unreachable!("sockets get ICMP and UDP messages")
    };
    cx.trace(TraceEvent::Delivered {
        packet: packet.id,
        to: Consumer::Process {
            name: cx.name(process).to_string(),
        },
    });
    cx.send(process, msg);
}

enum IcmpError {
    HostUnreachable,
    NetUnreachable,
    PortUnreachable,
    FragNeeded { mtu: u16 },
    TtlExceeded { in_dev: DevId },
}

/// Sends an ICMP error about `about` back to its source: never about an ICMP error, nor
/// about a fragment other than the first (RFC 1122 3.2.2).
fn icmp_error(cx: Cx<'_, '_>, ns: NsId, about: &Packet, kind: IcmpError) {
    if about.is_icmp_error() || about.is_later_fragment() {
        return;
    }
    let netns = cx.world.ns(ns);
    // Source: the address of the device it arrived on (TTL), else the one toward the sender.
    let src = match kind {
        IcmpError::TtlExceeded { in_dev } => netns.primary_addr(in_dev),
        _ => None,
    };
    let src = src
        .or_else(|| source_for(cx, ns, about.ip.src))
        .unwrap_or(Ipv4Addr::UNSPECIFIED);
    let quoted = Box::new(about.quote());
    let l4 = L4::Icmp(match kind {
        IcmpError::HostUnreachable => Icmp::DestUnreachable {
            code: UnreachCode::Host,
            quoted,
        },
        IcmpError::NetUnreachable => Icmp::DestUnreachable {
            code: UnreachCode::Net,
            quoted,
        },
        IcmpError::PortUnreachable => Icmp::DestUnreachable {
            code: UnreachCode::Port,
            quoted,
        },
        IcmpError::FragNeeded { mtu } => Icmp::DestUnreachable {
            code: UnreachCode::FragNeeded { mtu },
            quoted,
        },
        IcmpError::TtlExceeded { .. } => Icmp::TimeExceeded { quoted },
    });
    let id = cx.world.packet_id();
    let ident = cx.world.ns_mut(ns).ip_ident();
    let error = Packet {
        id,
        parent: Some(about.id),
        ip: Ipv4Header {
            src,
            dst: about.ip.src,
            ttl: DEFAULT_TTL,
            ident,
            df: false,
        },
        l4,
        frag: None,
        mark: 0,
        ct: None,
        cost_ns: 0,
    };
    if output(cx, ns, error).is_err() {
        // No route back to the sender: the error itself goes no further.
        let reason = DropReason::NoRoute {
            dst: about.ip.src,
            node: cx.world.ns(ns).name.clone(),
        };
        let kernel = cx.world.ns(ns).kernel;
        cx.trace_as(kernel, TraceEvent::Dropped { packet: id, reason });
    }
}

/// How long fragments wait for the rest of their datagram (`net.ipv4.ipfrag_time`).
const IPFRAG_TIME: crate::engine::Dur = crate::engine::Dur::from_secs(30);

/// Keeps a fragment until its datagram is complete; returns the whole datagram then (with
/// the datagram's own id, which every fragment names as its parent).
fn reassemble(cx: Cx<'_, '_>, ns: NsId, piece: Packet) -> Option<Packet> {
    let key = (
        piece.ip.src,
        piece.ip.dst,
        piece.ip.ident,
        piece.proto_number(),
    );
    if !cx.world.ns(ns).frags.contains_key(&key) {
        let timer = cx.schedule_cancellable(IPFRAG_TIME, Msg::ReassemblyTimeout { key });
        cx.world.ns_mut(ns).frags.insert(key, (Vec::new(), timer));
    }
    let (pieces, _) = cx.world.ns_mut(ns).frags.get_mut(&key).expect("inserted");
    let offset = piece.frag.expect("a fragment").offset;
    if pieces
        .iter()
        .all(|p| p.frag.expect("a fragment").offset != offset)
    {
        pieces.push(piece);
    }
    pieces.sort_by_key(|p| p.frag.expect("a fragment").offset);
    // Whole when the pieces cover 0.. without a gap and the last one has MF clear.
    let mut covered = 0u16;
    for p in pieces.iter() {
        let f = p.frag.expect("a fragment");
        if f.offset != covered {
            return None;
        }
        covered += f.len;
        if !f.more {
            break;
        }
    }
    let last = pieces.last().and_then(|p| p.frag).expect("non-empty");
    if last.more || covered != last.offset + last.len {
        return None;
    }
    let (pieces, timer) = cx.world.ns_mut(ns).frags.remove(&key).expect("present");
    cx.cancel(timer);
    let first = &pieces[0];
    let datagram = first.parent.expect("fragments name their datagram");
    cx.trace(TraceEvent::Reassembled {
        packet: datagram,
        from: pieces.iter().map(|p| p.id).collect(),
    });
    Some(Packet {
        id: datagram,
        parent: None,
        ip: first.ip.clone(),
        l4: first.l4.clone(),
        frag: None,
        mark: 0,
        ct: None,
        cost_ns: 0,
    })
}

/// The rest of a datagram never came: its fragments are dropped, each with the reason.
fn reassembly_timeout(cx: Cx<'_, '_>, ns: NsId, key: super::netns::FragKey) {
    let Some((pieces, _)) = cx.world.ns_mut(ns).frags.remove(&key) else {
        return;
    };
    let have = pieces.iter().map(|p| p.frag.map_or(0, |f| f.len)).sum();
    for p in &pieces {
        let reason = DropReason::ReassemblyTimeout {
            datagram: p.parent.expect("fragments name their datagram"),
            have,
            of: p.l4.len(),
        };
        cx.trace(TraceEvent::Dropped {
            packet: p.id,
            reason,
        });
    }
}

/// The machine's name, for a drop reason (cloned only when something is dropped).
fn node_name(cx: Cx<'_, '_>, ns: NsId) -> String {
    cx.world.ns(ns).name.clone()
}

/// The actor that runs a namespace's receive path and its timers. `eth` is the device
/// frames from the underlay arrive on.
pub struct Kernel {
    pub ns: NsId,
    pub eth: DevId,
}

impl Actor<Net> for Kernel {
    fn handle(&mut self, msg: Msg, cx: &mut Ctx<'_, Net>) {
        match msg {
            Msg::Frame { frame, .. } => link::rx(cx, self.ns, self.eth, *frame),
            Msg::Rx { dev, frame } => link::rx(cx, self.ns, dev, *frame),
            Msg::Loopback { packet } => receive(cx, self.ns, DevId(0), *packet),
            Msg::Xmit {
                dev,
                next_hop,
                packet,
            } => transmit_one(cx, self.ns, dev, next_hop, *packet),
            Msg::TcpTimer { key } => super::tcp::timer(cx, self.ns, key),
            Msg::TunRead { dev, packet } => {
                let d = cx.world.ns(self.ns).dev(dev);
                match d.kind {
                    DevKind::Tun { reader } if !d.removed => {
                        cx.send(reader, Msg::TunRead { dev, packet });
                    }
                    _ => {
                        let reason = DropReason::TunClosed {
                            dev: d.name.clone(),
                        };
                        drop_packet(cx, cx.me(), &packet, reason);
                    }
                }
            }
            Msg::TunWrite { dev, packet } => {
                let d = cx.world.ns_mut(self.ns).dev_mut(dev);
                if d.removed {
                    let reason = DropReason::TunClosed {
                        dev: d.name.clone(),
                    };
                    drop_packet(cx, cx.me(), &packet, reason);
                    return;
                }
                d.stats.rx_packets += 1;
                d.stats.rx_bytes += packet.len() as u64;
                super::capture::tap(cx, self.ns, dev, super::capture::Dir::In, || {
                    super::capture::Captured::Packet((*packet).clone())
                });
                receive(cx, self.ns, dev, *packet)
            }
            Msg::NeighTimer { dev, addr } => neigh::timer(cx, self.ns, dev, addr),
            Msg::ReassemblyTimeout { key } => reassembly_timeout(cx, self.ns, key),
            Msg::Start
            | Msg::Timer(_)
            | Msg::Icmp { .. }
            | Msg::Udp { .. }
            | Msg::Tcp(_)
            | Msg::Stop
            | Msg::Stdin(..)
            | Msg::StdinEof(_)
            | Msg::Interrupt
            | Msg::Systemctl { .. }
            | Msg::SystemctlDone { .. }
            | Msg::EtcdRequest { .. }
            | Msg::EtcdResponse { .. }
            | Msg::ApiRequest { .. }
            | Msg::ApiResponse { .. }
            | Msg::ApiEvent { .. }
            | Msg::RunSandbox { .. }
            | Msg::KillSandbox { .. }
            | Msg::SandboxUp { .. }
            | Msg::Exited { .. }
            | Msg::LogLine { .. }
            | Msg::Captured(_) => {
                unreachable!("kernel actors get frames and kernel timers only")
            }
        }
    }
}

/// An underlay switch: forwards frames toward their destination port.
pub struct Switch {
    pub vertex: super::VertexId,
}

impl Actor<Net> for Switch {
    fn handle(&mut self, msg: Msg, cx: &mut Ctx<'_, Net>) {
        let Msg::Frame { from, dest, frame } = msg else {
            unreachable!("switches get frames only")
        };
        let from_name = cx.world.fabric.vertex(from).name.clone();
        let to_name = cx.world.fabric.vertex(dest).name.clone();
        cx.trace(TraceEvent::Hop {
            packet: frame.id(),
            from: from_name,
            to: to_name,
        });
        link::fabric_step(cx, self.vertex, dest, frame);
    }
}
