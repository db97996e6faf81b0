//! Pure classification: a container-relative path → category, layout, account and chat.
//!
//! Every path is first made *canonical*: relative to the app's sandbox container
//! (`Data/Library/...`, `Data/Documents/...`), whatever level the user pointed us at
//! (see [`crate::tree::locate`]). This module then finds which part of the tree the path is
//! in (its [`Scope`]), applies the ordered rule table in [`rules`], and reads the
//! account and chat folders off the path. No I/O happens here. The walk classifies
//! through [`FolderClassifier`], which narrows the rule table once per folder.

pub(crate) mod category;
#[cfg(test)]
mod doc;
pub(crate) mod pattern;
pub(crate) mod rules;
pub(crate) mod tiers;
#[cfg(test)]
mod tiers_doc;

pub use category::Category;

use pattern::{is_md5, Pattern};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// Which part of the tree a rule pattern is relative to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The whole container-relative path.
    Any,
    /// `Data/Library/Application Support/com.tencent.xinWeChat/<version>/` (WeChat 3.x).
    V3,
    /// `Data/Library/Caches/com.tencent.xinWeChat/<version>/` (WeChat 3.x caches).
    V3Caches,
    /// `Data/Documents/xwechat_files/<account>/` (WeChat 4.x), and the early 4.0 beta's
    /// `Data/Library/Application Support/com.tencent.xinWeChat/4.0b*/`, which holds the
    /// same `db_storage/` without an account folder.
    V4,
    /// `Data/Documents/xwechat_files/` (WeChat 4.x, app-wide).
    V4Root,
    /// The container's `Data/`.
    Data,
}

/// Which WeChat generation wrote a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// WeChat 2.x/3.x (`Application Support/com.tencent.xinWeChat`, its caches).
    Wechat3,
    /// WeChat 4.x (`Documents/xwechat_files`, `Documents/app_data`).
    Wechat4,
    /// App-wide files used by both (preferences, mini-programs, system caches).
    Shared,
}

impl Layout {
    /// Stable id, as in the JSON.
    pub fn id(self) -> &'static str {
        match self {
            Layout::Wechat3 => "wechat3",
            Layout::Wechat4 => "wechat4",
            Layout::Shared => "shared",
        }
    }
}

/// Where a file sits in the WeChat model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement<'a> {
    /// Its category.
    pub category: Category,
    /// Which generation's tree it is in.
    pub layout: Layout,
    /// The account folder it belongs to, if any (`None` = app-wide, "shared").
    pub account: Option<&'a str>,
    /// The chat folder (an md5 of the conversation's username), if any.
    pub chat: Option<&'a str>,
    /// Index of the matching rule in [`rules::RULES`], `None` for the fallback.
    pub rule: Option<usize>,
}

/// Compiled patterns, in table order.
fn compiled() -> &'static [Pattern] {
    static COMPILED: OnceLock<Vec<Pattern>> = OnceLock::new();
    COMPILED.get_or_init(|| {
        rules::RULES
            .iter()
            .map(|r| Pattern::new(r.pattern))
            .collect()
    })
}

/// The folders that sit beside 4.x account folders in `xwechat_files/` and are not accounts.
const V4_NON_ACCOUNTS: [&str; 3] = ["all_users", "Backup", "old_backup"];

/// Strip a database sidecar suffix so `-wal`, `-shm` and `-journal` follow their database.
pub fn strip_sidecar(name: &str) -> &str {
    for suffix in ["-wal", "-shm", "-journal"] {
        if let Some(stem) = name.strip_suffix(suffix) {
            if !stem.is_empty() {
                return stem;
            }
        }
    }
    name
}

/// The parts of a canonical path, split by scope.
struct Split<'p, 'a> {
    /// Segments after `Data/`, if the path is inside `Data/`.
    data: Option<&'p [&'a str]>,
    v3: Option<&'p [&'a str]>,
    v3caches: Option<&'p [&'a str]>,
    /// The account folder (none for the 4.0 beta) and the segments after it.
    v4: Option<(Option<&'a str>, &'p [&'a str])>,
    v4root: Option<&'p [&'a str]>,
}

