//! Manifest files to API objects, strictly, with every error placed.
//!
//! [`decode`] reads every document of a file ([`super::yaml`]), skips the empty ones (as
//! kubectl does), flattens `kind: List` (and any `...List` with `items`, nested ones too,
//! as kubectl's `FlattenListVisitor` does), and turns each object into its API type
//! through [`types::from_value`]. Every error is a [`DecodeError`]: the file, the line and
//! column of the offending key or value, the field path, what is wrong and what was
//! expected; it also knows the line kubectl prints for it in either era
//! ([`DecodeError::kubectl`]).
//!
//! Where an error points:
//! - an unknown field: its key;
//! - a value of the wrong type or an invalid value: the value;
//! - a missing field: the key of the map it is missing from;
//! - a YAML error: where the parser stopped, or the offending key.

use std::fmt;

use serde_json::Value;

use super::gotypes::{self, GoTy, Swagger};
use super::types::{self, FromValueError, Manifest};
use super::yaml::{self, Pos, Positions, Seg, YamlError, YamlErrorKind, go_quote};

/// One object of a manifest file, decoded.
#[derive(Clone, Debug)]
pub struct Doc<M = Manifest> {
    pub manifest: M,
    pub api_version: String,
    pub kind: String,
    /// Where the object starts (its first key, or its `{`).
    pub line: usize,
    pub col: usize,
    /// Where each of its fields was written.
    pub positions: Positions,
}

impl<M> Doc<M> {
    /// Where the field at `path` (`spec.containers[0].image`) was written: its key, or
    /// for a list item where its value starts. A path the object does not have gives its
    /// nearest written ancestor (at worst the object itself).
    pub fn locate(&self, path: &str) -> (usize, usize) {
        let segs = self.positions.parse_path(path);
        let pos = self.positions.key_of(&segs);
        (pos.line, pos.col)
    }

    /// The fields of this object the simulator accepts but does not simulate
    /// ([`types::UNMODELLED`]'s patterns for its kind), each concrete path once, in the
    /// order written, with where its key is: what the loader warns about. A field whose
    /// value asks for nothing (null, `{}`, `[]`, `""`: `kubectl get -o yaml` writes
    /// `resources: {}`) is not listed, as [`types::unmodelled_fields`] does not count it.

    /// The paths present (with a value that is not empty) in this object that match one of
    /// `patterns` (`[]` standing for any list index:
    /// `spec.template.spec.containers[].resources`), each once, in the order written, with
    /// where their keys are.
    pub fn unmodelled_in<'p>(
        &self,
        patterns: impl IntoIterator<Item = &'p str>,
    ) -> Vec<(String, usize, usize)> {
        let patterns: Vec<&str> = patterns.into_iter().collect();
        let mut found = Vec::new();
        if patterns.is_empty() {
            return found;
        }
        let mut shape = String::new();
        self.positions.walk(|path, pos, empty| {
            if empty {
                return;
            }
            index_free(path, &mut shape);
            if patterns.contains(&shape.as_str()) {
                found.push((path.to_string(), pos.line, pos.col));
            }
        });
        // Keys merged in with `<<` are visited after the map's own: put them in place.
        found.sort_by_key(|(_, line, col)| (*line, *col));
        found
    }
}

/// `path` with every list index written `[]`.
fn index_free(path: &str, out: &mut String) {
    out.clear();
    let mut rest = path;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        match rest[open..].find(']') {
            Some(close)
                if rest[open + 1..open + close]
                    .bytes()
                    .all(|b| b.is_ascii_digit()) =>
            {
                out.push_str("[]");
                rest = &rest[open + close + 1..];
            }
            _ => {
                out.push('[');
                rest = &rest[open + 1..];
            }
        }
    }
    out.push_str(rest);
}

/// Why a manifest file could not be read.
#[derive(Clone, Debug, PartialEq)]
pub struct DecodeError {
    pub file: String,
    pub line: usize,
    pub col: usize,
    /// The field path in serde_path_to_error's form (`spec.template.spec.contaners`);
    /// empty when the error is not in a field. For an item of a `kind: List`, the path in
    /// the item, as the apiserver (which sees the item alone) reports it.
    pub path: String,
    pub kind: ErrorKind,
    lines: Box<Lines>,
}

/// What a [`DecodeError`] says, in the loader's words and in kubectl's.
#[derive(Clone, Debug, PartialEq)]
struct Lines {
    /// What is wrong.
    what: String,
    /// What was expected instead (may be empty).
    expected: String,
    modern: Kubectl,
    classic: Kubectl,
    /// What kubectl prints with `--validate=false`, where that differs.
    unvalidated: Option<String>,
}

