//! What the owner's key adds to the chats (issue 17): names from the contact
//! databases, joined to chats by md5(username), and per chat the messages and
//! database pages of its `Chat_<md5>` (3.x) and `Msg_<md5>` (4.x) tables, summed over
//! every shard of each layout (`biz_message_*` included), and the bytes 4.x's resource
//! index (`message_resource.db`) records for its messages. Chats found only in the
//! databases (no media folder) get a row. Pure: no I/O.
//!
//! The two layouts are never added: a migration copies 3.x history into 4.x, so
//! `messages_by_layout` keeps one figure per layout.

use super::names::{kind_of, md5_hex, system_chat, LabelSource};
use super::{ChatTotals, MonthRange, Report};
use std::collections::BTreeMap;

/// Where a username was found; earlier kinds win when a username is in several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ContactSource {
    /// 3.x `WCContact`, 4.x `contact`.
    Contact,
    /// 3.x `GroupContact`, 4.x `chat_room`.
    Group,
    /// 4.x `stranger`.
    Stranger,
    /// 3.x `SessionAbstract`, 4.x `SessionTable`: a username only.
    Session,
}

/// One row of a contact database: a username and the names the owner's WeChat
/// shows for it. Kept in memory only (never in the JSON: `label` is what shows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub username: String,
    pub remark: String,
    pub nickname: String,
    pub alias: String,
    pub source: ContactSource,
}

impl Contact {
    /// What WeChat shows: remark, else nickname, else alias (our fallback), else the
    /// username.
    pub fn display(&self) -> &str {
        [&self.remark, &self.nickname, &self.alias]
            .into_iter()
            .find(|s| !s.trim().is_empty())
            .unwrap_or(&self.username)
    }
}

/// One chat's resources of one kind in WeChat 4.x's resource index
/// (`message_resource.db`): in memory only, summed into the chat's `resource_bytes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatResource {
    pub username: String,
    /// `images`, `videos`, `files` or `other`.
    pub kind: &'static str,
    pub bytes: u64,
    /// Resources counted.
    pub count: u64,
}

/// Most characters of a name kept (as for a `--names` label).
pub const MAX_LABEL_CHARS: usize = 200;

/// A name from a database as the report keeps it: at most [`MAX_LABEL_CHARS`]
/// characters, unsafe ones escaped ([`crate::escape::printable`]).
fn shown(name: &str) -> String {
    let cut: String = name.chars().take(MAX_LABEL_CHARS).collect();
    crate::escape::printable(&cut).into_owned()
}

/// The layout of a message table's name: `Chat_<md5>` is 3.x, `Msg_<md5>` 4.x;
/// with the md5 (lowercase).
fn message_table(name: &str) -> Option<(&'static str, String)> {
    let (layout, h) = if let Some(h) = name.strip_prefix("Chat_") {
        ("wechat3", h)
    } else if let Some(h) = name.strip_prefix("Msg_") {
        ("wechat4", h)
    } else {
        return None;
    };
    (h.len() == 32 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| (layout, h.to_ascii_lowercase()))
}

const MESSAGE_ROLES: &[&str] = &["message-shard", "business-message-shard"];

/// (account, chat md5) → best contact.
type Known<'a> = BTreeMap<(String, String), &'a Contact>;

fn known(r: &Report) -> Known<'_> {
    let mut out = Known::new();
    for d in &r.databases {
        let Some(rows) = r.contacts.get(&d.path) else {
            continue;
        };
        for c in rows {
            let key = (d.account.clone(), md5_hex(&c.username));
            match out.get(&key) {
                // A better source wins; within one, the first row.
                Some(have) if have.source <= c.source => {}
                _ => {
                    out.insert(key, c);
                }
            }
        }
    }
    out
}

/// `YYYY-MM` (UTC) of a Unix time in seconds; `None` before 1970 or after 9999
/// (not a message time).
fn month(t: i64) -> Option<String> {
    if !(0..=253_402_300_799).contains(&t) {
        return None;
    }
    crate::model::month::Month::of(t).map(|m| m.to_string())
}

/// The row of chat `h` of `account` in `chats`, added when only the databases know it.
fn chat_row(
    chats: &mut Vec<ChatTotals>,
    index: &mut BTreeMap<(String, String), usize>,
    account: String,
    h: String,
) -> usize {
    *index
        .entry((account, h))
        .or_insert_with_key(|(account, h)| {
            chats.push(ChatTotals::new(account, h));
            chats.len() - 1
        })
}

