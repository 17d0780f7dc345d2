//! etcd's v2 keys store, as an actor on one machine's address at port 2379.
//!
//! Keys form a tree of directories and values (`/coreos.com/network/config`). Every change
//! takes the next etcd index; errors report the current index, as etcd does (etcd
//! `server/etcdserver/api/v2store`, `v2error`). Requests and responses cross the underlay
//! as one control-plane event each (`net::control`).
//!
//! TTL keys are removed the way etcd's leader does it: a sweep every 500 ms while TTL keys
//! exist (`SyncTicker`, `DeleteExpiredKeys`), each expired key taking an index. Until the
//! sweep, an expired key is still listed and readable.
//!
//! Simplifications: one member, no raft; hidden (`_`) keys are not special-cased beyond
//! listing; children list in key order (etcd v2 returns them in Go map order, which differs
//! from call to call; `etcdctl ls --sort` gives key order).

use std::collections::BTreeMap;

use crate::engine::{ActorId, Ctx, Dur, SimTime};
use crate::net::{Msg, Net, NsId, control};
use crate::trace::{EtcdAction, TraceEvent};
use crate::wire::etcd::{Request, Response, V3Request, V3Response};

/// etcd v2 error codes and messages (`v2error/error.go`).
pub const KEY_NOT_FOUND: u16 = 100;
pub const NOT_FILE: u16 = 102;
pub const NOT_DIR: u16 = 104;
pub const NODE_EXIST: u16 = 105;
pub const ROOT_READ_ONLY: u16 = 107;
pub const DIR_NOT_EMPTY: u16 = 108;

/// How often the leader sweeps expired TTL keys.
pub const SWEEP: Dur = Dur::from_millis(500);
/// The sweep timer's token.
const SWEEP_TOKEN: u64 = 0;

#[derive(Clone, Debug)]
struct Node {
    /// `None` for a directory.
    value: Option<String>,
    expires: Option<SimTime>,
}

struct Watcher {
    key: String,
    recursive: bool,
    from: ActorId,
    id: u64,
}

impl Watcher {
    fn wants(&self, key: &str) -> bool {
        let below =
            self.recursive && key.starts_with(&format!("{}/", self.key.trim_end_matches('/')));
        self.key == key || below || (self.recursive && self.key == "/")
    }
}

/// How many past changes etcd v2 keeps for watches that start from an index
/// (`eventHistory` capacity).
const HISTORY: usize = 1000;

/// The store, its watchers and the sweep.
pub struct Etcd {
    /// The machine etcd runs on.
    pub ns: NsId,
    nodes: BTreeMap<String, Node>,
    index: u64,
    watchers: Vec<Watcher>,
    /// The v3 keyspace (separate from v2's): key -> (value, lease).
    v3: BTreeMap<String, (String, Option<i64>)>,
    /// v3 leases: id -> (granted TTL, expiry).
    leases: BTreeMap<i64, (i64, SimTime)>,
    /// The next lease id (etcd derives ids from the member id and a counter).
    next_lease: i64,
    /// The v3 store's revision (1 when empty; each change adds one).
    revision: u64,
    /// The last `HISTORY` changes with their indexes, oldest first.
    history: std::collections::VecDeque<(u64, Change)>,
    sweeping: bool,
}

/// `foo//bar/` -> `/foo/bar`; the root is `/` (etcd's `path.Clean(path.Join("/", key))`).
pub fn normalize(key: &str) -> String {
    let parts: Vec<&str> = key
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    format!("/{}", parts.join("/"))
}

fn parent(key: &str) -> Option<&str> {
    if key == "/" {
        return None;
    }
    Some(match key.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &key[..i],
    })
}

/// `/a/b/c` -> `["/a", "/a/b", "/a/b/c"]`.
fn prefixes(key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut at = String::new();
    for part in key.split('/').filter(|p| !p.is_empty()) {
        at.push('/');
        at.push_str(part);
        out.push(at.clone());
    }
    out
}

impl Etcd {
    pub fn new(ns: NsId) -> Self {
        let mut nodes = BTreeMap::new();
        nodes.insert(
            "/".to_string(),
            Node {
                value: None,
                expires: None,
            },
        );
        Etcd {
            ns,
            nodes,
            index: 0,
            watchers: Vec::new(),
            history: std::collections::VecDeque::new(),
            v3: BTreeMap::new(),
            leases: BTreeMap::new(),
            next_lease: 0x694d_8543_30fc_5110,
            revision: 1,
            sweeping: false,
        }
    }

