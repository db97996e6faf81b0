//! Database roles: which WeChat database a path is, as data.
//!
//! An ordered rule table (first match wins) maps a canonical,
//! container-relative, `/`-separated path to a stable role id, a human label,
//! the WeChat generation, the expected storage format and the page size the
//! encrypted file is expected to use (layout doc §2.2, §2.4, §3.3, §3.4).
//! Rules match the trailing path segments, anchored on the 3.x account dir
//! (32 lowercase hex) or the 4.x `db_storage` dir, so a stray `msg_1.db`
//! elsewhere is not taken for a chat shard. SQLite sidecars (`-wal`, `-shm`,
//! `-journal`) map to the role of their database. Pure: no I/O.

use serde::Serialize;

/// Which WeChat generation wrote the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Generation {
    /// WeChat 2.x/3.x (`Application Support/com.tencent.xinWeChat/2.0b4.0.9/<md5>/`).
    V3,
    /// WeChat 4.x (`Documents/xwechat_files/<wxid>_<4hex>/db_storage/`).
    V4,
    /// Written by macOS frameworks on WeChat's behalf (NSURLCache, HTTP storage).
    System,
}

/// On-disk format expected for the role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DbFormat {
    /// WCDB / SQLCipher 3 codec (3.x).
    Sqlcipher3,
    /// WCDB / SQLCipher 4 codec (4.x).
    Sqlcipher4,
    /// Plain SQLite (`SQLite format 3\0` magic).
    Plaintext,
    /// Encrypted, parameters not known.
    Encrypted,
}

/// The role of one database file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DbRole {
    /// Stable machine id, e.g. `message-shard`.
    pub id: &'static str,
    /// Human label, e.g. `chat messages`.
    pub label: &'static str,
    pub generation: Generation,
    pub format: DbFormat,
    /// Shard number for sharded stores (`msg_<n>.db`, `message_<n>.db`, ...).
    pub shard: Option<u32>,
}

