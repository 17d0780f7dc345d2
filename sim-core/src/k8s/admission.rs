//! Admission: an API object as a request carries it (`k8s::manifest::Manifest`, decoded
//! from a manifest's YAML) becomes what the apiserver keeps (`k8s::api::NewObject`).
//!
//! Every object enters the apiserver this way: kubectl's `create`, `apply` and `replace`,
//! and the objects the apiserver makes for itself at bootstrap (kubeadm's kube-proxy and
//! CoreDNS), which are YAML texts decoded like any manifest. The apiserver's validation
//! (`Manifest::validate`, kube-apiserver's messages) runs first; what a field means is
//! carried over here; fields the simulator does not model are dropped, and were listed as
//! warnings when the manifest was read (`Doc::unmodelled`).

use std::net::Ipv4Addr;

use super::api::{
    Address, Amount, Body, ConfigMapSpec, Container, DEFAULT_AFFINITY_TIMEOUT, DnsConfig,
    EndpointPort, EndpointSlice, Endpoints, EnvFrom, EnvRef, Kind, Labels, NamespaceSpec,
    NewObject, PodOptions, PodSpec, PortRef, Probe, ProbeAction, RcSpec, Rollout, Secret,
    ServicePort, ServiceSpec, SliceEndpoint, StoredSpec,
};
use super::manifest::Manifest;
use super::manifest::types::{self as t, IntOrString};

/// Why an object is refused: the apiserver's code, reason and message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    pub code: u16,
    pub reason: &'static str,
    pub message: String,
}

impl Refused {
    fn invalid(kind: &str, name: &str, problems: &[(String, String)]) -> Refused {
        let list: Vec<String> = problems
            .iter()
            // Each message starts with its field's path already (validation's words).
            .map(|(_, message)| message.clone())
            .collect();
        let message = if list.len() == 1 {
            format!("{kind} \"{name}\" is invalid: {}", list[0])
        } else {
            format!("{kind} \"{name}\" is invalid: [{}]", list.join(", "))
        };
        Refused {
            code: 422,
            reason: "Invalid",
            message,
        }
    }

    /// A part of an object the simulator cannot run (an IPv6 address, Endpoints subsets
    /// with different ports).
    fn not_simulated_part(kind: &str, name: &str, what: String) -> Refused {
        Refused {
            code: 501,
            reason: "NotImplemented",
            message: format!("{kind} \"{name}\": {what} is not simulated"),
        }
    }
}

