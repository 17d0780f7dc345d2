//! `kind: Job` (k8s.io/api batch/v1): pods run to completion.

use serde::Deserialize;
use serde_json::Value;

use super::core_v1::PodTemplateSpec;
use super::meta_v1::{LabelSelector, ObjectMeta, zero_if_null};

/// `kind: Job`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Job {
    #[serde(default, deserialize_with = "zero_if_null")]
    pub metadata: ObjectMeta,
    pub spec: Option<JobSpec>,
    pub status: Option<Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JobSpec {
    /// Pods that run at once (default 1).
    pub parallelism: Option<i32>,
    /// Successful pods needed (default 1; absent with parallelism set: a work queue).
    pub completions: Option<i32>,
    /// Retries before the Job fails (default 6).
    pub backoff_limit: Option<i32>,
    pub active_deadline_seconds: Option<i64>,
    /// Default: the server makes one from the Job's uid (`batch.kubernetes.io/controller-uid`).
    pub selector: Option<LabelSelector>,
    pub manual_selector: Option<bool>,
    #[serde(default, deserialize_with = "zero_if_null")]
    pub template: PodTemplateSpec,
    // Not simulated.
    pub ttl_seconds_after_finished: Option<Value>,
    pub completion_mode: Option<Value>,
    pub suspend: Option<Value>,
    pub pod_failure_policy: Option<Value>,
    pub backoff_limit_per_index: Option<Value>,
    pub max_failed_indexes: Option<Value>,
    pub pod_replacement_policy: Option<Value>,
    pub success_policy: Option<Value>,
    pub managed_by: Option<Value>,
}
