//! `kubectl rollout status|history|undo|restart|pause|resume` and `kubectl set image`, for
//! Deployments (and a StatefulSet's status and restart).
//!
//! As kubectl does, the changes are made on the client: it reads the Deployment (and, to
//! undo, its ReplicaSets), changes the pod template in the object's JSON and writes it
//! back (`Request::Update`, through admission as `kubectl patch` does; kubectl sends a
//! patch); the deployment controller then rolls the pods. `status` watches
//! the Deployment and prints a line for each change it sees until the rollout is done.
//!
//! Sources: kubectl's `pkg/cmd/rollout/` and `pkg/polymorphichelpers/` (`rollback.go`'s
//! `deploymentRevision`, `history.go`'s table, `rollout_status.go`'s lines,
//! `objectrestarter.go`'s `kubectl.kubernetes.io/restartedAt`), `pkg/cmd/set/set_image.go`;
//! kubectl 1.5's `pkg/kubectl/rollout_status.go` and `history.go` for the old forms.

use super::modify::to_json;
use super::object::api_object;
use super::verbs::{Args, unknown_flag};
use super::{Kubectl, release, tabwriter};
use crate::engine::{Ctx, Dur};
use crate::k8s::api::{
    CHANGE_CAUSE, Description, EventType, Kind, Object, RESTARTED_AT, Request, Response, revision,
};
use crate::k8s::proxy::names::Era;
use crate::net::{Msg, Net, NsId};
use crate::tools::print;
use crate::trace::Stream;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// `rollout status` (`--watch=false`: one line, then exit; `--timeout`: how long to
    /// wait, 0 for ever).
    Status {
        watch: bool,
        timeout: Dur,
    },
    History,
    /// `rollout undo [--to-revision=N]`: 0 is the revision before the current one.
    Undo(u64),
    Restart,
    /// `rollout pause` (true) or `rollout resume` (false): sets `spec.paused`.
    Pause(bool),
    /// `set image KIND/NAME CONTAINER=IMAGE...` (`*` is every container).
    SetImage(Vec<(String, String)>),
}

#[derive(Clone, Debug)]
pub struct Rollout {
    pub op: Op,
    pub kind: Kind,
    pub name: String,
    /// The update was sent (the next answer is its result).
    sent: bool,
}

const KINDS_NOTE: &str =
    "Deployments are, and a StatefulSet's status and restart; DaemonSets and the rest are not yet";

/// `KIND/NAME` or `KIND NAME`, from the words after the subcommand.
fn target(words: &[String], verb: &str) -> Result<(Kind, String, usize), (String, i32)> {
    let Some(first) = words.first() else {
        return Err((
            format!(
                "error: required resource not specified\nSee 'kubectl {verb} -h' for help and examples\n"
            ),
            1,
        ));
    };
    let unknown = |k: &str| {
        (
            format!("error: the server doesn't have a resource type \"{k}\"\n"),
            1,
        )
    };
    let (kind, name, used) = match first.split_once('/') {
        Some((k, n)) => (Kind::parse(k).ok_or_else(|| unknown(k))?, n.to_string(), 1),
        None => {
            let kind = Kind::parse(first).ok_or_else(|| unknown(first))?;
            let Some(name) = words.get(1) else {
                return Err((
                    "error: resource(s) were provided, but no name was specified\n".into(),
                    1,
                ));
            };
            (kind, name.clone(), 2)
        }
    };
    Ok((kind, name, used))
}

