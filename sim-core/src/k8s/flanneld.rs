//! flanneld, the classic flannel of seed 004 (flannel 0.7 with etcd's v2 API), with the
//! udp, vxlan and host-gw backends.
//!
//! What it does, in flannel's order (reference §6):
//! 1. Reads `PREFIX/config` (retrying every second while it is missing: "Failed to
//!    retrieve network config: 100: Key not found (/coreos.com/network) [N]").
//! 2. Acquires a subnet lease from `PREFIX/subnets`: the lease whose PublicIP is this node's
//!    ("Found lease (10.1.93.0/24) for current IP (10.181.13.57), reusing"), else the subnet
//!    of its previous `/run/flannel/subnet.env` if still free ("Found previously leased
//!    subnet (...), reusing"), else one picked at random among the first 100 free subnets
//!    between SubnetMin and SubnetMax, from flanneld's own seeded stream ("Allocated lease
//!    (...) to current node (...)"), created only if absent (a race with another node
//!    starts over). The lease is a key with a 24 h TTL, renewed 1 h before it expires.
//! 3. udp backend: opens the TUN device `flannel0` with the lease's first address and the
//!    whole network's prefix (seed 004: `inet 10.1.93.0 netmask 255.255.0.0`), MTU = eth0's
//!    − 28, and a UDP socket on 8285.
//! 4. Writes `/run/flannel/subnet.env`; systemd's `ExecStartPost=mk-docker-opts.sh -k
//!    DOCKER_NETWORK_OPTIONS -d /run/flannel/docker` writes docker's options, and
//!    docker.service (ordered after flanneld) starts.
//! 5. Watches `PREFIX/subnets` from the index it read, logging "Subnet added: X" and
//!    "Subnet removed: X" and keeping the subnet → PublicIP table the udp backend routes by.
//!
//! Data path (flannel's `proxy.c`): a packet the kernel routes to flannel0 is read by
//! flanneld; with no lease containing its destination it drops it (and, unless it is ICMP,
//! writes ICMP net unreachable from flannel0's own address back into flannel0, which the
//! kernel then drops as a martian source); otherwise it decrements the TTL (dropping at 0,
//! without an ICMP error, as proxy.c's TODO says) and sends the whole packet as the
//! payload of a UDP datagram to the peer's PublicIP:8285. The peer's flanneld decrements
//! the TTL again (udp_to_tun) and writes it into its flannel0, and its kernel routes it on
//! (to docker0). So a pod-to-pod ping across nodes shows ttl=60.
//!
//! vxlan (the reference's per-peer programming, as flannel has done it since 0.8): flanneld
//! makes `flannel.1` (VNI 1, port 8472, MTU eth0's − 50) before acquiring the lease, puts
//! its MAC in the lease's BackendData, gives it the lease's network address as a /32, and
//! for each peer adds `SUBNET via SUBNET.0 dev flannel.1 onlink`, a permanent neighbour
//! SUBNET.0 -> VtepMAC and an fdb entry VtepMAC -> PublicIP. The kernel does the rest
//! (`net::link::vxlan_xmit`); stopping flanneld leaves all of it in place.
//!
//! host-gw: for each peer, `SUBNET via PublicIP dev eth0`; the kernel refuses a gateway
//! that is not on a connected subnet, and flanneld logs the error.
//!
//! Log lines are flannel's messages without glog's `I1019 19:15:52.601384 30552 file:line]`
//! prefix. Simplifications: no `--iface`/`--public-ip` flags (eth0's address is used), no
//! reservations, no DirectRouting.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use rand::RngExt;

use crate::engine::{Actor, ActorId, CancelKey, Ctx, Dur, SimTime};
use crate::net::netfilter::TableKind;
use crate::net::netns::{DevKind, Device};
use crate::net::route::{Proto, Route, Scope};
use crate::net::{DevId, Msg, Net, NsId, control, neigh, stack};
use crate::trace::{DropReason, TraceEvent};
use crate::wire::etcd::{Request, Response};
use crate::wire::eth::Mac;
use crate::wire::{DEFAULT_TTL, Icmp, Ipv4Header, L4, Packet, Udp, UdpPayload, UnreachCode};

/// `subnetTTL`: a lease lives 24 h unless renewed.
pub const SUBNET_TTL: Dur = Dur::from_secs(24 * 3600);
/// `--subnet-lease-renew-margin`: renew this long before expiry.
pub const RENEW_MARGIN: Dur = Dur::from_secs(3600);
/// When a fresh lease is renewed: `SUBNET_TTL - RENEW_MARGIN`.
const RENEW_AFTER: Dur = Dur::from_secs(23 * 3600);
/// The udp backend's port.
pub const UDP_PORT: u16 = 8285;
/// What the udp backend's encapsulation costs: an IP and a UDP header.
pub const UDP_OVERHEAD: u32 = 28;
/// `--subnet-file`.
pub const SUBNET_ENV: &str = "/run/flannel/subnet.env";
/// How long flanneld waits for etcd before trying a request again.
const REQUEST_TIMEOUT: Dur = Dur::from_secs(5);

const T_RETRY: u64 = 1;
const T_RENEW: u64 = 2;
const T_TIMEOUT: u64 = 3;

/// The network config (`PREFIX/config`) with flannel's defaults filled in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetConfig {
    pub network: Ipv4Net,
    pub subnet_len: u8,
    pub subnet_min: Ipv4Addr,
    pub subnet_max: Ipv4Addr,
    pub backend: String,
}

