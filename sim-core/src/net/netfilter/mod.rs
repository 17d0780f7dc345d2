//! Netfilter: the nat and filter tables with their chains and rules, connection tracking,
//! and the hooks the kernel's packet paths call.
//!
//! ```text
//!  received ──► PREROUTING ──► routing ──► FORWARD ──► POSTROUTING ──► sent
//!               (conntrack,       │        (filter)    (nat: SNAT,
//!                nat: DNAT)       ▼                     confirm)
//!                               INPUT (filter; un-DNAT a reply; confirm) ──► socket
//!  socket ──► OUTPUT (conntrack, nat: DNAT, filter) ──► routing ──► POSTROUTING ──► sent
//! ```
//!
//! Only a flow's first packet walks the nat table; the rest are translated by conntrack,
//! as in Linux. The filter table sees every packet. A namespace pays nothing until a rule
//! is added to it (`Netfilter::active`), as a machine without iptables rules loads no
//! conntrack.
//!
//! Walking a chain does not cost the simulator a pass over its rules: each chain keeps an
//! index of its rules by (destination, protocol, port) and by (protocol, port), and a walk
//! visits only the rules that can match, in order. The trace still says how many rules a
//! linear walk would have visited (the position of the deciding rule), which is what the
//! kernel pays. Simplification (docs/architecture.md): bridged frames (br_netfilter) are
//! translated by existing conntrack entries but start none and walk no rules.

pub mod conntrack;
pub mod rule;

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::hash::BuildHasherDefault;
use std::net::Ipv4Addr;

use rand::RngExt;

pub use conntrack::{Conntrack, Dir, EntryId, Tuple};
pub use rule::{CtState, Module, Proto, Recent, RecentCmd, Rule, SetDir, Target};

/// An ipset entry: an address, a protocol and port, another address; each part present
/// or not by the set's type (`hash:ip,port` has the first two, `bitmap:port` the port,
/// `hash:ip,port,ip` all three).
pub type SetEntry = (Option<Ipv4Addr>, Option<(Proto, u16)>, Option<Ipv4Addr>);

/// An ipset (`ipset create NAME TYPE`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IpSet {
    pub kind: String,
    pub entries: std::collections::BTreeSet<SetEntry>,
}

use super::{DevId, Net, NsId};
use crate::engine::rng::Stream;
use crate::engine::{Ctx, Dur, SimTime};
use crate::trace::TraceEvent;
use crate::wire::{Icmp, L4, Packet, QuotedL4};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TableKind {
    Filter,
    Nat,
}

impl TableKind {
    pub fn name(self) -> &'static str {
        match self {
            TableKind::Filter => "filter",
            TableKind::Nat => "nat",
        }
    }

    pub fn parse(s: &str) -> Option<TableKind> {
        match s {
            "filter" => Some(TableKind::Filter),
            "nat" => Some(TableKind::Nat),
            _ => None,
        }
    }

    fn builtins(self) -> &'static [&'static str] {
        match self {
            TableKind::Filter => &["INPUT", "FORWARD", "OUTPUT"],
            TableKind::Nat => &["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
        }
    }
}

/// The netfilter hooks as bits, in the kernel's order (`NF_INET_PRE_ROUTING` is bit 0): a
/// built-in chain is the hook of its name.
const HOOKS: [(&str, u8); 5] = [
    ("PREROUTING", 1 << 0),
    ("INPUT", 1 << 1),
    ("FORWARD", 1 << 2),
    ("OUTPUT", 1 << 3),
    ("POSTROUTING", 1 << 4),
];

/// The hook bit of a built-in chain's name; 0 for a user chain.
fn hook_bit(chain: &str) -> u8 {
    HOOKS
        .iter()
        .find(|(n, _)| *n == chain)
        .map_or(0, |(_, b)| *b)
}

/// Hooks as the kernel's `textify_hooks` names them in its log: `PREROUTING/OUTPUT`.
fn hook_names(mask: u8) -> String {
    HOOKS
        .iter()
        .filter(|(_, b)| mask & b != 0)
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join("/")
}

/// Where the kernel lets a target be used: a target extension's `.table` and `.hooks`, as
/// `xt_check_target` checks them when a table is loaded (elsewhere is EINVAL). The one
/// place that says it; the match is exhaustive, so a new target must be placed here.
/// None: anywhere (the standard verdicts, MARK, and a jump, whose chain's own rules are
/// checked against the hooks that reach it). Some((name, table, hooks)) otherwise.
fn target_allowed(t: &Target) -> Option<(&'static str, TableKind, u8)> {
    let [pre, input, forward, output, post] = HOOKS.map(|(_, b)| b);
    match t {
        Target::Accept | Target::Drop | Target::Return | Target::Jump(_) | Target::Mark { .. } => {
            None
        }
        // ipt_REJECT.c (a 5.9 kernel adds PREROUTING, which filter does not have).
        Target::Reject => Some(("REJECT", TableKind::Filter, input | forward | output)),
        // xt_MASQUERADE.c.
        Target::Masquerade { .. } => Some(("MASQUERADE", TableKind::Nat, post)),
        // xt_nat.c.
        Target::Dnat { .. } => Some(("DNAT", TableKind::Nat, pre | output)),
        // xt_REDIRECT.c.
        Target::Redirect { .. } => Some(("REDIRECT", TableKind::Nat, pre | output)),
    }
}

/// The hasher of netfilter's lookup tables: SipHash with fixed (zero) keys, so nothing
/// depends on the process's random seed. The tables are looked up, never iterated.
pub type FixedState = BuildHasherDefault<DefaultHasher>;

/// Where the candidates for a packet are, in a chain: the rules that name an exact
/// destination, protocol and port; those that name a protocol and port only; the rest.
/// Each list is in rule order.
#[derive(Default)]
struct Index {
    exact: HashMap<(Ipv4Addr, Proto, u16), Vec<u32>, FixedState>,
    port: HashMap<(Proto, u16), Vec<u32>, FixedState>,
    generic: Vec<u32>,
}

/// The positions of three ascending lists, merged in ascending order (no allocation: it
/// runs for every packet a chain sees).
struct Merge3<'a>([&'a [u32]; 3]);

impl Iterator for Merge3<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        let i = (0..3)
            .filter(|i| !self.0[*i].is_empty())
            .min_by_key(|i| self.0[*i][0])?;
        let (first, rest) = self.0[i].split_first().expect("not empty");
        self.0[i] = rest;
        Some(*first)
    }
}

impl Index {
    fn build(rules: &[Rule]) -> Index {
        let mut ix = Index::default();
        for (i, r) in rules.iter().enumerate() {
            let i = i as u32;
            match (r.dst, r.proto, r.dport()) {
                (Some(d), Some(p), Some(port)) if !d.neg && d.net.prefix_len() == 32 => {
                    ix.exact.entry((d.net.addr(), p, port)).or_default().push(i)
                }
                (None, Some(p), Some(port)) => ix.port.entry((p, port)).or_default().push(i),
                _ => ix.generic.push(i),
            }
        }
        ix
    }
}

/// A chain: its rules and the index of them a walk reads. The rules change only through
/// `Table::edit`, which marks the index stale, so a chain is never walked with an index of
/// other rules than its own.
pub struct Chain {
    rules: Vec<Rule>,
    /// A built-in chain's policy (ACCEPT or DROP); none for a user chain.
    pub policy: Option<Target>,
    /// Packets and bytes that met the policy (what `iptables-save` shows after it).
    pub policy_counts: (u64, u64),
    /// The index of `rules`, or of the rules before the last edit when the table lists
    /// this chain as stale. A new chain's empty index is exact for its empty rules.
    index: Index,
}

impl Chain {
    fn new(policy: Option<Target>) -> Chain {
        Chain {
            rules: Vec::new(),
            policy,
            policy_counts: (0, 0),
            index: Index::default(),
        }
    }

    /// The chain's rules, in order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }
}

pub struct Table {
    pub kind: TableKind,
    chains: BTreeMap<String, Chain>,
    /// The chains whose rules changed since the last walk: their indexes are rebuilt before
    /// the next one, once for a whole `iptables-restore`, not once per rule. Every other
    /// chain's index is exact, whatever made the chain (a table's creation, `-N`, `:CHAIN`).
    stale: BTreeSet<String>,
}

impl Table {
    fn new(kind: TableKind) -> Table {
        let chains = kind
            .builtins()
            .iter()
            .map(|n| (n.to_string(), Chain::new(Some(Target::Accept))))
            .collect();
        Table {
            kind,
            chains,
            stale: BTreeSet::new(),
        }
    }

    /// The chains by name.
    pub fn chains(&self) -> &BTreeMap<String, Chain> {
        &self.chains
    }

