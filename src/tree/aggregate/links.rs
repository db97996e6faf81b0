//! Hard links: a file with several links is held back until the walk is over, keyed by
//! (device, inode), and then counted once, under its first link in folder order (the
//! link whose folder path sorts first, a folder before its sub-folders; in one folder the
//! first name), whatever order the threads met its links in; every link still counts in
//! its chat.
//!
//! Memory is what matters here (WeChat hard-links forwarded media, so a container can
//! hold millions of links), so nothing is kept per link but three numbers, and per inode
//! a fixed-size record:
//!
//! - `(device, inode)` → index of an [`Inode`] record (72 bytes: sizes, mtime, how many
//!   links were seen, and the classification of the link it is counted under, with
//!   folder, account/chat and file type as indices into small interned tables);
//! - per link a [`Link`] (12 bytes): its inode, its folder, its owner (account and chat)
//!   with its category. This is the seam for what needs every link: which folders an
//!   inode's links are in (an inode is freed only when all of them go), and the bytes in
//!   multi-link inodes per category, chat or account;
//! - the folders that hold a link, each path once;
//! - a name only where it can matter: the current folder's links (to pick the first
//!   name when one inode has several links in one folder, which the same worker reads in
//!   one go), and the counted link of an inode big enough to be among the largest files
//!   (a file smaller than the smallest of the top N files one worker has already seen
//!   can never be among the top N of the whole scan, so its path is never needed).
//!
//! The peak is what counts, so nothing large is ever copied to grow: records sit in
//! fixed-size chunks ([`Chunked`], indices say chunk and slot), the inode map is split
//! into shards that grow one at a time, and each worker fills its own [`Links`]. Merging
//! two of them moves the smaller one's chunks into the larger one whole; an inode both
//! have is combined into the larger one's record and the moved copy left as a forward.
//! Settling frees the inode records a chunk at a time while the tree's copy of them
//! grows, so the two are never both whole.

use super::dat::DAT_SCHEMES;
use super::{Facts, Map};
use crate::model;
use crate::tree::classify::{Category, Layout};
use crate::tree::sniff::Variant;
use crate::tree::walk::FileMeta;
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// No index (no account, no chat, no name, a forward's mark).
const NONE: u32 = u32::MAX;

/// Records per chunk, as a power of two: an index is `chunk << CHUNK_BITS | slot`.
#[cfg(not(test))]
const CHUNK_BITS: u32 = 13;
/// Tiny chunks in tests, so that indices cross chunks and part-full chunks move.
#[cfg(test)]
const CHUNK_BITS: u32 = 2;
const CHUNK: usize = 1 << CHUNK_BITS;
/// Chunks a table can hold (so that no index is [`NONE`]).
const MAX_CHUNKS: usize = (u32::MAX >> CHUNK_BITS) as usize;

/// Records in fixed-size chunks: growing never copies what is already there, and
/// another table's chunks move in whole. Indices are `chunk << CHUNK_BITS | slot`, so
/// a chunk that moved in part-full leaves its unused slots unused.
#[derive(Debug)]
struct Chunked<T> {
    chunks: Vec<Vec<T>>,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked { chunks: Vec::new() }
    }
}

impl<T> Chunked<T> {
    /// Add `v`; its index, or `None` when the table is full.
    fn push(&mut self, v: T) -> Option<u32> {
        if self.chunks.last().is_none_or(|c| c.len() == CHUNK) {
            if self.chunks.len() >= MAX_CHUNKS {
                return None;
            }
            self.chunks.push(Vec::with_capacity(CHUNK));
        }
        let c = self.chunks.len() - 1;
        let last = self.chunks.last_mut()?;
        let slot = last.len();
        last.push(v);
        u32::try_from(c << CHUNK_BITS | slot).ok()
    }

    fn get(&self, i: u32) -> Option<&T> {
        let (c, s) = ((i >> CHUNK_BITS) as usize, i as usize & (CHUNK - 1));
        self.chunks.get(c)?.get(s)
    }

