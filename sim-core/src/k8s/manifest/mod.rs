//! Kubernetes manifests as people write them: YAML (or JSON) files, several objects to a
//! file (`---`, `kind: List`), decoded strictly into the API's own types.
//!
//! - `yaml.rs` reads YAML into a tree that remembers where each node was written, and
//!   turns it into JSON values the way kubectl does (sigs.k8s.io/yaml).
//! - `types/` holds the API objects (names follow k8s-openapi's), the table of fields
//!   accepted but not simulated yet, and the apiserver's validation.
//! - `decode` ties them together: every error names the file, line, column and field path.

pub mod types;
mod yaml;

pub use types::Manifest;
