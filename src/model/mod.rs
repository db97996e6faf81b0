//! The report model: what every output format renders, and what `--format json` is.
//!
//! Plain data with a fixed, documented order (see `docs/report-schema.json`). Sizes are
//! integer bytes, times RFC 3339, paths `/`-separated and relative to the path given.
//! Beside it: the `hosts` report ([`hosts`]) and host-name logic ([`domain`]), one
//! account and one chat across WeChat versions ([`accounts`]), chat and account names
//! without a key ([`names`]), the comparison of two reports ([`diff`]) and `--redact`
//! ([`redact`]). Pure: no I/O.

pub(crate) mod accounts;
pub(crate) mod diff;
pub(crate) mod domain;
pub mod dupes;
pub mod folders;
pub mod hosts;
pub(crate) mod keyed;
pub mod month;
pub mod names;
pub(crate) mod redact;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Version of the JSON layout. Bump on any incompatible change. 2: one row per account
/// across WeChat versions (a 3.x folder linked to its 4.x account is an alias) and one
/// row per chat across versions, so account ids and chat rows mean something else.
pub const SCHEMA_VERSION: u32 = 2;

/// A full scan report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
    /// Accounts that logged in on this Mac (`xwechat_files/all_users/login/<wxid>/`),
    /// with or without data left.
    #[serde(default)]
    pub accounts_seen: Vec<AccountSeen>,
    /// Per account, the 4.x chat files and videos kept per month (`msg/file`,
    /// `msg/video`): which chat they belong to is only in the encrypted databases.
    #[serde(default)]
    pub unattributed: Vec<Unattributed>,
    /// Duplicates seen without reading a byte. Absent in reports from before 0.3.
    #[serde(default)]
    pub dupe_hints: DupeHints,
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
    /// The contact databases' rows read with the owner's key, by database path (in
    /// memory only: chats' `label` is what the report shows).
    #[serde(skip)]
    pub contacts: BTreeMap<String, Vec<keyed::Contact>>,
    /// The 4.x resource index's bytes per chat username, read with the owner's key, by
    /// database path (in memory only: chats' `resource_bytes` is what shows).
    #[serde(skip)]
    pub resources: BTreeMap<String, Vec<keyed::ChatResource>>,
}

/// Duplicates `scan` sees without reading a byte, per category, account and chat
/// (`wechat-inspect dupes` compares content). Rows with nothing to say are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DupeHints {
    /// Most file names kept for the two name figures (a bound on memory).
    pub max_names: u64,
    /// Every candidate name was kept; when `false`, the name figures are lower bounds.
    pub complete: bool,
    pub totals: HintFigures,
    pub categories: Vec<CategoryHints>,
    pub accounts: Vec<AccountHints>,
    pub chats: Vec<ChatHints>,
}

/// The three figures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HintFigures {
    /// Inodes with two or more links in the scan (already shared), each once.
    pub linked_inodes: u64,
    /// Their apparent bytes, each inode once.
    pub linked_bytes: u64,
    /// 4.x chat files whose md5 name is also in another chat, on another inode: every
    /// copy beyond the first (by chat folder name).
    pub md5_repeat_files: u64,
    pub md5_repeat_bytes: u64,
    /// 3.x received files with the same name and size as one in the 4.x tree of the same
    /// account (a 3.x folder named md5 of the 4.x wxid), on another inode.
    pub overlap_files: u64,
    pub overlap_bytes: u64,
}

impl HintFigures {
    /// Nothing to say.
    pub fn is_empty(&self) -> bool {
        *self == HintFigures::default()
    }

    /// The bytes of all three figures (for ordering rows).
    pub fn bytes(&self) -> u64 {
        self.linked_bytes
            .saturating_add(self.md5_repeat_bytes)
            .saturating_add(self.overlap_bytes)
    }
}

/// One category's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryHints {
    pub id: String,
    #[serde(flatten)]
    pub figures: HintFigures,
}

/// One account's figures (`shared` for app-wide files).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountHints {
    pub id: String,
    #[serde(flatten)]
    pub figures: HintFigures,
}

/// One chat's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatHints {
    pub account: String,
    pub chat: String,
    #[serde(flatten)]
    pub figures: HintFigures,
}

/// What [`Unattributed`] bytes are, in every format.
pub const UNATTRIBUTED_LABEL: &str = "files and videos not attributable to a chat without the key";

/// One account's chat media that no chat can be given without the key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unattributed {
    pub account: String,
    /// [`UNATTRIBUTED_LABEL`].
    pub label: String,
    #[serde(flatten)]
    pub size: Size,
    /// Apparent bytes per category id.
    pub categories: BTreeMap<String, u64>,
    /// `YYYY-MM` of the oldest and newest file (last modified, UTC).
    pub first_month: Option<String>,
    pub last_month: Option<String>,
}

