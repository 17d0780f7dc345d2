//! The scenario loader under input that costs too much or lies about itself: the size
//! limit, locating errors in big files, overlapping subnets at scale, control characters
//! in echoed values, invalid UTF-8, unclosed comments; and the warnings (a run that never
//! goes quiet, addresses the real system would misuse).

use std::time::{Duration, Instant};

use sim_core::scenario::build::{MAX_FILE_SIZE, MAX_OVERLAPS_LISTED, MAX_REPEATS_LISTED};
use sim_core::scenario::{LoadError, Scenario};

fn diagnostics(src: &str) -> Vec<String> {
    match Scenario::parse("t.ron", src) {
        Ok(_) => vec![],
        Err(LoadError::Invalid(d)) => d.iter().map(|d| d.to_string()).collect(),
        Err(e) => vec![e.to_string()],
    }
}

/// The warnings of a valid scenario, the never-quiet one first, as `check` prints them.
fn warnings(src: &str) -> Vec<String> {
    let s = Scenario::parse("t.ron", src).unwrap_or_else(|e| panic!("{e}"));
    s.warnings_to_show(false)
        .map(|w| w.as_warning().to_string())
        .collect()
}

/// A scenario with `nodes` spliced into its node list.
fn with_nodes(nodes: &str) -> String {
    format!(
        "Scenario(\n    name: \"t\",\n    seed: 1,\n    cluster: (nodes: [\n{nodes}\n    ]),\n)\n"
    )
}

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sim-loader-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

// --- Size ----------------------------------------------------------------------------

/// A regular file over the limit is refused from its size, before it is read (a sparse
/// 1 GiB file would otherwise take a GiB of memory); the message gives limit and size.
#[test]
fn a_file_over_the_limit_is_refused_with_its_size() {
    let path = tmp("huge.ron");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(1 << 30).unwrap();
    drop(f);
    let started = Instant::now();
    let e = Scenario::load(&path).unwrap_err();
    assert!(
        matches!(e, LoadError::TooLarge { size: Some(n), .. } if n == 1 << 30),
        "{e}"
    );
    let text = e.to_string();
    assert!(text.contains("1073741824 bytes"), "{text}");
    assert!(text.contains("at most 16 MiB (16777216 bytes)"), "{text}");
    assert!(started.elapsed() < Duration::from_secs(5));
    std::fs::remove_file(&path).unwrap();
}

/// A device that never ends (`sim-cli check /dev/zero` once grew to 7.4 GB) is read only
/// to one byte past the limit.
#[cfg(target_os = "linux")]
#[test]
fn an_endless_device_is_refused_after_the_limit() {
    let e = Scenario::load(std::path::Path::new("/dev/zero")).unwrap_err();
    assert!(matches!(e, LoadError::TooLarge { size: None, .. }), "{e}");
    assert!(
        e.to_string()
            .contains(&format!("more than {MAX_FILE_SIZE} bytes")),
        "{e}"
    );
}

/// A FIFO whose writer never stops is refused the same way, and the writer sees the pipe
/// close.
#[cfg(target_os = "linux")]
#[test]
fn an_endless_pipe_is_refused_after_the_limit() {
    let path = tmp("endless.fifo");
    let _ = std::fs::remove_file(&path);
    let made = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let writer_path = path.clone();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let mut w = std::fs::OpenOptions::new()
            .write(true)
            .open(writer_path)
            .unwrap();
        let chunk = vec![b' '; 1 << 16];
        let mut written = 0u64;
        // Ends when the reader closes the pipe (EPIPE: the test harness ignores SIGPIPE).
        while w.write_all(&chunk).is_ok() {
            written += chunk.len() as u64;
        }
        written
    });
    let e = Scenario::load(&path).unwrap_err();
    assert!(matches!(e, LoadError::TooLarge { size: None, .. }), "{e}");
    let written = writer.join().unwrap();
    assert!(written <= 2 * MAX_FILE_SIZE, "{written}");
    std::fs::remove_file(&path).unwrap();
}

// --- Locating errors -----------------------------------------------------------------

/// The test binary run again as a child that parses a 12 MB file with a syntax error near
/// its start (RON stops there; the locator walks the whole file to name the field) and
/// reports its own peak RSS. The locator once kept a (usize, char) per character: 16 bytes
/// per byte of file, 190 MB here.
#[cfg(target_os = "linux")]
#[test]
fn locating_a_syntax_error_costs_memory_of_the_file_not_a_multiple() {
    const CHILD: &str = "SIM_LOADER_LOCATE_CHILD";
    if std::env::var_os(CHILD).is_some() {
        // The child: build the text, then parse it; print the peak RSS in KB.
        let nodes: String = (0..250_000)
            .map(|i| {
                format!(
                    "        (name: \"n{i}\", ip: \"10.{}.{}.{}/8\"),\n",
                    i >> 14,
                    (i >> 6) & 255,
                    (i & 63) * 4 + 1
                )
            })
            .collect();
        let src = format!(
            "Scenario(\n    name: \"big\",\n    seed: -1,\n    cluster: (nodes: [\n{nodes}    ]),\n)\n"
        );
        let hwm = |status: &str| -> u64 {
            let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
            line.split_whitespace().nth(1).unwrap().parse().unwrap()
        };
        let before = hwm(&std::fs::read_to_string("/proc/self/status").unwrap());
        let d = diagnostics(&src);
        let after = hwm(&std::fs::read_to_string("/proc/self/status").unwrap());
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].starts_with("t.ron:3:12: seed: "), "{d:?}");
        println!("LOCATE-CHILD len={} grew_kb={}", src.len(), after - before);
        return;
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "loader::locating_a_syntax_error_costs_memory_of_the_file_not_a_multiple",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = stdout
        .lines()
        .find_map(|l| l.find("LOCATE-CHILD").map(|at| &l[at..]))
        .unwrap_or_else(|| panic!("{stdout}"));
    let field = |k: &str| -> u64 {
        line.split_whitespace()
            .find_map(|w| w.strip_prefix(k))
            .unwrap()
            .parse()
            .unwrap()
    };
    let (len, grew_kb) = (field("len="), field("grew_kb="));
    // Locating may take memory of its own, but no more than the file's size.
    assert!(
        grew_kb * 1024 < len,
        "locating an error in {len} bytes raised the peak RSS by {grew_kb} KB"
    );
}

