//! POSIX regular expressions (basic, as grep and sed read them by default; extended, as
//! `grep -E`, `sed -E` and awk read them) translated to the `regex` crate's syntax, with
//! GNU's extensions (`\+ \? \|` in basic, `\w \W \s \S \b \B \< \> \` \'`).
//!
//! Not supported: back-references (`\1`), which the crate cannot match; the error says so.
//! Matching is leftmost-first (Perl) rather than POSIX's leftmost-longest: an alternation
//! whose earlier branch is a prefix of a later one may match less (`a|ab` on `ab`).

use regex::Regex;

/// Which POSIX syntax a pattern is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    Basic,
    Extended,
}

/// Why a pattern cannot be used: the words to print after `TOOL: `.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReError(pub String);

/// `pattern` in `syntax` as the crate's syntax (not yet compiled).
pub fn translate(pattern: &str, syntax: Syntax) -> Result<String, ReError> {
    let ere = syntax == Syntax::Extended;
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    // Whether the next `*` is at the start of an expression (literal in BRE; in ERE GNU
    // takes it as literal too).
    let mut at_start = true;
    let mut depth = 0usize;
    while i < chars.len() {
        let c = chars[i];
        let start_here = at_start;
        at_start = false;
        match c {
            '\\' => {
                i += 1;
                let Some(&n) = chars.get(i) else {
                    return Err(ReError("Trailing backslash".into()));
                };
                match n {
                    '(' | ')' | '{' | '}' | '|' | '+' | '?' if !ere => match n {
                        '(' => {
                            depth += 1;
                            out.push('(');
                            at_start = true;
                        }
                        ')' => {
                            if depth == 0 {
                                return Err(ReError("Unmatched ) or \\)".into()));
                            }
                            depth -= 1;
                            out.push(')');
                        }
                        '{' => {
                            i = interval(&chars, i + 1, &mut out, true)?;
                            continue;
                        }
                        '}' => out.push_str("\\}"),
                        '|' => {
                            out.push('|');
                            at_start = true;
                        }
                        '+' | '?' if start_here => out.push_str(&regex::escape(&n.to_string())),
                        _ => out.push(n),
                    },
                    '1'..='9' => {
                        return Err(ReError(format!(
                            "back-references (\\{n}) are not simulated"
                        )));
                    }
                    'w' | 'W' | 's' | 'S' | 'b' | 'B' => {
                        out.push('\\');
                        out.push(n);
                    }
                    '<' => out.push_str("\\b{start}"),
                    '>' => out.push_str("\\b{end}"),
                    '`' => out.push_str("\\A"),
                    '\'' => out.push_str("\\z"),
                    'n' => out.push_str("\\n"),
                    't' => out.push_str("\\t"),
                    other => out.push_str(&regex::escape(&other.to_string())),
                }
            }
            '[' => {
                i = bracket(&chars, i, &mut out)?;
                continue;
            }
            '*' if start_here => out.push_str("\\*"),
            '*' => out.push('*'),
            '^' => {
                // BRE: an anchor only at the start (of the pattern, a group, an alternative).
                if ere || start_here {
                    out.push('^');
                    at_start = true;
                } else {
                    out.push_str("\\^");
                }
            }
            '$' => {
                let at_end = i + 1 == chars.len()
                    || (!ere
                        && chars.get(i + 1) == Some(&'\\')
                        && matches!(chars.get(i + 2), Some(')') | Some('|')));
                if ere || at_end {
                    out.push('$');
                } else {
                    out.push_str("\\$");
                }
            }
            '.' => out.push('.'),
            '(' if ere => {
                depth += 1;
                out.push('(');
                at_start = true;
            }
            ')' if ere => {
                if depth == 0 {
                    // POSIX leaves it undefined; GNU takes a lone `)` literally.
                    out.push_str("\\)");
                } else {
                    depth -= 1;
                    out.push(')');
                }
            }
            '|' if ere => {
                out.push('|');
                at_start = true;
            }
            '+' | '?' if ere && !start_here => out.push(c),
            '{' if ere && !start_here => {
                i = interval(&chars, i + 1, &mut out, false)?;
                continue;
            }
            other => out.push_str(&regex::escape(&other.to_string())),
        }
        i += 1;
    }
    if depth > 0 {
        return Err(ReError("Unmatched ( or \\(".into()));
    }
    Ok(out)
}

