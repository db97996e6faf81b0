//! Names for chats and accounts without a key: WeChat's fixed system usernames (the
//! data table [`SYSTEM_CHATS`], also `docs/system-chats.md`), the usernames of a
//! `--names` file, and the pass ([`label`]) that puts them on the report's chats and
//! accounts.
//!
//! Chat folders and 3.x account folders are named md5(username) in lowercase hex
//! (`next-capabilities.md` §A.4), and a 4.x account folder is `<wxid>_<4 hex>`, so a
//! known username names a folder by its md5. Each label says where it came from
//! ([`LabelSource`]): the system table, the `--names` file, or, with the owner's key,
//! the contact databases ([`super::keyed`]). Pure: no I/O.

use super::{AccountSeen, AccountTotals, ChatTotals, Report};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One of WeChat's fixed system usernames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SystemChat {
    pub username: &'static str,
    /// md5(username), lowercase hex: the name of its chat folders (a test recomputes it).
    pub md5: &'static str,
    /// What the report shows.
    pub label: &'static str,
    /// WeChat's Chinese UI name, where known (empty otherwise).
    pub zh: &'static str,
}

macro_rules! sys {
    ($u:literal, $md5:literal, $label:literal, $zh:literal) => {
        SystemChat {
            username: $u,
            md5: $md5,
            label: $label,
            zh: $zh,
        }
    };
}

