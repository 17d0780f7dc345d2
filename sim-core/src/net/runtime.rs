//! What each node's container runtime knows of its containers, as `docker ps -a` and
//! `docker inspect` read it: the pods' infra (pause) containers and app containers, with
//! their names, images, commands, and when they were created, started and ended.
//!
//! kubelet writes a pod's pause container when its sandbox has its network and an app
//! container each time it starts one; dockerd writes the containers of pods a scenario
//! places without kubelet. A container's end comes from its main process's exit
//! (`exited`, called by the process table only for processes that are containers) or from
//! its sandbox going (`sandbox_ended`). Containers of a deleted pod are removed, as
//! kubelet removes them. Nothing is written or read when no scenario step asks.

use crate::engine::{ActorId, SimTime};

use super::{NsId, World};

/// A container's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Running,
    Exited { code: i32, at: SimTime },
}

/// One container of a node.
#[derive(Clone, Debug)]
pub struct Container {
    /// 64 lowercase hex digits, a digest of stable names (never of a map's order).
    pub id: String,
    /// The node whose runtime runs it.
    pub node: NsId,
    /// The network namespace it runs in (the pod's sandbox).
    pub sandbox: NsId,
    /// Its name as `docker ps` shows it (`k8s_POD.b2390301_frontend-fq0sw_default_...`).
    pub name: String,
    /// The pod's namespace and name, and the container's name in the pod (`POD` for the
    /// infra container).
    pub namespace: String,
    pub pod: String,
    pub container: String,
    /// The pod's infra (pause) container.
    pub pause: bool,
    pub image: String,
    /// The process docker runs: the path, then its arguments (docker's `Path` and `Args`).
    pub command: Vec<String>,
    pub env: Vec<(String, String)>,
    pub created: SimTime,
    pub started: SimTime,
    pub state: State,
    /// Its main process, while one is simulated.
    pub proc: Option<ActorId>,
}

/// Every node's containers, oldest first.
#[derive(Debug, Default)]
pub struct Runtime {
    pub containers: Vec<Container>,
    /// Nodes whose runtime is today's (docker 24 with cri-dockerd, beside a modern
    /// kubelet) rather than CentOS 7's docker 1.13: their `docker` prints as today's.
    pub modern: std::collections::BTreeSet<NsId>,
}

/// A stable 64-hex-digit id: the digest of `seed`.
pub fn container_id(seed: &str) -> String {
    use sha2::{Digest, Sha256};
    data_encoding::HEXLOWER.encode(&Sha256::digest(seed.as_bytes()))
}

impl Runtime {
    /// A container was created and started.
    pub fn add(&mut self, c: Container) {
        self.containers.push(c);
    }

    /// The containers of one node, newest first (`docker ps`' order).
    pub fn of_node(&self, node: NsId) -> impl Iterator<Item = &Container> {
        self.containers.iter().rev().filter(move |c| c.node == node)
    }
}

/// A container's main process ended with `code`.
pub fn exited(world: &mut World, proc: ActorId, code: i32, now: SimTime) {
    for c in world.runtime.containers.iter_mut() {
        if c.proc == Some(proc) && c.state == State::Running {
            c.state = State::Exited { code, at: now };
        }
    }
}

/// A pod's sandbox went (docker stopped, or the pod's network was torn down): its running
/// containers without a simulated process end, the pause process with 0 (it exits on
/// SIGTERM), another with 137 (killed after docker stop's grace period).
pub fn sandbox_ended(world: &mut World, sandbox: NsId, now: SimTime) {
    for c in world.runtime.containers.iter_mut() {
        if c.sandbox == sandbox && c.state == State::Running && c.proc.is_none() {
            let code = if c.pause { 0 } else { 137 };
            c.state = State::Exited { code, at: now };
        }
    }
}

/// A pod was deleted: kubelet removes its containers on `node` (`docker rm`).
pub fn remove_pod(world: &mut World, node: NsId, namespace: &str, pod: &str) {
    world
        .runtime
        .containers
        .retain(|c| c.node != node || c.namespace != namespace || c.pod != pod);
}

/// Whether a container runs in its node's network (a hostNetwork pod's).
pub fn host_network(c: &Container) -> bool {
    c.sandbox == c.node
}
