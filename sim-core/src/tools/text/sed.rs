//! `sed [-n] [-E|-r] [-s] [-e SCRIPT]... [SCRIPT] [FILE]...`, as GNU sed 4 runs a script
//! (`sed/execute.c`, `sed/compile.c`): commands `s`, `y`, `p`, `d`, `q`, `Q`, `=`, `a`, `i`,
//! `c`, `{ }` and `!`; addresses `N`, `$`, `/RE/` (`\cREc`), `FIRST~STEP` and `A,B` ranges.
//!
//! Regexes are basic (`-E`: extended) as in `re.rs`; a replacement has `&`, `\1`..`\9`,
//! `\n`. Not simulated (said so): `-i`, `-f`, `-z`, the hold space (`h H g G x`), `n N P D`,
//! branches (`b t T :label`), `w`/`r` files, `\U`/`\L` case conversion.

use regex::Regex;

use super::re::{self, Syntax};
use super::{Filter, Flow, Getopt, Lined, Lines, OpenError, Opt, Out};

/// The filter for sed's argv (after `sed`).
pub fn parse(args: &[String], _busybox: bool) -> Result<Box<dyn Filter>, (String, i32)> {
    let mut quiet = false;
    let mut syntax = Syntax::Basic;
    let mut scripts: Vec<String> = Vec::new();
    let mut g = Getopt::new(args);
    while let Some(o) = g.next() {
        match o {
            Opt::Short('n') | Opt::Long("quiet" | "silent", _) => quiet = true,
            Opt::Short('E' | 'r') | Opt::Long("regexp-extended", _) => syntax = Syntax::Extended,
            Opt::Short('s') | Opt::Long("separate", _) | Opt::Short('u') => {}
            Opt::Short('e') | Opt::Long("expression", _) => {
                let v = match o {
                    Opt::Long(_, Some(v)) => Some(v.to_string()),
                    _ => g.value(),
                };
                match v {
                    Some(v) => scripts.push(v),
                    None => {
                        return Err((
                            "sed: option requires an argument -- 'e'\n".to_string() + USAGE,
                            1,
                        ));
                    }
                }
            }
            o @ (Opt::Short('i' | 'f' | 'z') | Opt::Long("in-place" | "file" | "null-data", _)) => {
                return Err(super::not_simulated("sed", &o));
            }
            o => {
                let (m, _) = super::gnu_bad_option("sed", &o);
                let first = m.lines().next().unwrap_or_default().to_string();
                return Err((format!("{first}\n{USAGE}"), 1));
            }
        }
    }
    let mut files = std::mem::take(&mut g.operands);
    if scripts.is_empty() {
        if files.is_empty() {
            return Err((USAGE.to_string(), 1));
        }
        scripts.push(files.remove(0));
    }
    let mut cmds = Vec::new();
    for (n, s) in scripts.iter().enumerate() {
        let mut p = Parser {
            chars: s.chars().collect(),
            at: 0,
            expr: n + 1,
            syntax,
        };
        p.script(&mut cmds, false)?;
    }
    // Blocks: each `{` learns where its `}` is.
    let mut stack = Vec::new();
    for i in 0..cmds.len() {
        match cmds[i].what {
            What::Open(_) => stack.push(i),
            What::Close => {
                let Some(open) = stack.pop() else {
                    return Err(("sed: -e expression #1, char 1: unexpected `}'".into(), 1));
                };
                cmds[open].what = What::Open(i);
            }
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(("sed: -e expression #1, char 0: unmatched `{'".into(), 1));
    }
    let needs_last = cmds
        .iter()
        .any(|c| matches!(c.a1, Some(Addr::Last)) || matches!(c.a2, Some(Addr::Last)));
    let sed = Sed {
        cmds,
        quiet,
        needs_last,
        lineno: 0,
        pending: None,
        active: Vec::new(),
        quit: None,
    };
    Ok(Box::new(Lined::new(sed, files)))
}

/// The first line of GNU sed's usage (the option list after it is left out).
const USAGE: &str = "Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...";

#[derive(Clone, Debug)]
enum Addr {
    Line(u64),
    Last,
    Re(Regex),
    Step(u64, u64),
}

#[derive(Clone, Debug)]
enum What {
    Subst {
        re: Regex,
        repl: Vec<Piece>,
        global: bool,
        nth: usize,
        print: bool,
    },
    Translate(Vec<(char, char)>),
    Print,
    Delete,
    Quit(i32, bool),
    LineNo,
    Append(String),
    Insert(String),
    Change(String),
    /// `{`: the index of its `}` (filled in after parsing).
    Open(usize),
    Close,
}

/// A part of a replacement.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Text(String),
    Group(usize),
}

