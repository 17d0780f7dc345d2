//! tcpdump's filter expressions (pcap-filter(7)), the subset the simulator reads: `host`,
//! `net`, `port` with `src`/`dst` and `tcp`/`udp` qualifiers, the protocols `ip`, `tcp`,
//! `udp`, `icmp`, `arp`, and `and`/`or`/`not` (`&&`, `||`, `!`) with parentheses. A bare
//! value after `or`/`and` takes the qualifiers of the primitive before it (`port 80 or
//! 443`), as libpcap does. Compiled once into a tree, evaluated on each captured packet.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use crate::net::capture::Captured;
use crate::wire::eth::Payload;
use crate::wire::{L4, Packet};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Way {
    Src,
    Dst,
    Either,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proto {
    Ip,
    Tcp,
    Udp,
    Icmp,
    Arp,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Filter {
    Host(Way, Ipv4Addr),
    Net(Way, Ipv4Net),
    /// A TCP or UDP port (`proto` narrows it to one of them).
    Port(Way, Option<Proto>, u16),
    Proto(Proto),
    Not(Box<Filter>),
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
}

/// The qualifiers a primitive was written with, kept for a bare value that follows.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Host,
    Net,
    Port,
}

#[derive(Clone, Copy, Debug)]
struct Quals {
    way: Way,
    proto: Option<Proto>,
    kind: Kind,
}

/// A filter error: libpcap's message, printed after `tcpdump: `.
pub type Error = String;

pub fn compile(text: &str) -> Result<Filter, Error> {
    let tokens = tokenize(text);
    let mut p = Parser {
        tokens,
        at: 0,
        last: None,
    };
    let f = p.or()?;
    if p.at < p.tokens.len() {
        return Err("syntax error".into());
    }
    Ok(f)
}

fn tokenize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut Vec<String>| {
        if !word.is_empty() {
            out.push(std::mem::take(word));
        }
    };
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => flush(&mut word, &mut out),
            '(' | ')' => {
                flush(&mut word, &mut out);
                out.push(c.to_string());
            }
            '!' if word.is_empty() => out.push("!".into()),
            '&' | '|' if chars.get(i + 1) == Some(&c) => {
                flush(&mut word, &mut out);
                out.push(format!("{c}{c}"));
                i += 1;
            }
            _ => word.push(c),
        }
        i += 1;
    }
    flush(&mut word, &mut out);
    out
}

struct Parser {
    tokens: Vec<String>,
    at: usize,
    last: Option<Quals>,
}

