//! `cluster [--nodes N] [--pods P] [--pings K] [--backend udp|vxlan]`: builds a flannel
//! cluster, runs setup to 10 s, then K cross-node pod pings (5 probes each) to 20 s, and
//! prints simulated packets per second of wall time for each phase.
//! Wall-clock time is measured here, in the benchmark harness, never inside sim-core.

use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let (mut nodes, mut pods, mut pings) = (100usize, 30usize, 500usize);
    let mut backend = "vxlan".to_string();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let Some(value) = args.next() else {
            eprintln!("usage: cluster [--nodes N] [--pods P] [--pings K] [--backend udp|vxlan]");
            return ExitCode::from(2);
        };
        let number = value.parse::<usize>().ok().filter(|v| *v >= 1);
        match (flag.as_str(), number) {
            ("--nodes", Some(v)) if v >= 2 => nodes = v,
            ("--pods", Some(v)) if v <= 250 => pods = v,
            ("--pings", Some(v)) => pings = v,
            ("--backend", _) if value == "udp" || value == "vxlan" => backend = value,
            _ => {
                eprintln!(
                    "cluster: bad {flag} {value}; expected --nodes >= 2, --pods 1..250, --pings >= 1, --backend udp|vxlan"
                );
                return ExitCode::from(2);
            }
        }
    }
    let start = Instant::now();
    let mut cluster = sim_benches::cluster::setup(nodes, pods, &backend);
    let setup_secs = start.elapsed().as_secs_f64();
    let setup = cluster.counts();
    let setup_events = cluster.sim.dispatched();
    let start = Instant::now();
    cluster.traffic(pings);
    let traffic_secs = start.elapsed().as_secs_f64();
    let all = cluster.counts();
    let events = cluster.sim.dispatched() - setup_events;
    let packets = all.packets - setup.packets;
    let checkpoints = all.checkpoints - setup.checkpoints;
    println!(
        "k8s-netsim cluster nodes={nodes} pods={} backend={backend}  setup {:.3} s ({} events)",
        nodes * pods,
        setup_secs,
        setup_events
    );
    println!(
        "traffic pings={pings}: {packets} packets, {checkpoints} checkpoints, {events} events in {:.3} s  {:.0} packets/s  {:.0} checkpoints/s  {:.2} M events/s",
        traffic_secs,
        packets as f64 / traffic_secs,
        checkpoints as f64 / traffic_secs,
        events as f64 / traffic_secs / 1e6
    );
    ExitCode::SUCCESS
}
