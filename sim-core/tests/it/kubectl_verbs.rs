//! kubectl's verbs that change objects (`label`, `annotate`, `patch`, `edit`) in the small
//! cluster of `kubectl_get`, their whole outputs compared with what kubectl 1.28 prints,
//! and the changes' effects on the cluster (Endpoints, controllers, kube-proxy) checked
//! through `get` afterwards. Commands run a tenth of a second apart, so each sees the
//! one before done.

use super::kubectl_get::{cluster, failed, ok, printed, trace_of};

/// One step per command on the master, from 3s, 100ms apart.
fn steps(cmds: &[&str]) -> String {
    cmds.iter()
        .enumerate()
        .map(|(i, c)| {
            format!(
                "(at: \"{}ms\", exec: (on: \"node/m\", cmd: {c:?})),\n",
                3000 + 100 * i
            )
        })
        .collect()
}

/// `label` and `annotate`: by name, `TYPE/NAME`, `-l`; `--overwrite` and its error;
/// `key-` (and a key that is not there); NotFound; and the effect of relabelling a pod
/// out of its Service's and ReplicaSet's selector: it leaves the Endpoints, and the
/// ReplicaSet makes another pod, which takes its place there.
#[test]
fn label_and_annotate() {
    let cmds = [
        "kubectl label pods -l app=web unhealthy=true",
        "kubectl label deploy web app=other",
        "kubectl label deploy/web tier=front",
        "kubectl label deploy/web tier=back tier2=x --overwrite",
        "kubectl label deploy web tier- tier2-",
        "kubectl label svc web tier=front tier-",
        "kubectl label pod nope a=b",
        "kubectl label svc web nothere-",
        "kubectl label svc web a=b=c",
        "kubectl label svc web",
        "kubectl label svc a=b",
        "kubectl annotate svc web description='my svc'",
        "kubectl annotate svc web description=x",
        "kubectl get svc web -o jsonpath={.metadata.annotations}",
        "kubectl label pod web-5b9997796b-hfj6q app=debug --overwrite",
        "kubectl describe svc web",
        "kubectl get pods --show-labels",
        "kubectl get ep web",
    ];
    // The last two a second after the relabelling, when the new pod runs.
    let (now, later) = cmds.split_at(cmds.len() - 2);
    let later: String = later
        .iter()
        .map(|c| format!("(at: \"6s\", exec: (on: \"node/m\", cmd: {c:?})),\n"))
        .collect();
    let trace = trace_of(&cluster("7s", "", &(steps(now) + &later)));
    let out = |i: usize| printed(&trace, cmds[i]);
    assert_eq!(
        out(0),
        ok("pod/web-5b9997796b-hfj6q labeled\npod/web-5b9997796b-hjjbj labeled\n")
    );
    assert_eq!(
        out(1),
        failed("error: 'app' already has a value (web), and --overwrite is false\n")
    );
    assert_eq!(out(2), ok("deployment.apps/web labeled\n"));
    assert_eq!(out(3), ok("deployment.apps/web labeled\n"));
    assert_eq!(out(4), ok("deployment.apps/web unlabeled\n"));
    assert_eq!(
        out(5),
        failed("error: can not both modify and remove a label in the same command\n")
    );
    assert_eq!(
        out(6),
        failed("Error from server (NotFound): pods \"nope\" not found\n")
    );
    assert_eq!(
        out(7),
        ok("label \"nothere\" not found.\nservice/web not labeled\n")
    );
    assert_eq!(out(8), failed("error: invalid label spec: a=b=c\n"));
    assert_eq!(
        out(9),
        failed("error: at least one label update is required\n")
    );
    assert_eq!(
        out(10),
        failed("error: resource(s) were provided, but no name was specified\n")
    );
    assert_eq!(out(11), ok("service/web annotated\n"));
    assert_eq!(
        out(12),
        failed(
            "error: --overwrite is false but found the following declared annotation(s): 'description' already has a value (my svc)\n"
        )
    );
    assert_eq!(out(13), ok("{\"description\":\"my svc\"}\n"));
    assert_eq!(out(14), ok("pod/web-5b9997796b-hfj6q labeled\n"));
    // describe shows the annotation (kubectl's printAnnotationsMultiline).
    let (described, ..) = out(15);
    assert!(
        described.contains("\nAnnotations:              description: my svc\n"),
        "{described}"
    );
    // The relabelled pod stays (released by its ReplicaSet), a new one replaces it.
    assert_eq!(
        out(16),
        ok("NAME                   READY   STATUS    RESTARTS   AGE   LABELS
web-5b9997796b-hfj6q   1/1     Running   0          5s    app=debug,pod-template-hash=5b9997796b,unhealthy=true
web-5b9997796b-hjjbj   1/1     Running   0          5s    app=web,pod-template-hash=5b9997796b,unhealthy=true
web-5b9997796b-z57mj   1/1     Running   0          1s    app=web,pod-template-hash=5b9997796b
")
    );
    // 172.17.0.2 (the relabelled pod) left the Service; the new pod (.5) joined it.
    assert_eq!(
        out(17),
        ok("NAME   ENDPOINTS                     AGE\nweb    172.17.0.3:80,172.17.0.5:80   5s\n")
    );
}

/// `patch`: strategic (JSON and YAML), merge and json patches; `(no change)`; the
/// apiserver's validation; a json patch that does not apply; NotFound; a bad `--type`;
/// and a Service patched to another port and selector: kube-proxy and the Endpoints
/// follow.
#[test]
fn patch() {
    let cmds = [
        "kubectl patch deploy web -p '{\"spec\":{\"replicas\":3}}'",
        "kubectl patch deployment/web -p '{\"spec\":{\"replicas\":3}}'",
        "kubectl patch deploy web -p 'spec: {replicas: -1}'",
        "kubectl patch svc web --type json -p '[{\"op\":\"remove\",\"path\":\"/metadata/labels/x\"}]'",
        "kubectl patch svc web --type json -p '[{\"op\":\"replace\",\"path\":\"/spec/ports/0/port\",\"value\":8080}]'",
        "kubectl patch svc web --type merge -p '{\"spec\":{\"selector\":{\"app\":\"none\"}}}'",
        "kubectl patch pod nope -p '{}'",
        "kubectl patch deploy web --type=foo -p '{}'",
        "kubectl patch deploy web",
        "kubectl get deploy,svc,ep",
    ];
    let trace = trace_of(&cluster("5s", "", &steps(&cmds)));
    let out = |i: usize| printed(&trace, cmds[i]);
    assert_eq!(out(0), ok("deployment.apps/web patched\n"));
    assert_eq!(out(1), ok("deployment.apps/web patched (no change)\n"));
    assert_eq!(
        out(2),
        failed(
            "The Deployment \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n"
        )
    );
    assert_eq!(
        out(3),
        failed(
            "The request is invalid: remove operation does not apply: doc is missing path: \"/metadata/labels/x\": missing value\n"
        )
    );
    assert_eq!(out(4), ok("service/web patched\n"));
    assert_eq!(out(5), ok("service/web patched\n"));
    assert_eq!(
        out(6),
        failed("Error from server (NotFound): pods \"nope\" not found\n")
    );
    assert_eq!(
        out(7),
        failed("error: --type must be one of [json merge strategic], not \"foo\"\n")
    );
    assert_eq!(
        out(8),
        failed(
            "error: must specify --patch or --patch-file containing the contents of the patch\n"
        )
    );
    let (got, ..) = out(9);
    assert!(got.contains("deployment.apps/web   3/3"), "{got}");
    assert!(got.contains("8080:31948/TCP"), "{got}");
    // No pod has app=none: the Service has no endpoints left.
    assert!(got.contains("endpoints/web          <none>"), "{got}");
}

/// `edit` with a sed `KUBE_EDITOR` on a Deployment: edited; an edit that changes
/// nothing; an editor the simulator cannot run; an invalid edit, which kubectl keeps in
/// a file whose header says why (shown with `cat`).
#[test]
fn edit() {
    let cmds = [
        "KUBE_EDITOR='sed -i \"s/replicas: 2/replicas: 1/\"' kubectl edit deploy web",
        "KUBE_EDITOR='sed -i \"s/replicas: 2/replicas: 1/\"' kubectl edit deploy/web",
        "KUBE_EDITOR='sed -i s/replicas:.3/replicas:/' kubectl edit deploy web",
        "KUBE_EDITOR='sed -i \"s/replicas: 1/replicas: -4/\"' kubectl edit deploy web",
        "cat /tmp/kubectl-edit-deployment-web.yaml",
        "kubectl edit deploy web",
        "kubectl get deploy web",
    ];
    let trace = trace_of(&cluster("5s", "", &steps(&cmds)));
    let out = |i: usize| printed(&trace, cmds[i]);
    assert_eq!(out(0), ok("deployment.apps/web edited\n"));
    assert_eq!(
        out(1),
        (
            String::new(),
            "Edit cancelled, no changes made.\n".into(),
            Some(0)
        )
    );
    assert_eq!(
        out(2),
        failed(
            "error: KUBE_EDITOR=\"sed -i s/replicas:.3/replicas:/\": the simulator's editor is `sed -i 's/OLD/NEW/[g]'` (OLD a literal string)\n"
        )
    );
    assert_eq!(
        out(3),
        failed(
            "error: deployments.apps \"web\" is invalid\nA copy of your changes has been stored to \"/tmp/kubectl-edit-deployment-web.yaml\"\nerror: Edit cancelled, no valid changes were saved.\n"
        )
    );
    let (file, ..) = out(4);
    assert!(
        file.starts_with("# Please edit the object below. Lines beginning with a '#' will be ignored,\n# and an empty file will abort the edit. If an error occurs while saving this file will be\n# reopened with the relevant failures.\n#\n# deployments.apps \"web\" was not valid:\n# * spec.replicas: Invalid value: -4: must be greater than or equal to 0\n#\napiVersion: apps/v1\nkind: Deployment\n"),
        "{file}"
    );
    assert!(
        out(5)
            .1
            .starts_with("error: the simulator runs no interactive editor")
    );
    assert!(out(6).0.contains("web    1/1"), "{:?}", out(6));
}

/// `wait`: for a condition (a pod's Ready, a Deployment's Available), for a JSONPath
/// value, for deletion, with `-l`; started before the objects are ready, it returns when
/// they are, in simulated time; its errors and its timeout in kubectl's words.
#[test]
fn wait() {
    let early = [
        "kubectl wait --for=condition=Available deployment/web --timeout=10s",
        "kubectl wait --for=condition=Ready pods -l app=db -n team",
    ];
    let cmds = [
        "kubectl wait --for=jsonpath={.status.phase}=Running pod -l app=web",
        "kubectl wait --for=condition=Ready=false pod/web-5b9997796b-hfj6q --timeout=1s",
        "kubectl wait --for=delete pod/web-5b9997796b-hjjbj --timeout=1m",
        "kubectl delete pod web-5b9997796b-hjjbj",
        "kubectl wait --for=condition=Ready pod/nope",
        "kubectl wait --for=delete pod/nope",
        "kubectl wait --for=condition=Ready pod -l app=nothing",
        "kubectl wait --for=ready pod/x",
        "kubectl wait pod/x",
    ];
    // The first two at 1.5s, after the Deployment's create: its pods are not ready yet.
    let first: String = early
        .iter()
        .map(|c| format!("(at: \"1500ms\", exec: (on: \"node/m\", cmd: {c:?})),\n"))
        .collect();
    let trace = trace_of(&cluster("6s", "", &(first + &steps(&cmds))));
    assert_eq!(
        printed(&trace, early[0]),
        ok("deployment.apps/web condition met\n")
    );
    assert_eq!(
        printed(&trace, early[1]),
        ok("pod/db-nmc6t condition met\n")
    );
    // The pod created at 1.5s was not ready then: the wait ran until it was (its status at 1.7s).
    let actor = trace
        .lines()
        .find(|l| l.ends_with(&format!("$ {}", early[1])))
        .and_then(|l| l.split_whitespace().nth(1))
        .expect("the wait ran")
        .to_string();
    let ends: Vec<&str> = trace
        .lines()
        .filter(|l| l.split_whitespace().nth(1) == Some(&actor))
        .filter(|l| {
            l.split_whitespace()
                .nth(2)
                .is_some_and(|k| k == "exec" || k == "exit")
        })
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(ends, vec!["1.500000", "1.700200"]);
    let out = |i: usize| printed(&trace, cmds[i]);
    assert_eq!(
        out(0),
        ok("pod/web-5b9997796b-hfj6q condition met\npod/web-5b9997796b-hjjbj condition met\n")
    );
    assert_eq!(
        out(1),
        failed("error: timed out waiting for the condition on pods/web-5b9997796b-hfj6q\n")
    );
    assert_eq!(out(2), ok("pod/web-5b9997796b-hjjbj condition met\n"));
    assert_eq!(
        out(4),
        failed("Error from server (NotFound): pods \"nope\" not found\n")
    );
    assert_eq!(out(5), ok(""));
    assert_eq!(out(6), failed("error: no matching resources found\n"));
    assert_eq!(out(7), failed("error: unrecognized condition: \"ready\"\n"));
    assert_eq!(out(8), failed("error: --for must be set\n"));
}

/// `delete`: several names, `TYPE/NAME`, `-l` (the full selector grammar), `--all`,
/// `--ignore-not-found` (implied by `-l`), `--force --grace-period=0`, `--now`; errors in
/// kubectl's words and statuses; and kubectl's wait for a Terminating namespace to go.
#[test]
fn delete() {
    let cmds = [
        "kubectl delete svc web nope",
        "kubectl delete pod nope --ignore-not-found",
        "kubectl delete pods -l 'app in (none)'",
        "kubectl delete pods --all -n team --force --grace-period=0",
        "kubectl delete rc/db -n team",
        "kubectl delete deploy web --now --grace-period=3",
        "kubectl delete deploy web --force --grace-period=3",
        "kubectl delete deploy -l app=web --all",
        "kubectl delete deploy",
        "kubectl delete deploy web --now",
        "kubectl delete ns team",
        "kubectl delete ns default --wait=false",
        "kubectl delete foo x",
    ];
    let trace = trace_of(&cluster("7s", "", &steps(&cmds)));
    let out = |i: usize| printed(&trace, cmds[i]);
    assert_eq!(
        out(0),
        (
            "service \"web\" deleted\n".into(),
            "Error from server (NotFound): services \"nope\" not found\n".into(),
            Some(1)
        )
    );
    assert_eq!(out(1), ok(""));
    assert_eq!(out(2), ok("No resources found\n"));
    assert_eq!(out(4), ok("replicationcontroller \"db\" deleted\n"));
    assert_eq!(
        out(3),
        (
            "pod \"db-nmc6t\" force deleted\n".into(),
            "Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n".into(),
            Some(0)
        )
    );
    assert_eq!(
        out(5),
        failed("error: --now and --grace-period cannot be specified together\n")
    );
    assert_eq!(
        out(6),
        failed("error: --force and --grace-period greater than 0 cannot be specified together\n")
    );
    assert_eq!(
        out(7),
        failed("error: cannot set --all and --selector at the same time\n")
    );
    assert_eq!(
        out(8),
        failed("error: resource(s) were provided, but no name was specified\n")
    );
    assert_eq!(out(9), ok("deployment.apps \"web\" deleted\n"));
    assert_eq!(out(10), ok("namespace \"team\" deleted\n"));
    // kubectl waited for the namespace to go: its exit comes after the namespace
    // controller's second, not with the answer.
    let exit = trace
        .lines()
        .filter(|l| l.contains("kubectl[") && l.contains(" exit "))
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|w| {
            trace
                .lines()
                .any(|l| l.contains(w[1]) && l.ends_with(&format!("$ {}", cmds[10])))
        })
        .expect("the delete ended")[0]
        .to_string();
    // The namespace controller removes it at 5s; the watch tells kubectl 100ms later.
    assert_eq!(exit, "5.100000");
    assert_eq!(
        out(11),
        failed(
            "Error from server (Forbidden): namespaces \"default\" is forbidden: this namespace may not be deleted\n"
        )
    );
    assert_eq!(
        out(12),
        failed("error: the server doesn't have a resource type \"foo\"\n")
    );
}

