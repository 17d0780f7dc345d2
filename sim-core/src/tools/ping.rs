//! iputils `ping` (IPv4, raw-socket flavour), on simulated time.
//!
//! Follows iputils' `ping_common.c`/`ping.c` (notes in docs/cli.md): the first probe goes
//! out at start, then one per interval; seq starts at 1; the identifier is the pid (raw
//! sockets since 20240117). After the last of `-c` probes, ping waits once-computed time:
//! max(2 x max RTT, interval) if any reply came, else the linger time (`-W`, 10 s by
//! default; `-W 0` waits forever). It stops at once when replies plus errors reach the
//! count. The summary's `time` is the last send minus the start, rounded to the ms; loss
//! is printed with `%g`; rtt figures are whole microseconds printed as ms, truncated.

use std::fmt::Write;
use std::net::Ipv4Addr;

use crate::engine::{CancelKey, Ctx, Dur, SimTime};
use crate::net::stack::{self, SendError};
use crate::net::{Msg, Net, NsId};
use crate::trace::Stream;
use crate::wire::{DEFAULT_TTL, Icmp, Ipv4Header, L4, Packet, QuotedL4, UnreachCode};

use super::print;

const SEND: u64 = 0;
const EXIT: u64 = 1;

pub struct Ping {
    host: String,
    dst: Ipv4Addr,
    count: Option<u64>,
    interval: Dur,
    /// How long to wait after the last probe when no reply came; `None` = forever (`-W 0`).
    linger: Option<Dur>,
    size: u16,
    ident: u16,
    start: SimTime,
    last_send: SimTime,
    /// Send time of each seq (index seq - 1) and whether it was answered.
    sent: Vec<(SimTime, bool)>,
    nreceived: u64,
    nrepeats: u64,
    nerrors: u64,
    pipesize: u64,
    tmin: u64,
    tmax: u64,
    tsum: u64,
    tsum2: u64,
    exit_armed: bool,
    /// The pending wait-after-last-probe timer, cancelled if ping finishes first.
    exit_timer: Option<CancelKey>,
}

