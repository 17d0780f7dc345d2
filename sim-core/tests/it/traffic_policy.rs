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

const DEMOAPP: &str = r#"(path: "/root/demoapp.yaml", yaml: "
apiVersion: apps/v1
kind: Deployment
metadata: {name: demoapp}
spec:
  replicas: 1
  selector: {matchLabels: {app: demoapp}}
  template:
    metadata: {labels: {app: demoapp}}
    spec:
      nodeSelector: {kubernetes.io/hostname: w1}
      containers: [{name: demoapp, image: ikubernetes/demoapp:v1.0, ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Service
metadata: {name: np}
spec: {type: NodePort, externalTrafficPolicy: Local, ports: [{port: 80, nodePort: 30080}], selector: {app: demoapp}}
---
apiVersion: v1
kind: Service
metadata: {name: local}
spec: {internalTrafficPolicy: Local, clusterIP: 10.96.0.80, ports: [{port: 80}], selector: {app: demoapp}}
")"#;

const CLIENTS: &str =
    r#"(name: "c1", node: "w1", image: "busybox"), (name: "c2", node: "w2", image: "busybox")"#;

/// The one DROPPED line of the trace at `node` whose reason contains `what`.
fn dropped<'a>(t: &'a str, node: &str, what: &str) -> Vec<&'a str> {
    t.lines()
        .filter(|l| l.contains(&format!("node/{node} ")) && l.contains("DROPPED"))
        .filter(|l| l.contains(what))
        .collect()
}

/// externalTrafficPolicy Local, from a machine outside the cluster: the node with the
/// pod sends the NodePort to it without SNAT (demoapp sees the client's own address); the
/// node without one drops it in filter KUBE-EXTERNAL-SERVICES, and the trace's reason names
/// the Service, the node and the policy. A pod's connection to the same NodePort is not
/// held to the policy (KUBE-EXT's "pod traffic" rule).
#[test]
fn external_local_keeps_the_client_address_or_drops_with_the_reason() {
    let t = trace_of(&cluster(
        DEMOAPP,
        CLIENTS,
        r#"
    (at: "2s", exec: (on: "node/m", cmd: "kubectl apply -f /root/demoapp.yaml")),
    (at: "4s", exec: (on: "node/out", cmd: "curl -s http://10.0.0.2:30080/")),
    (at: "5s", exec: (on: "node/out", cmd: "curl -s -m 2 http://10.0.0.3:30080/")),
    (at: "8s", exec: (on: "pod/c2", cmd: "wget -q -O - http://10.0.0.3:30080/")),
    (at: "9s", exec: (on: "node/w2", cmd: "iptables-save -t nat | grep KUBE-SVL")),
"#,
    ));
    let (out, _, status) = printed(&t, "curl -s http://10.0.0.2:30080/");
    assert_eq!(status, Some(0), "{t}");
    assert!(
        out.contains("ClientIP: 10.0.0.9, ServerName: demoapp-"),
        "{out}"
    );
    let (out, err, status) = printed(&t, "curl -s -m 2 http://10.0.0.3:30080/");
    assert_eq!(
        (out.as_str(), err.as_str(), status),
        ("", "", Some(28)),
        "{t}"
    );
    let drops = dropped(&t, "w2", "\"default/np has no local endpoints\"");
    assert!(!drops.is_empty(), "{t}");
    assert!(
        drops[0].contains("-A KUBE-EXTERNAL-SERVICES ")
            && drops[0].contains(" -j DROP`: Service default/np has externalTrafficPolicy: Local and no ready endpoint on w2, so kube-proxy there drops traffic from outside the cluster"),
        "{}",
        drops[0]
    );
    let (out, _, status) = printed(&t, "wget -q -O - http://10.0.0.3:30080/");
    assert_eq!(status, Some(0), "{t}");
    assert!(out.contains("ServerName: demoapp-"), "{out}");
    let (out, _, status) = printed(&t, "iptables-save -t nat | grep KUBE-SVL");
    assert_eq!(
        (out.as_str(), status),
        ("", Some(1)),
        "no local endpoint on w2, so no KUBE-SVL chain"
    );
}

/// internalTrafficPolicy Local: the ClusterIP from a pod on the node with the endpoint
/// reaches it; from a pod on the other node it is dropped by filter KUBE-SERVICES, with the
/// reason.
#[test]
fn internal_local_serves_only_the_pods_node() {
    let t = trace_of(&cluster(
        DEMOAPP,
        CLIENTS,
        r#"
    (at: "2s", exec: (on: "node/m", cmd: "kubectl apply -f /root/demoapp.yaml")),
    (at: "4s", exec: (on: "pod/c1", cmd: "wget -q -O - http://10.96.0.80/")),
    (at: "4s", exec: (on: "pod/c2", cmd: "curl -s -m 2 http://10.96.0.80/")),
"#,
    ));
    let (out, _, status) = printed(&t, "wget -q -O - http://10.96.0.80/");
    assert_eq!(status, Some(0), "{t}");
    assert!(out.contains("ServerName: demoapp-"), "{out}");
    let (_, _, status) = printed(&t, "curl -s -m 2 http://10.96.0.80/");
    assert_eq!(status, Some(28), "{t}");
    let drops = dropped(&t, "w2", "\"default/local has no local endpoints\"");
    assert!(!drops.is_empty(), "{t}");
    assert!(
        drops[0].contains("-A KUBE-SERVICES -d 10.96.0.80/32 ")
            && drops[0].contains(
                "Service default/local has internalTrafficPolicy: Local and no ready endpoint on w2"
            ),
        "{}",
        drops[0]
    );
}

/// Where the policies are not simulated (kube-proxy's ipvs mode, Kubernetes 1.5, where only
/// a patch can add the field), kube-proxy says so in the trace once per Service, and the
/// traffic goes as with Cluster.
#[test]
fn ipvs_mode_and_1_5_say_local_is_not_simulated() {
    let service =
        "{type: NodePort, externalTrafficPolicy: Local, selector: {app: web}, ports: [{port: 80}]}";
    let t = trace_of(&super::affinity::cluster("1.28", "ipvs", service, ""));
    let said: Vec<&str> = t
        .lines()
        .filter(|l| l.contains("(simulator) default/web: externalTrafficPolicy Local is not simulated in kube-proxy's ipvs mode"))
        .collect();
    assert_eq!(said.len(), 1, "{t}");
    // 1.5 refuses the field in a manifest (it came in 1.7); a patch adds it at run time.
    let t = trace_of(&super::affinity::cluster(
        "1.5",
        "iptables",
        "{type: NodePort, selector: {app: web}, ports: [{port: 80}]}",
        r#"    (at: "2s", exec: (on: "node/m", cmd: "kubectl patch svc web -p '{\"spec\":{\"externalTrafficPolicy\":\"Local\"}}'")),
"#,
    ));
    assert!(
        t.contains("(simulator) default/web: externalTrafficPolicy Local is not simulated on Kubernetes 1.5"),
        "{t}"
    );
}
