//! The `/etc/resolv.conf` kubelet writes into a pod (reference §4.1,
//! `pkg/kubelet/network/dns/dns.go`).
//!
//! - `ClusterFirst` (the default): the cluster DNS addresses (`--cluster-dns`), the search
//!   list `<ns>.svc.<domain> svc.<domain> <domain>` followed by the node's, options
//!   `ndots:5` only. With `hostNetwork` it is treated as `Default`.
//! - `ClusterFirstWithHostNet`: as ClusterFirst, with or without hostNetwork.
//! - `Default`: the node's resolver file as it is.
//! - `None`: empty; `dnsConfig` supplies everything.
//! - `dnsConfig` is merged in: nameservers and searches appended without duplicates,
//!   options merged by name with the pod's value winning.
//! - No cluster DNS and ClusterFirst: the Default configuration, and a `MissingClusterDNS`
//!   warning on the node and the pod.
//! - At most 3 nameservers; search paths cut at 6 / 256 characters (kubelets before the
//!   ExpandedDNSConfig default, `Era::Classic`) or 32 / 2048 (today), each cut with its
//!   event.

use std::net::Ipv4Addr;

use super::api::DnsConfig;
use super::proxy::names::Era;

/// A resolver configuration: kubelet's reading of a resolv.conf, or what it writes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResolvConf {
    pub nameservers: Vec<String>,
    pub searches: Vec<String>,
    /// `ndots:5` as `("ndots", Some("5"))`, `edns0` as `("edns0", None)`.
    pub options: Vec<(String, Option<String>)>,
}

impl ResolvConf {
    /// Reads a resolv.conf as kubelet does: `nameserver` lines accumulate; for `search`
    /// and `options` the last line wins; `#` and `;` comments are skipped. A
    /// `nameserver` line without an address is an error.
    pub fn parse(text: &str) -> Result<ResolvConf, String> {
        let mut out = ResolvConf::default();
        for line in text.lines() {
            let line = line.split(['#', ';']).next().unwrap_or("");
            let mut words = line.split_whitespace();
            match words.next() {
                Some("nameserver") => match words.next() {
                    Some(a) => out.nameservers.push(a.to_string()),
                    None => return Err("nameserver list is empty".into()),
                },
                Some("search") => out.searches = words.map(str::to_string).collect(),
                Some("options") => out.options = words.map(option).collect(),
                _ => {}
            }
        }
        Ok(out)
    }

    /// The file as kubelet (dockershim's `rewriteResolvFile`) writes it: nameservers, then
    /// the search line, then the options line.
    pub fn render(&self) -> String {
        let mut out: String = self
            .nameservers
            .iter()
            .map(|n| format!("nameserver {n}\n"))
            .collect();
        if !self.searches.is_empty() {
            out += &format!("search {}\n", self.searches.join(" "));
        }
        if !self.options.is_empty() {
            let opts: Vec<String> = self
                .options
                .iter()
                .map(|(k, v)| match v {
                    Some(v) => format!("{k}:{v}"),
                    None => k.clone(),
                })
                .collect();
            out += &format!("options {}\n", opts.join(" "));
        }
        out
    }
}

