//! The apiserver's allocators (reference §8) and controller-made pod names.
//!
//! - ClusterIPs come from `--service-cluster-ip-range` without its network and broadcast
//!   addresses. `kubernetes` gets the first. An explicit IP is checked ("provided IP is not
//!   in the valid range. The range of valid IPs is CIDR", "provided IP is already
//!   allocated"). A dynamic one is random, from the caller's seeded stream: in the modern
//!   era (KEP-3070) from the upper band first, above an offset of min(max(16, size/16), 256)
//!   that is kept for static IPs; classic kube-apiservers drew from the whole range.
//!   A full range is "range is full".
//! - NodePorts come from 30000-32767, random or explicit, with the real messages.
//! - A controller names its pods `<owner>-<5 characters>` from the Kubernetes alphabet
//!   (`bcdfghjklmnpqrstvwxz2456789`, no vowels), drawn from a seeded stream.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use rand::{Rng, RngExt};

use super::proxy::names::Era;

/// Why an allocation failed, in the apiserver's words.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AllocError {
    #[error("provided IP is not in the valid range. The range of valid IPs is {0}")]
    IpOutOfRange(Ipv4Net),
    #[error("provided IP is already allocated")]
    IpTaken,
    #[error("range is full")]
    Full,
    #[error(
        "spec.ports[{index}].nodePort: Invalid value: {port}: provided port is not in the valid range. The range of valid ports is 30000-32767"
    )]
    PortOutOfRange { index: usize, port: u32 },
    #[error(
        "spec.ports[{index}].nodePort: Invalid value: {port}: provided port is already allocated"
    )]
    PortTaken { index: usize, port: u32 },
}

pub struct ServiceIps {
    pub range: Ipv4Net,
    era: Era,
    taken: BTreeSet<Ipv4Addr>,
}

impl ServiceIps {
    pub fn new(range: Ipv4Net, era: Era) -> Self {
        ServiceIps {
            range: range.trunc(),
            era,
            taken: BTreeSet::new(),
        }
    }

    /// Usable addresses: the range without its network and broadcast addresses.
    fn size(&self) -> u32 {
        (1u64 << (32 - self.range.prefix_len())).saturating_sub(2) as u32
    }

    fn nth(&self, i: u32) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.range.network()) + 1 + i)
    }

    /// The `kubernetes` Service's address: the first usable one.
    pub fn first(&self) -> Ipv4Addr {
        self.nth(0)
    }

    /// An explicit `clusterIP`.
    pub fn allocate(&mut self, ip: Ipv4Addr) -> Result<Ipv4Addr, AllocError> {
        let i = u32::from(ip).wrapping_sub(u32::from(self.range.network()) + 1);
        if !self.range.contains(&ip) || i >= self.size() {
            return Err(AllocError::IpOutOfRange(self.range));
        }
        if !self.taken.insert(ip) {
            return Err(AllocError::IpTaken);
        }
        Ok(ip)
    }

    /// A dynamic `clusterIP`, drawn from `rng`.
    pub fn allocate_next(&mut self, rng: &mut impl Rng) -> Result<Ipv4Addr, AllocError> {
        let size = self.size();
        let offset = match self.era {
            Era::Modern => (size / 16).clamp(16, 256).min(size),
            Era::Classic => 0,
        };
        // The upper band, then (modern only) the lower one; a random start in each, then
        // the next free address, as the bitmap allocator scans.
        for (lo, hi) in [(offset, size), (0, offset)] {
            if lo >= hi {
                continue;
            }
            let start = rng.random_range(lo..hi);
            for k in 0..(hi - lo) {
                let i = lo + (start - lo + k) % (hi - lo);
                let ip = self.nth(i);
                if self.taken.insert(ip) {
                    return Ok(ip);
                }
            }
        }
        Err(AllocError::Full)
    }

    pub fn release(&mut self, ip: Ipv4Addr) {
        self.taken.remove(&ip);
    }
}

/// NodePorts, 30000-32767.
#[derive(Default)]
pub struct NodePorts {
    taken: BTreeSet<u16>,
}

impl NodePorts {
    pub const FIRST: u16 = 30000;
    pub const LAST: u16 = 32767;

    /// An explicit `nodePort` of port `index`.
    pub fn allocate(&mut self, index: usize, port: u32) -> Result<u16, AllocError> {
        if !(Self::FIRST as u32..=Self::LAST as u32).contains(&port) {
            return Err(AllocError::PortOutOfRange { index, port });
        }
        if !self.taken.insert(port as u16) {
            return Err(AllocError::PortTaken { index, port });
        }
        Ok(port as u16)
    }

    pub fn release(&mut self, port: u16) {
        self.taken.remove(&port);
    }

    /// A Service's `healthCheckNodePort` (allocHealthCheckNodePort): the one asked for,
    /// else the next free. The error is the apiserver's (an InternalError's message).
    pub fn allocate_health_check(
        &mut self,
        asked: Option<u16>,
        rng: &mut impl Rng,
    ) -> Result<u16, String> {
        match asked {
            Some(port) => self.allocate(0, u32::from(port)).map_err(|e| {
                let why = match e {
                    AllocError::PortTaken { .. } => "provided port is already allocated".into(),
                    _ => format!(
                        "provided port is not in the valid range. The range of valid ports is {}-{}",
                        Self::FIRST,
                        Self::LAST
                    ),
                };
                format!("failed to allocate requested HealthCheck NodePort {port}: {why}")
            }),
            None => self
                .allocate_next(rng)
                .map_err(|e| format!("failed to allocate a HealthCheck NodePort 0: {e}")),
        }
    }

