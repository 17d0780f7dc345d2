//! `dig [@SERVER] NAME [TYPE]` and `dig -x ADDRESS` (bind 9.16): one query, as typed (no
//! search list), to SERVER or the first nameserver of `/etc/resolv.conf`, tried 3 times
//! 5 s apart; the answer printed in dig's sections. Also the one-shot query that
//! `nslookup -query=TYPE` and `nslookup ADDRESS` use (`Query`).

use std::fmt::Write as _;
use std::net::Ipv4Addr;

use super::print;
use crate::engine::{CancelKey, Ctx, Dur, SimTime};
use crate::net::{Msg, Net, NsId, udp};
use crate::trace::Stream;
use crate::wire::UdpPayload;
use crate::wire::dns::{Message, RData, RType, Record, absolute};

/// The timer token of a query (a program's own timers are small numbers).
pub const TOKEN: u64 = (1 << 40) + 1;

/// A query that could not be sent, or got no answer after its last try.
#[derive(Debug)]
pub struct Unanswered;

/// One query and its retries.
pub struct Query {
    pub server: Ipv4Addr,
    pub name: String,
    pub qtype: RType,
    id: u16,
    sport: Option<u16>,
    tries: u32,
    max_tries: u32,
    wait: Dur,
    timer: Option<CancelKey>,
    pub sent_at: SimTime,
}

/// `10.97.72.1` as `1.72.97.10.in-addr.arpa`.
pub fn reverse_name(ip: Ipv4Addr) -> String {
    let o = ip.octets();
    format!("{}.{}.{}.{}.in-addr.arpa", o[3], o[2], o[1], o[0])
}

/// The first nameserver of the machine's `/etc/resolv.conf` (127.0.0.1 without one).
pub fn first_nameserver(cx: &Ctx<'_, Net>, ns: NsId) -> Ipv4Addr {
    crate::k8s::resolvconf::nameservers(cx.world.ns(ns))
        .first()
        .copied()
        .unwrap_or(Ipv4Addr::LOCALHOST)
}

impl Query {
    pub fn new(server: Ipv4Addr, name: &str, qtype: RType, max_tries: u32, wait: Dur) -> Query {
        Query {
            server,
            name: absolute(name),
            qtype,
            id: 0,
            sport: None,
            tries: 0,
            max_tries,
            wait,
            timer: None,
            sent_at: SimTime::ZERO,
        }
    }

    /// Sends the query. `Err(())` when it cannot be sent (no route, no port).
    pub fn start(&mut self, cx: &mut Ctx<'_, Net>, ns: NsId) -> Result<(), Unanswered> {
        let me = cx.me();
        self.sport = udp::bind(cx, ns, None, me);
        self.id = cx
            .world
            .ns(ns)
            .next_ip_ident
            .wrapping_mul(31)
            .wrapping_add(7);
        self.sent_at = cx.now();
        let sent = self.send(cx, ns);
        if sent.is_err() {
            self.close(cx, ns);
        }
        sent
    }

    fn send(&mut self, cx: &mut Ctx<'_, Net>, ns: NsId) -> Result<(), Unanswered> {
        let sport = self.sport.ok_or(Unanswered)?;
        self.tries += 1;
        let q = Message::query(self.id, &self.name, self.qtype);
        udp::send(
            cx,
            ns,
            sport,
            self.server,
            53,
            UdpPayload::Dns { msg: Box::new(q) },
        )
        .map_err(|_| Unanswered)?;
        self.timer = Some(cx.schedule_cancellable(self.wait, Msg::Timer(TOKEN)));
        Ok(())
    }

    /// The answer (`Some(Ok)`), no answer after the last try (`Some(Err)`), or nothing yet.
    pub fn on_msg(
        &mut self,
        cx: &mut Ctx<'_, Net>,
        ns: NsId,
        msg: &Msg,
    ) -> Option<Result<Message, Unanswered>> {
        match msg {
            Msg::Udp { packet } => {
                let (_, dport, msg) = packet.dns()?;
                if Some(dport) != self.sport || !msg.response || msg.id != self.id {
                    return None;
                }
                self.close(cx, ns);
                Some(Ok(msg.clone()))
            }
            Msg::Timer(TOKEN) => {
                self.timer = None;
                if self.tries >= self.max_tries || self.send(cx, ns).is_err() {
                    self.close(cx, ns);
                    return Some(Err(Unanswered));
                }
                None
            }
            _ => None,
        }
    }

    fn close(&mut self, cx: &mut Ctx<'_, Net>, ns: NsId) {
        if let Some(t) = self.timer.take() {
            cx.cancel(t);
        }
        if let Some(p) = self.sport.take() {
            let me = cx.me();
            udp::close(cx, ns, p, me);
        }
    }
}

/// A record as dig prints it: name, TTL, class, type and data, tab-separated.
pub fn dig_record(r: &Record) -> String {
    let data = match &r.data {
        RData::A(a) => a.to_string(),
        RData::Aaaa(a) => a.clone(),
        RData::Cname(t) | RData::Ptr(t) | RData::Ns(t) => t.clone(),
        RData::Srv {
            priority,
            weight,
            port,
            target,
        } => format!("{priority} {weight} {port} {target}"),
        RData::Soa {
            mname,
            rname,
            serial,
            refresh,
            retry,
            expire,
            minimum,
        } => format!("{mname} {rname} {serial} {refresh} {retry} {expire} {minimum}"),
        RData::Txt(t) => format!("\"{t}\""),
    };
    format!(
        "{}\t\t{}\tIN\t{}\t{data}",
        r.name,
        r.ttl,
        r.data.rtype().name()
    )
}

