//! kube-apiserver's validation of what the simulator relies on, with its messages: ported
//! from kubernetes' pkg/apis/core/validation (ValidateObjectMeta, ValidatePodSpec,
//! ValidateService...), pkg/apis/apps/validation and pkg/apis/batch/validation, and
//! apimachinery's pkg/util/validation (IsDNS1123Label...) and field errors (`Required
//! value`, `Invalid value: "x": ...`, `Unsupported value: ...`).

use std::collections::BTreeMap;

use super::*;

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

/// IsQualifiedName: a label key, an annotation key (`example.com/name`).
fn qualified_name(s: &str) -> Vec<String> {
    const FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    const MSG: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    let examples = ["MyName", "my.name", "123-abc"];
    let mut errs = Vec::new();
    let parts: Vec<&str> = s.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".to_string());
            } else {
                errs.extend(
                    dns1123_subdomain(prefix)
                        .into_iter()
                        .map(|m| format!("prefix part {m}")),
                );
            }
            *name
        }
        _ => {
            errs.push(format!(
                "a qualified name {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                regex_error(MSG, FMT, &examples)
            ));
            return errs;
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".into());
    } else if name.len() > 63 {
        errs.push(format!("name part {}", max_len_error(63)));
    }
    if !qualified_name_regex(name) {
        errs.push(format!("name part {}", regex_error(MSG, FMT, &examples)));
    }
    errs
}

/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`.
fn qualified_name_regex(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

/// IsValidLabelValue.
fn label_value(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 63 {
        errs.push(max_len_error(63));
    }
    if !s.is_empty() && !qualified_name_regex(s) {
        errs.push(regex_error(
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
            "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?",
            &["MyValue", "my_value", "12345"],
        ));
    }
    errs
}

/// IsValidPortName: an IANA_SVC_NAME (a container port's name, a named targetPort).
fn port_name(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 15 {
        errs.push(max_len_error(15));
    }
    if s.is_empty()
        || !s
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
    {
        errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".into());
    }
    if !s.bytes().any(|c| c.is_ascii_lowercase()) {
        errs.push("must contain at least one letter (a-z)".into());
    }
    if s.contains("--") {
        errs.push("must not contain consecutive hyphens".into());
    }
    if s.starts_with('-') || s.ends_with('-') {
        errs.push("must not begin or end with a hyphen".into());
    }
    errs
}

/// IsValidPortNum.
fn port_num(n: i64) -> Vec<String> {
    if (1..=65535).contains(&n) {
        Vec::new()
    } else {
        vec!["must be between 1 and 65535, inclusive".into()]
    }
}

/// IsEnvVarName (the strict form of 1.28; 1.30 relaxed it behind a feature gate).
pub fn env_var_name(s: &str) -> Vec<String> {
    let b = s.as_bytes();
    let ok = !b.is_empty()
        && !b[0].is_ascii_digit()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_'));
    let mut errs = Vec::new();
    if !ok {
        errs.push(regex_error(
            "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit",
            "[-._a-zA-Z][-._a-zA-Z0-9]*",
            &["my.env-name", "MY_ENV.NAME", "MyEnvName1"],
        ));
    }
    errs.extend(ch_dir_prefix(s));
    errs
}

/// IsConfigMapKey: a ConfigMap's or Secret's data key.
fn config_map_key(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 253 {
        errs.push(max_len_error(253));
    }
    if s.is_empty()
        || !s
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_'))
    {
        errs.push(regex_error(
            "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
            "[-._a-zA-Z0-9]+",
            &["key.name", "KEY_NAME", "key-name"],
        ));
    }
    errs.extend(ch_dir_prefix(s));
    errs
}

fn ch_dir_prefix(s: &str) -> Vec<String> {
    match s {
        "." => vec!["must not be '.'".into()],
        ".." => vec!["must not be '..'".into()],
        s if s.starts_with("..") => vec!["must not start with '..'".into()],
        _ => Vec::new(),
    }
}

/// IsHTTPHeaderName.
fn http_header_name(s: &str) -> Vec<String> {
    if !s.is_empty() && s.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-') {
        return Vec::new();
    }
    vec![regex_error(
        "a valid HTTP header must consist of alphanumeric characters or '-'",
        "[-A-Za-z0-9]+",
        &["X-Header-Name"],
    )]
}

/// IsValidPercent.
fn percent(s: &str) -> Vec<String> {
    let ok = s
        .strip_suffix('%')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()));
    if ok {
        Vec::new()
    } else {
        vec![regex_error(
            "a valid percent string must be a numeric string followed by an ending '%'",
            "[0-9]+%",
            &["1%", "93%"],
        )]
    }
}

/// Go's net.ParseIP, as netutils.ParseIPSloppy reads it (IPv4 leading zeros allowed).
fn parse_ip(s: &str) -> Option<std::net::IpAddr> {
    if let Ok(ip) = s.parse::<std::net::IpAddr>() {
        return Some(ip);
    }
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut octets = [0u8; 4];
    for (o, p) in octets.iter_mut().zip(&parts) {
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        *o = p.parse().ok()?;
    }
    Some(std::net::IpAddr::from(octets))
}

/// Go's net.ParseCIDR (sloppy): an address, `/`, a prefix length.
fn parse_cidr(s: &str) -> Option<(std::net::IpAddr, u8)> {
    let (ip, len) = s.split_once('/')?;
    let ip = parse_ip(ip)?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    if len.is_empty() || len.len() > 3 || !len.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let len: u8 = len.parse().ok()?;
    (len <= max).then_some((ip, len))
}

// ---------------------------------------------------------------------------------------
// How Go's fmt prints the values the messages quote (`%#v`, as kube-apiserver 1.28 to
// 1.31 print a value that is not a string or a number).

/// `map[string]string{"app":"web", "tier":"fe"}`, or `map[string]string(nil)`.
fn go_map(m: Option<&BTreeMap<String, String>>) -> String {
    match m {
        None => "map[string]string(nil)".into(),
        Some(m) => {
            let entries: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{}:{}", go_quote(k), go_quote(v)))
                .collect();
            format!("map[string]string{{{}}}", entries.join(", "))
        }
    }
}

/// `intstr.IntOrString{Type:1, IntVal:0, StrVal:"50"}`.
fn go_int_or_string(v: &IntOrString) -> String {
    match v {
        IntOrString::Int(i) => format!("intstr.IntOrString{{Type:0, IntVal:{i}, StrVal:\"\"}}"),
        IntOrString::String(s) => {
            format!(
                "intstr.IntOrString{{Type:1, IntVal:0, StrVal:{}}}",
                go_quote(s)
            )
        }
    }
}