    fn get_mut(&mut self, i: u32) -> Option<&mut T> {
        let (c, s) = ((i >> CHUNK_BITS) as usize, i as usize & (CHUNK - 1));
        self.chunks.get_mut(c)?.get_mut(s)
    }

    fn len(&self) -> usize {
        self.chunks.iter().map(Vec::len).sum()
    }

    /// Every record with its index.
    fn iter(&self) -> impl Iterator<Item = (u32, &T)> {
        self.chunks.iter().enumerate().flat_map(|(c, chunk)| {
            chunk
                .iter()
                .enumerate()
                .map(move |(s, v)| ((c << CHUNK_BITS | s) as u32, v))
        })
    }

    /// Move `other`'s chunks in (whole, not copied); returns how far its indices moved
    /// (in chunks), or `None` when they do not fit.
    fn append(&mut self, other: Chunked<T>) -> Option<u32> {
        let base = self.chunks.len();
        if base + other.chunks.len() > MAX_CHUNKS {
            return None;
        }
        self.chunks.extend(other.chunks);
        u32::try_from(base).ok()
    }

    /// Every record with its index, each chunk freed once passed.
    fn into_iter_indexed(self) -> impl Iterator<Item = (u32, T)> {
        self.chunks.into_iter().enumerate().flat_map(|(c, chunk)| {
            chunk
                .into_iter()
                .enumerate()
                .map(move |(s, v)| ((c << CHUNK_BITS | s) as u32, v))
        })
    }

    /// Every record in one vector, without holding two copies (the chunks go one by one).
    fn into_vec(self) -> Vec<T> {
        let mut all = Vec::with_capacity(self.len());
        for chunk in self.chunks {
            all.extend(chunk);
        }
        all
    }
}

/// An index moved by `chunks` chunks.
fn shifted(i: u32, chunks: u32) -> u32 {
    i.saturating_add(chunks << CHUNK_BITS)
}

/// One inode with several links, until the walk is over.
#[derive(Debug, Clone, Copy)]
struct Inode {
    size: u64,
    allocated: u64,
    mtime: i64,
    /// Links met so far (in the scanned roots); 0 marks a forward: the inode's record is
    /// the one at `folder`.
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
    /// A 4.x `.dat` image's scheme (index into [`DAT_SCHEMES`]; its chat is the
    /// owner's), or [`NO_DAT`].
    dat: u8,
    /// Its device, inode number and link count (`st_nlink`, links outside the scan
    /// included), for the plan: it frees the inode only when every link is in it.
    dev: u64,
    ino: u64,
    nlink: u64,
}

/// No `.dat` scheme.
const NO_DAT: u8 = u8::MAX;

/// The index of a `.dat` scheme id, or [`NO_DAT`].
fn dat_index(f: &Facts<'_>) -> u8 {
    f.dat
        .and_then(|(_, scheme)| DAT_SCHEMES.iter().position(|s| *s == scheme))
        .and_then(|i| u8::try_from(i).ok())
        .unwrap_or(NO_DAT)
}

/// One link of a multi-link inode (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Link {
    /// Index of its [`Inode`].
    inode: u32,
    /// Its owner (account and chat, an index into the owners) `<< 8`, and its category's
    /// index: sorting puts an inode's links together, by owner, smallest category first.
    owner_category: u32,
    /// Index of its folder.
    folder: u32,
}

/// Owners must fit in 24 bits (see [`Link::owner_category`]).
const MAX_OWNERS: usize = 1 << 24;

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
    fn id(&mut self, s: &str, max: usize) -> Option<u32> {
        if let Some(&id) = self.ids.get(s) {
            return Some(id);
        }
        if self.list.len() >= max {
            return None;
        }
        let id = u32::try_from(self.list.len()).ok()?;
        self.ids.insert(s.to_string(), id);
        self.list.push(s.into());
        Some(id)
    }

    fn get(&self, id: u32) -> &str {
        self.list.get(id as usize).map_or("", |s| s)
    }
}

/// Where a folder's path is in the folder text: chunk, start, end.
type FolderAt = (u32, u32, u32);

