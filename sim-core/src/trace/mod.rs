//! The trace: a closed vocabulary of what happened, and its renderers.
//!
//! Every record has a time and an actor (from the engine) and one [`TraceEvent`]. Packet
//! events are checkpoints a packet passes (sent, hop, received, forwarded, delivered,
//! dropped); a drop always carries a [`DropReason`] that says what a learner can do about
//! it. Renderers: [`text`] (default; one aligned line per event, tcpdump-like for packets)
//! and [`json`] (JSON lines). Both are byte-stable: same records, same bytes.

pub mod json;
pub mod ledger;
pub mod text;

use std::net::Ipv4Addr;

use serde::Serialize;

use crate::engine::Record;
use crate::wire::eth::{Arp, Mac};
use crate::wire::{Packet, PacketId};

/// Renders a whole trace with a one-record renderer (`text::line`, `json::line`): one line
/// per record, each ending in a newline.
pub fn render(
    records: &[Record<TraceEvent>],
    names: &[String],
    line: fn(&Record<TraceEvent>, &[String]) -> String,
) -> String {
    let mut out = String::new();
    for r in records {
        out.push_str(&line(r, names));
        out.push('\n');
    }
    out
}

/// One thing that happened. Closed: every producer and renderer knows every variant.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TraceEvent {
    /// A command started in a machine (a scenario step or `sim-cli exec`).
    Exec { cmd: String },
    /// A line a command printed, on stdout or stderr.
    Output { stream: Stream, line: String },
    /// A command finished.
    Exit { code: i32 },
    /// A locally generated packet left through `dev`.
    Sent { dev: String, packet: Packet },
    /// Netfilter NAT rewrote a packet's address (`what` says which, by which rule).
    Nat { packet: PacketId, what: String },
    /// A packet waits for ARP to resolve its next hop on `dev`.
    Queued {
        packet: PacketId,
        next_hop: Ipv4Addr,
        dev: String,
    },
    /// An ARP message left through `dev`.
    ArpSent { dev: String, arp: Arp },
    /// An ARP message arrived on `dev`.
    ArpReceived { dev: String, arp: Arp },
    /// A bridge forwarded a frame from port `from` (or the bridge itself) to ports `to`,
    /// and `how` says why those.
    Bridged {
        packet: PacketId,
        bridge: String,
        from: String,
        to: Vec<String>,
        how: String,
    },
    /// A frame crossed the underlay through a switch: in on the port from `from`, out
    /// toward `to`.
    Hop {
        packet: PacketId,
        from: String,
        to: String,
    },
    /// A packet arrived on `dev`.
    Received { dev: String, packet: Packet },
    /// A packet was routed through this machine (TTL already decremented).
    Forwarded {
        from_dev: String,
        to_dev: String,
        packet: Packet,
    },
    /// A packet too big for `dev`'s MTU was split (DF clear): the datagram and its fragments.
    Fragmented {
        packet: PacketId,
        into: Vec<PacketId>,
        dev: String,
        mtu: u16,
    },
    /// The last missing fragment arrived: the datagram is whole again.
    Reassembled {
        packet: PacketId,
        from: Vec<PacketId>,
    },
    /// A packet reached its consumer in this machine.
    Delivered { packet: PacketId, to: Consumer },
    /// A packet went no further, and why.
    Dropped {
        packet: PacketId,
        reason: DropReason,
    },
    /// etcd's store changed (a key set, created, deleted, or a TTL key expired).
    Etcd {
        action: EtcdAction,
        key: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        value: Option<String>,
        index: u64,
    },
    /// A daemon's log line, in its own words (flanneld's glog lines without the prefix).
    Log { line: String },
    /// A packet was wrapped in another to cross the underlay (`how` names the backend and
    /// the peer).
    Encap {
        inner: PacketId,
        outer: PacketId,
        how: String,
    },
    /// An encapsulated packet was unwrapped and handed to `dev`.
    Decap {
        outer: PacketId,
        inner: PacketId,
        dev: String,
    },
    /// TCP sent a segment again because its retransmission timer (`rto`) fired.
    Retransmit { packet: PacketId, rto: String },
    /// An underlay link changed state.
    Link { link: String, up: bool },
    /// An `expect` step was checked.
    Expect {
        cmd: String,
        ok: bool,
        detail: String,
    },
    /// The run ended: how, and how many expectations held.
    End {
        how: EndHow,
        expects_held: u32,
        expects_failed: u32,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stream {
    Stdout,
    Stderr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EtcdAction {
    Set,
    Create,
    Delete,
    Expire,
}

impl EtcdAction {
    /// etcd's own name for the action (as `etcdctl watch -r` prints it).
    pub fn name(self) -> &'static str {
        match self {
            EtcdAction::Set => "set",
            EtcdAction::Create => "create",
            EtcdAction::Delete => "delete",
            EtcdAction::Expire => "expire",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EndHow {
    /// Nothing was left to happen.
    Quiescent,
    /// The `until` time was reached.
    Until,
    /// The event budget ran out with events still pending.
    Budget,
}

/// Who consumed a delivered packet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Consumer {
    /// The kernel's ICMP echo responder (Linux answers pings in the kernel).
    EchoResponder,
    /// A process's socket, named by the process's actor name.
    Process { name: String },
    /// The kernel's TCP (a handshake segment, an ACK, a FIN, a RST).
    Tcp,
}

/// Why a packet was dropped. Each variant renders as a sentence that says what happened
/// and what to look at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DropReason {
    /// The next link on the underlay path is down.
    LinkDown { link: String },
    /// The link's loss model dropped it (a seeded draw).
    LinkLoss { link: String, loss_ppm: u32 },
    /// A frame carries a bigger IP packet than the link's (L2 network's) MTU.
    LinkMtu { link: String, len: u32, mtu: u32 },
    /// No route matches the destination.
    NoRoute { dst: Ipv4Addr, node: String },
    /// ARP asked for the next hop `probes` times and nobody answered.
    NoNeighbour {
        next_hop: Ipv4Addr,
        dev: String,
        probes: u8,
    },
    /// Too many packets were already waiting for the next hop's ARP answer.
    NeighQueueFull { next_hop: Ipv4Addr, qlen: u32 },
    /// No port on the segment has the frame's destination MAC.
    UnknownMac { mac: Mac },
    /// A frame for another MAC reached a device that is not a bridge port.
    OtherHost { mac: Mac, dev: String },
    /// The TTL would reach 0 here.
    TtlExceeded { node: String },
    /// Not addressed to this machine, and it does not forward (`ip_forward` off).
    NotForwarding { dst: Ipv4Addr, node: String },
    /// An ICMP echo reply or error arrived, but no process waits for its id.
    NoSocket { ident: u16 },
    /// A TUN device closed by its process (flanneld stopped) had a packet on its way.
    TunClosed { dev: String },
    /// A TCP segment for a port with no listener and no connection.
    NoTcpListener {
        port: u16,
        addr: Ipv4Addr,
        machine: String,
    },
    /// A RST, or an ICMP error about a TCP segment, for no connection that exists.
    TcpNoConnection { port: u16, what: String },
    /// A TCP segment already received (a retransmission).
    TcpDuplicate { seq: u32 },
    /// A TCP segment beyond the next expected byte.
    TcpOutOfOrder { seq: u32, expected: u32 },
    /// A VXLAN device has no forwarding entry for a frame's destination MAC.
    NoVxlanFdb { mac: Mac, dev: String },
    /// A UDP datagram (or an ICMP error about one) for a port no process has open.
    NoUdpSocket { port: u16 },
    /// flanneld read a packet from its TUN device for an address in no known lease.
    NoLease {
        dst: Ipv4Addr,
        network: String,
        node: String,
    },
    /// The outgoing device is down.
    DeviceDown { dev: String },
    /// A packet with DF set is bigger than the next device's MTU.
    FragNeeded {
        len: u16,
        mtu: u16,
        dev: String,
        node: String,
    },
    /// Some fragments of a datagram arrived, the rest did not within ipfrag_time.
    ReassemblyTimeout {
        datagram: PacketId,
        have: u16,
        of: u16,
    },
    /// A packet arrived from outside carrying one of this machine's own addresses as its
    /// source; Linux drops these on input (`fib_validate_source`, "martian source").
    MartianSource {
        src: Ipv4Addr,
        dev: String,
        node: String,
    },
    /// An iptables rule's `-j REJECT` (the sender gets ICMP port unreachable).
    Rejected { rule: String, node: String },
    /// An iptables rule's `-j DROP`, or a chain's DROP policy; `why`, what the rule's
    /// writer says the drop means (kube-proxy's traffic policies).
    Filtered {
        rule: String,
        node: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        why: Option<String>,
    },
    /// An IPVS virtual service has no real server to send a new connection to.
    IpvsNoRealServer { service: String, node: String },
    /// One walk of a table visited more rules than the simulator follows for one packet
    /// (jumps that fan out, nested: the walk grows exponentially). Linux would finish it.
    RulesetTooDeep {
        table: String,
        chain: String,
        visits: u32,
        node: String,
    },
}

impl std::fmt::Display for DropReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DropReason::Rejected { rule, node } => write!(
                f,
                "rejected on {node} by `{rule}`: the sender gets ICMP port unreachable (a TCP client sees \"connection refused\" at once)"
            ),
            DropReason::IpvsNoRealServer { service, node } => write!(
                f,
                "IPVS on {node} has virtual service {service} but no real server behind it (the Service has no ready endpoints): the sender gets ICMP port unreachable"
            ),
            DropReason::RulesetTooDeep {
                table,
                chain,
                visits,
                node,
            } => write!(
                f,
                "the {table} table on {node} is too deep for the simulator: one walk visited {visits} rules (the last in chain {chain}), its limit, so the packet is dropped here (Linux would walk on, for a very long time); chains that jump to the same chains more than once, nested, make a walk grow exponentially (`iptables-save -t {table}`)"
            ),
            DropReason::Filtered { rule, node, why } => {
                write!(f, "dropped on {node} by `{rule}`")?;
                if let Some(why) = why {
                    write!(f, ": {why}")?;
                }
                write!(f, ": nothing is sent back, so the sender waits and retries")
            }
            DropReason::LinkDown { link } => write!(
                f,
                "link {link} is down: the frame is lost on the wire (no other path is up)"
            ),
            DropReason::LinkMtu { link, len, mtu } => write!(
                f,
                "a {len}-byte packet does not fit link {link}, whose MTU is {mtu}: the switch drops oversized frames and tells no one (no ICMP), so the sender never learns; an MTU black hole (lower the senders' MTU to the network's)"
            ),
            DropReason::LinkLoss { link, loss_ppm } => write!(
                f,
                "lost on link {link}, which drops {} of frames (the scenario's `loss`)",
                percent(*loss_ppm)
            ),
            DropReason::NoRoute { dst, node } => write!(
                f,
                "no route to {dst} on {node}: no entry in `ip route` matches and there is no default route"
            ),
            DropReason::NoNeighbour {
                next_hop,
                dev,
                probes,
            } => write!(
                f,
                "{probes} ARP requests for {next_hop} on {dev} got no reply: nothing on that segment has the address (`ip neigh` shows it FAILED); the sender gets host unreachable"
            ),
            DropReason::NeighQueueFull { next_hop, qlen } => write!(
                f,
                "{qlen} packets already wait for ARP to resolve {next_hop} (unres_qlen): the oldest is dropped"
            ),
            DropReason::UnknownMac { mac } => write!(
                f,
                "no port on the segment has MAC {mac} (the machine that had it is gone)"
            ),
            DropReason::OtherHost { mac, dev } => write!(
                f,
                "frame for MAC {mac} reached {dev}, which has another MAC and is not a bridge port"
            ),
            DropReason::TtlExceeded { node } => write!(
                f,
                "TTL expired at {node} (a routing loop, or more hops than the TTL): ICMP time exceeded goes back to the sender"
            ),
            DropReason::NotForwarding { dst, node } => write!(
                f,
                "{node} received a packet for {dst}, which is not one of its addresses, and ip_forward is off"
            ),
            DropReason::NoSocket { ident } => write!(
                f,
                "ICMP for id {ident}, but no process waits for it (the ping already exited)"
            ),
            DropReason::TunClosed { dev } => write!(
                f,
                "{dev} went away with the process that held it open (flanneld stopped), so the packet has nowhere to go"
            ),
            DropReason::NoTcpListener {
                port,
                addr,
                machine,
            } => write!(
                f,
                "nothing listens on TCP port {port} of {addr}, which here is {machine}: the kernel answers RST, and the client gets \"Connection refused\" (is {addr} the machine the client meant?)"
            ),
            DropReason::TcpNoConnection { port, what } => write!(
                f,
                "{what} for TCP port {port}, where no connection exists: ignored"
            ),
            DropReason::TcpDuplicate { seq } => write!(
                f,
                "TCP segment at seq {seq} was already received (a retransmission): the kernel acknowledges again"
            ),
            DropReason::TcpOutOfOrder { seq, expected } => write!(
                f,
                "TCP segment at seq {seq} arrived before {expected} (an earlier one was lost): this simulator keeps no out-of-order queue, so it waits for the retransmission"
            ),
            DropReason::NoVxlanFdb { mac, dev } => write!(
                f,
                "{dev} has no forwarding entry for {mac}, so it does not know which node to send the frame to (`bridge fdb show dev {dev}`; flanneld adds one per peer lease)"
            ),
            DropReason::NoUdpSocket { port } => write!(
                f,
                "nothing listens on UDP port {port} here: the kernel answers ICMP port unreachable"
            ),
            DropReason::NoLease { dst, network, node } => write!(
                f,
                "flanneld on {node} knows no subnet lease containing {dst} (see `etcdctl ls /coreos.com/network/subnets`): {dst} is in the flannel network {network} but no node holds its subnet, so flanneld drops it (it answers ICMP net unreachable only for UDP and TCP, never for ICMP)"
            ),
            DropReason::DeviceDown { dev } => write!(f, "device {dev} is down"),
            DropReason::FragNeeded {
                len,
                mtu,
                dev,
                node,
            } => write!(
                f,
                "{len} bytes with DF set do not fit {dev}'s MTU {mtu} on {node}: ICMP \"fragmentation needed\" goes back to the sender (path MTU discovery)"
            ),
            DropReason::ReassemblyTimeout { datagram, have, of } => write!(
                f,
                "fragment of {datagram}: only {have} of {of} bytes arrived within 30s (ipfrag_time), so the whole datagram is discarded"
            ),
            DropReason::MartianSource { src, dev, node } => write!(
                f,
                "martian source: it arrived on {dev} from {src}, which is {node}'s own address (a packet it sent came back to it)"
            ),
        }
    }
}

/// `250000` ppm -> `25%`, `1500` -> `0.15%`.
fn percent(ppm: u32) -> String {
    let whole = ppm / 10_000;
    let frac = ppm % 10_000;
    if frac == 0 {
        format!("{whole}%")
    } else {
        let digits = format!("{frac:04}");
        format!("{whole}.{}%", digits.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loss_percent_prints_exactly() {
        assert_eq!(percent(250_000), "25%");
        assert_eq!(percent(1_500), "0.15%");
        assert_eq!(percent(1_000_000), "100%");
        assert_eq!(percent(1), "0.0001%");
    }
}
