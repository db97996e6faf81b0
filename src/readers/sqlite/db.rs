//! Strictly read-only listing of a plaintext SQLite database: tables, indexes
//! and exact row counts as a reader of the database sees them, WAL included.
//!
//! # Nothing under the scanned tree is ever created, changed or deleted
//!
//! SQLite's stock unix VFS is not read-only enough for that, even with
//! `SQLITE_OPEN_READONLY` / `mode=ro`, and especially as root. Observed with
//! strace on the system `sqlite3` 3.40, confirmed in the bundled 3.50 source
//! (`unixOpen`, `unixOpenSharedMemory`, `pagerOpenWalIfPresent`,
//! `hasHotJournal`), and re-checked against the bundled library by the test
//! `naive_read_only_open_modifies_the_tree`:
//!
//! * opening a WAL database (or any database with a `-wal` file) opens the
//!   `-wal` with `O_RDWR|O_CREAT` (creating it if missing) and `fchown`s it,
//!   then creates and writes the `-shm`;
//! * `readonly_shm=1` still opens and `fchown`s the `-wal`, and fails with
//!   `SQLITE_CANTOPEN` when the `-shm` is missing;
//! * `PRAGMA locking_mode=EXCLUSIVE` before the first read needs an
//!   exclusive lock, which a read-only descriptor cannot take (I/O error);
//!   with `vfs=unix-none` it reads, but tries to checkpoint on close (a
//!   `pwrite` into the database that only fails because the descriptor is
//!   read-only);
//! * any `-journal` next to a legacy database is opened and `fchown`ed by
//!   the hot-journal check (a ctime change when running as root), and a hot
//!   one fails with `SQLITE_READONLY_ROLLBACK`;
//! * a `-wal` next to a zero-page database is *deleted* by a read-only open.
//!
//! So [`inspect_db`] first reads the header and looks at the sidecars itself,
//! then picks one of three ways in ([`Access`]):
//!
//! * **In place, `mode=ro`** only for a legacy-journal database with no
//!   `-wal` and no `-journal`: SQLite then opens just the database file
//!   `O_RDONLY` and takes advisory read locks, so a writer holding an
//!   exclusive lock makes this an error value ([`DbError::Locked`], busy
//!   timeout 0 by default) instead of a hang.
//! * **In place, `immutable=1`** when the file on disk is the whole truth: a
//!   WAL database whose `-wal` is missing or holds no valid committed frame
//!   (checked with [`crate::readers::sqlite::wal`], which follows SQLite's recovery
//!   rules), or a legacy database whose `-journal` is not hot. SQLite then
//!   opens only the database file, takes no locks and ignores sidecars.
//! * **Private copy** when the view needs a sidecar applied: the database and
//!   its `-wal` (frames not yet checkpointed, e.g. Apple's `Cache.db` with
//!   its `-shm` missing) or its hot `-journal` are copied (`O_NOFOLLOW`
//!   reads) into a fresh `0700` directory under the scratch dir, which must
//!   lie outside the scanned tree, and SQLite recovers or rolls back the copy
//!   there. The copy is deleted afterwards. A journal that names a
//!   super-journal is never copied (rolling it back could delete the
//!   super-journal in the original directory); that view is reported stale.
//!
//! # In memory, when small
//!
//! Those are the views; the mechanism for most databases is cheaper. When the
//! database plus any `-wal` to apply is at most [`InspectOptions::in_memory_max`]
//! (8 MiB), the bytes are read (through the descriptor the header came from),
//! the `-wal`'s committed frames are written over their pages by
//! [`crate::readers::sqlite::wal::apply_committed_frames`] (the same valid-frame walk as
//! SQLite's recovery, bounded), the file-format bytes are set to rollback mode
//! in our copy (as the `sqlite3_deserialize` docs prescribe for WAL images), and
//! SQLite gets the image read-only through `sqlite3_deserialize`. SQLite then
//! touches no file at all: no path resolution, locks, `-shm` or private copy.
//! For the in-place `mode=ro` view, `F_GETLK` first asks whether another
//! process holds a write lock on SQLite's pending byte or shared range; if so,
//! the file-based path runs and SQLite reports the lock. A hot journal, a WAL
//! with another page size, or frames past the bound also take the file-based
//! path. The two mechanisms give the same answers (tested).
//!
//! # Cost bounds
//!
//! Row counts are `SELECT count(*) FROM main."<name>"` per table (identifier
//! quoting doubles `"`), so they cost a full b-tree walk. They are skipped
//! (`rows: None`, with [`DbInfo::rows_skipped`] saying why) when the caller
//! passes `count_rows: false`, when database plus applied sidecar is larger
//! than [`RowCountLimit::max_db_bytes`] (default 256 MiB), or when the view
//! is stale. [`RowCountLimit::max_rows_per_table`] caps each count
//! (`rows_capped` then marks a lower bound). A private copy is only made
//! within `max_db_bytes` too. A table that cannot be counted (e.g. a virtual
//! table whose module or tokenizer is not compiled in: WeChat 4.x
//! `message_fts.db` uses a custom FTS5 tokenizer) gets an error string of
//! its own; the other tables are still counted. The bundled SQLite has FTS3,
//! FTS4, FTS5, R-Tree and DBSTAT.
//!
//! Known limits: a sidecar that appears between our check and SQLite's open
//! (a live writer) can still be touched by the in-place `mode=ro` path; a
//! live writer can make any in-place read see a torn state, reported as an
//! SQLite error value.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, ErrorCode, OpenFlags, MAIN_DB};
use serde::Serialize;
use thiserror::Error;

