//! busybox `ping`, the one in busybox and alpine images (seed 001's `ping nginx`), as
//! busybox's `networking/ping.c` prints it.
//!
//! `ping [-c COUNT] [-i SECS] [-W SECS] [-s SIZE] HOST`:
//! - `PING HOST (IP): 56 data bytes`, then per reply `64 bytes from IP: seq=0 ttl=64
//!   time=0.125 ms` (sequence numbers from 0, the time truncated to microseconds).
//! - ICMP errors (unreachable, time exceeded) are not printed: busybox's ping only looks
//!   at echo replies.
//! - With `-c`, once every reply has come it stops at once; after the last probe it waits
//!   `-W` seconds (10) when no reply came, else about twice the largest round trip (at
//!   least 1 s).
//! - `--- HOST ping statistics ---`, `N packets transmitted, M packets received, L% packet
//!   loss` and `round-trip min/avg/max = a/b/c ms`. Exit 0 if any reply came, else 1.
//! - A name is resolved first (`resolver.rs`); one that does not resolve: `ping: bad
//!   address 'NAME'` (exit 1).

use std::net::Ipv4Addr;

use crate::engine::{CancelKey, Ctx, Dur, SimTime};
use crate::net::stack::{self, SendError};
use crate::net::{Msg, Net, NsId};
use crate::trace::Stream;
use crate::wire::{Icmp, L4, Packet};

use super::print;

const SEND: u64 = 0;
const EXIT: u64 = 1;

pub struct BbPing {
    host: String,
    dst: Ipv4Addr,
    /// Resolving `host` (a name), before the first probe.
    resolver: Option<super::resolver::Resolver>,
    count: Option<u64>,
    interval: Dur,
    timeout: Dur,
    size: u16,
    ident: u16,
    ntransmitted: u64,
    nreceived: u64,
    nrepeats: u64,
    sent: std::collections::BTreeMap<u16, (SimTime, bool)>,
    tmin: u64,
    tmax: u64,
    tsum: u64,
    exit_timer: Option<CancelKey>,
}

fn xatou_range(s: &str, max: u32) -> Result<u64, (String, i32)> {
    super::num::busybox_xatou("ping", s, max.into())
}

/// busybox's `parse_duration_str` for `-i` (added after 1.28, kept here): whole seconds,
/// or seconds with a fraction, with an optional `s`, `m`, `h` or `d`. None is busybox's
/// usage error.
fn duration(s: &str) -> Option<Dur> {
    let digits = s
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b'.')
        .count();
    let (num, suffix) = s.split_at(digits);
    let mult = match suffix {
        "" | "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        "d" => 86400.0,
        _ => return None,
    };
    let n = super::num::strtod(num);
    if !n.whole(num) || n.erange {
        return None;
    }
    // busybox keeps the interval in a 32-bit count of microseconds.
    let secs = n.value * mult;
    (secs * 1e6 <= f64::from(u32::MAX)).then(|| Dur::from_secs_f64_saturating(secs))
}

impl BbPing {
    pub fn parse(args: &[String], pid: u32) -> Result<BbPing, (String, i32)> {
        let usage = || {
            (
                "BusyBox v1.28.4 multi-call binary.\n\nUsage: ping [OPTIONS] HOST".to_string(),
                1,
            )
        };
        let (mut count, mut interval, mut timeout, mut size, mut host) =
            (None, Dur::from_secs(1), Dur::from_secs(10), 56u16, None);
        let mut it = args.iter();
        while let Some(a) = it.next() {
            let mut arg = |letter: char| {
                it.next().cloned().ok_or_else(|| {
                    let (u, c) = usage();
                    (
                        format!("ping: option requires an argument -- '{letter}'\n{u}"),
                        c,
                    )
                })
            };
            match a.as_str() {
                // getopt32's `c:+`: xatoi_positive; 0 pings until stopped.
                "-c" => count = Some(xatou_range(&arg('c')?, u32::MAX >> 1)?).filter(|c| *c > 0),
                "-i" => {
                    interval = duration(&arg('i')?)
                        .ok_or_else(usage)?
                        .max(Dur::from_millis(1))
                }
                "-W" => timeout = Dur::from_secs(xatou_range(&arg('W')?, u32::MAX >> 1)?),
                // xatou16; a size past what fits an IPv4 packet fails at sendto.
                "-s" => size = xatou_range(&arg('s')?, 65_535)? as u16,
                h if !h.starts_with('-') && host.is_none() => host = Some(h.to_string()),
                _ => return Err(usage()),
            }
        }
        let host = host.ok_or_else(usage)?;
        let dst = host.parse::<Ipv4Addr>().unwrap_or(Ipv4Addr::UNSPECIFIED);
        Ok(BbPing {
            host,
            dst,
            resolver: None,
            count,
            interval,
            timeout,
            size,
            ident: (pid & 0xffff) as u16,
            ntransmitted: 0,
            nreceived: 0,
            nrepeats: 0,
            sent: std::collections::BTreeMap::new(),
            tmin: u64::MAX,
            tmax: 0,
            tsum: 0,
            exit_timer: None,
        })
    }

