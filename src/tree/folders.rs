//! The folder tree, built during the walk: the worker that reads a folder writes its
//! record (name, parent, and what its files add up to: sizes, times, categories,
//! tiers) straight into a [`Node`], one per folder, no second copy (its own `lstat`
//! goes to a side list, and only when a plan may need it); at
//! the end the workers' records are put together in place into a [`FolderTree`],
//! numbered depth-first with children by name (so the same tree gets the same numbers
//! whatever the threads did). Hard-linked files are sized in the folder of the link the
//! report counts them under (settled by [`super::aggregate::links`]), and every link's
//! folder is kept for the plan.

use crate::model::folders::{DirMeta, FolderTree, Linked, Node, Own, RootPlace, Stats, NONE};
use crate::tree::classify::tiers::{self, Kind, Tier};
use crate::tree::classify::Category;
use crate::tree::walk::FileMeta;

/// In a record's `next_sibling` during the walk: the record has the folder's place
/// (parent, name, `lstat`); [`NONE`]: it holds only figures of its files.
const PLACED: u32 = 0;

/// Records per part of [`FolderNotes::nodes`] (2.9 MiB: large enough that the
/// allocator maps each part on its own and gives it back when freed).
const PART: usize = 16_384;

/// A record with no place and no figures yet, for walk id `id`.
fn blank(id: u32) -> Node {
    Node {
        parent: NONE,
        root: id,
        name_at: 0,
        name_len: 0,
        own: Own::default(),
        subtree: Stats::default(),
        first_child: NONE,
        next_sibling: NONE,
    }
}

/// One worker's notes (after a merge, several workers').
///
/// One record per folder read, in the order read: the [`Node`] itself, where until
/// [`FolderNotes::build`] `root` holds the folder's walk id, `next_sibling` whether it
/// has its place ([`PLACED`]), `subtree` the figures of the folder's own files and
/// `own.qual` their tallies. A folder's files come right after its start (the walk
/// hands a folder's entries to one visitor in one go), so they are added to the last
/// record; files of another folder (a caller that interleaves folders) get a record of
/// figures only, merged with the folder's own at the end.
#[derive(Debug, Default)]
pub(crate) struct FolderNotes {
    /// In parts of [`PART`] records, so that a list never grows by copying (a copy
    /// leaves the old block behind in the allocator: twice the records at the peak).
    nodes: Vec<Vec<Node>>,
    /// The records' names, end to end.
    names: Vec<u8>,
    /// Files last written before this are `careful_old` ([`crate::model::folders::Qual`]).
    careful_cutoff: i64,
    /// Keep each folder's own `lstat` ([`FolderTree::metas`]), here by walk id.
    keep_metas: bool,
    metas: Vec<(u32, DirMeta)>,
    /// The folder whose kind is known, its canonical path and folder kind.
    kind_at: Option<u32>,
    kind_for: String,
    kind: Option<&'static Kind>,
}

impl FolderNotes {
    /// Empty notes; `careful_cutoff`: see [`crate::model::folders::Qual::careful_old`];
    /// `keep_metas`: see [`FolderTree::metas`].
    pub(crate) fn new(careful_cutoff: i64, keep_metas: bool) -> FolderNotes {
        FolderNotes {
            careful_cutoff,
            keep_metas,
            ..FolderNotes::default()
        }
    }

    /// Folder `id` (walk id), whose reading starts: its parent's id ([`NONE`] for a
    /// root), its name and own `lstat`.
    pub(crate) fn folder(&mut self, id: u32, parent: u32, name: &[u8], meta: &DirMeta) {
        let mut n = blank(id);
        // Names are at most 255 bytes (1,020 on some file systems): u16 holds them.
        let name = &name[..name.len().min(usize::from(u16::MAX))];
        if let Ok(at) = u32::try_from(self.names.len()) {
            self.names.extend_from_slice(name);
            n.name_at = at;
            n.name_len = name.len() as u16;
        }
        n.parent = parent;
        n.next_sibling = PLACED;
        self.push(n);
        if self.keep_metas {
            self.metas.push((id, *meta));
        }
    }