/// Positions are counted as the walk goes, not from the start of each line: 50,000 nodes
/// on one line, then 2,000 steps with unknown machines among the last ones, take no longer
/// than on many lines.
#[test]
fn positions_on_one_very_long_line_are_found_in_linear_time() {
    let nodes: String = (0..50_000)
        .map(|i| {
            format!(
                "(name: \"n{i}\", ip: \"10.{}.{}.{}/8\"), ",
                i >> 14,
                (i >> 6) & 255,
                (i & 63) * 4 + 1
            )
        })
        .collect();
    let steps: String = (0..2_000)
        .map(|i| {
            let on = if i < 1_990 { "n" } else { "x" };
            format!("(at: \"1s\", exec: (on: \"node/{on}{i}\", cmd: \"ip r\")), ")
        })
        .collect();
    let src =
        format!("Scenario(name: \"t\", seed: 1, cluster: (nodes: [{nodes}]), steps: [{steps}])");
    let started = Instant::now();
    let d = diagnostics(&src);
    assert_eq!(d.len(), 10);
    let col = src.find("node/x1999").unwrap(); // ASCII: bytes are characters
    assert!(
        d[9].starts_with(&format!("t.ron:1:{}: steps[1999].exec.on: unknown machine `node/x1999`; expected one of: node/n0, node/n1,", col)),
        "{}",
        &d[9][..200]
    );
    assert!(d[9].ends_with("... and 49980 more"), "{}", &d[9]);
    assert!(started.elapsed() < Duration::from_secs(30));
}

// --- Overlapping subnets and checking at scale ------------------------------------------

/// One problem per node whose subnet overlaps an earlier node's (not one per pair), the
/// first `MAX_OVERLAPS_LISTED` named, the rest counted in one last diagnostic.
#[test]
fn overlapping_subnets_are_reported_once_per_node_and_capped() {
    // Nested prefixes: every pair overlaps (10 pairs), but only the 4 later nodes offend.
    let nested = with_nodes(
        &(0..5)
            .map(|i| {
                format!(
                    "        (name: \"n{i}\", ip: \"10.0.0.{}/{}\"),",
                    i + 1,
                    8 + i
                )
            })
            .collect::<Vec<_>>()
            .join("\n"),
    );
    let d = diagnostics(&nested);
    assert_eq!(
        d,
        [
            "t.ron:6:26: cluster.nodes[1].ip: 10.0.0.2/9 overlaps 10.0.0.1/8 of node n0 with a different prefix; nodes on one segment must share one subnet",
            "t.ron:7:26: cluster.nodes[2].ip: 10.0.0.3/10 overlaps 10.0.0.2/9 of node n1 with a different prefix; nodes on one segment must share one subnet",
            "t.ron:8:26: cluster.nodes[3].ip: 10.0.0.4/11 overlaps 10.0.0.3/10 of node n2 with a different prefix; nodes on one segment must share one subnet",
            "t.ron:9:26: cluster.nodes[4].ip: 10.0.0.5/12 overlaps 10.0.0.4/11 of node n3 with a different prefix; nodes on one segment must share one subnet",
        ]
    );
    // A /8 first, then 30 /24s inside it, and one /16 that holds some of them.
    let mut nodes = vec!["        (name: \"wide\", ip: \"10.0.0.1/8\"),".to_string()];
    nodes.extend((0..30).map(|i| format!("        (name: \"n{i}\", ip: \"10.0.{i}.2/24\"),")));
    nodes.push("        (name: \"mid\", ip: \"10.0.0.9/16\"),".into());
    // And a node on a subnet of its own: no problem.
    nodes.push("        (name: \"apart\", ip: \"192.168.1.1/24\"),".into());
    let d = diagnostics(&with_nodes(&nodes.join("\n")));
    assert_eq!(d.len(), MAX_OVERLAPS_LISTED + 1, "{d:#?}");
    assert!(
        d[0].ends_with("cluster.nodes[1].ip: 10.0.0.2/24 overlaps 10.0.0.1/8 of node wide with a different prefix; nodes on one segment must share one subnet"),
        "{}",
        d[0]
    );
    assert_eq!(
        d[MAX_OVERLAPS_LISTED],
        "t.ron:16:27: cluster.nodes[11].ip: and 21 more nodes (this one and later ones) whose subnets overlap an earlier node's with a different prefix; nodes on one segment must share one subnet"
    );
}

