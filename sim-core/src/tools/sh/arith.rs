//! `$((...))`: integer arithmetic with C's operators (`+ - * / %`, comparisons, `&& ||`,
//! `!`, parentheses); a name reads a variable (unset or empty is 0). Assignment operators
//! are not simulated.

use super::expand::Vars;

/// The value of `expr`, or the shell's message.
pub fn eval(expr: &str, vars: &Vars) -> Result<i64, String> {
    let toks = tokens(expr)?;
    let mut p = P {
        toks,
        i: 0,
        vars,
        expr,
    };
    if p.toks.is_empty() {
        return Ok(0);
    }
    let v = p.binary(0)?;
    if p.i < p.toks.len() {
        return Err(p.err());
    }
    Ok(v)
}

#[derive(Clone, Debug, PartialEq)]
enum T {
    Num(i64),
    Name(String),
    Op(&'static str),
}

fn tokens(s: &str) -> Result<Vec<T>, String> {
    const OPS: [&str; 19] = [
        "<=", ">=", "==", "!=", "&&", "||", "<<", ">>", "+", "-", "*", "/", "%", "<", ">", "(",
        ")", "!", "~",
    ];
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i] as char;
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() {
            let st = i;
            while i < b.len() && (b[i] as char).is_ascii_alphanumeric() {
                i += 1;
            }
            let t = &s[st..i];
            let n = if let Some(h) = t.strip_prefix("0x") {
                i64::from_str_radix(h, 16)
            } else if t.len() > 1 && t.starts_with('0') {
                i64::from_str_radix(&t[1..], 8)
            } else {
                t.parse()
            };
            out.push(T::Num(n.map_err(|_| {
                format!("{s}: value too great for base (error token is \"{t}\")")
            })?));
        } else if c.is_ascii_alphabetic() || c == '_' {
            let st = i;
            while i < b.len() && ((b[i] as char).is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            out.push(T::Name(s[st..i].to_string()));
        } else if let Some(op) = OPS.iter().find(|o| s[i..].starts_with(**o)) {
            out.push(T::Op(op));
            i += op.len();
        } else {
            return Err(format!(
                "{s}: syntax error: invalid arithmetic operator (error token is \"{}\")",
                &s[i..]
            ));
        }
    }
    Ok(out)
}

struct P<'a> {
    toks: Vec<T>,
    i: usize,
    vars: &'a Vars,
    expr: &'a str,
}

const LEVELS: [&[&str]; 8] = [
    &["||"],
    &["&&"],
    &["==", "!="],
    &["<", ">", "<=", ">="],
    &["<<", ">>"],
    &["+", "-"],
    &["*", "/", "%"],
    &[],
];

impl P<'_> {
    fn err(&self) -> String {
        let rest: Vec<String> = self.toks[self.i.min(self.toks.len())..]
            .iter()
            .map(|t| match t {
                T::Num(n) => n.to_string(),
                T::Name(n) => n.clone(),
                T::Op(o) => o.to_string(),
            })
            .collect();
        format!(
            "{}: syntax error: operand expected (error token is \"{}\")",
            self.expr,
            rest.join(" ")
        )
    }

    fn binary(&mut self, level: usize) -> Result<i64, String> {
        if LEVELS[level].is_empty() {
            return self.unary();
        }
        let mut v = self.binary(level + 1)?;
        while let Some(T::Op(op)) = self.toks.get(self.i).cloned() {
            if !LEVELS[level].contains(&op) {
                break;
            }
            self.i += 1;
            let r = self.binary(level + 1)?;
            v = match op {
                "||" => i64::from(v != 0 || r != 0),
                "&&" => i64::from(v != 0 && r != 0),
                "==" => i64::from(v == r),
                "!=" => i64::from(v != r),
                "<" => i64::from(v < r),
                ">" => i64::from(v > r),
                "<=" => i64::from(v <= r),
                ">=" => i64::from(v >= r),
                "<<" => v.wrapping_shl(r as u32),
                ">>" => v.wrapping_shr(r as u32),
                "+" => v.wrapping_add(r),
                "-" => v.wrapping_sub(r),
                "*" => v.wrapping_mul(r),
                "/" | "%" if r == 0 => {
                    return Err(format!(
                        "{}: division by 0 (error token is \"{}\")",
                        self.expr, r
                    ));
                }
                "/" => v.wrapping_div(r),
                _ => v.wrapping_rem(r),
            };
        }
        Ok(v)
    }

    fn unary(&mut self) -> Result<i64, String> {
        match self.toks.get(self.i).cloned() {
            Some(T::Op("-")) => {
                self.i += 1;
                Ok(self.unary()?.wrapping_neg())
            }
            Some(T::Op("+")) => {
                self.i += 1;
                self.unary()
            }
            Some(T::Op("!")) => {
                self.i += 1;
                Ok(i64::from(self.unary()? == 0))
            }
            Some(T::Op("~")) => {
                self.i += 1;
                Ok(!self.unary()?)
            }
            Some(T::Op("(")) => {
                self.i += 1;
                let v = self.binary(0)?;
                if self.toks.get(self.i) != Some(&T::Op(")")) {
                    return Err(self.err());
                }
                self.i += 1;
                Ok(v)
            }
            Some(T::Num(n)) => {
                self.i += 1;
                Ok(n)
            }
            Some(T::Name(n)) => {
                self.i += 1;
                let v = self.vars.get(&n).unwrap_or("").trim().to_string();
                if v.is_empty() {
                    Ok(0)
                } else {
                    eval(&v, self.vars)
                }
            }
            _ => Err(self.err()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_as_c() {
        let mut v = Vars::default();
        v.set("i", "4");
        assert_eq!(eval("1 + 2 * 3", &v), Ok(7));
        assert_eq!(eval("(i + 1) % 3", &v), Ok(2));
        assert_eq!(eval("i > 3 && !0", &v), Ok(1));
        assert_eq!(eval("x + 1", &v), Ok(1));
        assert!(eval("1 / 0", &v).unwrap_err().contains("division by 0"));
    }
}
