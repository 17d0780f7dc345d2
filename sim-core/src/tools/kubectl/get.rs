//! `kubectl get`, as kubectl 1.28's `pkg/cmd/get/get.go` (and 1.5's, where the era says)
//! runs it: what the command line asks for, the requests to the apiserver, and the
//! output.
//!
//! - Kinds and names: `get pods`, `get pods,svc`, `get all`, `get pod web-1 web-2`, `get
//!   svc/a pod/b`, `get pods,svc web` (each kind with that name). Several kinds: each
//!   kind's table in turn, names as `pod/web` (modern: whenever more than one kind was
//!   asked for and answered; 1.5: when the objects printed are of more than one kind, with
//!   its short names `po/web`), a blank line between tables (modern).
//! - `-n`, `-A`, `-l` (the full label selector grammar), `--field-selector`, `-L`,
//!   `--show-labels`, `--show-kind`, `--no-headers`, `--sort-by`, `--ignore-not-found`.
//! - `-o wide|yaml|json|name|jsonpath=...|jsonpath-as-json=...|custom-columns=...`
//!   (`jsonpath-file`, `custom-columns-file` and the Go templates are not simulated).
//! - `-w`/`--watch`, `--watch-only`: the table, then a line per change as the apiserver's
//!   watch delivers it, in simulated time, until the run ends (the trace says so).
//!
//! Selectors are checked and applied here with the apiserver's rules and words (the
//! simulator's apiserver lists everything): see `selector`.

use super::jsonpath::JsonPath;
use super::object::{self, api_object, gvr};
use super::selector::{FieldSelector, LabelSelector};
use super::value::{Value, go_quote, go_sharp_v, go_sprint, natural_cmp, to_json};
use crate::engine::{CancelKey, Ctx, Dur};
use crate::k8s::api::{Kind, Object, Request, Response, WatchEvent};
use crate::k8s::proxy::names::Era;
use crate::net::{Msg, Net, NsId, control};
use crate::tools::print;
use crate::trace::Stream;

/// A parsed `kubectl get`.
#[derive(Clone, Debug)]
pub struct Get {
    /// The cluster's release, as kubectl learnt it from the apiserver's answers (its
    /// tables' columns and widths follow it).
    pub version: crate::k8s::version::Version,
    targets: Targets,
    ns: String,
    all_ns: bool,
    output: Output,
    /// The `-o` text, for kubectl's messages.
    output_text: String,
    no_headers: bool,
    show_labels: bool,
    show_kind: bool,
    label_columns: Vec<String>,
    label_selector: Option<String>,
    field_selector: Option<String>,
    sort_by: Option<String>,
    watch: Watch,
    ignore_not_found: bool,
    /// The requests sent (request `i` has id `i + 1`) and their answers.
    asked: Vec<Ask>,
    answers: Vec<Option<Response>>,
    watching: Option<Watching>,
}

/// A resource named on the command line: `all`, or one the simulator models.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Res {
    All,
    Kind(Kind),
}

#[derive(Clone, Debug)]
enum Targets {
    /// Every object of each type (`get pods,svc`, `get all`).
    Types(Vec<Res>),
    /// Objects by name: `get pod a b`, `get pod/a svc/b`, `get pods,svc a`.
    Named(Vec<(Kind, String)>),
}

#[derive(Clone, Debug)]
enum Output {
    Table {
        wide: bool,
    },
    Name,
    Json,
    Yaml,
    JsonPath {
        template: JsonPath,
        raw: String,
        as_json: bool,
    },
    CustomColumns(Vec<(String, JsonPath)>),
}

/// `-w` (the list, then changes) or `--watch-only` (changes).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Watch {
    No,
    ListThenChanges,
    Only,
}

#[derive(Clone, Debug)]
enum Ask {
    List(Kind),
    Get(Kind, String),
    Watch(Kind),
}

/// A command's output: what it prints on each stream, and its exit status.
#[derive(Debug, PartialEq)]
struct Rendered {
    stdout: String,
    stderr: String,
    status: i32,
}

/// A watch under way: what it shows, and its printer's memory.
#[derive(Clone, Debug)]
struct Watching {
    kind: Kind,
    name: Option<String>,
    /// The tabwriter's remembered column widths (modern kubectl keeps columns aligned
    /// across the events of a watch).
    widths: Vec<usize>,
    /// A header has been printed (for the events' rows).
    header: bool,
    /// 1.5: the header of the events' rows was printed (it follows the list's).
    classic_event_header: bool,
    /// Objects printed by a YAML printer (`---` between them).
    printed: usize,
}

/// Flags that take a value, for finding the verb among kubectl's words (as cobra strips
/// flags to find the subcommand).
const VALUE_FLAGS: [&str; 26] = [
    "-n",
    "--namespace",
    "-o",
    "--output",
    "-l",
    "--selector",
    "-L",
    "--label-columns",
    "--field-selector",
    "--sort-by",
    "-f",
    "--filename",
    "-c",
    "--container",
    "--replicas",
    "--chunk-size",
    "--template",
    "--raw",
    "--context",
    "--kubeconfig",
    "-s",
    "--server",
    "--cluster",
    "--user",
    "--subresource",
    "--request-timeout",
];

/// Whether kubectl's verb (its first word that is neither a flag nor a flag's value) is
/// `get`.
pub fn is_get(args: &[String]) -> bool {
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if a == "--" {
            return false;
        }
        if a.starts_with('-') && a.len() > 1 {
            if VALUE_FLAGS.contains(&a) {
                i += 1;
            }
            i += 1;
            continue;
        }
        return a == "get";
    }
    false
}

/// A flag of `kubectl get` (pflag: shorthand, name, whether it takes a value).
struct Flag {
    short: Option<char>,
    long: &'static str,
    value: bool,
}

const FLAGS: [Flag; 28] = [
    Flag {
        short: Some('n'),
        long: "namespace",
        value: true,
    },
    Flag {
        short: Some('A'),
        long: "all-namespaces",
        value: false,
    },
    Flag {
        short: Some('o'),
        long: "output",
        value: true,
    },
    Flag {
        short: Some('l'),
        long: "selector",
        value: true,
    },
    Flag {
        short: Some('L'),
        long: "label-columns",
        value: true,
    },
    Flag {
        short: None,
        long: "field-selector",
        value: true,
    },
    Flag {
        short: None,
        long: "sort-by",
        value: true,
    },
    Flag {
        short: Some('w'),
        long: "watch",
        value: false,
    },
    Flag {
        short: None,
        long: "watch-only",
        value: false,
    },
    Flag {
        short: None,
        long: "show-labels",
        value: false,
    },
    Flag {
        short: None,
        long: "show-kind",
        value: false,
    },
    Flag {
        short: None,
        long: "no-headers",
        value: false,
    },
    Flag {
        short: None,
        long: "ignore-not-found",
        value: false,
    },
    Flag {
        short: None,
        long: "allow-missing-template-keys",
        value: false,
    },
    Flag {
        short: None,
        long: "show-managed-fields",
        value: false,
    },
    Flag {
        short: None,
        long: "server-print",
        value: false,
    },
    Flag {
        short: None,
        long: "chunk-size",
        value: true,
    },
    Flag {
        short: None,
        long: "request-timeout",
        value: true,
    },
    // Real flags the simulator does not model.
    Flag {
        short: None,
        long: "template",
        value: true,
    },
    Flag {
        short: None,
        long: "raw",
        value: true,
    },
    Flag {
        short: Some('f'),
        long: "filename",
        value: true,
    },
    Flag {
        short: Some('k'),
        long: "kustomize",
        value: true,
    },
    Flag {
        short: Some('R'),
        long: "recursive",
        value: false,
    },
    Flag {
        short: None,
        long: "subresource",
        value: true,
    },
    Flag {
        short: None,
        long: "output-watch-events",
        value: false,
    },
    Flag {
        short: None,
        long: "kubeconfig",
        value: true,
    },
    Flag {
        short: None,
        long: "context",
        value: true,
    },
    Flag {
        short: Some('s'),
        long: "server",
        value: true,
    },
];

const NOT_SIMULATED: [&str; 10] = [
    "template",
    "raw",
    "filename",
    "kustomize",
    "recursive",
    "subresource",
    "output-watch-events",
    "kubeconfig",
    "context",
    "server",
];

type Failure = (String, i32);

fn fail<T>(msg: impl Into<String>) -> Result<T, Failure> {
    Err((msg.into(), 1))
}

/// Go's `strconv.ParseBool`.
fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

const USAGE_HINT: &str = "See 'kubectl get --help' for usage.";

/// The formats `-o` takes, sorted as kubectl's error lists them.
const FORMATS: &str = "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml";

/// `RelaxedJSONPathExpression`: `a.b`, `.a.b`, `{a.b}` and `{.a.b}` all mean `{.a.b}`.
fn relaxed_jsonpath(s: &str) -> Result<String, String> {
    if s.is_empty() {
        return Ok(String::new());
    }
    let inner = s
        .strip_prefix('{')
        .and_then(|r| r.strip_suffix('}'))
        .unwrap_or(s);
    let inner = inner.strip_prefix('.').unwrap_or(inner);
    if inner.is_empty() || inner.contains(['{', '}']) {
        return Err("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'".into());
    }
    Ok(format!("{{.{inner}}}"))
}