/// WeChat's fixed system usernames (`next-capabilities.md` §B.2: usernames from WeChat
/// client code lists; labels are the common UI names; "(system)" where none is known).
pub const SYSTEM_CHATS: &[SystemChat] = &[
    sys!(
        "filehelper",
        "9e20f478899dc29eb19741386f9343c8",
        "File Transfer",
        "文件传输助手"
    ),
    sys!(
        "weixin",
        "c196266f837d14e0b693f961bee37b66",
        "WeChat Team",
        "微信团队"
    ),
    sys!(
        "newsapp",
        "ffcc9697ac3309e93d80f7773b133f88",
        "Tencent News",
        "腾讯新闻"
    ),
    sys!(
        "notification_messages",
        "5a7f6c6bdcf1825ccc5fb0007535a694",
        "Service Notifications (old)",
        "服务通知"
    ),
    sys!(
        "mphelper",
        "03bbbc131de7fa2f8b53f67eff5abc89",
        "Official Accounts Security Assistant",
        "公众平台安全助手"
    ),
    sys!(
        "masssendapp",
        "a971a8ea24a72bb45e64826275fc017f",
        "Broadcast Messages",
        "群发助手"
    ),
    sys!(
        "exmail_tool",
        "f609e8364d7d2e09cc229149079efd76",
        "Tencent Exmail",
        "腾讯企业邮箱"
    ),
    sys!(
        "weixinguanhaozhushou",
        "95fc41c839f5aac69f77308240b393a0",
        "Official Account Helper",
        ""
    ),
    sys!(
        "notifymessage",
        "4097417aa41806d65f17e32e50e2ff79",
        "Service Notifications",
        "服务通知"
    ),
    sys!(
        "brandsessionholder",
        "0823e76e52949b881e65b0758032053a",
        "Subscriptions",
        "订阅号消息"
    ),
    sys!(
        "brandservicesessionholder",
        "1904b3153a56cc2f6f281210401013f6",
        "Service Accounts",
        "服务号"
    ),
    sys!(
        "@placeholder_foldgroup",
        "834d91bf64ea6f3e74b9fbafd7573821",
        "Folded Group Chats",
        "折叠的群聊"
    ),
    sys!(
        "opencustomerservicemsg",
        "61786f3a85535f939e42bee1eeef1b50",
        "Customer Service Messages",
        "客服消息"
    ),
    sys!(
        "fmessage",
        "962df025475d4ce521192751df4ebbfc",
        "Friend Recommendations",
        "朋友推荐消息"
    ),
    sys!(
        "medianote",
        "b35639f0c79a647c3bb7c0edd7f6ea12",
        "Voice Notes",
        "语音记事本"
    ),
    sys!(
        "floatbottle",
        "a5a3cd5b936b30050d49feb096c673f1",
        "Drift Bottle",
        "漂流瓶"
    ),
    sys!(
        "qqmail",
        "5ef62ce2a073af8b87de04269f45ba7c",
        "QQ Mail Notifications",
        "QQ邮箱提醒"
    ),
    sys!(
        "qmessage",
        "2272e8681ee2cd4fc514de95fabc0776",
        "QQ Offline Messages",
        "QQ离线消息"
    ),
    sys!(
        "tmessage",
        "80bd518a10bed95de77022c0e096bc13",
        "tmessage (system)",
        ""
    ),
    sys!(
        "qqsync",
        "600569d150e2d50da47aaccffe4d9ae0",
        "Contacts Sync Assistant",
        "通讯录同步助手"
    ),
    sys!(
        "lbsapp",
        "5e8559273534bf7c44a19782b01d03a7",
        "People Nearby",
        "附近的人"
    ),
    sys!(
        "shakeapp",
        "e31932e82c2ca309a7086f42b83a3a43",
        "Shake",
        "摇一摇"
    ),
    sys!(
        "qqfriend",
        "14b9a530612ea23fdf500a25c0c6eea5",
        "qqfriend (system)",
        ""
    ),
    sys!(
        "readerapp",
        "97de8359a800438cc7e823783b2e3fe0",
        "readerapp (system)",
        ""
    ),
    sys!(
        "blogapp",
        "ddf125898a7753b2437df121b774a87b",
        "blogapp (system)",
        ""
    ),
    sys!(
        "facebookapp",
        "098ed329365f35baad85e03cafdc6928",
        "facebookapp (system)",
        ""
    ),
    sys!(
        "meishiapp",
        "4ed896879c7be80688fadb4909d5e625",
        "meishiapp (system)",
        ""
    ),
    sys!(
        "feedsapp",
        "2b194295664e3a0b269a35994962f2cf",
        "feedsapp (system)",
        ""
    ),
    sys!(
        "voip",
        "d9c3bac5ea21dd68f463906c93bd322f",
        "voip (system)",
        ""
    ),
    sys!(
        "voipapp",
        "3ab68530c6ddf7b227dfa8113c1e1bf9",
        "voipapp (system)",
        ""
    ),
    sys!(
        "blogappweixin",
        "2db08f79e7991b0d6c97dc452927209f",
        "blogappweixin (system)",
        ""
    ),
    sys!(
        "weixinreminder",
        "00c67c8edb2c2977ff077fff13ea56c3",
        "weixinreminder (system)",
        ""
    ),
    sys!(
        "officialaccounts",
        "32f7573dd3d76a70c308057bbf994a7d",
        "officialaccounts (system)",
        ""
    ),
    sys!(
        "wxitil",
        "f07af676529cead02d7fa02316a1fbb1",
        "wxitil (system)",
        ""
    ),
    sys!(
        "userexperience_alarm",
        "bb851363afdcfb670089e0328fc293eb",
        "userexperience_alarm (system)",
        ""
    ),
    sys!(
        "weibo",
        "749ab3b68632680660d776891751e812",
        "weibo (system)",
        ""
    ),
    sys!(
        "cardpackage",
        "cf4d81d56af944ec663fe3546e850074",
        "Cards & Offers",
        "卡包"
    ),
    sys!(
        "qqsafe",
        "9f794feee0f442f17af0c404299ec4e2",
        "qqsafe (system)",
        ""
    ),
];

/// Where a chat's or an account's label came from (`label_source` in the JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LabelSource {
    /// [`SYSTEM_CHATS`]: not an identifier (the same on every Mac), kept by `--redact`.
    System,
    /// The `--names` file: the user's own names, hidden by `--redact`.
    NamesFile,
    /// The owner's contact databases, read with their key (issue 17): hidden by `--redact`.
    Key,
}

/// A chat's kind from its username alone (`next-capabilities.md` §A.3): `system`
/// (the table), `group` (`…@chatroom`, `…@im_chatroom`), `official` (`gh_…`), else
/// `person`. Without a username (no key, no `--names` line) the kind is unknown.
pub(crate) fn kind_of(username: &str) -> &'static str {
    if SYSTEM_CHATS.iter().any(|s| s.username == username) {
        "system"
    } else if username.ends_with("@chatroom") || username.ends_with("@im_chatroom") {
        "group"
    } else if username.starts_with("gh_") {
        "official"
    } else {
        "person"
    }
}

