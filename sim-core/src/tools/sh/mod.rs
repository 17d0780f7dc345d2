//! The shell: `sh`, `bash` and busybox's `ash`, as a process actor with an explicit
//! continuation stack (no threads). A simple command that is not a builtin runs as a child
//! process (the shell waits for its `Msg::Exited`); a pipeline's stages run as children
//! joined by pipes; `$(...)` runs in the shell with its stdout captured. Each flavour
//! words its errors as the real one does: bash (`bash: foo: command not found`), CentOS's
//! `/bin/sh` which is bash (`sh: foo: command not found`), Debian's dash (`sh: 1: foo: not
//! found`) and busybox's ash (`sh: foo: not found`).

pub mod arith;
pub mod expand;
pub mod parse;

use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

use crate::engine::{ActorId, Ctx, SimTime};
use crate::net::{Fd, Msg, Net, NsId, PipeId};
use crate::trace::Stream;
use expand::{Expander, Vars};
use parse::{Node, Redir, Simple, SyntaxError};

/// Which shell it is, for its error wording and its `echo`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavour {
    /// `bash`.
    Bash,
    /// `sh` on a machine whose `/bin/sh` is bash (CentOS): bash's words, named `sh`.
    BashSh,
    /// `sh` on Debian: dash.
    Dash,
    /// `sh` or `ash` in a busybox or alpine image.
    Ash,
}

/// Loop iterations at one simulated instant before the shell stops the loop.
pub const LOOP_BOUND: u32 = 1000;

impl Flavour {
    /// The machine's `/bin/sh`: busybox's ash in busybox and alpine images, dash in other
    /// images (Debian's), bash on the nodes (CentOS).
    pub fn of_image(image: Option<&str>) -> Flavour {
        match image {
            Some(i) if i.contains("busybox") || i.contains("alpine") => Flavour::Ash,
            Some(_) => Flavour::Dash,
            None => Flavour::BashSh,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Flavour::Bash => "bash",
            _ => "sh",
        }
    }

    /// What starts its error messages: `bash: `, `sh: 1: ` (dash), `sh: `.
    fn prefix(self) -> &'static str {
        match self {
            Flavour::Bash => "bash: ",
            Flavour::Dash => "sh: 1: ",
            _ => "sh: ",
        }
    }

    /// Its message for a command it cannot find (status 127).
    pub fn not_found(self, cmd: &str) -> String {
        match self {
            Flavour::Bash | Flavour::BashSh => format!("{}{cmd}: command not found", self.prefix()),
            Flavour::Dash | Flavour::Ash => format!("{}{cmd}: not found", self.prefix()),
        }
    }

    /// Its syntax error for `script` (`-c`'s).
    pub fn syntax(self, err: &SyntaxError, script: &str) -> String {
        let first = script.lines().next().unwrap_or_default();
        match (self, err) {
            (Flavour::Bash | Flavour::BashSh, SyntaxError::Near(t)) => format!(
                "{n}: -c: line 1: syntax error near unexpected token `{t}'\n{n}: -c: line 1: `{first}'",
                n = self.name()
            ),
            (Flavour::Bash | Flavour::BashSh, SyntaxError::End) => {
                format!(
                    "{}: -c: line 1: syntax error: unexpected end of file",
                    self.name()
                )
            }
            (Flavour::Bash | Flavour::BashSh, SyntaxError::Unterminated(q)) => format!(
                "{n}: -c: line 1: unexpected EOF while looking for matching `{q}'\n{n}: -c: line 2: syntax error: unexpected end of file",
                n = self.name()
            ),
            (Flavour::Dash, SyntaxError::Near(t)) => {
                format!("sh: 1: Syntax error: \"{t}\" unexpected")
            }
            (Flavour::Dash, SyntaxError::End) => {
                "sh: 1: Syntax error: end of file unexpected".into()
            }
            (Flavour::Dash, SyntaxError::Unterminated(_)) => {
                "sh: 1: Syntax error: Unterminated quoted string".into()
            }
            (Flavour::Ash, SyntaxError::Near(t)) => format!("sh: syntax error: unexpected \"{t}\""),
            (Flavour::Ash, SyntaxError::End) => "sh: syntax error: unexpected end of file".into(),
            (Flavour::Ash, SyntaxError::Unterminated(_)) => {
                "sh: syntax error: unterminated quoted string".into()
            }
        }
    }
}

/// The shell's builtins (run in the shell itself, no process).
pub const BUILTINS: &[&str] = &[
    ":", "true", "false", "echo", "cd", "pwd", "export", "unset", "set", "exit", "test", "[",
    "read", "wait", "jobs", "kill", "source", ".", "type", "command", "shift", "eval", "local",
    "return", "break", "continue",
];

/// What is left to do, innermost last.
enum Frame {
    Run(Rc<Node>),
    /// Run the node's expanding part with the last `n` command substitutions' outputs.
    Resolved(Rc<Node>, usize),
    /// A `$(...)` to run, and the end of one (its captured output becomes a result).
    Subst(String),
    SubstEnd([Fd; 3]),
    List(Rc<Node>, usize),
    AndOr(Rc<Node>, usize),
    Not,
    IfTest(Rc<Node>, usize),
    /// A loop's condition just ran; the body's last status.
    LoopTest(Rc<Node>, i32),
    /// A loop's body just ran.
    LoopNext(Rc<Node>),
    ForNext(Rc<Node>, Rc<Vec<String>>, usize),
    RestoreFds([Fd; 3], Box<Input>),
    /// A function's end: the caller's positional parameters.
    Return(Vec<String>),
}

/// The shell's stdin as it reads it (`read`).
#[derive(Clone, Debug, Default)]
struct Input {
    buf: String,
    eof: bool,
}

/// A background job.
struct Job {
    actor: ActorId,
    pid: u32,
    cmd: String,
}

pub struct Shell {
    flavour: Flavour,
    vars: Vars,
    funcs: BTreeMap<String, Rc<Node>>,
    /// The script, until it is parsed at start (`-c`), or read from stdin.
    script: Option<String>,
    script_from_stdin: bool,
    stack: Vec<Frame>,
    fds: [Fd; 3],
    input: Input,
    cwd: String,
    /// Open `$(...)` captures: the pipe and what came through it.
    captures: Vec<(PipeId, String)>,
    results: Vec<String>,
    fg: Vec<ActorId>,
    fg_last: Option<ActorId>,
    fg_status: i32,
    jobs: Vec<Job>,
    /// `wait`: for every job (`None`) or one pid.
    waiting: Option<Option<u32>>,
    /// `read`'s arguments while it waits for a line.
    reading: Option<Vec<String>>,
    exiting: Option<i32>,
    errexit: bool,
    xtrace: bool,
    /// The simulated instant and how many loop iterations ran in it.
    instant: (SimTime, u32),
    /// The program it became (`sh -c 'sleep 3600'` execs sleep, as the shells do for a
    /// script that is one simple command).
    exec: Option<Box<dyn super::Program>>,
}

/// What a builtin does.
enum Done {
    Status(i32),
    /// It waits for an event (`wait`, `read`).
    Wait,
}

