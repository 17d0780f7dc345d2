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
        "{clusterIP: 10.96.0.80, sessionAffinity: ClientIP, selector: {app: web}, ports: [{port: 80}]}",
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
        "{clusterIP: 10.96.0.80, sessionAffinity: ClientIP, sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}, selector: {app: web}, ports: [{port: 80}]}",
        steps,
    ));
    assert_eq!(printed(&t, jsonpath).0, "ClientIP/60\n", "{t}");

    let t = trace_of(&cluster(
        "1.5",
        "iptables",
        "{clusterIP: 10.96.0.80, sessionAffinity: ClientIP, selector: {app: web}, ports: [{port: 80}]}",
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
            "{clusterIP: 10.96.0.80, sessionAffinity: Sticky, selector: {app: web}, ports: [{port: 80}]}",
            "spec.sessionAffinity: Unsupported value: \"Sticky\": supported values: \"ClientIP\", \"None\"",
        ),
        (
            "{clusterIP: 10.96.0.80, sessionAffinity: ClientIP, sessionAffinityConfig: {clientIP: {timeoutSeconds: 0}}, selector: {app: web}, ports: [{port: 80}]}",
            "spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400",
        ),
        (
            "{clusterIP: 10.96.0.80, sessionAffinity: None, sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}, selector: {app: web}, ports: [{port: 80}]}",
            "spec.sessionAffinityConfig: Forbidden: must not be set when session affinity is None",
        ),
    ] {
        let t = trace_of(&cluster("1.28", "iptables", spec, steps));
        let (_, err, status) = printed(&t, "kubectl create -f /root/web.yaml");
        assert!(err.contains(error), "{err}");
        assert_eq!(status, Some(1), "{t}");
    }
}

/// The pod names `curl -s http://10.96.0.80/hostname` printed from `client`, in order (the
/// steps are written by [`curls`]).
fn answers(trace: &str, client: &str, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let cmd = format!("curl -s http://10.96.0.80/hostname?{client}-{i}");
            let (out, _, status) = printed(trace, &cmd);
            assert_eq!(status, Some(0), "{cmd}\n{trace}");
            out.trim()
                .strip_prefix("ServerName: ")
                .unwrap_or_else(|| panic!("{out}"))
                .to_string()
        })
        .collect()
}

/// `n` curls of demoapp's /hostname from pod `client`, `gap_ms` apart from `start_ms`.
fn curls(client: &str, n: usize, start_ms: u64, gap_ms: u64) -> Vec<(u64, String)> {
    (0..n)
        .map(|i| {
            let at = start_ms + i as u64 * gap_ms;
            (
                at,
                format!(
                    "    (at: \"{at}ms\", exec: (on: \"pod/{client}\", cmd: \"curl -s http://10.96.0.80/hostname?{client}-{i}\")),\n"
                ),
            )
        })
        .collect()
}

/// Steps of several [`curls`] in time order (as a scenario wants them).
fn merged(parts: &[Vec<(u64, String)>]) -> String {
    let mut all: Vec<&(u64, String)> = parts.iter().flatten().collect();
    all.sort_by_key(|(at, _)| *at);
    all.into_iter().map(|(_, s)| s.as_str()).collect()
}

fn distinct(names: &[String]) -> usize {
    names
        .iter()
        .collect::<std::collections::BTreeSet<_>>()
        .len()
}

/// iptables mode: with ClientIP, every connection of one client reaches the pod its
/// first one reached (the KUBE-SEP chain's `recent` list remembers the client and the
/// KUBE-SVC chain's `--rcheck` rules send it back), while without affinity the same
/// client's connections are spread over the pods by the probability ladder. So the
/// first assertion fails if the recent match does not work, the second if the test
/// could not tell (every connection landing on one pod anyway).
#[test]
fn iptables_mode_keeps_a_client_on_one_pod() {
    let steps = merged(&[curls("c1", 8, 3000, 200), curls("c2", 8, 3100, 200)]);
    for (version, spec) in [
        (
            "1.28",
            "{clusterIP: 10.96.0.80, sessionAffinity: ClientIP, selector: {app: web}, ports: [{port: 80}]}",
        ),
        (
            "1.5",
            "{clusterIP: 10.96.0.80, sessionAffinity: ClientIP, selector: {app: web}, ports: [{port: 80}]}",
        ),
    ] {
        let t = trace_of(&cluster(version, "iptables", spec, &steps));
        for c in ["c1", "c2"] {
            let names = answers(&t, c, 8);
            assert_eq!(distinct(&names), 1, "{version} {c}: {names:?}");
        }
    }
    let t = trace_of(&cluster(
        "1.28",
        "iptables",
        "{clusterIP: 10.96.0.80, selector: {app: web}, ports: [{port: 80}]}",
        &steps,
    ));
    for c in ["c1", "c2"] {
        let names = answers(&t, c, 8);
        assert!(distinct(&names) > 1, "{c}: {names:?}");
    }
}

