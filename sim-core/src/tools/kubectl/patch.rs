//! `kubectl patch`'s three patch types, applied to an object in the API's JSON shape as
//! the apiserver applies them:
//!
//! - `merge`: a JSON merge patch (RFC 7386): maps merge key by key, `null` deletes, any
//!   other value (a list too) replaces.
//! - `strategic` (the default): a merge patch whose lists of known kinds merge item by
//!   item on their merge key (apimachinery's strategicpatch with the `patchMergeKey`s of
//!   k8s.io/api: containers, initContainers, env, volumes and volumeMounts by `name`, a
//!   container's ports by `containerPort`, a Service's ports by `port`), with
//!   `$patch: delete` removing an item and `$patch: replace` replacing a map or list.
//! - `json`: a JSON patch (RFC 6902): `add`, `remove`, `replace`, `move`, `copy`, `test`
//!   at JSON pointers, in order, all or nothing.
//!
//! The patch text is JSON or YAML (kubectl turns YAML into JSON first). These are small
//! enough to write here, and writing them keeps kubectl's and the apiserver's own words
//! for a patch that does not apply (evanphx/json-patch's), which a crate would not give.

use serde_json::{Map, Value as Json};

/// Which patch `--type` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    Strategic,
    Merge,
    Json,
}

#[derive(Clone, Debug)]
pub struct Patch {
    pub type_: Type,
    pub patch: Json,
}

impl Patch {
    /// `-p TEXT` with `--type TYPE` (default strategic): the patch, or kubectl's error.
    pub fn parse(text: &str, type_: Option<&str>) -> Result<Patch, String> {
        let type_ = match type_.unwrap_or("strategic") {
            "strategic" => Type::Strategic,
            "merge" => Type::Merge,
            "json" => Type::Json,
            other => {
                return Err(format!(
                    "error: --type must be one of [json merge strategic], not \"{other}\"\n"
                ));
            }
        };
        let patch =
            to_json(text).map_err(|e| format!("error: unable to parse \"{text}\": {e}\n"))?;
        match (type_, &patch) {
            (Type::Json, Json::Array(_)) => {}
            (Type::Json, _) => {
                return Err(format!(
                    "error: unable to parse \"{text}\": json: cannot unmarshal object into Go value of type jsonpatch.Patch\n"
                ));
            }
            (_, Json::Object(_)) => {}
            (_, _) => {
                return Err(format!(
                    "error: unable to parse \"{text}\": json: cannot unmarshal array into Go value of type map[string]interface {{}}\n"
                ));
            }
        }
        Ok(Patch { type_, patch })
    }

    /// The object after the patch, or the apiserver's refusal as kubectl prints it.
    pub fn apply(&self, obj: &Json) -> Result<Json, String> {
        match self.type_ {
            Type::Merge => Ok(merge(obj, &self.patch)),
            Type::Strategic => Ok(strategic(obj, &self.patch, "")),
            Type::Json => json_patch(obj, &self.patch),
        }
    }
}

/// The patch's text as JSON: JSON itself, or YAML (sigs.k8s.io/yaml's YAMLToJSON).
fn to_json(text: &str) -> Result<Json, String> {
    if let Ok(v) = serde_json::from_str::<Json>(text) {
        return Ok(v);
    }
    let docs = crate::k8s::manifest::yaml::read(text);
    match docs.into_iter().next() {
        Some(Ok(d)) => Ok(d.value),
        Some(Err(e)) => Err(e.kind.kubectl(e.pos.line, e.chunk_line)),
        None => Ok(Json::Null),
    }
}

/// RFC 7386.
pub fn merge(target: &Json, patch: &Json) -> Json {
    let Json::Object(p) = patch else {
        return patch.clone();
    };
    let mut out = match target {
        Json::Object(t) => t.clone(),
        _ => Map::new(),
    };
    for (k, v) in p {
        if v.is_null() {
            out.remove(k);
        } else {
            let merged = merge(out.get(k).unwrap_or(&Json::Null), v);
            out.insert(k.clone(), merged);
        }
    }
    Json::Object(out)
}

/// The merge key of the list at `path` (a dotted path of map keys, list items unnamed),
/// from k8s.io/api's `patchMergeKey` tags.
fn merge_key(path: &str) -> Option<&'static str> {
    let last = path.rsplit('.').next().unwrap_or("");
    let parent = path.rsplit('.').nth(1).unwrap_or("");
    Some(match (parent, last) {
        (_, "containers" | "initContainers" | "ephemeralContainers") => "name",
        (_, "env" | "volumes" | "volumeMounts" | "imagePullSecrets") => "name",
        ("containers" | "initContainers", "ports") => "containerPort",
        ("spec", "ports") => "port",
        (_, "hostAliases") => "ip",
        (_, "tolerations") => return None,
        _ => return None,
    })
}