/// What kind of mistake a [`DecodeError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Not YAML (or JSON) at all.
    Syntax,
    /// A key written twice in one map.
    DuplicateKey,
    /// A map key JSON cannot have (null, a list, a map, an integer past int64).
    BadKey,
    /// Other YAML that kubectl refuses: a bad merge, an anchor inside itself, excessive
    /// aliasing, `.nan`/`.inf` values, a bad `!!tag`, a bad `---` line, nesting too deep.
    Yaml,
    /// The document is a list or a scalar, not an object.
    NotAnObject,
    /// `apiVersion` or `kind` missing or not a string.
    TypeInfo,
    /// No such kind in that apiVersion.
    UnknownKind,
    UnknownField,
    WrongType,
    MissingField,
    /// A value of the right type that is not allowed (out of range, not one of a list).
    InvalidValue,
    Other,
}

/// The line kubectl prints.
#[derive(Clone, Debug, PartialEq)]
enum Kubectl {
    /// A client-side error: the whole line.
    Line(String),
    /// `Error from server (REASON): error when VERB "FILE": BODY`.
    Server { reason: &'static str, body: String },
}

impl Doc<Manifest> {
    /// The fields of this object the simulator accepts but does not simulate
    /// ([`types::UNMODELLED`]'s and [`types::TYPED_UNMODELLED`]'s patterns for its kind),
    /// each concrete path once, in the order written, with where its key is: what the
    /// loader warns about. A field whose value asks for nothing (null, `{}`, `[]`, `""`:
    /// `kubectl get -o yaml` writes `resources: {}`) is not listed, as
    /// [`types::unmodelled_fields`] does not count it.
    pub fn unmodelled(&self) -> Vec<(String, usize, usize)> {
        let patterns = types::unmodelled_patterns(&self.kind);
        self.unmodelled_in(patterns.iter().map(String::as_str))
    }
}

impl Doc<Manifest> {
    /// The first field (in the order written) this object uses that Kubernetes 1.`minor`
    /// does not have ([`types::FIELD_SINCE`]), as the unknown field that release's API
    /// makes it: kubectl 1.5's validation `found invalid field F for v1.Container`, and a
    /// later release's strict decoding. `file` is the name kubectl gives the file.
    pub fn too_new(&self, file: &str, minor: u32) -> Option<DecodeError> {
        let after = types::fields_after(&self.kind, minor);
        let (path, line, col) = self
            .unmodelled_in(after.iter().map(|(p, _)| p.as_str()))
            .into_iter()
            .next()?;
        let mut shape = String::new();
        index_free(&path, &mut shape);
        let since = after
            .iter()
            .find(|(p, _)| *p == shape)
            .map_or(0, |(_, s)| *s);
        let segs = self.positions.parse_path(&path);
        let field = path.rsplit('.').next().unwrap_or(&path).to_string();
        let parent = gotypes::parent_struct(&self.kind, &segs);
        let kind = &self.kind;
        Some(DecodeError {
            file: file.to_string(),
            line,
            col,
            path: path.clone(),
            kind: ErrorKind::UnknownField,
            lines: Box::new(Lines {
                what: format!(
                    "unknown field {} in Kubernetes 1.{minor} (the field came in 1.{since})",
                    go_quote(&field)
                ),
                expected: String::new(),
                modern: Kubectl::Server {
                    reason: "BadRequest",
                    body: format!(
                        "{kind} in version {} cannot be handled as a {kind}: strict decoding error: unknown field {}",
                        go_quote(&self.api_version),
                        go_quote(&path)
                    ),
                },
                classic: Kubectl::Line(format!(
                    "error: error validating {}: error validating data: found invalid field {field} for {}; {STOP_VALIDATE}",
                    go_quote(file),
                    gotypes::swagger_model(&parent, &self.api_version)
                )),
                unvalidated: None,
            }),
        })
    }
}

impl DecodeError {
    /// The line(s) kubectl prints for this error, as `kubectl create|apply|replace -f FILE`
    /// of the modern era (1.28: server-side strict field validation) or of the classic era
    /// (`classic`: 1.5, client-side swagger validation). `verb` is the word kubectl puts
    /// in `error when VERB "FILE"`: `creating` for create and for apply of a new object,
    /// `replacing` for replace.
    pub fn kubectl(&self, verb: &str, classic: bool) -> String {
        let form = if classic {
            &self.lines.classic
        } else {
            &self.lines.modern
        };
        match form {
            Kubectl::Line(line) => line.clone(),
            Kubectl::Server { reason, body } => format!(
                "Error from server ({reason}): error when {verb} {}: {body}",
                go_quote(&self.file)
            ),
        }
    }

    /// What is wrong, in the scenario loader's words (`unknown field "contaners"`).
    pub fn what(&self) -> &str {
        &self.lines.what
    }

    /// What was expected instead (may be empty).
    pub fn expected(&self) -> &str {
        &self.lines.expected
    }

