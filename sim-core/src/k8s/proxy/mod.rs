//! kube-proxy: the pure pieces that every mode shares, checked against the values in
//! reference/k8s-networking.md §1. The modes themselves (iptables, ipvs, userspace) come
//! with the control plane (issue 4).

pub mod iptables;
pub mod ipvs;
pub mod kube_proxy;
pub mod names;
pub mod userspace;
