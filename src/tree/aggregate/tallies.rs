//! The running totals of the report: every count that is a sum (files, bytes, folders),
//! per category, per root and layout, per account, per chat, per month, per file type
//! and per image variant. Each file is added once ([`Tallies::count`]) and, when it is
//! in a chat, to that chat ([`Tallies::chat`]).

use super::{slot, Facts, Map, SHARED};
use crate::model::{self, Size};
use crate::tree::classify::pattern::is_md5;
use crate::tree::classify::{Category, Layout};
use crate::tree::sniff::Variant;
use crate::tree::walk::FileMeta;
use std::collections::BTreeMap;

/// Totals with apparent bytes per category (chats, months), and for chats the span of
/// months their files were last modified in.
#[derive(Debug, Default, Clone)]
struct SplitAcc {
    size: Size,
    categories: [u64; Category::ALL.len()],
    /// Oldest and newest month key.
    span: Option<(i64, i64)>,
}

impl SplitAcc {
    fn merge(&mut self, other: &SplitAcc) {
        self.size.merge(&other.size);
        for (a, b) in self.categories.iter_mut().zip(other.categories.iter()) {
            *a += b;
        }
        if let Some((first, last)) = other.span {
            self.month(first);
            self.month(last);
        }
    }

    /// Add a file's size, category and month (its [`month_key`]).
    fn add(&mut self, category: Category, meta: &FileMeta, month: i64) {
        self.size.add(meta.size, meta.allocated);
        self.categories[category.index()] += meta.size;
        self.month(month);
    }

    fn month(&mut self, key: i64) {
        self.span = Some(match self.span {
            Some((a, b)) => (a.min(key), b.max(key)),
            None => (key, key),
        });
    }

