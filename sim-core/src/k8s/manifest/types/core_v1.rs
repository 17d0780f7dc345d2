//! The core group (`apiVersion: v1`, k8s.io/api core/v1): Pod, Service, Endpoints,
//! ReplicationController, ConfigMap, Secret, Namespace, and the pod spec every workload's
//! template shares.
//!
//! Fields typed `Option<serde_json::Value>` are accepted but not simulated: each is listed in
//! [`super::UNMODELLED`]. Fields that are gone from today's API but were served by an era the
//! simulator runs (1.5 on) are kept, so an old manifest still decodes.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::meta_v1::{ByteString, IntOrString, ObjectMeta, zero_if_null};

// ---------------------------------------------------------------------------------------
// Pod

/// `kind: Pod`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Pod {
    #[serde(default, deserialize_with = "zero_if_null")]
    pub metadata: ObjectMeta,
    pub spec: Option<PodSpec>,
    /// Accepted and ignored, as the apiserver ignores it on create.
    pub status: Option<Value>,
}

/// A pod's `spec`, and every workload's `spec.template.spec`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PodSpec {
    #[serde(default, deserialize_with = "zero_if_null")]
    pub containers: Vec<Container>,
    pub init_containers: Option<Vec<Container>>,
    /// `Always` (default), `OnFailure`, `Never`.
    pub restart_policy: Option<String>,
    /// `ClusterFirst` (default), `ClusterFirstWithHostNet`, `Default`, `None`.
    pub dns_policy: Option<String>,
    pub dns_config: Option<PodDNSConfig>,
    pub node_selector: Option<BTreeMap<String, String>>,
    /// Bound to this node, without the scheduler.
    pub node_name: Option<String>,
    /// The pod shares its node's network namespace.
    pub host_network: Option<bool>,
    /// Default: the pod's name.
    pub hostname: Option<String>,
    pub subdomain: Option<String>,
    /// Default true: the docker-link variables (`{SVC}_PORT...`) of other Services.
    pub enable_service_links: Option<bool>,
    // Not simulated.
    pub volumes: Option<Value>,
    pub ephemeral_containers: Option<Value>,
    pub termination_grace_period_seconds: Option<Value>,
    pub active_deadline_seconds: Option<Value>,
    pub service_account_name: Option<Value>,
    /// Deprecated alias of serviceAccountName.
    pub service_account: Option<Value>,
    pub automount_service_account_token: Option<Value>,
    #[serde(rename = "hostPID")]
    pub host_pid: Option<Value>,
    #[serde(rename = "hostIPC")]
    pub host_ipc: Option<Value>,
    pub share_process_namespace: Option<Value>,
    pub security_context: Option<Value>,
    pub image_pull_secrets: Option<Value>,
    pub affinity: Option<Value>,
    pub scheduler_name: Option<Value>,
    pub tolerations: Option<Value>,
    pub host_aliases: Option<Value>,
    pub priority_class_name: Option<Value>,
    pub priority: Option<Value>,
    pub readiness_gates: Option<Value>,
    pub runtime_class_name: Option<Value>,
    pub preemption_policy: Option<Value>,
    pub overhead: Option<Value>,
    pub topology_spread_constraints: Option<Value>,
    #[serde(rename = "setHostnameAsFQDN")]
    pub set_hostname_as_fqdn: Option<Value>,
    pub os: Option<Value>,
    pub host_users: Option<Value>,
    pub scheduling_gates: Option<Value>,
    pub resource_claims: Option<Value>,
    pub resources: Option<Value>,
    pub hostname_override: Option<Value>,
    pub scheduling_group: Option<Value>,
}