impl NetConfig {
    /// Parses the config JSON as flannel's `ParseConfig` does, with its defaults: SubnetLen
    /// 24 for a /22 or wider network, else prefix + 2; SubnetMin the second subnet,
    /// SubnetMax the last; Backend `udp` when absent (the code's default).
    pub fn parse(json: &str) -> Result<NetConfig, String> {
        let v: serde_json::Value =
            serde_json::from_str(json).map_err(|e| format!("invalid character: {e}"))?;
        let network: Ipv4Net = v
            .get("Network")
            .and_then(|n| n.as_str())
            .ok_or("please define a correct Network parameter in the flannel config")?
            .parse()
            .map_err(|_| "please define a correct Network parameter in the flannel config")?;
        let network = network.trunc();
        if network.prefix_len() > 28 {
            return Err("Network is too small. Minimum useful network prefix is /28".into());
        }
        let subnet_len = match v.get("SubnetLen").and_then(|n| n.as_u64()) {
            Some(n) if n <= 32 => n as u8,
            Some(_) => return Err("SubnetLen must be less than /31".into()),
            None if network.prefix_len() <= 22 => 24,
            None => network.prefix_len() + 2,
        };
        if subnet_len > 30 || subnet_len <= network.prefix_len() {
            return Err("SubnetLen must be less than /31 and longer than Network's".into());
        }
        let step = 1u32 << (32 - subnet_len);
        let base = u32::from(network.network());
        let last = u32::from(network.broadcast()) & !(step - 1);
        let addr = |key: &str, default: u32| -> Result<Ipv4Addr, String> {
            match v.get(key).and_then(|n| n.as_str()) {
                Some(s) => s.parse().map_err(|_| format!("bad {key}: {s}")),
                None => Ok(Ipv4Addr::from(default)),
            }
        };
        // flannel's checks: SubnetMin and SubnetMax inside Network, on subnet boundaries.
        let in_network = |name: &str, a: Ipv4Addr| -> Result<Ipv4Addr, String> {
            if !network.contains(&a) {
                return Err(format!("{name} is not in the range of the Network"));
            }
            Ok(Ipv4Addr::from(u32::from(a) & !(step - 1)))
        };
        let backend = v
            .get("Backend")
            .and_then(|b| b.get("Type"))
            .and_then(|t| t.as_str())
            .unwrap_or("udp")
            .to_string();
        Ok(NetConfig {
            network,
            subnet_len,
            subnet_min: in_network("SubnetMin", addr("SubnetMin", base + step)?)?,
            subnet_max: in_network("SubnetMax", addr("SubnetMax", last)?)?,
            backend,
        })
    }
}

/// `10.1.93.0/24` <-> `10.1.93.0-24`, the lease key's last part.
pub fn key_of(subnet: Ipv4Net) -> String {
    format!("{}-{}", subnet.network(), subnet.prefix_len())
}

fn subnet_of(key: &str) -> Option<Ipv4Net> {
    let last = key.rsplit('/').next()?;
    let (ip, len) = last.split_once('-')?;
    Ipv4Net::new(ip.parse().ok()?, len.parse().ok()?).ok()
}

/// What flanneld knows of another node's lease.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Peer {
    pub ip: Ipv4Addr,
    pub backend: String,
    /// vxlan: the peer's flannel.1 MAC (`BackendData.VtepMAC`).
    pub vtep: Option<Mac>,
}

fn peer_of(value: &str) -> Option<Peer> {
    let v: serde_json::Value = serde_json::from_str(value).ok()?;
    let vtep = v
        .get("BackendData")
        .and_then(|d| d.get("VtepMAC"))
        .and_then(|m| m.as_str())
        .and_then(parse_mac);
    Some(Peer {
        ip: v.get("PublicIP")?.as_str()?.parse().ok()?,
        backend: v
            .get("BackendType")
            .and_then(|b| b.as_str())
            .unwrap_or("udp")
            .to_string(),
        vtep,
    })
}

fn parse_mac(s: &str) -> Option<Mac> {
    let mut out = [0u8; 6];
    let mut parts = s.split(':');
    for b in out.iter_mut() {
        *b = u8::from_str_radix(parts.next()?, 16).ok()?;
    }
    parts.next().is_none().then_some(Mac(out))
}

/// The vxlan backend's device, VNI and port (Linux's default VXLAN port, as flannel uses).
pub const VXLAN_DEV: &str = "flannel.1";
pub const VXLAN_VNI: u32 = 1;
pub const VXLAN_PORT: u16 = 8472;
/// What VXLAN costs: outer IP, UDP, VXLAN header and the inner Ethernet header.
pub const VXLAN_OVERHEAD: u32 = 50;

fn public_ip_of(value: &str) -> Option<Ipv4Addr> {
    let v: serde_json::Value = serde_json::from_str(value).ok()?;
    v.get("PublicIP")?.as_str()?.parse().ok()
}

/// What flanneld is waiting for from etcd.
#[derive(Clone, Debug)]
enum Wait {
    Config,
    Leases,
    /// Creating a lease picked at random.
    Allocate(Ipv4Net),
    /// Creating the lease of the previous subnet.env.
    Create(Ipv4Net),
    Reuse(Ipv4Net),
    Peers,
    Watch,
    Renew,
}

pub struct Flanneld {
    pub ns: NsId,
    pub prefix: String,
    /// `--ip-masq` (written to subnet.env as FLANNEL_IPMASQ).
    pub ip_masq: bool,
    /// The node's dockerd, started (if it waits for flannel) once the options are written.
    pub dockerd: Option<ActorId>,
    public_ip: Ipv4Addr,
    config: Option<NetConfig>,
    lease: Option<Ipv4Net>,
    expires: Option<SimTime>,
    /// Other nodes' leases.
    peers: BTreeMap<Ipv4Net, Peer>,
    /// vxlan: flannel.1 and its MAC (made when the config names vxlan).
    vtep: Option<(DevId, Mac)>,
    tun: Option<DevId>,
    /// The one request (other than the watch) waiting for an answer.
    wait: Option<(u64, Wait)>,
    /// The outstanding watch of the leases, which runs beside the other requests (flannel
    /// watches in its own goroutine while the lease renewer runs).
    watch_req: Option<u64>,
    timeout: Option<CancelKey>,
    next_id: u64,
    watch_from: u64,
}

