//! `journalctl -u UNIT [-n N] [--no-pager] [-f]`, and what `systemctl status` shows of a
//! unit: its state, main process and last journal lines (`net/journal.rs`, the unit table
//! in `k8s/systemd.rs`).

use crate::engine::{Ctx, Dur, SimTime};
use crate::k8s::systemd::{UnitFile, unit_file};
use crate::net::journal::{self, Line};
use crate::net::{Msg, Net, NsId, Proc, World};
use crate::trace::Stream;

/// A journal line as journalctl's short format prints it:
/// `Oct 19 19:15:52 why-02 flanneld-start[30552]: ...`.
pub fn short(host: &str, l: &Line) -> String {
    format!(
        "{} {host} {}[{}]: {}\n",
        crate::clock::datetime(l.at).format("%b %d %H:%M:%S"),
        l.ident,
        l.pid,
        l.text
    )
}

/// systemd's timestamp: `Thu 2017-10-19 19:15:52 UTC`.
fn timestamp(t: SimTime) -> String {
    crate::clock::datetime(t)
        .format("%a %Y-%m-%d %H:%M:%S UTC")
        .to_string()
}

/// systemd's `format_timestamp_relative`: `2s ago`, `1min 5s ago`, `20min ago`,
/// `1h 5min ago`.
pub fn relative(secs: u64) -> String {
    const MIN: u64 = 60;
    const HOUR: u64 = 3600;
    const DAY: u64 = 86400;
    match secs {
        0 => "now".into(),
        s if s >= 2 * DAY => format!("{} days ago", s / DAY),
        s if s >= 25 * HOUR => format!("1 day {}h ago", (s - DAY) / HOUR),
        s if s >= 6 * HOUR => format!("{}h ago", s / HOUR),
        s if s >= HOUR => format!("{}h {}min ago", s / HOUR, (s % HOUR) / MIN),
        s if s >= 5 * MIN => format!("{}min ago", s / MIN),
        s if s >= MIN => format!("{}min {}s ago", s / MIN, s % MIN),
        s => format!("{s}s ago"),
    }
}

/// A unit's main process on machine `ns`: the newest one it ran.
fn main_proc<'a>(cx: &'a Ctx<'_, Net>, ns: NsId, unit: &str) -> Option<&'a Proc> {
    let world = &cx.world;
    let label = &world.ns(ns).label;
    match unit {
        "flanneld" => world
            .procs
            .values()
            .rev()
            .find(|p| p.ns == Some(ns) && p.cmd.starts_with("/usr/bin/flanneld")),
        "docker" => cx
            .lookup(&format!("{label}/dockerd"))
            .and_then(|a| world.procs.get(&a)),
        "kubelet" => cx
            .lookup(&format!("{label}/kubelet"))
            .and_then(|a| world.procs.get(&a)),
        // A systemd unit where kube-proxy is the distribution's (kubeadm runs it in a pod).
        "kube-proxy" => cx
            .lookup(&format!("{label}/kube-proxy"))
            .and_then(|a| world.procs.get(&a))
            .filter(|p| p.cmd.starts_with("/usr/bin/kube-proxy")),
        // Where it is the distribution's service (kubeadm's is a static pod: no unit).
        "kube-apiserver" => journal::unit(world, ns, "kube-apiserver")
            .and(cx.lookup("kube-apiserver"))
            .and_then(|a| world.procs.get(&a))
            .filter(|p| p.ns == Some(ns)),
        _ => None,
    }
    .filter(|p| p.pid != 0)
}

/// The unit `name` on machine `ns`, if it has it: its file, its name without `.service`.
fn find_unit(cx: &Ctx<'_, Net>, ns: NsId, name: &str) -> Option<(&'static UnitFile, String)> {
    let modern = cx.world.runtime.modern.contains(&ns);
    let file = unit_file(name, modern)?;
    let here = journal::unit(cx.world, ns, file.name).is_some()
        || main_proc(cx, ns, file.name).is_some()
        || (file.name == "docker"
            && cx
                .lookup(&format!("{}/dockerd", cx.world.ns(ns).label))
                .is_some());
    here.then(|| (file, file.name.to_string()))
}

