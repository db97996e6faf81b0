//! Finding what to scan: WeChat's folders under a home folder, or what level of a
//! WeChat tree a given folder is, mapped to its place in a container.
//!
//! Every root gets a *container path*: where it would sit inside the app's sandbox
//! container (`""` for the container itself, `Data`, `Data/Documents/xwechat_files`,
//! ...). Prefixed to each file's relative path, it gives the canonical path that
//! [`crate::tree::classify`] understands, whatever level the user pointed at.

use crate::error::{Error, Result};
use crate::tree::classify::is_v4_beta;
use crate::tree::classify::pattern::is_md5;
use std::fs;
use std::path::{Component, Path, PathBuf};

const APP_SUPPORT: &str = "Data/Library/Application Support/com.tencent.xinWeChat";
const XWECHAT_FILES: &str = "Data/Documents/xwechat_files";
/// The version folder name 2.x–3.8.x use; assumed when an account folder is scanned alone.
const DEFAULT_VERSION: &str = "2.0b4.0.9";

/// One folder to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root {
    /// Where it is on disk.
    pub path: PathBuf,
    /// Relative to the report's base (`""` when it is the base).
    pub rel: String,
    /// What it was recognised as (see [`Root::kind`] ids in the README).
    pub kind: &'static str,
    /// Where it sits in a container (see the module docs).
    pub container_path: String,
}

fn is_dir(p: &Path) -> bool {
    fs::symlink_metadata(p).map(|m| m.is_dir()).unwrap_or(false)
}

fn exists(p: &Path) -> bool {
    fs::symlink_metadata(p).is_ok()
}

/// Names of the sub-folders of `p` (empty if unreadable).
fn subdirs(p: &Path) -> Vec<String> {
    let Ok(rd) = fs::read_dir(p) else {
        return Vec::new();
    };
    rd.filter_map(|e| e.ok())
        .filter(|e| e.file_type().map(|t| t.is_dir()).unwrap_or(false))
        .filter_map(|e| e.file_name().into_string().ok())
        .collect()
}

const ACCOUNT3_MARKERS: [&str; 8] = [
    "Message",
    "Contact",
    "Group",
    "Session",
    "Favorites",
    "Stickers",
    "Sns",
    "Hardlink",
];
const VERSION_MARKERS: [&str; 9] = [
    "Avatar",
    "KeyValue",
    "MMappedKV",
    "CrashReport",
    "MMResourceMgr",
    "CGI",
    "Backup",
    "WeVoIP",
    "topinfo.data",
];

fn looks_like_account3(p: &Path) -> bool {
    ACCOUNT3_MARKERS
        .iter()
        .filter(|m| is_dir(&p.join(m)))
        .count()
        >= 2
        || (p.file_name().and_then(|n| n.to_str()).is_some_and(is_md5)
            && is_dir(&p.join("Message")))
}

fn looks_like_version(p: &Path) -> bool {
    VERSION_MARKERS.iter().any(|m| exists(&p.join(m)))
        || subdirs(p)
            .iter()
            .any(|d| is_md5(d) && looks_like_account3(&p.join(d)))
}

fn looks_like_account4(p: &Path) -> bool {
    is_dir(&p.join("db_storage")) || is_dir(&p.join("msg"))
}

/// The early 4.0 beta's folder beside the 3.x version folder: `4.0b*/db_storage/`.
fn looks_like_v4_beta(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(is_v4_beta)
        && is_dir(&p.join("db_storage"))
}

/// A sandbox container's folder name: `com.tencent.xinWeChat` and its clones
/// (`com.tencent.xinWeChat2`, `com.tencent.xinWeChat.multi.<name>`, `com.tencent.xWeChat`).
fn is_container_name(name: &str) -> bool {
    name.starts_with("com.tencent.xinWeChat") || name.starts_with("com.tencent.xWeChat")
}

