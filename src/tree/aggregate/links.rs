//! Hard links: a file with several links is held back until the walk is over, keyed by
//! (device, inode), and then counted once, under its first link in folder order (the
//! link whose folder path sorts first, a folder before its sub-folders; in one folder the
//! first name), whatever order the threads met its links in; every link still counts in
//! its chat.
//!
//! Memory is what matters here (WeChat hard-links forwarded media, so a container can
//! hold millions of links), so nothing is kept per link but four numbers, and per inode
//! a fixed-size record:
//!
//! - `(device, inode)` → index of an [`Inode`] record (48 bytes: sizes, mtime, how many
//!   links were seen, and the classification of the link it is counted under, with
//!   folder, account/chat and file type as indices into small interned tables);
//! - per link a [`Link`] (16 bytes): its inode, its folder, its owner (account and chat)
//!   and its category. This is the seam for what needs every link: which folders an
//!   inode's links are in (an inode is freed only when all of them go), and the bytes in
//!   multi-link inodes per category, chat or account;
//! - the folders that hold a link, each path once;
//! - a name only where it can matter: the current folder's links (to pick the first
//!   name when one inode has several links in one folder, which the same worker reads in
//!   one go), and the counted link of an inode big enough to be among the largest files
//!   (a file smaller than the smallest of the top N files one worker has already seen
//!   can never be among the top N of the whole scan, so its path is never needed).
//!
//! Each worker fills its own [`Links`]; they are merged by moving the smaller one's
//! records into the larger one.

use super::{Facts, Map};
use crate::model;
use crate::tree::classify::{Category, Layout};
use crate::tree::sniff::Variant;
use crate::tree::walk::FileMeta;
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// No index (no chat, no account, no name).
const NONE: u32 = u32::MAX;

/// One inode with several links, until the walk is over.
#[derive(Debug, Clone, Copy)]
struct Inode {
    size: u64,
    allocated: u64,
    mtime: i64,
    /// Links met so far (in the scanned roots).
    seen: u32,
    /// The link it is counted under: its folder (index into the folders),
    folder: u32,
    /// its owner (account and chat, index into the owners),
    owner: u32,
    /// its file type (index into the kinds),
    kind: u32,
    /// its root,
    root: u32,
    /// and its classification.
    category: Category,
    layout: Layout,
    variant: Option<Variant>,
}

/// One link of a multi-link inode (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Link {
    /// Index of its [`Inode`].
    inode: u32,
    /// (account, chat) of the link, an index into the owners.
    owner: u32,
    category: Category,
    /// Index of its folder.
    folder: u32,
}

/// An account and chat, as the walk names them.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Owner {
    account: Option<Box<str>>,
    chat: Option<Box<str>>,
}

/// Strings numbered in the order they were first seen.
#[derive(Debug, Default)]
struct Interner {
    ids: Map<String, u32>,
    list: Vec<Box<str>>,
}

impl Interner {
    fn id(&mut self, s: &str) -> Option<u32> {
        if let Some(&id) = self.ids.get(s) {
            return Some(id);
        }
        let id = u32::try_from(self.list.len()).ok().filter(|&i| i < NONE)?;
        self.ids.insert(s.to_string(), id);
        self.list.push(s.into());
        Some(id)
    }

    fn get(&self, id: u32) -> &str {
        self.list.get(id as usize).map_or("", |s| s)
    }
}

/// One inode settled at the end: the facts it is counted once under (`rel` is empty
/// when its path cannot matter, see the module docs) and the chats its links are in.
pub(super) struct Settled<'a> {
    pub(super) facts: Facts<'a>,
    /// Whether `facts.rel` is the counted link's path.
    pub(super) has_path: bool,
    /// (account, chat, category) of each chat its links are in, each chat once (the
    /// smallest category of its links there).
    pub(super) chats: Vec<(&'a str, &'a str, Category)>,
}

/// See the module docs.
#[derive(Debug)]
pub(super) struct Links {
    /// Per device: inode number → index into `inodes`.
    devs: Vec<(u64, Map<u64, u32>)>,
    inodes: Vec<Inode>,
    links: Vec<Link>,
    /// The folders that hold links: their paths end to end, and where each one ends.
    folder_text: String,
    folder_ends: Vec<usize>,
    /// Owners, numbered; looked up by an encoded key.
    owner_ids: Interner,
    owners: Vec<Owner>,
    kinds: Interner,
    /// The name of the counted link, for inodes that may be among the largest files.
    names: Map<u32, Box<str>>,
    /// The folder being read (index into the folders, or [`NONE`]).
    current: u32,
    /// In the folder being read: inode → the first name of its links there.
    here: Map<u32, Box<str>>,
    /// How many largest files the report keeps, and the sizes of the largest inodes
    /// this worker has met (each inode once).
    top: usize,
    sizes: BinaryHeap<Reverse<u64>>,
    /// Scratch buffer for owner keys.
    key: String,
}