/// The object `m` asks for, in namespace `ns` unless it names its own.
pub fn admit(m: &Manifest, ns: &str) -> Result<NewObject, Refused> {
    let meta = m.metadata();
    let name = meta.name.clone().unwrap_or_default();
    let problems = m.validate();
    if !problems.is_empty() {
        return Err(Refused::invalid(m.kind(), &name, &problems));
    }
    let namespace = Some(meta.namespace.clone().unwrap_or_else(|| ns.to_string()));
    let labels: Labels = meta.labels.clone().unwrap_or_default();
    let annotations: Labels = meta.annotations.clone().unwrap_or_default();
    let mut object = match m {
        Manifest::Namespace(_) => NewObject::Namespace(NamespaceSpec { name, labels }),
        Manifest::ConfigMap(c) => NewObject::ConfigMap(ConfigMapSpec {
            name,
            namespace,
            labels,
            data: c.data.clone().unwrap_or_default(),
        }),
        Manifest::Service(s) => {
            let spec = s.spec.clone().unwrap_or_default();
            NewObject::Service(ServiceSpec {
                name,
                namespace,
                labels,
                type_: spec.type_.clone(),
                cluster_ip: spec.cluster_ip.clone().filter(|ip| !ip.is_empty()),
                ports: spec
                    .ports
                    .iter()
                    .flatten()
                    .map(|p| ServicePort {
                        name: p.name.clone().unwrap_or_default(),
                        protocol: p.protocol.clone(),
                        port: p.port as u16,
                        target_port: match &p.target_port {
                            Some(IntOrString::Int(n)) if *n != 0 => Some(*n as u16),
                            _ => None,
                        },
                        target_name: match &p.target_port {
                            Some(IntOrString::String(s)) => Some(s.clone()),
                            _ => None,
                        },
                        node_port: p.node_port.filter(|n| *n != 0).map(|n| n as u32),
                    })
                    .collect(),
                selector: spec.selector.clone().unwrap_or_default(),
                external_ips: spec.external_ips.clone().unwrap_or_default(),
                external_name: spec.external_name.clone(),
                load_balancer_ip: spec.load_balancer_ip.clone().filter(|ip| !ip.is_empty()),
                publish_not_ready: spec.publish_not_ready_addresses.unwrap_or(false),
                affinity: (spec.session_affinity.as_deref() == Some("ClientIP")).then(|| {
                    spec.session_affinity_config
                        .as_ref()
                        .and_then(|c| c.client_ip.as_ref())
                        .and_then(|c| c.timeout_seconds)
                        .map_or(DEFAULT_AFFINITY_TIMEOUT, |t| t as u32)
                }),
                policy: super::api::TrafficPolicy {
                    external_local: spec.external_traffic_policy.as_deref() == Some("Local"),
                    internal_local: spec.internal_traffic_policy.as_deref() == Some("Local"),
                    health_check_node_port: spec
                        .health_check_node_port
                        .and_then(|n| u16::try_from(n).ok())
                        .filter(|n| *n != 0),
                },
            })
        }
        Manifest::Pod(p) => {
            let spec = p.spec.clone().unwrap_or_default();
            NewObject::Pod(PodSpec {
                name,
                namespace,
                labels,
                containers: containers(&spec),
                spec: options(&spec),
            })
        }
        Manifest::ReplicationController(rc) => {
            let spec = rc.spec.clone().unwrap_or_default();
            let template = spec.template.clone().unwrap_or_default();
            let template_labels = template_labels(&template);
            let selector = spec
                .selector
                .clone()
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| template_labels.clone());
            workload(
                NewObject::ReplicationController,
                name,
                namespace,
                labels,
                spec.replicas,
                selector,
                &template,
            )
        }
        Manifest::ReplicaSet(rs) => {
            let spec = rs.spec.clone().unwrap_or_default();
            let template = spec.template.clone().unwrap_or_default();
            let selector = match_labels(Some(&spec.selector), &template);
            workload(
                NewObject::ReplicaSet,
                name,
                namespace,
                labels,
                spec.replicas,
                selector,
                &template,
            )
        }
        Manifest::Deployment(d) => {
            let spec = d.spec.clone().unwrap_or_default();
            let template = spec.template.clone();
            let selector = match_labels(Some(&spec.selector), &template);
            let mut w = workload(
                NewObject::Deployment,
                name,
                namespace,
                labels,
                spec.replicas,
                selector,
                &template,
            );
            if let Some(r) = w.workload_mut() {
                r.rollout = rollout(&spec);
            }
            w
        }
        Manifest::DaemonSet(d) => {
            let spec = d.spec.clone().unwrap_or_default();
            let template = spec.template.clone();
            let selector = match_labels(Some(&spec.selector), &template);
            workload(
                NewObject::DaemonSet,
                name,
                namespace,
                labels,
                Some(0),
                selector,
                &template,
            )
        }
        Manifest::Secret(sec) => NewObject::Stored(StoredSpec {
            name,
            namespace,
            labels,
            body: Body::Secret(secret(sec)),
        }),
        Manifest::Endpoints(ep) => {
            let body = Body::Endpoints(endpoints(ep, &name)?);
            NewObject::Stored(StoredSpec {
                name,
                namespace,
                labels,
                body,
            })
        }
        Manifest::EndpointSlice(es) => {
            let body = Body::EndpointSlice(endpoint_slice(es, &name)?);
            NewObject::Stored(StoredSpec {
                name,
                namespace,
                labels,
                body,
            })
        }
        Manifest::StatefulSet(st) => {
            let spec = st.spec.clone().unwrap_or_default();
            let template = spec.template.clone();
            let selector = match_labels(Some(&spec.selector), &template);
            let mut w = workload(
                NewObject::StatefulSet,
                name,
                namespace,
                labels,
                spec.replicas,
                selector,
                &template,
            );
            if let Some(r) = w.workload_mut() {
                r.stateful = super::api::Stateful {
                    service_name: spec.service_name.clone().unwrap_or_default(),
                    parallel: spec.pod_management_policy.as_deref() == Some("Parallel"),
                    start: spec
                        .ordinals
                        .as_ref()
                        .and_then(|o| o.start)
                        .unwrap_or(0)
                        .max(0) as u32,
                };
            }
            w
        }
        Manifest::Job(j) => {
            let spec = j.spec.clone().unwrap_or_default();
            let template = spec.template.clone();
            // The selector is the apiserver's (`controller-uid`), made when it is created.
            let parallelism = spec.parallelism.map(|n| n.max(0) as u32);
            let completions = spec.completions.map(|n| n.max(0) as u32);
            let manual = spec.manual_selector == Some(true);
            let selector = if manual {
                match_labels(spec.selector.as_ref(), &template)
            } else {
                Labels::new()
            };
            let mut w = workload(
                NewObject::Job,
                name,
                namespace,
                labels,
                Some(0),
                selector,
                &template,
            );
            if let Some(r) = w.workload_mut() {
                // SetDefaults_Job: neither given, both 1; backoffLimit 6.
                r.job = super::api::Batch {
                    completions: match (completions, parallelism) {
                        (None, None) => Some(1),
                        (c, _) => c,
                    },
                    parallelism: parallelism.unwrap_or(1),
                    backoff_limit: spec.backoff_limit.unwrap_or(6).max(0) as u32,
                    deadline: spec.active_deadline_seconds.map(|d| d.max(0) as u64),
                    manual,
                    ..Default::default()
                };
            }
            w
        }
        Manifest::NetworkPolicy(np) => {
            let mut spec = np.spec.clone().unwrap_or_default();
            // The apiserver's default: Ingress, and Egress when there are egress rules.
            if spec.policy_types.as_ref().is_none_or(Vec::is_empty) {
                let mut types = vec!["Ingress".to_string()];
                if spec.egress.as_ref().is_some_and(|e| !e.is_empty()) {
                    types.push("Egress".into());
                }
                spec.policy_types = Some(types);
            }
            NewObject::Stored(StoredSpec {
                name,
                namespace,
                labels,
                body: Body::NetworkPolicy(Box::new(spec)),
            })
        }
    };
    if let Some(r) = object.workload_mut() {
        r.annotations = annotations;
    }
    Ok(object)
}

