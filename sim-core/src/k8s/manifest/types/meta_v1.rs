//! apimachinery's types every object uses (k8s.io/apimachinery pkg/apis/meta/v1 and
//! pkg/util/intstr): `ObjectMeta`, `LabelSelector`, `IntOrString`, and `ByteString` for
//! a Secret's base64 `data`.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use serde_json::Value;

/// A required field as Go's encoding/json reads it: absent or `null` is the zero value
/// (the apiserver's validation then says `Required value`), not a decoding error.
pub(super) fn zero_if_null<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Standard object metadata (`metadata:`, and a pod template's `template.metadata:`).
///
/// Fields the server sets (uid, resourceVersion, creationTimestamp, managedFields...) are
/// accepted, as `kubectl get -o yaml` writes them, and not simulated.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ObjectMeta {
    pub name: Option<String>,
    pub namespace: Option<String>,
    pub labels: Option<BTreeMap<String, String>>,
    pub annotations: Option<BTreeMap<String, String>>,
    // Not simulated.
    pub generate_name: Option<Value>,
    pub self_link: Option<Value>,
    pub uid: Option<Value>,
    pub resource_version: Option<Value>,
    pub generation: Option<Value>,
    pub creation_timestamp: Option<Value>,
    pub deletion_timestamp: Option<Value>,
    pub deletion_grace_period_seconds: Option<Value>,
    pub owner_references: Option<Value>,
    pub finalizers: Option<Value>,
    pub managed_fields: Option<Value>,
    /// Removed in 1.25 (never used by the server).
    pub cluster_name: Option<Value>,
    /// 1.7 to 1.13 (alpha initializers).
    pub initializers: Option<Value>,
}

/// A label query: `matchLabels` and `matchExpressions` are ANDed; empty matches everything.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LabelSelector {
    pub match_labels: Option<BTreeMap<String, String>>,
    pub match_expressions: Option<Vec<LabelSelectorRequirement>>,
}

/// `key`, `operator` (In, NotIn, Exists, DoesNotExist) and `values`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LabelSelectorRequirement {
    #[serde(default, deserialize_with = "zero_if_null")]
    pub key: String,
    #[serde(default, deserialize_with = "zero_if_null")]
    pub operator: String,
    pub values: Option<Vec<String>>,
}

impl LabelSelector {
    /// Whether `labels` satisfy this selector (apimachinery's LabelSelectorAsSelector, then
    /// Matches). An unknown operator matches nothing (validation refuses it first).
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let by_labels = self
            .match_labels
            .iter()
            .flatten()
            .all(|(k, v)| labels.get(k) == Some(v));
        let by_expressions = self.match_expressions.iter().flatten().all(|r| {
            let values = r.values.as_deref().unwrap_or(&[]);
            match r.operator.as_str() {
                "In" => labels.get(&r.key).is_some_and(|v| values.contains(v)),
                "NotIn" => labels.get(&r.key).is_none_or(|v| !values.contains(v)),
                "Exists" => labels.contains_key(&r.key),
                "DoesNotExist" => !labels.contains_key(&r.key),
                _ => false,
            }
        });
        by_labels && by_expressions
    }

    /// No requirement at all: kubectl and the controllers read it as "everything".
    pub fn is_empty(&self) -> bool {
        self.match_labels.as_ref().is_none_or(BTreeMap::is_empty)
            && self.match_expressions.as_ref().is_none_or(Vec::is_empty)
    }
}

/// A number or a name: a Service's `targetPort` (a container port's name), a probe's port,
/// a rolling update's `maxSurge` (`25%`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum IntOrString {
    Int(i32),
    String(String),
}

/// As the API writes it: a number or a string.
impl serde::Serialize for IntOrString {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            IntOrString::Int(n) => s.serialize_i32(*n),
            IntOrString::String(v) => s.serialize_str(v),
        }
    }
}

impl Default for IntOrString {
    fn default() -> Self {
        IntOrString::Int(0)
    }
}

impl fmt::Display for IntOrString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntOrString::Int(i) => write!(f, "{i}"),
            IntOrString::String(s) => f.write_str(s),
        }
    }
}

impl<'de> Deserialize<'de> for IntOrString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = IntOrString;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer or a string")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<IntOrString, E> {
                i32::try_from(v)
                    .map(IntOrString::Int)
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &"a 32-bit integer"))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<IntOrString, E> {
                i32::try_from(v)
                    .map(IntOrString::Int)
                    .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &"a 32-bit integer"))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<IntOrString, E> {
                Ok(IntOrString::String(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<IntOrString, E> {
                Ok(IntOrString::String(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// Bytes written as standard base64 (a Secret's `data`), as Go's encoding/json reads a
/// `[]byte`: a bad value is `illegal base64 data at input byte N`.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct ByteString(pub Vec<u8>);

impl<'de> Deserialize<'de> for ByteString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let illegal =
            |at: usize| de::Error::custom(format!("illegal base64 data at input byte {at}"));
        // Go's base64.StdEncoding reads quantum by quantum: a byte outside the alphabet is
        // reported where it is, before a short input is; `\r` and `\n` are skipped.
        let symbol = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=');
        if let Some(at) = s
            .bytes()
            .position(|b| !symbol(b) && !matches!(b, b'\r' | b'\n'))
        {
            return Err(illegal(at));
        }
        let cleaned: Vec<u8> = s.bytes().filter(|b| !matches!(b, b'\r' | b'\n')).collect();
        data_encoding::BASE64
            .decode(&cleaned)
            .map(ByteString)
            .map_err(|e| illegal(e.position))
    }
}
