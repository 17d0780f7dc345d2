//! `sim-cli`: replay a k8s-netsim scenario, validate scenarios, or run a command inside a
//! simulated machine. Exit codes: 0 success; 1 an expectation failed or the run did not
//! finish; 2 bad input or usage; 3 an internal error (a broken invariant: a bug to report).
//! `exec` exits with the command's own status, or 124 when it did not finish. The whole
//! list is in docs/cli.md.

use std::cell::RefCell;
use std::io::{IsTerminal, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::rc::Rc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use sim_core::engine::{Dur, Record, SimTime, Sink};
use sim_core::scenario::{End, LoadError, Observer, RunOptions, Scenario, run};
use sim_core::trace::{self, Stream, TraceEvent};

/// A line on stderr. A stderr that cannot be written (closed, full, its reader gone) loses
/// it quietly, where `eprintln!` would panic: there is nowhere left to report to.
/// Control and format characters in what it echoes (a machine name, a path) print
/// escaped, as in the trace.
macro_rules! say {
    ($($arg:tt)*) => {{
        let line = format!($($arg)*);
        let _ = writeln!(std::io::stderr(), "{}", trace::text::escape_controls(&line));
    }};
}

mod shell;

#[derive(Parser)]
#[command(
    name = "sim-cli",
    version,
    about = "Deterministic simulator of Kubernetes cluster networking"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Replay a scenario and print its trace. Exit 0 when every `expect` holds, 1 when one
    /// fails (it is named on stderr) or the event budget ran out, 2 on bad input, 3 on an
    /// internal error (a bug to report).
    Run {
        /// The scenario file (.ron).
        scenario: PathBuf,
        /// Seed for every random stream (default: the scenario's `seed`).
        #[arg(long)]
        seed: Option<u64>,
        /// Stop at this simulated time, e.g. `30s` (default: the scenario's `until`, else
        /// when nothing is left to happen).
        #[arg(long, value_parser = parse_time)]
        until: Option<SimTime>,
        /// Trace format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Write the trace to this file instead of stdout. A regular file (also through a
        /// symlink) is written only once the run is complete, keeping its permissions and
        /// links; a device or FIFO is written as the run goes; /dev/stdout and /dev/stderr
        /// are this process's own streams.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Stop after this many events if the run has not gone quiet.
        #[arg(long, default_value_t = run::DEFAULT_BUDGET)]
        max_events: u64,
    },
    /// Validate scenario files without running them. Exit 0 if all are valid, else 2.
    Check {
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
    },
    /// Run a scenario to a time, then run a command inside one of its machines while the
    /// clock advances; print what the real tool prints and exit with its status: 124 if it
    /// had not finished when the run ended, 2 on bad input, 141 if the reader of its output
    /// went away, 3 with `sim-cli: internal error:` lines on an internal error.
    Exec {
        scenario: PathBuf,
        /// When to start the command, e.g. `40s`.
        #[arg(long, value_parser = parse_time)]
        at: SimTime,
        /// The machine: `node/NAME` or `pod/NAME`.
        #[arg(long)]
        on: String,
        #[arg(long)]
        seed: Option<u64>,
        /// Give up if the command is still running at this simulated time (default: the
        /// scenario's `until`, if it has one).
        #[arg(long, value_parser = parse_time)]
        until: Option<SimTime>,
        /// Give up after this many events if the command has not exited.
        #[arg(long, default_value_t = run::DEFAULT_BUDGET)]
        max_events: u64,
        /// The command and its arguments (after `--`), e.g. `-- ping -c 3 10.181.5.146`.
        #[arg(last = true, required = true)]
        command: Vec<String>,
    },
    /// An interactive session in a running scenario: a prompt on one of its machines at a
    /// simulated time; each line runs there as the clock advances, and the timeline's own
    /// steps still run at their times. `kubectl exec -it POD -- sh`, `docker exec -it`
    /// and `ssh NODE` move between machines, `exit` comes back; `:help` lists the
    /// session's own commands. Without a terminal it reads lines from stdin and prints a
    /// transcript.
    Shell {
        scenario: PathBuf,
        /// The machine: `node/NAME` or `pod/NAME`, controller-made pods included
        /// (default: the Kubernetes master, else the first node).
        #[arg(long)]
        on: Option<String>,
        /// When the session starts, e.g. `20s` (default: the time of the scenario's first
        /// `expect` step, else of its last step).
        #[arg(long, value_parser = parse_time)]
        at: Option<SimTime>,
        #[arg(long)]
        seed: Option<u64>,
        /// Without a terminal there is no Ctrl-C: a command still running after this much
        /// simulated time is interrupted as Ctrl-C would (the transcript shows `^C`).
        #[arg(long, value_parser = parse_dur, default_value = "10s")]
        interrupt_after: Dur,
        /// Events one command (or `:advance`) may dispatch before it is interrupted.
        #[arg(long, default_value_t = run::DEFAULT_BUDGET)]
        max_events: u64,
    },
}

