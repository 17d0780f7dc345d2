//! Simulated time: integer nanoseconds since the scenario start, and human durations.
//!
//! There is no wall clock anywhere in sim-core. `SimTime` is an instant on the simulated
//! timeline; `Dur` is a span. Both are plain `u64` nanoseconds, so arithmetic is exact and
//! the same on every machine.
//!
//! Durations are written the way people write them in scenario files and read them in
//! output: `250us`, `30s`, `1m30s`, `1.5s`, `24h` (units `ns`, `us`, `ms`, `s`, `m`, `h`;
//! `µs` is accepted for `us`). [`Dur::to_string`] prints the shortest exact form, and
//! parsing what it prints gives back the same value.
//!
//! **Sums with the clock saturate.** `SimTime::MAX` (about 584 years) is the end of
//! simulated time: `now + d` past it is `SimTime::MAX`, so a timer a user asked for
//! beyond it (`sleep 1e15`, a curl timeout of 10^12 s) is queued at the end of time, and
//! fires there if the run ever gets that far. Nothing panics on a sum. Scenario durations
//! are capped at [`MAX_DUR`] when they are read; what a command takes is checked by the
//! command as the real tool checks it.

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// Nanoseconds in each unit, largest first (the order `Display` tries them in).
/// The longest duration a scenario or the CLI may give: 100,000 hours (about 11 years).
/// Far beyond any scenario, and far enough below u64 nanoseconds (584 years) that sums of
/// times and latencies cannot overflow.
pub const MAX_DUR: Dur = Dur(100_000 * 3_600_000_000_000);

const UNITS: [(&str, u64); 6] = [
    ("h", 3_600_000_000_000),
    ("m", 60_000_000_000),
    ("s", 1_000_000_000),
    ("ms", 1_000_000),
    ("us", 1_000),
    ("ns", 1),
];

/// An instant: nanoseconds since the scenario started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(pub u64);

/// A span of simulated time in nanoseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dur(pub u64);

impl SimTime {
    pub const ZERO: SimTime = SimTime(0);
    pub const MAX: SimTime = SimTime(u64::MAX);

    pub fn as_nanos(self) -> u64 {
        self.0
    }

    /// Time elapsed since `earlier`; panics if `earlier` is later (a broken invariant).
    pub fn since(self, earlier: SimTime) -> Dur {
        Dur(self
            .0
            .checked_sub(earlier.0)
            .expect("SimTime::since: earlier is later"))
    }

    /// Seconds with microsecond precision, the way the trace prints time: `12.000250`.
    pub fn secs_micros(self) -> String {
        format!(
            "{}.{:06}",
            self.0 / 1_000_000_000,
            (self.0 % 1_000_000_000) / 1_000
        )
    }
}

impl Dur {
    pub const ZERO: Dur = Dur(0);

    pub const fn from_nanos(n: u64) -> Dur {
        Dur(n)
    }
    /// The longest span: a timer this far ahead fires at the end of time.
    pub const MAX: Dur = Dur(u64::MAX);

    /// Whole units, saturating at `Dur::MAX` (as every sum of times does).
    pub const fn from_micros(n: u64) -> Dur {
        Dur(n.saturating_mul(1_000))
    }
    pub const fn from_millis(n: u64) -> Dur {
        Dur(n.saturating_mul(1_000_000))
    }
    pub const fn from_secs(n: u64) -> Dur {
        Dur(n.saturating_mul(1_000_000_000))
    }

    /// Seconds given as a float, as a tool that took `strtod`'s value holds them: NaN and
    /// negatives are the caller's to refuse first; past `Dur::MAX` saturates there.
    pub fn from_secs_f64_saturating(secs: f64) -> Dur {
        // `as` saturates a float to the integer range (NaN to 0).
        Dur((secs * 1e9) as u64)
    }
    pub fn as_nanos(self) -> u64 {
        self.0
    }
    pub fn as_micros(self) -> u64 {
        self.0 / 1_000
    }
    pub fn as_millis(self) -> u64 {
        self.0 / 1_000_000
    }

