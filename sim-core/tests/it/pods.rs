//! Pods as kubelet runs them: a pod's name used again after a deletion, container exits
//! with restartPolicy and kubelet's back-off, phases, several containers and init
//! containers, probes, env from the downward API, ConfigMaps and Secrets, and
//! nodeSelector. Each test runs a small scenario and checks what kubectl printed.

use sim_core::scenario::{Scenario, run};

/// Runs scenario text; fails on a failed expectation. Returns the text trace.
pub fn run_text(src: &str) -> String {
    let s = Scenario::parse("t.ron", src).unwrap_or_else(|e| panic!("{e}"));
    let out = run::run(&s, &Default::default());
    let text = sim_core::trace::text::render(&out.records, &out.summary.names);
    if let Some(f) = out.summary.failed_expect() {
        panic!("steps[{}] `{}`: {:?}\n{text}", f.step, f.cmd, f.result);
    }
    assert!(out.summary.violations.is_empty(), "{text}");
    text
}

/// What the process whose `exec` line is `$ cmd` printed on `stream`, one string per line
/// (the `n`th such command when it ran more than once).
pub fn printed(trace: &str, cmd: &str, stream: &str, n: usize) -> Vec<String> {
    let exec = trace
        .lines()
        .filter(|l| l.ends_with(&format!("$ {cmd}")))
        .nth(n)
        .unwrap_or_else(|| panic!("`{cmd}` ran {} times\n{trace}", n + 1));
    let actor = exec
        .split_whitespace()
        .nth(1)
        .expect("an actor")
        .to_string();
    trace
        .lines()
        .filter(|l| l.split_whitespace().nth(1) == Some(actor.as_str()))
        .filter(|l| l.split_whitespace().nth(2) == Some(stream))
        .map(|l| l.split_once("| ").map(|x| x.1).unwrap_or("").to_string())
        .collect()
}

/// A two-node cluster (`master01`, `node01` running pods) at `version`, with `manifests`.
pub fn cluster(version: &str, manifests: &str) -> String {
    format!(
        r#"
    cluster: (
        nodes: [
            (name: "master01", ip: "10.181.24.110/17"),
            (name: "node01", ip: "10.181.13.57/17", docker: ()),
        ],
        etcd: "master01",
        kubernetes: (master: "master01", version: "{version}", cluster_dns: "10.96.0.10"),
        manifests: [{manifests}],
    ),"#
    )
}