    fn error(&self, code: u16, cause: &str) -> Response {
        let message = match code {
            KEY_NOT_FOUND => "Key not found",
            NOT_FILE => "Not a file",
            NOT_DIR => "Not a directory",
            NODE_EXIST => "Key already exists",
            ROOT_READ_ONLY => "Root is read only",
            DIR_NOT_EMPTY => "Directory not empty",
            _ => "Unknown error",
        };
        Response::Error {
            code,
            message: message.into(),
            cause: cause.into(),
            index: self.index,
        }
    }

    /// Walks to `key` as the store's `internalGet` does: the first missing component is
    /// "Key not found", a value in the middle is "Not a directory".
    fn walk(&self, key: &str) -> Result<&Node, Response> {
        if key == "/" {
            return Ok(&self.nodes["/"]);
        }
        let parts = prefixes(key);
        for (i, p) in parts.iter().enumerate() {
            match self.nodes.get(p) {
                None => return Err(self.error(KEY_NOT_FOUND, p)),
                Some(Node { value: Some(_), .. }) if i + 1 < parts.len() => {
                    return Err(self.error(NOT_DIR, p));
                }
                Some(n) if i + 1 == parts.len() => return Ok(n),
                Some(_) => {}
            }
        }
        unreachable!("the last prefix is the key itself")
    }

    /// A directory's children in key order, each followed by its own subtree when
    /// `recursive` (etcdctl's pre-order `rPrint`); hidden (`_`) keys are skipped.
    fn list_into(&self, dir: &str, recursive: bool, out: &mut Vec<(String, bool)>) {
        let depth = if dir == "/" {
            1
        } else {
            dir.matches('/').count() + 1
        };
        let direct: Vec<(String, bool)> = self
            .children(dir)
            .filter(|(k, _)| k.matches('/').count() == depth)
            .filter(|(k, _)| !k.rsplit('/').next().unwrap_or("").starts_with('_'))
            .map(|(k, n)| (k.clone(), n.value.is_none()))
            .collect();
        for (k, is_dir) in direct {
            out.push((k.clone(), is_dir));
            if recursive && is_dir {
                self.list_into(&k, true, out);
            }
        }
    }

    fn children(&self, dir: &str) -> impl Iterator<Item = (&String, &Node)> {
        let prefix = if dir == "/" {
            "/".to_string()
        } else {
            format!("{dir}/")
        };
        self.nodes
            .range(prefix.clone()..)
            .take_while(move |(k, _)| k.starts_with(&prefix))
            .filter(|(k, _)| k.as_str() != "/")
    }