fn parse_dur(s: &str) -> Result<Dur, String> {
    Dur::parse(s).map_err(|e| e.to_string())
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn parse_time(s: &str) -> Result<SimTime, String> {
    Dur::parse(s)
        .map(|d| SimTime(d.0))
        .map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            say!("sim-cli: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// A write to stdout failed: a reader that went away (`| head`) ends the process quietly,
/// as SIGPIPE ends a real tool; anything else (a full disk, `/dev/full`) is an error,
/// exit 2.
fn write_failed(e: std::io::Error, what: &str) -> anyhow::Result<ExitCode> {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        die_of_sigpipe();
    }
    Err(anyhow::Error::new(e).context(what.to_string()))
}

/// Loads a scenario; on bad input prints why and gives exit status 2. `warn`: print the
/// scenario's warnings on stderr (they do not change the exit status); `until`: the run
/// has an end from the command line, so "never goes quiet" is moot.
fn load(path: &Path, warn: bool, until: bool) -> Result<Scenario, ExitCode> {
    let scenario = Scenario::load(path).map_err(|e| {
        match &e {
            LoadError::Invalid(diags) => {
                for d in diags {
                    say!("{d}");
                }
            }
            _ => say!("sim-cli: {e}"),
        }
        ExitCode::from(2)
    })?;
    if warn {
        for w in scenario.warnings_to_show(until) {
            say!("{}", w.as_warning());
        }
    }
    Ok(scenario)
}

fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Shell {
            scenario,
            on,
            at,
            seed,
            interrupt_after,
            max_events,
        } => shell::main(shell::Args {
            scenario,
            on,
            at,
            seed,
            interrupt_after,
            max_events,
        }),
        Command::Run {
            scenario,
            seed,
            until,
            format,
            out,
            max_events,
        } => {
            if out.is_none() && stdout_closed() {
                say!(
                    "sim-cli: stdout is closed: the trace would be lost; give it somewhere to go (a file, `--out FILE`, or `>/dev/null` to discard it)"
                );
                return Ok(ExitCode::from(2));
            }
            let input = scenario.clone();
            let scenario = match load(&scenario, true, until.is_some()) {
                Ok(s) => s,
                Err(code) => return Ok(code),
            };
            let opts = RunOptions {
                seed,
                until,
                budget: max_events,
            };
            // The trace streams: each record is rendered and written as it happens, so a
            // long run does not hold its trace in memory. `--out` to a regular file goes to
            // a temporary file that is renamed into place only when the run is complete.
            let (writer, mut tmp): (Box<dyn Write>, Option<TempFile>) = match &out {
                Some(path) => open_out(path, &input)?,
                None => (
                    Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
                    None,
                ),
            };
            let lines = Lines::new(writer, format);
            let mut progress = ProgressLine::new("run");
            let outcome =
                run::run_observed(&scenario, &opts, Box::new(lines.clone()), &mut progress);
            progress.erase();
            if let Err(e) = lines.finish() {
                // A reader that went away (`| head`) just stops the output; the run has
                // finished and its status still says whether the expectations held.
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    return Err(anyhow::Error::new(e).context("writing the trace"));
                }
            }
            if let Some(tmp) = tmp.take() {
                tmp.commit()?;
            }
            if let Some(report) = internal_error(&outcome.violations, &scenario, opts) {
                let _ = write!(std::io::stderr(), "{report}");
                return Ok(ExitCode::from(3));
            }
            if let End::Budget { at, .. } = outcome.end {
                say!(
                    "sim-cli: the event budget (--max-events {max_events}) ran out at {}s with events still pending; if the run never goes quiet, give it an end time (--until, or `until:` in the scenario); else raise the budget with --max-events N",
                    at.secs_micros()
                );
                return Ok(ExitCode::from(1));
            }
            if let Some(failed) = outcome.failed_expect() {
                say!(
                    "sim-cli: {}: expectation failed: steps[{}] at {} on {}: `{}`: {}",
                    scenario.file,
                    failed.step,
                    failed.at,
                    failed.on,
                    trace::text::escape_controls(&failed.cmd),
                    trace::text::escape_controls(failed.result.as_ref().unwrap_err())
                );
                return Ok(ExitCode::from(1));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { scenarios } => {
            if stdout_closed() {
                say!("sim-cli: stdout is closed: the report would be lost");
                return Ok(ExitCode::from(2));
            }
            let mut stdout = std::io::stdout().lock();
            let mut ok = true;
            for path in &scenarios {
                match load(path, true, false) {
                    Ok(s) => {
                        if let Err(e) = writeln!(
                            stdout,
                            "{}: ok ({} nodes, {} steps)",
                            trace::text::escape_controls(&path.display().to_string()),
                            s.nodes.len(),
                            s.steps.len()
                        ) {
                            return write_failed(e, "writing the report");
                        }
                    }
                    Err(_) => ok = false,
                }
            }
            if let Err(e) = stdout.flush() {
                return write_failed(e, "writing the report");
            }
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            })
        }
        Command::Exec {
            scenario,
            at,
            on,
            seed,
            until,
            max_events,
            command,
        } => {
            if stdout_closed() {
                say!("sim-cli: stdout is closed: the command's output would be lost");
                return Ok(ExitCode::from(2));
            }
            let scenario = match load(&scenario, false, true) {
                Ok(s) => s,
                Err(code) => return Ok(code),
            };
            if let Some(until) = until
                && until < at
            {
                say!("sim-cli: --until {until} is before --at {at}; the command would never start");
                return Ok(ExitCode::from(2));
            }
            if until.is_none()
                && let Some(end) = scenario.until
                && end < at
            {
                say!(
                    "sim-cli: the scenario's `until` ({end}) is before --at {at}; the command would never start; give a later end time with --until"
                );
                return Ok(ExitCode::from(2));
            }
            let Some(node) = scenario.machine_index(&on) else {
                let known = scenario.machines();
                say!(
                    "sim-cli: unknown machine `{on}`; expected one of: {}",
                    known.join(", ")
                );
                return Ok(ExitCode::from(2));
            };
            let opts = RunOptions {
                seed,
                until,
                budget: max_events,
            };
            let cmd = shell_join(&command);
            // The command's output goes out as it is printed, so a command that prints
            // forever runs in flat memory, and a reader that goes away stops it at once.
            let stdout = std::io::stdout();
            let mut io = ExecIo {
                progress: ProgressLine::new("exec"),
                // As C's stdio: line by line to a terminal, in blocks to a pipe or file.
                out: if stdout.is_terminal() {
                    Box::new(stdout.lock())
                } else {
                    Box::new(std::io::BufWriter::with_capacity(1 << 16, stdout.lock()))
                },
                error: None,
            };
            let outcome = run::exec_observed(&scenario, &opts, at, node, &cmd, &mut io);
            io.progress.erase();
            if io.error.is_none()
                && let Err(e) = io.out.flush()
            {
                io.error = Some(e);
            }
            if let Some(e) = io.error {
                if e.kind() == std::io::ErrorKind::BrokenPipe {
                    // As a real tool on SIGPIPE: end quietly, killed by the signal (a
                    // shell reports 141).
                    die_of_sigpipe();
                }
                return Err(anyhow::Error::new(e).context("writing the command's output"));
            }
            if let Some(report) = internal_error(&outcome.violations, &scenario, opts) {
                let _ = write!(std::io::stderr(), "{report}");
                return Ok(ExitCode::from(3));
            }
            let still = if outcome.started {
                format!("`{cmd}` was still running")
            } else {
                format!("before `{cmd}` started")
            };
            match (outcome.exit, outcome.end) {
                (Some(code), _) => return Ok(ExitCode::from(code.clamp(0, 255) as u8)),
                (None, End::Budget { at: t, .. }) => say!(
                    "sim-cli: the event budget (--max-events {max_events}) ran out at {}s, {still}; raise it with --max-events N",
                    t.secs_micros()
                ),
                (None, End::Until(t)) => {
                    let whose = if until.is_some() {
                        "--until"
                    } else {
                        "the scenario's `until`"
                    };
                    say!(
                        "sim-cli: the run stopped at {}s ({whose}), {still}",
                        t.secs_micros()
                    )
                }
                (None, End::Quiescent(t)) => say!(
                    "sim-cli: nothing was left to happen at {}s, {still}",
                    t.secs_micros()
                ),
            }
            Ok(ExitCode::from(124))
        }
    }
}

