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
/// names; `-v` puts the IP header's fields on their own line and checks TCP's checksum.
/// Bad interfaces, counts and filters fail with tcpdump's words and status 1.
#[test]
fn devices_filters_and_link_headers() {
    let cmds = [
        "tcpdump -i flannel0 -n -e -c 3",
        "tcpdump -i docker0 -nn -e -c 3 tcp",
        "tcpdump -i any -nn -e -c 4 port 30001 or port 80",
        "tcpdump -nn -c 3 tcp and dst net 10.1.88.0/24 and not port 8285",
        "tcpdump -nn -c 2 'not udp and (port 30001 or icmp)'",
        "tcpdump -i docker0 -v -c 2",
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
                1 | 5 => ("node/why-03", c.to_string()),
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

/// `-w FILE` writes a real pcap file into the machine's filesystem: pcap-file reads it
/// back as Ethernet with microsecond timestamps from the simulated clock, and every
/// packet's bytes are what the wire would carry: the IPv4 header's checksum is right, its
/// total length is the frame's, the UDP length and checksum (over the pseudo-header) are
/// right, and flannel's payload is itself a whole IPv4 packet with a right checksum. The
/// banner says only `listening on` (no verbose hint when writing), the counts still come.
#[test]
fn write_a_pcap_file() {
    use sim_core::wire::bytes::{checksum, pseudo_checksum};
    use std::net::Ipv4Addr;
    let cmd = "tcpdump -i eth0 -c 4 -w /tmp/flannel.pcap udp port 8285";
    let path = super::scenarios_dir().join("guestbook.ron");
    let src = std::fs::read_to_string(&path).unwrap();
    let at = src
        .find("        (at: \"13s\"")
        .expect("guestbook's 13 s step");
    let step = format!("        (at: \"12.5s\", exec: (on: \"node/why-02\", cmd: \"{cmd}\")),\n");
    let src = format!("{}{step}{}", &src[..at], &src[at..]);
    let s = sim_core::scenario::Scenario::parse_at("t.ron", &src, path.parent().unwrap())
        .unwrap_or_else(|e| panic!("{e}"));
    let (outcome, sim) = sim_core::scenario::run::run_to_end(&s, &Default::default());
    let node = s.machine_index("node/why-02").unwrap();
    let file =
        sim.world.ns(sim_core::net::NsId(node as u32)).binary_files["/tmp/flannel.pcap"].clone();
    let mut r = pcap_file::pcap::PcapReader::new(&file[..]).unwrap();
    assert_eq!(r.header().datalink, pcap_file::DataLink::ETHERNET);
    assert_eq!(r.header().snaplen, 262144);
    let mut n = 0;
    while let Some(p) = r.next_packet() {
        let p = p.unwrap();
        let d = &p.data[..];
        n += 1;
        // 15:00:13 on 2017-10-18, in the simulated clock.
        assert_eq!(p.timestamp.as_secs(), 1_508_338_800 + 13, "{d:?}");
        assert_eq!(p.orig_len as usize, d.len());
        assert_eq!(&d[12..14], &[0x08, 0x00], "IPv4");
        let ip = &d[14..];
        assert_eq!(checksum(&ip[..20]), 0, "IPv4 header checksum");
        assert_eq!(u16::from_be_bytes([ip[2], ip[3]]) as usize, ip.len());
        assert_eq!(ip[9], 17);
        let (src, dst) = (
            Ipv4Addr::new(ip[12], ip[13], ip[14], ip[15]),
            Ipv4Addr::new(ip[16], ip[17], ip[18], ip[19]),
        );
        let udp = &ip[20..];
        assert_eq!(&udp[2..4], &8285u16.to_be_bytes());
        assert_eq!(u16::from_be_bytes([udp[4], udp[5]]) as usize, udp.len());
        assert_eq!(pseudo_checksum(src, dst, 17, udp), 0, "UDP checksum");
        let inner = &udp[8..];
        assert_eq!(inner[0], 0x45);
        assert_eq!(checksum(&inner[..20]), 0, "inner IPv4 header checksum");
        assert_eq!(
            u16::from_be_bytes([inner[2], inner[3]]) as usize,
            inner.len()
        );
    }
    assert_eq!(n, 4);
    let t = sim_core::trace::text::render(&outcome.records, &outcome.summary.names);
    let (out, err, status) = printed(&t, cmd);
    assert_eq!(
        (out.as_str(), err.as_str(), status),
        (
            "",
            "tcpdump: listening on eth0, link-type EN10MB (Ethernet), capture size 262144 bytes\n4 packets captured\n4 packets received by filter\n0 packets dropped by kernel\n",
            Some(0)
        )
    );
}

/// `-r FILE` prints what a live capture printed: for each link type (Ethernet on eth0,
/// RAW on flannel0, Linux cooked on `any`), a capture written with `-w` and read back
/// prints the very lines the same capture printed live (timestamps, relative sequence
/// numbers, TCP options, `-e`'s headers), after `reading from file F, link-type ...` and
/// with no counts at the end. A missing file and a file that is not pcap fail as tcpdump
/// does.
#[test]
fn read_back_what_was_written() {
    let captures = [
        ("eth0", "-e port 30001 or udp port 8285"),
        ("flannel0", "-n"),
        ("any", "-e -nn tcp port 80"),
    ];
    let mut steps = String::new();
    for (dev, args) in captures {
        for w in ["", &format!(" -w /tmp/{dev}.pcap")] {
            steps += &format!(
                "        (at: \"12.5s\", exec: (on: \"node/why-02\", cmd: \"tcpdump -i {dev} -c 8{w} {args}\")),\n"
            );
        }
    }
    let reads: Vec<String> = captures
        .iter()
        .map(|(dev, args)| format!("tcpdump -r /tmp/{dev}.pcap {args}"))
        .collect();
    // The reads run once the captures have ended, after the scenario's own steps.
    let t2 = {
        let mut later = String::new();
        for r in &reads {
            later +=
                &format!("        (at: \"20s\", exec: (on: \"node/why-02\", cmd: \"{r}\")),\n");
        }
        later += "        (at: \"20s\", exec: (on: \"node/why-02\", cmd: \"tcpdump -r /tmp/none.pcap\")),\n";
        later += "        (at: \"20s\", exec: (on: \"node/why-02\", cmd: \"tcpdump -r /run/flannel/subnet.env\")),\n";
        guestbook_with_at(&steps, &later)
    };
    for ((dev, args), r) in captures.iter().zip(&reads) {
        let live = printed(&t2, &format!("tcpdump -i {dev} -c 8 {args}"));
        let back = printed(&t2, r);
        assert_eq!(live.0.lines().count(), 8, "{dev}: {live:?}");
        assert_eq!(back.0, live.0, "{dev}");
        let link = match *dev {
            "flannel0" => "RAW (Raw IP)",
            "any" => "LINUX_SLL (Linux cooked)",
            _ => "EN10MB (Ethernet)",
        };
        assert_eq!(
            (back.1.as_str(), back.2),
            (
                format!("reading from file /tmp/{dev}.pcap, link-type {link}\n").as_str(),
                Some(0)
            )
        );
    }
    assert_eq!(
        printed(&t2, "tcpdump -r /tmp/none.pcap"),
        (
            String::new(),
            "tcpdump: /tmp/none.pcap: No such file or directory\n".into(),
            Some(1)
        )
    );
    assert_eq!(
        printed(&t2, "tcpdump -r /run/flannel/subnet.env"),
        (
            String::new(),
            "tcpdump: unknown file format\n".into(),
            Some(1)
        )
    );
}

/// guestbook.ron with `before` added before its 13 s step and `after` after its last.
fn guestbook_with_at(before: &str, after: &str) -> String {
    let path = super::scenarios_dir().join("guestbook.ron");
    let src = std::fs::read_to_string(&path).unwrap();
    let at13 = src
        .find("        (at: \"13s\"")
        .expect("guestbook's 13 s step");
    let at15 = src
        .rfind("\n    ],\n")
        .expect("the end of guestbook's steps")
        + 1;
    let src = format!(
        "{}{before}\n{}{after}\n{}",
        &src[..at13],
        &src[at13..at15],
        &src[at15..]
    );
    let s = sim_core::scenario::Scenario::parse_at(
        "scenarios/guestbook.ron",
        &src,
        path.parent().unwrap(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    super::text_trace(&s, None)
}

/// flannel's VXLAN on a node's eth0: tcpdump decodes port 8472 as OTV (its registered
/// user) with the inner frame's packet on the next line; `-T vxlan` decodes it as VXLAN,
/// and `-e` adds the inner frame's MACs. On flannel.1 itself the inner frames are plain
/// Ethernet (ARP is not needed: flanneld fills the neighbour table).
#[test]
fn vxlan_as_otv_or_with_t_vxlan() {
    let cmds = [
        "tcpdump -i eth0 -n -c 2 udp port 8472",
        "tcpdump -i eth0 -nn -e -c 2 -T vxlan udp",
        "tcpdump -i flannel.1 -nn -e -c 2",
    ];
    let path = super::scenarios_dir().join("flannel-vxlan.ron");
    let src = std::fs::read_to_string(&path).unwrap();
    let at = src
        .find("        (at: \"6s\"")
        .expect("flannel-vxlan's 6 s step");
    let steps: String = cmds
        .iter()
        .map(|c| format!("        (at: \"5500ms\", exec: (on: \"node/why-02\", cmd: \"{c}\")),\n"))
        .collect();
    let src = format!("{}{steps}{}", &src[..at], &src[at..]);
    let s = sim_core::scenario::Scenario::parse_at(
        "scenarios/flannel-vxlan.ron",
        &src,
        path.parent().unwrap(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let t = super::text_trace(&s, None);
    insta::assert_snapshot!(outputs(&t, &cmds));
}

/// Ctrl-C (SIGINT, here `kill -INT` from a shell) ends a capture without `-c` the way
/// tcpdump's `cleanup` does: an empty line on stdout, the counts on stderr, status 0.
#[test]
fn interrupt_prints_the_counts() {
    let cmd =
        "sh -c 'tcpdump -i eth0 -n udp port 8285 & sleep 1; kill -INT $!; wait $!; echo status $?'";
    let t = guestbook_with(&format!(
        "        (at: \"12.5s\", exec: (on: \"node/why-02\", cmd: \"{cmd}\")),"
    ));
    let (out, err, status) = printed(&t, cmd);
    assert!(
        out.starts_with(
            "15:00:13.000601 IP 10.181.13.57.8285 > 10.181.5.146.8285: UDP, length 60\n"
        ),
        "{out}"
    );
    assert!(out.ends_with("\n\nstatus 0\n"), "{out}");
    let n = out.lines().filter(|l| l.starts_with("15:")).count();
    assert!(
        err.ends_with(&format!(
            "{n} packets captured\n{n} packets received by filter\n0 packets dropped by kernel\n"
        )),
        "{err}"
    );
    assert_eq!(status, Some(0));
}
