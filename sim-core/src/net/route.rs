//! A routing table with longest-prefix match, dumped in the kernel's order.
//!
//! Lookup costs O(prefix lengths present x log routes), never a scan of every route, so a
//! table that grows with the cluster (one route per peer node under flannel) does not make
//! each packet slower in wall time. The dump order is the kernel's FIB order as `ip route`
//! shows it: by network address ascending, a longer prefix before a shorter one with the
//! same address, then by metric.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use super::DevId;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    pub dst: Ipv4Net,
    pub via: Option<Ipv4Addr>,
    pub dev: DevId,
    pub proto: Proto,
    pub scope: Scope,
    /// Preferred source address (`src`), set on connected routes.
    pub src: Option<Ipv4Addr>,
    pub metric: u32,
    /// `onlink`: the gateway is reachable on the device even though no connected route
    /// covers it (flannel's vxlan routes: `10.1.18.0/24 via 10.1.18.0 dev flannel.1 onlink`).
    pub onlink: bool,
}

impl Route {
    /// `default via GW dev DEV` (as `ip route add default via GW` makes it).
    pub fn default_via(gw: Ipv4Addr, dev: DevId) -> Route {
        Route {
            dst: Ipv4Net::default(),
            via: Some(gw),
            dev,
            proto: Proto::Boot,
            scope: Scope::Global,
            src: None,
            metric: 0,
            onlink: false,
        }
    }
}

/// Who installed a route (`proto` in `ip route`; `boot` is not printed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proto {
    /// The kernel, for an address's connected subnet.
    Kernel,
    /// `ip route add` without `proto`.
    Boot,
    Static,
}

/// `scope` in `ip route` (`global`/universe is not printed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Global,
    Link,
    Host,
}

/// (network address, 32 - prefix length, metric): iterates in dump order.
type Key = (u32, u8, u32);

#[derive(Clone, Debug, Default)]
pub struct Table {
    routes: BTreeMap<Key, Route>,
    /// Bit `len` is set when some route has that prefix length.
    lengths: u64,
}

fn key(dst: &Ipv4Net, metric: u32) -> Key {
    (u32::from(dst.network()), 32 - dst.prefix_len(), metric)
}

impl Table {
    /// Adds a route; replaces one with the same destination and metric (`ip route replace`).
    pub fn add(&mut self, route: Route) {
        let dst = route.dst.trunc();
        self.lengths |= 1 << dst.prefix_len();
        self.routes
            .insert(key(&dst, route.metric), Route { dst, ..route });
    }

    /// Removes the route to `dst` with `metric`; returns it if there was one.
    pub fn remove(&mut self, dst: Ipv4Net, metric: u32) -> Option<Route> {
        let removed = self.routes.remove(&key(&dst.trunc(), metric));
        if removed.is_some()
            && !self
                .routes
                .values()
                .any(|r| r.dst.prefix_len() == dst.prefix_len())
        {
            self.lengths &= !(1 << dst.prefix_len());
        }
        removed
    }

    /// Removes every route through `dev` (the kernel does this when a device goes away).
    pub fn remove_dev(&mut self, dev: DevId) {
        let gone: Vec<(Ipv4Net, u32)> = self
            .routes
            .values()
            .filter(|r| r.dev == dev)
            .map(|r| (r.dst, r.metric))
            .collect();
        for (dst, metric) in gone {
            self.remove(dst, metric);
        }
    }

    /// The route for `addr`: the longest matching prefix, then the lowest metric.
    pub fn lookup(&self, addr: Ipv4Addr) -> Option<&Route> {
        let a = u32::from(addr);
        let mut lengths = self.lengths;
        while lengths != 0 {
            let len = 63 - lengths.leading_zeros() as u8; // longest remaining
            lengths &= !(1 << len);
            let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
            let net = a & mask;
            let lo = (net, 32 - len, 0);
            let hi = (net, 32 - len, u32::MAX);
            if let Some((_, route)) = self.routes.range(lo..=hi).next() {
                return Some(route);
            }
        }
        None
    }

