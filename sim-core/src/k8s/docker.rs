//! The docker daemon on a node (`node/NAME/dockerd`): docker0 and pod sandboxes.
//!
//! At start dockerd makes docker0, a Linux bridge with `--bip`'s address (no broadcast
//! address, as docker 1.13 sets it), turns `ip_forward` on, and with `--ip-masq` adds
//! `-t nat -A POSTROUTING -s SUBNET ! -o docker0 -j MASQUERADE`. Then it makes the
//! sandboxes of the pods placed on its node, in order: each is a namespace (made empty
//! when the scenario was built, so its kernel actor exists from the start) that gets
//! `eth0`, one end of a veth pair whose other end `vethXXXXXXX` is a port of docker0.
//! Addresses are handed out in order from the first address of docker0's subnet, skipping
//! docker0's own (reference §7: the first container gets .2).
//!
//! With flannel (`EnvironmentFile=-/run/flannel/docker` in docker.service, as the flannel
//! package installs it, and `After=flanneld.service`), dockerd starts only when flanneld
//! is ready, and takes `--bip`, `--mtu` and `--ip-masq` from the `DOCKER_NETWORK_OPTIONS`
//! line that flannel's `mk-docker-opts.sh` wrote (seed 004: `--bip=10.1.93.1/24
//! --ip-masq=true --mtu=1472`).

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use crate::engine::{Actor, Ctx};
use crate::net::nat::Masquerade;
use crate::net::route::{Proto, Route, Scope};
use crate::net::{DevId, DevKind, Device, Msg, Net, NsId};
use crate::trace::TraceEvent;
use crate::wire::eth::Mac;

/// Where flannel's systemd drop-in points docker (`mk-docker-opts.sh -d`).
pub const FLANNEL_DOCKER_ENV: &str = "/run/flannel/docker";

/// dockerd's bridge options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// `--bip`: docker0's address and prefix.
    pub bip: Ipv4Net,
    /// `--mtu`: the containers' MTU.
    pub mtu: u32,
    /// `--ip-masq`.
    pub ip_masq: bool,
}

impl Options {
    /// The options as they appear on dockerd's command line.
    pub fn args(&self) -> String {
        format!(
            "--bip={} --ip-masq={} --mtu={}",
            self.bip, self.ip_masq, self.mtu
        )
    }

    /// Reads `--bip`, `--ip-masq` and `--mtu` from an environment file's
    /// `DOCKER_NETWORK_OPTIONS="..."` line; options it does not name keep `self`'s.
    pub fn from_env_file(&self, text: &str) -> Options {
        let mut out = self.clone();
        let line = text
            .lines()
            .find_map(|l| l.strip_prefix("DOCKER_NETWORK_OPTIONS="))
            .unwrap_or("")
            .trim_matches('"');
        for word in line.split_whitespace() {
            if let Some(v) = word.strip_prefix("--bip=")
                && let Ok(bip) = v.parse()
            {
                out.bip = bip;
            } else if let Some(v) = word.strip_prefix("--mtu=")
                && let Ok(mtu) = v.parse()
            {
                out.mtu = mtu;
            } else if let Some(v) = word.strip_prefix("--ip-masq=") {
                out.ip_masq = v == "true";
            }
        }
        out
    }
}

/// A pod sandbox to make: its namespace, and the host end's name and MAC (drawn when the
/// scenario was built, from the stream `pod/NAME/veth`).
#[derive(Clone, Debug)]
pub struct Sandbox {
    pub ns: NsId,
    pub veth: String,
    pub host_mac: Mac,
    /// The container's command, started once the sandbox has its network.
    pub command: Option<String>,
}

pub struct Dockerd {
    pub ns: NsId,
    /// The options from the scenario (flannel's file overrides them).
    pub options: Options,
    /// Whether docker.service reads flannel's options and starts after flanneld.
    pub flannel: bool,
    /// docker0's MAC (02:42 + 4 bytes drawn from the stream `node/NAME/docker0`).
    pub mac: Mac,
    pub sandboxes: Vec<Sandbox>,
    pub started: bool,
}

impl Actor<Net> for Dockerd {
    fn handle(&mut self, msg: Msg, cx: &mut Ctx<'_, Net>) {
        match msg {
            Msg::Start if !self.started => {
                self.started = true;
                self.start(cx);
            }
            Msg::Start => {}
            _ => unreachable!("dockerd gets its start only"),
        }
    }
}