    /// What modern kubectl prints with `--validate=false` (no client-side check of
    /// apiVersion and kind): `error: unable to decode "f.yaml": Object 'Kind' is missing in
    /// '{...}'`. `None` when it prints the same as [`DecodeError::kubectl`].
    pub fn kubectl_unvalidated(&self) -> Option<&str> {
        self.lines.unvalidated.as_deref()
    }
}

impl fmt::Display for DecodeError {
    /// `FILE:LINE:COL: what is wrong (field PATH); expected WHAT`, on one line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file,
            self.line,
            self.col,
            one_line(&self.lines.what)
        )?;
        if !self.path.is_empty() && self.path != "." {
            write!(f, " (field {})", one_line(&self.path))?;
        }
        if !self.lines.expected.is_empty() {
            write!(f, "; expected {}", one_line(&self.lines.expected))?;
        }
        Ok(())
    }
}

impl std::error::Error for DecodeError {}

/// `s` with its line breaks (which a key or a message may hold) written as `\n`.
fn one_line(s: &str) -> String {
    s.replace('\r', "\\r")
        .replace('\n', "\\n")
        .replace(['\u{2028}', '\u{2029}', '\u{85}'], " ")
}

/// Every object of manifest file `file` (its name, for messages) with text `text`, in
/// order; the first error stops it.
pub fn decode(file: &str, text: &str) -> Result<Vec<Doc>, DecodeError> {
    decode_each(file, text).into_iter().collect()
}

/// Every object of the file, or the error in its place, in order: what kubectl reads
/// before it stops or goes on (a document that is not YAML does not stop the next from
/// being read, since kubectl cuts the file at `---` lines first).
pub fn decode_each(file: &str, text: &str) -> Vec<Result<Doc, DecodeError>> {
    decode_with(file, text, types::from_value)
}

/// [`decode_each`] with the API types given: `from_value(api_version, kind, value)`.
pub fn decode_with<M>(
    file: &str,
    text: &str,
    from_value: impl Fn(&str, &str, Value) -> Result<M, FromValueError>,
) -> Vec<Result<Doc<M>, DecodeError>> {
    let mut out = Vec::new();
    for doc in yaml::read(text) {
        match doc {
            Err(e) => out.push(Err(yaml_error(file, e))),
            Ok(doc) if doc.value.is_null() => {}
            Ok(doc) => {
                let ctx = Ctx {
                    file,
                    from_value: &from_value,
                };
                ctx.object(doc.value, doc.positions, None, &mut out);
            }
        }
    }
    out
}

fn yaml_error(file: &str, e: YamlError) -> DecodeError {
    let (kind, what, expected) = match &e.kind {
        YamlErrorKind::Syntax(msg) => (
            ErrorKind::Syntax,
            format!("invalid YAML: {msg}"),
            String::new(),
        ),
        YamlErrorKind::DuplicateKey { key, first, .. } => (
            ErrorKind::DuplicateKey,
            format!(
                "key {key} is written twice in this map (first at line {})",
                first.line
            ),
            "each key once in a map".to_string(),
        ),
        YamlErrorKind::BadKey { what, .. } => (
            ErrorKind::BadKey,
            format!("a map key cannot be {what}"),
            "a string (or a number or true/false, which become strings)".to_string(),
        ),
        YamlErrorKind::Refused(msg) => {
            let msg = msg.strip_prefix("yaml: ").unwrap_or(msg);
            let expected = if msg.starts_with("json: unsupported value") {
                "a finite number (JSON has no NaN or infinity)"
            } else {
                ""
            };
            (ErrorKind::Yaml, msg.to_string(), expected.to_string())
        }
        YamlErrorKind::TooDeep => (
            ErrorKind::Yaml,
            "maps and lists nested too deep".to_string(),
            format!("at most {} levels", yaml::MAX_DEPTH),
        ),
        YamlErrorKind::Separator(rest) => (
            ErrorKind::Yaml,
            format!("text after a `---` document separator: {rest}"),
            "`---` alone on its line (a comment may follow)".to_string(),
        ),
    };
    let body = e.kind.kubectl(e.pos.line, e.chunk_line);
    let line = match e.kind {
        YamlErrorKind::Separator(_) => format!("error: error parsing {file}: {body}"),
        _ => format!("error: error parsing {file}: error converting YAML to JSON: {body}"),
    };
    DecodeError {
        file: file.to_string(),
        line: e.pos.line,
        col: e.pos.col,
        path: e.path,
        kind,
        lines: Box::new(Lines {
            what,
            expected,
            modern: Kubectl::Line(line.clone()),
            classic: Kubectl::Line(line),
            unvalidated: None,
        }),
    }
}

struct Ctx<'a, F> {
    file: &'a str,
    from_value: &'a F,
}

/// Where in a `kind: List` an item is, for kubectl 1.5's `items[N].kind not set`.
type ListIndex = Option<usize>;