/// The report of a run whose end-of-run invariants broke (exit 3), one line per
/// violation (the first ten), or `None` when the run checked clean.
fn internal_error(
    violations: &[sim_core::scenario::invariants::Violation],
    scenario: &Scenario,
    opts: RunOptions,
) -> Option<String> {
    if violations.is_empty() {
        return None;
    }
    const SHOWN: usize = 10;
    let mut out = String::new();
    for v in violations.iter().take(SHOWN) {
        out.push_str(&format!("sim-cli: internal error: {v}\n"));
    }
    if violations.len() > SHOWN {
        out.push_str(&format!(
            "sim-cli: internal error: and {} more\n",
            violations.len() - SHOWN
        ));
    }
    out.push_str(&format!(
        "sim-cli: internal error: the simulator broke its own invariants; please report this with the scenario file ({}) and --seed {}\n",
        scenario.file,
        opts.seed.unwrap_or(scenario.seed)
    ));
    Some(out)
}

/// Joins argv back into one command line, quoting where a shell would need it. A lone
/// `|` word is the simulated shell's pipe, and a single argument with spaces is taken as
/// a whole command line (`-- 'ps aux | grep docker'`), as `sh -c` would.
fn shell_join(args: &[String]) -> String {
    if let [line] = args
        && line.contains(char::is_whitespace)
    {
        return line.clone();
    }
    args.iter()
        .map(|a| {
            if a == "|"
                || (!a.is_empty()
                    && a.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+%".contains(c)))
            {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The temporary file a run is writing, if any: the signal handler removes it.
static TEMP: Mutex<Option<PathBuf>> = Mutex::new(None);

/// The trace of a run whose `--out` is a regular file (or a new path), kept in a temporary
/// file until the run is complete: then renamed into place for a new path, or copied into
/// the existing file, so that the file keeps its inode, owner, permissions and hard links.
/// Removed on every other way out: an error, a panic (the guard drops as the stack unwinds),
/// SIGINT, SIGTERM or SIGHUP (see `on_signals`).
struct TempFile {
    tmp: PathBuf,
    path: PathBuf,
    /// The existing file, opened for writing (without truncating) before the run, so a
    /// file the user may not write is refused before anything runs.
    into: Option<std::fs::File>,
    /// Renamed into place: nothing is left to remove.
    renamed: bool,
}

impl TempFile {
    /// For a new `path` (`into` is `None`) the temporary file goes beside it, so the rename
    /// is atomic; for an existing file, beside it if its directory is writable, else in
    /// the system's temporary directory. The file is made with `O_EXCL` (`create_new`),
    /// which never follows a symlink someone planted under its name: a name that exists
    /// is skipped for the next one.
    fn create(
        path: &Path,
        into: Option<std::fs::File>,
    ) -> anyhow::Result<(TempFile, std::fs::File)> {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = path.file_name().context("--out needs a file name")?;
        on_signals();
        let mut dirs = vec![dir.to_path_buf()];
        if into.is_some() {
            dirs.push(std::env::temp_dir());
        }
        let mut last = None;
        for dir in dirs {
            for n in 0..100 {
                let tmp = dir.join(format!(
                    ".{}.tmp-{}-{n}",
                    name.to_string_lossy(),
                    std::process::id()
                ));
                match std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&tmp)
                {
                    Ok(file) => {
                        *TEMP.lock().unwrap_or_else(|e| e.into_inner()) = Some(tmp.clone());
                        let guard = TempFile {
                            tmp,
                            path: path.to_path_buf(),
                            into,
                            renamed: false,
                        };
                        return Ok((guard, file));
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                    Err(e) => {
                        last = Some(e);
                        break;
                    }
                }
            }
        }
        let e = last.unwrap_or_else(|| std::io::ErrorKind::AlreadyExists.into());
        Err(anyhow::Error::new(e).context(match into {
            None => format!("cannot create {}", path.display()),
            Some(_) => format!(
                "cannot write {}: no room for its temporary file",
                path.display()
            ),
        }))
    }

    /// Puts the complete trace in place. A new path gets it by a rename. An existing file
    /// gets it copied in, whole or not at all: the space is reserved first (a full disk
    /// leaves the file as it was), the copy overwrites in place and then trims, and a
    /// signal that arrives meanwhile waits until the copy is done (the signal thread needs
    /// `TEMP`, held here). The guard removes the temporary file afterwards.
    fn commit(mut self) -> anyhow::Result<()> {
        let what = || format!("writing {}", self.path.display());
        let mut temp = TEMP.lock().unwrap_or_else(|e| e.into_inner());
        match self.into.take() {
            None => {
                std::fs::rename(&self.tmp, &self.path).with_context(what)?;
                self.renamed = true;
                *temp = None;
            }
            Some(mut into) => {
                use std::io::{Seek, SeekFrom};
                let mut from = std::fs::File::open(&self.tmp).with_context(what)?;
                let len = from.metadata().with_context(what)?.len();
                reserve(&into, len).with_context(what)?;
                into.seek(SeekFrom::Start(0)).with_context(what)?;
                std::io::copy(&mut from, &mut into).with_context(what)?;
                into.set_len(len).with_context(what)?;
                into.flush().with_context(what)?;
            }
        }
        Ok(())
    }
}

/// Reserves `len` bytes of disk for `file` without changing what it holds, so the copy
/// that follows cannot run out of space halfway (`posix_fallocate`; the size grows only
/// if `len` is larger, and shrinks back if the reservation fails). A filesystem that
/// cannot reserve (EOPNOTSUPP, EINVAL) is written without.
fn reserve(file: &std::fs::File, len: u64) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let before = file.metadata()?.len();
    if len == 0 {
        return Ok(());
    }
    let Ok(len_off) = libc::off_t::try_from(len) else {
        return Err(std::io::ErrorKind::FileTooLarge.into());
    };
    // SAFETY: the descriptor is open for the duration of the call.
    match unsafe { libc::posix_fallocate(file.as_raw_fd(), 0, len_off) } {
        0 => Ok(()),
        libc::EOPNOTSUPP | libc::EINVAL => Ok(()),
        err => {
            let _ = file.set_len(before);
            Err(std::io::Error::from_raw_os_error(err))
        }
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let mut temp = TEMP.lock().unwrap_or_else(|e| e.into_inner());
        if !self.renamed {
            let _ = std::fs::remove_file(&self.tmp);
        }
        if temp.as_ref() == Some(&self.tmp) {
            *temp = None;
        }
    }
}

/// On SIGINT, SIGTERM or SIGHUP: removes the temporary file, then dies of the signal as
/// if it had not been caught, so the shell reports it as usual (130, 143, 129).
fn on_signals() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        std::thread::spawn(move || {
            if let Some(sig) = signals.forever().next() {
                if let Some(tmp) = TEMP.lock().unwrap_or_else(|e| e.into_inner()).take() {
                    let _ = std::fs::remove_file(tmp);
                }
                let _ = signal_hook::low_level::emulate_default_handler(sig);
                std::process::exit(128 + sig);
            }
        });
    });
}

/// Ends the process as SIGPIPE's default action does (Rust ignores SIGPIPE, so a write to
/// a pipe whose reader went away returns an error instead).
fn die_of_sigpipe() -> ! {
    let _ = std::io::stderr().flush();
    let _ = signal_hook::low_level::emulate_default_handler(signal_hook::consts::SIGPIPE);
    std::process::exit(128 + signal_hook::consts::SIGPIPE);
}

/// Opens where `--out` writes.
/// - `/dev/stdout`, `/dev/stderr`, `/dev/fd/1|2` and `/proc/self/fd/1|2` are this process's
///   own streams, written as they are (as GNU tools do): opening them again would
///   truncate the file the shell redirected to, and lose its append mode.
/// - A regular file, directly or through symlinks, is checked writable before the run and
///   gets the trace once the run is complete, copied in (the file keeps its inode, owner,
///   permissions and hard links); a new path gets it by a rename. See [`TempFile`].
/// - A device, FIFO or socket, or a dangling symlink, is opened and written as it is:
///   renaming over `/dev/null` would replace the device with a file.
fn open_out(path: &Path, input: &Path) -> anyhow::Result<(Box<dyn Write>, Option<TempFile>)> {
    if path.as_os_str().as_encoded_bytes().ends_with(b"/") {
        anyhow::bail!(
            "--out {} names a directory (it ends with /); expected a file name",
            path.display()
        );
    }
    let buffered = |w: Box<dyn Write>| Box::new(std::io::BufWriter::new(w)) as Box<dyn Write>;
    match path.to_str() {
        Some("/dev/stdout" | "/dev/fd/1" | "/proc/self/fd/1") => {
            if stdout_closed() {
                anyhow::bail!("--out {}: stdout is closed", path.display());
            }
            return Ok((buffered(Box::new(std::io::stdout())), None));
        }
        Some("/dev/stderr" | "/dev/fd/2" | "/proc/self/fd/2") => {
            return Ok((buffered(Box::new(std::io::stderr())), None));
        }
        _ => {}
    }
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if std::fs::symlink_metadata(path).is_ok() {
                // A dangling symlink: writing creates its target, as a shell's `>` does.
                let file = std::fs::File::create(path)
                    .with_context(|| format!("cannot create {}", path.display()))?;
                return Ok((buffered(Box::new(file)), None));
            }
            let (guard, file) = TempFile::create(path, None)?;
            return Ok((buffered(Box::new(file)), Some(guard)));
        }
        Err(e) => return Err(anyhow::Error::new(e).context(format!("--out {}", path.display()))),
    };
    if meta.is_dir() {
        anyhow::bail!(
            "--out {} is a directory; expected a file name",
            path.display()
        );
    }
    if meta.is_file() {
        if same_file(&meta, input) {
            anyhow::bail!(
                "--out {} is the scenario file itself: the trace would replace it; expected another file",
                path.display()
            );
        }
        let into = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let (guard, file) = TempFile::create(&target, Some(into))?;
        return Ok((buffered(Box::new(file)), Some(guard)));
    }
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok((buffered(Box::new(file)), None))
}