impl Ping {
    /// Parses ping's arguments (after `ping`). Errors are (message for stderr, status).
    pub fn parse(args: &[String], pid: u32) -> Result<Ping, (String, i32)> {
        let mut count = None;
        let mut interval = Dur::from_secs(1);
        let mut linger = Some(Dur::from_secs(10));
        let mut size: u16 = 56;
        let mut host = None;
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            if let Some(flag) = arg.strip_prefix('-').filter(|f| !f.is_empty()) {
                let (letter, attached) = flag.split_at(1);
                let mut value = |name: &str| -> Result<String, (String, i32)> {
                    if !attached.is_empty() {
                        return Ok(attached.to_string());
                    }
                    it.next().cloned().ok_or_else(|| {
                        (format!("ping: option requires an argument -- '{name}'"), 2)
                    })
                };
                match letter {
                    "c" => {
                        let v = value("c")?;
                        match v.parse::<u64>() {
                            Ok(n) if n > 0 => count = Some(n),
                            _ => {
                                return Err((
                                    format!(
                                        "ping: invalid argument: '{v}': out of range: 1 <= value <= 9223372036854775807"
                                    ),
                                    2,
                                ));
                            }
                        }
                    }
                    "i" => {
                        let v = value("i")?;
                        interval = secs(&v)
                            .filter(|d| d.0 >= 2_000_000)
                            .ok_or_else(|| (format!("ping: bad timing interval: {v}"), 2))?;
                    }
                    "W" => {
                        let v = value("W")?;
                        let d =
                            secs(&v).ok_or_else(|| (format!("ping: bad linger time: {v}"), 2))?;
                        linger = (d.0 > 0).then_some(d);
                    }
                    "s" => {
                        let v = value("s")?;
                        size = v
                            .parse::<u16>()
                            .ok()
                            .filter(|s| *s <= 65507)
                            .ok_or_else(|| {
                                (format!("ping: invalid argument: '{v}': out of range: 0 <= value <= 65507"), 2)
                            })?;
                    }
                    other => return Err((format!("ping: invalid option -- '{other}'"), 2)),
                }
            } else if host.is_none() {
                host = Some(arg.clone());
            } else {
                return Err((
                    "ping: usage error: Only one destination address allowed".into(),
                    2,
                ));
            }
        }
        let Some(host) = host else {
            return Err(("ping: usage error: Destination address required".into(), 2));
        };
        let Ok(dst) = host.parse::<Ipv4Addr>() else {
            // Names need DNS, which the simulator does not have yet.
            return Err((format!("ping: {host}: Name or service not known"), 2));
        };
        Ok(Ping {
            host,
            dst,
            count,
            interval,
            linger,
            size,
            ident: (pid & 0xffff) as u16,
            start: SimTime::ZERO,
            last_send: SimTime::ZERO,
            sent: Vec::new(),
            nreceived: 0,
            nrepeats: 0,
            nerrors: 0,
            pipesize: 1,
            tmin: u64::MAX,
            tmax: 0,
            tsum: 0,
            tsum2: 0,
            exit_armed: false,
            exit_timer: None,
        })
    }

    /// Handles one message; returns the exit status when ping is done.
    pub fn handle(&mut self, msg: Msg, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        match msg {
            Msg::Start => {
                if stack::source_for(cx, ns, self.dst).is_none() {
                    print(
                        cx,
                        Stream::Stderr,
                        "ping: connect: Network is unreachable\n",
                    );
                    return Some(2);
                }
                let header = format!(
                    "PING {} ({}) {}({}) bytes of data.\n",
                    self.host,
                    self.dst,
                    self.size,
                    self.size as u32 + 28
                );
                print(cx, Stream::Stdout, &header);
                let me = cx.me();
                cx.world.ns_mut(ns).icmp_sockets.insert(self.ident, me);
                self.start = cx.now();
                self.send(ns, cx)
            }
            Msg::Timer(SEND) => self.send(ns, cx),
            Msg::Timer(_) => {
                self.exit_timer = None; // it fired: nothing left to cancel
                Some(self.finish(cx))
            }
            Msg::Icmp { packet } => self.receive(*packet, cx),
            Msg::Frame { .. } | Msg::Loopback { .. } => unreachable!("processes get no frames"),
        }
    }

    fn send(&mut self, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        let seq = self.sent.len() as u64 + 1;
        let id = cx.world.packet_id();
        let ip_ident = cx.world.ns_mut(ns).ip_ident();
        let probe = Packet {
            id,
            parent: None,
            ip: Ipv4Header {
                src: Ipv4Addr::UNSPECIFIED,
                dst: self.dst,
                ttl: DEFAULT_TTL,
                ident: ip_ident,
                df: true,
            },
            l4: L4::Icmp(Icmp::EchoRequest {
                ident: self.ident,
                seq: seq as u16,
                data: self.size,
            }),
        };
        self.sent.push((cx.now(), false));
        self.last_send = cx.now();
        if let Err(SendError::NetworkUnreachable) = stack::output(cx, ns, probe) {
            // The route vanished since start: sendto fails; iputils reports and goes on.
            print(
                cx,
                Stream::Stderr,
                "ping: sendmsg: Network is unreachable\n",
            );
            self.nerrors += 1;
        }
        if self.count.is_some_and(|c| seq >= c) {
            self.arm_exit(cx);
            if self.done() {
                return Some(self.finish(cx));
            }
        } else {
            cx.schedule(self.interval, Msg::Timer(SEND));
        }
        None
    }

    /// After the last probe: wait once-computed time, then finish.
    fn arm_exit(&mut self, cx: &mut Ctx<'_, Net>) {
        if self.exit_armed {
            return;
        }
        self.exit_armed = true;
        let wait = if self.nreceived > 0 {
            Some(Dur(2 * self.tmax * 1_000).max(self.interval))
        } else {
            self.linger
        };
        if let Some(wait) = wait {
            self.exit_timer = Some(cx.schedule_cancellable(wait, Msg::Timer(EXIT)));
        }
    }

    fn done(&self) -> bool {
        self.count
            .is_some_and(|c| self.nreceived + self.nerrors >= c)
    }

    fn receive(&mut self, packet: Packet, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        let L4::Icmp(icmp) = &packet.l4;
        match icmp {
            Icmp::EchoReply { seq, data, .. } => {
                let slot = self.sent.get_mut((*seq as usize).wrapping_sub(1))?;
                let rtt = (cx.now() - slot.0).as_micros();
                let dup = slot.1;
                slot.1 = true;
                self.acknowledge(*seq);
                let mut line = format!(
                    "{} bytes from {}: icmp_seq={} ttl={} time={}",
                    data + 8,
                    packet.ip.src,
                    seq,
                    packet.ip.ttl,
                    trip_time(rtt)
                );
                if dup {
                    self.nrepeats += 1;
                    line.push_str(" (DUP!)");
                } else {
                    self.nreceived += 1;
                }
                self.tsum += rtt;
                self.tsum2 += rtt * rtt;
                self.tmin = self.tmin.min(rtt);
                self.tmax = self.tmax.max(rtt);
                line.push('\n');
                print(cx, Stream::Stdout, &line);
            }
            Icmp::DestUnreachable { quoted, .. } | Icmp::TimeExceeded { quoted } => {
                let QuotedL4::Icmp { seq, .. } = quoted.l4;
                self.acknowledge(seq);
                self.nerrors += 1;
                let what = match icmp {
                    Icmp::DestUnreachable {
                        code: UnreachCode::Net,
                        ..
                    } => "Destination Net Unreachable",
                    Icmp::DestUnreachable {
                        code: UnreachCode::Host,
                        ..
                    } => "Destination Host Unreachable",
                    Icmp::DestUnreachable {
                        code: UnreachCode::Port,
                        ..
                    } => "Destination Port Unreachable",
                    _ => "Time to live exceeded",
                };
                let line = format!("From {} icmp_seq={} {what}\n", packet.ip.src, seq);
                print(cx, Stream::Stdout, &line);
            }
            Icmp::EchoRequest { .. } => return None,
        }
        self.done().then(|| self.finish(cx))
    }

    fn acknowledge(&mut self, seq: u16) {
        let outstanding = (self.sent.len() as u64 + 1).saturating_sub(seq as u64);
        self.pipesize = self.pipesize.max(outstanding);
    }

    /// Prints the statistics and returns the exit status.
    fn finish(&mut self, cx: &mut Ctx<'_, Net>) -> i32 {
        if let Some(timer) = self.exit_timer.take() {
            cx.cancel(timer);
        }
        let tx = self.sent.len() as u64;
        let mut out = String::new();
        let _ = write!(
            out,
            "\n--- {} ping statistics ---\n{tx} packets transmitted, {} received",
            self.host, self.nreceived
        );
        if self.nrepeats > 0 {
            let _ = write!(out, ", +{} duplicates", self.nrepeats);
        }
        if self.nerrors > 0 {
            let _ = write!(out, ", +{} errors", self.nerrors);
        }
        let loss = if tx > 0 {
            ((tx - self.nreceived.min(tx)) as f64 * 100.0 / tx as f64) as f32
        } else {
            0.0
        };
        let elapsed = (self.last_send - self.start).0;
        let _ = writeln!(
            out,
            ", {}% packet loss, time {}ms",
            format_g(loss as f64),
            (elapsed + 500_000) / 1_000_000
        );
        let mut comma = "";
        let total = self.nreceived + self.nrepeats;
        if let Some(avg) = self.tsum.checked_div(total) {
            let var = (self.tsum2 - self.tsum * self.tsum / total) / total;
            let mdev = var.isqrt();
            let ms = |us: u64| format!("{}.{:03}", us / 1000, us % 1000);
            let _ = write!(
                out,
                "rtt min/avg/max/mdev = {}/{}/{}/{} ms",
                ms(self.tmin),
                ms(avg),
                ms(self.tmax),
                ms(mdev)
            );
            comma = ", ";
        }
        if self.pipesize > 1 {
            let _ = write!(out, "{comma}pipe {}", self.pipesize);
        }
        out.push('\n');
        print(cx, Stream::Stdout, &out);
        if self.nreceived == 0 { 1 } else { 0 }
    }
}

