//! Commands a user runs inside a simulated machine, printing what the real tool prints.
//!
//! Each command runs as a process actor named `node/<machine>/<argv0>[<pid>]`. It writes
//! lines to stdout/stderr (traced as `Output`, and kept in the world's process table when
//! someone will read them: see `Proc::keep`) and ends with an exit status. Instant commands (`ip`) run and exit within their first event;
//! `ping` lives on simulated time.

pub mod bbping;
pub mod bridge;
pub mod dig;
pub mod docker;
pub mod etcdctl;
pub mod files;
pub mod getent;
pub mod guestbook;
pub mod http;
pub mod ifconfig;
pub mod ip;
pub mod ipset;
pub mod iptables;
pub mod journalctl;
pub mod kubectl;
pub mod mkdockeropts;
pub mod named;
pub mod nc;
pub mod nslookup;
pub mod num;
pub mod ping;
pub mod ps;
pub mod redis;
pub mod resolver;
pub mod sh;
pub mod ss;
pub mod systemctl;
pub mod tcpdump;
pub mod text;
pub mod xargs;

use crate::engine::{Actor, ActorId, Ctx, Dur, Sim};
use crate::net::{Fd, Msg, Net, NsId, Proc};
use crate::trace::{Stream, TraceEvent};

/// What an `expect` step checks when its command exits.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expectation {
    pub stdout_contains: Option<String>,
    pub stderr_contains: Option<String>,
    pub exit_code: Option<i32>,
}

impl Expectation {
    /// Whether checking it needs the process's output kept (`Proc::keep`).
    pub fn reads_output(&self) -> bool {
        self.stdout_contains.is_some() || self.stderr_contains.is_some()
    }

    /// `Ok(detail)` when the result meets it, `Err(detail)` naming what differs.
    pub fn check(&self, proc: &Proc) -> Result<String, String> {
        let code = proc.exit.unwrap_or(-1);
        if let Some(want) = self.exit_code
            && code != want
        {
            return Err(format!("exit status {code}, expected {want}"));
        }
        if let Some(needle) = &self.stdout_contains
            && !proc.stdout.contains(needle.as_str())
        {
            return Err(format!("stdout does not contain {needle:?}"));
        }
        if let Some(needle) = &self.stderr_contains
            && !proc.stderr.contains(needle.as_str())
        {
            return Err(format!("stderr does not contain {needle:?}"));
        }
        let mut held = vec![format!("exit status {code}")];
        if let Some(needle) = &self.stdout_contains {
            held.push(format!("stdout contains {needle:?}"));
        }
        if let Some(needle) = &self.stderr_contains {
            held.push(format!("stderr contains {needle:?}"));
        }
        Ok(held.join(", "))
    }
}

/// Whether the machine's tools are busybox's (a busybox or alpine image).
fn busybox(ns: &crate::net::Netns) -> bool {
    ns.image
        .as_deref()
        .is_some_and(|i| i.contains("busybox") || i.contains("alpine"))
}

/// The environment a command typed on machine `ns` gets, as `docker exec` gives a
/// container's process or a login gives a node's: PATH, HOSTNAME, the container's
/// environment (kubelet's), HOME.
pub fn default_env(ns: &crate::net::Netns) -> Vec<(String, String)> {
    let mut vars: Vec<(String, String)> = vec![
        (
            "PATH".into(),
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
        ),
        (
            "HOSTNAME".into(),
            match ns.files.get("/etc/hostname") {
                Some(h) => h.trim().to_string(),
                None => ns.name.clone(),
            },
        ),
    ];
    vars.extend(ns.env.iter().cloned());
    vars.push(("HOME".into(), "/root".into()));
    vars
}

