//! `sort` and `uniq`, as GNU coreutils' `src/sort.c` and `src/uniq.c` (busybox's where they
//! differ: file errors).
//!
//! sort compares as in the C locale (bytes; `LC_ALL=C`), not a UTF-8 locale's collation
//! that ignores punctuation. Keys (`-k POS1[,POS2]` with per-key `bfhnr`), `-t SEP`, `-n`
//! (numbers compared as floating point), `-h`, `-f`, `-b`, `-r`, `-u`, `-s`; equal keys
//! fall back to comparing whole lines unless `-s` or `-u`, as GNU does. Not simulated:
//! `-o`, `-c`, `-m`, `-V`, `-R`, `-g`, `-M`.

use std::cmp::Ordering;

use super::lines::{gnu_usage, open_error};
use super::{Filter, Flow, Getopt, Lined, Lines, OpenError, Opt, Out};

/// The filter for `name`, or None if it is not one of these tools.
pub fn parse(
    name: &str,
    args: &[String],
    busybox: bool,
) -> Option<Result<Box<dyn Filter>, (String, i32)>> {
    Some(match name {
        "sort" => {
            Sort::parse(args, busybox).map(|(s, p)| Box::new(Lined::new(s, p)) as Box<dyn Filter>)
        }
        "uniq" => {
            Uniq::parse(args, busybox).map(|(u, p)| Box::new(Lined::new(u, p)) as Box<dyn Filter>)
        }
        _ => return None,
    })
}

/// How a key (or the whole line) compares.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Order {
    numeric: bool,
    human: bool,
    fold: bool,
    blanks: bool,
    reverse: bool,
}

impl Order {
    fn any(&self) -> bool {
        self.numeric || self.human || self.fold || self.blanks || self.reverse
    }

    /// Reads ordering letters (`nr` in `-k2,2nr`); false at another letter.
    fn letters(&mut self, s: &str) -> bool {
        for c in s.chars() {
            match c {
                'n' => self.numeric = true,
                'h' => self.human = true,
                'f' => self.fold = true,
                'b' => self.blanks = true,
                'r' => self.reverse = true,
                _ => return false,
            }
        }
        true
    }
}

/// `-k F1[.C1][OPTS][,F2[.C2][OPTS]]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Key {
    f1: usize,
    c1: usize,
    /// Last field (0: to the end of the line) and its last character (0: field's end).
    f2: usize,
    c2: usize,
    order: Order,
    /// Blanks skipped at the end position (`,2b`).
    end_blanks: bool,
}

#[derive(Debug)]
pub struct Sort {
    keys: Vec<Key>,
    order: Order,
    sep: Option<char>,
    unique: bool,
    stable: bool,
    busybox: bool,
    lines: Vec<String>,
}

