//! The kubectl verbs whose flags are their own: `logs`, `get events`, `version`,
//! `api-resources`, `explain`, `cluster-info`, `rollout`, `set image`. Each reads its whole command line here
//! (`-f` is `--follow` to `logs`, `-c` its container), and runs in its own module.

use super::{Cmd, Kubectl};
use crate::engine::Ctx;
use crate::k8s::proxy::names::Era;
use crate::net::{Msg, Net, NsId};
use crate::tools::print;
use crate::trace::Stream;

/// One of this module's commands.
#[derive(Clone, Debug)]
pub enum More {
    Logs(super::logs::Logs),
    Events(super::events::Events),
    Version {
        client: bool,
    },
    ApiResources(super::info::ApiResources),
    Explain(super::explain::Explain),
    ClusterInfo,
    /// `rollout status|history|undo|restart`, `set image` (`rollout.rs`).
    Rollout(super::rollout::Rollout),
}

/// A command line split into its words and flags: the namespace flags are kubectl's
/// global ones; every other flag is the verb's to read.
pub struct Args {
    pub ns: Option<String>,
    pub all: bool,
    pub words: Vec<String>,
    /// (flag, value) in order; `value` for `--flag=value` or a flag that takes one.
    pub flags: Vec<(String, Option<String>)>,
    /// What follows `--` (`run NAME --image=I -- ARGS`), if it was there.
    pub dashed: Option<Vec<String>>,
}

/// kubectl's answer to a flag the verb does not have.
pub fn unknown_flag(verb: &str, flag: &str) -> (String, i32) {
    (
        format!("error: unknown flag: {flag}\nSee 'kubectl {verb} --help' for usage.\n"),
        1,
    )
}

/// Splits `args`; `takes_value` says which of the verb's flags take a value.
pub(super) fn split(args: &[String], takes_value: &[&str]) -> Result<Args, (String, i32)> {
    let mut out = Args {
        ns: None,
        all: false,
        words: Vec::new(),
        flags: Vec::new(),
        dashed: None,
    };
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) if n.starts_with('-') => (n, Some(v.to_string())),
            _ => (a, None),
        };
        let value = |i: &mut usize| -> Result<String, (String, i32)> {
            if let Some(v) = &inline {
                return Ok(v.clone());
            }
            *i += 1;
            args.get(*i)
                .cloned()
                .ok_or_else(|| (format!("error: flag needs an argument: {name}\n"), 1))
        };
        match name {
            "--" if inline.is_none() => {
                out.dashed = Some(args[i + 1..].to_vec());
                break;
            }
            "-n" | "--namespace" => out.ns = Some(value(&mut i)?),
            "-A" | "--all-namespaces" => out.all = true,
            n if n.starts_with('-') && n.len() > 2 && !n.starts_with("--") => {
                // `-c NAME` may be written `-cNAME`, and `-n kube-system` `-nkube-system`.
                let (short, rest) = n.split_at(2);
                if takes_value.contains(&short) || short == "-n" {
                    let v = rest.to_string();
                    if short == "-n" {
                        out.ns = Some(v);
                    } else {
                        out.flags.push((short.to_string(), Some(v)));
                    }
                } else {
                    out.flags.push((n.to_string(), inline.clone()));
                }
            }
            n if n.starts_with('-') => {
                let v = if takes_value.contains(&n) {
                    Some(value(&mut i)?)
                } else {
                    inline.clone()
                };
                out.flags.push((n.to_string(), v));
            }
            _ => out.words.push(a.to_string()),
        }
        i += 1;
    }
    Ok(out)
}

/// A boolean flag's value (`--flag`, `--flag=true`, `--flag=false`), or its error.
pub fn boolean(flag: &str, v: &Option<String>) -> Result<bool, (String, i32)> {
    match v.as_deref() {
        None | Some("true") => Ok(true),
        Some("false") => Ok(false),
        Some(other) => Err((
            format!(
                "error: invalid argument \"{other}\" for \"{flag}\" flag: strconv.ParseBool: parsing \"{other}\": invalid syntax\n"
            ),
            1,
        )),
    }
}

/// The verb of a command line: its first word that is not a flag's value.
pub(super) fn verb(args: &[String]) -> Option<(usize, &str)> {
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-n" | "--namespace" => i += 2,
            a if a.starts_with('-') => i += 1,
            a => return Some((i, a)),
        }
    }
    None
}

/// A command of this module, the namespace given (`-n`) and whether `-A` was.
pub type Parsed = (More, Option<String>, bool);