    /// Whether a walk of chain `from` can reach chain `to` through jumps (`from == to`
    /// counts). A depth-first search over the jump graph: each chain once.
    fn reaches(&self, from: &str, to: &str) -> bool {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from];
        while let Some(c) = todo.pop() {
            if c == to {
                return true;
            }
            if !seen.insert(c) {
                continue;
            }
            if let Some(ch) = self.chains.get(c) {
                for r in &ch.rules {
                    if let Target::Jump(next) = &r.target {
                        todo.push(next.as_str());
                    }
                }
            }
        }
        false
    }

    /// The hooks whose walk reaches each chain, as the kernel's `mark_source_chains` finds
    /// them: a built-in chain its own hook, a user chain every hook that jumps to it,
    /// directly or through other chains. `extra` is a rule about to be added to a chain,
    /// counted as if it were there. A chain no hook reaches has no entry.
    fn hook_masks<'a>(&'a self, extra: Option<(&'a str, &'a Rule)>) -> BTreeMap<&'a str, u8> {
        let mut masks: BTreeMap<&str, u8> = BTreeMap::new();
        for b in self.kind.builtins() {
            let bit = hook_bit(b);
            let mut todo: Vec<&str> = vec![b];
            while let Some(c) = todo.pop() {
                let m = masks.entry(c).or_insert(0);
                if *m & bit != 0 {
                    continue;
                }
                *m |= bit;
                let rules = self.chains.get(c).map_or(&[][..], |ch| &ch.rules[..]);
                let added = extra.filter(|(ec, _)| *ec == c).map(|(_, r)| r);
                for r in rules.iter().chain(added) {
                    if let Target::Jump(to) = &r.target {
                        todo.push(to.as_str());
                    }
                }
            }
        }
        masks
    }

    /// Whether the kernel would load the table with `extra` added (see `hook_masks`): every
    /// rule's target in a table it allows, and reached only from hooks it allows
    /// (`target_allowed`), as `xt_check_target` checks each rule of a table it loads. The
    /// table is valid before (every edit is checked), so only `extra`, and the rules it
    /// makes reachable from more hooks, can fail; `extra` is checked first. A pass over the
    /// table: run once per hand edit, and once per `iptables-restore` section.
    fn check_targets(&self, extra: Option<(&str, &Rule)>) -> Result<(), EditError> {
        let masks = self.hook_masks(extra);
        let rules = extra.into_iter().chain(
            self.chains
                .iter()
                .flat_map(|(n, c)| c.rules.iter().map(move |r| (n.as_str(), r))),
        );
        for (chain, r) in rules {
            check_target_place(self.kind, masks.get(chain).copied().unwrap_or(0), r)?;
        }
        Ok(())
    }

    /// A chain about to change: its index is rebuilt before the next walk.
    fn edit(&mut self, chain: &str) -> Option<&mut Chain> {
        let c = self.chains.get_mut(chain)?;
        self.stale.insert(chain.to_string());
        Some(c)
    }

    /// Rebuilds the index of every chain that changed since the last walk (a chain deleted
    /// meanwhile has nothing to rebuild).
    fn reindex(&mut self) {
        for name in std::mem::take(&mut self.stale) {
            if let Some(c) = self.chains.get_mut(&name) {
                c.index = Index::build(&c.rules);
            }
        }
    }

    /// The chains in `iptables-save`'s order: built-ins first, then user chains by name.
    pub fn ordered(&self) -> Vec<(&String, &Chain)> {
        let builtins = self.kind.builtins();
        let mut out: Vec<_> = builtins
            .iter()
            .filter_map(|b| self.chains.get_key_value(*b))
            .collect();
        out.extend(
            self.chains
                .iter()
                .filter(|(n, _)| !builtins.contains(&n.as_str())),
        );
        out
    }

    /// `iptables-save -t TABLE`'s section for this table.
    pub fn save(&self) -> String {
        let mut out = format!("*{}\n", self.kind.name());
        for (name, c) in self.ordered() {
            let policy = match &c.policy {
                Some(Target::Drop) => "DROP",
                Some(_) => "ACCEPT",
                None => "-",
            };
            let _ = writeln!(
                out,
                ":{name} {policy} [{}:{}]",
                c.policy_counts.0, c.policy_counts.1
            );
        }
        for (name, c) in self.ordered() {
            for r in &c.rules {
                let _ = writeln!(out, "-A {name} {r}");
            }
        }
        out.push_str("COMMIT\n");
        out
    }
}

/// One namespace's netfilter state.
pub struct Netfilter {
    pub nat: Table,
    pub filter: Table,
    pub ct: Conntrack,
    /// ipsets by name (kube-proxy's ipvs mode keeps its match criteria in them).
    pub ipsets: BTreeMap<String, IpSet>,
    /// xt_recent's lists by name: each address with when a packet from it was last
    /// remembered (`-m recent --set`).
    pub recent: RecentLists,
    /// Whether any rule was ever added: until then packets skip netfilter entirely.
    pub active: bool,
    /// What a rule's writer says a drop by it means, keyed by the rule's chain and
    /// comment (kube-proxy's `"ns/svc has no local endpoints"`: which traffic policy, which
    /// node): the trace adds it to the drop's reason. Not kernel state; `iptables-save`
    /// does not show it.
    pub notes: BTreeMap<(String, String), String>,
}

impl Default for Netfilter {
    fn default() -> Self {
        Netfilter {
            nat: Table::new(TableKind::Nat),
            filter: Table::new(TableKind::Filter),
            ct: Conntrack::default(),
            ipsets: BTreeMap::new(),
            recent: RecentLists::new(),
            active: false,
            notes: BTreeMap::new(),
        }
    }
}

/// Why a rule edit was refused.
#[derive(Clone, Debug, PartialEq)]
pub enum EditError {
    /// The rule's words do not parse.
    Parse(String),
    /// `-j NAME` names neither a chain of the table nor a target extension.
    NoTarget(String),
    /// `-j INPUT`: a jump to a built-in chain (libiptc's EINVAL).
    BuiltinJump(String),
    /// The jump would make a loop (the kernel's ELOOP): `to` already reaches `from`.
    Loop { from: String, to: String },
    /// `-t nat ... -j DROP`: iptables itself refuses it, before the kernel sees it.
    NatDrop,
    /// `-I CHAIN N` or `-D CHAIN N` past the chain's end (libiptc's E2BIG): the chain has
    /// `rules` rules.
    TooBig { n: usize, rules: usize },
    /// The kernel refuses the target in this table or from these hooks (EINVAL): what it
    /// logs, as `dmesg` shows it.
    Refused(String),
}

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EditError::Parse(e) => f.write_str(e),
            EditError::NoTarget(t) => write!(f, "no chain or target \"{t}\""),
            EditError::BuiltinJump(t) => write!(f, "a jump to built-in chain \"{t}\""),
            EditError::Loop { from, to } => {
                write!(f, "a jump from {from} to {to} would make a loop")
            }
            EditError::NatDrop => {
                f.write_str("the nat table is not intended for filtering: DROP is refused")
            }
            EditError::Refused(why) => f.write_str(why),
            EditError::TooBig { n, rules } => {
                write!(f, "no rule position {n} in a chain of {rules} rules")
            }
        }
    }
}

/// Whether `rule`'s target may be used in table `kind`, from the hooks in `used`
/// (`target_allowed`); the refusal says what the kernel logs (`dmesg`).
fn check_target_place(kind: TableKind, used: u8, rule: &Rule) -> Result<(), EditError> {
    let Some((name, table, hooks)) = target_allowed(&rule.target) else {
        return Ok(());
    };
    if table != kind {
        return Err(EditError::Refused(format!(
            "ip_tables: {name} target: only valid in {} table, not {}",
            table.name(),
            kind.name()
        )));
    }
    if used & !hooks != 0 {
        return Err(EditError::Refused(format!(
            "ip_tables: {name} target: used from hooks {}, but only usable from {}",
            hook_names(used),
            hook_names(hooks)
        )));
    }
    Ok(())
}

/// What a walk decided.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    Accept,
    Drop,
    Reject,
    Dnat { addr: Ipv4Addr, port: Option<u16> },
    Redirect { port: u16 },
    Masquerade,
}

/// A walk's outcome: the verdict, the rule that gave it (`-t nat -A CHAIN ...`, none for a
/// policy), and how many rules a linear walk visited.
#[derive(Clone, Debug)]
pub struct Decision {
    pub verdict: Verdict,
    pub rule: Option<String>,
    pub walked: u32,
    /// The walk stopped at `WALK_BUDGET` rule visits, in this chain (the verdict is Drop).
    pub gave_up: Option<String>,
}

/// The most rules one walk of a table visits for one packet. A table without loops (the
/// load refuses them) always ends, but jumps that fan out, nested (28 chains each jumping
/// twice to the next), make the walk exponential: the kernel would pay it, the simulator
/// stops here and drops the packet, saying why.
pub const WALK_BUDGET: u32 = 1_000_000;

/// What the rules see of a packet.
#[derive(Clone, Debug)]
pub struct View {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub proto: Option<Proto>,
    pub sport: u16,
    pub dport: u16,
    pub in_if: Option<String>,
    pub out_if: Option<String>,
    pub mark: u32,
    pub state: CtState,
    pub src_local: bool,
    pub dst_local: bool,
    /// When the packet is seen (what `-m recent` remembers and compares with).
    pub now: SimTime,
}

/// xt_recent's lists by name, each address with when it was last remembered.
pub type RecentLists = BTreeMap<String, BTreeMap<Ipv4Addr, SimTime>>;

