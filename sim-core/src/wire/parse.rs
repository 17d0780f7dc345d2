//! Bytes back into typed packets: what `tcpdump -r` reads from a pcap file that
//! `wire::bytes` wrote (or any file with the same protocols). The inverse of `bytes.rs`
//! for what it writes; anything else is refused (`None`) or kept as opaque bytes, never
//! a panic. Parsed packets have id 0: they are not the simulation's packets.

use std::net::Ipv4Addr;

use super::dns;
use super::eth::{Arp, ArpOp, ETHERTYPE_ARP, ETHERTYPE_IPV4, Frame, Mac, Payload};
use super::tcp::{Flags, Message, Resp, Segment};
use super::{
    Frag, Icmp, Ipv4Header, L4, OTV_PORT, Packet, PacketId, Quoted, QuotedL4, TcpOptions, Udp,
    UdpPayload, UnreachCode, VXLAN_PORT,
};

/// flanneld's udp backend's port.
const FLANNEL_UDP_PORT: u16 = 8285;

fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(i)?, *b.get(i + 1)?]))
}

fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(i..i + 4)?.try_into().ok()?))
}

fn addr_at(b: &[u8], i: usize) -> Option<Ipv4Addr> {
    Some(Ipv4Addr::from(u32_at(b, i)?))
}

fn mac_at(b: &[u8], i: usize) -> Option<Mac> {
    Some(Mac(b.get(i..i + 6)?.try_into().ok()?))
}

/// An Ethernet frame (IPv4 or ARP), and the options of a TCP segment it carries.
pub fn frame(b: &[u8]) -> Option<(Frame, Option<TcpOptions>)> {
    let dst = mac_at(b, 0)?;
    let src = mac_at(b, 6)?;
    let (payload, opts) = match u16_at(b, 12)? {
        ETHERTYPE_IPV4 => {
            let (p, o) = packet(b.get(14..)?)?;
            (Payload::Ip(p), o)
        }
        ETHERTYPE_ARP => (Payload::Arp(arp(b.get(14..)?)?), None),
        _ => return None,
    };
    Some((Frame { src, dst, payload }, opts))
}

/// ARP for IPv4 over Ethernet.
pub fn arp(b: &[u8]) -> Option<Arp> {
    if b.get(0..6)? != [0, 1, 8, 0, 6, 4] {
        return None;
    }
    let op = match u16_at(b, 6)? {
        1 => ArpOp::Request,
        2 => ArpOp::Reply,
        _ => return None,
    };
    Some(Arp {
        id: PacketId(0),
        op,
        sha: mac_at(b, 8)?,
        spa: addr_at(b, 14)?,
        tha: mac_at(b, 18)?,
        tpa: addr_at(b, 24)?,
    })
}

/// An IPv4 packet without options, and the options of its TCP segment.
pub fn packet(b: &[u8]) -> Option<(Packet, Option<TcpOptions>)> {
    if *b.first()? != 0x45 {
        return None;
    }
    let total = u16_at(b, 2)? as usize;
    if total < 20 || total > b.len() {
        return None;
    }
    let b = &b[..total];
    let flags_off = u16_at(b, 6)?;
    let ip = Ipv4Header {
        src: addr_at(b, 12)?,
        dst: addr_at(b, 16)?,
        ttl: b[8],
        ident: u16_at(b, 4)?,
        df: flags_off & 0x4000 != 0,
    };
    let proto = b[9];
    let more = flags_off & 0x2000 != 0;
    let offset = (flags_off & 0x1fff) * 8;
    let body = &b[20..];
    let frag = (more || offset > 0).then_some(Frag {
        offset,
        len: body.len() as u16,
        more,
    });
    let (l4, opts) = if offset > 0 {
        // A later fragment carries no upper-layer header: a stand-in of its protocol.
        (stand_in(proto, body.len() as u16)?, None)
    } else {
        l4(proto, body, ip.src, ip.dst, frag.is_some())?
    };
    Some((
        Packet {
            id: PacketId(0),
            parent: None,
            ip,
            l4,
            frag,
            mark: 0,
            ct: None,
            cost_ns: 0,
        },
        opts,
    ))
}

