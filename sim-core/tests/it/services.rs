//! Services beyond the selector kind: Services without a selector and their hand-written
//! Endpoints and EndpointSlices (what the apiserver keeps, what kube-proxy programs, what
//! `kubectl get` prints), and what each release serves.

use super::kubectl_get::{printed, trace_of};

/// A master and one docker node at `version`, with `manifests` (RON entries) and `steps`.
fn cluster(version: &str, manifests: &str, steps: &str) -> String {
    format!(
        r#"Scenario(name: "services", seed: 1, until: "6s",
  cluster: (
    nodes: [
      (name: "m", ip: "10.0.0.1/24"),
      (name: "w", ip: "10.0.0.2/24", gateway: "10.0.0.254", docker: ()),
      (name: "db", ip: "10.0.0.20/24"),
      (name: "db2", ip: "10.0.0.22/24"),
    ],
    etcd: "m",
    kubernetes: (master: "m", version: "{version}"),
    manifests: [{manifests}],
  ),
  steps: [{steps}])"#
    )
}

const LEGACY: &str = r#"(path: "/root/legacy.yaml", yaml: "
apiVersion: v1
kind: Service
metadata: {name: legacy}
spec: {clusterIP: 10.96.0.50, ports: [{port: 6379}]}
---
apiVersion: v1
kind: Endpoints
metadata: {name: legacy}
subsets:
- addresses: [{ip: 10.0.0.20}]
  notReadyAddresses: [{ip: 10.0.0.21}]
  ports: [{port: 6379}]
- addresses: [{ip: 10.0.0.22}]
  ports: [{port: 6379}]
")"#;

/// A selectorless Service's hand-written Endpoints are kept as written (subsets with the
/// same ports as one, not-ready addresses apart), the endpoints controller leaves them
/// alone when pods come and go, kube-proxy sends the ClusterIP to the ready addresses
/// only, and the mirroring controller's EndpointSlice carries the same endpoints.
#[test]
fn hand_written_endpoints_are_kept_and_programmed() {
    let t = trace_of(&cluster(
        "1.28",
        LEGACY,
        r#"
    (at: "1s", exec: (on: "node/m", cmd: "kubectl apply -f /root/legacy.yaml")),
    (at: "1s", exec: (on: "node/db", cmd: "redis-server")),
    (at: "1s", exec: (on: "node/db2", cmd: "redis-server")),
    (at: "2s", exec: (on: "node/m", cmd: "kubectl run x --image=busybox -l app=x")),
    (at: "3s", exec: (on: "node/m", cmd: "kubectl get ep legacy")),
    (at: "3s", exec: (on: "node/m", cmd: "kubectl get ep legacy -o yaml")),
    (at: "3s", exec: (on: "node/m", cmd: "kubectl get endpointslices")),
    (at: "3s", exec: (on: "node/w", cmd: "iptables-save -t nat | grep default/legacy")),
    (at: "4s", exec: (on: "node/w", cmd: "redis-cli -h 10.96.0.50 PING")),
"#,
    ));
    let (out, err, status) = printed(&t, "kubectl get ep legacy");
    assert_eq!(
        (out.as_str(), err.as_str(), status),
        (
            "NAME     ENDPOINTS                       AGE\nlegacy   10.0.0.20:6379,10.0.0.22:6379   2s\n",
            "",
            Some(0)
        ),
        "{t}"
    );
    let (out, _, _) = printed(&t, "kubectl get ep legacy -o yaml");
    assert!(
        out.contains("subsets:\n- addresses:\n  - ip: 10.0.0.20\n  - ip: 10.0.0.22\n  notReadyAddresses:\n  - ip: 10.0.0.21\n  ports:\n  - port: 6379\n    protocol: TCP\n"),
        "{out}"
    );
    // A hand-written address names no pod and no node.
    assert!(
        !out.contains("targetRef") && !out.contains("nodeName"),
        "{out}"
    );
    let (out, _, _) = printed(&t, "kubectl get endpointslices");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"]
    );
    assert!(lines[1].starts_with("kubernetes "), "{out}");
    let legacy = lines
        .iter()
        .find(|l| l.starts_with("legacy-"))
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(
        legacy.split_whitespace().collect::<Vec<_>>()[1..4],
        ["IPv4", "6379", "10.0.0.20,10.0.0.22,10.0.0.21"]
    );
    let (out, _, _) = printed(&t, "iptables-save -t nat | grep default/legacy");
    assert!(out.contains("--to-destination 10.0.0.20:6379"), "{out}");
    assert!(out.contains("--to-destination 10.0.0.22:6379"), "{out}");
    assert!(
        !out.contains("10.0.0.21"),
        "a not-ready address gets no rule: {out}"
    );
    let (out, _, status) = printed(&t, "redis-cli -h 10.96.0.50 PING");
    // Either ready address answers (both machines run redis): the DNAT reached one. (The
    // node has a default route: without one, the kernel refuses the ClusterIP before
    // netfilter sees it, "Network is unreachable".)
    assert_eq!((out.as_str(), status), ("PONG\n", Some(0)), "{t}");
}

