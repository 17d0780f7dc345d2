//! `sim-cli shell SCENARIO`: an interactive session in a running scenario. The scenario
//! runs to a time (`--at`), then each line typed runs in the current machine while the
//! simulated clock advances (a `ping -c 3` takes its two seconds), its output printed as
//! it happens; the timeline's own steps still run at their times and what they print is
//! shown. `kubectl exec -it POD -- sh`, `docker exec -it CONTAINER sh` and `ssh NODE`
//! move into another machine (a stack: `exit` comes back). Lines starting with `:` are
//! the session's own commands (`:help`).
//!
//! Two faces: on a terminal, line editing, history and completion (rustyline), the clock
//! paced by the wall clock while a command runs, and Ctrl-C for the command in front;
//! without one (stdin a pipe or a file), a transcript: the prompt, the line as read and
//! what it printed, the same bytes every time.

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use sim_core::engine::{ActorId, Dur, Record, Sim, SimTime, Sink};
use sim_core::net::{Net, NsId, World};
use sim_core::scenario::run::Started;
use sim_core::scenario::{Action, End, Live, Scenario};
use sim_core::trace::{self, TraceEvent};
use sim_core::wire::{L4, Packet, PacketId};

mod edit;

/// What `sim-cli shell` was given.
pub struct Args {
    pub scenario: PathBuf,
    pub on: Option<String>,
    pub at: Option<SimTime>,
    pub seed: Option<u64>,
    pub interrupt_after: Dur,
    pub max_events: u64,
}

/// What the session shows of the trace besides the timeline's steps (`:trace`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Show {
    Off,
    All,
    Packets,
    K8s,
    Dns,
}

impl Show {
    fn parse(s: &str) -> Option<Show> {
        Some(match s {
            "off" => Show::Off,
            "on" => Show::All,
            "packets" => Show::Packets,
            "k8s" => Show::K8s,
            "dns" => Show::Dns,
            _ => return None,
        })
    }
}

/// A trace record as the session saw it, rendered in the trace's text format.
struct Seen {
    actor: ActorId,
    event: TraceEvent,
    line: String,
}

/// The session's trace sink: it keeps what may be shown until the session looks, after
/// each event. With `:trace off` the packets' records are not even rendered.
#[derive(Clone)]
struct Tap {
    seen: Rc<RefCell<Vec<Seen>>>,
    show: Rc<Cell<Show>>,
}

impl Sink<TraceEvent> for Tap {
    fn record(&mut self, record: Record<TraceEvent>, names: &[String]) {
        let wanted = self.show.get() != Show::Off
            || matches!(
                record.event,
                TraceEvent::Exec { .. }
                    | TraceEvent::Output { .. }
                    | TraceEvent::Exit { .. }
                    | TraceEvent::Expect { .. }
                    | TraceEvent::Link { .. }
            );
        if wanted {
            let line = trace::text::line(&record, names);
            self.seen.borrow_mut().push(Seen {
                actor: record.actor,
                event: record.event,
                line,
            });
        }
    }
}

/// How the session came into a machine, so `exit` leaves it as the real tool would.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Via {
    /// Where the session began.
    Start,
    /// `kubectl exec -it`: kubectl reports a shell's non-zero exit.
    Kubectl,
    /// `docker exec -it`.
    Docker,
    /// `ssh NODE`: a login shell, `logout` and ssh's goodbye.
    Ssh(String),
}

/// A machine the session is in.
#[derive(Clone, Debug)]
struct Place {
    ns: NsId,
    /// `node/why-02`, `pod/frontend-0rzd1`.
    label: String,
    prompt: String,
    /// The shell is bash (it says `exit` when it ends).
    bash: bool,
    via: Via,
}

/// What to do after a line.
enum Flow {
    Go,
    End,
}

/// Where the session's lines come from.
trait Lines {
    /// The next line, `None` at the end of input (Ctrl-D).
    fn read(&mut self, prompt: &str, session: &Session) -> Read;
}

enum Read {
    Line(String),
    /// Ctrl-C at the prompt.
    Interrupted,
    Eof,
}

/// Lines from a pipe or a file, echoed after the prompt as a transcript.
struct Transcript<R: BufRead> {
    input: R,
}