/// `rollout SUBCOMMAND ...` (the words after `rollout`).
pub fn parse_rollout(a: &Args) -> Result<Rollout, (String, i32)> {
    let Some((sub, rest)) = a.words.split_first() else {
        return Err((
            "error: the simulator runs `kubectl rollout status|history|undo|restart TYPE/NAME`\n"
                .into(),
            1,
        ));
    };
    let verb = format!("rollout {sub}");
    let mut watch = true;
    let mut to_revision = 0u64;
    let mut timeout = Dur::ZERO;
    for (f, v) in &a.flags {
        match (sub.as_str(), f.as_str()) {
            ("status", "-w" | "--watch") => watch = super::verbs::boolean(f, v)?,
            ("status", "--timeout") => {
                // A Go duration; a negative one waits for ever, as 0 does.
                let v = v.clone().unwrap_or_default();
                timeout = match v.strip_prefix('-') {
                    Some(_) => Dur::ZERO,
                    None if v == "0" => Dur::ZERO,
                    None => Dur::parse(&v).map_err(|_| {
                        (
                            format!(
                                "error: invalid argument \"{v}\" for \"--timeout\" flag: time: invalid duration \"{v}\"\n"
                            ),
                            1,
                        )
                    })?,
                };
            }
            ("undo", "--to-revision") => {
                let v = v.clone().unwrap_or_default();
                to_revision = match crate::tools::num::go_parse_int(&v, true) {
                    Ok(n) if n >= 0 => n as u64,
                    Ok(_) => {
                        return Err((
                            format!("error: revision must be a positive integer: {v}\n"),
                            1,
                        ));
                    }
                    Err(e) => {
                        return Err((
                            format!(
                                "error: invalid argument \"{v}\" for \"--to-revision\" flag: strconv.ParseInt: parsing \"{v}\": {}\n",
                                e.text()
                            ),
                            1,
                        ));
                    }
                };
            }
            (_, other) => return Err(unknown_flag(&verb, other)),
        }
    }
    let op = match sub.as_str() {
        "status" => Op::Status { watch, timeout },
        "history" => Op::History,
        "undo" => Op::Undo(to_revision),
        "restart" => Op::Restart,
        "pause" => Op::Pause(true),
        "resume" => Op::Pause(false),
        other => {
            return Err((
                format!(
                    "Error: unknown command \"{other}\" for \"kubectl rollout\"\nRun 'kubectl rollout --help' for usage.\n"
                ),
                1,
            ));
        }
    };
    let (kind, name, used) = target(rest, &verb)?;
    if let Some(extra) = rest.get(used) {
        return Err((format!("error: extra arguments: [{extra}]\n"), 1));
    }
    // pause and resume of another kind are refused as kubectl refuses them, once the
    // object is read.
    // A StatefulSet's status and restart (kubectl's StatefulSetStatusViewer and
    // objectrestarter.go; its history needs ControllerRevisions, not simulated).
    let of_sts = kind == Kind::StatefulSet && matches!(op, Op::Status { .. } | Op::Restart);
    if kind != Kind::Deployment && !of_sts && !matches!(op, Op::Pause(_)) {
        return Err((
            format!(
                "error: `kubectl rollout` of a {} is not simulated ({KINDS_NOTE})\n",
                kind.singular()
            ),
            1,
        ));
    }
    Ok(Rollout {
        op,
        kind,
        name,
        sent: false,
    })
}

/// `set image TYPE/NAME CONTAINER=IMAGE...` (the words after `set`).
pub fn parse_set(a: &Args) -> Result<Rollout, (String, i32)> {
    match a.words.first().map(String::as_str) {
        Some("image") => {}
        Some(other) => {
            return Err((
                format!("error: `kubectl set {other}` is not simulated (`kubectl set image` is)\n"),
                1,
            ));
        }
        None => {
            return Err((
                "error: the simulator runs `kubectl set image TYPE/NAME CONTAINER=IMAGE...`\n"
                    .into(),
                1,
            ));
        }
    }
    if let Some((f, _)) = a.flags.first() {
        return Err(unknown_flag("set image", f));
    }
    let words = &a.words[1..];
    // The resource is every word before the first CONTAINER=IMAGE.
    let split = words
        .iter()
        .position(|w| w.contains('='))
        .unwrap_or(words.len());
    let (kind, name, used) = target(&words[..split], "set image")?;
    if used < split {
        return Err((format!("error: extra arguments: [{}]\n", words[used]), 1));
    }
    let mut images = Vec::new();
    for w in &words[split..] {
        match w.split_once('=') {
            Some((c, i)) if !c.is_empty() && !i.is_empty() => {
                images.push((c.to_string(), i.to_string()))
            }
            _ => {
                return Err((
                    format!("error: invalid argument \"{w}\": must be CONTAINER_NAME=IMAGE\n"),
                    1,
                ));
            }
        }
    }
    if images.is_empty() {
        return Err((
            "error: at least one image update is required\nSee 'kubectl set image -h' for help and examples\n".into(),
            1,
        ));
    }
    if !kind.is_workload() {
        return Err((
            format!(
                "error: `kubectl set image` of a {} is not simulated (of a Deployment, ReplicaSet, ReplicationController or DaemonSet it is)\n",
                kind.singular()
            ),
            1,
        ));
    }
    Ok(Rollout {
        op: Op::SetImage(images),
        kind,
        name,
        sent: false,
    })
}

