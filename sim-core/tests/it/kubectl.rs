//! kubectl's read verbs in small clusters: `describe`, `get events`, `logs`, `version`,
//! `api-resources`, `explain`, `cluster-info`, through the apiserver as a scenario runs
//! them. Each test runs scenario text, checks its `expect` steps held, and reads what a
//! command printed from the text trace where one line is not enough.

use sim_core::scenario::{Scenario, run};

/// Runs scenario text; fails on a failed expectation. Returns the text trace.
pub(crate) fn run_text(src: &str) -> String {
    let s = Scenario::parse("t.ron", src).unwrap_or_else(|e| panic!("{e}"));
    let out = run::run(&s, &Default::default());
    let text = sim_core::trace::text::render(&out.records, &out.summary.names);
    if let Some(f) = out.summary.failed_expect() {
        panic!("steps[{}] `{}`: {:?}\n{text}", f.step, f.cmd, f.result);
    }
    assert!(out.summary.violations.is_empty(), "{text}");
    text
}

/// What the process whose `exec` line is `$ cmd` printed on `stream` (`stdout` or
/// `stderr`), one string per line, as the trace shows it (after `| `); and its exit line.
pub(crate) fn printed(trace: &str, cmd: &str, stream: &str) -> (Vec<String>, Option<String>) {
    let exec = trace
        .lines()
        .find(|l| l.ends_with(&format!("$ {cmd}")))
        .unwrap_or_else(|| panic!("`{cmd}` ran\n{trace}"));
    let actor = exec
        .split_whitespace()
        .nth(1)
        .expect("an actor")
        .to_string();
    let actor = actor.as_str();
    let family = crate::kubectl_get::family(trace, exec);
    let family = &family;
    let mine = || {
        trace.lines().filter(move |l| {
            l.split_whitespace()
                .nth(1)
                .is_some_and(|a| family.contains(&a))
        })
    };
    let lines = mine()
        .filter(|l| l.split_whitespace().nth(2) == Some(stream))
        .map(|l| l.split_once("| ").map(|x| x.1).unwrap_or("").to_string())
        .collect();
    let exit = mine()
        .find(|l| {
            l.split_whitespace().nth(2) == Some("exit")
                && l.split_whitespace().nth(1) == Some(actor)
        })
        .map(|l| {
            l.split_once("exit       ")
                .map(|x| x.1)
                .unwrap_or("")
                .to_string()
        });
    (lines, exit)
}