/// Checking is n log n: 20,000 nodes, half of them on overlapping subnets, 20,000 steps
/// naming machines and 2,000 naming a machine that does not exist check in a few seconds
/// even in a debug build. (It was quadratic: every node against every earlier one, every
/// step's machine by a linear search, every diagnostic located by a scan of all values;
/// 20,000 nodes took minutes.)
#[test]
fn twenty_thousand_nodes_check_quickly() {
    let n = 20_000;
    let nodes: Vec<String> = (0..n)
        .map(|i| {
            let prefix = if i % 2 == 0 { 8 } else { 16 + i % 9 };
            format!(
                "        (name: \"n{i}\", ip: \"10.{}.{}.{}/{prefix}\"),",
                i >> 14,
                (i >> 6) & 255,
                (i & 63) * 4 + 1
            )
        })
        .collect();
    let steps: Vec<String> = (0..n + 2_000)
        .map(|i| format!("        (at: \"1s\", exec: (on: \"node/n{i}\", cmd: \"ip r\")),"))
        .collect();
    let src = format!(
        "Scenario(\n    name: \"t\",\n    seed: 1,\n    cluster: (nodes: [\n{}\n    ]),\n    steps: [\n{}\n    ],\n)\n",
        nodes.join("\n"),
        steps.join("\n")
    );
    let started = Instant::now();
    let d = diagnostics(&src);
    let took = started.elapsed();
    // Every node but the first overlaps an earlier one: odd nodes lie inside n0's
    // 10.0.0.0/8, even ones hold an earlier odd one's. The listed ones, the count, the
    // steps (listed and counted the same way).
    assert_eq!(d.len(), 2 * (MAX_OVERLAPS_LISTED + 1), "{:#?}", &d[..12]);
    assert!(
        d[MAX_OVERLAPS_LISTED].contains(&format!("and {} more nodes", n - 1 - MAX_OVERLAPS_LISTED)),
        "{}",
        d[MAX_OVERLAPS_LISTED]
    );
    assert!(
        d[MAX_OVERLAPS_LISTED + 1]
            .contains(&format!("steps[{n}].exec.on: unknown machine `node/n{n}`"))
    );
    assert!(d[2 * MAX_OVERLAPS_LISTED + 1].contains(&format!(
        "steps[{}].exec.on: and 1990 more steps (this one and later ones) naming a machine that does not exist",
        n + MAX_OVERLAPS_LISTED
    )));
    assert!(took < Duration::from_secs(20), "checking took {took:?}");
}

// --- Echoed text ---------------------------------------------------------------------

/// A raw newline (or another control character) in a value is escaped wherever a
/// diagnostic echoes it, so one problem is one line and cannot forge another.
#[test]
fn echoed_values_are_escaped_so_one_problem_is_one_line() {
    let src = "Scenario(name: \"t\", seed: 1,\n  cluster: (nodes: [(name: \"a\nt.ron:1:1: forged\", ip: \"10.0.0.1/24\"), (name: \"b\", ip: \"10.0.0.2/24\", gateway: \"1.2.3.4\u{1b}[31m\")]),\n  steps: [(at: \"1s\u{7}\", exec: (on: \"node/a\", cmd: \"ip r\")), (at: \"2s\", exec: (on: \"node/x\ty\", cmd: \"ip r\"))],\n)";
    let d = diagnostics(src);
    assert_eq!(d.len(), 4, "{d:#?}");
    for line in &d {
        assert!(!line.contains(|c: char| c.is_control()), "{line:?}");
    }
    assert!(
        d[0].contains("`a\\nt.ron:1:1: forged` is not a valid name"),
        "{}",
        d[0]
    );
    assert!(
        d[1].contains("`1.2.3.4\\u{1b}[31m` is not an IPv4 address"),
        "{}",
        d[1]
    );
    assert!(d[3].contains("unknown machine `node/x\\ty`"), "{}", d[3]);
    // The file name too, and RON's own messages.
    let e = Scenario::parse(
        "bad\nname.ron",
        "Scenario(name: \"t\", seed: 1, colo\u{85}ur: 1)",
    )
    .unwrap_err();
    let text = e.to_string();
    assert_eq!(text.lines().count(), 1, "{text:?}");
    assert!(text.starts_with("bad\\nname.ron:1:"), "{text}");
}

// --- Invalid UTF-8 and unclosed comments ----------------------------------------------

/// Invalid UTF-8 is reported at the line and column of its first invalid byte, with the
/// field it is in.
#[test]
fn invalid_utf8_is_located_at_its_first_byte() {
    let path = tmp("latin1.ron");
    std::fs::write(
        &path,
        b"Scenario(\n    name: \"caf\xe9\",\n    seed: 1,\n    cluster: (nodes: []),\n)\n",
    )
    .unwrap();
    let e = Scenario::load(&path).unwrap_err();
    let text = e.to_string();
    assert_eq!(
        text,
        format!(
            "{}:2:15: name: invalid UTF-8 (byte 0xe9); expected a text file in UTF-8",
            path.display()
        )
    );
    std::fs::remove_file(&path).unwrap();
}

