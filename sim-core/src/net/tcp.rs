//! TCP in the kernel: connection setup, data with acknowledgement and retransmission,
//! FIN and RST, and the errors a program sees, as Linux gives them (net/ipv4/tcp*.c with the
//! default sysctls).
//!
//! - `connect` sends a SYN and waits. A RST answers a SYN to a port nobody listens on:
//!   "Connection refused". ICMP host or net unreachable about the SYN (including the
//!   kernel's own, when ARP for the next hop fails) aborts the connect at once: "No route
//!   to host" / "Network is unreachable" (`tcp_v4_err` on a SYN_SENT socket). With no
//!   answer at all, the SYN is sent again after 1, 2, 4, 8, 16 and 32 s
//!   (`tcp_syn_retries` = 6) and the connect fails with "Connection timed out" 64 s after
//!   the last one: 127 s in all.
//! - Data goes out at once in segments of at most the MSS (the route's MTU less 52: IP,
//!   TCP and timestamps). Each unacknowledged segment is resent when the retransmission
//!   timer fires: RTO starts at 1 s, then follows RFC 6298 from RTT samples (srtt +
//!   4·rttvar, at least 200 ms), doubling on each timeout up to 120 s; after
//!   `tcp_retries2` = 15 timeouts the connection fails with "Connection timed out".
//! - Every segment that arrives in order is acknowledged at once.
//! - `close` sends FIN; the side that closes first waits in TIME_WAIT for 60 s.
//!
//! Simplifications (docs/architecture.md): no delayed ACKs, no window or congestion
//! control (links have no bandwidth), no out-of-order queue (a segment beyond the next
//! expected byte is dropped with a reason and comes again by retransmission), no
//! fast retransmit, no keepalive.

use std::collections::{BTreeMap, VecDeque};
use std::net::Ipv4Addr;

use super::{Msg, Net, NsId, stack};
use crate::engine::{ActorId, CancelKey, Ctx, Dur, SimTime};
use crate::trace::{Consumer, DropReason, TraceEvent};
use crate::wire::tcp::{Flags, Message, Segment};
use crate::wire::{DEFAULT_TTL, Icmp, Ipv4Header, L4, Packet, QuotedL4, UnreachCode};

type Cx<'a, 'b> = &'a mut Ctx<'b, Net>;

/// (local address, local port, remote address, remote port).
pub type SockKey = (Ipv4Addr, u16, Ipv4Addr, u16);

const INITIAL_RTO: Dur = Dur::from_secs(1);
const MIN_RTO: Dur = Dur::from_millis(200);
const MAX_RTO: Dur = Dur::from_secs(120);
const SYN_RETRIES: u8 = 6;
const SYNACK_RETRIES: u8 = 5;
const RETRIES2: u8 = 15;
const TIME_WAIT: Dur = Dur::from_secs(60);
/// IP header + TCP header + timestamps option.
const SEGMENT_OVERHEAD: u16 = 20 + 20 + 12;
const WINDOW: u16 = 229;
const SYN_WINDOW: u16 = 29200;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    SynSent,
    SynRecv,
    Established,
    FinWait1,
    FinWait2,
    CloseWait,
    LastAck,
    TimeWait,
}

/// Why a connection failed, as `strerror` says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TcpError {
    Refused,
    TimedOut,
    HostUnreachable,
    NetUnreachable,
    Reset,
}

impl std::fmt::Display for TcpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TcpError::Refused => "Connection refused",
            TcpError::TimedOut => "Connection timed out",
            TcpError::HostUnreachable => "No route to host",
            TcpError::NetUnreachable => "Network is unreachable",
            TcpError::Reset => "Connection reset by peer",
        })
    }
}

/// What the kernel tells a socket's process.
#[derive(Clone, Debug)]
pub enum TcpEvent {
    Connected {
        key: SockKey,
    },
    Failed {
        key: SockKey,
        err: TcpError,
    },
    /// A connection to a listening port completed the handshake.
    Accepted {
        key: SockKey,
    },
    Data {
        key: SockKey,
        msgs: Vec<Message>,
    },
    /// The peer closed its side (FIN).
    Eof {
        key: SockKey,
    },
}

