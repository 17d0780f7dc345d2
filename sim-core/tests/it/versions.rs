//! One cluster run as Kubernetes 1.5 and as 1.28 (`kubernetes: (version: ...)`): what the
//! release changes is what a learner sees change, and the rest (the data plane, DNS
//! answers) works in both.

use sim_core::engine::{Dur, SimTime};
use sim_core::scenario::{Scenario, run};

/// A kubeadm cluster with flannel's config in etcd v2, a NodePort Service and a busybox
/// pod, at `version`; each of `cmds` run on the master (`sim-cli exec`), the n-th at
/// 5+n s. Returns each command's (stdout, stderr).
fn cluster(version: &str, cmds: &[&str]) -> Vec<(String, String)> {
    let src = format!(
        r#"Scenario(name: "v", seed: 3, until: "30s",
  cluster: (
    nodes: [(name: "m", ip: "10.0.0.1/24"), (name: "n", ip: "10.0.0.2/24", gateway: "10.0.0.1", docker: ())],
    etcd: "m",
    kubernetes: (master: "m", version: "{version}", kubeadm: true, service_cidr: "10.96.0.0/12"),
    manifests: [
      (path: "/root/web.yaml", yaml: "{{apiVersion: v1, kind: ReplicationController, metadata: {{name: web}}, spec: {{selector: {{app: web}}, template: {{metadata: {{labels: {{app: web}}}}, spec: {{containers: [{{name: web, image: busybox, command: [httpd, -f, -p, \"80\"]}}]}}}}}}}}"),
      (path: "/root/web-svc.yaml", yaml: "{{apiVersion: v1, kind: Service, metadata: {{name: web}}, spec: {{type: NodePort, ports: [{{port: 80, nodePort: 30080}}], selector: {{app: web}}}}}}"),
    ],
  ),
  steps: [
    (at: "1s", exec: (on: "node/m", cmd: "etcdctl set /coreos.com/network/config '{{ \"Network\": \"10.1.0.0/16\" }}'")),
    (at: "1s", exec: (on: "node/m", cmd: "kubectl create -f /root/web.yaml")),
    (at: "1s", exec: (on: "node/m", cmd: "kubectl create -f /root/web-svc.yaml")),
  ])"#
    );
    let s = Scenario::parse("v.ron", &src).unwrap_or_else(|e| panic!("{e}"));
    cmds.iter()
        .enumerate()
        .map(|(i, cmd)| {
            let at = SimTime(Dur::from_secs(5 + i as u64).as_nanos());
            let out = run::exec(&s, &Default::default(), at, 0, cmd);
            assert!(out.violations.is_empty(), "{version} `{cmd}`");
            assert_eq!(
                out.exit,
                Some(0),
                "{version} `{cmd}`: {}{}",
                out.stdout,
                out.stderr
            );
            (out.stdout, out.stderr)
        })
        .collect()
}

/// kubeadm's add-ons per release: kube-dns (a Deployment whose pod runs three containers,
/// `kube-dns-<decimal hash>-xxxxx`, Service labels of kubeadm 1.5) and a kube-proxy
/// DaemonSet without a ConfigMap on 1.5; CoreDNS and the ConfigMap on 1.28. Each cluster
/// DNS answers a pod's lookup of the `kubernetes` Service, and each kube-proxy forwards
/// the NodePort.
#[test]
fn kubeadm_installs_its_releases_add_ons_and_both_answer() {
    let steps = [
        "kubectl get pods -n kube-system",
        "kubectl get svc -n kube-system",
        "kubectl get cm -n kube-system",
        "kubectl exec rc/web -- nslookup kubernetes.default",
        "curl -s http://10.0.0.2:30080/",
    ];
    let old = cluster("1.5", &steps);
    let new = cluster("1.28", &steps);
    let pods = &old[0].0;
    assert!(pods.starts_with("NAME "), "{pods}");
    let lines: Vec<&str> = pods.lines().collect();
    assert_eq!(lines.len(), 3, "{pods}");
    let dns: Vec<&str> = lines[1].split_whitespace().collect();
    let dns_name: Vec<&str> = dns[0].split('-').collect();
    assert_eq!(&dns_name[..2], ["kube", "dns"], "{pods}");
    assert!(
        dns_name[2].bytes().all(|b| b.is_ascii_digit()),
        "1.5's pod-template-hash is decimal: {pods}"
    );
    assert_eq!(&dns[1..4], ["3/3", "Running", "0"], "{pods}");
    assert!(lines[2].starts_with("kube-proxy-amd64-"), "{pods}");
    assert!(!pods.contains("coredns"), "{pods}");
    assert_eq!(
        old[1].0,
        "NAME       CLUSTER-IP   EXTERNAL-IP   PORT(S)         AGE\nkube-dns   10.96.0.10   <none>        53/UDP,53/TCP   6s\n"
    );
    assert_eq!(old[2], (String::new(), "No resources found.\n".into()));
    let pods = &new[0].0;
    assert!(
        pods.contains("\ncoredns-") && pods.contains("\nkube-proxy-"),
        "{pods}"
    );
    assert!(
        !pods.contains("kube-dns") && !pods.contains("amd64"),
        "{pods}"
    );
    assert!(
        new[1]
            .0
            .starts_with("NAME       TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)"),
        "{}",
        new[1].0
    );
    assert!(
        new[2].0.contains("\ncoredns ") && new[2].0.contains("\nkube-proxy "),
        "{}",
        new[2].0
    );
    for run in [&old, &new] {
        assert!(
            run[3]
                .0
                .contains("Name:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1\n"),
            "{}",
            run[3].0
        );
        assert!(run[4].0.contains("web"), "{:?}", run[4]);
    }
}

