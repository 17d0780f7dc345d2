//! The text tools in a scenario's machines: pipelines from the node tools into grep, wc,
//! sort, uniq, cut, and text tools reading the machine's files (`tools::text`). Each
//! command is its own run of first-service to 9 s (its Service svc-a and kube-proxy's
//! rules exist by then), on node1 (machine 1).

use sim_core::engine::{Dur, SimTime};
use sim_core::scenario::{Scenario, run};

fn first_service() -> Scenario {
    let path = crate::scenarios_dir().join("first-service.ron");
    let text = std::fs::read_to_string(&path).expect("first-service.ron");
    Scenario::parse_at(
        "scenarios/first-service.ron",
        &text,
        &crate::scenarios_dir(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// (stdout, stderr, status) of `cmd` on node1 at 9 s.
fn on_node1(s: &Scenario, cmd: &str) -> (String, String, Option<i32>) {
    let out = run::exec(
        s,
        &Default::default(),
        SimTime(Dur::from_secs(9).as_nanos()),
        1,
        cmd,
    );
    (out.stdout, out.stderr, out.exit)
}

/// `iptables-save | grep -c KUBE-SEP` counts the lines `iptables-save` itself prints with
/// KUBE-SEP in them, and `grep KUBE-SEP | wc -l` agrees; `sort | uniq -c` over the
/// chains' names counts each once per line.
#[test]
fn pipelines_over_iptables_save() {
    let s = first_service();
    let (save, _, code) = on_node1(&s, "iptables-save");
    assert_eq!(code, Some(0));
    let want = save.lines().filter(|l| l.contains("KUBE-SEP")).count();
    assert!(want > 0, "kube-proxy wrote KUBE-SEP rules by 9 s:\n{save}");
    assert_eq!(
        on_node1(&s, "iptables-save | grep -c KUBE-SEP"),
        (format!("{want}\n"), String::new(), Some(0))
    );
    assert_eq!(
        on_node1(&s, "iptables-save | grep KUBE-SEP | wc -l").0,
        format!("{want}\n")
    );
    // The chain declarations, `:KUBE-SEP-XXXX - [0:0]`: cut the name, sorted, unique.
    let mut chains: Vec<&str> = save
        .lines()
        .filter(|l| l.starts_with(":KUBE-SEP"))
        .map(|l| l[1..].split(' ').next().unwrap())
        .collect();
    chains.sort();
    let got = on_node1(
        &s,
        "iptables-save | grep '^:KUBE-SEP' | cut -d' ' -f1 | sort -r | uniq -c",
    );
    let want: String = chains
        .iter()
        .rev()
        .map(|c| format!("      1 :{c}\n"))
        .collect();
    assert_eq!(got.0, want);
    // No match: grep's status 1 is the pipeline's.
    assert_eq!(
        on_node1(&s, "iptables-save | grep NO-SUCH-CHAIN"),
        (String::new(), String::new(), Some(1))
    );
}

/// Text tools as first commands read the machine's simulated files; a missing one gets
/// the real tool's message and status.
#[test]
fn tools_read_the_machines_files() {
    let s = first_service();
    let (resolv, _, _) = on_node1(&s, "cat /etc/resolv.conf");
    assert!(!resolv.is_empty());
    let first = resolv.lines().next().unwrap();
    assert_eq!(
        on_node1(&s, "head -n 1 /etc/resolv.conf").0,
        format!("{first}\n")
    );
    assert_eq!(
        on_node1(&s, "wc -l /etc/resolv.conf").0,
        format!("{} /etc/resolv.conf\n", resolv.lines().count())
    );
    assert_eq!(
        on_node1(&s, "cat /etc/resolv.conf | sed 's/nameserver/ns/'").0,
        resolv.replace("nameserver", "ns")
    );
    // `ip route | awk '{print $1}'`: the first word of each route.
    let (routes, _, _) = on_node1(&s, "ip route");
    let firsts: String = routes
        .lines()
        .map(|l| format!("{}\n", l.split_whitespace().next().unwrap_or("")))
        .collect();
    assert_eq!(
        on_node1(&s, "ip route | awk '{print $1}'"),
        (firsts, String::new(), Some(0))
    );
    assert_eq!(
        on_node1(&s, "grep x /no/such/file"),
        (
            String::new(),
            "grep: /no/such/file: No such file or directory\n".into(),
            Some(2)
        )
    );
    assert_eq!(
        on_node1(&s, "ps aux | frobnicate"),
        (
            String::new(),
            "sh: frobnicate: command not found\n".into(),
            Some(127)
        )
    );
}