/// Whether `meta` (of `--out`) and the file at `other` are one file (device and inode).
fn same_file(meta: &std::fs::Metadata, other: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(other).is_ok_and(|o| o.dev() == meta.dev() && o.ino() == meta.ino())
}

/// Whether stdout was closed when the program started (`>&-`). Rust's runtime then opens
/// /dev/null read-write in its place, so writes would vanish without an error; a shell's
/// `>/dev/null` opens it write-only. Linux only (`/proc`); elsewhere, `false`.
fn stdout_closed() -> bool {
    if std::fs::read_link("/proc/self/fd/1").ok().as_deref() != Some(Path::new("/dev/null")) {
        return false;
    }
    std::fs::read_to_string("/proc/self/fdinfo/1")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("flags:"))
                .and_then(|f| u32::from_str_radix(f.trim(), 8).ok())
        })
        .is_some_and(|flags| flags & 0o3 == 0o2) // O_ACCMODE == O_RDWR
}

/// After this much wall time a run shows its progress line.
const PROGRESS_AFTER: Duration = Duration::from_secs(2);

/// The progress line on stderr, when stderr is a terminal and the run has gone on for
/// [`PROGRESS_AFTER`]: redrawn in place, erased at the end. The wall clock lives here,
/// not in the simulation.
struct ProgressLine {
    what: &'static str,
    start: Instant,
    on: bool,
    shown: bool,
}

