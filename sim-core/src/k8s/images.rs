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

/// One image's files and defaults, as a real pull of it has them.
pub struct Image {
    /// The names it goes by: the last path element, without the tag.
    pub names: &'static [&'static str],
    /// ENTRYPOINT then CMD, as `docker ps` and `docker inspect` show them.
    pub docker_command: &'static [&'static str],
    /// WORKDIR: where `kubectl exec` lands, and what relative paths start from.
    pub workdir: &'static str,
    /// Files people `cat` in it, by path.
    pub files: &'static [(&'static str, &'static str)],
}

/// Debian 8's `/etc/os-release` (redis 3.0 and php 5's apache images are built on it).
const JESSIE: &str = "PRETTY_NAME=\"Debian GNU/Linux 8 (jessie)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"8\"\nVERSION=\"8 (jessie)\"\nID=debian\nHOME_URL=\"http://www.debian.org/\"\nSUPPORT_URL=\"http://www.debian.org/support\"\nBUG_REPORT_URL=\"https://bugs.debian.org/\"\n";

/// The redis slave image's `/run.sh`, as seed 004 `cat`s it.
const RUN_SH: &str = r#"#!/bin/bash

# Copyright 2014 The Kubernetes Authors All rights reserved.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.

if [[ ${GET_HOSTS_FROM:-dns} == "env" ]]; then
  redis-server --slaveof ${REDIS_MASTER_SERVICE_HOST} 6379
else
  redis-server --slaveof redis-master 6379
fi

"#;

/// The guestbook frontend's `/var/www/html/guestbook.php`, as seed 004 `cat`s it (the
/// file has no newline at its end: the prompt follows `?>`).
const GUESTBOOK_PHP: &str = r#"<?

set_include_path('.:/usr/local/lib/php');

error_reporting(E_ALL);
ini_set('display_errors', 1);

require 'Predis/Autoloader.php';

Predis\Autoloader::register();

if (isset($_GET['cmd']) === true) {
  $host = 'redis-master';
  if (getenv('GET_HOSTS_FROM') == 'env') {
    $host = getenv('REDIS_MASTER_SERVICE_HOST');
  }
  header('Content-Type: application/json');
  if ($_GET['cmd'] == 'set') {
    $client = new Predis\Client([
      'scheme' => 'tcp',
      'host'   => $host,
      'port'   => 6379,
    ]);

    $client->set($_GET['key'], $_GET['value']);
    print('{"message": "Updated"}');
  } else {
    $host = 'redis-slave';
    if (getenv('GET_HOSTS_FROM') == 'env') {
      $host = getenv('REDIS_SLAVE_SERVICE_HOST');
    }
    $client = new Predis\Client([
      'scheme' => 'tcp',
      'host'   => $host,
      'port'   => 6379,
    ]);

    $value = $client->get($_GET['key']);
    print('{"data": "' . $value . '"}');
  }
} else {
  phpinfo();
} ?>"#;

/// The images whose files and defaults are simulated. An image not here has none of these
/// files, runs `docker_command` `sh`, and works in `/`.
pub static IMAGES: &[Image] = &[
    Image {
        names: &["redis-master"],
        docker_command: &["redis-server", "/etc/redis/redis.conf"],
        workdir: "/data",
        files: &[("/etc/os-release", JESSIE)],
    },
    Image {
        names: &["redis"],
        docker_command: &["docker-entrypoint.sh", "redis-server"],
        workdir: "/data",
        files: &[],
    },
    Image {
        // The examples' Dockerfile: `FROM redis`, `CMD /run.sh` under redis 3.0's
        // `ENTRYPOINT ["/entrypoint.sh"]` (seed 004's docker ps shows its first 20
        // characters, "/entrypoint.sh /bin/").
        names: &["guestbook-redis-slave", "gb-redisslave", "redis-slave"],
        docker_command: &["/entrypoint.sh", "/bin/sh", "-c", "/run.sh"],
        workdir: "/data",
        files: &[("/run.sh", RUN_SH), ("/etc/os-release", JESSIE)],
    },
    Image {
        names: &["guestbook-php-frontend", "gb-frontend"],
        docker_command: &["apache2-foreground"],
        workdir: "/var/www/html",
        files: &[
            ("/var/www/html/guestbook.php", GUESTBOOK_PHP),
            ("/etc/os-release", JESSIE),
        ],
    },
    Image {
        names: &["nginx"],
        docker_command: &["nginx", "-g", "daemon off;"],
        workdir: "/",
        files: &[],
    },
    Image {
        names: &["demoapp"],
        docker_command: &["/bin/sh", "-c", "python3 /usr/local/bin/demo.py"],
        workdir: "/",
        files: &[],
    },
    Image {
        names: &["pause-amd64", "pause"],
        docker_command: &["/pause"],
        workdir: "/",
        files: &[],
    },
];

/// The table's entry for an image reference (`kubeguide/guestbook-redis-slave:latest`).
pub fn image(reference: &str) -> Option<&'static Image> {
    let name = reference.rsplit('/').next().unwrap_or(reference);
    let name = name.split(':').next().unwrap_or(name);
    IMAGES.iter().find(|i| i.names.contains(&name))
}

/// A file of an image, if the table has it.
pub fn file(reference: &str, path: &str) -> Option<&'static str> {
    image(reference)?
        .files
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, text)| *text)
}

/// An image's WORKDIR (`/` when the table does not know it).
pub fn workdir(reference: &str) -> &'static str {
    image(reference).map_or("/", |i| i.workdir)
}

/// What docker shows an image runs (ENTRYPOINT and CMD): `sh` for an image the table
/// does not know (busybox's and alpine's CMD).
pub fn docker_command(reference: &str) -> Vec<String> {
    image(reference).map_or_else(
        || vec!["sh".to_string()],
        |i| i.docker_command.iter().map(|s| s.to_string()).collect(),
    )
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

    /// The seed's files are where `cat` finds them, under every name of the image.
    #[test]
    fn files_by_image() {
        assert!(
            file("kubeguide/guestbook-redis-slave", "/run.sh")
                .unwrap()
                .contains("redis-server --slaveof ${REDIS_MASTER_SERVICE_HOST} 6379")
        );
        assert!(
            file(
                "kubeguide/guestbook-php-frontend:latest",
                "/var/www/html/guestbook.php"
            )
            .unwrap()
            .ends_with("} ?>")
        );
        assert_eq!(file("busybox", "/run.sh"), None);
        assert_eq!(workdir("kubeguide/guestbook-php-frontend"), "/var/www/html");
        assert_eq!(workdir("busybox"), "/");
        assert_eq!(docker_command("busybox"), ["sh"]);
    }
}