impl Shell {
    /// `sh -c SCRIPT [NAME ARGS...]`, `sh FILE`, or `sh` reading its stdin.
    pub fn from_launch(l: &super::Launch<'_>) -> Result<Shell, (String, i32)> {
        let argv0 = l.argv[0].rsplit('/').next().unwrap_or_default();
        let flavour = match argv0 {
            "bash" if l.busybox => return Err((Flavour::Ash.not_found("bash"), 127)),
            "bash" => Flavour::Bash,
            "ash" => Flavour::Ash,
            _ => l.sh,
        };
        let mut sh = Shell::new(flavour, l.env.to_vec(), l.pid);
        let mut args = &l.argv[1..];
        while let Some(a) = args.first().filter(|a| a.starts_with('-') && a.len() > 1) {
            match a.as_str() {
                "-c" => break,
                "-e" => sh.errexit = true,
                "-x" => sh.xtrace = true,
                "-s" | "-i" | "-l" | "--login" => {}
                _ => {
                    return Err((format!("{}{a}: invalid option", flavour.prefix()), 2));
                }
            }
            args = &args[1..];
        }
        match args {
            [c, script, rest @ ..] if c == "-c" => {
                sh.script = Some(script.clone());
                if let Some((name, pos)) = rest.split_first() {
                    sh.vars.name = name.clone();
                    sh.vars.positional = pos.to_vec();
                }
            }
            [c] if c == "-c" => {
                return Err((
                    format!("{}-c: option requires an argument", flavour.prefix()),
                    2,
                ));
            }
            [] => sh.script_from_stdin = true,
            [file, rest @ ..] => {
                // `sh FILE`: read at start from the machine's files.
                sh.script = Some(format!(". {}", quote(file)));
                sh.vars.name = file.clone();
                sh.vars.positional = rest.to_vec();
            }
        }
        Ok(sh)
    }

    /// A shell that runs `script` (a line typed at a machine's prompt).
    pub fn for_line(flavour: Flavour, script: &str, env: Vec<(String, String)>, pid: u32) -> Shell {
        let mut sh = Shell::new(flavour, env, pid);
        sh.script = Some(script.to_string());
        sh
    }

    fn new(flavour: Flavour, env: Vec<(String, String)>, pid: u32) -> Shell {
        let mut vars = Vars {
            name: flavour.name().to_string(),
            pid,
            ..Vars::default()
        };
        for (k, v) in env {
            vars.set(&k, &v);
            vars.export(&k);
        }
        let cwd = vars.get("PWD").unwrap_or("/").to_string();
        Shell {
            flavour,
            vars,
            funcs: BTreeMap::new(),
            script: None,
            script_from_stdin: false,
            stack: Vec::new(),
            fds: Default::default(),
            input: Input::default(),
            cwd,
            captures: Vec::new(),
            results: Vec::new(),
            fg: Vec::new(),
            fg_last: None,
            fg_status: 0,
            jobs: Vec::new(),
            waiting: None,
            reading: None,
            exiting: None,
            errexit: false,
            xtrace: false,
            instant: (SimTime::ZERO, 0),
            exec: None,
        }
    }

    /// A subshell (a pipeline's stage, `( ... )`, a background job) running `node`.
    fn fork(&self, node: Rc<Node>) -> Shell {
        Shell {
            flavour: self.flavour,
            vars: self.vars.clone(),
            funcs: self.funcs.clone(),
            script: None,
            script_from_stdin: false,
            stack: vec![Frame::Run(node)],
            fds: Default::default(),
            input: Input::default(),
            cwd: self.cwd.clone(),
            captures: Vec::new(),
            results: Vec::new(),
            fg: Vec::new(),
            fg_last: None,
            fg_status: 0,
            jobs: Vec::new(),
            waiting: None,
            reading: None,
            exiting: None,
            errexit: self.errexit,
            xtrace: self.xtrace,
            instant: (SimTime::ZERO, 0),
            exec: None,
        }
    }

    fn err(&mut self, cx: &mut Ctx<'_, Net>, msg: &str) {
        let text = format!("{}{msg}\n", self.flavour.prefix());
        self.write(cx, 2, &text);
    }

    /// Writes to the shell's fd 1 or 2 as it is now (redirected, captured).
    fn write(&mut self, cx: &mut Ctx<'_, Net>, fd: usize, text: &str) {
        if let Fd::Pipe(p) = &self.fds[fd]
            && let Some(c) = self.captures.iter_mut().find(|c| c.0 == *p)
        {
            c.1.push_str(text);
            return;
        }
        let stream = if fd == 2 {
            Stream::Stderr
        } else {
            Stream::Stdout
        };
        let target = self.fds[fd].clone();
        super::write_fd(cx, &target, stream, text);
    }

    fn start(&mut self, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        let me = cx.me();
        if let Some(p) = cx.world.procs.get(&me) {
            self.fds = p.stdio.clone();
        }
        if self.vars.get("PWD").is_none() {
            self.cwd = super::files::cwd(cx.world, ns).to_string();
        }
        if self.script_from_stdin {
            match &self.fds[0] {
                Fd::Pipe(_) => return None,
                Fd::File { path, .. } => {
                    self.script =
                        Some(cx.world.ns(ns).files.get(path).cloned().unwrap_or_default());
                }
                Fd::Null => self.script = Some(String::new()),
                Fd::Terminal => {
                    self.err(
                        cx,
                        "an interactive shell is not simulated yet; run `sh -c 'COMMANDS'`",
                    );
                    return Some(1);
                }
            }
        }
        self.begin(ns, cx)
    }

    fn begin(&mut self, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        let script = self.script.take().unwrap_or_default();
        match parse::parse(&script) {
            Ok(node) => {
                if let Some(program) = self.exec_lone(&node, ns, cx) {
                    self.exec = Some(program);
                    return self.exec.as_mut().expect("set").handle(Msg::Start, ns, cx);
                }
                self.stack.push(Frame::Run(node));
            }
            Err(e) => {
                let text = format!("{}\n", self.flavour.syntax(&e, &script));
                self.write(cx, 2, &text);
                return Some(2);
            }
        }
        self.run(ns, cx)
    }

    /// The program a script of one simple command becomes (no builtin, function,
    /// redirection or command substitution in it), as a shell execs it.
    fn exec_lone(
        &mut self,
        node: &Node,
        ns: NsId,
        cx: &mut Ctx<'_, Net>,
    ) -> Option<Box<dyn super::Program>> {
        let s = parse::lone_command(node)?;
        let mut substituted = false;
        let mut subst = |_: &str| {
            substituted = true;
            String::new()
        };
        let mut vars = self.vars.clone();
        let mut ex = Expander {
            vars: &mut vars,
            subst: &mut subst,
        };
        let mut env = self.vars.environ();
        for (k, v) in &s.assigns {
            let v = ex.string(v).ok()?;
            match env.iter_mut().find(|(n, _)| n == k) {
                Some(e) => e.1 = v,
                None => env.push((k.clone(), v)),
            }
        }
        let mut argv = Vec::new();
        for w in &s.words {
            argv.extend(ex.fields(w).ok()?);
        }
        let name = argv.first()?;
        if substituted || BUILTINS.contains(&name.as_str()) || !super::exists(name) {
            return None;
        }
        let me = cx.me();
        if let Some(p) = cx.world.procs.get_mut(&me) {
            p.env = env.clone();
        }
        Some(super::program_for(cx, ns, argv, &env, self.vars.pid))
    }

    /// Runs frames until the shell waits for something or is done.
    fn run(&mut self, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        loop {
            if let Some(code) = self.exiting {
                return Some(code);
            }
            if !self.fg.is_empty() || self.waiting.is_some() || self.reading.is_some() {
                return None;
            }
            let Some(frame) = self.stack.pop() else {
                return Some(self.vars.status);
            };
            self.step(frame, ns, cx);
        }
    }

