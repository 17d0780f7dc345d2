//! Container logs, as the container runtime keeps them (docker's json-file log, CRI's
//! `/var/log/pods/...`): what a container's main process wrote to stdout and stderr, line
//! by line, with when and on which stream, for `kubectl logs`.
//!
//! A log belongs to a process record ([`super::Proc::log`]); dockerd (or kubelet, for a
//! hostNetwork pod) attaches one when it starts a container's command, and every line the
//! process prints goes into it as well as into the trace. A `kubectl logs -f` follows a
//! log: it is sent each new line as [`super::Msg::LogLine`], and the process's exit as
//! [`super::Msg::Exited`], when its stream ends.
//!
//! A log keeps its last [`MAX_BYTES`] (kubelet's `containerLogMaxSize`, 10 MiB): older
//! lines are rotated away, so a chatty container's memory stays bounded. When kubelet
//! deletes the pod, its logs go with it.

use std::collections::VecDeque;

use crate::engine::{ActorId, Ctx, SimTime};
use crate::trace::Stream;

use super::{Msg, Net, World};

/// kubelet's default `containerLogMaxSize` (10Mi): the most a log keeps.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// One line a container wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    pub at: SimTime,
    pub stream: Stream,
    pub text: String,
}

/// The log of one run of one container of a pod.
#[derive(Clone, Debug, Default)]
pub struct ContainerLog {
    /// The pod's namespace and name, and the container's name.
    pub namespace: String,
    pub pod: String,
    pub container: String,
    /// When the container started.
    pub started: SimTime,
    pub lines: VecDeque<LogLine>,
    /// The bytes `lines` hold (text and newline).
    pub bytes: usize,
    /// `kubectl logs -f` processes following it.
    pub followers: Vec<ActorId>,
    /// kubelet deleted the pod, and its logs with it.
    pub removed: bool,
}

impl ContainerLog {
    /// Appends a line, rotating the oldest away past [`MAX_BYTES`].
    pub fn push(&mut self, line: LogLine) {
        self.bytes += line.text.len() + 1;
        self.lines.push_back(line);
        while self.bytes > MAX_BYTES {
            let Some(old) = self.lines.pop_front() else {
                break;
            };
            self.bytes -= old.text.len() + 1;
        }
    }
}

/// Gives process `proc` a container log: from now on what it prints is kept for
/// `kubectl logs` (dockerd and kubelet call this when they start a container's command).
pub fn attach(
    world: &mut World,
    proc: ActorId,
    (namespace, pod, container): (&str, &str, &str),
    started: SimTime,
) {
    if let Some(p) = world.procs.get_mut(&proc) {
        p.log = Some(Box::new(ContainerLog {
            namespace: namespace.to_string(),
            pod: pod.to_string(),
            container: container.to_string(),
            started,
            ..ContainerLog::default()
        }));
    }
}

/// kubelet deleted the pod `namespace/pod`: its containers' logs go (`kubectl logs` finds
/// none of them any more, even for a new pod of the same name).
pub fn remove(world: &mut World, namespace: &str, pod: &str) {
    for p in world.procs.values_mut() {
        if let Some(log) = p.log.as_mut()
            && log.namespace == namespace
            && log.pod == pod
        {
            log.removed = true;
            log.lines.clear();
            log.bytes = 0;
        }
    }
}

/// `proc` wrote `text` on `stream`: each of its lines goes into the process's container
/// log (if it has one), and to every `kubectl logs -f` following it.
pub fn write(cx: &mut Ctx<'_, Net>, proc: ActorId, stream: Stream, text: &str) {
    let now = cx.now();
    let Some(log) = cx.world.procs.get_mut(&proc).and_then(|p| p.log.as_mut()) else {
        return;
    };
    if log.removed {
        return;
    }
    for l in text.lines() {
        log.push(LogLine {
            at: now,
            stream,
            text: l.to_string(),
        });
    }
    if log.followers.is_empty() {
        return;
    }
    let followers = log.followers.clone();
    for f in followers {
        for l in text.lines() {
            cx.send(
                f,
                Msg::LogLine {
                    line: Box::new(LogLine {
                        at: now,
                        stream,
                        text: l.to_string(),
                    }),
                },
            );
        }
    }
}

/// `proc` ended: whoever follows its log is told (the stream ends).
pub fn ended(cx: &mut Ctx<'_, Net>, proc: ActorId, code: i32) {
    let followers = cx
        .world
        .procs
        .get_mut(&proc)
        .and_then(|p| p.log.as_mut())
        .map(|l| std::mem::take(&mut l.followers))
        .unwrap_or_default();
    for f in followers {
        cx.send(f, Msg::Exited { child: proc, code });
    }
}
