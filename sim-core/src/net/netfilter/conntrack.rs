//! Connection tracking: every flow a netfilter-enabled namespace sees, as a pair of tuples
//! (the original direction and the reply direction), with the NAT bindings the nat table
//! chose for its first packet.
//!
//! As in Linux (`nf_conntrack_core.c`, `nf_nat_core.c`):
//! - the first packet of a flow creates an *unconfirmed* entry; the entry is confirmed when
//!   that packet leaves (POSTROUTING) or is delivered (INPUT). An entry still unconfirmed
//!   when another packet of the flow comes is one whose packet was dropped: it is discarded
//!   and the flow starts afresh (so a retransmitted SYN walks the nat rules again);
//! - NAT rewrites the reply tuple: DNAT its source, SNAT its destination. Every later
//!   packet is translated from the entry, never by walking the rules again;
//! - SNAT keeps the source port (or ICMP id) unless another entry already holds the same
//!   reply tuple; then the next free one (`nf_nat_unique_tuple`; Linux starts that search
//!   from a random offset);
//! - timeouts: ICMP 30 s; UDP 30 s, 180 s once replied; TCP 120 s in SYN_SENT, 60 s in
//!   SYN_RECV, 5 days ESTABLISHED, 120 s once a FIN is seen (TIME_WAIT), 10 s after a RST.
//!
//! Expired entries are removed when a lookup meets them and by a sweep every 1024 new
//! entries (Linux's gc worker), so the table stays the size of the live flows.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::net::Ipv4Addr;

use super::rule::Proto;
use crate::engine::{Dur, SimTime};
use crate::wire::{Icmp, L4, Packet, QuotedL4, tcp};

/// A flow as conntrack keys it. ICMP echo flows carry the echo id as both ports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tuple {
    pub proto: Proto,
    pub src: Ipv4Addr,
    pub sport: u16,
    pub dst: Ipv4Addr,
    pub dport: u16,
}

impl Tuple {
    pub fn inverse(self) -> Tuple {
        Tuple {
            proto: self.proto,
            src: self.dst,
            sport: self.dport,
            dst: self.src,
            dport: self.sport,
        }
    }

    /// The tuple of a packet that can start or continue a flow (not an ICMP error).
    pub fn of(p: &Packet) -> Option<Tuple> {
        let (proto, sport, dport) = match &p.l4 {
            L4::Icmp(Icmp::EchoRequest { ident, .. } | Icmp::EchoReply { ident, .. }) => {
                (Proto::Icmp, *ident, *ident)
            }
            L4::Icmp(_) => return None,
            L4::Udp(u) => (Proto::Udp, u.sport, u.dport),
            L4::Tcp(t) => (Proto::Tcp, t.sport, t.dport),
        };
        Some(Tuple {
            proto,
            src: p.ip.src,
            sport,
            dst: p.ip.dst,
            dport,
        })
    }

    /// For an ICMP error: the tuple of the packet it quotes.
    pub fn quoted(p: &Packet) -> Option<Tuple> {
        let quoted = match &p.l4 {
            L4::Icmp(Icmp::DestUnreachable { quoted, .. } | Icmp::TimeExceeded { quoted }) => {
                quoted
            }
            _ => return None,
        };
        let (proto, sport, dport) = match quoted.l4 {
            QuotedL4::Icmp { ident, .. } => (Proto::Icmp, ident, ident),
            QuotedL4::Udp { sport, dport } => (Proto::Udp, sport, dport),
            QuotedL4::Tcp { sport, dport, .. } => (Proto::Tcp, sport, dport),
        };
        Some(Tuple {
            proto,
            src: quoted.ip.src,
            sport,
            dst: quoted.ip.dst,
            dport,
        })
    }

    /// The same tuple with its source port (or ICMP id) moved on by one.
    fn next_port(self) -> Tuple {
        let sport = match self.proto {
            Proto::Icmp => self.sport.wrapping_add(1),
            _ if self.sport == u16::MAX => 1024,
            _ => self.sport + 1,
        };
        let dport = if self.proto == Proto::Icmp {
            sport
        } else {
            self.dport
        };
        Tuple {
            sport,
            dport,
            ..self
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    Orig,
    Reply,
}

/// TCP's conntrack state, coarsely (the states `conntrack -L` shows).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TcpState {
    SynSent,
    SynRecv,
    Established,
    FinWait,
    TimeWait,
    Close,
}

impl TcpState {
    fn name(self) -> &'static str {
        match self {
            TcpState::SynSent => "SYN_SENT",
            TcpState::SynRecv => "SYN_RECV",
            TcpState::Established => "ESTABLISHED",
            TcpState::FinWait => "FIN_WAIT",
            TcpState::TimeWait => "TIME_WAIT",
            TcpState::Close => "CLOSE",
        }
    }