/// A Secret as the apiserver stores it: `stringData` merged over `data` (a key in both
/// takes stringData's value) and never kept; `type` defaults to `Opaque`.
fn secret(s: &t::Secret) -> Secret {
    let mut data: std::collections::BTreeMap<String, Vec<u8>> = s
        .data
        .iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.0.clone()))
        .collect();
    for (k, v) in s.string_data.iter().flatten() {
        data.insert(k.clone(), v.clone().into_bytes());
    }
    Secret {
        type_: s
            .type_
            .clone()
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "Opaque".into()),
        data,
    }
}

/// A Deployment's strategy and history limit (decoding filled in the group version's
/// defaults: `Deployment::default_strategy`).
fn rollout(spec: &t::DeploymentSpec) -> Rollout {
    let amount = |v: &Option<IntOrString>, default: Amount| match v {
        Some(IntOrString::Int(n)) => Amount::Count((*n).max(0) as u32),
        Some(IntOrString::String(s)) => match s.strip_suffix('%').map(str::parse::<u32>) {
            Some(Ok(p)) => Amount::Percent(p),
            _ => Amount::Count(s.parse().unwrap_or(0)),
        },
        None => default,
    };
    let strategy = spec.strategy.clone().unwrap_or_default();
    let ru = strategy.rolling_update.clone().unwrap_or_default();
    let d = Rollout::default();
    Rollout {
        recreate: strategy.type_.as_deref() == Some("Recreate"),
        max_surge: amount(&ru.max_surge, d.max_surge),
        max_unavailable: amount(&ru.max_unavailable, d.max_unavailable),
        history_limit: spec.revision_history_limit.map(|n| n.max(0) as u32),
        paused: spec.paused.unwrap_or(false),
    }
}

/// An IPv4 address, or what the simulator says of any other.
fn ipv4(kind: &str, name: &str, path: &str, ip: &str) -> Result<Ipv4Addr, Refused> {
    ip.parse().map_err(|_| {
        Refused::not_simulated_part(
            kind,
            name,
            format!("{path} \"{ip}\" (the simulated network is IPv4 only)"),
        )
    })
}

