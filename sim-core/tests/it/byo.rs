//! Bring your own YAML: manifest files beside a scenario (files, directories, globs,
//! inline text), checked when the scenario loads, and `kubectl create|apply|replace|delete
//! -f` on them as kubectl answers.

use std::path::{Path, PathBuf};

use sim_core::engine::{Dur, SimTime};
use sim_core::scenario::{LoadError, Scenario, run};

/// A fresh directory for one test's scenario and manifest files.
fn dir(test: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("sim-byo-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A one-node kubeadm cluster at `version` whose `manifests` are `manifests`.
fn scenario(version: &str, manifests: &str) -> String {
    format!(
        r#"Scenario(name: "byo", seed: 1, until: "20s",
  cluster: (
    nodes: [(name: "m", ip: "10.0.0.1/24"), (name: "n", ip: "10.0.0.2/24", docker: ())],
    etcd: "m",
    kubernetes: (master: "m", version: "{version}", service_cidr: "10.96.0.0/12"),
    manifests: [{manifests}],
  ),
)"#
    )
}

/// Loads `src` as `dir/s.ron`, naming it `s.ron` in diagnostics' paths relative to it.
fn load(dir: &Path, src: &str) -> Result<Scenario, Vec<String>> {
    write(dir, "s.ron", src);
    Scenario::load(&dir.join("s.ron")).map_err(|e| match e {
        LoadError::Invalid(d) => d.iter().map(|d| d.to_string()).collect(),
        e => vec![e.to_string()],
    })
}

/// Diagnostics with the temporary directory cut from their file names.
fn problems(dir: &Path, src: &str) -> Vec<String> {
    let prefix = format!("{}/", dir.display());
    load(dir, src)
        .err()
        .unwrap_or_default()
        .into_iter()
        .map(|d| d.replace(&prefix, ""))
        .collect()
}

const WEB: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: busybox
        command: [httpd, -f, -p, \"80\"]
";

const SVC: &str = "apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - name: http
    port: 80
    targetPort: 80
";

#[test]
fn a_misspelled_field_stops_the_load_at_its_line_and_column() {
    let d = dir("misspelled");
    write(
        &d,
        "m/web.yaml",
        &WEB.replace("      containers:", "      contaners:"),
    );
    let p = problems(&d, &scenario("1.28", r#"(path: "/root/", file: "m/")"#));
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].starts_with("m/web.yaml:15:7: spec.template.spec.contaners: "),
        "{}",
        p[0]
    );
    assert!(p[0].contains("contaners"), "{}", p[0]);
}

#[test]
fn a_wrong_type_stops_the_load_with_the_field_path() {
    let d = dir("wrongtype");
    write(
        &d,
        "svc.yaml",
        &SVC.replace("    port: 80", "    port: eighty"),
    );
    let p = problems(
        &d,
        &scenario("1.28", r#"(path: "/root/svc.yaml", file: "svc.yaml")"#),
    );
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].starts_with("svc.yaml:10:11: spec.ports[0].port: "),
        "{}",
        p[0]
    );
}

#[test]
fn a_group_version_the_release_does_not_serve_is_refused() {
    let d = dir("served");
    write(
        &d,
        "web.yaml",
        &WEB.replace("apiVersion: apps/v1", "apiVersion: extensions/v1beta1"),
    );
    let p = problems(
        &d,
        &scenario("1.28", r#"(path: "/root/web.yaml", file: "web.yaml")"#),
    );
    assert_eq!(
        p,
        vec![
            "web.yaml:1:1: apiVersion: Kubernetes 1.28 serves no Deployment in \"extensions/v1beta1\" (kubectl: no matches for kind \"Deployment\" in version \"extensions/v1beta1\"); expected apiVersion apps/v1"
        ]
    );
    // 1.5 served it there, and not in apps/v1.
    assert!(
        load(
            &d,
            &scenario("1.5", r#"(path: "/root/web.yaml", file: "web.yaml")"#)
        )
        .is_ok()
    );
    write(&d, "web.yaml", WEB);
    let p = problems(
        &d,
        &scenario("1.5", r#"(path: "/root/web.yaml", file: "web.yaml")"#),
    );
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].contains("expected apiVersion extensions/v1beta1"),
        "{}",
        p[0]
    );
}

/// A field newer than the cluster's release is unknown to its API: on 1.5 a container's
/// startupProbe (1.16) and a Service's externalTrafficPolicy (1.7) stop the load at their
/// line and column, as unknown fields; on 1.28 the same files load.
#[test]
fn fields_newer_than_the_release_are_unknown_fields() {
    let d = dir("since");
    let web = WEB
        .replace("apiVersion: apps/v1", "apiVersion: extensions/v1beta1")
        .replace(
            "        image: busybox\n",
            "        image: busybox\n        startupProbe:\n          tcpSocket: {port: 80}\n",
        );
    write(&d, "web.yaml", &web);
    write(
        &d,
        "svc.yaml",
        &SVC.replace(
            "spec:\n",
            "spec:\n  externalTrafficPolicy: Local\n  type: NodePort\n",
        ),
    );
    let files =
        r#"(path: "/root/web.yaml", file: "web.yaml"), (path: "/root/svc.yaml", file: "svc.yaml")"#;
    let p = problems(&d, &scenario("1.5", files));
    assert_eq!(
        p,
        vec![
            "web.yaml:18:9: spec.template.spec.containers[0].startupProbe: unknown field \"startupProbe\" in Kubernetes 1.5 (the field came in 1.16)",
            "svc.yaml:6:3: spec.externalTrafficPolicy: unknown field \"externalTrafficPolicy\" in Kubernetes 1.5 (the field came in 1.7)",
        ]
    );
    write(
        &d,
        "web.yaml",
        &web.replace("apiVersion: extensions/v1beta1", "apiVersion: apps/v1"),
    );
    let p = problems(&d, &scenario("1.28", files));
    assert!(p.iter().all(|l| !l.contains("unknown field")), "{p:?}");
}

#[test]
fn fields_accepted_but_not_simulated_are_warned_about_once_per_object() {
    let d = dir("unmodelled");
    let text = WEB.replace(
        "        image: busybox\n",
        "        image: busybox\n        imagePullPolicy: Always\n        resources:\n          limits:\n            cpu: 100m\n",
    );
    write(&d, "web.yaml", &text);
    let s = load(
        &d,
        &scenario("1.28", r#"(path: "/root/web.yaml", file: "web.yaml")"#),
    )
    .unwrap();
    let w: Vec<String> = s
        .warnings
        .iter()
        .map(|w| {
            w.as_warning()
                .to_string()
                .replace(&format!("{}/", d.display()), "")
        })
        .collect();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].starts_with("web.yaml:"), "{}", w[0]);
    assert!(w[0].contains("accepted but not simulated yet"), "{}", w[0]);
    assert!(
        w[0].contains("spec.template.spec.containers[0].resources"),
        "{}",
        w[0]
    );
    assert!(
        w[0].contains("spec.template.spec.containers[0].imagePullPolicy"),
        "{}",
        w[0]
    );
}

#[test]
fn files_directories_globs_and_inline_text_are_placed_where_the_scenario_says() {
    let d = dir("place");
    write(&d, "a/web.yaml", WEB);
    write(&d, "a/sub/svc.yml", SVC);
    write(&d, "a/README.md", "not a manifest");
    write(&d, "b/one.yaml", SVC);
    write(&d, "b/two.yaml", SVC);
    let s = load(
        &d,
        &scenario(
            "1.28",
            r#"(path: "/etc/k8s/", file: "a"), (path: "/srv/", file: "b/*.yaml"), (path: "/root/ns.yaml", yaml: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n")"#,
        ),
    )
    .unwrap();
    let placed: Vec<&str> = s.manifests.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        placed,
        [
            "/etc/k8s/sub/svc.yml",
            "/etc/k8s/web.yaml",
            "/srv/one.yaml",
            "/srv/two.yaml",
            "/root/ns.yaml"
        ]
    );
    let p = problems(
        &d,
        &scenario("1.28", r#"(path: "/srv/", file: "c/*.yaml")"#),
    );
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].contains("`c/*.yaml` matches no file"), "{}", p[0]);
    let p = problems(
        &d,
        &scenario("1.28", r#"(path: "/srv/x.yaml", file: "nope.yaml")"#),
    );
    assert!(p[0].contains("cannot read `nope.yaml`"), "{}", p[0]);
    let p = problems(&d, &scenario("1.28", r#"(path: "/srv/x.yaml")"#));
    assert!(p[0].contains("exactly one of `file`"), "{}", p[0]);
    // An inline manifest's problem is reported at its field, with its own line.
    let p = problems(
        &d,
        &scenario(
            "1.28",
            r#"(path: "/root/ns.yaml", yaml: "apiVersion: v1\nkind: Namespace\nmetdata:\n  name: demo\n")"#,
        ),
    );
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].contains("cluster.manifests[0].yaml: line 3, column 1 of the manifest: "),
        "{}",
        p[0]
    );
}