impl Flanneld {
    pub fn new(ns: NsId, prefix: String, ip_masq: bool, dockerd: Option<ActorId>) -> Self {
        Flanneld {
            ns,
            prefix,
            ip_masq,
            dockerd,
            public_ip: Ipv4Addr::UNSPECIFIED,
            config: None,
            lease: None,
            expires: None,
            peers: BTreeMap::new(),
            vtep: None,
            tun: None,
            wait: None,
            watch_req: None,
            timeout: None,
            next_id: 0,
            watch_from: 0,
        }
    }

    fn log(&self, cx: &mut Ctx<'_, Net>, line: impl Into<String>) {
        let line = line.into();
        // Its journal line, in glog's form: `I1019 19:15:52.601384   30552 main.go:132] ...`.
        let t = crate::clock::datetime(cx.now());
        let pid = cx.world.procs.get(&cx.me()).map_or(0, |p| p.pid);
        let level = if line.starts_with("Failed") { 'E' } else { 'I' };
        let at = glog_location(&line)
            .map(|l| format!("{l}] "))
            .unwrap_or_default();
        let text = format!(
            "{level}{} {pid:>7} {at}{line}",
            t.format("%m%d %H:%M:%S%.6f")
        );
        crate::k8s::systemd::log(cx, self.ns, "flanneld", text);
        cx.trace(TraceEvent::Log { line });
    }

    /// Sends a request to etcd; `false` (and a log line) when etcd cannot be reached.
    fn request(&mut self, cx: &mut Ctx<'_, Net>, req: Request, wait: Wait) -> bool {
        self.next_id += 1;
        let (Some(etcd), Some(etcd_ns)) = (cx.lookup("etcd"), cx.world.etcd_ns) else {
            return false;
        };
        let msg = Msg::EtcdRequest {
            from: cx.me(),
            id: self.next_id,
            req: Box::new(req),
        };
        if !control::send(cx, self.ns, etcd_ns, etcd, msg) {
            return false;
        }
        if matches!(wait, Wait::Watch) {
            self.watch_req = Some(self.next_id);
        } else {
            self.timeout = Some(cx.schedule_cancellable(REQUEST_TIMEOUT, Msg::Timer(T_TIMEOUT)));
            self.wait = Some((self.next_id, wait));
        }
        true
    }

    fn get_config(&mut self, cx: &mut Ctx<'_, Net>) {
        let key = format!("{}/config", self.prefix);
        if !self.request(cx, Request::Get { key }, Wait::Config) {
            self.log(
                cx,
                "Failed to retrieve network config: client: etcd cluster is unavailable or misconfigured",
            );
            cx.schedule(Dur::from_secs(1), Msg::Timer(T_RETRY));
        }
    }

    fn get_leases(&mut self, cx: &mut Ctx<'_, Net>, wait: Wait) {
        let key = format!("{}/subnets", self.prefix);
        if !self.request(cx, Request::GetAll { key }, wait) {
            self.log(
                cx,
                "Failed to list leases: client: etcd cluster is unavailable or misconfigured",
            );
            cx.schedule(Dur::from_secs(1), Msg::Timer(T_RETRY));
        }
    }

    fn backend(&self) -> &str {
        self.config.as_ref().map_or("udp", |c| c.backend.as_str())
    }

    /// The lease's value: `{"PublicIP":"...","BackendType":"vxlan","BackendData":{"VtepMAC":"..."}}`
    /// (seed 000's shape), without BackendData for udp and host-gw.
    fn attrs(&self) -> String {
        let data = match self.vtep {
            Some((_, mac)) if self.backend() == "vxlan" => {
                format!(",\"BackendData\":{{\"VtepMAC\":\"{mac}\"}}")
            }
            _ => String::new(),
        };
        format!(
            "{{\"PublicIP\":\"{}\",\"BackendType\":\"{}\"{data}}}",
            self.public_ip,
            self.backend()
        )
    }

    /// vxlan: makes flannel.1 (VNI 1, port 8472, local = this node's address, no learning)
    /// before the lease is acquired, as flannel's RegisterNetwork does, or reuses the one
    /// a previous flanneld left. Its MAC is drawn from flanneld's stream.
    fn make_vtep(&mut self, cx: &mut Ctx<'_, Net>) {
        let existing = cx.world.ns(self.ns).dev_by_name(VXLAN_DEV);
        let (dev, mac) = match existing {
            Some(dev) => (dev, cx.world.ns(self.ns).dev(dev).mac),
            None => {
                let mut mac = [0u8; 6];
                cx.rng().fill(&mut mac);
                mac[0] = (mac[0] & 0xfe) | 0x02;
                let mtu = cx
                    .world
                    .ns(self.ns)
                    .dev(DevId(1))
                    .mtu
                    .saturating_sub(VXLAN_OVERHEAD)
                    .max(68);
                let kind = DevKind::Vxlan {
                    vni: VXLAN_VNI,
                    port: VXLAN_PORT,
                    local: self.public_ip,
                };
                let dev = cx.world.ns_mut(self.ns).add_device(Device::new(
                    VXLAN_DEV,
                    kind,
                    Mac(mac),
                    mtu,
                ));
                (dev, Mac(mac))
            }
        };
        self.vtep = Some((dev, mac));
    }

