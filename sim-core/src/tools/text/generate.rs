//! The generators: `printf`, `seq`, `basename`, `dirname`: they print from their arguments
//! and read no input (a [`Filter`] done at `start`), as GNU coreutils' `src/printf.c`,
//! `src/seq.c`, `src/basename.c` and `src/dirname.c` print. `date` needs the simulated
//! clock and is in `date.rs`.

use std::collections::BTreeMap;

use super::lines::gnu_usage;
use super::{Filter, Getopt, Opt, Out};

/// The filter for `name`, or None if it is not one of these tools.
pub fn parse(
    name: &str,
    args: &[String],
    busybox: bool,
) -> Option<Result<Box<dyn Filter>, (String, i32)>> {
    let r = match name {
        "printf" => printf(args),
        "seq" => seq(args, busybox),
        "basename" => basename(args),
        "dirname" => dirname(args),
        _ => return None,
    };
    Some(r.map(|(stdout, stderr, code)| {
        Box::new(Printed(Out { stdout, stderr }, code)) as Box<dyn Filter>
    }))
}

/// What a generator printed and its status, handed out at `start`.
struct Printed(Out, i32);

impl Filter for Printed {
    fn start(&mut self, _files: &mut BTreeMap<String, String>, out: &mut Out) -> Option<i32> {
        out.stdout.push_str(&self.0.stdout);
        out.stderr.push_str(&self.0.stderr);
        Some(self.1)
    }

    fn input(
        &mut self,
        _text: &str,
        _files: &mut BTreeMap<String, String>,
        _out: &mut Out,
    ) -> Option<i32> {
        Some(self.1)
    }

    fn end(&mut self, _files: &mut BTreeMap<String, String>, _out: &mut Out) -> i32 {
        self.1
    }
}

pub(super) type Printout = Result<(String, String, i32), (String, i32)>;

/// A backslash escape at `s` (after the backslash): the text and how many characters it
/// took; None for `\c` (stop printing). `octal_zero`: `%b`'s `\0NNN` form.
fn escape(s: &[char], octal_zero: bool) -> Option<(String, usize)> {
    let Some(&c) = s.first() else {
        return Some(("\\".into(), 0));
    };
    let simple = match c {
        '\\' => Some('\\'),
        '"' => Some('"'),
        'a' => Some('\x07'),
        'b' => Some('\x08'),
        'e' => Some('\x1b'),
        'f' => Some('\x0c'),
        'n' => Some('\n'),
        'r' => Some('\r'),
        't' => Some('\t'),
        'v' => Some('\x0b'),
        _ => None,
    };
    if let Some(ch) = simple {
        return Some((ch.to_string(), 1));
    }
    match c {
        'c' => None,
        '0'..='7' => {
            let (start, max) = if octal_zero && c == '0' {
                (1, 3)
            } else {
                (0, 3)
            };
            let mut v = 0u32;
            let mut n = start;
            while n < start + max && n < s.len() && s[n].is_digit(8) {
                v = v * 8 + s[n].to_digit(8).expect("octal");
                n += 1;
            }
            Some((
                char::from_u32(v & 0xff).unwrap_or('\0').to_string(),
                n.max(1),
            ))
        }
        'x' => {
            let mut v = 0u32;
            let mut n = 1;
            while n < 3 && n < s.len() && s[n].is_ascii_hexdigit() {
                v = v * 16 + s[n].to_digit(16).expect("hex");
                n += 1;
            }
            if n == 1 {
                return Some(("\\x".into(), 1));
            }
            Some((char::from_u32(v).unwrap_or('\0').to_string(), n))
        }
        other => Some((format!("\\{other}"), 1)),
    }
}

