//! The Go types of the API's fields, as far as kubectl's messages name them.
//!
//! The apiserver's wrong-type error names the Go struct that holds the field and the
//! field's Go type (`json: cannot unmarshal string into Go struct field
//! ServicePort.spec.ports.port of type int32`), and kubectl 1.5's client-side validation
//! names the swagger model (`found invalid field contaners for v1.PodSpec`) and the swagger
//! type (`expected type int, for field spec.ports[0].port, got string`). serde's errors say
//! neither, so this table says them, for the kinds the simulator reads (k8s.io/api, the
//! types' Go names and field types as of 1.28). A path the table does not reach falls back
//! to the kind's name and serde's own words.

use super::yaml::Seg;

/// `Struct field:type ...`, one struct a line. Types are Go's as `reflect.Type.String()`
/// prints them, without the pointer (`*int32` fields report `int32`).
const TABLE: &str = "
ObjectMeta name:string generateName:string namespace:string selfLink:string uid:types.UID resourceVersion:string generation:int64 creationTimestamp:v1.Time deletionTimestamp:v1.Time deletionGracePeriodSeconds:int64 labels:map[string]string annotations:map[string]string ownerReferences:[]v1.OwnerReference finalizers:[]string managedFields:[]v1.ManagedFieldsEntry
OwnerReference apiVersion:string kind:string name:string uid:types.UID controller:bool blockOwnerDeletion:bool
LabelSelector matchLabels:map[string]string matchExpressions:[]v1.LabelSelectorRequirement
LabelSelectorRequirement key:string operator:v1.LabelSelectorOperator values:[]string
ObjectReference kind:string namespace:string name:string uid:types.UID apiVersion:string resourceVersion:string fieldPath:string
LocalObjectReference name:string
Pod metadata:v1.ObjectMeta spec:v1.PodSpec status:v1.PodStatus
PodTemplateSpec metadata:v1.ObjectMeta spec:v1.PodSpec
PodSpec volumes:[]v1.Volume initContainers:[]v1.Container containers:[]v1.Container ephemeralContainers:[]v1.EphemeralContainer restartPolicy:v1.RestartPolicy terminationGracePeriodSeconds:int64 activeDeadlineSeconds:int64 dnsPolicy:v1.DNSPolicy nodeSelector:map[string]string serviceAccountName:string serviceAccount:string automountServiceAccountToken:bool nodeName:string hostNetwork:bool hostPID:bool hostIPC:bool shareProcessNamespace:bool securityContext:v1.PodSecurityContext imagePullSecrets:[]v1.LocalObjectReference hostname:string subdomain:string affinity:v1.Affinity schedulerName:string tolerations:[]v1.Toleration hostAliases:[]v1.HostAlias priorityClassName:string priority:int32 dnsConfig:v1.PodDNSConfig readinessGates:[]v1.PodReadinessGate runtimeClassName:string enableServiceLinks:bool preemptionPolicy:v1.PreemptionPolicy overhead:v1.ResourceList topologySpreadConstraints:[]v1.TopologySpreadConstraint setHostnameAsFQDN:bool os:v1.PodOS hostUsers:bool
Container name:string image:string command:[]string args:[]string workingDir:string ports:[]v1.ContainerPort envFrom:[]v1.EnvFromSource env:[]v1.EnvVar resources:v1.ResourceRequirements volumeMounts:[]v1.VolumeMount volumeDevices:[]v1.VolumeDevice livenessProbe:v1.Probe readinessProbe:v1.Probe startupProbe:v1.Probe lifecycle:v1.Lifecycle terminationMessagePath:string terminationMessagePolicy:v1.TerminationMessagePolicy imagePullPolicy:v1.PullPolicy securityContext:v1.SecurityContext stdin:bool stdinOnce:bool tty:bool
ContainerPort name:string hostPort:int32 containerPort:int32 protocol:v1.Protocol hostIP:string
EnvVar name:string value:string valueFrom:v1.EnvVarSource
EnvVarSource fieldRef:v1.ObjectFieldSelector resourceFieldRef:v1.ResourceFieldSelector configMapKeyRef:v1.ConfigMapKeySelector secretKeyRef:v1.SecretKeySelector
ObjectFieldSelector apiVersion:string fieldPath:string
ResourceFieldSelector containerName:string resource:string divisor:resource.Quantity
ConfigMapKeySelector name:string key:string optional:bool
SecretKeySelector name:string key:string optional:bool
EnvFromSource prefix:string configMapRef:v1.ConfigMapEnvSource secretRef:v1.SecretEnvSource
ConfigMapEnvSource name:string optional:bool
SecretEnvSource name:string optional:bool
ResourceRequirements limits:v1.ResourceList requests:v1.ResourceList claims:[]v1.ResourceClaim
VolumeMount name:string readOnly:bool mountPath:string subPath:string mountPropagation:v1.MountPropagationMode subPathExpr:string
Probe exec:v1.ExecAction httpGet:v1.HTTPGetAction tcpSocket:v1.TCPSocketAction grpc:v1.GRPCAction initialDelaySeconds:int32 timeoutSeconds:int32 periodSeconds:int32 successThreshold:int32 failureThreshold:int32 terminationGracePeriodSeconds:int64
ExecAction command:[]string
HTTPGetAction path:string port:intstr.IntOrString host:string scheme:v1.URIScheme httpHeaders:[]v1.HTTPHeader
HTTPHeader name:string value:string
TCPSocketAction port:intstr.IntOrString host:string
GRPCAction port:int32 service:string
Lifecycle postStart:v1.LifecycleHandler preStop:v1.LifecycleHandler
LifecycleHandler exec:v1.ExecAction httpGet:v1.HTTPGetAction tcpSocket:v1.TCPSocketAction
PodDNSConfig nameservers:[]string searches:[]string options:[]v1.PodDNSConfigOption
PodDNSConfigOption name:string value:string
Toleration key:string operator:v1.TolerationOperator value:string effect:v1.TaintEffect tolerationSeconds:int64
HostAlias ip:string hostnames:[]string
Volume name:string hostPath:v1.HostPathVolumeSource emptyDir:v1.EmptyDirVolumeSource secret:v1.SecretVolumeSource configMap:v1.ConfigMapVolumeSource persistentVolumeClaim:v1.PersistentVolumeClaimVolumeSource
Service metadata:v1.ObjectMeta spec:v1.ServiceSpec status:v1.ServiceStatus
ServiceSpec ports:[]v1.ServicePort selector:map[string]string clusterIP:string clusterIPs:[]string type:v1.ServiceType externalIPs:[]string sessionAffinity:v1.ServiceAffinity loadBalancerIP:string loadBalancerSourceRanges:[]string externalName:string externalTrafficPolicy:v1.ServiceExternalTrafficPolicy healthCheckNodePort:int32 publishNotReadyAddresses:bool sessionAffinityConfig:v1.SessionAffinityConfig ipFamilies:[]v1.IPFamily ipFamilyPolicy:v1.IPFamilyPolicy allocateLoadBalancerNodePorts:bool loadBalancerClass:string internalTrafficPolicy:v1.ServiceInternalTrafficPolicy
ServicePort name:string protocol:v1.Protocol appProtocol:string port:int32 targetPort:intstr.IntOrString nodePort:int32
SessionAffinityConfig clientIP:v1.ClientIPConfig
ClientIPConfig timeoutSeconds:int32
ServiceStatus loadBalancer:v1.LoadBalancerStatus conditions:[]v1.Condition
LoadBalancerStatus ingress:[]v1.LoadBalancerIngress
LoadBalancerIngress ip:string hostname:string ipMode:v1.LoadBalancerIPMode ports:[]v1.PortStatus
Endpoints metadata:v1.ObjectMeta subsets:[]v1.EndpointSubset
EndpointSubset addresses:[]v1.EndpointAddress notReadyAddresses:[]v1.EndpointAddress ports:[]v1.EndpointPort
EndpointAddress ip:string hostname:string nodeName:string targetRef:v1.ObjectReference
EndpointPort name:string port:int32 protocol:v1.Protocol appProtocol:string
EndpointSlice metadata:v1.ObjectMeta addressType:v1.AddressType endpoints:[]v1.Endpoint ports:[]v1.EndpointPort
Endpoint addresses:[]string conditions:v1.EndpointConditions hostname:string targetRef:v1.ObjectReference deprecatedTopology:map[string]string nodeName:string zone:string hints:v1.EndpointHints
EndpointConditions ready:bool serving:bool terminating:bool
ReplicationController metadata:v1.ObjectMeta spec:v1.ReplicationControllerSpec status:v1.ReplicationControllerStatus
ReplicationControllerSpec replicas:int32 minReadySeconds:int32 selector:map[string]string template:v1.PodTemplateSpec
Deployment metadata:v1.ObjectMeta spec:v1.DeploymentSpec status:v1.DeploymentStatus
DeploymentSpec replicas:int32 selector:v1.LabelSelector template:v1.PodTemplateSpec strategy:v1.DeploymentStrategy minReadySeconds:int32 revisionHistoryLimit:int32 paused:bool progressDeadlineSeconds:int32
DeploymentStrategy type:v1.DeploymentStrategyType rollingUpdate:v1.RollingUpdateDeployment
RollingUpdateDeployment maxUnavailable:intstr.IntOrString maxSurge:intstr.IntOrString
ReplicaSet metadata:v1.ObjectMeta spec:v1.ReplicaSetSpec status:v1.ReplicaSetStatus
ReplicaSetSpec replicas:int32 minReadySeconds:int32 selector:v1.LabelSelector template:v1.PodTemplateSpec
DaemonSet metadata:v1.ObjectMeta spec:v1.DaemonSetSpec status:v1.DaemonSetStatus
DaemonSetSpec selector:v1.LabelSelector template:v1.PodTemplateSpec updateStrategy:v1.DaemonSetUpdateStrategy minReadySeconds:int32 revisionHistoryLimit:int32
DaemonSetUpdateStrategy type:v1.DaemonSetUpdateStrategyType rollingUpdate:v1.RollingUpdateDaemonSet
RollingUpdateDaemonSet maxUnavailable:intstr.IntOrString maxSurge:intstr.IntOrString
StatefulSet metadata:v1.ObjectMeta spec:v1.StatefulSetSpec status:v1.StatefulSetStatus
StatefulSetSpec replicas:int32 selector:v1.LabelSelector template:v1.PodTemplateSpec volumeClaimTemplates:[]v1.PersistentVolumeClaim serviceName:string podManagementPolicy:v1.PodManagementPolicyType updateStrategy:v1.StatefulSetUpdateStrategy revisionHistoryLimit:int32 minReadySeconds:int32 ordinals:v1.StatefulSetOrdinals
StatefulSetUpdateStrategy type:v1.StatefulSetUpdateStrategyType rollingUpdate:v1.RollingUpdateStatefulSetStrategy
RollingUpdateStatefulSetStrategy partition:int32 maxUnavailable:intstr.IntOrString
StatefulSetOrdinals start:int32
Job metadata:v1.ObjectMeta spec:v1.JobSpec status:v1.JobStatus
JobSpec parallelism:int32 completions:int32 activeDeadlineSeconds:int64 backoffLimit:int32 selector:v1.LabelSelector manualSelector:bool template:v1.PodTemplateSpec ttlSecondsAfterFinished:int32 completionMode:v1.CompletionMode suspend:bool
ConfigMap metadata:v1.ObjectMeta immutable:bool data:map[string]string binaryData:map[string][]uint8
Secret metadata:v1.ObjectMeta immutable:bool data:map[string][]uint8 stringData:map[string]string type:v1.SecretType
Namespace metadata:v1.ObjectMeta spec:v1.NamespaceSpec status:v1.NamespaceStatus
NamespaceSpec finalizers:[]v1.FinalizerName
NetworkPolicy metadata:v1.ObjectMeta spec:v1.NetworkPolicySpec
NetworkPolicySpec podSelector:v1.LabelSelector ingress:[]v1.NetworkPolicyIngressRule egress:[]v1.NetworkPolicyEgressRule policyTypes:[]v1.PolicyType
NetworkPolicyIngressRule ports:[]v1.NetworkPolicyPort from:[]v1.NetworkPolicyPeer
NetworkPolicyEgressRule ports:[]v1.NetworkPolicyPort to:[]v1.NetworkPolicyPeer
NetworkPolicyPort protocol:v1.Protocol port:intstr.IntOrString endPort:int32
NetworkPolicyPeer podSelector:v1.LabelSelector namespaceSelector:v1.LabelSelector ipBlock:v1.IPBlock
IPBlock cidr:string except:[]string
";

