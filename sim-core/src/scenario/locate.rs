//! Finds where a field path is in RON text, and which field path a position is in.
//!
//! serde gives no positions for values, so after parsing, validation errors would have a
//! path (`steps[2].exec.on`) but no line. This is a small, forgiving RON scanner that
//! walks every value with its path. It never fails: on text it cannot follow it stops
//! with what it found so far.
//!
//! **Cost:** one pass over the text, keeping only the path being walked and the answers
//! asked for: memory is the nesting depth plus the results, never a copy of the file
//! (a 15 MB file with a syntax error is located in the file's own memory, see
//! docs/performance.md). Lines and columns are counted as the walk advances.

use std::collections::{BTreeMap, BTreeSet};

/// Where a value (or a field's key) sits: 1-based (line, column) of its first character
/// and of the character after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub path: String,
    pub start: (usize, usize),
    pub end: (usize, usize),
    /// A field name (`ip` in `ip: "..."`) rather than a value.
    pub key: bool,
}

/// Every value and field key with its path, in text order of their starts. (It holds an
/// entry per value: for tests and tools; validation uses [`find_all`] and [`path_at`].)
pub fn index(src: &str) -> Vec<Entry> {
    let mut out: Vec<(usize, Entry)> = Vec::new();
    walk(src, &mut |seq, e| {
        out.push((
            seq,
            Entry {
                path: e.path.to_string(),
                start: e.start,
                end: e.end,
                key: e.key,
            },
        ))
    });
    out.sort_by_key(|(seq, _)| *seq);
    out.into_iter().map(|(_, e)| e).collect()
}

/// Position of the value at `path`, if the scanner found it.
pub fn find(src: &str, path: &str) -> Option<(usize, usize)> {
    let wanted = BTreeSet::from([path.to_string()]);
    find_all(src, &wanted).remove(path)
}

/// Positions of the values at each of `paths` (the first value with that path), in one
/// pass over the text.
pub fn find_all(src: &str, paths: &BTreeSet<String>) -> BTreeMap<String, (usize, usize)> {
    let mut found: BTreeMap<String, (usize, (usize, usize))> = BTreeMap::new();
    if paths.is_empty() {
        return BTreeMap::new();
    }
    walk(src, &mut |seq, e| {
        if e.key || !paths.contains(e.path) {
            return;
        }
        match found.get_mut(e.path) {
            Some(have) if have.0 < seq => {}
            Some(have) => *have = (seq, e.start),
            None => {
                found.insert(e.path.to_string(), (seq, e.start));
            }
        }
    });
    found.into_iter().map(|(p, (_, pos))| (p, pos)).collect()
}

/// The path of the innermost value or key whose span holds (line, col).
pub fn path_at(src: &str, line: usize, col: usize) -> Option<String> {
    let pos = (line, col);
    // The latest-starting entry that holds the position (entries are numbered in the order
    // they start; a value is reported when it ends).
    let mut best: Option<(usize, String)> = None;
    walk(src, &mut |seq, e| {
        let holds = e.start <= pos && (pos < e.end || e.key && pos == e.start);
        if holds && best.as_ref().is_none_or(|(s, _)| seq > *s) {
            best = Some((seq, e.path.to_string()));
        }
    });
    best.map(|(_, p)| p).filter(|p| !p.is_empty())
}

/// 1-based (line, column) of a byte offset, columns counting characters as RON's do.
/// `byte` is clamped to the text and moved back to a character boundary.
pub fn position(src: &str, byte: usize) -> (usize, usize) {
    let mut byte = byte.min(src.len());
    while !src.is_char_boundary(byte) {
        byte -= 1;
    }
    let before = &src[..byte];
    let line = 1 + before.bytes().filter(|b| *b == b'\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, 1 + before[line_start..].chars().count())
}

/// The byte offset of 1-based (line, column), columns counting characters as RON's do;
/// past the end of a line or of the text, the end of it.
pub fn byte_at(src: &str, line: usize, col: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match src[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return src.len(),
        }
    }
    let text = &src[start..];
    let text = &text[..text.find('\n').unwrap_or(text.len())];
    start
        + text
            .char_indices()
            .nth(col.saturating_sub(1))
            .map_or(text.len(), |(i, _)| i)
}