/// One `-m recent` match for a packet (xt_recent's `recent_mt`): the address (source, or
/// destination with `--rdest`, masked) looked up in the list, remembered or forgotten by
/// the command. With `--seconds N` only an address remembered less than N seconds ago
/// counts (the kernel compares jiffies: `time_after(stamp, now - N*HZ)`), and `--reap`
/// forgets it once it is older. Each list is kept by address, so a lookup costs the same
/// however many clients it holds.
fn recent_match(r: &Recent, v: &View, lists: &mut RecentLists) -> bool {
    let a = if r.dest { v.dst } else { v.src };
    let addr = Ipv4Addr::from(u32::from(a) & u32::from(r.mask));
    if r.cmd == RecentCmd::Set {
        lists.entry(r.name.clone()).or_default().insert(addr, v.now);
        return !r.neg;
    }
    let list = lists.entry(r.name.clone()).or_default();
    let fresh = |seen: SimTime| {
        r.seconds
            .is_none_or(|n| v.now.since(seen) < Dur::from_secs(u64::from(n)))
    };
    let hit = match list.get(&addr) {
        Some(&seen) if fresh(seen) => true,
        Some(_) => {
            if r.reap {
                list.remove(&addr);
            }
            false
        }
        None => false,
    };
    match r.cmd {
        RecentCmd::Update if hit => {
            list.insert(addr, v.now);
        }
        RecentCmd::Remove if hit => {
            list.remove(&addr);
        }
        _ => {}
    }
    hit != r.neg
}

impl View {
    fn of(p: &Packet, state: CtState, now: SimTime) -> View {
        let (proto, sport, dport) = match &p.l4 {
            L4::Icmp(_) => (Some(Proto::Icmp), 0, 0),
            L4::Udp(u) => (Some(Proto::Udp), u.sport, u.dport),
            L4::Tcp(t) => (Some(Proto::Tcp), t.sport, t.dport),
        };
        View {
            src: p.ip.src,
            dst: p.ip.dst,
            proto,
            sport,
            dport,
            in_if: None,
            out_if: None,
            mark: p.mark,
            state,
            src_local: false,
            dst_local: false,
            now,
        }
    }
}

/// The entry of set `set` a packet's fields make, by the match's directions.
fn set_entry(set: &IpSet, dirs: &[SetDir], v: &View) -> SetEntry {
    let ip = |d: SetDir| if d == SetDir::Src { v.src } else { v.dst };
    let port = |d: SetDir| {
        let p = if d == SetDir::Src { v.sport } else { v.dport };
        (v.proto.unwrap_or(Proto::Icmp), p)
    };
    match (set.kind.as_str(), dirs) {
        ("bitmap:port", [d]) => (None, Some(port(*d)), None),
        (_, [a]) => (Some(ip(*a)), None, None),
        (_, [a, b]) => (Some(ip(*a)), Some(port(*b)), None),
        (_, [a, b, c, ..]) => (Some(ip(*a)), Some(port(*b)), Some(ip(*c))),
        _ => (None, None, None),
    }
}

fn matches(
    r: &Rule,
    v: &View,
    rng: &mut Stream,
    sets: &BTreeMap<String, IpSet>,
    recent: &mut RecentLists,
) -> bool {
    if r.src.is_some_and(|m| !m.matches(v.src)) || r.dst.is_some_and(|m| !m.matches(v.dst)) {
        return false;
    }
    let iface = |m: &Option<rule::IfMatch>, dev: &Option<String>| match (m, dev) {
        (None, _) => true,
        (Some(m), Some(d)) => (m.name == *d) != m.neg,
        (Some(m), None) => m.neg,
    };
    if !iface(&r.in_if, &v.in_if) || !iface(&r.out_if, &v.out_if) {
        return false;
    }
    if r.proto.is_some_and(|p| Some(p) != v.proto) {
        return false;
    }
    for m in &r.modules {
        let ok = match m {
            Module::Comment(_) => true,
            Module::Ports {
                proto,
                sport,
                dport,
            } => {
                Some(*proto) == v.proto
                    && sport.is_none_or(|p| p == v.sport)
                    && dport.is_none_or(|p| p == v.dport)
            }
            Module::AddrType {
                src_local,
                dst_local,
            } => {
                src_local.is_none_or(|l| l == v.src_local)
                    && dst_local.is_none_or(|l| l == v.dst_local)
            }
            Module::Mark { value, mask, neg } => ((v.mark & mask) == *value) != *neg,
            Module::Conntrack { states, neg } => {
                let has = states
                    .iter()
                    .any(|s| *s == v.state || (*s == CtState::Dnat && v.state == CtState::Dnat));
                has != *neg
            }
            Module::Random { fixed } => rng.random::<u32>() >> 1 < *fixed,
            Module::Set { name, dirs, neg } => {
                let found = sets
                    .get(name)
                    .is_some_and(|s| s.entries.contains(&set_entry(s, dirs, v)));
                found != *neg
            }
            Module::Recent(m) => recent_match(m, v, recent),
        };
        if !ok {
            return false;
        }
    }
    true
}

