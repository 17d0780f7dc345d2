//! `kubectl create|apply|replace|delete -f PATH`: every object of the manifest files PATH
//! names on this machine, in file order, each sent to the apiserver and reported on its
//! own line as kubectl reports it.
//!
//! PATH is a file, a directory (its `.json`, `.yaml` and `.yml` files; with `-R` those of
//! its subdirectories too), or several of them (`-f a.yaml -f b.yaml`); a relative path is
//! relative to the shell's directory, root's home `/root`. kubectl reads every file before
//! it sends anything: a file that does not decode is reported (kubectl's words) and its
//! objects are skipped, the other files' objects still go, and the status is 1.

use std::collections::{BTreeMap, VecDeque};

use crate::k8s::api::{Kind, Object, Request, Response};
use crate::k8s::manifest::Manifest;
use crate::k8s::proxy::names::Era;

/// The verb, as kubectl's result lines name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    Create,
    Apply,
    Replace,
    Delete,
}

impl Verb {
    /// What kubectl's error says it was doing (`error when creating "x.yaml"`).
    pub fn doing(self) -> &'static str {
        match self {
            Verb::Create => "creating",
            Verb::Apply => "applying",
            Verb::Replace => "replacing",
            Verb::Delete => "deleting",
        }
    }
}

/// The directory a relative path is read from: the shell's, root's home.
pub const CWD: &str = "/root";

/// One object read from a file, waiting to be sent.
#[derive(Clone, Debug)]
pub struct Item {
    pub file: String,
    pub manifest: Manifest,
}

/// The run of one `-f` command.
#[derive(Clone, Debug)]
pub struct Files {
    pub verb: Verb,
    pub paths: Vec<String>,
    pub recursive: bool,
    queue: VecDeque<Item>,
    current: Option<Item>,
    pub failed: bool,
    /// What kubectl prints on stderr before the current answer's line, if anything.
    pub warning: Option<String>,
}

/// The absolute path kubectl opens for `path`.
pub fn absolute(path: &str) -> String {
    if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{CWD}/{}", path.trim_start_matches("./"))
    }
}

/// The files `-f path` reads on a machine whose files are `files`: the file itself, or
/// the manifest files in the directory (and below it, with `recursive`), in name order
/// (Go's `filepath.Walk` order). `None`: nothing is there.
pub fn named<'a>(
    files: &'a BTreeMap<String, String>,
    path: &str,
    recursive: bool,
) -> Option<Vec<(&'a String, &'a String)>> {
    let path = absolute(path);
    if let Some((k, v)) = files.get_key_value(&path) {
        return Some(vec![(k, v)]);
    }
    let dir = format!("{}/", path.trim_end_matches('/'));
    let mut found = Vec::new();
    let mut exists = false;
    for (k, v) in files.range(dir.clone()..) {
        let Some(rest) = k.strip_prefix(&dir) else {
            break;
        };
        exists = true;
        if (recursive || !rest.contains('/')) && crate::k8s::api::is_manifest_file(rest) {
            found.push((k, v));
        }
    }
    exists.then_some(found)
}

impl Files {
    pub fn new(verb: Verb, paths: Vec<String>, recursive: bool) -> Files {
        Files {
            verb,
            paths,
            recursive,
            queue: VecDeque::new(),
            current: None,
            failed: false,
            warning: None,
        }
    }

    /// Reads and decodes every file; returns what to print on stderr for those that could
    /// not be read (the run goes on with the others), or `Err` when nothing can go (a
    /// path that does not exist: kubectl stops before sending anything).
    pub fn read(&mut self, files: &BTreeMap<String, String>, era: Era) -> Result<String, String> {
        let mut errors = String::new();
        for p in &self.paths {
            let Some(found) = named(files, p, self.recursive) else {
                return Err(format!("error: the path \"{p}\" does not exist\n"));
            };
            for (name, text) in found {
                // kubectl names the file as it was given (`-f dns-pod.yaml`), or as found
                // in the directory it was given.
                let shown = if name == &absolute(p) {
                    p.clone()
                } else {
                    format!(
                        "{}/{}",
                        p.trim_end_matches('/'),
                        &name[absolute(p).trim_end_matches('/').len() + 1..]
                    )
                };
                match crate::k8s::manifest::decode(&shown, text) {
                    Ok(docs) => self.queue.extend(docs.into_iter().map(|d| Item {
                        file: shown.clone(),
                        manifest: d.manifest,
                    })),
                    Err(e) => {
                        self.failed = true;
                        errors += &e.kubectl(self.verb.doing(), era == Era::Classic);
                        errors.push('\n');
                    }
                }
            }
        }
        // Files that hold no object (empty, only `---` or comments): kubectl's
        // "no objects passed to VERB" (delete has nothing to say then).
        let verb = match self.verb {
            Verb::Create => Some("create"),
            Verb::Apply => Some("apply"),
            Verb::Replace => Some("replace"),
            Verb::Delete => None,
        };
        if let (Some(verb), true, true) = (verb, self.queue.is_empty(), errors.is_empty()) {
            return Err(format!("error: no objects passed to {verb}\n"));
        }
        Ok(errors)
    }

