//! The fields a manifest may carry that the simulator accepts but does not simulate yet.

use serde_json::Value;

/// Fields accepted but not simulated, as `(kind, path pattern)`. A pattern is the field's
/// path from the object's root in the API's own spelling, `[]` standing for any index of a
/// list (`spec.containers[].resources`); everything under the field is part of it. Each
/// such field is typed `Option<serde_json::Value>` in the kind's struct.
///
/// Two kinds are not kinds:
/// - `"*"`: object metadata, for every kind.
/// - `"Pod"`'s patterns (and `"*"`'s) also hold for the pod template of every kind listed in
///   [`TEMPLATES`], under its prefix: Pod's `spec.volumes` is a Deployment's
///   `spec.template.spec.volumes`, `*`'s `metadata.uid` is also its
///   `spec.template.metadata.uid`.
///
/// [`unmodelled_patterns`] expands this for a kind; [`unmodelled_fields`] lists the ones an
/// object uses.
pub const UNMODELLED: &[(&str, &str)] = &[
    // Set by the server (`kubectl get -o yaml` writes them); the simulator keeps its own.
    ("*", "metadata.generateName"),
    ("*", "metadata.selfLink"),
    ("*", "metadata.uid"),
    ("*", "metadata.resourceVersion"),
    ("*", "metadata.generation"),
    ("*", "metadata.creationTimestamp"),
    ("*", "metadata.deletionTimestamp"),
    ("*", "metadata.deletionGracePeriodSeconds"),
    ("*", "metadata.ownerReferences"),
    ("*", "metadata.finalizers"),
    ("*", "metadata.managedFields"),
    ("*", "metadata.clusterName"),
    ("*", "metadata.initializers"),
    // Pod (and every pod template).
    ("Pod", "spec.volumes"),
    ("Pod", "spec.ephemeralContainers"),
    ("Pod", "spec.terminationGracePeriodSeconds"),
    ("Pod", "spec.activeDeadlineSeconds"),
    ("Pod", "spec.serviceAccountName"),
    ("Pod", "spec.serviceAccount"),
    ("Pod", "spec.automountServiceAccountToken"),
    ("Pod", "spec.hostPID"),
    ("Pod", "spec.hostIPC"),
    ("Pod", "spec.shareProcessNamespace"),
    ("Pod", "spec.securityContext"),
    ("Pod", "spec.imagePullSecrets"),
    ("Pod", "spec.affinity"),
    ("Pod", "spec.schedulerName"),
    ("Pod", "spec.tolerations"),
    ("Pod", "spec.hostAliases"),
    ("Pod", "spec.priorityClassName"),
    ("Pod", "spec.priority"),
    ("Pod", "spec.readinessGates"),
    ("Pod", "spec.runtimeClassName"),
    ("Pod", "spec.preemptionPolicy"),
    ("Pod", "spec.overhead"),
    ("Pod", "spec.topologySpreadConstraints"),
    ("Pod", "spec.setHostnameAsFQDN"),
    ("Pod", "spec.os"),
    ("Pod", "spec.hostUsers"),
    ("Pod", "spec.schedulingGates"),
    ("Pod", "spec.resourceClaims"),
    ("Pod", "spec.resources"),
    ("Pod", "spec.hostnameOverride"),
    ("Pod", "spec.schedulingGroup"),
    ("Pod", "spec.containers[].workingDir"),
    ("Pod", "spec.containers[].env[].valueFrom.resourceFieldRef"),
    ("Pod", "spec.containers[].env[].valueFrom.fileKeyRef"),
    ("Pod", "spec.containers[].ports[].hostIP"),
    ("Pod", "spec.containers[].resources"),
    ("Pod", "spec.containers[].resizePolicy"),
    ("Pod", "spec.containers[].restartPolicy"),
    ("Pod", "spec.containers[].restartPolicyRules"),
    ("Pod", "spec.containers[].volumeMounts"),
    ("Pod", "spec.containers[].volumeDevices"),
    ("Pod", "spec.containers[].lifecycle"),
    ("Pod", "spec.containers[].terminationMessagePath"),
    ("Pod", "spec.containers[].terminationMessagePolicy"),
    ("Pod", "spec.containers[].imagePullPolicy"),
    ("Pod", "spec.containers[].securityContext"),
    ("Pod", "spec.containers[].stdin"),
    ("Pod", "spec.containers[].stdinOnce"),
    ("Pod", "spec.containers[].tty"),
    ("Pod", "spec.containers[].readinessProbe.grpc"),
    (
        "Pod",
        "spec.containers[].readinessProbe.terminationGracePeriodSeconds",
    ),
    ("Pod", "spec.containers[].livenessProbe.grpc"),
    (
        "Pod",
        "spec.containers[].livenessProbe.terminationGracePeriodSeconds",
    ),
    ("Pod", "spec.containers[].startupProbe.grpc"),
    (
        "Pod",
        "spec.containers[].startupProbe.terminationGracePeriodSeconds",
    ),
    ("Pod", "spec.initContainers[].workingDir"),
    (
        "Pod",
        "spec.initContainers[].env[].valueFrom.resourceFieldRef",
    ),
    ("Pod", "spec.initContainers[].env[].valueFrom.fileKeyRef"),
    ("Pod", "spec.initContainers[].ports[].hostIP"),
    ("Pod", "spec.initContainers[].resources"),
    ("Pod", "spec.initContainers[].resizePolicy"),
    ("Pod", "spec.initContainers[].restartPolicy"),
    ("Pod", "spec.initContainers[].restartPolicyRules"),
    ("Pod", "spec.initContainers[].volumeMounts"),
    ("Pod", "spec.initContainers[].volumeDevices"),
    ("Pod", "spec.initContainers[].lifecycle"),
    ("Pod", "spec.initContainers[].terminationMessagePath"),
    ("Pod", "spec.initContainers[].terminationMessagePolicy"),
    ("Pod", "spec.initContainers[].imagePullPolicy"),
    ("Pod", "spec.initContainers[].securityContext"),
    ("Pod", "spec.initContainers[].stdin"),
    ("Pod", "spec.initContainers[].stdinOnce"),
    ("Pod", "spec.initContainers[].tty"),
    ("Pod", "spec.initContainers[].readinessProbe.grpc"),
    (
        "Pod",
        "spec.initContainers[].readinessProbe.terminationGracePeriodSeconds",
    ),
    ("Pod", "spec.initContainers[].livenessProbe.grpc"),
    (
        "Pod",
        "spec.initContainers[].livenessProbe.terminationGracePeriodSeconds",
    ),
    ("Pod", "spec.initContainers[].startupProbe.grpc"),
    (
        "Pod",
        "spec.initContainers[].startupProbe.terminationGracePeriodSeconds",
    ),
    // Service.
    ("Service", "spec.ports[].appProtocol"),
    ("Service", "spec.loadBalancerSourceRanges"),
    ("Service", "spec.ipFamilies"),
    ("Service", "spec.ipFamilyPolicy"),
    ("Service", "spec.ipFamily"),
    ("Service", "spec.deprecatedPublicIPs"),
    ("Service", "spec.allocateLoadBalancerNodePorts"),
    ("Service", "spec.loadBalancerClass"),
    ("Service", "spec.trafficDistribution"),
    ("Service", "spec.topologyKeys"),
    ("Service", "status.conditions"),
    ("Service", "status.loadBalancer.ingress[].ipMode"),
    ("Service", "status.loadBalancer.ingress[].ports"),
    // Endpoints, EndpointSlice.
    ("Endpoints", "subsets[].addresses[].targetRef"),
    ("Endpoints", "subsets[].notReadyAddresses[].targetRef"),
    ("Endpoints", "subsets[].ports[].appProtocol"),
    ("EndpointSlice", "endpoints[].targetRef"),
    ("EndpointSlice", "endpoints[].zone"),
    ("EndpointSlice", "endpoints[].hints"),
    ("EndpointSlice", "endpoints[].deprecatedTopology"),
    ("EndpointSlice", "endpoints[].topology"),
    ("EndpointSlice", "ports[].appProtocol"),
    // Workloads.
    ("Deployment", "spec.progressDeadlineSeconds"),
    ("Deployment", "spec.rollbackTo"),
    ("DaemonSet", "spec.updateStrategy"),
    ("DaemonSet", "spec.revisionHistoryLimit"),
    ("DaemonSet", "spec.templateGeneration"),
    ("DaemonSet", "spec.uniqueLabelKey"),
    ("StatefulSet", "spec.updateStrategy"),
    ("StatefulSet", "spec.revisionHistoryLimit"),
    ("StatefulSet", "spec.volumeClaimTemplates"),
    ("StatefulSet", "spec.persistentVolumeClaimRetentionPolicy"),
    ("Job", "spec.ttlSecondsAfterFinished"),
    ("Job", "spec.completionMode"),
    ("Job", "spec.suspend"),
    ("Job", "spec.podFailurePolicy"),
    ("Job", "spec.backoffLimitPerIndex"),
    ("Job", "spec.maxFailedIndexes"),
    ("Job", "spec.podReplacementPolicy"),
    ("Job", "spec.successPolicy"),
    ("Job", "spec.managedBy"),
    // Configuration.
    ("ConfigMap", "binaryData"),
    ("ConfigMap", "immutable"),
    ("Secret", "immutable"),
    ("Namespace", "spec.finalizers"),
];

