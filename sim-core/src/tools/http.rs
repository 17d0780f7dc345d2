//! A small web server and the clients a learner types: busybox `httpd`, `curl` and busybox
//! `wget`, over the kernel's TCP.
//!
//! - `httpd [-f] [-p PORT]` (busybox) serves one page at `/`: `<h1>NAME</h1>` with the
//!   machine's name, so a learner sees which pod answered; any other path is 404.
//! - `python3 /usr/local/bin/demo.py`: ikubernetes/demoapp v1.0 (seed 001) on port 80,
//!   answering `iKubernetes demoapp v1.0 !! ClientIP: ..., ServerName: ..., ServerIP: ...!`.
//! - `curl [-s] [-m SECS] http://HOST[:PORT]/PATH` prints the body; on failure, as curl 7.29
//!   (CentOS 7) prints it: `curl: (7) Failed connect to HOST:PORT; Connection refused`
//!   (exit 7), and with `-m` a timeout `curl: (28) Connection timed out after N
//!   milliseconds` (exit 28). `-s` hides the error line, as curl does.
//! - `wget [-q] [-O -] http://HOST[:PORT]/PATH` (busybox) prints `Connecting to HOST
//!   (HOST:PORT)`, the body (with `-O -`), and on failure `wget: can't connect to remote
//!   host (HOST): Connection refused` (exit 1).
//!
//! A host name is resolved first, through the C library's resolver (`resolver.rs`):
//! `curl: (6) Could not resolve host: NAME` (exit 6) or `wget: bad address 'NAME'` when
//! it does not.

use std::net::Ipv4Addr;

use crate::engine::{CancelKey, Ctx, Dur};
use crate::net::tcp::{self, SockKey, TcpError, TcpEvent};
use crate::net::{Msg, Net, NsId};
use crate::trace::Stream;
use crate::wire::tcp::Message;

use super::print;

const T_TIMEOUT: u64 = 1;

pub struct Httpd {
    port: u16,
    /// ikubernetes/demoapp (seed 001): every path answers with the client's address, the
    /// pod's hostname and its own address.
    demoapp: bool,
}

