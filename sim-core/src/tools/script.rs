//! `sh -c SCRIPT` for the scripts containers are given in manifests: statements of `echo`,
//! `sleep` and `exit [N]` (a container that crashes: `echo boom; exit 1`), run once, or for ever inside `while true; do ...; done` (seed 003's
//! `while true; do echo 'A alive'; sleep 5; done`). The output goes where the container's
//! goes (`kubectl logs`). Any other script is refused as not simulated yet, naming what is.

use crate::engine::{Ctx, Dur};
use crate::net::{Msg, Net};
use crate::trace::Stream;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    Echo(String),
    Sleep(Dur),
    /// `exit N`: the shell ends with status N (0 without one).
    Exit(i32),
}

/// A parsed script: its steps, and whether they repeat for ever.
#[derive(Clone, Debug)]
pub struct Script {
    steps: Vec<Step>,
    forever: bool,
    next: usize,
}

const NOT_SIMULATED: &str = "sh: this script is not simulated yet; `sh -c` runs statements of `echo`, `sleep` and `exit`, once or in `while true; do ...; done`";

/// The statements of `script`: split at `;` and newlines outside quotes, each split into
/// words as the shell splits them.
fn statements(script: &str) -> Result<Vec<Vec<String>>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in script.chars() {
        if escaped {
            cur.push(c);
            escaped = false;
            continue;
        }
        match (quote, c) {
            (None, '\\') | (Some('"'), '\\') => {
                cur.push(c);
                escaped = true;
            }
            (None, '\'' | '"') => {
                quote = Some(c);
                cur.push(c);
            }
            (Some(q), c) if c == q => {
                quote = None;
                cur.push(c);
            }
            (None, ';' | '\n') => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    if quote.is_some() {
        return Err("sh: syntax error: unterminated quoted string".into());
    }
    out.push(cur);
    out.into_iter()
        .filter(|s| !s.trim().is_empty())
        .map(|s| shell_words::split(&s).map_err(|_| NOT_SIMULATED.to_string()))
        .collect()
}

impl Script {
    /// The script of `sh -c SCRIPT`, or the message and status `sh` ends with.
    pub fn parse(args: &[String]) -> Result<Script, (String, i32)> {
        let script = match args {
            [c, script, ..] if c == "-c" => script,
            _ => {
                return Err((
                    "sh: an interactive shell is not simulated yet; `sh -c SCRIPT` runs statements of `echo` and `sleep`".into(),
                    1,
                ));
            }
        };
        let mut stmts = statements(script).map_err(|e| (e, 2))?;
        let mut forever = false;
        if stmts.first().is_some_and(|s| s == &["while", "true"]) {
            let last = stmts.pop();
            if last.as_deref() != Some(&["done".to_string()][..]) || stmts.len() < 2 {
                return Err((NOT_SIMULATED.into(), 1));
            }
            stmts.remove(0);
            match stmts.first_mut() {
                Some(s) if s.first().map(String::as_str) == Some("do") => {
                    s.remove(0);
                }
                _ => return Err((NOT_SIMULATED.into(), 1)),
            }
            forever = true;
        }
        let mut steps = Vec::new();
        for s in stmts.into_iter().filter(|s| !s.is_empty()) {
            match s[0].as_str() {
                "echo" => steps.push(Step::Echo(format!("{}\n", s[1..].join(" ")))),
                "sleep" => match super::http::sleep_duration(&s[1..]) {
                    Ok(d) => steps.push(Step::Sleep(d)),
                    Err(e) => return Err(e),
                },
                "exit" => match s.get(1).map(|n| n.parse::<u8>()) {
                    None => steps.push(Step::Exit(0)),
                    Some(Ok(n)) => steps.push(Step::Exit(i32::from(n))),
                    Some(Err(_)) => {
                        return Err((format!("sh: exit: Illegal number: {}", s[1]), 2));
                    }
                },
                _ => return Err((NOT_SIMULATED.into(), 1)),
            }
        }
        // A loop that never sleeps would print without end at one instant.
        if forever
            && !steps
                .iter()
                .any(|s| matches!(s, Step::Sleep(d) if *d > Dur::ZERO))
        {
            return Err((
                "sh: a `while true` loop without a `sleep` is not simulated (it would never let time pass)".into(),
                1,
            ));
        }
        Ok(Script {
            steps,
            forever,
            next: 0,
        })
    }

    /// Runs steps until one sleeps; `Some(0)` once a script that does not loop is done.
    pub fn handle(&mut self, msg: Msg, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        if !matches!(msg, Msg::Start | Msg::Timer(_)) {
            return None;
        }
        loop {
            if self.next == self.steps.len() {
                if !self.forever || self.steps.is_empty() {
                    return Some(0);
                }
                self.next = 0;
            }
            let step = self.steps[self.next].clone();
            self.next += 1;
            match step {
                Step::Echo(text) => super::print(cx, Stream::Stdout, &text),
                Step::Exit(code) => return Some(code),
                Step::Sleep(d) => {
                    cx.schedule(d, Msg::Timer(0));
                    return None;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(script: &str) -> Result<Script, (String, i32)> {
        Script::parse(&["-c".to_string(), script.to_string()])
    }

    #[test]
    fn seed_003s_loop_is_an_echo_and_a_sleep_for_ever() {
        let s = parse("while true; do echo 'A alive'; sleep 5; done").unwrap();
        assert!(s.forever);
        assert_eq!(
            s.steps,
            vec![
                Step::Echo("A alive\n".into()),
                Step::Sleep(Dur::from_secs(5))
            ]
        );
    }

    #[test]
    fn statements_run_once_without_a_loop() {
        let s = parse("echo \"a; b\"; sleep 1\necho done").unwrap();
        assert!(!s.forever);
        assert_eq!(
            s.steps,
            vec![
                Step::Echo("a; b\n".into()),
                Step::Sleep(Dur::from_secs(1)),
                Step::Echo("done\n".into())
            ]
        );
    }

    #[test]
    fn other_scripts_are_refused_as_not_simulated() {
        for script in [
            "while true; do echo x; done",
            "for i in 1 2; do echo $i; done",
            "cat /etc/hosts | grep x",
            "while true; do echo x; sleep 1",
            "echo 'unterminated",
        ] {
            assert!(parse(script).is_err(), "{script}");
        }
        assert!(Script::parse(&[]).is_err());
    }

    #[test]
    fn exit_ends_the_script_with_its_status() {
        let s = parse("echo boom; exit 3").unwrap();
        assert_eq!(s.steps, vec![Step::Echo("boom\n".into()), Step::Exit(3)]);
        assert_eq!(parse("exit").unwrap().steps, vec![Step::Exit(0)]);
        assert_eq!(
            parse("exit x").unwrap_err(),
            ("sh: exit: Illegal number: x".to_string(), 2)
        );
    }
}
