//! The `dupes` report: groups of files with the same content, where each copy is
//! (category, account, chat), and the bytes that keeping one copy would free. Plain
//! data in a fixed, documented order (`docs/dupes-schema.json`); `--format json` is it.

use super::{Issue, Tool};
use serde::Serialize;

/// Version of the `dupes` JSON layout. Bump on any incompatible change.
pub const DUPES_SCHEMA_VERSION: u32 = 1;

/// A `dupes` report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DupesReport {
    pub schema_version: u32,
    pub tool: Tool,
    /// When the search ran (RFC 3339, UTC).
    pub generated_at: String,
    /// The path given (`~` for the home folder's WeChat data, `.` for several paths);
    /// every other path is relative to it.
    pub base: String,
    pub roots: Vec<DupesRoot>,
    /// The full-content hash that decides: always `blake3`.
    pub algorithm: String,
    /// Files smaller than this many bytes were not compared.
    pub min_size: u64,
    pub totals: DupesTotals,
    /// Most reclaimable first, then larger files first, then by hash.
    pub groups: Vec<DupeGroup>,
    /// Files left out (unreadable, vanished, changed while read) and folders that could
    /// not be read; sorted.
    pub issues: Vec<Issue>,
}

/// A folder searched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DupesRoot {
    /// Relative to `base` (`.` for the path given itself).
    pub path: String,
    /// What the folder was recognised as (`container`, `data`, `wechat3-account`, ...).
    pub kind: String,
    /// Where the folder sits in a container, e.g. `Data/Documents/xwechat_files`.
    pub container_path: String,
}

/// How much was compared and found: the engine's counts ([`crate::dupes::find`]) and
/// the walk's symbolic links.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DupesTotals {
    /// Regular files of at least `min_size` bytes (a path reached twice counts once).
    pub files: u64,
    /// Regular files left out for being smaller than `min_size`.
    pub below_min_size: u64,
    /// Symbolic links met (never followed, never compared).
    pub symlinks: u64,
    /// Inodes whose 4 KiB head and tail were read: those sharing their size with
    /// another inode. Every other file was decided without a read.
    pub sampled: u64,
    /// Inodes hashed in full: those whose sample matched another's.
    pub hashed: u64,
    /// Bytes read by both passes.
    pub bytes_read: u64,
    pub groups: u64,
    /// Paths in all groups.
    pub group_files: u64,
    /// Distinct inodes in all groups.
    pub group_inodes: u64,
    /// Sum of the groups' `unique_bytes`: an estimate of what keeping one copy of each
    /// would free.
    pub unique_bytes: u64,
}

/// Files with the same size and the same BLAKE3 hash of their whole content, on at
/// least two distinct inodes. Every path seen for those inodes is listed, hard links
/// included (as `fclones group` does).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DupeGroup {
    /// 1, 2, ... in the order of `groups`.
    pub id: u64,
    /// Bytes per file.
    pub size: u64,
    /// BLAKE3 of the content (64 lowercase hex digits); `null` under `--redact` (a
    /// content hash can tell whether someone holds a known file).
    pub hash: Option<String>,
    /// Distinct `(dev, ino)` among the files.
    pub inodes: u64,
    /// Estimate of what removing every copy but one would free: `size` times the inodes
    /// whose every link is in this group, keeping one. Links outside the searched
    /// folders free nothing; APFS clones that already share blocks cannot be seen.
    pub unique_bytes: u64,
    /// Sorted by path (bytes).
    pub files: Vec<DupePath>,
}

/// One path in a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DupePath {
    /// Relative to `base`, `/`-separated, escaped like every path in a report (bytes
    /// that are not UTF-8 and control characters as `\xNN`, a backslash as `\\`).
    pub path: String,
    /// Category id, as in `scan` (`chat-images`, `chat-files`, ...).
    pub category: String,
    /// The account folder it belongs to, or `shared`.
    pub account: String,
    /// The chat folder (md5 of the conversation's username), if it is in one.
    pub chat: Option<String>,
    pub dev: u64,
    pub ino: u64,
    /// Links to the inode when it was walked (including links outside the group).
    pub nlink: u64,
    /// The exact absolute path bytes, for `--format fdupes` (not in JSON).
    #[serde(skip)]
    pub abs: Vec<u8>,
}