enum Flow<'a> {
    /// A terminal verdict, from the rule at (chain, position).
    Done(Verdict, Option<(&'a str, usize)>),
    /// The chain ended or returned.
    Fell,
    /// The walk reached `WALK_BUDGET` visits in this chain.
    GaveUp(&'a str),
}

impl Netfilter {
    /// The note on a rule, written as a walk reports it (`-t filter -A CHAIN ... -m
    /// comment --comment "..." ...`): looked up by its chain and comment.
    pub fn note(&self, rule: &str) -> Option<&String> {
        if self.notes.is_empty() {
            return None;
        }
        let chain = rule.split_once("-A ")?.1.split(' ').next()?;
        let rest = rule.split_once("--comment ")?.1;
        let comment = match rest.strip_prefix('"') {
            Some(quoted) => quoted.split('"').next()?,
            None => rest.split(' ').next()?,
        };
        self.notes.get(&(chain.to_string(), comment.to_string()))
    }

    pub fn table(&self, kind: TableKind) -> &Table {
        match kind {
            TableKind::Filter => &self.filter,
            TableKind::Nat => &self.nat,
        }
    }

    pub fn table_mut(&mut self, kind: TableKind) -> &mut Table {
        match kind {
            TableKind::Filter => &mut self.filter,
            TableKind::Nat => &mut self.nat,
        }
    }

    /// `iptables -t TABLE -X CHAIN`: a user chain goes (a built-in one stays).
    pub fn delete_chain(&mut self, kind: TableKind, chain: &str) {
        let t = self.table_mut(kind);
        if t.chains.get(chain).is_some_and(|c| c.policy.is_none()) {
            t.chains.remove(chain);
        }
    }

    /// `iptables -t TABLE -F [CHAIN]`: empties one chain, or every chain of the table.
    pub fn flush(&mut self, kind: TableKind, chain: Option<&str>) {
        self.active = true;
        let t = self.table_mut(kind);
        let names: Vec<String> = t
            .chains
            .keys()
            .filter(|n| chain.is_none_or(|c| c == n.as_str()))
            .cloned()
            .collect();
        for n in names {
            if let Some(c) = t.edit(&n) {
                c.rules.clear();
            }
        }
    }

    /// What kube-proxy's `CleanupLeftovers` does to chains it no longer wants: every rule
    /// that jumps to a chain `doomed` names goes (from every chain), then those chains.
    /// Returns how many chains went.
    pub fn remove_chains(&mut self, doomed: impl Fn(&str) -> bool) -> usize {
        let mut removed = 0;
        for kind in [TableKind::Nat, TableKind::Filter] {
            let t = self.table_mut(kind);
            let names: Vec<String> = t.chains.keys().cloned().collect();
            for n in &names {
                let jumps = t.chains[n]
                    .rules
                    .iter()
                    .any(|r| matches!(&r.target, Target::Jump(c) if doomed(c)));
                if jumps && let Some(c) = t.edit(n) {
                    c.rules
                        .retain(|r| !matches!(&r.target, Target::Jump(c) if doomed(c)));
                }
            }
            for n in names {
                if doomed(&n) && t.chains.get(&n).is_some_and(|c| c.policy.is_none()) {
                    t.chains.remove(&n);
                    removed += 1;
                }
            }
        }
        removed
    }

    /// `iptables -t TABLE -N CHAIN` (no error if it exists).
    pub fn ensure_chain(&mut self, kind: TableKind, chain: &str) {
        self.active = true;
        self.table_mut(kind)
            .chains
            .entry(chain.to_string())
            .or_insert_with(|| Chain::new(None));
    }

    /// Whether `rule`, added to `chain`, is one the kernel would load: a jump goes to a user
    /// chain of the table (libiptc refuses a jump to a built-in one with EINVAL) and closes
    /// no loop (the kernel's `mark_source_chains` refuses the table with ELOOP). Checked at
    /// every edit, so a table never holds a loop and a walk always ends.
    ///
    /// Then, in the order iptables meets them: `-t nat -j DROP` is refused by iptables
    /// itself (`check_userspace`); a target the kernel does not allow in this table or from
    /// the hooks that reach `chain` is refused with EINVAL (`Table::check_targets`). With
    /// `hooks` false (inside `iptables-restore`) only what this rule alone decides is
    /// checked (its table, and its hook when `chain` is built-in); the caller checks the
    /// whole table once at the end.
    fn check_target(
        &self,
        kind: TableKind,
        chain: &str,
        rule: &Rule,
        hooks: bool,
    ) -> Result<(), EditError> {
        Self::check_userspace(kind, rule)?;
        let t = self.table(kind);
        if let Target::Jump(to) = &rule.target {
            if kind.builtins().contains(&to.as_str()) {
                return Err(EditError::BuiltinJump(to.clone()));
            }
            if !t.chains.contains_key(to) {
                return Err(EditError::NoTarget(to.clone()));
            }
            if t.reaches(to, chain) {
                return Err(EditError::Loop {
                    from: chain.to_string(),
                    to: to.clone(),
                });
            }
        }
        if hooks
            && (matches!(rule.target, Target::Jump(_)) || target_allowed(&rule.target).is_some())
        {
            t.check_targets(Some((chain, rule)))
        } else {
            check_target_place(kind, hook_bit(chain), rule)
        }
    }

    /// What iptables refuses before the kernel sees the rule: DROP in the nat table (`The
    /// "nat" table is not intended for filtering`), whatever the command or chain.
    pub fn check_userspace(kind: TableKind, rule: &Rule) -> Result<(), EditError> {
        if kind == TableKind::Nat && rule.target == Target::Drop {
            return Err(EditError::NatDrop);
        }
        Ok(())
    }

    /// `iptables -t TABLE -A CHAIN ARGS`.
    pub fn append(&mut self, kind: TableKind, chain: &str, args: &str) -> Result<(), EditError> {
        self.append_checked(kind, chain, args, true)
    }

    /// `append`, with the hooks that reach a user chain checked (`hooks`) or left to the
    /// caller (`check_target`).
    fn append_checked(
        &mut self,
        kind: TableKind,
        chain: &str,
        args: &str,
        hooks: bool,
    ) -> Result<(), EditError> {
        let rule = Rule::parse(args).map_err(EditError::Parse)?;
        self.check_target(kind, chain, &rule, hooks)?;
        self.ensure_chain(kind, chain);
        self.table_mut(kind)
            .edit(chain)
            .expect("ensured")
            .rules
            .push(rule);
        Ok(())
    }

    /// `iptables -t TABLE -I CHAIN ARGS` (at the head).
    pub fn insert(&mut self, kind: TableKind, chain: &str, args: &str) -> Result<(), EditError> {
        self.insert_at(kind, chain, 1, args)
    }

    /// `iptables -t TABLE -I CHAIN N ARGS`: the rule becomes rule `n` (1-based; one past
    /// the last rule appends). Past that is libiptc's E2BIG (`TooBig`), checked after what
    /// iptables itself refuses and before what the kernel does, as libiptc does.
    pub fn insert_at(
        &mut self,
        kind: TableKind,
        chain: &str,
        n: usize,
        args: &str,
    ) -> Result<(), EditError> {
        let rule = Rule::parse(args).map_err(EditError::Parse)?;
        let checked = self.check_target(kind, chain, &rule, true);
        if let Err(e @ (EditError::NatDrop | EditError::NoTarget(_))) = checked {
            return Err(e);
        }
        let rules = self
            .table(kind)
            .chains
            .get(chain)
            .map_or(0, |c| c.rules.len());
        if n == 0 || n > rules + 1 {
            return Err(EditError::TooBig { n, rules });
        }
        checked?;
        self.ensure_chain(kind, chain);
        self.table_mut(kind)
            .edit(chain)
            .expect("ensured")
            .rules
            .insert(n - 1, rule);
        Ok(())
    }

    /// `iptables -t TABLE -D CHAIN N`: deletes rule `n` (1-based); past the last rule is
    /// libiptc's E2BIG (`TooBig`), as is a chain that does not exist (it has no rule `n`).
    pub fn delete_num(&mut self, kind: TableKind, chain: &str, n: usize) -> Result<(), EditError> {
        let t = self.table_mut(kind);
        let rules = t.chains.get(chain).map_or(0, |c| c.rules.len());
        if n == 0 || n > rules {
            return Err(EditError::TooBig { n, rules });
        }
        t.edit(chain).expect("has rules").rules.remove(n - 1);
        Ok(())
    }

    /// `iptables -t TABLE -D CHAIN ARGS`: removes the first rule equal to ARGS.
    pub fn delete(&mut self, kind: TableKind, chain: &str, args: &str) -> Result<bool, EditError> {
        let rule = Rule::parse(args).map_err(EditError::Parse)?;
        Self::check_userspace(kind, &rule)?;
        let t = self.table_mut(kind);
        let Some(pos) = t
            .chains
            .get(chain)
            .and_then(|c| c.rules.iter().position(|r| *r == rule))
        else {
            return Ok(false);
        };
        t.edit(chain).expect("found").rules.remove(pos);
        Ok(true)
    }

    /// `iptables-restore --noflush`: each `:CHAIN` line creates or flushes the chain, each
    /// `-A` appends, each `-X` deletes a chain. Returns the number of rules written.
    ///
    /// Each rule is checked as it is read, but the hooks that reach a user chain only once
    /// the section is whole (at its `COMMIT`, or the end of the text), as the kernel checks
    /// the table iptables-restore loads; a refusal there names the `COMMIT` line, as
    /// iptables-restore does. As at any bad line, the lines before it stay written.
    pub fn restore(&mut self, text: &str) -> Result<usize, String> {
        let mut table = None;
        let mut written = 0;
        // The section whose rules are not yet checked against the hooks, if any.
        let mut unchecked = None;
        let check = |nf: &Netfilter, kind: Option<TableKind>, n: usize| match kind {
            Some(k) => nf
                .table(k)
                .check_targets(None)
                .map_err(|e| format!("line {n}: {e}")),
            None => Ok(()),
        };
        let mut last = 0;
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            last = n + 1;
            let err = |e: String| format!("line {}: {e}", n + 1);
            if line == "COMMIT" {
                check(self, unchecked.take(), n + 1)?;
                continue;
            }
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(name) = line.strip_prefix('*') {
                check(self, unchecked.take(), n + 1)?;
                table = Some(
                    TableKind::parse(name).ok_or_else(|| err(format!("no table \"{name}\"")))?,
                );
                continue;
            }
            let kind = table.ok_or_else(|| err("a rule before any *table".into()))?;
            if let Some(decl) = line.strip_prefix(':') {
                let name = decl.split_whitespace().next().unwrap_or_default();
                self.ensure_chain(kind, name);
                self.table_mut(kind)
                    .edit(name)
                    .expect("ensured")
                    .rules
                    .clear();
            } else if let Some(rest) = line.strip_prefix("-A ") {
                let (chain, args) = rest.split_once(' ').unwrap_or((rest, ""));
                if !self.table(kind).chains.contains_key(chain) {
                    return Err(err(format!("no chain \"{chain}\"")));
                }
                self.append_checked(kind, chain, args, false)
                    .map_err(|e| err(e.to_string()))?;
                unchecked = Some(kind);
                written += 1;
            } else if let Some(chain) = line.strip_prefix("-X ") {
                self.delete_chain(kind, chain.trim());
            } else {
                return Err(err(format!("cannot read \"{line}\"")));
            }
        }
        check(self, unchecked, last)?;
        Ok(written)
    }

    /// Walks built-in `chain` of `kind` for a packet.
    pub fn walk(
        &mut self,
        kind: TableKind,
        chain: &str,
        v: &mut View,
        rng: &mut Stream,
        bytes: u64,
    ) -> Decision {
        self.table_mut(kind).reindex();
        let mut walked = 0;
        let table = match kind {
            TableKind::Filter => &self.filter,
            TableKind::Nat => &self.nat,
        };
        let flow = walk_chain(
            table,
            &self.ipsets,
            &mut self.recent,
            chain,
            v,
            rng,
            &mut walked,
        );
        let (verdict, rule) = match flow {
            Flow::Done(verdict, at) => {
                let rule = at.map(|(c, i)| {
                    let r = &self.table(kind).chains[c].rules[i];
                    format!("-t {} -A {c} {r}", kind.name())
                });
                (verdict, rule)
            }
            Flow::GaveUp(c) => {
                return Decision {
                    verdict: Verdict::Drop,
                    rule: None,
                    walked,
                    gave_up: Some(c.to_string()),
                };
            }
            Flow::Fell => {
                let c = self
                    .table_mut(kind)
                    .chains
                    .get_mut(chain)
                    .expect("built-in");
                c.policy_counts.0 += 1;
                c.policy_counts.1 += bytes;
                let verdict = match c.policy {
                    Some(Target::Drop) => Verdict::Drop,
                    _ => Verdict::Accept,
                };
                (verdict, None)
            }
        };
        Decision {
            verdict,
            rule,
            walked,
            gave_up: None,
        }
    }
}

/// Walks one chain of an indexed table: the candidate rules in order, following jumps.
/// `walked` gains the rules a linear walk would have visited (saturating). The jumps are
/// followed with a stack of frames, not recursion, so no nesting overflows the thread's
/// stack; tables hold no loops (the load refuses them), and `WALK_BUDGET` visits bound
/// the work of one walk however the jumps fan out.
fn walk_chain<'a>(
    table: &'a Table,
    sets: &BTreeMap<String, IpSet>,
    recent: &mut RecentLists,
    chain: &str,
    v: &mut View,
    rng: &mut Stream,
    walked: &mut u32,
) -> Flow<'a> {
    /// A chain being walked: its candidates left, and the position of the jump it took.
    struct Frame<'a> {
        name: &'a str,
        chain: &'a Chain,
        candidates: Merge3<'a>,
        jumped_at: u32,
    }
    let frame = |name: &'a String, c: &'a Chain, v: &View| {
        let ix = &c.index;
        let proto = v.proto.unwrap_or(Proto::Icmp);
        let exact = ix
            .exact
            .get(&(v.dst, proto, v.dport))
            .map_or(&[][..], |l| l);
        let port = ix.port.get(&(proto, v.dport)).map_or(&[][..], |l| l);
        Frame {
            name: name.as_str(),
            chain: c,
            candidates: Merge3([exact, port, &ix.generic]),
            jumped_at: 0,
        }
    };
    let add = |walked: &mut u32, n: u32| *walked = walked.saturating_add(n);
    let Some((name, c)) = table.chains.get_key_value(chain) else {
        return Flow::Fell;
    };
    let mut stack = vec![frame(name, c, v)];
    let mut visits: u32 = 0;
    'frames: while let Some(top) = stack.len().checked_sub(1) {
        while let Some(pos) = stack[top].candidates.next() {
            visits += 1;
            if visits > WALK_BUDGET {
                return Flow::GaveUp(stack[top].name);
            }
            let f = &stack[top];
            let r = &f.chain.rules[pos as usize];
            if !matches(r, v, rng, sets, recent) {
                continue;
            }
            let verdict = match &r.target {
                Target::Accept => Verdict::Accept,
                Target::Drop => Verdict::Drop,
                Target::Reject => Verdict::Reject,
                Target::Masquerade { .. } => Verdict::Masquerade,
                Target::Dnat { addr, port } => Verdict::Dnat {
                    addr: *addr,
                    port: *port,
                },
                Target::Redirect { port } => Verdict::Redirect { port: *port },
                Target::Return => {
                    add(walked, pos + 1);
                    stack.pop();
                    continue 'frames;
                }
                Target::Mark { op } => {
                    v.mark = op.apply(v.mark);
                    continue;
                }
                Target::Jump(to) => {
                    // A jump's chain exists (the load checks it) unless `-X` removed it
                    // since: then the jump does nothing, as a fall-through.
                    if let Some((n, c)) = table.chains.get_key_value(to.as_str()) {
                        stack[top].jumped_at = pos;
                        stack.push(frame(n, c, v));
                        continue 'frames;
                    }
                    continue;
                }
            };
            let at = (f.name, pos as usize);
            add(walked, pos + 1);
            for below in &stack[..top] {
                add(walked, below.jumped_at + 1);
            }
            return Flow::Done(verdict, Some(at));
        }
        // The chain ended: its caller goes on after the jump.
        add(walked, stack[top].chain.rules.len() as u32);
        stack.pop();
    }
    Flow::Fell
}

