//! Manifest files a scenario puts on its machines, for `kubectl apply -f` and `cat`.
//!
//! A scenario names files beside it (a file, a directory, or a glob, relative to the
//! scenario file) or writes a manifest's YAML inline. Each is read here, once, and decoded
//! as the apiserver would decode it, so a misspelled field or a wrong type stops the load
//! with the manifest file's own line and column (exit 2), before anything runs. The text
//! itself goes onto the machine unchanged: kubectl reads and decodes it again when the
//! timeline runs it, as the real one reads the file it is given.

use std::path::{Path, PathBuf};

pub use crate::k8s::api::MANIFEST_EXTENSIONS as EXTENSIONS;

/// The largest manifest file a scenario may name: the scenario file's own limit.
pub const MAX_MANIFEST_SIZE: u64 = super::build::MAX_FILE_SIZE;

/// One file as a machine sees it.
#[derive(Clone, Debug)]
pub struct ManifestFile {
    /// The node whose file system holds it (an index into the scenario's nodes).
    pub node: usize,
    /// Its absolute path there.
    pub path: String,
    pub text: String,
    /// Where it came from, as diagnostics name it: the file beside the scenario
    /// (`scenarios/manifests/seed-004/frontend-service.yaml`), or the scenario's field for
    /// an inline manifest.
    pub source: String,
}

pub use crate::k8s::api::is_manifest_file as is_manifest_name;

fn has_glob(pattern: &str) -> bool {
    pattern.contains(['*', '?', '['])
}

/// The files one `file:` entry names, each with the path the machine sees it at:
/// `(path on the machine, file on this computer)`, in name order. `to` is the path the
/// scenario gives: a file's own path, or the directory a directory's or a glob's files go
/// into (they keep their names, and a directory's subdirectories their structure). Errors
/// are messages for the `file` field.
pub fn expand(base: &Path, pattern: &str, to: &str) -> Result<Vec<(String, PathBuf)>, String> {
    let host = base.join(pattern);
    let shown = pattern;
    let into = |name: &str| format!("{}/{name}", to.trim_end_matches('/'));
    if has_glob(pattern) {
        let matches = glob::glob(&host.to_string_lossy())
            .map_err(|e| format!("`{pattern}` is not a valid glob: {}", e.msg))?;
        let mut found = Vec::new();
        for entry in matches {
            let p = entry
                .map_err(|e| format!("cannot read `{}`: {}", e.path().display(), e.error()))?;
            if p.is_file() {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                found.push((into(&name), p));
            }
        }
        if found.is_empty() {
            return Err(format!(
                "`{shown}` matches no file; expected a glob that matches manifest files, relative to the scenario file"
            ));
        }
        found.sort();
        return Ok(found);
    }
    let meta = std::fs::metadata(&host).map_err(|e| {
        format!("cannot read `{shown}`: {e}; expected a file, a directory or a glob, relative to the scenario file")
    })?;
    if meta.is_dir() {
        let mut found = Vec::new();
        walk(&host, &host, &mut found).map_err(|e| format!("cannot read `{shown}`: {e}"))?;
        if found.is_empty() {
            return Err(format!(
                "`{shown}` holds no manifest file; expected files ending in {}",
                EXTENSIONS.join(", ")
            ));
        }
        found.sort();
        return Ok(found.into_iter().map(|(rel, p)| (into(&rel), p)).collect());
    }
    let to = if to.ends_with('/') {
        into(
            &host
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        )
    } else {
        to.to_string()
    };
    Ok(vec![(to, host)])
}

/// Every manifest file under `dir`, with its path relative to `root` (`/`-separated).
fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            walk(root, &p, out)?;
        } else if p.is_file() && is_manifest_name(&e.file_name().to_string_lossy()) {
            let rel = p
                .strip_prefix(root)
                .unwrap_or(&p)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.push((rel, p));
        }
    }
    Ok(())
}

/// A manifest file's text: UTF-8, at most [`MAX_MANIFEST_SIZE`] bytes, a leading byte
/// order mark dropped.
pub fn read(path: &Path) -> Result<String, String> {
    use std::io::Read;
    let f = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    f.take(MAX_MANIFEST_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_MANIFEST_SIZE {
        return Err(format!(
            "the file is too large; manifest files may be at most 16 MiB ({MAX_MANIFEST_SIZE} bytes)"
        ));
    }
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes);
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        format!(
            "invalid UTF-8 (byte 0x{:02x} at offset {}); expected a text file in UTF-8",
            bytes[e.utf8_error().valid_up_to()],
            e.utf8_error().valid_up_to()
        )
    })
}