/// A strategic merge patch (apimachinery's strategicpatch, for the lists the simulator's
/// objects have): maps as in RFC 7386, lists with a merge key item by item.
fn strategic(target: &Json, patch: &Json, path: &str) -> Json {
    let Json::Object(p) = patch else {
        return patch.clone();
    };
    if p.get("$patch").and_then(Json::as_str) == Some("replace") {
        let mut p = p.clone();
        p.remove("$patch");
        return Json::Object(p);
    }
    let mut out = match target {
        Json::Object(t) => t.clone(),
        _ => Map::new(),
    };
    for (k, v) in p {
        if k.starts_with("$setElementOrder/") || k == "$retainKeys" {
            continue;
        }
        let here = if path.is_empty() {
            k.clone()
        } else {
            format!("{path}.{k}")
        };
        match v {
            Json::Null => {
                out.remove(k);
            }
            Json::Array(items) => match (merge_key(&here), out.get(k)) {
                (Some(key), Some(Json::Array(old))) => {
                    let merged = merge_list(old, items, key, &here);
                    out.insert(k.clone(), Json::Array(merged));
                }
                _ => {
                    let items = items
                        .iter()
                        .filter(|i| i.get("$patch").is_none())
                        .cloned()
                        .collect();
                    out.insert(k.clone(), Json::Array(items));
                }
            },
            _ => {
                let merged = strategic(out.get(k).unwrap_or(&Json::Null), v, &here);
                out.insert(k.clone(), merged);
            }
        }
    }
    Json::Object(out)
}

/// A list merged on `key`: an item whose key is there already is merged into it (or
/// removed, with `$patch: delete`); a new one goes at the end.
fn merge_list(old: &[Json], items: &[Json], key: &str, path: &str) -> Vec<Json> {
    let mut out = old.to_vec();
    for item in items {
        let k = item.get(key);
        let at = out.iter().position(|o| k.is_some() && o.get(key) == k);
        let delete = item.get("$patch").and_then(Json::as_str) == Some("delete");
        match (at, delete) {
            (Some(i), true) => {
                out.remove(i);
            }
            (None, true) => {}
            (Some(i), false) => out[i] = strategic(&out[i], item, path),
            (None, false) => out.push(strategic(&Json::Null, item, path)),
        }
    }
    out
}

/// RFC 6902, all or nothing, with evanphx/json-patch's errors.
fn json_patch(obj: &Json, ops: &Json) -> Result<Json, String> {
    let mut doc = obj.clone();
    for op in ops.as_array().into_iter().flatten() {
        let name = op.get("op").and_then(Json::as_str).unwrap_or("");
        let path = op.get("path").and_then(Json::as_str);
        let from = op.get("from").and_then(Json::as_str);
        let value = op.get("value");
        let fail = |what: &str| -> Result<Json, String> {
            Err(format!("The request is invalid: {what}\n"))
        };
        let fail_with = |e: String| format!("The request is invalid: {e}\n");
        let Some(path) = path else {
            return fail(&format!("{name} operation missing path"));
        };
        match name {
            "add" => {
                let Some(v) = value else {
                    return fail("add operation missing value");
                };
                add(&mut doc, path, v.clone()).map_err(fail_with)?;
            }
            "remove" => {
                remove(&mut doc, path).map_err(fail_with)?;
            }
            "replace" => {
                let Some(v) = value else {
                    return fail("replace operation missing value");
                };
                match doc.pointer_mut(path) {
                    Some(slot) if !path.is_empty() => *slot = v.clone(),
                    _ => {
                        return fail(&format!(
                            "replace operation does not apply: doc is missing key: {path}"
                        ));
                    }
                }
            }
            "move" | "copy" => {
                let Some(from) = from else {
                    return fail(&format!("{name} operation missing from"));
                };
                let Some(v) = doc.pointer(from).cloned() else {
                    return fail(&format!(
                        "{name} operation does not apply: doc is missing from path: {from}"
                    ));
                };
                if name == "move" {
                    remove(&mut doc, from).map_err(fail_with)?;
                }
                add(&mut doc, path, v).map_err(fail_with)?;
            }
            "test" => {
                if doc.pointer(path) != value {
                    return fail(&format!("testing value {path} failed: test failed"));
                }
            }
            other => {
                return fail(&format!("Unexpected kind: {other}"));
            }
        }
    }
    Ok(doc)
}

/// The parent of a JSON pointer and its last token (`~1` and `~0` unescaped).
fn split_pointer(path: &str) -> Option<(&str, String)> {
    let (parent, last) = path.rsplit_once('/')?;
    Some((parent, last.replace("~1", "/").replace("~0", "~")))
}

