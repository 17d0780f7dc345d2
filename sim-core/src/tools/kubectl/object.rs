//! An object as the apiserver returns it to kubectl (`get -o yaml|json|jsonpath`,
//! `custom-columns`, `--sort-by`): `kind`, `apiVersion`, `metadata` (uid,
//! resourceVersion, creationTimestamp in simulated time, labels, ownerReferences), `spec`
//! with the defaults the apiserver fills in, and `status`, built from the simulator's
//! model (`k8s::api::Object`).
//!
//! Fields are set in the Go structs' order (k8s.io/api core/v1, apps/v1), which kubectl
//! 1.5 kept in its JSON; what the simulator does not model is left out rather than made up
//! (the service-account token volume, managedFields, node capacity and system info,
//! rollout annotations and conditions, metadata.generation).
//!
//! Era differences: 1.5 served ReplicaSets, Deployments and DaemonSets as
//! `extensions/v1beta1`, set `metadata.selfLink`, and had none of the later defaults
//! (`schedulerName`, `tolerations`, `enableServiceLinks`, `priority`, `preemptionPolicy`,
//! `terminationMessagePolicy`, `clusterIPs`, `ipFamilies`, `internalTrafficPolicy`,
//! `podIPs`, `qosClass`, `ContainersReady`); modern serves them as `apps/v1`.

use super::value::{Map, Value};
use crate::clock::rfc3339;
use crate::engine::SimTime;
use crate::k8s::api::{Address, Body, Container, Kind, Object, Phase, Pod, PodOptions, Rc};
use crate::k8s::proxy::names::Era;

/// The group/version the apiserver serves `kind` under in `era`.
pub fn api_version(kind: Kind, era: Era) -> String {
    kind.served_version(era).into()
}

/// The resource name without its group (`replicasets`).
pub fn resource(kind: Kind) -> &'static str {
    kind.plural().split('.').next().unwrap_or("")
}

/// `schema.GroupVersionResource.String()`: `/v1, Resource=pods`, as kubectl's list errors
/// name what they listed.
pub fn gvr(kind: Kind, era: Era) -> String {
    let gv = api_version(kind, era);
    let gv = if gv.contains('/') {
        gv
    } else {
        format!("/{gv}")
    };
    format!("{gv}, Resource={}", resource(kind))
}

/// A list as kubectl prints several objects: modern kubectl's `kind: List` with
/// `metadata.resourceVersion: ""`, 1.5's with empty metadata.
pub fn list(items: Vec<Value>, era: Era) -> Value {
    let mut m = Map::new();
    match era {
        Era::Modern => {
            let mut meta = Map::new();
            meta.set("resourceVersion", "");
            m.set("apiVersion", "v1")
                .set("items", items)
                .set("kind", "List")
                .set("metadata", meta);
        }
        Era::Classic => {
            m.set("kind", "List")
                .set("apiVersion", "v1")
                .set("metadata", Map::new())
                .set("items", items);
        }
    }
    Value::Map(m)
}

fn time(t: SimTime) -> Value {
    Value::Str(rfc3339(t))
}

fn labels(l: &crate::k8s::api::Labels) -> Value {
    let mut m = Map::new();
    for (k, v) in l {
        m.set(k, v);
    }
    Value::Map(m)
}

