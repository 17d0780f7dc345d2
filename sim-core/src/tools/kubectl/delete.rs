//! `kubectl delete KIND NAME...|TYPE/NAME...|KIND -l SEL|KIND --all` (kubectl's
//! pkg/cmd/delete; `delete -f` is `files.rs`'s).
//!
//! Each object is deleted in turn and printed as kubectl's delete printer prints it
//! (`pod "x" deleted` in both eras; `force deleted` with `--force --grace-period=0`). A
//! name that is not there is the apiserver's NotFound (status 1, the others still go),
//! or nothing with `--ignore-not-found`, which `-l` and `--all` imply; a selector that
//! picks nothing prints `No resources found`. Then, unless `--wait=false`, kubectl waits
//! until every deleted object is gone: in the simulator a namespace stays `Terminating`
//! while its controller empties it, so `delete ns` returns when it is gone; other objects
//! go at once.
//!
//! Grace periods are not simulated: a deleted pod's kubelet stops its containers at once
//! (the simulator's kubelet has no SIGTERM-then-SIGKILL wait), so `--grace-period=N` with
//! N above 1 is warned about; `--now` (1 second) and `--force --grace-period=0` are
//! checked and worded as kubectl does.

use std::collections::VecDeque;

use super::selector::LabelSelector;
use super::verbs::{Args, boolean, unknown_flag};
use super::{Named, release};
use crate::k8s::api::{Kind, Request, Response};
use crate::k8s::proxy::names::Era;

#[derive(Clone, Debug)]
pub struct Delete {
    kind: Kind,
    names: Named,
    selector: Option<LabelSelector>,
    ignore_not_found: bool,
    force: bool,
    pub wait: bool,
    /// (kind, namespace, name) still to delete.
    queue: VecDeque<(Kind, String, String)>,
    /// Deleted: what `--wait` waits for.
    pub deleted: Vec<(Kind, String, String)>,
    /// Their uids, as the apiserver's answers gave them.
    pub uids: Vec<String>,
    listed: bool,
    pub failed: bool,
}

/// What to print after an answer, and the next request or the end.
pub struct Step {
    pub out: String,
    pub err: String,
    /// `Ok(None)`: every deletion is answered.
    pub next: Result<Option<Request>, i32>,
}

