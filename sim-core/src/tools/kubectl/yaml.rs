//! YAML as `kubectl get -o yaml` writes it: sigs.k8s.io/yaml's `JSONToYAML`, which reads
//! the object's JSON back into Go maps and writes it with go-yaml v2 (gopkg.in/yaml.v2
//! 2.4.0, `encode.go`, `emitterc.go`, `resolve.go`, `sorter.go`). So:
//!
//! - map keys sorted by go-yaml's `keyList.Less` (letters after other characters, runs of
//!   digits by value);
//! - a list under a key at the key's own indentation (`- ` at the parent's level), nested
//!   maps two spaces in;
//! - empty maps and lists as `{}` and `[]`;
//! - a string that would read back as something else (`"true"`, `"80"`, `"1e3"`, `""`, a
//!   timestamp, `"12:30"`) double-quoted; one the emitter cannot write plain (`': '`, a
//!   leading `*`, surrounding spaces) single-quoted; one with a newline as a literal
//!   block (`|` keeps one final newline, `|-` none, `|+` more; a leading space adds an
//!   indentation indicator); one with control characters double-quoted with escapes;
//! - plain and quoted strings folded at a space once a line passes 80 columns, the rest
//!   indented two more.
//!
//! This is a port of the emitter's decisions for the values an API object holds, not a
//! general YAML library (no anchors, tags, flow style beyond empty collections).

use super::value::{Map, Value, go_float_g};
use crate::tools::num::go_parse_int;

/// The YAML document of `v` (a map, as every API object is), ending in a newline.
pub fn to_yaml(v: &Value) -> String {
    let mut e = Emitter {
        out: String::new(),
        column: 0,
        indent: -1,
        indents: Vec::new(),
        whitespace: true,
        indention: true,
        flow_level: 0,
    };
    e.node(v, Ctx::ROOT);
    // Document end (implicit): a final line break.
    e.write_indent();
    e.out
}

const BEST_INDENT: i32 = 2;
const BEST_WIDTH: usize = 80;

/// Where a node is written: as a map's key or value (`mapping`), as a simple key.
#[derive(Clone, Copy)]
struct Ctx {
    mapping: bool,
    simple_key: bool,
}

impl Ctx {
    const ROOT: Ctx = Ctx {
        mapping: false,
        simple_key: false,
    };
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

struct Emitter {
    out: String,
    column: usize,
    indent: i32,
    indents: Vec<i32>,
    whitespace: bool,
    indention: bool,
    flow_level: usize,
}

/// What `yaml_emitter_analyze_scalar` finds out about a scalar.
struct Analysis {
    multiline: bool,
    flow_plain: bool,
    block_plain: bool,
    single_quoted: bool,
    block: bool,
}

impl Emitter {
    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().expect("balanced indents");
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(&mut self, ind: &str, need_ws: bool, is_ws: bool, is_indention: bool) {
        if need_ws && !self.whitespace {
            self.put(' ');
        }
        for c in ind.chars() {
            self.put(c);
        }
        self.whitespace = is_ws;
        self.indention = self.indention && is_indention;
    }

    fn node(&mut self, v: &Value, ctx: Ctx) {
        match v {
            Value::Map(m) if m.is_empty() => self.empty_flow("{", "}"),
            Value::Map(m) => self.block_mapping(m),
            Value::List(items) if items.is_empty() => self.empty_flow("[", "]"),
            Value::List(items) => self.block_sequence(items, ctx),
            Value::Null => self.scalar("null", Style::Plain, ctx),
            Value::Bool(b) => self.scalar(if *b { "true" } else { "false" }, Style::Plain, ctx),
            Value::Int(n) => self.scalar(&n.to_string(), Style::Plain, ctx),
            Value::Float(f) => {
                let s = match go_float_g(*f).as_str() {
                    "+Inf" => ".inf".to_string(),
                    "-Inf" => "-.inf".to_string(),
                    "NaN" => ".nan".to_string(),
                    s => s.to_string(),
                };
                self.scalar(&s, Style::Plain, ctx)
            }
            Value::Str(s) => self.scalar(s, string_style(s), ctx),
        }
    }

