//! tcpdump's savefiles: libpcap's classic format (pcap-file's header and records, little
//! endian as x86 writes them, microsecond timestamps from the simulated clock), the link
//! layer as the device has it: Ethernet frames, bare IP packets (RAW), or Linux's cooked
//! header (`any`). The packet bytes come from `wire::bytes`.

use pcap_file::pcap::{PcapHeader, PcapPacket, PcapReader, PcapWriter};
use pcap_file::{DataLink, Endianness, TsResolution};

use super::{LinkType, SNAPLEN};
use crate::engine::SimTime;
use crate::net::DevId;
use crate::net::capture::{Capture, Captured, Dir};
use crate::wire::TcpOptions;
use crate::wire::bytes;
use crate::wire::eth::{ETHERTYPE_IPV4, Mac, Payload};

fn pcap_header(linktype: LinkType) -> PcapHeader {
    PcapHeader {
        snaplen: SNAPLEN,
        datalink: DataLink::from(linktype.number()),
        ts_resolution: TsResolution::MicroSecond,
        endianness: Endianness::Little,
        ..PcapHeader::default()
    }
}

/// The file header (24 bytes).
pub fn header(linktype: LinkType) -> Vec<u8> {
    let mut out = Vec::new();
    pcap_header(linktype)
        .write_to(&mut out)
        .expect("a Vec takes every write");
    out
}

/// One packet's record (its 16-byte header and the bytes), to append to the file.
pub fn record(linktype: LinkType, c: &Capture, opts: Option<TcpOptions>) -> Vec<u8> {
    let data = link_bytes(linktype, c, opts);
    let nanos = c.at.as_nanos();
    let ts = std::time::Duration::new(
        crate::clock::EPOCH_UNIX as u64 + nanos / 1_000_000_000,
        // Microsecond resolution: what tcpdump's `HH:MM:SS.ffffff` shows.
        (nanos % 1_000_000_000) as u32 / 1000 * 1000,
    );
    let packet = PcapPacket::new(ts, data.len() as u32, &data);
    // A writer over a fresh buffer writes the file header first: the record follows it.
    let mut w = PcapWriter::with_header(Vec::new(), pcap_header(linktype))
        .expect("a Vec takes every write");
    w.write_packet(&packet).expect("a Vec takes every write");
    w.into_writer().split_off(24)
}

/// What the capture holds at the link layer of `linktype`.
fn link_bytes(linktype: LinkType, c: &Capture, opts: Option<TcpOptions>) -> Vec<u8> {
    match (linktype, &c.data) {
        (LinkType::Ethernet, Captured::Frame(f)) => bytes::frame(f, opts),
        (LinkType::Raw, Captured::Packet(p)) => bytes::packet(p, opts),
        (LinkType::LinuxSll, data) => {
            // struct sll_header: packet type, ARPHRD type, address length, 8 address
            // bytes, protocol.
            let (pkttype, hatype, addr, proto, payload) = match data {
                Captured::Frame(f) => {
                    let pkttype: u16 = match c.dir {
                        Dir::Out => 4,
                        Dir::In if f.dst == Mac::BROADCAST => 1,
                        Dir::In => 0,
                    };
                    let payload = match &f.payload {
                        Payload::Ip(p) => bytes::packet(p, opts),
                        Payload::Arp(a) => bytes::arp(a),
                    };
                    (pkttype, 1u16, Some(f.src), f.ethertype(), payload)
                }
                Captured::Packet(p) => {
                    let pkttype = if c.dir == Dir::Out { 4 } else { 0 };
                    // ARPHRD_NONE: a TUN device has no link-layer address.
                    (
                        pkttype,
                        0xfffe,
                        None,
                        ETHERTYPE_IPV4,
                        bytes::packet(p, opts),
                    )
                }
            };
            let mut out = Vec::with_capacity(16 + payload.len());
            out.extend_from_slice(&pkttype.to_be_bytes());
            out.extend_from_slice(&hatype.to_be_bytes());
            match addr {
                Some(m) => {
                    out.extend_from_slice(&6u16.to_be_bytes());
                    out.extend_from_slice(&m.0);
                    out.extend_from_slice(&[0, 0]);
                }
                None => out.extend_from_slice(&[0; 10]),
            }
            out.extend_from_slice(&proto.to_be_bytes());
            out.extend(payload);
            out
        }
        // A device's link type follows its kind (frames on Ethernet, packets on TUN):
        // these do not meet; the bytes of what was captured stand in.
        (LinkType::Ethernet, Captured::Packet(p)) => bytes::packet(p, opts),
        (LinkType::Raw, Captured::Frame(f)) => bytes::frame(f, opts),
    }
}

