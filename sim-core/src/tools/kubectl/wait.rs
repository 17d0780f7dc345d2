//! `kubectl wait --for=CONDITION KIND/NAME...|KIND -l SEL|KIND --all [--timeout=D]`, in
//! simulated time (kubectl's pkg/cmd/wait).
//!
//! kubectl watches the objects' kind: what exists when the watch starts decides which
//! objects are waited for (a name that does not exist is the apiserver's NotFound, except
//! for `--for=delete`, where it is already met and prints nothing), then each object in
//! turn is waited for, and `KIND/NAME condition met` printed as it is met. One timeout
//! covers the whole wait (default 30s; 0 checks once; negative is a week): past it,
//! `error: timed out waiting for the condition on pods/x`, status 1.
//!
//! Conditions: `--for=delete`; `--for=condition=TYPE[=STATUS]` (STATUS default `true`,
//! both compared without case) on `status.conditions` as `get -o yaml` shows them (a
//! pod's Ready, ContainersReady, Initialized, PodScheduled; a node's Ready), and a
//! Deployment's `Available` (its ready pods at least `replicas` less maxUnavailable, as
//! the deployment controller sets it; the simulator does not write Deployment
//! conditions into the object yet); `--for=jsonpath='{.status.phase}'=Running` (or a
//! path alone: any value).

use std::collections::VecDeque;

use super::jsonpath::JsonPath;
use super::selector::LabelSelector;
use super::value::Value;
use super::verbs::{Args, boolean, unknown_flag};
use super::{Named, object};
use crate::engine::Dur;
use crate::k8s::api::{Body, EventType, Kind, Object, Request, Response, WatchEvent};
use crate::k8s::proxy::names::Era;

#[derive(Clone, Debug)]
pub enum For {
    Delete,
    Condition {
        name: String,
        status: String,
    },
    JsonPath {
        path: JsonPath,
        value: Option<String>,
    },
}

#[derive(Clone, Debug)]
pub struct Wait {
    pub kind: Kind,
    names: Named,
    selector: Option<LabelSelector>,
    all: bool,
    cond: For,
    /// `None`: a week (a negative `--timeout`).
    pub timeout: Dur,
    /// The objects still waited for, in order: (kind, namespace, name) and what the watch
    /// last said of it (`None`: gone).
    queue: VecDeque<((Kind, String, String), Option<Object>)>,
    started: bool,
    /// `delete`'s wait: the objects are known, and nothing is printed.
    quiet: bool,
    /// `delete`'s wait: the uid of each object deleted. An object of the same name with
    /// another uid is a new one (a StatefulSet's pod made again at once), and the deleted
    /// one is gone: kubectl's wait compares uids.
    uids: std::collections::BTreeMap<(Kind, String, String), String>,
}

/// What the wait does after a message: print, and go on or end.
pub struct Step {
    pub out: String,
    pub err: String,
    pub done: Option<i32>,
}

