//! iptables rules: what a rule matches and what it does, read from the arguments kube-proxy
//! and docker give `iptables` (`-A KUBE-SERVICES -m comment --comment "..." -m tcp -p tcp
//! -d 10.254.0.1 --dport 443 -j KUBE-SVC-...`) and printed back as `iptables-save` does.
//!
//! `iptables-save` normalises a rule: the generic matches first (`-s`, `-d`, `-i`, `-o`,
//! `-p`, with a `/mask` on every address), then each `-m` module with its options in the
//! order the rule named the modules, then `-j` and the target's options. A statistic
//! probability is printed as the kernel stores it: `lround(p * 2^31)`, back with `%.11f`
//! (reference §1.3). Only the options the simulated components write are understood; any
//! other is an error naming it.

use std::fmt;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

/// A transport protocol as `-p` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Proto {
    Icmp,
    Tcp,
    Udp,
}

impl Proto {
    pub fn name(self) -> &'static str {
        match self {
            Proto::Icmp => "icmp",
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
        }
    }

    pub fn number(self) -> u8 {
        match self {
            Proto::Icmp => 1,
            Proto::Tcp => 6,
            Proto::Udp => 17,
        }
    }
}

/// A conntrack state for `-m conntrack --ctstate`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CtState {
    New,
    Established,
    Related,
    Invalid,
    Dnat,
}

impl CtState {
    fn parse(s: &str) -> Option<CtState> {
        Some(match s {
            "NEW" => CtState::New,
            "ESTABLISHED" => CtState::Established,
            "RELATED" => CtState::Related,
            "INVALID" => CtState::Invalid,
            "DNAT" => CtState::Dnat,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            CtState::New => "NEW",
            CtState::Established => "ESTABLISHED",
            CtState::Related => "RELATED",
            CtState::Invalid => "INVALID",
            CtState::Dnat => "DNAT",
        }
    }
}

/// One `-m` module with its options, in the order the rule gave them.
#[derive(Clone, Debug, PartialEq)]
pub enum Module {
    Comment(String),
    /// `-m tcp`/`-m udp` with `--dport` (and `--sport`).
    Ports {
        proto: Proto,
        sport: Option<u16>,
        dport: Option<u16>,
    },
    /// `-m addrtype [!] --dst-type LOCAL` / `--src-type LOCAL`.
    AddrType {
        src_local: Option<bool>,
        dst_local: Option<bool>,
    },
    /// `-m mark [!] --mark VALUE/MASK`.
    Mark {
        value: u32,
        mask: u32,
        neg: bool,
    },
    /// `-m conntrack [!] --ctstate A,B`.
    Conntrack {
        states: Vec<CtState>,
        neg: bool,
    },
    /// `-m statistic --mode random --probability P`, as the kernel keeps it:
    /// `lround(P * 2^31)`.
    Random {
        fixed: u32,
    },
    /// `-m set [!] --match-set NAME dst,dst`: the packet's fields, in that order, are an
    /// entry of the ipset.
    Set {
        name: String,
        dirs: Vec<SetDir>,
        neg: bool,
    },
    /// `-m recent --name NAME [!] --set|--rcheck|--update|--remove [--seconds N] [--reap]
    /// [--mask M] [--rsource|--rdest]`: xt_recent's list of recently seen addresses
    /// (kube-proxy's session affinity).
    Recent(Recent),
}

/// The options of one `-m recent` match (xt_recent_mtinfo).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recent {
    /// The list (`--name`, default `DEFAULT`).
    pub name: String,
    pub cmd: RecentCmd,
    /// `--seconds`: only an address seen this recently matches.
    pub seconds: Option<u32>,
    /// `--reap`: forget addresses not seen for `seconds`.
    pub reap: bool,
    /// `--mask`, applied to the address before it is looked up (default /32).
    pub mask: Ipv4Addr,
    /// `--rdest`: the destination address instead of the source (`--rsource`).
    pub dest: bool,
    pub neg: bool,
}

