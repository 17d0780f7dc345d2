//! Secrets: stored as the apiserver stores them (`stringData` merged into base64 `data`,
//! `type` defaulted, the types' rules validated), listed and shown by kubectl in each
//! release's format, and read by pods (`secretKeyRef`, `envFrom`).

use sim_core::engine::{Dur, SimTime};
use sim_core::scenario::{Scenario, run};

/// A Secret with `data` and `stringData` (a key in both takes stringData's value).
const DB: &str = r#"(path: "/root/db.yaml", yaml: "
apiVersion: v1
kind: Secret
metadata: {name: db, labels: {app: db}}
data: {password: cGFzc3dvcmQ=, user: bm9ib2R5}
stringData: {user: admin}
")"#;

/// A two-node cluster at `version` with `manifests`, `setup` run on the master at 1 s;
/// each of `cmds` run there at 5+n s. Returns each command's (stdout, stderr, exit code).
fn cluster(
    version: &str,
    manifests: &str,
    setup: &[&str],
    cmds: &[&str],
) -> Vec<(String, String, i32)> {
    let steps: String = setup
        .iter()
        .map(|c| format!("(at: \"1s\", exec: (on: \"node/m\", cmd: \"{c}\")),\n"))
        .collect();
    let src = format!(
        r#"Scenario(name: "s", seed: 3, until: "30s",
  cluster: (
    nodes: [(name: "m", ip: "10.0.0.1/24"), (name: "n", ip: "10.0.0.2/24", gateway: "10.0.0.1", docker: ())],
    etcd: "m",
    kubernetes: (master: "m", version: "{version}", cluster_dns: "10.96.0.10"),
    manifests: [{manifests}],
  ),
  steps: [{steps}])"#
    );
    let s = Scenario::parse("s.ron", &src).unwrap_or_else(|e| panic!("{e}"));
    cmds.iter()
        .enumerate()
        .map(|(i, cmd)| {
            let at = SimTime(Dur::from_secs(5 + i as u64).as_nanos());
            let out = run::exec(&s, &Default::default(), at, 0, cmd);
            assert!(out.violations.is_empty(), "{version} `{cmd}`");
            (out.stdout, out.stderr, out.exit.unwrap_or(-1))
        })
        .collect()
}