/// If the text ends inside a block comment (`/* ...` without its `*/`): the byte offset
/// of the `/*` of the outermost unclosed one. Block comments nest, as RON's do; `/*`
/// inside a string, a character or a line comment opens nothing. A line comment ends at
/// the end of the text: it is never unclosed.
pub fn unclosed_comment(src: &str) -> Option<usize> {
    let b = src.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => match block_comment_end(b, i) {
                Some(end) => i = end,
                None => return Some(i),
            },
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'r' if matches!(b.get(i + 1), Some(b'"' | b'#'))
                && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) =>
            {
                let mut hashes = 0;
                i += 1;
                while b.get(i) == Some(&b'#') {
                    hashes += 1;
                    i += 1;
                }
                if b.get(i) == Some(&b'"') {
                    i += 1;
                    let close: Vec<u8> = std::iter::once(b'"')
                        .chain(std::iter::repeat_n(b'#', hashes))
                        .collect();
                    while i < b.len() && !b[i..].starts_with(&close) {
                        i += 1;
                    }
                    i += close.len();
                }
            }
            b'\'' => {
                // A character literal: 'x', '\n', '\u{41}'.
                i += 1;
                if b.get(i) == Some(&b'\\') {
                    i += 2;
                    while i < b.len() && !matches!(b[i], b'\'' | b'\n') {
                        i += 1;
                    }
                } else {
                    i += 1;
                    while i < b.len() && b[i] & 0xC0 == 0x80 {
                        i += 1;
                    }
                }
                if b.get(i) == Some(&b'\'') {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// Where the block comment whose `/*` is at `i` ends (just past its `*/`); comments nest,
/// as RON's do. `None` when the text ends inside it.
fn block_comment_end(b: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 0usize;
    while i < b.len() {
        if b[i..].starts_with(b"/*") {
            depth += 1;
            i += 2;
        } else if b[i..].starts_with(b"*/") {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return Some(i);
            }
        } else {
            i += 1;
        }
    }
    None
}

/// Whether the text holds nothing but whitespace and comments.
pub fn only_comments(src: &str) -> bool {
    let b = src.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_whitespace() {
            i += 1;
        } else if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            match block_comment_end(b, i) {
                Some(end) => i = end,
                None => return true,
            }
        } else {
            return false;
        }
    }
    true
}

/// One value or key as the walk finds it.
struct Found<'p> {
    path: &'p str,
    start: (usize, usize),
    end: (usize, usize),
    key: bool,
}

/// Walks every value and key, calling `visit(seq, entry)`: `seq` numbers entries in the
/// order they start; a value is visited when it ends, a key at once.
fn walk(src: &str, visit: &mut dyn FnMut(usize, Found<'_>)) {
    let mut s = Scanner {
        src,
        i: 0,
        cursor: (0, 1, 1),
        path: String::new(),
        seq: 0,
        depth: 0,
        visit,
    };
    s.skip_trivia();
    // Inner attributes such as `#![enable(implicit_some)]`.
    while s.peek() == Some('#') {
        while let Some(c) = s.bump() {
            if c == ']' {
                break;
            }
        }
        s.skip_trivia();
    }
    s.value();
}

struct Scanner<'s, 'v> {
    src: &'s str,
    /// Byte offset of the next character (always on a character boundary).
    i: usize,
    /// The last position computed: (byte, line, column), so positions cost the distance
    /// walked since, not the length of the line.
    cursor: (usize, usize, usize),
    /// The path of the value being walked.
    path: String,
    seq: usize,
    depth: usize,
    visit: &'v mut dyn FnMut(usize, Found<'_>),
}

impl Scanner<'_, '_> {
    fn peek(&self) -> Option<char> {
        self.src[self.i..].chars().next()
    }

    /// The byte `k` bytes ahead (for ASCII lookahead only).
    fn byte_at(&self, k: usize) -> Option<u8> {
        self.src.as_bytes().get(self.i + k).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek();
        if let Some(c) = c {
            self.i += c.len_utf8();
        }
        c
    }

    fn at_end(&self) -> bool {
        self.i >= self.src.len()
    }

    fn pos(&mut self) -> (usize, usize) {
        let (from, mut line, mut col) = self.cursor;
        let to = self.i;
        if to >= from {
            for c in self.src[from..to].chars() {
                if c == '\n' {
                    line += 1;
                    col = 1;
                } else {
                    col += 1;
                }
            }
        } else {
            // A step back (a tuple element that looked like a field name).
            let back = &self.src[to..from];
            let newlines = back.bytes().filter(|b| *b == b'\n').count();
            if newlines == 0 {
                col -= back.chars().count();
            } else {
                line -= newlines;
                let start = self.src[..to].rfind('\n').map_or(0, |i| i + 1);
                col = 1 + self.src[start..to].chars().count();
            }
        }
        self.cursor = (to, line, col);
        (line, col)
    }

