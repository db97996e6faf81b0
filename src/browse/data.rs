//! What the browser walks, built once from a scanned report: the folder tree with each
//! folder's tiers (after the 3.x-leftover promotion), and the meaning tree (category →
//! account → chat → month → folders) grouping every folder by the files directly in
//! it. Pure: listing files is the caller's (a [`Lister`]).

use crate::model::folders::{FolderTree, NONE};
use crate::model::redact::PathRedactor;
use crate::model::Report;
use crate::plan::select::{promote, Context};
use crate::tree::classify::tiers::{self, Tier, TierRow};
use crate::tree::classify::Category;
use std::collections::{BTreeMap, HashMap, HashSet};

/// A node of the meaning tree: a category, account, chat or month.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    /// Shown as is (already escaped).
    pub(crate) label: String,
    /// Its parent group (0 for the top's children and the top itself).
    pub(crate) parent: u32,
    pub(crate) children: Vec<u32>,
    /// At the month level: the folders whose own files are here.
    pub(crate) folders: Vec<u32>,
    /// `None` for folders whose own files are of several categories.
    pub(crate) category: Option<Category>,
    pub(crate) apparent: u64,
    pub(crate) allocated: u64,
    pub(crate) files: u64,
    pub(crate) newest: i64,
    /// Tiers present (bits of [`Tier::bit`]).
    pub(crate) tiers: u8,
}

/// The browser's data.
pub(crate) struct Data {
    pub(crate) tree: FolderTree,
    pub(crate) ctx: Context,
    /// Paths (relative to the base) the report lists as databases.
    pub(crate) databases: HashSet<String>,
    /// Per folder: tiers below (promoted), tiers of its own files (promoted), and the
    /// allocated bytes of its own files.
    pub(crate) eff: Vec<u8>,
    pub(crate) own_eff: Vec<u8>,
    pub(crate) own_allocated: Vec<u64>,
    /// The meaning tree; group 0 is the top.
    pub(crate) groups: Vec<Group>,
    pub(crate) generated_at: String,
    pub(crate) base: String,
    /// Files can be listed from disk (a live scan, not a saved report).
    pub(crate) live: bool,
    pub(crate) redactor: Option<PathRedactor>,
    /// Chat names from `--names` or the key, by (account, chat folder), and by chat
    /// folder alone where every account agrees (a moved 3.x folder is reported under
    /// its 4.x account); none when redacting.
    pub(crate) chat_labels: HashMap<(String, String), String>,
    pub(crate) chat_label_any: HashMap<String, Option<String>>,
}

/// The highest tier in a mask (`Safe` for none).
pub(crate) fn worst(mask: u8) -> Tier {
    Tier::ALL
        .into_iter()
        .rev()
        .find(|t| mask & t.bit() != 0)
        .unwrap_or(Tier::Safe)
}

/// The tier row that explains a set of files: a folder kind or the 3.x leftover rule
/// when one applies, else the first category present whose tier is the worst one.
pub(crate) fn reason(
    tier: Tier,
    kind: Option<&'static tiers::Kind>,
    leftover: bool,
    categories: u32,
) -> &'static TierRow {
    if let Some(k) = kind.filter(|k| k.row.tier == tier) {
        return &k.row;
    }
    if leftover && tier == Tier::Confirm {
        return &tiers::LEFTOVER_WECHAT3;
    }
    Category::ALL
        .into_iter()
        .filter(|c| categories & (1 << c.index()) != 0)
        .map(tiers::category_row)
        .find(|r| r.tier == tier)
        .unwrap_or(match tier {
            Tier::Never => &tiers::DATABASE,
            _ => &tiers::LEFTOVER_WECHAT3,
        })
}

fn month(t: i64) -> String {
    if t == i64::MIN {
        return "(no files)".into();
    }
    crate::model::month::Month::of(t).map_or_else(|| "(unknown)".into(), |m| m.to_string())
}

impl Data {
    /// Build from a scanned report (its folder tree is moved out).
    pub(crate) fn new(report: &mut Report, live: bool, redact: bool) -> Data {
        let tree = std::mem::take(&mut report.tree);
        let ctx = Context::new(&tree);
        let databases = crate::commands::plan::database_paths(report);
        let n = tree.nodes.len();
        let mut eff = vec![0u8; n];
        let mut own_eff = vec![0u8; n];
        let mut own_allocated: Vec<u64> = tree.nodes.iter().map(|n| n.subtree.allocated).collect();
        for i in (0..n).rev() {
            let node = &tree.nodes[i];
            own_eff[i] = promote(node.own.tiers, ctx.ctx[i].leftover);
            eff[i] |= own_eff[i];
            if node.parent != NONE {
                let p = node.parent as usize;
                eff[p] |= eff[i];
                own_allocated[p] = own_allocated[p].saturating_sub(node.subtree.allocated);
            }
        }
        let redactor = redact.then(|| {
            let paths: Vec<String> = (0..n as u32).map(|i| tree.canonical(i)).collect();
            PathRedactor::with_text(paths.iter().map(|p| (p.as_str(), false)), [])
        });
        // A name is shown as the report gives it (the renderer escapes it); with
        // --redact the folder's pseudonym stands instead.
        let mut chat_labels = HashMap::new();
        let mut chat_label_any: HashMap<String, Option<String>> = HashMap::new();
        for c in report.chats.iter().filter(|_| !redact) {
            let Some(label) = &c.label else { continue };
            chat_labels.insert((c.account.clone(), c.chat.clone()), label.clone());
            chat_label_any
                .entry(c.chat.clone())
                .and_modify(|l| {
                    if l.as_ref() != Some(label) {
                        *l = None;
                    }
                })
                .or_insert_with(|| Some(label.clone()));
        }
        let mut me = Data {
            chat_labels,
            chat_label_any,
            tree,
            ctx,
            databases,
            eff,
            own_eff,
            own_allocated,
            groups: Vec::new(),
            generated_at: report.generated_at.clone(),
            base: report.base.clone(),
            live,
            redactor,
        };
        me.build_groups();
        me
    }