/// What a folder is, judged by what it contains: (kind, container path).
fn recognise_by_content(p: &Path) -> Option<(&'static str, String)> {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let data_markers = [
        "Library/Application Support/com.tencent.xinWeChat",
        "Library/Caches/com.tencent.xinWeChat",
        "Library/Caches/Matrix",
        "Library/HTTPStorages/com.tencent.xinWeChat",
        "Library/HTTPStorages/com.tencent.xinWeChat.binarycookies",
        "Library/Cookies/com.tencent.xinWeChat.binarycookies",
        "Library/Preferences/com.tencent.xinWeChat.plist",
        "Documents/xwechat_files",
        "Documents/app_data",
        ".wxapplet",
    ];
    // A container: WeChat's data under `Data/`, or WeChat's container name over a `Data/`
    // that holds only other things (cookies, HTTP storages, caches).
    if is_dir(&p.join("Data"))
        && (is_container_name(name) || data_markers.iter().any(|m| exists(&p.join("Data").join(m))))
    {
        return Some(("container", String::new()));
    }
    if data_markers.iter().any(|m| exists(&p.join(m))) {
        let kind = if name.ends_with(".com.tencent.xinWeChat") {
            "group-container"
        } else {
            "data"
        };
        return Some((kind, "Data".into()));
    }
    if name.ends_with(".com.tencent.xinWeChat") && is_dir(&p.join("Library")) {
        return Some(("group-container", "Data".into()));
    }
    if is_dir(&p.join("xwechat_files")) || is_dir(&p.join("app_data")) {
        return Some(("documents", "Data/Documents".into()));
    }
    if looks_like_v4_beta(p) {
        return Some(("wechat4-beta", format!("{APP_SUPPORT}/{name}")));
    }
    if subdirs(p).iter().any(|d| looks_like_v4_beta(&p.join(d))) {
        return Some(("wechat3-app-support", APP_SUPPORT.into()));
    }
    if name == "xwechat_files"
        || is_dir(&p.join("all_users"))
        || subdirs(p).iter().any(|d| looks_like_account4(&p.join(d)))
    {
        return Some(("xwechat-files", XWECHAT_FILES.into()));
    }
    if looks_like_account4(p) {
        return Some(("wechat4-account", format!("{XWECHAT_FILES}/{name}")));
    }
    if looks_like_account3(p) {
        let parent = p
            .parent()
            .and_then(|q| q.file_name())
            .and_then(|n| n.to_str())
            .unwrap_or("");
        let version = if parent.starts_with(|c: char| c.is_ascii_digit()) {
            parent
        } else {
            DEFAULT_VERSION
        };
        return Some(("wechat3-account", format!("{APP_SUPPORT}/{version}/{name}")));
    }
    if looks_like_version(p) {
        return Some(("wechat3-version", format!("{APP_SUPPORT}/{name}")));
    }
    if subdirs(p).iter().any(|d| looks_like_version(&p.join(d))) {
        return Some(("wechat3-app-support", APP_SUPPORT.into()));
    }
    if exists(&p.join("Cache.db")) || is_dir(&p.join("fsCachedData")) {
        return Some((
            "wechat3-caches",
            "Data/Library/Caches/com.tencent.xinWeChat".into(),
        ));
    }
    None
}

/// What a folder is, judged by the names of the folders above it (for a folder deep
/// inside a tree, e.g. one chat's `MessageTemp/<md5>`).
pub fn recognise_by_ancestors(components: &[&str]) -> Option<String> {
    for i in (0..components.len()).rev() {
        let rest = components[i + 1..].join("/");
        let with = |base: &str| {
            if rest.is_empty() {
                base.to_string()
            } else {
                format!("{base}/{rest}")
            }
        };
        let prev = if i > 0 { components[i - 1] } else { "" };
        match components[i] {
            "xwechat_files" => return Some(with(XWECHAT_FILES)),
            "app_data" if prev == "Documents" => return Some(with("Data/Documents/app_data")),
            "com.tencent.xinWeChat" if prev == "Application Support" => {
                return Some(with(APP_SUPPORT))
            }
            "com.tencent.xinWeChat" if prev == "Caches" => {
                return Some(with("Data/Library/Caches/com.tencent.xinWeChat"))
            }
            "Data"
                if prev.starts_with("com.tencent.xinWeChat")
                    || prev.starts_with("com.tencent.xWeChat") =>
            {
                return Some(with("Data"))
            }
            _ => {}
        }
    }
    None
}

