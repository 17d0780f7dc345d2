//! YAML text to JSON values that remember where each node was written.
//!
//! kubectl reads a manifest in three steps, and so does this module:
//!
//! 1. The text is cut into documents at lines that start with `---` (apimachinery's
//!    `yaml.YAMLReader`), before any YAML parsing: a syntax error in one document does not
//!    stop the next from being read, and the line numbers kubectl prints in a YAML error
//!    count from the start of that document. A text whose first non-blank character is `{`
//!    is JSON (`yaml.NewYAMLOrJSONDecoder` sniffs it): a stream of JSON objects, cut at each
//!    top-level value instead.
//! 2. Each document is parsed (saphyr-parser: a YAML 1.2 event parser with a line and
//!    column for every event) into a tree of marked nodes. As go-yaml v2's `Unmarshal`,
//!    only the first YAML document of a piece is read (`...` ends it).
//! 3. The tree becomes a `serde_json::Value` the way sigs.k8s.io/yaml's `YAMLToJSON` makes
//!    one (go-yaml v2 into `interface{}`, then `convertToJSONableObject`, then
//!    `json.Marshal`): scalars resolve as go-yaml v2's `resolve.go` resolves them (see
//!    [`resolve_plain`]), map keys become strings as `convertToJSONableObject` makes them
//!    (see [`Conv::key_string`]), aliases are expanded, `<<` merges maps.
//!
//! Beside each value the conversion records a [`Positions`] tree: for every map entry and
//! list item, where its key (or `-`) and its value were written. Looking a path up costs
//! its depth; nothing rescans the text.
//!
//! Deliberate differences from kubectl, each for a clear error instead of a silent guess:
//! a key written twice in one map is an error (kubectl's own reader keeps the last one
//! silently, kubernetes/kubernetes#125885; go-yaml's strict mode, which
//! sigs.k8s.io/yaml's `YAMLToJSONStrict` uses, refuses it, and its words are used), and
//! nesting deeper than [`MAX_DEPTH`] is refused (go-yaml allows 10000).

use std::collections::HashMap;
use std::fmt::Write as _;

use saphyr_parser::{Event, Parser, ScalarStyle};
use serde_json::{Map, Number, Value};

/// The deepest nesting of maps and lists read. Manifests nest about 15 deep; the limit
/// keeps the recursive conversion (and serde's) far from the end of a thread's stack.
pub const MAX_DEPTH: usize = 400;

/// Where something was written: 1-based line and column (columns count characters).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

/// One document of a manifest file, as kubectl would send it.
#[derive(Clone, Debug)]
pub struct Document {
    /// The JSON value (`Value::Null` for an empty document, which kubectl skips).
    pub value: Value,
    /// Where each part of `value` was written.
    pub positions: Positions,
    /// The first line of the piece of text this document was read from: kubectl's YAML
    /// errors count lines from there.
    pub chunk_line: usize,
}

/// Why a document could not be read.
#[derive(Clone, Debug, PartialEq)]
pub struct YamlError {
    /// Where, in the whole file.
    pub pos: Pos,
    /// The first line of the document's piece of text (kubectl counts from there).
    pub chunk_line: usize,
    /// The path of the map entry the error is in, if any (serde_path_to_error's form).
    pub path: String,
    pub kind: YamlErrorKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum YamlErrorKind {
    /// The text is not YAML: the parser's message (libyaml's words, as go-yaml's).
    Syntax(String),
    /// A key written twice in one map (the error is at the second). `key` is the key as
    /// Go's `%#v` prints it (`"name"`, `1`, `true`); `first` is where it was first written;
    /// `value_line` the line of the second one's value, which go-yaml reports.
    DuplicateKey {
        key: String,
        first: Pos,
        value_line: usize,
    },
    /// A map key that JSON cannot have: `kubectl` is the message sigs.k8s.io/yaml or
    /// go-yaml gives, `what` says what the key was.
    BadKey { what: String, kubectl: String },
    /// Anything else go-yaml or json.Marshal refuses; the message is theirs
    /// (`yaml: map merge requires map or sequence of maps as the value`,
    /// `json: unsupported value: NaN`, ...).
    Refused(String),
    /// Nesting deeper than [`MAX_DEPTH`].
    TooDeep,
    /// A line starting with `---` has more than a comment after it: kubectl's reader
    /// (recent apimachinery) refuses it before any YAML is parsed.
    Separator(String),
}

impl YamlErrorKind {
    /// What kubectl prints after `error converting YAML to JSON: `, for an error at `line`
    /// of a document whose text starts at `chunk_line` (go-yaml counts from there).
    pub fn kubectl(&self, line: usize, chunk_line: usize) -> String {
        let rel = |l: usize| l + 1 - chunk_line.min(l);
        match self {
            YamlErrorKind::Syntax(msg) => format!("yaml: line {}: {}", rel(line), problem(msg)),
            YamlErrorKind::DuplicateKey {
                key, value_line, ..
            } => format!(
                "yaml: unmarshal errors:\n  line {}: key {key} already set in map",
                rel(*value_line)
            ),
            YamlErrorKind::BadKey { kubectl, .. } => kubectl.clone(),
            YamlErrorKind::Refused(msg) => msg.clone(),
            YamlErrorKind::TooDeep => format!("yaml: exceeded max depth of {MAX_DEPTH}"),
            YamlErrorKind::Separator(rest) => format!("invalid Yaml document separator: {rest}"),
        }
    }
}

/// libyaml (and so go-yaml) reports a parse error as its "problem" alone; saphyr prefixes
/// the context ("while parsing a block mapping, did not find expected key").
fn problem(msg: &str) -> &str {
    if msg.starts_with("while ") {
        if let Some(i) = msg.find(", ") {
            return &msg[i + 2..];
        }
    }
    msg
}

// ---------------------------------------------------------------------------------------
// Positions

/// Where each entry of a document was written: a tree shaped like the document's value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Positions {
    nodes: Vec<PNode>,
}

