//! The text tools people pipe into and the generators they pipe from (`grep`, `head`, `wc`,
//! `sort`, `awk`, `sed`, `printf`, `seq`, `date`, ...), as GNU coreutils/grep/sed/gawk print
//! them, and as busybox does in busybox and alpine images where it differs (error wording
//! above all).
//!
//! Every tool is a [`Filter`]: it reads its FILE operands from the namespace's simulated files
//! when it starts, or else its stdin as it arrives, in any chunking, line by line (a partial
//! last line waits for its newline or the end), so `ping x | grep ttl` prints each matching
//! line when the reply comes. A generator (`seq`) is a filter that is done at `start`.

use std::collections::BTreeMap;

pub mod awk;
pub mod date;
pub mod fields;
pub mod generate;
pub mod grep;
pub mod lines;
pub mod re;
pub mod sed;
pub mod sort;

/// What a filter wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Out {
    pub stdout: String,
    pub stderr: String,
}

/// A text tool as a process reading a pipe.
pub trait Filter {
    /// Before any input: a filter given FILE arguments reads them here (from `files`, the
    /// namespace's simulated files) and returns Some(status) when it is done without stdin.
    fn start(&mut self, files: &mut BTreeMap<String, String>, out: &mut Out) -> Option<i32>;
    /// Text arrived on stdin (any chunking; it may end mid-line); Some(status) to exit early
    /// (head -n 2 after two lines, grep -q on a match).
    fn input(
        &mut self,
        text: &str,
        files: &mut BTreeMap<String, String>,
        out: &mut Out,
    ) -> Option<i32>;
    /// stdin ended: the rest of the output and the exit status.
    fn end(&mut self, files: &mut BTreeMap<String, String>, out: &mut Out) -> i32;
}

/// The filter for argv (argv[0] its name), or None if argv[0] is not a text tool.
pub fn parse(argv: &[String], busybox: bool) -> Option<Result<Box<dyn Filter>, (String, i32)>> {
    let name = argv.first()?.rsplit('/').next().unwrap_or_default();
    let args = &argv[1..];
    fn boxed<F: Filter + 'static>(
        r: Result<F, (String, i32)>,
    ) -> Result<Box<dyn Filter>, (String, i32)> {
        r.map(|f| Box::new(f) as Box<dyn Filter>)
    }
    Some(match name {
        "grep" | "egrep" | "fgrep" => boxed(grep::parse(name, args, busybox)),
        "sed" => sed::parse(args, busybox),
        "awk" => awk::parse(args, busybox),
        _ => {
            if let Some(r) = lines::parse(name, args, busybox) {
                r
            } else if let Some(r) = generate::parse(name, args, busybox) {
                r
            } else {
                return None;
            }
        }
    })
}

/// The names [`parse`] knows (a test checks that each parses).
pub const NAMES: &[&str] = &[
    "grep", "egrep", "fgrep", "head", "tail", "cat", "tac", "rev", "nl", "wc", "tee", "sort",
    "uniq", "cut", "tr", "printf", "seq", "basename", "dirname", "sed", "awk",
];

/// Runs a filter over all of `input` at once (a first command's whole output): what it
/// wrote and its exit status.
pub fn run(
    filter: &mut dyn Filter,
    input: &str,
    files: &mut BTreeMap<String, String>,
) -> (Out, i32) {
    let mut out = Out::default();
    if let Some(code) = filter.start(files, &mut out) {
        return (out, code);
    }
    if !input.is_empty()
        && let Some(code) = filter.input(input, files, &mut out)
    {
        return (out, code);
    }
    let code = filter.end(files, &mut out);
    (out, code)
}

/// What a line tool does next after a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    Go,
    /// Done with this input (head's count reached): the next file, or exit if it was stdin.
    NextFile,
    /// Exit now with the status (grep -q on a match).
    Exit(i32),
}

/// Why a FILE operand could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenError {
    NoEnt,
    IsDir,
}

impl OpenError {
    /// strerror's words.
    pub fn text(self) -> &'static str {
        match self {
            OpenError::NoEnt => "No such file or directory",
            OpenError::IsDir => "Is a directory",
        }
    }
}