fn parse_output(text: &str, allow_missing: bool) -> Result<Output, Failure> {
    let (format, value) = match text.split_once('=') {
        Some((f, v)) => (f, Some(v)),
        None => (text, None),
    };
    Ok(match (format, value) {
        ("" | "wide", None) => Output::Table {
            wide: format == "wide",
        },
        ("yaml", None) => Output::Yaml,
        ("json", None) => Output::Json,
        ("name", None) => Output::Name,
        ("jsonpath" | "jsonpath-as-json", v) => {
            let raw = v.unwrap_or("");
            if raw.is_empty() {
                return fail("error: template format specified but no template given\n");
            }
            let template = JsonPath::parse(raw)
                .map_err(|e| (format!("error: error parsing jsonpath {raw}, {e}\n"), 1))?
                .allow_missing_keys(allow_missing);
            Output::JsonPath {
                template,
                raw: raw.to_string(),
                as_json: format == "jsonpath-as-json",
            }
        }
        ("custom-columns", v) => {
            let spec = v.unwrap_or("");
            if spec.is_empty() {
                return fail(
                    "error: custom-columns format specified but no custom columns given\n",
                );
            }
            let mut cols = Vec::new();
            for part in spec.split(',') {
                let Some((header, path)) = part.split_once(':') else {
                    return fail(format!(
                        "error: unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>\n"
                    ));
                };
                let field = relaxed_jsonpath(path).map_err(|e| (format!("error: {e}\n"), 1))?;
                let jp = JsonPath::parse(&field)
                    .map_err(|e| (format!("error: {e}\n"), 1))?
                    .allow_missing_keys(true);
                cols.push((header.to_string(), jp));
            }
            Output::CustomColumns(cols)
        }
        (
            "jsonpath-file"
            | "custom-columns-file"
            | "go-template"
            | "go-template-file"
            | "template"
            | "templatefile",
            _,
        ) => {
            return fail(format!(
                "error: -o {format} is not simulated (the simulator has json, yaml, name, wide, jsonpath=... and custom-columns=...)\n"
            ));
        }
        _ => {
            return fail(format!(
                "error: unable to match a printer suitable for the output format {}, allowed formats are: {FORMATS}\n",
                go_quote(text)
            ));
        }
    })
}

/// `SplitResourceArgument`: the comma-separated types, each once, in order.
fn split_types(arg: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in arg.split(',') {
        if !t.is_empty() && !out.iter().any(|o| o == t) {
            out.push(t.to_string());
        }
    }
    out
}

fn res(t: &str) -> Result<Res, Failure> {
    if t.eq_ignore_ascii_case("all") {
        return Ok(Res::All);
    }
    // `deployments.apps`, `pods.v1.`: the group is the only one there is.
    let base = t.split('.').next().unwrap_or(t);
    Kind::parse(base).map(Res::Kind).ok_or_else(|| {
        (
            format!(
                "error: the server doesn't have a resource type {}\n",
                go_quote(t)
            ),
            1,
        )
    })
}

/// The kinds `kubectl get all` lists, in kubectl's order, those the simulator models:
/// modern kubectl's category `all` as discovery gives it (core resources, then apps,
/// autoscaling, batch, each group's sorted by name), 1.5's `userResources`.
fn all_kinds(era: Era) -> Vec<Kind> {
    let names: &[&str] = match era {
        Era::Modern => &[
            "pods",
            "replicationcontrollers",
            "services",
            "daemonsets",
            "deployments",
            "replicasets",
            "statefulsets",
            "horizontalpodautoscalers",
            "cronjobs",
            "jobs",
        ],
        Era::Classic => &[
            "pods",
            "replicationcontrollers",
            "services",
            "statefulsets",
            "horizontalpodautoscalers",
            "jobs",
            "deployments",
            "replicasets",
        ],
    };
    names.iter().filter_map(|n| Kind::parse(n)).collect()
}

