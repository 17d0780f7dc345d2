//! Decoding: every kind, strictness, error paths, the served table. Validation's tables are
//! in `validation_tests.rs`; the field lists' checks in `fields_tests.rs`.

use serde_json::{Value, json};

use super::*;

fn decode(v: Value) -> Result<Manifest, FromValueError> {
    let api_version = v["apiVersion"].as_str().unwrap().to_string();
    let kind = v["kind"].as_str().unwrap().to_string();
    from_value(&api_version, &kind, v)
}

/// The path and message of a decoding error.
fn error(v: Value) -> (String, String) {
    match decode(v) {
        Err(FromValueError::Serde(e)) => (e.path().to_string(), e.inner().to_string()),
        other => panic!("expected a serde error, got {other:?}"),
    }
}

/// Seed 004's redis-master ReplicationController, as written there.
#[test]
fn seed_004_replication_controller_decodes() {
    let m = decode(json!({
        "apiVersion": "v1", "kind": "ReplicationController",
        "metadata": {"name": "redis-master", "labels": {"name": "redis-master"}},
        "spec": {"replicas": 1, "selector": {"name": "redis-master"},
            "template": {"metadata": {"labels": {"name": "redis-master"}},
                "spec": {"containers": [{"name": "master", "image": "kubeguide/redis-master",
                    "ports": [{"containerPort": 6379}]}]}}}
    }))
    .unwrap();
    let Manifest::ReplicationController(rc) = &m else {
        panic!("{m:?}")
    };
    let spec = rc.spec.as_ref().unwrap();
    assert_eq!(spec.replicas, Some(1));
    let pod = spec.template.as_ref().unwrap().spec.as_ref().unwrap();
    assert_eq!(
        pod.containers[0].ports.as_ref().unwrap()[0].container_port,
        6379
    );
    assert_eq!(m.kind(), "ReplicationController");
    assert_eq!(m.metadata().name.as_deref(), Some("redis-master"));
    assert!(m.validate().is_empty(), "{:?}", m.validate());
}

/// The complaints: a `command` list, a named `targetPort`, a Pod kind.
#[test]
fn command_lists_named_target_ports_and_pods_decode() {
    let m = decode(json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "dns"},
        "spec": {"containers": [{"name": "c", "image": "busybox",
            "command": ["sh", "-c", "sleep 3600"], "args": ["x"],
            "env": [{"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
                    {"name": "K", "valueFrom": {"configMapKeyRef": {"name": "cm", "key": "k"}}}],
            "readinessProbe": {"httpGet": {"path": "/", "port": "http"}, "periodSeconds": 2},
            "livenessProbe": {"tcpSocket": {"port": 80}},
            "startupProbe": {"exec": {"command": ["true"]}}}],
            "dnsPolicy": "None", "dnsConfig": {"nameservers": ["1.1.1.1"],
                "options": [{"name": "ndots", "value": "2"}, {"name": "edns0"}]}}
    }))
    .unwrap();
    let Manifest::Pod(pod) = &m else { panic!() };
    let c = &pod.spec.as_ref().unwrap().containers[0];
    assert_eq!(c.command.as_deref().unwrap(), ["sh", "-c", "sleep 3600"]);
    let probe = c.readiness_probe.as_ref().unwrap();
    assert_eq!(
        probe.http_get.as_ref().unwrap().port,
        IntOrString::String("http".into())
    );
    assert_eq!(
        c.liveness_probe
            .as_ref()
            .unwrap()
            .tcp_socket
            .as_ref()
            .unwrap()
            .port,
        IntOrString::Int(80)
    );

    let m = decode(json!({
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
        "spec": {"ports": [{"port": 80, "targetPort": "http"}], "selector": {"app": "web"},
            "sessionAffinity": "ClientIP",
            "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 60}},
            "clusterIP": "None", "externalIPs": ["192.0.2.1"]},
        "status": {"loadBalancer": {"ingress": [{"ip": "203.0.113.7"}]}}
    }))
    .unwrap();
    let Manifest::Service(svc) = &m else { panic!() };
    let spec = svc.spec.as_ref().unwrap();
    assert_eq!(
        spec.ports.as_ref().unwrap()[0].target_port,
        Some(IntOrString::String("http".into()))
    );
    assert_eq!(spec.cluster_ip.as_deref(), Some("None"));
    assert_eq!(
        spec.session_affinity_config
            .as_ref()
            .unwrap()
            .client_ip
            .as_ref()
            .unwrap()
            .timeout_seconds,
        Some(60)
    );
    let ingress = &svc
        .status
        .as_ref()
        .unwrap()
        .load_balancer
        .as_ref()
        .unwrap()
        .ingress;
    assert_eq!(
        ingress.as_ref().unwrap()[0].ip.as_deref(),
        Some("203.0.113.7")
    );
}

/// An unknown field is refused, and serde_path_to_error's path ends with its name, as
/// kubectl's `unknown field "spec.template.spec.contaners"` does.
#[test]
fn unknown_fields_are_refused_with_their_path() {
    let (path, msg) = error(json!({
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
        "spec": {"selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}},
                "spec": {"contaners": []}}}
    }));
    assert_eq!(path, "spec.template.spec.contaners");
    assert!(
        msg.starts_with("unknown field `contaners`, expected one of"),
        "{msg}"
    );

    let (path, msg) = error(json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "lables": {}},
    }));
    assert_eq!(path, "metadata.lables");
    assert!(msg.starts_with("unknown field `lables`"), "{msg}");
}