impl<R: BufRead> Lines for Transcript<R> {
    fn read(&mut self, prompt: &str, session: &Session) -> Read {
        let mut line = String::new();
        match self.input.read_line(&mut line) {
            Ok(0) | Err(_) => {
                session.write(prompt);
                session.write("\n");
                Read::Eof
            }
            Ok(_) => {
                let line = line.trim_end_matches(['\n', '\r']).to_string();
                session.write(&format!("{prompt}{line}\n"));
                Read::Line(line)
            }
        }
    }
}

/// The running session.
pub(crate) struct Session<'a> {
    live: Live<'a>,
    scenario: &'a Scenario,
    seen: Rc<RefCell<Vec<Seen>>>,
    show: Rc<Cell<Show>>,
    /// Packets the `:trace dns` view follows (DNS queries and answers, and what wraps them).
    dns: RefCell<BTreeSet<PacketId>>,
    stack: Vec<Place>,
    out: RefCell<Box<dyn Write>>,
    terminal: bool,
    interrupt_after: Dur,
    ctrl_c: Arc<AtomicBool>,
    /// The commands run so far: what their background jobs (`tcpdump ... &`) print later
    /// lands in their records, and is shown as it comes.
    jobs: Vec<ActorId>,
}

/// The default machine: the Kubernetes master, else the first node.
fn default_machine(scenario: &Scenario) -> String {
    let i = scenario.kubernetes.as_ref().map_or(0, |k| k.master);
    format!("node/{}", scenario.nodes[i].name)
}

/// When the session starts by default: when the scenario's set-up has settled, taken to
/// be the time of its first `expect` step (by then its author expects the set-up to be
/// done and checks it), else of its last step, else 0. Steps at that time run after the
/// prompt, as the learner watches.
pub fn settled(scenario: &Scenario) -> SimTime {
    scenario
        .steps
        .iter()
        .find(|s| matches!(s.action, Action::Expect { .. }))
        .or(scenario.steps.last())
        .map_or(SimTime::ZERO, |s| s.at)
}

/// The namespace of machine `label` (`node/NAME`, `pod/NAME`) in the running world: the
/// newest of that name (a pod made again under its name runs in a new one).
fn find_machine(world: &World, label: &str) -> Option<NsId> {
    (0..world.netns.len())
        .map(|i| NsId(i as u32))
        .rfind(|n| world.ns(*n).label == label)
}

/// The prompt of a shell in machine `ns`: a node's is CentOS 7's bash
/// (`[root@why-02 ~]# `); in a pod the image decides: busybox's ash (`/ # `, its working
/// directory), a Debian image's bash (`root@POD:/data# `) or dash (`# `), another
/// image's bash as CentOS sets it (`[root@POD /]# `).
fn prompt(world: &World, ns: NsId, shell: &str) -> (String, bool) {
    let netns = world.ns(ns);
    let name = &netns.name;
    if netns.label.starts_with("node/") {
        return (format!("[root@{name} ~]# "), true);
    }
    let image = netns
        .image
        .as_deref()
        .and_then(sim_core::k8s::images::image);
    let workdir = image.map_or("/", |i| i.workdir);
    let workdir = if workdir.is_empty() { "/" } else { workdir };
    let reference = netns.image.as_deref().unwrap_or("");
    if reference.contains("busybox") || reference.contains("alpine") {
        return (format!("{workdir} # "), false);
    }
    let bash = shell.ends_with("bash");
    let debian = image.is_some_and(|i| {
        i.files
            .iter()
            .any(|(p, text)| *p == "/etc/os-release" && text.contains("ID=debian"))
    });
    if debian {
        if bash {
            return (format!("root@{name}:{workdir}# "), true);
        }
        return ("# ".to_string(), false);
    }
    let base = workdir.rsplit('/').find(|s| !s.is_empty()).unwrap_or("/");
    (format!("[root@{name} {base}]# "), true)
}

/// The shells a `kubectl exec -it` or `docker exec -it` may start for a session.
fn is_shell(word: &str) -> bool {
    matches!(
        word.rsplit('/').next().unwrap_or(word),
        "sh" | "bash" | "ash"
    )
}

/// A line that moves the session: where to, and the command that checks the way (run as
/// the real tool, so a missing pod fails in kubectl's words).
enum Move {
    Kubectl {
        pod: String,
        shell: String,
        probe: String,
    },
    Docker {
        container: String,
        shell: String,
        probe: String,
    },
    Ssh {
        host: String,
    },
}

