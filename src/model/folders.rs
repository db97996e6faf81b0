//! The folder tree: every folder the scan walked (folders, not files), with what a
//! selection needs to decide "this whole folder qualifies" without listing its files:
//! own and subtree sizes, newest and oldest modification, the categories and tiers of
//! the files below, and the folders of every link of each hard-linked inode (so a plan
//! can tell whether removing it frees anything). Built by [`crate::tree::folders`];
//! read by [`crate::plan`] and rendered as `folders[]` on request. Pure.

use crate::tree::classify::tiers::Tier;
use crate::tree::classify::Category;
use serde::{Deserialize, Serialize};

/// No folder (a root's parent, the end of a child list).
pub const NONE: u32 = u32::MAX;

/// What the files of a folder (or of its subtree) add up to. A hard-linked inode counts
/// once, in the folder of the link the report counts it under, but its categories,
/// tiers and times count in the folder of every link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub files: u64,
    pub apparent: u64,
    pub allocated: u64,
    /// Apparent bytes of hard-linked inodes (several links) among `apparent`.
    pub linked: u64,
    /// Newest and oldest modification (seconds since the epoch); `i64::MIN` and
    /// `i64::MAX` when no file is below.
    pub newest: i64,
    pub oldest: i64,
    /// Bit `Category::index()` per category present.
    pub categories: u32,
    /// Bit [`Tier::bit`] per tier present (before the leftover-3.x promotion).
    pub tiers: u8,
    /// Something below could not be read: it never qualifies whole.
    pub incomplete: bool,
}

impl Default for Stats {
    fn default() -> Self {
        Stats {
            files: 0,
            apparent: 0,
            allocated: 0,
            linked: 0,
            newest: i64::MIN,
            oldest: i64::MAX,
            categories: 0,
            tiers: 0,
            incomplete: false,
        }
    }
}

impl Stats {
    /// A file's (or a link's) classification and time.
    pub fn mark(&mut self, category: Category, tier: Tier, mtime: i64) {
        self.categories |= 1 << category.index();
        self.tiers |= tier.bit();
        self.newest = self.newest.max(mtime);
        self.oldest = self.oldest.min(mtime);
    }

    /// A file's bytes (counted once).
    pub fn count(&mut self, apparent: u64, allocated: u64, linked: bool) {
        self.files += 1;
        self.apparent += apparent;
        self.allocated += allocated;
        if linked {
            self.linked += apparent;
        }
    }

    pub fn merge(&mut self, o: &Stats) {
        self.files += o.files;
        self.apparent += o.apparent;
        self.allocated += o.allocated;
        self.linked += o.linked;
        self.newest = self.newest.max(o.newest);
        self.oldest = self.oldest.min(o.oldest);
        self.categories |= o.categories;
        self.tiers |= o.tiers;
        self.incomplete |= o.incomplete;
    }

    /// The categories present, in report order.
    pub fn category_list(&self) -> impl Iterator<Item = Category> + '_ {
        Category::ALL
            .into_iter()
            .filter(move |c| self.categories & (1 << c.index()) != 0)
    }
}

/// A folder's own `lstat` (what a plan re-checks before moving it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DirMeta {
    pub dev: u64,
    pub ino: u64,
    pub size: u64,
    pub mtime: i64,
    pub nlink: u64,
}

/// What the files directly in a folder add up to (what a selection needs of them; the
/// subtree has the rest).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Own {
    pub files: u64,
    pub apparent: u64,
    pub categories: u32,
    pub tiers: u8,
    /// Per tier, what `scan`'s findings need when the folder qualifies only in part.
    pub qual: Qual,
}

/// The files directly in a folder by tier, tallied during the walk, so that `scan`'s
/// findings never list a folder again: apparent bytes of the files with one link per
/// tier (before the leftover-3.x promotion), `careful` ones also those last written
/// before [`FolderTree::careful_cutoff`]; and, as bits, the tiers of its hard-linked
/// files (their bytes are settled per inode, so a finding that would need them says
/// "at least").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Qual {
    pub safe: u64,
    pub careful: u64,
    pub careful_old: u64,
    pub confirm: u64,
    /// [`Tier::bit`] per tier of a hard-linked file here; [`LINKED_OLD`]: a `careful`
    /// one older than the cut-off.
    pub linked: u8,
}