/// Runs `cmds` on the master one second apart from 5 s, after `setup` ran at 2 s; returns
/// each (stdout, stderr, status).
fn run_cmds(s: &Scenario, cmds: &[&str]) -> Vec<(String, String, Option<i32>)> {
    cmds.iter()
        .enumerate()
        .map(|(i, cmd)| {
            let at = SimTime(Dur::from_secs(5 + i as u64).as_nanos());
            let out = run::exec(s, &Default::default(), at, 0, cmd);
            (out.stdout, out.stderr, out.exit)
        })
        .collect()
}

#[test]
fn kubectl_takes_files_directories_and_multi_document_files() {
    let d = dir("kubectl");
    write(&d, "app/web.yaml", WEB);
    write(&d, "app/svc.yaml", SVC);
    write(
        &d,
        "app/deep/ns.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n",
    );
    write(&d, "both.yaml", &format!("{WEB}---\n{SVC}"));
    write(&d, "empty.yaml", "# nothing yet\n---\n---\n");
    let s = load(
        &d,
        &scenario(
            "1.28",
            r#"(path: "/root/app/", file: "app"), (path: "/root/both.yaml", file: "both.yaml"), (path: "/root/empty.yaml", file: "empty.yaml")"#,
        ),
    )
    .unwrap();
    // Each run starts from the same cluster: every command is its own run at its time.
    let out = run_cmds(&s, &["kubectl create -f both.yaml"]);
    assert_eq!(
        out[0].0,
        "deployment.apps/web created\nservice/web created\n"
    );
    assert_eq!(out[0].2, Some(0));
    // A directory: its files in name order, not its subdirectories without -R.
    let out = run_cmds(&s, &["kubectl apply -f /root/app"]);
    assert_eq!(
        out[0].0,
        "service/web created\ndeployment.apps/web created\n"
    );
    let out = run_cmds(&s, &["kubectl apply -R -f /root/app/"]);
    assert_eq!(
        out[0].0,
        "namespace/demo created\nservice/web created\ndeployment.apps/web created\n"
    );
    // A file with no object in it: kubectl refuses to send nothing.
    let out = run_cmds(
        &s,
        &[
            "kubectl apply -f empty.yaml",
            "kubectl create -f empty.yaml",
        ],
    );
    assert_eq!(out[0].1, "error: no objects passed to apply\n");
    assert_eq!(out[0].2, Some(1));
    assert_eq!(out[1].1, "error: no objects passed to create\n");
    let out = run_cmds(&s, &["kubectl apply -f nothing.yaml"]);
    assert_eq!(
        out[0].1,
        "error: the path \"nothing.yaml\" does not exist\n"
    );
    assert_eq!(out[0].2, Some(1));
}

