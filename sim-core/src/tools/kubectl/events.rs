//! `kubectl get events [-n NS | -A] [-w] [--field-selector SEL]`: the events the
//! apiserver keeps, as kubectl's table prints them.
//!
//! - Today (printers.go `printEvent`): LAST SEEN, TYPE, REASON, OBJECT (`pod/web-x`),
//!   MESSAGE, in the server's list order (events are named after their object, so by
//!   namespace, object name, then time).
//! - kubectl 1.5 (resource_printer.go): LASTSEEN, FIRSTSEEN, COUNT, NAME, KIND,
//!   SUBOBJECT, TYPE, REASON, SOURCE (`kubelet, why-02`), MESSAGE, sorted by last seen;
//!   `get`'s tabwriter had a minimum width of 10; watching printed absolute times.
//! - `-w` prints the table, then each new or updated event as its own row (kubectl
//!   formats each watch event on its own, so its columns do not line up with the
//!   header's), until the command is stopped or the run ends. It arms no timer.
//!
//! A cluster-scoped object's events (a node's) are in the `default` namespace, as the
//! event recorder puts them.

use super::describe::short_age;
use super::tabwriter::{self, Writer};
use super::verbs::{Args, More, boolean, unknown_flag};
use super::{Cmd, Kubectl, age};
use crate::engine::{Ctx, SimTime};
use crate::k8s::api::{Event, Key, Kind, Request, Response};
use crate::k8s::proxy::names::Era;
use crate::net::{Msg, Net, NsId};
use crate::tools::print;
use crate::trace::Stream;

/// One `--field-selector` term: (field, wanted, `!=`).
type Term = (String, String, bool);

#[derive(Clone, Debug, Default)]
pub struct Events {
    watch: bool,
    fields: Vec<Term>,
    /// The field selector as typed (for its error).
    selector: String,
    /// Watching: the table's header is printed.
    started: bool,
}

/// The fields the apiserver lets events be selected by.
const FIELDS: [&str; 7] = [
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "metadata.name",
    "metadata.namespace",
    "reason",
    "type",
];

impl Events {
    pub fn parse(a: &Args) -> Result<Events, (String, i32)> {
        let mut e = Events::default();
        for (f, v) in &a.flags {
            match f.as_str() {
                "-w" | "--watch" => e.watch = boolean(f, v)?,
                "--field-selector" => {
                    let text = v.clone().unwrap_or_default();
                    for term in text.split(',').filter(|t| !t.is_empty()) {
                        let (k, v, neg) = if let Some((k, v)) = term.split_once("!=") {
                            (k, v, true)
                        } else if let Some((k, v)) = term.split_once("==") {
                            (k, v, false)
                        } else if let Some((k, v)) = term.split_once('=') {
                            (k, v, false)
                        } else {
                            return Err((
                                format!(
                                    "error: invalid field selector: '{term}': invalid selector: '{text}'; can't understand '{term}'\n"
                                ),
                                1,
                            ));
                        };
                        e.fields.push((k.to_string(), v.to_string(), neg));
                    }
                    e.selector = text;
                }
                "-o" | "--output" => {
                    return Err((
                        "error: `kubectl get events -o` is not simulated (the table is)\n".into(),
                        1,
                    ));
                }
                other => return Err(unknown_flag("get", other)),
            }
        }
        Ok(e)
    }

    /// Whether the field selector picks the event.
    fn picks(&self, (kind, ns, name): &Key, e: &Event) -> bool {
        self.fields.iter().all(|(f, want, neg)| {
            let ns = if ns.is_empty() { "default" } else { ns };
            let have = match f.as_str() {
                "involvedObject.kind" => kind.name(),
                "involvedObject.namespace" | "metadata.namespace" => ns,
                "involvedObject.name" => name,
                "reason" => &e.reason,
                "type" => e.type_,
                _ => "",
            };
            (have == want) != *neg
        })
    }
}

/// `strings.ToLower(InvolvedObject.Kind)/NAME`.
fn object(kind: Kind, name: &str) -> String {
    format!("{}/{name}", kind.name().to_lowercase())
}

/// kubectl 1.5's `get` tabwriter: `NewWriter(out, 10, 4, 3, ' ', 0)`.
const CLASSIC_TABLE: tabwriter::Config = tabwriter::Config {
    minwidth: 10,
    tabwidth: 4,
    padding: 3,
    padchar: ' ',
};

/// Go's `time.Time.String()` in UTC: `2017-10-18 15:00:05 +0000 UTC`.
pub fn go_time(t: SimTime) -> String {
    crate::clock::datetime(t)
        .format("%Y-%m-%d %H:%M:%S%.f +0000 UTC")
        .to_string()
}