/// What a `-m recent` match does with the packet's address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecentCmd {
    /// `--set`: remember it now (always matches).
    Set,
    /// `--rcheck`: whether it is in the list.
    Check,
    /// `--update`: like `--rcheck`, and if so remember it now.
    Update,
    /// `--remove`: forget it (matches if it was there).
    Remove,
}

impl RecentCmd {
    fn name(self) -> &'static str {
        match self {
            RecentCmd::Set => "--set",
            RecentCmd::Check => "--rcheck",
            RecentCmd::Update => "--update",
            RecentCmd::Remove => "--remove",
        }
    }
}

/// Which of the packet's addresses (and ports) an ipset dimension is taken from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetDir {
    Src,
    Dst,
}

/// What a rule does when it matches.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// `-j CHAIN` (a user chain), or `-g`-less jump.
    Jump(String),
    Return,
    Accept,
    Drop,
    /// `-j REJECT` (default `--reject-with icmp-port-unreachable`).
    Reject,
    Masquerade {
        random_fully: bool,
    },
    Dnat {
        addr: Ipv4Addr,
        port: Option<u16>,
    },
    /// `-j REDIRECT --to-ports P`: DNAT to the address of the arriving interface.
    Redirect {
        port: u16,
    },
    /// `-j MARK --or-mark V` / `--xor-mark V` / `--set-xmark V/M`.
    Mark {
        op: MarkOp,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkOp {
    Or(u32),
    Xor(u32),
    SetX { value: u32, mask: u32 },
}

impl MarkOp {
    pub fn apply(self, mark: u32) -> u32 {
        match self {
            MarkOp::Or(v) => mark | v,
            MarkOp::Xor(v) => mark ^ v,
            MarkOp::SetX { value, mask } => (mark & !mask) ^ value,
        }
    }
}

/// An address match, maybe negated (`! -s 10.0.0.0/8`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AddrMatch {
    pub net: Ipv4Net,
    pub neg: bool,
}

impl AddrMatch {
    pub fn matches(&self, a: Ipv4Addr) -> bool {
        self.net.contains(&a) != self.neg
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IfMatch {
    pub name: String,
    pub neg: bool,
}

/// One rule of a chain.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    pub src: Option<AddrMatch>,
    pub dst: Option<AddrMatch>,
    pub in_if: Option<IfMatch>,
    pub out_if: Option<IfMatch>,
    pub proto: Option<Proto>,
    pub modules: Vec<Module>,
    pub target: Target,
}

impl Rule {
    /// The rule's comment, if it has one.
    pub fn comment(&self) -> Option<&str> {
        self.modules.iter().find_map(|m| match m {
            Module::Comment(c) => Some(c.as_str()),
            _ => None,
        })
    }

    /// The destination port the rule requires, if any.
    pub fn dport(&self) -> Option<u16> {
        self.modules.iter().find_map(|m| match m {
            Module::Ports { dport, .. } => *dport,
            _ => None,
        })
    }