/// `folder/name`, or `name` at the top.
fn join(folder: &str, name: &str) -> String {
    if folder.is_empty() {
        name.to_string()
    } else {
        format!("{folder}/{name}")
    }
}

/// The folder part of `rel` (which ends with `/name`, or is `name`).
fn folder_of<'a>(rel: &'a str, name: &str) -> &'a str {
    let dir = rel.strip_suffix(name).unwrap_or(rel);
    dir.strip_suffix('/').unwrap_or(dir)
}

/// The key an owner is interned under (names are escaped, so they hold no control
/// characters).
fn owner_key(buf: &mut String, account: Option<&str>, chat: Option<&str>) {
    buf.clear();
    for part in [account, chat] {
        match part {
            Some(s) => {
                buf.push('\u{1}');
                buf.push_str(s);
            }
            None => buf.push('\u{2}'),
        }
    }
}

impl Links {
    /// An empty table for a report that keeps the `top` largest files.
    pub(super) fn new(top: usize) -> Links {
        Links {
            devs: Vec::new(),
            inodes: Vec::new(),
            links: Vec::new(),
            folder_text: String::new(),
            folder_ends: Vec::new(),
            owner_ids: Interner::default(),
            owners: Vec::new(),
            kinds: Interner::default(),
            names: Map::default(),
            current: NONE,
            here: Map::default(),
            top,
            sizes: BinaryHeap::new(),
            key: String::new(),
        }
    }

    fn folder(&self, i: u32) -> &str {
        let i = i as usize;
        let start = if i == 0 {
            0
        } else {
            self.folder_ends.get(i - 1).copied().unwrap_or(0)
        };
        let end = self.folder_ends.get(i).copied().unwrap_or(start);
        self.folder_text.get(start..end).unwrap_or("")
    }

    fn owner(&mut self, account: Option<&str>, chat: Option<&str>) -> Option<u32> {
        let mut key = std::mem::take(&mut self.key);
        owner_key(&mut key, account, chat);
        let before = self.owner_ids.list.len();
        let id = self.owner_ids.id(&key);
        self.key = key;
        let id = id?;
        if self.owner_ids.list.len() > before {
            self.owners.push(Owner {
                account: account.map(Into::into),
                chat: chat.map(Into::into),
            });
        }
        Some(id)
    }

    /// The smallest size a file can have and still be among the largest of the whole
    /// scan, as far as this worker knows: `floor` (from the files counted directly)
    /// or the smallest of the top sizes of the inodes met here.
    fn name_floor(&self, floor: u64) -> u64 {
        if self.top == 0 {
            return u64::MAX;
        }
        let mine = if self.sizes.len() < self.top {
            0
        } else {
            self.sizes.peek().map_or(0, |r| r.0)
        };
        mine.max(floor)
    }

    fn offer_size(&mut self, size: u64) {
        if self.top == 0 {
            return;
        }
        if self.sizes.len() < self.top {
            self.sizes.push(Reverse(size));
        } else if self.sizes.peek().is_some_and(|r| size > r.0) {
            self.sizes.pop();
            self.sizes.push(Reverse(size));
        }
    }

