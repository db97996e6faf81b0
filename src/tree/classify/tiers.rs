//! Risk tiers: for every category, and for the folder kinds where it matters, how safe
//! removing a file is, why, and what the user would notice. One table, beside the
//! category rules; `docs/tiers.md` is generated from it, and the plan and the findings
//! read it (see [`crate::plan`]).
//!
//! A file's tier is decided in this order:
//! 1. a database or one of its sidecars (`*.db`, `*.sqlite`, `-wal`, `-shm`, `-journal`,
//!    or SQLite/SQLCipher bytes), wherever it sits: `never`;
//! 2. the first [`KINDS`] row whose folder pattern contains the file;
//! 3. its category's row in [`CATEGORIES`];
//! 4. after the walk, a file of a 3.x account tree whose account has moved to 4.x
//!    ([`LEFTOVER_WECHAT3`]) is `confirm`, unless step 1–3 made it `never`.
//!
//! A redundant copy of a duplicate (`plan --dupes`) is `confirm` ([`DUPLICATE`]),
//! unless step 1–3 made it `never`.

use super::category::Category;
use super::pattern::Pattern;
use super::{strip_sidecar, Scope};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// How careful removing a file has to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    /// WeChat rebuilds it (caches, temp, logs, crash reports).
    Safe,
    /// Your media: planned only when older than a cut-off.
    Careful,
    /// Backups and trees WeChat no longer uses: planned only when asked for by name.
    Confirm,
    /// Never planned: databases, keys, login, configuration, unknown files.
    Never,
}

impl Tier {
    /// Every tier, least careful first.
    pub const ALL: [Tier; 4] = [Tier::Safe, Tier::Careful, Tier::Confirm, Tier::Never];

    /// The stable id (JSON, `--tier`).
    pub fn id(self) -> &'static str {
        match self {
            Tier::Safe => "safe",
            Tier::Careful => "careful",
            Tier::Confirm => "confirm",
            Tier::Never => "never",
        }
    }

    /// Parse a stable id back.
    pub fn from_id(id: &str) -> Option<Tier> {
        Tier::ALL.into_iter().find(|t| t.id() == id)
    }

    /// Its bit in a tier mask.
    pub fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// Why a file has its tier: a row of [`CATEGORIES`], of [`KINDS`], or one of the
/// fixed rows ([`DATABASE`], [`LEFTOVER_WECHAT3`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TierRow {
    /// Stable id of the row (`category:caches`, `kind:old_backup`, `database`, ...).
    pub id: &'static str,
    pub tier: Tier,
    /// One line: why this tier.
    pub reason: &'static str,
    /// What the user would notice once it is gone.
    pub side_effect: &'static str,
}

/// Per category: its default tier.
pub const CATEGORIES: [(Category, TierRow); 18] = {
    use Category as C;
    use Tier as T;
    macro_rules! row {
        ($c:ident, $id:literal, $t:ident, $why:literal, $fx:literal) => {
            (
                C::$c,
                TierRow {
                    id: $id,
                    tier: T::$t,
                    reason: $why,
                    side_effect: $fx,
                },
            )
        };
    }
    [
        row!(
            ChatImages,
            "category:chat-images",
            Careful,
            "pictures sent and received in chats; WeChat keeps no other copy on this Mac",
            "older pictures show as expired in the chat"
        ),
        row!(
            ChatVideos,
            "category:chat-videos",
            Careful,
            "videos sent and received in chats; WeChat keeps no other copy on this Mac",
            "older videos show as expired in the chat"
        ),
        row!(
            ChatVoice,
            "category:chat-voice",
            Careful,
            "voice messages (3.x files; 4.x keeps them in databases, which are never planned)",
            "older voice messages can no longer be played"
        ),
        row!(
            ChatFiles,
            "category:chat-files",
            Careful,
            "documents received in chats",
            "older files show as expired in the chat"
        ),
        row!(
            ChatOther,
            "category:chat-other",
            Careful,
            "other chat attachments (links, mini-program cards, records)",
            "older attachments show as expired in the chat"
        ),
        row!(
            MessageDb,
            "category:message-db",
            Never,
            "message databases: your chat history",
            "history is lost"
        ),
        row!(
            ContactDb,
            "category:contact-db",
            Never,
            "contact and group databases",
            "contacts and group names are lost"
        ),
        row!(
            OtherDb,
            "category:other-db",
            Never,
            "WeChat's other databases and their indexes",
            "WeChat's view of its own files breaks"
        ),
        row!(
            Favorites,
            "category:favorites",
            Confirm,
            "items you saved to Favorites",
            "saved items may need downloading again, if the server still has them"
        ),
        row!(
            Stickers,
            "category:stickers",
            Safe,
            "sticker images WeChat downloads again when a chat shows them",
            "stickers load again when shown"
        ),
        row!(
            Avatars,
            "category:avatars",
            Safe,
            "profile pictures WeChat downloads again",
            "profile pictures load again when shown"
        ),
        row!(
            Moments,
            "category:moments",
            Safe,
            "Moments images and videos WeChat downloads again",
            "Moments load again when opened"
        ),
        row!(
            Backups,
            "category:backups",
            Confirm,
            "chat-history backups: WeChat does not rebuild them",
            "the backup can no longer be restored"
        ),
        row!(
            MiniPrograms,
            "category:mini-programs",
            Safe,
            "mini-program packages and caches, downloaded again when opened",
            "mini-programs load again, and may ask you to log in"
        ),
        row!(
            Caches,
            "category:caches",
            Safe,
            "caches and temporary files WeChat rebuilds",
            "WeChat rebuilds them, a little slower at first"
        ),
        row!(
            Logs,
            "category:logs",
            Safe,
            "logs and crash reports, written for WeChat's own diagnostics",
            "none for you"
        ),
        row!(
            Config,
            "category:config",
            Never,
            "settings, keys and login state",
            "WeChat forgets settings or logs you out"
        ),
        row!(
            Other,
            "category:other",
            Never,
            "files no rule knows: unknown bytes are never planned",
            "unknown"
        ),
    ]
};

