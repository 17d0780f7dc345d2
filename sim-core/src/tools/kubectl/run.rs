//! `kubectl run` and `kubectl expose`: objects kubectl writes for the user, created
//! through the apiserver's one path (a manifest through admission), as `create -f` does.
//!
//! `run NAME --image=IMG [--port=P] [--labels=K=V,...] [--env=K=V]... [--restart=...]
//! [--command] [--expose] [-- ARGS...]`: today's kubectl makes a Pod labelled `run=NAME`
//! (or `--labels`), its one container named NAME, `ARGS` its args (its command with
//! `--command`), the restart policy `--restart` (Always by default). kubectl 1.5 chose a
//! generator by `--restart`: Always made a Deployment (extensions/v1beta1, `--replicas`,
//! default 1), OnFailure a Job, Never a Pod. `--expose` (which needs `--port`) also makes
//! a ClusterIP Service selecting those labels, port and targetPort `--port`; kubectl
//! prints the Service's line first, then the object's. Attaching (`-i`, `-t`, `--attach`,
//! `--rm`) needs the interactive shell, which the simulator does not have yet: refused.
//!
//! `expose KIND NAME [--port=P] [--target-port=T] [--name=N] [--type=T] [--protocol=P]
//! [--selector=K=V,...] [--labels=...] [--external-ip=IP] [--cluster-ip=IP]`: a Service
//! for a pod, Service, ReplicationController, ReplicaSet or Deployment, its selector and
//! ports taken from the object as kubectl's introspection takes them (a pod's labels, a
//! controller's selector, a Service's selector; the containers' ports, a Service's ports;
//! several ports named `port-1`, `port-2`...).

use serde_json::{Value as Json, json};

use super::verbs::{Args, boolean, unknown_flag};
use super::{kind_and_name, release};
use crate::k8s::api::{Body, Kind, Object, Request, Response};
use crate::k8s::manifest::types::from_value;
use crate::k8s::proxy::names::Era;

#[derive(Clone, Debug)]
pub struct Run {
    name: String,
    image: String,
    port: Option<u16>,
    labels: Vec<(String, String)>,
    env: Vec<(String, String)>,
    restart: String,
    command: bool,
    args: Vec<String>,
    expose: bool,
    replicas: u32,
    /// The objects still to create: (what it is, its manifest JSON).
    queue: Vec<Json>,
    /// The lines to print at the end, in kubectl's order.
    lines: Vec<(bool, String)>,
    started: bool,
}

/// `--labels` / `--selector`: `k=v,k2=v2` (run.go's and expose.go's parseLabels).
fn parse_labels(s: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for spec in s.split(',') {
        let parts: Vec<&str> = spec.split('=').collect();
        if parts.len() != 2 {
            return Err(format!("error: unexpected label spec: {spec}\n"));
        }
        if parts[0].is_empty() {
            return Err("error: unexpected empty label key\n".into());
        }
        out.retain(|(k, _): &(String, String)| k != parts[0]);
        out.push((parts[0].to_string(), parts[1].to_string()));
    }
    Ok(out)
}

fn port_arg(v: &str, flag: &str) -> Result<u16, (String, i32)> {
    v.parse::<u16>()
        .ok()
        .filter(|p| *p > 0)
        .ok_or_else(|| (format!("error: {flag} must be a number\n"), 1))
}

fn labels_json(l: &[(String, String)]) -> Json {
    Json::Object(
        l.iter()
            .map(|(k, v)| (k.clone(), Json::String(v.clone())))
            .collect(),
    )
}

