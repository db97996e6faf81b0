//! `plan --dupes`: the redundant copies of duplicate files as plan items. Pure over the
//! duplicate engine's groups ([`crate::dupes`]), each copy placed by the scan's
//! classifier.
//!
//! Per group, one inode stays: the first by (a copy that can never be planned, a copy
//! the plan does not already take, a 4.x copy, a name without a copy number such as
//! ` (1)`, the oldest, the path). When the plan already takes every copy, the group
//! adds nothing: some copy must stay. Every other inode is planned, all of its links
//! together, when every link may go: not `never`-tier, not in a `--protect`ed chat,
//! inside `--category`, `--chat` and `--older-than`, and not already in the plan. A
//! link that must stay keeps its inode's other links too (moving some links of a file
//! frees nothing). Unique bytes: the inode's size when every one of its links (its
//! `st_nlink`) is in the group, else nothing.

use super::select::is_chat_media;
use super::{Categories, Month, Plan, PlanItem, PlanOptions};
use crate::dupes::names::original_name;
use crate::escape::escape_bytes;
use crate::tree::classify::tiers::{self, Tier, DUPLICATE};
use crate::tree::classify::{classify, Layout};
use std::collections::HashSet;
use std::sync::Arc;

/// One path of a group, placed.
#[derive(Debug, Clone)]
pub(crate) struct Copy {
    /// Absolute path bytes.
    pub(crate) abs: Vec<u8>,
    /// Relative to the report's base, escaped (as `databases[].path`).
    pub(crate) rel: String,
    /// Container-relative, escaped (what the classifier reads).
    pub(crate) canonical: String,
    pub(crate) dev: u64,
    pub(crate) ino: u64,
    pub(crate) nlink: u64,
    pub(crate) size: u64,
    /// `st_mtime` in nanoseconds since the epoch.
    pub(crate) mtime_ns: i64,
}

impl Copy {
    fn mtime(&self) -> i64 {
        self.mtime_ns.div_euclid(1_000_000_000)
    }

    /// Its name carries a copy number (`report (1).pdf`).
    fn numbered(&self) -> bool {
        let name = self.canonical.rsplit('/').next().unwrap_or("");
        original_name(name).is_some()
    }
}

/// A copy with what the plan needs to know of it.
struct Placed<'a> {
    copy: &'a Copy,
    /// Its escaped absolute path.
    path: String,
    /// The plan already takes it (or a folder above it).
    planned: bool,
    tier: Tier,
    layout: Layout,
    category: crate::tree::classify::Category,
    account: Option<Arc<str>>,
    chat: Option<Arc<str>>,
}

fn place<'a>(copy: &'a Copy, databases: &HashSet<String>, items: &HashSet<String>) -> Placed<'a> {
    let p = classify(&copy.canonical);
    let (dir, name) = copy
        .canonical
        .rsplit_once('/')
        .unwrap_or(("", copy.canonical.as_str()));
    let kind = if databases.contains(&copy.rel) {
        "sqlite"
    } else {
        ""
    };
    let row = tiers::file_row(p.category, tiers::folder_kind(dir), name, kind);
    let path = escape_bytes(&copy.abs).0;
    Placed {
        copy,
        planned: planned(items, &path),
        path,
        tier: row.tier,
        layout: p.layout,
        category: p.category,
        account: p.account.map(Arc::from),
        chat: p.chat.map(Arc::from),
    }
}

/// Whether `path` (escaped) or a folder above it is already an item.
fn planned(items: &HashSet<String>, path: &str) -> bool {
    items.contains(path)
        || path
            .match_indices('/')
            .any(|(i, _)| i > 0 && items.contains(&path[..i]))
}

/// Whether this copy may go, by the plan's options.
fn may_go(p: &Placed<'_>, o: &PlanOptions, cutoff: Option<i64>) -> bool {
    if p.tier == Tier::Never {
        return false;
    }
    if let Some(chat) = &p.chat {
        if o.protect.iter().any(|c| c.eq_ignore_ascii_case(chat)) {
            return false;
        }
    } else if !o.protect.is_empty() && is_chat_media(p.category) {
        return false;
    }
    if !o.categories.is_empty() && !o.categories.contains(&p.category) {
        return false;
    }
    if !o.chats.is_empty()
        && !p
            .chat
            .as_deref()
            .is_some_and(|c| o.chats.iter().any(|x| x.eq_ignore_ascii_case(c)))
    {
        return false;
    }
    cutoff.is_none_or(|t| p.copy.mtime() < t)
}

