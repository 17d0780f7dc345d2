//! Kubernetes-side components, as actors on the network model: so far etcd. (The
//! apiserver, controllers, kubelet, kube-proxy, flanneld and the docker daemon come here.)

pub mod alloc;
pub mod api;
pub mod apiserver;
pub mod docker;
pub mod envvars;
pub mod etcd;
pub mod flanneld;
pub mod images;
pub mod kubelet;
pub mod proxy;
pub mod systemd;
