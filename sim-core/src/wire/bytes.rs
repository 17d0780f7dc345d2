//! Packets as bytes, for pcap files (`tcpdump -w`) and checksums (`tcpdump -v`).
//!
//! Typed packets become what Linux would put on the wire: Ethernet, ARP, IPv4 (its
//! header checksum right), ICMP, UDP and TCP (checksums over the pseudo-header), VXLAN,
//! flannel's udp encapsulation (the inner packet's bytes) and DNS (names compressed as
//! `dns::Message::len` counts them). Every result is exactly `len()` bytes long.
//!
//! What the model does not keep is filled in, documented in docs/cli.md: an ICMP echo's
//! data is bytes 0, 1, 2, ... (iputils puts the send time in its first 16), an opaque UDP
//! payload is zeros, a TCP segment's payload is its messages' bytes when they fill it
//! (RESP, HTTP, text) and zeros otherwise, and the header an ICMP error quotes says
//! length 28.

use std::net::Ipv4Addr;

use super::dns;
use super::eth::{Arp, ArpOp, Frame, Payload};
use super::tcp::{Message, Resp, Segment};
use super::{Icmp, L4, Packet, QuotedL4, TcpOptions, UdpPayload, UnreachCode};

/// The options of a TCP segment inside another packet (VXLAN, flannel): what Linux puts
/// there with an Ethernet MTU, the timestamps not modelled.
const NESTED_TCP: TcpOptions = TcpOptions {
    mss: 1460,
    ts_val: 0,
    ts_ecr: 0,
};

/// The Internet checksum (RFC 1071) of `data`.
pub fn checksum(data: &[u8]) -> u16 {
    !fold(sum(data, 0))
}

fn sum(data: &[u8], mut acc: u32) -> u32 {
    let mut chunks = data.chunks_exact(2);
    for c in &mut chunks {
        acc += u16::from_be_bytes([c[0], c[1]]) as u32;
    }
    if let [last] = chunks.remainder() {
        acc += (*last as u32) << 8;
    }
    acc
}

