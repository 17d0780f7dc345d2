//! The seeded, time-bounded mutation run: inputs sampled from the fuzz corpus
//! (`fuzz/corpus/<target>/`; for scenarios also every file in `scenarios/`, read from there
//! so the corpus never holds a stale copy) with a seeded RNG, mutated, and
//! run through the same harness the libFuzzer targets use (`harness.rs`; the long,
//! coverage-guided run is `docs/fuzzing.md`). Each test is bounded by a count and by a
//! wall-clock cap, and its cost does not depend on how many scenarios exist.

mod harness;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The wall-clock cap on each mutation test; its count (`mutation_run`'s `cases`) usually
/// ends it first: on two shared cores in the debug test profile, 2,500 scenario cases took
/// 6 s and 1,500 command cases about 15 s, the two tests running at once.
const WALL: Duration = Duration::from_secs(25);
/// Below this many cases the run proves too little (the cap is far above it on any machine
/// that runs the rest of the suite).
const AT_LEAST: usize = 100;

/// `target`'s corpus files, and with `shipped` for scenarios every `scenarios/*.ron`.
fn corpus(target: &str, shipped: bool) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("readable entry").path())
        .collect();
    if target == "scenario" && shipped {
        files.extend(super::scenario_files());
    }
    files.sort();
    let inputs: std::collections::BTreeSet<Vec<u8>> =
        files.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let inputs: Vec<Vec<u8>> = inputs.into_iter().collect();
    assert!(!inputs.is_empty(), "empty corpus {}", dir.display());
    inputs
}

/// The message a caught panic carried.
fn panic_message(e: &(dyn std::any::Any + Send)) -> String {
    e.downcast_ref::<String>()
        .cloned()
        .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

/// Words the mutator splices in: scenario syntax, tools and their options, and values at
/// the edges (huge, negative, not-a-number, special addresses).
const WORDS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    ":",
    ",",
    "\"",
    "\\",
    "'",
    " ",
    "\n",
    "//",
    "/*",
    "|",
    "--",
    "-",
    "0",
    "-1",
    "1e12",
    "inf",
    "nan",
    "-5",
    "1e-10",
    "65536",
    "4294967296",
    "18446744073709551616",
    "99999999999999999999",
    "\"100000h\"",
    "\"0s\"",
    "\"-1s\"",
    "0.0.0.0",
    "127.0.0.1",
    "255.255.255.255",
    "224.0.0.1",
    "10.0.0.0/0",
    "/33",
    "/0",
    "node/",
    "pod/",
    "true",
    "false",
    "None",
    "Some(",
    "until:",
    "seed:",
    "exec:",
    "expect:",
    "link_down:",
    "link_up:",
    "nodes:",
    "pods:",
    "docker:",
    "flannel:",
    "kubeadm: true",
    "ping",
    "-c",
    "-i",
    "-W",
    "-s",
    "-M do",
    "curl",
    "-m",
    "wget",
    "-qO-",
    "nc",
    "-l",
    "-p",
    "-e cat",
    "-w",
    "iptables",
    "-t nat",
    "-A",
    "-I",
    "-D",
    "-N",
    "-F",
    "-X",
    "-S",
    "-j",
    "ACCEPT",
    "DROP",
    "REJECT",
    "MASQUERADE",
    "DNAT",
    "--to-destination",
    "INPUT",
    "OUTPUT",
    "FORWARD",
    "PREROUTING",
    "POSTROUTING",
    "kubectl",
    "get",
    "create",
    "delete",
    "exec",
    "apply",
    "-f",
    "scale",
    "--replicas=",
    "edit",
    "ns",
    "namespace",
    "default",
    "svc",
    "pods",
    "-o wide",
    "systemctl",
    "restart",
    "stop",
    "start",
    "docker",
    "flanneld",
    "kubelet",
    "ip",
    "route",
    "addr",
    "neigh",
    "link",
    "show",
    "dev",
    "grep",
    "ps aux",
    "etcdctl",
    "set",
    "ls",
    "watch",
    "mk",
    "rm",
    "nslookup",
    "dig",
    "getent hosts",
    "redis-cli",
    "httpd",
    "sleep",
    "cat",
    "echo",
    "ss -nlpt",
    "conntrack -L",
    "ipvsadm -Ln",
    "hostname",
    "printenv",
    "svc-a",
    "10.244.33.2",
    "10.181.5.146",
    "/etc/resolv.conf",
];

/// Targeted substitutions kept from the per-position sweep this run replaced: syntax that
/// breaks in a known way, values out of range, and runnable oddities (long pings, tiny
/// payloads, special destinations, huge latencies, a reserved name, links between machines).
const SUBSTITUTIONS: &[(&str, &str)] = &[
    ("\"", ""),
    ("(", "["),
    (")", "]"),
    (":", ","),
    ("s\"", "\""),
    ("10.", "300."),
    ("/17", "/33"),
    ("node/", "pod/"),
    ("true", "maybe"),
    ("\"1s\"", "\"-1s\""),
    ("\"", "\"\\"),
    (",", ""),
    ("why-02", "WHY_02"),
    ("0", "99999999999999999999"),
    ("-c 3", "-c 70000 -i 0.002"),
    ("-c", "-s 8 -c"),
    ("ping", "ip"),
    ("ip addr", "ip a s x"),
    ("10.181.5.146", "0.0.0.0"),
    ("10.181.5.146", "10.181.127.255"),
    ("\"100us\"", "\"100000h\""),
    ("link_down", "link_up"),
    ("\"tor\"", "\"why-03\""),
    ("(name: \"why-03\"", "(name: \"lan\""),
];

