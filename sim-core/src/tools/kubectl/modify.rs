//! kubectl's verbs that change objects in place: `label`, `annotate`, `patch`, `edit`.
//!
//! Each reads the objects it names (by name, `TYPE/NAME`, `-l` or `--all`), changes each
//! one as JSON in the API's shape (what `get -o json` shows, `object::api_object`), and
//! writes it back as a whole object (`Request::Update`), which the apiserver takes through
//! admission (the manifest's strict decoding and validation) and its update rules, as a
//! PATCH or PUT goes through the real apiserver's. The objects are done one at a time, in
//! the order named (or listed), each reported on its own line; an error about one does
//! not stop the others, and makes the status 1.

use std::collections::VecDeque;

use serde_json::Value as Json;

use super::selector::LabelSelector;
use super::value::{Map, Value};
use super::verbs::{Args, boolean, unknown_flag};
use super::{Named, release};
use crate::k8s::api::{Kind, Object, Request, Response};
use crate::k8s::manifest::Manifest;
use crate::k8s::proxy::names::Era;

/// What a verb does to one object.
#[derive(Clone, Debug)]
pub enum Change {
    /// `label` (`annotations` false) or `annotate` (true): keys set and keys removed.
    Pairs {
        annotations: bool,
        set: Vec<(String, String)>,
        remove: Vec<String>,
        overwrite: bool,
    },
    /// `patch -p PATCH [--type strategic|merge|json]` (`patch.rs`).
    Patch(super::patch::Patch),
    /// `edit` with `$KUBE_EDITOR` (or `$EDITOR`) as the editor.
    Edit { editor: Option<String> },
}

/// What a [`Change`] made of one object.
pub enum Outcome {
    /// The object as it should now be.
    Changed(Json, String),
    /// Nothing to change: the line kubectl prints.
    Unchanged(String),
    /// kubectl's error, printed on stderr.
    Failed(String),
}

/// One verb's run.
#[derive(Clone, Debug)]
pub struct Modify {
    pub change: Change,
    /// The kind for `-l` and `--all`; the named objects otherwise.
    pub kind: Kind,
    pub names: Named,
    pub selector: Option<LabelSelector>,
    queue: VecDeque<Target>,
    /// The update in flight.
    pending: Option<Pending>,
    pub failed: bool,
}

#[derive(Clone, Debug)]
enum Target {
    Named(Kind, String),
    Got(Box<Object>),
}

/// The resources and the `KEY=VALUE`/`KEY-` pairs of `label` and `annotate`
/// (cmdutil.GetResourcesAndPairs).
fn resources_and_pairs(words: &[String], what: &str) -> Result<(Vec<String>, Vec<String>), String> {
    let mut resources = Vec::new();
    let mut pairs = Vec::new();
    for s in words {
        let pair = (s.contains('=') && !s.starts_with('=')) || (s.ends_with('-') && s != "-");
        match (pairs.is_empty(), pair) {
            (_, true) => pairs.push(s.clone()),
            (true, false) => resources.push(s.clone()),
            (false, false) => {
                return Err(format!(
                    "error: all resources must be specified before {what} changes: {s}\n"
                ));
            }
        }
    }
    Ok((resources, pairs))
}

/// A label value as the apiserver allows it (IsValidLabelValue): empty, or at most 63
/// alphanumerics, `-`, `_` and `.`, starting and ending with an alphanumeric.
fn valid_label_value(v: &str) -> bool {
    let alnum = |c: char| c.is_ascii_alphanumeric();
    v.is_empty()
        || (v.len() <= 63
            && v.starts_with(alnum)
            && v.ends_with(alnum)
            && v.chars().all(|c| alnum(c) || "-_.".contains(c)))
}

