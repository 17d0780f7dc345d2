//! Actors, their context, and the run loop.
//!
//! **Architecture Invariant:** one run is single-threaded and its order is fully specified:
//! events are dispatched in (time, insertion sequence) order, time never goes backwards, and
//! every random draw comes from the stream of the actor that makes it. Nothing here reads a
//! clock or iterates a hash map.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use super::queue::RadixQueue;
use super::rng::{self, Stream};
use super::time::{Dur, SimTime};

/// Ties the engine to a simulation: its closed message type, the shared world state that
/// actors act on (kernel state, the underlay), and its closed trace event type.
pub trait Model: 'static {
    type Msg;
    type World;
    type Event;

    /// Sees every trace event, with the world, before the sink gets it: bookkeeping the
    /// model checks when a run stops (the network model's packet ledger). Nothing by
    /// default; statically dispatched, so a model without it pays nothing.
    #[inline]
    fn observe(_world: &mut Self::World, _event: &Self::Event) {}
}

/// An actor's index in its simulation. Stable for the life of the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct ActorId(pub u32);

/// Cancels a timer made with `schedule_cancellable` that has not fired yet. Cancelling one
/// that has fired already is a no-op.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct CancelKey(u64);

/// Something that receives messages.
pub trait Actor<M: Model> {
    fn handle(&mut self, msg: M::Msg, cx: &mut Ctx<'_, M>);
}

/// One trace record: when, who, what.
#[derive(Clone, Debug, PartialEq)]
pub struct Record<E> {
    pub time: SimTime,
    pub actor: ActorId,
    pub event: E,
}

/// Where trace records go, as they happen. `names` maps every `ActorId` so far to its
/// name, so a sink can render and write a record at once (streaming) instead of keeping it.
pub trait Sink<E> {
    fn record(&mut self, record: Record<E>, names: &[String]);
}

/// Keeps every record in memory, in order. Clones share the same records, so the caller
/// keeps one clone and hands the other to the simulation.
pub struct VecSink<E>(Rc<RefCell<Vec<Record<E>>>>);

impl<E> Clone for VecSink<E> {
    fn clone(&self) -> Self {
        VecSink(Rc::clone(&self.0))
    }
}

impl<E> Default for VecSink<E> {
    fn default() -> Self {
        VecSink(Rc::new(RefCell::new(Vec::new())))
    }
}

impl<E> VecSink<E> {
    /// Takes the records collected so far.
    pub fn take(&self) -> Vec<Record<E>> {
        std::mem::take(&mut self.0.borrow_mut())
    }
}

impl<E> Sink<E> for VecSink<E> {
    fn record(&mut self, record: Record<E>, _: &[String]) {
        self.0.borrow_mut().push(record);
    }
}

/// Discards records (benchmarks).
impl<E> Sink<E> for () {
    fn record(&mut self, _: Record<E>, _: &[String]) {}
}

/// How far one call to [`Sim::run`] may go.
#[derive(Clone, Copy, Debug, Default)]
pub struct Limits {
    /// Dispatch events at or before this time, then set the clock to it.
    pub until: Option<SimTime>,
    /// Dispatch at most this many events in this call.
    pub budget: Option<u64>,
}

/// Why [`Sim::run`] returned. All three are normal outcomes, not errors: the caller may run
/// again after any of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// No event is pending.
    Quiescent,
    /// The clock reached `Limits::until`; events after it remain pending.
    Until(SimTime),
    /// `Limits::budget` events were dispatched; `pending` remain.
    Budget { dispatched: u64, pending: usize },
}

struct Envelope<Msg> {
    to: ActorId,
    msg: Msg,
}

struct Slot<M: Model> {
    actor: Option<Box<dyn Actor<M>>>,
    rng: Stream,
}

/// Engine state an actor's context can reach, apart from the actors themselves.
struct Core<M: Model> {
    queue: RadixQueue<Envelope<M::Msg>>,
    /// Sequence numbers of cancellable timers still queued.
    cancellable: BTreeSet<u64>,
    /// Sequence numbers of cancelled timers still queued (a subset of what was cancellable).
    cancelled: BTreeSet<u64>,
    names: Vec<String>,
    by_name: BTreeMap<String, ActorId>,
    spawned: Vec<(ActorId, Box<dyn Actor<M>>, Stream)>,
    exited: Vec<ActorId>,
    /// How many times each name was given up (`Ctx::release_name`): the next actor of
    /// that name draws from the stream `NAME#N`, not its predecessor's.
    released: BTreeMap<String, u32>,
    sink: Box<dyn Sink<M::Event>>,
    seed: u64,
}