const CLUSTER: &str = r#"
    cluster: (
        nodes: [
            (name: "master01", ip: "10.181.24.110/17"),
            (name: "node01", ip: "10.181.13.57/17", docker: ()),
        ],
        etcd: "master01",
        kubernetes: (master: "master01", cluster_dns: "10.96.0.10"),
        manifests: [
            (path: "/root/redis.yaml", yaml: "
apiVersion: v1
kind: ReplicationController
metadata: {name: redis-master}
spec:
  selector: {name: redis-master}
  template:
    metadata: {labels: {name: redis-master}}
    spec:
      containers: [{name: master, image: kubeguide/redis-master, ports: [{containerPort: 6379}]}]
"),
            (path: "/root/web.yaml", yaml: "
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: busybox, command: [httpd, -f, -p, \"80\"], ports: [{containerPort: 80}]}]
"),
            (path: "/root/hello.yaml", yaml: "
apiVersion: v1
kind: ReplicationController
metadata: {name: hello}
spec:
  selector: {app: hello}
  template:
    metadata: {labels: {app: hello}}
    spec:
      containers: [{name: hello, image: busybox, command: [echo, hello from the container]}]
"),
        ],
    ),"#;

/// `describe` by full name, by prefix (every pod it starts, a blank line after each), by
/// kind with a selector (a blank line between), each kind the simulator keeps, and its
/// errors in kubectl's words and exit status.
#[test]
fn describe_by_name_prefix_kind_and_selector() {
    let src = format!(
        r#"Scenario(name: "describe", seed: 3, until: "4s", {CLUSTER}
  steps: [
    (at: "1s", exec: (on: "node/master01", cmd: "kubectl create -f /root/redis.yaml")),
    (at: "1s", exec: (on: "node/master01", cmd: "kubectl create -f /root/web.yaml")),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl describe pod redis-master", stdout_contains: "Controlled By:  ReplicationController/redis-master", exit_code: 0)),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl describe pods web", stdout_contains: "Controlled By:  ReplicaSet/web-", exit_code: 0)),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl describe pods -l app=web", stdout_contains: "Labels:           app=web", exit_code: 0)),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl describe deploy/web", stdout_contains: "Replicas:               2 desired | 2 updated | 2 total | 2 available | 0 unavailable")),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl describe rc redis-master", stdout_contains: "Pods Status:  1 Running / 0 Waiting / 0 Succeeded / 0 Failed")),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl describe rs", stdout_contains: "Controlled By:  Deployment/web")),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl describe node node01", stdout_contains: "Non-terminated Pods:")),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl describe svc kubernetes", stdout_contains: "Endpoints:                10.181.24.110:6443")),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl describe ep kubernetes", stdout_contains: "  Addresses:          10.181.24.110")),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl describe ns default", stdout_contains: "No LimitRange resource.")),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl describe pod nope", stderr_contains: "Error from server (NotFound): pods \"nope\" not found", exit_code: 1)),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl describe widgets", stderr_contains: "error: the server doesn't have a resource type \"widgets\"", exit_code: 1)),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl describe pods -n kube-system", stderr_contains: "No resources found in kube-system namespace.", exit_code: 0)),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl describe", stderr_contains: "You must specify the type of resource to describe.", exit_code: 1)),
    (at: "3s", expect: (on: "node/node01", cmd: "kubectl describe pods", stderr_contains: "The connection to the server localhost:8080 was refused", exit_code: 1)),
  ])"#
    );
    let trace = run_text(&src);
    // By prefix: both web pods, each description followed by a blank line.
    let (out, _) = printed(&trace, "kubectl describe pods web", "stdout");
    let names: Vec<&String> = out.iter().filter(|l| l.starts_with("Name:")).collect();
    assert_eq!(names.len(), 2, "{out:#?}");
    assert_eq!(out.last().map(String::as_str), Some(""), "{out:#?}");
    // The kubelet's events, sorted by last seen, after the flush that starts their table.
    let (out, _) = printed(&trace, "kubectl describe pod redis-master", "stdout");
    let events = out
        .iter()
        .position(|l| l == "Events:")
        .expect("an Events table");
    assert!(
        out[events + 1].starts_with("  Type    Reason     Age"),
        "{out:#?}"
    );
    assert!(
        out.iter().any(|l| l.contains("Started container master")),
        "{out:#?}"
    );
    // Every pod of a kind: two blank lines between two descriptions.
    let (out, _) = printed(&trace, "kubectl describe pods -l app=web", "stdout");
    let second = out.iter().rposition(|l| l.starts_with("Name:")).unwrap();
    assert_eq!(out[second - 2..second], ["", ""], "{out:#?}");
}

/// `get events`: the table, `--field-selector`, and `-w` printing the events that come
/// after it started, row by row, until the run ends.
#[test]
fn get_events_lists_and_watches() {
    let src = format!(
        r#"Scenario(name: "events", seed: 3, until: "5s", {CLUSTER}
  steps: [
    (at: "1s", exec: (on: "node/master01", cmd: "kubectl create -f /root/redis.yaml")),
    (at: "1500ms", exec: (on: "node/master01", cmd: "kubectl get events -w")),
    (at: "2s", exec: (on: "node/master01", cmd: "kubectl create -f /root/web.yaml")),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl get events", stdout_contains: "LAST SEEN   TYPE")),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl get events --field-selector involvedObject.kind=Deployment", stdout_contains: "ScalingReplicaSet   deployment/web")),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl get events --field-selector bogus=1", stderr_contains: "field label not supported: bogus", exit_code: 1)),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl get ev -n kube-system", stderr_contains: "No resources found in kube-system namespace.")),
  ])"#
    );
    let trace = run_text(&src);
    let (all, _) = printed(&trace, "kubectl get events", "stdout");
    assert!(
        all.iter()
            .any(|l| l.contains("SuccessfulCreate")
                && l.contains("replicationcontroller/redis-master")),
        "{all:#?}"
    );
    let (selected, _) = printed(
        &trace,
        "kubectl get events --field-selector involvedObject.kind=Deployment",
        "stdout",
    );
    assert_eq!(selected.len(), 2, "the header and one row: {selected:#?}");
    // The watch: the header with what there was, then the Deployment's events as they
    // came; still watching when the run ended.
    let (watched, exit) = printed(&trace, "kubectl get events -w", "stdout");
    assert!(watched[0].starts_with("LAST SEEN"), "{watched:#?}");
    assert!(
        watched.iter().any(|l| l.contains("deployment/web")),
        "{watched:#?}"
    );
    assert_eq!(exit, None, "a watch runs until it is stopped");
}

