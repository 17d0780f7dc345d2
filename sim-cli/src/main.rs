//! `sim-cli`: replay a k8s-netsim scenario, validate scenarios, or run a command inside a
//! simulated machine. Exit codes: 0 success; 1 an expectation failed or the run did not
//! finish; 2 bad input or usage; 3 an internal error (a broken invariant: a bug to report).
//! `exec` exits with the command's own status.

use std::cell::RefCell;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::rc::Rc;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use sim_core::engine::{Dur, Record, SimTime, Sink};
use sim_core::scenario::{End, LoadError, RunOptions, Scenario, run};
use sim_core::trace::{self, TraceEvent};

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
    /// fails (it is named on stderr), 2 on bad input.
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
        /// Write the trace to this file (whole or not at all) instead of stdout.
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
    /// clock advances; print what the real tool prints and exit with its status.
    Exec {
        scenario: PathBuf,
        /// When to start the command, e.g. `40s`.
        #[arg(long, value_parser = parse_time)]
        at: SimTime,
        /// The machine: `node/NAME`.
        #[arg(long)]
        on: String,
        #[arg(long)]
        seed: Option<u64>,
        /// Give up if the command is still running at this simulated time.
        #[arg(long, value_parser = parse_time)]
        until: Option<SimTime>,
        /// Give up after this many events if the command has not exited.
        #[arg(long, default_value_t = run::DEFAULT_BUDGET)]
        max_events: u64,
        /// The command and its arguments (after `--`), e.g. `-- ping -c 3 10.181.5.146`.
        #[arg(last = true, required = true)]
        command: Vec<String>,
    },
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
            eprintln!("sim-cli: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn load(path: &Path) -> Result<Scenario, ExitCode> {
    Scenario::load(path).map_err(|e| {
        match &e {
            LoadError::Io { .. } => eprintln!("sim-cli: {e}"),
            LoadError::Invalid(diags) => {
                for d in diags {
                    eprintln!("{d}");
                }
            }
        }
        ExitCode::from(2)
    })
}

fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Run {
            scenario,
            seed,
            until,
            format,
            out,
            max_events,
        } => {
            let scenario = match load(&scenario) {
                Ok(s) => s,
                Err(code) => return Ok(code),
            };
            let opts = RunOptions {
                seed,
                until,
                budget: max_events,
            };
            // The trace streams: each record is rendered and written as it happens, so a
            // long run does not hold its trace in memory. `--out` goes to a temporary file
            // that is renamed into place only when the run is complete.
            let (writer, tmp): (Box<dyn Write>, Option<PathBuf>) = match &out {
                Some(path) => {
                    let tmp = temp_beside(path)?;
                    let file = std::fs::File::create(&tmp)
                        .with_context(|| format!("creating {}", tmp.display()))?;
                    (Box::new(std::io::BufWriter::new(file)), Some(tmp))
                }
                None => (
                    Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
                    None,
                ),
            };
            let lines = Lines::new(writer, format);
            let outcome = run::run_into(&scenario, &opts, Box::new(lines.clone()));
            if let Err(e) = lines.finish() {
                if let Some(tmp) = &tmp {
                    let _ = std::fs::remove_file(tmp);
                }
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    return Err(anyhow::Error::new(e).context("writing the trace"));
                }
            }
            if let (Some(tmp), Some(path)) = (&tmp, &out) {
                std::fs::rename(tmp, path)
                    .with_context(|| format!("writing {}", path.display()))?;
            }
            if let Some(report) = internal_error(&outcome.violations, &scenario, opts) {
                eprint!("{report}");
                return Ok(ExitCode::from(3));
            }
            if let End::Budget { at, events } = outcome.end {
                eprintln!(
                    "sim-cli: stopped after {events} events at {}s with events still pending: the run never goes quiet; give it an end time (--until, or `until:` in the scenario)",
                    at.secs_micros()
                );
                return Ok(ExitCode::from(1));
            }
            if let Some(failed) = outcome.failed_expect() {
                eprintln!(
                    "sim-cli: {}: expectation failed: steps[{}] at {} on {}: `{}`: {}",
                    scenario.file,
                    failed.step,
                    failed.at,
                    failed.on,
                    failed.cmd,
                    failed.result.as_ref().unwrap_err()
                );
                return Ok(ExitCode::from(1));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { scenarios } => {
            let mut ok = true;
            for path in &scenarios {
                match load(path) {
                    Ok(s) => println!(
                        "{}: ok ({} nodes, {} steps)",
                        path.display(),
                        s.nodes.len(),
                        s.steps.len()
                    ),
                    Err(_) => ok = false,
                }
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
            let scenario = match load(&scenario) {
                Ok(s) => s,
                Err(code) => return Ok(code),
            };
            if let Some(until) = until
                && until < at
            {
                eprintln!(
                    "sim-cli: --until {until} is before --at {at}; the command would never start"
                );
                return Ok(ExitCode::from(2));
            }
            let Some(node) = scenario.machine_index(&on) else {
                let known = scenario.machines();
                eprintln!(
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
            let outcome = run::exec(&scenario, &opts, at, node, &cmd);
            std::io::stdout().write_all(outcome.stdout.as_bytes())?;
            std::io::stderr().write_all(outcome.stderr.as_bytes())?;
            if let Some(report) = internal_error(&outcome.violations, &scenario, opts) {
                eprint!("{report}");
                return Ok(ExitCode::from(3));
            }
            match outcome.exit {
                Some(code) => Ok(ExitCode::from(code.clamp(0, 255) as u8)),
                None => {
                    let at = match outcome.end {
                        End::Quiescent(t) | End::Until(t) | End::Budget { at: t, .. } => t,
                    };
                    eprintln!(
                        "sim-cli: `{cmd}` was still running when the run stopped at {}s",
                        at.secs_micros()
                    );
                    Ok(ExitCode::from(124))
                }
            }
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

/// A temporary file name beside `path`, renamed over it when complete.
fn temp_beside(path: &Path) -> anyhow::Result<PathBuf> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().context("--out needs a file name")?;
    Ok(dir.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    )))
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
