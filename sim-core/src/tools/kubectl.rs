//! `kubectl`: asks the apiserver and prints what kubectl prints.
//!
//! - `get`: see `get` (kinds, names, `all`, selectors, output formats, watches); each
//!   kind's table is kubectl's (tabwriter: columns 3 spaces apart), AGE as kubectl's
//!   HumanDuration of simulated time.
//! - `create -f PATH` / `apply -f PATH`: a manifest file on this machine (the scenario's
//!   `manifests`).
//! - `delete KIND NAME` / `delete KIND/NAME`.
//! - `describe svc NAME`: the Service with its Endpoints, as kubectl describes it.
//! - `exec [-it] POD -- CMD...` (POD may be `rc/NAME`: its first pod by name): runs the
//!   command in the pod, and ends with its status and output.
//!
//! kubectl talks to the apiserver at localhost:8080 (no kubeconfig): on any machine but
//! the master it gets "The connection to the server localhost:8080 was refused". The
//! request and its answer take the control path's latency each way.

use std::net::Ipv4Addr;

use crate::engine::{Ctx, Dur, SimTime};
use crate::k8s::api::{Body, Kind, Manifest, Object, Request, Response};
use crate::net::{Msg, Net, NsId, control};
use crate::tools::print;
use crate::trace::Stream;

mod get;
mod jsonpath;
mod object;
mod selector;
mod value;
mod yaml;

#[derive(Clone, Debug)]
enum Cmd {
    /// `get ...`: see `get`.
    Get(Box<get::Get>),
    /// `create -f PATH`, or `create namespace NAME` (`namespace: Some`).
    Create {
        path: String,
        namespace: Option<String>,
    },
    /// `delete KIND NAME`, or every object a `-l` selector picks.
    /// `kubectl delete KIND NAME...` (or `TYPE/NAME...`): each named object, in order; with
    /// no name, what the `-l` selector picks.
    Delete { kind: Kind, names: Named },
    /// `describe svc NAME`.
    Describe { kind: Kind, name: String },
    /// `exec POD -- CMD...`; POD may be `rc/NAME` (its first pod by name).
    Exec { target: String, command: String },
    /// `scale KIND/NAME --replicas=N`.
    Scale {
        kind: Kind,
        name: String,
        replicas: u32,
    },
    /// `edit KIND/NAME` with `$KUBE_EDITOR` (a `sed -i` command) as the editor.
    Edit {
        kind: Kind,
        name: String,
        editor: Option<String>,
    },
}

pub struct Kubectl {
    cmd: Cmd,
    ns: String,
    all: bool,
    manifest: Option<Manifest>,
    timer: Option<crate::engine::CancelKey>,
    /// `edit`: the request in flight was the update (after the get).
    updating: bool,
    /// `-l k=v`: get and delete only the objects with these labels.
    selector: Option<crate::k8s::api::Labels>,
    /// `delete -l`: deletions asked for and not yet answered, and whether one failed.
    pending: usize,
    failed: bool,
}

const USAGE: &str = "kubectl: the simulator models `get KIND [NAME] [-o wide] [-n NS] [-A]`, `create|apply -f FILE` and `delete KIND NAME`\n";

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

impl Kubectl {
    /// Reads kubectl's command line. An error is the message kubectl prints (the caller
    /// ends it with a newline) and its exit status.
    pub fn parse(args: &[String], env: &[(String, String)]) -> Result<Kubectl, (String, i32)> {
        Self::parse_line(args, env).map_err(|(m, c)| (m.trim_end_matches('\n').to_string(), c))
    }

