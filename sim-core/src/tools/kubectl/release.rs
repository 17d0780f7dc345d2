//! What kubectl prints differently per release (docs/versions.md): the line a change
//! prints, the tabwriter's minimum column width, AGE, and the empty-list message. `get`'s
//! columns per release are in `table()`.
//!
//! Sources: kubectl 1.5's `pkg/kubectl/cmd/util/helpers.go` (`PrintSuccess`) and
//! `pkg/kubectl/resource_printer.go` (`GetNewTabWriter`, `shortHumanDuration`), as seed 004
//! prints them; today's cli-runtime `printers/name.go` and `printers/tabwriter.go`.

use crate::engine::Dur;
use crate::k8s::api::Kind;
use crate::k8s::proxy::names::Era;

/// The resource name kubectl's messages use for a kind: 1.5's `ResourceSingularizer` gives
/// the bare singular (`deployment`, of the extensions group then), today's printers
/// `kind.group` (`deployment.apps`).
pub fn resource(kind: Kind, era: Era) -> &'static str {
    let s = kind.singular();
    match era {
        Era::Modern => s,
        Era::Classic => s.split('.').next().unwrap_or(s),
    }
}

/// The line a change prints (`op`: created, scaled, edited, deleted). kubectl 1.5's
/// `PrintSuccess`: `replicationcontroller "redis-master" created`; today's name printer:
/// `replicationcontroller/redis-master created`. `delete` has its own printer, which has
/// kept the quoted form: `service "x" deleted` in both.
pub fn done(kind: Kind, name: &str, op: &str, era: Era) -> String {
    let r = resource(kind, era);
    match (era, op) {
        (Era::Classic, _) | (Era::Modern, "deleted" | "force deleted") => {
            format!("{r} \"{name}\" {op}\n")
        }
        (Era::Modern, _) => format!("{r}/{name} {op}\n"),
    }
}

/// The tabwriter's minimum cell width: kubectl 1.5 set 10 (`tabwriterMinWidth`; seed 004's
/// `READY     STATUS`), today's 6. Padding is 3 in both.
pub fn min_width(era: Era) -> usize {
    match era {
        Era::Classic => 10,
        Era::Modern => 6,
    }
}

