//! One-pass aggregation: each walker thread folds files into an [`Accumulator`];
//! the accumulators are merged and turned into the [`Report`] model.
//!
//! The accumulator is a thin coordinator: per file it classifies and types the file
//! once, then hands the borrowed [`Facts`] to each job, each in its own file:
//! [`tallies`] (every sum: categories, roots, accounts, chats, months, types,
//! variants), [`largest`] (the top-N heap), [`links`] (files with several links, held
//! back and counted once at the end), [`dat`] (4.x `.dat` images per chat and scheme)
//! and [`candidates`] (the databases and plists for the metadata pass), and notes the
//! network stores it passes ([`crate::tree::stores`]).
//!
//! Memory is bounded by what the report keeps: per-category, per-account, per-chat,
//! per-month and per-type maps, a top-N heap, and the inodes with several links
//! (those are decided at the end, so a hard-linked file is counted once, under its
//! first link in folder order, whatever order the threads met its links in; a few
//! dozen bytes per link, see [`links`]). Nothing
//! is allocated per file on the common path: the facts borrow from the walk, and the
//! maps are looked up by `&str`.

mod candidates;
mod dat;
mod hints;
mod largest;
mod links;
mod tallies;

use crate::model::folders::{DirMeta, Linked, RootPlace};
use crate::model::{self, Issue, Report, Size};
use crate::readers::describe::Candidates;
use crate::tree::classify::{Category, FolderClassifier, Layout};
use crate::tree::folders::{FolderNotes, SettledLinks};
use crate::tree::sniff::{file_type, image_variant, Variant};
use crate::tree::stores::{self, FoundStore};
use crate::tree::walk::{DirEntry, FileEntry, FileMeta, FolderStart, Visitor};
use std::collections::HashMap;

use dat::dat_scheme_id;

/// The per-worker maps, hashed with `foldhash` (SipHash showed up in profiles).
type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// `map[key]`, inserting a default first, without allocating a key when it is there.
fn slot<'m, V: Default>(map: &'m mut Map<String, V>, key: &str) -> Option<&'m mut V> {
    if !map.contains_key(key) {
        map.insert(key.to_string(), V::default());
    }
    map.get_mut(key)
}

/// Where 4.x keeps a folder per account that logged in on this Mac (container-relative).
const LOGIN_DIR: &str = "Data/Documents/xwechat_files/all_users/login/";

/// The account id of app-wide files.
const SHARED: &str = "shared";

/// What the aggregation needs to know besides the files.
#[derive(Debug, Clone)]
pub struct Options {
    /// How many largest files to keep.
    pub top: usize,
    /// Count only files last modified before this (seconds since the epoch;
    /// `scan --older-than`).
    pub before: Option<i64>,
    /// The folder tree's `careful` cut-off ([`crate::model::folders::Qual`]).
    pub careful_cutoff: i64,
    /// Also gather the duplicate engine's candidates: files of at least this many bytes
    /// (`plan --dupes`).
    pub same_bytes: Option<u64>,
    /// Keep each folder's own `lstat` in the tree (a plan needs them;
    /// [`crate::model::folders::FolderTree::metas`]).
    pub folder_metas: bool,
    /// The duplicate hints' name records all workers may still keep (shared by the
    /// clones, see [`hints`]).
    pub name_budget: NameBudget,
}

pub use hints::NameBudget;

/// What a file contributes when counted once, borrowed from the walk (no allocation
/// on the common path).
#[derive(Debug, Clone, Copy)]
struct Facts<'a> {
    root: usize,
    rel: &'a str,
    category: Category,
    layout: Layout,
    account: Option<&'a str>,
    /// The chat folder its path names, if any.
    chat: Option<&'a str>,
    kind: &'a str,
    variant: Option<Variant>,
    /// A 4.x chat image `.dat`: its chat and scheme id (the variant is `variant`).
    dat: Option<(&'a str, &'static str)>,
    meta: FileMeta,
}

/// Per-worker state; see the module docs.
#[derive(Debug)]
pub struct Accumulator {
    roots: usize,
    tallies: tallies::Tallies,
    largest: largest::Largest,
    links: links::Links,
    dat_images: dat::DatTally,
    /// Duplicates seen without reading ([`hints`]).
    hints: hints::Hints,
    issues: Vec<Issue>,
    /// Database and plist paths for the metadata pass.
    candidates: Candidates,
    /// The network stores passed (for `hosts` and the HTML report).
    stores: Vec<FoundStore>,
    /// `xwechat_files/all_users/login/<wxid>` folder names (accounts seen on this Mac).
    logins: Vec<String>,
    /// Classification state for the folder whose files are coming in.
    classifier: FolderClassifier,
    /// The folder tree's notes ([`crate::tree::folders`]).
    folders: FolderNotes,
    /// Candidates for the duplicate engine, when asked for.
    same_bytes: Option<crate::dupes::Collector>,
    before: Option<i64>,
}