impl Delete {
    /// The command line (without `-f`, which `files.rs` runs), and the warning kubectl
    /// prints before it starts (may be empty).
    pub fn parse(a: &Args) -> Result<(Delete, String), (String, i32)> {
        let mut selector = None;
        let mut all = false;
        let mut ignore = None;
        let mut force = false;
        let mut wait = true;
        let mut now = false;
        let mut grace: Option<i64> = None;
        let mut warning = String::new();
        for (f, v) in &a.flags {
            match f.as_str() {
                "-l" | "--selector" => selector = v.clone(),
                "--all" => all = boolean(f, v)?,
                "--ignore-not-found" => ignore = Some(boolean(f, v)?),
                "--force" => force = boolean(f, v)?,
                "--wait" => wait = boolean(f, v)?,
                "--now" => now = boolean(f, v)?,
                "--grace-period" => {
                    let v = v.clone().unwrap_or_default();
                    grace = Some(crate::tools::num::go_parse_int(&v, true).map_err(|e| {
                        (
                            format!(
                                "error: invalid argument \"{v}\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"{v}\": {}\n",
                                e.text()
                            ),
                            1,
                        )
                    })?);
                }
                "--cascade" | "--timeout" | "--field-selector" | "-o" | "--output" | "--raw"
                | "-i" | "--interactive" | "--dry-run" | "-k" | "--kustomize" => {
                    return Err((
                        format!("error: kubectl delete {f} is not simulated yet\n"),
                        1,
                    ));
                }
                other => return Err(unknown_flag("delete", other)),
            }
        }
        if a.words.is_empty() {
            return Err((
                "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n".into(),
                1,
            ));
        }
        if a.words[0].contains(',') {
            return Err((
                format!(
                    "error: deleting several kinds at once (`{}`) is not simulated; delete each kind on its own\n",
                    a.words[0]
                ),
                1,
            ));
        }
        let (kind, names) = super::kind_and_names(&a.words)?;
        if all && selector.is_some() {
            return Err((
                "error: cannot set --all and --selector at the same time\n".into(),
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
        if !names.is_empty() && (selector.is_some() || all) {
            return Err((
                "error: name cannot be provided when a selector is specified\n".into(),
                1,
            ));
        }
        // delete.go's Complete and Validate.
        let mut grace = grace.unwrap_or(-1);
        if now {
            if grace != -1 {
                return Err((
                    "error: --now and --grace-period cannot be specified together\n".into(),
                    1,
                ));
            }
            grace = 1;
        }
        if grace == 0 && !force {
            grace = 1;
        }
        if force && grace < 0 {
            grace = 0;
        }
        if force && grace > 0 {
            return Err((
                "error: --force and --grace-period greater than 0 cannot be specified together\n"
                    .into(),
                1,
            ));
        }
        if grace == 0 {
            warning += "Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n";
        }
        if grace > 1 {
            warning += &format!(
                "warning: --grace-period={grace} is not simulated: a deleted pod's containers stop at once\n"
            );
        }
        let by_selector = selector.is_some() || all;
        Ok((
            Delete {
                kind,
                names,
                selector,
                ignore_not_found: ignore.unwrap_or(by_selector),
                force: grace == 0,
                wait,
                queue: VecDeque::new(),
                deleted: Vec::new(),
                uids: Vec::new(),
                listed: false,
                failed: false,
            },
            warning,
        ))
    }

    /// The first request: the first deletion, or the list a selector picks from.
    pub fn start(&mut self, ns: &str, all_ns: bool) -> Option<Request> {
        if self.names.is_empty() {
            return Some(Request::List {
                kind: self.kind,
                ns: (!all_ns).then(|| ns.to_string()),
            });
        }
        self.listed = true;
        self.queue = self
            .names
            .iter()
            .map(|(k, n)| (*k, ns.to_string(), n.clone()))
            .collect();
        self.next()
    }

    fn next(&mut self) -> Option<Request> {
        self.queue.pop_front().map(|(kind, ns, name)| {
            // As the object's key has it: a cluster-scoped kind has no namespace.
            let key_ns = if kind.namespaced() {
                ns.clone()
            } else {
                String::new()
            };
            self.deleted.push((kind, key_ns, name.clone()));
            Request::Delete { kind, ns, name }
        })
    }

    pub fn answer(&mut self, resp: Response, era: Era) -> Step {
        let mut step = Step {
            out: String::new(),
            err: String::new(),
            next: Ok(None),
        };
        match resp {
            Response::List(list) if !self.listed => {
                self.listed = true;
                self.queue = list
                    .into_iter()
                    .filter(|o| {
                        self.selector
                            .as_ref()
                            .is_none_or(|s| s.matches(&o.meta.labels))
                    })
                    .map(|o| (o.kind(), o.meta.namespace.clone(), o.meta.name.clone()))
                    .collect();
                if self.queue.is_empty() {
                    step.out = "No resources found\n".into();
                    step.next = Err(0);
                    return step;
                }
            }
            Response::Object(o) => {
                let op = if self.force {
                    "force deleted"
                } else {
                    "deleted"
                };
                step.out = release::done(o.kind(), &o.meta.name, op, era);
                self.uids.push(o.meta.uid.clone());
            }
            Response::Error { code: 404, .. } if self.ignore_not_found => {
                self.deleted.pop();
            }
            Response::Error {
                code,
                reason,
                message,
            } => {
                self.deleted.pop();
                self.failed = true;
                step.err = super::error_text(code, &reason, &message);
            }
            _ => {}
        }
        step.next = Ok(self.next());
        step
    }
}
