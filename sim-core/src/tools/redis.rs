//! redis 3.0 (the guestbook's kubeguide/redis-master and redis-slave images): a server that
//! may replicate from a master, and `redis-cli`.
//!
//! `redis-server [--port N] [--slaveof HOST PORT]` listens on 6379 and answers PING, SET,
//! GET, DEL, KEYS, INFO [replication], REPLCONF and PSYNC/SYNC. A master sends each write to
//! its online slaves. A slave (`--slaveof`) follows redis 3.0's `replication.c`: every
//! second (`replicationCron`) while not connected it connects to the master and logs
//! "Connecting to MASTER ...", "MASTER <-> SLAVE sync started"; once the connection is up,
//! "Non blocking connect for SYNC fired the event.", PING, REPLCONF listening-port,
//! `PSYNC ? -1`, "Full resync from master: RUNID:OFFSET", then loads the RDB ("MASTER <->
//! SLAVE sync: Finished with success"). A failed connection logs "Error condition on socket
//! for SYNC: <error>" and is tried again a second later; one that does not complete within
//! `repl-timeout` (60 s) logs "Timeout connecting to the MASTER...". HOST may be a name
//! (`redis-master`): each connect looks it up again through the C library's resolver. A
//! name that does not resolve logs "Unable to connect to MASTER: Invalid argument": redis
//! 3.0 prints `strerror(errno)` there, not getaddrinfo's error, so the trace adds the real
//! one (`getaddrinfo(redis-master): Name or service not known`). Writes to a slave get
//! `-READONLY You can't write against a read only slave.`.
//!
//! Log lines are redis 3.0's `[PID] DD Mon HH:MM:SS.mmm * message`, with the simulated
//! clock as a date from 01 Jan. `KEYS` answers in key order (redis answers in hash order).
//!
//! `redis-cli [-h HOST] [-p PORT] COMMAND ARGS...` sends one command and prints the reply
//! as redis-cli does on a terminal (`OK`, `"hello"`, `(nil)`, `1) "messages"`, `(empty list
//! or set)`, `(integer) 1`), or `Could not connect to Redis at HOST:PORT: ERROR` (exit 1).

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use crate::engine::{CancelKey, Ctx, Dur};
use crate::net::tcp::{self, SockKey, TcpEvent};
use crate::net::{Msg, Net, NsId};
use crate::trace::Stream;
use crate::wire::tcp::{Message, Resp};

use super::print;
use super::resolver::{Outcome, Resolver};
use crate::trace::TraceEvent;

const PORT: u16 = 6379;
const T_CRON: u64 = 1;
const T_TIMEOUT: u64 = 2;
/// `repl-timeout`.
const REPL_TIMEOUT: Dur = Dur::from_secs(60);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Link {
    /// Waiting for the next cron to connect.
    None,
    /// Looking the master's name up (redis blocks in getaddrinfo).
    Resolving,
    Connecting,
    /// Handshake: waiting for the answer to PING, REPLCONF or PSYNC.
    ReceivePong,
    ReceiveReplconf,
    ReceivePsync,
    /// Waiting for the RDB.
    Transfer,
    Connected,
}

pub struct RedisServer {
    pid: u32,
    port: u16,
    data: BTreeMap<String, String>,
    /// `--slaveof HOST PORT`: HOST an address or a name (looked up on every connect).
    master: Option<(String, u16)>,
    /// The lookup of a master's name under way.
    resolver: Option<Resolver>,
    link: Link,
    master_sock: Option<SockKey>,
    timeout: Option<CancelKey>,
    /// Connections from clients and slaves, and which of them are online slaves.
    slaves: BTreeMap<SockKey, u64>,
    offset: u64,
    run_id: String,
    down_since: Dur,
}

/// C's `atoi`: `(int) strtol(s, NULL, 10)`, 0 when no number starts the text.
fn atoi(s: &str) -> i32 {
    super::num::strtol(s).value as i32
}

/// The configuration line redis 3.0 makes of the command-line option at `args[at]`: each
/// `--name` starts a new line (`main` joins them into one config string).
fn config_line(args: &[String], at: usize) -> usize {
    args[..=at].iter().filter(|a| a.starts_with("--")).count()
}

