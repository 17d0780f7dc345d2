//! DNS messages (RFC 1035) as they travel in UDP: typed, with their exact length on the
//! wire (names compressed as servers compress them), and printed as tcpdump prints them.
//!
//! tcpdump's summary: a query is `ID+ A? name. (LEN)` (`+`: recursion desired); an answer
//! `ID[ RCODE][*][-] an/ns/ar RECORDS (LEN)` (as tcpdump's `ns_print`: the rcode word,
//! then `*` authoritative, `-` recursion not available), with the records as
//! `A 10.97.72.1`, `CNAME x.`, `SRV x.:80 0 100`, `PTR x.`, and `NXDomain` for rcode 3.

use std::fmt;
use std::net::Ipv4Addr;

use serde::Serialize;

/// DNS header: id, flags, four counts.
pub const HEADER_LEN: u16 = 12;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum RType {
    A,
    Aaaa,
    Cname,
    Srv,
    Ptr,
    Soa,
    Txt,
    Ns,
}

impl RType {
    pub fn name(self) -> &'static str {
        match self {
            RType::A => "A",
            RType::Aaaa => "AAAA",
            RType::Cname => "CNAME",
            RType::Srv => "SRV",
            RType::Ptr => "PTR",
            RType::Soa => "SOA",
            RType::Txt => "TXT",
            RType::Ns => "NS",
        }
    }

    /// `A`, `aaaa`, `srv`... as `nslookup -query=` and `dig` take them.
    pub fn parse(s: &str) -> Option<RType> {
        Some(match s.to_ascii_uppercase().as_str() {
            "A" => RType::A,
            "AAAA" => RType::Aaaa,
            "CNAME" => RType::Cname,
            "SRV" => RType::Srv,
            "PTR" => RType::Ptr,
            "SOA" => RType::Soa,
            "TXT" => RType::Txt,
            "NS" => RType::Ns,
            _ => return None,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Rcode {
    NoError,
    FormErr,
    ServFail,
    NxDomain,
    NotImp,
    Refused,
}

impl Rcode {
    pub fn name(self) -> &'static str {
        match self {
            Rcode::NoError => "NOERROR",
            Rcode::FormErr => "FORMERR",
            Rcode::ServFail => "SERVFAIL",
            Rcode::NxDomain => "NXDOMAIN",
            Rcode::NotImp => "NOTIMP",
            Rcode::Refused => "REFUSED",
        }
    }

    /// tcpdump's word for it.
    fn tcpdump(self) -> &'static str {
        match self {
            Rcode::NoError => "",
            Rcode::FormErr => " FormErr",
            Rcode::ServFail => " ServFail",
            Rcode::NxDomain => " NXDomain",
            Rcode::NotImp => " NotImp",
            Rcode::Refused => " Refused",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum RData {
    A(Ipv4Addr),
    /// An IPv6 address as text (the simulator's network is IPv4; no service has one).
    Aaaa(String),
    Cname(String),
    Srv {
        priority: u16,
        weight: u16,
        port: u16,
        target: String,
    },
    Ptr(String),
    Soa {
        mname: String,
        rname: String,
        serial: u32,
        refresh: u32,
        retry: u32,
        expire: u32,
        minimum: u32,
    },
    Txt(String),
    Ns(String),
}

impl RData {
    pub fn rtype(&self) -> RType {
        match self {
            RData::A(_) => RType::A,
            RData::Aaaa(_) => RType::Aaaa,
            RData::Cname(_) => RType::Cname,
            RData::Srv { .. } => RType::Srv,
            RData::Ptr(_) => RType::Ptr,
            RData::Soa { .. } => RType::Soa,
            RData::Txt(_) => RType::Txt,
            RData::Ns(_) => RType::Ns,
        }
    }
}

/// A resource record. Names are absolute, with their trailing dot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Record {
    pub name: String,
    pub ttl: u32,
    pub data: RData,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Question {
    pub name: String,
    pub qtype: RType,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Message {
    pub id: u16,
    /// A response (QR).
    pub response: bool,
    /// Authoritative answer (AA).
    pub authoritative: bool,
    /// Recursion desired (RD) and available (RA).
    pub rd: bool,
    pub ra: bool,
    pub rcode: Rcode,
    pub question: Option<Question>,
    pub answer: Vec<Record>,
    pub authority: Vec<Record>,
    pub additional: Vec<Record>,
}

impl Message {
    /// A stub resolver's query: recursion desired.
    pub fn query(id: u16, name: &str, qtype: RType) -> Message {
        Message {
            id,
            response: false,
            authoritative: false,
            rd: true,
            ra: false,
            rcode: Rcode::NoError,
            question: Some(Question {
                name: absolute(name),
                qtype,
            }),
            answer: Vec::new(),
            authority: Vec::new(),
            additional: Vec::new(),
        }
    }

    /// The answer to `q`, empty, with its id, question and RD echoed.
    pub fn reply_to(q: &Message, rcode: Rcode) -> Message {
        Message {
            id: q.id,
            response: true,
            authoritative: false,
            rd: q.rd,
            ra: true,
            rcode,
            question: q.question.clone(),
            answer: Vec::new(),
            authority: Vec::new(),
            additional: Vec::new(),
        }
    }

    /// Bytes on the wire, with names compressed (a name, or its tail, seen before in the
    /// message is a 2-byte pointer).
    pub fn len(&self) -> u16 {
        let mut seen: Vec<&str> = Vec::with_capacity(16);
        let mut n = HEADER_LEN as usize;
        if let Some(q) = &self.question {
            n += name_len(&q.name, &mut seen) + 4;
        }
        for r in self
            .answer
            .iter()
            .chain(&self.authority)
            .chain(&self.additional)
        {
            n += name_len(&r.name, &mut seen) + 10;
            n += match &r.data {
                RData::A(_) => 4,
                RData::Aaaa(_) => 16,
                RData::Cname(t) | RData::Ptr(t) | RData::Ns(t) => name_len(t, &mut seen),
                RData::Srv { target, .. } => 6 + name_len(target, &mut seen),
                RData::Soa { mname, rname, .. } => {
                    name_len(mname, &mut seen) + name_len(rname, &mut seen) + 20
                }
                RData::Txt(t) => 1 + t.len(),
            };
        }
        n.min(u16::MAX as usize) as u16
    }

    pub fn is_empty(&self) -> bool {
        false
    }
}

/// A name with its trailing dot.
pub fn absolute(name: &str) -> String {
    if name.ends_with('.') {
        name.to_string()
    } else {
        format!("{name}.")
    }
}

/// The encoded length of a name: its labels until a suffix already in the message, then
/// a pointer (or the root's zero byte). Records the name's suffixes as seen.
/// A name's bytes on the wire: its labels until a suffix already written (compared
/// without case), which costs a 2-byte pointer. `seen` holds the suffixes written so far
/// (slices of the message's own names: no allocation per call).
fn name_len<'a>(name: &'a str, seen: &mut Vec<&'a str>) -> usize {
    let name = name.trim_end_matches('.');
    if name.is_empty() {
        return 1;
    }
    let mut n = 0;
    let mut rest = name;
    loop {
        if seen.iter().any(|s| s.eq_ignore_ascii_case(rest)) {
            return n + 2;
        }
        seen.push(rest);
        match rest.split_once('.') {
            Some((label, tail)) => {
                n += 1 + label.len();
                rest = tail;
            }
            None => {
                n += 1 + rest.len();
                break;
            }
        }
    }
    n + 1
}

impl fmt::Display for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.data {
            RData::A(a) => write!(f, "A {a}"),
            RData::Aaaa(a) => write!(f, "AAAA {a}"),
            RData::Cname(t) => write!(f, "CNAME {t}"),
            RData::Srv {
                priority,
                weight,
                port,
                target,
            } => write!(f, "SRV {target}:{port} {priority} {weight}"),
            RData::Ptr(t) => write!(f, "PTR {t}"),
            RData::Soa { .. } => write!(f, "SOA"),
            RData::Txt(t) => write!(f, "TXT \"{t}\""),
            RData::Ns(t) => write!(f, "NS {t}"),
        }
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.response {
            let (name, t) = self
                .question
                .as_ref()
                .map(|q| (q.name.as_str(), q.qtype.name()))
                .unwrap_or(("", "?"));
            let rd = if self.rd { "+" } else { "" };
            return write!(f, "{}{rd} {t}? {name} ({})", self.id, self.len());
        }
        let aa = if self.authoritative { "*" } else { "" };
        let ra = if self.ra { "" } else { "-" };
        write!(
            f,
            "{}{}{aa}{ra} {}/{}/{}",
            self.id,
            self.rcode.tcpdump(),
            self.answer.len(),
            self.authority.len(),
            self.additional.len()
        )?;
        for (i, r) in self.answer.iter().enumerate() {
            write!(f, "{}{r}", if i == 0 { " " } else { ", " })?;
        }
        write!(f, " ({})", self.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sizes as dig reports them (`MSG SIZE rcvd`): a query for a 37-character name is
    /// 12 + 39 + 4 = 55 bytes; its answer adds one compressed A record (2 + 10 + 4).
    #[test]
    fn lengths_compress_names_as_servers_do() {
        let q = Message::query(1, "demoapp-svc.default.svc.cluster.local", RType::A);
        assert_eq!(q.len(), 12 + 39 + 4);
        let mut a = Message::reply_to(&q, Rcode::NoError);
        a.answer.push(Record {
            name: "demoapp-svc.default.svc.cluster.local.".into(),
            ttl: 30,
            data: RData::A(Ipv4Addr::new(10, 97, 72, 1)),
        });
        assert_eq!(a.len(), q.len() + 16);
        // An SOA whose names end in the question's zone: only their first labels cost.
        let mut nx = Message::reply_to(&q, Rcode::NxDomain);
        nx.authority.push(Record {
            name: "cluster.local.".into(),
            ttl: 30,
            data: RData::Soa {
                mname: "ns.dns.cluster.local.".into(),
                rname: "hostmaster.cluster.local.".into(),
                serial: 1,
                refresh: 7200,
                retry: 1800,
                expire: 86400,
                minimum: 30,
            },
        });
        assert_eq!(nx.len(), q.len() + 2 + 10 + (3 + 4 + 2) + (11 + 2) + 20);
        assert_eq!(
            q.to_string(),
            "1+ A? demoapp-svc.default.svc.cluster.local. (55)"
        );
        assert_eq!(a.to_string(), "1 1/0/0 A 10.97.72.1 (71)");
        nx.authoritative = true;
        assert_eq!(nx.to_string(), "1 NXDomain* 0/1/0 (109)");
    }
}