    fn push(&mut self, n: Node) {
        match self.nodes.last_mut() {
            Some(part) if part.len() < part.capacity() => part.push(n),
            _ => {
                let mut part = Vec::with_capacity(PART);
                part.push(n);
                self.nodes.push(part);
            }
        }
    }

    /// The record of folder `id`: the last one, or a new one of figures only.
    fn record(&mut self, id: u32) -> &mut Node {
        if !matches!(self.nodes.last().and_then(|p| p.last()), Some(n) if n.root == id) {
            self.push(blank(id));
        }
        let part = self.nodes.len() - 1;
        let last = self.nodes[part].len() - 1;
        &mut self.nodes[part][last]
    }

    /// Something in folder `id` could not be read.
    pub(crate) fn incomplete(&mut self, id: u32) {
        self.record(id).subtree.incomplete = true;
    }

    /// A file (or one link of a hard-linked file) in folder `folder`: `canonical_dir`
    /// is that folder's container-relative path, `kind` the file type. `counted`: its
    /// bytes count here (not a hard-linked file held back for the end). Returns its
    /// tier (before the leftover rule).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn file(
        &mut self,
        folder: u32,
        canonical_dir: &str,
        name: &str,
        category: Category,
        kind: &str,
        meta: &FileMeta,
        counted: bool,
    ) -> Tier {
        // Folder ids are unique (but for the saturated `u32::MAX`): comparing them
        // instead of the paths saves a path comparison per file.
        if self.kind_at != Some(folder) || (folder == NONE && self.kind_for != canonical_dir) {
            self.kind_at = Some(folder);
            self.kind_for.clear();
            self.kind_for.push_str(canonical_dir);
            self.kind = tiers::folder_kind(canonical_dir);
        }
        let row = tiers::file_row(category, self.kind, name, kind);
        let old = meta.mtime < self.careful_cutoff;
        let n = self.record(folder);
        n.subtree.mark(category, row.tier, meta.mtime);
        if counted {
            n.subtree.count(meta.size, meta.allocated, false);
        }
        n.own
            .qual
            .add(row.tier, meta.size, old, counted && meta.nlink <= 1);
        row.tier
    }

    /// Take another worker's notes (their parts as they are).
    pub(crate) fn merge(&mut self, mut other: FolderNotes) {
        if other.names.len() > self.names.len() {
            std::mem::swap(&mut self.nodes, &mut other.nodes);
            std::mem::swap(&mut self.names, &mut other.names);
        }
        let shift = self.names.len();
        for n in other.nodes.iter_mut().flatten() {
            match u32::try_from(n.name_at as usize + shift) {
                Ok(at) => n.name_at = at,
                Err(_) => n.name_len = 0,
            }
        }
        self.names.append(&mut other.names);
        self.nodes.append(&mut other.nodes);
        self.keep_metas |= other.keep_metas;
        self.metas.append(&mut other.metas);
    }

    /// Put the notes together. `roots`: per root its place and own `lstat`;
    /// `linked`: per hard-linked inode, the folder it is counted in, its links'
    /// folders, and its facts.
    pub(crate) fn build(
        self,
        roots: Vec<(RootPlace, DirMeta)>,
        linked: SettledLinks,
    ) -> FolderTree {
        let FolderNotes {
            nodes: parts,
            mut names,
            careful_cutoff,
            keep_metas,
            metas: walk_metas,
            ..
        } = self;
        // The parts end to end (each freed once moved).
        let mut nodes: Vec<Node> = Vec::with_capacity(parts.iter().map(Vec::len).sum());
        for part in parts {
            nodes.extend(part);
        }
        // By walk id, a folder's placed record first; a folder's records merged.
        nodes.sort_unstable_by_key(|n| (n.root, n.next_sibling));
        nodes.dedup_by(|later, first| {
            if later.root != first.root {
                return false;
            }
            first.subtree.merge(&later.subtree);
            first.own.qual.merge(&later.own.qual);
            true
        });
        let max = nodes
            .last()
            .map_or(0, |n| n.root as usize + 1)
            .max(roots.len());
        if nodes.len() != max {
            // Ids without a record (none in a scan): blank places, each record moved
            // to its id (ids only grow, so from the end every target is a blank).
            let have = nodes.len();
            nodes.resize(max, blank(NONE));
            for i in (0..have).rev() {
                let id = nodes[i].root as usize;
                if id != i {
                    nodes.swap(i, id);
                }
            }
        }
        for n in &mut nodes {
            n.root = NONE;
            n.first_child = NONE;
            n.next_sibling = NONE;
        }
        let mut places = Vec::with_capacity(roots.len());
        let mut root_metas = Vec::with_capacity(roots.len());
        for (i, (place, meta)) in roots.into_iter().enumerate() {
            if let Some(n) = nodes.get_mut(i) {
                n.root = i as u32;
                n.parent = NONE;
                n.name_at = 0;
                n.name_len = 0;
            }
            places.push(place);
            root_metas.push(meta);
        }
        names.shrink_to_fit();
        // Hard-linked inodes: sized where counted.
        let SettledLinks {
            linked: mut linked_out,
            counted,
            folders: mut link_folders,
        } = linked;
        for (l, &c) in linked_out.iter().zip(&counted) {
            if let Some(n) = nodes.get_mut(c as usize) {
                n.subtree.count(l.size, l.allocated, true);
            }
        }
        drop(counted);
        linked_out.shrink_to_fit();
        link_folders.shrink_to_fit();
        // Children by name: the non-root folders sorted by (parent, name), linked up.
        let mut kids: Vec<u32> = (0..max as u32)
            .filter(|&i| nodes[i as usize].parent != NONE)
            .collect();
        let name_of = |n: &Node| {
            let a = n.name_at as usize;
            names.get(a..a + usize::from(n.name_len)).unwrap_or(&[])
        };
        kids.sort_unstable_by(|&a, &b| {
            let (na, nb) = (&nodes[a as usize], &nodes[b as usize]);
            na.parent
                .cmp(&nb.parent)
                .then_with(|| name_of(na).cmp(name_of(nb)))
        });
        for w in 0..kids.len() {
            let k = kids[w] as usize;
            let p = nodes[k].parent as usize;
            if w == 0 || nodes[kids[w - 1] as usize].parent as usize != p {
                if let Some(parent) = nodes.get_mut(p) {
                    parent.first_child = k as u32;
                }
            }
            if let Some(&after) = kids.get(w + 1) {
                if nodes[after as usize].parent as usize == p {
                    nodes[k].next_sibling = after;
                }
            }
        }
        drop(kids);
        // Number depth-first from each root; folders no root reaches are dropped.
        let mut new_id = vec![NONE; max];
        let mut next = 0u32;
        let mut stack: Vec<u32> = Vec::new();
        for r in 0..places.len() as u32 {
            stack.push(r);
            while let Some(id) = stack.pop() {
                new_id[id as usize] = next;
                next += 1;
                let mut c = nodes[id as usize].first_child;
                let at = stack.len();
                while c != NONE {
                    stack.push(c);
                    c = nodes[c as usize].next_sibling;
                }
                stack[at..].reverse();
            }
        }
        let map = |i: u32| new_id.get(i as usize).copied().unwrap_or(NONE);
        for n in &mut nodes {
            n.parent = map(n.parent);
            n.first_child = map(n.first_child);
            n.next_sibling = map(n.next_sibling);
        }
        // Into the new order in place: the new id rides in `root` for the sort.
        let roots_of: Vec<u32> = (0..places.len()).map(|r| nodes[r].root).collect();
        for (i, n) in nodes.iter_mut().enumerate() {
            n.root = new_id[i];
        }
        nodes.sort_unstable_by_key(|n| n.root);
        nodes.truncate(next as usize);
        let root_ids: Vec<u32> = (0..places.len()).map(|r| new_id[r]).collect();
        for (r, &id) in root_ids.iter().enumerate() {
            if let Some(n) = nodes.get_mut(id as usize) {
                n.root = roots_of[r];
            }
        }
        // Each folder's root is its parent's (parents come first), then subtree
        // stats, children before parents.
        for i in 0..nodes.len() {
            let p = nodes[i].parent;
            if p != NONE {
                nodes[i].root = nodes[p as usize].root;
            }
        }
        // `subtree` holds each folder's own files so far.
        for n in &mut nodes {
            n.own = Own {
                qual: n.own.qual,
                ..Own::from(&n.subtree)
            };
        }
        for i in (0..nodes.len()).rev() {
            let s = nodes[i].subtree;
            let p = nodes[i].parent;
            if p != NONE {
                nodes[p as usize].subtree.merge(&s);
            }
        }
        for f in &mut link_folders {
            *f = map(*f);
        }
        // Each inode's link folders in tree order (the walk met them in any order).
        for l in &linked_out {
            let (a, b) = (l.start as usize, l.start as usize + l.len as usize);
            if let Some(folders) = link_folders.get_mut(a..b) {
                folders.sort_unstable();
            }
        }
        let mut metas = Vec::new();
        if keep_metas {
            metas = vec![DirMeta::default(); nodes.len()];
            let ids = walk_metas.into_iter().chain(
                root_metas
                    .into_iter()
                    .enumerate()
                    .map(|(r, m)| (r as u32, m)),
            );
            for (id, m) in ids {
                if let Some(slot) = metas.get_mut(map(id) as usize) {
                    *slot = m;
                }
            }
        }
        FolderTree {
            roots: places,
            root_ids,
            nodes,
            linked: linked_out,
            link_folders,
            names,
            careful_cutoff,
            metas,
        }
    }
}