/// Parses a command line and allocates its pid: the process's actor name, the actor, and
/// its record for the process table. A line that is one simple command without
/// redirections runs as that command itself, its words expanded (`curl $SVC_HOST`), as a
/// shell execs the last command of `-c`; any other line runs under the machine's `sh`.
fn prepare(
    world: &mut crate::net::World,
    ns: NsId,
    cmdline: &str,
    expect: Option<Expectation>,
    now: crate::engine::SimTime,
) -> (String, Process, Proc) {
    let netns = world.ns_mut(ns);
    let pid = netns.alloc_pid();
    let mut env = default_env(netns);
    let bb = busybox(netns);
    let flavour = sh::Flavour::of_image(netns.image.as_deref());
    let direct = sh::parse::parse(cmdline).ok().and_then(|node| {
        let simple = sh::parse::lone_command(&node)?;
        let mut vars = sh::expand::Vars::default();
        for (k, v) in &env {
            vars.set(k, v);
        }
        let mut substituted = false;
        let mut subst = |_: &str| {
            substituted = true;
            String::new()
        };
        let mut ex = sh::expand::Expander {
            vars: &mut vars,
            subst: &mut subst,
        };
        let mut assigns = Vec::new();
        for (k, v) in &simple.assigns {
            assigns.push((k.clone(), ex.string(v).ok()?));
        }
        let mut argv = Vec::new();
        for w in &simple.words {
            argv.extend(ex.fields(w).ok()?);
        }
        let name = argv.first()?;
        if substituted || sh::BUILTINS.contains(&name.as_str()) && name != "echo" {
            return None;
        }
        Some((assigns, argv))
    });
    let (argv0, program): (String, Box<dyn Program>) = match direct {
        Some((assigns, argv)) => {
            for (k, v) in assigns {
                match env.iter_mut().find(|(n, _)| *n == k) {
                    Some(e) => e.1 = v,
                    None => env.push((k, v)),
                }
            }
            let argv0 = argv[0].rsplit('/').next().unwrap_or("sh").to_string();
            (argv0, from_argv(argv, &env, pid, bb, flavour))
        }
        None => (
            flavour_name(flavour).to_string(),
            Box::new(sh::Shell::for_line(flavour, cmdline, env.clone(), pid)),
        ),
    };
    let netns = world.ns(ns);
    let name = format!("{}/{argv0}[{pid}]", netns.label);
    let process = Process {
        ns,
        program,
        expect,
    };
    let record = Proc {
        ns: Some(ns),
        pid,
        started_secs: now.as_nanos() / 1_000_000_000,
        cmd: cmdline.to_string(),
        env,
        ..Proc::default()
    };
    (name, process, record)
}

fn flavour_name(f: sh::Flavour) -> &'static str {
    match f {
        sh::Flavour::Bash => "bash",
        _ => "sh",
    }
}

/// Starts `cmdline` in namespace `ns` now; the process begins at the current instant, after
/// events already queued for it. Returns the process's actor id; its record is in
/// `sim.world.procs` (stdout, stderr, exit status once it exits).
pub fn start(sim: &mut Sim<Net>, ns: NsId, cmdline: &str, expect: Option<Expectation>) -> ActorId {
    start_with(sim, ns, cmdline, expect, true)
}

/// [`start`], keeping the process's output in its record only if `keep` (`Proc::keep`):
/// a scenario's steps keep only what their `expect` reads.
pub fn start_with(
    sim: &mut Sim<Net>,
    ns: NsId,
    cmdline: &str,
    expect: Option<Expectation>,
    keep: bool,
) -> ActorId {
    let now = sim.now();
    let (name, process, record) = prepare(&mut sim.world, ns, cmdline, expect, now);
    let id = sim.add(name, Box::new(process));
    sim.world.procs.insert(id, Proc { keep, ..record });
    sim.trace(
        id,
        TraceEvent::Exec {
            cmd: cmdline.to_string(),
        },
    );
    sim.schedule(Dur::ZERO, id, Msg::Start);
    id
}

/// Starts a DNS server for `zone` as a daemon of machine `ns` (a scenario's `dns_server`).
pub fn start_named(
    sim: &mut Sim<Net>,
    ns: NsId,
    zone: std::collections::BTreeMap<String, std::net::Ipv4Addr>,
) -> ActorId {
    let netns = sim.world.ns_mut(ns);
    let pid = netns.alloc_pid();
    let name = format!("{}/named[{pid}]", netns.label);
    let id = sim.add(
        name,
        Box::new(Process {
            ns,
            program: Box::new(named::Named { zone }),
            expect: None,
        }),
    );
    sim.world.procs.insert(
        id,
        Proc {
            ns: Some(ns),
            pid,
            daemon: true,
            cmd: "/usr/sbin/named -u named -c /etc/named.conf".into(),
            ..Proc::default()
        },
    );
    sim.schedule(Dur::ZERO, id, Msg::Start);
    id
}

/// Starts `cmdline` from inside the simulation (a container's command, started by dockerd).
pub fn spawn(cx: &mut Ctx<'_, Net>, ns: NsId, cmdline: &str) -> Option<ActorId> {
    // A container's main process: no terminal, as `ps` shows it.
    spawn_with(cx, ns, cmdline, true, None)
}

/// Starts `cmdline` in namespace `ns` as a child of the running process, which gets
/// `Msg::Exited` when it ends (`kubectl exec`).
pub fn spawn_child(cx: &mut Ctx<'_, Net>, ns: NsId, cmdline: &str) -> Option<ActorId> {
    let parent = cx.me();
    spawn_with(cx, ns, cmdline, false, Some(parent))
}