/// Where the apiserver keeps objects: etcd v2 on 1.5 (seed 004's `etcdctl ls /registry`),
/// etcd v3 on 1.28, so v2's `etcdctl ls /` shows only flannel's `/coreos.com` there (seed
/// 000), and v3's `get --prefix --keys-only /registry` lists them.
#[test]
fn the_apiserver_keeps_objects_in_its_releases_etcd_api() {
    let steps = [
        "etcdctl ls /",
        "etcdctl ls /registry/services/specs/default",
        "ETCDCTL_API=3 etcdctl get --prefix --keys-only /registry/services/specs",
    ];
    let old = cluster("1.5", &steps[..2]);
    assert_eq!(old[0].0, "/coreos.com\n/registry\n");
    assert_eq!(
        old[1].0,
        "/registry/services/specs/default/kubernetes\n/registry/services/specs/default/web\n"
    );
    let new = cluster("1.28", &[steps[0], steps[2]]);
    assert_eq!(new[0].0, "/coreos.com\n");
    assert_eq!(
        new[1].0,
        "/registry/services/specs/default/kubernetes\n\n/registry/services/specs/default/web\n\n/registry/services/specs/kube-system/kube-dns\n\n"
    );
}

/// kubectl's lines per release, as each kubectl prints them: 1.5's quoted names and
/// columns, today's `kind/name` and columns.
#[test]
fn kubectl_prints_as_its_releases_kubectl() {
    let steps = [
        "kubectl scale rc web --replicas=2",
        "kubectl get nodes",
        "kubectl delete svc web",
    ];
    let old = cluster("1.5.2", &steps);
    let new = cluster("1.28.15", &steps);
    assert_eq!(old[0].0, "replicationcontroller \"web\" scaled\n");
    assert_eq!(new[0].0, "replicationcontroller/web scaled\n");
    assert!(
        old[1]
            .0
            .starts_with("NAME      STATUS    AGE\nn         Ready     "),
        "{}",
        old[1].0
    );
    assert!(
        new[1]
            .0
            .starts_with("NAME   STATUS   ROLES    AGE   VERSION\nn      Ready    <none>   "),
        "{}",
        new[1].0
    );
    assert!(new[1].0.ends_with("   v1.28.15\n"), "{}", new[1].0);
    assert_eq!(old[2].0, "service \"web\" deleted\n");
    assert_eq!(new[2].0, "service \"web\" deleted\n");
}

/// `-A` came in kubectl 1.14: kubectl 1.5 refuses the shorthand (pflag's words) and takes
/// `--all-namespaces`; today's kubectl takes both.
#[test]
fn the_all_namespaces_shorthand_is_todays() {
    let src = |version: &str| {
        format!(
            r#"Scenario(name: "v", seed: 3, until: "10s",
  cluster: (
    nodes: [(name: "m", ip: "10.0.0.1/24"), (name: "n", ip: "10.0.0.2/24", docker: ())],
    etcd: "m",
    kubernetes: (master: "m", version: "{version}"),
  ),
)"#
        )
    };
    let exec = |version: &str, cmd: &str| {
        let s = Scenario::parse("v.ron", &src(version)).unwrap_or_else(|e| panic!("{e}"));
        run::exec(
            &s,
            &Default::default(),
            SimTime(Dur::from_secs(3).as_nanos()),
            0,
            cmd,
        )
    };
    let out = exec("1.5", "kubectl get pods -A");
    assert_eq!(out.stderr, "Error: unknown shorthand flag: 'A' in -A\n");
    assert_eq!(out.stdout, "");
    assert_eq!(out.exit, Some(1));
    let out = exec("1.5", "kubectl get pods --all-namespaces");
    assert_eq!(out.exit, Some(0), "{}", out.stderr);
    let out = exec("1.28", "kubectl get pods -A");
    assert_eq!(out.exit, Some(0), "{}", out.stderr);
}
