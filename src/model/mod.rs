//! The report model: what every output format renders, and what `--format json` is.
//!
//! Plain data with a fixed, documented order (see `docs/report-schema.json`). Sizes are
//! integer bytes, times RFC 3339, paths `/`-separated and relative to the path given.
//! Beside it: the `hosts` report ([`hosts`]) and host-name logic ([`domain`]), the
//! comparison of two reports ([`diff`]) and `--redact` ([`redact`]). Pure: no I/O.

pub(crate) mod diff;
pub(crate) mod domain;
pub mod folders;
pub mod hosts;
pub(crate) mod redact;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Version of the JSON layout. Bump on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// A full scan report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    /// When the scan ran (RFC 3339, UTC).
    pub generated_at: String,
    /// The path given (or `~` when scanning the home folder); every other path is relative to it.
    pub base: String,
    pub roots: Vec<Root>,
    pub totals: Totals,
    pub hard_links: HardLinks,
    pub categories: Vec<CategoryTotals>,
    pub accounts: Vec<AccountTotals>,
    pub chats: Vec<ChatTotals>,
    pub months: Vec<MonthTotals>,
    pub file_types: Vec<TypeTotals>,
    pub image_variants: Vec<VariantTotals>,
    pub largest: Vec<LargeFile>,
    pub issues: Vec<Issue>,
    /// Database files (SQLite magic, a known WeChat database role, or a database
    /// extension), largest first. Absent in reports from before 0.2 (hence the default).
    #[serde(default)]
    pub databases: Vec<Database>,
    /// Property lists, by path.
    #[serde(default)]
    pub plists: Vec<Plist>,
    /// 4.x chat-image `.dat` files per account, chat, scheme and variant.
    #[serde(default)]
    pub dat_images: Vec<DatImages>,
    /// The few largest things one could act on, largest first (`scan` only; bytes are
    /// estimates of what `plan` would free).
    #[serde(default)]
    pub findings: Vec<crate::plan::findings::Finding>,
    /// `scan --older-than`: only files last written before this are counted (the
    /// age as given, e.g. `12m`); absent for a full scan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub older_than: Option<String>,
    /// Every folder walked (`scan --folders` only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub folders: Vec<folders::Folder>,
    /// The folder tree (in memory only; `folders` is its JSON form).
    #[serde(skip)]
    pub tree: folders::FolderTree,
}

/// One database file. Fields that need a readable SQLite header are `null` for an
/// encrypted database (where only the expected page size is known).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Database {
    pub path: String,
    /// Role id (`message-shard`, `contact`, ...), `null` when no rule knows the path.
    pub role: Option<String>,
    pub role_label: Option<String>,
    /// The account folder it belongs to, or `shared`.
    pub account: String,
    /// `sqlite` (plaintext), `sqlcipher` (looks like SQLCipher: no known magic, whole
    /// pages, a random-looking first page; or a key opened it) or `unknown`.
    #[serde(default = "sqlite_format")]
    pub format: String,
    /// `format` is `sqlcipher`.
    pub encrypted: bool,
    /// For a SQLCipher database: `ok` (a `--key-file` key opened it), `mismatch` (keys
    /// apply but none opens it) or `none` (no key for it). `null` otherwise.
    #[serde(default)]
    pub key: Option<String>,
    /// The SQLCipher parameters that opened it (`wechat3`, `wechat4`, ...).
    #[serde(default)]
    pub cipher_profile: Option<String>,
    pub apparent_bytes: u64,
    pub allocated_bytes: u64,
    /// From the header; for an encrypted database the expected page size, if known.
    pub page_size: Option<u32>,
    pub page_count: Option<u64>,
    pub freelist_pages: Option<u64>,
    /// Free pages × page size: what `VACUUM` would give back.
    pub reclaimable_bytes: Option<u64>,
    /// `legacy` (rollback journal) or `wal`, from the header.
    pub journal: Option<String>,
    pub wal_bytes: Option<u64>,
    /// Valid frames in the `-wal` (the whole file, by SQLite's recovery rules).
    pub wal_frames: Option<u64>,
    /// Committed frames not yet copied back into the database.
    pub wal_pending_frames: Option<u64>,
    pub shm_bytes: Option<u64>,
    /// The page size WeChat uses for this role (layout doc §4).
    pub expected_page_size: Option<u32>,
    /// Something odd about the size (`zero-length`, `truncated header`, ...).
    pub size_note: Option<String>,
    /// Tables and virtual tables by name; `null` when the schema cannot be read.
    pub tables: Option<Vec<TableRows>>,
    /// Why `rows` are `null`.
    pub rows_skipped: Option<String>,
}

fn sqlite_format() -> String {
    "sqlite".into()
}

/// One table's row count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableRows {
    pub name: String,
    /// `null` when skipped (see the database's `rows_skipped`) or failed (`error`).
    pub rows: Option<u64>,
    /// Pages of the table's b-tree and of its indexes (`--all-pages` only; else `null`).
    #[serde(default)]
    pub pages: Option<u64>,
    /// Why this table alone could not be counted (e.g. an FTS tokenizer not built in).
    pub error: Option<String>,
}

