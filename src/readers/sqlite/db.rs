//! One consistent, strictly read-only view of a database, built from its pages:
//! tables, indexes and row counts as a reader of the database sees them, its
//! committed `-wal` frames included, decrypted when it is a SQLCipher file and
//! the user's key opens it.
//!
//! # No file is ever opened by SQLite, and nothing is ever written
//!
//! SQLite's own unix VFS is not read-only enough, even with `mode=ro`, and
//! especially as root: opening a WAL database opens its `-wal` `O_RDWR|O_CREAT`
//! and creates the `-shm`; a hot `-journal` is opened and `fchown`ed; a `-wal`
//! next to an empty database is deleted (the test
//! `naive_read_only_open_modifies_the_tree` keeps that evidence). Earlier
//! versions therefore read databases with sidecars through private copies in
//! `$TMPDIR`, which a signal could leave behind and which could land inside
//! another scanned folder. There are no copies any more. Every database is
//! read page by page by the page engine ([`super::pagereport::open_database`]):
//! the main file through `pread` on a descriptor opened `O_RDONLY|O_NOFOLLOW`,
//! the committed frames of its `-wal` laid over it by SQLite's recovery rules
//! (the whole `-wal`, streamed), and SQLCipher decryption on top. Then:
//!
//! * **Small plaintext databases** (the committed state at most
//!   [`InspectOptions::in_memory_max`], 8 MiB) are streamed page by page into
//!   the buffer SQLite allocates for `sqlite3_deserialize` ([`ImageReader`]:
//!   one copy, in memory) and listed with SQL (`sqlite_master`, `count(*)`),
//!   so virtual tables are counted as SQLite counts them.
//! * **The contact databases with the owner's key** (issue 17:
//!   [`crate::readers::contacts`]) are read the same way once decrypted, up
//!   to [`crate::readers::contacts::CONTACTS_IN_MEMORY_MAX`], through
//!   [`with_read_only_connection`]: their image lives in SQLite's heap until
//!   the connection closes (SQLite frees it without wiping; it never reaches
//!   the disk). No other decrypted database reaches SQLite.
//! * **Everything else**, and every other decrypted database whatever its size, is
//!   read by the b-tree walker ([`super::btree`]): in
//!   [`WalkMode::Rows`] it reads what SQLite's `count(*)` reads; with
//!   `--all-pages` ([`WalkMode::Full`]) every page. Decrypted pages then never
//!   reach SQLite: they live in buffers that are wiped on drop (SQLite's heap
//!   is freed without wiping, so it gets no decrypted byte).
//!
//! Page count, free pages and row counts all come from the same committed
//! page 1 and the same pages ([`DbInfo`]). A header that cannot be true
//! (more pages than the file and WAL hold, more free pages than pages) is an
//! issue, and the impossible figure is not reported.
//!
//! # What a reader with locks would see that we may not
//!
//! * A rollback-journal database whose writer holds a write lock (`F_GETLK` on
//!   SQLite's pending byte and shared range, which takes no lock) is reported
//!   [`DbError::Locked`], as SQLite's reader would get `SQLITE_BUSY`.
//! * A hot `-journal` (valid header, no writer) would be rolled back by SQLite
//!   before reading; the engine reads the file as it is and says so in an
//!   issue ([`super::pagereport::PageReport::hot_journal`]).
//! * A writer that checkpoints and restarts its `-wal` while we read can make
//!   pages read inconsistently; such pages become per-table errors or page
//!   errors, never a crash.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::config::DbConfig;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, ErrorCode, OpenFlags, MAIN_DB};
use serde::Serialize;
use thiserror::Error;
use zeroize::Zeroizing;

use super::btree::range::table_facts;
use super::btree::{analyze_with, committed_page_count, Layout, WalkMode, WalkOptions};
use super::cipher::{KeyRing, KeyStatus};
use super::header::{parse_sqlite_header, HeaderError, JournalMode};
use super::pagereport::{open_database, DbFormat, OpenedDb, PagesError};
use super::pages::{ImageReader, PageSource, WalStats};
use crate::readers::open_regular;