/// `{m,n}` from just after the brace: pushes it, returns the index after it.
fn interval(chars: &[char], mut i: usize, out: &mut String, bre: bool) -> Result<usize, ReError> {
    let mut body = String::new();
    while let Some(&c) = chars.get(i) {
        if c.is_ascii_digit() || c == ',' {
            body.push(c);
            i += 1;
        } else {
            break;
        }
    }
    let close = if bre {
        chars.get(i) == Some(&'\\') && chars.get(i + 1) == Some(&'}')
    } else {
        chars.get(i) == Some(&'}')
    };
    let valid = !body.is_empty() && body.matches(',').count() <= 1;
    if !close || !valid {
        if bre {
            return Err(ReError("Unmatched \\{".into()));
        }
        // ERE: GNU takes a `{` that starts no interval literally.
        out.push_str("\\{");
        out.push_str(&body);
        return Ok(i);
    }
    let body = if body.starts_with(',') {
        format!("0{body}")
    } else {
        body
    };
    out.push('{');
    out.push_str(&body);
    out.push('}');
    Ok(i + if bre { 2 } else { 1 })
}

/// A bracket expression from its `[`: pushes the crate's form, returns the index after `]`.
fn bracket(chars: &[char], start: usize, out: &mut String) -> Result<usize, ReError> {
    let mut i = start + 1;
    let mut set = String::from("[");
    if chars.get(i) == Some(&'^') {
        set.push('^');
        i += 1;
    }
    let mut first = true;
    loop {
        let Some(&c) = chars.get(i) else {
            return Err(ReError("Unmatched [, [^, [:, [., or [=".into()));
        };
        if c == ']' && !first {
            set.push(']');
            out.push_str(&set);
            return Ok(i + 1);
        }
        first = false;
        if c == '['
            && let Some(&kind @ (':' | '.' | '=')) = chars.get(i + 1)
        {
            let rest: String = chars[i + 2..].iter().collect();
            let end = format!("{kind}]");
            let Some(len) = rest.find(&end) else {
                return Err(ReError("Unmatched [, [^, [:, [., or [=".into()));
            };
            let name: String = rest[..len].to_string();
            match kind {
                ':' => {
                    const CLASSES: [&str; 12] = [
                        "alnum", "alpha", "blank", "cntrl", "digit", "graph", "lower", "print",
                        "punct", "space", "upper", "xdigit",
                    ];
                    if !CLASSES.contains(&name.as_str()) {
                        return Err(ReError("Invalid character class name".into()));
                    }
                    set.push_str(&format!("[:{name}:]"));
                }
                _ => set.push_str(&regex::escape(&name)),
            }
            i += 2 + name.chars().count() + 2;
            continue;
        }
        match c {
            // Special to the crate inside a class, plain in POSIX's.
            '\\' | '[' | '&' | '~' => {
                set.push('\\');
                set.push(c);
            }
            '-' if chars.get(i + 1) == Some(&']') || set.ends_with('[') || set == "[^" => {
                set.push_str("\\-");
            }
            _ => set.push(c),
        }
        i += 1;
    }
}

