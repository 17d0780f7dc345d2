//! Validation: slices of kubernetes' own test tables (pkg/apis/core/validation
//! validation_test.go: TestValidateContainers, TestValidatePodSpec, TestValidateService,
//! TestValidateReplicationController...; pkg/apis/apps/validation: TestValidateDeployment,
//! TestValidateStatefulSet; batch: TestValidateJob), each case as a manifest and the full
//! messages kube-apiserver gives.

use serde_json::{Value, json};

use super::*;

/// The messages for a document (decoded as its apiVersion and kind say).
fn errors(v: Value) -> Vec<String> {
    let api = v["apiVersion"].as_str().unwrap().to_string();
    let kind = v["kind"].as_str().unwrap().to_string();
    let m = from_value(&api, &kind, v).unwrap_or_else(|e| panic!("{e}"));
    let errs = m.validate();
    for (path, msg) in &errs {
        assert!(msg.starts_with(&format!("{path}: ")), "{path} / {msg}");
    }
    errs.into_iter().map(|(_, m)| m).collect()
}

fn pod(spec: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec})
}

fn pod_with(container: Value) -> Value {
    let mut c = json!({"name": "c", "image": "nginx"});
    c.as_object_mut()
        .unwrap()
        .extend(container.as_object().unwrap().clone());
    pod(json!({"containers": [c]}))
}

fn service(spec: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": spec})
}

fn deployment(spec: Value) -> Value {
    let mut s = json!({
        "selector": {"matchLabels": {"app": "web"}},
        "template": {"metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
    });
    s.as_object_mut()
        .unwrap()
        .extend(spec.as_object().unwrap().clone());
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": s})
}

const SUBDOMAIN: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

#[test]
fn valid_objects_have_no_errors() {
    for v in [
        pod(json!({"containers": [{"name": "c", "image": "busybox"}]})),
        pod(json!({"containers": [{"name": "c", "image": "busybox",
            "ports": [{"name": "http", "containerPort": 80, "protocol": "TCP"}],
            "env": [{"name": "A", "value": "1"},
                    {"name": "B", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
                    {"name": "C", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['app']"}}},
                    {"name": "D", "valueFrom": {"secretKeyRef": {"name": "s", "key": "password"}}}],
            "readinessProbe": {"httpGet": {"port": "http", "path": "/healthz"}},
            "livenessProbe": {"tcpSocket": {"port": 80}, "successThreshold": 1}}],
            "initContainers": [{"name": "init", "image": "busybox", "command": ["true"]}],
            "hostNetwork": true, "dnsPolicy": "ClusterFirstWithHostNet",
            "hostname": "web-0", "subdomain": "web", "restartPolicy": "Never",
            "dnsConfig": {"searches": ["example.com."], "options": [{"name": "ndots", "value": "2"}]}})),
        service(json!({"ports": [{"port": 80, "targetPort": "http"}], "selector": {"app": "web"}})),
        service(json!({"clusterIP": "None", "selector": {"app": "web"}})),
        service(json!({"type": "ExternalName", "externalName": "example.com."})),
        service(json!({"type": "NodePort", "externalTrafficPolicy": "Local",
            "ports": [{"name": "a", "port": 80, "nodePort": 30080}, {"name": "b", "port": 443}],
            "sessionAffinity": "ClientIP",
            "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 86400}}})),
        deployment(json!({"strategy": {"type": "RollingUpdate",
            "rollingUpdate": {"maxSurge": 1, "maxUnavailable": "0%"}}})),
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}}),
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
            "data": {"game.properties": "x", "UI_COLOR": "red"}}),
    ] {
        assert_eq!(errors(v.clone()), Vec::<String>::new(), "{v}");
    }
}

/// The brief's example, and TestValidateObjectMetaNamespaces/names.
#[test]
fn metadata_names() {
    let v = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "Web"},
        "spec": {"containers": [{"name": "c", "image": "i"}]}});
    assert_eq!(
        errors(v),
        [format!(
            "metadata.name: Invalid value: \"Web\": {SUBDOMAIN}"
        )]
    );

    let v = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {},
        "spec": {"containers": [{"name": "c", "image": "i"}]}});
    assert_eq!(
        errors(v),
        ["metadata.name: Required value: name or generateName is required"]
    );

    // Services are DNS-1035 labels: no leading digit.
    let v = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "1web"},
        "spec": {"ports": [{"port": 80}]}});
    assert_eq!(
        errors(v),
        [format!("metadata.name: Invalid value: \"1web\": {DNS1035}")]
    );

    // Namespaces are labels, and have no namespace.
    let v = json!({"apiVersion": "v1", "kind": "Namespace",
        "metadata": {"name": "a.b", "namespace": "x"}});
    assert_eq!(
        errors(v),
        [
            "metadata.name: Invalid value: \"a.b\": must not contain dots",
            "metadata.namespace: Forbidden: not allowed on this type",
        ]
    );

    let long = "a".repeat(254);
    let v = json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": long, "namespace": "Bad_NS", "labels": {"app": "a b"}}});
    assert_eq!(
        errors(v),
        [
            format!("metadata.name: Invalid value: \"{long}\": must be no more than 253 characters"),
            format!("metadata.namespace: Invalid value: \"Bad_NS\": {}", LABEL),
            "metadata.labels: Invalid value: \"a b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')".to_string(),
        ]
    );

    let v = json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "c", "labels": {"a/b/c": "x", "/x": "y"}}});
    assert_eq!(
        errors(v),
        [
            "metadata.labels: Invalid value: \"/x\": prefix part must be non-empty",
            "metadata.labels: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
        ]
    );
}