impl Httpd {
    pub fn parse(args: &[String]) -> Result<Httpd, (String, i32)> {
        let mut port = 80;
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "-f" => {}
                // `-p [IP:]PORT`, read by `bb_lookup_port(port, "tcp", 80)`: digits up to
                // 65535, else a service name, and a name the services database does not
                // know is the default port, 80.
                "-p" => {
                    let v = it
                        .next()
                        .ok_or(("httpd: option requires an argument -- 'p'".to_string(), 1))?;
                    let p = v.rsplit(':').next().unwrap_or_default();
                    port = p
                        .bytes()
                        .all(|b| b.is_ascii_digit())
                        .then(|| p.parse::<u16>().ok())
                        .flatten()
                        .unwrap_or(80);
                }
                other => {
                    return Err((
                        format!("httpd: option {other} is not simulated (-f, -p PORT are)"),
                        1,
                    ));
                }
            }
        }
        Ok(Httpd {
            port,
            demoapp: false,
        })
    }

    /// ikubernetes/demoapp's server (`python3 /usr/local/bin/demo.py`, port 80). Its version
    /// is its image's tag: `:v1.1` answers `iKubernetes demoapp v1.1`, so a rolling update
    /// shows which pods answer.
    pub fn demoapp() -> Httpd {
        Httpd {
            port: 80,
            demoapp: true,
        }
    }

    pub fn handle(&mut self, msg: Msg, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        match msg {
            Msg::Start => {
                let me = cx.me();
                tcp::listen(cx, ns, self.port, me);
            }
            Msg::Tcp(TcpEvent::Data { key, msgs }) => {
                for m in msgs {
                    if let Message::HttpRequest { path, .. } = m {
                        let netns = cx.world.ns(ns);
                        let name = match netns.files.get("/etc/hostname") {
                            Some(h) => h.trim().to_string(),
                            None => netns.name.clone(),
                        };
                        let reply = if self.demoapp {
                            let version = demoapp_version(netns.image.as_deref());
                            // demo.py's routes (a Flask app): the banner, its health
                            // endpoints, and Werkzeug's 404 page for any other path.
                            // Werkzeug routes on the path without its query string.
                            let route = path.split_once('?').map_or(path.as_str(), |(p, _)| p);
                            let (status, reason, body) = match route {
                                "/" => (200, "OK", format!(
                                    "iKubernetes demoapp {version} !! ClientIP: {}, ServerName: {name}, ServerIP: {}!\n",
                                    key.2, key.0
                                )),
                                "/hostname" => (200, "OK", format!("ServerName: {name}\n")),
                                "/livez" | "/readyz" => (200, "OK", "OK".to_string()),
                                _ => (404, "NOT FOUND", "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 3.2 Final//EN\">\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n".to_string()),
                            };
                            Message::HttpResponse {
                                status,
                                reason: reason.into(),
                                body,
                            }
                        } else if path == "/" || path == "/index.html" {
                            Message::HttpResponse {
                                status: 200,
                                reason: "OK".into(),
                                body: format!("<h1>{name}</h1>\n"),
                            }
                        } else {
                            Message::HttpResponse {
                                status: 404,
                                reason: "Not Found".into(),
                                body: "<HTML><HEAD><TITLE>404 Not Found</TITLE></HEAD>\n<BODY><H1>404 Not Found</H1>\nThe requested URL was not found\n</BODY></HTML>\n".into(),
                            }
                        };
                        tcp::send(cx, ns, key, vec![reply]);
                        // busybox httpd answers one request per connection, then closes.
                        tcp::close(cx, ns, key);
                    }
                }
            }
            Msg::Tcp(TcpEvent::Eof { key }) => tcp::close(cx, ns, key),
            _ => {}
        }
        None
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Flavor {
    Curl,
    Wget,
}

pub struct Client {
    flavor: Flavor,
    /// The URL's host as written, and its address once resolved.
    name: String,
    host: Ipv4Addr,
    resolver: Option<super::resolver::Resolver>,
    port: u16,
    path: String,
    quiet: bool,
    /// curl's `-S`: errors are printed even with `-s`.
    show_error: bool,
    /// wget: `-O -` (to stdout); otherwise busybox would save `index.html`.
    to_stdout: bool,
    timeout: Option<Dur>,
    timer: Option<CancelKey>,
    sock: Option<SockKey>,
    done: bool,
}

/// The line curl 7.29's `helpf` adds after an option error.
const CURL_TRY: &str = "curl: try 'curl --help' or 'curl --manual' for more information";

/// curl 7.29's `-m SECS` (`str2unum`, tool_paramhlp.c): a whole number of seconds as
/// `strtol` reads it (leading blanks and `+` allowed, nothing after the digits; decimals
/// came with 7.32), not starting with `-`. An error is curl's `option -m: ...` with its
/// help line, exit 2 (CURLE_FAILED_INIT). `0` is no timeout, as libcurl takes it. A value
/// past the simulated clock's range (about 584 years) waits forever; curl 7.29 multiplies
/// it by 1000 in a `long` and gets no sensible timeout either.
fn curl_secs(opt: &str, v: Option<&String>) -> Result<Option<Dur>, (String, i32)> {
    let err = |what: &str| (format!("curl: option {opt}: {what}\n{CURL_TRY}"), 2);
    let Some(v) = v else {
        return Err(err("requires parameter"));
    };
    if v.starts_with('-') {
        return Err(err("expected a positive numerical parameter"));
    }
    let n = super::num::strtol(v);
    if !n.whole(v) {
        return Err(err("expected a proper numerical parameter"));
    }
    // strtol clamps an overflow to LONG_MAX, which str2num does not check.
    Ok((n.value > 0).then(|| Dur::from_secs(n.value as u64)))
}

/// `http://HOST[:PORT][/PATH]` -> (host, port, path).
fn parse_url(url: &str) -> Option<(String, u16, String)> {
    let rest = url.strip_prefix("http://").unwrap_or(url);
    let (hostport, path) = match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].to_string()),
        None => (rest, "/".to_string()),
    };
    let (host, port) = match hostport.split_once(':') {
        Some((h, p)) => (h, p.parse().ok()?),
        None => (hostport, 80),
    };
    if host.is_empty() {
        return None;
    }
    Some((host.to_string(), port, path))
}