impl Run {
    pub fn parse(a: &Args) -> Result<Run, (String, i32)> {
        let Some(name) = a.words.first().cloned() else {
            return Err((
                "error: NAME is required for run\nSee 'kubectl run -h' for help and examples\n"
                    .into(),
                1,
            ));
        };
        let mut run = Run {
            name: name.clone(),
            image: String::new(),
            port: None,
            labels: vec![("run".to_string(), name.clone())],
            env: Vec::new(),
            restart: "Always".into(),
            command: false,
            args: a.words[1..].to_vec(),
            expose: false,
            replicas: 1,
            queue: Vec::new(),
            lines: Vec::new(),
            started: false,
        };
        run.args.extend(a.dashed.iter().flatten().cloned());
        for (f, v) in &a.flags {
            let val = || v.clone().unwrap_or_default();
            match f.as_str() {
                "--image" => run.image = val(),
                "--port" => run.port = Some(port_arg(&val(), "--port")?),
                "--labels" | "-l" => run.labels = parse_labels(&val()).map_err(|e| (e, 1))?,
                "--env" => {
                    let e = val();
                    match e.split_once('=') {
                        Some((k, v)) if !k.is_empty() => {
                            run.env.push((k.to_string(), v.to_string()))
                        }
                        _ => return Err((format!("error: invalid env: {e}\n"), 1)),
                    }
                }
                "--restart" => run.restart = val(),
                "--command" => run.command = boolean(f, v)?,
                "--expose" => run.expose = boolean(f, v)?,
                "--replicas" => {
                    run.replicas = val().parse().map_err(|_| {
                        (
                            format!(
                                "error: invalid argument \"{}\" for \"--replicas\" flag: strconv.ParseInt: parsing \"{}\": invalid syntax\n",
                                val(),
                                val()
                            ),
                            1,
                        )
                    })?
                }
                "-i" | "-t" | "-it" | "-ti" | "--stdin" | "--tty" | "--attach" | "--rm" => {
                    return Err((
                        format!(
                            "error: kubectl run {f} attaches to the container, which needs the interactive shell the simulator does not have yet; run it without, then use kubectl logs or kubectl exec\n"
                        ),
                        1,
                    ));
                }
                "--dry-run" | "--overrides" | "--image-pull-policy" | "--annotations"
                | "--privileged" | "--serviceaccount" | "-o" | "--output" | "--env-from"
                | "--pod-running-timeout" => {
                    return Err((
                        format!("error: kubectl run {f} is not simulated yet\n"),
                        1,
                    ));
                }
                other => return Err(unknown_flag("run", other)),
            }
        }
        if run.image.is_empty() {
            return Err(("error: --image is required\n".into(), 1));
        }
        if !["Always", "OnFailure", "Never"].contains(&run.restart.as_str()) {
            return Err((
                format!(
                    "error: invalid restart policy: {}, valid values are: Always, OnFailure, Never\n",
                    run.restart
                ),
                1,
            ));
        }
        if run.expose && run.port.is_none() {
            return Err((
                "error: --port must be set when exposing a service\nSee 'kubectl run -h' for help and examples\n".into(),
                1,
            ));
        }
        Ok(run)
    }

    /// The container kubectl writes.
    fn container(&self) -> Json {
        let mut c = json!({"name": self.name, "image": self.image});
        if let Some(p) = self.port {
            c["ports"] = json!([{"containerPort": p}]);
        }
        if !self.env.is_empty() {
            c["env"] = Json::Array(
                self.env
                    .iter()
                    .map(|(k, v)| json!({"name": k, "value": v}))
                    .collect(),
            );
        }
        if !self.args.is_empty() {
            c[if self.command { "command" } else { "args" }] = json!(self.args);
        }
        c
    }

    /// The objects to create, in order: the run's, then its Service.
    fn objects(&self, era: Era) -> Vec<Json> {
        let labels = labels_json(&self.labels);
        let pod_spec = |restart: &str| json!({"containers": [self.container()], "dnsPolicy": "ClusterFirst", "restartPolicy": restart});
        let main = match (era, self.restart.as_str()) {
            (Era::Classic, "Always") => json!({
                "apiVersion": "extensions/v1beta1", "kind": "Deployment",
                "metadata": {"name": self.name, "labels": labels},
                "spec": {"replicas": self.replicas, "template": {"metadata": {"labels": labels}, "spec": pod_spec("Always")}},
            }),
            (Era::Classic, "OnFailure") => json!({
                "apiVersion": "batch/v1", "kind": "Job",
                "metadata": {"name": self.name, "labels": labels},
                "spec": {"template": {"metadata": {"labels": labels}, "spec": pod_spec("OnFailure")}},
            }),
            (_, restart) => json!({
                "apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": self.name, "labels": labels},
                "spec": pod_spec(restart),
            }),
        };
        let mut out = vec![main];
        if let (true, Some(p)) = (self.expose, self.port) {
            // The Service's own labels are only those the user asked for.
            let mut meta = json!({"name": self.name});
            if self
                .labels
                .first()
                .is_none_or(|(k, _)| k != "run" || self.labels.len() > 1)
            {
                meta["labels"] = labels.clone();
            }
            out.push(json!({
                "apiVersion": "v1", "kind": "Service", "metadata": meta,
                "spec": {"selector": labels, "ports": [{"port": p, "protocol": "TCP", "targetPort": p}]},
            }));
        }
        out
    }

    /// The next create, or the end (its lines printed by the caller).
    pub fn step(&mut self, resp: Option<Response>, ns: &str, era: Era) -> RunStep {
        let mut step = RunStep::default();
        if !self.started {
            // Which objects to write depends on the release (1.5's generators): kubectl
            // asks the server first (its discovery), then creates.
            if resp.is_none() {
                step.next = Some(Request::List {
                    kind: Kind::Namespace,
                    ns: None,
                });
                return step;
            }
            self.started = true;
            self.queue = self.objects(era);
            self.queue.reverse();
            return self.step_next(step, ns);
        }
        match resp {
            None => {}
            Some(Response::Object(o)) => {
                let line = release::done(o.kind(), &o.meta.name, "created", era);
                // kubectl prints the Service first, then what it runs.
                if o.kind() == Kind::Service {
                    self.lines.insert(0, (false, line));
                } else {
                    self.lines.push((false, line));
                }
            }
            Some(Response::Error {
                code,
                reason,
                message,
            }) => {
                self.lines
                    .push((true, super::error_text(code, &reason, &message)));
                // The main object failed: nothing more (kubectl stops there).
                if self.lines.len() == 1 {
                    self.queue.clear();
                }
            }
            Some(_) => {}
        }
        self.step_next(step, ns)
    }

    /// The next create, or the lines at the end.
    fn step_next(&mut self, mut step: RunStep, ns: &str) -> RunStep {
        match self.queue.pop().map(|j| create(j, ns)) {
            Some(Ok(r)) => step.next = Some(r),
            Some(Err(e)) => {
                step.err = e;
                step.done = Some(1);
            }
            None => {
                for (err, l) in &self.lines {
                    if *err {
                        step.err += l;
                    } else {
                        step.out += l;
                    }
                }
                step.done = Some(i32::from(self.lines.iter().any(|(e, _)| *e)));
            }
        }
        step
    }
}