/// The object in the API's shape.
pub fn api_object(o: &Object, era: Era) -> Value {
    let kind = o.kind();
    let mut v = Map::new();
    v.set("kind", kind.name())
        .set("apiVersion", api_version(kind, era))
        .set("metadata", metadata(o, era));
    match &o.body {
        Body::Namespace => {
            v.set(
                "spec",
                Map::new()
                    .set("finalizers", vec![Value::from("kubernetes")])
                    .clone(),
            );
            let phase = if o.meta.deletion.is_some() {
                "Terminating"
            } else {
                "Active"
            };
            v.set("status", Map::new().set("phase", phase).clone());
        }
        Body::Node(n) => {
            let mut spec = Map::new();
            if era == Era::Classic {
                spec.set("externalID", &o.meta.name);
            }
            v.set("spec", spec);
            let (status, reason, message) = if n.ready {
                ("True", "KubeletReady", "kubelet is posting ready status")
            } else {
                (
                    "Unknown",
                    "NodeStatusUnknown",
                    "Kubelet stopped posting node status.",
                )
            };
            let ready = Map::new()
                .set("type", "Ready")
                .set("status", status)
                .set("lastHeartbeatTime", time(n.heartbeat))
                .set("lastTransitionTime", time(o.meta.created))
                .set("reason", reason)
                .set("message", message)
                .clone();
            let address =
                |t: &str, a: &str| Value::Map(Map::new().set("type", t).set("address", a).clone());
            let mut info = Map::new();
            info.set("architecture", "amd64")
                .set("kubeProxyVersion", super::KUBELET_VERSION)
                .set("kubeletVersion", super::KUBELET_VERSION)
                .set("operatingSystem", "linux");
            let status = Map::new()
                .set("conditions", vec![Value::Map(ready)])
                .set(
                    "addresses",
                    vec![
                        address("InternalIP", &n.ip.to_string()),
                        address("Hostname", &o.meta.name),
                    ],
                )
                .set("nodeInfo", info)
                .clone();
            v.set("status", status);
        }
        Body::Pod(p) => {
            v.set("spec", pod_spec(&p.containers, &p.spec, Some(p), era));
            v.set("status", pod_status(o, p, era));
        }
        Body::Service(s) => {
            let mut spec = Map::new();
            let ports: Vec<Value> = s
                .ports
                .iter()
                .map(|p| {
                    let mut pm = Map::new();
                    if !p.name.is_empty() {
                        pm.set("name", &p.name);
                    }
                    pm.set("protocol", p.protocol())
                        .set("port", p.port)
                        .set("targetPort", p.target());
                    if let Some(n) = p.node_port {
                        pm.set("nodePort", n);
                    }
                    Value::Map(pm)
                })
                .collect();
            spec.set("ports", ports);
            if !s.selector.is_empty() {
                spec.set("selector", labels(&s.selector));
            }
            let external_name = s.type_ == "ExternalName";
            if !external_name {
                let ip = s
                    .cluster_ip
                    .map(|i| i.to_string())
                    .unwrap_or_else(|| "None".into());
                spec.set("clusterIP", ip.as_str());
                if era == Era::Modern {
                    spec.set("clusterIPs", vec![Value::from(ip)]);
                }
            }
            spec.set("type", &s.type_);
            if !s.external_ips.is_empty() {
                spec.set(
                    "externalIPs",
                    s.external_ips
                        .iter()
                        .map(|i| Value::from(i.to_string()))
                        .collect::<Vec<_>>(),
                );
            }
            if s.publish_not_ready {
                spec.set("publishNotReadyAddresses", true);
            }
            match s.affinity {
                // 1.5 had no sessionAffinityConfig: its kube-proxy held a client for a
                // fixed 180 minutes.
                Some(timeout) if era == Era::Modern => {
                    spec.set("sessionAffinity", "ClientIP");
                    let mut client_ip = Map::new();
                    client_ip.set("timeoutSeconds", timeout);
                    let mut config = Map::new();
                    config.set("clientIP", client_ip);
                    spec.set("sessionAffinityConfig", config);
                }
                Some(_) => {
                    spec.set("sessionAffinity", "ClientIP");
                }
                None => {
                    spec.set("sessionAffinity", "None");
                }
            }
            if let Some(n) = &s.external_name {
                spec.set("externalName", n);
            }
            if era == Era::Modern {
                if let Some(policy) = s.external_traffic_policy() {
                    spec.set("externalTrafficPolicy", policy);
                }
                if let Some(n) = s.policy.health_check_node_port {
                    spec.set("healthCheckNodePort", i64::from(n));
                }
                if !external_name {
                    spec.set("ipFamilies", vec![Value::from("IPv4")])
                        .set("ipFamilyPolicy", "SingleStack");
                }
                if s.type_ == "LoadBalancer" {
                    spec.set("allocateLoadBalancerNodePorts", true);
                }
                if let Some(policy) = s.internal_traffic_policy() {
                    spec.set("internalTrafficPolicy", policy);
                }
            }
            v.set("spec", spec);
            let mut lb = Map::new();
            if !s.ingress.is_empty() {
                let ingress: Vec<Value> = s
                    .ingress
                    .iter()
                    .map(|ip| Value::Map(Map::new().set("ip", ip.to_string()).clone()))
                    .collect();
                lb.set("ingress", ingress);
            }
            v.set("status", Map::new().set("loadBalancer", lb).clone());
        }
        Body::Endpoints(e) => {
            let address = |a: &Address| {
                let mut m = Map::new();
                if !a.hostname.is_empty() {
                    m.set("hostname", &a.hostname);
                }
                m.set("ip", a.ip.to_string());
                endpoint_refs(&mut m, &a.node, &o.meta.namespace, &a.pod);
                Value::Map(m)
            };
            let mut subset = Map::new();
            if !e.addresses.is_empty() {
                subset.set(
                    "addresses",
                    e.addresses.iter().map(address).collect::<Vec<_>>(),
                );
            }
            if !e.not_ready.is_empty() {
                subset.set(
                    "notReadyAddresses",
                    e.not_ready.iter().map(address).collect::<Vec<_>>(),
                );
            }
            let ports: Vec<Value> = e
                .ports
                .iter()
                .map(|p| {
                    let mut pm = Map::new();
                    if !p.name.is_empty() {
                        pm.set("name", &p.name);
                    }
                    Value::Map(pm.set("port", p.port).set("protocol", &p.protocol).clone())
                })
                .collect();
            subset.set("ports", ports);
            let empty = e.addresses.is_empty() && e.not_ready.is_empty();
            match (empty, era) {
                (false, _) => {
                    v.set("subsets", vec![Value::Map(subset)]);
                }
                // Modern Endpoints without addresses have no `subsets` at all; 1.5 wrote
                // an empty list.
                (true, Era::Classic) => {
                    v.set("subsets", Value::List(Vec::new()));
                }
                (true, Era::Modern) => {}
            }
        }
        Body::EndpointSlice(es) => {
            v.set("addressType", "IPv4");
            let endpoints: Vec<Value> = es
                .endpoints
                .iter()
                .map(|e| {
                    let mut m = Map::new();
                    m.set("addresses", vec![Value::from(e.address.to_string())])
                        .set("conditions", Map::new().set("ready", e.ready).clone());
                    if !e.hostname.is_empty() {
                        m.set("hostname", &e.hostname);
                    }
                    endpoint_refs(&mut m, &e.node, &o.meta.namespace, &e.pod);
                    Value::Map(m)
                })
                .collect();
            if !endpoints.is_empty() {
                v.set("endpoints", endpoints);
            }
            let ports: Vec<Value> = es
                .ports
                .iter()
                .map(|p| {
                    Value::Map(
                        Map::new()
                            .set("name", &p.name)
                            .set("port", p.port)
                            .set("protocol", &p.protocol)
                            .clone(),
                    )
                })
                .collect();
            v.set("ports", ports);
        }
        Body::NetworkPolicy(spec) => {
            let json =
                crate::k8s::api::without_nulls(serde_json::to_value(spec).unwrap_or_default());
            v.set("spec", from_json(&json));
        }
        Body::ConfigMap(data) => {
            if !data.is_empty() {
                v.set("data", labels(data));
            }
        }
        Body::Secret(sec) => {
            if !sec.data.is_empty() {
                let data: crate::k8s::api::Labels = crate::k8s::api::secret_data(sec)
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect();
                v.set("data", labels(&data));
            }
            v.set("type", &sec.type_);
        }
        Body::Workload(w) => {
            v.set("spec", workload_spec(w, era));
            v.set("status", workload_status(w, era));
        }
    }
    Value::Map(v)
}

