//! The node tools and the images' files, checked against seed 004's outputs in shape:
//! `cat` of the images' files and of `/proc/sys` values, `docker ps`, `systemctl status`,
//! `journalctl`, `ip -s link` and `ip -d link`, `conntrack -L`.

use crate::pods::{printed, run_text};

/// guestbook.ron with `steps` added after its own (each a step's RON text).
fn guestbook_with(steps: &[&str], until: &str) -> String {
    let src = std::fs::read_to_string(crate::scenarios_dir().join("guestbook.ron")).unwrap();
    let src = src.replace("until: \"40s\"", &format!("until: \"{until}\""));
    let end = src
        .rfind("    ],\n)")
        .expect("guestbook.ron ends with its steps");
    let mut out = src[..end].to_string();
    for s in steps {
        out.push_str("        ");
        out.push_str(s);
        out.push_str(",\n");
    }
    out.push_str(&src[end..]);
    // Its manifests are beside it.
    out.replace(
        "file: \"manifests/seed-004/\"",
        &format!(
            "file: \"{}\"",
            crate::scenarios_dir()
                .join("manifests/seed-004/")
                .to_string_lossy()
        ),
    )
}

/// The seed's `cat /run.sh` in a redis slave and `cat guestbook.php` from the frontend's
/// WORKDIR print the images' files; `/proc/sys` shows what docker and the bridge module
/// set on a node, and a file that is not there is GNU cat's error.
#[test]
fn cat_reads_the_images_files_and_proc_sys() {
    let src = guestbook_with(
        &[
            r#"(at: "17s", exec: (on: "node/why-01", cmd: "kubectl exec rc/redis-slave -- cat /run.sh"))"#,
            r#"(at: "17s", exec: (on: "node/why-01", cmd: "kubectl exec rc/frontend -- cat guestbook.php"))"#,
            r#"(at: "17s", exec: (on: "node/why-02", cmd: "cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/bridge/bridge-nf-call-iptables"))"#,
            r#"(at: "17s", expect: (on: "node/why-01", cmd: "cat /proc/sys/net/bridge/bridge-nf-call-iptables", stderr_contains: "cat: /proc/sys/net/bridge/bridge-nf-call-iptables: No such file or directory", exit_code: 1))"#,
            r#"(at: "17s", expect: (on: "node/why-01", cmd: "kubectl exec rc/frontend -- cat /run.sh", stderr_contains: "cat: /run.sh: No such file or directory"))"#,
            r#"(at: "17s", expect: (on: "node/why-02", cmd: "cat /proc/sys/net/ipv4/vs/conntrack", stderr_contains: "No such file or directory", exit_code: 1))"#,
        ],
        "18s",
    );
    let trace = run_text(&src);
    let run_sh = printed(&trace, "cat /run.sh", "stdout", 0);
    assert_eq!(run_sh[0], "#!/bin/bash");
    assert!(run_sh.contains(&"if [[ ${GET_HOSTS_FROM:-dns} == \"env\" ]]; then".to_string()));
    // The seed's prompt comes after a blank line: the file ends with one.
    assert_eq!(run_sh[run_sh.len() - 2..], ["fi", ""]);
    let php = printed(&trace, "cat guestbook.php", "stdout", 0);
    assert_eq!(php[0], "<?");
    assert_eq!(php.last().unwrap(), "} ?>");
    let sys = printed(
        &trace,
        "cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/bridge/bridge-nf-call-iptables",
        "stdout",
        0,
    );
    assert_eq!(sys, ["1", "1"]);
}

/// The text a command printed on stdout, as one string.
fn stdout_of(trace: &str, cmd: &str) -> String {
    printed(trace, cmd, "stdout", 0)
        .iter()
        .map(|l| format!("{l}\n"))
        .collect()
}

