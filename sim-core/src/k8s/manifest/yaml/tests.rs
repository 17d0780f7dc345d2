//! The reader against what kubectl (sigs.k8s.io/yaml over go-yaml v2) makes of the same
//! text. Each expected value is the JSON kubectl would send.

use super::*;
use serde_json::json;

/// The one document of `text`, as JSON.
fn one(text: &str) -> Value {
    let docs = read(text);
    assert_eq!(docs.len(), 1, "{text:?} gave {docs:?}");
    docs.into_iter().next().unwrap().unwrap().value
}

/// The error of the one document of `text`.
fn fails(text: &str) -> YamlError {
    let docs = read(text);
    assert_eq!(docs.len(), 1, "{text:?} gave {docs:?}");
    docs.into_iter().next().unwrap().unwrap_err()
}

fn scalar(text: &str) -> Value {
    one(&format!("v: {text}\n"))["v"].clone()
}

#[test]
fn plain_scalars_resolve_as_go_yaml_v2() {
    // Booleans: YAML 1.1's words in their three cases, and y/n.
    for t in [
        "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y",
    ] {
        assert_eq!(scalar(t), json!(true), "{t}");
    }
    for f in [
        "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N",
    ] {
        assert_eq!(scalar(f), json!(false), "{f}");
    }
    // Other cases are strings.
    for s in ["tRUE", "yES", "oN", "nO", "Nope", "nan", "inf", "NULL!"] {
        assert_eq!(scalar(s), json!(s), "{s}");
    }
    for n in ["null", "Null", "NULL", "~", ""] {
        assert_eq!(scalar(n), Value::Null, "{n:?}");
    }
    // Integers: decimal, sign, underscores, hex, octal (0o and leading 0), binary.
    let ints = [
        ("80", 80i64),
        ("-3", -3),
        ("+12", 12),
        ("1_000", 1000),
        ("0x1F", 31),
        ("0X1f", 31),
        ("0o17", 15),
        ("017", 15),
        ("0b101", 5),
        ("-0x10", -16),
        ("0", 0),
    ];
    for (t, v) in ints {
        assert_eq!(scalar(t), json!(v), "{t}");
    }
    // Past int64: uint64, then a float.
    assert_eq!(
        scalar("18446744073709551615"),
        json!(18446744073709551615u64)
    );
    // Not an octal: `08` and `09` are floats (8, 9) by go-yaml's float pattern, which
    // json.Marshal writes without a point, so they arrive as integers.
    assert_eq!(scalar("08"), json!(8));
    assert_eq!(scalar("1e3"), json!(1000));
    assert_eq!(scalar("80.0"), json!(80));
    assert_eq!(scalar("1.5"), json!(1.5));
    assert_eq!(scalar(".5"), json!(0.5));
    assert_eq!(scalar("-.5"), json!(-0.5));
    assert_eq!(scalar("1."), json!(1));
    // Strings that look numeric to the eye.
    for s in [
        "1.2.3",
        "0x",
        "0b2",
        "1e",
        "10.0.0.1",
        "1e400",
        "+",
        "_1",
        "12:30",
        "2001-12-14",
        "1_000.5.1",
    ] {
        assert_eq!(scalar(s), json!(s), "{s}");
    }
}

#[test]
fn quoted_and_block_scalars_are_strings() {
    assert_eq!(scalar("\"80\""), json!("80"));
    assert_eq!(scalar("'true'"), json!("true"));
    assert_eq!(scalar("\"\""), json!(""));
    assert_eq!(scalar("'~'"), json!("~"));
    assert_eq!(scalar("\"\\x41\\u00e9\\n\""), json!("Aé\n"));
    let v = one(
        "lit: |\n  a\n  b\n\nkeep: |+\n  x\n\nstrip: |-\n  y\n\nfold: >\n  one\n  two\n\n  three\nnum: |\n  80\n",
    );
    assert_eq!(v["lit"], json!("a\nb\n"));
    assert_eq!(v["keep"], json!("x\n\n"));
    assert_eq!(v["strip"], json!("y"));
    assert_eq!(v["fold"], json!("one two\nthree\n"));
    assert_eq!(v["num"], json!("80\n"));
}

#[test]
fn special_floats_are_refused_by_json() {
    for (t, word) in [
        (".inf", "+Inf"),
        ("-.Inf", "-Inf"),
        (".NaN", "NaN"),
        ("+.INF", "+Inf"),
    ] {
        let e = fails(&format!("a: 1\nv: {t}\n"));
        assert_eq!(
            e.kind,
            YamlErrorKind::Refused(format!("json: unsupported value: {word}"))
        );
        assert_eq!((e.pos.line, e.pos.col), (2, 4), "{t}");
        assert_eq!(e.path, "v");
    }
}