const STOP_VALIDATE: &str =
    "if you choose to ignore these errors, turn validation off with --validate=false";

impl<M, F> Ctx<'_, F>
where
    F: Fn(&str, &str, Value) -> Result<M, FromValueError>,
{
    fn error(
        &self,
        pos: Pos,
        path: &[Seg],
        kind: ErrorKind,
        what: String,
        expected: String,
    ) -> DecodeError {
        DecodeError {
            file: self.file.to_string(),
            line: pos.line,
            col: pos.col,
            path: if path.is_empty() {
                String::new()
            } else {
                yaml::path_string(path)
            },
            kind,
            lines: Box::new(Lines {
                what,
                expected,
                modern: Kubectl::Line(String::new()),
                classic: Kubectl::Line(String::new()),
                unvalidated: None,
            }),
        }
    }

    /// `error: error validating "FILE": error validating data: MSG; if you choose ...`
    fn validating(&self, msg: &str) -> Kubectl {
        Kubectl::Line(format!(
            "error: error validating {}: error validating data: {msg}; {STOP_VALIDATE}",
            go_quote(self.file)
        ))
    }

    fn object(
        &self,
        value: Value,
        positions: Positions,
        item: ListIndex,
        out: &mut Vec<Result<Doc<M>, DecodeError>>,
    ) {
        let root = positions.root();
        let Value::Object(map) = &value else {
            let what = match &value {
                Value::Array(_) => "a list",
                Value::String(_) => "a string",
                Value::Number(_) => "a number",
                Value::Bool(_) => "true or false",
                _ => "empty",
            };
            let mut e = self.error(
                root,
                &[],
                ErrorKind::NotAnObject,
                format!("the document is {what}, not an object"),
                "a map with apiVersion and kind".to_string(),
            );
            // kubectl/pkg/validation getObjectKind; 1.5's SwaggerSchema.ValidateBytes.
            e.lines.modern = self.validating("invalid object to validate");
            e.lines.classic = match item {
                Some(i) => self.validating(&format!("items[{i}] isn't a map[string]interface{{}}")),
                None => self.validating(&format!("error in unmarshaling data {}", go_json(&value))),
            };
            out.push(Err(e));
            return;
        };
        // apiVersion and kind, as kubectl's getObjectKind checks them.
        let mut problems: Vec<&str> = Vec::new();
        let mut first_bad: Option<&str> = None;
        let api_version = match map.get("apiVersion") {
            None | Some(Value::Null) => {
                problems.push("apiVersion not set");
                None
            }
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                problems.push("apiVersion isn't string type");
                first_bad.get_or_insert("apiVersion");
                None
            }
        };
        let kind = match map.get("kind") {
            None | Some(Value::Null) => {
                problems.push("kind not set");
                None
            }
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                problems.push("kind isn't string type");
                first_bad.get_or_insert("kind");
                None
            }
        };
        let (Some(api_version), Some(kind)) = (api_version, kind) else {
            let pos = match first_bad {
                Some(key) => positions.value_of(&[Seg::Key(key.to_string())]),
                None => root,
            };
            let what = match (map.contains_key("apiVersion"), map.contains_key("kind")) {
                (false, false) => "apiVersion and kind not set".to_string(),
                _ => problems
                    .iter()
                    .map(|p| p.replace("isn't string type", "is not a string"))
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            let mut e = self.error(
                pos,
                &[],
                ErrorKind::TypeInfo,
                what,
                "a map with apiVersion (like \"v1\") and kind (like \"Pod\") strings".to_string(),
            );
            let aggregate = if problems.len() == 1 {
                problems[0].to_string()
            } else {
                format!("[{}]", problems.join(", "))
            };
            e.lines.modern = self.validating(&aggregate);
            e.lines.classic = match item {
                Some(i) => self.validating(&format!("items[{i}].{}", problems[0])),
                None => self.validating(problems[0]),
            };
            // apimachinery unstructuredJSONScheme: the kind is checked before the version.
            let missing = if !matches!(map.get("kind"), Some(Value::String(_))) {
                "Kind"
            } else {
                "apiVersion"
            };
            e.lines.unvalidated = Some(format!(
                "error: unable to decode {}: Object '{missing}' is missing in '{}'",
                go_quote(self.file),
                go_json(&value)
            ));
            out.push(Err(e));
            return;
        };
        if api_version.is_empty() || kind.is_empty() {
            let key = if kind.is_empty() {
                "kind"
            } else {
                "apiVersion"
            };
            let mut e = self.error(
                positions.value_of(&[Seg::Key(key.to_string())]),
                &[Seg::Key(key.to_string())],
                ErrorKind::TypeInfo,
                format!("{key} is empty"),
                "a map with apiVersion (like \"v1\") and kind (like \"Pod\") strings".to_string(),
            );
            let missing = if kind.is_empty() {
                "Kind"
            } else {
                "apiVersion"
            };
            let line = format!(
                "error: unable to decode {}: Object '{missing}' is missing in '{}'",
                go_quote(self.file),
                go_json(&value)
            );
            e.lines.modern = Kubectl::Line(line);
            e.lines.classic = match item {
                Some(i) => self.validating(&format!("items[{i}].{key} is empty")),
                None => e.lines.modern.clone(),
            };
            out.push(Err(e));
            return;
        }
        // A list: its items, in order, each placed where it was written.
        if kind.ends_with("List") && map.contains_key("items") {
            let Value::Object(mut map) = value else {
                return;
            };
            match map.remove("items") {
                Some(Value::Array(items)) => {
                    for (i, item) in items.into_iter().enumerate() {
                        let segs = [Seg::Key("items".to_string()), Seg::Index(i)];
                        let positions = positions.subtree(&segs);
                        self.object(item, positions, Some(i), out);
                    }
                }
                Some(Value::Null) | None => {}
                Some(other) => {
                    let segs = [Seg::Key("items".to_string())];
                    let mut e = self.error(
                        positions.value_of(&segs),
                        &segs,
                        ErrorKind::WrongType,
                        format!("wrong type: {}", json_kind(&other)),
                        "a list of objects".to_string(),
                    );
                    e.lines.modern = self.validating("items isn't a slice");
                    e.lines.classic = self.validating("items isn't a slice");
                    out.push(Err(e));
                }
            }
            return;
        }
        match (self.from_value)(&api_version, &kind, value.clone()) {
            Ok(manifest) => out.push(Ok(Doc {
                manifest,
                api_version,
                kind,
                line: root.line,
                col: root.col,
                positions,
            })),
            Err(FromValueError::UnknownKind) => {
                let segs = [Seg::Key("kind".to_string())];
                let mut e = self.error(
                    positions.value_of(&segs),
                    &segs,
                    ErrorKind::UnknownKind,
                    format!(
                        "no kind {} in version {}",
                        go_quote(&kind),
                        go_quote(&api_version)
                    ),
                    "a kind the simulator knows in that apiVersion (docs/manifests.md lists them)"
                        .to_string(),
                );
                let meta = value.get("metadata");
                let field = |k: &str| {
                    meta.and_then(|m| m.get(k))
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string()
                };
                // kubectl's resource builder (1.22 on), and 1.5's `unable to recognize`
                // with a meta.NoKindMatchError of that era.
                e.lines.modern = Kubectl::Line(format!(
                    "error: resource mapping not found for name: {} namespace: {} from {}: no matches for kind {} in version {}\nensure CRDs are installed first",
                    go_quote(&field("name")),
                    go_quote(&field("namespace")),
                    go_quote(self.file),
                    go_quote(&kind),
                    go_quote(&api_version)
                ));
                let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
                e.lines.classic = Kubectl::Line(format!(
                    "error: unable to recognize {}: no matches for {group}/, Kind={kind}",
                    go_quote(self.file)
                ));
                out.push(Err(e));
            }
            Err(FromValueError::Serde(err)) => {
                let segs: Vec<Seg> = err
                    .path()
                    .iter()
                    .map_while(|s| match s {
                        serde_path_to_error::Segment::Seq { index } => Some(Seg::Index(*index)),
                        serde_path_to_error::Segment::Map { key } => Some(Seg::Key(key.clone())),
                        serde_path_to_error::Segment::Enum { variant } => {
                            Some(Seg::Key(variant.clone()))
                        }
                        serde_path_to_error::Segment::Unknown => None,
                    })
                    .collect();
                let message = err.inner().to_string();
                let e = self.serde_error(&api_version, &kind, &value, &positions, segs, &message);
                out.push(Err(e));
            }
        }
    }

    /// A serde error at `segs` of object `value`, with kubectl's words for it.
    fn serde_error(
        &self,
        api_version: &str,
        kind: &str,
        value: &Value,
        positions: &Positions,
        mut segs: Vec<Seg>,
        message: &str,
    ) -> DecodeError {
        let version = api_version.rsplit('/').next().unwrap_or(api_version);
        let cannot_handle = |msg: String| Kubectl::Server {
            reason: "BadRequest",
            body: format!(
                "{kind} in version {} cannot be handled as a {kind}: {msg}",
                go_quote(version)
            ),
        };
        let name = value
            .get("metadata")
            .and_then(|m| m.get("name"))
            .and_then(Value::as_str)
            .unwrap_or("");
        // kubectl prints an Invalid status error as `The KIND "NAME" is invalid: CAUSE`.
        let invalid = |cause: String| {
            Kubectl::Line(format!("The {kind} {} is invalid: {cause}", go_quote(name)))
        };
        let serde = SerdeMessage::parse(message);
        let is_type = matches!(serde, SerdeMessage::InvalidType { .. });
        match serde {
            SerdeMessage::UnknownField { field, expected } => {
                // serde_path_to_error puts the unknown key on the path; make sure.
                if !matches!(segs.last(), Some(Seg::Key(k)) if *k == field) {
                    segs.push(Seg::Key(field.clone()));
                }
                let path = yaml::path_string(&segs);
                let parent = gotypes::parent_struct(kind, &segs);
                let mut e = self.error(
                    positions.key_of(&segs),
                    &segs,
                    ErrorKind::UnknownField,
                    format!("unknown field {}", go_quote(&field)),
                    expected_fields(&field, &expected, &parent),
                );
                // kube-apiserver strict field validation (1.25 on, kubectl's default
                // --validate=strict from 1.27), and kubectl 1.5's swagger check.
                e.lines.modern = cannot_handle(format!(
                    "strict decoding error: unknown field {}",
                    go_quote(&path)
                ));
                let parent = gotypes::parent_struct(kind, &segs);
                e.lines.classic = self.validating(&format!(
                    "found invalid field {field} for {}",
                    gotypes::swagger_model(&parent, api_version)
                ));
                e
            }
            SerdeMessage::MissingField { field } => {
                let pos = if segs.is_empty() {
                    positions.root()
                } else {
                    positions.key_of(&segs)
                };
                segs.push(Seg::Key(field.clone()));
                let path = yaml::path_string(&segs);
                let mut e = self.error(
                    pos,
                    &segs,
                    ErrorKind::MissingField,
                    format!("missing field {}", go_quote(&field)),
                    format!("{} to be set", go_quote(&field)),
                );
                // Decoding never needs a field: the apiserver's validation does.
                e.lines.modern = invalid(format!("{path}: Required value"));
                e.lines.classic = e.lines.modern.clone();
                e
            }
            SerdeMessage::InvalidType { found, expected }
            | SerdeMessage::InvalidValue { found, expected } => {
                let at = lookup(value, &segs);
                let mut e = self.error(
                    positions.value_of(&segs),
                    &segs,
                    if is_type {
                        ErrorKind::WrongType
                    } else {
                        ErrorKind::InvalidValue
                    },
                    format!(
                        "{}: {}",
                        if is_type {
                            "wrong type"
                        } else {
                            "invalid value"
                        },
                        humanize_found(&found)
                    ),
                    humanize_expected(&expected),
                );
                let field = gotypes::field(kind, &segs);
                let go_type = field
                    .ty
                    .as_ref()
                    .map(GoTy::display)
                    .unwrap_or_else(|| go_type_of_serde(&expected));
                let go_value = match at {
                    Some(Value::Number(n)) if !is_type || n.is_f64() => format!("number {n}"),
                    Some(v) => json_kind(v).to_string(),
                    None => "value".to_string(),
                };
                let go_msg = format!(
                    "json: cannot unmarshal {go_value} into Go struct field {}.{} of type {go_type}",
                    field.parent, field.go_path
                );
                e.lines.modern = cannot_handle(go_msg.clone());
                e.lines.classic =
                    self.classic_wrong_type(&cannot_handle, value, &segs, at, &field, go_msg);
                e
            }
            SerdeMessage::UnknownVariant { variant, expected } => {
                let path = yaml::path_string(&segs);
                let mut e = self.error(
                    positions.value_of(&segs),
                    &segs,
                    ErrorKind::InvalidValue,
                    format!("unsupported value {}", go_quote(&variant)),
                    expected.clone(),
                );
                // The apiserver's validation (field.NotSupported).
                let supported: Vec<String> = expected
                    .split(", ")
                    .map(|s| s.trim_start_matches("one of ").trim_matches('`'))
                    .filter(|s| !s.is_empty())
                    .map(go_quote)
                    .collect();
                e.lines.modern = invalid(format!(
                    "{path}: Unsupported value: {}: supported values: {}",
                    go_quote(&variant),
                    supported.join(", ")
                ));
                e.lines.classic = e.lines.modern.clone();
                e
            }
            SerdeMessage::Other(msg) => {
                let mut e = self.error(
                    positions.value_of(&segs),
                    &segs,
                    ErrorKind::Other,
                    msg.clone(),
                    String::new(),
                );
                e.lines.modern = cannot_handle(msg.clone());
                e.lines.classic = e.lines.modern.clone();
                e
            }
        }
    }

    /// kubectl 1.5 checked types itself first (pkg/api/validation/schema.go): a value that
    /// passes its loose check (a number where a string goes, a null, anything inside a
    /// map) reached the 1.5 apiserver, whose ugorji JSON decoder answered with the byte
    /// it stopped at (`[pos 177]: json: expect char '"' but got char '{'`, seed 004).
    fn classic_wrong_type(
        &self,
        cannot_handle: &dyn Fn(String) -> Kubectl,
        object: &Value,
        segs: &[Seg],
        at: Option<&Value>,
        field: &gotypes::Field,
        go_msg: String,
    ) -> Kubectl {
        let path = yaml::path_string(segs);
        let got = match at {
            Some(Value::String(_)) => "string",
            Some(Value::Number(_)) => "float64",
            Some(Value::Bool(_)) => "bool",
            Some(Value::Object(_)) => "map",
            Some(Value::Array(_)) => "slice",
            _ => "",
        };
        let swagger = field.ty.as_ref().map(GoTy::swagger);
        let client = |expected: &str| {
            self.validating(&format!(
                "expected type {expected}, for field {path}, got {got}"
            ))
        };
        let checked = !field.in_map && !got.is_empty();
        match (swagger, at) {
            (Some(Swagger::String), Some(Value::Bool(_) | Value::Object(_) | Value::Array(_)))
                if checked =>
            {
                client("string")
            }
            (
                Some(Swagger::Integer),
                Some(Value::String(_) | Value::Bool(_) | Value::Object(_) | Value::Array(_)),
            ) if checked => client("int"),
            (Some(Swagger::Boolean), Some(v)) if checked && !v.is_boolean() => client("bool"),
            (Some(Swagger::Number), Some(v)) if checked && !v.is_number() => client("float64"),
            (Some(Swagger::Array), Some(v)) if checked && !v.is_array() => client("array"),
            (Some(Swagger::Ref), Some(v)) if checked && !v.is_object() => {
                let go_type = match v {
                    Value::String(_) => "string",
                    Value::Number(_) => "float64",
                    Value::Bool(_) => "bool",
                    _ => "[]interface {}",
                };
                self.validating(&format!(
                    "field {path}: expected object of type map[string]interface{{}}, but the actual type is {go_type}"
                ))
            }
            _ => {
                let string_target = matches!(swagger, Some(Swagger::String));
                match go_json_offset(object, segs) {
                    Some((pos, ch)) if string_target || at.is_some_and(Value::is_null) => {
                        cannot_handle(format!(
                            "[pos {}]: json: expect char '\"' but got char '{ch}'",
                            pos + 1
                        ))
                    }
                    _ => cannot_handle(go_msg),
                }
            }
        }
    }
}