impl Wait {
    pub fn parse(a: &Args) -> Result<Wait, (String, i32)> {
        let mut cond = None;
        let mut timeout = Dur::from_secs(30);
        let mut selector = None;
        let mut all = false;
        for (f, v) in &a.flags {
            match f.as_str() {
                "--for" => {
                    let v = v.clone().unwrap_or_default();
                    cond = Some(parse_for(&v).map_err(|e| (format!("error: {e}\n"), 1))?);
                }
                "--timeout" => {
                    let v = v.clone().unwrap_or_default();
                    timeout = match v.strip_prefix('-') {
                        Some(_) => Dur::from_secs(7 * 24 * 3600),
                        None => Dur::parse(&v).map_err(|_| {
                            (
                                format!(
                                    "error: invalid argument \"{v}\" for \"--timeout\" flag: time: invalid duration \"{v}\"\n"
                                ),
                                1,
                            )
                        })?,
                    };
                }
                "-l" | "--selector" => selector = v.clone(),
                "--all" => all = boolean(f, v)?,
                "-f" | "--filename" | "--field-selector" | "-o" | "--output" | "--local" => {
                    return Err((format!("error: kubectl wait {f} is not simulated yet\n"), 1));
                }
                other => return Err(unknown_flag("wait", other)),
            }
        }
        let Some(cond) = cond else {
            return Err(("error: --for must be set\n".into(), 1));
        };
        if a.words.is_empty() {
            return Err((
                "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n".into(),
                1,
            ));
        }
        let (kind, names) = super::kind_and_names(&a.words)?;
        if names.iter().any(|(k, _)| *k != kind) {
            return Err((
                "error: waiting for objects of several kinds at once is not simulated; wait for each kind on its own\n".into(),
                1,
            ));
        }
        let selector = match selector {
            Some(s) => Some(
                LabelSelector::parse(&s)
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
        Ok(Wait {
            uids: std::collections::BTreeMap::new(),
            kind,
            names,
            selector,
            all,
            cond,
            timeout,
            queue: VecDeque::new(),
            started: false,
            quiet: false,
        })
    }

    /// `kubectl delete`'s wait until the objects it deleted are gone (a week at most,
    /// printing nothing).
    pub fn gone(deleted: &[(Kind, String, String)], uids: &[String]) -> Wait {
        Wait {
            uids: deleted.iter().cloned().zip(uids.iter().cloned()).collect(),
            kind: deleted.first().map_or(Kind::Pod, |d| d.0),
            names: Vec::new(),
            selector: None,
            all: false,
            cond: For::Delete,
            timeout: Dur::from_secs(7 * 24 * 3600),
            queue: deleted.iter().map(|k| (k.clone(), None)).collect(),
            started: false,
            quiet: true,
        }
    }

    /// The watch that starts the wait.
    pub fn request(&self) -> Request {
        let mut kinds = vec![self.kind];
        for ((k, ..), _) in &self.queue {
            if !kinds.contains(k) {
                kinds.push(*k);
            }
        }
        Request::Watch { kinds, node: None }
    }

    /// The watch's first answer: the objects waited for; then whatever is met already.
    pub fn listed(&mut self, resp: Response, ns: &str, all_ns: bool, era: Era) -> Step {
        let mut step = Step {
            out: String::new(),
            err: String::new(),
            done: None,
        };
        if self.started {
            return step;
        }
        self.started = true;
        if self.quiet {
            // `delete`'s: what is still there.
            let Response::List(objects) = resp else {
                step.done = Some(1);
                return step;
            };
            for (key, o) in self.queue.iter_mut() {
                *o = objects
                    .iter()
                    .find(|x| x.key() == *key && !other_uid(&self.uids, x))
                    .cloned();
            }
            self.advance(&mut step, era);
            return step;
        }
        if era == Era::Classic {
            // kubectl 1.5 had no such verb (it came in 1.11).
            step.err = "Error: unknown command \"wait\" for \"kubectl\"\nRun 'kubectl --help' for usage.\n".into();
            step.done = Some(1);
            return step;
        }
        let Response::List(objects) = resp else {
            step.done = Some(1);
            return step;
        };
        let in_ns = |o: &Object| all_ns || !o.kind().namespaced() || o.meta.namespace == ns;
        if self.names.is_empty() {
            for o in objects.iter().filter(|o| in_ns(o)) {
                if self.all
                    || self
                        .selector
                        .as_ref()
                        .is_some_and(|s| s.matches(&o.meta.labels))
                {
                    self.queue.push_back((o.key(), Some(o.clone())));
                }
            }
            if self.queue.is_empty() && !matches!(self.cond, For::Delete) {
                step.err = "error: no matching resources found\n".into();
                step.done = Some(1);
                return step;
            }
        } else {
            for (kind, name) in &self.names {
                let found = objects.iter().find(|o| {
                    o.meta.name == *name && (o.meta.namespace == ns || !kind.namespaced())
                });
                match (found, &self.cond) {
                    (Some(o), _) => self.queue.push_back((o.key(), Some(o.clone()))),
                    // Gone already: met, and nothing to print.
                    (None, For::Delete) => {}
                    (None, _) => {
                        step.err = format!(
                            "Error from server (NotFound): {} \"{name}\" not found\n",
                            kind.plural()
                        );
                        step.done = Some(1);
                        return step;
                    }
                }
            }
        }
        self.advance(&mut step, era);
        step
    }

    /// A change the watch reports.
    pub fn event(&mut self, ev: WatchEvent, era: Era) -> Step {
        let mut step = Step {
            out: String::new(),
            err: String::new(),
            done: None,
        };
        let key = ev.object.key();
        if other_uid(&self.uids, &ev.object) {
            return step; // a new object under the deleted one's name
        }
        for (k, o) in self.queue.iter_mut() {
            if *k == key {
                *o = match ev.what {
                    EventType::Deleted => None,
                    _ => Some(ev.object.clone()),
                };
            }
        }
        self.advance(&mut step, era);
        step
    }

    /// The timeout: the object waited for now is named in the error.
    pub fn timed_out(&self) -> Step {
        let on = self
            .queue
            .front()
            .map(|((k, _, n), _)| format!("{}/{n}", object::resource(*k)))
            .unwrap_or_default();
        Step {
            out: String::new(),
            err: format!("error: timed out waiting for the condition on {on}\n"),
            done: Some(1),
        }
    }

    /// Prints every object met at the head of the queue; done when none is left.
    fn advance(&mut self, step: &mut Step, era: Era) {
        while let Some(((kind, _, name), o)) = self.queue.front() {
            if !met(&self.cond, o.as_ref(), era) {
                // A pod deleted while waited for a condition: kubectl's watch ends with
                // the object gone.
                if o.is_none() {
                    step.err += &format!(
                        "error: {}/{name} was deleted while waiting for the condition\n",
                        object::resource(*kind)
                    );
                    step.done = Some(1);
                }
                return;
            }
            if !self.quiet {
                step.out += &format!("{}/{name} condition met\n", kind.singular());
            }
            self.queue.pop_front();
        }
        step.done = Some(0);
    }
}

/// `--for=...` (wait.go's conditionFuncsFor).
fn parse_for(v: &str) -> Result<For, String> {
    if v.eq_ignore_ascii_case("delete") {
        return Ok(For::Delete);
    }
    if let Some(c) = v.strip_prefix("condition=") {
        let (name, status) = match c.split_once('=') {
            Some((n, s)) => (n, s),
            None => (c, "true"),
        };
        return Ok(For::Condition {
            name: name.to_string(),
            status: status.to_string(),
        });
    }
    if let Some(j) = v.strip_prefix("jsonpath=") {
        let parts = split_jsonpath(j);
        if parts.is_empty() || parts.len() > 2 {
            return Err("jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 or --for=jsonpath='{.status.readyReplicas}'".into());
        }
        let expr = relaxed(&parts[0])?;
        let value = match parts.get(1) {
            Some(v) => {
                let v = v.trim_matches(|c| c == '\'' || c == '"');
                if v.is_empty() {
                    return Err("jsonpath wait has to have a value after equal sign, like --for=jsonpath='{.status.readyReplicas}'=3".into());
                }
                Some(v.to_string())
            }
            None => None,
        };
        let path = JsonPath::parse(&expr)?.allow_missing_keys(true);
        return Ok(For::JsonPath { path, value });
    }
    Err(format!(
        "unrecognized condition: {}",
        super::value::go_quote(v)
    ))
}

/// wait.go's splitJSONPathInput: split on single `=`, `==` kept.
fn split_jsonpath(input: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let b = input.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' {
            if i + 1 < b.len() && b[i + 1] == b'=' {
                cur.push_str("==");
                i += 2;
                continue;
            }
            out.push(std::mem::take(&mut cur));
            i += 1;
            continue;
        }
        let ch = input[i..].chars().next().unwrap_or('\0');
        cur.push(ch);
        i += ch.len_utf8();
    }
    out.push(cur);
    out
}

