//! What the seeds' container images run when a pod gives no command: their entrypoints,
//! with the container's environment.
//!
//! - `kubeguide/redis-master` (and `redis`): `redis-server`.
//! - `kubeguide/guestbook-redis-slave`: its `/run.sh` (seed 004): with
//!   `GET_HOSTS_FROM=env`, `redis-server --slaveof ${REDIS_MASTER_SERVICE_HOST} 6379`,
//!   else `redis-server --slaveof redis-master 6379`.
//! - `kubeguide/guestbook-php-frontend`: Apache with `guestbook.php` (`tools/guestbook.rs`).
//! - `ikubernetes/demoapp` (seed 001): `python3 /usr/local/bin/demo.py`, a web server on
//!   port 80 naming the client, the pod and its address.
//! - `coredns` (kubeadm's CoreDNS) and `kubedns-amd64` (kubeadm 1.5's kube-dns): the
//!   cluster DNS server (`coredns.rs`).
//! - `busybox`, `alpine` and anything else: nothing but the pause process (a learner runs
//!   commands in it).

/// The command an image runs, given the container's environment.
pub fn command(image: Option<&str>, env: &[(String, String)]) -> Option<String> {
    let image = image?;
    let name = image.rsplit('/').next().unwrap_or(image);
    let name = name.split(':').next().unwrap_or(name);
    let from_env = env.iter().any(|(k, v)| k == "GET_HOSTS_FROM" && v == "env");
    match name {
        "redis" | "redis-master" => Some("redis-server".into()),
        "guestbook-redis-slave" | "gb-redisslave" | "redis-slave" => Some(if from_env {
            "redis-server --slaveof ${REDIS_MASTER_SERVICE_HOST} 6379".into()
        } else {
            "redis-server --slaveof redis-master 6379".into()
        }),
        "guestbook-php-frontend" | "gb-frontend" => Some("apache2-foreground".into()),
        "demoapp" => Some("python3 /usr/local/bin/demo.py".into()),
        "coredns" => Some("/coredns -conf /etc/coredns/Corefile".into()),
        // kubeadm 1.5's kube-dns container (its args; the image's entrypoint is kube-dns).
        "kubedns-amd64" => Some("/kube-dns --domain=cluster.local --dns-port=10053".into()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slave_follows_get_hosts_from() {
        let env = vec![("GET_HOSTS_FROM".to_string(), "env".to_string())];
        assert_eq!(
            command(Some("kubeguide/guestbook-redis-slave"), &env).unwrap(),
            "redis-server --slaveof ${REDIS_MASTER_SERVICE_HOST} 6379"
        );
        assert_eq!(
            command(Some("kubeguide/guestbook-redis-slave"), &[]).unwrap(),
            "redis-server --slaveof redis-master 6379"
        );
        assert_eq!(command(Some("busybox"), &env), None);
    }
}
