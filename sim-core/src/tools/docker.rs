//! The docker client on a node: `docker ps`, `inspect`, `logs`, `exec`, `network inspect
//! bridge` and `info`, reading what the node's runtime knows (`net::runtime`: the pods'
//! pause and app containers kubelet had docker make).
//!
//! Two clients, as the node's release had: CentOS 7's docker 1.13.1 beside Kubernetes 1.5
//! (seed 004: columns at least 20 wide, a COMMAND cut at 20 characters, `"/entrypoint.sh
//! /bin/"`), and docker 24 with cri-dockerd beside today's Kubernetes (columns at least 10
//! wide, a COMMAND cut to 19 characters and `…`).

use crate::engine::{ActorId, Ctx, SimTime};
use crate::net::runtime::{Container, State};
use crate::net::{Msg, Net, NsId, World};
use crate::trace::Stream;

use super::kubectl::tabwriter::{self, Config};

/// A `docker` command.
pub struct Docker {
    args: Vec<String>,
    /// `docker exec`'s process, while it runs.
    child: Option<ActorId>,
    /// `docker logs -f`: the container process whose log it follows.
    following: Option<ActorId>,
}

impl Docker {
    pub fn parse(args: &[String]) -> Result<Docker, (String, i32)> {
        Ok(Docker {
            args: args.to_vec(),
            child: None,
            following: None,
        })
    }

    pub fn handle(&mut self, msg: Msg, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        match msg {
            Msg::Start => {
                if cx.world.ns(ns).label.starts_with("pod/") {
                    super::print(cx, Stream::Stderr, "sh: docker: command not found\n");
                    return Some(127);
                }
                let modern = cx.world.runtime.modern.contains(&ns);
                if !daemon_running(cx, ns) {
                    let text = if modern {
                        "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n"
                    } else {
                        "Cannot connect to the Docker daemon. Is the docker daemon running on this host?\n"
                    };
                    super::print(cx, Stream::Stderr, text);
                    return Some(1);
                }
                if self.args.first().map(String::as_str) == Some("exec") {
                    return self.exec(cx, ns);
                }
                let follow = self.args.first().map(String::as_str) == Some("logs")
                    && self.args[1..].iter().any(|a| a == "-f" || a == "--follow");
                if follow {
                    return self.follow(cx, ns);
                }
                let (out, err, code) = run(cx.world, ns, cx.now(), modern, &self.args);
                super::print(cx, Stream::Stdout, &out);
                super::print(cx, Stream::Stderr, &err);
                Some(code)
            }
            Msg::Exited { child, code } if Some(child) == self.child => Some(code),
            // The followed container ended: so does its log stream.
            Msg::Exited { child, .. } if Some(child) == self.following => Some(0),
            Msg::LogLine { line } => {
                super::print(cx, line.stream, &format!("{}\n", line.text));
                None
            }
            _ => None,
        }
    }

    /// `docker logs -f [--tail N] CONTAINER`: the log so far, then each line as the
    /// container writes it, until it exits (or, for a container writing nothing simulated,
    /// until the command is stopped).
    fn follow(&mut self, cx: &mut Ctx<'_, Net>, ns: NsId) -> Option<i32> {
        let rest: Vec<String> = self.args[1..]
            .iter()
            .filter(|a| *a != "-f" && *a != "--follow")
            .cloned()
            .collect();
        let (out, err, code) = logs(cx.world, ns, &rest);
        super::print(cx, Stream::Stdout, &out);
        super::print(cx, Stream::Stderr, &err);
        if code != 0 {
            return Some(code);
        }
        // The operand: the word that is neither an option nor `--tail`'s value.
        let mut target = String::new();
        let mut it = rest.iter();
        while let Some(a) = it.next() {
            if a == "--tail" {
                it.next();
            } else if !a.starts_with('-') {
                target = a.clone();
            }
        }
        let c = find(&cx.world.runtime.containers, ns, &target).cloned()?;
        if c.state != State::Running {
            return Some(0);
        }
        let Some(p) = c.proc else {
            return None;
        };
        let me = cx.me();
        if let Some(log) = cx.world.procs.get_mut(&p).and_then(|p| p.log.as_mut()) {
            log.followers.push(me);
        }
        self.following = Some(p);
        None
    }