/// rollout_status.go's `DeploymentStatusViewer.Status`: the line for a Deployment's
/// counts, and whether the rollout is done. kubectl 1.5 did not name the Deployment in
/// its waiting lines.
pub fn status_line(o: &Object, era: Era) -> (String, bool) {
    let name = &o.meta.name;
    let Some(w) = o.workload() else {
        return (String::new(), true);
    };
    if w.kind == Kind::StatefulSet {
        // StatefulSetStatusViewer, for RollingUpdate with partition 0 (apps/v1's
        // defaults, the one strategy simulated).
        if w.ready < w.replicas {
            return (
                format!("Waiting for {} pods to be ready...\n", w.replicas - w.ready),
                false,
            );
        }
        if w.updated < w.replicas {
            return (
                format!(
                    "Waiting for partitioned roll out to finish: {} out of {} new pods have been updated...\n",
                    w.updated, w.replicas
                ),
                false,
            );
        }
        return (
            format!(
                "partitioned roll out complete: {} new pods have been updated...\n",
                w.updated
            ),
            true,
        );
    }
    let waiting = match era {
        Era::Modern => format!("Waiting for deployment \"{name}\" rollout to finish: "),
        Era::Classic => "Waiting for rollout to finish: ".to_string(),
    };
    if w.updated < w.replicas {
        return (
            format!(
                "{waiting}{} out of {} new replicas have been updated...\n",
                w.updated, w.replicas
            ),
            false,
        );
    }
    if w.current > w.updated {
        return (
            format!(
                "{waiting}{} old replicas are pending termination...\n",
                w.current - w.updated
            ),
            false,
        );
    }
    if w.ready < w.updated {
        return (
            format!(
                "{waiting}{} of {} updated replicas are available...\n",
                w.ready, w.updated
            ),
            false,
        );
    }
    (
        format!("deployment \"{name}\" successfully rolled out\n"),
        true,
    )
}

/// `rollout history`: each revision and its `kubernetes.io/change-cause`. Today's kubectl
/// prints the name as its name printer does, then the table (tabwriter padding 2) and a
/// blank line; 1.5 printed `deployments "web"` and a tab-padded table.
pub fn history(d: &Description, era: Era) -> String {
    let mut revisions: Vec<(u64, String)> = d
        .related
        .iter()
        .filter(|rs| rs.kind() == Kind::ReplicaSet)
        .map(|rs| {
            let cause = rs
                .meta
                .annotations
                .get(CHANGE_CAUSE)
                .filter(|c| !c.is_empty())
                .cloned()
                .unwrap_or_else(|| "<none>".into());
            (revision(&rs.meta), cause)
        })
        .filter(|(r, _)| *r > 0)
        .collect();
    revisions.sort();
    let mut table = String::from("REVISION\tCHANGE-CAUSE\n");
    for (r, cause) in &revisions {
        table.push_str(&format!("{r}\t{cause}\n"));
    }
    let cfg = match era {
        Era::Modern => tabwriter::MODERN,
        Era::Classic => tabwriter::CLASSIC,
    };
    let mut w = tabwriter::Writer::new(cfg);
    w.write(&table);
    let table = w.finish();
    let name = &d.object.meta.name;
    match era {
        Era::Modern => format!(
            "{}/{name} \n{table}\n",
            release::resource(Kind::Deployment, era)
        ),
        Era::Classic => format!("deployments \"{name}\"\n{table}"),
    }
}

/// The template of the Deployment's revision to go back to (rollback.go's
/// `deploymentRevision`): revision `to`, or (0) the one before the newest. `Err` is
/// kubectl's message.
fn revision_to(d: &Description, to: u64) -> Result<&Object, String> {
    let mut sets: Vec<(u64, &Object)> = d
        .related
        .iter()
        .filter(|rs| rs.kind() == Kind::ReplicaSet)
        .map(|rs| (revision(&rs.meta), rs))
        .filter(|(r, _)| *r > 0)
        .collect();
    sets.sort_by_key(|(r, _)| *r);
    if to > 0 {
        return sets
            .iter()
            .find(|(r, _)| *r == to)
            .map(|(_, rs)| *rs)
            .ok_or_else(|| format!("unable to find specified revision {to} in history"));
    }
    match sets.len() {
        0 | 1 => Err(format!(
            "no rollout history found for deployment \"{}\"",
            d.object.meta.name
        )),
        n => Ok(sets[n - 2].1),
    }
}

