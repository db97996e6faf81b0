//! SQLite and SQLCipher files, read page by page and never written: the 100-byte
//! header, the write-ahead log and wal-index (pure parsers over bytes), what a file
//! is ([`shape`]), the page engine ([`pages`]: file + committed `-wal` frames;
//! [`cipher`]: SQLCipher decryption; [`btree`]: the b-tree walker; [`pagereport`]:
//! one database opened; [`keyfile`]: `--key-file`), the one view of a database
//! the rest of the program uses ([`db`]), and the table of WeChat database roles
//! ([`roles`]).

pub(crate) mod btree;
pub(crate) mod cipher;
pub(crate) mod db;
pub(crate) mod header;
pub(crate) mod keyfile;
pub(crate) mod pagereport;
pub(crate) mod pages;
pub(crate) mod roles;
pub(crate) mod shape;
pub(crate) mod wal;

use rusqlite::types::ValueRef;

pub use db::{
    inspect_db, with_read_only_connection, DbError, InspectOptions, ObjectKind, ViewInfo,
};
pub use header::{parse_sqlite_header, HeaderError, JournalMode, SQLITE_HEADER_LEN, SQLITE_MAGIC};
pub use roles::{db_role, expected_page_size};

/// An SQLite error in words for people: SQLite's own message ("file is not a
/// database", "database disk image is malformed"), never rusqlite's debug form.
pub(crate) fn sqlite_reason(e: &rusqlite::Error) -> String {
    let text = match e {
        rusqlite::Error::SqliteFailure(_, Some(msg)) => msg.clone(),
        rusqlite::Error::SqliteFailure(code, None) => code.to_string(),
        other => other.to_string(),
    };
    crate::escape::printable(&crate::error::lower_first(&text)).into_owned()
}

/// Text of a value that may be TEXT or BLOB.
pub(crate) fn text(v: ValueRef<'_>) -> Option<String> {
    match v {
        ValueRef::Text(b) | ValueRef::Blob(b) => Some(String::from_utf8_lossy(b).into_owned()),
        _ => None,
    }
}

/// The columns of `table`.
pub(crate) fn table_columns(
    conn: &rusqlite::Connection,
    table: &str,
) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!(
        "PRAGMA main.table_info(\"{}\")",
        table.replace('"', "\"\"")
    ))?;
    let cols = stmt
        .query_map([], |r| r.get::<_, String>(1))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(cols)
}

/// The tables of the main schema, by name.
pub(crate) fn tables(conn: &rusqlite::Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt =
        conn.prepare("SELECT name FROM main.sqlite_master WHERE type = 'table' ORDER BY name")?;
    let names = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(names)
}