/// Reads a simulated file: its text, or why not (a path other files live under is a
/// directory).
pub fn open(files: &BTreeMap<String, String>, path: &str) -> Result<String, OpenError> {
    if let Some(t) = files.get(path) {
        return Ok(t.clone());
    }
    let dir = format!("{}/", path.trim_end_matches('/'));
    if path == "/" || files.keys().any(|k| k.starts_with(&dir)) {
        Err(OpenError::IsDir)
    } else {
        Err(OpenError::NoEnt)
    }
}

/// A tool that works line by line over its FILE operands or stdin; [`Lined`] makes it a
/// [`Filter`].
pub trait Lines {
    /// A new input begins: a file's path, or None for stdin; `index` of `count` inputs.
    fn source(&mut self, _name: Option<&str>, _index: usize, _count: usize, _out: &mut Out) {}
    /// One line, with its `\n` unless it is the input's unterminated last line.
    fn line(&mut self, line: &str, out: &mut Out) -> Flow;
    /// The input ended (or the tool left it with [`Flow::NextFile`]).
    fn end_source(&mut self, _out: &mut Out) -> Flow {
        Flow::Go
    }
    /// All inputs done; `failed` if a FILE could not be read. The exit status.
    fn finish(&mut self, failed: bool, out: &mut Out) -> i32;
    /// The message for a FILE that cannot be read (without newline), and the status if the
    /// tool exits there (sort, uniq) rather than going on with the next.
    fn cannot_open(&self, path: &str, err: OpenError) -> (String, Option<i32>);
}

/// A [`Lines`] tool over its FILE operands (read at `start`) or stdin.
pub struct Lined<T: Lines> {
    pub tool: T,
    pub paths: Vec<String>,
    buf: String,
    began: bool,
}

impl<T: Lines> Lined<T> {
    pub fn new(tool: T, paths: Vec<String>) -> Self {
        Lined {
            tool,
            paths,
            buf: String::new(),
            began: false,
        }
    }

    /// Feeds complete lines of `text` (all of it if `last`); Some(status) if it exits.
    fn feed(&mut self, text: &str, last: bool, out: &mut Out) -> Option<Flow> {
        let mut rest = text;
        while let Some(i) = rest.find('\n') {
            match self.tool.line(&rest[..=i], out) {
                Flow::Go => {}
                f => return Some(f),
            }
            rest = &rest[i + 1..];
        }
        if last && !rest.is_empty() {
            match self.tool.line(rest, out) {
                Flow::Go => {}
                f => return Some(f),
            }
        } else if !last {
            self.buf.push_str(rest);
        }
        None
    }
}

impl<T: Lines> Filter for Lined<T> {
    fn start(&mut self, files: &mut BTreeMap<String, String>, out: &mut Out) -> Option<i32> {
        if self.paths.is_empty() || self.paths == ["-"] {
            return None;
        }
        let paths = self.paths.clone();
        let mut failed = false;
        for (i, p) in paths.iter().enumerate() {
            let text = match open(files, p) {
                Ok(t) => t,
                Err(e) => {
                    let (msg, fatal) = self.tool.cannot_open(p, e);
                    if !msg.is_empty() {
                        out.stderr.push_str(&msg);
                        out.stderr.push('\n');
                    }
                    failed = true;
                    if let Some(code) = fatal {
                        return Some(code);
                    }
                    continue;
                }
            };
            self.tool.source(Some(p), i, paths.len(), out);
            let flow = match self.feed(&text, true, out) {
                Some(Flow::Exit(c)) => return Some(c),
                _ => self.tool.end_source(out),
            };
            if let Flow::Exit(c) = flow {
                return Some(c);
            }
        }
        Some(self.tool.finish(failed, out))
    }