/// Adds the message figures of every message shard to the chats (rows for chats
/// only the databases know), then labels chats from the contact databases: a
/// contact's name wins over a `--names` line; a system chat keeps its system label.
/// Runs after [`super::names::label`].
pub(crate) fn apply(r: &mut Report) {
    // Messages and pages per (account, chat).
    #[derive(Default)]
    struct Figures {
        messages: BTreeMap<String, u64>,
        times: BTreeMap<String, (i64, i64)>,
        pages_bytes: u64,
        pages_known: bool,
    }
    let mut figs: BTreeMap<(String, String), Figures> = BTreeMap::new();
    for d in &r.databases {
        if !d
            .role
            .as_deref()
            .is_some_and(|x| MESSAGE_ROLES.contains(&x))
        {
            continue;
        }
        let page_size = u64::from(d.page_size.unwrap_or(0));
        for t in d.tables.iter().flatten() {
            let Some((layout, h)) = message_table(&t.name) else {
                continue;
            };
            let f = figs.entry((d.account.clone(), h)).or_insert(Figures {
                pages_known: true,
                ..Figures::default()
            });
            if let Some(n) = t.rows {
                let m = f.messages.entry(layout.to_string()).or_default();
                *m = m.saturating_add(n);
            }
            if let Some((lo, hi)) = t.time_range {
                let r = f.times.entry(layout.to_string()).or_insert((lo, hi));
                *r = (r.0.min(lo), r.1.max(hi));
            }
            match t.pages {
                Some(p) if page_size > 0 => {
                    f.pages_bytes = f.pages_bytes.saturating_add(p.saturating_mul(page_size));
                }
                _ => f.pages_known = false,
            }
        }
    }
    let mut index: BTreeMap<(String, String), usize> = r
        .chats
        .iter()
        .enumerate()
        .map(|(i, c)| ((c.account.clone(), c.chat.to_ascii_lowercase()), i))
        .collect();
    for ((account, h), f) in figs {
        let i = chat_row(&mut r.chats, &mut index, account, h);
        let c = &mut r.chats[i];
        c.messages_by_layout = f.messages;
        c.message_months_by_layout = f
            .times
            .into_iter()
            .filter_map(|(layout, (lo, hi))| {
                Some((
                    layout,
                    MonthRange {
                        first: month(lo)?,
                        last: month(hi)?,
                    },
                ))
            })
            .collect();
        c.db_bytes = f.pages_known.then_some(f.pages_bytes);
    }
    // Resource bytes from the 4.x resource index, by md5(username).
    let mut res: BTreeMap<(String, String), BTreeMap<String, u64>> = BTreeMap::new();
    for d in &r.databases {
        for row in r.resources.get(&d.path).into_iter().flatten() {
            let kinds = res
                .entry((d.account.clone(), md5_hex(&row.username)))
                .or_default();
            let b = kinds.entry(row.kind.to_string()).or_default();
            *b = b.saturating_add(row.bytes);
        }
    }
    for ((account, h), kinds) in res {
        let i = chat_row(&mut r.chats, &mut index, account, h);
        r.chats[i].resource_bytes = kinds;
    }
    // Names.
    let known = known(r);
    let mut labels: Vec<(usize, String, &'static str)> = Vec::new();
    for (i, c) in r.chats.iter().enumerate() {
        if c.label_source == Some(LabelSource::System) || system_chat(&c.chat).is_some() {
            continue;
        }
        if let Some(k) = known.get(&(c.account.clone(), c.chat.to_ascii_lowercase())) {
            labels.push((i, shown(k.display()), kind_of(&k.username)));
        }
    }
    for (i, label, kind) in labels {
        let c = &mut r.chats[i];
        c.label = Some(label);
        c.label_source = Some(LabelSource::Key);
        c.kind = Some(kind.to_string());
    }
    // System chats only the databases know: their system label.
    for c in &mut r.chats {
        if c.label.is_none() {
            if let Some(s) = system_chat(&c.chat) {
                c.label = Some(s.label.to_string());
                c.label_source = Some(LabelSource::System);
                c.kind = Some("system".to_string());
            }
        }
    }
    super::accounts::sort_chats(&mut r.chats);
    for a in &mut r.accounts {
        a.chats = r.chats.iter().filter(|c| c.account == a.id).count() as u64;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::model::{Database, TableRows};

    fn db(path: &str, account: &str, role: &str, tables: &[(&str, u64, Option<u64>)]) -> Database {
        Database {
            path: path.into(),
            role: Some(role.into()),
            role_label: None,
            account: account.into(),
            format: "sqlcipher".into(),
            encrypted: true,
            key: Some("ok".into()),
            cipher_profile: None,
            apparent_bytes: 0,
            allocated_bytes: 0,
            page_size: Some(1024),
            page_count: None,
            freelist_pages: None,
            reclaimable_bytes: None,
            journal: None,
            wal_bytes: None,
            wal_frames: None,
            wal_pending_frames: None,
            shm_bytes: None,
            expected_page_size: None,
            size_note: None,
            tables: Some(
                tables
                    .iter()
                    .map(|(n, rows, pages)| TableRows {
                        name: (*n).into(),
                        rows: Some(*rows),
                        pages: *pages,
                        error: None,
                        time_range: None,
                    })
                    .collect(),
            ),
            rows_skipped: None,
        }
    }

    fn contact(u: &str, remark: &str, nick: &str, source: ContactSource) -> Contact {
        Contact {
            username: u.into(),
            remark: remark.into(),
            nickname: nick.into(),
            alias: String::new(),
            source,
        }
    }

    #[test]
    fn messages_sum_per_layout_and_names_join_by_md5() {
        let a = md5_hex("wxid_a");
        let g = md5_hex("9@chatroom");
        let f = md5_hex("filehelper");
        let mut r = Report::default();
        r.chats
            .push(ChatTotals::new("acct", &a.to_ascii_uppercase()));
        r.chats[0].label = Some("from names file".into());
        r.chats[0].label_source = Some(LabelSource::NamesFile);
        r.databases = vec![
            db(
                "m0",
                "acct",
                "message-shard",
                &[(&format!("Chat_{a}"), 10, Some(3)), ("Name2Id", 5, Some(1))],
            ),
            db(
                "m1",
                "acct",
                "message-shard",
                &[(&format!("Msg_{a}"), 7, None)],
            ),
            db(
                "m2",
                "acct",
                "business-message-shard",
                &[
                    (&format!("Msg_{a}"), 2, None),
                    (&format!("Msg_{g}"), 4, Some(2)),
                ],
            ),
            db(
                "m3",
                "acct",
                "message-shard",
                &[(&format!("Chat_{f}"), 1, Some(1))],
            ),
            db("c", "acct", "contacts", &[]),
        ];
        r.contacts.insert(
            "c".into(),
            vec![
                contact("wxid_a", "", "session only", ContactSource::Session),
                contact("wxid_a", "", "Nick A", ContactSource::Contact),
                contact("9@chatroom", "", "", ContactSource::Group),
                contact("filehelper", "Mine", "", ContactSource::Contact),
            ],
        );
        // Times: 2020-09-13 and 2022-04-15 (3.x); over two 4.x shards,
        // 2019-12-31T23:59:59 and 2024-01-01T00:00:00 (UTC).
        let set = |r: &mut Report, db: usize, t: usize, range: (i64, i64)| {
            r.databases[db].tables.as_mut().unwrap()[t].time_range = Some(range);
        };
        set(&mut r, 0, 0, (1_600_000_000, 1_650_000_000));
        set(&mut r, 1, 0, (1_577_836_799, 1_600_000_000));
        set(&mut r, 2, 0, (1_600_000_000, 1_704_067_200));
        apply(&mut r);
        let find = |h: &str| {
            r.chats
                .iter()
                .find(|c| c.chat.eq_ignore_ascii_case(h))
                .unwrap()
        };
        let ca = find(&a);
        assert_eq!(ca.messages_by_layout["wechat3"], 10);
        assert_eq!(ca.messages_by_layout["wechat4"], 9);
        let months = |l: &str| {
            let m = &ca.message_months_by_layout[l];
            (m.first.as_str(), m.last.as_str())
        };
        assert_eq!(months("wechat3"), ("2020-09", "2022-04"));
        assert_eq!(months("wechat4"), ("2019-12", "2024-01"));
        assert_eq!(ca.db_bytes, None, "4.x pages unknown");
        assert_eq!(ca.label.as_deref(), Some("Nick A"));
        assert_eq!(ca.label_source, Some(LabelSource::Key));
        assert_eq!(ca.kind.as_deref(), Some("person"));
        let cg = find(&g);
        assert_eq!(cg.db_bytes, Some(2048));
        assert_eq!(cg.label.as_deref(), Some("9@chatroom"));
        assert_eq!(cg.kind.as_deref(), Some("group"));
        let cf = find(&f);
        assert_eq!(cf.label.as_deref(), Some("File Transfer"));
        assert_eq!(cf.label_source, Some(LabelSource::System));
        assert_eq!(r.chats.len(), 3);
    }

    #[test]
    fn hostile_names_are_escaped_and_bounded() {
        assert_eq!(
            shown("a\x1b[31mb\nc\u{202e}d 中文 😀"),
            "a\\x1b[31mb\\x0ac\\xe2\\x80\\xaed 中文 😀"
        );
        assert_eq!(shown(&"x".repeat(500)).len(), MAX_LABEL_CHARS);
    }

    #[test]
    fn message_table_names() {
        let h = md5_hex("x");
        assert_eq!(
            message_table(&format!("Chat_{h}")),
            Some(("wechat3", h.clone()))
        );
        assert_eq!(
            message_table(&format!("Msg_{h}")),
            Some(("wechat4", h.clone()))
        );
        assert_eq!(message_table("Msg_abc"), None);
        assert_eq!(message_table("Name2Id"), None);
        assert_eq!(message_table(&format!("Msg_{}", "z".repeat(32))), None);
    }
}