/// A scenario whose timeline runs `steps` (at 2 s, 3 s...) and then `cmd` at the end.
fn after(dir: &Path, files: &str, steps: &[&str], cmd: &str) -> (String, String, Option<i32>) {
    let n = steps.len() as u64;
    let steps: String = steps
        .iter()
        .enumerate()
        .map(|(i, c)| format!("(at: \"{}s\", exec: (on: \"node/m\", cmd: {c:?})),", i + 2))
        .collect();
    let src = scenario("1.28", files).replace("  ),\n)", &format!("  ),\n  steps: [{steps}],\n)"));
    let s = load(dir, &src).unwrap_or_else(|e| panic!("{e:?}"));
    let at = SimTime(Dur::from_secs(2 + n + 2).as_nanos());
    let out = run::exec(&s, &Default::default(), at, 0, cmd);
    assert!(out.started, "`{cmd}` did not start: {:?}", out.end);
    (out.stdout, out.stderr, out.exit)
}

#[test]
fn apply_says_created_unchanged_and_configured_and_delete_f_deletes_each() {
    let d = dir("apply");
    write(&d, "svc.yaml", SVC);
    write(&d, "svc2.yaml", &SVC.replace("app: web", "app: web2"));
    let files = r#"(path: "/root/svc.yaml", file: "svc.yaml"), (path: "/root/svc2.yaml", file: "svc2.yaml")"#;
    let (out, err, code) = after(
        &d,
        files,
        &["kubectl apply -f svc.yaml"],
        "kubectl apply -f svc.yaml",
    );
    assert_eq!(out, "service/web unchanged\n", "{err} {code:?}");
    let (out, ..) = after(
        &d,
        files,
        &["kubectl apply -f svc.yaml"],
        "kubectl apply -f svc2.yaml",
    );
    assert_eq!(out, "service/web configured\n");
    let (out, err, code) = after(&d, files, &[], "kubectl replace -f svc.yaml");
    assert_eq!((out.as_str(), code), ("", Some(1)));
    assert_eq!(
        err,
        "Error from server (NotFound): error when replacing \"svc.yaml\": services \"web\" not found\n"
    );
    let (out, ..) = after(
        &d,
        files,
        &["kubectl create -f svc.yaml"],
        "kubectl replace -f svc2.yaml",
    );
    assert_eq!(out, "service/web replaced\n");
    let (out, ..) = after(
        &d,
        files,
        &["kubectl create -f svc.yaml"],
        "kubectl delete -f svc.yaml",
    );
    assert_eq!(out, "service \"web\" deleted\n");
    let (_, err, code) = after(
        &d,
        files,
        &["kubectl create -f svc.yaml"],
        "kubectl create -f svc.yaml",
    );
    assert_eq!(code, Some(1));
    assert_eq!(
        err,
        "Error from server (AlreadyExists): error when creating \"svc.yaml\": services \"web\" already exists\n"
    );
    // A namespace in the file that -n contradicts.
    write(
        &d,
        "ns.yaml",
        &SVC.replace("  name: web\n", "  name: web\n  namespace: team\n"),
    );
    let (_, err, code) = after(
        &d,
        r#"(path: "/root/ns.yaml", file: "ns.yaml")"#,
        &[],
        "kubectl create -n other -f ns.yaml",
    );
    assert_eq!(code, Some(1));
    assert_eq!(
        err,
        "error: the namespace from the provided object \"team\" does not match the namespace \"other\". You must pass '--namespace=team' to perform this operation.\n"
    );
}

