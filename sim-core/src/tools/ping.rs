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
use crate::wire::{Icmp, L4, Packet, QuotedL4, UnreachCode};

use super::print;

const SEND: u64 = 0;
const EXIT: u64 = 1;

/// `-M`: what the socket asks of path MTU discovery (IP_MTU_DISCOVER).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pmtudisc {
    /// `do` (and `probe`): always DF; a packet over the route's MTU fails with EMSGSIZE.
    Do,
    /// `want` (the default): DF when the packet fits the route's MTU, else fragment.
    Want,
    /// `dont`: never DF; fragment as needed.
    Dont,
}

pub struct Ping {
    host: String,
    dst: Ipv4Addr,
    count: Option<u64>,
    interval: Dur,
    /// How long to wait after the last probe when no reply came; `None` = forever (`-W 0`).
    linger: Option<Dur>,
    size: u16,
    pmtudisc: Pmtudisc,
    ident: u16,
    start: SimTime,
    last_send: SimTime,
    /// Probes sent so far.
    ntransmitted: u64,
    /// Per 16-bit sequence number: when it was last sent, and whether that one was answered.
    /// Overwritten on each send, as iputils clears its received bit, so ping keeps working
    /// past 65,536 probes.
    sent: std::collections::BTreeMap<u16, (SimTime, bool)>,
    nreceived: u64,
    nrepeats: u64,
    nerrors: u64,
    pipesize: u64,
    tmin: u64,
    tmax: u64,
    /// Sums of RTTs and of their squares in microseconds, doubles as in iputils' ping.h.
    tsum: f64,
    tsum2: f64,
    exit_armed: bool,
    /// The pending wait-after-last-probe timer, cancelled if ping finishes first.
    exit_timer: Option<CancelKey>,
    /// What the option parser warned about (iputils' "contains garbage"), printed at start.
    warnings: String,
}