/// `v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}`.
fn go_label_selector(s: &LabelSelector) -> String {
    let exprs = match &s.match_expressions {
        None => "[]v1.LabelSelectorRequirement(nil)".to_string(),
        Some(list) => {
            let items: Vec<String> = list
                .iter()
                .map(|r| {
                    let values = match &r.values {
                        None => "[]string(nil)".to_string(),
                        Some(v) => format!(
                            "[]string{{{}}}",
                            v.iter().map(|s| go_quote(s)).collect::<Vec<_>>().join(", ")
                        ),
                    };
                    format!(
                        "v1.LabelSelectorRequirement{{Key:{}, Operator:{}, Values:{values}}}",
                        go_quote(&r.key),
                        go_quote(&r.operator)
                    )
                })
                .collect();
            format!("[]v1.LabelSelectorRequirement{{{}}}", items.join(", "))
        }
    };
    format!(
        "v1.LabelSelector{{MatchLabels:{}, MatchExpressions:{exprs}}}",
        go_map(s.match_labels.as_ref())
    )
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

/// kube-apiserver's validation after its defaulting: a field the server defaults
/// (restartPolicy, dnsPolicy, a port's protocol, a Service's type...) is valid when absent.
pub(super) fn validate(m: &Manifest) -> Vec<(String, String)> {
    let mut e = Errs::default();
    let meta = |e: &mut Errs, rule| object_meta(e, m.metadata(), rule, true, "metadata");
    match m {
        Manifest::Pod(p) => {
            meta(&mut e, NameRule::Subdomain);
            let spec = p.spec.clone().unwrap_or_default();
            pod_spec(&mut e, &spec, "spec", true);
        }
        Manifest::Service(s) => {
            meta(&mut e, NameRule::Dns1035);
            service(&mut e, &s.spec.clone().unwrap_or_default());
        }
        Manifest::Endpoints(ep) => {
            meta(&mut e, NameRule::Subdomain);
            endpoints(&mut e, ep);
        }
        Manifest::EndpointSlice(es) => {
            meta(&mut e, NameRule::Subdomain);
            endpoint_slice(&mut e, es);
        }
        Manifest::ReplicationController(rc) => {
            meta(&mut e, NameRule::Subdomain);
            let spec = rc.spec.clone().unwrap_or_default();
            non_negative(&mut e, spec.min_ready_seconds, "spec.minReadySeconds");
            if spec.selector.as_ref().is_none_or(BTreeMap::is_empty) {
                e.required("spec.selector", "");
            }
            non_negative(&mut e, spec.replicas, "spec.replicas");
            match &spec.template {
                None => e.required("spec.template", ""),
                Some(t) => {
                    let selector = spec.selector.as_ref().filter(|s| !s.is_empty());
                    let labels = template_labels(t);
                    if let Some(sel) = selector
                        && !sel
                            .iter()
                            .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v))
                    {
                        invalid_labels(&mut e, "spec.template.metadata.labels", labels);
                    }
                    workload_template(&mut e, t, "spec.template", "ReplicationController");
                }
            }
        }
        Manifest::ReplicaSet(rs) => {
            meta(&mut e, NameRule::Subdomain);
            let spec = rs.spec.clone().unwrap_or_default();
            non_negative(&mut e, spec.replicas, "spec.replicas");
            non_negative(&mut e, spec.min_ready_seconds, "spec.minReadySeconds");
            workload_selector(&mut e, &spec.selector, "replicaset");
            match &spec.template {
                None => e.required("spec.template", ""),
                Some(t) => {
                    selector_matches_template(&mut e, &spec.selector, t);
                    workload_template(&mut e, t, "spec.template", "ReplicaSet");
                }
            }
        }
        Manifest::Deployment(d) => {
            meta(&mut e, NameRule::Subdomain);
            deployment(&mut e, &d.spec.clone().unwrap_or_default());
        }
        Manifest::DaemonSet(ds) => {
            meta(&mut e, NameRule::Subdomain);
            let spec = ds.spec.clone().unwrap_or_default();
            workload_selector(&mut e, &spec.selector, "daemonset");
            selector_matches_template(&mut e, &spec.selector, &spec.template);
            workload_template(&mut e, &spec.template, "spec.template", "DaemonSet");
            non_negative(&mut e, spec.min_ready_seconds, "spec.minReadySeconds");
        }
        Manifest::StatefulSet(ss) => {
            // DNS labels since 1.27: the name becomes the pods' hostnames.
            meta(&mut e, NameRule::Label);
            stateful_set(&mut e, &ss.spec.clone().unwrap_or_default());
        }
        Manifest::Job(j) => {
            meta(&mut e, NameRule::Subdomain);
            job(&mut e, &j.spec.clone().unwrap_or_default());
        }
        Manifest::ConfigMap(cm) => {
            meta(&mut e, NameRule::Subdomain);
            for key in cm.data.iter().flat_map(|d| d.keys()) {
                for msg in config_map_key(key) {
                    e.invalid(&format!("data[{key}]"), key, &msg);
                }
            }
            // ValidateConfigMap: the values together at most MaxSecretSize (1 MiB),
            // `field.TooLong(field.NewPath(""), ...)` printed at the path `[]`. (binaryData
            // is not simulated, and not counted.)
            let size: usize = cm
                .data
                .iter()
                .flat_map(|d| d.values())
                .map(String::len)
                .sum();
            if size > 1024 * 1024 {
                e.push(
                    "[]",
                    format!("Too long: must have at most {} bytes", 1024 * 1024),
                );
            }
        }
        Manifest::Secret(s) => {
            meta(&mut e, NameRule::Subdomain);
            // stringData is merged into data before validation.
            let keys: std::collections::BTreeSet<&String> = s
                .data
                .iter()
                .flat_map(|d| d.keys())
                .chain(s.string_data.iter().flat_map(|d| d.keys()))
                .collect();
            for key in &keys {
                for msg in config_map_key(key) {
                    e.invalid(&format!("data[{key}]"), key, &msg);
                }
            }
            // MaxSecretSize (1 MiB), over data once stringData is merged in.
            let size: usize = keys
                .iter()
                .map(|k| {
                    let string = s.string_data.as_ref().and_then(|d| d.get(*k));
                    let data = s.data.as_ref().and_then(|d| d.get(*k));
                    string.map_or_else(|| data.map_or(0, |v| v.0.len()), String::len)
                })
                .sum();
            if size > 1024 * 1024 {
                e.push(
                    "data",
                    format!("Too long: must have at most {} bytes", 1024 * 1024),
                );
            }
            secret_type(&mut e, s, &keys);
        }
        Manifest::Namespace(_) => {
            object_meta(&mut e, m.metadata(), NameRule::Label, false, "metadata");
        }
        Manifest::NetworkPolicy(np) => {
            meta(&mut e, NameRule::Subdomain);
            network_policy(&mut e, &np.spec.clone().unwrap_or_default());
        }
    }
    e.0
}

/// ValidateSecret's rules for the built-in types (`keys`: data's and stringData's).
fn secret_type(e: &mut Errs, s: &Secret, keys: &std::collections::BTreeSet<&String>) {
    let has = |k: &str| keys.iter().any(|x| x.as_str() == k);
    let value = |k: &str| -> Option<Vec<u8>> {
        let string = s.string_data.as_ref().and_then(|d| d.get(k));
        let data = s.data.as_ref().and_then(|d| d.get(k));
        string
            .map(|v| v.clone().into_bytes())
            .or_else(|| data.map(|v| v.0.clone()))
    };
    match s.type_.as_deref().unwrap_or("") {
        "kubernetes.io/service-account-token" => {
            let named = s
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get("kubernetes.io/service-account.name"))
                .is_some_and(|v| !v.is_empty());
            if !named {
                e.required(
                    "metadata.annotations[kubernetes.io/service-account.name]",
                    "",
                );
            }
        }
        t @ ("kubernetes.io/dockercfg" | "kubernetes.io/dockerconfigjson") => {
            let key = if t == "kubernetes.io/dockercfg" {
                ".dockercfg"
            } else {
                ".dockerconfigjson"
            };
            match value(key) {
                None => e.required(&format!("data[{key}]"), ""),
                Some(bytes) => {
                    if let Some(err) = go_json_object_error(&bytes) {
                        e.invalid_raw(
                            &format!("data[{key}]"),
                            "\"<secret contents redacted>\"",
                            &err,
                        );
                    }
                }
            }
        }
        "kubernetes.io/basic-auth" => {
            // The apiserver's own path (`field.NewPath("data[%s]")`), printed as it is.
            if !has("username") && !has("password") {
                e.required("data[%s][username]", "");
                e.required("data[%s][password]", "");
            }
        }
        "kubernetes.io/ssh-auth" => {
            if value("ssh-privatekey").is_none_or(|v| v.is_empty()) {
                e.required("data[%s][ssh-privatekey]", "");
            }
        }
        "kubernetes.io/tls" => {
            for key in ["tls.crt", "tls.key"] {
                if !has(key) {
                    e.required(&format!("data[{key}]"), "");
                }
            }
        }
        _ => {}
    }
}

/// What Go's `json.Unmarshal` into a `map[string]interface{}` says of `bytes`, for the
/// usual mistakes (none when they are a JSON object or null).
fn go_json_object_error(bytes: &[u8]) -> Option<String> {
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(serde_json::Value::Object(_) | serde_json::Value::Null) => None,
        Ok(v) => {
            let what = match v {
                serde_json::Value::Array(_) => "array",
                serde_json::Value::String(_) => "string",
                serde_json::Value::Number(_) => "number",
                _ => "bool",
            };
            Some(format!(
                "json: cannot unmarshal {what} into Go value of type map[string]interface {{}}"
            ))
        }
        Err(e) if e.is_eof() => Some("unexpected end of JSON input".into()),
        Err(_) => {
            // Go's scanner names the first byte it cannot take; the simulator names the
            // first one that is not JSON at all, or says what serde_json found.
            let first = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
            let c = bytes[first] as char;
            Some(
                if !matches!(c, '{' | '[' | '"' | '-' | '0'..='9' | 't' | 'f' | 'n') {
                    format!("invalid character '{c}' looking for beginning of value")
                } else {
                    "invalid JSON".to_string()
                },
            )
        }
    }
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
    annotations(e, meta.annotations.as_ref(), &format!("{path}.annotations"));
}