/// Default for [`InspectOptions::in_memory_max`]: 8 MiB of committed pages.
pub const DEFAULT_IN_MEMORY_MAX: u64 = 8 * 1024 * 1024;
/// What [`with_read_only_connection`] reads into memory at most for the
/// store readers (URL cache, HTTP storage): 256 MiB of committed pages.
pub const STORE_IN_MEMORY_MAX: u64 = 256 * 1024 * 1024;

/// Options for [`inspect_db`] and [`with_read_only_connection`].
#[derive(Debug, Clone)]
pub struct InspectOptions {
    /// Count rows per table.
    pub count_rows: bool,
    /// Plaintext databases whose committed state is at most this many bytes
    /// are read into memory and listed by SQLite; larger ones are walked.
    /// [`with_read_only_connection`] refuses larger ones. 0: always walk.
    pub in_memory_max: u64,
    /// How much the walker reads: [`WalkMode::Rows`] (what `count(*)` reads)
    /// or [`WalkMode::Full`] (every page: exact pages per table, the freelist
    /// walked, every page's HMAC checked).
    pub mode: WalkMode,
    /// Threads for one database's walk.
    pub threads: usize,
    /// The run's keys (`--key-file`).
    pub keys: Option<Arc<KeyRing>>,
    /// For each message table of a walked database, read what per-chat figures
    /// need beyond the row count ([`message_facts`]): its first and last message
    /// time and, unless every page was walked, its pages with its indexes'. This
    /// reads the table's own leaves (about 30× the pages `count(*)` reads), so
    /// only `scan` asks, for its chats; `dbs` counts rows alone.
    pub message_facts: bool,
}

impl Default for InspectOptions {
    fn default() -> Self {
        InspectOptions {
            count_rows: true,
            in_memory_max: DEFAULT_IN_MEMORY_MAX,
            mode: WalkMode::Rows,
            threads: 2,
            keys: None,
            message_facts: false,
        }
    }
}

impl InspectOptions {
    /// For the store readers: SQL over an in-memory view up to
    /// [`STORE_IN_MEMORY_MAX`].
    pub fn for_stores() -> Self {
        InspectOptions {
            in_memory_max: STORE_IN_MEMORY_MAX,
            ..InspectOptions::default()
        }
    }
}

/// How the tables were listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// SQLite over the committed pages in memory (`sqlite3_deserialize`).
    InMemory,
    /// The b-tree walker over the pages.
    Pages,
}

/// Sizes of the sidecars that exist.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Sidecars {
    pub wal_bytes: Option<u64>,
    pub shm_bytes: Option<u64>,
    pub journal_bytes: Option<u64>,
}

/// Schema object type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    Table,
    VirtualTable,
    Index,
}

/// One table or index (its SQL text is not reported).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DbObject {
    pub name: String,
    pub kind: ObjectKind,
    /// Table the object belongs to (itself for tables).
    pub table: String,
    /// Row count (tables only), if counted.
    pub rows: Option<u64>,
    /// Pages of its own b-tree (interior, leaf, overflow), when every page
    /// was walked ([`WalkMode::Full`]).
    pub pages: Option<u64>,
    /// Why this table could not be counted or read whole.
    pub error: Option<String>,
    /// For a WeChat message table ([`time_column`]): the smallest and largest
    /// message time (Unix seconds); `None` when empty, not such a table, or
    /// not readable.
    pub time_range: Option<(i64, i64)>,
    /// For a message table when not every page was walked: the pages of its
    /// b-tree and its indexes' ([`table_facts`]; an index leaf cell's overflow
    /// pages are not counted).
    pub pages_with_indexes: Option<u64>,
}

