//! The workload controllers as a cluster runs them: a Deployment's rollouts (RollingUpdate
//! and Recreate, revisions, the old ReplicaSets it keeps), in both eras' words.

use crate::kubectl::{printed, run_text};

/// A master and one docker node of Kubernetes `version`, with `manifests` (RON entries)
/// and `steps`, run until `until`.
fn scenario(version: &str, until: &str, manifests: &str, steps: &str) -> String {
    format!(
        r#"Scenario(
    name: "t",
    seed: 1,
    until: "{until}",
    cluster: (
        nodes: [
            (name: "master01", ip: "10.181.24.110/17"),
            (name: "node01", ip: "10.181.13.57/17", docker: ()),
        ],
        etcd: "master01",
        kubernetes: (master: "master01", version: "{version}"),
        manifests: [{manifests}],
    ),
    steps: [{steps}],
)"#
    )
}

/// A one-node cluster of `version` with a Deployment `web` written three times (images
/// `v1`, `v2`, `v3`) with `spec` under its `spec:`, and `steps`.
fn cluster(version: &str, api: &str, spec: &str, steps: &str) -> String {
    let file = |tag: &str| {
        format!(
            r#"(path: "/root/web-{tag}.yaml", yaml: "
apiVersion: {api}
kind: Deployment
metadata: {{name: web}}
spec:
{spec}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers: [{{name: web, image: 'nginx:{tag}', command: [httpd, -f, -p, '80']}}]
"),"#
        )
    };
    let files = format!("{}{}{}", file("v1"), file("v2"), file("v3"));
    scenario(version, "40s", &files, steps)
}

/// The deployment controller's lines in the trace, in order, with their times.
fn controller_lines(trace: &str) -> Vec<String> {
    trace
        .lines()
        .filter_map(|l| l.split_once("log        deployment-controller: "))
        .map(|(head, msg)| format!("{} {msg}", head.split_whitespace().next().unwrap_or("")))
        .collect()
}

/// The replica set names in a trace, oldest first (`web-<hash>`), from the controller's
/// lines.
fn sets(lines: &[String]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for l in lines {
        for w in l.split_whitespace() {
            if w.starts_with("web-") && !names.iter().any(|n| n == w) {
                names.push(w.to_string());
            }
        }
    }
    names
}

/// RollingUpdate with 25%/25% of 4 replicas: surge 1, unavailable 1. The controller adds
/// one new pod and takes one old away at once (4 + 1 pods at most, 3 available at
/// least), then follows the new pods as they become ready (rolling.go's arithmetic,
/// worked by hand for each step); the events say from how many (today's wording).
#[test]
fn a_rolling_update_keeps_within_surge_and_unavailable() {
    let src = cluster(
        "1.28",
        "apps/v1",
        "  replicas: 4",
        r#"
        (at: "1s", exec: (on: "node/master01", cmd: "kubectl apply -f /root/web-v1.yaml")),
        (at: "5s", exec: (on: "node/master01", cmd: "kubectl apply -f /root/web-v2.yaml")),
        (at: "10s", exec: (on: "node/master01", cmd: "kubectl get deploy web")),
        (at: "10s", exec: (on: "node/master01", cmd: "kubectl get rs")),
        "#,
    );
    let trace = run_text(&src);
    let lines = controller_lines(&trace);
    let s = sets(&lines);
    assert_eq!(s.len(), 2, "{lines:#?}");
    let (old, new) = (&s[0], &s[1]);
    let msgs: Vec<&str> = lines.iter().map(|l| l.split_once(' ').unwrap().1).collect();
    assert_eq!(
        msgs,
        [
            format!("Scaled up replica set {old} to 4"),
            format!("Scaled up replica set {new} to 1"),
            format!("Scaled down replica set {old} to 3 from 4"),
            format!("Scaled up replica set {new} to 2 from 1"),
            // Both new pods ready: 5 pods, 3 must stay available, so 2 old ones go.
            format!("Scaled down replica set {old} to 1 from 3"),
            format!("Scaled up replica set {new} to 4 from 2"),
            format!("Scaled down replica set {old} to 0 from 1"),
        ],
        "{lines:#?}"
    );
    let (out, _) = printed(&trace, "kubectl get deploy web", "stdout");
    assert_eq!(
        out[1].split_whitespace().collect::<Vec<_>>()[1..4],
        ["4/4", "4", "4"]
    );
    let (out, _) = printed(&trace, "kubectl get rs", "stdout");
    assert_eq!(out.len(), 3, "{out:?}: the old ReplicaSet is kept at 0");
    assert!(
        out.iter()
            .any(|l| l.starts_with(old.as_str()) && l.contains(" 0 ")),
        "{out:?}"
    );
}

