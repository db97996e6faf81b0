//! The findings `scan` opens with: the few largest things a user can act on, each
//! worked out by the very selection `plan` runs (`plan --finding ID` gives the same
//! items, so a finding's bytes are what that plan would free). `scan` never lists a
//! folder again for them: a folder that qualifies only in part adds the walk's
//! per-tier tallies of its files ([`crate::model::folders::Qual`]). Those hold files
//! with one link; when hard-linked files in such a folder could have added bytes, the
//! finding is a lower bound and says "at least" (`at_least` in JSON), and
//! `plan --finding ID`, which lists the folder, may free more.

use super::select::{self, Context, Files, Within};
use super::{Age, PlanOptions, FILE_TRANSFER};
use crate::model::folders::{FolderTree, NONE};
use crate::model::Report;
use crate::render::human::bytes;
use crate::tree::classify::tiers::Tier;
use crate::tree::classify::Category;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// One finding (JSON `findings[]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable id: `leftover-wechat3`, `old-backup`, `backup-wechat3`, `caches`,
    /// `old-media`, `file-transfer`, `duplicates` (by name and size, from `dupe_hints`;
    /// planned by `plan --dupes`, which compares contents).
    pub id: String,
    pub title: String,
    /// The tier a plan needs to take it.
    pub tier: Tier,
    /// Bytes freed (unique bytes; an estimate).
    pub bytes: u64,
    /// Why the tool says so.
    pub evidence: Vec<String>,
    /// The command that plans it.
    pub plan: String,
    /// `bytes` is a lower bound: hard-linked files in folders that qualify only in
    /// part were not weighed (`plan --finding` lists them and may free more).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub at_least: bool,
}

/// The ids, in the order they are tried.
pub const IDS: [&str; 6] = [
    "leftover-wechat3",
    "old-backup",
    "backup-wechat3",
    "caches",
    "old-media",
    "file-transfer",
];

/// How many findings `scan` shows at most.
pub const MAX_FINDINGS: usize = 5;

/// The selection behind a finding.
pub(crate) struct Spec {
    pub(crate) options: PlanOptions,
    pub(crate) within: Within,
    pub(crate) tier: Tier,
}

/// The topmost folders whose `test` holds (their subtrees are the finding's scope).
fn topmost(tree: &FolderTree, test: impl Fn(usize) -> bool) -> Vec<u32> {
    let mut inside = vec![false; tree.nodes.len()];
    let mut out = Vec::new();
    for i in 0..tree.nodes.len() {
        let p = tree.nodes[i].parent;
        if p != NONE && inside[p as usize] {
            inside[i] = true;
        } else if test(i) {
            inside[i] = true;
            out.push(i as u32);
        }
    }
    out
}

fn kind_is(context: &Context, i: usize, id: &str) -> bool {
    context.ctx[i].kind.is_some_and(|k| k.row.id == id)
}

/// The selection a finding runs, or `None` for an unknown id.
pub(crate) fn spec(id: &str, tree: &FolderTree, context: &Context, now: i64) -> Option<Spec> {
    let mut o = PlanOptions::new(now);
    let (within, tier) = match id {
        "leftover-wechat3" => {
            o.tiers = vec![Tier::Safe, Tier::Careful, Tier::Confirm];
            (
                Within(Some(topmost(tree, |i| context.ctx[i].leftover))),
                Tier::Confirm,
            )
        }
        "old-backup" => {
            o.tiers = vec![Tier::Confirm];
            (
                Within(Some(topmost(tree, |i| {
                    kind_is(context, i, "kind:old_backup")
                }))),
                Tier::Confirm,
            )
        }
        "backup-wechat3" => {
            o.tiers = vec![Tier::Confirm];
            (
                Within(Some(topmost(tree, |i| {
                    kind_is(context, i, "kind:backup-wechat3")
                }))),
                Tier::Confirm,
            )
        }
        "caches" => (Within(None), Tier::Safe),
        "old-media" => {
            o.tiers = vec![Tier::Careful];
            o.older_than = Some(Age::Months(24));
            (Within(None), Tier::Careful)
        }
        "file-transfer" => {
            o.tiers = vec![Tier::Careful];
            o.chats = vec![FILE_TRANSFER.to_string()];
            (Within(None), Tier::Careful)
        }
        _ => return None,
    };
    Some(Spec {
        options: o,
        within,
        tier,
    })
}

fn month(t: i64) -> String {
    super::Month::of(t).map_or_else(|| "?".into(), |m| m.to_string())
}