    /// An empty map or list: the emitter switches to flow style (`{}`, `[]`).
    fn empty_flow(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.increase_indent(true, false);
        self.flow_level += 1;
        self.flow_level -= 1;
        self.pop_indent();
        self.write_indicator(close, false, false, false);
    }

    fn block_mapping(&mut self, m: &Map) {
        self.increase_indent(false, false);
        let mut keys: Vec<&(String, Value)> = m.0.iter().collect();
        keys.sort_by(|a, b| key_cmp(&a.0, &b.0));
        for (k, v) in keys {
            self.write_indent();
            let a = analyze(k);
            let style = string_style(k);
            if !a.multiline && k.len() <= 128 {
                let key_ctx = Ctx {
                    mapping: true,
                    simple_key: true,
                };
                self.scalar(k, style, key_ctx);
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, true);
                let key_ctx = Ctx {
                    mapping: true,
                    simple_key: false,
                };
                self.scalar(k, style, key_ctx);
                self.write_indent();
                self.write_indicator(":", true, false, true);
            }
            let value_ctx = Ctx {
                mapping: true,
                simple_key: false,
            };
            self.node(v, value_ctx);
        }
        self.pop_indent();
    }

    fn block_sequence(&mut self, items: &[Value], ctx: Ctx) {
        let indentless = ctx.mapping && !self.indention;
        self.increase_indent(false, indentless);
        for item in items {
            self.write_indent();
            self.write_indicator("-", true, false, true);
            let item_ctx = Ctx {
                mapping: false,
                simple_key: false,
            };
            self.node(item, item_ctx);
        }
        self.pop_indent();
    }

    fn scalar(&mut self, value: &str, requested: Style, ctx: Ctx) {
        let a = analyze(value);
        let mut style = requested;
        if ctx.simple_key && a.multiline {
            style = Style::Double;
        }
        if style == Style::Plain {
            if (self.flow_level > 0 && !a.flow_plain) || (self.flow_level == 0 && !a.block_plain) {
                style = Style::Single;
            }
            if value.is_empty() && (self.flow_level > 0 || ctx.simple_key) {
                style = Style::Single;
            }
        }
        if style == Style::Single && !a.single_quoted {
            style = Style::Double;
        }
        if style == Style::Literal && (!a.block || self.flow_level > 0 || ctx.simple_key) {
            style = Style::Double;
        }
        self.increase_indent(true, false);
        let allow_breaks = !ctx.simple_key;
        match style {
            Style::Plain => self.plain(value, allow_breaks),
            Style::Single => self.single_quoted(value, allow_breaks),
            Style::Double => self.double_quoted(value, allow_breaks),
            Style::Literal => self.literal(value),
        }
        self.pop_indent();
    }