/// Folder paths, each stored once, in chunks of text that never move.
#[derive(Debug, Default)]
struct Folders {
    text: Vec<String>,
    at: Vec<FolderAt>,
    /// The walk's number of each folder ([`crate::tree::walk::FolderStart::id`]).
    tree: Vec<u32>,
}

/// Bytes per chunk of folder text (a longer path gets a chunk of its own).
const FOLDER_TEXT: usize = 64 * 1024;

impl Folders {
    fn get(&self, i: u32) -> &str {
        let Some(&(c, a, b)) = self.at.get(i as usize) else {
            return "";
        };
        self.text
            .get(c as usize)
            .and_then(|t| t.get(a as usize..b as usize))
            .unwrap_or("")
    }

    /// The walk's number of folder `i`.
    fn tree_id(&self, i: u32) -> u32 {
        self.tree.get(i as usize).copied().unwrap_or(NONE)
    }

    fn push(&mut self, path: &str, tree: u32) -> Option<u32> {
        let id = u32::try_from(self.at.len()).ok().filter(|&i| i < NONE)?;
        let fits = self
            .text
            .last()
            .is_some_and(|t| t.len() + path.len() <= t.capacity());
        if !fits {
            self.text
                .push(String::with_capacity(FOLDER_TEXT.max(path.len())));
        }
        let c = u32::try_from(self.text.len() - 1).ok()?;
        let t = self.text.last_mut()?;
        let a = u32::try_from(t.len()).ok()?;
        t.push_str(path);
        let b = u32::try_from(t.len()).ok()?;
        self.at.push((c, a, b));
        self.tree.push(tree);
        Some(id)
    }

    /// Take `other`'s folders (their text moves whole); how far their ids moved.
    fn append(&mut self, other: Folders) -> Option<u32> {
        let ids = u32::try_from(self.at.len()).ok()?;
        let chunks = u32::try_from(self.text.len()).ok()?;
        u32::try_from(self.at.len() + other.at.len()).ok()?;
        self.text.extend(other.text);
        self.at
            .extend(other.at.into_iter().map(|(c, a, b)| (c + chunks, a, b)));
        self.tree.extend(other.tree);
        Some(ids)
    }
}

/// Shards of the inode map: each grows on its own, so a resize holds two copies of one
/// shard only.
const SHARDS: usize = 64;

/// inode number → index of its record, for one device.
#[derive(Debug)]
struct Device {
    dev: u64,
    shards: Vec<Map<u64, u32>>,
}

impl Device {
    fn new(dev: u64) -> Device {
        Device {
            dev,
            shards: (0..SHARDS).map(|_| Map::default()).collect(),
        }
    }

    fn shard(&mut self, ino: u64) -> &mut Map<u64, u32> {
        // Inode numbers are dense and mostly sequential: the low bits spread them.
        let i = (ino as usize) % SHARDS;
        &mut self.shards[i]
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
    /// (account, chat, category) of its links, each once; only for an inode with
    /// several links in the scan (empty otherwise).
    pub(super) places: Vec<(&'a str, Option<&'a str>, Category)>,
    /// The walk's number of the folder of the link it is counted under, and of the
    /// folder of every link met (for the folder tree and the plan; a buffer reused
    /// from inode to inode, so nothing is allocated per inode).
    pub(super) folder: u32,
    pub(super) link_folders: &'a [u32],
    /// Its device, inode number and `st_nlink`.
    pub(super) dev: u64,
    pub(super) ino: u64,
    pub(super) nlink: u64,
}

/// See the module docs.
#[derive(Debug)]
pub(super) struct Links {
    devs: Vec<Device>,
    inodes: Chunked<Inode>,
    links: Chunked<Link>,
    folders: Folders,
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
    /// this worker has met, each inode once (with its index).
    top: usize,
    sizes: BinaryHeap<Reverse<(u64, u32)>>,
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
            inodes: Chunked::default(),
            links: Chunked::default(),
            folders: Folders::default(),
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