/// One property list. Only the keys, an outline and a few known WeChat preference
/// values are reported; other values may be private and are never shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plist {
    pub path: String,
    /// `binary` or `xml`.
    pub format: String,
    pub apparent_bytes: u64,
    /// Sorted top-level keys (dict root).
    pub keys: Vec<String>,
    pub summary: String,
    /// `$archiver` of an `NSKeyedArchiver` archive.
    pub archiver: Option<String>,
    /// Class of the archive's root object.
    pub root_class: Option<String>,
    /// Rendered values of known keys: `AppleLanguages`, `SULastCheckTime` (RFC 3339),
    /// `NSUserNotificationsAllowedByUser`.
    pub known: BTreeMap<String, String>,
}

/// 4.x chat images (`msg/attach/<chat>/<month>/Img/*.dat`) of one scheme and variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatImages {
    pub account: String,
    pub chat: String,
    /// `v1`, `v2`, `xor-<image>` (single-byte XOR), `plain-<image>` (key 0), `unknown`;
    /// `unread` when the head was not read (no `--dat-schemes`, or the read failed).
    pub scheme: String,
    /// `thumbnail`, `original` or `hd`.
    pub variant: String,
    pub files: u64,
    pub apparent_bytes: u64,
}

/// Which program wrote the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

/// Files, bytes on both measures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Size {
    pub files: u64,
    pub apparent_bytes: u64,
    pub allocated_bytes: u64,
}

impl Size {
    /// Add one file.
    pub fn add(&mut self, apparent: u64, allocated: u64) {
        self.files += 1;
        self.apparent_bytes += apparent;
        self.allocated_bytes += allocated;
    }

    /// Add another total.
    /// Add `other` (saturating: a crafted report given to `diff` cannot wrap a sum).
    pub fn merge(&mut self, other: &Size) {
        self.files = self.files.saturating_add(other.files);
        self.apparent_bytes = self.apparent_bytes.saturating_add(other.apparent_bytes);
        self.allocated_bytes = self.allocated_bytes.saturating_add(other.allocated_bytes);
    }
}

/// One scanned root folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Root {
    /// Relative to `base` (`.` for the path given itself).
    pub path: String,
    /// What the folder was recognised as (`container`, `data`, `wechat3-account`, ...).
    pub kind: String,
    /// Where the folder sits in a container, e.g. `Data/Documents/xwechat_files`.
    pub container_path: String,
    #[serde(flatten)]
    pub size: Size,
    /// Per layout found under this root, non-empty ones only.
    pub layouts: Vec<LayoutTotals>,
}

/// Totals for one layout within a root.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayoutTotals {
    pub layout: String,
    #[serde(flatten)]
    pub size: Size,
}

/// Whole-scan totals. Regular files count once per inode.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub files: u64,
    pub dirs: u64,
    pub symlinks: u64,
    /// FIFOs, sockets, devices: counted, never opened.
    pub special_files: u64,
    pub apparent_bytes: u64,
    pub allocated_bytes: u64,
    /// Blocks held by the folders themselves (not in `allocated_bytes`).
    pub dir_allocated_bytes: u64,
    /// Bytes held by symlinks (their `st_size`; not in `apparent_bytes`).
    pub symlink_bytes: u64,
}

/// Files with several hard links, counted once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HardLinks {
    /// Inodes seen under more than one path in this scan.
    pub inodes: u64,
    /// Paths beyond the first for those inodes.
    pub extra_links: u64,
    /// Bytes a per-path sum would have counted again.
    pub shared_apparent_bytes: u64,
    pub shared_allocated_bytes: u64,
}

/// One category's totals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryTotals {
    pub id: String,
    pub label: String,
    #[serde(flatten)]
    pub size: Size,
}

/// One account's totals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountTotals {
    /// The account folder (3.x md5, 4.x `<wxid>_<4hex>`), or `shared` for app-wide files.
    pub id: String,
    pub layout: String,
    #[serde(flatten)]
    pub size: Size,
    /// Chats found for this account.
    pub chats: u64,
}

/// One chat's totals. A hard-linked file counts in every chat that links it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatTotals {
    pub account: String,
    /// The chat folder name (md5 of the conversation's username).
    pub chat: String,
    #[serde(flatten)]
    pub size: Size,
    /// Apparent bytes per category id.
    pub categories: BTreeMap<String, u64>,
}

/// Files last modified in one month (UTC).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthTotals {
    /// `YYYY-MM`.
    pub month: String,
    #[serde(flatten)]
    pub size: Size,
    /// Apparent bytes per category id (non-zero ones only).
    pub categories: BTreeMap<String, u64>,
}

/// One file type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeTotals {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(flatten)]
    pub size: Size,
}

/// One image variant in one layout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantTotals {
    pub layout: String,
    /// `thumbnail`, `original` or `hd`.
    pub variant: String,
    #[serde(flatten)]
    pub size: Size,
}

/// One of the largest files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LargeFile {
    pub path: String,
    pub category: String,
    pub account: String,
    pub apparent_bytes: u64,
    pub allocated_bytes: u64,
    /// Last modification (RFC 3339, UTC).
    pub modified: String,
}

/// A per-file problem: the scan went on without it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Issue {
    pub path: String,
    /// `permission`, `vanished`, `io`, `non-utf8-name`, `not-a-directory`, `database`,
    /// `plist`.
    pub kind: String,
    pub message: String,
}