/// `label`'s pairs (label.go's parseLabels) or `annotate`'s (cmdutil.ParsePairs).
fn parse_pairs(pairs: &[String], annotations: bool) -> Result<Pairs, String> {
    let mut set: Vec<(String, String)> = Vec::new();
    let mut remove = Vec::new();
    let mut invalid = Vec::new();
    for p in pairs {
        if p.contains('=') && !(annotations && p.starts_with('=')) {
            let (k, v) = p.split_once('=').unwrap_or_default();
            if !annotations {
                if v.contains('=') {
                    return Err(format!("error: invalid label spec: {p}\n"));
                }
                if !valid_label_value(v) {
                    return Err(format!(
                        "error: invalid label value: \"{p}\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')\n"
                    ));
                }
            }
            set.retain(|(sk, _)| sk != k);
            set.push((k.to_string(), v.to_string()));
        } else if p.ends_with('-') && p != "-" {
            remove.push(p[..p.len() - 1].to_string());
        } else if annotations {
            invalid.push(p.clone());
        } else {
            return Err(format!("error: unknown label spec: {p}\n"));
        }
    }
    if !invalid.is_empty() {
        return Err(format!(
            "error: invalid annotation format: {}\n",
            invalid.join(", ")
        ));
    }
    let both: Vec<&String> = remove
        .iter()
        .filter(|r| set.iter().any(|(k, _)| k == *r))
        .collect();
    if !both.is_empty() {
        return Err(if annotations {
            format!(
                "error: can not both modify and remove the following annotation(s) in the same command: {}\n",
                both.iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            "error: can not both modify and remove a label in the same command\n".into()
        });
    }
    Ok((set, remove))
}

/// The objects a command line names: `KIND NAME...`, `TYPE/NAME...`, or a kind with `-l`
/// or `--all`.
fn targets(
    resources: &[String],
    selector: Option<&str>,
    all: bool,
) -> Result<(Kind, Named, Option<LabelSelector>), (String, i32)> {
    if resources.is_empty() {
        return Err((
            "error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n"
                .into(),
            1,
        ));
    }
    if all && selector.is_some() {
        return Err((
            "error: cannot set --all and --selector at the same time\n".into(),
            1,
        ));
    }
    if resources[0].contains(',') {
        return Err((
            format!(
                "error: several kinds at once (`{}`) are not simulated for this verb; name one kind\n",
                resources[0]
            ),
            1,
        ));
    }
    let (kind, names) = super::kind_and_names(resources)?;
    let selector = match selector {
        Some(s) => Some(
            LabelSelector::parse(s)
                .map_err(|e| (format!("error: unable to parse \"{s}\": {e}\n"), 1))?,
        ),
        None => None,
    };
    if names.is_empty() && selector.is_none() && !all {
        return Err((
            "error: resource(s) were provided, but no name was specified\n".into(),
            1,
        ));
    }
    if !names.is_empty() && (selector.is_some() || all) {
        return Err((
            "error: name cannot be provided when a selector is specified\n".into(),
            1,
        ));
    }
    Ok((kind, names, selector))
}

impl Modify {
    fn new(change: Change, target: (Kind, Named, Option<LabelSelector>)) -> Modify {
        Modify {
            change,
            kind: target.0,
            names: target.1,
            selector: target.2,
            queue: VecDeque::new(),
            pending: None,
            failed: false,
        }
    }

    /// `label` and `annotate`.
    pub fn parse_pairs(a: &Args, annotations: bool) -> Result<Modify, (String, i32)> {
        let verb = if annotations { "annotate" } else { "label" };
        let mut overwrite = false;
        let mut selector = None;
        let mut all = false;
        for (f, v) in &a.flags {
            match f.as_str() {
                "--overwrite" => overwrite = boolean(f, v)?,
                "--all" => all = boolean(f, v)?,
                "-l" | "--selector" => selector = v.clone(),
                "--list" | "--local" | "--dry-run" | "--resource-version" | "-f" | "--filename"
                | "--field-selector" | "-o" | "--output" | "--record" => {
                    return Err((
                        format!("error: kubectl {verb} {f} is not simulated yet\n"),
                        1,
                    ));
                }
                other => return Err(unknown_flag(verb, other)),
            }
        }
        let what = if annotations { "annotation" } else { "label" };
        let (resources, pairs) = resources_and_pairs(&a.words, what).map_err(|e| (e, 1))?;
        let target = targets(&resources, selector.as_deref(), all)?;
        let (set, remove) = parse_pairs(&pairs, annotations).map_err(|e| (e, 1))?;
        if set.is_empty() && remove.is_empty() {
            return Err((
                format!("error: at least one {what} update is required\n"),
                1,
            ));
        }
        Ok(Modify::new(
            Change::Pairs {
                annotations,
                set,
                remove,
                overwrite,
            },
            target,
        ))
    }

    /// `patch`.
    pub fn parse_patch(a: &Args) -> Result<Modify, (String, i32)> {
        let mut patch = None;
        let mut type_ = None;
        for (f, v) in &a.flags {
            match f.as_str() {
                "-p" | "--patch" => patch = v.clone(),
                "--type" => type_ = v.clone(),
                "--patch-file" | "--local" | "--dry-run" | "-f" | "--filename" | "-o"
                | "--output" | "--subresource" | "--record" => {
                    return Err((
                        format!("error: kubectl patch {f} is not simulated yet\n"),
                        1,
                    ));
                }
                other => return Err(unknown_flag("patch", other)),
            }
        }
        let target = targets(&a.words, None, false)?;
        let Some(patch) = patch else {
            return Err((
                "error: must specify --patch or --patch-file containing the contents of the patch\n"
                    .into(),
                1,
            ));
        };
        let p = super::patch::Patch::parse(&patch, type_.as_deref()).map_err(|e| (e, 1))?;
        Ok(Modify::new(Change::Patch(p), target))
    }

    /// `edit KIND/NAME` with `editor` (`$KUBE_EDITOR`, else `$EDITOR`).
    pub fn parse_edit(a: &Args, editor: Option<String>) -> Result<Modify, (String, i32)> {
        if let Some((f, _)) = a.flags.first() {
            return Err(match f.as_str() {
                "-o"
                | "--output"
                | "--output-patch"
                | "--windows-line-endings"
                | "--subresource"
                | "-f"
                | "--filename"
                | "--save-config"
                | "--validate"
                | "--record" => (format!("error: kubectl edit {f} is not simulated yet\n"), 1),
                other => unknown_flag("edit", other),
            });
        }
        if a.words.is_empty() {
            return Err((
                "error: You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n".into(),
                1,
            ));
        }
        let target = targets(&a.words, None, false)?;
        if target.1.len() != 1 {
            return Err((
                "error: editing several objects at once is not simulated; name one\n".into(),
                1,
            ));
        }
        Ok(Modify::new(Change::Edit { editor }, target))
    }

    /// The first request: the first named object's get, or the list `-l`/`--all` pick
    /// from.
    pub fn start(&mut self, ns: &str, all_ns: bool, era: Era) -> Step {
        if self.names.is_empty() {
            return Step {
                next: Ok(Request::List {
                    kind: self.kind,
                    ns: (!all_ns).then(|| ns.to_string()),
                }),
                ..Step::default()
            };
        }
        self.queue = self
            .names
            .iter()
            .map(|(k, n)| Target::Named(*k, n.clone()))
            .collect();
        self.step(Step::default(), ns, era)
    }

    /// The apiserver's answer to the last request, and what follows.
    pub fn answer(&mut self, resp: Response, ns: &str, era: Era) -> Step {
        let mut step = Step::default();
        match (self.pending.take(), resp) {
            (Some(p), Response::Object(_)) => step.out += &p.line,
            // An edit the apiserver found invalid: the causes, as its Status lists them.
            (
                Some(p),
                Response::Error {
                    code: 422, message, ..
                },
            ) if p.edited.is_some() => {
                self.failed = true;
                let causes = message
                    .split_once(" is invalid: ")
                    .map_or(&*message, |x| x.1);
                let text = p.edited.unwrap_or_default();
                let reasons = [causes.to_string()];
                edit_failed(&mut step, &p.file, &p.resource, &text, &reasons, true);
            }
            (None, Response::List(list)) => {
                let picked = list.into_iter().filter(|o| {
                    self.selector
                        .as_ref()
                        .is_none_or(|s| s.matches(&o.meta.labels))
                });
                self.queue = picked.map(|o| Target::Got(Box::new(o))).collect();
            }
            (None, Response::Object(o)) => self.queue.push_front(Target::Got(o)),
            (
                _,
                Response::Error {
                    code,
                    reason,
                    message,
                },
            ) => {
                self.failed = true;
                step.err += &super::error_text(code, &reason, &message);
            }
            _ => {}
        }
        self.step(step, ns, era)
    }

    /// Goes on to the next object that needs a request, printing for those that do not.
    fn step(&mut self, mut step: Step, ns: &str, era: Era) -> Step {
        while let Some(t) = self.queue.pop_front() {
            match t {
                Target::Named(kind, name) => {
                    step.next = Ok(Request::Get {
                        kind,
                        ns: ns.to_string(),
                        name,
                    });
                    return step;
                }
                Target::Got(o) => {
                    if let Some(req) = self.change_one(&o, ns, era, &mut step) {
                        step.next = Ok(req);
                        return step;
                    }
                }
            }
        }
        step.next = Err(i32::from(self.failed));
        step
    }

    /// The object changed, as its update request; or `None`, with what kubectl prints
    /// when there is nothing to send.
    fn change_one(&mut self, o: &Object, ns: &str, era: Era, step: &mut Step) -> Option<Request> {
        let value = super::object::api_object(o, era);
        let resource = format!(
            "{} {}",
            o.kind().plural(),
            super::value::go_quote(&o.meta.name)
        );
        let (manifest, line, edited) = match &self.change {
            Change::Edit { editor } => {
                let before = super::yaml::to_yaml(&value);
                let Some(editor) = editor else {
                    self.failed = true;
                    step.err += "error: the simulator runs no interactive editor: set KUBE_EDITOR to a sed command, e.g. KUBE_EDITOR=\"sed -i 's/replicas: 1/replicas: 2/'\" kubectl edit deployment/web\n";
                    return None;
                };
                let after = match super::sed_edit(editor, &before) {
                    Ok(t) => t,
                    Err(e) => {
                        self.failed = true;
                        step.err += &format!("error: {e}\n");
                        return None;
                    }
                };
                if strip_comments(&after) == strip_comments(&before) {
                    step.err += "Edit cancelled, no changes made.\n";
                    return None;
                }
                let file = edit_file(o);
                match crate::k8s::manifest::decode(&file, &after) {
                    Ok(docs) if docs.len() == 1 => {
                        let m = docs.into_iter().next().map(|d| d.manifest)?;
                        (
                            m,
                            release::done(o.kind(), &o.meta.name, "edited", era),
                            Some(after),
                        )
                    }
                    Ok(_) => {
                        self.failed = true;
                        step.err += "error: the edited file must hold the one object edited\n";
                        return None;
                    }
                    Err(e) => {
                        self.failed = true;
                        let syntax = matches!(
                            e.kind,
                            crate::k8s::manifest::ErrorKind::Syntax
                                | crate::k8s::manifest::ErrorKind::Yaml
                                | crate::k8s::manifest::ErrorKind::DuplicateKey
                        );
                        let reasons = vec![format!("{}: {}", e.path, e.what())];
                        edit_failed(step, &file, &resource, &after, &reasons, !syntax);
                        return None;
                    }
                }
            }
            _ => {
                let before = to_json(&value);
                let (after, line) = match self.apply_change(o, &before, era) {
                    Outcome::Failed(e) => {
                        self.failed = true;
                        step.err += &e;
                        return None;
                    }
                    Outcome::Unchanged(line) => {
                        step.out += &line;
                        return None;
                    }
                    Outcome::Changed(after, line) => (after, line),
                };
                let api_version = after["apiVersion"].as_str().unwrap_or("").to_string();
                let kind = after["kind"].as_str().unwrap_or("").to_string();
                match crate::k8s::manifest::types::from_value(&api_version, &kind, after) {
                    Ok(m) => (m, line, None),
                    Err(e) => {
                        self.failed = true;
                        step.err += &format!(
                            "Error from server (BadRequest): the changed object does not decode as a {kind}: {}\n",
                            e
                        );
                        return None;
                    }
                }
            }
        };
        self.pending = Some(Pending {
            line,
            edited,
            file: edit_file(o),
            resource,
        });
        Some(update(manifest, &o.meta.namespace, ns))
    }

    fn apply_change(&self, o: &Object, before: &Json, era: Era) -> Outcome {
        let done = |op: &str| release::done(o.kind(), &o.meta.name, op, era);
        match &self.change {
            Change::Pairs {
                annotations,
                set,
                remove,
                overwrite,
            } => pairs_change(o, before, era, *annotations, set, remove, *overwrite),
            Change::Patch(p) => match p.apply(before) {
                Err(e) => Outcome::Failed(e),
                Ok(after) if after == *before => Outcome::Unchanged(done("patched (no change)")),
                Ok(after) => Outcome::Changed(after, done("patched")),
            },
            Change::Edit { .. } => unreachable!("edit changes the object's text (change_one)"),
        }
    }
}

/// `label` or `annotate` on one object (label.go's labelFunc, annotate.go's
/// updateAnnotations), with the line kubectl prints.
fn pairs_change(
    o: &Object,
    before: &Json,
    era: Era,
    annotations: bool,
    set: &[(String, String)],
    remove: &[String],
    overwrite: bool,
) -> Outcome {
    let field = if annotations { "annotations" } else { "labels" };
    let current = before["metadata"][field].as_object();
    let value_of = |k: &str| current.and_then(|m| m.get(k)).and_then(Json::as_str);
    if !overwrite {
        let clashes: Vec<String> = set
            .iter()
            .filter_map(|(k, v)| {
                value_of(k)
                    .filter(|c| c != v)
                    .map(|c| format!("'{k}' already has a value ({c})"))
            })
            .collect();
        if !clashes.is_empty() {
            return Outcome::Failed(if annotations {
                format!(
                    "error: --overwrite is false but found the following declared annotation(s): {}\n",
                    clashes.join("; ")
                )
            } else if clashes.len() == 1 {
                format!("error: {}, and --overwrite is false\n", clashes[0])
            } else {
                // utilerrors.NewAggregate of several.
                format!(
                    "error: [{}]\n",
                    clashes
                        .iter()
                        .map(|c| format!("{c}, and --overwrite is false"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            });
        }
    }
    let mut notes = String::new();
    if !annotations {
        for r in remove {
            if value_of(r).is_none() {
                notes += &format!("label {} not found.\n", super::value::go_quote(r));
            }
        }
    }
    let added = set.iter().filter(|(k, v)| value_of(k) != Some(v)).count();
    let removed = remove.iter().filter(|r| value_of(r).is_some()).count();
    let mut after = before.clone();
    if let Some(meta) = after["metadata"].as_object_mut() {
        let map = meta
            .entry(field)
            .or_insert_with(|| Json::Object(Default::default()));
        if let Some(m) = map.as_object_mut() {
            for (k, v) in set {
                m.insert(k.clone(), Json::String(v.clone()));
            }
            for r in remove {
                m.remove(r);
            }
        }
    }
    // Today's label.go tells what changed; 1.5's said `labeled` for any change.
    let op = match (annotations, era, added > 0, removed > 0) {
        (true, ..) => "annotated",
        (false, _, false, false) => "not labeled",
        (false, Era::Classic, ..) => "labeled",
        (false, _, true, true) => "modified",
        (false, _, true, false) => "labeled",
        (false, _, false, true) => "unlabeled",
    };
    let line = notes + &release::done(o.kind(), &o.meta.name, op, era);
    if !annotations && added == 0 && removed == 0 {
        return Outcome::Unchanged(line);
    }
    Outcome::Changed(after, line)
}

/// The temporary file kubectl's editor edits (`/tmp/kubectl-edit-KIND-NAME.yaml`; the
/// real one has random digits where the simulator puts the object's kind and name).
fn edit_file(o: &Object) -> String {
    format!(
        "/tmp/kubectl-edit-{}-{}.yaml",
        o.kind().name().to_ascii_lowercase(),
        o.meta.name
    )
}

/// An edit that did not go through: kubectl reopens the editor with the reasons in the
/// file's header; the same editor changes nothing more, so kubectl gives up and keeps
/// the file (`cat` shows the reasons).
fn edit_failed(
    step: &mut Step,
    path: &str,
    resource: &str,
    text: &str,
    reasons: &[String],
    invalid: bool,
) {
    let head = if invalid {
        step.err += &format!("error: {resource} is invalid\n");
        format!("{resource} was not valid")
    } else {
        "The edited file had a syntax error".to_string()
    };
    let mut file = String::from(EDIT_HEADER);
    file += &format!("# {head}:\n");
    for r in reasons {
        file += &format!("# * {r}\n");
    }
    file += "#\n";
    file += &strip_comments(text);
    step.err += &format!(
        "A copy of your changes has been stored to {}\n",
        super::value::go_quote(path)
    );
    step.err += "error: Edit cancelled, no valid changes were saved.\n";
    step.files.push((path.to_string(), file));
}

/// Keys to set and keys to remove.
type Pairs = (Vec<(String, String)>, Vec<String>);

/// The update in flight.
#[derive(Clone, Debug)]
struct Pending {
    /// What to print when it is done.
    line: String,
    /// `edit`: the text the editor left.
    edited: Option<String>,
    /// `deployments.apps "web"`.
    resource: String,
    /// `edit`: the file kubectl keeps when the edit fails.
    file: String,
}

/// The header of the file kubectl's editor opens.
const EDIT_HEADER: &str = "# Please edit the object below. Lines beginning with a '#' will be ignored,\n# and an empty file will abort the edit. If an error occurs while saving this file will be\n# reopened with the relevant failures.\n#\n";

/// A file's text without its comment lines (cmdutil.StripComments).
fn strip_comments(text: &str) -> String {
    text.split_inclusive('\n')
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect()
}

/// What to print after an answer, files to leave on the machine, and the request to send
/// next (or the status to end with).
pub struct Step {
    pub out: String,
    pub err: String,
    pub files: Vec<(String, String)>,
    pub next: Result<Request, i32>,
}

impl Default for Step {
    fn default() -> Step {
        Step {
            out: String::new(),
            err: String::new(),
            files: Vec::new(),
            next: Err(0),
        }
    }
}

/// The update request for a changed object (its own namespace, else the command's).
fn update(m: Manifest, object_ns: &str, ns: &str) -> Request {
    let ns = if object_ns.is_empty() { ns } else { object_ns };
    Request::Update {
        object: Box::new(m),
        ns: ns.to_string(),
    }
}

/// kubectl's printer value as a JSON value (maps sorted, as Go's encoding/json writes an
/// unstructured object).
pub fn to_json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
        Value::Str(s) => Json::String(s.clone()),
        Value::List(l) => Json::Array(l.iter().map(to_json).collect()),
        Value::Map(Map(m)) => {
            Json::Object(m.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::k8s::api::{Body, Meta};

    fn pod(labels: &[(&str, &str)]) -> (Object, Json) {
        let o = Object {
            meta: Meta {
                name: "foo".into(),
                namespace: "default".into(),
                labels: labels
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                ..Default::default()
            },
            body: Body::ConfigMap(Default::default()),
        };
        let j = to_json(&super::super::object::api_object(&o, Era::Modern));
        (o, j)
    }

    fn line(out: Outcome) -> String {
        match out {
            Outcome::Changed(_, l) | Outcome::Unchanged(l) | Outcome::Failed(l) => l,
        }
    }

    /// Today's label.go says what changed; 1.5's printed `labeled` for any change, in its
    /// quoted form; both say `not labeled` for none.
    #[test]
    fn label_lines_in_both_eras() {
        let (o, j) = pod(&[("a", "1")]);
        let set = |k: &str, v: &str| vec![(k.to_string(), v.to_string())];
        let cases = [
            (
                set("b", "2"),
                vec![],
                "configmap/foo labeled\n",
                "configmap \"foo\" labeled\n",
            ),
            (
                vec![],
                vec!["a".to_string()],
                "configmap/foo unlabeled\n",
                "configmap \"foo\" labeled\n",
            ),
            (
                set("b", "2"),
                vec!["a".to_string()],
                "configmap/foo modified\n",
                "configmap \"foo\" labeled\n",
            ),
            (
                set("a", "1"),
                vec![],
                "configmap/foo not labeled\n",
                "configmap \"foo\" not labeled\n",
            ),
        ];
        for (s, r, modern, classic) in cases {
            assert_eq!(
                line(pairs_change(&o, &j, Era::Modern, false, &s, &r, false)),
                modern
            );
            assert_eq!(
                line(pairs_change(&o, &j, Era::Classic, false, &s, &r, false)),
                classic
            );
        }
        // Several clashes: kubectl's aggregate of errors.
        let (o, j) = pod(&[("a", "1"), ("b", "2")]);
        let s = vec![
            ("a".to_string(), "x".to_string()),
            ("b".to_string(), "y".to_string()),
        ];
        assert_eq!(
            line(pairs_change(&o, &j, Era::Modern, false, &s, &[], false)),
            "error: ['a' already has a value (1), and --overwrite is false, 'b' already has a value (2), and --overwrite is false]\n"
        );
    }

    #[test]
    fn pairs_are_read_as_kubectl_reads_them() {
        let w = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            resources_and_pairs(&w(&["pods", "foo", "a=b", "c-"]), "label"),
            Ok((w(&["pods", "foo"]), w(&["a=b", "c-"])))
        );
        assert_eq!(
            resources_and_pairs(&w(&["pods", "a=b", "foo"]), "label"),
            Err("error: all resources must be specified before label changes: foo\n".into())
        );
        assert!(
            parse_pairs(&w(&["a=-x"]), false)
                .unwrap_err()
                .starts_with("error: invalid label value: \"a=-x\"")
        );
        assert_eq!(
            parse_pairs(&w(&["a=b=c"]), true),
            Ok((vec![("a".into(), "b=c".into())], vec![]))
        );
        assert_eq!(
            parse_pairs(&w(&["=x"]), true),
            Err("error: invalid annotation format: =x\n".into())
        );
    }
}