#[derive(Clone, Debug, PartialEq)]
struct PNode {
    /// The key (for a map entry), or for a list item where its value starts.
    key: Pos,
    /// The value.
    value: Pos,
    /// The value asks for nothing: null, `{}`, `[]` or `""`.
    empty: bool,
    children: Children,
}

#[derive(Clone, Debug, PartialEq)]
enum Children {
    Leaf,
    /// Keys in the order written (merged keys after the map's own).
    Map(Vec<(String, u32)>),
    Seq(Vec<u32>),
}

/// One step of a field path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A path as serde_path_to_error's `Display` writes it: `spec.containers[0].name`, `.` for
/// the root.
pub fn path_string(segs: &[Seg]) -> String {
    if segs.is_empty() {
        return ".".to_string();
    }
    let mut out = String::new();
    for (i, seg) in segs.iter().enumerate() {
        match seg {
            Seg::Key(k) => {
                if i > 0 {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(n) => {
                let _ = write!(out, "[{n}]");
            }
        }
    }
    out
}

impl Positions {
    fn single(pos: Pos) -> Positions {
        Positions {
            nodes: vec![PNode {
                key: pos,
                value: pos,
                empty: true,
                children: Children::Leaf,
            }],
        }
    }

    /// Where the document (or list item) itself starts.
    pub fn root(&self) -> Pos {
        self.nodes.first().map(|n| n.value).unwrap_or_default()
    }

    /// The node at `segs`, or the deepest written ancestor and how many steps matched.
    fn find(&self, segs: &[Seg]) -> (u32, usize) {
        let mut at = 0u32;
        if self.nodes.is_empty() {
            return (0, 0);
        }
        for (depth, seg) in segs.iter().enumerate() {
            let next = match (&self.nodes[at as usize].children, seg) {
                (Children::Map(entries), Seg::Key(k)) => {
                    entries.iter().find(|(name, _)| name == k).map(|(_, i)| *i)
                }
                (Children::Seq(items), Seg::Index(n)) => items.get(*n).copied(),
                _ => None,
            };
            match next {
                Some(i) => at = i,
                None => return (at, depth),
            }
        }
        (at, segs.len())
    }

    /// Where the key of `segs` was written (for a list item, its value), or the nearest
    /// written ancestor's key when the path is not in the document.
    pub fn key_of(&self, segs: &[Seg]) -> Pos {
        match self.nodes.get(self.find(segs).0 as usize) {
            Some(n) => n.key,
            None => Pos::default(),
        }
    }

    /// Where the value of `segs` was written, or the nearest written ancestor's key.
    pub fn value_of(&self, segs: &[Seg]) -> Pos {
        let (at, matched) = self.find(segs);
        match self.nodes.get(at as usize) {
            Some(n) if matched == segs.len() => n.value,
            Some(n) => n.key,
            None => Pos::default(),
        }
    }

    /// Splits a path string into the steps this document has: a key may hold dots
    /// (`app.kubernetes.io/name`), so at each map the longest key that fits is taken.
    /// Steps past the document's end are split at every dot.
    pub fn parse_path(&self, path: &str) -> Vec<Seg> {
        let mut segs = Vec::new();
        let mut rest = path.strip_prefix('.').unwrap_or(path);
        let mut at = if self.nodes.is_empty() {
            None
        } else {
            Some(0u32)
        };
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('[') {
                let Some(end) = after.find(']') else { break };
                let Ok(n) = after[..end].parse::<usize>() else {
                    break;
                };
                segs.push(Seg::Index(n));
                at = at.and_then(|a| match &self.nodes[a as usize].children {
                    Children::Seq(items) => items.get(n).copied(),
                    _ => None,
                });
                rest = &after[end + 1..];
                rest = rest.strip_prefix('.').unwrap_or(rest);
                continue;
            }
            let fits = |k: &str| {
                rest.starts_with(k)
                    && matches!(rest.as_bytes().get(k.len()), None | Some(b'.') | Some(b'['))
            };
            let known = at.and_then(|a| match &self.nodes[a as usize].children {
                Children::Map(entries) => entries
                    .iter()
                    .filter(|(k, _)| !k.is_empty() && fits(k))
                    .max_by_key(|(k, _)| k.len())
                    .map(|(k, i)| (k.len(), *i)),
                _ => None,
            });
            let len = match known {
                Some((len, i)) => {
                    at = Some(i);
                    len
                }
                None => {
                    at = None;
                    rest.find(['.', '[']).unwrap_or(rest.len())
                }
            };
            segs.push(Seg::Key(rest[..len].to_string()));
            rest = &rest[len..];
            rest = rest.strip_prefix('.').unwrap_or(rest);
        }
        segs
    }

    /// The positions of the part of the document at `segs` (a list item of a `kind: List`),
    /// as a tree of its own.
    pub fn subtree(&self, segs: &[Seg]) -> Positions {
        let (at, matched) = self.find(segs);
        if matched != segs.len() || self.nodes.is_empty() {
            return Positions::single(self.key_of(segs));
        }
        let mut out = Positions { nodes: Vec::new() };
        self.copy_into(at, &mut out);
        out
    }

    fn copy_into(&self, at: u32, out: &mut Positions) -> u32 {
        let node = &self.nodes[at as usize];
        let me = out.nodes.len() as u32;
        out.nodes.push(PNode {
            key: node.key,
            value: node.value,
            empty: node.empty,
            children: Children::Leaf,
        });
        let children = match &node.children {
            Children::Leaf => Children::Leaf,
            Children::Map(entries) => Children::Map(
                entries
                    .iter()
                    .map(|(k, i)| (k.clone(), self.copy_into(*i, out)))
                    .collect(),
            ),
            Children::Seq(items) => {
                Children::Seq(items.iter().map(|i| self.copy_into(*i, out)).collect())
            }
        };
        out.nodes[me as usize].children = children;
        me
    }

    /// Every map entry and list item, depth first in the order written, with its path,
    /// where its key was written, and whether its value is empty (null, `{}`, `[]`, `""`).
    pub fn walk(&self, mut visit: impl FnMut(&str, Pos, bool)) {
        if self.nodes.is_empty() {
            return;
        }
        let mut path = String::new();
        self.walk_from(0, &mut path, &mut visit);
    }

    fn walk_from(&self, at: u32, path: &mut String, visit: &mut impl FnMut(&str, Pos, bool)) {
        match &self.nodes[at as usize].children {
            Children::Leaf => {}
            Children::Map(entries) => {
                for (k, i) in entries {
                    let len = path.len();
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(k);
                    let node = &self.nodes[*i as usize];
                    visit(path, node.key, node.empty);
                    self.walk_from(*i, path, visit);
                    path.truncate(len);
                }
            }
            Children::Seq(items) => {
                for (n, i) in items.iter().enumerate() {
                    let len = path.len();
                    let _ = write!(path, "[{n}]");
                    let node = &self.nodes[*i as usize];
                    visit(path, node.key, node.empty);
                    self.walk_from(*i, path, visit);
                    path.truncate(len);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Reading

/// Reads every document of `text`. The result has one entry per document piece kubectl
/// would read, in order; a piece that cannot be read is an error in its place, and the
/// pieces after it are still read (as kubectl's reader cuts the text before parsing).
pub fn read(text: &str) -> Vec<Result<Document, YamlError>> {
    if is_json(text) {
        return json_chunks(text)
            .into_iter()
            .map(|c| match c {
                Ok((start, end, line)) => read_chunk(&text[start..end], line, true),
                Err(e) => Err(e),
            })
            .collect();
    }
    yaml_chunks(text)
        .into_iter()
        .map(|c| match c {
            Ok((start, end, line)) => read_chunk(&text[start..end], line, false),
            Err(e) => Err(e),
        })
        .collect()
}

/// apimachinery's `GuessJSONStream`: JSON when the first non-blank character is `{`.
fn is_json(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
}

type Chunk = Result<(usize, usize, usize), YamlError>;

/// apimachinery's `YAMLReader.Read`: a line that starts with `---` ends the document being
/// gathered (and is dropped), unless nothing has been gathered yet (then it is kept, as the
/// next document's start marker). Only spaces or a comment may follow the `---`.
fn yaml_chunks(text: &str) -> Vec<Chunk> {
    let mut out = Vec::new();
    let mut start = 0usize; // byte where the gathered text starts
    let mut start_line = 1usize;
    let mut offset = 0usize;
    for (line_no, line) in (1usize..).zip(text.split_inclusive('\n')) {
        if let Some(after) = line.strip_prefix("---") {
            let trimmed = after.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                if offset > start {
                    out.push(Ok((start, offset, start_line)));
                }
                // Recent apimachinery: "invalid Yaml document separator: ..."; before that
                // check, the line silently started a second YAML document go-yaml never read.
                out.push(Err(YamlError {
                    pos: Pos {
                        line: line_no,
                        col: 1,
                    },
                    chunk_line: line_no,
                    path: String::new(),
                    kind: YamlErrorKind::Separator(trimmed.to_string()),
                }));
                start = offset + line.len();
                start_line = line_no + 1;
            } else if offset > start {
                out.push(Ok((start, offset, start_line)));
                start = offset + line.len();
                start_line = line_no + 1;
            }
        }
        offset += line.len();
    }
    if text.len() > start {
        out.push(Ok((start, text.len(), start_line)));
    }
    out
}

/// A JSON stream (encoding/json's `Decoder`): one piece per top-level value. Strings are
/// skipped whole, so braces inside them do not count.
fn json_chunks(text: &str) -> Vec<Chunk> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0usize;
    let mut line = 1usize;
    while i < bytes.len() {
        // Blanks between values.
        match bytes[i] {
            b'\n' => {
                line += 1;
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            _ if text[i..].starts_with('\u{feff}') => {
                i += '\u{feff}'.len_utf8();
                continue;
            }
            _ => {}
        }
        let (start, start_line) = (i, line);
        let mut depth = 0usize;
        let mut in_string = false;
        while i < bytes.len() {
            let b = bytes[i];
            i += 1;
            if in_string {
                match b {
                    b'\\' => i += 1,
                    b'"' => in_string = false,
                    b'\n' => line += 1,
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' => in_string = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        break;
                    }
                }
                b'\n' => line += 1,
                _ if depth == 0 => {
                    // A bare scalar at the top: read up to the next blank.
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                        i += 1;
                    }
                    break;
                }
                _ => {}
            }
        }
        let end = i.min(bytes.len());
        out.push(Ok((start, end, start_line)));
    }
    out
}

/// The tree of one document, as parsed.
struct Raw {
    pos: Pos,
    kind: RawKind,
}

enum RawKind {
    Scalar {
        text: String,
        plain: bool,
        tag: Option<String>,
    },
    Seq(Vec<u32>),
    Map(Vec<(u32, u32)>),
    /// An alias: the anchored node, and the alias's name (for messages).
    Alias(u32),
}

fn read_chunk(chunk: &str, first_line: usize, json: bool) -> Result<Document, YamlError> {
    let at = |line: usize, col: usize| Pos {
        line: first_line + line.saturating_sub(1),
        col: col + 1,
    };
    let err = |pos: Pos, kind: YamlErrorKind| YamlError {
        pos,
        chunk_line: first_line,
        path: String::new(),
        kind,
    };
    let mut parser = Parser::new_from_str(chunk);
    let mut nodes: Vec<Raw> = Vec::new();
    // Open collections: the node, and for a map the key waiting for its value.
    let mut stack: Vec<(u32, Option<u32>)> = Vec::new();
    let mut anchors: HashMap<usize, u32> = HashMap::new();
    let mut root: Option<u32> = None;
    let mut in_document = false;
    loop {
        let (event, span) = match parser.next_event() {
            None => break,
            Some(Err(e)) => {
                let m = e.marker();
                return Err(err(
                    at(m.line(), m.col()),
                    YamlErrorKind::Syntax(e.info().to_string()),
                ));
            }
            Some(Ok(ev)) => ev,
        };
        let pos = at(span.start.line(), span.start.col());
        let (kind, anchor, opens) = match event {
            Event::StreamEnd | Event::DocumentEnd => break,
            Event::DocumentStart(_) => {
                if in_document {
                    break;
                }
                in_document = true;
                continue;
            }
            Event::Nothing | Event::StreamStart => continue,
            Event::SequenceEnd | Event::MappingEnd => {
                stack.pop();
                continue;
            }
            Event::Scalar(text, style, anchor, tag) => (
                RawKind::Scalar {
                    text: text.into_owned(),
                    plain: style == ScalarStyle::Plain,
                    tag: tag.map(|t| format!("{}{}", t.handle, t.suffix)),
                },
                anchor,
                false,
            ),
            Event::SequenceStart(anchor, _) => (RawKind::Seq(Vec::new()), anchor, true),
            Event::MappingStart(anchor, _) => (RawKind::Map(Vec::new()), anchor, true),
            Event::Alias(id) => match anchors.get(&id) {
                Some(&target) => (RawKind::Alias(target), 0, false),
                None => {
                    return Err(err(
                        pos,
                        YamlErrorKind::Syntax("found unknown anchor".to_string()),
                    ));
                }
            },
        };
        let id = nodes.len() as u32;
        nodes.push(Raw { pos, kind });
        if anchor != 0 {
            anchors.insert(anchor, id);
        }
        // Attach to the open collection.
        match stack.last_mut() {
            None => {
                if root.is_none() {
                    root = Some(id);
                }
            }
            Some((parent, pending)) => match &mut nodes[*parent as usize].kind {
                RawKind::Seq(items) => items.push(id),
                RawKind::Map(entries) => match pending.take() {
                    None => *pending = Some(id),
                    Some(key) => entries.push((key, id)),
                },
                _ => {}
            },
        }
        if opens {
            if stack.len() >= MAX_DEPTH {
                return Err(err(pos, YamlErrorKind::TooDeep));
            }
            stack.push((id, None));
        }
    }
    let Some(root) = root else {
        return Ok(Document {
            value: Value::Null,
            positions: Positions::single(at(1, 0)),
            chunk_line: first_line,
        });
    };
    let mut conv = Conv {
        nodes: &nodes,
        chunk,
        first_line,
        json,
        out: Positions { nodes: Vec::new() },
        path: Vec::new(),
        active: vec![false; nodes.len()],
        decode_count: 0,
        alias_count: 0,
        alias_depth: 0,
    };
    let root_pos = nodes[root as usize].pos;
    let value = conv.value(root, root_pos, 0)?;
    Ok(Document {
        value,
        positions: conv.out,
        chunk_line: first_line,
    })
}

// ---------------------------------------------------------------------------------------
// Scalars, as go-yaml v2's resolve.go resolves them

/// A resolved scalar: the Go value go-yaml v2 makes of it for an `interface{}`.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    Null,
    Bool(bool),
    /// Go `int` (int64 on the 64-bit machines kubectl runs on).
    Int(i64),
    /// Go `uint64`: an integer above i64's range.
    Uint(u64),
    Float(f64),
    Str(String),
}

const TAG_PREFIX: &str = "tag:yaml.org,2002:";

/// go-yaml v2 `resolve("", s)` for a plain (unquoted) scalar:
///
/// - the first character chooses what to try (`resolve_table`): a sign or digit tries an
///   integer then a float, `.` a float, one of `yYnNtTfFoO~` the table of words, anything
///   else is a string;
/// - the words (`resolve_map`): `y Y yes Yes YES true True TRUE on On ON` are true,
///   `n N no No NO false False FALSE off Off OFF` false, the empty string, `~ null Null
///   NULL` null, `.nan .NaN .NAN` NaN, `.inf .Inf .INF +.inf ...` and `-.inf ...`
///   infinities, and nothing else (`nan`, `Yes!` stay strings);
/// - integers: underscores are dropped, then Go's `strconv.ParseInt(s, 0, 64)`: an
///   optional sign, `0x`/`0X` hex, `0o`/`0O` or a leading `0` octal, `0b`/`0B` binary,
///   else decimal; past int64, `ParseUint`; past that, or when not an integer (`08`,
///   `1e3`, `1.5`), a float if it matches
///   `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$` and is in range;
/// - timestamps (`2001-12-14`) stay strings, as go-yaml v2 keeps them for `interface{}`.
pub fn resolve_plain(s: &str) -> Scalar {
    let Some(&first) = s.as_bytes().first() else {
        return Scalar::Null;
    };
    match first {
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => {
            word(s).unwrap_or_else(|| Scalar::Str(s.to_string()))
        }
        b'.' => {
            if let Some(w) = word(s) {
                return w;
            }
            go_dot_float(s).map_or_else(|| Scalar::Str(s.to_string()), Scalar::Float)
        }
        b'+' | b'-' | b'0'..=b'9' => {
            if let Some(w) = word(s) {
                return w;
            }
            let plain: String = s.chars().filter(|&c| c != '_').collect();
            if let Some(v) = go_parse_int(&plain) {
                return v;
            }
            if yaml_style_float(&plain) {
                if let Ok(f) = plain.parse::<f64>() {
                    if f.is_finite() {
                        return Scalar::Float(f);
                    }
                }
            }
            Scalar::Str(s.to_string())
        }
        _ => Scalar::Str(s.to_string()),
    }
}

fn word(s: &str) -> Option<Scalar> {
    Some(match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Scalar::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Scalar::Bool(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => Scalar::Null,
        ".nan" | ".NaN" | ".NAN" => Scalar::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Scalar::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Scalar::Float(f64::NEG_INFINITY),
        _ => return None,
    })
}

/// Go's `strconv.ParseInt(s, 0, 64)`, then `ParseUint(s, 0, 64)` (no underscores left).
fn go_parse_int(s: &str) -> Option<Scalar> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
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
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u128::from_str_radix(digits, radix).ok()?;
    if neg {
        if magnitude <= i64::MAX as u128 + 1 {
            return Some(Scalar::Int((magnitude as i128).wrapping_neg() as i64));
        }
        return None;
    }
    if magnitude <= i64::MAX as u128 {
        Some(Scalar::Int(magnitude as i64))
    } else if magnitude <= u64::MAX as u128 && !s.starts_with('+') {
        // ParseUint takes no sign.
        Some(Scalar::Uint(magnitude as u64))
    } else {
        None
    }
}

/// go-yaml's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
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
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// A scalar starting with `.` that is not a word: go-yaml hands it to Go's
/// `strconv.ParseFloat`, which takes `.5`, `.5e3`, and underscores between digits.
fn go_dot_float(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    // Go's underscoreOK: an underscore only between two digits.
    for (i, &c) in b.iter().enumerate() {
        if c == b'_' {
            let before = i > 0 && b[i - 1].is_ascii_digit();
            let after = b.get(i + 1).is_some_and(u8::is_ascii_digit);
            if !before || !after {
                return None;
            }
        }
    }
    let plain: String = s.chars().filter(|&c| c != '_').collect();
    if !yaml_style_float(&plain) {
        return None;
    }
    plain.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// go-yaml v2 `resolve(tag, s)` for a scalar with an explicit tag (`!!int "8"`): the value
/// resolves as a plain one would (except for `!!str`), and must come out as the tag says;
/// an int is accepted as a `!!float`. Tags go-yaml does not resolve (`!foo`, `!`) leave the
/// text a string.
fn resolve_tagged(tag: &str, text: &str) -> Result<Scalar, String> {
    let Some(short) = tag.strip_prefix(TAG_PREFIX) else {
        return Ok(Scalar::Str(text.to_string()));
    };
    match short {
        "str" => Ok(Scalar::Str(text.to_string())),
        "binary" => {
            // encoding/base64's StdEncoding skips line breaks.
            let clean: String = text.chars().filter(|&c| c != '\n' && c != '\r').collect();
            match data_encoding::BASE64.decode(clean.as_bytes()) {
                Ok(bytes) => Ok(Scalar::Str(String::from_utf8_lossy(&bytes).into_owned())),
                Err(_) => Err("yaml: !!binary value contains invalid base64 data".to_string()),
            }
        }
        "bool" | "null" | "int" | "float" | "timestamp" => {
            let got = resolve_plain(text);
            let got_tag = match &got {
                Scalar::Null => "null",
                Scalar::Bool(_) => "bool",
                Scalar::Int(_) | Scalar::Uint(_) => "int",
                Scalar::Float(_) => "float",
                Scalar::Str(_) if short == "timestamp" && looks_like_timestamp(text) => "timestamp",
                Scalar::Str(_) => "str",
            };
            match (short, got) {
                (want, v) if want == got_tag => Ok(v),
                ("float", Scalar::Int(i)) => Ok(Scalar::Float(i as f64)),
                ("float", Scalar::Uint(u)) => Ok(Scalar::Float(u as f64)),
                _ => Err(format!(
                    "yaml: cannot decode !!{got_tag} `{text}` as a !!{short}"
                )),
            }
        }
        // Tags of collections on a scalar, and others go-yaml does not resolve.
        _ => Ok(Scalar::Str(text.to_string())),
    }
}

/// go-yaml's quick check before trying its timestamp layouts: four digits and a dash, then
/// a date (`2006-1-2`, optionally followed by a time).
fn looks_like_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 8 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let mut parts = s[5..].splitn(2, '-');
    let month = parts.next().unwrap_or("");
    let rest = parts.next().unwrap_or("");
    let day: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let ok_num = |t: &str, max: u32| {
        !t.is_empty() && t.len() <= 2 && t.parse::<u32>().is_ok_and(|n| (1..=max).contains(&n))
    };
    ok_num(month, 12) && ok_num(&day, 31)
}

/// The JSON number `json.Marshal` writes for a Go value, as the apiserver reads it back:
/// a float with no fraction below 1e21 is written without a point (`8`, not `8.0`), so it
/// reads back as an integer.
fn float_value(f: f64, json: bool) -> Option<Value> {
    if !f.is_finite() {
        return None;
    }
    if !json && f.fract() == 0.0 && f.abs() < 1e21 {
        if f >= i64::MIN as f64 && f < i64::MAX as f64 {
            return Some(Value::Number(Number::from(f as i64)));
        }
        if f >= 0.0 && f < u64::MAX as f64 {
            return Some(Value::Number(Number::from(f as u64)));
        }
    }
    Number::from_f64(f).map(Value::Number)
}

/// Go's `%#v` of a map key (for the duplicate-key message): strings quoted.
fn go_key_repr(key: &Scalar) -> String {
    match key {
        Scalar::Null => "<nil>".to_string(),
        Scalar::Bool(b) => b.to_string(),
        Scalar::Int(i) => i.to_string(),
        Scalar::Uint(u) => format!("0x{u:x}"),
        Scalar::Float(f) => go_format_float(*f, 64),
        Scalar::Str(s) => go_quote(s),
    }
}

/// Go's `strconv.Quote`, near enough: `"` and `\` escaped, control characters as escapes.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Go's `strconv.FormatFloat(f, 'g', -1, bits)`: the shortest digits that read back, in
/// `%e` form (`1e+06`) when the decimal exponent is below -4 or at least 6.
pub fn go_format_float(f: f64, bits: u32) -> String {
    if f.is_nan() {
        return "NaN".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.to_string();
    }
    // Shortest round-trip digits and decimal exponent, from Rust's `{:e}`.
    let sci = if bits == 32 {
        format!("{:e}", f as f32)
    } else {
        format!("{f:e}")
    };
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let neg = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let nd = digits.len() as i32;
    // strconv/ftoa.go, 'g' with the shortest precision: `eprec = 6`, and %e when
    // `exp < -4 || exp >= eprec`.
    let eprec = 6;
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if exp < -4 || exp >= eprec {
        out.push_str(&digits[..1]);
        if nd > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let _ = write!(out, "e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs());
    } else if exp < 0 {
        out.push_str("0.");
        for _ in 0..(-exp - 1) {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let int_len = (exp + 1) as usize;
        if digits.len() <= int_len {
            out.push_str(&digits);
            for _ in digits.len()..int_len {
                out.push('0');
            }
        } else {
            out.push_str(&digits[..int_len]);
            out.push('.');
            out.push_str(&digits[int_len..]);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// The tree to JSON

// go-yaml v2's guard against alias bombs (decode.go, allowedAliasRatio).
const ALIAS_RATIO_RANGE_LOW: usize = 400_000;
const ALIAS_RATIO_RANGE_HIGH: usize = 4_000_000;

fn allowed_alias_ratio(decode_count: usize) -> f64 {
    if decode_count <= ALIAS_RATIO_RANGE_LOW {
        0.99
    } else if decode_count >= ALIAS_RATIO_RANGE_HIGH {
        0.10
    } else {
        0.99 - 0.89
            * ((decode_count - ALIAS_RATIO_RANGE_LOW) as f64
                / (ALIAS_RATIO_RANGE_HIGH - ALIAS_RATIO_RANGE_LOW) as f64)
    }
}

struct Conv<'a> {
    nodes: &'a [Raw],
    chunk: &'a str,
    first_line: usize,
    json: bool,
    out: Positions,
    /// The path of the value being converted (for errors).
    path: Vec<Seg>,
    /// Collections being converted (an alias to one of them contains itself).
    active: Vec<bool>,
    decode_count: usize,
    alias_count: usize,
    alias_depth: usize,
}

impl Conv<'_> {
    fn error(&self, pos: Pos, kind: YamlErrorKind) -> YamlError {
        YamlError {
            pos,
            chunk_line: self.first_line,
            path: if self.path.is_empty() {
                String::new()
            } else {
                path_string(&self.path)
            },
            kind,
        }
    }

    /// Follows aliases to the node they name.
    fn deref(&self, mut id: u32) -> u32 {
        // Aliases only point backwards, at nodes that are not aliases themselves.
        while let RawKind::Alias(target) = self.nodes[id as usize].kind {
            id = target;
        }
        id
    }

    fn resolve(&self, id: u32) -> Result<Scalar, YamlError> {
        let node = &self.nodes[id as usize];
        let RawKind::Scalar { text, plain, tag } = &node.kind else {
            return Ok(Scalar::Null);
        };
        match tag {
            Some(tag) => resolve_tagged(tag, text)
                .map_err(|msg| self.error(node.pos, YamlErrorKind::Refused(msg))),
            None if *plain => Ok(resolve_plain(text)),
            None => Ok(Scalar::Str(text.clone())),
        }
    }

    /// Converts node `id`, whose key (or list item) was written at `key`.
    fn value(&mut self, id: u32, key: Pos, depth: usize) -> Result<Value, YamlError> {
        self.value_at(id, key, depth).map(|(v, _)| v)
    }

    /// As [`Conv::value`], also giving the node's index in `self.out`.
    fn value_at(&mut self, id: u32, key: Pos, depth: usize) -> Result<(Value, u32), YamlError> {
        let node = &self.nodes[id as usize];
        self.decode_count += 1;
        if self.alias_depth > 0 {
            self.alias_count += 1;
        }
        if self.alias_count > 100
            && self.decode_count > 1000
            && self.alias_count as f64 / self.decode_count as f64
                > allowed_alias_ratio(self.decode_count)
        {
            return Err(self.error(
                node.pos,
                YamlErrorKind::Refused("yaml: document contains excessive aliasing".to_string()),
            ));
        }
        if depth > MAX_DEPTH {
            return Err(self.error(node.pos, YamlErrorKind::TooDeep));
        }
        match &node.kind {
            RawKind::Alias(target) => {
                let target = *target;
                if self.active[target as usize] {
                    let name = self.alias_name(node.pos);
                    return Err(self.error(
                        node.pos,
                        YamlErrorKind::Refused(format!(
                            "yaml: anchor '{name}' value contains itself"
                        )),
                    ));
                }
                self.alias_depth += 1;
                let result = self.value_at(target, key, depth);
                self.alias_depth -= 1;
                let (value, p) = result?;
                // The value is where the alias was written; its insides where the anchor's.
                self.out.nodes[p as usize].value = node.pos;
                Ok((value, p))
            }
            RawKind::Scalar { .. } => {
                let scalar = self.resolve(id)?;
                let value = match scalar {
                    Scalar::Null => Value::Null,
                    Scalar::Bool(b) => Value::Bool(b),
                    Scalar::Int(i) => Value::Number(i.into()),
                    Scalar::Uint(u) => Value::Number(u.into()),
                    Scalar::Str(s) => Value::String(s),
                    Scalar::Float(f) => match float_value(f, self.json) {
                        Some(v) => v,
                        None => {
                            return Err(self.error(
                                node.pos,
                                YamlErrorKind::Refused(format!(
                                    "json: unsupported value: {}",
                                    go_format_float(f, 64)
                                )),
                            ));
                        }
                    },
                };
                let p = self.push(key, node.pos, Children::Leaf);
                self.out.nodes[p as usize].empty = is_empty(&value);
                Ok((value, p))
            }
            RawKind::Seq(items) => {
                let p = self.push(key, node.pos, Children::Leaf);
                self.active[id as usize] = true;
                let mut values = Vec::with_capacity(items.len());
                let mut children = Vec::with_capacity(items.len());
                for (n, &item) in items.iter().enumerate() {
                    self.path.push(Seg::Index(n));
                    let item_pos = self.nodes[item as usize].pos;
                    let (v, c) = self.value_at(item, item_pos, depth + 1)?;
                    self.path.pop();
                    values.push(v);
                    children.push(c);
                }
                self.active[id as usize] = false;
                self.out.nodes[p as usize].children = Children::Seq(children);
                self.out.nodes[p as usize].empty = values.is_empty();
                Ok((Value::Array(values), p))
            }
            RawKind::Map(entries) => {
                let p = self.push(key, node.pos, Children::Leaf);
                self.active[id as usize] = true;
                let mut object = Map::new();
                let mut children: Vec<(String, u32)> = Vec::with_capacity(entries.len());
                let mut merges = Vec::new();
                for &(k, v) in entries {
                    if self.is_merge_key(k) {
                        merges.push(v);
                        continue;
                    }
                    let (name, scalar) = self.key_string(k, v)?;
                    let key_pos = self.nodes[k as usize].pos;
                    // (The map answers whether the key is there; the list is searched only
                    // for the first one's position, on the error.)
                    if object.contains_key(&name) {
                        let first = children
                            .iter()
                            .find(|(n, _)| *n == name)
                            .map_or(key_pos, |(_, c)| self.out.nodes[*c as usize].key);
                        self.path.push(Seg::Key(name));
                        return Err(self.error(
                            key_pos,
                            YamlErrorKind::DuplicateKey {
                                key: go_key_repr(&scalar),
                                first,
                                value_line: self.nodes[v as usize].pos.line,
                            },
                        ));
                    }
                    self.path.push(Seg::Key(name.clone()));
                    let (value, c) = self.value_at(v, key_pos, depth + 1)?;
                    self.path.pop();
                    object.insert(name.clone(), value);
                    children.push((name, c));
                }
                // Merged maps: the map's own keys win, then earlier sources over later ones
                // (the YAML merge key's rule; go-yaml v2 gets the same for `<<` written
                // first, the usual place).
                for m in merges {
                    let target = self.deref(m);
                    let sources: Vec<u32> = match &self.nodes[target as usize].kind {
                        RawKind::Map(_) => vec![m],
                        RawKind::Seq(items) => {
                            for &item in items {
                                if !matches!(
                                    self.nodes[self.deref(item) as usize].kind,
                                    RawKind::Map(_)
                                ) {
                                    return Err(self.merge_error(item));
                                }
                            }
                            items.clone()
                        }
                        _ => return Err(self.merge_error(m)),
                    };
                    for source in sources {
                        let source_pos = self.nodes[source as usize].pos;
                        let (value, c) = self.value_at(source, source_pos, depth + 1)?;
                        let Value::Object(mut merged) = value else {
                            continue;
                        };
                        let Children::Map(entries) = std::mem::replace(
                            &mut self.out.nodes[c as usize].children,
                            Children::Leaf,
                        ) else {
                            continue;
                        };
                        for (name, child) in entries {
                            if object.contains_key(&name) {
                                continue;
                            }
                            if let Some(v) = merged.remove(&name) {
                                object.insert(name.clone(), v);
                                children.push((name, child));
                            }
                        }
                    }
                }
                self.active[id as usize] = false;
                self.out.nodes[p as usize].children = Children::Map(children);
                self.out.nodes[p as usize].empty = object.is_empty();
                Ok((Value::Object(object), p))
            }
        }
    }

    fn push(&mut self, key: Pos, value: Pos, children: Children) -> u32 {
        let p = self.out.nodes.len() as u32;
        self.out.nodes.push(PNode {
            key,
            value,
            empty: false,
            children,
        });
        p
    }

    fn merge_error(&self, id: u32) -> YamlError {
        self.error(
            self.nodes[id as usize].pos,
            YamlErrorKind::Refused(
                "yaml: map merge requires map or sequence of maps as the value".to_string(),
            ),
        )
    }

    /// go-yaml's `isMerge`: a plain `<<` (or one tagged `!!merge`).
    fn is_merge_key(&self, id: u32) -> bool {
        match &self.nodes[id as usize].kind {
            RawKind::Scalar { text, plain, tag } => {
                text == "<<"
                    && match tag {
                        None => *plain,
                        Some(t) => t == "tag:yaml.org,2002:merge",
                    }
            }
            _ => false,
        }
    }

    /// sigs.k8s.io/yaml's `convertToJSONableObject`: a string key stays, an int becomes its
    /// decimal, a float go-yaml's `FormatFloat(f, 'g', -1, 32)` (`.inf`, `-.inf`, `.nan`
    /// for the specials), a bool `true`/`false`; null and uint64 keys are refused with its
    /// message, and a list or map as a key is go-yaml's `invalid map key`.
    fn key_string(&self, k: u32, v: u32) -> Result<(String, Scalar), YamlError> {
        let id = self.deref(k);
        let node = &self.nodes[k as usize];
        let value_repr = || match &self.nodes[self.deref(v) as usize].kind {
            RawKind::Scalar { .. } => match self.resolve(self.deref(v)) {
                Ok(s) => go_value_repr(&s),
                Err(_) => "<invalid>".to_string(),
            },
            RawKind::Seq(_) => "[]interface {}{...}".to_string(),
            RawKind::Map(_) => "map[interface {}]interface {}{...}".to_string(),
            RawKind::Alias(_) => String::new(),
        };
        match &self.nodes[id as usize].kind {
            RawKind::Scalar { .. } => {
                let scalar = self.resolve(id)?;
                let name = match &scalar {
                    Scalar::Str(s) => s.clone(),
                    Scalar::Int(i) => i.to_string(),
                    Scalar::Bool(b) => b.to_string(),
                    Scalar::Float(f) if f.is_nan() => ".nan".to_string(),
                    Scalar::Float(f) if f.is_infinite() => {
                        if *f > 0.0 { ".inf" } else { "-.inf" }.to_string()
                    }
                    Scalar::Float(f) => go_format_float(*f, 32),
                    Scalar::Null => {
                        return Err(self.error(
                            node.pos,
                            YamlErrorKind::BadKey {
                                what: "null".to_string(),
                                kubectl: format!(
                                    "Unsupported map key of type: %!s(<nil>), key: <nil>, value: {}",
                                    value_repr()
                                ),
                            },
                        ));
                    }
                    Scalar::Uint(u) => {
                        return Err(self.error(
                            node.pos,
                            YamlErrorKind::BadKey {
                                what: format!("the integer {u}, too large for a key"),
                                kubectl: format!(
                                    "Unsupported map key of type: uint64, key: 0x{u:x}, value: {}",
                                    value_repr()
                                ),
                            },
                        ));
                    }
                };
                Ok((name, scalar))
            }
            RawKind::Seq(_) | RawKind::Map(_) => {
                let what = if matches!(self.nodes[id as usize].kind, RawKind::Seq(_)) {
                    ("a list", "[]interface {}{...}")
                } else {
                    ("a map", "map[interface {}]interface {}{...}")
                };
                Err(self.error(
                    node.pos,
                    YamlErrorKind::BadKey {
                        what: what.0.to_string(),
                        kubectl: format!("yaml: invalid map key: {}", what.1),
                    },
                ))
            }
            RawKind::Alias(_) => Ok((String::new(), Scalar::Str(String::new()))),
        }
    }

    /// The name written after the `*` of the alias at `pos` (messages only).
    fn alias_name(&self, pos: Pos) -> String {
        let Some(line) = self.chunk.lines().nth(pos.line - self.first_line) else {
            return String::new();
        };
        line.chars()
            .skip(pos.col)
            .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | ']' | '}'))
            .collect()
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
        _ => false,
    }
}

/// Go's `%+#v` of a scalar map value (for sigs.k8s.io/yaml's unsupported-key message).
fn go_value_repr(s: &Scalar) -> String {
    match s {
        Scalar::Null => "<nil>".to_string(),
        Scalar::Bool(b) => b.to_string(),
        Scalar::Int(i) => i.to_string(),
        Scalar::Uint(u) => format!("0x{u:x}"),
        Scalar::Float(f) => go_format_float(*f, 64),
        Scalar::Str(s) => go_quote(s),
    }
}

#[cfg(test)]
mod tests;
