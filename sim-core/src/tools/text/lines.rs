//! The line tools: `head`, `tail`, `cat`, `tac`, `rev`, `nl`, `wc` and `tee`, as GNU
//! coreutils (`src/head.c`, `src/tail.c`, `src/cat.c`, `src/tac.c`, `src/nl.c`, `src/wc.c`,
//! `src/tee.c`) and util-linux's `rev` print them; busybox's (`coreutils/*.c`, 1.28) where a
//! pod's image is busybox or alpine and it differs. `sort`/`uniq` are in `sort.rs`,
//! `cut`/`tr` in `fields.rs`.

use std::collections::{BTreeMap, VecDeque};

use super::{Filter, Flow, Getopt, Lined, Lines, OpenError, Opt, Out};

/// The filter for `name`, or None if it is not one of these tools.
pub fn parse(
    name: &str,
    args: &[String],
    busybox: bool,
) -> Option<Result<Box<dyn Filter>, (String, i32)>> {
    fn boxed<T: Lines + 'static>(
        r: Result<(T, Vec<String>), (String, i32)>,
    ) -> Result<Box<dyn Filter>, (String, i32)> {
        r.map(|(t, paths)| Box::new(Lined::new(t, paths)) as Box<dyn Filter>)
    }
    Some(match name {
        "head" | "tail" => boxed(HeadTail::parse(name == "head", args, busybox)),
        "cat" | "tac" | "rev" | "nl" => boxed(Cat::parse(name, args, busybox)),
        "wc" => boxed(Wc::parse(args, busybox)),
        "tee" => Tee::parse(args, busybox).map(|t| Box::new(t) as Box<dyn Filter>),
        "sort" | "uniq" => return super::sort::parse(name, args, busybox),
        "cut" | "tr" => return super::fields::parse(name, args, busybox),
        _ => return None,
    })
}

/// The message for a FILE that cannot be read, as each tool words it.
pub fn open_error(tool: &str, path: &str, err: OpenError, busybox: bool) -> String {
    let e = err.text();
    match (tool, busybox) {
        ("head" | "tail", false) => format!("{tool}: cannot open '{path}' for reading: {e}"),
        ("sort", false) => format!("sort: open failed: {path}: {e}"),
        ("cat" | "tail" | "sort" | "uniq" | "tac", true) => {
            format!("{tool}: can't open '{path}': {e}")
        }
        _ => format!("{tool}: {path}: {e}"),
    }
}

/// GNU's usage error: the message, then where to read more; status 1.
pub fn gnu_usage(tool: &str, msg: &str) -> (String, i32) {
    (
        format!("{tool}: {msg}\nTry '{tool} --help' for more information."),
        1,
    )
}

/// A count given to head or tail: lines or bytes, the last ones or from the start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Count {
    n: u64,
    bytes: bool,
    /// tail's `+N`: from the Nth on.
    from_top: bool,
}

/// `head [-n N|-N|-c N] [-q|-v] [FILE]...`, `tail [-n [+]N|-N|-c [+]N] [-q|-v] [FILE]...`.
#[derive(Debug)]
pub struct HeadTail {
    head: bool,
    count: Count,
    busybox: bool,
    headers: Option<bool>,
    printed: bool,
    // The input being read.
    done: u64,
    held: VecDeque<String>,
    text: String,
}

