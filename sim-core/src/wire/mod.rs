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

use std::fmt;
use std::net::Ipv4Addr;

use serde::Serialize;

/// IPv4 header without options: 20 bytes.
pub const IPV4_HEADER_LEN: u16 = 20;
/// ICMP header (type, code, checksum, and the 4 bytes that depend on the type).
pub const ICMP_HEADER_LEN: u16 = 8;
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
    pub l4: L4,
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
}

impl Packet {
    pub fn proto_number(&self) -> u8 {
        match self.l4 {
            L4::Icmp(_) => 1,
        }
    }

    /// Total length in bytes, as in the IPv4 header's Total Length field.
    pub fn len(&self) -> u16 {
        IPV4_HEADER_LEN + self.l4.len()
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

impl fmt::Display for Packet {
    /// `IP (ttl 64, id 4242, flags [DF], length 84) 10.0.0.1 > 10.0.0.2: ICMP echo request, id 7, seq 1, length 64`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let flags = if self.ip.df { "DF" } else { "none" };
        write!(
            f,
            "IP (ttl {}, id {}, flags [{}], length {}) {} > {}: ",
            self.ip.ttl,
            self.ip.ident,
            flags,
            self.len(),
            self.ip.src,
            self.ip.dst
        )?;
        match &self.l4 {
            L4::Icmp(icmp) => {
                let len = icmp.len();
                match icmp {
                    Icmp::EchoRequest { ident, seq, .. } => {
                        write!(f, "ICMP echo request, id {ident}, seq {seq}, length {len}")
                    }
                    Icmp::EchoReply { ident, seq, .. } => {
                        write!(f, "ICMP echo reply, id {ident}, seq {seq}, length {len}")
                    }
                    Icmp::DestUnreachable { code, quoted } => {
                        let what = match code {
                            UnreachCode::Net => "net",
                            UnreachCode::Host => "host",
                            UnreachCode::Port => "port",
                        };
                        write!(f, "ICMP {what} {} unreachable, length {len}", quoted.ip.dst)
                    }
                    Icmp::TimeExceeded { .. } => {
                        write!(f, "ICMP time exceeded in-transit, length {len}")
                    }
                }
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
        }
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
    fn prints_like_tcpdump() {
        assert_eq!(
            echo(56).to_string(),
            "IP (ttl 64, id 4242, flags [DF], length 84) 10.0.0.1 > 10.0.0.2: ICMP echo request, id 7, seq 1, length 64"
        );
    }
}
