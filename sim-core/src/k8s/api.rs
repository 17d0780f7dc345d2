//! Kubernetes API objects as the simulator keeps them, and the apiserver's requests,
//! responses and watch events.
//!
//! Scenario files write objects in RON with the fields a manifest would have
//! (`Service(name: "frontend", type: "NodePort", ports: [(port: 80, node_port: 30001)],
//! selector: {"name": "frontend"})`); the apiserver fills in what the server sets (uid,
//! creation time, resourceVersion, ClusterIP, NodePort) and stores each object in etcd
//! under `/registry/...` as JSON in the shape `etcdctl get` shows in seed 004.

use super::proxy::names::Era;
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::engine::SimTime;

pub type Labels = BTreeMap<String, String>;

/// The most pods one ReplicationController may ask for (each is a namespace with actors):
/// the scenario's objects and `kubectl scale` are held to it.
pub const MAX_REPLICAS: u32 = 10_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Namespace,
    Node,
    Pod,
    Service,
    Endpoints,
    EndpointSlice,
    NetworkPolicy,
    ReplicationController,
    ReplicaSet,
    Deployment,
    DaemonSet,
    StatefulSet,
    Job,
    ConfigMap,
    Secret,
}

impl Kind {
    /// The name `kubectl` prints before a `/` (`service/frontend`) and in messages.
    pub fn singular(self) -> &'static str {
        match self {
            Kind::Namespace => "namespace",
            Kind::Node => "node",
            Kind::Pod => "pod",
            Kind::Service => "service",
            Kind::Endpoints => "endpoints",
            Kind::EndpointSlice => "endpointslice.discovery.k8s.io",
            Kind::NetworkPolicy => "networkpolicy.networking.k8s.io",
            Kind::ReplicationController => "replicationcontroller",
            Kind::ReplicaSet => "replicaset.apps",
            Kind::Deployment => "deployment.apps",
            Kind::DaemonSet => "daemonset.apps",
            Kind::StatefulSet => "statefulset.apps",
            Kind::Job => "job.batch",
            Kind::ConfigMap => "configmap",
            Kind::Secret => "secret",
        }
    }

    /// The API kind (`ReplicationController`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Namespace => "Namespace",
            Kind::Node => "Node",
            Kind::Pod => "Pod",
            Kind::Service => "Service",
            Kind::Endpoints => "Endpoints",
            Kind::EndpointSlice => "EndpointSlice",
            Kind::NetworkPolicy => "NetworkPolicy",
            Kind::ReplicationController => "ReplicationController",
            Kind::ReplicaSet => "ReplicaSet",
            Kind::Deployment => "Deployment",
            Kind::DaemonSet => "DaemonSet",
            Kind::StatefulSet => "StatefulSet",
            Kind::Job => "Job",
            Kind::ConfigMap => "ConfigMap",
            Kind::Secret => "Secret",
        }
    }

    /// The resource kubectl's messages use (`services "x" not found`).
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Namespace => "namespaces",
            Kind::Node => "nodes",
            Kind::Pod => "pods",
            Kind::Service => "services",
            Kind::Endpoints => "endpoints",
            Kind::EndpointSlice => "endpointslices.discovery.k8s.io",
            Kind::NetworkPolicy => "networkpolicies.networking.k8s.io",
            Kind::ReplicationController => "replicationcontrollers",
            Kind::ReplicaSet => "replicasets.apps",
            Kind::Deployment => "deployments.apps",
            Kind::DaemonSet => "daemonsets.apps",
            Kind::StatefulSet => "statefulsets.apps",
            Kind::Job => "jobs.batch",
            Kind::ConfigMap => "configmaps",
            Kind::Secret => "secrets",
        }
    }

    /// What kubectl accepts for it: `svc`, `services`, `po`, `rc`, `ep`, `no`, `ns`.
    pub fn parse(s: &str) -> Option<Kind> {
        Some(match s.to_ascii_lowercase().as_str() {
            "ns" | "namespace" | "namespaces" => Kind::Namespace,
            "no" | "node" | "nodes" | "minion" | "minions" => Kind::Node,
            "po" | "pod" | "pods" => Kind::Pod,
            "svc" | "service" | "services" => Kind::Service,
            "ep" | "endpoints" => Kind::Endpoints,
            "endpointslice" | "endpointslices" => Kind::EndpointSlice,
            "netpol" | "networkpolicy" | "networkpolicies" => Kind::NetworkPolicy,
            "rc" | "replicationcontroller" | "replicationcontrollers" => {
                Kind::ReplicationController
            }
            "rs" | "replicaset" | "replicasets" => Kind::ReplicaSet,
            "deploy" | "deployment" | "deployments" => Kind::Deployment,
            "ds" | "daemonset" | "daemonsets" => Kind::DaemonSet,
            "sts" | "statefulset" | "statefulsets" => Kind::StatefulSet,
            "job" | "jobs" => Kind::Job,
            "cm" | "configmap" | "configmaps" => Kind::ConfigMap,
            "secret" | "secrets" => Kind::Secret,
            _ => return None,
        })
    }

    pub fn namespaced(self) -> bool {
        !matches!(self, Kind::Namespace | Kind::Node)
    }

    /// Where the apiserver keeps it in etcd (Kubernetes 1.5's layout, as seed 004 lists).
    pub fn registry(self) -> &'static str {
        match self {
            Kind::Namespace => "/registry/namespaces",
            Kind::Node => "/registry/minions",
            Kind::Pod => "/registry/pods",
            Kind::Service => "/registry/services/specs",
            Kind::Endpoints => "/registry/services/endpoints",
            Kind::EndpointSlice => "/registry/endpointslices",
            Kind::NetworkPolicy => "/registry/networkpolicies",
            Kind::ReplicationController => "/registry/controllers",
            Kind::ReplicaSet => "/registry/replicasets",
            Kind::Deployment => "/registry/deployments",
            Kind::DaemonSet => "/registry/daemonsets",
            Kind::StatefulSet => "/registry/statefulsets",
            Kind::Job => "/registry/jobs",
            Kind::ConfigMap => "/registry/configmaps",
            Kind::Secret => "/registry/secrets",
        }
    }

    /// The API group and version Kubernetes 1.5 serves it under.
    pub fn api_version(self) -> &'static str {
        match self {
            Kind::ReplicaSet | Kind::Deployment | Kind::DaemonSet => "extensions/v1beta1",
            Kind::StatefulSet => "apps/v1beta1",
            Kind::Job => "batch/v1",
            // Not served by 1.5: the group version every release that has it serves.
            Kind::EndpointSlice => "discovery.k8s.io/v1",
            // 1.5 served it in extensions/v1beta1 (`object::api_version` says which).
            Kind::NetworkPolicy => "networking.k8s.io/v1",
            _ => "v1",
        }
    }

    /// The group/version the apiserver of `era` serves this kind under: 1.5's
    /// [`Kind::api_version`], and today's `apps/v1` for the workloads and
    /// `networking.k8s.io/v1` for NetworkPolicy (1.5: `extensions/v1beta1`).
    pub fn served_version(self, era: Era) -> &'static str {
        let v = self.api_version();
        match (self, era) {
            (Kind::NetworkPolicy, Era::Classic) => "extensions/v1beta1",
            (Kind::NetworkPolicy, Era::Modern) => v,
            (_, Era::Modern) if v.starts_with("extensions/") || v.starts_with("apps/") => "apps/v1",
            _ => v,
        }
    }

    /// A workload controller: it makes pods from a template.
    pub fn is_workload(self) -> bool {
        matches!(
            self,
            Kind::ReplicationController
                | Kind::ReplicaSet
                | Kind::Deployment
                | Kind::DaemonSet
                | Kind::StatefulSet
                | Kind::Job
        )
    }
}