/// The header and rows of `get events`, tab-separated.
pub fn rows(
    list: &[(Key, Event)],
    era: Era,
    namespaces: bool,
    header: bool,
    absolute: bool,
    now: SimTime,
) -> String {
    let mut out = String::new();
    let ns_col = if namespaces { "NAMESPACE\t" } else { "" };
    if header {
        match era {
            Era::Modern => out += &format!("{ns_col}LAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE\n"),
            Era::Classic => {
                out += &format!(
                    "{ns_col}LASTSEEN\tFIRSTSEEN\tCOUNT\tNAME\tKIND\tSUBOBJECT\tTYPE\tREASON\tSOURCE\tMESSAGE\n"
                )
            }
        }
    }
    for ((kind, ns, name), e) in list {
        if namespaces {
            let ns = if ns.is_empty() { "default" } else { ns };
            out += &format!("{ns}\t");
        }
        match era {
            Era::Modern => {
                out += &format!(
                    "{}\t{}\t{}\t{}\t{}\n",
                    age(now - e.last),
                    e.type_,
                    e.reason,
                    object(*kind, name),
                    e.message.trim()
                );
            }
            Era::Classic => {
                let (last, first) = if absolute {
                    (go_time(e.last), go_time(e.first))
                } else {
                    (short_age(now - e.last), short_age(now - e.first))
                };
                let source = if e.host.is_empty() {
                    e.from.clone()
                } else {
                    format!("{}, {}", e.from, e.host)
                };
                out += &format!(
                    "{last}\t{first}\t{}\t{name}\t{}\t{}\t{}\t{}\t{source}\t{}\n",
                    e.count,
                    kind.name(),
                    e.field_path,
                    e.type_,
                    e.reason,
                    e.message
                );
            }
        }
    }
    out
}

/// The list in the order the era's kubectl shows it.
pub fn order(list: &mut [(Key, Event)], era: Era) {
    match era {
        // The server's order: by namespace and event name (the object's name, then a
        // timestamp).
        // An event's name is its object's, a dot, and a timestamp: `web-1.17a...` sorts
        // before `web.17a...`.
        Era::Modern => list.sort_by(|(a, x), (b, y)| {
            let key = |k: &Key, e: &Event| {
                let ns = if k.1.is_empty() { "default" } else { &k.1 };
                (ns.to_string(), format!("{}.", k.2), e.first)
            };
            key(a, x).cmp(&key(b, y))
        }),
        // events.SortableEvents: by last seen.
        Era::Classic => list.sort_by_key(|(_, e)| e.last),
    }
}

impl Kubectl {
    fn events_opts(&mut self) -> &mut Events {
        match &mut self.cmd {
            Cmd::More(More::Events(e)) => e,
            _ => unreachable!("a get events command"),
        }
    }