/// A database or one of its sidecars, wherever it sits (even inside a `confirm` tree).
pub const DATABASE: TierRow = TierRow {
    id: "database",
    tier: Tier::Never,
    reason: "a database or its -wal/-shm/-journal: WeChat cannot rebuild it, and its index files point at it",
    side_effect: "history, settings or WeChat's own bookkeeping is lost",
};

/// The 3.x tree of an account that moved to 4.x (decided after the walk).
pub const LEFTOVER_WECHAT3: TierRow = TierRow {
    id: "kind:leftover-wechat3",
    tier: Tier::Confirm,
    reason: "WeChat 3.x data of an account that has moved to 4.x; WeChat 4 does not read it",
    side_effect:
        "3.x media and files no longer on this Mac; 4.x keeps its own copies of what it migrated",
};

/// A copy of a file whose bytes are also elsewhere (`plan --dupes`, with the copy that
/// stays named in the item's reason).
pub const DUPLICATE: TierRow = TierRow {
    id: "duplicate",
    tier: Tier::Confirm,
    reason: "the same bytes (BLAKE3 of the whole file) are in a copy that stays",
    side_effect: "the message this copy belongs to loses its file (WeChat may show it as expired); the copy that stays is not touched",
};

/// A folder kind that overrides the category's tier for everything inside it.
#[derive(Debug)]
pub struct Kind {
    pub scope: Scope,
    /// Folder pattern (see [`super::pattern`]), ending in `/**`.
    pub pattern: &'static str,
    pub row: TierRow,
    /// A container-relative example of a file inside it (checked by a test).
    #[cfg_attr(not(test), expect(dead_code, reason = "read by the tests"))]
    pub example: &'static str,
}

macro_rules! kind {
    ($scope:ident, $pat:literal, $id:literal, $t:ident, $why:literal, $fx:literal, $ex:literal) => {
        Kind {
            scope: Scope::$scope,
            pattern: $pat,
            row: TierRow {
                id: $id,
                tier: Tier::$t,
                reason: $why,
                side_effect: $fx,
            },
            example: $ex,
        }
    };
}

