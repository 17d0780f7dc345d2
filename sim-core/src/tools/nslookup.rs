//! `nslookup NAME [SERVER]`: asks the pod's nameserver (or SERVER) for NAME's addresses,
//! with the search list of `/etc/resolv.conf` (the stub resolver's order, `resolver.rs`).
//!
//! busybox's (musl images; seeds 000 and 003) prints `Server:` and `Address: IP:53`, then
//! `Name:` and `Address:`; bind-utils' (the other images, seed 001) `Address: IP#53`. A
//! name that does not resolve: `** server can't find NAME: NXDOMAIN` (or `NODATA`,
//! `SERVFAIL`), exit status 1; no answer at all: `;; connection timed out; no servers
//! could be reached`.

use std::fmt::Write as _;
use std::net::Ipv4Addr;

use super::print;
use super::resolver::{Failure, Flavor, Outcome, Resolver};
use crate::engine::Ctx;
use crate::net::{Msg, Net, NsId};
use crate::trace::Stream;

pub struct Nslookup {
    name: String,
    server: Option<Ipv4Addr>,
    resolver: Option<Resolver>,
}

impl Nslookup {
    pub fn parse(args: &[String]) -> Result<Nslookup, (String, i32)> {
        let words: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
        if let Some(opt) = args.iter().find(|a| a.starts_with('-')) {
            return Err((
                format!("nslookup: option {opt} is not simulated yet (nslookup NAME [SERVER] is)"),
                1,
            ));
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
        Ok(Nslookup {
            name: name.to_string(),
            server,
            resolver: None,
        })
    }

    pub fn handle(&mut self, msg: Msg, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        match msg {
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

    fn report(&mut self, cx: &mut Ctx<'_, Net>, ns: NsId, out: Outcome) -> i32 {
        let netns = cx.world.ns(ns);
        let busybox =
            netns.label.starts_with("pod/") && Flavor::of(netns.image.as_deref()) == Flavor::Musl;
        let server = self
            .server
            .or_else(|| self.resolver.as_ref().map(Resolver::server))
            .unwrap_or(Ipv4Addr::LOCALHOST);
        let mut text = String::new();
        let _ = writeln!(text, "Server:\t\t{server}");
        if busybox {
            let _ = writeln!(text, "Address:\t{server}:53\n");
        } else {
            let _ = writeln!(text, "Address:\t{server}#53\n");
        }
        match out {
            Ok((addrs, name)) => {
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
                };
                let _ = writeln!(text, "** server can't find {}: {why}\n", self.name);
                print(cx, Stream::Stdout, &text);
                1
            }
        }
    }
}