/// Recreate: every old pod goes first; the new ReplicaSet is made only when none is left.
/// With `revisionHistoryLimit: 1`, the third template leaves one old ReplicaSet, and the
/// Deployment's revision is 3. 1.5's events say no "from".
#[test]
fn recreate_then_history_limit() {
    for (version, api, from) in [
        ("1.28", "apps/v1", true),
        ("1.5", "extensions/v1beta1", false),
    ] {
        let src = cluster(
            version,
            api,
            "  replicas: 2\n  revisionHistoryLimit: 1\n  strategy: {type: Recreate}",
            r#"
        (at: "1s", exec: (on: "node/master01", cmd: "kubectl apply -f /root/web-v1.yaml")),
        (at: "5s", exec: (on: "node/master01", cmd: "kubectl apply -f /root/web-v2.yaml")),
        (at: "10s", exec: (on: "node/master01", cmd: "kubectl apply -f /root/web-v3.yaml")),
        (at: "15s", exec: (on: "node/master01", cmd: "kubectl get rs")),
        "#,
        );
        let trace = run_text(&src);
        let lines = controller_lines(&trace);
        let s = sets(&lines);
        assert_eq!(s.len(), 3, "{lines:#?}");
        let down = |rs: &str| {
            if from {
                format!("Scaled down replica set {rs} to 0 from 2")
            } else {
                format!("Scaled down replica set {rs} to 0")
            }
        };
        let msgs: Vec<&str> = lines.iter().map(|l| l.split_once(' ').unwrap().1).collect();
        assert_eq!(
            msgs,
            [
                format!("Scaled up replica set {} to 2", s[0]),
                down(&s[0]),
                format!("Scaled up replica set {} to 2", s[1]),
                down(&s[1]),
                format!("Scaled up replica set {} to 2", s[2]),
                format!(
                    "deleting old replica set {} (revision history limit 1)",
                    s[0]
                ),
            ],
            "{version}: {lines:#?}"
        );
        // The scale-down and the new set's scale-up happen at one instant: the old pods
        // are deleted at once (no grace period), so none overlaps a new one.
        let at = |i: usize| lines[i].split_once(' ').unwrap().0.to_string();
        assert_eq!(at(1), at(2), "{lines:#?}");
        let (out, _) = printed(&trace, "kubectl get rs", "stdout");
        assert_eq!(out.len(), 3, "{version}: {out:?}");
        assert!(!out.iter().any(|l| l.contains(s[0].as_str())), "{out:?}");
    }
}