    /// Routes in dump order.
    pub fn iter(&self) -> impl Iterator<Item = &Route> {
        self.routes.values()
    }

    /// `ip route` output: one line per route, each ending in a space before the newline as
    /// modern iproute2 prints it. `dev_name` maps a device id to its name.
    pub fn dump(&self, dev_name: impl Fn(DevId) -> String) -> String {
        let mut out = String::new();
        for r in self.iter() {
            if r.dst.prefix_len() == 0 {
                out.push_str("default ");
            } else if r.dst.prefix_len() == 32 {
                let _ = write!(out, "{} ", r.dst.addr());
            } else {
                let _ = write!(out, "{} ", r.dst);
            }
            if let Some(via) = r.via {
                let _ = write!(out, "via {via} ");
            }
            let _ = write!(out, "dev {} ", dev_name(r.dev));
            match r.proto {
                Proto::Boot => {}
                Proto::Kernel => out.push_str("proto kernel "),
                Proto::Static => out.push_str("proto static "),
            }
            match r.scope {
                Scope::Global => {}
                Scope::Link => out.push_str("scope link "),
                Scope::Host => out.push_str("scope host "),
            }
            if let Some(src) = r.src {
                let _ = write!(out, "src {src} ");
            }
            if r.metric != 0 {
                let _ = write!(out, "metric {} ", r.metric);
            }
            if r.onlink {
                out.push_str("onlink ");
            }
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(dst: &str, via: Option<&str>, dev: u16, metric: u32) -> Route {
        Route {
            dst: dst.parse().unwrap(),
            via: via.map(|v| v.parse().unwrap()),
            dev: DevId(dev),
            proto: Proto::Boot,
            scope: if via.is_some() {
                Scope::Global
            } else {
                Scope::Link
            },
            src: None,
            metric,
            onlink: false,
        }
    }

    fn table() -> Table {
        let mut t = Table::default();
        t.add(r("10.1.93.0/24", None, 3, 0));
        t.add(r("0.0.0.0/0", Some("10.181.0.1"), 1, 0));
        t.add(r("10.1.0.0/16", None, 2, 0));
        t.add(r("10.181.0.0/17", None, 1, 0));
        t.add(r("10.1.45.7/32", Some("10.181.5.146"), 1, 0));
        t.add(r("10.1.0.0/16", None, 4, 100));
        t
    }

    #[test]
    fn longest_prefix_then_lowest_metric_wins() {
        let t = table();
        let dev = |a: &str| t.lookup(a.parse().unwrap()).map(|r| r.dev.0);
        assert_eq!(dev("10.1.93.4"), Some(3)); // /24 beats /16 and default
        assert_eq!(dev("10.1.45.7"), Some(1)); // /32 host route
        assert_eq!(dev("10.1.45.8"), Some(2)); // /16, metric 0 beats metric 100
        assert_eq!(dev("10.181.5.146"), Some(1));
        assert_eq!(dev("8.8.8.8"), Some(1)); // default
        let mut no_default = table();
        no_default.remove("0.0.0.0/0".parse().unwrap(), 0);
        assert!(no_default.lookup("8.8.8.8".parse().unwrap()).is_none());
    }

    /// `ip route` order: default first, then by address, longer prefix first for equal
    /// addresses, then metric; trailing space on every line as iproute2 prints.
    #[test]
    fn dumps_in_kernel_order() {
        let names = ["", "eth0", "flannel0", "docker0", "cni0"];
        let out = table().dump(|d| names[d.0 as usize].to_string());
        assert_eq!(
            out,
            "default via 10.181.0.1 dev eth0 \n\
             10.1.0.0/16 dev flannel0 scope link \n\
             10.1.0.0/16 dev cni0 scope link metric 100 \n\
             10.1.45.7 via 10.181.5.146 dev eth0 \n\
             10.1.93.0/24 dev docker0 scope link \n\
             10.181.0.0/17 dev eth0 scope link \n"
        );
    }
}