/// An endpoint's `nodeName` and its pod's `targetRef`, each when it has one (a
/// hand-written endpoint names neither).
fn endpoint_refs(m: &mut Map, node: &str, ns: &str, pod: &str) {
    if !node.is_empty() {
        m.set("nodeName", node);
    }
    if !pod.is_empty() {
        let mut r = Map::new();
        r.set("kind", "Pod").set("namespace", ns).set("name", pod);
        m.set("targetRef", r);
    }
}

/// A JSON value in the printers' value type (maps keep serde_json's sorted keys, as
/// kubectl's YAML and JSON printers sort them).
fn from_json(j: &serde_json::Value) -> Value {
    match j {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::from(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::from(i),
            None => Value::from(n.as_f64().unwrap_or(0.0)),
        },
        serde_json::Value::String(s) => Value::from(s.as_str()),
        serde_json::Value::Array(a) => Value::List(a.iter().map(from_json).collect()),
        serde_json::Value::Object(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                out.set(k, from_json(v));
            }
            Value::Map(out)
        }
    }
}

fn metadata(o: &Object, era: Era) -> Value {
    let m = &o.meta;
    let kind = o.kind();
    let mut meta = Map::new();
    meta.set("name", &m.name);
    // A controller's pod: `<owner>-` plus five characters.
    if let (true, Kind::Pod, Some((cut, _))) = (
        o.meta.owner.is_some(),
        kind,
        m.name.char_indices().rev().nth(4),
    ) {
        meta.set("generateName", &m.name[..cut]);
    }
    if kind.namespaced() {
        meta.set("namespace", &m.namespace);
    }
    if era == Era::Classic {
        let prefix = match api_version(kind, era).as_str() {
            "v1" => "/api/v1".to_string(),
            gv => format!("/apis/{gv}"),
        };
        let link = if kind.namespaced() {
            format!(
                "{prefix}/namespaces/{}/{}/{}",
                m.namespace,
                resource(kind),
                m.name
            )
        } else {
            format!("{prefix}/{}/{}", resource(kind), m.name)
        };
        meta.set("selfLink", link);
    }
    meta.set("uid", &m.uid)
        .set("resourceVersion", m.resource_version.to_string())
        .set("creationTimestamp", time(m.created));
    if let Some(t) = m.deletion {
        meta.set("deletionTimestamp", time(t));
    }
    if !m.labels.is_empty() {
        meta.set("labels", labels(&m.labels));
    }
    if !m.annotations.is_empty() {
        meta.set("annotations", labels(&m.annotations));
    }
    if let Some((k, n)) = &m.owner {
        let mut r = Map::new();
        r.set("apiVersion", api_version(*k, era))
            .set("kind", k.name())
            .set("name", n)
            .set("uid", &m.owner_uid)
            .set("controller", true);
        if era == Era::Modern {
            r.set("blockOwnerDeletion", true);
        }
        meta.set("ownerReferences", vec![Value::Map(r)]);
    }
    Value::Map(meta)
}