/// How one path segment is matched.
#[derive(Debug, Clone, Copy)]
enum Seg {
    /// Exactly this name.
    Lit(&'static str),
    /// Any of these names.
    OneOf(&'static [&'static str]),
    /// 32 lowercase hex digits (3.x account dir, md5 of the wxid).
    Hex32,
    /// Any single segment.
    Any,
    /// `<prefix><decimal n><suffix>`; `n` becomes the shard.
    Shard(&'static str, &'static str),
    /// A name ending in this suffix.
    Suffix(&'static str),
    /// A name containing `needle` and ending in `suffix`.
    ContainsSuffix(&'static str, &'static str),
}

/// One row of the table. `segs` match the last `segs.len()` path segments.
struct Rule {
    id: &'static str,
    label: &'static str,
    generation: Generation,
    format: DbFormat,
    page_size: Option<u32>,
    segs: &'static [Seg],
    /// A path this rule must match; checked by the unit tests.
    #[cfg_attr(not(test), allow(dead_code))]
    example: &'static str,
}

use DbFormat::{Encrypted, Plaintext, Sqlcipher3, Sqlcipher4};
use Generation::{System, V3, V4};
use Seg::{Any, ContainsSuffix, Hex32, Lit, OneOf, Shard, Suffix};

/// Example 3.x account dir, used by the rule examples.
macro_rules! v3_account {
    () => {
        "Data/Library/Application Support/com.tencent.xinWeChat/2.0b4.0.9/1d35a41b3adb8b335cc59362ad55ee88"
    };
}
/// Example 4.x `db_storage` dir, used by the rule examples.
macro_rules! v4_storage {
    () => {
        "Data/Documents/xwechat_files/wxid_abc_1a2b/db_storage"
    };
}

macro_rules! rule {
    ($id:literal, $label:literal, $g:expr, $fmt:expr, $ps:expr, [$($seg:expr),+ $(,)?], $ex:expr $(,)?) => {
        Rule {
            id: $id,
            label: $label,
            generation: $g,
            format: $fmt,
            page_size: $ps,
            segs: &[$($seg),+],
            example: $ex,
        }
    };
}

/// 3.x main databases: page 1024 (§2.4); WebTemplate and mediaData: 4096.
const P1K: Option<u32> = Some(1024);
/// 4.x databases: page 4096 (§3.4); also the 3.x exceptions.
const P4K: Option<u32> = Some(4096);

#[rustfmt::skip]
static RULES: &[Rule] = &[
    // ---- WeChat 3.x, relative to the account dir <md5(wxid)>/ (§2.2) ----
    // [V] D1, C2, Y1
    rule!("message-shard", "chat messages", V3, Sqlcipher3, P1K,
        [Hex32, Lit("Message"), Shard("msg_", ".db")],
        concat!(v3_account!(), "/Message/msg_3.db")),
    // [V] D1; Y1 (PBKDF2 key)
    rule!("message-fts", "full-text index of messages", V3, Sqlcipher3, P1K,
        [Hex32, Lit("Message"), Lit("fts"), Lit("ftsmessage.db")],
        concat!(v3_account!(), "/Message/fts/ftsmessage.db")),
    // [V] D1; Y1
    rule!("file-message-fts", "full-text index of file messages", V3, Sqlcipher3, P1K,
        [Hex32, Lit("Message"), Lit("ftsfile"), Lit("ftsfilemessage.db")],
        concat!(v3_account!(), "/Message/ftsfile/ftsfilemessage.db")),
    // [V] D1
    rule!("file-message-index", "file-message index", V3, Sqlcipher3, P1K,
        [Hex32, Lit("Message"), Lit("fileMsg.db")],
        concat!(v3_account!(), "/Message/fileMsg.db")),
    // [V] D1, C2 (one D1 listing spells the dir IContact/)
    rule!("contacts", "contacts", V3, Sqlcipher3, P1K,
        [Hex32, OneOf(&["Contact", "IContact"]), Lit("wccontact_new2.db")],
        concat!(v3_account!(), "/Contact/wccontact_new2.db")),
    // [V] D1, C2 (also IGroup/)
    rule!("groups", "groups and members", V3, Sqlcipher3, P1K,
        [Hex32, OneOf(&["Group", "IGroup"]), Lit("group_new.db")],
        concat!(v3_account!(), "/Group/group_new.db")),
    // [V] D1, C2, Z1
    rule!("sessions", "conversation list", V3, Sqlcipher3, P1K,
        [Hex32, Lit("Session"), Lit("session_new.db")],
        concat!(v3_account!(), "/Session/session_new.db")),
    // [V] W1, C2
    rule!("hardlink-index", "media hard-link index", V3, Sqlcipher3, P1K,
        [Hex32, Lit("Hardlink"), Lit("hldata.db")],
        concat!(v3_account!(), "/Hardlink/hldata.db")),
    // [V] D1
    rule!("favorites", "favorites", V3, Sqlcipher3, P1K,
        [Hex32, Lit("Favorites"), Lit("favorites.db")],
        concat!(v3_account!(), "/Favorites/favorites.db")),
    // [V] D1, W1
    rule!("stickers", "sticker metadata", V3, Sqlcipher3, P1K,
        [Hex32, Lit("Stickers"), Lit("stickers.db")],
        concat!(v3_account!(), "/Stickers/stickers.db")),
    // [V] D1
    rule!("file-state-sync", "file download/sync state", V3, Sqlcipher3, P1K,
        [Hex32, Lit("FileStateSync"), Lit("filestatesync.db")],
        concat!(v3_account!(), "/FileStateSync/filestatesync.db")),
    // [V] D1
    rule!("account-state", "account-level state", V3, Sqlcipher3, P1K,
        [Hex32, Lit("Account"), Lit("Beta.db")],
        concat!(v3_account!(), "/Account/Beta.db")),
    // [V] D1; Y1 (may need another key)
    rule!("chat-sync", "chat sync state", V3, Encrypted, P1K,
        [Hex32, Lit("ChatSync"), Lit("ChatSync.db")],
        concat!(v3_account!(), "/ChatSync/ChatSync.db")),
    // [V] D1
    rule!("revoked-messages", "recalled messages", V3, Sqlcipher3, P1K,
        [Hex32, Lit("RevokeMsg"), Lit("revokemsg.db")],
        concat!(v3_account!(), "/RevokeMsg/revokemsg.db")),
    // [V] D1: openim_oplog.db, oplog_1.1.db
    rule!("sync-oplog", "sync operation log", V3, Sqlcipher3, P1K,
        [Hex32, Lit("Sync"), ContainsSuffix("oplog", ".db")],
        concat!(v3_account!(), "/Sync/oplog_1.1.db")),
    // [V] D1
    rule!("live", "live streaming", V3, Sqlcipher3, P1K,
        [Hex32, Lit("MMLive"), Suffix(".db")],
        concat!(v3_account!(), "/MMLive/live_main.db")),
    // [V] D1 path; Y1 plaintext. Plain SQLite: the header gives the page size.
    rule!("solitaire", "group sign-up lists (solitaire)", V3, Plaintext, None,
        [Hex32, Lit("solitaire"), Suffix(".db")],
        concat!(v3_account!(), "/solitaire/solitaire_chat.db")),
    // [V] D1 path; Y1 plaintext
    rule!("voip-multitalk", "group calls", V3, Plaintext, None,
        [Hex32, Lit("voip"), Lit("multiTalk"), Suffix(".db")],
        concat!(v3_account!(), "/voip/multiTalk/multiTalk.db")),
    // [V] Y1: page 4096, raw key
    rule!("web-template", "web templates", V3, Sqlcipher3, P4K,
        [Hex32, Lit("WebTemplate"), Suffix(".db")],
        concat!(v3_account!(), "/WebTemplate/webtemplate.db")),
    // [V] D1
    rule!("moments", "Moments cache", V3, Sqlcipher3, P1K,
        [Hex32, Lit("Sns"), Lit("Data"), Lit("sns.db")],
        concat!(v3_account!(), "/Sns/Data/sns.db")),
    // ---- WeChat 3.x, relative to the version dir 2.0b4.0.9/ (§2.1) ----
    // [V] D1
    rule!("key-value", "key-value store", V3, Sqlcipher3, P1K,
        [Lit("KeyValue"), Hex32, Lit("KeyValue.db")],
        "Data/Library/Application Support/com.tencent.xinWeChat/2.0b4.0.9/KeyValue/1d35a41b3adb8b335cc59362ad55ee88/KeyValue.db"),
    // [V] D1 (<id> is 16-hex or a UUID)
    rule!("chat-backup", "phone-to-Mac chat backup", V3, Sqlcipher3, P1K,
        [Lit("Backup"), Hex32, Any, Lit("Backup.db")],
        "Data/Library/Application Support/com.tencent.xinWeChat/2.0b4.0.9/Backup/1d35a41b3adb8b335cc59362ad55ee88/0123456789abcdef/Backup.db"),
    // [R] Y1: page 4096, PBKDF2 key; directory not given, so matched by name.
    rule!("media-data", "media data", V3, Sqlcipher3, P4K,
        [Lit("mediaData.db")],
        concat!(v3_account!(), "/MMResource/mediaData.db")),
    // ---- WeChat 4.x, under db_storage/ (§3.3) ----
    // [V] G1, C3, X1
    rule!("message-shard", "chat messages", V4, Sqlcipher4, P4K,
        [Lit("db_storage"), Lit("message"), Shard("message_", ".db")],
        concat!(v4_storage!(), "/message/message_0.db")),
    // [V] G1, X1
    rule!("business-message-shard", "official-account/business messages", V4, Sqlcipher4, P4K,
        [Lit("db_storage"), Lit("message"), Shard("biz_message_", ".db")],
        concat!(v4_storage!(), "/message/biz_message_1.db")),
    // [V] G1, X1, C3: VoiceInfo SILK blobs
    rule!("voice-media-shard", "voice messages and media blobs", V4, Sqlcipher4, P4K,
        [Lit("db_storage"), Lit("message"), Shard("media_", ".db")],
        concat!(v4_storage!(), "/message/media_0.db")),
    // [V] G1
    rule!("message-resource", "message-to-media index", V4, Sqlcipher4, P4K,
        [Lit("db_storage"), Lit("message"), Lit("message_resource.db")],
        concat!(v4_storage!(), "/message/message_resource.db")),
    // [V] G1, X1
    rule!("message-fts", "full-text index of messages", V4, Sqlcipher4, P4K,
        [Lit("db_storage"), Lit("message"), Lit("message_fts.db")],
        concat!(v4_storage!(), "/message/message_fts.db")),
    // [V] X1
    rule!("revoked-messages", "recalled messages", V4, Sqlcipher4, P4K,
        [Lit("db_storage"), Lit("message"), Lit("message_revoke.db")],
        concat!(v4_storage!(), "/message/message_revoke.db")),
    // [V] G1, X1
    rule!("contacts", "contacts", V4, Sqlcipher4, P4K,
        [Lit("db_storage"), Lit("contact"), Lit("contact.db")],
        concat!(v4_storage!(), "/contact/contact.db")),
    // [V] G1
    rule!("contact-fts", "full-text index of contacts", V4, Sqlcipher4, P4K,
        [Lit("db_storage"), Lit("contact"), Lit("contact_fts.db")],
        concat!(v4_storage!(), "/contact/contact_fts.db")),
    // [V] G1, X1
    rule!("sessions", "conversation list", V4, Sqlcipher4, P4K,
        [Lit("db_storage"), Lit("session"), Lit("session.db")],
        concat!(v4_storage!(), "/session/session.db")),
    // [V] C3, X1, G1
    rule!("hardlink-index", "media hard-link index", V4, Sqlcipher4, P4K,
        [Lit("db_storage"), Lit("hardlink"), Lit("hardlink.db")],
        concat!(v4_storage!(), "/hardlink/hardlink.db")),
    // [V] G1, X1: avatar bytes live in the DB
    rule!("avatars", "avatars (image bytes)", V4, Sqlcipher4, P4K,
        [Lit("db_storage"), Lit("head_image"), Lit("head_image.db")],
        concat!(v4_storage!(), "/head_image/head_image.db")),
    // [V] G1, X1: favorite.db, favorite_fts.db
    rule!("favorites", "favorites", V4, Sqlcipher4, P4K,
        [Lit("db_storage"), Lit("favorite"), Suffix(".db")],
        concat!(v4_storage!(), "/favorite/favorite.db")),
    // [V] G1, X1
    rule!("stickers", "sticker packages", V4, Sqlcipher4, P4K,
        [Lit("db_storage"), Lit("emoticon"), Lit("emoticon.db")],
        concat!(v4_storage!(), "/emoticon/emoticon.db")),
    // [V] G1, X1
    rule!("moments", "Moments cache", V4, Sqlcipher4, P4K,
        [Lit("db_storage"), Lit("sns"), Lit("sns.db")],
        concat!(v4_storage!(), "/sns/sns.db")),
    // [V] G1; U14
    rule!("general", "friend requests, payments, mini-programs", V4, Sqlcipher4, P4K,
        [Lit("db_storage"), Lit("general"), Lit("general.db")],
        concat!(v4_storage!(), "/general/general.db")),
    // [V] G1
    rule!("solitaire", "group sign-up lists (solitaire)", V4, Sqlcipher4, P4K,
        [Lit("db_storage"), Lit("solitaire"), Lit("solitaire.db")],
        concat!(v4_storage!(), "/solitaire/solitaire.db")),
    // [V] G1
    rule!("business-chat", "business chats", V4, Sqlcipher4, P4K,
        [Lit("db_storage"), Lit("bizchat"), Lit("bizchat.db")],
        concat!(v4_storage!(), "/bizchat/bizchat.db")),
    // [V] G1
    rule!("chatbot", "chatbot messages", V4, Sqlcipher4, P4K,
        [Lit("db_storage"), Lit("chatbot"), Lit("chatbot_message.db")],
        concat!(v4_storage!(), "/chatbot/chatbot_message.db")),
    // ---- WeChat 4.x, outside the account dir (§3.1, §3.4) ----
    // [V] U15, X1: read with plain sqlite3 by several tools
    rule!("login-keys", "login key info", V4, Plaintext, None,
        [Lit("all_users"), Lit("login"), Any, Lit("key_info.db")],
        "Data/Documents/xwechat_files/all_users/login/wxid_abc/key_info.db"),
    // ---- macOS frameworks (§1, §2.5) ----
    // [V] L2 path; NSURLCache store [I]
    rule!("url-cache", "URL cache (NSURLCache)", System, Plaintext, None,
        [Lit("Caches"), Any, Lit("Cache.db")],
        "Data/Library/Caches/com.tencent.xinWeChat/Cache.db"),
    // [V] L2
    rule!("http-storage", "cookies and HTTP storage", System, Plaintext, None,
        [Lit("HTTPStorages"), Any, Lit("httpstorages.sqlite")],
        "Data/Library/HTTPStorages/com.tencent.xinWeChat/httpstorages.sqlite"),
];

fn is_hex32(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Parses `<prefix><n><suffix>`; `n` must be 1..=9 ASCII digits.
fn shard_of(name: &str, prefix: &str, suffix: &str) -> Option<u32> {
    let digits = name.strip_prefix(prefix)?.strip_suffix(suffix)?;
    if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Matches one segment; `Ok(Some(n))` carries a shard number.
fn seg_matches(seg: Seg, name: &str) -> Option<Option<u32>> {
    let ok = match seg {
        Lit(l) => name == l,
        OneOf(ls) => ls.contains(&name),
        Hex32 => is_hex32(name),
        Any => !name.is_empty(),
        Shard(p, s) => return shard_of(name, p, s).map(Some),
        Suffix(s) => name.len() > s.len() && name.ends_with(s),
        ContainsSuffix(n, s) => {
            name.len() > s.len() && name.ends_with(s) && name[..name.len() - s.len()].contains(n)
        }
    };
    ok.then_some(None)
}

/// Strips a SQLite sidecar suffix so `x.db-wal` maps like `x.db`.
fn strip_sidecar(name: &str) -> &str {
    for s in ["-wal", "-shm", "-journal"] {
        if let Some(base) = name.strip_suffix(s) {
            if !base.is_empty() {
                return base;
            }
        }
    }
    name
}

fn find_rule(canonical_path: &str) -> Option<(&'static Rule, Option<u32>)> {
    let mut segs: Vec<&str> = canonical_path
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let last = segs.pop()?;
    segs.push(strip_sidecar(last));
    'rules: for rule in RULES {
        if rule.segs.len() > segs.len() {
            continue;
        }
        let tail = &segs[segs.len() - rule.segs.len()..];
        let mut shard = None;
        for (seg, name) in rule.segs.iter().zip(tail) {
            match seg_matches(*seg, name) {
                Some(Some(n)) => shard = Some(n),
                Some(None) => {}
                None => continue 'rules,
            }
        }
        return Some((rule, shard));
    }
    None
}

/// The role of the database at `canonical_path` (container-relative,
/// `/`-separated), or `None` when no rule knows it. Sidecars map to their
/// database.
pub fn db_role(canonical_path: &str) -> Option<DbRole> {
    find_rule(canonical_path).map(|(r, shard)| DbRole {
        id: r.id,
        label: r.label,
        generation: r.generation,
        format: r.format,
        shard,
    })
}

/// The page size an encrypted database at this path is expected to use
/// (3.x: 1024, except WebTemplate and mediaData 4096; 4.x: 4096). `None`
/// for unknown paths and for plaintext roles, whose header says it.
pub fn expected_page_size(canonical_path: &str) -> Option<u32> {
    find_rule(canonical_path).and_then(|(r, _)| r.page_size)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    const V3_ROOT: &str = v3_account!();
    const V4_ROOT: &str = v4_storage!();

    /// The walker picks database candidates by extension alone (see
    /// `tree::aggregate::candidates::file`); that is only right while every role's
    /// file name has one.
    #[test]
    fn every_role_names_a_file_with_a_database_extension() {
        for rule in RULES {
            let name = rule.example.rsplit('/').next().unwrap();
            assert!(
                [".db", ".sqlite", ".sqlite3"]
                    .iter()
                    .any(|e| name.ends_with(e)),
                "{} has no database extension",
                rule.example
            );
        }
    }

    #[test]
    fn every_example_maps_to_its_own_rule() {
        for (i, rule) in RULES.iter().enumerate() {
            let (got, _) = find_rule(rule.example)
                .unwrap_or_else(|| panic!("example of {} matches nothing", rule.id));
            assert!(
                std::ptr::eq(got, rule),
                "example {} of rule #{i} ({}) maps to {}",
                rule.example,
                rule.id,
                got.id
            );
            for side in ["-wal", "-shm", "-journal"] {
                let p = format!("{}{side}", rule.example);
                let (g, _) = find_rule(&p).unwrap();
                assert!(std::ptr::eq(g, rule), "{p}");
            }
        }
    }

    #[test]
    fn ids_are_kebab_case_and_rules_are_unique_per_generation() {
        let mut seen = std::collections::BTreeSet::new();
        for r in RULES {
            assert!(
                r.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{}",
                r.id
            );
            assert!(seen.insert((r.id, r.generation as u8, r.example)));
        }
    }

    #[test]
    fn shards() {
        let r = db_role(&format!("{V3_ROOT}/Message/msg_3.db")).unwrap();
        assert_eq!(
            (r.id, r.shard, r.generation),
            ("message-shard", Some(3), V3)
        );
        let r = db_role(&format!("{V4_ROOT}/message/message_12.db-wal")).unwrap();
        assert_eq!(
            (r.id, r.shard, r.generation),
            ("message-shard", Some(12), V4)
        );
        let r = db_role(&format!("{V4_ROOT}/message/biz_message_0.db")).unwrap();
        assert_eq!((r.id, r.shard), ("business-message-shard", Some(0)));
        let r = db_role(&format!("{V4_ROOT}/message/media_2.db-shm")).unwrap();
        assert_eq!((r.id, r.shard), ("voice-media-shard", Some(2)));
        // Not shards: no digits, non-digits, too many digits.
        assert!(db_role(&format!("{V3_ROOT}/Message/msg_.db")).is_none());
        assert!(db_role(&format!("{V3_ROOT}/Message/msg_x.db")).is_none());
        assert!(db_role(&format!("{V3_ROOT}/Message/msg_1234567890.db")).is_none());
        assert!(db_role(&format!("{V3_ROOT}/Message/msg_3.dbx")).is_none());
    }

    #[test]
    fn anchoring() {
        // Right name, wrong place: no account dir / no db_storage.
        assert!(db_role("tmp/Message/msg_3.db").is_none());
        assert!(db_role("Data/Documents/message/message_0.db").is_none());
        assert!(db_role(&format!("{V3_ROOT}/Message/MessageTemp/abc/msg_3.db")).is_none());
        // Uppercase hex is not an md5 account dir.
        assert!(db_role("2.0b4.0.9/1D35A41B3ADB8B335CC59362AD55EE88/Message/msg_3.db").is_none());
        assert!(db_role("").is_none());
        assert!(db_role("/").is_none());
        assert!(db_role("-wal").is_none());
        // Sidecar of nothing does not strip to an empty name.
        assert!(db_role(&format!("{V3_ROOT}/Message/-journal")).is_none());
    }

    #[test]
    fn page_sizes() {
        assert_eq!(
            expected_page_size(&format!("{V3_ROOT}/Message/msg_0.db")),
            Some(1024)
        );
        assert_eq!(
            expected_page_size(&format!("{V3_ROOT}/WebTemplate/webtemplate.db")),
            Some(4096)
        );
        assert_eq!(
            expected_page_size(&format!("{V3_ROOT}/Anything/mediaData.db")),
            Some(4096)
        );
        assert_eq!(
            expected_page_size(&format!("{V4_ROOT}/session/session.db")),
            Some(4096)
        );
        assert_eq!(
            expected_page_size("Data/Library/Caches/com.tencent.xinWeChat/Cache.db"),
            None
        );
        assert_eq!(expected_page_size("nope.db"), None);
        for r in RULES {
            match (r.generation, r.format) {
                (_, Plaintext) => assert_eq!(r.page_size, None, "{}", r.id),
                (V4, _) => assert_eq!(r.page_size, Some(4096), "{}", r.id),
                (V3, _) => assert!(matches!(r.page_size, Some(1024 | 4096)), "{}", r.id),
                (System, _) => {}
            }
        }
    }

    #[test]
    fn roles_serialize() {
        let r =
            db_role("Data/Library/HTTPStorages/com.tencent.xinWeChat/httpstorages.sqlite").unwrap();
        let j = serde_json::to_value(r).unwrap();
        assert_eq!(j["id"], "http-storage");
        assert_eq!(j["generation"], "system");
        assert_eq!(j["format"], "plaintext");
        assert!(j["shard"].is_null());
    }
}
