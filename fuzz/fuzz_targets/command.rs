//! libFuzzer target: a command line run inside a small valid scenario (the first byte picks
//! which). The harness is shared with the in-suite mutation run.
#![no_main]

#[path = "../../sim-core/tests/it/fuzz/harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::command(data));