/// AGE: 1.5's `shortHumanDuration` (one unit: `25s`, `4m`, `11h`, `3d`, `2y`), today's
/// `HumanDuration` (two units where they help: `4m30s`).
pub fn age(d: Dur, era: Era) -> String {
    match era {
        Era::Modern => super::age(d),
        Era::Classic => {
            let secs = d.as_nanos() / 1_000_000_000;
            let (minutes, hours) = (secs / 60, secs / 3600);
            match () {
                _ if secs < 60 => format!("{secs}s"),
                _ if minutes < 60 => format!("{minutes}m"),
                _ if hours < 24 => format!("{hours}h"),
                _ if hours < 24 * 364 => format!("{}d", hours / 24),
                _ => format!("{}y", hours / 24 / 365),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::k8s::version::Version;

    /// Seed 004's lines (kubectl 1.5) and today's, for every change kubectl prints.
    #[test]
    fn change_lines_as_each_release_prints_them() {
        let c = Era::Classic;
        let m = Era::Modern;
        let rc = Kind::ReplicationController;
        assert_eq!(
            done(rc, "redis-master", "created", c),
            "replicationcontroller \"redis-master\" created\n"
        );
        assert_eq!(
            done(Kind::Service, "redis-master", "created", c),
            "service \"redis-master\" created\n"
        );
        assert_eq!(
            done(rc, "redis-master", "created", m),
            "replicationcontroller/redis-master created\n"
        );
        assert_eq!(
            done(rc, "web", "scaled", c),
            "replicationcontroller \"web\" scaled\n"
        );
        assert_eq!(
            done(rc, "web", "scaled", m),
            "replicationcontroller/web scaled\n"
        );
        assert_eq!(
            done(Kind::Service, "x", "deleted", c),
            "service \"x\" deleted\n"
        );
        assert_eq!(
            done(Kind::Service, "x", "deleted", m),
            "service \"x\" deleted\n"
        );
        assert_eq!(
            done(Kind::Deployment, "web", "created", c),
            "deployment \"web\" created\n"
        );
        assert_eq!(
            done(Kind::Deployment, "web", "created", m),
            "deployment.apps/web created\n"
        );
        assert_eq!(
            done(Kind::Deployment, "web", "deleted", m),
            "deployment.apps \"web\" deleted\n"
        );
        assert_eq!(
            done(Kind::ConfigMap, "x", "edited", c),
            "configmap \"x\" edited\n"
        );
    }

    fn meta(name: &str, age_secs: u64, now: crate::engine::SimTime) -> crate::k8s::api::Meta {
        crate::k8s::api::Meta {
            name: name.into(),
            namespace: "default".into(),
            created: crate::engine::SimTime(now.as_nanos() - age_secs * 1_000_000_000),
            ..Default::default()
        }
    }

    fn service(
        name: &str,
        ip: &str,
        port: u16,
        node_port: Option<u32>,
        age_secs: u64,
        now: crate::engine::SimTime,
    ) -> crate::k8s::api::Object {
        crate::k8s::api::Object {
            meta: meta(name, age_secs, now),
            body: crate::k8s::api::Body::Service(crate::k8s::api::Service {
                type_: if node_port.is_some() {
                    "NodePort"
                } else {
                    "ClusterIP"
                }
                .into(),
                cluster_ip: Some(ip.parse().unwrap()),
                ports: vec![crate::k8s::api::ServicePort {
                    name: String::new(),
                    protocol: None,
                    port,
                    target_port: None,
                    target_name: None,
                    node_port,
                }],
                selector: Default::default(),
                external_ips: Vec::new(),
                external_name: None,
                ingress: Vec::new(),
                publish_not_ready: false,
                affinity: None,
                policy: Default::default(),
            }),
        }
    }

    /// `kubectl get svc`, `get rc` and `get pods` of a 1.5 cluster print what seed 004's
    /// did, byte for byte (columns, `<nodes>` for a NodePort, tabwriter's minimum width 10,
    /// one-unit AGE); the same objects in today's columns have TYPE and `<none>`.
    #[test]
    fn get_tables_as_seed_004_prints_them() {
        use crate::k8s::api::{Body, Container, Object, Phase, Pod, Rc};
        let now = crate::engine::SimTime(200_000 * 1_000_000_000);
        let svcs = [
            service("frontend", "10.254.136.133", 80, Some(30001), 2, now),
            service("kubernetes", "10.254.0.1", 443, None, 11 * 3600 + 5, now),
            service(
                "redis-master",
                "10.254.133.172",
                6379,
                None,
                29 * 60 + 3,
                now,
            ),
            service("redis-slave", "10.254.135.38", 6379, None, 37, now),
        ];
        assert_eq!(
            super::super::table(Kind::Service, &svcs, false, false, now, Version::CLASSIC),
            "NAME           CLUSTER-IP       EXTERNAL-IP   PORT(S)        AGE\n\
             frontend       10.254.136.133   <nodes>       80:30001/TCP   2s\n\
             kubernetes     10.254.0.1       <none>        443/TCP        11h\n\
             redis-master   10.254.133.172   <none>        6379/TCP       29m\n\
             redis-slave    10.254.135.38    <none>        6379/TCP       37s\n"
        );
        assert_eq!(
            super::super::table(
                Kind::Service,
                &svcs[..1],
                false,
                false,
                now,
                Version::MODERN
            ),
            "NAME       TYPE       CLUSTER-IP       EXTERNAL-IP   PORT(S)        AGE\n\
             frontend   NodePort   10.254.136.133   <none>        80:30001/TCP   2s\n"
        );
        let rc = |name: &str, n: u32, age_secs: u64| Object {
            meta: meta(name, age_secs, now),
            body: Body::Workload(Rc {
                kind: Kind::ReplicationController,
                replicas: n,
                selector: Default::default(),
                template_labels: Default::default(),
                containers: Vec::new(),
                spec: Default::default(),
                current: n,
                ready: n,
                updated: 0,
                template_annotations: Default::default(),
                rollout: Default::default(),
                stateful: Default::default(),
                job: Default::default(),
            }),
        };
        assert_eq!(
            super::super::table(
                Kind::ReplicationController,
                &[rc("redis-master", 1, 55 * 60), rc("redis-slave", 2, 100)],
                false,
                false,
                now,
                Version::CLASSIC
            ),
            "NAME           DESIRED   CURRENT   READY     AGE\n\
             redis-master   1         1         1         55m\n\
             redis-slave    2         2         2         1m\n"
        );
        let pod = |name: &str, age_secs: u64| Object {
            meta: meta(name, age_secs, now),
            body: Body::Pod(Box::new(Pod {
                node: Some("why-02".into()),
                containers: vec![Container {
                    name: "c".into(),
                    ..Default::default()
                }],
                spec: Default::default(),
                phase: Phase::Running,
                ip: Some("172.17.0.3".parse().unwrap()),
                host_ip: None,
                ready: true,
                started: None,
                statuses: Vec::new(),
                init_statuses: Vec::new(),
            })),
        };
        let pods = [
            pod("nginx", 5 * 3600 + 7),
            pod("redis-master-7jzcq", 3600 + 100),
            pod("redis-slave-70cv0", 21 * 60),
        ];
        assert_eq!(
            super::super::table(Kind::Pod, &pods, false, false, now, Version::CLASSIC),
            "NAME                 READY     STATUS    RESTARTS   AGE\n\
             nginx                1/1       Running   0          5h\n\
             redis-master-7jzcq   1/1       Running   0          1h\n\
             redis-slave-70cv0    1/1       Running   0          21m\n"
        );
        assert_eq!(
            super::super::table(Kind::Pod, &pods[2..], true, false, now, Version::CLASSIC),
            "NAME                READY     STATUS    RESTARTS   AGE       IP           NODE\n\
             redis-slave-70cv0   1/1       Running   0          21m       172.17.0.3   why-02\n"
        );
    }

    /// 1.5's AGE has one unit (seed 004: `25s`, `2m`, `1h`, `11h`); today's two below a
    /// threshold.
    #[test]
    fn ages_as_each_release_prints_them() {
        let s = Dur::from_secs;
        let c = Era::Classic;
        assert_eq!(age(s(25), c), "25s");
        assert_eq!(age(s(59), c), "59s");
        assert_eq!(age(s(60), c), "1m");
        assert_eq!(age(s(4 * 60 + 30), c), "4m");
        assert_eq!(age(s(4 * 60 + 30), Era::Modern), "4m30s");
        assert_eq!(age(s(3600 + 59 * 60), c), "1h");
        assert_eq!(age(s(11 * 3600), c), "11h");
        assert_eq!(age(s(3 * 86400 + 5), c), "3d");
        assert_eq!(age(s(400 * 86400), c), "1y");
    }
}