impl HeadTail {
    fn parse(
        head: bool,
        args: &[String],
        busybox: bool,
    ) -> Result<(HeadTail, Vec<String>), (String, i32)> {
        let tool = if head { "head" } else { "tail" };
        let number = |v: &str, bytes: bool| -> Result<Count, (String, i32)> {
            let (from_top, digits) = match v.strip_prefix('+') {
                Some(d) if !head => (true, d),
                _ => (false, v.strip_prefix('-').filter(|_| !head).unwrap_or(v)),
            };
            // GNU's multiplier suffixes: b 512, k/K 1024, kB 1000, m/M ...
            let (num, mult) = match digits.find(|c: char| !c.is_ascii_digit()) {
                None => (digits, 1u64),
                Some(i) => {
                    let m = match &digits[i..] {
                        "b" => 512,
                        "k" | "K" | "KiB" => 1024,
                        "kB" | "KB" => 1000,
                        "m" | "M" | "MiB" => 1 << 20,
                        "MB" => 1_000_000,
                        "G" | "g" | "GiB" => 1 << 30,
                        "GB" => 1_000_000_000,
                        _ => 0,
                    };
                    (&digits[..i], m)
                }
            };
            match num.parse::<u64>() {
                Ok(n) if mult > 0 => Ok(Count {
                    n: n.saturating_mul(mult),
                    bytes,
                    from_top,
                }),
                _ if busybox => Err((format!("{tool}: invalid number '{v}'"), 1)),
                _ => Err((
                    format!(
                        "{tool}: invalid number of {}: '{v}'",
                        if bytes { "bytes" } else { "lines" }
                    ),
                    1,
                )),
            }
        };
        let bad = |o: &Opt<'_>| {
            if busybox {
                super::busybox_bad_option(
                    tool,
                    if head {
                        "[OPTIONS] [FILE]..."
                    } else {
                        "[OPTIONS] [FILE]..."
                    },
                    o,
                )
            } else {
                super::gnu_bad_option(tool, o)
            }
        };
        let mut count = Count {
            n: 10,
            bytes: false,
            from_top: false,
        };
        let mut headers = None;
        // `tail +5` and `head -5`/`tail -5`: the obsolete forms, first operand only.
        let mut args = args.to_vec();
        if let Some(first) = args.first().cloned()
            && first.len() > 1
            && (first.starts_with('-') || (!head && first.starts_with('+')))
            && first[1..].chars().all(|c| c.is_ascii_digit())
        {
            count = number(&first.replacen('-', "", 1), false)?;
            args.remove(0);
        }
        let mut g = Getopt::new(&args);
        while let Some(o) = g.next() {
            match o {
                Opt::Short('n')
                | Opt::Long("lines", _)
                | Opt::Short('c')
                | Opt::Long("bytes", _) => {
                    let bytes = matches!(o, Opt::Short('c') | Opt::Long("bytes", _));
                    let v = match o {
                        Opt::Long(_, Some(v)) => Some(v.to_string()),
                        _ => g.value(),
                    };
                    let Some(v) = v else {
                        return Err(if busybox {
                            bad(&o)
                        } else {
                            gnu_usage(
                                tool,
                                &format!(
                                    "option requires an argument -- '{}'",
                                    if bytes { 'c' } else { 'n' }
                                ),
                            )
                        });
                    };
                    if head && v.starts_with('-') {
                        return Err(super::not_simulated(tool, &Opt::Long("lines=-N", None)));
                    }
                    count = number(&v, bytes)?;
                }
                Opt::Short('q') | Opt::Long("quiet" | "silent", _) => headers = Some(false),
                Opt::Short('v') | Opt::Long("verbose", _) => headers = Some(true),
                Opt::Short(d) if d.is_ascii_digit() => {
                    let n = format!("{d}{}", g.take_cluster());
                    count = number(&n, false)?;
                }
                o @ (Opt::Short('f' | 'F') | Opt::Long("follow" | "retry" | "pid", _)) if !head => {
                    return Err(super::not_simulated(tool, &o));
                }
                o => return Err(bad(&o)),
            }
        }
        let paths = std::mem::take(&mut g.operands);
        let t = HeadTail {
            head,
            count,
            busybox,
            headers: headers.or(Some(paths.len() > 1)),
            printed: false,
            done: 0,
            held: VecDeque::new(),
            text: String::new(),
        };
        Ok((t, paths))
    }

    fn tool(&self) -> &'static str {
        if self.head { "head" } else { "tail" }
    }
}

/// The last `n` bytes of `text`, or from byte `n` on, at a character boundary.
fn byte_cut(text: &str, n: usize, from_end: bool) -> &str {
    let mut at = if from_end {
        text.len().saturating_sub(n)
    } else {
        n.min(text.len())
    };
    while !text.is_char_boundary(at) {
        at += 1;
    }
    &text[at..]
}

impl Lines for HeadTail {
    fn source(&mut self, name: Option<&str>, _index: usize, _count: usize, out: &mut Out) {
        if self.headers == Some(true) {
            let name = name.unwrap_or("standard input");
            if self.printed {
                out.stdout.push('\n');
            }
            out.stdout.push_str(&format!("==> {name} <==\n"));
        }
        self.printed = true;
        self.done = 0;
        self.held.clear();
        self.text.clear();
    }

