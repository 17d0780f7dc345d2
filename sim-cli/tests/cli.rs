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
    assert_eq!(
        text(&out.stderr),
        "sim-cli: the run stopped at 4.000000s (--until), `ping 10.181.5.146` was still running\n"
    );
    args.splice(6..8, ["--max-events", "1000"]);
    let out = sim_cli(&args);
    assert_eq!(out.status.code(), Some(124));
    // The budget is named, with how to raise it.
    assert!(
        text(&out.stderr).starts_with("sim-cli: the event budget (--max-events 1000) ran out at ")
            && text(&out.stderr).ends_with(
                "s, `ping 10.181.5.146` was still running; raise it with --max-events N\n"
            ),
        "{}",
        text(&out.stderr)
    );
    let run = sim_cli(&["run", "scenarios/link-down.ron", "--max-events", "10"]);
    assert_eq!(run.status.code(), Some(1));
    assert!(
        text(&run.stderr).contains("the event budget (--max-events 10) ran out at ")
            && text(&run.stderr).contains("; else raise the budget with --max-events N"),
        "{}",
        text(&run.stderr)
    );
    assert!(text(&run.stdout).contains("EVENT BUDGET EXHAUSTED"));
}

/// `kubectl get -w` never exits: `exec` prints the table and each change as the watch
/// delivers it, then stops at the end time with exit 124, as for any command still running.
#[test]
fn exec_of_a_kubectl_watch_prints_changes_until_the_end_time() {
    let out = sim_cli(&[
        "exec",
        "scenarios/controllers.ron",
        "--at",
        "2s",
        "--on",
        "node/master01",
        "--until",
        "5s",
        "--",
        "kubectl",
        "get",
        "pods",
        "-w",
    ]);
    assert_eq!(out.status.code(), Some(124));
    // The pod deleted at 3s is printed as it was last; its replacement as it is created,
    // scheduled and started.
    assert_eq!(
        text(&out.stdout),
        "NAME                   READY   STATUS    RESTARTS   AGE
web-67cd595646-8wxv4   1/1     Running   0          1s
web-67cd595646-qjt2m   1/1     Running   0          1s
web-67cd595646-tz2sz   1/1     Running   0          1s
web-67cd595646-8wxv4   1/1     Running   0          2s
web-67cd595646-82xh9   0/1     Pending   0          0s
web-67cd595646-82xh9   0/1     Pending   0          0s
web-67cd595646-82xh9   1/1     Running   0          0s
"
    );
    assert_eq!(
        text(&out.stderr),
        "sim-cli: the run stopped at 5.000000s (--until), `kubectl get pods -w` was still running\n"
    );
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

/// A scenario that never goes quiet: node/a pings node/b from 1 s without `-c`. `extra` is
/// added to the top level (e.g. `until: "4s",`).
fn forever(name: &str, extra: &str) -> PathBuf {
    let path = tmp(name);
    std::fs::write(
        &path,
        format!(
            r#"Scenario(name: "forever", seed: 1, {extra}
  cluster: (nodes: [(name: "a", ip: "10.0.0.1/24"), (name: "b", ip: "10.0.0.2/24")]),
  steps: [(at: "1s", exec: (on: "node/a", cmd: "ping 10.0.0.2"))])"#
        ),
    )
    .unwrap();
    path
}

/// The names in `dir` that look like `--out`'s temporary files (`.NAME.tmp-PID`).
fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect()
}

/// The exit status as a shell reports it: 128 + the signal for a process killed by one.
fn shell_status(status: std::process::ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status.code().or(status.signal().map(|s| 128 + s)).unwrap()
}

