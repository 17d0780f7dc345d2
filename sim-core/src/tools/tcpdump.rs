//! `tcpdump`: the packets crossing a device, as tcpdump 4.9.2 (CentOS 7) prints them.
//!
//! It listens through a capture tap (`net::capture`) on `-i IFACE` (the first up device
//! that is not loopback by default, or `any`), keeps what the filter expression
//! (`filter.rs`) matches, and prints each packet with the same formatter the trace uses
//! (`wire::Show`, in tcpdump's style). It ends after `-c N` packets, or when stopped,
//! printing its counts to stderr. Notes on what is simulated are in docs/cli.md.

pub mod filter;
pub mod pcap;

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use crate::engine::Ctx;
use crate::net::capture::{Capture, Captured, Dir, Tap};
use crate::net::{DevId, DevKind, Msg, Net, NsId};
use crate::trace::Stream;
use crate::wire::eth::{Mac, Payload};
use crate::wire::{L4, Packet, Style, TcpOptions};

use super::print;

/// tcpdump's default snapshot length (since 4.0): the whole packet.
pub const SNAPLEN: u32 = 262_144;

/// A device's link-layer header type, as libpcap names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkType {
    /// DLT_EN10MB: Ethernet (and loopback, bridges, veths, VXLAN devices).
    Ethernet,
    /// DLT_RAW: bare IP packets (a TUN device: flannel0).
    Raw,
    /// DLT_LINUX_SLL: Linux's cooked header (`-i any`).
    LinuxSll,
}

impl LinkType {
    /// `EN10MB (Ethernet)`, as `listening on` and `reading from file` print it.
    pub fn words(self) -> &'static str {
        match self {
            LinkType::Ethernet => "EN10MB (Ethernet)",
            LinkType::Raw => "RAW (Raw IP)",
            LinkType::LinuxSll => "LINUX_SLL (Linux cooked)",
        }
    }

    /// The pcap file header's LINKTYPE_ value.
    pub fn number(self) -> u32 {
        match self {
            LinkType::Ethernet => 1,
            LinkType::Raw => 101,
            LinkType::LinuxSll => 113,
        }
    }
}

/// Timestamps: `-t` (none), default (`15:00:03.000123`), `-tttt` (date too).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stamp {
    None,
    Time,
    DateTime,
}

pub struct Tcpdump {
    iface: Option<String>,
    /// `-n` count: 1 leaves ports by name, 2 (`-nn`) prints them as numbers.
    numeric: u8,
    link: bool,
    verbose: u8,
    quiet: bool,
    absolute_seq: bool,
    count: Option<u64>,
    stamp: Stamp,
    vxlan: bool,
    filter: Option<filter::Filter>,
    /// `-w FILE`: packets go to a pcap file instead of being printed.
    write: Option<String>,
    /// `-r FILE`: packets come from a pcap file instead of a device.
    read: Option<String>,
    /// Resolved at start: the device (`None` for any) and its link type.
    dev: Option<DevId>,
    linktype: LinkType,
    captured: u64,
    /// Per TCP conversation, tcpdump's initial sequence numbers (`tcp_seq_hash`): the
    /// conversation's lower-port side first.
    seqs: BTreeMap<(Ipv4Addr, u16, Ipv4Addr, u16), (u32, u32)>,
    /// The last TCP timestamp each side sent, for the other side's echo.
    ts: BTreeMap<(Ipv4Addr, u16, Ipv4Addr, u16), u32>,
}

fn usage() -> String {
    "tcpdump version 4.9.2\nlibpcap version 1.5.3\nOpenSSL 1.0.2k-fips  26 Jan 2017\nUsage: tcpdump [-aAbdDefhHIJKlLnNOpqStuUvxX#] [ -B size ] [ -c count ]\n\t\t[ -C file_size ] [ -E algo:secret ] [ -F file ] [ -G seconds ]\n\t\t[ -i interface ] [ -j tstamptype ] [ -M secret ] [ --number ]\n\t\t[ -Q in|out|inout ]\n\t\t[ -r file ] [ -s snaplen ] [ --time-stamp-precision precision ]\n\t\t[ --immediate-mode ] [ -T type ] [ --version ] [ -V file ]\n\t\t[ -w file ] [ -W filecount ] [ -y datalinktype ] [ -z postrotate-command ]\n\t\t[ -Z user ] [ expression ]".to_string()
}

