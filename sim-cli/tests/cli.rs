//! The CLI contract (DESIGN §8): exit codes, where output goes, error shapes. These run
//! the real binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn sim_cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sim-cli"))
        .args(args)
        .current_dir(repo())
        .output()
        .expect("sim-cli runs")
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sim-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn run_prints_the_trace_and_exits_0_when_expectations_hold() {
    let out = sim_cli(&["run", "scenarios/ping.ron"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("| 64 bytes from 10.181.5.146: icmp_seq=1 ttl=64 time="));
    assert!(stdout.ends_with("expectations: 4 held, 0 failed\n"));
    // Twice: the same bytes.
    assert_eq!(out.stdout, sim_cli(&["run", "scenarios/ping.ron"]).stdout);
}

#[test]
fn a_failing_expectation_exits_1_and_is_named() {
    let src = std::fs::read_to_string(repo().join("scenarios/ping.ron"))
        .unwrap()
        .replace(
            "3 packets transmitted, 3 received",
            "3 packets transmitted, 2 received",
        );
    let path = tmp("failing.ron");
    std::fs::write(&path, src).unwrap();
    let out = sim_cli(&["run", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("expectation failed: steps[2] at 2s on node/why-02: `ping -c 3 10.181.5.146`: stdout does not contain \"3 packets transmitted, 2 received, 0% packet loss\""),
        "{stderr}"
    );
    assert!(text(&out.stdout).contains("expect     FAILED `ping -c 3 10.181.5.146`"));
}

#[test]
fn bad_input_exits_2_with_file_line_column() {
    let path = tmp("bad.ron");
    std::fs::write(&path, "Scenario(\n  name: \"x\",\n  seed: 1,\n  cluster: (nodes: [(name: \"a\", ip: \"10.0.0.300\")]),\n)\n").unwrap();
    let out = sim_cli(&["run", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        format!(
            "{}:4:37: cluster.nodes[0].ip: `10.0.0.300` is not an IPv4 address; expected e.g. \"10.181.13.57/17\"\n",
            path.display()
        )
    );
    assert!(out.stdout.is_empty());
    // Missing file, unknown flag, bad duration: all usage or input errors.
    assert_eq!(sim_cli(&["run", "no/such.ron"]).status.code(), Some(2));
    assert_eq!(
        sim_cli(&["run", "scenarios/ping.ron", "--colour"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        sim_cli(&["run", "scenarios/ping.ron", "--until", "3 weeks"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        sim_cli(&["check", "scenarios/ping.ron", path.to_str().unwrap()])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn check_validates_without_running() {
    let out = sim_cli(&["check", "scenarios/ping.ron", "scenarios/link-down.ron"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout),
        "scenarios/ping.ron: ok (2 nodes, 6 steps)\nscenarios/link-down.ron: ok (2 nodes, 5 steps)\n"
    );
}

#[test]
fn out_writes_the_whole_trace_and_json_is_one_object_per_line() {
    let path = tmp("trace.jsonl");
    let out = sim_cli(&[
        "run",
        "scenarios/link-down.ron",
        "--format",
        "json",
        "--out",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    let written = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = written.lines().collect();
    assert!(lines.len() > 20);
    for line in &lines {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(
            v["time_ns"].is_u64() && v["actor"].is_string() && v["kind"].is_string(),
            "{line}"
        );
    }
    assert!(written.contains(
        r#""kind":"dropped","packet":9,"reason":{"type":"link_down","link":"why-02<->why-03"}"#
    ));
}

#[test]
fn until_stops_the_run_early() {
    let out = sim_cli(&["run", "scenarios/link-down.ron", "--until", "3s"]);
    // The expectations scheduled later never ran: that is a failure, named.
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout
            .lines()
            .last()
            .unwrap()
            .starts_with("   3.000000  scenario"),
        "{stdout}"
    );
    assert!(stdout.contains("reached the end time"));
}

/// `sim-cli exec SCENARIO --at AT --on ON -- CMD...` (CMD split on spaces).
fn exec(scenario: &str, at: &str, on: &str, cmd: &str) -> Output {
    let mut args = vec!["exec", scenario, "--at", at, "--on", on, "--"];
    args.extend(cmd.split(' '));
    sim_cli(&args)
}

#[test]
fn exec_prints_what_the_tool_prints_and_exits_with_its_status() {
    let out = exec(
        "scenarios/ping.ron",
        "5s",
        "node/why-02",
        "ping -c 2 10.181.5.146",
    );
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("PING 10.181.5.146 (10.181.5.146) 56(84) bytes of data.\n64 bytes from 10.181.5.146: icmp_seq=1 ttl=64 time="));
    assert!(stdout.contains("\n\n--- 10.181.5.146 ping statistics ---\n2 packets transmitted, 2 received, 0% packet loss, time 1000ms\nrtt min/avg/max/mdev = "));

    let out = exec("scenarios/ping.ron", "0s", "node/why-03", "ip route");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout),
        "10.181.0.0/17 dev eth0 proto kernel scope link src 10.181.5.146 \n"
    );

    // The link goes down at 3.5s while this ping runs: it loses the probes sent at 4s and 5s.
    let out = exec(
        "scenarios/link-down.ron",
        "3s",
        "node/why-03",
        "ping -c 4 10.181.13.57",
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stdout)
            .contains("4 packets transmitted, 2 received, 50% packet loss, time 3000ms")
    );

    let out = exec(
        "scenarios/ping.ron",
        "1s",
        "node/why-02",
        "ping -c 1 192.0.2.1",
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stderr), "ping: connect: Network is unreachable\n");

    let out = exec("scenarios/ping.ron", "1s", "node/why-09", "ip addr");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr)
            .contains("unknown machine `node/why-09`; expected one of: node/why-02, node/why-03")
    );
}

/// A command that never ends stops cleanly at the end time or the event budget, with what it
/// printed so far and exit 124 (as `timeout` uses).
#[test]
fn exec_of_a_command_that_never_ends_stops_cleanly() {
    let mut args = vec![
        "exec",
        "scenarios/ping.ron",
        "--at",
        "1s",
        "--on",
        "node/why-02",
        "--until",
        "4s",
        "--",
        "ping",
        "10.181.5.146",
    ];
    let out = sim_cli(&args);
    assert_eq!(out.status.code(), Some(124));
    // Probes at 1, 2, 3 and 4 s; the reply to the last lands just after the 4 s end.
    let replies = text(&out.stdout)
        .matches(" bytes from 10.181.5.146")
        .count();
    assert_eq!(replies, 3);
    assert!(
        text(&out.stderr)
            .ends_with("`ping 10.181.5.146` was still running when the run stopped at 4.000000s\n")
    );
    args.splice(6..8, ["--max-events", "1000"]);
    let out = sim_cli(&args);
    assert_eq!(out.status.code(), Some(124));
    let run = sim_cli(&["run", "scenarios/link-down.ron", "--max-events", "10"]);
    assert_eq!(run.status.code(), Some(1));
    assert!(
        text(&run.stderr).contains("stopped after 10 events"),
        "{}",
        text(&run.stderr)
    );
    assert!(text(&run.stdout).contains("EVENT BUDGET EXHAUSTED"));
}

#[test]
fn every_subcommand_has_help() {
    for sub in ["run", "check", "exec"] {
        let out = sim_cli(&[sub, "--help"]);
        assert_eq!(out.status.code(), Some(0));
        assert!(text(&out.stdout).contains("Usage: sim-cli"), "{sub}");
    }
}

/// `--on pod/NAME` runs the command in the pod's own namespace: its eth0 and routes, not
/// the node's.
#[test]
fn exec_runs_inside_a_pod() {
    let out = exec(
        "scenarios/two-node-docker0.ron",
        "1s",
        "pod/busybox",
        "ip route",
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout),
        "default via 172.17.0.1 dev eth0 \n172.17.0.0/16 dev eth0 proto kernel scope link src 172.17.0.3 \n"
    );
    let out = exec(
        "scenarios/two-node-docker0.ron",
        "1s",
        "pod/nope",
        "ip route",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("pod/redis-slave, pod/busybox"));
}

/// The seed's `ps aux|grep docker|grep "bip"`: dockerd runs with the options flannel gave
/// it, and each command of the pipeline is a process of its own. In a pod there is no
/// systemd.
#[test]
fn pipes_into_grep_and_systemctl_where_there_is_systemd() {
    let out = exec(
        "scenarios/flannel-udp.ron",
        "5s",
        "node/why-02",
        "ps -ef | grep flannel",
    );
    // `exec` joins its words back; `|` stays a pipe.
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("/usr/bin/flanneld -etcd-endpoints=http://10.181.24.110:2379"));
    assert!(stdout.contains(" grep flannel\n"), "{stdout}");
    let out = sim_cli(&[
        "exec",
        "scenarios/flannel-udp.ron",
        "--at",
        "5s",
        "--on",
        "node/why-02",
        "--",
        "ps aux|grep docker|grep \"bip\"",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("--bip=10.1.40.1/24 --ip-masq=true --mtu=1472"));
    let out = exec(
        "scenarios/flannel-udp.ron",
        "5s",
        "pod/frontend",
        "systemctl stop flanneld",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).starts_with("System has not been booted with systemd"));
}

/// `check /dev/zero` once read for ever (7.4 GB and no exit): now it stops one byte past
/// the 16 MiB limit, says so and exits 2.
#[cfg(target_os = "linux")]
#[test]
fn check_refuses_a_file_over_the_size_limit_at_once() {
    let out = sim_cli(&["check", "/dev/zero"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "sim-cli: /dev/zero: the file is too large (more than 16777216 bytes); scenario files may be at most 16 MiB (16777216 bytes)\n"
    );
}

/// A Kubernetes scenario without `until` never goes quiet: `check` and `run` warn on
/// stderr with file:line:column and keep their exit status; `run --until` has an end, so
/// it does not warn.
#[test]
fn a_scenario_that_never_goes_quiet_is_warned_about_by_check_and_run() {
    let path = tmp("endless.ron");
    std::fs::write(
        &path,
        "Scenario(\n  name: \"endless\",\n  seed: 1,\n  cluster: (\n    nodes: [(name: \"m\", ip: \"10.0.0.1/24\"), (name: \"w\", ip: \"10.0.0.2/24\", docker: ())],\n    etcd: \"m\",\n    kubernetes: (master: \"m\"),\n  ),\n)\n",
    )
    .unwrap();
    let file = path.to_str().unwrap();
    let out = sim_cli(&["check", file]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout),
        format!("{file}: ok (2 nodes, 0 steps)\n")
    );
    let warning = format!(
        "{file}:7:17: warning: cluster.kubernetes: kubelets post their node's status every 10s"
    );
    assert!(
        text(&out.stderr).starts_with(&warning),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(text(&out.stderr).lines().count(), 1);
    let out = sim_cli(&["run", file, "--max-events", "2000"]);
    assert!(
        text(&out.stderr).starts_with(&warning),
        "{}",
        text(&out.stderr)
    );
    let out = sim_cli(&["run", file, "--until", "1s"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        !text(&out.stderr).contains("warning"),
        "{}",
        text(&out.stderr)
    );
}