    /// `docker exec [-i] [-t] CONTAINER COMMAND...`: the command runs in the container's
    /// namespace, its output passed through, its status docker's.
    fn exec(&mut self, cx: &mut Ctx<'_, Net>, ns: NsId) -> Option<i32> {
        let mut rest = self.args[1..].iter().peekable();
        while let Some(a) = rest.peek() {
            match a.as_str() {
                "-i" | "-t" | "-it" | "-ti" | "--interactive" | "--tty" => {
                    rest.next();
                }
                a if a.starts_with('-') => {
                    let text = format!("docker exec: {a} is not simulated yet (-i and -t are)\n");
                    super::print(cx, Stream::Stderr, &text);
                    return Some(1);
                }
                _ => break,
            }
        }
        let words: Vec<String> = rest.cloned().collect();
        let Some((target, command)) = words.split_first().filter(|(_, c)| !c.is_empty()) else {
            super::print(
                cx,
                Stream::Stderr,
                "\"docker exec\" requires at least 2 argument(s).\nSee 'docker exec --help'.\n\nUsage:  docker exec [OPTIONS] CONTAINER COMMAND [ARG...]\n\nRun a command in a running container\n",
            );
            return Some(1);
        };
        let found = find(&cx.world.runtime.containers, ns, target).cloned();
        let Some(c) = found else {
            let text = format!("Error response from daemon: No such container: {target}\n");
            super::print(cx, Stream::Stderr, &text);
            return Some(1);
        };
        if c.state != State::Running {
            let text = format!(
                "Error response from daemon: Container {} is not running\n",
                c.id
            );
            super::print(cx, Stream::Stderr, &text);
            return Some(1);
        }
        let line = shell_words::join(command);
        match super::spawn_child(cx, c.sandbox, &line) {
            Some(child) => {
                self.child = Some(child);
                None
            }
            None => Some(126),
        }
    }
}

/// Whether the node's dockerd runs.
fn daemon_running(cx: &Ctx<'_, Net>, ns: NsId) -> bool {
    let label = &cx.world.ns(ns).label;
    cx.lookup(&format!("{label}/dockerd"))
        .and_then(|d| cx.world.procs.get(&d))
        .is_some_and(|p| p.exit.is_none() && p.pid != 0)
}

/// A container of node `ns` by id (a prefix of it), or by name.
pub fn find<'a>(all: &'a [Container], ns: NsId, what: &str) -> Option<&'a Container> {
    let what = what.trim_start_matches('/');
    let mine = || all.iter().rev().filter(|c| c.node == ns);
    mine()
        .find(|c| c.name == what)
        .or_else(|| mine().find(|c| c.id.starts_with(what) && !what.is_empty()))
}

/// The instant subcommands: (stdout, stderr, status).
fn run(
    world: &World,
    ns: NsId,
    now: SimTime,
    modern: bool,
    args: &[String],
) -> (String, String, i32) {
    let Some(sub) = args.first() else {
        return (
            String::new(),
            "docker: a command is required (ps, inspect, logs, exec, network inspect, info)\n"
                .into(),
            1,
        );
    };
    match sub.as_str() {
        "ps" => ps(world, ns, now, modern, &args[1..]),
        "inspect" => inspect(world, ns, now, &args[1..]),
        "logs" => logs(world, ns, &args[1..]),
        "network" => network(world, ns, now, &args[1..]),
        "info" => (info(world, ns, modern), String::new(), 0),
        "images" | "version" | "run" | "rm" | "stop" | "start" | "restart" | "kill" | "pull"
        | "top" | "stats" | "cp" | "create" | "attach" | "rmi" | "build" | "tag" | "push"
        | "port" | "diff" | "commit" | "events" | "volume" | "system" | "container" | "image"
        | "login" | "search" | "save" | "load" | "pause" | "unpause" | "wait" | "rename"
        | "update" | "history" | "export" | "import" => (
            String::new(),
            format!(
                "docker: '{sub}' is not simulated yet (ps, inspect, logs, exec, network inspect bridge and info are)\n"
            ),
            1,
        ),
        other => (
            String::new(),
            format!("docker: '{other}' is not a docker command.\nSee 'docker --help'\n"),
            1,
        ),
    }
}