impl Client {
    pub fn parse(curl: bool, args: &[String]) -> Result<Client, (String, i32)> {
        let flavor = if curl { Flavor::Curl } else { Flavor::Wget };
        let (mut quiet, mut to_stdout, mut timeout, mut url) = (false, false, None, None);
        let mut show_error = false;
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match (flavor, a.as_str()) {
                (Flavor::Curl, "-s" | "--silent") | (Flavor::Wget, "-q") => quiet = true,
                (Flavor::Curl, "-S" | "--show-error") => show_error = true,
                (Flavor::Curl, "-sS" | "-Ss") => (quiet, show_error) = (true, true),
                (Flavor::Curl, opt @ ("-m" | "--max-time")) => {
                    timeout = curl_secs(opt, it.next())?;
                }
                (Flavor::Wget, "-O") => {
                    to_stdout = it.next().map(String::as_str) == Some("-");
                }
                (Flavor::Wget, "-O-") => to_stdout = true,
                (Flavor::Wget, "-qO-") => (quiet, to_stdout) = (true, true),
                (_, u) if !u.starts_with('-') && url.is_none() => url = Some(u.to_string()),
                (Flavor::Curl, o) => {
                    return Err((
                        format!("curl: option {o}: is not simulated (-s, -S, -m are)"),
                        2,
                    ));
                }
                (Flavor::Wget, o) => {
                    return Err((
                        format!("wget: option {o} is not simulated (-q, -O -, -qO- are)"),
                        1,
                    ));
                }
            }
        }
        let Some(url) = url else {
            return Err(match flavor {
                Flavor::Curl => (format!("curl: no URL specified!\n{CURL_TRY}"), 2),
                Flavor::Wget => (
                    "BusyBox v1.28.4 multi-call binary.\n\nUsage: wget [-q] [-O FILE] URL".into(),
                    1,
                ),
            });
        };
        let Some((name, port, path)) = parse_url(&url) else {
            return Err(match flavor {
                Flavor::Curl => (
                    format!("curl: (3) URL using bad/illegal format or missing URL: {url}"),
                    3,
                ),
                Flavor::Wget => (format!("wget: bad address '{url}'"), 1),
            });
        };
        Ok(Client {
            flavor,
            name,
            host: Ipv4Addr::UNSPECIFIED,
            resolver: None,
            port,
            path,
            quiet,
            show_error,
            to_stdout: to_stdout || flavor == Flavor::Curl,
            timeout,
            timer: None,
            sock: None,
            done: false,
        })
    }

    /// The lookup is over: connect, or say the host could not be resolved as the tool does.
    fn resolved(
        &mut self,
        cx: &mut Ctx<'_, Net>,
        ns: NsId,
        out: super::resolver::Outcome,
    ) -> Option<i32> {
        let addr = match out {
            Ok((addrs, _)) => addrs[0],
            Err(_) => {
                return match self.flavor {
                    Flavor::Curl => {
                        if !self.quiet || self.show_error {
                            print(
                                cx,
                                Stream::Stderr,
                                &format!("curl: (6) Could not resolve host: {}\n", self.name),
                            );
                        }
                        Some(6)
                    }
                    Flavor::Wget => {
                        print(
                            cx,
                            Stream::Stderr,
                            &format!("wget: bad address '{}'\n", self.name),
                        );
                        Some(1)
                    }
                };
            }
        };
        self.host = addr;
        if self.flavor == Flavor::Wget && !self.quiet {
            let line = format!(
                "Connecting to {} ({}:{})\n",
                self.name, self.host, self.port
            );
            print(cx, Stream::Stderr, &line);
        }
        if let Some(t) = self.timeout {
            self.timer = Some(cx.schedule_cancellable(t, Msg::Timer(T_TIMEOUT)));
        }
        let me = cx.me();
        match tcp::connect(cx, ns, me, self.host, self.port) {
            Ok(k) => {
                self.sock = Some(k);
                None
            }
            Err(e) => self.fail(cx, e),
        }
    }

    fn fail(&mut self, cx: &mut Ctx<'_, Net>, err: TcpError) -> Option<i32> {
        let (h, p) = (self.host, self.port);
        match self.flavor {
            Flavor::Curl => {
                if !self.quiet || self.show_error {
                    // curl 7.29 names the host as the URL gave it.
                    let name = &self.name;
                    print(
                        cx,
                        Stream::Stderr,
                        &format!("curl: (7) Failed connect to {name}:{p}; {err}\n"),
                    );
                }
                Some(7)
            }
            Flavor::Wget => {
                print(
                    cx,
                    Stream::Stderr,
                    &format!("wget: can't connect to remote host ({h}): {err}\n"),
                );
                Some(1)
            }
        }
    }

    pub fn handle(&mut self, msg: Msg, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        match msg {
            Msg::Start => {
                // The host's address first, through the C library's resolver.
                let name = self.name.clone();
                let (r, out) = super::resolver::Resolver::start(cx, ns, &name);
                self.resolver = Some(r);
                match out {
                    Some(out) => self.resolved(cx, ns, out),
                    None => None,
                }
            }
            ref m @ (Msg::Udp { .. } | Msg::Timer(super::resolver::TOKEN)) => {
                let out = self.resolver.as_mut()?.on_msg(cx, ns, m)?;
                self.resolved(cx, ns, out)
            }
            Msg::Timer(T_TIMEOUT) => {
                if let Some(k) = self.sock.take() {
                    tcp::close(cx, ns, k);
                }
                if !self.quiet || self.show_error {
                    let ms = self.timeout.map_or(0, |t| t.as_nanos() / 1_000_000);
                    print(
                        cx,
                        Stream::Stderr,
                        &format!("curl: (28) Connection timed out after {ms} milliseconds\n"),
                    );
                }
                Some(28)
            }
            Msg::Tcp(TcpEvent::Connected { key }) => {
                let agent = match self.flavor {
                    Flavor::Curl => "curl/7.29.0",
                    Flavor::Wget => "Wget",
                };
                let req = Message::HttpRequest {
                    method: "GET".into(),
                    path: self.path.clone(),
                    host: self.name.clone(),
                    agent: agent.into(),
                };
                tcp::send(cx, ns, key, vec![req]);
                None
            }
            Msg::Tcp(TcpEvent::Failed { err, .. }) => {
                if let Some(t) = self.timer.take() {
                    cx.cancel(t);
                }
                self.fail(cx, err)
            }
            Msg::Tcp(TcpEvent::Data { msgs, .. }) => {
                for m in msgs {
                    if let Message::HttpResponse {
                        status,
                        reason,
                        body,
                    } = m
                    {
                        self.done = true;
                        if self.flavor == Flavor::Wget && status != 200 {
                            print(
                                cx,
                                Stream::Stderr,
                                &format!(
                                    "wget: server returned error: HTTP/1.1 {status} {reason}\n"
                                ),
                            );
                            return self.finish(cx, ns, 1);
                        }
                        if self.to_stdout {
                            print(cx, Stream::Stdout, &body);
                        } else {
                            let name = "index.html";
                            cx.world.ns_mut(ns).files.insert(format!("/{name}"), body);
                        }
                        if self.flavor == Flavor::Wget && !self.quiet {
                            let to = if self.to_stdout {
                                "stdout"
                            } else {
                                "'index.html'"
                            };
                            print(cx, Stream::Stderr, &format!("written to {to}\n"));
                        }
                    }
                }
                if self.done {
                    self.finish(cx, ns, 0)
                } else {
                    None
                }
            }
            Msg::Tcp(TcpEvent::Eof { key }) if !self.done => {
                // The server hung up before any response.
                self.sock = Some(key);
                let (text, code) = match self.flavor {
                    Flavor::Wget => ("wget: error getting response\n", 1),
                    Flavor::Curl => ("curl: (52) Empty reply from server\n", 52),
                };
                let silent = self.flavor == Flavor::Curl && self.quiet;
                if !silent {
                    print(cx, Stream::Stderr, text);
                }
                self.done = true;
                self.finish(cx, ns, code)
            }
            Msg::Tcp(TcpEvent::Eof { key }) => {
                tcp::close(cx, ns, key);
                None
            }
            _ => None,
        }
    }

    fn finish(&mut self, cx: &mut Ctx<'_, Net>, ns: NsId, code: i32) -> Option<i32> {
        if let Some(t) = self.timer.take() {
            cx.cancel(t);
        }
        if let Some(k) = self.sock.take() {
            tcp::close(cx, ns, k);
        }
        Some(code)
    }
}