/// `run` (a Pod labelled `run=NAME`; `--expose` adds its Service, printed first; args
/// after `--`), `expose` (selector and ports from the object), their errors; and the
/// Service works: its Endpoints hold the pod.
#[test]
fn run_and_expose() {
    let cmds = [
        "kubectl run nginx --image=nginx --port=80 --expose --env=A=1 -- httpd -f -p 80",
        "kubectl run box --image=busybox --restart=Never --labels=app=box,tier=x",
        "kubectl run bad --image=nginx --restart=Sometimes",
        "kubectl run noimage",
        "kubectl run x --image=nginx --expose",
        "kubectl run -it shell --image=busybox --rm",
        "kubectl expose deployment web --name=web2 --port=8080 --target-port=80 --type=NodePort",
        "kubectl expose rc db -n team --port=6379",
        "kubectl expose pod box",
        "kubectl expose svc nope",
        "kubectl get svc -A",
        "kubectl get ep nginx",
        "kubectl get pod nginx -o jsonpath={.metadata.labels}",
    ];
    let trace = trace_of(&cluster("5s", "", &steps(&cmds)));
    let out = |i: usize| printed(&trace, cmds[i]);
    assert_eq!(out(0), ok("service/nginx created\npod/nginx created\n"));
    assert_eq!(out(1), ok("pod/box created\n"));
    assert_eq!(
        out(2),
        failed(
            "error: invalid restart policy: Sometimes, valid values are: Always, OnFailure, Never\n"
        )
    );
    assert_eq!(out(3), failed("error: --image is required\n"));
    assert_eq!(
        out(4),
        failed(
            "error: --port must be set when exposing a service\nSee 'kubectl run -h' for help and examples\n"
        )
    );
    assert!(out(5).1.starts_with(
        "error: kubectl run -it attaches to the container, which needs the interactive shell"
    ));
    assert_eq!(out(6), ok("service/web2 exposed\n"));
    assert_eq!(out(7), ok("service/db exposed\n"));
    assert_eq!(
        out(8),
        failed("error: couldn't find port via --port flag or introspection\n")
    );
    assert_eq!(
        out(9),
        failed("Error from server (NotFound): services \"nope\" not found\n")
    );
    assert_eq!(
        out(10),
        ok("NAMESPACE   NAME         TYPE        CLUSTER-IP      EXTERNAL-IP   PORT(S)          AGE
default     kubernetes   ClusterIP   10.96.0.1       <none>        443/TCP          4s
default     nginx        ClusterIP   10.98.169.1     <none>        80/TCP           1s
default     web          NodePort    10.97.76.29     <none>        80:31948/TCP     3s
default     web2         NodePort    10.105.194.57   <none>        8080:32568/TCP   0s
team        db           ClusterIP   10.102.245.75   <none>        6379/TCP         0s
")
    );
    let (ep, ..) = out(11);
    assert!(
        ep.contains(":80"),
        "the run's pod is behind its Service: {ep}"
    );
    assert_eq!(out(12), ok("{\"run\":\"nginx\"}\n"));
}

/// kubectl 1.5's `run`: a Deployment (`deployment "nginx" created`), a Pod with
/// `--restart=Never`, a Job with `--restart=OnFailure`; `expose` prints `service "x" exposed`; `wait` did not exist.
#[test]
fn run_in_1_5() {
    let src = r#"Scenario(name: "run-1.5", seed: 1, until: "4s",
  cluster: (
    nodes: [(name: "m", ip: "10.0.0.1/24"), (name: "w", ip: "10.0.0.2/24", docker: ())],
    etcd: "m",
    kubernetes: (master: "m", version: "1.5"),
  ),
  steps: [
    (at: "1s", exec: (on: "node/m", cmd: "kubectl run nginx --image=nginx --port=80 --expose")),
    (at: "1s", exec: (on: "node/m", cmd: "kubectl run once --image=busybox --restart=Never")),
    (at: "1s", exec: (on: "node/m", cmd: "kubectl run job1 --image=busybox --restart=OnFailure -- echo hi")),
    (at: "2s", exec: (on: "node/m", cmd: "kubectl expose deployment nginx --name=nginx2")),
    (at: "2s", exec: (on: "node/m", cmd: "kubectl wait --for=delete pod/once")),
    (at: "3s", exec: (on: "node/m", cmd: "kubectl get deploy,pods")),
  ])"#;
    let trace = trace_of(src);
    assert_eq!(
        printed(&trace, "kubectl run nginx --image=nginx --port=80 --expose"),
        ok("service \"nginx\" created\ndeployment \"nginx\" created\n")
    );
    assert_eq!(
        printed(&trace, "kubectl run once --image=busybox --restart=Never"),
        ok("pod \"once\" created\n")
    );
    assert_eq!(
        printed(
            &trace,
            "kubectl run job1 --image=busybox --restart=OnFailure -- echo hi"
        ),
        ok("job \"job1\" created\n")
    );
    assert_eq!(
        printed(&trace, "kubectl expose deployment nginx --name=nginx2"),
        ok("service \"nginx2\" exposed\n")
    );
    assert_eq!(
        printed(&trace, "kubectl wait --for=delete pod/once"),
        failed(
            "Error: unknown command \"wait\" for \"kubectl\"\nRun 'kubectl --help' for usage.\n"
        )
    );
    let (got, ..) = printed(&trace, "kubectl get deploy,pods");
    assert!(got.contains("deploy/nginx"), "{got}");
}