/// A file that ends inside a comment says so, naming where the comment starts (block
/// comments nest, as in RON); `/*` in a string opens nothing.
#[test]
fn a_file_ending_inside_a_comment_says_where_the_comment_starts() {
    let good = "Scenario(\n    name: \"t /* not a comment */\",\n    seed: 1,\n    cluster: (nodes: [(name: \"a\", ip: \"10.0.0.1/24\")]),\n)\n";
    assert_eq!(diagnostics(good), Vec::<String>::new());
    let closed = format!("{good}/* one /* two */ */\n");
    assert_eq!(diagnostics(&closed), Vec::<String>::new());
    // Unclosed after the scenario: the outer comment (6:1) is still open at the end.
    let src = format!("{good}/* one /* two */ still one\n");
    assert_eq!(
        diagnostics(&src),
        [
            "t.ron:7:1: file ends inside a comment that starts at 6:1; expected `*/` to close it (comments nest: each `/*` needs its own `*/`)"
        ]
    );
    // A truncated file whose rest is in a comment: RON said "Expected opening `(`".
    let src = "/* a scenario\nScenario(name: \"t\")\n";
    assert_eq!(
        diagnostics(src),
        [
            "t.ron:3:1: file ends inside a comment that starts at 1:1; expected `*/` to close it (comments nest: each `/*` needs its own `*/`)"
        ]
    );
    // A line comment with no newline after it, where the rest of the scenario should be
    // (a line comment ends at the end of the file: the file ends early); and a file with nothing but comments (RON said "Expected opening `(` for struct
    // `Scenario`" at a column inside the comment).
    assert_eq!(
        diagnostics("Scenario(name: \"t\", // the seed next\n  seed: 1, // then"),
        [
            "t.ron:2:19: the file ends here; expected the rest of the scenario (a closing `)` or `]`?)"
        ]
    );
    assert_eq!(
        diagnostics("// ping: two nodes\n// and a link\n"),
        [
            "t.ron:3:1: the file has no scenario; expected `Scenario(name: ..., seed: ..., cluster: (...))` (see docs/scenario-format.md)"
        ]
    );
    // In the middle of the scenario, after a `"/*"` in a string.
    let src = "Scenario(name: \"/*\", seed: 1, /* x\n cluster: (nodes: [])";
    assert_eq!(
        diagnostics(src),
        [
            "t.ron:2:22: file ends inside a comment that starts at 1:31; expected `*/` to close it (comments nest: each `/*` needs its own `*/`)"
        ]
    );
}

// --- Warnings: runs that never go quiet --------------------------------------------------

const K8S: &str = r#"Scenario(
    name: "t",
    seed: 1,
    cluster: (
        nodes: [(name: "m", ip: "10.0.0.1/24"), (name: "w", ip: "10.0.0.2/24", docker: ())],
        etcd: "m",
        kubernetes: (master: "m"),
    ),
)"#;

/// Kubernetes ticks for ever (kubelet's status every 10 s, kube-proxy's resync), and so
/// does flanneld (its lease every 23 h): without `until`, a warning at the component.
/// Docker and pods alone go quiet: no warning.
#[test]
fn a_cluster_that_never_goes_quiet_without_until_is_warned_about() {
    assert_eq!(
        warnings(K8S),
        [
            "t.ron:7:21: warning: cluster.kubernetes: kubelets post their node's status every 10s and kube-proxy resyncs every sync_period, so this scenario never goes quiet: without `until` a run goes on to its event budget (10000000 events, which can take many minutes); expected `until: \"60s\"` (or how long it should run) in `Scenario(...)`, or `--until` on the command line"
        ]
    );
    let with_until = K8S.replace("seed: 1,", "seed: 1,\n    until: \"60s\",");
    assert_eq!(warnings(&with_until), Vec::<String>::new());
    // Given an end on the command line, the warning is moot.
    let s = Scenario::parse("t.ron", K8S).unwrap();
    assert_eq!(s.warnings_to_show(true).count(), 0);
    let flannel = K8S
        .replace("        kubernetes: (master: \"m\"),\n", "")
        .replace("docker: ())", "docker: (flannel: true), flannel: ())");
    let w = warnings(&flannel);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].starts_with("t.ron:5:114: warning: cluster.nodes[1].flannel: flanneld renews its subnet lease in etcd every 23h, so this scenario never goes quiet"),
        "{}",
        w[0]
    );
    let docker_only = K8S.replace("        kubernetes: (master: \"m\"),\n", "");
    assert_eq!(warnings(&docker_only), Vec::<String>::new());
}

/// Every shipped scenario that needs an `until` has one, and none warns.
#[test]
fn shipped_scenarios_have_no_warnings() {
    for path in super::scenario_files() {
        let s = super::load(&path);
        let w: Vec<String> = s
            .warnings_to_show(false)
            .map(|w| w.as_warning().to_string())
            .collect();
        assert!(w.is_empty(), "{}: {w:#?}", path.display());
    }
}

// --- Addresses the real system refuses or misuses ------------------------------------

/// eth0 cannot hold a loopback, multicast, reserved or "this network" address: each is
/// refused, saying why.
#[test]
fn node_addresses_outside_unicast_are_refused() {
    for (ip, why) in [
        (
            "127.0.0.5/8",
            "is a loopback address (127.0.0.0/8): it belongs on lo",
        ),
        (
            "224.0.0.5/24",
            "is a multicast group (224.0.0.0/4), not a host",
        ),
        (
            "239.1.2.3/24",
            "is a multicast group (224.0.0.0/4), not a host",
        ),
        ("240.0.0.1/24", "is in the reserved range 240.0.0.0/4"),
        ("255.255.255.254/31", "is in the reserved range 240.0.0.0/4"),
        ("0.1.2.3/24", "is in 0.0.0.0/8 (\"this network\")"),
    ] {
        let src = with_nodes(&format!("        (name: \"a\", ip: \"{ip}\"),"));
        let d = diagnostics(&src);
        assert_eq!(d.len(), 1, "{ip}: {d:?}");
        let addr = ip.split('/').next().unwrap();
        assert!(
            d[0].starts_with(&format!("t.ron:5:25: cluster.nodes[0].ip: {addr} {why}")),
            "{ip}: {}",
            d[0]
        );
    }
    // The network and broadcast addresses were refused already; still are.
    let d = diagnostics(&with_nodes("        (name: \"a\", ip: \"10.0.0.255/24\"),"));
    assert!(
        d[0].contains("10.0.0.255 is the broadcast address of 10.0.0.0/24"),
        "{d:?}"
    );
}