impl Tcpdump {
    pub fn parse(args: &[String]) -> Result<Tcpdump, (String, i32)> {
        let mut t = Tcpdump {
            iface: None,
            numeric: 0,
            link: false,
            verbose: 0,
            quiet: false,
            absolute_seq: false,
            count: None,
            stamp: Stamp::Time,
            vxlan: false,
            filter: None,
            write: None,
            read: None,
            dev: None,
            linktype: LinkType::Ethernet,
            captured: 0,
            seqs: BTreeMap::new(),
            ts: BTreeMap::new(),
        };
        let mut t_count = 0;
        let mut expr: Vec<String> = Vec::new();
        let mut it = args.iter();
        while let Some(a) = it.next() {
            if !a.starts_with('-') || a == "-" || !expr.is_empty() {
                expr.push(a.clone());
                continue;
            }
            if a == "--" {
                expr.extend(it.by_ref().cloned());
                break;
            }
            if a.starts_with("--") {
                return Err((format!("tcpdump: option {a} is not simulated yet"), 1));
            }
            // getopt: letters in a row, the last one may take the rest or the next word.
            let letters: Vec<char> = a[1..].chars().collect();
            let mut k = 0;
            while k < letters.len() {
                let c = letters[k];
                k += 1;
                let mut value = || -> Result<String, (String, i32)> {
                    let rest: String = letters[k..].iter().collect();
                    k = letters.len();
                    if !rest.is_empty() {
                        return Ok(rest);
                    }
                    it.next().cloned().ok_or_else(|| {
                        (
                            format!("tcpdump: option requires an argument -- '{c}'\n{}", usage()),
                            1,
                        )
                    })
                };
                match c {
                    'n' => t.numeric += 1,
                    'e' => t.link = true,
                    'v' => t.verbose += 1,
                    'q' => t.quiet = true,
                    'l' | 'p' => {}
                    'S' => t.absolute_seq = true,
                    't' => t_count += 1,
                    'i' => t.iface = Some(value()?),
                    'c' => {
                        let v = value()?;
                        // atoi, then `cnt <= 0` is refused.
                        match v.trim().parse::<i64>() {
                            Ok(n) if n > 0 => t.count = Some(n as u64),
                            _ => return Err((format!("tcpdump: invalid packet count {v}"), 1)),
                        }
                    }
                    'T' => {
                        let v = value()?;
                        if v != "vxlan" {
                            return Err((
                                format!("tcpdump: -T {v} is not simulated yet (-T vxlan is)"),
                                1,
                            ));
                        }
                        t.vxlan = true;
                    }
                    's' => {
                        let v = value()?;
                        if !matches!(v.as_str(), "0" | "262144") {
                            return Err((
                                format!(
                                    "tcpdump: -s {v} is not simulated yet (packets are captured whole)"
                                ),
                                1,
                            ));
                        }
                    }
                    'w' => t.write = Some(value()?),
                    'r' => t.read = Some(value()?),
                    c if "aAbBCdDEfFGhHIjJKLmMNOQuUVWxXyzZ#".contains(c) => {
                        return Err((format!("tcpdump: -{c} is not simulated yet"), 1));
                    }
                    c => {
                        return Err((format!("tcpdump: invalid option -- '{c}'\n{}", usage()), 1));
                    }
                }
            }
        }
        t.stamp = match t_count {
            0 => Stamp::Time,
            1 => Stamp::None,
            4 => Stamp::DateTime,
            n => {
                return Err((
                    format!(
                        "tcpdump: -{} is not simulated yet (-t and -tttt are)",
                        "t".repeat(n)
                    ),
                    1,
                ));
            }
        };
        if t.read.is_some() && t.write.is_some() {
            return Err((
                "tcpdump: -r with -w (copying a file) is not simulated yet".into(),
                1,
            ));
        }
        if !expr.is_empty() {
            let text = expr.join(" ");
            t.filter = Some(filter::compile(&text).map_err(|e| (format!("tcpdump: {e}"), 1))?);
        }
        Ok(t)
    }

