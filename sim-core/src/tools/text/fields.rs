//! `cut` and `tr`, as GNU coreutils' `src/cut.c` (with `src/set-fields.c`) and `src/tr.c`.
//!
//! cut's `-b` counts characters as `-c` does (the simulated files are text). tr works on
//! characters; its `[c*n]` repeats and `[=c=]` equivalence classes are not simulated.

use super::lines::{gnu_usage, open_error};
use super::{Filter, Flow, Getopt, Lined, Lines, OpenError, Opt, Out};

/// The filter for `name`, or None if it is not one of these tools.
pub fn parse(
    name: &str,
    args: &[String],
    busybox: bool,
) -> Option<Result<Box<dyn Filter>, (String, i32)>> {
    Some(match name {
        "cut" => {
            Cut::parse(args, busybox).map(|(c, p)| Box::new(Lined::new(c, p)) as Box<dyn Filter>)
        }
        "tr" => {
            Tr::parse(args, busybox).map(|t| Box::new(Lined::new(t, Vec::new())) as Box<dyn Filter>)
        }
        _ => return None,
    })
}

/// A cut LIST: inclusive 1-based ranges, the last possibly open.
#[derive(Clone, Debug, PartialEq, Eq)]
struct List(Vec<(usize, usize)>);

impl List {
    fn parse(s: &str, fields: bool) -> Result<List, String> {
        let what = if fields {
            "fields are numbered from 1"
        } else {
            "byte/character positions are numbered from 1"
        };
        let bad_range = if fields {
            "invalid field range"
        } else {
            "invalid byte or character range"
        };
        let mut ranges = Vec::new();
        for part in s.split([',', ' ']) {
            let num = |t: &str| -> Result<usize, String> {
                match t.parse::<usize>() {
                    Ok(0) => Err(what.to_string()),
                    Ok(n) => Ok(n),
                    Err(_) => Err(format!(
                        "invalid {} value '{t}'",
                        if fields {
                            "field"
                        } else {
                            "byte/character position"
                        }
                    )),
                }
            };
            let r = match part.split_once('-') {
                None if part.is_empty() => return Err(what.to_string()),
                None => {
                    let n = num(part)?;
                    (n, n)
                }
                Some(("", "")) => return Err(format!("invalid range with no endpoint: -")),
                Some(("", b)) => (1, num(b)?),
                Some((a, "")) => (num(a)?, usize::MAX),
                Some((a, b)) => {
                    let (a, b) = (num(a)?, num(b)?);
                    if b < a {
                        return Err(format!("{bad_range}"));
                    }
                    (a, b)
                }
            };
            ranges.push(r);
        }
        Ok(List(ranges))
    }

    fn has(&self, i: usize) -> bool {
        self.0.iter().any(|&(a, b)| a <= i && i <= b)
    }
}

/// `cut -f LIST [-d DELIM] [-s] | -c LIST | -b LIST [--complement]
/// [--output-delimiter=S] [FILE]...`.
#[derive(Debug)]
pub struct Cut {
    list: List,
    fields: bool,
    delim: char,
    only_delimited: bool,
    complement: bool,
    out_delim: Option<String>,
    busybox: bool,
}

impl Cut {
    fn parse(args: &[String], busybox: bool) -> Result<(Cut, Vec<String>), (String, i32)> {
        let usage = |m: &str| gnu_usage("cut", m);
        let mut list: Option<(String, bool)> = None;
        let (mut delim, mut only, mut complement, mut out_delim) = (None, false, false, None);
        let mut g = Getopt::new(args);
        while let Some(o) = g.next() {
            let value = |g: &mut Getopt<'_>| match &o {
                Opt::Long(_, Some(v)) => Some(v.to_string()),
                _ => g.value(),
            };
            match o {
                Opt::Short('f' | 'c' | 'b') | Opt::Long("fields" | "characters" | "bytes", _) => {
                    let fields = matches!(o, Opt::Short('f') | Opt::Long("fields", _));
                    if list.is_some() {
                        return Err(usage("only one list may be specified"));
                    }
                    let Some(v) = value(&mut g) else {
                        return Err(usage("option requires an argument"));
                    };
                    list = Some((v, fields));
                }
                Opt::Short('d') | Opt::Long("delimiter", _) => {
                    let v = value(&mut g).unwrap_or_default();
                    let mut cs = v.chars();
                    delim = match (cs.next(), cs.next()) {
                        (Some(c), None) => Some(c),
                        (None, _) => Some('\0'),
                        _ => return Err(usage("the delimiter must be a single character")),
                    };
                }
                Opt::Short('s') | Opt::Long("only-delimited", _) => only = true,
                Opt::Long("complement", _) => complement = true,
                Opt::Long("output-delimiter", _) => out_delim = value(&mut g),
                Opt::Short('n') => {}
                o if busybox => {
                    return Err(super::busybox_bad_option("cut", "[OPTIONS] [FILE]...", &o));
                }
                o => return Err(super::gnu_bad_option("cut", &o)),
            }
        }
        let Some((spec, fields)) = list else {
            return Err(usage(
                "you must specify a list of bytes, characters, or fields",
            ));
        };
        if !fields && delim.is_some() {
            return Err(usage(
                "an input delimiter makes sense\n\tonly when operating on fields",
            ));
        }
        if !fields && only {
            return Err(usage(
                "suppressing non-delimited lines makes sense\n\tonly when operating on fields",
            ));
        }
        let list = List::parse(&spec, fields)
            .map(|l| l)
            .map_err(|m| usage(&m))?;
        let cut = Cut {
            list,
            fields,
            delim: delim.unwrap_or('\t'),
            only_delimited: only,
            complement,
            out_delim,
            busybox,
        };
        Ok((cut, std::mem::take(&mut g.operands)))
    }
}

