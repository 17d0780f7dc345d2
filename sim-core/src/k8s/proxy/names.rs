//! kube-proxy's names and numbers: chain names hashed from the service port name, and the
//! probability ladder that spreads connections over endpoints (reference §1.3, §1.4).
//!
//! - `KUBE-SVC-` + the first 16 characters of base32(SHA-256(servicePortName + protocol));
//!   `KUBE-SEP-` the same over servicePortName + protocol + `ip:port`. The protocol is
//!   lowercase.
//! - The service port name is `<ns>/<name>:<portName>`. Modern kube-proxy drops
//!   `:<portName>` for an unnamed port; the 2015 code kept a trailing `:`. So an unnamed
//!   port hashes differently across eras.
//! - For n endpoints, the rule for endpoint i < n-1 matches with probability 1/(n-i) and the
//!   last one always: each endpoint gets 1/n. kube-proxy writes it with `%0.10f` (2015:
//!   `%0.5f`); the kernel keeps `lround(p * 2^31)` and `iptables-save` prints that back with
//!   `%.11f`, so a live node shows 1/3 as `0.33333333349`.

use data_encoding::BASE32;
use sha2::{Digest, Sha256};

/// Which conventions to follow: kube-proxy's here, and kubectl's and kubelet's elsewhere.
/// A cluster's release chooses it (`k8s::version`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Era {
    /// Kubernetes 1.5 (seed 004): kube-proxy kept 2015's (v1.1/v1.2) naming, `ns/name:port`
    /// even for an unnamed port, and `%0.5f`.
    Classic,
    /// Today's (1.28).
    Modern,
}

/// The service port name kube-proxy hashes and prints in comments.
pub fn service_port_name(ns: &str, name: &str, port_name: &str, era: Era) -> String {
    match (era, port_name.is_empty()) {
        (Era::Modern, true) => format!("{ns}/{name}"),
        _ => format!("{ns}/{name}:{port_name}"),
    }
}

fn hash16(input: &str) -> String {
    let digest = Sha256::digest(input.as_bytes());
    BASE32.encode(&digest)[..16].to_string()
}

/// `KUBE-SVC-<hash>` for a service port and protocol (`tcp`, `udp`, `sctp`).
pub fn svc_chain(spn: &str, proto: &str) -> String {
    format!(
        "KUBE-SVC-{}",
        hash16(&format!("{spn}{}", proto.to_lowercase()))
    )
}

/// `KUBE-SEP-<hash>` for one endpoint (`ip:port`) of a service port.
pub fn sep_chain(spn: &str, proto: &str, endpoint: &str) -> String {
    format!(
        "KUBE-SEP-{}",
        hash16(&format!("{spn}{}{endpoint}", proto.to_lowercase()))
    )
}

/// The probability on the rule for endpoint `i` of `n`, as kube-proxy writes it into
/// iptables-restore; `None` for the last endpoint (an unconditional jump).
pub fn probability_written(i: usize, n: usize, era: Era) -> Option<String> {
    if i + 1 >= n {
        return None;
    }
    let p = 1.0 / (n - i) as f64;
    Some(match era {
        Era::Classic => format!("{p:.5}"),
        Era::Modern => format!("{p:.10}"),
    })
}

