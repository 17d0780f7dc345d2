//! The underlay: machines' Ethernet ports and switches joined by links, as a petgraph graph.
//!
//! Vertices are node ports (a machine's eth0) and switches; edges are links with latency,
//! jitter, loss and an up/down state. A frame travels vertex to vertex, one event per link
//! crossing, along the lowest-latency path whose links are all up. Frames only transit
//! switches, never another machine (machines do not bridge).
//!
//! Simplifications, said here and in docs/architecture.md: a switch forwards along the
//! path to the port that has the frame's destination MAC, as a learning switch does once
//! it has seen that port send; a broadcast ARP request reaches only the machine that owns
//! the address asked for (the others would ignore it). When no all-up path exists the
//! frame follows the shortest path regardless of state and is dropped at the first down
//! link, so the trace names that link (a real L2 network without spanning-tree
//! reconvergence behaves the same way).

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::net::Ipv4Addr;

use petgraph::graph::{EdgeIndex, NodeIndex, UnGraph};
use petgraph::visit::EdgeRef;
use rand::RngExt;

use crate::engine::rng::Stream;
use crate::engine::{ActorId, Dur, SimTime};
use crate::wire::eth::Mac;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VertexId(pub u32);

impl VertexId {
    fn ix(self) -> NodeIndex {
        NodeIndex::new(self.0 as usize)
    }
}

#[derive(Clone, Debug)]
pub struct Vertex {
    /// `why-02` for a machine, `tor` for a switch.
    pub name: String,
    /// The actor frames for this vertex are sent to.
    pub actor: ActorId,
    pub is_switch: bool,
}

pub struct Link {
    /// `why-02<->tor`, endpoints in the order the scenario gave.
    pub name: String,
    pub latency: Dur,
    /// Extra delay drawn uniformly from [0, jitter] per frame, from the link's own stream.
    pub jitter: Dur,
    /// Loss probability in parts per million, drawn per frame from the link's stream.
    pub loss_ppm: u32,
    pub up: bool,
    /// The largest IP packet a frame may carry on this link; switches drop bigger frames
    /// silently (an L2 device sends no ICMP).
    pub mtu: Option<u32>,
    pub rng: Stream,
    /// Per direction (a->b, b->a): when the last frame arrives, so frames never overtake.
    last_arrival: [SimTime; 2],
}

impl Link {
    pub fn new(name: String, latency: Dur, jitter: Dur, loss_ppm: u32, rng: Stream) -> Self {
        Link {
            name,
            latency,
            jitter,
            loss_ppm,
            up: true,
            mtu: None,
            rng,
            last_arrival: [SimTime::ZERO; 2],
        }
    }
}

/// What happens to a frame at a vertex on its way to `dest`.
pub enum Step {
    /// It crosses `link` and arrives at `next` after `delay`.
    Cross {
        next: VertexId,
        delay: Dur,
    },
    /// It is lost on `link`: down, or the loss draw hit.
    LinkDown {
        link: String,
    },
    /// The frame is bigger than the link's MTU.
    TooBig {
        link: String,
        mtu: u32,
    },
    LinkLoss {
        link: String,
        loss_ppm: u32,
    },
    /// No path at all (the vertices are not connected): a bug in neighbour resolution.
    NoPath,
}

#[derive(Default)]
pub struct Fabric {
    graph: UnGraph<Vertex, Link>,
    by_name: BTreeMap<String, VertexId>,
    /// Addresses on each machine port: where a broadcast ARP request for them goes.
    owners: BTreeMap<Ipv4Addr, VertexId>,
    /// Each machine port's MAC: where a learning switch sends unicast frames for it.
    macs: BTreeMap<Mac, VertexId>,
    /// Connected component of each vertex, ignoring link state (an L2 segment).
    segment: Vec<u32>,
    /// Per destination: the edge each vertex sends toward it on, over up links only /
    /// over all links. Computed on demand; the up-only cache is cleared when a link changes.
    next_up: BTreeMap<VertexId, Vec<Option<EdgeIndex>>>,
    next_any: BTreeMap<VertexId, Vec<Option<EdgeIndex>>>,
}

