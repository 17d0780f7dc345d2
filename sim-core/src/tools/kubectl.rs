//! `kubectl`: asks the apiserver and prints what kubectl prints.
//!
//! - `get`: see `get` (kinds, names, `all`, selectors, output formats, watches); each
//!   kind's table is kubectl's (tabwriter: columns 3 spaces apart), AGE as kubectl's
//!   HumanDuration of simulated time.
//! - `create|apply|replace|delete -f PATH [-R]`: every object of the manifest files PATH
//!   names on this machine (the scenario's `manifests`), in order (`kubectl/files.rs`).
//! - `delete KIND NAME` / `delete KIND/NAME`.
//! - `describe KIND [NAME|PREFIX]`: `describe.rs`; `logs`, `get events`, `version`,
//!   `api-resources`, `explain`, `cluster-info`: `verbs.rs` and its siblings.
//! - `exec [-it] POD -- CMD...` (POD may be `rc/NAME`: its first pod by name): runs the
//!   command in the pod, and ends with its status and output.
//!
//! kubectl talks to the apiserver at localhost:8080 (no kubeconfig): on any machine but
//! the master it gets "The connection to the server localhost:8080 was refused". The
//! request and its answer take the control path's latency each way.

mod delete;
mod describe;
mod events;
mod explain;
mod files;
mod info;
mod logs;
mod modify;
mod patch;
mod rollout;
mod run;
pub(crate) mod tabwriter;
mod verbs;
mod wait;

use std::net::Ipv4Addr;

use crate::engine::{Ctx, Dur, SimTime};
use crate::k8s::api::{Body, Kind, Object, Request, Response};
use crate::net::{Msg, Net, NsId, control};
use crate::tools::print;
use crate::trace::Stream;

mod get;
mod jsonpath;
mod object;
mod release;
mod selector;
mod value;
mod yaml;

#[derive(Clone, Debug)]
enum Cmd {
    /// `get ...`: see `get`.
    Get(Box<get::Get>),
    /// `create namespace NAME`, `create secret generic NAME --from-literal=K=V...`: the
    /// object kubectl builds, created in the namespace (a Namespace in none).
    CreateObject(Box<crate::k8s::manifest::Manifest>),
    /// `create|apply|replace|delete -f PATH...`.
    Files(Box<files::Files>),
    /// `delete KIND NAME...|TYPE/NAME...|KIND -l SEL|KIND --all` (`delete.rs`), and the
    /// warning kubectl prints before it starts.
    Delete(Box<delete::Delete>, String),
    /// `describe KIND [NAME...]` (`describe.rs`).
    Describe { kind: Kind, names: Vec<String> },
    /// `logs`, `get events`, `version`, `api-resources`, `explain`, `cluster-info`
    /// (`verbs.rs`).
    More(verbs::More),
    /// `exec POD -- CMD...`; POD may be `rc/NAME` (its first pod by name).
    Exec { target: String, command: String },
    /// `scale KIND/NAME --replicas=N`.
    Scale {
        kind: Kind,
        name: String,
        replicas: u32,
    },
    /// `label`, `annotate`, `patch`, `edit` (`modify.rs`).
    Modify(Box<modify::Modify>),
    /// `wait --for=...` (`wait.rs`).
    Wait(Box<wait::Wait>),
    /// `run NAME --image=...` (`run.rs`).
    Run(Box<run::Run>),
    /// `expose KIND NAME` (`run.rs`).
    Expose(Box<run::Expose>),
}

pub struct Kubectl {
    cmd: Cmd,
    ns: String,
    /// `-n` was given (`cluster-info` defaults to kube-system otherwise; a manifest's own
    /// namespace must then agree with it).
    ns_given: bool,
    all: bool,
    timer: Option<crate::engine::CancelKey>,
    /// `-l k=v`: get and delete only the objects with these labels.
    selector: Option<crate::k8s::api::Labels>,
    /// The cluster's release, from the apiserver's answers: this kubectl is the one that
    /// comes with the cluster, and prints as that release's kubectl does.
    version: crate::k8s::version::Version,
    /// `-A` was typed: kubectl 1.5 had only `--all-namespaces` (1.14 added the shorthand).
    short_all: bool,
}

const USAGE: &str = "kubectl: the simulator models `get KIND [NAME] [-o wide] [-n NS] [-A]`, `create|apply -f FILE` and `delete KIND NAME`\n";

/// No answer from the apiserver in time: kubectl's message, status 1.
fn timed_out(cx: &mut Ctx<'_, Net>) -> Option<i32> {
    print(
        cx,
        Stream::Stderr,
        "Unable to connect to the server: dial tcp: i/o timeout\n",
    );
    Some(1)
}

fn unknown_kind(k: &str) -> (String, i32) {
    (
        format!("error: the server doesn't have a resource type \"{k}\"\n"),
        1,
    )
}

/// `svc/NAME` or `svc NAME`.
/// Objects named on a command line, each with its kind.
type Named = Vec<(Kind, String)>;

/// `KIND NAME...` or `TYPE/NAME...`: the kind, and each name with its kind.
fn kind_and_names(words: &[String]) -> Result<(Kind, Named), (String, i32)> {
    let (kind, first) = kind_and_name(words)?;
    let Some(first) = first else {
        return Ok((kind, Vec::new()));
    };
    let slashed = words[0].contains('/');
    let mut names = vec![(kind, first)];
    for w in &words[if slashed { 1 } else { 2 }..] {
        match (slashed, w.split_once('/')) {
            (true, Some((k, n))) => {
                let k = Kind::parse(k).ok_or_else(|| unknown_kind(k))?;
                names.push((k, n.to_string()));
            }
            (true, None) => {
                return Err((
                    "error: arguments in resource/name form must have a single resource and name\n"
                        .into(),
                    1,
                ));
            }
            (false, Some(_)) => {
                return Err((
                    "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'\n".into(),
                    1,
                ));
            }
            (false, None) => names.push((kind, w.clone())),
        }
    }
    Ok((kind, names))
}

fn kind_and_name(words: &[String]) -> Result<(Kind, Option<String>), (String, i32)> {
    let Some(first) = words.first() else {
        return Err((
            "error: You must specify the type of resource to get.\n".into(),
            1,
        ));
    };
    if let Some((k, n)) = first.split_once('/') {
        let kind = Kind::parse(k).ok_or_else(|| unknown_kind(k))?;
        return Ok((kind, Some(n.to_string())));
    }
    let kind = Kind::parse(first).ok_or_else(|| unknown_kind(first))?;
    Ok((kind, words.get(1).cloned()))
}

/// A verb with its own command line reader: the verb, the flags of it that take a value,
/// and the reader of its split command line (with the environment, for `edit`'s editor).
type VerbParser = fn(&verbs::Args, &[(String, String)]) -> Result<Cmd, (String, i32)>;

/// The verbs read through `verbs::split` (more are read in `parse_line` below).
const VERBS: &[(&str, &[&str], VerbParser)] = &[
    ("label", PAIR_FLAGS, |a, _| {
        Ok(Cmd::Modify(Box::new(modify::Modify::parse_pairs(
            a, false,
        )?)))
    }),
    ("annotate", PAIR_FLAGS, |a, _| {
        Ok(Cmd::Modify(Box::new(modify::Modify::parse_pairs(a, true)?)))
    }),
    (
        "patch",
        &[
            "-p",
            "--patch",
            "--type",
            "--patch-file",
            "-o",
            "--output",
            "-f",
            "--filename",
            "--subresource",
        ],
        |a, _| Ok(Cmd::Modify(Box::new(modify::Modify::parse_patch(a)?))),
    ),
    (
        "edit",
        &["-o", "--output", "-f", "--filename", "--subresource"],
        |a, env| {
            let editor = env
                .iter()
                .find(|(k, _)| k == "KUBE_EDITOR")
                .or_else(|| env.iter().find(|(k, _)| k == "EDITOR"))
                .map(|(_, v)| v.clone());
            Ok(Cmd::Modify(Box::new(modify::Modify::parse_edit(
                a, editor,
            )?)))
        },
    ),
    (
        "delete",
        &[
            "-l",
            "--selector",
            "--grace-period",
            "-f",
            "--filename",
            "--cascade",
            "--timeout",
            "--field-selector",
            "-o",
            "--output",
            "--raw",
            "-k",
            "--kustomize",
        ],
        parse_delete,
    ),
    (
        "run",
        &[
            "--image",
            "--port",
            "--labels",
            "-l",
            "--env",
            "--restart",
            "--replicas",
            "--overrides",
            "--image-pull-policy",
            "--annotations",
            "--dry-run",
            "--pod-running-timeout",
            "--serviceaccount",
            "-o",
            "--output",
            "--env-from",
        ],
        |a, _| Ok(Cmd::Run(Box::new(run::Run::parse(a)?))),
    ),
    (
        "expose",
        &[
            "--port",
            "--target-port",
            "--name",
            "--type",
            "--protocol",
            "--selector",
            "--labels",
            "-l",
            "--external-ip",
            "--cluster-ip",
            "-f",
            "--filename",
            "--dry-run",
            "-o",
            "--output",
            "--overrides",
            "--session-affinity",
            "--load-balancer-ip",
            "--container-port",
        ],
        |a, _| Ok(Cmd::Expose(Box::new(run::Expose::parse(a)?))),
    ),
    (
        "wait",
        &[
            "--for",
            "--timeout",
            "-l",
            "--selector",
            "-f",
            "--filename",
            "--field-selector",
            "-o",
            "--output",
        ],
        |a, _| Ok(Cmd::Wait(Box::new(wait::Wait::parse(a)?))),
    ),
];

