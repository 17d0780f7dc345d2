//! Source NAT with connection tracking: the one netfilter rule the data plane needs so far,
//! docker's `--ip-masq`:
//!
//! ```text
//! -t nat -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
//! ```
//!
//! A packet from the container subnet leaving by any device but docker0 gets the outgoing
//! device's address as its source (POSTROUTING), and conntrack remembers the flow. A reply
//! to that flow, or an ICMP error quoting it, gets its destination turned back into the
//! container's address before routing (PREROUTING), so it is forwarded into docker0.
//!
//! Flows are ICMP echo flows, keyed by (source, destination, echo id), and UDP flows, keyed
//! by (source, destination, ports), as conntrack keys them. The id or source port is kept
//! unless another flow already holds the same reply tuple (two pods' pings with the same id
//! to the same peer, masqueraded to the same address): then, as `nf_nat_unique_tuple`
//! does, the flow gets another one, the next free after it (Linux starts from a random
//! offset), and replies get the original back. An entry lives 30 s after its last packet
//! (`nf_conntrack_icmp_timeout` and `nf_conntrack_udp_timeout` are both 30 s). The full netfilter walk (tables,
//! chains, `iptables-save`) comes with kube-proxy.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use super::{DevId, Net, NsId};
use crate::engine::{Ctx, Dur, SimTime};
use crate::trace::TraceEvent;
use crate::wire::{Icmp, L4, Packet, QuotedL4};

/// `nf_conntrack_icmp_timeout`, and `nf_conntrack_udp_timeout` for a flow seen one way.
const FLOW_TIMEOUT: Dur = Dur::from_secs(30);
/// `nf_conntrack_tcp_timeout_established`: 5 days.
const TCP_TIMEOUT: Dur = Dur::from_secs(432_000);

fn timeout(flow: Flow) -> Dur {
    match flow {
        Flow::Tcp { .. } => TCP_TIMEOUT,
        _ => FLOW_TIMEOUT,
    }
}
/// How long a connection that arrived from elsewhere stays tracked after its last packet
/// (`nf_conntrack_udp_timeout_stream` is 180 s; TCP's established timeout is 5 days, which
/// no scenario reaches).
const TRACKED_TIMEOUT: Dur = Dur::from_secs(180);

/// `-s SRC ! -o OUT -j MASQUERADE`.
#[derive(Clone, Debug)]
pub struct Masquerade {
    pub src: Ipv4Net,
    pub not_out: DevId,
}

/// A tracked flow: the original sender and its flow (id or ports), as a reply must get
/// them back.
#[derive(Clone, Copy, Debug)]
pub struct Conn {
    pub orig_src: Ipv4Addr,
    pub orig_flow: Flow,
    pub last_seen: SimTime,
}

impl Flow {
    /// The same flow with its id or source port moved on by one (wrapping in its range).
    fn next(self) -> Flow {
        match self {
            Flow::Echo(id) => Flow::Echo(id.wrapping_add(1)),
            Flow::Udp { sport, dport } => Flow::Udp {
                sport: if sport == u16::MAX { 1024 } else { sport + 1 },
                dport,
            },
            Flow::Tcp { sport, dport } => Flow::Tcp {
                sport: if sport == u16::MAX { 1024 } else { sport + 1 },
                dport,
            },
        }
    }
}

/// What tells flows between the same two addresses apart, in the original direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Flow {
    Echo(u16),
    Udp { sport: u16, dport: u16 },
    Tcp { sport: u16, dport: u16 },
}

/// The reply direction's key: (peer, masqueraded address, flow).
pub type ReplyKey = (Ipv4Addr, Ipv4Addr, Flow);

/// The flow a packet starts (MASQUERADE sits in the nat table, which only NEW connections
/// traverse; replies of flows started elsewhere pass untouched).
fn new_flow(p: &Packet) -> Option<Flow> {
    match &p.l4 {
        L4::Icmp(Icmp::EchoRequest { ident, .. }) => Some(Flow::Echo(*ident)),
        L4::Icmp(_) => None,
        L4::Udp(u) => Some(Flow::Udp {
            sport: u.sport,
            dport: u.dport,
        }),
        // Every segment of the original direction: the first (SYN) makes the entry, the
        // rest find it.
        L4::Tcp(t) => Some(Flow::Tcp {
            sport: t.sport,
            dport: t.dport,
        }),
    }
}