impl Get {
    /// Reads `kubectl [flags] get [flags] ARGS...` as kubectl's flag parser and resource
    /// builder do, with their messages.
    pub fn parse(args: &[String]) -> Result<Get, Failure> {
        let mut g = Get {
            version: Default::default(),
            targets: Targets::Types(Vec::new()),
            ns: "default".into(),
            all_ns: false,
            output: Output::Table { wide: false },
            output_text: String::new(),
            no_headers: false,
            show_labels: false,
            show_kind: false,
            label_columns: Vec::new(),
            label_selector: None,
            field_selector: None,
            sort_by: None,
            watch: Watch::No,
            ignore_not_found: false,
            asked: Vec::new(),
            answers: Vec::new(),
            watching: None,
        };
        let mut allow_missing = true;
        let (mut watch, mut watch_only) = (false, false);
        let mut words: Vec<String> = Vec::new();
        let mut set = |g: &mut Get, flag: &Flag, value: String| -> Result<(), Failure> {
            let boolean = |v: &str| -> Result<bool, Failure> {
                parse_bool(v).ok_or_else(|| {
                    let name = match flag.short {
                        Some(c) => format!("-{c}, --{}", flag.long),
                        None => format!("--{}", flag.long),
                    };
                    (
                        format!(
                            "error: invalid argument {} for {} flag: strconv.ParseBool: parsing {}: invalid syntax\n{USAGE_HINT}\n",
                            go_quote(v),
                            go_quote(&name),
                            go_quote(v)
                        ),
                        1,
                    )
                })
            };
            if NOT_SIMULATED.contains(&flag.long) {
                return fail(format!(
                    "error: kubectl get --{} is not simulated\n",
                    flag.long
                ));
            }
            match flag.long {
                "namespace" => g.ns = value,
                "all-namespaces" => g.all_ns = boolean(&value)?,
                "output" => g.output_text = value,
                "selector" => g.label_selector = Some(value.trim().to_string()),
                "label-columns" => g.label_columns.extend(
                    value
                        .split(',')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty()),
                ),
                "field-selector" => g.field_selector = Some(value.trim().to_string()),
                "sort-by" => g.sort_by = Some(value),
                "watch" => watch = boolean(&value)?,
                "watch-only" => watch_only = boolean(&value)?,
                "show-labels" => g.show_labels = boolean(&value)?,
                "show-kind" => g.show_kind = boolean(&value)?,
                "no-headers" => g.no_headers = boolean(&value)?,
                "ignore-not-found" => g.ignore_not_found = boolean(&value)?,
                "allow-missing-template-keys" => allow_missing = boolean(&value)?,
                "show-managed-fields" | "server-print" => {
                    boolean(&value)?;
                }
                _ => {}
            }
            Ok(())
        };
        let mut i = 0;
        while i < args.len() {
            let a = args[i].as_str();
            if a == "--" {
                words.extend(args[i + 1..].iter().cloned());
                break;
            }
            if let Some(long) = a.strip_prefix("--") {
                let (name, inline) = match long.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_string())),
                    None => (long, None),
                };
                let Some(flag) = FLAGS.iter().find(|f| f.long == name) else {
                    return fail(format!("error: unknown flag: --{name}\n{USAGE_HINT}\n"));
                };
                let value = match (inline, flag.value) {
                    (Some(v), _) => v,
                    (None, false) => "true".into(),
                    (None, true) => {
                        i += 1;
                        args.get(i).cloned().ok_or_else(|| {
                            (
                                format!("error: flag needs an argument: --{name}\n{USAGE_HINT}\n"),
                                1,
                            )
                        })?
                    }
                };
                set(&mut g, flag, value)?;
            } else if a.len() > 1 && a.starts_with('-') {
                // Shorthand: `-A`, `-Aw`, `-owide`, `-o=wide`, `-n kube-system`.
                let chars: Vec<char> = a[1..].chars().collect();
                let mut j = 0;
                while j < chars.len() {
                    let c = chars[j];
                    let Some(flag) = FLAGS.iter().find(|f| f.short == Some(c)) else {
                        return fail(format!(
                            "error: unknown shorthand flag: '{c}' in {a}\n{USAGE_HINT}\n"
                        ));
                    };
                    let rest: String = chars[j + 1..].iter().collect();
                    if flag.value {
                        let value = if !rest.is_empty() {
                            rest.strip_prefix('=').unwrap_or(&rest).to_string()
                        } else {
                            i += 1;
                            args.get(i).cloned().ok_or_else(|| {
                                (
                                    format!(
                                        "error: flag needs an argument: '{c}' in -{c}\n{USAGE_HINT}\n"
                                    ),
                                    1,
                                )
                            })?
                        };
                        set(&mut g, flag, value)?;
                        break;
                    }
                    if let Some(v) = rest.strip_prefix('=') {
                        set(&mut g, flag, v.to_string())?;
                        break;
                    }
                    set(&mut g, flag, "true".into())?;
                    j += 1;
                }
            } else {
                words.push(a.to_string());
            }
            i += 1;
        }
        // kubectl keeps the two flags; with either it watches, printing the list first
        // unless --watch-only.
        g.watch = match (watch, watch_only) {
            (_, true) => Watch::Only,
            (true, false) => Watch::ListThenChanges,
            (false, false) => Watch::No,
        };
        // The first word is the verb.
        let args: Vec<String> = match words.iter().position(|w| w == "get") {
            Some(p) => words[p + 1..].to_vec(),
            None => words,
        };
        if g.all_ns {
            // A namespace given with -A is ignored, as kubectl ignores it.
            g.ns = "default".into();
        }
        // Validate (get.go): options that do not go together.
        let table = matches!(g.output_text.as_str(), "" | "wide");
        if g.show_labels && !table {
            return fail(format!(
                "error: --show-labels option cannot be used with {} printer\n",
                g.output_text
            ));
        }
        if !g.label_columns.is_empty() && g.output_text.starts_with("custom-columns") {
            return fail(format!(
                "error: --label-columns option cannot be used with {} printer\n",
                g.output_text
            ));
        }
        if args.is_empty() {
            if g.watch != Watch::No {
                return fail(
                    "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n",
                );
            }
            return fail(
                "You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples\n",
            );
        }
        g.targets = Self::targets(&args)?;
        let selector = g.label_selector.as_deref().is_some_and(|s| !s.is_empty())
            || g.field_selector.as_deref().is_some_and(|s| !s.is_empty());
        if selector {
            let tuples = args.iter().all(|a| a.contains('/'));
            if let Targets::Named(_) = g.targets {
                return fail(if tuples {
                    "error: selectors and the all flag cannot be used when passing resource/name arguments\n"
                } else {
                    "error: name cannot be provided when a selector is specified\n"
                });
            }
        }
        if let Targets::Named(named) = &g.targets
            && g.all_ns
            && named.iter().any(|(k, _)| k.namespaced())
        {
            return fail("error: a resource cannot be retrieved by name across all namespaces\n");
        }
        if g.watch != Watch::No {
            let kinds: Vec<Kind> = match &g.targets {
                Targets::Types(t) if t.len() > 1 || t.contains(&Res::All) => {
                    return fail("error: you may only specify a single resource type\n");
                }
                Targets::Types(t) => t
                    .iter()
                    .filter_map(|r| match r {
                        Res::Kind(k) => Some(*k),
                        Res::All => None,
                    })
                    .collect(),
                Targets::Named(n) => n.iter().map(|(k, _)| *k).collect(),
            };
            if kinds.windows(2).any(|w| w[0] != w[1]) {
                return fail("error: you may only specify a single resource type\n");
            }
            if let Targets::Named(n) = &g.targets
                && n.len() > 1
            {
                return fail(
                    "error: you may only watch a single resource or type of resource at a time\n",
                );
            }
        }
        g.output = parse_output(&g.output_text, allow_missing)?;
        if let Some(s) = &g.sort_by {
            let field = relaxed_jsonpath(s).unwrap_or_else(|_| s.clone());
            JsonPath::parse(&field).map_err(|e| (format!("error: {e}\n"), 1))?;
        }
        Ok(g)
    }

    /// `ResourceTypeOrNameArgs`: `TYPE[,TYPE...] [NAME...]` or `TYPE/NAME...`.
    fn targets(args: &[String]) -> Result<Targets, Failure> {
        let slashes = args.iter().filter(|a| a.contains('/')).count();
        if slashes > 0 && slashes != args.len() {
            return fail(
                "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'\n",
            );
        }
        if slashes > 0 {
            let mut named = Vec::new();
            for a in args {
                let seg: Vec<&str> = a.split('/').collect();
                if seg.len() != 2 {
                    return fail(
                        "error: arguments in resource/name form may not have more than one slash\n",
                    );
                }
                let (t, n) = (seg[0], seg[1]);
                if t.is_empty() || n.is_empty() || split_types(t).len() != 1 {
                    return fail(
                        "error: arguments in resource/name form must have a single resource and name\n",
                    );
                }
                match res(t)? {
                    Res::Kind(k) => named.push((k, n.to_string())),
                    Res::All => {
                        return fail(format!(
                            "error: the server doesn't have a resource type {}\n",
                            go_quote(t)
                        ));
                    }
                }
            }
            return Ok(Targets::Named(named));
        }
        let types = split_types(&args[0]);
        let names = &args[1..];
        if types.is_empty() {
            // `get ,`: no type at all.
            return fail(if names.is_empty() {
                "error: at least one resource must be specified to use a selector\n"
            } else {
                "error: you must provide a resource and a resource name together\n"
            });
        }
        let resolved: Vec<Res> = types.iter().map(|t| res(t)).collect::<Result<_, _>>()?;
        if names.is_empty() {
            return Ok(Targets::Types(resolved));
        }
        if types.len() > 1 {
            // `get pods,svc web`: each type with each name.
            let mut named = Vec::new();
            for r in &resolved {
                let Res::Kind(k) = r else {
                    return fail("error: the server doesn't have a resource type \"all\"\n");
                };
                for n in names {
                    named.push((*k, n.clone()));
                }
            }
            return Ok(Targets::Named(named));
        }
        match resolved[0] {
            Res::All => fail("error: you must specify only one resource\n"),
            Res::Kind(k) => Ok(Targets::Named(
                names.iter().map(|n| (k, n.clone())).collect(),
            )),
        }
    }

    /// Sends the requests (or says why there are none).
    pub fn start(
        &mut self,
        ns: NsId,
        cx: &mut Ctx<'_, Net>,
        timer: &mut Option<CancelKey>,
        era: Era,
    ) -> Option<i32> {
        if era == Era::Classic && self.field_selector.is_some() {
            // kubectl 1.5 has no --field-selector.
            print(
                cx,
                Stream::Stderr,
                &format!("error: unknown flag: --field-selector\n{USAGE_HINT}\n"),
            );
            return Some(1);
        }
        if self.watch != Watch::No && self.sort_by.is_some() {
            let which = if self.watch == Watch::Only {
                "warning: --watch-only requested, --sort-by will be ignored\n"
            } else {
                "warning: --watch requested, --sort-by will be ignored for watch events received\n"
            };
            print(cx, Stream::Stderr, which);
        }
        for a in self.plan(era) {
            self.send(cx, ns, a);
        }
        *timer = Some(cx.schedule_cancellable(Dur::from_secs(30), Msg::Timer(1)));
        None
    }

    /// The requests a get makes: a list per kind (`all` as the era's kubectl expands it),
    /// a get per name, or the one watch.
    fn plan(&self, era: Era) -> Vec<Ask> {
        match &self.targets {
            Targets::Types(types) => {
                let mut kinds: Vec<Kind> = Vec::new();
                for r in types {
                    let ks = match r {
                        Res::All => all_kinds(era),
                        Res::Kind(k) => vec![*k],
                    };
                    for k in ks {
                        if !kinds.contains(&k) {
                            kinds.push(k);
                        }
                    }
                }
                if self.watch != Watch::No {
                    vec![Ask::Watch(kinds[0])]
                } else {
                    kinds.into_iter().map(Ask::List).collect()
                }
            }
            Targets::Named(named) => named.iter().map(|(k, n)| Ask::Get(*k, n.clone())).collect(),
        }
    }

    fn send(&mut self, cx: &mut Ctx<'_, Net>, from: NsId, ask: Ask) {
        let req = match &ask {
            Ask::List(k) => Request::List {
                kind: *k,
                ns: (!self.all_ns).then(|| self.ns.clone()),
            },
            Ask::Get(k, n) => Request::Get {
                kind: *k,
                ns: self.ns.clone(),
                name: n.clone(),
            },
            Ask::Watch(k) => Request::Watch {
                kinds: vec![*k],
                node: None,
            },
        };
        self.asked.push(ask);
        self.answers.push(None);
        let id = self.asked.len() as u64;
        let Some(api) = cx.lookup("kube-apiserver") else {
            return;
        };
        let Some(api_ns) = cx.world.procs.get(&api).and_then(|p| p.ns) else {
            return;
        };
        let msg = Msg::ApiRequest {
            from: cx.me(),
            id,
            req: Box::new(req),
        };
        control::send(cx, from, api_ns, api, msg);
    }

    /// An answer from the apiserver: once all are in, the output.
    pub fn response(
        &mut self,
        id: u64,
        resp: Response,
        ns: NsId,
        cx: &mut Ctx<'_, Net>,
        timer: &mut Option<CancelKey>,
        era: Era,
    ) -> Option<i32> {
        let i = (id as usize).checked_sub(1)?;
        if self.answers.get(i).is_none_or(Option::is_some) {
            return None;
        }
        // A watch's later answer (the watch itself, after a get by name): its list is the
        // synthetic first event kubectl drops.
        if self.watching.is_some() {
            self.answers[i] = Some(resp);
            return None;
        }
        self.answers[i] = Some(resp);
        if self.answers.iter().any(Option::is_none) {
            *timer = Some(cx.schedule_cancellable(Dur::from_secs(30), Msg::Timer(1)));
            return None;
        }
        if self.watch != Watch::No {
            return self.start_watch(ns, cx, timer, era);
        }
        Some(self.output(cx, era))
    }

    /// The filters the apiserver would apply to a list: the label and field selectors
    /// (their errors in the apiserver's words, as kubectl reports them).
    fn selected(&self, kind: Kind, list: Vec<Object>, era: Era) -> Result<Vec<Object>, String> {
        let label = self.label_selector.clone().unwrap_or_default();
        let field = self.field_selector.clone().unwrap_or_default();
        let bad = |msg: String| -> String {
            match era {
                Era::Modern => format!(
                    "Error from server (BadRequest): Unable to find {} that match label selector {}, field selector {}: {msg}",
                    go_quote(&gvr(kind, era)),
                    go_quote(&label),
                    go_quote(&field)
                ),
                Era::Classic => format!(
                    "error: the provided selector {} is not valid: {msg}",
                    go_quote(&label)
                ),
            }
        };
        let ls = if label.is_empty() {
            None
        } else {
            Some(LabelSelector::parse(&label).map_err(bad)?)
        };
        let fs = if field.is_empty() {
            None
        } else {
            let fs = FieldSelector::parse(&field).map_err(bad)?;
            fs.check(kind).map_err(bad)?;
            Some(fs)
        };
        Ok(list
            .into_iter()
            .filter(|o| ls.as_ref().is_none_or(|s| s.matches(&o.meta.labels)))
            .filter(|o| fs.as_ref().is_none_or(|s| s.matches(o)))
            .collect())
    }

    /// What the answers make, printed: stdout, then stderr; the status.
    fn output(&mut self, cx: &mut Ctx<'_, Net>, era: Era) -> i32 {
        let r = self.render(era, cx.now());
        print(cx, Stream::Stdout, &r.stdout);
        print(cx, Stream::Stderr, &r.stderr);
        r.status
    }

    /// What the answers make: tables or another format, then the errors.
    fn render(&mut self, era: Era, now: crate::engine::SimTime) -> Rendered {
        // kubectl's "infos": each list (even empty), each object got by name.
        let mut infos: Vec<(Kind, Vec<Object>)> = Vec::new();
        let mut errors: Vec<String> = Vec::new();
        let answers: Vec<(Ask, Response)> = self
            .asked
            .iter()
            .cloned()
            .zip(
                self.answers
                    .iter_mut()
                    .map(|a| a.take().expect("all answered")),
            )
            .collect();
        for (ask, resp) in answers {
            match (ask, resp) {
                (Ask::List(kind), Response::List(list)) => match self.selected(kind, list, era) {
                    Ok(objs) => infos.push((kind, objs)),
                    Err(e) => errors.push(e),
                },
                (Ask::Get(kind, _), Response::Object(o)) => infos.push((kind, vec![*o])),
                (_, Response::Error { code, .. }) if self.ignore_not_found && code == 404 => {}
                (
                    _,
                    Response::Error {
                        reason, message, ..
                    },
                ) => {
                    errors.push(format!("Error from server ({reason}): {message}"));
                }
                _ => {}
            }
        }
        let status = i32::from(!errors.is_empty());
        let errors_text: String = errors.iter().map(|e| format!("{e}\n")).collect();
        let failed = |e: String| Rendered {
            stdout: String::new(),
            stderr: format!("error: {e}\n"),
            status: 1,
        };
        match &self.output {
            Output::Table { wide } => {
                let text = match self.tables(&infos, *wide, era, now) {
                    Ok(t) => t,
                    Err(e) => return failed(e),
                };
                let mut stderr = String::new();
                if text.is_empty() && errors.is_empty() && !self.ignore_not_found {
                    let namespaced = !self.all_ns && infos.iter().all(|(k, _)| k.namespaced());
                    stderr = match era {
                        Era::Classic => "No resources found.\n".to_string(),
                        Era::Modern if namespaced => {
                            format!("No resources found in {} namespace.\n", self.ns)
                        }
                        Era::Modern => "No resources found\n".to_string(),
                    };
                }
                stderr.push_str(&errors_text);
                Rendered {
                    stdout: text,
                    stderr,
                    status,
                }
            }
            _ => {
                let single = matches!(&self.targets, Targets::Named(n) if n.len() == 1);
                let mut objs: Vec<Object> = infos.into_iter().flat_map(|(_, o)| o).collect();
                if (single && !errors.is_empty()) || (objs.is_empty() && self.ignore_not_found) {
                    return Rendered {
                        stdout: String::new(),
                        stderr: errors_text,
                        status,
                    };
                }
                if let Some(field) = &self.sort_by {
                    let refs: Vec<&Object> = objs.iter().collect();
                    match sort_order(&refs, field, era) {
                        Ok(order) => objs = order.into_iter().map(|i| objs[i].clone()).collect(),
                        Err(e) => return failed(e),
                    }
                }
                let value = if single && objs.len() == 1 {
                    api_object(&objs[0], era)
                } else {
                    object::list(objs.iter().map(|o| api_object(o, era)).collect(), era)
                };
                let (stdout, err) = self.generic(&objs, &value, era, None);
                let status = if err.is_some() { 1 } else { status };
                Rendered {
                    stdout,
                    stderr: err.unwrap_or_default() + &errors_text,
                    status,
                }
            }
        }
    }

    /// A non-table printer's text for `value` (one object or a List of `objs`), and its
    /// error. `widths`: a watch's remembered column widths (custom columns).
    fn generic(
        &self,
        objs: &[Object],
        value: &Value,
        era: Era,
        widths: Option<&mut Vec<usize>>,
    ) -> (String, Option<String>) {
        match &self.output {
            Output::Name => (
                objs.iter()
                    .map(|o| format!("{}/{}\n", name_prefix(o.kind(), era), o.meta.name))
                    .collect(),
                None,
            ),
            Output::Json => (
                format!("{}\n", to_json(value, Some("    "), era == Era::Modern)),
                None,
            ),
            Output::Yaml => (super::yaml::to_yaml(value), None),
            Output::JsonPath {
                template,
                raw,
                as_json,
            } => {
                let r = if *as_json {
                    template.execute_json(value)
                } else {
                    template.execute(value)
                };
                match r {
                    Ok(s) => (s, None),
                    Err(e) => (
                        String::new(),
                        Some(format!(
                            "error: error executing jsonpath {}: Error executing template: {e}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{raw}\n\tobject given to jsonpath engine was:\n\t\t{}\n\n\n",
                            go_quote(raw),
                            go_sharp_v(value)
                        )),
                    ),
                }
            }
            Output::CustomColumns(cols) => {
                let mut rows: Vec<Vec<String>> = Vec::new();
                let print_header = !self.no_headers && widths.as_ref().is_none_or(|w| w.is_empty());
                if print_header {
                    rows.push(cols.iter().map(|(h, _)| h.clone()).collect());
                }
                let items: Vec<&Value> = match value.at("items") {
                    Some(Value::List(items)) if value.at("kind") == Some(&"List".into()) => {
                        items.iter().collect()
                    }
                    _ => vec![value],
                };
                let mut err = None;
                for item in items {
                    let mut row = Vec::new();
                    for (_, jp) in cols {
                        match jp.find_results(item) {
                            Ok(groups) => {
                                let vals: Vec<String> = groups
                                    .iter()
                                    .flatten()
                                    .map(|v| escape_terminal(&go_sprint(v)))
                                    .collect();
                                if groups.first().is_none_or(Vec::is_empty) {
                                    row.push("<none>".to_string());
                                } else {
                                    row.push(vals.join(","));
                                }
                            }
                            Err(e) => {
                                err = Some(format!("error: {e}\n"));
                                break;
                            }
                        }
                    }
                    if err.is_some() {
                        break;
                    }
                    rows.push(row);
                }
                let text = match widths {
                    Some(w) => tabwrite_remembering(&rows, w),
                    None => super::tabwrite_with(&rows, 3, super::release::min_width(era)),
                };
                (text, err)
            }
            Output::Table { .. } => (String::new(), None),
        }
    }

    /// The human-readable output: each kind's table in turn.
    fn tables(
        &self,
        infos: &[(Kind, Vec<Object>)],
        wide: bool,
        era: Era,
        now: crate::engine::SimTime,
    ) -> Result<String, String> {
        let distinct = |kinds: &mut dyn Iterator<Item = Kind>| {
            let mut seen: Vec<Kind> = Vec::new();
            for k in kinds {
                if !seen.contains(&k) {
                    seen.push(k);
                }
            }
            seen.len() > 1
        };
        let with_kind = self.show_kind
            || match era {
                // Modern: more than one kind among what was asked and answered (an
                // empty list counts).
                Era::Modern => distinct(&mut infos.iter().map(|(k, _)| *k)),
                // 1.5: more than one kind among the objects printed.
                Era::Classic => {
                    distinct(&mut infos.iter().filter(|(_, o)| !o.is_empty()).map(|(k, _)| *k))
                }
            };
        // Consecutive infos of one kind share a table.
        let mut groups: Vec<(Kind, Vec<&Object>)> = Vec::new();
        for (k, objs) in infos {
            match groups.last_mut() {
                Some((lk, v)) if lk == k => v.extend(objs.iter()),
                _ => groups.push((*k, objs.iter().collect())),
            }
        }
        let mut out = String::new();
        for (kind, mut objs) in groups {
            if objs.is_empty() {
                continue;
            }
            // A list's rows are sorted; objects got by name are each their own table in
            // kubectl (the server's), so they keep their order.
            if let (Some(field), Targets::Types(_)) = (&self.sort_by, &self.targets) {
                let order = sort_order(&objs, field, era)?;
                objs = order.into_iter().map(|i| objs[i]).collect();
            }
            let rows = self.rows(kind, &objs, wide, with_kind, era, now);
            let rows = if self.no_headers {
                rows[1..].to_vec()
            } else {
                rows
            };
            if era == Era::Modern && !out.is_empty() && !self.no_headers {
                out.push('\n');
            }
            out.push_str(&super::tabwrite_with(
                &rows,
                3,
                super::release::min_width(era),
            ));
        }
        Ok(out)
    }

    /// A kind's table (header first), with the columns `get` adds around the kind's own:
    /// NAMESPACE (`-A`), the kind before each name, `-L`'s labels, LABELS.
    fn rows(
        &self,
        kind: Kind,
        objs: &[&Object],
        wide: bool,
        with_kind: bool,
        era: Era,
        now: crate::engine::SimTime,
    ) -> Vec<Vec<String>> {
        let owned: Vec<Object> = objs.iter().map(|o| (*o).clone()).collect();
        let with_ns = self.all_ns && kind.namespaced();
        let mut rows = super::table_rows(kind, &owned, wide, with_ns, now, self.version);
        let name_col = usize::from(with_ns);
        for (i, row) in rows.iter_mut().enumerate() {
            if i == 0 {
                row.extend(
                    self.label_columns
                        .iter()
                        .map(|l| l.rsplit('/').next().unwrap_or(l).to_uppercase()),
                );
                if self.show_labels {
                    row.push("LABELS".into());
                }
                continue;
            }
            let o = objs[i - 1];
            if with_kind && let Some(cell) = row.get_mut(name_col) {
                *cell = format!("{}/{cell}", kind_prefix(kind, era));
            }
            row.extend(
                self.label_columns
                    .iter()
                    .map(|l| o.meta.labels.get(l).cloned().unwrap_or_default()),
            );
            if self.show_labels {
                row.push(super::labels_text(&o.meta.labels));
            }
        }
        rows
    }

    /// The watch begins: the current objects, then the watch itself.
    fn start_watch(
        &mut self,
        ns: NsId,
        cx: &mut Ctx<'_, Net>,
        timer: &mut Option<CancelKey>,
        era: Era,
    ) -> Option<i32> {
        let (ask, resp) = (
            self.asked[0].clone(),
            self.answers[0].take().expect("answered"),
        );
        let (kind, name, initial) = match (ask, resp) {
            (Ask::Watch(kind), Response::List(list)) => {
                let list: Vec<Object> = list.into_iter().filter(|o| self.in_scope(o)).collect();
                match self.selected(kind, list, era) {
                    Ok(l) => (kind, None, l),
                    Err(e) => {
                        print(cx, Stream::Stderr, &format!("{e}\n"));
                        return Some(1);
                    }
                }
            }
            (Ask::Get(kind, name), Response::Object(o)) => (kind, Some(name), vec![*o]),
            (
                _,
                Response::Error {
                    code,
                    reason,
                    message,
                },
            ) => {
                if self.ignore_not_found && code == 404 {
                    return Some(0);
                }
                print(
                    cx,
                    Stream::Stderr,
                    &format!("Error from server ({reason}): {message}\n"),
                );
                return Some(1);
            }
            _ => return Some(1),
        };
        self.watching = Some(Watching {
            kind,
            name: name.clone(),
            widths: Vec::new(),
            header: false,
            classic_event_header: false,
            printed: 0,
        });
        if self.watch == Watch::ListThenChanges {
            self.watch_print(&initial, true, cx, era);
        }
        if name.is_some() {
            // A watch of one object: after getting it, watch its kind.
            self.send(cx, ns, Ask::Watch(kind));
            *timer = Some(cx.schedule_cancellable(Dur::from_secs(30), Msg::Timer(1)));
        }
        // The trace says so if the run ends while this watch goes on.
        let what = match &name {
            Some(n) => format!("{}/{n}", kind.singular()),
            None if self.all_ns || !kind.namespaced() => kind.plural().to_string(),
            None => format!("{} in namespace {}", kind.plural(), self.ns),
        };
        if let Some(p) = cx.world.procs.get_mut(&cx.me()) {
            p.at_run_end = Some(format!(
                "kubectl's watch of {what} ended with the run (it was still watching)"
            ));
        }
        None
    }

    /// Whether an object is one the watch shows: its namespace, its name.
    fn in_scope(&self, o: &Object) -> bool {
        let ns_ok = self.all_ns || !o.kind().namespaced() || o.meta.namespace == self.ns;
        let name_ok = self
            .watching
            .as_ref()
            .and_then(|w| w.name.as_ref())
            .is_none_or(|n| *n == o.meta.name);
        ns_ok && name_ok
    }

    /// A change the apiserver's watch delivered: its line, if the watch shows it.
    pub fn event(&mut self, ev: WatchEvent, cx: &mut Ctx<'_, Net>, era: Era) -> Option<i32> {
        let Some(w) = &self.watching else {
            return None;
        };
        if ev.object.kind() != w.kind || !self.in_scope(&ev.object) {
            return None;
        }
        let Ok(objs) = self.selected(w.kind, vec![ev.object], era) else {
            return None;
        };
        if !objs.is_empty() {
            self.watch_print(&objs, false, cx, era);
        }
        None
    }

    /// Prints objects of a watch: the first list (`initial`) or an event's object.
    fn watch_print(&mut self, objs: &[Object], initial: bool, cx: &mut Ctx<'_, Net>, era: Era) {
        let mut w = self.watching.take().expect("watching");
        let (out, err) = self.watch_text(&mut w, objs, initial, era, cx.now());
        self.watching = Some(w);
        print(cx, Stream::Stdout, &out);
        if let Some(e) = err {
            print(cx, Stream::Stderr, &e);
        }
    }

    /// What a watch prints for `objs` (the first list when `initial`, else an event's
    /// object), and a printer's error.
    fn watch_text(
        &self,
        w: &mut Watching,
        objs: &[Object],
        initial: bool,
        era: Era,
        now: crate::engine::SimTime,
    ) -> (String, Option<String>) {
        match &self.output {
            Output::Table { wide } => {
                let refs: Vec<&Object> = objs.iter().collect();
                let mut rows = self.rows(w.kind, &refs, *wide, false, era, now);
                let text = match era {
                    Era::Modern => {
                        // The header once, with the first rows there are; columns stay as
                        // wide as they have been.
                        if w.header || self.no_headers || objs.is_empty() {
                            rows.remove(0);
                        } else {
                            w.header = true;
                        }
                        if rows.is_empty() {
                            String::new()
                        } else {
                            tabwrite_remembering(&rows, &mut w.widths)
                        }
                    }
                    Era::Classic => {
                        // 1.5 prints the list's header (even for no objects) and again
                        // before the first event's row; each print aligned on its own.
                        let header = if self.no_headers {
                            false
                        } else if initial {
                            true
                        } else if !w.classic_event_header {
                            w.classic_event_header = true;
                            true
                        } else {
                            false
                        };
                        if !header {
                            rows.remove(0);
                        }
                        super::tabwrite_with(&rows, 3, super::release::min_width(era))
                    }
                };
                (text, None)
            }
            Output::CustomColumns(_) => {
                if objs.is_empty() {
                    return (String::new(), None);
                }
                // One block for the first list, as kubectl flushes its tabwriter once.
                let value = object::list(objs.iter().map(|o| api_object(o, era)).collect(), era);
                let r = self.generic(objs, &value, era, Some(&mut w.widths));
                if w.widths.is_empty() {
                    // One column: nothing to remember but that the header is out.
                    w.widths.push(0);
                }
                r
            }
            _ => {
                let mut out = String::new();
                for o in objs {
                    let value = api_object(o, era);
                    let (text, e) = self.generic(std::slice::from_ref(o), &value, era, None);
                    if matches!(self.output, Output::Yaml) {
                        if w.printed > 0 {
                            out.push_str("---\n");
                        }
                        w.printed += 1;
                    }
                    out.push_str(&text);
                    if e.is_some() {
                        return (out, e);
                    }
                }
                (out, None)
            }
        }
    }
}