impl<M: Model> Core<M> {
    #[inline]
    fn enqueue(&mut self, at: SimTime, to: ActorId, msg: M::Msg) -> u64 {
        self.queue.push(at, Envelope { to, msg })
    }

    fn record(&mut self, time: SimTime, actor: ActorId, event: M::Event) {
        self.sink.record(Record { time, actor, event }, &self.names);
    }

    /// Events queued that will be dispatched (cancelled timers excluded).
    fn live(&self) -> usize {
        self.queue.len() - self.cancelled.len()
    }

    /// The random stream of a new actor named `name`: from the seed and the name, or
    /// `NAME#N` when the name was released N times before.
    fn stream(&self, name: &str) -> Stream {
        match self.released.get(name) {
            Some(n) => rng::stream(self.seed, &format!("{name}#{n}")),
            None => rng::stream(self.seed, name),
        }
    }

    fn register(&mut self, name: String) -> ActorId {
        assert!(
            !self.by_name.contains_key(&name),
            "actor name `{name}` registered twice"
        );
        let id = ActorId(self.names.len() as u32);
        self.by_name.insert(name.clone(), id);
        self.names.push(name);
        id
    }
}

/// A discrete-event simulation of one [`Model`].
pub struct Sim<M: Model> {
    core: Core<M>,
    actors: Vec<Slot<M>>,
    now: SimTime,
    dispatched: u64,
    /// Shared state that actors act on during their events (for the network model: every
    /// namespace's kernel state and the underlay).
    pub world: M::World,
}

impl<M: Model> Sim<M> {
    pub fn new(seed: u64, world: M::World, sink: Box<dyn Sink<M::Event>>) -> Self {
        Sim {
            core: Core {
                queue: RadixQueue::new(),
                cancellable: BTreeSet::new(),
                cancelled: BTreeSet::new(),
                names: Vec::new(),
                by_name: BTreeMap::new(),
                spawned: Vec::new(),
                exited: Vec::new(),
                released: BTreeMap::new(),
                sink,
                seed,
            },
            actors: Vec::new(),
            now: SimTime::ZERO,
            dispatched: 0,
            world,
        }
    }

    pub fn now(&self) -> SimTime {
        self.now
    }

    pub fn seed(&self) -> u64 {
        self.core.seed
    }

    /// Events dispatched so far (cancelled ones are not counted).
    pub fn dispatched(&self) -> u64 {
        self.dispatched
    }

    /// Events that will still be dispatched.
    pub fn pending(&self) -> usize {
        self.core.live()
    }

    /// Every event still queued that will be dispatched (cancelled timers left out), in no
    /// particular order: when, for whom, what. For checks at the end of a run.
    pub fn pending_events(&self) -> impl Iterator<Item = (SimTime, ActorId, &M::Msg)> {
        self.core
            .queue
            .iter()
            .filter(|(_, seq, _)| !self.core.cancelled.contains(seq))
            .map(|(at, _, env)| (at, env.to, &env.msg))
    }

    /// Timers in the past: events still queued for a time before the clock, sorted by (time,
    /// actor). `run` dispatches every event due before it moves the clock, so this is empty
    /// unless the engine has a bug (checked at the end of every scenario run).
    pub fn overdue(&self) -> Vec<(SimTime, ActorId)> {
        let mut late: Vec<(SimTime, ActorId)> = self
            .pending_events()
            .filter(|(at, _, _)| *at < self.now)
            .map(|(at, to, _)| (at, to))
            .collect();
        late.sort();
        late
    }