/// A docker `--bip` outside unicast is refused; one that overlaps the node's own subnet is
/// what dockerd accepts but then misroutes: a warning that says why.
#[test]
fn docker_bips_are_refused_or_warned_about() {
    let node = |bip: &str| {
        with_nodes(&format!(
            "        (name: \"a\", ip: \"10.0.0.1/16\", docker: (bip: \"{bip}\")),"
        ))
    };
    let d = diagnostics(&node("127.0.0.1/8"));
    assert_eq!(
        d,
        [
            "t.ron:5:54: cluster.nodes[0].docker.bip: --bip 127.0.0.1/8: docker0's address 127.0.0.1 is a loopback address (127.0.0.0/8): it belongs on lo, and Linux drops packets from or to it on any other device as martians; expected a private range such as \"172.17.0.1/16\""
        ]
    );
    assert!(diagnostics(&node("224.0.0.1/24"))[0].contains("is a multicast group"));
    assert!(diagnostics(&node("240.0.0.1/24"))[0].contains("reserved range"));
    assert!(diagnostics(&node("0.0.1.1/24"))[0].contains("0.0.0.0/8"));
    assert_eq!(
        warnings(&node("10.0.5.1/24")),
        [
            "t.ron:5:54: warning: cluster.nodes[0].docker.bip: docker0's subnet 10.0.5.0/24 overlaps eth0's subnet 10.0.0.0/16 on a: dockerd starts, but the node then routes addresses in the overlap to docker0 (its containers) instead of eth0, so machines on the segment with those addresses become unreachable from it; expected a --bip outside 10.0.0.0/16"
        ]
    );
    assert_eq!(warnings(&node("10.1.0.1/16")), Vec::<String>::new());
}

/// kube-apiserver refuses a service range wider than /12 with its own message
/// (0.0.0.0/0, 127.0.0.0/8); it accepts a loopback /16, or a range over the nodes' or
/// the pods' addresses, where Services then misbehave: warnings that say why.
#[test]
fn service_ranges_are_refused_as_kube_apiserver_does_or_warned_about() {
    let with = |cidr: &str, extra: &str| {
        K8S.replace("seed: 1,", "seed: 1,\n    until: \"1s\",")
            .replace(
                "kubernetes: (master: \"m\")",
                &format!("kubernetes: (master: \"m\", service_cidr: \"{cidr}\"{extra})"),
            )
    };
    for cidr in ["0.0.0.0/0", "127.0.0.0/8", "10.0.0.0/11"] {
        let d = diagnostics(&with(cidr, ""));
        assert_eq!(
            d,
            [format!(
                "t.ron:8:49: cluster.kubernetes.service_cidr: {cidr}: kube-apiserver refuses it: specified --service-cluster-ip-range is too large; for 32-bit addresses, the mask must be >= 12; expected a range such as \"10.96.0.0/12\""
            )]
        );
    }
    let w = warnings(&with("127.0.0.0/16", ""));
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].contains(
            "127.0.0.0/16: kube-apiserver starts, but every ClusterIP would be a loopback address"
        ),
        "{}",
        w[0]
    );
    let w = warnings(&with("10.0.0.0/16", ""));
    assert_eq!(
        w,
        [
            "t.ron:8:49: warning: cluster.kubernetes.service_cidr: 10.0.0.0/16 overlaps node m's subnet 10.0.0.0/24: kube-apiserver can give a Service a ClusterIP that is also a machine's address, and kube-proxy's rules then send traffic for that machine to the Service; expected a range no node uses"
        ]
    );
    let w = warnings(&with("10.244.0.0/16", ", cluster_cidr: \"10.244.0.0/16\""));
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].contains("10.244.0.0/16 overlaps the pod network (cluster_cidr), 10.244.0.0/16: a pod's address can also be a ClusterIP"), "{}", w[0]);
    let w = warnings(&with("172.16.0.0/12", ""));
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].contains("overlaps docker0's subnet on w, 172.17.0.0/16"),
        "{}",
        w[0]
    );
    assert_eq!(warnings(&with("10.96.0.0/12", "")), Vec::<String>::new());
}

/// kube-apiserver refuses a range under 8 addresses (it needs the first for the
/// `kubernetes` Service and room to allocate): a /30, /31 or /32 once passed `check`, and
/// every later `kubectl create` failed with "range is full".
#[test]
fn service_ranges_under_eight_addresses_are_refused_as_kube_apiserver_does() {
    let with = |cidr: &str| {
        K8S.replace("seed: 1,", "seed: 1,\n    until: \"1s\",")
            .replace(
                "kubernetes: (master: \"m\")",
                &format!("kubernetes: (master: \"m\", service_cidr: \"{cidr}\")"),
            )
    };
    for cidr in ["10.96.0.0/32", "10.96.0.0/31", "10.96.0.4/30"] {
        assert_eq!(
            diagnostics(&with(cidr)),
            [format!(
                "t.ron:8:49: cluster.kubernetes.service_cidr: {cidr}: kube-apiserver refuses it: error determining service IP ranges for primary service cidr: the service cluster IP range must be at least 8 IP addresses; expected a range such as \"10.96.0.0/12\""
            )]
        );
    }
    assert_eq!(diagnostics(&with("10.96.0.0/29")), Vec::<String>::new());
}

