//! `ipset list [NAME] [-n|-t]` (also `ipset -L`): the sets kube-proxy's ipvs mode keeps
//! (`Netfilter::ipsets`), in ipset 7's layout.

use crate::engine::SimTime;
use crate::net::Netns;
use crate::net::netfilter::{IpSet, SetEntry};

/// The set type's revision, as ipset 7 (Ubuntu 22.04's) reports it.
fn revision(kind: &str) -> u8 {
    match kind {
        "hash:ip" => 4,
        "hash:ip,port" | "hash:ip,port,ip" => 5,
        "hash:ip,port,net" | "hash:net" => 7,
        "bitmap:port" => 3,
        _ => 1,
    }
}

/// An entry as ipset prints it: `10.96.0.1,tcp:443`, `10.244.1.5,tcp:80,10.244.1.5`, `30001`.
fn member(kind: &str, (ip, port, ip2): &SetEntry) -> String {
    if kind == "bitmap:port" {
        return port.map(|(_, p)| p.to_string()).unwrap_or_default();
    }
    let mut parts = Vec::new();
    if let Some(ip) = ip {
        parts.push(ip.to_string());
    }
    if let Some((proto, p)) = port {
        parts.push(format!("{}:{p}", proto.name()));
    }
    if let Some(ip) = ip2 {
        parts.push(ip.to_string());
    }
    parts.join(",")
}

fn header(kind: &str) -> &'static str {
    if kind == "bitmap:port" {
        "range 0-65535"
    } else {
        "family inet hashsize 1024 maxelem 65536"
    }
}

/// The modelled `Size in memory`: the kernel's own figure is not modelled; a fixed base per
/// set and a fixed amount per entry stand in for it (docs/cli.md).
fn size_in_memory(kind: &str, set: &IpSet) -> usize {
    let base = if kind == "bitmap:port" { 8264 } else { 504 };
    base + 32 * set.entries.len()
}

/// Prints one set; `references`: how many iptables rules match on it.
fn print_set(out: &mut String, name: &str, set: &IpSet, references: usize, terse: bool) {
    out.push_str(&format!(
        "Name: {name}\nType: {}\nRevision: {}\nHeader: {}\nSize in memory: {}\nReferences: {references}\nNumber of entries: {}\n",
        set.kind,
        revision(&set.kind),
        header(&set.kind),
        size_in_memory(&set.kind, set),
        set.entries.len()
    ));
    if terse {
        return;
    }
    out.push_str("Members:\n");
    for e in &set.entries {
        out.push_str(&member(&set.kind, e));
        out.push('\n');
    }
}

pub fn run(ns: &Netns, now: SimTime, args: &[String]) -> (String, String, i32) {
    let mut words = args.iter().map(String::as_str);
    match words.next() {
        Some("list" | "-L" | "--list" | "l") => {}
        Some(other) => {
            return (
                String::new(),
                format!(
                    "ipset v7.15: ipset {other} is not simulated yet (ipset list is)\nTry `ipset help' for more information.\n"
                ),
                1,
            );
        }
        None => {
            return (
                String::new(),
                "ipset v7.15: No command specified: unknown argument -file\nTry `ipset help' for more information.\n".into(),
                1,
            );
        }
    }
    let (mut names_only, mut terse, mut which) = (false, false, None);
    for w in words {
        match w {
            "-n" | "-name" => names_only = true,
            "-t" | "-terse" => terse = true,
            w if w.starts_with('-') => {
                return (
                    String::new(),
                    format!("ipset v7.15: option {w} is not simulated yet (-n, -t are)\n"),
                    1,
                );
            }
            w => which = Some(w),
        }
    }
    let sets = &ns.netfilter.ipsets;
    if let Some(name) = which
        && !sets.contains_key(name)
    {
        return (
            String::new(),
            format!("ipset v7.15: The set with the given name does not exist\n"),
            1,
        );
    }
    let rules = if names_only {
        String::new()
    } else {
        super::iptables::save(ns, now, &[]).0
    };
    let mut out = String::new();
    let mut first = true;
    for (name, set) in sets {
        if which.is_some_and(|w| w != name) {
            continue;
        }
        if names_only {
            out.push_str(name);
            out.push('\n');
            continue;
        }
        if !first {
            out.push('\n');
        }
        first = false;
        let references = rules.matches(&format!("--match-set {name} ")).count();
        print_set(&mut out, name, set, references, terse);
    }
    (out, String::new(), 0)
}