    fn step(&mut self, frame: Frame, ns: NsId, cx: &mut Ctx<'_, Net>) {
        match frame {
            Frame::Run(node) => self.exec(node, ns, cx),
            Frame::Resolved(node, n) => {
                let at = self.results.len() - n;
                let results: VecDeque<String> = self.results.split_off(at).into();
                self.resolved(node, results, ns, cx);
            }
            Frame::Subst(text) => match parse::parse(&text) {
                Ok(node) => {
                    let p = cx.world.pipe(cx.me());
                    // The shell holds a write end while the substitution runs.
                    if let Some(pipe) = cx.world.pipes.get_mut(&p) {
                        pipe.writers = 1;
                    }
                    self.captures.push((p, String::new()));
                    let saved = self.fds.clone();
                    self.fds[1] = Fd::Pipe(p);
                    self.stack.push(Frame::SubstEnd(saved));
                    self.stack.push(Frame::Run(node));
                }
                Err(e) => {
                    let text = format!("{}\n", self.flavour.syntax(&e, &text));
                    self.write(cx, 2, &text);
                    self.results.push(String::new());
                    self.vars.status = 2;
                }
            },
            Frame::SubstEnd(saved) => {
                let (p, text) = self.captures.pop().expect("a capture is open");
                self.fds = saved;
                super::close_write(cx, p);
                self.results.push(text);
            }
            Frame::List(node, i) => {
                let Node::List(items) = &*node else { return };
                if self.errexit && i > 0 && self.vars.status != 0 {
                    self.exiting = Some(self.vars.status);
                    return;
                }
                if let Some((item, bg)) = items.get(i) {
                    let (item, bg) = (item.clone(), *bg);
                    self.stack.push(Frame::List(node.clone(), i + 1));
                    if bg {
                        self.background(item, ns, cx);
                    } else {
                        self.stack.push(Frame::Run(item));
                    }
                }
            }
            Frame::AndOr(node, i) => {
                let Node::AndOr { rest, .. } = &*node else {
                    return;
                };
                if let Some((and, next)) = rest.get(i) {
                    let next = next.clone();
                    self.stack.push(Frame::AndOr(node.clone(), i + 1));
                    if *and == (self.vars.status == 0) {
                        self.stack.push(Frame::Run(next));
                    }
                }
            }
            Frame::Not => self.vars.status = i32::from(self.vars.status == 0),
            Frame::IfTest(node, i) => {
                let Node::If {
                    branches,
                    otherwise,
                } = &*node
                else {
                    return;
                };
                if self.vars.status == 0 {
                    self.stack.push(Frame::Run(branches[i].1.clone()));
                } else if let Some((cond, _)) = branches.get(i + 1) {
                    let cond = cond.clone();
                    self.stack.push(Frame::IfTest(node.clone(), i + 1));
                    self.stack.push(Frame::Run(cond));
                } else if let Some(o) = otherwise {
                    self.stack.push(Frame::Run(o.clone()));
                } else {
                    self.vars.status = 0;
                }
            }
            Frame::LoopTest(node, last) => {
                let Node::Loop { until, body, .. } = &*node else {
                    return;
                };
                if (self.vars.status == 0) != *until {
                    let body = body.clone();
                    self.stack.push(Frame::LoopNext(node.clone()));
                    self.stack.push(Frame::Run(body));
                } else {
                    self.vars.status = last;
                }
            }
            Frame::LoopNext(node) => {
                if self.bounded(cx) {
                    let Node::Loop { cond, .. } = &*node else {
                        return;
                    };
                    let cond = cond.clone();
                    self.stack
                        .push(Frame::LoopTest(node.clone(), self.vars.status));
                    self.stack.push(Frame::Run(cond));
                }
            }
            Frame::ForNext(node, items, i) => {
                let Node::For { var, body, .. } = &*node else {
                    return;
                };
                if i > 0 && !self.bounded(cx) {
                    return;
                }
                if let Some(v) = items.get(i) {
                    self.vars.set(var, v);
                    let body = body.clone();
                    self.stack
                        .push(Frame::ForNext(node.clone(), items.clone(), i + 1));
                    self.stack.push(Frame::Run(body));
                } else if items.is_empty() {
                    self.vars.status = 0;
                }
            }
            Frame::RestoreFds(fds, input) => {
                self.fds = fds;
                self.input = *input;
            }
            Frame::Return(pos) => self.vars.positional = pos,
        }
    }

    /// Counts a loop iteration; false (and the shell stops) past the bound at one instant.
    fn bounded(&mut self, cx: &mut Ctx<'_, Net>) -> bool {
        let now = cx.now();
        if self.instant.0 != now {
            self.instant = (now, 0);
        }
        self.instant.1 += 1;
        if self.instant.1 <= LOOP_BOUND {
            return true;
        }
        let msg = format!(
            "the simulator stopped this loop after {LOOP_BOUND} iterations at one simulated instant: nothing in it lets simulated time pass, so it would never end (put a command that takes time in it, such as `sleep 1`)"
        );
        self.err(cx, &msg);
        self.exiting = Some(1);
        false
    }

    /// Starts running `node`.
    fn exec(&mut self, node: Rc<Node>, ns: NsId, cx: &mut Ctx<'_, Net>) {
        match &*node {
            Node::Simple(_) | Node::For { .. } | Node::Case { .. } => {
                // Its command substitutions first, in order; then the node with their
                // outputs.
                let texts = self.substitutions(&node);
                self.stack.push(Frame::Resolved(node.clone(), texts.len()));
                for t in texts.into_iter().rev() {
                    self.stack.push(Frame::Subst(t));
                }
            }
            Node::Pipeline { bang, stages } => {
                if *bang {
                    self.stack.push(Frame::Not);
                }
                if stages.len() == 1 {
                    self.stack.push(Frame::Run(stages[0].clone()));
                } else {
                    self.pipeline(stages, ns, cx);
                }
            }
            Node::AndOr { first, .. } => {
                let first = first.clone();
                self.stack.push(Frame::AndOr(node.clone(), 0));
                self.stack.push(Frame::Run(first));
            }
            Node::List(_) => {
                self.vars.status = 0;
                self.stack.push(Frame::List(node.clone(), 0));
            }
            Node::If { branches, .. } => {
                let cond = branches[0].0.clone();
                self.stack.push(Frame::IfTest(node.clone(), 0));
                self.stack.push(Frame::Run(cond));
            }
            Node::Loop { cond, .. } => {
                let cond = cond.clone();
                self.stack.push(Frame::LoopTest(node.clone(), 0));
                self.stack.push(Frame::Run(cond));
            }
            Node::Group {
                body,
                subshell,
                redirs,
            } => {
                let Some((fds, input)) = self.redirect(redirs, ns, cx) else {
                    self.vars.status = 1;
                    return;
                };
                if *subshell {
                    let child = self.fork(body.clone());
                    self.spawn_shell(child, fds, ns, cx, true);
                    return;
                }
                let old = std::mem::replace(&mut self.fds, fds);
                let old_input = {
                    let new = input.unwrap_or_else(|| self.input.clone());
                    std::mem::replace(&mut self.input, new)
                };
                self.stack.push(Frame::RestoreFds(old, Box::new(old_input)));
                self.stack.push(Frame::Run(body.clone()));
            }
            Node::Function { name, body } => {
                self.funcs.insert(name.clone(), body.clone());
                self.vars.status = 0;
            }
        }
    }

