//! Numbers as the C library reads them, for the tools that take one: glibc's `strtol`
//! (base 10) and `strtod`, each with how much of the text it used and whether it set
//! `errno` to ERANGE. A tool then checks what it got as its own source does (iputils'
//! `strtol_or_err`, curl's `str2unum`, busybox's `xatou_range`...), so a bad number gives
//! the real tool's message and exit status.

/// What `strtol(s, &end, 10)` returns: the value (clamped to `i64` on overflow, as glibc
/// clamps to LONG_MIN/LONG_MAX), the bytes it used (0 when there were no digits), and
/// whether it set ERANGE.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Strtol {
    pub value: i64,
    pub used: usize,
    pub erange: bool,
}

impl Strtol {
    /// The whole text was a number (`end` at the string's end, digits seen).
    pub fn whole(&self, s: &str) -> bool {
        self.used > 0 && self.used == s.len()
    }
}

fn c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// glibc `strtol(s, &end, 10)`: leading white space, an optional sign, decimal digits.
pub fn strtol(s: &str) -> Strtol {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && c_space(b[i]) {
        i += 1;
    }
    let neg = match b.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let start = i;
    let mut mag: u128 = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        mag = (mag * 10 + u128::from(b[i] - b'0')).min(u128::from(u64::MAX) + 1);
        i += 1;
    }
    if i == start {
        return Strtol {
            value: 0,
            used: 0,
            erange: false,
        };
    }
    let (value, erange) = if neg {
        if mag > i64::MAX as u128 + 1 {
            (i64::MIN, true)
        } else {
            ((mag as i128).wrapping_neg() as i64, false)
        }
    } else if mag > i64::MAX as u128 {
        (i64::MAX, true)
    } else {
        (mag as i64, false)
    };
    Strtol {
        value,
        used: i,
        erange,
    }
}

/// What `strtod(s, &end)` returns: the value, the bytes it used (0 when no number began
/// there), and whether it set ERANGE (overflow to infinity, or underflow to a subnormal or
/// zero).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Strtod {
    pub value: f64,
    pub used: usize,
    pub erange: bool,
}

impl Strtod {
    /// The whole text was a number.
    pub fn whole(&self, s: &str) -> bool {
        self.used > 0 && self.used == s.len()
    }
}

/// glibc `strtod` in the C locale: leading white space, a sign, then `inf`/`infinity`,
/// `nan` (with an optional `(chars)`), a decimal number with an optional exponent, or a
/// hexadecimal one (`0x1.8p3`).
pub fn strtod(s: &str) -> Strtod {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && c_space(b[i]) {
        i += 1;
    }
    let sign_at = i;
    let neg = matches!(b.get(i), Some(b'-'));
    if matches!(b.get(i), Some(b'-' | b'+')) {
        i += 1;
    }
    let rest = &s[i..];
    let lower = rest.to_ascii_lowercase();
    let signed = |v: f64| if neg { -v } else { v };
    if lower.starts_with("inf") {
        let n = if lower.starts_with("infinity") { 8 } else { 3 };
        return Strtod {
            value: signed(f64::INFINITY),
            used: i + n,
            erange: false,
        };
    }
    if lower.starts_with("nan") {
        let mut n = 3;
        if rest[3..].starts_with('(')
            && let Some(close) = rest[4..].find(')')
            && rest[4..4 + close]
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'_')
        {
            n = 4 + close + 1;
        }
        return Strtod {
            value: f64::NAN,
            used: i + n,
            erange: false,
        };
    }
    if (lower.starts_with("0x"))
        && let Some((v, n)) = hex_float(&rest[2..])
    {
        return finish(signed(v), i + 2 + n);
    }
    // Decimal: digits, an optional fraction, an optional exponent (used only when it has
    // digits).
    let digits = |from: usize| {
        b[from..]
            .iter()
            .position(|c| !c.is_ascii_digit())
            .unwrap_or(b.len() - from)
    };
    let int = digits(i);
    let mut j = i + int;
    let mut frac = 0;
    if b.get(j) == Some(&b'.') {
        frac = digits(j + 1);
        if int > 0 || frac > 0 {
            j += 1 + frac;
        }
    }
    if int == 0 && frac == 0 {
        return Strtod {
            value: 0.0,
            used: 0,
            erange: false,
        };
    }
    if matches!(b.get(j), Some(b'e' | b'E')) {
        let mut k = j + 1;
        if matches!(b.get(k), Some(b'-' | b'+')) {
            k += 1;
        }
        let e = digits(k);
        if e > 0 {
            j = k + e;
        }
    }
    let v: f64 = s[sign_at..j].parse().unwrap_or(0.0);
    let mut r = finish(v, j);
    // A nonzero number that came out as zero underflowed.
    let mantissa = &b[i..i + int + usize::from(frac > 0) + frac];
    r.erange |= v == 0.0 && mantissa.iter().any(|c| (b'1'..=b'9').contains(c));
    r
}

