//! `awk [-F FS] [-v VAR=VALUE]... 'PROGRAM' [FILE]...`: a POSIX awk subset as gawk runs it.
//!
//! Patterns `BEGIN`, `END`, expressions, `/RE/` and `P1,P2` ranges; actions with `print`,
//! `printf`, assignments (`= += -= *= /= %= ^=`, `++`, `--`), `if`/`else`, `while`, `do`,
//! `for (;;)`, `for (k in a)`, `next`, `exit`, `break`, `continue`, `delete`; expressions
//! with fields (`$0`, `$N`, `$NF`, `$(i+1)`), `NR`, `NF`, `FNR`, `FS`, `OFS`, `ORS`,
//! `FILENAME`, associative arrays, concatenation, arithmetic, comparisons (numeric when
//! both sides look numeric, as awk's strnums), `~ !~`, `&& || !`, `?:`, `in`; functions
//! `length substr index split sub gsub match tolower toupper sprintf int sqrt`.
//!
//! `for (k in a)` visits keys in sorted order (gawk's order is its hash's). Not simulated
//! (said so): user functions, `getline`, output redirection (`>`, `|`), `-f PROGFILE`.

use std::collections::BTreeMap;

use regex::Regex;

use super::re::{self, Syntax};
use super::{Filter, Flow, Getopt, Lined, Lines, OpenError, Opt, Out};

/// The filter for awk's argv (after `awk`).
pub fn parse(args: &[String], busybox: bool) -> Result<Box<dyn Filter>, (String, i32)> {
    let mut fs = None;
    let mut assigns = Vec::new();
    let mut g = Getopt::new(args);
    // awk's options end at the program: the rest are operands.
    let mut program = None;
    while let Some(o) = g.next() {
        match o {
            Opt::Short('F') => fs = g.value(),
            Opt::Short('v') => match g.value().and_then(|v| {
                v.split_once('=')
                    .map(|(k, v)| (k.to_string(), v.to_string()))
            }) {
                Some(kv) => assigns.push(kv),
                None => return Err(("awk: `-v' argument is not in `var=value' form".into(), 2)),
            },
            o @ (Opt::Short('f') | Opt::Long("file", _)) => {
                return Err(super::not_simulated("awk", &o));
            }
            o if busybox => {
                return Err(super::busybox_bad_option(
                    "awk",
                    "[OPTIONS] [AWK_PROGRAM] [FILE]...",
                    &o,
                ));
            }
            o => {
                let what = match o {
                    Opt::Short(c) => format!("invalid option -- '{c}'"),
                    Opt::Long(l, _) => format!("unrecognized option '--{l}'"),
                };
                return Err((format!("awk: {what}\n{USAGE}"), 2));
            }
        }
        if !g.operands.is_empty() {
            break;
        }
    }
    let mut ops = g.rest_operands();
    if program.is_none() && !ops.is_empty() {
        program = Some(ops.remove(0));
    }
    let Some(src) = program else {
        return Err((USAGE.to_string(), 2));
    };
    let items = Parser::new(&src)?.program()?;
    let mut vars = BTreeMap::new();
    let fs = fs.map(|f| {
        if f == "t" || f == "\\t" {
            "\t".to_string()
        } else {
            f
        }
    });
    vars.insert("FS".to_string(), Val::str(fs.unwrap_or_else(|| " ".into())));
    vars.insert("OFS".to_string(), Val::str(" "));
    vars.insert("ORS".to_string(), Val::str("\n"));
    vars.insert("SUBSEP".to_string(), Val::str("\x1c"));
    for (k, v) in assigns {
        vars.insert(k, Val::strnum(v));
    }
    let awk = Awk {
        items,
        vars,
        arrays: BTreeMap::new(),
        fields: vec![String::new()],
        nr: 0,
        fnr: 0,
        in_range: Vec::new(),
        began: false,
        exit: None,
        regexes: BTreeMap::new(),
        busybox,
    };
    Ok(Box::new(Lined::new(awk, ops)))
}

const USAGE: &str = "Usage: awk [POSIX or GNU style options] -f progfile [--] file ...\nUsage: awk [POSIX or GNU style options] [--] 'program' file ...";

/// An awk value: a number, a string, or a string from input that compares as a number
/// when it looks like one (a strnum).
#[derive(Clone, Debug, PartialEq)]
enum Val {
    Num(f64),
    Str(String, bool),
}

impl Val {
    fn str(s: impl Into<String>) -> Val {
        Val::Str(s.into(), false)
    }
    fn strnum(s: impl Into<String>) -> Val {
        Val::Str(s.into(), true)
    }
    fn num(&self) -> f64 {
        match self {
            Val::Num(n) => *n,
            Val::Str(s, _) => leading_number(s),
        }
    }
    fn text(&self) -> String {
        match self {
            Val::Num(n) => num_text(*n),
            Val::Str(s, _) => s.clone(),
        }
    }
    fn truthy(&self) -> bool {
        match self {
            Val::Num(n) => *n != 0.0,
            Val::Str(s, true) if looks_numeric(s) => leading_number(s) != 0.0,
            Val::Str(s, _) => !s.is_empty(),
        }
    }
    /// Whether it compares as a number.
    fn numeric(&self) -> bool {
        match self {
            Val::Num(_) => true,
            Val::Str(s, true) => looks_numeric(s),
            Val::Str(..) => false,
        }
    }
}

/// A number as awk prints it: integers whole, others as `%.6g`.
fn num_text(n: f64) -> String {
    if n == n.trunc() && n.abs() < 1e16 {
        format!("{}", n as i64)
    } else if n.is_nan() {
        "nan".into()
    } else if n.is_infinite() {
        if n > 0.0 { "inf" } else { "-inf" }.into()
    } else {
        let s = super::generate::c_general(n.abs(), 6, false, false);
        if n < 0.0 { format!("-{s}") } else { s }
    }
}

fn looks_numeric(s: &str) -> bool {
    let t = s.trim_matches([' ', '\t', '\n']);
    !t.is_empty()
        && t.parse::<f64>().is_ok()
        && !t
            .chars()
            .any(|c| c.is_ascii_alphabetic() && c != 'e' && c != 'E')
}