    /// The texts of the command substitutions `node`'s words hold, in order.
    fn substitutions(&self, node: &Node) -> Vec<String> {
        let mut found = Vec::new();
        let mut vars = self.vars.clone();
        let mut collect = |s: &str| {
            found.push(s.to_string());
            String::new()
        };
        let mut ex = Expander {
            vars: &mut vars,
            subst: &mut collect,
        };
        match node {
            Node::Simple(s) => {
                for (_, v) in &s.assigns {
                    let _ = ex.string(v);
                }
                for w in &s.words {
                    let _ = ex.fields(w);
                }
                for r in &s.redirs {
                    if let Redir::File { target, .. } | Redir::Both { target, .. } = r {
                        let _ = ex.string(target);
                    }
                }
            }
            Node::For { words, .. } => {
                for w in words.iter().flatten() {
                    let _ = ex.fields(w);
                }
            }
            Node::Case { word, .. } => {
                let _ = ex.string(word);
            }
            _ => {}
        }
        found
    }

    /// Runs a simple command, `for` or `case` whose substitutions are done.
    fn resolved(
        &mut self,
        node: Rc<Node>,
        results: VecDeque<String>,
        ns: NsId,
        cx: &mut Ctx<'_, Net>,
    ) {
        let mut results = results;
        let mut next = |_: &str| results.pop_front().unwrap_or_default();
        match &*node {
            Node::Simple(s) => {
                let mut ex = Expander {
                    vars: &mut self.vars,
                    subst: &mut next,
                };
                let expanded: Result<(Vec<(String, String)>, Vec<String>), String> = (|| {
                    let mut assigns = Vec::new();
                    for (k, v) in &s.assigns {
                        assigns.push((k.clone(), ex.string(v)?));
                    }
                    let mut argv = Vec::new();
                    for w in &s.words {
                        argv.extend(ex.fields(w)?);
                    }
                    Ok((assigns, argv))
                })(
                );
                match expanded {
                    Ok((assigns, argv)) => self.simple(s, assigns, argv, ns, cx),
                    Err(e) => {
                        self.err(cx, &e);
                        self.vars.status = 1;
                    }
                }
            }
            Node::For { words, .. } => {
                let items = match words {
                    None => Ok(self.vars.positional.clone()),
                    Some(ws) => {
                        let mut ex = Expander {
                            vars: &mut self.vars,
                            subst: &mut next,
                        };
                        ws.iter()
                            .map(|w| ex.fields(w))
                            .collect::<Result<Vec<_>, _>>()
                            .map(|v| v.concat())
                    }
                };
                match items {
                    Ok(items) => self
                        .stack
                        .push(Frame::ForNext(node.clone(), Rc::new(items), 0)),
                    Err(e) => {
                        self.err(cx, &e);
                        self.vars.status = 1;
                    }
                }
            }
            Node::Case { word, items } => {
                let mut ex = Expander {
                    vars: &mut self.vars,
                    subst: &mut next,
                };
                let Ok(w) = ex.string(word) else {
                    self.vars.status = 1;
                    return;
                };
                for (pats, body) in items {
                    if pats
                        .iter()
                        .any(|p| ex.string(p).is_ok_and(|p| expand::fnmatch(&p, &w)))
                    {
                        match body {
                            Some(b) => self.stack.push(Frame::Run(b.clone())),
                            None => self.vars.status = 0,
                        }
                        return;
                    }
                }
                self.vars.status = 0;
            }
            _ => {}
        }
    }

    /// The fds (and the shell's own stdin) after `redirs`; `None` after printing why one
    /// failed.
    fn redirect(
        &mut self,
        redirs: &[Redir],
        ns: NsId,
        cx: &mut Ctx<'_, Net>,
    ) -> Option<([Fd; 3], Option<Input>)> {
        let mut fds = self.fds.clone();
        let mut input = None;
        for r in redirs {
            let target = |sh: &mut Shell, w: &str| {
                let mut none = |_: &str| String::new();
                let mut ex = Expander {
                    vars: &mut sh.vars,
                    subst: &mut none,
                };
                ex.string(w).map(|t| sh.path(&t))
            };
            match r {
                Redir::File {
                    fd,
                    read,
                    append,
                    target: w,
                } => {
                    let Ok(path) = target(self, w) else {
                        return None;
                    };
                    let fd = usize::try_from(*fd).ok().filter(|f| *f < 3)?;
                    let files = &mut cx.world.ns_mut(ns).files;
                    fds[fd] = if path == "/dev/null" {
                        if *read {
                            input = Some(Input {
                                buf: String::new(),
                                eof: true,
                            });
                        }
                        Fd::Null
                    } else if *read {
                        let Some(text) =
                            super::files::read(cx.world, ns, &path).map(|t| t.into_owned())
                        else {
                            let msg = match self.flavour {
                                Flavour::Bash | Flavour::BashSh => {
                                    format!("{path}: No such file or directory")
                                }
                                Flavour::Dash => format!("cannot open {path}: No such file"),
                                Flavour::Ash => {
                                    format!("can't open '{path}': No such file or directory")
                                }
                            };
                            self.err(cx, &msg);
                            return None;
                        };
                        input = Some(Input {
                            buf: text,
                            eof: true,
                        });
                        Fd::File {
                            path,
                            append: false,
                        }
                    } else {
                        if *append {
                            files.entry(path.clone()).or_default();
                        } else {
                            files.insert(path.clone(), String::new());
                        }
                        Fd::File {
                            path,
                            append: *append,
                        }
                    };
                }
                Redir::Both { target: w, append } => {
                    let Ok(path) = target(self, w) else {
                        return None;
                    };
                    let files = &mut cx.world.ns_mut(ns).files;
                    let fd = if path == "/dev/null" {
                        Fd::Null
                    } else {
                        if *append {
                            files.entry(path.clone()).or_default();
                        } else {
                            files.insert(path.clone(), String::new());
                        }
                        Fd::File {
                            path,
                            append: *append,
                        }
                    };
                    fds[1] = fd.clone();
                    fds[2] = fd;
                }
                Redir::Dup { fd, to } => {
                    let fd = usize::try_from(*fd).ok().filter(|f| *f < 3)?;
                    fds[fd] = match to.as_str() {
                        "-" => Fd::Null,
                        t => match t.parse::<usize>() {
                            Ok(n) if n < 3 => fds[n].clone(),
                            _ => {
                                self.err(cx, &format!("{t}: Bad file descriptor"));
                                return None;
                            }
                        },
                    };
                }
                Redir::Here { fd, text, expand } => {
                    let text = if *expand {
                        let mut none = |_: &str| String::new();
                        let mut ex = Expander {
                            vars: &mut self.vars,
                            subst: &mut none,
                        };
                        ex.string(text).unwrap_or_else(|_| text.clone())
                    } else {
                        text.clone()
                    };
                    let text = if text.ends_with('\n') {
                        text
                    } else {
                        format!("{text}\n")
                    };
                    if *fd == 0 {
                        // A here-document is a file the shell wrote for the command.
                        let path = format!("/tmp/sh-thd.{}", self.vars.pid);
                        cx.world.ns_mut(ns).files.insert(path.clone(), text.clone());
                        fds[0] = Fd::File {
                            path,
                            append: false,
                        };
                        input = Some(Input {
                            buf: text,
                            eof: true,
                        });
                    }
                }
            }
        }
        Some((fds, input))
    }

    /// A path as the shell's working directory resolves it.
    fn path(&self, p: &str) -> String {
        if p.starts_with('/') || p.is_empty() {
            p.to_string()
        } else if self.cwd == "/" {
            format!("/{p}")
        } else {
            format!("{}/{p}", self.cwd)
        }
    }