const POD: &str = r#"(path: "/root/pod.yaml", yaml: "
apiVersion: v1
kind: Pod
metadata: {name: x, labels: {app: x}}
spec:
  containers: [{name: web, image: busybox, command: [httpd, -f, -p, \"80\"]}]
")"#;

/// A pod deleted and created again under the same name runs again: a new sandbox (the
/// freed address, docker's first free one, again) and its server answers there.
#[test]
fn a_pod_name_deleted_and_created_again_runs_again() {
    for version in ["1.28", "1.5"] {
        let src = format!(
            r#"Scenario(name: "reuse", seed: 3, until: "8s", {}
  steps: [
    (at: "1s", exec: (on: "node/master01", cmd: "kubectl create -f /root/pod.yaml")),
    (at: "2s", expect: (on: "node/master01", cmd: "kubectl get pod x -o jsonpath={{.status.phase}}", stdout_contains: "Running")),
    (at: "3s", exec: (on: "node/master01", cmd: "kubectl delete pod x")),
    (at: "3s", exec: (on: "node/master01", cmd: "kubectl create -f /root/pod.yaml")),
    (at: "5s", expect: (on: "node/master01", cmd: "kubectl get pod x -o jsonpath={{.status.phase}}", stdout_contains: "Running")),
    (at: "5s", exec: (on: "node/master01", cmd: "kubectl get pod x -o jsonpath={{.status.podIP}}")),
    (at: "6s", exec: (on: "node/node01", cmd: "wget -q -O- 172.17.0.2")),
  ])"#,
            cluster(version, POD)
        );
        let trace = run_text(&src);
        let ip = printed(
            &trace,
            "kubectl get pod x -o jsonpath={.status.podIP}",
            "stdout",
            0,
        );
        assert_eq!(ip, ["172.17.0.2"], "{version}\n{trace}");
        let got = printed(&trace, "wget -q -O- 172.17.0.2", "stdout", 0);
        assert!(!got.is_empty(), "{version}: the new pod answers\n{trace}");
    }
}

/// Three pods whose containers end: one that crashes under `restartPolicy: Always`, one
/// that completes under `Never`, one that fails under `Never`.
const ENDINGS: &str = r#"(path: "/root/crash.yaml", yaml: "
apiVersion: v1
kind: Pod
metadata: {name: crash}
spec:
  containers: [{name: app, image: busybox, command: [sh, -c, 'echo boom; exit 1']}]
"), (path: "/root/done.yaml", yaml: "
apiVersion: v1
kind: Pod
metadata: {name: done}
spec:
  restartPolicy: Never
  containers: [{name: app, image: busybox, command: [sh, -c, 'echo all done']}]
"), (path: "/root/fail.yaml", yaml: "
apiVersion: v1
kind: Pod
metadata: {name: fail}
spec:
  restartPolicy: Never
  containers: [{name: app, image: busybox, command: [sh, -c, 'exit 2']}]
")"#;

/// A crashing container is started again at once, then after kubelet's back-off of 10 s,
/// 20 s...: STATUS goes Error, Running, CrashLoopBackOff; RESTARTS counts (with how long
/// ago, on a modern kubectl); describe shows the waiting state, the last termination and
/// kubelet's BackOff event. Under `Never`, the pod ends Succeeded (`Completed`) or Failed
/// (`Error`), and `-o jsonpath` reads the phase and the exit code where the API has them.
#[test]
fn container_exits_restarts_back_off_and_phases() {
    for version in ["1.28", "1.5"] {
        let src = format!(
            r#"Scenario(name: "endings", seed: 3, until: "40s", {}
  steps: [
    (at: "1s", exec: (on: "node/master01", cmd: "kubectl create -f /root/crash.yaml")),
    (at: "1s", exec: (on: "node/master01", cmd: "kubectl create -f /root/done.yaml")),
    (at: "1s", exec: (on: "node/master01", cmd: "kubectl create -f /root/fail.yaml")),
    (at: "2s", exec: (on: "node/master01", cmd: "kubectl get pods")),
    (at: "4s", exec: (on: "node/master01", cmd: "kubectl get pods")),
    (at: "30s", exec: (on: "node/master01", cmd: "kubectl get pods")),
    (at: "30s", exec: (on: "node/master01", cmd: "kubectl describe pod crash")),
    (at: "30s", expect: (on: "node/master01", cmd: "kubectl get pod done -o jsonpath={{.status.phase}}", stdout_contains: "Succeeded")),
    (at: "30s", expect: (on: "node/master01", cmd: "kubectl get pod fail -o jsonpath={{.status.phase}}/{{.status.containerStatuses[0].state.terminated.exitCode}}", stdout_contains: "Failed/2")),
    (at: "30s", expect: (on: "node/master01", cmd: "kubectl get pod crash -o jsonpath={{.status.containerStatuses[0].restartCount}}/{{.status.containerStatuses[0].state.waiting.reason}}", stdout_contains: "2/CrashLoopBackOff")),
    (at: "30s", expect: (on: "node/master01", cmd: "kubectl logs crash", stdout_contains: "boom")),
  ])"#,
            cluster(version, ENDINGS)
        );
        let trace = run_text(&src);
        let get = |n| printed(&trace, "kubectl get pods", "stdout", n).join("\n");
        // (Each row: name, ready, status, restarts, age.)
        let modern = version == "1.28";
        let row = |name: &str, rest: &str| -> String {
            let t = get(2);
            t.lines()
                .find(|l| l.starts_with(name))
                .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "))
                .unwrap_or_else(|| panic!("{name} in\n{t}"))
                .replace(rest, "<ok>")
        };
        assert_eq!(row("done", "0/1 Completed 0"), "<ok> 29s", "{version}");
        assert_eq!(row("fail", "0/1 Error 0"), "<ok> 29s", "{version}");
        // Exits at 1.1 s; started again 1 s later, exits; back-off 10 s from that start.
        let crash = row("crash", "0/1 CrashLoopBackOff");
        if modern {
            assert!(crash.starts_with("<ok> 2 ("), "{crash}\n{}", get(2));
        } else {
            assert_eq!(crash, "<ok> 2 29s", "{}", get(2));
        }
        let at2 = get(0);
        assert!(
            at2.lines()
                .any(|l| l.starts_with("crash") && l.contains(" Error ")),
            "{version}: {at2}"
        );
        let at4 = get(1);
        assert!(
            at4.lines()
                .any(|l| l.starts_with("crash") && l.contains("CrashLoopBackOff")),
            "{version}: {at4}"
        );
        let d = printed(&trace, "kubectl describe pod crash", "stdout", 0).join("\n");
        for want in [
            "Waiting",
            "CrashLoopBackOff",
            "Last State:",
            "Terminated",
            "Exit Code:",
            "Restart Count:",
            "BackOff",
        ] {
            assert!(d.contains(want), "{version}: {want} in\n{d}");
        }
        let backoff = if modern {
            "Back-off restarting failed container app in pod crash_default("
        } else {
            "Back-off restarting failed docker container"
        };
        assert!(d.contains(backoff), "{version}:\n{d}");
    }
}

/// A pod with two init containers (the second waits 5 s) and two app containers (a web
/// server and a sidecar that fetches from it over localhost); and a pod whose init
/// container fails.
const INIT: &str = r#"(path: "/root/init.yaml", yaml: "
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  initContainers:
  - {name: prepare, image: busybox, command: [sh, -c, 'echo preparing']}
  - {name: wait, image: busybox, command: [sh, -c, 'sleep 5; echo ready']}
  containers:
  - {name: web, image: busybox, command: [httpd, -f, -p, \"80\"]}
  - {name: probe, image: busybox, command: [sh, -c, 'sleep 1; echo side']}
"), (path: "/root/bad.yaml", yaml: "
apiVersion: v1
kind: Pod
metadata: {name: bad}
spec:
  restartPolicy: Never
  initContainers: [{name: setup, image: busybox, command: [sh, -c, 'echo no; exit 1']}]
  containers: [{name: app, image: busybox, command: [sleep, \"3600\"]}]
")"#;

/// Init containers run one after another before the app containers (STATUS `Init:1/2`
/// while the second waits), then each app container runs as its own process in the
/// pod's namespace (READY 2/2; the web server answers on the pod's localhost); `logs -c`
/// reads an init container, and without -c kubectl says what it does in each era; an
/// init container that fails under Never fails the pod (`Init:Error`, phase Failed).
#[test]
fn init_containers_then_several_containers() {
    for version in ["1.28", "1.5"] {
        let modern = version == "1.28";
        let src = format!(
            r#"Scenario(name: "init", seed: 3, until: "12s", {}
  steps: [
    (at: "1s", exec: (on: "node/master01", cmd: "kubectl create -f /root/init.yaml")),
    (at: "1s", exec: (on: "node/master01", cmd: "kubectl create -f /root/bad.yaml")),
    (at: "3s", exec: (on: "node/master01", cmd: "kubectl get pods")),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl logs web -c prepare", stdout_contains: "preparing")),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl get pod bad -o jsonpath={{.status.phase}}", stdout_contains: "Failed")),
    (at: "7s", exec: (on: "node/master01", cmd: "kubectl get pods")),
    (at: "7s", exec: (on: "node/master01", cmd: "kubectl describe pod web")),
    (at: "7s", exec: (on: "node/master01", cmd: "kubectl logs web")),
    (at: "7s", expect: (on: "node/master01", cmd: "kubectl exec web -- wget -q -O- localhost", stdout_contains: "<h1>")),
  ])"#,
            cluster(version, INIT)
        );
        let trace = run_text(&src);
        let at3 = printed(&trace, "kubectl get pods", "stdout", 0).join("\n");
        assert!(
            at3.lines()
                .any(|l| l.starts_with("web") && l.contains(" Init:1/2 ")),
            "{version}:\n{at3}"
        );
        assert!(
            at3.lines()
                .any(|l| l.starts_with("bad") && l.contains(" Init:Error ")),
            "{version}:\n{at3}"
        );
        let at7 = printed(&trace, "kubectl get pods", "stdout", 1).join("\n");
        assert!(
            at7.lines()
                .any(|l| l.starts_with("web") && l.contains(" 2/2 ") && l.contains(" Running ")),
            "{version}:\n{at7}"
        );
        let d = printed(&trace, "kubectl describe pod web", "stdout", 0).join("\n");
        assert!(
            d.contains("Init Containers:\n  prepare:"),
            "{version}:\n{d}"
        );
        assert!(
            d.contains("Reason:") && d.contains("Completed"),
            "{version}:\n{d}"
        );
        let logs_err = printed(&trace, "kubectl logs web", "stderr", 0).join("\n");
        if modern {
            assert_eq!(
                logs_err,
                "Defaulted container \"web\" out of: web, probe, prepare (init), wait (init)"
            );
        } else {
            assert_eq!(
                logs_err,
                "Error from server (BadRequest): a container name must be specified for pod web, choose one of: [web probe] or one of the init containers: [prepare wait]"
            );
        }
    }
}

/// Pods behind one Service with probes of each kind: `a` is ready by an HTTP GET of `/`
/// and live by a TCP connection; `b` is ready once `/tmp/healthy` exists (exec `cat`);
/// `c`'s liveness GET of `/healthz` answers 404.
const PROBES: &str = r#"(path: "/root/probes.yaml", yaml: "
apiVersion: v1
kind: Pod
metadata: {name: a, labels: {app: web}}
spec:
  containers:
  - name: web
    image: busybox
    command: [httpd, -f, -p, \"80\"]
    ports: [{name: http, containerPort: 80}]
    readinessProbe: {httpGet: {path: /, port: http}, periodSeconds: 2}
    livenessProbe: {tcpSocket: {port: 80}, periodSeconds: 5}
---
apiVersion: v1
kind: Pod
metadata: {name: b, labels: {app: web}}
spec:
  containers:
  - name: web
    image: busybox
    command: [httpd, -f, -p, \"80\"]
    readinessProbe: {exec: {command: [cat, /tmp/healthy]}, initialDelaySeconds: 1, periodSeconds: 2}
---
apiVersion: v1
kind: Pod
metadata: {name: c}
spec:
  containers:
  - name: web
    image: busybox
    command: [httpd, -f, -p, \"80\"]
    livenessProbe: {httpGet: {path: /healthz, port: 80}, periodSeconds: 3, failureThreshold: 2}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
")"#;

/// Readiness decides Endpoints: `b` is under notReadyAddresses (out of the Service)
/// until its file exists, then among the addresses; READY says 0/1 meanwhile. The probes
/// go as packets from the node to the pod (the trace shows kubelet's GET). `c` fails its
/// liveness probe with kubelet's words, is killed and started again; describe prints each
/// probe as kubectl does.
#[test]
fn probes_decide_readiness_endpoints_and_restarts() {
    for version in ["1.28", "1.5"] {
        let modern = version == "1.28";
        let src = format!(
            r#"Scenario(name: "probes", seed: 3, until: "20s", {}
  steps: [
    (at: "1s", exec: (on: "node/master01", cmd: "kubectl create -f /root/probes.yaml")),
    (at: "5s", exec: (on: "node/master01", cmd: "kubectl get pods")),
    (at: "5s", expect: (on: "node/master01", cmd: "kubectl get ep web -o jsonpath={{.subsets[0].addresses[*].ip}}/{{.subsets[0].notReadyAddresses[*].ip}}", stdout_contains: "172.17.0.2/172.17.0.3")),
    (at: "6s", exec: (on: "node/master01", cmd: "kubectl exec b -- touch /tmp/healthy")),
    (at: "10s", expect: (on: "node/master01", cmd: "kubectl get ep web -o jsonpath={{.subsets[0].addresses[*].ip}}/{{.subsets[0].notReadyAddresses[*].ip}}", stdout_contains: "172.17.0.2 172.17.0.3/")),
    (at: "10s", expect: (on: "node/master01", cmd: "kubectl exec b -- rm /tmp/healthy")),
    (at: "19s", expect: (on: "node/master01", cmd: "kubectl get ep web -o jsonpath={{.subsets[0].addresses[*].ip}}/{{.subsets[0].notReadyAddresses[*].ip}}", stdout_contains: "172.17.0.2/172.17.0.3")),
    (at: "19s", exec: (on: "node/master01", cmd: "kubectl describe pod a")),
    (at: "19s", exec: (on: "node/master01", cmd: "kubectl describe pod c")),
    (at: "19s", expect: (on: "node/master01", cmd: "kubectl get pod c -o jsonpath={{.status.containerStatuses[0].restartCount}}", stdout_contains: "2")),
  ])"#,
            cluster(version, PROBES)
        );
        let trace = run_text(&src);
        let at5 = printed(&trace, "kubectl get pods", "stdout", 0).join("\n");
        assert!(
            at5.lines()
                .any(|l| l.starts_with("b ") && l.contains(" 0/1 ") && l.contains(" Running ")),
            "{version}:\n{at5}"
        );
        assert!(
            at5.lines()
                .any(|l| l.starts_with("a ") && l.contains(" 1/1 ")),
            "{version}:\n{at5}"
        );
        // kubelet's GET from the node (its docker0 address) to the pod.
        assert!(
            trace.contains("172.17.0.1.") && trace.contains("> 172.17.0.2.80: Flags [S]"),
            "{version}"
        );
        let a = printed(&trace, "kubectl describe pod a", "stdout", 0).join("\n");
        for want in [
            "Liveness:       tcp-socket :80 delay=0s timeout=1s period=5s #success=1 #failure=3",
            "Readiness:      http-get http://:http/ delay=0s timeout=1s period=2s #success=1 #failure=3",
        ] {
            // (Compared word by word: the two eras' tabwriters pad differently.)
            assert!(
                a.lines()
                    .any(|l| l.split_whitespace().eq(want.split_whitespace())),
                "{version}: {want}\n{a}"
            );
        }
        let c = printed(&trace, "kubectl describe pod c", "stdout", 0).join("\n");
        assert!(
            c.contains("Liveness probe failed: HTTP probe failed with statuscode: 404"),
            "{version}:\n{c}"
        );
        let killing = if modern {
            "Container web failed liveness probe, will be restarted"
        } else {
            "is unhealthy, it will be killed and re-created."
        };
        assert!(c.contains(killing), "{version}:\n{c}");
    }
}

/// A pod whose variables come from the Downward API and a ConfigMap (one key optional
/// and missing), and one whose ConfigMap does not exist yet.
const ENV: &str = r#"(path: "/root/env.yaml", yaml: "
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {mode: fast}
---
apiVersion: v1
kind: Pod
metadata: {name: env, labels: {app: demo}}
spec:
  containers:
  - name: app
    image: busybox
    command: [sleep, \"3600\"]
    env:
    - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
    - {name: POD_NS, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}
    - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
    - {name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
    - {name: HOST_IP, valueFrom: {fieldRef: {fieldPath: status.hostIP}}}
    - {name: APP, valueFrom: {fieldRef: {fieldPath: \"metadata.labels['app']\"}}}
    - {name: MODE, valueFrom: {configMapKeyRef: {name: cfg, key: mode}}}
    - {name: EXTRA, valueFrom: {configMapKeyRef: {name: cfg, key: extra, optional: true}}}
"), (path: "/root/late.yaml", yaml: "
apiVersion: v1
kind: Pod
metadata: {name: late}
spec:
  containers:
  - name: app
    image: busybox
    command: [sleep, \"3600\"]
    env: [{name: LEVEL, valueFrom: {configMapKeyRef: {name: later, key: level}}}]
"), (path: "/root/later.yaml", yaml: "
apiVersion: v1
kind: ConfigMap
metadata: {name: later}
data: {level: debug}
")"#;

/// kubelet resolves `valueFrom` when it starts the container: the Downward API's fields
/// and a ConfigMap's key are in its environment (an optional missing key is left out);
/// a missing ConfigMap is CreateContainerConfigError with kubelet's message until it
/// exists, and the container starts at kubelet's next sync after that.
#[test]
fn env_from_the_downward_api_and_config_maps() {
    // What `printenv` prints in the container (expectations read the exec's output).
    let wants: String = [
        ("POD_NAME", "env"),
        ("POD_NS", "default"),
        ("POD_IP", "172.17.0.2"),
        ("NODE", "node01"),
        ("HOST_IP", "10.181.13.57"),
        ("APP", "demo"),
        ("MODE", "fast"),
    ]
    .iter()
    .map(|(k, v)| {
        format!(
            "(at: \"3s\", expect: (on: \"node/master01\", cmd: \"kubectl exec env -- printenv {k}\", stdout_contains: \"{v}\", exit_code: 0)),\n"
        )
    })
    .collect();
    let src = format!(
        r#"Scenario(name: "env", seed: 3, until: "20s", {}
  steps: [
    (at: "1s", exec: (on: "node/master01", cmd: "kubectl create -f /root/env.yaml")),
    (at: "1s", exec: (on: "node/master01", cmd: "kubectl create -f /root/late.yaml")),
    {wants}
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl exec env -- printenv EXTRA", exit_code: 1)),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl get pod late", stdout_contains: "CreateContainerConfigError")),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl get pod late -o jsonpath={{.status.containerStatuses[0].state.waiting.message}}", stdout_contains: "configmap \"later\" not found")),
    (at: "3s", exec: (on: "node/master01", cmd: "kubectl describe pod env")),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl get pod env -o jsonpath={{.spec.containers[0].env[0].valueFrom.fieldRef.fieldPath}}/{{.spec.containers[0].env[6].valueFrom.configMapKeyRef.name}}", stdout_contains: "metadata.name/cfg")),
    (at: "4s", exec: (on: "node/master01", cmd: "kubectl create -f /root/later.yaml")),
    (at: "15s", expect: (on: "node/master01", cmd: "kubectl get pod late", stdout_contains: "Running")),
    (at: "15s", expect: (on: "node/master01", cmd: "kubectl exec late -- printenv LEVEL", stdout_contains: "debug")),
  ])"#,
        cluster("1.28", ENV)
    );
    let trace = run_text(&src);
    let d = printed(&trace, "kubectl describe pod env", "stdout", 0).join("\n");
    assert!(d.contains("POD_NAME:  (v1:metadata.name)"), "{d}");
    // (The Optional column is aligned by the tabwriter, as kubectl's.)
    let mode = "MODE: <set to the key 'mode' of config map 'cfg'> Optional: false";
    assert!(
        d.lines()
            .any(|l| l.split_whitespace().eq(mode.split_whitespace())),
        "{d}"
    );
}

/// One pod selects its node by the hostname label, one selects a label no node has.
const SELECT: &str = r#"(path: "/root/select.yaml", yaml: "
apiVersion: v1
kind: Pod
metadata: {name: here}
spec:
  nodeSelector: {kubernetes.io/hostname: node01}
  containers: [{name: app, image: busybox, command: [sleep, \"3600\"]}]
---
apiVersion: v1
kind: Pod
metadata: {name: nowhere}
spec:
  nodeSelector: {disktype: ssd}
  containers: [{name: app, image: busybox, command: [sleep, \"3600\"]}]
")"#;

/// The scheduler honours nodeSelector: a pod no node matches stays Pending with
/// FailedScheduling in the scheduler's words of each release (modern's count of nodes
/// that did not match; 1.5's fit failure summary), and describe shows the selector.
#[test]
fn node_selector_places_a_pod_or_leaves_it_pending() {
    for version in ["1.28", "1.5"] {
        let modern = version == "1.28";
        let src = format!(
            r#"Scenario(name: "select", seed: 3, until: "5s", {}
  steps: [
    (at: "1s", exec: (on: "node/master01", cmd: "kubectl create -f /root/select.yaml")),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl get pod here -o jsonpath={{.spec.nodeName}}/{{.status.phase}}", stdout_contains: "node01/Running")),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl get pod nowhere -o jsonpath={{.status.phase}}", stdout_contains: "Pending")),
    (at: "3s", exec: (on: "node/master01", cmd: "kubectl describe pod nowhere")),
  ])"#,
            cluster(version, SELECT)
        );
        let trace = run_text(&src);
        let d = printed(&trace, "kubectl describe pod nowhere", "stdout", 0).join("\n");
        let want = if modern {
            "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector."
        } else {
            "pod (nowhere) failed to fit in any node"
        };
        assert!(
            d.contains("FailedScheduling") && d.contains(want),
            "{version}:\n{d}"
        );
        if modern {
            assert!(
                d.lines()
                    .any(|l| l.split_whitespace().eq(["Node-Selectors:", "disktype=ssd"])),
                "{d}"
            );
        }
    }
}