/// go-units' `HumanDuration`, as docker prints ages: `Less than a second`, `20 minutes`,
/// `About an hour`, `5 hours`.
pub fn human_duration(secs: u64) -> String {
    let minutes = secs / 60;
    // `int(d.Hours() + 0.5)`.
    let hours = (secs + 1800) / 3600;
    match secs {
        0 => "Less than a second".into(),
        1 => "1 second".into(),
        2..=59 => format!("{secs} seconds"),
        _ if minutes == 1 => "About a minute".into(),
        _ if minutes < 60 => format!("{minutes} minutes"),
        _ if hours == 1 => "About an hour".into(),
        _ if hours < 48 => format!("{hours} hours"),
        _ if hours < 24 * 7 * 2 => format!("{} days", hours / 24),
        _ if hours < 24 * 30 * 2 => format!("{} weeks", hours / 24 / 7),
        _ if hours < 24 * 365 * 2 => format!("{} months", hours / 24 / 30),
        _ => format!("{} years", secs / 3600 / 24 / 365),
    }
}

fn secs_between(from: SimTime, to: SimTime) -> u64 {
    (to.as_nanos().saturating_sub(from.as_nanos())) / 1_000_000_000
}

/// docker's STATUS: `Up 20 minutes`, `Exited (1) 3 seconds ago`.
fn status(c: &Container, now: SimTime) -> String {
    match c.state {
        State::Running => format!("Up {}", human_duration(secs_between(c.started, now))),
        State::Exited { code, at } => {
            format!(
                "Exited ({code}) {} ago",
                human_duration(secs_between(at, now))
            )
        }
    }
}

/// Go's `strconv.Quote` for the text docker shows.
fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `docker ps [-a] [-q] [--no-trunc]`: the node's containers, newest first; without `-a`
/// only the running ones.
fn ps(
    world: &World,
    ns: NsId,
    now: SimTime,
    modern: bool,
    args: &[String],
) -> (String, String, i32) {
    let (mut all, mut quiet, mut trunc) = (false, false, true);
    for a in args {
        match a.as_str() {
            "--all" => all = true,
            "--quiet" => quiet = true,
            "--no-trunc" => trunc = false,
            a if a.starts_with('-') && !a.starts_with("--") && a.len() > 1 => {
                for f in a[1..].chars() {
                    match f {
                        'a' => all = true,
                        'q' => quiet = true,
                        f => {
                            return (
                                String::new(),
                                format!(
                                    "unknown shorthand flag: '{f}' in {a}\nSee 'docker ps --help'.\n"
                                ),
                                125,
                            );
                        }
                    }
                }
            }
            a if a.starts_with("--") => {
                return (
                    String::new(),
                    format!("docker ps: {a} is not simulated yet (-a, -q and --no-trunc are)\n"),
                    1,
                );
            }
            a => {
                return (
                    String::new(),
                    format!(
                        "\"docker ps\" accepts no arguments.\nSee 'docker ps --help'.\n\nUsage:  docker ps [OPTIONS]\n\nList containers\n(got {a})\n"
                    ),
                    1,
                );
            }
        }
    }
    let shown: Vec<&Container> = world
        .runtime
        .of_node(ns)
        .filter(|c| all || c.state == State::Running)
        .collect();
    let id = |c: &Container| {
        if trunc {
            c.id[..12].to_string()
        } else {
            c.id.clone()
        }
    };
    if quiet {
        let out: String = shown.iter().map(|c| format!("{}\n", id(c))).collect();
        return (out, String::new(), 0);
    }
    let mut text = String::from("CONTAINER ID\tIMAGE\tCOMMAND\tCREATED\tSTATUS\tPORTS\tNAMES\n");
    for c in &shown {
        let command = c.command.join(" ");
        let command = match (trunc, modern) {
            (false, _) => command,
            // docker 1.13's `stringutils.Truncate(command, 20)`.
            (true, false) => command.chars().take(20).collect(),
            // Today's `formatter.Ellipsis(command, 20)`.
            (true, true) if command.chars().count() > 20 => {
                format!("{}…", command.chars().take(19).collect::<String>())
            }
            (true, true) => command,
        };
        text.push_str(&format!(
            "{}\t{}\t{}\t{} ago\t{}\t\t{}\n",
            id(c),
            c.image,
            go_quote(&command),
            human_duration(secs_between(c.created, now)),
            status(c, now),
            c.name
        ));
    }
    let cfg = Config {
        minwidth: if modern { 10 } else { 20 },
        tabwidth: 1,
        padding: 3,
        padchar: ' ',
    };
    (tabwriter::format(cfg, &text), String::new(), 0)
}