/// The timeout is simulated time since the client's last connection: with
/// `timeoutSeconds: 1`, connections 200 ms apart stay on one pod, while connections 2 s
/// apart find the list's entry expired (and reaped) and are balanced anew, so they
/// spread over the pods.
#[test]
fn affinity_expires_after_its_timeout() {
    let spec = "{clusterIP: 10.96.0.80, sessionAffinity: ClientIP, sessionAffinityConfig: {clientIP: {timeoutSeconds: 1}}, selector: {app: web}, ports: [{port: 80}]}";
    let steps = merged(&[curls("c1", 8, 3000, 200), curls("c2", 8, 3050, 2000)]);
    let t = trace_of(&cluster("1.28", "iptables", spec, &steps));
    let close = answers(&t, "c1", 8);
    assert_eq!(distinct(&close), 1, "{close:?}");
    let apart = answers(&t, "c2", 8);
    assert!(distinct(&apart) > 1, "{apart:?}");
}

/// The rules kube-proxy writes for a ClientIP Service, as `iptables-save` shows them on a
/// node: a `--rcheck` rule per endpoint at the head of the KUBE-SVC chain, and `--set` in
/// each KUBE-SEP chain's DNAT rule, with the Service's timeout (modern) or 1.5's fixed
/// 10800 s and comments.
#[test]
fn iptables_save_shows_the_recent_rules() {
    let steps = r#"
    (at: "3s", exec: (on: "node/w", cmd: "iptables-save -t nat")),
"#;
    let spec = "{clusterIP: 10.96.0.80, sessionAffinity: ClientIP, sessionAffinityConfig: {clientIP: {timeoutSeconds: 600}}, selector: {app: web}, ports: [{port: 80}]}";
    let t = trace_of(&cluster("1.28", "iptables", spec, steps));
    let (nat, _, _) = printed(&t, "iptables-save -t nat");
    let svc: Vec<&str> = nat
        .lines()
        .filter(|l| l.starts_with("-A KUBE-SVC-") && l.contains("default/web"))
        .collect();
    assert_eq!(svc.len(), 6, "{nat}");
    for (i, l) in svc[..3].iter().enumerate() {
        let sep = l.rsplit(' ').next().unwrap();
        assert!(
            l.contains(&format!(
                " -m recent --rcheck --seconds 600 --reap --name {sep} --mask 255.255.255.255 --rsource -j {sep}"
            )) && l.contains("-m comment --comment \"default/web -> 172.17.0."),
            "{i}: {l}"
        );
        assert!(
            nat.contains(&format!(
                "-A {sep} -p tcp -m comment --comment default/web -m recent --set --name {sep} --mask 255.255.255.255 --rsource -m tcp -j DNAT --to-destination 172.17.0."
            )),
            "{nat}"
        );
    }
    assert!(svc[3].contains("-m statistic"), "{nat}");

    let spec = "{clusterIP: 10.96.0.80, sessionAffinity: ClientIP, selector: {app: web}, ports: [{port: 80}]}";
    let t = trace_of(&cluster("1.5", "iptables", spec, steps));
    let (nat, _, _) = printed(&t, "iptables-save -t nat");
    let rcheck: Vec<&str> = nat
        .lines()
        .filter(|l| l.starts_with("-A KUBE-SVC-") && l.contains("--rcheck"))
        .collect();
    assert_eq!(rcheck.len(), 3, "{nat}");
    assert!(
        rcheck[0].contains(
            "-m comment --comment default/web: -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-"
        ),
        "{nat}"
    );
}

/// ipvs mode: a ClientIP Service's virtual server is persistent (`ipvsadm -Ln` shows
/// `rr persistent TIMEOUT`), so each client's connections reach the real server its first
/// one got, while rr alone would give the same client's connections to the pods in turn
/// (the plain Service's spread proves the test can tell).
#[test]
fn ipvs_mode_makes_the_virtual_server_persistent() {
    let steps = merged(&[
        curls("c1", 6, 3000, 200),
        curls("c2", 6, 3100, 200),
        vec![(
            5000,
            "    (at: \"5s\", exec: (on: \"node/w\", cmd: \"ipvsadm -Ln\")),\n".to_string(),
        )],
    ]);
    let spec = "{clusterIP: 10.96.0.80, sessionAffinity: ClientIP, sessionAffinityConfig: {clientIP: {timeoutSeconds: 600}}, selector: {app: web}, ports: [{port: 80}]}";
    let t = trace_of(&cluster("1.28", "ipvs", spec, &steps));
    let (list, _, _) = printed(&t, "ipvsadm -Ln");
    assert!(
        list.contains("TCP  10.96.0.80:80 rr persistent 600\n"),
        "{list}"
    );
    assert!(list.contains("TCP  10.96.0.1:443 rr\n"), "{list}");
    let (a, b) = (answers(&t, "c1", 6), answers(&t, "c2", 6));
    assert_eq!(distinct(&a), 1, "{a:?}");
    assert_eq!(distinct(&b), 1, "{b:?}");
    assert_ne!(a[0], b[0], "rr gave the second client the next real server");
    assert!(
        t.contains("Masq (this client's persistence template: 300ns;"),
        "the trace says why"
    );

    let plain = "{clusterIP: 10.96.0.80, selector: {app: web}, ports: [{port: 80}]}";
    let t = trace_of(&cluster("1.28", "ipvs", plain, &steps));
    assert_eq!(distinct(&answers(&t, "c1", 6)), 3);
}