    pub fn handle(&mut self, msg: Msg, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        match msg {
            Msg::Start => self.start(ns, cx),
            Msg::Captured(c) => self.captured(*c, ns, cx),
            // SIGINT or SIGTERM: tcpdump's `cleanup` breaks the loop; a line may have been
            // cut, so it prints a newline, then its counts.
            Msg::Stop | Msg::Interrupt => {
                print(cx, Stream::Stdout, "\n");
                Some(self.end(cx))
            }
            _ => None,
        }
    }

    fn start(&mut self, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        if let Some(path) = self.read.clone() {
            return Some(self.read_file(&path, ns, cx));
        }
        let netns = cx.world.ns(ns);
        let name = match &self.iface {
            Some(n) => n.clone(),
            // pcap_lookupdev: the first up device that is not loopback.
            None => match netns
                .devices
                .iter()
                .find(|d| !d.removed && d.up && d.kind != DevKind::Loopback)
            {
                Some(d) => d.name.clone(),
                None => {
                    print(cx, Stream::Stderr, "tcpdump: no suitable device found\n");
                    return Some(1);
                }
            },
        };
        if name == "any" {
            self.dev = None;
            self.linktype = LinkType::LinuxSll;
        } else {
            let Some(id) = netns.dev_by_name(&name).filter(|d| !netns.dev(*d).removed) else {
                let text = format!(
                    "tcpdump: {name}: No such device exists\n(SIOCGIFHWADDR: No such device)\n"
                );
                print(cx, Stream::Stderr, &text);
                return Some(1);
            };
            let d = netns.dev(id);
            if !d.up {
                let text = format!("tcpdump: {name}: That device is not up\n");
                print(cx, Stream::Stderr, &text);
                return Some(1);
            }
            self.dev = Some(id);
            self.linktype = match d.kind {
                DevKind::Tun { .. } => LinkType::Raw,
                _ => LinkType::Ethernet,
            };
        }
        let me = cx.me();
        cx.world.ns_mut(ns).taps.push(Tap {
            dev: self.dev,
            to: me,
        });
        if let Some(path) = &self.write {
            let header = pcap::header(self.linktype);
            crate::tools::files::write_bytes(cx.world, ns, path, &header, false);
        }
        let head = if self.verbose == 0 && self.write.is_none() {
            "tcpdump: verbose output suppressed, use -v or -vv for full protocol decode\n"
        } else {
            "tcpdump: "
        };
        let text = format!(
            "{head}listening on {name}, link-type {}, capture size {SNAPLEN} bytes\n",
            self.linktype.words()
        );
        print(cx, Stream::Stderr, &text);
        None
    }

    fn captured(&mut self, c: Capture, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        if self.count.is_some_and(|n| self.captured >= n) {
            return None;
        }
        // Each side's last timestamp, from every TCP segment crossing the device (its
        // peer echoes it whether or not the filter keeps it).
        let ts_echo = c.data.ip().and_then(|p| self.timestamps(p, &c));
        if let Some(f) = &self.filter
            && !f.matches(&c.data)
        {
            return None;
        }
        self.captured += 1;
        let mtu = cx.world.ns(ns).dev(c.dev).mtu;
        let opts = ts_echo.map(|(ts_val, ts_ecr)| TcpOptions {
            mss: (mtu.min(65535) as u16).saturating_sub(40),
            ts_val,
            ts_ecr,
        });
        if let Some(path) = &self.write {
            let record = pcap::record(self.linktype, &c, opts);
            crate::tools::files::write_bytes(cx.world, ns, path, &record, true);
        } else {
            let line = self.line(&c, opts);
            print(cx, Stream::Stdout, &format!("{line}\n"));
        }
        if self.count.is_some_and(|n| self.captured >= n) {
            return Some(self.end(cx));
        }
        None
    }