    /// Reads a rule from iptables' arguments, after the chain (`-s 1.2.3.4 -j ACCEPT`).
    pub fn parse(args: &str) -> Result<Rule, String> {
        let words = split_words(args)?;
        let mut rule = Rule {
            src: None,
            dst: None,
            in_if: None,
            out_if: None,
            proto: None,
            modules: Vec::new(),
            target: Target::Accept,
        };
        let mut target: Option<String> = None;
        let mut target_opts: Vec<(String, String)> = Vec::new();
        let mut neg = false;
        let mut i = 0;
        let mut current: Option<usize> = None; // the module the options belong to
        let mut commands: Vec<usize> = Vec::new(); // recent matches given a command
        while i < words.len() {
            let w = words[i].as_str();
            let value = |i: &mut usize| -> Result<String, String> {
                *i += 1;
                words
                    .get(*i)
                    .cloned()
                    .ok_or_else(|| format!("option \"{w}\" requires an argument"))
            };
            match w {
                "!" => {
                    neg = true;
                    i += 1;
                    continue;
                }
                "-s" | "--source" | "-d" | "--destination" => {
                    let v = value(&mut i)?;
                    let net = parse_net(&v)?;
                    let m = Some(AddrMatch { net, neg });
                    if w.starts_with("-s") || w == "--source" {
                        rule.src = m;
                    } else {
                        rule.dst = m;
                    }
                }
                "-i" | "-o" => {
                    let name = value(&mut i)?;
                    let m = Some(IfMatch { name, neg });
                    if w == "-i" {
                        rule.in_if = m;
                    } else {
                        rule.out_if = m;
                    }
                }
                "-p" => {
                    rule.proto = Some(parse_proto(&value(&mut i)?)?);
                }
                "-m" => {
                    let name = value(&mut i)?;
                    let module = match name.as_str() {
                        "comment" => Module::Comment(String::new()),
                        "tcp" | "udp" => Module::Ports {
                            proto: parse_proto(&name)?,
                            sport: None,
                            dport: None,
                        },
                        "addrtype" => Module::AddrType {
                            src_local: None,
                            dst_local: None,
                        },
                        "mark" => Module::Mark {
                            value: 0,
                            mask: u32::MAX,
                            neg: false,
                        },
                        "conntrack" => Module::Conntrack {
                            states: Vec::new(),
                            neg: false,
                        },
                        "statistic" => Module::Random { fixed: 0 },
                        "set" => Module::Set {
                            name: String::new(),
                            dirs: Vec::new(),
                            neg: false,
                        },
                        "recent" => Module::Recent(Recent {
                            name: "DEFAULT".into(),
                            cmd: RecentCmd::Check,
                            seconds: None,
                            reap: false,
                            mask: Ipv4Addr::BROADCAST,
                            dest: false,
                            neg: false,
                        }),
                        other => return Err(format!("unknown match module \"{other}\"")),
                    };
                    rule.modules.push(module);
                    current = Some(rule.modules.len() - 1);
                }
                "--match-set" => {
                    let name = value(&mut i)?;
                    let dirs = value(&mut i)?;
                    let Some(Module::Set {
                        name: n,
                        dirs: d,
                        neg: ng,
                    }) = current.map(|c| &mut rule.modules[c])
                    else {
                        return Err("option \"--match-set\" needs -m set before it".into());
                    };
                    *n = name;
                    *ng = neg;
                    *d = dirs
                        .split(',')
                        .map(|x| match x {
                            "src" => Ok(SetDir::Src),
                            "dst" => Ok(SetDir::Dst),
                            o => Err(format!("bad ipset flag \"{o}\"; expected src or dst")),
                        })
                        .collect::<Result<_, _>>()?;
                }
                "--set" | "--rcheck" | "--update" | "--remove" | "--reap" | "--rsource"
                | "--rdest" => {
                    let Some(Module::Recent(r)) = current.map(|c| &mut rule.modules[c]) else {
                        return Err(format!("option \"{w}\" needs -m recent before it"));
                    };
                    match w {
                        "--reap" => r.reap = true,
                        "--rsource" => r.dest = false,
                        "--rdest" => r.dest = true,
                        _ => {
                            if commands.contains(&rule.modules.len()) {
                                return Err("recent: only one of `--set', `--rcheck' `--update' or `--remove' may be set".into());
                            }
                            commands.push(rule.modules.len());
                            let Some(Module::Recent(r)) = rule.modules.last_mut() else {
                                unreachable!("checked above");
                            };
                            r.cmd = match w {
                                "--set" => RecentCmd::Set,
                                "--rcheck" => RecentCmd::Check,
                                "--update" => RecentCmd::Update,
                                _ => RecentCmd::Remove,
                            };
                            r.neg = neg;
                        }
                    }
                }
                "--hitcount" | "--rttl" => {
                    return Err(format!(
                        "recent: option \"{w}\" is real but not modelled by this simulator (--set, --rcheck, --update, --remove, --seconds, --reap, --name, --mask, --rsource, --rdest are)"
                    ));
                }
                "--comment" | "--dport" | "--sport" | "--dst-type" | "--src-type" | "--mark"
                | "--ctstate" | "--mode" | "--probability" | "--name" | "--seconds" | "--mask" => {
                    let v = value(&mut i)?;
                    // `--dport` right after `-p tcp` without `-m tcp` loads the module.
                    if (w == "--dport" || w == "--sport")
                        && !matches!(
                            current.map(|c| &rule.modules[c]),
                            Some(Module::Ports { .. })
                        )
                    {
                        let proto = rule
                            .proto
                            .ok_or_else(|| format!("\"{w}\" needs -p tcp or -p udp first"))?;
                        rule.modules.push(Module::Ports {
                            proto,
                            sport: None,
                            dport: None,
                        });
                        current = Some(rule.modules.len() - 1);
                    }
                    let Some(m) = current.map(|c| &mut rule.modules[c]) else {
                        return Err(format!("option \"{w}\" needs a -m module before it"));
                    };
                    match (w, m) {
                        ("--comment", Module::Comment(c)) => *c = v,
                        ("--dport", Module::Ports { dport, .. }) => *dport = Some(parse_port(&v)?),
                        ("--sport", Module::Ports { sport, .. }) => *sport = Some(parse_port(&v)?),
                        ("--dst-type", Module::AddrType { dst_local, .. }) => {
                            expect_local(&v)?;
                            *dst_local = Some(!neg);
                        }
                        ("--src-type", Module::AddrType { src_local, .. }) => {
                            expect_local(&v)?;
                            *src_local = Some(!neg);
                        }
                        (
                            "--mark",
                            Module::Mark {
                                value,
                                mask,
                                neg: n,
                            },
                        ) => {
                            (*value, *mask) = parse_mark(&v)?;
                            *n = neg;
                        }
                        ("--ctstate", Module::Conntrack { states, neg: n }) => {
                            *states = v
                                .split(',')
                                .map(|s| {
                                    CtState::parse(s)
                                        .ok_or_else(|| format!("unknown conntrack state \"{s}\""))
                                })
                                .collect::<Result<_, _>>()?;
                            *n = neg;
                        }
                        ("--mode", Module::Random { .. }) if v == "random" => {}
                        ("--probability", Module::Random { fixed }) => {
                            // xtables' xtopt_parse_float: strtod of the whole word, within
                            // [0, 1] (NaN passes both comparisons; lround makes it 0, as
                            // the saturating cast does).
                            let p: f64 = v.parse().unwrap_or(f64::INFINITY);
                            if !(p.is_nan() || (0.0..=1.0).contains(&p)) {
                                return Err(
                                    "statistic: bad value for option \"--probability\", or out of range (0-1).".into(),
                                );
                            }
                            *fixed = (p * f64::from(1u32 << 31)).round() as u32;
                        }
                        ("--name", Module::Recent(r)) => r.name = v,
                        ("--seconds", Module::Recent(r)) => {
                            r.seconds = Some(
                                parse_uint(&v)
                                    .and_then(|n| u32::try_from(n).ok())
                                    .ok_or_else(|| {
                                        format!(
                                            "recent: bad value for option \"--seconds\": \"{v}\""
                                        )
                                    })?,
                            );
                        }
                        ("--mask", Module::Recent(r)) => {
                            r.mask = v.parse().map_err(|_| format!("bad mask \"{v}\""))?;
                        }
                        (w, _) => return Err(format!("option \"{w}\" does not belong here")),
                    }
                }
                "-j" => target = Some(value(&mut i)?),
                "--to-destination" | "--to-ports" | "--or-mark" | "--xor-mark" | "--set-xmark"
                | "--reject-with" => {
                    let v = value(&mut i)?;
                    target_opts.push((w.to_string(), v));
                }
                "--random-fully" => target_opts.push((w.to_string(), String::new())),
                other => return Err(format!("unknown option \"{other}\"")),
            }
            neg = false;
            i += 1;
        }
        for (i, m) in rule.modules.iter().enumerate() {
            if let Module::Recent(r) = m {
                // libxt_recent's final check, and the kernel's (recent_mt_check).
                if !commands.contains(&(i + 1)) {
                    return Err("recent: you must specify one of `--set', `--rcheck' `--update' or `--remove'".into());
                }
                if r.reap && r.seconds.is_none() {
                    return Err("recent: --reap is only valid with --seconds".into());
                }
            }
        }
        let target = target.ok_or("no target (-j)")?;
        let opt = |name: &str| {
            target_opts
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        rule.target = match target.as_str() {
            "ACCEPT" => Target::Accept,
            "DROP" => Target::Drop,
            "RETURN" => Target::Return,
            "REJECT" => Target::Reject,
            "MASQUERADE" => Target::Masquerade {
                random_fully: opt("--random-fully").is_some(),
            },
            "DNAT" => {
                let to = opt("--to-destination").ok_or("DNAT needs --to-destination")?;
                let (addr, port) = match to.split_once(':') {
                    Some((a, p)) => (a, Some(parse_port(p)?)),
                    None => (to, None),
                };
                let addr = addr
                    .parse()
                    .map_err(|_| format!("bad address \"{addr}\""))?;
                Target::Dnat { addr, port }
            }
            "REDIRECT" => Target::Redirect {
                port: parse_port(opt("--to-ports").ok_or("REDIRECT needs --to-ports")?)?,
            },
            "MARK" => {
                let op = if let Some(v) = opt("--or-mark") {
                    MarkOp::Or(parse_mark(v)?.0)
                } else if let Some(v) = opt("--xor-mark") {
                    MarkOp::Xor(parse_mark(v)?.0)
                } else if let Some(v) = opt("--set-xmark") {
                    let (value, mask) = parse_mark(v)?;
                    MarkOp::SetX { value, mask }
                } else {
                    return Err("MARK needs --or-mark, --xor-mark or --set-xmark".into());
                };
                Target::Mark { op }
            }
            other if UNMODELLED_TARGETS.contains(&other) => {
                return Err(format!(
                    "target `{other}' is real but not modelled by this simulator (targets: ACCEPT, DROP, REJECT, RETURN, MASQUERADE, DNAT, REDIRECT, MARK, or a user chain)"
                ));
            }
            // Any other name is a user chain if the table has one of that name (checked
            // when the rule is added: `Netfilter::append`), as iptables decides; else
            // iptables finds no target extension of that name.
            chain => Target::Jump(chain.to_string()),
        };
        Ok(rule)
    }
}

/// Target extensions a real iptables loads that the simulator does not model: naming one
/// says so, rather than that no such target exists.
const UNMODELLED_TARGETS: &[&str] = &[
    "AUDIT",
    "CHECKSUM",
    "CLASSIFY",
    "CLUSTERIP",
    "CONNMARK",
    "CONNSECMARK",
    "CT",
    "DSCP",
    "ECN",
    "HMARK",
    "IDLETIMER",
    "LED",
    "LOG",
    "NETMAP",
    "NFLOG",
    "NFQUEUE",
    "NOTRACK",
    "QUEUE",
    "RATEEST",
    "SECMARK",
    "SET",
    "SNAT",
    "SYNPROXY",
    "TCPMSS",
    "TCPOPTSTRIP",
    "TEE",
    "TOS",
    "TPROXY",
    "TRACE",
    "TTL",
    "ULOG",
];

fn expect_local(v: &str) -> Result<(), String> {
    if v == "LOCAL" {
        Ok(())
    } else {
        Err(format!("address type \"{v}\" is not modelled (only LOCAL)"))
    }
}

fn parse_net(v: &str) -> Result<Ipv4Net, String> {
    if let Ok(net) = v.parse::<Ipv4Net>() {
        return Ok(net.trunc());
    }
    v.parse::<Ipv4Addr>()
        .map(|a| Ipv4Net::new(a, 32).expect("32 is a valid prefix"))
        .map_err(|_| format!("bad address \"{v}\""))
}

fn parse_proto(v: &str) -> Result<Proto, String> {
    match v {
        "tcp" => Ok(Proto::Tcp),
        "udp" => Ok(Proto::Udp),
        "icmp" => Ok(Proto::Icmp),
        other => Err(format!("unknown protocol \"{other}\"")),
    }
}

/// xtables_parse_port: a number as `strtoumax(s, &end, 0)` reads the whole word (so
/// `0x50` is 80 and `010` is 8) within 0..65535, else iptables' own words.
fn parse_port(v: &str) -> Result<u16, String> {
    parse_uint(v)
        .and_then(|n| u16::try_from(n).ok())
        .ok_or_else(|| format!("invalid port/service `{v}' specified"))
}

/// A whole word read as `strtoumax(s, &end, 0)` reads it for xtables (`xtables_strtoul`):
/// leading white space and `+`, then `0x` hex, `0` octal or decimal, to the end of the
/// word; none if anything is left over, nothing is read, or it does not fit 64 bits.
pub fn parse_uint(v: &str) -> Option<u64> {
    let t = v.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let t = t.strip_prefix('+').unwrap_or(t);
    let (radix, digits) = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        (16, h)
    } else if t.len() > 1 && t.starts_with('0') {
        (8, &t[1..])
    } else {
        (10, t)
    };
    u64::from_str_radix(digits, radix)
        .ok()
        .filter(|_| !digits.is_empty() && !digits.starts_with(['+', '-']))
}

fn parse_mark(v: &str) -> Result<(u32, u32), String> {
    let num = |s: &str| {
        let parsed = match s.strip_prefix("0x") {
            Some(hex) => u32::from_str_radix(hex, 16),
            None => s.parse(),
        };
        parsed.map_err(|_| format!("bad mark \"{s}\""))
    };
    match v.split_once('/') {
        Some((value, mask)) => Ok((num(value)?, num(mask)?)),
        None => Ok((num(v)?, u32::MAX)),
    }
}

/// Splits iptables arguments as a shell would: on spaces, with double quotes.
fn split_words(s: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                in_word = true;
            }
            ' ' if !quoted => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if quoted {
        return Err("unterminated quote".into());
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

fn quote(s: &str) -> String {
    if s.contains(' ') || s.is_empty() {
        format!("\"{s}\"")
    } else {
        s.to_string()
    }
}

fn not(neg: bool) -> &'static str {
    if neg { "! " } else { "" }
}

/// The rule as `iptables-save` prints it after `-A CHAIN`.
impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        if let Some(s) = self.src {
            parts.push(format!("{}-s {}", not(s.neg), s.net));
        }
        if let Some(d) = self.dst {
            parts.push(format!("{}-d {}", not(d.neg), d.net));
        }
        if let Some(i) = &self.in_if {
            parts.push(format!("{}-i {}", not(i.neg), i.name));
        }
        if let Some(o) = &self.out_if {
            parts.push(format!("{}-o {}", not(o.neg), o.name));
        }
        if let Some(p) = self.proto {
            parts.push(format!("-p {}", p.name()));
        }
        for m in &self.modules {
            parts.push(match m {
                Module::Comment(c) => format!("-m comment --comment {}", quote(c)),
                Module::Ports {
                    proto,
                    sport,
                    dport,
                } => {
                    let mut s = format!("-m {}", proto.name());
                    if let Some(p) = sport {
                        s += &format!(" --sport {p}");
                    }
                    if let Some(p) = dport {
                        s += &format!(" --dport {p}");
                    }
                    s
                }
                Module::AddrType {
                    src_local,
                    dst_local,
                } => {
                    let mut s = "-m addrtype".to_string();
                    if let Some(l) = src_local {
                        s += &format!(" {}--src-type LOCAL", not(!l));
                    }
                    if let Some(l) = dst_local {
                        s += &format!(" {}--dst-type LOCAL", not(!l));
                    }
                    s
                }
                Module::Mark { value, mask, neg } if *mask == u32::MAX => {
                    format!("-m mark {}--mark {value:#x}", not(*neg))
                }
                Module::Mark { value, mask, neg } => {
                    format!("-m mark {}--mark {value:#x}/{mask:#x}", not(*neg))
                }
                Module::Conntrack { states, neg } => format!(
                    "-m conntrack {}--ctstate {}",
                    not(*neg),
                    states
                        .iter()
                        .map(|s| s.name())
                        .collect::<Vec<_>>()
                        .join(",")
                ),
                Module::Random { fixed } => format!(
                    "-m statistic --mode random --probability {:.11}",
                    f64::from(*fixed) / f64::from(1u32 << 31)
                ),
                Module::Set { name, dirs, neg } => format!(
                    "-m set {}--match-set {name} {}",
                    not(*neg),
                    dirs.iter()
                        .map(|d| if *d == SetDir::Src { "src" } else { "dst" })
                        .collect::<Vec<_>>()
                        .join(",")
                ),
                Module::Recent(r) => {
                    // libxt_recent's recent_save: the command, its options, the list.
                    let mut s = format!("-m recent {}{}", not(r.neg), r.cmd.name());
                    if let Some(n) = r.seconds {
                        s += &format!(" --seconds {n}");
                    }
                    if r.reap {
                        s += " --reap";
                    }
                    s += &format!(" --name {} --mask {}", r.name, r.mask);
                    s += if r.dest { " --rdest" } else { " --rsource" };
                    s
                }
            });
        }
        parts.push(match &self.target {
            Target::Jump(c) => format!("-j {c}"),
            Target::Return => "-j RETURN".into(),
            Target::Accept => "-j ACCEPT".into(),
            Target::Drop => "-j DROP".into(),
            Target::Reject => "-j REJECT --reject-with icmp-port-unreachable".into(),
            Target::Masquerade { random_fully } => {
                if *random_fully {
                    "-j MASQUERADE --random-fully".into()
                } else {
                    "-j MASQUERADE".into()
                }
            }
            Target::Dnat { addr, port } => match port {
                Some(p) => format!("-j DNAT --to-destination {addr}:{p}"),
                None => format!("-j DNAT --to-destination {addr}"),
            },
            Target::Redirect { port } => format!("-j REDIRECT --to-ports {port}"),
            Target::Mark { op } => match op {
                MarkOp::Or(v) => format!("-j MARK --set-xmark {v:#x}/{v:#x}"),
                MarkOp::Xor(v) => format!("-j MARK --set-xmark {v:#x}/0x0"),
                MarkOp::SetX { value, mask } => format!("-j MARK --set-xmark {value:#x}/{mask:#x}"),
            },
        });
        f.write_str(&parts.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saved(args: &str) -> String {
        Rule::parse(args).unwrap().to_string()
    }

    #[test]
    fn service_rule_is_normalised_as_iptables_save_prints_it() {
        // Reference §1.2: what kube-proxy writes, and what a live node shows.
        assert_eq!(
            saved(
                "-m comment --comment \"ns1/svc1:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O"
            ),
            "-d 172.30.0.41/32 -p tcp -m comment --comment \"ns1/svc1:p80 cluster IP\" -m tcp --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O"
        );
        assert_eq!(
            saved("-s 172.17.0.0/16 ! -o docker0 -j MASQUERADE"),
            "-s 172.17.0.0/16 ! -o docker0 -j MASQUERADE"
        );
    }

    /// xtables reads `--probability` with strtod within [0, 1] and ports with strtoumax
    /// base 0 within 0..65535; anything else is iptables' own message.
    #[test]
    fn numbers_at_their_edges_are_read_as_xtables_does() {
        let p = |v: &str| {
            Rule::parse(&format!(
                "-m statistic --mode random --probability {v} -j ACCEPT"
            ))
        };
        let bad_p = "statistic: bad value for option \"--probability\", or out of range (0-1).";
        for ok in ["0", "1", "0.5", "1e-10", "nan"] {
            assert!(p(ok).is_ok(), "{ok}");
        }
        for bad in [
            "-5",
            "inf",
            "1.5",
            "1e12",
            "abc",
            "18446744073709551616",
            "",
        ] {
            assert_eq!(p(bad).map(|_| ()), Err(bad_p.to_string()), "{bad:?}");
        }
        let port = |v: &str| {
            Rule::parse(&format!("-p tcp -m tcp --dport {v} -j ACCEPT")).map(|r| r.dport())
        };
        assert_eq!(port("80"), Ok(Some(80)));
        assert_eq!(port("0x50"), Ok(Some(80)));
        assert_eq!(port("010"), Ok(Some(8)));
        assert_eq!(port("65535"), Ok(Some(65535)));
        for bad in [
            "65536",
            "-1",
            "nan",
            "inf",
            "1e-10",
            "1e12",
            "abc",
            "18446744073709551616",
        ] {
            assert_eq!(
                port(bad),
                Err(format!("invalid port/service `{bad}' specified")),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn probability_prints_the_kernel_rounded_value() {
        assert_eq!(
            saved("-m statistic --mode random --probability 0.3333333333 -j KUBE-SEP-X"),
            "-m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-X"
        );
        assert_eq!(
            saved("-m statistic --mode random --probability 0.2000000000 -j KUBE-SEP-X"),
            "-m statistic --mode random --probability 0.20000000019 -j KUBE-SEP-X"
        );
    }

    #[test]
    fn marks_print_as_set_xmark() {
        // iptables-save shows --or-mark 0x4000 as --set-xmark 0x4000/0x4000 and
        // --xor-mark 0x4000 as --set-xmark 0x0/0x4000.
        assert_eq!(
            saved("-j MARK --or-mark 0x4000"),
            "-j MARK --set-xmark 0x4000/0x4000"
        );
        assert_eq!(
            saved("-j MARK --xor-mark 0x4000"),
            "-j MARK --set-xmark 0x4000/0x0"
        );
        assert_eq!(
            saved("-m mark ! --mark 0x4000/0x4000 -j RETURN"),
            "-m mark ! --mark 0x4000/0x4000 -j RETURN"
        );
        assert_eq!(MarkOp::Or(0x4000).apply(1), 0x4001);
        assert_eq!(MarkOp::Xor(0x4000).apply(0x4001), 1);
    }

    /// kube-proxy's session-affinity rules as it writes them, and as `iptables-save`
    /// prints them back (libxt_recent's save order: command, `--seconds`, `--reap`,
    /// `--name`, the default `--mask` and `--rsource`); the saved form reads back the same.
    #[test]
    fn recent_rules_print_as_iptables_save_does() {
        let rcheck = "-m comment --comment \"default/web -> 172.17.0.4:80\" -m recent --name KUBE-SEP-X --rcheck --seconds 10800 --reap -j KUBE-SEP-X";
        let saved_rcheck = "-m comment --comment \"default/web -> 172.17.0.4:80\" -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-X --mask 255.255.255.255 --rsource -j KUBE-SEP-X";
        assert_eq!(saved(rcheck), saved_rcheck);
        assert_eq!(saved(saved_rcheck), saved_rcheck);
        assert_eq!(
            saved(
                "-m comment --comment default/web -m recent --name KUBE-SEP-X --set -m tcp -p tcp -j DNAT --to-destination 172.17.0.4:80"
            ),
            "-p tcp -m comment --comment default/web -m recent --set --name KUBE-SEP-X --mask 255.255.255.255 --rsource -m tcp -j DNAT --to-destination 172.17.0.4:80"
        );
        assert_eq!(
            saved("-m recent ! --update --rdest --mask 255.255.255.0 -j DROP"),
            "-m recent ! --update --name DEFAULT --mask 255.255.255.0 --rdest -j DROP"
        );
        for (bad, error) in [
            (
                "-m recent --name X -j DROP",
                "recent: you must specify one of `--set', `--rcheck' `--update' or `--remove'",
            ),
            (
                "-m recent --set --rcheck -j DROP",
                "recent: only one of `--set', `--rcheck' `--update' or `--remove' may be set",
            ),
            (
                "-m recent --rcheck --reap -j DROP",
                "recent: --reap is only valid with --seconds",
            ),
            (
                "--set -j DROP",
                "option \"--set\" needs -m recent before it",
            ),
        ] {
            assert_eq!(Rule::parse(bad).unwrap_err(), error, "{bad}");
        }
        assert!(
            Rule::parse("-m recent --rcheck --hitcount 2 -j DROP")
                .unwrap_err()
                .contains("not modelled")
        );
    }

    #[test]
    fn bad_rules_say_what_is_wrong() {
        assert_eq!(
            Rule::parse("-m frob -j ACCEPT").unwrap_err(),
            "unknown match module \"frob\""
        );
        assert_eq!(Rule::parse("-s 1.2.3.4").unwrap_err(), "no target (-j)");
        assert_eq!(
            Rule::parse("-j DNAT").unwrap_err(),
            "DNAT needs --to-destination"
        );
    }
}