impl Fabric {
    pub fn add_vertex(&mut self, v: Vertex) -> VertexId {
        let name = v.name.clone();
        let id = VertexId(self.graph.add_node(v).index() as u32);
        self.by_name.insert(name, id);
        self.invalidate_all();
        id
    }

    pub fn add_link(&mut self, a: VertexId, b: VertexId, link: Link) {
        self.graph.add_edge(a.ix(), b.ix(), link);
        self.invalidate_all();
    }

    /// Records that `addr` lives on machine port `v`.
    pub fn add_owner(&mut self, addr: Ipv4Addr, v: VertexId) {
        self.owners.insert(addr, v);
    }

    /// Records that machine port `v` has MAC `mac`.
    pub fn add_mac(&mut self, mac: Mac, v: VertexId) {
        self.macs.insert(mac, v);
    }

    /// The machine port with MAC `mac` in `from`'s L2 segment, if any: where the switches,
    /// having learned every port (as they do after the first frame from it), send a frame.
    pub fn port_of(&mut self, from: VertexId, mac: Mac) -> Option<VertexId> {
        let port = *self.macs.get(&mac)?;
        self.reachable(from, port).then_some(port)
    }

    fn reachable(&mut self, from: VertexId, to: VertexId) -> bool {
        self.segment[to.0 as usize] == self.segment[from.0 as usize]
            && (to == from || self.next_edge(from, to, false).is_some())
    }

    pub fn vertex(&self, v: VertexId) -> &Vertex {
        &self.graph[v.ix()]
    }

    pub fn vertex_by_name(&self, name: &str) -> Option<VertexId> {
        self.by_name.get(name).copied()
    }

    /// The link between two named vertices.
    pub fn link_between(&self, a: &str, b: &str) -> Option<EdgeIndex> {
        let (a, b) = (self.vertex_by_name(a)?, self.vertex_by_name(b)?);
        self.graph.find_edge(a.ix(), b.ix())
    }

    pub fn link(&self, e: EdgeIndex) -> &Link {
        &self.graph[e]
    }

    /// Sets a link up or down; returns whether it changed.
    pub fn set_link_up(&mut self, e: EdgeIndex, up: bool) -> bool {
        let changed = self.graph[e].up != up;
        self.graph[e].up = up;
        if changed {
            self.next_up.clear();
        }
        changed
    }

    fn invalidate_all(&mut self) {
        self.next_up.clear();
        self.next_any.clear();
        self.segment = petgraph_components(&self.graph);
    }

    /// The machine port that owns `addr` and shares an L2 segment with `from` (joined by
    /// links through switches only, whatever their state), if any: the one machine that
    /// answers a broadcast ARP request for `addr`.
    pub fn owner_of(&mut self, from: VertexId, addr: Ipv4Addr) -> Option<VertexId> {
        let owner = *self.owners.get(&addr)?;
        self.reachable(from, owner).then_some(owner)
    }