/// `delete`: of the objects in files (`-f`, `files.rs`), or named or picked
/// (`delete.rs`).
fn parse_delete(a: &verbs::Args, _: &[(String, String)]) -> Result<Cmd, (String, i32)> {
    let files: Vec<String> = a
        .flags
        .iter()
        .filter(|(f, _)| f == "-f" || f == "--filename")
        .filter_map(|(_, v)| v.clone())
        .collect();
    if files.is_empty() {
        let (d, warning) = delete::Delete::parse(a)?;
        return Ok(Cmd::Delete(Box::new(d), warning));
    }
    if !a.words.is_empty() {
        return Err((
            "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'\n".into(),
            1,
        ));
    }
    let mut recursive = false;
    for (f, v) in &a.flags {
        match f.as_str() {
            "-f" | "--filename" => {}
            "-R" | "--recursive" => recursive = verbs::boolean(f, v)?,
            other => {
                return Err((
                    format!("error: kubectl delete -f with {other} is not simulated yet\n"),
                    1,
                ));
            }
        }
    }
    Ok(Cmd::Files(Box::new(files::Files::new(
        files::Verb::Delete,
        files,
        recursive,
    ))))
}

/// The flags of `label` and `annotate` that take a value.
const PAIR_FLAGS: &[&str] = &[
    "-l",
    "--selector",
    "-o",
    "--output",
    "--resource-version",
    "--field-selector",
    "-f",
    "--filename",
    "--dry-run",
];

/// kubectl's words for the apiserver's refusal (`Error from server (NotFound): pods "x"
/// not found`; an Invalid one as `The Pod "x" is invalid: ...`).
fn error_text(code: u16, reason: &str, message: &str) -> String {
    match code {
        422 => format!("The {message}\n"),
        _ => format!("Error from server ({reason}): {message}\n"),
    }
}

impl Kubectl {
    /// Reads kubectl's command line. An error is the message kubectl prints (the caller
    /// ends it with a newline) and its exit status.
    pub fn parse(args: &[String], env: &[(String, String)]) -> Result<Kubectl, (String, i32)> {
        let mut k = Self::parse_line(args, env)
            .map_err(|(m, c)| (m.trim_end_matches('\n').to_string(), c))?;
        k.short_all = args.iter().take_while(|a| *a != "--").any(|a| a == "-A");
        Ok(k)
    }

    fn parse_line(args: &[String], env: &[(String, String)]) -> Result<Kubectl, (String, i32)> {
        // `get events` is the events verb's (verbs.rs); every other `get` is get.rs's.
        if let Some((more, ns, all)) = verbs::parse(args)? {
            return Ok(Kubectl {
                cmd: Cmd::More(more),
                ns_given: ns.is_some(),
                ns: ns.unwrap_or_else(|| "default".into()),
                all,
                timer: None,
                selector: None,
                version: Default::default(),
                short_all: false,
            });
        }
        if let Some((at, verb)) = verbs::verb(args)
            && let Some((_, takes_value, read)) = VERBS.iter().find(|(v, ..)| *v == verb)
        {
            let rest: Vec<String> = args[..at].iter().chain(&args[at + 1..]).cloned().collect();
            let a = verbs::split(&rest, takes_value)?;
            if a.dashed.is_some() && verb != "run" {
                return Err((
                    format!("error: kubectl {verb} takes no arguments after --\n"),
                    1,
                ));
            }
            return Ok(Kubectl {
                cmd: read(&a, env)?,
                ns_given: a.ns.is_some(),
                ns: a.ns.unwrap_or_else(|| "default".into()),
                all: a.all,
                timer: None,
                selector: None,
                version: Default::default(),
                short_all: false,
            });
        }
        if get::is_get(args) {
            return Ok(Kubectl {
                cmd: Cmd::Get(Box::new(get::Get::parse(args)?)),
                ns: "default".into(),
                ns_given: false,
                all: false,
                timer: None,
                selector: None,
                version: Default::default(),
                short_all: false,
            });
        }
        let mut ns = "default".to_string();
        let mut explicit_ns = false;
        let mut replicas = None;
        let mut selector: Option<crate::k8s::api::Labels> = None;
        let mut all = false;
        let mut file: Vec<String> = Vec::new();
        let mut recursive = false;
        // `create secret generic`'s flags.
        let mut literals: Vec<String> = Vec::new();
        let mut secret_type: Option<String> = None;
        let mut words = Vec::new();
        // `exec ... -- CMD...`: everything after `--` is the command.
        let (args, command) = match args.iter().position(|a| a == "--") {
            Some(p) => (&args[..p], Some(shell_words::join(&args[p + 1..]))),
            None => (args, None),
        };
        let mut i = 0;
        while i < args.len() {
            let a = args[i].as_str();
            let mut next = || {
                i += 1;
                args.get(i)
                    .cloned()
                    .ok_or_else(|| (format!("error: flag needs an argument: {a}\n"), 1))
            };
            match a {
                "-n" | "--namespace" => {
                    ns = next()?;
                    explicit_ns = true;
                }
                "-A" | "--all-namespaces" => all = true,
                "-o" | "--output" => match next()?.as_str() {
                    "wide" => {}
                    other => {
                        return Err((
                            format!(
                                "error: output format \"{other}\" is not simulated (only -o wide)\n"
                            ),
                            1,
                        ));
                    }
                },
                "-owide" => {}
                "-it" | "-ti" | "-i" | "-t" | "--stdin" | "--tty" => {}
                "-f" | "--filename" => file.push(next()?),
                "-R" | "--recursive" => recursive = true,
                a if a.starts_with("--filename=") => {
                    file.push(a["--filename=".len()..].to_string())
                }
                "--replicas" => replicas = Some(next()?),
                "--from-literal" => literals.push(next()?),
                a if a.starts_with("--from-literal=") => {
                    literals.push(a["--from-literal=".len()..].to_string())
                }
                a if a.starts_with("--from-file") || a.starts_with("--from-env-file") => {
                    let flag = a.split('=').next().unwrap_or(a);
                    return Err((
                        format!("error: {flag} is not simulated; use --from-literal=KEY=VALUE\n"),
                        1,
                    ));
                }
                "--type" => secret_type = Some(next()?),
                a if a.starts_with("--type=") => {
                    secret_type = Some(a["--type=".len()..].to_string())
                }
                "-l" | "--selector" => {
                    let text = next()?;
                    let mut labels = crate::k8s::api::Labels::new();
                    for pair in text.split(',') {
                        let (k, v) = match pair.split_once("==").or_else(|| pair.split_once('=')) {
                            Some((k, v)) if !k.ends_with('!') && !k.is_empty() => (k, v),
                            _ => {
                                return Err((
                                    format!(
                                        "error: the selector `{text}` is not simulated: only key=value[,key=value] (or ==) is\n"
                                    ),
                                    1,
                                ));
                            }
                        };
                        labels.insert(k.to_string(), v.to_string());
                    }
                    selector = Some(labels);
                }
                a if a.starts_with("--replicas=") => {
                    replicas = Some(a["--replicas=".len()..].to_string())
                }
                a if a.starts_with('-') => {
                    return Err((format!("error: unknown flag: {a}\n{USAGE}"), 1));
                }
                _ => words.push(a.to_string()),
            }
            i += 1;
        }
        let Some((verb, rest)) = words.split_first() else {
            return Err((USAGE.into(), 1));
        };
        let cmd = match verb.as_str() {
            "create"
                if file.is_empty()
                    && matches!(rest.first().map(String::as_str), Some("namespace" | "ns")) =>
            {
                let Some(name) = rest.get(1) else {
                    return Err(("error: exactly one NAME is required, got 0\n".into(), 1));
                };
                Cmd::CreateObject(Box::new(crate::k8s::manifest::Manifest::Namespace(
                    crate::k8s::manifest::types::Namespace {
                        metadata: crate::k8s::manifest::types::ObjectMeta {
                            name: Some(name.clone()),
                            ..Default::default()
                        },
                        ..Default::default()
                    },
                )))
            }
            "create" if file.is_empty() && rest.first().map(String::as_str) == Some("secret") => {
                Cmd::CreateObject(Box::new(create_secret(&rest[1..], &literals, secret_type)?))
            }
            verb @ ("create" | "apply" | "replace") => {
                if file.is_empty() {
                    return Err(("error: must specify one of -f and -k\n".into(), 1));
                }
                let verb = match verb {
                    "create" => files::Verb::Create,
                    "apply" => files::Verb::Apply,
                    _ => files::Verb::Replace,
                };
                Cmd::Files(Box::new(files::Files::new(verb, file, recursive)))
            }
            "describe" => {
                if rest.is_empty() {
                    return Err((
                        "error: You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.\n".into(),
                        1,
                    ));
                }
                let (kind, named) = kind_and_names(rest)?;
                if named.iter().any(|(k, _)| *k != kind) {
                    return Err((
                        "error: describing objects of several kinds at once is not simulated; describe each kind on its own\n".into(),
                        1,
                    ));
                }
                let names = named.into_iter().map(|(_, n)| n).collect();
                Cmd::Describe { kind, names }
            }
            "scale" => {
                let (kind, name) = kind_and_name(rest)?;
                let Some(name) = name else {
                    return Err((
                        "error: resource(s) were provided, but no name was specified\n".into(),
                        1,
                    ));
                };
                // An int flag: pflag reads it with ParseInt(s, 0, 64); Validate() refuses a
                // negative count.
                let replicas = match replicas
                    .as_deref()
                    .map(|r| (r, super::num::go_parse_int(r, true)))
                {
                    Some((_, Ok(r))) if r < 0 => {
                        return Err((
                            "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n".into(),
                            1,
                        ));
                    }
                    Some((_, Ok(r))) if r <= i64::from(crate::k8s::api::MAX_REPLICAS) => r as u32,
                    Some((_, Ok(r))) => {
                        return Err((
                            format!(
                                "error: {r} replicas is more than the simulator runs; expected at most {}\n",
                                crate::k8s::api::MAX_REPLICAS
                            ),
                            1,
                        ));
                    }
                    Some((r, Err(e))) => {
                        return Err((
                            format!(
                                "error: invalid argument \"{r}\" for \"--replicas\" flag: strconv.ParseInt: parsing \"{r}\": {}\nSee 'kubectl scale -h' for help and examples\n",
                                e.text()
                            ),
                            1,
                        ));
                    }
                    None => {
                        return Err(("error: required flag(s) \"replicas\" not set\n".into(), 1));
                    }
                };
                Cmd::Scale {
                    kind,
                    name,
                    replicas,
                }
            }
            "exec" => {
                let (Some(target), Some(command)) = (rest.first(), command) else {
                    return Err((
                        "error: expected 'exec POD_NAME COMMAND [ARG1] [ARG2] ... [ARGN]'.\nPOD_NAME and COMMAND are required arguments for the exec command\n".into(),
                        1,
                    ));
                };
                Cmd::Exec {
                    target: target.clone(),
                    command,
                }
            }
            other => {
                return Err((
                    format!("Error: unknown command \"{other}\" for \"kubectl\"\n{USAGE}"),
                    1,
                ));
            }
        };
        Ok(Kubectl {
            cmd,
            ns,
            ns_given: explicit_ns,
            all,
            timer: None,
            selector,
            version: Default::default(),
            short_all: false,
        })
    }

