//! tcpdump: what it prints for the packets crossing a device (capture taps in every kind
//! of device: a node's eth0, docker0, flannel0, a pod's eth0, `any`), its filters, `-e`,
//! and its start and end lines.

use super::kubectl_get::printed;

/// guestbook.ron (flannel's udp backend) with `steps` added before its 13 s step (the
/// curl through why-02's NodePort).
fn guestbook_with(steps: &str) -> String {
    let path = super::scenarios_dir().join("guestbook.ron");
    let src = std::fs::read_to_string(&path).unwrap();
    let at = src
        .find("        (at: \"13s\"")
        .expect("guestbook's 13 s step");
    let src = format!("{}{steps}\n{}", &src[..at], &src[at..]);
    let s = sim_core::scenario::Scenario::parse_at(
        "scenarios/guestbook.ron",
        &src,
        path.parent().unwrap(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    super::text_trace(&s, None)
}

/// The issue's example: on a node's eth0, `udp port 8285` shows flannel's UDP-wrapped
/// packets of a curl through the NodePort whose frontend is on the other node, each with
/// its simulated time; `-c 6` ends it with tcpdump's counts.
#[test]
fn flannel_udp_on_eth0() {
    let t = guestbook_with(
        r#"        (at: "12.5s", exec: (on: "node/why-02", cmd: "tcpdump -i eth0 -n -c 6 udp port 8285")),"#,
    );
    let (out, err, status) = printed(&t, "tcpdump -i eth0 -n -c 6 udp port 8285");
    insta::assert_snapshot!(format!("{err}---\n{out}---\n{status:?}"));
}

/// What each command printed, stderr then stdout, for one snapshot.
fn outputs(t: &str, cmds: &[&str]) -> String {
    let mut s = String::new();
    for cmd in cmds {
        let (out, err, status) = printed(t, cmd);
        s += &format!("$ {cmd}\n{err}{out}[exit {status:?}]\n\n");
    }
    s
}

/// Inside the tunnel: flannel0 (a TUN device: link-type RAW, `-e` says `ip: `) shows the
/// inner packets of the same curl; docker0 with `-e` shows the frames with their MACs and
/// `ethertype IPv4 (0x0800)`; `any` is Linux's cooked header with the direction; a pod's
/// default device is its eth0, and a filter of and/or/not/parentheses keeps only what it
/// names. Bad interfaces, counts and filters fail with tcpdump's words and status 1.
#[test]
fn devices_filters_and_link_headers() {
    let cmds = [
        "tcpdump -i flannel0 -n -e -c 3",
        "tcpdump -i docker0 -nn -e -c 3 tcp",
        "tcpdump -i any -nn -e -c 4 port 30001 or port 80",
        "tcpdump -nn -c 3 tcp and dst net 10.1.88.0/24 and not port 8285",
        "tcpdump -nn -c 2 not udp and (port 30001 or icmp)",
        "tcpdump -i nope",
        "tcpdump -c 0",
        "tcpdump portrange 1-2",
        "tcpdump host",
    ];
    let steps: String = cmds
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (on, cmd) = match i {
                1 => ("node/why-03", c.to_string()),
                // In the redis master's pod (made by its ReplicationController).
                3 => (
                    "node/why-01",
                    format!("kubectl exec redis-master-nnrvl -- {c}"),
                ),
                _ => ("node/why-02", c.to_string()),
            };
            format!("        (at: \"12.5s\", exec: (on: \"{on}\", cmd: \"{cmd}\")),\n")
        })
        .collect();
    let t = guestbook_with(&steps);
    insta::assert_snapshot!(outputs(&t, &cmds));
}
