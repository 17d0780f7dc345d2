//! `nslookup [-query=TYPE] NAME|ADDRESS [SERVER]`: asks the pod's nameserver (or SERVER) for NAME's addresses,
//! with the search list of `/etc/resolv.conf` (the stub resolver's order, `resolver.rs`).
//!
//! busybox's (musl images; seeds 000 and 003) prints `Server:` and `Address: IP:53`, then
//! `Name:` and `Address:`; bind-utils' (the other images, seed 001) `Address: IP#53`. A
//! name that does not resolve: `** server can't find NAME: NXDOMAIN` (or `NODATA`,
//! `SERVFAIL`), exit status 1; no answer at all: `;; connection timed out; no servers
//! could be reached`. With `-query=TYPE`, or for an address (its PTR), one query for the
//! name as given: `NAME\tservice = 0 100 80 TARGET` (SRV), `NAME\tname = TARGET` (PTR).

use std::fmt::Write as _;
use std::net::Ipv4Addr;

use super::print;
use super::resolver::{Failure, Flavor, Outcome, Resolver};
use crate::engine::{Ctx, Dur};
use crate::net::{Msg, Net, NsId};
use crate::trace::Stream;
use crate::wire::dns::{Message, RData, RType, Rcode};

pub struct Nslookup {
    name: String,
    server: Option<Ipv4Addr>,
    resolver: Option<Resolver>,
    /// `-query=TYPE`, or PTR for an address: one query for the name as given.
    qtype: Option<RType>,
    query: Option<super::dig::Query>,
}

impl Nslookup {
    pub fn parse(args: &[String]) -> Result<Nslookup, (String, i32)> {
        let words: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
        let mut qtype = None;
        for opt in args.iter().filter(|a| a.starts_with('-')) {
            let t = opt
                .strip_prefix("-query=")
                .or_else(|| opt.strip_prefix("-type="))
                .or_else(|| opt.strip_prefix("-q="))
                .and_then(RType::parse);
            match t {
                Some(t) => qtype = Some(t),
                None => {
                    return Err((
                        format!(
                            "nslookup: option {opt} is not simulated (-query=A|AAAA|SRV|PTR|CNAME|TXT|SOA|NS is)"
                        ),
                        1,
                    ));
                }
            }
        }
        let Some(name) = words.first() else {
            return Err(("Usage: nslookup [HOST] [SERVER]".into(), 1));
        };
        let server = match words.get(1) {
            Some(s) => Some(s.parse().map_err(|_| {
                (
                    format!("nslookup: the server must be an address here: {s}"),
                    1,
                )
            })?),
            None => None,
        };
        if name.parse::<Ipv4Addr>().is_err() && !super::resolver::valid_name(name) {
            return Err((format!("nslookup: '{name}' is not a legal name"), 1));
        }
        // An address is looked up backwards: its in-addr.arpa name, PTR.
        let (name, qtype) = match name.parse::<Ipv4Addr>() {
            Ok(ip) => (super::dig::reverse_name(ip), Some(RType::Ptr)),
            Err(_) => (name.to_string(), qtype),
        };
        Ok(Nslookup {
            name,
            server,
            resolver: None,
            qtype,
            query: None,
        })
    }

    pub fn handle(&mut self, msg: Msg, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        match msg {
            Msg::Start if self.qtype.is_some() => {
                let server = self
                    .server
                    .unwrap_or_else(|| super::dig::first_nameserver(cx, ns));
                let qtype = self.qtype.expect("checked");
                let mut q = super::dig::Query::new(server, &self.name, qtype, 2, Dur::from_secs(5));
                let started = q.start(cx, ns);
                self.query = Some(q);
                match started {
                    Ok(()) => None,
                    Err(e) => Some(self.typed(cx, ns, Err(e))),
                }
            }
            ref m @ (Msg::Udp { .. } | Msg::Timer(super::dig::TOKEN)) if self.query.is_some() => {
                let out = self.query.as_mut()?.on_msg(cx, ns, m)?;
                Some(self.typed(cx, ns, out))
            }
            Msg::Start => {
                if let Some(s) = self.server {
                    // `nslookup NAME SERVER`: that server instead of resolv.conf's.
                    let files = &mut cx.world.ns_mut(ns).files;
                    let conf = files.get("/etc/resolv.conf").cloned().unwrap_or_default();
                    let rest: String = conf
                        .lines()
                        .filter(|l| !l.trim_start().starts_with("nameserver"))
                        .map(|l| format!("{l}\n"))
                        .collect();
                    files.insert("/etc/resolv.conf".into(), format!("nameserver {s}\n{rest}"));
                    let (r, out) = Resolver::start(cx, ns, &self.name);
                    cx.world
                        .ns_mut(ns)
                        .files
                        .insert("/etc/resolv.conf".into(), conf);
                    self.resolver = Some(r);
                    return out.map(|o| self.report(cx, ns, o));
                }
                let (r, out) = Resolver::start(cx, ns, &self.name);
                self.resolver = Some(r);
                out.map(|o| self.report(cx, ns, o))
            }
            ref m @ (Msg::Udp { .. } | Msg::Timer(super::resolver::TOKEN)) => {
                let out = self.resolver.as_mut()?.on_msg(cx, ns, m)?;
                Some(self.report(cx, ns, out))
            }
            _ => None,
        }
    }