/// `-o name`'s `kind/name` prefix: modern `pod`, `deployment.apps`; 1.5 the kind alone.
fn name_prefix(kind: Kind, era: Era) -> String {
    match era {
        Era::Modern => kind.singular().to_string(),
        Era::Classic => kind.name().to_lowercase(),
    }
}

/// What a multi-kind table puts before each name: modern kubectl's lower-case kind with
/// its group (`deployment.apps`), 1.5's short resource name (`deploy`).
fn kind_prefix(kind: Kind, era: Era) -> String {
    match era {
        Era::Modern => kind.singular().to_string(),
        Era::Classic => match object::resource(kind) {
            "pods" => "po",
            "services" => "svc",
            "replicationcontrollers" => "rc",
            "replicasets" => "rs",
            "deployments" => "deploy",
            "daemonsets" => "ds",
            "endpoints" => "ep",
            "namespaces" => "ns",
            "nodes" => "no",
            "configmaps" => "cm",
            other => other,
        }
        .to_string(),
    }
}

/// `printers.EscapeTerminal`.
fn escape_terminal(s: &str) -> String {
    s.replace('\u{1b}', "^[").replace('\r', "\\r")
}

/// `--sort-by`: the order of the objects by the JSONPath field's value (kubectl's
/// `RuntimeSort` and `TableSorter`: numbers by value, strings in natural order, objects
/// without the field first), as indexes into `objs`. A stable sort, so equal values keep
/// the apiserver's order.
fn sort_order(objs: &[&Object], field: &str, era: Era) -> Result<Vec<usize>, String> {
    let field = relaxed_jsonpath(field).unwrap_or_else(|_| field.to_string());
    let jp = JsonPath::parse(&field)
        .map_err(|e| format!("sorting error: {e}"))?
        .allow_missing_keys(true);
    let mut keyed: Vec<(Option<Value>, usize)> = Vec::new();
    for (i, o) in objs.iter().enumerate() {
        let v = api_object(o, era);
        let found = jp.find_results(&v)?;
        keyed.push((found.first().and_then(|g| g.first()).cloned(), i));
    }
    if !objs.is_empty() && keyed.iter().all(|(k, _)| k.is_none()) {
        return Err(format!(
            "couldn't find any field with path {} in the list of objects",
            go_quote(&field)
        ));
    }
    keyed.sort_by(|(a, _), (b, _)| match (a, b) {
        (None, None) => std::cmp::Ordering::Equal,
        (None, _) => std::cmp::Ordering::Less,
        (_, None) => std::cmp::Ordering::Greater,
        (Some(Value::Int(x)), Some(Value::Int(y))) => x.cmp(y),
        (Some(Value::Float(x)), Some(Value::Float(y))) => {
            x.partial_cmp(y).unwrap_or(std::cmp::Ordering::Equal)
        }
        // Timestamps are RFC 3339 in UTC: in time order as text too.
        (Some(Value::Str(x)), Some(Value::Str(y))) => natural_cmp(x, y),
        (Some(x), Some(y)) => go_sprint(x).cmp(&go_sprint(y)),
    });
    Ok(keyed.into_iter().map(|(_, i)| i).collect())
}

