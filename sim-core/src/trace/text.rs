//! The text renderer: one aligned line per event.
//!
//! ```text
//!     1.000000  node/why-02             sent       eth0 #1 IP (ttl 64, ...) 10.181.13.57 > 10.181.5.146: ICMP echo request, ...
//! ```
//! Columns: seconds with microseconds, the actor's stable name (padded to 24), the event
//! kind (padded to 10), then the details. Widths are fixed, so a line never depends on
//! other lines and output can stream.

use std::fmt::Write;

use super::{Consumer, EndHow, Stream, TraceEvent};
use crate::engine::Record;

const ACTOR_WIDTH: usize = 24;
const KIND_WIDTH: usize = 10;

/// Renders one record as a line (without the newline).
pub fn line(record: &Record<TraceEvent>, names: &[String]) -> String {
    // One line per event, and nothing a terminal would act on: control characters inside
    // a value, a command line or a name print escaped (`\n`, `\u{1b}`).
    let actor = escape_controls(&names[record.actor.0 as usize]);
    let (kind, detail) = describe(&record.event);
    let detail = escape_controls(&detail);
    let mut out = String::with_capacity(96 + detail.len());
    let _ = write!(
        out,
        "{:>11}  {:<aw$}  {:<kw$} {}",
        record.time.secs_micros(),
        actor,
        kind,
        detail,
        aw = ACTOR_WIDTH,
        kw = KIND_WIDTH
    );
    out.truncate(out.trim_end().len());
    out
}

/// `text` with its control characters (but tab) and Unicode's line and paragraph
/// separators, zero-width and bidirectional marks written as Rust escapes (`\n`, `\r`, `\u{1b}`), so that one value is one
/// line and prints as text; borrowed when there is nothing to escape (the usual case).
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    escape_where(text, |c| c != '\t')
}

/// [`escape_controls`], tabs included (a diagnostic echoing a value shows every one).
pub fn escape_all_controls(text: &str) -> std::borrow::Cow<'_, str> {
    escape_where(text, |_| true)
}