/// `set image`, `rollout status` (its lines as the rollout goes, then done), `rollout
/// history` (a revision per template, CHANGE-CAUSE from the manifest's annotation),
/// `rollout undo` (back to the previous template: its ReplicaSet becomes revision 3) and
/// `--to-revision`, `rollout restart` (a new template by its restartedAt annotation), and
/// their errors, as kubectl 1.28 prints them.
#[test]
fn rollout_verbs_today() {
    let src = cluster(
        "1.28",
        "apps/v1",
        "  replicas: 2",
        r#"
        (at: "1s", exec: (on: "node/master01", cmd: "kubectl apply -f /root/web-v1.yaml")),
        (at: "5s", exec: (on: "node/master01", cmd: "kubectl set image deployment/web web=nginx:v2")),
        (at: "5s", exec: (on: "node/master01", cmd: "kubectl rollout status deployment/web")),
        (at: "8s", exec: (on: "node/master01", cmd: "kubectl rollout history deploy/web")),
        (at: "9s", exec: (on: "node/master01", cmd: "kubectl rollout undo deployment/web")),
        (at: "12s", exec: (on: "node/master01", cmd: "kubectl rollout history deployment web")),
        (at: "12s", exec: (on: "node/master01", cmd: "kubectl get deploy web -o jsonpath={.spec.template.spec.containers[0].image}")),
        (at: "13s", exec: (on: "node/master01", cmd: "kubectl rollout undo deployment/web --to-revision=3")),
        (at: "13s", exec: (on: "node/master01", cmd: "kubectl rollout undo deployment/web --to-revision=7")),
        (at: "14s", exec: (on: "node/master01", cmd: "kubectl rollout restart deployment/web")),
        (at: "16s", exec: (on: "node/master01", cmd: "kubectl rollout status deployment/web")),
        (at: "16s", exec: (on: "node/master01", cmd: "kubectl get deploy web -o jsonpath={.spec.template.metadata.annotations}")),
        (at: "17s", exec: (on: "node/master01", cmd: "kubectl set image deployment/web nosuch=nginx:v9")),
        (at: "17s", exec: (on: "node/master01", cmd: "kubectl rollout status deployment/nosuch")),
        (at: "17s", exec: (on: "node/master01", cmd: "kubectl rollout status svc/web")),
        "#,
    );
    let trace = run_text(&src);
    let out = |cmd: &str| printed(&trace, cmd, "stdout");
    let err = |cmd: &str| printed(&trace, cmd, "stderr");
    let ok = Some("exit status 0".to_string());
    let failed = Some("exit status 1".to_string());
    assert_eq!(
        out("kubectl set image deployment/web web=nginx:v2"),
        (
            vec!["deployment.apps/web image updated".to_string()],
            ok.clone()
        )
    );
    // The first line is the state the watch starts from; each change of the Deployment
    // prints a line until the rollout is done.
    let (lines, exit) = out("kubectl rollout status deployment/web");
    assert_eq!(exit, ok);
    // 2 replicas at 25%: surge 1, unavailable 0. The watch starts after the new
    // ReplicaSet's first pod was made; a line per change of the Deployment, repeated when
    // the counts it prints did not change (as kubectl prints them).
    let waiting = |s: &str| format!("Waiting for deployment \"web\" rollout to finish: {s}...");
    assert_eq!(
        lines,
        [
            waiting("1 out of 2 new replicas have been updated"),
            waiting("1 out of 2 new replicas have been updated"),
            waiting("1 out of 2 new replicas have been updated"),
            waiting("1 old replicas are pending termination"),
            waiting("1 old replicas are pending termination"),
            "deployment \"web\" successfully rolled out".to_string(),
        ]
    );
    assert_eq!(
        lines.last().map(String::as_str),
        Some("deployment \"web\" successfully rolled out"),
        "{lines:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("1 out of 2 new replicas have been updated")
                || l.contains("old replicas are pending termination")),
        "{lines:#?}"
    );
    assert_eq!(
        out("kubectl rollout history deploy/web"),
        (
            // (kubectl's name line ends in a space; the trace's lines are trimmed:
            // rollout.rs's unit test checks the bytes.)
            [
                "deployment.apps/web",
                "REVISION  CHANGE-CAUSE",
                "1         <none>",
                "2         <none>",
                ""
            ]
            .map(String::from)
            .to_vec(),
            ok.clone()
        )
    );
    assert_eq!(
        out("kubectl rollout undo deployment/web"),
        (
            vec!["deployment.apps/web rolled back".to_string()],
            ok.clone()
        )
    );
    // Revision 1's ReplicaSet is revision 3 now.
    assert_eq!(
        out("kubectl rollout history deployment web").0[2..4],
        ["2         <none>", "3         <none>"]
    );
    assert_eq!(
        out("kubectl get deploy web -o jsonpath={.spec.template.spec.containers[0].image}").0,
        ["nginx:v1"]
    );
    assert_eq!(
        out("kubectl rollout undo deployment/web --to-revision=3"),
        (
            vec!["deployment.apps/web skipped rollback (current template already matches revision 3)".to_string()],
            ok.clone()
        )
    );
    assert_eq!(
        err("kubectl rollout undo deployment/web --to-revision=7"),
        (
            vec!["error: unable to find specified revision 7 in history".to_string()],
            failed.clone()
        )
    );
    assert_eq!(
        out("kubectl rollout restart deployment/web"),
        (
            vec!["deployment.apps/web restarted".to_string()],
            ok.clone()
        )
    );
    assert_eq!(
        out("kubectl get deploy web -o jsonpath={.spec.template.metadata.annotations}").0,
        [r#"{"kubectl.kubernetes.io/restartedAt":"2017-10-18T15:00:14Z"}"#]
    );
    assert_eq!(
        err("kubectl set image deployment/web nosuch=nginx:v9"),
        (
            vec!["error: unable to find container named \"nosuch\"".to_string()],
            failed.clone()
        )
    );
    assert_eq!(
        err("kubectl rollout status deployment/nosuch"),
        (
            vec!["Error from server (NotFound): deployments.apps \"nosuch\" not found".to_string()],
            failed.clone()
        )
    );
    assert_eq!(err("kubectl rollout status svc/web").1, failed);
}