impl Lines for Cut {
    fn line(&mut self, line: &str, out: &mut Out) -> Flow {
        let body = line.strip_suffix('\n').unwrap_or(line);
        let keep = |i: usize| self.list.has(i) != self.complement;
        if self.fields {
            if !body.contains(self.delim) {
                if !self.only_delimited {
                    out.stdout.push_str(body);
                    out.stdout.push('\n');
                }
                return Flow::Go;
            }
            let sep = self
                .out_delim
                .clone()
                .unwrap_or_else(|| self.delim.to_string());
            let picked: Vec<&str> = body
                .split(self.delim)
                .enumerate()
                .filter(|(i, _)| keep(i + 1))
                .map(|(_, f)| f)
                .collect();
            out.stdout.push_str(&picked.join(&sep));
        } else {
            let mut last = None;
            for (i, c) in body.chars().enumerate() {
                if keep(i + 1) {
                    // --output-delimiter between non-adjacent ranges.
                    if let (Some(d), Some(l)) = (&self.out_delim, last)
                        && l + 1 != i
                    {
                        out.stdout.push_str(d);
                    }
                    out.stdout.push(c);
                    last = Some(i);
                }
            }
        }
        out.stdout.push('\n');
        Flow::Go
    }

    fn finish(&mut self, failed: bool, _out: &mut Out) -> i32 {
        i32::from(failed)
    }

    fn cannot_open(&self, path: &str, err: OpenError) -> (String, Option<i32>) {
        (open_error("cut", path, err, self.busybox), None)
    }
}

/// `tr [-c] [-d] [-s] SET1 [SET2]`: characters translated, deleted or squeezed.
#[derive(Debug)]
pub struct Tr {
    complement: bool,
    delete: bool,
    squeeze: bool,
    set1: Vec<char>,
    set2: Vec<char>,
    last: Option<char>,
}