/// Types of an API group other than core: kubectl 1.5 named their swagger models after the
/// object's group version (`v1beta1.DeploymentSpec`), the core ones `v1.`.
fn in_group(name: &str) -> bool {
    [
        "Deployment",
        "ReplicaSet",
        "DaemonSet",
        "StatefulSet",
        "Job",
        "RollingUpdate",
        "NetworkPolicy",
        "IPBlock",
        "LabelSelector",
    ]
    .iter()
    .any(|p| name.starts_with(p))
}

fn fields_of(name: &str) -> Option<&'static str> {
    TABLE.lines().find_map(|line| {
        let (head, rest) = line.split_once(' ')?;
        (head == name).then_some(rest)
    })
}

fn field_type(parent: &str, field: &str) -> Option<&'static str> {
    if matches!(field, "apiVersion" | "kind") && fields_of(parent).is_some() {
        return Some("string");
    }
    fields_of(parent)?.split(' ').find_map(|pair| {
        let (name, ty) = pair.split_once(':')?;
        (name == field).then_some(ty)
    })
}

/// A Go type, as far as the messages need it.
#[derive(Clone, Debug, PartialEq)]
pub enum GoTy {
    /// A struct of the table (its short name: `PodSpec`).
    Struct(String),
    Slice(Box<GoTy>),
    /// A map: its display name (`map[string]string`, `v1.ResourceList`) and element.
    Map(String, Box<GoTy>),
    /// Anything else, as Go prints it: `int32`, `string`, `v1.PullPolicy`,
    /// `intstr.IntOrString`, `[]uint8`.
    Scalar(String),
}