    /// Adds an actor under a stable, unique name. Its random stream is derived from the
    /// scenario seed and this name alone. Panics on a duplicate name: callers validate
    /// names first, so a duplicate here is a bug.
    pub fn add(&mut self, name: impl Into<String>, actor: Box<dyn Actor<M>>) -> ActorId {
        self.flush_spawned();
        let name = name.into();
        let rng = self.core.stream(&name);
        let id = self.core.register(name);
        debug_assert_eq!(id.0 as usize, self.actors.len());
        self.actors.push(Slot {
            actor: Some(actor),
            rng,
        });
        id
    }

    pub fn lookup(&self, name: &str) -> Option<ActorId> {
        self.core.by_name.get(name).copied()
    }

    pub fn name(&self, id: ActorId) -> &str {
        &self.core.names[id.0 as usize]
    }

    /// Every actor's name, indexed by `ActorId`.
    pub fn names(&self) -> &[String] {
        &self.core.names
    }

    /// Whether the actor exists and has not exited.
    pub fn is_alive(&self, id: ActorId) -> bool {
        self.actors
            .get(id.0 as usize)
            .is_some_and(|slot| slot.actor.is_some())
    }

    /// Delivers `msg` to `to` after `delay`, from outside any actor (scenario steps).
    pub fn schedule(&mut self, delay: Dur, to: ActorId, msg: M::Msg) {
        self.core.enqueue(self.now + delay, to, msg);
    }

    /// Records a trace event from outside any actor, attributed to `actor`.
    pub fn trace(&mut self, actor: ActorId, event: M::Event) {
        M::observe(&mut self.world, &event);
        self.core.record(self.now, actor, event);
    }

    /// A random stream owned by the simulation's caller under `name`, derived like an
    /// actor's (for entities that are not actors, such as links).
    pub fn stream(&self, name: &str) -> Stream {
        rng::stream(self.core.seed, name)
    }

    /// Dispatches events in order until a limit is hit or nothing is pending. The budget
    /// is reported only when an event was due and could not run.
    pub fn run(&mut self, limits: Limits) -> Stop {
        let start = self.dispatched;
        let budget = limits.budget.unwrap_or(u64::MAX);
        loop {
            let live = self.core.live();
            if let Some(until) = limits.until {
                match self.core.queue.peek_time() {
                    Some(at) if at <= until && live > 0 => {}
                    Some(_) if live > 0 => {
                        self.advance_to(until);
                        return Stop::Until(until);
                    }
                    _ => {
                        self.advance_to(until);
                        return Stop::Quiescent;
                    }
                }
            } else if live == 0 {
                // Only cancelled timers may remain; they stay queued, unseen.
                return Stop::Quiescent;
            }
            let dispatched = self.dispatched - start;
            if dispatched >= budget {
                return Stop::Budget {
                    dispatched,
                    pending: live,
                };
            }
            let (at, seq, env) = self.core.queue.pop().expect("a live event is queued");
            // A cancelled timer is discarded unseen. A live event follows (or `until` is
            // ahead), so the clock passes `at` either way.
            if !self.core.cancellable.is_empty()
                && self.core.cancellable.remove(&seq)
                && self.core.cancelled.remove(&seq)
            {
                continue;
            }
            assert!(
                at >= self.now,
                "time went backwards: {at:?} < {:?}",
                self.now
            );
            self.now = at;
            self.dispatch(env.to, env.msg);
        }
    }

    fn advance_to(&mut self, t: SimTime) {
        if t > self.now {
            self.now = t;
        }
    }

    #[inline]
    fn dispatch(&mut self, to: ActorId, msg: M::Msg) {
        self.dispatched += 1;
        let Some(slot) = self.actors.get_mut(to.0 as usize) else {
            // Spawned during this event: not installed yet, so it cannot have messages.
            unreachable!("message to unknown actor {to:?}");
        };
        let Some(actor) = slot.actor.as_mut() else {
            // The actor exited; its late timers and messages are discarded by design.
            return;
        };
        let mut cx = Ctx {
            now: self.now,
            me: to,
            world: &mut self.world,
            rng: &mut slot.rng,
            core: &mut self.core,
        };
        actor.handle(msg, &mut cx);
        if !self.core.spawned.is_empty() || !self.core.exited.is_empty() {
            self.flush_spawned();
        }
    }