/// Folder kinds, first match wins (before the category's row).
pub const KINDS: &[Kind] = &[
    kind!(V4, "db_storage/**", "kind:db_storage", Never,
        "4.x databases and what sits beside them", "history and WeChat's bookkeeping are lost",
        "Data/Documents/xwechat_files/wxid_a1_9f3c/db_storage/head_image/x.bin"),
    kind!(V4Root, "all_users/login/**", "kind:login", Never,
        "accounts that logged in on this Mac, and their login state", "you are logged out",
        "Data/Documents/xwechat_files/all_users/login/wxid_a1/key_info.dat"),
    kind!(Data, "Documents/app_data/login/**", "kind:login", Never,
        "login state", "you are logged out",
        "Data/Documents/app_data/login/x.dat"),
    kind!(V3, "{KeyValue,MMappedKV}/**", "kind:keys", Never,
        "3.x key-value stores: keys and account settings", "WeChat 3.x forgets the account's settings",
        "Data/Library/Application Support/com.tencent.xinWeChat/2.0b4.0.9/KeyValue/1d35a41b3adb8b335cc59362ad55ee88/x.bin"),
    kind!(V4Root, "old_backup/**", "kind:old_backup", Confirm,
        "the chat-history backup the move from 3.x to 4.x left behind; not a cache", "that backup can no longer be restored",
        "Data/Documents/xwechat_files/old_backup/0a1b2c3d/2F1E3D4C-0000-4000-8000-000000000001/BAK_0_MEDIA"),
    kind!(V4Root, "Backup/**", "kind:backup", Confirm,
        "chat-history backups made by WeChat 4.x", "the backup can no longer be restored",
        "Data/Documents/xwechat_files/Backup/0a1b2c3d/BAK_0_MEDIA"),
    kind!(V3, "Backup/**", "kind:backup-wechat3", Confirm,
        "chat-history backups made by WeChat 3.x", "the backup can no longer be restored",
        "Data/Library/Application Support/com.tencent.xinWeChat/2.0b4.0.9/Backup/1d35a41b3adb8b335cc59362ad55ee88/0123456789abcdef/BAK_0_MEDIA"),
    kind!(V4, "msg/migrate/**", "kind:migrate", Confirm,
        "history being moved between devices", "the move cannot be resumed",
        "Data/Documents/xwechat_files/wxid_a1_9f3c/msg/migrate/BAK_0_MEDIA"),
    kind!(V4, "cache/*/Message/**", "kind:chat-cache", Safe,
        "copies of chat media WeChat made to show them; rebuilt from msg/ or downloaded again", "pictures load again when a chat shows them",
        "Data/Documents/xwechat_files/wxid_a1_9f3c/cache/2024-05/Message/9e20f478899dc29eb19741386f9343c8/a.jpg"),
    kind!(V4, "temp/RWTemp/**", "kind:chat-cache", Safe,
        "copies of chat media WeChat made to show them; rebuilt from msg/ or downloaded again", "pictures load again when a chat shows them",
        "Data/Documents/xwechat_files/wxid_a1_9f3c/temp/RWTemp/2024-05/9e20f478899dc29eb19741386f9343c8/a.jpg"),
];

/// The default tier row of a category.
pub fn category_row(c: Category) -> &'static TierRow {
    &CATEGORIES[c.index()].1
}

fn compiled() -> &'static [Pattern] {
    static C: OnceLock<Vec<Pattern>> = OnceLock::new();
    C.get_or_init(|| KINDS.iter().map(|k| Pattern::new(k.pattern)).collect())
}

/// Stands for "any file name" (no literal segment of a pattern equals it).
const ANY_NAME: &str = "\0";

/// The folder kind of a folder (its canonical, container-relative path), if any.
pub fn folder_kind(canonical_dir: &str) -> Option<&'static Kind> {
    // Split once, on the stack (this runs once per folder, in the walk and the plan).
    let (mut stack, mut heap) = ([""; super::STACK_SEGS], Vec::new());
    let segs = super::collect_segs(
        canonical_dir
            .split('/')
            .filter(|s| !s.is_empty())
            .chain(std::iter::once(ANY_NAME)),
        &mut stack,
        &mut heap,
    );
    let parts = super::split(segs);
    let pats = compiled();
    KINDS.iter().zip(pats).find_map(|(k, p)| {
        super::scope_rel(k.scope, segs, &parts)
            .is_some_and(|rel| p.matches(rel))
            .then_some(k)
    })
}

/// Whether a file is a database or one of its sidecars, by name or by its first
/// bytes' type (`kind` from [`crate::tree::sniff::file_type`]).
pub fn is_database(name: &str, kind: &str) -> bool {
    if kind.starts_with("sqlite") || kind == "sqlcipher" {
        return true;
    }
    let stem = strip_sidecar(name);
    if stem.len() != name.len() {
        return true;
    }
    // Case-insensitive suffix test without a lowered copy (this runs per file).
    let stem = stem.as_bytes();
    [".db", ".sqlite", ".sqlite3", ".db3", ".sqlitedb"]
        .iter()
        .any(|e| {
            stem.len() >= e.len() && stem[stem.len() - e.len()..].eq_ignore_ascii_case(e.as_bytes())
        })
}

/// A file's tier row, before the leftover-3.x promotion: `folder` is its folder's
/// [`folder_kind`], `kind` its file type (`""` when unknown). Unknown files
/// (`other`) are `never` wherever they are.
pub fn file_row(
    category: Category,
    folder: Option<&'static Kind>,
    name: &str,
    kind: &str,
) -> &'static TierRow {
    if is_database(name, kind) {
        return &DATABASE;
    }
    if category == Category::Other {
        return category_row(category);
    }
    match folder {
        Some(k) => &k.row,
        None => category_row(category),
    }
}

/// The tier after the leftover-3.x promotion.
pub fn effective(tier: Tier, leftover: bool) -> Tier {
    if leftover && tier != Tier::Never {
        Tier::Confirm
    } else {
        tier
    }
}
