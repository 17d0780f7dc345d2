//! `systemctl start|stop|restart UNIT`: asks the machine's systemd (`node/NAME/systemd`)
//! and waits for the job, as systemctl does. `systemctl status UNIT` reads the unit's
//! state and journal (`journalctl.rs`).
//!
//! Units: `flanneld`, `docker` and `kubelet` (with or without `.service`). In a pod there
//! is no systemd, and systemctl prints what it prints in a container.

use crate::engine::Ctx;
use crate::net::{Msg, Net, NsId};
use crate::trace::Stream;

pub struct Systemctl {
    verb: String,
    unit: String,
}

impl Systemctl {
    pub fn parse(args: &[String]) -> Result<Systemctl, (String, i32)> {
        match args {
            [verb, unit] if ["start", "stop", "restart", "status"].contains(&verb.as_str()) => {
                Ok(Systemctl {
                    verb: verb.clone(),
                    unit: unit.clone(),
                })
            }
            [verb, ..] if ["start", "stop", "restart"].contains(&verb.as_str()) => Err((
                "Too few or too many arguments: one unit is simulated (systemctl VERB UNIT)."
                    .into(),
                1,
            )),
            [verb, ..] if verb == "status" => Err((
                "systemctl status: one unit is simulated (systemctl status UNIT)".into(),
                1,
            )),
            [verb, ..] => Err((
                format!(
                    "systemctl {verb}: not simulated yet (only start, stop, restart and status are)"
                ),
                1,
            )),
            [] => Err((
                "systemctl: a command is required (start, stop, restart)".into(),
                1,
            )),
        }
    }

    pub fn handle(&mut self, msg: Msg, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        match msg {
            Msg::Start if self.verb == "status" && !cx.world.ns(ns).label.starts_with("pod/") => {
                let (out, err, code) = super::journalctl::status(cx, ns, &self.unit);
                super::print(cx, Stream::Stdout, &out);
                super::print(cx, Stream::Stderr, &err);
                Some(code)
            }
            Msg::Start => {
                let label = cx.world.ns(ns).label.clone();
                let Some(systemd) = cx.lookup(&format!("{label}/systemd")) else {
                    super::print(
                        cx,
                        Stream::Stderr,
                        "System has not been booted with systemd as init system (PID 1). Can't operate.\nFailed to connect to bus: Host is down\n",
                    );
                    return Some(1);
                };
                let from = cx.me();
                cx.send(
                    systemd,
                    Msg::Systemctl {
                        verb: self.verb.clone(),
                        unit: self.unit.clone(),
                        from,
                    },
                );
                None
            }
            Msg::SystemctlDone { code, stderr } => {
                super::print(cx, Stream::Stderr, &stderr);
                Some(code)
            }
            _ => None,
        }
    }
}