    /// Applies one request: the response, and the change to trace and tell watchers.
    fn apply(&mut self, req: &Request, now: SimTime) -> (Response, Option<Change>) {
        let key = normalize(req.key());
        match req {
            Request::Get { .. } => match self.walk(&key) {
                Err(e) => (e, None),
                Ok(Node { value: None, .. }) => (Response::Dir { key }, None),
                Ok(Node { value: Some(v), .. }) => (
                    Response::Value {
                        key,
                        value: v.clone(),
                    },
                    None,
                ),
            },
            Request::List { recursive, .. } => match self.walk(&key) {
                Err(e) => (e, None),
                Ok(Node { value: Some(_), .. }) => (
                    Response::Keys {
                        listed_dir: false,
                        keys: vec![(key, false)],
                    },
                    None,
                ),
                Ok(_) => {
                    let mut keys = Vec::new();
                    self.list_into(&key, *recursive, &mut keys);
                    (
                        Response::Keys {
                            listed_dir: true,
                            keys,
                        },
                        None,
                    )
                }
            },
            Request::Set {
                value,
                ttl,
                create_only,
                ..
            } => {
                if key == "/" {
                    return (self.error(ROOT_READ_ONLY, "/"), None);
                }
                if let Some(bad) = self.blocking_file(&key) {
                    return (self.error(NOT_DIR, &bad), None);
                }
                let prev = match self.nodes.get(&key) {
                    Some(_) if *create_only => return (self.error(NODE_EXIST, &key), None),
                    Some(Node { value: None, .. }) => return (self.error(NOT_FILE, &key), None),
                    Some(n) => n.value.clone(),
                    None => None,
                };
                self.index += 1;
                self.make_parents(&key);
                let expires = ttl.map(|secs| now + Dur::from_secs(secs));
                self.nodes.insert(
                    key.clone(),
                    Node {
                        value: Some(value.clone()),
                        expires,
                    },
                );
                let action = if *create_only {
                    EtcdAction::Create
                } else {
                    EtcdAction::Set
                };
                let change = Change {
                    action,
                    key: key.clone(),
                    dir: false,
                    value: Some(value.clone()),
                    prev,
                };
                (
                    Response::Value {
                        key,
                        value: value.clone(),
                    },
                    Some(change),
                )
            }
            Request::Mkdir { .. } => {
                if key == "/" {
                    return (self.error(ROOT_READ_ONLY, "/"), None);
                }
                if let Some(bad) = self.blocking_file(&key) {
                    return (self.error(NOT_DIR, &bad), None);
                }
                if self.nodes.contains_key(&key) {
                    return (self.error(NODE_EXIST, &key), None);
                }
                self.index += 1;
                self.make_parents(&key);
                self.nodes.insert(
                    key.clone(),
                    Node {
                        value: None,
                        expires: None,
                    },
                );
                let change = Change {
                    action: EtcdAction::Create,
                    key,
                    dir: true,
                    value: None,
                    prev: None,
                };
                (Response::Done, Some(change))
            }
            Request::Delete { dir, recursive, .. } => {
                if key == "/" {
                    return (self.error(ROOT_READ_ONLY, "/"), None);
                }
                let node = match self.walk(&key) {
                    Err(e) => return (e, None),
                    Ok(n) => n.clone(),
                };
                if node.value.is_none() {
                    if !dir && !recursive {
                        return (self.error(NOT_FILE, &key), None);
                    }
                    if !recursive && self.children(&key).next().is_some() {
                        return (self.error(DIR_NOT_EMPTY, &key), None);
                    }
                }
                self.index += 1;
                self.remove_tree(&key);
                let is_dir = node.value.is_none();
                let change = Change {
                    action: EtcdAction::Delete,
                    key,
                    dir: is_dir,
                    value: None,
                    prev: node.value.clone(),
                };
                (Response::Deleted { prev: node.value }, Some(change))
            }
            Request::GetAll { .. } => {
                let values = self
                    .children(&key)
                    .filter_map(|(k, n)| {
                        let v = n.value.clone()?;
                        let ttl = n.expires.map(|t| {
                            t.as_nanos()
                                .saturating_sub(now.as_nanos())
                                .div_ceil(1_000_000_000)
                        });
                        Some((k.clone(), v, ttl))
                    })
                    .collect();
                match self.walk(&key) {
                    Err(e) => (e, None),
                    Ok(_) => (
                        Response::Values {
                            index: self.index,
                            values,
                        },
                        None,
                    ),
                }
            }
            Request::Watch { .. } => unreachable!("watches are registered, not applied"),
            Request::V3(_) => unreachable!("v3 requests are applied by apply_v3"),
        }
    }

    /// The first ancestor of `key` that is a value, not a directory.
    fn blocking_file(&self, key: &str) -> Option<String> {
        let parts = prefixes(key);
        parts[..parts.len().saturating_sub(1)]
            .iter()
            .find(|p| {
                matches!(
                    self.nodes.get(p.as_str()),
                    Some(Node { value: Some(_), .. })
                )
            })
            .cloned()
    }

    fn make_parents(&mut self, key: &str) {
        let mut at = parent(key);
        while let Some(p) = at {
            self.nodes.entry(p.to_string()).or_insert(Node {
                value: None,
                expires: None,
            });
            at = parent(p);
        }
    }

    fn remove_tree(&mut self, key: &str) {
        let below: Vec<String> = self.children(key).map(|(k, _)| k.clone()).collect();
        for k in below {
            self.nodes.remove(&k);
        }
        self.nodes.remove(key);
    }