    /// One link of a file with `nlink > 1`: `name` is its (escaped) name, `chat` its
    /// chat if it is in one, `floor` the smallest size that can still be among the
    /// largest files (see [`super::largest::Largest::floor`]). Returns `false` when the
    /// tables are full (over 4 billion entries): the caller then counts the file as is.
    pub(super) fn add(
        &mut self,
        f: &Facts<'_>,
        name: &str,
        chat: Option<&str>,
        floor: u64,
    ) -> bool {
        let dir = folder_of(f.rel, name);
        if self.current == NONE || self.folder(self.current) != dir {
            let Ok(id) = u32::try_from(self.folder_ends.len()) else {
                return false;
            };
            if id == NONE {
                return false;
            }
            self.folder_text.push_str(dir);
            self.folder_ends.push(self.folder_text.len());
            self.current = id;
            self.here.clear();
        }
        let folder = self.current;
        let Some(owner) = self.owner(f.account, chat) else {
            return false;
        };
        let (dev, ino) = (f.meta.dev, f.meta.ino);
        let d = match self.devs.iter().position(|(d, _)| *d == dev) {
            Some(d) => d,
            None => {
                self.devs.push((dev, Map::default()));
                self.devs.len() - 1
            }
        };
        let existing = self.devs[d].1.get(&ino).copied();
        let inode = match existing {
            Some(i) => i,
            None => {
                let Ok(i) = u32::try_from(self.inodes.len()) else {
                    return false;
                };
                if i == NONE {
                    return false;
                }
                let Some(kind) = self.kinds.id(f.kind) else {
                    return false;
                };
                self.inodes.push(Inode {
                    size: f.meta.size,
                    allocated: f.meta.allocated,
                    mtime: f.meta.mtime,
                    seen: 0,
                    folder,
                    owner,
                    kind,
                    root: u32::try_from(f.root).unwrap_or(NONE),
                    category: f.category,
                    layout: f.layout,
                    variant: f.variant,
                });
                self.devs[d].1.insert(ino, i);
                if f.meta.size >= self.name_floor(floor) {
                    self.names.insert(i, name.into());
                }
                self.offer_size(f.meta.size);
                self.here.insert(i, name.into());
                i
            }
        };
        self.links.push(Link {
            inode,
            owner,
            category: f.category,
            folder,
        });
        let node = &mut self.inodes[inode as usize];
        node.seen = node.seen.saturating_add(1);
        if existing.is_none() {
            return true;
        }
        let (node_folder, node_root) = (node.folder, node.root);
        // Is this link before the one the inode is counted under?
        let before = if node_folder == folder {
            match self.here.get(&inode) {
                Some(first) => (name, f.root as u64) < (&**first, u64::from(node_root)),
                None => true,
            }
        } else {
            dir < self.folder(node_folder)
        };
        if before {
            let Some(kind) = self.kinds.id(f.kind) else {
                return true;
            };
            let node = &mut self.inodes[inode as usize];
            node.folder = folder;
            node.owner = owner;
            node.kind = kind;
            node.root = u32::try_from(f.root).unwrap_or(NONE);
            node.category = f.category;
            node.layout = f.layout;
            node.variant = f.variant;
            let size = node.size;
            self.here.insert(inode, name.into());
            if size >= self.name_floor(floor) {
                self.names.insert(inode, name.into());
            } else {
                self.names.remove(&inode);
            }
        }
        true
    }