    fn line(&mut self, line: &str, out: &mut Out) -> Flow {
        let c = self.count;
        match (self.head, c.bytes, c.from_top) {
            (true, false, _) => {
                if self.done >= c.n {
                    return Flow::NextFile;
                }
                self.done += 1;
                out.stdout.push_str(line);
                if self.done >= c.n {
                    return Flow::NextFile;
                }
            }
            (true, true, _) => {
                let left = c.n.saturating_sub(self.done) as usize;
                if left == 0 {
                    return Flow::NextFile;
                }
                let take = if line.len() <= left {
                    line
                } else {
                    let mut at = left;
                    while !line.is_char_boundary(at) {
                        at -= 1;
                    }
                    &line[..at]
                };
                out.stdout.push_str(take);
                self.done += line.len().min(left) as u64;
                if self.done >= c.n {
                    return Flow::NextFile;
                }
            }
            (false, false, true) => {
                self.done += 1;
                if self.done >= c.n.max(1) {
                    out.stdout.push_str(line);
                }
            }
            (false, false, false) => {
                if c.n > 0 {
                    if self.held.len() as u64 == c.n {
                        self.held.pop_front();
                    }
                    self.held.push_back(line.to_string());
                }
            }
            (false, true, true) => {
                let skip = c.n.saturating_sub(1).saturating_sub(self.done) as usize;
                out.stdout.push_str(byte_cut(line, skip, false));
                self.done += line.len() as u64;
            }
            (false, true, false) => {
                self.text.push_str(line);
                if self.text.len() > 2 * (c.n as usize) + 4096 {
                    let keep = byte_cut(&self.text, c.n as usize, true).to_string();
                    self.text = keep;
                }
            }
        }
        Flow::Go
    }

    fn end_source(&mut self, out: &mut Out) -> Flow {
        if !self.head {
            for l in self.held.drain(..) {
                out.stdout.push_str(&l);
            }
            if self.count.bytes && !self.count.from_top {
                out.stdout
                    .push_str(byte_cut(&self.text, self.count.n as usize, true));
                self.text.clear();
            }
        }
        Flow::Go
    }

    fn finish(&mut self, failed: bool, out: &mut Out) -> i32 {
        if failed && self.busybox && !self.head && !self.printed {
            out.stderr.push_str("tail: no files\n");
        }
        i32::from(failed)
    }

    fn cannot_open(&self, path: &str, err: OpenError) -> (String, Option<i32>) {
        (open_error(self.tool(), path, err, self.busybox), None)
    }
}

/// `cat [-n|-b] [-E] [-s] [FILE]...`, `tac`, `rev`, `nl [-b a|t] [-w N] [-s SEP] [-n
/// ln|rn|rz]`: one input after another, line by line.
#[derive(Debug)]
pub struct Cat {
    tool: &'static str,
    busybox: bool,
    /// cat -n, -b; nl's `-b a` (all lines) and `-b t` (non-empty).
    number: Option<bool>,
    ends: bool,
    squeeze: bool,
    width: usize,
    sep: String,
    format: &'static str,
    lineno: u64,
    blank_run: bool,
    held: Vec<String>,
}