/// What the server keeps about every object.
#[derive(Clone, Debug, Default)]
pub struct Meta {
    pub name: String,
    pub namespace: String,
    pub labels: Labels,
    /// `metadata.annotations`: a manifest's own, `kubectl annotate`'s, and those the
    /// simulator writes (a Deployment's `deployment.kubernetes.io/revision`,
    /// `kubernetes.io/change-cause`).
    pub annotations: Labels,
    pub uid: String,
    pub created: SimTime,
    pub resource_version: u64,
    /// The controller that made it: (kind, name), and its uid.
    pub owner: Option<(Kind, String)>,
    pub owner_uid: String,
    /// `metadata.deletionTimestamp`: set when a deletion was asked for and the object
    /// waits for its finalizer (a namespace while the namespace controller empties it).
    pub deletion: Option<SimTime>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServicePort {
    pub name: String,
    /// `TCP` (default) or `UDP`.
    pub protocol: Option<String>,
    pub port: u16,
    /// Defaults to `port`.
    pub target_port: Option<u16>,
    /// A named `targetPort`: the container port of that name, pod by pod.
    pub target_name: Option<String>,
    pub node_port: Option<u32>,
}

impl ServicePort {
    pub fn protocol(&self) -> &str {
        self.protocol.as_deref().unwrap_or("TCP")
    }

    pub fn target(&self) -> u16 {
        self.target_port.unwrap_or(self.port)
    }
}

/// `sessionAffinityConfig.clientIP.timeoutSeconds` when a ClientIP Service leaves it out
/// (SetDefaults_Service: `DefaultClientIPServiceAffinitySeconds`, 3 hours), and kube-proxy
/// 1.5's fixed `stickyMaxAgeMinutes` of 180.
pub const DEFAULT_AFFINITY_TIMEOUT: u32 = 10800;

/// A Service as admission leaves it for the apiserver to create.
#[derive(Clone, Debug)]
pub struct ServiceSpec {
    pub name: String,
    pub namespace: Option<String>,
    pub labels: Labels,
    /// `ClusterIP` (default), `NodePort`, `LoadBalancer` or `ExternalName`.
    pub type_: Option<String>,
    /// An explicit ClusterIP, or `None` for a headless Service.
    pub cluster_ip: Option<String>,
    pub ports: Vec<ServicePort>,
    pub selector: Labels,
    pub external_ips: Vec<String>,
    pub external_name: Option<String>,
    /// `spec.loadBalancerIP`: the address a LoadBalancer Service asks for.
    pub load_balancer_ip: Option<String>,
    /// `spec.publishNotReadyAddresses`.
    pub publish_not_ready: bool,
    /// `spec.sessionAffinity: ClientIP`: its timeout in seconds
    /// (`sessionAffinityConfig.clientIP.timeoutSeconds`, defaulted to 10800); `None` for
    /// `sessionAffinity: None`.
    pub affinity: Option<u32>,
    /// The traffic policies, and a `healthCheckNodePort` asked for.
    pub policy: TrafficPolicy,
}

/// A Service's `spec.externalTrafficPolicy`, `spec.internalTrafficPolicy` and
/// `spec.healthCheckNodePort`. `Local` is true; the default, `Cluster`, false.
/// externalTrafficPolicy exists only for an externally accessible Service
/// ([`Service::externally_accessible`]); healthCheckNodePort only for a LoadBalancer
/// Service with externalTrafficPolicy Local (the apiserver allocates it from the NodePort
/// range; kube-proxy opens it to health checks).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TrafficPolicy {
    pub external_local: bool,
    pub internal_local: bool,
    pub health_check_node_port: Option<u16>,
}

impl TrafficPolicy {
    /// The API's word for a policy.
    pub fn word(local: bool) -> &'static str {
        if local { "Local" } else { "Cluster" }
    }
}

/// A Service as the server keeps it.
#[derive(Clone, Debug)]
pub struct Service {
    pub type_: String,
    /// `None` for headless and ExternalName Services.
    pub cluster_ip: Option<Ipv4Addr>,
    pub ports: Vec<ServicePort>,
    pub selector: Labels,
    pub external_ips: Vec<Ipv4Addr>,
    pub external_name: Option<String>,
    /// `status.loadBalancer.ingress`: the addresses the load balancer gave a
    /// LoadBalancer Service (from the scenario's pool), empty while `<pending>`.
    pub ingress: Vec<Ipv4Addr>,
    /// `spec.publishNotReadyAddresses`: the endpoints controller lists pods that are not
    /// ready among the ready addresses (CoreDNS then answers with them too).
    pub publish_not_ready: bool,
    /// `spec.sessionAffinity: ClientIP` with its timeout in seconds
    /// (`sessionAffinityConfig.clientIP.timeoutSeconds`, 10800 unless given); `None` for
    /// `sessionAffinity: None`. kube-proxy keeps a client on the endpoint it first reached
    /// until it has been quiet that long.
    pub affinity: Option<u32>,
    /// externalTrafficPolicy, internalTrafficPolicy, healthCheckNodePort.
    pub policy: TrafficPolicy,
}

impl Service {
    /// apiservice.ExternallyAccessible: a NodePort or LoadBalancer Service, or a ClusterIP
    /// one with externalIPs; only these have an externalTrafficPolicy.
    pub fn externally_accessible(&self) -> bool {
        matches!(self.type_.as_str(), "NodePort" | "LoadBalancer")
            || (self.type_ == "ClusterIP" && !self.external_ips.is_empty())
    }

    /// `spec.externalTrafficPolicy` as stored: `None` where the Service has none.
    pub fn external_traffic_policy(&self) -> Option<&'static str> {
        self.externally_accessible()
            .then(|| TrafficPolicy::word(self.policy.external_local))
    }

    /// `spec.internalTrafficPolicy` as stored: `None` for an ExternalName Service.
    pub fn internal_traffic_policy(&self) -> Option<&'static str> {
        (self.type_ != "ExternalName").then(|| TrafficPolicy::word(self.policy.internal_local))
    }

    pub fn env(&self, meta: &Meta) -> super::envvars::Service {
        super::envvars::Service {
            namespace: meta.namespace.clone(),
            name: meta.name.clone(),
            cluster_ip: self.cluster_ip,
            ports: self
                .ports
                .iter()
                .map(|p| super::envvars::Port {
                    name: p.name.clone(),
                    port: p.port,
                    protocol: p.protocol().to_string(),
                })
                .collect(),
        }
    }
}

/// One ready (or not ready) address of an Endpoints subset. A hand-written one names no
/// pod (`pod` empty) and may name no node.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Address {
    pub ip: Ipv4Addr,
    pub node: String,
    pub pod: String,
    /// A hand-written address's `hostname` (empty: none), its own name in CoreDNS
    /// (`HOSTNAME.SERVICE.NS.svc.ZONE`); a pod's comes from its `spec.hostname`.
    pub hostname: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointPort {
    pub name: String,
    pub port: u16,
    pub protocol: String,
}

