//! The session on a terminal: rustyline's line editing and history, and completion of
//! commands, machine names, pod names and the session's `:` commands.

use std::cell::RefCell;
use std::rc::Rc;

use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::DefaultHistory;
use rustyline::validate::Validator;
use rustyline::{Context, Helper};

use super::{Lines, Read, Session};

/// The session's commands, as completion offers them.
const COLON: &[&str] = &[":help", ":time", ":advance", ":trace", ":save", ":explain"];

/// What completion knows, refreshed before each prompt (pods come and go).
#[derive(Default)]
pub(crate) struct Names {
    /// Commands: the simulated programs and the shell's words.
    pub commands: Vec<String>,
    /// `node/NAME` and `pod/NAME` of every machine in the running world.
    pub machines: Vec<String>,
}

impl Names {
    pub fn of(session: &Session) -> Names {
        let mut commands: Vec<String> = sim_core::tools::PROGRAMS
            .iter()
            .flat_map(|e| e.names.iter().map(|n| n.to_string()))
            .chain(["exit", "ssh"].map(String::from))
            .collect();
        commands.sort();
        commands.dedup();
        let mut machines: Vec<String> = session
            .live
            .sim()
            .world
            .netns
            .iter()
            .map(|n| n.label.clone())
            .filter(|l| l.starts_with("node/") || l.starts_with("pod/"))
            .collect();
        machines.sort();
        machines.dedup();
        Names { commands, machines }
    }

    fn names(&self, kind: &str) -> impl Iterator<Item = &str> {
        let prefix = format!("{kind}/");
        self.machines
            .iter()
            .filter_map(move |m| m.strip_prefix(prefix.as_str()))
    }

    /// The completions of the word that ends at `pos`: where it starts, and the candidates.
    pub fn complete(&self, line: &str, pos: usize) -> (usize, Vec<String>) {
        let head = &line[..pos];
        let start = head.rfind(char::is_whitespace).map_or(0, |i| i + 1);
        let word = &head[start..];
        let before: Vec<&str> = head[..start].split_whitespace().collect();
        let pick = |all: Vec<String>| -> Vec<String> {
            let mut v: Vec<String> = all.into_iter().filter(|c| c.starts_with(word)).collect();
            v.sort();
            v.dedup();
            v
        };
        let owned = |it: &mut dyn Iterator<Item = &str>| it.map(String::from).collect::<Vec<_>>();
        let candidates = match before.as_slice() {
            [] if word.starts_with(':') => pick(COLON.iter().map(|s| s.to_string()).collect()),
            [] => pick(self.commands.clone()),
            [":trace"] => pick(
                ["on", "off", "packets", "k8s", "dns"]
                    .map(String::from)
                    .to_vec(),
            ),
            ["ssh"] => pick(owned(&mut self.names("node"))),
            ["kubectl", "exec", ..]
            | ["kubectl", "logs", ..]
            | ["kubectl", "describe", "pod", ..]
                if !before.contains(&"--") =>
            {
                if word.starts_with("pod/") {
                    pick(self.names("pod").map(|p| format!("pod/{p}")).collect())
                } else {
                    pick(owned(&mut self.names("pod")))
                }
            }
            _ if word.starts_with("node/") || word.starts_with("pod/") => {
                pick(self.machines.clone())
            }
            _ => Vec::new(),
        };
        (start, candidates)
    }
}

/// rustyline's helper: completion from [`Names`].
pub(crate) struct Help {
    names: Rc<RefCell<Names>>,
}

impl Completer for Help {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let (start, words) = self.names.borrow().complete(line, pos);
        Ok((
            start,
            words
                .into_iter()
                .map(|w| Pair {
                    display: w.clone(),
                    replacement: format!("{w} "),
                })
                .collect(),
        ))
    }
}

impl Hinter for Help {
    type Hint = String;
}
impl Highlighter for Help {}
impl Validator for Help {}
impl Helper for Help {}

/// Lines from the terminal.
pub(crate) struct Editor {
    rl: rustyline::Editor<Help, DefaultHistory>,
    names: Rc<RefCell<Names>>,
}

impl Editor {
    pub fn new(session: &Session) -> anyhow::Result<Editor> {
        let names = Rc::new(RefCell::new(Names::of(session)));
        let mut rl = rustyline::Editor::new()?;
        rl.set_helper(Some(Help {
            names: names.clone(),
        }));
        Ok(Editor { rl, names })
    }
}

impl Lines for Editor {
    fn read(&mut self, prompt: &str, session: &Session) -> Read {
        *self.names.borrow_mut() = Names::of(session);
        match self.rl.readline(prompt) {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = self.rl.add_history_entry(line.as_str());
                }
                Read::Line(line)
            }
            Err(ReadlineError::Interrupted) => Read::Interrupted,
            Err(_) => Read::Eof,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        Names {
            commands: vec![
                "kubectl".into(),
                "ping".into(),
                "ip".into(),
                "iptables".into(),
            ],
            machines: vec![
                "node/why-01".into(),
                "node/why-02".into(),
                "pod/frontend-0rzd1".into(),
                "pod/redis-master-5qxmr".into(),
            ],
        }
    }

    /// Commands at the start, pods after `kubectl exec -it`, nodes after `ssh`, machines
    /// by their prefix, the session's commands after a colon.
    #[test]
    fn completes_commands_pods_nodes_and_colon_commands() {
        let n = names();
        assert_eq!(
            n.complete("ip", 2),
            (0, vec!["ip".into(), "iptables".into()])
        );
        assert_eq!(
            n.complete("kubectl exec -it fr", 19),
            (17, vec!["frontend-0rzd1".into()])
        );
        assert_eq!(
            n.complete("kubectl exec -it pod/r", 22),
            (17, vec!["pod/redis-master-5qxmr".into()])
        );
        assert_eq!(
            n.complete("ssh why", 7),
            (4, vec!["why-01".into(), "why-02".into()])
        );
        assert_eq!(n.complete(":ti", 3), (0, vec![":time".into()]));
        assert_eq!(n.complete(":trace p", 8), (7, vec!["packets".into()]));
        assert_eq!(n.complete("ping node/why-0", 15).1.len(), 2);
        assert_eq!(n.complete("kubectl exec -it x -- ", 22).1.len(), 0);
    }
}
