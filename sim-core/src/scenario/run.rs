//! Replaying a scenario: steps at their times, then until quiet (or `until`), with an
//! event budget so a run that never goes quiet stops cleanly.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::ControlFlow;
use std::rc::Rc;

use super::build::{Action, Scenario};
use super::invariants::{self, Violation};
use crate::engine::{ActorId, Dur, Limits, Record, Sim, SimTime, Sink, Stop, VecSink};
use crate::net::{Msg, Net, NsId};
use crate::tools;
use crate::trace::{EndHow, Stream, TraceEvent};

/// Events one run may dispatch before it is stopped: far above any scenario here. A run
/// that never goes quiet (a `ping` without `-c`) stops after about 15 s of wall time, its
/// trace streamed by the CLI (measured: 101 MB peak RSS, docs/performance.md).
pub const DEFAULT_BUDGET: u64 = 10_000_000;

#[derive(Clone, Copy, Debug)]
pub struct RunOptions {
    /// Overrides the scenario's seed.
    pub seed: Option<u64>,
    /// Overrides the scenario's `until`.
    pub until: Option<SimTime>,
    pub budget: u64,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            seed: None,
            until: None,
            budget: DEFAULT_BUDGET,
        }
    }
}

/// Events between two calls of [`Observer::progress`].
pub const PROGRESS_EVERY: u64 = 1 << 16;

/// What a caller watches while a run goes on. The simulation has no clock: a caller that
/// wants to show progress by wall time (the CLI's progress line) reads its own clock when
/// called.
pub trait Observer {
    /// Called after every [`PROGRESS_EVERY`] events, with the simulated time and the events
    /// dispatched so far (both only grow).
    fn progress(&mut self, _now: SimTime, _events: u64) {}

    /// `exec`: the command printed `text`, exactly as printed (one event's worth). `Break`
    /// ends the run at once: the reader of the output went away.
    fn output(&mut self, _stream: Stream, _text: &str) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }
}

/// Watches nothing.
impl Observer for () {}

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// Nothing was left to happen.
    Quiescent(SimTime),
    /// The `until` time was reached.
    Until(SimTime),
    /// The event budget ran out at this time with events still pending.
    Budget { at: SimTime, events: u64 },
}

#[derive(Clone, Debug)]
pub struct ExpectOutcome {
    /// Index in the file's `steps`.
    pub step: usize,
    pub at: SimTime,
    pub on: String,
    pub cmd: String,
    /// `Ok(what held)` or `Err(what failed)`.
    pub result: Result<String, String>,
}

/// How a run went, without its trace (which went to the sink).
pub struct Summary {
    /// Actor names, indexed by `ActorId`, for rendering.
    pub names: Vec<String>,
    pub expects: Vec<ExpectOutcome>,
    pub end: End,
    /// Broken invariants found when the run stopped (`invariants`): empty unless the
    /// simulator has a bug.
    pub violations: Vec<Violation>,
}

impl Summary {
    pub fn failed_expect(&self) -> Option<&ExpectOutcome> {
        self.expects.iter().find(|e| e.result.is_err())
    }
}

/// A run with its trace collected in memory (tests, small runs).
pub struct Outcome {
    pub records: Vec<Record<TraceEvent>>,
    pub summary: Summary,
}

/// A condition checked after every event (`exec`: the command has exited, or the reader of
/// its output went away); it may hand the observer what the command printed.
type StopWhen<'s> = dyn FnMut(&mut Sim<Net>, &mut dyn Observer) -> bool + 's;

/// Drives a simulation through a scenario's timeline.
struct Driver<'a> {
    scenario: &'a Scenario,
    sim: Sim<Net>,
    next_step: usize,
    budget: u64,
    expects: BTreeMap<usize, (ActorId, SimTime)>,
    /// Events dispatched when the observer is next told.
    next_progress: u64,
    /// Steps at exactly `until` wait for a later drive (`Live`: the session starts just
    /// before them, so they run while the learner watches).
    hold_at_until: bool,
    /// The processes the timeline's steps started, when someone asks (`Live`).
    started: Option<Started>,
}

