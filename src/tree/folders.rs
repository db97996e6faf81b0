//! The folder tree, built during the walk: each worker notes the folders it meets
//! (name, parent, own `lstat`) and what the files of each folder it reads add up to
//! (sizes, times, categories, tiers); at the end the notes are put together into a
//! [`FolderTree`], numbered depth-first with children by name (so the same tree gets
//! the same numbers whatever the threads did). Hard-linked files are sized in the
//! folder of the link the report counts them under (settled by
//! [`super::aggregate::links`]), and every link's folder is kept for the plan.

use crate::model::folders::{DirMeta, FolderTree, Linked, Node, RootPlace, Stats, NONE};
use crate::tree::classify::tiers::{self, Kind, Tier};
use crate::tree::classify::Category;
use crate::tree::walk::FileMeta;

/// A folder as a worker met it.
#[derive(Debug)]
struct Met {
    id: u32,
    parent: u32,
    name: Box<[u8]>,
    meta: DirMeta,
}

/// One worker's notes.
#[derive(Debug, Default)]
pub(crate) struct FolderNotes {
    met: Vec<Met>,
    /// Own stats per folder, in the order the folders were read.
    own: Vec<(u32, Stats)>,
    /// The folder whose files are coming in, and what they add up to so far.
    current: Option<(u32, Stats)>,
    /// Its canonical path and folder kind.
    kind_for: String,
    kind: Option<&'static Kind>,
    /// Folders that could not be read whole.
    incomplete: Vec<u32>,
}