/// In [`Qual::linked`]: a hard-linked `careful` file older than the cut-off.
pub const LINKED_OLD: u8 = 0x80;

impl Qual {
    /// A file of tier `tier` (`single`: one link), `old`: written before the cut-off.
    pub fn add(&mut self, tier: Tier, size: u64, old: bool, single: bool) {
        if !single {
            self.linked |= tier.bit();
            if tier == Tier::Careful && old {
                self.linked |= LINKED_OLD;
            }
            return;
        }
        match tier {
            Tier::Safe => self.safe += size,
            Tier::Careful => {
                self.careful += size;
                if old {
                    self.careful_old += size;
                }
            }
            Tier::Confirm => self.confirm += size,
            Tier::Never => {}
        }
    }

    pub fn merge(&mut self, o: &Qual) {
        self.safe += o.safe;
        self.careful += o.careful;
        self.careful_old += o.careful_old;
        self.confirm += o.confirm;
        self.linked |= o.linked;
    }
}

impl From<&Stats> for Own {
    fn from(s: &Stats) -> Own {
        Own {
            files: s.files,
            apparent: s.apparent,
            categories: s.categories,
            tiers: s.tiers,
            qual: Qual::default(),
        }
    }
}

/// One folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// Its parent, [`NONE`] for a root.
    pub parent: u32,
    /// Which scanned root it is under.
    pub root: u32,
    /// Its name's bytes: where they are in [`FolderTree::names`] (empty for a root).
    pub name_at: u32,
    pub name_len: u16,
    /// The files directly in it.
    pub own: Own,
    /// The files in it and every folder below.
    pub subtree: Stats,
    /// First child and next sibling ([`NONE`] at the end), children sorted by name.
    pub first_child: u32,
    pub next_sibling: u32,
}

/// An inode with several links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Linked {
    pub dev: u64,
    pub ino: u64,
    pub size: u64,
    pub allocated: u64,
    /// Its link count (`st_nlink`): links outside the scanned roots count too.
    pub nlink: u64,
    /// Where its links' folders are in [`FolderTree::link_folders`].
    pub start: u32,
    pub len: u32,
}

/// Where a scanned root is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootPlace {
    /// Absolute path on disk, as bytes.
    pub path: Vec<u8>,
    /// Container-relative path (`""` for a container).
    pub canonical: String,
    /// Relative to the report's base (`""` for the base).
    pub rel: String,
}

/// The tree, numbered depth-first (a folder before its children, children by name).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FolderTree {
    pub roots: Vec<RootPlace>,
    /// The node of each root.
    pub root_ids: Vec<u32>,
    pub nodes: Vec<Node>,
    pub linked: Vec<Linked>,
    /// The folder of each link of each [`Linked`] inode.
    pub link_folders: Vec<u32>,
    /// Every folder's name, end to end (see [`Node::name_at`]).
    pub names: Vec<u8>,
    /// The cut-off of [`Qual::careful_old`] (seconds since the epoch).
    pub careful_cutoff: i64,
    /// Each folder's own `lstat` by id, when the scan was asked to keep them (a
    /// plan's folder items carry them for the script to re-check); empty otherwise,
    /// which saves 40 bytes a folder (8 MB of a 3M-file tree's 37).
    pub metas: Vec<DirMeta>,
}

impl FolderTree {
    pub fn node(&self, id: u32) -> Option<&Node> {
        self.nodes.get(id as usize)
    }

    /// Folder `id`'s own `lstat`, if the scan kept it ([`FolderTree::metas`]).
    pub fn meta(&self, id: u32) -> Option<&DirMeta> {
        self.metas.get(id as usize)
    }

    /// A folder's name.
    pub fn name(&self, n: &Node) -> &[u8] {
        let a = n.name_at as usize;
        self.names
            .get(a..a + usize::from(n.name_len))
            .unwrap_or(&[])
    }