/// Endpoints (one subset: the simulator's pods all expose the Service's target ports;
/// hand-written subsets with the same ports are merged, as the apiserver's repacking
/// does, and subsets with different ports are refused by admission).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Endpoints {
    pub addresses: Vec<Address>,
    pub not_ready: Vec<Address>,
    pub ports: Vec<EndpointPort>,
}

/// The label that ties an EndpointSlice to its Service.
pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";
/// The label that names the controller that manages an EndpointSlice.
pub const MANAGED_BY_LABEL: &str = "endpointslice.kubernetes.io/managed-by";

/// One endpoint of an EndpointSlice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SliceEndpoint {
    pub address: Ipv4Addr,
    /// `conditions.ready` (absent means ready).
    pub ready: bool,
    /// `nodeName` (empty: none).
    pub node: String,
    /// `targetRef`'s pod (empty: none, as in a hand-written slice).
    pub pod: String,
    /// `hostname` (empty: none).
    pub hostname: String,
}

/// An EndpointSlice (discovery.k8s.io/v1, IPv4 only: the simulator has no IPv6).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EndpointSlice {
    pub endpoints: Vec<SliceEndpoint>,
    /// A port's `name` (empty for the Service's unnamed port), `port`, `protocol`.
    pub ports: Vec<EndpointPort>,
}

impl EndpointSlice {
    /// The EndpointSlice controller's (or its mirroring twin's) slice of these Endpoints.
    pub fn of(e: &Endpoints) -> EndpointSlice {
        let one = |a: &Address, ready: bool| SliceEndpoint {
            address: a.ip,
            ready,
            node: a.node.clone(),
            pod: a.pod.clone(),
            hostname: a.hostname.clone(),
        };
        EndpointSlice {
            endpoints: e
                .addresses
                .iter()
                .map(|a| one(a, true))
                .chain(e.not_ready.iter().map(|a| one(a, false)))
                .collect(),
            ports: e.ports.clone(),
        }
    }
}

/// A Service's endpoints as kube-proxy and CoreDNS read them: its Endpoints (if any),
/// with the endpoints of the hand-written EndpointSlices labelled for it added, port by
/// port name (kube-proxy's EndpointSliceCache merges slices the same way). Addresses
/// come out sorted and once each.
pub fn merged_endpoints<'a>(
    endpoints: Option<&Endpoints>,
    slices: impl IntoIterator<Item = &'a EndpointSlice>,
) -> Option<Endpoints> {
    let mut out = endpoints.cloned();
    for s in slices {
        let e = out.get_or_insert_with(Endpoints::default);
        for p in &s.ports {
            if !e
                .ports
                .iter()
                .any(|q| q.name == p.name && q.protocol == p.protocol)
            {
                e.ports.push(p.clone());
            }
        }
        for ep in &s.endpoints {
            let a = Address {
                ip: ep.address,
                node: ep.node.clone(),
                pod: ep.pod.clone(),
                hostname: ep.hostname.clone(),
            };
            let list = if ep.ready {
                &mut e.addresses
            } else {
                &mut e.not_ready
            };
            if !list.iter().any(|b| b.ip == a.ip) {
                list.push(a);
            }
        }
    }
    if let Some(e) = &mut out {
        e.addresses.sort();
        e.not_ready.sort();
    }
    out
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    Pending,
    Running,
    Succeeded,
    Failed,
}

impl Phase {
    pub fn name(&self) -> &'static str {
        match self {
            Phase::Pending => "Pending",
            Phase::Running => "Running",
            Phase::Succeeded => "Succeeded",
            Phase::Failed => "Failed",
        }
    }
}

/// A container of a pod.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Container {
    pub name: String,
    pub image: Option<String>,
    /// `command` and `args` as one shell line (`httpd -f -p 80`).
    pub command: Option<String>,
    pub env: Vec<(String, String)>,
    pub ports: Vec<u16>,
    /// The named ports (`http` -> 80), for a Service's named `targetPort`.
    pub port_names: Vec<(String, u16)>,
    /// The variables of `env` whose value comes from elsewhere (`valueFrom`), by name:
    /// kubelet resolves them when it starts the container.
    pub value_from: Vec<(String, EnvRef)>,
    /// `envFrom`: ConfigMaps' and Secrets' keys as variables, in order (a later source
    /// wins over an earlier one, `env` over all).
    pub env_from: Vec<EnvFrom>,
    /// `readinessProbe`, `livenessProbe`, `startupProbe`.
    pub readiness: Option<Probe>,
    pub liveness: Option<Probe>,
    pub startup: Option<Probe>,
}

/// Where an environment variable's value comes from (`EnvVarSource`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnvRef {
    /// The Downward API: `metadata.name`, `metadata.labels['app']`, `status.podIP`...
    Field(String),
    /// A ConfigMap's key (`optional`: a missing one leaves the variable out).
    ConfigMapKey {
        name: String,
        key: String,
        optional: bool,
    },
    /// A Secret's key.
    SecretKey {
        name: String,
        key: String,
        optional: bool,
    },
}

/// One `envFrom` source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvFrom {
    /// `Kind::ConfigMap` or `Kind::Secret`.
    pub kind: Kind,
    pub name: String,
    /// Put before each key.
    pub prefix: String,
    /// A missing object is skipped instead of keeping the container from starting.
    pub optional: bool,
}

/// A probe as kubelet runs it, its defaults filled in (`SetDefaults_Probe`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Probe {
    pub action: ProbeAction,
    /// Seconds.
    pub initial_delay: u32,
    pub timeout: u32,
    pub period: u32,
    pub success_threshold: u32,
    pub failure_threshold: u32,
}

/// What a probe does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProbeAction {
    /// Runs the command in the container: exit 0 is success.
    Exec(Vec<String>),
    /// Opens a TCP connection from the node to the pod (or `host`).
    Tcp { host: Option<String>, port: PortRef },
    /// `GET scheme://host:port/path` from the node: a status from 200 to 399 is success.
    Http {
        host: Option<String>,
        port: PortRef,
        path: String,
        scheme: String,
        /// An `httpHeaders` entry named `Host` (the request's Host header; the
        /// simulated servers read no other header, so no other is carried).
        host_header: Option<String>,
    },
}

/// A probe's port: a number, or the name of one of the container's ports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortRef {
    Number(u16),
    Name(String),
}

impl std::fmt::Display for PortRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PortRef::Number(n) => write!(f, "{n}"),
            PortRef::Name(n) => f.write_str(n),
        }
    }
}

impl Probe {
    /// `kubectl describe pod`'s line for it (`describeProbe`): `http-get
    /// http://:8080/healthz delay=0s timeout=1s period=10s #success=1 #failure=3`.
    pub fn describe(&self) -> String {
        let what = match &self.action {
            ProbeAction::Exec(argv) => format!("exec [{}]", argv.join(" ")),
            ProbeAction::Tcp { host, port } => {
                format!("tcp-socket {}:{port}", host.as_deref().unwrap_or(""))
            }
            ProbeAction::Http {
                host,
                port,
                path,
                scheme,
                ..
            } => format!(
                "http-get {}://{}:{port}{path}",
                scheme.to_lowercase(),
                host.as_deref().unwrap_or("")
            ),
        };
        format!(
            "{what} delay={}s timeout={}s period={}s #success={} #failure={}",
            self.initial_delay,
            self.timeout,
            self.period,
            self.success_threshold,
            self.failure_threshold
        )
    }
}