/// `rollout pause` and `resume` (objectpauser.go's words): a paused Deployment keeps its
/// ReplicaSet when its template changes (no new one until it is resumed) but still scales;
/// `rollout status` waits on it, describe says DeploymentPaused; once resumed the changed
/// template rolls out. Before spec.paused was simulated the new ReplicaSet came at once.
#[test]
fn a_paused_deployment_scales_but_does_not_roll() {
    let src = cluster(
        "1.28",
        "apps/v1",
        "  replicas: 2",
        r#"
        (at: "1s", exec: (on: "node/master01", cmd: "kubectl apply -f /root/web-v1.yaml")),
        (at: "5s", exec: (on: "node/master01", cmd: "kubectl rollout pause deployment/web")),
        (at: "6s", exec: (on: "node/master01", cmd: "kubectl rollout pause deploy web")),
        (at: "6s", exec: (on: "node/master01", cmd: "kubectl set image deployment/web web=nginx:v2")),
        (at: "7s", exec: (on: "node/master01", cmd: "kubectl scale deployment/web --replicas=3")),
        (at: "10s", exec: (on: "node/master01", cmd: "kubectl rollout status deployment/web --watch=false")),
        (at: "10s", exec: (on: "node/master01", cmd: "kubectl get deploy web -o jsonpath={.spec.paused}")),
        (at: "10s", exec: (on: "node/master01", cmd: "kubectl describe deployment web")),
        (at: "11s", exec: (on: "node/master01", cmd: "kubectl rollout resume deployment/web")),
        (at: "12s", exec: (on: "node/master01", cmd: "kubectl rollout resume deploy/web")),
        (at: "20s", exec: (on: "node/master01", cmd: "kubectl rollout status deployment/web")),
        (at: "20s", exec: (on: "node/master01", cmd: "kubectl describe deploy web")),
        "#,
    );
    let trace = run_text(&src);
    let out = |cmd: &str| printed(&trace, cmd, "stdout");
    let err = |cmd: &str| printed(&trace, cmd, "stderr");
    let ok = Some("exit status 0".to_string());
    let failed = Some("exit status 1".to_string());
    assert_eq!(
        out("kubectl rollout pause deployment/web"),
        (vec!["deployment.apps/web paused".to_string()], ok.clone())
    );
    assert_eq!(
        err("kubectl rollout pause deploy web"),
        (
            vec!["error: deployments.apps \"web\" is already paused".to_string()],
            failed.clone()
        )
    );
    let lines = controller_lines(&trace);
    let s = sets(&lines);
    assert_eq!(s.len(), 2, "{lines:#?}");
    let (old, new) = (&s[0], &s[1]);
    // While paused: the old ReplicaSet scaled to 3, no new one; after resume at 11 s the
    // new template rolls.
    assert!(lines[0].ends_with(&format!(" Scaled up replica set {old} to 2")));
    assert!(
        lines[1].starts_with("7.")
            && lines[1].ends_with(&format!(" Scaled up replica set {old} to 3 from 2")),
        "{lines:#?}"
    );
    assert!(
        lines[2].starts_with("11.")
            && lines[2].contains(&format!("Scaled up replica set {new} to 1")),
        "{lines:#?}"
    );
    assert_eq!(
        out("kubectl rollout status deployment/web --watch=false").0,
        [
            "Waiting for deployment \"web\" rollout to finish: 0 out of 3 new replicas have been updated..."
        ]
    );
    assert_eq!(
        out("kubectl get deploy web -o jsonpath={.spec.paused}").0,
        ["true"]
    );
    let (d, _) = out("kubectl describe deployment web");
    assert!(
        d.iter().any(|l| l.split_whitespace().collect::<Vec<_>>()
            == ["Progressing", "Unknown", "DeploymentPaused"]),
        "{d:#?}"
    );
    assert_eq!(
        out("kubectl rollout resume deployment/web").0,
        ["deployment.apps/web resumed"]
    );
    assert_eq!(
        err("kubectl rollout resume deploy/web"),
        (
            vec!["error: deployments.apps \"web\" is not paused".to_string()],
            failed
        )
    );
    let (status, exit) = out("kubectl rollout status deployment/web");
    assert_eq!(exit, ok);
    assert_eq!(
        status.last().map(String::as_str),
        Some("deployment \"web\" successfully rolled out")
    );
    let (d, _) = out("kubectl describe deploy web");
    assert!(
        d.iter().any(|l| l.split_whitespace().collect::<Vec<_>>()
            == ["Progressing", "True", "NewReplicaSetAvailable"]),
        "{d:#?}"
    );
}

/// `rollout status --timeout`: a paused rollout never finishes, so the wait ends with
/// `error: timed out waiting for the condition` and status 1 after the timeout (in
/// simulated time); kubectl 1.5 had no such flag.
#[test]
fn rollout_status_times_out() {
    let steps = r#"
        (at: "1s", exec: (on: "node/master01", cmd: "kubectl apply -f /root/web-v1.yaml")),
        (at: "5s", exec: (on: "node/master01", cmd: "kubectl rollout pause deployment/web")),
        (at: "6s", exec: (on: "node/master01", cmd: "kubectl set image deployment/web web=nginx:v2")),
        (at: "7s", exec: (on: "node/master01", cmd: "kubectl rollout status deployment/web --timeout=5s")),
        "#;
    let trace = run_text(&cluster("1.28", "apps/v1", "  replicas: 2", steps));
    let (err, exit) = printed(
        &trace,
        "kubectl rollout status deployment/web --timeout=5s",
        "stderr",
    );
    assert_eq!(err, ["error: timed out waiting for the condition"]);
    assert_eq!(exit.as_deref(), Some("exit status 1"));
    let ended = trace
        .lines()
        .find(|l| l.contains(" exit ") && l.contains("exit status 1"))
        .expect("an exit");
    assert!(
        ended.trim_start().starts_with("12."),
        "five seconds after 7 s: {ended}"
    );
    let trace = run_text(&cluster(
        "1.5",
        "extensions/v1beta1",
        "  replicas: 2",
        r#"(at: "3s", exec: (on: "node/master01", cmd: "kubectl rollout status deployment/web --timeout=5s")),"#,
    ));
    assert_eq!(
        printed(
            &trace,
            "kubectl rollout status deployment/web --timeout=5s",
            "stderr"
        )
        .0[0],
        "error: unknown flag: --timeout"
    );
}

