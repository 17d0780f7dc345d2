//! kube-proxy's userspace mode (reference §2.2, the default before v1.2): kube-proxy itself
//! carries every connection.
//!
//! - Each TCP service port gets a *proxy port*: kube-proxy listens on a random local port.
//! - nat rules send traffic for the ClusterIP there: `KUBE-PORTALS-CONTAINER` (from
//!   PREROUTING: `-j REDIRECT --to-ports PROXYPORT`) and `KUBE-PORTALS-HOST` (from OUTPUT:
//!   `-j DNAT --to-destination NODEIP:PROXYPORT`, as REDIRECT does not work for locally
//!   generated traffic); NodePorts likewise through `KUBE-NODEPORT-CONTAINER`/`-HOST`.
//! - For each accepted connection kube-proxy picks an endpoint round robin and dials it,
//!   with the timeouts 250 ms, 500 ms, 1 s, 2 s, moving to the next endpoint after each
//!   failure; then it copies messages both ways. The backend sees the node's address,
//!   not the client's.
//! - No endpoints: the connection is accepted and then closed ("Failed to connect to
//!   balancer"): the client sees a connect followed by EOF, not "connection refused".
//!
//! Each message kube-proxy copies costs it `RELAY_COST` (20 µs, modelled) before the
//! copy leaves, in each direction: the price of carrying the bytes in user space.
//!
//! - Session affinity (`sessionAffinity: ClientIP`, the load balancer's `affinityPolicy`
//!   in roundrobin.go): a client address's first connection takes the round robin's
//!   next endpoint, and its later ones the same endpoint while it comes back within the
//!   timeout (1.5's fixed 180 minutes); a retry after a failed or timed-out dial resets it
//!   to the round robin (`sessionAffinityReset`).
//!
//! Not simulated: UDP service ports.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::Ipv4Addr;

use rand::RngExt;

use crate::engine::{CancelKey, Ctx, Dur, SimTime};
use crate::k8s::api::{Endpoints, Meta, Service};
use crate::net::tcp::{self, SockKey, TcpEvent};
use crate::net::{Msg, Net, NsId};
use crate::trace::TraceEvent;

/// `EndpointDialTimeouts`.
const DIAL_TIMEOUTS: [Dur; 4] = [
    Dur::from_millis(250),
    Dur::from_millis(500),
    Dur::from_secs(1),
    Dur::from_secs(2),
];

/// What kube-proxy spends copying one message from one socket to the other: a read, a
/// write and the wakeup between them in user space. A modelled order of magnitude (the
/// reference gives no figure), paid by every message in each direction, on top of the
/// rules the packets walk.
pub const RELAY_COST: Dur = Dur::from_micros(20);

/// Timer tokens for dials start here (kube-proxy's own timers are small numbers).
pub const DIAL_TOKEN_BASE: u64 = 1 << 32;

/// A service port as a sync wants it: ClusterIP, port, NodePort, endpoints, affinity
/// timeout.
type Wanted = (
    Ipv4Addr,
    u16,
    Option<u16>,
    Vec<(Ipv4Addr, u16)>,
    Option<u32>,
);

struct Portal {
    name: String,
    cluster_ip: Ipv4Addr,
    port: u16,
    node_port: Option<u16>,
    proxy_port: u16,
    endpoints: Vec<(Ipv4Addr, u16)>,
    next: usize,
    /// Session affinity's timeout in seconds, if the Service asks for ClientIP.
    affinity: Option<u32>,
    /// Per client address: the endpoint it was last given, and when (`affinityMap`).
    clients: BTreeMap<Ipv4Addr, ((Ipv4Addr, u16), SimTime)>,
}

/// A client connection and its backend dial.
struct Conn {
    portal: u16,
    backend: Option<SockKey>,
    attempt: usize,
    timer: Option<CancelKey>,
    /// Messages from the client before the backend answered.
    queued: Vec<crate::wire::tcp::Message>,
}

#[derive(Default)]
pub struct Userspace {
    /// By proxy port.
    portals: BTreeMap<u16, Portal>,
    /// Client connections, by the accepted socket.
    conns: BTreeMap<SockKey, Conn>,
    /// Backend socket -> client socket.
    backends: BTreeMap<SockKey, SockKey>,
    /// Dial timer token -> client socket.
    dials: BTreeMap<u64, SockKey>,
    next_token: u64,
}

/// One service port's portal as the rules name it.
pub struct PortalRule<'a> {
    pub name: &'a str,
    pub cluster_ip: Ipv4Addr,
    pub port: u16,
    pub node_port: Option<u16>,
    pub proxy_port: u16,
}

