//! What a caller sees while a run goes on: the progress hook, `exec`'s output handed on as
//! it is printed, and where `exec` stops. Also: a process's output is kept in its record
//! only when someone will read it.

use std::ops::ControlFlow;

use sim_core::engine::{SimTime, VecSink};
use sim_core::net::NsId;
use sim_core::scenario::run::{self, PROGRESS_EVERY};
use sim_core::scenario::{End, Observer, RunOptions, Scenario};
use sim_core::trace::{Stream, TraceEvent};

/// Two nodes on one segment; node/a pings node/b from 1 s without `-c`, so the run never
/// goes quiet, and `until` (if given) ends it.
fn forever(until: Option<&str>) -> Scenario {
    let until = until.map_or(String::new(), |u| format!("until: \"{u}\","));
    let src = format!(
        r#"Scenario(name: "forever", seed: 1, {until}
  cluster: (nodes: [(name: "a", ip: "10.0.0.1/24"), (name: "b", ip: "10.0.0.2/24")]),
  steps: [(at: "1s", exec: (on: "node/a", cmd: "ping 10.0.0.2"))])"#
    );
    Scenario::parse("forever.ron", &src).unwrap_or_else(|e| panic!("{e}"))
}

#[derive(Default)]
struct Watch {
    progress: Vec<(SimTime, u64)>,
    output: Vec<(Stream, String)>,
    /// Return `Break` on the first output.
    hang_up: bool,
}