/// The image pull policy the apiserver defaults: `Always` for `:latest` or no tag,
/// else `IfNotPresent`.
fn pull_policy(image: &str) -> &'static str {
    let last = image.rsplit('/').next().unwrap_or(image);
    if image.contains('@') {
        return "IfNotPresent";
    }
    match last.split_once(':') {
        Some((_, "latest")) | None => "Always",
        Some(_) => "IfNotPresent",
    }
}

fn container(c: &Container, era: Era) -> Value {
    let mut m = Map::new();
    m.set("name", &c.name);
    if let Some(i) = &c.image {
        m.set("image", i);
    }
    if let Some(cmd) = &c.command {
        let words = shell_words::split(cmd).unwrap_or_else(|_| vec![cmd.clone()]);
        m.set(
            "command",
            words.into_iter().map(Value::from).collect::<Vec<_>>(),
        );
    }
    if !c.ports.is_empty() {
        let ports: Vec<Value> = c
            .ports
            .iter()
            .map(|p| {
                // ContainerPort's field order: name, containerPort, protocol.
                let mut port = Map::new();
                if let Some((name, _)) = c.port_names.iter().find(|(_, n)| n == p) {
                    port.set("name", name);
                }
                Value::Map(port.set("containerPort", *p).set("protocol", "TCP").clone())
            })
            .collect();
        m.set("ports", ports);
    }

    // EnvFromSource's field order: prefix, configMapRef, secretRef.
    if !c.env_from.is_empty() {
        let from: Vec<Value> = c
            .env_from
            .iter()
            .map(|f| {
                let mut e = Map::new();
                if !f.prefix.is_empty() {
                    e.set("prefix", f.prefix.as_str());
                }
                let mut r = Map::new();
                r.set("name", f.name.as_str());
                if f.optional {
                    r.set("optional", true);
                }
                let field = if f.kind == Kind::Secret {
                    "secretRef"
                } else {
                    "configMapRef"
                };
                Value::Map(e.set(field, r).clone())
            })
            .collect();
        m.set("envFrom", from);
    }
    if !c.env.is_empty() {
        let env: Vec<Value> = c
            .env
            .iter()
            .map(|(k, v)| {
                // A variable from elsewhere has its `valueFrom`, not a value.
                use crate::k8s::api::EnvRef;
                let from = c.value_from.iter().find(|(n, _)| n == k).map(|x| &x.1);
                let mut e = Map::new();
                e.set("name", k);
                match from {
                    None => {
                        e.set("value", v);
                    }
                    Some(EnvRef::Field(path)) => {
                        let f = Map::new()
                            .set("apiVersion", "v1")
                            .set("fieldPath", path.as_str())
                            .clone();
                        e.set("valueFrom", Map::new().set("fieldRef", f).clone());
                    }
                    Some(
                        r @ (EnvRef::ConfigMapKey {
                            name,
                            key,
                            optional,
                        }
                        | EnvRef::SecretKey {
                            name,
                            key,
                            optional,
                        }),
                    ) => {
                        let mut sel = Map::new();
                        sel.set("key", key.as_str()).set("name", name.as_str());
                        if *optional {
                            sel.set("optional", true);
                        }
                        let field = if matches!(r, EnvRef::ConfigMapKey { .. }) {
                            "configMapKeyRef"
                        } else {
                            "secretKeyRef"
                        };
                        e.set("valueFrom", Map::new().set(field, sel).clone());
                    }
                }
                Value::Map(e)
            })
            .collect();
        m.set("env", env);
    }
    m.set("resources", Map::new());
    // Container's field order: resources, livenessProbe, readinessProbe, startupProbe,
    // lifecycle, terminationMessagePath.
    for (field, probe) in [
        ("livenessProbe", &c.liveness),
        ("readinessProbe", &c.readiness),
        ("startupProbe", &c.startup),
    ] {
        if let Some(p) = probe {
            m.set(field, probe_value(p));
        }
    }
    m.set("terminationMessagePath", "/dev/termination-log");
    if era == Era::Modern {
        m.set("terminationMessagePolicy", "File");
    }
    m.set(
        "imagePullPolicy",
        pull_policy(c.image.as_deref().unwrap_or("")),
    );
    Value::Map(m)
}

