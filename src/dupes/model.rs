//! What the duplicate search found: groups of files with the same content, the bytes
//! removing all but one copy would free, the work done, and the files it could not read.
//! Serialized as it is (`--format json`); field names and order are stable.

pub use crate::model::dupes::DupesTotals as Totals;
use crate::model::Issue;
use serde::Serialize;

/// The result of [`super::find`]. `T` is the caller's per-file attribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dupes<T> {
    /// The full-content hash: always `blake3`.
    pub algorithm: &'static str,
    /// Files smaller than this were not compared.
    pub min_size: u64,
    pub totals: Totals,
    /// Most reclaimable first, then larger files first, then by hash.
    pub groups: Vec<Group<T>>,
    /// Files left out because they vanished, changed, or could not be read; sorted.
    pub issues: Vec<Issue>,
}

/// Files with the same size and the same BLAKE3 hash of their whole content, on at
/// least two distinct inodes. Every path seen for those inodes is listed, hard links
/// included (as `fclones group` does).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group<T> {
    /// Bytes per file (`st_size`).
    pub size: u64,
    /// BLAKE3 of the content, 64 lowercase hex digits.
    pub hash: String,
    /// Distinct `(dev, ino)` among the files.
    pub inodes: u64,
    /// The estimate of what removing every copy but one would free: `size` times the
    /// number of inodes whose every link is in this group (so removing its paths really
    /// releases its blocks), keeping one inode (one with links elsewhere, if any).
    /// That is `size × min(contained, inodes − 1)`. Links outside the scanned folders
    /// (`nlink` larger than the paths seen) free nothing; APFS clones that already
    /// share blocks cannot be seen and are counted as if they did not.
    pub unique_bytes: u64,
    /// Sorted by path (bytes).
    pub files: Vec<DupeFile<T>>,
}

/// One path in a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DupeFile<T> {
    /// As it was given, escaped like every path in a report (see [`crate::escape`]).
    pub path: String,
    /// The exact bytes of the path (for output that must name the file itself, such as
    /// the fdupes format); not serialized.
    #[serde(skip)]
    pub raw: Vec<u8>,
    pub dev: u64,
    pub ino: u64,
    /// Links to the inode, as the walk saw them (including links outside the group).
    pub nlink: u64,
    /// `st_mtime` in nanoseconds, as walked (what a plan re-checks); not serialized.
    #[serde(skip)]
    pub mtime_ns: i64,
    /// The caller's attribution (account, chat, ...), flattened into this object.
    #[serde(flatten)]
    pub tag: T,
}
