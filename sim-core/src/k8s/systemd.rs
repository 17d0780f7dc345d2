//! systemd on a node (`node/NAME/systemd`): starts flanneld at boot and runs the jobs
//! `systemctl` asks for.
//!
//! flanneld.service: `start` runs a new flanneld process (a new pid) unless one runs;
//! `stop` sends it SIGTERM (it logs "Exiting...", its TUN device and routes go away, and its
//! lease stays in etcd until its TTL runs out); `restart` is both. docker.service waits
//! for flanneld (`After=`), which starts it once docker's options are written.
//!
//! Jobs: systemd keeps at most one job per unit, and a job that arrives while another runs
//! for the unit is merged into it (job.c `job_install`: a restart merged into a running
//! job re-runs it). Here every job runs to completion within the event that starts it
//! (dockerd and flanneld stop and start at once, and systemctl returns then, as it waits
//! for its job), so a job never finds another one running; two restarts a moment apart are
//! two whole restarts, in order. What a stop must end is each component's own work of the
//! run it stops: dockerd's sandbox resync names the run that armed it, so a resync armed
//! before a restart does nothing after it (one sandbox per pod).

use crate::engine::{Actor, ActorId, Ctx, Dur};
use crate::k8s::flanneld::Flanneld;
use crate::net::{Msg, Net, NsId, Proc};

/// flanneld.service's settings (`/etc/sysconfig/flanneld`).
#[derive(Clone, Debug)]
pub struct FlannelUnit {
    pub etcd_endpoint: String,
    pub prefix: String,
    pub ip_masq: bool,
    /// When it starts at boot.
    pub start: Dur,
}

pub struct Systemd {
    pub ns: NsId,
    pub flannel: Option<FlannelUnit>,
    /// dockerd, if docker.service waits for flanneld.
    pub dockerd: Option<ActorId>,
    /// dockerd, for `systemctl start|stop|restart docker`.
    pub docker: Option<ActorId>,
    pub flanneld: Option<ActorId>,
}

const T_BOOT_FLANNEL: u64 = 1;

impl Actor<Net> for Systemd {
    fn handle(&mut self, msg: Msg, cx: &mut Ctx<'_, Net>) {
        match msg {
            Msg::Start => {
                if let Some(unit) = &self.flannel {
                    cx.schedule(unit.start, Msg::Timer(T_BOOT_FLANNEL));
                }
            }
            Msg::Timer(T_BOOT_FLANNEL) if self.flanneld.is_none() => self.start_flanneld(cx),
            Msg::Systemctl { verb, unit, from } => {
                let (code, stderr) = self.job(cx, &verb, &unit);
                cx.send(from, Msg::SystemctlDone { code, stderr });
            }
            _ => {}
        }
    }
}

impl Systemd {
    fn job(&mut self, cx: &mut Ctx<'_, Net>, verb: &str, unit: &str) -> (i32, String) {
        let name = unit.strip_suffix(".service").unwrap_or(unit);
        let service = format!("{name}.service");
        let failed = if verb == "stop" {
            format!("Failed to stop {service}: Unit {service} not loaded.\n")
        } else {
            format!("Failed to {verb} {service}: Unit {service} not found.\n")
        };
        match name {
            "flanneld" if self.flannel.is_some() => {
                if verb != "start"
                    && let Some(f) = self.flanneld.take()
                {
                    cx.send(f, Msg::Stop);
                }
                if verb != "stop" && self.flanneld.is_none() {
                    self.start_flanneld(cx);
                }
                (0, String::new())
            }
            "docker" if self.docker.is_some() => {
                // docker.service: stop, start, or both; a start reads flannel's options
                // again (EnvironmentFile=-/run/flannel/docker). kubelet.service
                // `Requires=docker.service`: stopping docker stops kubelet, a restart
                // restarts it, a start leaves it stopped (seed 004).
                let d = self.docker.expect("checked");
                let kubelet = self.kubelet(cx);
                if verb != "start" {
                    cx.send(d, Msg::Stop);
                    if let Some(k) = kubelet {
                        cx.send(k, Msg::Stop);
                    }
                }
                if verb != "stop" {
                    cx.send(d, Msg::Start);
                    if let (Some(k), "restart") = (kubelet, verb) {
                        cx.send(k, Msg::Start);
                    }
                }
                (0, String::new())
            }
            "kubelet" if self.kubelet(cx).is_some() => {
                let k = self.kubelet(cx).expect("checked");
                if verb != "start" {
                    cx.send(k, Msg::Stop);
                }
                if verb != "stop" {
                    cx.send(k, Msg::Start);
                }
                (0, String::new())
            }
            _ => (5, failed),
        }
    }

    /// This node's kubelet, if the cluster runs Kubernetes.
    fn kubelet(&self, cx: &Ctx<'_, Net>) -> Option<ActorId> {
        cx.lookup(&format!("node/{}/kubelet", cx.world.ns(self.ns).name))
    }

    fn start_flanneld(&mut self, cx: &mut Ctx<'_, Net>) {
        let Some(unit) = self.flannel.clone() else {
            return;
        };
        let netns = cx.world.ns_mut(self.ns);
        let pid = netns.alloc_pid();
        let name = format!("{}/flanneld[{pid}]", netns.label);
        let actor = Flanneld::new(self.ns, unit.prefix.clone(), unit.ip_masq, self.dockerd);
        let Some(id) = cx.spawn(name, Box::new(actor)) else {
            return;
        };
        let started_secs = cx.now().as_nanos() / 1_000_000_000;
        cx.world.procs.insert(
            id,
            Proc {
                ns: Some(self.ns),
                pid,
                daemon: true,
                started_secs,
                cmd: format!(
                    "/usr/bin/flanneld -etcd-endpoints={} -etcd-prefix={}",
                    unit.etcd_endpoint, unit.prefix
                ),
                ..Proc::default()
            },
        );
        cx.send(id, Msg::Start);
        self.flanneld = Some(id);
    }
}