/// A probe as the API returns it, its defaults filled in.
fn probe_value(p: &crate::k8s::api::Probe) -> Map {
    use crate::k8s::api::{PortRef, ProbeAction};
    let port = |r: &PortRef| -> Value {
        match r {
            PortRef::Number(n) => Value::from(*n),
            PortRef::Name(s) => Value::from(s),
        }
    };
    let mut m = Map::new();
    match &p.action {
        ProbeAction::Exec(cmd) => {
            let words: Vec<Value> = cmd.iter().map(Value::from).collect();
            m.set("exec", Map::new().set("command", words).clone());
        }
        ProbeAction::Tcp { host, port: r } => {
            let mut t = Map::new();
            t.set("port", port(r));
            if let Some(h) = host {
                t.set("host", h);
            }
            m.set("tcpSocket", t);
        }
        ProbeAction::Http {
            host,
            port: r,
            path,
            scheme,
            host_header,
        } => {
            let mut h = Map::new();
            // HTTPGetAction's field order: path, port, host, scheme, httpHeaders.
            h.set("path", path).set("port", port(r));
            if let Some(x) = host {
                h.set("host", x);
            }
            h.set("scheme", scheme);
            if let Some(x) = host_header {
                let header = Map::new().set("name", "Host").set("value", x).clone();
                h.set("httpHeaders", vec![Value::from(header)]);
            }
            m.set("httpGet", h);
        }
    }
    // Probe's field order after its handler; initialDelaySeconds is omitted when 0.
    if p.initial_delay != 0 {
        m.set("initialDelaySeconds", p.initial_delay);
    }
    m.set("timeoutSeconds", p.timeout)
        .set("periodSeconds", p.period)
        .set("successThreshold", p.success_threshold)
        .set("failureThreshold", p.failure_threshold)
        .clone()
}

/// A pod's spec (`pod: Some`) or a controller's template spec (`None`): the template has
/// no service account, no scheduling results and fewer defaults.
fn pod_spec(containers: &[Container], o: &PodOptions, pod: Option<&Pod>, era: Era) -> Value {
    let mut s = Map::new();
    s.set(
        "containers",
        containers
            .iter()
            .map(|c| container(c, era))
            .collect::<Vec<_>>(),
    );
    if !o.init_containers.is_empty() {
        s.set(
            "initContainers",
            o.init_containers
                .iter()
                .map(|c| container(c, era))
                .collect::<Vec<_>>(),
        );
    }
    s.set("restartPolicy", o.restart_policy())
        .set("terminationGracePeriodSeconds", 30i64)
        .set("dnsPolicy", o.dns_policy());
    if pod.is_some() {
        s.set("serviceAccountName", "default")
            .set("serviceAccount", "default");
    }
    let node = pod.and_then(|p| p.node.clone()).or(o.node_name.clone());
    if let Some(n) = node {
        s.set("nodeName", n);
    }
    if o.host_network {
        s.set("hostNetwork", true);
    }
    s.set("securityContext", Map::new());
    if let Some(h) = &o.hostname {
        s.set("hostname", h);
    }
    if let Some(sd) = &o.subdomain {
        s.set("subdomain", sd);
    }
    if era == Era::Modern {
        s.set("schedulerName", "default-scheduler");
        if pod.is_some() {
            let toleration = |key: &str| {
                Value::Map(
                    Map::new()
                        .set("key", key)
                        .set("operator", "Exists")
                        .set("effect", "NoExecute")
                        .set("tolerationSeconds", 300i64)
                        .clone(),
                )
            };
            s.set(
                "tolerations",
                vec![
                    toleration("node.kubernetes.io/not-ready"),
                    toleration("node.kubernetes.io/unreachable"),
                ],
            );
            s.set("priority", 0i64);
        }
    }
    if let Some(c) = &o.dns_config {
        let mut d = Map::new();
        if !c.nameservers.is_empty() {
            d.set(
                "nameservers",
                c.nameservers.iter().map(Value::from).collect::<Vec<_>>(),
            );
        }
        if !c.searches.is_empty() {
            d.set(
                "searches",
                c.searches.iter().map(Value::from).collect::<Vec<_>>(),
            );
        }
        if !c.options.is_empty() {
            let opts: Vec<Value> = c
                .options
                .iter()
                .map(|(n, v)| {
                    let mut m = Map::new();
                    m.set("name", n);
                    if let Some(v) = v {
                        m.set("value", v);
                    }
                    Value::Map(m)
                })
                .collect();
            d.set("options", opts);
        }
        s.set("dnsConfig", d);
    }
    if era == Era::Modern && pod.is_some() {
        s.set("enableServiceLinks", o.enable_service_links.unwrap_or(true))
            .set("preemptionPolicy", "PreemptLowerPriority");
    }
    Value::Map(s)
}