/// The hard-linked inodes as the links table settles them, straight into the lists
/// the tree keeps (no vector per inode): each inode, the walk's folder id of the link
/// it is counted under, and the folders of all its links end to end.
#[derive(Debug, Default)]
pub(crate) struct SettledLinks {
    linked: Vec<Linked>,
    counted: Vec<u32>,
    folders: Vec<u32>,
}

impl SettledLinks {
    /// Room for `inodes` inodes with `links` links in all: filled once, never copied
    /// to grow (a doubling copy left the old block in the allocator at the peak).
    pub(crate) fn with_capacity(inodes: usize, links: usize) -> SettledLinks {
        SettledLinks {
            linked: Vec::with_capacity(inodes),
            counted: Vec::with_capacity(inodes),
            folders: Vec::with_capacity(links),
        }
    }

    /// One inode (`l.start` and `l.len` are set here).
    pub(crate) fn push(&mut self, mut l: Linked, counted: u32, folders: &[u32]) {
        l.start = u32::try_from(self.folders.len()).unwrap_or(u32::MAX);
        l.len = u32::try_from(folders.len()).unwrap_or(u32::MAX);
        self.folders.extend_from_slice(folders);
        self.linked.push(l);
        self.counted.push(counted);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(size: u64, mtime: i64) -> FileMeta {
        FileMeta {
            size,
            allocated: size,
            mtime,
            mtime_nsec: 0,
            dev: 1,
            ino: 1,
            nlink: 1,
        }
    }

    fn dir(ino: u64) -> DirMeta {
        DirMeta {
            dev: 1,
            ino,
            size: 64,
            mtime: 5,
            nlink: 2,
        }
    }

    fn root() -> Vec<(RootPlace, DirMeta)> {
        let place = RootPlace {
            path: b"/r".to_vec(),
            canonical: String::new(),
            rel: String::new(),
        };
        vec![(place, dir(100))]
    }

    /// Two workers' records in walk order (ids not in name order, a folder's files
    /// split over two records, a folder that could not be read) come out as one tree
    /// numbered depth-first with children by name.
    #[test]
    fn records_of_several_workers_make_one_tree() {
        let mut a = FolderNotes::new(0, true);
        let mut b = FolderNotes::new(0, true);
        a.folder(0, NONE, b"", &DirMeta::default());
        a.file(0, "", "x.log", Category::Caches, "", &file(10, 7), true);
        a.folder(2, 0, b"b", &dir(2));
        a.file(2, "b", "y.log", Category::Caches, "", &file(20, 9), true);
        b.folder(1, 0, b"a", &dir(1));
        b.folder(3, 1, b"z", &dir(3));
        b.incomplete(3);
        // More files of folder 2, noted by a caller that interleaves folders.
        b.file(2, "b", "w.log", Category::Caches, "", &file(30, 3), true);
        a.merge(b);
        let t = a.build(root(), SettledLinks::default());
        let names: Vec<String> = (0..t.nodes.len() as u32).map(|i| t.canonical(i)).collect();
        assert_eq!(names, ["", "a", "a/z", "b"]);
        let parents: Vec<u32> = t.nodes.iter().map(|n| n.parent).collect();
        assert_eq!(parents, [NONE, 0, 1, 0]);
        assert_eq!(t.meta(0), Some(&dir(100)));
        assert_eq!((t.nodes[0].name_at, t.nodes[0].name_len), (0, 0));
        assert_eq!(t.meta(2), Some(&dir(3)));
        assert_eq!(t.meta(3), Some(&dir(2)));
        assert_eq!(t.meta(1), Some(&dir(1)));
        // Own and subtree figures.
        assert_eq!((t.nodes[3].own.files, t.nodes[3].own.apparent), (2, 50));
        assert_eq!((t.nodes[0].own.files, t.nodes[0].own.apparent), (1, 10));
        let s = t.nodes[0].subtree;
        assert_eq!((s.files, s.apparent, s.newest, s.oldest), (3, 60, 9, 3));
        assert!(s.incomplete && t.nodes[1].subtree.incomplete && t.nodes[2].subtree.incomplete);
        assert!(!t.nodes[3].subtree.incomplete);
        assert_eq!(t.children(0).collect::<Vec<_>>(), [1, 3]);
    }

    /// An inode's link folders come out in tree order, whichever order the workers
    /// met its links in (a plan's per-item figures follow that order).
    #[test]
    fn link_folders_are_in_tree_order() {
        let tree = |walk_order: [u32; 2]| {
            let mut a = FolderNotes::new(0, false);
            a.folder(0, NONE, b"", &DirMeta::default());
            a.folder(1, 0, b"b", &dir(1));
            a.folder(2, 0, b"a", &dir(2));
            let mut linked = SettledLinks::default();
            let l = Linked {
                dev: 1,
                ino: 9,
                size: 5,
                allocated: 8,
                nlink: 2,
                start: 0,
                len: 0,
            };
            linked.push(l, walk_order[0], &walk_order);
            a.build(root(), linked)
        };
        for order in [[1, 2], [2, 1]] {
            let t = tree(order);
            assert_eq!(t.link_folders(&t.linked[0]), [1, 2], "walk order {order:?}");
        }
    }

    /// Without `keep_metas` (a `scan`), the same tree, and no folder's `lstat`.
    #[test]
    fn metas_are_kept_only_when_asked() {
        let notes = |keep| {
            let mut a = FolderNotes::new(0, keep);
            a.folder(0, NONE, b"", &DirMeta::default());
            a.folder(1, 0, b"b", &dir(1));
            a.folder(2, 0, b"a", &dir(2));
            a.build(root(), SettledLinks::default())
        };
        let (kept, not) = (notes(true), notes(false));
        assert_eq!(kept.metas, [dir(100), dir(2), dir(1)]);
        assert!(not.metas.is_empty() && not.meta(0).is_none());
        assert_eq!(kept.nodes, not.nodes);
    }

    #[test]
    fn node_is_144_bytes() {
        assert_eq!(std::mem::size_of::<Node>(), 144);
    }
}