#[test]
fn tags_resolve_or_refuse_as_go_yaml_v2() {
    assert_eq!(scalar("!!str 80"), json!("80"));
    assert_eq!(scalar("!!int \"80\""), json!(80));
    assert_eq!(scalar("!!float 1"), json!(1));
    assert_eq!(scalar("!!bool \"yes\""), json!(true));
    assert_eq!(scalar("!!null ''"), Value::Null);
    assert_eq!(scalar("!!binary aGVsbG8="), json!("hello"));
    assert_eq!(scalar("!!timestamp 2001-12-14"), json!("2001-12-14"));
    // Tags go-yaml does not resolve leave the text as it is.
    assert_eq!(scalar("!foo 80"), json!("80"));
    assert_eq!(scalar("! yes"), json!("yes"));
    let e = fails("v: !!int abc\n");
    assert_eq!(
        e.kind,
        YamlErrorKind::Refused("yaml: cannot decode !!str `abc` as a !!int".into())
    );
    let e = fails("v: !!int 1.5\n");
    assert_eq!(
        e.kind,
        YamlErrorKind::Refused("yaml: cannot decode !!float `1.5` as a !!int".into())
    );
    let e = fails("v: !!binary '%%'\n");
    assert_eq!(
        e.kind,
        YamlErrorKind::Refused("yaml: !!binary value contains invalid base64 data".into())
    );
}

#[test]
fn keys_become_strings_as_sigs_yaml_makes_them() {
    let v = one("1: a\n0x10: b\n1.5: c\nyes: e\n.inf: f\n\"q\": g\n100000000.0: h\n");
    assert_eq!(
        v,
        json!({"1": "a", "16": "b", "1.5": "c", "true": "e", ".inf": "f", "q": "g", "1e+08": "h"})
    );
}

#[test]
fn keys_kubectl_refuses() {
    let e = fails("a:\n  ~: x\n");
    assert!(
        matches!(&e.kind, YamlErrorKind::BadKey { what, kubectl }
        if what == "null" && kubectl == "Unsupported map key of type: %!s(<nil>), key: <nil>, value: \"x\""),
        "{e:?}"
    );
    assert_eq!((e.pos.line, e.pos.col, e.path.as_str()), (2, 3, "a"));
    let e = fails("? [a, b]\n: x\n");
    assert!(
        matches!(&e.kind, YamlErrorKind::BadKey { kubectl, .. } if kubectl.starts_with("yaml: invalid map key"))
    );
    let e = fails("18446744073709551615: x\n");
    assert!(
        matches!(&e.kind, YamlErrorKind::BadKey { kubectl, .. } if kubectl.starts_with("Unsupported map key of type: uint64"))
    );
}

#[test]
fn duplicate_keys_are_errors_with_go_yamls_words() {
    let text = "metadata:\n  name: a\n  labels: {}\n  name: b\n";
    let e = fails(text);
    assert_eq!(
        e.kind,
        YamlErrorKind::DuplicateKey {
            key: "\"name\"".into(),
            first: Pos { line: 2, col: 3 },
            value_line: 4
        }
    );
    assert_eq!((e.pos.line, e.pos.col), (4, 3));
    assert_eq!(e.path, "metadata.name");
    assert_eq!(
        e.kind.kubectl(e.pos.line, e.chunk_line),
        "yaml: unmarshal errors:\n  line 4: key \"name\" already set in map"
    );
    // Keys that become the same string are the same key in JSON.
    let e = fails("1: a\n\"1\": b\n");
    assert!(matches!(e.kind, YamlErrorKind::DuplicateKey { .. }));
    // In flow maps and JSON too.
    assert!(matches!(
        fails("{a: 1, a: 2}").kind,
        YamlErrorKind::DuplicateKey { .. }
    ));
    assert!(matches!(
        fails("{\"a\": 1, \"a\": 2}").kind,
        YamlErrorKind::DuplicateKey { .. }
    ));
}