/// A Service's type patched: NodePort to ClusterIP drops its node port (the apiserver's
/// dropTypeDependentFields, not a validation error) and kube-proxy its NodePort rule;
/// back to NodePort allocates a new one.
#[test]
fn patch_a_services_type() {
    let cmds = [
        "kubectl patch svc web -p '{\"spec\":{\"type\":\"ClusterIP\"}}'",
        "kubectl get svc web -o jsonpath={.spec.type}{.spec.ports[0].nodePort}",
    ];
    let later = [
        "iptables-save -t nat",
        "kubectl patch svc web --type=merge -p '{\"spec\":{\"type\":\"NodePort\"}}'",
        "kubectl get svc web",
    ];
    let at = |t: &str, on: &str, c: &str| {
        format!("(at: \"{t}\", exec: (on: \"node/{on}\", cmd: {c:?})),\n")
    };
    let s = steps(&cmds)
        + &at("5s", "w", later[0])
        + &at("5s", "m", later[1])
        + &at("5.5s", "m", later[2]);
    let trace = trace_of(&cluster("6s", "", &s));
    assert_eq!(printed(&trace, cmds[0]), ok("service/web patched\n"));
    assert_eq!(printed(&trace, cmds[1]), ok("ClusterIP\n"));
    let (rules, ..) = printed(&trace, later[0]);
    assert!(rules.contains("default/web:http cluster IP"), "{rules}");
    assert!(!rules.contains("-A KUBE-NODEPORTS"), "{rules}");
    assert_eq!(printed(&trace, later[1]), ok("service/web patched\n"));
    let (svc, ..) = printed(&trace, later[2]);
    assert!(svc.contains("NodePort") && svc.contains("80:3"), "{svc}");
}
