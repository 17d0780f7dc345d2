//! A network namespace: devices with addresses, a routing table, sockets.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use super::link::FdbEntry;
use super::neigh::Neigh;
use super::route::{Proto, Route, Scope, Table};
use super::{DevId, VertexId};
use crate::engine::{ActorId, CancelKey};
use crate::wire::Packet;
use crate::wire::eth::Mac;

/// What identifies a datagram's fragments (RFC 791): source, destination, ident, protocol.
pub type FragKey = (Ipv4Addr, Ipv4Addr, u16, u8);

#[derive(Clone, Debug)]
pub struct Device {
    pub name: String,
    pub kind: DevKind,
    pub mac: Mac,
    pub mtu: u32,
    pub up: bool,
    /// The bridge this device is a port of (`master docker0`).
    pub master: Option<DevId>,
    /// Set when the device is added (`Netns::add_device` keeps the local table in step).
    pub addrs: Vec<Ipv4Net>,
    /// Whether its addresses carry a broadcast address (docker 1.13 sets docker0's without
    /// one: ifconfig shows `broadcast 0.0.0.0`).
    pub brd: bool,
    /// Traffic counters, as ifconfig shows them.
    pub stats: DevStats,
    /// The device is gone (its slot is kept so other ids stay valid); tools skip it.
    pub removed: bool,
}

/// RX/TX counters of a device: packets and bytes (Ethernet header included on Ethernet
/// devices, as the kernel counts them).
#[derive(Clone, Copy, Debug, Default)]
pub struct DevStats {
    pub rx_packets: u64,
    pub rx_bytes: u64,
    pub tx_packets: u64,
    pub tx_bytes: u64,
}