    /// The children of `id`, by name.
    pub fn children(&self, id: u32) -> impl Iterator<Item = u32> + '_ {
        let mut next = self.node(id).map_or(NONE, |n| n.first_child);
        std::iter::from_fn(move || {
            if next == NONE {
                return None;
            }
            let here = next;
            next = self.node(here).map_or(NONE, |n| n.next_sibling);
            Some(here)
        })
    }

    /// The names from the root down to `id` (the root's own name, empty, left out).
    pub fn names(&self, id: u32) -> Vec<&[u8]> {
        let mut out = Vec::new();
        let mut at = id;
        while let Some(n) = self.node(at) {
            if n.parent == NONE {
                break;
            }
            out.push(self.name(n));
            at = n.parent;
        }
        out.reverse();
        out
    }

    /// The absolute path of `id` on disk, as bytes.
    pub fn disk_path(&self, id: u32) -> Vec<u8> {
        let root = self.node(id).map_or(0, |n| n.root as usize);
        let mut p = self
            .roots
            .get(root)
            .map(|r| r.path.clone())
            .unwrap_or_default();
        for name in self.names(id) {
            if !p.ends_with(b"/") {
                p.push(b'/');
            }
            p.extend_from_slice(name);
        }
        p
    }

    /// The container-relative path of `id` (escaped names).
    pub fn canonical(&self, id: u32) -> String {
        let root = self.node(id).map_or(0, |n| n.root as usize);
        let mut p = self
            .roots
            .get(root)
            .map(|r| r.canonical.clone())
            .unwrap_or_default();
        for name in self.names(id) {
            if !p.is_empty() {
                p.push('/');
            }
            p.push_str(&crate::escape::escape_cow(name).0);
        }
        p
    }

    /// The path of `id` relative to the report's base (escaped names).
    pub fn rel(&self, id: u32) -> String {
        let root = self.node(id).map_or(0, |n| n.root as usize);
        let mut p = self
            .roots
            .get(root)
            .map(|r| r.rel.clone())
            .unwrap_or_default();
        for name in self.names(id) {
            if !p.is_empty() {
                p.push('/');
            }
            p.push_str(&crate::escape::escape_cow(name).0);
        }
        p
    }

    /// The folders of `l`'s links.
    pub fn link_folders(&self, l: &Linked) -> &[u32] {
        let (a, b) = (l.start as usize, l.start as usize + l.len as usize);
        self.link_folders.get(a..b).unwrap_or(&[])
    }
}

/// One folder in the JSON report (`scan --folders`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Folder {
    pub id: u32,
    /// `null` for a scanned root.
    pub parent: Option<u32>,
    /// Its name, escaped; a root's is its path relative to the base (`.` for the base).
    pub name: String,
    /// Files, apparent and allocated bytes of the whole subtree (a hard-linked file
    /// once, where the report counts it).
    pub files: u64,
    pub apparent_bytes: u64,
    pub allocated_bytes: u64,
    /// The same for the files directly in it.
    pub own_files: u64,
    pub own_apparent_bytes: u64,
    /// Newest and oldest file below (RFC 3339), `null` when there is none.
    pub newest: Option<String>,
    pub oldest: Option<String>,
    /// Category ids and tiers of the files below (tiers before the 3.x-leftover rule).
    pub categories: Vec<String>,
    pub tiers: Vec<String>,
}

fn rfc3339(t: i64) -> Option<String> {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// The tree as `folders[]`: one entry per folder, in id order.
pub fn to_json(tree: &FolderTree) -> Vec<Folder> {
    tree.nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let s = &n.subtree;
            let name = if n.parent == NONE {
                tree.roots
                    .get(n.root as usize)
                    .map(|r| {
                        if r.rel.is_empty() {
                            ".".to_string()
                        } else {
                            r.rel.clone()
                        }
                    })
                    .unwrap_or_default()
            } else {
                crate::escape::escape_bytes(tree.name(n)).0
            };
            Folder {
                id: i as u32,
                parent: (n.parent != NONE).then_some(n.parent),
                name,
                files: s.files,
                apparent_bytes: s.apparent,
                allocated_bytes: s.allocated,
                own_files: n.own.files,
                own_apparent_bytes: n.own.apparent,
                newest: (s.files > 0 || s.newest != i64::MIN)
                    .then(|| rfc3339(s.newest))
                    .flatten(),
                oldest: (s.oldest != i64::MAX).then(|| rfc3339(s.oldest)).flatten(),
                categories: s.category_list().map(|c| c.id().to_string()).collect(),
                tiers: Tier::ALL
                    .into_iter()
                    .filter(|t| s.tiers & t.bit() != 0)
                    .map(|t| t.id().to_string())
                    .collect(),
            }
        })
        .collect()
}