/// A SHA-256 in hex: container ids are `docker://` plus that of the pod's uid and the
/// container's name, image ids that of the image's name, as `kubectl describe pod` shows
/// them (the shape of docker's ids, not values a runtime would give).
fn sha_hex(s: &str) -> String {
    use sha2::{Digest, Sha256};
    data_encoding::HEXLOWER.encode(&Sha256::digest(s.as_bytes()))
}

fn pod_status(o: &Object, p: &Pod, era: Era) -> Value {
    let mut s = Map::new();
    s.set("phase", p.phase.name());
    let condition = |t: &str, ok: bool, at: SimTime, unready: Option<&str>| {
        let mut c = Map::new();
        c.set("type", t)
            .set("status", if ok { "True" } else { "False" })
            .set("lastProbeTime", Value::Null)
            .set("lastTransitionTime", time(at));
        if let (false, Some(names)) = (ok, unready) {
            c.set("reason", "ContainersNotReady").set(
                "message",
                format!("containers with unready status: [{names}]"),
            );
        }
        Value::Map(c)
    };
    let created = o.meta.created;
    let started = p.started.unwrap_or(created);
    let names: Vec<&str> = p.containers.iter().map(|c| c.name.as_str()).collect();
    let names = names.join(" ");
    let mut conditions = Vec::new();
    if p.node.is_some() {
        let initialized = p.init_statuses.iter().all(|s| {
            matches!(
                s.state,
                crate::k8s::api::ContainerState::Terminated { exit_code: 0, .. }
            )
        });
        conditions.push(condition("Initialized", initialized, created, None));
        conditions.push(condition("Ready", p.ready, started, Some(&names)));
        if era == Era::Modern {
            conditions.push(condition("ContainersReady", p.ready, started, Some(&names)));
        }
    }
    conditions.push(condition("PodScheduled", p.node.is_some(), created, None));
    s.set("conditions", conditions);
    if let Some(ip) = p.host_ip {
        s.set("hostIP", ip.to_string());
    }
    if let Some(ip) = p.ip {
        s.set("podIP", ip.to_string());
        if era == Era::Modern {
            s.set(
                "podIPs",
                vec![Value::Map(Map::new().set("ip", ip.to_string()).clone())],
            );
        }
    }
    if p.node.is_some() {
        s.set("startTime", time(started));
        let statuses: Vec<Value> = p
            .containers
            .iter()
            .map(|c| {
                let image = c.image.clone().unwrap_or_else(|| "busybox".into());
                let running = p.ip.is_some() && p.phase == Phase::Running;
                let mut state = Map::new();
                match p.phase {
                    Phase::Running if running => {
                        state.set(
                            "running",
                            Map::new().set("startedAt", time(started)).clone(),
                        );
                    }
                    Phase::Succeeded | Phase::Failed => {
                        let (code, reason) = if p.phase == Phase::Succeeded {
                            (0i64, "Completed")
                        } else {
                            (1i64, "Error")
                        };
                        state.set(
                            "terminated",
                            Map::new()
                                .set("exitCode", code)
                                .set("reason", reason)
                                .set("startedAt", time(started))
                                .clone(),
                        );
                    }
                    _ => {
                        state.set(
                            "waiting",
                            Map::new().set("reason", "ContainerCreating").clone(),
                        );
                    }
                }
                let tagged = if image.rsplit('/').next().is_some_and(|l| l.contains(':')) {
                    image.clone()
                } else {
                    format!("{image}:latest")
                };
                // kubelet's report, when it made one.
                let reported = p.statuses.iter().find(|s| s.name == c.name);
                let (state, last, ready, restarts) = match reported {
                    Some(r) => (
                        container_state(&r.state),
                        r.last_state.as_ref().map_or_else(Map::new, container_state),
                        r.ready,
                        i64::from(r.restart_count),
                    ),
                    None => (state, Map::new(), p.ready && running, 0),
                };
                let running = reported.map_or(running, |r| r.running());
                let mut cs = Map::new();
                cs.set("name", &c.name)
                    .set("state", state)
                    .set("lastState", last)
                    .set("ready", ready)
                    .set("restartCount", restarts)
                    .set("image", tagged);
                if running || p.phase != Phase::Pending {
                    cs.set(
                        "imageID",
                        format!("docker-pullable://{image}@sha256:{}", sha_hex(&image)),
                    )
                    .set(
                        "containerID",
                        format!(
                            "docker://{}",
                            sha_hex(&format!("{}/{}", o.meta.uid, c.name))
                        ),
                    );
                } else {
                    cs.set("imageID", "");
                }
                if era == Era::Modern {
                    cs.set("started", running);
                }
                Value::Map(cs)
            })
            .collect();
        s.set("containerStatuses", statuses);
        if !p.init_statuses.is_empty() {
            let inits: Vec<Value> = p
                .init_statuses
                .iter()
                .map(|r| {
                    let image = p
                        .spec
                        .init_containers
                        .iter()
                        .find(|c| c.name == r.name)
                        .and_then(|c| c.image.clone())
                        .unwrap_or_else(|| "busybox".into());
                    let mut cs = Map::new();
                    cs.set("name", &r.name)
                        .set("state", container_state(&r.state))
                        .set(
                            "lastState",
                            r.last_state.as_ref().map_or_else(Map::new, container_state),
                        )
                        .set("ready", r.ready)
                        .set("restartCount", i64::from(r.restart_count))
                        .set("image", image);
                    Value::Map(cs)
                })
                .collect();
            s.set("initContainerStatuses", inits);
        }
    }
    if era == Era::Modern {
        s.set("qosClass", "BestEffort");
    }
    Value::Map(s)
}