fn spawn_with(
    cx: &mut Ctx<'_, Net>,
    ns: NsId,
    cmdline: &str,
    daemon: bool,
    parent: Option<ActorId>,
) -> Option<ActorId> {
    let now = cx.now();
    let (name, process, record) = prepare(cx.world, ns, cmdline, None, now);
    let id = cx.spawn(name, Box::new(process))?;
    cx.world.procs.insert(
        id,
        Proc {
            daemon,
            parent,
            // What it prints goes to its parent's record (`print`), not its own.
            keep: false,
            ..record
        },
    );
    cx.trace_as(
        id,
        TraceEvent::Exec {
            cmd: cmdline.to_string(),
        },
    );
    cx.send(id, Msg::Start);
    Some(id)
}

/// Starts `argv` as a child of the running process (a shell's command), with its stdio
/// and environment; its record's `cmd` is `cmd`.
pub fn spawn_argv(
    cx: &mut Ctx<'_, Net>,
    ns: NsId,
    argv: Vec<String>,
    env: Vec<(String, String)>,
    stdio: [Fd; 3],
    cmd: String,
) -> Option<ActorId> {
    let netns = cx.world.ns_mut(ns);
    let pid = netns.alloc_pid();
    let bb = busybox(netns);
    let flavour = sh::Flavour::of_image(netns.image.as_deref());
    let argv0 = argv[0].rsplit('/').next().unwrap_or_default().to_string();
    let program = from_argv(argv, &env, pid, bb, flavour);
    spawn_as(cx, ns, pid, &argv0, program, env, stdio, cmd)
}

/// The program for `argv` in namespace `ns` with pid `pid` (a shell execs it).
pub fn program_for(
    cx: &mut Ctx<'_, Net>,
    ns: NsId,
    argv: Vec<String>,
    env: &[(String, String)],
    pid: u32,
) -> Box<dyn Program> {
    let netns = cx.world.ns(ns);
    let bb = busybox(netns);
    let flavour = sh::Flavour::of_image(netns.image.as_deref());
    from_argv(argv, env, pid, bb, flavour)
}

/// Starts `program` (a subshell) as a child of the running process, named `argv0`.
pub fn spawn_program(
    cx: &mut Ctx<'_, Net>,
    ns: NsId,
    argv0: &str,
    program: Box<dyn Program>,
    env: Vec<(String, String)>,
    stdio: [Fd; 3],
    cmd: String,
) -> Option<ActorId> {
    let pid = cx.world.ns_mut(ns).alloc_pid();
    spawn_as(cx, ns, pid, argv0, program, env, stdio, cmd)
}

#[allow(clippy::too_many_arguments)]
fn spawn_as(
    cx: &mut Ctx<'_, Net>,
    ns: NsId,
    pid: u32,
    argv0: &str,
    program: Box<dyn Program>,
    env: Vec<(String, String)>,
    stdio: [Fd; 3],
    cmd: String,
) -> Option<ActorId> {
    let name = format!("{}/{argv0}[{pid}]", cx.world.ns(ns).label);
    let parent = cx.me();
    let id = cx.spawn(
        name,
        Box::new(Process {
            ns,
            program,
            expect: None,
        }),
    )?;
    for fd in &stdio[1..] {
        if let Fd::Pipe(p) = fd
            && let Some(pipe) = cx.world.pipes.get_mut(p)
        {
            pipe.writers += 1;
        }
    }
    cx.world.procs.insert(
        id,
        Proc {
            ns: Some(ns),
            pid,
            started_secs: cx.now().as_nanos() / 1_000_000_000,
            cmd: cmd.clone(),
            parent: Some(parent),
            stdio,
            env,
            ..Proc::default()
        },
    );
    cx.trace_as(id, TraceEvent::Exec { cmd });
    cx.send(id, Msg::Start);
    Some(id)
}

/// Whether a command of that name exists here (a program of the table).
pub fn exists(argv0: &str) -> bool {
    lookup(argv0).is_some()
}

/// Writes text to a file descriptor: the terminal (traced, kept, logged), a pipe (its
/// reader gets it; with no reader left the writer gets SIGPIPE), a file, or nothing.
pub fn write_fd(cx: &mut Ctx<'_, Net>, fd: &Fd, stream: Stream, text: &str) {
    if text.is_empty() {
        return;
    }
    match fd {
        Fd::Terminal => terminal(cx, stream, text),
        Fd::Null => {}
        Fd::File { path, .. } => {
            let me = cx.me();
            if let Some(ns) = cx.world.procs.get(&me).and_then(|p| p.ns) {
                cx.world
                    .ns_mut(ns)
                    .files
                    .entry(path.clone())
                    .or_default()
                    .push_str(text);
            }
        }
        Fd::Pipe(p) => {
            let reader = cx.world.pipes.get(p).map(|p| p.reader);
            let alive =
                reader.is_some_and(|r| cx.world.procs.get(&r).is_some_and(|p| p.exit.is_none()));
            match reader {
                Some(r) if alive => cx.send(r, Msg::Stdin(*p, text.to_string())),
                _ => {
                    // No one reads the pipe any more: SIGPIPE ends the writer (128 + 13).
                    let me = cx.me();
                    if let Some(proc) = cx.world.procs.get_mut(&me) {
                        proc.killed.get_or_insert(141);
                    }
                }
            }
        }
    }
}