impl<'a> Driver<'a> {
    fn new(scenario: &'a Scenario, opts: &RunOptions, sink: Box<dyn Sink<TraceEvent>>) -> Self {
        let seed = opts.seed.unwrap_or(scenario.seed);
        Driver {
            scenario,
            sim: scenario.instantiate(seed, sink),
            next_step: 0,
            budget: opts.budget,
            expects: BTreeMap::new(),
            next_progress: PROGRESS_EVERY,
            hold_at_until: false,
            started: None,
        }
    }

    /// The invariants, checked on the simulation as it stands.
    fn violations(&self) -> Vec<Violation> {
        invariants::check(&self.sim)
    }

    /// Runs events and steps up to `until` (or until quiet). With `stop`, goes one event at
    /// a time and returns as soon as `stop` holds. Tells `obs` the progress every
    /// [`PROGRESS_EVERY`] events.
    fn drive(
        &mut self,
        until: Option<SimTime>,
        mut stop: Option<&mut StopWhen>,
        obs: &mut dyn Observer,
    ) -> End {
        loop {
            if let Some(f) = stop.as_mut()
                && f(&mut self.sim, obs)
            {
                return End::Until(self.sim.now());
            }
            let step_at = self
                .scenario
                .steps
                .get(self.next_step)
                .map(|s| s.at)
                .filter(|s| until.is_none_or(|u| *s < u || (*s == u && !self.hold_at_until)));
            let before = self.sim.dispatched();
            let chunk = if stop.is_some() {
                self.budget.min(1)
            } else {
                self.budget.min(self.next_progress - before)
            };
            let result = self.sim.run(Limits {
                until: step_at.or(until),
                budget: Some(chunk),
            });
            let dispatched = self.sim.dispatched();
            self.budget = self.budget.saturating_sub(dispatched - before);
            if dispatched >= self.next_progress {
                obs.progress(self.sim.now(), dispatched);
                self.next_progress = dispatched + PROGRESS_EVERY;
            }
            match result {
                Stop::Budget { .. } if self.budget == 0 => {
                    return End::Budget {
                        at: self.sim.now(),
                        events: self.sim.dispatched(),
                    };
                }
                Stop::Budget { .. } => continue,
                Stop::Until(_) | Stop::Quiescent if step_at.is_some() => self.apply_step(),
                Stop::Until(t) => return End::Until(t),
                Stop::Quiescent => {
                    return match until {
                        Some(u) => End::Until(u),
                        None => End::Quiescent(self.sim.now()),
                    };
                }
            }
        }
    }

    fn apply_step(&mut self) {
        let step = &self.scenario.steps[self.next_step];
        self.next_step += 1;
        match &step.action {
            Action::Exec { node, cmd } => {
                // Its output is in the trace; no one reads it later.
                let id = tools::start_with(&mut self.sim, NsId(*node as u32), cmd, None, false);
                if let Some(started) = &self.started {
                    started.0.borrow_mut().insert(id);
                }
            }
            Action::Expect { node, cmd, expect } => {
                let keep = expect.reads_output();
                let id = tools::start_with(
                    &mut self.sim,
                    NsId(*node as u32),
                    cmd,
                    Some(expect.clone()),
                    keep,
                );
                self.expects.insert(step.index, (id, step.at));
                if let Some(started) = &self.started {
                    started.0.borrow_mut().insert(id);
                }
            }
            Action::Link { a, b, up } => {
                let edge = self
                    .sim
                    .world
                    .fabric
                    .link_between(a, b)
                    .expect("validated: the link exists");
                self.sim.world.fabric.set_link_up(edge, *up);
                let scenario = self.sim.lookup("scenario").expect("timeline actor");
                let name = self.sim.world.fabric.link(edge).name.clone();
                self.sim.trace(
                    scenario,
                    TraceEvent::Link {
                        link: name,
                        up: *up,
                    },
                );
            }
        }
    }

