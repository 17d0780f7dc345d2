//! The Kubernetes release a cluster runs (`kubernetes: (version: "1.5")`), and what each
//! supported release changes: one table, [`RELEASES`], that every component reads through
//! [`Version`] instead of deciding by itself.
//!
//! Two releases are modelled, the two eras the seeds come from (docs/versions.md):
//!
//! - **1.5** (v1.5.2, seed 004's CentOS cluster): kubectl 1.5's output (`replicationcontroller
//!   "x" created`, its `get` columns and tabwriter), kubelet's old event wording and resolv.conf
//!   limits, kube-proxy 1.5's iptables layout and chain names, no ipvs mode, kube-proxy holding
//!   NodePorts open, objects in etcd's v2 keyspace, kube-dns as kubeadm's DNS add-on, ClusterIPs
//!   drawn from the whole range.
//! - **1.28** (v1.28.2, the modern era the code follows by default): today's kubectl, kubelet
//!   and kube-proxy, objects in etcd's v3 keyspace, CoreDNS v1.10.1.
//!
//! A scenario may name a patch release (`"1.5.2"`, `"1.28.15"`): it shows where kubectl shows a
//! version (`get nodes`' VERSION, the kube-proxy image) and changes nothing else.

use std::fmt;

use super::proxy::names::Era;

/// Where kube-apiserver keeps its objects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Storage {
    /// etcd's v2 keys API (`--storage-backend=etcd2`, the default until 1.6): `etcdctl ls
    /// /registry` lists the objects, as seed 004 shows.
    EtcdV2,
    /// etcd's v3 API (the default from 1.6 on): a keyspace of its own that the v2 API does not
    /// see, so `etcdctl ls /` shows only flannel's `/coreos.com` (seed 000);
    /// `ETCDCTL_API=3 etcdctl get --prefix --keys-only /registry` lists the objects.
    EtcdV3,
}

/// The cluster DNS add-on `kubeadm init` installs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DnsAddon {
    /// kube-dns (SkyDNS behind dnsmasq): Deployment `kube-dns`, three containers (kube-dns,
    /// dnsmasq, healthz), Service `kube-dns` (kubeadm 1.5's `addons.go`).
    KubeDns,
    /// CoreDNS: Deployment `coredns` (two replicas), its Corefile in the ConfigMap `coredns`,
    /// Service `kube-dns` (kubeadm 1.11 and later).
    CoreDns,
}

/// One supported minor release and what it changes.
#[derive(Debug, PartialEq, Eq)]
pub struct Release {
    /// The minor version (1.`minor`).
    pub minor: u32,
    /// The patch a bare `"1.minor"` means: the one the seeds or the code's images name.
    pub default_patch: u32,
    /// The last patch release there was.
    pub last_patch: u32,
    /// kubectl's, kubelet's and kube-proxy's conventions.
    pub era: Era,
    pub storage: Storage,
    pub dns_addon: DnsAddon,
    /// kube-proxy has the ipvs mode (alpha in 1.8).
    pub ipvs: bool,
    /// kube-proxy holds every TCP NodePort open with a listening socket (until 1.24, PR
    /// #108496; seed 004's `ss -nlpt` shows it).
    pub holds_node_ports: bool,
    /// kubeadm configures kube-proxy through the ConfigMap `kube-system/kube-proxy` (1.9 on);
    /// before, through the DaemonSet's command line.
    pub proxy_configmap: bool,
    /// What the release changes, one line each, for docs and `check`.
    pub summary: &'static str,
}

/// Every supported release, oldest first.
pub static RELEASES: [Release; 2] = [
    Release {
        minor: 5,
        default_patch: 2,
        last_patch: 8,
        era: Era::Classic,
        storage: Storage::EtcdV2,
        dns_addon: DnsAddon::KubeDns,
        ipvs: false,
        holds_node_ports: true,
        proxy_configmap: false,
        summary: "seed 004's cluster: kubectl 1.5's output, kube-proxy 1.5's iptables layout, objects in etcd v2, kube-dns",
    },
    Release {
        minor: 28,
        default_patch: 2,
        last_patch: 15,
        era: Era::Modern,
        storage: Storage::EtcdV3,
        dns_addon: DnsAddon::CoreDns,
        ipvs: true,
        holds_node_ports: false,
        proxy_configmap: true,
        summary: "today's cluster: today's kubectl and kube-proxy, objects in etcd v3, CoreDNS",
    },
];

/// A Kubernetes version the simulator runs: a supported release and its patch.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Version {
    pub release: &'static Release,
    pub patch: u32,
}

impl fmt::Debug for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Version({self})")
    }
}

/// `v1.5.2`, as kubelet's and kube-proxy's `--version` and `kubectl get nodes` print it.
impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v1.{}.{}", self.release.minor, self.patch)
    }
}