pub struct Sock {
    pub state: State,
    pub owner: ActorId,
    snd_una: u32,
    snd_nxt: u32,
    rcv_nxt: u32,
    /// Segments sent and not yet acknowledged, with the id of their first transmission.
    unacked: VecDeque<(Segment, crate::wire::PacketId)>,
    rto: Dur,
    srtt: Option<Dur>,
    rttvar: Dur,
    /// The segment timed for an RTT sample: (its end sequence, when it was sent).
    probe: Option<(u32, SimTime)>,
    retries: u8,
    timer: Option<CancelKey>,
    /// Until when the owning process is busy with what it writes (a user-space proxy
    /// copying a message): segments sent before then leave at that time, in order.
    pub busy_until: SimTime,
}

impl Sock {
    /// A socket that has sent (or is about to send) its SYN with sequence `iss`.
    fn new(state: State, owner: ActorId, iss: u32, rcv_nxt: u32) -> Sock {
        Sock {
            state,
            owner,
            snd_una: iss,
            snd_nxt: iss.wrapping_add(1),
            rcv_nxt,
            unacked: VecDeque::new(),
            rto: INITIAL_RTO,
            srtt: None,
            rttvar: Dur::ZERO,
            probe: None,
            retries: 0,
            busy_until: SimTime::ZERO,
            timer: None,
        }
    }
}

/// The kernel's TCP tables of one namespace.
#[derive(Default)]
pub struct Tcp {
    pub socks: BTreeMap<SockKey, Sock>,
    pub listen: BTreeMap<u16, ActorId>,
    next_port: Option<u16>,
}

/// Starts a connection from `owner` in `ns` to `dst:dport`: sends the SYN. Fails at once
/// with "Network is unreachable" when no route matches.
pub fn connect(
    cx: Cx<'_, '_>,
    ns: NsId,
    owner: ActorId,
    dst: Ipv4Addr,
    dport: u16,
) -> Result<SockKey, TcpError> {
    // Connecting to 0.0.0.0 means this host, as Linux treats it.
    let dst = if dst.is_unspecified() {
        Ipv4Addr::LOCALHOST
    } else {
        dst
    };
    let Some(src) = stack::source_for(cx, ns, dst) else {
        return Err(TcpError::NetUnreachable);
    };
    let netns = cx.world.ns_mut(ns);
    // Ephemeral ports from 32768..60999, starting at a place fixed by the namespace.
    let start = 32768 + (netns.next_ip_ident as u32 % 28232) as u16;
    let tcp = &mut netns.tcp;
    let mut port = tcp.next_port.unwrap_or(start);
    while tcp.socks.contains_key(&(src, port, dst, dport)) || tcp.listen.contains_key(&port) {
        port = if port >= 60999 { 32768 } else { port + 1 };
    }
    tcp.next_port = Some(if port >= 60999 { 32768 } else { port + 1 });
    let key = (src, port, dst, dport);
    let iss = initial_seq(&key);
    tcp.socks
        .insert(key, Sock::new(State::SynSent, owner, iss, 0));
    transmit_new(cx, ns, key, syn_segment(&key, iss, None));
    Ok(key)
}

/// A SYN (or, with `ack`, a SYN-ACK) from the socket `key` with sequence `iss`.
fn syn_segment(key: &SockKey, iss: u32, ack: Option<u32>) -> Segment {
    Segment {
        sport: key.1,
        dport: key.3,
        seq: iss,
        ack: ack.unwrap_or(0),
        flags: Flags {
            syn: true,
            ack: ack.is_some(),
            ..Flags::default()
        },
        win: SYN_WINDOW,
        len: 0,
        msgs: Vec::new(),
    }
}

/// A deterministic initial sequence number for a connection (Linux hashes the 4-tuple
/// with a secret and the clock; here the hash alone).
fn initial_seq(key: &SockKey) -> u32 {
    let mut h: u32 = 2_166_136_261;
    for x in [
        u32::from(key.0),
        key.1 as u32,
        u32::from(key.2),
        key.3 as u32,
    ] {
        h ^= x;
        h = h.wrapping_mul(16_777_619);
    }
    h
}

