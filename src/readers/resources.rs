//! WeChat 4.x's resource index, `db_storage/message/message_resource.db`, read with the
//! owner's key (issue 17; `next-capabilities.md` §A: the schema is verified, what its
//! sizes add up to is not): for each chat username, the bytes of the files, videos and
//! pictures its messages refer to, by message type.
//!
//! `MessageResourceDetail(message_id, size)` joins `MessageResourceInfo(message_id,
//! chat_id, message_local_type)`, whose `chat_id` is a row of `ChatName2Id(user_name)`.
//! The type is the low 32 bits of `message_local_type` (3 picture, 43 video, 49 file or
//! other app message). The database is decrypted into SQLite's memory only (never to
//! disk), at most [`RESOURCES_IN_MEMORY_MAX`] bytes of committed pages; a larger one,
//! or one without those tables and columns, is an issue and gives no figures.

use super::sqlite::{table_columns, tables, with_read_only_connection, DbError, InspectOptions};
use std::path::Path;

/// Most committed bytes of the resource index read into memory (as for contacts).
pub const RESOURCES_IN_MEMORY_MAX: u64 = 64 * 1024 * 1024;

/// Most (chat, kind) rows kept (a bound on memory whatever the file says).
pub const MAX_RESOURCE_ROWS: usize = 1_000_000;

pub use crate::model::keyed::ChatResource;

/// What each message type's resources are called in the report.
const KINDS: &[(i64, &str)] = &[(3, "images"), (43, "videos"), (49, "files")];

/// The tables and columns the query needs.
const NEEDS: &[(&str, &[&str])] = &[
    ("MessageResourceDetail", &["message_id", "size"]),
    (
        "MessageResourceInfo",
        &["message_id", "chat_id", "message_local_type"],
    ),
    ("ChatName2Id", &["user_name"]),
];

/// The resource bytes per chat username and kind in the database at `abs`, decrypted
/// with `opts.keys`. `Ok(None)`: not the schema this reader knows.
pub fn read(abs: &Path, opts: &InspectOptions) -> Result<Option<Vec<ChatResource>>, DbError> {
    let opts = InspectOptions {
        in_memory_max: RESOURCES_IN_MEMORY_MAX,
        ..opts.clone()
    };
    let (rows, _) = with_read_only_connection(abs, &opts, read_rows)?;
    Ok(rows)
}

fn read_rows(conn: &rusqlite::Connection) -> rusqlite::Result<Option<Vec<ChatResource>>> {
    let present = tables(conn)?;
    for (table, cols) in NEEDS {
        if !present.iter().any(|t| t == table) {
            return Ok(None);
        }
        let have = table_columns(conn, table)?;
        if !cols.iter().all(|c| have.iter().any(|h| h == c)) {
            return Ok(None);
        }
    }
    let mut stmt = conn.prepare(
        "SELECT n.user_name, i.message_local_type & 4294967295, sum(d.size), count(*) \
         FROM MessageResourceDetail d \
         JOIN MessageResourceInfo i ON i.message_id = d.message_id \
         JOIN ChatName2Id n ON n.rowid = i.chat_id \
         WHERE typeof(d.size) = 'integer' AND d.size >= 0 AND typeof(n.user_name) = 'text' \
         GROUP BY 1, 2",
    )?;
    let mut out: Vec<ChatResource> = Vec::new();
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        if out.len() >= MAX_RESOURCE_ROWS {
            break;
        }
        let username: String = row.get(0)?;
        let typ: i64 = row.get(1)?;
        let bytes: i64 = row.get(2)?;
        let count: i64 = row.get(3)?;
        let kind = KINDS
            .iter()
            .find(|(t, _)| *t == typ)
            .map_or("other", |(_, k)| k);
        // Types that share a kind stay separate rows: the chats' figures sum them.
        out.push(ChatResource {
            username,
            kind,
            bytes: u64::try_from(bytes).unwrap_or(0),
            count: u64::try_from(count).unwrap_or(0),
        });
    }
    Ok(Some(out))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn conn(sql: &str) -> rusqlite::Connection {
        let c = rusqlite::Connection::open_in_memory().unwrap();
        c.execute_batch(sql).unwrap();
        c
    }

    const SCHEMA: &str = "CREATE TABLE ChatName2Id(user_name TEXT);
        CREATE TABLE MessageResourceInfo(message_id INTEGER PRIMARY KEY, chat_id INTEGER,
            message_local_type INTEGER);
        CREATE TABLE MessageResourceDetail(resource_id INTEGER PRIMARY KEY, message_id INTEGER,
            size INTEGER);";

    #[test]
    fn sums_by_chat_and_kind_and_skips_odd_rows() {
        let c = conn(&format!(
            "{SCHEMA}
            INSERT INTO ChatName2Id VALUES ('a'), ('b'), (NULL);
            INSERT INTO MessageResourceInfo VALUES
                (1, 1, 43), (2, 1, 43), (3, 1, 49 + (6 << 32)), (4, 2, 3), (5, 2, 10000),
                (6, 3, 43), (7, 9, 43);
            INSERT INTO MessageResourceDetail(message_id, size) VALUES
                (1, 100), (2, 50), (3, 7), (4, 1), (5, 2), (6, 999), (7, 999),
                (1, -5), (2, 'x'), (4, NULL);"
        ));
        let mut got = read_rows(&c).unwrap().unwrap();
        got.sort_by(|x, y| (&x.username, x.kind).cmp(&(&y.username, y.kind)));
        let view: Vec<(&str, &str, u64, u64)> = got
            .iter()
            .map(|r| (r.username.as_str(), r.kind, r.bytes, r.count))
            .collect();
        // A negative or text size, a chat id with no row, a NULL username: left out.
        assert_eq!(
            view,
            [
                ("a", "files", 7, 1),
                ("a", "videos", 150, 2),
                ("b", "images", 1, 1),
                ("b", "other", 2, 1)
            ]
        );
    }

    #[test]
    fn another_schema_gives_nothing_and_no_error() {
        for sql in [
            "CREATE TABLE x(a);",
            "CREATE TABLE ChatName2Id(user_name TEXT);
             CREATE TABLE MessageResourceInfo(message_id INTEGER, chat_id INTEGER);
             CREATE TABLE MessageResourceDetail(message_id INTEGER, size INTEGER);",
        ] {
            assert_eq!(read_rows(&conn(sql)).unwrap(), None, "{sql}");
        }
        // Sums past i64: an error (an issue), never a wrapped figure.
        let c = conn(&format!(
            "{SCHEMA} INSERT INTO ChatName2Id VALUES ('a');
             INSERT INTO MessageResourceInfo VALUES (1, 1, 43);
             INSERT INTO MessageResourceDetail(message_id, size) VALUES
                 (1, 9223372036854775807), (1, 9223372036854775807);"
        ));
        assert!(read_rows(&c).is_err());
    }
}
