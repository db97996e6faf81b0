//! The network stores `hosts` reads (`Cache.db`, `httpstorages.sqlite`,
//! `*.binarycookies` in the container's `Data/Library`; [`store_kind`] says which name
//! in which place): recognised as a walk passes them, and read afterwards. `scan
//! --format html` takes them from its own walk; `hosts` runs [`find`], a walk that
//! enters only the folders on the way to those places ([`may_hold_stores`]).

use crate::model::hosts::{may_hold_stores, store_kind, store_name, StoreKind};
use crate::model::Issue;
use crate::tree::locate::Root;
use crate::tree::walk::{walk, DirEntry, FileEntry, FileMeta, Visitor, WalkRoot};
use std::path::PathBuf;

/// A store a walk passed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FoundStore {
    /// Index of its root.
    pub root: usize,
    /// Where it is on disk.
    pub path: PathBuf,
    /// Escaped, relative to the report's base.
    pub rel: String,
    pub kind: StoreKind,
}

/// Keep `e` if it is a store (a name test first: this runs on every file).
#[inline]
pub(crate) fn offer(found: &mut Vec<FoundStore>, e: &FileEntry<'_>) {
    if !store_name(e.name) {
        return;
    }
    if let Some(kind) = store_kind(e.canonical) {
        found.push(FoundStore {
            root: e.root,
            path: e.dir.join(e.os_name),
            rel: e.rel.to_string(),
            kind,
        });
    }
}

/// The stores under `roots`, in root order and then by path, and the folders that could
/// not be read.
pub(crate) fn find(roots: &[Root], threads: usize) -> (Vec<FoundStore>, Vec<Issue>) {
    let walk_roots: Vec<WalkRoot> = roots.iter().map(WalkRoot::from).collect();
    let (mut found, mut issues) = (Vec::new(), Vec::new());
    for f in walk(&walk_roots, threads, None, None, Finder::default).visitors {
        found.extend(f.found);
        issues.extend(f.issues);
    }
    found.sort();
    issues.sort();
    (found, issues)
}

/// One worker's part of [`find`].
#[derive(Debug, Default)]
struct Finder {
    found: Vec<FoundStore>,
    issues: Vec<Issue>,
}

impl Visitor for Finder {
    fn file(&mut self, e: &FileEntry<'_>) {
        offer(&mut self.found, e);
    }
    fn dir(&mut self, _root: usize, _meta: &FileMeta) {}
    fn enter(&mut self, d: &DirEntry<'_>) -> bool {
        may_hold_stores(d.canonical)
    }
    fn symlink(&mut self, _root: usize, _meta: &FileMeta) {}
    fn special(&mut self, _root: usize, _meta: &FileMeta) {}
    fn issue(&mut self, issue: Issue) {
        // Only what kept a folder or entry from being read; `scan` reports names.
        if issue.kind != "non-utf8-name" {
            self.issues.push(issue);
        }
    }
}