/// The nat table's userspace-mode chains (`iptables-restore` text): per portal a
/// KUBE-PORTALS-CONTAINER REDIRECT and a KUBE-PORTALS-HOST DNAT to the node, and the same
/// for a NodePort in KUBE-NODEPORT-CONTAINER/-HOST.
pub fn rules<'a>(portals: impl Iterator<Item = PortalRule<'a>>, node_ip: Ipv4Addr) -> String {
    let mut r = String::from(
        "*nat\n:KUBE-PORTALS-CONTAINER - [0:0]\n:KUBE-PORTALS-HOST - [0:0]\n:KUBE-NODEPORT-CONTAINER - [0:0]\n:KUBE-NODEPORT-HOST - [0:0]\n",
    );
    for p in portals {
        let m = format!(
            "-m comment --comment {} -p tcp -m tcp --dport {} -d {}/32",
            p.name, p.port, p.cluster_ip
        );
        let _ = writeln!(
            r,
            "-A KUBE-PORTALS-CONTAINER {m} -j REDIRECT --to-ports {}",
            p.proxy_port
        );
        let _ = writeln!(
            r,
            "-A KUBE-PORTALS-HOST {m} -j DNAT --to-destination {node_ip}:{}",
            p.proxy_port
        );
        if let Some(np) = p.node_port {
            let n = format!("-m comment --comment {} -p tcp -m tcp --dport {np}", p.name);
            let _ = writeln!(
                r,
                "-A KUBE-NODEPORT-CONTAINER {n} -j REDIRECT --to-ports {}",
                p.proxy_port
            );
            let _ = writeln!(
                r,
                "-A KUBE-NODEPORT-HOST {n} -j DNAT --to-destination {node_ip}:{}",
                p.proxy_port
            );
        }
    }
    r += "COMMIT\n";
    r
}

/// The jumps userspace mode puts in the built-in chains: the portals at the head of
/// PREROUTING and OUTPUT, the NodePort chains at their end.
pub fn insert_jumps(nf: &mut crate::net::netfilter::Netfilter) {
    use crate::net::netfilter::TableKind;
    let head =
        "-m comment --comment \"handle ClusterIPs; NOTE: this must be before the NodePort rules\"";
    let tail = "-m addrtype --dst-type LOCAL -m comment --comment \"handle service NodePorts; NOTE: this must be the last rule in the chain\"";
    let jumps = [
        (
            true,
            "PREROUTING",
            format!("{head} -j KUBE-PORTALS-CONTAINER"),
        ),
        (true, "OUTPUT", format!("{head} -j KUBE-PORTALS-HOST")),
        (
            false,
            "PREROUTING",
            format!("{tail} -j KUBE-NODEPORT-CONTAINER"),
        ),
        (false, "OUTPUT", format!("{tail} -j KUBE-NODEPORT-HOST")),
    ];
    for (insert, chain, rule) in jumps {
        let r = if insert {
            nf.insert(TableKind::Nat, chain, &rule)
        } else {
            nf.append(TableKind::Nat, chain, &rule)
        };
        r.expect("kube-proxy's rules parse");
    }
}

/// kube-proxy copies messages onto socket `to`: each costs it `RELAY_COST` first.
fn relay(cx: &mut Ctx<'_, Net>, ns: NsId, to: SockKey, msgs: Vec<crate::wire::tcp::Message>) {
    let cost = Dur::from_nanos(RELAY_COST.as_nanos() * msgs.len() as u64);
    tcp::busy(cx, ns, to, cost);
    tcp::send(cx, ns, to, msgs);
}

fn log(cx: &mut Ctx<'_, Net>, line: String) {
    cx.trace(TraceEvent::Log { line });
}