impl GoTy {
    fn parse(ty: &str) -> GoTy {
        let ty = ty.trim_start_matches('*');
        if ty == "[]uint8" {
            return GoTy::Scalar(ty.to_string());
        }
        if let Some(elem) = ty.strip_prefix("[]") {
            return GoTy::Slice(Box::new(GoTy::parse(elem)));
        }
        if let Some(elem) = ty.strip_prefix("map[string]") {
            return GoTy::Map(ty.to_string(), Box::new(GoTy::parse(elem)));
        }
        if ty == "v1.ResourceList" {
            return GoTy::Map(
                ty.to_string(),
                Box::new(GoTy::Scalar("resource.Quantity".to_string())),
            );
        }
        if let Some(name) = ty.strip_prefix("v1.") {
            if fields_of(name).is_some() {
                return GoTy::Struct(name.to_string());
            }
        }
        GoTy::Scalar(ty.to_string())
    }

    /// As Go's `reflect.Type.String()` prints it.
    pub fn display(&self) -> String {
        match self {
            GoTy::Struct(name) => format!("v1.{name}"),
            GoTy::Slice(elem) => format!("[]{}", elem.display()),
            GoTy::Map(name, _) => name.clone(),
            GoTy::Scalar(name) => name.clone(),
        }
    }