    pub fn handle(&mut self, msg: Msg, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        match msg {
            Msg::Interrupt if self.dst.is_unspecified() => Some(130),
            Msg::Start if self.dst.is_unspecified() => {
                let host = self.host.clone();
                let (r, out) = super::resolver::Resolver::start(cx, ns, &host);
                self.resolver = Some(r);
                out.and_then(|o| self.resolved(ns, cx, o))
            }
            ref m @ (Msg::Udp { .. } | Msg::Timer(super::resolver::TOKEN)) => {
                let out = self.resolver.as_mut()?.on_msg(cx, ns, m)?;
                self.resolved(ns, cx, out)
            }
            Msg::Start => self.begin(ns, cx),
            Msg::Timer(SEND) => self.send(ns, cx),
            Msg::Timer(_) => Some(self.finish(cx)),
            Msg::Icmp { packet } => self.receive(*packet, cx),
            // Ctrl-C once pinging: the statistics, then exit.
            Msg::Interrupt => Some(self.finish(cx)),
            _ => None,
        }
    }

    /// The name's address is known (or not: busybox's `bad address`).
    fn resolved(
        &mut self,
        ns: NsId,
        cx: &mut Ctx<'_, Net>,
        out: super::resolver::Outcome,
    ) -> Option<i32> {
        match out {
            Ok((addrs, _)) => {
                self.dst = addrs[0];
                self.begin(ns, cx)
            }
            Err(_) => {
                print(
                    cx,
                    Stream::Stderr,
                    &format!("ping: bad address '{}'\n", self.host),
                );
                Some(1)
            }
        }
    }

    fn begin(&mut self, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        let header = format!(
            "PING {} ({}): {} data bytes\n",
            self.host, self.dst, self.size
        );
        print(cx, Stream::Stdout, &header);
        let me = cx.me();
        cx.world.ns_mut(ns).icmp_sockets.insert(self.ident, me);
        self.send(ns, cx)
    }

    fn send(&mut self, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        if usize::from(self.size) + 28 > 65_535 {
            print(cx, Stream::Stderr, "ping: sendto: Message too long\n");
            return Some(1);
        }
        let seq = self.ntransmitted as u16;
        self.ntransmitted += 1;
        let id = cx.world.packet_id();
        let ip_ident = cx.world.ns_mut(ns).ip_ident();
        let mut probe = Packet::echo_request(id, self.dst, ip_ident, self.ident, seq, self.size);
        probe.ip.df = stack::path_mtu(cx, ns, self.dst).is_some_and(|mtu| probe.len() <= mtu);
        self.sent.insert(seq, (cx.now(), false));
        match stack::output(cx, ns, probe) {
            Ok(()) => {}
            Err(SendError::NetworkUnreachable) => {
                print(cx, Stream::Stderr, "ping: sendto: Network is unreachable\n");
                return Some(1);
            }
            Err(SendError::MessageTooLong { .. }) => {
                print(cx, Stream::Stderr, "ping: sendto: Message too long\n");
                return Some(1);
            }
        }
        if self.count.is_some_and(|c| self.ntransmitted >= c) {
            // busybox: no longer than about twice the largest round trip once a reply
            // came (tmax / 512 Ki microseconds, at least 1 s), else -W.
            let expire = if self.nreceived > 0 {
                Dur::from_secs((self.tmax / (512 * 1024)).max(1))
            } else {
                self.timeout
            };
            self.exit_timer = Some(cx.schedule_cancellable(expire, Msg::Timer(EXIT)));
        } else {
            cx.schedule(self.interval, Msg::Timer(SEND));
        }
        None
    }

