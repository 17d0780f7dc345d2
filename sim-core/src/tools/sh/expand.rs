//! Word expansion as POSIX orders it: tilde, parameters, command substitution and
//! arithmetic, then field splitting of what unquoted expansions produced, then quote
//! removal. Pathname expansion (globbing) is not done: a pattern stays as written.

use brush_parser::word::{
    self, Parameter, ParameterExpr, ParameterTestType, SpecialParameter, WordPiece,
};

/// A shell variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Var {
    pub name: String,
    pub value: String,
    pub exported: bool,
}

/// What expansion reads: the variables, the positional parameters and the special ones.
#[derive(Clone, Debug, Default)]
pub struct Vars {
    /// In the order they were first set (the environment's order comes first).
    pub vars: Vec<Var>,
    pub positional: Vec<String>,
    /// `$0`.
    pub name: String,
    pub status: i32,
    pub pid: u32,
    pub last_bg: Option<u32>,
}

impl Vars {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .find(|v| v.name == name)
            .map(|v| v.value.as_str())
    }

    pub fn set(&mut self, name: &str, value: &str) {
        match self.vars.iter_mut().find(|v| v.name == name) {
            Some(v) => v.value = value.to_string(),
            None => self.vars.push(Var {
                name: name.to_string(),
                value: value.to_string(),
                exported: false,
            }),
        }
    }

    pub fn export(&mut self, name: &str) {
        match self.vars.iter_mut().find(|v| v.name == name) {
            Some(v) => v.exported = true,
            None => self.vars.push(Var {
                name: name.to_string(),
                value: String::new(),
                exported: true,
            }),
        }
    }

    pub fn unset(&mut self, name: &str) {
        self.vars.retain(|v| v.name != name);
    }

    /// The environment a child gets: the exported variables.
    pub fn environ(&self) -> Vec<(String, String)> {
        self.vars
            .iter()
            .filter(|v| v.exported)
            .map(|v| (v.name.clone(), v.value.clone()))
            .collect()
    }
}

/// A piece of an expanded word: its text, and whether field splitting may cut it (the
/// result of an unquoted expansion).
#[derive(Debug)]
enum Seg {
    Text {
        text: String,
        split: bool,
    },
    /// A field boundary ("$@").
    Break,
}

/// Expands words. `subst` runs a command substitution and gives its output.
pub struct Expander<'a> {
    pub vars: &'a mut Vars,
    pub subst: &'a mut dyn FnMut(&str) -> String,
}

fn options() -> brush_parser::ParserOptions {
    brush_parser::ParserOptions {
        sh_mode: true,
        ..Default::default()
    }
}

