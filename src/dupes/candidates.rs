//! The files to compare, as the walk saw them: paths packed in one byte arena, plus
//! the metadata the engine checks again before it reads a byte.

use std::ffi::OsStr;
use std::fs::Metadata;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// What the walk's `lstat` said about one regular file. The engine reads a file only
/// when an `fstat` of the opened file still says the same (see [`super::find`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileMeta {
    pub dev: u64,
    pub ino: u64,
    pub nlink: u64,
    /// `st_size`.
    pub size: u64,
    /// `st_mtime` in nanoseconds since the Unix epoch (`st_mtime × 10⁹ + st_mtime_nsec`).
    pub mtime_ns: i64,
}

impl From<&Metadata> for FileMeta {
    fn from(m: &Metadata) -> Self {
        FileMeta {
            dev: m.dev(),
            ino: m.ino(),
            nlink: m.nlink(),
            size: m.size(),
            mtime_ns: mtime_ns(m.mtime(), m.mtime_nsec()),
        }
    }
}

/// `seconds × 10⁹ + nanoseconds`, saturating (the year 2262 is far enough).
pub fn mtime_ns(secs: i64, nsec: i64) -> i64 {
    secs.saturating_mul(1_000_000_000).saturating_add(nsec)
}

/// One stored file. Paths live in [`Candidates::arena`]; `tag` is the caller's opaque
/// attribution (account and chat ids, say), carried through to the groups.
#[derive(Debug, Clone)]
pub(crate) struct Entry<T> {
    pub(crate) off: usize,
    pub(crate) len: usize,
    pub(crate) meta: FileMeta,
    pub(crate) tag: T,
}

/// The candidate files, in any order, from one or more walkers.
///
/// Files smaller than `min_size` are counted and not stored, so memory is proportional
/// to the files that can be duplicates: one arena of path bytes and about 64 bytes
/// (plus the tag) per file.
#[derive(Debug, Clone)]
pub struct Candidates<T> {
    pub(crate) min_size: u64,
    pub(crate) arena: Vec<u8>,
    pub(crate) entries: Vec<Entry<T>>,
    pub(crate) below_min: u64,
}

impl<T> Candidates<T> {
    /// An empty set that keeps files of at least `min_size` bytes. `fclones group` and
    /// `dupes` default to 1: empty files are all "equal" and free nothing.
    pub fn new(min_size: u64) -> Self {
        Candidates {
            min_size,
            arena: Vec::new(),
            entries: Vec::new(),
            below_min: 0,
        }
    }

    /// The smallest size kept.
    pub fn min_size(&self) -> u64 {
        self.min_size
    }

    /// Add one regular file (the caller has checked it is one, without following a
    /// link). `path` must open it: absolute, or relative to the current folder.
    pub fn push(&mut self, path: &Path, meta: FileMeta, tag: T) {
        self.push_bytes(path.as_os_str().as_bytes(), meta, tag);
    }

    /// [`Candidates::push`] with the path as raw bytes.
    pub fn push_bytes(&mut self, path: &[u8], meta: FileMeta, tag: T) {
        if meta.size < self.min_size {
            self.below_min += 1;
            return;
        }
        let off = self.arena.len();
        self.arena.extend_from_slice(path);
        self.entries.push(Entry {
            off,
            len: path.len(),
            meta,
            tag,
        });
    }

    /// Move every file of `other` (another walker's share) into this set.
    pub fn append(&mut self, mut other: Candidates<T>) {
        let base = self.arena.len();
        self.arena.append(&mut other.arena);
        self.entries.extend(other.entries.into_iter().map(|mut e| {
            e.off += base;
            e
        }));
        self.below_min += other.below_min;
    }

    /// Files kept.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// No file kept.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Files left out for being smaller than [`Candidates::min_size`].
    pub fn below_min(&self) -> u64 {
        self.below_min
    }

    pub(crate) fn path_bytes(&self, e: &Entry<T>) -> &[u8] {
        &self.arena[e.off..e.off + e.len]
    }

    pub(crate) fn path(&self, e: &Entry<T>) -> &Path {
        Path::new(OsStr::from_bytes(self.path_bytes(e)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(size: u64) -> FileMeta {
        FileMeta {
            dev: 1,
            ino: size,
            nlink: 1,
            size,
            mtime_ns: 0,
        }
    }

    #[test]
    fn keeps_files_from_min_size_and_appends() {
        let mut a = Candidates::new(1);
        a.push(Path::new("a/empty"), meta(0), 7u8);
        a.push(Path::new("a/one"), meta(1), 8);
        let mut b = Candidates::new(1);
        b.push_bytes(b"b/\xff", meta(5), 9);
        a.append(b);
        assert_eq!((a.len(), a.below_min()), (2, 1));
        let paths: Vec<_> = a.entries.iter().map(|e| a.path_bytes(e).to_vec()).collect();
        assert_eq!(paths, vec![b"a/one".to_vec(), b"b/\xff".to_vec()]);
        assert_eq!(a.entries[1].tag, 9);
    }

    #[test]
    fn mtime_saturates() {
        assert_eq!(mtime_ns(1, 5), 1_000_000_005);
        assert_eq!(mtime_ns(i64::MAX, 5), i64::MAX);
    }
}
