//! The fuzz harness: what one input is run as, and what must hold of it. Shared by the
//! in-suite mutation run (`tests/it/fuzz/mod.rs`) and the libFuzzer targets
//! (`fuzz/fuzz_targets/*.rs`, which include this file by path), so both check the same
//! properties. Depends on nothing but `sim_core` and std.
//!
//! Properties: no panic (a panic is the finding); a file that does not validate gets at
//! least one diagnostic, each with file:line:column and a message; a run (of a file that
//! validates, or of a command inside a small valid scenario) ends with its invariants
//! intact (`scenario::invariants`).

use sim_core::engine::SimTime;
use sim_core::scenario::{LoadError, RunOptions, Scenario, run};

/// Events a mutated scenario that validates may run: enough to start its machines and
/// reach its first steps, small enough for thousands of cases.
pub const SCENARIO_BUDGET: u64 = 600;

/// Parses `data` as a scenario file (invalid UTF-8 replaced, as a first byte the fuzzer
/// cannot control would otherwise end every case early); runs what validates on a small
/// budget; checks the diagnostics of what does not.
pub fn scenario(data: &[u8]) {
    let src = String::from_utf8_lossy(data);
    match Scenario::parse("fuzz.ron", &src) {
        Ok(s) => {
            let opts = RunOptions {
                budget: SCENARIO_BUDGET,
                ..Default::default()
            };
            let summary = run::run_into(&s, &opts, Box::new(()));
            assert!(
                summary.violations.is_empty(),
                "broken invariants: {:?}",
                summary.violations
            );
        }
        Err(LoadError::Invalid(diags)) => {
            assert!(!diags.is_empty(), "an invalid file without a diagnostic");
            for d in diags {
                assert!(d.line >= 1 && d.col >= 1, "{d}");
                assert!(
                    d.to_string()
                        .starts_with(&format!("fuzz.ron:{}:{}: ", d.line, d.col)),
                    "{d}"
                );
                assert!(!d.message.is_empty(), "{d}");
            }
        }
        Err(e) => panic!("unexpected error kind: {e}"),
    }
}

/// Where a fuzzed command runs: a shipped scenario, a machine in it, the time it starts,
/// and how many events the whole run may take (each scenario's setup up to that time takes
/// under 1,000; the rest is the command's).
pub struct Context {
    pub name: &'static str,
    pub src: &'static str,
    pub on: &'static str,
    pub at_ms: u64,
    pub budget: u64,
}

/// The contexts a command input can pick: a plain underlay, a Kubernetes cluster from a
/// node, from the master (kubectl, etcdctl) and from a busybox pod, and flannel's vxlan.
pub const CONTEXTS: &[Context] = &[
    Context {
        name: "ping.ron",
        src: include_str!("../../../../scenarios/ping.ron"),
        on: "node/why-02",
        at_ms: 1_000,
        budget: 4_000,
    },
    Context {
        name: "first-service.ron",
        src: include_str!("../../../../scenarios/first-service.ron"),
        on: "node/master",
        at_ms: 8_500,
        budget: 4_000,
    },
    Context {
        name: "services.ron",
        src: include_str!("../../../../scenarios/services.ron"),
        on: "pod/client",
        at_ms: 8_500,
        budget: 4_000,
    },
    Context {
        name: "first-service.ron",
        src: include_str!("../../../../scenarios/first-service.ron"),
        on: "node/node1",
        at_ms: 8_500,
        budget: 4_000,
    },
    Context {
        name: "flannel-vxlan.ron",
        src: include_str!("../../../../scenarios/flannel-vxlan.ron"),
        on: "node/why-02",
        at_ms: 6_000,
        budget: 4_000,
    },
];

/// Runs a command line inside one of [`CONTEXTS`]: the first byte picks it (`'0'` the
/// first, so corpus files read as `0ping -c 1 10.181.5.146`), the rest is the command line
/// as `sim-cli exec` would pass it (invalid UTF-8 replaced).
pub fn command(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let ctx = &CONTEXTS[usize::from(pick.wrapping_sub(b'0')) % CONTEXTS.len()];
    let cmd = String::from_utf8_lossy(rest);
    // The shipped scenarios' manifest files are beside them.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let scenario =
        Scenario::parse_at(ctx.name, ctx.src, &dir).expect("a shipped scenario validates");
    let on = scenario
        .machine_index(ctx.on)
        .expect("the context's machine exists");
    let opts = RunOptions {
        budget: ctx.budget,
        ..Default::default()
    };
    let out = run::exec(&scenario, &opts, SimTime(ctx.at_ms * 1_000_000), on, &cmd);
    assert!(
        out.violations.is_empty(),
        "broken invariants after `{cmd}`: {:?}",
        out.violations
    );
}