/// `listen` on `port` (every address) for `owner`.
pub fn listen(cx: Cx<'_, '_>, ns: NsId, port: u16, owner: ActorId) {
    cx.world.ns_mut(ns).tcp.listen.insert(port, owner);
}

/// Writes messages on an established connection: they go out at once, in MSS-sized
/// segments, each message on the segment with its last byte.
pub fn send(cx: Cx<'_, '_>, ns: NsId, key: SockKey, msgs: Vec<Message>) {
    // At least 48 bytes of payload, whatever the MTU (Linux's minimum MSS is of this order).
    let mss = stack::path_mtu(cx, ns, key.2)
        .unwrap_or(1500)
        .saturating_sub(SEGMENT_OVERHEAD)
        .max(48);
    let Some(sock) = cx.world.ns(ns).tcp.socks.get(&key) else {
        return;
    };
    if !matches!(sock.state, State::Established | State::CloseWait) {
        return;
    }
    for m in msgs {
        let mut left = m.wire_len();
        let mut msg = Some(m);
        while left > 0 {
            let len = left.min(mss as u32) as u16;
            left -= len as u32;
            let sock = &cx.world.ns(ns).tcp.socks[&key];
            let seg = Segment {
                sport: key.1,
                dport: key.3,
                seq: sock.snd_nxt,
                ack: sock.rcv_nxt,
                flags: Flags {
                    ack: true,
                    psh: left == 0,
                    ..Flags::default()
                },
                win: WINDOW,
                len,
                msgs: if left == 0 {
                    msg.take().into_iter().collect()
                } else {
                    Vec::new()
                },
            };
            let sock = cx
                .world
                .ns_mut(ns)
                .tcp
                .socks
                .get_mut(&key)
                .expect("checked");
            sock.snd_nxt = sock.snd_nxt.wrapping_add(len as u32);
            transmit_new(cx, ns, key, seg);
        }
    }
}

/// The process spends `cost` of CPU on this socket before what it writes next can leave
/// (after whatever it was already busy with).
pub fn busy(cx: Cx<'_, '_>, ns: NsId, key: SockKey, cost: Dur) {
    let now = cx.now();
    if let Some(s) = cx.world.ns_mut(ns).tcp.socks.get_mut(&key) {
        s.busy_until = s.busy_until.max(now) + cost;
    }
}

/// Closes the process's side: FIN after whatever was sent.
pub fn close(cx: Cx<'_, '_>, ns: NsId, key: SockKey) {
    let Some(sock) = cx.world.ns_mut(ns).tcp.socks.get_mut(&key) else {
        return;
    };
    let next = match sock.state {
        State::Established | State::SynRecv => State::FinWait1,
        State::CloseWait => State::LastAck,
        State::SynSent => {
            if let Some(t) = sock.timer.take() {
                cx.cancel(t);
            }
            cx.world.ns_mut(ns).tcp.socks.remove(&key);
            return;
        }
        _ => return,
    };
    sock.state = next;
    let fin = Segment {
        sport: key.1,
        dport: key.3,
        seq: sock.snd_nxt,
        ack: sock.rcv_nxt,
        flags: Flags {
            fin: true,
            ack: true,
            ..Flags::default()
        },
        win: WINDOW,
        len: 0,
        msgs: Vec::new(),
    };
    sock.snd_nxt = sock.snd_nxt.wrapping_add(1);
    transmit_new(cx, ns, key, fin);
}