/// TestValidateContainers' error cases.
#[test]
fn containers() {
    assert_eq!(
        errors(pod(json!({"containers": []}))),
        ["spec.containers: Required value"]
    );
    assert_eq!(
        errors(pod(json!({"containers": [{"image": "i"}]}))),
        ["spec.containers[0].name: Required value"]
    );
    assert_eq!(
        errors(pod(json!({"containers": [{"name": "Web", "image": "i"}]}))),
        [format!(
            "spec.containers[0].name: Invalid value: \"Web\": {LABEL}"
        )]
    );
    assert_eq!(
        errors(pod(json!({"containers": [{"name": "c"}]}))),
        ["spec.containers[0].image: Required value"]
    );
    assert_eq!(
        errors(pod(
            json!({"containers": [{"name": "c", "image": "i"}, {"name": "c", "image": "i"}],
            "initContainers": [{"name": "c", "image": "i"}]})
        )),
        [
            "spec.containers[1].name: Duplicate value: \"c\"",
            "spec.initContainers[0].name: Duplicate value: \"c\"",
        ]
    );
    assert_eq!(
        errors(pod(json!({"containers": [{"name": "c", "image": "i"}],
            "initContainers": [{"name": "i", "image": "i", "readinessProbe": {"exec": {"command": ["x"]}}}]}))),
        [
            "spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always"
        ]
    );
}

/// TestValidateContainerPorts.
#[test]
fn container_ports() {
    let check = |ports: Value| errors(pod_with(json!({"ports": ports})));
    assert_eq!(
        check(json!([{"containerPort": 0}])),
        ["spec.containers[0].ports[0].containerPort: Required value"]
    );
    assert_eq!(
        check(json!([{"containerPort": 65536}])),
        [
            "spec.containers[0].ports[0].containerPort: Invalid value: 65536: must be between 1 and 65535, inclusive"
        ]
    );
    assert_eq!(
        check(json!([{"containerPort": 80, "hostPort": -1}])),
        [
            "spec.containers[0].ports[0].hostPort: Invalid value: -1: must be between 1 and 65535, inclusive"
        ]
    );
    assert_eq!(
        check(json!([{"containerPort": 80, "protocol": "tcp"}])),
        [
            "spec.containers[0].ports[0].protocol: Unsupported value: \"tcp\": supported values: \"SCTP\", \"TCP\", \"UDP\""
        ]
    );
    assert_eq!(
        check(json!([{"containerPort": 80, "name": "Http"}])),
        [
            "spec.containers[0].ports[0].name: Invalid value: \"Http\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"
        ]
    );
    assert_eq!(
        check(json!([{"containerPort": 80, "name": "a-very-long-port-name"}])),
        [
            "spec.containers[0].ports[0].name: Invalid value: \"a-very-long-port-name\": must be no more than 15 characters"
        ]
    );
    assert_eq!(
        check(json!([{"containerPort": 80, "name": "80"}])),
        [
            "spec.containers[0].ports[0].name: Invalid value: \"80\": must contain at least one letter (a-z)"
        ]
    );
    assert_eq!(
        check(json!([{"containerPort": 80, "name": "a--b"}, {"containerPort": 81, "name": "-x"}])),
        [
            "spec.containers[0].ports[0].name: Invalid value: \"a--b\": must not contain consecutive hyphens",
            "spec.containers[0].ports[1].name: Invalid value: \"-x\": must not begin or end with a hyphen",
        ]
    );
    assert_eq!(
        check(
            json!([{"containerPort": 80, "name": "http"}, {"containerPort": 81, "name": "http"}])
        ),
        ["spec.containers[0].ports[1].name: Duplicate value: \"http\""]
    );
    // hostNetwork: a pod's hostPort must be its containerPort.
    let v = pod(json!({"hostNetwork": true,
        "containers": [{"name": "c", "image": "i", "ports": [{"containerPort": 80, "hostPort": 8080}]}]}));
    assert_eq!(
        errors(v),
        [
            "spec.containers[0].ports[0].hostPort: Invalid value: 8080: must match `containerPort` when `hostNetwork` is true"
        ]
    );
}