    fn respond(&self, cx: &mut Ctx<'_, Net>, to: ActorId, id: u64, resp: Response) {
        let Some(client_ns) = cx.world.procs.get(&to).and_then(|p| p.ns) else {
            return;
        };
        let msg = Msg::EtcdResponse {
            id,
            resp: Box::new(resp),
        };
        // Lost if the path went down meanwhile; the client's timeout reports it.
        control::send(cx, self.ns, client_ns, to, msg);
    }

    /// Traces a change and answers the watchers it fires (one-shot, as `etcdctl watch`).
    fn changed(&mut self, cx: &mut Ctx<'_, Net>, change: Change) {
        cx.trace(TraceEvent::Etcd {
            action: change.action,
            key: change.key.clone(),
            value: change.value.clone(),
            index: self.index,
        });
        let mut keep = Vec::new();
        for w in std::mem::take(&mut self.watchers) {
            if w.wants(&change.key) {
                let resp = change.event(self.index);
                self.respond(cx, w.from, w.id, resp);
            } else {
                keep.push(w);
            }
        }
        self.watchers = keep;
        if self.history.len() == HISTORY {
            self.history.pop_front();
        }
        self.history.push_back((self.index, change));
    }

    /// The v3 API: etcd's KV and Lease services on their own keyspace.
    fn apply_v3(&mut self, req: &V3Request, now: SimTime, cx: &mut Ctx<'_, Net>) -> V3Response {
        let matches = |k: &str, key: &str, prefix: bool| {
            if prefix { k.starts_with(key) } else { k == key }
        };
        match req {
            V3Request::Put { key, value, lease } => {
                if let Some(id) = lease
                    && !self.leases.contains_key(id)
                {
                    return V3Response::Error {
                        message: "etcdserver: requested lease not found".into(),
                    };
                }
                self.v3.insert(key.clone(), (value.clone(), *lease));
                self.revision += 1;
                cx.trace(TraceEvent::Etcd {
                    action: EtcdAction::Set,
                    key: format!("(v3) {key}"),
                    value: Some(value.clone()),
                    index: self.revision,
                });
                V3Response::Put
            }
            V3Request::Range { key, prefix } => V3Response::Kvs {
                kvs: self
                    .v3
                    .iter()
                    .filter(|(k, _)| matches(k, key, *prefix))
                    .map(|(k, (v, _))| (k.clone(), v.clone()))
                    .collect(),
            },
            V3Request::DeleteRange { key, prefix } => {
                let gone: Vec<String> = self
                    .v3
                    .keys()
                    .filter(|k| matches(k, key, *prefix))
                    .cloned()
                    .collect();
                if !gone.is_empty() {
                    self.revision += 1;
                }
                for k in &gone {
                    self.v3.remove(k);
                    cx.trace(TraceEvent::Etcd {
                        action: EtcdAction::Delete,
                        key: format!("(v3) {k}"),
                        value: None,
                        index: self.revision,
                    });
                }
                V3Response::Deleted {
                    count: gone.len() as u64,
                }
            }
            // lessor.go: a TTL over MaxLeaseTTL (9,000,000,000 s) is refused.
            V3Request::LeaseGrant { ttl } if *ttl > 9_000_000_000 => V3Response::Error {
                message: "etcdserver: too large lease TTL".into(),
            },
            V3Request::LeaseGrant { ttl } => {
                let id = self.next_lease;
                self.next_lease += 1;
                let ttl = (*ttl).max(1);
                self.leases
                    .insert(id, (ttl, now + Dur::from_secs(ttl as u64)));
                self.lease_answer(id, now)
            }
            V3Request::LeaseKeepAlive { id } => match self.leases.get_mut(id) {
                Some((granted, expiry)) if *expiry > now => {
                    *expiry = now + Dur::from_secs(*granted as u64);
                    self.lease_answer(*id, now)
                }
                _ => V3Response::Error {
                    message: "etcdserver: requested lease not found".into(),
                },
            },
            V3Request::LeaseTimeToLive { id } => self.lease_answer(*id, now),
            V3Request::LeaseRevoke { id } => {
                if self.leases.remove(id).is_none() {
                    return V3Response::Error {
                        message: "etcdserver: requested lease not found".into(),
                    };
                }
                self.drop_lease_keys(*id, cx, EtcdAction::Delete);
                V3Response::Deleted { count: 1 }
            }
            V3Request::LeaseList => V3Response::Leases {
                ids: self.leases.keys().copied().collect(),
            },
        }
    }

