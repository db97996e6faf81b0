//! The running totals of the report: every count that is a sum (files, bytes, folders),
//! per category, per root and layout, per account, per chat, per month, per file type
//! and per image variant. Each file is added once ([`Tallies::count`]) and, when it is
//! in a chat, to that chat ([`Tallies::chat`]).

use super::{slot, Facts, Map, SHARED};
use crate::model::{self, Size};
use crate::tree::classify::{Category, Layout};
use crate::tree::sniff::Variant;
use crate::tree::walk::FileMeta;
use std::collections::BTreeMap;

/// Totals with apparent bytes per category (chats, months).
#[derive(Debug, Default, Clone)]
struct SplitAcc {
    size: Size,
    categories: [u64; Category::ALL.len()],
}

impl SplitAcc {
    fn merge(&mut self, other: &SplitAcc) {
        self.size.merge(&other.size);
        for (a, b) in self.categories.iter_mut().zip(other.categories.iter()) {
            *a += b;
        }
    }

    /// Non-zero categories as `id → bytes`.
    fn split(&self) -> BTreeMap<String, u64> {
        Category::ALL
            .iter()
            .filter(|c| self.categories[c.index()] > 0)
            .map(|c| (c.id().to_string(), self.categories[c.index()]))
            .collect()
    }
}

/// See the module docs.
#[derive(Debug)]
pub(super) struct Tallies {
    pub(super) totals: model::Totals,
    categories: [Size; Category::ALL.len()],
    layouts: BTreeMap<(usize, Layout), Size>,
    /// Few accounts: a linear scan beats hashing an owned key per file.
    accounts: Vec<(String, Layout, Size)>,
    /// account → chat → totals, looked up by `&str` without allocating.
    chats: Map<String, Map<String, SplitAcc>>,
    months: BTreeMap<i64, SplitAcc>,
    types: Map<String, Size>,
    variants: BTreeMap<(Layout, Variant), Size>,
}

impl Tallies {
    pub(super) fn new() -> Self {
        Tallies {
            totals: model::Totals::default(),
            categories: [Size::default(); Category::ALL.len()],
            layouts: BTreeMap::new(),
            accounts: Vec::new(),
            chats: Map::default(),
            months: BTreeMap::new(),
            types: Map::default(),
            variants: BTreeMap::new(),
        }
    }

    /// Add a file that is counted once (every file, or a hard-linked one once settled).
    #[inline]
    pub(super) fn count(&mut self, c: &Facts<'_>) {
        let (size, alloc) = (c.meta.size, c.meta.allocated);
        self.totals.files += 1;
        self.totals.apparent_bytes += size;
        self.totals.allocated_bytes += alloc;
        self.categories[c.category.index()].add(size, alloc);
        self.layouts
            .entry((c.root, c.layout))
            .or_default()
            .add(size, alloc);
        let (id, layout) = match c.account {
            Some(a) => (a, c.layout),
            None => (SHARED, Layout::Shared),
        };
        self.account_mut(id, layout).add(size, alloc);
        let month = self.months.entry(month_key(c.meta.mtime)).or_default();
        month.size.add(size, alloc);
        month.categories[c.category.index()] += size;
        if let Some(s) = slot(&mut self.types, c.kind) {
            s.add(size, alloc);
        }
        if let Some(v) = c.variant {
            self.variants
                .entry((c.layout, v))
                .or_default()
                .add(size, alloc);
        }
    }

    fn account_mut(&mut self, id: &str, layout: Layout) -> &mut Size {
        let pos = match self
            .accounts
            .iter()
            .position(|(a, l, _)| a == id && *l == layout)
        {
            Some(pos) => pos,
            None => {
                self.accounts
                    .push((id.to_string(), layout, Size::default()));
                self.accounts.len() - 1
            }
        };
        &mut self.accounts[pos].2
    }

    fn chat_mut(&mut self, account: &str, chat: &str) -> Option<&mut SplitAcc> {
        slot(slot(&mut self.chats, account)?, chat)
    }

    /// Add a file to a chat (every link of a hard-linked file counts in its chat).
    #[inline]
    pub(super) fn chat(&mut self, account: &str, chat: &str, category: Category, meta: &FileMeta) {
        if let Some(acc) = self.chat_mut(account, chat) {
            acc.size.add(meta.size, meta.allocated);
            acc.categories[category.index()] += meta.size;
        }
    }

    pub(super) fn dir(&mut self, meta: &FileMeta) {
        self.totals.dirs += 1;
        self.totals.dir_allocated_bytes += meta.allocated;
    }

    pub(super) fn symlink(&mut self, meta: &FileMeta) {
        self.totals.symlinks += 1;
        self.totals.symlink_bytes += meta.size;
    }

    pub(super) fn special(&mut self) {
        self.totals.special_files += 1;
    }

