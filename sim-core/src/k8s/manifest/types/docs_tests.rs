//! docs/manifests.md's section "Kinds and fields" is generated here, from the types
//! (which fields are typed), UNMODELLED and SERVED, and must match the file: change a type
//! or a table and this test says so. `SIM_UPDATE_DOCS=1 cargo test -p sim-core --lib
//! docs_tests` rewrites the section (only that section) for review.

use std::collections::BTreeSet;
use std::fmt::Write;

use super::fields_tests::{api_fields, loose};
use super::*;

const HEADING: &str = "## Kinds and fields";

/// The kinds in the order the docs list them.
const KINDS: [&str; 14] = [
    "Pod",
    "Service",
    "Endpoints",
    "EndpointSlice",
    "Deployment",
    "ReplicaSet",
    "ReplicationController",
    "DaemonSet",
    "StatefulSet",
    "Job",
    "ConfigMap",
    "Secret",
    "Namespace",
    "NetworkPolicy",
];

/// A tree of field names (`containers[]`), children in the order first seen.
#[derive(Default, Clone, PartialEq, Eq)]
struct Node {
    children: Vec<(String, Node)>,
}

impl Node {
    fn insert(&mut self, segments: &[&str]) {
        let Some((first, rest)) = segments.split_first() else {
            return;
        };
        let i = match self.children.iter().position(|(n, _)| n == first) {
            Some(i) => i,
            None => {
                self.children.push((first.to_string(), Node::default()));
                self.children.len() - 1
            }
        };
        self.children[i].1.insert(rest);
    }

