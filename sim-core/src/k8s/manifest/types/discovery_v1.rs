//! `kind: EndpointSlice` (k8s.io/api discovery/v1, and discovery/v1beta1 from 1.17 to
//! 1.24): written by hand for a Service without a selector, with the label
//! `kubernetes.io/service-name` naming the Service.

use serde::Deserialize;
use serde_json::Value;

use super::meta_v1::{ObjectMeta, zero_if_null};

/// `kind: EndpointSlice`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EndpointSlice {
    #[serde(default, deserialize_with = "zero_if_null")]
    pub metadata: ObjectMeta,
    /// `IPv4`, `IPv6` or `FQDN`.
    #[serde(default, deserialize_with = "zero_if_null")]
    pub address_type: String,
    #[serde(default, deserialize_with = "zero_if_null")]
    pub endpoints: Vec<Endpoint>,
    pub ports: Option<Vec<EndpointPort>>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Endpoint {
    #[serde(default, deserialize_with = "zero_if_null")]
    pub addresses: Vec<String>,
    pub conditions: Option<EndpointConditions>,
    pub hostname: Option<String>,
    pub node_name: Option<String>,
    // Not simulated.
    pub target_ref: Option<Value>,
    pub zone: Option<Value>,
    pub hints: Option<Value>,
    /// discovery/v1.
    pub deprecated_topology: Option<Value>,
    /// discovery/v1beta1.
    pub topology: Option<Value>,
}

/// Absent `ready` means ready.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EndpointConditions {
    pub ready: Option<bool>,
    pub serving: Option<bool>,
    pub terminating: Option<bool>,
}

/// A port of an EndpointSlice (an empty `name` matches the Service's unnamed port).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EndpointPort {
    pub name: Option<String>,
    pub port: Option<i32>,
    pub protocol: Option<String>,
    // Not simulated.
    pub app_protocol: Option<Value>,
}
