//! kubectl's JSONPath: a port of client-go's `util/jsonpath` (`parser.go`, `jsonpath.go`,
//! client-go v0.28), the template language of `-o jsonpath=...`, `custom-columns` and
//! `--sort-by`. Text outside `{...}` is printed as it is; inside, `.field`, `['key']`,
//! `[n]`, `[start:end:step]`, `[*]`, `..` (recursive descent), `[a,b]` (union),
//! `[?(@.x=="y")]` filters (`==`, `!=`, `<`, `>`, `<=`, `>=`, or a bare path for
//! "exists"), `range ... end`, quoted literals (`{"\n"}`) and `true`/`false`. Errors have
//! client-go's words.
//!
//! One difference, for determinism: Go visits a map's values in random order for `*` and
//! `..`; this visits them in key order.

use super::value::{Value, go_float_g, to_json};

/// A parsed template.
#[derive(Clone, Debug)]
pub struct JsonPath {
    root: Vec<Node>,
    allow_missing_keys: bool,
}

#[derive(Clone, Debug, PartialEq)]
enum Node {
    List(Vec<Node>),
    Text(String),
    Field(String),
    Identifier(String),
    Array([Param; 3]),
    Filter {
        left: Vec<Node>,
        right: Vec<Node>,
        op: String,
    },
    Int(i64),
    Float(f64),
    Wildcard,
    Recursive,
    Union(Vec<Vec<Node>>),
    Bool(bool),
}

#[derive(Clone, Copy, Debug, PartialEq, Default)]
struct Param {
    value: i64,
    known: bool,
    derived: bool,
}

impl JsonPath {
    /// `jsonpath.New(name).Parse(text)`; missing keys are errors until
    /// [`JsonPath::allow_missing_keys`].
    pub fn parse(text: &str) -> Result<JsonPath, String> {
        Ok(JsonPath {
            root: Parser::parse(text)?,
            allow_missing_keys: false,
        })
    }

    pub fn allow_missing_keys(mut self, allow: bool) -> JsonPath {
        self.allow_missing_keys = allow;
        self
    }

    /// `Execute`: the template applied to `data`, as text.
    pub fn execute(&self, data: &Value) -> Result<String, String> {
        let results = self.find_results(data)?;
        let mut out = String::new();
        for r in &results {
            print_results(&mut out, r, false);
        }
        Ok(out)
    }

    /// `Execute` with `EnableJSONOutput(true)` (`-o jsonpath-as-json`): each set of results
    /// as an indented JSON array.
    pub fn execute_json(&self, data: &Value) -> Result<String, String> {
        let results = self.find_results(data)?;
        let mut out = String::new();
        for r in &results {
            print_results(&mut out, r, true);
        }
        Ok(out)
    }

    /// `FindResults`: for each top-level node (text or `{...}`), the values it gave.
    pub fn find_results(&self, data: &Value) -> Result<Vec<Vec<Value>>, String> {
        let mut run = Run {
            jp: self,
            begin_range: 0,
            in_range: 0,
            end_range: 0,
            last_end: None,
        };
        run.find_results(data, 0)
    }
}

/// `PrintResults`: maps and lists as compact JSON, other values as `fmt.Fprint` prints
/// them, separated by spaces.
fn print_results(out: &mut String, results: &[Value], json: bool) {
    if json {
        let v = Value::List(results.to_vec());
        out.push_str(&to_json(&v, Some("    "), true));
        out.push('\n');
        return;
    }
    for (i, r) in results.iter().enumerate() {
        match r {
            Value::Map(_) | Value::List(_) => out.push_str(&to_json(r, None, true)),
            _ => out.push_str(&text(r)),
        }
        if i + 1 != results.len() {
            out.push(' ');
        }
    }
}

/// `fmt.Fprint` of a scalar.
fn text(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(n) => n.to_string(),
        Value::Float(f) => go_float_g(*f),
        Value::Str(s) => s.clone(),
        other => to_json(other, None, true),
    }
}

/// The state of one execution (client-go keeps it on the JSONPath itself).
struct Run<'a> {
    jp: &'a JsonPath,
    begin_range: usize,
    in_range: usize,
    end_range: usize,
    /// The index in the root of the `end` that closed the last range.
    last_end: Option<usize>,
}

/// Go's `reflect.Value` type name of an unstructured value, as errors print it.
fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int64",
        Value::Float(_) => "float64",
        Value::Str(_) => "string",
        Value::List(_) => "[]interface {}",
        Value::Map(_) => "map[string]interface {}",
    }
}

