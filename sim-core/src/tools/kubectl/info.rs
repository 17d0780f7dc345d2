//! `kubectl version`, `kubectl api-resources` and `kubectl cluster-info`.
//!
//! - `version` (pkg/cmd/version, v1.28): `Client Version: v1.28.2`, `Kustomize
//!   Version: ...`, `Server Version: v1.28.2`; kubectl 1.5 printed Go's `%#v` of its
//!   version.Info (`Client Version: version.Info{Major:"1", Minor:"5", GitVersion:
//!   "v1.5.2", ...}`), as the v1.5.2 release binaries did. `--client` needs no server.
//!   `--short` is gone in v1.28 (and was not yet there in 1.5): an unknown flag.
//! - `api-resources` (pkg/cmd/apiresources): NAME SHORTNAMES APIVERSION NAMESPACED KIND
//!   for the resources the simulator serves, sorted by API group then name, with `-o
//!   wide|name`, `--namespaced`, `--api-group`, `--sort-by`, `--no-headers`. kubectl 1.5
//!   had no such verb: `Error: unknown command "api-resources" for "kubectl"`.
//! - `cluster-info` (pkg/cmd/clusterinfo): the control plane's address, then each
//!   Service of kube-system labelled `kubernetes.io/cluster-service=true` (the DNS
//!   add-on) with its proxy URL. kubectl 1.5 said `Kubernetes master` and used the
//!   `/api/v1/proxy/namespaces/...` form of the URL. (kubectl colours the names; the
//!   simulator prints no colour.)

use super::tabwriter::{self, Writer};
use super::verbs::{Args, boolean, unknown_flag};
use super::{KUBELET_VERSION, Kubectl};
use crate::engine::Ctx;
use crate::k8s::api::{Kind, Object, Request, Response};
use crate::k8s::proxy::names::Era;
use crate::net::{Msg, Net, NsId};
use crate::tools::print;
use crate::trace::Stream;

/// kubectl v1.28.2's embedded kustomize.
const KUSTOMIZE_VERSION: &str = "v5.0.4-0.20230601165947-6ce0bf390ce3";

/// The v1.5.2 release's version.Info, as `kubectl version` printed it.
const CLASSIC_INFO: &str = "version.Info{Major:\"1\", Minor:\"5\", GitVersion:\"v1.5.2\", GitCommit:\"08e099554f3c31f6e6f07b448ab3ed78d0520507\", GitTreeState:\"clean\", BuildDate:\"2017-01-12T04:57:25Z\", GoVersion:\"go1.7.4\", Compiler:\"gc\", Platform:\"linux/amd64\"}";

/// `kubectl version`'s lines: the client's, and the server's when it answered.
pub fn version_text(era: Era, server: bool) -> String {
    match era {
        Era::Modern => {
            let mut s = format!(
                "Client Version: {KUBELET_VERSION}\nKustomize Version: {KUSTOMIZE_VERSION}\n"
            );
            if server {
                s += &format!("Server Version: {KUBELET_VERSION}\n");
            }
            s
        }
        Era::Classic => {
            let mut s = format!("Client Version: {CLASSIC_INFO}\n");
            if server {
                s += &format!("Server Version: {CLASSIC_INFO}\n");
            }
            s
        }
    }
}

/// One resource the apiserver serves, as discovery lists it.
struct Resource {
    name: &'static str,
    short: &'static str,
    group: &'static str,
    version: &'static str,
    namespaced: bool,
    kind: &'static str,
    verbs: &'static str,
    categories: &'static str,
}

const ALL_VERBS: &str = "create,delete,deletecollection,get,list,patch,update,watch";