impl Dockerd {
    fn start(&mut self, cx: &mut Ctx<'_, Net>) {
        let mut opts = self.options.clone();
        if self.flannel {
            match cx.world.ns(self.ns).files.get(FLANNEL_DOCKER_ENV) {
                Some(text) => opts = opts.from_env_file(text),
                None => cx.trace(TraceEvent::Log {
                    line: format!(
                        "{FLANNEL_DOCKER_ENV} does not exist (flanneld never wrote it): starting with the scenario's options"
                    ),
                }),
            }
        }
        let cmd = format!("/usr/bin/dockerd-current {}", opts.args());
        cx.trace(TraceEvent::Log {
            line: format!("starting: {cmd}"),
        });
        let pid = cx.world.ns_mut(self.ns).alloc_pid();
        let me = cx.me();
        let started_secs = cx.now().as_nanos() / 1_000_000_000;
        cx.world.procs.insert(
            me,
            crate::net::Proc {
                ns: Some(self.ns),
                pid,
                daemon: true,
                started_secs,
                cmd,
                ..Default::default()
            },
        );
        let netns = cx.world.ns_mut(self.ns);
        netns.ip_forward = true;
        let docker0 = netns.add_device(Device {
            addrs: vec![opts.bip],
            brd: false,
            ..Device::new("docker0", DevKind::Bridge, self.mac, 1500)
        });
        if opts.ip_masq {
            netns.masquerade.push(Masquerade {
                src: opts.bip.trunc(),
                not_out: docker0,
            });
        }
        let net = opts.bip.trunc();
        let mut next = u32::from(net.network()) + 1;
        for sb in self.sandboxes.clone() {
            if next == u32::from(opts.bip.addr()) {
                next += 1;
            }
            let pod = cx.world.ns(sb.ns).label.clone();
            if next >= u32::from(net.broadcast()) {
                cx.trace(TraceEvent::Log {
                    line: format!(
                        "cannot make the sandbox of {pod}: no available IPv4 addresses on this network's address pools: bridge ({net})"
                    ),
                });
                continue;
            }
            let addr = Ipv4Net::new(Ipv4Addr::from(next), net.prefix_len()).expect("valid");
            next += 1;
            make_sandbox(cx, self.ns, docker0, &sb, addr, &opts);
            cx.trace(TraceEvent::Log {
                line: format!("sandbox of {pod}: eth0 {addr} via {}", sb.veth),
            });
            if let Some(cmd) = &sb.command {
                crate::tools::spawn(cx, sb.ns, cmd);
            }
        }
    }
}

/// Gives a pod's namespace its eth0 (MAC 02:42 + the address's 4 bytes, as docker derives
/// it; MTU `--mtu`; default route via docker0's address) and plugs the host end into
/// docker0. A bridge takes the smallest MTU of its ports.
fn make_sandbox(
    cx: &mut Ctx<'_, Net>,
    node_ns: NsId,
    docker0: DevId,
    sb: &Sandbox,
    addr: Ipv4Net,
    opts: &Options,
) {
    let host_dev = DevId(cx.world.ns(node_ns).devices.len() as u16);
    let pod = cx.world.ns_mut(sb.ns);
    let o = addr.addr().octets();
    let eth0 = pod.add_device(Device {
        addrs: vec![addr],
        ..Device::new(
            "eth0",
            DevKind::Veth {
                peer_ns: node_ns,
                peer_dev: host_dev,
            },
            Mac([0x02, 0x42, o[0], o[1], o[2], o[3]]),
            opts.mtu,
        )
    });
    pod.routes.add(Route {
        dst: Ipv4Net::default(),
        via: Some(opts.bip.addr()),
        dev: eth0,
        proto: Proto::Boot,
        scope: Scope::Global,
        src: None,
        metric: 0,
        onlink: false,
    });
    let node = cx.world.ns_mut(node_ns);
    let added = node.add_device(Device {
        master: Some(docker0),
        ..Device::new(
            sb.veth.clone(),
            DevKind::Veth {
                peer_ns: sb.ns,
                peer_dev: eth0,
            },
            sb.host_mac,
            opts.mtu,
        )
    });
    debug_assert_eq!(added, host_dev);
    let min = node.ports(docker0).map(|p| node.dev(p).mtu).min();
    if let Some(min) = min {
        node.dev_mut(docker0).mtu = min;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// mk-docker-opts.sh's `-k DOCKER_NETWORK_OPTIONS` line, as seed 004's dockerd got it.
    #[test]
    fn reads_flannels_docker_options() {
        let base = Options {
            bip: "172.17.0.1/16".parse().unwrap(),
            mtu: 1500,
            ip_masq: true,
        };
        let got = base.from_env_file(
            "DOCKER_OPT_BIP=\"--bip=10.1.93.1/24\"\nDOCKER_NETWORK_OPTIONS=\" --bip=10.1.93.1/24 --ip-masq=true --mtu=1472\"\n",
        );
        assert_eq!(got.args(), "--bip=10.1.93.1/24 --ip-masq=true --mtu=1472");
    }
}