impl Run<'_> {
    fn find_results(&mut self, data: &Value, start: usize) -> Result<Vec<Vec<Value>>, String> {
        let nodes = &self.jp.root;
        let cur = vec![data.clone()];
        let mut full = Vec::new();
        let mut i = start;
        while i < nodes.len() {
            let results = self.walk(&cur, &nodes[i])?;
            // An `end`: this block is done.
            if self.end_range > 0 && self.end_range <= self.in_range {
                self.end_range -= 1;
                self.last_end = Some(i);
                break;
            }
            // A `range`: the rest, once per value.
            if self.begin_range > 0 {
                self.begin_range -= 1;
                self.in_range += 1;
                if results.is_empty() {
                    // Still walk the body, so the position reaches its `end`.
                    self.find_results(&Value::Null, i + 1)?;
                } else {
                    for v in &results {
                        let next = self.find_results(v, i + 1)?;
                        full.extend(next);
                    }
                }
                self.in_range -= 1;
                // Resume after the `end` that closed this range.
                if let Some(k) = (i + 1..nodes.len()).find(|k| Some(*k) == self.last_end) {
                    i = k;
                }
                i += 1;
                continue;
            }
            full.push(results);
            i += 1;
        }
        Ok(full)
    }

    fn walk(&mut self, input: &[Value], node: &Node) -> Result<Vec<Value>, String> {
        match node {
            Node::List(nodes) => self.eval_list(input, nodes),
            Node::Text(t) => Ok(vec![Value::Str(t.clone())]),
            Node::Field(f) => self.eval_field(input, f),
            Node::Array(params) => eval_array(input, params),
            Node::Filter { left, right, op } => self.eval_filter(input, left, right, op),
            Node::Int(n) => Ok(input.iter().map(|_| Value::Int(*n)).collect()),
            Node::Float(f) => Ok(input.iter().map(|_| Value::Float(*f)).collect()),
            Node::Bool(b) => Ok(input.iter().map(|_| Value::Bool(*b)).collect()),
            Node::Wildcard => Ok(eval_wildcard(input)),
            Node::Recursive => Ok(eval_recursive(input)),
            Node::Union(lists) => {
                let mut out = Vec::new();
                for l in lists {
                    out.extend(self.eval_list(input, l)?);
                }
                Ok(out)
            }
            Node::Identifier(name) => match name.as_str() {
                "range" => {
                    self.begin_range += 1;
                    Ok(input.to_vec())
                }
                "end" if self.in_range > 0 => {
                    self.end_range += 1;
                    Ok(Vec::new())
                }
                "end" => Err("not in range, nothing to end".into()),
                other => Err(format!("unrecognized identifier {other}")),
            },
        }
    }

    fn eval_list(&mut self, input: &[Value], nodes: &[Node]) -> Result<Vec<Value>, String> {
        let mut cur = input.to_vec();
        for n in nodes {
            cur = self.walk(&cur, n)?;
        }
        Ok(cur)
    }

    fn eval_field(&mut self, input: &[Value], field: &str) -> Result<Vec<Value>, String> {
        if input.is_empty() {
            return Ok(Vec::new());
        }
        let results: Vec<Value> = input
            .iter()
            .filter_map(|v| v.map().and_then(|m| m.get(field)).cloned())
            .collect();
        if results.is_empty() && !self.jp.allow_missing_keys {
            return Err(format!("{field} is not found"));
        }
        Ok(results)
    }

    fn eval_filter(
        &mut self,
        input: &[Value],
        left: &[Node],
        right: &[Node],
        op: &str,
    ) -> Result<Vec<Value>, String> {
        let mut results = Vec::new();
        for value in input {
            let Value::List(items) = value else {
                return Err(format!(
                    "{} is not array or slice and cannot be filtered",
                    super::value::go_sprint(value)
                ));
            };
            for item in items {
                let temp = [item.clone()];
                let lefts = self.eval_list(&temp, left);
                if op == "exists" {
                    if lefts.is_ok_and(|l| !l.is_empty()) {
                        results.push(item.clone());
                    }
                    continue;
                }
                let lefts = lefts?;
                match lefts.len() {
                    0 => continue,
                    1 => {}
                    _ => return Err("can only compare one element at a time".into()),
                }
                let rights = self.eval_list(&temp, right)?;
                match rights.len() {
                    0 => continue,
                    1 => {}
                    _ => return Err("can only compare one element at a time".into()),
                }
                let (l, r) = (&lefts[0], &rights[0]);
                let pass = match op {
                    "<" => less(l, r)?,
                    ">" => !(less(l, r)? || equal(l, r)?),
                    "==" => equal(l, r)?,
                    "!=" => !equal(l, r)?,
                    "<=" => less(l, r)? || equal(l, r)?,
                    ">=" => !less(l, r)?,
                    other => return Err(format!("unrecognized filter operator {other}")),
                };
                if pass {
                    results.push(item.clone());
                }
            }
        }
        Ok(results)
    }
}

/// The kinds Go's template comparisons know (`funcs.go`'s `basicKind`).
#[derive(PartialEq)]
enum Basic<'a> {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a str),
}

fn basic(v: &Value) -> Result<Basic<'_>, String> {
    match v {
        Value::Bool(b) => Ok(Basic::Bool(*b)),
        Value::Int(n) => Ok(Basic::Int(*n)),
        Value::Float(f) => Ok(Basic::Float(*f)),
        Value::Str(s) => Ok(Basic::Str(s)),
        _ => Err("invalid type for comparison".into()),
    }
}

fn equal(a: &Value, b: &Value) -> Result<bool, String> {
    match (basic(a)?, basic(b)?) {
        (Basic::Bool(x), Basic::Bool(y)) => Ok(x == y),
        (Basic::Int(x), Basic::Int(y)) => Ok(x == y),
        (Basic::Float(x), Basic::Float(y)) => Ok(x == y),
        (Basic::Str(x), Basic::Str(y)) => Ok(x == y),
        _ => Err("incompatible types for comparison".into()),
    }
}

fn less(a: &Value, b: &Value) -> Result<bool, String> {
    match (basic(a)?, basic(b)?) {
        (Basic::Bool(_), Basic::Bool(_)) => Err("invalid type for comparison".into()),
        (Basic::Int(x), Basic::Int(y)) => Ok(x < y),
        (Basic::Float(x), Basic::Float(y)) => Ok(x < y),
        (Basic::Str(x), Basic::Str(y)) => Ok(x < y),
        _ => Err("incompatible types for comparison".into()),
    }
}

