//! The shell (`tools::sh`) in a scenario's machines and pods: lines with shell syntax as
//! people type them, each run with `run::exec`, on a node of first-service (bash as
//! `/bin/sh`) or a pod of external-name (busybox's ash in `bb`, dash in `client`).

use sim_core::engine::{Dur, SimTime};
use sim_core::scenario::{Scenario, run};

fn scenario(name: &str) -> Scenario {
    let path = crate::scenarios_dir().join(name);
    let text = std::fs::read_to_string(&path).expect("a scenario");
    Scenario::parse_at(&format!("scenarios/{name}"), &text, &crate::scenarios_dir())
        .unwrap_or_else(|e| panic!("{e}"))
}

fn first_service() -> Scenario {
    scenario("first-service.ron")
}

/// external-name: pod `bb` (busybox: ash) and pod `client` (admin-box: dash).
fn pods() -> Scenario {
    scenario("external-name.ron")
}

/// (stdout, stderr, status) of `cmd` on machine `on`, at 9 s on a node, at 6 s in a pod
/// (external-name ends at 8 s).
fn on(s: &Scenario, machine: &str, cmd: &str) -> (String, String, Option<i32>) {
    let at = if machine.starts_with("pod/") { 6 } else { 9 };
    let i = s
        .machine_index(machine)
        .unwrap_or_else(|| panic!("{machine} is a machine"));
    let out = run::exec(
        s,
        &Default::default(),
        SimTime(Dur::from_secs(at).as_nanos()),
        i,
        cmd,
    );
    (out.stdout, out.stderr, out.exit)
}

fn ok(stdout: &str) -> (String, String, Option<i32>) {
    (stdout.to_string(), String::new(), Some(0))
}

/// Lists, loops, `&&`/`||`, command substitution, parameter forms and arithmetic.
#[test]
fn lists_loops_and_expansions() {
    let s = first_service();
    let node = "node/node1";
    assert_eq!(on(&s, node, "echo $(hostname)"), ok("node1\n"));
    assert_eq!(on(&s, node, "echo `hostname`-x"), ok("node1-x\n"));
    assert_eq!(
        on(&s, node, "for i in 1 2 3; do echo n$i; done"),
        ok("n1\nn2\nn3\n")
    );
    assert_eq!(
        on(
            &s,
            node,
            r#"X=5; echo $((X * 2)) "${Y:-def}" ${#X} ${Z:+no}end"#
        ),
        ok("10 def 1 end\n")
    );
    assert_eq!(
        on(&s, node, "P=/a/b/c.txt; echo ${P##*/} ${P%.txt} ${P#/a}"),
        ok("c.txt /a/b/c /b/c.txt\n")
    );
    // Field splitting of an unquoted expansion; none inside double quotes.
    assert_eq!(
        on(
            &s,
            node,
            r#"W="a  b"; for w in $W; do echo "[$w]"; done; echo "[$W]""#
        ),
        ok("[a]\n[b]\n[a  b]\n")
    );
    assert_eq!(
        on(
            &s,
            node,
            "false || echo alt; true && echo and; ! true; echo $?"
        ),
        ok("alt\nand\n1\n")
    );
    assert_eq!(
        on(
            &s,
            node,
            "case node1 in node*) echo yes;; *) echo no;; esac; if [ 3 -gt 2 ]; then echo big; else echo small; fi"
        ),
        ok("yes\nbig\n")
    );
    assert_eq!(
        on(
            &s,
            node,
            "i=0; while [ $i -lt 3 ]; do i=$((i + 1)); done; echo $i"
        ),
        ok("3\n")
    );
    assert_eq!(
        on(
            &s,
            node,
            "f() { echo \"f:$1:$#\"; return 3; }; f a b; echo $?"
        ),
        ok("f:a:2\n3\n")
    );
    assert_eq!(
        on(&s, node, "echo 'single $X' \"dq \\$X\" back\\ slash"),
        ok("single $X dq $X back slash\n")
    );
}

/// Pipelines between any programs, their status the last stage's; `read` from a pipe;
/// a network command's status in `&&`/`||`.
#[test]
fn pipelines_and_status() {
    let s = first_service();
    let node = "node/node1";
    assert_eq!(
        on(
            &s,
            node,
            "ping -c 1 192.168.56.12 > /dev/null && echo ok || echo down"
        ),
        ok("ok\n")
    );
    assert_eq!(
        on(&s, node, "echo a b c | wc -w; echo x | grep -q y; echo $?"),
        ok("3\n1\n")
    );
    assert_eq!(
        on(&s, node, r#"echo "a b" | { read x y; echo $y $x; }"#),
        ok("b a\n")
    );
    // `ping` without -c runs until head has its two lines: SIGPIPE ends it, and the
    // pipeline's status is head's.
    let (out, err, code) = on(&s, node, "ping 192.168.56.12 | head -2");
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.starts_with("PING 192.168.56.12"), "{out}");
    assert_eq!((err.as_str(), code), ("", Some(0)));
}