/// A pod's `dnsConfig`: merged into what the dnsPolicy gives (reference §4.1).
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DnsConfig {
    #[serde(default)]
    pub nameservers: Vec<String>,
    #[serde(default)]
    pub searches: Vec<String>,
    /// `("ndots", Some("2"))`, `("edns0", None)`.
    #[serde(default)]
    pub options: Vec<(String, Option<String>)>,
}

/// The parts of a pod's spec beside its containers, as a manifest writes them (a
/// scenario's pod or a controller's template: `spec: (dns_policy: "Default")`).
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PodOptions {
    /// `spec.nodeName`: bound to this node, without the scheduler.
    #[serde(default)]
    pub node_name: Option<String>,
    /// `spec.hostNetwork`: the pod shares its node's network namespace.
    #[serde(default)]
    pub host_network: bool,
    /// `ClusterFirst` (default), `Default`, `ClusterFirstWithHostNet` or `None`.
    #[serde(default)]
    pub dns_policy: Option<String>,
    #[serde(default)]
    pub dns_config: Option<DnsConfig>,
    /// `spec.hostname` (default: the pod's name) and `spec.subdomain`.
    #[serde(default)]
    pub hostname: Option<String>,
    #[serde(default)]
    pub subdomain: Option<String>,
    /// `spec.enableServiceLinks` (default true): the docker-link variables
    /// (`{SVC}_PORT...`) and the `_SERVICE_` ones of other Services.
    #[serde(default)]
    pub enable_service_links: Option<bool>,
    /// `spec.restartPolicy`: `Always` (default), `OnFailure` or `Never`.
    #[serde(default)]
    pub restart_policy: Option<String>,
    /// `spec.nodeSelector`: the scheduler binds the pod only to a node with these labels.
    #[serde(default)]
    pub node_selector: BTreeMap<String, String>,
    /// `spec.initContainers`: run one after another to completion before `containers`.
    #[serde(skip)]
    pub init_containers: Vec<Container>,
}

impl PodOptions {
    pub fn dns_policy(&self) -> &str {
        self.dns_policy.as_deref().unwrap_or("ClusterFirst")
    }

    pub fn restart_policy(&self) -> &str {
        self.restart_policy.as_deref().unwrap_or("Always")
    }

    /// These options with the apiserver's defaults filled in (dnsPolicy ClusterFirst,
    /// enableServiceLinks true, restartPolicy Always) and without the node the scheduler
    /// sets: what an update
    /// compares (an object read back, `kubectl get -o yaml`'s form, has the defaults
    /// written out).
    pub fn defaulted(&self) -> PodOptions {
        PodOptions {
            node_name: None,
            dns_policy: Some(self.dns_policy().to_string()),
            enable_service_links: Some(self.enable_service_links.unwrap_or(true)),
            restart_policy: Some(self.restart_policy().to_string()),
            ..self.clone()
        }
    }

    /// The apiserver's validation of these fields: `Err((field, message))` with the
    /// field's snake-case name in the scenario and the apiserver's message.
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        const POLICIES: [&str; 4] = ["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"];
        if !POLICIES.contains(&self.dns_policy()) {
            return Err((
                "dns_policy",
                format!(
                    "spec.dnsPolicy: Unsupported value: \"{}\": supported values: \"ClusterFirst\", \"ClusterFirstWithHostNet\", \"Default\", \"None\"",
                    self.dns_policy()
                ),
            ));
        }
        let servers = self
            .dns_config
            .as_ref()
            .map(|c| c.nameservers.as_slice())
            .unwrap_or(&[]);
        if self.dns_policy() == "None" && servers.is_empty() {
            return Err((
                "dns_config",
                "spec.dnsConfig: Required value: must provide at least one DNS nameserver when dnsPolicy is None".into(),
            ));
        }
        for (i, n) in servers.iter().enumerate() {
            if n.parse::<Ipv4Addr>().is_err() {
                return Err((
                    "dns_config",
                    format!(
                        "spec.dnsConfig.nameservers[{i}]: Invalid value: \"{n}\": must be valid IP address"
                    ),
                ));
            }
        }
        for (field, v) in [("hostname", &self.hostname), ("subdomain", &self.subdomain)] {
            if let Some(v) = v
                && !dns_label(v)
            {
                let api = if field == "hostname" {
                    "spec.hostname"
                } else {
                    "spec.subdomain"
                };
                return Err((
                    field,
                    format!(
                        "{api}: Invalid value: \"{v}\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// A DNS label as Kubernetes names need: 1-63 lowercase letters, digits and '-', starting
/// and ending with a letter or digit.
pub fn dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// One event about an object (`kubectl describe` lists them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// `Normal` or `Warning`.
    pub type_: &'static str,
    pub reason: String,
    /// `kubelet`, `default-scheduler`, `replicaset-controller`...
    pub from: String,
    /// The source's host (kubelet's node; empty for the control plane's components):
    /// kubectl 1.5 shows `{kubelet why-02}`.
    pub host: String,
    /// The part of the object it is about (`spec.containers{master}`), kubectl 1.5's
    /// SubObjectPath.
    pub field_path: String,
    pub message: String,
    pub first: SimTime,
    pub last: SimTime,
    pub count: u32,
}

#[derive(Clone, Debug)]
pub struct Pod {
    pub node: Option<String>,
    pub containers: Vec<Container>,
    pub spec: PodOptions,
    /// `status.phase`.
    pub phase: Phase,
    pub ip: Option<Ipv4Addr>,
    pub host_ip: Option<Ipv4Addr>,
    /// The Ready condition.
    pub ready: bool,
    pub started: Option<SimTime>,
    /// `status.containerStatuses`, in the order of `containers`, as kubelet last reported
    /// them (empty before its first report, and for a scenario's own pods).
    pub statuses: Vec<ContainerStatus>,
    /// `status.initContainerStatuses`, in the order of `spec.init_containers`.
    pub init_statuses: Vec<ContainerStatus>,
}

/// A container's state (`ContainerState`: one of waiting, running, terminated).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContainerState {
    /// `waiting`: `reason` is `ContainerCreating`, `CrashLoopBackOff`,
    /// `CreateContainerConfigError`...; `message` may be empty.
    Waiting {
        reason: String,
        message: String,
    },
    Running {
        started_at: SimTime,
    },
    /// `terminated`: `reason` is `Completed` (exit 0) or `Error`.
    Terminated {
        exit_code: i32,
        reason: String,
        started_at: SimTime,
        finished_at: SimTime,
    },
}

/// `status.containerStatuses[]` (`ContainerStatus`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerStatus {
    pub name: String,
    pub state: ContainerState,
    /// `lastState`: the previous run's end, once it was restarted.
    pub last_state: Option<ContainerState>,
    pub ready: bool,
    pub restart_count: u32,
}

impl ContainerStatus {
    pub fn running(&self) -> bool {
        matches!(self.state, ContainerState::Running { .. })
    }
}

#[derive(Clone, Debug)]
pub struct NodeStatus {
    pub ip: Ipv4Addr,
    pub ready: bool,
    pub heartbeat: SimTime,
}

/// A workload controller as a manifest writes it: a ReplicationController, ReplicaSet,
/// Deployment or DaemonSet (which has no `replicas`: one pod per node).
#[derive(Clone, Debug)]
pub struct RcSpec {
    pub name: String,
    pub namespace: Option<String>,
    pub labels: Labels,
    /// Default 1.
    pub replicas: u32,
    pub selector: Labels,
    /// The pod template's labels (default: the selector).
    pub template_labels: Labels,
    /// The pod template's annotations (`kubectl rollout restart`'s
    /// `kubectl.kubernetes.io/restartedAt`).
    pub template_annotations: Labels,
    /// The object's own annotations (`kubernetes.io/change-cause`).
    pub annotations: Labels,
    pub containers: Vec<Container>,
    /// The rest of the pod template's spec.
    pub spec: PodOptions,
    /// A Deployment's strategy and history, with its group version's defaults.
    pub rollout: Rollout,
    /// A StatefulSet's own fields.
    pub stateful: Stateful,
    /// A Job's own fields.
    pub job: Batch,
}

/// A Job's fields beside its template, and what its controller keeps of it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Batch {
    /// `spec.completions` (`None`: any one success completes it, a work queue).
    pub completions: Option<u32>,
    pub parallelism: u32,
    pub backoff_limit: u32,
    /// `spec.activeDeadlineSeconds`.
    pub deadline: Option<u64>,
    /// `spec.manualSelector`: the manifest's selector, not one the apiserver makes.
    pub manual: bool,
    /// When the controller saw the latest failure: the next pod waits for its back-off.
    pub failed_at: Option<SimTime>,
    /// Pods that ended in phase Succeeded, and Failed.
    pub succeeded: u32,
    pub failed: u32,
    /// `status.startTime`, `status.completionTime`.
    pub start: Option<SimTime>,
    pub completed: Option<SimTime>,
    /// The condition that ended it: `Complete` or `Failed`, and (for Failed) its reason
    /// and message, and when.
    pub finished: Option<(&'static str, &'static str, &'static str, SimTime)>,
}

/// A StatefulSet's fields beside its template.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stateful {
    /// `spec.serviceName`: the headless Service its pods are the subdomain of.
    pub service_name: String,
    /// `podManagementPolicy: Parallel` (else OrderedReady).
    pub parallel: bool,
    /// `spec.ordinals.start`: the first pod's ordinal.
    pub start: u32,
}

/// A count or a percentage of the desired replicas (`maxSurge: 1`, `maxUnavailable: 25%`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Amount {
    Count(u32),
    Percent(u32),
}

impl Amount {
    /// The count it means out of `total`: a percentage rounded up or down, as
    /// `intstr.GetScaledValueFromIntOrPercent` does for deployment/util's
    /// `ResolveFenceposts` (surge up, unavailable down).
    pub fn of(self, total: u32, round_up: bool) -> u32 {
        match self {
            Amount::Count(n) => n,
            Amount::Percent(p) => {
                let x = u64::from(p) * u64::from(total);
                let n = if round_up { x.div_ceil(100) } else { x / 100 };
                n.min(u64::from(u32::MAX)) as u32
            }
        }
    }

