//! The Kubernetes API objects a manifest may hold, decoded strictly, with the apiserver's
//! validation of what the simulator relies on.
//!
//! Struct and field names follow k8s-openapi's (the standard Rust model of the API, which
//! kube-rs uses): `Pod { metadata: ObjectMeta, spec: Option<PodSpec>, .. }`, `Container {
//! name: String, image: Option<String>, command: Option<Vec<String>>, .. }`; fields the
//! OpenAPI marks required are plain, optional ones `Option<T>`, lists `Option<Vec<T>>`,
//! string maps `Option<BTreeMap<String, String>>`; `type` is `type_`. Code written against
//! k8s-openapi's names reads these. We do not depend on k8s-openapi itself: its
//! deserializers ignore unknown fields (we must refuse them, as kube-apiserver's strict field
//! validation does), it has no group versions older than its oldest supported release (the
//! simulator runs 1.5's `extensions/v1beta1`), and it costs a long compile.
//!
//! Every struct is `deny_unknown_fields`. A field is either modelled (typed fully, used by
//! the simulator) or accepted but not simulated (typed `Option<serde_json::Value>` and listed
//! in [`UNMODELLED`], so the reader warns about it). A required field that is absent or
//! `null` decodes as its zero value, as Go's encoding/json leaves it, and [`Manifest::validate`]
//! then says what kube-apiserver says (`spec.containers[0].name: Required value`).
//! `status` is accepted on every kind and ignored, as the apiserver ignores it on create,
//! except a Service's `status.loadBalancer` (the simulator has no cloud provider to set it).
//!
//! One type serves every group version of a kind; fields only an old group version had are
//! accepted in all of them. [`from_value`] applies the defaults of the old group versions
//! that validation depends on (a workload's selector from its template's labels).
//!
//! - `meta_v1`: ObjectMeta, LabelSelector, IntOrString, ByteString (apimachinery).
//! - `core_v1`: Pod and its spec, Service, Endpoints, ReplicationController, ConfigMap,
//!   Secret, Namespace.
//! - `apps_v1`: Deployment, ReplicaSet, DaemonSet, StatefulSet.
//! - `batch_v1`: Job. `discovery_v1`: EndpointSlice. `networking_v1`: NetworkPolicy.
//! - `served`: which Kubernetes release serves which kind in which group version;
//!   `defaults`: the defaults that differ by group version (a Deployment's rolling update).
//! - `unmodelled`: the fields accepted but not simulated.
//! - `validation`: kube-apiserver's messages (pkg/apis/core/validation, apps/validation).

mod apps_v1;
mod batch_v1;
mod core_v1;
mod defaults;
pub mod discovery_v1;
mod meta_v1;
mod networking_v1;
mod served;
mod unmodelled;
mod validation;

pub use apps_v1::*;
pub use batch_v1::*;
pub use core_v1::*;
pub use defaults::{DeploymentDefaults, deployment_defaults};
pub use discovery_v1::EndpointSlice;
pub use meta_v1::{ByteString, IntOrString, LabelSelector, LabelSelectorRequirement, ObjectMeta};
pub use networking_v1::*;
pub use served::{FIELD_SINCE, SERVED, Served, fields_after, served};
pub use unmodelled::{
    DROPPED_ON_CREATE, TEMPLATES, TYPED_UNMODELLED, UNMODELLED, simulated_value, unmodelled,
    unmodelled_fields, unmodelled_patterns,
};
pub use validation::{dns1123_label, dns1123_subdomain, env_var_name};

use serde::de::DeserializeOwned;
use serde_json::Value;

/// One object of a manifest.
#[derive(Clone, Debug, PartialEq)]
pub enum Manifest {
    Pod(Pod),
    Service(Service),
    Endpoints(Endpoints),
    EndpointSlice(EndpointSlice),
    ReplicationController(ReplicationController),
    ReplicaSet(ReplicaSet),
    Deployment(Deployment),
    DaemonSet(DaemonSet),
    StatefulSet(StatefulSet),
    Job(Job),
    ConfigMap(ConfigMap),
    Secret(Secret),
    Namespace(Namespace),
    NetworkPolicy(NetworkPolicy),
}

/// Why a JSON value is not an object of the kind it says.
#[derive(Debug)]
pub enum FromValueError {
    /// No such kind in this API group and version, in any release the simulator knows.
    UnknownKind,
    /// The value does not fit the kind's type: serde's error with the field path.
    Serde(serde_path_to_error::Error<serde_json::Error>),
}