    fn skip_trivia(&mut self) {
        loop {
            match (self.peek(), self.byte_at(1)) {
                (Some(c), _) if c.is_whitespace() => {
                    self.i += c.len_utf8();
                }
                (Some('/'), Some(b'/')) => {
                    while let Some(c) = self.bump() {
                        if c == '\n' {
                            break;
                        }
                    }
                }
                (Some('/'), Some(b'*')) => {
                    self.i += 2;
                    let mut nest = 1;
                    while nest > 0 {
                        match (self.bump(), self.peek()) {
                            (None, _) => return,
                            (Some('*'), Some('/')) => {
                                self.i += 1;
                                nest -= 1;
                            }
                            (Some('/'), Some('*')) => {
                                self.i += 1;
                                nest += 1;
                            }
                            _ => {}
                        }
                    }
                }
                _ => return,
            }
        }
    }

    /// Moves past an identifier, returning its byte range.
    fn ident(&mut self) -> (usize, usize) {
        let start = self.i;
        while let Some(c) = self.peek() {
            if c.is_alphanumeric() || c == '_' || c == '#' {
                self.i += c.len_utf8();
            } else {
                break;
            }
        }
        (start, self.i)
    }

    /// Walks a child value whose path is the current one plus `segment`.
    fn child(&mut self, segment: std::fmt::Arguments<'_>) {
        let len = self.path.len();
        std::fmt::Write::write_fmt(&mut self.path, segment).expect("writing to a String");
        self.value();
        self.path.truncate(len);
    }

    fn value(&mut self) {
        self.depth += 1;
        if self.depth > 256 {
            self.i = self.src.len();
            self.depth -= 1;
            return;
        }
        self.skip_trivia();
        let start = self.pos();
        let seq = self.seq;
        self.seq += 1;
        match self.peek() {
            Some('"') => self.string(),
            Some('r') if matches!(self.byte_at(1), Some(b'"' | b'#')) => self.raw_string(),
            Some('\'') => {
                self.i += 1;
                while let Some(c) = self.bump() {
                    match c {
                        '\\' => {
                            self.bump();
                        }
                        '\'' => break,
                        _ => {}
                    }
                }
            }
            Some('[') => {
                self.i += 1;
                let mut n = 0;
                loop {
                    self.skip_trivia();
                    match self.peek() {
                        None => break,
                        Some(']') => {
                            self.i += 1;
                            break;
                        }
                        Some(',') => {
                            self.i += 1;
                        }
                        Some(_) => {
                            let before = self.i;
                            self.child(format_args!("[{n}]"));
                            n += 1;
                            if self.i == before {
                                self.bump();
                            }
                        }
                    }
                }
            }
            Some('(') => self.group(')'),
            Some('{') => self.group('}'),
            Some(c) if c.is_alphabetic() || c == '_' => {
                self.ident();
                self.skip_trivia();
                if let Some('(') = self.peek() {
                    self.group(')');
                }
            }
            Some(_) => {
                // A number or other scalar: up to the next delimiter.
                while let Some(c) = self.peek() {
                    if matches!(c, ',' | ')' | ']' | '}') || c.is_whitespace() {
                        break;
                    }
                    self.i += c.len_utf8();
                }
            }
            None => {}
        }
        // Unterminated values run to the end of the text.
        let end = if self.at_end() {
            (usize::MAX, usize::MAX)
        } else {
            self.pos()
        };
        (self.visit)(
            seq,
            Found {
                path: &self.path,
                start,
                end,
                key: false,
            },
        );
        self.depth -= 1;
    }

    /// `( name: value, ... )`, a tuple `( value, ... )`, or a map `{ key: value }`.
    fn group(&mut self, close: char) {
        self.i += 1;
        let mut n = 0;
        loop {
            self.skip_trivia();
            match self.peek() {
                None => return,
                Some(c) if c == close => {
                    self.i += 1;
                    return;
                }
                Some(',') => {
                    self.i += 1;
                }
                Some(c) if (c.is_alphabetic() || c == '_') && close == ')' => {
                    let save = self.i;
                    let key_start = self.pos();
                    let (a, b) = self.ident();
                    self.skip_trivia();
                    if self.peek() == Some(':') {
                        self.i += 1;
                        // The key's span runs to its value, so a position reported in the
                        // gap (`at: |1`) still names the field.
                        self.skip_trivia();
                        let key_end = self.pos();
                        let len = self.path.len();
                        if len > 0 {
                            self.path.push('.');
                        }
                        self.path.push_str(&self.src[a..b]);
                        let seq = self.seq;
                        self.seq += 1;
                        (self.visit)(
                            seq,
                            Found {
                                path: &self.path,
                                start: key_start,
                                end: key_end,
                                key: true,
                            },
                        );
                        self.value();
                        self.path.truncate(len);
                    } else {
                        self.i = save;
                        self.child(format_args!(".{n}"));
                        n += 1;
                    }
                }
                Some(_) => {
                    let before = self.i;
                    self.child(format_args!(".{n}"));
                    n += 1;
                    self.skip_trivia();
                    if self.peek() == Some(':') {
                        self.i += 1;
                        self.child(format_args!(".{}", n - 1));
                    }
                    if self.i == before {
                        self.bump();
                    }
                }
            }
        }
    }