impl Ping {
    /// Parses ping's arguments (after `ping`). Errors are (message for stderr, status).
    pub fn parse(args: &[String], pid: u32) -> Result<Ping, (String, i32)> {
        let mut count = None;
        let mut interval = Dur::from_secs(1);
        let mut linger = Some(Dur::from_secs(10));
        let mut datalen: i64 = 56;
        let mut warnings = String::new();
        let mut pmtudisc = Pmtudisc::Want;
        let mut host = None;
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            if let Some(flag) = arg.strip_prefix('-').filter(|f| !f.is_empty()) {
                let first = flag.chars().next().map_or(1, char::len_utf8);
                let (letter, attached) = flag.split_at(first);
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
                        count = Some(strtol_or_err(&v, 1, i64::MAX)? as u64);
                    }
                    "i" => {
                        let v = value("i")?;
                        // iputils keeps whole milliseconds: (int)(value * 1000).
                        match millis(&v, "bad timing interval", &mut warnings)? {
                            0 => {
                                return Err((
                                    "ping: -i below 1 ms (flood) is not simulated".into(),
                                    2,
                                ));
                            }
                            ms => interval = Dur::from_millis(ms),
                        }
                    }
                    "W" => {
                        let v = value("W")?;
                        // Whole milliseconds, as iputils stores it; 0 waits forever.
                        let ms = millis(&v, "bad linger time", &mut warnings)?;
                        linger = (ms > 0).then(|| Dur::from_millis(ms));
                    }
                    "M" => {
                        let v = value("M")?;
                        pmtudisc = match v.as_str() {
                            "do" | "probe" => Pmtudisc::Do,
                            "want" => Pmtudisc::Want,
                            "dont" => Pmtudisc::Dont,
                            _ => return Err((format!("ping: invalid -M argument: {v}"), 2)),
                        };
                    }
                    "s" => {
                        let v = value("s")?;
                        // Checked against the IPv4 maximum once the options are read.
                        datalen = strtol_or_err(&v, 0, i32::MAX.into())?;
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
        if datalen > 65507 {
            return Err((
                format!("ping: invalid -s value: '{datalen}': out of range: 0 <= value <= 65507"),
                1,
            ));
        }
        let size = datalen as u16;
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
            pmtudisc,
            ident: (pid & 0xffff) as u16,
            start: SimTime::ZERO,
            last_send: SimTime::ZERO,
            ntransmitted: 0,
            sent: std::collections::BTreeMap::new(),
            nreceived: 0,
            nrepeats: 0,
            nerrors: 0,
            pipesize: 1,
            tmin: u64::MAX,
            tmax: 0,
            tsum: 0.0,
            tsum2: 0.0,
            exit_armed: false,
            exit_timer: None,
            warnings,
        })
    }

    /// Handles one message; returns the exit status when ping is done.
    pub fn handle(&mut self, msg: Msg, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        match msg {
            Msg::Start => {
                if !self.warnings.is_empty() {
                    let w = std::mem::take(&mut self.warnings);
                    print(cx, Stream::Stderr, &w);
                }
                let netns = cx.world.ns(ns);
                let broadcast = self.dst == Ipv4Addr::BROADCAST
                    || netns
                        .devices
                        .iter()
                        .flat_map(|d| &d.addrs)
                        .any(|a| a.prefix_len() < 31 && a.broadcast() == self.dst);
                if broadcast {
                    // ping.c refuses broadcast destinations unless -b is given.
                    print(
                        cx,
                        Stream::Stderr,
                        "ping: Do you want to ping broadcast? Then -b. If not, check your local firewall rules\n",
                    );
                    return Some(2);
                }
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
            // Ctrl-C: ping prints its statistics and exits, as it does at its count.
            Msg::Interrupt => Some(self.finish(cx)),
            Msg::Stdin(..) | Msg::StdinEof(_) => None,
            Msg::Frame { .. }
            | Msg::Rx { .. }
            | Msg::NeighTimer { .. }
            | Msg::Loopback { .. }
            | Msg::Udp { .. }
            | Msg::TunRead { .. }
            | Msg::Tcp(_)
            | Msg::TcpTimer { .. }
            | Msg::Stop
            | Msg::Systemctl { .. }
            | Msg::SystemctlDone { .. }
            | Msg::TunWrite { .. }
            | Msg::ReassemblyTimeout { .. }
            | Msg::EtcdRequest { .. }
            | Msg::EtcdResponse { .. }
            | Msg::ApiRequest { .. }
            | Msg::ApiResponse { .. }
            | Msg::ApiEvent { .. }
            | Msg::RunSandbox { .. }
            | Msg::KillSandbox { .. }
            | Msg::SandboxUp { .. }
            | Msg::Exited { .. }
            | Msg::LogLine { .. }
            | Msg::Captured(_)
            | Msg::Xmit { .. } => {
                unreachable!("processes get no frames")
            }
        }
    }

    fn send(&mut self, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        self.ntransmitted += 1;
        let seq = self.ntransmitted as u16; // wraps as the 16-bit field does
        let id = cx.world.packet_id();
        let ip_ident = cx.world.ns_mut(ns).ip_ident();
        let probe = Packet::echo_request(id, self.dst, ip_ident, self.ident, seq, self.size);
        self.sent.insert(seq, (cx.now(), false));
        self.last_send = cx.now();
        let mut probe = probe;
        probe.ip.df = match self.pmtudisc {
            Pmtudisc::Do => true,
            Pmtudisc::Dont => false,
            Pmtudisc::Want => {
                stack::path_mtu(cx, ns, self.dst).is_some_and(|mtu| probe.len() <= mtu)
            }
        };
        match stack::output(cx, ns, probe) {
            Ok(()) => {}
            Err(SendError::NetworkUnreachable) => {
                // The route vanished since start: sendto fails; iputils reports and goes on.
                print(
                    cx,
                    Stream::Stderr,
                    "ping: sendmsg: Network is unreachable\n",
                );
                self.nerrors += 1;
            }
            Err(SendError::MessageTooLong { mtu }) => {
                // EMSGSIZE on the error queue: ping4_receive_error_msg's local error.
                let line = format!("ping: local error: message too long, mtu={mtu}\n");
                print(cx, Stream::Stderr, &line);
                self.acknowledge(seq);
                self.nerrors += 1;
            }
        }
        if self.count.is_some_and(|c| self.ntransmitted >= c) {
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

    /// Whether replies carry a send timestamp: iputils needs 16 bytes of data (a struct
    /// timeval) to time them; below that it prints no `time=` and no rtt line.
    fn timing(&self) -> bool {
        self.size >= 16
    }

    fn done(&self) -> bool {
        self.count
            .is_some_and(|c| self.nreceived + self.nerrors >= c)
    }

    fn receive(&mut self, packet: Packet, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        let L4::Icmp(icmp) = &packet.l4 else {
            return None; // a raw ICMP socket sees only ICMP
        };
        match icmp {
            Icmp::EchoReply { seq, data, .. } => {
                let slot = self.sent.get_mut(seq)?;
                let rtt = (cx.now() - slot.0).as_micros();
                let dup = slot.1;
                slot.1 = true;
                self.acknowledge(*seq);
                let mut line = format!(
                    "{} bytes from {}: icmp_seq={} ttl={}",
                    data + 8,
                    packet.ip.src,
                    seq,
                    packet.ip.ttl,
                );
                if self.timing() {
                    line.push_str(" time=");
                    line.push_str(&trip_time(rtt));
                }
                if dup {
                    self.nrepeats += 1;
                    line.push_str(" (DUP!)");
                } else {
                    self.nreceived += 1;
                }
                if self.timing() {
                    self.tsum += rtt as f64;
                    self.tsum2 += (rtt as f64) * (rtt as f64);
                    self.tmin = self.tmin.min(rtt);
                    self.tmax = self.tmax.max(rtt);
                }
                line.push('\n');
                print(cx, Stream::Stdout, &line);
            }
            Icmp::DestUnreachable { quoted, .. } | Icmp::TimeExceeded { quoted } => {
                let QuotedL4::Icmp { seq, .. } = quoted.l4 else {
                    return None; // only errors about its own probes reach ping's socket
                };
                self.acknowledge(seq);
                self.nerrors += 1;
                let what = match icmp {
                    Icmp::DestUnreachable {
                        code: UnreachCode::Net,
                        ..
                    } => "Destination Net Unreachable".to_string(),
                    Icmp::DestUnreachable {
                        code: UnreachCode::Host,
                        ..
                    } => "Destination Host Unreachable".to_string(),
                    Icmp::DestUnreachable {
                        code: UnreachCode::Port,
                        ..
                    } => "Destination Port Unreachable".to_string(),
                    Icmp::DestUnreachable {
                        code: UnreachCode::FragNeeded { mtu },
                        ..
                    } => format!("Frag needed and DF set (mtu = {mtu})"),
                    _ => "Time to live exceeded".to_string(),
                };
                let line = format!("From {} icmp_seq={} {what}\n", packet.ip.src, seq);
                print(cx, Stream::Stdout, &line);
            }
            Icmp::EchoRequest { .. } => return None,
        }
        self.done().then(|| self.finish(cx))
    }

    fn acknowledge(&mut self, seq: u16) {
        // How many probes were out when this one was answered (iputils' pipesize).
        let outstanding = (self.ntransmitted as u16).wrapping_sub(seq) as u64 + 1;
        self.pipesize = self.pipesize.max(outstanding);
    }

    /// Prints the statistics and returns the exit status.
    fn finish(&mut self, cx: &mut Ctx<'_, Net>) -> i32 {
        if let Some(timer) = self.exit_timer.take() {
            cx.cancel(timer);
        }
        let tx = self.ntransmitted;
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
        if total > 0 && self.timing() {
            // ping_common.c finish(): integer average; variance in double, truncated.
            let n = total as f64;
            let avg = (self.tsum / n) as u64;
            let var = if self.tsum < i32::MAX as f64 {
                (self.tsum2 - (self.tsum * self.tsum) / n) / n
            } else {
                self.tsum2 / n - (avg as f64) * (avg as f64)
            };
            let mdev = (var.max(0.0) as u64).isqrt();
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

/// iputils' `strtol_or_err(optarg, "invalid argument", min, max)` (iputils_common.c), as
/// `-c` and `-s` use it: a whole `strtol` number within [min, max], else `ping: invalid
/// argument: 'V'` (with `: Numerical result out of range` on overflow, or the range), exit 1.
fn strtol_or_err(v: &str, min: i64, max: i64) -> Result<i64, (String, i32)> {
    let n = super::num::strtol(v);
    if n.erange {
        let e = super::num::ERANGE_TEXT;
        return Err((format!("ping: invalid argument: '{v}': {e}"), 1));
    }
    if !n.whole(v) {
        return Err((format!("ping: invalid argument: '{v}'"), 1));
    }
    if n.value < min || n.value > max {
        return Err((
            format!("ping: invalid argument: '{v}': out of range: {min} <= value <= {max}"),
            1,
        ));
    }
    Ok(n.value)
}

/// `-W 1.5` / `-i 0.2` as iputils 20240905 reads them (`ping_strtod`, then the option's
/// check): a `strtod` number, with a warning (not an error) when text is left over; NaN,
/// infinity, a subnormal or an empty word is `ping: WHAT: V` (with ERANGE's text), exit 2;
/// below 0 or above INT_MAX/1000 s is `ping: WHAT: V`, exit 2. The value is kept in whole
/// milliseconds, truncated as `(int)(value * 1000)` does.
fn millis(v: &str, what: &str, warnings: &mut String) -> Result<u64, (String, i32)> {
    if v.is_empty() {
        return Err((format!("ping: {what}: "), 2));
    }
    let n = super::num::strtod(v);
    if n.erange || !n.whole(v) {
        warnings.push_str(&format!(
            "ping: option argument contains garbage: {}\nping: this will become fatal error in the future\n",
            &v[n.used..]
        ));
    }
    let f = n.value;
    if !(f == 0.0 || f.is_normal()) {
        return Err((format!("ping: {what}: {v}: {}", super::num::ERANGE_TEXT), 2));
    }
    if f < 0.0 || f > f64::from(i32::MAX) / 1000.0 {
        return Err((format!("ping: {what}: {v}"), 2));
    }
    Ok((f * 1000.0) as u64)
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

/// C's `%g`: 6 significant digits without trailing zeros; exponent form when the decimal
/// exponent is below -4 or at least 6.
fn format_g(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let trim = |s: String| {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    };
    // The exponent after rounding to 6 significant digits, as printf decides it.
    let sci = format!("{x:.5e}");
    let (mantissa, exp) = sci.split_once('e').expect("exponent form");
    let exp: i32 = exp.parse().expect("integer exponent");
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{}e{sign}{:02}", trim(mantissa.to_string()), exp.abs());
    }
    let decimals = (5 - exp) as usize;
    trim(format!("{x:.decimals$}"))
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
        // Below 1% and below 0.0001%: 6 significant digits, then exponent form.
        assert_eq!(loss(300, 298), "0.666667");
        assert_eq!(loss(300, 299), "0.333333");
        assert_eq!(format_g(7.62939e-05), "7.62939e-05");
        assert_eq!(format_g(99.99999), "100");
    }

    /// Issue 13: every number ping takes, at its edges, checked as iputils 20240905 checks
    /// it (`strtol_or_err` for -c and -s, `ping_strtod` for -i and -W): the message and
    /// the exit status, or the value kept.
    #[test]
    fn numbers_at_their_edges_are_checked_as_iputils_does() {
        let run = |opt: &str, v: &str| {
            let args = vec![opt.to_string(), v.to_string(), "10.0.0.2".to_string()];
            Ping::parse(&args, 1)
        };
        let err = |opt: &str, v: &str| run(opt, v).err().expect("refused");
        let c_range = "out of range: 1 <= value <= 9223372036854775807";
        type Case<'a> = (&'a str, &'a str, Result<Option<u64>, (&'a str, i32)>);
        let cases: &[Case] = &[
            ("-c", "1", Ok(Some(1))),
            ("-c", " +3", Ok(Some(3))),
            (
                "-c",
                "0",
                Err(("ping: invalid argument: '0': out of range", 1)),
            ),
            (
                "-c",
                "-5",
                Err(("ping: invalid argument: '-5': out of range", 1)),
            ),
            ("-c", "nan", Err(("ping: invalid argument: 'nan'", 1))),
            ("-c", "inf", Err(("ping: invalid argument: 'inf'", 1))),
            ("-c", "1e-10", Err(("ping: invalid argument: '1e-10'", 1))),
            ("-c", "1e12", Err(("ping: invalid argument: '1e12'", 1))),
            ("-c", "abc", Err(("ping: invalid argument: 'abc'", 1))),
            ("-c", "", Err(("ping: invalid argument: ''", 1))),
            ("-c", "9223372036854775807", Ok(Some(i64::MAX as u64))),
            (
                "-c",
                "18446744073709551616",
                Err((
                    "ping: invalid argument: '18446744073709551616': Numerical result out of range",
                    1,
                )),
            ),
        ];
        for (opt, v, want) in cases {
            match want {
                Ok(count) => assert_eq!(run(opt, v).unwrap().count, *count, "{opt} {v}"),
                Err((msg, code)) => {
                    let (got, c) = err(opt, v);
                    assert!(got.starts_with(msg), "{opt} {v}: {got}");
                    assert_eq!(c, *code, "{opt} {v}");
                }
            }
        }
        assert!(err("-c", "0").0.ends_with(c_range));

        // -W: seconds kept in whole ms; 0 waits forever.
        let linger = |v: &str| run("-W", v).map(|p| (p.linger, p.warnings));
        assert_eq!(
            linger("1.5").unwrap(),
            (Some(Dur::from_millis(1500)), String::new())
        );
        assert_eq!(linger("0").unwrap().0, None);
        assert_eq!(linger("1e-10").unwrap().0, None, "(int)(1e-10 * 1000) is 0");
        let inf = linger("inf").unwrap_err();
        assert_eq!(
            inf,
            (
                "ping: bad linger time: inf: Numerical result out of range".into(),
                2
            )
        );
        assert_eq!(
            linger("nan").unwrap_err().0,
            "ping: bad linger time: nan: Numerical result out of range"
        );
        assert_eq!(
            linger("-5").unwrap_err(),
            ("ping: bad linger time: -5".into(), 2)
        );
        assert_eq!(
            linger("1e12").unwrap_err(),
            ("ping: bad linger time: 1e12".into(), 2)
        );
        assert_eq!(
            linger("").unwrap_err(),
            ("ping: bad linger time: ".into(), 2)
        );
        assert_eq!(
            linger("2147483.647").unwrap().0,
            Some(Dur::from_millis(2_147_483_647))
        );
        assert_eq!(linger("2147483.648").unwrap_err().1, 2);
        // Text after the number is a warning, and the number counts; no number at all is 0.
        let (l, w) = linger("2x").unwrap();
        assert_eq!(l, Some(Dur::from_secs(2)));
        assert_eq!(
            w,
            "ping: option argument contains garbage: x\nping: this will become fatal error in the future\n"
        );
        assert_eq!(linger("abc").unwrap().0, None);
        assert!(
            linger("1e400")
                .unwrap_err()
                .0
                .ends_with(": Numerical result out of range")
        );

        // -i: the same reading; below 1 ms would flood, which is not simulated.
        let interval = |v: &str| run("-i", v).map(|p| p.interval);
        assert_eq!(interval("0.2").unwrap(), Dur::from_millis(200));
        assert_eq!(interval("0").unwrap_err().1, 2);
        assert_eq!(interval("1e-10").unwrap_err().1, 2);
        assert_eq!(
            interval("-1").unwrap_err(),
            ("ping: bad timing interval: -1".into(), 2)
        );
        assert_eq!(
            interval("inf").unwrap_err().0,
            "ping: bad timing interval: inf: Numerical result out of range"
        );
        assert_eq!(interval("nan").unwrap_err().1, 2);
        assert_eq!(
            interval("1e12").unwrap_err(),
            ("ping: bad timing interval: 1e12".into(), 2)
        );

        // -s: 0..INT_MAX as a number, then at most 65507 for IPv4.
        let size = |v: &str| run("-s", v).map(|p| p.size);
        assert_eq!(size("0").unwrap(), 0);
        assert_eq!(size("65507").unwrap(), 65507);
        assert_eq!(
            size("65508").unwrap_err(),
            (
                "ping: invalid -s value: '65508': out of range: 0 <= value <= 65507".into(),
                1
            )
        );
        assert_eq!(
            size("-1").unwrap_err(),
            (
                "ping: invalid argument: '-1': out of range: 0 <= value <= 2147483647".into(),
                1
            )
        );
        assert_eq!(
            size("1e3").unwrap_err(),
            ("ping: invalid argument: '1e3'".into(), 1)
        );
        assert_eq!(
            size("nan").unwrap_err(),
            ("ping: invalid argument: 'nan'".into(), 1)
        );
        assert_eq!(
            size("2147483648").unwrap_err().0,
            "ping: invalid argument: '2147483648': out of range: 0 <= value <= 2147483647"
        );
    }

    /// The edge values through every numeric option, each with the exact outcome.
    #[test]
    fn every_edge_value_through_every_option() {
        let run = |opt: &str, v: &str| {
            let args = vec![opt.to_string(), v.to_string(), "10.0.0.2".to_string()];
            Ping::parse(&args, 1).map(|_| ()).map_err(|e| e.0)
        };
        let erange = super::super::num::ERANGE_TEXT;
        let two64 = "18446744073709551616";
        for (v, c, i, w, size) in [
            (
                "0",
                Err(
                    "ping: invalid argument: '0': out of range: 1 <= value <= 9223372036854775807"
                        .to_string(),
                ),
                Err("ping: -i below 1 ms (flood) is not simulated".to_string()),
                Ok(()),
                Ok(()),
            ),
            (
                "-5",
                Err(
                    "ping: invalid argument: '-5': out of range: 1 <= value <= 9223372036854775807"
                        .into(),
                ),
                Err("ping: bad timing interval: -5".into()),
                Err("ping: bad linger time: -5".into()),
                Err("ping: invalid argument: '-5': out of range: 0 <= value <= 2147483647".into()),
            ),
            (
                "nan",
                Err("ping: invalid argument: 'nan'".into()),
                Err(format!("ping: bad timing interval: nan: {erange}")),
                Err(format!("ping: bad linger time: nan: {erange}")),
                Err("ping: invalid argument: 'nan'".into()),
            ),
            (
                "inf",
                Err("ping: invalid argument: 'inf'".into()),
                Err(format!("ping: bad timing interval: inf: {erange}")),
                Err(format!("ping: bad linger time: inf: {erange}")),
                Err("ping: invalid argument: 'inf'".into()),
            ),
            (
                "1e-10",
                Err("ping: invalid argument: '1e-10'".into()),
                Err("ping: -i below 1 ms (flood) is not simulated".into()),
                Ok(()),
                Err("ping: invalid argument: '1e-10'".into()),
            ),
            (
                "1e12",
                Err("ping: invalid argument: '1e12'".into()),
                Err("ping: bad timing interval: 1e12".into()),
                Err("ping: bad linger time: 1e12".into()),
                Err("ping: invalid argument: '1e12'".into()),
            ),
            (
                two64,
                Err(format!("ping: invalid argument: '{two64}': {erange}")),
                Err(format!("ping: bad timing interval: {two64}")),
                Err(format!("ping: bad linger time: {two64}")),
                Err(format!("ping: invalid argument: '{two64}': {erange}")),
            ),
            (
                "abc",
                Err("ping: invalid argument: 'abc'".into()),
                Err("ping: -i below 1 ms (flood) is not simulated".into()),
                Ok(()),
                Err("ping: invalid argument: 'abc'".into()),
            ),
        ] {
            assert_eq!(run("-c", v), c, "-c {v}");
            assert_eq!(run("-i", v), i, "-i {v}");
            assert_eq!(run("-W", v), w, "-W {v}");
            assert_eq!(run("-s", v), size, "-s {v}");
        }
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