/// `systemctl status UNIT`: (stdout, stderr, status): 0 active, 3 inactive, 4 no such unit.
pub fn status(cx: &Ctx<'_, Net>, ns: NsId, name: &str) -> (String, String, i32) {
    let service = format!("{}.service", name.strip_suffix(".service").unwrap_or(name));
    let Some((file, unit)) = find_unit(cx, ns, name) else {
        return (
            String::new(),
            format!("Unit {service} could not be found.\n"),
            4,
        );
    };
    let now = cx.now();
    let world: &World = cx.world;
    let proc = main_proc(cx, ns, &unit);
    let entry = journal::unit(world, ns, &unit);
    // Active since when, or inactive since when (if ever active).
    let (active, since) = match entry {
        Some(u) if u.active_since.is_some() => (true, u.active_since),
        Some(u) => (false, u.inactive_since.filter(|_| proc.is_some())),
        None => match proc {
            Some(p) if p.exit.is_none() => {
                (true, Some(SimTime::ZERO + Dur::from_secs(p.started_secs)))
            }
            _ => (false, None),
        },
    };
    let mut out = format!("● {service} - {}\n", file.description);
    out.push_str(&format!(
        "   Loaded: loaded ({}; {}; vendor preset: {})\n",
        file.path, file.enabled, file.preset
    ));
    if let Some((dir, conf)) = file.drop_in {
        let flannel = journal::unit(world, ns, "flanneld").is_some();
        if unit != "docker" || flannel {
            out.push_str(&format!("  Drop-In: {dir}\n           └─{conf}\n"));
        }
    }
    let ago = |t: SimTime| relative((now.as_nanos() - t.as_nanos()) / 1_000_000_000);
    let state = if active {
        "active (running)"
    } else {
        "inactive (dead)"
    };
    match since {
        Some(t) => out.push_str(&format!(
            "   Active: {state} since {}; {}\n",
            timestamp(t),
            ago(t)
        )),
        None => out.push_str(&format!("   Active: {state}\n")),
    }
    if let Some(p) = proc {
        let comm: String = p
            .cmd
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .chars()
            .take(15)
            .collect();
        if active {
            out.push_str(&format!(" Main PID: {} ({comm})\n", p.pid));
            out.push_str(&format!(
                "   CGroup: /system.slice/{service}\n           └─{} {}\n",
                p.pid, p.cmd
            ));
        } else if since.is_some() {
            out.push_str(&format!(
                " Main PID: {} (code=exited, status=0/SUCCESS)\n",
                p.pid
            ));
        }
    }
    if let Some(u) = entry.filter(|u| !u.lines.is_empty()) {
        out.push('\n');
        let host = &world.ns(ns).name;
        let skip = u.lines.len().saturating_sub(10);
        for l in u.lines.iter().skip(skip) {
            out.push_str(&short(host, l));
        }
    }
    (out, String::new(), if active { 0 } else { 3 })
}

/// `journalctl`.
pub struct Journalctl {
    unit: Option<String>,
    lines: Option<usize>,
    follow: bool,
    /// With `-f`: how many of the unit's lines were printed.
    shown: u64,
}

/// How often `journalctl -f` looks for new lines (in simulated time).
const POLL: Dur = Dur::from_secs(1);

impl Journalctl {
    pub fn parse(args: &[String]) -> Result<Journalctl, (String, i32)> {
        let mut j = Journalctl {
            unit: None,
            lines: None,
            follow: false,
            shown: 0,
        };
        let mut it = args.iter();
        while let Some(a) = it.next() {
            let mut value = |flag: &str| -> Result<String, (String, i32)> {
                it.next().cloned().ok_or((
                    format!("journalctl: option '{flag}' requires an argument"),
                    1,
                ))
            };
            match a.as_str() {
                "-u" | "--unit" => j.unit = Some(value(a)?),
                "-n" | "--lines" => {
                    let v = value(a)?;
                    j.lines = Some(lines_arg(&v)?);
                }
                "--no-pager" | "-l" | "--full" | "-q" | "--quiet" => {}
                "-f" | "--follow" => j.follow = true,
                a if a.starts_with("--unit=") => j.unit = Some(a[7..].to_string()),
                a if a.starts_with("--lines=") => j.lines = Some(lines_arg(&a[8..])?),
                a if a.starts_with("-u") && a.len() > 2 => j.unit = Some(a[2..].to_string()),
                a if a.starts_with("-n") && a.len() > 2 => j.lines = Some(lines_arg(&a[2..])?),
                a => {
                    return Err((
                        format!(
                            "journalctl: {a} is not simulated yet (-u UNIT, -n N, -f, --no-pager are)"
                        ),
                        1,
                    ));
                }
            }
        }
        if j.unit.is_none() {
            return Err((
                "journalctl: only a unit's journal is simulated: journalctl -u UNIT".into(),
                1,
            ));
        }
        if j.follow && j.lines.is_none() {
            j.lines = Some(10);
        }
        Ok(j)
    }