/// Closes a write end of pipe `p`: after the last one its reader reads end of file.
pub fn close_write(cx: &mut Ctx<'_, Net>, p: crate::net::PipeId) {
    if let Some(pipe) = cx.world.pipes.get_mut(&p) {
        pipe.writers = pipe.writers.saturating_sub(1);
        if pipe.writers == 0 {
            let r = pipe.reader;
            cx.world.pipes.remove(&p);
            cx.send(r, Msg::StdinEof(p));
        }
    }
}

/// A running program: every tool is one. It gets the process's events and returns
/// `Some(status)` when the process ends.
pub trait Program {
    fn handle(&mut self, msg: Msg, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32>;

    /// Whether it catches SIGTERM (`Msg::Stop` then goes to `handle`, as tcpdump prints
    /// its counts); otherwise the process ends at once with 143.
    fn catches_term(&self) -> bool {
        false
    }
}

/// What a program's constructor is given: its argv (`argv[0]` the name as typed), the
/// environment set for the command (`VAR=x cmd`), its pid, and its image's flavour.
pub struct Launch<'a> {
    pub argv: &'a [String],
    pub env: &'a [(String, String)],
    pub pid: u32,
    /// A busybox or alpine image: its tools are busybox's.
    pub busybox: bool,
    /// The machine's `/bin/sh`.
    pub sh: sh::Flavour,
}

/// A constructor: the program, or the message and status it ends with at once.
pub type Make = fn(&Launch<'_>) -> Result<Box<dyn Program>, (String, i32)>;

/// A command that prints and exits within its first event: (stdout, stderr, status).
pub type InstantFn = fn(&mut Ctx<'_, Net>, NsId, &[String]) -> (String, String, i32);

/// How a program of the table starts.
#[derive(Clone, Copy)]
pub enum Kind {
    Make(Make),
    Instant(InstantFn),
}

/// One row of the program table: the names it answers to (`argv[0]`'s last path part),
/// and how it starts.
pub struct Entry {
    pub names: &'static [&'static str],
    pub kind: Kind,
}

/// Implements [`Program`] for tools whose inherent `handle` has its signature.
macro_rules! programs {
    ($($t:ty),* $(,)?) => {
        $(impl Program for $t {
            fn handle(&mut self, msg: Msg, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
                <$t>::handle(self, msg, ns, cx)
            }
        })*
    };
}

programs!(
    xargs::Xargs,
    xargs::Watch,
    ping::Ping,
    bbping::BbPing,
    etcdctl::Etcdctl,
    kubectl::Kubectl,
    guestbook::Frontend,
    systemctl::Systemctl,
    redis::RedisServer,
    redis::RedisCli,
    http::Httpd,
    http::Client,
    nc::Nc,
    crate::k8s::coredns::CoreDns,
    nslookup::Nslookup,
    named::Named,
    dig::Dig,
    getent::Getent,
    docker::Docker,
    journalctl::Journalctl,
);

impl Program for tcpdump::Tcpdump {
    fn handle(&mut self, msg: Msg, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        tcpdump::Tcpdump::handle(self, msg, ns, cx)
    }

    fn catches_term(&self) -> bool {
        true
    }
}

/// `sleep DURATION`.
struct Sleep(Dur);

impl Program for Sleep {
    fn handle(&mut self, msg: Msg, _ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        match msg {
            Msg::Start => {
                cx.schedule(self.0, Msg::Timer(0));
                None
            }
            Msg::Timer(_) => Some(0),
            _ => None,
        }
    }
}

/// Prints a message to stderr and exits with the status.
struct Fail(String, i32);

impl Program for Fail {
    fn handle(&mut self, _msg: Msg, _ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        let text = format!("{}\n", self.0);
        print(cx, Stream::Stderr, &text);
        Some(self.1)
    }
}

/// An instant command (`ip`, `cat`, `ps`).
struct Instant {
    run: InstantFn,
    argv: Vec<String>,
}

impl Program for Instant {
    fn handle(&mut self, _msg: Msg, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        let (stdout, stderr, code) = (self.run)(cx, ns, &self.argv);
        print(cx, Stream::Stdout, &stdout);
        print(cx, Stream::Stderr, &stderr);
        Some(code)
    }
}

/// A text tool (`text::Filter`) as a process: its FILE operands, else its stdin (a pipe as
/// text arrives, a file's content, or end of file at once from a terminal or /dev/null).
struct Filtered(Box<dyn text::Filter>, Vec<String>);

impl Program for Filtered {
    fn handle(&mut self, msg: Msg, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        let me = cx.me();
        let stdin = cx
            .world
            .procs
            .get(&me)
            .map(|p| p.stdio[0].clone())
            .unwrap_or_default();
        let mut out = text::Out::default();
        if let Msg::Start = msg {
            // FILE operands may be the image's files too (`files::View`).
            let mut view = files::View::open(cx.world, ns, &self.1);
            let started = self.0.start(&mut view.files, &mut out);
            view.close(cx.world, ns);
            if started.is_some() {
                print(cx, Stream::Stdout, &out.stdout);
                print(cx, Stream::Stderr, &out.stderr);
                return started;
            }
        }
        let input = match (&msg, &stdin) {
            (Msg::Start, Fd::File { path, .. }) => Some(
                files::read(cx.world, ns, path)
                    .map(|t| t.into_owned())
                    .unwrap_or_default(),
            ),
            _ => None,
        };
        let files = &mut cx.world.ns_mut(ns).files;
        let status = match msg {
            Msg::Start => match (stdin, input) {
                (Fd::Pipe(_), _) => None,
                (_, Some(text)) => self
                    .0
                    .input(&text, files, &mut out)
                    .or_else(|| Some(self.0.end(files, &mut out))),
                _ => Some(self.0.end(files, &mut out)),
            },
            Msg::Stdin(_, text) => self.0.input(&text, files, &mut out),
            Msg::StdinEof(_) => Some(self.0.end(files, &mut out)),
            _ => None,
        };
        print(cx, Stream::Stdout, &out.stdout);
        print(cx, Stream::Stderr, &out.stderr);
        status
    }
}

/// Boxes a parsed program, or passes its error on.
fn boxed<P: Program + 'static>(
    r: Result<P, (String, i32)>,
) -> Result<Box<dyn Program>, (String, i32)> {
    r.map(|p| Box::new(p) as Box<dyn Program>)
}