    /// A peer's lease appeared or changed: program the backend for it.
    fn add_peer(&mut self, cx: &mut Ctx<'_, Net>, subnet: Ipv4Net, peer: Peer) {
        if self.peers.get(&subnet) == Some(&peer) {
            return;
        }
        if peer.backend != self.backend() {
            self.log(
                cx,
                format!(
                    "Ignoring non-{} subnet({subnet}): type={}",
                    self.backend(),
                    peer.backend
                ),
            );
            return;
        }
        self.log(cx, format!("Subnet added: {subnet}"));
        let netns = cx.world.ns_mut(self.ns);
        match peer.backend.as_str() {
            "vxlan" => {
                if let (Some((dev, _)), Some(vtep)) = (self.vtep, peer.vtep) {
                    // `ip route replace SUBNET via SUBNET.0 dev flannel.1 onlink`, the
                    // neighbour SUBNET.0 -> VtepMAC and the fdb VtepMAC -> PublicIP.
                    netns.routes.add(Route {
                        dst: subnet,
                        via: Some(subnet.network()),
                        dev,
                        proto: Proto::Boot,
                        scope: Scope::Global,
                        src: None,
                        metric: 0,
                        onlink: true,
                    });
                    netns.vxlan_fdb.insert((dev, vtep), peer.ip);
                    neigh::set_permanent(cx, self.ns, dev, subnet.network(), vtep);
                }
            }
            "host-gw" => {
                // `ip route add SUBNET via PublicIP dev eth0`: the kernel refuses a gateway
                // that is not on a connected subnet.
                let on_link = netns
                    .routes
                    .lookup(peer.ip)
                    .is_some_and(|r| r.via.is_none() && r.dev == DevId(1));
                if on_link {
                    netns.routes.add(Route {
                        dst: subnet,
                        via: Some(peer.ip),
                        dev: DevId(1),
                        proto: Proto::Boot,
                        scope: Scope::Global,
                        src: None,
                        metric: 0,
                        onlink: false,
                    });
                } else {
                    self.log(
                        cx,
                        format!(
                            "Error adding route to {subnet} via {}: network is unreachable (host-gw needs every node on one L2 segment: {} is not on eth0's subnet)",
                            peer.ip, peer.ip
                        ),
                    );
                }
            }
            _ => {}
        }
        self.peers.insert(subnet, peer);
    }

    fn remove_peer(&mut self, cx: &mut Ctx<'_, Net>, subnet: Ipv4Net) {
        let Some(peer) = self.peers.remove(&subnet) else {
            return;
        };
        self.log(cx, format!("Subnet removed: {subnet}"));
        let netns = cx.world.ns_mut(self.ns);
        match peer.backend.as_str() {
            "vxlan" => {
                if let (Some((dev, _)), Some(vtep)) = (self.vtep, peer.vtep) {
                    netns.routes.remove(subnet, 0);
                    netns.vxlan_fdb.remove(&(dev, vtep));
                    netns.neigh.remove(&(dev, subnet.network()));
                }
            }
            "host-gw" => {
                netns.routes.remove(subnet, 0);
            }
            _ => {}
        }
    }

    fn write_lease(&mut self, cx: &mut Ctx<'_, Net>, subnet: Ipv4Net, create: bool, wait: Wait) {
        let req = Request::Set {
            key: format!("{}/subnets/{}", self.prefix, key_of(subnet)),
            value: self.attrs(),
            ttl: Some(SUBNET_TTL.as_nanos() / 1_000_000_000),
            create_only: create,
        };
        if !self.request(cx, req, wait) {
            self.log(
                cx,
                "Failed to acquire lease: client: etcd cluster is unavailable or misconfigured",
            );
            cx.schedule(Dur::from_secs(1), Msg::Timer(T_RETRY));
        }
    }

    /// flannel's tryAcquireLease on the current leases.
    fn acquire(&mut self, cx: &mut Ctx<'_, Net>, leases: Vec<(Ipv4Net, Ipv4Addr)>) {
        let cfg = self.config.clone().expect("config read first");
        if let Some((subnet, _)) = leases
            .iter()
            .find(|(s, ip)| *ip == self.public_ip && cfg.network.contains(s))
        {
            let subnet = *subnet;
            self.log(
                cx,
                format!(
                    "Found lease ({subnet}) for current IP ({}), reusing",
                    self.public_ip
                ),
            );
            return self.write_lease(cx, subnet, false, Wait::Reuse(subnet));
        }
        let previous = cx
            .world
            .ns(self.ns)
            .files
            .get(SUBNET_ENV)
            .and_then(|t| t.lines().find_map(|l| l.strip_prefix("FLANNEL_SUBNET=")))
            .and_then(|s| s.parse::<Ipv4Net>().ok())
            .map(|s| s.trunc());
        if let Some(prev) = previous
            && prev.prefix_len() == cfg.subnet_len
            && cfg.network.contains(&prev)
            && !leases.iter().any(|(s, _)| s.contains(&prev.network()))
        {
            self.log(
                cx,
                format!("Found previously leased subnet ({prev}), reusing"),
            );
            return self.write_lease(cx, prev, true, Wait::Create(prev));
        }
        self.log(
            cx,
            format!(
                "Picking subnet in range {} ... {}",
                cfg.subnet_min, cfg.subnet_max
            ),
        );
        let step = 1u32 << (32 - cfg.subnet_len);
        let mut bag = Vec::new();
        let mut at = u32::from(cfg.subnet_min);
        while at <= u32::from(cfg.subnet_max) && bag.len() < 100 {
            let sn = Ipv4Net::new(Ipv4Addr::from(at), cfg.subnet_len).expect("valid");
            if !leases
                .iter()
                .any(|(s, _)| s.contains(&sn.network()) || sn.contains(&s.network()))
            {
                bag.push(sn);
            }
            match at.checked_add(step) {
                Some(next) => at = next,
                None => break,
            }
        }
        if bag.is_empty() {
            self.log(cx, "Failed to acquire lease: out of subnets");
            cx.schedule(Dur::from_secs(1), Msg::Timer(T_RETRY));
            return;
        }
        let pick = bag[cx.rng().random_range(0..bag.len())];
        self.write_lease(cx, pick, true, Wait::Allocate(pick));
    }

