//! Every scenario's text trace, checked against its reviewed snapshot in `snapshots/`.
//! The snapshots are the specification: a change that alters a trace must come with the
//! reviewed new snapshot (`cargo insta review`).

use sim_core::scenario::run;

#[test]
fn every_scenario_matches_its_snapshot() {
    insta::glob!("../../../scenarios", "*.ron", |path| {
        let scenario = super::load(path);
        let outcome = run::run(&scenario, &Default::default());
        // A scenario in the repository is also a test: its expectations must hold.
        if let Some(failed) = outcome.summary.failed_expect() {
            panic!(
                "{}: steps[{}] `{}`: {:?}",
                scenario.file, failed.step, failed.cmd, failed.result
            );
        }
        let trace = sim_core::trace::text::render(&outcome.records, &outcome.summary.names);
        insta::with_settings!({
            snapshot_path => "../../../snapshots",
            prepend_module_to_snapshot => false,
            omit_expression => true,
            description => scenario.description.clone(),
        }, {
            insta::assert_snapshot!("trace", trace);
        });
    });
}
