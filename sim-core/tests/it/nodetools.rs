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
