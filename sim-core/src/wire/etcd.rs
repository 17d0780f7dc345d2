//! The etcd v2 keys API as messages: what `etcdctl` (and later flanneld, the apiserver)
//! send to etcd and what it answers. Data only; the store is `k8s::etcd`.

use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Request {
    Get {
        key: String,
    },
    /// `set`; `create_only` for `mk` (fails if the key exists).
    Set {
        key: String,
        value: String,
        ttl: Option<u64>,
        create_only: bool,
    },
    Mkdir {
        key: String,
    },
    /// `rm` (`dir`: also an empty directory; `recursive`: a directory and all below).
    Delete {
        key: String,
        dir: bool,
        recursive: bool,
    },
    /// Children of a directory (all below it with `recursive`).
    List {
        key: String,
        recursive: bool,
    },
    /// Wait for the next change at or below `key`; with `after`, the first change whose
    /// index is at least that (etcd's `waitIndex`), which may already have happened.
    Watch {
        key: String,
        recursive: bool,
        after: Option<u64>,
    },
    /// Every value at or below `key`, with the etcd index (a recursive `GET`, as flanneld
    /// reads the subnet leases).
    GetAll {
        key: String,
    },
    /// The v3 API (its own keyspace, separate from v2's, as in etcd 3.x).
    V3(V3Request),
}

/// etcd's v3 requests (the KV and Lease services), as etcdctl v3 makes them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum V3Request {
    Put {
        key: String,
        value: String,
        lease: Option<i64>,
    },
    /// `get KEY`, or every key starting with it (`--prefix`).
    Range {
        key: String,
        prefix: bool,
    },
    DeleteRange {
        key: String,
        prefix: bool,
    },
    LeaseGrant {
        ttl: i64,
    },
    LeaseRevoke {
        id: i64,
    },
    LeaseKeepAlive {
        id: i64,
    },
    LeaseTimeToLive {
        id: i64,
    },
    LeaseList,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum V3Response {
    Put,
    Kvs {
        kvs: Vec<(String, String)>,
    },
    Deleted {
        count: u64,
    },
    /// A lease: id, TTL granted, TTL remaining (-1 once expired), attached keys.
    Lease {
        id: i64,
        granted: i64,
        ttl: i64,
        keys: Vec<String>,
    },
    Leases {
        ids: Vec<i64>,
    },
    Error {
        message: String,
    },
}

impl Request {
    pub fn key(&self) -> &str {
        match self {
            Request::Get { key }
            | Request::Set { key, .. }
            | Request::Mkdir { key }
            | Request::Delete { key, .. }
            | Request::List { key, .. }
            | Request::Watch { key, .. }
            | Request::GetAll { key } => key,
            Request::V3(_) => "/",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Response {
    /// A key's value (get, set, mk).
    Value {
        key: String,
        value: String,
    },
    /// `get` of a directory.
    Dir {
        key: String,
    },
    /// A listing, in order: (key, is a directory). `ls` of a plain key lists that key.
    Keys {
        listed_dir: bool,
        keys: Vec<(String, bool)>,
    },
    /// A delete: the old value when a key (not a directory) was removed.
    Deleted {
        prev: Option<String>,
    },
    /// Done, nothing to show (mkdir).
    Done,
    /// A change a watch waited for: etcd's action name (`set`, `create`, `delete`,
    /// `expire`), the key, its new value, the previous value.
    Event {
        action: String,
        key: String,
        dir: bool,
        value: Option<String>,
        prev: Option<String>,
        /// The change's etcd index (its `modifiedIndex`).
        index: u64,
    },
    V3(V3Response),
    /// `GetAll`: (key, value) of every value below the key in key order, with the
    /// current etcd index (`X-Etcd-Index`) and each value's remaining TTL in seconds.
    Values {
        index: u64,
        values: Vec<(String, String, Option<u64>)>,
    },
    /// An etcd v2 error: code, message, cause (a key), and the etcd index.
    Error {
        code: u16,
        message: String,
        cause: String,
        index: u64,
    },
}