/// `logs`: what a container wrote, by pod or controller, `--tail`, `--timestamps`, `-f`
/// until the container ends, and kubectl's errors.
#[test]
fn logs_of_containers() {
    let src = format!(
        r#"Scenario(name: "logs", seed: 3, until: "6s", {CLUSTER}
  steps: [
    (at: "1s", exec: (on: "node/master01", cmd: "kubectl create -f /root/redis.yaml")),
    (at: "1s", exec: (on: "node/master01", cmd: "kubectl create -f /root/web.yaml")),
    (at: "1s", exec: (on: "node/master01", cmd: "kubectl create -f /root/hello.yaml")),
    (at: "1s", expect: (on: "node/master01", cmd: "kubectl logs rc/redis-master", stderr_contains: "is waiting to start: ContainerCreating", exit_code: 1)),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl logs rc/redis-master", stdout_contains: "* Server started, Redis version 3.0.3", exit_code: 0)),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl logs rc/redis-master --tail=1 --timestamps", stdout_contains: "2017-10-18T15:00:0", exit_code: 0)),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl logs rc/hello", stdout_contains: "hello from the container", exit_code: 0)),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl logs -f rc/hello", stdout_contains: "hello from the container", exit_code: 0)),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl logs deploy/web", stderr_contains: "Found 2 pods, using pod/web-", exit_code: 0)),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl logs deploy/web -c nope", stderr_contains: "error: container nope is not valid for pod web-", exit_code: 1)),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl logs rc/redis-master -p", stderr_contains: "Error from server (BadRequest): previous terminated container \"master\" in pod \"redis-master-", exit_code: 1)),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl logs nope", stderr_contains: "Error from server (NotFound): pods \"nope\" not found", exit_code: 1)),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl logs", stderr_contains: "POD or TYPE/NAME is a required argument for the logs command", exit_code: 1)),
    (at: "3s", exec: (on: "node/master01", cmd: "kubectl logs -f rc/redis-master")),
    (at: "4s", exec: (on: "node/master01", cmd: "kubectl delete rc redis-master")),
  ])"#
    );
    let trace = run_text(&src);
    let (out, _) = printed(
        &trace,
        "kubectl logs rc/redis-master --tail=1 --timestamps",
        "stdout",
    );
    assert_eq!(out.len(), 1, "{out:#?}");
    // kubelet's time: nine digits of nanoseconds, then the line as redis wrote it.
    assert_eq!(
        out,
        [
            "2017-10-18T15:00:01.100100000Z [2] 01 Jan 00:00:01.100 * The server is now ready to accept connections on port 6379"
        ]
    );
    // The follow printed the log, then ended when the deletion stopped the container.
    let (out, exit) = printed(&trace, "kubectl logs -f rc/redis-master", "stdout");
    assert!(out.iter().any(|l| l.contains("Server started")), "{out:#?}");
    assert_eq!(exit.as_deref(), Some("exit status 0"), "{trace}");
}