/// What follows an answer: print, then the request or the end.
#[derive(Default)]
pub struct RunStep {
    pub out: String,
    pub err: String,
    pub next: Option<Request>,
    pub done: Option<i32>,
}

/// A create request from a manifest's JSON (which kubectl built), or why it cannot be.
fn create(j: Json, ns: &str) -> Result<Request, String> {
    let api_version = j["apiVersion"].as_str().unwrap_or("").to_string();
    let kind = j["kind"].as_str().unwrap_or("").to_string();
    let m = from_value(&api_version, &kind, j)
        .map_err(|e| format!("error: the {kind} kubectl would write does not decode: {e}\n"))?;
    Ok(Request::Create {
        object: Box::new(m),
        ns: ns.to_string(),
    })
}

#[derive(Clone, Debug)]
pub struct Expose {
    kind: Kind,
    name: String,
    port: Option<u16>,
    target_port: Option<String>,
    service_name: Option<String>,
    type_: Option<String>,
    protocol: Option<String>,
    selector: Option<Vec<(String, String)>>,
    labels: Vec<(String, String)>,
    external_ip: Option<String>,
    cluster_ip: Option<String>,
    /// `--session-affinity`: `None` or `ClientIP` (checked when the Service is made).
    session_affinity: Option<String>,
    got: bool,
}

impl Expose {
    pub fn parse(a: &Args) -> Result<Expose, (String, i32)> {
        if a.words.is_empty() {
            return Err((
                "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n".into(),
                1,
            ));
        }
        let (kind, name) = kind_and_name(&a.words)?;
        let Some(name) = name else {
            return Err((
                "error: resource(s) were provided, but no name was specified\n".into(),
                1,
            ));
        };
        let mut e = Expose {
            kind,
            name,
            port: None,
            target_port: None,
            service_name: None,
            type_: None,
            protocol: None,
            selector: None,
            labels: Vec::new(),
            external_ip: None,
            cluster_ip: None,
            session_affinity: None,
            got: false,
        };
        for (f, v) in &a.flags {
            let val = || v.clone().unwrap_or_default();
            match f.as_str() {
                "--port" => e.port = Some(port_arg(&val(), "--port")?),
                "--target-port" => e.target_port = Some(val()),
                "--name" => e.service_name = Some(val()),
                "--type" => e.type_ = Some(val()),
                "--protocol" => e.protocol = Some(val()),
                "--selector" => {
                    e.selector = Some(parse_labels(&val()).map_err(|m| (m, 1))?);
                }
                "--labels" | "-l" => e.labels = parse_labels(&val()).map_err(|m| (m, 1))?,
                "--external-ip" => e.external_ip = Some(val()),
                "--cluster-ip" => e.cluster_ip = Some(val()),
                "--session-affinity" => e.session_affinity = Some(val()),
                "-f" | "--filename" | "--dry-run" | "-o" | "--output" | "--overrides"
                | "--load-balancer-ip" | "--container-port" | "--record" => {
                    return Err((
                        format!("error: kubectl expose {f} is not simulated yet\n"),
                        1,
                    ));
                }
                other => return Err(unknown_flag("expose", other)),
            }
        }
        Ok(e)
    }

    pub fn start(&self, ns: &str) -> Request {
        Request::Get {
            kind: self.kind,
            ns: ns.to_string(),
            name: self.name.clone(),
        }
    }