    fn timeout(self) -> Dur {
        Dur::from_secs(match self {
            TcpState::SynSent => 120,
            TcpState::SynRecv => 60,
            TcpState::Established => 432_000,
            TcpState::FinWait | TcpState::TimeWait => 120,
            TcpState::Close => 10,
        })
    }
}

pub type EntryId = u64;

/// (protocol, original destination, its port, new destination, its port).
pub type DnatKey = (Proto, Ipv4Addr, u16, Ipv4Addr, u16);

fn dnat_key(e: &Entry) -> DnatKey {
    (
        e.orig.proto,
        e.orig.dst,
        e.orig.dport,
        e.reply.src,
        e.reply.sport,
    )
}

#[derive(Clone, Debug)]
pub struct Entry {
    pub orig: Tuple,
    pub reply: Tuple,
    pub confirmed: bool,
    /// A packet has been seen in the reply direction.
    pub seen_reply: bool,
    pub tcp: Option<TcpState>,
    /// Whether the nat table has been consulted for the source (POSTROUTING) of this
    /// flow (the destination's is decided when the entry is made).
    pub src_nat_done: bool,
    pub last_seen: SimTime,
    fins: u8,
    /// TCP: the handshake completed once (what conntrack calls ASSURED).
    pub assured: bool,
}

impl Entry {
    pub fn tuple(&self, dir: Dir) -> Tuple {
        match dir {
            Dir::Orig => self.orig,
            Dir::Reply => self.reply,
        }
    }

    fn timeout(&self) -> Dur {
        match (self.orig.proto, self.tcp) {
            (Proto::Tcp, Some(s)) => s.timeout(),
            (Proto::Udp, _) if self.seen_reply => Dur::from_secs(180),
            _ => Dur::from_secs(30),
        }
    }

    pub fn expires(&self) -> SimTime {
        self.last_seen + self.timeout()
    }

    /// Whether the flow is destination-NATed (its reply comes from elsewhere than the
    /// original destination).
    pub fn dnat(&self) -> bool {
        // An ICMP id is one field both ways: only SNAT's uniqueness search moves it.
        self.reply.src != self.orig.dst
            || (self.orig.proto != Proto::Icmp && self.reply.sport != self.orig.dport)
    }

    pub fn snat(&self) -> bool {
        self.reply.dst != self.orig.src || self.reply.dport != self.orig.sport
    }

    fn track_tcp(&mut self, dir: Dir, seg: &tcp::Segment) {
        let f = seg.flags;
        let state = self.tcp.unwrap_or(TcpState::SynSent);
        self.tcp = Some(if f.rst {
            TcpState::Close
        } else if f.fin {
            self.fins += 1;
            if self.fins >= 2 {
                TcpState::TimeWait
            } else {
                TcpState::FinWait
            }
        } else {
            match (state, dir) {
                (TcpState::SynSent, Dir::Reply) if f.syn && f.ack => TcpState::SynRecv,
                (TcpState::SynRecv, Dir::Orig) if f.ack => {
                    self.assured = true;
                    TcpState::Established
                }
                (s, _) => s,
            }
        });
    }
}

/// The conntrack table of one namespace.
#[derive(Default)]
pub struct Conntrack {
    entries: BTreeMap<EntryId, Entry>,
    /// Tuple -> entry: a hash map with fixed keys (SipHash with zero keys), looked up per
    /// packet and never iterated, so its order cannot reach any output.
    index: HashMap<Tuple, (EntryId, Dir), super::FixedState>,
    /// Flows IPVS scheduled, by (protocol, virtual address, real server): what IPVS
    /// counts per real server (its ActiveConn and InActConn) without a scan of the table.
    by_dnat: BTreeMap<DnatKey, std::collections::BTreeSet<EntryId>>,
    next_id: EntryId,
    since_sweep: u32,
}

