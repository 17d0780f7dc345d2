//! `kubectl describe`: the describers of pods, services, endpoints, nodes, the workload
//! controllers, configmaps and namespaces, in both eras' layouts.
//!
//! Today's layouts follow staging/src/k8s.io/kubectl/pkg/describe/describe.go (v1.28:
//! a `PrefixWriter` over Go's tabwriter padding with 2 spaces, flushed before the Events
//! table); kubectl 1.5's follow pkg/kubectl/describe.go of release-1.5 (tab padding,
//! `Controllers:`, `Volume Mounts:`, `Environment Variables:`, `No volumes.`, and the
//! FirstSeen/LastSeen/Count/From/SubObjectPath events table seed 004 shows).
//!
//! What is printed comes from the simulator's objects, formatted as kubectl formats the
//! real ones: a field the simulator does not keep is printed as kubectl prints it when
//! the field is empty (`Annotations: <none>`, `Volumes: <none>`), never invented. Two
//! exceptions, said where they are: container and image IDs (SHA-256 digests of the
//! pod's uid and the image name: docker's shape, not a registry's values) and a node's
//! capacity and system info (a fixed, plausible machine: the simulator models no CPU or
//! memory).
//!
//! kubectl prints several descriptions one after another with a blank line between them
//! (`\n\n` before each but the first); when it fell back to a name prefix, each ends with
//! one more newline (`DescribeMatchingResources`).

use std::net::Ipv4Addr;

use super::tabwriter::{self, Writer};
use super::{Cmd, Kubectl, age, labels_text};
use crate::engine::{Ctx, Dur, SimTime};
use crate::k8s::api::{
    Body, ContainerState, Description, Event, Kind, Labels, Object, Phase, Response,
};
use crate::k8s::proxy::names::Era;
use crate::net::Net;
use crate::tools::print;
use crate::trace::Stream;

/// The versions a node's kubelet and kube-proxy report.
fn kubelet_version(era: Era) -> &'static str {
    match era {
        Era::Classic => "v1.5.2",
        Era::Modern => super::KUBELET_VERSION,
    }
}

/// kubectl 1.5's `translateTimestamp` (`shortHumanDuration`): `25s`, `7m`, `11h`, `3d`.
pub fn short_age(d: Dur) -> String {
    let secs = d.as_nanos() / 1_000_000_000;
    match () {
        _ if secs < 60 => format!("{secs}s"),
        _ if secs < 3600 => format!("{}m", secs / 60),
        _ if secs < 86400 => format!("{}h", secs / 3600),
        _ if secs < 86400 * 364 => format!("{}d", secs / 86400),
        _ => format!("{}y", secs / 86400 / 365),
    }
}

/// `printLabelsMultiline`: the first label after the title, the rest each on its own
/// line in the value column; `<none>` for none.
fn labels(w: &mut Writer, indent: &str, title: &str, l: &Labels) {
    w.write(&format!("{indent}{title}:\t"));
    if l.is_empty() {
        w.write("<none>\n");
        return;
    }
    for (i, (k, v)) in l.iter().enumerate() {
        if i > 0 {
            w.write(&format!("{indent}\t"));
        }
        w.write(&format!("{k}={v}\n"));
    }
}

/// `printAnnotationsMultiline`: `Annotations:` then `key: value` a line each (kubectl's
/// last-applied configuration left out), or `<none>`.
fn annotation_lines(w: &mut Writer, a: &Labels) {
    let shown: Vec<(&String, &String)> = a
        .iter()
        .filter(|(k, _)| k.as_str() != "kubectl.kubernetes.io/last-applied-configuration")
        .collect();
    if shown.is_empty() {
        w.write("Annotations:\t<none>\n");
        return;
    }
    for (i, (k, v)) in shown.into_iter().enumerate() {
        let title = if i == 0 { "Annotations:" } else { "" };
        w.write(&format!("{title}\t{k}: {v}\n"));
    }
}

/// `labels.FormatLabels`: `k=v,k2=v2`, or `<none>`.
fn format_labels(l: &Labels) -> String {
    labels_text(l)
}