/// The time column of a WeChat message table: `msgCreateTime` of 3.x
/// `Chat_<md5>`, `create_time` of 4.x `Msg_<md5>` (Unix seconds both).
pub(crate) fn time_column(table: &str) -> Option<&'static str> {
    const TIME_COLUMNS: &[(&str, &str)] = &[("Chat_", "msgCreateTime"), ("Msg_", "create_time")];
    TIME_COLUMNS.iter().find_map(|(prefix, col)| {
        let h = table.strip_prefix(prefix)?;
        (h.len() == 32 && h.bytes().all(|b| b.is_ascii_hexdigit())).then_some(*col)
    })
}

/// What [`inspect_db`] found: one committed state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DbInfo {
    pub file_len: u64,
    pub format: DbFormat,
    /// For a SQLCipher file: whether a key opened it.
    pub key: Option<KeyStatus>,
    /// The SQLCipher profile that opened it.
    pub profile: Option<&'static str>,
    /// From the committed page 1 (`None` when the pages cannot be read).
    pub page_size: Option<u32>,
    /// Pages in the committed state (SQLite's rule; see
    /// [`committed_page_count`]).
    pub page_count: Option<u64>,
    /// Free pages in the committed state: the header's count, or the walked
    /// freelist with [`WalkMode::Full`]; `None` when the header's count cannot
    /// be true.
    pub freelist_pages: Option<u64>,
    /// From the committed page 1.
    pub journal: Option<JournalMode>,
    pub sidecars: Sidecars,
    /// The whole `-wal`, walked by SQLite's recovery rules.
    pub wal: Option<WalStats>,
    /// A hot `-journal` lies beside it (see the module docs).
    pub hot_journal: bool,
    /// How the tables were listed; `None` when they were not.
    pub access: Option<Access>,
    /// Tables and indexes, sorted by name; empty when the schema was not read.
    pub objects: Vec<DbObject>,
    /// The schema was read (`objects` is the whole list).
    pub schema_read: bool,
    /// Why row counts were not taken, if they were not.
    pub rows_skipped: Option<String>,
    /// Problems found on the way, as sentences (each is a report issue).
    pub issues: Vec<String>,
    /// What a reader should know that is not a problem (a `-wal` SQLite ignores).
    pub notes: Vec<String>,
}

/// Why a database could not be inspected.
#[derive(Debug, Error)]
pub enum DbError {
    #[error("{}: {}", path.display(), crate::error::io_reason(source))]
    Io { path: PathBuf, source: io::Error },
    #[error("{}: not a regular file", path.display())]
    NotRegularFile { path: PathBuf },
    #[error("{}: {source}", path.display())]
    Header { path: PathBuf, source: HeaderError },
    #[error("{}: unsupported SQLite file format (read version {read_version})", path.display())]
    UnsupportedFormat { path: PathBuf, read_version: u8 },
    #[error("{}: sidecar exists but is not a regular file", path.display())]
    UnsafeSidecar { path: PathBuf },
    #[error("{}: database is locked by another program that is changing it", path.display())]
    Locked { path: PathBuf },
    #[error("{}: {}", path.display(), super::sqlite_reason(source))]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("{}: {message}", path.display())]
    Pages { path: PathBuf, message: String },
    #[error("{}: not a plaintext SQLite database", path.display())]
    NotPlaintext { path: PathBuf },
    #[error("{}: its committed state is {bytes} bytes, over the {max} bytes this tool reads into memory; not read", path.display())]
    TooLarge { path: PathBuf, bytes: u64, max: u64 },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> DbError + '_ {
    move |source| {
        if source.kind() == io::ErrorKind::InvalidInput {
            DbError::NotRegularFile {
                path: path.to_path_buf(),
            }
        } else {
            DbError::Io {
                path: path.to_path_buf(),
                source,
            }
        }
    }
}