/// Seed 004's `docker ps -a` on why-02: each pod on the node has its pause container
/// (`gcr.io/google_containers/pause-amd64:3.0`, `"/pause"`) and its app container, named in
/// kubelet 1.5's form, newest first, with docker 1.13's columns; a stopped docker exits
/// them all, and `docker ps` without -a then lists none of the old ones.
#[test]
fn docker_ps_lists_the_pods_pause_and_app_containers() {
    let src = guestbook_with(
        &[
            r#"(at: "17s", exec: (on: "node/why-02", cmd: "docker ps -a"))"#,
            r#"(at: "17s", exec: (on: "node/why-02", cmd: "docker ps -q"))"#,
            r#"(at: "17s", exec: (on: "node/why-01", cmd: "kubectl describe pods"))"#,
            r#"(at: "17s", expect: (on: "node/why-01", cmd: "docker ps", stderr_contains: "Cannot connect to the Docker daemon. Is the docker daemon running on this host?", exit_code: 1))"#,
            r#"(at: "17s", expect: (on: "node/why-02", cmd: "docker pss", stderr_contains: "docker: 'pss' is not a docker command.", exit_code: 1))"#,
            r#"(at: "17s", expect: (on: "node/why-01", cmd: "kubectl exec rc/frontend -- docker ps", stderr_contains: "docker: command not found", exit_code: 127))"#,
            r#"(at: "80s", exec: (on: "node/why-02", cmd: "systemctl restart docker"))"#,
            r#"(at: "83s", exec: (on: "node/why-02", cmd: "docker ps -a"))"#,
        ],
        "84s",
    );
    let trace = run_text(&src);
    let ps = stdout_of(&trace, "docker ps -a");
    let lines: Vec<&str> = ps.lines().collect();
    assert_eq!(
        lines[0],
        "CONTAINER ID        IMAGE                                      COMMAND                  CREATED             STATUS              PORTS               NAMES"
    );
    let pauses = lines
        .iter()
        .filter(|l| l.contains("gcr.io/google_containers/pause-amd64:3.0   \"/pause\"  "))
        .count();
    assert!(pauses >= 2, "{ps}");
    assert_eq!(lines.len() - 1, 2 * pauses, "{ps}");
    assert!(
        ps.contains("\"/entrypoint.sh /bin/\"") || ps.contains("\"apache2-foreground\""),
        "{ps}"
    );
    let re = regex::Regex::new(
        r"^[0-9a-f]{12}        \S+ +\S.*  +\d+ seconds ago +Up \d+ seconds +k8s_(POD|slave|frontend|master)\.[0-9a-f]{8}_[a-z0-9-]+_default_[0-9a-f-]{36}_[0-9a-f]{8}$",
    )
    .unwrap();
    for l in &lines[1..] {
        assert!(re.is_match(l), "{l}\n{ps}");
    }
    // `-q`: the same ids, nothing else.
    let ids = stdout_of(&trace, "docker ps -q");
    let want: String = lines[1..]
        .iter()
        .map(|l| format!("{}\n", &l[..12]))
        .collect();
    assert_eq!(ids, want);
    // kubelet 1.5's events name the app container by the id docker lists.
    let describe = stdout_of(&trace, "kubectl describe pods");
    for l in &lines[1..] {
        if !l.contains("k8s_POD") {
            assert!(describe.contains(&format!("docker id {}", &l[..12])), "{l}");
        }
    }
    // docker restarted: every old container exited (pause with 0, the app containers'
    // processes on SIGTERM with 143), and kubelet had new ones made, the next attempt.
    let after = printed(&trace, "docker ps -a", "stdout", 1);
    let exited = after.iter().filter(|l| l.contains("Exited (")).count();
    let up = after.iter().filter(|l| l.contains(" Up ")).count();
    assert_eq!(
        (exited, up),
        (lines.len() - 1, lines.len() - 1),
        "{after:#?}"
    );
    assert!(after.iter().any(|l| l.contains("Exited (0) 3 seconds ago")));
    assert!(
        after
            .iter()
            .any(|l| l.contains("Exited (143) 3 seconds ago"))
    );
}