/// ValidateLabels: each key a qualified name, each value a label value.
fn labels(e: &mut Errs, labels: Option<&BTreeMap<String, String>>, path: &str) {
    for (k, v) in labels.into_iter().flatten() {
        for msg in qualified_name(k) {
            e.invalid(path, k, &msg);
        }
        for msg in label_value(v) {
            e.invalid(path, v, &msg);
        }
    }
}

/// ValidateAnnotations: keys as qualified names (case aside), 256 kB in all.
fn annotations(e: &mut Errs, annotations: Option<&BTreeMap<String, String>>, path: &str) {
    let Some(annotations) = annotations else {
        return;
    };
    for k in annotations.keys() {
        for msg in qualified_name(&k.to_lowercase()) {
            e.invalid(path, k, &msg);
        }
    }
    let size: usize = annotations.iter().map(|(k, v)| k.len() + v.len()).sum();
    if size > 256 * 1024 {
        e.push(
            path,
            format!("Too long: must have at most {} bytes", 256 * 1024),
        );
    }
}

/// ValidateNonnegativeField.
fn non_negative(e: &mut Errs, v: Option<impl Into<i64>>, path: &str) {
    if let Some(v) = v.map(Into::into)
        && v < 0
    {
        e.invalid_raw(path, v, "must be greater than or equal to 0");
    }
}