/// A default route via the subnet's broadcast address is refused by the kernel ("Error:
/// Nexthop has invalid gateway."); the network address is no host's either.
#[test]
fn gateways_on_the_subnets_broadcast_or_network_address_are_refused() {
    let node = |gw: &str| {
        with_nodes(&format!(
            "        (name: \"a\", ip: \"10.0.0.1/24\", gateway: \"{gw}\"),"
        ))
    };
    assert_eq!(
        diagnostics(&node("10.0.0.255")),
        [
            "t.ron:5:49: cluster.nodes[0].gateway: gateway 10.0.0.255 is the broadcast address of a's subnet 10.0.0.0/24: the kernel refuses such a route (`ip route add default via 10.0.0.255`: \"Error: Nexthop has invalid gateway.\"); expected a router's address inside it"
        ]
    );
    assert_eq!(
        diagnostics(&node("10.0.0.0")),
        [
            "t.ron:5:49: cluster.nodes[0].gateway: gateway 10.0.0.0 is the network address of a's subnet 10.0.0.0/24, which no host holds; expected a router's address inside it"
        ]
    );
    assert!(diagnostics(&node("10.0.0.1"))[0].contains("is the node's own address"));
    assert_eq!(diagnostics(&node("10.0.0.254")), Vec::<String>::new());
    // On a /31 both addresses are hosts (RFC 3021).
    let p2p = with_nodes("        (name: \"a\", ip: \"10.0.0.0/31\", gateway: \"10.0.0.1\"),");
    assert_eq!(diagnostics(&p2p), Vec::<String>::new());
}

/// Every IPv4 address the scenario takes refuses a leading zero the same way: iproute2
/// (and inet_aton) would read `010` as octal 8, so the simulator cannot guess which was
/// meant. `010.0.0.1/24` was once read as 10.0.0.1 while a gateway `010.0.0.9` was
/// refused.
#[test]
fn addresses_with_leading_zeros_are_refused_everywhere() {
    let msg = |path: &str, text: &str, octet: &str, value: &str| {
        format!(
            "{path}: `{text}` has a leading zero in `{octet}`: iproute2 reads such a number as octal ({value}), so which address is meant is unclear; expected decimal numbers without leading zeros"
        )
    };
    let one = |src: &str| {
        let d = diagnostics(src);
        assert_eq!(d.len(), 1, "{d:#?}");
        d[0].split_once(": ").unwrap().1.to_string()
    };
    assert_eq!(
        one(&with_nodes("        (name: \"a\", ip: \"010.0.0.1/24\"),")),
        msg("cluster.nodes[0].ip", "010.0.0.1/24", "010", "8")
    );
    assert_eq!(
        one(&with_nodes("        (name: \"a\", ip: \"10.0.0.09\"),")),
        msg(
            "cluster.nodes[0].ip",
            "10.0.0.09",
            "09",
            "not a valid octal number"
        )
    );
    assert_eq!(
        one(&with_nodes(
            "        (name: \"a\", ip: \"10.0.0.1/24\", gateway: \"10.0.0.010\"),"
        )),
        msg("cluster.nodes[0].gateway", "10.0.0.010", "010", "8")
    );
    assert_eq!(
        one(&with_nodes(
            "        (name: \"a\", ip: \"10.0.0.1/24\", dns_server: {\"x.test\": \"1.2.3.04\"}),"
        )),
        msg("cluster.nodes[0].dns_server", "1.2.3.04", "04", "4")
    );
    assert_eq!(
        one(&with_nodes(
            "        (name: \"a\", ip: \"10.0.0.1/24\", docker: (bip: \"172.017.0.1/16\")),"
        )),
        msg("cluster.nodes[0].docker.bip", "172.017.0.1/16", "017", "15")
    );
    let k8s = |field: &str| {
        K8S.replace("seed: 1,", "seed: 1,\n    until: \"1s\",")
            .replace(
                "kubernetes: (master: \"m\")",
                &format!("kubernetes: (master: \"m\", {field})"),
            )
    };
    assert_eq!(
        one(&k8s("service_cidr: \"10.096.0.0/12\"")),
        msg(
            "cluster.kubernetes.service_cidr",
            "10.096.0.0/12",
            "096",
            "not a valid octal number"
        )
    );
    assert_eq!(
        one(&k8s("cluster_cidr: \"10.244.00.0/16\"")),
        msg(
            "cluster.kubernetes.cluster_cidr",
            "10.244.00.0/16",
            "00",
            "0"
        )
    );
    assert_eq!(
        one(&k8s("cluster_dns: \"10.96.0.010\"")),
        msg("cluster.kubernetes.cluster_dns", "10.96.0.010", "010", "8")
    );
    // A single zero is no leading zero.
    assert_eq!(
        diagnostics(&with_nodes(
            "        (name: \"a\", ip: \"10.0.0.1/24\", gateway: \"10.0.0.0\"),"
        ))
        .len(),
        1
    );
    assert_eq!(
        diagnostics(&with_nodes("        (name: \"a\", ip: \"10.0.0.1\"),")),
        Vec::<String>::new()
    );
}

// --- Truncated files, BOMs, durations ----------------------------------------------------

const GOOD: &str = "Scenario(\n    name: \"t\",\n    seed: 1,\n    cluster: (nodes: [(name: \"a\", ip: \"10.0.0.1/24\")]),\n    steps: [\n        (at: \"1s\", exec: (on: \"node/a\", cmd: \"ip r\")),\n    ],\n)\n";

