//! The workloads of the apps group (k8s.io/api apps/v1; the same kinds in extensions/v1beta1,
//! apps/v1beta1 and apps/v1beta2 for the old eras): Deployment, ReplicaSet, DaemonSet,
//! StatefulSet. One type serves every group version; fields only the old ones had
//! (`rollbackTo`, `templateGeneration`) are accepted but not simulated.

use serde::Deserialize;
use serde_json::Value;

use super::core_v1::PodTemplateSpec;
use super::meta_v1::{IntOrString, LabelSelector, ObjectMeta, zero_if_null};

/// `kind: Deployment`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Deployment {
    #[serde(default, deserialize_with = "zero_if_null")]
    pub metadata: ObjectMeta,
    pub spec: Option<DeploymentSpec>,
    pub status: Option<Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeploymentSpec {
    /// Default 1.
    pub replicas: Option<i32>,
    /// Required in apps/v1 and apps/v1beta2; the old group versions default it to the
    /// template's labels ([`super::from_value`] does).
    #[serde(default, deserialize_with = "zero_if_null")]
    pub selector: LabelSelector,
    #[serde(default, deserialize_with = "zero_if_null")]
    pub template: PodTemplateSpec,
    pub strategy: Option<DeploymentStrategy>,
    pub min_ready_seconds: Option<i32>,
    /// Old ReplicaSets kept for `kubectl rollout undo`.
    pub revision_history_limit: Option<i32>,
    /// A paused Deployment does not roll out template changes (it still scales).
    pub paused: Option<bool>,
    // Not simulated.
    pub progress_deadline_seconds: Option<Value>,
    /// extensions/v1beta1 and apps/v1beta1 only.
    pub rollback_to: Option<Value>,
}

impl Deployment {
    /// What the apiserver stores for an absent strategy and history limit: the group
    /// version's defaults (`super::deployment_defaults`). A `Recreate` strategy gets no
    /// rolling-update parameters.
    pub fn default_strategy(&mut self, api_version: &str) {
        let Some(spec) = &mut self.spec else { return };
        let defaults = super::deployment_defaults(api_version);
        if spec.revision_history_limit.is_none() {
            spec.revision_history_limit = defaults.revision_history_limit;
        }
        let strategy = spec.strategy.get_or_insert_with(Default::default);
        if strategy.type_.is_none() {
            strategy.type_ = Some("RollingUpdate".into());
        }
        if strategy.type_.as_deref() == Some("RollingUpdate") {
            let ru = strategy.rolling_update.get_or_insert_with(Default::default);
            ru.max_surge.get_or_insert(defaults.max_surge);
            ru.max_unavailable.get_or_insert(defaults.max_unavailable);
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeploymentStrategy {
    /// `RollingUpdate` (default) or `Recreate`.
    #[serde(rename = "type")]
    pub type_: Option<String>,
    pub rolling_update: Option<RollingUpdateDeployment>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RollingUpdateDeployment {
    /// A count or a percentage of the desired replicas (`25%`).
    pub max_surge: Option<IntOrString>,
    pub max_unavailable: Option<IntOrString>,
}

/// `kind: ReplicaSet`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReplicaSet {
    #[serde(default, deserialize_with = "zero_if_null")]
    pub metadata: ObjectMeta,
    pub spec: Option<ReplicaSetSpec>,
    pub status: Option<Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReplicaSetSpec {
    /// Default 1.
    pub replicas: Option<i32>,
    #[serde(default, deserialize_with = "zero_if_null")]
    pub selector: LabelSelector,
    pub template: Option<PodTemplateSpec>,
    pub min_ready_seconds: Option<i32>,
}

/// `kind: DaemonSet`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DaemonSet {
    #[serde(default, deserialize_with = "zero_if_null")]
    pub metadata: ObjectMeta,
    pub spec: Option<DaemonSetSpec>,
    pub status: Option<Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DaemonSetSpec {
    #[serde(default, deserialize_with = "zero_if_null")]
    pub selector: LabelSelector,
    #[serde(default, deserialize_with = "zero_if_null")]
    pub template: PodTemplateSpec,
    pub min_ready_seconds: Option<i32>,
    // Not simulated.
    pub update_strategy: Option<Value>,
    pub revision_history_limit: Option<Value>,
    /// extensions/v1beta1 only.
    pub template_generation: Option<Value>,
    /// extensions/v1beta1 of 1.5 only.
    pub unique_label_key: Option<Value>,
}

/// `kind: StatefulSet`: pods `NAME-0`, `NAME-1`... made in order, each with a stable
/// hostname under the governing headless Service `serviceName`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StatefulSet {
    #[serde(default, deserialize_with = "zero_if_null")]
    pub metadata: ObjectMeta,
    pub spec: Option<StatefulSetSpec>,
    pub status: Option<Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StatefulSetSpec {
    /// Default 1.
    pub replicas: Option<i32>,
    #[serde(default, deserialize_with = "zero_if_null")]
    pub selector: LabelSelector,
    #[serde(default, deserialize_with = "zero_if_null")]
    pub template: PodTemplateSpec,
    /// The headless Service that gives the pods their DNS names.
    pub service_name: Option<String>,
    /// `OrderedReady` (default) or `Parallel`.
    pub pod_management_policy: Option<String>,
    /// The first pod's ordinal (default 0).
    pub ordinals: Option<StatefulSetOrdinals>,
    pub min_ready_seconds: Option<i32>,
    // Not simulated.
    pub update_strategy: Option<Value>,
    pub revision_history_limit: Option<Value>,
    pub volume_claim_templates: Option<Value>,
    pub persistent_volume_claim_retention_policy: Option<Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StatefulSetOrdinals {
    pub start: Option<i32>,
}