    /// The answer to `-query=TYPE` (or an address's PTR) in nslookup's words.
    fn typed(
        &mut self,
        cx: &mut Ctx<'_, Net>,
        ns: NsId,
        out: Result<Message, super::dig::Unanswered>,
    ) -> i32 {
        let busybox = Flavor::of_ns(cx.world.ns(ns)) == Flavor::Musl;
        let server = self
            .query
            .as_ref()
            .map(|q| q.server)
            .unwrap_or(Ipv4Addr::LOCALHOST);
        let mut text = header(busybox, server);
        let name = |n: &str| {
            if busybox {
                n.trim_end_matches('.').to_string()
            } else {
                n.to_string()
            }
        };
        let m = match out {
            Ok(m) => m,
            Err(_) => {
                print(
                    cx,
                    Stream::Stdout,
                    ";; connection timed out; no servers could be reached\n\n",
                );
                return 1;
            }
        };
        if m.answer.is_empty() {
            let why = match m.rcode {
                Rcode::NxDomain => "NXDOMAIN",
                Rcode::ServFail => "SERVFAIL",
                Rcode::Refused => "REFUSED",
                _ if busybox => "NODATA",
                _ => "No answer",
            };
            if why == "No answer" {
                let _ = writeln!(text, "*** Can't find {}: No answer\n", self.name);
            } else {
                let _ = writeln!(
                    text,
                    "** server can't find {}: {why}\n",
                    self.name.trim_end_matches('.')
                );
            }
            print(cx, Stream::Stdout, &text);
            return 1;
        }
        for r in &m.answer {
            let owner = name(&r.name);
            let line = match &r.data {
                RData::A(a) => format!("Name:\t{owner}\nAddress: {a}"),
                RData::Srv {
                    priority,
                    weight,
                    port,
                    target,
                } => {
                    format!(
                        "{owner}\tservice = {priority} {weight} {port} {}",
                        name(target)
                    )
                }
                RData::Ptr(t) => format!("{owner}\tname = {}", name(t)),
                RData::Cname(t) => format!("{owner}\tcanonical name = {}", name(t)),
                RData::Txt(t) => format!("{owner}\ttext = \"{t}\""),
                other => format!(
                    "{owner}\t{}",
                    super::dig::dig_record(&crate::wire::dns::Record {
                        name: String::new(),
                        ttl: 0,
                        data: other.clone()
                    })
                ),
            };
            let _ = writeln!(text, "{line}");
        }
        text.push('\n');
        print(cx, Stream::Stdout, &text);
        0
    }

    fn report(&mut self, cx: &mut Ctx<'_, Net>, ns: NsId, out: Outcome) -> i32 {
        let busybox = Flavor::of_ns(cx.world.ns(ns)) == Flavor::Musl;
        let server = self
            .server
            .or_else(|| self.resolver.as_ref().map(Resolver::server))
            .unwrap_or(Ipv4Addr::LOCALHOST);
        let mut text = header(busybox, server);
        match out {
            Ok((addrs, name)) => {
                // Through a CNAME: the alias line (bind's nslookup keeps the target's
                // trailing dot, busybox's drops it), then the addresses under the
                // canonical name.
                let aliases = self
                    .resolver
                    .as_ref()
                    .map(|r| r.aliases().to_vec())
                    .unwrap_or_default();
                for (owner, target) in &aliases {
                    let target = if busybox {
                        target.trim_end_matches('.')
                    } else {
                        target.as_str()
                    };
                    let _ = writeln!(
                        text,
                        "{}\tcanonical name = {target}",
                        owner.trim_end_matches('.')
                    );
                }
                let name = aliases
                    .last()
                    .map(|(_, t)| t.trim_end_matches('.').to_string())
                    .unwrap_or(name);
                for a in addrs {
                    let _ = writeln!(text, "Name:\t{name}\nAddress: {a}");
                }
                text.push('\n');
                print(cx, Stream::Stdout, &text);
                0
            }
            Err(Failure::NoServer | Failure::TryAgain) if !busybox => {
                print(
                    cx,
                    Stream::Stdout,
                    ";; connection timed out; no servers could be reached\n\n",
                );
                1
            }
            Err(f) => {
                let why = match f {
                    Failure::NotFound => "NXDOMAIN",
                    Failure::NoData => "NODATA",
                    Failure::TryAgain | Failure::NoServer => "SERVFAIL",
                    Failure::Fail => "REFUSED",
                };
                let _ = writeln!(text, "** server can't find {}: {why}\n", self.name);
                print(cx, Stream::Stdout, &text);
                1
            }
        }
    }
}

/// The server lines every answer starts with: busybox's `Address: IP:53`, bind's
/// `Address: IP#53`.
fn header(busybox: bool, server: Ipv4Addr) -> String {
    let sep = if busybox { ':' } else { '#' };
    format!("Server:\t\t{server}\nAddress:\t{server}{sep}53\n\n")
}