/// A wrong type names the field, down to the list index.
#[test]
fn wrong_types_name_the_field() {
    let (path, msg) = error(json!({
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
        "spec": {"template": {"spec": {"containers": [{"name": 7}]}}}
    }));
    assert_eq!(path, "spec.template.spec.containers[0].name");
    assert_eq!(msg, "invalid type: integer `7`, expected a string");

    let (path, _) = error(json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "c", "command": "sleep 1"}]}
    }));
    assert_eq!(path, "spec.containers[0].command");

    let (path, msg) = error(json!({
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
        "spec": {"ports": [{"port": 80, "targetPort": 1.5}]}
    }));
    assert_eq!(path, "spec.ports[0].targetPort");
    assert_eq!(
        msg,
        "invalid type: floating point `1.5`, expected an integer or a string"
    );
}

/// A required field left out (or null) decodes as Go leaves it, its zero value, so that
/// validation words the error as the apiserver does.
#[test]
fn absent_or_null_required_fields_are_zero() {
    let m = decode(json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
        "spec": {"containers": [{"name": null, "ports": [{}]}]}
    }))
    .unwrap();
    let Manifest::Pod(pod) = &m else { panic!() };
    let c = &pod.spec.as_ref().unwrap().containers[0];
    assert_eq!(c.name, "");
    assert_eq!(c.ports.as_ref().unwrap()[0].container_port, 0);
}

/// Secret `data` is base64 as the API says, with Go's message for bad input.
#[test]
fn secret_data_is_base64() {
    let m = decode(json!({
        "apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
        "data": {"password": "cGFzc3dvcmQ="}, "stringData": {"user": "admin"}
    }))
    .unwrap();
    let Manifest::Secret(s) = &m else { panic!() };
    assert_eq!(s.data.as_ref().unwrap()["password"].0, b"password");
    assert_eq!(s.string_data.as_ref().unwrap()["user"], "admin");

    let (path, msg) = error(json!({
        "apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
        "data": {"password": "pass word"}
    }));
    assert_eq!(path, "data.password");
    assert_eq!(msg, "illegal base64 data at input byte 4");
}

/// Old group versions default a workload's selector (and labels) from its template.
#[test]
fn old_group_versions_default_selector_from_template() {
    let doc = |api: &str| {
        json!({
            "apiVersion": api, "kind": "Deployment", "metadata": {"name": "web"},
            "spec": {"template": {"metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}
        })
    };
    let m = decode(doc("extensions/v1beta1")).unwrap();
    let Manifest::Deployment(d) = &m else {
        panic!()
    };
    let selector = &d.spec.as_ref().unwrap().selector;
    assert_eq!(selector.match_labels.as_ref().unwrap()["app"], "web");
    assert_eq!(d.metadata.labels.as_ref().unwrap()["app"], "web");
    assert!(m.validate().is_empty(), "{:?}", m.validate());

    let m = decode(doc("apps/v1")).unwrap();
    let Manifest::Deployment(d) = &m else {
        panic!()
    };
    assert!(d.spec.as_ref().unwrap().selector.is_empty());
}

/// from_value knows a (group version, kind) some era serves, and nothing else.
#[test]
fn unknown_kinds_and_group_versions() {
    let v = json!({"metadata": {"name": "x"}});
    for (api, kind) in [
        ("v1", "Deployment"),
        ("apps/v1", "Pod"),
        ("extensions/v1beta1", "StatefulSet"),
        ("apps/v1beta1", "ReplicaSet"),
        ("v1", "Ingress"),
        ("batch/v1", "CronJob"),
    ] {
        assert!(
            matches!(
                from_value(api, kind, v.clone()),
                Err(FromValueError::UnknownKind)
            ),
            "{api} {kind}"
        );
    }
    for s in SERVED {
        let m = from_value(s.api_version, s.kind, v.clone()).unwrap();
        assert_eq!(m.kind(), s.kind);
    }
}

/// The served table: the eras' group versions (Kubernetes' deprecation guide).
#[test]
fn served_follows_the_deprecation_guide() {
    assert!(served("extensions/v1beta1", "Deployment", 5));
    assert!(served("extensions/v1beta1", "Deployment", 15));
    assert!(!served("extensions/v1beta1", "Deployment", 16));
    assert!(!served("apps/v1", "Deployment", 8));
    assert!(served("apps/v1", "Deployment", 9));
    assert!(served("apps/v1", "Deployment", 31));
    assert!(served("apps/v1beta1", "StatefulSet", 5));
    assert!(!served("apps/v1beta1", "Deployment", 5));
    assert!(served("apps/v1beta1", "Deployment", 6));
    assert!(!served("discovery.k8s.io/v1", "EndpointSlice", 20));
    assert!(served("discovery.k8s.io/v1beta1", "EndpointSlice", 24));
    assert!(!served("discovery.k8s.io/v1beta1", "EndpointSlice", 25));
    assert!(served("networking.k8s.io/v1", "NetworkPolicy", 7));
    assert!(!served("extensions/v1beta1", "NetworkPolicy", 16));
    assert!(served("v1", "Pod", 5) && served("v1", "ConfigMap", 5) && served("batch/v1", "Job", 5));
    assert!(!served("apps/v1", "StatefulSet", 8));
}

/// The rolling-update defaults of each era's Deployment (SetDefaults_Deployment).
#[test]
fn deployment_defaults_follow_the_group_version() {
    let old = deployment_defaults("extensions/v1beta1");
    assert_eq!(
        (old.max_surge, old.max_unavailable),
        (IntOrString::Int(1), IntOrString::Int(1))
    );
    assert_eq!(old.revision_history_limit, None);
    assert_eq!(
        deployment_defaults("apps/v1beta1").revision_history_limit,
        Some(2)
    );
    let new = deployment_defaults("apps/v1");
    assert_eq!(new.max_surge, IntOrString::String("25%".into()));
    assert_eq!(new.revision_history_limit, Some(10));
}