/// md5 of `s` in lowercase hex: how WeChat names chat folders and 3.x account folders.
pub(crate) fn md5_hex(s: &str) -> String {
    use md5::{Digest, Md5};
    use std::fmt::Write as _;
    let mut out = String::with_capacity(32);
    for b in Md5::digest(s.as_bytes()) {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// The system chat whose folder is `folder` (md5 hex, any case).
pub(crate) fn system_chat(folder: &str) -> Option<&'static SystemChat> {
    SYSTEM_CHATS
        .iter()
        .find(|s| s.md5.eq_ignore_ascii_case(folder))
}

/// The usernames of a `--names` file, in file order, each with its label (the
/// username itself when the line gives none). Duplicates are already dropped (the
/// first line wins).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameList {
    pub entries: Vec<(String, String)>,
}

/// md5 → (username, label), for joining folders.
type ByMd5<'a> = BTreeMap<String, (&'a str, &'a str)>;

impl NameList {
    fn by_md5(&self) -> ByMd5<'_> {
        let mut m = ByMd5::new();
        for (u, l) in &self.entries {
            m.entry(md5_hex(u)).or_insert((u.as_str(), l.as_str()));
        }
        m
    }
}

/// The wxid of a 4.x account folder `<wxid>_<4 hex>`.
pub(crate) fn v4_wxid(folder: &str) -> Option<&str> {
    let (user, tail) = folder.rsplit_once('_')?;
    (tail.len() == 4 && tail.bytes().all(|b| b.is_ascii_hexdigit()) && !user.is_empty())
        .then_some(user)
}

/// The md5 an account row is joined by: a 3.x folder is one already; a 4.x folder's
/// wxid (the part before `_<4 hex>`) is hashed.
fn account_md5(id: &str, layout: &str) -> String {
    if layout == "wechat4" {
        md5_hex(v4_wxid(id).unwrap_or(id))
    } else {
        id.to_ascii_lowercase()
    }
}

fn label_chat(c: &mut ChatTotals, given: &ByMd5<'_>) {
    let key = c.chat.to_ascii_lowercase();
    if let Some((user, label)) = given.get(&key) {
        c.label = Some((*label).to_string());
        c.label_source = Some(LabelSource::NamesFile);
        c.kind = Some(kind_of(user).to_string());
    } else if let Some(s) = system_chat(&c.chat) {
        c.label = Some(s.label.to_string());
        c.label_source = Some(LabelSource::System);
        c.kind = Some("system".to_string());
    }
}

fn label_account(a: &mut AccountTotals, given: &ByMd5<'_>) {
    if a.id == "shared" {
        return;
    }
    let found = std::iter::once(account_md5(&a.id, &a.layout))
        .chain(a.aliases.iter().map(|alias| alias.to_ascii_lowercase()))
        .find_map(|h| given.get(&h));
    if let Some((_, label)) = found {
        a.label = Some((*label).to_string());
    }
}

fn label_seen(s: &mut AccountSeen, given: &ByMd5<'_>) {
    if let Some((_, label)) = given.get(&md5_hex(&s.id)) {
        s.label = Some((*label).to_string());
    }
}

/// Label the report's chats (system table, then the `--names` file, which wins) and
/// accounts (`--names` only).
pub(crate) fn label(r: &mut Report, names: Option<&NameList>) {
    let given = names.map(NameList::by_md5).unwrap_or_default();
    for c in &mut r.chats {
        label_chat(c, &given);
    }
    for a in &mut r.accounts {
        label_account(a, &given);
    }
    for s in &mut r.accounts_seen {
        label_seen(s, &given);
    }
}

