//! Decide, never act: which files and folders a clean-up could move, what each would
//! free, and the findings `scan` opens with. Pure over the report's folder tree
//! ([`crate::model::folders`]), except that the files of a folder that qualifies only in
//! part are listed on demand through a [`Lister`] (read-only, one `fstatat` per entry).
//!
//! A folder whose whole subtree qualifies is one item; otherwise its qualifying files
//! are. A `never`-tier file (databases, keys, login, configuration, unknown bytes) and
//! the files of a `--protect`ed chat can never be in a plan, whatever the options.
//! Unique bytes: an inode is freed only when every one of its links is in the plan
//! (`st_nlink`, so links outside the scanned roots keep it).
//!
//! With `--dupes`, the redundant copies of duplicate files join the plan ([`dupes`]).

pub(crate) mod dupes;
pub mod findings;
pub(crate) mod select;
pub(crate) mod sh;

use crate::model::Tool;
use crate::tree::classify::tiers::Tier;
use crate::tree::classify::Category;
use crate::tree::walk::FileMeta;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

pub use crate::model::month::Month;

/// Version of the plan JSON layout.
pub const PLAN_SCHEMA_VERSION: u32 = 1;

/// md5("filehelper"): File Transfer's chat folder.
pub const FILE_TRANSFER: &str = "9e20f478899dc29eb19741386f9343c8";

/// The age cut-off `careful` files get when no `--older-than` is given: 2 years.
pub const CAREFUL_DEFAULT_MONTHS: u32 = 24;

/// An age: `N` days, weeks, months or years.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Age {
    Days(u32),
    Months(u32),
}

impl Age {
    /// Parse `90d`, `6w`, `12m`, `2y` (1 day to 100 years).
    pub fn parse(s: &str) -> Option<Age> {
        let s = s.trim();
        let unit = s.chars().last()?;
        let n: u32 = s.get(..s.len() - unit.len_utf8())?.parse().ok()?;
        let age = match unit.to_ascii_lowercase() {
            'd' => Age::Days(n),
            'w' => Age::Days(n.checked_mul(7)?),
            'm' => Age::Months(n),
            'y' => Age::Months(n.checked_mul(12)?),
            _ => return None,
        };
        let ok = match age {
            Age::Days(d) => (1..=36_525).contains(&d),
            Age::Months(m) => (1..=1_200).contains(&m),
        };
        ok.then_some(age)
    }

    /// The moment `self` before `now` (seconds since the epoch).
    pub fn before(self, now: i64) -> i64 {
        use chrono::{DateTime, Months, TimeDelta};
        let Some(t) = DateTime::from_timestamp(now, 0) else {
            return i64::MIN;
        };
        let back = match self {
            Age::Days(d) => t.checked_sub_signed(TimeDelta::days(i64::from(d))),
            Age::Months(m) => t.checked_sub_months(Months::new(m)),
        };
        back.map_or(i64::MIN, |t| t.timestamp())
    }

    /// As given (`90d`, `12m`).
    pub fn text(self) -> String {
        match self {
            Age::Days(d) => format!("{d}d"),
            Age::Months(m) if m % 12 == 0 => format!("{}y", m / 12),
            Age::Months(m) => format!("{m}m"),
        }
    }
}

/// What a plan may take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanOptions {
    /// Tiers allowed (never `never`).
    pub tiers: Vec<Tier>,
    /// Only files older than this (for `careful` files: this, or 2 years).
    pub older_than: Option<Age>,
    /// Only these categories (empty: all).
    pub categories: Vec<Category>,
    /// Only these chats (empty: all).
    pub chats: Vec<String>,
    /// Never these chats (and, when any is given, no chat media that cannot be tied to
    /// a chat: 4.x per-month files and videos).
    pub protect: Vec<String>,
    /// "Now", for ages (the report's time).
    pub now: i64,
}

impl PlanOptions {
    /// The default: `safe` only.
    pub fn new(now: i64) -> PlanOptions {
        PlanOptions {
            tiers: vec![Tier::Safe],
            older_than: None,
            categories: Vec::new(),
            chats: Vec::new(),
            protect: Vec::new(),
            now,
        }
    }
}

/// A file listed on demand.
#[derive(Debug, Clone)]
pub struct Listed {
    pub name: Vec<u8>,
    pub meta: FileMeta,
}

/// Lists the regular files directly in a folder (never following links).
pub trait Lister {
    /// The regular files in the folder at `path`; `None` when it cannot be read.
    fn list(&mut self, path: &[u8]) -> Option<Vec<Listed>>;
}

/// A text that is most often one of the tool's own (a kind, a category id, a tier row's
/// reason): borrowed then, not copied into every item.
pub type Text = std::borrow::Cow<'static, str>;