impl Sort {
    fn parse(args: &[String], busybox: bool) -> Result<(Sort, Vec<String>), (String, i32)> {
        let mut s = Sort {
            keys: Vec::new(),
            order: Order::default(),
            sep: None,
            unique: false,
            stable: false,
            busybox,
            lines: Vec::new(),
        };
        let bad = |o: &Opt<'_>| {
            if busybox {
                super::busybox_bad_option(
                    "sort",
                    "[-nrugMcszbdfiokt] [-o FILE] [-k start[.offset][opts][,end[.offset][opts]] [-t CHAR] [FILE]...",
                    o,
                )
            } else {
                super::gnu_bad_option("sort", o)
            }
        };
        let mut g = Getopt::new(args);
        while let Some(o) = g.next() {
            match o {
                Opt::Short('n') | Opt::Long("numeric-sort", _) => s.order.numeric = true,
                Opt::Short('h') | Opt::Long("human-numeric-sort", _) => s.order.human = true,
                Opt::Short('f') | Opt::Long("ignore-case", _) => s.order.fold = true,
                Opt::Short('b') | Opt::Long("ignore-leading-blanks", _) => s.order.blanks = true,
                Opt::Short('r') | Opt::Long("reverse", _) => s.order.reverse = true,
                Opt::Short('u') | Opt::Long("unique", _) => s.unique = true,
                Opt::Short('s') | Opt::Long("stable", _) => s.stable = true,
                Opt::Short('t') | Opt::Long("field-separator", _) => {
                    let v = match o {
                        Opt::Long(_, Some(v)) => Some(v.to_string()),
                        _ => g.value(),
                    }
                    .unwrap_or_default();
                    let mut chars = v.chars();
                    match (chars.next(), chars.next()) {
                        (Some(c), None) => s.sep = Some(c),
                        _ if v == "\\0" => s.sep = Some('\0'),
                        (None, _) => return Err(("sort: empty tab".into(), 2)),
                        _ => {
                            return Err((format!("sort: multi-character tab '{v}'"), 2));
                        }
                    }
                }
                Opt::Short('k') | Opt::Long("key", _) => {
                    let v = match o {
                        Opt::Long(_, Some(v)) => Some(v.to_string()),
                        _ => g.value(),
                    }
                    .unwrap_or_default();
                    s.keys.push(parse_key(&v, busybox)?);
                }
                o @ (Opt::Short('o' | 'c' | 'C' | 'm' | 'V' | 'R' | 'g' | 'M' | 'z')
                | Opt::Long(
                    "output"
                    | "check"
                    | "merge"
                    | "version-sort"
                    | "random-sort"
                    | "general-numeric-sort"
                    | "month-sort",
                    _,
                )) => return Err(super::not_simulated("sort", &o)),
                o => return Err(bad(&o)),
            }
        }
        Ok((s, std::mem::take(&mut g.operands)))
    }

    /// The part of `line` that key `k` looks at.
    fn key_text<'l>(&self, line: &'l str, k: &Key) -> &'l str {
        // Field starts: with -t, after each separator; else each field starts with the
        // blanks before it.
        let mut starts = vec![0usize];
        let mut ends = Vec::new();
        match self.sep {
            Some(t) => {
                for (i, c) in line.char_indices() {
                    if c == t {
                        ends.push(i);
                        starts.push(i + c.len_utf8());
                    }
                }
            }
            None => {
                let b = line.as_bytes();
                let mut i = 0;
                loop {
                    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
                        i += 1;
                    }
                    while i < b.len() && b[i] != b' ' && b[i] != b'\t' {
                        i += 1;
                    }
                    if i >= b.len() {
                        break;
                    }
                    ends.push(i);
                    starts.push(i);
                }
            }
        }
        ends.push(line.len());
        let skip_blanks = |s: &str, from: usize| {
            from + s[from..].len() - s[from..].trim_start_matches([' ', '\t']).len()
        };
        let begin = match starts.get(k.f1 - 1) {
            None => line.len(),
            Some(&st) => {
                let st = if k.order.blanks || (!k.order.any() && self.order.blanks) {
                    skip_blanks(line, st)
                } else {
                    st
                };
                let mut at = st;
                for _ in 1..k.c1 {
                    match line[at..].chars().next() {
                        Some(c) if at < ends[k.f1 - 1].max(st) => at += c.len_utf8(),
                        _ => break,
                    }
                }
                at.min(line.len())
            }
        };
        let end = if k.f2 == 0 {
            line.len()
        } else {
            match starts.get(k.f2 - 1) {
                None => line.len(),
                Some(&st) => {
                    if k.c2 == 0 {
                        ends[k.f2 - 1]
                    } else {
                        let st = if k.end_blanks {
                            skip_blanks(line, st)
                        } else {
                            st
                        };
                        let mut at = st;
                        for _ in 0..k.c2 {
                            match line[at..].chars().next() {
                                Some(c) => at += c.len_utf8(),
                                None => break,
                            }
                        }
                        at.min(ends[k.f2 - 1].max(st))
                    }
                }
            }
        };
        if end <= begin { "" } else { &line[begin..end] }
    }

    fn compare(&self, a: &str, b: &str) -> Ordering {
        if self.keys.is_empty() {
            let o = compare_by(a, b, &self.order);
            if o != Ordering::Equal || self.unique || self.stable {
                return o;
            }
        } else {
            for k in &self.keys {
                let order = if k.order.any() { k.order } else { self.order };
                let o = compare_by(self.key_text(a, k), self.key_text(b, k), &order);
                if o != Ordering::Equal {
                    return o;
                }
            }
            if self.unique || self.stable {
                return Ordering::Equal;
            }
        }
        // The last resort: whole lines as bytes, reversed with -r.
        let o = a.as_bytes().cmp(b.as_bytes());
        if self.order.reverse { o.reverse() } else { o }
    }
}

