//! A Service's traffic policies: externalTrafficPolicy and internalTrafficPolicy (what the
//! apiserver stores and allocates, what kubectl shows, what kube-proxy programs, and where
//! a packet goes or is dropped), and healthCheckNodePort.

use super::kubectl_get::{printed, trace_of};

/// A master `m`, two flannel nodes `w1` and `w2`, and a machine outside the cluster, `out`,
/// on the same network; `manifests` (RON entries), `pods` (RON entries) and `steps`.
fn cluster(manifests: &str, pods: &str, steps: &str) -> String {
    format!(
        r#"Scenario(name: "traffic-policy", seed: 3, until: "12s",
  cluster: (
    nodes: [
      (name: "m", ip: "10.0.0.1/24"),
      (name: "w1", ip: "10.0.0.2/24", gateway: "10.0.0.254", docker: (flannel: true), flannel: ()),
      (name: "w2", ip: "10.0.0.3/24", gateway: "10.0.0.254", docker: (flannel: true), flannel: ()),
      (name: "out", ip: "10.0.0.9/24"),
    ],
    etcd: "m",
    kubernetes: (master: "m", service_cidr: "10.96.0.0/12", cluster_cidr: "10.244.0.0/16"),
    pods: [{pods}],
    manifests: [{manifests}],
  ),
  steps: [
    (at: "1s", exec: (on: "node/m", cmd: "etcdctl set /coreos.com/network/config '{{ \"Network\": \"10.244.0.0/16\", \"Backend\": {{ \"Type\": \"vxlan\" }} }}'")),
    {steps}
  ])"#
    )
}

const POLICIES: &str = r#"(path: "/root/svc.yaml", yaml: "
apiVersion: v1
kind: Service
metadata: {name: lb}
spec: {type: LoadBalancer, externalTrafficPolicy: Local, ports: [{port: 80}], selector: {app: web}}
---
apiVersion: v1
kind: Service
metadata: {name: np}
spec: {type: NodePort, externalTrafficPolicy: Local, internalTrafficPolicy: Local, ports: [{port: 80, nodePort: 30080}], selector: {app: web}}
")"#;

/// The apiserver stores the policies, gives a LoadBalancer Service with
/// externalTrafficPolicy Local a healthCheckNodePort from the NodePort range (a NodePort
/// Service gets none), and `-o yaml` and `describe` show them as kubectl does; patched to
/// Cluster, the Service loses its healthCheckNodePort.
#[test]
fn the_apiserver_keeps_the_policies_and_a_health_check_node_port() {
    let t = trace_of(&cluster(
        POLICIES,
        "",
        r#"
    (at: "2s", exec: (on: "node/m", cmd: "kubectl apply -f /root/svc.yaml")),
    (at: "3s", exec: (on: "node/m", cmd: "kubectl get svc lb -o yaml")),
    (at: "3s", exec: (on: "node/m", cmd: "kubectl get svc np -o yaml")),
    (at: "3s", exec: (on: "node/m", cmd: "kubectl describe svc lb")),
    (at: "3s", exec: (on: "node/m", cmd: "kubectl describe svc np")),
    (at: "4s", exec: (on: "node/m", cmd: "kubectl patch svc lb -p '{\"spec\":{\"externalTrafficPolicy\":\"Cluster\"}}'")),
    (at: "5s", exec: (on: "node/m", cmd: "kubectl describe svc lb")),
"#,
    ));
    let (yaml, _, _) = printed(&t, "kubectl get svc lb -o yaml");
    assert!(yaml.contains("  externalTrafficPolicy: Local\n"), "{yaml}");
    assert!(
        yaml.contains("  internalTrafficPolicy: Cluster\n"),
        "{yaml}"
    );
    let hc: u16 = yaml
        .lines()
        .find_map(|l| l.strip_prefix("  healthCheckNodePort: "))
        .unwrap_or_else(|| panic!("{yaml}"))
        .parse()
        .unwrap();
    assert!((30000..=32767).contains(&hc), "{hc}");
    let (yaml, _, _) = printed(&t, "kubectl get svc np -o yaml");
    assert!(yaml.contains("  externalTrafficPolicy: Local\n"), "{yaml}");
    assert!(yaml.contains("  internalTrafficPolicy: Local\n"), "{yaml}");
    assert!(!yaml.contains("healthCheckNodePort"), "{yaml}");
    let (out, _, _) = printed(&t, "kubectl describe svc lb");
    assert!(
        out.contains(&format!(
            "Session Affinity:         None\nExternal Traffic Policy:  Local\nInternal Traffic Policy:  Cluster\nHealthCheck NodePort:     {hc}\n"
        )),
        "{out}"
    );
    let (out, _, _) = printed(&t, "kubectl describe svc np");
    assert!(
        out.contains("External Traffic Policy:  Local\nInternal Traffic Policy:  Local\nEvents:"),
        "{out}"
    );
    let patch = r#"kubectl patch svc lb -p '{"spec":{"externalTrafficPolicy":"Cluster"}}'"#;
    let (out, err, status) = printed(&t, patch);
    assert_eq!(
        (out.as_str(), err.as_str(), status),
        ("service/lb patched\n", "", Some(0))
    );
    let out = t
        .lines()
        .filter(|l| l.contains("kubectl describe svc lb") || l.contains("HealthCheck"))
        .count();
    assert_eq!(out, 3, "one HealthCheck line, before the patch\n{t}");
}