/// RelaxedJSONPathExpression.
fn relaxed(s: &str) -> Result<String, String> {
    let inner = s
        .strip_prefix('{')
        .and_then(|r| r.strip_suffix('}'))
        .unwrap_or(s);
    let inner = inner.strip_prefix('.').unwrap_or(inner);
    if inner.is_empty() {
        return Err("jsonpath expression cannot be empty".into());
    }
    Ok(format!("{{.{inner}}}"))
}

/// Whether `o` is not the object of its name that `delete` deleted.
fn other_uid(
    uids: &std::collections::BTreeMap<(Kind, String, String), String>,
    o: &Object,
) -> bool {
    uids.get(&o.key()).is_some_and(|u| *u != o.meta.uid)
}

/// Whether `o` (`None`: gone) meets the condition.
fn met(cond: &For, o: Option<&Object>, era: Era) -> bool {
    let Some(o) = o else {
        return matches!(cond, For::Delete);
    };
    match cond {
        For::Delete => false,
        For::Condition { name, status } => conditions(o, era)
            .iter()
            .any(|(t, s)| t.eq_ignore_ascii_case(name) && s.eq_ignore_ascii_case(status)),
        For::JsonPath { path, value } => {
            let v = object::api_object(o, era);
            match (path.execute(&v), value) {
                (Ok(got), Some(want)) => got == *want,
                (Ok(got), None) => !got.is_empty(),
                (Err(_), _) => false,
            }
        }
    }
}

