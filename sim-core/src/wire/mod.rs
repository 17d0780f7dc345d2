//! Typed packets with exact sizes.
//!
//! A packet is not bytes: it is an IPv4 header with the fields a pcap writer would need,
//! then an ICMP message (UDP and TCP come with the data-plane issue), each with a `len()`
//! that is exactly what Linux would put on the wire. Every packet has an id, and a packet
//! made because of another (a reply, an ICMP error, later a NATed copy or an encapsulation)
//! records that one as its `parent`, so `explain` can walk a drop back to its cause.
//!
//! `Display` prints one tcpdump-like line (`tcpdump -v`'s IP fields, abbreviated, on the
//! same line as the summary).

pub mod bytes;
pub mod dns;
pub mod etcd;
pub mod eth;
pub mod parse;
pub mod tcp;

use std::fmt;
use std::net::Ipv4Addr;

use serde::Serialize;

/// IPv4 header without options: 20 bytes.
pub const IPV4_HEADER_LEN: u16 = 20;
/// ICMP header (type, code, checksum, and the 4 bytes that depend on the type).
pub const ICMP_HEADER_LEN: u16 = 8;
/// VXLAN header: flags, reserved bits and the 24-bit VNI.
pub const VXLAN_HEADER_LEN: u16 = 8;
/// UDP header: ports, length, checksum.
pub const UDP_HEADER_LEN: u16 = 8;
/// Linux's default TTL for locally generated packets (`net.ipv4.ip_default_ttl`).
pub const DEFAULT_TTL: u8 = 64;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct PacketId(pub u64);

impl fmt::Display for PacketId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Packet {
    pub id: PacketId,
    /// The packet this one was made from or in answer to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<PacketId>,
    pub ip: Ipv4Header,
    /// The whole datagram's upper layer. A fragment carries it too (typed packets keep
    /// what the bytes mean) and says in `frag` which bytes of it this packet holds.
    pub l4: L4,
    /// Set on a fragment: which bytes of the datagram's payload it carries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frag: Option<Frag>,
    /// The kernel's mark on the packet (`skb->mark`, set by `-j MARK`): metadata in one
    /// namespace, never on the wire.
    #[serde(skip)]
    pub mark: u32,
    /// The conntrack entry the packet belongs to in the namespace it is in (`skb->_nfct`),
    /// and its direction.
    #[serde(skip)]
    pub ct: Option<(u64, crate::net::netfilter::Dir)>,
    /// CPU time netfilter spent on the packet in this namespace (rules walked), in ns, not
    /// yet paid: the packet leaves its device that much later.
    #[serde(skip)]
    pub cost_ns: u64,
}

/// A fragment's place in its datagram (RFC 791): payload bytes `offset..offset + len` of
/// the upper layer, and whether more fragments follow (MF). `offset` is a multiple of 8.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Frag {
    pub offset: u16,
    pub len: u16,
    pub more: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Ipv4Header {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub ttl: u8,
    /// The Identification field.
    pub ident: u16,
    /// Don't Fragment.
    pub df: bool,
}

/// What the IPv4 header carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "proto", rename_all = "lowercase")]
pub enum L4 {
    Icmp(Icmp),
    Udp(Udp),
    Tcp(tcp::Segment),
}

/// A UDP datagram: ports and what it carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Udp {
    pub sport: u16,
    pub dport: u16,
    pub payload: UdpPayload,
}

/// What a UDP datagram carries. Typed where the simulator reads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum UdpPayload {
    /// Bytes nobody in the simulation looks into, of this length.
    Opaque { len: u16 },
    /// A whole IPv4 packet, as flanneld's udp backend sends what it read from flannel0
    /// (no header of its own: the packet's bytes are the payload).
    Flannel { inner: Box<Packet> },
    /// A VXLAN header (8 bytes: flags, VNI) and the Ethernet frame it carries (RFC 7348).
    Vxlan { vni: u32, frame: Box<eth::Frame> },
    /// A DNS message (RFC 1035).
    Dns { msg: Box<dns::Message> },
}