/// Go's tabwriter (padding 3, minimum width 6) with liggitt/tabwriter's `RememberWidths`:
/// a column is at least as wide as it was in earlier flushes, so a watch's lines stay
/// aligned with the table above them.
fn tabwrite_remembering(rows: &[Vec<String>], widths: &mut Vec<usize>) -> String {
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if i + 1 == r.len() {
                continue;
            }
            let w = (c.chars().count() + 3).max(6);
            if widths.len() <= i {
                widths.resize(i + 1, 0);
            }
            widths[i] = widths[i].max(w);
        }
    }
    let mut out = String::new();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            out.push_str(c);
            if i + 1 < r.len() {
                out.push_str(&" ".repeat(widths[i] - c.chars().count()));
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Get, Failure> {
        let args: Vec<String> = shell_words::split(line).unwrap();
        Get::parse(&args)
    }

    fn err(line: &str) -> String {
        parse(line).unwrap_err().0
    }

    #[test]
    fn finds_the_verb() {
        let v = |line: &str| is_get(&shell_words::split(line).unwrap());
        assert!(v("get pods"));
        assert!(v("-n kube-system get pods"));
        assert!(v("--namespace=x get pods"));
        assert!(!v("describe get"));
        assert!(!v("-n get describe"));
        assert!(!v("exec web -- get"));
    }

    #[test]
    fn reads_flags_as_pflag_does() {
        let g = parse("get pods -Aowide --show-labels -L app,tier -Ltier2").unwrap();
        assert!(g.all_ns && g.show_labels);
        assert!(matches!(g.output, Output::Table { wide: true }));
        assert_eq!(g.label_columns, ["app", "tier", "tier2"]);
        assert_eq!(
            parse("get po --watch --watch=false").unwrap().watch,
            Watch::No
        );
        assert_eq!(parse("get po -w --watch-only").unwrap().watch, Watch::Only);
        let g = parse("-n kube-system get po -o=yaml --watch=false -w").unwrap();
        assert_eq!(g.ns, "kube-system");
        assert_eq!(g.watch, Watch::ListThenChanges);
        assert!(matches!(g.output, Output::Yaml));
        let g = parse("get svc -nkube-system -l 'app in (a, b)' --field-selector=metadata.name=x")
            .unwrap();
        assert_eq!(g.ns, "kube-system");
        assert_eq!(g.label_selector.as_deref(), Some("app in (a, b)"));
        assert_eq!(g.field_selector.as_deref(), Some("metadata.name=x"));
        assert_eq!(
            err("get pods --bogus"),
            "error: unknown flag: --bogus\nSee 'kubectl get --help' for usage.\n"
        );
        assert_eq!(
            err("get pods -Ax"),
            "error: unknown shorthand flag: 'x' in -Ax\nSee 'kubectl get --help' for usage.\n"
        );
        assert_eq!(
            err("get pods -n"),
            "error: flag needs an argument: 'n' in -n\nSee 'kubectl get --help' for usage.\n"
        );
        assert_eq!(
            err("get pods --namespace"),
            "error: flag needs an argument: --namespace\nSee 'kubectl get --help' for usage.\n"
        );
        assert_eq!(
            err("get pods --watch=maybe"),
            "error: invalid argument \"maybe\" for \"-w, --watch\" flag: strconv.ParseBool: parsing \"maybe\": invalid syntax\nSee 'kubectl get --help' for usage.\n"
        );
        assert_eq!(
            err("get pods --raw /x"),
            "error: kubectl get --raw is not simulated\n"
        );
    }

    #[test]
    fn resources_and_names() {
        let named = |line: &str| match parse(line).unwrap().targets {
            Targets::Named(n) => n,
            Targets::Types(t) => panic!("types {t:?}"),
        };
        assert_eq!(
            named("get svc/a pod/b"),
            vec![(Kind::Service, "a".into()), (Kind::Pod, "b".into())]
        );
        assert_eq!(
            named("get pods,svc web"),
            vec![(Kind::Pod, "web".into()), (Kind::Service, "web".into())]
        );
        assert_eq!(
            named("get po a b"),
            vec![(Kind::Pod, "a".into()), (Kind::Pod, "b".into())]
        );
        match parse("get pods,svc,pods,all").unwrap().targets {
            Targets::Types(t) => assert_eq!(
                t,
                vec![Res::Kind(Kind::Pod), Res::Kind(Kind::Service), Res::All]
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            err("get foo"),
            "error: the server doesn't have a resource type \"foo\"\n"
        );
        assert_eq!(
            err("get pods,foo"),
            "error: the server doesn't have a resource type \"foo\"\n"
        );
        assert_eq!(
            err("get all web"),
            "error: you must specify only one resource\n"
        );
        assert_eq!(
            err("get , -w"),
            "error: at least one resource must be specified to use a selector\n"
        );
        assert_eq!(
            err("get , web"),
            "error: you must provide a resource and a resource name together\n"
        );
        assert!(
            err("get pods svc/a").starts_with("error: there is no need to specify a resource type")
        );
        assert_eq!(
            err("get pod/a/b"),
            "error: arguments in resource/name form may not have more than one slash\n"
        );
        assert_eq!(
            err("get pod/"),
            "error: arguments in resource/name form must have a single resource and name\n"
        );
        assert_eq!(
            err("get pods web -l app=x"),
            "error: name cannot be provided when a selector is specified\n"
        );
        assert_eq!(
            err("get pod/web --field-selector metadata.name=web"),
            "error: selectors and the all flag cannot be used when passing resource/name arguments\n"
        );
        assert_eq!(
            err("get pods web -A"),
            "error: a resource cannot be retrieved by name across all namespaces\n"
        );
        assert!(parse("get nodes node01 -A").is_ok());
        assert_eq!(
            err("get pods,svc -w"),
            "error: you may only specify a single resource type\n"
        );
        assert_eq!(
            err("get all -w"),
            "error: you may only specify a single resource type\n"
        );
        assert!(err("get").starts_with("You must specify the type of resource to get."));
        assert!(err("get -w").starts_with("error: You must provide one or more resources"));
    }

    #[test]
    fn output_formats() {
        assert_eq!(
            err("get pods -o xml"),
            "error: unable to match a printer suitable for the output format \"xml\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml\n"
        );
        assert_eq!(
            err("get pods -o jsonpath"),
            "error: template format specified but no template given\n"
        );
        assert_eq!(
            err("get pods -o jsonpath={.x"),
            "error: error parsing jsonpath {.x, unclosed action\n"
        );
        assert_eq!(
            err("get pods -o custom-columns=NAME"),
            "error: unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>\n"
        );
        assert_eq!(
            err("get pods -o yaml --show-labels"),
            "error: --show-labels option cannot be used with yaml printer\n"
        );
        assert!(err("get pods -o go-template={{.x}}").contains("is not simulated"));
        assert!(matches!(
            parse("get pods -o jsonpath-as-json={.items}")
                .unwrap()
                .output,
            Output::JsonPath { as_json: true, .. }
        ));
        assert_eq!(
            relaxed_jsonpath("metadata.name").unwrap(),
            "{.metadata.name}"
        );
        assert_eq!(
            relaxed_jsonpath(".metadata.name").unwrap(),
            "{.metadata.name}"
        );
        assert_eq!(
            relaxed_jsonpath("{metadata.name}").unwrap(),
            "{.metadata.name}"
        );
        assert_eq!(
            relaxed_jsonpath("{.metadata.name}").unwrap(),
            "{.metadata.name}"
        );
        assert!(relaxed_jsonpath("{a}{b}").is_err());
    }

    use crate::engine::SimTime;
    use crate::k8s::api::{Body, Meta, Phase, Pod, Service, ServicePort};

    fn at(secs: u64) -> SimTime {
        SimTime::ZERO + Dur::from_secs(secs)
    }

    fn meta(name: &str, ns: &str, labels: &[(&str, &str)]) -> Meta {
        Meta {
            name: name.into(),
            namespace: ns.into(),
            labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            uid: format!("uid-{name}"),
            created: at(1),
            resource_version: 7,
            ..Default::default()
        }
    }

    fn pod(name: &str, ns: &str, labels: &[(&str, &str)], ip: Option<&str>) -> Object {
        Object {
            meta: meta(name, ns, labels),
            body: Body::Pod(Box::new(Pod {
                node: Some("node01".into()),
                containers: vec![crate::k8s::api::Container {
                    name: "web".into(),
                    image: Some("busybox".into()),
                    command: None,
                    env: Vec::new(),
                    ports: Vec::new(),
                    port_names: Vec::new(),
                    ..Default::default()
                }],
                spec: Default::default(),
                phase: if ip.is_some() {
                    Phase::Running
                } else {
                    Phase::Pending
                },
                ip: ip.map(|i| i.parse().unwrap()),
                host_ip: Some("10.0.0.2".parse().unwrap()),
                ready: ip.is_some(),
                started: Some(at(2)),
                statuses: Vec::new(),
                init_statuses: Vec::new(),
            })),
        }
    }

    fn svc(name: &str, ip: &str) -> Object {
        Object {
            meta: meta(name, "default", &[]),
            body: Body::Service(Service {
                type_: "ClusterIP".into(),
                cluster_ip: Some(ip.parse().unwrap()),
                ports: vec![ServicePort {
                    name: String::new(),
                    protocol: None,
                    port: 80,
                    target_port: None,
                    target_name: None,
                    node_port: None,
                }],
                selector: Default::default(),
                external_ips: Vec::new(),
                external_name: None,
                ingress: Vec::new(),
                publish_not_ready: false,
                affinity: None,
                policy: Default::default(),
            }),
        }
    }

    /// `line` run against answers in the order its requests go out.
    fn render(line: &str, answers: Vec<Response>, era: Era) -> Rendered {
        let mut g = parse(line).unwrap_or_else(|e| panic!("{line}: {e:?}"));
        g.asked = g.plan(era);
        assert_eq!(g.asked.len(), answers.len(), "{line}: {:?}", g.asked);
        g.answers = answers.into_iter().map(Some).collect();
        g.render(era, at(61))
    }

    fn ok(stdout: &str) -> Rendered {
        Rendered {
            stdout: stdout.into(),
            stderr: String::new(),
            status: 0,
        }
    }

    fn list(objs: Vec<Object>) -> Response {
        Response::List(objs)
    }

    /// Modern kubectl names each row's kind once more than one kind was asked for (an
    /// empty list counts), and puts a blank line between tables; 1.5 only when the rows
    /// are of several kinds, with short names, and no blank line.
    #[test]
    fn several_kinds_in_each_era() {
        let pods = || {
            list(vec![pod(
                "web-1",
                "default",
                &[("app", "web")],
                Some("172.17.0.2"),
            )])
        };
        let svcs = || list(vec![svc("kubernetes", "10.96.0.1")]);
        assert_eq!(
            render("get pods,svc", vec![pods(), svcs()], Era::Modern),
            ok("NAME        READY   STATUS    RESTARTS   AGE\n\
                pod/web-1   1/1     Running   0          60s\n\
                \n\
                NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n\
                service/kubernetes   ClusterIP   10.96.0.1    <none>        80/TCP    60s\n")
        );
        assert_eq!(
            render("get pods,svc", vec![list(vec![]), svcs()], Era::Modern),
            ok(
                "NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n\
                service/kubernetes   ClusterIP   10.96.0.1    <none>        80/TCP    60s\n"
            )
        );
        assert_eq!(
            render("get pods,svc", vec![list(vec![]), svcs()], Era::Classic).stdout,
            super::super::tabwrite(&[
                [
                    "NAME",
                    "TYPE",
                    "CLUSTER-IP",
                    "EXTERNAL-IP",
                    "PORT(S)",
                    "AGE"
                ]
                .map(String::from)
                .to_vec(),
                [
                    "kubernetes",
                    "ClusterIP",
                    "10.96.0.1",
                    "<none>",
                    "80/TCP",
                    "60s"
                ]
                .map(String::from)
                .to_vec(),
            ])
        );
        let classic = render("get pods,svc", vec![pods(), svcs()], Era::Classic).stdout;
        assert!(
            classic.contains("\npo/web-1 ") && classic.contains("\nsvc/kubernetes "),
            "{classic}"
        );
        assert!(!classic.contains("\n\n"), "{classic}");
        // --no-headers: no header and no blank line.
        assert_eq!(
            render(
                "get pods,svc --no-headers",
                vec![pods(), svcs()],
                Era::Modern
            )
            .stdout,
            "pod/web-1   1/1   Running   0     60s\nservice/kubernetes   ClusterIP   10.96.0.1   <none>   80/TCP   60s\n"
        );
    }

    #[test]
    fn all_expands_as_each_era_does() {
        let g = parse("get all").unwrap();
        let kinds = |era| -> Vec<Kind> {
            g.plan(era)
                .into_iter()
                .map(|a| match a {
                    Ask::List(k) => k,
                    other => panic!("{other:?}"),
                })
                .collect()
        };
        assert_eq!(
            kinds(Era::Modern),
            [
                Kind::Pod,
                Kind::ReplicationController,
                Kind::Service,
                Kind::DaemonSet,
                Kind::Deployment,
                Kind::ReplicaSet,
                Kind::StatefulSet,
                Kind::Job
            ]
        );
        assert_eq!(
            kinds(Era::Classic),
            [
                Kind::Pod,
                Kind::ReplicationController,
                Kind::Service,
                Kind::StatefulSet,
                Kind::Job,
                Kind::Deployment,
                Kind::ReplicaSet
            ]
        );
    }

    #[test]
    fn nothing_found_in_each_era() {
        let none = |line: &str, answers: Vec<Response>, era| render(line, answers, era).stderr;
        assert_eq!(
            none("get pods", vec![list(vec![])], Era::Modern),
            "No resources found in default namespace.\n"
        );
        assert_eq!(
            none("get pods -n team", vec![list(vec![])], Era::Modern),
            "No resources found in team namespace.\n"
        );
        assert_eq!(
            none("get pods -A", vec![list(vec![])], Era::Modern),
            "No resources found\n"
        );
        assert_eq!(
            none("get nodes", vec![list(vec![])], Era::Modern),
            "No resources found\n"
        );
        assert_eq!(
            none("get pods", vec![list(vec![])], Era::Classic),
            "No resources found.\n"
        );
        // Filtered away by a selector: the same message.
        assert_eq!(
            none(
                "get pods -l app=db",
                vec![list(vec![pod("web-1", "default", &[("app", "web")], None)])],
                Era::Modern
            ),
            "No resources found in default namespace.\n"
        );
        // Other formats print an empty List, and no message.
        assert_eq!(
            render("get pods -o yaml", vec![list(vec![])], Era::Modern),
            ok("apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: \"\"\n")
        );
        assert_eq!(
            render("get pods -o json", vec![list(vec![])], Era::Classic),
            ok(
                "{\n    \"kind\": \"List\",\n    \"apiVersion\": \"v1\",\n    \"metadata\": {},\n    \"items\": []\n}\n"
            )
        );
    }

    #[test]
    fn errors_and_partial_output() {
        let not_found = || Response::Error {
            code: 404,
            reason: "NotFound".into(),
            message: "pods \"nope\" not found".into(),
        };
        let r = render(
            "get svc/kubernetes pod/nope",
            vec![
                Response::Object(Box::new(svc("kubernetes", "10.96.0.1"))),
                not_found(),
            ],
            Era::Modern,
        );
        assert_eq!(
            r.stderr,
            "Error from server (NotFound): pods \"nope\" not found\n"
        );
        assert_eq!(r.status, 1);
        // Only one kind answered: no kind before the name.
        assert!(r.stdout.starts_with("NAME         TYPE"), "{}", r.stdout);
        // A single object asked for in another format: the error alone.
        let r = render("get pod nope -o yaml", vec![not_found()], Era::Modern);
        assert_eq!((r.stdout.as_str(), r.status), ("", 1));
        let r = render(
            "get pod nope --ignore-not-found",
            vec![not_found()],
            Era::Modern,
        );
        assert_eq!(r, ok(""));
        // Selector errors come back per kind, in the apiserver's words.
        let r = render(
            "get pods,svc --field-selector spec.nodeName=node01",
            vec![
                list(vec![pod("web-1", "default", &[], Some("172.17.0.2"))]),
                list(vec![svc("kubernetes", "10.96.0.1")]),
            ],
            Era::Modern,
        );
        assert_eq!(r.status, 1);
        // The Services' list failed: only pods were answered, so no kind before names.
        assert!(r.stdout.starts_with("NAME    READY"), "{}", r.stdout);
        assert_eq!(
            r.stderr,
            "Error from server (BadRequest): Unable to find \"/v1, Resource=services\" that match label selector \"\", field selector \"spec.nodeName=node01\": \"spec.nodeName\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"\n"
        );
        let r = render("get pods -l 'a in'", vec![list(vec![])], Era::Classic);
        assert_eq!(
            r.stderr,
            "error: the provided selector \"a in\" is not valid: unable to parse requirement: found '' expected: '('\n"
        );
    }

    #[test]
    fn labels_kinds_and_sorting() {
        let pods = || {
            list(vec![
                pod(
                    "web-10",
                    "default",
                    &[("app", "web"), ("tier", "b")],
                    Some("172.17.0.10"),
                ),
                pod("web-9", "default", &[("app", "web")], Some("172.17.0.9")),
                pod("db-1", "default", &[("app", "db")], None),
            ])
        };
        assert_eq!(
            render(
                "get pods -l 'app notin (db),!tier' --show-labels -L app --show-kind",
                vec![pods()],
                Era::Modern
            ),
            ok(
                "NAME        READY   STATUS    RESTARTS   AGE   APP   LABELS\npod/web-9   1/1     Running   0          60s   web   app=web\n"
            )
        );
        assert_eq!(
            render(
                "get pods --sort-by=.metadata.name -o name",
                vec![pods()],
                Era::Modern
            ),
            ok("pod/db-1\npod/web-9\npod/web-10\n")
        );
        assert_eq!(
            render(
                "get pods --sort-by '{.status.podIP}' -o name",
                vec![pods()],
                Era::Modern
            ),
            ok("pod/db-1\npod/web-9\npod/web-10\n")
        );
        assert_eq!(
            render("get pods --sort-by .spec.nope", vec![pods()], Era::Modern).stderr,
            "error: couldn't find any field with path \"{.spec.nope}\" in the list of objects\n"
        );
        assert_eq!(
            render(
                "get pods -o custom-columns=NAME:.metadata.name,IP:.status.podIP,TIER:metadata.labels.tier",
                vec![pods()],
                Era::Modern
            ),
            ok(
                "NAME     IP            TIER\nweb-10   172.17.0.10   b\nweb-9    172.17.0.9    <none>\ndb-1     <none>        <none>\n"
            )
        );
        assert_eq!(
            render(
                "get pods -o jsonpath={.items[*].metadata.name}",
                vec![pods()],
                Era::Modern
            ),
            ok("web-10 web-9 db-1")
        );
        assert_eq!(
            render("get pods -o name", vec![list(vec![])], Era::Modern),
            ok("")
        );
        assert_eq!(
            render(
                "get pods -o jsonpath={.items[3].metadata.name}",
                vec![pods()],
                Era::Modern
            )
            .stderr
            .lines()
            .next(),
            Some(
                "error: error executing jsonpath \"{.items[3].metadata.name}\": Error executing template: array index out of bounds: index 3, length 3. Printing more information for debugging the template:"
            )
        );
    }

    #[test]
    fn a_single_object_in_each_era() {
        let one = || Response::Object(Box::new(svc("web", "10.96.0.9")));
        assert_eq!(
            render("get svc web -o json", vec![one()], Era::Classic).stdout,
            r#"{
    "kind": "Service",
    "apiVersion": "v1",
    "metadata": {
        "name": "web",
        "namespace": "default",
        "selfLink": "/api/v1/namespaces/default/services/web",
        "uid": "uid-web",
        "resourceVersion": "7",
        "creationTimestamp": "2017-10-18T15:00:01Z"
    },
    "spec": {
        "ports": [
            {
                "protocol": "TCP",
                "port": 80,
                "targetPort": 80
            }
        ],
        "clusterIP": "10.96.0.9",
        "type": "ClusterIP",
        "sessionAffinity": "None"
    },
    "status": {
        "loadBalancer": {}
    }
}
"#
        );
        assert_eq!(
            render("get svc web -o yaml", vec![one()], Era::Modern).stdout,
            "apiVersion: v1
kind: Service
metadata:
  creationTimestamp: \"2017-10-18T15:00:01Z\"
  name: web
  namespace: default
  resourceVersion: \"7\"
  uid: uid-web
spec:
  clusterIP: 10.96.0.9
  clusterIPs:
  - 10.96.0.9
  internalTrafficPolicy: Cluster
  ipFamilies:
  - IPv4
  ipFamilyPolicy: SingleStack
  ports:
  - port: 80
    protocol: TCP
    targetPort: 80
  sessionAffinity: None
  type: ClusterIP
status:
  loadBalancer: {}
"
        );
        assert_eq!(
            render("get svc web -o name", vec![one()], Era::Modern).stdout,
            "service/web\n"
        );
    }

    fn watching(kind: Kind) -> Watching {
        Watching {
            kind,
            name: None,
            widths: Vec::new(),
            header: false,
            classic_event_header: false,
            printed: 0,
        }
    }

    /// Modern kubectl prints the header once and keeps later lines aligned with the table
    /// (columns only grow); 1.5 prints the header again before the first change, and
    /// aligns each print on its own.
    #[test]
    fn watches_in_each_era() {
        let g = parse("get pods -w").unwrap();
        let first = pod("web-1", "default", &[], Some("172.17.0.2"));
        let change = pod("web-1234567890", "default", &[], None);
        let mut w = watching(Kind::Pod);
        let (t, _) = g.watch_text(
            &mut w,
            std::slice::from_ref(&first),
            true,
            Era::Modern,
            at(61),
        );
        assert_eq!(
            t,
            "NAME    READY   STATUS    RESTARTS   AGE\nweb-1   1/1     Running   0          60s\n"
        );
        let (t, _) = g.watch_text(
            &mut w,
            std::slice::from_ref(&change),
            false,
            Era::Modern,
            at(62),
        );
        assert_eq!(t, "web-1234567890   0/1     Pending   0          61s\n");
        let (t, _) = g.watch_text(
            &mut w,
            std::slice::from_ref(&first),
            false,
            Era::Modern,
            at(63),
        );
        assert_eq!(t, "web-1            1/1     Running   0          62s\n");

        let mut w = watching(Kind::Pod);
        // kubectl 1.5's tabwriter: cells at least 10 wide (seed 004's `READY     STATUS`).
        let (t, _) = g.watch_text(&mut w, &[], true, Era::Classic, at(61));
        assert_eq!(t, "NAME      READY     STATUS    RESTARTS   AGE\n");
        let (t, _) = g.watch_text(
            &mut w,
            std::slice::from_ref(&first),
            false,
            Era::Classic,
            at(62),
        );
        assert_eq!(
            t,
            "NAME      READY     STATUS    RESTARTS   AGE\nweb-1     1/1       Running   0          61s\n"
        );
        let (t, _) = g.watch_text(
            &mut w,
            std::slice::from_ref(&change),
            false,
            Era::Classic,
            at(63),
        );
        assert_eq!(t, "web-1234567890   0/1       Pending   0         62s\n");

        // Modern, nothing at first: the header comes with the first change.
        let mut w = watching(Kind::Pod);
        assert_eq!(g.watch_text(&mut w, &[], true, Era::Modern, at(61)).0, "");
        assert!(
            g.watch_text(
                &mut w,
                std::slice::from_ref(&first),
                false,
                Era::Modern,
                at(62)
            )
            .0
            .starts_with("NAME ")
        );

        // Other formats print each object: YAML documents separated by `---`.
        let g = parse("get pods -w -o yaml").unwrap();
        let mut w = watching(Kind::Pod);
        let (t, _) = g.watch_text(
            &mut w,
            &[first.clone(), first.clone()],
            true,
            Era::Modern,
            at(61),
        );
        assert_eq!(t.matches("\n---\n").count(), 1, "{t}");
        let (t, _) = g.watch_text(
            &mut w,
            std::slice::from_ref(&change),
            false,
            Era::Modern,
            at(62),
        );
        assert!(t.starts_with("---\napiVersion: v1\n"), "{t}");
        let g = parse("get pods -w -o custom-columns=N:.metadata.name,IP:.status.podIP").unwrap();
        let mut w = watching(Kind::Pod);
        let (t, _) = g.watch_text(
            &mut w,
            std::slice::from_ref(&first),
            true,
            Era::Modern,
            at(61),
        );
        assert_eq!(t, "N       IP\nweb-1   172.17.0.2\n");
        let (t, _) = g.watch_text(
            &mut w,
            std::slice::from_ref(&change),
            false,
            Era::Modern,
            at(62),
        );
        assert_eq!(t, "web-1234567890   <none>\n");
    }

    #[test]
    fn remembered_widths_keep_a_watch_aligned() {
        let row = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        let mut w = Vec::new();
        let first = tabwrite_remembering(
            &[
                row(&["NAME", "READY", "STATUS", "AGE"]),
                row(&["web-1", "1/1", "Running", "5s"]),
            ],
            &mut w,
        );
        assert_eq!(
            first,
            "NAME    READY   STATUS    AGE\nweb-1   1/1     Running   5s\n"
        );
        let next = tabwrite_remembering(&[row(&["a", "0/1", "Terminating", "9s"])], &mut w);
        assert_eq!(next, "a       0/1     Terminating   9s\n");
    }
}