/// `--out` through a symlink writes the link's target and leaves the link a link; `--out`
/// to a FIFO writes into the FIFO (its reader gets the whole trace) and leaves it a FIFO.
/// Renaming a temporary file over either would have replaced it with a regular file (as it
/// replaced `/dev/null` when run as root).
#[test]
fn out_writes_through_symlinks_and_into_fifos_without_replacing_them() {
    let dir = tmp("special");
    std::fs::create_dir_all(&dir).unwrap();
    let (target, link) = (dir.join("target.txt"), dir.join("link.txt"));
    std::fs::write(&target, "old\n").unwrap();
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink("target.txt", &link).unwrap();
    let out = sim_cli(&["run", "scenarios/ping.ron", "--out", link.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let written = std::fs::read_to_string(&target).unwrap();
    assert!(
        written.ends_with("expectations: 4 held, 0 failed\n"),
        "{written}"
    );
    assert!(temp_files(&dir).is_empty());

    let fifo = dir.join("fifo");
    let _ = std::fs::remove_file(&fifo);
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let reader = Command::new("cat")
        .arg(&fifo)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let out = sim_cli(&["run", "scenarios/ping.ron", "--out", fifo.to_str().unwrap()]);
    let still_fifo = {
        use std::os::unix::fs::FileTypeExt;
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    };
    if !still_fifo {
        // The reader would wait for a writer forever.
        let _ = Command::new("kill").arg(reader.id().to_string()).status();
    }
    let read = reader.wait_with_output().unwrap();
    assert!(still_fifo, "the FIFO was replaced");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&read.stdout).ends_with("expectations: 4 held, 0 failed\n"));
    assert!(temp_files(&dir).is_empty());

    // /dev/null stays the device (only its metadata is read here).
    let out = sim_cli(&["run", "scenarios/ping.ron", "--out", "/dev/null"]);
    assert_eq!(out.status.code(), Some(0));
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
}

