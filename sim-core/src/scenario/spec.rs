//! What the user wrote: serde types for scenario files (RON), nothing validated yet.
//!
//! Every struct denies unknown fields. Values that need checking (addresses, durations,
//! names) stay strings here; `build` validates them and reports the field path and the
//! file position of each problem. Options may be written bare (`loss: 0.1`) or as
//! `Some(0.1)`: files are read with RON's `implicit_some` extension.

use serde::Deserialize;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub seed: u64,
    /// Optional end of the run; without it the run goes until nothing is pending.
    #[serde(default)]
    pub until: Option<String>,
    pub cluster: Cluster,
    #[serde(default)]
    pub steps: Vec<Step>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cluster {
    pub nodes: Vec<Node>,
    /// Underlay switches, by name.
    #[serde(default)]
    pub switches: Vec<String>,
    /// Underlay links. Empty: every node hangs off one implicit switch `lan`.
    #[serde(default)]
    pub links: Vec<Link>,
    /// The node etcd runs on (listening on its eth0 address, port 2379), if any.
    #[serde(default)]
    pub etcd: Option<String>,
    /// Pods placed on nodes: each gets a sandbox from its node's docker daemon.
    #[serde(default)]
    pub pods: Vec<Pod>,
    /// A Kubernetes control plane (apiserver on `master`, kube-proxy on every node that
    /// runs docker).
    #[serde(default)]
    pub kubernetes: Option<Kubernetes>,
    /// Manifest files (Kubernetes YAML or JSON) on the machines, for
    /// `kubectl apply -f PATH`.
    #[serde(default)]
    pub manifests: Vec<ManifestFile>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kubernetes {
    /// The node kube-apiserver runs on.
    pub master: String,
    /// The Kubernetes release: `"1.5"` (seed 004's v1.5.2) or `"1.28"` (today's, the
    /// default), optionally with a patch (`"1.5.2"`). It chooses kubectl's output, kubelet's
    /// and kube-proxy's conventions, etcd's API and kubeadm's DNS add-on (docs/versions.md).
    #[serde(default)]
    pub version: Option<String>,
    /// `--service-cluster-ip-range`. Default `10.96.0.0/12`.
    #[serde(default)]
    pub service_cidr: Option<String>,
    /// kube-proxy's `--cluster-cidr` (pods' addresses): traffic to a ClusterIP from
    /// elsewhere is masqueraded. Default none.
    #[serde(default)]
    pub cluster_cidr: Option<String>,
    /// kube-proxy's mode: `iptables` (default), `ipvs` or `userspace`.
    #[serde(default)]
    pub proxy_mode: Option<String>,
    /// kube-proxy's `--ipvs-scheduler` in ipvs mode: `rr` (default), `wrr`, `lc`, `dh`,
    /// `sh`, `sed`, `nq`.
    #[serde(default)]
    pub ipvs_scheduler: Option<String>,
    /// How long a change takes to reach a watcher. Default `100ms`.
    #[serde(default)]
    pub watch_delay: Option<String>,
    /// kube-proxy's `--iptables-min-sync-period`. Default `1s`.
    #[serde(default)]
    pub min_sync_period: Option<String>,
    /// kube-proxy's `--iptables-sync-period`. Default `30s`.
    #[serde(default)]
    pub sync_period: Option<String>,
    /// A kubeadm cluster: kube-proxy runs as the DaemonSet `kube-system/kube-proxy`
    /// (pods `kube-proxy-xxxxx`, label `k8s-app=kube-proxy`) configured by the ConfigMap
    /// `kube-system/kube-proxy`, so its mode can be changed at run time (seed 001). Default
    /// false: kube-proxy is a systemd service with `--proxy-mode` (seed 004).
    #[serde(default)]
    pub kubeadm: bool,
    /// kubelet's `--cluster-dns` (the DNS Service's ClusterIP). Default none: pods with
    /// dnsPolicy ClusterFirst fall back to the node's resolv.conf, with kubelet's
    /// MissingClusterDNS warning (seed 004).
    #[serde(default)]
    pub cluster_dns: Option<String>,
    /// kubelet's `--cluster-domain`. Default `cluster.local`.
    #[serde(default)]
    pub cluster_domain: Option<String>,
    /// With `kubeadm`: CoreDNS's Corefile (the ConfigMap `kube-system/coredns`). Default
    /// kubeadm's. An unknown directive is an error.
    #[serde(default)]
    pub corefile: Option<String>,
    /// Addresses for LoadBalancer Services, as a bare-metal load balancer (MetalLB) hands
    /// them out. Default none: a LoadBalancer Service's EXTERNAL-IP stays `<pending>`.
    #[serde(default)]
    pub load_balancer: Option<LoadBalancer>,
}

/// A load-balancer address pool (`load_balancer: (addresses: "192.168.56.240/28")`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancer {
    /// The pool, a CIDR: every address in it, in order.
    pub addresses: String,
}