    fn simple(
        &mut self,
        s: &Simple,
        assigns: Vec<(String, String)>,
        argv: Vec<String>,
        ns: NsId,
        cx: &mut Ctx<'_, Net>,
    ) {
        if self.xtrace && !argv.is_empty() {
            let line = format!("+ {}\n", argv.join(" "));
            self.write(cx, 2, &line);
        }
        let Some((fds, input)) = self.redirect(&s.redirs, ns, cx) else {
            self.vars.status = 1;
            return;
        };
        if argv.is_empty() {
            for (k, v) in &assigns {
                self.vars.set(k, v);
            }
            // The status is the last command substitution's, else 0.
            if s.words.is_empty()
                && !s
                    .assigns
                    .iter()
                    .any(|(_, v)| v.contains("$(") || v.contains('`'))
            {
                self.vars.status = 0;
            }
            return;
        }
        let name = argv[0].clone();
        if let Some(body) = self.funcs.get(&name).cloned() {
            let old = std::mem::replace(&mut self.vars.positional, argv[1..].to_vec());
            self.stack.push(Frame::Return(old));
            let old_fds = std::mem::replace(&mut self.fds, fds);
            let old_input = {
                let new = input.unwrap_or_else(|| self.input.clone());
                std::mem::replace(&mut self.input, new)
            };
            self.stack
                .push(Frame::RestoreFds(old_fds, Box::new(old_input)));
            self.stack.push(Frame::Run(body));
            return;
        }
        if BUILTINS.contains(&name.as_str()) {
            // A builtin runs in the shell with the redirections for its duration.
            let old_fds = std::mem::replace(&mut self.fds, fds);
            let old_input = input.map(|i| std::mem::replace(&mut self.input, i));
            let special = matches!(
                name.as_str(),
                "export"
                    | "set"
                    | "unset"
                    | ":"
                    | "eval"
                    | "."
                    | "source"
                    | "exit"
                    | "shift"
                    | "return"
                    | "break"
                    | "continue"
                    | "local"
            );
            let mut saved = Vec::new();
            for (k, v) in &assigns {
                if !special {
                    saved.push((k.clone(), self.vars.get(k).map(str::to_string)));
                }
                self.vars.set(k, v);
            }
            let done = self.builtin(&argv, ns, cx);
            for (k, v) in saved {
                match v {
                    Some(v) => self.vars.set(&k, &v),
                    None => self.vars.unset(&k),
                }
            }
            self.fds = old_fds;
            if let Some(i) = old_input {
                if self.reading.is_some() {
                    // `read` waits on the redirected input: nothing more to read there.
                    self.reading = None;
                    self.vars.status = 1;
                }
                self.input = i;
            }
            if let Done::Status(c) = done {
                self.vars.status = c;
            }
            return;
        }
        let mut env = self.vars.environ();
        for (k, v) in assigns {
            match env.iter_mut().find(|(n, _)| *n == k) {
                Some(e) => e.1 = v,
                None => env.push((k, v)),
            }
        }
        if !super::exists(&name) {
            let msg = self.flavour.not_found(&name);
            self.write(cx, 2, &format!("{msg}\n"));
            self.vars.status = 127;
            return;
        }
        let cmd = argv.join(" ");
        match super::spawn_argv(cx, ns, argv, env, fds, cmd) {
            Some(id) => {
                self.fg = vec![id];
                self.fg_last = Some(id);
            }
            None => self.vars.status = 126,
        }
    }

    /// A child process for one pipeline stage or background job: the program itself for a
    /// plain simple command, else a subshell running the node.
    fn spawn_node(
        &mut self,
        node: Rc<Node>,
        stdio: [Fd; 3],
        ns: NsId,
        cx: &mut Ctx<'_, Net>,
    ) -> Option<ActorId> {
        if let Node::Simple(s) = &*node
            && s.redirs.is_empty()
            && self.substitutions(&node).is_empty()
        {
            let mut none = |_: &str| String::new();
            let mut ex = Expander {
                vars: &mut self.vars,
                subst: &mut none,
            };
            let argv: Option<Vec<String>> = s
                .words
                .iter()
                .map(|w| ex.fields(w))
                .collect::<Result<Vec<_>, _>>()
                .ok()
                .map(|v| v.concat());
            let assigns: Option<Vec<(String, String)>> = s
                .assigns
                .iter()
                .map(|(k, v)| ex.string(v).ok().map(|v| (k.clone(), v)))
                .collect();
            if let (Some(argv), Some(assigns)) = (argv, assigns)
                && let Some(name) = argv.first()
                && !BUILTINS.contains(&name.as_str())
                && !self.funcs.contains_key(name)
                && super::exists(name)
            {
                let mut env = self.vars.environ();
                env.extend(assigns);
                let cmd = argv.join(" ");
                return super::spawn_argv(cx, ns, argv, env, stdio, cmd);
            }
        }
        // A subshell's record names what it runs when that is one simple command.
        let what = match &*node {
            Node::Simple(s) => Some(s.words.join(" ")),
            _ => None,
        };
        let child = self.fork(node);
        self.spawn_shell_as(child, stdio, ns, cx, false, what)
    }

    /// Starts a subshell; `wait`s for it if `fg`.
    fn spawn_shell(
        &mut self,
        child: Shell,
        stdio: [Fd; 3],
        ns: NsId,
        cx: &mut Ctx<'_, Net>,
        fg: bool,
    ) -> Option<ActorId> {
        self.spawn_shell_as(child, stdio, ns, cx, fg, None)
    }

    fn spawn_shell_as(
        &mut self,
        child: Shell,
        stdio: [Fd; 3],
        ns: NsId,
        cx: &mut Ctx<'_, Net>,
        fg: bool,
        what: Option<String>,
    ) -> Option<ActorId> {
        let env = self.vars.environ();
        let cmd = what.unwrap_or_else(|| {
            cx.world
                .procs
                .get(&cx.me())
                .map(|p| p.cmd.clone())
                .unwrap_or_default()
        });
        let name = self.flavour.name();
        let id = super::spawn_program(cx, ns, name, Box::new(child), env, stdio, cmd);
        match id {
            Some(id) if fg => {
                self.fg = vec![id];
                self.fg_last = Some(id);
            }
            Some(_) => {}
            None => self.vars.status = 126,
        }
        id
    }

    fn pipeline(&mut self, stages: &[Rc<Node>], ns: NsId, cx: &mut Ctx<'_, Net>) {
        let me = cx.me();
        let pipes: Vec<PipeId> = (1..stages.len()).map(|_| cx.world.pipe(me)).collect();
        let mut ids = Vec::new();
        for (i, stage) in stages.iter().enumerate() {
            let stdin = if i == 0 {
                self.fds[0].clone()
            } else {
                Fd::Pipe(pipes[i - 1])
            };
            let stdout = match pipes.get(i) {
                Some(p) => Fd::Pipe(*p),
                None => self.fds[1].clone(),
            };
            let stdio = [stdin, stdout, self.fds[2].clone()];
            match self.spawn_node(stage.clone(), stdio, ns, cx) {
                Some(id) => {
                    if i > 0
                        && let Some(p) = cx.world.pipes.get_mut(&pipes[i - 1])
                    {
                        p.reader = id;
                    }
                    ids.push(id);
                }
                None => {
                    if i > 0 {
                        cx.world.pipes.remove(&pipes[i - 1]);
                    }
                }
            }
        }
        // A pipe no stage writes to: its reader reads end of file at once.
        for p in pipes {
            if let Some(pipe) = cx.world.pipes.get(&p)
                && pipe.writers == 0
            {
                let r = pipe.reader;
                cx.world.pipes.remove(&p);
                cx.send(r, Msg::StdinEof(p));
            }
        }
        self.fg_last = ids.last().copied();
        self.fg = ids;
        if self.fg.is_empty() {
            self.vars.status = 127;
        }
    }