/// TestValidateEnv.
#[test]
fn env() {
    let check = |env: Value| errors(pod_with(json!({"env": env})));
    assert_eq!(
        check(json!([{"value": "x"}])),
        ["spec.containers[0].env[0].name: Required value"]
    );
    assert_eq!(
        check(json!([{"name": "1A"}])),
        [
            "spec.containers[0].env[0].name: Invalid value: \"1A\": a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"
        ]
    );
    assert_eq!(
        check(
            json!([{"name": "A", "value": "x", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}])
        ),
        [
            "spec.containers[0].env[0].valueFrom: Invalid value: \"\": may not be specified when `value` is not empty"
        ]
    );
    assert_eq!(
        check(json!([{"name": "A", "valueFrom": {}}])),
        [
            "spec.containers[0].env[0].valueFrom: Invalid value: \"\": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"
        ]
    );
    assert_eq!(
        check(
            json!([{"name": "A", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"},
            "configMapKeyRef": {"name": "c", "key": "k"}}}])
        ),
        [
            "spec.containers[0].env[0].valueFrom: Invalid value: \"\": may not have more than one field specified at a time"
        ]
    );
    assert_eq!(
        check(json!([{"name": "A", "valueFrom": {"fieldRef": {"fieldPath": "status.phase"}}}])),
        [
            "spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: \"status.phase\": supported values: \"metadata.name\", \"metadata.namespace\", \"metadata.uid\", \"spec.nodeName\", \"spec.serviceAccountName\", \"status.hostIP\", \"status.hostIPs\", \"status.podIP\", \"status.podIPs\""
        ]
    );
    assert_eq!(
        check(json!([{"name": "A", "valueFrom": {"fieldRef": {"fieldPath": "status.nope"}}}])),
        [
            "spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Invalid value: \"status.nope\": error converting fieldPath: field label not supported: status.nope"
        ]
    );
    assert_eq!(
        check(json!([{"name": "A", "valueFrom": {"configMapKeyRef": {"name": "c", "key": ""}}}])),
        ["spec.containers[0].env[0].valueFrom.configMapKeyRef.key: Required value"]
    );
    assert_eq!(
        check(json!([{"name": "A", "valueFrom": {"secretKeyRef": {"name": "S", "key": "a b"}}}])),
        [
            format!("spec.containers[0].env[0].valueFrom.secretKeyRef.name: Invalid value: \"S\": {SUBDOMAIN}"),
            "spec.containers[0].env[0].valueFrom.secretKeyRef.key: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')".to_string(),
        ]
    );
}

/// TestValidateProbe and the liveness/startup rules.
#[test]
fn probes() {
    let check = |probe: &str, v: Value| errors(pod_with(json!({probe: v})));
    assert_eq!(
        check("readinessProbe", json!({"periodSeconds": 5})),
        ["spec.containers[0].readinessProbe: Required value: must specify a handler type"]
    );
    assert_eq!(
        check(
            "readinessProbe",
            json!({"exec": {"command": ["x"]}, "tcpSocket": {"port": 80}})
        ),
        [
            "spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type"
        ]
    );
    assert_eq!(
        check(
            "livenessProbe",
            json!({"tcpSocket": {"port": 80}, "successThreshold": 2})
        ),
        ["spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"]
    );
    assert_eq!(
        check(
            "readinessProbe",
            json!({"httpGet": {"port": 0}, "initialDelaySeconds": -1})
        ),
        [
            "spec.containers[0].readinessProbe.httpGet.port: Invalid value: 0: must be between 1 and 65535, inclusive",
            "spec.containers[0].readinessProbe.initialDelaySeconds: Invalid value: -1: must be greater than or equal to 0",
        ]
    );
    assert_eq!(
        check(
            "startupProbe",
            json!({"httpGet": {"port": "http", "scheme": "FTP"}})
        ),
        [
            "spec.containers[0].startupProbe.httpGet.scheme: Unsupported value: \"FTP\": supported values: \"HTTP\", \"HTTPS\""
        ]
    );
    assert_eq!(
        check("readinessProbe", json!({"exec": {}})),
        ["spec.containers[0].readinessProbe.exec.command: Required value"]
    );
}