/// strtod's reading of the start of `s` (0 if none).
fn leading_number(s: &str) -> f64 {
    let t = s.trim_start_matches([' ', '\t', '\n']);
    let b = t.as_bytes();
    let mut end = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        end = 1;
    }
    let digits = end;
    while end < b.len() && b[end].is_ascii_digit() {
        end += 1;
    }
    if end < b.len() && b[end] == b'.' {
        end += 1;
        while end < b.len() && b[end].is_ascii_digit() {
            end += 1;
        }
    }
    if end == digits || &t[digits..end] == "." {
        return 0.0;
    }
    if end < b.len() && (b[end] == b'e' || b[end] == b'E') {
        let mut e = end + 1;
        if matches!(b.get(e), Some(b'+' | b'-')) {
            e += 1;
        }
        if b.get(e).is_some_and(|c| c.is_ascii_digit()) {
            while e < b.len() && b[e].is_ascii_digit() {
                e += 1;
            }
            end = e;
        }
    }
    t[..end].parse().unwrap_or(0.0)
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Ere(String),
    Name(String),
    Builtin(String),
    Kw(&'static str),
    Punct(&'static str),
    Newline,
    Eof,
}

const KEYWORDS: [&str; 16] = [
    "BEGIN", "END", "if", "else", "while", "for", "do", "in", "next", "exit", "break", "continue",
    "delete", "print", "printf", "getline",
];
const BUILTINS: [&str; 13] = [
    "length", "substr", "index", "split", "sub", "gsub", "match", "tolower", "toupper", "sprintf",
    "int", "sqrt", "system",
];
const PUNCT: [&str; 35] = [
    "+=", "-=", "*=", "/=", "%=", "^=", "==", "<=", ">=", "!=", "++", "--", "&&", "||", "!~", ">>",
    "{", "}", "(", ")", "[", "]", ";", ",", "+", "-", "*", "/", "%", "^", "!", ">", "<", "|", "?",
];

fn lex(src: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = src.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // Whether a `/` here starts a regex: not after an operand.
        let operand_before = matches!(
            toks.last(),
            Some(
                Tok::Num(_)
                    | Tok::Str(_)
                    | Tok::Name(_)
                    | Tok::Builtin(_)
                    | Tok::Punct(")" | "]" | "++" | "--")
            )
        ) || matches!(toks.last(), Some(Tok::Kw("$")));
        match c {
            ' ' | '\t' | '\r' => i += 1,
            '\\' if chars.get(i + 1) == Some(&'\n') => i += 2,
            '\n' => {
                toks.push(Tok::Newline);
                i += 1;
            }
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '"' => {
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None | Some('\n') => return Err("unterminated string".into()),
                        Some('"') => break,
                        Some('\\') => {
                            i += 1;
                            match chars.get(i) {
                                Some('n') => s.push('\n'),
                                Some('t') => s.push('\t'),
                                Some('r') => s.push('\r'),
                                Some('\\') => s.push('\\'),
                                Some('"') => s.push('"'),
                                Some('/') => s.push('/'),
                                Some(c) => {
                                    s.push('\\');
                                    s.push(*c);
                                }
                                None => return Err("unterminated string".into()),
                            }
                        }
                        Some(c) => s.push(*c),
                    }
                    i += 1;
                }
                i += 1;
                toks.push(Tok::Str(s));
            }
            '/' if !operand_before => {
                let mut s = String::new();
                i += 1;
                let mut in_bracket = false;
                loop {
                    match chars.get(i) {
                        None | Some('\n') => return Err("unterminated regexp".into()),
                        Some('/') if !in_bracket => break,
                        Some('\\') if chars.get(i + 1) == Some(&'/') => {
                            s.push('/');
                            i += 1;
                        }
                        Some('\\') => {
                            s.push('\\');
                            if let Some(n) = chars.get(i + 1) {
                                s.push(*n);
                                i += 1;
                            }
                        }
                        Some('[') => {
                            in_bracket = true;
                            s.push('[');
                        }
                        Some(']') => {
                            in_bracket = false;
                            s.push(']');
                        }
                        Some(c) => s.push(*c),
                    }
                    i += 1;
                }
                i += 1;
                toks.push(Tok::Ere(s));
            }
            '$' => {
                toks.push(Tok::Kw("$"));
                i += 1;
            }
            c if c.is_ascii_digit()
                || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())) =>
            {
                let s = i;
                while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                    i += 1;
                }
                if i < chars.len() && (chars[i] == 'e' || chars[i] == 'E') {
                    let mut j = i + 1;
                    if matches!(chars.get(j), Some('+' | '-')) {
                        j += 1;
                    }
                    if chars.get(j).is_some_and(|d| d.is_ascii_digit()) {
                        i = j;
                        while i < chars.len() && chars[i].is_ascii_digit() {
                            i += 1;
                        }
                    }
                }
                let t: String = chars[s..i].iter().collect();
                toks.push(Tok::Num(leading_number(&t)));
            }
            c if c.is_alphabetic() || c == '_' => {
                let s = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let w: String = chars[s..i].iter().collect();
                if let Some(k) = KEYWORDS.iter().find(|k| **k == w) {
                    toks.push(Tok::Kw(k));
                } else if w == "function" || w == "func" || w == "return" {
                    return Err("user-defined functions are not simulated yet".into());
                } else if BUILTINS.contains(&w.as_str()) {
                    toks.push(Tok::Builtin(w));
                } else {
                    toks.push(Tok::Name(w));
                }
            }
            _ => {
                let rest: String = chars[i..chars.len().min(i + 2)].iter().collect();
                let Some(p) = PUNCT
                    .iter()
                    .chain(["~", "=", ":"].iter())
                    .find(|p| rest.starts_with(**p))
                else {
                    return Err(format!("invalid char '{c}' in expression"));
                };
                toks.push(Tok::Punct(p));
                i += p.chars().count();
            }
        }
    }
    toks.push(Tok::Eof);
    Ok(toks)
}

