//! iproute2 `ip addr [show [dev] DEV]` and `ip route [show]`, in modern iproute2's format.
//!
//! IPv6 is not modelled, so no `inet6` lines are printed (docs/cli.md says so).

use std::fmt::Write;

use crate::engine::SimTime;
use crate::net::{DevId, DevKind, Netns, NsId, World};

/// Runs `ip ARGS` against a namespace: (stdout, stderr, exit status).
pub fn run(world: &World, ns: NsId, now: SimTime, args: &[String]) -> (String, String, i32) {
    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    let ns = world.ns(ns);
    // Options before the object: `-s` (statistics, per device), `-d` (details).
    let mut opts = Opts::default();
    while let Some(a) = args.first().copied().filter(|a| a.starts_with('-')) {
        let word = a.trim_start_matches('-');
        if !word.is_empty() && "statistics".starts_with(word) {
            opts.stats = true;
        } else if !word.is_empty() && "details".starts_with(word) {
            opts.details = true;
        } else {
            return (
                String::new(),
                format!("ip: option {a} is not simulated yet (-s and -d are)\n"),
                255,
            );
        }
        args.remove(0);
    }
    match args.as_slice() {
        [obj, rest @ ..] if is_prefix(obj, "address", 1) => addr(world, ns, opts, rest),
        [obj, rest @ ..] if is_prefix(obj, "route", 1) => route(ns, rest),
        [obj, rest @ ..] if is_prefix(obj, "link", 1) => link(world, ns, opts, rest),
        [obj, rest @ ..] if is_prefix(obj, "neighbour", 1) || is_prefix(obj, "neighbor", 4) => {
            neigh(ns, now, rest)
        }
        [] => (String::new(), USAGE.into(), 255),
        [obj, ..] => (
            String::new(),
            format!("Object \"{obj}\" is unknown, try \"ip help\".\n"),
            255,
        ),
    }
}

/// `ip -s` and `ip -d`.
#[derive(Clone, Copy, Debug, Default)]
struct Opts {
    stats: bool,
    details: bool,
}

const USAGE: &str = "Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\nwhere  OBJECT := { address | link | neighbour | route }   (the objects this simulator models)\n";

/// iproute2 accepts any prefix of an object or command name (at least `min` letters).
fn is_prefix(word: &str, full: &str, min: usize) -> bool {
    word.len() >= min && full.starts_with(word)
}