/// kubectl 1.5's forms: `deployment "web" image updated`, the waiting lines without the
/// Deployment's name, the history under `deployments "web"` with tab padding, and no
/// `rollout restart` (it came in 1.15).
#[test]
fn rollout_verbs_in_1_5() {
    let src = cluster(
        "1.5",
        "extensions/v1beta1",
        "  replicas: 2",
        r#"
        (at: "1s", exec: (on: "node/master01", cmd: "kubectl apply -f /root/web-v1.yaml")),
        (at: "5s", exec: (on: "node/master01", cmd: "kubectl set image deployment/web web=nginx:v2")),
        (at: "5s", exec: (on: "node/master01", cmd: "kubectl rollout status deployment/web")),
        (at: "8s", exec: (on: "node/master01", cmd: "kubectl rollout history deployment/web")),
        (at: "9s", exec: (on: "node/master01", cmd: "kubectl rollout undo deployment/web")),
        (at: "10s", exec: (on: "node/master01", cmd: "kubectl rollout restart deployment/web")),
        (at: "11s", exec: (on: "node/master01", cmd: "kubectl rollout pause deployment/web")),
        (at: "12s", exec: (on: "node/master01", cmd: "kubectl rollout pause deploy/web")),
        "#,
    );
    let trace = run_text(&src);
    let out = |cmd: &str| printed(&trace, cmd, "stdout");
    assert_eq!(
        out("kubectl set image deployment/web web=nginx:v2").0,
        ["deployment \"web\" image updated"]
    );
    let (lines, _) = out("kubectl rollout status deployment/web");
    // extensions/v1beta1's 1 and 1: both new pods are made at once.
    assert_eq!(
        lines,
        [
            "Waiting for rollout to finish: 1 old replicas are pending termination...",
            "Waiting for rollout to finish: 1 old replicas are pending termination...",
            "deployment \"web\" successfully rolled out",
        ]
    );
    assert_eq!(
        lines.last().map(String::as_str),
        Some("deployment \"web\" successfully rolled out")
    );
    assert_eq!(
        out("kubectl rollout history deployment/web").0,
        [
            "deployments \"web\"",
            "REVISION\tCHANGE-CAUSE",
            "1\t\t<none>",
            "2\t\t<none>"
        ]
    );
    assert_eq!(
        out("kubectl rollout undo deployment/web").0,
        ["deployment \"web\" rolled back"]
    );
    assert_eq!(
        printed(&trace, "kubectl rollout restart deployment/web", "stderr").0[0],
        "Error: unknown command \"restart\" for \"kubectl rollout\""
    );
    // 1.5's PrintSuccess and its pause error (the resource without its group).
    assert_eq!(
        out("kubectl rollout pause deployment/web").0,
        ["deployment \"web\" paused"]
    );
    assert_eq!(
        printed(&trace, "kubectl rollout pause deploy/web", "stderr").0,
        ["error: deployments \"web\" is already paused"]
    );
}

/// A one-node cluster of `version` running the StatefulSet `web` (3 replicas, `policy`
/// as its podManagementPolicy) written in `api`, and `steps`.
fn stateful(version: &str, api: &str, policy: &str, steps: &str) -> String {
    let file = format!(
        r#"(path: "/root/web.yaml", yaml: "
apiVersion: {api}
kind: StatefulSet
metadata: {{name: web}}
spec:
  serviceName: web
  replicas: 3
  podManagementPolicy: {policy}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers: [{{name: web, image: 'nginx:v1', command: [httpd, -f, -p, '80']}}]
")"#
    );
    scenario(version, "30s", &file, steps)
}

/// The statefulset controller's lines, with their times.
fn stateful_lines(trace: &str) -> Vec<(String, String)> {
    trace
        .lines()
        .filter_map(|l| l.split_once("log        statefulset-controller: "))
        .map(|(head, msg)| {
            (
                head.split_whitespace().next().unwrap_or("").to_string(),
                msg.to_string(),
            )
        })
        .collect()
}