impl std::fmt::Display for FromValueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FromValueError::UnknownKind => f.write_str("no such kind in that API version"),
            FromValueError::Serde(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for FromValueError {}

/// The object of `kind` in `api_version` that `value` (the whole document, `apiVersion` and
/// `kind` included) describes.
///
/// The old group versions' defaults that validation depends on are applied: in
/// extensions/v1beta1 and apps/v1beta1 a Deployment's, ReplicaSet's, DaemonSet's or
/// StatefulSet's absent `spec.selector` is `matchLabels` of the template's labels, and its
/// absent `metadata.labels` are the template's (SetDefaults_Deployment and the others of
/// those group versions); so does a ReplicationController's `spec.selector` (a label map)
/// in every version.
pub fn from_value(
    api_version: &str,
    kind: &str,
    mut value: Value,
) -> Result<Manifest, FromValueError> {
    if !SERVED
        .iter()
        .any(|s| s.api_version == api_version && s.kind == kind)
    {
        return Err(FromValueError::UnknownKind);
    }
    if let Value::Object(map) = &mut value {
        map.remove("apiVersion");
        map.remove("kind");
    }
    fn de<T: DeserializeOwned>(value: Value) -> Result<T, FromValueError> {
        serde_path_to_error::deserialize(value).map_err(FromValueError::Serde)
    }
    let mut manifest = match kind {
        "Pod" => Manifest::Pod(de(value)?),
        "Service" => Manifest::Service(de(value)?),
        "Endpoints" => Manifest::Endpoints(de(value)?),
        "EndpointSlice" => Manifest::EndpointSlice(de(value)?),
        "ReplicationController" => Manifest::ReplicationController(de(value)?),
        "ReplicaSet" => Manifest::ReplicaSet(de(value)?),
        "Deployment" => Manifest::Deployment(de(value)?),
        "DaemonSet" => Manifest::DaemonSet(de(value)?),
        "StatefulSet" => Manifest::StatefulSet(de(value)?),
        "Job" => Manifest::Job(de(value)?),
        "ConfigMap" => Manifest::ConfigMap(de(value)?),
        "Secret" => Manifest::Secret(de(value)?),
        "Namespace" => Manifest::Namespace(de(value)?),
        "NetworkPolicy" => Manifest::NetworkPolicy(de(value)?),
        _ => return Err(FromValueError::UnknownKind),
    };
    if matches!(api_version, "extensions/v1beta1" | "apps/v1beta1") {
        manifest.default_selector_from_template();
    }
    if let Manifest::ReplicationController(rc) = &mut manifest {
        rc.default_selector_from_template();
    }
    if let Manifest::Deployment(d) = &mut manifest {
        d.default_strategy(api_version);
    }
    Ok(manifest)
}

impl Manifest {
    /// The kind, as `kind:` writes it.
    pub fn kind(&self) -> &'static str {
        match self {
            Manifest::Pod(_) => "Pod",
            Manifest::Service(_) => "Service",
            Manifest::Endpoints(_) => "Endpoints",
            Manifest::EndpointSlice(_) => "EndpointSlice",
            Manifest::ReplicationController(_) => "ReplicationController",
            Manifest::ReplicaSet(_) => "ReplicaSet",
            Manifest::Deployment(_) => "Deployment",
            Manifest::DaemonSet(_) => "DaemonSet",
            Manifest::StatefulSet(_) => "StatefulSet",
            Manifest::Job(_) => "Job",
            Manifest::ConfigMap(_) => "ConfigMap",
            Manifest::Secret(_) => "Secret",
            Manifest::Namespace(_) => "Namespace",
            Manifest::NetworkPolicy(_) => "NetworkPolicy",
        }
    }

    pub fn metadata(&self) -> &ObjectMeta {
        match self {
            Manifest::Pod(o) => &o.metadata,
            Manifest::Service(o) => &o.metadata,
            Manifest::Endpoints(o) => &o.metadata,
            Manifest::EndpointSlice(o) => &o.metadata,
            Manifest::ReplicationController(o) => &o.metadata,
            Manifest::ReplicaSet(o) => &o.metadata,
            Manifest::Deployment(o) => &o.metadata,
            Manifest::DaemonSet(o) => &o.metadata,
            Manifest::StatefulSet(o) => &o.metadata,
            Manifest::Job(o) => &o.metadata,
            Manifest::ConfigMap(o) => &o.metadata,
            Manifest::Secret(o) => &o.metadata,
            Manifest::Namespace(o) => &o.metadata,
            Manifest::NetworkPolicy(o) => &o.metadata,
        }
    }

    pub fn metadata_mut(&mut self) -> &mut ObjectMeta {
        match self {
            Manifest::Pod(o) => &mut o.metadata,
            Manifest::Service(o) => &mut o.metadata,
            Manifest::Endpoints(o) => &mut o.metadata,
            Manifest::EndpointSlice(o) => &mut o.metadata,
            Manifest::ReplicationController(o) => &mut o.metadata,
            Manifest::ReplicaSet(o) => &mut o.metadata,
            Manifest::Deployment(o) => &mut o.metadata,
            Manifest::DaemonSet(o) => &mut o.metadata,
            Manifest::StatefulSet(o) => &mut o.metadata,
            Manifest::Job(o) => &mut o.metadata,
            Manifest::ConfigMap(o) => &mut o.metadata,
            Manifest::Secret(o) => &mut o.metadata,
            Manifest::Namespace(o) => &mut o.metadata,
            Manifest::NetworkPolicy(o) => &mut o.metadata,
        }
    }

    /// The pod template of a workload (`spec.template`), if the kind has one.
    pub fn template(&self) -> Option<&PodTemplateSpec> {
        match self {
            Manifest::ReplicationController(o) => o.spec.as_ref()?.template.as_ref(),
            Manifest::ReplicaSet(o) => o.spec.as_ref()?.template.as_ref(),
            Manifest::Deployment(o) => Some(&o.spec.as_ref()?.template),
            Manifest::DaemonSet(o) => Some(&o.spec.as_ref()?.template),
            Manifest::StatefulSet(o) => Some(&o.spec.as_ref()?.template),
            Manifest::Job(o) => Some(&o.spec.as_ref()?.template),
            _ => None,
        }
    }

    /// kube-apiserver's validation of the fields the simulator relies on: `(field path,
    /// message)` pairs, the message as the apiserver words it after the path
    /// (`metadata.name: Invalid value: "Web": a lowercase RFC 1123 subdomain must ...` is
    /// `("metadata.name", "metadata.name: Invalid value: ...")`). Empty when valid.
    pub fn validate(&self) -> Vec<(String, String)> {
        validation::validate(self)
    }

    /// extensions/v1beta1 and apps/v1beta1: an absent selector selects the template's labels,
    /// and absent object labels are the template's.
    fn default_selector_from_template(&mut self) {
        let (meta, selector, template) = match self {
            Manifest::Deployment(o) => match &mut o.spec {
                Some(s) => (&mut o.metadata, &mut s.selector, Some(&s.template)),
                None => return,
            },
            Manifest::ReplicaSet(o) => match &mut o.spec {
                Some(s) => (&mut o.metadata, &mut s.selector, s.template.as_ref()),
                None => return,
            },
            Manifest::DaemonSet(o) => match &mut o.spec {
                Some(s) => (&mut o.metadata, &mut s.selector, Some(&s.template)),
                None => return,
            },
            Manifest::StatefulSet(o) => match &mut o.spec {
                Some(s) => (&mut o.metadata, &mut s.selector, Some(&s.template)),
                None => return,
            },
            _ => return,
        };
        let labels = template
            .and_then(|t| t.metadata.as_ref())
            .and_then(|m| m.labels.clone())
            .unwrap_or_default();
        if selector.is_empty() {
            selector.match_labels = Some(labels.clone());
        }
        if meta.labels.as_ref().is_none_or(|l| l.is_empty()) {
            meta.labels = Some(labels);
        }
    }
}

impl ReplicationController {
    /// SetDefaults_ReplicationController: an absent selector is the template's labels, and
    /// absent object labels are the template's.
    fn default_selector_from_template(&mut self) {
        let Some(spec) = &mut self.spec else { return };
        let labels = spec
            .template
            .as_ref()
            .and_then(|t| t.metadata.as_ref())
            .and_then(|m| m.labels.clone())
            .unwrap_or_default();
        if labels.is_empty() {
            return;
        }
        if spec.selector.as_ref().is_none_or(|s| s.is_empty()) {
            spec.selector = Some(labels.clone());
        }
        if self.metadata.labels.as_ref().is_none_or(|l| l.is_empty()) {
            self.metadata.labels = Some(labels);
        }
    }
}

#[cfg(test)]
mod docs_tests;
#[cfg(test)]
mod fields_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod validation_tests;
