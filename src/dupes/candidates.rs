//! The files to compare, as the walk saw them: each folder's path stored once, each
//! file as its folder and name in one byte arena, plus the metadata the engine checks
//! again before it reads a byte.

use std::ffi::{CStr, OsStr};
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

/// A folder registered with [`Candidates::dir`] (up to 2³² of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DirId(u32);

/// A byte range of the arena.
#[derive(Debug, Clone, Copy)]
struct Span {
    off: usize,
    len: usize,
}

/// One stored file: its folder, its name in the arena, and what the walk saw, packed
/// to 48 bytes (with a 4-byte tag): the device as an index into [`Candidates`]'s own
/// list, the link count saturating at 2³² − 1 (it only decides whether every link was
/// seen), the name's length in 16 bits (no file system allows a longer name). `tag` is
/// the caller's opaque attribution (account and chat ids, say), carried to the groups.
#[derive(Debug, Clone)]
pub(crate) struct Entry<T> {
    pub(crate) ino: u64,
    pub(crate) size: u64,
    pub(crate) mtime_ns: i64,
    name_off: usize,
    dir: u32,
    nlink: u32,
    name_len: u16,
    /// Index into [`Candidates::devs`].
    dev: u16,
    pub(crate) tag: T,
}

impl<T> Entry<T> {
    /// The same inode: within one [`Candidates`], the device index stands for the device.
    pub(crate) fn inode(&self) -> (u16, u64) {
        (self.dev, self.ino)
    }
}

/// The candidate files, in any order, from one or more walkers.
///
/// Files smaller than `min_size` are counted and not stored. Each folder's path is
/// stored once ([`Candidates::dir`]) and each file as its folder and name, so memory is
/// 48 bytes plus the name per file (with a tag of up to 4 bytes).
#[derive(Debug, Clone)]
pub struct Candidates<T> {
    min_size: u64,
    arena: Vec<u8>,
    dirs: Vec<Span>,
    /// The devices met, for [`Entry`]'s index (a scan meets a handful).
    devs: Vec<u64>,
    pub(crate) entries: Vec<Entry<T>>,
    below_min: u64,
    /// The folder of the last [`Candidates::push`], to find it again without a lookup.
    last_dir: Option<DirId>,
}

impl<T> Candidates<T> {
    /// An empty set that keeps files of at least `min_size` bytes. `fclones group` and
    /// `dupes` default to 1: empty files are all "equal" and free nothing.
    pub fn new(min_size: u64) -> Self {
        Candidates {
            min_size,
            arena: Vec::new(),
            dirs: Vec::new(),
            devs: Vec::new(),
            entries: Vec::new(),
            below_min: 0,
            last_dir: None,
        }
    }

    /// The smallest size kept.
    pub fn min_size(&self) -> u64 {
        self.min_size
    }

    /// Register a folder whose files follow (its path as it opens: absolute, or
    /// relative to the current folder; `""` for the current folder).
    pub fn dir(&mut self, path: &Path) -> DirId {
        let bytes = path.as_os_str().as_bytes();
        let off = self.arena.len();
        self.arena.extend_from_slice(bytes);
        self.dirs.push(Span {
            off,
            len: bytes.len(),
        });
        let id = DirId(u32::try_from(self.dirs.len() - 1).unwrap_or(u32::MAX));
        self.last_dir = Some(id);
        id
    }

    /// Add one regular file named `name` in the folder `dir` (the caller has checked it
    /// is a regular file, without following a link).
    pub fn push_in(&mut self, dir: DirId, name: &OsStr, meta: FileMeta, tag: T) {
        if meta.size < self.min_size {
            self.below_min += 1;
            return;
        }
        let name = name.as_bytes();
        let name_off = self.arena.len();
        self.arena.extend_from_slice(name);
        let dev = match self.devs.iter().position(|&d| d == meta.dev) {
            Some(i) => i,
            None => {
                self.devs.push(meta.dev);
                self.devs.len() - 1
            }
        };
        self.entries.push(Entry {
            ino: meta.ino,
            size: meta.size,
            mtime_ns: meta.mtime_ns,
            name_off,
            dir: dir.0,
            nlink: u32::try_from(meta.nlink).unwrap_or(u32::MAX),
            name_len: u16::try_from(name.len()).unwrap_or(u16::MAX),
            dev: u16::try_from(dev).unwrap_or(u16::MAX),
            tag,
        });
    }