use super::header::{parse_sqlite_header, HeaderError, JournalMode, SqliteHeader};
use super::wal::{apply_committed_frames, WalInfo};
use crate::readers::open_regular;

/// Default for [`RowCountLimit::max_db_bytes`]: 256 MiB.
pub const DEFAULT_MAX_DB_BYTES: u64 = 256 * 1024 * 1024;
/// Default for [`InspectOptions::in_memory_max`]: 8 MiB of database plus `-wal`
/// (per worker thread, transiently; twice that while a `-wal` is applied).
pub const DEFAULT_IN_MEMORY_MAX: u64 = 8 * 1024 * 1024;
/// How much of a `-wal` is read to decide whether it holds committed frames
/// (WeChat preallocates 4 MiB WALs).
pub const WAL_READ_MAX: usize = 8 * 1024 * 1024;
/// Rollback-journal header magic.
const JOURNAL_MAGIC: [u8; 8] = [0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7];

/// Bounds on the cost of counting rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowCountLimit {
    /// Skip counts (and private copies) above this many bytes of database
    /// plus applied sidecar.
    pub max_db_bytes: u64,
    /// Count at most this many rows per table; `rows_capped` marks the cap.
    pub max_rows_per_table: Option<u64>,
}

impl Default for RowCountLimit {
    fn default() -> Self {
        RowCountLimit {
            max_db_bytes: DEFAULT_MAX_DB_BYTES,
            max_rows_per_table: None,
        }
    }
}

/// Options for [`inspect_db`].
#[derive(Debug, Clone)]
pub struct InspectOptions {
    /// Count rows per table (subject to `limit`).
    pub count_rows: bool,
    pub limit: RowCountLimit,
    /// SQLite busy timeout for the in-place read (default 0: fail at once).
    pub busy_timeout: Duration,
    /// Parent of private copies; default `std::env::temp_dir()`.
    pub scratch_dir: Option<PathBuf>,
    /// The scanned tree; the scratch dir must not be inside it (nor inside
    /// the database's own directory, which is always checked).
    pub scan_root: Option<PathBuf>,
    /// Views up to this many bytes (database plus applied `-wal`) are read into
    /// memory and handed to SQLite whole ([`Access`] says which view; see the
    /// module docs); 0 always uses the file-based paths.
    pub in_memory_max: u64,
}

impl Default for InspectOptions {
    fn default() -> Self {
        InspectOptions {
            count_rows: true,
            limit: RowCountLimit::default(),
            busy_timeout: Duration::ZERO,
            scratch_dir: None,
            scan_root: None,
            in_memory_max: DEFAULT_IN_MEMORY_MAX,
        }
    }
}

/// Which view of the database was read (in memory or through SQLite's file
/// access; see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// `mode=ro` on the file itself (legacy journal, no sidecars).
    InPlaceReadOnly,
    /// `immutable=1` on the file itself (no sidecar content to apply).
    InPlaceImmutable,
    /// A private copy with its `-wal` or hot `-journal` applied.
    PrivateCopy,
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
    /// `rows` hit `max_rows_per_table` and is a lower bound.
    pub rows_capped: bool,
    /// Why this table could not be counted.
    pub error: Option<String>,
}