    /// `-r FILE`: prints the packets of a pcap file, filtered and counted as live ones,
    /// after `reading from file FILE, link-type ...`; no counts at the end.
    fn read_file(&mut self, path: &str, ns: NsId, cx: &mut Ctx<'_, Net>) -> i32 {
        let Some(data) =
            crate::tools::files::read_bytes(cx.world, ns, path).map(|b| b.into_owned())
        else {
            let text = format!("tcpdump: {path}: No such file or directory\n");
            print(cx, Stream::Stderr, &text);
            return 1;
        };
        let records = match pcap::read(&data) {
            Ok(r) => r,
            Err(e) => {
                print(cx, Stream::Stderr, &format!("tcpdump: {e}\n"));
                return 1;
            }
        };
        self.linktype = records.0;
        let text = format!(
            "reading from file {path}, link-type {}\n",
            self.linktype.words()
        );
        print(cx, Stream::Stderr, &text);
        let mut out = String::new();
        for rec in records.1 {
            if self.count.is_some_and(|n| self.captured >= n) {
                break;
            }
            let Some((c, opts)) = rec else {
                out.push_str("[a packet the simulator cannot decode]\n");
                continue;
            };
            if let Some(f) = &self.filter
                && !f.matches(&c.data)
            {
                continue;
            }
            self.captured += 1;
            out.push_str(&self.line(&c, opts));
            out.push('\n');
        }
        print(cx, Stream::Stdout, &out);
        0
    }

    /// `N packets captured`, `N packets received by filter`, `0 packets dropped by kernel`
    /// (tcpdump's `info(1)`, each count with its plural).
    fn end(&mut self, cx: &mut Ctx<'_, Net>) -> i32 {
        let n = self.captured;
        let s = |n: u64| if n == 1 { "" } else { "s" };
        let text = format!(
            "{n} packet{} captured\n{n} packet{} received by filter\n0 packets dropped by kernel\n",
            s(n),
            s(n)
        );
        print(cx, Stream::Stderr, &text);
        0
    }

    fn style(&self) -> Style {
        Style {
            tcpdump: true,
            verbose: self.verbose,
            quiet: self.quiet,
            link: self.link,
            port_names: self.numeric < 2,
            vxlan_8472: self.vxlan,
        }
    }

    /// One packet's text: the timestamp, the link-level header with `-e`, the packet.
    fn line(&mut self, c: &Capture, opts: Option<TcpOptions>) -> String {
        let mut out = String::new();
        let when = crate::clock::datetime(c.at);
        match self.stamp {
            Stamp::None => {}
            Stamp::Time => out.push_str(&when.format("%H:%M:%S%.6f ").to_string()),
            Stamp::DateTime => out.push_str(&when.format("%Y-%m-%d %H:%M:%S%.6f ").to_string()),
        }
        if self.link {
            out.push_str(&self.link_header(c));
        }
        let style = self.style();
        match c.data.ip() {
            Some(p) => {
                let mut p = p.clone();
                // -v checks the checksum of the segment as it was sent.
                let cksum = match (&p.l4, self.verbose, p.frag) {
                    (L4::Tcp(_), 1.., None) => {
                        let b = crate::wire::bytes::packet(&p, opts);
                        Some(u16::from_be_bytes([b[36], b[37]]))
                    }
                    _ => None,
                };
                self.relative(&mut p);
                let mut show = p.show(style);
                show.tcp_options = opts;
                show.tcp_cksum = cksum;
                out.push_str(&show.to_string());
            }
            None => {
                if let Captured::Frame(f) = &c.data
                    && let Payload::Arp(a) = &f.payload
                {
                    let text = a.to_string();
                    // print-arp.c: `ARP, ` only without -e (the header said ARP).
                    match text.strip_prefix("ARP, ") {
                        Some(rest) if self.link => out.push_str(rest),
                        _ => out.push_str(&text),
                    }
                }
            }
        }
        out
    }