fn sqlite_err(path: &Path, source: rusqlite::Error) -> DbError {
    match source.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => DbError::Locked {
            path: path.to_path_buf(),
        },
        _ => DbError::Sqlite {
            path: path.to_path_buf(),
            source,
        },
    }
}

/// The page engine's error, with the database's own path.
fn pages_err(path: &Path, e: PagesError) -> DbError {
    DbError::Pages {
        path: path.to_path_buf(),
        message: e.kind.to_string(),
    }
}

pub(crate) fn sidecar_path(db: &Path, suffix: &str) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Size of a sidecar if it exists as a regular file (never followed).
fn sidecar_len(p: &Path) -> Result<Option<u64>, DbError> {
    match fs::symlink_metadata(p) {
        Ok(m) if m.is_file() => Ok(Some(m.len())),
        Ok(_) => Err(DbError::UnsafeSidecar {
            path: p.to_path_buf(),
        }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(DbError::Io {
            path: p.to_path_buf(),
            source: e,
        }),
    }
}

/// `"name"` with embedded quotes doubled.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// SQLite's lock bytes (os_unix.c): a reader takes a read lock on `PENDING_BYTE`,
/// then on the `SHARED_SIZE` bytes from `SHARED_FIRST`.
const PENDING_BYTE: u64 = 0x4000_0000;
const SHARED_FIRST: u64 = PENDING_BYTE + 2;
const SHARED_SIZE: u64 = 510;

/// Whether another process holds a lock that would make SQLite's reader wait
/// (`SQLITE_BUSY`): a write lock on the pending byte or the shared range, asked
/// with `F_GETLK`, which takes no lock itself. A filesystem that cannot answer
/// counts as unlocked (nothing else can be known there).
fn writer_lock_held(path: &Path) -> Result<bool, DbError> {
    use rustix::process::{fcntl_getlk, Flock, FlockOffsetType, FlockType};
    let (file, _) = open_regular(path).map_err(io_err(path))?;
    for (start, length) in [(PENDING_BYTE, 1), (SHARED_FIRST, SHARED_SIZE)] {
        let probe = Flock {
            start,
            length,
            pid: None,
            typ: FlockType::ReadLock,
            offset_type: FlockOffsetType::Set,
        };
        if fcntl_getlk(&file, &probe).is_ok_and(|l| l.is_some()) {
            return Ok(true);
        }
    }
    Ok(false)
}

fn harden(conn: &Connection) {
    // Best effort: none of these can make the read less safe if refused.
    let _ = conn.set_db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false);
    let _ = conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true);
    let _ = conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_ATTACH_CREATE, false);
    let _ = conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_ATTACH_WRITE, false);
    let _ = conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true);
}

/// The first `pages` committed pages of a plaintext database, in SQLite's
/// memory, read-only: streamed page by page into the buffer SQLite owns.
fn in_memory(path: &Path, src: &dyn PageSource, pages: u32) -> Result<Connection, DbError> {
    let mut conn = Connection::open_in_memory_with_flags(
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| sqlite_err(path, e))?;
    harden(&conn);
    if pages == 0 {
        return Ok(conn);
    }
    let mut reader = ImageReader::new(src, pages);
    let len = usize::try_from(reader.len()).map_err(|_| DbError::TooLarge {
        path: path.to_path_buf(),
        bytes: reader.len(),
        max: usize::MAX as u64,
    })?;
    if let Err(e) = conn.deserialize_read_exact(MAIN_DB, &mut reader, len, true) {
        return Err(match reader.error() {
            Some(pe) => DbError::Pages {
                path: path.to_path_buf(),
                message: pe.to_string(),
            },
            None => sqlite_err(path, e),
        });
    }
    Ok(conn)
}

