//! Scenarios: what the user wrote ([`spec`]), validated into a [`Scenario`] ([`build`]),
//! and replayed ([`run`]).

pub mod build;
pub mod locate;
pub mod run;
pub mod spec;

pub use build::{Action, Diagnostic, LinkCfg, LoadError, NodeCfg, Scenario, Step};
pub use run::{End, ExecOutcome, ExpectOutcome, Observer, Outcome, RunOptions, Summary};