impl Conntrack {
    /// The live entry a tuple belongs to, and which direction it is; an expired or
    /// unconfirmed entry met on the way is removed.
    pub fn find(&mut self, t: &Tuple, now: SimTime) -> Option<(EntryId, Dir)> {
        let (id, dir) = *self.index.get(t)?;
        let e = &self.entries[&id];
        if !e.confirmed || now >= e.expires() {
            self.remove(id);
            return None;
        }
        Some((id, dir))
    }

    pub fn get(&self, id: EntryId) -> Option<&Entry> {
        self.entries.get(&id)
    }

    /// A new, unconfirmed entry for a flow's first packet.
    pub fn create(&mut self, orig: Tuple, now: SimTime) -> EntryId {
        self.since_sweep += 1;
        if self.since_sweep >= 1024 {
            self.since_sweep = 0;
            let dead: Vec<EntryId> = self
                .entries
                .iter()
                .filter(|(_, e)| now >= e.expires())
                .map(|(id, _)| *id)
                .collect();
            for id in dead {
                self.remove(id);
            }
        }
        // A stale unconfirmed entry with the same tuple goes first.
        if let Some((old, _)) = self.index.get(&orig).copied() {
            self.remove(old);
        }
        let id = self.next_id;
        self.next_id += 1;
        self.entries.insert(
            id,
            Entry {
                orig,
                reply: orig.inverse(),
                confirmed: false,
                seen_reply: false,
                tcp: (orig.proto == Proto::Tcp).then_some(TcpState::SynSent),
                src_nat_done: false,
                last_seen: now,
                fins: 0,
                assured: false,
            },
        );
        self.index.insert(orig, (id, Dir::Orig));
        id
    }

    fn remove(&mut self, id: EntryId) {
        if let Some(e) = self.entries.remove(&id) {
            if e.dnat() {
                let key = dnat_key(&e);
                if let Some(set) = self.by_dnat.get_mut(&key) {
                    set.remove(&id);
                    if set.is_empty() {
                        self.by_dnat.remove(&key);
                    }
                }
            }
            for t in [e.orig, e.reply] {
                if self.index.get(&t).is_some_and(|(i, _)| *i == id) {
                    self.index.remove(&t);
                }
            }
        }
    }

    /// Marks the entry confirmed: its reply tuple now finds it.
    pub fn confirm(&mut self, id: EntryId) {
        if let Some(e) = self.entries.get_mut(&id) {
            if !e.confirmed {
                e.confirmed = true;
                let reply = e.reply;
                self.index.insert(reply, (id, Dir::Reply));
            }
        }
    }

    /// A packet of the flow was seen in `dir`: its timer restarts, TCP's state moves.
    pub fn seen(&mut self, id: EntryId, dir: Dir, p: &Packet, now: SimTime) {
        if let Some(e) = self.entries.get_mut(&id) {
            e.last_seen = now;
            if dir == Dir::Reply {
                e.seen_reply = true;
            }
            if let L4::Tcp(seg) = &p.l4 {
                e.track_tcp(dir, seg);
            }
        }
    }

    pub fn set_dst_nat(&mut self, id: EntryId, to: Option<(Ipv4Addr, u16)>) {
        let e = self.entries.get_mut(&id).expect("entry");
        if let Some((addr, port)) = to {
            e.reply.src = addr;
            e.reply.sport = port;
            if e.orig.proto == Proto::Icmp {
                e.reply.dport = port;
            }
        }
    }

    /// DNAT by IPVS: as `set_dst_nat`, and the flow counts for its real server (IPVS's
    /// connection table holds only the flows it scheduled, not iptables' DNATs).
    pub fn set_ipvs_nat(&mut self, id: EntryId, to: (Ipv4Addr, u16)) {
        self.set_dst_nat(id, Some(to));
        let e = &self.entries[&id];
        if e.dnat() {
            self.by_dnat.entry(dnat_key(e)).or_default().insert(id);
        }
    }

    /// The live flows DNATed from one destination to one real server: (active, inactive)
    /// as IPVS counts them (an ESTABLISHED TCP flow is active; a handshake in progress, a
    /// closing flow or UDP is inactive). Costs the flows to that server, not the table.
    pub fn conn_counts(&self, key: &DnatKey, now: SimTime) -> (u32, u32) {
        let mut c = (0, 0);
        for e in self
            .by_dnat
            .get(key)
            .into_iter()
            .flatten()
            .filter_map(|id| self.entries.get(id))
        {
            if !e.confirmed || now >= e.expires() {
                continue;
            }
            if e.tcp == Some(TcpState::Established) {
                c.0 += 1;
            } else {
                c.1 += 1;
            }
        }
        c
    }