/// Hand-written Endpoints: their subsets as one (the apiserver repacks subsets by their
/// ports; subsets with different ports are not simulated).
fn endpoints(ep: &t::Endpoints, name: &str) -> Result<Endpoints, Refused> {
    let mut out = Endpoints::default();
    for (i, s) in ep.subsets.iter().flatten().enumerate() {
        let ports: Vec<EndpointPort> = s
            .ports
            .iter()
            .flatten()
            .map(|p| EndpointPort {
                name: p.name.clone().unwrap_or_default(),
                port: p.port as u16,
                protocol: p.protocol.clone().unwrap_or_else(|| "TCP".into()),
            })
            .collect();
        if i > 0 && ports != out.ports {
            return Err(Refused::not_simulated_part(
                "Endpoints",
                name,
                format!(
                    "subsets[{i}] with other ports than subsets[0] (the simulator keeps one subset per Endpoints; write one Service per set of ports)"
                ),
            ));
        }
        out.ports = ports;
        for (field, list, ready) in [
            ("addresses", &s.addresses, true),
            ("notReadyAddresses", &s.not_ready_addresses, false),
        ] {
            for (j, a) in list.iter().flatten().enumerate() {
                let ip = ipv4(
                    "Endpoints",
                    name,
                    &format!("subsets[{i}].{field}[{j}].ip"),
                    &a.ip,
                )?;
                let address = Address {
                    ip,
                    node: a.node_name.clone().unwrap_or_default(),
                    pod: String::new(),
                    hostname: a.hostname.clone().unwrap_or_default(),
                };
                let to = if ready {
                    &mut out.addresses
                } else {
                    &mut out.not_ready
                };
                if !to.iter().any(|b| b.ip == ip) {
                    to.push(address);
                }
            }
        }
    }
    out.addresses.sort();
    out.not_ready.sort();
    Ok(out)
}

/// A hand-written EndpointSlice (IPv4 addresses only).
fn endpoint_slice(es: &t::EndpointSlice, name: &str) -> Result<EndpointSlice, Refused> {
    if es.address_type != "IPv4" {
        return Err(Refused::not_simulated_part(
            "EndpointSlice",
            name,
            format!(
                "addressType \"{}\" (the simulated network is IPv4 only)",
                es.address_type
            ),
        ));
    }
    let mut endpoints = Vec::new();
    for (i, e) in es.endpoints.iter().enumerate() {
        for (j, a) in e.addresses.iter().enumerate() {
            endpoints.push(SliceEndpoint {
                address: ipv4(
                    "EndpointSlice",
                    name,
                    &format!("endpoints[{i}].addresses[{j}]"),
                    a,
                )?,
                ready: e.conditions.as_ref().and_then(|c| c.ready).unwrap_or(true),
                node: e.node_name.clone().unwrap_or_default(),
                pod: String::new(),
                hostname: e.hostname.clone().unwrap_or_default(),
            });
        }
    }
    let ports = es
        .ports
        .iter()
        .flatten()
        .filter_map(|p| {
            // A port without a number means "every port" to kube-proxy, which then
            // programs nothing for it; the simulator does the same by leaving it out.
            Some(EndpointPort {
                name: p.name.clone().unwrap_or_default(),
                port: p.port? as u16,
                protocol: p.protocol.clone().unwrap_or_else(|| "TCP".into()),
            })
        })
        .collect();
    Ok(EndpointSlice { endpoints, ports })
}

/// A pod template's labels.
fn template_labels(template: &t::PodTemplateSpec) -> Labels {
    template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.clone())
        .unwrap_or_default()
}

/// A `LabelSelector`'s `matchLabels`; without a selector (the old group versions
/// defaulted it), the template's labels. `matchExpressions` are refused by validation
/// until the controllers evaluate them.
fn match_labels(s: Option<&t::LabelSelector>, template: &t::PodTemplateSpec) -> Labels {
    match s {
        Some(s) if !s.is_empty() => s.match_labels.clone().unwrap_or_default(),
        _ => template_labels(template),
    }
}