impl Cat {
    fn parse(
        name: &str,
        args: &[String],
        busybox: bool,
    ) -> Result<(Cat, Vec<String>), (String, i32)> {
        let tool: &'static str = match name {
            "cat" => "cat",
            "tac" => "tac",
            "rev" => "rev",
            _ => "nl",
        };
        let mut c = Cat {
            tool,
            busybox,
            number: if tool == "nl" { Some(true) } else { None },
            ends: false,
            squeeze: false,
            width: 6,
            sep: "\t".into(),
            format: "rn",
            lineno: 0,
            blank_run: false,
            held: Vec::new(),
        };
        let bad = |o: &Opt<'_>| {
            if busybox {
                super::busybox_bad_option(tool, "[FILE]...", o)
            } else {
                super::gnu_bad_option(tool, o)
            }
        };
        let mut g = Getopt::new(args);
        while let Some(o) = g.next() {
            match (tool, o) {
                ("cat", Opt::Short('n') | Opt::Long("number", _)) => {
                    c.number = c.number.or(Some(false))
                }
                ("cat", Opt::Short('b') | Opt::Long("number-nonblank", _)) => c.number = Some(true),
                ("cat", Opt::Short('E') | Opt::Long("show-ends", _)) => c.ends = true,
                ("cat", Opt::Short('s') | Opt::Long("squeeze-blank", _)) => c.squeeze = true,
                ("cat", Opt::Short('u')) => {}
                ("cat", o @ Opt::Short('A' | 'v' | 'T' | 'e' | 't')) => {
                    return Err(super::not_simulated("cat", &o));
                }
                ("nl", Opt::Short('b')) => match g.value().as_deref() {
                    Some("a") => c.number = Some(false),
                    Some("t") => c.number = Some(true),
                    Some("n") => c.number = None,
                    Some(v) => {
                        return Err((format!("nl: invalid body numbering style: '{v}'"), 1));
                    }
                    None => return Err(bad(&Opt::Short('b'))),
                },
                ("nl", Opt::Short('w')) => {
                    let v = g.value().unwrap_or_default();
                    c.width = match v.parse::<usize>() {
                        Ok(w) if w > 0 => w,
                        _ => {
                            return Err((format!("nl: invalid line number field width: '{v}'"), 1));
                        }
                    };
                }
                ("nl", Opt::Short('s')) => c.sep = g.value().unwrap_or_default(),
                ("nl", Opt::Short('n')) => {
                    c.format = match g.value().as_deref() {
                        Some("ln") => "ln",
                        Some("rn") => "rn",
                        Some("rz") => "rz",
                        v => {
                            return Err((
                                format!(
                                    "nl: invalid line numbering format: '{}'",
                                    v.unwrap_or_default()
                                ),
                                1,
                            ));
                        }
                    }
                }
                (_, o) => return Err(bad(&o)),
            }
        }
        Ok((c, std::mem::take(&mut g.operands)))
    }

    fn num(&self) -> String {
        let (n, w) = (self.lineno, self.width);
        match self.format {
            "ln" => format!("{n:<w$}"),
            "rz" => format!("{n:0w$}"),
            _ => format!("{n:>w$}"),
        }
    }
}

impl Lines for Cat {
    fn line(&mut self, line: &str, out: &mut Out) -> Flow {
        let (body, nl) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        match self.tool {
            "tac" => self.held.push(line.to_string()),
            "rev" => {
                out.stdout.extend(body.chars().rev());
                out.stdout.push_str(nl);
            }
            "nl" => {
                if self
                    .number
                    .is_some_and(|nonblank| !nonblank || !body.is_empty())
                {
                    self.lineno += 1;
                    let num = self.num();
                    out.stdout.push_str(&format!("{num}{}{body}{nl}", self.sep));
                } else {
                    // An unnumbered line is indented by the number's width and separator.
                    let pad = " ".repeat(self.width + self.sep.len());
                    out.stdout.push_str(&format!("{pad}{body}{nl}"));
                }
            }
            _ => {
                let blank = body.is_empty() && !nl.is_empty();
                if self.squeeze && blank && self.blank_run {
                    return Flow::Go;
                }
                self.blank_run = blank;
                if let Some(nonblank) = self.number
                    && !(nonblank && body.is_empty())
                {
                    self.lineno += 1;
                    out.stdout.push_str(&format!("{:>6}\t", self.lineno));
                }
                out.stdout.push_str(body);
                if self.ends && !nl.is_empty() {
                    out.stdout.push('$');
                }
                out.stdout.push_str(nl);
            }
        }
        Flow::Go
    }

    fn end_source(&mut self, out: &mut Out) -> Flow {
        // tac: records end with their newline; an unterminated last one runs into the
        // next (GNU prints `ba\n` for `a\nb`).
        for l in self.held.drain(..).rev() {
            out.stdout.push_str(&l);
        }
        Flow::Go
    }

    fn finish(&mut self, failed: bool, _out: &mut Out) -> i32 {
        i32::from(failed)
    }

    fn cannot_open(&self, path: &str, err: OpenError) -> (String, Option<i32>) {
        let msg = match (self.tool, self.busybox) {
            ("tac", false) => format!("tac: failed to open '{path}' for reading: {}", err.text()),
            ("rev", _) => format!("rev: cannot open {path}: {}", err.text()),
            _ => open_error(self.tool, path, err, self.busybox),
        };
        (msg, None)
    }
}

/// What wc counts, in the order it prints them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Counts {
    lines: u64,
    words: u64,
    chars: u64,
    bytes: u64,
    longest: u64,
}

/// `wc [-l] [-w] [-m] [-c] [-L] [FILE]...`.
#[derive(Debug)]
pub struct Wc {
    busybox: bool,
    /// Which counts print: lines, words, chars, bytes, longest.
    show: [bool; 5],
    nfiles: usize,
    cur: Counts,
    in_word: bool,
    rows: Vec<(Counts, Option<String>)>,
    /// Bytes of the regular files read, and whether stdin was read (GNU's widths).
    file_bytes: u64,
    stdin: bool,
    name: Option<String>,
}