/// TestValidatePodSpec: restartPolicy, dnsPolicy, dnsConfig, hostname (the rules
/// k8s::api::PodOptions::validate had).
#[test]
fn pod_spec_fields() {
    let c = json!([{"name": "c", "image": "i"}]);
    assert_eq!(
        errors(pod(json!({"containers": c, "restartPolicy": "always"}))),
        [
            "spec.restartPolicy: Unsupported value: \"always\": supported values: \"Always\", \"OnFailure\", \"Never\""
        ]
    );
    assert_eq!(
        errors(pod(json!({"containers": c, "dnsPolicy": "Cluster"}))),
        [
            "spec.dnsPolicy: Unsupported value: \"Cluster\": supported values: \"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\""
        ]
    );
    assert_eq!(
        errors(pod(json!({"containers": c, "dnsPolicy": "None"}))),
        ["spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None"]
    );
    assert_eq!(
        errors(pod(
            json!({"containers": c, "dnsPolicy": "None", "dnsConfig": {"searches": ["a"]}})
        )),
        [
            "spec.dnsConfig.nameservers: Required value: must provide at least one DNS nameserver when `dnsPolicy` is None"
        ]
    );
    assert_eq!(
        errors(pod(json!({"containers": c, "dnsConfig": {
            "nameservers": ["1.1.1.1", "8.8.8.8", "9.9.9.9", "bad"],
            "searches": ["Bad_Domain"], "options": [{"value": "1"}]}}))),
        [
            "spec.dnsConfig.nameservers: Invalid value: []string{\"1.1.1.1\", \"8.8.8.8\", \"9.9.9.9\", \"bad\"}: must not have more than 3 nameservers".to_string(),
            "spec.dnsConfig.nameservers[3]: Invalid value: \"bad\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)".to_string(),
            format!("spec.dnsConfig.searches[0]: Invalid value: \"Bad_Domain\": {SUBDOMAIN}"),
            "spec.dnsConfig.options[0]: Required value: must not be empty".to_string(),
        ]
    );
    assert_eq!(
        errors(pod(
            json!({"containers": c, "hostname": "Web", "subdomain": "a.b", "nodeName": "Node_1"})
        )),
        [
            format!("spec.nodeName: Invalid value: \"Node_1\": {SUBDOMAIN}"),
            format!("spec.hostname: Invalid value: \"Web\": {LABEL}"),
            "spec.subdomain: Invalid value: \"a.b\": must not contain dots".to_string(),
        ]
    );
}

