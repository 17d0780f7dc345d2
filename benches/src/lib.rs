//! Benchmarks for k8s-netsim.
//!
//! [`hold`] is the discrete-event "hold model": `pending` events are in the queue; each one,
//! when it fires, schedules one more at now + uniform(1, span) ns. It runs through the
//! engine's real path: `Sim::run` pops the queue, dispatches to an actor through its
//! `Box<dyn Actor>`, and the actor schedules through its `Ctx`, drawing the delay from its
//! own ChaCha stream. The same model runs on ns-3 and SimPy in `../shared/bench/`.

pub mod cluster;
pub mod dns;
pub mod hold;
pub mod services;