    /// Fold another worker's tallies into these.
    pub(super) fn merge(&mut self, other: Tallies) {
        let t = &mut self.totals;
        let o = other.totals;
        t.files += o.files;
        t.dirs += o.dirs;
        t.symlinks += o.symlinks;
        t.special_files += o.special_files;
        t.apparent_bytes += o.apparent_bytes;
        t.allocated_bytes += o.allocated_bytes;
        t.dir_allocated_bytes += o.dir_allocated_bytes;
        t.symlink_bytes += o.symlink_bytes;
        for (mine, theirs) in self.categories.iter_mut().zip(other.categories.iter()) {
            mine.merge(theirs);
        }
        for (k, v) in other.layouts {
            self.layouts.entry(k).or_default().merge(&v);
        }
        for (id, layout, size) in other.accounts {
            self.account_mut(&id, layout).merge(&size);
        }
        for (account, chats) in other.chats {
            for (chat, v) in chats {
                if let Some(mine) = self.chat_mut(&account, &chat) {
                    mine.merge(&v);
                }
            }
        }
        for (k, v) in other.months {
            self.months.entry(k).or_default().merge(&v);
        }
        for (k, v) in other.types {
            self.types.entry(k).or_default().merge(&v);
        }
        for (k, v) in other.variants {
            self.variants.entry(k).or_default().merge(&v);
        }
    }

    /// All 18 categories, zeros included, in their fixed order.
    pub(super) fn categories(&self) -> Vec<model::CategoryTotals> {
        Category::ALL
            .iter()
            .map(|c| model::CategoryTotals {
                id: c.id().to_string(),
                label: c.label().to_string(),
                size: self.categories[c.index()],
            })
            .collect()
    }

    /// Largest first, then by id and layout.
    pub(super) fn accounts(&self) -> Vec<model::AccountTotals> {
        let mut accounts: Vec<model::AccountTotals> = self
            .accounts
            .iter()
            .map(|(id, layout, size)| model::AccountTotals {
                id: id.clone(),
                layout: layout.id().to_string(),
                size: *size,
                chats: self.chats.get(id).map_or(0, |c| c.len() as u64),
            })
            .collect();
        accounts.sort_by(|a, b| {
            b.size
                .apparent_bytes
                .cmp(&a.size.apparent_bytes)
                .then_with(|| (&a.id, &a.layout).cmp(&(&b.id, &b.layout)))
        });
        accounts
    }

    /// Largest first, then by account and chat.
    pub(super) fn chats(&self) -> Vec<model::ChatTotals> {
        let mut chats: Vec<model::ChatTotals> = self
            .chats
            .iter()
            .flat_map(|(account, chats)| chats.iter().map(move |(chat, acc)| (account, chat, acc)))
            .map(|(account, chat, acc)| model::ChatTotals {
                account: account.clone(),
                chat: chat.clone(),
                size: acc.size,
                categories: acc.split(),
            })
            .collect();
        chats.sort_by(|a, b| {
            b.size
                .apparent_bytes
                .cmp(&a.size.apparent_bytes)
                .then_with(|| (&a.account, &a.chat).cmp(&(&b.account, &b.chat)))
        });
        chats
    }

    /// Oldest first.
    pub(super) fn months(&self) -> Vec<model::MonthTotals> {
        self.months
            .iter()
            .map(|(k, acc)| model::MonthTotals {
                month: month_label(*k),
                size: acc.size,
                categories: acc.split(),
            })
            .collect()
    }

    /// Largest first, then by type.
    pub(super) fn file_types(&self) -> Vec<model::TypeTotals> {
        let mut file_types: Vec<model::TypeTotals> = self
            .types
            .iter()
            .map(|(k, size)| model::TypeTotals {
                kind: k.clone(),
                size: *size,
            })
            .collect();
        file_types.sort_by(|a, b| {
            b.size
                .apparent_bytes
                .cmp(&a.size.apparent_bytes)
                .then_with(|| a.kind.cmp(&b.kind))
        });
        file_types
    }

    /// By layout, then variant.
    pub(super) fn image_variants(&self) -> Vec<model::VariantTotals> {
        self.variants
            .iter()
            .map(|((layout, variant), size)| model::VariantTotals {
                layout: layout.id().to_string(),
                variant: variant.id().to_string(),
                size: *size,
            })
            .collect()
    }

    /// The layouts found under root `i`, in layout order.
    pub(super) fn root_layouts(&self, i: usize) -> Vec<model::LayoutTotals> {
        self.layouts
            .range((i, Layout::Wechat3)..=(i, Layout::Shared))
            .map(|((_, l), size)| model::LayoutTotals {
                layout: l.id().to_string(),
                size: *size,
            })
            .collect()
    }
}

/// Months since year 0, as a sortable key.
fn month_key(mtime: i64) -> i64 {
    use chrono::Datelike;
    match chrono::DateTime::from_timestamp(mtime, 0) {
        Some(t) => i64::from(t.year()) * 12 + i64::from(t.month0()),
        None => 0,
    }
}

fn month_label(key: i64) -> String {
    format!("{:04}-{:02}", key.div_euclid(12), key.rem_euclid(12) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months() {
        assert_eq!(month_label(month_key(0)), "1970-01");
        assert_eq!(month_label(month_key(1_676_858_120)), "2023-02");
    }
}