/// A numeric argument as printf reads it: decimal, 0x hex, 0 octal, `'c` a character's
/// code; with GNU's warning when it is not (completely) a number.
fn int_arg(a: &str, err: &mut String) -> i64 {
    if let Some(c) = a.strip_prefix(['\'', '"']) {
        return c.chars().next().map_or(0, |c| c as i64);
    }
    let t = a.trim_start();
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (radix, digits) = if let Some(h) = body.strip_prefix("0x").or(body.strip_prefix("0X")) {
        (16, h)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        (10, body)
    };
    let end = digits
        .find(|c: char| !c.is_digit(radix))
        .unwrap_or(digits.len());
    let v = i64::from_str_radix(&digits[..end], radix).unwrap_or(0);
    if end == 0 && !(radix == 8) {
        err.push_str(&format!("printf: '{a}': expected a numeric value\n"));
    } else if end < digits.len() {
        err.push_str(&format!("printf: '{a}': value not completely converted\n"));
    }
    if neg { -v } else { v }
}

fn float_arg(a: &str, err: &mut String) -> f64 {
    if let Some(c) = a.strip_prefix(['\'', '"']) {
        return c.chars().next().map_or(0.0, |c| c as u32 as f64);
    }
    match a.trim().parse::<f64>() {
        Ok(v) => v,
        Err(_) => {
            err.push_str(&format!("printf: '{a}': expected a numeric value\n"));
            0.0
        }
    }
}

/// Pads `s` to `width` (left-justified with `-`, zeros after a sign with `0`).
fn pad(s: String, width: Option<usize>, left: bool, zero: bool) -> String {
    let Some(w) = width else { return s };
    let len = s.chars().count();
    if len >= w {
        return s;
    }
    let fill = w - len;
    if left {
        format!("{s}{}", " ".repeat(fill))
    } else if zero {
        let (sign, rest) = match s.strip_prefix(['-', '+', ' ']) {
            Some(r) => (&s[..1], r),
            None => ("", s.as_str()),
        };
        let (pre, rest) = match rest.strip_prefix("0x").or(rest.strip_prefix("0X")) {
            Some(r) => (&rest[..2], r),
            None => ("", rest),
        };
        format!("{sign}{pre}{}{rest}", "0".repeat(fill))
    } else {
        format!("{}{s}", " ".repeat(fill))
    }
}

