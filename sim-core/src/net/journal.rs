//! systemd's journal and unit states on each machine, as `systemctl status` and
//! `journalctl -u` read them: per unit, its last lines (at most [`MAX_LINES`]: older ones
//! are dropped, so a long run's memory stays bounded) and whether it is active and since
//! when.
//!
//! systemd writes a unit's `Starting ...`/`Started ...`/`Stopping ...`/`Stopped ...` lines
//! and its state when it runs a job; the daemons write their own lines (flanneld's glog
//! lines). A unit that was never written (a daemon started at boot and never touched) has
//! no entry: readers take its state from its process.

use std::collections::{BTreeMap, VecDeque};

use crate::engine::SimTime;

use super::{NsId, World};

/// The most lines a unit's journal keeps.
pub const MAX_LINES: usize = 1000;

/// One journal line: when, who (`systemd`, `flanneld-start`), its pid, and the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub at: SimTime,
    pub ident: String,
    pub pid: u32,
    pub text: String,
}

/// A unit's journal and state.
#[derive(Clone, Debug, Default)]
pub struct Unit {
    pub lines: VecDeque<Line>,
    /// How many lines were ever written (a follower's position).
    pub written: u64,
    /// Active since then; `None`: inactive.
    pub active_since: Option<SimTime>,
    /// When it last became inactive.
    pub inactive_since: Option<SimTime>,
}

/// Every machine's units, by (machine, unit name without `.service`).
#[derive(Debug, Default)]
pub struct Journal {
    pub units: BTreeMap<(NsId, String), Unit>,
}

/// Appends a line to `unit`'s journal on machine `ns`.
pub fn write(world: &mut World, ns: NsId, unit: &str, line: Line) {
    let u = world
        .journal
        .units
        .entry((ns, unit.to_string()))
        .or_default();
    u.lines.push_back(line);
    u.written += 1;
    if u.lines.len() > MAX_LINES {
        u.lines.pop_front();
    }
}

/// `unit` on machine `ns` became active (`true`) or inactive at `at`.
pub fn set_active(world: &mut World, ns: NsId, unit: &str, active: bool, at: SimTime) {
    let u = world
        .journal
        .units
        .entry((ns, unit.to_string()))
        .or_default();
    if active {
        u.active_since = Some(at);
    } else {
        u.active_since = None;
        u.inactive_since = Some(at);
    }
}

/// A unit's entry, if anything was written for it.
pub fn unit<'a>(world: &'a World, ns: NsId, unit: &str) -> Option<&'a Unit> {
    world.journal.units.get(&(ns, unit.to_string()))
}