    /// As the API writes it: `1` or `"25%"`.
    pub fn text(self) -> String {
        match self {
            Amount::Count(n) => n.to_string(),
            Amount::Percent(p) => format!("{p}%"),
        }
    }
}

/// How a Deployment replaces its pods when its template changes (`spec.strategy`), and
/// how many old ReplicaSets it keeps (`spec.revisionHistoryLimit`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rollout {
    /// `Recreate`: every old pod goes before a new one is made; else `RollingUpdate`.
    pub recreate: bool,
    pub max_surge: Amount,
    pub max_unavailable: Amount,
    /// `None`: every old ReplicaSet is kept (extensions/v1beta1).
    pub history_limit: Option<u32>,
    /// `spec.paused`: the controller scales but does not roll out a changed template.
    pub paused: bool,
}

impl Default for Rollout {
    /// apps/v1's defaults.
    fn default() -> Self {
        Rollout {
            recreate: false,
            max_surge: Amount::Percent(25),
            max_unavailable: Amount::Percent(25),
            history_limit: Some(10),
            paused: false,
        }
    }
}

impl Rollout {
    /// deployment/util's `ResolveFenceposts`: (max surge, max unavailable) for `replicas`;
    /// both 0 would stall a rollout, so unavailable is then 1.
    pub fn fenceposts(&self, replicas: u32) -> (u32, u32) {
        let surge = self.max_surge.of(replicas, true);
        let unavailable = self.max_unavailable.of(replicas, false);
        if surge == 0 && unavailable == 0 {
            (0, 1)
        } else {
            (surge, unavailable)
        }
    }
}

/// The annotation that numbers a Deployment's ReplicaSets (and the Deployment's current
/// one).
pub const REVISION: &str = "deployment.kubernetes.io/revision";
/// What `kubectl rollout history` shows as CHANGE-CAUSE.
pub const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";
/// `kubectl rollout restart` sets it on the pod template, to the time of the restart.
pub const RESTARTED_AT: &str = "kubectl.kubernetes.io/restartedAt";