fn addr(world: &World, ns: &Netns, opts: Opts, args: &[&str]) -> (String, String, i32) {
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
        if d.removed || dev.is_some_and(|name| name != d.name) {
            continue;
        }
        let _ = writeln!(out, "{}: {}", i + 1, link_line(world, ns, DevId(i as u16)));
        let link = link_info(world, ns, DevId(i as u16));
        let _ = writeln!(out, "    {link}{}", details(ns, DevId(i as u16), opts));
        for a in &d.addrs {
            let brd = if d.kind == DevKind::Loopback || a.prefix_len() >= 31 || !d.brd {
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
        if opts.stats {
            out.push_str(&stats(d));
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
const LINK_COMMANDS: &[&str] = &["add", "delete", "set", "change", "xstats", "afstats"];
const NEIGH_COMMANDS: &[&str] = &["add", "delete", "change", "replace", "flush", "get"];
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

/// The first line of a device in `ip addr` and `ip link`, after its index:
/// `eth0@if5: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master docker0 state UP group default`.
fn link_line(world: &World, ns: &Netns, dev: DevId) -> String {
    let d = ns.dev(dev);
    let mut name = d.name.clone();
    let carrier = match d.kind {
        DevKind::Loopback
        | DevKind::Ether { .. }
        | DevKind::Tun { .. }
        | DevKind::Vxlan { .. }
        | DevKind::Dummy => true,
        DevKind::Veth { peer_ns, peer_dev } => {
            let _ = write!(name, "@if{}", peer_dev.0 + 1);
            world.ns(peer_ns).dev(peer_dev).up
        }
        // A bridge has carrier while at least one of its ports is up.
        DevKind::Bridge => ns.ports(dev).any(|p| ns.dev(p).up),
    };
    let flags = match (d.kind, d.up, carrier) {
        (DevKind::Loopback, _, _) => "LOOPBACK,UP,LOWER_UP",
        (DevKind::Tun { .. }, _, _) => "POINTOPOINT,MULTICAST,NOARP,UP,LOWER_UP",
        (DevKind::Dummy, false, _) => "BROADCAST,NOARP",
        (_, true, true) => "BROADCAST,MULTICAST,UP,LOWER_UP",
        (_, true, false) => "NO-CARRIER,BROADCAST,MULTICAST,UP",
        (_, false, _) => "BROADCAST,MULTICAST",
    };
    let qdisc = match (d.kind, d.up) {
        (_, false) => "noop",
        (DevKind::Ether { .. } | DevKind::Tun { .. }, true) => "pfifo_fast",
        _ => "noqueue",
    };
    let master = match d.master {
        Some(m) => format!(" master {}", ns.dev(m).name),
        None => String::new(),
    };
    let state = match (d.kind, d.up, carrier) {
        (DevKind::Loopback | DevKind::Tun { .. } | DevKind::Vxlan { .. }, _, _) => "UNKNOWN",
        (_, true, true) => "UP",
        _ => "DOWN",
    };
    // Physical and loopback devices queue 1000 packets; veth and bridges show no qlen.
    let qlen = match d.kind {
        DevKind::Loopback | DevKind::Ether { .. } => " qlen 1000",
        // flanneld's TUN device: the tun driver's default queue of 500.
        DevKind::Tun { .. } => " qlen 500",
        _ => "",
    };
    format!(
        "{name}: <{flags}> mtu {} qdisc {qdisc}{master} state {state} group default{qlen}",
        d.mtu
    )
}

/// The `link/...` line: `link/ether 02:42:ac:11:00:02 brd ff:ff:ff:ff:ff:ff link-netnsid 0`.
fn link_info(world: &World, ns: &Netns, dev: DevId) -> String {
    let d = ns.dev(dev);
    match d.kind {
        DevKind::Loopback => "link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00".into(),
        DevKind::Tun { .. } => "link/none ".into(),
        DevKind::Veth { peer_ns, .. } => format!(
            "link/ether {} brd ff:ff:ff:ff:ff:ff link-netnsid {}",
            d.mac,
            netnsid(world, ns, peer_ns)
        ),
        _ => format!("link/ether {} brd ff:ff:ff:ff:ff:ff", d.mac),
    }
}

/// The id this namespace gives another one (`ip netns list-id`): the kernel numbers peers
/// in the order they are first seen, from 0. A pod's only peer is its node (0); a node
/// numbers its pods in the order their veths were made.
fn netnsid(world: &World, ns: &Netns, peer: NsId) -> usize {
    let _ = world;
    let mut seen: Vec<NsId> = Vec::new();
    for d in &ns.devices {
        if let DevKind::Veth { peer_ns, .. } = d.kind
            && !seen.contains(&peer_ns)
        {
            seen.push(peer_ns);
        }
    }
    seen.iter().position(|p| *p == peer).unwrap_or(0)
}

/// `ip link [show [dev] DEV]`.
fn link(world: &World, ns: &Netns, opts: Opts, args: &[&str]) -> (String, String, i32) {
    let dev = match args {
        [] => None,
        [cmd] if is_prefix(cmd, "show", 1) || is_prefix(cmd, "list", 1) => None,
        [cmd, "dev", name] | [cmd, name]
            if is_prefix(cmd, "show", 1) || is_prefix(cmd, "list", 1) =>
        {
            Some(*name)
        }
        [cmd, ..] => return unknown_or_unmodelled("link", cmd, LINK_COMMANDS),
    };
    let mut out = String::new();
    for (i, d) in ns.devices.iter().enumerate() {
        if d.removed || dev.is_some_and(|name| name != d.name) {
            continue;
        }
        let id = DevId(i as u16);
        // `ip link` names the mode where `ip addr` says `group default`.
        let line =
            link_line(world, ns, id).replace(" group default", " mode DEFAULT group default");
        let _ = writeln!(out, "{}: {line}", i + 1);
        let _ = writeln!(
            out,
            "    {}{}",
            link_info(world, ns, id),
            details(ns, id, opts)
        );
        if opts.stats {
            out.push_str(&stats(ns.dev(id)));
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

/// `-d`'s tail of the `link/...` line (iproute2 4.x): the promiscuity, the device's kind
/// and its attributes (`vxlan id 1 local 10.181.13.57 dev eth0 srcport 0 0 dstport 8472
/// nolearning ...`), a bridge port's `bridge_slave` line, and the generic attributes.
fn details(ns: &Netns, dev: DevId, opts: Opts) -> String {
    if !opts.details {
        return String::new();
    }
    let d = ns.dev(dev);
    // A bridge port is promiscuous (the bridge takes every frame).
    let promisc = u8::from(d.master.is_some());
    let generic =
        "addrgenmode eui64 numtxqueues 1 numrxqueues 1 gso_max_size 65536 gso_max_segs 65535 ";
    let kind = match d.kind {
        DevKind::Loopback | DevKind::Ether { .. } => None,
        DevKind::Veth { .. } => Some("veth ".to_string()),
        DevKind::Tun { .. } => Some("tun ".to_string()),
        DevKind::Dummy => Some("dummy ".to_string()),
        DevKind::Bridge => Some(
            "bridge forward_delay 1500 hello_time 200 max_age 2000 ageing_time 30000 stp_state 0 priority 32768 vlan_filtering 0 vlan_protocol 802.1Q ".to_string(),
        ),
        DevKind::Vxlan { vni, port, local } => {
            // The device it sends by: the one whose address is `local`.
            let via = ns
                .devices
                .iter()
                .find(|x| !x.removed && x.addrs.iter().any(|a| a.addr() == local))
                .map(|x| format!("dev {} ", x.name))
                .unwrap_or_default();
            Some(format!(
                "vxlan id {vni} local {local} {via}srcport 0 0 dstport {port} nolearning ageing 300 noudpcsum noudp6zerocsumtx noudp6zerocsumrx "
            ))
        }
    };
    let port = if d.master.is_some() {
        "\n    bridge_slave state forwarding priority 32 cost 2 hairpin off guard off root_block off fastleave off learning on flood on "
    } else {
        ""
    };
    match kind {
        None => format!(" promiscuity {promisc} {generic}"),
        Some(k) => format!(" promiscuity {promisc} \n    {k}{port}{generic}"),
    }
}

/// `-s`: the device's counters in iproute2 4.x's layout (`%-10s %-8s %-7s ...`).
fn stats(d: &crate::net::Device) -> String {
    let row = |cells: [String; 6]| {
        let w = [10, 8, 7, 7, 7, 7];
        let mut line = String::from("    ");
        for (c, w) in cells.iter().zip(w) {
            let _ = write!(line, "{c:<w$} ");
        }
        line.push('\n');
        line
    };
    let s = &d.stats;
    let n = |v: u64| v.to_string();
    let z = || "0".to_string();
    let mut out = row([
        "RX: bytes".into(),
        "packets".into(),
        "errors".into(),
        "dropped".into(),
        "overrun".into(),
        "mcast".into(),
    ]);
    out += &row([n(s.rx_bytes), n(s.rx_packets), z(), z(), z(), z()]);
    out += &row([
        "TX: bytes".into(),
        "packets".into(),
        "errors".into(),
        "dropped".into(),
        "carrier".into(),
        "collsns".into(),
    ]);
    out += &row([n(s.tx_bytes), n(s.tx_packets), z(), z(), z(), z()]);
    out
}

/// `ip neigh [show [dev DEV]]`: `10.0.0.2 dev eth0 lladdr 52:54:00:6c:3e:cb REACHABLE`;
/// entries without an address print `10.0.0.9 dev eth0  FAILED` (iproute2's two spaces).
fn neigh(ns: &Netns, now: SimTime, args: &[&str]) -> (String, String, i32) {
    let dev = match args {
        [] => None,
        [cmd] if is_prefix(cmd, "show", 1) || is_prefix(cmd, "list", 1) => None,
        [cmd, "dev", name] if is_prefix(cmd, "show", 1) || is_prefix(cmd, "list", 1) => {
            match ns.dev_by_name(name) {
                Some(d) => Some(d),
                None => {
                    return (String::new(), format!("Cannot find device \"{name}\"\n"), 1);
                }
            }
        }
        [cmd, ..] => return unknown_or_unmodelled("neigh", cmd, NEIGH_COMMANDS),
    };
    let mut out = String::new();
    for ((d, addr), entry) in &ns.neigh {
        if dev.is_some_and(|want| want != *d) {
            continue;
        }
        let _ = write!(out, "{addr} ");
        if dev.is_none() {
            let _ = write!(out, "dev {} ", ns.dev(*d).name);
        }
        if let Some(mac) = entry.mac {
            let _ = write!(out, "lladdr {mac}");
        }
        let _ = writeln!(out, " {}", entry.state(now).name());
    }
    (out, String::new(), 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// iproute2 4.x's `%-10s %-8s %-7s...` columns, each with its trailing space.
    #[test]
    fn statistics_columns() {
        let mut d = crate::net::Device::new(
            "eth0",
            DevKind::Loopback,
            crate::wire::eth::Mac([0; 6]),
            1500,
        );
        d.stats.rx_bytes = 881973732;
        d.stats.rx_packets = 1572917;
        d.stats.tx_bytes = 61070;
        d.stats.tx_packets = 516;
        assert_eq!(
            stats(&d),
            "    RX: bytes  packets  errors  dropped overrun mcast   \n    881973732  1572917  0       0       0       0       \n    TX: bytes  packets  errors  dropped carrier collsns \n    61070      516      0       0       0       0       \n"
        );
    }
}