/// Reads a line as a move, if it is one: `kubectl exec -it POD [-c C] -- SHELL`,
/// `docker exec -it CONTAINER SHELL`, `ssh [USER@]HOST`. With `-i`/`-t` missing or a
/// command that is not a shell, it is a plain command.
fn as_move(line: &str, on_node: bool) -> Option<Move> {
    let words = shell_words::split(line).ok()?;
    let interactive = |flags: &[String]| {
        let mut i = false;
        let mut t = false;
        for f in flags {
            match f.as_str() {
                "-it" | "-ti" => (i, t) = (true, true),
                "-i" | "--stdin" => i = true,
                "-t" | "--tty" => t = true,
                _ => {}
            }
        }
        i && t
    };
    let tty_flag = |w: &str| {
        matches!(
            w,
            "-it" | "-ti" | "-i" | "-t" | "--stdin" | "--tty" | "--stdin=true" | "--tty=true"
        )
    };
    match words.first().map(String::as_str) {
        Some("kubectl") if words.get(1).map(String::as_str) == Some("exec") => {
            let dash = words.iter().position(|w| w == "--")?;
            let (before, after) = (&words[2..dash], &words[dash + 1..]);
            if !interactive(before) || after.len() != 1 || !is_shell(&after[0]) {
                return None;
            }
            // The pod: the first word that is neither a flag nor a flag's value.
            let mut pod = None;
            let mut it = before.iter();
            while let Some(w) = it.next() {
                match w.as_str() {
                    "-c" | "--container" | "-n" | "--namespace" => {
                        it.next();
                    }
                    w if w.starts_with('-') => {}
                    w => {
                        pod.get_or_insert(w.to_string());
                    }
                }
            }
            let pod = pod?;
            let kept: Vec<String> = words[..dash]
                .iter()
                .filter(|w| !tty_flag(w))
                .cloned()
                .collect();
            let probe = format!("{} -- hostname", shell_words::join(kept));
            Some(Move::Kubectl {
                pod,
                shell: after[0].clone(),
                probe,
            })
        }
        Some("docker") if words.get(1).map(String::as_str) == Some("exec") => {
            let flags: Vec<String> = words[2..]
                .iter()
                .take_while(|w| w.starts_with('-'))
                .cloned()
                .collect();
            let rest = &words[2 + flags.len()..];
            if !interactive(&flags) || rest.len() != 2 || !is_shell(&rest[1]) {
                return None;
            }
            Some(Move::Docker {
                container: rest[0].clone(),
                shell: rest[1].clone(),
                probe: format!("docker exec {} hostname", shell_words::quote(&rest[0])),
            })
        }
        Some("ssh") if on_node && words.len() == 2 && !words[1].starts_with('-') => {
            let host = words[1].rsplit('@').next().unwrap_or(&words[1]).to_string();
            Some(Move::Ssh { host })
        }
        _ => None,
    }
}