impl Accumulator {
    /// An empty accumulator for a scan of `roots` roots.
    pub fn new(opts: Options, roots: usize) -> Self {
        Accumulator {
            roots,
            tallies: tallies::Tallies::new(),
            largest: largest::Largest::new(opts.top),
            links: links::Links::new(opts.top),
            dat_images: dat::DatTally::default(),
            hints: hints::Hints::new(opts.name_budget.clone()),
            issues: Vec::new(),
            candidates: Candidates::default(),
            stores: Vec::new(),
            logins: Vec::new(),
            classifier: FolderClassifier::default(),
            folders: FolderNotes::new(opts.careful_cutoff, opts.folder_metas),
            before: opts.before,
            same_bytes: opts.same_bytes.map(crate::dupes::Collector::new),
        }
    }

    /// A file counted once: in every sum, and maybe among the largest. A 4.x `.dat`
    /// image is counted here too, so `dat_images` counts files the way
    /// `image_variants` does (a hard-linked image once, in the chat of its first path).
    fn count_once(&mut self, c: Facts<'_>) {
        count_dat(&mut self.dat_images, &c);
        self.tallies.count(&c);
        self.largest.offer(&c);
    }

    /// Fold another worker's accumulator into this one.
    pub fn merge(&mut self, other: Accumulator) {
        self.tallies.merge(other.tallies);
        self.largest.merge(other.largest);
        self.links.merge(other.links);
        self.issues.extend(other.issues);
        self.dat_images.merge(other.dat_images);
        self.hints.merge(other.hints);
        self.candidates.merge(other.candidates);
        self.stores.extend(other.stores);
        self.logins.extend(other.logins);
        self.folders.merge(other.folders);
        match (&mut self.same_bytes, other.same_bytes) {
            (Some(mine), Some(theirs)) => mine.merge(theirs),
            (mine @ None, theirs) => *mine = theirs,
            _ => {}
        }
    }

    /// The duplicate engine's candidates, when [`Options::same_bytes`] asked for them
    /// (taken out).
    pub fn take_same_bytes(&mut self) -> Option<crate::dupes::Candidates<u32>> {
        self.same_bytes
            .take()
            .map(crate::dupes::Collector::into_candidates)
    }

    /// The files the metadata pass should describe (taken out; call before `finish`).
    pub fn take_candidates(&mut self) -> Candidates {
        std::mem::take(&mut self.candidates)
    }

    /// The network stores the walk passed (taken out, unsorted).
    pub fn take_stores(&mut self) -> Vec<FoundStore> {
        std::mem::take(&mut self.stores)
    }

    /// Settle the hard-linked files and build the report.
    pub fn finish(mut self, mut header: ReportHeader) -> Report {
        let links = std::mem::replace(&mut self.links, links::Links::new(0));
        self.hints.link_accounts(self.tallies.account_links());
        let (tallies, largest, dat_images, hints) = (
            &mut self.tallies,
            &mut self.largest,
            &mut self.dat_images,
            &mut self.hints,
        );
        let (inodes, link_count) = links.counts();
        let mut linked = SettledLinks::with_capacity(inodes, link_count);
        let hard_links = links.settle(|s| {
            hints.linked(s.facts.meta.size, &s.places);
            linked.push(
                Linked {
                    dev: s.dev,
                    ino: s.ino,
                    size: s.facts.meta.size,
                    allocated: s.facts.meta.allocated,
                    nlink: s.nlink,
                    start: 0,
                    len: 0,
                },
                s.folder,
                s.link_folders,
            );
            for (account, chat, category) in &s.chats {
                tallies.chat(account, chat, *category, &s.facts.meta);
            }
            count_dat(dat_images, &s.facts);
            tallies.count(&s.facts);
            if s.has_path {
                largest.offer(&s.facts);
            }
        });
        // The duplicate hints' records are freed before the folder tree is put
        // together: the peak holds one of them, not both.
        let dupe_hints = std::mem::take(&mut self.hints).into_model();
        let places = std::mem::take(&mut header.places);
        let tree = std::mem::take(&mut self.folders).build(places, linked);
        let mut report = self.build(header, hard_links);
        report.dupe_hints = dupe_hints;
        report.tree = tree;
        report
    }

