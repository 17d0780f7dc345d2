//! `kubectl`: asks the apiserver and prints what kubectl prints.
//!
//! - `get pods|svc|ep|rc|nodes|ns [NAME] [-o wide] [-n NS] [-A]` (also `get svc/NAME`):
//!   kubectl's tables (tabwriter: columns 3 spaces apart), AGE as kubectl's HumanDuration
//!   of simulated time.
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

#[derive(Clone, Debug)]
enum Cmd {
    Get {
        kind: Kind,
        name: Option<String>,
        wide: bool,
    },
    Create {
        path: String,
    },
    Delete {
        kind: Kind,
        name: String,
    },
    /// `describe svc NAME`.
    Describe {
        kind: Kind,
        name: String,
    },
    /// `exec POD -- CMD...`; POD may be `rc/NAME` (its first pod by name).
    Exec {
        target: String,
        command: String,
    },
}

pub struct Kubectl {
    cmd: Cmd,
    ns: String,
    all: bool,
    manifest: Option<Manifest>,
    timer: Option<crate::engine::CancelKey>,
}

const USAGE: &str = "kubectl: the simulator models `get KIND [NAME] [-o wide] [-n NS] [-A]`, `create|apply -f FILE` and `delete KIND NAME`\n";

fn unknown_kind(k: &str) -> (String, i32) {
    (
        format!("error: the server doesn't have a resource type \"{k}\"\n"),
        1,
    )
}

