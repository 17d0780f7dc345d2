//! sim-core's one integration test binary. Add new test modules here, one file per area:
//! `accounting` (the end-of-run invariants on every scenario), `engine` (order, timers,
//! run control, streams), `fuzz` (the seeded mutation run over fuzz/corpus and
//! scenarios/, sharing its harness with the cargo-fuzz targets), `hardening` (input that
//! once panicked or left the world inconsistent), `kubectl` (kubectl's whole outputs in
//! small scenarios: `get`'s kinds, selectors, formats, errors, watches; describe, get
//! events, logs, version, api-resources, explain, cluster-info), `byo` (manifest files
//! beside a scenario, and `kubectl -f`), `loader` (input that costs too much:
//! size, big files, scale, odd bytes; warnings), `observe` (progress hook, `exec`'s
//! streamed output, what a process keeps), `snapshots` (every scenario's trace against
//! snapshots/), `determinism` (same input, same bytes), `modes` (one scenario across
//! kube-proxy's modes), `scenario` (validation), `services` (Services without selectors,
//! hand-written Endpoints and EndpointSlices), `shell` (the shell's syntax, expansions,
//! redirections, jobs and error wording in nodes and pods), `text` (pipelines into the text tools and
//! the tools reading a machine's files), `tcp` (the errors and timings a TCP
//! client sees), `workloads` (the workload controllers as a cluster runs them: Deployment
//! rollouts and the `rollout` verbs).

mod accounting;
mod affinity;
mod byo;
mod determinism;
mod engine;
mod fuzz;
mod hardening;
mod kubectl;
mod kubectl_get;
mod kubectl_verbs;
mod loader;
mod manifest;
mod modes;
mod nodetools;
mod observe;
mod pods;
mod scenario;
mod secrets;
mod services;
mod shell;
mod snapshots;
mod tcp;
mod tcpdump;
mod text;
mod traffic_policy;
mod versions;
mod workloads;

use std::path::{Path, PathBuf};

/// The repository's `scenarios/` directory.
pub fn scenarios_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios")
}

/// Every `scenarios/*.ron`, sorted by name.
pub fn scenario_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(scenarios_dir())
        .expect("scenarios/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no scenarios found");
    files
}

/// Loads a scenario, naming it by its path relative to the repository (as the CLI would
/// be run from the repository root), so diagnostics and snapshots do not depend on where
/// the checkout lives.
pub fn load(path: &Path) -> sim_core::scenario::Scenario {
    let name = format!("scenarios/{}", path.file_name().unwrap().to_string_lossy());
    let src = std::fs::read_to_string(path).unwrap();
    sim_core::scenario::Scenario::parse_at(&name, &src, path.parent().unwrap())
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The text trace of a run, as `sim-cli run` prints it.
pub fn text_trace(s: &sim_core::scenario::Scenario, seed: Option<u64>) -> String {
    let opts = sim_core::scenario::RunOptions {
        seed,
        ..Default::default()
    };
    let out = sim_core::scenario::run::run(s, &opts);
    sim_core::trace::text::render(&out.records, &out.summary.names)
}