    /// The lease is ours: bring up the backend, write the files, start docker, watch.
    fn acquired(&mut self, cx: &mut Ctx<'_, Net>, subnet: Ipv4Net) {
        self.lease = Some(subnet);
        self.expires = Some(cx.now() + SUBNET_TTL);
        self.log(cx, format!("Lease acquired: {subnet}"));
        cx.schedule(RENEW_AFTER, Msg::Timer(T_RENEW));
        let cfg = self.config.clone().expect("config read first");
        let me = cx.me();
        let netns = cx.world.ns_mut(self.ns);
        let ext_mtu = netns.dev(DevId(1)).mtu;
        // Linux refuses an MTU below 68; flannel's device would stay at that floor.
        let mtu = match cfg.backend.as_str() {
            "vxlan" => ext_mtu.saturating_sub(VXLAN_OVERHEAD),
            "host-gw" => ext_mtu,
            _ => ext_mtu.saturating_sub(UDP_OVERHEAD),
        }
        .max(68);
        if let Some((dev, _)) = self.vtep {
            // flannel.1 gets the lease's network address as a /32 (no connected route).
            let addr = Ipv4Net::new(subnet.network(), 32).expect("valid");
            if !netns.dev(dev).addrs.contains(&addr) {
                netns.add_addr(dev, addr);
            }
        }
        if self.tun.is_none() && cfg.backend == "udp" {
            let tun = netns.add_device(Device::new(
                "flannel0",
                DevKind::Tun { reader: me },
                Mac::ZERO,
                mtu,
            ));
            let addr = Ipv4Net::new(subnet.network(), cfg.network.prefix_len()).expect("valid");
            netns.add_addr(tun, addr);
            netns.udp_sockets.insert(UDP_PORT, me);
            self.tun = Some(tun);
        }
        let first = Ipv4Addr::from(u32::from(subnet.network()) + 1);
        // -ip-masq: setupIPMasq (flannel 0.10's MasqRules), before the subnet file.
        let mut added = Vec::new();
        if self.ip_masq {
            // AppendUnique: a restarted flanneld finds its rules in place.
            let saved = netns.netfilter.nat.save();
            for rule in masq_rules(cfg.network, subnet) {
                if saved
                    .lines()
                    .any(|l| l.strip_prefix("-A POSTROUTING ") == Some(&rule))
                {
                    continue;
                }
                netns
                    .netfilter
                    .append(TableKind::Nat, "POSTROUTING", &rule)
                    .expect("flannel's masquerade rules parse");
                added.push(rule);
            }
        }
        netns.files.insert(
            SUBNET_ENV.into(),
            format!(
                "FLANNEL_NETWORK={}\nFLANNEL_SUBNET={first}/{}\nFLANNEL_MTU={mtu}\nFLANNEL_IPMASQ={}\n",
                cfg.network,
                subnet.prefix_len(),
                self.ip_masq
            ),
        );
        // mk-docker-opts.sh -k DOCKER_NETWORK_OPTIONS -d /run/flannel/docker (the unit's
        // ExecStartPost): docker masquerades unless flannel does.
        let env = netns.files[SUBNET_ENV].clone();
        netns.files.insert(
            crate::k8s::docker::FLANNEL_DOCKER_ENV.into(),
            docker_opts(&env, "DOCKER_NETWORK_OPTIONS", true, true, true),
        );
        for rule in added {
            self.log(cx, format!("Adding iptables rule: {rule}"));
        }
        if let Some(dockerd) = self.dockerd {
            cx.send(dockerd, Msg::Start);
        }
        self.log(cx, "Watching for new subnet leases");
        // Ready (flanneld.service is Type=notify): systemd logs the unit started.
        crate::k8s::systemd::started(cx, self.ns, "flanneld");
        self.get_leases(cx, Wait::Peers);
    }

    fn peers_from(&mut self, cx: &mut Ctx<'_, Net>, leases: Vec<(Ipv4Net, Peer)>) {
        for (subnet, peer) in leases {
            if Some(subnet) != self.lease {
                self.add_peer(cx, subnet, peer);
            }
        }
        self.watch(cx);
    }

    fn watch(&mut self, cx: &mut Ctx<'_, Net>) {
        let req = Request::Watch {
            key: format!("{}/subnets", self.prefix),
            recursive: true,
            after: Some(self.watch_from),
        };
        if !self.request(cx, req, Wait::Watch) {
            self.log(cx, "Watch of subnet leases failed: client: etcd cluster is unavailable or misconfigured");
            cx.schedule(Dur::from_secs(1), Msg::Timer(T_RETRY));
        }
    }

