//! JSON-shaped values as kubectl's printers see an API object (`object` builds them), and
//! the ways Go prints them: encoding/json (`-o json`, JSONPath's maps and lists), `fmt`'s
//! `%v` (custom columns, JSONPath's scalars) and `%#v` (JSONPath's error report).
//!
//! A map keeps its fields in the order they were set, the Go struct's field order. kubectl
//! 1.5 printed typed objects, so its JSON keeps that order; modern kubectl prints
//! unstructured maps, which Go's encoding/json writes with sorted keys, and go-yaml sorts
//! keys in both eras (`yaml`).

use std::cmp::Ordering;

/// A value of an unstructured object: what Go's `map[string]interface{}` holds after
/// decoding JSON (integers as int64, other numbers as float64).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<Value>),
    Map(Map),
}

/// A JSON object whose fields keep the order they were set in.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Map(pub Vec<(String, Value)>);

impl Map {
    pub fn new() -> Map {
        Map(Vec::new())
    }

    /// Sets `key` (in place if it is there, else at the end).
    pub fn set(&mut self, key: &str, value: impl Into<Value>) -> &mut Map {
        let value = value.into();
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = value,
            None => self.0.push((key.to_string(), value)),
        }
        self
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The fields in Go's map order (encoding/json and `fmt` sort a map's keys bytewise).
    pub fn sorted(&self) -> Vec<&(String, Value)> {
        let mut v: Vec<&(String, Value)> = self.0.iter().collect();
        v.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        v
    }
}

impl From<Map> for Value {
    fn from(m: Map) -> Value {
        Value::Map(m)
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Str(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Str(s)
    }
}
impl From<&String> for Value {
    fn from(s: &String) -> Value {
        Value::Str(s.clone())
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}
impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::Int(n)
    }
}
impl From<u64> for Value {
    fn from(n: u64) -> Value {
        Value::Int(n as i64)
    }
}
impl From<u32> for Value {
    fn from(n: u32) -> Value {
        Value::Int(i64::from(n))
    }
}
impl From<u16> for Value {
    fn from(n: u16) -> Value {
        Value::Int(i64::from(n))
    }
}
impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::Float(f)
    }
}
impl From<Vec<Value>> for Value {
    fn from(v: Vec<Value>) -> Value {
        Value::List(v)
    }
}

