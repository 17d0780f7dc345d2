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
//! by (source, destination, ports), as conntrack keys them; ids and ports are kept (no two
//! flows clash in the scenarios so far; Linux would pick another source port then). An
//! entry lives 30 s after its last packet (`nf_conntrack_icmp_timeout` and
//! `nf_conntrack_udp_timeout` are both 30 s). The full netfilter walk (tables,
//! chains, `iptables-save`) comes with kube-proxy.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use super::{DevId, Net, NsId};
use crate::engine::{Ctx, Dur, SimTime};
use crate::trace::TraceEvent;
use crate::wire::{Icmp, L4, Packet, QuotedL4};

/// `nf_conntrack_icmp_timeout`, and `nf_conntrack_udp_timeout` for a flow seen one way.
const FLOW_TIMEOUT: Dur = Dur::from_secs(30);

/// `-s SRC ! -o OUT -j MASQUERADE`.
#[derive(Clone, Debug)]
pub struct Masquerade {
    pub src: Ipv4Net,
    pub not_out: DevId,
}

/// A tracked flow: the original sender, and the address it was masqueraded to.
#[derive(Clone, Copy, Debug)]
pub struct Conn {
    pub orig_src: Ipv4Addr,
    pub last_seen: SimTime,
}

/// What tells flows between the same two addresses apart, in the original direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Flow {
    Echo(u16),
    Udp { sport: u16, dport: u16 },
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
    let text = format!(
        "-t nat -A POSTROUTING -s {} ! -o {} -j MASQUERADE",
        rule.src.trunc(),
        netns.dev(rule.not_out).name
    );
    let from = packet.ip.src;
    let now = cx.now();
    cx.world.ns_mut(ns).conntrack.insert(
        (packet.ip.dst, to, flow),
        Conn {
            orig_src: from,
            last_seen: now,
        },
    );
    packet.ip.src = to;
    cx.trace(TraceEvent::Nat {
        packet: packet.id,
        what: format!("src {from} -> {to} by {text} (conntrack remembers the flow)"),
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
    };
    let Some(conn) = cx.world.ns_mut(ns).conntrack.get_mut(&key) else {
        return;
    };
    if now >= conn.last_seen + FLOW_TIMEOUT {
        return;
    }
    conn.last_seen = now;
    let orig = conn.orig_src;
    let from = packet.ip.dst;
    packet.ip.dst = orig;
    if let L4::Icmp(Icmp::DestUnreachable { quoted, .. } | Icmp::TimeExceeded { quoted }) =
        &mut packet.l4
    {
        quoted.ip.src = orig;
    }
    cx.trace(TraceEvent::Nat {
        packet: packet.id,
        what: format!("dst {from} -> {orig}: a reply on a masqueraded flow (conntrack)"),
    });
}