    /// Add one regular file by its whole path: its folder is registered again unless
    /// it is the folder of the previous file.
    pub fn push(&mut self, path: &Path, meta: FileMeta, tag: T) {
        let bytes = path.as_os_str().as_bytes();
        let (dir, name) = match bytes.iter().rposition(|&b| b == b'/') {
            Some(0) => (&bytes[..1], &bytes[1..]),
            Some(i) => (&bytes[..i], &bytes[i + 1..]),
            None => (&bytes[..0], bytes),
        };
        let id = match self.last_dir {
            Some(id) if self.dir_bytes(id.0) == dir => id,
            _ => self.dir(Path::new(OsStr::from_bytes(dir))),
        };
        self.push_in(id, OsStr::from_bytes(name), meta, tag);
    }

    /// Move every file of `other` (another walker's share) into this set.
    pub fn append(&mut self, mut other: Candidates<T>) {
        if self.arena.is_empty() && self.dirs.is_empty() && self.entries.is_empty() {
            // Nothing to shift: take the other's buffers as they are.
            other.below_min += self.below_min;
            other.min_size = self.min_size;
            *self = other;
            self.last_dir = None;
            return;
        }
        let base = self.arena.len();
        let dir_base = u32::try_from(self.dirs.len()).unwrap_or(u32::MAX);
        // The other's device indexes, in this set's list.
        let devs: Vec<u16> = other
            .devs
            .iter()
            .map(|d| {
                let i = match self.devs.iter().position(|x| x == d) {
                    Some(i) => i,
                    None => {
                        self.devs.push(*d);
                        self.devs.len() - 1
                    }
                };
                u16::try_from(i).unwrap_or(u16::MAX)
            })
            .collect();
        self.entries.reserve_exact(other.entries.len());
        self.arena.append(&mut other.arena);
        self.dirs.extend(other.dirs.into_iter().map(|mut d| {
            d.off += base;
            d
        }));
        self.entries.extend(other.entries.into_iter().map(|mut e| {
            e.name_off += base;
            e.dir = e.dir.saturating_add(dir_base);
            e.dev = devs.get(usize::from(e.dev)).copied().unwrap_or(u16::MAX);
            e
        }));
        self.below_min += other.below_min;
        self.last_dir = None;
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

    /// What the walk saw of the file (its link count saturated at 2³² − 1).
    pub(crate) fn meta(&self, e: &Entry<T>) -> FileMeta {
        FileMeta {
            dev: self
                .devs
                .get(usize::from(e.dev))
                .copied()
                .unwrap_or(u64::MAX),
            ino: e.ino,
            nlink: u64::from(e.nlink),
            size: e.size,
            mtime_ns: e.mtime_ns,
        }
    }

    fn dir_bytes(&self, dir: u32) -> &[u8] {
        self.dirs
            .get(dir as usize)
            .map_or(&[][..], |d| &self.arena[d.off..d.off + d.len])
    }

    fn name_bytes(&self, e: &Entry<T>) -> &[u8] {
        &self.arena[e.name_off..e.name_off + e.name_len as usize]
    }

    /// The file's folder and name, for ordering without building the path.
    pub(crate) fn parts(&self, e: &Entry<T>) -> (&[u8], &[u8]) {
        (self.dir_bytes(e.dir), self.name_bytes(e))
    }

    /// The file's whole path into `buf` (replacing its content).
    pub(crate) fn path_into(&self, e: &Entry<T>, buf: &mut Vec<u8>) {
        buf.clear();
        let dir = self.dir_bytes(e.dir);
        buf.extend_from_slice(dir);
        if !dir.is_empty() && !dir.ends_with(b"/") {
            buf.push(b'/');
        }
        buf.extend_from_slice(self.name_bytes(e));
    }

    /// The file's whole path, NUL-terminated in `buf`, for `open`. `None` if a name
    /// holds a NUL byte (no file system allows one).
    pub(crate) fn c_path<'b>(&self, e: &Entry<T>, buf: &'b mut Vec<u8>) -> Option<&'b CStr> {
        self.path_into(e, buf);
        buf.push(0);
        CStr::from_bytes_with_nul(buf).ok()
    }

    /// The file's whole path.
    pub(crate) fn path(&self, e: &Entry<T>) -> Vec<u8> {
        // At its size: a group's paths are kept until the report is written.
        let mut buf = Vec::with_capacity(self.dir_bytes(e.dir).len() + 1 + e.name_len as usize);
        self.path_into(e, &mut buf);
        buf
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

    fn paths<T>(c: &Candidates<T>) -> Vec<Vec<u8>> {
        c.entries.iter().map(|e| c.path(e)).collect()
    }

    #[test]
    fn keeps_files_from_min_size_and_appends() {
        let mut a = Candidates::new(1);
        a.push(Path::new("a/empty"), meta(0), 7u8);
        a.push(Path::new("a/one"), meta(1), 8);
        a.push(Path::new("a/two"), meta(2), 8);
        let mut b = Candidates::new(1);
        let d = b.dir(Path::new("/b"));
        b.push_in(d, OsStr::from_bytes(b"\xff"), meta(5), 9);
        b.push(Path::new("top"), meta(6), 10);
        b.push(Path::new("/root"), meta(7), 11);
        a.append(b);
        assert_eq!((a.len(), a.below_min()), (5, 1));
        assert_eq!(
            paths(&a),
            [&b"a/one"[..], b"a/two", b"/b/\xff", b"top", b"/root"].map(<[u8]>::to_vec)
        );
        // "a" was stored once for both of its files.
        assert_eq!(a.dirs.len(), 4);
        assert_eq!(a.entries[2].tag, 9);
        let mut buf = Vec::new();
        assert_eq!(
            a.c_path(&a.entries[0], &mut buf).map(CStr::to_bytes),
            Some(&b"a/one"[..])
        );
    }

    #[test]
    fn devices_and_link_counts_survive_packing_and_appending() {
        let m = |dev, ino, nlink| FileMeta {
            dev,
            ino,
            nlink,
            size: 9,
            mtime_ns: -5,
        };
        let mut a = Candidates::new(1);
        a.push(Path::new("a/x"), m(u64::MAX - 1, 1, 2), 0u32);
        a.push(Path::new("a/y"), m(7, 2, 1), 0);
        let mut b = Candidates::new(1);
        b.push(Path::new("b/x"), m(7, 3, u64::MAX), 1);
        b.push(Path::new("b/y"), m(3, 4, 1), 1);
        b.push(Path::new("b/z"), m(u64::MAX - 1, 5, 1), 1);
        a.append(b);
        let seen: Vec<FileMeta> = a.entries.iter().map(|e| a.meta(e)).collect();
        assert_eq!(
            seen,
            [
                m(u64::MAX - 1, 1, 2),
                m(7, 2, 1),
                m(7, 3, u64::from(u32::MAX)),
                m(3, 4, 1),
                m(u64::MAX - 1, 5, 1)
            ]
        );
        assert_eq!(a.devs.len(), 3);
        assert_eq!(a.entries[0].inode().0, a.entries[4].inode().0);
    }

    #[test]
    fn mtime_saturates() {
        assert_eq!(mtime_ns(1, 5), 1_000_000_005);
        assert_eq!(mtime_ns(i64::MAX, 5), i64::MAX);
    }
}
