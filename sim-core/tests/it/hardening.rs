//! Issue 13's simulated-world hardening: input that once panicked the simulator or left
//! the world inconsistent. Each test runs a scenario written here through
//! `sim_core::scenario::run::run`, as `sim-cli run` does, and checks the run reached its
//! `end` record with the expectations holding.

use sim_core::scenario::{Scenario, run};
use sim_core::trace::TraceEvent;

/// Runs scenario text; panics (failing the test) if an expectation failed or the trace
/// has no `end` record. Returns the text trace.
fn run_text(src: &str) -> String {
    let s = Scenario::parse("t.ron", src).unwrap_or_else(|e| panic!("{e}"));
    let out = run::run(&s, &Default::default());
    let text = sim_core::trace::text::render(&out.records, &out.summary.names);
    if let Some(f) = out.summary.failed_expect() {
        panic!("steps[{}] `{}`: {:?}\n{text}", f.step, f.cmd, f.result);
    }
    assert!(
        matches!(
            out.records.last().map(|r| &r.event),
            Some(TraceEvent::End { .. })
        ),
        "the trace ends with its end record\n{text}"
    );
    text
}

/// Issue 13, section 1: a hand edit of the filter table in a namespace whose tables
/// nothing had touched, then a packet, panicked ("indexed before the walk") because the
/// untouched nat table had never been indexed. Each of -A, -I, -F and -N once did it.
#[test]
fn a_first_filter_edit_then_a_ping_runs_to_the_end() {
    for edit in [
        "iptables -A INPUT -j ACCEPT",
        "iptables -I OUTPUT -j ACCEPT",
        "iptables -F",
        "iptables -N MINE",
    ] {
        let src = format!(
            r#"Scenario(name: "iptables-panic", seed: 1,
  cluster: (nodes: [(name: "a", ip: "10.0.0.1/24"), (name: "b", ip: "10.0.0.2/24")]),
  steps: [
    (at: "1s", exec: (on: "node/a", cmd: "{edit}")),
    (at: "2s", expect: (on: "node/a", cmd: "ping -c 1 10.0.0.2", stdout_contains: "1 packets transmitted, 1 received")),
  ])"#
        );
        run_text(&src);
    }
}
