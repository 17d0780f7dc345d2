//! net-tools `ifconfig [-a] [DEV]`, in the format of seed 004 (net-tools 2.0 on CentOS 7).
//!
//! Interfaces print in name order; without `-a` only those that are up. Counters are the
//! device's own (`Device::stats`), so the RX/TX lines show what really crossed it.
//! `txqueuelen` is the kernel's queue length per device kind: 1000 for eth0 and lo (the
//! seed's older kernel gave lo 1), 0 for docker0 and veths.

use std::fmt::Write;

use crate::net::{DevKind, Device, Netns};

/// Runs `ifconfig ARGS`: (stdout, stderr, exit status).
pub fn run(ns: &Netns, args: &[String]) -> (String, String, i32) {
    let mut all = false;
    let mut dev = None;
    for a in args {
        match a.as_str() {
            "-a" => all = true,
            name if !name.starts_with('-') && dev.is_none() => dev = Some(name),
            other => {
                return (
                    String::new(),
                    format!(
                        "ifconfig: option `{other}' not recognised (only -a and an interface name are simulated).\n"
                    ),
                    1,
                );
            }
        }
    }
    let mut devices: Vec<&Device> = ns.devices.iter().filter(|d| !d.removed).collect();
    devices.sort_by(|a, b| a.name.cmp(&b.name));
    let mut out = String::new();
    for d in devices {
        if dev.is_some_and(|n| n != d.name) || (dev.is_none() && !all && !d.up) {
            continue;
        }
        interface(&mut out, ns, d);
    }
    if let Some(name) = dev
        && out.is_empty()
    {
        return (
            String::new(),
            format!("{name}: error fetching interface information: Device not found\n"),
            1,
        );
    }
    (out, String::new(), 0)
}

fn interface(out: &mut String, ns: &Netns, d: &Device) {
    let carrier = match d.kind {
        DevKind::Bridge => ns
            .dev_by_name(&d.name)
            .is_some_and(|id| ns.ports(id).any(|p| ns.dev(p).up)),
        _ => true,
    };
    let mut flags: Vec<(u32, &str)> = Vec::new();
    if d.up {
        flags.push((0x1, "UP"));
    }
    let tun = matches!(d.kind, DevKind::Tun { .. });
    match d.kind {
        DevKind::Loopback => flags.push((0x8, "LOOPBACK")),
        DevKind::Tun { .. } => flags.push((0x10, "POINTOPOINT")),
        _ => flags.push((0x2, "BROADCAST")),
    }
    if d.up && carrier {
        flags.push((0x40, "RUNNING"));
    }
    if tun || d.kind == DevKind::Dummy {
        flags.push((0x80, "NOARP"));
    }
    if !matches!(d.kind, DevKind::Loopback | DevKind::Dummy) {
        flags.push((0x1000, "MULTICAST"));
    }
    let bits: u32 = flags.iter().map(|f| f.0).sum();
    let names: Vec<&str> = flags.iter().map(|f| f.1).collect();
    let _ = writeln!(
        out,
        "{}: flags={bits}<{}>  mtu {}",
        d.name,
        names.join(","),
        d.mtu
    );
    if let Some(a) = d.addrs.first() {
        let _ = write!(out, "        inet {}  netmask {}", a.addr(), a.netmask());
        if tun {
            // A point-to-point device prints its peer; flanneld sets none, so it is the
            // local address (seed 004: `destination 10.1.93.0`).
            let _ = write!(out, "  destination {}", a.addr());
        } else if d.kind != DevKind::Loopback {
            let brd = if d.brd && a.prefix_len() < 31 {
                a.broadcast()
            } else {
                std::net::Ipv4Addr::UNSPECIFIED
            };
            let _ = write!(out, "  broadcast {brd}");
        }
        out.push('\n');
    }
    match d.kind {
        DevKind::Loopback => out.push_str("        loop  txqueuelen 1000  (Local Loopback)\n"),
        DevKind::Tun { .. } => out.push_str(
            "        unspec 00-00-00-00-00-00-00-00-00-00-00-00-00-00-00-00  txqueuelen 500  (UNSPEC)\n",
        ),
        kind => {
            let qlen = if matches!(kind, DevKind::Ether { .. }) {
                1000
            } else {
                0
            };
            let _ = writeln!(
                out,
                "        ether {}  txqueuelen {qlen}  (Ethernet)",
                d.mac
            );
        }
    }
    let s = d.stats;
    let _ = writeln!(
        out,
        "        RX packets {}  bytes {} ({})",
        s.rx_packets,
        s.rx_bytes,
        scaled(s.rx_bytes)
    );
    out.push_str("        RX errors 0  dropped 0  overruns 0  frame 0\n");
    let _ = writeln!(
        out,
        "        TX packets {}  bytes {} ({})",
        s.tx_packets,
        s.tx_bytes,
        scaled(s.tx_bytes)
    );
    out.push_str("        TX errors 0  dropped 0 overruns 0  carrier 0  collisions 0\n\n");
}

/// net-tools' byte scaling: tenths, truncated, in binary units (`253487` -> `247.5 KiB`).
fn scaled(bytes: u64) -> String {
    let units: [(u64, &str); 5] = [
        (1 << 50, "PiB"),
        (1 << 40, "TiB"),
        (1 << 30, "GiB"),
        (1 << 20, "MiB"),
        (1 << 10, "KiB"),
    ];
    let tenths = bytes.saturating_mul(10);
    for (size, unit) in units {
        if bytes > size {
            let v = tenths / size;
            return format!("{}.{} {unit}", v / 10, v % 10);
        }
    }
    format!("{}.{} B", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::scaled;

    /// The seed's own figures.
    #[test]
    fn scales_like_net_tools() {
        assert_eq!(scaled(253_487), "247.5 KiB");
        assert_eq!(scaled(881_973_732), "841.1 MiB");
        assert_eq!(scaled(61_070), "59.6 KiB");
        assert_eq!(scaled(0), "0.0 B");
        assert_eq!(scaled(1024), "1024.0 B");
    }
}