fn workload(
    make: fn(RcSpec) -> NewObject,
    name: String,
    namespace: Option<String>,
    labels: Labels,
    replicas: Option<i32>,
    selector: Labels,
    template: &t::PodTemplateSpec,
) -> NewObject {
    let spec = template.spec.clone().unwrap_or_default();
    // (The group versions that defaulted a workload's labels to its template's did so
    // when it was decoded: `types::from_value`.)
    let template_labels = template_labels(template);
    make(RcSpec {
        name,
        namespace,
        labels,
        replicas: replicas.unwrap_or(1).max(0) as u32,
        selector,
        template_labels,
        template_annotations: template
            .metadata
            .as_ref()
            .and_then(|m| m.annotations.clone())
            .unwrap_or_default(),
        annotations: Labels::new(),
        containers: containers(&spec),
        spec: options(&spec),
        rollout: Rollout::default(),
        stateful: Default::default(),
        job: Default::default(),
    })
}

/// The containers as the simulator runs them: `command` and `args` as one shell line.
fn containers(spec: &t::PodSpec) -> Vec<Container> {
    to_containers(&spec.containers)
}

fn to_containers(list: &[t::Container]) -> Vec<Container> {
    list.iter()
        .map(|c| {
            let mut argv: Vec<String> = c.command.clone().unwrap_or_default();
            if !argv.is_empty() {
                argv.extend(c.args.clone().unwrap_or_default());
            }
            let ports = c.ports.clone().unwrap_or_default();
            Container {
                name: c.name.clone(),
                image: c.image.clone(),
                command: (!argv.is_empty()).then(|| command_line(&argv)),
                env: c
                    .env
                    .iter()
                    .flatten()
                    .filter_map(|e| {
                        e.value
                            .clone()
                            .or(Some(String::new()))
                            .map(|v| (e.name.clone(), v))
                    })
                    .collect(),
                ports: ports.iter().map(|p| p.container_port as u16).collect(),
                port_names: ports
                    .iter()
                    .filter_map(|p| p.name.clone().map(|n| (n, p.container_port as u16)))
                    .collect(),
                value_from: c
                    .env
                    .iter()
                    .flatten()
                    .filter_map(|e| {
                        let v = e.value_from.as_ref()?;
                        let r = if let Some(f) = &v.field_ref {
                            EnvRef::Field(f.field_path.clone())
                        } else if let Some(k) = &v.config_map_key_ref {
                            EnvRef::ConfigMapKey {
                                name: k.name.clone(),
                                key: k.key.clone(),
                                optional: k.optional.unwrap_or(false),
                            }
                        } else if let Some(k) = &v.secret_key_ref {
                            EnvRef::SecretKey {
                                name: k.name.clone(),
                                key: k.key.clone(),
                                optional: k.optional.unwrap_or(false),
                            }
                        } else {
                            return None;
                        };
                        Some((e.name.clone(), r))
                    })
                    .collect(),
                env_from: c
                    .env_from
                    .iter()
                    .flatten()
                    .filter_map(|f| {
                        let (kind, name, optional) = if let Some(r) = &f.config_map_ref {
                            (Kind::ConfigMap, &r.name, r.optional)
                        } else {
                            let r = f.secret_ref.as_ref()?;
                            (Kind::Secret, &r.name, r.optional)
                        };
                        Some(EnvFrom {
                            kind,
                            name: name.clone(),
                            prefix: f.prefix.clone().unwrap_or_default(),
                            optional: optional.unwrap_or(false),
                        })
                    })
                    .collect(),
                readiness: c.readiness_probe.as_ref().and_then(probe),
                liveness: c.liveness_probe.as_ref().and_then(probe),
                startup: c.startup_probe.as_ref().and_then(probe),
            }
        })
        .collect()
}