/// TestValidateService's error cases.
#[test]
fn services() {
    assert_eq!(errors(service(json!({}))), ["spec.ports: Required value"]);
    assert_eq!(
        errors(service(json!({"type": "Foo", "ports": [{"port": 80}]}))),
        [
            "spec.type: Unsupported value: \"Foo\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""
        ]
    );
    assert_eq!(
        errors(service(json!({"ports": [{"port": 80}, {"port": 81}]}))),
        [
            "spec.ports[0].name: Required value",
            "spec.ports[1].name: Required value"
        ]
    );
    assert_eq!(
        errors(service(
            json!({"ports": [{"name": "a", "port": 80}, {"name": "a", "port": 80}]})
        )),
        [
            "spec.ports[1].name: Duplicate value: \"a\"",
            "spec.ports[1]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}",
        ]
    );
    assert_eq!(
        errors(service(
            json!({"ports": [{"port": 65536, "targetPort": "http_"}]})
        )),
        [
            "spec.ports[0].port: Invalid value: 65536: must be between 1 and 65535, inclusive",
            "spec.ports[0].targetPort: Invalid value: \"http_\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
        ]
    );
    assert_eq!(
        errors(service(json!({"ports": [{"port": 80, "nodePort": 30080}]}))),
        ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]
    );
    assert_eq!(
        errors(service(
            json!({"type": "NodePort", "clusterIP": "None", "ports": [{"port": 80}]})
        )),
        [
            "spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"
        ]
    );
    assert_eq!(
        errors(service(
            json!({"clusterIP": "10.0.0.300", "ports": [{"port": 80}]})
        )),
        [
            "spec.clusterIPs[0]: Invalid value: \"10.0.0.300\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
        ]
    );
    assert_eq!(
        errors(service(json!({"type": "ExternalName"}))),
        ["spec.externalName: Required value"]
    );
    assert_eq!(
        errors(service(
            json!({"type": "ExternalName", "externalName": "Foo.com", "clusterIP": "None"})
        )),
        [
            "spec.clusterIPs: Forbidden: may not be set for ExternalName services".to_string(),
            format!("spec.externalName: Invalid value: \"Foo.com\": {SUBDOMAIN}"),
        ]
    );
    assert_eq!(
        errors(service(
            json!({"ports": [{"port": 80}], "sessionAffinity": "Sticky"})
        )),
        [
            "spec.sessionAffinity: Unsupported value: \"Sticky\": supported values: \"ClientIP\", \"None\""
        ]
    );
    assert_eq!(
        errors(service(
            json!({"ports": [{"port": 80}], "sessionAffinity": "ClientIP",
            "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 86401}}})
        )),
        [
            "spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must be greater than 0 and less than 86400"
        ]
    );
    assert_eq!(
        errors(service(json!({"ports": [{"port": 80}],
            "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 60}}}))),
        ["spec.sessionAffinityConfig: Forbidden: must not be set when session affinity is None"]
    );
    assert_eq!(
        errors(service(
            json!({"ports": [{"port": 80}], "externalTrafficPolicy": "Local"})
        )),
        [
            "spec.externalTrafficPolicy: Invalid value: \"Local\": may only be set for externally-accessible services"
        ]
    );
    assert_eq!(
        errors(service(
            json!({"type": "LoadBalancer", "ports": [{"port": 80}], "externalTrafficPolicy": "Global",
            "internalTrafficPolicy": "Node"})
        )),
        [
            "spec.externalTrafficPolicy: Unsupported value: \"Global\": supported values: \"Cluster\", \"Local\"",
            "spec.internalTrafficPolicy: Unsupported value: \"Node\": supported values: \"Cluster\", \"Local\"",
        ]
    );
    // healthCheckNodePort: a LoadBalancer with externalTrafficPolicy Local only, a port.
    assert_eq!(
        errors(service(
            json!({"type": "NodePort", "ports": [{"port": 80}], "externalTrafficPolicy": "Local",
            "healthCheckNodePort": 30500})
        )),
        [
            "spec.healthCheckNodePort: Invalid value: 30500: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"
        ]
    );
    assert_eq!(
        errors(service(
            json!({"type": "LoadBalancer", "ports": [{"port": 80}], "externalTrafficPolicy": "Local",
            "healthCheckNodePort": 70000})
        )),
        ["spec.healthCheckNodePort: Invalid value: 70000: must be between 1 and 65535, inclusive"]
    );
    assert_eq!(
        errors(service(
            json!({"type": "LoadBalancer", "ports": [{"port": 80}], "externalTrafficPolicy": "Local",
            "healthCheckNodePort": 30500})
        )),
        Vec::<String>::new()
    );
    assert_eq!(
        errors(service(
            json!({"ports": [{"port": 80}], "externalIPs": ["127.0.0.1", "x"]})
        )),
        [
            "spec.externalIPs[0]: Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)",
            "spec.externalIPs[1]: Invalid value: \"x\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
        ]
    );
}

/// TestValidateReplicationController and TestValidateDeployment's error cases.
#[test]
fn workloads() {
    let rc = |spec: Value| json!({"apiVersion": "v1", "kind": "ReplicationController", "metadata": {"name": "rc"}, "spec": spec});
    assert_eq!(
        errors(rc(json!({"replicas": -1, "selector": {"a": "b"},
            "template": {"metadata": {"labels": {"a": "c"}},
                "spec": {"containers": [{"name": "c", "image": "i"}], "restartPolicy": "Never"}}}))),
        [
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
            "spec.template.metadata.labels: Invalid value: map[string]string{\"a\":\"c\"}: `selector` does not match template `labels`",
            "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"",
        ]
    );
    assert_eq!(
        errors(rc(json!({}))),
        [
            "spec.selector: Required value",
            "spec.template: Required value"
        ]
    );

    assert_eq!(
        errors(deployment(
            json!({"selector": {"matchLabels": {"app": "api"}}})
        )),
        [
            "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`"
        ]
    );
    assert_eq!(
        errors(deployment(json!({"selector": {}}))),
        ["spec.selector: Required value"]
    );
    assert_eq!(
        errors(deployment(
            json!({"strategy": {"type": "Recreate", "rollingUpdate": {}}})
        )),
        [
            "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"
        ]
    );
    assert_eq!(
        errors(deployment(
            json!({"strategy": {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}}})
        )),
        [
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: may not be 0 when `maxSurge` is 0"
        ]
    );
    assert_eq!(
        errors(deployment(
            json!({"strategy": {"rollingUpdate": {"maxSurge": "50", "maxUnavailable": "150%"}}})
        )),
        [
            "spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"50\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"150%\"}: must not be greater than 100%",
        ]
    );
    assert_eq!(
        errors(deployment(
            json!({"strategy": {"type": "BlueGreen"}, "revisionHistoryLimit": -2})
        )),
        [
            "spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:\"BlueGreen\", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: \"Recreate\", \"RollingUpdate\"",
            "spec.revisionHistoryLimit: Invalid value: -2: must be greater than or equal to 0",
        ]
    );
    // A template's errors carry the template's path.
    let v = deployment(json!({"template": {"metadata": {"labels": {"app": "web"}},
        "spec": {"containers": [{"name": "c", "ports": [{"containerPort": 80}]}]}}}));
    assert_eq!(
        errors(v),
        ["spec.template.spec.containers[0].image: Required value"]
    );
}

/// TestValidateStatefulSet and TestValidateJob.
#[test]
fn stateful_sets_and_jobs() {
    let sts = |name: &str, spec: Value| {
        let mut s = json!({"selector": {"matchLabels": {"app": "db"}}, "serviceName": "db",
            "template": {"metadata": {"labels": {"app": "db"}},
                "spec": {"containers": [{"name": "c", "image": "i"}]}}});
        s.as_object_mut()
            .unwrap()
            .extend(spec.as_object().unwrap().clone());
        json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": name}, "spec": s})
    };
    assert_eq!(
        errors(sts("db", json!({"ordinals": {"start": 3}}))),
        Vec::<String>::new()
    );
    assert_eq!(
        errors(sts("db.x", json!({"podManagementPolicy": "Random", "serviceName": "DB"}))),
        [
            "metadata.name: Invalid value: \"db.x\": must not contain dots".to_string(),
            "spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'".to_string(),
            format!("spec.serviceName: Invalid value: \"DB\": {LABEL}"),
        ]
    );
    assert_eq!(
        errors(sts(
            "db",
            json!({"replicas": -1, "ordinals": {"start": -1}})
        )),
        [
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
            "spec.ordinals.start: Invalid value: -1: must be greater than or equal to 0",
        ]
    );

    let job = |spec: Value| {
        let mut s = json!({"template": {"spec": {"containers": [{"name": "c", "image": "i"}],
            "restartPolicy": "Never"}}});
        s.as_object_mut()
            .unwrap()
            .extend(spec.as_object().unwrap().clone());
        json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "pi"}, "spec": s})
    };
    assert_eq!(
        errors(job(
            json!({"completions": 5, "parallelism": 2, "backoffLimit": 4})
        )),
        Vec::<String>::new()
    );
    assert_eq!(
        errors(job(
            json!({"template": {"spec": {"containers": [{"name": "c", "image": "i"}]}}})
        )),
        [
            "spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\""
        ]
    );
    assert_eq!(
        errors(job(
            json!({"parallelism": -1, "completions": -1, "backoffLimit": -1, "activeDeadlineSeconds": -1})
        )),
        [
            "spec.parallelism: Invalid value: -1: must be greater than or equal to 0",
            "spec.completions: Invalid value: -1: must be greater than or equal to 0",
            "spec.activeDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0",
            "spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0",
        ]
    );
    assert_eq!(
        errors(job(json!({"selector": {"matchLabels": {"a": "b"}}}))),
        [
            "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"a\":\"b\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` not auto-generated"
        ]
    );
}

/// TestValidateEndpoints, TestValidateEndpointSlice, TestValidateConfigMap, Secret.
#[test]
fn endpoints_and_configuration() {
    let v = json!({"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "ext"},
        "subsets": [{"addresses": [{"ip": "192.0.2.10"}], "ports": [{"port": 80}]},
                    {"ports": [{"port": 0, "protocol": "ICMP"}]},
                    {"addresses": [{"ip": "169.254.1.1"}]}]});
    assert_eq!(
        errors(v),
        [
            "subsets[1]: Required value: must specify `addresses` or `notReadyAddresses`",
            "subsets[1].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
            "subsets[1].ports[0].protocol: Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
            "subsets[2].addresses[0].ip: Invalid value: \"169.254.1.1\": may not be in the link-local range (169.254.0.0/16, fe80::/10)",
        ]
    );

    let v = json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {"name": "ext-1", "labels": {"kubernetes.io/service-name": "ext"}},
        "addressType": "IPv4",
        "endpoints": [{"addresses": ["192.0.2.10"], "conditions": {"ready": true}}, {"addresses": ["2001:db8::1"]}, {"addresses": []}],
        "ports": [{"name": "http", "port": 80}, {"name": "http", "port": 81}]});
    assert_eq!(
        errors(v),
        [
            "endpoints[1].addresses[0]: Invalid value: \"2001:db8::1\": must be a valid IPv4 address",
            "endpoints[2].addresses: Required value: must contain at least 1 address",
            "ports[1].name: Duplicate value: \"http\"",
        ]
    );
    let v = json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {"name": "x"}, "endpoints": []});
    assert_eq!(errors(v), ["addressType: Required value"]);

    let v = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
        "data": {"..": "eA=="}, "stringData": {"a b": "x"}});
    assert_eq!(
        errors(v),
        [
            "data[..]: Invalid value: \"..\": must not be '..'",
            "data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
        ]
    );
}

