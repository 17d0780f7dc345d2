//! decode against small strict serde types of our own (the real API types live in
//! `types/`; these have their shape and names, so positions, paths and kubectl's lines
//! are tested here whatever the real types become).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::*;

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Meta {
    name: Option<String>,
    namespace: Option<String>,
    labels: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Pod {
    api_version: String,
    kind: String,
    metadata: Meta,
    spec: PodSpec,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PodSpec {
    containers: Vec<Container>,
    hostname: Option<String>,
    subdomain: Option<String>,
    host_network: Option<bool>,
    restart_policy: Option<RestartPolicy>,
}

#[derive(Debug, Deserialize, PartialEq)]
enum RestartPolicy {
    Always,
    OnFailure,
    Never,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Container {
    name: String,
    image: Option<String>,
    command: Option<Vec<String>>,
    resources: Option<serde_json::Value>,
    ports: Option<Vec<ContainerPort>>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ContainerPort {
    container_port: i32,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Service {
    api_version: String,
    kind: String,
    metadata: Meta,
    spec: ServiceSpec,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ServiceSpec {
    selector: Option<BTreeMap<String, String>>,
    #[serde(rename = "clusterIP")]
    cluster_ip: Option<String>,
    #[serde(rename = "type")]
    type_: Option<String>,
    ports: Vec<ServicePort>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ServicePort {
    name: Option<String>,
    port: i32,
    target_port: Option<IntOrString>,
    node_port: Option<i32>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(untagged)]
enum IntOrString {
    Int(i32),
    Str(String),
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Deployment {
    api_version: String,
    kind: String,
    metadata: Meta,
    spec: DeploymentSpec,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DeploymentSpec {
    replicas: Option<i32>,
    selector: Option<serde_json::Value>,
    template: Template,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Template {
    metadata: Option<Meta>,
    spec: PodSpec,
}

#[derive(Debug, PartialEq)]
enum Obj {
    Pod(Pod),
    Service(Service),
    Deployment(Deployment),
    /// The RC of seed 004, read loosely (only its kind matters here).
    Rc(serde_json::Value),
}

fn from_value(api: &str, kind: &str, v: Value) -> Result<Obj, FromValueError> {
    fn de<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, FromValueError> {
        serde_path_to_error::deserialize(v).map_err(FromValueError::Serde)
    }
    match (api, kind) {
        ("v1", "Pod") => de(v).map(Obj::Pod),
        ("v1", "Service") => de(v).map(Obj::Service),
        ("apps/v1", "Deployment") => de(v).map(Obj::Deployment),
        ("v1", "ReplicationController") => Ok(Obj::Rc(v)),
        _ => Err(FromValueError::UnknownKind),
    }
}

fn docs(file: &str, text: &str) -> Vec<Result<Doc<Obj>, DecodeError>> {
    decode_with(file, text, from_value)
}

fn ok(text: &str) -> Vec<Doc<Obj>> {
    docs("f.yaml", text)
        .into_iter()
        .map(|d| d.unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

fn err(file: &str, text: &str) -> DecodeError {
    let all = docs(file, text);
    match all.into_iter().find_map(Result::err) {
        Some(e) => e,
        None => panic!("{text} decoded"),
    }
}

// ---------------------------------------------------------------------------------------
// The seeds' manifests, verbatim.

/// Seed 002's dns-pod.yaml (three objects).
const DNS_POD: &str = "apiVersion: v1
kind: Service
metadata:
  name: default-subdomain
spec:
  selector:
    app: busybox
  clusterIP: None
  ports:
  - port: 1234 
    targetPort: 1234
---
apiVersion: v1
kind: Pod
metadata:
  name: busybox1
  labels:
    app: busybox
spec:
  hostname: busybox-1
  subdomain: aaa
  containers:
  - name: busybox
    image: busybox
    command:
    - sleep
    - \"3600\"
---
apiVersion: v1
kind: Pod
metadata:
  name: busybox2
  labels:
    app: busybox
spec:
  hostname: busybox-2
  subdomain: bbb
  containers: 
  - name: busybox
    image: busybox
    command:
    - sleep
    - \"3600\"
";

/// Seed 003's pod-a.yaml.
const POD_A: &str = "apiVersion: v1
kind: Pod
metadata:
  name: pod-a
  labels:
    app: pod-a
spec:
  containers:
  - name: app
    image: busybox
    command: [\"sh\", \"-c\", \"while true; do echo 'A alive'; sleep 5; done\"]
";

/// Seed 003's svc-a.yaml.
const SVC_A: &str = "apiVersion: v1
kind: Service
metadata:
  name: svc-a
spec:
  selector:
    app: pod-a
  ports:
  - port: 80
    targetPort: 80
";

/// Seed 004's frontend-service.yaml.
const FRONTEND_SVC: &str = "apiVersion: v1
kind: Service
metadata:
  name: frontend
  labels:
    name: frontend
spec:
  type: NodePort
  ports:
  - port: 80
    nodePort: 30001
  selector:
    name: frontend
";

/// Seed 004's frontend-controller.yaml.
const FRONTEND_RC: &str = "apiVersion: v1
kind: ReplicationController
metadata:
  name: frontend
  labels:
    name: frontend
spec:
  replicas: 3
  selector:
    name: frontend
  template:
    metadata:
      labels:
        name: frontend
    spec:
      containers:
      - name: frontend
        image: kubeguide/guestbook-php-frontend
        env: 
        - name: GET_HOSTS_FROM
          value: env
        ports:
        - containerPort: 80 
";

#[test]
fn seed_manifests_decode() {
    let d = ok(DNS_POD);
    assert_eq!(d.len(), 3);
    assert_eq!(
        d.iter()
            .map(|d| (d.kind.as_str(), d.line))
            .collect::<Vec<_>>(),
        [("Service", 1), ("Pod", 13), ("Pod", 29)]
    );
    let Obj::Pod(p) = &d[1].manifest else {
        panic!()
    };
    // `- "3600"` stays a string; `sleep` too.
    assert_eq!(
        p.spec.containers[0].command.as_deref(),
        Some(&["sleep".to_string(), "3600".to_string()][..])
    );
    assert_eq!(d[2].locate("spec.containers[0].command[1]"), (43, 7));
    let Obj::Service(s) = &d[0].manifest else {
        panic!()
    };
    assert_eq!(s.spec.cluster_ip.as_deref(), Some("None"));
    assert_eq!(s.spec.ports[0].target_port, Some(IntOrString::Int(1234)));

    let Obj::Pod(p) = &ok(POD_A)[0].manifest else {
        panic!()
    };
    assert_eq!(
        p.spec.containers[0].command.as_ref().unwrap()[2],
        "while true; do echo 'A alive'; sleep 5; done"
    );
    assert_eq!(ok(SVC_A)[0].kind, "Service");
    let Obj::Service(s) = &ok(FRONTEND_SVC)[0].manifest else {
        panic!()
    };
    assert_eq!(s.spec.ports[0].node_port, Some(30001));
    assert_eq!(ok(FRONTEND_RC)[0].kind, "ReplicationController");
}

// ---------------------------------------------------------------------------------------
// Each error: position, path, the loader's line and kubectl's.

const WEB: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  template:
    spec:
      contaners:
      - name: web
";

#[test]
fn unknown_field() {
    let e = err("web.yaml", WEB);
    assert_eq!(e.kind, ErrorKind::UnknownField);
    assert_eq!((e.line, e.col), (9, 7));
    assert_eq!(e.path, "spec.template.spec.contaners");
    assert_eq!(
        e.to_string(),
        "web.yaml:9:7: unknown field \"contaners\" (field spec.template.spec.contaners); \
         expected a field of PodSpec: did you mean \"containers\"?"
    );
    assert_eq!(
        e.kubectl("creating", false),
        "Error from server (BadRequest): error when creating \"web.yaml\": Deployment in version \
         \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \
         \"spec.template.spec.contaners\""
    );
    assert_eq!(
        e.kubectl("creating", true),
        "error: error validating \"web.yaml\": error validating data: found invalid field \
         contaners for v1.PodSpec; if you choose to ignore these errors, turn validation off \
         with --validate=false"
    );
    // In a list item, the index is in the path (the apiserver's strict decoding prints it).
    let e = err(
        "p.yaml",
        &POD_A.replace("    image: busybox", "    imag: busybox"),
    );
    assert_eq!(
        (e.line, e.col, e.path.as_str()),
        (10, 5, "spec.containers[0].imag")
    );
    assert!(
        e.kubectl("creating", false)
            .ends_with("strict decoding error: unknown field \"spec.containers[0].imag\"")
    );
    assert!(
        e.kubectl("creating", true)
            .contains("found invalid field imag for v1.Container;")
    );
    assert!(e.to_string().contains("did you mean \"image\"?"), "{e}");
    // At the top of the object.
    let e = err("p.yaml", &format!("{POD_A}specs: {{}}\n"));
    assert_eq!((e.line, e.col, e.path.as_str()), (12, 1, "specs"));
    assert!(
        e.kubectl("creating", true)
            .contains("found invalid field specs for v1.Pod;")
    );
}

#[test]
fn wrong_type() {
    let text = SVC_A.replace("  - port: 80", "  - port: http");
    let e = err("svc.yaml", &text);
    assert_eq!(e.kind, ErrorKind::WrongType);
    // The value's position.
    assert_eq!((e.line, e.col), (9, 11));
    assert_eq!(e.path, "spec.ports[0].port");
    assert_eq!(
        e.to_string(),
        "svc.yaml:9:11: wrong type: string \"http\" (field spec.ports[0].port); expected an integer (int32)"
    );
    assert_eq!(
        e.kubectl("creating", false),
        "Error from server (BadRequest): error when creating \"svc.yaml\": Service in version \
         \"v1\" cannot be handled as a Service: json: cannot unmarshal string into Go struct \
         field ServicePort.spec.ports.port of type int32"
    );
    assert_eq!(
        e.kubectl("creating", true),
        "error: error validating \"svc.yaml\": error validating data: expected type int, for \
         field spec.ports[0].port, got string; if you choose to ignore these errors, turn \
         validation off with --validate=false"
    );
    // A YAML 1.1 boolean where a string goes: `image: yes`.
    let e = err("p.yaml", &POD_A.replace("image: busybox", "image: yes"));
    assert_eq!(
        (e.line, e.col, e.path.as_str()),
        (10, 12, "spec.containers[0].image")
    );
    assert!(e.kubectl("creating", false).ends_with(
        "json: cannot unmarshal bool into Go struct field Container.spec.containers.image of type string"
    ));
    assert!(
        e.kubectl("creating", true)
            .contains("expected type string, for field spec.containers[0].image, got bool")
    );
    // A number where a string goes passed kubectl 1.5's check and reached its apiserver,
    // which stopped at byte 186 of the JSON kubectl sent (keys sorted, compact).
    let e = err("p.yaml", &POD_A.replace("image: busybox", "image: 12"));
    assert_eq!(
        e.kubectl("creating", true),
        "Error from server (BadRequest): error when creating \"p.yaml\": Pod in version \"v1\" \
         cannot be handled as a Pod: [pos 186]: json: expect char '\"' but got char '1'"
    );
    // A map inside labels: kubectl 1.5 did not look into maps (seed 004's error).
    let e = err(
        "p.yaml",
        &POD_A.replace("    app: pod-a", "    app: {x: 1}"),
    );
    assert_eq!(e.path, "metadata.labels.app");
    assert_eq!((e.what(), e.expected()), ("wrong type: a map", "a string"));
    assert!(
        e.kubectl("creating", true)
            .ends_with("json: expect char '\"' but got char '{'"),
        "{}",
        e.kubectl("creating", true)
    );
    assert!(e.kubectl("creating", false).ends_with(
        "json: cannot unmarshal object into Go struct field ObjectMeta.metadata.labels of type string"
    ));
    // A list where a struct goes.
    let e = err(
        "p.yaml",
        &POD_A.replace("spec:\n  containers:", "spec: []\nx:\n  containers:"),
    );
    assert_eq!(e.path, "spec");
    assert!(e.kubectl("creating", true).contains(
        "field spec: expected object of type map[string]interface{}, but the actual type is []interface {}"
    ), "{}", e.kubectl("creating", true));
}

#[test]
fn invalid_value() {
    let e = err(
        "svc.yaml",
        &SVC_A.replace("port: 80\n", "port: 3000000000\n"),
    );
    assert_eq!(e.kind, ErrorKind::InvalidValue);
    assert_eq!(
        (e.line, e.col, e.path.as_str()),
        (9, 11, "spec.ports[0].port")
    );
    assert!(e.kubectl("creating", false).ends_with(
        "json: cannot unmarshal number 3000000000 into Go struct field ServicePort.spec.ports.port of type int32"
    ));
    let e = err(
        "p.yaml",
        &POD_A.replace("spec:\n", "spec:\n  restartPolicy: Sometimes\n"),
    );
    assert_eq!(e.kind, ErrorKind::InvalidValue);
    assert_eq!(
        (e.line, e.col, e.path.as_str()),
        (8, 18, "spec.restartPolicy")
    );
    assert_eq!(
        e.kubectl("creating", false),
        "The Pod \"pod-a\" is invalid: spec.restartPolicy: Unsupported value: \"Sometimes\": \
         supported values: \"Always\", \"OnFailure\", \"Never\""
    );
}

#[test]
fn missing_field() {
    let e = err(
        "p.yaml",
        &POD_A.replace("  - name: app\n    image", "  - image"),
    );
    assert_eq!(e.kind, ErrorKind::MissingField);
    // The enclosing map: the list item.
    assert_eq!((e.line, e.col), (9, 5));
    assert_eq!(e.path, "spec.containers[0].name");
    assert_eq!(
        e.to_string(),
        "p.yaml:9:5: missing field \"name\" (field spec.containers[0].name); expected \"name\" to be set"
    );
    assert_eq!(
        e.kubectl("creating", false),
        "The Pod \"pod-a\" is invalid: spec.containers[0].name: Required value"
    );
    // Missing at the top: the object's own position.
    let e = err("p.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n");
    assert_eq!((e.line, e.col, e.path.as_str()), (1, 1, "spec"));
}

#[test]
fn type_info() {
    let e = err("f.yaml", "metadata:\n  name: x\n");
    assert_eq!(e.kind, ErrorKind::TypeInfo);
    assert_eq!((e.line, e.col), (1, 1));
    assert_eq!(
        e.to_string(),
        "f.yaml:1:1: apiVersion and kind not set; expected a map with apiVersion (like \"v1\") and kind (like \"Pod\") strings"
    );
    assert_eq!(
        e.kubectl("creating", false),
        "error: error validating \"f.yaml\": error validating data: [apiVersion not set, kind \
         not set]; if you choose to ignore these errors, turn validation off with --validate=false"
    );
    assert_eq!(
        e.kubectl("creating", true),
        "error: error validating \"f.yaml\": error validating data: apiVersion not set; if you \
         choose to ignore these errors, turn validation off with --validate=false"
    );
    assert_eq!(
        e.kubectl_unvalidated(),
        Some(
            "error: unable to decode \"f.yaml\": Object 'Kind' is missing in '{\"metadata\":{\"name\":\"x\"}}'"
        )
    );
    let e = err("f.yaml", "apiVersion: v1\nkind: 5\n");
    assert_eq!((e.line, e.col), (2, 7));
    assert!(
        e.kubectl("creating", false)
            .contains("data: kind isn't string type;")
    );
    let e = err("f.yaml", "kind: Pod\n");
    assert_eq!(
        e.kubectl_unvalidated(),
        Some(
            "error: unable to decode \"f.yaml\": Object 'apiVersion' is missing in '{\"kind\":\"Pod\"}'"
        )
    );
    let e = err("f.yaml", "- a\n- b\n");
    assert_eq!(e.kind, ErrorKind::NotAnObject);
    assert!(
        e.kubectl("creating", false)
            .contains("error validating data: invalid object to validate;")
    );
}

#[test]
fn unknown_kind() {
    let e = err(
        "web.yaml",
        &WEB.replace("kind: Deployment", "kind: Deploymnt"),
    );
    assert_eq!(e.kind, ErrorKind::UnknownKind);
    assert_eq!((e.line, e.col, e.path.as_str()), (2, 7, "kind"));
    assert_eq!(
        e.kubectl("creating", false),
        "error: resource mapping not found for name: \"web\" namespace: \"\" from \"web.yaml\": \
         no matches for kind \"Deploymnt\" in version \"apps/v1\"\nensure CRDs are installed first"
    );
    assert_eq!(
        e.kubectl("creating", true),
        "error: unable to recognize \"web.yaml\": no matches for apps/, Kind=Deploymnt"
    );
}

#[test]
fn yaml_errors_in_kubectls_words() {
    // A syntax error in the second document: kubectl counts from that document's start.
    let text = format!("{SVC_A}---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: a: b\n");
    let e = err("two.yaml", &text);
    assert_eq!(e.kind, ErrorKind::Syntax);
    assert_eq!((e.line, e.col), (15, 10));
    assert_eq!(
        e.to_string(),
        "two.yaml:15:10: invalid YAML: mapping values are not allowed in this context"
    );
    assert_eq!(
        e.kubectl("creating", false),
        "error: error parsing two.yaml: error converting YAML to JSON: yaml: line 4: mapping \
         values are not allowed in this context"
    );
    // The first document was read.
    let all = docs("two.yaml", &text);
    assert!(all[0].is_ok() && all[1].is_err());

    let e = err(
        "d.yaml",
        &POD_A.replace("  name: pod-a\n", "  name: pod-a\n  name: pod-b\n"),
    );
    assert_eq!(e.kind, ErrorKind::DuplicateKey);
    assert_eq!((e.line, e.col, e.path.as_str()), (5, 3, "metadata.name"));
    assert_eq!(
        e.to_string(),
        "d.yaml:5:3: key \"name\" is written twice in this map (first at line 4) (field metadata.name); expected each key once in a map"
    );
    assert_eq!(
        e.kubectl("creating", false),
        "error: error parsing d.yaml: error converting YAML to JSON: yaml: unmarshal errors:\n  line 5: key \"name\" already set in map"
    );
}

#[test]
fn empty_documents_are_skipped_and_lists_flattened() {
    let text = format!(
        "---\n# only a comment\n---\n{SVC_A}---\n\n---\n~\n---\napiVersion: v1\nkind: List\nitems:\n- {}\n- apiVersion: v1\n  kind: List\n  items:\n  - {}\n",
        POD_A.replace('\n', "\n  ").trim_end(),
        FRONTEND_SVC.replace('\n', "\n    ").trim_end(),
    );
    let d = ok(&text);
    assert_eq!(
        d.iter()
            .map(|d| (d.kind.as_str(), d.line, d.col))
            .collect::<Vec<_>>(),
        [("Service", 4, 1), ("Pod", 22, 3), ("Service", 36, 5)]
    );
    // Positions inside an item are exact, and paths are the item's own.
    assert_eq!(d[1].locate("spec.containers[0].image"), (31, 7));
    assert_eq!(d[2].locate("spec.ports[0].nodePort"), (46, 9));
    // An error in an item points into it, with the item's path.
    let bad = text.replace("nodePort: 30001", "nodePort: x");
    let e = err("l.yaml", &bad);
    assert_eq!(
        (e.line, e.col, e.path.as_str()),
        (46, 19, "spec.ports[0].nodePort")
    );
    let e = err(
        "l.yaml",
        "apiVersion: v1\nkind: List\nitems:\n- kind: Pod\n",
    );
    assert!(
        e.kubectl("creating", true)
            .contains("data: items[0].apiVersion not set;")
    );
    assert_eq!((e.line, e.col), (4, 3));
}

#[test]
fn json_manifests() {
    let text = r#"{
  "apiVersion": "v1",
  "kind": "Service",
  "metadata": {"name": "j"},
  "spec": {"ports": [{"port": 80, "targetPort": "http"}]}
}
{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "k"},
 "spec": {"ports": [{"port": 8.0}]}}
"#;
    let all = docs("s.json", text);
    let d = all[0].as_ref().unwrap();
    let Obj::Service(s) = &d.manifest else {
        panic!()
    };
    assert_eq!(
        s.spec.ports[0].target_port,
        Some(IntOrString::Str("http".into()))
    );
    assert_eq!(d.locate("spec.ports[0].targetPort"), (5, 35));
    // In JSON, 8.0 is a float: the apiserver refuses it for an int32, and so do we.
    let e = all[1].as_ref().unwrap_err();
    assert_eq!(
        (e.line, e.col, e.path.as_str()),
        (8, 30, "spec.ports[0].port")
    );
    assert!(
        e.kubectl("creating", false)
            .contains("cannot unmarshal number 8.0 into Go struct field"),
        "{}",
        e.kubectl("creating", false)
    );
}

#[test]
fn unmodelled_fields_are_listed_once_in_order() {
    let text = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
      - name: a
        resources: {limits: {cpu: 1}}
      - name: b
        resources: {}
      - name: c
        resources: {requests: {memory: 1Gi}}
";
    let d = &ok(text)[0];
    // `resources: {}` asks for nothing: not listed.
    let found = d.unmodelled_in([
        "spec.template.spec.containers[].resources",
        "spec.template.spec.volumes",
        "spec.selector",
    ]);
    assert_eq!(
        found,
        [
            (
                "spec.template.spec.containers[0].resources".to_string(),
                9,
                9
            ),
            (
                "spec.template.spec.containers[2].resources".to_string(),
                13,
                9
            ),
        ]
    );
}

#[test]
fn locate_nearest_written_ancestor() {
    let d = &ok(WEB.replace("contaners", "containers").as_str())[0];
    assert_eq!(d.locate("spec.template.spec.containers[0].name"), (10, 9));
    assert_eq!(d.locate("spec.template.spec.containers[0].image"), (10, 9));
    assert_eq!(d.locate("spec.template.metadata.labels"), (7, 3));
    assert_eq!(d.locate(""), (1, 1));
    assert_eq!(d.locate("."), (1, 1));
}

/// A 10,000-object file decodes quickly (no per-error or per-path rescans), even in a
/// debug build.
#[test]
fn ten_thousand_objects() {
    let mut text = String::new();
    for i in 0..10_000 {
        text.push_str(
            &DNS_POD
                .split("---\n")
                .nth(1)
                .unwrap()
                .replace("busybox1", &format!("p{i}")),
        );
        text.push_str("---\n");
    }
    let d = ok(&text);
    assert_eq!(d.len(), 10_000);
    assert_eq!(d[9_999].line, 9_999 * 16 + 1);
}

/// A field newer than the release, as each release's kubectl reports it: 1.5's swagger
/// validation names the Go type that lacks it; a later apiserver's strict decoding names
/// the path. The loader's words say which release brought it.
#[test]
fn a_field_newer_than_the_release_in_kubectls_words() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: busybox\n    startupProbe: {tcpSocket: {port: 80}}\n";
    let docs = crate::k8s::manifest::decode("p.yaml", text).unwrap();
    let e = docs[0].too_new("p.yaml", 5).expect("unknown in 1.5");
    assert_eq!(
        (e.line, e.col, e.path.as_str()),
        (8, 5, "spec.containers[0].startupProbe")
    );
    assert_eq!(
        e.what(),
        "unknown field \"startupProbe\" in Kubernetes 1.5 (the field came in 1.16)"
    );
    assert_eq!(
        e.kubectl("creating", true),
        "error: error validating \"p.yaml\": error validating data: found invalid field startupProbe for v1.Container; if you choose to ignore these errors, turn validation off with --validate=false"
    );
    assert_eq!(
        e.kubectl("creating", false),
        "Error from server (BadRequest): error when creating \"p.yaml\": Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.containers[0].startupProbe\""
    );
    assert!(docs[0].too_new("p.yaml", 16).is_none());
}
