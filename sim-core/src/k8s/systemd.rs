//! systemd on a node (`node/NAME/systemd`): starts flanneld at boot and runs the jobs
//! `systemctl` asks for. `UNITS` is the table of the unit files a node has; the units'
//! journal lines and states (`Starting ...`, `Started ...`) are written here for the
//! daemons to call (`net/journal.rs`).
//!
//! flanneld.service: `start` runs a new flanneld process (a new pid) unless one runs;
//! `stop` sends it SIGTERM (it logs "Exiting...", its TUN device and routes go away, and its
//! lease stays in etcd until its TTL runs out); `restart` is both. docker.service waits
//! for flanneld (`After=`), which starts it once docker's options are written.
//!
//! Jobs: systemd keeps at most one job per unit, and a job that arrives while another runs
//! for the unit is merged into it (job.c `job_install`: a restart merged into a running
//! job re-runs it). Here every job runs to completion at the instant that starts it
//! (dockerd and flanneld stop and start at once, and systemctl returns then, as it waits
//! for its job; a flanneld restart starts the new process in the next event of that
//! instant, once the old one has exited), so a job never finds another one running; two restarts a moment apart are
//! two whole restarts, in order. What a stop must end is each component's own work of the
//! run it stops: dockerd's sandbox resync names the run that armed it, so a resync armed
//! before a restart does nothing after it (one sandbox per pod).

use crate::engine::{Actor, ActorId, Ctx, Dur};
use crate::k8s::flanneld::Flanneld;
use crate::net::journal::{self, Line};
use crate::net::{Msg, Net, NsId, Proc};

/// A unit file as the node's packages install it: what `systemctl status` shows of it.
pub struct UnitFile {
    pub name: &'static str,
    pub description: &'static str,
    /// Where it is, whether it is enabled, and the vendor preset.
    pub path: &'static str,
    pub enabled: &'static str,
    pub preset: &'static str,
    /// Its drop-in directory and file (flannel's for docker, kubeadm's for kubelet).
    pub drop_in: Option<(&'static str, &'static str)>,
    /// The journal identifier of its main process (`flanneld-start[PID]`).
    pub ident: &'static str,
}

/// The units a node runs: CentOS 7's packages (seed 004: flannel, docker and kubernetes-node
/// from the distribution), and kubeadm's kubelet on today's Ubuntu node.
pub static UNITS: &[UnitFile] = &[
    UnitFile {
        name: "flanneld",
        description: "Flanneld overlay address etcd agent",
        path: "/usr/lib/systemd/system/flanneld.service",
        enabled: "disabled",
        preset: "disabled",
        drop_in: None,
        ident: "flanneld-start",
    },
    UnitFile {
        name: "docker",
        description: "Docker Application Container Engine",
        path: "/usr/lib/systemd/system/docker.service",
        enabled: "enabled",
        preset: "disabled",
        drop_in: Some(("/usr/lib/systemd/system/docker.service.d", "flannel.conf")),
        ident: "dockerd-current",
    },
    UnitFile {
        name: "kubelet",
        description: "Kubernetes Kubelet Server",
        path: "/usr/lib/systemd/system/kubelet.service",
        enabled: "enabled",
        preset: "disabled",
        drop_in: None,
        ident: "kubelet",
    },
    UnitFile {
        name: "kube-apiserver",
        description: "Kubernetes API Server",
        path: "/usr/lib/systemd/system/kube-apiserver.service",
        enabled: "enabled",
        preset: "disabled",
        drop_in: None,
        ident: "kube-apiserver",
    },
    UnitFile {
        name: "kube-proxy",
        description: "Kubernetes Kube-Proxy Server",
        path: "/usr/lib/systemd/system/kube-proxy.service",
        enabled: "enabled",
        preset: "disabled",
        drop_in: None,
        ident: "kube-proxy",
    },
];

/// kubeadm's kubelet unit on today's node.
pub static KUBEADM_KUBELET: UnitFile = UnitFile {
    name: "kubelet",
    description: "kubelet: The Kubernetes Node Agent",
    path: "/lib/systemd/system/kubelet.service",
    enabled: "enabled",
    preset: "enabled",
    drop_in: Some((
        "/usr/lib/systemd/system/kubelet.service.d",
        "10-kubeadm.conf",
    )),
    ident: "kubelet",
};