impl Kubectl {
    /// Runs `rollout` and `set image`: every message the process gets.
    pub(super) fn rollout(
        &mut self,
        r: &Rollout,
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
                if era == Era::Classic && r.kind == Kind::StatefulSet {
                    // kubectl 1.5's rollout knew Deployments only.
                    print(
                        cx,
                        Stream::Stderr,
                        "error: no status viewer has been implemented for StatefulSet\n",
                    );
                    return Some(1);
                }
                let (kind, name, ns_name) = (r.kind, r.name.clone(), self.ns.clone());
                let req = match &r.op {
                    Op::Status { .. } => Request::Watch {
                        kinds: vec![r.kind],
                        node: None,
                    },
                    Op::History | Op::Undo(_) => Request::Describe {
                        kind,
                        ns: Some(ns_name),
                        name: Some(name),
                    },
                    Op::Restart | Op::SetImage(_) | Op::Pause(_) => Request::Get {
                        kind,
                        ns: ns_name,
                        name,
                    },
                };
                self.ask(cx, ns, req);
                None
            }
            Msg::ApiResponse { resp, .. } => self.rollout_answer(r, *resp, ns, cx, era),
            Msg::ApiEvent { event } => {
                let Op::Status { .. } = r.op else { return None };
                let o = &event.object;
                if o.kind() != r.kind || o.meta.name != r.name || o.meta.namespace != self.ns {
                    return None;
                }
                if let EventType::Deleted = event.what {
                    print(cx, Stream::Stderr, "error: object has been deleted\n");
                    return Some(1);
                }
                let (line, done) = status_line(o, era);
                print(cx, Stream::Stdout, &line);
                if done && let Some(t) = self.timer.take() {
                    cx.cancel(t);
                }
                done.then_some(0)
            }
            Msg::Timer(2) => {
                // The --timeout of `rollout status` (wait.ErrWaitTimeout's words).
                print(
                    cx,
                    Stream::Stderr,
                    "error: timed out waiting for the condition\n",
                );
                Some(1)
            }
            Msg::Timer(_) => super::timed_out(cx),
            _ => None,
        }
    }

    fn rollout_answer(
        &mut self,
        r: &Rollout,
        resp: Response,
        ns: NsId,
        cx: &mut Ctx<'_, Net>,
        era: Era,
    ) -> Option<i32> {
        let fail = |cx: &mut Ctx<'_, Net>, text: String| {
            print(cx, Stream::Stderr, &text);
            Some(1)
        };
        let not_found = || {
            format!(
                "Error from server (NotFound): {} \"{}\" not found\n",
                r.kind.plural(),
                r.name
            )
        };
        if let Response::Error {
            reason, message, ..
        } = &resp
        {
            return fail(cx, format!("Error from server ({reason}): {message}\n"));
        }
        // (The release is known from the apiserver's first answer.)
        if let (Era::Classic, Op::Status { timeout, .. }) = (era, &r.op)
            && *timeout != Dur::ZERO
        {
            // kubectl 1.5's rollout status had no --timeout (1.11 added it).
            return fail(cx, unknown_flag("rollout status", "--timeout").0);
        }
        let done = |op: &str| release::done(r.kind, &r.name, op, era);
        match (&r.op, resp) {
            (Op::Status { watch, timeout }, Response::List(list)) => {
                let Some(o) = list
                    .iter()
                    .find(|o| o.meta.name == r.name && o.meta.namespace == self.ns)
                else {
                    return fail(cx, not_found());
                };
                let (line, done) = status_line(o, era);
                print(cx, Stream::Stdout, &line);
                if done || !watch {
                    return Some(0);
                }
                if let Some(t) = self.timer.take() {
                    cx.cancel(t);
                }
                if *timeout != Dur::ZERO {
                    self.timer = Some(cx.schedule_cancellable(*timeout, Msg::Timer(2)));
                }
                if let Some(p) = cx.world.procs.get_mut(&cx.me()) {
                    p.at_run_end = Some(format!(
                        "kubectl rollout status of deployment/{} ended with the run (the rollout was not done)",
                        r.name
                    ));
                }
                None
            }
            (Op::History | Op::Undo(_), Response::Described(list)) => {
                let Some(d) = list.iter().find(|d| d.object.meta.name == r.name) else {
                    return fail(cx, not_found());
                };
                let Op::Undo(to) = r.op else {
                    print(cx, Stream::Stdout, &history(d, era));
                    return Some(0);
                };
                let rs = match revision_to(d, to) {
                    Ok(rs) => rs,
                    Err(e) => return fail(cx, format!("error: {e}\n")),
                };
                // rollback.go: the ReplicaSet's template without its pod-template-hash
                // label; the same as the Deployment's (equalIgnoreHash) is skipped.
                let mut json = to_json(&api_object(&d.object, era));
                let mut template = to_json(&api_object(rs, era))["spec"]["template"].take();
                if let Some(labels) = template["metadata"]["labels"].as_object_mut() {
                    labels.remove("pod-template-hash");
                }
                if json["spec"]["template"] == template {
                    let line = done(&format!(
                        "skipped rollback (current template already matches revision {})",
                        revision(&rs.meta)
                    ));
                    print(cx, Stream::Stdout, &line);
                    return Some(0);
                }
                json["spec"]["template"] = template;
                self.rollout_update(cx, ns, json, &d.object.meta.namespace)
            }
            (Op::Restart | Op::SetImage(_) | Op::Pause(_), Response::Object(o)) if !r.sent => {
                let mut json = to_json(&api_object(&o, era));
                match &r.op {
                    Op::Pause(pause) => {
                        // objectpauser.go / objectresumer.go, and rollout_pause.go's
                        // `error: %s %q %v` with the resource and its group.
                        let (verb, done_already) = if *pause {
                            ("pausing", "is already paused")
                        } else {
                            ("resuming", "is not paused")
                        };
                        let plural = r.kind.plural();
                        let resource = match era {
                            Era::Modern => plural,
                            Era::Classic => plural.split('.').next().unwrap_or(plural),
                        };
                        let why = if r.kind != Kind::Deployment {
                            format!("{verb} is not supported")
                        } else if o.workload().is_some_and(|w| w.rollout.paused == *pause) {
                            done_already.to_string()
                        } else {
                            json["spec"]["paused"] = (*pause).into();
                            return self.rollout_update(cx, ns, json, &o.meta.namespace);
                        };
                        return fail(cx, format!("error: {resource} \"{}\" {why}\n", r.name));
                    }
                    Op::Restart => {
                        if era == Era::Classic {
                            // kubectl 1.5 had no `rollout restart` (it came in 1.15).
                            return fail(
                                cx,
                                "Error: unknown command \"restart\" for \"kubectl rollout\"\nRun 'kubectl rollout --help' for usage.\n".into(),
                            );
                        }
                        let meta = &mut json["spec"]["template"]["metadata"];
                        if !meta["annotations"].is_object() {
                            meta["annotations"] = serde_json::json!({});
                        }
                        meta["annotations"][RESTARTED_AT] = crate::clock::rfc3339(cx.now()).into();
                    }
                    Op::SetImage(images) => {
                        let Some(containers) =
                            json["spec"]["template"]["spec"]["containers"].as_array_mut()
                        else {
                            return Some(1);
                        };
                        for (c, image) in images {
                            let mut found = false;
                            for container in containers.iter_mut() {
                                if c == "*" || container["name"] == c.as_str() {
                                    container["image"] = image.clone().into();
                                    found = true;
                                }
                            }
                            if !found {
                                return fail(
                                    cx,
                                    format!("error: unable to find container named \"{c}\"\n"),
                                );
                            }
                        }
                    }
                    _ => {}
                }
                self.rollout_update(cx, ns, json, &o.meta.namespace)
            }
            (op, Response::Object(_)) => {
                let line = match op {
                    Op::Undo(_) => done("rolled back"),
                    Op::Restart => done("restarted"),
                    Op::Pause(true) => done("paused"),
                    Op::Pause(false) => done("resumed"),
                    _ => done("image updated"),
                };
                print(cx, Stream::Stdout, &line);
                Some(0)
            }
            _ => Some(1),
        }
    }

    /// Writes the changed object back (as the manifest its JSON is, through admission);
    /// the next answer is the result.
    fn rollout_update(
        &mut self,
        cx: &mut Ctx<'_, Net>,
        ns: NsId,
        json: serde_json::Value,
        object_ns: &str,
    ) -> Option<i32> {
        let api_version = json["apiVersion"].as_str().unwrap_or("").to_string();
        let kind = json["kind"].as_str().unwrap_or("").to_string();
        let m = match crate::k8s::manifest::types::from_value(&api_version, &kind, json) {
            Ok(m) => m,
            Err(e) => {
                print(
                    cx,
                    Stream::Stderr,
                    &format!(
                        "Error from server (BadRequest): the changed object does not decode as a {kind}: {e}\n"
                    ),
                );
                return Some(1);
            }
        };
        if let super::Cmd::More(super::verbs::More::Rollout(r)) = &mut self.cmd {
            r.sent = true;
        }
        let req = Request::Update {
            object: Box::new(m),
            ns: object_ns.to_string(),
        };
        self.ask(cx, ns, req);
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::k8s::api::{Body, Meta, Rc};

    fn deploy(replicas: u32, current: u32, updated: u32, ready: u32) -> Object {
        Object {
            meta: Meta {
                name: "web".into(),
                namespace: "default".into(),
                ..Default::default()
            },
            body: Body::Workload(Rc {
                kind: Kind::Deployment,
                replicas,
                selector: Default::default(),
                template_labels: Default::default(),
                template_annotations: Default::default(),
                containers: Vec::new(),
                spec: Default::default(),
                current,
                ready,
                updated,
                rollout: Default::default(),
                stateful: Default::default(),
                job: Default::default(),
            }),
        }
    }

    /// rollout_status.go's four lines, in the order it checks them, in both eras.
    #[test]
    fn status_lines_as_kubectl_prints_them() {
        let m = Era::Modern;
        let o = deploy(3, 4, 1, 3);
        assert_eq!(
            status_line(&o, m),
            (
                "Waiting for deployment \"web\" rollout to finish: 1 out of 3 new replicas have been updated...\n".into(),
                false
            )
        );
        assert_eq!(
            status_line(&deploy(3, 4, 3, 3), m).0,
            "Waiting for deployment \"web\" rollout to finish: 1 old replicas are pending termination...\n"
        );
        assert_eq!(
            status_line(&deploy(3, 3, 3, 2), m).0,
            "Waiting for deployment \"web\" rollout to finish: 2 of 3 updated replicas are available...\n"
        );
        assert_eq!(
            status_line(&deploy(3, 3, 3, 3), m),
            ("deployment \"web\" successfully rolled out\n".into(), true)
        );
        assert_eq!(
            status_line(&deploy(3, 4, 1, 3), Era::Classic).0,
            "Waiting for rollout to finish: 1 out of 3 new replicas have been updated...\n"
        );
    }

    /// StatefulSetStatusViewer's lines (RollingUpdate, partition 0).
    #[test]
    fn statefulset_status_lines() {
        let sts = |ready: u32, updated: u32| {
            let mut o = deploy(3, 3, updated, ready);
            if let Body::Workload(w) = &mut o.body {
                w.kind = Kind::StatefulSet;
            }
            status_line(&o, Era::Modern)
        };
        assert_eq!(
            sts(1, 1),
            ("Waiting for 2 pods to be ready...\n".into(), false)
        );
        assert_eq!(
            sts(3, 1).0,
            "Waiting for partitioned roll out to finish: 1 out of 3 new pods have been updated...\n"
        );
        assert_eq!(
            sts(3, 3),
            (
                "partitioned roll out complete: 3 new pods have been updated...\n".into(),
                true
            )
        );
    }

    /// The history table's bytes: today's name line with its trailing space (the name
    /// printer's `%s/%s %s` with an operation starting with a newline), padding 2, the
    /// blank line; 1.5's tab-padded table. Revisions in order, whatever the sets' order.
    #[test]
    fn history_as_kubectl_prints_it() {
        let rs = |name: &str, rev: &str, cause: Option<&str>| {
            let mut o = deploy(0, 0, 0, 0);
            o.meta.name = name.into();
            if let Body::Workload(w) = &mut o.body {
                w.kind = Kind::ReplicaSet;
            }
            o.meta
                .annotations
                .insert(crate::k8s::api::REVISION.into(), rev.into());
            if let Some(c) = cause {
                o.meta.annotations.insert(CHANGE_CAUSE.into(), c.into());
            }
            o
        };
        let d = Description {
            object: deploy(2, 2, 2, 2),
            related: vec![
                rs(
                    "web-b",
                    "10",
                    Some("kubectl set image deployment/web web=nginx:v2"),
                ),
                rs("web-a", "9", None),
            ],
            events: Vec::new(),
        };
        assert_eq!(
            history(&d, Era::Modern),
            "deployment.apps/web \nREVISION  CHANGE-CAUSE\n9         <none>\n10        kubectl set image deployment/web web=nginx:v2\n\n"
        );
        assert_eq!(
            history(&d, Era::Classic),
            "deployments \"web\"\nREVISION\tCHANGE-CAUSE\n9\t\t<none>\n10\t\tkubectl set image deployment/web web=nginx:v2\n"
        );
    }
}