/// A label selector as `LabelSelectorAsSelector(..).String()` prints it: empty for none.
fn selector_string(l: &Labels) -> String {
    l.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// The `Events:` section: today's table after a flush (`Type Reason Age From Message`,
/// `AGE (xN over FIRST)` for an event seen more than once), or `Events: <none>`; kubectl
/// 1.5's FirstSeen/LastSeen/Count/From/SubObjectPath table, or `No events.`.
fn events(w: &mut Writer, evs: &[Event], era: Era, now: SimTime) {
    match era {
        Era::Modern => {
            if evs.is_empty() {
                w.write("Events:\t<none>\n");
                return;
            }
            w.flush();
            w.write("Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
            w.write("  ----\t------\t----\t----\t-------\n");
            for e in evs {
                let first = age(now - e.first);
                let interval = if e.count > 1 {
                    format!("{} (x{} over {first})", age(now - e.last), e.count)
                } else {
                    first
                };
                w.write(&format!(
                    "  {}\t{}\t{interval}\t{}\t{}\n",
                    e.type_,
                    e.reason,
                    e.from,
                    e.message.trim()
                ));
            }
        }
        Era::Classic => {
            if evs.is_empty() {
                w.write("No events.\n");
                return;
            }
            w.write("Events:\n  FirstSeen\tLastSeen\tCount\tFrom\tSubObjectPath\tType\tReason\tMessage\n");
            w.write(
                "  ---------\t--------\t-----\t----\t-------------\t--------\t------\t-------\n",
            );
            for e in evs {
                w.write(&format!(
                    "  {}\t{}\t{}\t{{{} {}}}\t{}\t{}\t{}\t{}\n",
                    short_age(now - e.first),
                    short_age(now - e.last),
                    e.count,
                    e.from,
                    e.host,
                    e.field_path,
                    e.type_,
                    e.reason,
                    e.message
                ));
            }
        }
    }
}

fn hex(s: &str) -> String {
    use sha2::{Digest, Sha256};
    data_encoding::HEXLOWER.encode(&Sha256::digest(s.as_bytes()))
}

/// A container as `describeContainers` prints it; `status` when the pod has container
/// statuses (it is bound to a node): `(pod, the pod's uid)`.
fn container(
    w: &mut Writer,
    c: &crate::k8s::api::Container,
    status: Option<(&crate::k8s::api::Pod, &str)>,
    space: &str,
    era: Era,
) {
    let name_indent = if space.is_empty() { "" } else { " " };
    w.write(&format!("  {name_indent}{}:\n", c.name));
    let image = c.image.clone().unwrap_or_default();
    let running = status.is_some_and(|(p, _)| p.ip.is_some());
    if let Some((_, uid)) = status {
        let id = if running {
            format!("docker://{}", hex(&format!("{uid}/{}", c.name)))
        } else {
            String::new()
        };
        w.write(&format!("    Container ID:\t{id}\n"));
    }
    w.write(&format!("    Image:\t{image}\n"));
    if status.is_some() {
        let id = if running {
            format!("docker-pullable://{image}@sha256:{}", hex(&image))
        } else {
            String::new()
        };
        w.write(&format!("    Image ID:\t{id}\n"));
    }
    let ports: Vec<String> = c.ports.iter().map(|p| format!("{p}/TCP")).collect();
    let host_ports: Vec<String> = c.ports.iter().map(|_| "0/TCP".to_string()).collect();
    let or_none = |s: String| match (s.is_empty(), era) {
        (true, Era::Modern) => "<none>".to_string(),
        _ => s,
    };
    let (label, value) = if ports.len() > 1 {
        ("Ports", ports.join(", "))
    } else {
        ("Port", or_none(ports.join(", ")))
    };
    w.write(&format!("    {label}:\t{value}\n"));
    if era == Era::Modern {
        let (label, value) = if host_ports.len() > 1 {
            ("Host Ports", host_ports.join(", "))
        } else {
            ("Host Port", or_none(host_ports.join(", ")))
        };
        w.write(&format!("    {label}:\t{value}\n"));
    }
    if let Some(cmd) = &c.command {
        w.write("    Command:\n");
        for part in shell_words::split(cmd).unwrap_or_else(|_| vec![cmd.clone()]) {
            w.write(&format!("      {part}\n"));
        }
    }
    // (Names are unique across a pod's init and app containers.)
    let cs = status.and_then(|(p, _)| {
        p.statuses
            .iter()
            .chain(&p.init_statuses)
            .find(|s| s.name == c.name)
    });
    if let Some(cs) = cs {
        // describeContainerState: State, Last State (a terminated one), Ready, Restart
        // Count.
        state(w, "State", &cs.state);
        if let Some(last @ ContainerState::Terminated { .. }) = &cs.last_state {
            state(w, "Last State", last);
        }
        let ready = if cs.ready { "True" } else { "False" };
        w.write(&format!(
            "    Ready:\t{ready}\n    Restart Count:\t{}\n",
            cs.restart_count
        ));
    } else if let Some((p, _)) = status {
        if running {
            w.write("    State:\tRunning\n");
            if let Some(t) = p.started {
                w.write(&format!("      Started:\t{}\n", crate::clock::rfc1123z(t)));
            }
        } else {
            w.write("    State:\tWaiting\n      Reason:\tContainerCreating\n");
        }
        let ready = if p.ready { "True" } else { "False" };
        w.write(&format!("    Ready:\t{ready}\n    Restart Count:\t0\n"));
    }
    // describeContainerProbe.
    let probes = [
        ("Liveness", &c.liveness),
        ("Readiness", &c.readiness),
        ("Startup", &c.startup),
    ];
    for (name, p) in probes {
        if let Some(p) = p {
            w.write(&format!("    {name}:\t{}\n", p.describe()));
        }
    }
    let env = |w: &mut Writer, title: &str| {
        if c.env.is_empty() {
            w.write(&format!("    {title}:\t<none>\n"));
        } else {
            w.write(&format!("    {title}:\n"));
            for (k, v) in &c.env {
                // describeContainerEnv's words for a value from elsewhere.
                use crate::k8s::api::EnvRef;
                let v = match c.value_from.iter().find(|(n, _)| n == k).map(|x| &x.1) {
                    Some(EnvRef::Field(path)) => format!("({}:{path})", "v1"),
                    Some(EnvRef::ConfigMapKey {
                        name,
                        key,
                        optional,
                    }) => format!(
                        "<set to the key '{key}' of config map '{name}'>\tOptional: {optional}"
                    ),
                    Some(EnvRef::SecretKey {
                        name,
                        key,
                        optional,
                    }) => {
                        format!("<set to the key '{key}' in secret '{name}'>\tOptional: {optional}")
                    }
                    None => v.clone(),
                };
                w.write(&format!("      {k}:\t{v}\n"));
            }
        }
    };
    match era {
        Era::Modern => {
            // describeContainerEnvFrom, when there is an envFrom (kubectl 1.5 had none).
            if !c.env_from.is_empty() {
                w.write("    Environment Variables from:\n");
                for f in &c.env_from {
                    let from = f.kind.name();
                    let from = if f.prefix.is_empty() {
                        from.to_string()
                    } else {
                        format!("{from} with prefix '{}'", f.prefix)
                    };
                    w.write(&format!(
                        "      {}\t{from}\tOptional: {}\n",
                        f.name, f.optional
                    ));
                }
            }
            env(w, "Environment");
            w.write("    Mounts:\t<none>\n");
        }
        Era::Classic => {
            w.write("    Volume Mounts:\t<none>\n");
            env(w, "Environment Variables");
        }
    }
}

/// `describeStatus`: one container state under `name` (`State`, `Last State`).
fn state(w: &mut Writer, name: &str, s: &ContainerState) {
    let t = crate::clock::rfc1123z;
    match s {
        ContainerState::Running { started_at } => {
            w.write(&format!(
                "    {name}:\tRunning\n      Started:\t{}\n",
                t(*started_at)
            ));
        }
        ContainerState::Waiting { reason, .. } => {
            w.write(&format!("    {name}:\tWaiting\n"));
            if !reason.is_empty() {
                w.write(&format!("      Reason:\t{reason}\n"));
            }
        }
        ContainerState::Terminated {
            exit_code,
            reason,
            started_at,
            finished_at,
        } => {
            w.write(&format!("    {name}:\tTerminated\n"));
            if !reason.is_empty() {
                w.write(&format!("      Reason:\t{reason}\n"));
            }
            w.write(&format!(
                "      Exit Code:\t{exit_code}\n      Started:\t{}\n      Finished:\t{}\n",
                t(*started_at),
                t(*finished_at)
            ));
        }
    }
}

/// `describePod`.
pub fn pod(d: &Description, era: Era, now: SimTime) -> String {
    let o = &d.object;
    let Some(p) = o.pod() else {
        return String::new();
    };
    let m = &o.meta;
    let mut w = Writer::new(config(era));
    w.write(&format!("Name:\t{}\nNamespace:\t{}\n", m.name, m.namespace));
    let host_ip = p.host_ip.map(|i| i.to_string()).unwrap_or_default();
    let ip = p.ip.map(|i| i.to_string()).unwrap_or_default();
    match era {
        Era::Modern => {
            w.write("Priority:\t0\nService Account:\tdefault\n");
            match &p.node {
                Some(n) => w.write(&format!("Node:\t{n}/{host_ip}\n")),
                None => w.write("Node:\t<none>\n"),
            }
        }
        Era::Classic => {
            let node = p.node.clone().unwrap_or_default();
            w.write(&format!("Node:\t{node}/{host_ip}\n"));
        }
    }
    if let Some(t) = p.started {
        w.write(&format!("Start Time:\t{}\n", crate::clock::rfc1123z(t)));
    }
    labels(&mut w, "", "Labels", &m.labels);
    if era == Era::Modern {
        annotation_lines(&mut w, &m.annotations);
    }
    w.write(&format!("Status:\t{}\n", p.phase.name()));
    w.write(&format!("IP:\t{ip}\n"));
    let controller = m.owner.as_ref().map(|(k, n)| format!("{}/{n}", k.name()));
    match era {
        Era::Modern => {
            match p.ip {
                Some(i) => w.write(&format!("IPs:\n  IP:\t{i}\n")),
                None => w.write("IPs:\t<none>\n"),
            }
            if let Some(c) = &controller {
                w.write(&format!("Controlled By:\t{c}\n"));
            }
        }
        Era::Classic => {
            let c = controller.unwrap_or_else(|| "<none>".into());
            w.write(&format!("Controllers:\t{c}\n"));
        }
    }
    let status = p.node.is_some().then_some((p, m.uid.as_str()));
    if !p.spec.init_containers.is_empty() {
        w.write("Init Containers:\n");
        for c in &p.spec.init_containers {
            container(&mut w, c, status, "", era);
        }
    }
    if p.containers.is_empty() {
        w.write("Containers: <none>\n");
    } else {
        w.write("Containers:\n");
    }
    for c in &p.containers {
        container(&mut w, c, status, "", era);
    }
    let b = |v: bool| if v { "True" } else { "False" };
    w.write("Conditions:\n  Type\tStatus\n");
    let mut conditions = Vec::new();
    if p.node.is_some() {
        let running = p.phase == Phase::Running;
        let initialized = p
            .init_statuses
            .iter()
            .all(|s| matches!(s.state, ContainerState::Terminated { exit_code: 0, .. }));
        conditions.push(("Initialized", b(initialized)));
        conditions.push(("Ready", b(p.ready)));
        if era == Era::Modern {
            conditions.push(("ContainersReady", b(running && p.ready)));
        }
        conditions.push(("PodScheduled", "True"));
    } else {
        conditions.push(("PodScheduled", "False"));
    }
    for (t, s) in conditions {
        w.write(&format!("  {t} \t{s} \n"));
    }
    match era {
        Era::Modern => {
            w.write("Volumes:\t<none>\nQoS Class:\tBestEffort\n");
            labels(&mut w, "", "Node-Selectors", &p.spec.node_selector);
            w.write("Tolerations:\t<none>\n");
        }
        Era::Classic => w.write("No volumes.\nQoS Class:\tBestEffort\nTolerations:\t<none>\n"),
    }
    events(&mut w, &d.events, era, now);
    w.finish()
}

/// `formatEndpoints`: the ready addresses with the port named like the Service's port,
/// three at most, then `+ N more...`; `<none>` without subsets.
fn format_endpoints(ep: Option<&crate::k8s::api::Endpoints>, port_name: &str) -> String {
    let Some(e) = ep.filter(|e| !e.addresses.is_empty() || !e.not_ready.is_empty()) else {
        return "<none>".into();
    };
    let all: Vec<String> = e
        .ports
        .iter()
        .filter(|p| p.name == port_name)
        .flat_map(|p| {
            e.addresses
                .iter()
                .map(move |a| format!("{}:{}", a.ip, p.port))
        })
        .collect();
    if all.len() > 3 {
        format!("{} + {} more...", all[..3].join(","), all.len() - 3)
    } else {
        all.join(",")
    }
}

/// `describeService`.
pub fn service(d: &Description, era: Era, now: SimTime) -> String {
    let o = &d.object;
    let Some(s) = o.service() else {
        return String::new();
    };
    let m = &o.meta;
    let eps = d.related.iter().find_map(Object::endpoints);
    let mut w = Writer::new(config(era));
    w.write(&format!("Name:\t{}\nNamespace:\t{}\n", m.name, m.namespace));
    labels(&mut w, "", "Labels", &m.labels);
    if era == Era::Modern {
        annotation_lines(&mut w, &m.annotations);
    }
    w.write(&format!("Selector:\t{}\n", format_labels(&s.selector)));
    w.write(&format!("Type:\t{}\n", s.type_));
    let external_name = s.type_ == "ExternalName";
    let cluster_ip = match (s.cluster_ip, external_name) {
        (_, true) => String::new(),
        (Some(ip), _) => ip.to_string(),
        (None, _) => "None".into(),
    };
    match era {
        Era::Modern => {
            if external_name {
                w.write("IP Families:\t<none>\n");
                w.write("IP:\t\nIPs:\t<none>\n");
            } else {
                w.write("IP Family Policy:\tSingleStack\nIP Families:\tIPv4\n");
                w.write(&format!("IP:\t{cluster_ip}\nIPs:\t{cluster_ip}\n"));
            }
        }
        Era::Classic => w.write(&format!("IP:\t{cluster_ip}\n")),
    }
    if !s.external_ips.is_empty() {
        let ips: Vec<String> = s.external_ips.iter().map(Ipv4Addr::to_string).collect();
        w.write(&format!("External IPs:\t{}\n", ips.join(",")));
    }
    if let Some(n) = &s.external_name {
        w.write(&format!("External Name:\t{n}\n"));
    }
    for p in &s.ports {
        let name = if p.name.is_empty() {
            "<unset>"
        } else {
            &p.name
        };
        let proto = p.protocol();
        w.write(&format!("Port:\t{name}\t{}/{proto}\n", p.port));
        if era == Era::Modern {
            w.write(&format!("TargetPort:\t{}/{proto}\n", p.target()));
        }
        if let Some(n) = p.node_port {
            w.write(&format!("NodePort:\t{name}\t{n}/{proto}\n"));
        }
        w.write(&format!("Endpoints:\t{}\n", format_endpoints(eps, &p.name)));
    }
    let affinity = if s.affinity.is_some() {
        "ClientIP"
    } else {
        "None"
    };
    w.write(&format!("Session Affinity:\t{affinity}\n"));
    if era == Era::Modern {
        if let Some(policy) = s.external_traffic_policy() {
            w.write(&format!("External Traffic Policy:\t{policy}\n"));
        }
        if let Some(policy) = s.internal_traffic_policy() {
            w.write(&format!("Internal Traffic Policy:\t{policy}\n"));
        }
        if let Some(n) = s.policy.health_check_node_port {
            w.write(&format!("HealthCheck NodePort:\t{n}\n"));
        }
    }
    events(&mut w, &d.events, era, now);
    w.finish()
}

/// `describeEndpoints`.
pub fn endpoints(d: &Description, era: Era, now: SimTime) -> String {
    let o = &d.object;
    let Some(e) = o.endpoints() else {
        return String::new();
    };
    let m = &o.meta;
    let mut w = Writer::new(config(era));
    w.write(&format!("Name:\t{}\nNamespace:\t{}\n", m.name, m.namespace));
    labels(&mut w, "", "Labels", &m.labels);
    if era == Era::Modern {
        annotation_lines(&mut w, &m.annotations);
    }
    w.write("Subsets:\n");
    if !e.addresses.is_empty() || !e.not_ready.is_empty() {
        let ips = |l: &[crate::k8s::api::Address]| {
            let v: Vec<String> = l.iter().map(|a| a.ip.to_string()).collect();
            if v.is_empty() {
                "<none>".to_string()
            } else {
                v.join(",")
            }
        };
        w.write(&format!("  Addresses:\t{}\n", ips(&e.addresses)));
        w.write(&format!("  NotReadyAddresses:\t{}\n", ips(&e.not_ready)));
        if !e.ports.is_empty() {
            w.write("  Ports:\n    Name\tPort\tProtocol\n    ----\t----\t--------\n");
            for p in &e.ports {
                let name = if p.name.is_empty() {
                    "<unset>"
                } else {
                    &p.name
                };
                w.write(&format!("    {name}\t{}\t{}\n", p.port, p.protocol));
            }
        }
        w.write("\n");
    }
    events(&mut w, &d.events, era, now);
    w.finish()
}

/// A node's capacity, the same as its allocatable: the simulator models no resources, so
/// this is a fixed, plausible machine (2 CPUs, about 4 GiB, 110 pods), printed so the
/// percentages kubectl derives from it are well defined.
const CAPACITY: [(&str, &str); 6] = [
    ("cpu", "2"),
    ("ephemeral-storage", "17394Mi"),
    ("hugepages-1Gi", "0"),
    ("hugepages-2Mi", "0"),
    ("memory", "3861288Ki"),
    ("pods", "110"),
];

/// How long the node lifecycle controller waits for a status (40 s), for the time a
/// NotReady node's conditions changed.
const NODE_MONITOR_GRACE: Dur = Dur::from_secs(40);

/// `describeNode`.
pub fn node(d: &Description, era: Era, now: SimTime) -> String {
    let o = &d.object;
    let Body::Node(n) = &o.body else {
        return String::new();
    };
    let m = &o.meta;
    let rfc = crate::clock::rfc1123z;
    let mut w = Writer::new(config(era));
    w.write(&format!("Name:\t{}\n", m.name));
    if era == Era::Modern {
        w.write("Roles:\t<none>\n");
    }
    labels(&mut w, "", "Labels", &m.labels);
    match era {
        Era::Modern => {
            annotation_lines(&mut w, &m.annotations);
            w.write(&format!("CreationTimestamp:\t{}\n", rfc(m.created)));
            w.write("Taints:\t<none>\nUnschedulable:\tfalse\n");
            w.write(&format!(
                "Lease:\n  HolderIdentity:\t{}\n  AcquireTime:\t<unset>\n  RenewTime:\t{}\n",
                m.name,
                rfc(n.heartbeat)
            ));
        }
        Era::Classic => {
            w.write("Taints:\t<none>\n");
            w.write(&format!(
                "CreationTimestamp:\t{}\nPhase:\t\n",
                rfc(m.created)
            ));
        }
    }
    // The kubelet posts Ready with the pressures; silent for 40 s, the node lifecycle
    // controller marks them all Unknown (when it did is not kept: 40 s after the last
    // heartbeat is when it could first have).
    let (status, since) = if n.ready {
        ("True", m.created)
    } else {
        ("Unknown", n.heartbeat + NODE_MONITOR_GRACE)
    };
    let mut conditions: Vec<(&str, &str, &str)> = Vec::new();
    if era == Era::Classic {
        conditions.push((
            "OutOfDisk",
            "KubeletHasSufficientDisk",
            "kubelet has sufficient disk space available",
        ));
    }
    conditions.push((
        "MemoryPressure",
        "KubeletHasSufficientMemory",
        "kubelet has sufficient memory available",
    ));
    conditions.push((
        "DiskPressure",
        "KubeletHasNoDiskPressure",
        "kubelet has no disk pressure",
    ));
    if era == Era::Modern {
        conditions.push((
            "PIDPressure",
            "KubeletHasSufficientPID",
            "kubelet has sufficient PID available",
        ));
    }
    conditions.push(("Ready", "KubeletReady", "kubelet is posting ready status"));
    w.write(
        "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n",
    );
    w.write("  ----\t------\t-----------------\t------------------\t------\t-------\n");
    for (t, reason, message) in conditions {
        let (s, reason, message) = match (n.ready, t) {
            (true, "Ready") => ("True", reason, message),
            (true, _) => ("False", reason, message),
            (false, _) => (
                status,
                "NodeStatusUnknown",
                "Kubelet stopped posting node status.",
            ),
        };
        w.write(&format!(
            "  {t} \t{s} \t{} \t{} \t{reason} \t{message}\n",
            rfc(n.heartbeat),
            rfc(since)
        ));
    }
    match era {
        Era::Modern => w.write(&format!(
            "Addresses:\n  InternalIP:\t{}\n  Hostname:\t{}\n",
            n.ip, m.name
        )),
        Era::Classic => w.write(&format!("Addresses:\t{0},{0},{1}\n", n.ip, m.name)),
    }
    let (indent, capacity): (&str, Vec<(&str, &str)>) = match era {
        Era::Modern => ("  ", CAPACITY.to_vec()),
        Era::Classic => (
            " ",
            vec![
                ("alpha.kubernetes.io/nvidia-gpu", "0"),
                ("cpu", "2"),
                ("memory", "3861288Ki"),
                ("pods", "110"),
            ],
        ),
    };
    for title in ["Capacity", "Allocatable"] {
        w.write(&format!("{title}:\n"));
        for (k, v) in &capacity {
            w.write(&format!("{indent}{k}:\t{v}\n"));
        }
    }
    let id = hex(&format!("node/{}", m.name));
    let uuid = |h: &str| {
        format!(
            "{}-{}-{}-{}-{}",
            &h[..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        )
    };
    let version = kubelet_version(era);
    w.write("System Info:\n");
    for (k, v) in [
        ("Machine ID", id[..32].to_string()),
        ("System UUID", uuid(&id[32..]).to_uppercase()),
        ("Boot ID", uuid(&hex(&format!("boot/{}", m.name)))),
        ("Kernel Version", "3.10.0-693.el7.x86_64".into()),
        ("OS Image", "CentOS Linux 7 (Core)".into()),
        ("Operating System", "linux".into()),
        ("Architecture", "amd64".into()),
        ("Container Runtime Version", "docker://1.13.1".into()),
        ("Kubelet Version", version.into()),
        ("Kube-Proxy Version", version.into()),
    ] {
        w.write(&format!("{indent}{k}:\t{v}\n"));
    }
    if era == Era::Classic {
        w.write(&format!("ExternalID:\t{}\n", m.name));
    }
    w.write(&format!(
        "Non-terminated Pods:\t({} in total)\n",
        d.related.len()
    ));
    match era {
        Era::Modern => {
            w.write("  Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n");
            w.write("  ---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n");
            for p in &d.related {
                w.write(&format!(
                    "  {}\t{}\t\t0 (0%)\t0 (0%)\t0 (0%)\t0 (0%)\t{}\n",
                    p.meta.namespace,
                    p.meta.name,
                    age(now - p.meta.created)
                ));
            }
            w.write("Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n");
            w.write("  Resource\tRequests\tLimits\n  --------\t--------\t------\n");
            for r in [
                "cpu",
                "memory",
                "ephemeral-storage",
                "hugepages-1Gi",
                "hugepages-2Mi",
            ] {
                w.write(&format!("  {r}\t0 (0%)\t0 (0%)\n"));
            }
        }
        Era::Classic => {
            w.write(
                "  Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\n",
            );
            w.write(
                "  ---------\t----\t\t------------\t----------\t---------------\t-------------\n",
            );
            for p in &d.related {
                w.write(&format!(
                    "  {}\t{}\t\t0 (0%)\t0 (0%)\t0 (0%)\t0 (0%)\n",
                    p.meta.namespace, p.meta.name
                ));
            }
            w.write("Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.\n");
            w.write("  CPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\n");
            w.write("  ------------\t----------\t---------------\t-------------\n");
            w.write("  0 (0%)\t0 (0%)\t0 (0%)\t0 (0%)\n");
        }
    }
    events(&mut w, &d.events, era, now);
    w.finish()
}

/// `running / waiting / succeeded / failed` among a workload's pods.
fn pod_counts(pods: &[Object]) -> String {
    let count = |ph: Phase| {
        pods.iter()
            .filter(|p| p.pod().is_some_and(|p| p.phase == ph))
            .count()
    };
    format!(
        "{} Running / {} Waiting / {} Succeeded / {} Failed",
        count(Phase::Running),
        count(Phase::Pending),
        count(Phase::Succeeded),
        count(Phase::Failed)
    )
}

/// `DescribePodTemplate` (today's describers only).
fn pod_template(w: &mut Writer, r: &crate::k8s::api::Rc) {
    let tl = if r.template_labels.is_empty() {
        &r.selector
    } else {
        &r.template_labels
    };
    w.write("Pod Template:\n");
    labels(w, "", "  Labels", tl);
    w.write("  Containers:\n");
    for c in &r.containers {
        container(w, c, None, "  ", Era::Modern);
    }
    w.write("  Volumes:\t<none>\n");
}

/// `Image(s):` of kubectl 1.5's workload describers.
fn images(r: &crate::k8s::api::Rc) -> String {
    r.containers
        .iter()
        .map(|c| c.image.clone().unwrap_or_default())
        .collect::<Vec<_>>()
        .join(",")
}

/// The describers of ReplicationControllers, ReplicaSets, Deployments and DaemonSets.
pub fn workload(d: &Description, era: Era, now: SimTime) -> String {
    let o = &d.object;
    let Some(r) = o.workload() else {
        return String::new();
    };
    let m = &o.meta;
    let mut w = Writer::new(config(era));
    let name_ns = format!("Name:\t{}\nNamespace:\t{}\n", m.name, m.namespace);
    let annotations = |w: &mut Writer| {
        if era == Era::Modern {
            annotation_lines(w, &m.annotations);
        }
    };
    match r.kind {
        Kind::ReplicationController | Kind::ReplicaSet => {
            w.write(&name_ns);
            if era == Era::Classic {
                w.write(&format!("Image(s):\t{}\n", images(r)));
            }
            w.write(&format!("Selector:\t{}\n", format_labels(&r.selector)));
            labels(&mut w, "", "Labels", &m.labels);
            annotations(&mut w);
            if let (Era::Modern, Some((k, n))) = (era, &m.owner) {
                w.write(&format!("Controlled By:\t{}/{n}\n", k.name()));
            }
            w.write(&format!(
                "Replicas:\t{} current / {} desired\n",
                r.current, r.replicas
            ));
            w.write(&format!("Pods Status:\t{}\n", pod_counts(&d.related)));
            match era {
                Era::Modern => pod_template(&mut w, r),
                Era::Classic => w.write("No volumes.\n"),
            }
        }
        Kind::Deployment => {
            w.write(&name_ns);
            w.write(&format!(
                "CreationTimestamp:\t{}\n",
                crate::clock::rfc1123z(m.created)
            ));
            labels(&mut w, "", "Labels", &m.labels);
            if era == Era::Modern {
                annotation_lines(&mut w, &m.annotations);
            }
            w.write(&format!("Selector:\t{}\n", selector_string(&r.selector)));
            // The controller's status: unavailable is the pods not available.
            let unavailable = r.current.max(r.replicas).saturating_sub(r.ready);
            match era {
                Era::Modern => w.write(&format!(
                    "Replicas:\t{} desired | {} updated | {} total | {} available | {unavailable} unavailable\n",
                    r.replicas, r.updated, r.current, r.ready
                )),
                Era::Classic => w.write(&format!(
                    "Replicas:\t{} updated | {} total | {} available | {unavailable} unavailable\n",
                    r.updated, r.current, r.ready
                )),
            }
            let ro = &r.rollout;
            if ro.recreate {
                w.write("StrategyType:\tRecreate\nMinReadySeconds:\t0\n");
            } else {
                w.write("StrategyType:\tRollingUpdate\nMinReadySeconds:\t0\n");
                w.write(&format!(
                    "RollingUpdateStrategy:\t{} max unavailable, {} max surge\n",
                    ro.max_unavailable.text(),
                    ro.max_surge.text()
                ));
            }
            // The new ReplicaSet is the one of the highest revision (the controller's
            // current template); the old ones listed are those that still have pods.
            let mut sets: Vec<&Object> = d.related.iter().collect();
            sets.sort_by_key(|s| {
                (
                    crate::k8s::api::revision(&s.meta),
                    s.meta.created,
                    s.meta.name.clone(),
                )
            });
            let new = sets.pop();
            sets.retain(|s| {
                s.workload()
                    .is_some_and(|x| x.replicas > 0 || x.current > 0)
            });
            let list = |sets: &[&Object]| {
                let v: Vec<String> = sets
                    .iter()
                    .filter_map(|s| {
                        s.workload().map(|x| {
                            format!(
                                "{} ({}/{} replicas created)",
                                s.meta.name, x.current, x.replicas
                            )
                        })
                    })
                    .collect();
                if v.is_empty() {
                    "<none>".to_string()
                } else {
                    v.join(", ")
                }
            };
            if era == Era::Modern {
                pod_template(&mut w, r);
                // The deployment controller's conditions, from its counts.
                let min_available = r.replicas - r.replicas / 4;
                let (avail, avail_reason) = if r.ready >= min_available {
                    ("True", "MinimumReplicasAvailable")
                } else {
                    ("False", "MinimumReplicasUnavailable")
                };
                let progressing = if r.ready >= r.replicas {
                    "NewReplicaSetAvailable"
                } else {
                    "ReplicaSetUpdated"
                };
                w.write("Conditions:\n  Type\tStatus\tReason\n  ----\t------\t------\n");
                w.write(&format!("  Available \t{avail}\t{avail_reason}\n"));
                // The controller marks a paused Deployment's progress Unknown.
                let (status, progressing) = if r.rollout.paused {
                    ("Unknown", "DeploymentPaused")
                } else {
                    ("True", progressing)
                };
                w.write(&format!("  Progressing \t{status}\t{progressing}\n"));
                if new.is_some() {
                    w.write(&format!("OldReplicaSets:\t{}\n", list(&sets)));
                    w.write(&format!(
                        "NewReplicaSet:\t{}\n",
                        list(&new.into_iter().collect::<Vec<_>>())
                    ));
                }
            } else {
                w.write(&format!("OldReplicaSets:\t{}\n", list(&sets)));
                w.write(&format!(
                    "NewReplicaSet:\t{}\n",
                    list(&new.into_iter().collect::<Vec<_>>())
                ));
            }
        }
        // StatefulSetDescriber: today's, and 1.5's (apps/v1beta1) with its images and
        // `current / desired`.
        // JobDescriber (today's; 1.5's had the same lines but Completion Mode, Completed
        // At, Duration and the Ready count).
        Kind::Job => {
            let b = &r.job;
            w.write(&name_ns);
            w.write(&format!("Selector:\t{}\n", selector_string(&r.selector)));
            labels(&mut w, "", "Labels", &m.labels);
            if era == Era::Modern {
                annotation_lines(&mut w, &m.annotations);
            } else {
                w.write(&format!("Image(s):\t{}\n", images(r)));
            }
            w.write(&format!("Parallelism:\t{}\n", b.parallelism));
            w.write(&format!(
                "Completions:\t{}\n",
                b.completions
                    .map_or_else(|| "<unset>".to_string(), |c| c.to_string())
            ));
            if era == Era::Modern {
                w.write("Completion Mode:\tNonIndexed\n");
            }
            if let Some(t) = b.start {
                w.write(&format!("Start Time:\t{}\n", crate::clock::rfc1123z(t)));
            }
            if let (Era::Modern, Some(t), Some(start)) = (era, b.completed, b.start) {
                w.write(&format!("Completed At:\t{}\n", crate::clock::rfc1123z(t)));
                w.write(&format!("Duration:\t{}\n", super::age(t - start)));
            }
            match era {
                Era::Modern => w.write(&format!(
                    "Pods Statuses:\t{} Active ({} Ready) / {} Succeeded / {} Failed\n",
                    r.current, r.ready, b.succeeded, b.failed
                )),
                Era::Classic => w.write(&format!(
                    "Pods Statuses:\t{} Running / {} Succeeded / {} Failed\n",
                    r.current, b.succeeded, b.failed
                )),
            }
            if era == Era::Modern {
                pod_template(&mut w, r);
            } else {
                w.write("No volumes.\n");
            }
        }
        Kind::StatefulSet if era == Era::Modern => {
            w.write(&name_ns);
            w.write(&format!(
                "CreationTimestamp:\t{}\n",
                crate::clock::rfc1123z(m.created)
            ));
            w.write(&format!("Selector:\t{}\n", selector_string(&r.selector)));
            labels(&mut w, "", "Labels", &m.labels);
            annotation_lines(&mut w, &m.annotations);
            w.write(&format!(
                "Replicas:\t{} desired | {} total\n",
                r.replicas, r.current
            ));
            w.write("Update Strategy:\tRollingUpdate\n  Partition:\t0\n");
            w.write(&format!("Pods Status:\t{}\n", pod_counts(&d.related)));
            pod_template(&mut w, r);
            // volumeClaimTemplates are accepted but not simulated (a warning said so).
            w.write("Volume Claims:\t<none>\n");
        }
        Kind::StatefulSet => {
            w.write(&name_ns);
            w.write(&format!("Image(s):\t{}\n", images(r)));
            w.write(&format!("Selector:\t{}\n", selector_string(&r.selector)));
            w.write(&format!("Labels:\t{}\n", format_labels(&m.labels)));
            w.write(&format!(
                "Replicas:\t{} current / {} desired\n",
                r.current, r.replicas
            ));
            w.write(&format!(
                "Annotations:\t{}\n",
                format_labels(&m.annotations)
            ));
            w.write(&format!(
                "CreationTimestamp:\t{}\n",
                crate::clock::rfc1123z(m.created)
            ));
            w.write(&format!("Pods Status:\t{}\n", pod_counts(&d.related)));
            w.write("No volumes.\n");
        }
        _ => {
            // A DaemonSet: one pod per node that should run it.
            w.write(&format!("Name:\t{}\n", m.name));
            if era == Era::Classic {
                w.write(&format!("Image(s):\t{}\n", images(r)));
            }
            w.write(&format!("Selector:\t{}\n", selector_string(&r.selector)));
            w.write("Node-Selector:\t<none>\n");
            labels(&mut w, "", "Labels", &m.labels);
            annotations(&mut w);
            w.write(&format!(
                "Desired Number of Nodes Scheduled: {}\n",
                r.replicas
            ));
            w.write(&format!(
                "Current Number of Nodes Scheduled: {}\n",
                r.current
            ));
            if era == Era::Modern {
                w.write(&format!(
                    "Number of Nodes Scheduled with Up-to-date Pods: {}\n",
                    r.current
                ));
                w.write(&format!(
                    "Number of Nodes Scheduled with Available Pods: {}\n",
                    r.ready
                ));
            }
            w.write("Number of Nodes Misscheduled: 0\n");
            w.write(&format!("Pods Status:\t{}\n", pod_counts(&d.related)));
            if era == Era::Modern {
                pod_template(&mut w, r);
            }
        }
    }
    events(&mut w, &d.events, era, now);
    w.finish()
}

/// `ConfigMapDescriber`: today's shows each value; kubectl 1.5 showed its size.
pub fn configmap(d: &Description, era: Era, now: SimTime) -> String {
    let o = &d.object;
    let Body::ConfigMap(data) = &o.body else {
        return String::new();
    };
    let m = &o.meta;
    let mut w = Writer::new(config(era));
    w.write(&format!("Name:\t{}\nNamespace:\t{}\n", m.name, m.namespace));
    labels(&mut w, "", "Labels", &m.labels);
    annotation_lines(&mut w, &m.annotations);
    w.write("\nData\n====\n");
    match era {
        Era::Modern => {
            // (Go's map order is random; this prints the keys sorted.)
            for (k, v) in data {
                w.write(&format!("{k}:\n----\n{v}\n"));
            }
            w.write("\nBinaryData\n====\n\n");
            events(&mut w, &d.events, era, now);
        }
        Era::Classic => {
            for (k, v) in data {
                w.write(&format!("{k}:\t{} bytes\n", v.len()));
            }
        }
    }
    w.finish()
}

/// `describeSecret`, the same in both releases: each key's size, never its value (but a
/// service account token's `token`, which kubectl prints).
pub fn secret(d: &Description, era: Era) -> String {
    let o = &d.object;
    let Body::Secret(sec) = &o.body else {
        return String::new();
    };
    let m = &o.meta;
    let mut w = Writer::new(config(era));
    w.write(&format!("Name:\t{}\nNamespace:\t{}\n", m.name, m.namespace));
    labels(&mut w, "", "Labels", &m.labels);
    annotation_lines(&mut w, &m.annotations);
    w.write(&format!("\nType:\t{}\n", sec.type_));
    w.write("\nData\n====\n");
    // (Go's map order is random before kubectl 1.33; this prints the keys sorted.)
    for (k, v) in &sec.data {
        if k == "token" && sec.type_ == "kubernetes.io/service-account-token" {
            w.write(&format!("{k}:\t{}\n", String::from_utf8_lossy(v)));
        } else {
            w.write(&format!("{k}:\t{} bytes\n", v.len()));
        }
    }
    w.finish()
}

/// `describeNetworkPolicy`: today's kubectl prints the spec (`describeNetworkPolicySpec`:
/// the pod selector, each direction's rules or whether it is affected, the policy
/// types); kubectl 1.5's describer printed the name, namespace, labels and annotations
/// only.
pub fn network_policy(d: &Description, era: Era) -> String {
    let o = &d.object;
    let Body::NetworkPolicy(spec) = &o.body else {
        return String::new();
    };
    let m = &o.meta;
    let mut w = Writer::new(config(era));
    w.write(&format!("Name:\t{}\nNamespace:\t{}\n", m.name, m.namespace));
    if era == Era::Classic {
        labels(&mut w, "", "Labels", &m.labels);
        w.write("Annotations:\t<none>\n");
        return w.finish();
    }
    w.write(&format!(
        "Created on:\t{}\n",
        super::events::go_time(m.created)
    ));
    labels(&mut w, "", "Labels", &m.labels);
    w.write("Annotations:\t<none>\n");
    w.write("Spec:\n  PodSelector: ");
    let sel = &spec.pod_selector;
    if sel.match_labels.as_ref().is_none_or(|l| l.is_empty())
        && sel.match_expressions.as_ref().is_none_or(|e| e.is_empty())
    {
        w.write("    <none> (Allowing the specific traffic to all pods in this namespace)\n");
    } else {
        w.write(&format!("    {}\n", super::format_label_selector(sel)));
    }
    let types = spec.policy_types.clone().unwrap_or_default();
    let rules = |rules: Vec<(Vec<NpPort>, Option<Vec<NpPeer>>)>, dir: &str, peer: &str| {
        let mut out = String::new();
        let indent = "    ";
        if rules.is_empty() {
            out += &format!("{indent}<none> (Selected pods are isolated for {dir} connectivity)\n");
            return out;
        }
        let n = rules.len();
        for (i, (ports, peers)) in rules.into_iter().enumerate() {
            if ports.is_empty() {
                out += &format!("{indent}To Port: <any> (traffic allowed to all ports)\n");
            }
            for p in ports {
                let port = match &p.port {
                    Some(IntOrString::Int(n)) => n.to_string(),
                    Some(IntOrString::String(s)) => s.clone(),
                    None => "%!s(<nil>)".into(),
                };
                let proto = p.protocol.clone().unwrap_or_else(|| "TCP".into());
                out += &format!("{indent}To Port: {port}/{proto}\n");
            }
            match peers.filter(|p| !p.is_empty()) {
                None => {
                    out += &format!("{indent}{peer}: <any> (traffic not restricted by source)\n")
                }
                Some(peers) => {
                    for p in peers {
                        out += &format!("{indent}{peer}:\n");
                        let sel = |name: &str, s: &crate::k8s::manifest::types::LabelSelector| {
                            format!("  {indent}{name}: {}\n", super::format_label_selector(s))
                        };
                        match (&p.pod_selector, &p.namespace_selector, &p.ip_block) {
                            (Some(ps), Some(ns), _) => {
                                out += &sel("NamespaceSelector", ns);
                                out += &sel("PodSelector", ps);
                            }
                            (Some(ps), None, _) => out += &sel("PodSelector", ps),
                            (None, Some(ns), _) => out += &sel("NamespaceSelector", ns),
                            (None, None, Some(b)) => {
                                out += &format!("  {indent}IPBlock:\n");
                                out += &format!("    {indent}CIDR: {}\n", b.cidr);
                                out += &format!(
                                    "    {indent}Except: {}\n",
                                    b.except.clone().unwrap_or_default().join(", ")
                                );
                            }
                            (None, None, None) => {}
                        }
                    }
                }
            }
            if i + 1 != n {
                out += &format!("{indent}----------\n");
            }
        }
        out
    };
    if types.iter().any(|t| t == "Ingress") {
        w.write("  Allowing ingress traffic:\n");
        let r = spec
            .ingress
            .iter()
            .flatten()
            .map(|r| (r.ports.clone().unwrap_or_default(), r.from.clone()))
            .collect();
        w.write(&rules(r, "ingress", "From"));
    } else {
        w.write("  Not affecting ingress traffic\n");
    }
    if types.iter().any(|t| t == "Egress") {
        w.write("  Allowing egress traffic:\n");
        let r = spec
            .egress
            .iter()
            .flatten()
            .map(|r| (r.ports.clone().unwrap_or_default(), r.to.clone()))
            .collect();
        w.write(&rules(r, "egress", "To"));
    } else {
        w.write("  Not affecting egress traffic\n");
    }
    w.write(&format!("  Policy Types: {}\n", types.join(", ")));
    w.finish()
}

type NpPort = crate::k8s::manifest::types::NetworkPolicyPort;
type NpPeer = crate::k8s::manifest::types::NetworkPolicyPeer;
use crate::k8s::manifest::types::IntOrString;

/// `describeNamespace` (no ResourceQuotas or LimitRanges in the simulator).
pub fn namespace(d: &Description, era: Era) -> String {
    let o = &d.object;
    let m = &o.meta;
    let mut w = Writer::new(config(era));
    w.write(&format!("Name:\t{}\n", m.name));
    labels(&mut w, "", "Labels", &m.labels);
    if era == Era::Modern {
        annotation_lines(&mut w, &m.annotations);
    }
    let status = if m.deletion.is_some() {
        "Terminating"
    } else {
        "Active"
    };
    w.write(&format!("Status:\t{status}\n"));
    match era {
        Era::Modern => w.write("\nNo resource quota.\n\nNo LimitRange resource.\n"),
        Era::Classic => w.write("\nNo resource quota.\n\nNo resource limits.\n"),
    }
    w.finish()
}

fn config(era: Era) -> tabwriter::Config {
    match era {
        Era::Modern => tabwriter::MODERN,
        Era::Classic => tabwriter::CLASSIC,
    }
}

/// One description in the era's layout.
pub fn text(d: &Description, era: Era, now: SimTime) -> String {
    match d.object.kind() {
        Kind::Pod => pod(d, era, now),
        Kind::Service => service(d, era, now),
        Kind::Endpoints => endpoints(d, era, now),
        Kind::Node => node(d, era, now),
        Kind::ConfigMap => configmap(d, era, now),
        Kind::Secret => secret(d, era),
        Kind::NetworkPolicy => network_policy(d, era),
        Kind::Namespace => namespace(d, era),
        k if k.is_workload() => workload(d, era, now),
        _ => String::new(),
    }
}

/// The descriptions as kubectl prints them one after another: a blank line between
/// them, or (when the name given was taken as a prefix) each followed by one.
pub fn join(texts: &[String], by_prefix: bool) -> String {
    let mut out = String::new();
    for (i, t) in texts.iter().enumerate() {
        if by_prefix {
            out += t;
            out.push('\n');
        } else {
            if i > 0 {
                out += "\n\n";
            }
            out += t;
        }
    }
    out
}

impl Kubectl {
    /// The apiserver's answer to `kubectl describe`.
    pub(super) fn described(&mut self, resp: Response, cx: &mut Ctx<'_, Net>) -> i32 {
        let Cmd::Describe { kind, names } = &self.cmd else {
            return 1;
        };
        let (kind, names) = (*kind, names.clone());
        let list = match resp {
            Response::Described(list) => list,
            other => return self.answer(other, cx),
        };
        let list: Vec<Description> = list.into_iter().filter(|d| self.picks(&d.object)).collect();
        let era = self.era();
        let now = cx.now();
        // One name not found as such: kubectl describes every object it prefixes.
        let by_prefix =
            names.len() == 1 && !(list.len() == 1 && list[0].object.meta.name == names[0]);
        let mut picked = Vec::new();
        let mut missing = Vec::new();
        if names.len() > 1 {
            for n in &names {
                match list.iter().find(|d| d.object.meta.name == *n) {
                    Some(d) => picked.push(d),
                    None => missing.push(n.clone()),
                }
            }
        } else {
            picked = list.iter().collect();
        }
        if picked.is_empty() && missing.is_empty() {
            if era == Era::Modern {
                let text = if self.all || !kind.namespaced() {
                    "No resources found\n".to_string()
                } else {
                    format!("No resources found in {} namespace.\n", self.ns)
                };
                print(cx, Stream::Stderr, &text);
            }
            return 0;
        }
        let texts: Vec<String> = picked.iter().map(|d| text(d, era, now)).collect();
        print(cx, Stream::Stdout, &join(&texts, by_prefix));
        for n in &missing {
            print(
                cx,
                Stream::Stderr,
                &format!(
                    "Error from server (NotFound): {} \"{n}\" not found\n",
                    kind.plural()
                ),
            );
        }
        i32::from(!missing.is_empty())
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::k8s::api::{
        Address, Container, EndpointPort, Endpoints, Meta, NodeStatus, Pod, PodOptions, Rc,
        Service, ServicePort,
    };

    pub fn t(secs: u64) -> SimTime {
        SimTime::ZERO + Dur::from_secs(secs)
    }

    fn meta(name: &str, ns: &str, labels: &[(&str, &str)]) -> Meta {
        Meta {
            name: name.into(),
            namespace: ns.into(),
            labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            uid: "3cf448dd-bc68-67cd-9c8e-173a52ce2e12".into(),
            ..Default::default()
        }
    }

    pub fn event(
        (type_, reason): (&'static str, &str),
        (from, host, path): (&str, &str, &str),
        message: &str,
        (first, last, count): (u64, u64, u32),
    ) -> Event {
        Event {
            type_,
            reason: reason.into(),
            from: from.into(),
            host: host.into(),
            field_path: path.into(),
            message: message.into(),
            first: t(first),
            last: t(last),
            count,
        }
    }

    /// Seed 004's redis-master pod, running, with its events.
    pub fn redis_pod(running: bool) -> Description {
        let mut m = meta("redis-master-7jzcq", "default", &[("name", "redis-master")]);
        m.owner = Some((Kind::ReplicationController, "redis-master".into()));
        let pod = Pod {
            node: Some("why-02".into()),
            containers: vec![Container {
                name: "master".into(),
                image: Some("kubeguide/redis-master".into()),
                command: None,
                env: Vec::new(),
                ports: vec![6379],
                port_names: Vec::new(),
                ..Default::default()
            }],
            spec: PodOptions::default(),
            phase: if running {
                Phase::Running
            } else {
                Phase::Pending
            },
            ip: running.then(|| "172.17.0.3".parse().unwrap()),
            host_ip: Some("10.181.13.57".parse().unwrap()),
            ready: running,
            started: Some(t(0)),
            statuses: Vec::new(),
            init_statuses: Vec::new(),
        };
        let kubelet = ("kubelet", "why-02", "");
        let container = ("kubelet", "why-02", "spec.containers{master}");
        Description {
            object: Object {
                meta: m,
                body: Body::Pod(Box::new(pod)),
            },
            related: Vec::new(),
            events: vec![
                event(
                    ("Normal", "Scheduled"),
                    ("default-scheduler", "", ""),
                    "Successfully assigned redis-master-7jzcq to why-02",
                    (0, 0, 1),
                ),
                event(
                    ("Normal", "Pulling"),
                    container,
                    "pulling image \"kubeguide/redis-master\"",
                    (0, 0, 1),
                ),
                event(
                    ("Warning", "MissingClusterDNS"),
                    kubelet,
                    "kubelet does not have ClusterDNS IP configured and cannot create Pod using \"ClusterFirst\" policy. Falling back to DNSDefault policy.",
                    (0, 780, 2),
                ),
            ],
        }
    }

    /// kubectl 1.5's `describe pod`, as seed 004 printed it (with its tabs, which the
    /// seed's copy turned into spaces): `Controllers:`, `Volume Mounts:`, `Environment
    /// Variables:`, `No volumes.`, three conditions, and the FirstSeen/LastSeen/Count/
    /// From/SubObjectPath events table with `{kubelet why-02}` sources.
    #[test]
    fn classic_pod_as_seed_004() {
        let got = pod(&redis_pod(true), Era::Classic, t(1140));
        let want = [
            "Name:\t\tredis-master-7jzcq",
            "Namespace:\tdefault",
            "Node:\t\twhy-02/10.181.13.57",
            "Start Time:\tWed, 18 Oct 2017 15:00:00 +0000",
            "Labels:\t\tname=redis-master",
            "Status:\t\tRunning",
            "IP:\t\t172.17.0.3",
            "Controllers:\tReplicationController/redis-master",
            "Containers:",
            "  master:",
            "    Container ID:\t\tdocker://be1051e23464aa165033f8bb09b972e1c67fa1c8a06442c57559617bc3506cbe",
            "    Image:\t\t\tkubeguide/redis-master",
            "    Image ID:\t\t\tdocker-pullable://kubeguide/redis-master@sha256:59e1b4b5151f94971a0056d3c8c00292cd6b4429ced30b95f138ec1b307caaba",
            "    Port:\t\t\t6379/TCP",
            "    State:\t\t\tRunning",
            "      Started:\t\t\tWed, 18 Oct 2017 15:00:00 +0000",
            "    Ready:\t\t\tTrue",
            "    Restart Count:\t\t0",
            "    Volume Mounts:\t\t<none>",
            "    Environment Variables:\t<none>",
            "Conditions:",
            "  Type\t\tStatus",
            "  Initialized \tTrue ",
            "  Ready \tTrue ",
            "  PodScheduled \tTrue ",
            "No volumes.",
            "QoS Class:\tBestEffort",
            "Tolerations:\t<none>",
            "Events:",
            "  FirstSeen\tLastSeen\tCount\tFrom\t\t\tSubObjectPath\t\tType\t\tReason\t\t\tMessage",
            "  ---------\t--------\t-----\t----\t\t\t-------------\t\t--------\t------\t\t\t-------",
            "  19m\t\t19m\t\t1\t{default-scheduler }\t\t\t\tNormal\t\tScheduled\t\tSuccessfully assigned redis-master-7jzcq to why-02",
            "  19m\t\t19m\t\t1\t{kubelet why-02}\tspec.containers{master}\tNormal\t\tPulling\t\t\tpulling image \"kubeguide/redis-master\"",
            "  19m\t\t6m\t\t2\t{kubelet why-02}\t\t\t\tWarning\t\tMissingClusterDNS\tkubelet does not have ClusterDNS IP configured and cannot create Pod using \"ClusterFirst\" policy. Falling back to DNSDefault policy.",
        ];
        assert_eq!(got.lines().collect::<Vec<_>>(), want);
        // Pending (seed 004's first `describe pod`): no IDs, Waiting with its reason.
        let got = pod(&redis_pod(false), Era::Classic, t(1140));
        assert!(got.contains("IP:\t\t\nControllers:"), "{got}");
        assert!(
            got.contains("    Container ID:\t\t\n    Image:\t\t\tkubeguide/redis-master\n    Image ID:\t\t\t\n"),
            "{got}"
        );
        assert!(
            got.contains("    State:\t\t\tWaiting\n      Reason:\t\t\tContainerCreating\n    Ready:\t\t\tFalse\n"),
            "{got}"
        );
    }

    pub fn frontend_svc() -> Description {
        let m = meta("frontend", "default", &[("name", "frontend")]);
        let svc = Service {
            type_: "NodePort".into(),
            cluster_ip: Some("10.254.136.133".parse().unwrap()),
            ports: vec![ServicePort {
                name: String::new(),
                protocol: None,
                port: 80,
                target_port: None,
                target_name: None,
                node_port: Some(30001),
            }],
            selector: [("name".to_string(), "frontend".to_string())].into(),
            external_ips: Vec::new(),
            external_name: None,
            ingress: Vec::new(),
            publish_not_ready: false,
            affinity: None,
            policy: Default::default(),
        };
        let addr = |ip: &str, pod: &str| Address {
            ip: ip.parse().unwrap(),
            node: "why-02".into(),
            pod: pod.into(),
            hostname: String::new(),
        };
        let ep = Endpoints {
            addresses: vec![
                addr("172.17.0.4", "frontend-mh6pz"),
                addr("172.17.0.5", "frontend-8hl11"),
                addr("172.17.0.6", "frontend-nwc6m"),
                addr("172.17.0.7", "frontend-x"),
            ],
            not_ready: vec![addr("172.17.0.9", "frontend-y")],
            ports: vec![EndpointPort {
                name: String::new(),
                port: 80,
                protocol: "TCP".into(),
            }],
        };
        Description {
            object: Object {
                meta: m.clone(),
                body: Body::Service(svc),
            },
            related: vec![Object {
                meta: m,
                body: Body::Endpoints(ep),
            }],
            events: Vec::new(),
        }
    }

    pub fn web_deployment() -> (Description, Description) {
        let sel: Labels = [("app".to_string(), "web".to_string())].into();
        let rc = |kind: Kind, replicas: u32| Rc {
            kind,
            replicas,
            selector: sel.clone(),
            template_labels: sel.clone(),
            containers: vec![Container {
                name: "web".into(),
                image: Some("nginx".into()),
                command: None,
                env: vec![("MODE".into(), "prod".into())],
                ports: vec![80],
                port_names: Vec::new(),
                ..Default::default()
            }],
            spec: PodOptions::default(),
            current: replicas,
            ready: replicas,
            updated: replicas,
            template_annotations: Default::default(),
            rollout: Default::default(),
            stateful: Default::default(),
            job: Default::default(),
        };
        let revision = || {
            [(crate::k8s::api::REVISION.to_string(), "1".to_string())]
                .into_iter()
                .collect()
        };
        let mut d_meta = meta("web", "default", &[("app", "web")]);
        d_meta.annotations = revision();
        let d = Object {
            meta: d_meta,
            body: Body::Workload(rc(Kind::Deployment, 2)),
        };
        let mut rs_meta = meta("web-67cd595646", "default", &[("app", "web")]);
        rs_meta.owner = Some((Kind::Deployment, "web".into()));
        rs_meta.annotations = revision();
        let rs = Object {
            meta: rs_meta,
            body: Body::Workload(rc(Kind::ReplicaSet, 2)),
        };
        let mut pod_meta = meta("web-67cd595646-8wxv4", "default", &[("app", "web")]);
        pod_meta.owner = Some((Kind::ReplicaSet, "web-67cd595646".into()));
        let scaled = event(
            ("Normal", "ScalingReplicaSet"),
            ("deployment-controller", "", ""),
            "Scaled up replica set web-67cd595646 to 2",
            (0, 0, 1),
        );
        let mut running = redis_pod(true).object;
        running.meta = pod_meta;
        (
            Description {
                object: d,
                related: vec![rs.clone()],
                events: vec![scaled],
            },
            Description {
                object: rs,
                related: vec![running],
                events: Vec::new(),
            },
        )
    }

    pub fn node01(ready: bool) -> Description {
        let mut m = meta("node01", "", &[("kubernetes.io/hostname", "node01")]);
        m.namespace = String::new();
        let mut p = redis_pod(true).object;
        p.meta.created = t(30);
        Description {
            object: Object {
                meta: m,
                body: Body::Node(NodeStatus {
                    ip: "10.181.13.57".parse().unwrap(),
                    ready,
                    heartbeat: t(90),
                }),
            },
            related: vec![p],
            events: Vec::new(),
        }
    }

    /// Every describer in both eras, against reviewed texts (testdata/describe-*.txt,
    /// tabs and all): the layouts of describe.go (v1.28) and of kubectl 1.5.
    #[test]
    fn every_describer_in_both_eras() {
        let (deploy, rs) = web_deployment();
        let plain = |object: Object| Description {
            object,
            related: Vec::new(),
            events: Vec::new(),
        };
        let ep = frontend_svc().related[0].clone();
        let cm = Object {
            meta: meta("kube-proxy", "kube-system", &[("app", "kube-proxy")]),
            body: Body::ConfigMap(
                [
                    ("config.conf".to_string(), "mode: \"\"\n".to_string()),
                    ("other".to_string(), "x".to_string()),
                ]
                .into(),
            ),
        };
        let sec = Object {
            meta: meta("db", "default", &[("app", "db")]),
            body: Body::Secret(crate::k8s::api::Secret {
                type_: "Opaque".into(),
                data: [
                    ("password".to_string(), b"password".to_vec()),
                    ("user".to_string(), b"admin".to_vec()),
                ]
                .into(),
            }),
        };
        let ns = Object {
            meta: meta("gitlab", "", &[]),
            body: Body::Namespace,
        };
        let mut external = frontend_svc();
        if let Body::Service(s) = &mut external.object.body {
            s.type_ = "ExternalName".into();
            s.cluster_ip = None;
            s.ports.clear();
            s.selector.clear();
            s.external_name = Some("db.example.com".into());
        }
        external.related.clear();
        let mut headless = frontend_svc();
        if let Body::Service(s) = &mut headless.object.body {
            s.type_ = "ClusterIP".into();
            s.cluster_ip = None;
            s.ports[0].node_port = None;
            s.ports[0].name = "http".into();
        }
        // A LoadBalancer Service with both policies Local and its healthCheckNodePort.
        let mut local = frontend_svc();
        if let Body::Service(s) = &mut local.object.body {
            s.type_ = "LoadBalancer".into();
            s.policy = crate::k8s::api::TrafficPolicy {
                external_local: true,
                internal_local: true,
                health_check_node_port: Some(31898),
            };
        }
        let mut notready = node01(false);
        notready.related.clear();
        let mut pending = redis_pod(false);
        if let Body::Pod(p) = &mut pending.object.body {
            p.node = None;
            p.host_ip = None;
            p.started = None;
            p.containers[0].env = vec![("GET_HOSTS_FROM".into(), "env".into())];
            p.containers[0].command = Some("redis-server --port 6379".into());
        }
        pending.events.truncate(1);
        let cases: [(&str, Description); 14] = [
            ("pod", redis_pod(true)),
            ("pod-unscheduled", pending),
            ("service", frontend_svc()),
            ("service-local", local),
            ("service-headless", headless),
            ("service-externalname", external),
            ("endpoints", plain(ep)),
            ("node", node01(true)),
            ("node-notready", notready),
            ("deployment", deploy),
            ("replicaset", rs),
            ("configmap", plain(cm)),
            ("secret", plain(sec)),
            ("namespace", plain(ns)),
        ];
        let mut failed = Vec::new();
        for (name, d) in &cases {
            for era in [Era::Modern, Era::Classic] {
                let file = format!(
                    "{}/src/tools/kubectl/testdata/describe-{name}-{}.txt",
                    env!("CARGO_MANIFEST_DIR"),
                    match era {
                        Era::Modern => "modern",
                        Era::Classic => "1.5",
                    }
                );
                let got = text(d, era, t(1140));
                if std::env::var_os("UPDATE_TESTDATA").is_some() {
                    std::fs::write(&file, &got).unwrap();
                }
                let want = std::fs::read_to_string(&file).unwrap_or_default();
                if got != want {
                    failed.push(format!("{file}:\n{got}"));
                }
            }
        }
        assert!(failed.is_empty(), "{}", failed.join("\n"));
    }

    /// Several descriptions: a blank line between them; by prefix, each ends with one.
    #[test]
    fn descriptions_join_as_kubectl_prints_them() {
        let texts = ["a\n".to_string(), "b\n".to_string()];
        assert_eq!(join(&texts, false), "a\n\n\nb\n");
        assert_eq!(join(&texts, true), "a\n\nb\n\n");
    }

    #[test]
    fn ages_as_kubectl_1_5_prints_them() {
        let s = Dur::from_secs;
        assert_eq!(short_age(s(59)), "59s");
        assert_eq!(short_age(s(7 * 60 + 59)), "7m");
        assert_eq!(short_age(s(11 * 3600 + 5)), "11h");
        assert_eq!(short_age(s(3 * 86400)), "3d");
        assert_eq!(short_age(s(800 * 86400)), "2y");
    }
}
