//! iproute2 `bridge fdb show [br BRIDGE]`: each bridge's forwarding database.
//!
//! Per port, in ifindex order: the MACs learned on it (entries younger than the 300 s
//! ageing time), then the port's own MAC as a permanent entry, with and without `vlan 1`
//! as a bridge with VLAN filtering compiled in lists them; then the bridge's own MAC. Then
//! VXLAN devices' entries (`MAC dev flannel.1 dst 10.181.5.146 self permanent`). IPv6
//! multicast entries (`33:33:...`) are not listed: IPv6 is not modelled.

use std::fmt::Write;

use crate::engine::SimTime;
use crate::net::link::FDB_AGEING;
use crate::net::{DevId, DevKind, Netns};

pub fn run(ns: &Netns, now: SimTime, args: &[String]) -> (String, String, i32) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut only_dev = None;
    let only = match args.as_slice() {
        ["fdb"] | ["fdb", "show"] => None,
        ["fdb", "show", "dev", name] => match ns.dev_by_name(name) {
            Some(d) => {
                only_dev = Some(d);
                // A bridge port or the bridge: that bridge's table, filtered below.
                let dev = ns.dev(d);
                Some(dev.master.unwrap_or(if dev.kind == DevKind::Bridge {
                    d
                } else {
                    DevId(u16::MAX)
                }))
            }
            None => {
                return (String::new(), format!("Cannot find device \"{name}\"\n"), 1);
            }
        },
        ["fdb", "show", "br", name] => match ns.dev_by_name(name) {
            Some(d) if ns.dev(d).kind == DevKind::Bridge => Some(d),
            _ => {
                return (
                    String::new(),
                    format!("Cannot find bridge device \"{name}\"\n"),
                    1,
                );
            }
        },
        _ => {
            return (
                String::new(),
                "Usage: bridge fdb show [ br BRIDGE | dev DEV ]   (the bridge commands this simulator models)\n".into(),
                255,
            );
        }
    };
    let mut out = String::new();
    for (i, br) in ns.devices.iter().enumerate() {
        let br_id = DevId(i as u16);
        if br.kind != DevKind::Bridge || only.is_some_and(|o| o != br_id) {
            continue;
        }
        // `dev PORT` keeps that port's lines; `dev BRIDGE` keeps the bridge's own.
        let show = |d: DevId| only_dev.is_none_or(|o| o == d || o == br_id && d == br_id);
        for port in ns.ports(br_id).filter(|p| show(*p)) {
            let pname = &ns.dev(port).name;
            for ((b, mac), e) in &ns.fdb {
                if *b == br_id && e.port == port && now < e.updated + FDB_AGEING {
                    let _ = writeln!(out, "{mac} dev {pname} master {}", br.name);
                }
            }
            let own = ns.dev(port).mac;
            let _ = writeln!(out, "{own} dev {pname} vlan 1 master {} permanent", br.name);
            let _ = writeln!(out, "{own} dev {pname} master {} permanent", br.name);
        }
        if !show(br_id) {
            continue;
        }
        let _ = writeln!(
            out,
            "{} dev {} vlan 1 master {} permanent",
            br.mac, br.name, br.name
        );
        let _ = writeln!(
            out,
            "{} dev {} master {} permanent",
            br.mac, br.name, br.name
        );
    }
    // A VXLAN device's entries: where each remote MAC's frames go.
    for ((dev, mac), dst) in &ns.vxlan_fdb {
        if only.is_none() || only_dev == Some(*dev) {
            let _ = writeln!(
                out,
                "{mac} dev {} dst {dst} self permanent",
                ns.dev(*dev).name
            );
        }
    }
    (out, String::new(), 0)
}
