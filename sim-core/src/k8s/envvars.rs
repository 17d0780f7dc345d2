//! The environment kubelet gives a container (`pkg/kubelet/envvars/envvars.go`, reference §5).
//!
//! For every Service with a ClusterIP (headless and ExternalName ones are skipped):
//! `{SVC}_SERVICE_HOST`, `{SVC}_SERVICE_PORT` (the first port), `{SVC}_SERVICE_PORT_{NAME}`
//! for each named port, then docker-link variables: `{SVC}_PORT=proto://ip:port` for the
//! first port and, per port, `{SVC}_PORT_{port}_{PROTO}` with `_PROTO`, `_PORT`, `_ADDR`.
//! Names are upper-cased with `-` as `_`. The Services are those of the pod's namespace
//! that exist when the container starts (if `enableServiceLinks`), plus `kubernetes` from
//! `default` always. Declared variables come first and win over generated ones.
//!
//! Order: kubelet builds a map, so the real order is not defined (seed 004's `printenv`
//! shows docker's); here the declared variables come first, then each Service's in the
//! order above, Services by name.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

/// One port of a Service, as the env vars need it.
#[derive(Clone, Debug)]
pub struct Port {
    pub name: String,
    pub port: u16,
    /// `TCP`, `UDP` or `SCTP`.
    pub protocol: String,
}

/// What of a Service the env vars need.
#[derive(Clone, Debug)]
pub struct Service {
    pub namespace: String,
    pub name: String,
    /// `None` for headless (`clusterIP: None`) and ExternalName Services.
    pub cluster_ip: Option<Ipv4Addr>,
    pub ports: Vec<Port>,
}

fn mangle(s: &str) -> String {
    s.replace('-', "_").to_uppercase()
}

/// envvars.FromServices for one Service.
fn from_service(svc: &Service, out: &mut Vec<(String, String)>) {
    let (Some(ip), Some(first)) = (svc.cluster_ip, svc.ports.first()) else {
        return;
    };
    let prefix = mangle(&svc.name);
    out.push((format!("{prefix}_SERVICE_HOST"), ip.to_string()));
    out.push((format!("{prefix}_SERVICE_PORT"), first.port.to_string()));
    for p in svc.ports.iter().filter(|p| !p.name.is_empty()) {
        out.push((
            format!("{prefix}_SERVICE_PORT_{}", mangle(&p.name)),
            p.port.to_string(),
        ));
    }
    for (i, p) in svc.ports.iter().enumerate() {
        let proto = if p.protocol.is_empty() {
            "TCP".to_string()
        } else {
            p.protocol.to_uppercase()
        };
        let lower = proto.to_lowercase();
        let url = format!("{lower}://{ip}:{}", p.port);
        if i == 0 {
            out.push((format!("{prefix}_PORT"), url.clone()));
        }
        let pp = format!("{prefix}_PORT_{}_{proto}", p.port);
        out.push((pp.clone(), url));
        out.push((format!("{pp}_PROTO"), lower));
        out.push((format!("{pp}_PORT"), p.port.to_string()));
        out.push((format!("{pp}_ADDR"), ip.to_string()));
    }
}

