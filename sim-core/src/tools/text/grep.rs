//! `grep` (and `egrep`, `fgrep`): lines matching patterns, as GNU grep 3 prints them
//! (`src/grep.c`), and busybox's `findutils/grep.c` where they differ (its usage; -c, -q,
//! -l turn off -n and context; an unreadable FILE makes the status 2 even after a match).
//!
//! Status: 0 when a line was selected, 1 when none, 2 on an error (GNU: unless -q found a
//! match). Not simulated: -r/-R (the simulated files have no directories to walk), -f FILE,
//! -P, -z, -b, --include and colour codes (`--color` is accepted: output to a pipe has none
//! anyway).

use std::collections::VecDeque;

use regex::Regex;

use super::re::{self, Syntax};
use super::{Flow, Getopt, Lined, Lines, OpenError, Opt, Out};

const BB_USAGE: &str =
    "[-HhnlLoqvsriwFE] [-m N] [-A/B/C N] PATTERN/-e PATTERN.../-f FILE [FILE]...";

/// What grep prints for each input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Mode {
    #[default]
    Lines,
    Count,
    FilesWith,
    FilesWithout,
    Quiet,
}

#[derive(Debug)]
pub struct Grep {
    re: Regex,
    word: bool,
    invert: bool,
    only: bool,
    mode: Mode,
    number: bool,
    filename: Option<bool>,
    after: usize,
    before: usize,
    max: Option<u64>,
    busybox: bool,
    suppress: bool,
    // What has happened so far.
    any_selected: bool,
    printed_group: bool,
    // The input being read.
    name: String,
    show_name: bool,
    lineno: u64,
    selected: u64,
    last_printed: Option<u64>,
    held: VecDeque<(u64, String)>,
    after_left: usize,
    stopping: bool,
}

