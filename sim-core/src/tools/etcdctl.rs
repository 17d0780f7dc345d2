//! `etcdctl` with the v2 API (etcd 3.2/3.3's etcdctl, where ETCDCTL_API defaults to 2, as in
//! seed 004), following `etcdctl/ctlv2/command/*.go` (notes in docs/cli.md).
//!
//! Commands: `ls [-r] [--sort] [-p] [KEY]`, `get KEY`, `set KEY VALUE [--ttl N]`,
//! `mk KEY VALUE [--ttl N]`, `mkdir KEY`, `rm [--dir] [-r] KEY`, `rmdir KEY`,
//! `watch [-r] KEY`. Global flags: `--endpoints`/`--peers`/`-C` URLs (default
//! `http://127.0.0.1:2379,http://127.0.0.1:4001`), `--no-sync`; TLS flags are accepted and
//! ignored. Errors: `Error:  100: Key not found (/x) [N]` on stderr, exit 4; connection
//! failures print the client's ClusterError and exit 2 (all refused) or 4.

use std::net::Ipv4Addr;

use rand::seq::SliceRandom;

use crate::engine::{CancelKey, Ctx, Dur};
use crate::net::{Msg, Net, NsId, control};
use crate::trace::Stream;
use crate::wire::etcd::{Request, Response, V3Request, V3Response};

use super::print;

/// etcdctl's `--timeout` default: the per-request header timeout.
const HEADER_TIMEOUT: Dur = Dur::from_secs(2);
const TIMEOUT: u64 = 1;
const REFUSED: u64 = 2;

