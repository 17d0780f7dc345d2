//! Scenario validation: exact diagnostics for known mistakes. Malformed input in bulk is
//! the mutation run's (`fuzz`).

use sim_core::scenario::{LoadError, RunOptions, Scenario};

fn diagnostics(src: &str) -> Vec<String> {
    match Scenario::parse("t.ron", src) {
        Ok(_) => vec![],
        Err(LoadError::Invalid(d)) => d.iter().map(|d| d.to_string()).collect(),
        Err(e) => vec![e.to_string()],
    }
}

const GOOD: &str = r#"Scenario(
    name: "t",
    seed: 1,
    cluster: (
        nodes: [(name: "a", ip: "10.0.0.1/24"), (name: "b", ip: "10.0.0.2/24")],
        links: [(a: "a", b: "b", latency: "1ms")],
    ),
    steps: [(at: "1s", exec: (on: "node/a", cmd: "ping -c 1 10.0.0.2"))],
)"#;

#[test]
fn a_valid_scenario_loads() {
    assert_eq!(diagnostics(GOOD), Vec::<String>::new());
}

/// Each mistake is reported at the offending value with its field path and what was
/// expected; all of them at once.
#[test]
fn validation_names_file_line_column_path_and_expectation() {
    let src = GOOD
        .replace(r#"ip: "10.0.0.2/24""#, r#"ip: "10.0.0.1/24""#)
        .replace(r#"latency: "1ms""#, r#"latency: "1 fortnight""#)
        .replace("node/a", "node/c");
    assert_eq!(
        diagnostics(&src),
        [
            "t.ron:5:65: cluster.nodes[1].ip: 10.0.0.1 is already the address of node a; expected a unique address per node",
            "t.ron:6:43: cluster.links[0].latency: unknown unit `fortnight`; expected one of ns, us, ms, s, m, h",
            "t.ron:8:35: steps[0].exec.on: unknown machine `node/c`; expected one of: node/a, node/b",
        ]
    );
}

#[test]
fn parse_errors_name_the_position_and_the_field() {
    let src = GOOD.replace("seed: 1,", "seed: 1,\n    colour: \"red\",");
    assert_eq!(
        diagnostics(&src),
        [
            "t.ron:4:5: colour: Unexpected field named `colour` in `Scenario`, expected one of `name`, `description`, `seed`, `until`, `cluster`, or `steps` instead"
        ]
    );
    let src = GOOD.replace("(at: \"1s\"", "(at: 1");
    assert_eq!(diagnostics(&src).len(), 1);
    assert!(
        diagnostics(&src)[0].starts_with("t.ron:8:17: steps[0].at: Expected string"),
        "{:?}",
        diagnostics(&src)
    );
}

#[test]
fn steps_out_of_order_and_with_two_actions_are_rejected() {
    let src = GOOD.replace(
        r#"steps: [(at: "1s", exec: (on: "node/a", cmd: "ping -c 1 10.0.0.2"))]"#,
        r#"steps: [(at: "2s", link_down: (a: "a", b: "b")), (at: "1s", link_up: (a: "a", b: "b"), exec: (on: "node/a", cmd: "ip r"))]"#,
    );
    let d = diagnostics(&src);
    assert_eq!(d.len(), 2, "{d:?}");
    assert!(
        d[0].contains("steps[1].at: step at 1s comes after a step at 2s"),
        "{d:?}"
    );
    assert!(
        d[1].contains("steps[1]: expected exactly one action per step"),
        "{d:?}"
    );
}

/// Fragments whose siblings were lost wait 30 s (ipfrag_time) at the destination, then are
/// dropped with the reason. A 50% lossy link loses some but not all of a datagram's three
/// fragments for some seed; in that run the drop comes exactly 30 s after they arrived.
#[test]
fn lost_fragments_time_out_after_ipfrag_time() {
    let src = GOOD
        .replace(r#"latency: "1ms""#, r#"latency: "1ms", loss: 0.5"#)
        .replace("ping -c 1 10.0.0.2", "ping -c 1 -s 3000 10.0.0.2");
    let scenario = Scenario::parse("t.ron", &src).unwrap();
    let mut seen = 0;
    for seed in 0..40 {
        let out = sim_core::scenario::run::run(
            &scenario,
            &RunOptions {
                seed: Some(seed),
                ..Default::default()
            },
        );
        let text = sim_core::trace::text::render(&out.records, &out.summary.names);
        let Some(dropped) = text
            .lines()
            .find(|l| l.contains("within 30s (ipfrag_time)"))
        else {
            continue;
        };
        seen += 1;
        // "#6 fragment of #5": the arrival of that fragment, "#6<#5", at the same machine.
        let words: Vec<&str> = dropped.split_whitespace().collect();
        let (node, piece, datagram) = (words[1], words[3], words[6].trim_end_matches(':'));
        let arrived = text
            .lines()
            .find(|l| {
                l.contains(node)
                    && l.contains(" received ")
                    && l.contains(&format!("{piece}<{datagram} "))
            })
            .expect("the dropped fragment arrived first");
        let secs = |line: &str| {
            line.split_whitespace()
                .next()
                .unwrap()
                .parse::<f64>()
                .unwrap()
        };
        assert!(
            (secs(dropped) - secs(arrived) - 30.0).abs() < 1e-9,
            "{arrived}\n{dropped}"
        );
    }
    assert!(seen > 0, "no seed lost part of a datagram");
}

/// Pods need a node that runs docker, a known node, and a free address in docker0's
/// subnet; each mistake is named at the pod that makes it.
#[test]
fn pods_are_placed_only_where_docker_can_make_them() {
    let src = GOOD
        .replace(
            r#"(name: "a", ip: "10.0.0.1/24")"#,
            r#"(name: "a", ip: "10.0.0.1/24", docker: (bip: "192.168.9.1/30"))"#,
        )
        .replace(
            "links: [",
            r#"pods: [(name: "p1", node: "a"), (name: "p2", node: "a"), (name: "p3", node: "b"), (name: "p4", node: "z")],
        links: ["#,
        );
    let d = diagnostics(&src);
    assert_eq!(d.len(), 3, "{d:?}");
    assert!(
        d[0].contains("cluster.pods[1]: docker0's subnet 192.168.9.0/30 on a has no address left"),
        "{d:?}"
    );
    assert!(
        d[1].contains("cluster.pods[2].node: node b runs no docker daemon"),
        "{d:?}"
    );
    assert!(
        d[2].contains("cluster.pods[3].node: unknown node `z`; expected one of: a, b"),
        "{d:?}"
    );
}