/// The nameservers (IPv4) of a machine's `/etc/resolv.conf`, in order.
pub fn nameservers(netns: &crate::net::netns::Netns) -> Vec<Ipv4Addr> {
    let text = netns
        .files
        .get("/etc/resolv.conf")
        .map(String::as_str)
        .unwrap_or("");
    ResolvConf::parse(text)
        .map(|c| {
            c.nameservers
                .iter()
                .filter_map(|n| n.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

fn option(word: &str) -> (String, Option<String>) {
    match word.split_once(':') {
        Some((k, v)) => (k.to_string(), Some(v.to_string())),
        None => (word.to_string(), None),
    }
}

/// An event kubelet records on the pod while it forms the file, and the one it records on
/// the node (for MissingClusterDNS: the same words without the pod's name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DnsEvent {
    pub type_: &'static str,
    pub reason: &'static str,
    pub message: String,
    pub node_message: Option<String>,
}

/// What kubelet knows: its flags and the node's resolver file.
pub struct KubeletDns<'a> {
    pub cluster_dns: &'a [Ipv4Addr],
    pub cluster_domain: &'a str,
    pub host: &'a ResolvConf,
    pub era: Era,
}

/// What a pod gets.
pub struct PodDns<'a> {
    pub namespace: &'a str,
    /// `name_namespace(uid)`, as kubelet's `format.Pod` names the pod in messages.
    pub formatted: String,
    pub policy: &'a str,
    pub host_network: bool,
    pub config: Option<&'a DnsConfig>,
}

/// The pod's resolv.conf and the events kubelet records on the way.
pub fn for_pod(k: &KubeletDns<'_>, pod: &PodDns<'_>) -> (ResolvConf, Vec<DnsEvent>) {
    let mut events = Vec::new();
    let cluster = match pod.policy {
        "ClusterFirstWithHostNet" => true,
        "ClusterFirst" => !pod.host_network,
        _ => false,
    };
    let mut conf = match pod.policy {
        "None" => ResolvConf::default(),
        _ if cluster && k.cluster_dns.is_empty() => {
            let message = match k.era {
                Era::Classic => "kubelet does not have ClusterDNS IP configured and cannot create Pod using \"ClusterFirst\" policy. Falling back to DNSDefault policy.".to_string(),
                Era::Modern => "kubelet does not have ClusterDNS IP configured and cannot create Pod using \"ClusterFirst\" policy. Falling back to \"Default\" policy.".to_string(),
            };
            let pod_message = match k.era {
                Era::Classic => message.clone(),
                Era::Modern => format!("pod: \"{}\". {message}", pod.formatted),
            };
            events.push(DnsEvent {
                type_: "Warning",
                reason: "MissingClusterDNS",
                message: pod_message,
                node_message: Some(message),
            });
            k.host.clone()
        }
        _ if cluster => {
            let d = k.cluster_domain;
            let mut searches = vec![
                format!("{}.svc.{d}", pod.namespace),
                format!("svc.{d}"),
                d.to_string(),
            ];
            for s in &k.host.searches {
                if !searches.contains(s) {
                    searches.push(s.clone());
                }
            }
            ResolvConf {
                nameservers: k.cluster_dns.iter().map(Ipv4Addr::to_string).collect(),
                searches,
                options: vec![("ndots".into(), Some("5".into()))],
            }
        }
        _ => k.host.clone(),
    };
    if let Some(c) = pod.config {
        for n in &c.nameservers {
            if !conf.nameservers.contains(n) {
                conf.nameservers.push(n.clone());
            }
        }
        for s in &c.searches {
            if !conf.searches.contains(s) {
                conf.searches.push(s.clone());
            }
        }
        for (name, value) in &c.options {
            match conf.options.iter_mut().find(|(n, _)| n == name) {
                Some(o) => o.1 = value.clone(),
                None => conf.options.push((name.clone(), value.clone())),
            }
        }
    }
    if conf.nameservers.len() > 3 {
        conf.nameservers.truncate(3);
        events.push(DnsEvent {
            type_: "Warning",
            reason: "DNSConfigForming",
            message: format!(
                "Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: {}",
                conf.nameservers.join(" ")
            ),
            node_message: None,
        });
    }
    let (max_paths, max_chars) = match k.era {
        Era::Classic => (6, 256),
        Era::Modern => (32, 2048),
    };
    let too_long = |s: &[String]| s.len() > max_paths || s.join(" ").len() > max_chars;
    if too_long(&conf.searches) {
        while too_long(&conf.searches) {
            conf.searches.pop();
        }
        events.push(DnsEvent {
            type_: "Warning",
            reason: "DNSConfigForming",
            message: format!(
                "Search Line limits were exceeded, some search paths have been omitted, the applied search line is: {}",
                conf.searches.join(" ")
            ),
            node_message: None,
        });
    }
    (conf, events)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kubelet<'a>(dns: &'a [Ipv4Addr], host: &'a ResolvConf) -> KubeletDns<'a> {
        KubeletDns {
            cluster_dns: dns,
            cluster_domain: "cluster.local",
            host,
            era: Era::Modern,
        }
    }

    fn pod<'a>(policy: &'a str, config: Option<&'a DnsConfig>) -> PodDns<'a> {
        PodDns {
            namespace: "default",
            formatted: "mypod_default(uid)".into(),
            policy,
            host_network: false,
            config,
        }
    }

    /// Seed 001's `cat /etc/resolv.conf` in a pod: cluster DNS, three search domains, ndots:5
    /// (the host's options are replaced, its search domains appended).
    #[test]
    fn cluster_first_as_seed_001_shows_it() {
        let host = ResolvConf::parse("nameserver 10.181.0.1\noptions timeout:1\n").unwrap();
        let dns = ["10.96.0.10".parse().unwrap()];
        let (c, ev) = for_pod(&kubelet(&dns, &host), &pod("ClusterFirst", None));
        assert_eq!(
            c.render(),
            "nameserver 10.96.0.10\nsearch default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n"
        );
        assert!(ev.is_empty());
        let host =
            ResolvConf::parse("search example.com cluster.local\nnameserver 1.1.1.1\n").unwrap();
        let (c, _) = for_pod(&kubelet(&dns, &host), &pod("ClusterFirst", None));
        assert_eq!(
            c.searches,
            [
                "default.svc.cluster.local",
                "svc.cluster.local",
                "cluster.local",
                "example.com"
            ]
        );
    }

    /// Seed 004: no `--cluster-dns`, so ClusterFirst falls back to the node's file, with
    /// the warning on node and pod (the old text in the old era).
    #[test]
    fn missing_cluster_dns_falls_back_to_default() {
        let host = ResolvConf::parse("# Generated\nnameserver 10.181.0.1\nsearch lan\n").unwrap();
        let mut k = kubelet(&[], &host);
        k.era = Era::Classic;
        let (c, ev) = for_pod(&k, &pod("ClusterFirst", None));
        assert_eq!(c, host);
        assert_eq!(ev.len(), 1);
        assert!(
            ev[0]
                .node_message
                .as_ref()
                .unwrap()
                .starts_with("kubelet does not")
        );
        assert!(
            ev[0]
                .message
                .ends_with("Falling back to DNSDefault policy.")
        );
        k.era = Era::Modern;
        let (_, ev) = for_pod(&k, &pod("ClusterFirst", None));
        assert!(
            ev[0]
                .message
                .starts_with("pod: \"mypod_default(uid)\". kubelet does not")
        );
    }

    /// The docs' example: None + dnsConfig gives exactly the three lines; options merge by
    /// name with the pod winning; hostNetwork turns ClusterFirst into Default.
    #[test]
    fn none_default_and_merging() {
        let host = ResolvConf::parse("nameserver 10.181.0.1\n").unwrap();
        let dns = ["10.96.0.10".parse().unwrap()];
        let cfg = DnsConfig {
            nameservers: vec!["1.2.3.4".into()],
            searches: vec![
                "ns1.svc.cluster-domain.example".into(),
                "my.dns.search.suffix".into(),
            ],
            options: vec![("ndots".into(), Some("2".into())), ("edns0".into(), None)],
        };
        let (c, _) = for_pod(&kubelet(&dns, &host), &pod("None", Some(&cfg)));
        assert_eq!(
            c.render(),
            "nameserver 1.2.3.4\nsearch ns1.svc.cluster-domain.example my.dns.search.suffix\noptions ndots:2 edns0\n"
        );
        let (c, _) = for_pod(&kubelet(&dns, &host), &pod("ClusterFirst", Some(&cfg)));
        assert_eq!(
            c.options,
            [
                ("ndots".to_string(), Some("2".to_string())),
                ("edns0".into(), None)
            ]
        );
        let mut p = pod("ClusterFirst", None);
        p.host_network = true;
        let (c, _) = for_pod(&kubelet(&dns, &host), &p);
        assert_eq!(c, host);
        p.policy = "ClusterFirstWithHostNet";
        let (c, _) = for_pod(&kubelet(&dns, &host), &p);
        assert_eq!(c.nameservers, ["10.96.0.10"]);
    }

    #[test]
    fn limits_cut_with_an_event() {
        let host = ResolvConf::parse(
            "nameserver 1.1.1.1\nnameserver 2.2.2.2\nnameserver 3.3.3.3\nsearch a b c d e\n",
        )
        .unwrap();
        let dns = ["10.96.0.10".parse().unwrap()];
        let mut k = kubelet(&dns, &host);
        k.era = Era::Classic;
        let (c, ev) = for_pod(&k, &pod("ClusterFirst", None));
        assert_eq!(c.searches.len(), 6);
        assert!(ev[0].message.contains("applied search line is: default.svc.cluster.local svc.cluster.local cluster.local a b c"));
        let (c, ev) = for_pod(&k, &pod("Default", None));
        assert_eq!(c.nameservers.len(), 3);
        assert!(ev.is_empty());
        let cfg = DnsConfig {
            nameservers: vec!["4.4.4.4".into()],
            ..Default::default()
        };
        let (c, ev) = for_pod(&k, &pod("Default", Some(&cfg)));
        assert_eq!(c.nameservers, ["1.1.1.1", "2.2.2.2", "3.3.3.3"]);
        assert_eq!(ev[0].reason, "DNSConfigForming");
        assert!(ResolvConf::parse("nameserver\n").is_err());
    }
}
