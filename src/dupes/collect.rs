//! The engine's candidates, gathered from a tree walk's entries: every regular file of
//! at least the minimum size, each folder's path stored once. `dupes` walks with it; a
//! `scan` for `plan --dupes` gathers it in the same walk as everything else.

use super::{mtime_ns, Candidates, DirId, FileMeta};
use crate::tree::walk::FileEntry;
use std::path::PathBuf;

/// One walker's candidates, tagged with the index of their root.
#[derive(Debug)]
pub struct Collector {
    candidates: Candidates<u32>,
    /// The folder of the last file, registered once for all of its files.
    last: Option<(PathBuf, DirId)>,
}

impl Collector {
    /// Keep files of at least `min_size` bytes.
    pub fn new(min_size: u64) -> Collector {
        Collector {
            candidates: Candidates::new(min_size),
            last: None,
        }
    }

    /// A regular file met by the walk (every link of it).
    pub fn file(&mut self, e: &FileEntry<'_>) {
        let dir = match &self.last {
            Some((path, id)) if path == e.dir => *id,
            _ => {
                let id = self.candidates.dir(e.dir);
                self.last = Some((e.dir.to_path_buf(), id));
                id
            }
        };
        let m = &e.meta;
        let meta = FileMeta {
            dev: m.dev,
            ino: m.ino,
            nlink: m.nlink,
            size: m.size,
            mtime_ns: mtime_ns(m.mtime, m.mtime_nsec),
        };
        let root = u32::try_from(e.root).unwrap_or(u32::MAX);
        self.candidates.push_in(dir, e.os_name, meta, root);
    }

    /// Take another walker's candidates.
    pub fn merge(&mut self, other: Collector) {
        self.candidates.append(other.candidates);
    }

    /// What the engine ([`super::find`]) takes.
    pub fn into_candidates(self) -> Candidates<u32> {
        self.candidates
    }
}
