//! The field lists: every field of the real API decodes (api_fields.txt, from k8s.io/api),
//! each is either typed (simulated) or a loosely typed field [`UNMODELLED`] lists, and
//! every UNMODELLED pattern names a field the types accept.

use serde_json::{Value, json};

use super::*;

const API_FIELDS: &str = include_str!("api_fields.txt");

/// A value no typed field accepts (not a string, number, bool, list, or a struct's keys).
fn weird() -> Value {
    json!({"zz-not-a-field": [1, "x"]})
}

/// `{"spec": {"containers": [{"resources": LEAF}]}}` for `spec.containers[].resources`; a
/// last segment written `name[]` is the list field itself.
fn at(segments: &[&str], leaf: Value) -> Value {
    let Some((first, rest)) = segments.split_first() else {
        return leaf;
    };
    match first.strip_suffix("[]") {
        Some(name) if !rest.is_empty() => json!({ name: [at(rest, leaf)] }),
        Some(name) => json!({ name: leaf }),
        None => json!({ *first: at(rest, leaf) }),
    }
}

/// Decodes `value` as a `kind` object, in the first group version that serves the kind.
fn decode(kind: &str, value: Value) -> Result<Manifest, FromValueError> {
    let served = SERVED.iter().find(|s| s.kind == kind).expect(kind);
    from_value(served.api_version, kind, value)
}

/// Whether the field at `path` is typed `serde_json::Value`: it takes anything.
pub(super) fn loose(kind: &str, path: &str) -> bool {
    let segments: Vec<&str> = path.split('.').collect();
    decode(kind, at(&segments, weird())).is_ok()
}

pub(super) fn api_fields() -> impl Iterator<Item = (&'static str, &'static str)> {
    API_FIELDS
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| l.split_once(' ').expect(l))
}

/// Any real manifest decodes: no field of the API (of any release 1.8 to 1.36, in any group
/// version from_value takes) is refused as unknown. `null` at the field: every field takes
/// it, as Go does.
#[test]
fn every_api_field_decodes() {
    let mut refused = Vec::new();
    for (kind, path) in api_fields() {
        let segments: Vec<&str> = path.split('.').collect();
        if let Err(e) = decode(kind, at(&segments, Value::Null)) {
            refused.push(format!("{kind} {path}: {e}"));
        }
    }
    assert!(
        refused.is_empty(),
        "fields refused:\n{}",
        refused.join("\n")
    );
}

/// Nothing is silently dropped: a field is typed (the simulator reads it), or it is taken
/// as it is and UNMODELLED lists it (so the reader warns), or it is a `status` the server
/// ignores on create. The field taken as it is is the shortest loose prefix of each path.
#[test]
fn every_api_field_is_modelled_or_listed() {
    let mut silent = std::collections::BTreeSet::new();
    for (kind, path) in api_fields() {
        let field = path.strip_suffix("[]").unwrap_or(path);
        let segments: Vec<&str> = field.split('.').collect();
        for n in 1..=segments.len() {
            let prefix = segments[..n].join(".");
            let prefix = prefix.strip_suffix("[]").unwrap_or(&prefix).to_string();
            if !loose(kind, &prefix) {
                continue;
            }
            let ignored_status = prefix == "status" && kind != "Service";
            if !ignored_status && !unmodelled_patterns(kind).contains(&prefix) {
                silent.insert(format!("{kind} {prefix}"));
            }
            break;
        }
    }
    assert!(
        silent.is_empty(),
        "taken as they are but not in UNMODELLED:\n{}",
        silent.into_iter().collect::<Vec<_>>().join("\n")
    );
}

/// Every UNMODELLED pattern names a field the kind's type accepts and takes as it is.
#[test]
fn every_unmodelled_pattern_names_a_loose_field() {
    let kinds: Vec<&str> = SERVED.iter().map(|s| s.kind).collect();
    for (kind, pattern) in UNMODELLED {
        assert!(*kind == "*" || kinds.contains(kind), "{kind}");
        assert!(!pattern.ends_with("[]"), "{pattern}");
    }
    for kind in kinds {
        for pattern in super::unmodelled::loose_patterns(kind) {
            assert!(
                loose(kind, &pattern),
                "{kind} {pattern} is not a loose field"
            );
        }
    }
}

/// What the reader warns about: each field an object uses, once, in the table's order;
/// empty values (`resources: {}`) ask for nothing.
#[test]
fn unmodelled_fields_lists_what_an_object_uses() {
    let v = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "uid": "0a1b", "labels": {"app": "web"}},
        "spec": {"progressDeadlineSeconds": 600, "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"creationTimestamp": null, "labels": {"app": "web"}},
                "spec": {"containers": [
                    {"name": "a", "image": "i", "resources": {}, "imagePullPolicy": "Always"},
                    {"name": "b", "image": "i", "resources": {"limits": {"cpu": "1"}},
                     "imagePullPolicy": "IfNotPresent", "readinessProbe": {"grpc": {"port": 9}}}],
                    "terminationGracePeriodSeconds": 30}}}
    });
    assert_eq!(
        unmodelled_fields("Deployment", &v),
        [
            "metadata.uid",
            "spec.progressDeadlineSeconds",
            "spec.template.spec.terminationGracePeriodSeconds",
            "spec.template.spec.containers[].resources",
            "spec.template.spec.containers[].imagePullPolicy",
            "spec.template.spec.containers[].readinessProbe.grpc",
        ]
    );
    assert!(unmodelled(
        "Deployment",
        "spec.template.spec.containers[1].resources.limits.cpu"
    ));
    assert!(unmodelled("Pod", "spec.volumes[0]"));
    assert!(!unmodelled("Pod", "spec.containers[0].image"));
    assert!(!unmodelled("Pod", "spec.volumesX"));
}

/// A typed field the controllers do not act on yet is warned about like a loose one.
#[test]
fn typed_but_unsimulated_fields_are_warned_about() {
    let d = serde_json::json!({"spec": {"minReadySeconds": 5, "replicas": 2}});
    assert_eq!(
        unmodelled_fields("Deployment", &d),
        vec!["spec.minReadySeconds".to_string()]
    );
    let unset = serde_json::json!({"spec": {"replicas": 2}});
    assert!(unmodelled_fields("Deployment", &unset).is_empty());
}

/// A Service's session affinity and traffic policies are simulated: never warned about,
/// whatever they ask for.
#[test]
fn service_policies_are_never_warned_about() {
    let asked = serde_json::json!({"spec": {
        "sessionAffinity": "ClientIP", "externalTrafficPolicy": "Local",
        "internalTrafficPolicy": "Local", "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 60}}
    }});
    assert!(unmodelled_fields("Service", &asked).is_empty());
    let defaults = serde_json::json!({"spec": {
        "sessionAffinity": "None", "externalTrafficPolicy": "Cluster", "internalTrafficPolicy": "Cluster"
    }});
    assert!(unmodelled_fields("Service", &defaults).is_empty());
}