    /// The object (then the Service from it), or the Service's answer.
    pub fn step(&mut self, resp: Response, ns: &str, era: Era) -> RunStep {
        let mut step = RunStep::default();
        match resp {
            Response::Object(o) if !self.got => {
                self.got = true;
                match self.service(&o).and_then(|j| create(j, ns)) {
                    Ok(r) => step.next = Some(r),
                    Err(e) => {
                        step.err = e;
                        step.done = Some(1);
                    }
                }
            }
            Response::Object(o) => {
                step.out = release::done(o.kind(), &o.meta.name, "exposed", era);
                step.done = Some(0);
            }
            Response::Error {
                code,
                reason,
                message,
            } => {
                step.err = super::error_text(code, &reason, &message);
                step.done = Some(1);
            }
            _ => step.done = Some(1),
        }
        step
    }

    /// The Service for `o` (expose.go's RunExpose with the polymorphic helpers).
    fn service(&self, o: &Object) -> Result<Json, String> {
        let what = match o.kind() {
            Kind::Pod => "pod",
            Kind::Service => "service",
            Kind::ReplicationController => "replication controller",
            Kind::ReplicaSet => "replica set",
            Kind::Deployment => "deployment",
            k => {
                return Err(format!(
                    "error: cannot expose a {}\n",
                    match k.api_version() {
                        "v1" => k.name().to_string(),
                        _ => format!("{}.apps", k.name()),
                    }
                ));
            }
        };
        let selector: Vec<(String, String)> = match &self.selector {
            Some(s) => s.clone(),
            None => {
                let s = match &o.body {
                    Body::Pod(_) => o.meta.labels.clone(),
                    Body::Service(s) => s.selector.clone(),
                    Body::Workload(w) => w.selector.clone(),
                    _ => Default::default(),
                };
                if s.is_empty() {
                    let why = match o.kind() {
                        Kind::Pod => "the pod has no labels and cannot be exposed".to_string(),
                        Kind::Service => "the service has no pod selector set".to_string(),
                        _ => format!(
                            "invalid {}: no selectors, therefore cannot be exposed",
                            what.replace(' ', "")
                        ),
                    };
                    return Err(format!(
                        "error: couldn't retrieve selectors via --selector flag or introspection: {why}\n"
                    ));
                }
                s.into_iter().collect()
            }
        };
        // (port, protocol) of the object, in order.
        let ports: Vec<(u16, String)> = match (&self.port, &o.body) {
            (Some(p), _) => vec![(*p, String::new())],
            (None, Body::Pod(p)) => p
                .containers
                .iter()
                .flat_map(|c| c.ports.iter().map(|p| (*p, "TCP".to_string())))
                .collect(),
            (None, Body::Workload(w)) => w
                .containers
                .iter()
                .flat_map(|c| c.ports.iter().map(|p| (*p, "TCP".to_string())))
                .collect(),
            (None, Body::Service(s)) => s
                .ports
                .iter()
                .map(|p| (p.port, p.protocol().to_string()))
                .collect(),
            _ => Vec::new(),
        };
        if ports.is_empty() && self.cluster_ip.as_deref() != Some("None") {
            return Err("error: couldn't find port via --port flag or introspection\n".into());
        }
        let several = ports.len() > 1;
        let ports: Vec<Json> = ports
            .iter()
            .enumerate()
            .map(|(i, (port, proto))| {
                let protocol = self
                    .protocol
                    .clone()
                    .filter(|p| !p.is_empty())
                    .unwrap_or_else(|| {
                        if proto.is_empty() {
                            "TCP".into()
                        } else {
                            proto.clone()
                        }
                    });
                let target: Json = match &self.target_port {
                    Some(t) => match t.parse::<i64>() {
                        Ok(n) => json!(n),
                        Err(_) => json!(t),
                    },
                    None => json!(port),
                };
                let mut p = json!({"port": port, "protocol": protocol, "targetPort": target});
                if several {
                    p["name"] = json!(format!("port-{}", i + 1));
                }
                p
            })
            .collect();
        let name = self
            .service_name
            .clone()
            .unwrap_or_else(|| o.meta.name.chars().take(63).collect());
        let mut meta = json!({"name": name});
        if !self.labels.is_empty() {
            meta["labels"] = labels_json(&self.labels);
        }
        let mut spec = json!({"selector": labels_json(&selector), "ports": ports});
        if let Some(t) = &self.type_ {
            spec["type"] = json!(t);
        }
        if let Some(ip) = &self.external_ip {
            spec["externalIPs"] = json!([ip]);
        }
        if let Some(ip) = &self.cluster_ip {
            spec["clusterIP"] = json!(ip);
        }
        // ServiceGeneratorV2: an empty value sets nothing; another than None or ClientIP
        // is refused before anything is sent.
        match self.session_affinity.as_deref() {
            None | Some("") => {}
            Some(a @ ("None" | "ClientIP")) => spec["sessionAffinity"] = json!(a),
            Some(other) => return Err(format!("error: unknown session affinity: {other}\n")),
        }
        Ok(json!({"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": spec}))
    }
}