fn eval_array(input: &[Value], node: &[Param; 3]) -> Result<Vec<Value>, String> {
    let mut result = Vec::new();
    for value in input {
        let items = match value {
            Value::Null => continue,
            Value::List(items) => items,
            other => return Err(format!("{} is not array or slice", type_name(other))),
        };
        let len = items.len() as i64;
        let mut p = *node;
        if !p[0].known {
            p[0].value = 0;
        }
        if p[0].value < 0 {
            p[0].value += len;
        }
        if !p[1].known {
            p[1].value = len;
        }
        if p[1].value < 0 || (p[1].value == 0 && p[1].derived) {
            p[1].value += len;
        }
        if p[1].value == p[0].value {
            // Zero elements asked for.
            return Ok(result);
        }
        if p[0].value >= len || p[0].value < 0 {
            return Err(format!(
                "array index out of bounds: index {}, length {len}",
                p[0].value
            ));
        }
        if p[1].value > len || p[1].value < 0 {
            return Err(format!(
                "array index out of bounds: index {}, length {len}",
                p[1].value - 1
            ));
        }
        if p[0].value > p[1].value {
            return Err(format!(
                "starting index {} is greater than ending index {}",
                p[0].value, p[1].value
            ));
        }
        let slice = &items[p[0].value as usize..p[1].value as usize];
        let step = if p[2].known {
            if p[2].value <= 0 {
                return Err("step must be > 0".into());
            }
            p[2].value as usize
        } else {
            1
        };
        result.extend(slice.iter().step_by(step).cloned());
    }
    Ok(result)
}

/// The values inside a value, as Go's reflect walks them: a map's (in key order, see the
/// module doc), a list's items, a string's bytes.
fn children(v: &Value) -> Vec<Value> {
    match v {
        Value::Map(m) => m.sorted().into_iter().map(|(_, v)| v.clone()).collect(),
        Value::List(items) => items.clone(),
        Value::Str(s) => s.bytes().map(|b| Value::Int(i64::from(b))).collect(),
        _ => Vec::new(),
    }
}

fn eval_wildcard(input: &[Value]) -> Vec<Value> {
    input.iter().flat_map(children).collect()
}

fn eval_recursive(input: &[Value]) -> Vec<Value> {
    let mut result = Vec::new();
    for value in input {
        let kids = children(value);
        if !kids.is_empty() {
            result.push(value.clone());
            result.extend(eval_recursive(&kids));
        }
    }
    result
}

/// client-go's `Parser`, on characters (the byte tests it makes are all on ASCII).
struct Parser {
    input: Vec<char>,
    pos: usize,
    start: usize,
}

impl Parser {
    fn parse(text: &str) -> Result<Vec<Node>, String> {
        let mut p = Parser {
            input: text.chars().collect(),
            pos: 0,
            start: 0,
        };
        let mut root = Vec::new();
        p.parse_text(&mut root)?;
        Ok(root)
    }

    /// `parseAction`: `{text}`'s one list.
    fn parse_action(text: &str) -> Result<Vec<Node>, String> {
        let mut root = Parser::parse(&format!("{{{text}}}"))?;
        match root.drain(..).next() {
            Some(Node::List(nodes)) => Ok(nodes),
            _ => Ok(Vec::new()),
        }
    }

    fn rest_starts_with(&self, s: &str) -> bool {
        (self.pos..)
            .zip(s.chars())
            .all(|(i, c)| self.input.get(i) == Some(&c))
    }

    fn consume_text(&mut self) -> String {
        let s: String = self.input[self.start..self.pos].iter().collect();
        self.start = self.pos;
        s
    }