/// A line comment ends at the end of the file: it is not "unclosed". A file of one `//`
/// line without a final newline has no scenario (as the docs say), and a file cut after
/// a `//` comment ends early like any other.
#[test]
fn a_line_comment_at_the_end_of_the_file_is_not_unclosed() {
    assert_eq!(
        diagnostics("// ping: two nodes"),
        [
            "t.ron:1:19: the file has no scenario; expected `Scenario(name: ..., seed: ..., cluster: (...))` (see docs/scenario-format.md)"
        ]
    );
    let d = diagnostics("Scenario(name: \"t\", // the seed next\n  seed: 1, // then");
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].starts_with("t.ron:2:19: the file ends here; expected "),
        "{}",
        d[0]
    );
    // A whole scenario with a last `//` line and no newline is fine.
    assert_eq!(diagnostics(&format!("{GOOD}// end")), Vec::<String>::new());
}

/// A file cut off where only whitespace and comments follow says it ends there, keeping
/// what RON expected next (RON said only "Expected opening `(` for struct `Step`").
#[test]
fn a_file_cut_short_says_it_ends_here_with_what_was_expected() {
    let cut = GOOD.find("(at:").unwrap();
    let src = format!("{}/* */", &GOOD[..cut]);
    assert_eq!(
        diagnostics(&src),
        ["t.ron:6:14: steps: the file ends here; expected opening `(` for struct `Step`"]
    );
    let cut = GOOD.find("    steps").unwrap();
    let src = format!("{}// the steps\n", &GOOD[..cut]);
    let d = diagnostics(&src);
    assert!(
        d[0].starts_with("t.ron:6:1: the file ends here; expected "),
        "{d:?}"
    );
    // An error at the end that is not about the end keeps RON's message.
    let d = diagnostics("Scenario(name: \"t\", seed: 1)\n// c\n");
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(!d[0].contains("the file ends here"), "{}", d[0]);
}

/// Editors on Windows start a file with a UTF-8 BOM: it is skipped, and positions are
/// those of the text after it.
#[test]
fn a_leading_byte_order_mark_is_skipped() {
    let src = format!("\u{feff}{GOOD}");
    assert_eq!(diagnostics(&src), Vec::<String>::new());
    for bad in [
        GOOD.replace("seed: 1", "seed: x"),
        GOOD.replace("name: \"t\"", "name: \"\""),
        GOOD.replace("Scenario(", "Scenario(x"),
    ] {
        let d = diagnostics(&format!("\u{feff}{bad}"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d, diagnostics(&bad));
    }
    assert!(diagnostics("\u{feff}Scenario(x")[0].starts_with("t.ron:1:10: "));
    let path = tmp("bom.ron");
    std::fs::write(&path, format!("\u{feff}{GOOD}")).unwrap();
    assert!(Scenario::load(&path).is_ok());
    std::fs::remove_file(&path).unwrap();
}

/// A duration with whitespace around or inside it (`" 1s"`, `"1s\n"`) is refused, not
/// silently trimmed.
#[test]
fn durations_with_whitespace_are_refused() {
    for at in [" 1s", "1s\\n", "1s ", "1 s"] {
        let src = GOOD.replace("at: \"1s\"", &format!("at: \"{at}\""));
        let d = diagnostics(&src);
        assert_eq!(d.len(), 1, "{at}: {d:?}");
        assert!(
            d[0].starts_with("t.ron:6:14: steps[0].at: `")
                && d[0].ends_with(
                    "` has whitespace in it; expected a duration without spaces, e.g. `1m30s`"
                ),
            "{at}: {}",
            d[0]
        );
    }
}

/// A huge value is echoed capped: its first characters, `…` and its length, so one
/// problem stays one readable line (a 1 MB name was once printed in full).
#[test]
fn echoed_values_are_capped() {
    let big = "x".repeat(1 << 20);
    let src = with_nodes(&format!(
        "        (name: \"{big}\", ip: \"10.0.0.1/24\", gateway: \"{big}\"),"
    ));
    let d = diagnostics(&src);
    assert_eq!(d.len(), 2, "{d:?}");
    for line in &d {
        assert!(line.len() < 400, "{} bytes: {}", line.len(), &line[..400]);
        assert!(line.contains("… (1048576 characters)`"), "{line}");
    }
    assert!(d[0].starts_with(&format!(
        "t.ron:5:16: cluster.nodes[0].name: `{}",
        "x".repeat(60)
    )));
    // Spaces in the value, and RON's own messages (an unknown field's name).
    let spaced = format!("{} end", "a b".repeat(1000));
    let src = GOOD
        .replace("\"ip r\"", &format!("\"{spaced}\""))
        .replace("node/a", &format!("node/{spaced}"));
    let d = diagnostics(&src);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].len() < 400, "{}", d[0]);
    assert!(d[0].contains("… (3009 characters)`"), "{}", d[0]);
    let d = diagnostics(&GOOD.replace("seed: 1", &format!("{}: 1", "y".repeat(5000))));
    assert_eq!(d.len(), 1);
    assert!(d[0].len() < 600, "{}", d[0]);
    assert!(d[0].contains("… (5000 characters)`"), "{}", d[0]);
    // Short values, and escaped ones, are as they were.
    assert!(
        diagnostics(&with_nodes("        (name: \"A\", ip: \"10.0.0.1/24\"),"))[0]
            .contains("`A` is not a valid name")
    );
}

