//! Service `sessionAffinity: ClientIP`: what the apiserver keeps and kubectl shows (the
//! defaulted timeout), and what kube-proxy makes of it in each mode.

use super::kubectl_get::{printed, trace_of};

/// A master and one docker node at `version` in kube-proxy mode `mode`, with demoapp's
/// three pods behind `service` (a Service manifest's `spec`), two client pods, and `steps`.
pub(crate) fn cluster(version: &str, mode: &str, service: &str, steps: &str) -> String {
    format!(
        r#"Scenario(name: "affinity", seed: 1, until: "60s",
  cluster: (
    nodes: [
      (name: "m", ip: "10.0.0.1/24"),
      (name: "w", ip: "10.0.0.2/24", docker: ()),
    ],
    etcd: "m",
    kubernetes: (master: "m", version: "{version}", proxy_mode: "{mode}"),
    pods: [
      (name: "c1", node: "w", image: "busybox"),
      (name: "c2", node: "w", image: "busybox"),
    ],
    manifests: [(path: "/root/web.yaml", yaml: "
apiVersion: v1
kind: ReplicationController
metadata: {{name: web}}
spec:
  replicas: 3
  selector: {{app: web}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers:
      - {{name: web, image: ikubernetes/demoapp:v1.0, ports: [{{containerPort: 80}}]}}
---
apiVersion: v1
kind: Service
metadata: {{name: web}}
spec: {service}
")],
  ),
  steps: [
    (at: "1s", exec: (on: "node/m", cmd: "kubectl create -f /root/web.yaml")),
{steps}  ])"#
    )
}

/// ClientIP without a config gets the apiserver's default timeout (10800 s) in `-o yaml`;
/// a given timeout is kept; describe says ClientIP. 1.5 had no sessionAffinityConfig
/// (its kube-proxy held a client a fixed 180 minutes), so its `-o yaml` shows none.
#[test]
fn client_ip_is_kept_with_its_default_timeout() {
    let steps = r#"
    (at: "2s", exec: (on: "node/m", cmd: "kubectl get svc web -o jsonpath={.spec.sessionAffinity}/{.spec.sessionAffinityConfig.clientIP.timeoutSeconds}")),
    (at: "2s", exec: (on: "node/m", cmd: "kubectl describe svc web")),
    (at: "2s", exec: (on: "node/m", cmd: "kubectl get svc web -o yaml")),
"#;
    let jsonpath = "kubectl get svc web -o jsonpath={.spec.sessionAffinity}/{.spec.sessionAffinityConfig.clientIP.timeoutSeconds}";
    let t = trace_of(&cluster(
        "1.28",
        "iptables",
        "{sessionAffinity: ClientIP, selector: {app: web}, ports: [{port: 80}]}",
        steps,
    ));
    assert_eq!(printed(&t, jsonpath).0, "ClientIP/10800\n", "{t}");
    let (describe, _, _) = printed(&t, "kubectl describe svc web");
    assert!(
        describe.contains("Session Affinity:         ClientIP\n"),
        "{describe}"
    );
    let (yaml, _, _) = printed(&t, "kubectl get svc web -o yaml");
    assert!(
        yaml.contains(
            "  sessionAffinity: ClientIP\n  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: 10800\n"
        ),
        "{yaml}"
    );

    let t = trace_of(&cluster(
        "1.28",
        "iptables",
        "{sessionAffinity: ClientIP, sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}, selector: {app: web}, ports: [{port: 80}]}",
        steps,
    ));
    assert_eq!(printed(&t, jsonpath).0, "ClientIP/60\n", "{t}");

    let t = trace_of(&cluster(
        "1.5",
        "iptables",
        "{sessionAffinity: ClientIP, selector: {app: web}, ports: [{port: 80}]}",
        steps,
    ));
    assert_eq!(printed(&t, jsonpath).0, "ClientIP/\n", "{t}");
    let (describe, _, _) = printed(&t, "kubectl describe svc web");
    assert!(
        describe.contains("Session Affinity:\tClientIP\n"),
        "{describe}"
    );
    let (yaml, _, _) = printed(&t, "kubectl get svc web -o yaml");
    assert!(yaml.contains("  sessionAffinity: ClientIP\n"), "{yaml}");
    assert!(!yaml.contains("sessionAffinityConfig"), "{yaml}");
}

/// The apiserver's validation words for a value it does not support, a timeout out of
/// range, and a config with `None`.
#[test]
fn bad_affinity_is_refused_in_the_apiservers_words() {
    let steps = r#"
    (at: "2s", exec: (on: "node/m", cmd: "kubectl get svc")),
"#;
    for (spec, error) in [
        (
            "{sessionAffinity: Sticky, selector: {app: web}, ports: [{port: 80}]}",
            "spec.sessionAffinity: Unsupported value: \"Sticky\": supported values: \"ClientIP\", \"None\"",
        ),
        (
            "{sessionAffinity: ClientIP, sessionAffinityConfig: {clientIP: {timeoutSeconds: 0}}, selector: {app: web}, ports: [{port: 80}]}",
            "spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400",
        ),
        (
            "{sessionAffinity: None, sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}, selector: {app: web}, ports: [{port: 80}]}",
            "spec.sessionAffinityConfig: Forbidden: must not be set when session affinity is None",
        ),
    ] {
        let t = trace_of(&cluster("1.28", "iptables", spec, steps));
        let (_, err, status) = printed(&t, "kubectl create -f /root/web.yaml");
        assert!(err.contains(error), "{err}");
        assert_eq!(status, Some(1), "{t}");
    }
}