impl ProgressLine {
    fn new(what: &'static str) -> Self {
        ProgressLine {
            what,
            start: Instant::now(),
            on: std::io::stderr().is_terminal(),
            shown: false,
        }
    }

    fn erase(&mut self) {
        if self.shown {
            let _ = write!(std::io::stderr(), "\r\x1b[K");
            self.shown = false;
        }
    }
}

impl Observer for ProgressLine {
    fn progress(&mut self, now: SimTime, events: u64) {
        let wall = self.start.elapsed();
        if self.on && wall >= PROGRESS_AFTER {
            let _ = write!(
                std::io::stderr(),
                "\r\x1b[K{}",
                progress_line(self.what, now, events, wall)
            );
            self.shown = true;
        }
    }
}

/// `sim-cli run: 1h2m3s simulated, 3276800 events, 812345 events/s (Ctrl-C stops it)`.
fn progress_line(what: &str, now: SimTime, events: u64, wall: Duration) -> String {
    let secs = Dur(now.0 / 1_000_000_000 * 1_000_000_000);
    let rate = (events as f64 / wall.as_secs_f64().max(1e-3)) as u64;
    format!("sim-cli {what}: {secs} simulated, {events} events, {rate} events/s (Ctrl-C stops it)")
}

/// `exec`'s observer: the command's output goes to the real stdout and stderr as printed.
struct ExecIo {
    progress: ProgressLine,
    out: Box<dyn Write>,
    /// The first error writing stdout; the run then ends.
    error: Option<std::io::Error>,
}