/// What [`inspect_db`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DbInfo {
    pub file_len: u64,
    pub header: SqliteHeader,
    /// Pages by header (or file length when the header count is stale).
    pub page_count: u64,
    pub sidecars: Sidecars,
    /// The `-wal`, parsed over its first [`WAL_READ_MAX`] bytes.
    pub wal: Option<WalInfo>,
    /// A `-journal` whose first byte is non-zero (SQLite would roll it back).
    pub hot_journal: bool,
    pub access: Access,
    /// The view ignores sidecar content that a reader would see (too large
    /// to copy, or a super-journal); counts are then skipped.
    pub stale_view: bool,
    /// Tables and indexes, sorted by name.
    pub objects: Vec<DbObject>,
    /// Why row counts were not taken, if they were not.
    pub rows_skipped: Option<String>,
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
    #[error("{}: database is locked by another connection", path.display())]
    Locked { path: PathBuf },
    #[error("{}: {}", path.display(), super::sqlite_reason(source))]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("{}: unusable scratch directory: {reason}", path.display())]
    Scratch { path: PathBuf, reason: String },
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

fn sidecar_path(db: &Path, suffix: &str) -> PathBuf {
    let mut s: OsString = db.as_os_str().to_owned();
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

/// What a `-journal` looks like.
#[derive(Debug, Default, Clone, Copy)]
struct JournalState {
    hot: bool,
    super_journal: bool,
}

/// SQLite calls a journal hot when its first byte is non-zero (and no
/// writer holds a RESERVED lock, which cannot be seen from here). A
/// super-journal record sits at the very end: name length (u32 BE) at
/// `len-16`, checksum at `len-12`, journal magic at `len-8`.
fn journal_state(p: &Path) -> Result<JournalState, DbError> {
    let (mut f, meta) = open_regular(p).map_err(io_err(p))?;
    let len = meta.len();
    let mut first = [0u8; 1];
    let hot = len > 0 && f.read(&mut first).map_err(io_err(p))? == 1 && first[0] != 0;
    let mut super_journal = false;
    if len >= 16 {
        let mut tail = [0u8; 16];
        f.seek(SeekFrom::Start(len - 16)).map_err(io_err(p))?;
        f.read_exact(&mut tail).map_err(io_err(p))?;
        let name_len = u32::from_be_bytes([tail[0], tail[1], tail[2], tail[3]]);
        super_journal = tail[8..] == JOURNAL_MAGIC && name_len > 0;
    }
    Ok(JournalState { hot, super_journal })
}

/// `file:` URI for `path` with every byte outside `[A-Za-z0-9/._~-]`
/// percent-encoded.
fn file_uri(path: &Path, query: &str) -> String {
    let bytes = path.as_os_str().as_bytes();
    let mut s = String::from(if bytes.first() == Some(&b'/') {
        "file://"
    } else {
        "file:"
    });
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            s.push(char::from(b));
        } else {
            let _ = write!(s, "%{b:02X}");
        }
    }
    s.push('?');
    s.push_str(query);
    s
}

/// `"name"` with embedded quotes doubled.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A private scratch directory, removed on drop.
struct Scratch {
    dir: PathBuf,
}

static SCRATCH_SEQ: AtomicU64 = AtomicU64::new(0);

impl Scratch {
    fn create(db: &Path, opts: &InspectOptions) -> Result<Scratch, DbError> {
        let base = opts.scratch_dir.clone().unwrap_or_else(std::env::temp_dir);
        let bad = |reason: String| DbError::Scratch {
            path: base.clone(),
            reason,
        };
        let canon = fs::canonicalize(&base).map_err(|e| bad(e.to_string()))?;
        let db_dir = db.parent().filter(|p| !p.as_os_str().is_empty());
        let db_dir = fs::canonicalize(db_dir.unwrap_or_else(|| Path::new(".")))
            .map_err(|e| bad(format!("cannot resolve the database directory: {e}")))?;
        let mut forbidden = vec![db_dir];
        if let Some(root) = &opts.scan_root {
            forbidden.push(
                fs::canonicalize(root)
                    .map_err(|e| bad(format!("cannot resolve the scan root: {e}")))?,
            );
        }
        if let Some(f) = forbidden.iter().find(|f| canon.starts_with(f)) {
            return Err(bad(format!("inside the scanned tree {}", f.display())));
        }
        for _ in 0..64 {
            let n = SCRATCH_SEQ.fetch_add(1, Ordering::Relaxed);
            let dir = canon.join(format!("wechat-inspect-{}-{n}", std::process::id()));
            match DirBuilder::new().mode(0o700).create(&dir) {
                Ok(()) => return Ok(Scratch { dir }),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(bad(e.to_string())),
            }
        }
        Err(bad("no free name".to_string()))
    }