    /// `a`, `b` (`c`, `d`): the subtree on one line.
    fn inline(&self) -> String {
        group(&self.children)
            .into_iter()
            .map(|(names, node)| {
                let names = names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                if node.children.is_empty() {
                    names
                } else {
                    format!("{names} ({})", node.inline())
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Nested list items, a subtree on one line once it fits; a node's leaves on one item.
    fn block(&self, indent: usize, out: &mut String) {
        let pad = " ".repeat(indent);
        let groups = group(&self.children);
        let leaves: Vec<String> = groups
            .iter()
            .filter(|(_, node)| node.children.is_empty())
            .flat_map(|(names, _)| names.iter().map(|n| format!("`{n}`")))
            .collect();
        if !leaves.is_empty() {
            out.push_str(&item(&pad, &leaves.join(", ")));
        }
        for (names, node) in groups.iter().filter(|(_, node)| !node.children.is_empty()) {
            let names = names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let inline = format!("{names}: {}", node.inline());
            if inline.len() + indent + 2 <= 95 {
                out.push_str(&item(&pad, &inline));
            } else {
                out.push_str(&item(&pad, &format!("{names}:")));
                node.block(indent + 2, out);
            }
        }
    }
}

/// A list item at `pad`, wrapped at 95 characters, continued under its text.
fn item(pad: &str, text: &str) -> String {
    let mut out = String::new();
    let mut line = format!("{pad}- ");
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.len() + 1 + word.len() > 95 {
            out.push_str(&line);
            out.push('\n');
            line = format!("{pad}  ");
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// Siblings with the same subtree, together (`readinessProbe`, `livenessProbe`, ...).
fn group(children: &[(String, Node)]) -> Vec<(Vec<String>, Node)> {
    let mut out: Vec<(Vec<String>, Node)> = Vec::new();
    for (name, node) in children {
        match out
            .iter_mut()
            .find(|(_, n)| n == node && !n.children.is_empty())
        {
            Some((names, _)) => names.push(name.clone()),
            None => out.push((vec![name.clone()], node.clone())),
        }
    }
    out
}

/// The fields of `kind` the simulator reads: every path of the real API with no loosely
/// typed prefix (and not an ignored status), leaves only; a workload's template is Pod's.
fn modelled(kind: &str) -> Node {
    let paths: Vec<&str> = api_fields()
        .filter(|(k, _)| *k == kind)
        .map(|(_, p)| p)
        .collect();
    let mut typed = Vec::new();
    for path in &paths {
        if TEMPLATES
            .iter()
            .any(|(k, t)| *k == kind && path.starts_with(&format!("{t}.")))
            || path.starts_with("metadata")
            || (*path == "status" || path.starts_with("status.")) && kind != "Service"
        {
            continue;
        }
        let field = path.strip_suffix("[]").unwrap_or(path);
        let segments: Vec<&str> = field.split('.').collect();
        let is_loose = (1..=segments.len()).any(|n| {
            let prefix = segments[..n].join(".");
            loose(kind, prefix.strip_suffix("[]").unwrap_or(&prefix))
        });
        let unsimulated = unmodelled::TYPED_UNMODELLED.contains(&(kind, *path));
        if !is_loose && !unsimulated {
            typed.push(*path);
        }
    }
    // Leaves: a typed path no other field of the API continues (a label selector is shown
    // whole, a field with only loose children not at all).
    let selector_part = |p: &str| p.contains("elector.") || p.contains("elector[].");
    let leaves: BTreeSet<&str> = typed
        .iter()
        .copied()
        .filter(|p| !selector_part(p))
        .filter(|p| {
            p.ends_with("elector")
                || !paths.iter().any(|q| {
                    q.len() > p.len()
                        && q.starts_with(p)
                        && matches!(q.as_bytes()[p.len()], b'.' | b'[')
                })
        })
        .collect();
    let mut root = Node::default();
    for p in paths.iter().filter(|p| leaves.contains(*p)) {
        let segments: Vec<&str> = p.split('.').collect();
        root.insert(&segments);
    }
    root
}

/// UNMODELLED's patterns for `kind` (`*`: metadata) as a tree.
fn unmodelled_tree(kind: &str) -> Node {
    let mut root = Node::default();
    let all = UNMODELLED.iter().chain(unmodelled::TYPED_UNMODELLED);
    for (_, p) in all.filter(|(k, _)| *k == kind) {
        let segments: Vec<&str> = p.split('.').collect();
        root.insert(&segments);
    }
    root
}

/// `text` as lines of at most 95 characters.
fn wrap(text: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > 95 {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
    out
}

fn era(s: &Served) -> String {
    let since = if s.since == 0 {
        "1.0".to_string()
    } else {
        format!("1.{}", s.since)
    };
    match s.until {
        Some(u) => format!("{since} to 1.{u}"),
        None => format!("{since} on"),
    }
}

/// The section, from its heading to the end of its last line.
fn section() -> String {
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(w, "{HEADING}");
    let _ = writeln!(w);
    let _ = write!(
        w,
        "{}",
        wrap(
            "_Generated from the types in `sim-core/src/k8s/manifest/types/` by the test \
         `docs_tests::the_docs_list_the_kinds_and_fields` (`SIM_UPDATE_DOCS=1` rewrites it)._"
        )
    );
    let _ = writeln!(w);
    let _ = write!(
        w,
        "{}",
        wrap(
            "Every field of the Kubernetes API that these kinds have had from 1.5 to 1.36 is \
         accepted. A field is either **simulated** (listed under each kind below) or \
         **accepted, not simulated**: the object is created and its manifest's fields of that \
         second kind are named once in a warning on stderr, unless its value asks for what \
         the simulator does anyway. A misspelled or \
         unknown field is an error. `status` is accepted on every kind and ignored, as the apiserver ignores it \
         on create, except a Service's `status.loadBalancer.ingress` (no cloud provider sets \
         it in the simulator). One set of fields serves every group version of a kind: a field \
         only an old group version had (`rollbackTo`, `templateGeneration`) is accepted in all."
        )
    );
    let _ = writeln!(w);
    let _ = writeln!(w, "### Group versions by release");
    let _ = writeln!(w);
    let _ = writeln!(w, "| kind | apiVersion | served by Kubernetes |");
    let _ = writeln!(w, "|---|---|---|");
    for kind in KINDS {
        for s in SERVED.iter().filter(|s| s.kind == kind) {
            let _ = writeln!(w, "| {kind} | `{}` | {} |", s.api_version, era(s));
        }
    }
    let _ = writeln!(w);
    let _ = write!(
        w,
        "{}",
        wrap(
            "In `extensions/v1beta1` and `apps/v1beta1` a workload without `spec.selector` selects \
         its template's labels, and one without labels takes the template's; so does a \
         ReplicationController in `v1`."
        )
    );
    let _ = writeln!(w);
    let _ = writeln!(w, "### Metadata (every kind)");
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "Simulated: `metadata`: `name`, `namespace`, `labels`, `annotations`."
    );
    let _ = writeln!(w);
    let _ = writeln!(w, "Accepted, not simulated:");
    let _ = writeln!(w);
    unmodelled_tree("*").block(0, w);
    for kind in KINDS {
        let _ = writeln!(w);
        let _ = writeln!(w, "### {kind}");
        let _ = writeln!(w);
        if let Some((_, note)) = NOTES.iter().find(|(k, _)| *k == kind) {
            let _ = writeln!(w, "{note}");
            let _ = writeln!(w);
        }
        let simulated = modelled(kind);
        let template = TEMPLATES.iter().find(|(k, _)| *k == kind);
        if simulated.children.is_empty() && template.is_none() {
            let _ = writeln!(w, "Simulated: its metadata only.");
        } else {
            let _ = writeln!(w, "Simulated:");
            let _ = writeln!(w);
            simulated.block(0, w);
        }
        if let Some((_, t)) = template {
            let text = format!("`{t}`: a pod template, its `metadata` and `spec` as a Pod's");
            w.push_str(&item("", &text));
        }
        let _ = writeln!(w);
        let unmodelled = unmodelled_tree(kind);
        if unmodelled.children.is_empty() {
            let _ = writeln!(w, "Accepted, not simulated: none.");
        } else {
            let _ = writeln!(w, "Accepted, not simulated:");
            let _ = writeln!(w);
            unmodelled.block(0, w);
        }
    }
    out
}

/// What a kind's field list does not say: a kind kept but not acted on.
const NOTES: &[(&str, &str)] = &[(
    "NetworkPolicy",
    "Stored, listed (`kubectl get netpol`) and described, its fields kept as written; **not enforced yet**: the simulated network does not filter traffic by NetworkPolicy, and `kubectl create|apply` says so on stderr. \"Simulated\" below means kept and shown.",
)];

#[test]
fn the_docs_list_the_kinds_and_fields() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/manifests.md");
    let doc = std::fs::read_to_string(path).unwrap_or_default();
    let start = doc.find(HEADING);
    let (before, after) = match start {
        Some(s) => {
            let rest = &doc[s + HEADING.len()..];
            let end = rest
                .find("\n## ")
                .map_or(doc.len(), |e| s + HEADING.len() + e + 1);
            (&doc[..s], &doc[end..])
        }
        None => (doc.as_str(), ""),
    };
    let current = start.map(|s| &doc[s..doc.len() - after.len()]);
    let expected = section();
    if current != Some(expected.as_str()) {
        if std::env::var_os("SIM_UPDATE_DOCS").is_some() {
            let sep = if before.is_empty() || before.ends_with("\n\n") {
                ""
            } else {
                "\n"
            };
            let tail = if after.is_empty() {
                String::new()
            } else {
                format!("\n{after}")
            };
            std::fs::write(path, format!("{before}{sep}{expected}{tail}")).unwrap();
        } else {
            panic!(
                "docs/manifests.md's \"Kinds and fields\" is not what the types say; run \
                 SIM_UPDATE_DOCS=1 cargo test -p sim-core --lib docs_tests and review the diff"
            );
        }
    }
}