    /// The Kubernetes era this kubectl prints for: the cluster's (`kubernetes: (version:
    /// ...)`), learnt from the apiserver's answers; before the first answer (nothing
    /// printed depends on it then) the modern one.
    pub fn era(&self) -> crate::k8s::proxy::names::Era {
        self.version.era()
    }

    pub fn handle(&mut self, msg: Msg, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        if let Msg::ApiResponse { version, .. } = &msg {
            self.version = *version;
            if self.short_all && self.era() == crate::k8s::proxy::names::Era::Classic {
                // kubectl 1.5's pflag refuses the shorthand (its usage text, which
                // follows, is left out). The request went already: kubectl learns the
                // release from the apiserver's answers.
                print(
                    cx,
                    Stream::Stderr,
                    "Error: unknown shorthand flag: 'A' in -A\n",
                );
                return Some(1);
            }
        }
        if let (Msg::ApiResponse { .. }, Some(t)) = (&msg, self.timer.take()) {
            cx.cancel(t);
        }
        if let Cmd::More(_) = self.cmd {
            return self.more(msg, ns, cx);
        }
        if let Cmd::Wait(_) = self.cmd {
            return self.wait(msg, ns, cx);
        }
        match msg {
            Msg::Start => self.start(ns, cx),
            Msg::ApiResponse { resp, .. } if matches!(self.cmd, Cmd::Describe { .. }) => {
                Some(self.described(*resp, cx))
            }
            Msg::ApiResponse { id, resp, .. } if matches!(self.cmd, Cmd::Get(_)) => {
                let version = self.version;
                let Cmd::Get(g) = &mut self.cmd else {
                    return None;
                };
                g.version = version;
                g.response(id, *resp, ns, cx, &mut self.timer, version.era())
            }
            Msg::ApiEvent { event } => {
                let version = self.version;
                match &mut self.cmd {
                    Cmd::Get(g) => {
                        g.version = version;
                        g.event(*event, cx, version.era())
                    }
                    _ => None,
                }
            }
            Msg::ApiResponse { resp, .. } if matches!(self.cmd, Cmd::Exec { .. }) => {
                self.exec(*resp, cx)
            }
            Msg::ApiResponse { resp, .. } if matches!(self.cmd, Cmd::Modify(_)) => {
                self.modify(Some(*resp), ns, cx)
            }
            Msg::ApiResponse { resp, .. } if matches!(self.cmd, Cmd::Run(_) | Cmd::Expose(_)) => {
                self.run(Some(*resp), ns, cx)
            }
            Msg::ApiResponse { resp, .. } if matches!(self.cmd, Cmd::Delete(..)) => {
                self.delete(Some(*resp), ns, cx)
            }
            Msg::ApiResponse { resp, .. } if matches!(self.cmd, Cmd::Files(_)) => {
                self.files_answer(*resp, ns, cx)
            }
            // The command's output was kubectl's as it was printed (`tools::print`; the
            // trace shows it once, under the command's own process): its status is too.
            Msg::Exited { code, .. } => Some(code),
            Msg::ApiResponse { resp, .. } => Some(self.answer(*resp, cx)),
            Msg::Timer(_) => timed_out(cx),
            _ => None,
        }
    }

