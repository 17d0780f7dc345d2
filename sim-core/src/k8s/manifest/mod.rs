//! Kubernetes manifests as people write them: YAML (or JSON) files, several objects to a
//! file (`---`, `kind: List`), decoded strictly into the API's own types.
//!
//! - `yaml.rs` reads YAML into a tree that remembers where each node was written, and
//!   turns it into JSON values the way kubectl does (sigs.k8s.io/yaml).
//! - `types/` holds the API objects (names follow k8s-openapi's), the table of fields
//!   accepted but not simulated yet, and the apiserver's validation.
//! - `decode` ties them together: every error names the file, line, column and field path,
//!   and knows the line kubectl prints for it (`gotypes` names the Go types those lines
//!   mention).

mod decode;
mod gotypes;
pub mod types;
pub mod yaml;

pub use decode::{DecodeError, Doc, ErrorKind, decode, decode_each, decode_with};
pub use types::Manifest;