    pub fn handle(&mut self, msg: Msg, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        let name = self.unit.clone().expect("parsed");
        let unit = name.strip_suffix(".service").unwrap_or(&name).to_string();
        match msg {
            Msg::Start => {
                let out = self.first(cx, ns, &unit);
                super::print(cx, Stream::Stdout, &out);
                if !self.follow {
                    return Some(0);
                }
                cx.schedule(POLL, Msg::Timer(0));
                None
            }
            Msg::Timer(_) => {
                let host = cx.world.ns(ns).name.clone();
                let mut out = String::new();
                if let Some(u) = journal::unit(cx.world, ns, &unit) {
                    let first = u.written - u.lines.len() as u64;
                    for (i, l) in u.lines.iter().enumerate() {
                        if first + i as u64 >= self.shown {
                            out.push_str(&short(&host, l));
                        }
                    }
                    self.shown = u.written;
                }
                super::print(cx, Stream::Stdout, &out);
                cx.schedule(POLL, Msg::Timer(0));
                None
            }
            _ => None,
        }
    }

    /// The header and the lines it prints at once.
    fn first(&mut self, cx: &Ctx<'_, Net>, ns: NsId, unit: &str) -> String {
        let world = &cx.world;
        let host = &world.ns(ns).name;
        // The machine's whole journal: when it begins and ends.
        let all = world
            .journal
            .units
            .range((ns, String::new())..)
            .take_while(|((n, _), _)| *n == ns)
            .flat_map(|(_, u)| u.lines.iter().map(|l| l.at));
        let (begin, end) = all.fold(
            (None, None),
            |(b, e): (Option<SimTime>, Option<SimTime>), t| {
                (
                    Some(b.map_or(t, |b| b.min(t))),
                    Some(e.map_or(t, |e| e.max(t))),
                )
            },
        );
        let modern = world.runtime.modern.contains(&ns);
        let mut out = match (begin, end) {
            (Some(b), Some(e)) if modern => format!(
                "-- Journal begins at {}, ends at {}. --\n",
                timestamp(b),
                timestamp(e)
            ),
            (Some(b), Some(e)) => format!(
                "-- Logs begin at {}, end at {}. --\n",
                timestamp(b),
                timestamp(e)
            ),
            _ => String::new(),
        };
        let lines = journal::unit(world, ns, unit).map(|u| {
            self.shown = u.written;
            let skip = self.lines.map_or(0, |n| u.lines.len().saturating_sub(n));
            u.lines
                .iter()
                .skip(skip)
                .map(|l| short(host, l))
                .collect::<String>()
        });
        match lines {
            Some(l) if !l.is_empty() => out.push_str(&l),
            _ => out.push_str("-- No entries --\n"),
        }
        out
    }
}

/// `-n N`: a count (journalctl takes `all` or `+N` too; those are not simulated).
fn lines_arg(v: &str) -> Result<usize, (String, i32)> {
    v.parse()
        .map_err(|_| (format!("Failed to parse lines '{v}'"), 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_times_as_systemd() {
        assert_eq!(relative(2), "2s ago");
        assert_eq!(relative(65), "1min 5s ago");
        assert_eq!(relative(20 * 60), "20min ago");
        assert_eq!(relative(3600 + 300), "1h 5min ago");
        assert_eq!(relative(7 * 3600), "7h ago");
    }
}