    fn input(
        &mut self,
        text: &str,
        _files: &mut BTreeMap<String, String>,
        out: &mut Out,
    ) -> Option<i32> {
        if !self.began {
            self.began = true;
            self.tool.source(None, 0, 1, out);
        }
        let mut all = std::mem::take(&mut self.buf);
        all.push_str(text);
        match self.feed(&all, false, out) {
            None | Some(Flow::Go) => None,
            Some(Flow::Exit(c)) => Some(c),
            Some(Flow::NextFile) => match self.tool.end_source(out) {
                Flow::Exit(c) => Some(c),
                _ => Some(self.tool.finish(false, out)),
            },
        }
    }

    fn end(&mut self, _files: &mut BTreeMap<String, String>, out: &mut Out) -> i32 {
        if !self.began {
            self.began = true;
            self.tool.source(None, 0, 1, out);
        }
        let rest = std::mem::take(&mut self.buf);
        if let Some(Flow::Exit(c)) = self.feed(&rest, true, out) {
            return c;
        }
        if let Flow::Exit(c) = self.tool.end_source(out) {
            return c;
        }
        self.tool.finish(false, out)
    }
}

/// Short options as getopt reads them: `-abc`, `-n5`, `-n 5`, `--long=V`, `--long V`,
/// operands anywhere (GNU permutes; busybox too for these tools), `--` ends options.
pub struct Getopt<'a> {
    args: &'a [String],
    i: usize,
    /// Within a cluster of short options: the rest of it.
    cluster: Option<&'a str>,
    done: bool,
    pub operands: Vec<String>,
}

/// One option read by [`Getopt`].
#[derive(Debug, PartialEq, Eq)]
pub enum Opt<'a> {
    Short(char),
    Long(&'a str, Option<&'a str>),
}

impl<'a> Getopt<'a> {
    pub fn new(args: &'a [String]) -> Self {
        Getopt {
            args,
            i: 0,
            cluster: None,
            done: false,
            operands: Vec::new(),
        }
    }

    /// The next option, collecting operands on the way; None at the end.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Option<Opt<'a>> {
        loop {
            if let Some(c) = self.cluster {
                let mut chars = c.chars();
                if let Some(ch) = chars.next() {
                    let rest = chars.as_str();
                    self.cluster = if rest.is_empty() { None } else { Some(rest) };
                    return Some(Opt::Short(ch));
                }
                self.cluster = None;
            }
            let a = self.args.get(self.i)?;
            self.i += 1;
            if self.done || a == "-" || !a.starts_with('-') {
                self.operands.push(a.clone());
                continue;
            }
            if a == "--" {
                self.done = true;
                continue;
            }
            if let Some(long) = a.strip_prefix("--") {
                return Some(match long.split_once('=') {
                    Some((k, v)) => Opt::Long(k, Some(v)),
                    None => Opt::Long(long, None),
                });
            }
            self.cluster = Some(&a[1..]);
        }
    }

    /// The value of the short option just read: the rest of its cluster or the next word.
    pub fn value(&mut self) -> Option<String> {
        if let Some(rest) = self.cluster.take() {
            return Some(rest.to_string());
        }
        let v = self.args.get(self.i)?;
        self.i += 1;
        Some(v.clone())
    }

    /// The rest of the current cluster, taken (`-5` in `head -5`).
    pub fn take_cluster(&mut self) -> &'a str {
        self.cluster.take().unwrap_or("")
    }

    /// Stop reading options: the rest are operands (awk's program, POSIX-style tools).
    pub fn rest_operands(&mut self) -> Vec<String> {
        let mut ops = std::mem::take(&mut self.operands);
        ops.extend(self.args[self.i..].iter().cloned());
        self.i = self.args.len();
        ops
    }
}

/// GNU's message for an option a tool does not know, with its usage hint.
pub fn gnu_bad_option(tool: &str, opt: &Opt<'_>) -> (String, i32) {
    let what = match opt {
        Opt::Short(c) => format!("invalid option -- '{c}'"),
        Opt::Long(l, _) => format!("unrecognized option '--{l}'"),
    };
    (
        format!("{tool}: {what}\nTry '{tool} --help' for more information."),
        if tool == "grep" || tool == "sort" || tool == "sed" {
            2
        } else {
            1
        },
    )
}