    fn background(&mut self, node: Rc<Node>, ns: NsId, cx: &mut Ctx<'_, Net>) {
        let stdio = [Fd::Null, self.fds[1].clone(), self.fds[2].clone()];
        let cmd = "job".to_string();
        if let Some(id) = self.spawn_node(node, stdio, ns, cx) {
            let pid = cx.world.procs.get(&id).map_or(0, |p| p.pid);
            let cmd = cx.world.procs.get(&id).map_or(cmd, |p| p.cmd.clone());
            self.jobs.push(Job {
                actor: id,
                pid,
                cmd,
            });
            self.vars.last_bg = Some(pid);
        }
        self.vars.status = 0;
    }

    /// A child ended.
    fn exited(&mut self, child: ActorId, code: i32) {
        if let Some(i) = self.fg.iter().position(|c| *c == child) {
            self.fg.remove(i);
            if self.fg_last == Some(child) {
                self.fg_status = code;
            }
            if self.fg.is_empty() {
                self.vars.status = self.fg_status;
            }
            return;
        }
        if let Some(i) = self.jobs.iter().position(|j| j.actor == child) {
            let job = self.jobs.remove(i);
            match self.waiting {
                Some(Some(pid)) if pid == job.pid => {
                    self.waiting = None;
                    self.vars.status = code;
                }
                Some(None) if self.jobs.is_empty() => {
                    self.waiting = None;
                    self.vars.status = 0;
                }
                _ => {}
            }
        }
    }

    /// Runs a builtin.
    fn builtin(&mut self, argv: &[String], ns: NsId, cx: &mut Ctx<'_, Net>) -> Done {
        let args = &argv[1..];
        let name = argv[0].as_str();
        Done::Status(match name {
            ":" | "true" => 0,
            "false" => 1,
            "echo" => {
                let text = echo(self.flavour, args);
                self.write(cx, 1, &text);
                0
            }
            "pwd" => {
                let text = format!("{}\n", self.cwd);
                self.write(cx, 1, &text);
                0
            }
            "cd" => {
                let dir = match args.first() {
                    Some(d) if d == "-" => self.vars.get("OLDPWD").unwrap_or("/").to_string(),
                    Some(d) => self.path(d),
                    None => self.vars.get("HOME").unwrap_or("/root").to_string(),
                };
                let dir = normalize(&dir);
                let old = std::mem::replace(&mut self.cwd, dir.clone());
                self.vars.set("OLDPWD", &old);
                self.vars.set("PWD", &dir);
                0
            }
            "export" | "local" => {
                if args.is_empty() || args[0] == "-p" {
                    let text: String = self
                        .vars
                        .vars
                        .iter()
                        .filter(|v| v.exported)
                        .map(|v| match self.flavour {
                            Flavour::Bash | Flavour::BashSh => {
                                format!("declare -x {}=\"{}\"\n", v.name, v.value)
                            }
                            _ => format!("export {}='{}'\n", v.name, v.value),
                        })
                        .collect();
                    self.write(cx, 1, &text);
                    return Done::Status(0);
                }
                for a in args {
                    let (k, v) = match a.split_once('=') {
                        Some((k, v)) => (k, Some(v)),
                        None => (a.as_str(), None),
                    };
                    if let Some(v) = v {
                        self.vars.set(k, v);
                    }
                    if name == "export" {
                        self.vars.export(k);
                    } else if v.is_none() && self.vars.get(k).is_none() {
                        self.vars.set(k, "");
                    }
                }
                0
            }
            "unset" => {
                for a in args.iter().filter(|a| !a.starts_with('-')) {
                    self.vars.unset(a);
                    self.funcs.remove(a);
                }
                0
            }
            "set" => self.set(args, cx),
            "shift" => {
                let n = args
                    .first()
                    .and_then(|a| a.parse::<usize>().ok())
                    .unwrap_or(1);
                if n > self.vars.positional.len() {
                    1
                } else {
                    self.vars.positional.drain(..n);
                    0
                }
            }
            "exit" => {
                let code = match args.first() {
                    None => self.vars.status,
                    Some(a) => match a.parse::<i64>() {
                        Ok(n) => (n & 0xff) as i32,
                        Err(_) => {
                            let msg = match self.flavour {
                                Flavour::Bash | Flavour::BashSh => {
                                    format!("exit: {a}: numeric argument required")
                                }
                                _ => format!("exit: Illegal number: {a}"),
                            };
                            self.err(cx, &msg);
                            2
                        }
                    },
                };
                self.exiting = Some(code);
                code
            }
            "return" => {
                let code = args
                    .first()
                    .and_then(|a| a.parse::<i32>().ok())
                    .unwrap_or(self.vars.status);
                while let Some(f) = self.stack.pop() {
                    match f {
                        Frame::Return(pos) => {
                            self.vars.positional = pos;
                            break;
                        }
                        Frame::RestoreFds(fds, input) => {
                            self.fds = fds;
                            self.input = *input;
                        }
                        _ => {}
                    }
                }
                code
            }
            "break" | "continue" => {
                let mut n = args
                    .first()
                    .and_then(|a| a.parse::<usize>().ok())
                    .unwrap_or(1);
                while let Some(f) = self.stack.pop() {
                    match f {
                        Frame::LoopNext(_) | Frame::ForNext(..) => {
                            n -= 1;
                            if n == 0 {
                                if name == "continue" {
                                    self.stack.push(f);
                                }
                                break;
                            }
                        }
                        Frame::RestoreFds(fds, input) => {
                            self.fds = fds;
                            self.input = *input;
                        }
                        Frame::Return(pos) => {
                            self.stack.push(Frame::Return(pos));
                            break;
                        }
                        _ => {}
                    }
                }
                0
            }
            "test" | "[" => {
                let mut a: Vec<&str> = args.iter().map(String::as_str).collect();
                if name == "[" {
                    if a.last() != Some(&"]") {
                        let msg = match self.flavour {
                            Flavour::Bash | Flavour::BashSh => "[: missing `]'".to_string(),
                            _ => "[: missing ]".to_string(),
                        };
                        self.err(cx, &msg);
                        return Done::Status(2);
                    }
                    a.pop();
                }
                let files = &cx.world.ns(ns).files;
                match test(&a, files) {
                    Ok(b) => i32::from(!b),
                    Err(m) => {
                        self.err(cx, &format!("{name}: {m}"));
                        2
                    }
                }
            }
            "read" => {
                let vars: Vec<String> = args
                    .iter()
                    .filter(|a| !a.starts_with('-'))
                    .cloned()
                    .collect();
                if !self.input.eof
                    && !self.input.buf.contains('\n')
                    && matches!(self.fds[0], Fd::Pipe(_))
                {
                    self.reading = Some(vars);
                    return Done::Wait;
                }
                if !matches!(self.fds[0], Fd::Pipe(_) | Fd::File { .. })
                    && self.input.buf.is_empty()
                {
                    return Done::Status(1);
                }
                self.read(&vars)
            }
            "wait" => match args.first() {
                None if self.jobs.is_empty() => 0,
                None => {
                    self.waiting = Some(None);
                    return Done::Wait;
                }
                Some(p) => match p.parse::<u32>() {
                    Ok(pid) if self.jobs.iter().any(|j| j.pid == pid) => {
                        self.waiting = Some(Some(pid));
                        return Done::Wait;
                    }
                    _ => 127,
                },
            },
            "jobs" => {
                let text: String = self
                    .jobs
                    .iter()
                    .enumerate()
                    .map(|(i, j)| {
                        let mark = if i + 1 == self.jobs.len() {
                            '+'
                        } else if i + 2 == self.jobs.len() {
                            '-'
                        } else {
                            ' '
                        };
                        format!("[{}]{mark}  Running                 {} &\n", i + 1, j.cmd)
                    })
                    .collect();
                self.write(cx, 1, &text);
                0
            }
            "kill" => self.kill(args, ns, cx),
            "source" | "." => {
                let Some(file) = args.first() else {
                    self.err(cx, &format!("{name}: filename argument required"));
                    return Done::Status(2);
                };
                let path = self.path(file);
                let Some(text) = super::files::read(cx.world, ns, &path).map(|t| t.into_owned())
                else {
                    let msg = match self.flavour {
                        Flavour::Bash | Flavour::BashSh => {
                            format!("{file}: No such file or directory")
                        }
                        Flavour::Dash => format!("{name}: cannot open {file}: No such file"),
                        Flavour::Ash => {
                            format!("{name}: can't open '{file}': No such file or directory")
                        }
                    };
                    self.err(cx, &msg);
                    return Done::Status(if name == "." { 2 } else { 1 });
                };
                return self.eval(&text, cx);
            }
            "eval" => return self.eval(&args.join(" "), cx),
            "type" | "command" => {
                let (verbose, names) = match (name, args.first().map(String::as_str)) {
                    ("command", Some("-v")) => (false, &args[1..]),
                    ("command", Some("-V")) | ("type", _) => {
                        (true, if name == "type" { args } else { &args[1..] })
                    }
                    _ => {
                        self.err(cx, "command: running a command through `command` is not simulated yet; -v and -V are");
                        return Done::Status(2);
                    }
                };
                let mut code = 0;
                for n in names {
                    let line = if BUILTINS.contains(&n.as_str()) {
                        if verbose {
                            format!("{n} is a shell builtin\n")
                        } else {
                            format!("{n}\n")
                        }
                    } else if self.funcs.contains_key(n) {
                        if verbose {
                            format!("{n} is a function\n")
                        } else {
                            format!("{n}\n")
                        }
                    } else if super::exists(n) {
                        let p = format!("/usr/bin/{}", n.rsplit('/').next().unwrap_or_default());
                        if verbose {
                            format!("{n} is {p}\n")
                        } else {
                            format!("{p}\n")
                        }
                    } else {
                        code = 1;
                        if verbose {
                            let msg = match self.flavour {
                                Flavour::Bash | Flavour::BashSh => format!("type: {n}: not found"),
                                _ => format!("{n}: not found"),
                            };
                            self.err(cx, &msg);
                        }
                        continue;
                    };
                    self.write(cx, 1, &line);
                }
                code
            }
            _ => unreachable!("{name} is a builtin"),
        })
    }