/// An object's revision (`deployment.kubernetes.io/revision`), 0 without one.
pub fn revision(meta: &Meta) -> u64 {
    meta.annotations
        .get(REVISION)
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

/// A pod as admission leaves it.
#[derive(Clone, Debug)]
pub struct PodSpec {
    pub name: String,
    pub namespace: Option<String>,
    pub labels: Labels,
    pub containers: Vec<Container>,
    pub spec: PodOptions,
}

/// An object as admission leaves it for the apiserver to create (from a manifest's API
/// object: `k8s::admission`).
#[derive(Clone, Debug)]
pub enum NewObject {
    /// A pod of its own (not a controller's).
    Pod(PodSpec),
    Service(ServiceSpec),
    ReplicationController(RcSpec),
    ReplicaSet(RcSpec),
    Deployment(RcSpec),
    DaemonSet(RcSpec),
    StatefulSet(RcSpec),
    Job(RcSpec),
    /// `ConfigMap(name: "kube-proxy", namespace: "kube-system", data: {"config.conf": "..."})`.
    ConfigMap(ConfigMapSpec),
    /// `Namespace(name: "gitlab")`.
    Namespace(NamespaceSpec),
    /// An object the apiserver keeps as it is given (hand-written Endpoints and
    /// EndpointSlices): admission builds its body.
    Stored(StoredSpec),
}

/// An object kept as admission built it.
#[derive(Clone, Debug)]
pub struct StoredSpec {
    pub name: String,
    pub namespace: Option<String>,
    pub labels: Labels,
    pub body: Body,
}

#[derive(Clone, Debug)]
pub struct NamespaceSpec {
    pub name: String,
    pub labels: Labels,
}

#[derive(Clone, Debug)]
pub struct ConfigMapSpec {
    pub name: String,
    pub namespace: Option<String>,
    pub labels: Labels,
    pub data: BTreeMap<String, String>,
}

impl NewObject {
    pub fn kind(&self) -> Kind {
        match self {
            NewObject::Pod(_) => Kind::Pod,
            NewObject::Service(_) => Kind::Service,
            NewObject::ReplicationController(_) => Kind::ReplicationController,
            NewObject::ReplicaSet(_) => Kind::ReplicaSet,
            NewObject::Deployment(_) => Kind::Deployment,
            NewObject::DaemonSet(_) => Kind::DaemonSet,
            NewObject::StatefulSet(_) => Kind::StatefulSet,
            NewObject::Job(_) => Kind::Job,
            NewObject::ConfigMap(_) => Kind::ConfigMap,
            NewObject::Namespace(_) => Kind::Namespace,
            NewObject::Stored(s) => s.body.kind(),
        }
    }

    /// The workload's spec, for the four controller kinds.
    pub fn workload(&self) -> Option<&RcSpec> {
        match self {
            NewObject::ReplicationController(r)
            | NewObject::ReplicaSet(r)
            | NewObject::Deployment(r)
            | NewObject::DaemonSet(r)
            | NewObject::StatefulSet(r)
            | NewObject::Job(r) => Some(r),
            _ => None,
        }
    }

    pub fn workload_mut(&mut self) -> Option<&mut RcSpec> {
        match self {
            NewObject::ReplicationController(r)
            | NewObject::ReplicaSet(r)
            | NewObject::Deployment(r)
            | NewObject::DaemonSet(r)
            | NewObject::StatefulSet(r)
            | NewObject::Job(r) => Some(r),
            _ => None,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            NewObject::Pod(p) => &p.name,
            NewObject::Service(s) => &s.name,
            NewObject::ConfigMap(c) => &c.name,
            NewObject::Namespace(n) => &n.name,
            NewObject::Stored(s) => &s.name,
            m => &m.workload().expect("a workload").name,
        }
    }

    /// The namespace the object lives in ("" for a Namespace, which lives in none).
    pub fn namespace(&self) -> &str {
        match self {
            NewObject::Namespace(_) => Some(""),
            NewObject::Pod(p) => p.namespace.as_deref(),
            NewObject::Service(s) => s.namespace.as_deref(),
            NewObject::ConfigMap(c) => c.namespace.as_deref(),
            NewObject::Stored(s) => s.namespace.as_deref(),
            m => m.workload().expect("a workload").namespace.as_deref(),
        }
        .unwrap_or("default")
    }
}

#[derive(Clone, Debug)]
pub struct Rc {
    /// ReplicationController, ReplicaSet, Deployment or DaemonSet.
    pub kind: Kind,
    pub replicas: u32,
    pub selector: Labels,
    pub template_labels: Labels,
    pub template_annotations: Labels,
    pub containers: Vec<Container>,
    pub spec: PodOptions,
    /// Pods it has now (as the controller last counted), and how many are ready; a
    /// DaemonSet's `replicas` is the number of nodes that should run its pod. A
    /// Deployment's count those of all its ReplicaSets.
    pub current: u32,
    pub ready: u32,
    /// A Deployment's pods of its newest template (`status.updatedReplicas`).
    pub updated: u32,
    pub rollout: Rollout,
    pub stateful: Stateful,
    pub job: Batch,
}

#[derive(Clone, Debug)]
pub enum Body {
    Namespace,
    Node(NodeStatus),
    Pod(Box<Pod>),
    Service(Service),
    Endpoints(Endpoints),
    EndpointSlice(EndpointSlice),
    /// A NetworkPolicy as written (its policyTypes defaulted): stored, listed, described;
    /// not enforced yet.
    NetworkPolicy(Box<super::manifest::types::NetworkPolicySpec>),
    /// A ReplicationController, ReplicaSet, Deployment or DaemonSet.
    Workload(Rc),
    ConfigMap(BTreeMap<String, String>),
    Secret(Secret),
}

/// A Secret as the apiserver keeps it: `stringData` already merged into `data`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Secret {
    /// `type` (`Opaque` unless the manifest says another).
    pub type_: String,
    /// The decoded bytes of each key (the API writes them as base64).
    pub data: BTreeMap<String, Vec<u8>>,
}

#[derive(Clone, Debug)]
pub struct Object {
    pub meta: Meta,
    pub body: Body,
}

impl Body {
    pub fn kind(&self) -> Kind {
        match self {
            Body::Namespace => Kind::Namespace,
            Body::Node(_) => Kind::Node,
            Body::Pod(_) => Kind::Pod,
            Body::Service(_) => Kind::Service,
            Body::Endpoints(_) => Kind::Endpoints,
            Body::EndpointSlice(_) => Kind::EndpointSlice,
            Body::NetworkPolicy(_) => Kind::NetworkPolicy,
            Body::Workload(w) => w.kind,
            Body::ConfigMap(_) => Kind::ConfigMap,
            Body::Secret(_) => Kind::Secret,
        }
    }
}

impl Object {
    pub fn kind(&self) -> Kind {
        self.body.kind()
    }

    /// An EndpointSlice's Service (its `kubernetes.io/service-name` label).
    pub fn slice_service(&self) -> Option<&str> {
        match &self.body {
            Body::EndpointSlice(_) => self.meta.labels.get(SERVICE_NAME_LABEL).map(String::as_str),
            _ => None,
        }
    }

    pub fn endpoint_slice(&self) -> Option<&EndpointSlice> {
        match &self.body {
            Body::EndpointSlice(s) => Some(s),
            _ => None,
        }
    }

    pub fn key(&self) -> Key {
        (
            self.kind(),
            self.meta.namespace.clone(),
            self.meta.name.clone(),
        )
    }

    /// The etcd key (`/registry/services/specs/default/frontend`).
    pub fn etcd_key(&self) -> String {
        let k = self.kind();
        if k.namespaced() {
            format!(
                "{}/{}/{}",
                k.registry(),
                self.meta.namespace,
                self.meta.name
            )
        } else {
            format!("{}/{}", k.registry(), self.meta.name)
        }
    }

    pub fn service(&self) -> Option<&Service> {
        match &self.body {
            Body::Service(s) => Some(s),
            _ => None,
        }
    }

    pub fn endpoints(&self) -> Option<&Endpoints> {
        match &self.body {
            Body::Endpoints(e) => Some(e),
            _ => None,
        }
    }

    pub fn workload(&self) -> Option<&Rc> {
        match &self.body {
            Body::Workload(w) => Some(w),
            _ => None,
        }
    }

    pub fn pod(&self) -> Option<&Pod> {
        match &self.body {
            Body::Pod(p) => Some(p),
            _ => None,
        }
    }