/// The value at `segs` in `value`.
fn lookup<'v>(value: &'v Value, segs: &[Seg]) -> Option<&'v Value> {
    let mut at = value;
    for seg in segs {
        at = match (at, seg) {
            (Value::Object(m), Seg::Key(k)) => m.get(k)?,
            (Value::Array(a), Seg::Index(i)) => a.get(*i)?,
            _ => return None,
        };
    }
    Some(at)
}

/// encoding/json's name for a JSON value in its errors.
fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The JSON kubectl sends: `json.Marshal` of the map, keys sorted, compact, `<`, `>`, `&`
/// and U+2028/U+2029 escaped.
pub(super) fn go_json(v: &Value) -> String {
    let s = serde_json::to_string(v).unwrap_or_default();
    if !s.contains(['<', '>', '&', '\u{2028}', '\u{2029}']) {
        return s;
    }
    s.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// Where the value at `segs` starts in [`go_json`] of `object` (a byte offset), and its
/// first character.
fn go_json_offset(object: &Value, segs: &[Seg]) -> Option<(usize, char)> {
    let mut offset = 0usize;
    let mut at = object;
    for seg in segs {
        match (at, seg) {
            (Value::Object(m), Seg::Key(k)) => {
                offset += 1; // {
                for (name, v) in m {
                    let key_len = go_json(&Value::String(name.clone())).len() + 1; // "name":
                    if name == k {
                        offset += key_len;
                        break;
                    }
                    offset += key_len + go_json(v).len() + 1; // value,
                }
                at = m.get(k)?;
            }
            (Value::Array(a), Seg::Index(i)) => {
                offset += 1; // [
                for v in a.iter().take(*i) {
                    offset += go_json(v).len() + 1;
                }
                at = a.get(*i)?;
            }
            _ => return None,
        }
    }
    let first = go_json(at).chars().next()?;
    Some((offset, first))
}

/// serde's error messages, taken apart.
#[derive(Debug, PartialEq)]
enum SerdeMessage {
    UnknownField { field: String, expected: String },
    MissingField { field: String },
    InvalidType { found: String, expected: String },
    InvalidValue { found: String, expected: String },
    UnknownVariant { variant: String, expected: String },
    Other(String),
}

impl SerdeMessage {
    /// serde's `de::Error` defaults: "unknown field `x`, expected one of `a`, `b`",
    /// "missing field `x`", "invalid type: string \"x\", expected i32", "invalid value:
    /// integer `70000`, expected u16", "unknown variant `x`, expected one of ...".
    fn parse(msg: &str) -> SerdeMessage {
        let ticked = |rest: &str| -> Option<(String, String)> {
            let rest = rest.strip_prefix('`')?;
            let end = rest.find('`')?;
            let name = rest[..end].to_string();
            let after = &rest[end + 1..];
            let expected = after
                .strip_prefix(", expected ")
                .or_else(|| after.strip_prefix(", "))
                .unwrap_or(after)
                .to_string();
            Some((name, expected))
        };
        if let Some(rest) = msg.strip_prefix("unknown field ") {
            if let Some((field, expected)) = ticked(rest) {
                return SerdeMessage::UnknownField { field, expected };
            }
        }
        if let Some(rest) = msg.strip_prefix("missing field ") {
            if let Some((field, _)) = ticked(rest) {
                return SerdeMessage::MissingField { field };
            }
        }
        if let Some(rest) = msg.strip_prefix("unknown variant ") {
            if let Some((variant, expected)) = ticked(rest) {
                return SerdeMessage::UnknownVariant { variant, expected };
            }
        }
        // serde_json hands a struct's visitor a JSON array as a sequence of its fields.
        if let Some(rest) = msg.strip_prefix("invalid length ") {
            if let Some(i) = rest.find(", expected struct ") {
                let name = rest[i + ", expected struct ".len()..]
                    .split(' ')
                    .next()
                    .unwrap_or("");
                return SerdeMessage::InvalidType {
                    found: "sequence".to_string(),
                    expected: format!("struct {name}"),
                };
            }
        }
        for (prefix, is_type) in [("invalid type: ", true), ("invalid value: ", false)] {
            if let Some(rest) = msg.strip_prefix(prefix) {
                if let Some(i) = rest.rfind(", expected ") {
                    let found = rest[..i].to_string();
                    let expected = rest[i + ", expected ".len()..].to_string();
                    return if is_type {
                        SerdeMessage::InvalidType { found, expected }
                    } else {
                        SerdeMessage::InvalidValue { found, expected }
                    };
                }
            }
        }
        SerdeMessage::Other(msg.to_string())
    }
}

/// serde's name for the value it got, in plainer words.
fn humanize_found(found: &str) -> String {
    match found {
        "map" => "a map".to_string(),
        "sequence" => "a list".to_string(),
        "unit value" => "null".to_string(),
        _ => found.replace("floating point", "number").replace('`', ""),
    }
}

/// What was expected instead of an unknown field: the nearest field's name when one is
/// close (a typo), else serde's list of the fields there are.
fn expected_fields(field: &str, expected: &str, parent: &str) -> String {
    let names: Vec<&str> = expected
        .trim_start_matches("one of ")
        .split(", ")
        .map(|s| s.trim_matches('`'))
        .filter(|s| !s.is_empty() && !s.contains(' '))
        .collect();
    let best = names
        .iter()
        .map(|n| {
            (
                distance(&field.to_ascii_lowercase(), &n.to_ascii_lowercase()),
                *n,
            )
        })
        .filter(|(d, n)| *d <= 2.max(n.len() / 4))
        .min_by_key(|(d, _)| *d);
    match best {
        Some((_, name)) => format!("a field of {parent}: did you mean {}?", go_quote(name)),
        None => expected_list(expected),
    }
}

fn expected_list(expected: &str) -> String {
    if expected.is_empty() || expected == "there are no fields" {
        "no fields here".to_string()
    } else {
        expected.to_string()
    }
}

/// Levenshtein distance (for suggestions).
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(row[j]).min(cur)
            };
            prev = cur;
        }
    }
    row[b.len()]
}

