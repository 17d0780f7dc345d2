//! procps `ps aux` and `ps -ef`: the machine's running processes, by pid.
//!
//! The processes are the simulated ones (daemons such as dockerd and flanneld, and the
//! commands running now). CPU and memory use are not modelled: `%CPU`, `%MEM`, `VSZ`,
//! `RSS`, `C` and `TIME` print as zero. `START`/`STIME` is the simulated time the process
//! started, as `HH:MM` from the scenario's start. Every process's parent is pid 1.

use std::fmt::Write;

use crate::net::{NsId, World};

pub fn run(world: &World, ns: NsId, args: &[String]) -> (String, String, i32) {
    let style = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["aux"] | ["-aux"] | ["axu"] => Style::Aux,
        ["-ef"] | ["-e", "-f"] | ["-fe"] => Style::Ef,
        _ => {
            return (
                String::new(),
                "ps: only `ps aux` and `ps -ef` are simulated\n".into(),
                1,
            );
        }
    };
    // One row per command: a pipeline's commands are processes of their own.
    let mut procs: Vec<Row> = world
        .procs
        .values()
        .filter(|p| p.ns == Some(ns) && p.exit.is_none() && p.pid != 0)
        .flat_map(|p| {
            let row = |(pid, cmd): (u32, &str)| Row {
                pid,
                cmd: cmd.to_string(),
                daemon: p.daemon,
                started_secs: p.started_secs,
            };
            if p.pipeline.is_empty() {
                vec![row((p.pid, &p.cmd))]
            } else {
                p.pipeline.iter().map(|(pid, c)| row((*pid, c))).collect()
            }
        })
        .collect();
    procs.sort_by_key(|p| p.pid);
    let mut out = String::new();
    match style {
        Style::Aux => {
            out.push_str(
                "USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n",
            );
            for p in procs {
                let (tty, stat) = if p.daemon {
                    ("?", "Ssl")
                } else {
                    ("pts/0", "S+")
                };
                let _ = writeln!(
                    out,
                    "root     {:>5}  0.0  0.0      0     0 {tty:<8} {stat:<4} {:>5}   0:00 {}",
                    p.pid,
                    hhmm(p.started_secs),
                    p.cmd
                );
            }
        }
        Style::Ef => {
            out.push_str("UID        PID  PPID  C STIME TTY          TIME CMD\n");
            for p in procs {
                let tty = if p.daemon { "?" } else { "pts/0" };
                let _ = writeln!(
                    out,
                    "root     {:>5}     1  0 {} {tty:<8} 00:00:00 {}",
                    p.pid,
                    hhmm(p.started_secs),
                    p.cmd
                );
            }
        }
    }
    (out, String::new(), 0)
}

struct Row {
    pid: u32,
    cmd: String,
    daemon: bool,
    started_secs: u64,
}

enum Style {
    Aux,
    Ef,
}

fn hhmm(secs: u64) -> String {
    format!("{:02}:{:02}", (secs / 3600) % 24, (secs / 60) % 60)
}
