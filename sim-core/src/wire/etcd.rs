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
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Response {
    /// A key's value (get, set, mk).
    Value { key: String, value: String },
    /// `get` of a directory.
    Dir { key: String },
    /// A listing, in order: (key, is a directory). `ls` of a plain key lists that key.
    Keys {
        listed_dir: bool,
        keys: Vec<(String, bool)>,
    },
    /// A delete: the old value when a key (not a directory) was removed.
    Deleted { prev: Option<String> },
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