/// Work out every finding, largest first, at most [`MAX_FINDINGS`], none empty.
pub(crate) fn findings(
    report: &Report,
    tree: &FolderTree,
    context: &Context,
    databases: &HashSet<String>,
    now: i64,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for id in IDS {
        let Some(s) = spec(id, tree, context, now) else {
            continue;
        };
        if s.within.0.as_ref().is_some_and(Vec::is_empty) {
            continue;
        }
        let mut files = Files::Tallied { inexact: false };
        let (_, totals, _) = select::select(
            tree, context, databases, &s.options, &s.within, &mut files, false,
        );
        let at_least = matches!(files, Files::Tallied { inexact: true });
        if totals.unique_bytes == 0 {
            continue;
        }
        let b = if at_least {
            format!("at least {}", bytes(totals.unique_bytes))
        } else {
            bytes(totals.unique_bytes)
        };
        let scope_newest = s.within.0.as_ref().map(|w| {
            w.iter()
                .filter_map(|&i| tree.node(i))
                .map(|n| n.subtree.newest)
                .max()
                .unwrap_or(i64::MIN)
        });
        let mut evidence = Vec::new();
        let title = match id {
            "leftover-wechat3" => {
                let mut pairs: Vec<_> = context.leftover.iter().collect();
                pairs.sort();
                for (v3, v4) in pairs {
                    evidence.push(format!(
                        "3.x account folder {v3} is the md5 of the wxid of 4.x account folder {v4}"
                    ));
                }
                let last = month(scope_newest.unwrap_or(i64::MIN));
                evidence.push(format!("its newest file was last written {last}"));
                evidence.push("no upgrade marker file is known for WeChat on macOS: the link rests on the md5 match".into());
                format!("3.x data left after the move to 4.x: {b}, last written {last}")
            }
            "old-backup" => {
                evidence.push(format!(
                    "{} of backup files, newest {}",
                    bytes(totals.bytes),
                    month(scope_newest.unwrap_or(i64::MIN))
                ));
                evidence
                    .push("a chat-history backup, not a cache: WeChat does not rebuild it".into());
                format!("old_backup, left by the move to 4.x, holds {b}")
            }
            "backup-wechat3" => {
                evidence.push(format!(
                    "newest file written {}",
                    month(scope_newest.unwrap_or(i64::MIN))
                ));
                evidence.push("whether it repeats old_backup takes comparing contents".into());
                format!("WeChat 3.x backups hold {b}")
            }
            "caches" => {
                evidence.push("caches, temporary files, logs, avatars and stickers WeChat downloads or rebuilds".into());
                // Why the `caches` category is larger than this: what its tiers keep.
                let held = report
                    .categories
                    .iter()
                    .find(|c| c.id == "caches")
                    .map_or(0, |c| c.size.apparent_bytes);
                let mut only = s.options.clone();
                only.categories = vec![Category::Caches];
                let mut tallied = Files::Tallied { inexact: false };
                let (_, taken, _) = select::select(
                    tree,
                    context,
                    databases,
                    &only,
                    &s.within,
                    &mut tallied,
                    false,
                );
                let kept = held.saturating_sub(taken.bytes);
                if kept > 0 {
                    evidence.push(format!(
                        "the caches category holds {}; the {} of it not taken is what the tiers keep: databases (such as WeChat's URL cache and its -wal) and files no rule knows are never planned",
                        bytes(held),
                        bytes(kept)
                    ));
                    format!(
                        "Caches WeChat rebuilds: {b}; {} more in caches is kept",
                        bytes(kept)
                    )
                } else {
                    format!("Caches WeChat rebuilds: {b}")
                }
            }
            "old-media" => {
                evidence.push(
                    "chat pictures, videos and files last written more than 2 years ago".into(),
                );
                evidence.push("once gone they show as expired in the chat".into());
                format!("Chat media older than 2 years: {b}")
            }
            "file-transfer" => {
                let holds: u64 = report
                    .chats
                    .iter()
                    .filter(|c| c.chat == FILE_TRANSFER)
                    .map(|c| c.size.apparent_bytes)
                    .sum();
                evidence.push(format!(
                    "chat folder {FILE_TRANSFER} is md5(\"filehelper\"), WeChat's File Transfer"
                ));
                format!(
                    "File Transfer holds {}; {b} of it is older than 2 years",
                    bytes(holds)
                )
            }
            _ => continue,
        };
        let plan = match id {
            "caches" => "wechat-inspect plan".to_string(),
            _ => format!("wechat-inspect plan --finding {id}"),
        };
        out.push(Finding {
            id: id.to_string(),
            title,
            tier: s.tier,
            bytes: totals.unique_bytes,
            evidence,
            plan,
            at_least,
        });
    }
    out.extend(duplicates(report));
    out.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.id.cmp(&b.id)));
    out.truncate(MAX_FINDINGS);
    out
}

/// The id of the finding made from `dupe_hints` (not in [`IDS`]: no selection over the
/// folder tree gives it, so `plan --finding` does not take it; `plan --dupes` compares
/// contents first).
pub const DUPLICATES: &str = "duplicates";

/// Copies `scan` sees without reading a byte: a 4.x chat file whose md5 name is in
/// another chat on another inode, and a 3.x file with the same name and size in the
/// account's 4.x tree. An estimate by name and size, said so.
fn duplicates(report: &Report) -> Option<Finding> {
    let h = &report.dupe_hints;
    let t = &h.totals;
    let total = t.md5_repeat_bytes.saturating_add(t.overlap_bytes);
    if total == 0 {
        return None;
    }
    let mut evidence = Vec::new();
    if t.md5_repeat_files > 0 {
        evidence.push(format!(
            "{} 4.x chat file(s) whose md5 name is also in another chat, on another inode: {}",
            t.md5_repeat_files,
            bytes(t.md5_repeat_bytes)
        ));
    }
    if t.overlap_files > 0 {
        evidence.push(format!(
            "{} 3.x file(s) with the same name and size in the account's 4.x tree: {}",
            t.overlap_files,
            bytes(t.overlap_bytes)
        ));
    }
    evidence.push(
        "seen by name and size only: `wechat-inspect dupes` compares contents, `wechat-inspect plan --dupes` plans the copies that really are the same".into(),
    );
    let b = if h.complete {
        bytes(total)
    } else {
        format!("at least {}", bytes(total))
    };
    Some(Finding {
        id: DUPLICATES.to_string(),
        title: format!("Copies that look the same (by name and size): {b}"),
        tier: Tier::Confirm,
        bytes: total,
        evidence,
        plan: "wechat-inspect plan --dupes".to_string(),
        at_least: !h.complete,
    })
}