/// A SET as tr reads it: escapes, ranges, classes.
fn expand(set: &str) -> Result<Vec<char>, String> {
    let chars: Vec<char> = set.chars().collect();
    // First the escapes, keeping which characters were escaped (not range dashes).
    let mut items: Vec<(char, bool)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\\' && i + 1 < chars.len() {
            let n = chars[i + 1];
            i += 2;
            let c = match n {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                'a' => '\x07',
                'b' => '\x08',
                'f' => '\x0c',
                'v' => '\x0b',
                '0'..='7' => {
                    let mut v = n.to_digit(8).expect("octal");
                    let mut k = 0;
                    while k < 2 && i < chars.len() && chars[i].is_digit(8) {
                        v = v * 8 + chars[i].to_digit(8).expect("octal");
                        i += 1;
                        k += 1;
                    }
                    char::from_u32(v).unwrap_or('\0')
                }
                other => other,
            };
            items.push((c, true));
        } else {
            items.push((chars[i], false));
            i += 1;
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < items.len() {
        let (c, esc) = items[i];
        if c == '[' && !esc && items.get(i + 1).map(|x| x.0) == Some(':') {
            let rest: String = items[i + 2..].iter().map(|x| x.0).collect();
            if let Some(end) = rest.find(":]") {
                let name = &rest[..end];
                let range = |a: u8, b: u8| (a..=b).map(char::from).collect::<Vec<_>>();
                let class: Vec<char> = match name {
                    "upper" => range(b'A', b'Z'),
                    "lower" => range(b'a', b'z'),
                    "digit" => range(b'0', b'9'),
                    "alpha" => [range(b'A', b'Z'), range(b'a', b'z')].concat(),
                    "alnum" => [range(b'0', b'9'), range(b'A', b'Z'), range(b'a', b'z')].concat(),
                    "xdigit" => [range(b'0', b'9'), range(b'A', b'F'), range(b'a', b'f')].concat(),
                    "space" => vec!['\t', '\n', '\x0b', '\x0c', '\r', ' '],
                    "blank" => vec!['\t', ' '],
                    "punct" => (33u8..127)
                        .map(char::from)
                        .filter(|c| c.is_ascii_punctuation())
                        .collect(),
                    "cntrl" => (0u8..32).chain([127]).map(char::from).collect(),
                    "print" => (32u8..127).map(char::from).collect(),
                    "graph" => (33u8..127).map(char::from).collect(),
                    _ => return Err(format!("invalid character class '{name}'")),
                };
                out.extend(class);
                i += 2 + name.chars().count() + 2;
                continue;
            }
        }
        if c == '[' && !esc && items.get(i + 1).map(|x| x.0) == Some('=') {
            return Err("[=c=] equivalence classes are not simulated yet".into());
        }
        if let (Some(&('-', false)), Some(&(hi, _))) = (items.get(i + 1), items.get(i + 2)) {
            if hi < c {
                return Err(format!(
                    "range-endpoints of '{c}-{hi}' are in reverse collating sequence order"
                ));
            }
            out.extend(c..=hi);
            i += 3;
            continue;
        }
        out.push(c);
        i += 1;
    }
    Ok(out)
}

impl Tr {
    fn parse(args: &[String], busybox: bool) -> Result<Tr, (String, i32)> {
        let (mut complement, mut delete, mut squeeze) = (false, false, false);
        let mut g = Getopt::new(args);
        while let Some(o) = g.next() {
            match o {
                Opt::Short('c' | 'C') | Opt::Long("complement", _) => complement = true,
                Opt::Short('d') | Opt::Long("delete", _) => delete = true,
                Opt::Short('s') | Opt::Long("squeeze-repeats", _) => squeeze = true,
                Opt::Short('t') | Opt::Long("truncate-set1", _) => {}
                o if busybox => {
                    return Err(super::busybox_bad_option(
                        "tr",
                        "[-cds] STRING1 [STRING2]",
                        &o,
                    ));
                }
                o => return Err(super::gnu_bad_option("tr", &o)),
            }
        }
        let ops = std::mem::take(&mut g.operands);
        let two = !delete && !squeeze || (delete && squeeze);
        if ops.is_empty() {
            return Err(gnu_usage("tr", "missing operand"));
        }
        if two && ops.len() == 1 && !(squeeze && !delete) {
            let why = if delete {
                "Two strings must be given when both deleting and squeezing repeats."
            } else {
                "Two strings must be given when translating."
            };
            return Err(gnu_usage(
                "tr",
                &format!("missing operand after '{}'\n{why}", ops[0]),
            ));
        }
        let max = if delete && !squeeze { 1 } else { 2 };
        if ops.len() > max {
            let mut msg = format!("extra operand '{}'", ops[max]);
            if max == 1 {
                msg.push_str(
                    "\nOnly one string may be given when deleting without squeezing repeated characters.",
                );
            }
            return Err(gnu_usage("tr", &msg));
        }
        let fail = |m: String| (format!("tr: {m}"), 1);
        let set1 = expand(&ops[0]).map_err(fail)?;
        let set2 = match ops.get(1) {
            Some(s) => expand(s).map_err(fail)?,
            None => Vec::new(),
        };
        if !delete && ops.len() == 2 && set2.is_empty() && !set1.is_empty() {
            return Err(fail(
                "when not truncating set1, string2 must be non-empty".into(),
            ));
        }
        Ok(Tr {
            complement,
            delete,
            squeeze,
            set1,
            set2,
            last: None,
        })
    }

    fn in_set1(&self, c: char) -> bool {
        self.set1.contains(&c) != self.complement
    }

    /// What `c` becomes when translating.
    fn map(&self, c: char) -> char {
        if self.set2.is_empty() || !self.in_set1(c) {
            return c;
        }
        if self.complement {
            return *self.set2.last().expect("non-empty");
        }
        // The last occurrence in SET1 wins; SET2 is padded with its last character.
        let i = self.set1.iter().rposition(|&x| x == c).expect("in set1");
        *self
            .set2
            .get(i)
            .unwrap_or_else(|| self.set2.last().expect("non-empty"))
    }
}