/// `printf FORMAT [ARGUMENT]...`: the format reused while arguments remain.
pub(super) fn printf(args: &[String]) -> Printout {
    let Some(format) = args.first() else {
        return Err(gnu_usage("printf", "missing operand"));
    };
    let fmt: Vec<char> = format.chars().collect();
    let args = &args[1..];
    let (mut out, mut err) = (String::new(), String::new());
    let mut next = 0usize;
    let mut code = 0;
    loop {
        let used_before = next;
        let mut i = 0;
        let mut had_conversion = false;
        while i < fmt.len() {
            let c = fmt[i];
            if c == '\\' {
                match escape(&fmt[i + 1..], false) {
                    Some((t, n)) => {
                        out.push_str(&t);
                        i += 1 + n;
                    }
                    None => return Ok((out, err, code)),
                }
                continue;
            }
            if c != '%' {
                out.push(c);
                i += 1;
                continue;
            }
            // %[flags][width][.precision]conversion
            let start = i;
            i += 1;
            if fmt.get(i) == Some(&'%') {
                out.push('%');
                i += 1;
                continue;
            }
            let (mut left, mut zero, mut plus, mut space, mut alt) =
                (false, false, false, false, false);
            while let Some(&f) = fmt.get(i) {
                match f {
                    '-' => left = true,
                    '0' => zero = true,
                    '+' => plus = true,
                    ' ' => space = true,
                    '#' => alt = true,
                    '\'' => {}
                    _ => break,
                }
                i += 1;
            }
            let mut take_num = |i: &mut usize, next: &mut usize| -> Option<usize> {
                if fmt.get(*i) == Some(&'*') {
                    *i += 1;
                    let a = args.get(*next).cloned().unwrap_or_default();
                    *next += 1;
                    let v = int_arg(&a, &mut err);
                    return Some(v.max(0) as usize);
                }
                let s = *i;
                while fmt.get(*i).is_some_and(|c| c.is_ascii_digit()) {
                    *i += 1;
                }
                if *i > s {
                    fmt[s..*i].iter().collect::<String>().parse().ok()
                } else {
                    None
                }
            };
            let width = take_num(&mut i, &mut next);
            let precision = if fmt.get(i) == Some(&'.') {
                i += 1;
                Some(take_num(&mut i, &mut next).unwrap_or(0))
            } else {
                None
            };
            while matches!(fmt.get(i), Some('h' | 'l' | 'L' | 'q' | 'j' | 'z' | 't')) {
                i += 1;
            }
            let Some(&conv) = fmt.get(i) else {
                let spec: String = fmt[start..].iter().collect();
                return Err((
                    format!("printf: {spec}: invalid conversion specification"),
                    1,
                ));
            };
            i += 1;
            had_conversion = true;
            let arg = args.get(next).cloned();
            next += 1;
            let a = arg.clone().unwrap_or_default();
            let sign = |neg: bool| {
                if neg {
                    "-"
                } else if plus {
                    "+"
                } else if space {
                    " "
                } else {
                    ""
                }
            };
            let text = match conv {
                's' => {
                    let s: String = match precision {
                        Some(p) => a.chars().take(p).collect(),
                        None => a,
                    };
                    pad(s, width, left, false)
                }
                'b' => {
                    let chars: Vec<char> = a.chars().collect();
                    let mut s = String::new();
                    let mut j = 0;
                    let mut stop = false;
                    while j < chars.len() {
                        if chars[j] == '\\' {
                            match escape(&chars[j + 1..], true) {
                                Some((t, n)) => {
                                    s.push_str(&t);
                                    j += 1 + n;
                                }
                                None => {
                                    stop = true;
                                    break;
                                }
                            }
                        } else {
                            s.push(chars[j]);
                            j += 1;
                        }
                    }
                    out.push_str(&pad(s, width, left, false));
                    if stop {
                        return Ok((out, err, code));
                    }
                    continue;
                }
                'c' => pad(
                    a.chars().next().map(String::from).unwrap_or_default(),
                    width,
                    left,
                    false,
                ),
                'd' | 'i' | 'u' | 'x' | 'X' | 'o' => {
                    let before = err.len();
                    let v = if arg.is_some() {
                        int_arg(&a, &mut err)
                    } else {
                        0
                    };
                    if err.len() > before {
                        code = 1;
                    }
                    let (neg, mag) = (v < 0, v.unsigned_abs());
                    let digits = match conv {
                        'x' => format!("{:x}", if conv == 'x' && neg { v as u64 } else { mag }),
                        'X' => format!("{:X}", if neg { v as u64 } else { mag }),
                        'o' => format!("{:o}", if neg { v as u64 } else { mag }),
                        'u' => format!("{}", if neg { v as u64 } else { mag }),
                        _ => format!("{mag}"),
                    };
                    let digits = match precision {
                        Some(p) if digits.len() < p => {
                            format!("{}{digits}", "0".repeat(p - digits.len()))
                        }
                        _ => digits,
                    };
                    let prefix = match conv {
                        'x' if alt && v != 0 => "0x",
                        'X' if alt && v != 0 => "0X",
                        'o' if alt && !digits.starts_with('0') => "0",
                        _ => "",
                    };
                    let signed = matches!(conv, 'd' | 'i');
                    let s = format!("{}{prefix}{digits}", if signed { sign(neg) } else { "" });
                    pad(s, width, left, zero && precision.is_none())
                }
                'f' | 'F' | 'e' | 'E' | 'g' | 'G' => {
                    let before = err.len();
                    let v = if arg.is_some() {
                        float_arg(&a, &mut err)
                    } else {
                        0.0
                    };
                    if err.len() > before {
                        code = 1;
                    }
                    let p = precision.unwrap_or(6);
                    let body = match conv {
                        'f' | 'F' => format!("{:.p$}", v.abs()),
                        'e' | 'E' => c_exp(v.abs(), p, conv == 'E'),
                        _ => c_general(v.abs(), p.max(1), conv == 'G', alt),
                    };
                    pad(
                        format!(
                            "{}{body}",
                            sign(v.is_sign_negative() && v != 0.0 || v < 0.0)
                        ),
                        width,
                        left,
                        zero,
                    )
                }
                other => {
                    let spec: String = fmt[start..i].iter().collect();
                    let _ = other;
                    return Err((
                        format!("printf: {spec}: invalid conversion specification"),
                        1,
                    ));
                }
            };
            out.push_str(&text);
        }
        if !had_conversion && !args.is_empty() && used_before == 0 {
            err.push_str(&format!(
                "printf: warning: ignoring excess arguments, starting with '{}'\n",
                args[0]
            ));
            break;
        }
        if next >= args.len() || !had_conversion || next == used_before {
            break;
        }
    }
    Ok((out, err, code))
}