/// Fields typed and validated as the apiserver does (a wrong type or a negative number is
/// an error) but not acted on yet: warned about like [`UNMODELLED`]'s.
pub const TYPED_UNMODELLED: &[(&str, &str)] = &[
    // A pod counts as available the moment it is ready.
    ("ReplicationController", "spec.minReadySeconds"),
    ("ReplicaSet", "spec.minReadySeconds"),
    ("Deployment", "spec.minReadySeconds"),
    ("DaemonSet", "spec.minReadySeconds"),
    ("StatefulSet", "spec.minReadySeconds"),
];

/// Values of [`TYPED_UNMODELLED`] fields that ask for what the simulator does anyway (the
/// API's defaults, which `kubectl get -o yaml` writes out): not warned about.
pub const SIMULATED_VALUES: &[(&str, &str, &str)] = &[];

/// Whether `value`, written at `path` of a `kind` object, is one the simulator simulates.
pub fn simulated_value(kind: &str, path: &str, value: Option<&str>) -> bool {
    SIMULATED_VALUES
        .iter()
        .any(|(k, p, v)| *k == kind && *p == path && value == Some(*v))
}

/// The kinds with a pod template, and where it is: [`UNMODELLED`]'s `"Pod"` and `"*"`
/// patterns hold under it too.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("ReplicationController", "spec.template"),
    ("ReplicaSet", "spec.template"),
    ("Deployment", "spec.template"),
    ("DaemonSet", "spec.template"),
    ("StatefulSet", "spec.template"),
    ("Job", "spec.template"),
];