impl RedisServer {
    pub fn parse(args: &[String], pid: u32) -> Result<RedisServer, (String, i32)> {
        let mut port = PORT;
        let mut master = None;
        let mut i = 0;
        while i < args.len() {
            match args[i].as_str() {
                // config.c: `server.port = atoi(argv[1])`, refused outside 0..65535. Each
                // command-line option is a line of the configuration redis reads.
                "--port" if i + 1 < args.len() => {
                    let v = &args[i + 1];
                    let n = atoi(v);
                    if !(0..=65535).contains(&n) {
                        return Err((
                            format!(
                                "\n*** FATAL CONFIG FILE ERROR ***\nReading the configuration file, at line {}\n>>> 'port {v:?}'\nInvalid port",
                                config_line(args, i)
                            ),
                            1,
                        ));
                    }
                    port = n as u16;
                    i += 2;
                }
                // `server.masterport = atoi(argv[2])`, unchecked: the port is what htons
                // makes of it.
                "--slaveof" if i + 2 < args.len() => {
                    let host = args[i + 1].clone();
                    let p = atoi(&args[i + 2]) as u16;
                    master = Some((host, p));
                    i += 3;
                }
                other => {
                    return Err((
                        format!(
                            "\n*** FATAL CONFIG FILE ERROR ***\n>>> '{}'\nBad directive or wrong number of arguments (simulated: --port N, --slaveof HOST PORT)",
                            other.trim_start_matches('-')
                        ),
                        1,
                    ));
                }
            }
        }
        // A run id as redis makes one: 40 hex digits (here from the pid, deterministic).
        let run_id = format!("{:040x}", (pid as u128).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        Ok(RedisServer {
            pid,
            port,
            data: BTreeMap::new(),
            master,
            resolver: None,
            link: Link::None,
            master_sock: None,
            timeout: None,
            slaves: BTreeMap::new(),
            offset: 0,
            run_id,
            down_since: Dur::ZERO,
        })
    }

    fn log(&self, cx: &mut Ctx<'_, Net>, line: &str) {
        let t = cx.now().as_nanos();
        let ms = t / 1_000_000;
        let (h, m, s, milli) = (
            (ms / 3_600_000) % 24,
            (ms / 60_000) % 60,
            (ms / 1000) % 60,
            ms % 1000,
        );
        let day = 1 + ms / 86_400_000;
        let text = format!(
            "[{}] {day:02} Jan {h:02}:{m:02}:{s:02}.{milli:03} * {line}\n",
            self.pid
        );
        print(cx, Stream::Stdout, &text);
    }

    pub fn handle(&mut self, msg: Msg, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        match msg {
            Msg::Start => {
                let me = cx.me();
                self.down_since = Dur(cx.now().as_nanos());
                tcp::listen(cx, ns, self.port, me);
                self.log(cx, "Server started, Redis version 3.0.3");
                self.log(
                    cx,
                    &format!(
                        "The server is now ready to accept connections on port {}",
                        self.port
                    ),
                );
                if self.master.is_some() {
                    cx.schedule(Dur::from_secs(1), Msg::Timer(T_CRON));
                }
            }
            Msg::Timer(T_CRON) => {
                self.cron(ns, cx);
                cx.schedule(Dur::from_secs(1), Msg::Timer(T_CRON));
            }
            Msg::Timer(T_TIMEOUT) => {
                self.timeout = None;
                if self.link == Link::Connecting {
                    self.log(cx, "Timeout connecting to the MASTER...");
                    if let Some(k) = self.master_sock.take() {
                        tcp::close(cx, ns, k);
                    }
                    self.link = Link::None;
                }
            }
            Msg::Tcp(ev) => self.tcp_event(ev, ns, cx),
            ref m @ (Msg::Udp { .. } | Msg::Timer(super::resolver::TOKEN)) => {
                let out = self.resolver.as_mut()?.on_msg(cx, ns, m)?;
                self.resolver = None;
                self.resolved(ns, cx, out);
            }
            _ => {}
        }
        None
    }

    /// replicationCron: connect to the master when not connected.
    fn cron(&mut self, ns: NsId, cx: &mut Ctx<'_, Net>) {
        let Some((host, port)) = self.master.clone() else {
            return;
        };
        if self.link != Link::None {
            return;
        }
        self.log(cx, &format!("Connecting to MASTER {host}:{port}"));
        // anetTcpGenericConnect's getaddrinfo: blocking in redis, a lookup here.
        let (r, out) = Resolver::start(cx, ns, &host);
        self.link = Link::Resolving;
        match out {
            Some(out) => self.resolved(ns, cx, out),
            None => self.resolver = Some(r),
        }
    }

    /// The master's address is known (or not): connect.
    fn resolved(&mut self, ns: NsId, cx: &mut Ctx<'_, Net>, out: Outcome) {
        let Some((host, port)) = self.master.clone() else {
            return;
        };
        self.link = Link::None;
        let addr = match out {
            Ok((addrs, _)) => addrs[0],
            Err(f) => {
                // redis 3.0 logs strerror(errno), not getaddrinfo's error: errno is left
                // over from the lookup, most often EINVAL.
                let why = f.gai_strerror();
                cx.trace(TraceEvent::Log {
                    line: format!("getaddrinfo({host}): {why}"),
                });
                self.log(cx, "Unable to connect to MASTER: Invalid argument");
                return;
            }
        };
        let me = cx.me();
        match tcp::connect(cx, ns, me, addr, port) {
            Ok(key) => {
                self.master_sock = Some(key);
                self.link = Link::Connecting;
                self.log(cx, "MASTER <-> SLAVE sync started");
                self.timeout = Some(cx.schedule_cancellable(REPL_TIMEOUT, Msg::Timer(T_TIMEOUT)));
            }
            Err(e) => {
                self.log(cx, &format!("Unable to connect to MASTER: {e}"));
            }
        }
    }

    fn send_master(&mut self, ns: NsId, cx: &mut Ctx<'_, Net>, args: &[&str]) {
        if let Some(k) = self.master_sock {
            let m = Message::RedisCommand {
                args: args.iter().map(|s| s.to_string()).collect(),
            };
            tcp::send(cx, ns, k, vec![m]);
        }
    }

    fn tcp_event(&mut self, ev: TcpEvent, ns: NsId, cx: &mut Ctx<'_, Net>) {
        let is_master = |k: &SockKey| self.master_sock == Some(*k);
        match ev {
            TcpEvent::Connected { key } if is_master(&key) => {
                if let Some(t) = self.timeout.take() {
                    cx.cancel(t);
                }
                self.log(cx, "Non blocking connect for SYNC fired the event.");
                self.link = Link::ReceivePong;
                self.send_master(ns, cx, &["PING"]);
            }
            TcpEvent::Failed { key, err } if is_master(&key) => {
                if let Some(t) = self.timeout.take() {
                    cx.cancel(t);
                }
                let was = self.link;
                self.master_sock = None;
                self.link = Link::None;
                if was == Link::Connected {
                    self.down_since = Dur(cx.now().as_nanos());
                }
                if was == Link::Connecting {
                    self.log(cx, &format!("Error condition on socket for SYNC: {err}"));
                } else {
                    self.log(cx, "Connection with master lost.");
                }
            }
            TcpEvent::Eof { key } if is_master(&key) => {
                self.log(cx, "Connection with master lost.");
                self.down_since = Dur(cx.now().as_nanos());
                tcp::close(cx, ns, key);
                self.master_sock = None;
                self.link = Link::None;
            }
            TcpEvent::Data { key, msgs } if is_master(&key) => {
                for m in msgs {
                    self.master_said(m, ns, cx);
                }
            }
            TcpEvent::Accepted { .. } | TcpEvent::Connected { .. } => {}
            TcpEvent::Failed { key, .. } => {
                self.slaves.remove(&key);
            }
            TcpEvent::Eof { key } => {
                if self.slaves.remove(&key).is_some() {
                    self.log(
                        cx,
                        &format!("Connection with slave {}:{} lost.", key.2, PORT),
                    );
                }
                tcp::close(cx, ns, key);
            }
            TcpEvent::Data { key, msgs } => {
                for m in msgs {
                    if let Message::RedisCommand { args } = m {
                        let replies = self.command(key, &args, ns, cx);
                        tcp::send(cx, ns, key, replies);
                    }
                }
            }
        }
    }

    /// The slave's side of the handshake and the replication stream.
    fn master_said(&mut self, m: Message, ns: NsId, cx: &mut Ctx<'_, Net>) {
        match (self.link, m) {
            (Link::ReceivePong, Message::RedisReply { .. }) => {
                self.log(cx, "Master replied to PING, replication can continue...");
                self.link = Link::ReceiveReplconf;
                let port = self.port.to_string();
                self.send_master(ns, cx, &["REPLCONF", "listening-port", &port]);
            }
            (Link::ReceiveReplconf, Message::RedisReply { .. }) => {
                self.log(
                    cx,
                    "Partial resynchronization not possible (no cached master)",
                );
                self.link = Link::ReceivePsync;
                self.send_master(ns, cx, &["PSYNC", "?", "-1"]);
            }
            (
                Link::ReceivePsync,
                Message::RedisReply {
                    reply: Resp::Simple { text },
                },
            ) => {
                let rest = text.strip_prefix("FULLRESYNC ").unwrap_or(&text);
                self.log(
                    cx,
                    &format!("Full resync from master: {}", rest.replace(' ', ":")),
                );
                self.link = Link::Transfer;
            }
            (Link::Transfer, Message::Rdb { keys }) => {
                let bytes = Message::Rdb { keys: keys.clone() }.wire_len();
                self.log(
                    cx,
                    &format!("MASTER <-> SLAVE sync: receiving {bytes} bytes from master"),
                );
                self.log(cx, "MASTER <-> SLAVE sync: Flushing old data");
                self.log(cx, "MASTER <-> SLAVE sync: Loading DB in memory");
                self.data = keys.into_iter().collect();
                self.log(cx, "MASTER <-> SLAVE sync: Finished with success");
                self.link = Link::Connected;
            }
            (Link::Connected, Message::RedisCommand { args }) => {
                // The replication stream: apply the master's writes.
                self.apply_write(&args);
                self.offset += Message::RedisCommand { args }.wire_len() as u64;
            }
            _ => {}
        }
    }

    fn apply_write(&mut self, args: &[String]) -> Option<Resp> {
        let name = args.first()?.to_ascii_uppercase();
        match (name.as_str(), &args[1..]) {
            ("SET", [k, v]) => {
                self.data.insert(k.clone(), v.clone());
                Some(Resp::Simple { text: "OK".into() })
            }
            ("DEL", keys) if !keys.is_empty() => {
                let n = keys
                    .iter()
                    .filter(|k| self.data.remove(*k).is_some())
                    .count();
                Some(Resp::Integer { value: n as i64 })
            }
            _ => None,
        }
    }

    /// Answers a client's (or slave's) command.
    fn command(
        &mut self,
        key: SockKey,
        args: &[String],
        ns: NsId,
        cx: &mut Ctx<'_, Net>,
    ) -> Vec<Message> {
        let reply = |r: Resp| vec![Message::RedisReply { reply: r }];
        let Some(name) = args.first().map(|a| a.to_ascii_uppercase()) else {
            return Vec::new();
        };
        let wrong = |n: &str| {
            reply(Resp::Error {
                text: format!(
                    "ERR wrong number of arguments for '{}' command",
                    n.to_lowercase()
                ),
            })
        };
        match name.as_str() {
            "PING" => reply(Resp::Simple {
                text: "PONG".into(),
            }),
            "GET" => match &args[1..] {
                [k] => reply(Resp::Bulk {
                    value: self.data.get(k).cloned(),
                }),
                _ => wrong("get"),
            },
            "SET" | "DEL" => {
                if self.master.is_some() {
                    return reply(Resp::Error {
                        text: "READONLY You can't write against a read only slave.".into(),
                    });
                }
                match self.apply_write(args) {
                    Some(r) => {
                        // Propagate to online slaves (the replication stream).
                        let m = Message::RedisCommand {
                            args: args.to_vec(),
                        };
                        self.offset += m.wire_len() as u64;
                        let slaves: Vec<SockKey> = self.slaves.keys().copied().collect();
                        for s in slaves {
                            tcp::send(cx, ns, s, vec![m.clone()]);
                            self.slaves.insert(s, self.offset);
                        }
                        reply(r)
                    }
                    None => wrong(&name),
                }
            }
            "KEYS" => {
                let pattern = args.get(1).map(String::as_str).unwrap_or("*");
                let items = self
                    .data
                    .keys()
                    .filter(|k| glob(pattern, k))
                    .map(|k| Resp::Bulk {
                        value: Some(k.clone()),
                    })
                    .collect();
                reply(Resp::Array { items })
            }
            "INFO" => reply(Resp::Bulk {
                value: Some(self.info(cx.now())),
            }),
            "REPLCONF" => reply(Resp::Simple { text: "OK".into() }),
            "PSYNC" | "SYNC" => {
                let peer = format!("{}:{}", key.2, PORT);
                self.log(cx, &format!("Slave {peer} asks for synchronization"));
                self.log(cx, &format!("Full resync requested by slave {peer}"));
                self.log(cx, "Starting BGSAVE for SYNC with target: disk");
                self.slaves.insert(key, self.offset);
                let mut out = Vec::new();
                if name == "PSYNC" {
                    out.push(Message::RedisReply {
                        reply: Resp::Simple {
                            text: format!("FULLRESYNC {} {}", self.run_id, self.offset + 1),
                        },
                    });
                }
                out.push(Message::Rdb {
                    keys: self
                        .data
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                });
                self.log(cx, &format!("Synchronization with slave {peer} succeeded"));
                out
            }
            other => reply(Resp::Error {
                text: format!("ERR unknown command '{}'", other.to_lowercase()),
            }),
        }
    }

    /// `INFO replication`, in redis 3.0's fields.
    fn info(&self, now: crate::engine::SimTime) -> String {
        let mut s = String::from("# Replication\r\n");
        match &self.master {
            Some((host, port)) => {
                let up = self.link == Link::Connected;
                s.push_str("role:slave\r\n");
                s.push_str(&format!("master_host:{host}\r\nmaster_port:{port}\r\n"));
                s.push_str(&format!(
                    "master_link_status:{}\r\n",
                    if up { "up" } else { "down" }
                ));
                s.push_str(&format!(
                    "master_last_io_seconds_ago:{}\r\n",
                    if up { 0 } else { -1 }
                ));
                s.push_str(&format!(
                    "master_sync_in_progress:{}\r\n",
                    matches!(self.link, Link::Transfer) as u8
                ));
                s.push_str(&format!("slave_repl_offset:{}\r\n", self.offset));
                if !up {
                    let since = now.as_nanos().saturating_sub(self.down_since.0) / 1_000_000_000;
                    s.push_str(&format!("master_link_down_since_seconds:{since}\r\n"));
                }
                s.push_str("slave_priority:100\r\nslave_read_only:1\r\nconnected_slaves:0\r\n");
            }
            None => {
                s.push_str("role:master\r\n");
                s.push_str(&format!("connected_slaves:{}\r\n", self.slaves.len()));
                for (i, (k, off)) in self.slaves.iter().enumerate() {
                    s.push_str(&format!(
                        "slave{i}:ip={},port={PORT},state=online,offset={off},lag=0\r\n",
                        k.2
                    ));
                }
            }
        }
        s.push_str(&format!("master_repl_offset:{}\r\n", self.offset));
        s
    }
}

/// Redis's glob for KEYS, enough for `*`, `prefix*` and exact names.
fn glob(pattern: &str, key: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => key.starts_with(prefix),
        None => pattern == key,
    }
}