/// `logs -l`: each picked pod's log (the last 10 lines unless `--tail`), `--prefix`'s
/// `[pod/NAME/CONTAINER] `, following more pods than `--max-log-requests` refused, no pod
/// picked, and a selector with a name refused, in logs.go's words.
#[test]
fn logs_by_selector() {
    // A pod that writes some twenty lines (ping's 15 replies, 0.2 s apart).
    let cluster = CLUSTER.replacen(
        "manifests: [",
        r#"manifests: [(path: "/root/pinger.yaml", yaml: "
apiVersion: v1
kind: Pod
metadata: {name: pinger, labels: {run: pinger}}
spec:
  restartPolicy: Never
  containers: [{name: ping, image: busybox, command: [ping, -c, '15', -i, '0.2', 127.0.0.1]}]
"),"#,
        1,
    );
    let src = format!(
        r#"Scenario(name: "logs", seed: 3, until: "8s", {cluster}
  steps: [
    (at: "1s", exec: (on: "node/master01", cmd: "kubectl create -f /root/pinger.yaml")),
    (at: "1s", exec: (on: "node/master01", cmd: "kubectl create -f /root/redis.yaml")),
    (at: "1s", exec: (on: "node/master01", cmd: "kubectl create -f /root/web.yaml")),
    (at: "1s", exec: (on: "node/master01", cmd: "kubectl create -f /root/hello.yaml")),
    (at: "7s", exec: (on: "node/master01", cmd: "kubectl logs pinger")),
    (at: "7s", exec: (on: "node/master01", cmd: "kubectl logs -l run=pinger")),
    (at: "7s", exec: (on: "node/master01", cmd: "kubectl logs -l run=pinger --tail=-1")),
    (at: "7s", exec: (on: "node/master01", cmd: "kubectl logs -l app=hello --prefix")),
    (at: "7s", exec: (on: "node/master01", cmd: "kubectl logs -l app=web -f --max-log-requests=1")),
    (at: "7s", exec: (on: "node/master01", cmd: "kubectl logs -l app=nope")),
    (at: "7s", exec: (on: "node/master01", cmd: "kubectl logs web -l app=web")),
  ])"#
    );
    let trace = run_text(&src);
    let (all, _) = printed(&trace, "kubectl logs pinger", "stdout");
    assert!(all.len() > 10, "ping writes more than 10 lines: {all:#?}");
    let (picked, exit) = printed(&trace, "kubectl logs -l run=pinger", "stdout");
    assert_eq!(exit.as_deref(), Some("exit status 0"));
    assert_eq!(picked, all[all.len() - 10..], "the last 10 lines");
    let (every, _) = printed(&trace, "kubectl logs -l run=pinger --tail=-1", "stdout");
    assert_eq!(every, all, "--tail=-1 given: every line");
    let (hello, _) = printed(&trace, "kubectl logs -l app=hello --prefix", "stdout");
    assert!(!hello.is_empty());
    for l in &hello {
        assert!(
            l.starts_with("[pod/hello-") && l.ends_with("/hello] hello from the container"),
            "{hello:#?}"
        );
    }
    assert_eq!(
        printed(&trace, "kubectl logs -l app=web -f --max-log-requests=1", "stderr"),
        (
            vec!["error: you are attempting to follow 2 log streams, but maximum allowed concurrency is 1, use --max-log-requests to increase the limit".to_string()],
            Some("exit status 1".to_string())
        )
    );
    assert_eq!(
        printed(&trace, "kubectl logs -l app=nope", "stderr"),
        (
            vec!["No resources found in default namespace.".to_string()],
            Some("exit status 0".to_string())
        )
    );
    assert_eq!(
        printed(&trace, "kubectl logs web -l app=web", "stderr").0[0],
        "error: only a selector (-l) or a POD name is allowed"
    );
}