pub struct Dig {
    query: Query,
    argline: String,
    server: Option<Ipv4Addr>,
}

impl Dig {
    pub fn parse(args: &[String]) -> Result<Dig, (String, i32)> {
        let mut server = None;
        let mut name = None;
        let mut qtype = RType::A;
        let mut it = args.iter();
        while let Some(a) = it.next() {
            if let Some(s) = a.strip_prefix('@') {
                server = Some(s.parse::<Ipv4Addr>().map_err(|_| {
                    (
                        format!("dig: couldn't get address for '{s}': not found"),
                        10,
                    )
                })?);
            } else if a == "-x" {
                let ip: Ipv4Addr = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .ok_or(("dig: -x needs an IPv4 address".to_string(), 1))?;
                name = Some(reverse_name(ip));
                qtype = RType::Ptr;
            } else if a.starts_with('+') || a.starts_with('-') {
                return Err((
                    format!("dig: option {a} is not simulated (@SERVER, -x, TYPE are)"),
                    1,
                ));
            } else if let (Some(_), Some(t)) = (&name, RType::parse(a)) {
                qtype = t;
            } else if name.is_none() {
                name = Some(a.clone());
            } else {
                return Err((format!("dig: unexpected argument {a}"), 1));
            }
        }
        let name = name.unwrap_or_else(|| ".".into());
        if name != "." && !super::resolver::valid_name(&name) {
            return Err((
                format!("dig: '{name}' is not a legal name (label too long)"),
                10,
            ));
        }
        Ok(Dig {
            query: Query::new(Ipv4Addr::UNSPECIFIED, &name, qtype, 3, Dur::from_secs(5)),
            argline: args.join(" "),
            server,
        })
    }

    pub fn handle(&mut self, msg: Msg, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        match msg {
            Msg::Start => {
                self.query.server = self.server.unwrap_or_else(|| first_nameserver(cx, ns));
                if self.query.start(cx, ns).is_err() {
                    print(
                        cx,
                        Stream::Stdout,
                        ";; connection timed out; no servers could be reached\n",
                    );
                    return Some(9);
                }
                None
            }
            ref m @ (Msg::Udp { .. } | Msg::Timer(TOKEN)) => match self.query.on_msg(cx, ns, m)? {
                Ok(answer) => {
                    let text = self.render(cx, &answer);
                    print(cx, Stream::Stdout, &text);
                    Some(0)
                }
                Err(Unanswered) => {
                    let text = format!(
                        "\n; <<>> DiG 9.16.1 <<>> {}\n;; global options: +cmd\n;; connection timed out; no servers could be reached\n",
                        self.argline
                    );
                    print(cx, Stream::Stdout, &text);
                    Some(9)
                }
            },
            _ => None,
        }
    }

    fn render(&self, cx: &Ctx<'_, Net>, m: &Message) -> String {
        let mut t = String::new();
        let _ = writeln!(t, "\n; <<>> DiG 9.16.1 <<>> {}", self.argline);
        t += ";; global options: +cmd\n;; Got answer:\n";
        let _ = writeln!(
            t,
            ";; ->>HEADER<<- opcode: QUERY, status: {}, id: {}",
            m.rcode.name(),
            m.id
        );
        let mut flags = vec!["qr"];
        if m.authoritative {
            flags.push("aa");
        }
        if m.rd {
            flags.push("rd");
        }
        if m.ra {
            flags.push("ra");
        }
        let _ = writeln!(
            t,
            ";; flags: {}; QUERY: 1, ANSWER: {}, AUTHORITY: {}, ADDITIONAL: {}\n",
            flags.join(" "),
            m.answer.len(),
            m.authority.len(),
            m.additional.len()
        );
        let _ = writeln!(
            t,
            ";; QUESTION SECTION:\n;{}\t\tIN\t{}\n",
            self.query.name,
            self.query.qtype.name()
        );
        for (title, records) in [
            ("ANSWER", &m.answer),
            ("AUTHORITY", &m.authority),
            ("ADDITIONAL", &m.additional),
        ] {
            if records.is_empty() {
                continue;
            }
            let _ = writeln!(t, ";; {title} SECTION:");
            for r in records {
                let _ = writeln!(t, "{}", dig_record(r));
            }
            t.push('\n');
        }
        let ms = (cx.now() - self.query.sent_at).as_nanos() / 1_000_000;
        let s = self.query.server;
        let _ = writeln!(t, ";; Query time: {ms} msec\n;; SERVER: {s}#53({s})");
        let when = crate::clock::datetime(cx.now()).format("%a %b %d %H:%M:%S UTC %Y");
        let _ = writeln!(t, ";; WHEN: {when}");
        let _ = writeln!(t, ";; MSG SIZE  rcvd: {}\n", m.len());
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_and_reverse_names_as_dig_writes_them() {
        assert_eq!(
            reverse_name(Ipv4Addr::new(10, 97, 72, 1)),
            "1.72.97.10.in-addr.arpa"
        );
        let r = Record {
            name: "_http._tcp.demoapp-svc.default.svc.cluster.local.".into(),
            ttl: 30,
            data: RData::Srv {
                priority: 0,
                weight: 100,
                port: 80,
                target: "demoapp-svc.default.svc.cluster.local.".into(),
            },
        };
        assert_eq!(
            dig_record(&r),
            "_http._tcp.demoapp-svc.default.svc.cluster.local.\t\t30\tIN\tSRV\t0 100 80 demoapp-svc.default.svc.cluster.local."
        );
        assert!(Dig::parse(&["+short".into()]).is_err());
        let d = Dig::parse(&["-x".into(), "10.97.72.1".into()]).unwrap();
        assert_eq!(d.query.qtype, RType::Ptr);
    }
}