/// `rollout restart sts/web` (objectrestarter.go): the template gets
/// `kubectl.kubernetes.io/restartedAt` at the simulated time, so the controller replaces
/// each pod, highest ordinal first, and `rollout status` follows it to the end.
#[test]
fn a_statefulset_restarts() {
    let steps = r#"
        (at: "1s", exec: (on: "node/master01", cmd: "kubectl apply -f /root/web.yaml")),
        (at: "6s", exec: (on: "node/master01", cmd: "kubectl rollout restart sts/web")),
        (at: "6s", exec: (on: "node/master01", cmd: "kubectl rollout status sts/web")),
        (at: "20s", exec: (on: "node/master01", cmd: "kubectl get sts web -o jsonpath={.spec.template.metadata.annotations}")),
    "#;
    let trace = run_text(&stateful("1.28", "apps/v1", "OrderedReady", steps));
    assert_eq!(
        printed(&trace, "kubectl rollout restart sts/web", "stdout").0,
        ["statefulset.apps/web restarted"]
    );
    let deleted: Vec<String> = stateful_lines(&trace)
        .into_iter()
        .filter(|(_, m)| m.starts_with("delete "))
        .map(|(_, m)| m)
        .collect();
    assert_eq!(
        deleted,
        [
            "delete Pod web-2 in StatefulSet web successful",
            "delete Pod web-1 in StatefulSet web successful",
            "delete Pod web-0 in StatefulSet web successful",
        ]
    );
    let (status, exit) = printed(&trace, "kubectl rollout status sts/web", "stdout");
    assert_eq!(exit.as_deref(), Some("exit status 0"));
    assert_eq!(
        status.last().map(String::as_str),
        Some("partitioned roll out complete: 3 new pods have been updated...")
    );
    assert_eq!(
        printed(
            &trace,
            "kubectl get sts web -o jsonpath={.spec.template.metadata.annotations}",
            "stdout"
        )
        .0,
        [r#"{"kubectl.kubernetes.io/restartedAt":"2017-10-18T15:00:06Z"}"#]
    );
}

/// OrderedReady makes web-1 only after web-0 is ready (a later instant); Parallel makes
/// all three at once. Either way a deleted pod comes back under its name, and scaling
/// down removes the highest ordinals first.
#[test]
fn stateful_pods_in_order_or_in_parallel() {
    let steps = r#"
        (at: "1s", exec: (on: "node/master01", cmd: "kubectl apply -f /root/web.yaml")),
        (at: "5s", exec: (on: "node/master01", cmd: "kubectl delete pod web-1")),
        (at: "8s", exec: (on: "node/master01", cmd: "kubectl scale sts web --replicas=1")),
        (at: "9s", exec: (on: "node/master01", cmd: "kubectl get pods")),
    "#;
    for (policy, same_instant) in [("OrderedReady", false), ("Parallel", true)] {
        let trace = run_text(&stateful("1.28", "apps/v1", policy, steps));
        let lines = stateful_lines(&trace);
        let msgs: Vec<&str> = lines.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "create Pod web-0 in StatefulSet web successful",
                "create Pod web-1 in StatefulSet web successful",
                "create Pod web-2 in StatefulSet web successful",
                "create Pod web-1 in StatefulSet web successful",
                "delete Pod web-2 in StatefulSet web successful",
                "delete Pod web-1 in StatefulSet web successful",
            ],
            "{policy}"
        );
        assert_eq!(
            lines[0].0 == lines[1].0,
            same_instant,
            "{policy}: {lines:?}"
        );
        assert_eq!(
            lines[1].0 == lines[2].0,
            same_instant,
            "{policy}: {lines:?}"
        );
        let (out, _) = printed(&trace, "kubectl get pods", "stdout");
        assert_eq!(out.len(), 2, "{out:?}");
        assert!(out[1].starts_with("web-0 "), "{out:?}");
    }
}

/// Kubernetes 1.5 (apps/v1beta1): `get statefulsets` shows DESIRED and CURRENT; the pods
/// have no pod-index label; a new image does not touch the running pods (1.5's
/// StatefulSets had no update strategy).
#[test]
fn stateful_sets_in_1_5() {
    let steps = r#"
        (at: "1s", exec: (on: "node/master01", cmd: "kubectl apply -f /root/web.yaml")),
        (at: "5s", exec: (on: "node/master01", cmd: "kubectl get statefulsets")),
        (at: "5s", exec: (on: "node/master01", cmd: "kubectl get pods --show-labels")),
        (at: "6s", exec: (on: "node/master01", cmd: "kubectl set image statefulset/web web=nginx:v2")),
    "#;
    let trace = run_text(&stateful("1.5", "apps/v1beta1", "OrderedReady", steps));
    let (out, _) = printed(&trace, "kubectl get statefulsets", "stdout");
    let words: Vec<Vec<&str>> = out.iter().map(|l| l.split_whitespace().collect()).collect();
    assert_eq!(words[0], ["NAME", "DESIRED", "CURRENT", "AGE"]);
    assert_eq!(words[1][..3], ["web", "3", "3"]);
    let (out, _) = printed(&trace, "kubectl get pods --show-labels", "stdout");
    assert!(
        out[1].contains(",controller-revision-hash=web-")
            && out[1].ends_with(",statefulset.kubernetes.io/pod-name=web-0"),
        "{out:?}"
    );
    assert!(!out.iter().any(|l| l.contains("pod-index")), "{out:?}");
    assert_eq!(
        printed(
            &trace,
            "kubectl set image statefulset/web web=nginx:v2",
            "stdout"
        )
        .0,
        ["statefulset \"web\" image updated"]
    );
    assert!(
        !stateful_lines(&trace)
            .iter()
            .any(|(_, m)| m.starts_with("delete")),
        "{trace}"
    );
}