/// Whether a folder beside the 3.x version folder is the early 4.0 beta's
/// (`4.0b*`, seen in decrypt scripts with `db_storage/` right inside it).
pub(crate) fn is_v4_beta(version: &str) -> bool {
    version
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("4.0b"))
}

fn split<'p, 'a>(segs: &'p [&'a str]) -> Split<'p, 'a> {
    let data = match segs.first() {
        Some(&"Data") => Some(&segs[1..]),
        _ => None,
    };
    let mut out = Split {
        data,
        v3: None,
        v3caches: None,
        v4: None,
        v4root: None,
    };
    let Some(d) = data else { return out };
    if d.len() >= 5 && d[0] == "Library" && d[2] == "com.tencent.xinWeChat" {
        if d[1] == "Application Support" {
            if is_v4_beta(d[3]) {
                out.v4 = Some((None, &d[4..]));
            } else {
                out.v3 = Some(&d[4..]);
            }
        } else if d[1] == "Caches" {
            out.v3caches = Some(&d[4..]);
        }
    }
    if d.len() >= 3 && d[0] == "Documents" && d[1] == "xwechat_files" {
        out.v4root = Some(&d[2..]);
        if d.len() >= 4 && !V4_NON_ACCOUNTS.contains(&d[2]) {
            out.v4 = Some((Some(d[2]), &d[3..]));
        }
    }
    out
}

/// Classify one regular file by its canonical (container-relative, `/`-separated) path.
pub fn classify(canonical: &str) -> Placement<'_> {
    let (mut stack, mut heap) = ([""; STACK_SEGS], Vec::new());
    let segs = path_segs(canonical, &mut stack, &mut heap);
    let parts = split(segs);
    let found = first_match(segs, &parts, (0..rules::RULES.len()).map(|i| (i, false)));
    place(&parts, found)
}

/// Where a file at `canonical` belongs (its layout, account and chat) without its
/// category: [`classify`] without trying the rules (the plan's folder context needs
/// only this, once per folder; tested equal to `classify`'s).
pub fn owner(canonical: &str) -> Placement<'_> {
    let (mut stack, mut heap) = ([""; STACK_SEGS], Vec::new());
    place(&split(path_segs(canonical, &mut stack, &mut heap)), None)
}

/// A canonical path's non-empty segments, gathered by [`collect_segs`].
fn path_segs<'s, 'a>(
    canonical: &'a str,
    stack: &'s mut [&'a str; STACK_SEGS],
    heap: &'s mut Vec<&'a str>,
) -> &'s [&'a str] {
    collect_segs(canonical.split('/').filter(|s| !s.is_empty()), stack, heap)
}

/// Path segments kept on the stack (deeper paths go to the heap).
const STACK_SEGS: usize = 48;

/// Gather `segs` into `stack` (or `heap`, past [`STACK_SEGS`]), with the last one
/// sidecar-stripped (this runs once per file, so it avoids allocating).
fn collect_segs<'s, 'a>(
    segs: impl Iterator<Item = &'a str>,
    stack: &'s mut [&'a str; STACK_SEGS],
    heap: &'s mut Vec<&'a str>,
) -> &'s [&'a str] {
    let mut n = 0;
    for seg in segs {
        if n < stack.len() {
            stack[n] = seg;
        } else {
            if heap.is_empty() {
                heap.extend_from_slice(&stack[..]);
            }
            heap.push(seg);
        }
        n += 1;
    }
    let segs: &mut [&str] = if heap.is_empty() {
        &mut stack[..n]
    } else {
        &mut heap[..]
    };
    if let Some(last) = segs.last_mut() {
        *last = strip_sidecar(last);
    }
    segs
}

/// The segments a rule of `scope` is matched against, if the path is in that scope.
fn scope_rel<'p, 'a>(
    scope: Scope,
    segs: &'p [&'a str],
    parts: &Split<'p, 'a>,
) -> Option<&'p [&'a str]> {
    match scope {
        Scope::Any => Some(segs),
        Scope::V3 => parts.v3,
        Scope::V3Caches => parts.v3caches,
        Scope::V4 => parts.v4.map(|(_, rel)| rel),
        Scope::V4Root => parts.v4root,
        Scope::Data => parts.data,
    }
}