fn stand_in(proto: u8, len: u16) -> Option<L4> {
    Some(match proto {
        1 => L4::Icmp(Icmp::EchoRequest {
            ident: 0,
            seq: 0,
            data: len,
        }),
        17 => L4::Udp(Udp {
            sport: 0,
            dport: 0,
            payload: UdpPayload::Opaque { len },
        }),
        6 => L4::Tcp(Segment {
            sport: 0,
            dport: 0,
            seq: 0,
            ack: 0,
            flags: Flags::default(),
            win: 0,
            len,
            msgs: Vec::new(),
        }),
        _ => return None,
    })
}

fn l4(
    proto: u8,
    b: &[u8],
    src: Ipv4Addr,
    dst: Ipv4Addr,
    fragment: bool,
) -> Option<(L4, Option<TcpOptions>)> {
    match proto {
        1 => Some((L4::Icmp(icmp(b)?), None)),
        17 => {
            let sport = u16_at(b, 0)?;
            let dport = u16_at(b, 2)?;
            let data = if fragment {
                &b[8.min(b.len())..]
            } else {
                b.get(8..u16_at(b, 4)? as usize)?
            };
            Some((
                L4::Udp(Udp {
                    sport,
                    dport,
                    payload: udp_payload(sport, dport, data, fragment),
                }),
                None,
            ))
        }
        6 => {
            let (seg, opts) = segment(b, src, dst)?;
            Some((L4::Tcp(seg), opts))
        }
        _ => None,
    }
}

fn icmp(b: &[u8]) -> Option<Icmp> {
    let (t, code) = (*b.first()?, *b.get(1)?);
    match t {
        8 | 0 => {
            let (ident, seq) = (u16_at(b, 4)?, u16_at(b, 6)?);
            let data = (b.len() - 8.min(b.len())) as u16;
            Some(if t == 8 {
                Icmp::EchoRequest { ident, seq, data }
            } else {
                Icmp::EchoReply { ident, seq, data }
            })
        }
        3 | 11 => {
            let q = b.get(8..)?;
            let qip = Ipv4Header {
                src: addr_at(q, 12)?,
                dst: addr_at(q, 16)?,
                ttl: *q.get(8)?,
                ident: u16_at(q, 4)?,
                df: u16_at(q, 6)? & 0x4000 != 0,
            };
            let l = q.get(20..28)?;
            let ql4 = match q[9] {
                1 => QuotedL4::Icmp {
                    ident: u16_at(l, 4)?,
                    seq: u16_at(l, 6)?,
                },
                17 => QuotedL4::Udp {
                    sport: u16_at(l, 0)?,
                    dport: u16_at(l, 2)?,
                },
                6 => QuotedL4::Tcp {
                    sport: u16_at(l, 0)?,
                    dport: u16_at(l, 2)?,
                    seq: u32_at(l, 4)?,
                },
                _ => return None,
            };
            let quoted = Box::new(Quoted {
                id: PacketId(0),
                ip: qip,
                l4: ql4,
            });
            if t == 11 {
                return Some(Icmp::TimeExceeded { quoted });
            }
            let code = match code {
                0 => UnreachCode::Net,
                1 => UnreachCode::Host,
                3 => UnreachCode::Port,
                4 => UnreachCode::FragNeeded { mtu: u16_at(b, 6)? },
                _ => return None,
            };
            Some(Icmp::DestUnreachable { code, quoted })
        }
        _ => None,
    }
}

fn udp_payload(sport: u16, dport: u16, data: &[u8], fragment: bool) -> UdpPayload {
    let opaque = UdpPayload::Opaque {
        len: data.len() as u16,
    };
    if fragment {
        return opaque;
    }
    let either = |p: u16| sport == p || dport == p;
    if either(53)
        && let Some(msg) = dns_message(data)
    {
        return UdpPayload::Dns { msg: Box::new(msg) };
    }
    if (either(VXLAN_PORT) || either(OTV_PORT)) && data.first() == Some(&0x08) {
        let vni = u32_at(data, 4).map(|v| v >> 8);
        if let (Some(vni), Some((frame, _))) = (vni, data.get(8..).and_then(frame)) {
            return UdpPayload::Vxlan {
                vni,
                frame: Box::new(frame),
            };
        }
    }
    if either(FLANNEL_UDP_PORT)
        && let Some((inner, _)) = packet(data)
        && inner.len() as usize == data.len()
    {
        return UdpPayload::Flannel {
            inner: Box::new(inner),
        };
    }
    opaque
}