/// TestValidateNetworkPolicy's error cases.
#[test]
fn network_policies() {
    let np = |spec: Value| json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "np"}, "spec": spec});
    assert_eq!(
        errors(np(json!({"podSelector": {"matchLabels": {"app": "db"}},
            "ingress": [{"from": [{"namespaceSelector": {}}, {"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]}}],
                "ports": [{"port": 5432}, {"port": "pg", "protocol": "TCP"}]}],
            "egress": [{"to": [{"podSelector": {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["db"]}]}}]}],
            "policyTypes": ["Ingress", "Egress"]}))),
        Vec::<String>::new()
    );
    assert_eq!(
        errors(np(json!({"podSelector": {},
            "ingress": [{"from": [{}, {"podSelector": {}, "ipBlock": {"cidr": "10.0.0.0/8"}},
                {"ipBlock": {"cidr": "10.0.0.0/33", "except": ["10.0.0.0/8"]}}, {"ipBlock": {"cidr": "10.0.0.0/16", "except": ["10.1.0.0/24"]}}],
                "ports": [{"port": 0, "protocol": "ICMP"}, {"port": "http", "endPort": 90}]}],
            "egress": [{"to": [{"podSelector": {"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["x"]}]}}]}],
            "policyTypes": ["Ingress", "Sideways"]}))),
        [
            "spec.ingress[0].ports[0].protocol: Unsupported value: \"ICMP\": supported values: \"TCP\", \"UDP\", \"SCTP\"",
            "spec.ingress[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
            "spec.ingress[0].ports[1].endPort: Invalid value: 90: may not be specified when `port` is non-numeric",
            "spec.ingress[0].from[0]: Required value: must specify a peer",
            "spec.ingress[0].from[1]: Forbidden: may not specify both ipBlock and another peer",
            "spec.ingress[0].from[2].ipBlock.cidr: Invalid value: \"10.0.0.0/33\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
            "spec.ingress[0].from[3].ipBlock.except[0]: Invalid value: \"10.1.0.0/24\": must be a strict subset of `cidr`",
            "spec.egress[0].to[0].podSelector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            "spec.policyTypes[1]: Unsupported value: \"Sideways\": supported values: \"Ingress\", \"Egress\"",
        ]
    );
}

/// ValidateSecret's rules for the built-in types, stringData counting as data.
#[test]
fn secret_types() {
    let secret = |t: &str, extra: Value| {
        let mut v =
            json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "type": t});
        for (k, x) in extra.as_object().unwrap() {
            v[k] = x.clone();
        }
        errors(v)
    };
    assert!(secret("Opaque", json!({})).is_empty());
    assert!(secret("example.com/mine", json!({})).is_empty());
    assert_eq!(
        secret("kubernetes.io/service-account-token", json!({})),
        ["metadata.annotations[kubernetes.io/service-account.name]: Required value"]
    );
    assert!(
        secret(
            "kubernetes.io/service-account-token",
            json!({"metadata": {"name": "s", "annotations": {"kubernetes.io/service-account.name": "default"}}})
        )
        .is_empty()
    );
    assert_eq!(
        secret("kubernetes.io/tls", json!({"stringData": {"tls.crt": "x"}})),
        ["data[tls.key]: Required value"]
    );
    assert!(
        secret(
            "kubernetes.io/tls",
            json!({"data": {"tls.crt": "eA==", "tls.key": "eA=="}})
        )
        .is_empty()
    );
    // The apiserver's path for basic-auth, as it prints it.
    assert_eq!(
        secret(
            "kubernetes.io/basic-auth",
            json!({"data": {"user": "eA=="}})
        ),
        [
            "data[%s][username]: Required value",
            "data[%s][password]: Required value"
        ]
    );
    assert!(
        secret(
            "kubernetes.io/basic-auth",
            json!({"stringData": {"password": ""}})
        )
        .is_empty()
    );
    assert_eq!(
        secret("kubernetes.io/dockerconfigjson", json!({})),
        ["data[.dockerconfigjson]: Required value"]
    );
    assert_eq!(
        secret(
            "kubernetes.io/dockerconfigjson",
            json!({"stringData": {".dockerconfigjson": "{\"auths\":"}})
        ),
        [
            "data[.dockerconfigjson]: Invalid value: \"<secret contents redacted>\": unexpected end of JSON input"
        ]
    );
    assert_eq!(
        secret(
            "kubernetes.io/dockerconfigjson",
            json!({"stringData": {".dockerconfigjson": "[]"}})
        ),
        [
            "data[.dockerconfigjson]: Invalid value: \"<secret contents redacted>\": json: cannot unmarshal array into Go value of type map[string]interface {}"
        ]
    );
    assert_eq!(
        secret(
            "kubernetes.io/dockerconfigjson",
            json!({"stringData": {".dockerconfigjson": "auths"}})
        ),
        [
            "data[.dockerconfigjson]: Invalid value: \"<secret contents redacted>\": invalid character 'a' looking for beginning of value"
        ]
    );
    assert!(
        secret(
            "kubernetes.io/dockerconfigjson",
            json!({"data": {".dockerconfigjson": "eyJhdXRocyI6e319"}})
        )
        .is_empty()
    );
    let big = "x".repeat(1024 * 1024 + 1);
    assert_eq!(
        secret("Opaque", json!({"stringData": {"a": big}})),
        ["data: Too long: must have at most 1048576 bytes"]
    );
}

/// validateEnvFrom: one source each, named, and a prefix that is a variable name.
#[test]
fn env_from() {
    let check = |from: Value| {
        errors(pod(
            json!({"containers": [{"name": "c", "image": "i", "envFrom": from}]}),
        ))
    };
    assert!(check(json!([{"configMapRef": {"name": "c"}, "prefix": "C_"}, {"secretRef": {"name": "s", "optional": true}}])).is_empty());
    assert_eq!(
        check(json!([{}])),
        [
            "spec.containers[0].envFrom: Invalid value: \"\": must specify one of: `configMapRef` or `secretRef`"
        ]
    );
    assert_eq!(
        check(json!([{"configMapRef": {"name": "c"}, "secretRef": {"name": "s"}}])),
        [
            "spec.containers[0].envFrom: Forbidden: may not have more than one field specified at a time"
        ]
    );
    assert_eq!(
        check(json!([{"secretRef": {"name": ""}, "prefix": "1x"}])),
        [
            "spec.containers[0].envFrom[0].prefix: Invalid value: \"1x\": a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')",
            "spec.containers[0].envFrom[0].secretRef.name: Required value",
        ]
    );
    assert_eq!(
        check(json!([{"configMapRef": {"name": "C"}}])),
        [format!(
            "spec.containers[0].envFrom[0].configMapRef.name: Invalid value: \"C\": {SUBDOMAIN}"
        )]
    );
}