    /// The next request to send, with `default_ns` for objects that name none; `Err` is
    /// kubectl's own refusal of an object (printed, and the run goes on).
    pub fn next(&mut self, default_ns: &str, explicit_ns: bool) -> Option<Result<Request, String>> {
        let item = self.queue.pop_front()?;
        let meta = item.manifest.metadata();
        let namespaced = Kind::parse(item.manifest.kind()).is_none_or(Kind::namespaced);
        if let Some(ns) = meta.namespace.as_deref()
            && explicit_ns
            && namespaced
            && ns != default_ns
        {
            self.failed = true;
            return Some(Err(format!(
                "error: the namespace from the provided object \"{ns}\" does not match the namespace \"{default_ns}\". You must pass '--namespace={ns}' to perform this operation.\n"
            )));
        }
        let ns = if namespaced {
            meta.namespace
                .clone()
                .unwrap_or_else(|| default_ns.to_string())
        } else {
            String::new()
        };
        let name = meta.name.clone().unwrap_or_default();
        let req = match self.verb {
            Verb::Create => Request::Create {
                object: Box::new(item.manifest.clone()),
                ns,
            },
            Verb::Apply => Request::Apply {
                object: Box::new(item.manifest.clone()),
                ns,
            },
            Verb::Replace => Request::Replace {
                object: Box::new(item.manifest.clone()),
                ns,
            },
            Verb::Delete => match Kind::parse(item.manifest.kind()) {
                Some(kind) => Request::Delete { kind, ns, name },
                None => {
                    self.failed = true;
                    return Some(Err(format!(
                        "error: the server doesn't have a resource type \"{}\"\n",
                        item.manifest.kind().to_ascii_lowercase()
                    )));
                }
            },
        };
        self.current = Some(item);
        Some(Ok(req))
    }

    /// kubectl's line for the answer to the current object: (stream is stderr, text).
    pub fn answer(&mut self, resp: Response, era: Era) -> (bool, String) {
        let file = self.current.take().map(|i| i.file).unwrap_or_default();
        match resp {
            Response::Object(o) => {
                if self.verb != Verb::Delete {
                    self.not_enforced(&o);
                }
                (false, result_line(&o, self.past(), era))
            }
            Response::Applied(o, "configured (no last-applied)") => {
                // kubectl's warning (apply.go's warningNoLastAppliedConfigAnnotation; 1.5's
                // `kubectl apply should be used on resource created by ...`), then the line.
                let warning = match era {
                    Era::Modern => format!(
                        "Warning: resource {}/{} is missing the kubectl.kubernetes.io/last-applied-configuration annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n",
                        o.kind().plural(),
                        o.meta.name
                    ),
                    Era::Classic => "Warning: kubectl apply should be used on resource created by either kubectl create --save-config or kubectl apply\n".to_string(),
                };
                self.warning = Some(warning);
                (false, result_line(&o, "configured", era))
            }
            Response::Applied(o, outcome) => {
                self.not_enforced(&o);
                (false, result_line(&o, outcome, era))
            }
            Response::Error {
                code,
                reason,
                message,
            } => {
                self.failed = true;
                let text = match code {
                    // Validation: kubectl prints the apiserver's status message as it is.
                    422 => format!("The {message}\n"),
                    _ => {
                        // apply.go creates an object it did not find, and says so when
                        // that fails; a NotFound answer to apply is that creation's (the
                        // namespace is missing, so the object cannot exist).
                        let doing = match (self.verb, reason.as_str()) {
                            (Verb::Apply, "NotFound") => "creating",
                            (verb, _) => verb.doing(),
                        };
                        format!(
                            "Error from server ({reason}): error when {doing} \"{file}\": {message}\n"
                        )
                    }
                };
                (true, text)
            }
            _ => {
                self.failed = true;
                (
                    true,
                    "error: unexpected answer from the server\n".to_string(),
                )
            }
        }
    }

    /// The simulator's warning for an object it keeps but does not act on yet (a
    /// NetworkPolicy: no network plugin here enforces one).
    fn not_enforced(&mut self, o: &Object) {
        if o.kind() == crate::k8s::api::Kind::NetworkPolicy {
            self.warning = Some(format!(
                "Warning: (simulator) networkpolicy {}/{} is stored but not enforced: the simulated network does not filter traffic by NetworkPolicy yet\n",
                o.meta.namespace, o.meta.name
            ));
        }
    }

    fn past(&self) -> &'static str {
        match self.verb {
            Verb::Create | Verb::Apply => "created",
            Verb::Replace => "replaced",
            Verb::Delete => "deleted",
        }
    }
}

/// kubectl's result line for an object (`service/frontend created`; kubectl 1.5:
/// `service "frontend" created`).
pub fn result_line(o: &Object, past: &str, era: Era) -> String {
    super::release::done(o.kind(), &o.meta.name, past, era)
}