impl Value {
    pub fn map(&self) -> Option<&Map> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The value at a dotted path of map keys (`metadata.name`).
    pub fn at(&self, path: &str) -> Option<&Value> {
        path.split('.')
            .try_fold(self, |v, k| v.map().and_then(|m| m.get(k)))
    }
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)`, which `fmt`'s `%v` and go-yaml use: the
/// shortest digits that read back as `f`, in exponent form when the exponent is below -4
/// or at least 6 (`1e+06`).
pub fn go_float_g(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    let (neg, digits, exp) = shortest(f);
    let sign = if neg { "-" } else { "" };
    if !(-4..6).contains(&exp) {
        format!("{sign}{}", e_form(&digits, exp))
    } else {
        format!("{sign}{}", f_form(&digits, exp))
    }
}

/// Go's encoding/json float: fixed form unless the magnitude is below 1e-6 or at least
/// 1e21, then exponent form with `e-7` rather than `e-07`.
pub fn go_json_float(f: f64) -> String {
    let abs = f.abs();
    let (neg, digits, exp) = shortest(f);
    let sign = if neg { "-" } else { "" };
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let mut s = e_form(&digits, exp);
        // "e-07" -> "e-7"
        if let Some(p) = s.find("e-0") {
            s.replace_range(p + 2..p + 3, "");
        }
        format!("{sign}{s}")
    } else {
        format!("{sign}{}", f_form(&digits, exp))
    }
}

/// The shortest decimal digits of `f` (no leading zeros) and its decimal exponent (the
/// power of ten of the first digit).
fn shortest(f: f64) -> (bool, String, i32) {
    if f == 0.0 {
        return (f.is_sign_negative(), "0".into(), 0);
    }
    // Rust's `{:e}` writes the shortest round-trip digits: `1.2345e-7`.
    let s = format!("{:e}", f.abs());
    let (mant, exp) = s.split_once('e').expect("exponent form");
    let digits: String = mant.chars().filter(|c| *c != '.').collect();
    (f < 0.0, digits, exp.parse().expect("an exponent"))
}

fn e_form(digits: &str, exp: i32) -> String {
    let mut s = digits[..1].to_string();
    if digits.len() > 1 {
        s.push('.');
        s.push_str(&digits[1..]);
    }
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{s}e{sign}{:02}", exp.abs())
}

fn f_form(digits: &str, exp: i32) -> String {
    if exp < 0 {
        format!("0.{}{digits}", "0".repeat((-exp - 1) as usize))
    } else if (exp as usize) + 1 >= digits.len() {
        format!("{digits}{}", "0".repeat(exp as usize + 1 - digits.len()))
    } else {
        let (a, b) = digits.split_at(exp as usize + 1);
        format!("{a}.{b}")
    }
}

/// A string as Go's encoding/json writes it (with its default HTML escaping of `<`, `>`
/// and `&`, as kubectl's JSON printer and JSONPath's `json.Marshal` do).
pub fn go_json_string(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 || c == '<' || c == '>' || c == '&' => {
                let b = c as u32 as u8;
                out.push_str("\\u00");
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 0xf) as usize] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Go's `json.Marshal` (compact) or `json.MarshalIndent(v, "", indent)`; `sorted` writes
/// a map's keys in Go's map order, else in the order they were set.
pub fn to_json(v: &Value, indent: Option<&str>, sorted: bool) -> String {
    let mut out = String::new();
    write_json(v, indent, sorted, 0, &mut out);
    out
}

fn write_json(v: &Value, indent: Option<&str>, sorted: bool, depth: usize, out: &mut String) {
    let newline = |out: &mut String, depth: usize| {
        if let Some(ind) = indent {
            out.push('\n');
            for _ in 0..depth {
                out.push_str(ind);
            }
        }
    };
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(n) => out.push_str(&n.to_string()),
        Value::Float(f) => out.push_str(&go_json_float(*f)),
        Value::Str(s) => go_json_string(s, out),
        Value::List(items) if items.is_empty() => out.push_str("[]"),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                write_json(item, indent, sorted, depth + 1, out);
            }
            newline(out, depth);
            out.push(']');
        }
        Value::Map(m) if m.is_empty() => out.push_str("{}"),
        Value::Map(m) => {
            out.push('{');
            let fields: Vec<&(String, Value)> = if sorted {
                m.sorted()
            } else {
                m.0.iter().collect()
            };
            for (i, (k, v)) in fields.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                go_json_string(k, out);
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                write_json(v, indent, sorted, depth + 1, out);
            }
            newline(out, depth);
            out.push('}');
        }
    }
}

/// `fmt.Sprint(v)` of an unstructured value: `[a b]` for a list, `map[k:v]` for a map
/// (keys sorted), `<nil>` for null.
pub fn go_sprint(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(n) => n.to_string(),
        Value::Float(f) => go_float_g(*f),
        Value::Str(s) => s.clone(),
        Value::List(items) => format!(
            "[{}]",
            items.iter().map(go_sprint).collect::<Vec<_>>().join(" ")
        ),
        Value::Map(m) => format!(
            "map[{}]",
            m.sorted()
                .iter()
                .map(|(k, v)| format!("{k}:{}", go_sprint(v)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    }
}

/// `fmt.Sprintf("%#v", v)` of an unstructured value, as kubectl's JSONPath printer shows
/// the object it was given when a template fails.
pub fn go_sharp_v(v: &Value) -> String {
    match v {
        Value::Null => "interface {}(nil)".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(n) => n.to_string(),
        Value::Float(f) => go_float_g(*f),
        Value::Str(s) => go_quote(s),
        Value::List(items) => format!(
            "[]interface {{}}{{{}}}",
            items.iter().map(go_sharp_v).collect::<Vec<_>>().join(", ")
        ),
        Value::Map(m) => format!(
            "map[string]interface {{}}{{{}}}",
            m.sorted()
                .iter()
                .map(|(k, v)| format!("{}:{}", go_quote(k), go_sharp_v(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Go's `strconv.Quote`: printable characters as they are, the rest escaped.
pub fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' || c == '\u{feff}' => {
                let n = c as u32;
                if n < 0x80 {
                    out.push_str(&format!("\\x{n:02x}"));
                } else if n <= 0xffff {
                    out.push_str(&format!("\\u{n:04x}"));
                } else {
                    out.push_str(&format!("\\U{n:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `sortorder.NaturalLess` (github.com/fvbommel/sortorder), which `kubectl get
