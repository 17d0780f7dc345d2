//! `kubectl get` in small scenarios, its whole output compared with what kubectl 1.28
//! prints: several kinds and `all`, namespaces, selectors, label columns, the output
//! formats, errors with their exit statuses, and watches in simulated time.

use sim_core::scenario::{Scenario, run};

/// A cluster of a master and one docker node, with a Deployment and a NodePort Service in
/// `default` (created at 1s) and a ReplicationController in `team` (1.5s); `early` and
/// `steps` are RON step entries before and after those.
pub(crate) fn cluster(until: &str, early: &str, steps: &str) -> String {
    format!(
        r#"Scenario(name: "kubectl-get", seed: 1, until: "{until}",
  cluster: (
    nodes: [
      (name: "m", ip: "10.0.0.1/24"),
      (name: "w", ip: "10.0.0.2/24", docker: ()),
    ],
    etcd: "m",
    kubernetes: (master: "m"),
    manifests: [
      (path: "/root/web.yaml", yaml: "
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, labels: {{app: web}}}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers: [{{name: web, image: \"nginx:1.25\", command: [httpd, -f, -p, \"80\"], ports: [{{containerPort: 80}}]}}]
"),
      (path: "/root/web-svc.yaml", yaml: "
apiVersion: v1
kind: Service
metadata: {{name: web}}
spec: {{type: NodePort, ports: [{{name: http, port: 80}}], selector: {{app: web}}}}
"),
      (path: "/root/db.yaml", yaml: "
apiVersion: v1
kind: ReplicationController
metadata: {{name: db, namespace: team, labels: {{app: db}}}}
spec:
  replicas: 1
  selector: {{app: db, tier: data}}
  template:
    metadata: {{labels: {{app: db, tier: data}}}}
    spec:
      containers: [{{name: db, image: redis, command: [httpd, -f, -p, \"6379\"]}}]
"),
    ],
  ),
  steps: [
    {early}
    (at: "1s", exec: (on: "node/m", cmd: "kubectl create namespace team")),
    (at: "1s", exec: (on: "node/m", cmd: "kubectl create -f /root/web.yaml")),
    (at: "1s", exec: (on: "node/m", cmd: "kubectl create -f /root/web-svc.yaml")),
    (at: "1.5s", exec: (on: "node/m", cmd: "kubectl create -f /root/db.yaml")),
    {steps}
  ])"#
    )
}

pub(crate) fn trace_of(src: &str) -> String {
    let s = Scenario::parse("t.ron", src).unwrap_or_else(|e| panic!("{e}"));
    let out = run::run(&s, &Default::default());
    assert!(
        out.summary.violations.is_empty(),
        "{:?}",
        out.summary.violations
    );
    sim_core::trace::text::render(&out.records, &out.summary.names)
}

/// The actor of `exec_line` and the processes its shell started: those of its machine
/// that begin after it and before it exits (a pipeline's stages print as themselves).
pub(crate) fn family<'a>(trace: &'a str, exec_line: &str) -> Vec<&'a str> {
    let actor = exec_line
        .split_whitespace()
        .nth(1)
        .expect("an actor column");
    let machine = actor.rsplit_once('/').map_or(actor, |(m, _)| m);
    let mut out = Vec::new();
    let shell = ["sh[", "bash["]
        .iter()
        .any(|s| actor.rsplit('/').next().is_some_and(|n| n.starts_with(s)));
    let mut on = false;
    for l in trace.lines() {
        let mut w = l.split_whitespace();
        let (a, kind) = (w.nth(1).unwrap_or(""), w.next().unwrap_or(""));
        if !on {
            if l == exec_line {
                on = true;
                out.push(trace_actor(trace, l));
                if !shell {
                    break;
                }
            }
            continue;
        }
        if a == actor && kind == "exit" {
            break;
        }
        if kind == "exec" && a.rsplit_once('/').is_some_and(|(m, _)| m == machine) {
            out.push(a);
        }
    }
    out
}

fn trace_actor<'a>(trace: &'a str, line: &str) -> &'a str {
    let a = line.split_whitespace().nth(1).expect("an actor column");
    let at = trace.find(a).expect("in the trace");
    &trace[at..at + a.len()]
}

/// What `cmd` printed: (stdout, stderr, exit status), each line with its newline.
pub(crate) fn printed(trace: &str, cmd: &str) -> (String, String, Option<i32>) {
    let exec = trace
        .lines()
        .find(|l| l.ends_with(&format!("$ {cmd}")))
        .unwrap_or_else(|| panic!("`{cmd}` ran\n{trace}"));
    let actor = exec.split_whitespace().nth(1).expect("an actor column");
    let family = family(trace, exec);
    let (mut out, mut err, mut status) = (String::new(), String::new(), None);
    for l in trace.lines().filter(|l| {
        l.split_whitespace()
            .nth(1)
            .is_some_and(|a| family.contains(&a))
    }) {
        let kind = l.split_whitespace().nth(2).unwrap_or("");
        if kind == "exit" && l.split_whitespace().nth(1) != Some(actor) {
            continue;
        }
        // The text after `| ` (an empty line ends at `|`).
        let text = l.split_once("| ").map(|(_, t)| t).unwrap_or("");
        match kind {
            "stdout" => out += &format!("{text}\n"),
            "stderr" => err += &format!("{text}\n"),
            "exit" => status = l.rsplit(' ').next().and_then(|s| s.parse().ok()),
            _ => {}
        }
    }
    (out, err, status)
}

pub(crate) fn ok(stdout: &str) -> (String, String, Option<i32>) {
    (stdout.to_string(), String::new(), Some(0))
}

pub(crate) fn failed(stderr: &str) -> (String, String, Option<i32>) {
    (String::new(), stderr.to_string(), Some(1))
}

/// Several kinds: each kind's table in turn, names with their kind, a blank line between
/// tables; `all` in modern kubectl's order; `-A`, `-n`, `-L`, `--no-headers`.
#[test]
fn kinds_names_namespaces_and_label_columns() {
    let cmds = [
        "kubectl get all",
        "kubectl get svc/web deploy/web",
        "kubectl get pods,rc -n team -L tier",
        "kubectl get pods -A -l 'app in (web,db),tier!=data' --no-headers",
        "kubectl get pods -A --show-labels",
    ];
    let steps: String = cmds
        .iter()
        .map(|c| format!("(at: \"3s\", exec: (on: \"node/m\", cmd: {c:?})),\n"))
        .collect();
    let trace = trace_of(&cluster("4s", "", &steps));
    assert_eq!(
        printed(&trace, cmds[0]),
        ok("NAME                       READY   STATUS    RESTARTS   AGE
pod/web-5b9997796b-hfj6q   1/1     Running   0          2s
pod/web-5b9997796b-hjjbj   1/1     Running   0          2s

NAME                 TYPE        CLUSTER-IP    EXTERNAL-IP   PORT(S)        AGE
service/kubernetes   ClusterIP   10.96.0.1     <none>        443/TCP        3s
service/web          NodePort    10.97.76.29   <none>        80:31948/TCP   2s

NAME                  READY   UP-TO-DATE   AVAILABLE   AGE
deployment.apps/web   2/2     2            2           2s

NAME                             DESIRED   CURRENT   READY   AGE
replicaset.apps/web-5b9997796b   2         2         2       2s
")
    );
    assert_eq!(
        printed(&trace, cmds[1]),
        ok(
            "NAME          TYPE       CLUSTER-IP    EXTERNAL-IP   PORT(S)        AGE
service/web   NodePort   10.97.76.29   <none>        80:31948/TCP   2s

NAME                  READY   UP-TO-DATE   AVAILABLE   AGE
deployment.apps/web   2/2     2            2           2s
"
        )
    );
    // The last cell is empty (the RC has no `tier` label); the trace drops the spaces
    // that pad the cell before it.
    assert_eq!(
        printed(&trace, cmds[2]),
        ok("NAME           READY   STATUS    RESTARTS   AGE   TIER
pod/db-nmc6t   1/1     Running   0          1s    data

NAME                       DESIRED   CURRENT   READY   AGE   TIER
replicationcontroller/db   1         1         1       1s
")
    );
    assert_eq!(
        printed(&trace, cmds[3]),
        ok("default   web-5b9997796b-hfj6q   1/1   Running   0     2s
default   web-5b9997796b-hjjbj   1/1   Running   0     2s
")
    );
    assert_eq!(
        printed(&trace, cmds[4]),
        ok("NAMESPACE   NAME                   READY   STATUS    RESTARTS   AGE   LABELS
default     web-5b9997796b-hfj6q   1/1     Running   0          2s    app=web,pod-template-hash=5b9997796b
default     web-5b9997796b-hjjbj   1/1     Running   0          2s    app=web,pod-template-hash=5b9997796b
team        db-nmc6t               1/1     Running   0          1s    app=db,tier=data
")
    );
}

/// `-o yaml`, `name`, `jsonpath=` (with a filter, `range` and `{"\n"}`), `custom-columns=`
/// with kubectl's `<none>`, `--sort-by`, `--field-selector`.
#[test]
fn output_formats() {
    let cmds = [
        "kubectl get rc db -n team -o yaml",
        "kubectl get pods -A --field-selector metadata.namespace=team,status.phase=Running -o name",
        r#"kubectl get nodes -o jsonpath='{range .items[*]}{.metadata.name}{"\t"}{.status.addresses[?(@.type=="InternalIP")].address}{"\n"}{end}'"#,
        "kubectl get pods -A --sort-by=.metadata.name -o custom-columns=NAME:.metadata.name,NS:.metadata.namespace,TIER:.metadata.labels.tier",
        "kubectl get svc web -o jsonpath={.spec.ports[0].nodePort}",
    ];
    let steps: String = cmds
        .iter()
        .map(|c| format!("(at: \"3s\", exec: (on: \"node/m\", cmd: {c:?})),\n"))
        .collect();
    let trace = trace_of(&cluster("4s", "", &steps));
    assert_eq!(
        printed(&trace, cmds[0]),
        ok(r#"apiVersion: v1
kind: ReplicationController
metadata:
  creationTimestamp: "2017-10-18T15:00:01Z"
  labels:
    app: db
  name: db
  namespace: team
  resourceVersion: "28"
  uid: 58c589f4-2a71-69ad-fa89-db728f7d17d9
spec:
  replicas: 1
  selector:
    app: db
    tier: data
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: db
        tier: data
    spec:
      containers:
      - command:
        - httpd
        - -f
        - -p
        - "6379"
        image: redis
        imagePullPolicy: Always
        name: db
        resources: {}
        terminationMessagePath: /dev/termination-log
        terminationMessagePolicy: File
      dnsPolicy: ClusterFirst
      restartPolicy: Always
      schedulerName: default-scheduler
      securityContext: {}
      terminationGracePeriodSeconds: 30
status:
  availableReplicas: 1
  fullyLabeledReplicas: 1
  readyReplicas: 1
  replicas: 1
"#)
    );
    assert_eq!(printed(&trace, cmds[1]), ok("pod/db-nmc6t\n"));
    assert_eq!(printed(&trace, cmds[2]), ok("w\t10.0.0.2\n"));
    assert_eq!(
        printed(&trace, cmds[3]),
        ok("NAME                   NS        TIER
db-nmc6t               team      data
web-5b9997796b-hfj6q   default   <none>
web-5b9997796b-hjjbj   default   <none>
")
    );
    // No newline after a template that prints none: the trace shows the line all the same.
    assert_eq!(printed(&trace, cmds[4]), ok("31948\n"));
}

/// Errors in kubectl's words, on stderr, with exit status 1; nothing found is not an error.
#[test]
fn errors_and_their_statuses() {
    let cmds = [
        "kubectl get foo",
        "kubectl get pod nope",
        "kubectl get pods -n empty",
        "kubectl get pods -o xml",
        "kubectl get pods --foo",
        "kubectl get pods -l 'app in (web'",
        "kubectl get svc --field-selector spec.type=NodePort",
        "kubectl get pods web -l app=web",
        "kubectl describe foo",
    ];
    let steps: String = cmds
        .iter()
        .map(|c| format!("(at: \"3s\", exec: (on: \"node/m\", cmd: {c:?})),\n"))
        .collect();
    let trace = trace_of(&cluster("4s", "", &steps));
    assert_eq!(
        printed(&trace, cmds[0]),
        failed("error: the server doesn't have a resource type \"foo\"\n")
    );
    assert_eq!(
        printed(&trace, cmds[1]),
        failed("Error from server (NotFound): pods \"nope\" not found\n")
    );
    assert_eq!(
        printed(&trace, cmds[2]),
        (
            String::new(),
            "No resources found in empty namespace.\n".to_string(),
            Some(0)
        )
    );
    assert_eq!(
        printed(&trace, cmds[3]),
        failed(
            "error: unable to match a printer suitable for the output format \"xml\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml\n"
        )
    );
    assert_eq!(
        printed(&trace, cmds[4]),
        failed("error: unknown flag: --foo\nSee 'kubectl get --help' for usage.\n")
    );
    assert_eq!(
        printed(&trace, cmds[5]),
        failed(
            "Error from server (BadRequest): Unable to find \"/v1, Resource=pods\" that match label selector \"app in (web\", field selector \"\": unable to parse requirement: found '', expected: ',' or ')'\n"
        )
    );
    assert_eq!(
        printed(&trace, cmds[6]),
        failed(
            "Error from server (BadRequest): Unable to find \"/v1, Resource=services\" that match label selector \"\", field selector \"spec.type=NodePort\": \"spec.type\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"\n"
        )
    );
    assert_eq!(
        printed(&trace, cmds[7]),
        failed("error: name cannot be provided when a selector is specified\n")
    );
    // A refused command line prints its message once, with no blank line after it.
    assert_eq!(
        printed(&trace, cmds[8]),
        failed("error: the server doesn't have a resource type \"foo\"\n")
    );
}

/// `kubectl get pods -w` started before there are pods: nothing, then the header with the
/// first rows as the apiserver's watch delivers them (after its watch delay), each later
/// change a line aligned with them; at the end of the run the trace says the watch ended
/// with it. `--watch-only -o name` prints only changes.
#[test]
fn a_watch_prints_changes_in_simulated_time_until_the_run_ends() {
    let early = r#"
    (at: "0.5s", exec: (on: "node/m", cmd: "kubectl get pods -w")),
    (at: "0.5s", exec: (on: "node/m", cmd: "kubectl get deploy --watch-only -o name")),
"#;
    let steps = r#"
    (at: "2s", exec: (on: "node/m", cmd: "kubectl get deploy web -w")),
    (at: "4s", exec: (on: "node/m", cmd: "kubectl scale deploy/web --replicas=1")),
"#;
    let trace = trace_of(&cluster("6s", early, steps));
    let lines = |cmd: &str| -> Vec<String> {
        let exec = trace
            .lines()
            .find(|l| l.ends_with(&format!("$ {cmd}")))
            .expect("ran");
        let actor = exec.split_whitespace().nth(1).unwrap().to_string();
        trace
            .lines()
            .filter(|l| l.split_whitespace().nth(1) == Some(actor.as_str()))
            .filter(|l| !l.contains(" exec "))
            .map(|l| l.trim_start().to_string())
            .collect()
    };
    assert_eq!(
        lines("kubectl get pods -w").join("\n"),
        "1.100000  node/m/kubectl[2001]      stdout     | NAME                   READY   STATUS    RESTARTS   AGE
1.100000  node/m/kubectl[2001]      stdout     | web-5b9997796b-hjjbj   0/1     Pending   0          0s
1.100000  node/m/kubectl[2001]      stdout     | web-5b9997796b-hfj6q   0/1     Pending   0          0s
1.100000  node/m/kubectl[2001]      stdout     | web-5b9997796b-hfj6q   0/1     Pending   0          0s
1.100000  node/m/kubectl[2001]      stdout     | web-5b9997796b-hjjbj   0/1     Pending   0          0s
1.200200  node/m/kubectl[2001]      stdout     | web-5b9997796b-hfj6q   1/1     Running   0          0s
1.200200  node/m/kubectl[2001]      stdout     | web-5b9997796b-hjjbj   1/1     Running   0          0s
4.100000  node/m/kubectl[2001]      stdout     | web-5b9997796b-hfj6q   1/1     Running   0          3s
6.000000  node/m/kubectl[2001]      log        kubectl's watch of pods in namespace default ended with the run (it was still watching)"
    );
    let only = lines("kubectl get deploy --watch-only -o name");
    assert!(
        only.iter()
            .filter(|l| l.contains("stdout"))
            .all(|l| l.ends_with("| deployment.apps/web")),
        "{only:#?}"
    );
    assert_eq!(
        lines("kubectl get deploy web -w").join("\n"),
        "2.000000  node/m/kubectl[2007]      stdout     | NAME   READY   UP-TO-DATE   AVAILABLE   AGE
2.000000  node/m/kubectl[2007]      stdout     | web    2/2     2            2           1s
4.100000  node/m/kubectl[2007]      stdout     | web    2/1     2            2           3s
4.100000  node/m/kubectl[2007]      stdout     | web    1/1     1            1           3s
6.000000  node/m/kubectl[2007]      log        kubectl's watch of deployment.apps/web ended with the run (it was still watching)"
    );
    // The run still ends at its end time: the watches keep nothing pending.
    assert!(trace.ends_with("reached the end time; expectations: 0 held, 0 failed\n"));
}