impl Userspace {
    /// Brings the portals to the Services: new proxy ports opened, gone ones closed,
    /// endpoints refreshed. Returns the nat rules to restore.
    pub fn sync(
        &mut self,
        cx: &mut Ctx<'_, Net>,
        ns: NsId,
        services: &[(&Meta, &Service, Option<&Endpoints>)],
        node_ip: Ipv4Addr,
    ) -> String {
        let mut want: BTreeMap<String, Wanted> = BTreeMap::new();
        for (meta, svc, eps) in services {
            let Some(cip) = svc.cluster_ip else { continue };
            for p in svc.ports.iter().filter(|p| p.protocol() == "TCP") {
                let name = format!("{}/{}:{}", meta.namespace, meta.name, p.name);
                let target = eps.and_then(|e| {
                    e.ports
                        .iter()
                        .find(|ep| ep.name == p.name)
                        .map(|ep| ep.port)
                });
                let endpoints = eps
                    .map(|e| {
                        e.addresses
                            .iter()
                            .filter_map(|a| target.map(|t| (a.ip, t)))
                            .collect()
                    })
                    .unwrap_or_default();
                want.insert(
                    name,
                    (
                        cip,
                        p.port,
                        p.node_port.map(|n| n as u16),
                        endpoints,
                        svc.affinity,
                    ),
                );
            }
        }
        // Close the portals of Services that went.
        let gone: Vec<u16> = self
            .portals
            .iter()
            .filter(|(_, p)| !want.contains_key(&p.name))
            .map(|(port, _)| *port)
            .collect();
        for port in gone {
            let p = self.portals.remove(&port).expect("listed");
            cx.world.ns_mut(ns).tcp.listen.remove(&port);
            log(cx, format!("Closing proxy for {} on port {port}", p.name));
        }
        for (name, (cip, port, node_port, endpoints, affinity)) in want {
            let existing = self.portals.values_mut().find(|p| p.name == name);
            match existing {
                Some(p) => {
                    p.cluster_ip = cip;
                    p.port = port;
                    p.node_port = node_port;
                    // removeSessionAffinityByEndpoint: clients of a gone endpoint
                    // are balanced anew.
                    p.clients.retain(|_, (ep, _)| endpoints.contains(ep));
                    if affinity.is_none() {
                        p.clients.clear();
                    }
                    p.endpoints = endpoints;
                    p.affinity = affinity;
                }
                None => {
                    // A random free port of the ephemeral range, as binding to port 0 gives.
                    let start: u16 = cx.rng().random_range(32768..61000);
                    let listen = &cx.world.ns(ns).tcp.listen;
                    let Some(proxy_port) = (0..28232u16)
                        .map(|k| 32768 + (start - 32768 + k) % 28232)
                        .find(|p| !listen.contains_key(p))
                    else {
                        log(
                            cx,
                            format!("Failed to open a proxy port for {name}: no free port"),
                        );
                        continue;
                    };
                    let me = cx.me();
                    tcp::listen(cx, ns, proxy_port, me);
                    log(cx, format!("Opened proxy for {name} on port {proxy_port}"));
                    self.portals.insert(
                        proxy_port,
                        Portal {
                            name,
                            cluster_ip: cip,
                            port,
                            node_port,
                            proxy_port,
                            endpoints,
                            next: 0,
                            affinity,
                            clients: BTreeMap::new(),
                        },
                    );
                }
            }
        }
        rules(
            self.portals.values().map(|p| PortalRule {
                name: &p.name,
                cluster_ip: p.cluster_ip,
                port: p.port,
                node_port: p.node_port,
                proxy_port: p.proxy_port,
            }),
            node_ip,
        )
    }

    /// A TCP event for one of kube-proxy's sockets.
    pub fn tcp(&mut self, cx: &mut Ctx<'_, Net>, ns: NsId, ev: TcpEvent) {
        match ev {
            TcpEvent::Accepted { key } => {
                if !self.portals.contains_key(&key.1) {
                    return;
                }
                self.conns.insert(
                    key,
                    Conn {
                        portal: key.1,
                        backend: None,
                        attempt: 0,
                        timer: None,
                        queued: Vec::new(),
                    },
                );
                self.dial(cx, ns, key);
            }
            TcpEvent::Connected { key } => {
                let Some(client) = self.backends.get(&key).copied() else {
                    return;
                };
                let Some(c) = self.conns.get_mut(&client) else {
                    return;
                };
                if let Some(t) = c.timer.take() {
                    cx.cancel(t);
                }
                let queued = std::mem::take(&mut c.queued);
                if !queued.is_empty() {
                    relay(cx, ns, key, queued);
                }
            }
            TcpEvent::Failed { key, err } => {
                let Some(client) = self.backends.remove(&key) else {
                    return;
                };
                if let Some(c) = self.conns.get_mut(&client) {
                    if let Some(t) = c.timer.take() {
                        cx.cancel(t);
                    }
                    c.backend = None;
                    log(
                        cx,
                        format!(
                            "Dial to {}:{} failed: {err}; trying the next endpoint",
                            key.2, key.3
                        ),
                    );
                    self.dial(cx, ns, client);
                }
            }
            TcpEvent::Data { key, msgs } => {
                if let Some(client) = self.backends.get(&key).copied() {
                    relay(cx, ns, client, msgs);
                } else if let Some(c) = self.conns.get_mut(&key) {
                    let connected = c.backend.is_some_and(|b| {
                        cx.world
                            .ns(ns)
                            .tcp
                            .socks
                            .get(&b)
                            .is_some_and(|s| s.state == tcp::State::Established)
                    });
                    match (c.backend, connected) {
                        (Some(b), true) => relay(cx, ns, b, msgs),
                        _ => c.queued.extend(msgs),
                    }
                }
            }
            TcpEvent::Eof { key } => {
                // One side closed: close both.
                let other = if let Some(client) = self.backends.remove(&key) {
                    self.conns.remove(&client);
                    Some(client)
                } else {
                    self.conns
                        .remove(&key)
                        .and_then(|c| c.backend)
                        .inspect(|b| {
                            self.backends.remove(b);
                        })
                };
                tcp::close(cx, ns, key);
                if let Some(o) = other {
                    tcp::close(cx, ns, o);
                }
            }
        }
    }