    /// `eval` and `.`: the text parsed and run in this shell.
    fn eval(&mut self, text: &str, cx: &mut Ctx<'_, Net>) -> Done {
        match parse::parse(text) {
            Ok(node) => {
                self.stack.push(Frame::Run(node));
                Done::Status(0)
            }
            Err(e) => {
                let msg = format!("{}\n", self.flavour.syntax(&e, text));
                self.write(cx, 2, &msg);
                Done::Status(2)
            }
        }
    }

    fn set(&mut self, args: &[String], cx: &mut Ctx<'_, Net>) -> i32 {
        if args.is_empty() {
            let mut vars: Vec<_> = self.vars.vars.clone();
            vars.sort_by(|a, b| a.name.cmp(&b.name));
            let text: String = vars
                .iter()
                .map(|v| format!("{}='{}'\n", v.name, v.value))
                .collect();
            self.write(cx, 1, &text);
            return 0;
        }
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "--" => {
                    self.vars.positional = it.cloned().collect();
                    return 0;
                }
                "-e" => self.errexit = true,
                "+e" => self.errexit = false,
                "-x" => self.xtrace = true,
                "+x" => self.xtrace = false,
                "-u" | "+u" | "-o" | "+o" | "pipefail" | "-f" | "+f" => {}
                a if !a.starts_with('-') && !a.starts_with('+') => {
                    self.vars.positional =
                        std::iter::once(a.to_string()).chain(it.cloned()).collect();
                    return 0;
                }
                other => {
                    self.err(
                        cx,
                        &format!("set: {other}: not simulated yet (-e, -x and -- are)"),
                    );
                    return 2;
                }
            }
        }
        0
    }

    fn kill(&mut self, args: &[String], ns: NsId, cx: &mut Ctx<'_, Net>) -> i32 {
        let (sig, targets) = match args.first().map(String::as_str) {
            Some(s) if s.starts_with('-') && s.len() > 1 => (&s[1..], &args[1..]),
            _ => ("TERM", args),
        };
        let msg = match sig {
            "TERM" | "15" | "KILL" | "9" | "SIGTERM" | "SIGKILL" => Msg::Stop,
            "INT" | "2" | "SIGINT" => Msg::Interrupt,
            other => {
                self.err(
                    cx,
                    &format!("kill: signal {other} is not simulated yet (TERM, KILL, INT are)"),
                );
                return 1;
            }
        };
        if targets.is_empty() {
            self.err(cx, "kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]");
            return 2;
        }
        let mut code = 0;
        for t in targets {
            let pid = match t.strip_prefix('%') {
                Some(n) => n
                    .parse::<usize>()
                    .ok()
                    .and_then(|n| self.jobs.get(n.wrapping_sub(1)))
                    .map(|j| j.pid),
                None => t.parse::<u32>().ok(),
            };
            let actor = pid.and_then(|pid| {
                cx.world
                    .procs
                    .iter()
                    .find(|(_, p)| p.ns == Some(ns) && p.pid == pid && p.exit.is_none())
                    .map(|(id, _)| *id)
            });
            match actor {
                Some(a) => cx.send(a, msg.clone_signal()),
                None => {
                    let m = match self.flavour {
                        Flavour::Bash | Flavour::BashSh => format!("kill: ({t}) - No such process"),
                        Flavour::Dash => format!("kill: No such process"),
                        Flavour::Ash => format!("kill: can't kill pid {t}: No such process"),
                    };
                    self.err(cx, &m);
                    code = 1;
                }
            }
        }
        code
    }

    /// `read VAR...`: a line of the input split into the variables.
    fn read(&mut self, vars: &[String]) -> i32 {
        let (line, code) = match self.input.buf.find('\n') {
            Some(i) => {
                let line: String = self.input.buf.drain(..=i).collect();
                (line[..i].to_string(), 0)
            }
            None if self.input.buf.is_empty() => (String::new(), 1),
            None => (std::mem::take(&mut self.input.buf), 1),
        };
        let names: Vec<String> = if vars.is_empty() {
            vec!["REPLY".into()]
        } else {
            vars.to_vec()
        };
        let mut words: Vec<&str> = line.split_whitespace().collect();
        for (i, n) in names.iter().enumerate() {
            let v = if i + 1 == names.len() {
                let rest = words.join(" ");
                words.clear();
                rest
            } else if words.is_empty() {
                String::new()
            } else {
                words.remove(0).to_string()
            };
            self.vars.set(n, &v);
        }
        code
    }
}

impl Msg {
    fn clone_signal(&self) -> Msg {
        match self {
            Msg::Interrupt => Msg::Interrupt,
            _ => Msg::Stop,
        }
    }
}

impl super::Program for Shell {
    /// A shell ends its foreground job with it; what it exec'd catches it or not.
    fn catches_term(&self) -> bool {
        self.exec.as_ref().is_none_or(|p| p.catches_term())
    }