fn parse_key(v: &str, busybox: bool) -> Result<Key, (String, i32)> {
    let invalid = |why: &str| {
        if busybox {
            ("sort: bad field specification".to_string(), 1)
        } else {
            (format!("sort: {why} '{v}'"), 2)
        }
    };
    let (start, end) = match v.split_once(',') {
        Some((s, e)) => (s, Some(e)),
        None => (v, None),
    };
    // POS: digits, optional .digits, then ordering letters.
    let pos = |p: &str| -> Option<(usize, usize, Order, bool)> {
        let fd = p.find(|c: char| !c.is_ascii_digit()).unwrap_or(p.len());
        let f: usize = p[..fd].parse().ok()?;
        let mut rest = &p[fd..];
        let mut c = 0;
        if let Some(r) = rest.strip_prefix('.') {
            let cd = r.find(|c: char| !c.is_ascii_digit()).unwrap_or(r.len());
            c = r[..cd].parse().ok()?;
            rest = &r[cd..];
        }
        let mut order = Order::default();
        if !order.letters(rest) {
            return None;
        }
        Some((f, c, order, order.blanks))
    };
    let Some((f1, c1, mut order, _)) = pos(start) else {
        return Err(invalid(
            "invalid number at field start: invalid count at start of",
        ));
    };
    if f1 == 0 {
        return Err(if busybox {
            invalid("")
        } else {
            (
                format!("sort: field number is zero: invalid field specification '{v}'"),
                2,
            )
        });
    }
    let (mut f2, mut c2, mut end_blanks) = (0, 0, false);
    if let Some(e) = end {
        let Some((f, c, o, b)) = pos(e) else {
            return Err(invalid(
                "invalid number after ',': invalid count at start of",
            ));
        };
        f2 = f;
        c2 = c;
        end_blanks = b;
        order.numeric |= o.numeric;
        order.human |= o.human;
        order.fold |= o.fold;
        order.reverse |= o.reverse;
    }
    Ok(Key {
        f1,
        c1: c1.max(1),
        f2,
        c2,
        order,
        end_blanks,
    })
}

/// A number's value from the start of `s` (blanks, sign, digits, a decimal point); 0 if
/// none, as GNU's -n.
fn number(s: &str) -> f64 {
    let t = s.trim_start_matches([' ', '\t']);
    let mut end = 0;
    let b = t.as_bytes();
    if b.first() == Some(&b'-') {
        end = 1;
    }
    let digits_from = end;
    while end < b.len() && b[end].is_ascii_digit() {
        end += 1;
    }
    if end < b.len() && b[end] == b'.' {
        end += 1;
        while end < b.len() && b[end].is_ascii_digit() {
            end += 1;
        }
    }
    if end == digits_from {
        return 0.0;
    }
    t[..end].parse().unwrap_or(0.0)
}

/// -h: the sign, the SI suffix's rank, then the number (`2K` after `1000`).
fn human(s: &str) -> (i8, u8, f64) {
    let v = number(s);
    let t = s.trim_start_matches([' ', '\t']);
    let num_len = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .unwrap_or(t.len());
    let rank = match t[num_len..].chars().next() {
        Some('k' | 'K') => 1,
        Some('M') => 2,
        Some('G') => 3,
        Some('T') => 4,
        Some('P') => 5,
        Some('E') => 6,
        Some('Z') => 7,
        Some('Y') => 8,
        _ => 0,
    };
    let sign = if v < 0.0 {
        -1
    } else if v > 0.0 {
        1
    } else {
        0
    };
    (sign, rank, v)
}

fn compare_by(a: &str, b: &str, o: &Order) -> Ordering {
    let (a, b) = if o.blanks {
        (
            a.trim_start_matches([' ', '\t']),
            b.trim_start_matches([' ', '\t']),
        )
    } else {
        (a, b)
    };
    let r = if o.human {
        let (ha, hb) = (human(a), human(b));
        ha.0.cmp(&hb.0)
            .then_with(|| {
                let r = ha.1.cmp(&hb.1);
                if ha.0 < 0 { r.reverse() } else { r }
            })
            .then_with(|| ha.2.total_cmp(&hb.2))
    } else if o.numeric {
        number(a).total_cmp(&number(b))
    } else if o.fold {
        let up = |s: &str| s.to_ascii_uppercase().into_bytes();
        up(a).cmp(&up(b))
    } else {
        a.as_bytes().cmp(b.as_bytes())
    };
    // -0 and 0 are one number.
    let r = if (o.numeric || o.human) && number(a) == 0.0 && number(b) == 0.0 {
        Ordering::Equal
    } else {
        r
    };
    if o.reverse { r.reverse() } else { r }
}

impl Lines for Sort {
    fn line(&mut self, line: &str, _out: &mut Out) -> Flow {
        self.lines
            .push(line.strip_suffix('\n').unwrap_or(line).to_string());
        Flow::Go
    }