/// A packet read back: the capture it stands for (device 0, its direction from a cooked
/// header), the TCP options it carries; `None` when its bytes do not parse.
pub type Read = Option<(Capture, Option<TcpOptions>)>;

/// A pcap file's link type and packets, or libpcap's words for a file it cannot read.
pub fn read(data: &[u8]) -> Result<(LinkType, Vec<Read>), String> {
    let mut r = PcapReader::new(data).map_err(|_| "unknown file format".to_string())?;
    let linktype = match u32::from(r.header().datalink) {
        1 => LinkType::Ethernet,
        101 => LinkType::Raw,
        113 => LinkType::LinuxSll,
        n => {
            return Err(format!(
                "reading a file of link type {n} is not simulated yet"
            ));
        }
    };
    let mut out = Vec::new();
    while let Some(p) = r.next_packet() {
        let Ok(p) = p else {
            // libpcap: a record cut short ends the file.
            break;
        };
        let secs = p
            .timestamp
            .as_secs()
            .saturating_sub(crate::clock::EPOCH_UNIX as u64);
        let at = SimTime(secs * 1_000_000_000 + p.timestamp.subsec_nanos() as u64);
        out.push(decode(linktype, &p.data).map(|(data, dir, opts)| {
            (
                Capture {
                    dev: DevId(0),
                    dir,
                    at,
                    data,
                },
                opts,
            )
        }));
    }
    Ok((linktype, out))
}

fn decode(linktype: LinkType, b: &[u8]) -> Option<(Captured, Dir, Option<TcpOptions>)> {
    match linktype {
        LinkType::Ethernet => {
            let (f, o) = crate::wire::parse::frame(b)?;
            Some((Captured::Frame(f), Dir::In, o))
        }
        LinkType::Raw => {
            let (p, o) = crate::wire::parse::packet(b)?;
            Some((Captured::Packet(p), Dir::In, o))
        }
        LinkType::LinuxSll => {
            let pkttype = u16::from_be_bytes([*b.first()?, *b.get(1)?]);
            let hatype = u16::from_be_bytes([*b.get(2)?, *b.get(3)?]);
            let dir = if pkttype == 4 { Dir::Out } else { Dir::In };
            let rest = b.get(16..)?;
            if hatype != 1 {
                let (p, o) = crate::wire::parse::packet(rest)?;
                return Some((Captured::Packet(p), dir, o));
            }
            let src = Mac(b.get(6..12)?.try_into().ok()?);
            let dst = if pkttype == 1 {
                Mac::BROADCAST
            } else {
                Mac::ZERO
            };
            let proto = u16::from_be_bytes([*b.get(14)?, *b.get(15)?]);
            let (payload, o) = if proto == ETHERTYPE_IPV4 {
                let (p, o) = crate::wire::parse::packet(rest)?;
                (Payload::Ip(p), o)
            } else {
                (Payload::Arp(crate::wire::parse::arp(rest)?), None)
            };
            let f = crate::wire::eth::Frame { src, dst, payload };
            Some((Captured::Frame(f), dir, o))
        }
    }
}