fn escape_where(text: &str, control: fn(char) -> bool) -> std::borrow::Cow<'_, str> {
    // Unicode's line and paragraph separators, zero-width and direction marks, and the
    // bidirectional embeddings, overrides and isolates change how text reads on screen.
    let special = |c: char| {
        (c.is_control() && control(c))
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.contains(special) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if special(c) {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Renders a whole trace, one line per record.
pub fn render(records: &[Record<TraceEvent>], names: &[String]) -> String {
    super::render(records, names, line)
}

/// The kind column and the details column for an event.
pub fn describe(event: &TraceEvent) -> (&'static str, String) {
    match event {
        TraceEvent::Exec { cmd } => ("exec", format!("$ {cmd}")),
        TraceEvent::Output { stream, line } => (
            match stream {
                Stream::Stdout => "stdout",
                Stream::Stderr => "stderr",
            },
            format!("| {line}"),
        ),
        TraceEvent::Exit { code } => ("exit", format!("exit status {code}")),
        TraceEvent::Sent { dev, packet } => ("sent", format!("{dev} {} {packet}", ids(packet))),
        TraceEvent::Nat { packet, what } => ("nat", format!("{packet} {what}")),
        TraceEvent::Log { line } => ("log", line.clone()),
        TraceEvent::Retransmit { packet, rto } => (
            "retrans",
            format!("{packet} again: no ACK within the retransmission timeout (next wait {rto})"),
        ),
        TraceEvent::Encap { inner, outer, how } => ("encap", format!("{inner} into {outer} {how}")),
        TraceEvent::Decap { outer, inner, dev } => {
            ("decap", format!("{outer} -> {inner} written to {dev}"))
        }
        TraceEvent::Queued {
            packet,
            next_hop,
            dev,
        } => (
            "queued",
            format!("{packet} waits for ARP to resolve next hop {next_hop} on {dev}"),
        ),
        TraceEvent::ArpSent { dev, arp } => ("sent", format!("{dev} {} {arp}", arp.id)),
        TraceEvent::ArpReceived { dev, arp } => ("received", format!("{dev} {} {arp}", arp.id)),
        TraceEvent::Bridged {
            packet,
            bridge,
            from,
            to,
            how,
        } => (
            "bridged",
            format!(
                "{packet} {bridge}: {from} -> {} ({how})",
                if to.is_empty() {
                    "no port".to_string()
                } else {
                    to.join(" ")
                }
            ),
        ),
        TraceEvent::Hop { packet, from, to } => ("hop", format!("{packet} {from} -> {to}")),
        TraceEvent::Received { dev, packet } => {
            ("received", format!("{dev} {} {packet}", ids(packet)))
        }
        TraceEvent::Forwarded {
            from_dev,
            to_dev,
            packet,
        } => (
            "forwarded",
            format!("{from_dev} -> {to_dev} {} {packet}", ids(packet)),
        ),
        TraceEvent::Fragmented {
            packet,
            into,
            dev,
            mtu,
        } => (
            "fragmented",
            format!("{packet} into {} for {dev}'s MTU {mtu}", list(into)),
        ),
        TraceEvent::Reassembled { packet, from } => {
            ("reassembled", format!("{packet} from {}", list(from)))
        }
        TraceEvent::Delivered { packet, to } => (
            "delivered",
            match to {
                Consumer::EchoResponder => format!("{packet} to the kernel's ICMP echo responder"),
                Consumer::Process { name } => format!("{packet} to {name}"),
                Consumer::Tcp => format!("{packet} to the kernel's TCP"),
            },
        ),
        TraceEvent::Dropped { packet, reason } => ("DROPPED", format!("{packet} {reason}")),
        TraceEvent::Etcd {
            action,
            key,
            value,
            index,
        } => {
            // v2 changes carry the etcd index, v3 ones the store's revision.
            let counter = if key.starts_with("(v3) ") {
                "revision"
            } else {
                "index"
            };
            (
                "etcd",
                match value {
                    Some(v) => format!("{} {key} = {v} ({counter} {index})", action.name()),
                    None => format!("{} {key} ({counter} {index})", action.name()),
                },
            )
        }
        TraceEvent::Link { link, up } => (
            "link",
            format!("{link} {}", if *up { "up" } else { "down" }),
        ),
        TraceEvent::End {
            how,
            expects_held,
            expects_failed,
        } => (
            "end",
            format!(
                "{}; expectations: {expects_held} held, {expects_failed} failed",
                match how {
                    EndHow::Quiescent => "nothing left to happen",
                    EndHow::Until => "reached the end time",
                    EndHow::Budget =>
                        "EVENT BUDGET EXHAUSTED: the run never went quiet (give it an end time with --until or `until:`)",
                }
            ),
        ),
        TraceEvent::Expect { cmd, ok, detail } => (
            "expect",
            format!("{} `{cmd}`: {detail}", if *ok { "ok" } else { "FAILED" }),
        ),
    }
}

/// `#2 #3 #4`.
fn list(ids: &[crate::wire::PacketId]) -> String {
    ids.iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `#5` or `#5<#4` (made from #4).
fn ids(packet: &crate::wire::Packet) -> String {
    match packet.parent {
        Some(parent) => format!("{}<{}", packet.id, parent),
        None => packet.id.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{ActorId, SimTime};

    /// A command line or a name with control characters still renders as one line of
    /// plain text: a newline cannot start a line that looks like another event, and an
    /// escape sequence cannot reach the terminal. Tabs stay (tools print them).
    #[test]
    fn control_characters_print_escaped_and_one_event_is_one_line() {
        let record = Record {
            time: SimTime(1_000_000_000),
            actor: ActorId(0),
            event: TraceEvent::Exec {
                cmd: "echo a\n   2.000000  scenario  end\u{1b}[2J\tz".into(),
            },
        };
        let names = ["node/a\r\u{7}".to_string()];
        assert_eq!(
            line(&record, &names),
            "   1.000000  node/a\\r\\u{7}             exec       $ echo a\\n   2.000000  scenario  end\\u{1b}[2J\tz"
        );
        assert!(matches!(
            escape_controls("plain\ttext"),
            std::borrow::Cow::Borrowed(_)
        ));
        // Direction overrides and zero-width characters would make text read otherwise.
        assert_eq!(
            escape_controls("a\u{202e}b\u{200b}c"),
            "a\\u{202e}b\\u{200b}c"
        );
    }
}