    /// Parses a human duration: one or more `<number><unit>` groups, e.g. `250us`, `1m30s`,
    /// `1.5s`. The number may have a fraction as long as the result is a whole number of
    /// nanoseconds. `0` alone is accepted.
    pub fn parse(s: &str) -> Result<Dur, DurError> {
        // Whitespace is refused, not trimmed: `" 1s"` or `"1s\n"` is likely a typo or a
        // paste, and Go's time.ParseDuration (which this syntax follows) refuses it too.
        if s.starts_with(char::is_whitespace) || s.ends_with(char::is_whitespace) {
            return Err(DurError::Whitespace(s.to_string()));
        }
        let text = s;
        if text == "0" {
            return Ok(Dur(0));
        }
        if text.is_empty() {
            return Err(DurError::Empty);
        }
        let bytes = text.as_bytes();
        let mut i = 0;
        let mut total: u64 = 0;
        while i < bytes.len() {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                i += 1;
            }
            let number = &text[start..i];
            if number.is_empty() {
                return Err(DurError::Syntax(s.to_string()));
            }
            let unit_start = i;
            while i < bytes.len() && !(bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                i += 1;
            }
            let written = &text[unit_start..i];
            let unit = match written.trim() {
                "µs" => "us",
                u => u,
            };
            // Inside, whitespace is refused too (`1 s`, `1m 30s`), once the unit is known
            // (`1 fortnight` is an unknown unit first).
            if written.trim() != written && UNITS.iter().any(|(name, _)| *name == unit) {
                return Err(DurError::Whitespace(s.to_string()));
            }
            let Some(&(_, scale)) = UNITS.iter().find(|(name, _)| *name == unit) else {
                return Err(if unit.is_empty() {
                    DurError::MissingUnit(s.to_string())
                } else {
                    DurError::UnknownUnit(unit.to_string())
                });
            };
            let nanos = scaled(number, scale, s)?;
            total = total.checked_add(nanos).ok_or(DurError::Overflow)?;
        }
        if total > MAX_DUR.0 {
            return Err(DurError::Overflow);
        }
        Ok(Dur(total))
    }
}

/// `number` (digits with an optional fraction) times `scale`, exactly.
fn scaled(number: &str, scale: u64, whole: &str) -> Result<u64, DurError> {
    let syntax = || DurError::Syntax(whole.to_string());
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    if (int.is_empty() && frac.is_empty()) || frac.contains('.') {
        return Err(syntax());
    }
    let int: u64 = if int.is_empty() {
        0
    } else {
        int.parse().map_err(|_| DurError::Overflow)?
    };
    let mut nanos = int.checked_mul(scale).ok_or(DurError::Overflow)?;
    if !frac.is_empty() {
        if frac.len() > 18 {
            return Err(DurError::TooFine(whole.to_string()));
        }
        let denom = 10u128.pow(frac.len() as u32);
        let num = frac.parse::<u128>().map_err(|_| syntax())? * scale as u128;
        if num % denom != 0 {
            return Err(DurError::TooFine(whole.to_string()));
        }
        nanos = nanos
            .checked_add((num / denom) as u64)
            .ok_or(DurError::Overflow)?;
    }
    Ok(nanos)
}

/// Why a duration string was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DurError {
    #[error("empty duration; expected e.g. `250us`, `30s`, `24h`")]
    Empty,
    #[error("`{0}` has a number without a unit; expected a unit (ns, us, ms, s, m, h) as in `30s`")]
    MissingUnit(String),
    #[error("unknown unit `{0}`; expected one of ns, us, ms, s, m, h")]
    UnknownUnit(String),
    #[error("`{0}` is not a duration; expected e.g. `250us`, `1.5s`, `1m30s`, `24h`")]
    Syntax(String),
    #[error("`{0}` is finer than a nanosecond, the simulator's resolution")]
    TooFine(String),
    #[error("duration too large; expected at most 100000h (about 11 years)")]
    Overflow,
    #[error("`{}` has whitespace in it; expected a duration without spaces, e.g. `1m30s`", .0.escape_debug())]
    Whitespace(String),
}

impl fmt::Display for Dur {
    /// The shortest exact form: `0s`, `250us`, `1m30s`, `1500ms`... Integer units only, so
    /// what it prints parses back to the same value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("0s");
        }
        // Sub-second values print in the largest unit that divides them exactly.
        if self.0 < 1_000_000_000 {
            for (name, scale) in &UNITS[3..] {
                if self.0 % scale == 0 {
                    return write!(f, "{}{}", self.0 / scale, name);
                }
            }
        }
        // Otherwise h/m/s groups, with any sub-second rest in one exact unit.
        let mut rest = self.0;
        for (name, scale) in &UNITS[..3] {
            if rest >= *scale {
                write!(f, "{}{}", rest / scale, name)?;
                rest %= scale;
            }
        }
        if rest > 0 {
            write!(f, "{}", Dur(rest))?;
        }
        Ok(())
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Dur(self.0).fmt(f)
    }
}