/// The programs: one row per tool. A tool is added here, with its names and how it
/// starts.
pub static PROGRAMS: &[Entry] = &[
    Entry {
        names: &["ping"],
        kind: Kind::Make(|l| {
            if l.busybox {
                boxed(bbping::BbPing::parse(&l.argv[1..], l.pid))
            } else {
                boxed(ping::Ping::parse(&l.argv[1..], l.pid))
            }
        }),
    },
    Entry {
        names: &["apache2-foreground"],
        kind: Kind::Make(|_| Ok(Box::<guestbook::Frontend>::default())),
    },
    Entry {
        names: &["coredns"],
        kind: Kind::Make(|_| Ok(Box::<crate::k8s::coredns::CoreDns>::default())),
    },
    Entry {
        names: &["kube-dns"],
        kind: Kind::Make(|l| {
            Ok(Box::new(crate::k8s::coredns::CoreDns::kube_dns(
                &l.argv[1..],
            )))
        }),
    },
    Entry {
        names: &["dig"],
        kind: Kind::Make(|l| boxed(dig::Dig::parse(&l.argv[1..]))),
    },
    Entry {
        names: &["tcpdump"],
        kind: Kind::Make(|l| boxed(tcpdump::Tcpdump::parse(&l.argv[1..]))),
    },
    Entry {
        names: &["getent"],
        kind: Kind::Make(|l| boxed(getent::Getent::parse(&l.argv[1..]))),
    },
    Entry {
        names: &["nslookup"],
        kind: Kind::Make(|l| boxed(nslookup::Nslookup::parse(&l.argv[1..]))),
    },
    Entry {
        names: &["kubectl"],
        kind: Kind::Make(|l| boxed(kubectl::Kubectl::parse(&l.argv[1..], l.env))),
    },
    Entry {
        names: &["etcdctl"],
        kind: Kind::Make(|l| boxed(etcdctl::Etcdctl::parse(&l.argv[1..], l.env))),
    },
    Entry {
        names: &["redis-server"],
        kind: Kind::Make(|l| boxed(redis::RedisServer::parse(&l.argv[1..], l.pid))),
    },
    Entry {
        names: &["python3"],
        kind: Kind::Make(|l| {
            if l.argv.get(1).map(String::as_str) == Some("/usr/local/bin/demo.py") {
                Ok(Box::new(http::Httpd::demoapp()))
            } else {
                Err(("sh: python3: command not found".into(), 127))
            }
        }),
    },
    Entry {
        names: &["httpd"],
        kind: Kind::Make(|l| boxed(http::Httpd::parse(&l.argv[1..]))),
    },
    Entry {
        names: &["curl", "wget"],
        kind: Kind::Make(|l| {
            let curl = l.argv[0].rsplit('/').next() == Some("curl");
            boxed(http::Client::parse(curl, &l.argv[1..]))
        }),
    },
    Entry {
        names: &["nc"],
        kind: Kind::Make(|l| boxed(nc::Nc::parse(&l.argv[1..], None))),
    },
    Entry {
        names: &["sh", "bash", "ash"],
        kind: Kind::Make(|l| boxed(sh::Shell::from_launch(l))),
    },
    // coreutils' /bin/true and /bin/false (what xargs, watch and `env` run; a shell
    // has its builtins).
    Entry {
        names: &["true"],
        kind: Kind::Instant(|_, _, _| (String::new(), String::new(), 0)),
    },
    Entry {
        names: &["false"],
        kind: Kind::Instant(|_, _, _| (String::new(), String::new(), 1)),
    },
    Entry {
        names: &["xargs"],
        kind: Kind::Make(|l| boxed(xargs::Xargs::parse(l))),
    },
    Entry {
        names: &["watch"],
        kind: Kind::Make(|l| boxed(xargs::Watch::parse(&l.argv[1..]))),
    },
    Entry {
        names: &["sleep"],
        kind: Kind::Make(|l| boxed(http::sleep_duration(&l.argv[1..]).map(Sleep))),
    },
    Entry {
        names: &["redis-cli"],
        kind: Kind::Make(|l| boxed(redis::RedisCli::parse(&l.argv[1..]))),
    },
    Entry {
        names: &["systemctl"],
        kind: Kind::Make(|l| boxed(systemctl::Systemctl::parse(&l.argv[1..]))),
    },
    Entry {
        names: &["journalctl"],
        kind: Kind::Make(|l| boxed(journalctl::Journalctl::parse(&l.argv[1..]))),
    },
    Entry {
        names: &["docker"],
        kind: Kind::Make(|l| boxed(docker::Docker::parse(&l.argv[1..]))),
    },
    Entry {
        names: &["ip"],
        kind: Kind::Instant(|cx, ns, argv| ip::run(cx.world, ns, cx.now(), &argv[1..])),
    },
    Entry {
        names: &["ifconfig"],
        kind: Kind::Instant(|cx, ns, argv| ifconfig::run(cx.world.ns(ns), &argv[1..])),
    },
    Entry {
        names: &["bridge"],
        kind: Kind::Instant(|cx, ns, argv| bridge::run(cx.world.ns(ns), cx.now(), &argv[1..])),
    },
    Entry {
        names: &["iptables-save"],
        kind: Kind::Instant(|cx, ns, argv| iptables::save(cx.world.ns(ns), cx.now(), &argv[1..])),
    },
    Entry {
        names: &["iptables"],
        kind: Kind::Instant(|cx, ns, argv| iptables::iptables(cx.world.ns_mut(ns), &argv[1..])),
    },
    Entry {
        names: &["mk-docker-opts.sh"],
        kind: Kind::Instant(mkdockeropts::run),
    },
    Entry {
        names: &["ipset"],
        kind: Kind::Instant(|cx, ns, argv| ipset::run(cx.world.ns(ns), cx.now(), &argv[1..])),
    },
    Entry {
        names: &["conntrack"],
        kind: Kind::Instant(|cx, ns, argv| {
            iptables::conntrack(
                cx.world.ns(ns),
                cx.now(),
                cx.world.runtime.modern.contains(&ns),
                &argv[1..],
            )
        }),
    },
    Entry {
        names: &["ipvsadm"],
        kind: Kind::Instant(|cx, ns, argv| {
            iptables::ipvsadm(cx.world.ns(ns), cx.now(), &argv[1..])
        }),
    },
    Entry {
        names: &["ps"],
        kind: Kind::Instant(|cx, ns, argv| ps::run(cx.world, ns, &argv[1..])),
    },
    Entry {
        names: &["echo"],
        kind: Kind::Instant(|_, _, argv| (format!("{}\n", argv[1..].join(" ")), String::new(), 0)),
    },
    Entry {
        names: &["printenv", "env"],
        kind: Kind::Instant(|cx, ns, argv| printenv(cx, ns, &argv[0], &argv[1..])),
    },
    Entry {
        names: &["hostname"],
        kind: Kind::Instant(|cx, ns, argv| hostname(cx.world.ns(ns), &argv[1..])),
    },
    Entry {
        names: &["ss"],
        kind: Kind::Instant(|cx, ns, argv| ss::ss(cx.world, ns, &argv[1..])),
    },
    Entry {
        names: &["touch"],
        kind: Kind::Instant(touch),
    },
    Entry {
        names: &["rm"],
        kind: Kind::Instant(rm),
    },
    Entry {
        names: &["date"],
        kind: Kind::Instant(|cx, ns, argv| {
            text::date::run(cx.now(), &argv[1..], busybox(cx.world.ns(ns)))
        }),
    },
    // The text tools and generators (`grep FILE`, `seq 3`), as first commands.
    Entry {
        names: text::NAMES,
        kind: Kind::Make(|l| match text::parse(l.argv, l.busybox) {
            Some(Ok(f)) => Ok(Box::new(Filtered(f, l.argv[1..].to_vec()))),
            Some(Err(e)) => Err(e),
            None => Err((l.sh.not_found(&l.argv[0]), 127)),
        }),
    },
];