/// A container (or init container) of a pod.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Container {
    #[serde(default, deserialize_with = "zero_if_null")]
    pub name: String,
    pub image: Option<String>,
    /// The entrypoint (replaces the image's ENTRYPOINT).
    pub command: Option<Vec<String>>,
    /// Its arguments (replace the image's CMD).
    pub args: Option<Vec<String>>,
    pub ports: Option<Vec<ContainerPort>>,
    pub env: Option<Vec<EnvVar>>,
    /// Every key of ConfigMaps and Secrets as variables (`env` wins over them).
    pub env_from: Option<Vec<EnvFromSource>>,
    pub readiness_probe: Option<Probe>,
    pub liveness_probe: Option<Probe>,
    pub startup_probe: Option<Probe>,
    // Not simulated.
    pub working_dir: Option<Value>,
    pub resources: Option<Value>,
    pub resize_policy: Option<Value>,
    /// A sidecar init container's `Always`.
    pub restart_policy: Option<Value>,
    pub restart_policy_rules: Option<Value>,
    pub volume_mounts: Option<Value>,
    pub volume_devices: Option<Value>,
    pub lifecycle: Option<Value>,
    pub termination_message_path: Option<Value>,
    pub termination_message_policy: Option<Value>,
    pub image_pull_policy: Option<Value>,
    pub security_context: Option<Value>,
    pub stdin: Option<Value>,
    pub stdin_once: Option<Value>,
    pub tty: Option<Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContainerPort {
    #[serde(default, deserialize_with = "zero_if_null")]
    pub container_port: i32,
    /// An IANA_SVC_NAME a Service's `targetPort` may name.
    pub name: Option<String>,
    /// `TCP` (default), `UDP`, `SCTP`.
    pub protocol: Option<String>,
    pub host_port: Option<i32>,
    // Not simulated.
    #[serde(rename = "hostIP")]
    pub host_ip: Option<Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnvVar {
    #[serde(default, deserialize_with = "zero_if_null")]
    pub name: String,
    pub value: Option<String>,
    pub value_from: Option<EnvVarSource>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnvVarSource {
    /// The Downward API: `metadata.name`, `status.podIP`, `spec.nodeName`...
    pub field_ref: Option<ObjectFieldSelector>,
    pub config_map_key_ref: Option<ConfigMapKeySelector>,
    pub secret_key_ref: Option<SecretKeySelector>,
    // Not simulated.
    pub resource_field_ref: Option<Value>,
    pub file_key_ref: Option<Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ObjectFieldSelector {
    /// Default `v1`.
    pub api_version: Option<String>,
    #[serde(default, deserialize_with = "zero_if_null")]
    pub field_path: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConfigMapKeySelector {
    #[serde(default, deserialize_with = "zero_if_null")]
    pub name: String,
    #[serde(default, deserialize_with = "zero_if_null")]
    pub key: String,
    pub optional: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecretKeySelector {
    #[serde(default, deserialize_with = "zero_if_null")]
    pub name: String,
    #[serde(default, deserialize_with = "zero_if_null")]
    pub key: String,
    pub optional: Option<bool>,
}

/// `envFrom[]`: one ConfigMap's or Secret's keys, each with `prefix` before it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnvFromSource {
    pub prefix: Option<String>,
    pub config_map_ref: Option<ConfigMapEnvSource>,
    pub secret_ref: Option<SecretEnvSource>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConfigMapEnvSource {
    #[serde(default, deserialize_with = "zero_if_null")]
    pub name: String,
    pub optional: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecretEnvSource {
    #[serde(default, deserialize_with = "zero_if_null")]
    pub name: String,
    pub optional: Option<bool>,
}

/// A readiness, liveness or startup probe: one handler and its timings.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Probe {
    pub exec: Option<ExecAction>,
    pub http_get: Option<HTTPGetAction>,
    pub tcp_socket: Option<TCPSocketAction>,
    /// Default 0.
    pub initial_delay_seconds: Option<i32>,
    /// Default 1.
    pub timeout_seconds: Option<i32>,
    /// Default 10.
    pub period_seconds: Option<i32>,
    /// Default 1 (and 1 for liveness and startup probes).
    pub success_threshold: Option<i32>,
    /// Default 3.
    pub failure_threshold: Option<i32>,
    // Not simulated.
    pub grpc: Option<Value>,
    pub termination_grace_period_seconds: Option<Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExecAction {
    pub command: Option<Vec<String>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HTTPGetAction {
    #[serde(default, deserialize_with = "zero_if_null")]
    pub port: IntOrString,
    /// Default `/`.
    pub path: Option<String>,
    /// Default: the pod's IP.
    pub host: Option<String>,
    /// `HTTP` (default) or `HTTPS`.
    pub scheme: Option<String>,
    pub http_headers: Option<Vec<HTTPHeader>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HTTPHeader {
    #[serde(default, deserialize_with = "zero_if_null")]
    pub name: String,
    #[serde(default, deserialize_with = "zero_if_null")]
    pub value: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TCPSocketAction {
    #[serde(default, deserialize_with = "zero_if_null")]
    pub port: IntOrString,
    pub host: Option<String>,
}

/// A pod's `dnsConfig`: merged into what the dnsPolicy gives.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PodDNSConfig {
    pub nameservers: Option<Vec<String>>,
    pub searches: Option<Vec<String>>,
    pub options: Option<Vec<PodDNSConfigOption>>,
}

/// `{name: ndots, value: "2"}`, `{name: edns0}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PodDNSConfigOption {
    pub name: Option<String>,
    pub value: Option<String>,
}

/// A workload's `spec.template`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PodTemplateSpec {
    pub metadata: Option<ObjectMeta>,
    pub spec: Option<PodSpec>,
}

// ---------------------------------------------------------------------------------------
// Service

/// `kind: Service`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Service {
    #[serde(default, deserialize_with = "zero_if_null")]
    pub metadata: ObjectMeta,
    pub spec: Option<ServiceSpec>,
    /// Only `loadBalancer.ingress` is used: the simulator has no cloud provider to set it.
    pub status: Option<ServiceStatus>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceSpec {
    /// `ClusterIP` (default), `NodePort`, `LoadBalancer`, `ExternalName`.
    #[serde(rename = "type")]
    pub type_: Option<String>,
    /// An address, `None` (headless) or absent (allocated).
    #[serde(rename = "clusterIP")]
    pub cluster_ip: Option<String>,
    #[serde(rename = "clusterIPs")]
    pub cluster_ips: Option<Vec<String>>,
    pub ports: Option<Vec<ServicePort>>,
    pub selector: Option<BTreeMap<String, String>>,
    /// `None` (default) or `ClientIP`.
    pub session_affinity: Option<String>,
    pub session_affinity_config: Option<SessionAffinityConfig>,
    /// `Cluster` (default) or `Local`; NodePort and LoadBalancer only.
    pub external_traffic_policy: Option<String>,
    /// `Cluster` (default) or `Local`.
    pub internal_traffic_policy: Option<String>,
    /// LoadBalancer with externalTrafficPolicy Local only (allocated when absent).
    pub health_check_node_port: Option<i32>,
    pub publish_not_ready_addresses: Option<bool>,
    #[serde(rename = "externalIPs")]
    pub external_ips: Option<Vec<String>>,
    #[serde(rename = "loadBalancerIP")]
    pub load_balancer_ip: Option<String>,
    /// The CNAME target of an ExternalName Service.
    pub external_name: Option<String>,
    // Not simulated.
    pub load_balancer_source_ranges: Option<Value>,
    pub ip_families: Option<Value>,
    pub ip_family_policy: Option<Value>,
    pub allocate_load_balancer_node_ports: Option<Value>,
    pub load_balancer_class: Option<Value>,
    pub traffic_distribution: Option<Value>,
    /// 1.17 to 1.21 (alpha, removed).
    pub topology_keys: Option<Value>,
    /// 1.16 to 1.19 (alpha dual-stack, replaced by ipFamilies).
    pub ip_family: Option<Value>,
    /// Until 1.5 (externalIPs' old name).
    #[serde(rename = "deprecatedPublicIPs")]
    pub deprecated_public_ips: Option<Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServicePort {
    #[serde(default, deserialize_with = "zero_if_null")]
    pub port: i32,
    /// Required (and unique) when the Service has more than one port.
    pub name: Option<String>,
    /// `TCP` (default), `UDP`, `SCTP`.
    pub protocol: Option<String>,
    /// A number, or a container port's name; default: `port`.
    pub target_port: Option<IntOrString>,
    pub node_port: Option<i32>,
    // Not simulated.
    pub app_protocol: Option<Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SessionAffinityConfig {
    #[serde(rename = "clientIP")]
    pub client_ip: Option<ClientIPConfig>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClientIPConfig {
    /// Default 10800 (3 hours); 1 to 86400.
    pub timeout_seconds: Option<i32>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceStatus {
    pub load_balancer: Option<LoadBalancerStatus>,
    // Not simulated.
    pub conditions: Option<Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoadBalancerStatus {
    pub ingress: Option<Vec<LoadBalancerIngress>>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoadBalancerIngress {
    pub ip: Option<String>,
    pub hostname: Option<String>,
    // Not simulated.
    pub ip_mode: Option<Value>,
    pub ports: Option<Value>,
}

// ---------------------------------------------------------------------------------------
// Endpoints

/// `kind: Endpoints`: written by hand for a Service without a selector.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Endpoints {
    #[serde(default, deserialize_with = "zero_if_null")]
    pub metadata: ObjectMeta,
    pub subsets: Option<Vec<EndpointSubset>>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EndpointSubset {
    pub addresses: Option<Vec<EndpointAddress>>,
    pub not_ready_addresses: Option<Vec<EndpointAddress>>,
    pub ports: Option<Vec<EndpointPort>>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EndpointAddress {
    #[serde(default, deserialize_with = "zero_if_null")]
    pub ip: String,
    pub hostname: Option<String>,
    pub node_name: Option<String>,
    // Not simulated.
    pub target_ref: Option<Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EndpointPort {
    #[serde(default, deserialize_with = "zero_if_null")]
    pub port: i32,
    pub name: Option<String>,
    pub protocol: Option<String>,
    // Not simulated.
    pub app_protocol: Option<Value>,
}

// ---------------------------------------------------------------------------------------
// ReplicationController

/// `kind: ReplicationController`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReplicationController {
    #[serde(default, deserialize_with = "zero_if_null")]
    pub metadata: ObjectMeta,
    pub spec: Option<ReplicationControllerSpec>,
    pub status: Option<Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReplicationControllerSpec {
    /// Default 1.
    pub replicas: Option<i32>,
    /// Default: the template's labels.
    pub selector: Option<BTreeMap<String, String>>,
    pub template: Option<PodTemplateSpec>,
    pub min_ready_seconds: Option<i32>,
}

// ---------------------------------------------------------------------------------------
// ConfigMap, Secret, Namespace

/// `kind: ConfigMap`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConfigMap {
    #[serde(default, deserialize_with = "zero_if_null")]
    pub metadata: ObjectMeta,
    pub data: Option<BTreeMap<String, String>>,
    // Not simulated.
    pub binary_data: Option<Value>,
    pub immutable: Option<Value>,
}

/// `kind: Secret`: `data` is base64, `stringData` plain text merged over it.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Secret {
    #[serde(default, deserialize_with = "zero_if_null")]
    pub metadata: ObjectMeta,
    pub data: Option<BTreeMap<String, ByteString>>,
    pub string_data: Option<BTreeMap<String, String>>,
    /// Default `Opaque`.
    #[serde(rename = "type")]
    pub type_: Option<String>,
    // Not simulated.
    pub immutable: Option<Value>,
}

/// `kind: Namespace`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Namespace {
    #[serde(default, deserialize_with = "zero_if_null")]
    pub metadata: ObjectMeta,
    pub spec: Option<NamespaceSpec>,
    pub status: Option<Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NamespaceSpec {
    // Not simulated.
    pub finalizers: Option<Value>,
}