    fn lease_answer(&self, id: i64, now: SimTime) -> V3Response {
        match self.leases.get(&id) {
            Some((granted, expiry)) => V3Response::Lease {
                id,
                granted: *granted,
                ttl: (expiry.as_nanos().saturating_sub(now.as_nanos()) / 1_000_000_000) as i64,
                keys: self
                    .v3
                    .iter()
                    .filter(|(_, (_, l))| *l == Some(id))
                    .map(|(k, _)| k.clone())
                    .collect(),
            },
            None => V3Response::Lease {
                id,
                granted: 0,
                ttl: -1,
                keys: Vec::new(),
            },
        }
    }

    fn drop_lease_keys(&mut self, id: i64, cx: &mut Ctx<'_, Net>, action: EtcdAction) {
        let keys: Vec<String> = self
            .v3
            .iter()
            .filter(|(_, (_, l))| *l == Some(id))
            .map(|(k, _)| k.clone())
            .collect();
        if !keys.is_empty() {
            self.revision += 1;
        }
        for k in keys {
            self.v3.remove(&k);
            cx.trace(TraceEvent::Etcd {
                action,
                key: format!("(v3) {k}"),
                value: None,
                index: self.revision,
            });
        }
    }

    fn arm_sweep(&mut self, cx: &mut Ctx<'_, Net>) {
        if self.sweeping
            || (!self.nodes.values().any(|n| n.expires.is_some()) && self.leases.is_empty())
        {
            return;
        }
        self.sweeping = true;
        // The leader's ticker runs from etcd's start: the next multiple of 500 ms.
        let now = cx.now().as_nanos();
        let next = (now / SWEEP.0 + 1) * SWEEP.0;
        cx.schedule(Dur(next - now), Msg::Timer(SWEEP_TOKEN));
    }

    fn sweep(&mut self, cx: &mut Ctx<'_, Net>) {
        self.sweeping = false;
        let now = cx.now();
        // The lessor revokes expired leases on the same 500 ms tick, deleting their keys.
        let expired: Vec<i64> = self
            .leases
            .iter()
            .filter(|(_, (_, e))| *e <= now)
            .map(|(id, _)| *id)
            .collect();
        for id in expired {
            self.leases.remove(&id);
            self.drop_lease_keys(id, cx, EtcdAction::Expire);
        }
        let expired: Vec<String> = self
            .nodes
            .iter()
            .filter(|(_, n)| n.expires.is_some_and(|t| t <= now))
            .map(|(k, _)| k.clone())
            .collect();
        for key in expired {
            let prev = self.nodes.get(&key).and_then(|n| n.value.clone());
            self.index += 1;
            self.remove_tree(&key);
            let change = Change {
                action: EtcdAction::Expire,
                key,
                dir: false,
                value: None,
                prev,
            };
            self.changed(cx, change);
        }
        self.arm_sweep(cx);
    }
}

#[derive(Clone, Debug)]
struct Change {
    action: EtcdAction,
    key: String,
    dir: bool,
    value: Option<String>,
    prev: Option<String>,
}

impl Change {
    fn event(&self, index: u64) -> Response {
        Response::Event {
            action: self.action.name().to_string(),
            key: self.key.clone(),
            dir: self.dir,
            value: self.value.clone(),
            prev: self.prev.clone(),
            index,
        }
    }
}