impl Expander<'_> {
    /// A word to its fields (a command's arguments, `for`'s list).
    pub fn fields(&mut self, w: &str) -> Result<Vec<String>, String> {
        let mut segs = Vec::new();
        let quoted = self.word(w, false, &mut segs)?;
        let ifs = self.vars.get("IFS").unwrap_or(" \t\n").to_string();
        let mut out: Vec<String> = Vec::new();
        let mut cur = String::new();
        let mut have = quoted;
        for s in segs {
            match s {
                Seg::Break => {
                    out.push(std::mem::take(&mut cur));
                    have = false;
                }
                Seg::Text { text, split: false } => {
                    cur.push_str(&text);
                    have = true;
                }
                Seg::Text { text, split: true } => {
                    for c in text.chars() {
                        if ifs.contains(c) {
                            if have || !cur.is_empty() {
                                out.push(std::mem::take(&mut cur));
                            }
                            have = false;
                        } else {
                            cur.push(c);
                            have = true;
                        }
                    }
                }
            }
        }
        if have || !cur.is_empty() {
            out.push(cur);
        }
        Ok(out)
    }

    /// A word to one string, without field splitting (an assignment's value, a
    /// redirection's target, `case`'s word).
    pub fn string(&mut self, w: &str) -> Result<String, String> {
        let mut segs = Vec::new();
        self.word(w, false, &mut segs)?;
        Ok(segs
            .into_iter()
            .map(|s| match s {
                Seg::Text { text, .. } => text,
                Seg::Break => " ".into(),
            })
            .collect())
    }

    /// Appends the word's segments; true if it had quotes (so it makes a field even if
    /// empty).
    fn word(&mut self, w: &str, in_dq: bool, out: &mut Vec<Seg>) -> Result<bool, String> {
        let pieces = word::parse(w, &options()).map_err(|e| format!("{e}"))?;
        let mut quoted = false;
        for p in pieces {
            quoted |= self.piece(p.piece, in_dq, out)?;
        }
        Ok(quoted)
    }

    fn piece(&mut self, p: WordPiece, in_dq: bool, out: &mut Vec<Seg>) -> Result<bool, String> {
        let lit = |text: String| Seg::Text { text, split: false };
        match p {
            WordPiece::Text(t) => out.push(lit(t)),
            WordPiece::SingleQuotedText(t) => {
                out.push(lit(t));
                return Ok(true);
            }
            WordPiece::AnsiCQuotedText(t) => {
                out.push(lit(ansi_c(&t)));
                return Ok(true);
            }
            WordPiece::DoubleQuotedSequence(seq) | WordPiece::GettextDoubleQuotedSequence(seq) => {
                for p in seq {
                    self.piece(p.piece, true, out)?;
                }
                return Ok(true);
            }
            WordPiece::TildeExpansion(_) => {
                out.push(lit(self.vars.get("HOME").unwrap_or("/root").to_string()))
            }
            WordPiece::EscapeSequence(s) => {
                // `\x`: x itself (in double quotes only before $ ` " \ and newline).
                let c = s.strip_prefix('\\').unwrap_or(&s);
                if in_dq && !matches!(c, "$" | "`" | "\"" | "\\" | "\n") {
                    out.push(lit(s.clone()));
                } else if c != "\n" {
                    out.push(lit(c.to_string()));
                }
            }
            WordPiece::CommandSubstitution(s) | WordPiece::BackquotedCommandSubstitution(s) => {
                let text = (self.subst)(&s);
                let text = text.trim_end_matches('\n').to_string();
                out.push(Seg::Text {
                    text,
                    split: !in_dq,
                });
            }
            WordPiece::ArithmeticExpression(e) => {
                let expr = self.string(&e.value)?;
                let v = super::arith::eval(&expr, self.vars)?;
                out.push(Seg::Text {
                    text: v.to_string(),
                    split: !in_dq,
                });
            }
            WordPiece::ParameterExpansion(e) => return self.param(e, in_dq, out),
        }
        Ok(false)
    }

    fn value(&self, p: &Parameter) -> Option<String> {
        match p {
            Parameter::Positional(0) => Some(self.vars.name.clone()),
            Parameter::Positional(n) => self.vars.positional.get(*n as usize - 1).cloned(),
            Parameter::Named(n) => self.vars.get(n).map(str::to_string),
            Parameter::Special(s) => Some(match s {
                SpecialParameter::AllPositionalParameters { .. } => self.vars.positional.join(" "),
                SpecialParameter::PositionalParameterCount => {
                    self.vars.positional.len().to_string()
                }
                SpecialParameter::LastExitStatus => self.vars.status.to_string(),
                SpecialParameter::CurrentOptionFlags => String::new(),
                SpecialParameter::ProcessId => self.vars.pid.to_string(),
                SpecialParameter::LastBackgroundProcessId => {
                    self.vars.last_bg.map(|p| p.to_string())?
                }
                SpecialParameter::ShellName => self.vars.name.clone(),
            }),
            Parameter::NamedWithIndex { .. } | Parameter::NamedWithAllIndices { .. } => None,
        }
    }

    fn param(&mut self, e: ParameterExpr, in_dq: bool, out: &mut Vec<Seg>) -> Result<bool, String> {
        let split = !in_dq;
        let text = |text: String| Seg::Text { text, split };
        let unset_or_null = |v: &Option<String>, t: &ParameterTestType| match t {
            ParameterTestType::UnsetOrNull => v.as_deref().is_none_or(str::is_empty),
            ParameterTestType::Unset => v.is_none(),
        };
        match e {
            ParameterExpr::Parameter {
                parameter:
                    Parameter::Special(SpecialParameter::AllPositionalParameters { concatenate: false }),
                ..
            } if in_dq => {
                let args = self.vars.positional.clone();
                for (i, a) in args.into_iter().enumerate() {
                    if i > 0 {
                        out.push(Seg::Break);
                    }
                    out.push(Seg::Text {
                        text: a,
                        split: false,
                    });
                }
            }
            ParameterExpr::Parameter { parameter, .. } => {
                if let Some(v) = self.value(&parameter) {
                    out.push(text(v));
                }
            }
            ParameterExpr::UseDefaultValues {
                parameter,
                test_type,
                default_value,
                ..
            } => {
                let v = self.value(&parameter);
                if unset_or_null(&v, &test_type) {
                    self.word(default_value.as_deref().unwrap_or_default(), in_dq, out)?;
                } else {
                    out.push(text(v.unwrap_or_default()));
                }
            }
            ParameterExpr::AssignDefaultValues {
                parameter,
                test_type,
                default_value,
                ..
            } => {
                let v = self.value(&parameter);
                if unset_or_null(&v, &test_type) {
                    let d = self.string(default_value.as_deref().unwrap_or_default())?;
                    if let Parameter::Named(n) = &parameter {
                        self.vars.set(n, &d);
                    }
                    out.push(text(d));
                } else {
                    out.push(text(v.unwrap_or_default()));
                }
            }
            ParameterExpr::IndicateErrorIfNullOrUnset {
                parameter,
                test_type,
                error_message,
                ..
            } => {
                let v = self.value(&parameter);
                if unset_or_null(&v, &test_type) {
                    let name = match &parameter {
                        Parameter::Named(n) => n.clone(),
                        Parameter::Positional(n) => n.to_string(),
                        _ => "?".into(),
                    };
                    let msg = match error_message {
                        Some(m) if !m.is_empty() => self.string(&m)?,
                        _ => "parameter null or not set".into(),
                    };
                    return Err(format!("{name}: {msg}"));
                }
                out.push(text(v.unwrap_or_default()));
            }
            ParameterExpr::UseAlternativeValue {
                parameter,
                test_type,
                alternative_value,
                ..
            } => {
                let v = self.value(&parameter);
                if !unset_or_null(&v, &test_type) {
                    self.word(alternative_value.as_deref().unwrap_or_default(), in_dq, out)?;
                }
            }
            ParameterExpr::ParameterLength { parameter, .. } => {
                let v = self.value(&parameter).unwrap_or_default();
                out.push(text(v.chars().count().to_string()));
            }
            ParameterExpr::RemoveSmallestSuffixPattern {
                parameter, pattern, ..
            } => {
                let v = self.value(&parameter).unwrap_or_default();
                let pat = self.string(pattern.as_deref().unwrap_or_default())?;
                let cut = cuts(&v).rev().find(|i| fnmatch(&pat, &v[*i..]));
                out.push(text(cut.map_or(v.clone(), |i| v[..i].to_string())));
            }
            ParameterExpr::RemoveLargestSuffixPattern {
                parameter, pattern, ..
            } => {
                let v = self.value(&parameter).unwrap_or_default();
                let pat = self.string(pattern.as_deref().unwrap_or_default())?;
                let cut = cuts(&v).find(|i| fnmatch(&pat, &v[*i..]));
                out.push(text(cut.map_or(v.clone(), |i| v[..i].to_string())));
            }
            ParameterExpr::RemoveSmallestPrefixPattern {
                parameter, pattern, ..
            } => {
                let v = self.value(&parameter).unwrap_or_default();
                let pat = self.string(pattern.as_deref().unwrap_or_default())?;
                let cut = cuts(&v).find(|i| fnmatch(&pat, &v[..*i]));
                out.push(text(cut.map_or(v.clone(), |i| v[i..].to_string())));
            }
            ParameterExpr::RemoveLargestPrefixPattern {
                parameter, pattern, ..
            } => {
                let v = self.value(&parameter).unwrap_or_default();
                let pat = self.string(pattern.as_deref().unwrap_or_default())?;
                let cut = cuts(&v).rev().find(|i| fnmatch(&pat, &v[..*i]));
                out.push(text(cut.map_or(v.clone(), |i| v[i..].to_string())));
            }
            _ => return Err("this ${...} form is not simulated yet".into()),
        }
        Ok(in_dq)
    }
}

