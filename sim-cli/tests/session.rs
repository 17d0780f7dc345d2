//! `sim-cli shell`: the session driven with text (a transcript, compared to a reviewed
//! snapshot) and through a real pseudo-terminal (`script`): prompt, completion, Ctrl-C.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs a session with `args`, its stdin the lines given.
fn session(args: &[&str], lines: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sim-cli"))
        .arg("shell")
        .args(args)
        .current_dir(repo())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sim-cli runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(lines.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// Into a controller-made pod and back, through ssh to a node and back, a `ping -c` that
/// takes its seconds, one without `-c` stopped after --interrupt-after, `:time`,
/// `:advance` with the timeline's steps shown as they happen, and errors (a missing pod,
/// an unknown host, an unknown session command, a bad duration).
#[test]
fn a_transcript_of_moving_around_the_guestbook() {
    let lines = "\
:time
kubectl exec -it redis-master-nosuch -- bash
kubectl exec -it frontend-26z4p -- bash
hostname
printenv | grep REDIS_MASTER_SERVICE
redis-cli -h 10.254.117.33 ping
exit
kubectl exec -it redis-slave-czrwj -- sh
exit 3
ssh why-09
ssh why-03
ping -c 2 10.181.24.110
ping 10.1.76.3
exit
:time
:advance 1m30s
:advance soon
:time
:frobnicate
:explain
";
    let out = session(
        &[
            "scenarios/guestbook.ron",
            "--at",
            "15.5s",
            "--interrupt-after",
            "3s",
        ],
        lines,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "");
    let transcript = text(&out.stdout);
    insta::assert_snapshot!("guestbook", transcript);
    // The same lines, the same bytes.
    let again = session(
        &[
            "scenarios/guestbook.ron",
            "--at",
            "15.5s",
            "--interrupt-after",
            "3s",
        ],
        lines,
    );
    assert_eq!(transcript, text(&again.stdout));
}

/// By default the session starts on the Kubernetes master at the scenario's first
/// `expect` step, and the steps at that time run after the prompt, shown as they happen.
#[test]
fn the_default_machine_and_time() {
    let out = session(&["scenarios/guestbook.ron"], ":time\n");
    let transcript = text(&out.stdout);
    assert!(
        transcript.starts_with("sim-cli shell: guestbook at 12s on node/why-01 "),
        "{transcript}"
    );
    assert!(
        transcript
            .contains("[root@why-01 ~]# :time\n12.000000s (2017-10-18 15:00:12.000000 UTC)\n")
    );
    // No command ran, no time passed: the 12 s expect step has not run yet.
    assert!(!transcript.contains("expect"), "{transcript}");
}

/// `--on` takes a controller-made pod, found in the running world; an unknown machine is
/// refused with the known ones listed. A Debian image's bash prompt names its WORKDIR.
#[test]
fn on_a_controller_made_pod_and_an_unknown_machine() {
    let out = session(
        &[
            "scenarios/guestbook.ron",
            "--at",
            "14s",
            "--on",
            "pod/redis-slave-gr95m",
        ],
        "hostname\n",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("root@redis-slave-gr95m:/data# hostname\n"),
        "{}",
        text(&out.stdout)
    );
    let out = session(&["scenarios/guestbook.ron", "--on", "pod/nope"], "");
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.starts_with("sim-cli: unknown machine `pod/nope` at 12s; expected one of: node/why-01, node/why-02, node/why-03, pod/"),
        "{err}"
    );
    let out = session(&["scenarios/guestbook.ron", "--on", "why-01"], "");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "sim-cli: --on why-01: expected node/NAME or pod/NAME\n"
    );
}