    fn expect_outcomes(&self) -> Vec<ExpectOutcome> {
        let mut out = Vec::new();
        for step in &self.scenario.steps {
            let Action::Expect { node, cmd, expect } = &step.action else {
                continue;
            };
            let on = self.scenario.machines()[*node].clone();
            let result = match self.expects.get(&step.index) {
                None => Err(format!(
                    "never ran: the run ended at {} before its time",
                    self.sim.now()
                )),
                Some((id, _)) => match self.sim.world.procs.get(id) {
                    Some(p) if p.exit.is_some() => expect.check(p),
                    _ => Err(format!(
                        "still running when the run ended at {}",
                        self.sim.now()
                    )),
                },
            };
            out.push(ExpectOutcome {
                step: step.index,
                at: step.at,
                on,
                cmd: cmd.clone(),
                result,
            });
        }
        out
    }
}

/// Runs a scenario and returns its trace and expectation results.
pub fn run(scenario: &Scenario, opts: &RunOptions) -> Outcome {
    let sink = VecSink::default();
    let summary = run_into(scenario, opts, Box::new(sink.clone()));
    Outcome {
        records: sink.take(),
        summary,
    }
}

/// Runs a scenario, handing every trace record to `sink` as it happens.
pub fn run_into(
    scenario: &Scenario,
    opts: &RunOptions,
    sink: Box<dyn Sink<TraceEvent>>,
) -> Summary {
    run_observed(scenario, opts, sink, &mut ())
}

/// [`run_into`], telling `obs` how far the run has gone.
pub fn run_observed(
    scenario: &Scenario,
    opts: &RunOptions,
    sink: Box<dyn Sink<TraceEvent>>,
    obs: &mut dyn Observer,
) -> Summary {
    drive_to_end(scenario, opts, sink, obs).0
}

/// [`run`], also handing back the simulation as the run left it (the machines' files, the
/// process table): for tests that read what commands wrote, such as a pcap file.
pub fn run_to_end(scenario: &Scenario, opts: &RunOptions) -> (Outcome, Sim<Net>) {
    let sink = VecSink::default();
    let (summary, sim) = drive_to_end(scenario, opts, Box::new(sink.clone()), &mut ());
    let outcome = Outcome {
        records: sink.take(),
        summary,
    };
    (outcome, sim)
}

fn drive_to_end(
    scenario: &Scenario,
    opts: &RunOptions,
    sink: Box<dyn Sink<TraceEvent>>,
    obs: &mut dyn Observer,
) -> (Summary, Sim<Net>) {
    let mut d = Driver::new(scenario, opts, sink);
    let until = opts.until.or(scenario.until);
    let end = d.drive(until, None, obs);
    // Commands still running that say how they end with the run (a kubectl watch).
    let notes: Vec<(ActorId, String)> = d
        .sim
        .world
        .procs
        .iter()
        .filter(|(_, p)| p.exit.is_none())
        .filter_map(|(id, p)| p.at_run_end.clone().map(|line| (*id, line)))
        .collect();
    for (id, line) in notes {
        d.sim.trace(id, TraceEvent::Log { line });
    }
    let expects = d.expect_outcomes();
    let failed = expects.iter().filter(|e| e.result.is_err()).count() as u32;
    let timeline = d.sim.lookup("scenario").expect("timeline actor");
    d.sim.trace(
        timeline,
        TraceEvent::End {
            how: match end {
                End::Quiescent(_) => EndHow::Quiescent,
                End::Until(_) => EndHow::Until,
                End::Budget { .. } => EndHow::Budget,
            },
            expects_held: expects.len() as u32 - failed,
            expects_failed: failed,
        },
    );
    let summary = Summary {
        names: d.sim.names().to_vec(),
        expects,
        end,
        violations: d.violations(),
    };
    (summary, d.sim)
}