/// A process exits: its listeners go, and its connections are closed as when the kernel
/// closes a dead process's descriptors (FIN; the socket lives on, orphaned, through
/// FIN_WAIT and TIME_WAIT). A connection still being set up is dropped.
pub fn release(cx: Cx<'_, '_>, ns: NsId, owner: ActorId) {
    let tcp = &mut cx.world.ns_mut(ns).tcp;
    tcp.listen.retain(|_, o| *o != owner);
    let mine: Vec<(SockKey, State)> = tcp
        .socks
        .iter()
        .filter(|(_, s)| s.owner == owner)
        .map(|(k, s)| (*k, s.state))
        .collect();
    for (k, state) in mine {
        match state {
            State::Established | State::CloseWait | State::SynSent | State::SynRecv => {
                close(cx, ns, k)
            }
            _ => {}
        }
    }
}

/// Sends a segment that occupies sequence space (SYN, data, FIN): kept until acknowledged,
/// with the retransmission timer running.
fn transmit_new(cx: Cx<'_, '_>, ns: NsId, key: SockKey, seg: Segment) {
    let now = cx.now();
    let id = send_segment(cx, ns, key, seg.clone(), None);
    let sock = cx
        .world
        .ns_mut(ns)
        .tcp
        .socks
        .get_mut(&key)
        .expect("caller has it");
    if sock.probe.is_none() {
        sock.probe = Some((seg.seq.wrapping_add(seg.seq_len()), now));
    }
    sock.unacked.push_back((seg, id));
    if sock.timer.is_none() {
        let rto = sock.rto;
        arm(cx, ns, key, rto);
    }
}

/// Puts one segment in a packet and sends it; returns the packet's id.
fn send_segment(
    cx: Cx<'_, '_>,
    ns: NsId,
    key: SockKey,
    seg: Segment,
    parent: Option<crate::wire::PacketId>,
) -> crate::wire::PacketId {
    let id = cx.world.packet_id();
    let ident = cx.world.ns_mut(ns).ip_ident();
    // DF, as path MTU discovery sets it, unless the segment cannot fit the route at all
    // (an MTU below the minimum MSS): then the kernel fragments it.
    let len = 20 + seg.header_len() + seg.len;
    let df = stack::path_mtu(cx, ns, key.2).is_none_or(|m| len <= m);
    let now = cx.now();
    let cost_ns = match cx.world.ns(ns).tcp.socks.get(&key) {
        Some(s) if s.busy_until > now => (s.busy_until - now).as_nanos(),
        _ => 0,
    };
    let packet = Packet {
        id,
        parent,
        ip: Ipv4Header {
            src: key.0,
            dst: key.2,
            ttl: DEFAULT_TTL,
            ident,
            df,
        },
        l4: L4::Tcp(seg),
        frag: None,
        mark: 0,
        ct: None,
        cost_ns,
    };
    if stack::output(cx, ns, packet).is_err() {
        let node = cx.world.ns(ns).name.clone();
        let kernel = cx.world.ns(ns).kernel;
        cx.trace_as(
            kernel,
            TraceEvent::Dropped {
                packet: id,
                reason: DropReason::NoRoute { dst: key.2, node },
            },
        );
    }
    id
}

/// A bare ACK (or RST) that takes no sequence space and is never retransmitted.
fn send_control(cx: Cx<'_, '_>, ns: NsId, key: SockKey, flags: Flags, seq: u32, ack: u32) {
    let seg = Segment {
        sport: key.1,
        dport: key.3,
        seq,
        ack,
        flags,
        win: if flags.rst { 0 } else { WINDOW },
        len: 0,
        msgs: Vec::new(),
    };
    send_segment(cx, ns, key, seg, None);
}

fn notify(cx: Cx<'_, '_>, owner: ActorId, event: TcpEvent) {
    cx.send(owner, Msg::Tcp(event));
}

fn remove(cx: Cx<'_, '_>, ns: NsId, key: SockKey) {
    if let Some(t) = cx
        .world
        .ns_mut(ns)
        .tcp
        .socks
        .remove(&key)
        .and_then(|s| s.timer)
    {
        cx.cancel(t);
    }
}

fn delivered_to(cx: Cx<'_, '_>, packet: &Packet, to: Consumer) {
    cx.trace(TraceEvent::Delivered {
        packet: packet.id,
        to,
    });
}

