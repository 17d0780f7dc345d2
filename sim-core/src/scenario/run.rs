//! Replaying a scenario: steps at their times, then until quiet (or `until`), with an
//! event budget so a run that never goes quiet stops cleanly.

use std::collections::BTreeMap;

use super::build::{Action, Scenario};
use super::invariants::{self, Violation};
use crate::engine::{ActorId, Limits, Record, Sim, SimTime, Sink, Stop, VecSink};
use crate::net::{Net, NsId};
use crate::tools;
use crate::trace::{EndHow, TraceEvent};

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

/// A condition checked after every event (`exec`: the command has exited).
type StopWhen = dyn Fn(&Sim<Net>) -> bool;

/// Drives a simulation through a scenario's timeline.
struct Driver<'a> {
    scenario: &'a Scenario,
    sim: Sim<Net>,
    next_step: usize,
    budget: u64,
    expects: BTreeMap<usize, (ActorId, SimTime)>,
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
        }
    }

    /// The invariants, checked on the simulation as it stands.
    fn violations(&self) -> Vec<Violation> {
        invariants::check(&self.sim)
    }

    /// Runs events and steps up to `until` (or until quiet). With `stop`, goes one event at
    /// a time and returns as soon as `stop` holds.
    fn drive(&mut self, until: Option<SimTime>, stop: Option<&StopWhen>) -> End {
        loop {
            if stop.is_some_and(|f| f(&self.sim)) {
                return End::Until(self.sim.now());
            }
            let step_at = self
                .scenario
                .steps
                .get(self.next_step)
                .map(|s| s.at)
                .filter(|s| until.is_none_or(|u| *s <= u));
            let chunk = if stop.is_some() {
                self.budget.min(1)
            } else {
                self.budget
            };
            let before = self.sim.dispatched();
            let result = self.sim.run(Limits {
                until: step_at.or(until),
                budget: Some(chunk),
            });
            self.budget = self.budget.saturating_sub(self.sim.dispatched() - before);
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
                tools::start(&mut self.sim, NsId(*node as u32), cmd, None);
            }
            Action::Expect { node, cmd, expect } => {
                let id = tools::start(&mut self.sim, NsId(*node as u32), cmd, Some(expect.clone()));
                self.expects.insert(step.index, (id, step.at));
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
    let mut d = Driver::new(scenario, opts, sink);
    let until = opts.until.or(scenario.until);
    let end = d.drive(until, None);
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
    Summary {
        names: d.sim.names().to_vec(),
        expects,
        end,
        violations: d.violations(),
    }
}

/// What `sim-cli exec` reports.
pub struct ExecOutcome {
    pub stdout: String,
    pub stderr: String,
    /// `None` if the command had not finished when the run ended (budget or `until`).
    pub exit: Option<i32>,
    pub end: End,
    /// Broken invariants found when the run stopped, as in [`Summary`].
    pub violations: Vec<Violation>,
}

/// Runs the scenario to `at`, starts `cmd` on machine `on` (`node/NAME`), and keeps the
/// world running (steps included) until the command exits.
pub fn exec(
    scenario: &Scenario,
    opts: &RunOptions,
    at: SimTime,
    on: usize,
    cmd: &str,
) -> ExecOutcome {
    // Only the command's own output is wanted: the trace is discarded as it is made.
    let mut d = Driver::new(scenario, opts, Box::new(()));
    let end = d.drive(Some(at), None);
    if let End::Budget { .. } = end {
        return ExecOutcome {
            stdout: String::new(),
            stderr: String::new(),
            exit: None,
            end,
            violations: d.violations(),
        };
    }
    let id = tools::start(&mut d.sim, NsId(on as u32), cmd, None);
    let done = move |sim: &Sim<Net>| sim.world.procs.get(&id).is_some_and(|p| p.exit.is_some());
    let end = d.drive(opts.until, Some(&done));
    let proc = &d.sim.world.procs[&id];
    ExecOutcome {
        stdout: proc.stdout.clone(),
        stderr: proc.stderr.clone(),
        exit: proc.exit,
        end,
        violations: d.violations(),
    }
}
