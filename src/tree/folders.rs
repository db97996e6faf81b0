//! The folder tree, built during the walk: each worker notes the folders it meets
//! (name, parent, own `lstat`) and what the files of each folder it reads add up to
//! (sizes, times, categories, tiers); at the end the notes are put together into a
//! [`FolderTree`], numbered depth-first with children by name (so the same tree gets
//! the same numbers whatever the threads did). Hard-linked files are sized in the
//! folder of the link the report counts them under (settled by
//! [`super::aggregate::links`]), and every link's folder is kept for the plan.

use crate::model::folders::{DirMeta, FolderTree, Linked, Node, Own, Qual, RootPlace, Stats, NONE};
use crate::tree::classify::tiers::{self, Kind, Tier};
use crate::tree::classify::Category;
use crate::tree::walk::FileMeta;

/// A folder as a worker met it.
#[derive(Debug)]
struct Met {
    id: u32,
    parent: u32,
    /// Its name: where it is in its list's name bytes.
    name_at: u32,
    name_len: u16,
    meta: DirMeta,
}

/// Folders met, with their names end to end.
#[derive(Debug, Default)]
struct MetList {
    met: Vec<Met>,
    names: Vec<u8>,
}

/// One worker's notes (after a merge, several workers': their lists are kept whole, so
/// nothing large is copied to grow).
#[derive(Debug, Default)]
pub(crate) struct FolderNotes {
    met: Vec<MetList>,
    /// Own stats per folder, in the order the folders were read.
    own: Vec<Vec<(u32, Stats, Qual)>>,
    /// The folder whose files are coming in, and what they add up to so far.
    current: Option<(u32, Stats, Qual)>,
    /// Files last written before this are `careful_old` ([`Qual`]).
    careful_cutoff: i64,
    /// The folder whose kind is known, its canonical path and folder kind.
    kind_at: Option<u32>,
    kind_for: String,
    kind: Option<&'static Kind>,
    /// Folders that could not be read whole.
    incomplete: Vec<u32>,
}

impl FolderNotes {
    /// Empty notes; `careful_cutoff`: see [`Qual::careful_old`].
    pub(crate) fn new(careful_cutoff: i64) -> FolderNotes {
        FolderNotes {
            careful_cutoff,
            ..FolderNotes::default()
        }
    }

    /// A sub-folder met in its parent.
    pub(crate) fn folder(&mut self, id: u32, parent: u32, name: &[u8], meta: &FileMeta) {
        if self.met.is_empty() {
            self.met.push(MetList::default());
        }
        let Some(list) = self.met.last_mut() else {
            return;
        };
        // Names are at most 255 bytes (1,020 on some file systems): u16 holds them.
        let name = &name[..name.len().min(usize::from(u16::MAX))];
        let Ok(name_at) = u32::try_from(list.names.len()) else {
            return;
        };
        list.names.extend_from_slice(name);
        list.met.push(Met {
            id,
            parent,
            name_at,
            name_len: name.len() as u16,
            meta: DirMeta {
                dev: meta.dev,
                ino: meta.ino,
                size: meta.size,
                mtime: meta.mtime,
                nlink: meta.nlink,
            },
        });
    }

    /// Something in folder `id` could not be read.
    pub(crate) fn incomplete(&mut self, id: u32) {
        self.incomplete.push(id);
    }

    fn flush(&mut self) {
        if let Some(c) = self.current.take() {
            if self.own.is_empty() {
                self.own.push(Vec::new());
            }
            if let Some(list) = self.own.last_mut() {
                list.push(c);
            }
        }
    }

    fn stats(&mut self, folder: u32) -> (&mut Stats, &mut Qual) {
        if self.current.as_ref().is_some_and(|c| c.0 != folder) {
            self.flush();
        }
        let c = self
            .current
            .get_or_insert_with(|| (folder, Stats::default(), Qual::default()));
        (&mut c.1, &mut c.2)
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
        let (s, q) = self.stats(folder);
        s.mark(category, row.tier, meta.mtime);
        if counted {
            s.count(meta.size, meta.allocated, false);
        }
        q.add(row.tier, meta.size, old, counted && meta.nlink <= 1);
        row.tier
    }

    /// Take another worker's notes.
    pub(crate) fn merge(&mut self, mut other: FolderNotes) {
        other.flush();
        self.flush();
        self.met.append(&mut other.met);
        self.own.append(&mut other.own);
        self.incomplete.append(&mut other.incomplete);
    }

    /// Put the notes together. `roots`: per root its place and own `lstat`;
    /// `linked`: per hard-linked inode, the folder it is counted in, its links'
    /// folders, and its facts.
    pub(crate) fn build(
        mut self,
        roots: Vec<(RootPlace, DirMeta)>,
        linked: SettledLinks,
    ) -> FolderTree {
        self.flush();
        let met = std::mem::take(&mut self.met);
        let max = met
            .iter()
            .flat_map(|l| l.met.iter())
            .map(|m| m.id as usize + 1)
            .max()
            .unwrap_or(0)
            .max(roots.len());
        let mut nodes: Vec<Node> = (0..max)
            .map(|_| Node {
                parent: NONE,
                root: NONE,
                name_at: 0,
                name_len: 0,
                meta: DirMeta::default(),
                own: Own::default(),
                subtree: Stats::default(),
                first_child: NONE,
                next_sibling: NONE,
            })
            .collect();
        let mut places = Vec::with_capacity(roots.len());
        for (i, (place, meta)) in roots.into_iter().enumerate() {
            nodes[i].root = i as u32;
            nodes[i].meta = meta;
            places.push(place);
        }
        // Names into one list (each part's freed as it goes).
        let mut names: Vec<u8> = Vec::with_capacity(met.iter().map(|l| l.names.len()).sum());
        for part in met {
            for m in part.met {
                let (a, b) = (
                    m.name_at as usize,
                    m.name_at as usize + usize::from(m.name_len),
                );
                let (Some(n), Some(bytes), Ok(at)) = (
                    nodes.get_mut(m.id as usize),
                    part.names.get(a..b),
                    u32::try_from(names.len()),
                ) else {
                    continue;
                };
                n.parent = m.parent;
                n.name_at = at;
                n.name_len = m.name_len;
                n.meta = m.meta;
                names.extend_from_slice(bytes);
            }
        }
        // Own stats: whole in `subtree` for now (the sum below starts from them).
        for part in std::mem::take(&mut self.own) {
            for (id, s, q) in part {
                if let Some(n) = nodes.get_mut(id as usize) {
                    n.subtree.merge(&s);
                    n.own.qual.merge(&q);
                }
            }
        }
        for id in std::mem::take(&mut self.incomplete) {
            if let Some(n) = nodes.get_mut(id as usize) {
                n.subtree.incomplete = true;
            }
        }
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
        FolderTree {
            roots: places,
            root_ids,
            nodes,
            linked: linked_out,
            link_folders,
            names,
            careful_cutoff: self.careful_cutoff,
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
    /// One inode (`l.start` and `l.len` are set here).
    pub(crate) fn push(&mut self, mut l: Linked, counted: u32, folders: &[u32]) {
        l.start = u32::try_from(self.folders.len()).unwrap_or(u32::MAX);
        l.len = u32::try_from(folders.len()).unwrap_or(u32::MAX);
        self.folders.extend_from_slice(folders);
        self.linked.push(l);
        self.counted.push(counted);
    }
}