/// Work out what `path` is. `any` accepts a folder that is not WeChat data.
pub fn detect(path: &Path, any: bool) -> Result<Root> {
    let meta = fs::metadata(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if !meta.is_dir() {
        return Err(Error::NotADirectory {
            path: path.to_path_buf(),
        });
    }
    // Reading the folder itself must work, or nothing else will.
    fs::read_dir(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let abs = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let root = |kind, container_path| Root {
        path: path.to_path_buf(),
        rel: String::new(),
        kind,
        container_path,
    };
    if let Some((kind, cp)) = recognise_by_content(&abs) {
        return Ok(root(kind, cp));
    }
    let comps: Vec<&str> = abs
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect();
    if let Some(cp) = recognise_by_ancestors(&comps) {
        return Ok(root("subfolder", cp));
    }
    if any {
        return Ok(root("any", String::new()));
    }
    Err(Error::NotWeChat {
        path: path.to_path_buf(),
    })
}

/// What `scan` with no path looks for, relative to the home folder.
pub const HOME_LOOKS_FOR: &str = "Library/Containers/com.tencent.xinWeChat* (and com.tencent.xWeChat), \
Library/Group Containers/*.com.tencent.xinWeChat, Library/Application Support/com.tencent.xinWeChat, \
Library/Caches/com.tencent.xinWeChat";

/// Every WeChat folder under `home`, in a stable order.
pub fn discover(home: &Path) -> Result<Vec<Root>> {
    let mut roots = Vec::new();
    let listing = |rel: &str| -> Result<Vec<String>> {
        let dir = home.join(rel);
        match fs::read_dir(&dir) {
            Ok(rd) => {
                let mut names: Vec<String> = rd
                    .filter_map(|e| e.ok())
                    .filter_map(|e| e.file_name().into_string().ok())
                    .collect();
                names.sort();
                Ok(names)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(source) => Err(Error::Io { path: dir, source }),
        }
    };
    for name in listing("Library/Containers")? {
        if name.starts_with("com.tencent.xinWeChat") || name.starts_with("com.tencent.xWeChat") {
            roots.push(("Library/Containers", name, "container", String::new()));
        }
    }
    for name in listing("Library/Group Containers")? {
        if name.ends_with(".com.tencent.xinWeChat") {
            roots.push((
                "Library/Group Containers",
                name,
                "group-container",
                "Data".to_string(),
            ));
        }
    }
    roots.push((
        "Library/Application Support",
        "com.tencent.xinWeChat".into(),
        "wechat3-app-support",
        APP_SUPPORT.into(),
    ));
    roots.push((
        "Library/Caches",
        "com.tencent.xinWeChat".into(),
        "wechat3-caches",
        "Data/Library/Caches/com.tencent.xinWeChat".into(),
    ));
    let found: Vec<Root> = roots
        .into_iter()
        .map(|(parent, name, kind, container_path)| {
            let rel = format!("{parent}/{name}");
            Root {
                path: home.join(&rel),
                rel,
                kind,
                container_path,
            }
        })
        .filter(|r| is_dir(&r.path))
        .collect();
    if found.is_empty() {
        return Err(Error::NothingFound {
            home: home.to_path_buf(),
            looked: HOME_LOOKS_FOR.into(),
        });
    }
    // When not one of them can be listed (macOS privacy protection without Full Disk
    // Access, or permissions), an empty report would mislead: stop with the reason.
    // When some can, the others become per-root issues in the report.
    let mut first_error = None;
    let readable = found
        .iter()
        .filter(|r| match fs::read_dir(&r.path) {
            Ok(_) => true,
            Err(e) => {
                first_error.get_or_insert((r.path.clone(), e));
                false
            }
        })
        .count();
    if let (0, Some((path, source))) = (readable, first_error) {
        return Err(Error::Io { path, source });
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ancestors() {
        let c = |s: &str| recognise_by_ancestors(&s.split('/').collect::<Vec<_>>());
        assert_eq!(
            c("Users/x/Library/Containers/com.tencent.xinWeChat/Data/Library/Application Support/com.tencent.xinWeChat/2.0b4.0.9/abc/Message/MessageTemp"),
            Some(format!("{APP_SUPPORT}/2.0b4.0.9/abc/Message/MessageTemp"))
        );
        assert_eq!(
            c("copy/xwechat_files/wxid_a_1234/msg"),
            Some(format!("{XWECHAT_FILES}/wxid_a_1234/msg"))
        );
        assert_eq!(
            c("copy/com.tencent.xinWeChat2/Data"),
            Some("Data".to_string())
        );
        assert_eq!(c("home/user/photos"), None);
    }
}