fn segment(b: &[u8], _src: Ipv4Addr, _dst: Ipv4Addr) -> Option<(Segment, Option<TcpOptions>)> {
    let hlen = (*b.get(12)? >> 4) as usize * 4;
    if hlen < 20 || hlen > b.len() {
        return None;
    }
    let fl = b[13];
    let flags = Flags {
        fin: fl & 1 != 0,
        syn: fl & 2 != 0,
        rst: fl & 4 != 0,
        psh: fl & 8 != 0,
        ack: fl & 16 != 0,
    };
    let (sport, dport) = (u16_at(b, 0)?, u16_at(b, 2)?);
    let mut opts = TcpOptions {
        mss: 0,
        ts_val: 0,
        ts_ecr: 0,
    };
    let mut seen = false;
    let mut i = 20;
    while i < hlen {
        match b[i] {
            0 => break,
            1 => i += 1,
            kind => {
                let len = *b.get(i + 1)? as usize;
                if len < 2 {
                    return None;
                }
                match kind {
                    2 => opts.mss = u16_at(b, i + 2)?,
                    8 => {
                        opts.ts_val = u32_at(b, i + 2)?;
                        opts.ts_ecr = u32_at(b, i + 6)?;
                        seen = true;
                    }
                    _ => {}
                }
                i += len;
            }
        }
    }
    let payload = &b[hlen..];
    let seg = Segment {
        sport,
        dport,
        seq: u32_at(b, 4)?,
        ack: u32_at(b, 8)?,
        flags,
        win: u16_at(b, 14)?,
        len: payload.len() as u16,
        msgs: messages(sport, dport, payload),
    };
    // Linux's segments carry timestamps; without them there are no options to print.
    Some((seg, seen.then_some(opts)))
}

/// The application messages in a segment's payload, when they are whole: RESP on
/// redis's port, HTTP.
fn messages(sport: u16, dport: u16, p: &[u8]) -> Vec<Message> {
    if p.is_empty() || p.iter().all(|b| *b == 0) {
        return Vec::new();
    }
    let text = String::from_utf8_lossy(p);
    if dport == 6379 || sport == 6379 {
        let mut out = Vec::new();
        let mut rest: &str = &text;
        while !rest.is_empty() {
            if sport == 6379 && rest.starts_with('$') && rest.contains("REDIS") {
                out.push(Message::Rdb { keys: Vec::new() });
                break;
            }
            let Some((r, tail)) = resp(rest) else {
                return Vec::new();
            };
            out.push(if dport == 6379 {
                match r {
                    Resp::Array { items } => Message::RedisCommand {
                        args: items
                            .into_iter()
                            .map(|i| match i {
                                Resp::Bulk { value: Some(v) } => v,
                                other => other.to_string(),
                            })
                            .collect(),
                    },
                    other => Message::RedisReply { reply: other },
                }
            } else {
                Message::RedisReply { reply: r }
            });
            rest = tail;
        }
        return out;
    }
    if let Some(line) = text.split("\r\n").next() {
        let words: Vec<&str> = line.split(' ').collect();
        if let [method, path, "HTTP/1.1"] = words[..] {
            let header = |name: &str| {
                text.split("\r\n")
                    .find_map(|l| l.strip_prefix(name))
                    .unwrap_or_default()
                    .to_string()
            };
            return vec![Message::HttpRequest {
                method: method.to_string(),
                path: path.to_string(),
                host: header("Host: "),
                agent: header("User-Agent: "),
            }];
        }
        if let Some(rest) = line.strip_prefix("HTTP/1.1 ")
            && let Some((status, reason)) = rest.split_once(' ')
            && let Ok(status) = status.parse()
        {
            let body = text.split_once("\r\n\r\n").map_or("", |x| x.1).to_string();
            return vec![Message::HttpResponse {
                status,
                reason: reason.to_string(),
                body,
            }];
        }
    }
    vec![Message::Bytes {
        text: text.into_owned(),
    }]
}

