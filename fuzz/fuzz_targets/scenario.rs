//! libFuzzer target: a scenario file, loaded and (if it validates) run on a small budget.
//! The harness is shared with the in-suite mutation run.
#![no_main]

#[path = "../../sim-core/tests/it/fuzz/harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::scenario(data));