/// The container's environment: `declared` first, then the Service variables of
/// `services` (all Services that exist now) for a pod in `namespace`.
pub fn container_env(
    declared: &[(String, String)],
    namespace: &str,
    services: &[Service],
    enable_service_links: bool,
) -> Vec<(String, String)> {
    let mut chosen: Vec<&Service> = services
        .iter()
        .filter(|s| {
            (enable_service_links && s.namespace == namespace)
                || (s.namespace == "default" && s.name == "kubernetes")
        })
        .collect();
    chosen.sort_by(|a, b| a.name.cmp(&b.name).then(a.namespace.cmp(&b.namespace)));
    // The master Service from `default` and one of the same name in the pod's namespace:
    // kubelet keeps the pod namespace's.
    chosen.dedup_by(|b, a| a.name == b.name);
    let mut generated = Vec::new();
    for s in chosen {
        from_service(s, &mut generated);
    }
    let taken: BTreeSet<&str> = declared.iter().map(|(k, _)| k.as_str()).collect();
    let mut out: Vec<(String, String)> = declared.to_vec();
    out.extend(
        generated
            .into_iter()
            .filter(|(k, _)| !taken.contains(k.as_str())),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svc(ns: &str, name: &str, ip: Option<&str>, ports: &[(&str, u16, &str)]) -> Service {
        Service {
            namespace: ns.into(),
            name: name.into(),
            cluster_ip: ip.map(|i| i.parse().unwrap()),
            ports: ports
                .iter()
                .map(|(n, p, proto)| Port {
                    name: n.to_string(),
                    port: *p,
                    protocol: proto.to_string(),
                })
                .collect(),
        }
    }

    /// Seed 004's redis-slave: `GET_HOSTS_FROM=env` declared, the master Service and
    /// `kubernetes`. Every Kubernetes variable its `printenv` shows, and nothing else.
    #[test]
    fn seed_004_redis_slave_gets_the_seeds_variables() {
        let services = [
            svc(
                "default",
                "kubernetes",
                Some("10.254.0.1"),
                &[("https", 443, "TCP")],
            ),
            svc(
                "default",
                "redis-master",
                Some("10.254.69.157"),
                &[("", 6379, "TCP")],
            ),
            svc("default", "headless", None, &[("", 80, "TCP")]),
            svc("other", "elsewhere", Some("10.254.9.9"), &[("", 80, "TCP")]),
        ];
        let declared = [("GET_HOSTS_FROM".to_string(), "env".to_string())];
        let env = container_env(&declared, "default", &services, true);
        let mut got: Vec<String> = env.iter().map(|(k, v)| format!("{k}={v}")).collect();
        got.sort();
        let mut want = vec![
            "GET_HOSTS_FROM=env",
            "KUBERNETES_PORT=tcp://10.254.0.1:443",
            "KUBERNETES_PORT_443_TCP=tcp://10.254.0.1:443",
            "KUBERNETES_PORT_443_TCP_ADDR=10.254.0.1",
            "KUBERNETES_PORT_443_TCP_PORT=443",
            "KUBERNETES_PORT_443_TCP_PROTO=tcp",
            "KUBERNETES_SERVICE_HOST=10.254.0.1",
            "KUBERNETES_SERVICE_PORT=443",
            "KUBERNETES_SERVICE_PORT_HTTPS=443",
            "REDIS_MASTER_PORT=tcp://10.254.69.157:6379",
            "REDIS_MASTER_PORT_6379_TCP=tcp://10.254.69.157:6379",
            "REDIS_MASTER_PORT_6379_TCP_ADDR=10.254.69.157",
            "REDIS_MASTER_PORT_6379_TCP_PORT=6379",
            "REDIS_MASTER_PORT_6379_TCP_PROTO=tcp",
            "REDIS_MASTER_SERVICE_HOST=10.254.69.157",
            "REDIS_MASTER_SERVICE_PORT=6379",
        ];
        want.sort();
        assert_eq!(got, want);
    }

    /// Without service links only `kubernetes` is there; a declared variable wins; UDP
    /// ports and named ports get their own variables.
    #[test]
    fn links_off_declared_wins_and_udp_ports() {
        let services = [
            svc(
                "default",
                "kubernetes",
                Some("10.0.0.1"),
                &[("https", 443, "TCP")],
            ),
            svc(
                "default",
                "kube-dns",
                Some("10.0.0.10"),
                &[("dns", 53, "UDP"), ("dns-tcp", 53, "TCP")],
            ),
        ];
        let env = container_env(&[], "default", &services, false);
        assert!(env.iter().all(|(k, _)| k.starts_with("KUBERNETES_")));
        let declared = [("KUBE_DNS_SERVICE_HOST".to_string(), "1.2.3.4".to_string())];
        let env = container_env(&declared, "default", &services, true);
        let get = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("KUBE_DNS_SERVICE_HOST"), Some("1.2.3.4"));
        assert_eq!(
            env.iter()
                .filter(|(n, _)| n == "KUBE_DNS_SERVICE_HOST")
                .count(),
            1
        );
        assert_eq!(get("KUBE_DNS_SERVICE_PORT_DNS_TCP"), Some("53"));
        assert_eq!(get("KUBE_DNS_PORT"), Some("udp://10.0.0.10:53"));
        assert_eq!(get("KUBE_DNS_PORT_53_UDP_PROTO"), Some("udp"));
        assert_eq!(get("KUBE_DNS_PORT_53_TCP_ADDR"), Some("10.0.0.10"));
    }
}