pub struct Etcdctl {
    req: Request,
    cmd: Cmd,
    endpoints: Vec<String>,
    next: usize,
    errors: Vec<(String, bool)>,
    request_id: u64,
    timer: Option<CancelKey>,
    /// v3 `lease timetolive --keys`.
    v3_keys: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Cmd {
    Ls {
        p: bool,
    },
    Other,
    Watch {
        recursive: bool,
    },
    /// A v3 command; `keys_only` for `get --keys-only`.
    V3 {
        keys_only: bool,
    },
}

impl Etcdctl {
    /// Parses etcdctl's arguments (after `etcdctl`). Errors are (stderr text, status).
    pub fn parse(args: &[String], env: &[(String, String)]) -> Result<Etcdctl, (String, i32)> {
        if env.iter().any(|(k, v)| k == "ETCDCTL_API" && v == "3") {
            return parse_v3(args);
        }
        let mut endpoints = vec![
            "http://127.0.0.1:2379".to_string(),
            "http://127.0.0.1:4001".to_string(),
        ];
        let mut words = Vec::new();
        let mut flags: Vec<(String, Option<String>)> = Vec::new();
        let takes_value = [
            "endpoints",
            "endpoint",
            "peers",
            "C",
            "ca-file",
            "cert-file",
            "key-file",
            "username",
            "u",
            "timeout",
            "total-timeout",
            "discovery-srv",
            "D",
            "output",
            "o",
            "ttl",
            "after-index",
        ];
        let mut it = args.iter();
        while let Some(a) = it.next() {
            let Some(flag) = a
                .strip_prefix("--")
                .or_else(|| a.strip_prefix('-'))
                .filter(|f| !f.is_empty() && a.len() > 1)
            else {
                words.push(a.clone());
                continue;
            };
            let (name, inline) = match flag.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (flag.to_string(), None),
            };
            let value = if takes_value.contains(&name.as_str()) {
                match inline.or_else(|| it.next().cloned()) {
                    Some(v) => Some(v),
                    None => {
                        return Err((
                            format!("Incorrect Usage: flag needs an argument: -{name}"),
                            1,
                        ));
                    }
                }
            } else {
                inline
            };
            flags.push((name, value));
        }
        let flag = |n: &[&str]| flags.iter().any(|(f, _)| n.contains(&f.as_str()));
        let value_of = |n: &[&str]| {
            flags
                .iter()
                .rev()
                .find(|(f, _)| n.contains(&f.as_str()))
                .and_then(|(_, v)| v.clone())
        };
        if let Some(list) = value_of(&["endpoints", "endpoint", "peers", "C"]) {
            endpoints = list.split(',').map(str::to_string).collect();
        }
        if let Some(o) = value_of(&["output", "o"]).filter(|o| o != "simple") {
            return Err((
                format!("etcdctl: -o {o} is not simulated yet (simple is)"),
                1,
            ));
        }
        let Some((command, rest)) = words.split_first() else {
            return Err((
                "etcdctl: a command is required: ls, get, set, mk, mkdir, rm, rmdir, watch".into(),
                1,
            ));
        };
        let key = rest.first().cloned();
        let need_key = || {
            key.clone()
                .ok_or_else(|| ("Error:  key required".to_string(), 1))
        };
        let ttl = match value_of(&["ttl"]) {
            None => None,
            // An IntFlag: Go's `flag` package reads it with ParseInt(s, 0, 64). The client
            // sends a TTL only when it is positive (`SetOptions.TTL > 0`).
            Some(t) => match super::num::go_parse_int(&t, true) {
                Ok(t) if t > 0 => Some(t as u64),
                Ok(_) => None,
                Err(e) => {
                    let why = match e {
                        super::num::GoIntError::Syntax => "parse error",
                        super::num::GoIntError::Range => "value out of range",
                    };
                    return Err((format!("invalid value \"{t}\" for flag -ttl: {why}"), 1));
                }
            },
        };
        let recursive = flag(&["recursive", "r"]);
        let (req, cmd) = match command.as_str() {
            "ls" => (
                Request::List {
                    key: key.clone().unwrap_or_else(|| "/".into()),
                    recursive,
                },
                Cmd::Ls { p: flag(&["p"]) },
            ),
            "get" => (Request::Get { key: need_key()? }, Cmd::Other),
            "set" | "mk" => {
                let key = need_key()?;
                let value = rest
                    .get(1)
                    .cloned()
                    .ok_or_else(|| ("Error:  value required".to_string(), 1))?;
                (
                    Request::Set {
                        key,
                        value,
                        ttl,
                        create_only: command == "mk",
                    },
                    Cmd::Other,
                )
            }
            "mkdir" => (Request::Mkdir { key: need_key()? }, Cmd::Other),
            "rm" => (
                Request::Delete {
                    key: need_key()?,
                    dir: flag(&["dir"]),
                    recursive,
                },
                Cmd::Other,
            ),
            "rmdir" => (
                Request::Delete {
                    key: need_key()?,
                    dir: true,
                    recursive: false,
                },
                Cmd::Other,
            ),
            "watch" => (
                Request::Watch {
                    after: None,
                    key: need_key()?,
                    recursive,
                },
                Cmd::Watch { recursive },
            ),
            other => {
                return Err((
                    format!(
                        "etcdctl: `{other}` is not simulated yet (ls, get, set, mk, mkdir, rm, rmdir, watch are)"
                    ),
                    1,
                ));
            }
        };
        Ok(Etcdctl::new(req, cmd, endpoints))
    }

    fn new(req: Request, cmd: Cmd, endpoints: Vec<String>) -> Etcdctl {
        Etcdctl {
            req,
            cmd,
            endpoints,
            next: 0,
            errors: Vec::new(),
            request_id: 0,
            timer: None,
            v3_keys: false,
        }
    }