impl Default for Version {
    /// The modern release: what a scenario without `version` runs.
    fn default() -> Self {
        Version::MODERN
    }
}

impl Version {
    /// v1.5.2, seed 004's.
    pub const CLASSIC: Version = Version {
        release: &RELEASES[0],
        patch: 2,
    };
    /// v1.28.2, the images the code names.
    pub const MODERN: Version = Version {
        release: &RELEASES[1],
        patch: 2,
    };

    /// `"1.5"`, `"1.5.2"` or `"v1.28.15"`. The error says what is supported.
    pub fn parse(text: &str) -> Result<Version, String> {
        let unsupported = || {
            format!(
                "Kubernetes version `{text}` is not simulated; expected one of: {}",
                supported()
            )
        };
        // Semantic versioning's numbers: digits, no leading zero.
        let digits = |s: &str| {
            !s.is_empty()
                && s.len() <= 4
                && s.bytes().all(|b| b.is_ascii_digit())
                && (s == "0" || !s.starts_with('0'))
        };
        let bare = text.strip_prefix('v').unwrap_or(text);
        let parts: Vec<&str> = bare.split('.').collect();
        if !(2..=3).contains(&parts.len()) || !parts.iter().all(|p| digits(p)) || parts[0] != "1" {
            return Err(unsupported());
        }
        let minor: u32 = parts[1].parse().map_err(|_| unsupported())?;
        let release = RELEASES
            .iter()
            .find(|r| r.minor == minor)
            .ok_or_else(unsupported)?;
        let patch = match parts.get(2) {
            None => release.default_patch,
            Some(p) => {
                let patch: u32 = p.parse().map_err(|_| unsupported())?;
                if patch > release.last_patch {
                    return Err(format!(
                        "Kubernetes v1.{minor}.{patch} was never released (1.{minor}'s last patch is v1.{minor}.{}); expected one of: {}",
                        release.last_patch,
                        supported()
                    ));
                }
                patch
            }
        };
        Ok(Version { release, patch })
    }

    pub fn era(self) -> Era {
        self.release.era
    }

    /// kube-proxy's image in a kubeadm cluster: `gcr.io/google_containers/kube-proxy-amd64`
    /// (kubeadm 1.5's `images.go`) or `registry.k8s.io/kube-proxy` (today's).
    pub fn kube_proxy_image(self) -> String {
        match self.era() {
            Era::Classic => format!("gcr.io/google_containers/kube-proxy-amd64:{self}"),
            Era::Modern => format!("registry.k8s.io/kube-proxy:{self}"),
        }
    }
}

/// The supported versions as the validation error and the docs list them.
pub fn supported() -> String {
    RELEASES
        .iter()
        .map(|r| {
            format!(
                "\"1.{m}\" (or \"1.{m}.0\" to \"1.{m}.{}\")",
                r.last_patch,
                m = r.minor
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minor, a patch and a `v` prefix are read; the default patch is the seeds' one;
    /// what was never released is refused with the list of what is supported.
    #[test]
    fn versions_are_read_and_unsupported_ones_refused_with_the_list() {
        assert_eq!(Version::parse("1.5"), Ok(Version::CLASSIC));
        assert_eq!(Version::parse("1.5.2"), Ok(Version::CLASSIC));
        assert_eq!(Version::parse("v1.5.2"), Ok(Version::CLASSIC));
        assert_eq!(Version::parse("1.28"), Ok(Version::MODERN));
        assert_eq!(Version::parse("1.28.15").unwrap().to_string(), "v1.28.15");
        assert_eq!(Version::parse("1.5.0").unwrap().to_string(), "v1.5.0");
        assert_eq!(Version::parse("1.5").unwrap().era(), Era::Classic);
        assert_eq!(Version::default(), Version::MODERN);
        let list = "expected one of: \"1.5\" (or \"1.5.0\" to \"1.5.8\"), \"1.28\" (or \"1.28.0\" to \"1.28.15\")";
        for bad in [
            "1.31", "1.6", "2.5", "1", "1.5.2.1", "", "1.x", "1.5.", "latest", "1.05", "1.-5",
        ] {
            let e = Version::parse(bad).unwrap_err();
            assert_eq!(
                e,
                format!("Kubernetes version `{bad}` is not simulated; {list}"),
                "{bad:?}"
            );
        }
        assert_eq!(
            Version::parse("1.5.9").unwrap_err(),
            format!("Kubernetes v1.5.9 was never released (1.5's last patch is v1.5.8); {list}")
        );
        assert_eq!(
            Version::CLASSIC.kube_proxy_image(),
            "gcr.io/google_containers/kube-proxy-amd64:v1.5.2"
        );
        assert_eq!(
            Version::MODERN.kube_proxy_image(),
            "registry.k8s.io/kube-proxy:v1.28.2"
        );
    }
}
