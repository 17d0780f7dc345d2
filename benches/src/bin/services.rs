//! `services [--services N] [--endpoints E] [--connections C]`: for each kube-proxy mode,
//! the wall time to sync N Services with E endpoints (generate the rules and load them),
//! the wall time to push C new connections through one node's netfilter/IPVS, and the
//! simulated first-packet cost as the number of Services grows.
//! Wall-clock time is measured here, in the benchmark harness, never inside sim-core.

use std::process::ExitCode;
use std::time::Instant;

use sim_benches::services::{self, Mode};
use sim_core::engine::{Dur, SimTime};

fn main() -> ExitCode {
    let (mut n, mut e, mut conns) = (1000usize, 3usize, 100_000usize);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let v = args
            .next()
            .and_then(|v| v.parse::<usize>().ok())
            .filter(|v| *v >= 1);
        match (flag.as_str(), v) {
            ("--services", Some(v)) if v <= 60_000 => n = v,
            ("--endpoints", Some(v)) if v <= 100 => e = v,
            ("--connections", Some(v)) => conns = v,
            _ => {
                eprintln!(
                    "usage: services [--services 1..60000] [--endpoints 1..100] [--connections C]"
                );
                return ExitCode::from(2);
            }
        }
    }
    println!("{n} Services x {e} endpoints, {conns} new connections");
    for mode in [Mode::Iptables, Mode::Ipvs, Mode::Userspace] {
        let svcs = services::services(n, e);
        let start = Instant::now();
        let mut node = services::sync(mode, &svcs);
        let sync = start.elapsed();
        let start = Instant::now();
        let mut cost = 0u64;
        for c in 0..conns {
            // Connections 1 ms apart in simulated time, spread over the Services.
            let now = SimTime::ZERO + Dur::from_micros(c as u64 * 1000);
            let (ns, _) = node.connect(c % n, 1024 + (c % 60_000) as u16, now);
            cost += ns;
        }
        let push = start.elapsed();
        println!(
            "{mode:?}: sync {:.1} ms ({} rules loaded); {conns} connections {:.1} ms wall ({:.2} us each); simulated first-packet cost mean {:.2} us",
            sync.as_secs_f64() * 1e3,
            node.rules,
            push.as_secs_f64() * 1e3,
            push.as_secs_f64() * 1e6 / conns as f64,
            cost as f64 / conns as f64 / 1e3
        );
    }
    println!("simulated first-packet cost (mean / worst) by number of Services, 3 endpoints each:");
    for k in [10, 100, 1000, 5000] {
        let (im, ix) = services::first_packet_cost(Mode::Iptables, k);
        let (vm, vx) = services::first_packet_cost(Mode::Ipvs, k);
        let (um, ux) = services::first_packet_cost(Mode::Userspace, k);
        println!(
            "  {k:>5} Services: iptables {:>7.2} / {:>7.2} us   ipvs {:>5.2} / {:>5.2} us   userspace {:>7.2} / {:>7.2} us",
            im / 1e3,
            ix as f64 / 1e3,
            vm / 1e3,
            vx as f64 / 1e3,
            um / 1e3,
            ux as f64 / 1e3
        );
    }
    ExitCode::SUCCESS
}