/// Fields a manifest may carry that the apiserver drops when it creates the object (a
/// status, which its controllers write through the status subresource): the reader warns
/// about them, saying what sets them in the simulator instead.
pub const DROPPED_ON_CREATE: &[(&str, &str, &str)] = &[(
    "Service",
    "status.loadBalancer.ingress",
    "a LoadBalancer Service's address comes from the scenario's kubernetes.load_balancer pool",
)];

/// Every pattern of [`UNMODELLED`] that holds for `kind`, as a full path from the object's
/// root, in the table's order (metadata first, then a template's).
pub fn unmodelled_patterns(kind: &str) -> Vec<String> {
    let mut out = loose_patterns(kind);
    out.extend(
        TYPED_UNMODELLED
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, p)| p.to_string()),
    );
    out
}

/// [`UNMODELLED`]'s patterns for `kind` (fields taken as they are, typed
/// `serde_json::Value`), with its pod template's.
pub fn loose_patterns(kind: &str) -> Vec<String> {
    let mut out: Vec<String> = UNMODELLED
        .iter()
        .filter(|(k, _)| *k == "*" || *k == kind)
        .map(|(_, p)| p.to_string())
        .collect();
    for (_, prefix) in TEMPLATES.iter().filter(|(k, _)| *k == kind) {
        out.extend(
            UNMODELLED
                .iter()
                .filter(|(k, _)| *k == "*" || *k == "Pod")
                .map(|(_, p)| format!("{prefix}.{p}")),
        );
    }
    out
}

/// Whether the field at `path` of a `kind` object (its indices written `[]` or `[0]`) is
/// accepted but not simulated: the pattern is the field or one of its parents.
pub fn unmodelled(kind: &str, path: &str) -> bool {
    let path = erase_indices(path);
    unmodelled_patterns(kind).iter().any(|p| {
        path == *p || (path.starts_with(p.as_str()) && path[p.len()..].starts_with(['.', '[']))
    })
}

/// The patterns of [`unmodelled_patterns`] that `value` (a whole `kind` object) uses, each
/// once, in the table's order: what the reader warns about. A field whose value is `null`,
/// `{}`, `[]` or `""` is not counted: it asks for nothing (`kubectl get -o yaml` writes
/// `resources: {}`).
pub fn unmodelled_fields(kind: &str, value: &Value) -> Vec<String> {
    unmodelled_patterns(kind)
        .into_iter()
        .filter(|p| {
            let segments: Vec<&str> = p.split('.').collect();
            let pointer = format!("/{}", segments.join("/"));
            let written = value.pointer(&pointer).and_then(Value::as_str);
            uses(value, &segments) && !simulated_value(kind, p, written)
        })
        .collect()
}

/// Whether `value` has a non-empty value at the path `segments` (`name` or `name[]`).
fn uses(value: &Value, segments: &[&str]) -> bool {
    let Some((first, rest)) = segments.split_first() else {
        return match value {
            Value::Null => false,
            Value::Object(m) => !m.is_empty(),
            Value::Array(a) => !a.is_empty(),
            Value::String(s) => !s.is_empty(),
            _ => true,
        };
    };
    let (name, each) = match first.strip_suffix("[]") {
        Some(name) => (name, true),
        None => (*first, false),
    };
    let Some(child) = value.as_object().and_then(|m| m.get(name)) else {
        return false;
    };
    if each {
        child
            .as_array()
            .is_some_and(|items| items.iter().any(|item| uses(item, rest)))
    } else {
        uses(child, rest)
    }
}

/// `spec.containers[2].resources` as a pattern: `spec.containers[].resources`.
fn erase_indices(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push('[');
            }
            ']' => {
                in_index = false;
                out.push(']');
            }
            _ if in_index => {}
            _ => out.push(c),
        }
    }
    out
}
