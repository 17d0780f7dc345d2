//! The network model: namespaces, devices, routes, the kernel's packet paths, and the
//! underlay fabric.
//!
//! Kernel state (every namespace's devices, routes and sockets) and the underlay live in
//! the shared [`World`], like kernel memory: processes act on it during their own events
//! (a `sendto` runs the output path inside the sender's event). Crossing a device boundary
//! is always a new event: a frame on the underlay arrives at the next switch or node after
//! the link's latency; loopback arrives at the same instant but as a separate event.

pub mod audit;
pub mod capture;
pub mod control;
pub mod fabric;
pub mod ipvs;
pub mod journal;
pub mod link;
pub mod logs;
pub mod neigh;
pub mod netfilter;
pub mod netns;
pub mod route;
pub mod runtime;
pub mod stack;
pub mod tcp;
pub mod udp;

use std::collections::BTreeMap;

use crate::engine::{ActorId, Model};
use crate::trace::TraceEvent;
use crate::wire::eth::Frame;
use crate::wire::{Packet, PacketId};

pub use fabric::{Fabric, VertexId};
pub use netns::{DevKind, Device, Netns};

/// A network namespace's index in the world.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NsId(pub u32);

/// A device's index in its namespace (its ifindex is this + 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DevId(pub u16);

/// The network simulation's types, for the engine.
pub struct Net;

impl Model for Net {
    type Msg = Msg;
    type World = World;
    type Event = TraceEvent;

    /// Every trace event goes into the packet ledger, for the checks when a run stops.
    #[inline]
    fn observe(world: &mut World, event: &TraceEvent) {
        world.ledger.note(event);
    }
}

/// Every message in the network simulation. Closed: adding a component adds variants here.
#[derive(Debug)]
pub enum Msg {
    /// A frame arrives at an underlay vertex (a node's eth0 or a switch) from `from`, on
    /// its way to vertex `dest`.
    Frame {
        from: VertexId,
        dest: VertexId,
        frame: Box<Frame>,
    },
    /// A frame arrives on a namespace's device `dev` (from a veth peer).
    Rx { dev: DevId, frame: Box<Frame> },
    /// A neighbour entry's timer (retransmit, delay, probe) fired.
    NeighTimer {
        dev: DevId,
        addr: std::net::Ipv4Addr,
    },
    /// A packet leaves by `dev` once the CPU time netfilter spent on it has passed.
    Xmit {
        dev: DevId,
        next_hop: std::net::Ipv4Addr,
        packet: Box<Packet>,
    },
    /// A packet arrives on a namespace's loopback device.
    Loopback { packet: Box<Packet> },
    /// The process holding TUN device `dev` reads a packet the kernel sent on it.
    TunRead { dev: DevId, packet: Box<Packet> },
    /// A process wrote a packet into TUN device `dev`: the kernel receives it there.
    TunWrite { dev: DevId, packet: Box<Packet> },
    /// A process starts.
    Start,
    /// A daemon is told to stop (SIGTERM from `systemctl stop`).
    Stop,
    /// `systemctl VERB UNIT` asks the machine's systemd; `from` gets `SystemctlDone`.
    Systemctl {
        verb: String,
        unit: String,
        from: ActorId,
    },
    /// systemd's answer: the exit status and what systemctl prints on stderr.
    SystemctlDone { code: i32, stderr: String },
    /// A process's timer fires; the token says which.
    Timer(u64),
    /// An ICMP message for a process's socket.
    Icmp { packet: Box<Packet> },
    /// A UDP datagram for a process's socket.
    Udp { packet: Box<Packet> },
    /// What the kernel's TCP tells a socket's process.
    Tcp(tcp::TcpEvent),
    /// A TCP socket's retransmission or TIME_WAIT timer (for the namespace's kernel).
    TcpTimer { key: tcp::SockKey },
    /// A namespace's reassembly timer for one datagram (ipfrag_time) fired.
    ReassemblyTimeout { key: netns::FragKey },
    /// A control-plane request (one event across the underlay, with the path's latency).
    /// `id` pairs it with its response; `from` is where the response goes.
    EtcdRequest {
        from: ActorId,
        id: u64,
        req: Box<crate::wire::etcd::Request>,
    },
    EtcdResponse {
        id: u64,
        resp: Box<crate::wire::etcd::Response>,
    },
    /// A request to the apiserver; `id` pairs it with its `ApiResponse` to `from`.
    ApiRequest {
        from: ActorId,
        id: u64,
        req: Box<crate::k8s::api::Request>,
    },
    ApiResponse {
        id: u64,
        resp: Box<crate::k8s::api::Response>,
        /// The apiserver's release: kubectl prints as the kubectl that comes with it.
        version: crate::k8s::version::Version,
    },
    /// A child process (`kubectl exec`'s command) ended with this status.
    Exited { child: ActorId, code: i32 },
    /// kubelet asks its node's dockerd for a pod's sandbox.
    RunSandbox {
        sandbox: Box<crate::k8s::docker::Sandbox>,
    },
    /// kubelet asks dockerd to kill a pod's container and remove its sandbox.
    KillSandbox { ns: NsId },
    /// dockerd tells kubelet a pod's sandbox has its network (`eth0` with `ip`): kubelet
    /// starts the containers that are not running.
    SandboxUp { ns: NsId, ip: std::net::Ipv4Addr },
    /// A change to an object a component watches.
    ApiEvent {
        event: Box<crate::k8s::api::WatchEvent>,
    },
    /// A line a followed container wrote (`kubectl logs -f`, `logs.rs`).
    LogLine { line: Box<logs::LogLine> },
    /// A copy of a packet that crossed a device a tap listens on (`capture`).
    Captured(Box<capture::Capture>),
    /// Text a process wrote into pipe `PipeId`, for the process reading it.
    Stdin(PipeId, String),
    /// Every write end of pipe `PipeId` is closed: its reader reads end of file.
    StdinEof(PipeId),
    /// SIGINT (Ctrl-C): a process ends with 130 unless its program handles it.
    Interrupt,
}

