//! kube-apiserver, with the endpoints controller beside it.
//!
//! The apiserver keeps every object, answers `kubectl` and the components, and writes each
//! object to etcd under `/registry/...` (Kubernetes 1.5's layout, as seed 004's `etcdctl
//! ls /registry` shows), as JSON: with the v2 API on a 1.5 cluster, in the v3 keyspace
//! from 1.6 on (`version::Storage`), where v2's `etcdctl ls /` does not see it (seed 000).
//! A 1.6+ apiserver writes protobuf there; the simulator keeps the same JSON (said in
//! docs/versions.md). Components watch kinds; each change reaches a watcher
//! after `watch_delay` plus the control path's latency, so a kube-proxy acts on a Service
//! some time after `kubectl create` returned.
//!
//! At start it makes the `default` and `kube-system` namespaces, a Node for every node
//! that runs a kube-proxy (Ready), and the `kubernetes` Service with the range's first
//! address, port 443 (`https`) to the master's 6443.
//!
//! Services: a ClusterIP from `--service-cluster-ip-range` (explicit ones checked, the rest
//! drawn from the apiserver's seeded stream, `alloc`), `None` for headless, none for
//! ExternalName; NodePorts for NodePort Services, explicit or drawn. Errors carry the
//! apiserver's messages and codes (409 AlreadyExists, 404 NotFound, 422 Invalid).
//!
//! The endpoints controller (in kube-controller-manager on a real cluster; here it runs in
//! the apiserver's events, with no delay of its own) keeps one Endpoints object per
//! Service with a selector: the ready pods the selector matches, by IP, with the Service's
//! target ports.
//!
//! Simplifications (docs/architecture.md): one apiserver, no authentication, no
//! resourceVersion conflicts, objects written to etcd without waiting for the answer.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use rand::RngExt;

use super::alloc::{NodePorts, ServiceIps};
use super::api::{
    Address, Body, Container, EndpointPort, Endpoints, EventType, Key, Kind, Meta, NewObject,
    NodeStatus, Object, Phase, Pod, REVISION, Request, Response, Service, WatchEvent, dns_label,
    selects,
};
use super::manifest::Manifest;
use super::proxy::names::Era;
use super::version::{DnsAddon, Storage, Version};
use crate::engine::{Actor, ActorId, Ctx, Dur};
use crate::net::{Msg, Net, NsId, control};
use crate::trace::TraceEvent;
use crate::wire::etcd::{Request as EtcdRequest, V3Request};

pub struct Config {
    pub service_cidr: Ipv4Net,
    /// The scenario's load-balancer pool (`kubernetes.load_balancer`): LoadBalancer
    /// Services get their ingress address from it.
    pub load_balancer: Option<Ipv4Net>,
    /// The release the cluster runs: where objects are kept, the allocator's era, kubeadm's
    /// add-ons, and what kubectl is told with every answer.
    pub version: Version,
    pub watch_delay: Dur,
    pub master_ip: Ipv4Addr,
    /// Nodes that register (name, address).
    pub nodes: Vec<(String, Ipv4Addr)>,
    /// A kubeadm cluster: kube-proxy's ConfigMap (its `config.conf`) and DaemonSet.
    pub kubeadm: Option<String>,
    /// A kubeadm cluster's DNS addon (CoreDNS or kube-dns, as the release has it): the
    /// Corefile (CoreDNS's) and the kube-dns Service's address.
    pub coredns: Option<(String, Ipv4Addr)>,
    /// kubelet's `--cluster-domain`, which kube-dns serves (`--domain`).
    pub cluster_domain: String,
}

/// kubeadm's CoreDNS image.
pub const COREDNS_IMAGE: &str = "registry.k8s.io/coredns/coredns:v1.10.1";

/// kubeadm 1.5's kube-dns images (`cmd/kubeadm/app/images`): kube-dns, the dnsmasq in
/// front of it, and exechealthz.
pub const KUBE_DNS_IMAGES: [&str; 3] = [
    "gcr.io/google_containers/kubedns-amd64:1.9",
    "gcr.io/google_containers/kube-dnsmasq-amd64:1.4",
    "gcr.io/google_containers/exechealthz-amd64:1.2",
];