/// A kubeadm cluster with CoreDNS: `cluster-info` names the add-on, the CoreDNS pod's
/// log has its start-up lines, and `version`, `api-resources` and `explain` answer.
#[test]
fn cluster_info_version_api_resources_explain() {
    let src = r#"Scenario(name: "info", seed: 13, until: "3s",
    cluster: (
        nodes: [
            (name: "master01", ip: "10.181.24.110/17"),
            (name: "node01", ip: "10.181.13.57/17", docker: ()),
        ],
        etcd: "master01",
        kubernetes: (master: "master01", kubeadm: true,
            corefile: ".:53 {\n    errors\n    kubernetes cluster.local in-addr.arpa ip6.arpa\n    forward . /etc/resolv.conf\n}\n"),
    ),
    steps: [
      (at: "2s", expect: (on: "node/master01", cmd: "kubectl cluster-info", stdout_contains: "CoreDNS is running at https://10.181.24.110:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy")),
      (at: "2s", expect: (on: "node/master01", cmd: "kubectl logs -n kube-system deploy/coredns", stdout_contains: "CoreDNS-1.10.1")),
      (at: "2s", expect: (on: "node/master01", cmd: "kubectl version", stdout_contains: "Server Version: v1.28.2", exit_code: 0)),
      (at: "2s", expect: (on: "node/node01", cmd: "kubectl version --client", stdout_contains: "Client Version: v1.28.2", exit_code: 0)),
      (at: "2s", expect: (on: "node/node01", cmd: "kubectl version", stderr_contains: "The connection to the server localhost:8080 was refused", exit_code: 1)),
      (at: "2s", expect: (on: "node/master01", cmd: "kubectl version --short", stderr_contains: "error: unknown flag: --short", exit_code: 1)),
      (at: "2s", expect: (on: "node/master01", cmd: "kubectl api-resources", stdout_contains: "deployments              deploy       apps/v1      true         Deployment")),
      (at: "2s", expect: (on: "node/master01", cmd: "kubectl explain deployment.spec.replicas", stdout_contains: "FIELD: replicas <integer>")),
      (at: "2s", expect: (on: "node/master01", cmd: "kubectl explain pod.spec.nope", stderr_contains: "error: field \"nope\" does not exist", exit_code: 1)),
    ])"#;
    let trace = run_text(src);
    let (out, _) = printed(&trace, "kubectl cluster-info", "stdout");
    assert_eq!(
        out,
        [
            "Kubernetes control plane is running at https://10.181.24.110:6443",
            "CoreDNS is running at https://10.181.24.110:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy",
            "",
            "To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.",
        ]
    );
}

/// A node's events (kubelet's MissingClusterDNS about its node) are kept in `default`, as
/// the event recorder keeps a cluster-scoped object's: `get events` lists them there, and
/// `describe node` shows them.
#[test]
fn a_nodes_events_are_in_default() {
    let cluster = CLUSTER.replace(r#", cluster_dns: "10.96.0.10""#, "");
    let src = format!(
        r#"Scenario(name: "node-events", seed: 3, until: "3s", {cluster}
  steps: [
    (at: "1s", exec: (on: "node/master01", cmd: "kubectl create -f /root/redis.yaml")),
    (at: "2s", expect: (on: "node/master01", cmd: "kubectl get events --field-selector involvedObject.kind=Node", stdout_contains: "MissingClusterDNS   node/node01")),
    (at: "2s", expect: (on: "node/master01", cmd: "kubectl describe node node01", stdout_contains: "Warning  MissingClusterDNS")),
  ])"#
    );
    run_text(&src);
}

/// `logs --previous`: after dockerd restarted, the container runs again; the previous
/// run's log is still there, the current one is new.
#[test]
fn logs_previous_after_a_docker_restart() {
    let src = format!(
        r#"Scenario(name: "previous", seed: 3, until: "6s", {CLUSTER}
  steps: [
    (at: "1s", exec: (on: "node/master01", cmd: "kubectl create -f /root/redis.yaml")),
    (at: "2s", exec: (on: "node/node01", cmd: "systemctl restart docker")),
    (at: "5s", exec: (on: "node/master01", cmd: "kubectl logs rc/redis-master --previous")),
    (at: "5s", exec: (on: "node/master01", cmd: "kubectl logs rc/redis-master")),
  ])"#
    );
    let trace = run_text(&src);
    let (previous, exit) = printed(&trace, "kubectl logs rc/redis-master --previous", "stdout");
    assert_eq!(exit.as_deref(), Some("exit status 0"), "{trace}");
    let (current, _) = printed(&trace, "kubectl logs rc/redis-master", "stdout");
    assert!(previous[0].contains("01 Jan 00:00:01.100"), "{previous:#?}");
    assert!(!current[0].contains("01 Jan 00:00:01.100"), "{current:#?}");
    assert!(
        current.iter().any(|l| l.contains("Server started")),
        "{current:#?}"
    );
}