/// --sort-by` uses for strings: runs of digits compare as numbers.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (s1, s2) = (a.as_bytes(), b.as_bytes());
    let (mut i1, mut i2) = (0, 0);
    while i1 < s1.len() && i2 < s2.len() {
        let (c1, c2) = (s1[i1], s2[i2]);
        let (d1, d2) = (c1.is_ascii_digit(), c2.is_ascii_digit());
        if d1 != d2 {
            return if d1 {
                Ordering::Less
            } else {
                Ordering::Greater
            };
        }
        if !d1 {
            if c1 != c2 {
                return c1.cmp(&c2);
            }
            i1 += 1;
            i2 += 1;
            continue;
        }
        while i1 < s1.len() && s1[i1] == b'0' {
            i1 += 1;
        }
        while i2 < s2.len() && s2[i2] == b'0' {
            i2 += 1;
        }
        let (n1, n2) = (i1, i2);
        while i1 < s1.len() && s1[i1].is_ascii_digit() {
            i1 += 1;
        }
        while i2 < s2.len() && s2[i2].is_ascii_digit() {
            i2 += 1;
        }
        let (l1, l2) = (i1 - n1, i2 - n2);
        if l1 != l2 {
            return l1.cmp(&l2);
        }
        let (r1, r2) = (&s1[n1..i1], &s2[n2..i2]);
        if r1 != r2 {
            return r1.cmp(r2);
        }
        if n1 != n2 {
            return n1.cmp(&n2);
        }
    }
    // Identical so far: the one that ended first is less.
    s1.len().cmp(&s2.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_as_go_prints_them() {
        assert_eq!(go_float_g(1e6), "1e+06");
        assert_eq!(go_float_g(123456.0), "123456");
        assert_eq!(go_float_g(0.0001), "0.0001");
        assert_eq!(go_float_g(0.00001), "1e-05");
        assert_eq!(go_float_g(2.2), "2.2");
        assert_eq!(go_float_g(1.0), "1");
        assert_eq!(go_float_g(-3.5e-7), "-3.5e-07");
        assert_eq!(go_json_float(1e21), "1e+21");
        assert_eq!(go_json_float(1.5e-7), "1.5e-7");
        assert_eq!(go_json_float(123456789.0), "123456789");
        assert_eq!(go_json_float(0.000001), "0.000001");
    }

    #[test]
    fn json_as_encoding_json_writes_it() {
        let mut inner = Map::new();
        inner.set("b", 1i64).set("a", "<x&y>");
        let mut m = Map::new();
        m.set("z", Value::List(vec![]))
            .set("m", inner)
            .set("e", Map::new())
            .set("l", vec![Value::Bool(true), Value::Null]);
        let v = Value::Map(m);
        assert_eq!(
            to_json(&v, None, true),
            r#"{"e":{},"l":[true,null],"m":{"a":"\u003cx\u0026y\u003e","b":1},"z":[]}"#
        );
        assert_eq!(
            to_json(&v, None, false),
            r#"{"z":[],"m":{"b":1,"a":"\u003cx\u0026y\u003e"},"e":{},"l":[true,null]}"#
        );
        assert_eq!(
            to_json(&v, Some("    "), true),
            "{\n    \"e\": {},\n    \"l\": [\n        true,\n        null\n    ],\n    \"m\": {\n        \"a\": \"\\u003cx\\u0026y\\u003e\",\n        \"b\": 1\n    },\n    \"z\": []\n}"
        );
    }

    #[test]
    fn sprint_and_sharp_v() {
        let mut m = Map::new();
        m.set("b", vec![Value::from("x"), Value::Int(2)])
            .set("a", "q\"");
        let v = Value::Map(m);
        assert_eq!(go_sprint(&v), "map[a:q\" b:[x 2]]");
        assert_eq!(
            go_sharp_v(&v),
            r#"map[string]interface {}{"a":"q\"", "b":[]interface {}{"x", 2}}"#
        );
    }

    #[test]
    fn natural_order() {
        let mut v = vec!["web-10", "web-9", "web-1", "a", "web-01", "10", "9"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["9", "10", "a", "web-1", "web-01", "web-9", "web-10"]);
    }
}