/// GNU coreutils' `sleep NUMBER[SUFFIX]...` (sleep.c): exits after the sum of its
/// arguments. Each is a `strtod` number (so `1e-3`, `0x10` and `inf` are numbers; an
/// overflow counts as a number too) with at most one suffix of `s`, `m`, `h` or `d`; a
/// negative number or NaN is `invalid time interval 'ARG'`, and a word starting with `-` is
/// an option. Errors exit 1 after `Try 'sleep --help' for more information.`. A sum past
/// the end of simulated time (about 584 years, `inf`) sleeps until then.
pub fn sleep_duration(args: &[String]) -> Result<Dur, (String, i32)> {
    const TRY: &str = "Try 'sleep --help' for more information.";
    let mut operands = Vec::new();
    let mut options_end = false;
    for a in args {
        if !options_end && a == "--" {
            options_end = true;
        } else if !options_end && a.starts_with("--") {
            return Err((format!("sleep: unrecognized option '{a}'\n{TRY}"), 1));
        } else if !options_end && a.len() > 1 && a.starts_with('-') {
            let c = a[1..].chars().next().unwrap_or('-');
            return Err((format!("sleep: invalid option -- '{c}'\n{TRY}"), 1));
        } else {
            operands.push(a);
        }
    }
    if operands.is_empty() {
        return Err((format!("sleep: missing operand\n{TRY}"), 1));
    }
    let mut bad = Vec::new();
    let mut total = 0f64;
    for a in operands {
        let n = super::num::strtod(a);
        let suffix = &a[n.used..];
        let mult = match suffix {
            "" | "s" => Some(1.0),
            "m" => Some(60.0),
            "h" => Some(3600.0),
            "d" => Some(86400.0),
            _ => None,
        };
        match mult {
            Some(m) if n.used > 0 && n.value >= 0.0 => total += n.value * m,
            _ => bad.push(format!("sleep: invalid time interval '{a}'")),
        }
    }
    if !bad.is_empty() {
        return Err((format!("{}\n{TRY}", bad.join("\n")), 1));
    }
    Ok(Dur::from_secs_f64_saturating(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(s: &[&str]) -> Vec<String> {
        s.iter().map(|a| a.to_string()).collect()
    }

    /// Issue 13: `curl -m 1e12` panicked and `-m nan`, `-m -5`, `-m 1e-10` became a 0 ms
    /// timeout. curl 7.29 reads `-m` with `str2unum`: a whole `strtol` number, no leading
    /// `-`; errors are its option messages with exit 2; 0 is no timeout; a huge value is
    /// the end of simulated time.
    #[test]
    fn curl_max_time_is_checked_as_curl_does() {
        let m =
            |v: &str| Client::parse(true, &argv(&["-m", v, "http://10.0.0.2/"])).map(|c| c.timeout);
        let proper = |opt: &str| {
            format!("curl: option {opt}: expected a proper numerical parameter\n{CURL_TRY}")
        };
        let positive =
            format!("curl: option -m: expected a positive numerical parameter\n{CURL_TRY}");
        assert_eq!(m("2").unwrap(), Some(Dur::from_secs(2)));
        assert_eq!(m(" +2").unwrap(), Some(Dur::from_secs(2)));
        assert_eq!(m("0").unwrap(), None, "0 is no timeout");
        assert_eq!(m("-5").unwrap_err(), (positive.clone(), 2));
        assert_eq!(m("-0").unwrap_err(), (positive, 2));
        for bad in ["nan", "inf", "1e-10", "1e12", "1.5", "abc", "", "5s"] {
            assert_eq!(m(bad).unwrap_err(), (proper("-m"), 2), "-m {bad:?}");
        }
        assert_eq!(
            m("18446744073").unwrap(),
            Some(Dur::from_secs(18_446_744_073))
        );
        // strtol clamps at LONG_MAX and curl 7.29 does not look: the end of time.
        assert_eq!(m("18446744073709551616").unwrap(), Some(Dur::MAX));
        let long = Client::parse(true, &argv(&["--max-time", "x", "http://h/"]))
            .err()
            .unwrap();
        assert_eq!(long, (proper("--max-time"), 2));
        let missing = Client::parse(true, &argv(&["http://h/", "-m"]))
            .err()
            .unwrap();
        assert_eq!(
            missing.0,
            format!("curl: option -m: requires parameter\n{CURL_TRY}")
        );
    }

    /// busybox httpd's `-p` is `bb_lookup_port(.., 80)`: a port number, else a service
    /// name, else port 80.
    #[test]
    fn httpd_port_is_read_as_busybox_does() {
        let p = |v: &str| Httpd::parse(&argv(&["-f", "-p", v])).map(|h| h.port);
        assert_eq!(p("8080"), Ok(8080));
        assert_eq!(p("0.0.0.0:8080"), Ok(8080));
        assert_eq!(p("0"), Ok(0));
        for odd in [
            "-5",
            "nan",
            "inf",
            "1e-10",
            "1e12",
            "65536",
            "18446744073709551616",
            "abc",
            "",
        ] {
            assert_eq!(p(odd), Ok(80), "{odd:?}");
        }
    }

    /// GNU sleep: strtod numbers with one optional suffix, summed; negatives and NaN are
    /// invalid intervals, `-5` is an option; `inf` and huge values sleep to the end of time.
    #[test]
    fn sleep_reads_its_operands_as_coreutils_does() {
        let s = |a: &[&str]| sleep_duration(&argv(a));
        let try_help = "Try 'sleep --help' for more information.";
        assert_eq!(s(&["1.5"]), Ok(Dur::from_millis(1500)));
        assert_eq!(s(&["0"]), Ok(Dur::ZERO));
        assert_eq!(s(&["1e-10"]), Ok(Dur::ZERO), "0.1 ns rounds to nothing");
        assert_eq!(s(&["1", "2m"]), Ok(Dur::from_secs(121)));
        assert_eq!(s(&["0x10"]), Ok(Dur::from_secs(16)));
        assert_eq!(s(&["inf"]), Ok(Dur::MAX));
        assert_eq!(s(&["1e12"]), Ok(Dur::MAX), "past u64 nanoseconds");
        assert_eq!(s(&["18446744073709551616"]), Ok(Dur::MAX));
        assert_eq!(s(&["1e400"]), Ok(Dur::MAX), "an overflow is still a number");
        assert_eq!(s(&["1d"]), Ok(Dur::from_secs(86_400)));
        for bad in ["nan", "abc", "", "1x", "1ss", " -5"] {
            assert_eq!(
                s(&[bad]),
                Err((
                    format!("sleep: invalid time interval '{bad}'\n{try_help}"),
                    1
                )),
                "{bad:?}"
            );
        }
        assert_eq!(
            s(&["-5"]),
            Err((format!("sleep: invalid option -- '5'\n{try_help}"), 1))
        );
        assert_eq!(s(&["--", "5"]), Ok(Dur::from_secs(5)));
        assert_eq!(
            s(&[]),
            Err((format!("sleep: missing operand\n{try_help}"), 1))
        );
        assert_eq!(
            s(&["x", "y"]).unwrap_err().0,
            format!(
                "sleep: invalid time interval 'x'\nsleep: invalid time interval 'y'\n{try_help}"
            )
        );
    }
}

/// The version demoapp reports: its image's tag when it is one (`ikubernetes/demoapp:v1.1`),
/// else v1.0 (seed 001's).
fn demoapp_version(image: Option<&str>) -> &str {
    image
        .and_then(|i| i.rsplit_once(':'))
        .map(|(_, tag)| tag)
        .filter(|t| {
            t.starts_with('v')
                && t.len() > 1
                && t[1..].chars().all(|c| c.is_ascii_digit() || c == '.')
        })
        .unwrap_or("v1.0")
}

#[cfg(test)]
mod demoapp_tests {
    #[test]
    fn demoapp_answers_with_its_images_tag() {
        assert_eq!(
            super::demoapp_version(Some("ikubernetes/demoapp:v1.1")),
            "v1.1"
        );
        assert_eq!(
            super::demoapp_version(Some("ikubernetes/demoapp:v1.0")),
            "v1.0"
        );
        assert_eq!(super::demoapp_version(Some("ikubernetes/demoapp")), "v1.0");
        assert_eq!(
            super::demoapp_version(Some("ikubernetes/demoapp:latest")),
            "v1.0"
        );
        assert_eq!(super::demoapp_version(None), "v1.0");
    }
}