/// `kubectl create -f` of a Secret: its line, `get`'s NAME TYPE DATA AGE in both
/// releases, `-o yaml` with base64 `data` and no `stringData`, and etcd's key.
#[test]
fn a_secret_is_stored_with_its_data_in_base64() {
    let cmds = [
        "kubectl get secrets",
        "kubectl get secret db -o yaml",
        "kubectl get secret db -o jsonpath={.data.user}",
    ];
    for version in ["1.5", "1.28"] {
        let out = cluster(version, DB, &["kubectl create -f /root/db.yaml"], &cmds);
        let want = if version == "1.5" {
            "NAME      TYPE      DATA      AGE\ndb        Opaque    2         4s\n"
        } else {
            "NAME   TYPE     DATA   AGE\ndb     Opaque   2      4s\n"
        };
        assert_eq!(out[0].0, want, "{version}");
        let yaml = &out[1].0;
        assert!(
            yaml.contains("data:\n  password: cGFzc3dvcmQ=\n  user: YWRtaW4=\n"),
            "{version}: {yaml}"
        );
        assert!(yaml.contains("kind: Secret\n"), "{yaml}");
        assert!(yaml.ends_with("type: Opaque\n"), "{yaml}");
        assert!(!yaml.contains("stringData"), "{yaml}");
        assert_eq!(out[2].0, "YWRtaW4=", "{version}");
    }
    let old = cluster(
        "1.5",
        DB,
        &["kubectl create -f /root/db.yaml"],
        &["etcdctl get /registry/secrets/default/db"],
    );
    assert!(
        old[0]
            .0
            .contains(r#""data":{"password":"cGFzc3dvcmQ=","user":"YWRtaW4="}"#),
        "{}",
        old[0].0
    );
    assert!(old[0].0.contains(r#""type":"Opaque""#), "{}", old[0].0);
}

/// describe (sizes, never values), label, annotate, delete, and `get all` without it,
/// as kubectl does.
#[test]
fn kubectl_describes_labels_and_deletes_a_secret() {
    let cmds = [
        "kubectl describe secret db",
        "kubectl label secret db tier=backend",
        "kubectl annotate secret db note=x",
        "kubectl get secret db --show-labels",
        "kubectl get all",
        "kubectl delete secret db",
        "kubectl get secret nope",
    ];
    let setup = [
        "kubectl create -f /root/db.yaml",
        "kubectl label secret db env=prod",
        "kubectl annotate secret db owner=ops",
    ];
    let new = cluster("1.28", DB, &setup, &cmds);
    assert_eq!(
        new[0].0,
        "Name:         db\nNamespace:    default\nLabels:       app=db\n              env=prod\nAnnotations:  owner: ops\n\nType:  Opaque\n\nData\n====\npassword:  8 bytes\nuser:      5 bytes\n"
    );
    assert_eq!(new[1].0, "secret/db labeled\n");
    assert_eq!(new[2].0, "secret/db annotated\n");
    assert!(new[3].0.contains("app=db,env=prod"), "{}", new[3].0);
    assert!(!new[4].0.contains("secret"), "{}", new[4].0);
    assert_eq!(new[5].0, "secret \"db\" deleted\n");
    assert_eq!(
        (new[6].1.as_str(), new[6].2),
        (
            "Error from server (NotFound): secrets \"nope\" not found\n",
            1
        )
    );
    let old = cluster("1.5", DB, &setup[..1], &cmds[..3]);
    assert_eq!(
        old[0].0,
        "Name:\t\tdb\nNamespace:\tdefault\nLabels:\t\tapp=db\nAnnotations:\t<none>\n\nType:\tOpaque\n\nData\n====\npassword:\t8 bytes\nuser:\t\t5 bytes\n"
    );
    assert_eq!(old[1].0, "secret \"db\" labeled\n");
    assert_eq!(old[2].0, "secret \"db\" annotated\n");
}

/// A pod taking variables from a Secret's key, a ConfigMap's keys under a prefix and a
/// Secret's keys (one not a valid variable name: `2fa`; `bad-key` is one), a declared
/// variable winning over envFrom's; one
/// whose Secret does not exist yet, one whose key is missing.
const ENV: &str = r#"(path: "/root/env.yaml", yaml: "
apiVersion: v1
kind: Secret
metadata: {name: db}
stringData: {password: s3cret, user: admin, MODE: from-secret, 2fa: x}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {level: debug, bad-key: x, MODE: from-config}
---
apiVersion: v1
kind: Pod
metadata: {name: env}
spec:
  containers:
  - name: app
    image: busybox
    command: [sleep, \"3600\"]
    envFrom:
    - {configMapRef: {name: cfg}, prefix: CFG_}
    - secretRef: {name: db}
    - {secretRef: {name: nothing, optional: true}}
    env:
    - {name: PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}
    - {name: EXTRA, valueFrom: {secretKeyRef: {name: db, key: extra, optional: true}}}
    - {name: MODE, value: declared}
"), (path: "/root/late.yaml", yaml: "
apiVersion: v1
kind: Pod
metadata: {name: late}
spec:
  containers:
  - name: app
    image: busybox
    command: [sleep, \"3600\"]
    env: [{name: TOKEN, valueFrom: {secretKeyRef: {name: later, key: token}}}]
"), (path: "/root/nokey.yaml", yaml: "
apiVersion: v1
kind: Pod
metadata: {name: nokey}
spec:
  containers:
  - name: app
    image: busybox
    command: [sleep, \"3600\"]
    envFrom: [{secretRef: {name: db}}]
    env: [{name: TOKEN, valueFrom: {secretKeyRef: {name: db, key: token}}}]
"), (path: "/root/later.yaml", yaml: "
apiVersion: v1
kind: Secret
metadata: {name: later}
data: {token: YWJjMTIz}
")"#;

/// kubelet resolves secretKeyRef (the value decoded) and envFrom (prefix, invalid names
/// skipped with its event, `env` winning) when it starts the container; a missing Secret
/// or key is CreateContainerConfigError in kubelet's words until it exists.
#[test]
fn pods_read_secrets_and_env_from() {
    use crate::pods::{cluster, printed, run_text};
    let src = format!(
        r#"Scenario(name: "env", seed: 3, until: "20s", {}
  steps: [
    (at: "1s", exec: (on: "node/master01", cmd: "kubectl create -f /root/env.yaml")),
    (at: "1s", exec: (on: "node/master01", cmd: "kubectl create -f /root/late.yaml")),
    (at: "1s", exec: (on: "node/master01", cmd: "kubectl create -f /root/nokey.yaml")),
    (at: "3s", exec: (on: "node/master01", cmd: "kubectl exec env -- env")),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl exec env -- printenv EXTRA", exit_code: 1)),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl get pod late", stdout_contains: "CreateContainerConfigError")),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl get pod late -o jsonpath={{.status.containerStatuses[0].state.waiting.message}}", stdout_contains: "secret \"later\" not found")),
    (at: "3s", expect: (on: "node/master01", cmd: "kubectl get pod nokey -o jsonpath={{.status.containerStatuses[0].state.waiting.message}}", stdout_contains: "couldn't find key token in Secret default/db")),
    (at: "3s", exec: (on: "node/master01", cmd: "kubectl describe pod env")),
    (at: "3s", exec: (on: "node/master01", cmd: "kubectl get pod env -o yaml")),
    (at: "4s", exec: (on: "node/master01", cmd: "kubectl create -f /root/later.yaml")),
    (at: "15s", expect: (on: "node/master01", cmd: "kubectl get pod late", stdout_contains: "Running")),
    (at: "15s", expect: (on: "node/master01", cmd: "kubectl exec late -- printenv TOKEN", stdout_contains: "abc123")),
  ])"#,
        cluster("1.28", ENV)
    );
    let trace = run_text(&src);
    let env = printed(&trace, "env", "stdout", 0);
    for want in [
        "CFG_level=debug",
        "CFG_bad-key=x",
        "CFG_MODE=from-config",
        "user=admin",
        "password=s3cret",
        "PASSWORD=s3cret",
        "MODE=declared",
    ] {
        assert!(env.iter().any(|l| l == want), "{want}: {env:?}");
    }
    assert!(!env.iter().any(|l| l.starts_with("2fa")), "{env:?}");
    assert!(!env.iter().any(|l| l.starts_with("EXTRA=")), "{env:?}");
    assert!(!env.iter().any(|l| l.contains("from-secret")), "{env:?}");
    let d = printed(&trace, "kubectl describe pod env", "stdout", 0).join("\n");
    for want in [
        "Environment Variables from:",
        "cfg ConfigMap with prefix 'CFG_' Optional: false",
        "db Secret Optional: false",
        "nothing Secret Optional: true",
        "PASSWORD: <set to the key 'password' in secret 'db'> Optional: false",
        "EXTRA: <set to the key 'extra' in secret 'db'> Optional: true",
        "MODE: declared",
    ] {
        assert!(
            d.lines()
                .any(|l| l.split_whitespace().eq(want.split_whitespace())),
            "{want}\n{d}"
        );
    }
    assert!(
        d.lines().any(|l| l.trim_start().starts_with("Warning  InvalidEnvironmentVariableNames  ")
            && l.ends_with("  kubelet            Keys [2fa] from the EnvFrom secret default/db were skipped since they are considered invalid environment variable names.")),
        "{d}"
    );
    let y = printed(&trace, "kubectl get pod env -o yaml", "stdout", 0).join("\n");
    assert!(
        y.contains("    envFrom:\n    - configMapRef:\n        name: cfg\n      prefix: CFG_\n    - secretRef:\n        name: db\n    - secretRef:\n        name: nothing\n        optional: true\n"),
        "{y}"
    );
}

/// `kubectl create secret generic` with literals: its line in each release, the Secret
/// it makes (base64 data, Opaque or --type), and kubectl's errors for bad literals.
#[test]
fn kubectl_create_secret_generic() {
    let setup = [
        "kubectl create secret generic app --from-literal=user=admin --from-literal=pw=s=3 -n kube-system",
    ];
    let cmds = [
        "kubectl create secret generic x --from-literal=a=1",
        "kubectl get secret app -n kube-system -o jsonpath={.type}/{.data.user}/{.data.pw}",
        "kubectl create secret generic x --from-literal=novalue",
        "kubectl create secret generic x --from-literal=a=1 --from-literal=a=2",
        "kubectl create secret generic --from-literal=a=1",
        "kubectl create secret generic x --type=kubernetes.io/tls --from-literal=tls.crt=c",
        "kubectl create secret generic x --from-literal=a%b=1",
        "kubectl create secret generic x --from-file=./key",
    ];
    let new = cluster("1.28", "", &setup, &cmds);
    assert_eq!(new[0].0, "secret/x created\n");
    assert_eq!(new[1].0, "Opaque/YWRtaW4=/cz0z");
    assert_eq!(
        (new[2].1.as_str(), new[2].2),
        (
            "error: invalid literal source novalue, expected key=value\n",
            1
        )
    );
    assert_eq!(
        new[3].1,
        "error: cannot add key a, another key by that name already exists in Data for Secret \"x\"\n"
    );
    assert_eq!(new[4].1, "error: exactly one NAME is required, got 0\n");
    assert_eq!(
        new[5].1,
        "error: failed to create secret Secret \"x\" is invalid: data[tls.key]: Required value\n"
    );
    assert!(new[6].1.starts_with("error: failed to create secret Secret \"x\" is invalid: data[a%b]: Invalid value: \"a%b\": a valid config key"), "{}", new[6].1);
    assert_eq!(
        new[7].1,
        "error: --from-file is not simulated; use --from-literal=KEY=VALUE\n"
    );
    let old = cluster("1.5", "", &[], &[cmds[0], cmds[5]]);
    assert_eq!(old[0].0, "secret \"x\" created\n");
    assert_eq!(
        old[1].1,
        "The Secret \"x\" is invalid: data[tls.key]: Required value\n"
    );
}

/// patch (JSON merge, and stringData merged by the apiserver) and edit keep a Secret's
/// data; a changed type is refused as immutable.
#[test]
fn kubectl_patches_and_edits_a_secret() {
    let setup = [
        "kubectl create -f /root/db.yaml",
        r#"kubectl patch secret db --type=merge -p '{\"stringData\":{\"extra\":\"x\"}}'"#,
    ];
    let cmds = [
        "kubectl get secret db -o jsonpath={.data.extra}/{.data.user}",
        r#"kubectl patch secret db --type=merge -p '{"type":"example.com/mine"}'"#,
        r#"kubectl patch secret db -p '{"data":{"more":"eQ=="}}'"#,
        r#"KUBE_EDITOR="sed -i s/YWRtaW4=/cm9vdA==/" kubectl edit secret db"#,
    ];
    let out = cluster("1.28", DB, &setup, &cmds);
    assert_eq!(out[0].0, "eA==/YWRtaW4=", "{out:?}");
    assert_eq!(
        out[1].1,
        "The Secret \"db\" is invalid: type: Invalid value: \"example.com/mine\": field is immutable\n",
        "{out:?}"
    );
    assert_eq!(out[2].0, "secret/db patched\n", "{out:?}");
    assert_eq!(out[3].0, "secret/db edited\n", "{out:?}");
}

/// envFrom came in 1.6: on a 1.5 cluster it is an unknown field at its line and column.
#[test]
fn env_from_is_unknown_to_1_5() {
    let src = format!(
        r#"Scenario(name: "env", seed: 3, until: "5s", {} steps: [])"#,
        crate::pods::cluster("1.5", ENV)
    );
    let e = match Scenario::parse("t.ron", &src) {
        Ok(_) => panic!("1.5 took envFrom"),
        Err(e) => e.to_string(),
    };
    assert!(
        e.contains("spec.containers[0].envFrom: unknown field \"envFrom\" in Kubernetes 1.5 (the field came in 1.6)"),
        "{e}"
    );
}