/// The labels kubeadm 1.5 gave its add-ons (`standardLabels` in its `apiclient.go`).
fn kubeadm_1_5_labels(name: &str) -> super::api::Labels {
    [
        ("component", name),
        ("k8s-app", name),
        ("kubernetes.io/cluster-service", "true"),
        ("name", name),
        ("tier", "node"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// The `config.conf` of kubeadm's kube-proxy ConfigMap: a KubeProxyConfiguration (the
/// fields that matter here; `mode: ""` means iptables, as seed 001 shows).
pub fn kube_proxy_config(
    mode: &str,
    scheduler: &str,
    cluster_cidr: Option<Ipv4Net>,
    min_sync: Dur,
    sync: Dur,
) -> String {
    // An empty string is written `""`, as sigs.k8s.io/yaml marshals it (a bare
    // `clusterCIDR: ` would leave a trailing space, which keeps `-o yaml` and `kubectl
    // edit` from showing the text as a block).
    let cidr = cluster_cidr
        .map(|c| c.to_string())
        .unwrap_or_else(|| "\"\"".into());
    format!(
        "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nbindAddress: 0.0.0.0\nclusterCIDR: {cidr}\niptables:\n  masqueradeAll: false\n  minSyncPeriod: {min_sync}\n  syncPeriod: {sync}\nipvs:\n  minSyncPeriod: 0s\n  scheduler: \"{scheduler}\"\n  syncPeriod: {sync}\nkind: KubeProxyConfiguration\nmode: \"{mode}\"\n"
    )
}

pub struct Apiserver {
    ns: NsId,
    cfg: Config,
    objects: BTreeMap<Key, Object>,
    ips: ServiceIps,
    node_ports: NodePorts,
    version: u64,
    /// Watchers: who, which kinds, and a node its pods must be bound to.
    watchers: Vec<(ActorId, Vec<Kind>, Option<String>)>,
    etcd_id: u64,
    /// Events by the object they are about.
    events: BTreeMap<Key, Vec<super::api::Event>>,
    /// `kubectl get events -w`: who, the request id to answer with, and the namespace.
    event_watchers: Vec<(ActorId, u64, Option<String>)>,
    /// Namespaces whose pods' statuses changed since the controllers last ran: they run
    /// once for a burst of statuses (a zero-delay timer), as informers feed work queues.
    dirty: BTreeSet<String>,
    /// What `kubectl apply` last applied to each object (its
    /// `kubectl.kubernetes.io/last-applied-configuration`).
    applied: BTreeMap<Key, Manifest>,
    /// A client's create is in progress: `create` says so in the trace.
    announcing: bool,
    /// Pods the scheduler found no node for, with what it said (said again only when it
    /// changes, as the event recorder folds repeats).
    unschedulable: BTreeMap<Key, String>,
}

/// Whether a ReplicationController or ReplicaSet counts `o` as one of its pods: a pod of
/// its namespace that its selector matches and that no other controller owns (an orphan
/// it would adopt).
fn controls(rc: &Object, o: &Object) -> bool {
    let Body::Workload(w) = &rc.body else {
        return false;
    };
    o.kind() == Kind::Pod
        && o.meta.namespace == rc.meta.namespace
        && selects(&w.selector, &o.meta.labels)
        && o.meta
            .owner
            .as_ref()
            .is_none_or(|(k, n)| *k == w.kind && *n == rc.meta.name)
}

/// A pod template written out field by field (what the pod-template-hash is taken of;
/// an explicit rendering, so the hash does not depend on `Debug`'s format).
fn template_text(w: &super::api::Rc) -> String {
    use std::fmt::Write as _;
    let mut t = String::new();
    for (k, v) in &w.template_labels {
        let _ = writeln!(t, "label {k}={v}");
    }
    for (k, v) in &w.template_annotations {
        let _ = writeln!(t, "annotation {k}={v}");
    }
    for c in &w.containers {
        let _ = writeln!(
            t,
            "container {} image {} command {}",
            c.name,
            c.image.as_deref().unwrap_or(""),
            c.command.as_deref().unwrap_or("")
        );
        for (k, v) in &c.env {
            let _ = writeln!(t, "  env {k}={v}");
        }
        for p in &c.ports {
            let _ = writeln!(t, "  port {p}");
        }
    }
    let o = &w.spec;
    let _ = writeln!(
        t,
        "nodeName {} hostNetwork {} dnsPolicy {} hostname {} subdomain {} links {}",
        o.node_name.as_deref().unwrap_or(""),
        o.host_network,
        o.dns_policy(),
        o.hostname.as_deref().unwrap_or(""),
        o.subdomain.as_deref().unwrap_or(""),
        o.enable_service_links.unwrap_or(true)
    );
    if let Some(c) = &o.dns_config {
        let _ = writeln!(
            t,
            "dnsConfig {} {}",
            c.nameservers.join(","),
            c.searches.join(",")
        );
        for (k, v) in &c.options {
            let _ = writeln!(t, "  option {k} {}", v.as_deref().unwrap_or(""));
        }
    }
    t
}

/// The job controller's delay before the pod after the `failures`-th failure:
/// DefaultJobPodFailureBackOff (10 s) doubled per failure, at most MaxJobPodFailureBackOff
/// (10 min).
fn job_backoff(failures: u32) -> Dur {
    let secs = 10u64.saturating_mul(1 << failures.saturating_sub(1).min(16));
    Dur::from_secs(secs.min(600))
}

/// A pod a controller is about to make: its name, labels, node and spec.
struct NewPod {
    name: String,
    labels: super::api::Labels,
    node: Option<String>,
    spec: super::api::PodOptions,
}

/// The controller that makes a workload's pods, as its events name it.
fn controller_name(kind: Kind) -> &'static str {
    match kind {
        Kind::ReplicaSet => "replicaset-controller",
        Kind::DaemonSet => "daemonset-controller",
        Kind::StatefulSet => "statefulset-controller",
        Kind::Job => "job-controller",
        Kind::Deployment => "deployment-controller",
        _ => "replication-controller",
    }
}

impl Apiserver {
    pub fn new(ns: NsId, cfg: Config) -> Self {
        Apiserver {
            ns,
            ips: ServiceIps::new(cfg.service_cidr, cfg.version.era()),
            cfg,
            objects: BTreeMap::new(),
            node_ports: NodePorts::default(),
            version: 0,
            watchers: Vec::new(),
            etcd_id: 0,
            events: BTreeMap::new(),
            event_watchers: Vec::new(),
            dirty: BTreeSet::new(),
            applied: BTreeMap::new(),
            announcing: false,
            unschedulable: BTreeMap::new(),
        }
    }

    fn uid(cx: &mut Ctx<'_, Net>) -> String {
        let r: u128 = cx.rng().random();
        uid_text(&format!("{r:032x}"))
    }

    fn meta(cx: &mut Ctx<'_, Net>, name: &str, ns: &str, labels: super::api::Labels) -> Meta {
        Meta {
            name: name.to_string(),
            namespace: ns.to_string(),
            labels,
            annotations: Default::default(),
            uid: Self::uid(cx),
            created: cx.now(),
            resource_version: 0,
            owner: None,
            owner_uid: String::new(),
            deletion: None,
        }
    }

    /// Stores an object (new or changed): etcd gets it, watchers hear of it.
    fn put(&mut self, cx: &mut Ctx<'_, Net>, mut obj: Object) {
        self.version += 1;
        obj.meta.resource_version = self.version;
        let key = obj.key();
        let what = if self.objects.contains_key(&key) {
            EventType::Modified
        } else {
            EventType::Added
        };
        let era = self.cfg.version.era();
        let req = match self.cfg.version.release.storage {
            Storage::EtcdV2 => EtcdRequest::Set {
                key: obj.etcd_key(),
                value: obj.json(era),
                ttl: None,
                create_only: false,
            },
            Storage::EtcdV3 => EtcdRequest::V3(V3Request::Put {
                key: obj.etcd_key(),
                value: obj.json(era),
                lease: None,
            }),
        };
        self.etcd(cx, req);
        self.objects.insert(key, obj.clone());
        self.notify(cx, what, obj);
    }

    fn remove(&mut self, cx: &mut Ctx<'_, Net>, key: &Key) -> Option<Object> {
        let obj = self.objects.remove(key)?;
        let req = match self.cfg.version.release.storage {
            Storage::EtcdV2 => EtcdRequest::Delete {
                key: obj.etcd_key(),
                dir: false,
                recursive: false,
            },
            Storage::EtcdV3 => EtcdRequest::V3(V3Request::DeleteRange {
                key: obj.etcd_key(),
                prefix: false,
            }),
        };
        self.etcd(cx, req);
        self.notify(cx, EventType::Deleted, obj.clone());
        self.events.remove(key);
        // The endpoints controller hears of every pod deletion, a controller's own (a
        // ReplicaSet scaled down in a rollout) as much as a client's.
        if obj.kind() == Kind::Pod {
            self.controllers_soon(cx, obj.meta.namespace.clone());
        }
        Some(obj)
    }

    /// Runs the endpoints and workload controllers for `ns` at the end of this instant
    /// (once, however many changes arrive meanwhile).
    fn controllers_soon(&mut self, cx: &mut Ctx<'_, Net>, ns: String) {
        if self.dirty.is_empty() {
            cx.schedule(Dur::ZERO, Msg::Timer(T_CONTROLLERS));
        }
        self.dirty.insert(ns);
    }

    fn etcd(&mut self, cx: &mut Ctx<'_, Net>, req: EtcdRequest) {
        let (Some(etcd), Some(etcd_ns)) = (cx.lookup("etcd"), cx.world.etcd_ns) else {
            return;
        };
        self.etcd_id += 1;
        let msg = Msg::EtcdRequest {
            from: cx.me(),
            id: self.etcd_id,
            req: Box::new(req),
        };
        control::send(cx, self.ns, etcd_ns, etcd, msg);
    }

    fn notify(&mut self, cx: &mut Ctx<'_, Net>, what: EventType, obj: Object) {
        let kind = obj.kind();
        for (w, kinds, node) in &self.watchers {
            if !kinds.contains(&kind) || !on_node(&obj, node.as_deref()) {
                continue;
            }
            send_after(
                cx,
                self.ns,
                *w,
                self.cfg.watch_delay,
                Msg::ApiEvent {
                    event: Box::new(WatchEvent {
                        what: what.clone(),
                        object: obj.clone(),
                    }),
                },
            );
        }
    }

    fn respond(&self, cx: &mut Ctx<'_, Net>, to: ActorId, id: u64, resp: Response) {
        send_after(
            cx,
            self.ns,
            to,
            Dur::ZERO,
            Msg::ApiResponse {
                id,
                resp: Box::new(resp),
                version: self.cfg.version,
            },
        );
    }

    fn bootstrap(&mut self, cx: &mut Ctx<'_, Net>) {
        for ns in ["default", "kube-system"] {
            let meta = Self::meta(cx, ns, "", Default::default());
            self.put(
                cx,
                Object {
                    meta,
                    body: Body::Namespace,
                },
            );
        }
        for (name, ip) in self.cfg.nodes.clone() {
            let labels = [("kubernetes.io/hostname".to_string(), name.clone())].into();
            let meta = Self::meta(cx, &name, "", labels);
            self.put(
                cx,
                Object {
                    meta,
                    body: Body::Node(NodeStatus {
                        ip,
                        ready: true,
                        heartbeat: cx.now(),
                    }),
                },
            );
        }
        if let Some(config) = self.cfg.kubeadm.clone() {
            self.kubeadm(cx, config);
        }
        let first = self.ips.first();
        let _ = self.ips.allocate(first);
        let mut meta = Self::meta(cx, "kubernetes", "default", Default::default());
        meta.labels.insert("component".into(), "apiserver".into());
        meta.labels.insert("provider".into(), "kubernetes".into());
        let port = super::api::ServicePort {
            name: "https".into(),
            protocol: None,
            port: 443,
            target_port: Some(6443),
            target_name: None,
            node_port: None,
        };
        self.put(
            cx,
            Object {
                meta: meta.clone(),
                body: Body::Service(Service {
                    type_: "ClusterIP".into(),
                    cluster_ip: Some(first),
                    ports: vec![port],
                    selector: Default::default(),
                    external_ips: Vec::new(),
                    external_name: None,
                    ingress: Vec::new(),
                    publish_not_ready: false,
                    affinity: None,
                    policy: Default::default(),
                }),
            },
        );
        // The apiserver keeps its own Service's endpoints (the master reconciler).
        let ep = Endpoints {
            addresses: vec![Address {
                ip: self.cfg.master_ip,
                node: String::new(),
                pod: String::new(),
                hostname: String::new(),
            }],
            not_ready: Vec::new(),
            ports: vec![EndpointPort {
                name: "https".into(),
                port: 6443,
                protocol: "TCP".into(),
            }],
        };
        let mut emeta = Self::meta(cx, "kubernetes", "default", Default::default());
        emeta.labels = meta.labels;
        self.put(
            cx,
            Object {
                meta: emeta,
                body: Body::Endpoints(ep),
            },
        );
        if let Some((corefile, ip)) = self.cfg.coredns.clone() {
            match self.cfg.version.release.dns_addon {
                DnsAddon::CoreDns => self.coredns(cx, corefile, ip),
                DnsAddon::KubeDns => self.kube_dns(cx, ip),
            }
        }
    }

    /// kubeadm's DNS addon: the ConfigMap `kube-system/coredns` with the Corefile, the
    /// Deployment `coredns` (2 replicas, dnsPolicy Default, label `k8s-app=kube-dns`), and
    /// the Service `kube-dns` at the cluster DNS address (ports `dns` 53/UDP, `dns-tcp`
    /// 53/TCP, `metrics` 9153/TCP): the manifests kubeadm applies, cut to what is
    /// simulated.
    fn coredns(&mut self, cx: &mut Ctx<'_, Net>, corefile: String, ip: Ipv4Addr) {
        let text = format!(
            "apiVersion: v1
kind: ConfigMap
metadata:
  name: {cm}
  namespace: kube-system
data:
  {key}: {corefile}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: coredns
  namespace: kube-system
  labels:
    k8s-app: kube-dns
spec:
  replicas: 2
  selector:
    matchLabels:
      k8s-app: kube-dns
  template:
    metadata:
      labels:
        k8s-app: kube-dns
    spec:
      dnsPolicy: Default
      containers:
      - name: coredns
        image: {COREDNS_IMAGE}
        ports:
        - containerPort: 53
          name: dns
          protocol: UDP
        - containerPort: 53
          name: dns-tcp
          protocol: TCP
        - containerPort: 9153
          name: metrics
          protocol: TCP
---
apiVersion: v1
kind: Service
metadata:
  name: kube-dns
  namespace: kube-system
  labels:
    k8s-app: kube-dns
    kubernetes.io/cluster-service: \"true\"
    kubernetes.io/name: CoreDNS
spec:
  selector:
    k8s-app: kube-dns
  clusterIP: {ip}
  ports:
  - name: dns
    port: 53
    protocol: UDP
  - name: dns-tcp
    port: 53
    protocol: TCP
  - name: metrics
    port: 9153
    protocol: TCP
",
            cm = super::coredns::CONFIGMAP,
            key = super::coredns::CONFIG_KEY,
            corefile = yaml_block(&corefile, "    "),
        );
        self.bootstrap_manifests(cx, "coredns.yaml", &text);
    }

    /// kubeadm 1.5's DNS addon (its `addons.go`): the Deployment `kube-dns` (one replica,
    /// dnsPolicy Default) whose pod runs kube-dns, dnsmasq and healthz, and the Service
    /// `kube-dns` (ports `dns` 53/UDP and `dns-tcp` 53/TCP) selecting `name=kube-dns`. The
    /// simulated pod runs its first container's command, which stands in for kube-dns and
    /// dnsmasq together (`coredns.rs`).
    fn kube_dns(&mut self, cx: &mut Ctx<'_, Net>, ip: Ipv4Addr) {
        let labels = kubeadm_1_5_labels("kube-dns");
        let text = format!(
            "apiVersion: extensions/v1beta1
kind: Deployment
metadata:
  name: kube-dns
  namespace: kube-system
  labels:
{labels}spec:
  replicas: 1
  template:
    metadata:
      labels:
{tlabels}    spec:
      dnsPolicy: Default
      containers:
      - name: kube-dns
        image: {kubedns}
        command: [/kube-dns, --domain={domain}, --dns-port=10053]
        ports:
        - containerPort: 10053
      - name: dnsmasq
        image: {dnsmasq}
        ports:
        - containerPort: 53
      - name: healthz
        image: {healthz}
        ports:
        - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: kube-dns
  namespace: kube-system
  labels:
{labels}spec:
  selector:
    name: kube-dns
  clusterIP: {ip}
  ports:
  - name: dns
    port: 53
    protocol: UDP
  - name: dns-tcp
    port: 53
    protocol: TCP
",
            labels = yaml_labels(&labels, "    "),
            tlabels = yaml_labels(&labels, "        "),
            kubedns = KUBE_DNS_IMAGES[0],
            dnsmasq = KUBE_DNS_IMAGES[1],
            healthz = KUBE_DNS_IMAGES[2],
            domain = self.cfg.cluster_domain,
        );
        self.bootstrap_manifests(cx, "kube-dns.yaml", &text);
    }

    /// What `kubeadm init` leaves for kube-proxy: the ConfigMap `kube-system/kube-proxy`
    /// (`config.conf` and `kubeconfig.conf`) and the DaemonSet that runs it on every node.
    /// kubeadm 1.5 had no ConfigMap: its DaemonSet `kube-proxy-amd64` (one per
    /// architecture, each with a node selector; the simulator makes the amd64 one only)
    /// gives kube-proxy its flags.
    fn kubeadm(&mut self, cx: &mut Ctx<'_, Net>, config: String) {
        if !self.cfg.version.release.proxy_configmap {
            let name = "kube-proxy-amd64";
            let text = format!(
                "apiVersion: extensions/v1beta1
kind: DaemonSet
metadata:
  name: {name}
  namespace: kube-system
  labels:
{labels}spec:
  template:
    metadata:
      labels:
{tlabels}    spec:
      hostNetwork: true
      containers:
      - name: kube-proxy
        image: {image}
        command:
        - kube-proxy
        - --kubeconfig=/run/kubeconfig
",
                labels = yaml_labels(&kubeadm_1_5_labels(name), "    "),
                tlabels = yaml_labels(&kubeadm_1_5_labels(name), "        "),
                image = self.cfg.version.kube_proxy_image(),
            );
            self.bootstrap_manifests(cx, "kube-proxy-amd64.yaml", &text);
            return;
        }
        let kubeconfig = format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n    server: https://{}:6443\n  name: default\ncontexts:\n- context:\n    cluster: default\n    namespace: default\n    user: default\n  name: default\ncurrent-context: default\nusers:\n- name: default\n  user:\n    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n",
            self.cfg.master_ip
        );
        let text = format!(
            "apiVersion: v1
kind: ConfigMap
metadata:
  name: {cm}
  namespace: kube-system
  labels:
    app: kube-proxy
data:
  {key}: {config}
  kubeconfig.conf: {kubeconfig}
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: kube-proxy
  namespace: kube-system
  labels:
    k8s-app: kube-proxy
spec:
  selector:
    matchLabels:
      k8s-app: kube-proxy
  template:
    metadata:
      labels:
        k8s-app: kube-proxy
    spec:
      hostNetwork: true
      containers:
      - name: kube-proxy
        image: {image}
        command:
        - /usr/local/bin/kube-proxy
        - --config=/var/lib/kube-proxy/config.conf
        - --hostname-override=$(NODE_NAME)
",
            cm = super::proxy::kube_proxy::CONFIGMAP,
            key = super::proxy::kube_proxy::CONFIG_KEY,
            config = yaml_block(&config, "    "),
            kubeconfig = yaml_block(&kubeconfig, "    "),
            image = self.cfg.version.kube_proxy_image(),
        );
        self.bootstrap_manifests(cx, "kube-proxy.yaml", &text);
    }

    /// The objects the apiserver makes for itself, through the same decoding and admission
    /// as any manifest.
    fn bootstrap_manifests(&mut self, cx: &mut Ctx<'_, Net>, file: &str, text: &str) {
        // Only a Corefile the scenario gives is not ours; it was checked when the scenario
        // was loaded, so a failure here is the simulator's own: said in the trace.
        let docs = match super::manifest::decode(file, text) {
            Ok(docs) => docs,
            Err(e) => {
                cx.trace(TraceEvent::Log {
                    line: format!(
                        "internal error: the bootstrap manifest {file} does not decode: {e}"
                    ),
                });
                return;
            }
        };
        for d in docs {
            let r = match super::admission::admit(&d.manifest, "default") {
                Ok(o) => self.create(cx, o),
                Err(e) => refused(e),
            };
            if let Response::Error { message, .. } = r {
                cx.trace(TraceEvent::Log {
                    line: format!(
                        "internal error: the bootstrap manifest {file} is refused: {message}"
                    ),
                });
            }
        }
    }

    /// The trace's `created KIND NS/NAME`, for an object a client created.
    fn announce(&mut self, cx: &mut Ctx<'_, Net>, o: &Object) {
        if self.announcing {
            cx.trace(TraceEvent::Log {
                line: format!(
                    "created {} {}/{}",
                    o.kind().singular(),
                    o.meta.namespace,
                    o.meta.name
                ),
            });
        }
    }

    /// `kubectl create`: the object through admission, then created (and said in the
    /// trace, before what the controllers do with it).
    fn create_from(&mut self, cx: &mut Ctx<'_, Net>, m: &Manifest, ns: &str) -> Response {
        self.announcing = true;
        let r = match super::admission::admit(m, ns) {
            Ok(o) => self.create(cx, o),
            Err(e) => refused(e),
        };
        let r = self.keep_annotations(r, annotations_of(m));
        self.announcing = false;
        if let Response::Error { .. } = r {
            return r;
        }
        if let Response::Object(o) = &r {
            self.applied.remove(&o.key());
        }
        r
    }

    /// `kubectl apply`: created if absent; else, if the object differs from what was last
    /// applied, its spec replaced (`configured`), otherwise `unchanged`. What was last
    /// applied is kept as kubectl keeps it, in the object's
    /// `kubectl.kubernetes.io/last-applied-configuration`.
    fn apply(&mut self, cx: &mut Ctx<'_, Net>, m: &Manifest, ns: &str) -> Response {
        let new = match super::admission::admit(m, ns) {
            Ok(o) => o,
            Err(e) => return refused(e),
        };
        let key = (
            new.kind(),
            new.namespace().to_string(),
            new.name().to_string(),
        );
        let key = if key.0.namespaced() {
            key
        } else {
            (key.0, String::new(), key.2)
        };
        let Some(old) = self.objects.get(&key).cloned() else {
            let r = self.create_from(cx, m, ns);
            return match r {
                Response::Object(o) => {
                    self.applied.insert(o.key(), m.clone());
                    Response::Applied(o, "created")
                }
                other => other,
            };
        };
        if self.applied.get(&key) == Some(m) {
            return Response::Applied(Box::new(old), "unchanged");
        }
        // An object no `apply` made has no last-applied configuration: kubectl warns, and
        // the patch adds one.
        let annotated = self.applied.contains_key(&key);
        let r = self.update_from(cx, new);
        match self.keep_annotations(r, annotations_of(m)) {
            Response::Object(o) => {
                cx.trace(TraceEvent::Log {
                    line: format!(
                        "configured {} {}/{}",
                        o.kind().singular(),
                        o.meta.namespace,
                        o.meta.name
                    ),
                });
                self.applied.insert(key, m.clone());
                Response::Applied(
                    o,
                    if annotated {
                        "configured"
                    } else {
                        "configured (no last-applied)"
                    },
                )
            }
            other => other,
        }
    }

    /// `kubectl replace`: the object's spec replaced; it must exist.
    fn replace(&mut self, cx: &mut Ctx<'_, Net>, m: &Manifest, ns: &str) -> Response {
        match super::admission::admit(m, ns) {
            Ok(o) => {
                let r = self.update_from(cx, o);
                let r = self.keep_annotations(r, annotations_of(m));
                if let Response::Object(o) = &r {
                    self.applied.remove(&o.key());
                }
                r
            }
            Err(e) => refused(e),
        }
    }

    /// An existing object's spec replaced by `new`'s (the server keeps its name, uid,
    /// creation time, ClusterIP and NodePorts). What may change follows the apiserver's
    /// update validation: a pod's spec is immutable but for its images.
    fn update_from(&mut self, cx: &mut Ctx<'_, Net>, new: NewObject) -> Response {
        let key = (
            new.kind(),
            new.namespace().to_string(),
            new.name().to_string(),
        );
        let key = if key.0.namespaced() {
            key
        } else {
            (key.0, String::new(), key.2)
        };
        let Some(mut obj) = self.objects.get(&key).cloned() else {
            return not_found(key.0, &key.2);
        };
        let invalid = |msg: String| Response::Error {
            code: 422,
            reason: "Invalid".into(),
            message: format!("{} \"{}\" is invalid: {msg}", key.0.name(), key.2),
        };
        match (&mut obj.body, new) {
            (Body::Namespace, NewObject::Namespace(n)) => obj.meta.labels = n.labels,
            (Body::ConfigMap(data), NewObject::ConfigMap(c)) => {
                *data = c.data;
                obj.meta.labels = c.labels;
            }
            (Body::Service(s), NewObject::Service(n)) => {
                let type_ = n.type_.clone().unwrap_or_else(|| "ClusterIP".into());
                // Between ClusterIP, NodePort and LoadBalancer (a Service with a ClusterIP)
                // the type may change: node ports are allocated or released.
                let with_ip = |t: &str| matches!(t, "ClusterIP" | "NodePort" | "LoadBalancer");
                if type_ != s.type_
                    && !(with_ip(&type_) && with_ip(&s.type_) && s.cluster_ip.is_some())
                {
                    return Response::Error {
                        code: 501,
                        reason: "NotImplemented".into(),
                        message: format!(
                            "changing a Service's type ({} to {type_}) is not simulated yet for ExternalName or headless Services; delete it and create it again",
                            s.type_
                        ),
                    };
                }
                if let Some(ip) = n.cluster_ip.as_deref()
                    && Some(ip.to_string()) != s.cluster_ip.map(|c| c.to_string())
                    && !(ip == "None" && s.cluster_ip.is_none())
                {
                    return invalid(format!(
                        "spec.clusterIP: Invalid value: \"{ip}\": field is immutable"
                    ));
                }
                let old_ports: Vec<u16> = s
                    .ports
                    .iter()
                    .filter_map(|p| p.node_port.and_then(|n| u16::try_from(n).ok()))
                    .collect();
                // healthCheckNodePort: kept while the Service needs one (immutable then),
                // allocated when it comes to need one, released when it no longer does.
                let old_hc = s.policy.health_check_node_port;
                let needs_hc = type_ == "LoadBalancer" && n.policy.external_local;
                let mut new_hc = None;
                let hc = match (needs_hc, old_hc, n.policy.health_check_node_port) {
                    (false, ..) => None,
                    (true, Some(old), Some(asked)) if asked != old => {
                        return invalid(
                            "spec.healthCheckNodePort: Forbidden: field is immutable".into(),
                        );
                    }
                    (true, Some(old), _) => Some(old),
                    (true, None, asked) => {
                        match self.node_ports.allocate_health_check(asked, cx.rng()) {
                            Ok(p) => {
                                new_hc = Some(p);
                                Some(p)
                            }
                            Err(msg) => return internal_error(msg),
                        }
                    }
                };
                let mut ports = n.ports;
                if matches!(type_.as_str(), "NodePort" | "LoadBalancer") {
                    let mut got = Vec::new();
                    for (i, p) in ports.iter_mut().enumerate() {
                        // A NodePort the update does not name keeps the one it had.
                        if p.node_port.is_none() {
                            p.node_port = s
                                .ports
                                .iter()
                                .find(|o| o.port == p.port && o.protocol() == p.protocol())
                                .and_then(|o| o.node_port);
                        }
                        let kept = p
                            .node_port
                            .and_then(|n| u16::try_from(n).ok())
                            .is_some_and(|n| old_ports.contains(&n));
                        if kept {
                            continue;
                        }
                        let r = match p.node_port {
                            Some(n) => self.node_ports.allocate(i, n),
                            None => self.node_ports.allocate_next(cx.rng()),
                        };
                        match r {
                            Ok(n) => {
                                p.node_port = Some(u32::from(n));
                                got.push(n);
                            }
                            Err(e) => {
                                for n in got.into_iter().chain(new_hc) {
                                    self.node_ports.release(n);
                                }
                                return invalid(e.to_string());
                            }
                        }
                    }
                } else {
                    // The apiserver drops the node ports of a Service that no longer has
                    // the type for them.
                    for p in &mut ports {
                        p.node_port = None;
                    }
                }
                for n in old_ports {
                    if !ports.iter().any(|p| p.node_port == Some(u32::from(n))) {
                        self.node_ports.release(n);
                    }
                }
                if let Some(old) = old_hc
                    && hc != Some(old)
                {
                    self.node_ports.release(old);
                }
                s.policy = super::api::TrafficPolicy {
                    health_check_node_port: hc,
                    ..n.policy
                };
                s.type_ = type_;
                s.ports = ports;
                s.selector = n.selector;
                s.publish_not_ready = n.publish_not_ready;
                s.affinity = self.affinity(n.affinity);
                s.external_name = n.external_name;
                obj.meta.labels = n.labels;
            }
            (Body::Secret(old), NewObject::Stored(n)) => {
                let Body::Secret(new) = n.body else {
                    return not_found(key.0, &key.2);
                };
                // ValidateSecretUpdate: the type is immutable.
                if new.type_ != old.type_ {
                    return invalid(format!(
                        "type: Invalid value: \"{}\": field is immutable",
                        new.type_
                    ));
                }
                *old = new;
                obj.meta.labels = n.labels;
            }
            (
                Body::Endpoints(_) | Body::EndpointSlice(_) | Body::NetworkPolicy(_),
                NewObject::Stored(n),
            ) => {
                obj.body = n.body;
                obj.meta.labels = n.labels;
            }
            (Body::Workload(w), new) => {
                let Some(r) = new.workload() else {
                    return not_found(key.0, &key.2);
                };
                if w.kind != Kind::DaemonSet {
                    w.replicas = r.replicas;
                }
                if w.kind != Kind::ReplicationController && r.selector != w.selector {
                    return invalid(format!(
                        "spec.selector: Invalid value: {}: field is immutable",
                        super::api::selector_text(&r.selector)
                    ));
                }
                w.selector = r.selector.clone();
                w.template_labels = r.template_labels.clone();
                w.template_annotations = r.template_annotations.clone();
                w.containers = r.containers.clone();
                w.spec = r.spec.clone();
                w.rollout = r.rollout.clone();
                w.stateful = r.stateful.clone();
                // A Job's template and counts are immutable (only parallelism may change).
                if w.kind == Kind::Job {
                    w.job.parallelism = r.job.parallelism;
                }
                obj.meta.labels = r.labels.clone();
                // The controller's own annotation stays; the rest are the new object's.
                let revision = obj.meta.annotations.remove(REVISION);
                obj.meta.annotations = r.annotations.clone();
                if let Some(rev) = revision {
                    obj.meta.annotations.insert(REVISION.into(), rev);
                }
            }
            (Body::Pod(p), NewObject::Pod(n)) => {
                let same_but_images = p.containers.len() == n.containers.len()
                    && p.containers.iter().zip(&n.containers).all(|(a, b)| {
                        Container {
                            image: None,
                            ..a.clone()
                        } == Container {
                            image: None,
                            ..b.clone()
                        }
                    })
                    && n.spec
                        .node_name
                        .as_ref()
                        .is_none_or(|n| p.node.as_ref() == Some(n))
                    && p.spec.defaulted() == n.spec.defaulted();
                if !same_but_images {
                    return invalid("spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)".into());
                }
                if p.containers != n.containers {
                    return Response::Error {
                        code: 501,
                        reason: "NotImplemented".into(),
                        message: "changing a running pod's image is not simulated yet (kubelet would restart the container)".into(),
                    };
                }
                obj.meta.labels = n.labels;
                // Relabelled out of its controller's selector: the controller releases it
                // (removes its ownerReference) and no longer counts it, so it makes
                // another (the ReplicaSet controller's orphaning).
                if let Some((k, owner)) = obj.meta.owner.clone() {
                    let still = self
                        .objects
                        .get(&(k, key.1.clone(), owner))
                        .and_then(Object::workload)
                        .is_some_and(|w| selects(&w.selector, &obj.meta.labels));
                    if !still && k != Kind::DaemonSet {
                        obj.meta.owner = None;
                        obj.meta.owner_uid = String::new();
                    }
                }
            }
            _ => return not_found(key.0, &key.2),
        }
        self.put(cx, obj.clone());
        if key.0 == Kind::Service || key.0 == Kind::Pod {
            self.sync_endpoints(cx, &key.1);
        }
        self.reconcile(cx);
        Response::Object(Box::new(obj))
    }

    fn create(&mut self, cx: &mut Ctx<'_, Net>, m: NewObject) -> Response {
        let key = (m.kind(), m.namespace().to_string(), m.name().to_string());
        if self.objects.contains_key(&key) {
            return Response::Error {
                code: 409,
                reason: "AlreadyExists".into(),
                message: format!("{} \"{}\" already exists", m.kind().plural(), m.name()),
            };
        }
        if let NewObject::Namespace(n) = &m {
            // A DNS-1123 label: the namespace is a label of every name in it.
            if !dns_label(&n.name) {
                return Response::Error {
                    code: 422,
                    reason: "Invalid".into(),
                    message: format!(
                        "Namespace \"{}\" is invalid: metadata.name: Invalid value: \"{}\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
                        n.name, n.name
                    ),
                };
            }
            let meta = Self::meta(cx, &n.name, "", n.labels.clone());
            let obj = Object {
                meta,
                body: Body::Namespace,
            };
            self.put(cx, obj.clone());
            self.announce(cx, &obj);
            return Response::Object(Box::new(obj));
        }
        match self
            .objects
            .get(&(Kind::Namespace, String::new(), m.namespace().to_string()))
        {
            None => {
                return Response::Error {
                    code: 404,
                    reason: "NotFound".into(),
                    message: format!("namespaces \"{}\" not found", m.namespace()),
                };
            }
            // The NamespaceLifecycle admission plugin: nothing new in a namespace that is
            // being deleted.
            Some(n) if n.meta.deletion.is_some() => {
                return Response::Error {
                    code: 403,
                    reason: "Forbidden".into(),
                    message: format!(
                        "{} \"{}\" is forbidden: unable to create new content in namespace {} because it is being terminated",
                        m.kind().plural(),
                        m.name(),
                        m.namespace()
                    ),
                };
            }
            Some(_) => {}
        }
        match m {
            NewObject::Service(s) => {
                let invalid = |msg: String| Response::Error {
                    code: 422,
                    reason: "Invalid".into(),
                    message: format!("Service \"{}\" is invalid: {msg}", s.name),
                };
                let type_ = s.type_.clone().unwrap_or_else(|| "ClusterIP".into());
                if !["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"]
                    .contains(&type_.as_str())
                {
                    return invalid(format!(
                        "spec.type: Unsupported value: \"{type_}\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""
                    ));
                }
                if !dns_label(&s.name) {
                    return invalid(format!(
                        "metadata.name: Invalid value: \"{}\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
                        s.name
                    ));
                }
                for (i, p) in s.ports.iter().enumerate() {
                    if !p.name.is_empty() && !dns_label(&p.name) {
                        return invalid(format!(
                            "spec.ports[{i}].name: Invalid value: \"{}\": a DNS-1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
                            p.name
                        ));
                    }
                    if !matches!(p.protocol(), "TCP" | "UDP") {
                        return invalid(format!(
                            "spec.ports[{i}].protocol: Unsupported value: \"{}\": supported values: \"TCP\", \"UDP\" (SCTP is not simulated)",
                            p.protocol()
                        ));
                    }
                    if p.port == 0 {
                        return invalid(format!(
                            "spec.ports[{i}].port: Invalid value: 0: must be between 1 and 65535, inclusive"
                        ));
                    }
                }
                let mut external_ips = Vec::new();
                for (i, e) in s.external_ips.iter().enumerate() {
                    match e.parse::<Ipv4Addr>() {
                        Ok(ip) => external_ips.push(ip),
                        Err(_) => {
                            return invalid(format!(
                                "spec.externalIPs[{i}]: Invalid value: \"{e}\": must be a valid IP address, (e.g. 10.9.8.7)"
                            ));
                        }
                    }
                }
                // Allocate only once everything else is valid; release on a later error.
                let cluster_ip = match (type_.as_str(), s.cluster_ip.as_deref()) {
                    ("ExternalName", _) | (_, Some("None")) => None,
                    (_, Some(ip)) => {
                        let Ok(parsed) = ip.parse::<Ipv4Addr>() else {
                            return invalid(format!(
                                "spec.clusterIP: Invalid value: \"{ip}\": must be empty, 'None', or a valid IP address"
                            ));
                        };
                        match self.ips.allocate(parsed) {
                            Ok(a) => Some(a),
                            Err(e) => {
                                return invalid(format!(
                                    "spec.clusterIP: Invalid value: \"{ip}\": {e}"
                                ));
                            }
                        }
                    }
                    (_, None) => match self.ips.allocate_next(cx.rng()) {
                        Ok(a) => Some(a),
                        Err(e) => {
                            return Response::Error {
                                code: 500,
                                reason: "InternalError".into(),
                                message: format!(
                                    "Internal error occurred: failed to allocate a serviceIP: {e}"
                                ),
                            };
                        }
                    },
                };
                let mut ports = s.ports.clone();
                if matches!(type_.as_str(), "NodePort" | "LoadBalancer") {
                    let mut got = Vec::new();
                    for (i, p) in ports.iter_mut().enumerate() {
                        let r = match p.node_port {
                            Some(n) => self.node_ports.allocate(i, n),
                            None => self.node_ports.allocate_next(cx.rng()),
                        };
                        match r {
                            Ok(n) => {
                                p.node_port = Some(u32::from(n));
                                got.push(n);
                            }
                            Err(e) => {
                                for n in got {
                                    self.node_ports.release(n);
                                }
                                if let Some(ip) = cluster_ip {
                                    self.ips.release(ip);
                                }
                                return invalid(e.to_string());
                            }
                        }
                    }
                } else if let Some((i, p)) = ports
                    .iter()
                    .enumerate()
                    .find(|(_, p)| p.node_port.is_some())
                {
                    if let Some(ip) = cluster_ip {
                        self.ips.release(ip);
                    }
                    return invalid(format!(
                        "spec.ports[{i}].nodePort: Forbidden: may not be used when `type` is '{type_}' (nodePort {})",
                        p.node_port.unwrap_or_default()
                    ));
                }
                // A LoadBalancer Service with externalTrafficPolicy Local gets a
                // healthCheckNodePort (the one asked for, else the next free).
                let mut policy = s.policy;
                policy.health_check_node_port = None;
                if type_ == "LoadBalancer" && s.policy.external_local {
                    match self
                        .node_ports
                        .allocate_health_check(s.policy.health_check_node_port, cx.rng())
                    {
                        Ok(p) => policy.health_check_node_port = Some(p),
                        Err(msg) => {
                            for n in ports.iter().filter_map(|p| p.node_port) {
                                self.node_ports.release(n as u16);
                            }
                            if let Some(ip) = cluster_ip {
                                self.ips.release(ip);
                            }
                            return internal_error(msg);
                        }
                    }
                }
                // The load balancer's address (a bare-metal pool's, `kubernetes.load_balancer`):
                // `spec.loadBalancerIP` when it is in the pool and free, else the pool's
                // first free address.
                let ingress: Vec<Ipv4Addr> = if type_ == "LoadBalancer" {
                    self.lb_address(s.load_balancer_ip.as_deref())
                        .into_iter()
                        .collect()
                } else {
                    Vec::new()
                };
                let meta = Self::meta(cx, &s.name, m_ns(&s.namespace), s.labels.clone());
                let obj = Object {
                    meta,
                    body: Body::Service(Service {
                        type_: type_.clone(),
                        cluster_ip,
                        ports,
                        selector: s.selector.clone(),
                        external_ips,
                        external_name: s.external_name.clone(),
                        ingress,
                        publish_not_ready: s.publish_not_ready,
                        affinity: self.affinity(s.affinity),
                        policy,
                    }),
                };
                self.put(cx, obj.clone());
                self.announce(cx, &obj);
                if type_ == "LoadBalancer" {
                    self.say_load_balancer(cx, &meta_name(&s), &ingress_text(&obj));
                }
                self.sync_endpoints(cx, &obj.meta.namespace);
                Response::Object(Box::new(obj))
            }
            NewObject::Pod(p) => {
                let meta = Self::meta(cx, &p.name, m_ns(&p.namespace), p.labels.clone());
                let obj = Object {
                    meta,
                    body: Body::Pod(Box::new(Pod {
                        node: p.spec.node_name.clone(),
                        containers: p.containers.clone(),
                        spec: p.spec.clone(),
                        phase: Phase::Pending,
                        ip: None,
                        host_ip: None,
                        ready: false,
                        started: None,
                        statuses: Vec::new(),
                        init_statuses: Vec::new(),
                    })),
                };
                self.put(cx, obj.clone());
                self.announce(cx, &obj);
                self.reconcile(cx);
                Response::Object(Box::new(obj))
            }
            NewObject::ConfigMap(c) => {
                let meta = Self::meta(cx, &c.name, m_ns(&c.namespace), c.labels.clone());
                let obj = Object {
                    meta,
                    body: Body::ConfigMap(c.data.clone()),
                };
                self.put(cx, obj.clone());
                self.announce(cx, &obj);
                Response::Object(Box::new(obj))
            }
            NewObject::Stored(st) => {
                if let Some(e) = self.unserved(st.body.kind()) {
                    return e;
                }
                let meta = Self::meta(cx, &st.name, m_ns(&st.namespace), st.labels.clone());
                let obj = Object {
                    meta,
                    body: st.body,
                };
                self.put(cx, obj.clone());
                self.announce(cx, &obj);
                Response::Object(Box::new(obj))
            }
            m => {
                let kind = m.kind();
                let r = m.workload().expect("the rest are workloads");
                if r.selector.is_empty()
                    && kind != Kind::ReplicationController
                    && (kind != Kind::Job || r.job.manual)
                {
                    return Response::Error {
                        code: 422,
                        reason: "Invalid".into(),
                        message: format!(
                            "{} \"{}\" is invalid: spec.selector: Required value",
                            kind.name(),
                            r.name
                        ),
                    };
                }
                if let Err((_, message)) = r.spec.validate() {
                    return Response::Error {
                        code: 422,
                        reason: "Invalid".into(),
                        message: format!(
                            "{} \"{}\" is invalid: spec.template.{message}",
                            kind.name(),
                            r.name
                        ),
                    };
                }
                let mut meta = Self::meta(cx, &r.name, m_ns(&r.namespace), r.labels.clone());
                meta.annotations = r.annotations.clone();
                let mut r = r.clone();
                if kind == Kind::Job && !r.job.manual {
                    // The apiserver's selector for a Job (no manualSelector): its uid, as
                    // labels on the template too, with its name.
                    let mut pairs = vec![
                        ("controller-uid", meta.uid.clone()),
                        ("job-name", r.name.clone()),
                    ];
                    if self.cfg.version.era() == Era::Modern {
                        pairs.push(("batch.kubernetes.io/controller-uid", meta.uid.clone()));
                        pairs.push(("batch.kubernetes.io/job-name", r.name.clone()));
                    }
                    // Since 1.27 the selector is on the batch.kubernetes.io label alone.
                    let key = match self.cfg.version.era() {
                        Era::Modern => "batch.kubernetes.io/controller-uid",
                        Era::Classic => "controller-uid",
                    };
                    r.selector = [(key.to_string(), meta.uid.clone())].into();
                    for (k, v) in pairs {
                        r.template_labels.insert(k.into(), v);
                    }
                    if meta.labels.is_empty() {
                        meta.labels = r.template_labels.clone();
                    }
                }
                let r = &r;
                let obj = Object {
                    meta,
                    body: Body::Workload(super::api::Rc {
                        kind,
                        replicas: if kind == Kind::DaemonSet {
                            0
                        } else {
                            r.replicas
                        },
                        selector: r.selector.clone(),
                        template_labels: if r.template_labels.is_empty() {
                            r.selector.clone()
                        } else {
                            r.template_labels.clone()
                        },
                        template_annotations: r.template_annotations.clone(),
                        containers: r.containers.clone(),
                        spec: r.spec.clone(),
                        current: 0,
                        ready: 0,
                        updated: 0,
                        rollout: r.rollout.clone(),
                        stateful: r.stateful.clone(),
                        job: r.job.clone(),
                    }),
                };
                self.put(cx, obj.clone());
                self.announce(cx, &obj);
                self.reconcile(cx);
                Response::Object(Box::new(obj))
            }
        }
    }

    /// The controllers, then the scheduler: each Deployment has its ReplicaSet, each
    /// DaemonSet a pod on every node, each ReplicationController and ReplicaSet as many
    /// pods as it wants.
    ///
    /// The controllers answer each other's writes (a Deployment scales a ReplicaSet, whose
    /// pods change its status, which the Deployment reads to go on with a rollout), as
    /// their informers would within moments: they run again until nothing changes (a few
    /// rounds at most: each round that writes waits on nothing but the previous one).
    fn reconcile(&mut self, cx: &mut Ctx<'_, Net>) {
        for _ in 0..8 {
            let before = self.version;
            self.deployments(cx);
            self.daemonsets(cx);
            self.statefulsets(cx);
            self.jobs(cx);
            self.replicate(cx);
            if self.version == before {
                break;
            }
        }
        self.schedule(cx);
    }

    fn workloads(&self, kinds: &[Kind]) -> Vec<Object> {
        self.objects
            .values()
            .filter(|o| kinds.contains(&o.kind()))
            .cloned()
            .collect()
    }

    /// The pods a controller owns.
    fn owned(&self, owner: &Object) -> Vec<&Object> {
        let want = Some((owner.kind(), owner.meta.name.clone()));
        self.objects
            .values()
            .filter(|o| o.meta.namespace == owner.meta.namespace && o.meta.owner == want)
            .collect()
    }

    /// The deployment controller (pkg/controller/deployment): a Deployment owns a
    /// ReplicaSet per pod template it has had, `<name>-<pod-template-hash>`, whose
    /// selector and pods carry that hash as the label `pod-template-hash`, numbered by the
    /// annotation `deployment.kubernetes.io/revision`. The one of the current template is
    /// the new ReplicaSet (made when the template changes, or taken back with a higher
    /// revision when the template returns to an old one: `rollout undo`); the others are
    /// old. `RollingUpdate` scales the new one up within `maxSurge` and the old ones down
    /// within `maxUnavailable` as new pods become ready (rolling.go); `Recreate` scales the
    /// old ones to 0 and makes new pods once the old ones are gone (recreate.go). Old
    /// ReplicaSets without pods beyond `revisionHistoryLimit` are deleted, oldest first.
    fn deployments(&mut self, cx: &mut Ctx<'_, Net>) {
        for d in self.workloads(&[Kind::Deployment]) {
            let Body::Workload(w) = &d.body else { continue };
            let hash = super::alloc::template_hash(&template_text(w), self.cfg.version.era());
            let new_name = format!("{}-{hash}", d.meta.name);
            let mut old: Vec<Object> = self
                .owned(&d)
                .into_iter()
                .filter(|o| o.kind() == Kind::ReplicaSet && o.meta.name != new_name)
                .cloned()
                .collect();
            old.sort_by_key(|o| (super::api::revision(&o.meta), o.meta.created));
            let max_old = old
                .iter()
                .map(|o| super::api::revision(&o.meta))
                .max()
                .unwrap_or(0);
            let sets = |o: &[Object]| -> (u32, u32, u32) {
                o.iter()
                    .filter_map(Object::workload)
                    .fold((0, 0, 0), |a, r| {
                        (a.0 + r.replicas, a.1 + r.current, a.2 + r.ready)
                    })
            };
            let key = (Kind::ReplicaSet, d.meta.namespace.clone(), new_name.clone());
            let mut new = self.objects.get(&key).cloned();
            // An old template back again (an undo): its ReplicaSet is the newest revision.
            if let Some(n) = &mut new
                && super::api::revision(&n.meta) <= max_old
            {
                n.meta
                    .annotations
                    .insert(REVISION.into(), (max_old + 1).to_string());
                self.put(cx, n.clone());
            }
            let (old_replicas, old_current, _) = sets(&old);
            // sync.go: a paused Deployment makes no new ReplicaSet (its changed template
            // waits for `rollout resume`); it only scales the ones it has.
            if new.is_none() && !w.rollout.paused {
                let replicas = if w.rollout.recreate {
                    // recreate.go: the new ReplicaSet waits until no old pod runs.
                    if old_replicas > 0 || old_current > 0 {
                        None
                    } else {
                        Some(w.replicas)
                    }
                } else {
                    let (surge, _) = w.rollout.fenceposts(w.replicas);
                    Some(
                        (w.replicas + surge)
                            .saturating_sub(old_replicas)
                            .min(w.replicas),
                    )
                };
                if let Some(replicas) = replicas {
                    if self.refuse_create(cx, &d, Kind::ReplicaSet, &new_name) {
                        continue;
                    }
                    new = Some(self.new_replica_set(cx, &d, w, &hash, replicas, max_old + 1));
                }
            }
            let era = self.cfg.version.era();
            if w.rollout.paused {
                self.scale_paused(cx, &d, w, new.as_ref(), &old, era);
            } else if w.rollout.recreate {
                for o in &old {
                    self.scale_replica_set(cx, &d, o, 0, era);
                }
                if let Some(n) = &new
                    && old_current == 0
                {
                    self.scale_replica_set(cx, &d, n, w.replicas, era);
                }
            } else if let Some(n) = &new {
                self.roll(cx, &d, w, n, &old, era);
            }
            // Status from the ReplicaSets as they are now.
            let mut all: Vec<Object> = self
                .owned(&d)
                .into_iter()
                .filter(|o| o.kind() == Kind::ReplicaSet)
                .cloned()
                .collect();
            let updated = all
                .iter()
                .find(|o| o.meta.name == new_name)
                .and_then(Object::workload)
                .map_or(0, |r| r.current);
            let revision = all
                .iter()
                .find(|o| o.meta.name == new_name)
                .map(|o| super::api::revision(&o.meta));
            all.retain(|o| o.kind() == Kind::ReplicaSet);
            let (_, current, ready) = sets(&all);
            let Some(mut now) = self.objects.get(&d.key()).cloned() else {
                continue;
            };
            let mut changed = false;
            if let Some(r) = revision
                && now.meta.annotations.get(REVISION) != Some(&r.to_string())
            {
                now.meta.annotations.insert(REVISION.into(), r.to_string());
                changed = true;
            }
            if let Body::Workload(x) = &mut now.body
                && (x.current, x.ready, x.updated) != (current, ready, updated)
            {
                (x.current, x.ready, x.updated) = (current, ready, updated);
                changed = true;
            }
            if changed {
                self.put(cx, now);
            }
            // Old ReplicaSets go only once the rollout is complete (DeploymentComplete).
            if (updated, current, ready) == (w.replicas, w.replicas, w.replicas) {
                self.clean_history(cx, &d, w, &new_name);
            }
        }
    }

    /// sync.go's `scale`, for a paused Deployment: with one ReplicaSet that has pods (or
    /// none: the new one, else the newest old one) that one gets `replicas`; when the new
    /// one is saturated the old ones go to 0; with several that have pods each gets its
    /// share of `replicas` in proportion to its size, the rest to the largest.
    /// Simplification: the real controller shares `replicas + maxSurge` by the sets'
    /// `desired-replicas` annotations, which the simulator does not keep.
    fn scale_paused(
        &mut self,
        cx: &mut Ctx<'_, Net>,
        d: &Object,
        w: &super::api::Rc,
        new: Option<&Object>,
        old: &[Object],
        era: Era,
    ) {
        let sets: Vec<Object> = new
            .into_iter()
            .chain(old.iter().rev())
            .filter_map(|o| self.objects.get(&o.key()).cloned())
            .collect();
        let size = |o: &Object| o.workload().map_or((0, 0), |r| (r.replicas, r.ready));
        let active: Vec<&Object> = sets.iter().filter(|o| size(o).0 > 0).collect();
        if active.len() <= 1 {
            if let Some(o) = active.first().copied().or(sets.first()) {
                self.scale_replica_set(cx, d, o, w.replicas, era);
            }
            return;
        }
        if let Some(n) = new.and_then(|n| sets.iter().find(|o| o.meta.name == n.meta.name))
            && size(n) == (w.replicas, w.replicas)
        {
            for o in sets.iter().filter(|o| o.meta.name != n.meta.name) {
                self.scale_replica_set(cx, d, o, 0, era);
            }
            return;
        }
        let total: u32 = active.iter().map(|o| size(o).0).sum();
        if total == w.replicas {
            return;
        }
        let mut by_size = active.clone();
        by_size.sort_by_key(|o| std::cmp::Reverse(size(o).0));
        let mut shares: Vec<u32> = by_size
            .iter()
            .map(|o| (u64::from(size(o).0) * u64::from(w.replicas) / u64::from(total)) as u32)
            .collect();
        shares[0] += w.replicas - shares.iter().sum::<u32>();
        for (o, n) in by_size.into_iter().zip(shares) {
            self.scale_replica_set(cx, d, o, n, era);
        }
    }

    /// rolling.go's `reconcileNewReplicaSet` then `reconcileOldReplicaSets`: the new
    /// ReplicaSet up to `replicas + maxSurge` pods in all, the old ones down so that at
    /// least `replicas - maxUnavailable` pods stay available (ready: minReadySeconds is 0).
    /// As the controller returns after a scale-up, the old ones wait for the next pass.
    fn roll(
        &mut self,
        cx: &mut Ctx<'_, Net>,
        d: &Object,
        w: &super::api::Rc,
        new: &Object,
        old: &[Object],
        era: Era,
    ) {
        let Some(n) = self
            .objects
            .get(&new.key())
            .and_then(Object::workload)
            .cloned()
        else {
            return;
        };
        let count = |o: &Object| o.workload().map_or((0, 0), |r| (r.replicas, r.ready));
        let old: Vec<Object> = old
            .iter()
            .filter_map(|o| self.objects.get(&o.key()).cloned())
            .collect();
        let old_replicas: u32 = old.iter().map(|o| count(o).0).sum();
        let (surge, unavailable) = w.rollout.fenceposts(w.replicas);
        if n.replicas > w.replicas {
            self.scale_replica_set(cx, d, new, w.replicas, era);
            return;
        }
        if n.replicas < w.replicas {
            let total = n.replicas + old_replicas;
            let max_total = w.replicas + surge;
            if total < max_total {
                let up = (max_total - total).min(w.replicas - n.replicas);
                self.scale_replica_set(cx, d, new, n.replicas + up, era);
                return;
            }
        }
        if old_replicas == 0 {
            return;
        }
        let all = n.replicas + old_replicas;
        let min_available = w.replicas.saturating_sub(unavailable);
        let new_unavailable = n.replicas.saturating_sub(n.ready);
        let max_scaled_down =
            i64::from(all) - i64::from(min_available) - i64::from(new_unavailable);
        if max_scaled_down <= 0 {
            return;
        }
        // cleanupUnhealthyReplicas: old pods that are not ready go first, oldest set
        // first.
        let mut budget = max_scaled_down as u32;
        let mut target: Vec<u32> = old.iter().map(|o| count(o).0).collect();
        for (o, t) in old.iter().zip(&mut target) {
            let (replicas, ready) = count(o);
            let unhealthy = replicas.saturating_sub(ready).min(budget);
            budget -= unhealthy;
            *t -= unhealthy;
        }
        // scaleDownOldReplicaSetsForRollingUpdate: then ready ones, while enough stay.
        let available: u32 = n.ready
            + old
                .iter()
                .zip(&target)
                .map(|(o, t)| count(o).1.min(*t))
                .sum::<u32>();
        let mut down = available.saturating_sub(min_available).min(budget);
        for t in &mut target {
            let by = (*t).min(down);
            down -= by;
            *t -= by;
        }
        for (o, t) in old.iter().zip(target) {
            self.scale_replica_set(cx, d, o, t, era);
        }
    }

    /// A Deployment's ReplicaSet for a template it has not run before: the template's
    /// labels and selector with its hash, the revision it is, `replicas` pods.
    fn new_replica_set(
        &mut self,
        cx: &mut Ctx<'_, Net>,
        d: &Object,
        w: &super::api::Rc,
        hash: &str,
        replicas: u32,
        revision: u64,
    ) -> Object {
        let name = format!("{}-{hash}", d.meta.name);
        let mut rs = w.clone();
        rs.kind = Kind::ReplicaSet;
        rs.replicas = replicas;
        rs.current = 0;
        rs.ready = 0;
        rs.updated = 0;
        rs.rollout = super::api::Rollout::default();
        rs.selector
            .insert("pod-template-hash".into(), hash.to_string());
        rs.template_labels
            .insert("pod-template-hash".into(), hash.to_string());
        let labels = rs.template_labels.clone();
        let mut meta = Self::meta(cx, &name, &d.meta.namespace, labels);
        meta.owner = Some((Kind::Deployment, d.meta.name.clone()));
        meta.owner_uid = d.meta.uid.clone();
        meta.annotations
            .insert(REVISION.into(), revision.to_string());
        if let Some(c) = d.meta.annotations.get(super::api::CHANGE_CAUSE) {
            meta.annotations
                .insert(super::api::CHANGE_CAUSE.into(), c.clone());
        }
        if replicas > 0 {
            self.scaling_event(cx, d, format!("Scaled up replica set {name} to {replicas}"));
        }
        let obj = Object {
            meta,
            body: Body::Workload(rs),
        };
        self.put(cx, obj.clone());
        obj
    }

    /// A Deployment's ReplicaSet to `replicas` (its `ScalingReplicaSet` event: today's
    /// controller says from how many, 1.5's did not).
    fn scale_replica_set(
        &mut self,
        cx: &mut Ctx<'_, Net>,
        d: &Object,
        rs: &Object,
        replicas: u32,
        era: Era,
    ) {
        let Some(mut now) = self.objects.get(&rs.key()).cloned() else {
            return;
        };
        let Body::Workload(r) = &mut now.body else {
            return;
        };
        if r.replicas == replicas {
            return;
        }
        let dir = if replicas > r.replicas { "up" } else { "down" };
        let message = match era {
            Era::Classic => format!("Scaled {dir} replica set {} to {replicas}", rs.meta.name),
            Era::Modern => format!(
                "Scaled {dir} replica set {} to {replicas} from {}",
                rs.meta.name, r.replicas
            ),
        };
        r.replicas = replicas;
        self.scaling_event(cx, d, message);
        self.put(cx, now);
    }

    fn scaling_event(&mut self, cx: &mut Ctx<'_, Net>, d: &Object, message: String) {
        cx.trace(TraceEvent::Log {
            line: format!("deployment-controller: {message}"),
        });
        self.event(
            cx,
            &d.key(),
            "Normal",
            "ScalingReplicaSet",
            "deployment-controller",
            message,
        );
    }

    /// sync.go's `cleanupDeployment`: old ReplicaSets with no pods, beyond the history
    /// limit, oldest revision first.
    fn clean_history(&mut self, cx: &mut Ctx<'_, Net>, d: &Object, w: &super::api::Rc, new: &str) {
        let Some(limit) = w.rollout.history_limit else {
            return;
        };
        let mut old: Vec<Object> = self
            .owned(d)
            .into_iter()
            .filter(|o| o.kind() == Kind::ReplicaSet && o.meta.name != new)
            .cloned()
            .collect();
        if old.len() <= limit as usize {
            return;
        }
        old.sort_by_key(|o| (super::api::revision(&o.meta), o.meta.created));
        let extra = old.len() - limit as usize;
        for o in old.into_iter().take(extra) {
            if o.workload()
                .is_some_and(|r| r.replicas == 0 && r.current == 0)
            {
                cx.trace(TraceEvent::Log {
                    line: format!(
                        "deployment-controller: deleting old replica set {} (revision history limit {limit})",
                        o.meta.name
                    ),
                });
                self.remove(cx, &o.key());
            }
        }
    }

    /// The daemonset controller: one pod per node, bound to it (no scheduler).
    fn daemonsets(&mut self, cx: &mut Ctx<'_, Net>) {
        let nodes: Vec<String> = self
            .objects
            .values()
            .filter(|o| o.kind() == Kind::Node)
            .map(|o| o.meta.name.clone())
            .collect();
        for ds in self.workloads(&[Kind::DaemonSet]) {
            let Body::Workload(w) = &ds.body else {
                continue;
            };
            let have: Vec<Option<String>> = self
                .owned(&ds)
                .iter()
                .map(|o| o.pod().and_then(|p| p.node.clone()))
                .collect();
            for n in &nodes {
                if !have.contains(&Some(n.clone())) {
                    self.make_pod(cx, &ds, w, Some(n.clone()));
                }
            }
            let ready = self
                .owned(&ds)
                .iter()
                .filter(|o| o.pod().is_some_and(|p| p.ready))
                .count() as u32;
            let mut updated = ds.clone();
            if let Body::Workload(u) = &mut updated.body
                && (u.replicas, u.current, u.ready)
                    != (nodes.len() as u32, nodes.len() as u32, ready)
            {
                u.replicas = nodes.len() as u32;
                u.current = nodes.len() as u32;
                u.ready = ready;
                self.put(cx, updated);
            }
        }
    }

    /// The replication manager (ReplicationControllers) and the replicaset controller:
    /// as many pods as `replicas`, named `<owner>-<5 characters>` from the apiserver's
    /// stream. Too many pods: the controller deletes first the unscheduled, then the
    /// not running, then the not ready, then the newest (kubelet then kills them).
    fn replicate(&mut self, cx: &mut Ctx<'_, Net>) {
        for rc_obj in self.workloads(&[Kind::ReplicationController, Kind::ReplicaSet]) {
            let Body::Workload(rc) = &rc_obj.body else {
                continue;
            };
            let ns = rc_obj.meta.namespace.clone();
            let mut mine: Vec<(
                bool,
                bool,
                bool,
                std::cmp::Reverse<crate::engine::SimTime>,
                Key,
            )> = self
                .objects
                .values()
                .filter(|o| controls(&rc_obj, o))
                .map(|o| {
                    let p = o.pod();
                    (
                        p.is_some_and(|p| p.node.is_some()),
                        p.is_some_and(|p| p.phase == Phase::Running),
                        p.is_some_and(|p| p.ready),
                        std::cmp::Reverse(o.meta.created),
                        o.key(),
                    )
                })
                .collect();
            let have = mine.len() as u32;
            let who = controller_name(rc.kind);
            for _ in have..rc.replicas {
                self.make_pod(cx, &rc_obj, rc, None);
            }
            if have > rc.replicas {
                mine.sort();
                for (.., k) in mine.into_iter().take((have - rc.replicas) as usize) {
                    cx.trace(TraceEvent::Log {
                        line: format!(
                            "{who}: Deleted pod: {} ({} {ns}/{})",
                            k.2,
                            rc.kind.name(),
                            rc_obj.meta.name
                        ),
                    });
                    self.remove(cx, &k);
                }
            }
            let ready = self
                .objects
                .values()
                .filter(|o| controls(&rc_obj, o) && o.pod().is_some_and(|p| p.ready))
                .count() as u32;
            self.set_status(cx, &rc_obj, rc.replicas, ready);
        }
    }

    /// The NamespaceLifecycle admission plugin, for a controller's own create of a `kind`
    /// named `name` on behalf of `owner`: nothing new in a Terminating namespace. The
    /// controller's create fails and it logs why (as the replicaset controller's
    /// `FailedCreate`); true when refused.
    fn refuse_create(&self, cx: &mut Ctx<'_, Net>, owner: &Object, kind: Kind, name: &str) -> bool {
        let ns = &owner.meta.namespace;
        if !self.terminating(ns) {
            return false;
        }
        let who = match owner.body {
            Body::Workload(ref w) => controller_name(w.kind),
            _ => "controller",
        };
        cx.trace(TraceEvent::Log {
            line: format!(
                "{who}: Error creating: {} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated",
                kind.plural()
            ),
        });
        true
    }

    /// Whether namespace `ns` is being deleted (Terminating).
    fn terminating(&self, ns: &str) -> bool {
        self.objects
            .get(&(Kind::Namespace, String::new(), ns.to_string()))
            .is_some_and(|n| n.meta.deletion.is_some())
    }

    /// A controller's status: pods it has and pods ready.
    fn set_status(&mut self, cx: &mut Ctx<'_, Net>, obj: &Object, current: u32, ready: u32) {
        let Some(mut updated) = self.objects.get(&obj.key()).cloned() else {
            return;
        };
        if let Body::Workload(w) = &mut updated.body
            && (w.current, w.ready) != (current, ready)
        {
            w.current = current;
            w.ready = ready;
            self.put(cx, updated);
        }
    }

    /// A controller makes a pod from its template: bound to `node` (a DaemonSet's) or to
    /// the template's `nodeName`, else left to the scheduler.
    fn make_pod(
        &mut self,
        cx: &mut Ctx<'_, Net>,
        owner: &Object,
        w: &super::api::Rc,
        node: Option<String>,
    ) {
        let ns = owner.meta.namespace.clone();
        if self.refuse_create(cx, owner, Kind::Pod, &format!("{}-", owner.meta.name)) {
            return;
        }
        let name = loop {
            let n = super::alloc::pod_name(&owner.meta.name, cx.rng());
            if !self
                .objects
                .contains_key(&(Kind::Pod, ns.clone(), n.clone()))
            {
                break n;
            }
        };
        cx.trace(TraceEvent::Log {
            line: format!(
                "{}: Created pod: {name} ({} {ns}/{})",
                controller_name(w.kind),
                w.kind.name(),
                owner.meta.name
            ),
        });
        self.event(
            cx,
            &owner.key(),
            "Normal",
            "SuccessfulCreate",
            controller_name(w.kind),
            format!("Created pod: {name}"),
        );
        let node = node.or_else(|| w.spec.node_name.clone());
        let pod = NewPod {
            name,
            labels: w.template_labels.clone(),
            node,
            spec: w.spec.clone(),
        };
        self.put_pod(cx, owner, w, pod);
    }

    /// A controller's pod into the store: its owner, the template's containers.
    fn put_pod(&mut self, cx: &mut Ctx<'_, Net>, owner: &Object, w: &super::api::Rc, p: NewPod) {
        let mut meta = Self::meta(cx, &p.name, &owner.meta.namespace, p.labels);
        meta.owner = Some((w.kind, owner.meta.name.clone()));
        meta.owner_uid = owner.meta.uid.clone();
        self.put(
            cx,
            Object {
                meta,
                body: Body::Pod(Box::new(Pod {
                    node: p.node,
                    containers: w.containers.clone(),
                    spec: p.spec,
                    phase: Phase::Pending,
                    ip: None,
                    host_ip: None,
                    ready: false,
                    started: None,
                    statuses: Vec::new(),
                    init_statuses: Vec::new(),
                })),
            },
        );
    }

    /// The statefulset controller (pkg/controller/statefulset): pods `NAME-0`, `NAME-1`...
    /// (from `spec.ordinals.start`), each with the hostname of its name and the subdomain
    /// of `spec.serviceName` (so the headless Service gives it a DNS name), and the labels
    /// `statefulset.kubernetes.io/pod-name` and `controller-revision-hash` (today also
    /// `apps.kubernetes.io/pod-index`). OrderedReady makes a pod only when every lower one
    /// is Running and Ready; Parallel makes them all at once. A missing pod is made again
    /// under its name; surplus ones go highest ordinal first. Today's RollingUpdate: once
    /// all are Running and Ready, the highest-ordinal pod of an older template is deleted
    /// and made again from the new one (1.5's StatefulSets never updated their pods).
    fn statefulsets(&mut self, cx: &mut Ctx<'_, Net>) {
        let era = self.cfg.version.era();
        for st in self.workloads(&[Kind::StatefulSet]) {
            let Body::Workload(w) = &st.body else {
                continue;
            };
            let hash = super::alloc::template_hash(&template_text(w), era);
            let revision = format!("{}-{hash}", st.meta.name);
            let prefix = format!("{}-", st.meta.name);
            let ordinal =
                |o: &Object| -> Option<u32> { o.meta.name.strip_prefix(&prefix)?.parse().ok() };
            let mine: BTreeMap<u32, Object> = self
                .owned(&st)
                .into_iter()
                .filter(|o| o.kind() == Kind::Pod)
                .filter_map(|o| Some((ordinal(o)?, o.clone())))
                .collect();
            let healthy = |o: &Object| {
                o.pod()
                    .is_some_and(|p| p.phase == Phase::Running && p.ready)
            };
            let start = w.stateful.start;
            let end = start.saturating_add(w.replicas);
            for i in start..end {
                match mine.get(&i) {
                    Some(o) if !w.stateful.parallel && !healthy(o) => break,
                    Some(_) => {}
                    None => {
                        self.stateful_pod(cx, &st, w, i, &revision, era);
                        if !w.stateful.parallel {
                            break;
                        }
                    }
                }
            }
            // Surplus pods, highest ordinal first.
            for (i, o) in mine.iter().rev() {
                if *i < start || *i >= end {
                    self.stateful_delete(cx, &st, o);
                }
            }
            // RollingUpdate, in reverse ordinal order, one pod at a time.
            let all_healthy = (start..end).all(|i| mine.get(&i).is_some_and(healthy));
            if era == Era::Modern && all_healthy {
                let outdated = (start..end).rev().find_map(|i| {
                    mine.get(&i).filter(|o| {
                        o.meta.labels.get("controller-revision-hash") != Some(&revision)
                    })
                });
                if let Some(o) = outdated {
                    self.stateful_delete(cx, &st, o);
                }
            }
            let pods: Vec<&Object> = self
                .owned(&st)
                .into_iter()
                .filter(|o| o.kind() == Kind::Pod)
                .collect();
            let current = pods.len() as u32;
            let ready = pods.iter().filter(|o| healthy(o)).count() as u32;
            let updated = pods
                .iter()
                .filter(|o| o.meta.labels.get("controller-revision-hash") == Some(&revision))
                .count() as u32;
            self.set_counts(cx, &st.key(), (current, ready, updated));
        }
    }

    /// A workload's status counts (pods, ready, of the current template), written when
    /// they changed.
    fn set_counts(&mut self, cx: &mut Ctx<'_, Net>, key: &Key, counts: (u32, u32, u32)) {
        let Some(mut now) = self.objects.get(key).cloned() else {
            return;
        };
        if let Body::Workload(x) = &mut now.body
            && (x.current, x.ready, x.updated) != counts
        {
            (x.current, x.ready, x.updated) = counts;
            self.put(cx, now);
        }
    }

    /// The job controller (pkg/controller/job): a Job runs up to `parallelism` pods at
    /// once (no more than the completions still needed) and counts those that end
    /// Succeeded and Failed. Enough successes (`completions`; without it, one success and
    /// nothing still running) make it Complete; more failures than `backoffLimit` make it
    /// Failed (BackoffLimitExceeded), and so does running past `activeDeadlineSeconds`
    /// (DeadlineExceeded); its running pods are then deleted. Its pods stay after it
    /// ends. After a failure the next pod waits for the back-off (10 s, doubling).
    fn jobs(&mut self, cx: &mut Ctx<'_, Net>) {
        let now = cx.now();
        for job in self.workloads(&[Kind::Job]) {
            let Body::Workload(w) = &job.body else {
                continue;
            };
            if w.job.finished.is_some() {
                continue;
            }
            let pods: Vec<Object> = self
                .owned(&job)
                .into_iter()
                .filter(|o| o.kind() == Kind::Pod)
                .cloned()
                .collect();
            let phase = |o: &Object| o.pod().map(|p| p.phase.clone());
            let active: Vec<&Object> = pods
                .iter()
                .filter(|o| matches!(phase(o), Some(Phase::Pending | Phase::Running)))
                .collect();
            let succeeded = pods
                .iter()
                .filter(|o| phase(o) == Some(Phase::Succeeded))
                .count() as u32;
            let failed = pods
                .iter()
                .filter(|o| phase(o) == Some(Phase::Failed))
                .count() as u32;
            let mut b = w.job.clone();
            if failed > b.failed {
                b.failed_at = Some(now);
            }
            b.succeeded = succeeded;
            b.failed = failed;
            if b.start.is_none() {
                b.start = Some(now);
                // The controller looks again when the deadline comes.
                if let Some(d) = b.deadline {
                    cx.schedule(Dur::from_secs(d), Msg::Timer(T_CONTROLLERS));
                }
            }
            let past_deadline = match (b.deadline, b.start) {
                (Some(d), Some(start)) => now >= start + Dur::from_secs(d),
                _ => false,
            };
            let mut running = active.len() as u32;
            let done = match b.completions {
                Some(c) => succeeded >= c,
                None => succeeded >= 1 && active.is_empty(),
            };
            if failed > b.backoff_limit || past_deadline {
                let (reason, message) = if past_deadline {
                    (
                        "DeadlineExceeded",
                        "Job was active longer than specified deadline",
                    )
                } else {
                    (
                        "BackoffLimitExceeded",
                        "Job has reached the specified backoff limit",
                    )
                };
                for o in &active {
                    cx.trace(TraceEvent::Log {
                        line: format!(
                            "job-controller: Deleted pod: {} (Job {}/{}: {reason})",
                            o.meta.name, job.meta.namespace, job.meta.name
                        ),
                    });
                    self.remove(cx, &o.key());
                }
                running = 0;
                b.finished = Some(("Failed", reason, message, now));
                cx.trace(TraceEvent::Log {
                    line: format!(
                        "job-controller: {}/{}: {message}",
                        job.meta.namespace, job.meta.name
                    ),
                });
                self.event(
                    cx,
                    &job.key(),
                    "Warning",
                    reason,
                    "job-controller",
                    message.into(),
                );
                let ns = job.meta.namespace.clone();
                self.sync_endpoints(cx, &ns);
            } else if done {
                b.completed = Some(now);
                b.finished = Some(("Complete", "", "", now));
                cx.trace(TraceEvent::Log {
                    line: format!(
                        "job-controller: {}/{}: Job completed",
                        job.meta.namespace, job.meta.name
                    ),
                });
                self.event(
                    cx,
                    &job.key(),
                    "Normal",
                    "Completed",
                    "job-controller",
                    "Job completed".into(),
                );
            } else {
                let want = match b.completions {
                    Some(c) => b.parallelism.min(c - succeeded),
                    None if succeeded > 0 => 0,
                    None => b.parallelism,
                };
                // After a failure the next pod waits 10 s, doubling per failure up to
                // 10 min (the job controller's pod failure back-off).
                let retry_at = b.failed_at.map(|t| t + job_backoff(b.failed));
                match retry_at {
                    Some(at) if at > now && running < want => {
                        if w.job.failed_at != b.failed_at {
                            cx.schedule(at - now, Msg::Timer(T_CONTROLLERS));
                        }
                    }
                    _ => {
                        for _ in running..want {
                            self.make_pod(cx, &job, w, None);
                            running += 1;
                        }
                    }
                }
            }
            let ready = active
                .iter()
                .filter(|o| o.pod().is_some_and(|p| p.ready))
                .count() as u32;
            let Some(mut now_obj) = self.objects.get(&job.key()).cloned() else {
                continue;
            };
            if let Body::Workload(x) = &mut now_obj.body
                && (x.job != b || x.current != running || x.ready != ready)
            {
                x.job = b;
                x.current = running;
                x.ready = ready;
                self.put(cx, now_obj);
            }
        }
    }

    /// A StatefulSet's pod of ordinal `i`.
    fn stateful_pod(
        &mut self,
        cx: &mut Ctx<'_, Net>,
        st: &Object,
        w: &super::api::Rc,
        i: u32,
        revision: &str,
        era: Era,
    ) {
        let name = format!("{}-{i}", st.meta.name);
        if self.refuse_create(cx, st, Kind::Pod, &name) {
            return;
        }
        let mut labels = w.template_labels.clone();
        labels.insert("controller-revision-hash".into(), revision.to_string());
        labels.insert("statefulset.kubernetes.io/pod-name".into(), name.clone());
        if era == Era::Modern {
            labels.insert("apps.kubernetes.io/pod-index".into(), i.to_string());
        }
        let mut spec = w.spec.clone();
        spec.hostname = Some(name.clone());
        if !w.stateful.service_name.is_empty() {
            spec.subdomain = Some(w.stateful.service_name.clone());
        }
        let message = format!(
            "create Pod {name} in StatefulSet {} successful",
            st.meta.name
        );
        cx.trace(TraceEvent::Log {
            line: format!("statefulset-controller: {message}"),
        });
        self.event(
            cx,
            &st.key(),
            "Normal",
            "SuccessfulCreate",
            "statefulset-controller",
            message,
        );
        let node = w.spec.node_name.clone();
        self.put_pod(
            cx,
            st,
            w,
            NewPod {
                name,
                labels,
                node,
                spec,
            },
        );
    }

    /// A StatefulSet deletes one of its pods (kubelet then kills it).
    fn stateful_delete(&mut self, cx: &mut Ctx<'_, Net>, st: &Object, pod: &Object) {
        let message = format!(
            "delete Pod {} in StatefulSet {} successful",
            pod.meta.name, st.meta.name
        );
        cx.trace(TraceEvent::Log {
            line: format!("statefulset-controller: {message}"),
        });
        self.event(
            cx,
            &st.key(),
            "Normal",
            "SuccessfulDelete",
            "statefulset-controller",
            message,
        );
        self.remove(cx, &pod.key());
        let ns = pod.meta.namespace.clone();
        self.sync_endpoints(cx, &ns);
    }

    /// Records an event about an object from a control-plane component (no host, about
    /// the whole object).
    fn event(
        &mut self,
        cx: &mut Ctx<'_, Net>,
        about: &Key,
        type_: &'static str,
        reason: &str,
        from: &str,
        message: String,
    ) {
        let now = cx.now();
        let e = super::api::Event {
            type_,
            reason: reason.into(),
            from: from.into(),
            host: String::new(),
            field_path: String::new(),
            message,
            first: now,
            last: now,
            count: 1,
        };
        self.record(cx, about, e);
    }

    /// Keeps an event; the same one again counts up (as the event recorder's correlator
    /// does). `kubectl get events -w` watchers hear of it.
    fn record(&mut self, cx: &mut Ctx<'_, Net>, about: &Key, e: super::api::Event) {
        let list = self.events.entry(about.clone()).or_default();
        let same = |x: &super::api::Event| {
            x.reason == e.reason
                && x.from == e.from
                && x.host == e.host
                && x.field_path == e.field_path
                && x.message == e.message
        };
        let kept = match list.iter_mut().find(|x| same(x)) {
            Some(x) => {
                x.count += 1;
                x.last = e.last;
                x.clone()
            }
            None => {
                list.push(e.clone());
                e
            }
        };
        // Watchers whose kubectl has exited are dropped.
        self.event_watchers
            .retain(|(w, ..)| cx.world.procs.get(w).is_some_and(|p| p.exit.is_none()));
        for (w, id, ns) in &self.event_watchers {
            if ns.as_deref().is_none_or(|n| n == event_namespace(about)) {
                let resp = Response::Events(vec![(about.clone(), kept.clone())]);
                send_after(
                    cx,
                    self.ns,
                    *w,
                    Dur::ZERO,
                    Msg::ApiResponse {
                        id: *id,
                        resp: Box::new(resp),
                        version: self.cfg.version,
                    },
                );
            }
        }
    }

    /// The events of a namespace (`None`: all), each with its object.
    fn events_in(&self, ns: Option<&str>) -> Vec<(Key, super::api::Event)> {
        self.events
            .iter()
            .filter(|(k, _)| ns.is_none_or(|n| event_namespace(k) == n))
            .flat_map(|(k, list)| list.iter().map(move |e| (k.clone(), e.clone())))
            .collect()
    }

    fn schedule(&mut self, cx: &mut Ctx<'_, Net>) {
        let waiting: Vec<Key> = self
            .objects
            .values()
            .filter(|o| o.pod().is_some_and(|p| p.node.is_none()))
            .map(Object::key)
            .collect();
        if waiting.is_empty() {
            return;
        }
        // Each Ready node's pods, counted once and kept up to date as pods are bound.
        let mut load: BTreeMap<String, usize> = self
            .objects
            .values()
            .filter_map(|o| match &o.body {
                Body::Node(n) if n.ready => Some((o.meta.name.clone(), 0)),
                _ => None,
            })
            .collect();
        if load.is_empty() {
            return; // they stay Pending: no Ready node
        }
        for o in self.objects.values() {
            if let Some(n) = o.pod().and_then(|p| p.node.as_ref())
                && let Some(c) = load.get_mut(n)
            {
                *c += 1;
            }
        }
        for key in waiting {
            // The nodes whose labels the pod's nodeSelector matches (MatchNodeSelector).
            let selector = self.objects[&key]
                .pod()
                .map(|p| p.spec.node_selector.clone())
                .unwrap_or_default();
            let fits: Vec<&String> = load
                .keys()
                .filter(|n| {
                    let labels = self
                        .objects
                        .get(&(Kind::Node, String::new(), (*n).clone()))
                        .map(|o| &o.meta.labels);
                    selector
                        .iter()
                        .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v))
                })
                .collect();
            if fits.is_empty() {
                self.unschedulable(cx, &key, load.len());
                continue;
            }
            let least = fits.iter().map(|n| load[*n]).min().expect("non-empty");
            let candidates: Vec<&String> = fits.into_iter().filter(|n| load[*n] == least).collect();
            let node = candidates[cx.rng().random_range(0..candidates.len())].clone();
            *load.get_mut(&node).expect("a candidate") += 1;
            let mut pod = self.objects[&key].clone();
            if let Body::Pod(p) = &mut pod.body {
                p.node = Some(node.clone());
            }
            // The scheduler's words: 1.5's name the pod alone, today's with its namespace.
            let message = match self.cfg.version.era() {
                super::proxy::names::Era::Classic => {
                    format!("Successfully assigned {} to {node}", key.2)
                }
                super::proxy::names::Era::Modern => {
                    format!("Successfully assigned {}/{} to {node}", key.1, key.2)
                }
            };
            cx.trace(TraceEvent::Log {
                line: format!("default-scheduler: {message}"),
            });
            self.event(
                cx,
                &key,
                "Normal",
                "Scheduled",
                "default-scheduler",
                message,
            );
            self.put(cx, pod);
        }
    }

    /// No Ready node matches the pod's nodeSelector: it stays Pending, with the
    /// scheduler's FailedScheduling event in its release's words.
    fn unschedulable(&mut self, cx: &mut Ctx<'_, Net>, key: &Key, nodes: usize) {
        let message = match self.cfg.version.era() {
            // 1.5's FitError: the predicates that failed, counted over the nodes.
            super::proxy::names::Era::Classic => format!(
                "pod ({}) failed to fit in any node\nfit failure summary on nodes : MatchNodeSelector ({nodes})",
                key.2
            ),
            super::proxy::names::Era::Modern => format!(
                "0/{nodes} nodes are available: {nodes} node(s) didn't match Pod's node affinity/selector."
            ),
        };
        if self.unschedulable.get(key) == Some(&message) {
            return;
        }
        self.unschedulable.insert(key.clone(), message.clone());
        cx.trace(TraceEvent::Log {
            line: format!(
                "default-scheduler: {}/{} stays Pending: {}",
                key.1,
                key.2,
                message.replace('\n', "; ")
            ),
        });
        self.event(
            cx,
            key,
            "Warning",
            "FailedScheduling",
            "default-scheduler",
            message,
        );
    }

    fn delete(&mut self, cx: &mut Ctx<'_, Net>, kind: Kind, ns: String, name: String) -> Response {
        if kind == Kind::Namespace {
            return self.delete_namespace(cx, &name);
        }
        let ns = if kind.namespaced() { ns } else { String::new() };
        let key = (kind, ns.clone(), name.clone());
        let Some(obj) = self.remove(cx, &key) else {
            return not_found(kind, &name);
        };
        if let Body::Service(s) = &obj.body {
            if let Some(ip) = s.cluster_ip {
                self.ips.release(ip);
            }
            for p in &s.ports {
                if let Some(n) = p.node_port {
                    self.node_ports.release(n as u16);
                }
            }
            if let Some(n) = s.policy.health_check_node_port {
                self.node_ports.release(n);
            }
            self.remove(cx, &(Kind::Endpoints, ns.clone(), name.clone()));
        }
        // `kubectl delete` of a controller cascades (foreground): what it owns goes too,
        // a Deployment's ReplicaSet with its pods.
        let mut owners = vec![(kind, name.clone())];
        while let Some(owner) = owners.pop() {
            let owned: Vec<Key> = self
                .objects
                .values()
                .filter(|o| o.meta.namespace == ns && o.meta.owner.as_ref() == Some(&owner))
                .map(Object::key)
                .collect();
            for k in owned {
                owners.push((k.0, k.2.clone()));
                self.remove(cx, &k);
            }
        }
        if kind == Kind::Pod || kind.is_workload() {
            self.sync_endpoints(cx, &ns);
            self.reconcile(cx);
        }
        Response::Object(Box::new(obj))
    }

    /// `kubectl delete namespace NAME`. The NamespaceLifecycle admission plugin refuses
    /// the namespaces the cluster needs (`default`, `kube-system`, `kube-public`:
    /// plugin/pkg/admission/namespace/lifecycle). Any other is marked for deletion
    /// (Terminating, a deletionTimestamp) and the namespace controller empties it and
    /// removes it `NAMESPACE_SYNC` later (`namespace_controller`).
    fn delete_namespace(&mut self, cx: &mut Ctx<'_, Net>, name: &str) -> Response {
        if IMMORTAL_NAMESPACES.contains(&name) {
            return Response::Error {
                code: 403,
                reason: "Forbidden".into(),
                message: format!(
                    "namespaces \"{name}\" is forbidden: this namespace may not be deleted"
                ),
            };
        }
        let key = (Kind::Namespace, String::new(), name.to_string());
        let Some(mut obj) = self.objects.get(&key).cloned() else {
            return not_found(Kind::Namespace, name);
        };
        // The namespace storage's Delete: a second request while the finalizer has work
        // left is a conflict.
        if obj.meta.deletion.is_some() {
            return Response::Error {
                code: 409,
                reason: "Conflict".into(),
                message: format!(
                    "Operation cannot be fulfilled on namespaces \"{name}\": The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system."
                ),
            };
        }
        obj.meta.deletion = Some(cx.now());
        self.put(cx, obj.clone());
        cx.trace(TraceEvent::Log {
            line: format!(
                "namespace {name} is Terminating: the namespace controller deletes its content"
            ),
        });
        cx.schedule(NAMESPACE_SYNC, Msg::Timer(T_NAMESPACES));
        Response::Object(Box::new(obj))
    }

    /// The namespace controller: every namespace being deleted loses its content (its
    /// workloads first, so nothing makes new pods; then Services, with their addresses,
    /// node ports and Endpoints; then pods, which their kubelets kill; then the rest), and
    /// then the namespace itself goes.
    fn namespace_controller(&mut self, cx: &mut Ctx<'_, Net>) {
        let doomed: Vec<String> = self
            .objects
            .values()
            .filter(|o| o.kind() == Kind::Namespace && o.meta.deletion.is_some())
            .map(|o| o.meta.name.clone())
            .collect();
        for ns in doomed {
            // Owners before what they own (a Deployment before its ReplicaSet), so no
            // controller is left to make again what was just deleted.
            let rank = |o: &Object| match o.kind() {
                k if k.is_workload() && o.meta.owner.is_none() => 0,
                k if k.is_workload() => 1,
                Kind::Service => 2,
                Kind::Pod => 3,
                _ => 4,
            };
            let mut content: Vec<(u8, Key)> = self
                .objects
                .values()
                .filter(|o| o.kind().namespaced() && o.meta.namespace == ns)
                .map(|o| (rank(o), o.key()))
                .collect();
            content.sort_by_key(|(r, _)| *r);
            let content = content.into_iter().map(|(_, k)| k);
            for key in content {
                // An owner's deletion may have taken this one already.
                if self.objects.contains_key(&key) {
                    cx.trace(TraceEvent::Log {
                        line: format!(
                            "namespace-controller: deleting {} {}/{}",
                            key.0.singular(),
                            key.1,
                            key.2
                        ),
                    });
                    self.delete(cx, key.0, key.1, key.2);
                }
            }
            self.remove(cx, &(Kind::Namespace, String::new(), ns.clone()));
            cx.trace(TraceEvent::Log {
                line: format!("namespace-controller: namespace {ns} is empty and deleted"),
            });
        }
    }

    /// `kubectl label|annotate|patch|edit` write an object back: the manifest through
    /// admission (its validation), then the changes the apiserver's update allows
    /// (`update_from`), and its annotations as written.
    fn update(&mut self, cx: &mut Ctx<'_, Net>, m: &Manifest, ns: &str) -> Response {
        let m = &self.drop_type_dependent_fields(m, ns);
        let new = match super::admission::admit(m, ns) {
            Ok(o) => o,
            Err(e) => return refused(e),
        };
        let r = self.update_from(cx, new);
        self.keep_annotations(r, annotations_of(m))
    }

    /// The apiserver's dropTypeDependentFields: a Service changed to ClusterIP from a type
    /// with node ports loses the node ports and externalTrafficPolicy it still carries
    /// (the object read back and changed has them), instead of failing validation; and
    /// one that no longer needs its healthCheckNodePort loses it.
    fn drop_type_dependent_fields(&self, m: &Manifest, ns: &str) -> Manifest {
        let mut m = m.clone();
        if let Manifest::Service(svc) = &mut m {
            let name = svc.metadata.name.clone().unwrap_or_default();
            let svc_ns = svc
                .metadata
                .namespace
                .clone()
                .unwrap_or_else(|| ns.to_string());
            let old = self
                .objects
                .get(&(Kind::Service, svc_ns, name))
                .and_then(Object::service);
            let had_node_ports =
                old.is_some_and(|s| matches!(s.type_.as_str(), "NodePort" | "LoadBalancer"));
            // A Service that no longer needs its healthCheckNodePort (no longer a
            // LoadBalancer with externalTrafficPolicy Local) loses the one it still
            // carries, unchanged.
            let old_hc = old.and_then(|s| s.policy.health_check_node_port);
            if let Some(spec) = svc.spec.as_mut()
                && old_hc.is_some()
                && spec
                    .health_check_node_port
                    .and_then(|n| u16::try_from(n).ok())
                    == old_hc
                && !(spec.type_.as_deref() == Some("LoadBalancer")
                    && spec.external_traffic_policy.as_deref() == Some("Local"))
            {
                spec.health_check_node_port = None;
            }
            if let Some(spec) = svc.spec.as_mut()
                && had_node_ports
                && spec.type_.as_deref().unwrap_or("ClusterIP") == "ClusterIP"
            {
                for p in spec.ports.iter_mut().flatten() {
                    p.node_port = None;
                }
                spec.external_traffic_policy = None;
            }
        }
        m
    }

    /// The object an update or create answered with gets `annotations` (the manifest's),
    /// in the store and in the answer.
    fn keep_annotations(&mut self, r: Response, annotations: super::api::Labels) -> Response {
        match r {
            Response::Object(mut o) => {
                let mut annotations = annotations;
                if let Some(stored) = self.objects.get_mut(&o.key()) {
                    // The revision is the deployment controller's, whatever the client
                    // wrote.
                    if let Some(rev) = stored.meta.annotations.get(REVISION) {
                        annotations.insert(REVISION.into(), rev.clone());
                    }
                    stored.meta.annotations = annotations.clone();
                }
                o.meta.annotations = annotations;
                Response::Object(o)
            }
            other => other,
        }
    }

    /// `kubectl scale`: a controller's new replica count.
    fn scale(&mut self, cx: &mut Ctx<'_, Net>, key: Key, replicas: u32) -> Response {
        let Some(mut obj) = self.objects.get(&key).cloned() else {
            return not_found(key.0, &key.2);
        };
        let Body::Workload(w) = &mut obj.body else {
            return Response::Error {
                code: 404,
                reason: "NotFound".into(),
                message: format!(
                    "the server could not find the requested resource ({} {}/scale)",
                    key.0.plural(),
                    key.2
                ),
            };
        };
        if w.kind == Kind::DaemonSet {
            return Response::Error {
                code: 404,
                reason: "NotFound".into(),
                message: format!(
                    "the server could not find the requested resource (daemonsets.apps {}/scale)",
                    key.2
                ),
            };
        }
        w.replicas = replicas;
        self.put(cx, obj.clone());
        self.reconcile(cx);
        Response::Object(Box::new(obj))
    }

    /// A free address of the load-balancer pool: `wanted` if it is in the pool and free,
    /// else the first free one (every address of the CIDR, in order, as MetalLB hands
    /// them out); none without a pool or when it is used up.
    fn lb_address(&self, wanted: Option<&str>) -> Option<Ipv4Addr> {
        let pool = self.cfg.load_balancer?;
        let used: BTreeSet<Ipv4Addr> = self
            .objects
            .values()
            .filter_map(Object::service)
            .flat_map(|s| s.ingress.iter().copied())
            .collect();
        let free = |ip: &Ipv4Addr| pool.contains(ip) && !used.contains(ip);
        if let Some(ip) = wanted.and_then(|w| w.parse::<Ipv4Addr>().ok()).filter(free) {
            return Some(ip);
        }
        let first = u32::from(pool.network());
        let last = u32::from(pool.broadcast());
        (first..=last).map(Ipv4Addr::from).find(free)
    }

    /// The trace says what the load balancer did for a LoadBalancer Service: its address,
    /// or why it stays `<pending>`.
    fn say_load_balancer(&self, cx: &mut Ctx<'_, Net>, name: &str, ingress: &str) {
        let line = match (ingress.is_empty(), self.cfg.load_balancer) {
            (false, _) => format!("load balancer: {name} gets ingress {ingress}"),
            (true, Some(pool)) => format!(
                "load balancer: no free address in {pool} for {name}: its EXTERNAL-IP stays <pending>"
            ),
            (true, None) => format!(
                "load balancer: none in this cluster (no cloud provider; the scenario gives no kubernetes.load_balancer addresses): {name}'s EXTERNAL-IP stays <pending>; its NodePorts work"
            ),
        };
        cx.trace(TraceEvent::Log { line });
    }

    /// A ClientIP Service's timeout as this release keeps it: a release without
    /// `sessionAffinityConfig` (`FIELD_SINCE`) drops the unknown field, as its apiserver
    /// decodes leniently (a manifest with it is refused at load; a `kubectl patch` or
    /// `edit` still brings it), so every ClientIP Service has the fixed 180 minutes.
    fn affinity(&self, asked: Option<u32>) -> Option<u32> {
        let since = super::manifest::types::FIELD_SINCE
            .iter()
            .find(|(kind, path, _)| *kind == "Service" && *path == "spec.sessionAffinityConfig")
            .map_or(0, |(.., since)| *since);
        if self.cfg.version.release.minor < since {
            asked.map(|_| super::api::DEFAULT_AFFINITY_TIMEOUT)
        } else {
            asked
        }
    }

    /// The error for a kind the cluster's release does not serve (EndpointSlices before
    /// 1.17 in the beta group, 1.21 in discovery.k8s.io/v1: the simulator serves v1 only).
    fn unserved(&self, kind: Kind) -> Option<Response> {
        let minor = self.cfg.version.release.minor;
        // Every other kind the simulator keeps is served, in some group, by every release.
        let served = kind != Kind::EndpointSlice
            || super::manifest::types::served(kind.api_version(), kind.name(), minor);
        (!served).then(|| {
            Response::Error {
                code: 404,
                reason: "NotFound".into(),
                message: format!(
                    "the server could not find the requested resource (Kubernetes 1.{minor} serves no {})",
                    kind.name()
                ),
            }
        })
    }

    /// The EndpointSlices the EndpointSlice controller keeps for Services with a selector,
    /// the mirroring controller for Services without one that have hand-written Endpoints,
    /// and the apiserver for `kubernetes`: one slice per Endpoints, with the same
    /// addresses and ports, in namespace `ns` (`None`: every one).
    ///
    /// Simplification (docs/architecture.md): they are derived from the Endpoints when
    /// read, not written to etcd, so `etcdctl` does not list them and watchers (kube-proxy,
    /// CoreDNS) keep reading Endpoints, which hold the same endpoints; hand-written
    /// slices are stored and reach the watchers (`api::merged_endpoints`).
    fn derived_slices(&self, kind: Kind, ns: Option<&str>) -> Vec<Object> {
        if kind != Kind::EndpointSlice || self.unserved(kind).is_some() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for o in self.objects.values() {
            let Some(e) = o.endpoints() else { continue };
            if ns.is_some_and(|n| n != o.meta.namespace) {
                continue;
            }
            let Some(svc) = self
                .objects
                .get(&(Kind::Service, o.meta.namespace.clone(), o.meta.name.clone()))
                .and_then(Object::service)
            else {
                continue;
            };
            let apiserver = o.meta.namespace == "default" && o.meta.name == "kubernetes";
            let manager = match (apiserver, svc.selector.is_empty()) {
                (true, _) => None,
                (false, false) => Some("endpointslice-controller.k8s.io"),
                // The mirroring controller skips Endpoints without addresses.
                (false, true) if e.addresses.is_empty() && e.not_ready.is_empty() => continue,
                (false, true) => Some("endpointslicemirroring-controller.k8s.io"),
            };
            let mut meta = o.meta.clone();
            if !apiserver {
                meta.name = super::alloc::derived_name(&o.meta.name, &o.meta.uid);
            }
            meta.uid = derived_uid(&format!("EndpointSlice/{}", o.meta.uid));
            meta.labels = o.meta.labels.clone();
            meta.labels
                .insert(super::api::SERVICE_NAME_LABEL.into(), o.meta.name.clone());
            if let Some(m) = manager {
                meta.labels
                    .insert(super::api::MANAGED_BY_LABEL.into(), m.into());
            }
            out.push(Object {
                meta,
                body: Body::EndpointSlice(super::api::EndpointSlice::of(e)),
            });
        }
        out
    }

    /// The endpoints controller for one namespace.
    fn sync_endpoints(&mut self, cx: &mut Ctx<'_, Net>, ns: &str) {
        let services: Vec<(String, Service, super::api::Labels)> = self
            .objects
            .values()
            .filter(|o| o.meta.namespace == ns)
            .filter_map(|o| {
                o.service()
                    .filter(|s| !s.selector.is_empty())
                    .map(|s| (o.meta.name.clone(), s.clone(), o.meta.labels.clone()))
            })
            .collect();
        for (name, svc, labels) in services {
            let mut ep = Endpoints::default();
            // A named targetPort is the container port of that name, pod by pod. The
            // simulator keeps one subset per Endpoints: the first selected pod that has
            // the name gives the number, and a pod without that name, or with another
            // number for it, is left out (the endpoints controller would skip the first
            // and put the second in a subset of its own).
            let named: Vec<Option<u16>> = svc
                .ports
                .iter()
                .map(|sp| {
                    let want = sp.target_name.as_deref()?;
                    self.objects
                        .values()
                        .filter(|o| {
                            o.meta.namespace == ns && selects(&svc.selector, &o.meta.labels)
                        })
                        .filter_map(Object::pod)
                        .filter(|p| p.phase == Phase::Running && p.ip.is_some())
                        .find_map(|p| container_port(p, want))
                })
                .collect();
            for o in self.objects.values() {
                let (Some(p), true) = (o.pod(), o.meta.namespace == ns) else {
                    continue;
                };
                if !selects(&svc.selector, &o.meta.labels) || p.phase != Phase::Running {
                    continue;
                }
                let Some(ip) = p.ip else { continue };
                let resolves = svc.ports.iter().zip(&named).all(|(sp, n)| {
                    sp.target_name.as_deref().is_none_or(|want| {
                        container_port(p, want).is_some() && container_port(p, want) == *n
                    })
                });
                if !resolves {
                    continue;
                }
                let a = Address {
                    ip,
                    node: p.node.clone().unwrap_or_default(),
                    pod: o.meta.name.clone(),
                    // CoreDNS reads a pod's hostname from the pod (`hostname_of`).
                    hostname: String::new(),
                };
                if p.ready || svc.publish_not_ready {
                    ep.addresses.push(a);
                } else {
                    ep.not_ready.push(a);
                }
            }
            ep.addresses.sort();
            ep.not_ready.sort();
            ep.ports = svc
                .ports
                .iter()
                .zip(&named)
                .map(|(p, n)| EndpointPort {
                    name: p.name.clone(),
                    port: n.unwrap_or_else(|| p.target()),
                    protocol: p.protocol().to_string(),
                })
                .collect();
            let key = (Kind::Endpoints, ns.to_string(), name.clone());
            match self.objects.get(&key) {
                Some(old) if old.endpoints() == Some(&ep) => {}
                Some(old) => {
                    let meta = old.meta.clone();
                    self.put(
                        cx,
                        Object {
                            meta,
                            body: Body::Endpoints(ep),
                        },
                    );
                }
                None => {
                    let meta = Self::meta(cx, &name, ns, labels);
                    self.put(
                        cx,
                        Object {
                            meta,
                            body: Body::Endpoints(ep),
                        },
                    );
                }
            }
        }
    }

    fn pod_status(&mut self, cx: &mut Ctx<'_, Net>, req: Request) {
        let Request::PodStatus {
            ns,
            name,
            node,
            labels,
            containers,
            ip,
            host_ip,
            ready,
            phase,
            statuses,
            init_statuses,
            create,
        } = req
        else {
            return;
        };
        let key = (Kind::Pod, ns.clone(), name.clone());
        if create.is_none() && !self.objects.contains_key(&key) {
            return; // a pod deleted meanwhile (evicted): its status is not news
        }
        let (meta, containers) = match self.objects.get(&key) {
            Some(o) => (
                o.meta.clone(),
                o.pod().map(|p| p.containers.clone()).unwrap_or(containers),
            ),
            None => (Self::meta(cx, &name, &ns, labels), containers),
        };
        let started = self
            .objects
            .get(&key)
            .and_then(|o| o.pod().and_then(|p| p.started))
            .or(Some(cx.now()));
        let spec = self
            .objects
            .get(&key)
            .and_then(|o| o.pod().map(|p| p.spec.clone()))
            .or(create)
            .unwrap_or_default();
        let pod = Pod {
            node: Some(node),
            containers,
            spec,
            phase,
            ip,
            host_ip: Some(host_ip),
            ready,
            started,
            statuses,
            init_statuses,
        };
        self.put(
            cx,
            Object {
                meta,
                body: Body::Pod(Box::new(pod)),
            },
        );
        self.controllers_soon(cx, ns);
    }

    /// The endpoints controller and the workload controllers, once for every status that
    /// came in at this instant.
    fn run_controllers(&mut self, cx: &mut Ctx<'_, Net>) {
        for ns in std::mem::take(&mut self.dirty) {
            self.sync_endpoints(cx, &ns);
        }
        self.reconcile(cx);
    }
}