/// busybox's message for an option it does not know: getopt's line and the usage.
pub fn busybox_bad_option(tool: &str, usage: &str, opt: &Opt<'_>) -> (String, i32) {
    let what = match opt {
        Opt::Short(c) => format!("{tool}: invalid option -- '{c}'"),
        Opt::Long(l, _) => format!("{tool}: unrecognized option '--{l}'"),
    };
    (
        format!("{what}\nBusyBox v1.28.4 multi-call binary.\n\nUsage: {tool} {usage}"),
        1,
    )
}

/// An option the simulation does not model, said as such.
pub fn not_simulated(tool: &str, opt: &Opt<'_>) -> (String, i32) {
    let o = match opt {
        Opt::Short(c) => format!("-{c}"),
        Opt::Long(l, _) => format!("--{l}"),
    };
    (format!("{tool}: {o} is not simulated yet"), 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `cmd` (shell words) over `input`: (stdout, stderr, status).
    pub fn check(cmd: &str, input: &str) -> (String, String, i32) {
        check_with(cmd, input, false, &mut BTreeMap::new())
    }

    pub fn check_with(
        cmd: &str,
        input: &str,
        busybox: bool,
        files: &mut BTreeMap<String, String>,
    ) -> (String, String, i32) {
        let argv = shell_words::split(cmd).expect("words");
        let mut f = match parse(&argv, busybox).expect("a text tool") {
            Ok(f) => f,
            Err((m, c)) => return (String::new(), format!("{m}\n"), c),
        };
        let (out, code) = run(f.as_mut(), input, files);
        (out.stdout, out.stderr, code)
    }

    /// Input split at every byte gives the same output as all at once: filters keep a
    /// partial line until its newline.
    #[test]
    fn chunking_does_not_change_output() {
        let input = "alpha 1\nbeta 2\ngamma 3\nalphabet 4";
        for cmd in ["grep -n alpha", "grep -c a", "grep -v beta"] {
            let whole = check(cmd, input);
            let argv = shell_words::split(cmd).unwrap();
            let mut f = parse(&argv, false).unwrap().unwrap();
            let mut files = BTreeMap::new();
            let mut out = Out::default();
            assert_eq!(f.start(&mut files, &mut out), None);
            for ch in input.chars() {
                assert_eq!(f.input(&ch.to_string(), &mut files, &mut out), None);
            }
            let code = f.end(&mut files, &mut out);
            assert_eq!((out.stdout, out.stderr, code), whole, "{cmd}");
        }
    }

    /// A line is passed on as soon as its newline arrives, not at the end (streaming).
    #[test]
    fn a_line_goes_out_when_its_newline_arrives() {
        let argv = shell_words::split("grep ttl").unwrap();
        let mut f = parse(&argv, false).unwrap().unwrap();
        let mut files = BTreeMap::new();
        let mut out = Out::default();
        f.start(&mut files, &mut out);
        f.input("64 bytes from 10.0.0.1: ttl=6", &mut files, &mut out);
        assert_eq!(out.stdout, "");
        f.input("4 time=1 ms\nPING", &mut files, &mut out);
        assert_eq!(out.stdout, "64 bytes from 10.0.0.1: ttl=64 time=1 ms\n");
    }

    #[test]
    fn getopt_reads_clusters_values_and_operands() {
        let args: Vec<String> = ["-in5", "x", "--after-context=3", "y", "--", "-z"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut g = Getopt::new(&args);
        assert_eq!(g.next(), Some(Opt::Short('i')));
        assert_eq!(g.next(), Some(Opt::Short('n')));
        assert_eq!(g.value().as_deref(), Some("5"));
        assert_eq!(g.next(), Some(Opt::Long("after-context", Some("3"))));
        assert_eq!(g.next(), None);
        assert_eq!(g.operands, ["x", "y", "-z"]);
    }

    #[test]
    fn unknown_names_are_not_text_tools() {
        assert!(parse(&["kubectl".to_string()], false).is_none());
        for name in NAMES {
            assert!(parse(&[name.to_string()], false).is_some(), "{name}");
        }
        assert!(parse(&["/bin/grep".to_string()], false).is_some());
    }
}