type Cx<'a, 'b> = &'a mut Ctx<'b, Net>;

/// CPU time to evaluate one rule, in ns: what a packet pays per rule it walks (a
/// modelled order of magnitude for an xtables match on a current CPU, not a measurement).
/// A walk visits few rules in the simulator; the packet pays for the ones a linear walk
/// would visit, so a Service late in a long KUBE-SERVICES chain costs its connections
/// more, as in Linux.
pub const RULE_COST_NS: u64 = 50;

/// The hook a packet is at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Manip {
    /// PREROUTING and OUTPUT rewrite destinations.
    Dst,
    /// POSTROUTING and INPUT rewrite sources.
    Src,
}

/// Finds the flow a packet belongs to: its own tuple, or for an ICMP error the flow of the
/// packet it quotes (RELATED). Returns the entry, the direction the packet travels, and
/// whether it is an ICMP error.
fn lookup(
    nf: &mut Netfilter,
    p: &Packet,
    now: crate::engine::SimTime,
) -> Option<(EntryId, Dir, bool)> {
    if let Some(t) = Tuple::of(p) {
        return nf.ct.find(&t, now).map(|(id, d)| (id, d, false));
    }
    let q = Tuple::quoted(p)?;
    // The quoted packet went the other way: its inverse is this error's direction.
    nf.ct.find(&q.inverse(), now).map(|(id, d)| (id, d, true))
}

/// Rewrites a packet of entry `id` travelling in `dir` as conntrack's NAT bindings say
/// for the hook's manip. Returns "old -> new" if anything changed.
fn translate(
    nf: &Netfilter,
    id: EntryId,
    dir: Dir,
    error: bool,
    manip: Manip,
    p: &mut Packet,
) -> Option<String> {
    let e = nf.ct.get(id)?;
    // As Linux's status bits: a packet's destination is rewritten only in a DNATed flow's
    // original direction or a SNATed flow's replies, its source the other way round.
    let needed = match (manip, dir) {
        (Manip::Dst, Dir::Orig) | (Manip::Src, Dir::Reply) => e.dnat(),
        (Manip::Dst, Dir::Reply) | (Manip::Src, Dir::Orig) => e.snat(),
    };
    if !needed {
        return None;
    }
    let other = match dir {
        Dir::Orig => Dir::Reply,
        Dir::Reply => Dir::Orig,
    };
    // Where a packet in `dir` must appear to go: the inverse of the other direction.
    let target = e.tuple(other).inverse();
    let cur = Tuple::of(p).unwrap_or(target);
    if error {
        let L4::Icmp(Icmp::DestUnreachable { quoted, .. } | Icmp::TimeExceeded { quoted }) =
            &mut p.l4
        else {
            return None;
        };
        let (changed, what) = match manip {
            Manip::Dst if p.ip.dst != target.dst || quoted.ip.src != target.dst => {
                let old = p.ip.dst;
                p.ip.dst = target.dst;
                quoted.ip.src = target.dst;
                set_quoted_port(&mut quoted.l4, true, target.dport);
                (
                    true,
                    format!(
                        "dst {old} -> {} (and the quoted packet's source)",
                        target.dst
                    ),
                )
            }
            Manip::Src if quoted.ip.dst != target.src => {
                let old = p.ip.src;
                p.ip.src = target.src;
                quoted.ip.dst = target.src;
                set_quoted_port(&mut quoted.l4, false, target.sport);
                (
                    true,
                    format!(
                        "src {old} -> {} (and the quoted packet's destination)",
                        target.src
                    ),
                )
            }
            _ => (false, String::new()),
        };
        return changed.then_some(what);
    }
    match manip {
        Manip::Dst if (cur.dst, cur.dport) != (target.dst, target.dport) => {
            p.ip.dst = target.dst;
            set_port(p, false, target.dport);
            Some(describe(
                "dst",
                cur.dst,
                cur.dport,
                target.dst,
                target.dport,
                cur.proto,
            ))
        }
        Manip::Src if (cur.src, cur.sport) != (target.src, target.sport) => {
            p.ip.src = target.src;
            set_port(p, true, target.sport);
            Some(describe(
                "src",
                cur.src,
                cur.sport,
                target.src,
                target.sport,
                cur.proto,
            ))
        }
        _ => None,
    }
}

fn describe(what: &str, a: Ipv4Addr, ap: u16, b: Ipv4Addr, bp: u16, proto: Proto) -> String {
    match proto {
        Proto::Icmp if ap != bp => format!("{what} {a} -> {b}, icmp id {ap} -> {bp}"),
        Proto::Icmp => format!("{what} {a} -> {b}"),
        _ if a == b => format!("{what} port {ap} -> {bp}"),
        _ if ap == bp => format!("{what} {a} -> {b}"),
        _ => format!("{what} {a}:{ap} -> {b}:{bp}"),
    }
}

fn set_port(p: &mut Packet, src: bool, port: u16) {
    match &mut p.l4 {
        L4::Icmp(Icmp::EchoRequest { ident, .. } | Icmp::EchoReply { ident, .. }) => *ident = port,
        L4::Udp(u) if src => u.sport = port,
        L4::Udp(u) => u.dport = port,
        L4::Tcp(t) if src => t.sport = port,
        L4::Tcp(t) => t.dport = port,
        L4::Icmp(_) => {}
    }
}

fn set_quoted_port(q: &mut QuotedL4, src: bool, port: u16) {
    match q {
        QuotedL4::Icmp { ident, .. } => *ident = port,
        QuotedL4::Udp { sport, .. } | QuotedL4::Tcp { sport, .. } if src => *sport = port,
        QuotedL4::Udp { dport, .. } | QuotedL4::Tcp { dport, .. } => *dport = port,
    }
}