/// ERANGE as glibc sets it: the value overflowed to infinity, or underflowed (a nonzero
/// number read as zero or as a subnormal).
fn finish(value: f64, used: usize) -> Strtod {
    let erange = value.is_infinite() || (value != 0.0 && !value.is_normal());
    Strtod {
        value,
        used,
        erange,
    }
}

/// A hexadecimal float's digits after `0x`: mantissa with an optional `.` and an optional
/// binary exponent `p[+-]N`. Returns (value, bytes used), or none without a digit.
fn hex_float(s: &str) -> Option<(f64, usize)> {
    let b = s.as_bytes();
    let (mut mant, mut exp, mut i, mut seen) = (0f64, 0i64, 0, false);
    while i < b.len() && b[i].is_ascii_hexdigit() {
        mant = mant * 16.0 + f64::from((b[i] as char).to_digit(16)?);
        i += 1;
        seen = true;
    }
    if b.get(i) == Some(&b'.') {
        let mut j = i + 1;
        while j < b.len() && b[j].is_ascii_hexdigit() {
            mant = mant * 16.0 + f64::from((b[j] as char).to_digit(16)?);
            exp -= 4;
            j += 1;
            seen = true;
        }
        if seen {
            i = j;
        }
    }
    if !seen {
        return None;
    }
    if matches!(b.get(i), Some(b'p' | b'P')) {
        let e = strtol(&s[i + 1..]);
        if e.used > 0 && !s[i + 1..].starts_with(|c: char| c.is_ascii_whitespace()) {
            exp = exp.saturating_add(e.value);
            i += 1 + e.used;
        }
    }
    let value = mant * 2f64.powi(exp.clamp(-2000, 2000) as i32);
    Some((value, i))
}

/// busybox's `xatou_range(s, 0, max)` (libbb/xatonum_template.c), which getopt32's `N:+`
/// options and `xatou` use: decimal digits only (no sign, no leading blank, nothing
/// after), else `PROG: invalid number 'S'`; past `max`, `PROG: number S is not in 0..MAX
/// range`; exit 1.
pub fn busybox_xatou(prog: &str, s: &str, max: u64) -> Result<u64, (String, i32)> {
    let invalid = || (format!("{prog}: invalid number '{s}'"), 1);
    if !s.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    let n = strtol(s);
    if !n.whole(s) {
        return Err(invalid());
    }
    // strtoul's range is u64; i64's clamp is below it, so the overflow check is on text.
    let value = s.parse::<u64>();
    match value {
        Ok(v) if v <= max => Ok(v),
        Ok(_) => Err((format!("{prog}: number {s} is not in 0..{max} range"), 1)),
        // More than 20 digits: strtoul's ERANGE, which busybox reports as invalid.
        Err(_) => Err(invalid()),
    }
}

/// Why Go's `strconv.ParseInt` refused a string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GoIntError {
    /// "invalid syntax"
    Syntax,
    /// "value out of range"
    Range,
}

impl GoIntError {
    pub fn text(self) -> &'static str {
        match self {
            GoIntError::Syntax => "invalid syntax",
            GoIntError::Range => "value out of range",
        }
    }
}

/// Go's `strconv.ParseInt(s, base, 64)` for base 10 or 0. Base 10: an optional sign and
/// decimal digits, nothing else. Base 0 (what Go's `flag` package uses for an int flag):
/// also `0x`, `0o`, `0b` and a leading-`0` octal prefix, and `_` between digits.
pub fn go_parse_int(s: &str, base0: bool) -> Result<i64, GoIntError> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = if !base0 {
        (10, lower.as_str())
    } else if let Some(d) = lower.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    // Underscores only with base 0, each between two digits (or after a prefix).
    let clean: String = if base0 {
        if digits.starts_with('_') && radix == 10 || digits.ends_with('_') || digits.contains("__")
        {
            return Err(GoIntError::Syntax);
        }
        digits.chars().filter(|c| *c != '_').collect()
    } else {
        digits.to_string()
    };
    if clean.is_empty() || !clean.chars().all(|c| c.is_digit(radix)) {
        return Err(GoIntError::Syntax);
    }
    let mag = u128::from_str_radix(&clean, radix).unwrap_or(u128::MAX);
    let limit = if neg {
        i64::MAX as u128 + 1
    } else {
        i64::MAX as u128
    };
    if mag > limit {
        return Err(GoIntError::Range);
    }
    Ok(if neg {
        (mag as i128).wrapping_neg() as i64
    } else {
        mag as i64
    })
}