/// A probe with the API's defaults (`SetDefaults_Probe`: timeout 1 s, period 10 s,
/// success 1, failure 3; HTTP's path `/` and scheme `HTTP`). None without a handler the
/// simulator runs (grpc was warned about when the manifest was read).
fn probe(p: &t::Probe) -> Option<Probe> {
    let port = |p: &IntOrString| match p {
        IntOrString::Int(n) => PortRef::Number(*n as u16),
        IntOrString::String(s) => PortRef::Name(s.clone()),
    };
    let action = if let Some(e) = &p.exec {
        ProbeAction::Exec(e.command.clone().unwrap_or_default())
    } else if let Some(h) = &p.http_get {
        ProbeAction::Http {
            host: h.host.clone().filter(|h| !h.is_empty()),
            port: port(&h.port),
            path: h
                .path
                .clone()
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| "/".into()),
            scheme: h
                .scheme
                .clone()
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "HTTP".into()),
            host_header: h
                .http_headers
                .iter()
                .flatten()
                .find(|x| x.name.eq_ignore_ascii_case("host"))
                .map(|x| x.value.clone()),
        }
    } else if let Some(t) = &p.tcp_socket {
        ProbeAction::Tcp {
            host: t.host.clone().filter(|h| !h.is_empty()),
            port: port(&t.port),
        }
    } else {
        return None;
    };
    let or = |v: Option<i32>, d: u32| v.filter(|v| *v > 0).map_or(d, |v| v as u32);
    Some(Probe {
        action,
        initial_delay: p.initial_delay_seconds.unwrap_or(0).max(0) as u32,
        timeout: or(p.timeout_seconds, 1),
        period: or(p.period_seconds, 10),
        success_threshold: or(p.success_threshold, 1),
        failure_threshold: or(p.failure_threshold, 3),
    })
}

/// The parts of a pod's spec beside its containers.
fn options(spec: &t::PodSpec) -> PodOptions {
    PodOptions {
        node_name: spec.node_name.clone().filter(|n| !n.is_empty()),
        host_network: spec.host_network.unwrap_or(false),
        dns_policy: spec.dns_policy.clone().filter(|p| !p.is_empty()),
        dns_config: spec.dns_config.as_ref().map(|c| DnsConfig {
            nameservers: c.nameservers.clone().unwrap_or_default(),
            searches: c.searches.clone().unwrap_or_default(),
            options: c
                .options
                .iter()
                .flatten()
                .map(|o| (o.name.clone().unwrap_or_default(), o.value.clone()))
                .collect(),
        }),
        hostname: spec.hostname.clone().filter(|h| !h.is_empty()),
        subdomain: spec.subdomain.clone().filter(|s| !s.is_empty()),
        enable_service_links: spec.enable_service_links,
        restart_policy: spec.restart_policy.clone().filter(|p| !p.is_empty()),
        node_selector: spec.node_selector.clone().unwrap_or_default(),
        init_containers: to_containers(spec.init_containers.as_deref().unwrap_or_default()),
    }
}

/// `argv` as the one command line the simulator's programs read (split again as a shell
/// splits words): an argument is quoted only when it must be (it is empty, or has a space,
/// a quote or a backslash), so `$(NODE_NAME)` and `--port=80` stay as written.
pub fn command_line(argv: &[String]) -> String {
    argv.iter()
        .map(|a| {
            let plain = !a.is_empty()
                && !a.chars().any(|c| {
                    c.is_whitespace()
                        || matches!(c, '\'' | '"' | '\\' | ';' | '&' | '|' | '<' | '>' | '#')
                });
            if plain {
                a.clone()
            } else if !a.contains('\'') {
                format!("'{a}'")
            } else if !a.contains(['"', '$', '`', '\\']) {
                format!("\"{a}\"")
            } else {
                shell_words::quote(a).into_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::command_line;

    #[test]
    fn command_lines_split_back_into_their_arguments() {
        let cases: [&[&str]; 5] = [
            &["httpd", "-f", "-p", "80"],
            &["sleep", "3600"],
            &[
                "/usr/local/bin/kube-proxy",
                "--hostname-override=$(NODE_NAME)",
            ],
            &["sh", "-c", "while true; do echo 'A alive'; sleep 5; done"],
            &["echo", "", "a\\b", "it's"],
        ];
        for argv in cases {
            let argv: Vec<String> = argv.iter().map(|a| a.to_string()).collect();
            let line = command_line(&argv);
            assert_eq!(shell_words::split(&line).unwrap(), argv, "{line}");
        }
        assert_eq!(
            command_line(&["httpd".into(), "-f".into(), "-p".into(), "80".into()]),
            "httpd -f -p 80"
        );
        assert_eq!(
            command_line(&["a".into(), "--x=$(NODE_NAME)".into()]),
            "a --x=$(NODE_NAME)"
        );
    }
}
