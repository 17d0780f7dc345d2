//! The stub resolver a program links (getaddrinfo): `/etc/hosts`, then DNS queries built
//! from `/etc/resolv.conf`, in the C library's own order (reference §4). Two flavours:
//!
//! - **musl** (busybox and alpine images): a name with at least `ndots` dots, or a
//!   trailing dot, is queried as it is and nothing else; otherwise each search domain in
//!   order, then the bare name. A and AAAA go together to every nameserver at once,
//!   resent every `timeout / attempts` until `timeout` has passed. NXDOMAIN moves on to
//!   the next candidate; NOERROR without an address (NODATA) stops the search
//!   (EAI_NODATA); SERVFAIL or silence stops it (EAI_AGAIN), any other error (REFUSED)
//!   too (EAI_FAIL).
//! - **glibc** (every other image, and the nodes): with `ndots` dots or more the name as it
//!   is first, then the search list (a trailing dot: only the name); otherwise the search
//!   list, then the name. A and AAAA go together to one nameserver at a time, waiting
//!   `timeout << i` (divided by the number of servers after the first), `attempts` rounds.
//!   NXDOMAIN and NODATA move on; SERVFAIL moves on and is remembered; silence, and any
//!   other error (REFUSED), stop.
//!   The error is the as-is query's if it was tried first, else NODATA if seen, else
//!   TRY_AGAIN if SERVFAIL was seen, else NXDOMAIN.
//!
//! Every query and answer is a real datagram, so the trace shows each try.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use crate::engine::{CancelKey, Ctx, Dur};
use crate::k8s::resolvconf::ResolvConf;
use crate::net::{Msg, Net, NsId, udp};
use crate::wire::UdpPayload;
use crate::wire::dns::{Message, RData, RType, Rcode};

/// Timer tokens of the resolver (a program's own timers are small numbers).
pub const TOKEN: u64 = 1 << 40;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    Musl,
    Glibc,
}

impl Flavor {
    /// busybox and alpine images link musl; the rest (debian-based images, the nodes)
    /// glibc.
    pub fn of(image: Option<&str>) -> Flavor {
        match image {
            Some(i) if i.contains("busybox") || i.contains("alpine") => Flavor::Musl,
            _ => Flavor::Glibc,
        }
    }

    /// The C library of a machine's programs: a pod's image's, glibc on the nodes.
    pub fn of_ns(netns: &crate::net::Netns) -> Flavor {
        if netns.label.starts_with("pod/") {
            Flavor::of(netns.image.as_deref())
        } else {
            Flavor::Glibc
        }
    }
}

/// Why a name did not resolve.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// NXDOMAIN (EAI_NONAME / HOST_NOT_FOUND).
    NotFound,
    /// The name exists without an address (EAI_NODATA / NO_DATA).
    NoData,
    /// SERVFAIL or no answer (EAI_AGAIN / TRY_AGAIN).
    TryAgain,
    /// Another error rcode, REFUSED most often (EAI_FAIL / NO_RECOVERY): both libcs stop.
    Fail,
    /// No nameserver reachable at all (sendto failed).
    NoServer,
}

impl Failure {
    /// getaddrinfo's error as `gai_strerror` words it (glibc).
    pub fn gai_strerror(self) -> &'static str {
        match self {
            Failure::NotFound => "Name or service not known",
            Failure::NoData => "No address associated with hostname",
            Failure::TryAgain | Failure::NoServer => "Temporary failure in name resolution",
            Failure::Fail => "Non-recoverable failure in name resolution",
        }
    }
}

/// What a lookup gave: the addresses and the name that answered, or why not.
pub type Outcome = Result<(Vec<Ipv4Addr>, String), Failure>;

struct Conf {
    servers: Vec<Ipv4Addr>,
    searches: Vec<String>,
    ndots: usize,
    timeout: Dur,
    attempts: u32,
}