    fn response(&mut self, cx: &mut Ctx<'_, Net>, id: u64, resp: Response) {
        let wait = if self.watch_req == Some(id) {
            self.watch_req = None;
            Wait::Watch
        } else {
            match self.wait.clone() {
                Some((want, wait)) if want == id => {
                    self.wait = None;
                    if let Some(t) = self.timeout.take() {
                        cx.cancel(t);
                    }
                    wait
                }
                // An answer to a request already given up on.
                _ => return,
            }
        };
        match (wait, resp) {
            (Wait::Config, Response::Value { value, .. }) => match NetConfig::parse(&value) {
                Ok(cfg) if ["udp", "vxlan", "host-gw"].contains(&cfg.backend.as_str()) => {
                    let vxlan = cfg.backend == "vxlan";
                    self.config = Some(cfg);
                    if vxlan {
                        self.make_vtep(cx);
                    }
                    self.get_leases(cx, Wait::Leases);
                }
                Ok(cfg) => self.log(
                    cx,
                    format!(
                        "Error: backend type \"{}\" is not simulated (udp, vxlan and host-gw are); flanneld stops here",
                        cfg.backend
                    ),
                ),
                Err(e) => {
                    self.log(cx, format!("Couldn't fetch network config: {e}"));
                    cx.schedule(Dur::from_secs(1), Msg::Timer(T_RETRY));
                }
            },
            (Wait::Config, Response::Error { code, message, cause, index }) => {
                self.log(
                    cx,
                    format!("Failed to retrieve network config: {code}: {message} ({cause}) [{index}]"),
                );
                cx.schedule(Dur::from_secs(1), Msg::Timer(T_RETRY));
            }
            (wait @ (Wait::Leases | Wait::Peers), resp) => {
                let (index, values) = match resp {
                    Response::Values { index, values } => (index, values),
                    // No subnets directory yet: no leases.
                    Response::Error { index, .. } => (index, Vec::new()),
                    _ => (0, Vec::new()),
                };
                self.watch_from = index + 1;
                match wait {
                    Wait::Leases => {
                        let leases = values
                            .iter()
                            .filter_map(|(k, v, _)| Some((subnet_of(k)?, public_ip_of(v)?)))
                            .collect();
                        self.acquire(cx, leases)
                    }
                    _ => {
                        let leases = values
                            .iter()
                            .filter_map(|(k, v, _)| Some((subnet_of(k)?, peer_of(v)?)))
                            .collect();
                        self.peers_from(cx, leases)
                    }
                }
            }
            (Wait::Allocate(subnet), Response::Value { .. }) => {
                self.log(
                    cx,
                    format!(
                        "Allocated lease ({subnet}) to current node ({})",
                        self.public_ip
                    ),
                );
                self.acquired(cx, subnet)
            }
            (Wait::Create(subnet) | Wait::Reuse(subnet), Response::Value { .. }) => {
                self.acquired(cx, subnet)
            }
            (
                Wait::Allocate(_) | Wait::Create(_) | Wait::Reuse(_),
                Response::Error { code, .. },
            ) => {
                // 105: another node took it first; start over from the leases.
                self.log(cx, format!("Failed to acquire lease: etcd error {code}, trying again"));
                self.get_leases(cx, Wait::Leases);
            }
            (Wait::Renew, Response::Value { .. }) => {
                self.expires = Some(cx.now() + SUBNET_TTL);
                self.log(
                    cx,
                    format!(
                        "Lease renewed, new expiration: {} (simulated time)",
                        cx.now() + SUBNET_TTL
                    ),
                );
                cx.schedule(RENEW_AFTER, Msg::Timer(T_RENEW));
            }
            (Wait::Renew, Response::Error { code, message, .. }) => {
                self.log(cx, format!("Error renewing lease (trying again in 1 min): {code}: {message}"));
                cx.schedule(Dur::from_secs(60), Msg::Timer(T_RENEW));
            }
            (Wait::Watch, Response::Event { action, key, value, index, .. }) => {
                self.watch_from = index + 1;
                if let Some(subnet) = subnet_of(&key)
                    && Some(subnet) != self.lease
                {
                    match action.as_str() {
                        "set" | "create" | "update" | "compareAndSwap" => {
                            if let Some(peer) = value.as_deref().and_then(peer_of) {
                                self.add_peer(cx, subnet, peer);
                            }
                        }
                        _ => self.remove_peer(cx, subnet),
                    }
                }
                self.watch(cx);
            }
            (Wait::Watch, Response::Error { .. }) => {
                // History cleared: read everything again, as flannel's watch does.
                self.get_leases(cx, Wait::Peers);
            }
            (wait, _) => {
                // Not the answer this step needs (the config key is a directory, say):
                // try the step again in a second, as flannel's loops do.
                match wait {
                    Wait::Config => {
                        self.log(
                            cx,
                            format!(
                                "Couldn't fetch network config: {}/config is not a value",
                                self.prefix
                            ),
                        );
                    }
                    _ => self.log(cx, "Unexpected response from etcd; trying again in 1 second"),
                }
                cx.schedule(Dur::from_secs(1), Msg::Timer(T_RETRY));
            }
        }
    }

    /// proxy.c's tun_to_udp: route by lease, decrement TTL, send to the peer.
    fn tun_to_udp(&mut self, cx: &mut Ctx<'_, Net>, mut inner: Packet) {
        let (Some(cfg), Some(tun)) = (self.config.as_ref(), self.tun) else {
            return;
        };
        let sn = Ipv4Net::new(inner.ip.dst, cfg.subnet_len)
            .expect("valid")
            .trunc();
        let peer = self.peers.get(&sn).map(|p| p.ip);
        let Some(peer) = peer else {
            let reason = DropReason::NoLease {
                dst: inner.ip.dst,
                network: cfg.network.to_string(),
                node: cx.world.ns(self.ns).name.clone(),
            };
            cx.trace(TraceEvent::Dropped {
                packet: inner.id,
                reason,
            });
            // proxy.c's send_net_unreachable: never about ICMP ("RFC 792 instructs not to
            // send ICMPs about ICMPs"), only about a first fragment; from flannel0's own
            // address, written back into flannel0.
            if !matches!(inner.l4, L4::Icmp(_)) && !inner.is_later_fragment() {
                let id = cx.world.packet_id();
                let ident = cx.world.ns_mut(self.ns).ip_ident();
                let src = cx
                    .world
                    .ns(self.ns)
                    .primary_addr(tun)
                    .unwrap_or(inner.ip.dst);
                let error = Packet {
                    id,
                    parent: Some(inner.id),
                    ip: Ipv4Header {
                        src,
                        dst: inner.ip.src,
                        ttl: DEFAULT_TTL,
                        ident,
                        df: false,
                    },
                    l4: L4::Icmp(Icmp::DestUnreachable {
                        code: UnreachCode::Net,
                        quoted: Box::new(inner.quote()),
                    }),
                    frag: None,
                    mark: 0,
                    ct: None,
                    cost_ns: 0,
                };
                stack::tun_write(cx, self.ns, tun, error);
            }
            return;
        };
        if !self.decrement_ttl(cx, &mut inner) {
            return;
        }
        let id = cx.world.packet_id();
        let ident = cx.world.ns_mut(self.ns).ip_ident();
        let inner_id = inner.id;
        let mut outer = Packet {
            id,
            parent: Some(inner_id),
            ip: Ipv4Header {
                src: self.public_ip,
                dst: peer,
                ttl: DEFAULT_TTL,
                ident,
                df: false,
            },
            l4: L4::Udp(Udp {
                sport: UDP_PORT,
                dport: UDP_PORT,
                payload: UdpPayload::Flannel {
                    inner: Box::new(inner),
                },
            }),
            frag: None,
            mark: 0,
            ct: None,
            cost_ns: 0,
        };
        // A UDP socket's default path MTU discovery ("want"): DF when it fits.
        outer.ip.df = stack::path_mtu(cx, self.ns, peer).is_some_and(|m| outer.len() <= m);
        cx.trace(TraceEvent::Encap {
            inner: inner_id,
            outer: id,
            how: format!("for {sn} via {peer}:{UDP_PORT} (flannel udp)"),
        });
        if stack::output(cx, self.ns, outer).is_err() {
            let node = cx.world.ns(self.ns).name.clone();
            cx.trace(TraceEvent::Dropped {
                packet: id,
                reason: DropReason::NoRoute { dst: peer, node },
            });
        }
    }