/// `NAMESPACE/NAME` of a Service as admission left it.
fn meta_name(s: &super::api::ServiceSpec) -> String {
    format!("{}/{}", m_ns(&s.namespace), s.name)
}

/// A Service's load-balancer ingress addresses, comma-separated.
fn ingress_text(o: &Object) -> String {
    o.service()
        .map(|s| {
            s.ingress
                .iter()
                .map(Ipv4Addr::to_string)
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default()
}

/// The number of a pod's container port named `name`, if it has one.
fn container_port(p: &Pod, name: &str) -> Option<u16> {
    p.containers
        .iter()
        .flat_map(|c| c.port_names.iter())
        .find(|(n, _)| n == name)
        .map(|(_, port)| *port)
}

/// A uid for an object derived from another (SHA-256 of `seed`, in a uid's shape).
fn derived_uid(seed: &str) -> String {
    use sha2::{Digest, Sha256};
    let h: String = Sha256::digest(seed.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    uid_text(&h)
}

/// 32 hex digits (or more: the first 32) as a uid: 8-4-4-4-12.
fn uid_text(h: &str) -> String {
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// Whether a watch with a node field selector sees `o`: anything but a pod, or a pod
/// bound to that node.
fn on_node(o: &Object, node: Option<&str>) -> bool {
    match (node, o.pod()) {
        (Some(n), Some(p)) => p.node.as_deref() == Some(n),
        _ => true,
    }
}

fn m_ns(ns: &Option<String>) -> &str {
    ns.as_deref().unwrap_or("default")
}

/// Labels as a YAML map's lines, each indented by `indent` (keys and values quoted as JSON,
/// which YAML reads as they are).
fn yaml_labels(labels: &super::api::Labels, indent: &str) -> String {
    labels
        .iter()
        .map(|(k, v)| {
            format!(
                "{indent}{}: {}\n",
                serde_json::json!(k),
                serde_json::json!(v)
            )
        })
        .collect()
}

/// `text` as a YAML literal block scalar (`|2`), its lines indented by `indent`; the
/// chomping indicator keeps its trailing newlines exactly.
fn yaml_block(text: &str, indent: &str) -> String {
    let body = text.trim_end_matches('\n');
    let trailing = text.len() - body.len();
    let chomp = match trailing {
        0 => "-",
        1 => "",
        _ => "+",
    };
    let mut out = format!("|2{chomp}\n");
    for line in body.split('\n') {
        if !line.is_empty() {
            out += indent;
        }
        out += line;
        out.push('\n');
    }
    for _ in 1..trailing {
        out.push('\n');
    }
    out.pop();
    out
}

/// The annotations a manifest writes.
fn annotations_of(m: &Manifest) -> super::api::Labels {
    m.metadata().annotations.clone().unwrap_or_default()
}

fn refused(e: super::admission::Refused) -> Response {
    Response::Error {
        code: e.code,
        reason: e.reason.into(),
        message: e.message,
    }
}

/// An InternalError (500): `Internal error occurred: MSG`.
fn internal_error(msg: String) -> Response {
    Response::Error {
        code: 500,
        reason: "InternalError".into(),
        message: format!("Internal error occurred: {msg}"),
    }
}

fn not_found(kind: Kind, name: &str) -> Response {
    Response::Error {
        code: 404,
        reason: "NotFound".into(),
        message: format!("{} \"{name}\" not found", kind.plural()),
    }
}

/// A component on machine `from` tells the apiserver something it needs no answer to
/// (a kubelet's pod status), or asks for a watch (the answer comes as `ApiResponse`).
/// Nothing happens when the cluster has no apiserver.
pub fn report(cx: &mut Ctx<'_, Net>, from: NsId, req: Request) {
    let Some(api) = cx.lookup("kube-apiserver") else {
        return;
    };
    let Some(api_ns) = cx.world.procs.get(&api).and_then(|p| p.ns) else {
        return;
    };
    let msg = Msg::ApiRequest {
        from: cx.me(),
        id: 0,
        req: Box::new(req),
    };
    control::send(cx, from, api_ns, api, msg);
}

/// Sends `msg` to another actor over the control path, after `delay`.
fn send_after(cx: &mut Ctx<'_, Net>, from: NsId, to: ActorId, delay: Dur, msg: Msg) {
    let Some(to_ns) = cx.world.procs.get(&to).and_then(|p| p.ns) else {
        return;
    };
    if let Some(latency) = control::latency(cx, from, to_ns) {
        cx.send_in(delay + latency, to, msg);
    }
}

/// The node lifecycle controller's period (`--node-monitor-period`), how long a node may
/// go without posting its status before it is NotReady (`--node-monitor-grace-period`),
/// and how long its pods then stay before they are deleted (`--pod-eviction-timeout`).
pub const NODE_MONITOR_PERIOD: Dur = Dur::from_secs(5);
pub const NODE_MONITOR_GRACE: Dur = Dur::from_secs(40);
pub const POD_EVICTION_TIMEOUT: Dur = Dur::from_secs(300);
const T_NODE_MONITOR: u64 = 1;
const T_CONTROLLERS: u64 = 2;
const T_NAMESPACES: u64 = 3;
/// The namespaces the NamespaceLifecycle admission plugin never lets go (the cluster
/// bootstraps the first two; `kube-public` is refused too, as the plugin does).
const IMMORTAL_NAMESPACES: [&str; 3] = ["default", "kube-system", "kube-public"];
/// How long after a namespace's deletion the namespace controller has emptied and removed
/// it (a modelled figure: its pass over the namespace's content; pods go at once here, so
/// no graceful termination holds it longer).
pub const NAMESPACE_SYNC: Dur = Dur::from_secs(1);

impl Apiserver {
    fn heartbeat(&mut self, cx: &mut Ctx<'_, Net>, node: &str) {
        let key = (Kind::Node, String::new(), node.to_string());
        let Some(mut obj) = self.objects.get(&key).cloned() else {
            return;
        };
        let Body::Node(n) = &mut obj.body else { return };
        n.heartbeat = cx.now();
        if n.ready {
            // Only the time changed: kept without a write, as the status is not news.
            self.objects.insert(key, obj);
            return;
        }
        n.ready = true;
        cx.trace(TraceEvent::Log {
            line: format!("node-controller: Node {node} status is now: NodeReady"),
        });
        self.put(cx, obj);
        self.reconcile(cx);
    }

    /// The node lifecycle controller: a node silent for the grace period is NotReady and
    /// its pods not ready (so they leave every Service's endpoints); after the eviction
    /// timeout its pods are deleted (and their controllers make new ones elsewhere).
    fn monitor_nodes(&mut self, cx: &mut Ctx<'_, Net>) {
        let now = cx.now();
        let nodes: Vec<Object> = self
            .objects
            .values()
            .filter(|o| o.kind() == Kind::Node)
            .cloned()
            .collect();
        let mut touched = false;
        for mut obj in nodes {
            let name = obj.meta.name.clone();
            let Body::Node(n) = &mut obj.body else {
                continue;
            };
            let silent = now - n.heartbeat;
            if n.ready && silent >= NODE_MONITOR_GRACE {
                n.ready = false;
                cx.trace(TraceEvent::Log {
                    line: format!(
                        "node-controller: Node {name} status is now: NodeNotReady (no status for {}s, grace period {NODE_MONITOR_GRACE})",
                        silent.as_nanos() / 1_000_000_000
                    ),
                });
                self.put(cx, obj);
                let pods: Vec<Object> = self
                    .objects
                    .values()
                    .filter(|o| {
                        o.pod()
                            .is_some_and(|p| p.node.as_deref() == Some(&name) && p.ready)
                    })
                    .cloned()
                    .collect();
                for mut p in pods {
                    if let Body::Pod(pod) = &mut p.body {
                        pod.ready = false;
                    }
                    self.put(cx, p);
                }
                touched = true;
            } else if !n.ready && silent >= NODE_MONITOR_GRACE + POD_EVICTION_TIMEOUT {
                let pods: Vec<Key> = self
                    .objects
                    .values()
                    .filter(|o| o.pod().is_some_and(|p| p.node.as_deref() == Some(&name)))
                    .map(Object::key)
                    .collect();
                for k in pods {
                    cx.trace(TraceEvent::Log {
                        line: format!(
                            "node-controller: Deleting pod {}/{} from Node {name} (evicted)",
                            k.1, k.2
                        ),
                    });
                    self.remove(cx, &k);
                    touched = true;
                }
            }
        }
        if touched {
            let namespaces: Vec<String> = self
                .objects
                .values()
                .filter(|o| o.kind() == Kind::Namespace)
                .map(|o| o.meta.name.clone())
                .collect();
            for ns in namespaces {
                self.sync_endpoints(cx, &ns);
            }
            self.reconcile(cx);
        }
        cx.schedule(NODE_MONITOR_PERIOD, Msg::Timer(T_NODE_MONITOR));
    }
}

impl Actor<Net> for Apiserver {
    fn handle(&mut self, msg: Msg, cx: &mut Ctx<'_, Net>) {
        match msg {
            Msg::Start => {
                // The distribution's kube-apiserver.service (kubeadm runs it as a static
                // pod instead: no unit).
                if self.cfg.kubeadm.is_none() {
                    super::systemd::starting(cx, self.ns, "kube-apiserver");
                    super::systemd::started(cx, self.ns, "kube-apiserver");
                }
                self.bootstrap(cx);
                cx.schedule(NODE_MONITOR_PERIOD, Msg::Timer(T_NODE_MONITOR));
            }
            Msg::Timer(T_NODE_MONITOR) => self.monitor_nodes(cx),
            Msg::Timer(T_CONTROLLERS) => self.run_controllers(cx),
            Msg::Timer(T_NAMESPACES) => self.namespace_controller(cx),
            Msg::ApiRequest { from, id, req } => {
                let resp = match *req {
                    Request::Create { object, ns } => self.create_from(cx, &object, &ns),
                    Request::Apply { object, ns } => self.apply(cx, &object, &ns),
                    Request::Replace { object, ns } => self.replace(cx, &object, &ns),
                    Request::Get { kind, ns, name } => {
                        let ns = if kind.namespaced() { ns } else { String::new() };
                        let derived = self.derived_slices(kind, Some(&ns));
                        match self
                            .objects
                            .get(&(kind, ns, name.clone()))
                            .or_else(|| derived.iter().find(|o| o.meta.name == name))
                        {
                            _ if self.unserved(kind).is_some() => self
                                .unserved(kind)
                                .unwrap_or_else(|| not_found(kind, &name)),
                            Some(o) => Response::Object(Box::new(o.clone())),
                            None => not_found(kind, &name),
                        }
                    }
                    Request::Describe { kind, ns, name } => {
                        describe(&self.objects, &self.events, kind, ns.as_deref(), name)
                    }
                    Request::Events { ns } => Response::Events(self.events_in(ns.as_deref())),
                    Request::WatchEvents { ns } => {
                        self.event_watchers.retain(|(w, ..)| *w != from);
                        self.event_watchers.push((from, id, ns.clone()));
                        Response::Events(self.events_in(ns.as_deref()))
                    }
                    Request::Scale {
                        kind,
                        ns,
                        name,
                        replicas,
                    } => self.scale(cx, (kind, ns, name), replicas),
                    Request::Update { object, ns } => self.update(cx, &object, &ns),
                    Request::Event {
                        about,
                        type_,
                        reason,
                        from,
                        host,
                        field_path,
                        message,
                    } => {
                        if self.objects.contains_key(&about) {
                            let now = cx.now();
                            let e = super::api::Event {
                                type_,
                                reason,
                                from,
                                host,
                                field_path,
                                message,
                                first: now,
                                last: now,
                                count: 1,
                            };
                            self.record(cx, &about, e);
                        }
                        return;
                    }
                    Request::List { kind, ns } => match self.unserved(kind) {
                        Some(e) => e,
                        None => {
                            let mut list: Vec<Object> = self
                                .objects
                                .values()
                                .filter(|o| {
                                    o.kind() == kind
                                        && ns.as_ref().is_none_or(|n| {
                                            !kind.namespaced() || o.meta.namespace == *n
                                        })
                                })
                                .cloned()
                                .collect();
                            list.extend(self.derived_slices(kind, ns.as_deref()));
                            list.sort_by_key(Object::key);
                            Response::List(list)
                        }
                    },
                    Request::Delete { kind, ns, name } => self.delete(cx, kind, ns, name),
                    Request::Watch { kinds, node } => {
                        let current: Vec<Object> = self
                            .objects
                            .values()
                            .filter(|o| kinds.contains(&o.kind()) && on_node(o, node.as_deref()))
                            .cloned()
                            .collect();
                        // A component that starts again watches afresh (one watch each).
                        self.watchers.retain(|(w, ..)| *w != from);
                        self.watchers.push((from, kinds, node));
                        Response::List(current)
                    }
                    req @ Request::PodStatus { .. } => {
                        self.pod_status(cx, req);
                        return;
                    }
                    Request::NodeStatus { node } => {
                        self.heartbeat(cx, &node);
                        return;
                    }
                };
                self.respond(cx, from, id, resp);
            }
            // Writes to etcd are not waited for.
            Msg::EtcdResponse { .. } => {}
            _ => {}
        }
    }
}

/// The namespace an event about `about` is kept in: its object's, or `default` for a
/// cluster-scoped object (a node), as the event recorder does.
fn event_namespace(about: &Key) -> &str {
    if about.1.is_empty() {
        "default"
    } else {
        &about.1
    }
}

/// What `kubectl describe` reads, for each object of `kind` in `ns` (`None`: all): the
/// object of that name, or (none being so named) those whose names start with it, as
/// kubectl's `DescribeMatchingResources` falls back to a prefix. Beside each object, what
/// its describer reads (a Service's Endpoints, a Deployment's ReplicaSets, a workload's
/// pods, a node's pods) and the events about it, oldest last seen first.
fn describe(
    objects: &BTreeMap<Key, Object>,
    events: &BTreeMap<Key, Vec<super::api::Event>>,
    kind: Kind,
    ns: Option<&str>,
    name: Option<String>,
) -> Response {
    let ns = if kind.namespaced() { ns } else { None };
    let of_kind: Vec<&Object> = objects
        .values()
        .filter(|o| o.kind() == kind && ns.is_none_or(|n| o.meta.namespace == n))
        .collect();
    let picked: Vec<&Object> = match &name {
        None => of_kind,
        Some(n) => match of_kind.iter().find(|o| o.meta.name == *n) {
            Some(o) => vec![*o],
            None => {
                let by_prefix: Vec<&Object> = of_kind
                    .into_iter()
                    .filter(|o| o.meta.name.starts_with(n.as_str()))
                    .collect();
                if by_prefix.is_empty() {
                    return not_found(kind, n);
                }
                by_prefix
            }
        },
    };
    let described = picked
        .into_iter()
        .map(|o| {
            let m = &o.meta;
            let in_ns = |k: Kind| {
                objects
                    .values()
                    .filter(move |x| x.kind() == k && x.meta.namespace == m.namespace)
            };
            let owned_by = |x: &Object, k: Kind| {
                x.meta
                    .owner
                    .as_ref()
                    .is_some_and(|(ok, on)| *ok == k && *on == m.name)
            };
            let related: Vec<Object> = match kind {
                Kind::Service => objects
                    .get(&(Kind::Endpoints, m.namespace.clone(), m.name.clone()))
                    .into_iter()
                    .cloned()
                    .collect(),
                Kind::Deployment => in_ns(Kind::ReplicaSet)
                    .filter(|x| owned_by(x, kind))
                    .cloned()
                    .collect(),
                k if k.is_workload() => in_ns(Kind::Pod)
                    .filter(|x| owned_by(x, k))
                    .cloned()
                    .collect(),
                Kind::Node => objects
                    .values()
                    .filter(|x| {
                        x.pod().is_some_and(|p| {
                            p.node.as_deref() == Some(m.name.as_str())
                                && !matches!(p.phase, Phase::Succeeded | Phase::Failed)
                        })
                    })
                    .cloned()
                    .collect(),
                _ => Vec::new(),
            };
            let mut evs = events.get(&o.key()).cloned().unwrap_or_default();
            // events.SortableEvents: by last seen (a stable sort keeps record order).
            evs.sort_by_key(|e| e.last);
            super::api::Description {
                object: o.clone(),
                related,
                events: evs,
            }
        })
        .collect();
    Response::Described(described)
}