    /// The object as the apiserver of `era` stores it in etcd (JSON, Kubernetes 1.5's
    /// shape; its apiVersion and its owner's are those the era serves).
    pub fn json(&self, era: Era) -> String {
        let m = &self.meta;
        let mut meta = json!({"name": m.name});
        if self.kind().namespaced() {
            meta["namespace"] = json!(m.namespace);
        }
        meta["uid"] = json!(m.uid);
        meta["creationTimestamp"] = json!(crate::clock::rfc3339(m.created));
        if let Some(t) = m.deletion {
            meta["deletionTimestamp"] = json!(crate::clock::rfc3339(t));
        }
        if !m.labels.is_empty() {
            meta["labels"] = json!(m.labels);
        }
        if !m.annotations.is_empty() {
            meta["annotations"] = json!(m.annotations);
        }
        if let Some((k, n)) = &m.owner {
            meta["ownerReferences"] = json!([{"apiVersion": k.served_version(era), "kind": k.name(), "name": n, "uid": m.owner_uid, "controller": true}]);
        }
        let mut v = json!({"kind": self.kind().name(), "apiVersion": self.kind().served_version(era), "metadata": meta});
        match &self.body {
            Body::Namespace => {
                v["spec"] = json!({"finalizers": ["kubernetes"]});
                let phase = if m.deletion.is_some() {
                    "Terminating"
                } else {
                    "Active"
                };
                v["status"] = json!({ "phase": phase });
            }
            Body::Node(n) => {
                v["spec"] = json!({"externalID": m.name});
                v["status"] = json!({
                    "conditions": [{"type": "Ready", "status": if n.ready { "True" } else { "Unknown" }}],
                    "addresses": [{"type": "InternalIP", "address": n.ip.to_string()}],
                });
            }
            Body::Pod(p) => {
                let containers: Vec<Value> = p
                    .containers
                    .iter()
                    .map(|c| {
                        let mut cv =
                            json!({"name": c.name, "image": c.image.clone().unwrap_or_default()});
                        if !c.ports.is_empty() {
                            cv["ports"] = json!(
                                c.ports
                                    .iter()
                                    .map(|p| json!({"containerPort": p, "protocol": "TCP"}))
                                    .collect::<Vec<_>>()
                            );
                        }
                        if !c.env.is_empty() {
                            cv["env"] = json!(
                                c.env
                                    .iter()
                                    .map(|(k, v)| json!({"name": k, "value": v}))
                                    .collect::<Vec<_>>()
                            );
                        }
                        cv
                    })
                    .collect();
                let mut spec = json!({"containers": containers, "restartPolicy": p.spec.restart_policy(), "dnsPolicy": p.spec.dns_policy()});
                if let Some(n) = &p.node {
                    spec["nodeName"] = json!(n);
                }
                if p.spec.host_network {
                    spec["hostNetwork"] = json!(true);
                }
                if let Some(h) = &p.spec.hostname {
                    spec["hostname"] = json!(h);
                }
                if let Some(sd) = &p.spec.subdomain {
                    spec["subdomain"] = json!(sd);
                }
                v["spec"] = spec;
                let mut status = json!({"phase": p.phase.name()});
                if let Some(ip) = p.host_ip {
                    status["hostIP"] = json!(ip.to_string());
                }
                if let Some(ip) = p.ip {
                    status["podIP"] = json!(ip.to_string());
                }
                v["status"] = status;
            }
            Body::Service(s) => {
                let ports: Vec<Value> = s
                    .ports
                    .iter()
                    .map(|p| {
                        let mut pv = json!({"protocol": p.protocol(), "port": p.port, "targetPort": p.target()});
                        if !p.name.is_empty() {
                            pv["name"] = json!(p.name);
                        }
                        if let Some(n) = p.node_port {
                            pv["nodePort"] = json!(n);
                        }
                        pv
                    })
                    .collect();
                let mut spec = json!({"ports": ports});
                if !s.selector.is_empty() {
                    spec["selector"] = json!(s.selector);
                }
                spec["clusterIP"] = json!(
                    s.cluster_ip
                        .map(|ip| ip.to_string())
                        .unwrap_or_else(|| "None".into())
                );
                spec["type"] = json!(s.type_);
                if !s.external_ips.is_empty() {
                    spec["externalIPs"] = json!(
                        s.external_ips
                            .iter()
                            .map(|i| i.to_string())
                            .collect::<Vec<_>>()
                    );
                }
                if s.publish_not_ready {
                    spec["publishNotReadyAddresses"] = json!(true);
                }
                spec["sessionAffinity"] = json!(if s.affinity.is_some() {
                    "ClientIP"
                } else {
                    "None"
                });
                // The policies only when they ask for Local (the stored JSON is 1.5's shape,
                // which had neither field).
                if s.policy.external_local {
                    spec["externalTrafficPolicy"] = json!("Local");
                }
                if let Some(n) = s.policy.health_check_node_port {
                    spec["healthCheckNodePort"] = json!(n);
                }
                if s.policy.internal_local {
                    spec["internalTrafficPolicy"] = json!("Local");
                }
                v["spec"] = spec;
                let ingress: Vec<Value> = s
                    .ingress
                    .iter()
                    .map(|ip| json!({"ip": ip.to_string()}))
                    .collect();
                v["status"] = if ingress.is_empty() {
                    json!({"loadBalancer": {}})
                } else {
                    json!({"loadBalancer": {"ingress": ingress}})
                };
            }
            Body::Endpoints(e) => {
                let addr = |a: &Address| {
                    let mut v = json!({"ip": a.ip.to_string()});
                    if !a.hostname.is_empty() {
                        v["hostname"] = json!(a.hostname);
                    }
                    if !a.node.is_empty() {
                        v["nodeName"] = json!(a.node);
                    }
                    if !a.pod.is_empty() {
                        v["targetRef"] =
                            json!({"kind": "Pod", "namespace": m.namespace, "name": a.pod});
                    }
                    v
                };
                let mut subset = json!({});
                if !e.addresses.is_empty() {
                    subset["addresses"] = json!(e.addresses.iter().map(addr).collect::<Vec<_>>());
                }
                if !e.not_ready.is_empty() {
                    subset["notReadyAddresses"] =
                        json!(e.not_ready.iter().map(addr).collect::<Vec<_>>());
                }
                subset["ports"] = json!(
                    e.ports
                        .iter()
                        .map(|p| {
                            let mut pv = json!({"port": p.port, "protocol": p.protocol});
                            if !p.name.is_empty() {
                                pv["name"] = json!(p.name);
                            }
                            pv
                        })
                        .collect::<Vec<_>>()
                );
                v["subsets"] = if e.addresses.is_empty() && e.not_ready.is_empty() {
                    json!([])
                } else {
                    json!([subset])
                };
            }
            Body::EndpointSlice(es) => {
                v["addressType"] = json!("IPv4");
                v["endpoints"] = json!(
                    es.endpoints
                        .iter()
                        .map(|e| {
                            let mut ev = json!({"addresses": [e.address.to_string()], "conditions": {"ready": e.ready}});
                            if !e.hostname.is_empty() {
                                ev["hostname"] = json!(e.hostname);
                            }
                            if !e.node.is_empty() {
                                ev["nodeName"] = json!(e.node);
                            }
                            if !e.pod.is_empty() {
                                ev["targetRef"] = json!({"kind": "Pod", "namespace": m.namespace, "name": e.pod});
                            }
                            ev
                        })
                        .collect::<Vec<_>>()
                );
                v["ports"] = json!(
                    es.ports
                        .iter()
                        .map(|p| json!({"name": p.name, "port": p.port, "protocol": p.protocol}))
                        .collect::<Vec<_>>()
                );
            }
            Body::NetworkPolicy(spec) => {
                v["spec"] = without_nulls(serde_json::to_value(spec).unwrap_or_default());
            }
            Body::ConfigMap(data) => {
                v["data"] = json!(data);
            }
            Body::Secret(s) => {
                v["data"] = json!(secret_data(s));
                v["type"] = json!(s.type_);
            }
            Body::Workload(r) => {
                let selector = if r.kind == Kind::ReplicationController {
                    json!(r.selector)
                } else {
                    json!({"matchLabels": r.selector})
                };
                v["spec"] = json!({
                    "replicas": r.replicas,
                    "selector": selector,
                    "template": {"metadata": {"labels": r.template_labels}, "spec": {"containers": r.containers.iter().map(|c| json!({"name": c.name, "image": c.image.clone().unwrap_or_default()})).collect::<Vec<_>>()}},
                });
                if r.kind == Kind::StatefulSet {
                    v["spec"]["serviceName"] = json!(r.stateful.service_name);
                }
                v["status"] = json!({"replicas": r.current, "readyReplicas": r.ready});
            }
        }
        v.to_string()
    }
}