    fn build(self, header: ReportHeader, hard_links: model::HardLinks) -> Report {
        let t = &self.tallies;
        let mut issues = self.issues;
        issues.sort();
        issues.dedup();
        let mut logins = self.logins;
        logins.sort();
        logins.dedup();
        let roots = header
            .roots
            .into_iter()
            .enumerate()
            .take(self.roots)
            .map(|(i, (path, kind, container_path))| {
                let layouts = t.root_layouts(i);
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
            totals: t.totals,
            hard_links,
            categories: t.categories(),
            accounts: t.accounts(),
            chats: t.chats(),
            months: t.months(),
            file_types: t.file_types(),
            image_variants: t.image_variants(),
            largest: self.largest.into_files(),
            issues,
            databases: Vec::new(),
            plists: Vec::new(),
            dat_images: self.dat_images.into_model(),
            accounts_seen: logins
                .into_iter()
                .map(|id| model::AccountSeen {
                    id,
                    account: None,
                    label: None,
                })
                .collect(),
            unattributed: t.unattributed(),
            dupe_hints: Default::default(),
            findings: Vec::new(),
            folders: Vec::new(),
            older_than: None,
            tree: Default::default(),
            contacts: Default::default(),
            resources: Default::default(),
        }
    }
}

/// A 4.x `.dat` image counted once (files, like `image_variants`: a hard-linked image
/// once, in the chat of its first path).
fn count_dat(dat_images: &mut dat::DatTally, c: &Facts<'_>) {
    if let (Some((chat, scheme)), Some(v)) = (c.dat, c.variant) {
        dat_images.count(c.account.unwrap_or(SHARED), chat, (scheme, v), c.meta.size);
    }
}

/// What the report says about the scan itself.
#[derive(Debug, Clone)]
pub struct ReportHeader {
    pub generated_at: String,
    pub base: String,
    /// Per root: path relative to base, kind id, container path.
    pub roots: Vec<(String, String, String)>,
    /// Per root: where it is on disk and its own `lstat` (for the folder tree).
    pub places: Vec<(RootPlace, DirMeta)>,
}

impl Visitor for Accumulator {
    fn file(&mut self, e: &FileEntry<'_>) {
        if self.before.is_some_and(|t| e.meta.mtime >= t) {
            return;
        }
        candidates::file(&mut self.candidates, e);
        if let Some(c) = &mut self.same_bytes {
            c.file(e);
        }
        stores::offer(&mut self.stores, e);
        let p = self.classifier.classify_in(e.folder, e.canonical);
        self.hints.file(&p, e.name, &e.meta);
        let kind = file_type(e.name, e.ext.clone(), e.meta.size, e.head);
        let variant = match p.category {
            Category::ChatImages => image_variant(p.layout, e.name),
            _ => None,
        };
        let account = p.account.unwrap_or(SHARED);
        let dat = match (p.layout, variant, p.chat) {
            (Layout::Wechat4, Some(_), Some(chat)) => Some((chat, dat_scheme_id(e.head))),
            _ => None,
        };
        let facts = Facts {
            root: e.root,
            rel: e.rel,
            category: p.category,
            layout: p.layout,
            account: p.account,
            chat: p.chat,
            kind: &kind,
            variant,
            dat,
            meta: e.meta,
        };
        let dir = e
            .canonical
            .strip_suffix(e.name)
            .map_or("", |d| d.strip_suffix('/').unwrap_or(d));
        if e.meta.nlink > 1 {
            let floor = self.largest.floor();
            if self.links.add(&facts, e.name, p.chat, e.folder, floor) {
                self.folders
                    .file(e.folder, dir, e.name, p.category, &kind, &e.meta, false);
                return;
            }
        }
        self.folders
            .file(e.folder, dir, e.name, p.category, &kind, &e.meta, true);
        if let Some(chat) = p.chat {
            self.tallies.chat(account, chat, p.category, &e.meta);
        }
        self.count_once(facts);
    }

    fn dir(&mut self, _root: usize, meta: &FileMeta) {
        self.tallies.dir(meta);
    }

    fn named_dir(&mut self, d: &DirEntry<'_>) {
        candidates::dir(&mut self.candidates, d);
        if let Some(wxid) = d.canonical.strip_prefix(LOGIN_DIR) {
            if !wxid.is_empty() && !wxid.contains('/') {
                self.logins.push(wxid.to_string());
            }
        }
    }

    fn folder_start(&mut self, f: &FolderStart<'_>) {
        self.folders.folder(f.id, f.parent, f.name, f.meta);
    }

    fn incomplete(&mut self, id: u32) {
        self.folders.incomplete(id);
    }

    fn symlink(&mut self, _root: usize, meta: &FileMeta) {
        self.tallies.symlink(meta);
    }

    fn special(&mut self, _root: usize, _meta: &FileMeta) {
        self.tallies.special();
    }

    fn issue(&mut self, issue: Issue) {
        self.issues.push(issue);
    }
}