    /// SNAT to `addr`, keeping the source port unless another flow holds that reply
    /// tuple. Returns the port (or id) the flow got.
    pub fn set_src_nat(&mut self, id: EntryId, addr: Option<Ipv4Addr>, now: SimTime) -> u16 {
        let e = self.entries.get(&id).expect("entry");
        let mut reply = e.reply;
        let Some(addr) = addr else {
            self.entries.get_mut(&id).expect("entry").src_nat_done = true;
            return reply.dport;
        };
        reply.dst = addr;
        let first = reply;
        loop {
            match self.index.get(&reply) {
                Some((other, _))
                    if *other != id
                        && self.entries[other].confirmed
                        && now < self.entries[other].expires() =>
                {
                    reply = reply.inverse().next_port().inverse();
                    if reply == first {
                        break; // every port taken: never in practice
                    }
                }
                _ => break,
            }
        }
        let e = self.entries.get_mut(&id).expect("entry");
        e.reply = reply;
        e.src_nat_done = true;
        reply.dport
    }

    /// Live flows IPVS scheduled, by (protocol, virtual address and port, real server and
    /// port): (ESTABLISHED TCP, the rest), as `ipvsadm` counts ActiveConn and InActConn.
    pub fn dnat_counts(&self, now: SimTime) -> BTreeMap<DnatKey, (u32, u32)> {
        self.by_dnat
            .keys()
            .map(|k| (*k, self.conn_counts(k, now)))
            .collect()
    }

    /// `conntrack -L`: the confirmed, live entries, oldest first.
    pub fn list(&self, now: SimTime) -> (String, usize) {
        let mut out = String::new();
        let mut n = 0;
        for e in self.entries.values() {
            if !e.confirmed || now >= e.expires() {
                continue;
            }
            n += 1;
            let left = (e.expires() - now).as_nanos() / 1_000_000_000;
            let state = e.tcp.map(|s| format!("{} ", s.name())).unwrap_or_default();
            let _ = write!(
                out,
                "{:<8} {} {left} {state}{}",
                e.orig.proto.name(),
                e.orig.proto.number(),
                show(e.orig, Dir::Orig)
            );
            if !e.seen_reply {
                out.push_str(" [UNREPLIED]");
            }
            let _ = write!(out, " {}", show(e.reply, Dir::Reply));
            if e.seen_reply && (e.tcp.is_none() || e.assured) {
                out.push_str(" [ASSURED]");
            }
            out.push_str(" mark=0 use=1\n");
        }
        (out, n)
    }
}

/// What is wrong with a conntrack table (`Conntrack::audit`): a broken invariant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// A live flow (confirmed, not expired) that a packet in direction `dir` would not find:
    /// the index does not lead its tuple to it.
    Unreachable {
        entry: EntryId,
        dir: Dir,
        tuple: Tuple,
    },
    /// The index leads a tuple to an entry that does not exist or has another tuple.
    DanglingIndex { tuple: Tuple, entry: EntryId },
    /// IPVS's per-real-server index names an entry that does not exist or is not
    /// DNATed to that server.
    DanglingDnat { entry: EntryId },
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fault::Unreachable { entry, dir, tuple } => write!(
                f,
                "live flow {entry} ({}) is not found by its {} tuple",
                show(*tuple, *dir),
                if *dir == Dir::Orig {
                    "original"
                } else {
                    "reply"
                }
            ),
            Fault::DanglingIndex { tuple, entry } => write!(
                f,
                "the index leads {} to entry {entry}, which does not hold that tuple",
                show(*tuple, Dir::Orig)
            ),
            Fault::DanglingDnat { entry } => write!(
                f,
                "IPVS's connection index names entry {entry}, which is gone or not DNATed there"
            ),
        }
    }
}