/// Saturates at `SimTime::MAX`, the end of simulated time (see the module doc).
impl Add<Dur> for SimTime {
    type Output = SimTime;
    fn add(self, d: Dur) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
}

impl AddAssign<Dur> for SimTime {
    fn add_assign(&mut self, d: Dur) {
        *self = *self + d;
    }
}

/// Saturates at `Dur::MAX`.
impl Add for Dur {
    type Output = Dur;
    fn add(self, d: Dur) -> Dur {
        Dur(self.0.saturating_add(d.0))
    }
}

impl Sub for SimTime {
    type Output = Dur;
    fn sub(self, earlier: SimTime) -> Dur {
        self.since(earlier)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_human_durations() {
        let cases = [
            ("0", 0),
            ("0s", 0),
            ("250us", 250_000),
            ("250µs", 250_000),
            ("30s", 30_000_000_000),
            ("24h", 86_400_000_000_000),
            ("1m30s", 90_000_000_000),
            ("1.5s", 1_500_000_000),
            ("0.1ms", 100_000),
            (".5s", 500_000_000),
            ("7ns", 7),
        ];
        for (text, nanos) in cases {
            assert_eq!(Dur::parse(text), Ok(Dur(nanos)), "{text}");
        }
    }

    #[test]
    fn rejects_bad_durations_with_a_reason() {
        assert_eq!(Dur::parse(""), Err(DurError::Empty));
        assert_eq!(Dur::parse("30"), Err(DurError::MissingUnit("30".into())));
        assert_eq!(Dur::parse("3d"), Err(DurError::UnknownUnit("d".into())));
        assert!(matches!(Dur::parse("s"), Err(DurError::Syntax(_))));
        assert!(matches!(Dur::parse("1.2.3s"), Err(DurError::Syntax(_))));
        assert!(matches!(Dur::parse("0.5ns"), Err(DurError::TooFine(_))));
        assert_eq!(Dur::parse("99999999999h"), Err(DurError::Overflow));
        assert_eq!(Dur::parse("100001h"), Err(DurError::Overflow));
        assert_eq!(Dur::parse("100000h"), Ok(MAX_DUR));
        for spaced in [" 1s", "1s\n", "1 s", "1m 30s", "\t0"] {
            assert_eq!(
                Dur::parse(spaced),
                Err(DurError::Whitespace(spaced.into())),
                "{spaced:?}"
            );
        }
    }

    #[test]
    fn prints_shortest_exact_form_and_round_trips() {
        let cases = [
            (0, "0s"),
            (250_000, "250us"),
            (1_500_000_000, "1s500ms"),
            (90_000_000_000, "1m30s"),
            (86_400_000_000_000, "24h"),
            (3_600_000_000_001, "1h1ns"),
            (1_000, "1us"),
        ];
        for (nanos, text) in cases {
            assert_eq!(Dur(nanos).to_string(), text);
            assert_eq!(Dur::parse(text), Ok(Dur(nanos)), "round trip of {text}");
        }
    }

    /// Issue 13: `curl -m 1e12` panicked with "SimTime overflow". Every sum with the clock
    /// saturates at the end of time instead.
    #[test]
    fn sums_with_the_clock_saturate_at_the_end_of_time() {
        let late = SimTime(u64::MAX - 5);
        assert_eq!(late + Dur::from_secs(1), SimTime::MAX);
        assert_eq!(SimTime(7) + Dur::MAX, SimTime::MAX);
        let mut t = SimTime(u64::MAX - 1);
        t += Dur(2);
        assert_eq!(t, SimTime::MAX);
        assert_eq!(Dur::MAX + Dur(1), Dur::MAX);
        assert_eq!(Dur::from_secs(u64::MAX / 10), Dur::MAX);
        assert_eq!(Dur::from_millis(u64::MAX), Dur::MAX);
        assert_eq!(Dur::from_micros(u64::MAX / 2), Dur::MAX);
        assert_eq!(Dur::from_secs_f64_saturating(1e300), Dur::MAX);
        assert_eq!(Dur::from_secs_f64_saturating(1.5), Dur(1_500_000_000));
    }

    #[test]
    fn trace_time_has_microsecond_columns() {
        assert_eq!(SimTime(0).secs_micros(), "0.000000");
        assert_eq!(SimTime(12_000_250_999).secs_micros(), "12.000250");
    }
}
