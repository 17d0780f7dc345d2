//! `kubectl logs (POD | TYPE/NAME) [CONTAINER] [-c CONTAINER] [-f] [-p] [--tail N]
//! [--timestamps]`: a container's stdout and stderr as its runtime kept them
//! (`net::logs`), as kubectl prints them (pkg/cmd/logs/logs.go, v1.28).
//!
//! - A controller (`deploy/NAME`, `rs/`, `rc/`, `ds/`) gives its pods, and kubectl picks
//!   one as `GetFirstPod` does (`podutils.ByLogging`: bound before unbound, Running before
//!   Pending, ready before not, ready longer first, older first), saying `Found N pods,
//!   using pod/NAME` when it had a choice.
//! - Without `-c`: the pod's only container. With several, today's kubectl takes the
//!   first and says `Defaulted container "a" out of: a, b`; kubectl 1.5 was refused by the
//!   apiserver (`a container name must be specified for pod x, choose one of: [a b]`).
//! - `--previous`: the run before the current one (a container dockerd started again);
//!   without one, kubelet's `previous terminated container "c" in pod "p" not found`. A
//!   container not started yet: `container "c" in pod "p" is waiting to start:
//!   ContainerCreating`.
//! - `-f` follows in simulated time: each new line is printed as the container writes
//!   it, until the container ends (kubectl exits 0) or the run does. It arms no timer,
//!   so it never keeps a run going.
//! - `--timestamps`: each line after its time, as kubelet returns it (RFC 3339 with 9
//!   digits of nanoseconds; docker's trimmed RFC3339Nano in kubectl 1.5's era).

use super::selector::LabelSelector;
use super::verbs::{Args, More, boolean, unknown_flag};
use super::{Cmd, Kubectl};
use crate::engine::{ActorId, Ctx};
use crate::k8s::api::{Kind, Object, Phase, Request, Response};
use crate::k8s::proxy::names::Era;
use crate::net::logs::LogLine;
use crate::net::{Msg, Net, NsId};
use crate::tools::print;
use crate::trace::Stream;

#[derive(Clone, Debug, Default)]
pub struct Logs {
    /// `POD`, or a controller's `TYPE/NAME` (empty with `-l`).
    target: String,
    /// `-l SELECTOR`: every pod it picks, each log in turn.
    selector: Option<LabelSelector>,
    /// `--prefix`: each line after `[pod/NAME/CONTAINER] `.
    prefix: bool,
    /// `--max-log-requests` (5): how many logs `-l -f` may follow.
    max_requests: usize,
    /// `--tail` was given (with `-l` it is 10 otherwise).
    tail_given: bool,
    container: Option<String>,
    follow: bool,
    previous: bool,
    tail: Option<usize>,
    timestamps: bool,
    /// Following: the container process whose end ends the command.
    following: Option<ActorId>,
    /// Following with `--prefix`: what each new line comes after.
    line_prefix: String,
}

const USAGE: &str = "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples\n";

impl Logs {
    pub fn parse(a: &Args) -> Result<Logs, (String, i32)> {
        let mut l = Logs {
            max_requests: 5,
            ..Logs::default()
        };
        let mut container_flag = None;
        for (f, v) in &a.flags {
            match f.as_str() {
                "-c" | "--container" => container_flag = v.clone(),
                "-f" | "--follow" => l.follow = boolean(f, v)?,
                "-p" | "--previous" => l.previous = boolean(f, v)?,
                "--timestamps" => l.timestamps = boolean(f, v)?,
                "--tail" => {
                    let t = v.clone().unwrap_or_default();
                    let n: i64 = t.parse().map_err(|_| {
                        (
                            format!(
                                "error: invalid argument \"{t}\" for \"--tail\" flag: strconv.ParseInt: parsing \"{t}\": invalid syntax\nSee 'kubectl logs --help' for usage.\n"
                            ),
                            1,
                        )
                    })?;
                    if n < -1 {
                        return Err((
                            "error: --tail must be greater than or equal to -1\n".into(),
                            1,
                        ));
                    }
                    l.tail = usize::try_from(n).ok();
                    l.tail_given = true;
                }
                "-l" | "--selector" => {
                    let text = v.clone().unwrap_or_default();
                    l.selector = Some(
                        LabelSelector::parse(&text).map_err(|e| (format!("error: {e}\n"), 1))?,
                    );
                }
                "--prefix" => l.prefix = boolean(f, v)?,
                "--max-log-requests" => {
                    let t = v.clone().unwrap_or_default();
                    l.max_requests = t.parse().map_err(|_| {
                        (
                            format!(
                                "error: invalid argument \"{t}\" for \"--max-log-requests\" flag: strconv.ParseInt: parsing \"{t}\": invalid syntax\nSee 'kubectl logs --help' for usage.\n"
                            ),
                            1,
                        )
                    })?;
                }
                other => return Err(unknown_flag("logs", other)),
            }
        }
        match a.words.as_slice() {
            [] if l.selector.is_some() => {
                // logs.go: with a selector, the last 10 lines of each unless --tail.
                if !l.tail_given {
                    l.tail = Some(10);
                }
            }
            [_, ..] if l.selector.is_some() => {
                return Err((
                    "error: only a selector (-l) or a POD name is allowed\nSee 'kubectl logs -h' for help and examples\n".into(),
                    1,
                ));
            }
            [target] => l.target = target.clone(),
            [target, container] => {
                if container_flag.is_some() {
                    return Err((
                        "error: only one of -c or an inline [CONTAINER] arg is allowed\n".into(),
                        1,
                    ));
                }
                l.target = target.clone();
                l.container = Some(container.clone());
            }
            _ => return Err((USAGE.into(), 1)),
        }
        if container_flag.is_some() {
            l.container = container_flag;
        }
        Ok(l)
    }
}

