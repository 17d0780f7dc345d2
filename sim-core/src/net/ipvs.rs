//! IPVS, the kernel's L4 load balancer (what kube-proxy's ipvs mode programs): virtual
//! services by (protocol, address, port), each with real servers, Masq forwarding and a
//! scheduler.
//!
//! A connection's first packet to a virtual service gets a real server from the scheduler
//! and is DNATed to it; conntrack keeps the binding (as with `net.ipv4.vs.conntrack=1`,
//! which kube-proxy sets), so later packets and replies are translated as any DNATed
//! flow's. A virtual service without real servers answers ICMP port unreachable
//! (`ip_vs_leave`). The lookup is a hash, not a walk: a connection pays `IPVS_COST_NS`
//! whatever the number of services.
//!
//! Schedulers: rr and wrr (kube-proxy gives every real server weight 1, so wrr picks as
//! rr does), sh (source hashing: 256 buckets dealt round-robin to the real servers, the
//! source address hashed into one, as `ip_vs_sh`), dh (the same on the destination), and
//! the ones that count connections (conntrack's per-real-server index, `conn_counts`):
//! lc (least `active * 256 + inactive`, `ip_vs_dest_conn_overhead`), sed (least
//! `(active + 1) / weight`) and nq (the first real server with no active connection, else
//! as sed). Ties go to the first real server in the list, as the kernel's loops do.
//!
//! Simplification: Linux schedules at LOCAL_IN, after routing delivers the packet to the
//! virtual address (bound to kube-ipvs0); here it happens at PREROUTING/OUTPUT, with the
//! same outcome (the packet is routed to the real server).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::Ipv4Addr;

use super::netfilter::{Conntrack, Proto};
use crate::engine::{Dur, SimTime};

/// What scheduling a connection costs, in ns (a hash lookup and the scheduler; a modelled
/// figure, the same for 10 services or 10,000).
pub const IPVS_COST_NS: u64 = 300;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheduler {
    Rr,
    Wrr,
    Sh,
    Dh,
    Lc,
    Sed,
    Nq,
}