#[cfg(test)]
mod robustness {
    //! Command lines, selectors, templates and strings made of kubectl's special characters,
    //! thrown at the parsers and printers: each answers or refuses, none panics.
    use super::super::{jsonpath::JsonPath, selector, value, yaml};
    use super::*;

    /// A deterministic stream of awkward strings (an LCG over an alphabet of the
    /// characters the grammars care about).
    fn strings(n: usize) -> Vec<String> {
        const ALPHABET: &[&str] = &[
            "a", "b", "z", "0", "9", "-", "_", ".", "/", ",", "=", "!", "(", ")", "<", ">", " ",
            "\t", "\n", "{", "}", "[", "]", "?", "@", "$", "*", ":", "'", "\"", "\\", "in",
            "notin", "range", "end", "é", "日", "\u{2028}", "\r", "#", "&", "|", "%",
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize
        };
        (0..n)
            .map(|_| {
                let len = next() % 12;
                (0..len)
                    .map(|_| ALPHABET[next() % ALPHABET.len()])
                    .collect()
            })
            .collect()
    }

    #[test]
    fn nothing_panics() {
        let data = value::Value::List(vec![
            value::Value::Str("x".into()),
            value::Value::Int(3),
            value::Value::Null,
        ]);
        for s in strings(4000) {
            let _ = selector::LabelSelector::parse(&s);
            let _ = selector::FieldSelector::parse(&s).map(|f| f.check(Kind::Pod));
            if let Ok(j) = JsonPath::parse(&s) {
                let _ = j.clone().execute(&data);
                let _ = j.allow_missing_keys(true).execute_json(&data);
            }
            let mut m = value::Map::new();
            m.set(&s, s.as_str());
            let _ = yaml::to_yaml(&value::Value::Map(m));
            let args: Vec<String> = std::iter::once("get".to_string())
                .chain(s.split(' ').map(String::from))
                .collect();
            let _ = Get::parse(&args);
        }
    }
}
