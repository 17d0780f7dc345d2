//! Finds where a field path is in RON text, and which field path a position is in.
//!
//! serde gives no positions for values, so after parsing, validation errors would have a
//! path (`steps[2].exec.on`) but no line. This is a small, forgiving RON scanner that
//! records the start of every value with its path. It never fails: on text it cannot
//! follow it returns what it found so far.

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

/// Every value and field key with its path, in text order of their starts.
pub fn index(src: &str) -> Vec<Entry> {
    let mut s = Scanner {
        chars: src.char_indices().collect(),
        i: 0,
        line_starts: std::iter::once(0)
            .chain(src.match_indices('\n').map(|(i, _)| i + 1))
            .collect(),
        out: Vec::new(),
        depth: 0,
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
    s.value(String::new());
    s.out
}

/// Position of the value at `path`, if the scanner found it.
pub fn find(src: &str, path: &str) -> Option<(usize, usize)> {
    find_in(&index(src), path)
}

/// Like [`find`], over an index already made.
pub fn find_in(index: &[Entry], path: &str) -> Option<(usize, usize)> {
    index
        .iter()
        .find(|e| !e.key && e.path == path)
        .map(|e| e.start)
}

/// The path of the innermost value or key whose span holds (line, col).
pub fn path_at(src: &str, line: usize, col: usize) -> Option<String> {
    let pos = (line, col);
    index(src)
        .into_iter()
        .rfind(|e| e.start <= pos && (pos < e.end || e.key && pos == e.start))
        .map(|e| e.path)
        .filter(|p| !p.is_empty())
}

struct Scanner {
    chars: Vec<(usize, char)>,
    i: usize,
    line_starts: Vec<usize>,
    out: Vec<Entry>,
    depth: usize,
}

impl Scanner {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.i).map(|(_, c)| *c)
    }

    fn peek_at(&self, k: usize) -> Option<char> {
        self.chars.get(self.i + k).map(|(_, c)| *c)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek();
        if c.is_some() {
            self.i += 1;
        }
        c
    }

    fn pos(&self) -> (usize, usize) {
        let byte = self.chars.get(self.i).map_or_else(
            || self.chars.last().map_or(0, |(b, c)| b + c.len_utf8()),
            |(b, _)| *b,
        );
        let line = self.line_starts.partition_point(|s| *s <= byte);
        let start = self.line_starts[line - 1];
        // Columns count characters, as RON's do: characters from the line's first to here.
        let first = self.chars.partition_point(|(b, _)| *b < start);
        (line, self.i - first + 1)
    }

    fn skip_trivia(&mut self) {
        loop {
            match (self.peek(), self.peek_at(1)) {
                (Some(c), _) if c.is_whitespace() => {
                    self.i += 1;
                }
                (Some('/'), Some('/')) => {
                    while let Some(c) = self.bump() {
                        if c == '\n' {
                            break;
                        }
                    }
                }
                (Some('/'), Some('*')) => {
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

    fn ident(&mut self) -> String {
        let mut s = String::new();
        while let Some(c) = self.peek() {
            if c.is_alphanumeric() || c == '_' || c == '#' {
                s.push(c);
                self.i += 1;
            } else {
                break;
            }
        }
        s
    }

    fn value(&mut self, path: String) {
        self.depth += 1;
        if self.depth > 256 {
            self.i = self.chars.len();
            return;
        }
        self.skip_trivia();
        let start = self.pos();
        let slot = self.out.len();
        self.out.push(Entry {
            path: path.clone(),
            start,
            end: start,
            key: false,
        });
        match self.peek() {
            Some('"') => self.string(),
            Some('r') if matches!(self.peek_at(1), Some('"' | '#')) => self.raw_string(),
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
                            self.value(format!("{path}[{n}]"));
                            n += 1;
                            if self.i == before {
                                self.i += 1;
                            }
                        }
                    }
                }
            }
            Some('(') => self.group(&path, ')'),
            Some('{') => self.group(&path, '}'),
            Some(c) if c.is_alphabetic() || c == '_' => {
                self.ident();
                self.skip_trivia();
                if let Some('(') = self.peek() {
                    self.group(&path, ')');
                }
            }
            Some(_) => {
                // A number or other scalar: up to the next delimiter.
                while let Some(c) = self.peek() {
                    if matches!(c, ',' | ')' | ']' | '}') || c.is_whitespace() {
                        break;
                    }
                    self.i += 1;
                }
            }
            None => {}
        }
        // Unterminated values run to the end of the text.
        self.out[slot].end = self.pos();
        if self.i >= self.chars.len() {
            self.out[slot].end = (usize::MAX, usize::MAX);
        }
        self.depth -= 1;
    }

    /// `( name: value, ... )`, a tuple `( value, ... )`, or a map `{ key: value }`.
    fn group(&mut self, path: &str, close: char) {
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
                    let name = self.ident();
                    self.skip_trivia();
                    if self.peek() == Some(':') {
                        self.i += 1;
                        // The key's span runs to its value, so a position reported in the
                        // gap (`at: |1`) still names the field.
                        self.skip_trivia();
                        let key_end = self.pos();
                        let child = if path.is_empty() {
                            name
                        } else {
                            format!("{path}.{name}")
                        };
                        self.out.push(Entry {
                            path: child.clone(),
                            start: key_start,
                            end: key_end,
                            key: true,
                        });
                        self.value(child);
                    } else {
                        self.i = save;
                        self.value(format!("{path}.{n}"));
                        n += 1;
                    }
                }
                Some(_) => {
                    let before = self.i;
                    self.value(format!("{path}.{n}"));
                    n += 1;
                    self.skip_trivia();
                    if self.peek() == Some(':') {
                        self.i += 1;
                        self.value(format!("{path}.{}", n - 1));
                    }
                    if self.i == before {
                        self.i += 1;
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
            if c == '"' && (0..hashes).all(|k| self.peek_at(k) == Some('#')) {
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

    #[test]
    fn never_panics_on_truncated_text() {
        for end in 0..=SRC.len() {
            if SRC.is_char_boundary(end) {
                let _ = index(&SRC[..end]);
            }
        }
    }
}