pub fn main(args: Args) -> anyhow::Result<ExitCode> {
    let scenario = match super::load(&args.scenario, false, true) {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let at = args.at.unwrap_or_else(|| settled(&scenario));
    let on = args
        .on
        .clone()
        .unwrap_or_else(|| default_machine(&scenario));
    if !(on.starts_with("node/") || on.starts_with("pod/")) {
        say!("sim-cli: --on {on}: expected node/NAME or pod/NAME");
        return Ok(ExitCode::from(2));
    }
    let show = Rc::new(Cell::new(Show::Off));
    let seen = Rc::new(RefCell::new(Vec::new()));
    let tap = Tap {
        seen: seen.clone(),
        show: show.clone(),
    };
    let (live, end) = Live::start(&scenario, args.seed, at, args.max_events, Box::new(tap));
    if let End::Budget { at: t, .. } = end {
        say!(
            "sim-cli: the event budget (--max-events {}) ran out at {}s, before --at {at}; raise it with --max-events N",
            args.max_events,
            t.secs_micros()
        );
        return Ok(ExitCode::from(1));
    }
    seen.borrow_mut().clear();
    let world = &live.sim().world;
    let Some(ns) = find_machine(world, &on) else {
        let mut known: Vec<String> = world
            .netns
            .iter()
            .map(|n| n.label.clone())
            .filter(|l| l.starts_with("node/") || l.starts_with("pod/"))
            .collect();
        known.dedup();
        say!(
            "sim-cli: unknown machine `{on}` at {at}; expected one of: {}",
            known.join(", ")
        );
        return Ok(ExitCode::from(2));
    };
    let (prompt_text, bash) = prompt(world, ns, "bash");
    let terminal = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let ctrl_c = Arc::new(AtomicBool::new(false));
    if terminal {
        // Ctrl-C while a command runs is the command's, not the session's end.
        let _ = signal_hook::flag::register(signal_hook::consts::SIGINT, ctrl_c.clone());
    }
    let stdout = std::io::stdout();
    let out: Box<dyn Write> = if terminal {
        Box::new(stdout)
    } else {
        Box::new(std::io::BufWriter::new(stdout))
    };
    let mut session = Session {
        live,
        scenario: &scenario,
        seen,
        show,
        dns: RefCell::new(BTreeSet::new()),
        stack: vec![Place {
            ns,
            label: on.clone(),
            prompt: prompt_text,
            bash,
            via: Via::Start,
        }],
        out: RefCell::new(out),
        terminal,
        interrupt_after: args.interrupt_after,
        ctrl_c,
        jobs: Vec::new(),
    };
    session.write(&format!(
        "sim-cli shell: {} at {} on {on} (:help lists the session's commands; exit or Ctrl-D ends it)\n",
        scenario.name,
        session.live.now()
    ));
    let code = if terminal {
        let mut lines = edit::Editor::new(&session)?;
        session.repl(&mut lines)
    } else {
        let mut lines = Transcript {
            input: std::io::stdin().lock(),
        };
        session.repl(&mut lines)
    };
    session.flush_out();
    if let Some(report) = super::internal_error(
        &session.live.violations(),
        &scenario,
        sim_core::scenario::RunOptions {
            seed: args.seed,
            until: None,
            budget: args.max_events,
        },
    ) {
        let _ = write!(std::io::stderr(), "{report}");
        return Ok(ExitCode::from(3));
    }
    Ok(code)
}

impl<'a> Session<'a> {
    fn write(&self, text: &str) {
        let mut out = self.out.borrow_mut();
        let _ = out.write_all(text.as_bytes());
        if self.terminal {
            let _ = out.flush();
        }
    }

    fn flush_out(&self) {
        let _ = self.out.borrow_mut().flush();
    }

    fn here(&self) -> &Place {
        self.stack.last().expect("the session is somewhere")
    }

    /// Reads and runs lines until the session ends.
    fn repl(&mut self, lines: &mut dyn Lines) -> ExitCode {
        loop {
            self.flush_out();
            let prompt = self.here().prompt.clone();
            let line = match lines.read(&prompt, self) {
                Read::Line(l) => l,
                Read::Interrupted => {
                    // As bash: `^C`, a new prompt, the session goes on.
                    self.write("^C\n");
                    continue;
                }
                Read::Eof => {
                    if self.leave(0) {
                        continue;
                    }
                    return ExitCode::SUCCESS;
                }
            };
            if let Flow::End = self.line(&line) {
                return ExitCode::SUCCESS;
            }
        }
    }

    /// Leaves the current machine (`exit`, Ctrl-D); `false` at the session's first one,
    /// which ends it.
    fn leave(&mut self, code: i32) -> bool {
        if self.stack.len() == 1 {
            return false;
        }
        let place = self.stack.pop().expect("more than one");
        match &place.via {
            Via::Ssh(host) => self.write(&format!("logout\nConnection to {host} closed.\n")),
            Via::Kubectl => {
                if place.bash {
                    self.write("exit\n");
                }
                if code != 0 {
                    self.write(&format!("command terminated with exit code {code}\n"));
                }
            }
            Via::Docker | Via::Start => {
                if place.bash {
                    self.write("exit\n");
                }
            }
        }
        true
    }

    /// Runs one line.
    fn line(&mut self, line: &str) -> Flow {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            return Flow::Go;
        }
        if let Some(cmd) = trimmed.strip_prefix(':') {
            return self.colon(cmd);
        }
        let words = shell_words::split(trimmed).unwrap_or_default();
        if matches!(words.first().map(String::as_str), Some("exit" | "logout")) && words.len() <= 2
        {
            let code = match words.get(1).map(|w| w.parse::<i32>()) {
                None => 0,
                Some(Ok(n)) => n & 0xff,
                Some(Err(_)) => {
                    let e = format!("bash: exit: {}: numeric argument required\n", words[1]);
                    self.write(&e);
                    2
                }
            };
            return if self.leave(code) {
                Flow::Go
            } else {
                Flow::End
            };
        }
        let here = self.here().clone();
        match as_move(trimmed, here.label.starts_with("node/")) {
            Some(m) => self.go(m, &here),
            None => {
                self.foreground(here.ns, trimmed);
            }
        }
        Flow::Go
    }

    /// Moves into a pod or a node, if the way is open.
    fn go(&mut self, m: Move, here: &Place) {
        let (probe, shell, via) = match &m {
            Move::Kubectl { probe, shell, .. } => {
                (Some(probe.clone()), shell.clone(), Via::Kubectl)
            }
            Move::Docker { probe, shell, .. } => (Some(probe.clone()), shell.clone(), Via::Docker),
            Move::Ssh { host } => (None, "bash".to_string(), Via::Ssh(host.clone())),
        };
        if let Some(probe) = probe {
            // The real command, quietly: its errors are the tool's own.
            let (code, stderr) = self.quietly(here.ns, &probe);
            if code != Some(0) {
                self.write(&stderr);
                return;
            }
        }
        let world = &self.live.sim().world;
        let ns = match &m {
            Move::Kubectl { pod, .. } => find_machine(world, &format!("pod/{pod}")),
            Move::Docker { container, .. } => {
                sim_core::tools::docker::find(&world.runtime.containers, here.ns, container)
                    .map(|c| c.sandbox)
            }
            Move::Ssh { host } => self
                .scenario
                .nodes
                .iter()
                .position(|n| n.name == *host || n.addr.addr().to_string() == *host)
                .map(|i| NsId(i as u32)),
        };
        let Some(ns) = ns else {
            if let Move::Ssh { host } = &m {
                self.write(&format!(
                    "ssh: Could not resolve hostname {host}: Name or service not known\n"
                ));
            }
            return;
        };
        let label = world.ns(ns).label.clone();
        let (prompt, bash) = prompt(world, ns, &shell);
        if let Via::Ssh(_) = via {
            self.write(&format!(
                "Last login: {} from {}\n",
                sim_core::clock::ctime(self.live.now()),
                here.label.trim_start_matches("node/")
            ));
        }
        self.stack.push(Place {
            ns,
            label,
            prompt,
            bash,
            via,
        });
    }

    /// Runs `cmd` to its end without showing its output; its status and stderr.
    fn quietly(&mut self, ns: NsId, cmd: &str) -> (Option<i32>, String) {
        let id = self.live.command(ns, cmd);
        let limit = self.live.now() + self.interrupt_after;
        let mut stderr = String::new();
        let mut exit = None;
        self.live.run(limit, &mut |sim| {
            let (_, err, code) = Live::take_output(sim, id);
            stderr.push_str(&err);
            exit = code;
            code.is_some()
        });
        self.show_seen(None);
        (exit, stderr)
    }

    /// Runs a command in front: its output as it happens, until it exits or is
    /// interrupted (Ctrl-C on a terminal; without one, after `--interrupt-after`).
    fn foreground(&mut self, ns: NsId, cmd: &str) -> Option<i32> {
        let id = self.live.command(ns, cmd);
        let start = self.live.now();
        let wall = std::time::Instant::now();
        self.ctrl_c.store(false, Ordering::SeqCst);
        let mut interrupted = false;
        loop {
            let until = if interrupted {
                // What it does when stopped (ping's statistics) takes little time.
                self.live.now() + Dur::from_secs(10)
            } else if self.terminal {
                // The clock follows the wall clock, a millisecond at a time.
                let ms = wall.elapsed().as_millis() as u64;
                start + Dur::from_millis(ms)
            } else {
                start + self.interrupt_after
            };
            let ctrl_c = self.ctrl_c.clone();
            let mut exit = None;
            let mut out = Vec::new();
            let end = {
                let seen = &self.seen;
                let started = self.live.started().clone();
                let show = self.show.get();
                let dns = &self.dns;
                let out_ref = &mut out;
                let exit_ref = &mut exit;
                let jobs = &self.jobs;
                self.live.run(until, &mut |sim| {
                    shown(seen, &started, show, dns, sim, Some(id), out_ref);
                    background(sim, jobs, out_ref);
                    let (o, e, code) = Live::take_output(sim, id);
                    if !o.is_empty() {
                        out_ref.push((false, o));
                    }
                    if !e.is_empty() {
                        out_ref.push((true, e));
                    }
                    *exit_ref = code;
                    code.is_some() || (!interrupted && ctrl_c.load(Ordering::SeqCst))
                })
            };
            for (err, text) in out {
                if err && self.terminal {
                    let _ = std::io::stderr().write_all(text.as_bytes());
                } else {
                    self.write(&text);
                }
            }
            if exit.is_some() {
                self.jobs.push(id);
                return exit;
            }
            if interrupted {
                self.write(&format!(
                    "sim-cli: `{cmd}` did not end when interrupted; it goes on in the background\n"
                ));
                return None;
            }
            let budget = matches!(end, End::Budget { .. });
            if budget {
                self.write(&format!(
                    "sim-cli: `{cmd}` used up the event budget (--max-events) before {}; interrupting it\n",
                    until
                ));
            }
            let by_user = self.ctrl_c.swap(false, Ordering::SeqCst);
            if by_user || budget || (!self.terminal && self.live.now() >= until) {
                if !self.terminal {
                    // No terminal, no Ctrl-C: the session sends it after --interrupt-after.
                    self.write("^C\n");
                }
                interrupted = true;
                self.live.interrupt(id);
                continue;
            }
            if self.terminal {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        }
    }

    /// Shows what the trace recorded that this session shows (outside a command).
    fn show_seen(&mut self, fg: Option<ActorId>) {
        let mut out = Vec::new();
        let started = self.live.started().clone();
        shown(
            &self.seen,
            &started,
            self.show.get(),
            &self.dns,
            self.live.sim(),
            fg,
            &mut out,
        );
        for (_, text) in out {
            self.write(&text);
        }
    }

    /// A session command (`:time`, ...), without its colon.
    fn colon(&mut self, cmd: &str) -> Flow {
        let words: Vec<&str> = cmd.split_whitespace().collect();
        match words.as_slice() {
            ["help"] => self.write(HELP),
            ["time"] => {
                let now = self.live.now();
                self.write(&format!(
                    "{}s ({})\n",
                    now.secs_micros(),
                    sim_core::clock::datetime(now).format("%Y-%m-%d %H:%M:%S%.6f UTC")
                ));
            }
            ["advance", d] => match Dur::parse(d) {
                Ok(d) => {
                    let until = self.live.now() + d;
                    let seen = &self.seen;
                    let started = self.live.started().clone();
                    let show = self.show.get();
                    let dns = &self.dns;
                    let mut out = Vec::new();
                    let jobs = &self.jobs;
                    self.live.run(until, &mut |sim| {
                        shown(seen, &started, show, dns, sim, None, &mut out);
                        background(sim, jobs, &mut out);
                        false
                    });
                    for (_, text) in out {
                        self.write(&text);
                    }
                }
                Err(e) => self.write(&format!(":advance: {e}\n")),
            },
            ["advance"] => self.write(":advance: expected a duration, e.g. :advance 30s\n"),
            ["trace", what] => match Show::parse(what) {
                Some(s) => self.show.set(s),
                None => self.write(&format!(
                    ":trace: unknown view `{what}`; expected on, off, packets, k8s or dns\n"
                )),
            },
            ["trace"] => self.write(":trace: expected on, off, packets, k8s or dns\n"),
            ["explain", ..] => self
                .write(":explain: not here yet: it arrives with the explain issue (number 16)\n"),
            ["save", file] => self.save(file),
            ["save"] => self.write(":save: expected a file name, e.g. :save session.ron\n"),
            [] => self.write(": expected a session command after the colon; :help lists them\n"),
            [other, ..] => self.write(&format!(
                ":{other}: unknown session command; :help lists them\n"
            )),
        }
        Flow::Go
    }

    fn save(&mut self, _file: &str) {
        self.write(":save: not simulated yet\n");
    }
}

/// Takes the records seen since the last look and keeps the lines to show in `out`:
/// the timeline's steps (what they run and print, their checks, links going up or down)
/// always; with `:trace`, the records of that view; never the command in front's own
/// output, which is printed as it is.
fn shown(
    seen: &RefCell<Vec<Seen>>,
    started: &Started,
    show: Show,
    dns: &RefCell<BTreeSet<PacketId>>,
    sim: &Sim<Net>,
    fg: Option<ActorId>,
    out: &mut Vec<(bool, String)>,
) {
    let records = std::mem::take(&mut *seen.borrow_mut());
    let world = &sim.world;
    for r in records {
        let mine = fg.is_some_and(|fg| top(world, r.actor) == fg);
        let show_it = if mine {
            !matches!(r.event, TraceEvent::Output { .. })
                && show != Show::Off
                && view(show, &r.event, dns)
        } else if started.by_timeline(world, r.actor) || sim.name(r.actor) == "scenario" {
            true
        } else {
            view(show, &r.event, dns)
        };
        if show_it {
            out.push((false, format!("{}\n", r.line)));
        }
    }
}

/// What the session's earlier commands' background jobs printed since the last look.
fn background(sim: &mut Sim<Net>, jobs: &[ActorId], out: &mut Vec<(bool, String)>) {
    for &job in jobs {
        let (o, e, _) = Live::take_output(sim, job);
        for (err, text) in [(false, o), (true, e)] {
            if !text.is_empty() {
                out.push((err, text));
            }
        }
    }
}

/// The process at the top of `id`'s chain of parents.
fn top(world: &World, id: ActorId) -> ActorId {
    let mut at = id;
    while let Some(parent) = world.procs.get(&at).and_then(|p| p.parent) {
        at = parent;
    }
    at
}

/// Whether a `:trace` view shows an event.
fn view(show: Show, event: &TraceEvent, dns: &RefCell<BTreeSet<PacketId>>) -> bool {
    match show {
        Show::Off => false,
        Show::All => true,
        Show::K8s => matches!(event, TraceEvent::Etcd { .. } | TraceEvent::Log { .. }),
        Show::Packets => packet_of(event).is_some(),
        Show::Dns => {
            let mut dns = dns.borrow_mut();
            match event {
                TraceEvent::Sent { packet, .. }
                | TraceEvent::Received { packet, .. }
                | TraceEvent::Forwarded { packet, .. } => {
                    if is_dns(packet) || dns.contains(&packet.id) {
                        dns.insert(packet.id);
                        return true;
                    }
                    false
                }
                TraceEvent::Encap { inner, outer, .. } if dns.contains(inner) => {
                    dns.insert(*outer);
                    true
                }
                TraceEvent::Decap { outer, inner, .. } if dns.contains(outer) => {
                    dns.insert(*inner);
                    true
                }
                _ => packet_of(event).is_some_and(|p| dns.contains(&p)),
            }
        }
    }
}

/// A DNS query or answer: UDP or TCP to or from port 53.
fn is_dns(packet: &Packet) -> bool {
    match &packet.l4 {
        L4::Udp(u) => u.sport == 53 || u.dport == 53,
        L4::Tcp(t) => t.sport == 53 || t.dport == 53,
        L4::Icmp(_) => false,
    }
}

/// The packet a packet event is about.
fn packet_of(event: &TraceEvent) -> Option<PacketId> {
    Some(match event {
        TraceEvent::Sent { packet, .. }
        | TraceEvent::Received { packet, .. }
        | TraceEvent::Forwarded { packet, .. } => packet.id,
        TraceEvent::Nat { packet, .. }
        | TraceEvent::Queued { packet, .. }
        | TraceEvent::Bridged { packet, .. }
        | TraceEvent::Hop { packet, .. }
        | TraceEvent::Fragmented { packet, .. }
        | TraceEvent::Reassembled { packet, .. }
        | TraceEvent::Delivered { packet, .. }
        | TraceEvent::Dropped { packet, .. }
        | TraceEvent::Retransmit { packet, .. } => *packet,
        TraceEvent::Encap { outer, .. } => *outer,
        TraceEvent::Decap { inner, .. } => *inner,
        TraceEvent::ArpSent { .. } | TraceEvent::ArpReceived { .. } => PacketId(0),
        _ => return None,
    })
}

const HELP: &str = "\
The session's own commands (no real shell has them):
  :help                          this list
  :time                          the simulated time now
  :advance DURATION              let simulated time pass (:advance 30s), showing what the timeline prints
  :trace on|off|packets|k8s|dns  show the trace's lines of that kind while commands run (off: only the timeline's steps)
  :save FILE                     write the commands typed so far as a scenario that replays them
  :explain                       arrives with the explain issue (number 16)
Moving between machines: kubectl exec -it POD -- sh (or bash), docker exec -it CONTAINER sh,
ssh NODE; exit (or Ctrl-D) comes back, and at the first machine ends the session.
";
