//! Commands a user runs inside a simulated machine, printing what the real tool prints.
//!
//! Each command runs as a process actor named `node/<machine>/<argv0>[<pid>]`. It writes
//! lines to stdout/stderr (kept in the world's process table and traced as `Output`) and
//! ends with an exit status. Instant commands (`ip`) run and exit within their first event;
//! `ping` lives on simulated time.

pub mod bridge;
pub mod etcdctl;
pub mod ifconfig;
pub mod ip;
pub mod ping;

use crate::engine::{Actor, ActorId, Ctx, Dur, Sim};
use crate::net::{Msg, Net, NsId, Proc};
use crate::trace::{Stream, TraceEvent};

/// What an `expect` step checks when its command exits.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expectation {
    pub stdout_contains: Option<String>,
    pub exit_code: Option<i32>,
}

impl Expectation {
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
        let mut held = vec![format!("exit status {code}")];
        if let Some(needle) = &self.stdout_contains {
            held.push(format!("stdout contains {needle:?}"));
        }
        Ok(held.join(", "))
    }
}

/// Starts `cmdline` in namespace `ns` now; the process begins at the current instant, after
/// events already queued for it. Returns the process's actor id; its record is in
/// `sim.world.procs` (stdout, stderr, exit status once it exits).
pub fn start(sim: &mut Sim<Net>, ns: NsId, cmdline: &str, expect: Option<Expectation>) -> ActorId {
    // Leading `VAR=value` words set the command's environment (`ETCDCTL_API=3 etcdctl ...`).
    let argv = shell_words::split(cmdline).map(|words| {
        let n = words
            .iter()
            .take_while(|w| {
                w.split_once('=').is_some_and(|(k, _)| {
                    !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                })
            })
            .count();
        let env: Vec<(String, String)> = words[..n]
            .iter()
            .map(|w| {
                w.split_once('=')
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .expect("checked")
            })
            .collect();
        (env, words[n..].to_vec())
    });
    let netns = sim.world.ns_mut(ns);
    let pid = netns.alloc_pid();
    let argv0 = match &argv {
        Ok((_, words)) if !words.is_empty() => {
            words[0].rsplit('/').next().unwrap_or("sh").to_string()
        }
        _ => "sh".to_string(),
    };
    let name = format!("{}/{argv0}[{pid}]", netns.label);
    let program = match argv {
        Ok((env, words)) if !words.is_empty() => Program::from_argv(words, &env, pid),
        Ok(_) => Program::Fail("sh: empty command".into(), 2),
        Err(_) => Program::Fail("sh: syntax error: unterminated quoted string".into(), 2),
    };
    let id = sim.add(
        name,
        Box::new(Process {
            ns,
            program,
            expect,
        }),
    );
    sim.world.procs.insert(
        id,
        Proc {
            ns: Some(ns),
            cmd: cmdline.to_string(),
            ..Proc::default()
        },
    );
    sim.trace(
        id,
        TraceEvent::Exec {
            cmd: cmdline.to_string(),
        },
    );
    sim.schedule(Dur::ZERO, id, Msg::Start);
    id
}

enum Program {
    Ping(Box<ping::Ping>),
    Etcdctl(Box<etcdctl::Etcdctl>),
    Ip(Vec<String>),
    Ifconfig(Vec<String>),
    Cat(Vec<String>),
    Bridge(Vec<String>),
    /// Prints a message to stderr and exits with the status.
    Fail(String, i32),
}

impl Program {
    fn from_argv(argv: Vec<String>, env: &[(String, String)], pid: u32) -> Program {
        match argv[0].rsplit('/').next().unwrap_or_default() {
            "etcdctl" => match etcdctl::Etcdctl::parse(&argv[1..], env) {
                Ok(e) => Program::Etcdctl(Box::new(e)),
                Err((msg, code)) => Program::Fail(msg, code),
            },
            "ping" => match ping::Ping::parse(&argv[1..], pid) {
                Ok(p) => Program::Ping(Box::new(p)),
                Err((msg, code)) => Program::Fail(msg, code),
            },
            "ip" => Program::Ip(argv[1..].to_vec()),
            "ifconfig" => Program::Ifconfig(argv[1..].to_vec()),
            "cat" => Program::Cat(argv[1..].to_vec()),
            "bridge" => Program::Bridge(argv[1..].to_vec()),
            other => Program::Fail(format!("sh: {other}: command not found"), 127),
        }
    }
}

/// A process: a program, where it runs, and what an `expect` step wants of it.
struct Process {
    ns: NsId,
    program: Program,
    expect: Option<Expectation>,
}

impl Actor<Net> for Process {
    fn handle(&mut self, msg: Msg, cx: &mut Ctx<'_, Net>) {
        let status = match &mut self.program {
            Program::Ping(p) => p.handle(msg, self.ns, cx),
            Program::Etcdctl(e) => e.handle(msg, self.ns, cx),
            Program::Ip(args) => {
                let (stdout, stderr, code) = ip::run(cx.world, self.ns, cx.now(), args);
                print(cx, Stream::Stdout, &stdout);
                print(cx, Stream::Stderr, &stderr);
                Some(code)
            }
            Program::Ifconfig(args) => {
                let (stdout, stderr, code) = ifconfig::run(cx.world.ns(self.ns), args);
                print(cx, Stream::Stdout, &stdout);
                print(cx, Stream::Stderr, &stderr);
                Some(code)
            }
            Program::Cat(paths) => {
                // The files simulated programs wrote (`/run/flannel/subnet.env`); GNU cat's
                // error for any other path, and its status 1 if any path failed.
                let files = &cx.world.ns(self.ns).files;
                let (mut stdout, mut stderr, mut code) = (String::new(), String::new(), 0);
                for p in paths.iter() {
                    match files.get(p) {
                        Some(text) => stdout.push_str(text),
                        None => {
                            stderr.push_str(&format!("cat: {p}: No such file or directory\n"));
                            code = 1;
                        }
                    }
                }
                print(cx, Stream::Stdout, &stdout);
                print(cx, Stream::Stderr, &stderr);
                Some(code)
            }
            Program::Bridge(args) => {
                let (stdout, stderr, code) = bridge::run(cx.world.ns(self.ns), cx.now(), args);
                print(cx, Stream::Stdout, &stdout);
                print(cx, Stream::Stderr, &stderr);
                Some(code)
            }
            Program::Fail(msg, code) => {
                let text = format!("{msg}\n");
                print(cx, Stream::Stderr, &text);
                Some(*code)
            }
        };
        if let Some(code) = status {
            finish(cx, code, self.expect.as_ref());
        }
    }
}

/// Writes text to the process's stdout or stderr: kept in its record, one trace event per
/// line (a final line without a newline is traced too).
pub fn print(cx: &mut Ctx<'_, Net>, stream: Stream, text: &str) {
    if text.is_empty() {
        return;
    }
    let me = cx.me();
    let proc = cx.world.procs.get_mut(&me).expect("process registered");
    match stream {
        Stream::Stdout => proc.stdout.push_str(text),
        Stream::Stderr => proc.stderr.push_str(text),
    }
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
    if let Some(ns) = proc.ns {
        cx.world
            .ns_mut(ns)
            .icmp_sockets
            .retain(|_, owner| *owner != me);
    }
    cx.trace(TraceEvent::Exit { code });
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