/// `kubectl exec POD -- sh -c '...'`: the pod's shell expands the Service variables kubelet
/// put in its environment; kubectl's output pipes into the text tools; a loop of curls.
#[test]
fn kubectl_and_a_pods_shell() {
    let s = scenario("bring-your-own-yaml.ron");
    let (out, err, code) = on(
        &s,
        "node/master01",
        "kubectl exec client -- sh -c 'env | grep WEB_SERVICE_HOST; curl -s $WEB_SERVICE_HOST; echo $?'",
    );
    assert_eq!((err.as_str(), code), ("", Some(0)));
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("WEB_SERVICE_HOST=10."), "{out}");
    assert!(lines[1].starts_with("iKubernetes demoapp v1.0"), "{out}");
    assert_eq!(lines[2], "0", "{out}");
    let (all, _, _) = on(&s, "node/master01", "kubectl get pods");
    let running = all.lines().filter(|l| l.contains("Running")).count();
    assert!(running > 0, "{all}");
    assert_eq!(
        on(
            &s,
            "node/master01",
            "kubectl get pods | grep Running | wc -l"
        ),
        ok(&format!("{running}\n"))
    );
    let (out, _, code) = on(
        &s,
        "node/master01",
        "for i in 1 2 3; do kubectl exec client -- curl -s web; done",
    );
    assert_eq!(code, Some(0));
    assert_eq!(
        out.lines()
            .filter(|l| l.starts_with("iKubernetes demoapp"))
            .count(),
        3,
        "{out}"
    );
}

/// Redirections on the machine's files; exported variables reach children; background
/// jobs and `wait`.
#[test]
fn redirections_environment_and_jobs() {
    let s = first_service();
    let node = "node/node1";
    let (resolv, _, _) = on(&s, node, "cat /etc/resolv.conf");
    assert!(!resolv.is_empty());
    assert_eq!(
        on(&s, node, "cat /etc/resolv.conf > /tmp/r; cat /tmp/r"),
        ok(&resolv)
    );
    assert_eq!(
        on(
            &s,
            node,
            "echo one > /tmp/f; echo two >> /tmp/f; wc -l < /tmp/f"
        ),
        ok("2\n")
    );
    assert_eq!(
        on(
            &s,
            node,
            "cat /nope 2>/dev/null; echo $?; cat /nope 2>&1 | wc -l"
        ),
        ok("1\n1\n")
    );
    assert_eq!(
        on(&s, node, "export A=hello; sh -c 'echo $A'"),
        ok("hello\n")
    );
    assert_eq!(
        on(&s, node, "B=1 printenv B; printenv B"),
        ("1\n".into(), String::new(), Some(1))
    );
    assert_eq!(
        on(&s, node, "sleep 2 & echo started; wait; echo done"),
        ok("started\ndone\n")
    );
    assert_eq!(on(&s, node, "cat <<EOF\nhi $HOME\nEOF"), ok("hi /root\n"));
}

/// Each shell's own words for errors; the loop that lets no time pass is stopped.
#[test]
fn errors_per_flavour() {
    let s = first_service();
    assert_eq!(
        on(&s, "node/node1", "foo; echo $?"),
        (
            "127\n".into(),
            "sh: foo: command not found\n".into(),
            Some(0)
        )
    );
    assert_eq!(
        on(&s, "node/node1", "foo"),
        (
            String::new(),
            "sh: foo: command not found\n".into(),
            Some(127)
        )
    );
    let p = pods();
    assert_eq!(
        on(&p, "pod/bb", "foo | cat"),
        (String::new(), "sh: foo: not found\n".into(), Some(0))
    );
    assert_eq!(
        on(&p, "pod/client", "foo"),
        (String::new(), "sh: 1: foo: not found\n".into(), Some(127))
    );
    assert_eq!(
        on(&p, "pod/client", "echo 'a\tb'; sh -c 'fi'"),
        (
            "a\tb\n".into(),
            "sh: 1: Syntax error: \"fi\" unexpected\n".into(),
            Some(2)
        )
    );
    assert_eq!(
        on(&s, "node/node1", "bash -c 'echo a; done'"),
        (
            String::new(),
            "bash: -c: line 1: syntax error near unexpected token `done'\nbash: -c: line 1: `echo a; done'\n".into(),
            Some(2)
        )
    );
    assert_eq!(
        on(&p, "pod/bb", "sh -c 'echo a; done'"),
        (
            String::new(),
            "sh: syntax error: unexpected \"done\"\n".into(),
            Some(2)
        )
    );
    assert_eq!(
        on(&p, "pod/bb", "bash -c true"),
        (String::new(), "sh: bash: not found\n".into(), Some(127))
    );
    let (out, err, code) = on(&s, "node/node1", "while true; do :; done");
    assert_eq!(out, "");
    assert!(
        err.contains("stopped this loop after 1000 iterations"),
        "{err}"
    );
    assert_eq!(code, Some(1));
}

/// `xargs` runs its command with the items of its stdin (`-n`, `-I`); `watch -n` reruns a
/// command every N simulated seconds under its header until the run ends.
#[test]
fn xargs_and_watch() {
    let s = first_service();
    let node = "node/node1";
    assert_eq!(
        on(&s, node, "echo a b c | xargs -n 2 echo X"),
        ok("X a b\nX c\n")
    );
    assert_eq!(
        on(&s, node, "printf '1\\n2\\n' | xargs -I {} echo item-{}"),
        ok("item-1\nitem-2\n")
    );
    assert_eq!(on(&s, node, "echo x | xargs false; echo $?"), ok("123\n"));
    let i = s.machine_index(node).expect("node1");
    let out = run::exec(
        &s,
        &run::RunOptions {
            until: Some(SimTime(Dur::from_secs(14).as_nanos())),
            ..Default::default()
        },
        SimTime(Dur::from_secs(9).as_nanos()),
        i,
        "watch -n 2 hostname",
    );
    let headers: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("Every 2.0s: hostname"))
        .collect();
    assert_eq!(headers.len(), 3, "{}", out.stdout);
    assert!(
        headers[0].ends_with("node1: Wed Oct 18 15:00:09 2017") && headers[0].len() == 80,
        "{headers:?}"
    );
    assert_eq!(out.stdout.matches("node1\n").count(), 3);
}
