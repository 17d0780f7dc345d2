//! The engine: simulated time, the event queue, actors, per-actor random streams and run
//! control. It knows nothing of networks; `net`, `scenario` and the benches plug in through
//! the [`Model`] trait.

pub mod queue;
pub mod rng;
mod sim;
pub mod time;

pub use sim::{Actor, ActorId, CancelKey, Ctx, Limits, Model, Record, Sim, Sink, Stop, VecSink};
pub use time::{Dur, DurError, MAX_DUR, SimTime};