/// `strerror(ERANGE)` in glibc.
pub const ERANGE_TEXT: &str = "Numerical result out of range";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strtol_reads_as_glibc() {
        let t = |s: &str| {
            let r = strtol(s);
            (r.value, r.used, r.erange)
        };
        assert_eq!(t("42"), (42, 2, false));
        assert_eq!(t("  +7x"), (7, 4, false));
        assert_eq!(t("-5"), (-5, 2, false));
        assert_eq!(t("abc"), (0, 0, false));
        assert_eq!(t(""), (0, 0, false));
        assert_eq!(t("-"), (0, 0, false));
        assert_eq!(t("1e3"), (1, 1, false));
        assert_eq!(t("9223372036854775807"), (i64::MAX, 19, false));
        assert_eq!(t("9223372036854775808"), (i64::MAX, 19, true));
        assert_eq!(t("18446744073709551616"), (i64::MAX, 20, true));
        assert_eq!(t("-9223372036854775808"), (i64::MIN, 20, false));
        assert_eq!(t("-99999999999999999999999"), (i64::MIN, 24, true));
    }

    #[test]
    fn busybox_numbers_are_digits_within_range() {
        let x = |s: &str| busybox_xatou("nc", s, u64::from(u32::MAX));
        assert_eq!(x("5"), Ok(5));
        assert_eq!(x("0"), Ok(0));
        assert_eq!(x("-5").unwrap_err().0, "nc: invalid number '-5'");
        assert_eq!(x("+5").unwrap_err().0, "nc: invalid number '+5'");
        assert_eq!(x(" 5").unwrap_err().0, "nc: invalid number ' 5'");
        assert_eq!(x("5s").unwrap_err().0, "nc: invalid number '5s'");
        assert_eq!(x("1.5").unwrap_err().0, "nc: invalid number '1.5'");
        assert_eq!(x("nan").unwrap_err().0, "nc: invalid number 'nan'");
        assert_eq!(x("").unwrap_err().0, "nc: invalid number ''");
        assert_eq!(
            x("4294967296").unwrap_err().0,
            "nc: number 4294967296 is not in 0..4294967295 range"
        );
        assert_eq!(
            x("18446744073709551616").unwrap_err().0,
            "nc: invalid number '18446744073709551616'"
        );
    }

    #[test]
    fn go_parse_int_reads_as_strconv() {
        use GoIntError::{Range, Syntax};
        assert_eq!(go_parse_int("42", false), Ok(42));
        assert_eq!(go_parse_int("-5", false), Ok(-5));
        assert_eq!(go_parse_int("+5", false), Ok(5));
        assert_eq!(go_parse_int(" 5", false), Err(Syntax));
        assert_eq!(go_parse_int("1.5", false), Err(Syntax));
        assert_eq!(go_parse_int("", false), Err(Syntax));
        assert_eq!(go_parse_int("0x10", false), Err(Syntax));
        assert_eq!(go_parse_int("0x10", true), Ok(16));
        assert_eq!(go_parse_int("010", true), Ok(8));
        assert_eq!(go_parse_int("1_000", true), Ok(1000));
        assert_eq!(go_parse_int("1_000", false), Err(Syntax));
        assert_eq!(go_parse_int("9223372036854775807", false), Ok(i64::MAX));
        assert_eq!(go_parse_int("9223372036854775808", false), Err(Range));
        assert_eq!(go_parse_int("-9223372036854775808", false), Ok(i64::MIN));
        assert_eq!(go_parse_int("18446744073709551616", true), Err(Range));
        assert_eq!(go_parse_int("nan", true), Err(Syntax));
    }

    #[test]
    fn strtod_reads_as_glibc() {
        let t = |s: &str| {
            let r = strtod(s);
            (r.value, r.used, r.erange)
        };
        assert_eq!(t("1.5"), (1.5, 3, false));
        assert_eq!(t(" -2"), (-2.0, 3, false));
        assert_eq!(t("1e12"), (1e12, 4, false));
        assert_eq!(t("1e-10"), (1e-10, 5, false));
        assert_eq!(t("1e"), (1.0, 1, false));
        assert_eq!(t("5s"), (5.0, 1, false));
        assert_eq!(t(".5"), (0.5, 2, false));
        assert_eq!(t("5."), (5.0, 2, false));
        assert_eq!(t("."), (0.0, 0, false));
        assert_eq!(t("abc"), (0.0, 0, false));
        assert_eq!(t("inf"), (f64::INFINITY, 3, false));
        assert_eq!(t("-Infinity"), (f64::NEG_INFINITY, 9, false));
        assert_eq!(t("infinit"), (f64::INFINITY, 3, false));
        assert_eq!(t("0x10"), (16.0, 4, false));
        assert_eq!(t("0x1.8p1"), (3.0, 7, false));
        assert_eq!(t("0x"), (0.0, 1, false));
        assert_eq!(t("1e400"), (f64::INFINITY, 5, true));
        assert_eq!(t("1e-400"), (0.0, 6, true));
        assert!(t("1e-310").2, "a subnormal is ERANGE");
        let nan = strtod("nan");
        assert!(nan.value.is_nan() && nan.used == 3 && !nan.erange);
        assert_eq!(strtod("NaN(123)").used, 8);
        assert_eq!(strtod("nan(").used, 3);
    }
}