/// Parses grep's options and operands: the filter over the FILE operands or stdin.
pub fn parse(name: &str, args: &[String], busybox: bool) -> Result<Lined<Grep>, (String, i32)> {
    let usage = || {
        if busybox {
            (
                format!("BusyBox v1.28.4 multi-call binary.\n\nUsage: grep {BB_USAGE}"),
                1,
            )
        } else {
            (
                "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information."
                    .to_string(),
                2,
            )
        }
    };
    let bad = |opt: &Opt<'_>| {
        if busybox {
            super::busybox_bad_option("grep", BB_USAGE, opt)
        } else {
            super::gnu_bad_option("grep", opt)
        }
    };
    let context = |v: Option<String>| -> Result<usize, (String, i32)> {
        let v = v.unwrap_or_default();
        v.parse::<usize>().map_err(|_| {
            if busybox {
                (format!("grep: invalid number '{v}'"), 1)
            } else {
                (format!("grep: {v}: invalid context length argument"), 2)
            }
        })
    };
    let mut syntax = match name {
        "egrep" => Syntax::Extended,
        _ => Syntax::Basic,
    };
    let mut fixed = name == "fgrep";
    let (mut nocase, mut invert, mut word, mut line, mut only, mut number, mut suppress) =
        (false, false, false, false, false, false, false);
    let mut mode = Mode::Lines;
    let mut filename = None;
    let (mut after, mut before) = (None::<usize>, None::<usize>);
    let mut both = None::<usize>;
    let mut max = None;
    let mut patterns: Vec<String> = Vec::new();
    let mut g = Getopt::new(args);
    while let Some(opt) = g.next() {
        let long = |l: &str| match &opt {
            Opt::Long(n, _) => *n == l,
            _ => false,
        };
        let long_value = |g: &mut Getopt<'_>| match &opt {
            Opt::Long(_, Some(v)) => Some(v.to_string()),
            _ => g.value(),
        };
        match opt {
            Opt::Short('i' | 'y') => nocase = true,
            Opt::Long("ignore-case", _) => nocase = true,
            Opt::Short('v') => invert = true,
            Opt::Long("invert-match", _) => invert = true,
            Opt::Short('c') => mode = Mode::Count,
            Opt::Long("count", _) => mode = Mode::Count,
            Opt::Short('l') => mode = Mode::FilesWith,
            Opt::Long("files-with-matches", _) => mode = Mode::FilesWith,
            Opt::Short('L') => mode = Mode::FilesWithout,
            Opt::Long("files-without-match", _) => mode = Mode::FilesWithout,
            Opt::Short('q') => mode = Mode::Quiet,
            Opt::Long("quiet" | "silent", _) => mode = Mode::Quiet,
            Opt::Short('s') => suppress = true,
            Opt::Long("no-messages", _) => suppress = true,
            Opt::Short('E') => syntax = Syntax::Extended,
            Opt::Long("extended-regexp", _) => syntax = Syntax::Extended,
            Opt::Short('G') => syntax = Syntax::Basic,
            Opt::Long("basic-regexp", _) => syntax = Syntax::Basic,
            Opt::Short('F') => fixed = true,
            Opt::Long("fixed-strings", _) => fixed = true,
            Opt::Short('o') => only = true,
            Opt::Long("only-matching", _) => only = true,
            Opt::Short('w') => word = true,
            Opt::Long("word-regexp", _) => word = true,
            Opt::Short('x') => line = true,
            Opt::Long("line-regexp", _) => line = true,
            Opt::Short('n') => number = true,
            Opt::Long("line-number", _) => number = true,
            Opt::Short('h') => filename = Some(false),
            Opt::Long("no-filename", _) => filename = Some(false),
            Opt::Short('H') => filename = Some(true),
            Opt::Long("with-filename", _) => filename = Some(true),
            Opt::Long("color" | "colour", _) => {}
            Opt::Short('e') => match g.value() {
                Some(p) => patterns.extend(p.split('\n').map(str::to_string)),
                None => return Err(bad(&Opt::Short('e'))),
            },
            Opt::Long("regexp", _) => match long_value(&mut g) {
                Some(p) => patterns.extend(p.split('\n').map(str::to_string)),
                None => return Err(usage()),
            },
            Opt::Short('A') => after = Some(context(g.value())?),
            Opt::Short('B') => before = Some(context(g.value())?),
            Opt::Short('C') => both = Some(context(g.value())?),
            Opt::Long(..) if long("after-context") => after = Some(context(long_value(&mut g))?),
            Opt::Long(..) if long("before-context") => before = Some(context(long_value(&mut g))?),
            Opt::Long(..) if long("context") => both = Some(context(long_value(&mut g))?),
            Opt::Short(d) if d.is_ascii_digit() && !busybox => {
                // `-2` is `-C 2`; the digits run on within the cluster.
                let n = format!("{d}{}", g.take_cluster());
                both = Some(context(Some(n))?);
            }
            Opt::Short('m') => {
                let v = g.value().unwrap_or_default();
                max = Some(v.parse::<u64>().map_err(|_| {
                    if busybox {
                        (format!("grep: invalid number '{v}'"), 1)
                    } else {
                        ("grep: invalid max count".to_string(), 2)
                    }
                })?);
            }
            Opt::Long("max-count", v) => {
                let v = v
                    .map(str::to_string)
                    .or_else(|| g.value())
                    .unwrap_or_default();
                max = Some(
                    v.parse::<u64>()
                        .map_err(|_| ("grep: invalid max count".to_string(), 2))?,
                );
            }
            o @ Opt::Short('r' | 'R' | 'f' | 'P' | 'z' | 'b' | 'Z')
            | o @ Opt::Long("recursive" | "file" | "perl-regexp" | "include", _) => {
                return Err(super::not_simulated("grep", &o));
            }
            o => return Err(bad(&o)),
        }
    }
    let mut operands = std::mem::take(&mut g.operands);
    if patterns.is_empty() {
        if operands.is_empty() {
            return Err(usage());
        }
        patterns.extend(operands.remove(0).split('\n').map(str::to_string));
    }
    let mut parts = Vec::new();
    for p in &patterns {
        let t = if fixed {
            regex::escape(p)
        } else {
            re::translate(p, syntax).map_err(|e| (format!("grep: {}", e.0), 2))?
        };
        parts.push(if line { format!("^(?:{t})$") } else { t });
    }
    let joined = if parts.len() == 1 {
        parts.remove(0)
    } else {
        parts
            .iter()
            .map(|p| format!("(?:{p})"))
            .collect::<Vec<_>>()
            .join("|")
    };
    let joined = if nocase {
        format!("(?i){joined}")
    } else {
        joined
    };
    let re = Regex::new(&joined).map_err(|e| (format!("grep: {e}"), 2))?;
    let (mut after, mut before) = (after.or(both).unwrap_or(0), before.or(both).unwrap_or(0));
    if busybox && mode != Mode::Lines {
        number = false;
        after = 0;
        before = 0;
    }
    let grep = Grep {
        re,
        word,
        invert,
        only,
        mode,
        number,
        filename: filename.or(if operands.len() > 1 { Some(true) } else { None }),
        after,
        before,
        max,
        busybox,
        suppress,
        any_selected: false,
        printed_group: false,
        name: String::new(),
        show_name: false,
        lineno: 0,
        selected: 0,
        last_printed: None,
        held: VecDeque::new(),
        after_left: 0,
        stopping: false,
    };
    Ok(Lined::new(grep, operands))
}