/// `podutils.ByLogging`'s order: the pod kubectl reads the logs of comes first.
fn by_logging(pods: &mut [Object]) {
    pods.sort_by_key(|o| {
        let p = o.pod().expect("pods");
        let phase = match p.phase {
            Phase::Running => 0,
            Phase::Pending => 2,
            _ => 1,
        };
        // (Succeeded and Failed rank with Unknown: `m[phase]` is 0 for them in Go, but
        // the simulator's pods end by being deleted, never in those phases.)
        (
            p.node.is_none(),
            phase,
            !p.ready,
            if p.ready { p.started } else { None },
            o.meta.created,
        )
    });
}

/// A line as kubectl prints it, with its time first for `--timestamps`.
fn line(l: &LogLine, timestamps: bool, era: Era) -> String {
    if !timestamps {
        return format!("{}\n", l.text);
    }
    let t = crate::clock::datetime(l.at);
    let ts = match era {
        // kubelet: "2006-01-02T15:04:05.000000000Z07:00".
        Era::Modern => t.format("%Y-%m-%dT%H:%M:%S%.9fZ").to_string(),
        // docker: RFC3339Nano, trailing zeros (and an empty fraction) dropped.
        Era::Classic => {
            let nanos = format!("{:09}", t.timestamp_subsec_nanos());
            let frac = nanos.trim_end_matches('0');
            let dot = if frac.is_empty() { "" } else { "." };
            format!("{}{dot}{frac}Z", t.format("%Y-%m-%dT%H:%M:%S"))
        }
    };
    format!("{ts} {}\n", l.text)
}

/// The runs of a pod's container whose logs exist (kubelet keeps them until the pod is
/// deleted), oldest first: the process ids.
fn runs(cx: &Ctx<'_, Net>, namespace: &str, pod: &str, container: &str) -> Vec<ActorId> {
    cx.world
        .procs
        .iter()
        .filter(|(_, p)| {
            p.log.as_ref().is_some_and(|l| {
                !l.removed && l.namespace == namespace && l.pod == pod && l.container == container
            })
        })
        .map(|(id, _)| *id)
        .collect()
}

impl Kubectl {
    fn logs_opts(&mut self) -> &mut Logs {
        match &mut self.cmd {
            Cmd::More(More::Logs(l)) => l,
            _ => unreachable!("a logs command"),
        }
    }

