//! busybox `nc`: a TCP echo server and a client that sends what it is given.
//!
//! - `nc -l [-k] -p PORT [-e cat]`: listens; with `-e cat` every byte that comes in goes
//!   back (an echo server), else what comes in is printed. `-k` keeps listening after the
//!   first connection.
//! - `echo TEXT | nc [-w SECS] HOST PORT`: connects, sends the text, closes its side, and
//!   prints what comes back until the peer closes. Failures print busybox's
//!   `nc: can't connect to remote host (HOST): Connection refused` (exit 1); `-w` gives up
//!   connecting after SECS with `nc: timeout` (exit 1).

use std::net::Ipv4Addr;

use crate::engine::{CancelKey, Ctx, Dur};
use crate::net::tcp::{self, SockKey, TcpEvent};
use crate::net::{Msg, Net, NsId};
use crate::trace::Stream;
use crate::wire::tcp::Message;

use super::print;

pub enum Nc {
    Listen {
        port: u16,
        echo: bool,
        keep: bool,
        served: bool,
    },
    Connect {
        host: Ipv4Addr,
        port: u16,
        /// What came on stdin before the connection was up.
        input: String,
        wait: Option<Dur>,
        timer: Option<CancelKey>,
        sock: Option<SockKey>,
        /// The connection is up: stdin's text goes straight to it.
        connected: bool,
        /// stdin ended (at once when it is not a pipe): the sending side shuts down.
        eof: bool,
    },
}