/// What a hook tells the packet path.
#[derive(Debug)]
pub enum HookResult {
    Continue,
    /// Dropped by a rule: the rule's text, and what its writer says the drop means
    /// ([`Netfilter::notes`]).
    Drop(String, Option<String>),
    /// Rejected by a rule: the caller sends ICMP port unreachable.
    Reject(String),
    /// An IPVS virtual service with no real server (`ip_vs_leave`: ICMP port unreachable).
    NoRealServer(String),
    /// The walk of `table` stopped at `WALK_BUDGET` visits, in `chain`: dropped.
    TooDeep {
        table: TableKind,
        chain: String,
    },
}

impl HookResult {
    fn too_deep(kind: TableKind, d: &Decision) -> Option<HookResult> {
        d.gave_up.as_ref().map(|c| HookResult::TooDeep {
            table: kind,
            chain: c.clone(),
        })
    }
}

/// Borrows the namespace's netfilter out of the world while a hook runs (the walk draws
/// from the running actor's random stream, which also lives in the context).
fn with_nf<T>(cx: Cx<'_, '_>, ns: NsId, f: impl FnOnce(Cx<'_, '_>, &mut Netfilter) -> T) -> T {
    // The stand-in allocates nothing (empty maps): this runs for every packet.
    let stand_in = Netfilter {
        nat: Table {
            kind: TableKind::Nat,
            chains: BTreeMap::new(),
            stale: BTreeSet::new(),
        },
        filter: Table {
            kind: TableKind::Filter,
            chains: BTreeMap::new(),
            stale: BTreeSet::new(),
        },
        ct: Conntrack::default(),
        ipsets: BTreeMap::new(),
        recent: BTreeMap::new(),
        active: true,
        notes: BTreeMap::new(),
    };
    let mut nf = std::mem::replace(&mut cx.world.ns_mut(ns).netfilter, stand_in);
    let out = f(cx, &mut nf);
    cx.world.ns_mut(ns).netfilter = nf;
    out
}

fn trace_nat(cx: Cx<'_, '_>, p: &Packet, what: String) {
    cx.trace(TraceEvent::Nat { packet: p.id, what });
}

/// PREROUTING (`in_dev` given) or OUTPUT (`in_dev` none): finds or starts the packet's
/// flow and rewrites its destination (DNAT) as the flow's entry or the nat rules say.
pub fn dst_hook(cx: Cx<'_, '_>, ns: NsId, in_dev: Option<DevId>, p: &mut Packet) -> HookResult {
    if !cx.world.ns(ns).netfilter.active {
        return HookResult::Continue;
    }
    if in_dev.is_some() {
        p.mark = 0; // a new skb in this namespace
    }
    let now = cx.now();
    let chain = if in_dev.is_some() {
        "PREROUTING"
    } else {
        "OUTPUT"
    };
    with_nf(cx, ns, |cx, nf| {
        if let Some((id, dir, error)) = lookup(nf, p, now) {
            p.ct = Some((id, dir));
            if !error {
                nf.ct.seen(id, dir, p, now);
            }
            if let Some(what) = translate(nf, id, dir, error, Manip::Dst, p) {
                let how = flow_words(nf, id, dir, error);
                trace_nat(cx, p, format!("{what}: {how} (conntrack)"));
            }
            return HookResult::Continue;
        }
        let Some(t) = Tuple::of(p) else {
            return HookResult::Continue; // an ICMP error about no known flow
        };
        let id = nf.ct.create(t, now);
        p.ct = Some((id, Dir::Orig));
        // Only a flow's first packet needs these.
        let netns = cx.world.ns(ns);
        let in_addr = in_dev.and_then(|d| netns.primary_addr(d));
        let mut v = View::of(p, CtState::New, now);
        v.in_if = in_dev.map(|d| netns.dev(d).name.clone());
        v.dst_local = netns.is_local(p.ip.dst);
        v.src_local = netns.is_local(p.ip.src);
        let d = nf.walk(TableKind::Nat, chain, &mut v, cx.rng(), u64::from(p.len()));
        p.mark = v.mark;
        p.cost_ns += u64::from(d.walked) * RULE_COST_NS;
        if let Some(h) = HookResult::too_deep(TableKind::Nat, &d) {
            return h;
        }
        let to = match d.verdict {
            Verdict::Dnat { addr, port } => Some((addr, port.unwrap_or(t.dport))),
            Verdict::Redirect { port } => Some((in_addr.unwrap_or(Ipv4Addr::LOCALHOST), port)),
            _ => None,
        };
        if to.is_none() {
            // IPVS: a connection to a virtual service gets a real server.
            let key = (t.proto, t.dst, t.dport);
            if let Some(vs) = cx.world.ns_mut(ns).ipvs.services.get_mut(&key) {
                let sched = match vs.persistent {
                    Some(timeout) => format!("{} persistent {timeout}", vs.scheduler.name()),
                    None => vs.scheduler.name().to_string(),
                };
                let service = format!(
                    "{} {}:{} {sched}",
                    t.proto.name().to_uppercase(),
                    t.dst,
                    t.dport
                );
                p.cost_ns += crate::net::ipvs::IPVS_COST_NS;
                let ct = &nf.ct;
                let conns = |r: &crate::net::ipvs::RealServer| {
                    ct.conn_counts(&(t.proto, t.dst, t.dport, r.addr, r.port), now)
                };
                let Some((real, held)) = vs.pick(t.src, t.dst, now, conns) else {
                    return HookResult::NoRealServer(service);
                };
                let how = if held {
                    "this client's persistence template"
                } else {
                    "a hash lookup"
                };
                nf.ct.set_ipvs_nat(id, (real.addr, real.port));
                p.ip.dst = real.addr;
                set_port(p, false, real.port);
                let what = describe("dst", t.dst, t.dport, real.addr, real.port, t.proto);
                trace_nat(
                    cx,
                    p,
                    format!(
                        "{what} by IPVS {service} -> {}:{} Masq ({how}: {}; conntrack remembers the flow)",
                        real.addr,
                        real.port,
                        crate::engine::Dur::from_nanos(crate::net::ipvs::IPVS_COST_NS)
                    ),
                );
                return HookResult::Continue;
            }
        }
        nf.ct.set_dst_nat(id, to);
        if let Some((addr, port)) = to {
            let old = (p.ip.dst, t.dport);
            p.ip.dst = addr;
            set_port(p, false, port);
            let what = describe("dst", old.0, old.1, addr, port, t.proto);
            let rule = d.rule.unwrap_or_default();
            trace_nat(
                cx,
                p,
                format!(
                    "{what} by {rule} ({} rules walked: {}; conntrack remembers the flow)",
                    d.walked,
                    crate::engine::Dur::from_nanos(u64::from(d.walked) * RULE_COST_NS)
                ),
            );
        }
        HookResult::Continue
    })
}

/// Words for a translated packet's flow: "a reply on a masqueraded flow" and the like.
fn flow_words(nf: &Netfilter, id: EntryId, dir: Dir, error: bool) -> String {
    let e = nf.ct.get(id).expect("found");
    let kind = match (e.dnat(), e.snat()) {
        (true, true) => "DNATed and masqueraded",
        (true, false) => "DNATed",
        (false, true) => "masqueraded",
        (false, false) => "tracked",
    };
    let which = match (error, dir) {
        (true, _) => "an ICMP error about",
        (false, Dir::Reply) => "a reply on",
        (false, Dir::Orig) => "a packet of",
    };
    format!("{which} a {kind} flow")
}

/// POSTROUTING: rewrites the source as the flow's entry says, or, for a flow's first
/// packet, as the nat rules say (MASQUERADE: the outgoing device's address); then
/// confirms the entry.
pub fn src_hook(cx: Cx<'_, '_>, ns: NsId, out_dev: DevId, p: &mut Packet) -> HookResult {
    if !cx.world.ns(ns).netfilter.active {
        return HookResult::Continue;
    }
    let Some((id, dir)) = p.ct else {
        return HookResult::Continue;
    };
    let now = cx.now();
    with_nf(cx, ns, |cx, nf| {
        let Some(e) = nf.ct.get(id) else {
            return HookResult::Continue;
        };
        let error = Tuple::of(p).is_none();
        if e.src_nat_done || dir == Dir::Reply || error {
            if let Some(what) = translate(nf, id, dir, error, Manip::Src, p) {
                let how = flow_words(nf, id, dir, error);
                trace_nat(cx, p, format!("{what}: {how} (conntrack)"));
            }
            nf.ct.confirm(id);
            return HookResult::Continue;
        }
        let netns = cx.world.ns(ns);
        let out_addr = netns.primary_addr(out_dev);
        let mut v = View::of(p, CtState::New, now);
        v.out_if = Some(netns.dev(out_dev).name.clone());
        v.dst_local = netns.is_local(p.ip.dst);
        v.src_local = netns.is_local(p.ip.src);
        let d = nf.walk(
            TableKind::Nat,
            "POSTROUTING",
            &mut v,
            cx.rng(),
            u64::from(p.len()),
        );
        p.mark = v.mark;
        p.cost_ns += u64::from(d.walked) * RULE_COST_NS;
        if let Some(h) = HookResult::too_deep(TableKind::Nat, &d) {
            return h;
        }
        let (Verdict::Masquerade, Some(to)) = (&d.verdict, out_addr) else {
            nf.ct.set_src_nat(id, None, now);
            nf.ct.confirm(id);
            return HookResult::Continue;
        };
        let t = Tuple::of(p).expect("not an error");
        let port = nf.ct.set_src_nat(id, Some(to), now);
        nf.ct.confirm(id);
        let from = p.ip.src;
        p.ip.src = to;
        set_port(p, true, port);
        let remap = if port != t.sport {
            match t.proto {
                Proto::Icmp => format!(
                    ", icmp id {} -> {port} (another flow to {} holds id {})",
                    t.sport, p.ip.dst, t.sport
                ),
                _ => format!(
                    ", port {} -> {port} (another flow to {} holds port {})",
                    t.sport, p.ip.dst, t.sport
                ),
            }
        } else {
            String::new()
        };
        let rule = d.rule.unwrap_or_default();
        trace_nat(
            cx,
            p,
            format!("src {from} -> {to}{remap} by {rule} (conntrack remembers the flow)"),
        );
        HookResult::Continue
    })
}