    fn start(&mut self, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        let api = cx.lookup("kube-apiserver");
        let api_ns = api.and_then(|a| cx.world.procs.get(&a).and_then(|p| p.ns));
        if api.is_none() || api_ns != Some(ns) {
            print(
                cx,
                Stream::Stderr,
                "The connection to the server localhost:8080 was refused - did you specify the right host or port?\n",
            );
            return Some(1);
        }
        let era = self.era();
        if let Cmd::Get(g) = &mut self.cmd {
            return g.start(ns, cx, &mut self.timer, era);
        }
        let req = match &self.cmd {
            Cmd::Get(_) => unreachable!("a get starts above"),
            Cmd::CreateObject(m) => Request::Create {
                object: m.clone(),
                ns: if matches!(**m, crate::k8s::manifest::Manifest::Namespace(_)) {
                    String::new()
                } else {
                    self.ns.clone()
                },
            },
            Cmd::Files(_) => return self.files_start(ns, cx),
            Cmd::Modify(_) => return self.modify(None, ns, cx),
            Cmd::Wait(_) => unreachable!("wait runs its own"),
            Cmd::Delete(..) => return self.delete(None, ns, cx),
            Cmd::Run(_) | Cmd::Expose(_) => return self.run(None, ns, cx),
            Cmd::Exec { .. } => Request::List {
                kind: Kind::Pod,
                ns: Some(self.ns.clone()),
            },
            Cmd::Describe { kind, names } => Request::Describe {
                kind: *kind,
                ns: (!self.all).then(|| self.ns.clone()),
                name: (names.len() == 1).then(|| names[0].clone()),
            },
            Cmd::Scale {
                kind,
                name,
                replicas,
            } => Request::Scale {
                kind: *kind,
                ns: self.ns.clone(),
                name: name.clone(),
                replicas: *replicas,
            },
            Cmd::More(_) => unreachable!("verbs.rs runs its own"),
        };
        self.ask(cx, ns, req);
        None
    }

    /// `-f`: reads and decodes the files, then sends the first object.
    fn files_start(&mut self, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        let era = self.era();
        let Cmd::Files(f) = &mut self.cmd else {
            return Some(1);
        };
        match f.read(&cx.world.ns(ns).files, era) {
            Err(e) => {
                print(cx, Stream::Stderr, &e);
                Some(1)
            }
            Ok(errors) => {
                if !errors.is_empty() {
                    print(cx, Stream::Stderr, &errors);
                }
                self.files_next(ns, cx)
            }
        }
    }

    /// Sends the next object of the files, or ends (status 1 if any failed).
    fn files_next(&mut self, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        loop {
            let Cmd::Files(f) = &mut self.cmd else {
                return Some(1);
            };
            match f.next(&self.ns, self.ns_given) {
                None => return Some(i32::from(f.failed)),
                Some(Err(text)) => print(cx, Stream::Stderr, &text),
                Some(Ok(req)) => {
                    self.ask(cx, ns, req);
                    return None;
                }
            }
        }
    }

    /// One object's answer: its line, then the next object.
    fn files_answer(&mut self, resp: Response, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        let era = self.era();
        let Cmd::Files(f) = &mut self.cmd else {
            return Some(1);
        };
        let (err, text) = f.answer(resp, era);
        if let Some(w) = f.warning.take() {
            print(cx, Stream::Stderr, &w);
        }
        print(cx, if err { Stream::Stderr } else { Stream::Stdout }, &text);
        self.files_next(ns, cx)
    }

    fn ask(&mut self, cx: &mut Ctx<'_, Net>, ns: NsId, req: Request) {
        let Some(api) = cx.lookup("kube-apiserver") else {
            return;
        };
        let Some(api_ns) = cx.world.procs.get(&api).and_then(|p| p.ns) else {
            return;
        };
        let msg = Msg::ApiRequest {
            from: cx.me(),
            id: 1,
            req: Box::new(req),
        };
        control::send(cx, ns, api_ns, api, msg);
        if let Some(t) = self.timer.take() {
            cx.cancel(t);
        }
        self.timer = Some(cx.schedule_cancellable(Dur::from_secs(30), Msg::Timer(1)));
    }

    /// `run` and `expose`: the start (`resp` None) or an answer, then what follows.
    fn run(&mut self, resp: Option<Response>, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        let era = self.era();
        let cmd_ns = self.ns.clone();
        let step = match (&mut self.cmd, resp) {
            (Cmd::Run(r), resp) => r.step(resp, &cmd_ns, era),
            (Cmd::Expose(e), None) => run::RunStep {
                next: Some(e.start(&cmd_ns)),
                ..Default::default()
            },
            (Cmd::Expose(e), Some(resp)) => e.step(resp, &cmd_ns, era),
            _ => return Some(1),
        };
        print(cx, Stream::Stdout, &step.out);
        print(cx, Stream::Stderr, &step.err);
        if let Some(req) = step.next {
            self.ask(cx, ns, req);
            return None;
        }
        Some(step.done.unwrap_or(1))
    }

    /// `delete`: the start (`resp` None) or an answer; when every deletion is answered,
    /// kubectl's wait until the deleted objects are gone (unless `--wait=false`).
    fn delete(&mut self, resp: Option<Response>, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        let era = self.era();
        let (cmd_ns, all) = (self.ns.clone(), self.all);
        let Cmd::Delete(d, warning) = &mut self.cmd else {
            return Some(1);
        };
        let step = match resp {
            None => {
                let warning = std::mem::take(warning);
                let next = d.start(&cmd_ns, all);
                print(cx, Stream::Stderr, &warning);
                delete::Step {
                    out: String::new(),
                    err: String::new(),
                    next: Ok(next),
                }
            }
            Some(r) => d.answer(r, era),
        };
        print(cx, Stream::Stdout, &step.out);
        print(cx, Stream::Stderr, &step.err);
        let req = match step.next {
            Err(status) => return Some(status),
            Ok(Some(req)) => req,
            Ok(None) if d.failed => return Some(1),
            Ok(None) if !d.wait || d.deleted.is_empty() => return Some(0),
            Ok(None) => {
                let w = wait::Wait::gone(&d.deleted, &d.uids);
                let req = w.request();
                self.cmd = Cmd::Wait(Box::new(w));
                req
            }
        };
        self.ask(cx, ns, req);
        None
    }

    /// Whether the `-l` selector (if any) picks the object.
    fn picks(&self, o: &Object) -> bool {
        self.selector
            .as_ref()
            .is_none_or(|s| s.iter().all(|(k, v)| o.meta.labels.get(k) == Some(v)))
    }

    /// `wait`: the watch, its first answer (the objects waited for; the timeout starts),
    /// its changes, and the timeout.
    fn wait(&mut self, msg: Msg, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        let era = self.era();
        let (cmd_ns, all) = (self.ns.clone(), self.all);
        if let (Msg::Start, Cmd::Wait(w)) = (&msg, &self.cmd) {
            if !self.connected(ns, cx) {
                return Some(1);
            }
            let req = w.request();
            self.ask(cx, ns, req);
            return None;
        }
        let Cmd::Wait(w) = &mut self.cmd else {
            return Some(1);
        };
        let step = match msg {
            Msg::ApiResponse { resp, .. } => {
                let timeout = w.timeout;
                let step = w.listed(*resp, &cmd_ns, all, era);
                if step.done.is_none() {
                    self.timer = Some(cx.schedule_cancellable(timeout, Msg::Timer(2)));
                }
                step
            }
            Msg::ApiEvent { event } => w.event(*event, era),
            Msg::Timer(2) => w.timed_out(),
            Msg::Timer(_) => {
                print(
                    cx,
                    Stream::Stderr,
                    "Unable to connect to the server: dial tcp: i/o timeout\n",
                );
                return Some(1);
            }
            _ => return None,
        };
        print(cx, Stream::Stdout, &step.out);
        print(cx, Stream::Stderr, &step.err);
        if step.done.is_some()
            && let Some(t) = self.timer.take()
        {
            cx.cancel(t);
        }
        step.done
    }

    /// `label`, `annotate`, `patch`, `edit`: the start (`resp` None) or an answer, then
    /// what follows.
    fn modify(&mut self, resp: Option<Response>, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        let era = self.era();
        let (cmd_ns, all) = (self.ns.clone(), self.all);
        let Cmd::Modify(m) = &mut self.cmd else {
            return Some(1);
        };
        let step = match resp {
            None => m.start(&cmd_ns, all, era),
            Some(r) => m.answer(r, &cmd_ns, era),
        };
        for (path, text) in step.files {
            cx.world.ns_mut(ns).files.insert(path, text);
        }
        print(cx, Stream::Stdout, &step.out);
        print(cx, Stream::Stderr, &step.err);
        match step.next {
            Ok(req) => {
                self.ask(cx, ns, req);
                None
            }
            Err(status) => Some(status),
        }
    }