/// A pipe (`a | b`): its id in `World::pipes`.
pub type PipeId = u64;

/// Where a process's file descriptor 0, 1 or 2 leads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Fd {
    /// The terminal or log it was started with: what it writes is traced as `Output`, kept
    /// in the record at the top of its parent chain and written to its container's log.
    #[default]
    Terminal,
    Pipe(PipeId),
    /// A file of its namespace's `files` (opened, and truncated for `>`, by the shell).
    File {
        path: String,
        append: bool,
    },
    /// `/dev/null`.
    Null,
}

/// A pipe between processes: who reads it, and how many write ends are open.
#[derive(Clone, Debug)]
pub struct Pipe {
    pub reader: ActorId,
    pub writers: u32,
}

/// Kernel-side state of the whole simulated world.
pub struct World {
    pub netns: Vec<Netns>,
    pub fabric: Fabric,
    /// The process table: what every command printed and how it ended.
    pub procs: BTreeMap<ActorId, Proc>,
    /// The machine etcd listens on (port 2379), if the scenario has etcd.
    pub etcd_ns: Option<NsId>,
    /// What the trace has shown of every packet (`Model::observe`), for the end-of-run
    /// checks (`scenario::invariants`).
    pub ledger: crate::trace::ledger::Ledger,
    /// Starts a program in a namespace: the program table of the layer that has one
    /// (`tools::spawn`, given by the scenario builder), so the components that start
    /// containers (dockerd, kubelet) do not name the tools above them.
    pub spawn: Spawn,
    /// Every node's containers, as its container runtime lists them (`docker ps`).
    pub runtime: runtime::Runtime,
    /// Every machine's systemd journal and unit states (`systemctl status`, `journalctl`).
    pub journal: journal::Journal,
    /// The open pipes (`a | b`, `$(...)`).
    pub pipes: BTreeMap<PipeId, Pipe>,
    next_pipe: PipeId,
    next_packet: u64,
}