/// The byte offsets of `v`'s character boundaries, in order.
fn cuts(v: &str) -> impl DoubleEndedIterator<Item = usize> + '_ {
    (0..=v.len()).filter(|i| v.is_char_boundary(*i))
}

/// Whether `s` matches the shell pattern `pat` (`*`, `?`, `[...]`, `\x`).
pub fn fnmatch(pat: &str, s: &str) -> bool {
    let p: Vec<char> = pat.chars().collect();
    let t: Vec<char> = s.chars().collect();
    fn go(p: &[char], t: &[char]) -> bool {
        match p.first() {
            None => t.is_empty(),
            Some('*') => (0..=t.len()).any(|i| go(&p[1..], &t[i..])),
            Some('?') => !t.is_empty() && go(&p[1..], &t[1..]),
            Some('[') => {
                let Some(end) = p.iter().skip(2).position(|c| *c == ']').map(|e| e + 2) else {
                    return t.first() == Some(&'[') && go(&p[1..], &t[1..]);
                };
                let Some(c) = t.first() else { return false };
                let (neg, set) = match p[1] {
                    '!' | '^' => (true, &p[2..end]),
                    _ => (false, &p[1..end]),
                };
                let mut hit = false;
                let mut i = 0;
                while i < set.len() {
                    if i + 2 < set.len() && set[i + 1] == '-' {
                        hit |= set[i] <= *c && *c <= set[i + 2];
                        i += 3;
                    } else {
                        hit |= set[i] == *c;
                        i += 1;
                    }
                }
                hit != neg && go(&p[end + 1..], &t[1..])
            }
            Some('\\') if p.len() > 1 => t.first() == Some(&p[1]) && go(&p[2..], &t[1..]),
            Some(c) => t.first() == Some(c) && go(&p[1..], &t[1..]),
        }
    }
    go(&p, &t)
}

/// `$'...'`'s escapes.
fn ansi_c(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('\\') => out.push('\\'),
            Some('\'') => out.push('\''),
            Some(o) => {
                out.push('\\');
                out.push(o);
            }
            None => out.push('\\'),
        }
    }
    out
}
