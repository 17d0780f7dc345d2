//! Defaults that differ by group version, for the fields the simulator reads: what the
//! apiserver stores when a manifest leaves them out (SetDefaults_Deployment of
//! extensions/v1beta1, apps/v1beta1, apps/v1beta2 and apps/v1).

use super::meta_v1::IntOrString;

/// A Deployment's rolling-update defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeploymentDefaults {
    pub max_surge: IntOrString,
    pub max_unavailable: IntOrString,
    /// `None`: every old ReplicaSet is kept.
    pub revision_history_limit: Option<i32>,
    /// `None`: no deadline.
    pub progress_deadline_seconds: Option<i32>,
}

/// The defaults of a Deployment written in `api_version`: extensions/v1beta1 surges and
/// takes down one pod at a time and keeps every old ReplicaSet; apps/v1beta1 uses 25% and
/// keeps 2; apps/v1beta2 and apps/v1 use 25% and keep 10.
pub fn deployment_defaults(api_version: &str) -> DeploymentDefaults {
    let quarter = || IntOrString::String("25%".into());
    match api_version {
        "extensions/v1beta1" => DeploymentDefaults {
            max_surge: IntOrString::Int(1),
            max_unavailable: IntOrString::Int(1),
            revision_history_limit: None,
            progress_deadline_seconds: None,
        },
        "apps/v1beta1" => DeploymentDefaults {
            max_surge: quarter(),
            max_unavailable: quarter(),
            revision_history_limit: Some(2),
            progress_deadline_seconds: Some(600),
        },
        _ => DeploymentDefaults {
            max_surge: quarter(),
            max_unavailable: quarter(),
            revision_history_limit: Some(10),
            progress_deadline_seconds: Some(600),
        },
    }
}