impl Observer for Watch {
    fn progress(&mut self, now: SimTime, events: u64) {
        self.progress.push((now, events));
    }
    fn output(&mut self, stream: Stream, text: &str) -> ControlFlow<()> {
        self.output.push((stream, text.to_string()));
        if self.hang_up {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }
}

/// The hook is called every PROGRESS_EVERY events with times that never go back, and
/// calling it changes nothing in the run: the trace is the same record for record.
#[test]
fn progress_is_reported_every_n_events_with_monotone_times() {
    let s = forever(None);
    let opts = RunOptions {
        budget: 4 * PROGRESS_EVERY + 10,
        ..Default::default()
    };
    let mut watch = Watch::default();
    let sink = VecSink::default();
    let summary = run::run_observed(&s, &opts, Box::new(sink.clone()), &mut watch);
    assert!(matches!(summary.end, End::Budget { .. }));
    let events: Vec<u64> = watch.progress.iter().map(|p| p.1).collect();
    assert_eq!(
        events,
        (1..=4).map(|i| i * PROGRESS_EVERY).collect::<Vec<_>>()
    );
    assert!(watch.progress.windows(2).all(|w| w[0].0 <= w[1].0));
    assert!(watch.progress[3].0 > SimTime(0));
    let plain = run::run(&s, &opts);
    let observed = sink.take();
    assert_eq!(plain.records.len(), observed.len());
    assert!(
        plain
            .records
            .iter()
            .zip(&observed)
            .all(|(a, b)| a.time == b.time && a.actor == b.actor && a.event == b.event)
    );
}

/// `exec` hands the command's output on as it is printed, a line per probe, rather than
/// all at the end; the pieces are exactly what `exec` collects. It stops at the scenario's
/// `until` with the command still running.
#[test]
fn exec_hands_output_on_as_printed_and_stops_at_until() {
    let s = forever(Some("10s"));
    let mut watch = Watch::default();
    let out = run::exec_observed(
        &s,
        &RunOptions::default(),
        SimTime(0),
        0,
        "ping 10.0.0.2",
        &mut watch,
    );
    assert_eq!(out.end, End::Until(SimTime(10_000_000_000)));
    assert_eq!((out.exit, out.started, out.closed), (None, true, false));
    assert!(out.stdout.is_empty(), "handed on, not kept");
    // The header, then one piece per reply (probes at 0..=9 s, the 10 s reply is after the end).
    assert_eq!(watch.output.len(), 11, "{:?}", watch.output);
    assert!(
        watch.output[0]
            .1
            .starts_with("PING 10.0.0.2 (10.0.0.2) 56(84) bytes of data.\n")
    );
    assert!(
        watch.output[1..]
            .iter()
            .all(|(stream, line)| *stream == Stream::Stdout
                && line.starts_with("64 bytes from 10.0.0.2: icmp_seq=")
                && line.ends_with(" ms\n")
                && line.matches('\n').count() == 1)
    );
    let collected = run::exec(&s, &RunOptions::default(), SimTime(0), 0, "ping 10.0.0.2");
    let pieces: String = watch.output.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(collected.stdout, pieces);
}

/// An observer that hangs up ends the run at once: the command's first output is the last
/// event, so the run ends at the instant the command started.
#[test]
fn exec_ends_when_the_observer_hangs_up() {
    let s = forever(None);
    let mut watch = Watch {
        hang_up: true,
        ..Default::default()
    };
    let out = run::exec_observed(
        &s,
        &RunOptions::default(),
        SimTime(2_000_000_000),
        0,
        "ping 10.0.0.2",
        &mut watch,
    );
    assert!(out.closed);
    assert_eq!(out.exit, None);
    assert_eq!(out.end, End::Until(SimTime(2_000_000_000)));
    assert_eq!(watch.output.len(), 1);
}

/// With a budget too small to reach the command's time, the command never started, and
/// the outcome says so (rather than "still running").
#[test]
fn exec_says_when_the_budget_ended_before_the_command_started() {
    let s = forever(None);
    for budget in [0, 1, 2] {
        let opts = RunOptions {
            budget,
            ..Default::default()
        };
        let out = run::exec(&s, &opts, SimTime(5_000_000_000), 1, "ip route");
        assert!(!out.started, "budget {budget}");
        assert!(matches!(out.end, End::Budget { .. }), "budget {budget}");
        assert_eq!(out.exit, None);
    }
    // A budget that lasts exactly to the command's time: it was started but never ran.
    let out = run::exec(
        &s,
        &RunOptions {
            budget: 0,
            ..Default::default()
        },
        SimTime(0),
        1,
        "ip route",
    );
    assert!(!out.started);
}

/// A process keeps its output in its record only when asked (an `expect` that reads it, a
/// parent that copies it, `exec`); the trace has every line either way. A ping that runs
/// for 60 s keeps nothing.
#[test]
fn output_is_kept_only_when_someone_reads_it() {
    let s = forever(None);
    let sink = VecSink::default();
    let mut sim = s.instantiate(1, Box::new(sink.clone()));
    let quiet = sim_core::tools::start_with(&mut sim, NsId(0), "ping 10.0.0.2", None, false);
    let kept = sim_core::tools::start_with(&mut sim, NsId(1), "ping 10.0.0.1", None, true);
    sim.run(sim_core::engine::Limits {
        until: Some(SimTime(60_000_000_000)),
        budget: None,
    });
    let lines = |id| {
        sink.take()
            .into_iter()
            .filter(|r| r.actor == id && matches!(r.event, TraceEvent::Output { .. }))
            .count()
    };
    assert!(sim.world.procs[&quiet].stdout.is_empty());
    assert!(sim.world.procs[&kept].stdout.contains("icmp_seq=60 "));
    assert!(lines(quiet) > 60);
}

/// `kubectl exec POD -- CMD` passes the command's output through as it is printed, as real
/// kubectl streams it: under `exec`, a command in a pod that never ends shows each reply as
/// it comes (it once showed nothing until the command exited, and kept it all meanwhile).
#[test]
fn kubectl_exec_streams_the_commands_output() {
    let path = super::scenarios_dir().join("first-service.ron");
    let s = super::load(&path);
    let master = s
        .machine_index("node/master")
        .expect("first-service has a master");
    let mut watch = Watch::default();
    let out = run::exec_observed(
        &s,
        &RunOptions {
            until: Some(SimTime(16_000_000_000)),
            ..Default::default()
        },
        SimTime(10_000_000_000),
        master,
        "kubectl exec pod-a -- ping 10.244.33.2",
        &mut watch,
    );
    assert_eq!(out.exit, None, "busybox ping without -c is still running");
    assert!(
        watch.output[0]
            .1
            .starts_with("PING 10.244.33.2 (10.244.33.2): 56 data bytes\n"),
        "{:?}",
        watch.output
    );
    let replies = watch.output[1..]
        .iter()
        .filter(|(stream, line)| *stream == Stream::Stdout && line.starts_with("64 bytes from"))
        .count();
    assert_eq!(replies, watch.output.len() - 1, "{:?}", watch.output);
    assert!(
        replies >= 5,
        "one piece per reply, as printed: {:?}",
        watch.output
    );
}
