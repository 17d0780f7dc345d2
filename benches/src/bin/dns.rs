//! `dns [--nodes N] [--pods P] [--services S] [--waves W] [--cache on|off] [--names svc|external] [--scenario]`:
//! builds a kubeadm cluster with N nodes and N × P client pods, runs setup to 10 s, then
//! has every pod resolve a Service's short name through CoreDNS (or, with `--names
//! external`, a name CoreDNS forwards upstream), and prints simulated DNS
//! queries per second of wall time for the lookups. `--scenario` prints the generated
//! scenario file instead (run it with `sim-cli run`).
//! Wall-clock time is measured here, in the benchmark harness, never inside sim-core.

use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let (mut nodes, mut pods, mut services, mut waves) = (100usize, 100usize, 100usize, 10usize);
    let mut cache = true;
    let mut external = false;
    let mut print = false;
    let mut args = std::env::args().skip(1);
    let usage = "usage: dns [--nodes N] [--pods P] [--services S] [--waves W] [--cache on|off] [--names svc|external] [--scenario]";
    while let Some(flag) = args.next() {
        if flag == "--scenario" {
            print = true;
            continue;
        }
        let Some(value) = args.next() else {
            eprintln!("{usage}");
            return ExitCode::from(2);
        };
        let number = value.parse::<usize>().ok().filter(|v| *v >= 1);
        match (flag.as_str(), number) {
            ("--nodes", Some(v)) if v <= 1000 => nodes = v,
            ("--pods", Some(v)) if v <= 250 => pods = v,
            ("--services", Some(v)) if v <= 10_000 => services = v,
            ("--waves", Some(v)) => waves = v,
            ("--cache", _) if value == "on" || value == "off" => cache = value == "on",
            ("--names", _) if value == "svc" || value == "external" => {
                external = value == "external"
            }
            _ => {
                eprintln!(
                    "dns: bad {flag} {value}; expected --nodes 1..1000, --pods 1..250, --services 1..10000, --waves >= 1, --cache on|off, --names svc|external\n{usage}"
                );
                return ExitCode::from(2);
            }
        }
    }
    if nodes * pods > 10_000 {
        eprintln!("dns: --nodes × --pods is at most 10,000 (a Deployment's replicas)");
        return ExitCode::from(2);
    }
    if print {
        print!(
            "{}",
            sim_benches::dns::scenario_text(nodes, pods, services, cache)
        );
        return ExitCode::SUCCESS;
    }
    let start = Instant::now();
    let mut cluster = sim_benches::dns::setup(nodes, pods, services, cache);
    let setup_secs = start.elapsed().as_secs_f64();
    let setup = cluster.counts();
    let setup_events = cluster.sim.dispatched();
    let start = Instant::now();
    cluster.traffic(waves, external);
    let secs = start.elapsed().as_secs_f64();
    let all = cluster.counts();
    let events = cluster.sim.dispatched() - setup_events;
    let queries = all.queries - setup.queries;
    let answers = all.answers - setup.answers;
    let upstream = all.upstream - setup.upstream;
    let drops = all.drops - setup.drops;
    println!(
        "k8s-netsim dns nodes={nodes} pods={} services={services} cache={} names={}  setup {:.3} s ({} events)",
        cluster.clients.len(),
        if cache { "on" } else { "off" },
        if external { "external" } else { "svc" },
        setup_secs,
        setup_events
    );
    let (failed, lookups) = cluster.failed_lookups();
    println!(
        "lookups waves={waves}: {queries} queries, {answers} answers, {upstream} forwarded upstream, {failed} of {lookups} lookups failed, {drops} packets dropped, {events} events in {:.3} s  {:.0} queries/s  {:.2} M events/s",
        secs,
        queries as f64 / secs,
        events as f64 / secs / 1e6
    );
    ExitCode::SUCCESS
}
