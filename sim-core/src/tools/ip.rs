//! iproute2 `ip addr [show [dev] DEV]` and `ip route [show]`, in modern iproute2's format.
//!
//! IPv6 is not modelled, so no `inet6` lines are printed (docs/cli.md says so).

use std::fmt::Write;

use crate::net::{DevKind, Netns};

/// Runs `ip ARGS` against a namespace: (stdout, stderr, exit status).
pub fn run(ns: &Netns, args: &[String]) -> (String, String, i32) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        [obj, rest @ ..] if is_prefix(obj, "address", 1) => addr(ns, rest),
        [obj, rest @ ..] if is_prefix(obj, "route", 1) => route(ns, rest),
        [] => (String::new(), USAGE.into(), 255),
        [obj, ..] => (
            String::new(),
            format!("Object \"{obj}\" is unknown, try \"ip help\".\n"),
            255,
        ),
    }
}

const USAGE: &str = "Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\nwhere  OBJECT := { address | route }   (the objects this simulator models)\n";

/// iproute2 accepts any prefix of an object or command name (at least `min` letters).
fn is_prefix(word: &str, full: &str, min: usize) -> bool {
    word.len() >= min && full.starts_with(word)
}

fn addr(ns: &Netns, args: &[&str]) -> (String, String, i32) {
    let dev = match args {
        [] => None,
        [cmd] if is_prefix(cmd, "show", 1) || is_prefix(cmd, "list", 1) => None,
        [cmd, "dev", name] | [cmd, name]
            if is_prefix(cmd, "show", 1) || is_prefix(cmd, "list", 1) =>
        {
            Some(*name)
        }
        [cmd, .., last] if is_prefix(cmd, "show", 1) || is_prefix(cmd, "list", 1) => {
            // iproute2's duparg2(): too many words after `show`.
            return (
                String::new(),
                format!("Error: either \"dev\" is duplicate, or \"{last}\" is a garbage.\n"),
                255,
            );
        }
        [cmd, ..] => return unknown_or_unmodelled("address", cmd, ADDR_COMMANDS),
    };
    let mut out = String::new();
    for (i, d) in ns.devices.iter().enumerate() {
        if dev.is_some_and(|name| name != d.name) {
            continue;
        }
        let (flags, qdisc, state, link) = match d.kind {
            DevKind::Loopback => (
                "LOOPBACK,UP,LOWER_UP",
                "noqueue",
                "UNKNOWN",
                "link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00".to_string(),
            ),
            DevKind::Ether { .. } => (
                if d.up {
                    "BROADCAST,MULTICAST,UP,LOWER_UP"
                } else {
                    "BROADCAST,MULTICAST"
                },
                if d.up { "pfifo_fast" } else { "noop" },
                if d.up { "UP" } else { "DOWN" },
                format!("link/ether {} brd ff:ff:ff:ff:ff:ff", mac(&d.mac)),
            ),
        };
        let _ = writeln!(
            out,
            "{}: {}: <{flags}> mtu {} qdisc {qdisc} state {state} group default qlen 1000",
            i + 1,
            d.name,
            d.mtu
        );
        let _ = writeln!(out, "    {link}");
        for a in &d.addrs {
            let brd = if d.kind == DevKind::Loopback || a.prefix_len() >= 31 {
                String::new()
            } else {
                format!("brd {} ", a.broadcast())
            };
            let scope = if a.addr().is_loopback() {
                "host"
            } else {
                "global"
            };
            let _ = writeln!(out, "    inet {a} {brd}scope {scope} {}", d.name);
            out.push_str("       valid_lft forever preferred_lft forever\n");
        }
    }
    if let Some(name) = dev
        && out.is_empty()
    {
        return (
            String::new(),
            format!("Device \"{name}\" does not exist.\n"),
            1,
        );
    }
    (out, String::new(), 0)
}

fn route(ns: &Netns, args: &[&str]) -> (String, String, i32) {
    match args {
        [] => {}
        [cmd] if is_prefix(cmd, "show", 1) || is_prefix(cmd, "list", 1) => {}
        [cmd, ..] => return unknown_or_unmodelled("route", cmd, ROUTE_COMMANDS),
    }
    let out = ns.routes.dump(|d| ns.dev(d).name.clone());
    (out, String::new(), 0)
}

/// iproute2's other `ip address` and `ip route` commands: real, not simulated yet.
const ADDR_COMMANDS: &[&str] = &[
    "add", "change", "replace", "delete", "flush", "save", "restore", "showdump",
];
const ROUTE_COMMANDS: &[&str] = &[
    "add", "change", "replace", "prepend", "append", "delete", "get", "flush", "save", "restore",
    "showdump",
];

/// `Command "x" is unknown` as iproute2 prints it (first word only), or a plain statement
/// that a real command is not simulated yet.
fn unknown_or_unmodelled(object: &str, cmd: &str, real: &[&str]) -> (String, String, i32) {
    if real.iter().any(|c| is_prefix(cmd, c, 1)) {
        let full = real.iter().find(|c| is_prefix(cmd, c, 1)).expect("found");
        return (
            String::new(),
            format!("ip {object} {full}: not simulated yet (only `show` is)\n"),
            2,
        );
    }
    (
        String::new(),
        format!("Command \"{cmd}\" is unknown, try \"ip {object} help\".\n"),
        255,
    )
}

fn mac(m: &[u8; 6]) -> String {
    m.iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}
