//! Rule 3 of the house, and the other invariants `scenario::invariants` checks at the end
//! of every run, on every scenario: nothing disappears silently. Every IP packet that
//! appears in a trace (sent, received or forwarded) reaches an end the trace names
//! (delivered, dropped with a reason, split into fragments, reassembled from, wrapped into
//! another packet, unwrapped by the kernel) or is still held by the network when the run
//! stops; no timer is left behind the clock; every conntrack entry is reachable.

use sim_core::engine::SimTime;
use sim_core::scenario::RunOptions;

/// A packet that is received or forwarded and then simply vanishes (a code path that
/// forgets to trace its drop) fails this test; it found one in the VXLAN receive path.
/// Each scenario also stops early, just after each of its first steps (when its packets are
/// on links, in ARP queues and in reassembly queues), so "still in flight" is exercised and
/// must be exact: the network must hold every packet the trace has not ended.
#[test]
fn every_scenario_checks_clean_at_its_end_and_mid_flight() {
    for path in super::scenario_files() {
        let scenario = super::load(&path);
        let out = sim_core::scenario::run::run(&scenario, &RunOptions::default());
        assert_eq!(
            out.summary.violations,
            vec![],
            "{}: broken invariants",
            scenario.file
        );
        let mut cuts: Vec<SimTime> = scenario
            .steps
            .iter()
            .take(6)
            .flat_map(|s| [300, 2_000].map(|us| s.at + sim_core::engine::Dur::from_micros(us)))
            .collect();
        cuts.sort();
        cuts.dedup();
        for until in cuts {
            let opts = RunOptions {
                until: Some(until),
                ..Default::default()
            };
            let out = sim_core::scenario::run::run(&scenario, &opts);
            assert_eq!(
                out.summary.violations,
                vec![],
                "{} stopped at {until}: broken invariants",
                scenario.file
            );
        }
    }
}