/// `docker inspect` of an app container: it joins its pod's pause container's network
/// (`container:<id>`), which has the pod's address; `docker logs` is the container's log;
/// `docker exec` runs in the pod; `docker network inspect bridge` lists docker0's subnet
/// from flannel and the pause containers; `docker info` names docker 1.13.
#[test]
fn docker_inspect_logs_exec_network_and_info() {
    let src = guestbook_with(
        &[
            r#"(at: "17s", exec: (on: "node/why-03", cmd: "docker ps"))"#,
            r#"(at: "17s", exec: (on: "node/why-03", cmd: "docker info"))"#,
            r#"(at: "17s", exec: (on: "node/why-03", cmd: "docker network inspect bridge"))"#,
            r#"(at: "17s", expect: (on: "node/why-03", cmd: "docker inspect nothing", stderr_contains: "Error: No such object: nothing", exit_code: 1))"#,
        ],
        "18s",
    );
    let trace = run_text(&src);
    let ps = stdout_of(&trace, "docker ps");
    let master = ps
        .lines()
        .find(|l| l.contains("k8s_master."))
        .expect("the redis master runs on why-03");
    let name = master.rsplit(' ').next().unwrap();
    let pod = name.split('_').nth(2).unwrap();
    let pause = ps
        .lines()
        .find(|l| l.contains(&format!("k8s_POD.")) && l.contains(&format!("_{pod}_")))
        .unwrap();
    // A second run with the commands that name the containers.
    let steps = [
        format!(r#"(at: "17s", exec: (on: "node/why-03", cmd: "docker inspect {name}"))"#),
        format!(
            r#"(at: "17s", exec: (on: "node/why-03", cmd: "docker inspect {}"))"#,
            &pause[..12]
        ),
        format!(
            r#"(at: "17s", exec: (on: "node/why-03", cmd: "docker logs {}"))"#,
            &master[..12]
        ),
        format!(
            r#"(at: "17s", exec: (on: "node/why-03", cmd: "docker exec -it {} cat /etc/hostname"))"#,
            &master[..12]
        ),
    ];
    let steps: Vec<&str> = steps.iter().map(String::as_str).collect();
    let trace2 = run_text(&guestbook_with(&steps, "18s"));
    let app = stdout_of(&trace2, &format!("docker inspect {name}"));
    let v: serde_json::Value = serde_json::from_str(&app).unwrap();
    assert!(app.starts_with("[\n    {\n        \"Id\": \""), "{app}");
    assert_eq!(v[0]["Name"], format!("/{name}"));
    assert_eq!(v[0]["State"]["Status"], "running");
    assert_eq!(v[0]["Path"], "redis-server");
    assert_eq!(v[0]["Config"]["Image"], "kubeguide/redis-master");
    let mode = v[0]["HostConfig"]["NetworkMode"].as_str().unwrap();
    let pause_json: serde_json::Value = serde_json::from_str(&stdout_of(
        &trace2,
        &format!("docker inspect {}", &pause[..12]),
    ))
    .unwrap();
    assert_eq!(
        mode,
        format!("container:{}", pause_json[0]["Id"].as_str().unwrap())
    );
    assert_eq!(v[0]["NetworkSettings"]["IPAddress"], "");
    let ip = pause_json[0]["NetworkSettings"]["IPAddress"]
        .as_str()
        .unwrap();
    assert!(ip.starts_with("10.1."), "{pause_json}");
    assert_eq!(
        pause_json[0]["NetworkSettings"]["Networks"]["bridge"]["IPAddress"],
        ip
    );
    assert_eq!(pause_json[0]["Path"], "/pause");
    // The master's log: redis's start-up lines.
    let logs = stdout_of(&trace2, &format!("docker logs {}", &master[..12]));
    assert!(
        logs.contains("Ready to accept connections") || logs.contains("server is now ready"),
        "{logs}"
    );
    assert_eq!(stdout_of(&trace2, "cat /etc/hostname").trim(), pod);
    let info = stdout_of(&trace, "docker info");
    assert!(info.contains("Server Version: 1.13.1\n"), "{info}");
    assert!(info.contains("Name: why-03\n"), "{info}");
    let net: serde_json::Value =
        serde_json::from_str(&stdout_of(&trace, "docker network inspect bridge")).unwrap();
    let subnet = net[0]["IPAM"]["Config"][0]["Subnet"].as_str().unwrap();
    assert!(
        subnet.starts_with("10.1.") && subnet.ends_with(".0/24"),
        "{net}"
    );
    let attached = net[0]["Containers"].as_object().unwrap();
    let pauses = ps.lines().filter(|l| l.contains("k8s_POD.")).count();
    assert_eq!(attached.len(), pauses, "{net}");
    assert!(
        attached
            .values()
            .all(|c| c["Name"].as_str().unwrap().starts_with("k8s_POD."))
    );
    assert_eq!(
        net[0]["Options"]["com.docker.network.driver.mtu"], "1472",
        "flannel's udp backend's MTU"
    );
}

/// Today's cluster: cri-dockerd's names `k8s_NAME_POD_NAMESPACE_UID_ATTEMPT`, the pause
/// image `registry.k8s.io/pause:3.9`, today's client's narrower columns and `…`.
#[test]
fn docker_ps_on_a_modern_node() {
    let manifests = r#"(path: "/root/pod.yaml", yaml: "
apiVersion: v1
kind: Pod
metadata: {name: x}
spec:
  containers: [{name: web, image: busybox, command: [httpd, -f, -p, \"0.0.0.0:8080\"]}]
")"#;
    let src = format!(
        r#"Scenario(name: "d", seed: 3, until: "6s", {}
  steps: [
    (at: "1s", exec: (on: "node/master01", cmd: "kubectl create -f /root/pod.yaml")),
    (at: "5s", exec: (on: "node/node01", cmd: "docker ps")),
    (at: "5s", exec: (on: "node/node01", cmd: "docker info")),
  ])"#,
        crate::pods::cluster("1.28", manifests)
    );
    let trace = run_text(&src);
    let ps = stdout_of(&trace, "docker ps");
    let lines: Vec<&str> = ps.lines().collect();
    assert_eq!(
        lines[0],
        "CONTAINER ID   IMAGE                       COMMAND                  CREATED         STATUS         PORTS     NAMES"
    );
    let re = regex::Regex::new(
        r#"^[0-9a-f]{12}   busybox                     "httpd -f -p 0.0.0.0…"   \d seconds ago   Up \d seconds             k8s_web_x_default_[0-9a-f-]{36}_0$"#,
    )
    .unwrap();
    assert!(re.is_match(lines[1]), "{ps}");
    assert!(
        lines[2].contains("registry.k8s.io/pause:3.9   \"/pause\""),
        "{ps}"
    );
    assert!(
        lines[2].ends_with("_0") && lines[2].contains("k8s_POD_x_default_"),
        "{ps}"
    );
    let info = stdout_of(&trace, "docker info");
    assert!(
        info.starts_with("Server:\n Containers: 2\n  Running: 2\n"),
        "{info}"
    );
}

/// Seed 004's `systemctl restart flanneld.service` then `systemctl status
/// flanneld.service`: the unit's layout, active since the restart, the new flanneld's pid
/// and command line, and its last journal lines (systemd's and flanneld's glog lines);
/// `journalctl -u` shows the whole journal; a stopped unit is inactive (exit 3).
#[test]
fn systemctl_status_and_journalctl_after_a_restart() {
    let src = guestbook_with(
        &[
            r#"(at: "20s", exec: (on: "node/why-02", cmd: "systemctl restart flanneld.service"))"#,
            r#"(at: "22s", exec: (on: "node/why-02", cmd: "systemctl status flanneld.service"))"#,
            r#"(at: "22s", exec: (on: "node/why-02", cmd: "ps -ef"))"#,
            r#"(at: "22s", exec: (on: "node/why-02", cmd: "journalctl -u flanneld --no-pager"))"#,
            r#"(at: "22s", exec: (on: "node/why-02", cmd: "journalctl -u flanneld -n 2"))"#,
            r#"(at: "22s", exec: (on: "node/why-02", cmd: "systemctl status docker"))"#,
            r#"(at: "22s", expect: (on: "node/why-02", cmd: "systemctl status nosuch", stderr_contains: "Unit nosuch.service could not be found.", exit_code: 4))"#,
            r#"(at: "22s", expect: (on: "node/why-01", cmd: "systemctl status kube-apiserver", stdout_contains: "● kube-apiserver.service - Kubernetes API Server", exit_code: 0))"#,
            r#"(at: "22s", expect: (on: "node/why-02", cmd: "systemctl status kube-apiserver", stderr_contains: "Unit kube-apiserver.service could not be found.", exit_code: 4))"#,
            r#"(at: "22s", expect: (on: "node/why-02", cmd: "systemctl status kubelet", stdout_contains: "Active: active (running) since Wed 2017-10-18 15:00:00 UTC; 22s ago", exit_code: 0))"#,
            r#"(at: "23s", exec: (on: "node/why-03", cmd: "systemctl stop flanneld"))"#,
            r#"(at: "24s", expect: (on: "node/why-03", cmd: "systemctl status flanneld", stdout_contains: "Active: inactive (dead) since Wed 2017-10-18 15:00:23 UTC; 1s ago", exit_code: 3))"#,
            r#"(at: "24s", exec: (on: "node/why-03", cmd: "journalctl -u flanneld -f"))"#,
            r#"(at: "26s", exec: (on: "node/why-03", cmd: "systemctl start flanneld"))"#,
        ],
        "28s",
    );
    let trace = run_text(&src);
    let status = stdout_of(&trace, "systemctl status flanneld.service");
    let lines: Vec<&str> = status.lines().collect();
    assert_eq!(
        lines[0],
        "● flanneld.service - Flanneld overlay address etcd agent"
    );
    assert_eq!(
        lines[1],
        "   Loaded: loaded (/usr/lib/systemd/system/flanneld.service; disabled; vendor preset: disabled)"
    );
    assert_eq!(
        lines[2],
        "   Active: active (running) since Wed 2017-10-18 15:00:20 UTC; 2s ago"
    );
    let ps = stdout_of(&trace, "ps -ef");
    let flanneld = ps
        .lines()
        .find(|l| l.contains("/usr/bin/flanneld"))
        .unwrap();
    let pid: u32 = flanneld.split_whitespace().nth(1).unwrap().parse().unwrap();
    assert_eq!(lines[3], format!(" Main PID: {pid} (flanneld)"));
    assert_eq!(lines[4], "   CGroup: /system.slice/flanneld.service");
    assert!(lines[5].starts_with(&format!("           └─{pid} /usr/bin/flanneld -etcd-endpoints=http://10.181.24.110:2379 -etcd-prefix=/coreos.com/network")));
    assert_eq!(lines[6], "");
    assert_eq!(lines.len(), 7 + 10, "the last 10 journal lines:\n{status}");
    assert!(
        status.contains(
            "Oct 18 15:00:20 why-02 systemd[1]: Starting Flanneld overlay address etcd agent...\n"
        ),
        "{status}"
    );
    assert!(status.contains(&format!("Oct 18 15:00:20 why-02 flanneld-start[{pid}]: I1018 15:00:20.000000 {pid:>7} main.go:132] Installing signal handlers\n")), "{status}");
    assert!(
        status.contains("why-02 systemd[1]: Started Flanneld overlay address etcd agent.\n"),
        "{status}"
    );
    // The whole journal: the boot run, its stop, the restart.
    let journal = stdout_of(&trace, "journalctl -u flanneld --no-pager");
    assert!(
        journal.starts_with("-- Logs begin at Wed 2017-10-18 15:00:00 UTC, end at "),
        "{journal}"
    );
    assert_eq!(journal.matches("Starting Flanneld").count(), 2, "{journal}");
    assert!(journal.contains("systemd[1]: Stopping Flanneld overlay address etcd agent...\n"));
    let stop = journal.find("Stopping Flanneld").unwrap();
    let exiting = journal.find("Exiting...").unwrap();
    let stopped = journal.find("Stopped Flanneld").unwrap();
    assert!(stop < exiting && exiting < stopped, "{journal}");
    let two = stdout_of(&trace, "journalctl -u flanneld -n 2");
    assert_eq!(two.lines().count(), 3, "{two}");
    let docker = stdout_of(&trace, "systemctl status docker");
    assert!(docker.starts_with("● docker.service - Docker Application Container Engine\n   Loaded: loaded (/usr/lib/systemd/system/docker.service; enabled; vendor preset: disabled)\n  Drop-In: /usr/lib/systemd/system/docker.service.d\n           └─flannel.conf\n   Active: active (running) since "), "{docker}");
    assert!(docker.contains("dockerd-current["), "{docker}");
    // -f: the lines as they come, in simulated time.
    let follow = printed(&trace, "journalctl -u flanneld -f", "stdout", 0);
    assert!(
        follow.iter().any(|l| l
            .ends_with("systemd[1]: Starting Flanneld overlay address etcd agent...")
            && l.starts_with("Oct 18 15:00:26")),
        "{follow:#?}"
    );
}

/// flannel-vxlan.ron with `steps` added after its own.
fn vxlan_with(steps: &[&str]) -> String {
    let src = std::fs::read_to_string(crate::scenarios_dir().join("flannel-vxlan.ron")).unwrap();
    let end = src
        .rfind("    ],\n)")
        .expect("flannel-vxlan.ron ends with its steps");
    let mut out = src[..end].to_string();
    for s in steps {
        out.push_str("        ");
        out.push_str(s);
        out.push_str(",\n");
    }
    out + &src[end..]
}

/// `ip -d link show flannel.1`: the VXLAN device as flannel made it (VNI 1, this node's
/// address on eth0, port 8472, no learning); `ip -s link show eth0`: the counters of what
/// crossed it, the numbers `ifconfig` prints; `-d` on a bridge port shows `bridge_slave`.
#[test]
fn ip_details_and_statistics() {
    let src = vxlan_with(&[
        r#"(at: "20s", exec: (on: "node/why-02", cmd: "ip -d link show flannel.1"))"#,
        r#"(at: "20s", exec: (on: "node/why-02", cmd: "ip -s link show eth0"))"#,
        r#"(at: "20s", exec: (on: "node/why-02", cmd: "ifconfig eth0"))"#,
        r#"(at: "20s", exec: (on: "node/why-02", cmd: "ip -details link"))"#,
        r#"(at: "20s", expect: (on: "node/why-02", cmd: "ip -x link", stderr_contains: "ip: option -x is not simulated yet", exit_code: 255))"#,
    ]);
    let trace = run_text(&src);
    let d = stdout_of(&trace, "ip -d link show flannel.1");
    let lines: Vec<&str> = d.lines().collect();
    assert!(
        lines[0].contains(": flannel.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 "),
        "{d}"
    );
    // (The text trace drops the trailing space iproute2 leaves after each field.)
    assert!(
        lines[1].starts_with("    link/ether ") && lines[1].ends_with(" promiscuity 0"),
        "{d}"
    );
    assert_eq!(
        lines[2],
        "    vxlan id 1 local 10.181.13.57 dev eth0 srcport 0 0 dstport 8472 nolearning ageing 300 noudpcsum noudp6zerocsumtx noudp6zerocsumrx addrgenmode eui64 numtxqueues 1 numrxqueues 1 gso_max_size 65536 gso_max_segs 65535"
    );
    let s = stdout_of(&trace, "ip -s link show eth0");
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(
        lines[2],
        "    RX: bytes  packets  errors  dropped overrun mcast"
    );
    assert_eq!(
        lines[4],
        "    TX: bytes  packets  errors  dropped carrier collsns"
    );
    let rx: Vec<&str> = lines[3].split_whitespace().collect();
    let tx: Vec<&str> = lines[5].split_whitespace().collect();
    let ifc = stdout_of(&trace, "ifconfig eth0");
    assert!(
        ifc.contains(&format!("RX packets {}  bytes {} ", rx[1], rx[0])),
        "{ifc}\n{s}"
    );
    assert!(
        ifc.contains(&format!("TX packets {}  bytes {} ", tx[1], tx[0])),
        "{ifc}\n{s}"
    );
    assert!(rx[1].parse::<u64>().unwrap() > 0);
    let all = stdout_of(&trace, "ip -details link");
    assert!(
        all.contains("\n    bridge_slave state forwarding priority 32 cost 2 "),
        "{all}"
    );
    assert!(all.contains("\n    bridge forward_delay 1500 "), "{all}");
}

/// A scenario's text with `steps` added after its own.
fn scenario_with(file: &str, steps: &[&str]) -> String {
    let src = std::fs::read_to_string(crate::scenarios_dir().join(file)).unwrap();
    let end = src
        .rfind("    ],\n)")
        .expect("the scenario ends with its steps");
    let mut out = src[..end].to_string();
    for s in steps {
        out.push_str("        ");
        out.push_str(s);
        out.push_str(",\n");
    }
    (out + &src[end..]).replace(
        "file: \"manifests/",
        &format!(
            "file: \"{}/manifests/",
            crate::scenarios_dir().to_string_lossy()
        ),
    )
}

/// kube-proxy's ipvs mode: `ipset list` shows its sets in ipset 7's layout, the Service's
/// ClusterIP and port in KUBE-CLUSTER-IP with the rules that match on it counted, and
/// `/proc/sys/net/ipv4/vs/conntrack` is 1 once the mode ran.
#[test]
fn ipset_list_and_the_ipvs_sysctl() {
    let src = scenario_with(
        "kube-proxy-ipvs.ron",
        &[
            r#"(at: "17s", exec: (on: "node/node01", cmd: "ipset list KUBE-CLUSTER-IP"))"#,
            r#"(at: "17s", exec: (on: "node/node01", cmd: "ipset list -n"))"#,
            r#"(at: "17s", expect: (on: "node/node01", cmd: "cat /proc/sys/net/ipv4/vs/conntrack", stdout_contains: "1", exit_code: 0))"#,
            r#"(at: "17s", expect: (on: "node/node01", cmd: "ipset list NOPE", stderr_contains: "The set with the given name does not exist", exit_code: 1))"#,
        ],
    );
    let trace = run_text(&src);
    let list = stdout_of(&trace, "ipset list KUBE-CLUSTER-IP");
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(
        lines[..4],
        [
            "Name: KUBE-CLUSTER-IP",
            "Type: hash:ip,port",
            "Revision: 5",
            "Header: family inet hashsize 1024 maxelem 65536"
        ],
        "{list}"
    );
    assert!(
        lines[5].starts_with("References: ") && lines[5] != "References: 0",
        "{list}"
    );
    assert!(lines.contains(&"Members:"));
    assert!(lines.contains(&"10.97.72.1,tcp:80"), "{list}");
    let n: usize = lines[6]
        .strip_prefix("Number of entries: ")
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(lines.len(), 8 + n, "{list}");
    let names = stdout_of(&trace, "ipset list -n");
    assert!(
        names.contains("KUBE-CLUSTER-IP\nKUBE-EXTERNAL-IP\n"),
        "{names}"
    );
}

/// `conntrack -L` after a curl through the NodePort: the DNATed flow with its reply tuple
/// from the pod, and conntrack-tools' count line on stderr.
#[test]
fn conntrack_after_a_curl() {
    let src = guestbook_with(
        &[r#"(at: "17s", exec: (on: "node/why-03", cmd: "conntrack -L"))"#],
        "18s",
    );
    let trace = run_text(&src);
    let out = stdout_of(&trace, "conntrack -L");
    let flow = out
        .lines()
        .find(|l| l.contains("dport=30001"))
        .unwrap_or_else(|| panic!("{out}"));
    let re = regex::Regex::new(
        r"^tcp      6 \d+ (TIME_WAIT|ESTABLISHED|FIN_WAIT|CLOSE|LAST_ACK|CLOSE_WAIT) src=10\.181\.24\.110 dst=10\.181\.5\.146 sport=\d+ dport=30001 src=10\.1\.\d+\.\d+ dst=\S+ sport=80 dport=\d+ \[ASSURED\] mark=0 use=1$",
    )
    .unwrap();
    assert!(re.is_match(flow), "{flow}");
    let err = printed(&trace, "conntrack -L", "stderr", 0);
    let n = out.lines().count();
    assert_eq!(
        err,
        [format!(
            "conntrack v1.4.4 (conntrack-tools): {n} flow entries have been shown."
        )]
    );
}

/// flannel's `mk-docker-opts.sh` writes what flanneld's unit wrote to /run/flannel/docker
/// (seed 004's `-k DOCKER_NETWORK_OPTIONS -d /run/flannel/docker`); `-m -c` leaves out
/// `--ip-masq` and the individual lines. `docker ps` pipes into grep through the shell.
#[test]
fn mk_docker_opts_and_a_docker_pipe() {
    let src = guestbook_with(
        &[
            r#"(at: "17s", exec: (on: "node/why-02", cmd: "/usr/libexec/flannel/mk-docker-opts.sh -k DOCKER_NETWORK_OPTIONS -d /tmp/docker"))"#,
            r#"(at: "17s", exec: (on: "node/why-02", cmd: "mk-docker-opts.sh -m -c"))"#,
            r#"(at: "17s", expect: (on: "node/why-02", cmd: "mk-docker-opts.sh -x", stderr_contains: "Generate Docker daemon options based on flannel env file", exit_code: 1))"#,
            r#"(at: "17500ms", exec: (on: "node/why-02", cmd: "cat /tmp/docker"))"#,
            r#"(at: "17500ms", exec: (on: "node/why-02", cmd: "cat /run/flannel/docker"))"#,
            r#"(at: "17500ms", exec: (on: "node/why-02", cmd: "cat /run/docker_opts.env"))"#,
            r#"(at: "17500ms", expect: (on: "node/why-02", cmd: "docker ps | grep -c k8s_POD", stdout_contains: "3", exit_code: 0))"#,
        ],
        "18s",
    );
    let trace = run_text(&src);
    let mine = stdout_of(&trace, "cat /tmp/docker");
    assert_eq!(mine, stdout_of(&trace, "cat /run/flannel/docker"));
    assert!(
        mine.contains("DOCKER_NETWORK_OPTIONS=\" --bip=10.1."),
        "{mine}"
    );
    assert!(mine.contains(" --ip-masq=true --mtu=1472\"\n"), "{mine}");
    let opts = stdout_of(&trace, "cat /run/docker_opts.env");
    let re = regex::Regex::new(r#"^DOCKER_OPTS=" --bip=10\.1\.\d+\.1/24 --mtu=1472"\n$"#).unwrap();
    assert!(re.is_match(&opts), "{opts}");
}

/// `docker logs -f` follows a container's log in simulated time: a busybox loop's lines as
/// it writes them, until the container exits.
#[test]
fn docker_logs_follows() {
    let manifests = r#"(path: "/root/pod.yaml", yaml: "
apiVersion: v1
kind: Pod
metadata: {name: x}
spec:
  restartPolicy: Never
  containers: [{name: c, image: busybox, command: [sh, -c, \"echo line 1; sleep 2; echo line 2; sleep 2; echo line 3; sleep 2; echo line 4; sleep 2\"]}]
")"#;
    let src = format!(
        r#"Scenario(name: "d", seed: 3, until: "20s", {}
  steps: [
    (at: "1s", exec: (on: "node/master01", cmd: "kubectl create -f /root/pod.yaml")),
    (at: "4s", exec: (on: "node/node01", cmd: "docker ps -q --no-trunc")),
  ])"#,
        crate::pods::cluster("1.28", manifests)
    );
    let trace = run_text(&src);
    let ids = stdout_of(&trace, "docker ps -q --no-trunc");
    let app = ids.lines().next().expect("the app container, newest first");
    let src = src.replace(
        r#"(at: "4s", exec: (on: "node/node01", cmd: "docker ps -q --no-trunc")),"#,
        &format!(
            r#"(at: "4s", exec: (on: "node/node01", cmd: "docker logs -f {}")),"#,
            &app[..12]
        ),
    );
    let trace = run_text(&src);
    let cmd = format!("docker logs -f {}", &app[..12]);
    let lines: Vec<String> = trace
        .lines()
        .filter(|l| l.contains("node/node01/docker[") && l.contains("stdout"))
        .map(|l| {
            format!(
                "{} {}",
                l.split_whitespace().next().unwrap(),
                l.split_once("| ").unwrap().1
            )
        })
        .collect();
    assert_eq!(lines.len(), 4, "{lines:#?}");
    assert!(
        lines[0].ends_with(" 1") && lines[3].ends_with(" 4"),
        "{lines:#?}"
    );
    // Lines 3 and 4 came while following, two simulated seconds apart.
    let t = |l: &str| l.split(' ').next().unwrap().parse::<f64>().unwrap();
    assert!(t(&lines[3]) - t(&lines[2]) >= 1.9, "{lines:#?}");
    let exit = printed(&trace, &cmd, "exit", 0);
    assert_eq!(exit.len(), 1, "it ends with the container");
}

/// kubeadm's kube-proxy runs as a hostNetwork pod: `docker ps` lists its pause and its
/// container (the pod deleted at 9 s is gone, its replacement listed), and `docker inspect`
/// shows `NetworkMode: host`; `docker network inspect bridge` leaves them out.
#[test]
fn docker_ps_lists_host_network_pods() {
    let src = scenario_with(
        "kube-proxy-ipvs.ron",
        &[
            r#"(at: "17s", exec: (on: "node/node01", cmd: "docker ps"))"#,
            r#"(at: "17s", exec: (on: "node/node01", cmd: "docker network inspect bridge"))"#,
        ],
    );
    let trace = run_text(&src);
    let ps = stdout_of(&trace, "docker ps");
    let proxies: Vec<&str> = ps
        .lines()
        .filter(|l| l.contains("k8s_kube-proxy_kube-proxy-"))
        .collect();
    assert_eq!(proxies.len(), 1, "{ps}");
    assert!(proxies[0].ends_with("_0"), "{ps}");
    let pod = proxies[0]
        .rsplit(' ')
        .next()
        .unwrap()
        .split('_')
        .nth(2)
        .unwrap();
    assert!(ps.contains(&format!("k8s_POD_{pod}_kube-system_")), "{ps}");
    let name = proxies[0].rsplit(' ').next().unwrap();
    let src = scenario_with(
        "kube-proxy-ipvs.ron",
        &[&format!(
            r#"(at: "17s", exec: (on: "node/node01", cmd: "docker inspect {name}"))"#
        )],
    );
    let trace2 = run_text(&src);
    let v: serde_json::Value =
        serde_json::from_str(&stdout_of(&trace2, &format!("docker inspect {name}"))).unwrap();
    assert_eq!(v[0]["HostConfig"]["NetworkMode"], "host");
    assert_eq!(v[0]["Path"], "/usr/local/bin/kube-proxy");
    let net: serde_json::Value =
        serde_json::from_str(&stdout_of(&trace, "docker network inspect bridge")).unwrap();
    let attached = net[0]["Containers"].as_object().unwrap();
    assert!(
        attached
            .values()
            .all(|c| !c["Name"].as_str().unwrap().contains("kube-proxy")),
        "{net}"
    );
}