/// A one-node cluster of `version` with the Jobs `/root/jobs.yaml` holds (batch/v1 in
/// every release) and `/root/always.yaml`'s invalid one, and `steps`.
fn jobs(version: &str, steps: &str) -> String {
    let files = r#"(path: "/root/jobs.yaml", yaml: "
apiVersion: batch/v1
kind: Job
metadata: {name: pi}
spec:
  completions: 3
  parallelism: 2
  template:
    spec:
      restartPolicy: Never
      containers: [{name: pi, image: busybox, command: [sleep, '2']}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: bad}
spec:
  backoffLimit: 2
  template:
    spec:
      restartPolicy: Never
      containers: [{name: bad, image: busybox, command: [sh, -c, 'exit 1']}]
"), (path: "/root/deadline.yaml", yaml: "
apiVersion: batch/v1
kind: Job
metadata: {name: slow}
spec:
  activeDeadlineSeconds: 3
  template:
    spec:
      restartPolicy: OnFailure
      containers: [{name: slow, image: busybox, command: [sleep, '100']}]
"), (path: "/root/always.yaml", yaml: "
apiVersion: batch/v1
kind: Job
metadata: {name: always}
spec:
  template:
    spec:
      containers: [{name: c, image: busybox, command: [sleep, '1']}]
")"#;
    scenario(version, "60s", files, steps)
}