/// `svc/NAME` or `svc NAME`.
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
    pub fn parse(args: &[String]) -> Result<Kubectl, (String, i32)> {
        let mut ns = "default".to_string();
        let mut all = false;
        let mut wide = false;
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
                    "wide" => wide = true,
                    other => {
                        return Err((
                            format!(
                                "error: output format \"{other}\" is not simulated (only -o wide)\n"
                            ),
                            1,
                        ));
                    }
                },
                "-owide" => wide = true,
                "-it" | "-ti" | "-i" | "-t" | "--stdin" | "--tty" => {}
                "-f" | "--filename" => file = Some(next()?),
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
            "get" => {
                let (kind, name) = kind_and_name(rest)?;
                Cmd::Get { kind, name, wide }
            }
            "create" | "apply" => {
                let Some(path) = file else {
                    return Err(("error: must specify one of -f and -k\n".into(), 1));
                };
                Cmd::Create { path }
            }
            "delete" => {
                let (kind, name) = kind_and_name(rest)?;
                let Some(name) = name else {
                    return Err((
                        "error: resource(s) were provided, but no name was specified\n".into(),
                        1,
                    ));
                };
                Cmd::Delete { kind, name }
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
                if kind != Kind::Service {
                    return Err((
                        format!(
                            "error: `kubectl describe {}` is not simulated yet (describe svc is)\n",
                            kind.singular()
                        ),
                        1,
                    ));
                }
                Cmd::Describe { kind, name }
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
        })
    }

    pub fn handle(&mut self, msg: Msg, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        if let (Msg::ApiResponse { .. }, Some(t)) = (&msg, self.timer.take()) {
            cx.cancel(t);
        }
        match msg {
            Msg::Start => self.start(ns, cx),
            Msg::ApiResponse { resp, .. } if matches!(self.cmd, Cmd::Exec { .. }) => {
                self.exec(*resp, cx)
            }
            Msg::Exited { child, code } => {
                // The command's output becomes kubectl's (the trace shows it once, under
                // the command's own process).
                let (out, err) = cx
                    .world
                    .procs
                    .get(&child)
                    .map(|p| (p.stdout.clone(), p.stderr.clone()))
                    .unwrap_or_default();
                let me = cx.me();
                if let Some(p) = cx.world.procs.get_mut(&me) {
                    p.stdout.push_str(&out);
                    p.stderr.push_str(&err);
                }
                Some(code)
            }
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
        let (Some(api), Some(api_ns)) = (api, api_ns.filter(|n| *n == ns)) else {
            print(
                cx,
                Stream::Stderr,
                "The connection to the server localhost:8080 was refused - did you specify the right host or port?\n",
            );
            return Some(1);
        };
        let req = match &self.cmd {
            Cmd::Get { kind, name, .. } => match name {
                Some(n) => Request::Get {
                    kind: *kind,
                    ns: self.ns.clone(),
                    name: n.clone(),
                },
                None => Request::List {
                    kind: *kind,
                    ns: (!self.all).then(|| self.ns.clone()),
                },
            },
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
            Cmd::Delete { kind, name } => Request::Delete {
                kind: *kind,
                ns: self.ns.clone(),
                name: name.clone(),
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
        };
        let msg = Msg::ApiRequest {
            from: cx.me(),
            id: 1,
            req: Box::new(req),
        };
        control::send(cx, ns, api_ns, api, msg);
        self.timer = Some(cx.schedule_cancellable(Dur::from_secs(30), Msg::Timer(1)));
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
                if Kind::parse(k) != Some(Kind::ReplicationController) {
                    print(
                        cx,
                        Stream::Stderr,
                        &format!(
                            "error: cannot attach to {k}: only pods and rc/NAME are simulated\n"
                        ),
                    );
                    return Some(1);
                }
                pods.iter()
                    .filter(|p| {
                        p.meta
                            .owner
                            .as_ref()
                            .is_some_and(|(k, n)| *k == Kind::ReplicationController && n == owner)
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
                    (Cmd::Create { path, .. }, 409) => {
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
            (Response::List(found), Cmd::Describe { .. }) => {
                print(cx, Stream::Stdout, &describe_service(&found));
                0
            }
            (Response::Object(o), Cmd::Get { kind, wide, .. }) => {
                print(cx, Stream::Stdout, &table(*kind, &[*o], *wide, false, now));
                0
            }
            (Response::List(list), Cmd::Get { kind, wide, .. }) => {
                if list.is_empty() {
                    let text = if self.all || !kind.namespaced() {
                        "No resources found\n".to_string()
                    } else {
                        format!("No resources found in {} namespace.\n", self.ns)
                    };
                    print(cx, Stream::Stderr, &text);
                    return 0;
                }
                let all = self.all && kind.namespaced();
                print(cx, Stream::Stdout, &table(*kind, &list, *wide, all, now));
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
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0; cols];
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count() + 3).max(6);
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

fn table(kind: Kind, objects: &[Object], wide: bool, all: bool, now: SimTime) -> String {
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
        (Kind::ReplicationController, false) => vec!["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
        (Kind::ReplicationController, true) => vec![
            "NAME",
            "DESIRED",
            "CURRENT",
            "READY",
            "AGE",
            "CONTAINERS",
            "IMAGES",
            "SELECTOR",
        ],
        (Kind::Node, false) => vec!["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
        (Kind::Node, true) => vec!["NAME", "STATUS", "ROLES", "AGE", "VERSION", "INTERNAL-IP"],
        (Kind::Namespace, _) => vec!["NAME", "STATUS", "AGE"],
    };
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut h: Vec<String> = header.iter().map(|s| s.to_string()).collect();
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
            Body::ReplicationController(rc) => {
                let mut r = vec![
                    m.name.clone(),
                    rc.replicas.to_string(),
                    rc.current.to_string(),
                    rc.ready.to_string(),
                    age,
                ];
                if wide {
                    r.push(
                        rc.containers
                            .iter()
                            .map(|c| c.name.clone())
                            .collect::<Vec<_>>()
                            .join(","),
                    );
                    r.push(
                        rc.containers
                            .iter()
                            .map(|c| c.image.clone().unwrap_or_default())
                            .collect::<Vec<_>>()
                            .join(","),
                    );
                    r.push(labels_text(&rc.selector));
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
                    KUBELET_VERSION.into(),
                ];
                if wide {
                    r.push(n.ip.to_string());
                }
                r
            }
            Body::Namespace => vec![m.name.clone(), "Active".into(), age],
        };
        if all {
            row.insert(0, m.namespace.clone());
        }
        rows.push(row);
    }
    tabwrite(&rows)
}

/// The version `kubectl get nodes` shows for every node's kubelet.
pub const KUBELET_VERSION: &str = "v1.28.2";

#[cfg(test)]
mod tests {
    use super::*;

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