/// `--out` naming a directory is refused (exit 2, said plainly) and leaves no temporary
/// file behind.
#[test]
fn out_naming_a_directory_fails_cleanly_and_leaves_no_temp_file() {
    let parent = tmp("outdir");
    let dir = parent.join("trace");
    std::fs::create_dir_all(&dir).unwrap();
    let out = sim_cli(&["run", "scenarios/ping.ron", "--out", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        format!(
            "sim-cli: --out {} is a directory; expected a file name\n",
            dir.display()
        )
    );
    assert!(temp_files(&parent).is_empty(), "{:?}", temp_files(&parent));
    assert!(temp_files(&dir).is_empty());
}

/// SIGTERM or SIGINT in the middle of a run that never ends removes the temporary file
/// and ends the process as the signal does (a shell reports 143 and 130); `--out`'s path
/// is not created.
#[test]
fn a_signal_removes_the_temp_file() {
    let scenario = forever("forever-signal.ron", "");
    for (signal, status) in [("TERM", 143), ("INT", 130)] {
        let dir = tmp(&format!("signal-{signal}"));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("trace.txt");
        let mut child = Command::new(env!("CARGO_BIN_EXE_sim-cli"))
            .args([
                "run",
                scenario.to_str().unwrap(),
                "--out",
                path.to_str().unwrap(),
            ])
            .spawn()
            .unwrap();
        // Wait until the run is writing its temporary file.
        let start = std::time::Instant::now();
        while temp_files(&dir).is_empty() {
            assert!(start.elapsed().as_secs() < 30, "no temporary file appeared");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
        let kill = Command::new("kill")
            .args([format!("-{signal}"), child.id().to_string()])
            .status()
            .unwrap();
        assert!(kill.success());
        assert_eq!(shell_status(child.wait().unwrap()), status, "SIG{signal}");
        assert!(
            temp_files(&dir).is_empty(),
            "SIG{signal}: {:?}",
            temp_files(&dir)
        );
        assert!(!path.exists());
    }
}

/// `run` with stdout closed (`>&-`) would lose the whole trace: it is refused, exit 2,
/// before anything runs.
#[test]
fn run_with_stdout_closed_exits_2() {
    let out = Command::new("sh")
        .args(["-c", r#"exec "$0" run scenarios/ping.ron >&-"#])
        .arg(env!("CARGO_BIN_EXE_sim-cli"))
        .current_dir(repo())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).starts_with("sim-cli: stdout is closed: the trace would be lost"),
        "{}",
        text(&out.stderr)
    );
    // `>/dev/null` is a place to discard it, not a closed stdout.
    let out = Command::new("sh")
        .args(["-c", r#"exec "$0" run scenarios/ping.ron >/dev/null"#])
        .arg(env!("CARGO_BIN_EXE_sim-cli"))
        .current_dir(repo())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

/// `run | head -1`: the output stops quietly when the reader goes away; the run finishes
/// and its status still reports the expectations (0 here: they all held).
#[test]
fn run_into_a_reader_that_goes_away_stops_output_quietly() {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_sim-cli"))
        .args(["run", "scenarios/ping.ron"])
        .current_dir(repo())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("exec"), "{first}");
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stderr), "");
}

/// `exec ... | head -1`: when the reader goes away, `exec` ends at once and quietly, as a
/// real tool dies of SIGPIPE (a shell reports 141), instead of running out the event
/// budget and then failing with "Broken pipe".
#[test]
fn exec_into_a_reader_that_goes_away_ends_at_once() {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_sim-cli"))
        .args([
            "exec",
            "scenarios/ping.ron",
            "--at",
            "1s",
            "--on",
            "node/why-02",
        ])
        .args(["--max-events", "3000000", "--", "ping", "10.181.5.146"])
        .current_dir(repo())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert_eq!(
        first,
        "PING 10.181.5.146 (10.181.5.146) 56(84) bytes of data.\n"
    );
    let start = std::time::Instant::now();
    let out = child.wait_with_output().unwrap();
    assert_eq!(shell_status(out.status), 141);
    assert_eq!(text(&out.stderr), "");
    // The next reply is one simulated second later: a few hundred events, not millions.
    assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
}

/// `exec` stops at the scenario's `until` (as `run` does), and says so; `--until` overrides
/// it; an `until` before `--at` is refused.
#[test]
fn exec_stops_at_the_scenarios_until() {
    let path = forever("forever-until.ron", r#"until: "4s","#);
    let args = |extra: &[&str]| {
        let mut a = vec![
            "exec",
            path.to_str().unwrap(),
            "--at",
            "1s",
            "--on",
            "node/a",
        ];
        a.extend(extra);
        a.extend(["--max-events", "100000", "--", "ping", "10.0.0.2"]);
        a.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let run = |a: Vec<String>| sim_cli(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let out = run(args(&[]));
    assert_eq!(out.status.code(), Some(124));
    assert_eq!(text(&out.stdout).matches(" bytes from 10.0.0.2").count(), 3);
    assert_eq!(
        text(&out.stderr),
        "sim-cli: the run stopped at 4.000000s (the scenario's `until`), `ping 10.0.0.2` was still running\n"
    );
    let out = run(args(&["--until", "6s"]));
    assert_eq!(out.status.code(), Some(124));
    assert_eq!(text(&out.stdout).matches(" bytes from 10.0.0.2").count(), 5);
    let mut late = args(&[]);
    late[3] = "5s".into();
    let out = run(late);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("the scenario's `until` (4s) is before --at 5s"),
        "{}",
        text(&out.stderr)
    );
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

/// A budget that runs out before the command's time: said as such (not "still running"),
/// exit 124 as for any budget that ran out.
#[test]
fn exec_with_a_budget_that_ends_before_the_command_starts() {
    for budget in ["0", "1", "2"] {
        let out = sim_cli(&[
            "exec",
            "scenarios/ping.ron",
            "--at",
            "1s",
            "--on",
            "node/why-03",
            "--max-events",
            budget,
            "--",
            "ip",
            "route",
        ]);
        assert_eq!(out.status.code(), Some(124));
        let stderr = text(&out.stderr);
        assert!(
            stderr.starts_with(&format!(
                "sim-cli: the event budget (--max-events {budget}) ran out at "
            )) && stderr.ends_with("s, before `ip route` started; raise it with --max-events N\n"),
            "{stderr}"
        );
        assert!(out.stdout.is_empty());
    }
}

/// A run that goes on for more than 2 s of wall time draws a progress line on stderr when
/// stderr is a terminal (here `script`'s pseudo-terminal): redrawn in place with `\r` and
/// an erase-line, showing simulated time, events and events/s.
#[test]
fn a_long_run_shows_a_progress_line_on_a_terminal() {
    let scenario = forever("forever-progress.ron", "");
    let dir = tmp("progress");
    std::fs::create_dir_all(&dir).unwrap();
    let (pidfile, typescript) = (dir.join("pid"), dir.join("typescript"));
    let _ = std::fs::remove_file(&pidfile);
    let inner = format!(
        "echo $$ > '{}'; exec '{}' run '{}' >/dev/null",
        pidfile.display(),
        env!("CARGO_BIN_EXE_sim-cli"),
        scenario.display()
    );
    let mut script = Command::new("script")
        .args(["-qfec", &inner])
        .arg(&typescript)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("`script` (util-linux) runs");
    let start = std::time::Instant::now();
    let seen = loop {
        let seen = std::fs::read(&typescript).unwrap_or_default();
        if text(&seen).contains(" events/s") || start.elapsed().as_secs() > 60 {
            break text(&seen);
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let pid = std::fs::read_to_string(&pidfile).unwrap();
    let _ = Command::new("kill").arg(pid.trim()).status();
    let _ = script.wait();
    let line = seen
        .split("\r\x1b[K")
        .find(|l| l.starts_with("sim-cli run: "))
        .unwrap_or_else(|| panic!("no progress line in {seen:?}"));
    // `sim-cli run: 1h2m3s simulated, 3276800 events, 819200 events/s (Ctrl-C stops it)`
    let words: Vec<&str> = line.split(' ').collect();
    assert_eq!(words[3], "simulated,", "{line}");
    assert!(words[4].parse::<u64>().unwrap() > 0, "{line}");
    assert!(line.contains(" events/s (Ctrl-C stops it)"), "{line}");
}

/// Runs `script` under `bash -c` in the repository, with `$SIM` the binary.
fn shell(script: &str) -> Output {
    Command::new("bash")
        .arg("-c")
        .arg(script)
        .env("SIM", env!("CARGO_BIN_EXE_sim-cli"))
        .current_dir(repo())
        .output()
        .expect("sh runs")
}

/// A stdout or stderr that cannot be written never panics sim-cli (exit 101 with a
/// backtrace, as `println!` and `eprintln!` do): a reader that went away ends `check`
/// quietly by SIGPIPE (141), a full device is an error (exit 2), and a stderr that cannot
/// take a message loses it without changing the exit status.
#[test]
fn stdout_and_stderr_that_cannot_be_written_never_panic() {
    let out = shell(
        r#""$SIM" check scenarios/*.ron | head -1 >/dev/null; echo "status ${PIPESTATUS[0]}""#,
    );
    assert_eq!(text(&out.stdout), "status 141\n");
    assert_eq!(text(&out.stderr), "");
    let out = shell(r#""$SIM" check scenarios/ping.ron >/dev/full; echo "status $?""#);
    assert_eq!(text(&out.stdout), "status 2\n");
    assert!(
        text(&out.stderr).contains("sim-cli: writing the report: No space left on device"),
        "{}",
        text(&out.stderr)
    );
    // A failed expectation names itself on stderr; with stderr full it is lost, and the
    // status still says so.
    let path = tmp("fails.ron");
    std::fs::write(
        &path,
        r#"Scenario(name: "f", seed: 1, cluster: (nodes: [(name: "a", ip: "10.0.0.1/24")]),
  steps: [(at: "1s", expect: (on: "node/a", cmd: "ip addr", stdout_contains: "nowhere"))])"#,
    )
    .unwrap();
    let out = shell(&format!(
        r#""$SIM" run {} >/dev/null 2>/dev/full; echo "status $?""#,
        path.display()
    ));
    assert_eq!(text(&out.stdout), "status 1\n");
    let out = shell(r#""$SIM" check scenarios/ping.ron >&-; echo "status $?""#);
    assert_eq!(text(&out.stdout), "status 2\n");
}

/// `--out /dev/stdout` is this process's own stdout, as GNU tools treat it: what the
/// shell redirected stays as it was (appending keeps what was there; a header before and
/// a footer after stay around the trace). It once followed /proc/self/fd/1 to the file and
/// renamed a new file over it.
#[test]
fn out_dev_stdout_is_the_processs_own_stdout() {
    let log = tmp("stdout-log.txt");
    std::fs::write(&log, "OLD\n").unwrap();
    let out = shell(&format!(
        r#"{{ echo header; "$SIM" run scenarios/ping.ron --out /dev/stdout; echo footer; }} >> {}"#,
        log.display()
    ));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let got = std::fs::read_to_string(&log).unwrap();
    assert!(got.starts_with("OLD\nheader\n   1.000000  "), "{got}");
    assert!(
        got.ends_with(" expectations: 4 held, 0 failed\nfooter\n"),
        "{got}"
    );
}

/// `--out` naming an existing regular file puts the complete trace into that file: it
/// keeps its inode (so its hard links), its permissions and its owner, where renaming a new
/// file over it broke links and reset the mode.
#[cfg(unix)]
#[test]
fn out_into_an_existing_file_keeps_its_inode_links_and_mode() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let a = tmp("linked-a.txt");
    let b = tmp("linked-b.txt");
    let _ = std::fs::remove_file(&b);
    std::fs::write(&a, "old contents\n").unwrap();
    std::fs::hard_link(&a, &b).unwrap();
    std::fs::set_permissions(&a, std::fs::Permissions::from_mode(0o600)).unwrap();
    let before = std::fs::metadata(&a).unwrap();
    let out = sim_cli(&["run", "scenarios/ping.ron", "--out", a.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let after = std::fs::metadata(&a).unwrap();
    assert_eq!(after.ino(), before.ino());
    assert_eq!(after.mode() & 0o777, 0o600);
    assert_eq!(after.nlink(), 2);
    let trace = std::fs::read_to_string(&b).unwrap();
    assert!(trace.starts_with("   1.000000  "), "{trace}");
    assert!(!trace.contains("old contents"));
    let leftovers: Vec<_> = std::fs::read_dir(a.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .contains("linked-a.txt.tmp-")
        })
        .collect();
    assert!(leftovers.is_empty());
}

/// `--out` naming the scenario file itself (directly or through a link) is refused before
/// the run: the trace would replace the scenario. A path ending in `/` names a directory
/// and is refused before the run too (it once ran the whole scenario, then failed).
#[test]
fn out_refuses_the_scenario_itself_and_a_directory_name() {
    let scen = tmp("self.ron");
    std::fs::copy(repo().join("scenarios/ping.ron"), &scen).unwrap();
    let before = std::fs::read(&scen).unwrap();
    let link = tmp("self-link.ron");
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(&scen, &link).unwrap();
    for out in [&scen, &link] {
        let o = sim_cli(&[
            "run",
            scen.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
        assert!(
            text(&o.stderr).contains("is the scenario file itself"),
            "{}",
            text(&o.stderr)
        );
        assert!(o.stdout.is_empty());
    }
    assert_eq!(std::fs::read(&scen).unwrap(), before);
    let dir = tmp("not-yet-a-dir/");
    let o = sim_cli(&["run", "scenarios/ping.ron", "--out", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("names a directory (it ends with /)"),
        "{}",
        text(&o.stderr)
    );
}

/// sim-cli's own messages echo what was typed (a machine name, a path) with control and
/// bidirectional characters escaped, as the trace does.
#[test]
fn messages_escape_what_they_echo() {
    let o = sim_cli(&[
        "exec",
        "scenarios/ping.ron",
        "--at",
        "1s",
        "--on",
        "node/x\u{1b}[2J\u{202e}",
        "--",
        "ls",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("unknown machine `node/x\\u{1b}[2J\\u{202e}`"),
        "{err}"
    );
    assert!(
        !err.contains('\u{1b}') && !err.contains('\u{202e}'),
        "{err}"
    );
}