fn supported_protocol(e: &mut Errs, protocol: Option<&str>, path: &str) {
    if let Some(p) = protocol
        && !["SCTP", "TCP", "UDP"].contains(&p)
    {
        if p.is_empty() {
            e.required(path, "");
        } else {
            e.not_supported(path, p, &["SCTP", "TCP", "UDP"]);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Pods.

/// ValidatePodSpec (and the pod-only rules when `is_pod`).
fn pod_spec(e: &mut Errs, spec: &PodSpec, path: &str, is_pod: bool) {
    let host_network = spec.host_network == Some(true);
    containers(e, spec, path, host_network, is_pod);
    if let Some(policy) = spec.restart_policy.as_deref()
        && !["Always", "OnFailure", "Never"].contains(&policy)
    {
        let p = format!("{path}.restartPolicy");
        if policy.is_empty() {
            e.required(&p, "");
        } else {
            e.not_supported(&p, policy, &["Always", "OnFailure", "Never"]);
        }
    }
    let dns_policy = spec.dns_policy.as_deref().unwrap_or("ClusterFirst");
    const POLICIES: [&str; 4] = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
    if dns_policy.is_empty() {
        e.required(&format!("{path}.dnsPolicy"), "");
    } else if !POLICIES.contains(&dns_policy) {
        e.not_supported(&format!("{path}.dnsPolicy"), dns_policy, &POLICIES);
    }
    labels(
        e,
        spec.node_selector.as_ref(),
        &format!("{path}.nodeSelector"),
    );
    dns_config(
        e,
        spec.dns_config.as_ref(),
        dns_policy,
        &format!("{path}.dnsConfig"),
    );
    if let Some(node) = spec.node_name.as_deref().filter(|n| !n.is_empty()) {
        for msg in dns1123_subdomain(node) {
            e.invalid(&format!("{path}.nodeName"), node, &msg);
        }
    }
    for (field, v) in [("hostname", &spec.hostname), ("subdomain", &spec.subdomain)] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            for msg in dns1123_label(v) {
                e.invalid(&format!("{path}.{field}"), v, &msg);
            }
        }
    }
}

fn containers(e: &mut Errs, spec: &PodSpec, path: &str, host_network: bool, is_pod: bool) {
    let cpath = format!("{path}.containers");
    if spec.containers.is_empty() {
        e.required(&cpath, "");
    }
    let mut names = std::collections::BTreeSet::new();
    for (i, c) in spec.containers.iter().enumerate() {
        let p = format!("{cpath}[{i}]");
        container_common(e, c, &p);
        if !names.insert(c.name.as_str()) {
            e.duplicate(&format!("{p}.name"), &c.name);
        }
        probe(
            e,
            c.liveness_probe.as_ref(),
            &format!("{p}.livenessProbe"),
            true,
        );
        probe(
            e,
            c.readiness_probe.as_ref(),
            &format!("{p}.readinessProbe"),
            false,
        );
        probe(
            e,
            c.startup_probe.as_ref(),
            &format!("{p}.startupProbe"),
            true,
        );
        if c.restart_policy.is_some() {
            e.forbidden(
                &format!("{p}.restartPolicy"),
                "may not be set for non-init containers",
            );
        }
    }
    let ipath = format!("{path}.initContainers");
    for (i, c) in spec.init_containers.iter().flatten().enumerate() {
        let p = format!("{ipath}[{i}]");
        container_common(e, c, &p);
        let sidecar = c.restart_policy.as_ref().and_then(|v| v.as_str()) == Some("Always");
        if let Some(v) = c.restart_policy.as_ref().and_then(|v| v.as_str())
            && v != "Always"
        {
            e.not_supported(&format!("{p}.restartPolicy"), v, &["Always"]);
        }
        if names.contains(c.name.as_str()) {
            e.duplicate(&format!("{p}.name"), &c.name);
        } else if !c.name.is_empty() {
            names.insert(c.name.as_str());
        }
        if sidecar {
            probe(
                e,
                c.liveness_probe.as_ref(),
                &format!("{p}.livenessProbe"),
                true,
            );
            probe(
                e,
                c.readiness_probe.as_ref(),
                &format!("{p}.readinessProbe"),
                false,
            );
            probe(
                e,
                c.startup_probe.as_ref(),
                &format!("{p}.startupProbe"),
                true,
            );
        } else {
            for (field, set) in [
                ("lifecycle", c.lifecycle.is_some()),
                ("livenessProbe", c.liveness_probe.is_some()),
                ("readinessProbe", c.readiness_probe.is_some()),
                ("startupProbe", c.startup_probe.is_some()),
            ] {
                if set {
                    e.forbidden(
                        &format!("{p}.{field}"),
                        "may not be set for init containers without restartPolicy=Always",
                    );
                }
            }
        }
    }
    // validatePodHostNetworkDeps: a pod's hostPort defaults to its containerPort; in a
    // template 0 (absent) is allowed, as the pod will default it.
    if host_network {
        for (i, c) in spec.containers.iter().enumerate() {
            for (j, port) in c.ports.iter().flatten().enumerate() {
                let hp = port
                    .host_port
                    .unwrap_or(if is_pod { port.container_port } else { 0 });
                if (is_pod || hp != 0) && hp != port.container_port {
                    e.invalid_raw(
                        &format!("{cpath}[{i}].ports[{j}].hostPort"),
                        hp,
                        "must match `containerPort` when `hostNetwork` is true",
                    );
                }
            }
        }
    }
}

/// validateContainerCommon: name, image, ports, env.
fn container_common(e: &mut Errs, c: &Container, path: &str) {
    let name_path = format!("{path}.name");
    if c.name.is_empty() {
        e.required(&name_path, "");
    } else {
        for msg in dns1123_label(&c.name) {
            e.invalid(&name_path, &c.name, &msg);
        }
    }
    if c.image.as_deref().unwrap_or("").is_empty() {
        e.required(&format!("{path}.image"), "");
    }
    let mut port_names = std::collections::BTreeSet::new();
    for (i, port) in c.ports.iter().flatten().enumerate() {
        let p = format!("{path}.ports[{i}]");
        if let Some(name) = port.name.as_deref().filter(|n| !n.is_empty()) {
            let msgs = port_name(name);
            if !msgs.is_empty() {
                for msg in msgs {
                    e.invalid(&format!("{p}.name"), name, &msg);
                }
            } else if !port_names.insert(name) {
                e.duplicate(&format!("{p}.name"), name);
            }
        }
        if port.container_port == 0 {
            e.required(&format!("{p}.containerPort"), "");
        } else {
            for msg in port_num(port.container_port.into()) {
                e.invalid_raw(&format!("{p}.containerPort"), port.container_port, &msg);
            }
        }
        if let Some(hp) = port.host_port.filter(|&hp| hp != 0) {
            for msg in port_num(hp.into()) {
                e.invalid_raw(&format!("{p}.hostPort"), hp, &msg);
            }
        }
        supported_protocol(e, port.protocol.as_deref(), &format!("{p}.protocol"));
    }
    for (i, from) in c.env_from.iter().flatten().enumerate() {
        env_from(e, from, &format!("{path}.envFrom"), i);
    }
    for (i, var) in c.env.iter().flatten().enumerate() {
        env_var(e, var, &format!("{path}.env[{i}]"));
    }
}

/// validateEnvFrom: a valid prefix, and exactly one of `configMapRef` and `secretRef`
/// with a name (the message for neither names the list, as the apiserver's does).
fn env_from(e: &mut Errs, from: &EnvFromSource, list: &str, i: usize) {
    let path = format!("{list}[{i}]");
    if let Some(prefix) = from.prefix.as_deref().filter(|p| !p.is_empty()) {
        for msg in env_var_name(prefix) {
            e.invalid(&format!("{path}.prefix"), prefix, &msg);
        }
    }
    let mut sources = 0;
    let named = [
        from.config_map_ref
            .as_ref()
            .map(|r| (&r.name, "configMapRef")),
        from.secret_ref.as_ref().map(|r| (&r.name, "secretRef")),
    ];
    for (name, field) in named.into_iter().flatten() {
        sources += 1;
        let at = format!("{path}.{field}.name");
        if name.is_empty() {
            e.required(&at, "");
        } else {
            for msg in dns1123_subdomain(name) {
                e.invalid(&at, name, &msg);
            }
        }
    }
    match sources {
        0 => e.invalid(
            list,
            "",
            "must specify one of: `configMapRef` or `secretRef`",
        ),
        1 => {}
        _ => e.forbidden(list, "may not have more than one field specified at a time"),
    }
}

/// The Downward API's field paths an env var may name.
const ENV_FIELD_PATHS: [&str; 9] = [
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
];

/// ValidateEnv for one variable, and validateEnvVarValueFrom.
fn env_var(e: &mut Errs, var: &EnvVar, path: &str) {
    if var.name.is_empty() {
        e.required(&format!("{path}.name"), "");
    } else {
        for msg in env_var_name(&var.name) {
            e.invalid(&format!("{path}.name"), &var.name, &msg);
        }
    }
    let Some(from) = &var.value_from else { return };
    let fpath = format!("{path}.valueFrom");
    let mut sources = 0;
    if let Some(f) = &from.field_ref {
        sources += 1;
        field_ref(e, f, &format!("{fpath}.fieldRef"));
    }
    if from
        .resource_field_ref
        .as_ref()
        .is_some_and(|v| !v.is_null())
    {
        sources += 1;
    }
    if let Some(s) = &from.config_map_key_ref {
        sources += 1;
        key_selector(e, &s.name, &s.key, &format!("{fpath}.configMapKeyRef"));
    }
    if let Some(s) = &from.secret_key_ref {
        sources += 1;
        key_selector(e, &s.name, &s.key, &format!("{fpath}.secretKeyRef"));
    }
    if from.file_key_ref.as_ref().is_some_and(|v| !v.is_null()) {
        sources += 1;
    }
    if sources == 0 {
        e.invalid(
            &fpath,
            "",
            "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
        );
    } else if !var.value.as_deref().unwrap_or("").is_empty() {
        e.invalid(&fpath, "", "may not be specified when `value` is not empty");
    } else if sources > 1 {
        e.invalid(
            &fpath,
            "",
            "may not have more than one field specified at a time",
        );
    }
}

/// validateObjectFieldSelector (after ConvertDownwardAPIFieldLabel).
fn field_ref(e: &mut Errs, f: &ObjectFieldSelector, path: &str) {
    let api_version = f.api_version.as_deref().unwrap_or("v1");
    if api_version.is_empty() {
        e.required(&format!("{path}.apiVersion"), "");
        return;
    }
    if f.field_path.is_empty() {
        e.required(&format!("{path}.fieldPath"), "");
        return;
    }
    let fp = f.field_path.as_str();
    let bad = |e: &mut Errs, why: String| {
        e.invalid(
            &format!("{path}.fieldPath"),
            fp,
            &format!("error converting fieldPath: {why}"),
        )
    };
    if api_version != "v1" {
        return bad(e, format!("unsupported pod version: {api_version}"));
    }
    // metadata.labels['key'] and metadata.annotations['key'].
    if let Some((base, rest)) = fp.split_once("['")
        && let Some(key) = rest.strip_suffix("']")
    {
        match base {
            "metadata.labels" => {
                for msg in qualified_name(key) {
                    e.invalid(path, key, &msg);
                }
            }
            "metadata.annotations" => {
                for msg in qualified_name(&key.to_lowercase()) {
                    e.invalid(path, &key.to_lowercase(), &msg);
                }
            }
            _ => bad(e, format!("field label does not support subscript: {fp}")),
        }
        return;
    }
    const CONVERTIBLE: [&str; 14] = [
        "metadata.annotations",
        "metadata.labels",
        "metadata.name",
        "metadata.namespace",
        "metadata.uid",
        "spec.nodeName",
        "spec.restartPolicy",
        "spec.serviceAccountName",
        "spec.schedulerName",
        "status.phase",
        "status.hostIP",
        "status.hostIPs",
        "status.podIP",
        "status.podIPs",
    ];
    let internal = if fp == "spec.host" {
        "spec.nodeName"
    } else {
        fp
    };
    if !CONVERTIBLE.contains(&internal) {
        return bad(e, format!("field label not supported: {fp}"));
    }
    if !ENV_FIELD_PATHS.contains(&internal) {
        e.not_supported(&format!("{path}.fieldPath"), internal, &ENV_FIELD_PATHS);
    }
}

/// validateConfigMapKeySelector and validateSecretKeySelector.
fn key_selector(e: &mut Errs, name: &str, key: &str, path: &str) {
    for msg in dns1123_subdomain(name) {
        e.invalid(&format!("{path}.name"), name, &msg);
    }
    if key.is_empty() {
        e.required(&format!("{path}.key"), "");
    } else {
        for msg in config_map_key(key) {
            e.invalid(&format!("{path}.key"), key, &msg);
        }
    }
}

/// validateProbe, and validateLivenessProbe/validateStartupProbe's `successThreshold: 1`.
fn probe(e: &mut Errs, probe: Option<&Probe>, path: &str, success_must_be_one: bool) {
    let Some(p) = probe else { return };
    let mut handlers = 0;
    let more = "may not specify more than 1 handler type";
    if let Some(exec) = &p.exec {
        handlers += 1;
        if exec.command.as_ref().is_none_or(Vec::is_empty) {
            e.required(&format!("{path}.exec.command"), "");
        }
    }
    if let Some(http) = &p.http_get {
        if handlers > 0 {
            e.forbidden(&format!("{path}.httpGet"), more);
        } else {
            handlers += 1;
            let hp = format!("{path}.httpGet");
            port_num_or_name(e, &http.port, &format!("{hp}.port"));
            let scheme = http.scheme.as_deref().unwrap_or("HTTP");
            if !["HTTP", "HTTPS"].contains(&scheme) {
                e.not_supported(&format!("{hp}.scheme"), scheme, &["HTTP", "HTTPS"]);
            }
            for h in http.http_headers.iter().flatten() {
                for msg in http_header_name(&h.name) {
                    e.invalid(&format!("{hp}.httpHeaders"), &h.name, &msg);
                }
            }
        }
    }
    if let Some(tcp) = &p.tcp_socket {
        if handlers > 0 {
            e.forbidden(&format!("{path}.tcpSocket"), more);
        } else {
            handlers += 1;
            port_num_or_name(e, &tcp.port, &format!("{path}.tcpSocket.port"));
        }
    }
    if p.grpc.as_ref().is_some_and(|v| !v.is_null()) {
        if handlers > 0 {
            e.forbidden(&format!("{path}.grpc"), more);
        } else {
            handlers += 1;
        }
    }
    if handlers == 0 {
        e.required(path, "must specify a handler type");
    }
    for (field, v) in [
        ("initialDelaySeconds", p.initial_delay_seconds),
        ("timeoutSeconds", p.timeout_seconds),
        ("periodSeconds", p.period_seconds),
        ("successThreshold", p.success_threshold),
        ("failureThreshold", p.failure_threshold),
    ] {
        non_negative(e, v, &format!("{path}.{field}"));
    }
    if success_must_be_one {
        // Defaulted to 1 when absent (or 0).
        if let Some(s) = p.success_threshold.filter(|&s| s != 0 && s != 1) {
            e.invalid_raw(&format!("{path}.successThreshold"), s, "must be 1");
        }
    }
}

/// ValidatePortNumOrName.
fn port_num_or_name(e: &mut Errs, port: &IntOrString, path: &str) {
    match port {
        IntOrString::Int(n) => {
            for msg in port_num((*n).into()) {
                e.invalid_raw(path, n, &msg);
            }
        }
        IntOrString::String(s) => {
            for msg in port_name(s) {
                e.invalid(path, s, &msg);
            }
        }
    }
}

/// validatePodDNSConfig.
fn dns_config(e: &mut Errs, config: Option<&PodDNSConfig>, policy: &str, path: &str) {
    if policy == "None" {
        match config {
            None => {
                return e.required(path, "must provide `dnsConfig` when `dnsPolicy` is None");
            }
            Some(c) if c.nameservers.as_ref().is_none_or(Vec::is_empty) => {
                return e.required(
                    &format!("{path}.nameservers"),
                    "must provide at least one DNS nameserver when `dnsPolicy` is None",
                );
            }
            _ => {}
        }
    }
    let Some(c) = config else { return };
    let servers = c.nameservers.as_deref().unwrap_or(&[]);
    if servers.len() > 3 {
        e.invalid_raw(
            &format!("{path}.nameservers"),
            go_strings(servers),
            "must not have more than 3 nameservers",
        );
    }
    for (i, ns) in servers.iter().enumerate() {
        if parse_ip(ns).is_none() {
            e.invalid(
                &format!("{path}.nameservers[{i}]"),
                ns,
                "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
            );
        }
    }
    let searches = c.searches.as_deref().unwrap_or(&[]);
    if searches.len() > 32 {
        e.invalid_raw(
            &format!("{path}.searches"),
            go_strings(searches),
            "must not have more than 32 search paths",
        );
    }
    if searches.join(" ").len() > 2048 {
        e.invalid_raw(
            &format!("{path}.searches"),
            go_strings(searches),
            "must not have more than 2048 characters (including spaces) in the search list",
        );
    }
    for (i, s) in searches.iter().enumerate() {
        let s = s.strip_suffix('.').unwrap_or(s);
        for msg in dns1123_subdomain(s) {
            e.invalid(&format!("{path}.searches[{i}]"), s, &msg);
        }
    }
    for (i, o) in c.options.iter().flatten().enumerate() {
        if o.name.as_deref().unwrap_or("").is_empty() {
            e.required(&format!("{path}.options[{i}]"), "must not be empty");
        }
    }
}

/// `[]string{"a", "b"}`.
fn go_strings(v: &[String]) -> String {
    let items: Vec<String> = v.iter().map(|s| go_quote(s)).collect();
    format!("[]string{{{}}}", items.join(", "))
}

// ---------------------------------------------------------------------------------------
// Workloads.

fn template_labels(t: &PodTemplateSpec) -> Option<&BTreeMap<String, String>> {
    t.metadata.as_ref().and_then(|m| m.labels.as_ref())
}

fn invalid_labels(e: &mut Errs, path: &str, labels: Option<&BTreeMap<String, String>>) {
    e.invalid_raw(
        path,
        go_map(labels),
        "`selector` does not match template `labels`",
    );
}

/// An apps workload's selector: required, valid, not empty.
fn workload_selector(e: &mut Errs, selector: &LabelSelector, kind: &str) {
    if selector.is_empty() {
        // An absent selector and an empty one decode alike (k8s-openapi's plain
        // LabelSelector): the absent one, the usual mistake, is what is reported.
        e.required("spec.selector", "");
        return;
    }
    let _ = kind;
    label_selector(e, selector, "spec.selector");
}

/// ValidateLabelSelector.
fn label_selector(e: &mut Errs, s: &LabelSelector, path: &str) {
    labels(e, s.match_labels.as_ref(), &format!("{path}.matchLabels"));
    for (i, r) in s.match_expressions.iter().flatten().enumerate() {
        let p = format!("{path}.matchExpressions[{i}]");
        let values = r.values.as_deref().unwrap_or(&[]);
        match r.operator.as_str() {
            "In" | "NotIn" => {
                if values.is_empty() {
                    e.required(
                        &format!("{p}.values"),
                        "must be specified when `operator` is 'In' or 'NotIn'",
                    );
                }
            }
            "Exists" | "DoesNotExist" => {
                if !values.is_empty() {
                    e.forbidden(
                        &format!("{p}.values"),
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    );
                }
            }
            op => e.invalid(
                &format!("{p}.operator"),
                op,
                "not a valid selector operator",
            ),
        }
        for msg in qualified_name(&r.key) {
            e.invalid(&format!("{p}.key"), &r.key, &msg);
        }
        for (j, v) in values.iter().enumerate() {
            for msg in label_value(v) {
                e.invalid(&format!("{p}.values[{j}]"), v, &msg);
            }
        }
    }
}

fn selector_matches_template(e: &mut Errs, selector: &LabelSelector, t: &PodTemplateSpec) {
    let labels = template_labels(t);
    let empty = BTreeMap::new();
    if !selector.is_empty() && !selector.matches(labels.unwrap_or(&empty)) {
        invalid_labels(e, "spec.template.metadata.labels", labels);
    }
}

/// ValidatePodTemplateSpec plus a controller's `restartPolicy: Always` and no deadline.
fn workload_template(e: &mut Errs, t: &PodTemplateSpec, path: &str, kind: &str) {
    let meta = t.metadata.clone().unwrap_or_default();
    labels(e, meta.labels.as_ref(), &format!("{path}.labels"));
    annotations(e, meta.annotations.as_ref(), &format!("{path}.annotations"));
    let spec = t.spec.clone().unwrap_or_default();
    pod_spec(e, &spec, &format!("{path}.spec"), false);
    if spec
        .ephemeral_containers
        .as_ref()
        .is_some_and(|v| !v.is_null())
    {
        e.forbidden(
            &format!("{path}.spec.ephemeralContainers"),
            "ephemeral containers not allowed in pod template",
        );
    }
    if kind == "Job" {
        return;
    }
    let policy = spec.restart_policy.as_deref().unwrap_or("Always");
    if policy != "Always" {
        e.not_supported(&format!("{path}.spec.restartPolicy"), policy, &["Always"]);
    }
    if spec
        .active_deadline_seconds
        .as_ref()
        .is_some_and(|v| !v.is_null())
    {
        e.forbidden(
            &format!("{path}.spec.activeDeadlineSeconds"),
            &format!("activeDeadlineSeconds in {kind} is not Supported"),
        );
    }
}

/// ValidateDeploymentSpec.
fn deployment(e: &mut Errs, spec: &DeploymentSpec) {
    non_negative(e, spec.replicas, "spec.replicas");
    workload_selector(e, &spec.selector, "deployment");
    selector_matches_template(e, &spec.selector, &spec.template);
    workload_template(e, &spec.template, "spec.template", "ReplicaSet");
    let strategy = spec.strategy.clone().unwrap_or_default();
    match strategy.type_.as_deref().unwrap_or("RollingUpdate") {
        "Recreate" => {
            if strategy.rolling_update.is_some() {
                e.forbidden(
                    "spec.strategy.rollingUpdate",
                    "may not be specified when strategy `type` is 'Recreate'",
                );
            }
        }
        "RollingUpdate" => {
            let ru = strategy.rolling_update.clone().unwrap_or_default();
            // Absent: 25% each (1 each in extensions/v1beta1); neither is 0.
            let default = IntOrString::String("25%".into());
            let max_unavailable = ru.max_unavailable.clone().unwrap_or(default.clone());
            let max_surge = ru.max_surge.clone().unwrap_or(default);
            let path = "spec.strategy.rollingUpdate";
            int_or_percent(e, &max_unavailable, &format!("{path}.maxUnavailable"));
            int_or_percent(e, &max_surge, &format!("{path}.maxSurge"));
            if int_or_percent_value(&max_unavailable) == 0 && int_or_percent_value(&max_surge) == 0
            {
                e.invalid_raw(
                    &format!("{path}.maxUnavailable"),
                    go_int_or_string(&max_unavailable),
                    "may not be 0 when `maxSurge` is 0",
                );
            }
            if let Some(p) = percent_value(&max_unavailable)
                && p > 100
            {
                e.invalid_raw(
                    &format!("{path}.maxUnavailable"),
                    go_int_or_string(&max_unavailable),
                    "must not be greater than 100%",
                );
            }
        }
        other => {
            let ru = if strategy.rolling_update.is_some() {
                "(*apps.RollingUpdateDeployment)(0xc000a5e000)"
            } else {
                "(*apps.RollingUpdateDeployment)(nil)"
            };
            e.push(
                "spec.strategy",
                format!(
                    "Unsupported value: apps.DeploymentStrategy{{Type:{}, RollingUpdate:{ru}}}: supported values: \"Recreate\", \"RollingUpdate\"",
                    go_quote(other)
                ),
            );
        }
    }
    non_negative(e, spec.min_ready_seconds, "spec.minReadySeconds");
    non_negative(e, spec.revision_history_limit, "spec.revisionHistoryLimit");
}

/// ValidatePositiveIntOrPercent.
fn int_or_percent(e: &mut Errs, v: &IntOrString, path: &str) {
    match v {
        IntOrString::String(s) => {
            for msg in percent(s) {
                e.invalid_raw(path, go_int_or_string(v), &msg);
            }
        }
        IntOrString::Int(i) => non_negative(e, Some(*i), path),
    }
}

fn percent_value(v: &IntOrString) -> Option<i64> {
    match v {
        IntOrString::String(s) if percent(s).is_empty() => s[..s.len() - 1].parse().ok(),
        _ => None,
    }
}

fn int_or_percent_value(v: &IntOrString) -> i64 {
    match v {
        IntOrString::Int(i) => (*i).into(),
        // intstr's IntValue of a string that is not a percentage: Atoi, 0 on error.
        IntOrString::String(s) => percent_value(v).unwrap_or_else(|| s.parse().unwrap_or(0)),
    }
}

/// ValidateStatefulSetSpec.
fn stateful_set(e: &mut Errs, spec: &StatefulSetSpec) {
    if let Some(policy) = spec.pod_management_policy.as_deref()
        && !["OrderedReady", "Parallel"].contains(&policy)
    {
        if policy.is_empty() {
            e.required("spec.podManagementPolicy", "");
        } else {
            e.invalid(
                "spec.podManagementPolicy",
                policy,
                "must be 'OrderedReady' or 'Parallel'",
            );
        }
    }
    non_negative(e, spec.replicas, "spec.replicas");
    non_negative(e, spec.min_ready_seconds, "spec.minReadySeconds");
    if let Some(start) = spec.ordinals.as_ref().and_then(|o| o.start) {
        non_negative(e, Some(start), "spec.ordinals.start");
    }
    workload_selector(e, &spec.selector, "statefulset");
    selector_matches_template(e, &spec.selector, &spec.template);
    workload_template(e, &spec.template, "spec.template", "StatefulSet");
    // 1.33 on (earlier, the pods' subdomain was refused when the controller made them).
    if let Some(name) = spec.service_name.as_deref().filter(|n| !n.is_empty()) {
        for msg in dns1123_label(name) {
            e.invalid("spec.serviceName", name, &msg);
        }
    }
}

/// ValidateJob: counts, the selector (generated unless manualSelector), and a restartPolicy
/// of OnFailure or Never.
fn job(e: &mut Errs, spec: &JobSpec) {
    non_negative(e, spec.parallelism, "spec.parallelism");
    non_negative(e, spec.completions, "spec.completions");
    non_negative(
        e,
        spec.active_deadline_seconds,
        "spec.activeDeadlineSeconds",
    );
    non_negative(e, spec.backoff_limit, "spec.backoffLimit");
    workload_template(e, &spec.template, "spec.template", "Job");
    let policy = spec
        .template
        .spec
        .as_ref()
        .and_then(|s| s.restart_policy.as_deref())
        .unwrap_or("");
    // validateJobPodTemplateSpec: field.NotSupported; an absent policy was defaulted to
    // Always before validation.
    if policy == "Always" || policy.is_empty() {
        e.not_supported(
            "spec.template.spec.restartPolicy",
            "Always",
            &["OnFailure", "Never"],
        );
    }
    if spec.manual_selector == Some(true) {
        match &spec.selector {
            None => e.required("spec.selector", ""),
            Some(s) => {
                label_selector(e, s, "spec.selector");
                selector_matches_template(e, s, &spec.template);
            }
        }
    } else if let Some(s) = &spec.selector {
        e.invalid_raw(
            "spec.selector",
            go_label_selector(s),
            "`selector` not auto-generated",
        );
    }
}

// ---------------------------------------------------------------------------------------
// Services and endpoints.

/// ValidateService (the fields the simulator uses), after SetDefaults_Service.
fn service(e: &mut Errs, spec: &ServiceSpec) {
    let type_ = spec.type_.as_deref().unwrap_or("ClusterIP");
    let ports = spec.ports.as_deref().unwrap_or(&[]);
    // clusterIPs follows clusterIP when only the latter is written.
    let cluster_ips: Vec<String> = match (&spec.cluster_ips, spec.cluster_ip.as_deref()) {
        (Some(ips), _) if !ips.is_empty() => ips.clone(),
        (_, Some(ip)) if !ip.is_empty() => vec![ip.to_string()],
        _ => Vec::new(),
    };
    let headless = cluster_ips.len() == 1 && cluster_ips[0] == "None";
    if ports.is_empty() && !headless && type_ != "ExternalName" {
        e.required("spec.ports", "");
    }
    match type_ {
        "LoadBalancer" => {
            for (i, p) in ports.iter().enumerate() {
                if p.port == 10250 {
                    e.invalid_raw(
                        &format!("spec.ports[{i}]"),
                        p.port,
                        "may not expose port 10250 externally since it is used by kubelet",
                    );
                }
            }
            if headless {
                e.invalid(
                    "spec.clusterIPs[0]",
                    "None",
                    "may not be set to 'None' for LoadBalancer services",
                );
            }
        }
        "NodePort" if headless => {
            e.invalid(
                "spec.clusterIPs[0]",
                "None",
                "may not be set to 'None' for NodePort services",
            );
        }
        "ExternalName" => {
            if !cluster_ips.is_empty() {
                e.forbidden(
                    "spec.clusterIPs",
                    "may not be set for ExternalName services",
                );
            }
            let name = spec.external_name.as_deref().unwrap_or("");
            let cname = name.strip_suffix('.').unwrap_or(name);
            if cname.is_empty() {
                e.required("spec.externalName", "");
            } else {
                for msg in dns1123_subdomain(cname) {
                    e.invalid("spec.externalName", cname, &msg);
                }
            }
        }
        _ => {}
    }
    let mut names = std::collections::BTreeSet::new();
    for (i, p) in ports.iter().enumerate() {
        let path = format!("spec.ports[{i}]");
        let name = p.name.as_deref().unwrap_or("");
        if ports.len() > 1 && name.is_empty() {
            e.required(&format!("{path}.name"), "");
        } else if !name.is_empty() {
            for msg in dns1123_label(name) {
                e.invalid(&format!("{path}.name"), name, &msg);
            }
            if !names.insert(name) {
                e.duplicate(&format!("{path}.name"), name);
            }
        }
        for msg in port_num(p.port.into()) {
            e.invalid_raw(&format!("{path}.port"), p.port, &msg);
        }
        supported_protocol(e, p.protocol.as_deref(), &format!("{path}.protocol"));
        // targetPort 0 or "" (or absent) is defaulted to port.
        match &p.target_port {
            Some(IntOrString::Int(0)) | None => {}
            Some(IntOrString::String(s)) if s.is_empty() => {}
            Some(t) => port_num_or_name(e, t, &format!("{path}.targetPort")),
        }
    }
    labels(e, spec.selector.as_ref(), "spec.selector");
    let affinity = spec.session_affinity.as_deref().unwrap_or("None");
    if affinity.is_empty() {
        e.required("spec.sessionAffinity", "");
    } else if !["ClientIP", "None"].contains(&affinity) {
        e.not_supported("spec.sessionAffinity", affinity, &["ClientIP", "None"]);
    }
    if affinity == "ClientIP" {
        // Defaulted to 10800 when absent.
        let timeout = spec
            .session_affinity_config
            .as_ref()
            .and_then(|c| c.client_ip.as_ref())
            .and_then(|c| c.timeout_seconds);
        if let Some(t) = timeout
            && !(1..=86400).contains(&t)
        {
            e.invalid_raw(
                "spec.sessionAffinityConfig.clientIP.timeoutSeconds",
                t,
                "must be greater than 0 and less than 86400",
            );
        }
    } else if affinity == "None" && spec.session_affinity_config.is_some() {
        e.forbidden(
            "spec.sessionAffinityConfig",
            "must not be set when session affinity is None",
        );
    }
    if type_ != "ExternalName" {
        cluster_ips_fields(e, spec, &cluster_ips);
    }
    for (i, ip) in spec.external_ips.iter().flatten().enumerate() {
        let path = format!("spec.externalIPs[{i}]");
        if parse_ip(ip).is_none() {
            e.invalid(
                &path,
                ip,
                "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
            );
        } else {
            non_special_ip(e, ip, &path);
        }
    }
    const TYPES: [&str; 4] = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
    if type_.is_empty() {
        e.required("spec.type", "");
    } else if !TYPES.contains(&type_) {
        e.not_supported("spec.type", type_, &TYPES);
    }
    if type_ == "ClusterIP" {
        for (i, p) in ports.iter().enumerate() {
            if p.node_port.is_some_and(|n| n != 0) {
                e.forbidden(
                    &format!("spec.ports[{i}].nodePort"),
                    "may not be used when `type` is 'ClusterIP'",
                );
            }
        }
    }
    let mut node_ports = std::collections::BTreeSet::new();
    for (i, p) in ports.iter().enumerate() {
        let Some(np) = p.node_port.filter(|&n| n != 0) else {
            continue;
        };
        if !node_ports.insert((p.protocol.as_deref().unwrap_or("TCP"), np)) {
            e.push(
                &format!("spec.ports[{i}].nodePort"),
                format!("Duplicate value: {np}"),
            );
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for (i, p) in ports.iter().enumerate() {
        let protocol = p.protocol.as_deref().unwrap_or("TCP");
        if !seen.insert((protocol, p.port)) {
            e.push(
                &format!("spec.ports[{i}]"),
                format!(
                    "Duplicate value: core.ServicePort{{Name:\"\", Protocol:{}, AppProtocol:(*string)(nil), Port:{}, TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:\"\"}}, NodePort:0}}",
                    go_quote(protocol),
                    p.port
                ),
            );
        }
    }
    // validateServiceExternalTrafficPolicy (defaulted to Cluster where it applies).
    let external = matches!(type_, "LoadBalancer" | "NodePort")
        || (type_ == "ClusterIP" && spec.external_ips.as_ref().is_some_and(|v| !v.is_empty()));
    if let Some(policy) = spec.external_traffic_policy.as_deref() {
        if !external {
            if !policy.is_empty() {
                e.invalid(
                    "spec.externalTrafficPolicy",
                    policy,
                    "may only be set for externally-accessible services",
                );
            }
        } else if policy.is_empty() {
            e.required("spec.externalTrafficPolicy", "");
        } else if !["Cluster", "Local"].contains(&policy) {
            e.not_supported("spec.externalTrafficPolicy", policy, &["Cluster", "Local"]);
        }
    }
    // healthCheckNodePort: only where a health check is needed (NeedsHealthCheck), where
    // it is a port number (0 or absent: the apiserver allocates one).
    let needs_health_check =
        type_ == "LoadBalancer" && spec.external_traffic_policy.as_deref() == Some("Local");
    match spec.health_check_node_port {
        Some(n) if n != 0 && !needs_health_check => e.invalid_raw(
            "spec.healthCheckNodePort",
            n,
            "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
        ),
        Some(n) if n != 0 => {
            for msg in port_num(i64::from(n)) {
                e.invalid_raw("spec.healthCheckNodePort", n, &msg);
            }
        }
        _ => {}
    }
    if let Some(policy) = spec.internal_traffic_policy.as_deref()
        && !["Cluster", "Local"].contains(&policy)
    {
        e.not_supported("spec.internalTrafficPolicy", policy, &["Cluster", "Local"]);
    }
}

/// ValidateServiceClusterIPsRelatedFields: clusterIP and clusterIPs agree, each an address
/// or a lone `None`. (Whether the address is in the cluster's service range, and of a
/// family the cluster has, is the allocator's to say.)
fn cluster_ips_fields(e: &mut Errs, spec: &ServiceSpec, cluster_ips: &[String]) {
    let written = spec.cluster_ips.as_deref().unwrap_or(&[]);
    if let Some(ip) = spec.cluster_ip.as_deref().filter(|ip| !ip.is_empty())
        && !written.is_empty()
        && written[0] != ip
    {
        e.invalid_raw(
            "spec.clusterIPs",
            go_strings(written),
            "first value must match `clusterIP`",
        );
    }
    for (i, ip) in cluster_ips.iter().enumerate() {
        if i == 0 && ip == "None" {
            if cluster_ips.len() > 1 {
                e.invalid_raw(
                    "spec.clusterIPs",
                    go_strings(cluster_ips),
                    "'None' must be the first and only value",
                );
            }
            continue;
        }
        if parse_ip(ip).is_none() {
            e.invalid(
                &format!("spec.clusterIPs[{i}]"),
                ip,
                "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
            );
        }
    }
    if cluster_ips.len() > 2 {
        e.invalid_raw(
            "spec.clusterIPs",
            go_strings(cluster_ips),
            "may only hold up to 2 values",
        );
    }
}

/// ValidateNonSpecialIP.
fn non_special_ip(e: &mut Errs, ip: &str, path: &str) {
    let Some(addr) = parse_ip(ip) else {
        return e.invalid(path, ip, "must be a valid IP address");
    };
    let (unspecified, loopback, link_local, link_local_multicast) = match addr {
        std::net::IpAddr::V4(a) => (
            a.is_unspecified(),
            a.is_loopback(),
            a.is_link_local(),
            a.octets()[..3] == [224, 0, 0],
        ),
        std::net::IpAddr::V6(a) => (
            a.is_unspecified(),
            a.is_loopback(),
            a.segments()[0] & 0xffc0 == 0xfe80,
            a.segments()[0] & 0xff0f == 0xff02,
        ),
    };
    if unspecified {
        e.invalid(path, ip, &format!("may not be unspecified ({ip})"));
    }
    if loopback {
        e.invalid(
            path,
            ip,
            "may not be in the loopback range (127.0.0.0/8, ::1/128)",
        );
    }
    if link_local {
        e.invalid(
            path,
            ip,
            "may not be in the link-local range (169.254.0.0/16, fe80::/10)",
        );
    }
    if link_local_multicast {
        e.invalid(
            path,
            ip,
            "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)",
        );
    }
}

/// ValidateEndpoints: each subset has addresses, valid ones, and valid ports.
fn endpoints(e: &mut Errs, ep: &Endpoints) {
    for (i, s) in ep.subsets.iter().flatten().enumerate() {
        let path = format!("subsets[{i}]");
        let addresses = s.addresses.as_deref().unwrap_or(&[]);
        let not_ready = s.not_ready_addresses.as_deref().unwrap_or(&[]);
        if addresses.is_empty() && not_ready.is_empty() {
            e.required(&path, "must specify `addresses` or `notReadyAddresses`");
        }
        for (field, list) in [("addresses", addresses), ("notReadyAddresses", not_ready)] {
            for (j, a) in list.iter().enumerate() {
                let p = format!("{path}.{field}[{j}]");
                if parse_ip(&a.ip).is_none() {
                    e.invalid(
                        &format!("{p}.ip"),
                        &a.ip,
                        "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
                    );
                }
                if let Some(h) = a.hostname.as_deref().filter(|h| !h.is_empty()) {
                    for msg in dns1123_label(h) {
                        e.invalid(&format!("{p}.hostname"), h, &msg);
                    }
                }
                if let Some(n) = a.node_name.as_deref() {
                    for msg in dns1123_subdomain(n) {
                        e.invalid(&format!("{p}.nodeName"), n, &msg);
                    }
                }
                non_special_ip(e, &a.ip, &format!("{p}.ip"));
            }
        }
        let ports = s.ports.as_deref().unwrap_or(&[]);
        for (j, port) in ports.iter().enumerate() {
            let p = format!("{path}.ports[{j}]");
            let name = port.name.as_deref().unwrap_or("");
            if ports.len() > 1 && name.is_empty() {
                e.required(&format!("{p}.name"), "");
            } else if !name.is_empty() {
                for msg in dns1123_label(name) {
                    e.invalid(&format!("{p}.name"), name, &msg);
                }
            }
            for msg in port_num(port.port.into()) {
                e.invalid_raw(&format!("{p}.port"), port.port, &msg);
            }
            supported_protocol(e, port.protocol.as_deref(), &format!("{p}.protocol"));
        }
    }
}

/// ValidateEndpointSlice.
fn endpoint_slice(e: &mut Errs, es: &EndpointSlice) {
    for (i, ep) in es.endpoints.iter().enumerate() {
        let path = format!("endpoints[{i}]");
        if ep.addresses.is_empty() {
            e.required(
                &format!("{path}.addresses"),
                "must contain at least 1 address",
            );
        } else if ep.addresses.len() > 100 {
            e.push(
                &format!("{path}.addresses"),
                format!(
                    "Too many: {}: must have at most 100 items",
                    ep.addresses.len()
                ),
            );
        }
        for (j, a) in ep.addresses.iter().enumerate() {
            let p = format!("{path}.addresses[{j}]");
            match es.address_type.as_str() {
                "IPv4" => {
                    if !matches!(parse_ip(a), Some(std::net::IpAddr::V4(_))) {
                        e.invalid(&p, a, "must be a valid IPv4 address");
                    }
                    non_special_ip(e, a, &p);
                }
                "IPv6" => {
                    if !matches!(parse_ip(a), Some(std::net::IpAddr::V6(_))) {
                        e.invalid(&p, a, "must be a valid IPv6 address");
                    }
                    non_special_ip(e, a, &p);
                }
                "FQDN" => {
                    let name = a.strip_suffix('.').unwrap_or(a);
                    for msg in dns1123_subdomain(name) {
                        e.invalid(&p, a, &msg);
                    }
                }
                _ => {}
            }
        }
        if let Some(n) = ep.node_name.as_deref() {
            for msg in dns1123_subdomain(n) {
                e.invalid(&format!("{path}.nodeName"), n, &msg);
            }
        }
        if let Some(h) = ep.hostname.as_deref() {
            for msg in dns1123_label(h) {
                e.invalid(&format!("{path}.hostname"), h, &msg);
            }
        }
    }
    let mut names = std::collections::BTreeSet::new();
    for (i, port) in es.ports.iter().flatten().enumerate() {
        let path = format!("ports[{i}]");
        let name = port.name.as_deref().unwrap_or("");
        if !name.is_empty() {
            for msg in dns1123_label(name) {
                e.invalid(&format!("{path}.name"), name, &msg);
            }
        }
        if !names.insert(name) {
            e.duplicate(&format!("{path}.name"), name);
        }
        supported_protocol(e, port.protocol.as_deref(), &format!("{path}.protocol"));
    }
    const TYPES: [&str; 3] = ["FQDN", "IPv4", "IPv6"];
    if es.address_type.is_empty() {
        e.required("addressType", "");
    } else if !TYPES.contains(&es.address_type.as_str()) {
        e.not_supported("addressType", &es.address_type, &TYPES);
    }
}

// ---------------------------------------------------------------------------------------
// NetworkPolicy.

/// ValidateNetworkPolicySpec.
fn network_policy(e: &mut Errs, spec: &NetworkPolicySpec) {
    label_selector(e, &spec.pod_selector, "spec.podSelector");
    for (i, rule) in spec.ingress.iter().flatten().enumerate() {
        let path = format!("spec.ingress[{i}]");
        for (j, port) in rule.ports.iter().flatten().enumerate() {
            network_policy_port(e, port, &format!("{path}.ports[{j}]"));
        }
        for (j, peer) in rule.from.iter().flatten().enumerate() {
            network_policy_peer(e, peer, &format!("{path}.from[{j}]"));
        }
    }
    for (i, rule) in spec.egress.iter().flatten().enumerate() {
        let path = format!("spec.egress[{i}]");
        for (j, port) in rule.ports.iter().flatten().enumerate() {
            network_policy_port(e, port, &format!("{path}.ports[{j}]"));
        }
        for (j, peer) in rule.to.iter().flatten().enumerate() {
            network_policy_peer(e, peer, &format!("{path}.to[{j}]"));
        }
    }
    let types = spec.policy_types.as_deref().unwrap_or(&[]);
    if types.len() > 2 {
        e.invalid_raw(
            "spec.policyTypes",
            format!("&{}", go_policy_types(types)),
            "may not specify more than two policyTypes",
        );
        return;
    }
    for (i, t) in types.iter().enumerate() {
        if !["Ingress", "Egress"].contains(&t.as_str()) {
            e.not_supported(&format!("spec.policyTypes[{i}]"), t, &["Ingress", "Egress"]);
        }
    }
}

fn go_policy_types(v: &[String]) -> String {
    let items: Vec<String> = v.iter().map(|s| go_quote(s)).collect();
    format!("[]networking.PolicyType{{{}}}", items.join(", "))
}

/// ValidateNetworkPolicyPort.
fn network_policy_port(e: &mut Errs, port: &NetworkPolicyPort, path: &str) {
    if let Some(p) = port.protocol.as_deref()
        && !["TCP", "UDP", "SCTP"].contains(&p)
    {
        e.not_supported(&format!("{path}.protocol"), p, &["TCP", "UDP", "SCTP"]);
    }
    match &port.port {
        Some(IntOrString::Int(n)) => {
            for msg in port_num((*n).into()) {
                e.invalid_raw(&format!("{path}.port"), n, &msg);
            }
            if let Some(end) = port.end_port {
                if end < *n {
                    e.invalid_raw(
                        &format!("{path}.endPort"),
                        n,
                        "must be greater than or equal to `port`",
                    );
                }
                for msg in port_num(end.into()) {
                    e.invalid_raw(&format!("{path}.endPort"), end, &msg);
                }
            }
        }
        Some(IntOrString::String(s)) => {
            if let Some(end) = port.end_port {
                e.invalid_raw(
                    &format!("{path}.endPort"),
                    end,
                    "may not be specified when `port` is non-numeric",
                );
            }
            for msg in port_name(s) {
                e.invalid(&format!("{path}.port"), s, &msg);
            }
        }
        None => {
            if let Some(end) = port.end_port {
                e.invalid_raw(
                    &format!("{path}.endPort"),
                    end,
                    "may not be specified when `port` is not specified",
                );
            }
        }
    }
}

/// ValidateNetworkPolicyPeer.
fn network_policy_peer(e: &mut Errs, peer: &NetworkPolicyPeer, path: &str) {
    let mut peers = 0;
    if let Some(s) = &peer.pod_selector {
        peers += 1;
        label_selector(e, s, &format!("{path}.podSelector"));
    }
    if let Some(s) = &peer.namespace_selector {
        peers += 1;
        label_selector(e, s, &format!("{path}.namespaceSelector"));
    }
    if let Some(b) = &peer.ip_block {
        peers += 1;
        ip_block(e, b, &format!("{path}.ipBlock"));
    }
    if peers == 0 {
        e.required(path, "must specify a peer");
    } else if peers > 1 && peer.ip_block.is_some() {
        e.forbidden(path, "may not specify both ipBlock and another peer");
    }
}

/// ValidateIPBlock.
fn ip_block(e: &mut Errs, b: &IPBlock, path: &str) {
    const BAD: &str = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";
    if b.cidr.is_empty() {
        return e.required(&format!("{path}.cidr"), "");
    }
    let Some((ip, len)) = parse_cidr(&b.cidr) else {
        return e.invalid(&format!("{path}.cidr"), &b.cidr, BAD);
    };
    let net = ipnet::IpNet::new(ip, len).map(|n| n.trunc());
    for (i, except) in b.except.iter().flatten().enumerate() {
        let p = format!("{path}.except[{i}]");
        let Some((eip, elen)) = parse_cidr(except) else {
            e.invalid(&p, except, BAD);
            continue;
        };
        let inside = net.as_ref().is_ok_and(|n| n.contains(&eip));
        if !inside || len >= elen {
            e.invalid(&p, except, "must be a strict subset of `cidr`");
        }
    }
}