/// A missing namespace: kubectl apply creates an object it does not find, so its error
/// says `creating` as create's does (apply.go); a ConfigMap over 1 MiB is refused by
/// ValidateConfigMap (`[]: Too long`).
#[test]
fn a_missing_namespace_and_a_too_large_configmap_in_kubectls_words() {
    let d = dir("wording");
    write(
        &d,
        "svc.yaml",
        &SVC.replace("  name: web\n", "  name: web\n  namespace: nosuch\n"),
    );
    let big = "x".repeat(1024 * 1024 + 1);
    write(
        &d,
        "cm.yaml",
        &format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  a: {big}\n"),
    );
    let files =
        r#"(path: "/root/svc.yaml", file: "svc.yaml"), (path: "/root/cm.yaml", file: "cm.yaml")"#;
    for verb in ["create", "apply"] {
        let (out, err, code) = after(&d, files, &[], &format!("kubectl {verb} -f svc.yaml"));
        assert_eq!((out.as_str(), code), ("", Some(1)), "{verb}");
        assert_eq!(
            err,
            "Error from server (NotFound): error when creating \"svc.yaml\": namespaces \"nosuch\" not found\n",
            "{verb}"
        );
    }
    let (_, err, code) = after(&d, files, &[], "kubectl create -f cm.yaml");
    assert_eq!(code, Some(1));
    assert_eq!(
        err,
        "The ConfigMap \"big\" is invalid: []: Too long: must have at most 1048576 bytes\n"
    );
}

#[test]
fn kubectl_1_5_answers_as_seed_004_shows() {
    let d = dir("classic");
    write(
        &d,
        "rc.yaml",
        "apiVersion: v1\nkind: ReplicationController\nmetadata:\n  name: redis-master\nspec:\n  replicas: 1\n  selector:\n    name: redis-master\n  template:\n    metadata:\n      labels:\n        name: redis-master\n    spec:\n      containers:\n      - name: master\n        image: kubeguide/redis-master\n",
    );
    let src = scenario("1.5", r#"(path: "/etc/k8s_yaml/rc.yaml", file: "rc.yaml")"#);
    let s = load(&d, &src).unwrap();
    let out = run_cmds(&s, &["kubectl create -f /etc/k8s_yaml/rc.yaml"]);
    assert_eq!(out[0].0, "replicationcontroller \"redis-master\" created\n");
}