    fn owner(&mut self, account: Option<&str>, chat: Option<&str>) -> Option<u32> {
        let mut key = std::mem::take(&mut self.key);
        owner_key(&mut key, account, chat);
        let before = self.owner_ids.list.len();
        let id = self.owner_ids.id(&key, MAX_OWNERS);
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

    fn device(&mut self, dev: u64) -> &mut Device {
        let d = match self.devs.iter().position(|d| d.dev == dev) {
            Some(d) => d,
            None => {
                self.devs.push(Device::new(dev));
                self.devs.len() - 1
            }
        };
        &mut self.devs[d]
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
            self.sizes.peek().map_or(0, |r| r.0 .0)
        };
        mine.max(floor)
    }

    /// Offer a new inode's size to the top sizes (each inode once: it is new here).
    fn offer_size(&mut self, size: u64, inode: u32) {
        if self.top == 0 {
            return;
        }
        if self.sizes.len() < self.top {
            self.sizes.push(Reverse((size, inode)));
        } else if self.sizes.peek().is_some_and(|r| size > r.0 .0) {
            self.sizes.pop();
            self.sizes.push(Reverse((size, inode)));
        }
    }

    /// One link of a file with `nlink > 1`: `name` is its (escaped) name, `chat` its
    /// chat if it is in one, `tree_folder` the walk's number of its folder, `floor` the smallest size that can still be among the
    /// largest files (see [`super::largest::Largest::floor`]). Returns `false` when a
    /// table is full (billions of entries, or 16 million owners): the caller then counts
    /// the file as is.
    pub(super) fn add(
        &mut self,
        f: &Facts<'_>,
        name: &str,
        chat: Option<&str>,
        tree_folder: u32,
        floor: u64,
    ) -> bool {
        let dir = folder_of(f.rel, name);
        if self.current == NONE || self.folders.get(self.current) != dir {
            let Some(id) = self.folders.push(dir, tree_folder) else {
                return false;
            };
            self.current = id;
            if self.here.capacity() > 4096 {
                self.here = Map::default();
            } else {
                self.here.clear();
            }
        }
        let folder = self.current;
        let Some(owner) = self.owner(f.account, chat) else {
            return false;
        };
        let Some(kind) = self.kinds.id(f.kind, NONE as usize) else {
            return false;
        };
        let root = u32::try_from(f.root).unwrap_or(NONE);
        let ino = f.meta.ino;
        let existing = self.device(f.meta.dev).shard(ino).get(&ino).copied();
        let inode = match existing {
            Some(i) => i,
            None => {
                let record = Inode {
                    size: f.meta.size,
                    allocated: f.meta.allocated,
                    mtime: f.meta.mtime,
                    seen: 0,
                    folder,
                    owner,
                    kind,
                    root,
                    category: f.category,
                    layout: f.layout,
                    variant: f.variant,
                    dat: dat_index(f),
                    dev: f.meta.dev,
                    ino,
                    nlink: f.meta.nlink,
                };
                let Some(i) = self.inodes.push(record) else {
                    return false;
                };
                self.device(f.meta.dev).shard(ino).insert(ino, i);
                if f.meta.size >= self.name_floor(floor) {
                    self.names.insert(i, name.into());
                }
                self.offer_size(f.meta.size, i);
                self.here.insert(i, name.into());
                i
            }
        };
        let owner_category = owner << 8 | f.category.index() as u32;
        if self
            .links
            .push(Link {
                inode,
                owner_category,
                folder,
            })
            .is_none()
        {
            return false;
        }
        let Some(node) = self.inodes.get_mut(inode) else {
            return false;
        };
        node.seen = node.seen.saturating_add(1);
        if existing.is_none() {
            return true;
        }
        let (node_folder, node_root) = (node.folder, node.root);
        // Is this link before the one the inode is counted under?
        let before = if node_folder == folder {
            match self.here.get(&inode) {
                Some(first) => (name, root) < (&**first, node_root),
                None => true,
            }
        } else {
            dir < self.folders.get(node_folder)
        };
        if before {
            let Some(node) = self.inodes.get_mut(inode) else {
                return true;
            };
            node.folder = folder;
            node.owner = owner;
            node.kind = kind;
            node.root = root;
            node.category = f.category;
            node.layout = f.layout;
            node.variant = f.variant;
            node.dat = dat_index(f);
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

    /// Take another worker's links: the smaller table moves into the larger one.
    pub(super) fn merge(&mut self, mut other: Links) {
        if other.inodes.len() > self.inodes.len() {
            std::mem::swap(self, &mut other);
        }
        if other.inodes.len() == 0 {
            return;
        }
        // Owners and kinds: interned again (few).
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
            .map(|k| self.kinds.id(k, NONE as usize).unwrap_or(NONE))
            .collect();
        let remap = |table: &[u32], i: u32| table.get(i as usize).copied().unwrap_or(NONE);
        // Folders, inodes and links: moved whole.
        let (Some(folder_base), Some(inode_chunks)) = (
            self.folders.append(std::mem::take(&mut other.folders)),
            self.inodes.append(std::mem::take(&mut other.inodes)),
        ) else {
            return;
        };
        let mut names = std::mem::take(&mut other.names);
        // Each moved inode: re-indexed, or combined into the record this table has.
        for device in std::mem::take(&mut other.devs) {
            for shard in device.shards {
                for (ino, i) in shard {
                    let moved = shifted(i, inode_chunks);
                    let Some(node) = self.inodes.get_mut(moved) else {
                        continue;
                    };
                    node.folder = node.folder.saturating_add(folder_base);
                    node.owner = remap(&owners, node.owner);
                    node.kind = remap(&kinds, node.kind);
                    let theirs = *node;
                    let name = names.remove(&i);
                    let map = self.device(device.dev).shard(ino);
                    let Some(&j) = map.get(&ino) else {
                        map.insert(ino, moved);
                        if let Some(n) = name {
                            self.names.insert(moved, n);
                        }
                        continue;
                    };
                    // Both have it: the moved record becomes a forward to `j`.
                    if let Some(node) = self.inodes.get_mut(moved) {
                        node.seen = 0;
                        node.folder = j;
                    }
                    let Some(&mine) = self.inodes.get(j) else {
                        continue;
                    };
                    let theirs_first = match self
                        .folders
                        .get(theirs.folder)
                        .cmp(self.folders.get(mine.folder))
                    {
                        Ordering::Less => true,
                        Ordering::Greater => false,
                        // The same folder in two workers (roots that overlap): by
                        // name when both are known, then by root.
                        Ordering::Equal => match (name.as_deref(), self.names.get(&j)) {
                            (Some(a), Some(b)) => (a, theirs.root) < (&**b, mine.root),
                            _ => theirs.root < mine.root,
                        },
                    };
                    let seen = mine.seen.saturating_add(theirs.seen);
                    let Some(node) = self.inodes.get_mut(j) else {
                        continue;
                    };
                    if theirs_first {
                        *node = Inode { seen, ..theirs };
                        match name {
                            Some(n) => self.names.insert(j, n),
                            None => self.names.remove(&j),
                        };
                    } else {
                        node.seen = seen;
                    }
                }
            }
        }
        // Links: re-indexed where they are, then moved whole.
        let mut links = std::mem::take(&mut other.links);
        for chunk in &mut links.chunks {
            for l in chunk.iter_mut() {
                let mut inode = shifted(l.inode, inode_chunks);
                if let Some(node) = self.inodes.get(inode) {
                    if node.seen == 0 {
                        inode = node.folder;
                    }
                }
                l.inode = inode;
                l.folder = l.folder.saturating_add(folder_base);
                let owner = remap(&owners, l.owner_category >> 8);
                l.owner_category = owner << 8 | (l.owner_category & 0xff);
            }
        }
        if self.links.append(links).is_none() {
            return;
        }
        for s in std::mem::take(&mut other.sizes) {
            let (size, i) = s.0;
            self.offer_size(size, shifted(i, inode_chunks));
        }
        // The current folder belonged to a worker's read; the walk is over.
        self.current = NONE;
        self.here.clear();
    }

    /// How many inodes [`Links::settle`] hands over, and how many links they have
    /// in all (so that what it fills is sized once, not doubled as it grows).
    pub(super) fn counts(&self) -> (usize, usize) {
        let inodes = self.inodes.iter().filter(|(_, n)| n.seen != 0).count();
        (inodes, self.links.len())
    }

    /// The walk is over: what the links share, and each inode, counted once, handed to
    /// `each`.
    pub(super) fn settle(self, mut each: impl FnMut(Settled<'_>)) -> model::HardLinks {
        let mut hard_links = model::HardLinks::default();
        let Links {
            devs,
            inodes,
            links,
            folders,
            owners,
            kinds,
            names,
            ..
        } = self;
        drop(devs);
        let mut links = links.into_vec();
        links.sort_unstable();
        let mut rest = &links[..];
        let mut path = String::new();
        let mut link_folders: Vec<u32> = Vec::new();
        // The inodes' chunks are freed as they are settled: what `each` builds grows
        // while they go.
        for (i, node) in inodes.into_iter_indexed() {
            if node.seen == 0 {
                continue; // a forward
            }
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
            // Every (owner, category) of its links, for the bytes already shared per
            // category, account and chat (`dupe_hints`).
            let mut places: Vec<(&str, Option<&str>, Category)> = Vec::new();
            if seen > 1 {
                for l in mine {
                    let (Some(o), Some(&category)) = (
                        owners.get((l.owner_category >> 8) as usize),
                        Category::ALL.get((l.owner_category & 0xff) as usize),
                    ) else {
                        continue;
                    };
                    let place = (
                        o.account.as_deref().unwrap_or(super::SHARED),
                        o.chat.as_deref(),
                        category,
                    );
                    if places.last() != Some(&place) {
                        places.push(place);
                    }
                }
            }
            let mut chats: Vec<(&str, &str, Category)> = Vec::new();
            let mut last = NONE;
            for l in mine {
                let owner = l.owner_category >> 8;
                if owner == last {
                    continue;
                }
                last = owner;
                let (Some(o), Some(&category)) = (
                    owners.get(owner as usize),
                    Category::ALL.get((l.owner_category & 0xff) as usize),
                ) else {
                    continue;
                };
                if let Some(chat) = o.chat.as_deref() {
                    chats.push((
                        o.account.as_deref().unwrap_or(super::SHARED),
                        chat,
                        category,
                    ));
                }
            }
            let owner = owners.get(node.owner as usize);
            link_folders.clear();
            link_folders.extend(mine.iter().map(|l| folders.tree_id(l.folder)));
            path.clear();
            let has_path = match names.get(&i) {
                Some(name) => {
                    path.push_str(&join(folders.get(node.folder), name));
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
                    chat: owner.and_then(|o| o.chat.as_deref()),
                    kind: kinds.get(node.kind),
                    variant: node.variant,
                    dat: DAT_SCHEMES.get(usize::from(node.dat)).and_then(|scheme| {
                        owner
                            .and_then(|o| o.chat.as_deref())
                            .map(|chat| (chat, *scheme))
                    }),
                    meta: FileMeta {
                        size: node.size,
                        allocated: node.allocated,
                        mtime: node.mtime,
                        mtime_nsec: 0,
                        dev: 0,
                        ino: 0,
                        nlink: seen,
                    },
                },
                has_path,
                chats,
                places,
                folder: folders.tree_id(node.folder),
                link_folders: &link_folders,
                dev: node.dev,
                ino: node.ino,
                nlink: node.nlink,
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
                    chat: None,
                    kind: kind_of(&l.name),
                    variant: None,
                    dat: None,
                    meta: FileMeta {
                        size: size_of(l.inode),
                        allocated: 4096,
                        mtime: 0,
                        mtime_nsec: 0,
                        dev: l.inode % 2,
                        ino: l.inode / 2,
                        nlink: 2,
                    },
                };
                assert!(t.add(&f, &l.name, l.chat, 0, 0));
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
        // 48 bytes before the plan needed each inode's device, number and st_nlink.
        assert!(std::mem::size_of::<Inode>() <= 72);
        assert!(std::mem::size_of::<Link>() <= 16);
    }
}
