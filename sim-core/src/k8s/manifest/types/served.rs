//! Which Kubernetes release serves which kind in which group version, with the default
//! `--runtime-config` (Kubernetes' deprecation guide and release notes: extensions/v1beta1,
//! apps/v1beta1 and apps/v1beta2 stopped serving Deployment, DaemonSet, ReplicaSet,
//! StatefulSet and NetworkPolicy in 1.16; discovery.k8s.io/v1beta1 EndpointSlice in 1.25).

/// A kind in a group version, served by releases `1.since` to `1.until` (inclusive; `None`:
/// still served).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Served {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub since: u32,
    pub until: Option<u32>,
}

const fn s(
    api_version: &'static str,
    kind: &'static str,
    since: u32,
    until: Option<u32>,
) -> Served {
    Served {
        api_version,
        kind,
        since,
        until,
    }
}

/// Every (group version, kind) [`super::from_value`] decodes, by kind then age.
pub const SERVED: &[Served] = &[
    s("v1", "Pod", 0, None),
    s("v1", "Service", 0, None),
    s("v1", "Endpoints", 0, None),
    s("discovery.k8s.io/v1beta1", "EndpointSlice", 17, Some(24)),
    s("discovery.k8s.io/v1", "EndpointSlice", 21, None),
    s("v1", "ReplicationController", 0, None),
    s("extensions/v1beta1", "ReplicaSet", 2, Some(15)),
    s("apps/v1beta2", "ReplicaSet", 8, Some(15)),
    s("apps/v1", "ReplicaSet", 9, None),
    s("extensions/v1beta1", "Deployment", 2, Some(15)),
    s("apps/v1beta1", "Deployment", 6, Some(15)),
    s("apps/v1beta2", "Deployment", 8, Some(15)),
    s("apps/v1", "Deployment", 9, None),
    s("extensions/v1beta1", "DaemonSet", 2, Some(15)),
    s("apps/v1beta2", "DaemonSet", 8, Some(15)),
    s("apps/v1", "DaemonSet", 9, None),
    // PetSet (apps/v1alpha1) until 1.4, renamed StatefulSet in 1.5.
    s("apps/v1beta1", "StatefulSet", 5, Some(15)),
    s("apps/v1beta2", "StatefulSet", 8, Some(15)),
    s("apps/v1", "StatefulSet", 9, None),
    s("batch/v1", "Job", 2, None),
    s("v1", "ConfigMap", 2, None),
    s("v1", "Secret", 0, None),
    s("v1", "Namespace", 0, None),
    s("extensions/v1beta1", "NetworkPolicy", 3, Some(15)),
    // GA in 1.7.
    s("networking.k8s.io/v1", "NetworkPolicy", 7, None),
];

/// Whether Kubernetes 1.`minor` serves `kind` in `api_version`.
pub fn served(api_version: &str, kind: &str, minor: u32) -> bool {
    SERVED.iter().any(|s| {
        s.api_version == api_version
            && s.kind == kind
            && s.since <= minor
            && s.until.is_none_or(|u| minor <= u)
    })
}

/// Fields that came after the oldest supported release, as `(kind, path pattern, minor)`:
/// the field exists from Kubernetes 1.`minor` on. A pattern is written as in
/// [`super::UNMODELLED`] (`[]` for any list index); `"Pod"`'s hold for every pod template
/// too ([`super::TEMPLATES`]). An older release's API has no such field, so a manifest that
/// uses one is refused as an unknown field (kubectl 1.5's validation: `found invalid field
/// startupProbe for v1.Container`). Sources: the Kubernetes release notes and API
/// changelogs of each release.
pub const FIELD_SINCE: &[(&str, &str, u32)] = &[
    ("Pod", "spec.containers[].startupProbe", 16),
    ("Pod", "spec.initContainers[].startupProbe", 16),
    ("Pod", "spec.ephemeralContainers", 16),
    // EnvFromSource came in 1.6 (kubernetes PR #36245).
    ("Pod", "spec.containers[].envFrom", 6),
    ("Pod", "spec.initContainers[].envFrom", 6),
    ("Pod", "spec.dnsConfig", 9),
    ("Pod", "spec.readinessGates", 11),
    ("Pod", "spec.enableServiceLinks", 13),
    // 1.5 had the annotation service.alpha.kubernetes.io/tolerate-unready-endpoints.
    ("Service", "spec.publishNotReadyAddresses", 9),
    // kubernetes PR #49850 (merged July 2017, after 1.7.0): before it, kube-proxy held a
    // ClientIP client a fixed 180 minutes.
    ("Service", "spec.sessionAffinityConfig", 8),
    // 1.5 had the beta annotation service.beta.kubernetes.io/external-traffic.
    ("Service", "spec.externalTrafficPolicy", 7),
    ("Service", "spec.healthCheckNodePort", 7),
    ("Service", "spec.clusterIPs", 20),
    ("Service", "spec.ipFamilies", 20),
    ("Service", "spec.ipFamilyPolicy", 20),
    ("Service", "spec.internalTrafficPolicy", 21),
];

/// The patterns of [`FIELD_SINCE`] that Kubernetes 1.`minor` does not have for `kind` (its
/// pod template's included), each with the release that brought it.
pub fn fields_after(kind: &str, minor: u32) -> Vec<(String, u32)> {
    let mut out: Vec<(String, u32)> = FIELD_SINCE
        .iter()
        .filter(|(k, _, since)| *k == kind && *since > minor)
        .map(|(_, p, since)| (p.to_string(), *since))
        .collect();
    for (_, prefix) in super::TEMPLATES.iter().filter(|(k, _)| *k == kind) {
        out.extend(
            FIELD_SINCE
                .iter()
                .filter(|(k, _, since)| *k == "Pod" && *since > minor)
                .map(|(_, p, since)| (format!("{prefix}.{p}"), *since)),
        );
    }
    out
}