/// serde's name for the expected type, in words a manifest's author knows.
fn humanize_expected(expected: &str) -> String {
    match expected {
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "isize" | "usize" => {
            format!("an integer ({})", go_type_of_serde(expected))
        }
        "f32" | "f64" => "a number".to_string(),
        "a boolean" => "true or false".to_string(),
        "a sequence" => "a list".to_string(),
        "a map" => "a map".to_string(),
        s if s.starts_with("struct ") => format!("a map (a {})", &s["struct ".len()..]),
        s => s.to_string(),
    }
}

/// Go's name for the type serde expected, when the table does not know the field.
fn go_type_of_serde(expected: &str) -> String {
    match expected {
        "i32" => "int32",
        "i64" => "int64",
        "u16" => "uint16",
        "u32" => "uint32",
        "u64" => "uint64",
        "i8" | "i16" | "isize" => "int",
        "u8" | "usize" => "uint",
        "f32" | "f64" => "float64",
        "a boolean" => "bool",
        "a string" => "string",
        "a sequence" => "[]interface {}",
        "a map" => "map[string]interface {}",
        s if s.starts_with("struct ") => return format!("v1.{}", &s["struct ".len()..]),
        _ => "interface {}",
    }
    .to_string()
}

#[cfg(test)]
mod tests;
