//! One-pass aggregation: each walker thread folds files into an [`Accumulator`];
//! the accumulators are merged and turned into the [`Report`] model.
//!
//! Memory is bounded by what the report keeps: per-category, per-account, per-chat,
//! per-month and per-type maps, a top-N heap, and the inodes with several links
//! (those are decided at the end, so a hard-linked file is counted once, under its
//! lexicographically first path, whatever order the threads met its links in).

use crate::model::{self, Issue, Report, Size};
use crate::readers::dat::{sniff_dat, DatScheme, ImageKind};
use crate::readers::describe::{Candidate, Candidates, PlistHint};
use crate::readers::sqlite::SQLITE_MAGIC;
use crate::tree::classify::{Category, FolderClassifier, Layout};
use crate::tree::sniff::{extension, file_type, image_variant, Variant};
use crate::tree::walk::{DirEntry, FileEntry, FileMeta, Visitor};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};

/// The per-worker maps, hashed with `foldhash` (SipHash showed up in profiles).
type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// What the aggregation needs to know besides the files.
#[derive(Debug, Clone)]
pub struct Options {
    /// How many largest files to keep.
    pub top: usize,
}

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

/// What a file contributes when counted once, borrowed from the walk (no allocation
/// on the common path).
#[derive(Debug, Clone, Copy)]
struct Facts<'a> {
    root: usize,
    rel: &'a str,
    category: Category,
    layout: Layout,
    account: Option<&'a str>,
    kind: &'a str,
    variant: Option<Variant>,
    meta: FileMeta,
}

/// [`Facts`] kept past the walk, for a file with several links.
#[derive(Debug, Clone)]
struct Counted {
    root: usize,
    rel: String,
    category: Category,
    layout: Layout,
    account: Option<String>,
    kind: String,
    variant: Option<Variant>,
    meta: FileMeta,
}

impl Counted {
    fn from_facts(f: &Facts<'_>) -> Counted {
        Counted {
            root: f.root,
            rel: f.rel.to_string(),
            category: f.category,
            layout: f.layout,
            account: f.account.map(str::to_string),
            kind: f.kind.to_string(),
            variant: f.variant,
            meta: f.meta,
        }
    }

    fn facts(&self) -> Facts<'_> {
        Facts {
            root: self.root,
            rel: &self.rel,
            category: self.category,
            layout: self.layout,
            account: self.account.as_deref(),
            kind: &self.kind,
            variant: self.variant,
            meta: self.meta,
        }
    }
}

/// `map[key]`, inserting a default first, without allocating a key when it is there.
fn slot<'m, V: Default>(map: &'m mut Map<String, V>, key: &str) -> Option<&'m mut V> {
    if !map.contains_key(key) {
        map.insert(key.to_string(), V::default());
    }
    map.get_mut(key)
}