    /// proxy.c's udp_to_tun: the payload goes into flannel0 as it is.
    fn udp_to_tun(&mut self, cx: &mut Ctx<'_, Net>, outer: Packet) {
        let (
            L4::Udp(Udp {
                payload: UdpPayload::Flannel { mut inner },
                ..
            }),
            Some(tun),
        ) = (outer.l4, self.tun)
        else {
            return;
        };
        if !self.decrement_ttl(cx, &mut inner) {
            return;
        }
        cx.trace(TraceEvent::Decap {
            outer: outer.id,
            inner: inner.id,
            dev: "flannel0".into(),
        });
        stack::tun_write(cx, self.ns, tun, *inner);
    }
}

impl Flanneld {
    /// proxy.c's decrement_ttl: false (and the drop traced) when the TTL reaches 0; no
    /// ICMP time exceeded is sent ("TODO: send back ICMP Time Exceeded").
    fn decrement_ttl(&self, cx: &mut Ctx<'_, Net>, p: &mut Packet) -> bool {
        if p.ip.ttl <= 1 {
            let node = cx.world.ns(self.ns).name.clone();
            cx.trace(TraceEvent::Dropped {
                packet: p.id,
                reason: DropReason::TtlExceeded { node },
            });
            return false;
        }
        p.ip.ttl -= 1;
        true
    }
}

/// What flannel's `mk-docker-opts.sh` writes from a subnet file's text: the individual
/// `DOCKER_OPT_BIP`, `DOCKER_OPT_IPMASQ` (`--ip-masq=false` when flannel masquerades itself,
/// else `true`; left out with `-m`, `ipmasq` false) and `DOCKER_OPT_MTU` lines, then the
/// combined `KEY=" --bip=... --ip-masq=... --mtu=..."` line.
pub fn docker_opts(
    subnet_env: &str,
    key: &str,
    individual: bool,
    combined: bool,
    ipmasq: bool,
) -> String {
    let var = |name: &str| {
        subnet_env
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix('='))
            .map(|v| v.trim_matches('"').to_string())
    };
    let bip = var("FLANNEL_SUBNET")
        .map(|s| format!("--bip={s}"))
        .unwrap_or_default();
    let mtu = var("FLANNEL_MTU")
        .map(|m| format!("--mtu={m}"))
        .unwrap_or_default();
    let masq = match (ipmasq, var("FLANNEL_IPMASQ").as_deref()) {
        (true, Some("true")) => "--ip-masq=false",
        (true, Some("false")) => "--ip-masq=true",
        _ => "",
    };
    let mut out = String::new();
    if individual {
        out += &format!("DOCKER_OPT_BIP=\"{bip}\"\n");
        if ipmasq {
            out += &format!("DOCKER_OPT_IPMASQ=\"{masq}\"\n");
        }
        out += &format!("DOCKER_OPT_MTU=\"{mtu}\"\n");
    }
    if combined {
        let opts: String = [bip.as_str(), masq, mtu.as_str()]
            .iter()
            .filter(|o| !o.is_empty())
            .map(|o| format!(" {o}"))
            .collect();
        out += &format!("{key}=\"{opts}\"\n");
    }
    out
}

/// Where flannel 0.7 logs a message from (glog's `file:line`), for the messages seed 004's
/// journal shows; the others are printed without one.
fn glog_location(line: &str) -> Option<&'static str> {
    const AT: &[(&str, &str)] = &[
        ("Installing signal handlers", "main.go:132"),
        (
            "Determining IP address of default interface",
            "manager.go:136",
        ),
        ("Using interface with name", "manager.go:149"),
        ("Defaulting external address", "manager.go:166"),
        ("Found lease", "local_manager.go:134"),
        ("Lease acquired", "manager.go:250"),
        ("Watching for new subnet leases", "network.go:98"),
        ("Subnet added", "network.go:191"),
    ];
    AT.iter()
        .find(|(p, _)| line.starts_with(p))
        .map(|(_, at)| *at)
}

