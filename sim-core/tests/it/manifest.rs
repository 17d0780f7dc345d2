//! Manifest files through `k8s::manifest::decode` with the real API types: the seeds'
//! manifests (copied verbatim into `tests/it/manifests/`: seed 002's dns-pod.yaml, seed
//! 003's pods and Service, seed 004's guestbook files and the `kubectl get -o json` objects
//! it printed) decode, and a seeded mutation run over them never panics and always places
//! its error inside the file.

use std::path::Path;
use std::time::{Duration, Instant};

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sim_core::k8s::manifest::{DecodeError, decode, decode_each};

fn fixtures() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/manifests");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/it/manifests exists")
        .map(|e| e.expect("readable entry").path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

#[test]
fn the_seeds_manifests_decode() {
    let mut seen = Vec::new();
    for (name, text) in fixtures() {
        let docs = decode(&name, &text).unwrap_or_else(|e| panic!("{e}"));
        let kinds: Vec<String> = docs.iter().map(|d| d.kind.clone()).collect();
        seen.push(format!("{name}: {}", kinds.join(",")));
    }
    assert_eq!(
        seen,
        [
            "002-dns-pod.yaml: Service,Pod,Pod",
            "003-pod-a.yaml: Pod",
            "003-pod-b.yaml: Pod",
            "003-svc-a.yaml: Service",
            "004-default-namespace.json: Namespace",
            "004-frontend-controller.yaml: ReplicationController",
            "004-frontend-endpoints.json: Endpoints",
            "004-frontend-pod.json: Pod",
            "004-frontend-rc.json: ReplicationController",
            "004-frontend-service.yaml: Service",
            "004-frontend-svc.json: Service",
            "004-redis-master-controller.yaml: ReplicationController",
            "004-redis-master-service.yaml: Service",
            "004-redis-slave-controller.yaml: ReplicationController",
            "004-redis-slave-pod.json: Pod",
            "004-redis-slave-rc.json: ReplicationController",
        ]
    );
}

/// What a server wrote into an object (`kubectl get -o json`) is accepted and named as not
/// simulated, each field once, where it is in the one-line JSON.
#[test]
fn server_written_fields_are_listed_as_unmodelled() {
    let text = fixtures()
        .into_iter()
        .find(|(n, _)| n == "004-frontend-rc.json")
        .unwrap()
        .1;
    let docs = decode("rc.json", &text).unwrap();
    let found: Vec<String> = docs[0]
        .unmodelled()
        .into_iter()
        .map(|(path, line, col)| format!("{path}@{line}:{col}"))
        .collect();
    assert!(
        found.contains(&"metadata.selfLink@1:103".to_string()),
        "{found:?}"
    );
    assert!(
        found.iter().any(|f| f.starts_with("metadata.uid@")),
        "{found:?}"
    );
    let mut unique = found.clone();
    unique.dedup();
    assert_eq!(unique, found);
}

/// Splices the mutator uses: YAML's punctuation and the values resolution treats specially.
const WORDS: &[&str] = &[
    ":",
    ": ",
    "- ",
    "-",
    "{",
    "}",
    "[",
    "]",
    ",",
    "'",
    "\"",
    "\\",
    "#",
    "\t",
    "\n",
    "  ",
    "---\n",
    "...\n",
    "--- x\n",
    "? ",
    "|",
    "|-",
    ">+",
    "&a ",
    "*a",
    "&b [*a, *a]",
    "<<: ",
    "<<: *a",
    "!!int ",
    "!!str ",
    "!!binary ",
    "!foo ",
    "~",
    "null",
    "yes",
    "on",
    "0x",
    "0o7",
    "08",
    "1e400",
    ".nan",
    "-.inf",
    "18446744073709551616",
    "9223372036854775808",
    "\u{feff}",
    "é",
    "\u{2028}",
    "apiVersion: v1\n",
    "kind: List\nitems:\n",
    "kind: ",
    "items: ",
    "metadata:",
    "spec:",
    "containers:",
    "ports:",
    "port: ",
    "targetPort: ",
    "name: ",
    "{\"a\": [1, {\"b\": null}]}",
    "\r\n",
    "%YAML 1.1\n",
];

fn mutate(rng: &mut ChaCha8Rng, text: &str) -> String {
    let mut s = text.to_string();
    for _ in 0..rng.random_range(1..4) {
        let bounds: Vec<usize> = s.char_indices().map(|(i, _)| i).chain([s.len()]).collect();
        let at = bounds[rng.random_range(0..bounds.len())];
        match rng.random_range(0..6) {
            0 => {
                let to = bounds[rng.random_range(0..bounds.len())];
                let (a, b) = if at <= to { (at, to) } else { (to, at) };
                let b = a + (b - a).min(40);
                let b = bounds.iter().copied().find(|&x| x >= b).unwrap_or(s.len());
                s.replace_range(a..b, "");
            }
            1..=3 => s.insert_str(at, WORDS[rng.random_range(0..WORDS.len())]),
            4 => {
                // Duplicate a line (duplicate keys, repeated items).
                let lines: Vec<&str> = s.split_inclusive('\n').collect();
                let i = rng.random_range(0..lines.len().max(1));
                if let Some(line) = lines.get(i) {
                    let line = line.to_string();
                    let pos: usize = lines[..i].iter().map(|l| l.len()).sum();
                    s.insert_str(pos, &line);
                }
            }
            _ => {
                // Re-indent a line.
                let lines: Vec<String> = s.split_inclusive('\n').map(str::to_string).collect();
                let i = rng.random_range(0..lines.len().max(1));
                let mut out = String::new();
                for (n, line) in lines.iter().enumerate() {
                    if n == i {
                        let shift = rng.random_range(0..6);
                        out.push_str(&" ".repeat(shift));
                        out.push_str(line.trim_start_matches(' '));
                    } else {
                        out.push_str(line);
                    }
                }
                s = out;
            }
        }
    }
    s
}

fn check_error(e: &DecodeError, text: &str) {
    let shown = e.to_string();
    assert!(!shown.contains('\n'), "one line: {shown:?}");
    assert!(
        shown.starts_with(&format!("m.yaml:{}:{}: ", e.line, e.col)),
        "{shown}"
    );
    let lines = text.split('\n').count().max(1);
    assert!(
        e.line >= 1 && e.line <= lines + 1,
        "line {} of {lines}: {shown}\n{text}",
        e.line
    );
    assert!(e.col >= 1, "{shown}");
    for classic in [false, true] {
        let line = e.kubectl("creating", classic);
        assert!(!line.is_empty(), "{shown}");
    }
    let _ = e.kubectl_unvalidated();
}

/// Thousands of mutated manifests: decoding never panics, every error is one line placed
/// in the file, every object's fields can be located and listed.
#[test]
fn mutated_manifests_never_panic() {
    let seeds: Vec<String> = fixtures().into_iter().map(|(_, t)| t).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(14);
    let start = Instant::now();
    let mut cases = 0;
    let mut errors = 0;
    while cases < 10_000 && start.elapsed() < Duration::from_secs(20) {
        let seed = &seeds[rng.random_range(0..seeds.len())];
        let text = mutate(&mut rng, seed);
        let result = std::panic::catch_unwind(|| {
            let mut errs = 0;
            for item in decode_each("m.yaml", &text) {
                match item {
                    Ok(doc) => {
                        let _ = doc.unmodelled();
                        let (line, col) = doc.locate("spec.containers[0].name");
                        assert!(line >= 1 && col >= 1);
                    }
                    Err(e) => {
                        check_error(&e, &text);
                        errs += 1;
                    }
                }
            }
            errs
        });
        match result {
            Ok(n) => errors += n,
            Err(_) => panic!("decode panicked on:\n{text}"),
        }
        cases += 1;
    }
    assert!(cases >= 200, "only {cases} cases ran");
    // The mutations do break things: most cases give errors.
    assert!(errors > cases / 4, "{errors} errors in {cases} cases");
}

/// The issue's own examples, with the real types: a misspelled field and a wrong type name
/// the file, line, column and path, and print what kubectl prints.
#[test]
fn misspelled_fields_and_wrong_types_with_the_real_types() {
    let web = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      contaners:
      - name: web
        image: nginx
";
    let e = decode("web.yaml", web).unwrap_err();
    assert_eq!(
        e.to_string(),
        "web.yaml:12:7: unknown field \"contaners\" (field spec.template.spec.contaners); \
         expected a field of PodSpec: did you mean \"containers\"?"
    );
    assert_eq!(
        e.kubectl("creating", false),
        "Error from server (BadRequest): error when creating \"web.yaml\": Deployment in version \
         \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \
         \"spec.template.spec.contaners\""
    );
    let svc = "apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: http
    targetPort: 8080
";
    let e = decode("svc.yaml", svc).unwrap_err();
    assert_eq!(
        e.to_string(),
        "svc.yaml:8:11: wrong type: string \"http\" (field spec.ports[0].port); expected an integer (int32)"
    );
    assert_eq!(
        e.kubectl("creating", false),
        "Error from server (BadRequest): error when creating \"svc.yaml\": Service in version \
         \"v1\" cannot be handled as a Service: json: cannot unmarshal string into Go struct \
         field ServicePort.spec.ports.port of type int32"
    );
    // A named targetPort is a string, as it should be.
    assert!(
        decode(
            "svc.yaml",
            &svc.replace("port: http", "port: 80")
                .replace("8080", "http")
        )
        .is_ok()
    );
}

/// Accepted-but-not-simulated fields of a real kind, each once with its position.
#[test]
fn unmodelled_fields_of_a_deployment() {
    let text = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx
        resources: {limits: {cpu: 500m}}
      - name: side
        image: busybox
        resources: {}
        securityContext: {runAsUser: 1000}
";
    let docs = decode("d.yaml", text).unwrap();
    assert_eq!(
        docs[0].unmodelled(),
        [
            (
                "spec.template.spec.containers[0].resources".to_string(),
                12,
                9
            ),
            (
                "spec.template.spec.containers[1].securityContext".to_string(),
                16,
                9
            ),
        ]
    );
}

/// A Secret's `data` value that is not base64: Go's message, placed at the value.
#[test]
fn a_secret_value_that_is_not_base64() {
    let text = "apiVersion: v1
kind: Secret
metadata: {name: db}
data:
  user: YWRtaW4=
  password: pass word
";
    let e = decode("db.yaml", text).unwrap_err();
    assert_eq!(
        e.to_string(),
        "db.yaml:6:13: illegal base64 data at input byte 4 (field data.password)"
    );
    assert_eq!(
        e.kubectl("creating", false),
        "Error from server (BadRequest): error when creating \"db.yaml\": Secret in version \
         \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 4"
    );
}