/// `docs/system-chats.md`, generated from [`SYSTEM_CHATS`] (a test keeps the file
/// current; `UPDATE_DOCS=1 cargo test system_chats` rewrites it).
#[cfg(test)]
pub(crate) fn system_chats_markdown() -> String {
    use std::fmt::Write as _;
    let mut s = String::from(
        "# System chats\n\n\
         Generated from `src/model/names.rs` by `cargo test` (do not edit by hand; run\n\
         `UPDATE_DOCS=1 cargo test system_chats` after changing the table).\n\n\
         WeChat names a chat's folders md5(username) (3.x `Message/MessageTemp/<md5>/`, 4.x\n\
         `msg/attach/<md5>/`, `temp/RWTemp/<month>/<md5>/`, `cache/<month>/Message/<md5>/`).\n\
         These usernames are the same on every Mac, so their folders are labelled without a\n\
         key, in every format (`chats[].label`, `label_source` `system`, `kind` `system`), and\n\
         `--redact` keeps the label (it names no person). Usernames come from WeChat client code\n\
         lists; the labels are the common UI names, \"(system)\" where none is known (research\n\
         notes: `next-capabilities.md` §B.2). A `--names` line for the same username wins.\n\n\
         | username | md5 | label | WeChat's name |\n|---|---|---|---|\n",
    );
    for c in SYSTEM_CHATS {
        let _ = writeln!(
            s,
            "| `{}` | `{}` | {} | {} |",
            c.username,
            c.md5,
            c.label,
            if c.zh.is_empty() { "" } else { c.zh }
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_chats_doc_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/system-chats.md");
        let want = system_chats_markdown();
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(path, &want).unwrap();
        }
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            have == want,
            "docs/system-chats.md is out of date: run `UPDATE_DOCS=1 cargo test system_chats`"
        );
    }

    #[test]
    fn every_md5_in_the_table_is_recomputed() {
        for s in SYSTEM_CHATS {
            assert_eq!(md5_hex(s.username), s.md5, "{}", s.username);
        }
        // Seen on disk in real paths (next-capabilities §A.4, §B.2).
        assert_eq!(md5_hex("filehelper"), "9e20f478899dc29eb19741386f9343c8");
        assert_eq!(md5_hex("weixin"), "c196266f837d14e0b693f961bee37b66");
        // RFC 1321 test vectors.
        assert_eq!(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(md5_hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
    }

    #[test]
    fn usernames_and_md5s_are_unique() {
        let mut users: Vec<&str> = SYSTEM_CHATS.iter().map(|s| s.username).collect();
        let mut md5s: Vec<&str> = SYSTEM_CHATS.iter().map(|s| s.md5).collect();
        users.sort_unstable();
        users.dedup();
        md5s.sort_unstable();
        md5s.dedup();
        assert_eq!(users.len(), SYSTEM_CHATS.len());
        assert_eq!(md5s.len(), SYSTEM_CHATS.len());
        assert!(SYSTEM_CHATS.len() >= 37);
    }

    #[test]
    fn kinds_from_usernames() {
        assert_eq!(kind_of("filehelper"), "system");
        assert_eq!(kind_of("12345678901@chatroom"), "group");
        assert_eq!(kind_of("123@im_chatroom"), "group");
        assert_eq!(kind_of("gh_0123456789ab"), "official");
        assert_eq!(kind_of("wxid_abc"), "person");
        assert_eq!(kind_of("erin1990"), "person");
    }

    #[test]
    fn labels_come_from_the_table_or_the_names_file() {
        let chat = |c: &str| crate::model::ChatTotals::new("wxid_me_1a2b", c);
        let mut r = Report {
            chats: vec![
                chat(&md5_hex("weixin").to_ascii_uppercase()),
                chat(&md5_hex("wxid_f")),
                chat(&md5_hex("1@chatroom")),
                chat("0123456789abcdef0123456789abcdef"),
            ],
            ..Report::default()
        };
        let names = NameList {
            entries: vec![
                ("wxid_f".into(), "Friend".into()),
                ("1@chatroom".into(), "Club".into()),
                ("wxid_me".into(), "Me".into()),
            ],
        };
        r.accounts.push(crate::model::AccountTotals {
            id: "wxid_me_1a2b".into(),
            layout: "wechat4".into(),
            size: Default::default(),
            chats: 0,
            aliases: Vec::new(),
            by_layout: Default::default(),
            label: None,
            note: None,
        });
        label(&mut r, Some(&names));
        let got: Vec<(Option<&str>, Option<LabelSource>, Option<&str>)> = r
            .chats
            .iter()
            .map(|c| (c.label.as_deref(), c.label_source, c.kind.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    Some("WeChat Team"),
                    Some(LabelSource::System),
                    Some("system")
                ),
                (Some("Friend"), Some(LabelSource::NamesFile), Some("person")),
                (Some("Club"), Some(LabelSource::NamesFile), Some("group")),
                (None, None, None),
            ]
        );
        assert_eq!(r.accounts[0].label.as_deref(), Some("Me"));
    }

    #[test]
    fn account_ids_join_by_md5() {
        let h = md5_hex("wxid_abc");
        assert_eq!(account_md5("wxid_abc_1a2b", "wechat4"), h);
        assert_eq!(account_md5(&h.to_ascii_uppercase(), "wechat3"), h);
        assert_eq!(v4_wxid("erin1990_4a6d"), Some("erin1990"));
        assert_eq!(v4_wxid("all_users"), None);
    }
}
