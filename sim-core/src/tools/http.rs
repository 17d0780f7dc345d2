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
                "-p" => {
                    port = it
                        .next()
                        .and_then(|p| p.rsplit(':').next()?.parse().ok())
                        .ok_or(("httpd: bad -p value".to_string(), 1))?;
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

    /// ikubernetes/demoapp v1.0's server (`python3 /usr/local/bin/demo.py`, port 80).
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
                            Message::HttpResponse {
                                status: 200,
                                reason: "OK".into(),
                                body: format!(
                                    "iKubernetes demoapp v1.0 !! ClientIP: {}, ServerName: {name}, ServerIP: {}!\n",
                                    key.2, key.0
                                ),
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
                (Flavor::Curl, "-m" | "--max-time") => {
                    let secs: f64 = it.next().and_then(|s| s.parse().ok()).ok_or((
                        "curl: option -m: expected a proper numerical parameter".to_string(),
                        2,
                    ))?;
                    timeout = Some(Dur((secs * 1e9) as u64));
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
                Flavor::Curl => ("curl: no URL specified!".into(), 2),
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

/// `sleep SECONDS`: exits after that much simulated time.
pub fn sleep_duration(args: &[String]) -> Result<Dur, (String, i32)> {
    let [secs] = args else {
        return Err(("sleep: missing operand".into(), 1));
    };
    let s: f64 = secs
        .parse()
        .map_err(|_| (format!("sleep: invalid time interval '{secs}'"), 1))?;
    if !(0.0..=1e9).contains(&s) {
        return Err((format!("sleep: invalid time interval '{secs}'"), 1));
    }
    Ok(Dur((s * 1e9) as u64))
}