/// 4.x image `.dat` counts of one chat: (scheme id, variant) → (files, bytes).
type DatCounts = BTreeMap<(&'static str, Variant), (u64, u64)>;

/// An inode with several links, until the walk is over.
#[derive(Debug, Clone)]
struct LinkGroup {
    /// The link with the smallest path so far.
    first: Counted,
    seen: u64,
    /// (account, chat, category) of every link in a chat.
    chats: Vec<(String, String, Category)>,
}

/// Per-worker state; see the module docs.
#[derive(Debug)]
pub struct Accumulator {
    opts: Options,
    roots: usize,
    totals: model::Totals,
    categories: [Size; Category::ALL.len()],
    layouts: BTreeMap<(usize, Layout), Size>,
    /// Few accounts: a linear scan beats hashing an owned key per file.
    accounts: Vec<(String, Layout, Size)>,
    /// account → chat → totals, looked up by `&str` without allocating.
    chats: Map<String, Map<String, SplitAcc>>,
    months: BTreeMap<i64, SplitAcc>,
    types: Map<String, Size>,
    variants: BTreeMap<(Layout, Variant), Size>,
    /// Min-heap of the largest files: (size, reversed path) so ties keep the smaller path.
    largest: BinaryHeap<Reverse<(u64, Reverse<String>, LargeInfo)>>,
    links: Map<(u64, u64), LinkGroup>,
    issues: Vec<Issue>,
    /// (account, chat, scheme, variant) → (files, bytes) of 4.x chat-image `.dat`s.
    /// account → chat → scheme and variant counts.
    dat_images: Map<String, Map<String, DatCounts>>,
    /// Database and plist paths for the metadata pass.
    candidates: Candidates,
    /// Classification state for the folder whose files are coming in.
    classifier: FolderClassifier,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct LargeInfo {
    category: Category,
    account: String,
    allocated: u64,
    mtime: i64,
}

const SHARED: &str = "shared";

impl Accumulator {
    /// An empty accumulator for a scan of `roots` roots.
    pub fn new(opts: Options, roots: usize) -> Self {
        Accumulator {
            opts,
            roots,
            totals: model::Totals::default(),
            categories: [Size::default(); Category::ALL.len()],
            layouts: BTreeMap::new(),
            accounts: Vec::new(),
            chats: Map::default(),
            months: BTreeMap::new(),
            types: Map::default(),
            variants: BTreeMap::new(),
            largest: BinaryHeap::new(),
            links: Map::default(),
            issues: Vec::new(),
            dat_images: Map::default(),
            candidates: Candidates::default(),
            classifier: FolderClassifier::default(),
        }
    }

    fn count_once(&mut self, c: Facts<'_>) {
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
        let beats_smallest = match self.largest.peek() {
            // Ties keep the smaller path.
            Some(Reverse((min, Reverse(path), _))) => {
                size > *min || (size == *min && c.rel < path.as_str())
            }
            None => true,
        };
        if self.opts.top > 0 && (self.largest.len() < self.opts.top || beats_smallest) {
            let info = LargeInfo {
                category: c.category,
                account: c.account.unwrap_or(SHARED).to_string(),
                allocated: alloc,
                mtime: c.meta.mtime,
            };
            self.largest
                .push(Reverse((size, Reverse(c.rel.to_string()), info)));
            if self.largest.len() > self.opts.top {
                self.largest.pop();
            }
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

    fn count_dat(&mut self, account: &str, chat: &str, key: (&'static str, Variant), size: u64) {
        if let Some(counts) = slot(&mut self.dat_images, account).and_then(|m| slot(m, chat)) {
            let e = counts.entry(key).or_default();
            e.0 += 1;
            e.1 += size;
        }
    }

    fn count_chat(&mut self, account: &str, chat: &str, category: Category, meta: &FileMeta) {
        if let Some(acc) = self.chat_mut(account, chat) {
            acc.size.add(meta.size, meta.allocated);
            acc.categories[category.index()] += meta.size;
        }
    }

    /// Fold another worker's accumulator into this one.
    pub fn merge(&mut self, other: Accumulator) {
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
        for item in other.largest {
            self.largest.push(item);
            if self.largest.len() > self.opts.top {
                self.largest.pop();
            }
        }
        for (k, g) in other.links {
            match self.links.get_mut(&k) {
                None => {
                    self.links.insert(k, g);
                }
                Some(mine) => {
                    mine.seen += g.seen;
                    mine.chats.extend(g.chats);
                    if (g.first.rel.as_str(), g.first.root)
                        < (mine.first.rel.as_str(), mine.first.root)
                    {
                        mine.first = g.first;
                    }
                }
            }
        }
        self.issues.extend(other.issues);
        for (account, chats) in other.dat_images {
            for (chat, counts) in chats {
                for (key, (files, bytes)) in counts {
                    if let Some(mine) =
                        slot(&mut self.dat_images, &account).and_then(|m| slot(m, &chat))
                    {
                        let e = mine.entry(key).or_default();
                        e.0 += files;
                        e.1 += bytes;
                    }
                }
            }
        }
        self.candidates.merge(other.candidates);
    }

    /// The files the metadata pass should describe (taken out; call before `finish`).
    pub fn take_candidates(&mut self) -> Candidates {
        std::mem::take(&mut self.candidates)
    }

    /// Settle the hard-linked files and build the report.
    pub fn finish(mut self, header: ReportHeader) -> Report {
        let mut hard_links = model::HardLinks::default();
        let links = std::mem::take(&mut self.links);
        let mut groups: Vec<LinkGroup> = links.into_values().collect();
        groups.sort_by(|a, b| a.first.rel.cmp(&b.first.rel));
        for mut g in groups {
            if g.seen > 1 {
                hard_links.inodes += 1;
                hard_links.extra_links += g.seen - 1;
                hard_links.shared_apparent_bytes += g.first.meta.size * (g.seen - 1);
                hard_links.shared_allocated_bytes += g.first.meta.allocated * (g.seen - 1);
            }
            g.chats.sort();
            g.chats.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
            let meta = g.first.meta;
            for (account, chat, category) in &g.chats {
                self.count_chat(account, chat, *category, &meta);
            }
            self.count_once(g.first.facts());
        }
        self.build(header, hard_links)
    }

    fn build(self, header: ReportHeader, hard_links: model::HardLinks) -> Report {
        let categories = Category::ALL
            .iter()
            .map(|c| model::CategoryTotals {
                id: c.id().to_string(),
                label: c.label().to_string(),
                size: self.categories[c.index()],
            })
            .collect();

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

        let months = self
            .months
            .iter()
            .map(|(k, acc)| model::MonthTotals {
                month: month_label(*k),
                size: acc.size,
                categories: acc.split(),
            })
            .collect();

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

        let image_variants = self
            .variants
            .iter()
            .map(|((layout, variant), size)| model::VariantTotals {
                layout: layout.id().to_string(),
                variant: variant.id().to_string(),
                size: *size,
            })
            .collect();

        let mut largest: Vec<_> = self.largest.into_vec();
        largest.sort();
        // Sorting the `Reverse` wrappers ascending puts the largest first, ties by path.
        let largest = largest
            .into_iter()
            .map(|Reverse((size, Reverse(path), info))| model::LargeFile {
                path,
                category: info.category.id().to_string(),
                account: info.account,
                apparent_bytes: size,
                allocated_bytes: info.allocated,
                modified: rfc3339(info.mtime),
            })
            .collect();

        let mut dat_images: Vec<model::DatImages> = Vec::new();
        for (account, chats) in &self.dat_images {
            for (chat, counts) in chats {
                for ((scheme, variant), (files, bytes)) in counts {
                    dat_images.push(model::DatImages {
                        account: account.clone(),
                        chat: chat.clone(),
                        scheme: scheme.to_string(),
                        variant: variant.id().to_string(),
                        files: *files,
                        apparent_bytes: *bytes,
                    });
                }
            }
        }
        // By strings (as `--redact` re-sorts them): account, chat, scheme, variant.
        dat_images.sort_by(|a, b| {
            (&a.account, &a.chat, &a.scheme, &a.variant)
                .cmp(&(&b.account, &b.chat, &b.scheme, &b.variant))
        });

        let mut issues = self.issues;
        issues.sort();
        issues.dedup();

        let roots = header
            .roots
            .into_iter()
            .enumerate()
            .take(self.roots)
            .map(|(i, (path, kind, container_path))| {
                let layouts: Vec<model::LayoutTotals> = self
                    .layouts
                    .range((i, Layout::Wechat3)..=(i, Layout::Shared))
                    .map(|((_, l), size)| model::LayoutTotals {
                        layout: l.id().to_string(),
                        size: *size,
                    })
                    .collect();
                let mut size = Size::default();
                for l in &layouts {
                    size.merge(&l.size);
                }
                model::Root {
                    path,
                    kind,
                    container_path,
                    size,
                    layouts,
                }
            })
            .collect();

        Report {
            schema_version: model::SCHEMA_VERSION,
            tool: model::Tool {
                name: "wechat-inspect".into(),
                version: env!("CARGO_PKG_VERSION").into(),
            },
            generated_at: header.generated_at,
            base: header.base,
            roots,
            totals: self.totals,
            hard_links,
            categories,
            accounts,
            chats,
            months,
            file_types,
            image_variants,
            largest,
            issues,
            databases: Vec::new(),
            plists: Vec::new(),
            dat_images,
        }
    }
}

/// What the report says about the scan itself.
#[derive(Debug, Clone)]
pub struct ReportHeader {
    pub generated_at: String,
    pub base: String,
    /// Per root: path relative to base, kind id, container path.
    pub roots: Vec<(String, String, String)>,
}

/// The scheme id of a 4.x `.dat` image (see [`model::DatImages`]); `unread` when its
/// head was not read (without `--dat-schemes`, or when reading it failed).
pub fn dat_scheme_id(head: Option<&[u8]>) -> &'static str {
    let Some(head) = head else {
        return "unread";
    };
    match sniff_dat(head) {
        DatScheme::V1 => "v1",
        DatScheme::V2 => "v2",
        DatScheme::Xor { key, image } => {
            let plain = key == 0;
            match image {
                ImageKind::Jpeg if plain => "plain-jpeg",
                ImageKind::Jpeg => "xor-jpeg",
                ImageKind::Png if plain => "plain-png",
                ImageKind::Png => "xor-png",
                ImageKind::Gif if plain => "plain-gif",
                ImageKind::Gif => "xor-gif",
                ImageKind::Bmp if plain => "plain-bmp",
                ImageKind::Bmp => "xor-bmp",
                ImageKind::Tiff if plain => "plain-tiff",
                ImageKind::Tiff => "xor-tiff",
                ImageKind::Webp if plain => "plain-webp",
                ImageKind::Webp => "xor-webp",
                ImageKind::Wxgf if plain => "plain-wxgf",
                ImageKind::Wxgf => "xor-wxgf",
            }
        }
        DatScheme::Unknown => "unknown",
    }
}

fn is_sidecar(name: &str) -> bool {
    ["-wal", "-shm", "-journal"]
        .iter()
        .any(|s| name.len() > s.len() && name.ends_with(s))
}

fn db_extension(ext: Option<&str>) -> bool {
    matches!(ext, Some("db" | "sqlite" | "sqlite3"))
}

impl Accumulator {
    /// Keep the path of a database or plist for the metadata pass.
    fn collect(&mut self, e: &FileEntry<'_>) {
        if e.head_failed || is_sidecar(e.name) {
            return;
        }
        let head = e.head.unwrap_or(&[]);
        let ext = e.ext.as_deref();
        // Every role `meta::db_role` knows ends in a database extension (tested there),
        // so the name alone decides without running the role table on every file.
        let db = head.starts_with(SQLITE_MAGIC) || db_extension(ext);
        let plist = if db {
            None
        } else if ext == Some("plist")
            || (matches!(ext, None | Some("archive")) && head.starts_with(b"bplist00"))
        {
            Some(PlistHint::Certain)
        } else if (ext.is_none() || ext == Some("archive"))
            && (head.starts_with(b"<?xml") || head.starts_with(b"<plist"))
        {
            Some(PlistHint::MaybeXml)
        } else {
            None
        };
        if !db && plist.is_none() {
            return;
        }
        let c = Candidate {
            root: e.root,
            rel: e.rel.to_string(),
            canonical: e.canonical.to_string(),
            path: e.dir.join(e.os_name),
            size: e.meta.size,
            allocated: e.meta.allocated,
        };
        match plist {
            Some(hint) => self.candidates.plists.push((c, hint)),
            None => self.candidates.databases.push(c),
        }
    }
}

impl Visitor for Accumulator {
    fn file(&mut self, e: &FileEntry<'_>) {
        self.collect(e);
        let p = self.classifier.classify(e.canonical);
        let kind = file_type(e.name, e.ext.clone(), e.meta.size, e.head);
        let variant = match p.category {
            Category::ChatImages => image_variant(p.layout, e.name),
            _ => None,
        };
        let account = p.account.unwrap_or(SHARED);
        if let (Layout::Wechat4, Some(v), Some(chat)) = (p.layout, variant, p.chat) {
            self.count_dat(account, chat, (dat_scheme_id(e.head), v), e.meta.size);
        }
        let facts = Facts {
            root: e.root,
            rel: e.rel,
            category: p.category,
            layout: p.layout,
            account: p.account,
            kind: &kind,
            variant,
            meta: e.meta,
        };
        if e.meta.nlink > 1 {
            let counted = Counted::from_facts(&facts);
            let chat = p
                .chat
                .map(|chat| (account.to_string(), chat.to_string(), p.category));
            let key = (e.meta.dev, e.meta.ino);
            match self.links.get_mut(&key) {
                None => {
                    self.links.insert(
                        key,
                        LinkGroup {
                            first: counted,
                            seen: 1,
                            chats: chat.into_iter().collect(),
                        },
                    );
                }
                Some(g) => {
                    g.seen += 1;
                    g.chats.extend(chat);
                    if (counted.rel.as_str(), counted.root) < (g.first.rel.as_str(), g.first.root) {
                        g.first = counted;
                    }
                }
            }
            return;
        }
        if let Some(chat) = p.chat {
            self.count_chat(account, chat, p.category, &e.meta);
        }
        self.count_once(facts);
    }

    fn dir(&mut self, _root: usize, meta: &FileMeta) {
        self.totals.dirs += 1;
        self.totals.dir_allocated_bytes += meta.allocated;
    }

    fn named_dir(&mut self, d: &DirEntry<'_>) {
        if !is_sidecar(d.name) && db_extension(extension(d.name).as_deref()) {
            self.candidates.dir_databases.push(d.rel.to_string());
        }
    }

    fn symlink(&mut self, _root: usize, meta: &FileMeta) {
        self.totals.symlinks += 1;
        self.totals.symlink_bytes += meta.size;
    }

    fn special(&mut self, _root: usize, _meta: &FileMeta) {
        self.totals.special_files += 1;
    }

    fn issue(&mut self, issue: Issue) {
        self.issues.push(issue);
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

/// RFC 3339 (UTC, seconds) for a Unix time.
pub fn rfc3339(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_else(|| secs.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months() {
        assert_eq!(month_label(month_key(0)), "1970-01");
        assert_eq!(month_label(month_key(1_676_858_120)), "2023-02");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    }
}
