//! The hold model on the engine.

use rand::RngExt;
use sim_core::engine::{Actor, Ctx, Dur, Limits, Model, Sim, Stop};

/// The model: a timer message carries nothing; the world counts firings left.
pub struct Hold;

impl Model for Hold {
    type Msg = ();
    type World = Budget;
    type Event = ();
}

/// How many firings may still schedule a successor.
pub struct Budget {
    pub left: u64,
}

/// One actor owns every pending timer, as one process with many timers would.
struct Timers {
    span: u64,
}

impl Actor<Hold> for Timers {
    #[inline]
    fn handle(&mut self, _: (), cx: &mut Ctx<'_, Hold>) {
        if cx.world.left == 0 {
            return;
        }
        cx.world.left -= 1;
        let delay = cx.rng().random_range(1..self.span);
        cx.schedule(Dur(delay), ());
    }
}

/// A simulation with `pending` timers queued at uniform(0, span) ns and `events` firings to
/// go. Running it to quiescence dispatches `events + pending` events.
pub fn setup(pending: u64, events: u64, span: u64) -> Sim<Hold> {
    let mut sim = Sim::new(1, Budget { left: events }, Box::new(()));
    let id = sim.add("timers", Box::new(Timers { span }));
    let mut rng = sim.stream("setup");
    for _ in 0..pending {
        sim.schedule(Dur(rng.random_range(0..span)), id, ());
    }
    sim
}

/// Runs the model to quiescence; returns the number of events dispatched.
pub fn run(sim: &mut Sim<Hold>) -> u64 {
    let before = sim.dispatched();
    let stop = sim.run(Limits::default());
    assert_eq!(stop, Stop::Quiescent);
    sim.dispatched() - before
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The model dispatches exactly `events + pending` events and then goes quiet, so the
    /// events/s figures count what they claim to.
    #[test]
    fn dispatches_events_plus_pending() {
        let mut sim = setup(100, 5_000, 1_000_000);
        assert_eq!(run(&mut sim), 5_100);
        assert_eq!(sim.pending(), 0);
    }

    /// In steady state the queue holds exactly `pending` events.
    #[test]
    fn keeps_the_queue_at_n() {
        let mut sim = setup(1_000, u64::MAX, 1_000_000);
        sim.run(Limits {
            until: None,
            budget: Some(10_000),
        });
        assert_eq!(sim.pending(), 1_000);
    }
}