/// The resources the simulator serves (v1.28's discovery entries for them).
const RESOURCES: [Resource; 12] = [
    Resource {
        name: "configmaps",
        short: "cm",
        group: "",
        version: "v1",
        namespaced: true,
        kind: "ConfigMap",
        verbs: ALL_VERBS,
        categories: "",
    },
    Resource {
        name: "endpoints",
        short: "ep",
        group: "",
        version: "v1",
        namespaced: true,
        kind: "Endpoints",
        verbs: ALL_VERBS,
        categories: "",
    },
    Resource {
        name: "events",
        short: "ev",
        group: "",
        version: "v1",
        namespaced: true,
        kind: "Event",
        verbs: ALL_VERBS,
        categories: "",
    },
    Resource {
        name: "namespaces",
        short: "ns",
        group: "",
        version: "v1",
        namespaced: false,
        kind: "Namespace",
        verbs: "create,delete,get,list,patch,update,watch",
        categories: "",
    },
    Resource {
        name: "nodes",
        short: "no",
        group: "",
        version: "v1",
        namespaced: false,
        kind: "Node",
        verbs: ALL_VERBS,
        categories: "",
    },
    Resource {
        name: "pods",
        short: "po",
        group: "",
        version: "v1",
        namespaced: true,
        kind: "Pod",
        verbs: ALL_VERBS,
        categories: "all",
    },
    Resource {
        name: "replicationcontrollers",
        short: "rc",
        group: "",
        version: "v1",
        namespaced: true,
        kind: "ReplicationController",
        verbs: ALL_VERBS,
        categories: "all",
    },
    Resource {
        name: "secrets",
        short: "",
        group: "",
        version: "v1",
        namespaced: true,
        kind: "Secret",
        verbs: ALL_VERBS,
        categories: "",
    },
    Resource {
        name: "services",
        short: "svc",
        group: "",
        version: "v1",
        namespaced: true,
        kind: "Service",
        verbs: ALL_VERBS,
        categories: "all",
    },
    Resource {
        name: "daemonsets",
        short: "ds",
        group: "apps",
        version: "v1",
        namespaced: true,
        kind: "DaemonSet",
        verbs: ALL_VERBS,
        categories: "all",
    },
    Resource {
        name: "deployments",
        short: "deploy",
        group: "apps",
        version: "v1",
        namespaced: true,
        kind: "Deployment",
        verbs: ALL_VERBS,
        categories: "all",
    },
    Resource {
        name: "replicasets",
        short: "rs",
        group: "apps",
        version: "v1",
        namespaced: true,
        kind: "ReplicaSet",
        verbs: ALL_VERBS,
        categories: "all",
    },
];

/// `kubectl api-resources`' options.
#[derive(Clone, Debug, Default)]
pub struct ApiResources {
    output: Option<String>,
    namespaced: Option<bool>,
    group: Option<String>,
    sort_by: Option<String>,
    no_headers: bool,
}

impl ApiResources {
    pub fn parse(a: &Args) -> Result<ApiResources, (String, i32)> {
        let mut o = ApiResources::default();
        for (f, v) in &a.flags {
            match f.as_str() {
                "-o" | "--output" => match v.as_deref() {
                    Some("wide" | "name") => o.output = v.clone(),
                    _ => {
                        return Err((
                            format!(
                                "error: --output {} is not available\n",
                                v.clone().unwrap_or_default()
                            ),
                            1,
                        ));
                    }
                },
                "--namespaced" => o.namespaced = Some(boolean(f, v)?),
                "--api-group" => o.group = v.clone(),
                "--sort-by" => match v.as_deref() {
                    Some("name" | "kind") => o.sort_by = v.clone(),
                    _ => {
                        return Err((
                            format!(
                                "error: --sort-by accepts only name or kind, got {}\n",
                                v.clone().unwrap_or_default()
                            ),
                            1,
                        ));
                    }
                },
                "--no-headers" => o.no_headers = boolean(f, v)?,
                other => return Err(unknown_flag("api-resources", other)),
            }
        }
        if let Some(w) = a.words.first() {
            return Err((
                format!(
                    "error: unexpected arguments: [{w}]\nSee 'kubectl api-resources -h' for help and examples\n"
                ),
                1,
            ));
        }
        Ok(o)
    }

    /// The table (or names) as kubectl prints it.
    pub fn text(&self) -> String {
        let mut list: Vec<&Resource> = RESOURCES
            .iter()
            .filter(|r| self.group.as_deref().is_none_or(|g| g == r.group))
            .filter(|r| self.namespaced.is_none_or(|n| n == r.namespaced))
            .collect();
        // sortableResource: by group (or name, or kind), then name; stable.
        list.sort_by(|a, b| {
            let key = |r: &Resource| match self.sort_by.as_deref() {
                Some("name") => r.name,
                Some("kind") => r.kind,
                _ => r.group,
            };
            (key(a), a.name).cmp(&(key(b), b.name))
        });
        let mut w = Writer::new(tabwriter::TABLE);
        let output = self.output.as_deref();
        if !self.no_headers && output != Some("name") {
            w.write("NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND");
            if output == Some("wide") {
                w.write("\tVERBS\tCATEGORIES");
            }
            w.write("\n");
        }
        for r in list {
            let gv = if r.group.is_empty() {
                r.version.to_string()
            } else {
                format!("{}/{}", r.group, r.version)
            };
            match output {
                Some("name") => {
                    let dot = if r.group.is_empty() { "" } else { "." };
                    w.write(&format!("{}{dot}{}\n", r.name, r.group));
                }
                Some("wide") => w.write(&format!(
                    "{}\t{}\t{gv}\t{}\t{}\t{}\t{}\n",
                    r.name, r.short, r.namespaced, r.kind, r.verbs, r.categories
                )),
                _ => w.write(&format!(
                    "{}\t{}\t{gv}\t{}\t{}\n",
                    r.name, r.short, r.namespaced, r.kind
                )),
            }
        }
        w.finish()
    }
}