/// Endpoints subsets with different ports, and IPv6 addresses, are refused with what
/// the simulator does not model; an EndpointSlice names its Service by label.
#[test]
fn what_cannot_be_simulated_is_refused_by_name() {
    let t = trace_of(&cluster(
        "1.28",
        r#"(path: "/root/two.yaml", yaml: "
apiVersion: v1
kind: Endpoints
metadata: {name: two}
subsets:
- addresses: [{ip: 10.0.0.20}]
  ports: [{port: 1}]
- addresses: [{ip: 10.0.0.21}]
  ports: [{port: 2}]
"),
(path: "/root/v6.yaml", yaml: "
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: v6, labels: {kubernetes.io/service-name: legacy}}
addressType: IPv6
endpoints: [{addresses: [\"fd00::1\"]}]
")"#,
        r#"
    (at: "1s", exec: (on: "node/m", cmd: "kubectl create -f /root/two.yaml")),
    (at: "1s", exec: (on: "node/m", cmd: "kubectl create -f /root/v6.yaml")),
"#,
    ));
    let (_, err, status) = printed(&t, "kubectl create -f /root/two.yaml");
    assert_eq!(status, Some(1));
    assert!(
        err.contains("Endpoints \"two\": subsets[1] with other ports than subsets[0] (the simulator keeps one subset per Endpoints; write one Service per set of ports) is not simulated"),
        "{err}"
    );
    let (_, err, status) = printed(&t, "kubectl create -f /root/v6.yaml");
    assert_eq!(status, Some(1));
    assert!(
        err.contains("EndpointSlice \"v6\": addressType \"IPv6\" (the simulated network is IPv4 only) is not simulated"),
        "{err}"
    );
}

/// Kubernetes 1.5 has no EndpointSlice: the apiserver does not serve the resource, and
/// kube-proxy 1.5 reads hand-written Endpoints.
#[test]
fn release_1_5_serves_no_endpointslices_and_reads_endpoints() {
    let t = trace_of(&cluster(
        "1.5",
        LEGACY,
        r#"
    (at: "1s", exec: (on: "node/m", cmd: "kubectl create -f /root/legacy.yaml")),
    (at: "2s", exec: (on: "node/m", cmd: "kubectl get endpointslices")),
    (at: "3s", exec: (on: "node/w", cmd: "iptables-save -t nat | grep default/legacy")),
"#,
    ));
    let (out, err, status) = printed(&t, "kubectl get endpointslices");
    assert_eq!((out.as_str(), status), ("", Some(1)), "{t}");
    assert!(
        err.contains("Kubernetes 1.5 serves no EndpointSlice"),
        "{err}"
    );
    let (out, _, _) = printed(&t, "iptables-save -t nat | grep default/legacy");
    assert!(out.contains("--to-destination 10.0.0.20:6379"), "{out}");
}

const LB: &str = r#"(path: "/root/lb.yaml", yaml: "
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {type: LoadBalancer, loadBalancerIP: 10.0.1.9, ports: [{port: 80, nodePort: 30080}], selector: {app: web}}
status: {loadBalancer: {ingress: [{ip: 1.2.3.4}]}}
")"#;

/// Without a load balancer a LoadBalancer Service's EXTERNAL-IP stays `<pending>` (the
/// trace says why), and the status a manifest carries is dropped, with a warning at load.
#[test]
fn a_load_balancer_service_without_a_pool_stays_pending() {
    let src = cluster(
        "1.28",
        LB,
        r#"
    (at: "1s", exec: (on: "node/m", cmd: "kubectl create -f /root/lb.yaml")),
    (at: "2s", exec: (on: "node/m", cmd: "kubectl get svc web")),
"#,
    );
    let s = sim_core::scenario::Scenario::parse("t.ron", &src).unwrap();
    let w: Vec<String> = s
        .warnings
        .iter()
        .map(|w| w.as_warning().to_string())
        .collect();
    assert!(
        w.iter().any(|w| w.contains(
            "Service \"web\": status.loadBalancer.ingress is dropped when the object is created"
        )),
        "{w:?}"
    );
    let t = trace_of(&src);
    let (out, _, _) = printed(&t, "kubectl get svc web");
    let row: Vec<&str> = out
        .lines()
        .nth(1)
        .unwrap_or("")
        .split_whitespace()
        .collect();
    assert_eq!(
        [row[0], row[1], row[3], row[4]],
        ["web", "LoadBalancer", "<pending>", "80:30080/TCP"],
        "{out}"
    );
    assert!(!out.contains("1.2.3.4"), "{out}");
    assert!(
        t.contains("load balancer: none in this cluster (no cloud provider; the scenario gives no kubernetes.load_balancer addresses): default/web's EXTERNAL-IP stays <pending>"),
        "{t}"
    );
}

/// With a pool, `spec.loadBalancerIP` outside it is not honoured (the pool's first
/// address is given), and kube-proxy 1.5 captures the address to the port's KUBE-FW chain
/// (masquerade, then KUBE-SVC), as its proxier wrote it.
#[test]
fn a_pool_gives_addresses_and_kube_proxy_1_5_writes_kube_fw() {
    let src = cluster(
        "1.5",
        LB,
        r#"
    (at: "1s", exec: (on: "node/m", cmd: "kubectl create -f /root/lb.yaml")),
    (at: "2s", exec: (on: "node/m", cmd: "kubectl get svc web")),
    (at: "3s", exec: (on: "node/w", cmd: "iptables-save -t nat | grep loadbalancer")),
"#,
    )
    .replace(
        r#"version: "1.5")"#,
        r#"version: "1.5", load_balancer: (addresses: "10.0.9.0/30"))"#,
    );
    let t = trace_of(&src);
    let (out, _, _) = printed(&t, "kubectl get svc web");
    assert!(out.contains(" 10.0.9.0 "), "{out}");
    let (out, _, _) = printed(&t, "iptables-save -t nat | grep loadbalancer");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    // iptables-save lists the KUBE-FW chain's rules before KUBE-SERVICES'.
    assert!(
        lines[2].starts_with("-A KUBE-SERVICES -d 10.0.9.0/32 -p tcp -m comment --comment \"default/web: loadbalancer IP\" -m tcp --dport 80 -j KUBE-FW-"),
        "{out}"
    );
    assert!(
        lines[0].starts_with("-A KUBE-FW-")
            && lines[0].ends_with("loadbalancer IP\" -j KUBE-MARK-MASQ"),
        "{out}"
    );
    assert!(lines[1].contains("loadbalancer IP\" -j KUBE-SVC-"), "{out}");
}

/// A NetworkPolicy is stored and listed, described in kubectl's layout, printed in its
/// release's group, and kubectl says on stderr that it is not enforced.
#[test]
fn network_policies_are_stored_listed_described_and_not_enforced() {
    let np = |api: &str| {
        format!(
            r#"(path: "/root/np.yaml", yaml: "
apiVersion: {api}
kind: NetworkPolicy
metadata: {{name: db-access}}
spec:
  podSelector: {{matchLabels: {{app: db}}}}
  ingress:
  - from:
    - podSelector: {{matchLabels: {{role: api}}}}
    - ipBlock: {{cidr: 10.0.0.0/24, except: [10.0.0.9/32]}}
    ports: [{{port: 6379}}]
  - {{}}
"), (path: "/root/deny.yaml", yaml: "
apiVersion: {api}
kind: NetworkPolicy
metadata: {{name: deny-all}}
spec: {{podSelector: {{}}, policyTypes: [Ingress, Egress]}}
")"#
        )
    };
    let steps = r#"
    (at: "1s", exec: (on: "node/m", cmd: "kubectl create -f /root/np.yaml")),
    (at: "1s", exec: (on: "node/m", cmd: "kubectl apply -f /root/deny.yaml")),
    (at: "2s", exec: (on: "node/m", cmd: "kubectl get netpol")),
    (at: "2s", exec: (on: "node/m", cmd: "kubectl describe networkpolicy db-access")),
    (at: "2s", exec: (on: "node/m", cmd: "kubectl describe netpol deny-all")),
    (at: "2s", exec: (on: "node/m", cmd: "kubectl get netpol deny-all -o jsonpath={.apiVersion}")),
"#;
    let t = trace_of(&cluster("1.28", &np("networking.k8s.io/v1"), steps));
    let (out, err, status) = printed(&t, "kubectl create -f /root/np.yaml");
    assert_eq!(
        (out.as_str(), err.as_str(), status),
        (
            "networkpolicy.networking.k8s.io/db-access created\n",
            "Warning: (simulator) networkpolicy default/db-access is stored but not enforced: the simulated network does not filter traffic by NetworkPolicy yet\n",
            Some(0)
        )
    );
    let (out, _, _) = printed(&t, "kubectl get netpol");
    assert_eq!(
        out,
        "NAME        POD-SELECTOR   AGE\ndb-access   app=db         1s\ndeny-all    <none>         1s\n"
    );
    let (out, _, _) = printed(&t, "kubectl describe networkpolicy db-access");
    assert_eq!(
        out,
        "Name:         db-access\nNamespace:    default\nCreated on:   2017-10-18 15:00:01 +0000 UTC\nLabels:       <none>\nAnnotations:  <none>\nSpec:\n  PodSelector:     app=db\n  Allowing ingress traffic:\n    To Port: 6379/TCP\n    From:\n      PodSelector: role=api\n    From:\n      IPBlock:\n        CIDR: 10.0.0.0/24\n        Except: 10.0.0.9/32\n    ----------\n    To Port: <any> (traffic allowed to all ports)\n    From: <any> (traffic not restricted by source)\n  Not affecting egress traffic\n  Policy Types: Ingress\n"
    );
    let (out, _, _) = printed(&t, "kubectl describe netpol deny-all");
    assert!(
        out.ends_with("Spec:\n  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)\n  Allowing ingress traffic:\n    <none> (Selected pods are isolated for ingress connectivity)\n  Allowing egress traffic:\n    <none> (Selected pods are isolated for egress connectivity)\n  Policy Types: Ingress, Egress\n"),
        "{out}"
    );
    let (out, _, _) = printed(&t, "kubectl get netpol deny-all -o jsonpath={.apiVersion}");
    assert_eq!(out, "networking.k8s.io/v1\n");

    // 1.5: extensions/v1beta1, and its describer's four lines.
    let t = trace_of(&cluster("1.5", &np("extensions/v1beta1"), steps));
    let (out, err, _) = printed(&t, "kubectl create -f /root/np.yaml");
    assert_eq!(out, "networkpolicy \"db-access\" created\n");
    assert!(err.contains("is stored but not enforced"), "{err}");
    let (out, _, _) = printed(&t, "kubectl describe networkpolicy db-access");
    assert_eq!(
        out,
        "Name:\t\tdb-access\nNamespace:\tdefault\nLabels:\t\t<none>\nAnnotations:\t<none>\n"
    );
    let (out, _, _) = printed(&t, "kubectl get netpol deny-all -o jsonpath={.apiVersion}");
    assert_eq!(out, "extensions/v1beta1\n");
}

/// A named targetPort is each pod's container port of that name: the Endpoints carry
/// 8080 (not the Service's 80), a selected pod without the name is left out, and the
/// ClusterIP reaches the pod on 8080.
#[test]
fn a_named_target_port_is_the_pods_container_port() {
    let t = trace_of(&cluster(
        "1.28",
        r#"(path: "/root/web.yaml", yaml: "
apiVersion: v1
kind: Pod
metadata: {name: a, labels: {app: web}}
spec:
  containers: [{name: web, image: busybox, command: [httpd, -f, -p, \"8080\"], ports: [{name: http, containerPort: 8080}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: b, labels: {app: web}}
spec:
  containers: [{name: web, image: busybox, command: [httpd, -f, -p, \"80\"]}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {clusterIP: 10.96.0.80, selector: {app: web}, ports: [{port: 80, targetPort: http}]}
")"#,
        r#"
    (at: "1s", exec: (on: "node/m", cmd: "kubectl create -f /root/web.yaml")),
    (at: "2s", exec: (on: "node/m", cmd: "kubectl get pods -o wide")),
    (at: "2s", exec: (on: "node/m", cmd: "kubectl get ep web")),
    (at: "3s", exec: (on: "node/w", cmd: "wget -q -O - http://10.96.0.80/")),
"#,
    ));
    let (pods, _, _) = printed(&t, "kubectl get pods -o wide");
    let ip_of = |pod: &str| {
        pods.lines()
            .find(|l| l.starts_with(&format!("{pod} ")))
            .and_then(|l| l.split_whitespace().nth(5))
            .unwrap_or_else(|| panic!("{pods}"))
            .to_string()
    };
    let (out, _, _) = printed(&t, "kubectl get ep web");
    let row: Vec<&str> = out
        .lines()
        .nth(1)
        .unwrap_or("")
        .split_whitespace()
        .collect();
    assert_eq!(row[1], format!("{}:8080", ip_of("a")), "{out}");
    assert!(!out.contains(&ip_of("b")), "{out}");
    let (out, _, status) = printed(&t, "wget -q -O - http://10.96.0.80/");
    assert_eq!((out.as_str(), status), ("<h1>a</h1>\n", Some(0)), "{t}");
}

/// `publishNotReadyAddresses`: a pod that is not ready is listed among the Endpoints'
/// ready addresses (and gets a rule), as a StatefulSet's peer discovery needs; without
/// it, the same pod is a not-ready address.
#[test]
fn publish_not_ready_addresses_lists_pods_that_are_not_ready() {
    let t = trace_of(&cluster(
        "1.28",
        r#"(path: "/root/web.yaml", yaml: "
apiVersion: v1
kind: Pod
metadata: {name: a, labels: {app: web}}
spec:
  containers:
  - name: web
    image: busybox
    command: [httpd, -f, -p, \"80\"]
    readinessProbe: {tcpSocket: {port: 81}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: peers}
spec: {clusterIP: None, publishNotReadyAddresses: true, selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80}]}
")"#,
        r#"
    (at: "1s", exec: (on: "node/m", cmd: "kubectl create -f /root/web.yaml")),
    (at: "4s", exec: (on: "node/m", cmd: "kubectl get pods")),
    (at: "4s", exec: (on: "node/m", cmd: "kubectl get ep peers -o jsonpath={.subsets[0].addresses[0].ip}")),
    (at: "4s", exec: (on: "node/m", cmd: "kubectl get ep web -o jsonpath={.subsets[0].notReadyAddresses[0].ip}")),
    (at: "4s", exec: (on: "node/m", cmd: "kubectl get svc peers -o jsonpath={.spec.publishNotReadyAddresses}")),
"#,
    ));
    let (pods, _, _) = printed(&t, "kubectl get pods");
    assert!(
        pods.contains("0/1"),
        "the probe fails, so the pod is not ready: {pods}"
    );
    let (peers, _, _) = printed(
        &t,
        "kubectl get ep peers -o jsonpath={.subsets[0].addresses[0].ip}",
    );
    let (web, _, _) = printed(
        &t,
        "kubectl get ep web -o jsonpath={.subsets[0].notReadyAddresses[0].ip}",
    );
    assert!(peers.starts_with("172.17."), "{t}");
    assert_eq!(peers, web);
    let (out, _, _) = printed(
        &t,
        "kubectl get svc peers -o jsonpath={.spec.publishNotReadyAddresses}",
    );
    assert_eq!(out, "true\n");
}