/// Compiles `pattern`, case-insensitively if `nocase`.
pub fn compile(pattern: &str, syntax: Syntax, nocase: bool) -> Result<Regex, ReError> {
    let t = translate(pattern, syntax)?;
    let t = if nocase { format!("(?i){t}") } else { t };
    Regex::new(&t).map_err(|e| ReError(format!("invalid regular expression: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, s: Syntax, text: &str) -> Option<String> {
        compile(p, s, false)
            .unwrap()
            .find(text)
            .map(|m| m.as_str().to_string())
    }

    /// Cases from POSIX's definitions: in a BRE `+ ? ( ) { } |` are plain characters and
    /// their backslashed forms are operators (GNU); in an ERE it is the other way round.
    #[test]
    fn basic_and_extended_operators() {
        use Syntax::*;
        assert_eq!(m("a+", Basic, "aa+").as_deref(), Some("a+"));
        assert_eq!(m("a\\+", Basic, "xaaa").as_deref(), Some("aaa"));
        assert_eq!(m("a+", Extended, "xaaa").as_deref(), Some("aaa"));
        assert_eq!(m("\\(ab\\)*c", Basic, "ababc").as_deref(), Some("ababc"));
        assert_eq!(m("(ab)", Basic, "x(ab)").as_deref(), Some("(ab)"));
        assert_eq!(
            m("KUBE-\\(SVC\\|SEP\\)", Basic, "-A KUBE-SEP-X").as_deref(),
            Some("KUBE-SEP")
        );
        assert_eq!(
            m("KUBE-(SVC|SEP)", Extended, "-A KUBE-SVC-X").as_deref(),
            Some("KUBE-SVC")
        );
        assert_eq!(m("a\\{2\\}", Basic, "aaa").as_deref(), Some("aa"));
        assert_eq!(m("a{2,}", Extended, "aaa").as_deref(), Some("aaa"));
        assert_eq!(m("a{,2}", Extended, "aaa").as_deref(), Some("aa"));
        // `*` first is literal; `^` in the middle of a BRE is literal; `$` not at the end too.
        assert_eq!(m("*a", Basic, "x*a").as_deref(), Some("*a"));
        assert_eq!(m("a^b", Basic, "a^b").as_deref(), Some("a^b"));
        assert_eq!(m("a$b", Basic, "a$b").as_deref(), Some("a$b"));
        assert_eq!(m("^ab$", Basic, "ab").as_deref(), Some("ab"));
        assert_eq!(m(".", Basic, "xy").as_deref(), Some("x"));
        assert_eq!(m("a.c", Basic, "abc").as_deref(), Some("abc"));
    }

    #[test]
    fn bracket_expressions() {
        use Syntax::*;
        assert_eq!(m("[[:digit:]]\\+", Basic, "ttl=64").as_deref(), Some("64"));
        assert_eq!(m("[^ ]*", Basic, "abc def").as_deref(), Some("abc"));
        assert_eq!(m("[]a]", Basic, "x]").as_deref(), Some("]"));
        assert_eq!(m("[a\\]", Basic, "\\").as_deref(), Some("\\"));
        assert_eq!(
            m("[0-9.]\\+", Basic, "ip 10.1.2.3/24").as_deref(),
            Some("10.1.2.3")
        );
        assert_eq!(m("[a-]", Basic, "-").as_deref(), Some("-"));
        assert_eq!(
            m("[[:upper:][:digit:]]+", Extended, "ab C3d").as_deref(),
            Some("C3")
        );
        assert!(compile("[[:foo:]]", Basic, false).is_err());
        assert!(compile("[abc", Basic, false).is_err());
    }

    #[test]
    fn gnu_extensions_and_limits() {
        use Syntax::*;
        assert_eq!(m("\\<ip\\>", Basic, "zip ip").as_deref(), Some("ip"));
        assert_eq!(m("\\w\\+", Basic, "  eth0:").as_deref(), Some("eth0"));
        assert_eq!(
            compile("\\(a\\)\\1", Basic, false).unwrap_err().0,
            "back-references (\\1) are not simulated"
        );
        assert!(compile("\\(a", Basic, false).is_err());
        assert!(compile("a\\", Basic, false).is_err());
        assert!(compile("DOCKER", Basic, true).unwrap().is_match("docker"));
    }
}