fn add(doc: &mut Json, path: &str, v: Json) -> Result<(), String> {
    let missing =
        || format!("add operation does not apply: doc is missing path: \"{path}\": missing value");
    if path.is_empty() {
        *doc = v;
        return Ok(());
    }
    let (parent, last) = split_pointer(path).ok_or_else(missing)?;
    match doc.pointer_mut(parent) {
        Some(Json::Object(m)) => {
            m.insert(last, v);
            Ok(())
        }
        Some(Json::Array(a)) => {
            let i = if last == "-" {
                a.len()
            } else {
                last.parse::<usize>()
                    .ok()
                    .filter(|i| *i <= a.len())
                    .ok_or_else(|| format!("add operation does not apply: Unable to access invalid index: {last}: invalid index referenced"))?
            };
            a.insert(i, v);
            Ok(())
        }
        _ => Err(missing()),
    }
}

fn remove(doc: &mut Json, path: &str) -> Result<(), String> {
    let missing = || {
        format!("remove operation does not apply: doc is missing path: \"{path}\": missing value")
    };
    let (parent, last) = split_pointer(path).ok_or_else(missing)?;
    match doc.pointer_mut(parent) {
        Some(Json::Object(m)) => m.remove(&last).map(|_| ()).ok_or_else(missing),
        Some(Json::Array(a)) => match last.parse::<usize>() {
            Ok(i) if i < a.len() => {
                a.remove(i);
                Ok(())
            }
            _ => Err(missing()),
        },
        _ => Err(missing()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn patch(t: &str, obj: Json, p: &str) -> Result<Json, String> {
        Patch::parse(p, Some(t))?.apply(&obj)
    }

    /// RFC 7386's own examples: null deletes, a list replaces, a map merges.
    #[test]
    fn merge_patches_as_rfc_7386() {
        let obj = json!({"a": "b", "c": {"d": "e", "f": "g"}, "l": [1, 2]});
        let out = patch("merge", obj, r#"{"a":"z","c":{"f":null},"l":[3]}"#).unwrap();
        assert_eq!(out, json!({"a": "z", "c": {"d": "e"}, "l": [3]}));
    }

    /// A strategic patch merges containers by name and their ports by containerPort,
    /// deletes with `$patch: delete`, and a YAML patch reads as its JSON.
    #[test]
    fn strategic_patches_merge_lists_on_their_keys() {
        let obj = json!({"spec": {"template": {"spec": {"containers": [
            {"name": "web", "image": "nginx:1", "ports": [{"containerPort": 80}]},
            {"name": "side", "image": "busybox"}
        ]}}}});
        let p = "spec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx:2\n        ports:\n        - containerPort: 8080\n      - name: side\n        $patch: delete\n";
        let out = patch("strategic", obj.clone(), p).unwrap();
        assert_eq!(
            out,
            json!({"spec": {"template": {"spec": {"containers": [
                {"name": "web", "image": "nginx:2", "ports": [{"containerPort": 80}, {"containerPort": 8080}]}
            ]}}}})
        );
        // The same patch as a merge patch replaces the whole list.
        let out = patch(
            "merge",
            obj,
            r#"{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:2"}]}}}}"#,
        )
        .unwrap();
        assert_eq!(
            out["spec"]["template"]["spec"]["containers"],
            json!([{"name": "web", "image": "nginx:2"}])
        );
    }

    /// RFC 6902: ops in order; one that does not apply fails the whole patch, in the
    /// json-patch library's words.
    #[test]
    fn json_patches_as_rfc_6902() {
        let obj = json!({"metadata": {"labels": {"a": "1"}}, "spec": {"ports": [{"port": 80}]}});
        let out = patch(
            "json",
            obj.clone(),
            r#"[{"op":"add","path":"/metadata/labels/b","value":"2"},{"op":"replace","path":"/spec/ports/0/port","value":81},{"op":"test","path":"/metadata/labels/a","value":"1"},{"op":"add","path":"/spec/ports/-","value":{"port":82}}]"#,
        )
        .unwrap();
        assert_eq!(out["metadata"]["labels"], json!({"a": "1", "b": "2"}));
        assert_eq!(out["spec"]["ports"], json!([{"port": 81}, {"port": 82}]));
        assert_eq!(
            patch("json", obj.clone(), r#"[{"op":"remove","path":"/metadata/labels/x"}]"#),
            Err("The request is invalid: remove operation does not apply: doc is missing path: \"/metadata/labels/x\": missing value\n".into())
        );
        assert!(
            patch(
                "json",
                obj.clone(),
                r#"[{"op":"test","path":"/metadata/labels/a","value":"2"}]"#
            )
            .is_err()
        );
        assert!(Patch::parse("{}", Some("json")).is_err());
        assert!(Patch::parse("[]", Some("merge")).is_err());
        assert!(Patch::parse("{}", Some("apply")).is_err());
    }
}