    /// Dials the next endpoint for a client, or gives up after the last timeout.
    fn dial(&mut self, cx: &mut Ctx<'_, Net>, ns: NsId, client: SockKey) {
        let Some(c) = self.conns.get_mut(&client) else {
            return;
        };
        let Some(portal) = self.portals.get_mut(&c.portal) else {
            return;
        };
        if portal.endpoints.is_empty() || c.attempt >= DIAL_TIMEOUTS.len() {
            log(
                cx,
                format!(
                    "Failed to connect to balancer: {} ({}); closing the client's connection",
                    portal.name,
                    if portal.endpoints.is_empty() {
                        "no endpoints"
                    } else {
                        "every dial timed out"
                    }
                ),
            );
            self.conns.remove(&client);
            tcp::close(cx, ns, client);
            return;
        }
        // NextEndpoint: the client's endpoint while its affinity holds (not on a retry,
        // which resets it), else the round robin's next, which the client then keeps.
        let now = cx.now();
        let src = client.2;
        let held = portal.affinity.filter(|_| c.attempt == 0).and_then(|ttl| {
            portal
                .clients
                .get(&src)
                .filter(|(_, last)| now.since(*last) < Dur::from_secs(u64::from(ttl)))
                .map(|(ep, _)| *ep)
        });
        let (ip, port) = match held {
            Some(ep) => ep,
            None => {
                let ep = portal.endpoints[portal.next % portal.endpoints.len()];
                portal.next = (portal.next + 1) % portal.endpoints.len();
                ep
            }
        };
        if portal.affinity.is_some() {
            portal.clients.insert(src, ((ip, port), now));
        }
        let how = if held.is_some() {
            "session affinity"
        } else {
            "round robin"
        };
        let timeout = DIAL_TIMEOUTS[c.attempt];
        c.attempt += 1;
        let name = portal.name.clone();
        let me = cx.me();
        match tcp::connect(cx, ns, me, ip, port) {
            Ok(b) => {
                log(
                    cx,
                    format!(
                        "{name} {}:{} -> {ip}:{port} ({how}; kube-proxy's own connection, from the node)",
                        client.2, client.3
                    ),
                );
                self.next_token += 1;
                let token = DIAL_TOKEN_BASE + self.next_token;
                let timer = cx.schedule_cancellable(timeout, Msg::Timer(token));
                self.dials.insert(token, client);
                self.backends.insert(b, client);
                let c = self.conns.get_mut(&client).expect("present");
                c.backend = Some(b);
                c.timer = Some(timer);
            }
            Err(_) => self.dial(cx, ns, client),
        }
    }

    /// kube-proxy exits: its proxy ports close (the portals' rules stay in the kernel, so
    /// a connection to a ClusterIP is now refused on the node).
    pub fn close(&mut self, cx: &mut Ctx<'_, Net>, ns: NsId) {
        for port in std::mem::take(&mut self.portals).into_keys() {
            cx.world.ns_mut(ns).tcp.listen.remove(&port);
        }
        self.conns.clear();
        self.backends.clear();
        self.dials.clear();
    }

    /// A dial timer fired: abandon that dial, try the next endpoint.
    pub fn dial_timeout(&mut self, cx: &mut Ctx<'_, Net>, ns: NsId, token: u64) {
        let Some(client) = self.dials.remove(&token) else {
            return;
        };
        let Some(c) = self.conns.get_mut(&client) else {
            return;
        };
        let Some(b) = c.backend.take() else { return };
        c.timer = None;
        let established = cx
            .world
            .ns(ns)
            .tcp
            .socks
            .get(&b)
            .is_some_and(|s| s.state == tcp::State::Established);
        if established {
            c.backend = Some(b);
            return;
        }
        self.backends.remove(&b);
        tcp::close(cx, ns, b);
        log(
            cx,
            format!(
                "Dial to {}:{} timed out; trying the next endpoint",
                b.2, b.3
            ),
        );
        self.dial(cx, ns, client);
    }
}