/// Completions 3 at parallelism 2: two pods, then the third as one succeeds, then
/// Complete (its event, condition and completion time; `kubectl wait` returns); the pods
/// stay, `Completed`. backoffLimit 2: the third failed pod makes it Failed with
/// BackoffLimitExceeded, each retry after the back-off (10 s, then 20 s). restartPolicy Always is the apiserver's refusal. Job pods carry
/// the Job's labels, today also under batch.kubernetes.io/.
#[test]
fn jobs_complete_or_fail() {
    let steps = r#"
        (at: "1s", exec: (on: "node/master01", cmd: "kubectl apply -f /root/jobs.yaml")),
        (at: "1s", exec: (on: "node/master01", cmd: "kubectl apply -f /root/always.yaml")),
        (at: "1s", exec: (on: "node/master01", cmd: "kubectl apply -f /root/deadline.yaml")),
        (at: "1s", exec: (on: "node/master01", cmd: "kubectl wait --for=condition=complete job/pi --timeout=60s")),
        (at: "2s", exec: (on: "node/master01", cmd: "kubectl get jobs")),
        (at: "20s", exec: (on: "node/master01", cmd: "kubectl get job")),
        (at: "20s", exec: (on: "node/master01", cmd: "kubectl get pods -l job-name=pi")),
        (at: "20s", exec: (on: "node/master01", cmd: "kubectl get pods -l job-name=pi --show-labels")),
        (at: "20s", exec: (on: "node/master01", cmd: "kubectl get job slow -o jsonpath={.status.conditions[0].reason}")),
        (at: "40s", exec: (on: "node/master01", cmd: "kubectl get job bad -o jsonpath={.status.conditions[0].reason}")),
    "#;
    let trace = run_text(&jobs("1.28", steps));
    let out = |cmd: &str| printed(&trace, cmd, "stdout");
    let lines: Vec<&str> = trace
        .lines()
        .filter_map(|l| l.split_once("log        job-controller: ").map(|x| x.1))
        .collect();
    let pi: Vec<&&str> = lines
        .iter()
        .filter(|l| l.contains("(Job default/pi)") || l.contains("default/pi:"))
        .collect();
    assert_eq!(pi.len(), 4, "{lines:#?}");
    assert!(
        pi[..3].iter().all(|l| l.starts_with("Created pod: pi-")),
        "{pi:?}"
    );
    assert_eq!(*pi[3], "default/pi: Job completed");
    let bad: Vec<&&str> = lines
        .iter()
        .filter(|l| l.contains("(Job default/bad)") || l.contains("default/bad:"))
        .collect();
    assert_eq!(bad.len(), 4, "{lines:#?}");
    assert_eq!(
        *bad[3],
        "default/bad: Job has reached the specified backoff limit"
    );
    // The retries wait 10 s, then 20 s, after the failure they follow.
    let created: Vec<f64> = trace
        .lines()
        .filter(|l| l.contains("job-controller: Created pod: bad-"))
        .filter_map(|l| l.split_whitespace().next()?.parse().ok())
        .collect();
    assert_eq!(created.len(), 3, "{created:?}");
    assert!(
        (10.0..10.5).contains(&(created[1] - created[0])),
        "{created:?}"
    );
    assert!(
        (20.0..20.5).contains(&(created[2] - created[1])),
        "{created:?}"
    );
    assert_eq!(
        printed(&trace, "kubectl apply -f /root/always.yaml", "stderr").0,
        [
            "The Job \"always\" is invalid: spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\""
        ]
    );
    assert_eq!(
        out("kubectl wait --for=condition=complete job/pi --timeout=60s"),
        (
            vec!["job.batch/pi condition met".to_string()],
            Some("exit status 0".to_string())
        )
    );
    let table = |cmd: &str| -> Vec<Vec<String>> {
        let (o, _) = out(cmd);
        o.iter()
            .map(|l| l.split_whitespace().map(String::from).collect())
            .collect()
    };
    let first = table("kubectl get jobs");
    assert_eq!(first[0], ["NAME", "COMPLETIONS", "DURATION", "AGE"]);
    assert_eq!(first[1], ["bad", "0/1", "1s", "1s"]);
    assert_eq!(first[2], ["pi", "0/3", "1s", "1s"]);
    // Finished: DURATION is from start to completion and stays.
    let last = table("kubectl get job");
    assert_eq!(last[1][..2], ["bad".to_string(), "0/1".to_string()]);
    assert_eq!(last[2], ["pi", "3/3", "4s", "19s"], "{last:?}");
    let (pods, _) = out("kubectl get pods -l job-name=pi");
    assert_eq!(pods.len(), 4, "{pods:?}");
    assert!(
        pods[1..].iter().all(|l| l.contains(" Completed ")),
        "{pods:?}"
    );
    assert_eq!(
        out("kubectl get job bad -o jsonpath={.status.conditions[0].reason}").0,
        ["BackoffLimitExceeded"]
    );
    // activeDeadlineSeconds: 3 s after it started, its pod is deleted and it Failed.
    assert_eq!(
        out("kubectl get job slow -o jsonpath={.status.conditions[0].reason}").0,
        ["DeadlineExceeded"]
    );
    assert!(
        lines.iter().any(|l| l.starts_with("Deleted pod: slow-")
            && l.ends_with("(Job default/slow: DeadlineExceeded)")),
        "{lines:#?}"
    );
    let (labelled, _) = out("kubectl get pods -l job-name=pi --show-labels");
    assert!(
        labelled[1].contains("batch.kubernetes.io/job-name=pi")
            && labelled[1].contains(",controller-uid=")
            && labelled[1].ends_with(",job-name=pi"),
        "{labelled:?}"
    );
}

/// Kubernetes 1.5: `get jobs` is `NAME DESIRED SUCCESSFUL AGE`, the pods have no
/// batch.kubernetes.io labels; `describe job` counts the pods' statuses.
#[test]
fn jobs_in_1_5() {
    let steps = r#"
        (at: "1s", exec: (on: "node/master01", cmd: "kubectl create -f /root/jobs.yaml")),
        (at: "20s", exec: (on: "node/master01", cmd: "kubectl get jobs")),
        (at: "20s", exec: (on: "node/master01", cmd: "kubectl get pods --show-labels")),
        (at: "20s", exec: (on: "node/master01", cmd: "kubectl describe job pi")),
    "#;
    let trace = run_text(&jobs("1.5", steps));
    let (out, _) = printed(&trace, "kubectl get jobs", "stdout");
    let words: Vec<Vec<&str>> = out.iter().map(|l| l.split_whitespace().collect()).collect();
    assert_eq!(words[0], ["NAME", "DESIRED", "SUCCESSFUL", "AGE"]);
    assert_eq!(words[1][..3], ["bad", "1", "0"]);
    assert_eq!(words[2][..3], ["pi", "3", "3"]);
    let (pods, _) = printed(&trace, "kubectl get pods --show-labels", "stdout");
    assert!(
        !pods.iter().any(|l| l.contains("batch.kubernetes.io")),
        "{pods:?}"
    );
    assert!(pods.iter().any(|l| l.ends_with(",job-name=pi")), "{pods:?}");
    let (d, _) = printed(&trace, "kubectl describe job pi", "stdout");
    assert!(
        d.iter()
            .any(|l| l == "Pods Statuses:\t0 Running / 3 Succeeded / 0 Failed"),
        "{d:#?}"
    );
}