impl Wc {
    fn parse(args: &[String], busybox: bool) -> Result<(Wc, Vec<String>), (String, i32)> {
        let mut show = [false; 5];
        let mut g = Getopt::new(args);
        while let Some(o) = g.next() {
            match o {
                Opt::Short('l') | Opt::Long("lines", _) => show[0] = true,
                Opt::Short('w') | Opt::Long("words", _) => show[1] = true,
                Opt::Short('m') | Opt::Long("chars", _) => show[2] = true,
                Opt::Short('c') | Opt::Long("bytes", _) => show[3] = true,
                Opt::Short('L') | Opt::Long("max-line-length", _) => show[4] = true,
                o if busybox => {
                    return Err(super::busybox_bad_option("wc", "[-cmlwL] [FILE]...", &o));
                }
                o => return Err(super::gnu_bad_option("wc", &o)),
            }
        }
        if show == [false; 5] {
            show = [true, true, false, true, false];
        }
        let paths = std::mem::take(&mut g.operands);
        let wc = Wc {
            busybox,
            show,
            nfiles: paths.len().max(1),
            cur: Counts::default(),
            in_word: false,
            rows: Vec::new(),
            file_bytes: 0,
            stdin: false,
            name: None,
        };
        Ok((wc, paths))
    }

    fn row(&self, c: &Counts, name: Option<&str>, width: usize) -> String {
        let vals = [c.lines, c.words, c.chars, c.bytes, c.longest];
        let nums: Vec<String> = vals
            .iter()
            .zip(self.show)
            .filter(|(_, s)| *s)
            .map(|(v, _)| format!("{v:>width$}"))
            .collect();
        let mut s = nums.join(" ");
        if let Some(n) = name {
            s.push(' ');
            s.push_str(n);
        }
        s.push('\n');
        s
    }
}

impl Lines for Wc {
    fn source(&mut self, name: Option<&str>, _index: usize, _count: usize, _out: &mut Out) {
        self.cur = Counts::default();
        self.in_word = false;
        self.name = name.map(str::to_string);
        if name.is_none() {
            self.stdin = true;
        }
    }

    fn line(&mut self, line: &str, _out: &mut Out) -> Flow {
        let c = &mut self.cur;
        c.bytes += line.len() as u64;
        c.chars += line.chars().count() as u64;
        let mut pos = 0u64;
        for ch in line.chars() {
            if ch == '\n' {
                c.lines += 1;
            }
            if ch.is_whitespace() {
                self.in_word = false;
            } else if !self.in_word {
                self.in_word = true;
                c.words += 1;
            }
            match ch {
                '\t' => pos = (pos | 7) + 1,
                '\n' | '\r' | '\x0c' => {}
                _ if !ch.is_control() => pos += 1,
                _ => {}
            }
        }
        c.longest = c.longest.max(pos);
        Flow::Go
    }

    fn end_source(&mut self, _out: &mut Out) -> Flow {
        if self.name.is_some() {
            self.file_bytes += self.cur.bytes;
        }
        self.rows.push((self.cur, self.name.take()));
        Flow::Go
    }

    fn finish(&mut self, failed: bool, out: &mut Out) -> i32 {
        let single = self.show.iter().filter(|s| **s).count() == 1;
        let width = if self.busybox {
            if self.nfiles == 1 && single { 1 } else { 9 }
        } else if self.nfiles == 1 && single {
            1
        } else {
            let digits = self.file_bytes.max(1).to_string().len();
            digits.max(if self.stdin { 7 } else { 1 })
        };
        let rows = std::mem::take(&mut self.rows);
        let mut total = Counts::default();
        for (c, name) in &rows {
            total.lines += c.lines;
            total.words += c.words;
            total.chars += c.chars;
            total.bytes += c.bytes;
            total.longest = total.longest.max(c.longest);
            out.stdout.push_str(&self.row(c, name.as_deref(), width));
        }
        if self.nfiles > 1 {
            out.stdout.push_str(&self.row(&total, Some("total"), width));
        }
        i32::from(failed)
    }

    fn cannot_open(&self, path: &str, err: OpenError) -> (String, Option<i32>) {
        (open_error("wc", path, err, self.busybox), None)
    }
}

