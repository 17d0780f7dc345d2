//! The guestbook's PHP frontend (`kubeguide/guestbook-php-frontend`, seed 004's
//! `guestbook.php`), as an HTTP server on port 80.
//!
//! `GET /guestbook.php?cmd=set&key=K&value=V` connects to the redis master and runs
//! `SET K V`, then answers `{"message": "Updated"}`; `cmd=get&key=K` connects to a redis
//! slave, runs `GET K` and answers `{"data": "V"}`. Which host: with `GET_HOSTS_FROM=env`
//! the container's `REDIS_MASTER_SERVICE_HOST` / `REDIS_SLAVE_SERVICE_HOST`, otherwise (the
//! default, `dns`) the names `redis-master` / `redis-slave`, looked up by glibc's
//! getaddrinfo for every request (PHP keeps no cache; several lookups may be under way at
//! once). A name that does not resolve, or a connection that fails, gives Predis's
//! ConnectionException as PHP prints a fatal error (`php_network_getaddresses:
//! getaddrinfo failed: Name or service not known`). Any other path gets the guestbook's
//! page.

use std::collections::BTreeMap;

use super::resolver::{Outcome, Resolver};
use crate::wire::dns::RType;

use crate::engine::Ctx;
use crate::net::tcp::{self, SockKey, TcpEvent};
use crate::net::{Msg, Net, NsId};
use crate::wire::tcp::{Message, Resp};

const REDIS_PORT: u16 = 6379;

/// A request waiting on redis: the browser's connection and what to do.
struct Pending {
    client: SockKey,
    command: Vec<String>,
    get: bool,
}

#[derive(Default)]
pub struct Frontend {
    pending: BTreeMap<SockKey, Pending>,
    /// Requests waiting on getaddrinfo, by the lookup's timer token.
    lookups: BTreeMap<u64, (Resolver, String, Pending)>,
    next_token: u64,
}

/// Timer tokens of the frontend's lookups (one per request being served).
const LOOKUP_TOKENS: u64 = 1 << 41;

