//! The Kubernetes API objects a manifest may hold (being written).

/// One object of a manifest.
#[derive(Clone, Debug)]
pub enum Manifest {}

/// Why a JSON value is not an object of the kind it says.
#[derive(Debug)]
pub enum FromValueError {
    /// No such kind in this API group and version.
    UnknownKind,
    /// The value does not fit the kind's type: serde's error with the field path.
    Serde(serde_path_to_error::Error<serde_json::Error>),
}

/// The object of `kind` in `api_version` that `value` (the whole document) describes.
pub fn from_value(
    api_version: &str,
    kind: &str,
    value: serde_json::Value,
) -> Result<Manifest, FromValueError> {
    let _ = (api_version, kind, value);
    Err(FromValueError::UnknownKind)
}
