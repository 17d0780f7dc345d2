//! k8s-netsim core: a deterministic discrete-event simulator of Kubernetes cluster
//! networking.
//!
//! The map, lowest layer first (a lower layer never names a higher one):
//!
//! - [`engine`]: simulated time, the (time, sequence)-ordered event queue, actors with
//!   stable names, per-actor random streams, run control. Knows nothing of networks.
//! - [`wire`]: typed packets with exact sizes (IPv4, ICMP, UDP, TCP headers; payloads).
//! - [`trace`]: the closed `TraceEvent` vocabulary, drop reasons, text and JSON renderers.
//! - [`net`]: network namespaces (devices, addresses, routes with longest-prefix match),
//!   the kernel's receive/forward/output paths, the underlay fabric (a petgraph graph of
//!   links with latency, jitter, loss and up/down).
//! - [`tools`]: the commands a user runs inside a simulated machine (`ping`, `ip addr`,
//!   `ip route`), printing what the real tool prints.
//! - [`scenario`]: what the user wrote (`spec`, serde/RON), validated into a world
//!   (`build`), and the runner that replays its steps and checks its expectations.
//!
//! See `docs/architecture.md` for the invariants.

pub mod clock;
pub mod engine;
pub mod k8s;
pub mod net;
pub mod scenario;
pub mod tools;
pub mod trace;
pub mod wire;