/// A `ContainerState` as the API writes it: one of `waiting`, `running`, `terminated`,
/// its fields in the API's order.
fn container_state(s: &crate::k8s::api::ContainerState) -> Map {
    use crate::k8s::api::ContainerState as S;
    let mut m = Map::new();
    match s {
        S::Waiting { reason, message } => {
            let mut w = Map::new();
            w.set("reason", reason.as_str());
            if !message.is_empty() {
                w.set("message", message.as_str());
            }
            m.set("waiting", w);
        }
        S::Running { started_at } => {
            m.set(
                "running",
                Map::new().set("startedAt", time(*started_at)).clone(),
            );
        }
        S::Terminated {
            exit_code,
            reason,
            started_at,
            finished_at,
        } => {
            m.set(
                "terminated",
                Map::new()
                    .set("exitCode", i64::from(*exit_code))
                    .set("reason", reason.as_str())
                    .set("startedAt", time(*started_at))
                    .set("finishedAt", time(*finished_at))
                    .clone(),
            );
        }
    }
    m
}

fn workload_spec(w: &Rc, era: Era) -> Value {
    let mut s = Map::new();
    let selector = if w.kind == Kind::ReplicationController {
        labels(&w.selector)
    } else {
        Value::Map(Map::new().set("matchLabels", labels(&w.selector)).clone())
    };
    let mut template_meta = Map::new();
    template_meta.set("creationTimestamp", Value::Null);
    if !w.template_labels.is_empty() {
        template_meta.set("labels", labels(&w.template_labels));
    }
    if !w.template_annotations.is_empty() {
        template_meta.set("annotations", labels(&w.template_annotations));
    }
    let template = Value::Map(
        Map::new()
            .set("metadata", template_meta)
            .set("spec", pod_spec(&w.containers, &w.spec, None, era))
            .clone(),
    );
    match w.kind {
        Kind::DaemonSet => {
            s.set("selector", selector).set("template", template);
            if era == Era::Modern {
                s.set(
                    "updateStrategy",
                    Map::new()
                        .set("type", "RollingUpdate")
                        .set(
                            "rollingUpdate",
                            Map::new()
                                .set("maxUnavailable", 1i64)
                                .set("maxSurge", 0i64)
                                .clone(),
                        )
                        .clone(),
                )
                .set("revisionHistoryLimit", 10i64);
            }
        }
        Kind::Deployment => {
            let amount = |a: crate::k8s::api::Amount| -> Value {
                match a {
                    crate::k8s::api::Amount::Count(n) => i64::from(n).into(),
                    p => p.text().into(),
                }
            };
            let ro = &w.rollout;
            let strategy = if ro.recreate {
                Map::new().set("type", "Recreate").clone()
            } else {
                Map::new()
                    .set("type", "RollingUpdate")
                    .set(
                        "rollingUpdate",
                        Map::new()
                            .set("maxUnavailable", amount(ro.max_unavailable))
                            .set("maxSurge", amount(ro.max_surge))
                            .clone(),
                    )
                    .clone()
            };
            s.set("replicas", w.replicas)
                .set("selector", selector)
                .set("template", template)
                .set("strategy", strategy);
            if let Some(n) = ro.history_limit {
                s.set("revisionHistoryLimit", i64::from(n));
            }
            if ro.paused {
                s.set("paused", true);
            }
            if era == Era::Modern {
                s.set("progressDeadlineSeconds", 600i64);
            }
        }
        Kind::Job => {
            let b = &w.job;
            s.set("parallelism", i64::from(b.parallelism));
            if let Some(c) = b.completions {
                s.set("completions", i64::from(c));
            }
            s.set("backoffLimit", i64::from(b.backoff_limit))
                .set("selector", selector)
                .set("template", template);
            if era == Era::Modern {
                s.set("completionMode", "NonIndexed").set("suspend", false);
            }
        }
        Kind::StatefulSet => {
            s.set("replicas", w.replicas)
                .set("selector", selector)
                .set("template", template)
                .set("serviceName", w.stateful.service_name.as_str())
                .set(
                    "podManagementPolicy",
                    if w.stateful.parallel {
                        "Parallel"
                    } else {
                        "OrderedReady"
                    },
                );
            if w.stateful.start > 0 {
                s.set(
                    "ordinals",
                    Map::new().set("start", i64::from(w.stateful.start)).clone(),
                );
            }
            if era == Era::Modern {
                s.set(
                    "updateStrategy",
                    Map::new()
                        .set("type", "RollingUpdate")
                        .set("rollingUpdate", Map::new().set("partition", 0i64).clone())
                        .clone(),
                )
                .set("revisionHistoryLimit", 10i64);
            }
        }
        _ => {
            s.set("replicas", w.replicas)
                .set("selector", selector)
                .set("template", template);
        }
    }
    Value::Map(s)
}