    /// Handles one message; returns the exit status when done.
    pub fn handle(&mut self, msg: Msg, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        match msg {
            Msg::Start => {
                // The client shuffles its endpoints (EndpointSelectionRandom).
                let mut eps = std::mem::take(&mut self.endpoints);
                eps.shuffle(cx.rng());
                self.endpoints = eps;
                self.try_next(ns, cx)
            }
            Msg::Timer(TIMEOUT) => {
                let ep = self.endpoints[self.next - 1].clone();
                self.errors.push((
                    format!("client: endpoint {ep} exceeded header timeout"),
                    false,
                ));
                self.try_next(ns, cx)
            }
            Msg::Timer(REFUSED) => {
                let ep = self.endpoints[self.next - 1].clone();
                let hostport = ep
                    .trim_start_matches("http://")
                    .trim_start_matches("https://")
                    .to_string();
                self.errors.push((
                    format!("dial tcp {hostport}: getsockopt: connection refused"),
                    true,
                ));
                self.try_next(ns, cx)
            }
            Msg::EtcdResponse { id, resp } if id == self.request_id => {
                if let Some(t) = self.timer.take() {
                    cx.cancel(t);
                }
                self.show(*resp, ns, cx)
            }
            _ => None,
        }
    }

    /// Tries the next endpoint, or reports every failure when none is left.
    fn try_next(&mut self, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        let Some(ep) = self.endpoints.get(self.next).cloned() else {
            return Some(self.cluster_error(cx));
        };
        self.next += 1;
        let hostport = ep
            .trim_start_matches("http://")
            .trim_start_matches("https://");
        let (host, port) = hostport.rsplit_once(':').unwrap_or((hostport, "2379"));
        let (Ok(ip), Ok(port)) = (host.parse::<Ipv4Addr>(), port.parse::<u16>()) else {
            self.errors
                .push((format!("dial tcp: lookup {host}: no such host"), true));
            return self.try_next(ns, cx);
        };
        let target = if ip.is_loopback() {
            Some(ns)
        } else {
            (0..cx.world.netns.len())
                .map(|i| NsId(i as u32))
                .find(|n| cx.world.ns(*n).is_local(ip))
        };
        let etcd = cx.lookup("etcd");
        let Some(target) = target else {
            self.timer = Some(cx.schedule_cancellable(HEADER_TIMEOUT, Msg::Timer(TIMEOUT)));
            return None;
        };
        let listening = port == 2379 && etcd.is_some() && cx.world.etcd_ns == Some(target);
        if listening {
            self.request_id += 1;
            let me = cx.me();
            let msg = Msg::EtcdRequest {
                from: me,
                id: self.request_id,
                req: Box::new(self.req.clone()),
            };
            let sent = control::send(cx, ns, target, etcd.expect("checked"), msg);
            if !matches!(self.cmd, Cmd::Watch { .. }) || !sent {
                self.timer = Some(cx.schedule_cancellable(HEADER_TIMEOUT, Msg::Timer(TIMEOUT)));
            }
            return None;
        }
        // Nothing listens there: the SYN is answered by a RST after a round trip, if the
        // machine can be reached at all.
        match round_trip(cx, ns, target) {
            Some(rtt) => {
                cx.schedule(rtt, Msg::Timer(REFUSED));
            }
            None => {
                self.timer = Some(cx.schedule_cancellable(HEADER_TIMEOUT, Msg::Timer(TIMEOUT)));
            }
        }
        None
    }

    /// client.ClusterError as etcdctl's handleError prints it: exit 2 when every failure was
    /// a connection error (the startup sync's ExitBadConnection), else 4.
    fn cluster_error(&mut self, cx: &mut Ctx<'_, Net>) -> i32 {
        if matches!(self.cmd, Cmd::V3 { .. }) {
            // etcdctl v3 (3.3) gives up on the dial with gRPC's deadline.
            print(cx, Stream::Stderr, "Error: context deadline exceeded\n");
            return 1;
        }
        let mut text = "Error:  client: etcd cluster is unavailable or misconfigured".to_string();
        for (i, (e, _)) in self.errors.iter().enumerate() {
            text.push_str(&format!("; error #{i}: {e}\n"));
        }
        text.push('\n');
        for (i, (e, _)) in self.errors.iter().enumerate() {
            text.push_str(&format!("error #{i}: {e}\n"));
        }
        text.push('\n');
        print(cx, Stream::Stderr, &text);
        if self.errors.iter().all(|(_, conn)| *conn) {
            2
        } else {
            4
        }
    }

