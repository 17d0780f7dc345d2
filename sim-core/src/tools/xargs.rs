//! The tools that start commands: `xargs` (GNU findutils; busybox's in busybox images) and
//! procps `watch -n SECS` in simulated time. Each command they run is a child process
//! (`spawn_argv`) with their own stdout and stderr.

use crate::engine::{ActorId, Ctx, Dur};
use crate::net::{Fd, Msg, Net, NsId};
use crate::trace::Stream;

use super::{Launch, print};

/// `xargs [-n N] [-I STR] [-r] [COMMAND [ARGS]...]`: reads its stdin to the end, then runs
/// COMMAND (`echo` by default) with the items, N at a time (`-n`) or once per line with STR
/// replaced (`-I`).
pub struct Xargs {
    cmd: Vec<String>,
    per: Option<usize>,
    replace: Option<String>,
    no_empty: bool,
    input: String,
    /// The argument lists still to run.
    todo: std::collections::VecDeque<Vec<String>>,
    child: Option<ActorId>,
    status: i32,
    gnu: bool,
}

impl Xargs {
    pub fn parse(l: &Launch<'_>) -> Result<Xargs, (String, i32)> {
        let gnu = !l.busybox;
        let mut x = Xargs {
            cmd: Vec::new(),
            per: None,
            replace: None,
            no_empty: false,
            input: String::new(),
            todo: Default::default(),
            child: None,
            status: 0,
            gnu,
        };
        let mut args = l.argv[1..].iter();
        while let Some(a) = args.next() {
            match a.as_str() {
                "-n" | "-I" => {
                    let Some(v) = args.next() else {
                        return Err((
                            format!(
                                "xargs: option requires an argument -- '{}'\nTry 'xargs --help' for more information.",
                                &a[1..]
                            ),
                            1,
                        ));
                    };
                    if a == "-n" {
                        match v.parse::<usize>() {
                            Ok(n) if n > 0 => x.per = Some(n),
                            _ => {
                                return Err((
                                    format!("xargs: invalid number \"{v}\" for -n option"),
                                    1,
                                ));
                            }
                        }
                    } else {
                        x.replace = Some(v.clone());
                    }
                }
                "-r" | "--no-run-if-empty" => x.no_empty = true,
                "-t" | "-P" | "-0" | "-d" | "-a" | "-L" | "-s" | "-x" | "-p" | "-E" => {
                    return Err((
                        format!("xargs: {a} is not simulated yet (-n, -I, -r are)"),
                        1,
                    ));
                }
                _ => {
                    x.cmd.push(a.clone());
                    x.cmd.extend(args.by_ref().cloned());
                }
            }
        }
        if x.cmd.is_empty() {
            x.cmd.push("echo".into());
        }
        Ok(x)
    }

    /// The items of the input: words, with quotes and backslashes as xargs reads them.
    fn items(&self) -> Vec<String> {
        shell_words::split(&self.input)
            .unwrap_or_else(|_| self.input.split_whitespace().map(str::to_string).collect())
    }

    fn plan(&mut self) {
        if let Some(r) = &self.replace {
            for line in self.input.lines().map(str::trim).filter(|l| !l.is_empty()) {
                self.todo.push_back(
                    self.cmd
                        .iter()
                        .map(|a| a.replace(r.as_str(), line))
                        .collect(),
                );
            }
            return;
        }
        let items = self.items();
        if items.is_empty() {
            // GNU runs the command once anyway unless -r; busybox does not.
            if self.gnu && !self.no_empty {
                self.todo.push_back(self.cmd.clone());
            }
            return;
        }
        let per = self.per.unwrap_or(items.len());
        for chunk in items.chunks(per) {
            let mut argv = self.cmd.clone();
            argv.extend(chunk.iter().cloned());
            self.todo.push_back(argv);
        }
    }

    /// Starts the next command; `Some(status)` when there is none left.
    fn next(&mut self, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        let Some(argv) = self.todo.pop_front() else {
            return Some(self.status);
        };
        if !super::exists(&argv[0]) {
            let msg = format!("xargs: {}: No such file or directory\n", argv[0]);
            print(cx, Stream::Stderr, &msg);
            return Some(127);
        }
        let me = cx.me();
        let (stdio, env) = cx
            .world
            .procs
            .get(&me)
            .map(|p| {
                (
                    [Fd::Null, p.stdio[1].clone(), p.stdio[2].clone()],
                    p.env.clone(),
                )
            })
            .unwrap_or_default();
        let cmd = argv.join(" ");
        self.child = super::spawn_argv(cx, ns, argv, env, stdio, cmd);
        if self.child.is_none() {
            return Some(126);
        }
        None
    }