    /// `kubectl exec`: finds the pod, starts the command in it, and waits.
    fn exec(&mut self, resp: Response, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        let Cmd::Exec { target, command } = &self.cmd else {
            return Some(1);
        };
        let Response::List(pods) = resp else {
            return Some(1);
        };
        let pod = match target.split_once('/') {
            Some((k, owner)) => {
                let Some(kind) = Kind::parse(k).filter(|k| k.is_workload()) else {
                    print(
                        cx,
                        Stream::Stderr,
                        &format!(
                            "error: cannot attach to {k}: only pods and rc|rs|deploy|ds/NAME are simulated\n"
                        ),
                    );
                    return Some(1);
                };
                // A Deployment's pods belong to its ReplicaSet, `<deployment>-<hash>`.
                let prefix = format!("{owner}-");
                pods.iter()
                    .filter(|p| match &p.meta.owner {
                        Some((Kind::ReplicaSet, n)) if kind == Kind::Deployment => {
                            n.starts_with(&prefix)
                        }
                        Some((k, n)) => *k == kind && n == owner,
                        None => false,
                    })
                    .min_by(|a, b| a.meta.name.cmp(&b.meta.name))
            }
            None => pods.iter().find(|p| p.meta.name == *target),
        };
        let Some(pod) = pod else {
            print(
                cx,
                Stream::Stderr,
                &format!("Error from server (NotFound): pods \"{target}\" not found\n"),
            );
            return Some(1);
        };
        let label = format!("pod/{}", pod.meta.name);
        let running = pod.pod().is_some_and(|p| p.ip.is_some());
        let target_ns = (0..cx.world.netns.len())
            .map(|i| NsId(i as u32))
            .rfind(|n| cx.world.ns(*n).label == label);
        let (Some(target_ns), true) = (target_ns, running) else {
            print(
                cx,
                Stream::Stderr,
                &format!(
                    "error: unable to upgrade connection: container not found (\"{}\")\n",
                    pod.meta.name
                ),
            );
            return Some(1);
        };
        let command = command.clone();
        match crate::tools::spawn_child(cx, target_ns, &command) {
            Some(_) => None,
            None => Some(1),
        }
    }

    fn answer(&self, resp: Response, cx: &mut Ctx<'_, Net>) -> i32 {
        match (resp, &self.cmd) {
            (
                Response::Error {
                    reason,
                    message,
                    code,
                },
                cmd,
            ) => {
                // Today's `create secret` wraps the apiserver's refusal in its own words
                // (`failed to create secret %v`); 1.5's generator printed it as any create.
                let text = match cmd {
                    Cmd::CreateObject(m)
                        if matches!(**m, crate::k8s::manifest::Manifest::Secret(_))
                            && self.era() == crate::k8s::proxy::names::Era::Modern =>
                    {
                        format!("error: failed to create secret {message}\n")
                    }
                    _ => error_text(code, &reason, &message),
                };
                print(cx, Stream::Stderr, &text);
                1
            }
            (Response::Object(o), Cmd::CreateObject(_)) => {
                let line = release::done(o.kind(), &o.meta.name, "created", self.era());
                print(cx, Stream::Stdout, &line);
                0
            }
            (Response::Object(o), Cmd::Scale { .. }) => {
                let line = release::done(o.kind(), &o.meta.name, "scaled", self.era());
                print(cx, Stream::Stdout, &line);
                0
            }
            _ => 1,
        }
    }
}

/// `create secret generic NAME [--from-literal=KEY=VALUE]... [--type=TYPE]`: the Secret
/// kubectl's generator builds (each literal base64 in `data`), in its words for bad input.
fn create_secret(
    rest: &[String],
    literals: &[String],
    type_: Option<String>,
) -> Result<crate::k8s::manifest::Manifest, (String, i32)> {
    use crate::k8s::manifest::types::{ByteString, ObjectMeta, Secret};
    match rest.first().map(String::as_str) {
        Some("generic") => {}
        Some(other) => {
            return Err((
                format!("error: kubectl create secret {other} is not simulated (only generic)\n"),
                1,
            ));
        }
        None => {
            return Err((
                "error: kubectl create secret needs a type: generic (docker-registry and tls are not simulated)\n".into(),
                1,
            ));
        }
    }
    let name = match &rest[1..] {
        [name] => name.clone(),
        names => {
            return Err((
                format!("error: exactly one NAME is required, got {}\n", names.len()),
                1,
            ));
        }
    };
    let mut data = std::collections::BTreeMap::new();
    for l in literals {
        // ParseLiteralSource: KEY=VALUE, the key not empty.
        let Some((k, v)) = l.split_once('=').filter(|(k, _)| !k.is_empty()) else {
            return Err((
                format!("error: invalid literal source {l}, expected key=value\n"),
                1,
            ));
        };
        if data
            .insert(k.to_string(), ByteString(v.as_bytes().to_vec()))
            .is_some()
        {
            return Err((
                format!(
                    "error: cannot add key {k}, another key by that name already exists in Data for Secret \"{name}\"\n"
                ),
                1,
            ));
        }
    }
    Ok(crate::k8s::manifest::Manifest::Secret(Secret {
        metadata: ObjectMeta {
            name: Some(name),
            ..Default::default()
        },
        data: Some(data),
        type_: Some(type_.unwrap_or_else(|| "Opaque".into())),
        ..Default::default()
    }))
}

/// The editor `kubectl edit` runs on its temporary file: `sed -i [-e] 's/OLD/NEW/[g]'`
/// (any delimiter; OLD is a literal string, not a regular expression).
pub(super) fn sed_edit(editor: &str, text: &str) -> Result<String, String> {
    let words =
        shell_words::split(editor).map_err(|_| format!("cannot parse KUBE_EDITOR {editor:?}"))?;
    let unsupported = || {
        format!(
            "KUBE_EDITOR={editor:?}: the simulator's editor is `sed -i 's/OLD/NEW/[g]'` (OLD a literal string)"
        )
    };
    let (cmd, args) = words.split_first().ok_or_else(unsupported)?;
    if cmd.rsplit('/').next() != Some("sed") || !args.iter().any(|a| a == "-i") {
        return Err(unsupported());
    }
    let scripts: Vec<&String> = args.iter().filter(|a| *a != "-i" && *a != "-e").collect();
    let mut out = text.to_string();
    for script in scripts {
        let mut chars = script.chars();
        if chars.next() != Some('s') {
            return Err(unsupported());
        }
        let delim = chars.next().ok_or_else(unsupported)?;
        let parts: Vec<&str> = script[1 + delim.len_utf8()..].split(delim).collect();
        let [old, new, flags] = parts[..] else {
            return Err(unsupported());
        };
        // A regular expression or a back-reference would mean something else to sed.
        let regex = |c: char| ".*[]^$\\+?(){}|".contains(c);
        if old.is_empty()
            || old.chars().any(regex)
            || new.contains(['&', '\\'])
            || !flags.chars().all(|f| f == 'g')
        {
            return Err(unsupported());
        }
        // sed works line by line: without `g`, the first match on each line.
        out = out
            .split_inclusive('\n')
            .map(|l| {
                if flags.contains('g') {
                    l.replace(old, new)
                } else {
                    l.replacen(old, new, 1)
                }
            })
            .collect();
    }
    Ok(out)
}

/// Labels or a selector as kubectl prints them: `app=web,tier=db`, or `<none>`.
fn labels_text(l: &crate::k8s::api::Labels) -> String {
    none_if_empty(
        l.iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(","),
    )
}

/// Endpoint addresses as kubectl prints them: three, then `+ N more...`; `<none>`.
/// apimachinery's `FormatLabelSelector`: the selector's requirements sorted by key
/// (`app=web`, `tier in (a,b)`, `tier notin (a)`, `tier`, `!tier`), comma-separated;
/// `<none>` for an empty one.
pub fn format_label_selector(s: &crate::k8s::manifest::types::LabelSelector) -> String {
    let mut reqs: Vec<(String, String)> = s
        .match_labels
        .iter()
        .flatten()
        .map(|(k, v)| (k.clone(), format!("{k}={v}")))
        .collect();
    for r in s.match_expressions.iter().flatten() {
        let mut values = r.values.clone().unwrap_or_default();
        values.sort();
        let text = match r.operator.as_str() {
            "In" => format!("{} in ({})", r.key, values.join(",")),
            "NotIn" => format!("{} notin ({})", r.key, values.join(",")),
            "Exists" => r.key.clone(),
            "DoesNotExist" => format!("!{}", r.key),
            _ => return "<error>".into(),
        };
        reqs.push((r.key.clone(), text));
    }
    // sort.Stable by key: matchLabels first among equal keys, as they are added first.
    reqs.sort_by(|a, b| a.0.cmp(&b.0));
    if reqs.is_empty() {
        return "<none>".into();
    }
    reqs.into_iter()
        .map(|(_, t)| t)
        .collect::<Vec<_>>()
        .join(",")
}