    fn handle(&mut self, msg: Msg, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        if let Some(p) = &mut self.exec {
            return p.handle(msg, ns, cx);
        }
        if matches!(msg, Msg::Stop) && !self.fg.is_empty() {
            // SIGTERM reaches the foreground job too.
            for c in self.fg.clone() {
                cx.send(c, Msg::Stop);
            }
            return Some(143);
        }
        match msg {
            Msg::Start => self.start(ns, cx),
            Msg::Exited { child, code } => {
                self.exited(child, code);
                self.run(ns, cx)
            }
            Msg::Stdin(p, text) => {
                if let Some(c) = self.captures.iter_mut().find(|c| c.0 == p) {
                    c.1.push_str(&text);
                    return None;
                }
                self.input.buf.push_str(&text);
                self.resume_read(ns, cx)
            }
            Msg::StdinEof(p) => {
                if self.captures.iter().any(|c| c.0 == p) {
                    return None;
                }
                self.input.eof = true;
                if self.script_from_stdin && self.script.is_none() {
                    self.script_from_stdin = false;
                    self.script = Some(std::mem::take(&mut self.input.buf));
                    return self.begin(ns, cx);
                }
                self.resume_read(ns, cx)
            }
            Msg::Stop => Some(143),
            Msg::Interrupt => {
                // The signal reaches the foreground job too (its process group).
                let sig = msg.clone_signal();
                for c in self.fg.clone() {
                    cx.send(c, sig.clone_signal());
                }
                Some(if matches!(sig, Msg::Interrupt) {
                    130
                } else {
                    143
                })
            }
            _ => None,
        }
    }
}

impl Shell {
    fn resume_read(&mut self, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        if self.script_from_stdin {
            return None;
        }
        let Some(vars) = self.reading.clone() else {
            return None;
        };
        if self.input.buf.contains('\n') || self.input.eof {
            self.reading = None;
            self.vars.status = self.read(&vars);
            return self.run(ns, cx);
        }
        None
    }
}

/// The shell's `echo`: dash's interprets backslash escapes and knows only `-n`; bash's and
/// busybox's take `-n`, `-e`, `-E` and print backslashes as they are unless `-e`.
fn echo(flavour: Flavour, args: &[String]) -> String {
    let mut newline = true;
    let mut escapes = flavour == Flavour::Dash;
    let mut i = 0;
    while let Some(a) = args.get(i) {
        let opts = a.strip_prefix('-').filter(|o| {
            !o.is_empty()
                && o.chars().all(|c| {
                    if flavour == Flavour::Dash {
                        c == 'n'
                    } else {
                        matches!(c, 'n' | 'e' | 'E')
                    }
                })
        });
        let Some(opts) = opts else { break };
        for c in opts.chars() {
            match c {
                'n' => newline = false,
                'e' => escapes = true,
                _ => escapes = false,
            }
        }
        i += 1;
    }
    let mut text = args[i..].join(" ");
    if escapes {
        let mut out = String::new();
        let mut it = text.chars();
        while let Some(c) = it.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match it.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('\\') => out.push('\\'),
                Some('c') => {
                    return out;
                }
                Some(o) => {
                    out.push('\\');
                    out.push(o);
                }
                None => out.push('\\'),
            }
        }
        text = out;
    }
    if newline {
        text.push('\n');
    }
    text
}

/// `test`'s expression: true or false, or its complaint.
fn test(a: &[&str], files: &BTreeMap<String, String>) -> Result<bool, String> {
    let exists = |p: &str| {
        files.contains_key(p)
            || matches!(
                p,
                "/" | "/tmp" | "/etc" | "/root" | "/proc" | "/dev/null" | "/var" | "/usr" | "/bin"
            )
            || files
                .keys()
                .any(|k| k.starts_with(&format!("{}/", p.trim_end_matches('/'))))
    };
    let int = |s: &str| {
        s.trim()
            .parse::<i64>()
            .map_err(|_| format!("{s}: integer expression expected"))
    };
    Ok(match a {
        [] => false,
        ["!", rest @ ..] => !test(rest, files)?,
        [s] => !s.is_empty(),
        ["-n", s] => !s.is_empty(),
        ["-z", s] => s.is_empty(),
        ["-e" | "-f" | "-r" | "-s", p] if *p != "" => {
            exists(p) && (a[0] != "-s" || files.get(*p).is_some_and(|t| !t.is_empty()))
        }
        ["-d", p] => {
            matches!(
                *p,
                "/" | "/tmp" | "/etc" | "/root" | "/proc" | "/var" | "/usr" | "/bin"
            ) || files
                .keys()
                .any(|k| k.starts_with(&format!("{}/", p.trim_end_matches('/'))))
        }
        [l, "=" | "==", r] => l == r,
        [l, "!=", r] => l != r,
        [l, op @ ("-eq" | "-ne" | "-lt" | "-le" | "-gt" | "-ge"), r] => {
            let (l, r) = (int(l)?, int(r)?);
            match *op {
                "-eq" => l == r,
                "-ne" => l != r,
                "-lt" => l < r,
                "-le" => l <= r,
                "-gt" => l > r,
                _ => l >= r,
            }
        }
        [l, "-a", r] => test(&[l], files)? && test(&[r], files)?,
        [l, "-o", r] => test(&[l], files)? || test(&[r], files)?,
        _ => {
            return Err(format!(
                "{}: unexpected operator or too many arguments",
                a.join(" ")
            ));
        }
    })
}

/// `/a/./b/../c` as `/a/c`.
fn normalize(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for c in p.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    format!("/{}", parts.join("/"))
}

/// A word quoted for the shell.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echo_per_flavour() {
        let a = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(echo(Flavour::Bash, &a(&["a\\tb"])), "a\\tb\n");
        assert_eq!(echo(Flavour::Dash, &a(&["a\\tb"])), "a\tb\n");
        assert_eq!(echo(Flavour::Ash, &a(&["-n", "x"])), "x");
        assert_eq!(echo(Flavour::Dash, &a(&["-e", "x"])), "-e x\n");
        assert_eq!(echo(Flavour::Bash, &a(&["-e", "a\\nb"])), "a\nb\n");
    }

    #[test]
    fn errors_per_flavour() {
        assert_eq!(
            Flavour::Bash.not_found("foo"),
            "bash: foo: command not found"
        );
        assert_eq!(
            Flavour::BashSh.not_found("foo"),
            "sh: foo: command not found"
        );
        assert_eq!(Flavour::Dash.not_found("foo"), "sh: 1: foo: not found");
        assert_eq!(Flavour::Ash.not_found("foo"), "sh: foo: not found");
        let e = SyntaxError::Near("done".into());
        assert_eq!(
            Flavour::Bash.syntax(&e, "echo; done"),
            "bash: -c: line 1: syntax error near unexpected token `done'\nbash: -c: line 1: `echo; done'"
        );
        assert_eq!(
            Flavour::Ash.syntax(&e, ""),
            "sh: syntax error: unexpected \"done\""
        );
        assert_eq!(
            Flavour::Dash.syntax(&e, ""),
            "sh: 1: Syntax error: \"done\" unexpected"
        );
    }

    #[test]
    fn test_builtin() {
        let mut files = BTreeMap::new();
        files.insert("/tmp/x".to_string(), "1".to_string());
        assert_eq!(test(&["-f", "/tmp/x"], &files), Ok(true));
        assert_eq!(test(&["-d", "/tmp"], &files), Ok(true));
        assert_eq!(test(&["a", "=", "b"], &files), Ok(false));
        assert_eq!(test(&["3", "-gt", "2"], &files), Ok(true));
        assert_eq!(test(&["!", "-z", ""], &files), Ok(false));
        assert!(test(&["x", "-gt", "2"], &files).is_err());
    }
}