/// One RESP value and what follows it.
fn resp(s: &str) -> Option<(Resp, &str)> {
    let (line, rest) = s.split_once("\r\n")?;
    let (kind, v) = (line.get(..1)?, line.get(1..)?);
    match kind {
        "+" => Some((Resp::Simple { text: v.into() }, rest)),
        "-" => Some((Resp::Error { text: v.into() }, rest)),
        ":" => Some((
            Resp::Integer {
                value: v.parse().ok()?,
            },
            rest,
        )),
        "$" if v == "-1" => Some((Resp::Bulk { value: None }, rest)),
        "$" => {
            let n: usize = v.parse().ok()?;
            let value = rest.get(..n)?.to_string();
            let rest = rest.get(n..)?.strip_prefix("\r\n")?;
            Some((Resp::Bulk { value: Some(value) }, rest))
        }
        "*" => {
            let n: usize = v.parse().ok()?;
            let mut items = Vec::new();
            let mut rest = rest;
            for _ in 0..n {
                let (item, tail) = resp(rest)?;
                items.push(item);
                rest = tail;
            }
            Some((Resp::Array { items }, rest))
        }
        _ => None,
    }
}

/// A DNS message (RFC 1035), compressed names followed.
pub fn dns_message(b: &[u8]) -> Option<dns::Message> {
    let flags = u16_at(b, 2)?;
    let rcode = match flags & 0xf {
        0 => dns::Rcode::NoError,
        1 => dns::Rcode::FormErr,
        2 => dns::Rcode::ServFail,
        3 => dns::Rcode::NxDomain,
        4 => dns::Rcode::NotImp,
        5 => dns::Rcode::Refused,
        _ => return None,
    };
    let counts = [u16_at(b, 4)?, u16_at(b, 6)?, u16_at(b, 8)?, u16_at(b, 10)?];
    let mut at = 12;
    let question = if counts[0] >= 1 {
        let n = name(b, &mut at)?;
        let qtype = rtype(u16_at(b, at)?)?;
        at += 4;
        Some(dns::Question { name: n, qtype })
    } else {
        None
    };
    let mut sections: [Vec<dns::Record>; 3] = Default::default();
    for (k, section) in sections.iter_mut().enumerate() {
        for _ in 0..counts[k + 1] {
            let n = name(b, &mut at)?;
            let t = u16_at(b, at)?;
            let ttl = u32_at(b, at + 4)?;
            let rdlen = u16_at(b, at + 8)? as usize;
            at += 10;
            let rd = b.get(at..at + rdlen)?;
            let mut p = at;
            let data = match t {
                1 => dns::RData::A(addr_at(rd, 0)?),
                28 => {
                    let o: [u8; 16] = rd.try_into().ok()?;
                    dns::RData::Aaaa(std::net::Ipv6Addr::from(o).to_string())
                }
                5 => dns::RData::Cname(name(b, &mut p)?),
                12 => dns::RData::Ptr(name(b, &mut p)?),
                2 => dns::RData::Ns(name(b, &mut p)?),
                33 => {
                    p += 6;
                    dns::RData::Srv {
                        priority: u16_at(rd, 0)?,
                        weight: u16_at(rd, 2)?,
                        port: u16_at(rd, 4)?,
                        target: name(b, &mut p)?,
                    }
                }
                6 => {
                    let mname = name(b, &mut p)?;
                    let rname = name(b, &mut p)?;
                    dns::RData::Soa {
                        mname,
                        rname,
                        serial: u32_at(b, p)?,
                        refresh: u32_at(b, p + 4)?,
                        retry: u32_at(b, p + 8)?,
                        expire: u32_at(b, p + 12)?,
                        minimum: u32_at(b, p + 16)?,
                    }
                }
                16 => {
                    let n = *rd.first()? as usize;
                    dns::RData::Txt(String::from_utf8_lossy(rd.get(1..1 + n)?).into_owned())
                }
                _ => return None,
            };
            at += rdlen;
            section.push(dns::Record { name: n, ttl, data });
        }
    }
    let [answer, authority, additional] = sections;
    Some(dns::Message {
        id: u16_at(b, 0)?,
        response: flags & 0x8000 != 0,
        authoritative: flags & 0x0400 != 0,
        rd: flags & 0x0100 != 0,
        ra: flags & 0x0080 != 0,
        rcode,
        question,
        answer,
        authority,
        additional,
    })
}