/// A JSON value with its keys in the order docker writes them (Go structs), printed as
/// `json.MarshalIndent` with four spaces does.
enum J {
    S(String),
    N(i64),
    B(bool),
    Null,
    O(Vec<(&'static str, J)>),
    /// An object whose keys are data (a Go map: sorted).
    M(Vec<(String, J)>),
    A(Vec<J>),
}

fn s(v: impl Into<String>) -> J {
    J::S(v.into())
}

impl J {
    fn write(&self, out: &mut String, depth: usize) {
        let pad = |n: usize| "    ".repeat(n);
        match self {
            J::S(v) => out.push_str(&serde_json::to_string(v).expect("a string")),
            J::N(n) => out.push_str(&n.to_string()),
            J::B(b) => out.push_str(if *b { "true" } else { "false" }),
            J::Null => out.push_str("null"),
            J::A(items) if items.is_empty() => out.push_str("[]"),
            J::A(items) => {
                out.push_str("[\n");
                for (i, v) in items.iter().enumerate() {
                    out.push_str(&pad(depth + 1));
                    v.write(out, depth + 1);
                    out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
                }
                out.push_str(&pad(depth));
                out.push(']');
            }
            J::O(fields) => {
                let fields: Vec<(String, &J)> =
                    fields.iter().map(|(k, v)| (k.to_string(), v)).collect();
                write_object(out, &fields, depth);
            }
            J::M(fields) => {
                let mut fields: Vec<(String, &J)> =
                    fields.iter().map(|(k, v)| (k.clone(), v)).collect();
                fields.sort_by(|a, b| a.0.cmp(&b.0));
                write_object(out, &fields, depth);
            }
        }
    }
}

fn write_object(out: &mut String, fields: &[(String, &J)], depth: usize) {
    if fields.is_empty() {
        out.push_str("{}");
        return;
    }
    out.push_str("{\n");
    for (i, (k, v)) in fields.iter().enumerate() {
        out.push_str(&"    ".repeat(depth + 1));
        out.push_str(&serde_json::to_string(k).expect("a string"));
        out.push_str(": ");
        v.write(out, depth + 1);
        out.push_str(if i + 1 < fields.len() { ",\n" } else { "\n" });
    }
    out.push_str(&"    ".repeat(depth));
    out.push('}');
}

/// The pod's eth0: (address with prefix, gateway, MAC), if its sandbox has one.
fn network_of(world: &World, sandbox: NsId) -> Option<(ipnet::Ipv4Net, String, String)> {
    let pod = world.ns(sandbox);
    let eth0 = pod.dev_by_name("eth0")?;
    let dev = pod.dev(eth0);
    let addr = *dev.addrs.first()?;
    let gw = pod
        .routes
        .iter()
        .find(|r| r.dst.prefix_len() == 0)
        .and_then(|r| r.via)
        .map(|g| g.to_string())
        .unwrap_or_default();
    Some((addr, gw, dev.mac.to_string()))
}

/// `docker inspect NAME|ID...`: the fields a learner looks at, in docker's order.
fn inspect(world: &World, ns: NsId, now: SimTime, args: &[String]) -> (String, String, i32) {
    if args.is_empty() {
        return (
            String::new(),
            "\"docker inspect\" requires at least 1 argument(s).\nSee 'docker inspect --help'.\n\nUsage:  docker inspect [OPTIONS] NAME|ID [NAME|ID...]\n\nReturn low-level information on Docker objects\n".into(),
            1,
        );
    }
    let mut items = Vec::new();
    let mut err = String::new();
    for a in args {
        if a.starts_with('-') {
            return (
                String::new(),
                format!("docker inspect: {a} is not simulated yet\n"),
                1,
            );
        }
        match find(&world.runtime.containers, ns, a) {
            Some(c) => items.push(container_json(world, c, now)),
            None => err.push_str(&format!("Error: No such object: {a}\n")),
        }
    }
    let mut out = String::new();
    J::A(items).write(&mut out, 0);
    out.push('\n');
    let code = if err.is_empty() { 0 } else { 1 };
    (out, err, code)
}

fn container_json(world: &World, c: &Container, _now: SimTime) -> J {
    let pause = world
        .runtime
        .containers
        .iter()
        .rev()
        .find(|p| p.pause && p.pod == c.pod && p.namespace == c.namespace && p.node == c.node);
    let host = crate::net::runtime::host_network(c);
    // An app container shares its pod's pause container's network.
    let joined = pause.filter(|p| p.id != c.id && !host);
    let (running, code, finished) = match c.state {
        State::Running => (true, 0, "0001-01-01T00:00:00Z".to_string()),
        State::Exited { code, at } => (false, code, crate::clock::rfc3339_nano(at)),
    };
    let pid = match (c.state, c.proc) {
        (State::Running, Some(p)) => world.procs.get(&p).map_or(0, |p| p.pid),
        (State::Running, None) => 1,
        _ => 0,
    };
    let network_mode = match joined {
        _ if host => "host".into(),
        Some(p) => format!("container:{}", p.id),
        None => "default".into(),
    };
    let net = match joined {
        _ if host => None,
        Some(_) => None,
        None => network_of(world, c.sandbox),
    };
    let (ip, prefix, gw, mac) = match &net {
        Some((a, gw, mac)) => (
            a.addr().to_string(),
            i64::from(a.prefix_len()),
            gw.clone(),
            mac.clone(),
        ),
        None => (String::new(), 0, String::new(), String::new()),
    };
    let endpoint = || {
        J::O(vec![
            ("Gateway", s(gw.clone())),
            ("IPAddress", s(ip.clone())),
            ("IPPrefixLen", J::N(prefix)),
            ("MacAddress", s(mac.clone())),
        ])
    };
    let networks = match net {
        Some(_) => J::M(vec![("bridge".to_string(), endpoint())]),
        None if host && c.pause => J::M(vec![("host".to_string(), endpoint())]),
        None => J::M(Vec::new()),
    };
    let hostname = world
        .ns(c.sandbox)
        .files
        .get("/etc/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|| c.pod.clone());
    let mut env: Vec<J> = c.env.iter().map(|(k, v)| s(format!("{k}={v}"))).collect();
    env.push(s(
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    ));
    let labels = if c.name.starts_with("k8s_") {
        J::M(vec![
            (
                "io.kubernetes.container.name".into(),
                s(c.container.clone()),
            ),
            ("io.kubernetes.pod.name".into(), s(c.pod.clone())),
            ("io.kubernetes.pod.namespace".into(), s(c.namespace.clone())),
        ])
    } else {
        J::M(Vec::new())
    };
    J::O(vec![
        ("Id", s(c.id.clone())),
        ("Created", s(crate::clock::rfc3339_nano(c.created))),
        ("Path", s(c.command.first().cloned().unwrap_or_default())),
        (
            "Args",
            J::A(c.command.iter().skip(1).map(|a| s(a.clone())).collect()),
        ),
        (
            "State",
            J::O(vec![
                ("Status", s(if running { "running" } else { "exited" })),
                ("Running", J::B(running)),
                ("Paused", J::B(false)),
                ("Restarting", J::B(false)),
                ("OOMKilled", J::B(false)),
                ("Dead", J::B(false)),
                ("Pid", J::N(i64::from(pid))),
                ("ExitCode", J::N(i64::from(code))),
                ("Error", s("")),
                ("StartedAt", s(crate::clock::rfc3339_nano(c.started))),
                ("FinishedAt", s(finished)),
            ]),
        ),
        (
            "Image",
            s(format!(
                "sha256:{}",
                crate::net::runtime::container_id(&c.image)
            )),
        ),
        ("Name", s(format!("/{}", c.name))),
        ("RestartCount", J::N(0)),
        ("HostConfig", J::O(vec![("NetworkMode", s(network_mode))])),
        (
            "Config",
            J::O(vec![
                ("Hostname", s(hostname)),
                ("Env", J::A(env)),
                (
                    "Cmd",
                    J::A(c.command.iter().map(|a| s(a.clone())).collect()),
                ),
                ("Image", s(c.image.clone())),
                (
                    "WorkingDir",
                    s(match crate::k8s::images::workdir(&c.image) {
                        "/" => "",
                        w => w,
                    }),
                ),
                ("Entrypoint", J::Null),
                ("Labels", labels),
            ]),
        ),
        (
            "NetworkSettings",
            J::O(vec![
                ("Gateway", s(gw.clone())),
                ("IPAddress", s(ip.clone())),
                ("IPPrefixLen", J::N(prefix)),
                ("MacAddress", s(mac.clone())),
                ("Networks", networks),
            ]),
        ),
    ])
}

/// `docker logs [--tail N] CONTAINER`: what its main process wrote (the log `kubectl
/// logs` reads), stdout to stdout and stderr to stderr.
fn logs(world: &World, ns: NsId, args: &[String]) -> (String, String, i32) {
    let mut tail: Option<usize> = None;
    let mut target = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--tail" => match it.next().map(|n| (n, n.parse::<usize>())) {
                Some((_, Ok(n))) => tail = Some(n),
                Some((n, Err(_))) if n == "all" => tail = None,
                _ => {
                    return (
                        String::new(),
                        "docker logs: --tail takes a number or all\n".into(),
                        1,
                    );
                }
            },
            a if a.starts_with("--tail=") => match a[7..].parse() {
                Ok(n) => tail = Some(n),
                Err(_) => tail = None,
            },
            a if a.starts_with('-') => {
                return (
                    String::new(),
                    format!("docker logs: {a} is not simulated yet (-f and --tail are)\n"),
                    1,
                );
            }
            a => target = Some(a.to_string()),
        }
    }
    let Some(target) = target else {
        return (
            String::new(),
            "\"docker logs\" requires exactly 1 argument(s).\nSee 'docker logs --help'.\n\nUsage:  docker logs [OPTIONS] CONTAINER\n\nFetch the logs of a container\n".into(),
            1,
        );
    };
    let Some(c) = find(&world.runtime.containers, ns, &target) else {
        return (
            String::new(),
            format!("Error: No such container: {target}\n"),
            1,
        );
    };
    let Some(log) = c
        .proc
        .and_then(|p| world.procs.get(&p))
        .and_then(|p| p.log.as_ref())
    else {
        // The pause process and images that run nothing simulated write nothing.
        return (String::new(), String::new(), 0);
    };
    let skip = tail.map_or(0, |n| log.lines.len().saturating_sub(n));
    let (mut out, mut err) = (String::new(), String::new());
    for l in log.lines.iter().skip(skip) {
        let to = match l.stream {
            Stream::Stdout => &mut out,
            Stream::Stderr => &mut err,
        };
        to.push_str(&l.text);
        to.push('\n');
    }
    (out, err, 0)
}