/// This module's command, if `args` is one of its verbs.
pub fn parse(args: &[String]) -> Result<Option<Parsed>, (String, i32)> {
    let Some((at, v)) = verb(args) else {
        return Ok(None);
    };
    let rest: Vec<String> = args[..at].iter().chain(&args[at + 1..]).cloned().collect();
    let more = match v {
        "logs" => {
            let a = split(
                &rest,
                &[
                    "-c",
                    "--container",
                    "--tail",
                    "-l",
                    "--selector",
                    "--max-log-requests",
                ],
            )?;
            More::Logs(super::logs::Logs::parse(&a)?)
        }
        "get" => {
            // `get events`: only that kind, alone (`get pods` is `get`'s).
            let a = split(&rest, &["--field-selector", "-o", "--output"])?;
            let events = a
                .words
                .first()
                .is_some_and(|w| matches!(w.as_str(), "events" | "event" | "ev"));
            if !events || a.words.len() > 1 {
                return Ok(None);
            }
            More::Events(super::events::Events::parse(&a)?)
        }
        "version" => {
            let a = split(&rest, &["-o", "--output"])?;
            let mut client = false;
            for (f, v) in &a.flags {
                match f.as_str() {
                    "--client" => client = boolean(f, v)?,
                    "-o" | "--output" => {
                        return Err((
                            "error: kubectl version -o is not simulated (its plain output is)\n"
                                .into(),
                            1,
                        ));
                    }
                    other => return Err(unknown_flag("version", other)),
                }
            }
            if let Some(w) = a.words.first() {
                return Err((format!("error: extra arguments: [{w}]\n"), 1));
            }
            More::Version { client }
        }
        "api-resources" => {
            let a = split(
                &rest,
                &["-o", "--output", "--api-group", "--sort-by", "--verbs"],
            )?;
            More::ApiResources(super::info::ApiResources::parse(&a)?)
        }
        "explain" => {
            let a = split(&rest, &["--api-version", "--output"])?;
            More::Explain(super::explain::Explain::parse(&a)?)
        }
        "cluster-info" => {
            let a = split(&rest, &[])?;
            if let Some((f, _)) = a.flags.first() {
                return Err(unknown_flag("cluster-info", f));
            }
            if let Some(w) = a.words.first() {
                return Err((
                    format!(
                        "error: `kubectl cluster-info {w}` is not simulated (`kubectl cluster-info` is)\n"
                    ),
                    1,
                ));
            }
            More::ClusterInfo
        }
        "rollout" => {
            let a = split(&rest, &["--to-revision", "--timeout"])?;
            More::Rollout(super::rollout::parse_rollout(&a)?)
        }
        "set" => {
            let a = split(&rest, &[])?;
            More::Rollout(super::rollout::parse_set(&a)?)
        }
        _ => return Ok(None),
    };
    let a = split(&rest, &["--to-revision", "--timeout"])?;
    if a.dashed.is_some() {
        return Err((
            format!("error: kubectl {v} takes no arguments after --\n"),
            1,
        ));
    }
    Ok(Some((more, a.ns, a.all)))
}

impl Kubectl {
    /// Whether the apiserver is this machine's; if not, kubectl's refusal is printed.
    pub(super) fn connected(&self, ns: NsId, cx: &mut Ctx<'_, Net>) -> bool {
        let api = cx.lookup("kube-apiserver");
        let api_ns = api.and_then(|a| cx.world.procs.get(&a).and_then(|p| p.ns));
        if api.is_none() || api_ns != Some(ns) {
            print(
                cx,
                Stream::Stderr,
                "The connection to the server localhost:8080 was refused - did you specify the right host or port?\n",
            );
            return false;
        }
        true
    }

    /// Runs this module's commands: every message the process gets.
    pub(super) fn more(&mut self, msg: Msg, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        let Cmd::More(m) = &self.cmd else {
            return Some(1);
        };
        let era = self.era();
        if let (Msg::Start, More::ApiResources(_), Era::Classic) = (&msg, m, era) {
            // kubectl 1.5 had no such verb.
            print(
                cx,
                Stream::Stderr,
                "Error: unknown command \"api-resources\" for \"kubectl\"\nRun 'kubectl --help' for usage.\n",
            );
            return Some(1);
        }
        match m.clone() {
            More::Logs(_) => self.logs(msg, ns, cx),
            More::Events(_) => self.events(msg, ns, cx),
            More::Version { client } => match msg {
                Msg::Start => Some(self.version(client, ns, cx)),
                _ => None,
            },
            More::ApiResources(o) => self.api_resources(&o, msg, ns, cx),
            More::Explain(e) => self.explain(&e, msg, ns, cx),
            More::ClusterInfo => self.cluster_info(msg, ns, cx),
            More::Rollout(r) => self.rollout(&r, msg, ns, cx),
        }
    }
}
