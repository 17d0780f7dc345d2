//! The simulated calendar. Simulated time 0 is 2017-10-18 15:00:00 UTC (the afternoon of
//! seed 004's guestbook), so tools that print dates (`iptables-save`'s header, `kubectl
//! describe`'s Start Time) print the same ones on every run. Dates print in UTC.

use chrono::{DateTime, Utc};

use crate::engine::SimTime;

/// Unix time of simulated time 0.
pub const EPOCH_UNIX: i64 = 1_508_338_800;

pub fn datetime(t: SimTime) -> DateTime<Utc> {
    let nanos = t.as_nanos();
    DateTime::from_timestamp(
        EPOCH_UNIX + (nanos / 1_000_000_000) as i64,
        (nanos % 1_000_000_000) as u32,
    )
    .expect("in chrono's range")
}

/// C's `ctime` form, as `iptables-save` prints it: `Wed Oct 18 15:00:00 2017`.
pub fn ctime(t: SimTime) -> String {
    datetime(t).format("%a %b %e %H:%M:%S %Y").to_string()
}

/// RFC 1123 with a numeric zone, as `kubectl describe` prints times:
/// `Wed, 18 Oct 2017 15:00:00 +0000`.
pub fn rfc1123z(t: SimTime) -> String {
    datetime(t).format("%a, %d %b %Y %H:%M:%S %z").to_string()
}

/// RFC 3339 in UTC, as the apiserver stores timestamps: `2017-10-18T15:00:00Z`.
pub fn rfc3339(t: SimTime) -> String {
    datetime(t).format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Go's RFC 3339 with nanoseconds (`time.RFC3339Nano`), trailing zeros dropped, as docker
/// prints times: `2017-10-18T15:00:07.5Z`.
pub fn rfc3339_nano(t: SimTime) -> String {
    let nanos = t.as_nanos() % 1_000_000_000;
    let base = rfc3339(t);
    if nanos == 0 {
        return base;
    }
    let frac = format!("{nanos:09}");
    format!(
        "{}.{}Z",
        base.trim_end_matches('Z'),
        frac.trim_end_matches('0')
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Dur;

    #[test]
    fn formats() {
        let t = SimTime::ZERO + Dur::from_secs(4 * 60 + 28);
        assert_eq!(ctime(t), "Wed Oct 18 15:04:28 2017");
        assert_eq!(rfc1123z(t), "Wed, 18 Oct 2017 15:04:28 +0000");
        assert_eq!(rfc3339(t), "2017-10-18T15:04:28Z");
        assert_eq!(rfc3339_nano(t), "2017-10-18T15:04:28Z");
        assert_eq!(
            rfc3339_nano(t + Dur::from_nanos(800_000)),
            "2017-10-18T15:04:28.0008Z"
        );
    }
}