/// The unit file of `name` (with or without `.service`).
pub fn unit_file(name: &str, modern: bool) -> Option<&'static UnitFile> {
    let name = name.strip_suffix(".service").unwrap_or(name);
    if modern && name == "kubelet" {
        return Some(&KUBEADM_KUBELET);
    }
    UNITS.iter().find(|u| u.name == name)
}

/// systemd logs a unit starting (`Starting DESC...`) and marks it active.
pub fn starting(cx: &mut Ctx<'_, Net>, ns: NsId, unit: &str) {
    let now = cx.now();
    systemd_line(cx, ns, unit, "Starting", "...");
    journal::set_active(cx.world, ns, unit, true, now);
}

/// systemd logs a unit started (`Started DESC.`: its process said it is ready).
pub fn started(cx: &mut Ctx<'_, Net>, ns: NsId, unit: &str) {
    systemd_line(cx, ns, unit, "Started", ".");
}

/// systemd logs a unit stopping (it sends the process SIGTERM).
pub fn stopping(cx: &mut Ctx<'_, Net>, ns: NsId, unit: &str) {
    systemd_line(cx, ns, unit, "Stopping", "...");
}

/// systemd logs a unit stopped (its process exited), and marks it inactive.
pub fn stopped(cx: &mut Ctx<'_, Net>, ns: NsId, unit: &str) {
    let now = cx.now();
    systemd_line(cx, ns, unit, "Stopped", ".");
    journal::set_active(cx.world, ns, unit, false, now);
}

fn systemd_line(cx: &mut Ctx<'_, Net>, ns: NsId, unit: &str, verb: &str, end: &str) {
    let Some(file) = unit_file(unit, false) else {
        return;
    };
    let description = if unit == "kubelet" && cx.world.runtime.modern.contains(&ns) {
        KUBEADM_KUBELET.description
    } else {
        file.description
    };
    let at = cx.now();
    journal::write(
        cx.world,
        ns,
        unit,
        Line {
            at,
            ident: "systemd".into(),
            pid: 1,
            text: format!("{verb} {description}{end}"),
        },
    );
}

/// A line a unit's main process writes to the journal (its stderr, which systemd keeps).
pub fn log(cx: &mut Ctx<'_, Net>, ns: NsId, unit: &str, text: String) {
    let me = cx.me();
    let pid = cx.world.procs.get(&me).map_or(0, |p| p.pid);
    let ident = unit_file(unit, false).map_or(unit, |u| u.ident);
    let at = cx.now();
    journal::write(
        cx.world,
        ns,
        unit,
        Line {
            at,
            ident: ident.into(),
            pid,
            text,
        },
    );
}

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
const T_RESTART_FLANNEL: u64 = 2;

impl Actor<Net> for Systemd {
    fn handle(&mut self, msg: Msg, cx: &mut Ctx<'_, Net>) {
        match msg {
            Msg::Start => {
                if let Some(unit) = &self.flannel {
                    cx.schedule(unit.start, Msg::Timer(T_BOOT_FLANNEL));
                    // The unit is there (inactive) before it starts.
                    let now = cx.now();
                    journal::set_active(cx.world, self.ns, "flanneld", false, now);
                }
            }
            Msg::Timer(T_BOOT_FLANNEL | T_RESTART_FLANNEL) if self.flanneld.is_none() => {
                self.start_flanneld(cx)
            }
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
                    stopping(cx, self.ns, "flanneld");
                    cx.send(f, Msg::Stop);
                }
                if verb == "start" && self.flanneld.is_none() {
                    self.start_flanneld(cx);
                } else if verb == "restart" {
                    // The new process starts once the old one has exited (its SIGTERM is
                    // handled first, at this same instant).
                    cx.schedule(Dur::ZERO, Msg::Timer(T_RESTART_FLANNEL));
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
        starting(cx, self.ns, "flanneld");
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