#[test]
fn anchors_aliases_and_merge_keys() {
    let text = "\
base: &base
  image: busybox
  command: [sleep, '3600']
extra: &extra {tty: true, image: other}
a:
  <<: *base
  name: a
b:
  <<: [*extra, *base]
  name: b
c:
  name: c
  <<: *base
  image: mine
copy: *base
";
    let v = one(text);
    assert_eq!(
        v["a"],
        json!({"image": "busybox", "command": ["sleep", "3600"], "name": "a"})
    );
    // Earlier sources win over later ones.
    assert_eq!(
        v["b"],
        json!({"image": "other", "tty": true, "command": ["sleep", "3600"], "name": "b"})
    );
    // The map's own keys win wherever `<<` is.
    assert_eq!(v["c"]["image"], json!("mine"));
    assert_eq!(v["copy"], v["base"]);
    // A merged key is not a duplicate of the map's own.
    let docs = read(text);
    let doc = docs[0].as_ref().unwrap();
    // Positions: a merged entry is where it was written (in the anchor); an alias value is
    // where the alias is.
    let p = &doc.positions;
    assert_eq!(p.key_of(&p.parse_path("a.image")), Pos { line: 2, col: 3 });
    assert_eq!(p.key_of(&p.parse_path("a.name")), Pos { line: 7, col: 3 });
    assert_eq!(p.value_of(&p.parse_path("copy")), Pos { line: 15, col: 7 });
    assert_eq!(
        p.key_of(&p.parse_path("copy.command[1]")),
        Pos { line: 3, col: 20 }
    );

    let e = fails("a: &x 1\nb:\n  <<: *x\n");
    assert_eq!(
        e.kind,
        YamlErrorKind::Refused(
            "yaml: map merge requires map or sequence of maps as the value".into()
        )
    );
    assert_eq!((e.pos.line, e.pos.col), (3, 7));
    let e = fails("a: &x\n  b: *x\n");
    assert_eq!(
        e.kind,
        YamlErrorKind::Refused("yaml: anchor 'x' value contains itself".into())
    );
    assert!(matches!(fails("a: *nope\n").kind, YamlErrorKind::Syntax(_)));
}

#[test]
fn alias_bombs_are_refused() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..9 {
        let p = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let e = fails(&text);
    assert_eq!(
        e.kind,
        YamlErrorKind::Refused("yaml: document contains excessive aliasing".into())
    );
}

#[test]
fn syntax_errors_carry_line_and_column() {
    let e = fails("apiVersion: v1\nkind: Pod\nmetadata:\n  name: a: b\n");
    assert_eq!(
        e.kind,
        YamlErrorKind::Syntax("mapping values are not allowed in this context".into())
    );
    assert_eq!((e.pos.line, e.pos.col), (4, 10));
    assert_eq!(
        e.kind.kubectl(e.pos.line, e.chunk_line),
        "yaml: line 4: mapping values are not allowed in this context"
    );
    let e = fails("a:\n  - b\n c: d\n");
    assert_eq!((e.pos.line, e.pos.col), (3, 2));
    assert_eq!(
        e.kind.kubectl(e.pos.line, e.chunk_line),
        "yaml: line 3: did not find expected key"
    );
    let e = fails("a:\n\tb: 1\n");
    assert!(matches!(e.kind, YamlErrorKind::Syntax(_)));
    assert_eq!(e.pos.line, 2);
}