impl Actor<Net> for Flanneld {
    fn handle(&mut self, msg: Msg, cx: &mut Ctx<'_, Net>) {
        match msg {
            Msg::Start => {
                let netns = cx.world.ns(self.ns);
                self.public_ip = netns
                    .primary_addr(DevId(1))
                    .unwrap_or(Ipv4Addr::UNSPECIFIED);
                let ip = self.public_ip;
                self.log(cx, "Installing signal handlers");
                self.log(cx, "Determining IP address of default interface");
                self.log(
                    cx,
                    format!("Using interface with name eth0 and address {ip}"),
                );
                self.log(
                    cx,
                    format!("Defaulting external address to interface address ({ip})"),
                );
                self.get_config(cx);
            }
            Msg::Timer(T_RETRY) => {
                if self.config.is_none() {
                    self.get_config(cx);
                } else if self.lease.is_none() {
                    self.get_leases(cx, Wait::Leases);
                } else {
                    self.get_leases(cx, Wait::Peers);
                }
            }
            Msg::Timer(T_TIMEOUT) => {
                self.timeout = None;
                let Some((_, wait)) = self.wait.take() else {
                    return;
                };
                self.log(cx, "etcd did not answer in time; trying again");
                match wait {
                    Wait::Config => self.get_config(cx),
                    Wait::Renew => self.renew(cx),
                    Wait::Peers | Wait::Watch => self.get_leases(cx, Wait::Peers),
                    _ => self.get_leases(cx, Wait::Leases),
                }
            }
            Msg::Timer(T_RENEW) => self.renew(cx),
            Msg::Stop => {
                // SIGTERM: flannel logs and exits. The TUN device closes, so the kernel
                // removes flannel0 and its routes; the lease stays in etcd until its TTL.
                self.log(cx, "Exiting...");
                if let Some(t) = self.timeout.take() {
                    cx.cancel(t);
                }
                let me = cx.me();
                let netns = cx.world.ns_mut(self.ns);
                if let Some(tun) = self.tun.take() {
                    netns.remove_device(tun);
                }
                netns.udp_sockets.retain(|_, owner| *owner != me);
                if let Some(p) = cx.world.procs.get_mut(&me) {
                    p.exit = Some(0);
                }
                crate::k8s::systemd::stopped(cx, self.ns, "flanneld");
                cx.trace(TraceEvent::Exit { code: 0 });
                cx.exit();
            }
            Msg::Timer(_) => {}
            Msg::EtcdResponse { id, resp } => self.response(cx, id, *resp),
            Msg::TunRead { packet, .. } => self.tun_to_udp(cx, *packet),
            Msg::Udp { packet } => self.udp_to_tun(cx, *packet),
            Msg::Icmp { .. } => {} // errors about its datagrams: flannel ignores them
            _ => unreachable!("flanneld gets etcd answers, timers and packets"),
        }
    }
}

impl Flanneld {
    fn renew(&mut self, cx: &mut Ctx<'_, Net>) {
        let Some(subnet) = self.lease else { return };
        if self.wait.is_some() {
            // Another request is out; renew after it.
            cx.schedule(Dur::from_secs(1), Msg::Timer(T_RENEW));
            return;
        }
        self.write_lease(cx, subnet, false, Wait::Renew);
    }
}

/// flanneld `-ip-masq`'s rules in nat POSTROUTING (flannel 0.10, `network/iptables.go`):
/// nothing within the overlay is NATed; pods going anywhere else (but multicast) are
/// masqueraded; traffic from outside to this node's pods keeps its source; the host going
/// to the overlay is masqueraded.
fn masq_rules(network: Ipv4Net, lease: Ipv4Net) -> [String; 4] {
    let n = network.trunc();
    let sn = lease.trunc();
    [
        format!("-s {n} -d {n} -j RETURN"),
        format!("-s {n} ! -d 224.0.0.0/4 -j MASQUERADE"),
        format!("! -s {n} -d {sn} -j RETURN"),
        format!("! -s {n} -d {n} -j MASQUERADE"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// -ip-masq's four rules, in flannel's order, and each one parses as iptables would.
    #[test]
    fn masquerade_rules_follow_flannel() {
        let rules = masq_rules(
            "10.244.0.0/16".parse().unwrap(),
            "10.244.89.0/24".parse().unwrap(),
        );
        assert_eq!(rules[0], "-s 10.244.0.0/16 -d 10.244.0.0/16 -j RETURN");
        assert_eq!(rules[1], "-s 10.244.0.0/16 ! -d 224.0.0.0/4 -j MASQUERADE");
        assert_eq!(rules[2], "! -s 10.244.0.0/16 -d 10.244.89.0/24 -j RETURN");
        assert_eq!(
            rules[3],
            "! -s 10.244.0.0/16 -d 10.244.0.0/16 -j MASQUERADE"
        );
        let mut nf = crate::net::netfilter::Netfilter::default();
        for r in &rules {
            nf.append(TableKind::Nat, "POSTROUTING", r).unwrap();
        }
        assert_eq!(nf.nat.save().matches("-A POSTROUTING").count(), 4);
    }

    /// config.go's defaults, on the reference's own example.
    #[test]
    fn config_defaults_follow_flannel() {
        let c = NetConfig::parse(r#"{"Network":"10.3.0.0/16"}"#).unwrap();
        assert_eq!(c.subnet_len, 24);
        assert_eq!(c.subnet_min, Ipv4Addr::new(10, 3, 1, 0));
        assert_eq!(c.subnet_max, Ipv4Addr::new(10, 3, 255, 0));
        assert_eq!(c.backend, "udp");
        let c =
            NetConfig::parse(r#"{"Network":"10.3.0.0/24","Backend":{"Type":"vxlan"}}"#).unwrap();
        assert_eq!((c.subnet_len, c.backend.as_str()), (26, "vxlan"));
        assert!(NetConfig::parse(r#"{"Network":"10.3.0.0/29"}"#).is_err());
        // flannel's range checks, and SubnetMin rounded down to a subnet boundary.
        assert!(NetConfig::parse(r#"{"Network":"10.3.0.0/16","SubnetLen":280}"#).is_err());
        assert!(NetConfig::parse(r#"{"Network":"10.3.0.0/16","SubnetMin":"10.9.0.0"}"#).is_err());
        let c = NetConfig::parse(r#"{"Network":"10.3.0.0/16","SubnetMin":"10.3.1.5"}"#).unwrap();
        assert_eq!(c.subnet_min, Ipv4Addr::new(10, 3, 1, 0));
        assert_eq!(key_of("10.1.93.0/24".parse().unwrap()), "10.1.93.0-24");
        assert_eq!(
            subnet_of("/coreos.com/network/subnets/10.1.93.0-24"),
            Some("10.1.93.0/24".parse().unwrap())
        );
    }
}