/// What `sim-cli exec` reports.
pub struct ExecOutcome {
    /// What the command printed ([`exec`]; empty from [`exec_observed`], whose observer
    /// was handed it as printed).
    pub stdout: String,
    pub stderr: String,
    /// `None` if the command had not finished when the run ended (budget or `until`), or
    /// the observer ended the run.
    pub exit: Option<i32>,
    pub end: End,
    /// The command began. `false` when the run ended first: the event budget ran out
    /// before the command's time, or before its first event.
    pub started: bool,
    /// The observer ended the run (the reader of the output went away).
    pub closed: bool,
    /// Broken invariants found when the run stopped, as in [`Summary`].
    pub violations: Vec<Violation>,
}

/// Runs the scenario to `at`, starts `cmd` on machine `on` (`node/NAME`), and keeps the
/// world running (steps included) until the command exits or the run reaches its end time
/// (`opts.until`, else the scenario's `until`).
pub fn exec(
    scenario: &Scenario,
    opts: &RunOptions,
    at: SimTime,
    on: usize,
    cmd: &str,
) -> ExecOutcome {
    #[derive(Default)]
    struct Collect {
        stdout: String,
        stderr: String,
    }
    impl Observer for Collect {
        fn output(&mut self, stream: Stream, text: &str) -> ControlFlow<()> {
            match stream {
                Stream::Stdout => self.stdout.push_str(text),
                Stream::Stderr => self.stderr.push_str(text),
            }
            ControlFlow::Continue(())
        }
    }
    let mut collect = Collect::default();
    let outcome = exec_observed(scenario, opts, at, on, cmd, &mut collect);
    ExecOutcome {
        stdout: collect.stdout,
        stderr: collect.stderr,
        ..outcome
    }
}

/// [`exec`], handing the command's output to `obs` as it is printed (nothing is kept, so
/// a command that prints forever runs in flat memory) and telling it the progress.
pub fn exec_observed(
    scenario: &Scenario,
    opts: &RunOptions,
    at: SimTime,
    on: usize,
    cmd: &str,
    obs: &mut dyn Observer,
) -> ExecOutcome {
    // Only the command's own output is wanted: the trace is discarded as it is made.
    let mut d = Driver::new(scenario, opts, Box::new(()));
    let end = d.drive(Some(at), None, obs);
    if let End::Budget { .. } = end {
        return ExecOutcome {
            stdout: String::new(),
            stderr: String::new(),
            exit: None,
            end,
            started: false,
            closed: false,
            violations: d.violations(),
        };
    }
    // The record keeps the output only until it is handed on, after each event.
    let id = tools::start_with(&mut d.sim, NsId(on as u32), cmd, None, true);
    let mut closed = false;
    let mut hand_on = |sim: &mut Sim<Net>, obs: &mut dyn Observer| {
        let proc = sim.world.procs.get_mut(&id).expect("started");
        for stream in [Stream::Stdout, Stream::Stderr] {
            let text = std::mem::take(match stream {
                Stream::Stdout => &mut proc.stdout,
                Stream::Stderr => &mut proc.stderr,
            });
            if !text.is_empty() && obs.output(stream, &text).is_break() {
                closed = true;
                return true;
            }
        }
        proc.exit.is_some()
    };
    let until = opts.until.or(scenario.until);
    let mut end = d.drive(until, Some(&mut hand_on), obs);
    // What the last event printed, when the run ended on its own limit.
    hand_on(&mut d.sim, obs);
    let proc = &d.sim.world.procs[&id];
    if closed {
        end = End::Until(d.sim.now());
    }
    ExecOutcome {
        stdout: String::new(),
        stderr: String::new(),
        exit: if closed { None } else { proc.exit },
        end,
        started: proc.ran,
        closed,
        violations: d.violations(),
    }
}

/// The processes a live run's timeline steps started (`Live`), shared with its driver.
#[derive(Clone, Default)]
pub struct Started(Rc<RefCell<BTreeSet<ActorId>>>);

