//! Engine behaviour seen from outside: order, timers, run control, random streams.

use rand::RngExt;
use sim_core::engine::{Actor, ActorId, Ctx, Dur, Limits, Model, Sim, SimTime, Stop};

/// A test model: messages are labels; the trace records (time, label) as seen by actors.
struct T;
impl Model for T {
    type Msg = Msg;
    type World = ();
    type Event = String;
}

enum Msg {
    Note(&'static str),
    /// Schedule `Note(label)` after `delay` ns to self, and remember the key in `keys`.
    Timer(u64, &'static str),
    Cancel(usize),
    Spawn(&'static str),
    Exit,
    Draw,
}

#[derive(Default)]
struct Recorder {
    keys: Vec<sim_core::engine::CancelKey>,
}

impl Actor<T> for Recorder {
    fn handle(&mut self, msg: Msg, cx: &mut Ctx<'_, T>) {
        match msg {
            Msg::Note(label) => {
                let line = format!("{} {} {}", cx.now().as_nanos(), cx.my_name(), label);
                cx.trace(line);
            }
            Msg::Timer(delay, label) => {
                let key = cx.schedule_cancellable(Dur(delay), Msg::Note(label));
                self.keys.push(key);
            }
            Msg::Cancel(i) => cx.cancel(self.keys[i]),
            Msg::Spawn(name) => {
                let id = cx.spawn(name, Box::new(Recorder::default())).unwrap();
                cx.send(id, Msg::Note("hello from parent"));
            }
            Msg::Exit => cx.exit(),
            Msg::Draw => {
                let v: u64 = cx.rng().random();
                cx.trace(format!("{} draw {v:016x}", cx.my_name()));
            }
        }
    }
}

/// A sink shared with the test through Rc, so the test can read it after the run.
#[derive(Clone, Default)]
struct Shared(std::rc::Rc<std::cell::RefCell<Vec<String>>>);
impl sim_core::engine::Sink<String> for Shared {
    fn record(&mut self, r: sim_core::engine::Record<String>, _: &[String]) {
        self.0.borrow_mut().push(r.event);
    }
}

fn shared_sim(seed: u64) -> (Sim<T>, Shared) {
    let shared = Shared::default();
    (Sim::new(seed, (), Box::new(shared.clone())), shared)
}

/// Equal times run in the order they were scheduled, across actors, and earlier times first
/// whatever the scheduling order.
#[test]
fn same_time_events_run_in_insertion_order() {
    let (mut sim, out) = shared_sim(1);
    let a = sim.add("a", Box::new(Recorder::default()));
    let b = sim.add("b", Box::new(Recorder::default()));
    sim.schedule(Dur(10), b, Msg::Note("b@10 first"));
    sim.schedule(Dur(5), a, Msg::Note("a@5"));
    sim.schedule(Dur(10), a, Msg::Note("a@10 second"));
    sim.schedule(Dur(10), b, Msg::Note("b@10 third"));
    assert_eq!(sim.run(Limits::default()), Stop::Quiescent);
    assert_eq!(
        *out.0.borrow(),
        [
            "5 a a@5",
            "10 b b@10 first",
            "10 a a@10 second",
            "10 b b@10 third"
        ]
    );
}

#[test]
fn cancelled_timers_do_not_fire() {
    let (mut sim, out) = shared_sim(1);
    let a = sim.add("a", Box::new(Recorder::default()));
    sim.schedule(Dur(0), a, Msg::Timer(100, "kept"));
    sim.schedule(Dur(0), a, Msg::Timer(200, "cancelled"));
    sim.schedule(Dur(50), a, Msg::Cancel(1));
    sim.run(Limits::default());
    assert_eq!(*out.0.borrow(), ["100 a kept"]);
}

/// `until` stops before later events and sets the clock; a budget stops after exactly that
/// many events; running again resumes where it stopped.
#[test]
fn run_control_until_budget_and_resume() {
    let (mut sim, out) = shared_sim(1);
    let a = sim.add("a", Box::new(Recorder::default()));
    for t in [10, 20, 30, 40] {
        sim.schedule(Dur(t), a, Msg::Note("tick"));
    }
    let stop = sim.run(Limits {
        until: Some(SimTime(25)),
        budget: None,
    });
    assert_eq!(stop, Stop::Until(SimTime(25)));
    assert_eq!(sim.now(), SimTime(25));
    assert_eq!(out.0.borrow().len(), 2);
    let stop = sim.run(Limits {
        until: None,
        budget: Some(1),
    });
    assert_eq!(
        stop,
        Stop::Budget {
            dispatched: 1,
            pending: 1
        }
    );
    assert_eq!(sim.run(Limits::default()), Stop::Quiescent);
    assert_eq!(out.0.borrow().len(), 4);
    // Quiescent with an `until` later than the last event still moves the clock there.
    assert_eq!(
        sim.run(Limits {
            until: Some(SimTime(1000)),
            budget: None
        }),
        Stop::Quiescent
    );
    assert_eq!(sim.now(), SimTime(1000));
}

/// A budget stops a run that would never end (a timer that re-arms itself forever).
#[test]
fn budget_stops_an_endless_run() {
    struct Forever;
    impl Actor<T> for Forever {
        fn handle(&mut self, _: Msg, cx: &mut Ctx<'_, T>) {
            cx.schedule(Dur(1), Msg::Exit);
        }
    }
    let (mut sim, _) = shared_sim(1);
    let f = sim.add("forever", Box::new(Forever));
    sim.schedule(Dur(0), f, Msg::Exit);
    let stop = sim.run(Limits {
        until: None,
        budget: Some(10_000),
    });
    assert_eq!(
        stop,
        Stop::Budget {
            dispatched: 10_000,
            pending: 1
        }
    );
}

#[test]
fn spawned_actors_receive_messages_and_exited_ones_do_not() {
    let (mut sim, out) = shared_sim(1);
    let a = sim.add("a", Box::new(Recorder::default()));
    sim.schedule(Dur(1), a, Msg::Spawn("a/child"));
    sim.run(Limits::default());
    let child = sim.lookup("a/child").expect("registered");
    sim.schedule(Dur(1), child, Msg::Exit);
    sim.schedule(Dur(2), child, Msg::Note("after exit"));
    sim.run(Limits::default());
    assert!(!sim.is_alive(child));
    assert_eq!(*out.0.borrow(), ["1 a/child hello from parent"]);
}

/// The property that keeps snapshot diffs small: an actor's draws depend only on the seed
/// and its own name, so adding another actor (before or after it) changes nothing for it.
#[test]
fn adding_an_actor_leaves_other_actors_draws_unchanged() {
    let draws = |names: &[&'static str]| {
        let (mut sim, out) = shared_sim(7);
        let ids: Vec<ActorId> = names
            .iter()
            .map(|n| sim.add(*n, Box::new(Recorder::default())))
            .collect();
        for round in 0..3 {
            for id in &ids {
                sim.schedule(Dur(round), *id, Msg::Draw);
            }
        }
        sim.run(Limits::default());
        out.0.borrow().clone()
    };
    let of = |lines: &[String], who: &str| -> Vec<String> {
        lines
            .iter()
            .filter(|l| l.starts_with(&format!("{who} ")))
            .cloned()
            .collect()
    };
    let before = draws(&["node/a", "node/b"]);
    let after = draws(&["node/new", "node/a", "node/other", "node/b"]);
    assert_eq!(of(&before, "node/a").len(), 3);
    assert_eq!(of(&before, "node/a"), of(&after, "node/a"));
    assert_eq!(of(&before, "node/b"), of(&after, "node/b"));
    assert_ne!(of(&after, "node/a"), of(&after, "node/new"));
}

/// Cancelling a timer that already fired is a no-op, and a queue holding only cancelled
/// timers is quiet: the run ends at the last real event, not at a cancelled timer's time,
/// and a budget is not reported as exhausted by timers that will never fire.
#[test]
fn cancellation_is_precise_and_cancelled_timers_are_not_pending() {
    let (mut sim, out) = shared_sim(1);
    let a = sim.add("a", Box::new(Recorder::default()));
    sim.schedule(Dur(0), a, Msg::Timer(10, "fires"));
    sim.schedule(Dur(0), a, Msg::Timer(1_000, "cancelled"));
    sim.schedule(Dur(20), a, Msg::Cancel(0)); // already fired at 10: no effect
    sim.schedule(Dur(30), a, Msg::Cancel(1));
    let stop = sim.run(Limits {
        until: None,
        budget: Some(6),
    });
    assert_eq!(stop, Stop::Quiescent);
    assert_eq!(sim.now(), SimTime(30));
    assert_eq!(sim.pending(), 0);
    assert_eq!(*out.0.borrow(), ["10 a fires"]);
    // New events after the cancelled timer's time run normally and in order.
    sim.schedule(Dur(5), a, Msg::Note("after"));
    assert_eq!(sim.run(Limits::default()), Stop::Quiescent);
    assert_eq!(out.0.borrow().last().unwrap(), "35 a after");
}