/// The same probability as `iptables-save` prints it on a live node: the kernel keeps
/// `lround(p * 2^31)` and the extension prints it back with `%.11f`.
pub fn probability_saved(i: usize, n: usize) -> Option<String> {
    if i + 1 >= n {
        return None;
    }
    let p = 1.0 / (n - i) as f64;
    let stored = (p * 2f64.powi(31)).round() as u64;
    Some(format!("{:.11}", stored as f64 / 2f64.powi(31)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every chain name in the reference's table (§1.4), which match upstream tests.
    #[test]
    fn chain_names_match_the_reference() {
        let m = |ns, n, p| service_port_name(ns, n, p, Era::Modern);
        assert_eq!(
            svc_chain(&m("ns1", "svc1", "p80"), "tcp"),
            "KUBE-SVC-XPGD46QRK7WJZT7O"
        );
        assert_eq!(
            sep_chain(&m("ns1", "svc1", "p80"), "tcp", "10.180.0.1:80"),
            "KUBE-SEP-SXIVWICOYRO3J4NJ"
        );
        assert_eq!(
            svc_chain(&m("ns2", "svc2", "p80"), "tcp"),
            "KUBE-SVC-GNZBNJ2PO5MGZ6GT"
        );
        assert_eq!(
            svc_chain(&m("ns3", "svc3", "p80"), "tcp"),
            "KUBE-SVC-X27LE4BHSL4DOUIK"
        );
        assert_eq!(
            svc_chain(&m("ns4", "svc4", "p80"), "tcp"),
            "KUBE-SVC-4SW47YFZTEDKD3PK"
        );
        assert_eq!(
            sep_chain(&m("ns4", "svc4", "p80"), "tcp", "10.180.0.4:80"),
            "KUBE-SEP-UKSFD7AGPMPPLUHC"
        );
        assert_eq!(
            sep_chain(&m("ns4", "svc4", "p80"), "tcp", "10.180.0.5:80"),
            "KUBE-SEP-C6EBXVWJJZMIWKLZ"
        );
        assert_eq!(
            svc_chain(&m("ns5", "svc5", "p80"), "tcp"),
            "KUBE-SVC-NUKIZ6OKUXPJNT4C"
        );
        assert_eq!(
            svc_chain(&m("default", "kubernetes", "https"), "tcp"),
            "KUBE-SVC-NPX46M4PTMTKRN6Y"
        );
        assert_eq!(
            svc_chain(&m("kube-system", "kube-dns", "dns"), "UDP"),
            "KUBE-SVC-TCOU7JCQXEZGVUNU"
        );
        assert_eq!(
            svc_chain(&m("kube-system", "kube-dns", "dns-tcp"), "tcp"),
            "KUBE-SVC-ERIFXISQEP7F7OF4"
        );
        // An unnamed port: the eras disagree.
        let classic = service_port_name("default", "kubernetes", "", Era::Classic);
        assert_eq!(classic, "default/kubernetes:");
        assert_eq!(svc_chain(&classic, "tcp"), "KUBE-SVC-6N4SJQIF3IX3FORG");
        let modern = service_port_name("default", "redis-master", "", Era::Modern);
        assert_eq!(svc_chain(&modern, "tcp"), "KUBE-SVC-GGJXVPNFZDFEEY5C");
        assert_eq!(
            svc_chain(
                &service_port_name("default", "redis-master", "", Era::Classic),
                "tcp"
            ),
            "KUBE-SVC-7GF4BJM3Z6CMNVML"
        );
        assert_eq!(
            sep_chain(&modern, "tcp", "10.244.1.2:6379"),
            "KUBE-SEP-OWLXRPYBS4VVMIHH"
        );
    }

    /// 1/n, 1/(n-1), ..., 1/2, then an unconditional last rule; written and saved forms
    /// as the reference derives them (§1.3).
    #[test]
    fn probability_ladder_is_written_and_saved_like_the_real_tools() {
        let written: Vec<_> = (0..4)
            .map(|i| probability_written(i, 4, Era::Modern))
            .collect();
        assert_eq!(
            written,
            [
                Some("0.2500000000".to_string()),
                Some("0.3333333333".to_string()),
                Some("0.5000000000".to_string()),
                None
            ]
        );
        assert_eq!(
            probability_written(0, 2, Era::Classic).as_deref(),
            Some("0.50000")
        );
        assert_eq!(
            probability_written(0, 3, Era::Classic).as_deref(),
            Some("0.33333")
        );
        assert_eq!(probability_saved(0, 2).as_deref(), Some("0.50000000000"));
        assert_eq!(probability_saved(0, 3).as_deref(), Some("0.33333333349"));
        assert_eq!(probability_saved(0, 4).as_deref(), Some("0.25000000000"));
        assert_eq!(probability_saved(0, 5).as_deref(), Some("0.20000000019"));
        assert_eq!(probability_saved(0, 1), None);
    }
}