#[derive(Clone, Debug)]
enum Expr {
    Num(f64),
    Str(String),
    /// `/RE/` alone: whether $0 matches.
    Re(Regex),
    Var(String),
    Field(Box<Expr>),
    Index(String, Vec<Expr>),
    In(Vec<Expr>, String),
    Assign(Box<Expr>, Option<&'static str>, Box<Expr>),
    Incr(Box<Expr>, f64, bool),
    Bin(&'static str, Box<Expr>, Box<Expr>),
    Match(bool, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    Concat(Box<Expr>, Box<Expr>),
    Call(String, Vec<Expr>),
}

#[derive(Clone, Debug)]
enum Stmt {
    Expr(Expr),
    Print(Vec<Expr>),
    Printf(Vec<Expr>),
    If(Expr, Box<Stmt>, Option<Box<Stmt>>),
    While(Expr, Box<Stmt>),
    Do(Box<Stmt>, Expr),
    For(
        Option<Box<Stmt>>,
        Option<Expr>,
        Option<Box<Stmt>>,
        Box<Stmt>,
    ),
    ForIn(String, String, Box<Stmt>),
    Block(Vec<Stmt>),
    Next,
    Exit(Option<Expr>),
    Break,
    Continue,
    Delete(String, Option<Vec<Expr>>),
}

#[derive(Clone, Debug)]
enum Pattern {
    Begin,
    End,
    All,
    Expr(Expr),
    Range(Expr, Expr),
}

#[derive(Clone, Debug)]
struct Item {
    pattern: Pattern,
    /// None: print $0.
    action: Option<Vec<Stmt>>,
}

struct Parser {
    toks: Vec<Tok>,
    at: usize,
    src: String,
    /// Inside an unparenthesized print list: `>` is a redirection, `in` ...
    no_gt: bool,
    no_in: bool,
}

type PResult<T> = Result<T, (String, i32)>;

impl Parser {
    fn new(src: &str) -> PResult<Parser> {
        let toks = lex(src).map_err(|m| Self::error(src, &m))?;
        Ok(Parser {
            toks,
            at: 0,
            src: src.to_string(),
            no_gt: false,
            no_in: false,
        })
    }

    /// gawk's syntax error: the program's line, and a caret under the end.
    fn error(src: &str, msg: &str) -> (String, i32) {
        let line = src.lines().last().unwrap_or_default();
        (
            format!(
                "awk: cmd. line:1: {line}\nawk: cmd. line:1: {}^ {msg}",
                " ".repeat(line.chars().count())
            ),
            1,
        )
    }

    fn fail<T>(&self, msg: &str) -> PResult<T> {
        Err(Self::error(&self.src, msg))
    }

    fn peek(&self) -> &Tok {
        &self.toks[self.at]
    }

    fn next(&mut self) -> Tok {
        let t = self.toks[self.at].clone();
        if self.at + 1 < self.toks.len() {
            self.at += 1;
        }
        t
    }

    fn is(&self, p: &str) -> bool {
        matches!(self.peek(), Tok::Punct(q) | Tok::Kw(q) if *q == p)
    }

    fn eat(&mut self, p: &str) -> bool {
        if self.is(p) {
            self.next();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, p: &str) -> PResult<()> {
        if self.eat(p) {
            Ok(())
        } else {
            self.fail("syntax error")
        }
    }

    fn newlines(&mut self) {
        while matches!(self.peek(), Tok::Newline) || self.is(";") && false {
            self.next();
        }
    }

    fn program(&mut self) -> PResult<Vec<Item>> {
        let mut items = Vec::new();
        loop {
            while matches!(self.peek(), Tok::Newline) || self.is(";") {
                self.next();
            }
            if *self.peek() == Tok::Eof {
                return Ok(items);
            }
            let pattern = if self.eat("BEGIN") {
                Pattern::Begin
            } else if self.eat("END") {
                Pattern::End
            } else if self.is("{") {
                Pattern::All
            } else {
                let e = self.expr()?;
                if self.eat(",") {
                    self.newlines();
                    Pattern::Range(e, self.expr()?)
                } else {
                    Pattern::Expr(e)
                }
            };
            let action = if self.is("{") {
                Some(self.block()?)
            } else {
                if matches!(pattern, Pattern::Begin | Pattern::End) {
                    return self.fail("each rule must have a pattern or an action part");
                }
                None
            };
            items.push(Item { pattern, action });
        }
    }

    fn block(&mut self) -> PResult<Vec<Stmt>> {
        self.expect("{")?;
        let mut stmts = Vec::new();
        loop {
            while matches!(self.peek(), Tok::Newline) || self.is(";") {
                self.next();
            }
            if self.eat("}") {
                return Ok(stmts);
            }
            if *self.peek() == Tok::Eof {
                return self.fail("unexpected newline or end of string");
            }
            stmts.push(self.stmt()?);
        }
    }

    /// A statement's end: `;`, a newline, or before `}`.
    fn end_simple(&mut self) -> PResult<()> {
        if self.eat(";") || matches!(self.peek(), Tok::Newline) {
            if matches!(self.peek(), Tok::Newline) {
                self.next();
            }
            return Ok(());
        }
        if self.is("}") || *self.peek() == Tok::Eof {
            return Ok(());
        }
        self.fail("syntax error")
    }

    fn body(&mut self) -> PResult<Stmt> {
        while matches!(self.peek(), Tok::Newline) {
            self.next();
        }
        if self.eat(";") {
            return Ok(Stmt::Block(Vec::new()));
        }
        self.stmt()
    }

    fn stmt(&mut self) -> PResult<Stmt> {
        if self.is("{") {
            return Ok(Stmt::Block(self.block()?));
        }
        if self.eat("if") {
            self.expect("(")?;
            let c = self.expr()?;
            self.expect(")")?;
            let then = self.body()?;
            // `else` may follow newlines and a `;`.
            let save = self.at;
            while matches!(self.peek(), Tok::Newline) || self.is(";") {
                self.next();
            }
            if self.eat("else") {
                let e = self.body()?;
                return Ok(Stmt::If(c, Box::new(then), Some(Box::new(e))));
            }
            self.at = save;
            return Ok(Stmt::If(c, Box::new(then), None));
        }
        if self.eat("while") {
            self.expect("(")?;
            let c = self.expr()?;
            self.expect(")")?;
            if self.is(";") {
                self.next();
                return Ok(Stmt::While(c, Box::new(Stmt::Block(Vec::new()))));
            }
            return Ok(Stmt::While(c, Box::new(self.body()?)));
        }
        if self.eat("do") {
            let b = self.body()?;
            while matches!(self.peek(), Tok::Newline) || self.is(";") {
                self.next();
            }
            self.expect("while")?;
            self.expect("(")?;
            let c = self.expr()?;
            self.expect(")")?;
            self.end_simple()?;
            return Ok(Stmt::Do(Box::new(b), c));
        }
        if self.eat("for") {
            self.expect("(")?;
            // for (k in a)
            if let (Tok::Name(k), Tok::Kw("in"), Tok::Name(a), Tok::Punct(")")) = (
                self.toks[self.at].clone(),
                self.toks[self.at + 1].clone(),
                self.toks.get(self.at + 2).cloned().unwrap_or(Tok::Eof),
                self.toks.get(self.at + 3).cloned().unwrap_or(Tok::Eof),
            ) {
                self.at += 4;
                return Ok(Stmt::ForIn(k, a, Box::new(self.body()?)));
            }
            let init = if self.is(";") {
                None
            } else {
                Some(Box::new(Stmt::Expr(self.expr()?)))
            };
            self.expect(";")?;
            self.newlines();
            let cond = if self.is(";") {
                None
            } else {
                Some(self.expr()?)
            };
            self.expect(";")?;
            self.newlines();
            let step = if self.is(")") {
                None
            } else {
                Some(Box::new(Stmt::Expr(self.expr()?)))
            };
            self.expect(")")?;
            return Ok(Stmt::For(init, cond, step, Box::new(self.body()?)));
        }
        let s = if self.eat("next") {
            Stmt::Next
        } else if self.eat("break") {
            Stmt::Break
        } else if self.eat("continue") {
            Stmt::Continue
        } else if self.eat("exit") {
            if self.is(";") || self.is("}") || matches!(self.peek(), Tok::Newline | Tok::Eof) {
                Stmt::Exit(None)
            } else {
                Stmt::Exit(Some(self.expr()?))
            }
        } else if self.eat("delete") {
            let Tok::Name(a) = self.next() else {
                return self.fail("syntax error");
            };
            if self.eat("[") {
                let idx = self.expr_list("]")?;
                Stmt::Delete(a, Some(idx))
            } else {
                Stmt::Delete(a, None)
            }
        } else if self.is("print") || self.is("printf") {
            let printf = self.next() == Tok::Kw("printf");
            if self.is(">") || self.is(">>") || self.is("|") {
                return Err((
                    "awk: output redirection (> >> |) is not simulated yet".into(),
                    2,
                ));
            }
            let args = if self.is(";")
                || self.is("}")
                || matches!(self.peek(), Tok::Newline | Tok::Eof)
            {
                Vec::new()
            } else if self.is("(") {
                // `print (a, b)` or `print (a)(b)`: try the grouped list first.
                let save = self.at;
                self.next();
                let list = self.expr_list(")")?;
                if self.is(";") || self.is("}") || matches!(self.peek(), Tok::Newline | Tok::Eof) {
                    list
                } else {
                    self.at = save;
                    self.print_list()?
                }
            } else {
                self.print_list()?
            };
            if self.is(">") || self.is(">>") || self.is("|") {
                return Err((
                    "awk: output redirection (> >> |) is not simulated yet".into(),
                    2,
                ));
            }
            if printf {
                if args.is_empty() {
                    return self.fail("syntax error");
                }
                Stmt::Printf(args)
            } else {
                Stmt::Print(args)
            }
        } else if self.is("getline") {
            return Err(("awk: getline is not simulated yet".into(), 2));
        } else {
            Stmt::Expr(self.expr()?)
        };
        self.end_simple()?;
        Ok(s)
    }

    fn print_list(&mut self) -> PResult<Vec<Expr>> {
        self.no_gt = true;
        let mut v = vec![self.expr()?];
        while self.eat(",") {
            self.newlines();
            v.push(self.expr()?);
        }
        self.no_gt = false;
        Ok(v)
    }

    fn expr_list(&mut self, close: &str) -> PResult<Vec<Expr>> {
        let (gt, inn) = (self.no_gt, self.no_in);
        self.no_gt = false;
        self.no_in = false;
        let mut v = Vec::new();
        self.newlines();
        if !self.eat(close) {
            loop {
                v.push(self.expr()?);
                self.newlines();
                if self.eat(close) {
                    break;
                }
                self.expect(",")?;
                self.newlines();
            }
        }
        self.no_gt = gt;
        self.no_in = inn;
        Ok(v)
    }

    fn expr(&mut self) -> PResult<Expr> {
        self.ternary()
    }

    fn ternary(&mut self) -> PResult<Expr> {
        let c = self.or()?;
        if self.eat("?") {
            self.newlines();
            let a = self.ternary()?;
            self.newlines();
            self.expect(":")?;
            self.newlines();
            let b = self.ternary()?;
            return Ok(Expr::Cond(Box::new(c), Box::new(a), Box::new(b)));
        }
        // Assignment: the left side must be an lvalue.
        for op in ["=", "+=", "-=", "*=", "/=", "%=", "^="] {
            if self.is(op) {
                if !matches!(c, Expr::Var(_) | Expr::Field(_) | Expr::Index(..)) {
                    return self.fail("syntax error");
                }
                self.next();
                self.newlines();
                let rhs = self.ternary()?;
                let bin = match op {
                    "=" => None,
                    "+=" => Some("+"),
                    "-=" => Some("-"),
                    "*=" => Some("*"),
                    "/=" => Some("/"),
                    "%=" => Some("%"),
                    _ => Some("^"),
                };
                return Ok(Expr::Assign(Box::new(c), bin, Box::new(rhs)));
            }
        }
        Ok(c)
    }

    fn or(&mut self) -> PResult<Expr> {
        let mut l = self.and()?;
        while self.eat("||") {
            self.newlines();
            l = Expr::Or(Box::new(l), Box::new(self.and()?));
        }
        Ok(l)
    }

    fn and(&mut self) -> PResult<Expr> {
        let mut l = self.in_expr()?;
        while self.eat("&&") {
            self.newlines();
            l = Expr::And(Box::new(l), Box::new(self.in_expr()?));
        }
        Ok(l)
    }

    fn in_expr(&mut self) -> PResult<Expr> {
        let mut l = self.matching()?;
        while !self.no_in && self.is("in") {
            self.next();
            let Tok::Name(a) = self.next() else {
                return self.fail("syntax error");
            };
            l = Expr::In(vec![l], a);
        }
        Ok(l)
    }

    fn matching(&mut self) -> PResult<Expr> {
        let mut l = self.comparison()?;
        loop {
            let neg = if self.eat("~") {
                false
            } else if self.eat("!~") {
                true
            } else {
                return Ok(l);
            };
            let r = self.comparison()?;
            l = Expr::Match(neg, Box::new(l), Box::new(r));
        }
    }

    fn comparison(&mut self) -> PResult<Expr> {
        let l = self.concat()?;
        for op in ["<=", ">=", "==", "!=", "<", ">"] {
            if op == ">" && self.no_gt {
                continue;
            }
            if self.is(op) {
                self.next();
                let r = self.concat()?;
                return Ok(Expr::Bin(op_name(op), Box::new(l), Box::new(r)));
            }
        }
        Ok(l)
    }

    fn starts_operand(&self) -> bool {
        match self.peek() {
            Tok::Num(_) | Tok::Str(_) | Tok::Ere(_) | Tok::Name(_) | Tok::Builtin(_) => true,
            Tok::Kw("$") => true,
            Tok::Punct(p) => matches!(*p, "(" | "!" | "-" | "+" | "++" | "--"),
            _ => false,
        }
    }

    fn concat(&mut self) -> PResult<Expr> {
        let mut l = self.additive()?;
        // Juxtaposition; `in` and `-`/`+` binary were taken by additive.
        while self.starts_operand() && !self.is("-") && !self.is("+") && !self.is("!") {
            if self.is("in") {
                break;
            }
            let r = self.additive()?;
            l = Expr::Concat(Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    fn additive(&mut self) -> PResult<Expr> {
        let mut l = self.multiplicative()?;
        loop {
            let op = if self.is("+") {
                "+"
            } else if self.is("-") {
                "-"
            } else {
                return Ok(l);
            };
            self.next();
            let r = self.multiplicative()?;
            l = Expr::Bin(op, Box::new(l), Box::new(r));
        }
    }

    fn multiplicative(&mut self) -> PResult<Expr> {
        let mut l = self.unary()?;
        loop {
            let op = if self.is("*") {
                "*"
            } else if self.is("/") {
                "/"
            } else if self.is("%") {
                "%"
            } else {
                return Ok(l);
            };
            self.next();
            let r = self.unary()?;
            l = Expr::Bin(op, Box::new(l), Box::new(r));
        }
    }

    fn unary(&mut self) -> PResult<Expr> {
        if self.eat("!") {
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        if self.eat("-") {
            return Ok(Expr::Neg(Box::new(self.unary()?)));
        }
        if self.eat("+") {
            return Ok(Expr::Bin(
                "+",
                Box::new(Expr::Num(0.0)),
                Box::new(self.unary()?),
            ));
        }
        self.power()
    }

    fn power(&mut self) -> PResult<Expr> {
        let base = self.postfix()?;
        if self.eat("^") {
            let e = self.unary()?;
            return Ok(Expr::Bin("^", Box::new(base), Box::new(e)));
        }
        Ok(base)
    }

    fn postfix(&mut self) -> PResult<Expr> {
        if self.eat("++") {
            return Ok(Expr::Incr(Box::new(self.primary()?), 1.0, true));
        }
        if self.eat("--") {
            return Ok(Expr::Incr(Box::new(self.primary()?), -1.0, true));
        }
        let e = self.primary()?;
        if matches!(e, Expr::Var(_) | Expr::Field(_) | Expr::Index(..)) {
            if self.eat("++") {
                return Ok(Expr::Incr(Box::new(e), 1.0, false));
            }
            if self.eat("--") {
                return Ok(Expr::Incr(Box::new(e), -1.0, false));
            }
        }
        Ok(e)
    }

    fn primary(&mut self) -> PResult<Expr> {
        match self.next() {
            Tok::Num(n) => Ok(Expr::Num(n)),
            Tok::Str(s) => Ok(Expr::Str(s)),
            Tok::Ere(r) => re::compile(&r, Syntax::Extended, false)
                .map(Expr::Re)
                .map_err(|e| Self::error(&self.src, &e.0)),
            Tok::Kw("$") => {
                let e = if self.eat("++") {
                    Expr::Incr(Box::new(self.primary()?), 1.0, true)
                } else if self.eat("--") {
                    Expr::Incr(Box::new(self.primary()?), -1.0, true)
                } else if self.eat("-") {
                    Expr::Neg(Box::new(self.primary()?))
                } else {
                    self.primary()?
                };
                Ok(Expr::Field(Box::new(e)))
            }
            Tok::Punct("(") => {
                let (gt, inn) = (self.no_gt, self.no_in);
                self.no_gt = false;
                self.no_in = false;
                let e = self.expr()?;
                // `(a, b) in arr`
                if self.eat(",") {
                    let mut list = vec![e];
                    list.extend(self.expr_list(")")?);
                    self.no_gt = gt;
                    self.no_in = inn;
                    if !self.eat("in") {
                        return self.fail("syntax error");
                    }
                    let Tok::Name(a) = self.next() else {
                        return self.fail("syntax error");
                    };
                    return Ok(Expr::In(list, a));
                }
                self.expect(")")?;
                self.no_gt = gt;
                self.no_in = inn;
                Ok(e)
            }
            Tok::Name(n) => {
                if self.is("[") {
                    self.next();
                    let idx = self.expr_list("]")?;
                    return Ok(Expr::Index(n, idx));
                }
                if self.is("(") {
                    return Err((
                        "awk: user-defined functions are not simulated yet".into(),
                        2,
                    ));
                }
                Ok(Expr::Var(n))
            }
            Tok::Builtin(f) => {
                let args = if self.eat("(") {
                    self.expr_list(")")?
                } else if f == "length" {
                    Vec::new()
                } else {
                    return self.fail("syntax error");
                };
                if f == "system" {
                    return Err(("awk: system() is not simulated yet".into(), 2));
                }
                Ok(Expr::Call(f, args))
            }
            Tok::Newline | Tok::Eof => self.fail("unexpected newline or end of string"),
            _ => self.fail("syntax error"),
        }
    }
}

fn op_name(op: &str) -> &'static str {
    match op {
        "<=" => "<=",
        ">=" => ">=",
        "==" => "==",
        "!=" => "!=",
        "<" => "<",
        _ => ">",
    }
}

/// What a statement asks of the loop around it.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Ctl {
    Normal,
    Next,
    Exit,
    Break,
    Continue,
}

#[derive(Debug)]
pub struct Awk {
    items: Vec<Item>,
    vars: BTreeMap<String, Val>,
    arrays: BTreeMap<String, BTreeMap<String, Val>>,
    /// $0, $1, ...
    fields: Vec<String>,
    nr: u64,
    fnr: u64,
    in_range: Vec<bool>,
    began: bool,
    exit: Option<i32>,
    regexes: BTreeMap<String, Regex>,
    busybox: bool,
}

impl Awk {
    fn var(&self, name: &str) -> Val {
        match name {
            "NR" => Val::Num(self.nr as f64),
            "FNR" => Val::Num(self.fnr as f64),
            "NF" => Val::Num((self.fields.len() - 1) as f64),
            _ => self.vars.get(name).cloned().unwrap_or(Val::strnum("")),
        }
    }

    fn set_record(&mut self, line: &str) {
        self.fields = vec![line.to_string()];
        let fs = self.var("FS").text();
        let parts: Vec<String> = if fs == " " {
            line.split([' ', '\t', '\n'])
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        } else if line.is_empty() {
            Vec::new()
        } else if fs.chars().count() == 1 && fs != "\\" {
            line.split(fs.as_str()).map(str::to_string).collect()
        } else {
            match self.regex(&fs) {
                Ok(re) => re.split(line).map(str::to_string).collect(),
                Err(_) => vec![line.to_string()],
            }
        };
        self.fields.extend(parts);
    }

    fn rebuild(&mut self) {
        let ofs = self.var("OFS").text();
        self.fields[0] = self.fields[1..].join(&ofs);
    }

    fn regex(&mut self, src: &str) -> Result<Regex, String> {
        if let Some(r) = self.regexes.get(src) {
            return Ok(r.clone());
        }
        let r = re::compile(src, Syntax::Extended, false).map_err(|e| e.0)?;
        self.regexes.insert(src.to_string(), r.clone());
        Ok(r)
    }

    /// The regex an operand of `~` or sub/gsub/match/split stands for.
    fn regex_of(&mut self, e: &Expr) -> Result<Regex, String> {
        match e {
            Expr::Re(r) => Ok(r.clone()),
            e => {
                let s = self.eval(e)?.text();
                self.regex(&s)
            }
        }
    }

    fn key(&mut self, idx: &[Expr]) -> Result<String, String> {
        let sep = self.var("SUBSEP").text();
        let mut parts = Vec::new();
        for e in idx {
            parts.push(self.eval(e)?.text());
        }
        Ok(parts.join(&sep))
    }

    fn assign(&mut self, target: &Expr, v: Val) -> Result<(), String> {
        match target {
            Expr::Var(n) => match n.as_str() {
                "NF" => {
                    let nf = v.num().max(0.0) as usize;
                    self.fields.resize(nf + 1, String::new());
                    self.rebuild();
                }
                "NR" => self.nr = v.num() as u64,
                "FNR" => self.fnr = v.num() as u64,
                _ => {
                    self.vars.insert(n.clone(), v);
                }
            },
            Expr::Field(i) => {
                let i = self.eval(i)?.num();
                if i < 0.0 {
                    return Err(format!("attempt to access field {}", i as i64));
                }
                let i = i as usize;
                if i == 0 {
                    let t = v.text();
                    self.set_record(&t);
                } else {
                    if self.fields.len() <= i {
                        self.fields.resize(i + 1, String::new());
                    }
                    self.fields[i] = v.text();
                    self.rebuild();
                }
            }
            Expr::Index(a, idx) => {
                let k = self.key(idx)?;
                self.arrays.entry(a.clone()).or_default().insert(k, v);
            }
            _ => return Err("assignment to a non-variable".into()),
        }
        Ok(())
    }

    fn eval(&mut self, e: &Expr) -> Result<Val, String> {
        Ok(match e {
            Expr::Num(n) => Val::Num(*n),
            Expr::Str(s) => Val::str(s.clone()),
            Expr::Re(r) => Val::Num(f64::from(u8::from(r.is_match(&self.fields[0])))),
            Expr::Var(n) => {
                if self.arrays.contains_key(n) {
                    return Err(format!("attempt to use array `{n}' in a scalar context"));
                }
                self.var(n)
            }
            Expr::Field(i) => {
                let i = self.eval(i)?.num();
                if i < 0.0 {
                    return Err(format!("attempt to access field {}", i as i64));
                }
                Val::strnum(self.fields.get(i as usize).cloned().unwrap_or_default())
            }
            Expr::Index(a, idx) => {
                let k = self.key(idx)?;
                self.arrays
                    .entry(a.clone())
                    .or_default()
                    .entry(k)
                    .or_insert_with(|| Val::strnum(""))
                    .clone()
            }
            Expr::In(idx, a) => {
                let k = self.key(idx)?;
                Val::Num(f64::from(u8::from(
                    self.arrays.get(a).is_some_and(|m| m.contains_key(&k)),
                )))
            }
            Expr::Assign(t, op, rhs) => {
                let r = self.eval(rhs)?;
                let v = match op {
                    None => r,
                    Some(op) => {
                        let l = self.eval(t)?;
                        Val::Num(arith(op, l.num(), r.num())?)
                    }
                };
                self.assign(t, v.clone())?;
                v
            }
            Expr::Incr(t, d, prefix) => {
                let old = self.eval(t)?.num();
                self.assign(t, Val::Num(old + d))?;
                Val::Num(if *prefix { old + d } else { old })
            }
            Expr::Bin(op, l, r) => {
                let (a, b) = (self.eval(l)?, self.eval(r)?);
                match *op {
                    "<" | "<=" | ">" | ">=" | "==" | "!=" => {
                        let ord = if a.numeric() && b.numeric() {
                            a.num()
                                .partial_cmp(&b.num())
                                .unwrap_or(std::cmp::Ordering::Equal)
                        } else {
                            a.text().cmp(&b.text())
                        };
                        use std::cmp::Ordering::*;
                        let t = match *op {
                            "<" => ord == Less,
                            "<=" => ord != Greater,
                            ">" => ord == Greater,
                            ">=" => ord != Less,
                            "==" => ord == Equal,
                            _ => ord != Equal,
                        };
                        Val::Num(f64::from(u8::from(t)))
                    }
                    op => Val::Num(arith(op, a.num(), b.num())?),
                }
            }
            Expr::Match(neg, l, r) => {
                let s = self.eval(l)?.text();
                let re = self.regex_of(r)?;
                Val::Num(f64::from(u8::from(re.is_match(&s) != *neg)))
            }
            Expr::And(l, r) => Val::Num(f64::from(u8::from(
                self.eval(l)?.truthy() && self.eval(r)?.truthy(),
            ))),
            Expr::Or(l, r) => Val::Num(f64::from(u8::from(
                self.eval(l)?.truthy() || self.eval(r)?.truthy(),
            ))),
            Expr::Not(x) => Val::Num(f64::from(u8::from(!self.eval(x)?.truthy()))),
            Expr::Neg(x) => Val::Num(-self.eval(x)?.num()),
            Expr::Cond(c, a, b) => {
                if self.eval(c)?.truthy() {
                    self.eval(a)?
                } else {
                    self.eval(b)?
                }
            }
            Expr::Concat(l, r) => {
                let a = self.eval(l)?.text();
                let b = self.eval(r)?.text();
                Val::str(a + &b)
            }
            Expr::Call(f, args) => self.call(f, args)?,
        })
    }

    fn call(&mut self, f: &str, args: &[Expr]) -> Result<Val, String> {
        let arg = |s: &mut Self, i: usize| -> Result<Val, String> {
            match args.get(i) {
                Some(e) => s.eval(e),
                None => Ok(Val::str("")),
            }
        };
        Ok(match f {
            "length" => match args.first() {
                None => Val::Num(self.fields[0].chars().count() as f64),
                Some(Expr::Var(a)) if self.arrays.contains_key(a) => {
                    Val::Num(self.arrays[a].len() as f64)
                }
                Some(e) => Val::Num(self.eval(e)?.text().chars().count() as f64),
            },
            "substr" => {
                let s: Vec<char> = arg(self, 0)?.text().chars().collect();
                let m = arg(self, 1)?.num().round();
                let n = if args.len() > 2 {
                    arg(self, 2)?.num().round()
                } else {
                    f64::INFINITY
                };
                // POSIX: characters from m to m+n-1, clipped to 1..=len.
                let start = m.max(1.0);
                let end = (m + n).min(s.len() as f64 + 1.0);
                if end <= start {
                    Val::str("")
                } else {
                    Val::str(
                        s[start as usize - 1..end as usize - 1]
                            .iter()
                            .collect::<String>(),
                    )
                }
            }
            "index" => {
                let s = arg(self, 0)?.text();
                let t = arg(self, 1)?.text();
                Val::Num(s.find(&t).map_or(0, |i| s[..i].chars().count() + 1) as f64)
            }
            "split" => {
                let s = arg(self, 0)?.text();
                let Some(Expr::Var(a)) = args.get(1) else {
                    return Err("split: second argument is not an array".into());
                };
                let parts: Vec<String> = match args.get(2) {
                    None => {
                        let fs = self.var("FS").text();
                        split_fs(self, &s, &fs)?
                    }
                    Some(Expr::Re(r)) => r.split(&s).map(str::to_string).collect(),
                    Some(e) => {
                        let fs = self.eval(e)?.text();
                        split_fs(self, &s, &fs)?
                    }
                };
                let arr: BTreeMap<String, Val> = parts
                    .iter()
                    .enumerate()
                    .map(|(i, p)| ((i + 1).to_string(), Val::strnum(p.clone())))
                    .collect();
                let n = arr.len();
                self.arrays.insert(a.clone(), arr);
                Val::Num(n as f64)
            }
            "sub" | "gsub" => {
                let re = match args.first() {
                    Some(e) => self.regex_of(&e.clone())?,
                    None => return Err(format!("{f}: not enough arguments")),
                };
                let repl = arg(self, 1)?.text();
                let target = args
                    .get(2)
                    .cloned()
                    .unwrap_or(Expr::Field(Box::new(Expr::Num(0.0))));
                let text = self.eval(&target)?.text();
                let mut out = String::new();
                let mut last = 0;
                let mut n = 0;
                for m in re.find_iter(&text) {
                    out.push_str(&text[last..m.start()]);
                    // & is the match, \\& a literal &.
                    let mut chars = repl.chars().peekable();
                    while let Some(c) = chars.next() {
                        match c {
                            '\\' if chars.peek() == Some(&'&') => {
                                chars.next();
                                out.push('&');
                            }
                            '\\' if chars.peek() == Some(&'\\') => {
                                chars.next();
                                out.push('\\');
                            }
                            '&' => out.push_str(m.as_str()),
                            c => out.push(c),
                        }
                    }
                    last = m.end();
                    n += 1;
                    if f == "sub" {
                        break;
                    }
                }
                if n > 0 {
                    out.push_str(&text[last..]);
                    self.assign(&target, Val::str(out))?;
                }
                Val::Num(n as f64)
            }
            "match" => {
                let s = arg(self, 0)?.text();
                let re = match args.get(1) {
                    Some(e) => self.regex_of(&e.clone())?,
                    None => return Err("match: not enough arguments".into()),
                };
                let (start, len) = match re.find(&s) {
                    Some(m) => (
                        s[..m.start()].chars().count() as f64 + 1.0,
                        m.as_str().chars().count() as f64,
                    ),
                    None => (0.0, -1.0),
                };
                self.vars.insert("RSTART".into(), Val::Num(start));
                self.vars.insert("RLENGTH".into(), Val::Num(len));
                Val::Num(start)
            }
            "tolower" => Val::str(arg(self, 0)?.text().to_lowercase()),
            "toupper" => Val::str(arg(self, 0)?.text().to_uppercase()),
            "int" => Val::Num(arg(self, 0)?.num().trunc()),
            "sqrt" => Val::Num(arg(self, 0)?.num().sqrt()),
            "sprintf" => Val::str(self.format(args)?),
            other => return Err(format!("function `{other}' is not simulated yet")),
        })
    }

    /// printf/sprintf: coreutils' printf over the values as text (numbers in full).
    fn format(&mut self, args: &[Expr]) -> Result<String, String> {
        let mut words = Vec::new();
        for e in args {
            let v = self.eval(e)?;
            words.push(match v {
                Val::Num(n) if n == n.trunc() && n.abs() < 1e16 => format!("{}", n as i64),
                Val::Num(n) => format!("{n}"),
                Val::Str(s, _) => s,
            });
        }
        if words.is_empty() {
            return Ok(String::new());
        }
        // awk's %d of a non-number is its leading number, quietly; %c of a number its
        // character.
        let fmt = words[0].clone();
        let rest: Vec<String> = words[1..]
            .iter()
            .map(|w| {
                if w.is_empty() || looks_numeric(w) {
                    w.clone()
                } else {
                    w.clone()
                }
            })
            .collect();
        let mut all = vec![fmt];
        all.extend(rest);
        match super::generate::printf(&all) {
            Ok((o, _, _)) => Ok(o),
            Err((m, _)) => Err(m.trim_start_matches("printf: ").to_string()),
        }
    }

    fn exec_all(&mut self, stmts: &[Stmt], out: &mut Out) -> Result<Ctl, String> {
        for s in stmts {
            let c = self.exec(s, out)?;
            if c != Ctl::Normal {
                return Ok(c);
            }
        }
        Ok(Ctl::Normal)
    }

    fn exec(&mut self, s: &Stmt, out: &mut Out) -> Result<Ctl, String> {
        match s {
            Stmt::Expr(e) => {
                self.eval(e)?;
            }
            Stmt::Print(args) => {
                let text = if args.is_empty() {
                    self.fields[0].clone()
                } else {
                    let ofs = self.var("OFS").text();
                    let mut parts = Vec::new();
                    for a in args {
                        parts.push(self.eval(a)?.text());
                    }
                    parts.join(&ofs)
                };
                out.stdout.push_str(&text);
                out.stdout.push_str(&self.var("ORS").text());
            }
            Stmt::Printf(args) => {
                let t = self.format(args)?;
                out.stdout.push_str(&t);
            }
            Stmt::If(c, a, b) => {
                if self.eval(c)?.truthy() {
                    return self.exec(a, out);
                } else if let Some(b) = b {
                    return self.exec(b, out);
                }
            }
            Stmt::While(c, body) => {
                let mut guard = 0u64;
                while self.eval(c)?.truthy() {
                    match self.exec(body, out)? {
                        Ctl::Break => break,
                        Ctl::Normal | Ctl::Continue => {}
                        other => return Ok(other),
                    }
                    guard += 1;
                    if guard > 10_000_000 {
                        return Err("a loop ran 10000000 times: stopped".into());
                    }
                }
            }
            Stmt::Do(body, c) => loop {
                match self.exec(body, out)? {
                    Ctl::Break => break,
                    Ctl::Normal | Ctl::Continue => {}
                    other => return Ok(other),
                }
                if !self.eval(c)?.truthy() {
                    break;
                }
            },
            Stmt::For(init, cond, step, body) => {
                if let Some(i) = init {
                    self.exec(i, out)?;
                }
                let mut guard = 0u64;
                loop {
                    if let Some(c) = cond
                        && !self.eval(c)?.truthy()
                    {
                        break;
                    }
                    match self.exec(body, out)? {
                        Ctl::Break => break,
                        Ctl::Normal | Ctl::Continue => {}
                        other => return Ok(other),
                    }
                    if let Some(s) = step {
                        self.exec(s, out)?;
                    }
                    guard += 1;
                    if guard > 10_000_000 {
                        return Err("a loop ran 10000000 times: stopped".into());
                    }
                }
            }
            Stmt::ForIn(k, a, body) => {
                let keys: Vec<String> = self
                    .arrays
                    .get(a)
                    .map(|m| m.keys().cloned().collect())
                    .unwrap_or_default();
                for key in keys {
                    self.vars.insert(k.clone(), Val::strnum(key));
                    match self.exec(body, out)? {
                        Ctl::Break => break,
                        Ctl::Normal | Ctl::Continue => {}
                        other => return Ok(other),
                    }
                }
            }
            Stmt::Block(b) => return self.exec_all(b, out),
            Stmt::Next => return Ok(Ctl::Next),
            Stmt::Break => return Ok(Ctl::Break),
            Stmt::Continue => return Ok(Ctl::Continue),
            Stmt::Exit(e) => {
                let code = match e {
                    Some(e) => self.eval(e)?.num() as i32,
                    None => self.exit.unwrap_or(0),
                };
                self.exit = Some(code);
                return Ok(Ctl::Exit);
            }
            Stmt::Delete(a, idx) => match idx {
                None => {
                    self.arrays.remove(a);
                }
                Some(idx) => {
                    let k = self.key(idx)?;
                    if let Some(m) = self.arrays.get_mut(a) {
                        m.remove(&k);
                    }
                }
            },
        }
        Ok(Ctl::Normal)
    }

    fn fatal(&self, msg: &str, out: &mut Out) -> i32 {
        let _ = self.busybox;
        out.stderr
            .push_str(&format!("awk: cmd. line:1: fatal: {msg}\n"));
        2
    }

    /// Runs the BEGIN rules once; Some(status) if the program ends there.
    fn begin(&mut self, out: &mut Out) -> Option<i32> {
        if self.began {
            return None;
        }
        self.began = true;
        self.in_range = vec![false; self.items.len()];
        let items = self.items.clone();
        for it in &items {
            if let (Pattern::Begin, Some(a)) = (&it.pattern, &it.action) {
                match self.exec_all(a, out) {
                    Err(m) => return Some(self.fatal(&m, out)),
                    Ok(Ctl::Exit) => return Some(self.end_rules(out)),
                    Ok(_) => {}
                }
            }
        }
        // Only BEGIN rules: awk reads no input.
        if items.iter().all(|i| matches!(i.pattern, Pattern::Begin)) {
            return Some(self.exit.unwrap_or(0));
        }
        None
    }

    fn end_rules(&mut self, out: &mut Out) -> i32 {
        let items = self.items.clone();
        if self.exit.is_none() || !self.began {
            for it in &items {
                if let (Pattern::End, Some(a)) = (&it.pattern, &it.action) {
                    match self.exec_all(a, out) {
                        Err(m) => return self.fatal(&m, out),
                        Ok(Ctl::Exit) => break,
                        Ok(_) => {}
                    }
                }
            }
        } else {
            // `exit` in BEGIN or a rule still runs END, once.
            let code = self.exit;
            self.exit = None;
            for it in &items {
                if let (Pattern::End, Some(a)) = (&it.pattern, &it.action) {
                    match self.exec_all(a, out) {
                        Err(m) => return self.fatal(&m, out),
                        Ok(Ctl::Exit) => break,
                        Ok(_) => {}
                    }
                }
            }
            if self.exit.is_none() {
                self.exit = code;
            }
        }
        self.exit.unwrap_or(0)
    }
}

fn split_fs(awk: &mut Awk, s: &str, fs: &str) -> Result<Vec<String>, String> {
    Ok(if fs == " " {
        s.split_whitespace().map(str::to_string).collect()
    } else if s.is_empty() {
        Vec::new()
    } else if fs.chars().count() == 1 {
        s.split(fs).map(str::to_string).collect()
    } else {
        awk.regex(fs)?.split(s).map(str::to_string).collect()
    })
}

fn arith(op: &str, a: f64, b: f64) -> Result<f64, String> {
    Ok(match op {
        "+" => a + b,
        "-" => a - b,
        "*" => a * b,
        "/" => {
            if b == 0.0 {
                return Err("division by zero attempted".into());
            }
            a / b
        }
        "%" => {
            if b == 0.0 {
                return Err("division by zero attempted in `%'".into());
            }
            a % b
        }
        _ => a.powf(b),
    })
}

impl Lines for Awk {
    fn source(&mut self, name: Option<&str>, _index: usize, _count: usize, _out: &mut Out) {
        self.fnr = 0;
        self.vars
            .insert("FILENAME".into(), Val::str(name.unwrap_or("")));
    }

    fn line(&mut self, line: &str, out: &mut Out) -> Flow {
        if let Some(code) = self.begin(out) {
            return Flow::Exit(code);
        }
        let body = line.strip_suffix('\n').unwrap_or(line);
        self.nr += 1;
        self.fnr += 1;
        self.set_record(body);
        let items = self.items.clone();
        for (i, it) in items.iter().enumerate() {
            let hit = match &it.pattern {
                Pattern::Begin | Pattern::End => continue,
                Pattern::All => Ok(true),
                Pattern::Expr(e) => self.eval(e).map(|v| v.truthy()),
                Pattern::Range(a, b) => {
                    if self.in_range[i] {
                        self.eval(b).map(|v| {
                            if v.truthy() {
                                self.in_range[i] = false;
                            }
                            true
                        })
                    } else {
                        match self.eval(a) {
                            Ok(v) if v.truthy() => self.eval(b).map(|e| {
                                self.in_range[i] = !e.truthy();
                                true
                            }),
                            Ok(_) => Ok(false),
                            Err(m) => Err(m),
                        }
                    }
                }
            };
            let hit = match hit {
                Ok(h) => h,
                Err(m) => return Flow::Exit(self.fatal(&m, out)),
            };
            if !hit {
                continue;
            }
            let r = match &it.action {
                None => {
                    out.stdout.push_str(&self.fields[0]);
                    out.stdout.push_str(&self.var("ORS").text());
                    Ok(Ctl::Normal)
                }
                Some(a) => self.exec_all(a, out),
            };
            match r {
                Err(m) => return Flow::Exit(self.fatal(&m, out)),
                Ok(Ctl::Next) => break,
                Ok(Ctl::Exit) => return Flow::Exit(self.end_rules(out)),
                Ok(_) => {}
            }
        }
        Flow::Go
    }

    fn finish(&mut self, failed: bool, out: &mut Out) -> i32 {
        if let Some(code) = self.begin(out) {
            return code;
        }
        let code = self.end_rules(out);
        if failed { 2 } else { code }
    }

    fn cannot_open(&self, path: &str, err: OpenError) -> (String, Option<i32>) {
        (
            format!(
                "awk: fatal: cannot open file `{path}' for reading: {}",
                err.text()
            ),
            Some(2),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{check, check_with};
    use std::collections::BTreeMap;

    fn out(cmd: &str, input: &str) -> String {
        let (o, e, _) = check(cmd, input);
        assert_eq!(e, "", "{cmd}");
        o
    }

    const ROUTES: &str = "default via 10.0.2.2 dev eth0\n10.1.0.0/16 dev flannel0\n172.17.0.0/16 dev docker0  proto kernel\n";

    #[test]
    fn fields_and_print() {
        assert_eq!(
            out("awk '{print $1}'", ROUTES),
            "default\n10.1.0.0/16\n172.17.0.0/16\n"
        );
        assert_eq!(out("awk '{print $NF}'", "a b c\n"), "c\n");
        assert_eq!(out("awk '{print $(NF-1)}'", "a b c\n"), "b\n");
        assert_eq!(out("awk '{print NR\": \"$0}'", "x\ny\n"), "1: x\n2: y\n");
        assert_eq!(out("awk '{print $1, $3}'", "a b c\n"), "a c\n");
        assert_eq!(out("awk -F: '{print $1}'", "root:x:0\n"), "root\n");
        assert_eq!(out("awk -F '\\t' '{print $2}'", "a b\tc\n"), "c\n");
        assert_eq!(
            out("awk 'BEGIN{OFS=\"-\"}{$1=$1; print}'", "a  b c\n"),
            "a-b-c\n"
        );
        assert_eq!(out("awk '{print NF}'", "  a   b  \n\n"), "2\n0\n");
        assert_eq!(out("awk '{$2=\"X\"; print}'", "a b c\n"), "a X c\n");
    }

    #[test]
    fn patterns() {
        assert_eq!(out("awk '/flannel/'", ROUTES), "10.1.0.0/16 dev flannel0\n");
        assert_eq!(out("awk '/flannel/ {print $3}'", ROUTES), "flannel0\n");
        assert_eq!(
            out("awk '$3 == \"docker0\" {print $1}'", ROUTES),
            "172.17.0.0/16\n"
        );
        assert_eq!(out("awk 'NR==2'", ROUTES), "10.1.0.0/16 dev flannel0\n");
        assert_eq!(
            out("awk 'NR>1 {print $1}'", ROUTES),
            "10.1.0.0/16\n172.17.0.0/16\n"
        );
        assert_eq!(
            out("awk '$1 ~ /^10\\./'", ROUTES),
            "10.1.0.0/16 dev flannel0\n"
        );
        assert_eq!(out("awk '$1 !~ /^1/ {print $1}'", ROUTES), "default\n");
        assert_eq!(out("awk '/b/,/c/'", "a\nb\nx\nc\nd\n"), "b\nx\nc\n");
        // Numbers from input compare as numbers: 10 > 9.
        assert_eq!(out("awk '$1 > 9'", "10\n9\nabc\n"), "10\nabc\n");
        assert_eq!(out("awk '!seen[$0]++'", "a\nb\na\n"), "a\nb\n");
    }

    #[test]
    fn begin_end_and_statements() {
        assert_eq!(out("awk '{s += $1} END {print s}'", "1\n2\n3.5\n"), "6.5\n");
        assert_eq!(out("awk 'END {print NR}'", "a\nb\n"), "2\n");
        assert_eq!(out("awk 'BEGIN {print \"hi\"}'", ""), "hi\n");
        assert_eq!(
            out(
                "awk '{c[$3]++} END {for (k in c) print k, c[k]}'",
                "a b x\nc d y\ne f x\n"
            ),
            "x 2\ny 1\n"
        );
        assert_eq!(
            out(
                "awk 'BEGIN {for (i = 1; i <= 3; i++) printf \"%d,\", i; print \"\"}'",
                ""
            ),
            "1,2,3,\n"
        );
        assert_eq!(
            out(
                "awk '{ if ($1 > 1) print \"big\"; else print \"small\" }'",
                "1\n2\n"
            ),
            "small\nbig\n"
        );
        assert_eq!(
            out("awk 'BEGIN { i = 0; while (i < 2) { print i; i++ } }'", ""),
            "0\n1\n"
        );
        assert_eq!(out("awk 'NR == 1 {next} {print}'", "a\nb\n"), "b\n");
        assert_eq!(
            check("awk '{exit 3} END {print \"end\"}'", "a\nb\n"),
            ("end\n".into(), String::new(), 3)
        );
        assert_eq!(
            out(
                "awk 'BEGIN { x = 1/3; print x; print 2^10; print 7 % 3; print -2 }'",
                ""
            ),
            "0.333333\n1024\n1\n-2\n"
        );
        assert_eq!(
            out("awk 'BEGIN { a = \"x\" \"y\" 1 + 2; print a }'", ""),
            "xy3\n"
        );
        assert_eq!(
            out("awk 'BEGIN { print 1 == 1 ? \"yes\" : \"no\" }'", ""),
            "yes\n"
        );
    }

    #[test]
    fn builtins() {
        assert_eq!(out("awk '{print length($1), length}'", "abc de\n"), "3 6\n");
        assert_eq!(out("awk '{print substr($0, 2, 3)}'", "abcdef\n"), "bcd\n");
        assert_eq!(out("awk '{print substr($0, 4)}'", "abcdef\n"), "def\n");
        assert_eq!(out("awk '{print index($0, \"cd\")}'", "abcdef\n"), "3\n");
        assert_eq!(
            out(
                "awk '{n = split($1, p, \".\"); print n, p[4]}'",
                "10.1.2.3\n"
            ),
            "4 3\n"
        );
        assert_eq!(out("awk '{gsub(/a/, \"b\"); print}'", "aaa\n"), "bbb\n");
        assert_eq!(out("awk '{sub(/a/, \"[&]\"); print}'", "aaa\n"), "[a]aa\n");
        assert_eq!(
            out("awk '{print toupper($1) tolower(\"X\")}'", "ab\n"),
            "ABx\n"
        );
        assert_eq!(
            out("awk '{printf \"%-5s|%3d\\n\", $1, $2}'", "ab 7\n"),
            "ab   |  7\n"
        );
        assert_eq!(
            out(
                "awk 'BEGIN {s = sprintf(\"%05.1f\", 3.14159); print s}'",
                ""
            ),
            "003.1\n"
        );
        assert_eq!(
            out(
                "awk 'BEGIN {print int(3.9), match(\"xxab\", /ab/), RSTART, RLENGTH}'",
                ""
            ),
            "3 3 3 2\n"
        );
        assert_eq!(out("awk -v n=5 'BEGIN {print n + 1}'", ""), "6\n");
    }

    #[test]
    fn errors() {
        assert_eq!(
            check("awk '{print $1'", "").1,
            "awk: cmd. line:1: {print $1\nawk: cmd. line:1:          ^ unexpected newline or end of string\n"
        );
        assert_eq!(check("awk", "").2, 2);
        assert_eq!(
            check("awk '{print > \"f\"}'", "").1,
            "awk: output redirection (> >> |) is not simulated yet\n"
        );
        let mut files = BTreeMap::new();
        assert_eq!(
            check_with("awk '{print}' /nope", "", false, &mut files),
            (
                String::new(),
                "awk: fatal: cannot open file `/nope' for reading: No such file or directory\n"
                    .into(),
                2
            )
        );
        assert_eq!(
            check("awk '{print 1/0}'", "a\n"),
            (
                String::new(),
                "awk: cmd. line:1: fatal: division by zero attempted\n".into(),
                2
            )
        );
    }
}