/// `tee [-a] [FILE]...`: stdin to stdout and to each FILE (the machine's simulated files).
#[derive(Debug)]
pub struct Tee {
    append: bool,
    paths: Vec<String>,
    failed: bool,
}

impl Tee {
    fn parse(args: &[String], busybox: bool) -> Result<Tee, (String, i32)> {
        let mut append = false;
        let mut g = Getopt::new(args);
        while let Some(o) = g.next() {
            match o {
                Opt::Short('a') | Opt::Long("append", _) => append = true,
                Opt::Short('i') | Opt::Long("ignore-interrupts", _) => {}
                o if busybox => {
                    return Err(super::busybox_bad_option("tee", "[-ai] [FILE]...", &o));
                }
                o => return Err(super::gnu_bad_option("tee", &o)),
            }
        }
        Ok(Tee {
            append,
            paths: std::mem::take(&mut g.operands),
            failed: false,
        })
    }
}

impl Filter for Tee {
    fn start(&mut self, files: &mut BTreeMap<String, String>, out: &mut Out) -> Option<i32> {
        let mut ok = Vec::new();
        for p in std::mem::take(&mut self.paths) {
            if p == "/dev/null" || p == "-" {
                continue;
            }
            if let Err(OpenError::IsDir) = super::open(files, &p) {
                out.stderr.push_str(&format!("tee: {p}: Is a directory\n"));
                self.failed = true;
                continue;
            }
            let f = files.entry(p.clone()).or_default();
            if !self.append {
                f.clear();
            }
            ok.push(p);
        }
        self.paths = ok;
        None
    }

    fn input(
        &mut self,
        text: &str,
        files: &mut BTreeMap<String, String>,
        out: &mut Out,
    ) -> Option<i32> {
        out.stdout.push_str(text);
        for p in &self.paths {
            files.entry(p.clone()).or_default().push_str(text);
        }
        None
    }