impl Grep {
    /// The matches in `text`, in order (with -w only those standing as whole words).
    fn matches<'t>(&self, text: &'t str) -> Vec<regex::Match<'t>> {
        if !self.word {
            return self.re.find_iter(text).collect();
        }
        let is_word = |c: char| c.is_alphanumeric() || c == '_';
        let mut found = Vec::new();
        let mut from = 0;
        while from <= text.len() {
            let Some(m) = self.re.find_at(text, from) else {
                break;
            };
            let before_ok = !text[..m.start()].chars().next_back().is_some_and(is_word);
            let after_ok = !text[m.end()..].chars().next().is_some_and(is_word);
            if before_ok && after_ok && !m.as_str().is_empty() {
                found.push(m);
                from = m.end();
            } else {
                // Try again one character further on.
                from = m.start() + text[m.start()..].chars().next().map_or(1, char::len_utf8);
            }
        }
        found
    }

    fn prefix(&self, out: &mut Out, lineno: u64, sep: char) {
        if self.show_name {
            out.stdout.push_str(&self.name);
            out.stdout.push(sep);
        }
        if self.number {
            out.stdout.push_str(&format!("{lineno}{sep}"));
        }
    }

    /// Prints a line (selected: `:`, context: `-`), with `--` before a new group.
    fn print(&mut self, out: &mut Out, lineno: u64, text: &str, selected: bool) {
        if (self.after > 0 || self.before > 0)
            && self.printed_group
            && self.last_printed.is_none_or(|l| l + 1 != lineno)
        {
            out.stdout.push_str("--\n");
        }
        self.printed_group = true;
        self.last_printed = Some(lineno);
        if selected && self.only {
            if self.invert {
                return;
            }
            let found: Vec<String> = self
                .matches(text)
                .iter()
                .filter(|m| !m.as_str().is_empty())
                .map(|m| m.as_str().to_string())
                .collect();
            for m in found {
                self.prefix(out, lineno, ':');
                out.stdout.push_str(&m);
                out.stdout.push('\n');
            }
            return;
        }
        if !selected && self.only {
            return;
        }
        self.prefix(out, lineno, if selected { ':' } else { '-' });
        out.stdout.push_str(text);
        out.stdout.push('\n');
    }
}

impl Lines for Grep {
    fn source(&mut self, name: Option<&str>, _index: usize, _count: usize, _out: &mut Out) {
        self.name = name.unwrap_or("(standard input)").to_string();
        self.show_name = self.filename.unwrap_or(false);
        self.lineno = 0;
        self.selected = 0;
        self.last_printed = None;
        self.held.clear();
        self.after_left = 0;
        self.stopping = false;
    }

    fn line(&mut self, line: &str, out: &mut Out) -> Flow {
        self.lineno += 1;
        let n = self.lineno;
        let text = line.strip_suffix('\n').unwrap_or(line);
        if self.stopping {
            // After -m's last match, only its trailing context.
            if self.after_left == 0 {
                return Flow::NextFile;
            }
            self.after_left -= 1;
            self.print(out, n, text, false);
            return if self.after_left == 0 {
                Flow::NextFile
            } else {
                Flow::Go
            };
        }
        let selected = self.matches(text).is_empty() == self.invert;
        if !selected {
            if self.mode == Mode::Lines {
                if self.after_left > 0 {
                    self.after_left -= 1;
                    self.print(out, n, text, false);
                } else if self.before > 0 {
                    if self.held.len() == self.before {
                        self.held.pop_front();
                    }
                    self.held.push_back((n, text.to_string()));
                }
            }
            return Flow::Go;
        }
        self.selected += 1;
        self.any_selected = true;
        match self.mode {
            Mode::Quiet => return Flow::Exit(0),
            Mode::FilesWith => {
                out.stdout.push_str(&self.name);
                out.stdout.push('\n');
                return Flow::NextFile;
            }
            Mode::FilesWithout => return Flow::NextFile,
            Mode::Count => {}
            Mode::Lines => {
                for (l, t) in std::mem::take(&mut self.held) {
                    self.print(out, l, &t, false);
                }
                self.print(out, n, text, true);
                self.after_left = self.after;
            }
        }
        if self.max.is_some_and(|m| self.selected >= m) {
            if self.mode == Mode::Lines && self.after_left > 0 {
                self.stopping = true;
                return Flow::Go;
            }
            return Flow::NextFile;
        }
        Flow::Go
    }