/// The table's row for a command name (`argv[0]`, a path's last part counts).
pub fn lookup(argv0: &str) -> Option<&'static Entry> {
    let name = argv0.rsplit('/').next().unwrap_or_default();
    PROGRAMS.iter().find(|e| e.names.contains(&name))
}

/// The program for `argv`, or a `Fail` with the shell's "command not found".
fn from_argv(
    argv: Vec<String>,
    env: &[(String, String)],
    pid: u32,
    busybox: bool,
    sh: sh::Flavour,
) -> Box<dyn Program> {
    let Some(entry) = lookup(&argv[0]) else {
        let other = argv[0].rsplit('/').next().unwrap_or_default();
        return Box::new(Fail(sh.not_found(other), 127));
    };
    match entry.kind {
        Kind::Instant(run) => Box::new(Instant { run, argv }),
        Kind::Make(make) => {
            let launch = Launch {
                argv: &argv,
                env,
                pid,
                busybox,
                sh,
            };
            make(&launch).unwrap_or_else(|(m, c)| Box::new(Fail(m, c)))
        }
    }
}

/// `hostname [-f]`: the machine's name (a pod's from `/etc/hostname`); with `-f` the
/// first name `/etc/hosts` gives the host's address line (its FQDN with a subdomain).
fn hostname(ns: &crate::net::Netns, args: &[String]) -> (String, String, i32) {
    let short = match ns.files.get("/etc/hostname") {
        Some(h) => h.trim().to_string(),
        None => ns.name.clone(),
    };
    match args.first().map(String::as_str) {
        None | Some("-s") => (format!("{short}\n"), String::new(), 0),
        Some("-f") => {
            let fqdn = ns
                .files
                .get("/etc/hosts")
                .and_then(|h| {
                    h.lines()
                        .map(|l| l.split_whitespace().collect::<Vec<_>>())
                        .find(|w| w.iter().skip(1).any(|n| *n == short))
                        .and_then(|w| w.get(1).map(|n| n.to_string()))
                })
                .unwrap_or_else(|| short.clone());
            (format!("{fqdn}\n"), String::new(), 0)
        }
        Some(a) => (
            String::new(),
            format!("hostname: option {a} is not simulated (-s, -f are)\n"),
            1,
        ),
    }
}