    fn flush_spawned(&mut self) {
        for (id, actor, rng) in std::mem::take(&mut self.core.spawned) {
            debug_assert_eq!(id.0 as usize, self.actors.len());
            self.actors.push(Slot {
                actor: Some(actor),
                rng,
            });
        }
        for id in std::mem::take(&mut self.core.exited) {
            self.actors[id.0 as usize].actor = None;
        }
    }
}

/// What an actor can do while it handles a message.
pub struct Ctx<'a, M: Model> {
    now: SimTime,
    me: ActorId,
    /// The shared world (kernel state, underlay).
    pub world: &'a mut M::World,
    rng: &'a mut Stream,
    core: &'a mut Core<M>,
}

impl<M: Model> Ctx<'_, M> {
    pub fn now(&self) -> SimTime {
        self.now
    }

    pub fn me(&self) -> ActorId {
        self.me
    }

    pub fn my_name(&self) -> &str {
        &self.core.names[self.me.0 as usize]
    }

    pub fn name(&self, id: ActorId) -> &str {
        &self.core.names[id.0 as usize]
    }

    pub fn lookup(&self, name: &str) -> Option<ActorId> {
        self.core.by_name.get(name).copied()
    }

    /// This actor's own random stream.
    pub fn rng(&mut self) -> &mut Stream {
        self.rng
    }

    /// Sends `msg` to this actor after `delay` (a timer).
    #[inline]
    pub fn schedule(&mut self, delay: Dur, msg: M::Msg) {
        self.core.enqueue(self.now + delay, self.me, msg);
    }

    /// Like `schedule`, and the key cancels it until it fires. Only these timers pay for
    /// cancellation (a set insert now, a lookup when they fire).
    pub fn schedule_cancellable(&mut self, delay: Dur, msg: M::Msg) -> CancelKey {
        let seq = self.core.enqueue(self.now + delay, self.me, msg);
        self.core.cancellable.insert(seq);
        CancelKey(seq)
    }

    /// Like `schedule_cancellable`, for another actor (a kernel timer armed while a process
    /// runs the kernel's path on its behalf).
    pub fn schedule_cancellable_for(&mut self, to: ActorId, delay: Dur, msg: M::Msg) -> CancelKey {
        let seq = self.core.enqueue(self.now + delay, to, msg);
        self.core.cancellable.insert(seq);
        CancelKey(seq)
    }

    /// Sends `msg` to `to` at the current time, after every event already queued for now.
    pub fn send(&mut self, to: ActorId, msg: M::Msg) {
        self.core.enqueue(self.now, to, msg);
    }

    /// Sends `msg` to `to` after `delay` (a crossing with latency).
    #[inline]
    pub fn send_in(&mut self, delay: Dur, to: ActorId, msg: M::Msg) {
        self.core.enqueue(self.now + delay, to, msg);
    }

    /// Cancels a pending timer; a no-op if it already fired or was cancelled.
    pub fn cancel(&mut self, key: CancelKey) {
        if self.core.cancellable.contains(&key.0) {
            self.core.cancelled.insert(key.0);
        }
    }

    /// Records a trace event attributed to this actor.
    pub fn trace(&mut self, event: M::Event) {
        self.trace_as(self.me, event);
    }

    /// Records a trace event attributed to another actor (e.g. the device owner that a
    /// kernel path runs on behalf of).
    pub fn trace_as(&mut self, actor: ActorId, event: M::Event) {
        M::observe(self.world, &event);
        self.core.record(self.now, actor, event);
    }

    /// Starts a new actor under a stable, unique name; it can receive messages at once.
    /// Returns `None` if the name is taken.
    pub fn spawn(&mut self, name: impl Into<String>, actor: Box<dyn Actor<M>>) -> Option<ActorId> {
        let name = name.into();
        if self.core.by_name.contains_key(&name) {
            return None;
        }
        let rng = self.core.stream(&name);
        let id = self.core.register(name);
        self.core.spawned.push((id, actor, rng));
        Some(id)
    }

    /// Frees `id`'s name for a new actor (a deleted pod's namespace: a new pod of the same
    /// name gets a namespace of its own). `id` keeps running and keeps its name in the
    /// trace; only `lookup` and `spawn` no longer see it. The new actor's random stream is
    /// `NAME#N` (the Nth reuse), so it does not repeat its predecessor's draws.
    pub fn release_name(&mut self, id: ActorId) {
        let name = &self.core.names[id.0 as usize];
        if self.core.by_name.get(name) == Some(&id) {
            self.core.by_name.remove(name);
            *self.core.released.entry(name.clone()).or_default() += 1;
        }
    }

    /// Ends this actor after the current message. Later messages to it are discarded.
    pub fn exit(&mut self) {
        self.core.exited.push(self.me);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct M;
    impl Model for M {
        type Msg = u32;
        type World = ();
        type Event = ();
    }

    /// Arms a cancellable timer at 2 s on its first message and cancels it at once.
    struct Canceller;
    impl Actor<M> for Canceller {
        fn handle(&mut self, msg: u32, cx: &mut Ctx<'_, M>) {
            if msg == 0 {
                let key = cx.schedule_cancellable(Dur::from_secs(2), 1);
                cx.cancel(key);
            }
        }
    }

    /// A run leaves nothing overdue, even a cancelled timer the clock has passed; an event
    /// queued behind the clock (what a bug in `run` or in scheduling would leave) is
    /// reported with its time and actor.
    #[test]
    fn overdue_reports_only_live_events_behind_the_clock() {
        let mut sim: Sim<M> = Sim::new(1, (), Box::new(()));
        let a = sim.add("a", Box::new(Canceller));
        sim.schedule(Dur::from_secs(1), a, 0);
        let stop = sim.run(Limits {
            until: Some(SimTime(10_000_000_000)),
            budget: None,
        });
        // Nothing live was left, so the cancelled timer at 3 s stays queued, unseen, behind
        // the clock.
        assert_eq!(stop, Stop::Quiescent);
        assert_eq!(sim.now(), SimTime(10_000_000_000));
        assert_eq!(sim.core.queue.len(), 1);
        assert!(sim.overdue().is_empty());
        // Broken on purpose: an event behind the clock (the queue allows it, as nothing
        // was popped after 1 s; only `run`'s order keeps this from happening).
        sim.core.enqueue(SimTime(5_000_000_000), a, 7);
        assert_eq!(sim.overdue(), vec![(SimTime(5_000_000_000), a)]);
        assert_eq!(sim.pending_events().count(), 1);
    }

    /// On message 0 spawns `child`, releases its name and spawns `child` again; records
    /// both ids and each one's first draw.
    struct Respawner(Rc<RefCell<Vec<(ActorId, u64)>>>);
    struct Drawer(Rc<RefCell<Vec<(ActorId, u64)>>>);
    impl Actor<M> for Drawer {
        fn handle(&mut self, _: u32, cx: &mut Ctx<'_, M>) {
            use rand::RngExt;
            let v: u64 = cx.rng().random();
            self.0.borrow_mut().push((cx.me(), v));
        }
    }
    impl Actor<M> for Respawner {
        fn handle(&mut self, _: u32, cx: &mut Ctx<'_, M>) {
            let first = cx.spawn("child", Box::new(Drawer(self.0.clone()))).unwrap();
            assert!(
                cx.spawn("child", Box::new(Drawer(self.0.clone())))
                    .is_none()
            );
            cx.release_name(first);
            let second = cx.spawn("child", Box::new(Drawer(self.0.clone()))).unwrap();
            assert_eq!(cx.lookup("child"), Some(second));
            cx.send(first, 0);
            cx.send(second, 0);
        }
    }

    /// A released name can be taken by a new actor, while the old one still runs (and
    /// keeps its name in the trace); the newcomer's random stream is not the old one's.
    #[test]
    fn a_released_name_is_taken_again_with_a_stream_of_its_own() {
        let seen = Rc::new(RefCell::new(Vec::new()));
        let mut sim: Sim<M> = Sim::new(1, (), Box::new(()));
        let a = sim.add("a", Box::new(Respawner(seen.clone())));
        sim.schedule(Dur::from_secs(1), a, 0);
        sim.run(Limits::default());
        let seen = seen.borrow();
        assert_eq!(seen.len(), 2);
        assert_ne!(seen[0].0, seen[1].0);
        assert_eq!(sim.name(seen[0].0), "child");
        assert_eq!(sim.name(seen[1].0), "child");
        assert_ne!(seen[0].1, seen[1].1);
    }
}