    pub fn allocate_next(&mut self, rng: &mut impl Rng) -> Result<u16, AllocError> {
        let n = (Self::LAST - Self::FIRST + 1) as u32;
        let start = rng.random_range(0..n);
        for k in 0..n {
            let p = Self::FIRST + ((start + k) % n) as u16;
            if self.taken.insert(p) {
                return Ok(p);
            }
        }
        Err(AllocError::Full)
    }
}

/// `<owner>-<5 characters>`, as a ReplicationController or ReplicaSet names its pods.
pub fn pod_name(owner: &str, rng: &mut impl Rng) -> String {
    let suffix: String = (0..5)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect();
    format!("{owner}-{suffix}")
}

/// `<owner>-<5 characters>` drawn from SHA-256 of `seed` instead of a stream: the name of
/// an object the simulator derives when it is read (an EndpointSlice of the
/// EndpointSlice controller), the same at every read.
pub fn derived_name(owner: &str, seed: &str) -> String {
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(seed.as_bytes());
    let suffix: String = h[..5]
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    format!("{owner}-{suffix}")
}

/// Kubernetes' `rand` alphabet: no vowels, no 0, 1 or 3 (so no words form).
const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// A Deployment's `pod-template-hash`: the deployment controller takes the FNV-32a hash
/// of the pod template and writes its decimal digits through `rand.SafeEncodeString`
/// (each byte picks `ALPHABET[b % 27]`), so the label looks like `5f7d8f9847`; the 1.5
/// controller wrote the decimal number itself (`kube-dns-2924299975`). The simulator
/// hashes its own rendering of the template, not Go's: the shape is real, the value is not
/// the one a real cluster would compute for the same template.
pub fn template_hash(template: &str, era: Era) -> String {
    // FNV-1a, 32 bits (Go's hash/fnv New32a).
    let hash = template.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    match era {
        Era::Classic => hash.to_string(),
        Era::Modern => hash
            .to_string()
            .bytes()
            .map(|b| ALPHABET[b as usize % ALPHABET.len()] as char)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    /// §8: the first IP for `kubernetes`, the real errors, the modern upper band, a full
    /// range.
    #[test]
    fn cluster_ips_follow_the_apiserver() {
        let mut ips = ServiceIps::new("10.0.0.0/24".parse().unwrap(), Era::Modern);
        assert_eq!(ips.first(), Ipv4Addr::new(10, 0, 0, 1));
        assert_eq!(ips.allocate(ips.first()), Ok(Ipv4Addr::new(10, 0, 0, 1)));
        assert_eq!(
            ips.allocate(Ipv4Addr::new(10, 0, 0, 1)),
            Err(AllocError::IpTaken)
        );
        assert_eq!(
            ips.allocate(Ipv4Addr::new(10, 0, 1, 1))
                .unwrap_err()
                .to_string(),
            "provided IP is not in the valid range. The range of valid IPs is 10.0.0.0/24"
        );
        assert!(
            ips.allocate(Ipv4Addr::new(10, 0, 0, 255)).is_err(),
            "broadcast"
        );
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        // /24: 254 usable, offset 16, so dynamic IPs start above 10.0.0.16.
        for _ in 0..200 {
            let ip = ips.allocate_next(&mut rng).unwrap();
            assert!(ip.octets()[3] > 16, "{ip}");
        }
        // The upper band is full after 238; then the lower band, then nothing.
        let mut n = 200;
        while ips.allocate_next(&mut rng).is_ok() {
            n += 1;
        }
        assert_eq!(n, 253, "254 usable, one taken by kubernetes");
        assert_eq!(ips.allocate_next(&mut rng), Err(AllocError::Full));
    }

    #[test]
    fn node_ports_and_pod_names() {
        let mut ports = NodePorts::default();
        assert_eq!(ports.allocate(0, 30001), Ok(30001));
        assert_eq!(
            ports.allocate(0, 30001).unwrap_err().to_string(),
            "spec.ports[0].nodePort: Invalid value: 30001: provided port is already allocated"
        );
        assert_eq!(
            ports.allocate(1, 80).unwrap_err().to_string(),
            "spec.ports[1].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767"
        );
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let p = ports.allocate_next(&mut rng).unwrap();
        assert!((30000..=32767).contains(&p));
        let name = pod_name("redis-slave", &mut rng);
        let suffix = name.strip_prefix("redis-slave-").unwrap();
        assert_eq!(suffix.len(), 5);
        assert!(
            suffix
                .chars()
                .all(|c| "bcdfghjklmnpqrstvwxz2456789".contains(c))
        );
        // Same stream, same names: deterministic.
        let mut a = ChaCha8Rng::seed_from_u64(3);
        let mut b = ChaCha8Rng::seed_from_u64(3);
        assert_eq!(pod_name("frontend", &mut a), pod_name("frontend", &mut b));
    }

    /// SafeEncodeString maps the digits 0-9 to 4 5 6 7 8 9 b c d f (seed 001's
    /// `coredns-6d56c8448f` and `demoapp-5f7d8f9847` use only those), and FNV-1a-32 of ""
    /// is its offset basis, 2166136261.
    #[test]
    fn template_hashes_look_like_the_controllers() {
        assert_eq!(template_hash("", Era::Modern), "65bb57b6b5");
        assert_eq!(template_hash("", Era::Classic), "2166136261");
        let h = template_hash("demoapp", Era::Modern);
        assert!(h.chars().all(|c| "456789bcdf".contains(c)), "{h}");
    }
}
