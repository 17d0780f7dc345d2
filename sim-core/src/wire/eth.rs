//! Ethernet frames and ARP (RFC 826).
//!
//! A frame is what crosses a link or a veth pair: source and destination MAC, then an IPv4
//! packet or an ARP message. Devices without an L2 header (loopback, later TUN) carry bare
//! packets and never build frames.

use std::fmt;
use std::net::Ipv4Addr;

use serde::{Serialize, Serializer};

use super::{Packet, PacketId};

/// An Ethernet address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Mac(pub [u8; 6]);

impl Mac {
    pub const BROADCAST: Mac = Mac([0xff; 6]);
    pub const ZERO: Mac = Mac([0; 6]);

    pub fn is_broadcast(self) -> bool {
        self == Mac::BROADCAST
    }
}

impl fmt::Display for Mac {
    /// `52:54:00:6c:3e:cb`, as `ip link` and tcpdump print it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = self.0;
        write!(
            f,
            "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            b[0], b[1], b[2], b[3], b[4], b[5]
        )
    }
}

impl Serialize for Mac {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// ARP's payload over Ethernet/IPv4: 28 bytes.
pub const ARP_LEN: u16 = 28;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ArpOp {
    Request,
    Reply,
}

/// An ARP message. It has an id in the same space as IP packets, so the trace can follow
/// it across hops and name it when it is dropped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Arp {
    pub id: PacketId,
    pub op: ArpOp,
    /// Sender hardware and protocol address.
    pub sha: Mac,
    pub spa: Ipv4Addr,
    /// Target hardware (zero in a request) and protocol address.
    pub tha: Mac,
    pub tpa: Ipv4Addr,
}

impl fmt::Display for Arp {
    /// tcpdump's lines: `ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28` and
    /// `ARP, Reply 10.0.0.2 is-at 52:54:00:6c:3e:cb, length 28`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.op {
            ArpOp::Request => write!(
                f,
                "ARP, Request who-has {} tell {}, length {ARP_LEN}",
                self.tpa, self.spa
            ),
            ArpOp::Reply => write!(
                f,
                "ARP, Reply {} is-at {}, length {ARP_LEN}",
                self.spa, self.sha
            ),
        }
    }
}

/// What a frame carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Payload {
    Ip(Packet),
    Arp(Arp),
}

impl Payload {
    pub fn id(&self) -> PacketId {
        match self {
            Payload::Ip(p) => p.id,
            Payload::Arp(a) => a.id,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Frame {
    pub src: Mac,
    pub dst: Mac,
    pub payload: Payload,
}

/// Destination, source, EtherType.
pub const ETH_HEADER_LEN: u16 = 14;

impl Frame {
    pub fn id(&self) -> PacketId {
        self.payload.id()
    }

    /// Bytes as the kernel counts them in a device's counters (header, no FCS or padding).
    pub fn len(&self) -> u64 {
        ETH_HEADER_LEN as u64
            + match &self.payload {
                Payload::Ip(p) => p.len() as u64,
                Payload::Arp(_) => ARP_LEN as u64,
            }
    }

    pub fn is_empty(&self) -> bool {
        false
    }

    /// The EtherType: IPv4 or ARP.
    pub fn ethertype(&self) -> u16 {
        match self.payload {
            Payload::Ip(_) => ETHERTYPE_IPV4,
            Payload::Arp(_) => ETHERTYPE_ARP,
        }
    }

    /// tcpdump `-e`'s link-level header (print-ether.c's `ether_hdr_print`):
    /// `52:54:00:6c:3e:cb > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: `;
    /// with `-q` the type by name only (`, IPv4, length 98: `).
    pub fn header_line(&self, quiet: bool) -> String {
        format!(
            "{} > {}, {}, length {}: ",
            self.src,
            self.dst,
            ethertype_words(self.ethertype(), quiet),
            self.len()
        )
    }
}

pub const ETHERTYPE_IPV4: u16 = 0x0800;
pub const ETHERTYPE_ARP: u16 = 0x0806;

/// How tcpdump names an EtherType: `ethertype IPv4 (0x0800)`, or `IPv4` with `-q`.
pub fn ethertype_words(t: u16, quiet: bool) -> String {
    let name = if t == ETHERTYPE_ARP { "ARP" } else { "IPv4" };
    if quiet {
        name.to_string()
    } else {
        format!("ethertype {name} (0x{t:04x})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_tcpdump() {
        let mut arp = Arp {
            id: PacketId(1),
            op: ArpOp::Request,
            sha: Mac([0x52, 0x54, 0, 0x6c, 0x3e, 0xcb]),
            spa: Ipv4Addr::new(10, 0, 0, 1),
            tha: Mac::ZERO,
            tpa: Ipv4Addr::new(10, 0, 0, 2),
        };
        assert_eq!(
            arp.to_string(),
            "ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28"
        );
        arp.op = ArpOp::Reply;
        assert_eq!(
            arp.to_string(),
            "ARP, Reply 10.0.0.1 is-at 52:54:00:6c:3e:cb, length 28"
        );
    }
}
