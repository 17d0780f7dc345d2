//! Label and field selectors as the apiserver reads them (`-l`, `--field-selector`).
//!
//! kubectl passes both to the apiserver as they were typed; the apiserver parses them
//! (apimachinery `pkg/labels/selector.go` and `pkg/fields/selector.go`, v0.28) and checks
//! each field against what the kind supports (the field label conversion functions of
//! `pkg/apis/core/v1/conversion.go` in Kubernetes 1.28; other kinds get
//! `DefaultMetaV1FieldSelectorConversion`). The simulator's apiserver lists everything and
//! kubectl filters, so the parsing, its errors in apimachinery's words and the matching
//! live here.

use std::collections::BTreeMap;

use crate::k8s::api::{Body, Kind, Object};

/// A label selector: every requirement must hold (`a=b,c in (d)`).
#[derive(Clone, Debug, PartialEq)]
pub struct LabelSelector(Vec<Requirement>);

#[derive(Clone, Debug, PartialEq)]
struct Requirement {
    key: String,
    op: Op,
    /// In, NotIn: a sorted set; Equals..: one value; Exists, DoesNotExist: none.
    values: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    In,
    NotIn,
    Equals,
    DoubleEquals,
    NotEquals,
    Exists,
    DoesNotExist,
    GreaterThan,
    LessThan,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Token {
    Error,
    End,
    ClosedPar,
    Comma,
    DoesNotExist,
    DoubleEquals,
    Equals,
    GreaterThan,
    Identifier,
    In,
    LessThan,
    NotEquals,
    NotIn,
    OpenPar,
}

fn literal_token(s: &str) -> Option<Token> {
    Some(match s {
        ")" => Token::ClosedPar,
        "," => Token::Comma,
        "!" => Token::DoesNotExist,
        "==" => Token::DoubleEquals,
        "=" => Token::Equals,
        ">" => Token::GreaterThan,
        "in" => Token::In,
        "<" => Token::LessThan,
        "!=" => Token::NotEquals,
        "notin" => Token::NotIn,
        "(" => Token::OpenPar,
        _ => return None,
    })
}

fn is_special(c: u8) -> bool {
    matches!(c, b'=' | b'!' | b'(' | b')' | b',' | b'>' | b'<')
}

fn is_whitespace(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// The lexer: tokens and their text, to the end.
fn scan(s: &str) -> Vec<(Token, String)> {
    let b = s.as_bytes();
    let mut pos = 0;
    // A NUL byte ends the input, as the lexer's `read` returns 0 at the end.
    let read = |pos: &mut usize| -> u8 {
        if *pos < b.len() {
            *pos += 1;
            b[*pos - 1]
        } else {
            0
        }
    };
    let mut items = Vec::new();
    loop {
        let mut ch = read(&mut pos);
        while is_whitespace(ch) {
            ch = read(&mut pos);
        }
        if ch == 0 {
            items.push((Token::End, String::new()));
            return items;
        }
        pos -= 1;
        if is_special(ch) {
            // The longest run of special characters that is a token.
            let mut buffer = Vec::new();
            let mut last: Option<(Token, String)> = None;
            loop {
                let c = read(&mut pos);
                if c == 0 {
                    break;
                }
                if !is_special(c) {
                    pos -= 1;
                    break;
                }
                buffer.push(c);
                let text = String::from_utf8_lossy(&buffer).to_string();
                if let Some(t) = literal_token(&text) {
                    last = Some((t, text));
                } else if last.is_some() {
                    pos -= 1;
                    break;
                }
            }
            match last {
                Some(item) => items.push(item),
                None => items.push((
                    Token::Error,
                    format!(
                        "error expected: keyword found '{}'",
                        String::from_utf8_lossy(&buffer)
                    ),
                )),
            }
        } else {
            let mut buffer = Vec::new();
            loop {
                let c = read(&mut pos);
                if c == 0 {
                    break;
                }
                if is_special(c) || is_whitespace(c) {
                    pos -= 1;
                    break;
                }
                buffer.push(c);
            }
            let text = String::from_utf8_lossy(&buffer).to_string();
            match literal_token(&text) {
                Some(t) => items.push((t, text)),
                None => items.push((Token::Identifier, text)),
            }
        }
    }
}

struct Parser {
    items: Vec<(Token, String)>,
    position: usize,
}

/// Values context: `in` and `notin` are plain identifiers there (`x in (in)`).
fn as_value(t: Token) -> Token {
    match t {
        Token::In | Token::NotIn => Token::Identifier,
        t => t,
    }
}

impl Parser {
    fn lookahead(&self, values: bool) -> (Token, String) {
        let (t, l) = self.items[self.position].clone();
        (if values { as_value(t) } else { t }, l)
    }

    fn consume(&mut self, values: bool) -> (Token, String) {
        let item = self.lookahead(values);
        self.position += 1;
        item
    }

    fn parse(&mut self) -> Result<Vec<Requirement>, String> {
        let mut reqs = Vec::new();
        loop {
            let (tok, lit) = self.lookahead(true);
            match tok {
                Token::Identifier | Token::DoesNotExist => {
                    let r = self
                        .parse_requirement()
                        .map_err(|e| format!("unable to parse requirement: {e}"))?;
                    reqs.push(r);
                    let (t, l) = self.consume(true);
                    match t {
                        Token::End => return Ok(reqs),
                        Token::Comma => {
                            let (t2, l2) = self.lookahead(true);
                            if t2 != Token::Identifier && t2 != Token::DoesNotExist {
                                return Err(format!(
                                    "found '{l2}', expected: identifier after ','"
                                ));
                            }
                        }
                        _ => return Err(format!("found '{l}', expected: ',' or 'end of string'")),
                    }
                }
                Token::End => return Ok(reqs),
                _ => {
                    return Err(format!(
                        "found '{lit}', expected: !, identifier, or 'end of string'"
                    ));
                }
            }
        }
    }

    fn parse_requirement(&mut self) -> Result<Requirement, String> {
        let (key, op) = self.parse_key_and_infer_operator()?;
        if let Some(op @ (Op::Exists | Op::DoesNotExist)) = op {
            return new_requirement(key, op, Vec::new());
        }
        let op = self.parse_operator()?;
        let values = match op {
            Op::In | Op::NotIn => self.parse_values()?,
            _ => self.parse_exact_value()?,
        };
        new_requirement(key, op, values)
    }

    fn parse_key_and_infer_operator(&mut self) -> Result<(String, Option<Op>), String> {
        let mut op = None;
        let (mut tok, mut lit) = self.consume(true);
        if tok == Token::DoesNotExist {
            op = Some(Op::DoesNotExist);
            (tok, lit) = self.consume(true);
        }
        if tok != Token::Identifier {
            return Err(format!("found '{lit}', expected: identifier"));
        }
        let errs = qualified_name_errors(&lit);
        if !errs.is_empty() {
            return Err(format!(
                "<nil>: Invalid value: {}: {}",
                super::value::go_quote(&lit),
                errs.join("; ")
            ));
        }
        let (t, _) = self.lookahead(true);
        if (t == Token::End || t == Token::Comma) && op != Some(Op::DoesNotExist) {
            op = Some(Op::Exists);
        }
        Ok((lit, op))
    }

    fn parse_operator(&mut self) -> Result<Op, String> {
        let (tok, lit) = self.consume(false);
        Ok(match tok {
            Token::In => Op::In,
            Token::Equals => Op::Equals,
            Token::DoubleEquals => Op::DoubleEquals,
            Token::GreaterThan => Op::GreaterThan,
            Token::LessThan => Op::LessThan,
            Token::NotIn => Op::NotIn,
            Token::NotEquals => Op::NotEquals,
            _ => {
                return Err(format!(
                    "found '{lit}', expected: in, notin, =, ==, !=, gt, lt"
                ));
            }
        })
    }

    fn parse_values(&mut self) -> Result<Vec<String>, String> {
        let (tok, lit) = self.consume(true);
        if tok != Token::OpenPar {
            return Err(format!("found '{lit}' expected: '('"));
        }
        let (tok, lit) = self.lookahead(true);
        match tok {
            Token::Identifier | Token::Comma => {
                let s = self.parse_identifiers_list()?;
                let (tok, _) = self.consume(true);
                if tok != Token::ClosedPar {
                    return Err(format!("found '{lit}', expected: ')'"));
                }
                Ok(s)
            }
            Token::ClosedPar => {
                self.consume(true);
                Ok(vec![String::new()])
            }
            _ => Err(format!("found '{lit}', expected: ',', ')' or identifier")),
        }
    }

    fn parse_identifiers_list(&mut self) -> Result<Vec<String>, String> {
        let mut s = std::collections::BTreeSet::new();
        loop {
            let (tok, lit) = self.consume(true);
            match tok {
                Token::Identifier => {
                    s.insert(lit);
                    let (tok2, lit2) = self.lookahead(true);
                    match tok2 {
                        Token::Comma => continue,
                        Token::ClosedPar => return Ok(s.into_iter().collect()),
                        _ => return Err(format!("found '{lit2}', expected: ',' or ')'")),
                    }
                }
                Token::Comma => {
                    if s.is_empty() {
                        s.insert(String::new());
                    }
                    let (tok2, _) = self.lookahead(true);
                    if tok2 == Token::ClosedPar {
                        s.insert(String::new());
                        return Ok(s.into_iter().collect());
                    }
                    if tok2 == Token::Comma {
                        self.consume(true);
                        s.insert(String::new());
                    }
                }
                _ => return Err(format!("found '{lit}', expected: ',', or identifier")),
            }
        }
    }

    fn parse_exact_value(&mut self) -> Result<Vec<String>, String> {
        let (tok, _) = self.lookahead(true);
        if tok == Token::End || tok == Token::Comma {
            return Ok(vec![String::new()]);
        }
        let (tok, lit) = self.consume(true);
        if tok == Token::Identifier {
            return Ok(vec![lit]);
        }
        Err(format!("found '{lit}', expected: identifier"))
    }
}

/// `NewRequirement`'s checks of the values (the key was checked while parsing), with
/// `field.ErrorList.ToAggregate`'s message: one error as it is, several in `[a, b]`.
fn new_requirement(key: String, op: Op, values: Vec<String>) -> Result<Requirement, String> {
    let mut errs: Vec<String> = Vec::new();
    if matches!(op, Op::GreaterThan | Op::LessThan) {
        for (i, v) in values.iter().enumerate() {
            if crate::tools::num::go_parse_int(v, false).is_err() {
                errs.push(format!(
                    "values[{i}]: Invalid value: {}: for 'Gt', 'Lt' operators, the value must be an integer",
                    super::value::go_quote(v)
                ));
            }
        }
    }
    for (i, v) in values.iter().enumerate() {
        let e = label_value_errors(v);
        if !e.is_empty() {
            errs.push(format!(
                "values[{i}][{key}]: Invalid value: {}: {}",
                super::value::go_quote(v),
                e.join("; ")
            ));
        }
    }
    let mut seen: Vec<String> = Vec::new();
    for e in errs {
        if !seen.contains(&e) {
            seen.push(e);
        }
    }
    match seen.len() {
        0 => Ok(Requirement { key, op, values }),
        1 => Err(seen.remove(0)),
        _ => Err(format!("[{}]", seen.join(", "))),
    }
}

/// `validation.RegexError`.
fn regex_error(msg: &str, fmt: &str, examples: &[&str]) -> String {
    let mut m = format!("{msg} (e.g. ");
    for (i, e) in examples.iter().enumerate() {
        if i > 0 {
            m.push_str(" or ");
        }
        m.push_str(&format!("'{e}', "));
    }
    m.push_str(&format!("regex used for validation is '{fmt}')"));
    m
}

const QNAME_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const QNAME_MSG: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/// `^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`
fn qualified_name_part(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

/// `validation.IsDNS1123Subdomain`.
fn dns1123_subdomain_errors(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 253 {
        errs.push("must be no more than 253 characters".to_string());
    }
    let label_ok = |l: &str| {
        let b = l.as_bytes();
        !b.is_empty()
            && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
            && (b[b.len() - 1].is_ascii_lowercase() || b[b.len() - 1].is_ascii_digit())
            && b.iter()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
    };
    if !s.split('.').all(label_ok) {
        errs.push(regex_error(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
            "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*",
            &["example.com"],
        ));
    }
    errs
}

/// `validation.IsQualifiedName`: what a label key must be.
fn qualified_name_errors(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let parts: Vec<&str> = value.split('/').collect();
    let name = match parts.len() {
        1 => parts[0],
        2 => {
            let prefix = parts[0];
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".to_string());
            } else {
                errs.extend(
                    dns1123_subdomain_errors(prefix)
                        .into_iter()
                        .map(|m| format!("prefix part {m}")),
                );
            }
            parts[1]
        }
        _ => {
            errs.push(format!(
                "a qualified name {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                regex_error(QNAME_MSG, QNAME_FMT, &["MyName", "my.name", "123-abc"])
            ));
            return errs;
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".to_string());
    } else if name.len() > 63 {
        errs.push("name part must be no more than 63 characters".to_string());
    }
    if !qualified_name_part(name) {
        errs.push(format!(
            "name part {}",
            regex_error(QNAME_MSG, QNAME_FMT, &["MyName", "my.name", "123-abc"])
        ));
    }
    errs
}

/// `validation.IsValidLabelValue`.
fn label_value_errors(v: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if v.len() > 63 {
        errs.push("must be no more than 63 characters".to_string());
    }
    if !v.is_empty() && !qualified_name_part(v) {
        errs.push(regex_error(
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
            "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?",
            &["MyValue", "my_value", "12345"],
        ));
    }
    errs
}

impl LabelSelector {
    /// `labels.Parse`: the requirements, sorted by key.
    pub fn parse(s: &str) -> Result<LabelSelector, String> {
        let mut p = Parser {
            items: scan(s),
            position: 0,
        };
        let mut reqs = p.parse()?;
        reqs.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(LabelSelector(reqs))
    }

    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.0.iter().all(|r| r.matches(labels))
    }
}

impl Requirement {
    fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let v = labels.get(&self.key);
        match self.op {
            Op::In | Op::Equals | Op::DoubleEquals => v.is_some_and(|v| self.values.contains(v)),
            Op::NotIn | Op::NotEquals => v.is_none_or(|v| !self.values.contains(v)),
            Op::Exists => v.is_some(),
            Op::DoesNotExist => v.is_none(),
            Op::GreaterThan | Op::LessThan => {
                let (Some(v), Some(want)) = (v, self.values.first()) else {
                    return false;
                };
                let (Ok(have), Ok(want)) = (
                    crate::tools::num::go_parse_int(v, false),
                    crate::tools::num::go_parse_int(want, false),
                ) else {
                    return false;
                };
                if self.op == Op::GreaterThan {
                    have > want
                } else {
                    have < want
                }
            }
        }
    }
}

/// A field selector: every term must hold (`metadata.name=web,status.phase!=Running`).
#[derive(Clone, Debug, PartialEq)]
pub struct FieldSelector(Vec<FieldTerm>);

#[derive(Clone, Debug, PartialEq)]
struct FieldTerm {
    field: String,
    equal: bool,
    value: String,
}

impl FieldSelector {
    /// `fields.ParseSelector`: terms split at unescaped commas and sorted, each split at
    /// its first `!=`, `==` or `=`, the value unescaped (`\,`, `\=`, `\\`).
    pub fn parse(s: &str) -> Result<FieldSelector, String> {
        let mut terms: Vec<String> = Vec::new();
        let mut cur = String::new();
        let mut in_slash = false;
        for c in s.chars() {
            if in_slash {
                in_slash = false;
                cur.push(c);
            } else if c == '\\' {
                in_slash = true;
                cur.push(c);
            } else if c == ',' {
                terms.push(std::mem::take(&mut cur));
            } else {
                cur.push(c);
            }
        }
        terms.push(cur);
        terms.sort();
        let mut out = Vec::new();
        for part in terms.iter().filter(|t| !t.is_empty()) {
            let split = part.char_indices().find_map(|(i, _)| {
                ["!=", "==", "="]
                    .into_iter()
                    .find(|op| part[i..].starts_with(op))
                    .map(|op| (&part[..i], op, &part[i + op.len()..]))
            });
            let Some((lhs, op, rhs)) = split else {
                return Err(format!(
                    "invalid selector: '{s}'; can't understand '{part}'"
                ));
            };
            out.push(FieldTerm {
                field: lhs.to_string(),
                equal: op != "!=",
                value: unescape(rhs)?,
            });
        }
        Ok(FieldSelector(out))
    }