impl Device {
    /// A device with no addresses, up, no master, counters at zero.
    pub fn new(name: impl Into<String>, kind: DevKind, mac: Mac, mtu: u32) -> Self {
        Device {
            name: name.into(),
            kind,
            mac,
            mtu,
            up: true,
            master: None,
            addrs: Vec::new(),
            brd: true,
            stats: DevStats::default(),
            removed: false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DevKind {
    Loopback,
    /// An Ethernet device attached to the underlay at a fabric vertex.
    Ether {
        vertex: VertexId,
    },
    /// One end of a veth pair; the other end is `peer_dev` in namespace `peer_ns`.
    Veth {
        peer_ns: super::NsId,
        peer_dev: DevId,
    },
    /// A Linux bridge; its ports are the devices whose `master` it is.
    Bridge,
    /// A TUN device (flannel0): point-to-point, no ARP, no Ethernet header. What the kernel
    /// sends on it is read by the process that holds it open (`reader`); what that process
    /// writes arrives as if received on the device.
    Tun {
        reader: ActorId,
    },
    /// A VXLAN device (flannel.1): Ethernet frames sent on it are wrapped in UDP to the
    /// remote that its forwarding database gives for the destination MAC; UDP to `port`
    /// arriving at this machine is unwrapped and received on it.
    Vxlan {
        vni: u32,
        port: u16,
        local: Ipv4Addr,
    },
    /// A dummy device (kube-proxy's `kube-ipvs0`): holds addresses, left DOWN, NOARP; it
    /// never carries a packet.
    Dummy,
}

impl DevKind {
    /// Whether the device speaks Ethernet (resolves neighbours with ARP).
    pub fn is_ethernet(self) -> bool {
        !matches!(
            self,
            DevKind::Loopback | DevKind::Tun { .. } | DevKind::Dummy
        )
    }
}

pub struct Netns {
    /// The machine's name (`why-02`, or a pod's name).
    pub name: String,
    /// How actors and the CLI name it: `node/why-02` or `pod/redis-master`.
    pub label: String,
    /// The actor that runs this namespace's receive path.
    pub kernel: ActorId,
    pub devices: Vec<Device>,
    pub routes: Table,
    /// `net.ipv4.ip_forward`.
    pub ip_forward: bool,
    /// The kernel's local table: every address of every device (127.0.0.0/8 is local by
    /// its own rule). A lookup per packet, not a scan of the devices.
    local: BTreeSet<Ipv4Addr>,
    /// The neighbour (ARP) table, by device and address.
    pub neigh: BTreeMap<(DevId, Ipv4Addr), Neigh>,
    /// Bridges' learned forwarding databases, by bridge and MAC.
    pub fdb: BTreeMap<(DevId, Mac), FdbEntry>,
    /// VXLAN devices' forwarding databases: (device, MAC) -> remote VTEP address
    /// (`bridge fdb append MAC dev flannel.1 dst 10.181.5.146`).
    pub vxlan_fdb: BTreeMap<(DevId, Mac), Ipv4Addr>,
    /// VXLAN devices by UDP port: the kernel's VXLAN sockets (a lookup per datagram, as
    /// Linux's socket hash, not a scan of the devices).
    pub vxlan_ports: BTreeMap<u16, DevId>,
    /// iptables' tables and conntrack.
    pub netfilter: super::netfilter::Netfilter,
    /// IPVS virtual services.
    pub ipvs: super::ipvs::Ipvs,
    /// Fragments waiting for the rest of their datagram, with the reassembly timer.
    pub frags: BTreeMap<FragKey, (Vec<Packet>, CancelKey)>,
    /// ICMP sockets by echo identifier (ping's).
    pub icmp_sockets: BTreeMap<u16, ActorId>,
    /// UDP sockets by local port (bound to every address).
    pub udp_sockets: BTreeMap<u16, ActorId>,
    /// TCP listeners and connections.
    pub tcp: super::tcp::Tcp,
    /// The container image a pod runs (`busybox`: its tools are busybox's), if any.
    pub image: Option<String>,
    /// A pod's container environment (what `printenv` shows besides PATH, HOSTNAME, HOME).
    pub env: Vec<(String, String)>,
    /// Files the simulated programs write and read (`/run/flannel/subnet.env`), by path.
    pub files: BTreeMap<String, String>,
    /// `/proc/sys` values components set, by path under `/proc/sys`
    /// (`net/ipv4/vs/conntrack`); `ip_forward` is its own field.
    pub sysctl: BTreeMap<&'static str, &'static str>,
    /// Next IPv4 Identification value for packets this kernel originates.
    pub next_ip_ident: u16,
    pub next_pid: u32,
    /// Files whose contents are bytes, not text (`tcpdump -w`'s pcap files), by path;
    /// a path is in at most one of `files` and this.
    pub binary_files: BTreeMap<String, Vec<u8>>,
    /// Packet capture taps on this namespace's devices (`capture`); empty unless a
    /// capture runs here.
    pub taps: Vec<super::capture::Tap>,
}

impl Netns {
    /// A namespace with only `lo` (127.0.0.1/8), as `ip netns add` or a fresh node gives.
    pub fn new(name: impl Into<String>, kernel: ActorId, first_ip_ident: u16) -> Self {
        let name = name.into();
        let mut ns = Netns {
            label: format!("node/{name}"),
            name,
            kernel,
            devices: Vec::new(),
            routes: Table::default(),
            ip_forward: false,
            local: BTreeSet::new(),
            neigh: BTreeMap::new(),
            fdb: BTreeMap::new(),
            vxlan_fdb: BTreeMap::new(),
            vxlan_ports: BTreeMap::new(),
            netfilter: Default::default(),
            ipvs: Default::default(),
            frags: BTreeMap::new(),
            icmp_sockets: BTreeMap::new(),
            udp_sockets: BTreeMap::new(),
            tcp: Default::default(),
            files: BTreeMap::new(),
            sysctl: BTreeMap::new(),
            image: None,
            env: Vec::new(),
            next_ip_ident: first_ip_ident,
            next_pid: 2000,
            binary_files: BTreeMap::new(),
            taps: Vec::new(),
        };
        ns.add_device(Device {
            addrs: vec![Ipv4Net::new(Ipv4Addr::LOCALHOST, 8).expect("valid")],
            ..Device::new("lo", DevKind::Loopback, Mac::ZERO, 65536)
        });
        ns
    }

    /// Adds a device and the connected routes of its addresses (as the kernel does when an
    /// address is added to an up device; loopback's go to the local table, not shown).
    /// A removed device's slot is reused, keeping ifindexes of the others stable.
    pub fn add_device(&mut self, dev: Device) -> DevId {
        let id = DevId(self.devices.len() as u16);
        if let DevKind::Vxlan { port, .. } = dev.kind {
            self.vxlan_ports.insert(port, id);
        }
        if dev.kind != DevKind::Loopback {
            for addr in &dev.addrs {
                self.add_connected_route(id, *addr);
            }
        }
        self.local.extend(dev.addrs.iter().map(|a| a.addr()));
        self.devices.push(dev);
        id
    }

    /// The device attached to the underlay, and where (a machine's eth0).
    /// A pod's sandbox namespace (only `lo` until docker plugs in eth0): named by the pod,
    /// labelled `pod/NAME`, pids from 2 (1 is the pause process), running `image`.
    pub fn pod(name: &str, kernel: ActorId, first_ip_ident: u16, image: Option<String>) -> Self {
        let mut ns = Netns::new(name, kernel, first_ip_ident);
        ns.label = format!("pod/{name}");
        ns.next_pid = 2; // pid 1 is the sandbox's pause process
        ns.image = image;
        ns
    }

    /// The address of the machine's eth0 on the underlay (its node IP), if it has one.
    pub fn underlay_addr(&self) -> Option<std::net::Ipv4Addr> {
        self.underlay_port().and_then(|(d, _)| self.primary_addr(d))
    }

    pub fn underlay_port(&self) -> Option<(DevId, VertexId)> {
        self.devices
            .iter()
            .enumerate()
            .find_map(|(i, d)| match d.kind {
                DevKind::Ether { vertex } => Some((DevId(i as u16), vertex)),
                _ => None,
            })
    }

    /// Removes a device as the kernel does when its last user closes it (a TUN device
    /// when flanneld exits, a veth when docker removes a container): its addresses and
    /// every route through it go. A bridge port leaves its bridge first, and the bridge
    /// forgets every MAC it learned on it (`br_del_if` -> `br_fdb_delete_by_port`); a
    /// removed bridge frees its ports and its whole fdb; a VXLAN device's fdb goes with it.
    /// The slot stays, marked down and renamed out of the way, so other devices keep their
    /// ids. Every path that removes a device (docker's stop and KillSandbox, flanneld,
    /// kube-proxy) goes through here.
    pub fn remove_device(&mut self, id: DevId) {
        self.vxlan_ports.retain(|_, d| *d != id);
        self.vxlan_fdb.retain(|(d, _), _| *d != id);
        if self.dev_mut(id).master.take().is_some() {
            self.fdb.retain(|_, e| e.port != id);
        }
        if self.dev(id).kind == DevKind::Bridge {
            self.fdb.retain(|(b, _), _| *b != id);
            for d in &mut self.devices {
                if d.master == Some(id) {
                    d.master = None;
                }
            }
        }
        let dev = &mut self.devices[id.0 as usize];
        for a in dev.addrs.drain(..) {
            self.local.remove(&a.addr());
        }
        dev.up = false;
        dev.removed = true;
        self.routes.remove_dev(id);
    }

    /// The kernel's route for an address's subnet (`proto kernel scope link src ADDR`).
    fn add_connected_route(&mut self, id: DevId, addr: Ipv4Net) {
        if addr.prefix_len() < 32 {
            self.routes.add(Route {
                dst: addr.trunc(),
                via: None,
                dev: id,
                proto: Proto::Kernel,
                scope: Scope::Link,
                src: Some(addr.addr()),
                metric: 0,
                onlink: false,
            });
        }
    }

    /// Removes an address from a device, with its connected route (`ip addr del`).
    pub fn remove_addr(&mut self, id: DevId, addr: Ipv4Net) {
        self.dev_mut(id).addrs.retain(|a| *a != addr);
        self.local.remove(&addr.addr());
        if addr.prefix_len() < 32 {
            self.routes.remove(addr.trunc(), 0);
        }
    }

    /// Adds an address to a device, with its connected route (`ip addr add`).
    pub fn add_addr(&mut self, id: DevId, addr: Ipv4Net) {
        self.add_connected_route(id, addr);
        self.local.insert(addr.addr());
        self.dev_mut(id).addrs.push(addr);
    }

    pub fn dev(&self, id: DevId) -> &Device {
        &self.devices[id.0 as usize]
    }

    pub fn dev_mut(&mut self, id: DevId) -> &mut Device {
        &mut self.devices[id.0 as usize]
    }

    /// The ports of a bridge, in ifindex order.
    pub fn ports(&self, bridge: DevId) -> impl Iterator<Item = DevId> + '_ {
        self.devices
            .iter()
            .enumerate()
            .filter(move |(_, d)| d.master == Some(bridge))
            .map(|(i, _)| DevId(i as u16))
    }

    pub fn dev_by_name(&self, name: &str) -> Option<DevId> {
        self.devices
            .iter()
            .position(|d| d.name == name && !d.removed)
            .map(|i| DevId(i as u16))
    }

    /// Whether `addr` is one of this namespace's own (the kernel's local table: every
    /// address of every device, and all of 127.0.0.0/8).
    pub fn is_local(&self, addr: Ipv4Addr) -> bool {
        addr.is_loopback() || self.local.contains(&addr)
    }

    /// The primary address of a device, used as the source of packets it sends.
    pub fn primary_addr(&self, dev: DevId) -> Option<Ipv4Addr> {
        self.dev(dev).addrs.first().map(|a| a.addr())
    }

    /// The next IPv4 Identification value.
    pub fn ip_ident(&mut self) -> u16 {
        let id = self.next_ip_ident;
        self.next_ip_ident = self.next_ip_ident.wrapping_add(1);
        id
    }

    pub fn alloc_pid(&mut self) -> u32 {
        let pid = self.next_pid;
        self.next_pid += 1;
        pid
    }
}