fn endpoints_text(all: &[String]) -> String {
    match all.len() {
        0 => "<none>".to_string(),
        n if n > 3 => format!("{} + {} more...", all[..3].join(","), n - 3),
        _ => all.join(","),
    }
}

/// kubectl's HumanDuration.
pub fn age(d: Dur) -> String {
    // "5h" when the smaller unit is zero, else "5h1m".
    let two = |big: u64, bu: &str, small: u64, su: &str| {
        if small == 0 {
            format!("{big}{bu}")
        } else {
            format!("{big}{bu}{small}{su}")
        }
    };
    let secs = d.as_nanos() / 1_000_000_000;
    let (minutes, hours) = (secs / 60, secs / 3600);
    match () {
        _ if secs < 120 => format!("{secs}s"),
        _ if minutes < 10 => two(minutes, "m", secs % 60, "s"),
        _ if minutes < 180 => format!("{minutes}m"),
        _ if hours < 8 => two(hours, "h", minutes % 60, "m"),
        _ if hours < 48 => format!("{hours}h"),
        _ if hours < 24 * 8 => two(hours / 24, "d", hours % 24, "h"),
        _ if hours < 24 * 365 * 2 => format!("{}d", hours / 24),
        _ => format!("{}y", hours / 24 / 365),
    }
}

/// Go's tabwriter as kubectl sets it up: a column is as wide as its widest cell plus 3
/// (at least 6); the last column is not padded.
pub fn tabwrite(rows: &[Vec<String>]) -> String {
    tabwrite_with(rows, 3, 6)
}

/// Go's tabwriter with padding `pad` and minimum cell width `min`.
pub fn tabwrite_with(rows: &[Vec<String>], pad: usize, min: usize) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0; cols];
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count() + pad).max(min);
        }
    }
    let mut out = String::new();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if i + 1 == r.len() {
                out.push_str(c);
            } else {
                out.push_str(c);
                out.push_str(&" ".repeat(widths[i] - c.chars().count()));
            }
        }
        out.push('\n');
    }
    out
}

fn none_if_empty(s: String) -> String {
    if s.is_empty() { "<none>".into() } else { s }
}

/// A kind's table as `kubectl get` prints it alone (the release's columns, tabwriter and
/// widths).
#[cfg(test)]
fn table(
    kind: Kind,
    objects: &[Object],
    wide: bool,
    all: bool,
    now: SimTime,
    version: crate::k8s::version::Version,
) -> String {
    tabwrite_with(
        &table_rows(kind, objects, wide, all, now, version),
        3,
        release::min_width(version.era()),
    )
}