    fn finish(&mut self, failed: bool, out: &mut Out) -> i32 {
        let mut lines = std::mem::take(&mut self.lines);
        lines.sort_by(|a, b| self.compare(a, b));
        let mut last: Option<&String> = None;
        for l in &lines {
            if self.unique
                && let Some(p) = last
                && self.compare(p, l) == Ordering::Equal
            {
                continue;
            }
            out.stdout.push_str(l);
            out.stdout.push('\n');
            last = Some(l);
        }
        match (failed, self.busybox) {
            (false, _) => 0,
            (true, true) => 1,
            (true, false) => 2,
        }
    }

    fn cannot_open(&self, path: &str, err: OpenError) -> (String, Option<i32>) {
        (
            open_error("sort", path, err, self.busybox),
            Some(if self.busybox { 1 } else { 2 }),
        )
    }
}

/// `uniq [-c] [-d] [-u] [-i] [-f N] [-s N] [-w N] [INPUT]`.
#[derive(Debug)]
pub struct Uniq {
    count: bool,
    repeated: bool,
    unique: bool,
    fold: bool,
    skip_fields: usize,
    skip_chars: usize,
    check_chars: Option<usize>,
    busybox: bool,
    prev: Option<String>,
    n: u64,
}

impl Uniq {
    fn parse(args: &[String], busybox: bool) -> Result<(Uniq, Vec<String>), (String, i32)> {
        let mut u = Uniq {
            count: false,
            repeated: false,
            unique: false,
            fold: false,
            skip_fields: 0,
            skip_chars: 0,
            check_chars: None,
            busybox,
            prev: None,
            n: 0,
        };
        let num = |g: &mut Getopt<'_>, o: &Opt<'_>, what: &str| -> Result<usize, (String, i32)> {
            let v = match o {
                Opt::Long(_, Some(v)) => Some(v.to_string()),
                _ => g.value(),
            }
            .unwrap_or_default();
            v.parse::<usize>().map_err(|_| {
                if busybox {
                    (format!("uniq: invalid number '{v}'"), 1)
                } else {
                    (format!("uniq: {v}: invalid number of {what}"), 1)
                }
            })
        };
        let mut g = Getopt::new(args);
        while let Some(o) = g.next() {
            match o {
                Opt::Short('c') | Opt::Long("count", _) => u.count = true,
                Opt::Short('d') | Opt::Long("repeated", _) => u.repeated = true,
                Opt::Short('u') | Opt::Long("unique", _) => u.unique = true,
                Opt::Short('i') | Opt::Long("ignore-case", _) => u.fold = true,
                Opt::Short('f') | Opt::Long("skip-fields", _) => {
                    u.skip_fields = num(&mut g, &o, "fields to skip")?
                }
                Opt::Short('s') | Opt::Long("skip-chars", _) => {
                    u.skip_chars = num(&mut g, &o, "bytes to skip")?
                }
                Opt::Short('w') | Opt::Long("check-chars", _) => {
                    u.check_chars = Some(num(&mut g, &o, "bytes to compare")?)
                }
                o if busybox => {
                    return Err(super::busybox_bad_option(
                        "uniq",
                        "[-cdu][-f,s,w N] [INPUT [OUTPUT]]",
                        &o,
                    ));
                }
                o => return Err(super::gnu_bad_option("uniq", &o)),
            }
        }
        let ops = std::mem::take(&mut g.operands);
        match ops.len() {
            0 | 1 => Ok((u, ops)),
            2 => Err((
                "uniq: writing to an OUTPUT file is not simulated yet (use > FILE)".into(),
                2,
            )),
            _ => Err(gnu_usage("uniq", &format!("extra operand '{}'", ops[2]))),
        }
    }

    /// The part of a line compared.
    fn key(&self, line: &str) -> String {
        let mut s = line;
        for _ in 0..self.skip_fields {
            s = s.trim_start_matches([' ', '\t']);
            s = s.trim_start_matches(|c| c != ' ' && c != '\t');
        }
        let s: String = s.chars().skip(self.skip_chars).collect();
        let s: String = match self.check_chars {
            Some(n) => s.chars().take(n).collect(),
            None => s,
        };
        if self.fold { s.to_lowercase() } else { s }
    }

    fn emit(&self, out: &mut Out) {
        let Some(p) = &self.prev else { return };
        if (self.repeated && self.n < 2) || (self.unique && self.n > 1) {
            return;
        }
        if self.count {
            out.stdout.push_str(&format!("{:>7} ", self.n));
        }
        out.stdout.push_str(p);
        out.stdout.push('\n');
    }
}