    pub(super) fn events(&mut self, msg: Msg, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        let era = self.era();
        match msg {
            Msg::Start => {
                if !self.connected(ns, cx) {
                    return Some(1);
                }
                let opts = self.events_opts().clone();
                if let Some((f, ..)) = opts
                    .fields
                    .iter()
                    .find(|(f, ..)| !FIELDS.contains(&f.as_str()))
                {
                    print(
                        cx,
                        Stream::Stderr,
                        &format!(
                            "Error from server (BadRequest): Unable to find \"/v1, Resource=events\" that match label selector \"\", field selector \"{}\": field label not supported: {f}\n",
                            opts.selector
                        ),
                    );
                    return Some(1);
                }
                let ns_filter = (!self.all).then(|| self.ns.clone());
                let req = if opts.watch {
                    Request::WatchEvents { ns: ns_filter }
                } else {
                    Request::Events { ns: ns_filter }
                };
                self.ask(cx, ns, req);
                None
            }
            Msg::ApiResponse { resp, .. } => {
                let Response::Events(list) = *resp else {
                    return Some(self.answer(*resp, cx));
                };
                let opts = self.events_opts().clone();
                let mut list: Vec<(Key, Event)> =
                    list.into_iter().filter(|(k, e)| opts.picks(k, e)).collect();
                order(&mut list, era);
                let first = !opts.started;
                self.events_opts().started = true;
                let now = cx.now();
                let cfg = match era {
                    Era::Modern => tabwriter::TABLE,
                    Era::Classic => CLASSIC_TABLE,
                };
                if list.is_empty() {
                    if first {
                        let text = match (era, self.all) {
                            (Era::Classic, _) => "No resources found.\n".to_string(),
                            (_, true) => "No resources found\n".to_string(),
                            _ => format!("No resources found in {} namespace.\n", self.ns),
                        };
                        print(cx, Stream::Stderr, &text);
                    }
                    return (!opts.watch).then_some(0);
                }
                let absolute = opts.watch && era == Era::Classic;
                let mut w = Writer::new(cfg);
                if first {
                    w.write(&rows(&list, era, self.all, true, absolute, now));
                } else {
                    // Each watch event is formatted on its own.
                    for one in &list {
                        w.write(&rows(
                            std::slice::from_ref(one),
                            era,
                            self.all,
                            false,
                            absolute,
                            now,
                        ));
                        w.flush();
                    }
                }
                print(cx, Stream::Stdout, &w.finish());
                (!opts.watch).then_some(0)
            }
            Msg::Timer(_) => {
                print(
                    cx,
                    Stream::Stderr,
                    "Unable to connect to the server: dial tcp: i/o timeout\n",
                );
                Some(1)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::describe::tests::{event, t};
    use super::*;

    fn sample() -> Vec<(Key, Event)> {
        let pod = (
            Kind::Pod,
            "default".to_string(),
            "redis-master-7jzcq".to_string(),
        );
        let rc = (
            Kind::ReplicationController,
            "default".to_string(),
            "redis-master".to_string(),
        );
        vec![
            (
                rc,
                event(
                    ("Normal", "SuccessfulCreate"),
                    ("replication-controller", "", ""),
                    "Created pod: redis-master-7jzcq",
                    (0, 0, 1),
                ),
            ),
            (
                pod.clone(),
                event(
                    ("Normal", "Scheduled"),
                    ("default-scheduler", "", ""),
                    "Successfully assigned default/redis-master-7jzcq to why-02",
                    (0, 0, 1),
                ),
            ),
            (
                pod,
                event(
                    ("Warning", "MissingClusterDNS"),
                    ("kubelet", "why-02", ""),
                    "pod: \"redis-master-7jzcq_default(uid)\". kubelet does not have ClusterDNS IP configured",
                    (1, 61, 2),
                ),
            ),
        ]
    }

    /// Today's table: LAST SEEN TYPE REASON OBJECT MESSAGE, in the server's order (by
    /// object name), 3 spaces between columns.
    #[test]
    fn modern_table() {
        let mut list = sample();
        order(&mut list, Era::Modern);
        let got = tabwriter::format(
            tabwriter::TABLE,
            &rows(&list, Era::Modern, false, true, false, t(120)),
        );
        assert_eq!(
            got,
            "LAST SEEN   TYPE      REASON              OBJECT                               MESSAGE\n\
             2m          Normal    Scheduled           pod/redis-master-7jzcq               Successfully assigned default/redis-master-7jzcq to why-02\n\
             59s         Warning   MissingClusterDNS   pod/redis-master-7jzcq               pod: \"redis-master-7jzcq_default(uid)\". kubelet does not have ClusterDNS IP configured\n\
             2m          Normal    SuccessfulCreate    replicationcontroller/redis-master   Created pod: redis-master-7jzcq\n"
        );
        let got = tabwriter::format(
            tabwriter::TABLE,
            &rows(&list[..1], Era::Modern, true, true, false, t(120)),
        );
        assert!(
            got.starts_with("NAMESPACE   LAST SEEN   TYPE     REASON      OBJECT"),
            "{got}"
        );
    }

    /// kubectl 1.5's table: ten columns, minimum width 10, by last seen; `kubelet,
    /// why-02` as the source; absolute times when watching.
    #[test]
    fn classic_table() {
        let mut list = sample();
        order(&mut list, Era::Classic);
        let got = tabwriter::format(
            CLASSIC_TABLE,
            &rows(&list, Era::Classic, false, true, false, t(120)),
        );
        assert_eq!(
            got,
            "LASTSEEN   FIRSTSEEN   COUNT     NAME                 KIND                    SUBOBJECT   TYPE      REASON              SOURCE                   MESSAGE\n\
             2m         2m          1         redis-master         ReplicationController               Normal    SuccessfulCreate    replication-controller   Created pod: redis-master-7jzcq\n\
             2m         2m          1         redis-master-7jzcq   Pod                                 Normal    Scheduled           default-scheduler        Successfully assigned default/redis-master-7jzcq to why-02\n\
             59s        1m          2         redis-master-7jzcq   Pod                                 Warning   MissingClusterDNS   kubelet, why-02          pod: \"redis-master-7jzcq_default(uid)\". kubelet does not have ClusterDNS IP configured\n"
        );
        let watched = rows(&list[..1], Era::Classic, false, false, true, t(120));
        assert!(
            watched
                .starts_with("2017-10-18 15:00:00 +0000 UTC\t2017-10-18 15:00:00 +0000 UTC\t1\t"),
            "{watched}"
        );
    }

    /// `--field-selector involvedObject.name=x`, `type!=Normal`; a field events do not
    /// have is the server's error, at start.
    #[test]
    fn field_selectors() {
        let args: Vec<String> = [
            "get",
            "events",
            "--field-selector",
            "involvedObject.name=redis-master-7jzcq,type!=Normal",
        ]
        .iter()
        .map(|w| w.to_string())
        .collect();
        let Some((More::Events(e), ..)) = super::super::verbs::parse(&args).unwrap() else {
            unreachable!("get events")
        };
        let all = sample();
        let picked: Vec<&str> = all
            .iter()
            .filter(|(k, ev)| e.picks(k, ev))
            .map(|(_, ev)| ev.reason.as_str())
            .collect();
        assert_eq!(picked, ["MissingClusterDNS"]);
    }
}