impl FolderNotes {
    /// A sub-folder met in its parent.
    pub(crate) fn folder(&mut self, id: u32, parent: u32, name: &[u8], meta: &FileMeta) {
        self.met.push(Met {
            id,
            parent,
            name: name.into(),
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
            self.own.push(c);
        }
    }

    fn stats(&mut self, folder: u32) -> &mut Stats {
        if self.current.as_ref().is_some_and(|c| c.0 != folder) {
            self.flush();
        }
        &mut self
            .current
            .get_or_insert_with(|| (folder, Stats::default()))
            .1
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
        if self.kind_for != canonical_dir || self.current.as_ref().is_none_or(|c| c.0 != folder) {
            self.kind_for.clear();
            self.kind_for.push_str(canonical_dir);
            self.kind = tiers::folder_kind(canonical_dir);
        }
        let row = tiers::file_row(category, self.kind, name, kind);
        let s = self.stats(folder);
        s.mark(category, row.tier, meta.mtime);
        if counted {
            s.count(meta.size, meta.allocated, false);
        }
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
        linked: Vec<SettledLink>,
    ) -> FolderTree {
        self.flush();
        let max = self
            .met
            .iter()
            .map(|m| m.id as usize + 1)
            .max()
            .unwrap_or(0)
            .max(roots.len());
        let mut nodes: Vec<Node> = (0..max)
            .map(|_| Node {
                parent: NONE,
                root: 0,
                name: Box::default(),
                meta: DirMeta::default(),
                own: Stats::default(),
                subtree: Stats::default(),
                first_child: NONE,
                next_sibling: NONE,
            })
            .collect();
        let mut exists = vec![false; max];
        let mut places = Vec::with_capacity(roots.len());
        for (i, (place, meta)) in roots.into_iter().enumerate() {
            nodes[i].root = i as u32;
            nodes[i].meta = meta;
            exists[i] = true;
            places.push(place);
        }
        for m in std::mem::take(&mut self.met) {
            let i = m.id as usize;
            if let Some(n) = nodes.get_mut(i) {
                n.parent = m.parent;
                n.name = m.name;
                n.meta = m.meta;
                exists[i] = true;
            }
        }
        for (id, s) in std::mem::take(&mut self.own) {
            if let Some(n) = nodes.get_mut(id as usize) {
                n.own.merge(&s);
            }
        }
        for id in std::mem::take(&mut self.incomplete) {
            if let Some(n) = nodes.get_mut(id as usize) {
                n.own.incomplete = true;
            }
        }
        // Hard-linked inodes: sized where counted.
        let mut linked_out = Vec::with_capacity(linked.len());
        let mut link_folders = Vec::new();
        for l in linked {
            if let Some(n) = nodes.get_mut(l.counted as usize) {
                n.own.count(l.size, l.allocated, true);
            }
            let start = link_folders.len() as u32;
            link_folders.extend_from_slice(&l.folders);
            linked_out.push(Linked {
                dev: l.dev,
                ino: l.ino,
                size: l.size,
                allocated: l.allocated,
                nlink: l.nlink,
                start,
                len: l.folders.len() as u32,
            });
        }
        // Number depth-first, children by name.
        let mut kids: Vec<u32> = (0..max as u32)
            .filter(|&i| exists[i as usize] && nodes[i as usize].parent != NONE)
            .collect();
        kids.sort_by(|&a, &b| {
            let (na, nb) = (&nodes[a as usize], &nodes[b as usize]);
            na.parent
                .cmp(&nb.parent)
                .then_with(|| na.name.cmp(&nb.name))
        });
        // first child per old id, via the sorted list.
        let mut first = vec![NONE; max];
        let mut next = vec![NONE; max];
        for w in 0..kids.len() {
            let k = kids[w];
            let p = nodes[k as usize].parent as usize;
            if w == 0 || nodes[kids[w - 1] as usize].parent as usize != p {
                first[p] = k;
            }
            if let Some(&after) = kids.get(w + 1) {
                if nodes[after as usize].parent as usize == p {
                    next[k as usize] = after;
                }
            }
        }
        let mut new_id = vec![NONE; max];
        let mut order: Vec<u32> = Vec::with_capacity(max);
        let root_count = places.len();
        for r in 0..root_count as u32 {
            let mut stack = vec![r];
            while let Some(id) = stack.pop() {
                new_id[id as usize] = order.len() as u32;
                order.push(id);
                // push children in reverse name order
                let mut c = first[id as usize];
                let mut cs = Vec::new();
                while c != NONE {
                    cs.push(c);
                    c = next[c as usize];
                }
                stack.extend(cs.into_iter().rev());
            }
        }
        let mut out: Vec<Node> = Vec::with_capacity(order.len());
        let mut slots: Vec<Option<Node>> = nodes.into_iter().map(Some).collect();
        for &old in &order {
            if let Some(mut n) = slots[old as usize].take() {
                n.parent = if n.parent == NONE {
                    NONE
                } else {
                    new_id[n.parent as usize]
                };
                n.first_child = if first[old as usize] == NONE {
                    NONE
                } else {
                    new_id[first[old as usize] as usize]
                };
                n.next_sibling = if next[old as usize] == NONE {
                    NONE
                } else {
                    new_id[next[old as usize] as usize]
                };
                out.push(n);
            }
        }
        // Each folder's root is its parent's (parents come first).
        for i in 0..out.len() {
            let p = out[i].parent;
            if p != NONE {
                out[i].root = out[p as usize].root;
            }
        }
        let root_ids: Vec<u32> = (0..root_count).map(|r| new_id[r]).collect();
        // Subtree stats, children before parents.
        for i in (0..out.len()).rev() {
            let own = out[i].own;
            out[i].subtree.merge(&own);
            let s = out[i].subtree;
            let p = out[i].parent;
            if p != NONE {
                out[p as usize].subtree.merge(&s);
            }
        }
        for f in &mut link_folders {
            *f = new_id.get(*f as usize).copied().unwrap_or(NONE);
        }
        FolderTree {
            roots: places,
            root_ids,
            nodes: out,
            linked: linked_out,
            link_folders,
        }
    }
}

/// A hard-linked inode, as the links table settles it.
#[derive(Debug, Clone)]
pub(crate) struct SettledLink {
    pub(crate) dev: u64,
    pub(crate) ino: u64,
    pub(crate) size: u64,
    pub(crate) allocated: u64,
    pub(crate) nlink: u64,
    /// The walk's folder id of the link it is counted under, and of every link.
    pub(crate) counted: u32,
    pub(crate) folders: Vec<u32>,
}