/// An account folder in `xwechat_files/all_users/login/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountSeen {
    /// The folder name (the account's wxid).
    pub id: String,
    /// The `accounts[]` row holding its data, `null` when none is left.
    pub account: Option<String>,
    /// From `--names`.
    pub label: Option<String>,
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
    /// Pages of the table's b-tree and of its indexes (`--all-pages`; for a WeChat
    /// message table also without it, see `ChatTotals::db_bytes`; else `null`).
    #[serde(default)]
    pub pages: Option<u64>,
    /// Why this table alone could not be counted (e.g. an FTS tokenizer not built in).
    pub error: Option<String>,
    /// A message table's first and last message time (Unix seconds); kept in
    /// memory for the chats' `message_months_by_layout`, never serialized.
    #[serde(skip)]
    pub time_range: Option<(i64, i64)>,
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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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

/// One account's totals, across WeChat versions (see [`accounts`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountTotals {
    /// The account folder (3.x md5, 4.x `<wxid>_<4hex>`), or `shared` for app-wide files.
    /// An account found in both versions is reported under its 4.x folder.
    pub id: String,
    /// The layout of the folder `id` names (`by_layout` has the bytes of each).
    pub layout: String,
    #[serde(flatten)]
    pub size: Size,
    /// Chats found for this account.
    pub chats: u64,
    /// 3.x account folders that are this account (md5 of its wxid).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Files and bytes per layout (`wechat3`, `wechat4`, `shared`).
    #[serde(default)]
    pub by_layout: BTreeMap<String, Size>,
    /// From `--names` (`null` otherwise, and with `--redact`).
    #[serde(default)]
    pub label: Option<String>,
    /// Why no 3.x folder is linked where one might be expected.
    #[serde(default)]
    pub note: Option<String>,
}

/// The months of a chat's first and last message (UTC, `YYYY-MM`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthRange {
    pub first: String,
    pub last: String,
}

/// One chat's totals, across WeChat versions: within an account, 3.x
/// `MessageTemp/<h>`, 4.x `msg/attach/<h>`, `temp/RWTemp/<month>/<h>` and
/// `cache/<month>/Message/<h>` are one chat. A hard-linked file counts in every chat
/// that links it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatTotals {
    pub account: String,
    /// The chat folder name (md5 of the conversation's username).
    pub chat: String,
    #[serde(flatten)]
    pub size: Size,
    /// Apparent bytes per category id.
    pub categories: BTreeMap<String, u64>,
    /// A name for the chat, or `null` (see `label_source`).
    #[serde(default)]
    pub label: Option<String>,
    /// Where `label` comes from: `system` (WeChat's fixed usernames), `names-file`
    /// (`--names`) or `key` (the contact databases, with the owner's key).
    #[serde(default)]
    pub label_source: Option<names::LabelSource>,
    /// `system`, `person`, `group` or `official` when the username is known; `null`
    /// otherwise (a folder name alone does not say).
    #[serde(default)]
    pub kind: Option<String>,
    /// Files and bytes per layout (`wechat3`, `wechat4`).
    #[serde(default)]
    pub by_layout: BTreeMap<String, Size>,
    /// `YYYY-MM` of its oldest and newest file (last modified, UTC).
    #[serde(default)]
    pub first_month: Option<String>,
    #[serde(default)]
    pub last_month: Option<String>,
    /// With the owner's key: rows of its `Chat_<md5>` tables (`wechat3`) and
    /// `Msg_<md5>` tables (`wechat4`), each summed over every shard of that layout
    /// (`biz_message_*` included). Never added together: a migration copies 3.x
    /// history into 4.x. Empty without a key.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub messages_by_layout: BTreeMap<String, u64>,
    /// With the owner's key: the UTC months (`YYYY-MM`) of its first and last
    /// message per layout, the smallest and largest message time (3.x
    /// `msgCreateTime`, 4.x `create_time`) over every shard of that layout.
    /// Empty without a key or without messages.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub message_months_by_layout: BTreeMap<String, MonthRange>,
    /// With the owner's key: the pages of its message tables and their indexes in
    /// every shard × page size (without `--all-pages`, index leaves are counted
    /// from their parents and table overflow pages from cell sizes; the overflow
    /// pages of index leaf cells only with `--all-pages`); `null` otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub db_bytes: Option<u64>,
    /// With the owner's key, 4.x only: the bytes of the files, videos, images (and
    /// other resources) its messages refer to, as WeChat's resource index
    /// (`message_resource.db`) records them: not checked against the files on disk,
    /// and 4.x keeps files and videos in folders by month, not by chat. Empty
    /// otherwise.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub resource_bytes: BTreeMap<String, u64>,
}

impl ChatTotals {
    /// A chat with no files, no label and no figures yet.
    pub fn new(account: &str, chat: &str) -> Self {
        ChatTotals {
            account: account.to_string(),
            chat: chat.to_string(),
            size: Size::default(),
            categories: BTreeMap::new(),
            label: None,
            label_source: None,
            kind: None,
            by_layout: BTreeMap::new(),
            first_month: None,
            last_month: None,
            messages_by_layout: BTreeMap::new(),
            message_months_by_layout: BTreeMap::new(),
            db_bytes: None,
            resource_bytes: BTreeMap::new(),
        }
    }
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