impl Conntrack {
    /// Checks that every entry has a live reason to exist at `now`, in entry order (empty
    /// when the table is sound; checked at the end of every scenario run).
    ///
    /// An entry has a reason to exist when a lookup can reach it: a live flow (confirmed,
    /// not expired) must be found by both its tuples, so the next packet either way is
    /// translated by it. An unconfirmed entry (its first packet was dropped or is still on
    /// its way) is found by its original tuple until a later packet of the flow discards it,
    /// and an expired one waits for the sweep (lazy expiry, as Linux's gc worker): both are
    /// invisible to every lookup and listing, so they are not faults. Every index slot must
    /// lead to an entry holding that tuple (a slot leading nowhere would make the flow's next
    /// packet fail), and IPVS's per-server index only to entries DNATed to that server.
    /// Namespaces are never destroyed in the model (a deleted pod's namespace stays, with
    /// only `lo`), so every entry's namespace exists.
    pub fn audit(&self, now: SimTime) -> Vec<Fault> {
        let mut faults = Vec::new();
        for (&id, e) in &self.entries {
            if !e.confirmed || now >= e.expires() {
                continue;
            }
            for dir in [Dir::Orig, Dir::Reply] {
                let tuple = e.tuple(dir);
                if self.index.get(&tuple).is_none_or(|(i, _)| *i != id) {
                    faults.push(Fault::Unreachable {
                        entry: id,
                        dir,
                        tuple,
                    });
                }
            }
        }
        // The index is a hash map: its slots are sorted before they are reported.
        let mut dangling: Vec<Fault> = self
            .index
            .iter()
            .filter(|(t, (id, dir))| self.entries.get(id).is_none_or(|e| e.tuple(*dir) != **t))
            .map(|(t, (id, _))| Fault::DanglingIndex {
                tuple: *t,
                entry: *id,
            })
            .collect();
        dangling.sort_by_key(|f| match f {
            Fault::DanglingIndex { tuple, entry } => (*entry, *tuple),
            _ => unreachable!(),
        });
        faults.extend(dangling);
        for (key, ids) in &self.by_dnat {
            for id in ids {
                if self
                    .entries
                    .get(id)
                    .is_none_or(|e| !e.dnat() || dnat_key(e) != *key)
                {
                    faults.push(Fault::DanglingDnat { entry: *id });
                }
            }
        }
        faults
    }
}

fn show(t: Tuple, dir: Dir) -> String {
    match t.proto {
        Proto::Icmp => format!(
            "src={} dst={} type={} code=0 id={}",
            t.src,
            t.dst,
            if dir == Dir::Orig { 8 } else { 0 },
            t.sport
        ),
        _ => format!(
            "src={} dst={} sport={} dport={}",
            t.src, t.dst, t.sport, t.dport
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn udp(src: &str, dst: &str) -> Tuple {
        Tuple {
            proto: Proto::Udp,
            src: src.parse().unwrap(),
            sport: 40000,
            dst: dst.parse().unwrap(),
            dport: 53,
        }
    }

    /// A sound table audits clean, expired and unconfirmed entries included; a live flow
    /// the index no longer leads to, an index slot leading nowhere and an IPVS slot naming a
    /// removed entry are each reported.
    #[test]
    fn audit_finds_unreachable_flows_and_dangling_slots() {
        let now = SimTime::ZERO;
        let mut ct = Conntrack::default();
        let live = ct.create(udp("10.0.0.1", "10.96.0.10"), now);
        ct.set_ipvs_nat(live, ("10.244.1.5".parse().unwrap(), 53));
        ct.confirm(live);
        let _unconfirmed = ct.create(udp("10.0.0.1", "10.0.0.9"), now);
        let old = ct.create(udp("10.0.0.1", "10.0.0.8"), now);
        ct.confirm(old);
        let later = now + Dur::from_secs(60);
        let fresh = ct.create(udp("10.0.0.2", "10.0.0.8"), later);
        ct.confirm(fresh);
        ct.seen(live, Dir::Orig, &probe(), later);
        assert_eq!(ct.audit(later), vec![]);

        // Broken on purpose: the live flow's reply slot is lost.
        let reply = ct.entries[&live].reply;
        ct.index.remove(&reply);
        assert_eq!(
            ct.audit(later),
            vec![Fault::Unreachable {
                entry: live,
                dir: Dir::Reply,
                tuple: reply
            }]
        );
        // The entry itself goes, its original slot and IPVS's slot stay.
        ct.entries.remove(&live);
        let faults = ct.audit(later);
        assert_eq!(faults.len(), 2, "{faults:?}");
        assert!(matches!(faults[0], Fault::DanglingIndex { entry, .. } if entry == live));
        assert_eq!(faults[1], Fault::DanglingDnat { entry: live });
        assert!(faults[1].to_string().contains("IPVS"));
    }

    fn probe() -> Packet {
        Packet::echo_request(
            crate::wire::PacketId(1),
            "10.0.0.2".parse().unwrap(),
            1,
            1,
            1,
            8,
        )
    }
}