    /// The swagger 1.2 type kubectl 1.5 checked a value against: a struct is an object it
    /// checks inside, a map an object it does not look into.
    pub fn swagger(&self) -> Swagger {
        match self {
            GoTy::Struct(_) => Swagger::Ref,
            GoTy::Slice(_) => Swagger::Array,
            GoTy::Map(..) => Swagger::Object,
            GoTy::Scalar(name) => match name.as_str() {
                "int32" | "int64" | "int" | "uint32" | "uint64" => Swagger::Integer,
                "bool" => Swagger::Boolean,
                "float64" => Swagger::Number,
                _ => Swagger::String,
            },
        }
    }
}

/// kubectl 1.5's swagger field types (pkg/api/validation/schema.go `validateField`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Swagger {
    String,
    Integer,
    Boolean,
    Number,
    Array,
    /// `$ref` to a model: a map is required, and checked field by field.
    Ref,
    /// `object`/`any`: anything goes.
    Object,
}

/// What the table knows of the field at a path.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The innermost struct holding the field (`ServicePort`); the kind when unknown.
    pub parent: String,
    /// The struct fields on the way, without list indexes or map keys (`spec.ports.port`):
    /// Go's `UnmarshalTypeError.Field`.
    pub go_path: String,
    /// The field's type, when the table reaches it.
    pub ty: Option<GoTy>,
    /// A map (that kubectl 1.5 did not look into) is on the way.
    pub in_map: bool,
}

/// Follows `segs` from the root struct `kind`.
pub fn field(kind: &str, segs: &[Seg]) -> Field {
    let mut cur = fields_of(kind).map(|_| GoTy::Struct(kind.to_string()));
    let mut parent = kind.to_string();
    let mut names: Vec<&str> = Vec::new();
    let mut in_map = false;
    for seg in segs {
        cur = match (cur, seg) {
            (Some(GoTy::Struct(s)), Seg::Key(k)) => {
                names.push(k);
                let ty = field_type(&s, k).map(GoTy::parse);
                parent = s;
                ty
            }
            (Some(GoTy::Slice(elem)), Seg::Index(_)) => Some(*elem),
            (Some(GoTy::Map(_, elem)), Seg::Key(_)) => {
                in_map = true;
                Some(*elem)
            }
            (None, Seg::Key(k)) => {
                names.push(k);
                None
            }
            _ => None,
        };
    }
    Field {
        parent,
        go_path: names.join("."),
        ty: cur,
        in_map,
    }
}

/// kubectl 1.5's swagger model name of struct `name` for an object of `api_version`.
pub fn swagger_model(name: &str, api_version: &str) -> String {
    let version = api_version.rsplit('/').next().unwrap_or(api_version);
    if in_group(name) {
        format!("{version}.{name}")
    } else {
        format!("v1.{name}")
    }
}

/// The struct that holds the last step of `segs` (for an unknown field, the struct it is
/// not in).
pub fn parent_struct(kind: &str, segs: &[Seg]) -> String {
    field(kind, segs).parent
}