impl Packet {
    /// A DNS message this packet carries: (source port, destination port, message).
    pub fn dns(&self) -> Option<(u16, u16, &dns::Message)> {
        match &self.l4 {
            L4::Udp(Udp {
                sport,
                dport,
                payload: UdpPayload::Dns { msg },
            }) => Some((*sport, *dport, msg)),
            _ => None,
        }
    }
}

impl UdpPayload {
    pub fn len(&self) -> u16 {
        match self {
            UdpPayload::Opaque { len } => *len,
            UdpPayload::Flannel { inner } => inner.len(),
            UdpPayload::Vxlan { frame, .. } => VXLAN_HEADER_LEN + frame.len() as u16,
            UdpPayload::Dns { msg } => msg.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Icmp {
    /// Type 8. `data` is the payload length (56 by default for ping).
    EchoRequest { ident: u16, seq: u16, data: u16 },
    /// Type 0.
    EchoReply { ident: u16, seq: u16, data: u16 },
    /// Type 3, quoting the offending packet's IP header and first 8 bytes.
    DestUnreachable {
        code: UnreachCode,
        quoted: Box<Quoted>,
    },
    /// Type 11 code 0 (TTL exceeded in transit), quoting like DestUnreachable.
    TimeExceeded { quoted: Box<Quoted> },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnreachCode {
    /// Code 0.
    Net,
    /// Code 1.
    Host,
    /// Code 3.
    Port,
    /// Code 4: fragmentation needed and DF set, with the next hop's MTU (RFC 1191).
    FragNeeded { mtu: u16 },
}

/// What an ICMP error quotes of the packet that caused it: its IP header and the first
/// 8 bytes of its payload (enough to find the sending socket).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Quoted {
    pub id: PacketId,
    pub ip: Ipv4Header,
    pub l4: QuotedL4,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "proto", rename_all = "lowercase")]
pub enum QuotedL4 {
    Icmp { ident: u16, seq: u16 },
    Udp { sport: u16, dport: u16 },
    Tcp { sport: u16, dport: u16, seq: u32 },
}

impl Packet {
    pub fn proto_number(&self) -> u8 {
        match self.l4 {
            L4::Icmp(_) => 1,
            L4::Udp(_) => 17,
            L4::Tcp(_) => 6,
        }
    }

    /// Total length in bytes, as in the IPv4 header's Total Length field.
    pub fn len(&self) -> u16 {
        IPV4_HEADER_LEN + self.frag.map_or_else(|| self.l4.len(), |f| f.len)
    }

    /// Splits this packet into fragments that fit `mtu`, as the kernel's `ip_fragment`
    /// does: every payload but the last is (mtu - 20) rounded down to 8 bytes; MF is set on
    /// all but the last (which keeps the original's MF when this is already a fragment).
    /// `ids` gives each fragment its id; each records this packet as its parent.
    pub fn fragment(&self, mtu: u16, mut ids: impl FnMut() -> PacketId) -> Vec<Packet> {
        let (base, total, more_after) = match self.frag {
            Some(f) => (f.offset, f.len, f.more),
            None => (0, self.l4.len(), false),
        };
        let step = (mtu.saturating_sub(IPV4_HEADER_LEN) / 8 * 8).max(8);
        let mut out = Vec::new();
        let mut done = 0;
        while done < total {
            let len = step.min(total - done);
            let last = done + len == total;
            out.push(Packet {
                id: ids(),
                parent: Some(self.id),
                ip: self.ip.clone(),
                l4: self.l4.clone(),
                frag: Some(Frag {
                    offset: base + done,
                    len,
                    more: !last || more_after,
                }),
                mark: self.mark,
                ct: self.ct,
                cost_ns: 0,
            });
            done += len;
        }
        out
    }

    /// An ICMP echo request from this machine (the kernel fills in the source) with `data`
    /// bytes of payload; DF is decided by the sender.
    pub fn echo_request(
        id: PacketId,
        dst: Ipv4Addr,
        ip_ident: u16,
        ident: u16,
        seq: u16,
        data: u16,
    ) -> Packet {
        Packet {
            id,
            parent: None,
            ip: Ipv4Header {
                src: Ipv4Addr::UNSPECIFIED,
                dst,
                ttl: DEFAULT_TTL,
                ident: ip_ident,
                df: false,
            },
            l4: L4::Icmp(Icmp::EchoRequest { ident, seq, data }),
            frag: None,
            mark: 0,
            ct: None,
            cost_ns: 0,
        }
    }

    /// Whether this is a fragment other than the first (it carries no upper-layer header).
    pub fn is_later_fragment(&self) -> bool {
        self.frag.is_some_and(|f| f.offset > 0)
    }

    pub fn is_empty(&self) -> bool {
        false
    }

    /// The part of this packet an ICMP error would quote.
    pub fn quote(&self) -> Quoted {
        Quoted {
            id: self.id,
            ip: self.ip.clone(),
            l4: match &self.l4 {
                L4::Icmp(
                    Icmp::EchoRequest { ident, seq, .. } | Icmp::EchoReply { ident, seq, .. },
                ) => QuotedL4::Icmp {
                    ident: *ident,
                    seq: *seq,
                },
                // An ICMP error is never sent about an ICMP error (RFC 1122 3.2.2); callers
                // check that first, so this arm only keeps the match total.
                L4::Icmp(Icmp::DestUnreachable { .. } | Icmp::TimeExceeded { .. }) => {
                    QuotedL4::Icmp { ident: 0, seq: 0 }
                }
                L4::Udp(u) => QuotedL4::Udp {
                    sport: u.sport,
                    dport: u.dport,
                },
                L4::Tcp(t) => QuotedL4::Tcp {
                    sport: t.sport,
                    dport: t.dport,
                    seq: t.seq,
                },
            },
        }
    }

    /// Whether this is an ICMP error message (never answered with another ICMP error).
    pub fn is_icmp_error(&self) -> bool {
        matches!(
            self.l4,
            L4::Icmp(Icmp::DestUnreachable { .. } | Icmp::TimeExceeded { .. })
        )
    }
}

impl L4 {
    pub fn len(&self) -> u16 {
        match self {
            L4::Icmp(icmp) => icmp.len(),
            L4::Udp(udp) => UDP_HEADER_LEN.saturating_add(udp.payload.len()),
            L4::Tcp(t) => t.header_len() + t.len,
        }
    }

    pub fn is_empty(&self) -> bool {
        false
    }
}

impl Icmp {
    pub fn len(&self) -> u16 {
        match self {
            Icmp::EchoRequest { data, .. } | Icmp::EchoReply { data, .. } => ICMP_HEADER_LEN + data,
            // Header, then the quoted IP header and 8 bytes of its payload.
            Icmp::DestUnreachable { .. } | Icmp::TimeExceeded { .. } => {
                ICMP_HEADER_LEN + IPV4_HEADER_LEN + 8
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        false
    }
}

/// How a packet prints: the trace's one-liner, or one of tcpdump's forms.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Style {
    /// tcpdump's own output (false: the trace's line, `-v`-like IP fields on the same line
    /// and flannel's encapsulated packet decoded in brackets).
    pub tcpdump: bool,
    /// tcpdump's `-v` count: the IP header's fields on a line of their own.
    pub verbose: u8,
    /// `-q`: less protocol information (`tcp 0`, `UDP, length 84`).
    pub quiet: bool,
    /// `-e`: the link-level header of a frame inside VXLAN.
    pub link: bool,
    /// Port numbers by their `/etc/services` names (tcpdump without `-nn`).
    pub port_names: bool,
    /// `-T vxlan`: UDP to or from 8472 (flannel's VXLAN port) decoded as VXLAN, not OTV.
    pub vxlan_8472: bool,
}

/// TCP options as Linux puts them on a segment, for tcpdump's `options [...]`: the MSS
/// announced on a SYN and the timestamps. Linux's options are fixed (see `wire::tcp`);
/// only these values vary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TcpOptions {
    pub mss: u16,
    pub ts_val: u32,
    pub ts_ecr: u32,
}

/// A packet with the style to print it in: `packet.show(style)`.
pub struct Show<'a> {
    pub packet: &'a Packet,
    pub style: Style,
    /// tcpdump prints a segment's options; the trace leaves them out.
    pub tcp_options: Option<TcpOptions>,
    /// The segment's checksum as sent, for tcpdump `-v` (computed from the packet as it
    /// crossed the device, before tcpdump makes its sequence numbers relative).
    pub tcp_cksum: Option<u16>,
}

impl Packet {
    pub fn show(&self, style: Style) -> Show<'_> {
        Show {
            packet: self,
            style,
            tcp_options: None,
            tcp_cksum: None,
        }
    }
}