/// An object's `status.conditions` as (type, status): what `get -o yaml` shows, and a
/// Deployment's Available (the deployment controller's rule: ready pods at least
/// `replicas` less maxUnavailable).
fn conditions(o: &Object, era: Era) -> Vec<(String, String)> {
    if let Body::Workload(w) = &o.body
        && w.kind == Kind::Deployment
    {
        let (_, unavailable) = w.rollout.fenceposts(w.replicas);
        let available = w.ready >= w.replicas.saturating_sub(unavailable);
        let s = if available { "True" } else { "False" };
        return vec![("Available".into(), s.into())];
    }
    let v = object::api_object(o, era);
    let Some(Value::List(list)) = v.at("status.conditions") else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|c| {
            let m = c.map()?;
            let t = m.get("type")?;
            let s = m.get("status")?;
            match (t, s) {
                (Value::Str(t), Value::Str(s)) => Some((t.clone(), s.clone())),
                _ => None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn for_flags_are_read_as_kubectl_reads_them() {
        assert!(matches!(parse_for("delete"), Ok(For::Delete)));
        assert!(matches!(parse_for("Delete"), Ok(For::Delete)));
        assert!(matches!(
            parse_for("condition=Ready"),
            Ok(For::Condition { name, status }) if name == "Ready" && status == "true"
        ));
        assert!(matches!(
            parse_for("condition=Ready=False"),
            Ok(For::Condition { status, .. }) if status == "False"
        ));
        assert!(matches!(
            parse_for("jsonpath={.status.phase}=Running"),
            Ok(For::JsonPath { value: Some(v), .. }) if v == "Running"
        ));
        assert!(matches!(
            parse_for("jsonpath=.status.phase"),
            Ok(For::JsonPath { value: None, .. })
        ));
        assert_eq!(
            parse_for("ready").err(),
            Some("unrecognized condition: \"ready\"".into())
        );
        assert_eq!(split_jsonpath("a==b=c"), vec!["a==b", "c"]);
        assert!(parse_for("jsonpath={.a}=").is_err());
    }
}