    pub fn handle(&mut self, msg: Msg, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        match msg {
            Msg::Start => {
                let me = cx.me();
                match cx.world.procs.get(&me).map(|p| p.stdio[0].clone()) {
                    Some(Fd::Pipe(_)) => None,
                    Some(Fd::File { path, .. }) => {
                        self.input = super::files::read(cx.world, ns, &path)
                            .map(|t| t.into_owned())
                            .unwrap_or_default();
                        self.plan();
                        self.next(ns, cx)
                    }
                    _ => {
                        self.plan();
                        self.next(ns, cx)
                    }
                }
            }
            Msg::Stdin(_, text) => {
                self.input.push_str(&text);
                None
            }
            Msg::StdinEof(_) => {
                self.plan();
                self.next(ns, cx)
            }
            Msg::Exited { child, code } if Some(child) == self.child => {
                self.child = None;
                match code {
                    0 => {}
                    // 255 stops xargs at once; any other failure makes it end with 123.
                    255 => {
                        let msg =
                            format!("xargs: {}: exited with status 255; aborting\n", self.cmd[0]);
                        print(cx, Stream::Stderr, &msg);
                        return Some(124);
                    }
                    c if c > 128 => return Some(125),
                    _ => self.status = 123,
                }
                self.next(ns, cx)
            }
            _ => None,
        }
    }
}

/// procps `watch [-n SECS] [-t] COMMAND`: runs COMMAND through `sh -c` every SECS seconds
/// of simulated time (2 by default), each time after a header (`Every 2.0s: COMMAND` and, at
/// the right of 80 columns, `HOST: DATE`) and a blank line, until it is stopped (Ctrl-C).
pub struct Watch {
    every: Dur,
    title: bool,
    cmd: String,
    child: Option<ActorId>,
}

impl Watch {
    pub fn parse(args: &[String]) -> Result<Watch, (String, i32)> {
        let usage = || {
            (
                "\nUsage:\n watch [options] command\n\nOptions:\n  -n, --interval <secs>  seconds to wait between updates\n  -t, --no-title         turn off header".to_string(),
                1,
            )
        };
        let mut every = Dur::from_secs(2);
        let mut title = true;
        let mut i = 0;
        while let Some(a) = args.get(i) {
            match a.as_str() {
                "-n" | "--interval" => {
                    let v = args.get(i + 1).ok_or_else(usage)?;
                    let secs: f64 = v
                        .parse()
                        .map_err(|_| (format!("watch: failed to parse argument: '{v}'"), 1))?;
                    // procps takes at least 0.1 s.
                    every = Dur::from_nanos((secs.max(0.1) * 1e9) as u64);
                    i += 2;
                }
                a if a.starts_with("-n") && a.len() > 2 => {
                    let v = &a[2..];
                    let secs: f64 = v
                        .parse()
                        .map_err(|_| (format!("watch: failed to parse argument: '{v}'"), 1))?;
                    every = Dur::from_nanos((secs.max(0.1) * 1e9) as u64);
                    i += 1;
                }
                "-t" | "--no-title" => {
                    title = false;
                    i += 1;
                }
                a if a.starts_with('-') => {
                    return Err((format!("watch: {a} is not simulated yet (-n, -t are)"), 1));
                }
                _ => break,
            }
        }
        if i >= args.len() {
            return Err(usage());
        }
        Ok(Watch {
            every,
            title,
            cmd: args[i..].join(" "),
            child: None,
        })
    }

    fn run(&mut self, ns: NsId, cx: &mut Ctx<'_, Net>) {
        if self.title {
            let secs = self.every.as_nanos() as f64 / 1e9;
            let left = format!("Every {secs:.1}s: {}", self.cmd);
            let host = super::default_env(cx.world.ns(ns))
                .into_iter()
                .find(|(k, _)| k == "HOSTNAME")
                .map(|(_, v)| v)
                .unwrap_or_default();
            let right = format!("{host}: {}", crate::clock::ctime(cx.now()));
            let pad = 80usize
                .saturating_sub(left.chars().count() + right.chars().count())
                .max(1);
            let header = format!("{left}{}{right}\n\n", " ".repeat(pad));
            print(cx, Stream::Stdout, &header);
        }
        let me = cx.me();
        let (stdio, env) = cx
            .world
            .procs
            .get(&me)
            .map(|p| {
                (
                    [Fd::Null, p.stdio[1].clone(), p.stdio[2].clone()],
                    p.env.clone(),
                )
            })
            .unwrap_or_default();
        let argv = vec!["sh".to_string(), "-c".to_string(), self.cmd.clone()];
        self.child = super::spawn_argv(cx, ns, argv, env, stdio, self.cmd.clone());
    }

    pub fn handle(&mut self, msg: Msg, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        match msg {
            Msg::Start | Msg::Timer(_) => {
                self.run(ns, cx);
                None
            }
            Msg::Exited { child, .. } if Some(child) == self.child => {
                self.child = None;
                cx.schedule(self.every, Msg::Timer(0));
                None
            }
            _ => None,
        }
    }
}