impl Nc {
    pub fn parse(args: &[String], input: Option<String>) -> Result<Nc, (String, i32)> {
        let usage = || {
            ("BusyBox v1.28.4 multi-call binary.\n\nUsage: nc [-lk] [-p PORT] [-e PROG] [-w SECS] [HOST PORT]".to_string(), 1)
        };
        let (mut listen, mut keep, mut port, mut echo, mut wait) =
            (false, false, None, false, None);
        let mut words = Vec::new();
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "-l" => listen = true,
                "-lk" | "-kl" => {
                    listen = true;
                    keep = true;
                }
                "-k" => keep = true,
                "-p" => {
                    port = Some(
                        it.next()
                            .and_then(|p| p.parse::<u16>().ok())
                            .ok_or_else(usage)?,
                    )
                }
                "-e" => match it.next().map(String::as_str) {
                    Some("cat" | "/bin/cat") => echo = true,
                    _ => {
                        return Err(("nc: -e: only `cat` is simulated (an echo server)".into(), 1));
                    }
                },
                // busybox's `xatou`: whole seconds; 0 is no timeout.
                "-w" => {
                    let s = it.next().ok_or_else(usage)?;
                    let secs = super::num::busybox_xatou("nc", s, u32::MAX.into())?;
                    wait = (secs > 0).then(|| Dur::from_secs(secs));
                }
                w if !w.starts_with('-') => words.push(w.to_string()),
                _ => return Err(usage()),
            }
        }
        if listen {
            let port = port
                .or_else(|| words.first().and_then(|p| p.parse().ok()))
                .ok_or_else(usage)?;
            return Ok(Nc::Listen {
                port,
                echo,
                keep,
                served: false,
            });
        }
        let [host, p] = words.as_slice() else {
            return Err(usage());
        };
        let host: Ipv4Addr = host
            .parse()
            .map_err(|_| (format!("nc: bad address '{host}'"), 1))?;
        let port = p.parse().map_err(|_| usage())?;
        Ok(Nc::Connect {
            host,
            port,
            input: input.unwrap_or_default(),
            wait,
            timer: None,
            sock: None,
            connected: false,
            eof: false,
        })
    }

    pub fn handle(&mut self, msg: Msg, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        match self {
            Nc::Listen {
                port,
                echo,
                keep,
                served,
            } => match msg {
                Msg::Start => {
                    let me = cx.me();
                    tcp::listen(cx, ns, *port, me);
                    None
                }
                Msg::Tcp(TcpEvent::Data { key, msgs }) => {
                    for m in msgs {
                        if let Message::Bytes { text } = m {
                            if *echo {
                                tcp::send(cx, ns, key, vec![Message::Bytes { text }]);
                            } else {
                                print(cx, Stream::Stdout, &text);
                            }
                        }
                    }
                    None
                }
                Msg::Tcp(TcpEvent::Eof { key }) => {
                    tcp::close(cx, ns, key);
                    *served = true;
                    if *keep { None } else { Some(0) }
                }
                _ => None,
            },
            Nc::Connect {
                host,
                port,
                input,
                wait,
                timer,
                sock,
                connected,
                eof,
            } => match msg {
                Msg::Stdin(_, text) => {
                    match (*connected, *sock) {
                        (true, Some(key)) => {
                            tcp::send(cx, ns, key, vec![Message::Bytes { text }]);
                        }
                        _ => input.push_str(&text),
                    }
                    None
                }
                Msg::StdinEof(_) => {
                    *eof = true;
                    if let (true, Some(key)) = (*connected, *sock) {
                        tcp::close(cx, ns, key);
                    }
                    None
                }
                Msg::Start => {
                    let me = cx.me();
                    // stdin: a pipe's text as it comes; anything else has none.
                    *eof = !cx
                        .world
                        .procs
                        .get(&me)
                        .is_some_and(|p| matches!(p.stdio[0], crate::net::Fd::Pipe(_)));
                    if let Some(w) = wait {
                        *timer = Some(cx.schedule_cancellable(*w, Msg::Timer(0)));
                    }
                    let me = cx.me();
                    match tcp::connect(cx, ns, me, *host, *port) {
                        Ok(k) => {
                            *sock = Some(k);
                            None
                        }
                        Err(e) => {
                            print(
                                cx,
                                Stream::Stderr,
                                &format!("nc: can't connect to remote host ({host}): {e}\n"),
                            );
                            Some(1)
                        }
                    }
                }
                Msg::Timer(_) => {
                    print(cx, Stream::Stderr, "nc: timeout\n");
                    Some(1)
                }
                Msg::Tcp(TcpEvent::Connected { key }) => {
                    if let Some(t) = timer.take() {
                        cx.cancel(t);
                    }
                    *connected = true;
                    if !input.is_empty() {
                        let text = std::mem::take(input);
                        tcp::send(cx, ns, key, vec![Message::Bytes { text }]);
                    }
                    if *eof {
                        // stdin is at its end: shut down the sending side.
                        tcp::close(cx, ns, key);
                    }
                    None
                }
                Msg::Tcp(TcpEvent::Failed { err, .. }) => {
                    if let Some(t) = timer.take() {
                        cx.cancel(t);
                    }
                    print(
                        cx,
                        Stream::Stderr,
                        &format!("nc: can't connect to remote host ({host}): {err}\n"),
                    );
                    Some(1)
                }
                Msg::Tcp(TcpEvent::Data { msgs, .. }) => {
                    for m in msgs {
                        if let Message::Bytes { text } = m {
                            print(cx, Stream::Stdout, &text);
                        }
                    }
                    None
                }
                Msg::Tcp(TcpEvent::Eof { .. }) => Some(0),
                _ => None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// busybox nc's `-w` is `xatou`: whole seconds up to UINT_MAX, 0 is no timeout.
    #[test]
    fn wait_is_checked_as_busybox_does() {
        let w = |v: &str| {
            let args: Vec<String> = ["-w", v, "10.0.0.2", "80"]
                .iter()
                .map(|a| a.to_string())
                .collect();
            match Nc::parse(&args, None) {
                Ok(Nc::Connect { wait, .. }) => Ok(wait),
                Ok(_) => unreachable!("a client"),
                Err(e) => Err(e),
            }
        };
        assert_eq!(w("3"), Ok(Some(Dur::from_secs(3))));
        assert_eq!(w("0"), Ok(None));
        assert_eq!(w("4294967295"), Ok(Some(Dur::from_secs(4_294_967_295))));
        for bad in [
            "-5",
            "nan",
            "inf",
            "1e-10",
            "1e12",
            "1.5",
            "abc",
            "",
            "18446744073709551616",
        ] {
            assert_eq!(
                w(bad),
                Err((format!("nc: invalid number '{bad}'"), 1)),
                "{bad:?}"
            );
        }
        assert_eq!(
            w("4294967296"),
            Err((
                "nc: number 4294967296 is not in 0..4294967295 range".into(),
                1
            ))
        );
    }
}