/// INPUT: the filter table's INPUT chain, then un-DNAT a reply's source; confirms.
pub fn input_hook(cx: Cx<'_, '_>, ns: NsId, in_dev: DevId, p: &mut Packet) -> HookResult {
    if !cx.world.ns(ns).netfilter.active {
        return HookResult::Continue;
    }
    let verdict = filter(cx, ns, "INPUT", Some(in_dev), None, p);
    if !matches!(verdict, HookResult::Continue) {
        return verdict;
    }
    let Some((id, dir)) = p.ct else {
        return HookResult::Continue;
    };
    with_nf(cx, ns, |cx, nf| {
        let error = Tuple::of(p).is_none();
        if let Some(what) = translate(nf, id, dir, error, Manip::Src, p) {
            let how = flow_words(nf, id, dir, error);
            trace_nat(cx, p, format!("{what}: {how} (conntrack)"));
        }
        nf.ct.confirm(id);
    });
    HookResult::Continue
}

/// FORWARD or OUTPUT in the filter table.
pub fn filter(
    cx: Cx<'_, '_>,
    ns: NsId,
    chain: &str,
    in_dev: Option<DevId>,
    out_dev: Option<DevId>,
    p: &mut Packet,
) -> HookResult {
    let netns = cx.world.ns(ns);
    if !netns.netfilter.active
        || netns
            .netfilter
            .filter
            .chains
            .get(chain)
            .is_none_or(|c| c.rules.is_empty())
    {
        return HookResult::Continue;
    }
    let state = match p
        .ct
        .and_then(|(id, dir)| netns.netfilter.ct.get(id).map(|e| (e, dir)))
    {
        None => CtState::Invalid,
        Some((e, _)) if !e.confirmed => CtState::New,
        Some((_, _)) if Tuple::of(p).is_none() => CtState::Related,
        Some(_) => CtState::Established,
    };
    let mut v = View::of(p, state, cx.now());
    v.in_if = in_dev.map(|d| netns.dev(d).name.clone());
    v.out_if = out_dev.map(|d| netns.dev(d).name.clone());
    v.dst_local = netns.is_local(p.ip.dst);
    v.src_local = netns.is_local(p.ip.src);
    let d = with_nf(cx, ns, |cx, nf| {
        nf.walk(
            TableKind::Filter,
            chain,
            &mut v,
            cx.rng(),
            u64::from(p.len()),
        )
    });
    p.mark = v.mark;
    p.cost_ns += u64::from(d.walked) * RULE_COST_NS;
    if let Some(h) = HookResult::too_deep(TableKind::Filter, &d) {
        return h;
    }
    match d.verdict {
        Verdict::Drop => {
            let note = d
                .rule
                .as_deref()
                .and_then(|r| cx.world.ns(ns).netfilter.note(r))
                .cloned();
            HookResult::Drop(
                d.rule
                    .unwrap_or_else(|| format!("-t filter -P {chain} DROP")),
                note,
            )
        }
        Verdict::Reject => HookResult::Reject(d.rule.unwrap_or_default()),
        _ => HookResult::Continue,
    }
}