/// `-W 1.5` / `-i 0.2`: seconds with an optional fraction, to the microsecond.
fn secs(v: &str) -> Option<Dur> {
    let f: f64 = v.parse().ok()?;
    (0.0..2_147_483.0)
        .contains(&f)
        .then(|| Dur((f * 1e6).round() as u64 * 1_000))
}

/// The reply line's `time=` field: 3, 2, 1 or 0 decimals by size, as iputils prints.
fn trip_time(us: u64) -> String {
    if us >= 100_000 - 50 {
        format!("{} ms", (us + 500) / 1000)
    } else if us >= 10_000 - 5 {
        format!("{}.{:01} ms", (us + 50) / 1000, ((us + 50) % 1000) / 100)
    } else if us >= 1000 {
        format!("{}.{:02} ms", (us + 5) / 1000, ((us + 5) % 1000) / 10)
    } else {
        format!("{}.{:03} ms", us / 1000, us % 1000)
    }
}

/// C's `%g` for the values ping prints (0..=100): 6 significant digits, no trailing zeros.
fn format_g(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let int_digits = (x.abs().log10().floor() as i32 + 1).max(1);
    let decimals = (6 - int_digits).max(0) as usize;
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trip_time_precision_follows_iputils() {
        assert_eq!(trip_time(200), "0.200 ms");
        assert_eq!(trip_time(999), "0.999 ms");
        assert_eq!(trip_time(1000), "1.00 ms");
        assert_eq!(trip_time(9994), "9.99 ms");
        assert_eq!(trip_time(9995), "10.0 ms");
        assert_eq!(trip_time(99_949), "99.9 ms");
        assert_eq!(trip_time(99_950), "100 ms");
    }

    /// Loss values seen verbatim in iputils issue #484 and the `%g` examples.
    #[test]
    fn loss_prints_like_percent_g_of_a_float() {
        let loss =
            |tx: u64, rx: u64| format_g((((tx - rx) as f64 * 100.0 / tx as f64) as f32) as f64);
        assert_eq!(loss(3, 3), "0");
        assert_eq!(loss(3, 0), "100");
        assert_eq!(loss(2, 1), "50");
        assert_eq!(loss(3, 2), "33.3333");
        assert_eq!(loss(3, 1), "66.6667");
        assert_eq!(loss(8, 1), "87.5");
        assert_eq!(loss(39, 1), "97.4359");
    }

    #[test]
    fn parses_options_like_iputils() {
        let args = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
        let p = Ping::parse(&args("-c 3 -W 1 -s 1472 10.0.0.2"), 2001).unwrap();
        assert_eq!(
            (p.count, p.linger, p.size, p.ident),
            (Some(3), Some(Dur::from_secs(1)), 1472, 2001)
        );
        assert_eq!(
            Ping::parse(&args("-c3 -W0 10.0.0.2"), 1).unwrap().linger,
            None
        );
        assert_eq!(
            Ping::parse(&args("-c 3"), 1).err().unwrap().0,
            "ping: usage error: Destination address required"
        );
        assert_eq!(
            Ping::parse(&args("-x 10.0.0.2"), 1).err().unwrap().0,
            "ping: invalid option -- 'x'"
        );
        assert_eq!(
            Ping::parse(&args("redis-master"), 1).err().unwrap().0,
            "ping: redis-master: Name or service not known"
        );
    }
}