/// C's `%e`: one digit, the fraction, and a two-digit (at least) exponent.
fn c_exp(v: f64, p: usize, upper: bool) -> String {
    let s = format!("{v:.p$e}");
    let (mant, exp) = s.split_once('e').expect("an exponent");
    let e: i32 = exp.parse().expect("a number");
    let t = format!("{mant}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs());
    if upper { t.to_uppercase() } else { t }
}

/// C's `%g`: `%e` or `%f` by the exponent, trailing zeros dropped (kept with `#`).
pub(super) fn c_general(v: f64, p: usize, upper: bool, alt: bool) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let e = v.abs().log10().floor() as i32;
    let s = if e < -4 || e >= p as i32 {
        c_exp(v, p - 1, upper)
    } else {
        let decimals = (p as i32 - 1 - e).max(0) as usize;
        format!("{v:.decimals$}")
    };
    if alt {
        return s;
    }
    let (num, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s.as_str(), ""),
    };
    let num = if num.contains('.') {
        num.trim_end_matches('0').trim_end_matches('.')
    } else {
        num
    };
    format!("{num}{exp}")
}

/// `seq [-s SEP] [-w] [-f FORMAT] [FIRST [INCREMENT]] LAST`.
fn seq(args: &[String], busybox: bool) -> Printout {
    let mut sep = "\n".to_string();
    let mut equal = false;
    let mut format: Option<String> = None;
    // Negative numbers are operands, not options (`seq -5 -1`).
    let mut opts = Vec::new();
    let mut ops = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let is_num = a.len() > 1
            && a.starts_with('-')
            && a[1..].starts_with(|c: char| c.is_ascii_digit() || c == '.');
        if a.starts_with('-') && a.len() > 1 && !is_num && ops.is_empty() {
            opts.push(a.clone());
            if matches!(a.as_str(), "-s" | "-f") {
                if let Some(v) = it.next() {
                    opts.push(v.clone());
                }
            }
        } else {
            ops.push(a.clone());
        }
    }
    let mut g = Getopt::new(&opts);
    while let Some(o) = g.next() {
        match o {
            Opt::Short('s') | Opt::Long("separator", _) => {
                sep = match o {
                    Opt::Long(_, Some(v)) => v.to_string(),
                    _ => g.value().unwrap_or_default(),
                }
            }
            Opt::Short('w') | Opt::Long("equal-width", _) => equal = true,
            Opt::Short('f') | Opt::Long("format", _) => {
                format = match o {
                    Opt::Long(_, Some(v)) => Some(v.to_string()),
                    _ => g.value(),
                }
            }
            o if busybox => {
                return Err(super::busybox_bad_option(
                    "seq",
                    "[-w] [-s SEP] [FIRST [INC]] LAST",
                    &o,
                ));
            }
            o => return Err(super::gnu_bad_option("seq", &o)),
        }
    }
    if ops.is_empty() {
        return Err(gnu_usage("seq", "missing operand"));
    }
    if ops.len() > 3 {
        return Err(gnu_usage("seq", &format!("extra operand '{}'", ops[3])));
    }
    let mut nums = Vec::new();
    for o in &ops {
        match o.parse::<f64>() {
            Ok(v) if v.is_finite() => nums.push(v),
            _ if busybox => return Err((format!("seq: invalid number '{o}'"), 1)),
            _ => {
                return Err(gnu_usage(
                    "seq",
                    &format!("invalid floating point argument: '{o}'"),
                ));
            }
        }
    }
    let (first, inc, last) = match nums.len() {
        1 => (1.0, 1.0, nums[0]),
        2 => (nums[0], 1.0, nums[1]),
        _ => (nums[0], nums[1], nums[2]),
    };
    if inc == 0.0 {
        return Err(gnu_usage(
            "seq",
            &format!("invalid Zero increment value: '{}'", ops[1]),
        ));
    }
    // Decimals: the most FIRST and INCREMENT have (`seq 1 0.5 2` prints 1.0 1.5 2.0).
    let given = match ops.len() {
        1 => &ops[..0],
        2 => &ops[..1],
        _ => &ops[..2],
    };
    let decimals = given
        .iter()
        .map(|o| o.split_once('.').map_or(0, |(_, f)| f.len()))
        .max()
        .unwrap_or(0);
    let mut values = Vec::new();
    let mut k = 0u64;
    loop {
        let v = first + inc * k as f64;
        if (inc > 0.0 && v > last + 1e-9) || (inc < 0.0 && v < last - 1e-9) {
            break;
        }
        values.push(v);
        k += 1;
        if k > 10_000_000 {
            break;
        }
    }
    let mut texts: Vec<String> = values
        .iter()
        .map(|v| match &format {
            Some(f) => printf(&[f.clone(), format!("{v}")])
                .map(|(o, _, _)| o)
                .unwrap_or_default(),
            None => format!("{v:.decimals$}"),
        })
        .collect();
    if equal && format.is_none() {
        let width = texts.iter().map(|t| t.len()).max().unwrap_or(0);
        texts = texts
            .into_iter()
            .map(|t| pad(t, Some(width), false, true))
            .collect();
    }
    let mut out = texts.join(&sep);
    if !texts.is_empty() {
        out.push('\n');
    }
    Ok((out, String::new(), 0))
}