    fn string(&mut self) {
        self.i += 1;
        while let Some(c) = self.bump() {
            match c {
                '\\' => {
                    self.bump();
                }
                '"' => return,
                _ => {}
            }
        }
    }

    fn raw_string(&mut self) {
        self.i += 1;
        let mut hashes = 0;
        while self.peek() == Some('#') {
            hashes += 1;
            self.i += 1;
        }
        if self.peek() != Some('"') {
            return;
        }
        self.i += 1;
        while let Some(c) = self.bump() {
            if c == '"'
                && self.src[self.i..]
                    .bytes()
                    .take(hashes)
                    .filter(|b| *b == b'#')
                    .count()
                    == hashes
            {
                self.i += hashes;
                return;
            }
        }
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = r##"// comment
Scenario(
    name: "x", /* block /* nested */ */
    cluster: (nodes: [(name: "a", ip: "10.0.0.1/24"), (name: "b", ip: r#"10.0.0.2"#)]),
    steps: [(at: "1s", exec: (on: "node/a", cmd: "ping -c 1 10.0.0.2"))],
)"##;

    #[test]
    fn finds_paths_of_values() {
        assert_eq!(find(SRC, "name"), Some((3, 11)));
        assert_eq!(find(SRC, "cluster.nodes[1].ip"), Some((4, 71)));
        assert_eq!(find(SRC, "steps[0].exec.on"), Some((5, 35)));
        assert_eq!(find(SRC, "steps[1]"), None);
        // Columns count characters; a group of non-ASCII text is walked whole.
        let src = "(a: \"é\", b: 1, c: ['ü', (é: 2)])";
        assert_eq!(find(src, "b"), Some((1, 13)));
        assert_eq!(find(src, "c[1].é"), Some((1, 29)));
        for end in (0..=src.len()).filter(|e| src.is_char_boundary(*e)) {
            let _ = index(&src[..end]);
        }
    }

    #[test]
    fn maps_a_position_to_the_innermost_path() {
        assert_eq!(path_at(SRC, 5, 37).as_deref(), Some("steps[0].exec.on"));
        // Just after a closed value: the enclosing one.
        assert_eq!(path_at(SRC, 5, 70).as_deref(), Some("steps[0].exec"));
        // On a field's name.
        assert_eq!(path_at(SRC, 4, 5).as_deref(), Some("cluster"));
        assert_eq!(path_at(SRC, 1, 1), None);
    }

    /// An unclosed group holds every later position.
    #[test]
    fn unterminated_values_extend_to_the_end() {
        let src = "Scenario(\n  cluster: (nodes: [(name: \"a\")]\n";
        assert_eq!(path_at(src, 2, 40).as_deref(), Some("cluster"));
    }

    /// Strings, raw strings and character literals hide `/*` and `"`; nesting counts.
    #[test]
    fn finds_the_comment_the_text_ends_in() {
        assert_eq!(unclosed_comment(r##"(a: r#"/*"#, b: "\"/*")"##), None);
        assert_eq!(unclosed_comment("('\"', /* x"), Some(6));
        assert_eq!(unclosed_comment("('\\'', /* x"), Some(7));
        assert_eq!(unclosed_comment("/* a /* b */ c */ x"), None);
        assert_eq!(unclosed_comment("/* a /* b */ c"), Some(0));
        assert_eq!(unclosed_comment("x // y /* z"), None);
        assert_eq!(unclosed_comment("x // y\n"), None);
        assert!(only_comments(" // a\n/* b /* c */ */\n"));
        assert!(!only_comments("// a\nS"));
    }

    /// Columns count characters, not bytes, as RON's do.
    #[test]
    fn positions_count_characters() {
        let src = "ä\nbé c";
        for byte in (0..=src.len()).filter(|b| src.is_char_boundary(*b)) {
            let (l, c) = position(src, byte);
            assert_eq!(byte_at(src, l, c), byte);
        }
        assert_eq!(byte_at(src, 9, 1), src.len());
        let src = "ä\nbé c";
        assert_eq!(position(src, 0), (1, 1));
        assert_eq!(position(src, 3), (2, 1));
        assert_eq!(position(src, src.find('c').unwrap()), (2, 4));
        assert_eq!(position(src, src.len()), (2, 5));
        // A byte inside a character is moved back to its start.
        assert_eq!(position(src, 1), (1, 1));
    }

    #[test]
    fn never_panics_on_truncated_text() {
        for end in 0..=SRC.len() {
            if SRC.is_char_boundary(end) {
                let _ = index(&SRC[..end]);
            }
        }
    }
}
