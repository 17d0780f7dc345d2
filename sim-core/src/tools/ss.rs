//! `ss -nlpt` (iproute2's ss as CentOS 7 ships it): the TCP sockets listening in this
//! namespace, with the process that holds each (seed 004: kube-proxy holding a NodePort).
//!
//! The layout is ss 3.10's with an 80-column screen, as seed 004 shows it piped into grep:
//! State 10 wide, Recv-Q and Send-Q 6, then each address right-aligned in 7 and its port
//! left-aligned in 18 (a longer address pushes the rest of the line right, as printf
//! does). A listener's Send-Q is its backlog, 128 (`net.core.somaxconn`); Recv-Q the
//! connections waiting to be accepted, 0 here. Go programs (kube-proxy) listen on the
//! dual-stack `::`; the others on `*` (0.0.0.0). File descriptors are numbered from 3 in
//! the order of the process's sockets (kube-proxy's from 7: its first ones are its
//! connections to the apiserver): the shape of the real numbers, not their values.

use std::fmt::Write as _;

use crate::net::NsId;
use crate::net::World;

/// One line: state, queues, local and peer address:port.
fn row(state: &str, rq: &str, sq: &str, la: &str, lp: &str, pa: &str, pp: &str) -> String {
    format!("{state:<10} {rq:<6} {sq:<6} {la:>7}:{lp:<18} {pa:>7}:{pp:<18}")
}

/// The header line.
fn header() -> String {
    row(
        "State",
        "Recv-Q",
        "Send-Q",
        "Local Address",
        "Port",
        "Peer Address",
        "Port",
    )
    .trim_end()
    .to_string()
}

/// `ss [-t] [-l] [-n] [-p] [-a]`, flags in any order or combined (`-nlpt`, `-tlnp`).
pub fn ss(world: &World, ns: NsId, args: &[String]) -> (String, String, i32) {
    let mut procs = false;
    for a in args {
        let Some(flags) = a
            .strip_prefix('-')
            .filter(|f| !f.is_empty() && !f.starts_with('-'))
        else {
            return (
                String::new(),
                format!(
                    "ss: `{a}` is not simulated; the simulator's ss lists TCP listeners: ss -nlpt\n"
                ),
                1,
            );
        };
        for f in flags.chars() {
            match f {
                'p' => procs = true,
                't' | 'l' | 'n' | 'a' => {}
                other => {
                    return (
                        String::new(),
                        format!("ss: option -{other} is not simulated (-t, -l, -n, -p, -a are)\n"),
                        1,
                    );
                }
            }
        }
    }
    let mut out = header() + "\n";
    // fd numbers: per process, in port order.
    let mut next_fd: std::collections::BTreeMap<crate::engine::ActorId, u32> = Default::default();
    for (port, owner) in &world.ns(ns).tcp.listen {
        let p = world.procs.get(owner);
        let name = p
            .and_then(|p| p.cmd.split_whitespace().next())
            .map(|w| w.rsplit('/').next().unwrap_or(w).to_string())
            .unwrap_or_else(|| "?".into());
        let go = name == "kube-proxy";
        let (addr, peer) = if go { ("::", "::") } else { ("*", "*") };
        let mut line = row("LISTEN", "0", "128", addr, &port.to_string(), peer, "*");
        if procs && let Some(p) = p {
            let fd = next_fd.entry(*owner).or_insert(if go { 7 } else { 3 });
            let _ = write!(line, "  users:((\"{name}\",pid={},fd={fd}))", p.pid);
            *fd += 1;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    (out, String::new(), 0)
}

#[cfg(test)]
mod tests {
    use super::{header, row};

    /// Seed 004's line, column for column, and the header of the same layout.
    #[test]
    fn a_listener_as_seed_004_shows_it() {
        let line = row("LISTEN", "0", "128", "::", "30001", "::", "*")
            + "  users:((\"kube-proxy\",pid=12959,fd=8))";
        assert_eq!(
            line,
            "LISTEN     0      128         :::30001                   :::*                   users:((\"kube-proxy\",pid=12959,fd=8))"
        );
        assert_eq!(
            header(),
            "State      Recv-Q Send-Q Local Address:Port               Peer Address:Port"
        );
    }
}