    fn show(&mut self, resp: Response, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        let out = |cx: &mut Ctx<'_, Net>, s: String| print(cx, Stream::Stdout, &s);
        match resp {
            Response::V3(r) => return Some(self.show_v3(r, cx)),
            Response::Error {
                code,
                message,
                cause,
                index,
            } => {
                let line = format!("Error:  {code}: {message} ({cause}) [{index}]\n");
                print(cx, Stream::Stderr, &line);
                return Some(4);
            }
            Response::Value { value, .. } => out(cx, format!("{value}\n")),
            Response::Dir { key } => {
                print(cx, Stream::Stderr, &format!("{key}: is a directory\n"));
                return Some(1);
            }
            Response::Keys { keys, .. } => {
                let p = matches!(self.cmd, Cmd::Ls { p: true });
                let text: String = keys
                    .iter()
                    .map(|(k, dir)| {
                        if *dir && p {
                            format!("{k}/\n")
                        } else {
                            format!("{k}\n")
                        }
                    })
                    .collect();
                out(cx, text);
            }
            Response::Deleted { prev } => {
                if let Some(prev) = prev {
                    out(cx, format!("PrevNode.Value: {prev}\n"));
                }
            }
            Response::Done | Response::Values { .. } => {}
            Response::Event {
                action,
                key,
                dir,
                value,
                prev,
                ..
            } => {
                if dir {
                    // etcdctl skips directory events and keeps waiting.
                    self.next -= 1;
                    return self.try_next(ns, cx);
                }
                if let Cmd::Watch { recursive: true } = self.cmd {
                    out(cx, format!("[{action}] {key}\n"));
                }
                let line = if action == "delete" {
                    format!("PrevNode.Value: {}\n", prev.unwrap_or_default())
                } else {
                    format!("{}\n", value.unwrap_or_default())
                };
                out(cx, line);
            }
        }
        Some(0)
    }
}