/// The first of `candidates` (rule indices in table order, each with whether it is
/// already known to match) whose pattern matches.
fn first_match(
    segs: &[&str],
    parts: &Split<'_, '_>,
    candidates: impl Iterator<Item = (usize, bool)>,
) -> Option<usize> {
    let pats = compiled();
    for (i, always) in candidates {
        if always
            || scope_rel(rules::RULES[i].scope, segs, parts).is_some_and(|rel| pats[i].matches(rel))
        {
            return Some(i);
        }
    }
    None
}

/// The placement of a file whose path split into `parts` and matched rule `found`.
/// Every segment (the sidecar-stripped last one too) borrows from the canonical path.
fn place<'a>(parts: &Split<'_, 'a>, found: Option<usize>) -> Placement<'a> {
    let category = found.map_or(Category::Other, |i| rules::RULES[i].category);
    let (layout, account, chat) = if let Some(rel) = parts.v3 {
        let account = match rel {
            [acct, _, ..] if is_md5(acct) => Some(*acct),
            ["Backup" | "KeyValue", acct, _, ..] if is_md5(acct) => Some(*acct),
            _ => None,
        };
        let chat = match rel {
            [acct, "Message", "MessageTemp", chat, _, ..] if is_md5(acct) => Some(*chat),
            _ => None,
        };
        (Layout::Wechat3, account, chat)
    } else if let Some((acct, rel)) = parts.v4 {
        let chat = match rel {
            ["msg", "attach", chat, _, ..] => Some(*chat),
            ["temp", "RWTemp", _, chat, _, ..] => Some(*chat),
            ["cache", _, "Message", chat, _, ..] => Some(*chat),
            _ => None,
        };
        (Layout::Wechat4, acct, chat)
    } else if let Some(rel) = parts.v4root {
        match rel {
            // A 3.x account's backup, kept by the upgrade to 4.x: that 3.x account's.
            ["old_backup", acct, _, ..] if is_md5(acct) => (Layout::Wechat3, Some(*acct), None),
            _ => (Layout::Wechat4, None, None),
        }
    } else if let Some(rel) = parts.v3caches {
        let account = match rel {
            [acct, _, ..] if is_md5(acct) => Some(*acct),
            _ => None,
        };
        (Layout::Wechat3, account, None)
    } else {
        let layout = match parts.data {
            Some(["Documents", "app_data", ..]) => Layout::Wechat4,
            Some(
                ["Library", "Application Support" | "Caches" | "HTTPStorages", "com.tencent.xinWeChat", ..],
            ) => Layout::Wechat3,
            _ => Layout::Shared,
        };
        (layout, None, None)
    };
    Placement {
        category,
        layout,
        account,
        chat,
        rule: found,
    }
}

/// Stands for "any file name" while a folder is prepared: equal to no literal
/// segment of any rule (a file name never holds a NUL byte).
const ANY_NAME: &str = "\0";

/// [`classify`] for many files, one folder after another: what depends only on the
/// folder (its segments, and which rules can still match a file in it) is worked out
/// once per folder. A rule that cannot match any name there is skipped; one whose
/// pattern ends in `**` and already matches the folder matches every file in it, so
/// the rules after it are never tried. Gives exactly what [`classify`] gives (tested).
#[derive(Debug, Default)]
pub struct FolderClassifier {
    /// The folder prepared last (its canonical path), and its walk id if known.
    dir: Option<String>,
    folder: Option<u32>,
    /// Its segments, as byte ranges of `dir`.
    ranges: Vec<(usize, usize)>,
    /// The rules that can match a file there, in table order, each with whether it
    /// matches every file.
    candidates: Vec<(usize, bool)>,
}