#[test]
fn documents_are_cut_at_separator_lines_as_kubectl_cuts_them() {
    let text = "\
# leading comment
---
a: 1
---
---   # a comment
b: [1,
---
c: 3
...
d: ignored
---
";
    let docs = read(text);
    assert_eq!(docs.len(), 4, "{docs:?}");
    // The comment before the first `---` is a document of its own: empty (kubectl skips
    // it); the `---` ending it is dropped.
    assert_eq!(docs[0].as_ref().unwrap().value, Value::Null);
    assert_eq!(docs[1].as_ref().unwrap().value, json!({"a": 1}));
    assert_eq!(
        docs[1].as_ref().unwrap().positions.root(),
        Pos { line: 3, col: 1 }
    );
    // A `---` with nothing gathered yet starts the next document; a syntax error there
    // does not stop the next from being read, and kubectl counts its line from the
    // document's first line.
    let e = docs[2].as_ref().unwrap_err();
    assert_eq!((e.chunk_line, e.pos.line), (5, 7));
    assert!(
        e.kind
            .kubectl(e.pos.line, e.chunk_line)
            .starts_with("yaml: line 3: "),
        "{e:?}"
    );
    // `...` ends the YAML document: go-yaml v2 reads the first one only.
    assert_eq!(docs[3].as_ref().unwrap().value, json!({"c": 3}));
    assert_eq!(
        docs[3].as_ref().unwrap().positions.root(),
        Pos { line: 8, col: 1 }
    );

    let docs = read("a: 1\n--- b\n");
    assert_eq!(docs.len(), 2);
    assert_eq!(
        docs[1].as_ref().unwrap_err().kind,
        YamlErrorKind::Separator("b".into())
    );
}

#[test]
fn a_bom_comments_and_crlf() {
    let v = one("\u{feff}# c\r\napiVersion: v1 # trailing\r\nkind: Pod\r\n");
    assert_eq!(v, json!({"apiVersion": "v1", "kind": "Pod"}));
    let docs = read("\u{feff}a: 1\r\n---\r\nb: 2\r\n");
    assert_eq!(docs.len(), 2);
    assert_eq!(
        docs[1].as_ref().unwrap().positions.root(),
        Pos { line: 3, col: 1 }
    );
}

#[test]
fn json_input_is_a_stream_of_objects() {
    let text = "{\n\t\"apiVersion\": \"v1\",\n\t\"kind\": \"Pod\",\n\t\"spec\": {\"x\": [1, 2.0, true, null, \"}\"]}\n}\n{\"kind\": \"B\"}";
    let docs = read(text);
    assert_eq!(docs.len(), 2);
    let d = docs[0].as_ref().unwrap();
    // JSON numbers keep their float-ness: `2.0` is not an integer to the apiserver.
    assert_eq!(d.value["spec"]["x"], json!([1, 2.0, true, null, "}"]));
    assert!(d.value["spec"]["x"][1].is_f64());
    assert_eq!(
        d.positions.key_of(&d.positions.parse_path("spec.x[2]")),
        Pos { line: 4, col: 25 }
    );
    assert_eq!(docs[1].as_ref().unwrap().value, json!({"kind": "B"}));
    assert_eq!(
        docs[1].as_ref().unwrap().positions.root(),
        Pos { line: 6, col: 1 }
    );
}

#[test]
fn flow_collections_and_positions() {
    let text = "\
apiVersion: v1
kind: Service
metadata: {name: web, labels: {app.kubernetes.io/name: web}}
spec:
  ports:
  - port: 80
    targetPort: http
  - {port: 443, targetPort: 8443}
";
    let docs = read(text);
    let d = docs[0].as_ref().unwrap();
    let p = &d.positions;
    let at = |path: &str| {
        let pos = p.key_of(&p.parse_path(path));
        (pos.line, pos.col)
    };
    assert_eq!(at("."), (1, 1));
    assert_eq!(at("metadata.name"), (3, 12));
    assert_eq!(at("metadata.labels.app.kubernetes.io/name"), (3, 32));
    // A list item is where its value starts (a block map: its first key).
    assert_eq!(at("spec.ports[0]"), (6, 5));
    assert_eq!(at("spec.ports[0].targetPort"), (7, 5));
    assert_eq!(at("spec.ports[1].targetPort"), (8, 17));
    // Missing paths give the nearest written ancestor.
    assert_eq!(at("spec.ports[1].nodePort"), (8, 5));
    assert_eq!(at("spec.ports[7].name"), (5, 3));
    assert_eq!(at("status.loadBalancer"), (1, 1));
    let v = p.value_of(&p.parse_path("spec.ports[0].targetPort"));
    assert_eq!((v.line, v.col), (7, 17));

    let mut walked = Vec::new();
    p.walk(|path, pos, _| walked.push(format!("{path}@{}:{}", pos.line, pos.col)));
    assert_eq!(
        walked,
        [
            "apiVersion@1:1",
            "kind@2:1",
            "metadata@3:1",
            "metadata.name@3:12",
            "metadata.labels@3:23",
            "metadata.labels.app.kubernetes.io/name@3:32",
            "spec@4:1",
            "spec.ports@5:3",
            "spec.ports[0]@6:5",
            "spec.ports[0].port@6:5",
            "spec.ports[0].targetPort@7:5",
            "spec.ports[1]@8:5",
            "spec.ports[1].port@8:6",
            "spec.ports[1].targetPort@8:17",
        ]
    );
}

#[test]
fn nesting_too_deep_is_an_error_not_a_crash() {
    let mut text = String::new();
    for i in 0..(MAX_DEPTH + 5) {
        text.push_str(&" ".repeat(i));
        text.push_str("k:\n");
    }
    assert_eq!(fails(&text).kind, YamlErrorKind::TooDeep);
    let flow = format!("a: {}{}", "[".repeat(300), "]".repeat(300));
    assert!(read(&flow)[0].is_err());
}

#[test]
fn go_float_formatting() {
    assert_eq!(go_format_float(1.5, 32), "1.5");
    assert_eq!(go_format_float(100000.0, 32), "100000");
    assert_eq!(go_format_float(1e6, 32), "1e+06");
    assert_eq!(go_format_float(0.0001, 64), "0.0001");
    assert_eq!(go_format_float(0.00001, 64), "1e-05");
    assert_eq!(go_format_float(0.1, 32), "0.1");
    assert_eq!(go_format_float(-2.5e-7, 64), "-2.5e-07");
    assert_eq!(go_format_float(f64::INFINITY, 64), "+Inf");
}
