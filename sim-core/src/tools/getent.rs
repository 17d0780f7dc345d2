//! `getent hosts NAME|ADDRESS`: the C library's own answer for a name, through
//! `/etc/nsswitch.conf`'s `hosts: files dns`.
//!
//! glibc's getent (debian-based images, the nodes) calls `gethostbyname2(NAME, AF_INET6)`
//! and only when that fails `gethostbyname2(NAME, AF_INET)`: two whole searches, one query
//! type each, so a short name under `ndots:5` sends every search candidate's AAAA before
//! the first A. alpine's (musl-utils) calls `gethostbyname`, A only. An address is looked
//! up backwards (`/etc/hosts`, then its PTR). Each match prints `ADDRESS NAME [ALIASES]`
//! (`%-15s %s`); nothing found: no output, exit status 2. busybox has no getent.

use std::net::Ipv4Addr;

use super::dig::{Query, Unanswered, first_nameserver, reverse_name};
use super::print;
use super::resolver::{Flavor, Outcome, Resolver, TOKEN};
use crate::engine::{Ctx, Dur};
use crate::net::{Msg, Net, NsId};
use crate::trace::Stream;
use crate::wire::dns::{Message, RData, RType};

pub struct Getent {
    key: String,
    /// The lookup under way: the family it asks for, and its resolver.
    family: RType,
    resolver: Option<Resolver>,
    ptr: Option<Query>,
}

impl Getent {
    pub fn parse(args: &[String]) -> Result<Getent, (String, i32)> {
        match args {
            [db, key] if db == "hosts" => Ok(Getent {
                key: key.clone(),
                family: RType::Aaaa,
                resolver: None,
                ptr: None,
            }),
            [db, ..] if db != "hosts" => Err((
                format!("getent: database {db} is not simulated (hosts is)"),
                1,
            )),
            _ => Err(("getent: hosts needs exactly one key here".into(), 1)),
        }
    }

    pub fn handle(&mut self, msg: Msg, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        match msg {
            Msg::Start => {
                if cx
                    .world
                    .ns(ns)
                    .image
                    .as_deref()
                    .is_some_and(|i| i.contains("busybox"))
                {
                    print(cx, Stream::Stderr, "sh: getent: command not found\n");
                    return Some(127);
                }
                if let Ok(ip) = self.key.parse::<Ipv4Addr>() {
                    return self.reverse(cx, ns, ip);
                }
                if Flavor::of_ns(cx.world.ns(ns)) == Flavor::Musl {
                    self.family = RType::A;
                } else if let Some(line) = hosts_named(cx, ns, &self.key, true) {
                    // An IPv6 line of /etc/hosts (`::1 localhost ip6-localhost`).
                    return Some(self.print(cx, &[line]));
                }
                self.search(cx, ns)
            }
            ref m @ (Msg::Udp { .. } | Msg::Timer(super::dig::TOKEN)) if self.ptr.is_some() => {
                let out = self.ptr.as_mut()?.on_msg(cx, ns, m)?;
                Some(self.reversed(cx, out))
            }
            ref m @ (Msg::Udp { .. } | Msg::Timer(TOKEN)) => {
                let out = self.resolver.as_mut()?.on_msg(cx, ns, m)?;
                self.searched(cx, ns, out)
            }
            _ => None,
        }
    }

    /// One gethostbyname2 call for the current family.
    fn search(&mut self, cx: &mut Ctx<'_, Net>, ns: NsId) -> Option<i32> {
        if self.family == RType::A
            && let Some(line) = hosts_named(cx, ns, &self.key, false)
        {
            return Some(self.print(cx, &[line]));
        }
        let key = self.key.clone();
        let (r, out) = Resolver::lookup(cx, ns, &key, &[self.family], TOKEN);
        self.resolver = Some(r);
        self.searched(cx, ns, out?)
    }

    fn searched(&mut self, cx: &mut Ctx<'_, Net>, ns: NsId, out: Outcome) -> Option<i32> {
        match out {
            Ok((addrs, name)) if !addrs.is_empty() => {
                let lines: Vec<String> = addrs.iter().map(|a| format!("{a:<15} {name}")).collect();
                Some(self.print(cx, &lines))
            }
            _ if self.family == RType::Aaaa => {
                // No IPv6 address: glibc's getent asks again for IPv4.
                self.family = RType::A;
                self.search(cx, ns)
            }
            _ => Some(2),
        }
    }

    /// gethostbyaddr: `/etc/hosts`, then the address's PTR from the first nameserver.
    fn reverse(&mut self, cx: &mut Ctx<'_, Net>, ns: NsId, ip: Ipv4Addr) -> Option<i32> {
        if let Some(line) = hosts_entry(cx, ns, |w| w[0].parse::<Ipv4Addr>() == Ok(ip)) {
            return Some(self.print(cx, &[line]));
        }
        let server = first_nameserver(cx, ns);
        let mut q = Query::new(server, &reverse_name(ip), RType::Ptr, 2, Dur::from_secs(5));
        let started = q.start(cx, ns);
        self.ptr = Some(q);
        match started {
            Ok(()) => None,
            Err(e) => Some(self.reversed(cx, Err(e))),
        }
    }

    fn reversed(&mut self, cx: &mut Ctx<'_, Net>, out: Result<Message, Unanswered>) -> i32 {
        let names: Vec<String> = match out {
            Ok(m) => m
                .answer
                .iter()
                .filter_map(|r| match &r.data {
                    RData::Ptr(t) => Some(t.trim_end_matches('.').to_string()),
                    _ => None,
                })
                .collect(),
            Err(Unanswered) => Vec::new(),
        };
        let Some((first, rest)) = names.split_first() else {
            return 2;
        };
        let mut line = format!("{:<15} {first}", self.key);
        for alias in rest {
            line.push(' ');
            line.push_str(alias);
        }
        self.print(cx, &[line])
    }

    fn print(&self, cx: &mut Ctx<'_, Net>, lines: &[String]) -> i32 {
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        print(cx, Stream::Stdout, &text);
        0
    }
}

/// `ADDRESS NAME ALIASES...` as getent prints a hosts line (`%-15s %s`, then ` alias`).
fn entry(words: &[&str]) -> String {
    let mut line = format!("{:<15} {}", words[0], words[1]);
    for alias in &words[2..] {
        line.push(' ');
        line.push_str(alias);
    }
    line
}

/// The first `/etc/hosts` line (an address and at least one name) that `pick` takes,
/// as getent prints it.
fn hosts_entry(cx: &Ctx<'_, Net>, ns: NsId, pick: impl Fn(&[&str]) -> bool) -> Option<String> {
    let hosts = cx.world.ns(ns).files.get("/etc/hosts")?;
    hosts.lines().find_map(|l| {
        let l = l.split('#').next().unwrap_or("");
        let words: Vec<&str> = l.split_whitespace().collect();
        (words.len() > 1 && pick(&words)).then(|| entry(&words))
    })
}

/// The `/etc/hosts` line naming `name`, of the wanted family (files comes before dns).
fn hosts_named(cx: &Ctx<'_, Net>, ns: NsId, name: &str, v6: bool) -> Option<String> {
    let name = name.trim_end_matches('.');
    hosts_entry(cx, ns, |w| {
        let family_ok = if v6 {
            w[0].contains(':')
        } else {
            w[0].parse::<Ipv4Addr>().is_ok()
        };
        family_ok && w[1..].iter().any(|n| n.eq_ignore_ascii_case(name))
    })
}