    /// The apiserver's field label conversion for `kind`: the first field it does not
    /// support, in its words (Kubernetes 1.28).
    pub fn check(&self, kind: Kind) -> Result<(), String> {
        for t in &self.0 {
            let supported: Option<&[&str]> = match kind {
                Kind::Pod => Some(&[
                    "metadata.name",
                    "metadata.namespace",
                    "spec.nodeName",
                    "spec.restartPolicy",
                    "spec.schedulerName",
                    "spec.serviceAccountName",
                    "spec.hostNetwork",
                    "status.phase",
                    "status.podIP",
                    "status.podIPs",
                    "status.nominatedNodeName",
                    "spec.host",
                ]),
                Kind::Node => Some(&["metadata.name", "spec.unschedulable"]),
                Kind::ReplicationController => {
                    Some(&["metadata.name", "metadata.namespace", "status.replicas"])
                }
                Kind::Namespace => Some(&["status.phase", "metadata.name"]),
                _ => None,
            };
            match supported {
                Some(list) if !list.contains(&t.field.as_str()) => {
                    return Err(format!("field label not supported: {}", t.field));
                }
                None if t.field != "metadata.name" && t.field != "metadata.namespace" => {
                    return Err(format!(
                        "\"{}\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"",
                        t.field
                    ));
                }
                _ => {}
            }
        }
        Ok(())
    }