#[derive(Clone, Debug)]
struct Cmd {
    a1: Option<Addr>,
    a2: Option<Addr>,
    negate: bool,
    what: What,
}

struct Parser {
    chars: Vec<char>,
    at: usize,
    expr: usize,
    syntax: Syntax,
}

impl Parser {
    fn err(&self, msg: &str) -> (String, i32) {
        (
            format!("sed: -e expression #{}, char {}: {msg}", self.expr, self.at),
            1,
        )
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek();
        if c.is_some() {
            self.at += 1;
        }
        c
    }

    fn skip_blanks(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.at += 1;
        }
    }

    fn number(&mut self) -> Option<u64> {
        let s = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.at += 1;
        }
        if self.at == s {
            return None;
        }
        self.chars[s..self.at]
            .iter()
            .collect::<String>()
            .parse()
            .ok()
    }

    /// Text up to the unescaped `delim`, with `\delim` as `delim` (and `\n` a newline
    /// where `newline` asks); the delimiter is consumed.
    fn delimited(&mut self, delim: char, what: &str) -> Result<String, (String, i32)> {
        let mut s = String::new();
        loop {
            match self.bump() {
                None => return Err(self.err(&format!("unterminated {what}"))),
                Some('\\') => match self.bump() {
                    Some(c) if c == delim => s.push(c),
                    Some('n') => s.push_str("\\n"),
                    Some(c) => {
                        s.push('\\');
                        s.push(c);
                    }
                    None => return Err(self.err(&format!("unterminated {what}"))),
                },
                Some(c) if c == delim => return Ok(s),
                Some(c) => s.push(c),
            }
        }
    }

    fn regex(&self, pattern: &str, nocase: bool) -> Result<Regex, (String, i32)> {
        if pattern.is_empty() {
            return Err(self.err("no previous regular expression"));
        }
        re::compile(pattern, self.syntax, nocase).map_err(|e| self.err(&e.0))
    }

    fn address(&mut self) -> Result<Option<Addr>, (String, i32)> {
        match self.peek() {
            Some('$') => {
                self.at += 1;
                Ok(Some(Addr::Last))
            }
            Some(c) if c.is_ascii_digit() => {
                let n = self.number().unwrap_or(0);
                if self.peek() == Some('~') {
                    self.at += 1;
                    let step = self.number().unwrap_or(0);
                    return Ok(Some(Addr::Step(n, step)));
                }
                if n == 0 {
                    return Err(self.err("invalid usage of line address 0"));
                }
                Ok(Some(Addr::Line(n)))
            }
            Some('/') | Some('\\') => {
                let delim = if self.bump() == Some('\\') {
                    self.bump().ok_or_else(|| self.err("unexpected `,'"))?
                } else {
                    '/'
                };
                let pat = self.delimited(delim, "address regex")?;
                let nocase = self.peek() == Some('I');
                if nocase {
                    self.at += 1;
                }
                Ok(Some(Addr::Re(self.regex(&pat, nocase)?)))
            }
            _ => Ok(None),
        }
    }

    /// `a text`, `a\` NEWLINE `text`: the rest of the line.
    fn text_arg(&mut self) -> String {
        self.skip_blanks();
        if self.peek() == Some('\\') {
            self.at += 1;
            if self.peek() == Some('\n') {
                self.at += 1;
            }
        }
        let mut s = String::new();
        while let Some(c) = self.bump() {
            match c {
                '\n' => break,
                '\\' => match self.bump() {
                    Some('n') => s.push('\n'),
                    Some('t') => s.push('\t'),
                    Some(c) => s.push(c),
                    None => {}
                },
                c => s.push(c),
            }
        }
        s
    }

    fn script(&mut self, cmds: &mut Vec<Cmd>, _nested: bool) -> Result<(), (String, i32)> {
        loop {
            while matches!(self.peek(), Some(' ' | '\t' | '\n' | ';')) {
                self.at += 1;
            }
            if self.peek().is_none() {
                return Ok(());
            }
            if self.peek() == Some('#') {
                while !matches!(self.bump(), Some('\n') | None) {}
                continue;
            }
            let a1 = self.address()?;
            let mut a2 = None;
            if a1.is_some() && self.peek() == Some(',') {
                self.at += 1;
                self.skip_blanks();
                a2 = self.address()?;
                if a2.is_none() {
                    return Err(self.err("unexpected `,'"));
                }
            }
            self.skip_blanks();
            let mut negate = false;
            while self.peek() == Some('!') {
                negate = true;
                self.at += 1;
                self.skip_blanks();
            }
            let Some(c) = self.bump() else {
                return Err(self.err("missing command"));
            };
            let what = match c {
                's' => self.subst()?,
                'y' => {
                    let delim = self
                        .bump()
                        .ok_or_else(|| self.err("unterminated `y' command"))?;
                    let from: Vec<char> = unescape(&self.delimited(delim, "`y' command")?);
                    let to: Vec<char> = unescape(&self.delimited(delim, "`y' command")?);
                    if from.len() != to.len() {
                        return Err(self.err("strings for `y' command are different lengths"));
                    }
                    What::Translate(from.into_iter().zip(to).collect())
                }
                'p' => What::Print,
                'd' => What::Delete,
                '=' => What::LineNo,
                'q' | 'Q' => {
                    self.skip_blanks();
                    let code = self.number().unwrap_or(0) as i32;
                    What::Quit(code, c == 'q')
                }
                'a' => What::Append(self.text_arg()),
                'i' => What::Insert(self.text_arg()),
                'c' => What::Change(self.text_arg()),
                '{' => What::Open(0),
                '}' => What::Close,
                'h' | 'H' | 'g' | 'G' | 'x' | 'n' | 'N' | 'P' | 'D' | 'b' | 't' | 'T' | ':'
                | 'w' | 'r' | 'l' | 'z' | 'e' | 'F' | 'R' | 'W' | 'v' => {
                    return Err((format!("sed: the `{c}' command is not simulated yet"), 1));
                }
                other => return Err(self.err(&format!("unknown command: `{other}'"))),
            };
            let open = matches!(what, What::Open(_));
            cmds.push(Cmd {
                a1,
                a2,
                negate,
                what,
            });
            if open {
                continue;
            }
            self.skip_blanks();
            match self.peek() {
                None | Some(';' | '\n' | '}') => {}
                Some('#') => {}
                Some(_) => return Err(self.err("extra characters after command")),
            }
        }
    }

    fn subst(&mut self) -> Result<What, (String, i32)> {
        let delim = self
            .bump()
            .ok_or_else(|| self.err("unterminated `s' command"))?;
        if delim == '\n' || delim == '\\' {
            return Err(self.err("unterminated `s' command"));
        }
        let pat = self.delimited(delim, "`s' command")?;
        let raw = self.delimited(delim, "`s' command")?;
        let (mut global, mut nth, mut print, mut nocase) = (false, 1usize, false, false);
        loop {
            match self.peek() {
                Some('g') => global = true,
                Some('p') => print = true,
                Some('i' | 'I') => nocase = true,
                Some(c) if c.is_ascii_digit() => {
                    nth = self.number().unwrap_or(1) as usize;
                    if nth == 0 {
                        return Err(self.err("number option to `s' command may not be zero"));
                    }
                    continue;
                }
                None | Some(';' | '\n' | '}' | ' ' | '\t' | '#') => break,
                Some('w' | 'e' | 'm' | 'M') => {
                    let c = self.peek().unwrap_or_default();
                    return Err((format!("sed: the `s' flag `{c}' is not simulated yet"), 1));
                }
                Some(_) => {
                    self.at += 1;
                    return Err(self.err("unknown option to `s'"));
                }
            }
            self.at += 1;
        }
        let re = self.regex(&pat, nocase)?;
        // The replacement: & the match, \N a group, \n a newline, \X a plain X.
        let mut repl = Vec::new();
        let mut text = String::new();
        let mut chars = raw.chars();
        while let Some(c) = chars.next() {
            match c {
                '&' => {
                    repl.push(Piece::Text(std::mem::take(&mut text)));
                    repl.push(Piece::Group(0));
                }
                '\\' => match chars.next() {
                    Some(d @ '0'..='9') => {
                        let n = d.to_digit(10).expect("digit") as usize;
                        if n > re.captures_len() - 1 {
                            return Err(
                                self.err(&format!("invalid reference \\{n} on `s' command's RHS"))
                            );
                        }
                        repl.push(Piece::Text(std::mem::take(&mut text)));
                        repl.push(Piece::Group(n));
                    }
                    Some('n') => text.push('\n'),
                    Some('t') => text.push('\t'),
                    Some(c @ ('U' | 'L' | 'u' | 'l' | 'E')) => {
                        return Err((
                            format!("sed: case conversion (\\{c}) is not simulated yet"),
                            1,
                        ));
                    }
                    Some(c) => text.push(c),
                    None => text.push('\\'),
                },
                c => text.push(c),
            }
        }
        repl.push(Piece::Text(text));
        repl.retain(|p| *p != Piece::Text(String::new()));
        Ok(What::Subst {
            re,
            repl,
            global,
            nth,
            print,
        })
    }
}