impl Conf {
    fn read(text: &str, flavor: Flavor) -> Conf {
        let rc = ResolvConf::parse(text).unwrap_or_default();
        let opt = |name: &str| {
            rc.options
                .iter()
                .find(|(k, _)| k == name)
                .and_then(|(_, v)| v.as_deref()?.parse::<u64>().ok())
        };
        let (tmax, amax) = match flavor {
            Flavor::Musl => (60, 10),
            Flavor::Glibc => (30, 5),
        };
        let mut servers: Vec<Ipv4Addr> = rc
            .nameservers
            .iter()
            .filter_map(|n| n.parse().ok())
            .take(3)
            .collect();
        if servers.is_empty() {
            servers.push(Ipv4Addr::LOCALHOST);
        }
        Conf {
            servers,
            searches: rc.searches,
            ndots: opt("ndots").unwrap_or(1).min(15) as usize,
            timeout: Dur::from_secs(opt("timeout").unwrap_or(5).clamp(1, tmax)),
            attempts: opt("attempts").unwrap_or(2).clamp(1, amax) as u32,
        }
    }
}

pub struct Resolver {
    flavor: Flavor,
    conf: Conf,
    /// The names to query, in order, and which one is being tried.
    candidates: Vec<String>,
    current: usize,
    /// glibc: the as-is name was tried first (its error wins).
    asis_first: bool,
    seen_nodata: bool,
    seen_servfail: bool,
    first_error: Option<Failure>,
    sport: Option<u16>,
    /// Queries in flight for the current candidate: id -> type; and the answers in.
    pending: BTreeMap<u16, RType>,
    answers: Vec<Message>,
    /// The try: (round, server index) for glibc; the resend count for musl.
    round: u32,
    server: usize,
    timer: Option<CancelKey>,
    next_id: u16,
    sent_at_all: bool,
    /// The types asked for each candidate: A and AAAA (getaddrinfo), or one
    /// (gethostbyname2).
    types: Vec<RType>,
    /// This lookup's timer token (programs running several lookups give each its own).
    token: u64,
    /// The CNAMEs of the answer that succeeded, (owner, target) in answer order.
    aliases: Vec<(String, String)>,
}

impl Resolver {
    fn new(flavor: Flavor, conf: Conf) -> Resolver {
        Resolver {
            flavor,
            conf,
            candidates: Vec::new(),
            current: 0,
            asis_first: false,
            seen_nodata: false,
            seen_servfail: false,
            first_error: None,
            sport: None,
            pending: BTreeMap::new(),
            answers: Vec::new(),
            round: 0,
            server: 0,
            timer: None,
            next_id: 1,
            sent_at_all: false,
            types: vec![RType::A, RType::Aaaa],
            token: TOKEN,
            aliases: Vec::new(),
        }
    }

    /// getaddrinfo of `name` in namespace `ns` (A and AAAA, timer [`TOKEN`]): `Some`
    /// outcome at once for an address, a name in `/etc/hosts`, or nothing to ask; else
    /// the first queries are on their way.
    pub fn start(cx: &mut Ctx<'_, Net>, ns: NsId, name: &str) -> (Resolver, Option<Outcome>) {
        Resolver::lookup(cx, ns, name, &[RType::A, RType::Aaaa], TOKEN)
    }