    fn end_source(&mut self, out: &mut Out) -> Flow {
        match self.mode {
            Mode::Count => {
                if self.show_name {
                    out.stdout.push_str(&self.name);
                    out.stdout.push(':');
                }
                out.stdout.push_str(&format!("{}\n", self.selected));
            }
            Mode::FilesWithout if self.selected == 0 => {
                out.stdout.push_str(&self.name);
                out.stdout.push('\n');
            }
            _ => {}
        }
        Flow::Go
    }

    fn finish(&mut self, failed: bool, _out: &mut Out) -> i32 {
        if failed && (self.busybox || !(self.mode == Mode::Quiet && self.any_selected)) {
            2
        } else if self.any_selected {
            0
        } else {
            1
        }
    }

    fn cannot_open(&self, path: &str, err: OpenError) -> (String, Option<i32>) {
        if self.suppress {
            return (String::new(), None);
        }
        (format!("grep: {path}: {}", err.text()), None)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{check, check_with};
    use std::collections::BTreeMap;

    fn out(cmd: &str, input: &str) -> String {
        check(cmd, input).0
    }

    const PS: &str = "flanneld -etcd\ndockerd --bip=10.1.93.1/24\ngrep flannel\n";

    /// Status 0 with a match, 1 without; -v inverts; a missing pattern is a usage error (2).
    #[test]
    fn selects_lines_like_gnu_grep() {
        assert_eq!(
            check("grep --color=auto bip", PS),
            ("dockerd --bip=10.1.93.1/24\n".into(), String::new(), 0)
        );
        assert_eq!(check("grep nothing", PS).2, 1);
        assert_eq!(out("grep -v flannel", PS), "dockerd --bip=10.1.93.1/24\n");
        assert_eq!(
            check("grep", PS),
            (
                String::new(),
                "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n"
                    .into(),
                2
            )
        );
        assert_eq!(out("grep -i DOCKER", PS), "dockerd --bip=10.1.93.1/24\n");
        assert_eq!(out("grep -c flannel", PS), "2\n");
        assert_eq!(check("grep -c zzz", PS), ("0\n".into(), String::new(), 1));
        assert_eq!(out("grep -n grep", PS), "3:grep flannel\n");
        // An unterminated last line is printed with a newline.
        assert_eq!(out("grep b", "a\nb"), "b\n");
    }

    #[test]
    fn regex_kinds_and_matching_forms() {
        let rules = "-A KUBE-SVC-X\n-A KUBE-SEP-Y\n-A KUBE-NODEPORTS\n";
        assert_eq!(out("grep -c 'KUBE-S\\(VC\\|EP\\)'", rules), "2\n");
        assert_eq!(out("grep -cE 'KUBE-S(VC|EP)'", rules), "2\n");
        assert_eq!(out("egrep -c 'SVC|SEP'", rules), "2\n");
        assert_eq!(out("grep -c 'SVC|SEP'", rules), "0\n");
        assert_eq!(out("grep -F 'S.P'", "S.P\nSEP\n"), "S.P\n");
        assert_eq!(
            out("grep -e SVC -e SEP", rules),
            "-A KUBE-SVC-X\n-A KUBE-SEP-Y\n"
        );
        assert_eq!(
            out("grep -o '[0-9]\\+ms'", "time 12ms and 3ms\nnone\n"),
            "12ms\n3ms\n"
        );
        assert_eq!(out("grep -on 'ttl=[0-9]*'", "a\nttl=64 x\n"), "2:ttl=64\n");
        assert_eq!(
            out("grep -w ip", "zip\nip route\nip-addr\n"),
            "ip route\nip-addr\n"
        );
        assert_eq!(out("grep -x ip", "zip\nip\n"), "ip\n");
        assert_eq!(out("grep ''", "a\n\nb\n"), "a\n\nb\n");
        assert_eq!(
            check("grep 'a\\(b'", ""),
            (String::new(), "grep: Unmatched ( or \\(\n".into(), 2)
        );
    }

    /// Context as GNU prints it: `-` after context lines' numbers, `--` between groups that
    /// are not adjacent.
    #[test]
    fn context_lines_and_group_separators() {
        let text = "1\n2\nx3\n4\n5\n6\nx7\n8\n";
        assert_eq!(out("grep -A1 x", text), "x3\n4\n--\nx7\n8\n");
        assert_eq!(out("grep -B 1 x", text), "2\nx3\n--\n6\nx7\n");
        assert_eq!(
            out("grep -C1 -n x", text),
            "2-2\n3:x3\n4-4\n--\n6-6\n7:x7\n8-8\n"
        );
        assert_eq!(out("grep -2 x", text), "1\n2\nx3\n4\n5\n6\nx7\n8\n");
        assert_eq!(out("grep --after-context=1 x3", text), "x3\n4\n");
        // ipvsadm -Ln | grep IP -A 4 (seed 002): adjacent groups merge.
        assert_eq!(out("grep -A 2 x", "x\nx\na\nb\nc\n"), "x\nx\na\nb\n");
        assert_eq!(
            check("grep -A z x", ""),
            (
                String::new(),
                "grep: z: invalid context length argument\n".into(),
                2
            )
        );
        assert_eq!(out("grep -m1 -A1 x", text), "x3\n4\n");
        assert_eq!(out("grep -m 1 x", text), "x3\n");
    }

    #[test]
    fn files_names_and_errors() {
        let mut files = BTreeMap::new();
        files.insert(
            "/etc/resolv.conf".to_string(),
            "nameserver 10.0.0.10\nsearch x\n".into(),
        );
        files.insert("/etc/hosts".to_string(), "127.0.0.1 localhost\n".into());
        let mut run = |cmd: &str, bb: bool| check_with(cmd, "", bb, &mut files);
        assert_eq!(
            run("grep nameserver /etc/resolv.conf", false).0,
            "nameserver 10.0.0.10\n"
        );
        assert_eq!(
            run("grep -n 1 /etc/resolv.conf /etc/hosts", false).0,
            "/etc/resolv.conf:1:nameserver 10.0.0.10\n/etc/hosts:1:127.0.0.1 localhost\n"
        );
        assert_eq!(
            run("grep -c s /etc/resolv.conf /etc/hosts", false).0,
            "/etc/resolv.conf:2\n/etc/hosts:1\n"
        );
        assert_eq!(
            run("grep -l local /etc/resolv.conf /etc/hosts", false).0,
            "/etc/hosts\n"
        );
        assert_eq!(
            run("grep -L local /etc/resolv.conf /etc/hosts", false).0,
            "/etc/resolv.conf\n"
        );
        assert_eq!(
            run("grep x /nope /etc/resolv.conf", false),
            (
                "/etc/resolv.conf:search x\n".into(),
                "grep: /nope: No such file or directory\n".into(),
                2
            )
        );
        assert_eq!(
            run("grep -s x /nope", false),
            (String::new(), String::new(), 2)
        );
        assert_eq!(run("grep -q x /nope /etc/resolv.conf", false).2, 0);
        assert_eq!(run("grep -q x /nope /etc/resolv.conf", true).2, 0);
        assert_eq!(run("grep x /etc", false).1, "grep: /etc: Is a directory\n");
        assert_eq!(
            run("grep", true),
            (
                String::new(),
                "BusyBox v1.28.4 multi-call binary.\n\nUsage: grep [-HhnlLoqvsriwFE] [-m N] [-A/B/C N] PATTERN/-e PATTERN.../-f FILE [FILE]...\n".into(),
                1
            )
        );
        assert_eq!(
            run("grep -K x", false).1,
            "grep: invalid option -- 'K'\nTry 'grep --help' for more information.\n"
        );
        assert_eq!(
            run("grep -r x /etc", false).1,
            "grep: -r is not simulated yet\n"
        );
    }

    /// grep -q exits at the first match without reading on (a pipe's writer then stops).
    #[test]
    fn quiet_exits_early() {
        let argv = shell_words::split("grep -q b").unwrap();
        let mut f = super::super::parse(&argv, false).unwrap().unwrap();
        let mut files = BTreeMap::new();
        let mut o = super::super::Out::default();
        assert_eq!(f.input("a\nb\n", &mut files, &mut o), Some(0));
        assert_eq!(o.stdout, "");
    }
}