/// A kind's table as kubectl prints it, header first: cells, for `tabwrite` (`get` adds its
/// columns around them), in the release's columns (kubectl 1.5's `resource_printer.go`
/// column lists and `getServiceExternalIP`, as seed 004 prints them; today's
/// `printers.go`).
fn table_rows(
    kind: Kind,
    objects: &[Object],
    wide: bool,
    all: bool,
    now: SimTime,
    version: crate::k8s::version::Version,
) -> Vec<Vec<String>> {
    use crate::k8s::proxy::names::Era;
    let era = version.era();
    let classic = era == Era::Classic;
    let header: Vec<&str> = match (kind, wide) {
        // 1.5: no TYPE column for Services; nodes without ROLES and VERSION; a Deployment's
        // desired and current counts; a DaemonSet's READY before NODE-SELECTOR.
        (Kind::Pod, true) if classic => {
            vec!["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE"]
        }
        (Kind::Service, false) if classic => {
            vec!["NAME", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]
        }
        (Kind::Service, true) if classic => vec![
            "NAME",
            "CLUSTER-IP",
            "EXTERNAL-IP",
            "PORT(S)",
            "AGE",
            "SELECTOR",
        ],
        (Kind::Deployment, _) if classic => vec![
            "NAME",
            "DESIRED",
            "CURRENT",
            "UP-TO-DATE",
            "AVAILABLE",
            "AGE",
        ],
        (Kind::DaemonSet, _) if classic => vec![
            "NAME",
            "DESIRED",
            "CURRENT",
            "READY",
            "NODE-SELECTOR",
            "AGE",
        ],
        // StatefulSets were apps/v1beta1 in 1.5: DESIRED and CURRENT.
        (Kind::StatefulSet, _) if classic => vec!["NAME", "DESIRED", "CURRENT", "AGE"],
        (Kind::StatefulSet, _) => vec!["NAME", "READY", "AGE"],
        (Kind::Job, _) if classic => vec!["NAME", "DESIRED", "SUCCESSFUL", "AGE"],
        (Kind::Job, _) => vec!["NAME", "COMPLETIONS", "DURATION", "AGE"],
        (Kind::Node, false) if classic => vec!["NAME", "STATUS", "AGE"],
        (Kind::Node, true) if classic => vec!["NAME", "STATUS", "AGE", "EXTERNAL-IP"],
        (Kind::Pod, false) => vec!["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
        (Kind::Pod, true) => vec![
            "NAME",
            "READY",
            "STATUS",
            "RESTARTS",
            "AGE",
            "IP",
            "NODE",
            "NOMINATED NODE",
            "READINESS GATES",
        ],
        (Kind::Service, false) => vec![
            "NAME",
            "TYPE",
            "CLUSTER-IP",
            "EXTERNAL-IP",
            "PORT(S)",
            "AGE",
        ],
        (Kind::Service, true) => vec![
            "NAME",
            "TYPE",
            "CLUSTER-IP",
            "EXTERNAL-IP",
            "PORT(S)",
            "AGE",
            "SELECTOR",
        ],
        (Kind::Endpoints, _) => vec!["NAME", "ENDPOINTS", "AGE"],
        (Kind::EndpointSlice, _) => vec!["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"],
        (Kind::NetworkPolicy, _) => vec!["NAME", "POD-SELECTOR", "AGE"],
        (Kind::ReplicationController | Kind::ReplicaSet, _) => {
            vec!["NAME", "DESIRED", "CURRENT", "READY", "AGE"]
        }
        (Kind::Deployment, _) => vec!["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
        (Kind::DaemonSet, _) => vec![
            "NAME",
            "DESIRED",
            "CURRENT",
            "READY",
            "UP-TO-DATE",
            "AVAILABLE",
            "NODE SELECTOR",
            "AGE",
        ],
        (Kind::ConfigMap, _) => vec!["NAME", "DATA", "AGE"],
        // Every release's secretColumns.
        (Kind::Secret, _) => vec!["NAME", "TYPE", "DATA", "AGE"],
        (Kind::Node, false) => vec!["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
        (Kind::Node, true) => vec!["NAME", "STATUS", "ROLES", "AGE", "VERSION", "INTERNAL-IP"],
        (Kind::Namespace, _) => vec!["NAME", "STATUS", "AGE"],
    };
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut h: Vec<String> = header.iter().map(|s| s.to_string()).collect();
    // 1.5 printed a workload's containers only for ReplicationControllers and ReplicaSets.
    let workload_wide = wide
        && kind.is_workload()
        && !(classic && matches!(kind, Kind::Deployment | Kind::DaemonSet | Kind::StatefulSet));
    // A StatefulSet's wide columns are its containers and images, without a selector.
    let with_selector = kind != Kind::StatefulSet;
    if workload_wide {
        h.extend(
            if classic {
                ["CONTAINER(S)", "IMAGE(S)", "SELECTOR"]
            } else {
                ["CONTAINERS", "IMAGES", "SELECTOR"]
            }
            .map(String::from),
        );
        if !with_selector {
            h.pop();
        }
    }
    if all {
        h.insert(0, "NAMESPACE".into());
    }
    rows.push(h);
    for o in objects {
        let m = &o.meta;
        let age = release::age(now - m.created, era);
        let mut row: Vec<String> = match &o.body {
            Body::Pod(p) => {
                let (ready, status, restarts) = pod_columns(p, era, now);
                let mut r = vec![m.name.clone(), ready, status, restarts, age];
                if wide {
                    r.push(
                        p.ip.map(|i| i.to_string())
                            .unwrap_or_else(|| "<none>".into()),
                    );
                    if classic {
                        // 1.5 printed spec.nodeName as it was, empty before scheduling.
                        r.push(p.node.clone().unwrap_or_default());
                    } else {
                        r.push(p.node.clone().unwrap_or_else(|| "<none>".into()));
                        r.push("<none>".into());
                        r.push("<none>".into());
                    }
                }
                r
            }
            Body::Service(s) if classic => classic_service_row(&m.name, s, age, wide),
            Body::Service(s) => {
                let cip = match (s.cluster_ip, s.type_.as_str()) {
                    (_, "ExternalName") => "<none>".to_string(),
                    (Some(ip), _) => ip.to_string(),
                    (None, _) => "None".into(),
                };
                let ext = match s.type_.as_str() {
                    "ExternalName" => s.external_name.clone().unwrap_or_default(),
                    // getServiceExternalIP: the externalIPs, then the load balancer's
                    // ingress; neither yet: `<pending>`.
                    "LoadBalancer" => {
                        let all: Vec<String> = s
                            .external_ips
                            .iter()
                            .chain(&s.ingress)
                            .map(Ipv4Addr::to_string)
                            .collect();
                        if all.is_empty() {
                            "<pending>".into()
                        } else {
                            all.join(",")
                        }
                    }
                    _ => none_if_empty(
                        s.external_ips
                            .iter()
                            .map(Ipv4Addr::to_string)
                            .collect::<Vec<_>>()
                            .join(","),
                    ),
                };
                let ports = s
                    .ports
                    .iter()
                    .map(|p| match p.node_port {
                        Some(n) => format!("{}:{n}/{}", p.port, p.protocol()),
                        None => format!("{}/{}", p.port, p.protocol()),
                    })
                    .collect::<Vec<_>>()
                    .join(",");
                let mut r = vec![
                    m.name.clone(),
                    s.type_.clone(),
                    cip,
                    ext,
                    none_if_empty(ports),
                    age,
                ];
                if wide {
                    r.push(labels_text(&s.selector));
                }
                r
            }
            Body::Endpoints(e) => {
                let all: Vec<String> = e
                    .addresses
                    .iter()
                    .flat_map(|a| e.ports.iter().map(move |p| format!("{}:{}", a.ip, p.port)))
                    .collect();
                vec![m.name.clone(), endpoints_text(&all), age]
            }
            Body::Workload(w) => {
                let mut r = vec![m.name.clone()];
                match w.kind {
                    Kind::Deployment if classic => r.extend([
                        w.replicas.to_string(),
                        w.current.to_string(),
                        w.updated.to_string(),
                        w.ready.to_string(),
                        age,
                    ]),
                    Kind::DaemonSet if classic => r.extend([
                        w.replicas.to_string(),
                        w.current.to_string(),
                        w.ready.to_string(),
                        "<none>".into(),
                        age,
                    ]),
                    Kind::Deployment => r.extend([
                        format!("{}/{}", w.ready, w.replicas),
                        w.updated.to_string(),
                        w.ready.to_string(),
                        age,
                    ]),
                    Kind::DaemonSet => r.extend([
                        w.replicas.to_string(),
                        w.current.to_string(),
                        w.ready.to_string(),
                        w.current.to_string(),
                        w.ready.to_string(),
                        "<none>".into(),
                        age,
                    ]),
                    // printJob: COMPLETIONS, and DURATION from start to completion (or
                    // to now).
                    Kind::Job if classic => r.extend([
                        w.job.completions.map(|c| c.to_string()).unwrap_or_default(),
                        w.job.succeeded.to_string(),
                        age,
                    ]),
                    Kind::Job => {
                        let b = &w.job;
                        let completions = match b.completions {
                            Some(c) => format!("{}/{c}", b.succeeded),
                            None if b.parallelism > 1 => {
                                format!("{}/1 of {}", b.succeeded, b.parallelism)
                            }
                            None => format!("{}/1", b.succeeded),
                        };
                        let duration = match (b.start, b.completed) {
                            (None, _) => String::new(),
                            (Some(s), None) => self::age(now - s),
                            (Some(s), Some(c)) => self::age(c - s),
                        };
                        r.extend([completions, duration, age])
                    }
                    Kind::StatefulSet if classic => {
                        r.extend([w.replicas.to_string(), w.current.to_string(), age])
                    }
                    Kind::StatefulSet => r.extend([format!("{}/{}", w.ready, w.replicas), age]),
                    _ => r.extend([
                        w.replicas.to_string(),
                        w.current.to_string(),
                        w.ready.to_string(),
                        age,
                    ]),
                }
                if workload_wide {
                    r.push(
                        w.containers
                            .iter()
                            .map(|c| c.name.clone())
                            .collect::<Vec<_>>()
                            .join(","),
                    );
                    r.push(
                        w.containers
                            .iter()
                            .map(|c| c.image.clone().unwrap_or_default())
                            .collect::<Vec<_>>()
                            .join(","),
                    );
                    if with_selector {
                        r.push(labels_text(&w.selector));
                    }
                }
                r
            }
            Body::EndpointSlice(es) => {
                // printEndpointSlice: at most three of each, `<unset>` for none.
                let more = |list: Vec<String>| -> String {
                    match list.len() {
                        0 => "<unset>".to_string(),
                        n if n > 3 => format!("{} + {} more...", list[..3].join(","), n - 3),
                        _ => list.join(","),
                    }
                };
                vec![
                    m.name.clone(),
                    "IPv4".into(),
                    more(es.ports.iter().map(|p| p.port.to_string()).collect()),
                    more(es.endpoints.iter().map(|e| e.address.to_string()).collect()),
                    age,
                ]
            }
            Body::NetworkPolicy(spec) => {
                vec![
                    m.name.clone(),
                    format_label_selector(&spec.pod_selector),
                    age,
                ]
            }
            Body::ConfigMap(data) => vec![m.name.clone(), data.len().to_string(), age],
            Body::Secret(sec) => vec![
                m.name.clone(),
                sec.type_.clone(),
                sec.data.len().to_string(),
                age,
            ],
            Body::Node(n) if classic => {
                let status = if n.ready { "Ready" } else { "NotReady" };
                let mut r = vec![m.name.clone(), status.into(), age];
                if wide {
                    // EXTERNAL-IP: the node's ExternalIP address; the simulated nodes have
                    // only an InternalIP.
                    r.push("<none>".into());
                }
                r
            }
            Body::Node(n) => {
                let status = if n.ready { "Ready" } else { "NotReady" };
                let mut r = vec![
                    m.name.clone(),
                    status.into(),
                    "<none>".into(),
                    age,
                    // Every kubelet runs the cluster's release.
                    version.to_string(),
                ];
                if wide {
                    r.push(n.ip.to_string());
                }
                r
            }
            Body::Namespace => {
                let status = if m.deletion.is_some() {
                    "Terminating"
                } else {
                    "Active"
                };
                vec![m.name.clone(), status.into(), age]
            }
        };
        if all {
            row.insert(0, m.namespace.clone());
        }
        rows.push(row);
    }
    rows
}

/// A Service's row in kubectl 1.5's columns: CLUSTER-IP as `spec.clusterIP` is (`None` for
/// a headless Service, empty for an ExternalName one); EXTERNAL-IP from
/// `getServiceExternalIP`: the external IPs if any, else `<none>` for ClusterIP, `<nodes>`
/// for NodePort, the ingress or `<pending>` for LoadBalancer, the name for ExternalName;
/// PORT(S) joined as they are (empty for none).
fn classic_service_row(
    name: &str,
    s: &crate::k8s::api::Service,
    age: String,
    wide: bool,
) -> Vec<String> {
    let cip = match (s.cluster_ip, s.type_.as_str()) {
        (Some(ip), _) => ip.to_string(),
        (None, "ExternalName") => String::new(),
        (None, _) => "None".into(),
    };
    let ips: Vec<String> = s.external_ips.iter().map(Ipv4Addr::to_string).collect();
    let ingress: Vec<String> = s.ingress.iter().map(Ipv4Addr::to_string).collect();
    let ext = match s.type_.as_str() {
        "ExternalName" => s.external_name.clone().unwrap_or_default(),
        // kubectl 1.5: the ingress addresses, then the externalIPs.
        "LoadBalancer" if !ingress.is_empty() || !ips.is_empty() => {
            let mut all = ingress.clone();
            all.extend(ips.iter().filter(|i| !ingress.contains(i)).cloned());
            all.join(",")
        }
        _ if !ips.is_empty() => ips.join(","),
        "NodePort" => "<nodes>".into(),
        "LoadBalancer" => "<pending>".into(),
        _ => "<none>".into(),
    };
    let ports = s
        .ports
        .iter()
        .map(|p| match p.node_port {
            Some(n) => format!("{}:{n}/{}", p.port, p.protocol()),
            None => format!("{}/{}", p.port, p.protocol()),
        })
        .collect::<Vec<_>>()
        .join(",");
    let mut r = vec![name.to_string(), cip, ext, ports, age];
    if wide {
        r.push(labels_text(&s.selector));
    }
    r
}

/// The modern release's kubectl and kubelet version, as `kubectl version` and `describe
/// node` print it (the scenario's patch release is not reflected yet).
pub const KUBELET_VERSION: &str = "v1.28.2";

/// A pod's READY, STATUS and RESTARTS columns as kubectl's `printPod` makes them from
/// the containers' statuses: a waiting container's reason (`CrashLoopBackOff`), a
/// terminated one's (`Error`, `Completed`), else the phase; the restarts summed, and on
/// a modern kubectl with how long ago the last one ended (`3 (25s ago)`). Before kubelet
/// reported containers, the phase and the Ready condition.
pub fn pod_columns(
    p: &crate::k8s::api::Pod,
    era: crate::k8s::proxy::names::Era,
    now: SimTime,
) -> (String, String, String) {
    use crate::k8s::api::ContainerState as S;
    let total = p.containers.len().max(1);
    if p.statuses.is_empty() {
        let ready = if p.ready { total } else { 0 };
        return (
            format!("{ready}/{total}"),
            p.phase.name().into(),
            "0".into(),
        );
    }
    let mut reason = p.phase.name().to_string();
    let (mut ready, mut restarts, mut running) = (0, 0, false);
    let mut last: Option<SimTime> = None;
    // Init containers first: the first that has not completed names the status.
    let mut initializing = false;
    let inits = p.init_statuses.len();
    for (i, c) in p.init_statuses.iter().enumerate() {
        restarts += c.restart_count;
        if let Some(S::Terminated { finished_at, .. }) = &c.last_state {
            last = Some(last.map_or(*finished_at, |l| l.max(*finished_at)));
        }
        reason = match &c.state {
            S::Terminated { exit_code: 0, .. } => continue,
            S::Terminated { reason: r, .. } if !r.is_empty() => format!("Init:{r}"),
            S::Terminated { exit_code, .. } => format!("Init:ExitCode:{exit_code}"),
            S::Waiting { reason: r, .. } if !r.is_empty() && r != "PodInitializing" => {
                format!("Init:{r}")
            }
            _ => format!("Init:{i}/{inits}"),
        };
        initializing = true;
        break;
    }
    if !initializing {
        restarts = 0;
        last = None;
        for c in p.statuses.iter().rev() {
            restarts += c.restart_count;
            if let Some(S::Terminated { finished_at, .. }) = &c.last_state {
                last = Some(last.map_or(*finished_at, |l| l.max(*finished_at)));
            }
            match &c.state {
                S::Waiting { reason: r, .. } if !r.is_empty() => reason = r.clone(),
                S::Terminated { reason: r, .. } if !r.is_empty() => reason = r.clone(),
                S::Terminated { exit_code, .. } => reason = format!("ExitCode:{exit_code}"),
                S::Running { .. } if c.ready => {
                    running = true;
                    ready += 1;
                }
                _ => {}
            }
        }
    }
    if reason == "Completed" && running {
        reason = if p.ready { "Running" } else { "NotReady" }.into();
    }
    let restarts = match (last, era) {
        (Some(t), crate::k8s::proxy::names::Era::Modern) if restarts > 0 => {
            format!("{restarts} ({} ago)", age(now - t))
        }
        _ => restarts.to_string(),
    };
    (format!("{ready}/{total}"), reason, restarts)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `--replicas` is an int flag (pflag's `ParseInt(s, 0, 64)`), negative counts are
    /// refused by Validate(), and the simulator caps what it runs.
    #[test]
    fn replicas_at_their_edges_are_read_as_kubectl_does() {
        let scale = |v: &str| {
            let args: Vec<String> = ["scale", "rc/web", &format!("--replicas={v}")]
                .iter()
                .map(|a| a.to_string())
                .collect();
            Kubectl::parse_line(&args, &[]).map(|k| match k.cmd {
                Cmd::Scale { replicas, .. } => replicas,
                _ => unreachable!("a scale"),
            })
        };
        assert_eq!(scale("3"), Ok(3));
        assert_eq!(scale("0"), Ok(0));
        assert_eq!(scale("0x3"), Ok(3));
        let negative = "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n";
        assert_eq!(scale("-5"), Err((negative.into(), 1)));
        for bad in ["nan", "inf", "1e-10", "1e12", "1.5", "abc", ""] {
            assert_eq!(
                scale(bad),
                Err((
                    format!(
                        "error: invalid argument \"{bad}\" for \"--replicas\" flag: strconv.ParseInt: parsing \"{bad}\": invalid syntax\nSee 'kubectl scale -h' for help and examples\n"
                    ),
                    1
                )),
                "{bad:?}"
            );
        }
        assert!(
            scale("18446744073709551616")
                .unwrap_err()
                .0
                .contains("value out of range")
        );
        assert!(
            scale("9223372036854775807")
                .unwrap_err()
                .0
                .contains("more than the simulator runs")
        );
    }

    /// `kubectl edit`'s sed editor: only the named text changes, and editors the
    /// simulator cannot run are refused with a reason.
    #[test]
    fn edits_with_sed() {
        let yaml = "data:\n  config.conf: |-\n    mode: \"\"\n";
        let edited = sed_edit(r#"sed -i 's/mode: ""/mode: "ipvs"/'"#, yaml).unwrap();
        assert_eq!(edited, "data:\n  config.conf: |-\n    mode: \"ipvs\"\n");
        // Without g, the first match of each line only.
        assert_eq!(sed_edit("sed -i s/a/b/", "aa\na\n").unwrap(), "ba\nb\n");
        assert_eq!(sed_edit("sed -i -e s/a/b/g", "aa\n").unwrap(), "bb\n");
        assert!(sed_edit("vim", yaml).is_err());
        assert!(sed_edit("sed s/a/b/", yaml).is_err());
        assert!(sed_edit("sed -i 's/a/b/x'", yaml).is_err());
        // A regular expression or `&` would mean more to sed than a literal swap.
        assert!(sed_edit("sed -i 's/mode: .*/mode: ipvs/'", yaml).is_err());
        assert!(sed_edit("sed -i 's/a/&b/'", yaml).is_err());
    }

    #[test]
    fn ages_as_kubectl_prints_them() {
        let s = Dur::from_secs;
        assert_eq!(age(s(25)), "25s");
        assert_eq!(age(s(119)), "119s");
        assert_eq!(age(s(4 * 60 + 30)), "4m30s");
        assert_eq!(age(s(55 * 60)), "55m");
        assert_eq!(age(s(5 * 3600 + 60)), "5h1m");
        assert_eq!(age(s(11 * 3600)), "11h");
        assert_eq!(age(s(7 * 86400 + 17 * 3600)), "7d17h");
        assert_eq!(age(s(14 * 86400)), "14d");
    }

    #[test]
    fn columns_as_seed_004_shows_them() {
        let rows: Vec<Vec<String>> = [
            ["NAME", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"],
            ["kubernetes", "10.254.0.1", "<none>", "443/TCP", "11h"],
            [
                "redis-master",
                "10.254.133.172",
                "<none>",
                "6379/TCP",
                "25s",
            ],
        ]
        .iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
        assert_eq!(
            tabwrite(&rows),
            "NAME           CLUSTER-IP       EXTERNAL-IP   PORT(S)    AGE\n\
             kubernetes     10.254.0.1       <none>        443/TCP    11h\n\
             redis-master   10.254.133.172   <none>        6379/TCP   25s\n"
        );
    }
}
