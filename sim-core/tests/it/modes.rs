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

#[test]
fn the_guestbook_agrees_across_proxy_modes() {
    let path = super::scenarios_dir().join("guestbook.ron");
    let src = std::fs::read_to_string(path).unwrap();
    let from = r#"kubernetes: (master: "why-01", service_cidr: "10.254.0.0/16")"#;
    assert!(
        src.contains(from),
        "guestbook.ron's kubernetes line changed"
    );
    let mut traces = Vec::new();
    for mode in ["iptables", "ipvs", "userspace"] {
        let text = src.replace(
            from,
            &format!(r#"kubernetes: (master: "why-01", service_cidr: "10.254.0.0/16", proxy_mode: "{mode}")"#),
        );
        let s = Scenario::parse("guestbook.ron", &text).unwrap_or_else(|e| panic!("{e}"));
        let out = sim_core::scenario::run::run(&s, &RunOptions::default());
        assert!(
            out.summary.failed_expect().is_none(),
            "{mode}: {:?}",
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
    assert_eq!(seen[0], seen[2]);
    // How they got there differs: KUBE-SEP chains' DNAT, IPVS, kube-proxy's own sockets.
    assert!(traces[0].contains("-j DNAT --to-destination") && !traces[0].contains("by IPVS"));
    assert!(traces[1].contains("by IPVS") && !traces[1].contains("-j DNAT --to-destination"));
    assert!(
        traces[2].contains("-j REDIRECT --to-ports")
            && traces[2].contains("kube-proxy's own connection")
    );
    assert!(!traces[2].contains("by IPVS") && !traces[2].contains("KUBE-SEP-"));
}