    pub fn matches(&self, o: &Object) -> bool {
        self.0.iter().all(|t| {
            // `spec.host` is the old name of `spec.nodeName`.
            let field = if t.field == "spec.host" {
                "spec.nodeName"
            } else {
                t.field.as_str()
            };
            (field_value(o, field) == t.value) == t.equal
        })
    }
}

/// The value the apiserver's `GetAttrs` gives a field of an object (`""` for one it does
/// not set).
fn field_value(o: &Object, field: &str) -> String {
    let m = &o.meta;
    match (field, &o.body) {
        ("metadata.name", _) => m.name.clone(),
        ("metadata.namespace", _) => m.namespace.clone(),
        ("spec.nodeName", Body::Pod(p)) => p.node.clone().unwrap_or_default(),
        ("spec.restartPolicy", Body::Pod(_)) => "Always".into(),
        ("spec.schedulerName", Body::Pod(_)) => "default-scheduler".into(),
        ("spec.serviceAccountName", Body::Pod(_)) => "default".into(),
        ("spec.hostNetwork", Body::Pod(p)) => p.spec.host_network.to_string(),
        ("status.phase", Body::Pod(p)) => p.phase.name().into(),
        ("status.podIP", Body::Pod(p)) => p.ip.map(|i| i.to_string()).unwrap_or_default(),
        ("spec.unschedulable", Body::Node(_)) => "false".into(),
        ("status.replicas", Body::Workload(w)) => w.current.to_string(),
        ("status.phase", Body::Namespace) => if m.deletion.is_some() {
            "Terminating"
        } else {
            "Active"
        }
        .into(),
        _ => String::new(),
    }
}

/// `fields.UnescapeValue`.
fn unescape(s: &str) -> Result<String, String> {
    if !s.contains(['\\', ',', '=']) {
        return Ok(s.to_string());
    }
    let mut out = String::new();
    let mut in_slash = false;
    for c in s.chars() {
        if in_slash {
            match c {
                '\\' | ',' | '=' => out.push(c),
                _ => {
                    return Err(format!(
                        "invalid field selector: invalid escape sequence: \\{c}"
                    ));
                }
            }
            in_slash = false;
            continue;
        }
        match c {
            '\\' => in_slash = true,
            ',' | '=' => {
                return Err(format!(
                    "invalid field selector: unescaped character in value: {}",
                    c as u32
                ));
            }
            _ => out.push(c),
        }
    }
    if in_slash {
        return Err("invalid field selector: invalid escape sequence: \\".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// The grammar of apimachinery's selector_test.go: what matches and what does not.
    #[test]
    fn label_selectors_match_as_the_apiserver_matches() {
        // (selector, labels, whether it matches)
        type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], bool);
        let cases: &[Case] = &[
            ("", &[("x", "y")], true),
            ("x=y", &[("x", "y")], true),
            ("x==y", &[("x", "y")], true),
            ("x=z", &[("x", "y")], false),
            ("x!=z", &[("x", "y")], true),
            ("x!=y", &[("x", "y")], false),
            ("x!=y", &[], true),
            ("x=y,z=w", &[("x", "y"), ("z", "w")], true),
            ("x=y,z=w", &[("x", "y")], false),
            ("x in (y,z)", &[("x", "z")], true),
            ("x in (y,z)", &[("x", "w")], false),
            ("x notin (y,z)", &[("x", "w")], true),
            ("x notin (y,z)", &[], true),
            ("x notin (y,z)", &[("x", "y")], false),
            ("x", &[("x", "")], true),
            ("x", &[], false),
            ("!x", &[], true),
            ("!x", &[("x", "y")], false),
            ("x in (in)", &[("x", "in")], true),
            ("x=", &[("x", "")], true),
            ("x in ()", &[("x", "")], true),
            ("x in (,y)", &[("x", "")], true),
            ("x>1", &[("x", "2")], true),
            ("x>1", &[("x", "a")], false),
            ("x<1", &[("x", "0")], true),
            ("  x  =  y  ", &[("x", "y")], true),
            (
                "app.kubernetes.io/name=web",
                &[("app.kubernetes.io/name", "web")],
                true,
            ),
        ];
        for (sel, ls, want) in cases {
            let s = LabelSelector::parse(sel).unwrap_or_else(|e| panic!("{sel}: {e}"));
            assert_eq!(s.matches(&labels(ls)), *want, "{sel} on {ls:?}");
        }
    }

    #[test]
    fn label_selector_errors_in_apimachinerys_words() {
        let err = |s: &str| LabelSelector::parse(s).unwrap_err();
        assert_eq!(
            err("x in"),
            "unable to parse requirement: found '' expected: '('"
        );
        assert_eq!(
            err("x in (a"),
            "unable to parse requirement: found '', expected: ',' or ')'"
        );
        assert_eq!(err("x=a,"), "found '', expected: identifier after ','");
        assert_eq!(
            err("x=a y=b"),
            "found 'y', expected: ',' or 'end of string'"
        );
        assert_eq!(
            err(",x"),
            "found ',', expected: !, identifier, or 'end of string'"
        );
        assert_eq!(
            err("x y"),
            "unable to parse requirement: found 'y', expected: in, notin, =, ==, !=, gt, lt"
        );
        assert_eq!(
            err("-x=a"),
            "unable to parse requirement: <nil>: Invalid value: \"-x\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
        );
        assert_eq!(
            err("x=a/b"),
            "unable to parse requirement: values[0][x]: Invalid value: \"a/b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
        );
        assert_eq!(
            err("x>a"),
            "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer"
        );
        assert_eq!(
            err("x=!"),
            "unable to parse requirement: found '!', expected: identifier"
        );
        assert_eq!(
            err("Example.com/x=y"),
            "unable to parse requirement: <nil>: Invalid value: \"Example.com/x\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
        );
    }

    #[test]
    fn field_selectors() {
        let err = |s: &str| FieldSelector::parse(s).unwrap_err();
        assert_eq!(
            err("foo"),
            "invalid selector: 'foo'; can't understand 'foo'"
        );
        assert_eq!(
            err("a=b=c"),
            "invalid field selector: unescaped character in value: 61"
        );
        assert_eq!(
            err(r"a=b\x"),
            r"invalid field selector: invalid escape sequence: \x"
        );
        let s = FieldSelector::parse(r"metadata.name=a\,b,status.phase!=Running").unwrap();
        assert_eq!(
            s,
            FieldSelector(vec![
                FieldTerm {
                    field: "metadata.name".into(),
                    equal: true,
                    value: "a,b".into()
                },
                FieldTerm {
                    field: "status.phase".into(),
                    equal: false,
                    value: "Running".into()
                },
            ])
        );
        assert_eq!(s.check(Kind::Pod), Ok(()));
        assert_eq!(
            FieldSelector::parse("spec.nodeName=x")
                .unwrap()
                .check(Kind::Service),
            Err("\"spec.nodeName\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"".into())
        );
        assert_eq!(
            FieldSelector::parse("spec.foo=x").unwrap().check(Kind::Pod),
            Err("field label not supported: spec.foo".into())
        );
        assert_eq!(
            FieldSelector::parse("metadata.namespace=x")
                .unwrap()
                .check(Kind::Node),
            Err("field label not supported: metadata.namespace".into())
        );
        assert!(FieldSelector::parse("").unwrap().0.is_empty());
    }
}