/// `printenv [NAME]` and `env`: what `docker exec` gives a process: PATH, HOSTNAME, the
/// container's environment (kubelet's), HOME, and `_` for printenv itself.
fn printenv(
    cx: &mut Ctx<'_, Net>,
    ns: NsId,
    argv0: &str,
    args: &[String],
) -> (String, String, i32) {
    // The process's own environment (what its shell exported); a process started without
    // one (a container's) has the machine's.
    let me = cx.me();
    let mut vars = match cx.world.procs.get(&me) {
        Some(p) if !p.env.is_empty() => p.env.clone(),
        _ => default_env(cx.world.ns(ns)),
    };
    match args.first() {
        Some(name) if argv0.ends_with("printenv") => match vars.iter().find(|(k, _)| k == name) {
            Some((_, v)) => (format!("{v}\n"), String::new(), 0),
            None => (String::new(), String::new(), 1),
        },
        Some(a) => (
            String::new(),
            format!(
                "env: running a command ({a}) is not simulated; `env` alone prints the environment\n"
            ),
            2,
        ),
        None => {
            let under = if argv0.ends_with("printenv") {
                "/usr/bin/printenv"
            } else {
                "/usr/bin/env"
            };
            vars.push(("_".into(), under.into()));
            let text: String = vars.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
            (text, String::new(), 0)
        }
    }
}

/// `touch PATH...`: an empty file where there was none (a readiness probe's `cat
/// /tmp/healthy` then passes).
fn touch(cx: &mut Ctx<'_, Net>, ns: NsId, argv: &[String]) -> (String, String, i32) {
    let files = &mut cx.world.ns_mut(ns).files;
    for p in argv[1..].iter().filter(|a| !a.starts_with('-')) {
        files.entry(p.clone()).or_default();
    }
    (String::new(), String::new(), 0)
}

/// `rm [-f] PATH...` of those files.
fn rm(cx: &mut Ctx<'_, Net>, ns: NsId, argv: &[String]) -> (String, String, i32) {
    let args = &argv[1..];
    let force = args.iter().any(|a| a == "-f" || a == "-rf");
    let netns = cx.world.ns_mut(ns);
    let (mut stderr, mut code) = (String::new(), 0);
    for p in args.iter().filter(|a| !a.starts_with('-')) {
        let removed = netns.files.remove(p).is_some() | netns.binary_files.remove(p).is_some();
        if !removed && !force {
            stderr.push_str(&format!(
                "rm: cannot remove '{p}': No such file or directory\n"
            ));
            code = 1;
        }
    }
    (String::new(), stderr, code)
}