/// `basename NAME [SUFFIX]`, `basename -a|-s SUFFIX NAME...`.
fn basename(args: &[String]) -> Printout {
    let (mut multiple, mut suffix) = (false, None::<String>);
    let mut g = Getopt::new(args);
    while let Some(o) = g.next() {
        match o {
            Opt::Short('a') | Opt::Long("multiple", _) => multiple = true,
            Opt::Short('s') | Opt::Long("suffix", _) => {
                multiple = true;
                suffix = match o {
                    Opt::Long(_, Some(v)) => Some(v.to_string()),
                    _ => g.value(),
                };
            }
            o => return Err(super::gnu_bad_option("basename", &o)),
        }
    }
    let ops = std::mem::take(&mut g.operands);
    if ops.is_empty() {
        return Err(gnu_usage("basename", "missing operand"));
    }
    let names: Vec<String> = if multiple {
        ops
    } else {
        if ops.len() > 2 {
            return Err(gnu_usage(
                "basename",
                &format!("extra operand '{}'", ops[2]),
            ));
        }
        suffix = ops.get(1).cloned();
        vec![ops[0].clone()]
    };
    let mut out = String::new();
    for n in names {
        let t = n.trim_end_matches('/');
        let mut base = if t.is_empty() && n.starts_with('/') {
            "/".to_string()
        } else {
            t.rsplit('/').next().unwrap_or_default().to_string()
        };
        if let Some(s) = &suffix
            && !s.is_empty()
            && base != *s
            && let Some(b) = base.strip_suffix(s.as_str())
        {
            base = b.to_string();
        }
        out.push_str(&base);
        out.push('\n');
    }
    Ok((out, String::new(), 0))
}

/// `dirname NAME...`.
fn dirname(args: &[String]) -> Printout {
    let mut g = Getopt::new(args);
    if let Some(o) = g.next() {
        return Err(super::gnu_bad_option("dirname", &o));
    }
    let ops = std::mem::take(&mut g.operands);
    if ops.is_empty() {
        return Err(gnu_usage("dirname", "missing operand"));
    }
    let mut out = String::new();
    for n in ops {
        let t = n.trim_end_matches('/');
        let d = match t.rfind('/') {
            None if n.starts_with('/') => "/",
            None => ".",
            Some(i) => {
                let d = t[..i].trim_end_matches('/');
                if d.is_empty() { "/" } else { d }
            }
        };
        out.push_str(d);
        out.push('\n');
    }
    Ok((out, String::new(), 0))
}

#[cfg(test)]
mod tests {
    use super::super::tests::check;

    fn out(cmd: &str) -> String {
        check(cmd, "").0
    }

