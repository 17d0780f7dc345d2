//! flannel's `mk-docker-opts.sh [-f FLANNEL-ENV-FILE] [-d DOCKER-ENV-FILE] [-i] [-c] [-m]
//! [-k COMBINED-KEY]`: docker's options from flannel's subnet file, written to a file
//! (`k8s::flanneld::docker_opts`, what flanneld's unit runs after it starts).

use crate::engine::Ctx;
use crate::net::{Net, NsId};

const USAGE: &str = "/usr/libexec/flannel/mk-docker-opts.sh [-f FLANNEL-ENV-FILE] [-d DOCKER-ENV-FILE] [-i] [-c] [-m] [-k COMBINED-KEY]

Generate Docker daemon options based on flannel env file
OPTIONS:
\t-f\tPath to flannel env file. Defaults to /run/flannel/subnet.env
\t-d\tPath to Docker env file to write to. Defaults to /run/docker_opts.env
\t-i\tOutput each Docker option as individual var. e.g. DOCKER_OPT_MTU=1500
\t-c\tOutput combined Docker options into DOCKER_OPTS var
\t-k\tSet the combined options key to this value (default DOCKER_OPTS=)
\t-m\tDo not output --ip-masq (useful for older Docker version)
";

pub fn run(cx: &mut Ctx<'_, Net>, ns: NsId, argv: &[String]) -> (String, String, i32) {
    let (mut env, mut dest, mut key) = (
        "/run/flannel/subnet.env".to_string(),
        "/run/docker_opts.env".to_string(),
        "DOCKER_OPTS".to_string(),
    );
    let (mut individual, mut combined, mut ipmasq) = (false, false, true);
    let mut it = argv[1..].iter();
    while let Some(a) = it.next() {
        let mut value = |to: &mut String| match it.next() {
            Some(v) => {
                *to = v.clone();
                true
            }
            None => false,
        };
        let ok = match a.as_str() {
            "-f" => value(&mut env),
            "-d" => value(&mut dest),
            "-k" => value(&mut key),
            "-i" => {
                individual = true;
                true
            }
            "-c" => {
                combined = true;
                true
            }
            "-m" => {
                ipmasq = false;
                true
            }
            _ => false,
        };
        if !ok {
            return (String::new(), USAGE.into(), 1);
        }
    }
    if !individual && !combined {
        (individual, combined) = (true, true);
    }
    // The script sources the file only if it exists; without it the options are empty.
    let text = super::files::read(cx.world, ns, &env)
        .map(|t| t.into_owned())
        .unwrap_or_default();
    let out = crate::k8s::flanneld::docker_opts(&text, &key, individual, combined, ipmasq);
    let path = super::files::absolute(cx.world, ns, &dest);
    cx.world.ns_mut(ns).files.insert(path, out);
    (String::new(), String::new(), 0)
}