    fn next(&mut self) -> Option<char> {
        let c = self.input.get(self.pos).copied();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn peek(&self) -> Option<char> {
        self.input.get(self.pos).copied()
    }

    fn backup(&mut self) {
        self.pos -= 1;
    }

    fn parse_text(&mut self, root: &mut Vec<Node>) -> Result<(), String> {
        loop {
            if self.rest_starts_with("{") {
                if self.pos > self.start {
                    root.push(Node::Text(self.consume_text()));
                }
                self.pos += 1;
                self.consume_text();
                let mut list = Vec::new();
                self.parse_inside_action(&mut list)?;
                root.push(Node::List(list));
                continue;
            }
            if self.next().is_none() {
                break;
            }
        }
        if self.pos > self.start {
            root.push(Node::Text(self.consume_text()));
        }
        Ok(())
    }

    fn parse_inside_action(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        loop {
            if self.rest_starts_with("}") {
                self.pos += 1;
                self.consume_text();
                return Ok(());
            }
            if self.rest_starts_with("[?(") {
                self.parse_filter(cur)?;
                continue;
            }
            if self.rest_starts_with("..") {
                self.parse_recursive(cur)?;
                continue;
            }
            match self.next() {
                None | Some('\r' | '\n') => return Err("unclosed action".into()),
                Some(' ' | '@' | '$') => {
                    self.consume_text();
                }
                Some('[') => self.parse_array(cur)?,
                Some(q @ ('"' | '\'')) => self.parse_quote(cur, q)?,
                Some('.') => self.parse_field(cur)?,
                Some(c) if c == '+' || c == '-' || c.is_ascii_digit() => {
                    self.backup();
                    self.parse_number(cur)?;
                }
                Some(c) if is_alphanumeric(c) => {
                    self.backup();
                    self.parse_identifier(cur);
                }
                Some(c) => {
                    return Err(format!(
                        "unrecognized character in action: {}",
                        go_sharp_u(c)
                    ));
                }
            }
        }
    }

    fn parse_identifier(&mut self, cur: &mut Vec<Node>) {
        while let Some(c) = self.next() {
            if is_terminator(Some(c)) {
                self.backup();
                break;
            }
        }
        let value = self.consume_text();
        match value.as_str() {
            "true" => cur.push(Node::Bool(true)),
            "false" => cur.push(Node::Bool(false)),
            _ => cur.push(Node::Identifier(value)),
        }
    }

    fn parse_recursive(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        if cur.last() == Some(&Node::Recursive) {
            return Err("invalid multiple recursive descent".into());
        }
        self.pos += 2;
        self.consume_text();
        cur.push(Node::Recursive);
        if self.peek().is_some_and(is_alphanumeric) {
            return self.parse_field(cur);
        }
        Ok(())
    }

    fn parse_number(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        if matches!(self.peek(), Some('+' | '-')) {
            self.next();
        }
        while let Some(c) = self.next() {
            if c != '.' && !c.is_ascii_digit() {
                self.backup();
                break;
            }
        }
        let value = self.consume_text();
        if let Ok(n) = value.parse::<i64>() {
            cur.push(Node::Int(n));
            return Ok(());
        }
        // strconv.ParseFloat of digits, dots and a sign.
        if value.chars().any(|c| c.is_ascii_digit())
            && value.chars().filter(|c| *c == '.').count() <= 1
            && let Ok(f) = value.parse::<f64>()
        {
            cur.push(Node::Float(f));
            return Ok(());
        }
        Err(format!("cannot parse number {value}"))
    }

    fn parse_array(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        loop {
            match self.next() {
                None | Some('\n') => return Err("unterminated array".into()),
                Some(']') => break,
                _ => {}
            }
        }
        // The text between `[` and `]`.
        let text = self.consume_text();
        let n = text.chars().count();
        let mut text: String = text.chars().skip(1).take(n.saturating_sub(2)).collect();
        if text == "*" {
            text = ":".into();
        }
        // A union: [a,b]
        let parts: Vec<&str> = text.split(',').collect();
        if parts.len() > 1 {
            let mut union = Vec::new();
            for s in parts {
                union.push(Parser::parse_action(&format!("[{}]", s.trim_matches(' ')))?);
            }
            cur.push(Node::Union(union));
            return Ok(());
        }
        // A key: ['a.b']
        if text.len() >= 2
            && text.starts_with('\'')
            && text.ends_with('\'')
            && !text[1..text.len() - 1].contains('\'')
        {
            let nodes = Parser::parse_action(&format!(".{}", &text[1..text.len() - 1]))?;
            cur.extend(nodes);
            return Ok(());
        }
        // A slice: ^(-?[\d]*)(:-?[\d]*)?(:-?[\d]*)?$
        let groups: Vec<&str> = text.split(':').collect();
        let int_like = |s: &str| {
            let s = s.strip_prefix('-').unwrap_or(s);
            s.chars().all(|c| c.is_ascii_digit())
        };
        if groups.len() > 3 || !groups.iter().all(|g| int_like(g)) {
            return Err(format!("invalid array index {text}"));
        }
        let mut params = [Param::default(); 3];
        for i in 0..3 {
            match groups.get(i) {
                Some(g) if !g.is_empty() => {
                    params[i].known = true;
                    params[i].value = g
                        .parse()
                        .map_err(|_| format!("array index {g} is not a number"))?;
                }
                // `[1:]`: the end not known.
                Some(_) if i > 0 => params[i].known = false,
                _ if i == 1 => {
                    params[1] = Param {
                        value: params[0].value + 1,
                        known: true,
                        derived: true,
                    };
                }
                _ => {}
            }
        }
        cur.push(Node::Array(params));
        Ok(())
    }

    fn parse_filter(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        self.pos += 3;
        self.consume_text();
        let (mut begin, mut end) = (false, false);
        let mut pair = '"';
        loop {
            match self.next() {
                None | Some('\n') => return Err("unterminated filter".into()),
                Some(r @ ('"' | '\'')) => {
                    if !begin {
                        begin = true;
                        pair = r;
                        continue;
                    }
                    if self.input[self.pos - 2] != '\\' && r == pair {
                        end = true;
                    }
                }
                Some(')') if begin == end => break,
                _ => {}
            }
        }
        if self.next() != Some(']') {
            return Err("unclosed array expect ]".into());
        }
        let text = self.consume_text();
        let text: String = {
            let chars: Vec<char> = text.chars().collect();
            chars[..chars.len() - 2].iter().collect()
        };
        match split_filter(&text) {
            None => {
                let left = Parser::parse_action(&text)?;
                cur.push(Node::Filter {
                    left,
                    right: Vec::new(),
                    op: "exists".into(),
                });
            }
            Some((l, op, r)) => {
                let left = Parser::parse_action(l)?;
                let right = Parser::parse_action(r)?;
                cur.push(Node::Filter {
                    left,
                    right,
                    op: op.to_string(),
                });
            }
        }
        Ok(())
    }

    fn parse_quote(&mut self, cur: &mut Vec<Node>, end: char) -> Result<(), String> {
        loop {
            match self.next() {
                None | Some('\n') => return Err("unterminated quoted string".into()),
                Some(c) if c == end && self.input[self.pos - 2] != '\\' => break,
                _ => {}
            }
        }
        let value = self.consume_text();
        let s = unquote_extend(&value)
            .map_err(|_| format!("unquote string {value} error invalid syntax"))?;
        cur.push(Node::Text(s));
        Ok(())
    }

    fn parse_field(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        self.consume_text();
        loop {
            match self.next() {
                Some('\\') => {
                    self.next();
                }
                c if is_terminator(c) => {
                    if c.is_some() {
                        self.backup();
                    }
                    break;
                }
                _ => {}
            }
        }
        let value = self.consume_text();
        if value == "*" {
            cur.push(Node::Wildcard);
        } else {
            cur.push(Node::Field(value.replace('\\', "")));
        }
        Ok(())
    }
}

/// `^([^!<>=]+)([!<>=]+)(.+?)$`: a filter's left side, operator and right side.
fn split_filter(text: &str) -> Option<(&str, &str, &str)> {
    let is_op = |c: char| matches!(c, '!' | '<' | '>' | '=');
    let l_end = text.find(is_op)?;
    if l_end == 0 {
        return None;
    }
    let rest = &text[l_end..];
    let op_len = rest.find(|c: char| !is_op(c)).unwrap_or(rest.len());
    let (op, right) = rest.split_at(op_len);
    // `.` does not match a line break.
    if right.is_empty() || right.contains('\n') {
        return None;
    }
    Some((&text[..l_end], op, right))
}

fn is_terminator(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => matches!(
            c,
            ' ' | '\t' | '\r' | '\n' | '.' | ',' | '[' | ']' | '$' | '@' | '{' | '}'
        ),
    }
}

fn is_alphanumeric(c: char) -> bool {
    c == '_' || c.is_alphabetic() || c.is_numeric()
}