    /// Take another worker's links (the smaller table moves into the larger one).
    pub(super) fn merge(&mut self, mut other: Links) {
        if other.inodes.len() > self.inodes.len() {
            std::mem::swap(self, &mut other);
        }
        if other.links.is_empty() {
            return;
        }
        // Folders: appended.
        let folder_base = u32::try_from(self.folder_ends.len()).unwrap_or(NONE);
        let text_base = self.folder_text.len();
        self.folder_text.push_str(&other.folder_text);
        self.folder_ends
            .extend(other.folder_ends.iter().map(|e| e + text_base));
        let folder_of = |f: u32| folder_base.saturating_add(f);
        // Owners and kinds: interned again.
        let owners: Vec<u32> = other
            .owners
            .iter()
            .map(|o| {
                self.owner(o.account.as_deref(), o.chat.as_deref())
                    .unwrap_or(NONE)
            })
            .collect();
        let kinds: Vec<u32> = other
            .kinds
            .list
            .iter()
            .map(|k| self.kinds.id(k).unwrap_or(NONE))
            .collect();
        let remap = |table: &[u32], i: u32| table.get(i as usize).copied().unwrap_or(NONE);
        // Inodes: found or added.
        let mut moved = vec![NONE; other.inodes.len()];
        for (dev, map) in std::mem::take(&mut other.devs) {
            let d = match self.devs.iter().position(|(x, _)| *x == dev) {
                Some(d) => d,
                None => {
                    self.devs.push((dev, Map::default()));
                    self.devs.len() - 1
                }
            };
            for (ino, i) in map {
                let Some(mut node) = other.inodes.get(i as usize).copied() else {
                    continue;
                };
                node.folder = folder_of(node.folder);
                node.owner = remap(&owners, node.owner);
                node.kind = remap(&kinds, node.kind);
                let name = other.names.remove(&i);
                let target = match self.devs[d].1.get(&ino).copied() {
                    None => {
                        let Ok(j) = u32::try_from(self.inodes.len()) else {
                            continue;
                        };
                        self.inodes.push(node);
                        self.devs[d].1.insert(ino, j);
                        if let Some(n) = name {
                            self.names.insert(j, n);
                        }
                        j
                    }
                    Some(j) => {
                        let mine = self.inodes[j as usize];
                        let theirs_first =
                            match self.folder(node.folder).cmp(self.folder(mine.folder)) {
                                Ordering::Less => true,
                                Ordering::Greater => false,
                                // The same folder in two workers (roots that overlap):
                                // by name when both are known, then by root.
                                Ordering::Equal => match (name.as_deref(), self.names.get(&j)) {
                                    (Some(a), Some(b)) => (a, node.root) < (&**b, mine.root),
                                    _ => node.root < mine.root,
                                },
                            };
                        let seen = mine.seen.saturating_add(node.seen);
                        if theirs_first {
                            self.inodes[j as usize] = Inode { seen, ..node };
                            match name {
                                Some(n) => self.names.insert(j, n),
                                None => self.names.remove(&j),
                            };
                        } else {
                            self.inodes[j as usize].seen = seen;
                        }
                        j
                    }
                };
                if let Some(m) = moved.get_mut(i as usize) {
                    *m = target;
                }
            }
        }
        self.links.reserve(other.links.len());
        for l in other.links {
            let inode = remap(&moved, l.inode);
            if inode == NONE {
                continue;
            }
            self.links.push(Link {
                inode,
                owner: remap(&owners, l.owner),
                category: l.category,
                folder: folder_of(l.folder),
            });
        }
        for s in other.sizes {
            self.offer_size(s.0);
        }
        // The current folder belonged to a worker's read; the walk is over.
        self.current = NONE;
        self.here.clear();
    }