    /// Cases as coreutils' tests/printf/printf.sh has them, and C's formats.
    #[test]
    fn printf_formats() {
        assert_eq!(out("printf '%s\\n' a b c"), "a\nb\nc\n");
        assert_eq!(out("printf '%s=%d\\n' x 1 y"), "x=1\ny=0\n");
        assert_eq!(out("printf '%5s|%-5s|\\n' ab cd"), "   ab|cd   |\n");
        assert_eq!(
            out("printf '%05d %x %X %o %c %%\\n' 42 255 255 8 hello"),
            "00042 ff FF 10 h %\n"
        );
        assert_eq!(out("printf '%.2s\\n' abcdef"), "ab\n");
        assert_eq!(
            out("printf '%.3f %e\\n' 3.14159 1234.5"),
            "3.142 1.234500e+03\n"
        );
        assert_eq!(out("printf '%g %g\\n' 0.0001 1000000"), "0.0001 1e+06\n");
        assert_eq!(out("printf '%+d % d %#x\\n' 5 5 255"), "+5  5 0xff\n");
        assert_eq!(out("printf '%*d|\\n' 4 7"), "   7|\n");
        assert_eq!(out("printf '%d\\n' 0x10 010 \"'A\""), "16\n8\n65\n");
        assert_eq!(out("printf 'a\\tb\\101\\x42\\n'"), "a\tbAB\n");
        assert_eq!(out("printf '%b' 'x\\ny\\0101\\n'"), "x\nyA\n");
        assert_eq!(out("printf 'abc\\cdef'"), "abc");
        assert_eq!(out("printf hello"), "hello");
        assert_eq!(
            check("printf '%d\\n' abc", ""),
            (
                "0\n".into(),
                "printf: 'abc': expected a numeric value\n".into(),
                1
            )
        );
        assert_eq!(
            check("printf '%d\\n' 12abc", ""),
            (
                "12\n".into(),
                "printf: '12abc': value not completely converted\n".into(),
                1
            )
        );
        assert_eq!(
            check("printf x y", ""),
            (
                "x".into(),
                "printf: warning: ignoring excess arguments, starting with 'y'\n".into(),
                0
            )
        );
        assert_eq!(
            check("printf", ""),
            (
                String::new(),
                "printf: missing operand\nTry 'printf --help' for more information.\n".into(),
                1
            )
        );
    }

    #[test]
    fn seq_counts() {
        assert_eq!(out("seq 3"), "1\n2\n3\n");
        assert_eq!(out("seq 2 4"), "2\n3\n4\n");
        assert_eq!(out("seq 10 -3 1"), "10\n7\n4\n1\n");
        assert_eq!(out("seq 1 0.5 2"), "1.0\n1.5\n2.0\n");
        assert_eq!(out("seq -s, 3"), "1,2,3\n");
        assert_eq!(out("seq -w 8 10"), "08\n09\n10\n");
        assert_eq!(out("seq -5 -3"), "-5\n-4\n-3\n");
        assert_eq!(out("seq 3 1"), "");
        assert_eq!(out("seq -f 'n%g' 2"), "n1\nn2\n");
        assert_eq!(
            check("seq x", "").1,
            "seq: invalid floating point argument: 'x'\nTry 'seq --help' for more information.\n"
        );
        assert_eq!(
            check("seq", "").1,
            "seq: missing operand\nTry 'seq --help' for more information.\n"
        );
    }

    #[test]
    fn basename_and_dirname() {
        assert_eq!(out("basename /usr/bin/sort"), "sort\n");
        assert_eq!(out("basename include/stdio.h .h"), "stdio\n");
        assert_eq!(out("basename /a/b/"), "b\n");
        assert_eq!(out("basename /"), "/\n");
        assert_eq!(out("basename -a /x/a /y/b"), "a\nb\n");
        assert_eq!(out("basename -s .h a.h b.h"), "a\nb\n");
        assert_eq!(out("dirname /usr/bin/"), "/usr\n");
        assert_eq!(out("dirname stdio.h"), ".\n");
        assert_eq!(out("dirname /x"), "/\n");
        assert_eq!(out("dirname a/b c"), "a\n.\n");
    }
}