impl FolderClassifier {
    /// Classify the file at `canonical`.
    pub fn classify<'a>(&mut self, canonical: &'a str) -> Placement<'a> {
        self.classify_in(u32::MAX, canonical)
    }

    /// [`Self::classify`] for a file of the walk's folder `folder` (a folder's id is
    /// unique, `u32::MAX` stands for any): the folder's path is compared only when
    /// the id does not tell.
    pub fn classify_in<'a>(&mut self, folder: u32, canonical: &'a str) -> Placement<'a> {
        let (dir, name) = match canonical.rfind('/') {
            Some(i) => (&canonical[..i], &canonical[i + 1..]),
            None => ("", canonical),
        };
        let same = folder != u32::MAX && self.folder == Some(folder);
        if !same && self.dir.as_deref() != Some(dir) {
            self.prepare(dir);
        }
        self.folder = Some(folder);
        // At the top the name itself could be `Data`, which changes the scopes.
        if self.ranges.is_empty() || name.is_empty() {
            return classify(canonical);
        }
        let (mut stack, mut heap) = ([""; STACK_SEGS], Vec::new());
        let segs = collect_segs(
            self.ranges
                .iter()
                .map(|&(a, b)| &canonical[a..b])
                .chain(std::iter::once(name)),
            &mut stack,
            &mut heap,
        );
        let parts = split(segs);
        let found = first_match(segs, &parts, self.candidates.iter().copied());
        place(&parts, found)
    }

    fn prepare(&mut self, dir: &str) {
        let mut owned = self.dir.take().unwrap_or_default();
        owned.clear();
        owned.push_str(dir);
        self.ranges.clear();
        let mut at = 0;
        for seg in dir.split('/') {
            if !seg.is_empty() {
                self.ranges.push((at, at + seg.len()));
            }
            at += seg.len() + 1;
        }
        let probe: Vec<&str> = self
            .ranges
            .iter()
            .map(|&(a, b)| &owned[a..b])
            .chain(std::iter::once(ANY_NAME))
            .collect();
        let parts = split(&probe);
        let pats = compiled();
        self.candidates.clear();
        for (i, rule) in rules::RULES.iter().enumerate() {
            let Some(rel) = scope_rel(rule.scope, &probe, &parts) else {
                continue;
            };
            let Some((_, rel_dir)) = rel.split_last() else {
                continue;
            };
            if !pats[i].could_match_with_any_last(rel) {
                continue;
            }
            let always = pats[i].ends_in_any_depth() && pats[i].matches(rel_dir);
            self.candidates.push((i, always));
            if always {
                break;
            }
        }
        self.dir = Some(owned);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_example_maps_to_its_own_rule() {
        for (i, rule) in rules::RULES.iter().enumerate() {
            let p = classify(rule.example);
            assert_eq!(
                p.rule,
                Some(i),
                "example of rule {i} ({}) matched {:?}",
                rule.pattern,
                p.rule
            );
            assert_eq!(p.category, rule.category, "{}", rule.example);
        }
    }

    #[test]
    fn unmatched_is_other() {
        let p = classify("Data/Downloads/x");
        assert_eq!(p.category, Category::Other);
        assert_eq!(p.rule, None);
        assert_eq!(p.layout, Layout::Shared);
    }

    #[test]
    fn deep_paths_classify_like_shallow_ones() {
        // Deeper than the on-stack segment buffer: the heap fallback must agree.
        for depth in [1, 40, 47, 48, 49, 200] {
            let deep = "d/".repeat(depth);
            let image = format!(
                "Data/Documents/xwechat_files/wxid_a1_9f3c/msg/attach/c1/2024-05/Img/{deep}x_t.dat"
            );
            let p = classify(&image);
            assert_eq!(p.category, Category::ChatImages, "depth {depth}");
            assert_eq!((p.account, p.chat), (Some("wxid_a1_9f3c"), Some("c1")));
            let log = format!("Data/{deep}a.XLOG");
            let log = classify(&log);
            assert_eq!(log.category, Category::Logs, "depth {depth}");
        }
    }

    #[test]
    fn accounts_and_chats() {
        let p = classify("Data/Library/Application Support/com.tencent.xinWeChat/2.0b4.0.9/1d35a41b3adb8b335cc59362ad55ee88/Message/MessageTemp/9e20f478899dc29eb19741386f9343c8/Image/1_.pic.jpg");
        assert_eq!(p.account, Some("1d35a41b3adb8b335cc59362ad55ee88"));
        assert_eq!(p.chat, Some("9e20f478899dc29eb19741386f9343c8"));
        assert_eq!(p.layout, Layout::Wechat3);
        let p = classify("Data/Documents/xwechat_files/wxid_a1_9f3c/temp/RWTemp/2026-09/9e20f478899dc29eb19741386f9343c8/x.pdf");
        assert_eq!(
            (p.account, p.chat, p.category),
            (
                Some("wxid_a1_9f3c"),
                Some("9e20f478899dc29eb19741386f9343c8"),
                Category::Caches
            )
        );
        let p = classify("Data/Documents/xwechat_files/all_users/login/wxid_a1/key_info.db");
        assert_eq!(
            (p.account, p.layout, p.category),
            (None, Layout::Wechat4, Category::Config)
        );
        let p = classify("Data/Library/Application Support/com.tencent.xinWeChat/2.0b4.0.9/Backup/1d35a41b3adb8b335cc59362ad55ee88/0123/Backup.db");
        assert_eq!(
            (p.account, p.category),
            (Some("1d35a41b3adb8b335cc59362ad55ee88"), Category::Backups)
        );
    }

    #[test]
    fn account_folders_outside_the_account_trees() {
        // 3.x caches: SaveTemp and dragImgTmp belong to the account folder above them.
        for sub in ["SaveTemp", "dragImgTmp"] {
            let path = format!(
                "Data/Library/Caches/com.tencent.xinWeChat/2.0b4.0.9/1d35a41b3adb8b335cc59362ad55ee88/{sub}/2024-05/a.pdf"
            );
            let p = classify(&path);
            assert_eq!(
                (p.category, p.layout, p.account),
                (
                    Category::Caches,
                    Layout::Wechat3,
                    Some("1d35a41b3adb8b335cc59362ad55ee88")
                ),
                "{sub}"
            );
        }
        // Not an account folder: app-wide.
        let p = classify("Data/Library/Caches/com.tencent.xinWeChat/fsCachedData/0A1B-2C3D");
        assert_eq!((p.category, p.account), (Category::Caches, None));
        // old_backup/<3.x md5>: that 3.x account's backups.
        let p = classify("Data/Documents/xwechat_files/old_backup/1d35a41b3adb8b335cc59362ad55ee88/2F1E3D4C-0000-4000-8000-000000000001/BAK_0_MEDIA");
        assert_eq!(
            (p.category, p.layout, p.account),
            (
                Category::Backups,
                Layout::Wechat3,
                Some("1d35a41b3adb8b335cc59362ad55ee88")
            )
        );
        let p = classify("Data/Documents/xwechat_files/old_backup/readme.txt");
        assert_eq!(
            (p.category, p.layout, p.account),
            (Category::Backups, Layout::Wechat4, None)
        );
    }

    #[test]
    fn forwarded_chat_records_belong_to_their_chat() {
        let rec = "Data/Documents/xwechat_files/wxid_a1_9f3c/msg/attach/9e20f478899dc29eb19741386f9343c8/2024-05/Rec/0a1b2c3d";
        for (rest, want) in [
            ("F/1/report.pdf", Category::ChatFiles),
            ("V/1.mp4", Category::ChatVideos),
            ("Img/1.dat", Category::ChatOther),
        ] {
            let path = format!("{rec}/{rest}");
            let p = classify(&path);
            assert_eq!(p.category, want, "{rest}");
            assert_eq!(
                (p.account, p.chat),
                (
                    Some("wxid_a1_9f3c"),
                    Some("9e20f478899dc29eb19741386f9343c8")
                )
            );
        }
    }

    #[test]
    fn early_4_0_beta_maps_like_4x_db_storage() {
        let beta = "Data/Library/Application Support/com.tencent.xinWeChat/4.0b4.0.9/db_storage";
        let v4 = "Data/Documents/xwechat_files/wxid_a1_9f3c/db_storage";
        for rest in [
            "message/message_0.db",
            "message/message_0.db-wal",
            "message/media_0.db",
            "contact/contact.db",
            "session/session.db",
            "favorite/favorite.db",
            "emoticon/emoticon.db",
            "head_image/head_image.db",
            "sns/sns.db",
            "general/general.db",
            "MMKV/mmkv.default",
        ] {
            let (b, x) = (format!("{beta}/{rest}"), format!("{v4}/{rest}"));
            let (b, x) = (classify(&b), classify(&x));
            assert_eq!((b.category, b.rule), (x.category, x.rule), "{rest}");
            assert_eq!((b.layout, b.account), (Layout::Wechat4, None), "{rest}");
        }
        // A 3.x version folder is still 3.x.
        let p = classify(
            "Data/Library/Application Support/com.tencent.xinWeChat/2.0b4.0.9/db_storage/x.db",
        );
        assert_eq!(p.layout, Layout::Wechat3);
    }

    #[test]
    fn sidecars_follow_their_database() {
        let base = "Data/Documents/xwechat_files/wxid_a1_9f3c/db_storage/message/media_0.db";
        for suffix in ["", "-wal", "-shm", "-journal"] {
            assert_eq!(
                classify(&format!("{base}{suffix}")).category,
                Category::ChatVoice
            );
        }
        assert_eq!(strip_sidecar("-wal"), "-wal");
    }

    /// Segments that steer the rule table: scope roots, rule literals, md5s, months,
    /// names that rules test (`*.xlog`, `*.db`, `media_*.db`, `lock.ini`, sidecars).
    const VOCAB: &[&str] = &[
        "Data",
        "Library",
        "Application Support",
        "com.tencent.xinWeChat",
        "2.0b4.0.9",
        "1d35a41b3adb8b335cc59362ad55ee88",
        "9e20f478899dc29eb19741386f9343c8",
        "Message",
        "MessageTemp",
        "Image",
        "Video",
        "Audio",
        "File",
        "Backup",
        "KeyValue",
        "Documents",
        "xwechat_files",
        "wxid_a1_9f3c",
        "all_users",
        "msg",
        "attach",
        "Img",
        "2024-05",
        "db_storage",
        "message",
        "cache",
        "temp",
        "RWTemp",
        "Caches",
        "app_data",
        "radium",
        "log",
        "x.xlog",
        "msg_0.db",
        "media_0.db",
        "media_0.db-wal",
        "lock.ini",
        "a.jpg",
        "ab_t.dat",
        "fav.archive",
        "Avatar",
        "business",
        "favorite",
        "head_image",
        "4.0b4.0.9",
        "SaveTemp",
        "old_backup",
        "Rec",
        "F",
        "V",
        "MMKV",
        "login",
        "tmp",
        "net",
        "cdncomm",
        "",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// The per-folder classifier gives exactly what `classify` gives, with files
        /// arriving folder by folder or in any order.
        #[test]
        fn folder_classifier_agrees_with_classify(
            dirs in proptest::collection::vec(
                (
                    0..rules::RULES.len() + 3,
                    0usize..4,
                    proptest::collection::vec(proptest::sample::select(VOCAB), 0..4),
                ),
                1..8,
            ),
            names in proptest::collection::vec(proptest::sample::select(VOCAB), 1..4),
        ) {
            // Folders: a rule example's folder (or the top, `Data`, nothing), cut by a
            // few levels, then random segments.
            let paths: Vec<Vec<String>> = dirs
                .iter()
                .map(|(base, cut, tail)| {
                    let mut segs: Vec<String> = match rules::RULES.get(*base) {
                        Some(r) => r.example.split('/').map(String::from).collect(),
                        None if *base == rules::RULES.len() => vec!["Data".into()],
                        None => Vec::new(),
                    };
                    segs.pop();
                    segs.truncate(segs.len().saturating_sub(*cut));
                    segs.extend(tail.iter().map(|s| s.to_string()));
                    segs
                })
                .collect();
            let mut fc = FolderClassifier::default();
            let mut all = Vec::new();
            for dir in &paths {
                for name in &names {
                    let mut p = dir.join("/");
                    p.push('/');
                    p.push_str(name);
                    all.push(p);
                }
            }
            // Folder by folder, then shuffled by reversing and interleaving.
            let mut order: Vec<&String> = all.iter().collect();
            let rev: Vec<&String> = all.iter().rev().collect();
            order.extend(rev);
            for p in order {
                let c = classify(p);
                proptest::prop_assert_eq!(fc.classify(p), c.clone(), "{:?}", p);
                let o = owner(p);
                proptest::prop_assert_eq!((o.layout, o.account, o.chat), (c.layout, c.account, c.chat), "{:?}", p);
            }
        }
    }
}