impl crate::engine::Actor<Net> for Etcd {
    fn handle(&mut self, msg: Msg, cx: &mut Ctx<'_, Net>) {
        match msg {
            Msg::EtcdRequest { from, id, req } => {
                if let Request::Watch {
                    key,
                    recursive,
                    after,
                } = *req
                {
                    let w = Watcher {
                        key: normalize(&key),
                        recursive,
                        from,
                        id,
                    };
                    if let Some(after) = after.filter(|a| *a <= self.index) {
                        let oldest = self.history.front().map_or(self.index + 1, |h| h.0);
                        if after < oldest {
                            // etcd: 401 "The event in requested index is outdated and cleared".
                            let resp = Response::Error {
                                code: 401,
                                message: "The event in requested index is outdated and cleared"
                                    .into(),
                                cause: format!(
                                    "the requested history has been cleared [{oldest}/{after}]"
                                ),
                                index: self.index,
                            };
                            self.respond(cx, from, id, resp);
                            return;
                        }
                        let found = self
                            .history
                            .iter()
                            .find(|(i, c)| *i >= after && w.wants(&c.key))
                            .map(|(i, c)| c.event(*i));
                        if let Some(resp) = found {
                            self.respond(cx, from, id, resp);
                            return;
                        }
                    }
                    self.watchers.push(w);
                    return;
                }
                if let Request::V3(v3) = &*req {
                    let resp = Response::V3(self.apply_v3(v3, cx.now(), cx));
                    self.respond(cx, from, id, resp);
                    self.arm_sweep(cx);
                    return;
                }
                let (resp, change) = self.apply(&req, cx.now());
                self.respond(cx, from, id, resp);
                if let Some(change) = change {
                    self.changed(cx, change);
                }
                self.arm_sweep(cx);
            }
            Msg::Timer(SWEEP_TOKEN) => self.sweep(cx),
            _ => unreachable!("etcd gets requests and its own sweep timer only"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SimTime;

    fn set(key: &str, value: &str) -> Request {
        Request::Set {
            key: key.into(),
            value: value.into(),
            ttl: None,
            create_only: false,
        }
    }

    fn error_of(resp: Response) -> (u16, String, u64) {
        match resp {
            Response::Error {
                code, cause, index, ..
            } => (code, cause, index),
            other => panic!("expected an error, got {other:?}"),
        }
    }

    /// etcd's store walk: the first missing component is "Key not found", a value in the
    /// middle of a path is "Not a directory", and errors carry the current index.
    #[test]
    fn errors_name_the_component_etcd_names() {
        let mut e = Etcd::new(NsId(0));
        let t = SimTime::ZERO;
        assert!(matches!(
            e.apply(&set("/a/file", "v"), t).0,
            Response::Value { .. }
        ));
        let get = |k: &str| Request::Get { key: k.into() };
        assert_eq!(
            error_of(e.apply(&get("/x/y/z"), t).0),
            (KEY_NOT_FOUND, "/x".into(), 1)
        );
        assert_eq!(
            error_of(e.apply(&get("/a/file/deeper"), t).0),
            (NOT_DIR, "/a/file".into(), 1)
        );
        assert_eq!(
            error_of(e.apply(&set("/a/file/x", "v"), t).0),
            (NOT_DIR, "/a/file".into(), 1)
        );
        assert_eq!(
            error_of(e.apply(&set("/a", "v"), t).0),
            (NOT_FILE, "/a".into(), 1)
        );
        assert_eq!(
            error_of(e.apply(&set("/", "v"), t).0),
            (ROOT_READ_ONLY, "/".into(), 1)
        );
        let rm = |k: &str, dir, recursive| Request::Delete {
            key: k.into(),
            dir,
            recursive,
        };
        assert_eq!(
            error_of(e.apply(&rm("/a", true, false), t).0),
            (DIR_NOT_EMPTY, "/a".into(), 1)
        );
        assert_eq!(
            error_of(e.apply(&rm("/a", false, false), t).0),
            (NOT_FILE, "/a".into(), 1)
        );
        assert!(matches!(
            e.apply(&rm("/a", false, true), t).0,
            Response::Deleted { prev: None }
        ));
        assert_eq!(
            error_of(e.apply(&get("/a/file"), t).0),
            (KEY_NOT_FOUND, "/a".into(), 2)
        );
    }

    /// `ls -r` is pre-order with each level in key order: `/a-b` sorts after `/a`'s subtree
    /// even though the string `/a-b` sorts before `/a/b`.
    #[test]
    fn recursive_listing_is_pre_order() {
        let mut e = Etcd::new(NsId(0));
        let t = SimTime::ZERO;
        for k in ["/a/b", "/a-b", "/a/c/d", "/_hidden"] {
            e.apply(&set(k, "v"), t);
        }
        let Response::Keys { keys, .. } = e
            .apply(
                &Request::List {
                    key: "/".into(),
                    recursive: true,
                },
                t,
            )
            .0
        else {
            panic!("a listing")
        };
        let keys: Vec<&str> = keys.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["/a", "/a/b", "/a/c", "/a/c/d", "/a-b"]);
    }
}