/// `docker network inspect bridge`: docker0's network, its subnet and gateway, and the
/// containers attached to it (the pods' pause containers).
fn network(world: &World, ns: NsId, now: SimTime, args: &[String]) -> (String, String, i32) {
    match args {
        [verb, name] if verb == "inspect" && name == "bridge" => {}
        [verb, name] if verb == "inspect" => {
            return (
                String::new(),
                format!("Error: No such network: {name}\n"),
                1,
            );
        }
        [verb, ..] if verb == "ls" || verb == "inspect" => {
            return (
                String::new(),
                "docker network: only `network inspect bridge` is simulated\n".into(),
                1,
            );
        }
        _ => {
            return (
                String::new(),
                "docker network: only `network inspect bridge` is simulated\n".into(),
                1,
            );
        }
    }
    let node = world.ns(ns);
    let Some(docker0) = node.dev_by_name("docker0") else {
        return (String::new(), "Error: No such network: bridge\n".into(), 1);
    };
    let bridge = node.dev(docker0);
    let (subnet, gateway) = match bridge.addrs.first() {
        Some(a) => (a.trunc().to_string(), a.addr().to_string()),
        None => (String::new(), String::new()),
    };
    let masq = format!("-s {subnet} ! -o docker0 -j MASQUERADE");
    let ip_masq = super::iptables::save(node, now, &["-t".into(), "nat".into()])
        .0
        .contains(&masq);
    let mut mtu = bridge.mtu;
    let mut containers = Vec::new();
    for c in world.runtime.of_node(ns) {
        let joined = c.name.starts_with("k8s_") && !c.pause;
        if joined || c.state != State::Running || crate::net::runtime::host_network(c) {
            continue;
        }
        let Some((addr, _, mac)) = network_of(world, c.sandbox) else {
            continue;
        };
        if let Some(e) = world.ns(c.sandbox).dev_by_name("eth0") {
            mtu = world.ns(c.sandbox).dev(e).mtu;
        }
        containers.push((
            c.id.clone(),
            J::O(vec![
                ("Name", s(c.name.clone())),
                (
                    "EndpointID",
                    s(crate::net::runtime::container_id(&format!(
                        "endpoint/{}",
                        c.id
                    ))),
                ),
                ("MacAddress", s(mac)),
                ("IPv4Address", s(addr.to_string())),
                ("IPv6Address", s("")),
            ]),
        ));
    }
    let label = &node.label;
    let net = J::O(vec![
        ("Name", s("bridge")),
        (
            "Id",
            s(crate::net::runtime::container_id(&format!(
                "{label}/network/bridge"
            ))),
        ),
        ("Scope", s("local")),
        ("Driver", s("bridge")),
        ("EnableIPv6", J::B(false)),
        (
            "IPAM",
            J::O(vec![
                ("Driver", s("default")),
                ("Options", J::Null),
                (
                    "Config",
                    J::A(vec![J::O(vec![
                        ("Subnet", s(subnet)),
                        ("Gateway", s(gateway)),
                    ])]),
                ),
            ]),
        ),
        ("Internal", J::B(false)),
        ("Attachable", J::B(false)),
        ("Containers", J::M(containers)),
        (
            "Options",
            J::M(vec![
                ("com.docker.network.bridge.default_bridge".into(), s("true")),
                ("com.docker.network.bridge.enable_icc".into(), s("true")),
                (
                    "com.docker.network.bridge.enable_ip_masquerade".into(),
                    s(ip_masq.to_string()),
                ),
                (
                    "com.docker.network.bridge.host_binding_ipv4".into(),
                    s("0.0.0.0"),
                ),
                ("com.docker.network.bridge.name".into(), s("docker0")),
                ("com.docker.network.driver.mtu".into(), s(mtu.to_string())),
            ]),
        ),
        ("Labels", J::M(Vec::new())),
    ]);
    let mut out = String::new();
    J::A(vec![net]).write(&mut out, 0);
    out.push('\n');
    (out, String::new(), 0)
}

