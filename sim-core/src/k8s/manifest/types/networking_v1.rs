//! `kind: NetworkPolicy` (k8s.io/api networking/v1; extensions/v1beta1 until 1.15): stored
//! and listed, fully typed, not enforced yet.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::meta_v1::{IntOrString, LabelSelector, ObjectMeta, zero_if_null};

/// `kind: NetworkPolicy`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NetworkPolicy {
    #[serde(default, deserialize_with = "zero_if_null")]
    pub metadata: ObjectMeta,
    pub spec: Option<NetworkPolicySpec>,
    /// 1.24 to 1.26 (alpha conditions).
    pub status: Option<Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NetworkPolicySpec {
    /// The pods the policy isolates (empty: every pod of the namespace).
    #[serde(default, deserialize_with = "zero_if_null")]
    pub pod_selector: LabelSelector,
    pub ingress: Option<Vec<NetworkPolicyIngressRule>>,
    pub egress: Option<Vec<NetworkPolicyEgressRule>>,
    /// `Ingress`, `Egress` (default: Ingress, and Egress when egress rules exist).
    pub policy_types: Option<Vec<String>>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NetworkPolicyIngressRule {
    pub from: Option<Vec<NetworkPolicyPeer>>,
    pub ports: Option<Vec<NetworkPolicyPort>>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NetworkPolicyEgressRule {
    pub to: Option<Vec<NetworkPolicyPeer>>,
    pub ports: Option<Vec<NetworkPolicyPort>>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NetworkPolicyPeer {
    pub pod_selector: Option<LabelSelector>,
    pub namespace_selector: Option<LabelSelector>,
    pub ip_block: Option<IPBlock>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IPBlock {
    #[serde(default, deserialize_with = "zero_if_null")]
    pub cidr: String,
    pub except: Option<Vec<String>>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NetworkPolicyPort {
    /// `TCP` (default), `UDP`, `SCTP`.
    pub protocol: Option<String>,
    /// A number or a named container port; absent: every port.
    pub port: Option<IntOrString>,
    /// The last port of a range starting at `port`.
    pub end_port: Option<i32>,
}
