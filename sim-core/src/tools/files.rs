//! The files a command reads in a machine or pod: what simulated programs wrote there
//! (`/run/flannel/subnet.env`, a pod's `/etc/hosts`), the files of the pod's image
//! (`k8s/images.rs`'s table: the redis slave's `/run.sh`, the frontend's
//! `guestbook.php`), and the `/proc/sys` values the model keeps.
//!
//! A relative path starts from where a shell there starts: the image's WORKDIR in a pod
//! (`/var/www/html` in the frontend), root's home `/root` on a node.

use std::borrow::Cow;

use crate::net::{NsId, World};

/// Where a relative path starts in namespace `ns`.
pub fn cwd(world: &World, ns: NsId) -> &'static str {
    match &world.ns(ns).image {
        Some(image) => crate::k8s::images::workdir(image),
        None if world.ns(ns).label.starts_with("pod/") => "/",
        None => "/root",
    }
}

/// `path` made absolute from [`cwd`], with `.` and `..` resolved.
pub fn absolute(world: &World, ns: NsId, path: &str) -> String {
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{}/{path}", cwd(world, ns))
    };
    let mut parts: Vec<&str> = Vec::new();
    for p in joined.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// The text of the file at `path` (absolute or relative), if there is one.
pub fn read<'a>(world: &'a World, ns: NsId, path: &str) -> Option<Cow<'a, str>> {
    let path = absolute(world, ns, path);
    let netns = world.ns(ns);
    if let Some(text) = netns.files.get(&path) {
        return Some(Cow::Borrowed(text));
    }
    // A binary file reads as its bytes would print (not UTF-8: replacement characters).
    if let Some(bytes) = netns.binary_files.get(&path) {
        return Some(String::from_utf8_lossy(bytes));
    }
    if let Some(sysctl) = path.strip_prefix("/proc/sys/") {
        return proc_sys(world, ns, sysctl).map(Cow::Owned);
    }
    let image = netns.image.as_deref()?;
    crate::k8s::images::file(image, &path).map(Cow::Borrowed)
}

/// The bytes of the file at `path`: a binary file's, or a text file's.
pub fn read_bytes<'a>(world: &'a World, ns: NsId, path: &str) -> Option<Cow<'a, [u8]>> {
    let path = absolute(world, ns, path);
    let netns = world.ns(ns);
    if let Some(b) = netns.binary_files.get(&path) {
        return Some(Cow::Borrowed(b));
    }
    read(world, ns, &path).map(|t| match t {
        Cow::Borrowed(s) => Cow::Borrowed(s.as_bytes()),
        Cow::Owned(s) => Cow::Owned(s.into_bytes()),
    })
}

/// Writes `bytes` as the file at `path` (replacing a text file there); `append` adds them
/// to what is there.
pub fn write_bytes(world: &mut World, ns: NsId, path: &str, bytes: &[u8], append: bool) {
    let path = absolute(world, ns, path);
    let netns = world.ns_mut(ns);
    netns.files.remove(&path);
    let file = netns.binary_files.entry(path).or_default();
    if !append {
        file.clear();
    }
    file.extend_from_slice(bytes);
}

/// A `/proc/sys` value the model keeps: `net/ipv4/ip_forward` (docker turns it on), and
/// what components wrote (`Netns::sysctl`: kube-proxy's `net/ipv4/vs/conntrack`,
/// `net/bridge/bridge-nf-call-iptables` once the bridge module is loaded). Any other path
/// is not there.
fn proc_sys(world: &World, ns: NsId, key: &str) -> Option<String> {
    let netns = world.ns(ns);
    match key {
        "net/ipv4/ip_forward" => Some(format!("{}\n", u8::from(netns.ip_forward))),
        key => netns.sysctl.get(key).map(|v| format!("{v}\n")),
    }
}

/// The files a text tool given `args` sees, as one map (`tools::text::Filter` reads and
/// writes a map): the namespace's own, and each argument that names a file [`read`]
/// finds (relative, an image's, `/proc/sys`) under the name as typed. [`View::close`]
/// puts what the tool wrote (tee's files) back at their absolute paths.
pub struct View {
    pub files: std::collections::BTreeMap<String, String>,
    before: std::collections::BTreeMap<String, String>,
}

impl View {
    pub fn open(world: &World, ns: NsId, args: &[String]) -> View {
        let mut files = world.ns(ns).files.clone();
        for a in args {
            if !files.contains_key(a)
                && let Some(text) = read(world, ns, a)
            {
                files.insert(a.clone(), text.into_owned());
            }
        }
        View {
            before: files.clone(),
            files,
        }
    }

    pub fn close(self, world: &mut World, ns: NsId) {
        for (path, text) in self.files {
            if self.before.get(&path) != Some(&text) {
                let abs = absolute(world, ns, &path);
                world.ns_mut(ns).files.insert(abs, text);
            }
        }
    }
}