    /// `-e`'s link-level part: an Ethernet header, `ip: ` on a raw device, or the cooked
    /// header's direction, source address and type on `any`.
    fn link_header(&self, c: &Capture) -> String {
        match (self.linktype, &c.data) {
            (LinkType::Ethernet, Captured::Frame(f)) => f.header_line(self.quiet),
            (LinkType::Raw, _) => "ip: ".into(),
            (LinkType::LinuxSll, data) => {
                let (dir, addr, etype, len) = match data {
                    Captured::Frame(f) => {
                        let dir = match c.dir {
                            Dir::Out => "Out",
                            Dir::In if f.dst == Mac::BROADCAST => "B",
                            Dir::In => "In",
                        };
                        (dir, Some(f.src), f.ethertype(), f.len() - 14)
                    }
                    Captured::Packet(p) => {
                        let dir = if c.dir == Dir::Out { "Out" } else { "In" };
                        (dir, None, crate::wire::eth::ETHERTYPE_IPV4, p.len() as u64)
                    }
                };
                let mut s = format!("{dir:>3} ");
                if let Some(a) = addr {
                    s.push_str(&format!("{a} "));
                }
                if !self.quiet {
                    s.push_str(&format!(
                        "{}, length {}: ",
                        crate::wire::eth::ethertype_words(etype, false),
                        len + 16
                    ));
                }
                s
            }
            (LinkType::Ethernet, Captured::Packet(_)) => String::new(),
        }
    }

    /// A TCP segment's timestamps (TS val, TS ecr): the sender's clock in ms, echoing the
    /// last one its peer sent across this device (0 on a SYN).
    fn timestamps(&mut self, p: &Packet, c: &Capture) -> Option<(u32, u32)> {
        let L4::Tcp(t) = &p.l4 else {
            return None;
        };
        if p.is_later_fragment() {
            return None;
        }
        let key = (p.ip.src, t.sport, p.ip.dst, t.dport);
        let back = (p.ip.dst, t.dport, p.ip.src, t.sport);
        let ts_val = (c.at.as_nanos() / 1_000_000) as u32;
        let ts_ecr = if t.flags.syn && !t.flags.ack {
            0
        } else {
            self.ts.get(&back).copied().unwrap_or(0)
        };
        self.ts.insert(key, ts_val);
        Some((ts_val, ts_ecr))
    }

    /// tcpdump's TCP state: sequence numbers relative to the conversation's first
    /// ACK-carrying segment it saw (unless `-S`), as print-tcp.c keeps them.
    fn relative(&mut self, p: &mut Packet) {
        if p.is_later_fragment() {
            return;
        }
        let (src, dst) = (p.ip.src, p.ip.dst);
        let L4::Tcp(t) = &mut p.l4 else {
            return;
        };
        let key = (src, t.sport, dst, t.dport);
        let back = (dst, t.dport, src, t.sport);
        if !self.absolute_seq && t.flags.ack {
            // print-tcp.c: one entry per conversation, keyed from the lower port's side.
            let rev = t.sport > t.dport || (t.sport == t.dport && src > dst);
            let conv = if rev { back } else { key };
            match self.seqs.get(&conv).copied() {
                Some((s, a)) if !t.flags.syn => {
                    let (sub_seq, sub_ack) = if rev { (a, s) } else { (s, a) };
                    t.seq = t.seq.wrapping_sub(sub_seq);
                    t.ack = t.ack.wrapping_sub(sub_ack);
                }
                _ => {
                    let entry = if rev {
                        (t.ack.wrapping_sub(1), t.seq)
                    } else {
                        (t.seq, t.ack.wrapping_sub(1))
                    };
                    self.seqs.insert(conv, entry);
                }
            }
        }
    }
}
