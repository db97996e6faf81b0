//! The usernames and names in WeChat's contact databases, read with the owner's key
//! (issue 17; `next-capabilities.md` §A.3): 3.x `WCContact` (`Contact/wccontact_new2.db`),
//! `GroupContact` (`Group/group_new.db`) and `SessionAbstract` (`Session/session_new.db`);
//! 4.x `contact`, `stranger` and `chat_room` (`db_storage/contact/contact.db`) and
//! `SessionTable` (`db_storage/session/session.db`).
//!
//! Each database is decrypted page by page into SQLite's memory (read-only, never to
//! disk) through [`with_read_only_connection`], at most [`CONTACTS_IN_MEMORY_MAX`]
//! bytes of committed pages; a larger one is refused (an issue, no names from it).
//! Only four columns are read per row (username, remark, nickname, alias); a table
//! or column that is missing is skipped. Strings are kept as stored: whoever prints
//! them escapes them.

use super::sqlite::{
    table_columns, tables, text, with_read_only_connection, DbError, InspectOptions,
};
use std::path::Path;

/// Most committed bytes of one contact database read into memory (64 MiB: a
/// contact database with tens of thousands of contacts is a few MiB).
pub const CONTACTS_IN_MEMORY_MAX: u64 = 64 * 1024 * 1024;

/// Most rows kept from one database (a bound on memory whatever the file says).
pub const MAX_CONTACT_ROWS: usize = 1_000_000;

pub use crate::model::keyed::{Contact, ContactSource};

/// One known table: its name, source, and the columns for username, remark,
/// nickname and alias (`None`: not in that table).
struct TableSpec {
    table: &'static str,
    source: ContactSource,
    username: &'static str,
    remark: Option<&'static str>,
    nickname: Option<&'static str>,
    alias: Option<&'static str>,
}

/// The tables read, both versions (a database holds the ones of its version).
const TABLES: &[TableSpec] = &[
    TableSpec {
        table: "WCContact",
        source: ContactSource::Contact,
        username: "m_nsUsrName",
        remark: Some("m_nsRemark"),
        nickname: Some("nickname"),
        alias: Some("m_nsAliasName"),
    },
    TableSpec {
        table: "GroupContact",
        source: ContactSource::Group,
        username: "m_nsUsrName",
        remark: Some("m_nsRemark"),
        nickname: Some("nickname"),
        alias: None,
    },
    TableSpec {
        table: "SessionAbstract",
        source: ContactSource::Session,
        username: "m_nsUserName",
        remark: None,
        nickname: None,
        alias: None,
    },
    TableSpec {
        table: "contact",
        source: ContactSource::Contact,
        username: "username",
        remark: Some("remark"),
        nickname: Some("nick_name"),
        alias: Some("alias"),
    },
    TableSpec {
        table: "stranger",
        source: ContactSource::Stranger,
        username: "username",
        remark: Some("remark"),
        nickname: Some("nick_name"),
        alias: Some("alias"),
    },
    TableSpec {
        table: "chat_room",
        source: ContactSource::Group,
        username: "username",
        remark: None,
        nickname: None,
        alias: None,
    },
    TableSpec {
        table: "SessionTable",
        source: ContactSource::Session,
        username: "username",
        remark: None,
        nickname: None,
        alias: None,
    },
];

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The contacts of the database at `abs`, decrypted with `opts.keys` (or plaintext),
/// with the view's notes. `opts.in_memory_max` is set to [`CONTACTS_IN_MEMORY_MAX`].
pub fn read(abs: &Path, opts: &InspectOptions) -> Result<(Vec<Contact>, Vec<String>), DbError> {
    read_capped(abs, opts, CONTACTS_IN_MEMORY_MAX)
}

/// [`read`] with another cap on the committed bytes read into memory.
fn read_capped(
    abs: &Path,
    opts: &InspectOptions,
    max: u64,
) -> Result<(Vec<Contact>, Vec<String>), DbError> {
    let opts = InspectOptions {
        in_memory_max: max,
        ..opts.clone()
    };
    let (rows, view) = with_read_only_connection(abs, &opts, read_rows)?;
    Ok((rows, view.notes))
}

fn read_rows(conn: &rusqlite::Connection) -> rusqlite::Result<Vec<Contact>> {
    let present = tables(conn)?;
    let mut out = Vec::new();
    for spec in TABLES {
        if !present.iter().any(|t| t == spec.table) {
            continue;
        }
        let cols = table_columns(conn, spec.table)?;
        if !cols.iter().any(|c| c == spec.username) {
            continue;
        }
        let col = |c: Option<&str>| match c.filter(|c| cols.iter().any(|have| have == c)) {
            Some(c) => quote(c),
            None => "''".to_string(),
        };
        let sql = format!(
            "SELECT {}, {}, {}, {} FROM main.{}",
            quote(spec.username),
            col(spec.remark),
            col(spec.nickname),
            col(spec.alias),
            quote(spec.table)
        );
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            if out.len() >= MAX_CONTACT_ROWS {
                break;
            }
            let get = |i: usize| r.get_ref(i).ok().and_then(text).unwrap_or_default();
            let username = get(0);
            if username.is_empty() {
                continue;
            }
            out.push(Contact {
                username,
                remark: get(1),
                nickname: get(2),
                alias: get(3),
                source: spec.source,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn c(u: &str, r: &str, n: &str, a: &str) -> Contact {
        Contact {
            username: u.into(),
            remark: r.into(),
            nickname: n.into(),
            alias: a.into(),
            source: ContactSource::Contact,
        }
    }

    #[test]
    fn display_is_remark_then_nickname_then_alias_then_username() {
        assert_eq!(c("u", "R", "N", "A").display(), "R");
        assert_eq!(c("u", "", "N", "A").display(), "N");
        assert_eq!(c("u", " ", "", "A").display(), "A");
        assert_eq!(c("u", "", "", "").display(), "u");
    }

    #[test]
    fn known_tables_and_missing_columns_are_read_from_a_plain_database() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("wccontact_new2.db");
        let conn = rusqlite::Connection::open(&p).unwrap();
        conn.execute_batch(
            "CREATE TABLE WCContact(m_nsUsrName TEXT PRIMARY KEY, nickname TEXT, m_nsRemark TEXT);
             INSERT INTO WCContact VALUES('wxid_a', 'Nick A', 'Remark A');
             INSERT INTO WCContact VALUES('wxid_b', 'Nick B', '');
             INSERT INTO WCContact VALUES('', 'nobody', '');
             CREATE TABLE GroupContact(m_nsUsrName TEXT, nickname TEXT);
             INSERT INTO GroupContact VALUES('1@chatroom', X'47726f7570');
             CREATE TABLE Other(x);",
        )
        .unwrap();
        drop(conn);
        let (rows, _) = read(&p, &InspectOptions::default()).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].display(), "Remark A");
        assert_eq!(rows[1].display(), "Nick B");
        assert_eq!(rows[1].alias, "");
        assert_eq!(rows[2].username, "1@chatroom");
        assert_eq!(rows[2].display(), "Group");
        assert_eq!(rows[2].source, ContactSource::Group);
        // Over the cap: refused whole, no names.
        let err = read_capped(&p, &InspectOptions::default(), 1024).unwrap_err();
        assert!(matches!(err, DbError::TooLarge { .. }), "{err}");
    }
}