impl Observer for ExecIo {
    fn progress(&mut self, now: SimTime, events: u64) {
        self.progress.progress(now, events);
    }

    fn output(&mut self, stream: Stream, text: &str) -> ControlFlow<()> {
        self.progress.erase();
        match stream {
            Stream::Stdout => {
                if let Err(e) = self.out.write_all(text.as_bytes()) {
                    self.error = Some(e);
                    return ControlFlow::Break(());
                }
            }
            // Nowhere to report a failure to write stderr: the output goes on.
            Stream::Stderr => {
                let _ = std::io::stderr().write_all(text.as_bytes());
            }
        }
        ControlFlow::Continue(())
    }
}

/// A trace sink that renders each record as a line and writes it at once. Shared (`Rc`)
/// so the caller can flush it and collect the first write error after the run.
#[derive(Clone)]
struct Lines(Rc<RefCell<LinesInner>>);

struct LinesInner {
    out: Box<dyn Write>,
    format: Format,
    error: Option<std::io::Error>,
}

impl Lines {
    fn new(out: Box<dyn Write>, format: Format) -> Self {
        Lines(Rc::new(RefCell::new(LinesInner {
            out,
            format,
            error: None,
        })))
    }

    /// Flushes; returns the first write error, if any.
    fn finish(&self) -> std::io::Result<()> {
        let mut inner = self.0.borrow_mut();
        if let Some(e) = inner.error.take() {
            return Err(e);
        }
        inner.out.flush()
    }
}