impl Lines for Uniq {
    fn line(&mut self, line: &str, out: &mut Out) -> Flow {
        let line = line.strip_suffix('\n').unwrap_or(line);
        match &self.prev {
            Some(p) if self.key(p) == self.key(line) => self.n += 1,
            _ => {
                self.emit(out);
                self.prev = Some(line.to_string());
                self.n = 1;
            }
        }
        Flow::Go
    }

    fn finish(&mut self, failed: bool, out: &mut Out) -> i32 {
        self.emit(out);
        self.prev = None;
        i32::from(failed)
    }

    fn cannot_open(&self, path: &str, err: OpenError) -> (String, Option<i32>) {
        (open_error("uniq", path, err, self.busybox), Some(1))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{check, check_with};
    use std::collections::BTreeMap;

    fn out(cmd: &str, input: &str) -> String {
        check(cmd, input).0
    }

    #[test]
    fn sort_orders_like_gnu_in_the_c_locale() {
        assert_eq!(out("sort", "b\na\nB\n_\n"), "B\n_\na\nb\n");
        assert_eq!(out("sort -r", "b\na\nc\n"), "c\nb\na\n");
        assert_eq!(out("sort -f", "b\nA\na\n"), "A\na\nb\n");
        assert_eq!(out("sort -n", "10\n9\n-1\nx\n1.5\n"), "-1\nx\n1.5\n9\n10\n");
        assert_eq!(out("sort -nr", "10\n9\n100\n"), "100\n10\n9\n");
        assert_eq!(out("sort -u", "b\na\nb\n"), "a\nb\n");
        assert_eq!(out("sort -h", "1K\n900\n2M\n1.5K\n"), "900\n1K\n1.5K\n2M\n");
        // A line without a newline gets one.
        assert_eq!(out("sort", "b\na"), "a\nb\n");
    }

    /// Keys: `-k2` runs to the end of the line, `-k2,2` is one field; without -t a field
    /// starts with the blanks before it (so `-b` matters); ties fall back to whole lines.
    #[test]
    fn sort_keys() {
        let t = "a 3\nb 10\nc 2\n";
        assert_eq!(out("sort -k2 -n", t), "c 2\na 3\nb 10\n");
        assert_eq!(out("sort -k2,2nr", t), "b 10\na 3\nc 2\n");
        assert_eq!(out("sort -k 2", t), "b 10\nc 2\na 3\n");
        assert_eq!(out("sort -t: -k3 -n", "x:y:20\nz:w:3\n"), "z:w:3\nx:y:20\n");
        assert_eq!(out("sort -t: -k2,2 -u", "1:a\n2:a\n3:b\n"), "1:a\n3:b\n");
        assert_eq!(out("sort -k1.2", "ab\nba\n"), "ba\nab\n");
        // uniq -c | sort -rn: the commonest first (counts are padded: numbers still sort).
        assert_eq!(
            out("sort -rn", "      1 KUBE-SEP-B\n      3 KUBE-SEP-A\n"),
            "      3 KUBE-SEP-A\n      1 KUBE-SEP-B\n"
        );
        assert_eq!(
            check("sort -k 0", ""),
            (
                String::new(),
                "sort: field number is zero: invalid field specification '0'\n".into(),
                2
            )
        );
        assert_eq!(check("sort -o x", "").1, "sort: -o is not simulated yet\n");
        let mut files = BTreeMap::new();
        files.insert("/f".to_string(), "b\na\n".to_string());
        assert_eq!(
            check_with("sort /f /nope", "", false, &mut files),
            (
                String::new(),
                "sort: open failed: /nope: No such file or directory\n".into(),
                2
            )
        );
        assert_eq!(check_with("sort /f", "", false, &mut files).0, "a\nb\n");
        assert_eq!(
            check_with("sort /nope", "", true, &mut files),
            (
                String::new(),
                "sort: can't open '/nope': No such file or directory\n".into(),
                1
            )
        );
    }

    #[test]
    fn uniq_counts_and_selects_runs() {
        let t = "a\na\nb\nc\nc\nc\na\n";
        assert_eq!(out("uniq", t), "a\nb\nc\na\n");
        assert_eq!(
            out("uniq -c", t),
            "      2 a\n      1 b\n      3 c\n      1 a\n"
        );
        assert_eq!(out("uniq -d", t), "a\nc\n");
        assert_eq!(out("uniq -u", t), "b\na\n");
        assert_eq!(out("uniq -i", "A\na\n"), "A\n");
        assert_eq!(out("uniq -f1", "1 x\n2 x\n3 y\n"), "1 x\n3 y\n");
        assert_eq!(out("uniq -s1", "1x\n2x\n"), "1x\n");
        assert_eq!(out("uniq", "a\na"), "a\n");
    }
}