/// One thing the plan would move.
///
/// Held in memory for the whole plan (it is sorted by path before it is written), so it
/// is kept small: the tool's own texts are borrowed, an account or chat name is one
/// string shared by every item of that chat, the categories are bits and the month is
/// two numbers: 256 bytes and the path (a plan of 600,000 items held 840 bytes an item
/// when each carried its own copies; about 480 now).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanItem {
    /// Absolute path, escaped (`\xNN` for bytes that are not UTF-8 or not printable,
    /// `\\` for a backslash; unescaping gives the exact bytes).
    pub path: String,
    /// `file` or `folder`.
    pub kind: Text,
    /// Its category id, or `mixed` (a folder with several; see `categories`).
    pub category: Text,
    pub categories: Categories,
    pub tier: Tier,
    /// Why it may go, and what you would notice.
    pub reason: Text,
    pub side_effect: Text,
    pub account: Option<Arc<str>>,
    pub chat: Option<Arc<str>>,
    /// The chat's name, from the contact databases (`plan --key-file`) or WeChat's
    /// system chats; absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_label: Option<Arc<str>>,
    /// `YYYY-MM` when every file in it was last written that month, else `null`.
    pub month: Option<Month>,
    /// Files in it (a folder's whole subtree).
    pub files: u64,
    /// Apparent bytes in it, a hard-linked file once.
    pub bytes: u64,
    /// Bytes freed if the whole plan runs: inodes whose every link is in the plan.
    pub unique_bytes: u64,
    /// Its own `lstat` when planned: what the script re-checks.
    pub dev: u64,
    pub ino: u64,
    pub size: u64,
    pub mtime: i64,
    pub nlink: u64,
}

/// The categories of an item, as bits ([`Category::index`]); written as the list of
/// their ids in report order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Categories(pub u32);

impl Categories {
    pub fn one(c: Category) -> Categories {
        Categories(1 << c.index())
    }

    /// The categories, in report order.
    pub fn iter(self) -> impl Iterator<Item = Category> {
        Category::ALL
            .into_iter()
            .filter(move |c| self.0 & (1 << c.index()) != 0)
    }

    /// The ids, in report order.
    pub fn ids(self) -> Vec<&'static str> {
        self.iter().map(|c| c.id()).collect()
    }
}

impl Serialize for Categories {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter().map(|c| c.id()))
    }
}

impl<'de> Deserialize<'de> for Categories {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let ids: Vec<std::borrow::Cow<'de, str>> = Vec::deserialize(d)?;
        let mut bits = 0;
        for id in ids {
            let c = Category::from_id(&id)
                .ok_or_else(|| serde::de::Error::custom(format!("unknown category id {id:?}")))?;
            bits |= 1 << c.index();
        }
        Ok(Categories(bits))
    }
}

impl PlanItem {
    /// The path's exact bytes.
    pub fn path_bytes(&self) -> Vec<u8> {
        crate::escape::unescape(&self.path).unwrap_or_else(|| self.path.clone().into_bytes())
    }
}

/// Sums over a plan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanTotals {
    pub items: u64,
    pub files: u64,
    /// Apparent bytes in the plan, each inode once.
    pub bytes: u64,
    /// Bytes freed (an estimate: see the module docs).
    pub unique_bytes: u64,
}

/// The options, as the plan records them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanRequest {
    pub tiers: Vec<Tier>,
    pub older_than: Option<String>,
    pub categories: Vec<String>,
    pub chats: Vec<String>,
    pub protect: Vec<String>,
    /// The finding this plan is (`--finding`), if any.
    pub finding: Option<String>,
    /// With `--dupes`: the smallest file compared (bytes); its redundant copies are
    /// items of row `duplicate`. `null` without.
    #[serde(default)]
    pub dupes: Option<u64>,
}

/// A plan: what `plan --format json` writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub schema_version: u32,
    pub tool: Tool,
    pub generated_at: String,
    /// The path given (or `~`).
    pub base: String,
    pub request: PlanRequest,
    pub items: Vec<PlanItem>,
    pub totals: PlanTotals,
    /// Bytes left out because `--protect` was given and they cannot be tied to a chat.
    pub unattributed_bytes_kept: u64,
    /// Why reclaimable bytes are an estimate.
    pub note: String,
}

/// The estimate's caveat, everywhere a reclaimable figure is shown.
pub const ESTIMATE_NOTE: &str = "estimate: bytes whose every hard link is in the plan; \
    APFS clones and links outside the scanned folders can make the real gain smaller";

#[cfg(test)]
mod tests;
