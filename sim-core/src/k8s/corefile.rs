//! The Corefile: CoreDNS's configuration, parsed as CoreDNS parses it (server blocks of
//! `ZONE[:PORT]...`, each a list of plugin directives with arguments and an optional
//! `{ ... }` block). An unknown directive is an error at load time, with its line, as
//! CoreDNS's `Corefile:3 - Error during parsing: Unknown directive 'foo'`.
//!
//! Plugins the simulator carries out: `kubernetes`, `forward`, `cache`, `loadbalance`,
//! `log`. Plugins it accepts and that change nothing a packet shows: `errors` (its
//! arguments and block checked as CoreDNS checks them), `health`, `ready`, `prometheus`,
//! `loop`, `reload`.

/// kubeadm's Corefile (reference §3.7, seed 001).
pub const KUBEADM: &str = ".:53 {\n    errors\n    health {\n       lameduck 5s\n    }\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n    prometheus :9153\n    forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }\n    cache 30\n    loop\n    reload\n    loadbalance\n}\n";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pods {
    Disabled,
    Insecure,
    Verified,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kubernetes {
    /// Absolute, lowercase (`cluster.local.`).
    pub zones: Vec<String>,
    pub pods: Pods,
    /// `fallthrough [ZONES]`: `Some(empty)` for every zone.
    pub fallthrough: Option<Vec<String>>,
    pub ttl: u32,
    pub namespaces: Option<Vec<String>>,
    pub noendpoints: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forward {
    /// The zone it forwards (`.`: everything).
    pub from: String,
    /// Upstreams: addresses, or `/etc/resolv.conf` (the nameservers of CoreDNS's own pod).
    pub to: Vec<String>,
    pub except: Vec<String>,
    pub max_concurrent: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cache {
    /// The longest an answer is kept (success), and a denial.
    pub success: u32,
    pub denial: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerBlock {
    /// Absolute, lowercase zones (`.` is the root).
    pub zones: Vec<String>,
    pub port: u16,
    pub kubernetes: Option<Kubernetes>,
    pub forward: Option<Forward>,
    pub cache: Option<Cache>,
    pub loadbalance: bool,
    pub log: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Corefile {
    pub blocks: Vec<ServerBlock>,
}

/// A parse error: the line (1-based) and CoreDNS's words.
pub type Error = (usize, String);

/// (line, token) pairs; `{` and `}` are tokens of their own; `#` starts a comment.
fn tokens(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("");
        for w in line.split_whitespace() {
            let mut cur = String::new();
            for c in w.chars() {
                if c == '{' || c == '}' {
                    if !cur.is_empty() {
                        out.push((i + 1, std::mem::take(&mut cur)));
                    }
                    out.push((i + 1, c.to_string()));
                } else {
                    cur.push(c);
                }
            }
            if !cur.is_empty() {
                out.push((i + 1, cur));
            }
        }
    }
    out
}

fn zone(z: &str) -> String {
    let z = z.trim_start_matches("dns://").to_ascii_lowercase();
    if z == "." || z.is_empty() {
        ".".into()
    } else if z.ends_with('.') {
        z
    } else {
        format!("{z}.")
    }
}

/// One directive: its line, name, arguments on its line, and its block's lines (each a
/// line number and words).
struct Directive {
    line: usize,
    name: String,
    args: Vec<String>,
    block: Vec<(usize, Vec<String>)>,
}

pub fn parse(text: &str) -> Result<Corefile, Error> {
    let toks = tokens(text);
    let mut i = 0;
    let mut blocks = Vec::new();
    while i < toks.len() {
        // Keys up to `{`.
        let mut keys = Vec::new();
        while i < toks.len() && toks[i].1 != "{" {
            keys.push(toks[i].clone());
            i += 1;
        }
        let Some((open_line, _)) = toks.get(i) else {
            let line = keys.last().map(|k| k.0).unwrap_or(1);
            return Err((line, "Unexpected EOF".into()));
        };
        let open_line = *open_line;
        if keys.is_empty() {
            return Err((
                open_line,
                "Unexpected token '{', expecting server address".into(),
            ));
        }
        i += 1;
        // Directives until the matching `}`.
        let mut directives: Vec<Directive> = Vec::new();
        loop {
            let Some((line, t)) = toks.get(i).cloned() else {
                return Err((
                    open_line,
                    "Unexpected EOF: a server block is not closed with '}'".into(),
                ));
            };
            i += 1;
            if t == "}" {
                break;
            }
            if t == "{" {
                return Err((line, "Unexpected token '{', expecting a directive".into()));
            }
            let mut d = Directive {
                line,
                name: t,
                args: Vec::new(),
                block: Vec::new(),
            };
            while let Some((l, a)) = toks.get(i) {
                if *l != line || a == "}" {
                    break;
                }
                i += 1;
                if a == "{" {
                    let mut depth = 1;
                    while let Some((l2, b)) = toks.get(i).cloned() {
                        i += 1;
                        match b.as_str() {
                            "{" => depth += 1,
                            "}" => {
                                depth -= 1;
                                if depth == 0 {
                                    break;
                                }
                            }
                            _ => match d.block.last_mut() {
                                Some((bl, words)) if *bl == l2 => words.push(b),
                                _ => d.block.push((l2, vec![b])),
                            },
                        }
                    }
                    if depth != 0 {
                        return Err((
                            line,
                            format!("Unexpected EOF: the block of '{}' is not closed", d.name),
                        ));
                    }
                    break;
                }
                d.args.push(a.clone());
            }
            directives.push(d);
        }
        blocks.push(server_block(&keys, directives)?);
    }
    if blocks.is_empty() {
        return Err((1, "no server block".into()));
    }
    Ok(Corefile { blocks })
}

fn server_block(
    keys: &[(usize, String)],
    directives: Vec<Directive>,
) -> Result<ServerBlock, Error> {
    let mut zones = Vec::new();
    let mut port = 53;
    for (line, k) in keys {
        let (z, p) = match k.rsplit_once(':') {
            Some((z, p)) => (z, Some(p)),
            None => (k.as_str(), None),
        };
        if let Some(p) = p {
            port = p
                .parse()
                .map_err(|_| (*line, format!("Invalid port '{p}' in server address '{k}'")))?;
        }
        zones.push(zone(z));
    }
    let mut b = ServerBlock {
        zones,
        port,
        kubernetes: None,
        forward: None,
        cache: None,
        loadbalance: false,
        log: false,
    };
    let mut seen: Vec<String> = Vec::new();
    for d in directives {
        if seen.contains(&d.name) && ["kubernetes", "forward", "cache"].contains(&d.name.as_str()) {
            return Err((
                d.line,
                format!(
                    "plugin/{}: this plugin can only be used once per Server Block",
                    d.name
                ),
            ));
        }
        seen.push(d.name.clone());
        match d.name.as_str() {
            "kubernetes" => b.kubernetes = Some(kubernetes(&d, &b.zones)?),
            "forward" => b.forward = Some(forward(&d)?),
            "cache" => {
                let ttl = match d.args.first() {
                    Some(t) => t
                        .parse::<u32>()
                        .map_err(|_| (d.line, format!("plugin/cache: not a valid TTL: '{t}'")))?,
                    None => 3600,
                };
                b.cache = Some(Cache {
                    success: ttl,
                    denial: if d.args.is_empty() { 1800 } else { ttl },
                });
            }
            "loadbalance" => b.loadbalance = true,
            "log" => b.log = true,
            "errors" => errors(&d)?,
            "health" | "ready" | "prometheus" | "loop" | "reload" => {}
            other => {
                return Err((
                    d.line,
                    format!(
                        "Unknown directive '{other}' (the simulator knows kubernetes, forward, cache, loadbalance, log, errors, health, ready, prometheus, loop, reload)"
                    ),
                ));
            }
        }
    }
    Ok(b)
}

/// The errors plugin's setup (`errorsParse`): no argument or `stdout`, and a block of
/// `consolidate DURATION REGEXP [LEVEL]` lines only. It changes nothing a packet shows;
/// what it refuses, it refuses as CoreDNS does.
fn errors(d: &Directive) -> Result<(), Error> {
    match d.args.as_slice() {
        [] => {}
        [a] if a == "stdout" => {}
        [a] => return Err((d.line, format!("plugin/errors: invalid log file: {a}"))),
        [.., last] => {
            return Err((
                d.line,
                format!(
                    "plugin/errors: Wrong argument count or unexpected line ending after '{last}'"
                ),
            ));
        }
    }
    for (line, words) in &d.block {
        let (first, rest) = words.split_first().expect("a block line has a word");
        if first != "consolidate" {
            return Err((
                *line,
                format!(
                    "plugin/errors: Syntax error: Unexpected token '{first}', expecting 'consolidate'"
                ),
            ));
        }
        if !(2..=3).contains(&rest.len()) {
            let last = words.last().expect("not empty");
            return Err((
                *line,
                format!(
                    "plugin/errors: Wrong argument count or unexpected line ending after '{last}'"
                ),
            ));
        }
    }
    Ok(())
}

fn kubernetes(d: &Directive, block_zones: &[String]) -> Result<Kubernetes, Error> {
    let zones: Vec<String> = if d.args.is_empty() {
        block_zones.to_vec()
    } else {
        d.args.iter().map(|z| zone(z)).collect()
    };
    let mut k = Kubernetes {
        zones,
        pods: Pods::Disabled,
        fallthrough: None,
        ttl: 5,
        namespaces: None,
        noendpoints: false,
    };
    for (line, words) in &d.block {
        let (opt, rest) = words.split_first().expect("a line has a word");
        match opt.as_str() {
            "pods" => {
                k.pods = match rest.first().map(String::as_str) {
                    Some("disabled") => Pods::Disabled,
                    Some("insecure") => Pods::Insecure,
                    Some("verified") => Pods::Verified,
                    other => {
                        return Err((
                            *line,
                            format!(
                                "plugin/kubernetes: pods: invalid value '{}': expected disabled, insecure or verified",
                                other.unwrap_or("")
                            ),
                        ));
                    }
                }
            }
            "fallthrough" => k.fallthrough = Some(rest.iter().map(|z| zone(z)).collect()),
            "ttl" => {
                k.ttl = rest
                    .first()
                    .and_then(|t| t.parse::<u32>().ok())
                    .filter(|t| *t <= 3600)
                    .ok_or_else(|| {
                        (
                            *line,
                            "plugin/kubernetes: ttl must be in range [0, 3600]".to_string(),
                        )
                    })?;
            }
            "namespaces" => k.namespaces = Some(rest.to_vec()),
            "noendpoints" => k.noendpoints = true,
            "endpoint" | "tls" | "kubeconfig" | "labels" | "endpoint_pod_names" | "ignore" => {}
            other => {
                return Err((
                    *line,
                    format!("plugin/kubernetes: unknown property '{other}'"),
                ));
            }
        }
    }
    Ok(k)
}

fn forward(d: &Directive) -> Result<Forward, Error> {
    let Some((from, to)) = d.args.split_first() else {
        return Err((
            d.line,
            "plugin/forward: Wrong argument count or unexpected line ending after 'forward'".into(),
        ));
    };
    if to.is_empty() {
        return Err((
            d.line,
            "plugin/forward: Wrong argument count or unexpected line ending after '.'".into(),
        ));
    }
    for t in to {
        let host = t.trim_start_matches("dns://");
        let ip = host.rsplit_once(':').map(|(h, _)| h).unwrap_or(host);
        if t != "/etc/resolv.conf" && ip.parse::<std::net::Ipv4Addr>().is_err() {
            return Err((
                d.line,
                format!("plugin/forward: not an IP address or file: \"{t}\""),
            ));
        }
    }
    let mut f = Forward {
        from: zone(from),
        to: to.to_vec(),
        except: Vec::new(),
        max_concurrent: None,
    };
    for (line, words) in &d.block {
        let (opt, rest) = words.split_first().expect("a line has a word");
        match opt.as_str() {
            "except" => f.except = rest.iter().map(|z| zone(z)).collect(),
            "max_concurrent" => {
                f.max_concurrent =
                    Some(rest.first().and_then(|n| n.parse().ok()).ok_or_else(|| {
                        (
                            *line,
                            "plugin/forward: max_concurrent needs a number".to_string(),
                        )
                    })?)
            }
            "policy" | "health_check" | "max_fails" | "expire" | "force_tcp" | "prefer_udp" => {}
            other => return Err((*line, format!("plugin/forward: unknown property '{other}'"))),
        }
    }
    Ok(f)
}

/// Whether `name` (absolute, lowercase) is `zone` or below it.
pub fn in_zone(name: &str, zone: &str) -> bool {
    zone == "." || name == zone || name.ends_with(&format!(".{zone}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubeadms_corefile_parses() {
        let c = parse(KUBEADM).unwrap();
        let b = &c.blocks[0];
        assert_eq!(b.zones, ["."]);
        assert_eq!(b.port, 53);
        let k = b.kubernetes.as_ref().unwrap();
        assert_eq!(k.zones, ["cluster.local.", "in-addr.arpa.", "ip6.arpa."]);
        assert_eq!(k.pods, Pods::Insecure);
        assert_eq!(k.ttl, 30);
        assert_eq!(
            k.fallthrough.as_deref(),
            Some(&["in-addr.arpa.".to_string(), "ip6.arpa.".to_string()][..])
        );
        assert_eq!(b.forward.as_ref().unwrap().to, ["/etc/resolv.conf"]);
        assert_eq!(
            b.cache,
            Some(Cache {
                success: 30,
                denial: 30
            })
        );
        assert!(b.loadbalance);
    }

    /// Seed 001's second server block, and the errors CoreDNS gives at load time.
    #[test]
    fn blocks_and_errors() {
        let c = parse(".:53 {\n  forward . 10.181.0.1 {\n    except ilinux.io\n  }\n}\nilinux.io:53 {\n  forward . 223.5.5.5\n}\n").unwrap();
        assert_eq!(c.blocks.len(), 2);
        assert_eq!(c.blocks[0].forward.as_ref().unwrap().except, ["ilinux.io."]);
        assert_eq!(c.blocks[1].zones, ["ilinux.io."]);
        // The errors plugin's block holds only `consolidate` lines.
        assert_eq!(
            parse(".:53 {\n  errors {\n    foo\n  }\n}\n").unwrap_err(),
            (
                3,
                "plugin/errors: Syntax error: Unexpected token 'foo', expecting 'consolidate'"
                    .into()
            )
        );
        assert_eq!(
            parse(".:53 {\n  errors /var/log/x\n}\n").unwrap_err(),
            (2, "plugin/errors: invalid log file: /var/log/x".into())
        );
        assert_eq!(
            parse(".:53 {\n  errors {\n    consolidate 5m\n  }\n}\n").unwrap_err(),
            (
                3,
                "plugin/errors: Wrong argument count or unexpected line ending after '5m'".into()
            )
        );
        assert!(
            parse(".:53 {\n  errors stdout {\n    consolidate 5m \".* timeout$\"\n  }\n}\n")
                .is_ok()
        );
        let e = parse(".:53 {\n  errors\n  fancy on\n}\n").unwrap_err();
        assert_eq!(e.0, 3);
        assert!(e.1.starts_with("Unknown directive 'fancy'"));
        assert_eq!(parse(".:53 {\n  errors\n").unwrap_err().0, 1);
        assert!(parse(".:53 {\n kubernetes cluster.local {\n ttl 9999\n }\n}\n").is_err());
        assert!(parse(".:53 {\n forward .\n}\n").is_err());
        // Seed 001's `forward magedu.com 10.20.111.1` beside `forward . ...` in one block:
        // CoreDNS refuses it; a zone of its own needs a server block of its own.
        let e = parse(".:53 {\n forward . 223.6.6.6 {\n except magedu.com.\n }\n forward magedu.com 10.20.111.1\n}\n").unwrap_err();
        assert_eq!(
            e,
            (
                5,
                "plugin/forward: this plugin can only be used once per Server Block".to_string()
            )
        );
        assert!(in_zone("a.cluster.local.", "cluster.local."));
        assert!(!in_zone("acluster.local.", "cluster.local."));
    }
}