/// Reads `sqlite_master` and, when `count`, counts each table's rows.
fn list_objects(conn: &Connection, path: &Path, count: bool) -> Result<Vec<DbObject>, DbError> {
    let mut stmt = conn
        .prepare(
            "SELECT type, name, tbl_name, sql FROM main.sqlite_master \
             WHERE type IN ('table', 'index') ORDER BY name, type",
        )
        .map_err(|e| sqlite_err(path, e))?;
    let text = |v: ValueRef<'_>| -> (String, bool) {
        match v {
            ValueRef::Text(b) | ValueRef::Blob(b) => match std::str::from_utf8(b) {
                Ok(s) => (s.to_string(), true),
                Err(_) => (String::from_utf8_lossy(b).into_owned(), false),
            },
            _ => (String::new(), true),
        }
    };
    let rows = stmt
        .query_map([], |r| {
            let (ty, _) = text(r.get_ref(0)?);
            let (name, name_ok) = text(r.get_ref(1)?);
            let (table, _) = text(r.get_ref(2)?);
            let (sql, _) = text(r.get_ref(3)?);
            let kind = match ty.as_str() {
                "index" => ObjectKind::Index,
                _ if is_virtual(&sql) => ObjectKind::VirtualTable,
                _ => ObjectKind::Table,
            };
            Ok((name, name_ok, kind, table))
        })
        .map_err(|e| sqlite_err(path, e))?;
    let mut objects = Vec::new();
    for row in rows {
        let (name, name_ok, kind, table) = row.map_err(|e| sqlite_err(path, e))?;
        objects.push(DbObject {
            name,
            kind,
            table,
            rows: None,
            pages: None,
            error: (!name_ok).then(|| "name is not valid UTF-8".to_string()),
            time_range: None,
            pages_with_indexes: None,
        });
    }
    drop(stmt);
    if count {
        for o in objects.iter_mut() {
            if o.kind == ObjectKind::Index || o.error.is_some() {
                continue;
            }
            let sql = format!("SELECT count(*) FROM main.{}", quote_ident(&o.name));
            match conn.query_row(&sql, [], |r| r.get::<_, i64>(0)) {
                Ok(n) => o.rows = Some(u64::try_from(n).unwrap_or(0)),
                Err(e) => o.error = Some(e.to_string()),
            }
            if let Some(col) = time_column(&o.name) {
                let sql = format!(
                    "SELECT min({c}), max({c}) FROM main.{t} WHERE typeof({c}) = 'integer'",
                    c = quote_ident(col),
                    t = quote_ident(&o.name)
                );
                o.time_range = conn
                    .query_row(&sql, [], |r| {
                        Ok((r.get::<_, Option<i64>>(0)?, r.get::<_, Option<i64>>(1)?))
                    })
                    .ok()
                    .and_then(|(lo, hi)| Some((lo?, hi?)));
            }
        }
    }
    Ok(objects)
}

fn is_virtual(sql: &str) -> bool {
    sql.trim_start()
        .get(..20)
        .is_some_and(|p| p.eq_ignore_ascii_case("CREATE VIRTUAL TABLE"))
}

