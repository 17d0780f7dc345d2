//! `date [-u] [-R] [-I[TIMESPEC]] [-d @SECONDS|now] [+FORMAT]`: the simulated time
//! (`crate::clock`), in UTC (every simulated machine's zone), as GNU coreutils' `src/date.c`
//! prints it. GNU's and busybox's default layout are the same: `Wed Oct 18 15:00:00 UTC
//! 2017`. Setting the clock is not simulated.

use std::fmt::Write;

use chrono::{DateTime, Utc};

use super::lines::gnu_usage;
use super::{Getopt, Opt};
use crate::engine::SimTime;

/// C's strftime conversions chrono has the same meaning for.
const KNOWN: &str = "aAbBcCdDeFgGhHIjklmMnprRsStTuUVwWxXyYzZ%";

/// GNU's FORMAT as chrono's: `%N` (nanoseconds) is chrono's `%9f`, an unknown conversion
/// prints as written, `%-d`/`%_d`/`%0d` pad as in GNU.
fn chrono_format(format: &str) -> String {
    let mut out = String::new();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let flag = chars.next_if(|f| matches!(f, '-' | '_' | '0'));
        match chars.next() {
            Some('N') => out.push_str("%9f"),
            Some(':') if chars.peek() == Some(&'z') => {
                chars.next();
                out.push_str("%:z");
            }
            Some(k) if KNOWN.contains(k) => {
                out.push('%');
                out.extend(flag);
                out.push(k);
            }
            Some(k) => {
                out.push_str("%%");
                out.extend(flag);
                out.push(k);
            }
            None => out.push_str("%%"),
        }
    }
    out
}

fn render(t: &DateTime<Utc>, format: &str) -> String {
    let mut s = String::new();
    // chrono's items were checked above; an error leaves what was written.
    let _ = write!(s, "{}", t.format(&chrono_format(format)));
    s
}

/// Runs `date` at simulated time `now`: (stdout, stderr, status).
pub fn run(now: SimTime, args: &[String], busybox: bool) -> (String, String, i32) {
    match date(now, args, busybox) {
        Ok(out) => (out, String::new(), 0),
        Err((msg, code)) => (String::new(), format!("{msg}\n"), code),
    }
}

fn date(now: SimTime, args: &[String], busybox: bool) -> Result<String, (String, i32)> {
    let mut t = crate::clock::datetime(now);
    let mut format = "%a %b %e %H:%M:%S %Z %Y".to_string();
    let mut g = Getopt::new(args);
    while let Some(o) = g.next() {
        let value = |g: &mut Getopt<'_>| match &o {
            Opt::Long(_, Some(v)) => Some(v.to_string()),
            _ => g.value(),
        };
        match o {
            Opt::Short('u') | Opt::Long("utc" | "universal", _) => {}
            Opt::Short('R') | Opt::Long("rfc-email" | "rfc-2822", _) => {
                format = "%a, %d %b %Y %H:%M:%S %z".into()
            }
            Opt::Short('I') | Opt::Long("iso-8601", _) => {
                let spec = match o {
                    Opt::Short(_) => g.take_cluster().to_string(),
                    Opt::Long(_, v) => v.unwrap_or_default().to_string(),
                };
                format = match spec.as_str() {
                    "" | "date" => "%Y-%m-%d",
                    "hours" => "%Y-%m-%dT%H%:z",
                    "minutes" => "%Y-%m-%dT%H:%M%:z",
                    "seconds" => "%Y-%m-%dT%H:%M:%S%:z",
                    "ns" => "%Y-%m-%dT%H:%M:%S,%N%:z",
                    _ => {
                        return Err(gnu_usage(
                            "date",
                            &format!("invalid argument '{spec}' for '--iso-8601'"),
                        ));
                    }
                }
                .into();
            }
            Opt::Short('d') | Opt::Long("date", _) => {
                let v = value(&mut g).unwrap_or_default();
                let v = v.trim();
                if let Some(secs) = v.strip_prefix('@') {
                    let Ok(s) = secs.parse::<i64>() else {
                        return Err((format!("date: invalid date '{v}'"), 1));
                    };
                    t = DateTime::from_timestamp(s, 0)
                        .ok_or_else(|| (format!("date: invalid date '{v}'"), 1))?;
                } else if v != "now" && !v.is_empty() {
                    return Err((
                        format!(
                            "date: -d '{v}' is not simulated yet (only -d @SECONDS and -d now)"
                        ),
                        1,
                    ));
                }
            }
            o @ (Opt::Short('s') | Opt::Long("set", _)) => {
                return Err(super::not_simulated("date", &o));
            }
            o if busybox => {
                return Err(super::busybox_bad_option(
                    "date",
                    "[OPTIONS] [+FMT] [TIME]",
                    &o,
                ));
            }
            o => return Err(super::gnu_bad_option("date", &o)),
        }
    }
    let ops = std::mem::take(&mut g.operands);
    for (i, op) in ops.iter().enumerate() {
        match op.strip_prefix('+') {
            Some(f) if i == 0 => format = f.to_string(),
            Some(_) => {
                return Err(gnu_usage("date", &format!("extra operand '{op}'")));
            }
            None if i > 0 => return Err(gnu_usage("date", &format!("extra operand '{op}'"))),
            // `date MMDDhhmm`: setting the clock.
            None => return Err((format!("date: invalid date '{op}'"), 1)),
        }
    }
    let mut out = render(&t, &format);
    out.push('\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Dur;

    fn at(secs: u64, cmd: &str) -> (String, String, i32) {
        let argv = shell_words::split(cmd).unwrap();
        run(SimTime::ZERO + Dur::from_secs(secs), &argv[1..], false)
    }

    #[test]
    fn prints_simulated_time() {
        assert_eq!(at(0, "date").0, "Wed Oct 18 15:00:00 UTC 2017\n");
        assert_eq!(at(0, "date -u").0, "Wed Oct 18 15:00:00 UTC 2017\n");
        // %e pads the day with a space (GNU's default layout).
        assert_eq!(at(86400 * 14, "date").0, "Wed Nov  1 15:00:00 UTC 2017\n");
        assert_eq!(at(65, "date +%H:%M:%S").0, "15:01:05\n");
        assert_eq!(at(0, "date +%s").0, "1508338800\n");
        assert_eq!(
            at(0, "date '+%Y-%m-%d %N %Q'").0,
            "2017-10-18 000000000 %Q\n"
        );
        assert_eq!(at(0, "date -R").0, "Wed, 18 Oct 2017 15:00:00 +0000\n");
        assert_eq!(at(0, "date -I").0, "2017-10-18\n");
        assert_eq!(at(0, "date -Iseconds").0, "2017-10-18T15:00:00+00:00\n");
        assert_eq!(at(0, "date -d @0 +%F").0, "1970-01-01\n");
        assert_eq!(
            at(0, "date 1010"),
            (String::new(), "date: invalid date '1010'\n".into(), 1)
        );
        assert_eq!(
            at(0, "date -d tomorrow").1,
            "date: -d 'tomorrow' is not simulated yet (only -d @SECONDS and -d now)\n"
        );
    }
}