    fn plain(&mut self, value: &str, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        let mut breaks = false;
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && chars.get(i + 1) != Some(&' ')
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
            i += 1;
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn single_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        let mut breaks = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && i + 1 < chars.len()
                    && chars[i + 1] != ' '
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn double_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if !is_printable(c) || c == '\u{feff}' || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                match c {
                    '\0' => self.put('0'),
                    '\u{7}' => self.put('a'),
                    '\u{8}' => self.put('b'),
                    '\t' => self.put('t'),
                    '\n' => self.put('n'),
                    '\u{b}' => self.put('v'),
                    '\u{c}' => self.put('f'),
                    '\r' => self.put('r'),
                    '\u{1b}' => self.put('e'),
                    '"' => self.put('"'),
                    '\\' => self.put('\\'),
                    '\u{85}' => self.put('N'),
                    '\u{a0}' => self.put('_'),
                    '\u{2028}' => self.put('L'),
                    '\u{2029}' => self.put('P'),
                    c => {
                        let v = c as u32;
                        let (ind, w) = if v <= 0xff {
                            ('x', 2)
                        } else if v <= 0xffff {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(ind);
                        for k in (0..w).rev() {
                            let d = (v >> (k * 4)) & 0xf;
                            self.put(
                                char::from_digit(d, 16)
                                    .expect("a hex digit")
                                    .to_ascii_uppercase(),
                            );
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && i + 1 < chars.len()
                {
                    self.write_indent();
                    if chars[i + 1] == ' ' {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn literal(&mut self, value: &str) {
        self.write_indicator("|", true, false, false);
        // Block scalar hints: an indentation indicator when the text starts with a space
        // or a break, then the chomping indicator.
        let chars: Vec<char> = value.chars().collect();
        if chars.first().is_some_and(|c| *c == ' ' || is_break(*c)) {
            self.write_indicator(&BEST_INDENT.to_string(), false, false, false);
        }
        let chomp = match chars.len() {
            0 => Some('-'),
            n if !is_break(chars[n - 1]) => Some('-'),
            1 => Some('+'),
            n if is_break(chars[n - 2]) => Some('+'),
            _ => None,
        };
        if let Some(c) = chomp {
            self.write_indicator(&c.to_string(), false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for &c in &chars {
            if is_break(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }

    /// `write_break`: a line feed starts a new line; another break character is copied
    /// as it is (and also ends the line).
    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
    }
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// yaml.v2's `is_printable`: line feed, printable ASCII, and Unicode from U+00A0 except
/// surrogates, U+FEFF, U+FFFE and U+FFFF. A tab is not printable.
fn is_printable(c: char) -> bool {
    let v = c as u32;
    v == 0x0a
        || (0x20..=0x7e).contains(&v)
        || (0xa0..=0xd7ff).contains(&v)
        || ((0xe000..=0xfffd).contains(&v) && v != 0xfeff)
        || v >= 0x10000
}

fn analyze(value: &str) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            flow_plain: false,
            block_plain: true,
            single_quoted: true,
            block: false,
        };
    }
    let chars: Vec<char> = value.chars().collect();
    let mut block_indicators = false;
    let mut flow_indicators = false;
    let mut line_breaks = false;
    let mut special = false;
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) =
        (false, false, false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    if value.starts_with("---") || value.starts_with("...") {
        block_indicators = true;
        flow_indicators = true;
    }
    let mut preceded_by_whitespace = true;
    for (i, &c) in chars.iter().enumerate() {
        let followed_by_whitespace = chars.get(i + 1).is_none_or(|n| *n == ' ' || *n == '\t');
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                '?' | ':' => {
                    flow_indicators = true;
                    if followed_by_whitespace {
                        block_indicators = true;
                    }
                }
                '-' if followed_by_whitespace => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                _ => {}
            }
        } else {
            match c {
                ',' | '?' | '[' | ']' | '{' | '}' => flow_indicators = true,
                ':' => {
                    flow_indicators = true;
                    if followed_by_whitespace {
                        block_indicators = true;
                    }
                }
                '#' if preceded_by_whitespace => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                _ => {}
            }
        }
        if !is_printable(c) {
            special = true;
        }
        if c == ' ' {
            if i == 0 {
                leading_space = true;
            }
            if i + 1 == chars.len() {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            if i == 0 {
                leading_break = true;
            }
            if i + 1 == chars.len() {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = c == ' ' || c == '\t' || is_break(c);
    }
    let mut a = Analysis {
        multiline: line_breaks,
        flow_plain: true,
        block_plain: true,
        single_quoted: true,
        block: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.flow_plain = false;
        a.block_plain = false;
    }
    if trailing_space {
        a.block = false;
    }
    if break_space {
        a.flow_plain = false;
        a.block_plain = false;
        a.single_quoted = false;
    }
    if space_break || special {
        a.flow_plain = false;
        a.block_plain = false;
        a.single_quoted = false;
        a.block = false;
    }
    if line_breaks {
        a.flow_plain = false;
        a.block_plain = false;
    }
    if flow_indicators {
        a.flow_plain = false;
    }
    if block_indicators {
        a.block_plain = false;
    }
    a
}

/// The style go-yaml's encoder asks for a string (`encode.go`'s `stringv`): literal if it
/// has a line break, plain if it would read back as a string, else double-quoted.
fn string_style(s: &str) -> Style {
    if s.contains('\n') {
        Style::Literal
    } else if resolves_to_string(s) && !is_base60_float(s) {
        Style::Plain
    } else {
        Style::Double
    }
}

/// Whether go-yaml's `resolve("", s)` makes `s` a string (not a bool, null, number or
/// timestamp), YAML 1.1's rules as yaml.v2 has them.
pub fn resolves_to_string(s: &str) -> bool {
    const SPECIAL: [&str; 35] = [
        "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no",
        "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "", "~", "null", "Null",
        "NULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "-.inf",
    ];
    const MORE: [&str; 5] = ["+.Inf", "+.INF", "-.Inf", "-.INF", "<<"];
    if SPECIAL.contains(&s) || MORE.contains(&s) {
        return false;
    }
    match s.as_bytes().first() {
        Some(b'.') => go_parse_float(s).is_none(),
        Some(b'+' | b'-' | b'0'..=b'9') => {
            if is_timestamp(s) {
                return false;
            }
            let plain: String = s.chars().filter(|c| *c != '_').collect();
            if go_parse_int(&plain, true).is_ok() || go_parse_uint0(&plain) {
                return false;
            }
            if yaml_style_float(&plain) && go_parse_float(&plain).is_some() {
                return false;
            }
            true
        }
        _ => true,
    }
}

/// `strconv.ParseUint(s, 0, 64)` succeeds.
fn go_parse_uint0(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    !digits.is_empty()
        && digits.chars().all(|c| c.is_digit(radix))
        && u64::from_str_radix(digits, radix).is_ok()
}

/// `strconv.ParseFloat(s, 64)` for the texts that reach it here (digits, dots, signs and
/// exponents; Go and Rust agree on those).
fn go_parse_float(s: &str) -> Option<f64> {
    if s.chars()
        .any(|c| c.is_ascii_alphabetic() && c != 'e' && c != 'E')
    {
        return None;
    }
    s.parse::<f64>().ok()
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`: YAML 1.1's base-60 floats,
/// which go-yaml quotes on the way out.
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    if !b.get(i).is_some_and(u8::is_ascii_digit) || !s.contains(':') {
        return false;
    }
    i += 1;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() && i - start < 2 {
            i += 1;
        }
        match i - start {
            1 => {}
            2 if b[start] <= b'5' => {}
            _ => return false,
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// go-yaml's `parseTimestamp`: `2006-1-2T15:4:5.999999999Z07:00` (or a lower-case `t`),
/// `2006-1-2 15:4:5.999999999`, or `2006-1-2`, with Go's `time.Parse` range checks.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let mut i = 5;
    // 1 or 2 digits, as Go reads "1" and "2" in a layout.
    let num = |i: &mut usize| -> Option<u32> {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() && *i - start < 2 {
            *i += 1;
        }
        (*i > start).then(|| s[start..*i].parse().expect("digits"))
    };
    let year: u32 = s[..4].parse().expect("digits");
    let Some(month) = num(&mut i) else {
        return false;
    };
    if b.get(i) != Some(&b'-') {
        return false;
    }
    i += 1;
    let Some(day) = num(&mut i) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    if day == 0 || day > days {
        return false;
    }
    if i == b.len() {
        return true;
    }
    let zoned = match b[i] {
        b'T' | b't' => true,
        b' ' => false,
        _ => return false,
    };
    i += 1;
    let (Some(h), true, Some(m), true, Some(sec)) = (
        num(&mut i),
        b.get(i) == Some(&b':') && {
            i += 1;
            true
        },
        num(&mut i),
        b.get(i) == Some(&b':') && {
            i += 1;
            true
        },
        num(&mut i),
    ) else {
        return false;
    };
    if h > 23 || m > 59 || sec > 59 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    if !zoned {
        return i == b.len();
    }
    match &s[i..] {
        "Z" => true,
        z => {
            let zb = z.as_bytes();
            zb.len() == 6
                && matches!(zb[0], b'+' | b'-')
                && zb[1].is_ascii_digit()
                && zb[2].is_ascii_digit()
                && zb[3] == b':'
                && zb[4].is_ascii_digit()
                && zb[5].is_ascii_digit()
        }
    }
}

/// go-yaml v2's `keyList.Less` for string keys: letters sort after other characters,
/// runs of digits compare by value.
pub fn key_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (ar, br): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let less = |x: &[char], y: &[char]| -> bool {
        let mut i = 0;
        while i < x.len() && i < y.len() {
            if x[i] == y[i] {
                i += 1;
                continue;
            }
            let al = x[i].is_alphabetic();
            let bl = y[i].is_alphabetic();
            if al && bl {
                return x[i] < y[i];
            }
            if al || bl {
                return bl;
            }
            let (mut an, mut bn): (i64, i64) = (0, 0);
            if x[i] == '0' || y[i] == '0' {
                let mut j = i;
                while j > 0 && x[j - 1].is_ascii_digit() {
                    j -= 1;
                    if x[j] != '0' {
                        an = 1;
                        bn = 1;
                        break;
                    }
                }
            }
            let mut ai = i;
            while ai < x.len() && x[ai].is_ascii_digit() {
                an = an
                    .wrapping_mul(10)
                    .wrapping_add(i64::from(x[ai] as u8 - b'0'));
                ai += 1;
            }
            let mut bi = i;
            while bi < y.len() && y[bi].is_ascii_digit() {
                bn = bn
                    .wrapping_mul(10)
                    .wrapping_add(i64::from(y[bi] as u8 - b'0'));
                bi += 1;
            }
            if an != bn {
                return an < bn;
            }
            if ai != bi {
                return ai < bi;
            }
            return x[i] < y[i];
        }
        x.len() < y.len()
    };
    if less(&ar, &br) {
        Ordering::Less
    } else if less(&br, &ar) {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: Vec<(&str, Value)>) -> Value {
        let mut m = Map::new();
        for (k, v) in pairs {
            m.set(k, v);
        }
        Value::Map(m)
    }

    /// The shape `kubectl get pod -o yaml` prints: sorted keys, lists at their key's
    /// level, empty maps inline, quoted strings that look like other types.
    #[test]
    fn an_object_as_kubectl_prints_it() {
        let container = map(vec![
            ("name", "web".into()),
            ("image", "busybox".into()),
            (
                "command",
                vec!["sh".into(), "-c".into(), "echo hi: there".into()].into(),
            ),
            ("resources", Map::new().into()),
            (
                "ports",
                vec![map(vec![
                    ("containerPort", 80i64.into()),
                    ("protocol", "TCP".into()),
                ])]
                .into(),
            ),
        ]);
        let v = map(vec![
            ("kind", "Pod".into()),
            ("apiVersion", "v1".into()),
            (
                "metadata",
                map(vec![
                    ("name", "web".into()),
                    ("resourceVersion", "12".into()),
                    ("creationTimestamp", "2017-10-18T15:00:01Z".into()),
                    (
                        "labels",
                        map(vec![("app", "web".into()), ("tier", "true".into())]),
                    ),
                ]),
            ),
            (
                "spec",
                map(vec![
                    ("containers", vec![container].into()),
                    ("tolerations", Value::List(vec![])),
                ]),
            ),
            (
                "status",
                map(vec![
                    ("phase", "Running".into()),
                    ("lastProbeTime", Value::Null),
                ]),
            ),
        ]);
        assert_eq!(
            to_yaml(&v),
            "apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: \"2017-10-18T15:00:01Z\"
  labels:
    app: web
    tier: \"true\"
  name: web
  resourceVersion: \"12\"
spec:
  containers:
  - command:
    - sh
    - -c
    - 'echo hi: there'
    image: busybox
    name: web
    ports:
    - containerPort: 80
      protocol: TCP
    resources: {}
  tolerations: []
status:
  lastProbeTime: null
  phase: Running
"
        );
    }

    #[test]
    fn strings_are_quoted_as_go_yaml_quotes_them() {
        let one = |s: &str| to_yaml(&map(vec![("k", s.into())]));
        for (s, want) in [
            ("", "k: \"\"\n"),
            ("80", "k: \"80\"\n"),
            ("0x1F", "k: \"0x1F\"\n"),
            ("1_000", "k: \"1_000\"\n"),
            ("1e3", "k: \"1e3\"\n"),
            (".5", "k: \".5\"\n"),
            ("08", "k: \"08\"\n"),
            ("yes", "k: \"yes\"\n"),
            ("Off", "k: \"Off\"\n"),
            ("~", "k: \"~\"\n"),
            ("null", "k: \"null\"\n"),
            ("12:30", "k: \"12:30\"\n"),
            ("2017-10-18", "k: \"2017-10-18\"\n"),
            ("2017-13-18", "k: 2017-13-18\n"),
            ("yesterday", "k: yesterday\n"),
            ("nginx:1.25", "k: nginx:1.25\n"),
            ("a: b", "k: 'a: b'\n"),
            ("*", "k: '*'\n"),
            ("- x", "k: '- x'\n"),
            ("-x", "k: -x\n"),
            (" lead", "k: ' lead'\n"),
            ("it's", "k: it's\n"),
            ("'q'", "k: '''q'''\n"),
            ("a #b", "k: 'a #b'\n"),
            ("a#b", "k: a#b\n"),
            ("tab\there", "k: \"tab\\there\"\n"),
            ("10.96.0.1", "k: 10.96.0.1\n"),
            ("1.5", "k: \"1.5\"\n"),
            ("+1", "k: \"+1\"\n"),
            ("-", "k: '-'\n"),
            ("@x", "k: '@x'\n"),
            ("a,b", "k: a,b\n"),
            ("{x}", "k: '{x}'\n"),
        ] {
            assert_eq!(one(s), want, "{s:?}");
        }
    }

    #[test]
    fn multiline_strings_are_literal_blocks() {
        let one = |s: &str| to_yaml(&map(vec![("data", map(vec![("k", s.into())]))]));
        assert_eq!(one("a\nb\n"), "data:\n  k: |\n    a\n    b\n");
        assert_eq!(one("a\nb"), "data:\n  k: |-\n    a\n    b\n");
        assert_eq!(one("a\n\n"), "data:\n  k: |+\n    a\n\n");
        assert_eq!(one(" a\nb"), "data:\n  k: |2-\n     a\n    b\n");
        assert_eq!(one("a\n\nb\n"), "data:\n  k: |\n    a\n\n    b\n");
        // A line with a trailing space cannot be a block: double-quoted.
        assert_eq!(one("a \nb"), "data:\n  k: \"a \\nb\"\n");
    }

    #[test]
    fn long_strings_fold_at_80_columns() {
        let long = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen";
        assert_eq!(
            to_yaml(&map(vec![("message", long.into())])),
            // The line breaks at the first space past column 80.
            "message: one two three four five six seven eight nine ten eleven twelve thirteen fourteen\n  fifteen\n"
        );
        // No space to fold at: one line.
        let word = "x".repeat(100);
        assert_eq!(
            to_yaml(&map(vec![("k", word.as_str().into())])),
            format!("k: {word}\n")
        );
    }

    #[test]
    fn keys_sort_as_go_yaml_sorts_them() {
        let mut keys = vec!["b", "a10", "a9", "a", "_x", "A", "a.b", "a-b", "a1"];
        keys.sort_by(|a, b| key_cmp(a, b));
        assert_eq!(keys, ["_x", "A", "a", "a-b", "a.b", "a1", "a9", "a10", "b"]);
    }

    #[test]
    fn nested_lists_and_empty_values() {
        let v = map(vec![
            (
                "a",
                vec![
                    Value::List(vec![1i64.into(), 2i64.into()]),
                    Value::List(vec![]),
                ]
                .into(),
            ),
            ("b", vec![Map::new().into()].into()),
            ("c", 1.5f64.into()),
        ]);
        assert_eq!(to_yaml(&v), "a:\n- - 1\n  - 2\n- []\nb:\n- {}\nc: 1.5\n");
    }
}
