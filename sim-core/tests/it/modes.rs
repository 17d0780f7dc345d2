//! One scenario across kube-proxy's modes (iptables, ipvs, userspace): the guestbook must
//! work the same for its users whichever mode the nodes run, while the traces show
//! different machinery.

use sim_core::scenario::{RunOptions, Scenario};

/// The lines a program printed (stdout and stderr as `|` lines), for the given commands.
fn app_output(text: &str, programs: &[&str]) -> Vec<String> {
    text.lines()
        .filter(|l| l.contains(" stdout ") || l.contains(" stderr "))
        .filter(|l| programs.iter().any(|p| l.contains(p)))
        .map(|l| {
            l.split_once('|')
                .map(|(_, v)| v.to_string())
                .unwrap_or_default()
        })
        .collect()
}

/// The guestbook in each mode its release has: 1.5's kube-proxy had iptables and
/// userspace (ipvs came in 1.8), so the guestbook (a 1.5 cluster, seed 004) is also run as
/// 1.28 for ipvs, against 1.28's iptables. Within a release the users see the same; the
/// ClusterIPs differ across releases (1.28 draws from the range's upper band first), and
/// so does what `redis-cli info replication` names as its master.
#[test]
fn the_guestbook_agrees_across_proxy_modes() {
    let path = super::scenarios_dir().join("guestbook.ron");
    let src = std::fs::read_to_string(path).unwrap();
    let from = r#"kubernetes: (master: "why-01", version: "1.5", service_cidr: "10.254.0.0/16")"#;
    assert!(
        src.contains(from),
        "guestbook.ron's kubernetes line changed"
    );
    // kube-proxy 1.28 holds no NodePort open: the `ss` steps are 1.5's (seed 004's).
    let ss: Vec<&str> = src.lines().filter(|l| l.contains("cmd: \"ss ")).collect();
    assert_eq!(ss.len(), 2, "guestbook.ron's ss steps changed");
    let mut traces = Vec::new();
    for (version, mode) in [
        ("1.5", "iptables"),
        ("1.5", "userspace"),
        ("1.28", "iptables"),
        ("1.28", "ipvs"),
    ] {
        let mut text = src.replace(
            from,
            &format!(r#"kubernetes: (master: "why-01", version: "{version}", service_cidr: "10.254.0.0/16", proxy_mode: "{mode}")"#),
        );
        if version != "1.5" {
            for l in &ss {
                text = text.replace(l, "");
            }
        }
        let s = Scenario::parse_at("scenarios/guestbook.ron", &text, &crate::scenarios_dir())
            .unwrap_or_else(|e| panic!("{e}"));
        let out = sim_core::scenario::run::run(&s, &RunOptions::default());
        assert!(
            out.summary.failed_expect().is_none(),
            "{version} {mode}: {:?}",
            out.summary.failed_expect()
        );
        assert!(!out.summary.expects.is_empty());
        traces.push(sim_core::trace::text::render(
            &out.records,
            &out.summary.names,
        ));
    }
    // What the guestbook's users see: the set, the get, the slave's replication state.
    let seen: Vec<Vec<String>> = traces
        .iter()
        .map(|t| app_output(t, &["/curl[", "/redis-cli["]))
        .collect();
    assert!(seen[0].iter().any(|l| l.contains(r#"{"data": "hello"}"#)));
    assert_eq!(seen[0], seen[1]);
    assert_eq!(seen[2], seen[3]);
    assert!(seen[2].iter().any(|l| l.contains(r#"{"data": "hello"}"#)));
    // How they got there differs: KUBE-SEP chains' DNAT, IPVS, kube-proxy's own sockets.
    for i in [0, 2] {
        assert!(traces[i].contains("-j DNAT --to-destination") && !traces[i].contains("by IPVS"));
    }
    assert!(traces[3].contains("by IPVS") && !traces[3].contains("-j DNAT --to-destination"));
    assert!(
        traces[1].contains("-j REDIRECT --to-ports")
            && traces[1].contains("kube-proxy's own connection")
    );
    assert!(!traces[1].contains("by IPVS") && !traces[1].contains("KUBE-SEP-"));
}