    fn receive(&mut self, packet: Packet, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        let L4::Icmp(Icmp::EchoReply { seq, data, .. }) = &packet.l4 else {
            return None; // busybox looks at echo replies only
        };
        let slot = self.sent.get_mut(seq)?;
        let rtt = (cx.now() - slot.0).as_micros();
        let dup = slot.1;
        slot.1 = true;
        let mut line = format!(
            "{} bytes from {}: seq={seq} ttl={} time={}.{:03} ms",
            data + 8,
            packet.ip.src,
            packet.ip.ttl,
            rtt / 1000,
            rtt % 1000
        );
        if dup {
            self.nrepeats += 1;
            line.push_str(" (DUP!)");
        } else {
            self.nreceived += 1;
            self.tmin = self.tmin.min(rtt);
            self.tmax = self.tmax.max(rtt);
            self.tsum += rtt;
        }
        line.push('\n');
        print(cx, Stream::Stdout, &line);
        if self.count.is_some_and(|c| self.nreceived >= c) {
            return Some(self.finish(cx));
        }
        None
    }

    fn finish(&mut self, cx: &mut Ctx<'_, Net>) -> i32 {
        if let Some(t) = self.exit_timer.take() {
            cx.cancel(t);
        }
        let mut out = format!(
            "\n--- {} ping statistics ---\n{} packets transmitted, {} packets received, ",
            self.host, self.ntransmitted, self.nreceived
        );
        if self.nrepeats > 0 {
            out.push_str(&format!("{} duplicates, ", self.nrepeats));
        }
        let lost = (self.ntransmitted - self.nreceived.min(self.ntransmitted)) * 100;
        if let Some(loss) = lost.checked_div(self.ntransmitted) {
            out.push_str(&format!("{loss}% packet loss\n"));
        }
        if let Some(avg) = self.tsum.checked_div(self.nreceived) {
            let ms = |us: u64| format!("{}.{:03}", us / 1000, us % 1000);
            out.push_str(&format!(
                "round-trip min/avg/max = {}/{}/{} ms\n",
                ms(self.tmin),
                ms(avg),
                ms(self.tmax)
            ));
        }
        print(cx, Stream::Stdout, &out);
        if self.nreceived == 0 { 1 } else { 0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// busybox 1.28's getopt32 `c:+` and `W:+` are `xatoi_positive`, `-s` is `xatou16`:
    /// digits only, within range, else busybox's two messages (exit 1). `-c 0` pings until
    /// stopped.
    #[test]
    fn numbers_at_their_edges_are_checked_as_busybox_does() {
        let run = |opt: &str, v: &str| {
            let args: Vec<String> = [opt, v, "10.0.0.2"].iter().map(|a| a.to_string()).collect();
            BbPing::parse(&args, 1)
        };
        let err = |opt: &str, v: &str| run(opt, v).err().expect("refused");
        assert_eq!(run("-c", "3").unwrap().count, Some(3));
        assert_eq!(run("-c", "0").unwrap().count, None);
        assert_eq!(run("-W", "0").unwrap().timeout, Dur::ZERO);
        assert_eq!(
            run("-W", "2147483647").unwrap().timeout,
            Dur::from_secs(2_147_483_647)
        );
        assert_eq!(
            run("-s", "65535").unwrap().size,
            65535,
            "too big only at sendto"
        );
        for opt in ["-c", "-W", "-s"] {
            for bad in [
                "-5",
                "nan",
                "inf",
                "1e-10",
                "1e12",
                "1.5",
                "abc",
                "",
                " 5",
                "+5",
                "18446744073709551616",
            ] {
                assert_eq!(
                    err(opt, bad),
                    (format!("ping: invalid number '{bad}'"), 1),
                    "{opt} {bad:?}"
                );
            }
        }
        assert_eq!(
            err("-c", "2147483648"),
            (
                "ping: number 2147483648 is not in 0..2147483647 range".into(),
                1
            )
        );
        assert_eq!(
            err("-s", "65536"),
            ("ping: number 65536 is not in 0..65535 range".into(), 1)
        );
        assert_eq!(
            err("-W", "99999999999"),
            (
                "ping: number 99999999999 is not in 0..2147483647 range".into(),
                1
            )
        );
        assert_eq!(
            err("-W", "18446744073709551616").0,
            "ping: invalid number '18446744073709551616'"
        );
        // -i (busybox's parse_duration_str): seconds with a fraction and a suffix.
        assert_eq!(run("-i", "0.5").unwrap().interval, Dur::from_millis(500));
        assert_eq!(run("-i", "2m").unwrap().interval, Dur::from_secs(120));
        for bad in ["-1", "nan", "inf", "1e-10", "abc", "", "1e12"] {
            assert_eq!(err("-i", bad).1, 1, "-i {bad:?}");
        }
        assert_eq!(err("-c", "").0, "ping: invalid number ''");
    }
}