/// `/etc/services` names tcpdump prints for the ports the simulation uses, without `-nn`
/// (CentOS 7's file, from IANA's registry).
pub fn port_name(port: u16, udp: bool) -> Option<&'static str> {
    Some(match (port, udp) {
        (22, _) => "ssh",
        (53, _) => "domain",
        (80, _) => "http",
        (443, _) => "https",
        (8472, true) => "otv",
        _ => return None,
    })
}

/// tcpdump's UDP port for OTV, which it decodes on 8472 unless told `-T vxlan`.
pub const OTV_PORT: u16 = 8472;
/// IANA's VXLAN port, which tcpdump decodes as VXLAN.
pub const VXLAN_PORT: u16 = 4789;

impl fmt::Display for Packet {
    /// `IP (ttl 64, id 4242, flags [DF], length 84) 10.0.0.1 > 10.0.0.2: ICMP echo request, id 7, seq 1, length 64`.
    /// Fragments add tcpdump's `offset N` and `[+]` for MF; a later fragment has no
    /// upper-layer header to show, so it prints `ip-proto-N` as tcpdump does.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.show(Style::default()).fmt(f)
    }
}

impl fmt::Display for Show<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (p, st) = (self.packet, self.style);
        let flags = match (p.ip.df, p.frag.is_some_and(|fr| fr.more)) {
            (true, true) => "DF+",
            (true, false) => "DF",
            (false, true) => "+",
            (false, false) => "none",
        };
        // tcpdump appends UDP ports to the addresses: `10.0.0.1.8285 > 10.0.0.2.8285`.
        let ports = match &p.l4 {
            L4::Udp(u) if !p.is_later_fragment() => Some((u.sport, u.dport, true)),
            L4::Tcp(t) if !p.is_later_fragment() => Some((t.sport, t.dport, false)),
            _ => None,
        };
        if !st.tcpdump {
            let offset = match p.frag {
                Some(fr) => format!("offset {}, ", fr.offset),
                None => String::new(),
            };
            write!(
                f,
                "IP (ttl {}, id {}, {offset}flags [{}], length {}) ",
                p.ip.ttl,
                p.ip.ident,
                flags,
                p.len(),
            )?;
        } else if st.verbose > 0 {
            // print-ip.c: tos, ttl, id, offset, flags, proto, length; the addresses on the
            // next line, indented.
            let proto = match p.l4 {
                L4::Icmp(_) => "ICMP",
                L4::Udp(_) => "UDP",
                L4::Tcp(_) => "TCP",
            };
            write!(
                f,
                "IP (tos 0x0, ttl {}, id {}, offset {}, flags [{}], proto {proto} ({}), length {})\n    ",
                p.ip.ttl,
                p.ip.ident,
                p.frag.map_or(0, |fr| fr.offset),
                flags,
                p.proto_number(),
                p.len(),
            )?;
        } else {
            f.write_str("IP ")?;
        }
        let port = |f: &mut fmt::Formatter<'_>, n: u16, udp: bool| match port_name(n, udp) {
            Some(name) if st.tcpdump && st.port_names => write!(f, ".{name}"),
            _ => write!(f, ".{n}"),
        };
        write!(f, "{}", p.ip.src)?;
        if let Some((sport, _, udp)) = ports {
            port(f, sport, udp)?;
        }
        write!(f, " > {}", p.ip.dst)?;
        if let Some((_, dport, udp)) = ports {
            port(f, dport, udp)?;
        }
        f.write_str(": ")?;
        if p.is_later_fragment() {
            // tcpdump names the protocol by getprotobynumber(3); the trace by number.
            return match (st.tcpdump, &p.l4) {
                (true, L4::Icmp(_)) => f.write_str("icmp"),
                (true, L4::Udp(_)) => f.write_str("udp"),
                (true, L4::Tcp(_)) => f.write_str("tcp"),
                (false, _) => write!(f, "ip-proto-{}", p.proto_number()),
            };
        }
        match &p.l4 {
            L4::Icmp(icmp) => {
                let len = p.len() - IPV4_HEADER_LEN;
                match icmp {
                    Icmp::EchoRequest { ident, seq, .. } => {
                        write!(f, "ICMP echo request, id {ident}, seq {seq}, length {len}")
                    }
                    Icmp::EchoReply { ident, seq, .. } => {
                        write!(f, "ICMP echo reply, id {ident}, seq {seq}, length {len}")
                    }
                    Icmp::DestUnreachable { code, quoted } => match code {
                        UnreachCode::FragNeeded { mtu } => write!(
                            f,
                            "ICMP {} unreachable - need to frag (mtu {mtu}), length {len}",
                            quoted.ip.dst
                        ),
                        // print-icmp.c names the quoted protocol and port.
                        UnreachCode::Port if st.tcpdump => {
                            let dst = quoted.ip.dst;
                            match quoted.l4 {
                                QuotedL4::Udp { dport, .. } | QuotedL4::Tcp { dport, .. } => {
                                    let udp = matches!(quoted.l4, QuotedL4::Udp { .. });
                                    let proto = if udp { "udp" } else { "tcp" };
                                    write!(f, "ICMP {dst} {proto} port ")?;
                                    match port_name(dport, udp) {
                                        Some(n) if st.port_names => f.write_str(n)?,
                                        _ => write!(f, "{dport}")?,
                                    }
                                    write!(f, " unreachable, length {len}")
                                }
                                QuotedL4::Icmp { .. } => write!(
                                    f,
                                    "ICMP {dst} protocol 1 port 0 unreachable, length {len}"
                                ),
                            }
                        }
                        _ => {
                            let what = match code {
                                UnreachCode::Net => "net",
                                UnreachCode::Host => "host",
                                _ => "port",
                            };
                            write!(f, "ICMP {what} {} unreachable, length {len}", quoted.ip.dst)
                        }
                    },
                    Icmp::TimeExceeded { .. } => {
                        write!(f, "ICMP time exceeded in-transit, length {len}")
                    }
                }
            }
            // print-tcp.c's `-q`: `tcp LENGTH`.
            L4::Tcp(t) if st.tcpdump && st.quiet => write!(f, "tcp {}", t.len),
            L4::Tcp(t) => match (st.tcpdump, self.tcp_options) {
                (true, Some(o)) => t.fmt_with_options(f, o, self.tcp_cksum),
                _ => write!(f, "{t}"),
            },
            L4::Udp(u) if st.tcpdump && st.quiet => write!(f, "UDP, length {}", u.payload.len()),
            // tcpdump decodes VXLAN on 4789; on flannel's 8472 it decodes OTV unless told
            // `-T vxlan` (the trace always says VXLAN).
            L4::Udp(Udp {
                sport,
                dport,
                payload: UdpPayload::Vxlan { vni, frame },
            }) => {
                let otv = st.tcpdump
                    && !st.vxlan_8472
                    && (*sport == OTV_PORT || *dport == OTV_PORT)
                    && *sport != VXLAN_PORT
                    && *dport != VXLAN_PORT;
                if !st.tcpdump {
                    write!(
                        f,
                        "VXLAN, flags [I] (0x08), vni {vni} [{} > {}, ",
                        frame.src, frame.dst
                    )?;
                    return match &frame.payload {
                        eth::Payload::Ip(p) => write!(f, "{p}]"),
                        eth::Payload::Arp(a) => write!(f, "{a}]"),
                    };
                }
                if otv {
                    // print-otv.c: the VNI's 24 bits are OTV's instance; overlay 0.
                    writeln!(f, "OTV, flags [I] (0x08), overlay 0, instance {vni}")?;
                } else if *sport == VXLAN_PORT || *dport == VXLAN_PORT || st.vxlan_8472 {
                    writeln!(f, "VXLAN, flags [I] (0x08), vni {vni}")?;
                } else {
                    return write!(f, "UDP, length {}", p.l4.len() - UDP_HEADER_LEN);
                }
                // ether_print: the inner frame's header only with `-e`.
                if st.link {
                    f.write_str(&frame.header_line(st.quiet))?;
                }
                match &frame.payload {
                    eth::Payload::Ip(inner) => write!(f, "{}", inner.show(st)),
                    eth::Payload::Arp(a) => write!(f, "{a}"),
                }
            }
            // tcpdump decodes port 53 as DNS.
            L4::Udp(Udp {
                payload: UdpPayload::Dns { msg },
                ..
            }) => write!(f, "{msg}"),
            L4::Udp(udp) => {
                write!(f, "UDP, length {}", udp.payload.len())?;
                // tcpdump does not decode flannel's packets; the trace does.
                if let (false, UdpPayload::Flannel { inner }) = (st.tcpdump, &udp.payload) {
                    write!(f, " [flannel: {inner}]")?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn echo(data: u16) -> Packet {
        Packet {
            id: PacketId(1),
            parent: None,
            ip: Ipv4Header {
                src: Ipv4Addr::new(10, 0, 0, 1),
                dst: Ipv4Addr::new(10, 0, 0, 2),
                ttl: 64,
                ident: 4242,
                df: true,
            },
            l4: L4::Icmp(Icmp::EchoRequest {
                ident: 7,
                seq: 1,
                data,
            }),
            frag: None,
            mark: 0,
            ct: None,
            cost_ns: 0,
        }
    }

    /// A 2028-byte datagram over a 1500 MTU: 1480 + 528 payload bytes, as Linux splits it;
    /// a fragment re-fragmented keeps absolute offsets and the original's MF on its last.
    #[test]
    fn fragments_like_ip_fragment() {
        let mut next = 10;
        let mut ids = || {
            next += 1;
            PacketId(next)
        };
        let frags = echo(2000).fragment(1500, &mut ids);
        let shape: Vec<_> = frags
            .iter()
            .map(|p| (p.frag.unwrap().offset, p.len(), p.frag.unwrap().more))
            .collect();
        assert_eq!(shape, [(0, 1500, true), (1480, 548, false)]);
        assert!(frags.iter().all(|p| p.parent == Some(PacketId(1))));
        assert_eq!(
            frags[0].to_string(),
            "IP (ttl 64, id 4242, offset 0, flags [DF+], length 1500) 10.0.0.1 > 10.0.0.2: ICMP echo request, id 7, seq 1, length 1480"
        );
        assert_eq!(
            frags[1].to_string(),
            "IP (ttl 64, id 4242, offset 1480, flags [DF], length 548) 10.0.0.1 > 10.0.0.2: ip-proto-1"
        );
        let again = frags[0].fragment(576, &mut ids);
        let shape: Vec<_> = again
            .iter()
            .map(|p| {
                (
                    p.frag.unwrap().offset,
                    p.frag.unwrap().len,
                    p.frag.unwrap().more,
                )
            })
            .collect();
        assert_eq!(shape, [(0, 552, true), (552, 552, true), (1104, 376, true)]);
    }

    /// ping's default 56 data bytes make the 84-byte packet ping announces as "56(84)".
    #[test]
    fn sizes_are_exact() {
        assert_eq!(echo(56).len(), 84);
        assert_eq!(echo(1472).len(), 1500);
        let err = Icmp::TimeExceeded {
            quoted: Box::new(echo(56).quote()),
        };
        assert_eq!(err.len(), 36);
    }

    #[test]
    fn udp_prints_ports_on_the_addresses_and_nests_flannel() {
        let inner = echo(56);
        let outer = Packet {
            id: PacketId(2),
            parent: Some(PacketId(1)),
            ip: Ipv4Header {
                src: Ipv4Addr::new(192, 168, 0, 1),
                dst: Ipv4Addr::new(192, 168, 0, 2),
                ttl: 64,
                ident: 1,
                df: false,
            },
            l4: L4::Udp(Udp {
                sport: 8285,
                dport: 8285,
                payload: UdpPayload::Flannel {
                    inner: Box::new(inner),
                },
            }),
            frag: None,
            mark: 0,
            ct: None,
            cost_ns: 0,
        };
        // 20 (outer IP) + 8 (UDP) + 84 (the whole inner packet): flannel's 28 bytes.
        assert_eq!(outer.len(), 112);
        assert_eq!(
            outer.to_string(),
            "IP (ttl 64, id 1, flags [none], length 112) 192.168.0.1.8285 > 192.168.0.2.8285: UDP, length 84 [flannel: IP (ttl 64, id 4242, flags [DF], length 84) 10.0.0.1 > 10.0.0.2: ICMP echo request, id 7, seq 1, length 64]"
        );
    }

    /// tcpdump's own forms from the same formatter: the short line, `-v`'s header line, a
    /// port unreachable naming the quoted protocol and port (by name unless `-nn`), and a
    /// later fragment by its protocol's name.
    #[test]
    fn tcpdump_styles() {
        let st = Style {
            tcpdump: true,
            port_names: true,
            ..Style::default()
        };
        assert_eq!(
            echo(56).show(st).to_string(),
            "IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 7, seq 1, length 64"
        );
        assert_eq!(
            echo(56).show(Style { verbose: 1, ..st }).to_string(),
            "IP (tos 0x0, ttl 64, id 4242, offset 0, flags [DF], proto ICMP (1), length 84)\n    10.0.0.1 > 10.0.0.2: ICMP echo request, id 7, seq 1, length 64"
        );
        let mut unreach = echo(56);
        unreach.l4 = L4::Icmp(Icmp::DestUnreachable {
            code: UnreachCode::Port,
            quoted: Box::new(Quoted {
                id: PacketId(1),
                ip: unreach.ip.clone(),
                l4: QuotedL4::Udp {
                    sport: 40000,
                    dport: 53,
                },
            }),
        });
        assert_eq!(
            unreach.show(st).to_string(),
            "IP 10.0.0.1 > 10.0.0.2: ICMP 10.0.0.2 udp port domain unreachable, length 36"
        );
        assert_eq!(
            unreach
                .show(Style {
                    port_names: false,
                    ..st
                })
                .to_string(),
            "IP 10.0.0.1 > 10.0.0.2: ICMP 10.0.0.2 udp port 53 unreachable, length 36"
        );
        let later = &echo(2000).fragment(1500, || PacketId(9))[1];
        assert_eq!(later.show(st).to_string(), "IP 10.0.0.1 > 10.0.0.2: icmp");
    }

    #[test]
    fn prints_like_tcpdump() {
        assert_eq!(
            echo(56).to_string(),
            "IP (ttl 64, id 4242, flags [DF], length 84) 10.0.0.1 > 10.0.0.2: ICMP echo request, id 7, seq 1, length 64"
        );
    }
}