/// Counts as the controller last wrote them; zero counts are left out where the API omits
/// them (`omitempty`).
fn workload_status(w: &Rc, era: Era) -> Value {
    let mut s = Map::new();
    let nonzero = |s: &mut Map, k: &str, n: u32| {
        if n > 0 {
            s.set(k, n);
        }
    };
    match w.kind {
        Kind::DaemonSet => {
            s.set("currentNumberScheduled", w.current)
                .set("numberMisscheduled", 0i64)
                .set("desiredNumberScheduled", w.replicas)
                .set("numberReady", w.ready);
            nonzero(&mut s, "updatedNumberScheduled", w.current);
            nonzero(&mut s, "numberAvailable", w.ready);
            nonzero(
                &mut s,
                "numberUnavailable",
                w.replicas.saturating_sub(w.ready),
            );
        }
        Kind::Deployment => {
            nonzero(&mut s, "replicas", w.current);
            nonzero(&mut s, "updatedReplicas", w.updated);
            nonzero(&mut s, "readyReplicas", w.ready);
            nonzero(&mut s, "availableReplicas", w.ready);
            nonzero(
                &mut s,
                "unavailableReplicas",
                w.current.max(w.replicas).saturating_sub(w.ready),
            );
        }
        Kind::Job => {
            let b = &w.job;
            nonzero(&mut s, "active", w.current);
            nonzero(&mut s, "succeeded", b.succeeded);
            nonzero(&mut s, "failed", b.failed);
            if let Some(t) = b.start {
                s.set("startTime", time(t));
            }
            if let Some(t) = b.completed {
                s.set("completionTime", time(t));
            }
            if let Some((kind, reason, message, at)) = b.finished {
                let mut c = Map::new();
                c.set("lastProbeTime", time(at))
                    .set("lastTransitionTime", time(at))
                    .set("status", "True")
                    .set("type", kind);
                if !reason.is_empty() {
                    c.set("reason", reason).set("message", message);
                }
                s.set("conditions", vec![Value::Map(c)]);
            }
            if era == Era::Modern {
                s.set("ready", w.ready)
                    .set("uncountedTerminatedPods", Map::new());
            }
        }
        Kind::StatefulSet => {
            s.set("replicas", w.current);
            nonzero(&mut s, "readyReplicas", w.ready);
            nonzero(&mut s, "currentReplicas", w.updated);
            nonzero(&mut s, "updatedReplicas", w.updated);
            nonzero(&mut s, "availableReplicas", w.ready);
        }
        _ => {
            s.set("replicas", w.current);
            nonzero(&mut s, "fullyLabeledReplicas", w.current);
            nonzero(&mut s, "readyReplicas", w.ready);
            nonzero(&mut s, "availableReplicas", w.ready);
        }
    }
    Value::Map(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pull_policies() {
        assert_eq!(pull_policy("busybox"), "Always");
        assert_eq!(pull_policy("busybox:latest"), "Always");
        assert_eq!(pull_policy("redis:3.2"), "IfNotPresent");
        assert_eq!(pull_policy("localhost:5000/web"), "Always");
        assert_eq!(pull_policy("localhost:5000/web:1"), "IfNotPresent");
        assert_eq!(pull_policy("x@sha256:00"), "IfNotPresent");
    }

    #[test]
    fn resources_and_their_names() {
        assert_eq!(gvr(Kind::Pod, Era::Modern), "/v1, Resource=pods");
        assert_eq!(
            gvr(Kind::Deployment, Era::Modern),
            "apps/v1, Resource=deployments"
        );
        assert_eq!(
            gvr(Kind::Deployment, Era::Classic),
            "extensions/v1beta1, Resource=deployments"
        );
    }
}