/// Every problem that can repeat once per node, pod, link or step is listed for the first
/// `MAX_REPEATS_LISTED` and counted in one "and N more" line: 50,000 nodes on one address
/// once printed 49,999 lines.
#[test]
fn repeated_problems_are_capped_like_overlaps() {
    let n = 5_000;
    let nodes: Vec<String> = (0..n)
        .map(|i| format!("        (name: \"n{i}\", ip: \"10.0.0.1/16\"),"))
        .collect();
    let d = diagnostics(&with_nodes(&nodes.join("\n")));
    assert_eq!(
        d.len(),
        MAX_REPEATS_LISTED + 1,
        "{:#?}",
        &d[..d.len().min(14)]
    );
    assert!(d[0].ends_with("cluster.nodes[1].ip: 10.0.0.1 is already the address of node n0; expected a unique address per node"), "{}", d[0]);
    assert_eq!(
        d[MAX_REPEATS_LISTED],
        format!(
            "t.ron:{}:27: cluster.nodes[11].ip: and {} more nodes (this one and later ones) whose address is already an earlier node's; expected a unique address per node",
            5 + 11,
            n - 1 - MAX_REPEATS_LISTED
        )
    );
    // The same name, an mtu out of range, links to nowhere, pods on a node that does not
    // exist, bad durations, steps naming no machine: each capped on its own, its "and N
    // more" where the first unlisted one is.
    let mut nodes: Vec<String> = (0..30)
        .map(|i| {
            format!(
                "        (name: \"a\", ip: \"10.0.0.{}/24\", mtu: 1),",
                i + 1
            )
        })
        .collect();
    nodes.push("    ], pods: [".into());
    nodes.extend((0..30).map(|i| format!("        (name: \"p{i}\", node: \"x\"),")));
    nodes.push("    ], links: [".into());
    nodes.extend((0..30).map(|i| format!("        (a: \"a\", b: \"s{i}\"),")));
    let steps: Vec<String> =
        (0..30)
            .map(|i| format!("        (at: \" {i}s\", exec: (on: \"node/b\", cmd: \"ip r\")),"))
            .chain((0..30).map(|_| {
                "        (at: \"1s\", exec: (on: \"node/b\", cmd: \"ip r\")),".to_string()
            }))
            .collect();
    let src = with_nodes(&nodes.join("\n")).replace(
        "    ]),\n)",
        &format!("    ]),\n    steps: [\n{}\n    ],\n)", steps.join("\n")),
    );
    let d = diagnostics(&src);
    let summaries: Vec<&str> = d
        .iter()
        .filter_map(|l| l.split_once(": and ").map(|(_, s)| s))
        .collect();
    assert_eq!(
        summaries,
        [
            "20 more problems at `cluster.nodes[].mtu` (this one and later ones); fix the ones above and check again to see them",
            "19 more names (this one and later ones) already used by an earlier node, switch or pod; expected unique names",
            "20 more problems at `cluster.links[].b` (this one and later ones); fix the ones above and check again to see them",
            "20 more pods (this one and later ones) on a node that does not exist",
            "20 more problems at `steps[].at` (this one and later ones); fix the ones above and check again to see them",
            "20 more steps (this one and later ones) naming a machine that does not exist",
        ],
        "{d:#?}"
    );
    assert_eq!(d.len(), 6 * (MAX_REPEATS_LISTED + 1), "{d:#?}");
}

/// The Kubernetes version is one of the releases the simulator models: another is refused
/// where it is written, with the list of supported ones (exit 2 from the CLI); so is what
/// the chosen release does not have (kube-proxy's ipvs mode before 1.8, a Corefile where
/// kubeadm installs kube-dns). A supported minor, patch or `v` prefix loads.
#[test]
fn kubernetes_versions_outside_the_table_are_refused_with_the_list() {
    let with = |extra: &str| {
        K8S.replace("seed: 1,", "seed: 1,\n    until: \"1s\",")
            .replace(
                "kubernetes: (master: \"m\")",
                &format!("kubernetes: (master: \"m\", {extra})"),
            )
    };
    let list = "expected one of: \"1.5\" (or \"1.5.0\" to \"1.5.8\"), \"1.28\" (or \"1.28.0\" to \"1.28.15\")";
    assert_eq!(
        diagnostics(&with("version: \"1.31\"")),
        [format!(
            "t.ron:8:44: cluster.kubernetes.version: Kubernetes version `1.31` is not simulated; {list}"
        )]
    );
    assert_eq!(
        diagnostics(&with("version: \"1.28.16\"")),
        [format!(
            "t.ron:8:44: cluster.kubernetes.version: Kubernetes v1.28.16 was never released (1.28's last patch is v1.28.15); {list}"
        )]
    );
    assert_eq!(
        diagnostics(&with("version: \"1.5\", proxy_mode: \"ipvs\"")),
        [
            "t.ron:8:63: cluster.kubernetes.proxy_mode: kube-proxy v1.5.2 has no ipvs mode (it came in 1.8); expected \"iptables\" or \"userspace\", or a later `version`"
        ]
    );
    assert_eq!(
        diagnostics(&with(
            "version: \"1.5\", kubeadm: true, corefile: \".:53 {\\n    kubernetes cluster.local\\n}\\n\""
        )),
        [
            "t.ron:8:76: cluster.kubernetes.corefile: kubeadm v1.5.2 installs kube-dns, which has no Corefile; expected no corefile, or a `version` whose DNS add-on is CoreDNS (\"1.28\")"
        ]
    );
    for ok in ["1.5", "1.5.2", "v1.5.8", "1.28", "1.28.0"] {
        assert_eq!(
            diagnostics(&with(&format!("version: \"{ok}\""))),
            Vec::<String>::new(),
            "{ok}"
        );
    }
}
