//! `hold --pending N --events M [--span NS]`: the DES hold model on the engine, one line
//! with events/s, in the shape of `../shared/bench/ns3-hold`'s output.
//! Wall-clock time is measured here, in the benchmark harness, never inside sim-core.

use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let mut pending = 1_000u64;
    let mut events = 3_000_000u64;
    let mut span = 1_000_000u64;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .and_then(|v| v.replace('_', "").parse::<f64>().ok());
        let Some(value) = value.filter(|v| *v >= 1.0) else {
            eprintln!(
                "usage: hold [--pending N] [--events M] [--span NS]  (N, M, NS >= 1; 1e6 is accepted)"
            );
            return ExitCode::from(2);
        };
        match flag.as_str() {
            "--pending" => pending = value as u64,
            "--events" => events = value as u64,
            "--span" => span = (value as u64).max(2),
            _ => {
                eprintln!("hold: unknown flag {flag}; expected --pending, --events or --span");
                return ExitCode::from(2);
            }
        }
    }
    let mut sim = sim_benches::hold::setup(pending, events, span);
    let start = Instant::now();
    let dispatched = sim_benches::hold::run(&mut sim);
    let secs = start.elapsed().as_secs_f64();
    println!(
        "k8s-netsim pending={pending} events={dispatched}  {:.2} M events/s",
        dispatched as f64 / secs / 1e6
    );
    ExitCode::SUCCESS
}
