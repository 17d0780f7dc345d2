//! Kubernetes-side components, as actors on the network model: etcd, the apiserver with
//! its controllers and scheduler, kubelet, kube-proxy, flanneld, the docker daemon and
//! systemd.

pub mod admission;
pub mod alloc;
pub mod api;
pub mod apiserver;
pub mod coredns;
pub mod corefile;
pub mod docker;
pub mod envvars;
pub mod etcd;
pub mod flanneld;
pub mod images;
pub mod kubelet;
pub mod manifest;
pub mod proxy;
pub mod resolvconf;
pub mod systemd;
pub mod version;
