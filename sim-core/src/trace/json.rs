//! The JSON-lines renderer: one object per event, fields in a fixed order.
//!
//! `{"time_ns":1000000000,"time":"1.000000","actor":"node/why-02","kind":"sent",...}`.
//! The event's own fields follow `kind` in declaration order (serde derive), so the bytes
//! are stable.

use serde::Serialize;

use super::TraceEvent;
use crate::engine::Record;

#[derive(Serialize)]
struct Line<'a> {
    time_ns: u64,
    time: String,
    actor: &'a str,
    #[serde(flatten)]
    event: &'a TraceEvent,
}

pub fn line(record: &Record<TraceEvent>, names: &[String]) -> String {
    let line = Line {
        time_ns: record.time.as_nanos(),
        time: record.time.secs_micros(),
        actor: &names[record.actor.0 as usize],
        event: &record.event,
    };
    serde_json::to_string(&line).expect("trace events always serialize")
}

/// Renders a whole trace, one line per record.
pub fn render(records: &[Record<TraceEvent>], names: &[String]) -> String {
    super::render(records, names, line)
}