    /// Moves a frame one link toward `dest`: picks the link, applies its state, loss and
    /// latency. Draws come from the link's own stream.
    /// `ip_len` is the IP packet the frame carries (its length against the link's MTU).
    pub fn step(&mut self, at: VertexId, dest: VertexId, now: SimTime, ip_len: u32) -> Step {
        let edge = match self.next_edge(at, dest, true) {
            Some(e) => e,
            None => match self.next_edge(at, dest, false) {
                Some(e) => e,
                None => return Step::NoPath,
            },
        };
        let (a, b) = self.graph.edge_endpoints(edge).expect("edge exists");
        let (next, dir) = if a == at.ix() { (b, 0) } else { (a, 1) };
        let link = &mut self.graph[edge];
        if !link.up {
            return Step::LinkDown {
                link: link.name.clone(),
            };
        }
        if let Some(mtu) = link.mtu
            && ip_len > mtu
        {
            return Step::TooBig {
                link: link.name.clone(),
                mtu,
            };
        }
        if link.loss_ppm > 0 && link.rng.random_range(0..1_000_000u32) < link.loss_ppm {
            return Step::LinkLoss {
                link: link.name.clone(),
                loss_ppm: link.loss_ppm,
            };
        }
        let jitter = if link.jitter.0 > 0 {
            Dur(link.rng.random_range(0..=link.jitter.0))
        } else {
            Dur::ZERO
        };
        let arrival = (now + link.latency + jitter).max(link.last_arrival[dir]);
        link.last_arrival[dir] = arrival;
        Step::Cross {
            next: VertexId(next.index() as u32),
            delay: arrival - now,
        }
    }

    /// The latency of the path from `from` to `to` over links that are up (switches in
    /// between), or `None` when no such path exists. Jitter and loss are for frames; a
    /// control-plane message pays the path's base latency.
    pub fn path_latency(&mut self, from: VertexId, to: VertexId) -> Option<Dur> {
        let mut at = from;
        let mut total = Dur::ZERO;
        while at != to {
            let edge = self.next_edge(at, to, true)?;
            let (a, b) = self.graph.edge_endpoints(edge).expect("edge exists");
            total = total + self.graph[edge].latency;
            at = VertexId(if a == at.ix() { b } else { a }.index() as u32);
        }
        Some(total)
    }

    fn next_edge(&mut self, at: VertexId, dest: VertexId, up_only: bool) -> Option<EdgeIndex> {
        let cache = if up_only {
            &mut self.next_up
        } else {
            &mut self.next_any
        };
        let graph = &self.graph;
        let table = cache
            .entry(dest)
            .or_insert_with(|| toward(graph, dest, up_only));
        table[at.0 as usize]
    }
}

/// For every vertex, the edge to leave on toward `dest` along a lowest-latency path, with
/// only switches in transit. Ties break by vertex index, so the choice is deterministic.
fn toward(graph: &UnGraph<Vertex, Link>, dest: VertexId, up_only: bool) -> Vec<Option<EdgeIndex>> {
    let n = graph.node_count();
    let mut dist = vec![u64::MAX; n];
    let mut next = vec![None; n];
    let mut heap = BinaryHeap::new();
    dist[dest.0 as usize] = 0;
    heap.push(Reverse((0u64, dest.0)));
    while let Some(Reverse((d, u))) = heap.pop() {
        if d > dist[u as usize] {
            continue;
        }
        let ui = NodeIndex::new(u as usize);
        // Frames may only pass through switches: a machine is an endpoint.
        if u != dest.0 && !graph[ui].is_switch {
            continue;
        }
        for e in graph.edges(ui) {
            let link = e.weight();
            if up_only && !link.up {
                continue;
            }
            let w = if e.source() == ui {
                e.target()
            } else {
                e.source()
            };
            let nd = d.saturating_add(link.latency.0).saturating_add(1); // +1: fewer hops win among equal latencies
            if nd < dist[w.index()] {
                dist[w.index()] = nd;
                next[w.index()] = Some(e.id());
                heap.push(Reverse((nd, w.index() as u32)));
            }
        }
    }
    next
}

/// Connected components ignoring link state: component id per vertex.
fn petgraph_components(graph: &UnGraph<Vertex, Link>) -> Vec<u32> {
    let mut uf = petgraph::unionfind::UnionFind::<usize>::new(graph.node_count());
    for e in graph.edge_indices() {
        let (a, b) = graph.edge_endpoints(e).expect("edge exists");
        uf.union(a.index(), b.index());
    }
    (0..graph.node_count()).map(|i| uf.find(i) as u32).collect()
}