    /// Copies the regular file `src` (not followed if a symlink) to
    /// `self.dir/name`, at most `max` bytes.
    fn copy_in(&self, src: &Path, name: &str, max: u64) -> Result<PathBuf, DbError> {
        let (from, _) = open_regular(src).map_err(io_err(src))?;
        let dst = self.dir.join(name);
        let mut to: File = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&dst)
            .map_err(io_err(&dst))?;
        io::copy(&mut from.take(max), &mut to).map_err(io_err(src))?;
        Ok(dst)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// The decision, before any SQLite call.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Plan {
    InPlace,
    Immutable { stale: Option<String> },
    CopyWithWal,
    CopyWithJournal,
}

/// Which sidecar content a reader of the database would see, and how to
/// get that view without touching the original files.
fn plan(
    header: &SqliteHeader,
    file_len: u64,
    sidecars: &Sidecars,
    wal: Option<&WalInfo>,
    journal: JournalState,
    max_bytes: u64,
) -> Plan {
    if header.journal == JournalMode::Wal || sidecars.wal_bytes.is_some() {
        let wal_len = sidecars.wal_bytes.unwrap_or(0);
        let has_frames =
            wal.is_some_and(|w| w.committed_frames > 0 || (!w.scan_complete && w.valid_frames > 0));
        if !has_frames {
            return Plan::Immutable { stale: None };
        }
        if file_len.saturating_add(wal_len) <= max_bytes {
            return Plan::CopyWithWal;
        }
        return Plan::Immutable {
            stale: Some(format!(
                "WAL frames not applied: database + WAL = {} bytes, over the {max_bytes}-byte limit",
                file_len.saturating_add(wal_len)
            )),
        };
    }
    match sidecars.journal_bytes {
        None => Plan::InPlace,
        Some(_) if !journal.hot => Plan::Immutable { stale: None },
        Some(_) if journal.super_journal => Plan::Immutable {
            stale: Some(
                "hot journal names a super-journal; not rolled back (view may hold uncommitted pages)"
                    .to_string(),
            ),
        },
        Some(j) if file_len.saturating_add(j) <= max_bytes => Plan::CopyWithJournal,
        Some(j) => Plan::Immutable {
            stale: Some(format!(
                "hot journal not rolled back: database + journal = {} bytes, over the {max_bytes}-byte limit",
                file_len.saturating_add(j)
            )),
        },
    }
}

fn harden(conn: &Connection) {
    // Best effort: none of these can make the read less safe if refused.
    let _ = conn.set_db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false);
    let _ = conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true);
    let _ = conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_ATTACH_CREATE, false);
    let _ = conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_ATTACH_WRITE, false);
    let _ = conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true);
}

/// Reads `sqlite_master` and counts rows.
fn list_objects(
    conn: &Connection,
    path: &Path,
    count: bool,
    cap: Option<u64>,
) -> Result<Vec<DbObject>, DbError> {
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
                _ if sql
                    .trim_start()
                    .get(..20)
                    .is_some_and(|p| p.eq_ignore_ascii_case("CREATE VIRTUAL TABLE")) =>
                {
                    ObjectKind::VirtualTable
                }
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
            rows_capped: false,
            error: (!name_ok).then(|| "name is not valid UTF-8".to_string()),
        });
    }
    drop(stmt);
    if count {
        for o in objects.iter_mut() {
            if o.kind == ObjectKind::Index || o.error.is_some() {
                continue;
            }
            let target = format!("main.{}", quote_ident(&o.name));
            let sql = match cap {
                None => format!("SELECT count(*) FROM {target}"),
                Some(c) => format!(
                    "SELECT count(*) FROM (SELECT 1 FROM {target} LIMIT {})",
                    c.saturating_add(1).min(i64::MAX as u64)
                ),
            };
            match conn.query_row(&sql, [], |r| r.get::<_, i64>(0)) {
                Ok(n) => {
                    let n = u64::try_from(n).unwrap_or(0);
                    match cap {
                        Some(c) if n > c => {
                            o.rows = Some(c);
                            o.rows_capped = true;
                        }
                        _ => o.rows = Some(n),
                    }
                }
                Err(e) => o.error = Some(e.to_string()),
            }
        }
    }
    Ok(objects)
}