impl Scheduler {
    pub fn parse(s: &str) -> Option<Scheduler> {
        Some(match s {
            "" | "rr" => Scheduler::Rr,
            "wrr" => Scheduler::Wrr,
            "sh" => Scheduler::Sh,
            "dh" => Scheduler::Dh,
            "lc" => Scheduler::Lc,
            "sed" => Scheduler::Sed,
            "nq" => Scheduler::Nq,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Scheduler::Rr => "rr",
            Scheduler::Wrr => "wrr",
            Scheduler::Sh => "sh",
            Scheduler::Dh => "dh",
            Scheduler::Lc => "lc",
            Scheduler::Sed => "sed",
            Scheduler::Nq => "nq",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RealServer {
    pub addr: Ipv4Addr,
    pub port: u16,
    pub weight: u32,
}

#[derive(Clone, Debug)]
pub struct VirtualService {
    pub scheduler: Scheduler,
    pub reals: Vec<RealServer>,
    next: usize,
    /// `ipvsadm -p TIMEOUT` (kube-proxy's ClientIP session affinity): a client's new
    /// connections go to the real server its last one got, until it has made none for
    /// this many seconds.
    pub persistent: Option<u32>,
    /// The persistence templates: per client address, its real server and when a
    /// connection last used it.
    templates: BTreeMap<Ipv4Addr, (Ipv4Addr, u16, SimTime)>,
}

impl VirtualService {
    pub fn new(scheduler: Scheduler) -> Self {
        VirtualService {
            scheduler,
            reals: Vec::new(),
            next: 0,
            persistent: None,
            templates: BTreeMap::new(),
        }
    }

    /// Picks a real server for a new connection at `now`, as `ip_vs_schedule` does: for a
    /// persistent service, the client's template while it is fresh and its real server
    /// is still there with a weight (`ip_vs_sched_persist`), else the scheduler's pick,
    /// which becomes the client's template. Returns the real server and whether the
    /// template chose it.
    ///
    /// Simplification: the kernel's template also lives while connections it controls
    /// are open; here it lives `persistent` seconds after the last connection it chose.
    pub fn pick(
        &mut self,
        src: Ipv4Addr,
        dst: Ipv4Addr,
        now: SimTime,
        conns: impl Fn(&RealServer) -> (u32, u32),
    ) -> Option<(RealServer, bool)> {
        let Some(timeout) = self.persistent else {
            return self.schedule(src, dst, conns).cloned().map(|r| (r, false));
        };
        let fresh = |seen: SimTime| now.since(seen) < Dur::from_secs(u64::from(timeout));
        let held = self.templates.get(&src).and_then(|&(addr, port, seen)| {
            self.reals
                .iter()
                .find(|r| r.addr == addr && r.port == port && r.weight > 0)
                .filter(|_| fresh(seen))
                .cloned()
        });
        let (real, templated) = match held {
            Some(r) => (r, true),
            None => (self.schedule(src, dst, conns)?.clone(), false),
        };
        self.templates.insert(src, (real.addr, real.port, now));
        Some((real, templated))
    }

    /// Picks a real server for a connection from `src` to `dst`; `conns` gives a real
    /// server's (active, inactive) connections for the schedulers that count them.
    pub fn schedule(
        &mut self,
        src: Ipv4Addr,
        dst: Ipv4Addr,
        conns: impl Fn(&RealServer) -> (u32, u32),
    ) -> Option<&RealServer> {
        let live: Vec<usize> = (0..self.reals.len())
            .filter(|i| self.reals[*i].weight > 0)
            .collect();
        if live.is_empty() {
            return None;
        }
        let bucket = |a: Ipv4Addr| (u32::from(a).wrapping_mul(2_654_435_761) >> 24) as usize;
        // The first real server with the least overhead per weight (compared as the
        // kernel does, by cross-multiplying).
        let least = |overhead: &dyn Fn(&RealServer) -> u64| {
            let mut best = live[0];
            for &i in &live[1..] {
                let (b, r) = (&self.reals[best], &self.reals[i]);
                if overhead(r) * u64::from(b.weight) < overhead(b) * u64::from(r.weight) {
                    best = i;
                }
            }
            best
        };
        let sed = |r: &RealServer| u64::from(conns(r).0) + 1;
        let i = match self.scheduler {
            Scheduler::Rr | Scheduler::Wrr => {
                let i = live[self.next % live.len()];
                self.next = (self.next + 1) % live.len();
                i
            }
            Scheduler::Sh => live[bucket(src) % live.len()],
            Scheduler::Dh => live[bucket(dst) % live.len()],
            // lc ignores weights: every server counts as weight 1.
            Scheduler::Lc => {
                let mut best = live[0];
                let cost = |r: &RealServer| {
                    let (a, i) = conns(r);
                    u64::from(a) * 256 + u64::from(i)
                };
                for &i in &live[1..] {
                    if cost(&self.reals[i]) < cost(&self.reals[best]) {
                        best = i;
                    }
                }
                best
            }
            Scheduler::Sed => least(&sed),
            Scheduler::Nq => match live.iter().find(|i| conns(&self.reals[**i]).0 == 0) {
                Some(i) => *i,
                None => least(&sed),
            },
        };
        Some(&self.reals[i])
    }
}

pub type VsKey = (Proto, Ipv4Addr, u16);

#[derive(Default)]
pub struct Ipvs {
    pub services: BTreeMap<VsKey, VirtualService>,
}

impl Ipvs {
    /// `ipvsadm -Ln`: services by address, then port, TCP before UDP; connection counts
    /// from conntrack (ESTABLISHED TCP is active, every other live flow inactive).
    pub fn list(&self, ct: &Conntrack, now: SimTime) -> String {
        let mut out = String::from(
            "IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n",
        );
        let counts = ct.dnat_counts(now);
        let mut keys: Vec<&VsKey> = self.services.keys().collect();
        keys.sort_by_key(|(p, a, port)| (u32::from(*a), *port, *p));
        for key in keys {
            let vs = &self.services[key];
            let (proto, addr, port) = *key;
            let _ = write!(
                out,
                "{}  {addr}:{port} {}",
                proto.name().to_uppercase(),
                vs.scheduler.name()
            );
            // ipvsadm's print_service_entry: the flags after the scheduler.
            if let Some(t) = vs.persistent {
                let _ = write!(out, " persistent {t}");
            }
            out.push('\n');
            for r in &vs.reals {
                let (active, inactive) = counts
                    .get(&(proto, addr, port, r.addr, r.port))
                    .copied()
                    .unwrap_or((0, 0));
                let _ = writeln!(
                    out,
                    "  -> {:<28} {:<7} {:<6} {:<10} {:<10}",
                    format!("{}:{}", r.addr, r.port),
                    "Masq",
                    r.weight,
                    active,
                    inactive
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vs(s: Scheduler) -> VirtualService {
        let mut v = VirtualService::new(s);
        for i in 1..=3 {
            v.reals.push(RealServer {
                addr: Ipv4Addr::new(10, 244, 0, i),
                port: 80,
                weight: 1,
            });
        }
        v
    }

    fn none(_: &RealServer) -> (u32, u32) {
        (0, 0)
    }

    /// lc weighs an active connection as 256 inactive ones; sed counts active ones + 1;
    /// nq takes an idle server first. Ties go to the first in the list.
    #[test]
    fn counting_schedulers_follow_the_kernels_formulas() {
        let c = Ipv4Addr::new(10, 244, 5, 9);
        // .1: 1 active; .2: 0 active, 300 inactive; .3: 0 active, 5 inactive.
        let load = |r: &RealServer| match r.addr.octets()[3] {
            1 => (1, 0),
            2 => (0, 300),
            _ => (0, 5),
        };
        let pick = |s, f: &dyn Fn(&RealServer) -> (u32, u32)| {
            vs(s).schedule(c, c, f).unwrap().addr.octets()[3]
        };
        assert_eq!(pick(Scheduler::Lc, &load), 3);
        // 1*256 < 300: lc prefers the one active connection to 300 inactive ones.
        let load2 = |r: &RealServer| match r.addr.octets()[3] {
            1 => (1, 0),
            _ => (0, 300),
        };
        assert_eq!(pick(Scheduler::Lc, &load2), 1);
        // sed ignores inactive connections: .2 and .3 tie at 1, the first wins.
        assert_eq!(pick(Scheduler::Sed, &load), 2);
        assert_eq!(pick(Scheduler::Nq, &load), 2);
        // Every server busy: nq falls back to sed's least (active + 1).
        let busy = |r: &RealServer| (u32::from(r.addr.octets()[3]) % 3 + 1, 0);
        assert_eq!(pick(Scheduler::Nq, &busy), 3);
        assert_eq!(pick(Scheduler::Sed, &none), 1);
    }

    /// Persistence: a client keeps its real server while it comes back within the
    /// timeout, whatever rr's turn; another client gets rr's next; after the timeout (or
    /// once its real server is gone) the client is scheduled anew.
    #[test]
    fn a_persistent_service_keeps_a_client_on_its_real_server() {
        let mut v = vs(Scheduler::Rr);
        v.persistent = Some(10);
        let (a, b) = (Ipv4Addr::new(10, 244, 5, 9), Ipv4Addr::new(10, 244, 5, 10));
        let at = |s: u64| SimTime::ZERO + Dur::from_secs(s);
        let pick = |v: &mut VirtualService, c, s| {
            let (r, held) = v.pick(c, c, at(s), none).unwrap();
            (r.addr.octets()[3], held)
        };
        assert_eq!(pick(&mut v, a, 0), (1, false));
        assert_eq!(pick(&mut v, a, 5), (1, true));
        assert_eq!(pick(&mut v, b, 5), (2, false));
        assert_eq!(
            pick(&mut v, a, 14),
            (1, true),
            "5 + 9 s: within 10 s of the last"
        );
        assert_eq!(
            pick(&mut v, a, 24),
            (3, false),
            "10 s quiet: scheduled anew"
        );
        v.reals.retain(|r| r.addr.octets()[3] != 3);
        assert!(!pick(&mut v, a, 25).1, "its real server is gone");
        let mut plain = vs(Scheduler::Rr);
        let picks: Vec<u8> = (0..3)
            .map(|s| plain.pick(a, a, at(s), none).unwrap().0.addr.octets()[3])
            .collect();
        assert_eq!(picks, [1, 2, 3]);
    }

    #[test]
    fn rr_takes_turns_and_sh_sticks_to_a_source() {
        let mut v = vs(Scheduler::Rr);
        let c = Ipv4Addr::new(10, 244, 5, 9);
        let picks: Vec<u8> = (0..4)
            .map(|_| v.schedule(c, c, none).unwrap().addr.octets()[3])
            .collect();
        assert_eq!(picks, [1, 2, 3, 1]);
        let mut v = vs(Scheduler::Sh);
        let first = v.schedule(c, c, none).unwrap().addr;
        assert!((0..5).all(|_| v.schedule(c, c, none).unwrap().addr == first));
        let mut empty = VirtualService::new(Scheduler::Rr);
        assert!(empty.schedule(c, c, none).is_none());
    }
}