    pub(super) fn logs(&mut self, msg: Msg, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        let era = self.era();
        match msg {
            Msg::Start => {
                if !self.connected(ns, cx) {
                    return Some(1);
                }
                let target = self.logs_opts().target.clone();
                if self.logs_opts().selector.is_some() {
                    if era == Era::Classic {
                        // kubectl 1.5's logs had no selector (1.8 added it).
                        print(
                            cx,
                            Stream::Stderr,
                            "Error: unknown shorthand flag: 'l' in -l\n",
                        );
                        return Some(1);
                    }
                    let req = Request::List {
                        kind: Kind::Pod,
                        ns: Some(self.ns.clone()),
                    };
                    self.ask(cx, ns, req);
                    return None;
                }
                let req = match target.split_once('/') {
                    None => Request::Get {
                        kind: Kind::Pod,
                        ns: self.ns.clone(),
                        name: target,
                    },
                    Some((k, n)) => match Kind::parse(k) {
                        Some(Kind::Pod) => Request::Get {
                            kind: Kind::Pod,
                            ns: self.ns.clone(),
                            name: n.to_string(),
                        },
                        Some(k) if k.is_workload() => Request::List {
                            kind: Kind::Pod,
                            ns: Some(self.ns.clone()),
                        },
                        Some(k) => {
                            print(
                                cx,
                                Stream::Stderr,
                                &format!(
                                    "error: `kubectl logs {}/NAME` is not simulated; name a pod or a deploy|rs|rc|ds\n",
                                    k.singular()
                                ),
                            );
                            return Some(1);
                        }
                        None => {
                            print(
                                cx,
                                Stream::Stderr,
                                &format!(
                                    "error: the server doesn't have a resource type \"{k}\"\n"
                                ),
                            );
                            return Some(1);
                        }
                    },
                };
                self.ask(cx, ns, req);
                None
            }
            Msg::ApiResponse { resp, .. } => self.logs_of(*resp, era, cx),
            Msg::LogLine { line: l } => {
                let opts = self.logs_opts();
                let text = format!("{}{}", opts.line_prefix, line(&l, opts.timestamps, era));
                print(cx, Stream::Stdout, &text);
                None
            }
            // The followed container ended: so does its log stream.
            Msg::Exited { child, .. } if self.logs_opts().following == Some(child) => Some(0),
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

    /// The pod (or a controller's pods) came: pick the pod and container, print the log.
    fn logs_of(&mut self, resp: Response, era: Era, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        let opts = self.logs_opts().clone();
        let pod = match resp {
            Response::List(pods) if opts.selector.is_some() => {
                match self.logs_selected(pods, &opts, era, cx) {
                    Ok(exit) => return exit,
                    // One pod to follow: as if it were named.
                    Err(pod) => *pod,
                }
            }
            Response::Object(o) => *o,
            Response::List(pods) => {
                let (k, owner) = opts.target.split_once('/').expect("TYPE/NAME");
                let kind = Kind::parse(k).expect("checked at start");
                // A Deployment's pods belong to its ReplicaSets, `<deployment>-<hash>`.
                let prefix = format!("{owner}-");
                let mut mine: Vec<Object> = pods
                    .into_iter()
                    .filter(|p| match &p.meta.owner {
                        Some((Kind::ReplicaSet, n)) if kind == Kind::Deployment => {
                            n.starts_with(&prefix)
                        }
                        Some((k, n)) => *k == kind && n == owner,
                        None => false,
                    })
                    .collect();
                if mine.is_empty() {
                    // (kubectl would wait for one to appear; its owner may not exist.)
                    print(
                        cx,
                        Stream::Stderr,
                        &format!(
                            "Error from server (NotFound): {} \"{owner}\" not found\n",
                            kind.plural()
                        ),
                    );
                    return Some(1);
                }
                by_logging(&mut mine);
                if mine.len() > 1 && era == Era::Modern {
                    print(
                        cx,
                        Stream::Stderr,
                        &format!(
                            "Found {} pods, using pod/{}\n",
                            mine.len(),
                            mine[0].meta.name
                        ),
                    );
                }
                mine.swap_remove(0)
            }
            other => return Some(self.answer(other, cx)),
        };
        let picked = match pick(cx, &opts, &pod, era) {
            Ok(p) => p,
            Err(e) => {
                print(cx, Stream::Stderr, &e);
                return Some(1);
            }
        };
        print(cx, Stream::Stderr, &picked.note);
        let Some(run) = picked.run else {
            // Running with no process of its own (the pause process only): nothing is
            // written, and a follow waits for ever.
            return if opts.follow { None } else { Some(0) };
        };
        let prefix = if opts.prefix {
            format!("[pod/{}/{}] ", pod.meta.name, picked.container)
        } else {
            String::new()
        };
        let (text, ended) = text_of(cx, &opts, run, &prefix, era);
        print(cx, Stream::Stdout, &text);
        if !opts.follow || opts.previous || ended {
            return Some(0);
        }
        self.logs_opts().line_prefix = prefix;
        let me = cx.me();
        if let Some(log) = cx.world.procs.get_mut(&run).and_then(|p| p.log.as_mut()) {
            log.followers.push(me);
        }
        self.logs_opts().following = Some(run);
        None
    }

    /// `logs -l`: each picked pod's log in turn (in name order: kubectl reads them from a
    /// Go map, in no set order), `--prefix`ed if asked; no pod: kubectl's note on stderr.
    /// Following several is refused past `--max-log-requests`, as kubectl refuses it; below
    /// it the simulator does not follow several logs yet and says so.
    fn logs_selected(
        &mut self,
        pods: Vec<Object>,
        opts: &Logs,
        era: Era,
        cx: &mut Ctx<'_, Net>,
    ) -> Result<Option<i32>, Box<Object>> {
        let sel = opts.selector.as_ref().expect("a selector");
        let mut mine: Vec<Object> = pods
            .into_iter()
            .filter(|p| p.meta.namespace == self.ns && sel.matches(&p.meta.labels))
            .collect();
        mine.sort_by(|a, b| a.meta.name.cmp(&b.meta.name));
        if mine.is_empty() {
            let note = format!("No resources found in {} namespace.\n", self.ns);
            print(cx, Stream::Stderr, &note);
            return Ok(Some(0));
        }
        if opts.follow && mine.len() == 1 {
            return Err(Box::new(mine.swap_remove(0)));
        }
        if opts.follow && mine.len() > 1 {
            let text = if mine.len() > opts.max_requests {
                format!(
                    "error: you are attempting to follow {} log streams, but maximum allowed concurrency is {}, use --max-log-requests to increase the limit\n",
                    mine.len(),
                    opts.max_requests
                )
            } else {
                "error: `kubectl logs -l -f` of several pods is not simulated yet; follow each pod on its own\n".into()
            };
            print(cx, Stream::Stderr, &text);
            return Ok(Some(1));
        }
        for pod in &mine {
            let picked = match pick(cx, opts, pod, era) {
                Ok(p) => p,
                Err(e) => {
                    print(cx, Stream::Stderr, &e);
                    return Ok(Some(1));
                }
            };
            print(cx, Stream::Stderr, &picked.note);
            let Some(run) = picked.run else { continue };
            let prefix = if opts.prefix {
                format!("[pod/{}/{}] ", pod.meta.name, picked.container)
            } else {
                String::new()
            };
            let (text, _) = text_of(cx, opts, run, &prefix, era);
            print(cx, Stream::Stdout, &text);
        }
        Ok(Some(0))
    }
}

/// The container whose log is read, and its run (`None`: running without a process of
/// its own); `note` is what kubectl says on stderr of its choice. `Err`: kubectl's
/// error.
struct Picked {
    container: String,
    run: Option<ActorId>,
    note: String,
}

fn pick(cx: &Ctx<'_, Net>, opts: &Logs, pod: &Object, era: Era) -> Result<Picked, String> {
    let p = pod.pod().expect("a pod");
    let name = pod.meta.name.clone();
    let names: Vec<String> = p.containers.iter().map(|c| c.name.clone()).collect();
    let inits: Vec<String> = p
        .spec
        .init_containers
        .iter()
        .map(|c| c.name.clone())
        .collect();
    let bad_request = |m: String| format!("Error from server (BadRequest): {m}\n");
    let mut note = String::new();
    let container = match (&opts.container, era) {
        (Some(c), _) if names.contains(c) || inits.contains(c) => c.clone(),
        (Some(c), Era::Modern) => {
            return Err(format!(
                "error: container {c} is not valid for pod {name}\n"
            ));
        }
        (Some(c), Era::Classic) => {
            return Err(bad_request(format!(
                "container {c} is not valid for pod {name}"
            )));
        }
        (None, _) if names.len() == 1 && inits.is_empty() => names[0].clone(),
        // (1.5's apiserver took a lone app container whatever the init ones.)
        (None, Era::Classic) if names.len() == 1 => names[0].clone(),
        // podcmd.AllContainerNames: the app containers, then the init ones marked.
        (None, Era::Modern) if !names.is_empty() => {
            let all: Vec<String> = names
                .iter()
                .cloned()
                .chain(inits.iter().map(|n| format!("{n} (init)")))
                .collect();
            note = format!(
                "Defaulted container \"{}\" out of: {}\n",
                names[0],
                all.join(", ")
            );
            names[0].clone()
        }
        (None, _) => {
            let mut m = format!(
                "a container name must be specified for pod {name}, choose one of: [{}]",
                names.join(" ")
            );
            if !inits.is_empty() {
                m += &format!(" or one of the init containers: [{}]", inits.join(" "));
            }
            return Err(bad_request(m));
        }
    };
    let runs = runs(cx, &pod.meta.namespace, &name, &container);
    let run = if opts.previous {
        match runs.len().checked_sub(2).map(|i| runs[i]) {
            Some(r) => Some(r),
            None => {
                return Err(bad_request(format!(
                    "previous terminated container \"{container}\" in pod \"{name}\" not found"
                )));
            }
        }
    } else {
        match runs.last() {
            Some(r) => Some(*r),
            None if p.ip.is_none() => {
                return Err(bad_request(format!(
                    "container \"{container}\" in pod \"{name}\" is waiting to start: ContainerCreating"
                )));
            }
            None => None,
        }
    };
    Ok(Picked {
        container,
        run,
        note,
    })
}

/// A run's log as kubectl prints it (its last `--tail` lines, each after `prefix`), and
/// whether the run has ended.
fn text_of(cx: &Ctx<'_, Net>, opts: &Logs, run: ActorId, prefix: &str, era: Era) -> (String, bool) {
    let proc = &cx.world.procs[&run];
    let log = proc.log.as_ref().expect("a container log");
    let skip = opts.tail.map_or(0, |n| log.lines.len().saturating_sub(n));
    let text: String = log
        .lines
        .iter()
        .skip(skip)
        .map(|l| format!("{prefix}{}", line(l, opts.timestamps, era)))
        .collect();
    (text, proc.exit.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SimTime;

    fn at(secs: u64) -> SimTime {
        SimTime::ZERO + crate::engine::Dur::from_secs(secs)
    }

    fn parse(words: &[&str]) -> Result<Logs, (String, i32)> {
        let args: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        match super::super::verbs::parse(&args)? {
            Some((More::Logs(l), ..)) => Ok(l),
            _ => unreachable!("logs"),
        }
    }

    /// Flags as kubectl reads them: `-f` is follow here, `-c` the container, an inline
    /// container or `-c` but not both, `--tail` an integer of at least -1.
    #[test]
    fn flags_as_kubectl_logs_reads_them() {
        let l = parse(&["logs", "-f", "web", "-c", "app", "--tail=5", "--timestamps"]).unwrap();
        assert_eq!(
            (
                l.target.as_str(),
                l.container.as_deref(),
                l.follow,
                l.tail,
                l.timestamps
            ),
            ("web", Some("app"), true, Some(5), true)
        );
        assert_eq!(
            parse(&["logs", "web", "app"]).unwrap().container.as_deref(),
            Some("app")
        );
        assert!(parse(&["logs", "-p", "web"]).unwrap().previous);
        assert_eq!(
            parse(&["logs", "web", "app", "-c", "x"]).unwrap_err().0,
            "error: only one of -c or an inline [CONTAINER] arg is allowed\n"
        );
        assert_eq!(parse(&["logs"]).unwrap_err().0, USAGE);
        assert_eq!(
            parse(&["logs", "web", "--tail", "-2"]).unwrap_err().0,
            "error: --tail must be greater than or equal to -1\n"
        );
        assert_eq!(parse(&["logs", "web", "--tail", "-1"]).unwrap().tail, None);
        assert_eq!(
            parse(&["logs", "web", "--bogus"]).unwrap_err().0,
            "error: unknown flag: --bogus\nSee 'kubectl logs --help' for usage.\n"
        );
        // The namespace is kubectl's global flag, anywhere on the line.
        let args: Vec<String> = ["-n", "kube-system", "logs", "coredns"]
            .iter()
            .map(|w| w.to_string())
            .collect();
        let (_, ns, _) = super::super::verbs::parse(&args).unwrap().unwrap();
        assert_eq!(ns.as_deref(), Some("kube-system"));
    }

    /// `--timestamps`: kubelet's fixed nine digits today; docker's trimmed RFC3339Nano in
    /// kubectl 1.5's era.
    #[test]
    fn timestamps_as_each_era_prints_them() {
        let mut l = LogLine {
            at: at(5),
            stream: Stream::Stdout,
            text: "Ready to accept connections".into(),
        };
        assert_eq!(
            line(&l, true, Era::Modern),
            "2017-10-18T15:00:05.000000000Z Ready to accept connections\n"
        );
        assert_eq!(
            line(&l, true, Era::Classic),
            "2017-10-18T15:00:05Z Ready to accept connections\n"
        );
        l.at += crate::engine::Dur::from_millis(250);
        assert_eq!(
            line(&l, true, Era::Classic),
            "2017-10-18T15:00:05.25Z Ready to accept connections\n"
        );
        assert_eq!(
            line(&l, false, Era::Modern),
            "Ready to accept connections\n"
        );
    }
}