/// A TCP segment for this machine arrived (`tcp_v4_rcv`).
pub fn input(cx: Cx<'_, '_>, ns: NsId, packet: Packet) {
    let L4::Tcp(seg) = &packet.l4 else {
        unreachable!("only TCP comes here")
    };
    let seg = seg.clone();
    let key = (packet.ip.dst, seg.dport, packet.ip.src, seg.sport);
    if !cx.world.ns(ns).tcp.socks.contains_key(&key) {
        let listener = cx.world.ns(ns).tcp.listen.get(&seg.dport).copied();
        match listener {
            Some(owner) if seg.flags.syn && !seg.flags.ack => {
                delivered_to(cx, &packet, Consumer::Tcp);
                let iss = initial_seq(&key);
                cx.world.ns_mut(ns).tcp.socks.insert(
                    key,
                    Sock::new(State::SynRecv, owner, iss, seg.seq.wrapping_add(1)),
                );
                let synack = syn_segment(&key, iss, Some(seg.seq.wrapping_add(1)));
                transmit_new(cx, ns, key, synack);
            }
            _ => {
                let kernel = cx.world.ns(ns).kernel;
                let reason = if seg.flags.rst {
                    DropReason::TcpNoConnection {
                        port: seg.dport,
                        what: "a RST".into(),
                    }
                } else {
                    DropReason::NoTcpListener {
                        port: seg.dport,
                        addr: packet.ip.dst,
                        machine: cx.world.ns(ns).label.clone(),
                    }
                };
                cx.trace_as(
                    kernel,
                    TraceEvent::Dropped {
                        packet: packet.id,
                        reason,
                    },
                );
                if !seg.flags.rst {
                    // tcp_v4_send_reset: ACK what the segment occupied, or take its ack.
                    let (flags, seq, ack) = if seg.flags.ack {
                        (
                            Flags {
                                rst: true,
                                ..Flags::default()
                            },
                            seg.ack,
                            0,
                        )
                    } else {
                        (
                            Flags {
                                rst: true,
                                ack: true,
                                ..Flags::default()
                            },
                            0,
                            seg.seq.wrapping_add(seg.seq_len()),
                        )
                    };
                    send_control(cx, ns, key, flags, seq, ack);
                }
            }
        }
        return;
    }
    let (state, owner) = {
        let s = &cx.world.ns(ns).tcp.socks[&key];
        (s.state, s.owner)
    };
    if seg.flags.rst {
        delivered_to(cx, &packet, Consumer::Tcp);
        remove(cx, ns, key);
        let err = if state == State::SynSent {
            TcpError::Refused
        } else {
            TcpError::Reset
        };
        notify(cx, owner, TcpEvent::Failed { key, err });
        return;
    }
    if state == State::SynSent {
        let sock = &cx.world.ns(ns).tcp.socks[&key];
        if !(seg.flags.syn && seg.flags.ack && seg.ack == sock.snd_nxt) {
            delivered_to(cx, &packet, Consumer::Tcp);
            return;
        }
        delivered_to(cx, &packet, Consumer::Tcp);
        acked(cx, ns, key, seg.ack);
        let sock = cx.world.ns_mut(ns).tcp.socks.get_mut(&key).expect("kept");
        sock.state = State::Established;
        sock.rcv_nxt = seg.seq.wrapping_add(1);
        let (snd, rcv) = (sock.snd_nxt, sock.rcv_nxt);
        send_control(cx, ns, key, ack_flags(), snd, rcv);
        notify(cx, owner, TcpEvent::Connected { key });
        return;
    }
    if seg.flags.ack {
        acked(cx, ns, key, seg.ack);
    }
    let sock = cx.world.ns_mut(ns).tcp.socks.get_mut(&key).expect("kept");
    if sock.state == State::SynRecv && sock.snd_una == sock.snd_nxt {
        sock.state = State::Established;
        notify(cx, owner, TcpEvent::Accepted { key });
    }
    let sock = cx.world.ns_mut(ns).tcp.socks.get_mut(&key).expect("kept");
    // Our FIN acknowledged?
    let fin_acked = sock.snd_una == sock.snd_nxt;
    match sock.state {
        State::FinWait1 if fin_acked => sock.state = State::FinWait2,
        State::LastAck if fin_acked => {
            delivered_to(cx, &packet, Consumer::Tcp);
            remove(cx, ns, key);
            return;
        }
        _ => {}
    }
    if seg.seq_len() == 0 {
        delivered_to(cx, &packet, Consumer::Tcp);
        return;
    }
    let sock = &cx.world.ns(ns).tcp.socks[&key];
    let (rcv_nxt, snd) = (sock.rcv_nxt, sock.snd_nxt);
    if seg.seq != rcv_nxt {
        let kernel = cx.world.ns(ns).kernel;
        let reason = if seq_before(seg.seq, rcv_nxt) {
            DropReason::TcpDuplicate { seq: seg.seq }
        } else {
            DropReason::TcpOutOfOrder {
                seq: seg.seq,
                expected: rcv_nxt,
            }
        };
        cx.trace_as(
            kernel,
            TraceEvent::Dropped {
                packet: packet.id,
                reason,
            },
        );
        send_control(cx, ns, key, ack_flags(), snd, rcv_nxt);
        return;
    }
    let to = if seg.msgs.is_empty() {
        Consumer::Tcp
    } else {
        Consumer::Process {
            name: cx.name(owner).to_string(),
        }
    };
    delivered_to(cx, &packet, to);
    let sock = cx.world.ns_mut(ns).tcp.socks.get_mut(&key).expect("kept");
    sock.rcv_nxt = seg.seq.wrapping_add(seg.seq_len());
    let (snd, rcv) = (sock.snd_nxt, sock.rcv_nxt);
    if seg.flags.fin {
        sock.state = match sock.state {
            State::Established | State::SynRecv => State::CloseWait,
            State::FinWait1 | State::FinWait2 => State::TimeWait,
            s => s,
        };
        if sock.state == State::TimeWait {
            if let Some(t) = sock.timer.take() {
                cx.cancel(t);
            }
            arm(cx, ns, key, TIME_WAIT);
        }
    }
    send_control(cx, ns, key, ack_flags(), snd, rcv);
    if !seg.msgs.is_empty() {
        notify(
            cx,
            owner,
            TcpEvent::Data {
                key,
                msgs: seg.msgs.clone(),
            },
        );
    }
    if seg.flags.fin {
        notify(cx, owner, TcpEvent::Eof { key });
    }
}