/// A process: a program, where it runs, and what an `expect` step wants of it.
struct Process {
    ns: NsId,
    program: Box<dyn Program>,
    expect: Option<Expectation>,
}

impl Actor<Net> for Process {
    fn handle(&mut self, msg: Msg, cx: &mut Ctx<'_, Net>) {
        if let Msg::Stop = msg
            && !self.program.catches_term()
        {
            // SIGTERM (docker stopping its containers): 128 + 15.
            finish(cx, 143, self.expect.as_ref());
            return;
        }
        let me = cx.me();
        if let Msg::Start = msg
            && let Some(p) = cx.world.procs.get_mut(&me)
        {
            p.ran = true;
        }
        // SIGINT (Ctrl-C): the program's own handling (ping's statistics), else 130.
        let interrupt = matches!(msg, Msg::Interrupt);
        let mut status = self.program.handle(msg, self.ns, cx);
        if interrupt {
            status = status.or(Some(130));
        }
        // A signal it got while handling the event (SIGPIPE) ends it.
        if let Some(code) = cx.world.procs.get(&me).and_then(|p| p.killed) {
            status = Some(code);
        }
        if let Some(code) = status {
            finish(cx, code, self.expect.as_ref());
        }
    }
}

/// Writes text to the process's stdout or stderr: one trace event per line (a final line
/// without a newline is traced too), and kept in its record if it keeps output.
pub fn print(cx: &mut Ctx<'_, Net>, stream: Stream, text: &str) {
    let me = cx.me();
    let fd = cx
        .world
        .procs
        .get(&me)
        .map(|p| match stream {
            Stream::Stdout => p.stdio[1].clone(),
            Stream::Stderr => p.stdio[2].clone(),
        })
        .unwrap_or_default();
    write_fd(cx, &fd, stream, text);
}

/// Writes to the terminal the process was started with.
fn terminal(cx: &mut Ctx<'_, Net>, stream: Stream, text: &str) {
    // A child's stdio is its parent's (`kubectl exec` passes it through as it comes), so
    // its text lands in the record of the process at the top of its chain, as printed.
    let mut owner = cx.me();
    while let Some(parent) = cx.world.procs.get(&owner).and_then(|p| p.parent) {
        owner = parent;
    }
    if let Some(proc) = cx.world.procs.get_mut(&owner)
        && proc.keep
    {
        match stream {
            Stream::Stdout => proc.stdout.push_str(text),
            Stream::Stderr => proc.stderr.push_str(text),
        }
    }
    // A container's main process also writes its container's log (`kubectl logs`).
    crate::net::logs::write(cx, owner, stream, text);
    for line in text.lines() {
        cx.trace(TraceEvent::Output {
            stream,
            line: line.to_string(),
        });
    }
}

/// Ends the process with `code`, checks its expectation, and releases its sockets.
fn finish(cx: &mut Ctx<'_, Net>, code: i32, expect: Option<&Expectation>) {
    let me = cx.me();
    let proc = cx.world.procs.get_mut(&me).expect("process registered");
    proc.exit = Some(code);
    let stdio = proc.stdio.clone();
    if let Some(ns) = proc.ns {
        cx.world
            .ns_mut(ns)
            .icmp_sockets
            .retain(|_, owner| *owner != me);
        cx.world
            .ns_mut(ns)
            .udp_sockets
            .retain(|_, owner| *owner != me);
        crate::net::tcp::release(cx, ns, me);
        crate::net::capture::untap(cx, ns, me);
    }
    cx.trace(TraceEvent::Exit { code });
    // Its write ends of pipes close (the reader then reads end of file).
    for fd in &stdio[1..] {
        if let Fd::Pipe(p) = fd {
            close_write(cx, *p);
        }
    }
    crate::net::logs::ended(cx, me, code);
    // A container's main process: its container exited (`docker ps -a`).
    if cx.world.procs[&me].log.is_some() {
        let now = cx.now();
        crate::net::runtime::exited(cx.world, me, code, now);
    }
    let proc = &cx.world.procs[&me];
    for to in [proc.parent, proc.watcher].into_iter().flatten() {
        cx.send(to, Msg::Exited { child: me, code });
    }
    if let Some(expect) = expect {
        let proc = &cx.world.procs[&me];
        let cmd = proc.cmd.clone();
        let (ok, detail) = match expect.check(proc) {
            Ok(d) => (true, d),
            Err(d) => (false, d),
        };
        cx.trace(TraceEvent::Expect { cmd, ok, detail });
    }
    cx.exit();
}