impl Started {
    /// Whether process `id` was started by a timeline step, or by a process that was (a
    /// step's `kubectl exec` child).
    pub fn by_timeline(&self, world: &crate::net::World, id: ActorId) -> bool {
        let started = self.0.borrow();
        let mut at = id;
        loop {
            if started.contains(&at) {
                return true;
            }
            match world.procs.get(&at).and_then(|p| p.parent) {
                Some(parent) => at = parent,
                None => return false,
            }
        }
    }
}

/// A run driven from outside, a little at a time (`sim-cli shell`): started to a time,
/// then advanced by whoever drives it, who may start commands in it between events, look
/// at the world, and stop commands as Ctrl-C would. The timeline's steps run at their
/// times as the clock passes them. It is as deterministic as a whole run: the same calls
/// in the same order give the same events.
pub struct Live<'a> {
    d: Driver<'a>,
    budget: u64,
    started: Started,
}

impl<'a> Live<'a> {
    /// Instantiates `scenario` and runs it to `at`: the events up to `at` and the steps
    /// before it (steps at `at` itself run when the clock next moves, with the learner
    /// watching). The trace goes to `sink` as it happens. `budget` bounds the events of
    /// this and of each later call.
    pub fn start(
        scenario: &'a Scenario,
        seed: Option<u64>,
        at: SimTime,
        budget: u64,
        sink: Box<dyn Sink<TraceEvent>>,
    ) -> (Self, End) {
        let opts = RunOptions {
            seed,
            until: None,
            budget,
        };
        let mut d = Driver::new(scenario, &opts, sink);
        let started = Started::default();
        d.hold_at_until = true;
        d.started = Some(started.clone());
        let end = d.drive(Some(at), None, &mut ());
        d.hold_at_until = false;
        (Live { d, budget, started }, end)
    }

    pub fn now(&self) -> SimTime {
        self.d.sim.now()
    }

    /// The simulation as it stands (machines, pods, processes), to read.
    pub fn sim(&self) -> &Sim<Net> {
        &self.d.sim
    }

    /// The processes the timeline started.
    pub fn started(&self) -> &Started {
        &self.started
    }

    /// Starts `cmd` in machine `ns` now, keeping what it prints in its record (the caller
    /// takes it as printed: [`Live::take_output`], or from `sim.world.procs`).
    pub fn command(&mut self, ns: NsId, cmd: &str) -> ActorId {
        tools::start_with(&mut self.d.sim, ns, cmd, None, true)
    }

    /// Takes what process `id` printed since the last call, and its exit status once it
    /// has one.
    pub fn take_output(sim: &mut Sim<Net>, id: ActorId) -> (String, String, Option<i32>) {
        let proc = sim.world.procs.get_mut(&id).expect("started");
        (
            std::mem::take(&mut proc.stdout),
            std::mem::take(&mut proc.stderr),
            proc.exit,
        )
    }

    /// Ctrl-C for process `id`: it gets SIGINT's message now, after what is queued for
    /// this instant.
    pub fn interrupt(&mut self, id: ActorId) {
        if self
            .d
            .sim
            .world
            .procs
            .get(&id)
            .is_some_and(|p| p.exit.is_none())
        {
            self.d.sim.schedule(Dur::ZERO, id, Msg::Interrupt);
        }
    }

    /// Runs events and steps up to `until`, one event at a time, calling `each` before
    /// every event and once at the end; returns as soon as `each` says stop. The clock
    /// reaches `until` when nothing stops it before.
    pub fn run(&mut self, until: SimTime, each: &mut dyn FnMut(&mut Sim<Net>) -> bool) -> End {
        self.d.budget = self.budget;
        let mut stop = |sim: &mut Sim<Net>, _: &mut dyn Observer| each(sim);
        let end = self.d.drive(Some(until), Some(&mut stop), &mut ());
        each(&mut self.d.sim);
        end
    }

    /// The invariants, checked on the simulation as it stands.
    pub fn violations(&self) -> Vec<Violation> {
        self.d.violations()
    }
}