impl Sink<TraceEvent> for Lines {
    fn record(&mut self, record: Record<TraceEvent>, names: &[String]) {
        let mut inner = self.0.borrow_mut();
        if inner.error.is_some() {
            return; // stop writing after the first error (e.g. a closed pipe)
        }
        let line = match inner.format {
            Format::Text => trace::text::line(&record, names),
            Format::Json => trace::json::line(&record, names),
        };
        if let Err(e) = writeln!(inner.out, "{line}") {
            inner.error = Some(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::scenario::invariants::Violation;

    /// The progress line: whole simulated seconds, events, and the rate by wall time.
    #[test]
    fn progress_line_reads_simulated_time_events_and_rate() {
        assert_eq!(
            progress_line(
                "run",
                SimTime(3_723_500_000_000),
                3_276_800,
                Duration::from_secs(4)
            ),
            "sim-cli run: 1h2m3s simulated, 3276800 events, 819200 events/s (Ctrl-C stops it)"
        );
    }

    /// A panic while the trace is being written (the stack unwinds through the guard)
    /// removes the temporary file.
    #[test]
    fn a_panic_removes_the_temp_file() {
        let dir = std::env::temp_dir().join(format!("sim-cli-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("trace.txt");
        let tmp = std::panic::catch_unwind(|| {
            let (guard, _file) = TempFile::create(&path, None).unwrap();
            assert!(guard.tmp.exists());
            std::panic::panic_any(guard.tmp.clone());
        })
        .unwrap_err()
        .downcast::<PathBuf>()
        .unwrap();
        assert!(!tmp.exists(), "{}", tmp.display());
        assert!(!path.exists());
    }

    /// The temporary file is made with O_EXCL: a symlink planted under its name (which is
    /// predictable: the pid) is skipped, never written through, so another user cannot
    /// make a run overwrite a file they point it at.
    #[test]
    fn a_planted_symlink_under_the_temp_name_is_never_written_through() {
        let dir = std::env::temp_dir().join(format!("sim-cli-plant-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let victim = dir.join("victim");
        std::fs::write(&victim, "precious\n").unwrap();
        let path = dir.join("x.txt");
        // The first names the scheme would take (and the one it took before it had a
        // counter), each a link to the victim.
        let pid = std::process::id();
        let planted: Vec<PathBuf> = [format!(".x.txt.tmp-{pid}"), format!(".x.txt.tmp-{pid}-0")]
            .iter()
            .map(|n| dir.join(n))
            .collect();
        for p in &planted {
            let _ = std::fs::remove_file(p);
            std::os::unix::fs::symlink(&victim, p).unwrap();
        }
        let (guard, mut file) = TempFile::create(&path, None).unwrap();
        assert!(!planted.contains(&guard.tmp));
        writeln!(file, "the trace").unwrap();
        drop(file);
        guard.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "the trace\n");
        assert!(
            std::fs::symlink_metadata(&planted[1])
                .unwrap()
                .file_type()
                .is_symlink()
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Copying into an existing file reserves the space first and overwrites in place: a
    /// longer old file is trimmed to the trace, a shorter one grows to it.
    #[test]
    fn the_trace_is_copied_into_an_existing_file_whole() {
        let dir = std::env::temp_dir().join(format!("sim-cli-into-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for old in ["a much longer old content than the trace\n", "x"] {
            let path = dir.join("existing.txt");
            std::fs::write(&path, old).unwrap();
            let into = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
            let (guard, mut file) = TempFile::create(&path, Some(into)).unwrap();
            writeln!(file, "the trace").unwrap();
            drop(file);
            let tmp = guard.tmp.clone();
            guard.commit().unwrap();
            assert_eq!(std::fs::read_to_string(&path).unwrap(), "the trace\n");
            assert!(!tmp.exists());
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A broken invariant becomes a report that names it and asks for the scenario file and
    /// the seed the run used (the `--seed` given, else the scenario's); a clean run says
    /// nothing.
    #[test]
    fn broken_invariants_are_reported_with_file_and_seed() {
        let scenario = Scenario::parse(
            "t.ron",
            r#"Scenario(name: "t", seed: 9, cluster: (nodes: [(name: "a", ip: "10.0.0.1/24")]), steps: [])"#,
        )
        .unwrap();
        let opts = RunOptions::default();
        assert_eq!(internal_error(&[], &scenario, opts), None);
        let lost = Violation::LostPacket {
            packet: sim_core::wire::PacketId(7),
        };
        let report = internal_error(std::slice::from_ref(&lost), &scenario, opts).unwrap();
        assert_eq!(
            report,
            "sim-cli: internal error: packet #7 vanished: the trace shows it on its way, then neither delivered nor dropped, and nothing holds it\n\
             sim-cli: internal error: the simulator broke its own invariants; please report this with the scenario file (t.ron) and --seed 9\n"
        );
        let many = vec![lost; 12];
        let seeded = RunOptions {
            seed: Some(4),
            ..opts
        };
        let report = internal_error(&many, &scenario, seeded).unwrap();
        assert_eq!(report.lines().count(), 12);
        assert!(report.contains("and 2 more\n"));
        assert!(report.ends_with("--seed 4\n"));
    }
}