    /// A lookup asking `types` for each candidate, with timer token `token`. Only A
    /// answers count as addresses (the simulated cluster has no IPv6): an AAAA-only
    /// lookup ends in NODATA or NXDOMAIN, and the `/etc/hosts` check is the caller's.
    pub fn lookup(
        cx: &mut Ctx<'_, Net>,
        ns: NsId,
        name: &str,
        types: &[RType],
        token: u64,
    ) -> (Resolver, Option<Outcome>) {
        let netns = cx.world.ns(ns);
        let flavor = Flavor::of_ns(netns);
        let text = netns
            .files
            .get("/etc/resolv.conf")
            .cloned()
            .unwrap_or_default();
        let hosts = netns.files.get("/etc/hosts").cloned().unwrap_or_default();
        let conf = Conf::read(&text, flavor);
        let seed: u16 = netns.next_ip_ident;
        let mut r = Resolver::new(flavor, conf);
        r.next_id = seed.wrapping_mul(40503).wrapping_add(1);
        r.types = types.to_vec();
        r.token = token;
        if let Ok(ip) = name.parse::<Ipv4Addr>() {
            return (r, Some(Ok((vec![ip], name.to_string()))));
        }
        if !valid_name(name) {
            // getaddrinfo refuses it before any query (EAI_NONAME).
            return (r, Some(Err(Failure::NotFound)));
        }
        let bare = name.trim_end_matches('.');
        if let Some(ip) = hosts_lookup(&hosts, bare).filter(|_| types.contains(&RType::A)) {
            return (r, Some(Ok((vec![ip], bare.to_string()))));
        }
        r.candidates = r.candidates_for(name);
        r.asis_first = r.flavor == Flavor::Glibc
            && r.candidates.first().map(String::as_str) == Some(bare)
            && r.candidates.len() > 1;
        let me = cx.me();
        r.sport = udp::bind(cx, ns, None, me);
        if r.sport.is_none() {
            return (r, Some(Err(Failure::NoServer)));
        }
        let out = r.try_candidate(cx, ns);
        (r, out)
    }

    fn candidates_for(&self, name: &str) -> Vec<String> {
        let absolute = name.ends_with('.');
        let bare = name.trim_end_matches('.').to_string();
        let dots = bare.matches('.').count();
        let searched: Vec<String> = self
            .conf
            .searches
            .iter()
            .map(|d| format!("{bare}.{}", d.trim_end_matches('.')))
            .collect();
        match (self.flavor, absolute, dots >= self.conf.ndots) {
            (_, true, _) => vec![bare],
            (Flavor::Musl, false, true) => vec![bare],
            (Flavor::Glibc, false, true) => std::iter::once(bare).chain(searched).collect(),
            (_, false, false) => searched.into_iter().chain(std::iter::once(bare)).collect(),
        }
    }

    /// Sends the current candidate's A and AAAA queries (to every server for musl, to
    /// the current one for glibc) and arms the try's timer.
    fn send(&mut self, cx: &mut Ctx<'_, Net>, ns: NsId) -> bool {
        let Some(sport) = self.sport else {
            return false;
        };
        let name = self.candidates[self.current].clone();
        let servers: Vec<Ipv4Addr> = match self.flavor {
            Flavor::Musl => self.conf.servers.clone(),
            Flavor::Glibc => vec![self.conf.servers[self.server]],
        };
        self.pending.clear();
        self.answers.clear();
        let mut sent = false;
        for &qtype in &self.types {
            let id = self.next_id;
            self.next_id = self.next_id.wrapping_add(1);
            self.pending.insert(id, qtype);
            for s in &servers {
                let q = Message::query(id, &name, qtype);
                let payload = UdpPayload::Dns { msg: Box::new(q) };
                sent |= udp::send(cx, ns, sport, *s, 53, payload).is_ok();
            }
        }
        self.sent_at_all |= sent;
        let wait = match self.flavor {
            Flavor::Musl => {
                Dur::from_nanos(self.conf.timeout.as_nanos() / u64::from(self.conf.attempts))
            }
            Flavor::Glibc => {
                let t = self.conf.timeout.as_nanos() << self.server;
                Dur::from_nanos(if self.server > 0 {
                    t / self.conf.servers.len() as u64
                } else {
                    t
                })
            }
        };
        if let Some(t) = self.timer.take() {
            cx.cancel(t);
        }
        self.timer = Some(cx.schedule_cancellable(wait, Msg::Timer(self.token)));
        sent
    }

    fn try_candidate(&mut self, cx: &mut Ctx<'_, Net>, ns: NsId) -> Option<Outcome> {
        self.round = 0;
        self.server = 0;
        if !self.send(cx, ns) && self.flavor == Flavor::Musl {
            return Some(self.finish(cx, ns, Err(Failure::NoServer)));
        }
        None
    }