/// What is known about a database before it is opened: its header, its sidecars,
/// and the way to open it read-only ([`plan`]).
struct Survey {
    /// The database, open, positioned just after `head`.
    file: File,
    /// Its first bytes (up to 100).
    head: Vec<u8>,
    file_len: u64,
    header: SqliteHeader,
    sidecars: Sidecars,
    wal: Option<WalInfo>,
    journal: JournalState,
    plan: Plan,
    /// What a reader of the chosen view would miss, if anything.
    stale: Option<String>,
    access: Access,
    notes: Vec<String>,
}

/// Read the header and the sidecars of the database at `path` and choose the view.
fn survey(path: &Path, max: u64) -> Result<Survey, DbError> {
    let (file, meta) = open_regular(path).map_err(io_err(path))?;
    let file_len = meta.len();
    let mut head = Vec::with_capacity(100);
    (&file)
        .take(100)
        .read_to_end(&mut head)
        .map_err(io_err(path))?;
    let header = parse_sqlite_header(&head).map_err(|source| DbError::Header {
        path: path.to_path_buf(),
        source,
    })?;
    if header.journal == JournalMode::Unknown {
        return Err(DbError::UnsupportedFormat {
            path: path.to_path_buf(),
            read_version: header.read_version,
        });
    }

    let wal_path = sidecar_path(path, "-wal");
    let shm_path = sidecar_path(path, "-shm");
    let journal_path = sidecar_path(path, "-journal");
    let sidecars = Sidecars {
        wal_bytes: sidecar_len(&wal_path)?,
        shm_bytes: sidecar_len(&shm_path)?,
        journal_bytes: sidecar_len(&journal_path)?,
    };
    let mut notes = Vec::new();
    let wal = match sidecars.wal_bytes {
        Some(_) => {
            let shm = sidecars.shm_bytes.map(|_| shm_path.as_path());
            match super::inspect_wal_file(&wal_path, shm, WAL_READ_MAX)
                .map_err(io_err(&wal_path))?
            {
                Ok(w) => Some(w),
                Err(e) => {
                    notes.push(format!("-wal ignored as SQLite would: {e}"));
                    None
                }
            }
        }
        None => None,
    };
    let journal = match sidecars.journal_bytes {
        Some(_) => journal_state(&journal_path)?,
        None => JournalState::default(),
    };
    if sidecars.journal_bytes.is_some() && !journal.hot {
        notes.push("-journal present but not hot (nothing to roll back)".to_string());
    }
    let plan = plan(&header, file_len, &sidecars, wal.as_ref(), journal, max);
    let (access, stale) = match &plan {
        Plan::InPlace => (Access::InPlaceReadOnly, None),
        Plan::Immutable { stale } => (Access::InPlaceImmutable, stale.clone()),
        Plan::CopyWithWal | Plan::CopyWithJournal => (Access::PrivateCopy, None),
    };
    if let Some(s) = &stale {
        notes.push(s.clone());
    }
    Ok(Survey {
        file,
        head,
        file_len,
        header,
        sidecars,
        wal,
        journal,
        plan,
        stale,
        access,
        notes,
    })
}

/// SQLite's lock bytes (os_unix.c): a reader takes a read lock on `PENDING_BYTE`,
/// then on the `SHARED_SIZE` bytes from `SHARED_FIRST`.
const PENDING_BYTE: u64 = 0x4000_0000;
const SHARED_FIRST: u64 = PENDING_BYTE + 2;
const SHARED_SIZE: u64 = 510;