/// `kubectl cluster-info`'s text for the add-on Services of kube-system.
pub fn cluster_info_text(era: Era, host: &str, services: &[Object]) -> String {
    let mut out = match era {
        Era::Modern => format!("Kubernetes control plane is running at {host}\n"),
        Era::Classic => format!("Kubernetes master is running at {host}\n"),
    };
    for o in services {
        let Some(s) = o.service() else { continue };
        if o.meta
            .labels
            .get("kubernetes.io/cluster-service")
            .map(String::as_str)
            != Some("true")
        {
            continue;
        }
        let m = &o.meta;
        let link = match era {
            Era::Modern => {
                let mut name = m.name.clone();
                if let Some(p) = s.ports.first() {
                    // utilnet.JoinSchemeNamePort: `[https:]NAME[:PORT-NAME]`.
                    let https = p.name == "https" || p.port == 443;
                    let scheme = if https { "https:" } else { "" };
                    let port = if p.name.is_empty() {
                        String::new()
                    } else {
                        format!(":{}", p.name)
                    };
                    name = format!("{scheme}{}{port}", m.name);
                }
                format!(
                    "{host}/api/v1/namespaces/{}/services/{name}/proxy",
                    m.namespace
                )
            }
            Era::Classic => format!(
                "{host}/api/v1/proxy/namespaces/{}/services/{}",
                m.namespace, m.name
            ),
        };
        let title = m
            .labels
            .get("kubernetes.io/name")
            .cloned()
            .unwrap_or_else(|| m.name.clone());
        out += &format!("{title} is running at {link}\n");
    }
    out += "\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n";
    out
}

impl Kubectl {
    pub(super) fn version(&mut self, client: bool, ns: NsId, cx: &mut Ctx<'_, Net>) -> i32 {
        let era = self.era();
        if client {
            print(cx, Stream::Stdout, &version_text(era, false));
            return 0;
        }
        let api = cx.lookup("kube-apiserver");
        let here = api.and_then(|a| cx.world.procs.get(&a).and_then(|p| p.ns)) == Some(ns);
        print(cx, Stream::Stdout, &version_text(era, here));
        if !here {
            return i32::from(!self.connected(ns, cx));
        }
        0
    }

    pub(super) fn api_resources(
        &mut self,
        o: &ApiResources,
        msg: Msg,
        ns: NsId,
        cx: &mut Ctx<'_, Net>,
    ) -> Option<i32> {
        let Msg::Start = msg else {
            return None;
        };
        if !self.connected(ns, cx) {
            return Some(1);
        }
        print(cx, Stream::Stdout, &o.text());
        Some(0)
    }