    fn parse_line(args: &[String], env: &[(String, String)]) -> Result<Kubectl, (String, i32)> {
        if get::is_get(args) {
            return Ok(Kubectl {
                cmd: Cmd::Get(Box::new(get::Get::parse(args)?)),
                ns: "default".into(),
                all: false,
                manifest: None,
                timer: None,
                updating: false,
                selector: None,
                pending: 0,
                failed: false,
            });
        }
        let mut ns = "default".to_string();
        let mut replicas = None;
        let mut selector: Option<crate::k8s::api::Labels> = None;
        let mut all = false;
        let mut file = None;
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
                "-n" | "--namespace" => ns = next()?,
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
                "-f" | "--filename" => file = Some(next()?),
                "--replicas" => replicas = Some(next()?),
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
                if file.is_none()
                    && matches!(rest.first().map(String::as_str), Some("namespace" | "ns")) =>
            {
                let Some(name) = rest.get(1) else {
                    return Err(("error: exactly one NAME is required, got 0\n".into(), 1));
                };
                Cmd::Create {
                    path: String::new(),
                    namespace: Some(name.clone()),
                }
            }
            "create" | "apply" => {
                let Some(path) = file else {
                    return Err(("error: must specify one of -f and -k\n".into(), 1));
                };
                Cmd::Create {
                    path,
                    namespace: None,
                }
            }
            "delete" => {
                let (kind, names) = kind_and_names(rest)?;
                if names.is_empty() && selector.is_none() {
                    return Err((
                        "error: resource(s) were provided, but no name was specified\n".into(),
                        1,
                    ));
                }
                Cmd::Delete { kind, names }
            }
            "describe" => {
                let (kind, name) = kind_and_name(rest)?;
                let Some(name) = name else {
                    return Err((
                        "error: describing every object of a kind is not simulated; name one\n"
                            .into(),
                        1,
                    ));
                };
                if !matches!(kind, Kind::Service | Kind::Pod) {
                    return Err((
                        format!(
                            "error: `kubectl describe {}` is not simulated yet (describe svc and pod are)\n",
                            kind.singular()
                        ),
                        1,
                    ));
                }
                Cmd::Describe { kind, name }
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
                    Some((_, Ok(r))) if r <= i64::from(crate::scenario::build::MAX_REPLICAS) => {
                        r as u32
                    }
                    Some((_, Ok(r))) => {
                        return Err((
                            format!(
                                "error: {r} replicas is more than the simulator runs; expected at most {}\n",
                                crate::scenario::build::MAX_REPLICAS
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
            "edit" => {
                let (kind, name) = kind_and_name(rest)?;
                let Some(name) = name else {
                    return Err((
                        "error: editing every object of a kind is not simulated; name one\n".into(),
                        1,
                    ));
                };
                let editor = env
                    .iter()
                    .find(|(k, _)| k == "KUBE_EDITOR" || k == "EDITOR")
                    .map(|(_, v)| v.clone());
                Cmd::Edit { kind, name, editor }
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
            all,
            manifest: None,
            timer: None,
            updating: false,
            selector,
            pending: 0,
            failed: false,
        })
    }

    /// The Kubernetes era this kubectl prints for (its client version). Every scenario
    /// runs the modern one until the scenario's `version` setting chooses.
    pub fn era(&self) -> crate::k8s::proxy::names::Era {
        crate::k8s::proxy::names::Era::Modern
    }

    pub fn handle(&mut self, msg: Msg, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        if let (Msg::ApiResponse { .. }, Some(t)) = (&msg, self.timer.take()) {
            cx.cancel(t);
        }
        match msg {
            Msg::Start => self.start(ns, cx),
            Msg::ApiResponse { id, resp } if matches!(self.cmd, Cmd::Get(_)) => {
                let era = self.era();
                let Cmd::Get(g) = &mut self.cmd else {
                    return None;
                };
                g.response(id, *resp, ns, cx, &mut self.timer, era)
            }
            Msg::ApiEvent { event } => {
                let era = self.era();
                match &mut self.cmd {
                    Cmd::Get(g) => g.event(*event, cx, era),
                    _ => None,
                }
            }
            Msg::ApiResponse { resp, .. } if matches!(self.cmd, Cmd::Exec { .. }) => {
                self.exec(*resp, cx)
            }
            Msg::ApiResponse { resp, .. } if matches!(self.cmd, Cmd::Edit { .. }) => {
                self.edit(*resp, ns, cx)
            }
            Msg::ApiResponse { resp, .. } if matches!(self.cmd, Cmd::Delete { .. }) => {
                self.delete_selected(*resp, ns, cx)
            }
            // The command's output was kubectl's as it was printed (`tools::print`; the
            // trace shows it once, under the command's own process): its status is too.
            Msg::Exited { code, .. } => Some(code),
            Msg::ApiResponse { resp, .. } => Some(self.answer(*resp, cx)),
            Msg::Timer(_) => {
                print(
                    cx,
                    Stream::Stderr,
                    "Unable to connect to the server: dial tcp: i/o timeout\n",
                );
                Some(1)
            }
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
            Cmd::Create {
                namespace: Some(name),
                ..
            } => Request::Create(Manifest::Namespace(crate::k8s::api::NamespaceSpec {
                name: name.clone(),
                labels: Default::default(),
            })),
            Cmd::Create { path, .. } => {
                let Some(m) = cx.world.manifests.get(&(ns, path.clone())).cloned() else {
                    print(
                        cx,
                        Stream::Stderr,
                        &format!("error: the path \"{path}\" does not exist\n"),
                    );
                    return Some(1);
                };
                self.manifest = Some(m.clone());
                Request::Create(m)
            }
            // Each name is deleted and answered on its own, as kubectl's visitor goes
            // through them: one line per name, status 1 if any failed.
            Cmd::Delete { names, .. } if !names.is_empty() => {
                let names = names.clone();
                self.pending = names.len();
                for (kind, name) in names {
                    let req = Request::Delete {
                        kind,
                        ns: self.ns.clone(),
                        name,
                    };
                    self.ask(cx, ns, req);
                }
                return None;
            }
            Cmd::Delete { kind, .. } => Request::List {
                kind: *kind,
                ns: (!self.all).then(|| self.ns.clone()),
            },
            Cmd::Exec { .. } => Request::List {
                kind: Kind::Pod,
                ns: Some(self.ns.clone()),
            },
            Cmd::Describe { kind, name } => Request::Describe {
                kind: *kind,
                ns: self.ns.clone(),
                name: name.clone(),
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
            Cmd::Edit { kind, name, .. } => Request::Get {
                kind: *kind,
                ns: self.ns.clone(),
                name: name.clone(),
            },
        };
        self.ask(cx, ns, req);
        None
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

    /// `kubectl delete -l`: lists the kind, then deletes each object the selector picks,
    /// printing each as its answer comes.
    fn delete_selected(&mut self, resp: Response, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        match resp {
            Response::List(list) => {
                let picked: Vec<Object> = list.into_iter().filter(|o| self.picks(o)).collect();
                if picked.is_empty() {
                    print(cx, Stream::Stderr, "No resources found\n");
                    return Some(0);
                }
                self.pending = picked.len();
                for o in picked {
                    self.ask(
                        cx,
                        ns,
                        Request::Delete {
                            kind: o.kind(),
                            ns: o.meta.namespace.clone(),
                            name: o.meta.name.clone(),
                        },
                    );
                }
                None
            }
            Response::Object(o) => {
                print(
                    cx,
                    Stream::Stdout,
                    &format!("{} \"{}\" deleted\n", o.kind().singular(), o.meta.name),
                );
                self.one_deleted(cx)
            }
            other => {
                self.failed |= self.answer(other, cx) != 0;
                self.one_deleted(cx)
            }
        }
    }

    /// One deletion answered: done when all are (status 1 if any failed), else the
    /// timeout runs again for the rest.
    fn one_deleted(&mut self, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        self.pending = self.pending.saturating_sub(1);
        if self.pending == 0 {
            return Some(i32::from(self.failed));
        }
        self.timer = Some(cx.schedule_cancellable(Dur::from_secs(30), Msg::Timer(1)));
        None
    }

    /// Whether the `-l` selector (if any) picks the object.
    fn picks(&self, o: &Object) -> bool {
        self.selector
            .as_ref()
            .is_none_or(|s| s.iter().all(|(k, v)| o.meta.labels.get(k) == Some(v)))
    }

    /// `kubectl edit`: the object as YAML goes through the editor; if it changed, it goes
    /// back to the apiserver.
    fn edit(&mut self, resp: Response, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        let Cmd::Edit { kind, name, editor } = &self.cmd else {
            return Some(1);
        };
        let o = match resp {
            Response::Object(o) if !self.updating => o,
            Response::Object(o) => {
                print(
                    cx,
                    Stream::Stdout,
                    &format!("{}/{} edited\n", o.kind().singular(), o.meta.name),
                );
                return Some(0);
            }
            other => return Some(self.answer(other, cx)),
        };
        let Body::ConfigMap(data) = &o.body else {
            print(
                cx,
                Stream::Stderr,
                &format!(
                    "error: `kubectl edit {}` is not simulated (editing a configmap is)\n",
                    kind.singular()
                ),
            );
            return Some(1);
        };
        let Some(editor) = editor else {
            print(
                cx,
                Stream::Stderr,
                "error: the simulator runs no interactive editor: set KUBE_EDITOR to a sed command, e.g. KUBE_EDITOR=\"sed -i 's/mode: \\\"\\\"/mode: \\\"ipvs\\\"/'\" kubectl edit cm/kube-proxy -n kube-system\n",
            );
            return Some(1);
        };
        let before = configmap_yaml(&o, data);
        let after = match sed_edit(editor, &before) {
            Ok(t) => t,
            Err(e) => {
                print(cx, Stream::Stderr, &format!("error: {e}\n"));
                return Some(1);
            }
        };
        if after == before {
            print(cx, Stream::Stdout, "Edit cancelled, no changes made.\n");
            return Some(0);
        }
        let data = configmap_data(&after);
        self.updating = true;
        let m = Manifest::ConfigMap(crate::k8s::api::ConfigMapSpec {
            name: name.clone(),
            namespace: Some(o.meta.namespace.clone()),
            labels: o.meta.labels.clone(),
            data,
        });
        self.ask(cx, ns, Request::Update(m));
        None
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
            .find(|n| cx.world.ns(*n).label == label);
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
        let now = cx.now();
        match (resp, &self.cmd) {
            (
                Response::Error {
                    reason,
                    message,
                    code,
                },
                cmd,
            ) => {
                let text = match (cmd, code) {
                    (
                        Cmd::Create {
                            path,
                            namespace: None,
                        },
                        409,
                    ) => {
                        format!(
                            "Error from server ({reason}): error when creating \"{path}\": {message}\n"
                        )
                    }
                    (_, 422) => format!("The {message}\n"),
                    _ => format!("Error from server ({reason}): {message}\n"),
                };
                print(cx, Stream::Stderr, &text);
                1
            }
            (Response::Object(o), Cmd::Create { .. }) => {
                // `apply` of a new object says the same as `create`.
                print(
                    cx,
                    Stream::Stdout,
                    &format!("{}/{} created\n", o.kind().singular(), o.meta.name),
                );
                0
            }
            (Response::Object(o), Cmd::Delete { .. }) => {
                print(
                    cx,
                    Stream::Stdout,
                    &format!("{} \"{}\" deleted\n", o.kind().singular(), o.meta.name),
                );
                0
            }
            (Response::Described { objects, events }, Cmd::Describe { .. }) => {
                let text = match objects.first().map(Object::kind) {
                    Some(Kind::Pod) => describe_pod(&objects[0], &events, now),
                    _ => describe_service(&objects),
                };
                print(cx, Stream::Stdout, &text);
                0
            }
            (Response::Object(o), Cmd::Scale { .. }) => {
                print(
                    cx,
                    Stream::Stdout,
                    &format!("{}/{} scaled\n", o.kind().singular(), o.meta.name),
                );
                0
            }
            _ => 1,
        }
    }
}

/// `kubectl describe svc`: key/value lines aligned as kubectl's tabwriter aligns them
/// (values start two spaces after the longest key).
fn describe_service(found: &[Object]) -> String {
    let Some((o, Some(s))) = found.first().map(|o| (o, o.service())) else {
        return String::new();
    };
    let eps = found.get(1).and_then(|e| e.endpoints());
    let mut rows: Vec<(String, String)> = vec![
        ("Name".into(), o.meta.name.clone()),
        ("Namespace".into(), o.meta.namespace.clone()),
        ("Labels".into(), labels_text(&o.meta.labels)),
        ("Annotations".into(), "<none>".into()),
        ("Selector".into(), labels_text(&s.selector)),
        ("Type".into(), s.type_.clone()),
    ];
    if let Some(ip) = s.cluster_ip {
        rows.push(("IP Family Policy".into(), "SingleStack".into()));
        rows.push(("IP Families".into(), "IPv4".into()));
        rows.push(("IP".into(), ip.to_string()));
        rows.push(("IPs".into(), ip.to_string()));
    } else if s.type_ != "ExternalName" {
        rows.push(("IP".into(), "None".into()));
    }
    if !s.external_ips.is_empty() {
        let ips: Vec<String> = s.external_ips.iter().map(Ipv4Addr::to_string).collect();
        rows.push(("External IPs".into(), ips.join(",")));
    }
    for p in &s.ports {
        let name = if p.name.is_empty() {
            "<unset>"
        } else {
            &p.name
        };
        rows.push((
            "Port".into(),
            format!("{name}  {}/{}", p.port, p.protocol()),
        ));
        rows.push((
            "TargetPort".into(),
            format!("{}/{}", p.target(), p.protocol()),
        ));
        if let Some(n) = p.node_port {
            rows.push(("NodePort".into(), format!("{name}  {n}/{}", p.protocol())));
        }
        let list: Vec<String> = eps
            .map(|e| {
                let port = e
                    .ports
                    .iter()
                    .find(|ep| ep.name == p.name)
                    .map(|ep| ep.port)
                    .unwrap_or(p.target());
                e.addresses
                    .iter()
                    .map(|a| format!("{}:{port}", a.ip))
                    .collect()
            })
            .unwrap_or_default();
        rows.push(("Endpoints".into(), endpoints_text(&list)));
    }
    rows.push(("Session Affinity".into(), "None".into()));
    if s.ports.iter().any(|p| p.node_port.is_some()) || !s.external_ips.is_empty() {
        rows.push(("External Traffic Policy".into(), "Cluster".into()));
    }
    rows.push(("Events".into(), "<none>".into()));
    let width = rows.iter().map(|(k, _)| k.len() + 1).max().unwrap_or(0) + 2;
    rows.iter()
        .map(|(k, v)| format!("{:<width$}{v}\n", format!("{k}:")))
        .collect()
}

/// `kubectl describe pod`, in today's kubectl's layout (each block aligned as its
/// tabwriter aligns it). The container and image IDs are SHA-256 digests of the pod's uid
/// and the image's name: the shape of docker's, not values a registry would give.
fn describe_pod(o: &Object, events: &[crate::k8s::api::Event], now: SimTime) -> String {
    use sha2::{Digest, Sha256};
    let Some(p) = o.pod() else {
        return String::new();
    };
    let hex = |s: &str| data_encoding::HEXLOWER.encode(&Sha256::digest(s.as_bytes()));
    let block = |rows: &[(&str, String)], width: usize, indent: &str| -> String {
        rows.iter()
            .map(|(k, v)| {
                let key = format!("{k}:");
                let mut lines = v.lines();
                let first = lines.next().unwrap_or("");
                let mut out = format!("{indent}{key:<width$}{first}")
                    .trim_end()
                    .to_string()
                    + "\n";
                for l in lines {
                    out += &format!("{indent}{:width$}{l}\n", "");
                }
                out
            })
            .collect()
    };
    let labels = if o.meta.labels.is_empty() {
        "<none>".to_string()
    } else {
        o.meta
            .labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let node = match (&p.node, p.host_ip) {
        (Some(n), Some(ip)) => format!("{n}/{ip}"),
        (Some(n), None) => n.clone(),
        (None, _) => "<none>".into(),
    };
    let mut top = vec![
        ("Name", o.meta.name.clone()),
        ("Namespace", o.meta.namespace.clone()),
        ("Priority", "0".into()),
        ("Service Account", "default".into()),
        ("Node", node),
    ];
    if let Some(t) = p.started {
        top.push(("Start Time", crate::clock::rfc1123z(t)));
    }
    top.push(("Labels", labels));
    top.push(("Annotations", "<none>".into()));
    top.push(("Status", p.phase.name().into()));
    let ip = p.ip.map(|i| i.to_string()).unwrap_or_default();
    top.push(("IP", ip.clone()));
    let mut out = block(&top, 18, "");
    if p.ip.is_some() {
        // The IP's padding comes from the block it is flushed with: Controlled By's when
        // that follows.
        let pad = if o.meta.owner.is_some() { 11 } else { 2 };
        out += &format!("IPs:\n  IP:{:pad$}{ip}\n", "");
    } else {
        out += "IPs:              <none>\n";
    }
    if let Some((k, n)) = &o.meta.owner {
        out += &format!("Controlled By:  {}/{n}\n", k.name());
    }
    out += "Containers:\n";
    for c in &p.containers {
        let image = c.image.clone().unwrap_or_else(|| "busybox".into());
        let running = p.ip.is_some();
        let mut rows: Vec<(&str, String)> = Vec::new();
        rows.push((
            "Container ID",
            if running {
                format!("docker://{}", hex(&format!("{}/{}", o.meta.uid, c.name)))
            } else {
                String::new()
            },
        ));
        rows.push(("Image", image.clone()));
        rows.push((
            "Image ID",
            if running {
                format!("docker-pullable://{image}@sha256:{}", hex(&image))
            } else {
                String::new()
            },
        ));
        let ports = if c.ports.is_empty() {
            "<none>".to_string()
        } else {
            c.ports
                .iter()
                .map(|p| format!("{p}/TCP"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        rows.push(("Port", ports));
        rows.push((
            "Host Port",
            if c.ports.is_empty() {
                "<none>".into()
            } else {
                "0/TCP".into()
            },
        ));
        let mut out_c = String::new();
        if running {
            rows.push(("State", "Running".into()));
            out_c += &block(&rows, 16, "    ");
            if let Some(t) = p.started {
                out_c += &format!("      Started:      {}\n", crate::clock::rfc1123z(t));
            }
        } else {
            rows.push(("State", "Waiting".into()));
            out_c += &block(&rows, 16, "    ");
            out_c += "      Reason:       ContainerCreating\n";
        }
        let env = if c.env.is_empty() {
            "<none>".to_string()
        } else {
            String::new()
        };
        out_c += &block(
            &[
                ("Ready", if p.ready { "True" } else { "False" }.into()),
                ("Restart Count", "0".into()),
                ("Environment", env),
            ],
            16,
            "    ",
        );
        for (k, v) in &c.env {
            out_c += &format!("      {k}:  {v}\n");
        }
        out_c += "    Mounts:         <none>\n";
        out += &format!("  {}:\n{out_c}", c.name);
    }
    let cond = |b: bool| if b { "True" } else { "False" };
    let running = p.phase == crate::k8s::api::Phase::Running;
    out += &format!(
        "Conditions:\n  Type              Status\n  Initialized       True \n  Ready             {} \n  ContainersReady   {} \n  PodScheduled      {} \n",
        cond(p.ready),
        cond(running && p.ready),
        cond(p.node.is_some())
    );
    out += "Volumes:                     <none>\n";
    out += "QoS Class:                   BestEffort\n";
    out += "Node-Selectors:              <none>\n";
    out += "Tolerations:                 <none>\n";
    out += &events_text(events, now);
    out
}

/// The `Events:` section of `kubectl describe`: a table with two spaces between columns;
/// an event seen more than once shows `AGE (xN over FIRST)`.
fn events_text(events: &[crate::k8s::api::Event], now: SimTime) -> String {
    if events.is_empty() {
        return "Events:                      <none>\n".into();
    }
    let mut rows: Vec<Vec<String>> = vec![
        ["Type", "Reason", "Age", "From", "Message"]
            .map(String::from)
            .to_vec(),
        ["----", "------", "----", "----", "-------"]
            .map(String::from)
            .to_vec(),
    ];
    for e in events {
        let age = if e.count > 1 {
            format!(
                "{} (x{} over {})",
                age(now - e.last),
                e.count,
                age(now - e.first)
            )
        } else {
            age(now - e.first)
        };
        rows.push(vec![
            e.type_.into(),
            e.reason.clone(),
            age,
            e.from.clone(),
            e.message.clone(),
        ]);
    }
    let table: String = tabwrite_with(&rows, 2, 0)
        .lines()
        .map(|l| format!("  {l}\n"))
        .collect();
    format!("Events:\n{table}")
}

/// A ConfigMap as `kubectl edit` shows it to the editor (YAML, keys in order, each value a
/// `|-` block).
fn configmap_yaml(o: &Object, data: &std::collections::BTreeMap<String, String>) -> String {
    let mut y = String::from("apiVersion: v1\ndata:\n");
    for (k, v) in data {
        // `|` keeps the value's final newline, `|-` says it has none.
        let chomp = if v.ends_with('\n') { "" } else { "-" };
        y += &format!("  {k}: |{chomp}\n");
        for l in v.lines() {
            y += &format!("    {l}\n").replace("    \n", "\n");
        }
    }
    y += &format!(
        "kind: ConfigMap\nmetadata:\n  name: {}\n  namespace: {}\n  uid: {}\n",
        o.meta.name, o.meta.namespace, o.meta.uid
    );
    y
}

/// The `data` of a ConfigMap back from the YAML `configmap_yaml` wrote (and an editor
/// changed): each `  key: |-` and the lines indented under it.
fn configmap_data(yaml: &str) -> std::collections::BTreeMap<String, String> {
    let mut data = std::collections::BTreeMap::new();
    // (key, lines, keep the final newline)
    let mut current: Option<(String, Vec<String>, bool)> = None;
    let mut in_data = false;
    for line in yaml.lines() {
        if !line.starts_with(' ') && !line.is_empty() {
            in_data = line == "data:";
            if let Some((k, v, keep)) = current.take() {
                data.insert(k, block(v, keep));
            }
            continue;
        }
        if !in_data {
            continue;
        }
        if let Some(rest) = line.strip_prefix("    ") {
            if let Some((_, v, _)) = current.as_mut() {
                v.push(rest.to_string());
            }
        } else if line.is_empty() {
            if let Some((_, v, _)) = current.as_mut() {
                v.push(String::new());
            }
        } else if let Some((k, v)) = line.trim().split_once(':') {
            if let Some((k, v, keep)) = current.take() {
                data.insert(k, block(v, keep));
            }
            let v = v.trim();
            if v.starts_with('|') {
                current = Some((k.to_string(), Vec::new(), v != "|-"));
            } else if !v.is_empty() {
                data.insert(k.to_string(), v.trim_matches('"').to_string());
            }
        }
    }
    if let Some((k, v, keep)) = current.take() {
        data.insert(k, block(v, keep));
    }
    data
}

/// A block scalar's lines as its value: `|` keeps one final newline (clip), `|-` none.
fn block(mut lines: Vec<String>, keep: bool) -> String {
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    let mut v = lines.join("\n");
    if keep {
        v.push('\n');
    }
    v
}

/// The editor `kubectl edit` runs on its temporary file: `sed -i [-e] 's/OLD/NEW/[g]'`
/// (any delimiter; OLD is a literal string, not a regular expression).
fn sed_edit(editor: &str, text: &str) -> Result<String, String> {
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

/// A kind's table as kubectl prints it, header first: cells, for `tabwrite` (`get` adds its
/// columns around them).
fn table_rows(
    kind: Kind,
    objects: &[Object],
    wide: bool,
    all: bool,
    now: SimTime,
) -> Vec<Vec<String>> {
    let header: Vec<&str> = match (kind, wide) {
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
        (Kind::Node, false) => vec!["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
        (Kind::Node, true) => vec!["NAME", "STATUS", "ROLES", "AGE", "VERSION", "INTERNAL-IP"],
        (Kind::Namespace, _) => vec!["NAME", "STATUS", "AGE"],
    };
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut h: Vec<String> = header.iter().map(|s| s.to_string()).collect();
    if wide && kind.is_workload() {
        h.extend(["CONTAINERS", "IMAGES", "SELECTOR"].map(String::from));
    }
    if all {
        h.insert(0, "NAMESPACE".into());
    }
    rows.push(h);
    for o in objects {
        let m = &o.meta;
        let age = age(now - m.created);
        let mut row: Vec<String> = match &o.body {
            Body::Pod(p) => {
                let ready = if p.ready { 1 } else { 0 };
                let mut r = vec![
                    m.name.clone(),
                    format!("{ready}/{}", p.containers.len().max(1)),
                    p.phase.name().to_string(),
                    "0".into(),
                    age,
                ];
                if wide {
                    r.push(
                        p.ip.map(|i| i.to_string())
                            .unwrap_or_else(|| "<none>".into()),
                    );
                    r.push(p.node.clone().unwrap_or_else(|| "<none>".into()));
                    r.push("<none>".into());
                    r.push("<none>".into());
                }
                r
            }
            Body::Service(s) => {
                let cip = match (s.cluster_ip, s.type_.as_str()) {
                    (_, "ExternalName") => "<none>".to_string(),
                    (Some(ip), _) => ip.to_string(),
                    (None, _) => "None".into(),
                };
                let ext = match s.type_.as_str() {
                    "ExternalName" => s.external_name.clone().unwrap_or_default(),
                    "LoadBalancer" if s.external_ips.is_empty() => "<pending>".into(),
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
                    Kind::Deployment => r.extend([
                        format!("{}/{}", w.ready, w.replicas),
                        w.current.to_string(),
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
                    _ => r.extend([
                        w.replicas.to_string(),
                        w.current.to_string(),
                        w.ready.to_string(),
                        age,
                    ]),
                }
                if wide {
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
                    r.push(labels_text(&w.selector));
                }
                r
            }
            Body::ConfigMap(data) => vec![m.name.clone(), data.len().to_string(), age],
            Body::Node(n) => {
                let status = if n.ready { "Ready" } else { "NotReady" };
                let mut r = vec![
                    m.name.clone(),
                    status.into(),
                    "<none>".into(),
                    age,
                    KUBELET_VERSION.into(),
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

/// The version `kubectl get nodes` shows for every node's kubelet.
pub const KUBELET_VERSION: &str = "v1.28.2";

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

    /// `kubectl edit` with a sed editor: the ConfigMap's YAML round-trips, only the named
    /// text changes, and editors the simulator cannot run are refused with a reason.
    #[test]
    fn edits_a_configmap_with_sed() {
        let data: std::collections::BTreeMap<String, String> = [
            (
                "config.conf".to_string(),
                "kind: KubeProxyConfiguration\nmode: \"\"\nipvs:\n  scheduler: \"\"".to_string(),
            ),
            ("other".to_string(), "a\n\nb".to_string()),
            ("kubeconfig.conf".to_string(), "x: 1\n".to_string()),
        ]
        .into();
        let o = Object {
            meta: crate::k8s::api::Meta {
                name: "kube-proxy".into(),
                namespace: "kube-system".into(),
                ..Default::default()
            },
            body: Body::ConfigMap(data.clone()),
        };
        let yaml = configmap_yaml(&o, &data);
        assert_eq!(configmap_data(&yaml), data);
        let edited = sed_edit(r#"sed -i 's/mode: ""/mode: "ipvs"/'"#, &yaml).unwrap();
        let after = configmap_data(&edited);
        assert_eq!(
            after["config.conf"],
            "kind: KubeProxyConfiguration\nmode: \"ipvs\"\nipvs:\n  scheduler: \"\""
        );
        assert_eq!(after["other"], data["other"]);
        // Without g, the first match of each line only.
        assert_eq!(sed_edit("sed -i s/a/b/", "aa\na\n").unwrap(), "ba\nb\n");
        assert_eq!(sed_edit("sed -i -e s/a/b/g", "aa\n").unwrap(), "bb\n");
        assert!(sed_edit("vim", &yaml).is_err());
        assert!(sed_edit("sed s/a/b/", &yaml).is_err());
        assert!(sed_edit("sed -i 's/a/b/x'", &yaml).is_err());
        // A regular expression or `&` would mean more to sed than a literal swap.
        assert!(sed_edit("sed -i 's/mode: .*/mode: ipvs/'", &yaml).is_err());
        assert!(sed_edit("sed -i 's/a/&b/'", &yaml).is_err());
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