    /// `YYYY-MM` of the oldest and newest file.
    fn months(&self) -> (Option<String>, Option<String>) {
        match self.span {
            Some((a, b)) => (Some(month_label(a)), Some(month_label(b))),
            None => (None, None),
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
    /// Per account, 4.x chat files and videos with no chat in their path (`msg/file`,
    /// `msg/video`): few accounts, a linear scan.
    unattributed: Vec<(String, SplitAcc)>,
    months: BTreeMap<i64, SplitAcc>,
    types: Map<String, Size>,
    variants: BTreeMap<(Layout, Variant), Size>,
    /// The month last looked up ([`Months`]).
    last_month: Months,
}

/// The month of the last `mtime` looked up, with its bounds: a folder's files are
/// mostly of one month, so most files skip the calendar arithmetic. The default is
/// empty (`[0, 0)`: no time is in it).
#[derive(Debug, Clone, Copy, Default)]
struct Months {
    /// `[from, until)` in seconds since the epoch, and its [`month_key`].
    from: i64,
    until: i64,
    key: i64,
}

impl Months {
    /// [`month_key`] of `mtime`.
    fn key(&mut self, mtime: i64) -> i64 {
        if mtime >= self.from && mtime < self.until {
            return self.key;
        }
        let key = month_key(mtime);
        if let Some((from, until)) = month_bounds(key) {
            if mtime >= from && mtime < until {
                *self = Months { from, until, key };
            }
        }
        key
    }
}

impl Tallies {
    pub(super) fn new() -> Self {
        Tallies {
            totals: model::Totals::default(),
            categories: [Size::default(); Category::ALL.len()],
            layouts: BTreeMap::new(),
            accounts: Vec::new(),
            chats: Map::default(),
            unattributed: Vec::new(),
            months: BTreeMap::new(),
            types: Map::default(),
            variants: BTreeMap::new(),
            last_month: Months::default(),
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
        let key = self.last_month.key(c.meta.mtime);
        let month = self.months.entry(key).or_default();
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
        if unattributable(c) {
            self.unattributed_mut(id).add(c.category, &c.meta, key);
        }
    }

    fn unattributed_mut(&mut self, account: &str) -> &mut SplitAcc {
        let pos = match self.unattributed.iter().position(|(a, _)| a == account) {
            Some(pos) => pos,
            None => {
                self.unattributed
                    .push((account.to_string(), SplitAcc::default()));
                self.unattributed.len() - 1
            }
        };
        &mut self.unattributed[pos].1
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
        let month = self.last_month.key(meta.mtime);
        if let Some(acc) = self.chat_mut(account, chat) {
            acc.add(category, meta, month);
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
        for (account, v) in other.unattributed {
            self.unattributed_mut(&account).merge(&v);
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
    /// The 3.x account folders that are a 4.x account here ([`model::accounts::v3_links`]).
    pub(super) fn account_links(&self) -> std::collections::BTreeMap<String, String> {
        let of = |layout: Layout| {
            self.accounts
                .iter()
                .filter(move |(_, l, _)| *l == layout)
                .map(|(id, _, _)| id.as_str())
        };
        model::accounts::v3_links(of(Layout::Wechat3), of(Layout::Wechat4))
    }

    pub(super) fn accounts(&self) -> Vec<model::AccountTotals> {
        let mut accounts: Vec<model::AccountTotals> = self
            .accounts
            .iter()
            .map(|(id, layout, size)| model::AccountTotals {
                id: id.clone(),
                layout: layout.id().to_string(),
                size: *size,
                chats: self.chats.get(id).map_or(0, |c| c.len() as u64),
                aliases: Vec::new(),
                by_layout: [(layout.id().to_string(), *size)].into(),
                label: None,
                note: None,
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
            .map(|(account, chat, acc)| {
                let (first_month, last_month) = acc.months();
                model::ChatTotals {
                    size: acc.size,
                    categories: acc.split(),
                    by_layout: [(chat_layout(account).id().to_string(), acc.size)].into(),
                    first_month,
                    last_month,
                    ..model::ChatTotals::new(account, chat)
                }
            })
            .collect();
        model::accounts::sort_chats(&mut chats);
        chats
    }

    /// By account.
    pub(super) fn unattributed(&self) -> Vec<model::Unattributed> {
        let mut out: Vec<model::Unattributed> = self
            .unattributed
            .iter()
            .map(|(account, acc)| {
                let (first_month, last_month) = acc.months();
                model::Unattributed {
                    account: account.clone(),
                    label: model::UNATTRIBUTED_LABEL.to_string(),
                    size: acc.size,
                    categories: acc.split(),
                    first_month,
                    last_month,
                }
            })
            .collect();
        out.sort_by(|a, b| a.account.cmp(&b.account));
        out
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

/// A 4.x chat file or video whose path names no chat (`msg/file/<month>/`,
/// `msg/video/<month>/`): only the encrypted databases say which chat it is from.
fn unattributable(c: &Facts<'_>) -> bool {
    c.layout == Layout::Wechat4
        && c.chat.is_none()
        && matches!(c.category, Category::ChatFiles | Category::ChatVideos)
}

/// The layout of a chat row: chat folders of 3.x accounts (md5 folders) are 3.x, the
/// rest (4.x accounts, the 4.0 beta's `shared`) 4.x.
fn chat_layout(account: &str) -> Layout {
    if is_md5(account) {
        Layout::Wechat3
    } else {
        Layout::Wechat4
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

/// The first second of month `key` ([`month_key`]) and of the month after it.
fn month_bounds(key: i64) -> Option<(i64, i64)> {
    let start = |k: i64| {
        let year = i32::try_from(k.div_euclid(12)).ok()?;
        let month = u32::try_from(k.rem_euclid(12) + 1).ok()?;
        let day = chrono::NaiveDate::from_ymd_opt(year, month, 1)?;
        Some(day.and_hms_opt(0, 0, 0)?.and_utc().timestamp())
    };
    Some((start(key)?, start(key.checked_add(1)?)?))
}

/// `YYYY-MM` of month `key` ([`month_key`]); a year before 0 as `-0001` (at least four
/// digits after the sign, as the report schema says), one after 9999 with five digits.
fn month_label(key: i64) -> String {
    let (year, month) = (key.div_euclid(12), key.rem_euclid(12) + 1);
    if year < 0 {
        format!("-{:04}-{month:02}", year.unsigned_abs())
    } else {
        format!("{year:04}-{month:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months() {
        assert_eq!(month_label(month_key(0)), "1970-01");
        assert_eq!(month_label(month_key(1_676_858_120)), "2023-02");
    }

    /// Whatever a file's time, its month is what the report schema allows (a hostile
    /// copy on a file system with 64-bit seconds can hold years before 0 and after 9999).
    #[test]
    fn every_month_label_fits_the_report_schema() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../../docs/report-schema.json")).unwrap();
        let month = &schema["$defs"]["month_or_null"];
        let v = jsonschema::validator_for(month).unwrap();
        let year = |y: i32| chrono::NaiveDate::from_ymd_opt(y, 6, 1).unwrap();
        let edges = [
            i64::MIN,
            chrono::DateTime::<chrono::Utc>::MIN_UTC.timestamp(),
            year(-1000)
                .and_hms_opt(0, 0, 0)
                .unwrap()
                .and_utc()
                .timestamp(),
            year(-1).and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp(),
            year(0).and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp(),
            -1,
            0,
            253_402_300_799,
            253_402_300_800,
            chrono::DateTime::<chrono::Utc>::MAX_UTC.timestamp(),
            i64::MAX,
        ];
        let labels: Vec<String> = edges.iter().map(|&t| month_label(month_key(t))).collect();
        for l in &labels {
            assert!(v.is_valid(&serde_json::json!(l)), "{l}");
        }
        assert_eq!(labels[3], "-0001-06");
        assert_eq!(labels[4], "0000-06");
        assert_eq!(labels[8], "10000-01");
    }

    #[test]
    fn the_last_month_gives_what_month_key_gives() {
        let mut m = Months::default();
        // Month edges, leap days, before 1970, far future, and jumps back and forth.
        let mut times = vec![
            0,
            -1,
            1,
            1_676_858_120,
            1_677_628_799, // 2023-02-28T23:59:59Z
            1_677_628_800, // 2023-03-01T00:00:00Z
            951_782_400,   // 2000-02-29
            951_868_799,
            951_868_800,
            -62_135_596_800, // year 1
            253_402_300_799, // 9999-12-31T23:59:59Z
            i64::MIN,
            i64::MAX,
        ];
        let mut t: i64 = 1_500_000_000;
        for i in 0..20_000 {
            t = t
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            times.push(1_400_000_000 + t.rem_euclid(400_000_000));
            times.push(1_600_000_000 + i * 3_600);
        }
        for &x in &times {
            assert_eq!(m.key(x), month_key(x), "{x}");
        }
    }
}