    /// The name of chat folder `chat` in account folder `account`, if one is known.
    fn chat_label(&self, account: Option<&str>, chat: &str) -> Option<&str> {
        account
            .and_then(|a| self.chat_labels.get(&(a.to_string(), chat.to_string())))
            .or_else(|| self.chat_label_any.get(chat)?.as_ref())
            .map(String::as_str)
    }

    fn text(&self, s: &str) -> String {
        match &self.redactor {
            Some(r) => r.text(s),
            None => s.to_string(),
        }
    }

    /// The meaning tree, from every folder with files of its own.
    fn build_groups(&mut self) {
        type Months = BTreeMap<String, Vec<u32>>;
        let mut by: BTreeMap<usize, BTreeMap<String, BTreeMap<String, Months>>> = BTreeMap::new();
        for (i, node) in self.tree.nodes.iter().enumerate() {
            if node.own.files == 0 {
                continue;
            }
            let cats = node.own.categories;
            let cat = if cats.count_ones() == 1 {
                cats.trailing_zeros() as usize
            } else {
                Category::ALL.len()
            };
            let c = &self.ctx.ctx[i];
            let account = self
                .ctx
                .name(c.account)
                .map_or_else(|| "(no account)".to_string(), |a| self.text(a));
            let chat = match self.ctx.name(c.chat) {
                None => "(no chat)".to_string(),
                Some(h) => match self.chat_label(self.ctx.name(c.account), h) {
                    // The name, and the folder's first digits to tell two alike apart.
                    Some(label) => format!("{label} ({})", h.chars().take(8).collect::<String>()),
                    None => self.text(h),
                },
            };
            by.entry(cat)
                .or_default()
                .entry(account)
                .or_default()
                .entry(chat)
                .or_default()
                .entry(month(node.subtree.newest))
                .or_default()
                .push(i as u32);
        }
        let mut groups = vec![Group {
            label: String::new(),
            parent: 0,
            children: Vec::new(),
            folders: Vec::new(),
            category: None,
            apparent: 0,
            allocated: 0,
            files: 0,
            newest: i64::MIN,
            tiers: 0,
        }];
        let new = |groups: &mut Vec<Group>, parent: usize, label: String, _level: u8, cat| {
            let id = groups.len();
            groups.push(Group {
                label,
                parent: parent as u32,
                children: Vec::new(),
                folders: Vec::new(),
                category: cat,
                apparent: 0,
                allocated: 0,
                files: 0,
                newest: i64::MIN,
                tiers: 0,
            });
            groups[parent].children.push(id as u32);
            id
        };
        for (cat, accounts) in by {
            let category = Category::ALL.get(cat).copied();
            let label = category.map_or("Several categories in one folder", |c| c.label());
            let g1 = new(&mut groups, 0, label.to_string(), 1, category);
            for (account, chats) in accounts {
                let g2 = new(&mut groups, g1, account, 2, category);
                for (chat, months) in chats {
                    let g3 = new(&mut groups, g2, chat, 3, category);
                    for (m, folders) in months {
                        let g4 = new(&mut groups, g3, m, 4, category);
                        for &f in &folders {
                            let node = &self.tree.nodes[f as usize];
                            let add = (
                                node.own.apparent,
                                self.own_allocated[f as usize],
                                node.own.files,
                                node.subtree.newest,
                                self.own_eff[f as usize],
                            );
                            for g in [0, g1, g2, g3, g4] {
                                let g = &mut groups[g];
                                g.apparent += add.0;
                                g.allocated += add.1;
                                g.files += add.2;
                                g.newest = g.newest.max(add.3);
                                g.tiers |= add.4;
                            }
                        }
                        groups[g4].folders = folders;
                    }
                }
            }
        }
        self.groups = groups;
    }

    /// A folder's name for display (escaped; pseudonymised under `--redact`).
    pub(crate) fn folder_name(&self, id: u32) -> String {
        let Some(node) = self.tree.node(id) else {
            return String::new();
        };
        if node.parent == NONE {
            let rel = self.tree.rel(id);
            return if rel.is_empty() {
                ".".into()
            } else {
                self.text(&rel)
            };
        }
        match &self.redactor {
            Some(r) => last(&r.path(&self.tree.canonical(id), false)),
            None => crate::escape::escape_cow(self.tree.name(node))
                .0
                .into_owned(),
        }
    }

    /// A folder's path relative to the base, for display.
    pub(crate) fn folder_rel(&self, id: u32) -> String {
        match &self.redactor {
            Some(r) => r.path(&self.tree.canonical(id), false),
            None => self.tree.rel(id),
        }
    }

    /// A file's name for display.
    pub(crate) fn file_name(&self, folder: u32, name: &[u8]) -> String {
        let escaped = crate::escape::escape_cow(name).0.into_owned();
        match &self.redactor {
            Some(r) => {
                let p = format!("{}/{}", self.tree.canonical(folder), escaped);
                last(&r.path(&p, true))
            }
            None => escaped,
        }
    }
}

fn last(p: &str) -> String {
    p.rsplit('/').next().unwrap_or(p).to_string()
}