/// etcdctl v3's commands (ETCDCTL_API=3, etcd 3.3): `put KEY VALUE [--lease=ID]`,
/// `get KEY [--prefix] [--keys-only]`, `del KEY [--prefix]`, `lease grant TTL`,
/// `lease revoke ID`, `lease keep-alive --once ID`, `lease timetolive ID [--keys]`,
/// `lease list`. Lease ids are hexadecimal, as etcdctl prints them.
fn parse_v3(args: &[String]) -> Result<Etcdctl, (String, i32)> {
    let mut endpoints = vec!["http://127.0.0.1:2379".to_string()];
    let mut words: Vec<String> = Vec::new();
    let (mut prefix, mut keys_only, mut with_keys, mut lease) = (false, false, false, None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (a.as_str(), None),
        };
        match name {
            "--prefix" => prefix = true,
            "--keys-only" => keys_only = true,
            "--keys" => with_keys = true,
            "--write-out" | "-w" => {
                return Err((
                    "etcdctl: -w is not simulated yet (simple output is)".into(),
                    1,
                ));
            }
            "--once" => {}
            "--lease" => lease = inline.or_else(|| it.next().cloned()),
            "--endpoints" => {
                if let Some(list) = inline.or_else(|| it.next().cloned()) {
                    endpoints = list
                        .split(',')
                        .map(|e| {
                            if e.contains("://") {
                                e.to_string()
                            } else {
                                format!("http://{e}")
                            }
                        })
                        .collect();
                }
            }
            "--cacert" | "--cert" | "--key" => {
                if inline.is_none() {
                    it.next();
                }
            }
            // pflag's words: a long flag by name, a short one by its letter.
            n if n.starts_with("--") => {
                return Err((format!("Error: unknown flag: {n}"), 1));
            }
            n if n.len() > 1 && n.starts_with('-') => {
                let c = n[1..].chars().next().unwrap_or('-');
                return Err((format!("Error: unknown shorthand flag: '{c}' in {n}"), 1));
            }
            _ => words.push(a.clone()),
        }
    }
    let id = |w: Option<&String>| -> Result<i64, (String, i32)> {
        let w = w.ok_or_else(|| ("Error: lease ID is required".to_string(), 1))?;
        i64::from_str_radix(w, 16).map_err(|_| (format!("Error: bad lease ID arg ({w})"), 1))
    };
    let words: Vec<&String> = words.iter().collect();
    let req = match words.as_slice() {
        [c, k, v] if c.as_str() == "put" => V3Request::Put {
            key: (*k).clone(),
            value: (*v).clone(),
            lease: match &lease {
                Some(l) => Some(id(Some(l))?),
                None => None,
            },
        },
        [c, k] if c.as_str() == "get" => V3Request::Range {
            key: (*k).clone(),
            prefix,
        },
        [c, k] if c.as_str() == "del" => V3Request::DeleteRange {
            key: (*k).clone(),
            prefix,
        },
        [c, s, t] if c.as_str() == "lease" && s.as_str() == "grant" => V3Request::LeaseGrant {
            // ParseInt(args[0], 10, 64); a failure exits ExitBadArgs (128).
            ttl: super::num::go_parse_int(t, false).map_err(|e| {
                (
                    format!(
                        "Error: bad TTL (strconv.ParseInt: parsing \"{t}\": {})",
                        e.text()
                    ),
                    128,
                )
            })?,
        },
        [c, s, rest @ ..] if c.as_str() == "lease" && s.as_str() == "revoke" => {
            V3Request::LeaseRevoke {
                id: id(rest.first().copied())?,
            }
        }
        [c, s, rest @ ..] if c.as_str() == "lease" && s.as_str() == "keep-alive" => {
            V3Request::LeaseKeepAlive {
                id: id(rest.first().copied())?,
            }
        }
        [c, s, rest @ ..] if c.as_str() == "lease" && s.as_str() == "timetolive" => {
            V3Request::LeaseTimeToLive {
                id: id(rest.first().copied())?,
            }
        }
        [c, s] if c.as_str() == "lease" && s.as_str() == "list" => V3Request::LeaseList,
        _ => {
            return Err((
                "etcdctl (v3): simulated: put KEY VALUE [--lease=ID], get KEY [--prefix] [--keys-only], del KEY [--prefix], lease grant|revoke|keep-alive --once|timetolive [--keys]|list".into(),
                1,
            ));
        }
    };
    let mut e = Etcdctl::new(Request::V3(req), Cmd::V3 { keys_only }, endpoints);
    e.v3_keys = with_keys;
    Ok(e)
}

impl Etcdctl {
    fn show_v3(&self, r: V3Response, cx: &mut Ctx<'_, Net>) -> i32 {
        let out = |cx: &mut Ctx<'_, Net>, s: String| print(cx, Stream::Stdout, &s);
        match r {
            V3Response::Put => out(cx, "OK\n".into()),
            V3Response::Kvs { kvs } => {
                let keys_only = matches!(self.cmd, Cmd::V3 { keys_only: true });
                let mut s = String::new();
                for (k, v) in kvs {
                    if keys_only {
                        s.push_str(&format!("{k}\n\n"));
                    } else {
                        s.push_str(&format!("{k}\n{v}\n"));
                    }
                }
                out(cx, s);
            }
            V3Response::Deleted { count } => match &self.req {
                Request::V3(V3Request::LeaseRevoke { id }) => {
                    out(cx, format!("lease {id:x} revoked\n"))
                }
                _ => out(cx, format!("{count}\n")),
            },
            V3Response::Lease {
                id,
                granted,
                ttl,
                keys,
            } => {
                let line = match &self.req {
                    Request::V3(V3Request::LeaseGrant { .. }) => {
                        format!("lease {id:x} granted with TTL({granted}s)\n")
                    }
                    Request::V3(V3Request::LeaseKeepAlive { .. }) => {
                        format!("lease {id:x} keepalived with TTL({granted})\n")
                    }
                    _ if ttl < 0 => format!("lease {id:x} already expired\n"),
                    _ if self.v3_keys => format!(
                        "lease {id:x} granted with TTL({granted}s), remaining({ttl}s), attached keys([{}])\n",
                        keys.join(" ")
                    ),
                    _ => format!("lease {id:x} granted with TTL({granted}s), remaining({ttl}s)\n"),
                };
                out(cx, line);
            }
            V3Response::Leases { ids } => {
                let mut s = format!("found {} leases\n", ids.len());
                for id in ids {
                    s.push_str(&format!("{id:x}\n"));
                }
                out(cx, s);
            }
            V3Response::Error { message } => {
                print(cx, Stream::Stderr, &format!("Error: {message}\n"));
                return 1;
            }
        }
        0
    }
}