/// Manifest files on a machine, for `kubectl apply -f` and `cat`: read from beside the
/// scenario file (`file`) or written inline (`yaml`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestFile {
    /// Where the machine sees it: the file's absolute path, or (ending in `/`, and always
    /// for a directory or a glob) the directory its files go into, keeping their names.
    pub path: String,
    /// A file, a directory (its `.yaml`, `.yml` and `.json` files, subdirectories too) or
    /// a glob, relative to the scenario file.
    #[serde(default)]
    pub file: Option<String>,
    /// The manifest's text, when it is not in a file of its own.
    #[serde(default)]
    pub yaml: Option<String>,
    /// The node that holds it. Default: the master.
    #[serde(default)]
    pub on: Option<String>,
}

/// A docker daemon on a node, with dockerd's bridge options.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Docker {
    /// `--bip`: docker0's address and prefix. Default `172.17.0.1/16`.
    #[serde(default)]
    pub bip: Option<String>,
    /// `--mtu`: the containers' MTU. Default 1500.
    #[serde(default)]
    pub mtu: Option<u32>,
    /// `--ip-masq`. Default true.
    #[serde(default)]
    pub ip_masq: Option<bool>,
    /// docker.service takes `--bip`/`--mtu`/`--ip-masq` from flannel's
    /// `/run/flannel/docker` and starts after flanneld. Default false.
    #[serde(default)]
    pub flannel: bool,
}

/// A pod: a sandbox (network namespace) on a node, with eth0 on the node's docker0.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pod {
    pub name: String,
    pub node: String,
    /// The container's command, started when the sandbox is made
    /// (`redis-server --slaveof 172.17.0.3 6379`).
    #[serde(default)]
    pub command: Option<String>,
    /// The container image; `busybox` (or `alpine`) gives the pod busybox's tools
    /// (`ping`'s output differs).
    #[serde(default)]
    pub image: Option<String>,
    /// The pod's labels (what Services select).
    #[serde(default)]
    pub labels: std::collections::BTreeMap<String, String>,
    /// The rest of the pod's spec (`dns_policy`, `dns_config`, `hostname`, `subdomain`,
    /// `enable_service_links`; `node_name` and `host_network` do not apply: the pod is
    /// on `node`, in its own sandbox).
    #[serde(default)]
    pub spec: crate::k8s::api::PodOptions,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Node {
    pub name: String,
    /// eth0's address with its prefix, `10.181.13.57/17`; a bare address means /24.
    pub ip: String,
    /// Default route via this address, if any.
    #[serde(default)]
    pub gateway: Option<String>,
    #[serde(default)]
    pub mtu: Option<u32>,
    /// `net.ipv4.ip_forward`.
    #[serde(default)]
    pub ip_forward: bool,
    /// A docker daemon runs on the node (docker0 and pod sandboxes).
    #[serde(default)]
    pub docker: Option<Docker>,
    /// flanneld runs on the node.
    #[serde(default)]
    pub flannel: Option<Flannel>,
    /// The node's `/etc/resolv.conf` (kubelet's `--resolv-conf`). Default
    /// `"nameserver 8.8.8.8\n"`.
    #[serde(default)]
    pub resolv_conf: Option<String>,
    /// A DNS server runs on the node (named, UDP 53), answering these names' A records:
    /// `{"www.example.com": "93.184.216.34"}`; other names get NXDOMAIN.
    #[serde(default)]
    pub dns_server: Option<std::collections::BTreeMap<String, String>>,
}

/// flanneld on a node (flannel 0.7, etcd v2 API, as in seed 004).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flannel {
    /// When systemd starts it. Default `"0s"`.
    #[serde(default)]
    pub start: Option<String>,
    /// `-etcd-prefix`. Default `/coreos.com/network`.
    #[serde(default)]
    pub etcd_prefix: Option<String>,
    /// `-ip-masq`. Default false.
    #[serde(default)]
    pub ip_masq: Option<bool>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub a: String,
    pub b: String,
    #[serde(default)]
    pub latency: Option<String>,
    #[serde(default)]
    pub jitter: Option<String>,
    /// Probability in [0, 1] that a frame is lost on this link.
    #[serde(default)]
    pub loss: Option<f64>,
    #[serde(default)]
    pub up: Option<bool>,
    /// The largest IP packet a frame on this link may carry (the L2 network's MTU).
    #[serde(default)]
    pub mtu: Option<u32>,
}

/// One timeline entry: a time and exactly one action.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub at: String,
    #[serde(default)]
    pub exec: Option<Exec>,
    #[serde(default)]
    pub expect: Option<Expect>,
    #[serde(default)]
    pub link_down: Option<LinkRef>,
    #[serde(default)]
    pub link_up: Option<LinkRef>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exec {
    /// `node/NAME` or `pod/NAME`.
    pub on: String,
    pub cmd: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    pub on: String,
    pub cmd: String,
    #[serde(default)]
    pub stdout_contains: Option<String>,
    #[serde(default)]
    pub stderr_contains: Option<String>,
    /// Defaults to 0 when `stdout_contains` and `stderr_contains` are absent too.
    #[serde(default)]
    pub exit_code: Option<i32>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkRef {
    pub a: String,
    pub b: String,
}