/// Go's `%#U`: `U+002A '*'`.
fn go_sharp_u(c: char) -> String {
    if c.is_control() {
        format!("U+{:04X}", c as u32)
    } else {
        format!("U+{:04X} '{c}'", c as u32)
    }
}

/// client-go's `UnquoteExtend`: `strconv.Unquote` that also takes single quotes.
fn unquote_extend(s: &str) -> Result<String, ()> {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    if n < 2 {
        return Err(());
    }
    let quote = chars[0];
    if quote != chars[n - 1] || (quote != '"' && quote != '\'') {
        return Err(());
    }
    let body = &chars[1..n - 1];
    let mut out = String::new();
    let mut i = 0;
    while i < body.len() {
        let c = body[i];
        if c == quote {
            return Err(());
        }
        if c != '\\' {
            out.push(c);
            i += 1;
            continue;
        }
        // strconv.UnquoteChar's escapes.
        let e = *body.get(i + 1).ok_or(())?;
        i += 2;
        match e {
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\u{b}'),
            '\\' => out.push('\\'),
            '\'' | '"' if e == quote => out.push(e),
            'x' | 'u' | 'U' => {
                let w = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex: String = body.get(i..i + w).ok_or(())?.iter().collect();
                let v = u32::from_str_radix(&hex, 16).map_err(|_| ())?;
                i += w;
                if e == 'x' {
                    // A byte; kubectl's templates only use ASCII ones.
                    out.push(char::from_u32(v).ok_or(())?);
                } else {
                    out.push(char::from_u32(v).ok_or(())?);
                }
            }
            '0'..='7' => {
                let oct: String = body.get(i - 1..i + 2).ok_or(())?.iter().collect();
                let v = u32::from_str_radix(&oct, 8).map_err(|_| ())?;
                if v > 255 {
                    return Err(());
                }
                i += 2;
                out.push(char::from_u32(v).ok_or(())?);
            }
            _ => return Err(()),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    //! A slice of client-go's `jsonpath_test.go` and `parser_test.go` (v0.28), with the
    //! inputs as the JSON kubectl's objects are.
    use super::*;

    fn json(s: &str) -> Value {
        fn conv(v: serde_json::Value) -> Value {
            match v {
                serde_json::Value::Null => Value::Null,
                serde_json::Value::Bool(b) => Value::Bool(b),
                serde_json::Value::Number(n) => match n.as_i64() {
                    Some(i) => Value::Int(i),
                    None => Value::Float(n.as_f64().expect("a number")),
                },
                serde_json::Value::String(s) => Value::Str(s),
                serde_json::Value::Array(a) => Value::List(a.into_iter().map(conv).collect()),
                serde_json::Value::Object(o) => {
                    let mut m = super::super::value::Map::new();
                    for (k, v) in o {
                        m.set(&k, conv(v));
                    }
                    Value::Map(m)
                }
            }
        }
        conv(serde_json::from_str(s).expect("test JSON"))
    }

    /// (template, input, expected output or None for an error), missing keys allowed or not.
    fn check(cases: &[(&str, &Value, Option<&str>)], allow_missing: bool) {
        for (template, input, want) in cases {
            let got = JsonPath::parse(template)
                .and_then(|j| j.allow_missing_keys(allow_missing).execute(input));
            match want {
                Some(w) => assert_eq!(got.as_deref(), Ok(*w), "{template}"),
                None => assert!(got.is_err(), "{template}: expected an error, got {got:?}"),
            }
        }
    }

    fn error_of(template: &str, input: &Value) -> String {
        match JsonPath::parse(template).and_then(|j| j.execute(input)) {
            Ok(s) => format!("no error: {s:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn types_input() {
        let types = json(
            r#"{"bools":[true,false,true,false],"integers":[1,2,3,4],"floats":[1.5,2.2,3.3,4.5],
                "strings":["one","two","three","four"],"interfaces":[true,"one",1,1.1],
                "maps":[{"name":"one","value":1},{"name":"two","value":2.02},{"name":"three","value":3.03},{"name":"four","value":4.04}]}"#,
        );
        check(
            &[
                ("{ .bools }", &types, Some("[true,false,true,false]")),
                ("{ .bools[0] }", &types, Some("true")),
                ("{ .bools[-1] }", &types, Some("false")),
                ("{ .bools[0:2] }", &types, Some("true false")),
                ("{ .bools[:4:2] }", &types, Some("true true")),
                ("{ .integers }", &types, Some("[1,2,3,4]")),
                ("{ .integers[-2] }", &types, Some("3")),
                ("{ .integers[:4:2] }", &types, Some("1 3")),
                ("{ .floats[-2] }", &types, Some("3.3")),
                ("{ .floats[0:2] }", &types, Some("1.5 2.2")),
                (
                    "{ .strings }",
                    &types,
                    Some(r#"["one","two","three","four"]"#),
                ),
                ("{ .strings[:2] }", &types, Some("one two")),
                ("{ .interfaces }", &types, Some(r#"[true,"one",1,1.1]"#)),
                ("{ .interfaces[:4:2] }", &types, Some("true 1")),
                ("{ .maps[0] }", &types, Some(r#"{"name":"one","value":1}"#)),
                (
                    "{ .maps[::2] }",
                    &types,
                    Some(r#"{"name":"one","value":1} {"name":"three","value":3.03}"#),
                ),
                (
                    "{ .maps[1::2] }",
                    &types,
                    Some(r#"{"name":"two","value":2.02} {"name":"four","value":4.04}"#),
                ),
            ],
            false,
        );
    }

    #[test]
    fn store_input() {
        let store = json(
            r#"{"Name":"jsonpath",
                "Book":[{"Category":"reference","Author":"Nigel Rees","Title":"Sayings of the Centurey","Price":8.95},
                        {"Category":"fiction","Author":"Evelyn Waugh","Title":"Sword of Honour","Price":12.99},
                        {"Category":"fiction","Author":"Herman Melville","Title":"Moby Dick","Price":8.99}],
                "Bicycle":[{"Color":"red","Price":19.95,"IsNew":true},{"Color":"green","Price":20.01,"IsNew":false}],
                "Labels":{"engieer":10,"web/html":15,"k8s-app":20},
                "Employees":{"jason":"manager","dan":"clerk"}}"#,
        );
        let ints = json("[0,1,2,3,4]");
        check(
            &[
                ("hello jsonpath", &Value::Null, Some("hello jsonpath")),
                ("{..}", &json("[1,2,3]"), Some("[1,2,3]")),
                ("{[?(@<5)]}", &json("[2,6,3,7]"), Some("2 3")),
                (r#"{"{"}"#, &Value::Null, Some("{")),
                ("{[1,3,4]}", &ints, Some("1 3 4")),
                (
                    "{[0:2]}",
                    &json(r#"["Monday","Tudesday"]"#),
                    Some("Monday Tudesday"),
                ),
                ("hello {.Name}", &store, Some("hello jsonpath")),
                ("{$.Labels.web/html}", &store, Some("15")),
                ("{$.Employees.jason}", &store, Some("manager")),
                ("{.Labels.k8s-app}", &store, Some("20")),
                ("{.Bicycle[*].Color}", &store, Some("red green")),
                (
                    "{.Book[*].Author}",
                    &store,
                    Some("Nigel Rees Evelyn Waugh Herman Melville"),
                ),
                (
                    r#"{range .Bicycle[*]}{ "{" }{ @.* }{ "} " }{end}"#,
                    &store,
                    Some("{red true 19.95} {green false 20.01} "),
                ),
                ("{..Price}", &store, Some("19.95 20.01 8.95 12.99 8.99")),
                ("{...Price}", &store, Some("19.95 20.01 8.95 12.99 8.99")),
                (
                    "{............................................................Price}",
                    &store,
                    None,
                ),
                (
                    "{.Book[-1:]}",
                    &store,
                    Some(
                        r#"{"Author":"Herman Melville","Category":"fiction","Price":8.99,"Title":"Moby Dick"}"#,
                    ),
                ),
                (
                    "{..Book[2]}",
                    &store,
                    Some(
                        r#"{"Author":"Herman Melville","Category":"fiction","Price":8.99,"Title":"Moby Dick"}"#,
                    ),
                ),
                (
                    "{.Bicycle[?(@.IsNew==true)]}",
                    &store,
                    Some(r#"{"Color":"red","IsNew":true,"Price":19.95}"#),
                ),
            ],
            false,
        );
        check(
            &[
                ("{.hello}", &store, Some("")),
                ("before-{.hello}after", &store, Some("before-after")),
            ],
            true,
        );
        assert_eq!(error_of("{hello}", &store), "unrecognized identifier hello");
        assert_eq!(error_of("{.hello}", &store), "hello is not found");
        assert_eq!(
            error_of("{.Labels[0]}", &store),
            "map[string]interface {} is not array or slice"
        );
        assert_eq!(
            error_of("{.Book[?(@.Price<>10)]}", &store),
            "unrecognized filter operator <>"
        );
        assert_eq!(
            error_of("{range .Labels.*}{@}{end}{end}", &store),
            "not in range, nothing to end"
        );
        // A float compared with an integer: Go's templates refuse.
        assert_eq!(
            error_of("{.Book[?(@.Price<10)].Title}", &store),
            "incompatible types for comparison"
        );
    }

    #[test]
    fn json_input() {
        let points = json(
            r#"[{"id": "i1", "x":4, "y":-5},{"id": "i2", "x":-2, "y":-5, "z":1},{"id": "i3", "x":  8, "y":  3 },
                {"id": "i4", "x": -6, "y": -1 },{"id": "i5", "x":  0, "y":  2, "z": 1 },{"id": "i6", "x":  1, "y":  4 }]"#,
        );
        check(
            &[
                ("{[?(@.z)].id}", &points, Some("i2 i5")),
                ("{[0]['id']}", &points, Some("i1")),
            ],
            false,
        );
    }

    #[test]
    fn kubernetes() {
        let nodes = json(
            r#"{"kind": "List","items":[
                {"kind":"None","metadata":{"name":"127.0.0.1","labels":{"kubernetes.io/hostname":"127.0.0.1"}},
                 "status":{"capacity":{"cpu":"4"},"ready": true,"addresses":[{"type": "LegacyHostIP", "address":"127.0.0.1"}]}},
                {"kind":"None","metadata":{"name":"127.0.0.2","labels":{"kubernetes.io/hostname":"127.0.0.2"}},
                 "status":{"capacity":{"cpu":"8"},"ready": false,"addresses":[{"type": "LegacyHostIP", "address":"127.0.0.2"},{"type": "another", "address":"127.0.0.3"}]}}],
               "users":[{"name": "myself","user": {}},{"name": "e2e","user": {"username": "admin", "password": "secret"}}]}"#,
        );
        check(
            &[
                (
                    "{range .items[*]}{.metadata.name}, {end}{.kind}",
                    &nodes,
                    Some("127.0.0.1, 127.0.0.2, List"),
                ),
                (
                    r#"{range .items[*]}{.metadata.name}{"\t"}{end}"#,
                    &nodes,
                    Some("127.0.0.1\t127.0.0.2\t"),
                ),
                (
                    "{.items[*].status.addresses[*].address}",
                    &nodes,
                    Some("127.0.0.1 127.0.0.2 127.0.0.3"),
                ),
                (
                    "{range .items[*]}{range .status.addresses[*]}{.address}, {end}{end}",
                    &nodes,
                    Some("127.0.0.1, 127.0.0.2, 127.0.0.3, "),
                ),
                (
                    "{.items[*].metadata.name}",
                    &nodes,
                    Some("127.0.0.1 127.0.0.2"),
                ),
                (
                    "{.items[*]['metadata.name', 'status.capacity']}",
                    &nodes,
                    Some(r#"127.0.0.1 127.0.0.2 {"cpu":"4"} {"cpu":"8"}"#),
                ),
                (
                    "{range .items[*]}[{.metadata.name}, {.status.capacity}] {end}",
                    &nodes,
                    Some(r#"[127.0.0.1, {"cpu":"4"}] [127.0.0.2, {"cpu":"8"}] "#),
                ),
                (
                    r#"{.users[?(@.name=="e2e")].user.password}"#,
                    &nodes,
                    Some("secret"),
                ),
                (
                    r"{.items[0].metadata.labels.kubernetes\.io/hostname}",
                    &nodes,
                    Some("127.0.0.1"),
                ),
                (
                    r#"{.items[?(@.metadata.labels.kubernetes\.io/hostname=="127.0.0.1")].kind}"#,
                    &nodes,
                    Some("None"),
                ),
                (
                    "{.items[?(@..ready==true)].metadata.name}",
                    &nodes,
                    Some("127.0.0.1"),
                ),
            ],
            false,
        );
    }

    #[test]
    fn ranges_empty_and_nested() {
        let empty = json(r#"{"items":[]}"#);
        check(
            &[
                ("{range .items[*]}{.metadata.name}{end}", &empty, Some("")),
                (
                    r#"{range .items[*]}{.metadata.name}{":"}{range @.spec.containers[*]}{.name}{","}{end}{"+"}{end}"#,
                    &empty,
                    Some(""),
                ),
            ],
            true,
        );
        let pods = json(
            r#"{"items": [
                {"metadata": {"name": "pod1"}, "spec": {"containers": [
                    {"name": "foo", "another": [{ "name": "value1" }, { "name": "value2" }]},
                    {"name": "bar", "another": [{ "name": "value1" }, { "name": "value2" }]}]}},
                {"metadata": {"name": "pod2"}, "spec": {"containers": [
                    {"name": "baz", "another": [{ "name": "value1" }, { "name": "value2" }]}]}}]}"#,
        );
        check(
            &[
                (
                    r#"{range .items[*]}{.metadata.name}{":"}{range @.spec.containers[*]}{.name}{","}{end}{"+"}{end}"#,
                    &pods,
                    Some("pod1:foo,bar,+pod2:baz,+"),
                ),
                (
                    r##"{range .items[*]}{.metadata.name}{"~"}{range @.spec.containers[*]}{.name}{":"}{range @.another[*]}{.name}{","}{end}{"+"}{end}{"#"}{end}"##,
                    &pods,
                    Some("pod1~foo:value1,value2,+bar:value1,value2,+#pod2~baz:value1,value2,+#"),
                ),
                (
                    r#"{range .items[*]}{.metadata.name}{"\t"}{range @.spec.containers[*]}{.name}{" "}{end}{"\t"}{range @.spec.containers[*]}{.name}{" "}{end}{"\n"}{end}"#,
                    &pods,
                    Some("pod1\tfoo bar \tfoo bar \npod2\tbaz \tbaz \n"),
                ),
            ],
            false,
        );
    }

    #[test]
    fn filters_with_missing_keys() {
        let data = json(
            r#"{"kind": "List","items": [
                {"kind": "Pod","metadata": {"name": "pod1","annotations": {"color": "blue"}}},
                {"kind": "Pod","metadata": {"name": "pod2"}},
                {"kind": "Pod","metadata": {"name": "pod3","annotations": {"color": "green"}}},
                {"kind": "Pod","metadata": {"name": "pod4","annotations": {"color": "blue"}}}]}"#,
        );
        let t = r#"{.items[?(@.metadata.annotations.color=="blue")].metadata.name}"#;
        check(&[(t, &data, Some("pod1 pod4"))], true);
        check(&[(t, &data, None)], false);
        let running = json(
            r#"{"kind": "List","items": [
                {"kind": "Pod","metadata": {"name": "pod1"},"status": {"phase": "Running"}},
                {"kind": "Pod","metadata": {"name": "pod2"},"status": {"phase": "Running"}},
                {"kind": "Pod","metadata": {"name": "pod3"},"status": {"phase": "Running"}},
                {"resourceVersion": ""}]}"#,
        );
        check(
            &[(
                r#"{range .items[?(.status.phase=="Running")]}{.metadata.name}{" is Running\n"}{end}"#,
                &running,
                Some("pod1 is Running\npod2 is Running\npod3 is Running\n"),
            )],
            true,
        );
    }

    #[test]
    fn negative_indexes_and_steps() {
        let containers = |n: usize| {
            let items: Vec<String> = (0..n)
                .map(|i| format!(r#"{{"image": "radial/busyboxplus:curl", "name": "fake{i}"}}"#))
                .collect();
            json(&format!(
                r#"{{"apiVersion": "v1", "kind": "Pod", "spec": {{"containers": [{}]}}}}"#,
                items.join(",")
            ))
        };
        let four = containers(4);
        check(
            &[
                ("{.spec.containers[0].name}", &four, Some("fake0")),
                ("{.spec.containers[0:0].name}", &four, Some("")),
                (
                    "{.spec.containers[0:-1].name}",
                    &four,
                    Some("fake0 fake1 fake2"),
                ),
                ("{.spec.containers[-1:0].name}", &four, None),
                ("{.spec.containers[-1].name}", &four, Some("fake3")),
                ("{.spec.containers[-1:].name}", &four, Some("fake3")),
                ("{.spec.containers[-2].name}", &four, Some("fake2")),
                ("{.spec.containers[-2:].name}", &four, Some("fake2 fake3")),
                ("{.spec.containers[-3].name}", &four, Some("fake1")),
                ("{.spec.containers[-4].name}", &four, Some("fake0")),
                (
                    "{.spec.containers[-4:].name}",
                    &four,
                    Some("fake0 fake1 fake2 fake3"),
                ),
                ("{.spec.containers[-5].name}", &four, None),
                ("{.spec.containers[5:5].name}", &four, Some("")),
                ("{.spec.containers[-5:-5].name}", &four, Some("")),
                ("{.spec.containers[3:1].name}", &four, None),
                ("{.spec.containers[-1:-2].name}", &four, None),
            ],
            false,
        );
        let six = containers(6);
        check(
            &[
                (
                    "{.spec.containers[0:].name}",
                    &six,
                    Some("fake0 fake1 fake2 fake3 fake4 fake5"),
                ),
                (
                    "{.spec.containers[0:6:].name}",
                    &six,
                    Some("fake0 fake1 fake2 fake3 fake4 fake5"),
                ),
                (
                    "{.spec.containers[0:6:1].name}",
                    &six,
                    Some("fake0 fake1 fake2 fake3 fake4 fake5"),
                ),
                ("{.spec.containers[0:6:0].name}", &six, None),
                ("{.spec.containers[0:6:-1].name}", &six, None),
                ("{.spec.containers[1:4:2].name}", &six, Some("fake1 fake3")),
                ("{.spec.containers[1:4:3].name}", &six, Some("fake1")),
                ("{.spec.containers[1:4:4].name}", &six, Some("fake1")),
                (
                    "{.spec.containers[0:6:2].name}",
                    &six,
                    Some("fake0 fake2 fake4"),
                ),
                ("{.spec.containers[0:6:3].name}", &six, Some("fake0 fake3")),
                ("{.spec.containers[0:6:5].name}", &six, Some("fake0 fake5")),
                ("{.spec.containers[0:6:6].name}", &six, Some("fake0")),
            ],
            false,
        );
        assert_eq!(
            error_of("{.spec.containers[-5].name}", &four),
            "array index out of bounds: index -1, length 4"
        );
        assert_eq!(
            error_of("{.spec.containers[3:1].name}", &four),
            "starting index 3 is greater than ending index 1"
        );
    }

    #[test]
    fn parser_nodes() {
        let p = |t: &str| Parser::parse(t).expect("parses");
        assert_eq!(
            p("hello jsonpath"),
            vec![Node::Text("hello jsonpath".into())]
        );
        assert_eq!(
            p("hello {.jsonpath}"),
            vec![
                Node::Text("hello ".into()),
                Node::List(vec![Node::Field("jsonpath".into())])
            ]
        );
        assert_eq!(
            p("hello {['jsonpath']}")[1],
            Node::List(vec![Node::Field("jsonpath".into())])
        );
        assert_eq!(
            p(r#"{"{"}"#),
            vec![Node::List(vec![Node::Text("{".into())])]
        );
        let arr = |a: (i64, bool, bool), b: (i64, bool, bool), c: (i64, bool, bool)| {
            let q = |(value, known, derived)| Param {
                value,
                known,
                derived,
            };
            Node::Array([q(a), q(b), q(c)])
        };
        assert_eq!(
            p("{[1:3]}"),
            vec![Node::List(vec![arr(
                (1, true, false),
                (3, true, false),
                (0, false, false)
            )])]
        );
        assert_eq!(
            p("{[-1]}"),
            vec![Node::List(vec![arr(
                (-1, true, false),
                (0, true, true),
                (0, false, false)
            )])]
        );
        assert_eq!(
            p("{.book[*].author}"),
            vec![Node::List(vec![
                Node::Field("book".into()),
                arr((0, false, false), (0, false, false), (0, false, false)),
                Node::Field("author".into()),
            ])]
        );
        assert_eq!(
            p("{[?(@.price<3)]}"),
            vec![Node::List(vec![Node::Filter {
                left: vec![Node::Field("price".into())],
                right: vec![Node::Int(3)],
                op: "<".into(),
            }])]
        );
        assert_eq!(
            p(r#"{[?(@.status.nodeInfo.osImage == "(\"\")")]}"#),
            vec![Node::List(vec![Node::Filter {
                left: vec![
                    Node::Field("status".into()),
                    Node::Field("nodeInfo".into()),
                    Node::Field("osImage".into())
                ],
                right: vec![Node::Text("(\"\")".into())],
                op: "==".into(),
            }])]
        );
        assert_eq!(
            p(r#"{[?(@.test == "())(")]}"#),
            vec![Node::List(vec![Node::Filter {
                left: vec![Node::Field("test".into())],
                right: vec![Node::Text("())(".into())],
                op: "==".into(),
            }])]
        );
        assert_eq!(
            p("{range .items}{.name},{end}"),
            vec![
                Node::List(vec![
                    Node::Identifier("range".into()),
                    Node::Field("items".into())
                ]),
                Node::List(vec![Node::Field("name".into())]),
                Node::Text(",".into()),
                Node::List(vec![Node::Identifier("end".into())]),
            ]
        );
        assert_eq!(
            p("{['book.price']}"),
            vec![Node::List(vec![
                Node::Field("book".into()),
                Node::Field("price".into())
            ])]
        );
        assert!(Parser::parse(r"{\\\}").is_err());
    }

    #[test]
    fn parser_errors() {
        for (t, want) in [
            ("{.hello", "unclosed action"),
            ("{*}", "unrecognized character in action: U+002A '*'"),
            ("{+12.3.0}", "cannot parse number +12.3.0"),
            ("{[1}", "unterminated array"),
            ("{[?(.price]}", "unterminated filter"),
            ("{........}", "invalid multiple recursive descent"),
        ] {
            assert_eq!(Parser::parse(t).unwrap_err(), want, "{t}");
        }
    }

    #[test]
    fn as_json() {
        let data = json(r#"{"a":[1,{"b":"<c>"}]}"#);
        assert_eq!(
            JsonPath::parse("{.a[*]}")
                .unwrap()
                .execute_json(&data)
                .unwrap(),
            "[\n    1,\n    {\n        \"b\": \"\\u003cc\\u003e\"\n    }\n]\n"
        );
    }
}