    /// A datagram for the program: the resolver's answer, if it is one.
    pub fn on_msg(&mut self, cx: &mut Ctx<'_, Net>, ns: NsId, msg: &Msg) -> Option<Outcome> {
        match msg {
            Msg::Udp { packet } => {
                let (_, dport, msg) = packet.dns()?;
                if Some(dport) != self.sport || !msg.response {
                    return None;
                }
                // A late or duplicate answer is none of ours.
                self.pending.remove(&msg.id)?;
                self.answers.push(msg.clone());
                if self.pending.is_empty() {
                    return self.judge(cx, ns);
                }
                None
            }
            Msg::Timer(t) if *t == self.token => {
                self.timer = None;
                self.timeout(cx, ns)
            }
            _ => None,
        }
    }

    /// The try's time ran out.
    fn timeout(&mut self, cx: &mut Ctx<'_, Net>, ns: NsId) -> Option<Outcome> {
        match self.flavor {
            Flavor::Musl => {
                self.round += 1;
                if self.round >= self.conf.attempts {
                    return Some(self.finish(cx, ns, Err(Failure::TryAgain)));
                }
                self.send(cx, ns);
                None
            }
            Flavor::Glibc => {
                self.server += 1;
                if self.server >= self.conf.servers.len() {
                    self.server = 0;
                    self.round += 1;
                }
                if self.round >= self.conf.attempts {
                    // No answer at all: res_search stops (TRY_AGAIN without SERVFAIL).
                    let f = if self.sent_at_all {
                        Failure::TryAgain
                    } else {
                        Failure::NoServer
                    };
                    return Some(self.finish(cx, ns, Err(f)));
                }
                self.send(cx, ns);
                None
            }
        }
    }

    /// Both answers for the candidate are in.
    fn judge(&mut self, cx: &mut Ctx<'_, Net>, ns: NsId) -> Option<Outcome> {
        if let Some(t) = self.timer.take() {
            cx.cancel(t);
        }
        let rcodes: Vec<Rcode> = self.answers.iter().map(|m| m.rcode).collect();
        let addrs: Vec<Ipv4Addr> = self
            .answers
            .iter()
            .flat_map(|m| m.answer.iter())
            .filter_map(|r| match r.data {
                RData::A(a) => Some(a),
                _ => None,
            })
            .collect();
        let name = self.candidates[self.current].clone();
        let nx = rcodes.contains(&Rcode::NxDomain);
        let servfail = rcodes.contains(&Rcode::ServFail);
        let other = rcodes
            .iter()
            .any(|r| !matches!(r, Rcode::NoError | Rcode::NxDomain | Rcode::ServFail));
        if !addrs.is_empty() && !nx && !servfail {
            self.aliases = self
                .answers
                .iter()
                .flat_map(|m| m.answer.iter())
                .filter_map(|r| match &r.data {
                    RData::Cname(t) => Some((r.name.clone(), t.clone())),
                    _ => None,
                })
                .collect();
            self.aliases.dedup();
            return Some(self.finish(cx, ns, Ok((addrs, name))));
        }
        let this = if other {
            Failure::Fail
        } else if servfail {
            Failure::TryAgain
        } else if nx {
            Failure::NotFound
        } else {
            Failure::NoData
        };
        match self.flavor {
            Flavor::Musl => match this {
                Failure::NotFound => self.next(cx, ns, this),
                _ => Some(self.finish(cx, ns, Err(this))),
            },
            // res_search: an error other than NXDOMAIN, NODATA or SERVFAIL ends the search.
            Flavor::Glibc if this == Failure::Fail => Some(self.finish(cx, ns, Err(this))),
            Flavor::Glibc => {
                if self.current == 0 && self.asis_first {
                    self.first_error = Some(this);
                }
                self.seen_nodata |= this == Failure::NoData;
                self.seen_servfail |= this == Failure::TryAgain;
                self.next(cx, ns, this)
            }
        }
    }