/// One to four stacked mutations: delete, duplicate or swap a span, insert a word, change a
/// number, substitute (`SUBSTITUTIONS`), truncate, or splice with another corpus input.
fn mutate(rng: &mut ChaCha8Rng, input: &[u8], corpus: &[Vec<u8>]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..rng.random_range(1..=4) {
        let at = rng.random_range(0..=v.len());
        match rng.random_range(0..9) {
            0 if !v.is_empty() => {
                let end = (at + rng.random_range(1..=16)).min(v.len());
                v.drain(at.min(end)..end);
            }
            1 if !v.is_empty() => {
                let end = (at + rng.random_range(1..=32)).min(v.len());
                let span = v[at.min(end)..end].to_vec();
                v.splice(at..at, span);
            }
            2 | 3 => {
                let w = WORDS[rng.random_range(0..WORDS.len())];
                v.splice(at..at, w.bytes());
            }
            4 => {
                // The next digit run becomes an edge value.
                if let Some(start) = (at..v.len()).find(|&i| v[i].is_ascii_digit()) {
                    let end = (start..v.len())
                        .find(|&i| !v[i].is_ascii_digit())
                        .unwrap_or(v.len());
                    let w = ["0", "1", "65535", "99999999999999999999", "1e12", "300"]
                        [rng.random_range(0..6)];
                    v.splice(start..end, w.bytes());
                }
            }
            5 => v.truncate(at),
            7 => {
                // One occurrence of a substitution's pattern, the first at or after `at`.
                let (from, to) = SUBSTITUTIONS[rng.random_range(0..SUBSTITUTIONS.len())];
                let hit = v[at..]
                    .windows(from.len())
                    .position(|w| w == from.as_bytes());
                if let Some(i) = hit {
                    v.splice(at + i..at + i + from.len(), to.bytes());
                }
            }
            6 => {
                let other = &corpus[rng.random_range(0..corpus.len())];
                let from = rng.random_range(0..=other.len());
                v.truncate(at);
                v.extend_from_slice(&other[from..]);
            }
            _ if v.len() > 1 => {
                let j = rng.random_range(0..v.len());
                let i = at.min(v.len() - 1);
                v.swap(i, j);
            }
            _ => {}
        }
    }
    v
}

/// Runs seeded mutants of `target`'s corpus through `run` until `cases` or `WALL`; every
/// panic fails, naming the input.
fn mutation_run(target: &str, seed: u64, cases: usize, run: fn(&[u8])) -> usize {
    let corpus = corpus(target, true);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let start = Instant::now();
    let mut done = 0;
    while done < cases && start.elapsed() < WALL {
        let base = &corpus[rng.random_range(0..corpus.len())];
        let input = mutate(&mut rng, base, &corpus);
        if let Err(e) = std::panic::catch_unwind(|| run(&input)) {
            panic!(
                "{target} case {done} (seed {seed}) panicked: {}\ninput: {:?}",
                panic_message(e.as_ref()),
                String::from_utf8_lossy(&input)
            );
        }
        done += 1;
    }
    assert!(done >= AT_LEAST, "only {done} {target} cases in {WALL:?}");
    done
}

/// Mutated scenario files (the shipped ones and the corpus's) never panic the loader or a
/// run of what validates, and every diagnostic has file:line:column (`harness::scenario`).
/// This replaced the per-position sweep of every scenario, whose cost grew with each one.
#[test]
fn mutated_scenarios_never_panic_and_diagnostics_point_somewhere() {
    mutation_run("scenario", 13, 2_500, harness::scenario);
}

/// Mutated command lines, run inside small valid scenarios (`harness::CONTEXTS`), never
/// panic the simulator and leave its invariants intact.
#[test]
fn mutated_command_lines_never_panic() {
    mutation_run("command", 13, 1_500, harness::command);
}

/// Every corpus input as it is (command lines from the scenarios and docs, a minimal
/// scenario, and every crasher the fuzzers found) runs clean: the crashers are regression
/// tests. (The shipped scenarios run whole in `snapshots`.)
#[test]
fn every_corpus_input_runs_clean() {
    for (target, run) in [
        ("scenario", harness::scenario as fn(&[u8])),
        ("command", harness::command),
    ] {
        for input in corpus(target, false) {
            if let Err(e) = std::panic::catch_unwind(|| run(&input)) {
                panic!(
                    "{target} corpus input panicked: {}\ninput: {:?}",
                    panic_message(e.as_ref()),
                    String::from_utf8_lossy(&input)
                );
            }
        }
    }
}