/// The real terminal path, through `script`'s pseudo-terminal: the prompt appears, Tab
/// completes a pod's name after `kubectl exec -it`, Ctrl-C stops a `ping` and the
/// session goes on, Ctrl-C at the prompt prints `^C` and a new prompt, `exit` ends it.
#[test]
fn a_terminal_session_completes_and_survives_ctrl_c() {
    let inner = format!(
        "exec '{}' shell scenarios/guestbook.ron --at 14s",
        env!("CARGO_BIN_EXE_sim-cli")
    );
    let mut script = Command::new("script")
        .args(["-qfec", &inner, "/dev/null"])
        .current_dir(repo())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("`script` (util-linux) runs");
    let mut keys = script.stdin.take().unwrap();
    let mut screen = script.stdout.take().unwrap();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let reader = {
        let seen = seen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = screen.read(&mut buf) {
                if n == 0 {
                    break;
                }
                seen.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        })
    };
    // Waits until the screen shows `what` after `from` (a byte offset); where it ends.
    let wait = |what: &str, from: usize| -> usize {
        let start = Instant::now();
        loop {
            let s = seen.lock().unwrap().clone();
            if let Some(i) = s[from.min(s.len())..].find(what) {
                return from + i + what.len();
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "waited for {what:?}; the screen shows {s:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    let mut at = wait("[root@why-01 ~]# ", 0);
    keys.write_all(b"kubectl exec -it redis-m\t").unwrap();
    at = wait("redis-master-nnrvl ", at);
    keys.write_all(b"-- bash\r").unwrap();
    at = wait("root@redis-master-nnrvl:/data# ", at);
    keys.write_all(b"ping 10.181.13.57\r").unwrap();
    at = wait("icmp_seq=2 ", at);
    keys.write_all(b"\x03").unwrap();
    at = wait("root@redis-master-nnrvl:/data# ", at);
    keys.write_all(b"\x03").unwrap();
    at = wait("^C", at);
    at = wait("root@redis-master-nnrvl:/data# ", at);
    keys.write_all(b"exit\r").unwrap();
    at = wait("[root@why-01 ~]# ", at);
    keys.write_all(b"exit\r").unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(s) = script.try_wait().unwrap() {
            break s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the session did not end"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    drop(keys);
    reader.join().unwrap();
    assert!(status.success(), "{status:?}: {}", seen.lock().unwrap());
    let _ = at;
}

/// The issue's example: a background `tcpdump ... &` on a node, then a curl through the
/// NodePort; the capture's lines (flannel's UDP-wrapped packets on 8285) are shown as the
/// curl runs, after the prompt of the line that started it.
#[test]
fn a_background_tcpdump_shows_flannels_packets_while_curl_runs() {
    let out = session(
        &["scenarios/guestbook.ron", "--at", "17s"],
        "ssh why-02\ntcpdump -i eth0 -n -c 6 udp port 8285 &\ncurl -s http://10.181.13.57:30001/ | head -2\n",
    );
    let t = text(&out.stdout);
    let curl = t.find("# curl -s").expect("the curl line");
    let udp = t
        .find(".8285 > 10.181.5.146.8285: UDP, length")
        .expect("flannel's packets");
    assert!(curl < udp, "{t}");
    assert!(t.contains("6 packets captured\n"), "{t}");
    assert!(t.contains("<html ng-app=\"redis\">\n"), "{t}");
}

/// The `input` and `transcript` blocks of a markdown file.
fn fenced(doc: &str, info: &str) -> String {
    let start = doc
        .find(&format!("```{info}\n"))
        .unwrap_or_else(|| panic!("a ```{info} block"))
        + info.len()
        + 4;
    let len = doc[start..].find("```").expect("the block ends");
    doc[start..start + len].to_string()
}

/// docs/labs/session-guestbook.md is a real session: its lines, replayed, print exactly
/// its transcript (the issue's example: env and redis-cli in a frontend pod, then tcpdump
/// of flannel's UDP on a node while a curl crosses the NodePort).
#[test]
fn the_documented_example_session() {
    let doc = std::fs::read_to_string(repo().join("docs/labs/session-guestbook.md")).unwrap();
    let out = session(
        &["scenarios/guestbook.ron", "--at", "17s"],
        &fenced(&doc, "input"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim_end(),
        fenced(&doc, "transcript").trim_end(),
        "the session no longer prints what docs/labs/session-guestbook.md shows"
    );
}