    pub(super) fn cluster_info(
        &mut self,
        msg: Msg,
        ns: NsId,
        cx: &mut Ctx<'_, Net>,
    ) -> Option<i32> {
        let era = self.era();
        match msg {
            Msg::Start => {
                if !self.connected(ns, cx) {
                    return Some(1);
                }
                // Its own default namespace is kube-system.
                let ns_name = if self.ns_given {
                    self.ns.clone()
                } else {
                    "kube-system".to_string()
                };
                self.ask(
                    cx,
                    ns,
                    Request::List {
                        kind: Kind::Service,
                        ns: Some(ns_name),
                    },
                );
                None
            }
            Msg::ApiResponse { resp, .. } => {
                let Response::List(list) = *resp else {
                    return Some(self.answer(*resp, cx));
                };
                let host = match era {
                    // kubeadm's admin.conf: the apiserver's secure port on this machine.
                    Era::Modern => {
                        let ip = cx
                            .world
                            .ns(ns)
                            .underlay_addr()
                            .map(|i| i.to_string())
                            .unwrap_or_else(|| "127.0.0.1".into());
                        format!("https://{ip}:6443")
                    }
                    Era::Classic => "http://localhost:8080".to_string(),
                };
                print(cx, Stream::Stdout, &cluster_info_text(era, &host, &list));
                Some(0)
            }
            Msg::Timer(_) => {
                print(
                    cx,
                    Stream::Stderr,
                    "Unable to connect to the server: dial tcp: i/o timeout\n",
                );
                Some(1)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::k8s::api::{Body, Meta, Service, ServicePort};

    #[test]
    fn versions_of_both_eras() {
        assert_eq!(
            version_text(Era::Modern, true),
            "Client Version: v1.28.2\nKustomize Version: v5.0.4-0.20230601165947-6ce0bf390ce3\nServer Version: v1.28.2\n"
        );
        assert_eq!(
            version_text(Era::Classic, false),
            "Client Version: version.Info{Major:\"1\", Minor:\"5\", GitVersion:\"v1.5.2\", GitCommit:\"08e099554f3c31f6e6f07b448ab3ed78d0520507\", GitTreeState:\"clean\", BuildDate:\"2017-01-12T04:57:25Z\", GoVersion:\"go1.7.4\", Compiler:\"gc\", Platform:\"linux/amd64\"}\n"
        );
    }

    /// The table as v1.28 prints it: core resources first, then apps, each by name.
    #[test]
    fn api_resources_table() {
        let o = ApiResources::default();
        assert_eq!(
            o.text(),
            "NAME                     SHORTNAMES   APIVERSION   NAMESPACED   KIND\n\
             configmaps               cm           v1           true         ConfigMap\n\
             endpoints                ep           v1           true         Endpoints\n\
             events                   ev           v1           true         Event\n\
             namespaces               ns           v1           false        Namespace\n\
             nodes                    no           v1           false        Node\n\
             pods                     po           v1           true         Pod\n\
             replicationcontrollers   rc           v1           true         ReplicationController\n\
             secrets                               v1           true         Secret\n\
             services                 svc          v1           true         Service\n\
             daemonsets               ds           apps/v1      true         DaemonSet\n\
             deployments              deploy       apps/v1      true         Deployment\n\
             replicasets              rs           apps/v1      true         ReplicaSet\n"
        );
        let names = ApiResources {
            output: Some("name".into()),
            namespaced: Some(false),
            ..Default::default()
        };
        assert_eq!(names.text(), "namespaces\nnodes\n");
        let apps = ApiResources {
            output: Some("name".into()),
            group: Some("apps".into()),
            ..Default::default()
        };
        assert_eq!(
            apps.text(),
            "daemonsets.apps\ndeployments.apps\nreplicasets.apps\n"
        );
        // Every short name is one kubectl (here) takes.
        for r in RESOURCES {
            if r.name != "events" {
                assert!(
                    r.short.is_empty() || Kind::parse(r.short).is_some(),
                    "{}",
                    r.short
                );
                assert!(Kind::parse(r.name).is_some(), "{}", r.name);
            }
        }
    }

    #[test]
    fn cluster_info_of_both_eras() {
        let dns = Object {
            meta: Meta {
                name: "kube-dns".into(),
                namespace: "kube-system".into(),
                labels: [
                    ("kubernetes.io/cluster-service", "true"),
                    ("kubernetes.io/name", "CoreDNS"),
                ]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
                ..Default::default()
            },
            body: Body::Service(Service {
                type_: "ClusterIP".into(),
                cluster_ip: None,
                ports: vec![ServicePort {
                    name: "dns".into(),
                    protocol: Some("UDP".into()),
                    port: 53,
                    target_port: None,
                    target_name: None,
                    node_port: None,
                }],
                selector: Default::default(),
                external_ips: Vec::new(),
                external_name: None,
                ingress: Vec::new(),
                publish_not_ready: false,
                affinity: None,
                policy: Default::default(),
            }),
        };
        assert_eq!(
            cluster_info_text(
                Era::Modern,
                "https://192.168.2.10:6443",
                std::slice::from_ref(&dns)
            ),
            "Kubernetes control plane is running at https://192.168.2.10:6443\n\
             CoreDNS is running at https://192.168.2.10:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n\
             \n\
             To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n"
        );
        let mut kubedns = dns;
        kubedns
            .meta
            .labels
            .insert("kubernetes.io/name".into(), "KubeDNS".into());
        assert_eq!(
            cluster_info_text(Era::Classic, "http://localhost:8080", &[kubedns]),
            "Kubernetes master is running at http://localhost:8080\n\
             KubeDNS is running at http://localhost:8080/api/v1/proxy/namespaces/kube-system/services/kube-dns\n\
             \n\
             To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n"
        );
        // No add-on: the control plane only.
        assert_eq!(
            cluster_info_text(Era::Classic, "http://localhost:8080", &[]),
            "Kubernetes master is running at http://localhost:8080\n\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n"
        );
    }
}