/// The walker's objects as [`DbObject`]s, sorted by name (`sqlite_schema`
/// itself left out, as `sqlite_master` leaves it out).
fn objects_from(layout: &Layout) -> Vec<DbObject> {
    use super::btree::ObjectKind as K;
    let mut out: Vec<DbObject> = layout
        .objects
        .iter()
        .filter(|o| o.kind != K::Schema)
        .map(|o| {
            let kind = match o.kind {
                K::Index => ObjectKind::Index,
                K::VirtualTable => ObjectKind::VirtualTable,
                _ => ObjectKind::Table,
            };
            let error = match (&o.error, kind) {
                (Some(e), _) => Some(e.clone()),
                (None, ObjectKind::VirtualTable) if layout.mode != WalkMode::Schema => Some(
                    "a virtual table: not counted here (its rows are in its shadow tables)".into(),
                ),
                _ => None,
            };
            DbObject {
                name: o.name.clone(),
                kind,
                table: o.table.clone(),
                rows: (kind == ObjectKind::Table && o.rows_known && o.complete).then_some(o.rows),
                pages: (o.pages_known && kind != ObjectKind::VirtualTable).then(|| o.pages()),
                error,
                time_range: None,
                pages_with_indexes: None,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        a.name
            .cmp(&b.name)
            .then_with(|| kind_order(a).cmp(&kind_order(b)))
    });
    out
}

/// Fills `time_range` of the message tables ([`time_column`]) from the pages
/// ([`table_facts`]), and `pages_with_indexes` unless every page was walked; a
/// table whose facts cannot be read is an issue.
fn message_facts(
    src: &dyn PageSource,
    layout: &Layout,
    objects: &mut [DbObject],
    issues: &mut Vec<String>,
) {
    let mut failed = 0usize;
    let mut first = None;
    for o in objects.iter_mut() {
        if o.kind != ObjectKind::Table || o.error.is_some() {
            continue;
        }
        let Some(col) = time_column(&o.name) else {
            continue;
        };
        let pages = layout.mode != WalkMode::Full;
        match table_facts(src, layout, &o.name, col, pages) {
            Ok(f) => {
                o.time_range = f.range;
                o.pages_with_indexes = f.pages;
            }
            Err(e) => {
                failed += 1;
                first.get_or_insert_with(|| format!("{}: {e}", o.name));
            }
        }
    }
    if let Some(e) = first {
        issues.push(format!(
            "the first and last message time and the pages of {failed} message tables cannot be read (first: {})",
            crate::escape::printable(&e)
        ));
    }
}

fn kind_order(o: &DbObject) -> u8 {
    match o.kind {
        ObjectKind::Index => 0,
        _ => 1,
    }
}

/// The walker's page problems as issues.
fn layout_issues(layout: &Layout, issues: &mut Vec<String>) {
    issues.extend(layout.issues.iter().cloned());
    if layout.unreadable_pages > 0 {
        let first = layout
            .unreadable_examples
            .first()
            .map(|e| format!(" (first: {e})"))
            .unwrap_or_default();
        issues.push(format!(
            "{} page(s) could not be read{first}",
            layout.unreadable_pages
        ));
    }
}

/// What the committed page 1 says, checked against the pages there are.
struct Committed {
    page_size: u32,
    page_count: u32,
    journal: JournalMode,
    freelist: Option<u64>,
    /// The header claims more pages than there are (SQLite would call the
    /// database corrupt; the walker reads what there is).
    impossible_size: bool,
}

fn committed(
    path: &Path,
    src: &dyn PageSource,
    issues: &mut Vec<String>,
) -> Result<Committed, DbError> {
    let ps = src.page_size();
    let mut p1 = Zeroizing::new(vec![0u8; ps as usize]);
    src.read_page(1, &mut p1).map_err(|e| DbError::Pages {
        path: path.to_path_buf(),
        message: format!("page 1 cannot be read: {e}"),
    })?;
    let header =
        parse_sqlite_header(&p1[..p1.len().min(100)]).map_err(|source| DbError::Header {
            path: path.to_path_buf(),
            source,
        })?;
    if header.journal == JournalMode::Unknown {
        return Err(DbError::UnsupportedFormat {
            path: path.to_path_buf(),
            read_version: header.read_version,
        });
    }
    if header.page_size != ps {
        return Err(DbError::Pages {
            path: path.to_path_buf(),
            message: format!(
                "page 1 gives page size {}, but its pages are {ps} bytes",
                header.page_size
            ),
        });
    }
    let (page_count, issue) = committed_page_count(
        header.page_count_valid.then_some(header.header_page_count),
        src.page_count(),
    );
    let impossible_size = issue.is_some();
    issues.extend(issue);
    // Page 1 is never free.
    let freelist = if header.freelist_pages < page_count.max(1) {
        Some(u64::from(header.freelist_pages))
    } else {
        issues.push(format!(
            "the header says {} pages are free, but the database has {page_count} pages; free space not reported",
            header.freelist_pages
        ));
        None
    };
    Ok(Committed {
        page_size: ps,
        page_count,
        journal: header.journal,
        freelist,
        impossible_size,
    })
}

/// Lists the tables and indexes of the database at `path` with their row
/// counts, from its committed pages, without creating, changing or deleting
/// any file anywhere (see the module docs).
pub fn inspect_db(path: &Path, opts: &InspectOptions) -> Result<DbInfo, DbError> {
    let sidecars = Sidecars {
        wal_bytes: sidecar_len(&sidecar_path(path, "-wal"))?,
        shm_bytes: sidecar_len(&sidecar_path(path, "-shm"))?,
        journal_bytes: sidecar_len(&sidecar_path(path, "-journal"))?,
    };
    // Opened once here too, so a folder, a vanished or an unreadable file is
    // told apart from a database problem.
    open_regular(path).map_err(io_err(path))?;
    let OpenedDb { report, pages } =
        open_database(path, opts.keys.as_deref()).map_err(|e| pages_err(path, e))?;
    let mut info = DbInfo {
        file_len: report.file_bytes,
        format: report.format,
        key: report.key,
        profile: report.profile,
        page_size: None,
        page_count: None,
        freelist_pages: None,
        journal: None,
        sidecars,
        wal: report.wal,
        hot_journal: report.hot_journal,
        access: None,
        objects: Vec::new(),
        schema_read: false,
        rows_skipped: None,
        issues: report.issues,
        notes: report.notes,
    };
    let Some(src) = pages else {
        info.rows_skipped = Some(
            match (report.format, report.key) {
                (DbFormat::Sqlite, _) => "empty database",
                (DbFormat::Sqlcipher, Some(KeyStatus::Mismatch)) => {
                    "encrypted: the key does not open it"
                }
                (DbFormat::Sqlcipher, _) => "encrypted: no key for it",
                (DbFormat::Unknown, _) => "unknown format: neither SQLite nor SQLCipher",
            }
            .to_string(),
        );
        if report.format == DbFormat::Sqlite {
            info.schema_read = true;
            info.page_count = Some(0);
        }
        return Ok(info);
    };
    let c = committed(path, &*src, &mut info.issues)?;
    info.page_size = Some(c.page_size);
    info.page_count = Some(u64::from(c.page_count));
    info.freelist_pages = c.freelist;
    info.journal = Some(c.journal);
    if c.journal == JournalMode::Legacy && writer_lock_held(path)? {
        return Err(DbError::Locked {
            path: path.to_path_buf(),
        });
    }
    if !opts.count_rows {
        info.rows_skipped = Some("row counting disabled".into());
    }
    let image_bytes = u64::from(c.page_count) * u64::from(c.page_size);
    let walk = |mode: WalkMode| {
        analyze_with(
            &*src,
            &WalkOptions {
                threads: opts.threads.max(1),
                verify_unreached: report.encrypted,
                mode,
            },
        )
        .map_err(|e| DbError::Pages {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
    };
    if report.format == DbFormat::Sqlite && image_bytes <= opts.in_memory_max && !c.impossible_size
    {
        let conn = in_memory(path, &*src, c.page_count)?;
        info.objects = list_objects(&conn, path, opts.count_rows)?;
        drop(conn);
        info.access = Some(Access::InMemory);
        if opts.mode == WalkMode::Full {
            let layout = walk(WalkMode::Full)?;
            for o in info.objects.iter_mut() {
                o.pages = layout
                    .objects
                    .iter()
                    .find(|l| l.name == o.name && l.kind != super::btree::ObjectKind::VirtualTable)
                    .map(|l| l.pages());
            }
            info.freelist_pages = Some(layout.freelist_pages);
            layout_issues(&layout, &mut info.issues);
        }
    } else {
        let mode = if opts.count_rows {
            opts.mode
        } else {
            WalkMode::Schema
        };
        let layout = walk(mode)?;
        if let Some(e) = layout.objects.first().and_then(|o| o.error.as_ref()) {
            info.issues.push(format!(
                "its schema (sqlite_schema) cannot be read whole: {e}"
            ));
        }
        info.objects = objects_from(&layout);
        if mode != WalkMode::Schema && opts.message_facts {
            message_facts(&*src, &layout, &mut info.objects, &mut info.issues);
        }
        info.access = Some(Access::Pages);
        if mode == WalkMode::Full {
            info.freelist_pages = Some(layout.freelist_pages);
        }
        // The header check above already said it when the header is impossible.
        let mut issues = Vec::new();
        layout_issues(&layout, &mut issues);
        for i in issues {
            if !info.issues.contains(&i) {
                info.issues.push(i);
            }
        }
    }
    info.schema_read = true;
    Ok(info)
}

/// How [`with_read_only_connection`] saw the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewInfo {
    pub access: Access,
    /// Things a reader should know (an ignored `-wal`, a hot journal), as sentences.
    pub notes: Vec<String>,
}

/// Runs `f` on a read-only, in-memory view of the committed state of the
/// plaintext SQLite database at `path` (its `-wal` frames applied), or of a
/// SQLCipher database `opts.keys` opens (decrypted page by page), built as
/// [`inspect_db`] builds it, so no file anywhere is created, changed or
/// deleted. A committed state over `opts.in_memory_max` bytes is refused
/// ([`DbError::TooLarge`]); the connection is hardened (no trusted schema,
/// defensive) and dropped before this returns.
pub fn with_read_only_connection<T>(
    path: &Path,
    opts: &InspectOptions,
    f: impl FnOnce(&Connection) -> rusqlite::Result<T>,
) -> Result<(T, ViewInfo), DbError> {
    for side in ["-wal", "-shm", "-journal"] {
        sidecar_len(&sidecar_path(path, side))?;
    }
    open_regular(path).map_err(io_err(path))?;
    let OpenedDb { mut report, pages } =
        open_database(path, opts.keys.as_deref()).map_err(|e| pages_err(path, e))?;
    // A SQLCipher file only when the run's keys opened it (the contact
    // databases, issue 17; see the module docs).
    let opened = report.format == DbFormat::Sqlite
        || (report.format == DbFormat::Sqlcipher && report.key == Some(KeyStatus::Ok));
    if !opened {
        return Err(DbError::NotPlaintext {
            path: path.to_path_buf(),
        });
    }
    let conn = match pages {
        // An empty file: SQLite sees a database with no tables.
        None => in_memory(path, &Vacant, 0)?,
        Some(src) => {
            let c = committed(path, &*src, &mut report.issues)?;
            if c.journal == JournalMode::Legacy && writer_lock_held(path)? {
                return Err(DbError::Locked {
                    path: path.to_path_buf(),
                });
            }
            let bytes = u64::from(c.page_count) * u64::from(c.page_size);
            if bytes > opts.in_memory_max {
                return Err(DbError::TooLarge {
                    path: path.to_path_buf(),
                    bytes,
                    max: opts.in_memory_max,
                });
            }
            in_memory(path, &*src, c.page_count)?
        }
    };
    let out = f(&conn).map_err(|e| sqlite_err(path, e))?;
    drop(conn);
    report.notes.extend(report.issues);
    Ok((
        out,
        ViewInfo {
            access: Access::InMemory,
            notes: report.notes,
        },
    ))
}

/// No pages at all (an empty database).
struct Vacant;

impl PageSource for Vacant {
    fn page_size(&self) -> u32 {
        4096
    }
    fn page_count(&self) -> u32 {
        0
    }
    fn read_page(&self, pgno: u32, _buf: &mut [u8]) -> Result<(), super::pages::PageError> {
        Err(super::pages::PageError::OutOfRange { pgno, count: 0 })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests;