    fn end(&mut self, _files: &mut BTreeMap<String, String>, _out: &mut Out) -> i32 {
        i32::from(self.failed)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{check, check_with};
    use std::collections::BTreeMap;

    fn out(cmd: &str, input: &str) -> String {
        check(cmd, input).0
    }

    const TEN: &str = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n";

    #[test]
    fn head_counts_lines_and_bytes() {
        assert_eq!(out("head", TEN), "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n");
        assert_eq!(out("head -n 2", TEN), "1\n2\n");
        assert_eq!(out("head -3", TEN), "1\n2\n3\n");
        assert_eq!(out("head -n3", TEN), "1\n2\n3\n");
        assert_eq!(out("head -c 5", TEN), "1\n2\n3");
        assert_eq!(out("head -n 0", TEN), "");
        assert_eq!(
            check("head -n x", TEN),
            (
                String::new(),
                "head: invalid number of lines: 'x'\n".into(),
                1
            )
        );
        let mut files = BTreeMap::new();
        files.insert("/a".to_string(), "a1\na2\n".to_string());
        files.insert("/b".to_string(), "b1\n".to_string());
        assert_eq!(
            check_with("head -n 1 /a /b", "", false, &mut files).0,
            "==> /a <==\na1\n\n==> /b <==\nb1\n"
        );
        assert_eq!(
            check_with("head -n 1 /a /nope", "", false, &mut files),
            (
                "==> /a <==\na1\n".into(),
                "head: cannot open '/nope' for reading: No such file or directory\n".into(),
                1
            )
        );
        assert_eq!(
            check_with("head /nope", "", true, &mut files).1,
            "head: /nope: No such file or directory\n"
        );
    }

    /// head -n 2 exits after its second line without waiting for the rest of the pipe.
    #[test]
    fn head_exits_when_done() {
        let argv = shell_words::split("head -n 2").unwrap();
        let mut f = super::super::parse(&argv, false).unwrap().unwrap();
        let mut files = BTreeMap::new();
        let mut o = super::super::Out::default();
        assert_eq!(f.input("a\n", &mut files, &mut o), None);
        assert_eq!(f.input("b\nc\n", &mut files, &mut o), Some(0));
        assert_eq!(o.stdout, "a\nb\n");
    }

    #[test]
    fn tail_counts_from_the_end_or_the_top() {
        assert_eq!(out("tail -n 2", TEN), "11\n12\n");
        assert_eq!(out("tail -3", TEN), "10\n11\n12\n");
        assert_eq!(out("tail -n +11", TEN), "11\n12\n");
        assert_eq!(out("tail +11", TEN), "11\n12\n");
        assert_eq!(out("tail -c 3", TEN), "12\n");
        assert_eq!(out("tail -c +22", TEN), "11\n12\n");
        assert_eq!(out("tail", TEN), "3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n");
        assert_eq!(out("tail -n 1", "a\nb"), "b");
        assert_eq!(check("tail -f", "").1, "tail: -f is not simulated yet\n");
        let mut files = BTreeMap::new();
        assert_eq!(
            check_with("tail /nope", "", true, &mut files),
            (
                String::new(),
                "tail: can't open '/nope': No such file or directory\ntail: no files\n".into(),
                1
            )
        );
    }

    #[test]
    fn cat_tac_rev_nl() {
        assert_eq!(out("cat", "a\n\n\nb"), "a\n\n\nb");
        assert_eq!(
            out("cat -n", "a\n\nb\n"),
            "     1\ta\n     2\t\n     3\tb\n"
        );
        assert_eq!(out("cat -b", "a\n\nb\n"), "     1\ta\n\n     2\tb\n");
        assert_eq!(out("cat -s", "a\n\n\n\nb\n"), "a\n\nb\n");
        assert_eq!(out("cat -E", "a\nb\n"), "a$\nb$\n");
        assert_eq!(out("tac", "a\nb\nc\n"), "c\nb\na\n");
        assert_eq!(out("tac", "a\nb"), "ba\n");
        assert_eq!(out("rev", "abc\nde\n"), "cba\ned\n");
        assert_eq!(out("nl", "a\n\nb\n"), "     1\ta\n       \n     2\tb\n");
        assert_eq!(out("nl -ba -w3 -s' '", "a\n\n"), "  1 a\n  2 \n");
        let mut files = BTreeMap::new();
        files.insert("/f".to_string(), "x\n".to_string());
        assert_eq!(
            check_with("cat /f /nope", "", false, &mut files),
            (
                "x\n".into(),
                "cat: /nope: No such file or directory\n".into(),
                1
            )
        );
        assert_eq!(
            check_with("cat /nope", "", true, &mut files).1,
            "cat: can't open '/nope': No such file or directory\n"
        );
    }

    /// GNU wc's widths: one count of one input is unpadded; stdin pads to 7; files to the
    /// digits of their total size. busybox pads to 9.
    #[test]
    fn wc_counts_and_widths() {
        let text = "hello world\nfoo\n";
        assert_eq!(out("wc -l", text), "2\n");
        assert_eq!(out("wc -w", text), "3\n");
        assert_eq!(out("wc -c", text), "16\n");
        assert_eq!(out("wc", text), "      2       3      16\n");
        assert_eq!(out("wc -lw", text), "      2       3\n");
        assert_eq!(out("wc -L", "ab\tc\nx\n"), "9\n");
        assert_eq!(
            check_with("wc", text, true, &mut BTreeMap::new()).0,
            "        2         3        16\n"
        );
        assert_eq!(out("wc -l", ""), "0\n");
        assert_eq!(out("wc -l", "no newline"), "0\n");
        let mut files = BTreeMap::new();
        files.insert("/etc/hosts".to_string(), text.to_string());
        files.insert("/b".to_string(), "x\n".to_string());
        assert_eq!(
            check_with("wc /etc/hosts", "", false, &mut files).0,
            " 2  3 16 /etc/hosts\n"
        );
        assert_eq!(
            check_with("wc -l /etc/hosts", "", false, &mut files).0,
            "2 /etc/hosts\n"
        );
        assert_eq!(
            check_with("wc -l /etc/hosts /b /nope", "", false, &mut files),
            (
                " 2 /etc/hosts\n 1 /b\n 3 total\n".into(),
                "wc: /nope: No such file or directory\n".into(),
                1
            )
        );
    }

    #[test]
    fn tee_writes_files() {
        let mut files = BTreeMap::new();
        files.insert("/log".to_string(), "old\n".to_string());
        assert_eq!(
            check_with("tee /out /dev/null", "a\nb\n", false, &mut files).0,
            "a\nb\n"
        );
        assert_eq!(files["/out"], "a\nb\n");
        check_with("tee -a /log", "new\n", false, &mut files);
        assert_eq!(files["/log"], "old\nnew\n");
        check_with("tee /log", "x\n", false, &mut files);
        assert_eq!(files["/log"], "x\n");
    }
}