/// userspace mode (1.5): kube-proxy's load balancer keeps a client address on the
/// endpoint the round robin first gave it, and says so in its log; without affinity the
/// same client goes round the pods.
#[test]
fn userspace_mode_keeps_a_client_on_one_pod() {
    let steps = merged(&[curls("c1", 6, 3000, 200), curls("c2", 6, 3100, 200)]);
    let spec = "{clusterIP: 10.96.0.80, sessionAffinity: ClientIP, selector: {app: web}, ports: [{port: 80}]}";
    let t = trace_of(&cluster("1.5", "userspace", spec, &steps));
    let (a, b) = (answers(&t, "c1", 6), answers(&t, "c2", 6));
    assert_eq!(distinct(&a), 1, "{a:?}");
    assert_eq!(distinct(&b), 1, "{b:?}");
    assert!(
        t.contains("(session affinity; kube-proxy's own connection"),
        "{t}"
    );

    let plain = "{clusterIP: 10.96.0.80, selector: {app: web}, ports: [{port: 80}]}";
    let t = trace_of(&cluster("1.5", "userspace", plain, &steps));
    assert_eq!(distinct(&answers(&t, "c1", 6)), 3);
}

/// 1.5 had no sessionAffinityConfig (it came in 1.8): one that `kubectl patch` brings is
/// dropped, as 1.5's apiserver dropped unknown fields, so a ClientIP Service keeps the
/// fixed 180 minutes: connections 2 s apart stay on one pod, while on 1.28 the same patch
/// (`timeoutSeconds: 1`) lets each be balanced anew.
#[test]
fn a_patched_timeout_is_dropped_by_1_5() {
    let spec = "{clusterIP: 10.96.0.80, sessionAffinity: ClientIP, selector: {app: web}, ports: [{port: 80}]}";
    let patch = r#"    (at: "2s", exec: (on: "node/m", cmd: "kubectl patch svc web -p '{\"spec\":{\"sessionAffinityConfig\":{\"clientIP\":{\"timeoutSeconds\":1}}}}'")),
"#;
    let steps = format!("{patch}{}", merged(&[curls("c1", 4, 3000, 2000)]));
    let t = trace_of(&cluster("1.5", "userspace", spec, &steps));
    let (out, _, status) = printed(
        &t,
        "kubectl patch svc web -p '{\"spec\":{\"sessionAffinityConfig\":{\"clientIP\":{\"timeoutSeconds\":1}}}}'",
    );
    assert_eq!(status, Some(0), "{out}\n{t}");
    let names = answers(&t, "c1", 4);
    assert_eq!(distinct(&names), 1, "{names:?}");

    let t = trace_of(&cluster("1.28", "userspace", spec, &steps));
    let names = answers(&t, "c1", 4);
    assert!(distinct(&names) > 1, "{names:?}");
}

/// `kubectl expose --session-affinity=ClientIP` makes a ClientIP Service (with the
/// apiserver's default timeout); another value is kubectl's own error, nothing sent.
#[test]
fn expose_sets_session_affinity() {
    let spec = "{clusterIP: 10.96.0.80, selector: {app: web}, ports: [{port: 80}]}";
    let steps = r#"
    (at: "2s", exec: (on: "node/m", cmd: "kubectl expose rc web --name=web2 --session-affinity=ClientIP")),
    (at: "2s", exec: (on: "node/m", cmd: "kubectl expose rc web --name=web3 --session-affinity=Sticky")),
    (at: "3s", exec: (on: "node/m", cmd: "kubectl get svc web2 -o jsonpath={.spec.sessionAffinity}/{.spec.sessionAffinityConfig.clientIP.timeoutSeconds}")),
    (at: "3s", exec: (on: "node/m", cmd: "kubectl get svc")),
"#;
    let t = trace_of(&cluster("1.28", "iptables", spec, steps));
    let (out, _, status) = printed(
        &t,
        "kubectl expose rc web --name=web2 --session-affinity=ClientIP",
    );
    assert_eq!((out.as_str(), status), ("service/web2 exposed\n", Some(0)));
    assert_eq!(
        printed(
            &t,
            "kubectl get svc web2 -o jsonpath={.spec.sessionAffinity}/{.spec.sessionAffinityConfig.clientIP.timeoutSeconds}"
        )
        .0,
        "ClientIP/10800\n"
    );
    assert_eq!(
        printed(
            &t,
            "kubectl expose rc web --name=web3 --session-affinity=Sticky"
        ),
        (
            String::new(),
            "error: unknown session affinity: Sticky\n".to_string(),
            Some(1)
        )
    );
    assert!(!printed(&t, "kubectl get svc").0.contains("web3"), "{t}");
}