impl Parser {
    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.at).map(String::as_str)
    }

    fn next(&mut self) -> Option<String> {
        let t = self.tokens.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn or(&mut self) -> Result<Filter, Error> {
        let mut left = self.and()?;
        while matches!(self.peek(), Some("or" | "||")) {
            self.at += 1;
            let right = self.and()?;
            left = Filter::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Filter, Error> {
        let mut left = self.not()?;
        while matches!(self.peek(), Some("and" | "&&")) {
            self.at += 1;
            let right = self.not()?;
            left = Filter::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Filter, Error> {
        if matches!(self.peek(), Some("not" | "!")) {
            self.at += 1;
            return Ok(Filter::Not(Box::new(self.not()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Filter, Error> {
        let Some(tok) = self.next() else {
            return Err("syntax error".into());
        };
        if tok == "(" {
            let f = self.or()?;
            if self.next().as_deref() != Some(")") {
                return Err("syntax error".into());
            }
            return Ok(f);
        }
        self.at -= 1;
        // Qualifiers: [proto] [dir] [type] value, or a protocol alone.
        let mut proto = None;
        let mut way = None;
        let mut kind = None;
        let mut any_qual = false;
        if let Some(p) = self.peek().and_then(proto_of) {
            proto = Some(p);
            self.at += 1;
            any_qual = true;
        }
        match self.peek() {
            Some("src") => way = Some(Way::Src),
            Some("dst") => way = Some(Way::Dst),
            _ => {}
        }
        if way.is_some() {
            self.at += 1;
            any_qual = true;
            // `src or dst`, `src and dst`.
            if matches!(self.peek(), Some("or" | "and"))
                && matches!(
                    self.tokens.get(self.at + 1).map(String::as_str),
                    Some("src" | "dst")
                )
            {
                return Err(not_simulated("src or dst"));
            }
        }
        match self.peek() {
            Some("host") => kind = Some(Kind::Host),
            Some("net") => kind = Some(Kind::Net),
            Some("port") => kind = Some(Kind::Port),
            Some(
                w @ ("portrange" | "less" | "greater" | "ether" | "vlan" | "gateway" | "broadcast"
                | "multicast" | "proto" | "ip6" | "icmp6" | "rarp" | "sctp" | "mpls"
                | "inbound" | "outbound" | "len"),
            ) => return Err(not_simulated(w)),
            _ => {}
        }
        if kind.is_some() {
            self.at += 1;
            any_qual = true;
        }
        // A protocol on its own: `tcp`, `udp and port 53`, `arp`.
        if kind.is_none() && way.is_none() {
            if let Some(p) = proto {
                if !self.value_follows() {
                    return Ok(Filter::Proto(p));
                }
            }
        }
        let quals = if any_qual {
            Quals {
                way: way.unwrap_or(Way::Either),
                proto,
                kind: kind.unwrap_or(Kind::Host),
            }
        } else {
            // A bare value takes the previous primitive's qualifiers.
            match self.last {
                Some(q) => q,
                None => {
                    let t = self.peek().unwrap_or_default().to_string();
                    return Err(match t.parse::<Ipv4Addr>() {
                        Ok(_) => format!("illegal token: {t}"),
                        Err(_) if t.chars().all(|c| c.is_ascii_alphanumeric()) => not_simulated(&t),
                        Err(_) => "syntax error".into(),
                    });
                }
            }
        };
        self.last = Some(quals);
        let Some(value) = self.next() else {
            return Err("syntax error".into());
        };
        if matches!(
            value.as_str(),
            "and" | "or" | "not" | "(" | ")" | "&&" | "||" | "!"
        ) {
            return Err("syntax error".into());
        }
        match quals.kind {
            Kind::Host => {
                if let Some(p) = quals.proto
                    && p != Proto::Ip
                    && p != Proto::Arp
                {
                    return Err(format!("'{}' modifier applied to host", proto_name(p)));
                }
                let addr = value
                    .parse::<Ipv4Addr>()
                    .map_err(|_| format!("unknown host '{value}'"))?;
                Ok(Filter::Host(quals.way, addr))
            }
            Kind::Net => {
                let net = parse_net(&value)?;
                Ok(Filter::Net(quals.way, net))
            }
            Kind::Port => {
                let port = value
                    .parse::<u16>()
                    .map_err(|_| format!("unknown port '{value}'"))?;
                match quals.proto {
                    None | Some(Proto::Tcp | Proto::Udp) => {
                        Ok(Filter::Port(quals.way, quals.proto, port))
                    }
                    Some(p) => Err(format!(
                        "illegal qualifier of 'port' after '{}'",
                        proto_name(p)
                    )),
                }
            }
        }
    }

    /// Whether the next token is a value (not an operator or the end).
    fn value_follows(&self) -> bool {
        !matches!(
            self.peek(),
            None | Some("and" | "or" | "not" | "(" | ")" | "&&" | "||" | "!")
        )
    }
}

fn not_simulated(what: &str) -> Error {
    format!(
        "filter `{what}` is not simulated yet (host, net, port, src, dst, ip, tcp, udp, icmp, arp, and, or, not, parentheses are)"
    )
}

fn proto_of(w: &str) -> Option<Proto> {
    Some(match w {
        "ip" => Proto::Ip,
        "tcp" => Proto::Tcp,
        "udp" => Proto::Udp,
        "icmp" => Proto::Icmp,
        "arp" => Proto::Arp,
        _ => return None,
    })
}

fn proto_name(p: Proto) -> &'static str {
    match p {
        Proto::Ip => "ip",
        Proto::Tcp => "tcp",
        Proto::Udp => "udp",
        Proto::Icmp => "icmp",
        Proto::Arp => "arp",
    }
}

/// `10.1.0.0/16`, or a dotted prefix with its implied mask (`10.1` is 10.1.0.0/16), as
/// libpcap reads `net`.
fn parse_net(v: &str) -> Result<Ipv4Net, Error> {
    if let Ok(n) = v.parse::<Ipv4Net>() {
        if n.trunc() != n {
            return Err("non-network bits set in \"".to_string() + v + "\"");
        }
        return Ok(n);
    }
    let parts: Vec<&str> = v.split('.').collect();
    let octets: Option<Vec<u8>> = parts.iter().map(|p| p.parse::<u8>().ok()).collect();
    match octets {
        Some(o) if (1..=4).contains(&o.len()) => {
            let mut b = [0u8; 4];
            b[..o.len()].copy_from_slice(&o);
            Ipv4Net::new(Ipv4Addr::from(b), (o.len() * 8) as u8)
                .map_err(|_| format!("invalid net '{v}'"))
        }
        _ => Err(format!("unknown network '{v}'")),
    }
}

impl Filter {
    /// Whether a captured packet matches: on the outermost header, as the kernel's BPF
    /// program reads the frame.
    pub fn matches(&self, c: &Captured) -> bool {
        match self {
            Filter::Not(f) => !f.matches(c),
            Filter::And(a, b) => a.matches(c) && b.matches(c),
            Filter::Or(a, b) => a.matches(c) || b.matches(c),
            Filter::Proto(p) => match (p, arp_of(c), c.ip()) {
                (Proto::Arp, Some(_), _) => true,
                (Proto::Ip, _, Some(_)) => true,
                (Proto::Tcp, _, Some(ip)) => matches!(ip.l4, L4::Tcp(_)),
                (Proto::Udp, _, Some(ip)) => matches!(ip.l4, L4::Udp(_)),
                (Proto::Icmp, _, Some(ip)) => matches!(ip.l4, L4::Icmp(_)),
                _ => false,
            },
            Filter::Host(way, a) => addrs(c).is_some_and(|(s, d)| on(*way, s, d, |x| x == *a)),
            Filter::Net(way, n) => {
                addrs(c).is_some_and(|(s, d)| on(*way, s, d, |x| n.contains(&x)))
            }
            Filter::Port(way, proto, port) => c.ip().and_then(ports).is_some_and(|(p, s, d)| {
                proto.is_none_or(|want| want == p) && on(*way, s, d, |x| x == *port)
            }),
        }
    }
}

fn on<T: Copy>(way: Way, s: T, d: T, f: impl Fn(T) -> bool) -> bool {
    match way {
        Way::Src => f(s),
        Way::Dst => f(d),
        Way::Either => f(s) || f(d),
    }
}

fn arp_of(c: &Captured) -> Option<&crate::wire::eth::Arp> {
    match c {
        Captured::Frame(f) => match &f.payload {
            Payload::Arp(a) => Some(a),
            Payload::Ip(_) => None,
        },
        Captured::Packet(_) => None,
    }
}

/// Source and destination addresses: IP's, or ARP's sender and target (`host` matches
/// ARP too, as libpcap's `host` is `ip host or arp host or rarp host`).
fn addrs(c: &Captured) -> Option<(Ipv4Addr, Ipv4Addr)> {
    match (c.ip(), arp_of(c)) {
        (Some(p), _) => Some((p.ip.src, p.ip.dst)),
        (None, Some(a)) => Some((a.spa, a.tpa)),
        _ => None,
    }
}

/// A TCP or UDP packet's protocol and ports (none for a later fragment).
fn ports(p: &Packet) -> Option<(Proto, u16, u16)> {
    if p.is_later_fragment() {
        return None;
    }
    match &p.l4 {
        L4::Tcp(t) => Some((Proto::Tcp, t.sport, t.dport)),
        L4::Udp(u) => Some((Proto::Udp, u.sport, u.dport)),
        L4::Icmp(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiles_the_subset() {
        assert_eq!(
            compile("udp port 8285").unwrap(),
            Filter::Port(Way::Either, Some(Proto::Udp), 8285)
        );
        // A bare value reuses the qualifiers before it.
        assert_eq!(
            compile("src port 80 or 443").unwrap(),
            Filter::Or(
                Box::new(Filter::Port(Way::Src, None, 80)),
                Box::new(Filter::Port(Way::Src, None, 443))
            )
        );
        assert_eq!(
            compile("not (host 10.0.0.1 || net 10.1)").unwrap(),
            Filter::Not(Box::new(Filter::Or(
                Box::new(Filter::Host(Way::Either, Ipv4Addr::new(10, 0, 0, 1))),
                Box::new(Filter::Net(Way::Either, "10.1.0.0/16".parse().unwrap()))
            )))
        );
        assert_eq!(compile("host").unwrap_err(), "syntax error");
        assert_eq!(compile("(tcp").unwrap_err(), "syntax error");
        assert!(
            compile("portrange 1-2")
                .unwrap_err()
                .contains("not simulated")
        );
        assert_eq!(
            compile("net 10.1.2.3/16").unwrap_err(),
            "non-network bits set in \"10.1.2.3/16\""
        );
    }
}
