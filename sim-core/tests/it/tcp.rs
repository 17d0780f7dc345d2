//! The errors a TCP client sees, and when: each as Linux gives them.

use sim_core::scenario::{Scenario, run};
use sim_core::trace::TraceEvent;

const CLUSTER: &str = r#"Scenario(
    name: "t",
    seed: 1,
    until: "300s",
    cluster: (
        nodes: [
            (name: "a", ip: "10.0.0.1/24", gateway: "10.0.0.2", docker: ()),
            (name: "b", ip: "10.0.0.2/24"),
        ],
        links: [(a: "a", b: "b", latency: "1ms")],
        pods: [(name: "web", node: "a", command: "redis-server"), (name: "cli", node: "a")],
    ),
    steps: [STEPS],
)"#;

/// Runs the steps and returns, for each process that exited, (command, exit time in ms,
/// status), checking that every expectation held.
fn run_steps(steps: &str) -> Vec<(String, u64, i32)> {
    let src = CLUSTER.replace("STEPS", steps);
    let s = Scenario::parse("t.ron", &src).unwrap_or_else(|e| panic!("{e}"));
    let out = run::run(&s, &Default::default());
    if let Some(f) = out.summary.failed_expect() {
        panic!("steps[{}] `{}`: {:?}", f.step, f.cmd, f.result);
    }
    let mut cmds = std::collections::BTreeMap::new();
    let mut exits = Vec::new();
    for r in &out.records {
        match &r.event {
            TraceEvent::Exec { cmd } => {
                cmds.insert(r.actor, cmd.clone());
            }
            TraceEvent::Exit { code } => exits.push((
                cmds.get(&r.actor).cloned().unwrap_or_default(),
                r.time.as_nanos() / 1_000_000,
                *code,
            )),
            _ => {}
        }
    }
    exits
}

/// Refused: the SYN reaches a machine where nothing listens, and its RST comes back one
/// round trip later (2 ms over the 1 ms link, plus the veth and bridge crossings).
#[test]
fn nothing_listening_is_refused_after_one_round_trip() {
    let exits = run_steps(
        r#"(at: "1s", expect: (on: "pod/cli", cmd: "redis-cli -h 10.0.0.2 ping", stderr_contains: "Could not connect to Redis at 10.0.0.2:6379: Connection refused", exit_code: 1))"#,
    );
    let (_, ms, _) = exits.iter().find(|e| e.0.starts_with("redis-cli")).unwrap();
    assert!((1002..1010).contains(ms), "exited at {ms} ms");
}

/// No route to host: nothing on the bridge has the address, ARP gives up after 3 requests
/// a second apart, and the kernel's own ICMP host unreachable ends the connect.
#[test]
fn an_address_nobody_has_is_no_route_to_host_after_arp_gives_up() {
    let exits = run_steps(
        r#"(at: "1s", expect: (on: "pod/cli", cmd: "redis-cli -h 172.17.0.99 ping", stderr_contains: "No route to host", exit_code: 1))"#,
    );
    let (_, ms, _) = exits.iter().find(|e| e.0.starts_with("redis-cli")).unwrap();
    assert_eq!(*ms, 4000, "3 ARP requests, 1 s apart, then FAILED");
}

/// Timed out: a's default gateway b does not forward and sends no error, so nothing ever
/// answers; the SYN is sent at 0 and again after 1, 2, 4, 8, 16 and 32 s, and the connect
/// fails 64 s after the last: 127 s. (With the link down instead, ARP for the gateway fails
/// first and the error is "No route to host", as on Linux.)
#[test]
fn silence_times_out_after_six_syn_retries() {
    let exits = run_steps(
        r#"(at: "1s", expect: (on: "pod/cli", cmd: "redis-cli -h 192.0.2.1 ping", stderr_contains: "Connection timed out", exit_code: 1))"#,
    );
    let (_, ms, _) = exits.iter().find(|e| e.0.starts_with("redis-cli")).unwrap();
    assert_eq!(*ms, 1000 + 127_000);
}

/// A connection that works: the command, the reply, and the connection closed.
#[test]
fn a_command_over_a_connection_gets_its_reply() {
    run_steps(
        r#"(at: "1s", expect: (on: "pod/cli", cmd: "redis-cli -h 172.17.0.2 set k v", stdout_contains: "OK")), (at: "2s", expect: (on: "pod/cli", cmd: "redis-cli -h 172.17.0.2 get k", stdout_contains: "\"v\""))"#,
    );
}