/// Starts a socket's timer (retransmission or TIME_WAIT) on the namespace's kernel.
fn arm(cx: Cx<'_, '_>, ns: NsId, key: SockKey, after: Dur) {
    let t = cx.schedule_cancellable_for(cx.world.ns(ns).kernel, after, Msg::TcpTimer { key });
    if let Some(sock) = cx.world.ns_mut(ns).tcp.socks.get_mut(&key) {
        sock.timer = Some(t);
    }
}

fn ack_flags() -> Flags {
    Flags {
        ack: true,
        ..Flags::default()
    }
}

/// `a` comes before `b` in sequence space.
fn seq_before(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}

/// An acknowledgement up to `ack`: drop what it covers, take an RTT sample, rearm.
fn acked(cx: Cx<'_, '_>, ns: NsId, key: SockKey, ack: u32) {
    let now = cx.now();
    let sock = cx
        .world
        .ns_mut(ns)
        .tcp
        .socks
        .get_mut(&key)
        .expect("caller has it");
    if !seq_before(sock.snd_una, ack) || seq_before(sock.snd_nxt, ack) {
        return;
    }
    sock.snd_una = ack;
    while let Some((s, _)) = sock.unacked.front() {
        if seq_before(ack, s.seq.wrapping_add(s.seq_len())) {
            break;
        }
        sock.unacked.pop_front();
    }
    if let Some((end, sent)) = sock.probe
        && !seq_before(ack, end)
    {
        sock.probe = None;
        // RFC 6298 (only from segments sent once: the probe is cleared on retransmit).
        let r = now - sent;
        match sock.srtt {
            None => {
                sock.srtt = Some(r);
                sock.rttvar = Dur(r.0 / 2);
            }
            Some(srtt) => {
                let diff = srtt.0.abs_diff(r.0);
                sock.rttvar = Dur((3 * sock.rttvar.0 + diff) / 4);
                sock.srtt = Some(Dur((7 * srtt.0 + r.0) / 8));
            }
        }
        let rto = sock.srtt.expect("set").0 + 4 * sock.rttvar.0;
        sock.rto = Dur(rto.clamp(MIN_RTO.0, MAX_RTO.0));
    }
    sock.retries = 0;
    if let Some(t) = sock.timer.take() {
        cx.cancel(t);
    }
    let sock = cx.world.ns_mut(ns).tcp.socks.get_mut(&key).expect("kept");
    if !sock.unacked.is_empty() {
        let rto = sock.rto;
        arm(cx, ns, key, rto);
    }
}