/// A frame the bridge forwards between two ports (br_netfilter): translated by an
/// existing flow's entry, if any.
pub fn bridged(cx: Cx<'_, '_>, ns: NsId, p: &mut Packet) {
    if !cx.world.ns(ns).netfilter.active {
        return;
    }
    let now = cx.now();
    with_nf(cx, ns, |cx, nf| {
        let Some((id, dir, error)) = lookup(nf, p, now) else {
            return;
        };
        if !error {
            nf.ct.seen(id, dir, p, now);
        }
        for manip in [Manip::Dst, Manip::Src] {
            if let Some(what) = translate(nf, id, dir, error, manip, p) {
                let how = flow_words(nf, id, dir, error);
                trace_nat(
                    cx,
                    p,
                    format!("{what}: {how} (conntrack, on the bridge: br_netfilter)"),
                );
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::stream;

    fn view(dst: [u8; 4], proto: Proto, dport: u16) -> View {
        View {
            src: Ipv4Addr::new(10, 1, 1, 2),
            dst: Ipv4Addr::from(dst),
            proto: Some(proto),
            sport: 40000,
            dport,
            in_if: Some("docker0".into()),
            out_if: None,
            mark: 0,
            state: CtState::New,
            src_local: false,
            dst_local: dst == [10, 181, 13, 57],
            now: SimTime::ZERO,
        }
    }

    /// A first match by scanning every rule of every chain, as the kernel does.
    fn linear(
        nf: &Netfilter,
        kind: TableKind,
        chain: &str,
        v: &mut View,
        rng: &mut Stream,
    ) -> (Verdict, u32) {
        fn go(
            nf: &Netfilter,
            kind: TableKind,
            chain: &str,
            v: &mut View,
            rng: &mut Stream,
            walked: &mut u32,
        ) -> Option<Verdict> {
            let c = &nf.table(kind).chains[chain];
            for (i, r) in c.rules.iter().enumerate() {
                if !matches(r, v, rng, &nf.ipsets, &mut nf.recent.clone()) {
                    continue;
                }
                let here = i as u32 + 1;
                match &r.target {
                    Target::Jump(to) => {
                        if let Some(verdict) = go(nf, kind, to, v, rng, walked) {
                            *walked += here;
                            return Some(verdict);
                        }
                    }
                    Target::Mark { op } => v.mark = op.apply(v.mark),
                    Target::Return => {
                        *walked += here;
                        return None;
                    }
                    Target::Accept => {
                        *walked += here;
                        return Some(Verdict::Accept);
                    }
                    Target::Drop => {
                        *walked += here;
                        return Some(Verdict::Drop);
                    }
                    Target::Reject => {
                        *walked += here;
                        return Some(Verdict::Reject);
                    }
                    Target::Masquerade { .. } => {
                        *walked += here;
                        return Some(Verdict::Masquerade);
                    }
                    Target::Dnat { addr, port } => {
                        *walked += here;
                        return Some(Verdict::Dnat {
                            addr: *addr,
                            port: *port,
                        });
                    }
                    Target::Redirect { port } => {
                        *walked += here;
                        return Some(Verdict::Redirect { port: *port });
                    }
                }
            }
            *walked += c.rules.len() as u32;
            None
        }
        let mut walked = 0;
        let v = go(nf, kind, chain, v, rng, &mut walked).unwrap_or(Verdict::Accept);
        (v, walked)
    }

    /// A kube-proxy-like nat table: 200 services, a NodePort, a catch-all at the end.
    fn table() -> Netfilter {
        let mut nf = Netfilter::default();
        let mut text = String::from(
            "*nat\n:KUBE-SERVICES - [0:0]\n:KUBE-NODEPORTS - [0:0]\n:KUBE-MARK-MASQ - [0:0]\n",
        );
        for i in 0..200u32 {
            text += &format!(":KUBE-SVC-{i}\n");
        }
        text +=
            "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n";
        text += "-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000\n";
        for i in 0..200u32 {
            let ip = Ipv4Addr::from(u32::from(Ipv4Addr::new(10, 254, 0, 0)) + i);
            text += &format!(
                "-A KUBE-SERVICES -d {ip}/32 -p tcp -m comment --comment \"default/s{i}\" -m tcp --dport {} -j KUBE-SVC-{i}\n",
                80 + i % 3
            );
            text += &format!("-A KUBE-SVC-{i} ! -s 10.1.0.0/16 -j KUBE-MARK-MASQ\n");
            text += &format!(
                "-A KUBE-SVC-{i} -m statistic --mode random --probability 0.5 -j DNAT --to-destination 10.1.{i}.2:8080\n"
            );
            text += &format!("-A KUBE-SVC-{i} -j DNAT --to-destination 10.1.{i}.3:8080\n");
        }
        text += "-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\n";
        text += "-A KUBE-NODEPORTS -p tcp -m tcp --dport 30001 -j KUBE-MARK-MASQ\n";
        text +=
            "-A KUBE-NODEPORTS -p tcp -m tcp --dport 30001 -j DNAT --to-destination 10.1.7.2:80\n";
        text += "COMMIT\n";
        assert_eq!(nf.restore(&text).unwrap(), 805);
        nf
    }

    #[test]
    fn the_index_decides_as_a_linear_walk_would() {
        let mut nf = table();
        let mut probes = Vec::new();
        for i in 0..220u32 {
            let ip = u32::from(Ipv4Addr::new(10, 254, 0, 0)) + i;
            for port in [80, 81, 82, 443] {
                probes.push((Ipv4Addr::from(ip).octets(), Proto::Tcp, port));
            }
        }
        probes.push(([10, 181, 13, 57], Proto::Tcp, 30001));
        probes.push(([10, 181, 13, 57], Proto::Tcp, 30002));
        probes.push(([10, 254, 0, 5], Proto::Udp, 80));
        for (dst, proto, port) in probes {
            // The same random stream for both, so the statistic draws agree.
            let (mut a, mut b) = (stream(1, "x"), stream(1, "x"));
            let mut v1 = view(dst, proto, port);
            let mut v2 = v1.clone();
            let d = nf.walk(TableKind::Nat, "PREROUTING", &mut v1, &mut a, 60);
            let (verdict, walked) = linear(&nf, TableKind::Nat, "PREROUTING", &mut v2, &mut b);
            assert_eq!(
                (d.verdict, d.walked, v1.mark),
                (verdict, walked, v2.mark),
                "{dst:?} {proto:?} {port}"
            );
        }
    }

    #[test]
    fn walked_counts_grow_with_the_service_position() {
        let mut nf = table();
        let mut rng = stream(1, "x");
        let mut walked = |i: u32| {
            let ip = Ipv4Addr::from(u32::from(Ipv4Addr::new(10, 254, 0, 0)) + i).octets();
            nf.walk(
                TableKind::Nat,
                "PREROUTING",
                &mut view(ip, Proto::Tcp, 80 + (i % 3) as u16),
                &mut rng,
                60,
            )
            .walked
        };
        // PREROUTING's rule, the service's rule at position i+1, its chain's rules.
        assert!(walked(0) <= 5);
        assert!(walked(198) >= 200);
    }

    /// A namespace whose tables nothing had touched, after one hand edit of the filter
    /// table (issue 13: `iptables -A INPUT -j ACCEPT`, then a ping, panicked because the
    /// untouched nat table had never been indexed). Every built-in chain of both tables
    /// must then walk, to its policy or to the rule.
    fn walks_after(edit: impl FnOnce(&mut Netfilter)) -> Vec<Verdict> {
        let mut nf = Netfilter::default();
        edit(&mut nf);
        assert!(nf.active, "an edit turns netfilter on");
        let mut rng = stream(1, "x");
        let mut out = Vec::new();
        for kind in [TableKind::Nat, TableKind::Filter] {
            for chain in kind.builtins() {
                let mut v = view([10, 0, 0, 2], Proto::Icmp, 0);
                out.push(nf.walk(kind, chain, &mut v, &mut rng, 84).verdict);
            }
        }
        out
    }

    #[test]
    fn a_first_filter_append_leaves_every_chain_walkable() {
        let v = walks_after(|nf| nf.append(TableKind::Filter, "INPUT", "-j DROP").unwrap());
        // nat's four chains accept by policy; filter INPUT drops by the rule.
        use Verdict::{Accept as A, Drop as D};
        assert_eq!(v, [A, A, A, A, D, A, A]);
    }

    #[test]
    fn a_first_filter_insert_leaves_every_chain_walkable() {
        let v = walks_after(|nf| nf.insert(TableKind::Filter, "OUTPUT", "-j REJECT").unwrap());
        use Verdict::{Accept as A, Reject as R};
        assert_eq!(v, [A, A, A, A, A, A, R]);
    }

    #[test]
    fn a_first_flush_leaves_every_chain_walkable() {
        assert!(
            walks_after(|nf| nf.flush(TableKind::Filter, None))
                .iter()
                .all(|v| *v == Verdict::Accept)
        );
        assert!(
            walks_after(|nf| nf.flush(TableKind::Nat, Some("OUTPUT")))
                .iter()
                .all(|v| *v == Verdict::Accept)
        );
    }

    #[test]
    fn a_first_new_chain_leaves_every_chain_walkable() {
        let v = walks_after(|nf| {
            nf.ensure_chain(TableKind::Filter, "MINE");
        });
        assert!(v.iter().all(|v| *v == Verdict::Accept));
        // A jump into a chain created empty falls through to the policy.
        let v = walks_after(|nf| {
            nf.ensure_chain(TableKind::Filter, "MINE");
            nf.append(TableKind::Filter, "FORWARD", "-j MINE").unwrap();
        });
        assert!(v.iter().all(|v| *v == Verdict::Accept));
    }

    /// The kernel's target checks hold for iptables-restore too: a rule's own table and
    /// built-in hook at its line, the hooks that reach a user chain at the COMMIT.
    /// xt_recent: `--set` remembers the source with the packet's time; `--rcheck
    /// --seconds N` matches only while that is less than N s ago; `--reap` then forgets
    /// it, so a later check without `--seconds` misses too; other sources and other lists
    /// are apart; `--update` refreshes the time and `--remove` forgets.
    #[test]
    fn recent_lists_remember_sources_in_simulated_time() {
        let rule = |args: &str| match Rule::parse(args).unwrap().modules.remove(0) {
            Module::Recent(r) => r,
            m => panic!("{m:?}"),
        };
        let set = rule("-m recent --name A --set -j ACCEPT");
        let check = rule("-m recent --name A --rcheck --seconds 10 --reap -j ACCEPT");
        let any = rule("-m recent --name A --rcheck -j ACCEPT");
        let update = rule("-m recent --name A --update -j ACCEPT");
        let remove = rule("-m recent --name A --remove -j ACCEPT");
        let other = rule("-m recent --name B --rcheck -j ACCEPT");
        let at = |secs: u64, src: [u8; 4]| {
            let mut v = view([10, 96, 0, 1], Proto::Tcp, 80);
            v.src = Ipv4Addr::from(src);
            v.now = SimTime::ZERO + Dur::from_secs(secs);
            v
        };
        let mut lists = RecentLists::new();
        let me = [10, 1, 1, 2];
        assert!(!recent_match(&check, &at(0, me), &mut lists));
        assert!(recent_match(&set, &at(0, me), &mut lists));
        assert!(recent_match(&check, &at(9, me), &mut lists));
        assert!(!recent_match(&check, &at(9, [10, 1, 1, 3]), &mut lists));
        assert!(!recent_match(&other, &at(9, me), &mut lists));
        assert!(recent_match(&update, &at(9, me), &mut lists));
        assert!(
            recent_match(&check, &at(18, me), &mut lists),
            "updated at 9 s"
        );
        assert!(
            !recent_match(&check, &at(19, me), &mut lists),
            "10 s is too old"
        );
        assert!(!recent_match(&any, &at(19, me), &mut lists), "reaped");
        assert!(recent_match(&set, &at(20, me), &mut lists));
        assert!(recent_match(&remove, &at(21, me), &mut lists));
        assert!(!recent_match(&any, &at(21, me), &mut lists));
    }

    #[test]
    fn restore_refuses_a_target_where_the_kernel_does_not_allow_it() {
        let mut nf = Netfilter::default();
        assert_eq!(
            nf.restore("*filter\n-A INPUT -j MASQUERADE\nCOMMIT\n")
                .unwrap_err(),
            "line 2: ip_tables: MASQUERADE target: only valid in nat table, not filter"
        );
        assert_eq!(
            nf.restore("*nat\n-A INPUT -j DNAT --to-destination 10.0.0.9\n")
                .unwrap_err(),
            "line 2: ip_tables: DNAT target: used from hooks INPUT, but only usable from PREROUTING/OUTPUT"
        );
        assert_eq!(
            nf.restore(
                "*nat\n:X - [0:0]\n-A X -j MASQUERADE\n-A PREROUTING -j X\n-A OUTPUT -j X\nCOMMIT\n"
            )
            .unwrap_err(),
            "line 6: ip_tables: MASQUERADE target: used from hooks PREROUTING/OUTPUT, but only usable from POSTROUTING"
        );
        assert_eq!(
            nf.restore("*nat\n-A OUTPUT -j DROP\n").unwrap_err(),
            "line 2: the nat table is not intended for filtering: DROP is refused"
        );
        let mut nf = Netfilter::default();
        assert_eq!(
            nf.restore("*nat\n:X - [0:0]\n-A X -j MASQUERADE\n-A POSTROUTING -j X\nCOMMIT\n"),
            Ok(2)
        );
    }

    #[test]
    fn restore_flushes_declared_chains_and_deletes_with_x() {
        let mut nf = table();
        nf.restore("*nat\n:KUBE-SVC-3 - [0:0]\n-X KUBE-SVC-4\nCOMMIT\n")
            .unwrap();
        assert!(nf.nat.chains["KUBE-SVC-3"].rules.is_empty());
        assert!(!nf.nat.chains.contains_key("KUBE-SVC-4"));
        assert_eq!(
            nf.restore("*nat\n-A NOPE -j ACCEPT\n").unwrap_err(),
            "line 2: no chain \"NOPE\""
        );
    }
}