/// `docker info`: the container counts and the lines about the daemon that matter for
/// networking; the rest of the real output (plugins, registries, CPUs, memory) is left
/// out.
fn info(world: &World, ns: NsId, modern: bool) -> String {
    let mine: Vec<&Container> = world.runtime.of_node(ns).collect();
    let running = mine.iter().filter(|c| c.state == State::Running).count();
    let images: std::collections::BTreeSet<&str> = mine.iter().map(|c| c.image.as_str()).collect();
    let name = &world.ns(ns).name;
    let lines = if modern {
        vec![
            format!("Containers: {}", mine.len()),
            format!(" Running: {running}"),
            " Paused: 0".to_string(),
            format!(" Stopped: {}", mine.len() - running),
            format!("Images: {}", images.len()),
            "Server Version: 24.0.7".into(),
            "Storage Driver: overlay2".into(),
            "Logging Driver: json-file".into(),
            "Cgroup Driver: systemd".into(),
            "Kernel Version: 5.15.0-88-generic".into(),
            "Operating System: Ubuntu 22.04.3 LTS".into(),
            "OSType: linux".into(),
            "Architecture: x86_64".into(),
            format!("Name: {name}"),
            "Docker Root Dir: /var/lib/docker".into(),
        ]
    } else {
        vec![
            format!("Containers: {}", mine.len()),
            format!(" Running: {running}"),
            " Paused: 0".to_string(),
            format!(" Stopped: {}", mine.len() - running),
            format!("Images: {}", images.len()),
            "Server Version: 1.13.1".into(),
            "Storage Driver: overlay2".into(),
            "Logging Driver: journald".into(),
            "Cgroup Driver: systemd".into(),
            "Kernel Version: 3.10.0-693.2.2.el7.x86_64".into(),
            "Operating System: CentOS Linux 7 (Core)".into(),
            "OSType: linux".into(),
            "Architecture: x86_64".into(),
            format!("Name: {name}"),
            "Docker Root Dir: /var/lib/docker".into(),
        ]
    };
    if modern {
        // Today's client prints the server's lines under `Server:`, indented.
        let mut out = String::from("Server:\n");
        for l in lines {
            out.push_str(&format!(" {l}\n"));
        }
        out
    } else {
        lines.into_iter().map(|l| format!("{l}\n")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// go-units' boundaries.
    #[test]
    fn human_durations() {
        assert_eq!(human_duration(0), "Less than a second");
        assert_eq!(human_duration(1), "1 second");
        assert_eq!(human_duration(59), "59 seconds");
        assert_eq!(human_duration(60), "About a minute");
        assert_eq!(human_duration(119), "About a minute");
        assert_eq!(human_duration(20 * 60 + 5), "20 minutes");
        assert_eq!(human_duration(3600), "About an hour");
        assert_eq!(human_duration(5 * 3600), "5 hours");
        assert_eq!(human_duration(3 * 86400), "3 days");
    }

    #[test]
    fn json_in_docker_order_with_four_spaces() {
        let mut out = String::new();
        J::A(vec![J::O(vec![
            ("Id", s("x")),
            ("Args", J::A(Vec::new())),
            (
                "Labels",
                J::M(vec![("b".into(), J::N(1)), ("a".into(), J::Null)]),
            ),
        ])])
        .write(&mut out, 0);
        assert_eq!(
            out,
            "[\n    {\n        \"Id\": \"x\",\n        \"Args\": [],\n        \"Labels\": {\n            \"a\": null,\n            \"b\": 1\n        }\n    }\n]"
        );
    }

    #[test]
    fn quotes_as_go() {
        assert_eq!(go_quote("nginx -g 'daemon off"), "\"nginx -g 'daemon off\"");
        assert_eq!(go_quote("a\"b"), "\"a\\\"b\"");
    }
}
