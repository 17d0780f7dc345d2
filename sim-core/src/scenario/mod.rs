//! Scenarios: what the user wrote ([`spec`]), validated into a [`Scenario`] ([`build`]),
//! replayed ([`run`]), and checked when a run stops ([`invariants`]).

pub mod build;
pub mod invariants;
pub mod locate;
pub mod manifests;
pub mod run;
pub mod spec;

pub use build::{Action, Diagnostic, LinkCfg, LoadError, NodeCfg, Scenario, Step};
pub use run::{End, ExecOutcome, ExpectOutcome, Live, Observer, Outcome, RunOptions, Summary};