/// Starts `cmdline` as a container's main process in a namespace: its actor, or `None`
/// when no program of that name is simulated.
pub type Spawn = fn(&mut crate::engine::Ctx<'_, Net>, NsId, &str) -> Option<ActorId>;

/// [`World::spawn`]: a container's main process.
pub fn spawn(cx: &mut crate::engine::Ctx<'_, Net>, ns: NsId, cmdline: &str) -> Option<ActorId> {
    let f = cx.world.spawn;
    f(cx, ns, cmdline)
}

/// [`spawn`], for the kubelet that runs it as a container: the caller gets `Msg::Exited`
/// when it ends.
pub fn spawn_watched(
    cx: &mut crate::engine::Ctx<'_, Net>,
    ns: NsId,
    cmdline: &str,
) -> Option<ActorId> {
    let kubelet = cx.me();
    let id = spawn(cx, ns, cmdline)?;
    if let Some(p) = cx.world.procs.get_mut(&id) {
        p.watcher = Some(kubelet);
    }
    Some(id)
}

/// A process's record, kept after it exits.
#[derive(Clone, Debug, Default)]
pub struct Proc {
    pub ns: Option<NsId>,
    /// Its pid in its namespace (0 for the kernel-side actors that are not processes).
    pub pid: u32,
    /// A daemon (no terminal; `?` in `ps`).
    pub daemon: bool,
    /// When it started, in whole simulated seconds.
    pub started_secs: u64,
    /// For a pipeline (`ps aux | grep docker`), each of its commands with its own pid, as
    /// `ps` lists them; empty for a lone command.
    pub pipeline: Vec<(u32, String)>,
    pub cmd: String,
    /// Its file descriptors 0, 1 and 2.
    pub stdio: [Fd; 3],
    /// Its environment (`env` prints it; its children inherit it); empty for the
    /// kernel-side actors and daemons, whose environment nothing reads.
    pub env: Vec<(String, String)>,
    /// A signal's exit status once one killed it (SIGPIPE: 141), ending it after the event
    /// it is handling.
    pub killed: Option<i32>,
    /// The process that started it and waits for it (`kubectl exec`): it gets `Exited`.
    pub parent: Option<ActorId>,
    /// The kubelet that runs it as a container: it gets `Exited` too (its stdio stays
    /// the container's own).
    pub watcher: Option<ActorId>,
    /// Whether `stdout` and `stderr` keep what it prints. Only what someone reads later
    /// keeps it: an `expect` that looks for text, `sim-cli exec` (which takes it as
    /// printed), library callers of `tools::start`. A child (`kubectl exec`) keeps nothing
    /// of its own: what it prints goes to its parent's record. Everything else is in the
    /// trace only, so a long run's memory stays flat.
    pub keep: bool,
    pub stdout: String,
    pub stderr: String,
    /// A container's main process: its log, for `kubectl logs` (`logs.rs`).
    pub log: Option<Box<logs::ContainerLog>>,
    /// It has handled its first event: the command began.
    pub ran: bool,
    pub exit: Option<i32>,
    /// What the trace says if the run ends while it still runs, for a command that only
    /// ends when stopped (a `kubectl get -w` watching): `scenario::run` records it as the
    /// process's `log` line just before the run's `end`.
    pub at_run_end: Option<String>,
}

impl World {
    pub fn new(fabric: Fabric, spawn: Spawn) -> Self {
        World {
            spawn,
            netns: Vec::new(),
            fabric,
            procs: BTreeMap::new(),
            etcd_ns: None,
            ledger: Default::default(),
            runtime: Default::default(),
            journal: Default::default(),
            pipes: BTreeMap::new(),
            next_pipe: 1,
            next_packet: 1,
        }
    }

    /// A new pipe read by `reader`, with no write end open yet (a process given it as its
    /// stdout or stderr opens one).
    pub fn pipe(&mut self, reader: ActorId) -> PipeId {
        let id = self.next_pipe;
        self.next_pipe += 1;
        self.pipes.insert(id, Pipe { reader, writers: 0 });
        id
    }

    /// A fresh packet id. Ids follow event order, so they are deterministic.
    pub fn packet_id(&mut self) -> PacketId {
        let id = PacketId(self.next_packet);
        self.next_packet += 1;
        id
    }

    pub fn ns(&self, id: NsId) -> &Netns {
        &self.netns[id.0 as usize]
    }

    pub fn ns_mut(&mut self, id: NsId) -> &mut Netns {
        &mut self.netns[id.0 as usize]
    }
}