pub struct RedisCli {
    /// `-h` as given: an address or a name, resolved through the C library's resolver
    /// (redis-cli's `anetTcpConnect` calls getaddrinfo).
    host: String,
    port: u16,
    args: Vec<String>,
    resolver: Option<super::resolver::Resolver>,
    sock: Option<SockKey>,
}

impl RedisCli {
    pub fn parse(args: &[String]) -> Result<RedisCli, (String, i32)> {
        let mut host = Ipv4Addr::LOCALHOST.to_string();
        let mut port = PORT;
        let mut i = 0;
        while i < args.len() {
            match args[i].as_str() {
                "-h" if i + 1 < args.len() => {
                    host = args[i + 1].clone();
                    i += 2;
                }
                // redis-cli.c: `config.hostport = atoi(argv[++i])`, unchecked: not a number
                // is port 0, and the port is what htons makes of the int.
                "-p" if i + 1 < args.len() => {
                    port = atoi(&args[i + 1]) as u16;
                    i += 2;
                }
                _ => break,
            }
        }
        if i == args.len() {
            return Err((
                "redis-cli: the interactive prompt is not simulated; give a command, e.g. `redis-cli keys '*'`".into(),
                1,
            ));
        }
        Ok(RedisCli {
            host,
            port,
            args: args[i..].to_vec(),
            resolver: None,
            sock: None,
        })
    }