/// The retransmission (or TIME_WAIT) timer of a socket fired.
pub fn timer(cx: Cx<'_, '_>, ns: NsId, key: SockKey) {
    let Some(sock) = cx.world.ns_mut(ns).tcp.socks.get_mut(&key) else {
        return;
    };
    sock.timer = None;
    if sock.state == State::TimeWait {
        cx.world.ns_mut(ns).tcp.socks.remove(&key);
        return;
    }
    let limit = match sock.state {
        State::SynSent => SYN_RETRIES,
        State::SynRecv => SYNACK_RETRIES,
        _ => RETRIES2,
    };
    if sock.retries >= limit || sock.unacked.is_empty() {
        let owner = sock.owner;
        let accepted = sock.state != State::SynRecv;
        remove(cx, ns, key);
        if accepted {
            notify(
                cx,
                owner,
                TcpEvent::Failed {
                    key,
                    err: TcpError::TimedOut,
                },
            );
        }
        return;
    }
    sock.retries += 1;
    sock.rto = Dur((sock.rto.0 * 2).min(MAX_RTO.0));
    sock.probe = None;
    let resend: Vec<_> = sock.unacked.iter().cloned().collect();
    let rcv_nxt = sock.rcv_nxt;
    let rto = sock.rto;
    let kernel = cx.world.ns(ns).kernel;
    for (mut seg, first) in resend {
        if seg.flags.ack {
            seg.ack = rcv_nxt;
        }
        cx.trace_as(
            kernel,
            TraceEvent::Retransmit {
                packet: first,
                rto: rto.to_string(),
            },
        );
        send_segment(cx, ns, key, seg, Some(first));
    }
    arm(cx, ns, key, rto);
}

/// An ICMP error about one of our segments: during connect, destination and network
/// unreachable end it (`tcp_v4_err`); on an established connection they are soft errors.
pub fn icmp_error(cx: Cx<'_, '_>, ns: NsId, packet: &Packet) -> bool {
    let (code, quoted) = match &packet.l4 {
        L4::Icmp(Icmp::DestUnreachable { code, quoted }) => (Some(*code), quoted),
        L4::Icmp(Icmp::TimeExceeded { quoted }) => (None, quoted),
        _ => return false,
    };
    let QuotedL4::Tcp { sport, dport, .. } = quoted.l4 else {
        return false;
    };
    let key = (quoted.ip.src, sport, quoted.ip.dst, dport);
    let Some(sock) = cx.world.ns(ns).tcp.socks.get(&key) else {
        return false;
    };
    let (owner, state) = (sock.owner, sock.state);
    delivered_to(cx, packet, Consumer::Tcp);
    if state == State::SynSent {
        let err = match code {
            Some(UnreachCode::Net) => Some(TcpError::NetUnreachable),
            Some(UnreachCode::Host) => Some(TcpError::HostUnreachable),
            Some(UnreachCode::Port) => Some(TcpError::Refused),
            Some(UnreachCode::FragNeeded { .. }) | None => None,
        };
        if let Some(err) = err {
            remove(cx, ns, key);
            notify(cx, owner, TcpEvent::Failed { key, err });
        }
    }
    true
}