/// Twice the path latency between two machines, or `None` when no up path joins them.
fn round_trip(cx: &mut Ctx<'_, Net>, from: NsId, to: NsId) -> Option<Dur> {
    control::latency(cx, from, to).map(|d| d + d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(s: &[&str]) -> Vec<String> {
        s.iter().map(|a| a.to_string()).collect()
    }

    /// v2 `--ttl` is an int flag (Go's `ParseInt(s, 0, 64)`); the client sends a TTL only
    /// when it is positive. v3 `lease grant TTL` is `ParseInt(s, 10, 64)`, exit 128.
    #[test]
    fn ttls_at_their_edges_are_read_as_etcdctl_does() {
        let ttl = |v: &str| {
            Etcdctl::parse(&argv(&["set", "/k", "v", "--ttl", v]), &[]).map(|e| match e.req {
                Request::Set { ttl, .. } => ttl,
                _ => unreachable!("a set"),
            })
        };
        assert_eq!(ttl("5"), Ok(Some(5)));
        assert_eq!(ttl("0x10"), Ok(Some(16)));
        assert_eq!(ttl("0"), Ok(None));
        assert_eq!(ttl("-5"), Ok(None));
        assert_eq!(ttl("9223372036854775807"), Ok(Some(i64::MAX as u64)));
        for bad in ["nan", "inf", "1e-10", "1e12", "1.5", "abc", ""] {
            assert_eq!(
                ttl(bad),
                Err((
                    format!("invalid value \"{bad}\" for flag -ttl: parse error"),
                    1
                )),
                "{bad:?}"
            );
        }
        assert_eq!(
            ttl("18446744073709551616").unwrap_err().0,
            "invalid value \"18446744073709551616\" for flag -ttl: value out of range"
        );

        let env = [("ETCDCTL_API".to_string(), "3".to_string())];
        let grant = |v: &str| {
            Etcdctl::parse(&argv(&["lease", "grant", v]), &env).map(|e| match e.req {
                Request::V3(V3Request::LeaseGrant { ttl }) => ttl,
                _ => unreachable!("a grant"),
            })
        };
        assert_eq!(grant("60"), Ok(60));
        assert_eq!(grant("0"), Ok(0), "the server raises it to its minimum");
        // cobra reads a negative number as a flag.
        assert_eq!(
            grant("-5"),
            Err(("Error: unknown shorthand flag: '5' in -5".into(), 1))
        );
        assert_eq!(
            grant("abc"),
            Err((
                "Error: bad TTL (strconv.ParseInt: parsing \"abc\": invalid syntax)".into(),
                128
            ))
        );
        assert_eq!(
            grant("18446744073709551616").unwrap_err().0,
            "Error: bad TTL (strconv.ParseInt: parsing \"18446744073709551616\": value out of range)"
        );
        for bad in ["nan", "inf", "1e-10", "1e12", "0x10", " 5"] {
            assert_eq!(grant(bad).unwrap_err().1, 128, "{bad:?}");
        }
    }
}