fn rtype(t: u16) -> Option<dns::RType> {
    Some(match t {
        1 => dns::RType::A,
        2 => dns::RType::Ns,
        5 => dns::RType::Cname,
        6 => dns::RType::Soa,
        12 => dns::RType::Ptr,
        16 => dns::RType::Txt,
        28 => dns::RType::Aaaa,
        33 => dns::RType::Srv,
        _ => return None,
    })
}

/// A name at `*at` (advanced past it), pointers followed (at most 64, so a loop ends).
fn name(b: &[u8], at: &mut usize) -> Option<String> {
    let mut labels: Vec<String> = Vec::new();
    let mut i = *at;
    let mut jumped = false;
    for _ in 0..64 {
        let len = *b.get(i)? as usize;
        if len == 0 {
            if !jumped {
                *at = i + 1;
            }
            return Some(format!("{}.", labels.join(".")));
        }
        if len & 0xc0 == 0xc0 {
            let ptr = (u16_at(b, i)? & 0x3fff) as usize;
            if !jumped {
                *at = i + 2;
            }
            jumped = true;
            i = ptr;
            continue;
        }
        labels.push(String::from_utf8_lossy(b.get(i + 1..i + 1 + len)?).into_owned());
        i += 1 + len;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::bytes;

    /// What `bytes` writes, `parse` reads back as the same packet: ICMP echo and errors,
    /// DNS with compressed names, TCP with RESP and its options, flannel's wrapped packet.
    #[test]
    fn round_trips_what_bytes_writes() {
        let hdr = |src: [u8; 4], dst: [u8; 4]| Ipv4Header {
            src: src.into(),
            dst: dst.into(),
            ttl: 63,
            ident: 99,
            df: true,
        };
        let pkt = |l4: L4| Packet {
            id: PacketId(0),
            parent: None,
            ip: hdr([10, 1, 15, 2], [10, 1, 20, 3]),
            l4,
            frag: None,
            mark: 0,
            ct: None,
            cost_ns: 0,
        };
        let echo = pkt(L4::Icmp(Icmp::EchoRequest {
            ident: 3,
            seq: 4,
            data: 56,
        }));
        let mut query =
            dns::Message::query(7, "redis-master.default.svc.cluster.local", dns::RType::A);
        query.rd = true;
        let mut answer = dns::Message::reply_to(&query, dns::Rcode::NoError);
        answer.answer.push(dns::Record {
            name: "redis-master.default.svc.cluster.local.".into(),
            ttl: 5,
            data: dns::RData::A(Ipv4Addr::new(10, 96, 0, 9)),
        });
        let opts = TcpOptions {
            mss: 1432,
            ts_val: 13000,
            ts_ecr: 12999,
        };
        let cases = [
            echo.clone(),
            pkt(L4::Icmp(Icmp::DestUnreachable {
                code: UnreachCode::FragNeeded { mtu: 1450 },
                quoted: Box::new(Quoted {
                    id: PacketId(0),
                    ip: hdr([10, 1, 20, 3], [10, 1, 15, 2]),
                    l4: QuotedL4::Udp {
                        sport: 5353,
                        dport: 53,
                    },
                }),
            })),
            pkt(L4::Udp(Udp {
                sport: 53,
                dport: 41000,
                payload: UdpPayload::Dns {
                    msg: Box::new(answer),
                },
            })),
            pkt(L4::Udp(Udp {
                sport: 8285,
                dport: 8285,
                payload: UdpPayload::Flannel {
                    inner: Box::new(echo),
                },
            })),
            pkt(L4::Tcp(Segment {
                sport: 43108,
                dport: 6379,
                seq: 10,
                ack: 20,
                flags: Flags {
                    ack: true,
                    psh: true,
                    ..Flags::default()
                },
                win: 229,
                len: 38,
                msgs: vec![Message::RedisCommand {
                    args: vec!["SET".into(), "messages".into(), "hello".into()],
                }],
            })),
        ];
        for p in cases {
            let (back, o) = packet(&bytes::packet(&p, Some(opts))).expect("parses");
            assert_eq!(back, p, "{p}");
            if matches!(p.l4, L4::Tcp(_)) {
                // No SYN: no MSS option, the timestamps only.
                assert_eq!(o, Some(TcpOptions { mss: 0, ..opts }));
            }
        }
        // Not a packet: refused, not a panic.
        assert!(packet(b"hello").is_none());
        assert!(frame(&[0xff; 13]).is_none());
    }
}