impl Lines for Tr {
    fn line(&mut self, line: &str, out: &mut Out) -> Flow {
        // Squeezing looks at SET2 when translating, else at SET1.
        let translating = !self.delete && !self.set2.is_empty();
        for c in line.chars() {
            if self.delete && self.in_set1(c) {
                continue;
            }
            let d = if translating { self.map(c) } else { c };
            if self.squeeze {
                let squeezable = if translating || self.delete {
                    self.set2.contains(&d)
                } else {
                    self.in_set1(d)
                };
                if squeezable && self.last == Some(d) {
                    continue;
                }
            }
            self.last = Some(d);
            out.stdout.push(d);
        }
        Flow::Go
    }

    fn finish(&mut self, _failed: bool, _out: &mut Out) -> i32 {
        0
    }

    fn cannot_open(&self, _path: &str, _err: OpenError) -> (String, Option<i32>) {
        unreachable!("tr reads no FILEs")
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
    fn cut_fields_and_characters() {
        let passwd = "root:x:0:0:root:/root:/bin/bash\nno-colon\n";
        assert_eq!(out("cut -d: -f1", passwd), "root\nno-colon\n");
        assert_eq!(out("cut -d: -f1,3", passwd), "root:0\nno-colon\n");
        assert_eq!(out("cut -d: -f 6-", passwd), "/root:/bin/bash\nno-colon\n");
        assert_eq!(out("cut -d: -f-2 -s", passwd), "root:x\n");
        assert_eq!(out("cut -d ' ' -f2", "a b c\n"), "b\n");
        assert_eq!(out("cut -f2", "a\tb\n"), "b\n");
        assert_eq!(out("cut -c1-3", "abcdef\n"), "abc\n");
        assert_eq!(out("cut -c2,4", "abcdef\n"), "bd\n");
        assert_eq!(out("cut -d: -f1 --complement", "a:b:c\n"), "b:c\n");
        assert_eq!(
            out("cut -d: -f1,3 --output-delimiter=' '", "a:b:c\n"),
            "a c\n"
        );
        assert_eq!(
            check("cut", ""),
            (
                String::new(),
                "cut: you must specify a list of bytes, characters, or fields\nTry 'cut --help' for more information.\n".into(),
                1
            )
        );
        assert_eq!(
            check("cut -f0", "").1,
            "cut: fields are numbered from 1\nTry 'cut --help' for more information.\n"
        );
        assert_eq!(
            check("cut -d ab -f1", "").1,
            "cut: the delimiter must be a single character\nTry 'cut --help' for more information.\n"
        );
        let mut files = BTreeMap::new();
        assert_eq!(
            check_with("cut -f1 /nope", "", false, &mut files),
            (
                String::new(),
                "cut: /nope: No such file or directory\n".into(),
                1
            )
        );
    }

    #[test]
    fn tr_translates_deletes_squeezes() {
        assert_eq!(out("tr a-z A-Z", "hello\n"), "HELLO\n");
        assert_eq!(out("tr '[:upper:]' '[:lower:]'", "KUBE\n"), "kube\n");
        assert_eq!(out("tr -d '\\n'", "a\nb\n"), "ab");
        assert_eq!(out("tr -d '[:digit:]'", "a1b22\n"), "ab\n");
        assert_eq!(out("tr -s ' '", "a   b  c\n"), "a b c\n");
        assert_eq!(out("tr ' ' '\\n'", "a b\n"), "a\nb\n");
        assert_eq!(out("tr -s ' ' '\\n'", "a   b\n"), "a\nb\n");
        assert_eq!(out("tr abc x", "aabbcd\n"), "xxxxxd\n");
        assert_eq!(out("tr -cd '0-9\\n'", "ttl=64 x\n"), "64\n");
        assert_eq!(out("tr -c 'a-z\\n' _", "a-b c\n"), "a_b_c\n");
        assert_eq!(
            check("tr", ""),
            (
                String::new(),
                "tr: missing operand\nTry 'tr --help' for more information.\n".into(),
                1
            )
        );
        assert_eq!(
            check("tr a", "").1,
            "tr: missing operand after 'a'\nTwo strings must be given when translating.\nTry 'tr --help' for more information.\n"
        );
        assert_eq!(
            check("tr -d a b", "").1,
            "tr: extra operand 'b'\nOnly one string may be given when deleting without squeezing repeated characters.\nTry 'tr --help' for more information.\n"
        );
        assert_eq!(
            check("tr z-a x", "").1,
            "tr: range-endpoints of 'z-a' are in reverse collating sequence order\n"
        );
    }
}