    /// On to the next candidate, or the end of the search.
    fn next(&mut self, cx: &mut Ctx<'_, Net>, ns: NsId, last: Failure) -> Option<Outcome> {
        self.current += 1;
        if self.current < self.candidates.len() {
            return self.try_candidate(cx, ns);
        }
        let err = match self.flavor {
            Flavor::Musl => last,
            Flavor::Glibc => self.first_error.unwrap_or(if self.seen_nodata {
                Failure::NoData
            } else if self.seen_servfail {
                Failure::TryAgain
            } else {
                last
            }),
        };
        Some(self.finish(cx, ns, Err(err)))
    }

    fn finish(&mut self, cx: &mut Ctx<'_, Net>, ns: NsId, out: Outcome) -> Outcome {
        if let Some(t) = self.timer.take() {
            cx.cancel(t);
        }
        if let Some(p) = self.sport.take() {
            let me = cx.me();
            udp::close(cx, ns, p, me);
        }
        out
    }

    /// The CNAMEs the successful answer went through, (owner, target) with their trailing
    /// dots, in answer order.
    pub fn aliases(&self) -> &[(String, String)] {
        &self.aliases
    }

    /// The UDP port the lookup's answers come to, while it is under way.
    pub fn port(&self) -> Option<u16> {
        self.sport
    }

    /// The nameserver a tool names (`nslookup`'s `Server:`).
    pub fn server(&self) -> Ipv4Addr {
        self.conf.servers[0]
    }
}

/// A name DNS can carry: at most 253 characters, labels of 1 to 63.
pub fn valid_name(name: &str) -> bool {
    let bare = name.strip_suffix('.').unwrap_or(name);
    !bare.is_empty() && bare.len() <= 253 && bare.split('.').all(|l| !l.is_empty() && l.len() <= 63)
}

/// A name in `/etc/hosts` (first match; names are compared without case).
pub fn hosts_lookup(hosts: &str, name: &str) -> Option<Ipv4Addr> {
    hosts.lines().find_map(|l| {
        let l = l.split('#').next().unwrap_or("");
        let mut words = l.split_whitespace();
        let ip: Ipv4Addr = words.next()?.parse().ok()?;
        words.any(|w| w.eq_ignore_ascii_case(name)).then_some(ip)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolver(flavor: Flavor, conf: &str) -> Resolver {
        Resolver::new(flavor, Conf::read(conf, flavor))
    }

    const POD: &str = "nameserver 10.96.0.10\nsearch default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n";

    /// Reference §4.4: what a pod with ndots:5 asks for, per flavour.
    #[test]
    fn candidates_follow_each_libc() {
        let musl = resolver(Flavor::Musl, POD);
        let glibc = resolver(Flavor::Glibc, POD);
        assert_eq!(
            musl.candidates_for("redis-master"),
            [
                "redis-master.default.svc.cluster.local",
                "redis-master.svc.cluster.local",
                "redis-master.cluster.local",
                "redis-master"
            ]
        );
        assert_eq!(musl.candidates_for("www.example.com."), ["www.example.com"]);
        assert_eq!(
            glibc.candidates_for("www.example.com."),
            ["www.example.com"]
        );
        // Five dots: as-is only for musl, as-is then the list for glibc.
        let long = "a.b.c.d.e.f";
        assert_eq!(musl.candidates_for(long), [long]);
        assert_eq!(glibc.candidates_for(long).len(), 4);
        assert_eq!(glibc.candidates_for(long)[0], long);
        let c = Conf::read("options ndots:99 timeout:100 attempts:0\n", Flavor::Glibc);
        assert_eq!(
            (c.ndots, c.timeout, c.attempts),
            (15, Dur::from_secs(30), 1)
        );
        assert_eq!(c.servers, [Ipv4Addr::LOCALHOST]);
    }

    #[test]
    fn hosts_file_names() {
        let hosts = "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n10.244.1.5\tbusybox-1.default-subdomain.default.svc.cluster.local\tbusybox-1\n";
        assert_eq!(
            hosts_lookup(hosts, "busybox-1"),
            Some(Ipv4Addr::new(10, 244, 1, 5))
        );
        assert_eq!(hosts_lookup(hosts, "LOCALHOST"), Some(Ipv4Addr::LOCALHOST));
        assert_eq!(hosts_lookup(hosts, "nginx"), None);
    }
}