fn fold(mut acc: u32) -> u16 {
    while acc > 0xffff {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    acc as u16
}

/// A TCP or UDP checksum: over the IPv4 pseudo-header and the segment.
fn l4_checksum(src: Ipv4Addr, dst: Ipv4Addr, proto: u8, seg: &[u8]) -> u16 {
    let c = pseudo_checksum(src, dst, proto, seg);
    // UDP sends a computed 0 as all ones (RFC 768).
    if c == 0 && proto == 17 { 0xffff } else { c }
}

/// The checksum over the pseudo-header and `seg`: 0 when `seg` holds a right checksum
/// (what tcpdump `-v` checks).
pub fn pseudo_checksum(src: Ipv4Addr, dst: Ipv4Addr, proto: u8, seg: &[u8]) -> u16 {
    let mut pseudo = Vec::with_capacity(12);
    pseudo.extend_from_slice(&src.octets());
    pseudo.extend_from_slice(&dst.octets());
    pseudo.extend_from_slice(&[0, proto]);
    pseudo.extend_from_slice(&(seg.len() as u16).to_be_bytes());
    !fold(sum(seg, sum(&pseudo, 0)))
}

/// An Ethernet frame's bytes (no preamble, padding or FCS, as a capture sees it).
/// `tcp` gives the options of a TCP segment it carries directly.
pub fn frame(f: &Frame, tcp: Option<TcpOptions>) -> Vec<u8> {
    let mut out = Vec::with_capacity(f.len() as usize);
    out.extend_from_slice(&f.dst.0);
    out.extend_from_slice(&f.src.0);
    out.extend_from_slice(&f.ethertype().to_be_bytes());
    match &f.payload {
        Payload::Ip(p) => out.extend(packet(p, tcp)),
        Payload::Arp(a) => out.extend(arp(a)),
    }
    out
}

/// ARP over Ethernet for IPv4: 28 bytes.
pub fn arp(a: &Arp) -> Vec<u8> {
    let mut out = vec![0, 1, 8, 0, 6, 4, 0];
    out.push(match a.op {
        ArpOp::Request => 1,
        ArpOp::Reply => 2,
    });
    out.extend_from_slice(&a.sha.0);
    out.extend_from_slice(&a.spa.octets());
    out.extend_from_slice(&a.tha.0);
    out.extend_from_slice(&a.tpa.octets());
    out
}

/// An IPv4 packet's bytes: the header with its checksum, then the upper layer (or, for a
/// fragment, the part of the datagram's upper layer it carries).
pub fn packet(p: &Packet, tcp: Option<TcpOptions>) -> Vec<u8> {
    let upper = l4(p, tcp);
    let body = match p.frag {
        Some(fr) => {
            let start = (fr.offset as usize).min(upper.len());
            let end = (start + fr.len as usize).min(upper.len());
            &upper[start..end]
        }
        None => &upper[..],
    };
    let mut flags_off: u16 = p.frag.map_or(0, |fr| fr.offset / 8);
    if p.ip.df {
        flags_off |= 0x4000;
    }
    if p.frag.is_some_and(|fr| fr.more) {
        flags_off |= 0x2000;
    }
    let mut out = ip_header(
        p.len(),
        p.ip.ident,
        flags_off,
        p.ip.ttl,
        p.proto_number(),
        p.ip.src,
        p.ip.dst,
    );
    out.extend_from_slice(body);
    out
}

fn ip_header(
    len: u16,
    ident: u16,
    flags_off: u16,
    ttl: u8,
    proto: u8,
    src: Ipv4Addr,
    dst: Ipv4Addr,
) -> Vec<u8> {
    let mut h = vec![0x45, 0];
    h.extend_from_slice(&len.to_be_bytes());
    h.extend_from_slice(&ident.to_be_bytes());
    h.extend_from_slice(&flags_off.to_be_bytes());
    h.extend_from_slice(&[ttl, proto, 0, 0]);
    h.extend_from_slice(&src.octets());
    h.extend_from_slice(&dst.octets());
    let c = checksum(&h);
    h[10..12].copy_from_slice(&c.to_be_bytes());
    h
}

/// The whole upper-layer datagram, checksum included.
fn l4(p: &Packet, tcp: Option<TcpOptions>) -> Vec<u8> {
    match &p.l4 {
        L4::Icmp(i) => {
            let mut out = icmp(i);
            let c = checksum(&out);
            out[2..4].copy_from_slice(&c.to_be_bytes());
            out
        }
        L4::Udp(u) => {
            let payload = udp_payload(&u.payload);
            let mut out = Vec::with_capacity(8 + payload.len());
            out.extend_from_slice(&u.sport.to_be_bytes());
            out.extend_from_slice(&u.dport.to_be_bytes());
            out.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
            out.extend_from_slice(&[0, 0]);
            out.extend(payload);
            let c = l4_checksum(p.ip.src, p.ip.dst, 17, &out);
            out[6..8].copy_from_slice(&c.to_be_bytes());
            out
        }
        L4::Tcp(t) => {
            let mut out = segment(t, tcp.unwrap_or(NESTED_TCP));
            let c = l4_checksum(p.ip.src, p.ip.dst, 6, &out);
            out[16..18].copy_from_slice(&c.to_be_bytes());
            out
        }
    }
}

fn icmp(i: &Icmp) -> Vec<u8> {
    match i {
        Icmp::EchoRequest { ident, seq, data } | Icmp::EchoReply { ident, seq, data } => {
            let t = if matches!(i, Icmp::EchoRequest { .. }) {
                8
            } else {
                0
            };
            let mut out = vec![t, 0, 0, 0];
            out.extend_from_slice(&ident.to_be_bytes());
            out.extend_from_slice(&seq.to_be_bytes());
            out.extend((0..*data).map(|b| b as u8));
            out
        }
        Icmp::DestUnreachable { quoted, .. } | Icmp::TimeExceeded { quoted } => {
            let (t, c, rest) = match i {
                Icmp::DestUnreachable { code, .. } => match code {
                    UnreachCode::Net => (3, 0, [0; 4]),
                    UnreachCode::Host => (3, 1, [0; 4]),
                    UnreachCode::Port => (3, 3, [0; 4]),
                    UnreachCode::FragNeeded { mtu } => {
                        let m = mtu.to_be_bytes();
                        (3, 4, [0, 0, m[0], m[1]])
                    }
                },
                _ => (11, 0, [0; 4]),
            };
            let mut out = vec![t, c, 0, 0];
            out.extend_from_slice(&rest);
            let (proto, l4): (u8, [u8; 8]) = match quoted.l4 {
                QuotedL4::Icmp { ident, seq } => {
                    let (a, b) = (ident.to_be_bytes(), seq.to_be_bytes());
                    (1, [8, 0, 0, 0, a[0], a[1], b[0], b[1]])
                }
                QuotedL4::Udp { sport, dport } => {
                    let (a, b) = (sport.to_be_bytes(), dport.to_be_bytes());
                    (17, [a[0], a[1], b[0], b[1], 0, 8, 0, 0])
                }
                QuotedL4::Tcp { sport, dport, seq } => {
                    let (a, b, s) = (sport.to_be_bytes(), dport.to_be_bytes(), seq.to_be_bytes());
                    (6, [a[0], a[1], b[0], b[1], s[0], s[1], s[2], s[3]])
                }
            };
            let q = &quoted.ip;
            let flags = if q.df { 0x4000 } else { 0 };
            out.extend(ip_header(28, q.ident, flags, q.ttl, proto, q.src, q.dst));
            out.extend_from_slice(&l4);
            out
        }
    }
}

fn udp_payload(p: &UdpPayload) -> Vec<u8> {
    match p {
        UdpPayload::Opaque { len } => vec![0; *len as usize],
        UdpPayload::Flannel { inner } => packet(inner, None),
        UdpPayload::Vxlan { vni, frame: f } => {
            let v = vni.to_be_bytes();
            let mut out = vec![0x08, 0, 0, 0, v[1], v[2], v[3], 0];
            out.extend(frame(f, None));
            out
        }
        UdpPayload::Dns { msg } => dns_message(msg),
    }
}

fn segment(t: &Segment, o: TcpOptions) -> Vec<u8> {
    let hlen = t.header_len();
    let mut out = Vec::with_capacity((hlen + t.len) as usize);
    out.extend_from_slice(&t.sport.to_be_bytes());
    out.extend_from_slice(&t.dport.to_be_bytes());
    out.extend_from_slice(&t.seq.to_be_bytes());
    out.extend_from_slice(&t.ack.to_be_bytes());
    let f = t.flags;
    let flags = u8::from(f.fin)
        | u8::from(f.syn) << 1
        | u8::from(f.rst) << 2
        | u8::from(f.psh) << 3
        | u8::from(f.ack) << 4;
    out.extend_from_slice(&[((hlen / 4) as u8) << 4, flags]);
    out.extend_from_slice(&t.win.to_be_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    let (val, ecr) = (o.ts_val.to_be_bytes(), o.ts_ecr.to_be_bytes());
    if f.syn {
        let m = o.mss.to_be_bytes();
        out.extend_from_slice(&[2, 4, m[0], m[1], 4, 2, 8, 10]);
        out.extend_from_slice(&val);
        out.extend_from_slice(&ecr);
        out.extend_from_slice(&[1, 3, 3, 7]);
    } else {
        out.extend_from_slice(&[1, 1, 8, 10]);
        out.extend_from_slice(&val);
        out.extend_from_slice(&ecr);
    }
    let mut payload: Vec<u8> = t.msgs.iter().flat_map(message).collect();
    if payload.len() != t.len as usize {
        // The segment carries part of a message, or parts of several: the model keeps
        // which messages end in it, not their bytes' split.
        payload = vec![0; t.len as usize];
    }
    out.extend(payload);
    out
}

fn resp(r: &Resp) -> Vec<u8> {
    match r {
        Resp::Simple { text } => format!("+{text}\r\n").into_bytes(),
        Resp::Error { text } => format!("-{text}\r\n").into_bytes(),
        Resp::Integer { value } => format!(":{value}\r\n").into_bytes(),
        Resp::Bulk { value: None } => b"$-1\r\n".to_vec(),
        Resp::Bulk { value: Some(v) } => format!("${}\r\n{v}\r\n", v.len()).into_bytes(),
        Resp::Array { items } => {
            let mut out = format!("*{}\r\n", items.len()).into_bytes();
            for i in items {
                out.extend(resp(i));
            }
            out
        }
    }
}

/// A message's bytes, `wire_len` of them.
fn message(m: &Message) -> Vec<u8> {
    let mut out = match m {
        Message::RedisCommand { args } => {
            let mut out = format!("*{}\r\n", args.len()).into_bytes();
            for a in args {
                out.extend(format!("${}\r\n{a}\r\n", a.len()).into_bytes());
            }
            out
        }
        Message::RedisReply { reply } => resp(reply),
        Message::Rdb { keys } => {
            let mut file = b"REDIS0006".to_vec();
            for (k, v) in keys {
                file.push(0);
                file.push(k.len() as u8);
                file.extend_from_slice(k.as_bytes());
                file.push(v.len() as u8);
                file.extend_from_slice(v.as_bytes());
            }
            file.push(0xff);
            file.extend_from_slice(&[0; 8]);
            let mut out = format!("${}\r\n", file.len()).into_bytes();
            out.extend(file);
            out
        }
        Message::Bytes { text } => text.as_bytes().to_vec(),
        Message::HttpRequest {
            method,
            path,
            host,
            agent,
        } => format!(
            "{method} {path} HTTP/1.1\r\nUser-Agent: {agent}\r\nHost: {host}\r\nAccept: */*\r\n\r\n"
        )
        .into_bytes(),
        Message::HttpResponse {
            status,
            reason,
            body,
        } => format!(
            "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    };
    out.resize(m.wire_len() as usize, 0);
    out
}

/// A DNS message (RFC 1035), names compressed against every suffix written before.
pub fn dns_message(m: &dns::Message) -> Vec<u8> {
    let mut out = Vec::with_capacity(m.len() as usize);
    out.extend_from_slice(&m.id.to_be_bytes());
    let rcode = match m.rcode {
        dns::Rcode::NoError => 0,
        dns::Rcode::FormErr => 1,
        dns::Rcode::ServFail => 2,
        dns::Rcode::NxDomain => 3,
        dns::Rcode::NotImp => 4,
        dns::Rcode::Refused => 5,
    };
    let b2 = u8::from(m.response) << 7 | u8::from(m.authoritative) << 2 | u8::from(m.rd);
    let b3 = u8::from(m.ra) << 7 | rcode;
    out.extend_from_slice(&[b2, b3]);
    for n in [
        usize::from(m.question.is_some()),
        m.answer.len(),
        m.authority.len(),
        m.additional.len(),
    ] {
        out.extend_from_slice(&(n as u16).to_be_bytes());
    }
    let mut seen: Vec<(String, usize)> = Vec::new();
    if let Some(q) = &m.question {
        name(&mut out, &q.name, &mut seen);
        out.extend_from_slice(&rtype(q.qtype).to_be_bytes());
        out.extend_from_slice(&[0, 1]);
    }
    for r in m.answer.iter().chain(&m.authority).chain(&m.additional) {
        name(&mut out, &r.name, &mut seen);
        out.extend_from_slice(&rtype(r.data.rtype()).to_be_bytes());
        out.extend_from_slice(&[0, 1]);
        out.extend_from_slice(&r.ttl.to_be_bytes());
        let at = out.len();
        out.extend_from_slice(&[0, 0]);
        match &r.data {
            dns::RData::A(a) => out.extend_from_slice(&a.octets()),
            dns::RData::Aaaa(text) => {
                let a: std::net::Ipv6Addr = text.parse().unwrap_or(std::net::Ipv6Addr::UNSPECIFIED);
                out.extend_from_slice(&a.octets());
            }
            dns::RData::Cname(t) | dns::RData::Ptr(t) | dns::RData::Ns(t) => {
                name(&mut out, t, &mut seen)
            }
            dns::RData::Srv {
                priority,
                weight,
                port,
                target,
            } => {
                for v in [priority, weight, port] {
                    out.extend_from_slice(&v.to_be_bytes());
                }
                name(&mut out, target, &mut seen);
            }
            dns::RData::Soa {
                mname,
                rname,
                serial,
                refresh,
                retry,
                expire,
                minimum,
            } => {
                name(&mut out, mname, &mut seen);
                name(&mut out, rname, &mut seen);
                for v in [serial, refresh, retry, expire, minimum] {
                    out.extend_from_slice(&v.to_be_bytes());
                }
            }
            dns::RData::Txt(t) => {
                out.push(t.len().min(255) as u8);
                out.extend_from_slice(&t.as_bytes()[..t.len().min(255)]);
            }
        }
        let rdlen = (out.len() - at - 2) as u16;
        out[at..at + 2].copy_from_slice(&rdlen.to_be_bytes());
    }
    out
}

fn rtype(t: dns::RType) -> u16 {
    match t {
        dns::RType::A => 1,
        dns::RType::Ns => 2,
        dns::RType::Cname => 5,
        dns::RType::Soa => 6,
        dns::RType::Ptr => 12,
        dns::RType::Txt => 16,
        dns::RType::Aaaa => 28,
        dns::RType::Srv => 33,
    }
}

/// A name: its labels until a suffix written before (compared without case), then a
/// pointer to it, or the root's zero byte.
fn name(out: &mut Vec<u8>, name: &str, seen: &mut Vec<(String, usize)>) {
    let mut rest = name.trim_end_matches('.');
    while !rest.is_empty() {
        if let Some((_, at)) = seen.iter().find(|(s, _)| s.eq_ignore_ascii_case(rest)) {
            out.extend_from_slice(&(0xc000 | *at as u16).to_be_bytes());
            return;
        }
        seen.push((rest.to_string(), out.len()));
        let (label, tail) = rest.split_once('.').unwrap_or((rest, ""));
        out.push(label.len() as u8);
        out.extend_from_slice(label.as_bytes());
        rest = tail;
    }
    out.push(0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::eth::Mac;
    use crate::wire::tcp::Flags;
    use crate::wire::{Ipv4Header, PacketId, Udp};

    fn ip(l4: L4) -> Packet {
        Packet {
            id: PacketId(1),
            parent: None,
            ip: Ipv4Header {
                src: Ipv4Addr::new(10, 1, 15, 2),
                dst: Ipv4Addr::new(10, 1, 20, 3),
                ttl: 64,
                ident: 7,
                df: true,
            },
            l4,
            frag: None,
            mark: 0,
            ct: None,
            cost_ns: 0,
        }
    }

    /// Every packet is exactly `len()` bytes, its IP header sums to zero with its checksum,
    /// and so do its ICMP message and, with the pseudo-header, its UDP or TCP segment.
    #[test]
    fn lengths_and_checksums() {
        let dns = dns::Message {
            answer: vec![dns::Record {
                name: "redis-master.default.svc.cluster.local.".into(),
                ttl: 30,
                data: dns::RData::A(Ipv4Addr::new(10, 96, 0, 10)),
            }],
            ..dns::Message::reply_to(
                &dns::Message::query(9, "redis-master.default.svc.cluster.local", dns::RType::A),
                dns::Rcode::NoError,
            )
        };
        let seg = Segment {
            sport: 43108,
            dport: 6379,
            seq: 1,
            ack: 2,
            flags: Flags {
                psh: true,
                ack: true,
                ..Flags::default()
            },
            win: 229,
            len: 14,
            msgs: vec![Message::RedisCommand {
                args: vec!["PING".into()],
            }],
        };
        let packets = [
            ip(L4::Icmp(Icmp::EchoRequest {
                ident: 1,
                seq: 1,
                data: 56,
            })),
            ip(L4::Udp(Udp {
                sport: 53,
                dport: 40000,
                payload: UdpPayload::Dns { msg: Box::new(dns) },
            })),
            ip(L4::Tcp(seg.clone())),
            ip(L4::Tcp(Segment {
                flags: Flags {
                    syn: true,
                    ..Flags::default()
                },
                len: 0,
                msgs: Vec::new(),
                ..seg
            })),
        ];
        for p in &packets {
            let b = packet(p, None);
            assert_eq!(b.len(), p.len() as usize, "{p}");
            assert_eq!(checksum(&b[..20]), 0, "IP header of {p}");
            let proto = b[9];
            let c = if proto == 1 {
                checksum(&b[20..])
            } else {
                pseudo_checksum(p.ip.src, p.ip.dst, proto, &b[20..])
            };
            assert_eq!(c, 0, "upper layer of {p}");
        }
        // RESP as redis writes it.
        assert!(packet(&packets[2], None).ends_with(b"*1\r\n$4\r\nPING\r\n"));
        let f = Frame {
            src: Mac([2, 0x42, 0, 0, 0, 1]),
            dst: Mac::BROADCAST,
            payload: Payload::Ip(packets[0].clone()),
        };
        assert_eq!(frame(&f, None).len() as u64, f.len());
        assert_eq!(&frame(&f, None)[12..14], &[8, 0]);
    }
}