    /// The walk is over: what the links share, and each inode, counted once, handed to
    /// `each`.
    pub(super) fn settle(mut self, mut each: impl FnMut(Settled<'_>)) -> model::HardLinks {
        let mut hard_links = model::HardLinks::default();
        self.links.sort_unstable();
        self.here = Map::default();
        let mut rest = &self.links[..];
        let mut path = String::new();
        for (i, node) in self.inodes.iter().enumerate() {
            let i = i as u32;
            let n = rest.iter().take_while(|l| l.inode == i).count();
            let (mine, after) = rest.split_at(n);
            rest = after;
            let seen = u64::from(node.seen);
            if seen > 1 {
                hard_links.inodes += 1;
                hard_links.extra_links += seen - 1;
                hard_links.shared_apparent_bytes += node.size * (seen - 1);
                hard_links.shared_allocated_bytes += node.allocated * (seen - 1);
            }
            let mut chats: Vec<(&str, &str, Category)> = Vec::new();
            let mut last = NONE;
            for l in mine {
                if l.owner == last {
                    continue;
                }
                last = l.owner;
                let Some(o) = self.owners.get(l.owner as usize) else {
                    continue;
                };
                if let Some(chat) = o.chat.as_deref() {
                    chats.push((
                        o.account.as_deref().unwrap_or(super::SHARED),
                        chat,
                        l.category,
                    ));
                }
            }
            let owner = self.owners.get(node.owner as usize);
            path.clear();
            let has_path = match self.names.get(&i) {
                Some(name) => {
                    path.push_str(&join(self.folder(node.folder), name));
                    true
                }
                None => false,
            };
            each(Settled {
                facts: Facts {
                    root: node.root as usize,
                    rel: &path,
                    category: node.category,
                    layout: node.layout,
                    account: owner.and_then(|o| o.account.as_deref()),
                    kind: self.kinds.get(node.kind),
                    variant: node.variant,
                    meta: FileMeta {
                        size: node.size,
                        allocated: node.allocated,
                        mtime: node.mtime,
                        dev: 0,
                        ino: 0,
                        nlink: seen,
                    },
                },
                has_path,
                chats,
            });
        }
        hard_links
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    /// One link as a test describes it.
    #[derive(Debug, Clone)]
    struct L {
        name: String,
        /// Which inode of the pool (its size is unique: `1000 + 7 × inode`).
        inode: u64,
        category: usize,
        chat: Option<&'static str>,
    }

    fn size_of(inode: u64) -> u64 {
        1000 + 7 * inode
    }

    /// What the reference and the table agree on, per inode (keyed by size).
    #[derive(Debug, Clone, PartialEq)]
    struct Out {
        path: Option<String>,
        root: usize,
        category: Category,
        account: Option<String>,
        kind: String,
        seen: u64,
        chats: Vec<(String, String, Category)>,
    }

    const ACCOUNTS: [&str; 2] = ["acct-a", "acct-b"];

    fn account_of(folder: &str) -> Option<&'static str> {
        match folder.len() % 3 {
            0 => None,
            n => Some(ACCOUNTS[n - 1]),
        }
    }

    fn kind_of(name: &str) -> &str {
        name.rsplit('.').next().unwrap_or("")
    }

    /// Feed the folders to `workers` tables (each folder read whole by one worker, in
    /// order), merge them, settle.
    fn run(
        folders: &[(String, usize, Vec<L>)],
        workers: usize,
        top: usize,
    ) -> (model::HardLinks, BTreeMap<u64, Out>) {
        let mut tables: Vec<Links> = (0..workers).map(|_| Links::new(top)).collect();
        for (folder, worker, links) in folders {
            let t = &mut tables[worker % workers];
            for l in links {
                let rel = join(folder, &l.name);
                let f = Facts {
                    root: folder.len() % 2,
                    rel: &rel,
                    category: Category::ALL[l.category],
                    layout: Layout::Wechat4,
                    account: account_of(folder),
                    kind: kind_of(&l.name),
                    variant: None,
                    meta: FileMeta {
                        size: size_of(l.inode),
                        allocated: 4096,
                        mtime: 0,
                        dev: l.inode % 2,
                        ino: l.inode / 2,
                        nlink: 2,
                    },
                };
                assert!(t.add(&f, &l.name, l.chat, 0));
            }
        }
        let mut total = tables.remove(0);
        for t in tables {
            total.merge(t);
        }
        let mut out = BTreeMap::new();
        let hard = total.settle(|s| {
            let mut chats: Vec<_> = s
                .chats
                .iter()
                .map(|(a, c, k)| (a.to_string(), c.to_string(), *k))
                .collect();
            chats.sort();
            out.insert(
                s.facts.meta.size,
                Out {
                    path: s.has_path.then(|| s.facts.rel.to_string()),
                    root: s.facts.root,
                    category: s.facts.category,
                    account: s.facts.account.map(str::to_string),
                    kind: s.facts.kind.to_string(),
                    seen: s.facts.meta.nlink,
                    chats,
                },
            );
        });
        (hard, out)
    }

    /// The same by brute force: every link kept, the first in folder order chosen.
    fn reference(folders: &[(String, usize, Vec<L>)]) -> (model::HardLinks, BTreeMap<u64, Out>) {
        let mut by_inode: BTreeMap<u64, Vec<(&str, &L)>> = BTreeMap::new();
        for (folder, _, links) in folders {
            for l in links {
                by_inode.entry(l.inode).or_default().push((folder, l));
            }
        }
        let mut hard = model::HardLinks::default();
        let mut out = BTreeMap::new();
        for (inode, links) in by_inode {
            let seen = links.len() as u64;
            let size = size_of(inode);
            if seen > 1 {
                hard.inodes += 1;
                hard.extra_links += seen - 1;
                hard.shared_apparent_bytes += size * (seen - 1);
                hard.shared_allocated_bytes += 4096 * (seen - 1);
            }
            let &(folder, first) = links
                .iter()
                .min_by(|a, b| (a.0, &a.1.name).cmp(&(b.0, &b.1.name)))
                .unwrap();
            let mut chats: BTreeMap<(String, String), Category> = BTreeMap::new();
            for (f, l) in &links {
                if let Some(c) = l.chat {
                    let key = (
                        account_of(f).unwrap_or(super::super::SHARED).to_string(),
                        c.to_string(),
                    );
                    let cat = Category::ALL[l.category];
                    chats
                        .entry(key)
                        .and_modify(|k| *k = (*k).min(cat))
                        .or_insert(cat);
                }
            }
            out.insert(
                size,
                Out {
                    path: Some(join(folder, &first.name)),
                    root: folder.len() % 2,
                    category: Category::ALL[first.category],
                    account: account_of(folder).map(str::to_string),
                    kind: kind_of(&first.name).to_string(),
                    seen,
                    chats: chats.into_iter().map(|((a, c), k)| (a, c, k)).collect(),
                },
            );
        }
        (hard, out)
    }

    fn folder() -> impl Strategy<Value = String> {
        // Short segments that make prefixes, ancestors and `-` (before `/`) likely.
        prop::collection::vec("(a|b|a-b|ab|c)", 0..4).prop_map(|s| s.join("/"))
    }

    fn link() -> impl Strategy<Value = L> {
        (
            "(x|y|xy|x-y)\\.(jpg|dat|mp4)",
            0u64..12,
            0usize..Category::ALL.len(),
            prop::option::of(prop::sample::select(vec!["chat1", "chat2", "chat3"])),
        )
            .prop_map(|(name, inode, category, chat)| L {
                name,
                inode,
                category,
                chat,
            })
    }

    fn tree() -> impl Strategy<Value = Vec<(String, usize, Vec<L>)>> {
        prop::collection::vec(
            (folder(), 0usize..4, prop::collection::vec(link(), 1..6)),
            1..12,
        )
        .prop_map(|mut folders| {
            // A folder is read once: one entry per path, each name once in it.
            let mut seen = std::collections::BTreeSet::new();
            folders.retain(|(f, _, _)| seen.insert(f.clone()));
            for (_, _, links) in &mut folders {
                let mut names = std::collections::BTreeSet::new();
                links.retain(|l| names.insert(l.name.clone()));
            }
            folders
        })
    }

    proptest! {
        /// Whatever the number of workers and the order they met the links in, the
        /// table settles every inode as the brute-force reference does; paths are
        /// kept wherever they can matter (here: every inode, the top is large), and
        /// with a small top at least for the largest inodes.
        #[test]
        fn settles_like_the_reference(folders in tree(), workers in 1usize..4, top in 1usize..4) {
            let (want_hard, want) = reference(&folders);
            let (hard, got) = run(&folders, workers, 1000);
            prop_assert_eq!(&hard, &want_hard);
            prop_assert_eq!(&got, &want);

            let (hard, got) = run(&folders, workers, top);
            prop_assert_eq!(&hard, &want_hard);
            for (size, w) in want.iter().rev().take(top) {
                prop_assert_eq!(&got[size], w, "size {}", size);
            }
            for (size, w) in &want {
                let g = &got[size];
                prop_assert_eq!(&Out { path: None, ..g.clone() }, &Out { path: None, ..w.clone() });
                if let Some(p) = &g.path {
                    prop_assert_eq!(Some(p), w.path.as_ref());
                }
            }
        }
    }

    #[test]
    fn folder_order_puts_a_folder_before_its_sub_folders() {
        let folders = vec![
            (
                "a/b/c".to_string(),
                0,
                vec![L {
                    name: "a.jpg".into(),
                    inode: 1,
                    category: 0,
                    chat: None,
                }],
            ),
            (
                "a/b".to_string(),
                1,
                vec![L {
                    name: "z.jpg".into(),
                    inode: 1,
                    category: 1,
                    chat: None,
                }],
            ),
            (
                "a/b-c".to_string(),
                1,
                vec![L {
                    name: "y.jpg".into(),
                    inode: 1,
                    category: 2,
                    chat: None,
                }],
            ),
        ];
        let (hard, got) = run(&folders, 2, 10);
        assert_eq!(hard.extra_links, 2);
        assert_eq!(got[&size_of(1)].path.as_deref(), Some("a/b/z.jpg"));
    }

    #[test]
    fn no_path_is_kept_when_no_largest_list_is() {
        let folders = vec![(
            "a".to_string(),
            0,
            vec![
                L {
                    name: "x.jpg".into(),
                    inode: 3,
                    category: 0,
                    chat: Some("c"),
                },
                L {
                    name: "y.jpg".into(),
                    inode: 3,
                    category: 0,
                    chat: Some("c"),
                },
            ],
        )];
        let (hard, got) = run(&folders, 1, 0);
        assert_eq!(hard.inodes, 1);
        let o = &got[&size_of(3)];
        assert_eq!(o.path, None);
        assert_eq!(o.kind, "jpg");
        assert_eq!(o.chats.len(), 1);
    }

    #[test]
    fn records_stay_small() {
        assert!(std::mem::size_of::<Inode>() <= 48);
        assert!(std::mem::size_of::<Link>() <= 16);
    }
}