/// POSTROUTING: masquerades `packet` if a rule matches it leaving by `out`.
pub fn postrouting(cx: &mut Ctx<'_, Net>, ns: NsId, out: DevId, packet: &mut Packet) {
    let netns = cx.world.ns(ns);
    let Some(rule) = netns
        .masquerade
        .iter()
        .find(|r| r.src.contains(&packet.ip.src) && r.not_out != out)
    else {
        return;
    };
    let (Some(flow), Some(to)) = (new_flow(packet), netns.primary_addr(out)) else {
        return;
    };
    // A reply in a connection conntrack already tracks is not NEW: no MASQUERADE.
    if let Flow::Tcp { sport, dport } | Flow::Udp { sport, dport } = flow {
        let reverse = match flow {
            Flow::Tcp { .. } => Flow::Tcp { sport, dport },
            _ => Flow::Udp { sport, dport },
        };
        if netns
            .tracked
            .get(&(packet.ip.dst, packet.ip.src, reverse))
            .is_some_and(|t| {
                let limit = match flow {
                    Flow::Tcp { .. } => TCP_TIMEOUT,
                    _ => TRACKED_TIMEOUT,
                };
                cx.now() < *t + limit
            })
        {
            return;
        }
    }
    let text = format!(
        "-t nat -A POSTROUTING -s {} ! -o {} -j MASQUERADE",
        rule.src.trunc(),
        netns.dev(rule.not_out).name
    );
    let from = packet.ip.src;
    let now = cx.now();
    let table = &mut cx.world.ns_mut(ns).conntrack;
    // The flow's own entry if it has one; else its tuple, or the next free one.
    let mut mapped = flow;
    loop {
        match table.get(&(packet.ip.dst, to, mapped)) {
            Some(c) if c.orig_src == from && c.orig_flow == flow => break,
            Some(c) if now < c.last_seen + timeout(c.orig_flow) => mapped = mapped.next(),
            _ => break,
        }
        if mapped == flow {
            return; // every id taken: the packet leaves unmasqueraded (never in practice)
        }
    }
    table.insert(
        (packet.ip.dst, to, mapped),
        Conn {
            orig_src: from,
            orig_flow: flow,
            last_seen: now,
        },
    );
    packet.ip.src = to;
    let remap = match (flow, mapped) {
        (Flow::Echo(a), Flow::Echo(b)) if a != b => {
            if let L4::Icmp(Icmp::EchoRequest { ident, .. }) = &mut packet.l4 {
                *ident = b;
            }
            format!(
                ", icmp id {a} -> {b} (another flow to {} holds id {a})",
                packet.ip.dst
            )
        }
        (Flow::Udp { sport: a, .. }, Flow::Udp { sport: b, .. })
        | (Flow::Tcp { sport: a, .. }, Flow::Tcp { sport: b, .. })
            if a != b =>
        {
            match &mut packet.l4 {
                L4::Udp(u) => u.sport = b,
                L4::Tcp(t) => t.sport = b,
                L4::Icmp(_) => {}
            }
            format!(
                ", port {a} -> {b} (another flow to {} holds port {a})",
                packet.ip.dst
            )
        }
        _ => String::new(),
    };
    cx.trace(TraceEvent::Nat {
        packet: packet.id,
        what: format!("src {from} -> {to}{remap} by {text} (conntrack remembers the flow)"),
    });
}

/// PREROUTING: a reply to a masqueraded flow (or an ICMP error about one) gets the
/// container's address back as its destination.
pub fn prerouting(cx: &mut Ctx<'_, Net>, ns: NsId, packet: &mut Packet) {
    let now = cx.now();
    let key = match &packet.l4 {
        L4::Icmp(Icmp::EchoReply { ident, .. }) => {
            (packet.ip.src, packet.ip.dst, Flow::Echo(*ident))
        }
        L4::Icmp(Icmp::DestUnreachable { quoted, .. } | Icmp::TimeExceeded { quoted }) => {
            let flow = match quoted.l4 {
                QuotedL4::Icmp { ident, .. } => Flow::Echo(ident),
                QuotedL4::Udp { sport, dport } => Flow::Udp { sport, dport },
                QuotedL4::Tcp { sport, dport, .. } => Flow::Tcp { sport, dport },
            };
            (quoted.ip.dst, quoted.ip.src, flow)
        }
        L4::Icmp(_) => return,
        L4::Udp(u) => (
            packet.ip.src,
            packet.ip.dst,
            Flow::Udp {
                sport: u.dport,
                dport: u.sport,
            },
        ),
        L4::Tcp(t) => (
            packet.ip.src,
            packet.ip.dst,
            Flow::Tcp {
                sport: t.dport,
                dport: t.sport,
            },
        ),
    };
    let live = cx
        .world
        .ns(ns)
        .conntrack
        .get(&key)
        .is_some_and(|c| now < c.last_seen + timeout(c.orig_flow));
    if !live {
        // Not a reply to a masqueraded flow: conntrack still tracks the connection it
        // starts, so that its replies leave without being masqueraded (only NEW
        // connections traverse the nat table).
        if let L4::Tcp(_) | L4::Udp(_) = packet.l4 {
            cx.world
                .ns_mut(ns)
                .tracked
                .insert((packet.ip.src, packet.ip.dst, key.2), now);
        }
        return;
    }
    let conn = cx.world.ns_mut(ns).conntrack.get_mut(&key).expect("live");
    conn.last_seen = now;
    let (orig, orig_flow) = (conn.orig_src, conn.orig_flow);
    let from = packet.ip.dst;
    let restored = match (key.2, orig_flow) {
        (Flow::Echo(a), Flow::Echo(b)) if a != b => format!(", icmp id {a} -> {b}"),
        (Flow::Udp { sport: a, .. }, Flow::Udp { sport: b, .. })
        | (Flow::Tcp { sport: a, .. }, Flow::Tcp { sport: b, .. })
            if a != b =>
        {
            format!(", port {a} -> {b}")
        }
        _ => String::new(),
    };
    packet.ip.dst = orig;
    match (&mut packet.l4, orig_flow) {
        (L4::Icmp(Icmp::EchoReply { ident, .. }), Flow::Echo(id)) => *ident = id,
        (L4::Udp(u), Flow::Udp { sport, .. }) => u.dport = sport,
        (L4::Tcp(t), Flow::Tcp { sport, .. }) => t.dport = sport,
        (L4::Icmp(Icmp::DestUnreachable { quoted, .. } | Icmp::TimeExceeded { quoted }), _) => {
            quoted.ip.src = orig;
            match (&mut quoted.l4, orig_flow) {
                (QuotedL4::Icmp { ident, .. }, Flow::Echo(id)) => *ident = id,
                (QuotedL4::Udp { sport, .. }, Flow::Udp { sport: s, .. })
                | (QuotedL4::Tcp { sport, .. }, Flow::Tcp { sport: s, .. }) => *sport = s,
                _ => {}
            }
        }
        _ => {}
    }
    cx.trace(TraceEvent::Nat {
        packet: packet.id,
        what: format!("dst {from} -> {orig}{restored}: a reply on a masqueraded flow (conntrack)"),
    });
}