/// Whether another process holds a lock that would make SQLite's reader wait
/// (`SQLITE_BUSY`): a write lock on the pending byte or the shared range, asked
/// with `F_GETLK`, which takes no lock itself.
fn writer_lock_held(file: &File) -> io::Result<bool> {
    use rustix::process::{fcntl_getlk, Flock, FlockOffsetType, FlockType};
    for (start, length) in [(PENDING_BYTE, 1), (SHARED_FIRST, SHARED_SIZE)] {
        let probe = Flock {
            start,
            length,
            pid: None,
            typ: FlockType::ReadLock,
            offset_type: FlockOffsetType::Set,
        };
        if fcntl_getlk(file, &probe)?.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The view in memory, when it is small enough: the database file's bytes, with
/// the `-wal`'s committed frames applied as SQLite's recovery would apply them
/// ([`apply_committed_frames`]), handed to SQLite with `sqlite3_deserialize`
/// read-only. SQLite then touches no file at all: no path resolution, no locks,
/// no `-shm`, no private copy. `None` means "use the file-based way": too big, a
/// hot journal to roll back, a writer holding a lock (so SQLite reports it), or a
/// WAL this code does not apply (another page size, frames past the limit).
fn open_in_memory(
    path: &Path,
    survey: &Survey,
    opts: &InspectOptions,
) -> Result<Option<Connection>, DbError> {
    let wal_bytes = match survey.plan {
        Plan::InPlace | Plan::Immutable { .. } => 0,
        Plan::CopyWithWal => survey.sidecars.wal_bytes.unwrap_or(0),
        Plan::CopyWithJournal => return Ok(None),
    };
    let max = opts.in_memory_max;
    if survey.file_len.saturating_add(wal_bytes) > max {
        return Ok(None);
    }
    // A lock we cannot ask about (a filesystem without POSIX locks) counts as held:
    // SQLite's own path then decides.
    if survey.plan == Plan::InPlace && writer_lock_held(&survey.file).unwrap_or(true) {
        return Ok(None);
    }
    // `sqlite3_deserialize` cannot open a WAL-mode image (its docs say to set the
    // file format bytes to 1); the view's pages are the same in rollback mode. This
    // changes our copy in memory, never the file.
    let rollback_mode = |image: &mut [u8]| {
        if let Some(format) = image.get_mut(18..20) {
            format.copy_from_slice(&[1, 1]);
        }
    };
    let rest_len = survey.file_len.saturating_sub(survey.head.len() as u64);
    let mut head = survey.head.clone();
    let mut image = Vec::new();
    if survey.plan == Plan::CopyWithWal {
        image.reserve(usize::try_from(survey.file_len).unwrap_or(0));
        image.extend_from_slice(&head);
        (&survey.file)
            .take(rest_len)
            .read_to_end(&mut image)
            .map_err(io_err(path))?;
        let wal_path = sidecar_path(path, "-wal");
        let (wal_file, _) = open_regular(&wal_path).map_err(io_err(&wal_path))?;
        let mut wal = Vec::new();
        wal_file
            .take(max.saturating_sub(image.len() as u64))
            .read_to_end(&mut wal)
            .map_err(io_err(&wal_path))?;
        if wal.len() as u64 != wal_bytes
            || apply_committed_frames(&mut image, &wal, survey.header.page_size, max).is_err()
        {
            return Ok(None);
        }
        rollback_mode(&mut image);
    } else {
        rollback_mode(&mut head);
    }
    let mut conn = Connection::open_in_memory_with_flags(
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| sqlite_err(path, e))?;
    // Straight from the file into SQLite's buffer when there is nothing to apply.
    let loaded = if survey.plan == Plan::CopyWithWal {
        let len = image.len();
        conn.deserialize_read_exact(MAIN_DB, &image[..], len, true)
    } else {
        let len = usize::try_from(survey.file_len).unwrap_or(usize::MAX);
        let file = io::Cursor::new(&head[..]).chain((&survey.file).take(rest_len));
        conn.deserialize_read_exact(MAIN_DB, file, len, true)
    };
    loaded.map_err(|e| sqlite_err(path, e))?;
    Ok(Some(conn))
}

/// Open the view `survey` chose: in place (`mode=ro` or `immutable=1`), or a private
/// copy in `scratch` (which must outlive the connection) with its `-wal` or hot
/// `-journal` applied. The connection is hardened and has the busy timeout set.
fn open_view(
    path: &Path,
    survey: &Survey,
    opts: &InspectOptions,
    scratch: &mut Option<Scratch>,
) -> Result<Connection, DbError> {
    let max = opts.limit.max_db_bytes;
    let ro = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if let Some(conn) = open_in_memory(path, survey, opts)? {
        harden(&conn);
        return Ok(conn);
    }
    let conn = match survey.plan {
        Plan::InPlace => Connection::open_with_flags(file_uri(path, "mode=ro"), ro),
        Plan::Immutable { .. } => {
            Connection::open_with_flags(file_uri(path, "mode=ro&immutable=1"), ro)
        }
        Plan::CopyWithWal | Plan::CopyWithJournal => {
            let dir = scratch.insert(Scratch::create(path, opts)?);
            let db = dir.copy_in(path, "db", max)?;
            if survey.plan == Plan::CopyWithWal {
                dir.copy_in(&sidecar_path(path, "-wal"), "db-wal", max)?;
            } else {
                dir.copy_in(&sidecar_path(path, "-journal"), "db-journal", max)?;
            }
            Connection::open_with_flags(
                file_uri(&db, "mode=rw"),
                OpenFlags::SQLITE_OPEN_READ_WRITE
                    | OpenFlags::SQLITE_OPEN_URI
                    | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
        }
    }
    .map_err(|e| sqlite_err(path, e))?;
    harden(&conn);
    conn.busy_timeout(opts.busy_timeout)
        .map_err(|e| sqlite_err(path, e))?;
    Ok(conn)
}

/// Lists tables and indexes of the plaintext SQLite database at `path`,
/// with row counts, without creating, changing or deleting any file next to
/// it (see the module docs for how).
pub fn inspect_db(path: &Path, opts: &InspectOptions) -> Result<DbInfo, DbError> {
    let max = opts.limit.max_db_bytes;
    let survey = survey(path, max)?;
    let view_bytes = survey.file_len.saturating_add(match survey.plan {
        Plan::CopyWithWal => survey.sidecars.wal_bytes.unwrap_or(0),
        Plan::CopyWithJournal => survey.sidecars.journal_bytes.unwrap_or(0),
        _ => 0,
    });
    let rows_skipped = if !opts.count_rows {
        Some("row counting disabled".to_string())
    } else if let Some(s) = &survey.stale {
        Some(format!("stale view: {s}"))
    } else if view_bytes > max {
        Some(format!(
            "database is {view_bytes} bytes, over the {max}-byte row-count limit"
        ))
    } else {
        None
    };
    let mut scratch = None;
    let conn = open_view(path, &survey, opts, &mut scratch)?;
    let objects = list_objects(
        &conn,
        path,
        rows_skipped.is_none(),
        opts.limit.max_rows_per_table,
    )?;
    drop(conn);
    drop(scratch);

    Ok(DbInfo {
        file_len: survey.file_len,
        page_count: survey.header.page_count_for(survey.file_len),
        header: survey.header,
        sidecars: survey.sidecars,
        wal: survey.wal,
        hot_journal: survey.journal.hot,
        access: survey.access,
        stale_view: survey.stale.is_some(),
        objects,
        rows_skipped,
        notes: survey.notes,
    })
}

/// How [`with_read_only_connection`] saw the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewInfo {
    pub access: Access,
    /// The view ignores sidecar content a reader would see (see [`DbInfo::stale_view`]).
    pub stale_view: bool,
    pub notes: Vec<String>,
}

/// Runs `f` on a read-only view of the plaintext SQLite database at `path`,
/// chosen exactly as [`inspect_db`] chooses it (in place `mode=ro`, in place
/// `immutable=1`, or a private copy outside the scanned tree with its `-wal`
/// or hot `-journal` applied), so nothing next to `path` is created, changed
/// or deleted. `opts.count_rows` is ignored; `opts.limit.max_db_bytes` bounds
/// private copies. The connection is hardened (no trusted schema, defensive,
/// no checkpoint on close) and closed before this returns.
pub fn with_read_only_connection<T>(
    path: &Path,
    opts: &InspectOptions,
    f: impl FnOnce(&Connection) -> rusqlite::Result<T>,
) -> Result<(T, ViewInfo), DbError> {
    let survey = survey(path, opts.limit.max_db_bytes)?;
    let mut scratch = None;
    let conn = open_view(path, &survey, opts, &mut scratch)?;
    let out = f(&conn).map_err(|e| sqlite_err(path, e))?;
    drop(conn);
    drop(scratch);
    Ok((
        out,
        ViewInfo {
            access: survey.access,
            stale_view: survey.stale.is_some(),
            notes: survey.notes,
        },
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests;