fn env(cx: &Ctx<'_, Net>, ns: NsId, name: &str) -> Option<String> {
    cx.world
        .ns(ns)
        .env
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

/// Where Predis throws a connection's exception.
const AT: &str = " in /vendor/predis/predis/lib/Predis/Connection/AbstractConnection.php:155";

/// PHP's page for Predis's uncaught ConnectionException about `host`.
fn predis_fatal(message: impl std::fmt::Display, host: impl std::fmt::Display, at: &str) -> String {
    format!(
        "<br />\n<b>Fatal error</b>:  Uncaught exception 'Predis\\Connection\\ConnectionException' with message '{message} [tcp://{host}:{REDIS_PORT}]'{at}\n"
    )
}

fn decode(s: &str) -> String {
    let bytes = s.replace('+', " ").into_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&String::from_utf8_lossy(&bytes[i + 1..i + 3]), 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn respond(cx: &mut Ctx<'_, Net>, ns: NsId, client: SockKey, status: u16, body: String) {
    let reason = if status == 200 {
        "OK"
    } else {
        "Internal Server Error"
    };
    tcp::send(
        cx,
        ns,
        client,
        vec![Message::HttpResponse {
            status,
            reason: reason.into(),
            body,
        }],
    );
    tcp::close(cx, ns, client);
}

impl Frontend {
    pub fn handle(&mut self, msg: Msg, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        match msg {
            Msg::Start => {
                let me = cx.me();
                tcp::listen(cx, ns, 80, me);
            }
            Msg::Tcp(TcpEvent::Data { key, msgs }) => {
                for m in msgs {
                    match m {
                        Message::HttpRequest { path, .. } => self.request(cx, ns, key, &path),
                        Message::RedisReply { reply } => self.reply(cx, ns, key, reply),
                        _ => {}
                    }
                }
            }
            Msg::Tcp(TcpEvent::Connected { key }) => {
                if let Some(p) = self.pending.get(&key) {
                    let args = p.command.clone();
                    tcp::send(cx, ns, key, vec![Message::RedisCommand { args }]);
                }
            }
            Msg::Tcp(TcpEvent::Failed { key, err }) => {
                if let Some(p) = self.pending.remove(&key) {
                    let body = predis_fatal(err, key.2, AT);
                    respond(cx, ns, p.client, 500, body);
                }
            }
            Msg::Tcp(TcpEvent::Eof { key }) => tcp::close(cx, ns, key),
            ref m @ (Msg::Udp { .. } | Msg::Timer(_)) => {
                // The lookup this is for: by the answer's port, or the timer's token.
                let token = match m {
                    Msg::Udp { packet } => {
                        let (_, dport, _) = packet.dns()?;
                        let mut ports = self.lookups.iter();
                        ports
                            .find(|(_, l)| l.0.port() == Some(dport))
                            .map(|(t, _)| *t)
                    }
                    Msg::Timer(t) => Some(*t),
                    _ => None,
                }?;
                let out = self.lookups.get_mut(&token)?.0.on_msg(cx, ns, m)?;
                let (_, host, p) = self.lookups.remove(&token).expect("looked up");
                self.resolved(cx, ns, &host, p, out);
            }
            _ => {}
        }
        None
    }

    fn request(&mut self, cx: &mut Ctx<'_, Net>, ns: NsId, client: SockKey, path: &str) {
        let (file, query) = path.split_once('?').unwrap_or((path, ""));
        let args: BTreeMap<String, String> = query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (decode(k), decode(v)))
            .collect();
        let Some(cmd) = args.get("cmd").filter(|_| file == "/guestbook.php") else {
            let body = "<html ng-app=\"redis\">\n  <head>\n    <title>Guestbook</title>\n  </head>\n  <body ng-controller=\"RedisCtrl\">\n    <h2>Guestbook</h2>\n  </body>\n</html>\n";
            return respond(cx, ns, client, 200, body.into());
        };
        let key = args.get("key").cloned().unwrap_or_default();
        let from_env = env(cx, ns, "GET_HOSTS_FROM").as_deref() == Some("env");
        let (get, var, name, command) = if cmd == "set" {
            let value = args.get("value").cloned().unwrap_or_default();
            (
                false,
                "REDIS_MASTER_SERVICE_HOST",
                "redis-master",
                vec!["SET".into(), key, value],
            )
        } else {
            (
                true,
                "REDIS_SLAVE_SERVICE_HOST",
                "redis-slave",
                vec!["GET".into(), key],
            )
        };
        let host = if from_env {
            env(cx, ns, var).unwrap_or_default()
        } else {
            name.to_string()
        };
        let p = Pending {
            client,
            command,
            get,
        };
        // PHP's stream_socket_client: getaddrinfo, then connect.
        let token = LOOKUP_TOKENS + self.next_token;
        self.next_token += 1;
        let types = [RType::A, RType::Aaaa];
        let (r, out) = Resolver::lookup(cx, ns, &host, &types, token);
        match out {
            Some(out) => self.resolved(cx, ns, &host, p, out),
            None => {
                self.lookups.insert(token, (r, host, p));
            }
        }
    }

    fn resolved(&mut self, cx: &mut Ctx<'_, Net>, ns: NsId, host: &str, p: Pending, out: Outcome) {
        let Pending {
            client,
            command,
            get,
        } = p;
        let addr = match out {
            Ok((addrs, _)) => addrs[0],
            Err(f) => {
                let why = f.gai_strerror();
                let message = format!("php_network_getaddresses: getaddrinfo failed: {why}");
                let body = predis_fatal(message, host, AT);
                return respond(cx, ns, client, 500, body);
            }
        };
        let me = cx.me();
        match tcp::connect(cx, ns, me, addr, REDIS_PORT) {
            Ok(sock) => {
                self.pending.insert(
                    sock,
                    Pending {
                        client,
                        command,
                        get,
                    },
                );
            }
            Err(err) => {
                let body = predis_fatal(err, addr, "");
                respond(cx, ns, client, 500, body);
            }
        }
    }

    fn reply(&mut self, cx: &mut Ctx<'_, Net>, ns: NsId, sock: SockKey, reply: Resp) {
        let Some(p) = self.pending.remove(&sock) else {
            return;
        };
        tcp::close(cx, ns, sock);
        let body = match (p.get, reply) {
            (false, _) => "{\"message\": \"Updated\"}".to_string(),
            (true, Resp::Bulk { value }) => {
                format!("{{\"data\": \"{}\"}}", value.unwrap_or_default())
            }
            (true, _) => "{\"data\": \"\"}".to_string(),
        };
        respond(cx, ns, p.client, 200, body);
    }
}