/// `y` strings: `\n`, `\\`, `\t`.
fn unescape(s: &str) -> Vec<char> {
    let mut out = Vec::new();
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(c) => out.push(c),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[derive(Debug)]
pub struct Sed {
    cmds: Vec<Cmd>,
    quiet: bool,
    /// The script has a `$` address: a line waits for the next to know if it is last.
    needs_last: bool,
    lineno: u64,
    pending: Option<String>,
    /// Per command: whether its range is open, and until which line for `A,N`.
    active: Vec<bool>,
    quit: Option<i32>,
}

impl Sed {
    fn matches(addr: &Addr, n: u64, last: bool, text: &str) -> bool {
        match addr {
            Addr::Line(l) => *l == n,
            Addr::Last => last,
            Addr::Re(re) => re.is_match(text),
            Addr::Step(first, step) => {
                if *step == 0 {
                    n == *first
                } else {
                    n >= *first && (n - first) % step == 0
                }
            }
        }
    }

    /// Whether command `i` applies to line `n` (range state kept in `active`).
    fn selects(&mut self, i: usize, n: u64, last: bool, text: &str) -> bool {
        let c = &self.cmds[i];
        let hit = match (&c.a1, &c.a2) {
            (None, _) => true,
            (Some(a), None) => Self::matches(a, n, last, text),
            (Some(a1), Some(a2)) => {
                if self.active[i] {
                    let end = match a2 {
                        Addr::Line(l) => n >= *l,
                        a => Self::matches(a, n, last, text),
                    };
                    if end {
                        self.active[i] = false;
                    }
                    true
                } else if Self::matches(a1, n, last, text) {
                    // A line-number end at or before the start closes the range at once.
                    self.active[i] = match a2 {
                        Addr::Line(l) => *l > n,
                        Addr::Last => !last,
                        _ => true,
                    };
                    true
                } else {
                    false
                }
            }
        };
        hit != c.negate
    }

    /// Runs the script over one line (without its newline; `nl` whether it had one).
    fn cycle(&mut self, line: &str, nl: bool, last: bool, out: &mut Out) -> Flow {
        self.lineno += 1;
        let n = self.lineno;
        if self.active.len() < self.cmds.len() {
            self.active = vec![false; self.cmds.len()];
        }
        let mut ps = line.to_string();
        let mut append = String::new();
        let mut i = 0;
        let mut deleted = false;
        let eol = if nl { "\n" } else { "" };
        while i < self.cmds.len() {
            if !self.selects(i, n, last, &ps) {
                if let What::Open(close) = self.cmds[i].what {
                    i = close + 1;
                    continue;
                }
                i += 1;
                continue;
            }
            match &self.cmds[i].what {
                What::Subst {
                    re,
                    repl,
                    global,
                    nth,
                    print,
                } => {
                    let mut result = String::new();
                    let mut last_end = 0;
                    let mut count = 0;
                    let mut changed = false;
                    for caps in re.captures_iter(&ps) {
                        let m = caps.get(0).expect("group 0");
                        count += 1;
                        if count < *nth {
                            continue;
                        }
                        result.push_str(&ps[last_end..m.start()]);
                        for p in repl {
                            match p {
                                Piece::Text(t) => result.push_str(t),
                                Piece::Group(g) => {
                                    result.push_str(caps.get(*g).map_or("", |m| m.as_str()))
                                }
                            }
                        }
                        last_end = m.end();
                        changed = true;
                        if !global {
                            break;
                        }
                    }
                    if changed {
                        result.push_str(&ps[last_end..]);
                        ps = result;
                        if *print {
                            out.stdout.push_str(&ps);
                            out.stdout.push('\n');
                        }
                    }
                }
                What::Translate(pairs) => {
                    ps = ps
                        .chars()
                        .map(|c| pairs.iter().find(|(f, _)| *f == c).map_or(c, |(_, t)| *t))
                        .collect();
                }
                What::Print => {
                    out.stdout.push_str(&ps);
                    out.stdout.push('\n');
                }
                What::Delete => {
                    deleted = true;
                    break;
                }
                What::LineNo => out.stdout.push_str(&format!("{n}\n")),
                What::Append(t) => {
                    append.push_str(t);
                    append.push('\n');
                }
                What::Insert(t) => {
                    out.stdout.push_str(t);
                    out.stdout.push('\n');
                }
                What::Change(t) => {
                    // In a range, the text once at its end.
                    if self.cmds[i].a2.is_none() || !self.active[i] || self.cmds[i].negate {
                        out.stdout.push_str(t);
                        out.stdout.push('\n');
                    }
                    deleted = true;
                    break;
                }
                What::Quit(code, print) => {
                    if *print && !self.quiet {
                        out.stdout.push_str(&ps);
                        out.stdout.push_str(eol);
                    }
                    out.stdout.push_str(&append);
                    self.quit = Some(*code);
                    return Flow::Exit(*code);
                }
                What::Open(_) | What::Close => {}
            }
            i += 1;
        }
        if !deleted && !self.quiet {
            out.stdout.push_str(&ps);
            out.stdout.push_str(eol);
        }
        out.stdout.push_str(&append);
        Flow::Go
    }
}

impl Lines for Sed {
    fn line(&mut self, line: &str, out: &mut Out) -> Flow {
        if !self.needs_last {
            let (body, nl) = match line.strip_suffix('\n') {
                Some(b) => (b, true),
                None => (line, false),
            };
            return self.cycle(body, nl, false, out);
        }
        let prev = self.pending.replace(line.to_string());
        match prev {
            Some(p) => {
                let (body, nl) = match p.strip_suffix('\n') {
                    Some(b) => (b.to_string(), true),
                    None => (p.clone(), false),
                };
                self.cycle(&body, nl, false, out)
            }
            None => Flow::Go,
        }
    }

    fn finish(&mut self, failed: bool, out: &mut Out) -> i32 {
        if let Some(p) = self.pending.take() {
            let (body, nl) = match p.strip_suffix('\n') {
                Some(b) => (b.to_string(), true),
                None => (p.clone(), false),
            };
            if let Flow::Exit(c) = self.cycle(&body, nl, true, out) {
                return c;
            }
        }
        if failed { 2 } else { 0 }
    }

    fn cannot_open(&self, path: &str, err: OpenError) -> (String, Option<i32>) {
        (format!("sed: can't read {path}: {}", err.text()), None)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{check, check_with};
    use std::collections::BTreeMap;

    fn out(cmd: &str, input: &str) -> String {
        check(cmd, input).0
    }

    /// Cases after GNU sed's testsuite and manual examples.
    #[test]
    fn substitutes() {
        assert_eq!(
            out("sed s/nameserver/ns/", "nameserver 10.0.0.10\n"),
            "ns 10.0.0.10\n"
        );
        assert_eq!(out("sed 's/a/b/g'", "aaa\n"), "bbb\n");
        assert_eq!(out("sed 's/a/b/2'", "aaa\n"), "aba\n");
        assert_eq!(out("sed 's/a/b/2g'", "aaaa\n"), "abbb\n");
        assert_eq!(out("sed 's|/|:|g'", "/a/b\n"), ":a:b\n");
        assert_eq!(
            out("sed 's/\\([0-9]*\\)\\.\\([0-9]*\\)/\\2.\\1/'", "10.20\n"),
            "20.10\n"
        );
        assert_eq!(
            out("sed -E 's/([a-z]+) ([a-z]+)/\\2 \\1/'", "hello world\n"),
            "world hello\n"
        );
        assert_eq!(out("sed 's/o/[&]/g'", "foo\n"), "f[o][o]\n");
        assert_eq!(out("sed 's/x/\\n/'", "axb\n"), "a\nb\n");
        assert_eq!(out("sed 's/A/b/I'", "a\n"), "b\n");
        assert_eq!(out("sed -n 's/a/b/p'", "a\nc\n"), "b\n");
        assert_eq!(out("sed -e s/a/b/ -e s/b/c/", "a\n"), "c\n");
        assert_eq!(out("sed 's/a/b/;s/b/c/'", "a\n"), "c\n");
        // No newline after the last line in, none out.
        assert_eq!(out("sed s/a/b/", "a\na"), "b\nb");
        assert_eq!(out("sed 'y/abc/xyz/'", "aabbcc\n"), "xxyyzz\n");
    }

    #[test]
    fn addresses_and_commands() {
        let t = "1\n2\n3\n4\n5\n";
        assert_eq!(out("sed -n 2p", t), "2\n");
        assert_eq!(out("sed -n '$p'", t), "5\n");
        assert_eq!(out("sed 2d", t), "1\n3\n4\n5\n");
        assert_eq!(out("sed 2,4d", t), "1\n5\n");
        assert_eq!(out("sed '3,$d'", t), "1\n2\n");
        assert_eq!(out("sed -n '/2/,/4/p'", t), "2\n3\n4\n");
        assert_eq!(out("sed -n '4,2p'", t), "4\n");
        assert_eq!(out("sed '/3/!d'", t), "3\n");
        assert_eq!(out("sed -n '1~2p'", t), "1\n3\n5\n");
        assert_eq!(out("sed 2q", t), "1\n2\n");
        assert_eq!(out("sed -n '/3/{p;p}'", t), "3\n3\n");
        assert_eq!(out("sed -n '$='", t), "5\n");
        assert_eq!(out("sed '2i\\\nnew'", "a\nb\n"), "a\nnew\nb\n");
        assert_eq!(out("sed '1a after'", "a\nb\n"), "a\nafter\nb\n");
        assert_eq!(out("sed '2c changed'", "a\nb\n"), "a\nchanged\n");
        assert_eq!(out("sed '\\,b,d'", "a\nb\n"), "a\n");
        assert_eq!(check("sed 1q5", t), ("1\n".into(), String::new(), 5));
    }

    #[test]
    fn errors_in_gnu_words() {
        assert_eq!(
            check("sed s/a/b", "").1,
            "sed: -e expression #1, char 5: unterminated `s' command\n"
        );
        assert_eq!(
            check("sed k", "").1,
            "sed: -e expression #1, char 1: unknown command: `k'\n"
        );
        assert_eq!(
            check("sed s/a/b/z", "").1,
            "sed: -e expression #1, char 7: unknown option to `s'\n"
        );
        assert_eq!(
            check("sed", ""),
            (
                String::new(),
                "Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n".into(),
                1
            )
        );
        assert_eq!(
            check("sed -i s/a/b/ f", "").1,
            "sed: -i is not simulated yet\n"
        );
        assert_eq!(
            check("sed h", "").1,
            "sed: the `h' command is not simulated yet\n"
        );
        let mut files = BTreeMap::new();
        files.insert("/f".to_string(), "a\n".to_string());
        assert_eq!(
            check_with("sed s/a/b/ /nope /f", "", false, &mut files),
            (
                "b\n".into(),
                "sed: can't read /nope: No such file or directory\n".into(),
                2
            )
        );
    }
}