    /// The lookup of `-h` is over: connect, or say what redis-cli says of a name that does
    /// not resolve.
    fn resolved(
        &mut self,
        cx: &mut Ctx<'_, Net>,
        ns: NsId,
        out: super::resolver::Outcome,
    ) -> Option<i32> {
        let addr = match out {
            Ok((addrs, _)) => addrs[0],
            Err(_) => {
                let line = format!(
                    "Could not connect to Redis at {}:{}: Name or service not known\n",
                    self.host, self.port
                );
                print(cx, Stream::Stderr, &line);
                return Some(1);
            }
        };
        let me = cx.me();
        match tcp::connect(cx, ns, me, addr, self.port) {
            Ok(k) => {
                self.sock = Some(k);
                None
            }
            Err(e) => self.fail(cx, e),
        }
    }

    fn fail(&self, cx: &mut Ctx<'_, Net>, e: tcp::TcpError) -> Option<i32> {
        let line = format!(
            "Could not connect to Redis at {}:{}: {e}\n",
            self.host, self.port
        );
        print(cx, Stream::Stderr, &line);
        Some(1)
    }

    pub fn handle(&mut self, msg: Msg, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        match msg {
            Msg::Start => {
                let name = self.host.clone();
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
            Msg::Tcp(TcpEvent::Connected { key }) => {
                tcp::send(
                    cx,
                    ns,
                    key,
                    vec![Message::RedisCommand {
                        args: self.args.clone(),
                    }],
                );
                None
            }
            Msg::Tcp(TcpEvent::Failed { err, .. }) => self.fail(cx, err),
            Msg::Tcp(TcpEvent::Data { key, msgs }) => {
                let mut code = 0;
                for m in msgs {
                    if let Message::RedisReply { reply } = m {
                        if matches!(reply, Resp::Error { .. }) {
                            code = 0; // redis-cli exits 0 after printing an error reply
                        }
                        let text = format_reply(&reply, "");
                        print(cx, Stream::Stdout, &text);
                    }
                }
                tcp::close(cx, ns, key);
                Some(code)
            }
            _ => None,
        }
    }
}

/// redis-cli's terminal output of a reply.
fn format_reply(r: &Resp, indent: &str) -> String {
    match r {
        Resp::Simple { text } => format!("{text}\n"),
        Resp::Error { text } => format!("(error) {text}\n"),
        Resp::Integer { value } => format!("(integer) {value}\n"),
        Resp::Bulk { value: None } => "(nil)\n".into(),
        // A bulk with newlines (INFO) prints raw, as redis-cli does for INFO's reply.
        Resp::Bulk { value: Some(v) } if v.contains("\r\n") => v.replace("\r\n", "\n"),
        Resp::Bulk { value: Some(v) } => format!("\"{v}\"\n"),
        Resp::Array { items } if items.is_empty() => "(empty list or set)\n".into(),
        Resp::Array { items } => {
            let mut s = String::new();
            for (i, it) in items.iter().enumerate() {
                let prefix = if i == 0 {
                    String::new()
                } else {
                    indent.to_string()
                };
                s.push_str(&format!(
                    "{prefix}{}) {}",
                    i + 1,
                    format_reply(it, &format!("{indent}   "))
                ));
            }
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(s: &[&str]) -> Vec<String> {
        s.iter().map(|a| a.to_string()).collect()
    }

    /// redis 3.0 reads ports with `atoi`: the server refuses a port outside 0..65535 as a
    /// config error; redis-cli and `slaveof` take what `atoi` and htons make of it.
    #[test]
    fn ports_at_their_edges_are_read_as_redis_does() {
        let server = |v: &str| RedisServer::parse(&argv(&["--port", v]), 1).map(|s| s.port);
        assert_eq!(server("7000"), Ok(7000));
        assert_eq!(server("0"), Ok(0));
        assert_eq!(server("abc"), Ok(0), "atoi of no number is 0");
        assert_eq!(server("nan"), Ok(0));
        assert_eq!(server("inf"), Ok(0));
        assert_eq!(server("1e-10"), Ok(1));
        assert_eq!(server("1e12"), Ok(1));
        assert_eq!(server("65535"), Ok(65535));
        for bad in ["-5", "65536", "18446744073709551616"] {
            assert_eq!(
                server(bad),
                Err((
                    format!(
                        "\n*** FATAL CONFIG FILE ERROR ***\nReading the configuration file, at line 1\n>>> 'port \"{bad}\"'\nInvalid port"
                    ),
                    1
                )),
                "{bad:?}"
            );
        }
        let cli = |v: &str| RedisCli::parse(&argv(&["-p", v, "ping"])).map(|c| c.port);
        assert_eq!(cli("7000"), Ok(7000));
        assert_eq!(cli("nan"), Ok(0));
        assert_eq!(cli("65536"), Ok(0), "htons keeps the low 16 bits");
        assert_eq!(cli("-1"), Ok(65535));
        assert_eq!(cli("0"), Ok(0));
        assert_eq!(cli("inf"), Ok(0));
        assert_eq!(cli("1e-10"), Ok(1));
        assert_eq!(cli("1e12"), Ok(1));
        // atoi's strtol clamps at LONG_MAX; (int) of it is -1; htons keeps 65535.
        assert_eq!(cli("18446744073709551616"), Ok(65535));
    }
}