/// A Secret's `data` as the API writes it: each value base64.
pub fn secret_data(s: &Secret) -> BTreeMap<&str, String> {
    s.data
        .iter()
        .map(|(k, v)| (k.as_str(), data_encoding::BASE64.encode(v)))
        .collect()
}

/// A serialized API struct without its absent (null) fields, as the API writes it.
pub fn without_nulls(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

/// (kind, namespace, name); cluster-scoped objects have an empty namespace.
pub type Key = (Kind, String, String);

/// Whether `labels` carry every pair of `selector` (an empty selector selects nothing, as
/// a Service without one gets no Endpoints from the controller).
pub fn selects(selector: &Labels, labels: &Labels) -> bool {
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// A request to the apiserver.
#[derive(Clone, Debug)]
pub enum Request {
    /// `kubectl create`: an API object as a manifest gives it, into `ns` unless it names
    /// its own namespace.
    Create {
        object: Box<super::manifest::Manifest>,
        ns: String,
    },
    /// `kubectl apply`: created if absent, else its spec replaced when it changed.
    Apply {
        object: Box<super::manifest::Manifest>,
        ns: String,
    },
    /// `kubectl replace`: replaced; an error if absent.
    Replace {
        object: Box<super::manifest::Manifest>,
        ns: String,
    },
    Get {
        kind: Kind,
        ns: String,
        name: String,
    },
    /// `kubectl describe`: the objects of a kind in a namespace (`None`: every one), each
    /// with what its describer reads beside it. With a name, the object of that name, or
    /// (when there is none) every object whose name starts with it, as kubectl falls back
    /// to describing by prefix; NotFound when neither exists.
    Describe {
        kind: Kind,
        ns: Option<String>,
        name: Option<String>,
    },
    /// `kubectl get events`: the events of a namespace (`None`: every one).
    Events { ns: Option<String> },
    /// `kubectl get events -w`: the events now, as `Events`, then each new or updated
    /// event as another `Events` answer with the same request id.
    WatchEvents { ns: Option<String> },
    /// Every object of a kind, in one namespace or (`None`) all.
    List { kind: Kind, ns: Option<String> },
    Delete {
        kind: Kind,
        ns: String,
        name: String,
    },
    /// A watch on these kinds: the current objects as `Added`, then every change. With
    /// `node`, only the pods bound to that node (kubelet's `fieldSelector=spec.nodeName`).
    Watch {
        kinds: Vec<Kind>,
        node: Option<String>,
    },
    /// `kubectl scale KIND/NAME --replicas=N`.
    Scale {
        kind: Kind,
        ns: String,
        name: String,
        replicas: u32,
    },
    /// An existing object written back whole (`kubectl label`, `annotate`, `patch` and
    /// `edit` send the object as they changed it): through admission, then an update of
    /// what may change. Unlike `Replace`, what `apply` last applied is kept.
    Update {
        object: Box<super::manifest::Manifest>,
        ns: String,
    },
    /// A component records an event about an object (kubelet's `MissingClusterDNS`).
    Event {
        about: Key,
        type_: &'static str,
        reason: String,
        from: String,
        /// The source's host and the object's part (see [`Event`]).
        host: String,
        field_path: String,
        message: String,
    },
    /// A kubelet posts its node's status (the heartbeat).
    NodeStatus { node: String },
    /// A kubelet reports a pod it runs (a scenario's pod, or one it started).
    PodStatus {
        ns: String,
        name: String,
        node: String,
        labels: Labels,
        containers: Vec<Container>,
        ip: Option<Ipv4Addr>,
        host_ip: Ipv4Addr,
        ready: bool,
        /// `status.phase` and `status.containerStatuses` (kubelet's; none from dockerd
        /// for a scenario's pod).
        phase: Phase,
        statuses: Vec<ContainerStatus>,
        init_statuses: Vec<ContainerStatus>,
        /// A scenario's pod (placed by the scenario): its first report creates it, with
        /// this spec.
        create: Option<PodOptions>,
    },
}

#[derive(Clone, Debug)]
pub enum Response {
    Object(Box<Object>),
    /// `kubectl apply`'s answer: the object, and `created`, `configured`, `configured (no
    /// last-applied)` (an object `apply` did not make: kubectl warns) or `unchanged`.
    Applied(Box<Object>, &'static str),
    List(Vec<Object>),
    /// What `kubectl describe` shows: each object with what its describer reads.
    Described(Vec<Description>),
    /// Events, each with the object it is about.
    Events(Vec<(Key, Event)>),
    /// The apiserver's error: the HTTP code, reason, and message (`services "x" not
    /// found`).
    Error {
        code: u16,
        reason: String,
        message: String,
    },
}

/// One object as `kubectl describe` shows it: the object, the objects its describer
/// reads beside it (a Service's Endpoints, a Deployment's ReplicaSets, a workload's or a
/// node's pods), and the events about it.
#[derive(Clone, Debug)]
pub struct Description {
    pub object: Object,
    pub related: Vec<Object>,
    pub events: Vec<Event>,
}

#[derive(Clone, Debug)]
pub enum EventType {
    Added,
    Modified,
    Deleted,
}

#[derive(Clone, Debug)]
pub struct WatchEvent {
    pub what: EventType,
    pub object: Object,
}

/// A `matchLabels` selector as the apiserver's messages print it (Go's `%#v` of a
/// `v1.LabelSelector`).
pub fn selector_text(selector: &Labels) -> String {
    let pairs: Vec<String> = selector
        .iter()
        .map(|(k, v)| format!("{k:?}:{v:?}"))
        .collect();
    format!(
        "v1.LabelSelector{{MatchLabels:map[string]string{{{}}}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}}",
        pairs.join(", ")
    )
}

/// The file names `kubectl apply -f DIR` reads (kubectl's `FileExtensions`).
pub const MANIFEST_EXTENSIONS: [&str; 3] = [".json", ".yaml", ".yml"];

/// Whether kubectl reads this file when it is given its directory.
pub fn is_manifest_file(name: &str) -> bool {
    MANIFEST_EXTENSIONS.iter().any(|e| name.ends_with(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stored object names its group version and its owner's as the era's apiserver
    /// serves them: a ReplicaSet owned by a Deployment is `apps/v1` today (before, the
    /// etcd view said extensions/v1beta1 where `kubectl get -o json` said apps/v1), and
    /// `extensions/v1beta1` in 1.5.
    #[test]
    fn stored_objects_name_the_eras_group_versions() {
        let o = Object {
            meta: Meta {
                name: "web-1".into(),
                namespace: "default".into(),
                owner: Some((Kind::Deployment, "web".into())),
                ..Default::default()
            },
            body: Body::Namespace,
        };
        let owner = |era| -> Value {
            let v: Value = serde_json::from_str(&o.json(era)).unwrap();
            v["metadata"]["ownerReferences"][0]["apiVersion"].clone()
        };
        assert_eq!(owner(Era::Modern), "apps/v1");
        assert_eq!(owner(Era::Classic), "extensions/v1beta1");
        assert_eq!(Kind::StatefulSet.served_version(Era::Modern), "apps/v1");
        assert_eq!(
            Kind::StatefulSet.served_version(Era::Classic),
            "apps/v1beta1"
        );
        assert_eq!(Kind::Pod.served_version(Era::Modern), "v1");
        assert_eq!(
            Kind::NetworkPolicy.served_version(Era::Classic),
            "extensions/v1beta1"
        );
    }
}