/// Add the redundant copies of `groups` to `plan` (see the module docs); returns how
/// many items were added.
pub(crate) fn add(
    plan: &mut Plan,
    groups: &[Vec<Copy>],
    o: &PlanOptions,
    databases: &HashSet<String>,
) -> u64 {
    let cutoff = o.older_than.map(|a| a.before(o.now));
    let items: HashSet<String> = plan.items.iter().map(|i| i.path.clone()).collect();
    let mut added = Vec::new();
    for group in groups {
        let mut placed: Vec<Placed<'_>> =
            group.iter().map(|c| place(c, databases, &items)).collect();
        // The keeper first (see the module docs).
        placed.sort_by(|a, b| {
            (b.tier == Tier::Never)
                .cmp(&(a.tier == Tier::Never))
                .then_with(|| a.planned.cmp(&b.planned))
                .then_with(|| (b.layout == Layout::Wechat4).cmp(&(a.layout == Layout::Wechat4)))
                .then_with(|| a.copy.numbered().cmp(&b.copy.numbered()))
                .then_with(|| a.copy.mtime_ns.cmp(&b.copy.mtime_ns))
                .then_with(|| a.copy.abs.cmp(&b.copy.abs))
        });
        let Some(keeper) = placed.first().filter(|k| !k.planned) else {
            continue;
        };
        let kept = (keeper.copy.dev, keeper.copy.ino);
        let kept_path = keeper.copy.rel.clone();
        // The other inodes, each with all of its links in the group.
        let mut inodes: Vec<(u64, u64)> = placed
            .iter()
            .map(|p| (p.copy.dev, p.copy.ino))
            .filter(|i| *i != kept)
            .collect();
        inodes.sort_unstable();
        inodes.dedup();
        for inode in inodes {
            let links: Vec<&Placed<'_>> = placed
                .iter()
                .filter(|p| (p.copy.dev, p.copy.ino) == inode)
                .collect();
            if !links.iter().all(|p| may_go(p, o, cutoff) && !p.planned) {
                continue;
            }
            let whole = links.len() as u64 >= links[0].copy.nlink;
            for (k, p) in links.iter().enumerate() {
                let c = p.copy;
                let first = k == 0;
                added.push(PlanItem {
                    path: p.path.clone(),
                    kind: "file".into(),
                    category: p.category.id().into(),
                    categories: Categories::one(p.category),
                    tier: Tier::Confirm,
                    reason: format!("{}: {kept_path}", DUPLICATE.reason).into(),
                    side_effect: DUPLICATE.side_effect.into(),
                    account: p.account.clone(),
                    chat: p.chat.clone(),
                    chat_label: None,
                    month: Month::of(c.mtime()),
                    files: 1,
                    // A hard-linked file's bytes once, on its first link.
                    bytes: if first { c.size } else { 0 },
                    unique_bytes: if first && whole { c.size } else { 0 },
                    dev: c.dev,
                    ino: c.ino,
                    size: c.size,
                    mtime: c.mtime(),
                    nlink: c.nlink,
                });
            }
        }
    }
    let n = added.len() as u64;
    for i in &added {
        plan.totals.items += 1;
        plan.totals.files += 1;
        plan.totals.bytes += i.bytes;
        plan.totals.unique_bytes += i.unique_bytes;
    }
    plan.items.extend(added);
    // Unique paths (a copy already in the plan is never added): in place.
    plan.items.sort_unstable_by(|a, b| a.path.cmp(&b.path));
    n
}

#[cfg(test)]
mod tests {
    use super::planned;
    use std::collections::HashSet;

    #[test]
    fn planned_means_the_path_or_a_folder_above_it() {
        let items: HashSet<String> = ["/a/b".to_string(), "/x/y.bin".to_string()].into();
        assert!(planned(&items, "/a/b"));
        assert!(planned(&items, "/a/b/c/d.jpg"));
        assert!(planned(&items, "/x/y.bin"));
        assert!(!planned(&items, "/a/bc"));
        assert!(!planned(&items, "/a"));
        assert!(!planned(&items, "/x/y.bin2"));
    }
}
