//! The metadata pass: the database and property-list files the walk found are
//! described after it, in parallel over the worker count.
//!
//! The walk keeps only these files' paths ([`Candidate`]; dozens to hundreds in a real
//! container), never all files. Each database is read header first (100 bytes, O(1));
//! a plaintext one is then listed by [`crate::readers::sqlite::inspect_db`] (schema, and row
//! counts bounded by its [`RowCountLimit`] unless switched off), which never creates,
//! changes or deletes anything next to it. An encrypted database is described from its
//! size, role and sidecars alone. A plist is read whole (at most
//! [`MAX_PLIST_BYTES`]) and outlined by [`crate::readers::plist::inspect_plist`]. Per-file
//! problems become issues (`database`, `plist`, or the I/O kinds); the pass goes on.

use super::plist::{inspect_plist, PlistError, PlistFormat, MAX_PLIST_BYTES};
use super::read_head;
use super::sqlite::db::WAL_READ_MAX;
use super::sqlite::{
    db_role, expected_page_size, inspect_db, inspect_wal_file, parse_sqlite_header, DbError,
    HeaderError, InspectOptions, JournalMode, ObjectKind, RowCountLimit, SQLITE_HEADER_LEN,
    SQLITE_MAGIC,
};
use crate::error::io_issue;
use crate::escape::printable;
use crate::model::{Database, Issue, Plist, TableRows};
use crate::tree::classify::classify;
use std::ffi::OsString;
use std::fs;
use std::io;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Why a file was picked as a plist: a `.plist` name or `bplist00` magic must be
/// one; an extension-less file that merely starts like XML may not be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlistHint {
    /// `.plist`, `.archive` with plist magic, or `bplist00`: not being one is an issue.
    Certain,
    /// Starts `<?xml` (or `<plist`): quietly dropped if it is other XML.
    MaybeXml,
}

/// A file to describe after the walk.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Index of its root.
    pub root: usize,
    /// Escaped, relative to the report's base.
    pub rel: String,
    /// Escaped, container-relative.
    pub canonical: String,
    /// On disk.
    pub path: PathBuf,
    pub size: u64,
    pub allocated: u64,
}

/// What the walk collected for the metadata pass.
#[derive(Debug, Clone, Default)]
pub struct Candidates {
    pub databases: Vec<Candidate>,
    pub plists: Vec<(Candidate, PlistHint)>,
    /// Folders named like databases (reported as issues).
    pub dir_databases: Vec<String>,
}

impl Candidates {
    /// Take another worker's candidates.
    pub fn merge(&mut self, other: Candidates) {
        self.databases.extend(other.databases);
        self.plists.extend(other.plists);
        self.dir_databases.extend(other.dir_databases);
    }
}

/// What the pass does.
#[derive(Debug, Clone)]
pub struct MetaOptions {
    pub databases: bool,
    pub plists: bool,
    /// Count rows in plaintext databases (bounded by `limit`).
    pub count_rows: bool,
    pub limit: RowCountLimit,
    pub threads: usize,
}

impl Default for MetaOptions {
    fn default() -> Self {
        MetaOptions {
            databases: true,
            plists: true,
            count_rows: true,
            limit: RowCountLimit::default(),
            threads: 1,
        }
    }
}

/// What the pass found.
#[derive(Debug, Default)]
pub struct Described {
    /// Largest first, then by path.
    pub databases: Vec<Database>,
    /// By path.
    pub plists: Vec<Plist>,
    pub issues: Vec<Issue>,
}

/// Describe the candidates. `roots[i]` is root `i` on disk (no private copy of a
/// database is ever made inside it).
pub fn describe(c: Candidates, roots: &[PathBuf], opts: &MetaOptions) -> Described {
    let mut out = Described::default();
    if opts.databases {
        for rel in &c.dir_databases {
            out.issues.push(Issue {
                path: rel.clone(),
                kind: "database".into(),
                message: "named like a database but is a folder".into(),
            });
        }
        let done = par_map(&c.databases, opts.threads, |cand| {
            describe_db(cand, roots.get(cand.root), opts)
        });
        for (db, issues) in done {
            out.databases.extend(db);
            out.issues.extend(issues);
        }
        out.databases.sort_by(|a, b| {
            b.apparent_bytes
                .cmp(&a.apparent_bytes)
                .then_with(|| a.path.cmp(&b.path))
        });
    }
    if opts.plists {
        let done = par_map(&c.plists, opts.threads, |(cand, hint)| {
            describe_plist(cand, *hint)
        });
        for (p, issue) in done {
            out.plists.extend(p);
            out.issues.extend(issue);
        }
        out.plists.sort_by(|a, b| a.path.cmp(&b.path));
    }
    out
}

/// `f` over `items` with up to `threads` workers, results in input order.
fn par_map<T: Sync, R: Send>(items: &[T], threads: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = threads.clamp(1, items.len().max(1));
    if threads == 1 {
        return items.iter().map(&f).collect();
    }
    let next = AtomicUsize::new(0);
    let mut parts: Vec<Vec<(usize, R)>> = Vec::new();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        mine.push((i, f(item)));
                    }
                    mine
                })
            })
            .collect();
        for h in handles {
            // A worker that panicked loses its items; the rest of the report stands.
            if let Ok(v) = h.join() {
                parts.push(v);
            }
        }
    });
    let mut all: Vec<(usize, R)> = parts.into_iter().flatten().collect();
    all.sort_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, r)| r).collect()
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut s: OsString = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(OsString::from_vec(s.into_vec()))
}

/// Size of a regular sidecar file, if there is one.
fn sidecar_len(path: &Path) -> Option<u64> {
    fs::symlink_metadata(path)
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len())
}

/// (valid frames, pending frames) of a `-wal` (read as far as SQLite would, at most
/// [`WAL_READ_MAX`] bytes); `None`s when it cannot be parsed.
fn wal_frames(db: &Path, wal_len: Option<u64>, shm_len: Option<u64>) -> (Option<u64>, Option<u64>) {
    if wal_len.is_none() {
        return (None, None);
    }
    let shm = shm_len.map(|_| sidecar(db, "-shm"));
    match inspect_wal_file(&sidecar(db, "-wal"), shm.as_deref(), WAL_READ_MAX) {
        Ok(Ok(w)) => (Some(w.valid_frames), Some(w.pending_frames)),
        _ => (None, None),
    }
}

/// An error message without the absolute folder the database is in.
fn relative_message(e: &DbError, path: &Path) -> String {
    let msg = e.to_string();
    let file = path.display().to_string();
    let msg = match msg.strip_prefix(&format!("{file}: ")) {
        Some(rest) => rest.to_string(),
        None => msg,
    };
    match path.parent() {
        Some(dir) => msg.replace(&format!("{}/", dir.display()), ""),
        None => msg,
    }
}

fn database_issue(rel: &str, message: String) -> Issue {
    Issue {
        path: rel.to_string(),
        kind: "database".into(),
        message,
    }
}

fn describe_db(
    c: &Candidate,
    root: Option<&PathBuf>,
    opts: &MetaOptions,
) -> (Option<Database>, Vec<Issue>) {
    let mut issues = Vec::new();
    let head = match read_head(&c.path, SQLITE_HEADER_LEN) {
        Ok(h) => h,
        Err(e) if e.kind() == io::ErrorKind::InvalidInput => {
            issues.push(database_issue(&c.rel, "no longer a regular file".into()));
            return (None, issues);
        }
        Err(e) => {
            issues.push(io_issue(&c.rel, &e));
            return (None, issues);
        }
    };
    let role = db_role(&c.canonical);
    let expected = expected_page_size(&c.canonical);
    let wal_bytes = sidecar_len(&sidecar(&c.path, "-wal"));
    let shm_bytes = sidecar_len(&sidecar(&c.path, "-shm"));
    let mut db = Database {
        path: c.rel.clone(),
        role: role.map(|r| r.id.to_string()),
        role_label: role.map(|r| r.label.to_string()),
        account: classify(&c.canonical)
            .account
            .unwrap_or("shared")
            .to_string(),
        encrypted: false,
        apparent_bytes: c.size,
        allocated_bytes: c.allocated,
        page_size: None,
        page_count: None,
        freelist_pages: None,
        reclaimable_bytes: None,
        journal: None,
        wal_bytes,
        wal_frames: None,
        wal_pending_frames: None,
        shm_bytes,
        expected_page_size: expected,
        size_note: None,
        tables: None,
        rows_skipped: None,
    };
    if head.is_empty() {
        db.size_note = Some("zero-length".into());
        db.rows_skipped = Some("zero-length file".into());
        issues.push(database_issue(&c.rel, "zero-length database file".into()));
        return (Some(db), issues);
    }
    if !head.starts_with(SQLITE_MAGIC) {
        // SQLCipher/WCDB (or unknown bytes): only sizes and the expected page size.
        db.encrypted = true;
        db.rows_skipped = Some("encrypted".into());
        if let Some(ps) = expected {
            db.page_size = Some(ps);
            db.page_count = Some(c.size.div_ceil(u64::from(ps)));
            if !c.size.is_multiple_of(u64::from(ps)) {
                db.size_note = Some(format!(
                    "size is not a multiple of the expected page size ({ps})"
                ));
            }
        } else if c.size < SQLITE_HEADER_LEN as u64 {
            db.size_note = Some("shorter than a database header".into());
        }
        (db.wal_frames, db.wal_pending_frames) = wal_frames(&c.path, wal_bytes, shm_bytes);
        return (Some(db), issues);
    }
    let header = match parse_sqlite_header(&head) {
        Ok(h) => h,
        Err(e) => {
            db.size_note = Some(match e {
                HeaderError::TooShort { .. } => "truncated header".into(),
                _ => "invalid header".into(),
            });
            db.rows_skipped = Some("header unreadable".into());
            issues.push(database_issue(&c.rel, format!("SQLite header: {e}")));
            return (Some(db), issues);
        }
    };
    let ps = u64::from(header.page_size);
    db.page_size = Some(header.page_size);
    db.page_count = Some(header.page_count_for(c.size));
    db.freelist_pages = Some(u64::from(header.freelist_pages));
    db.reclaimable_bytes = Some(header.reclaimable_bytes());
    db.journal = match header.journal {
        JournalMode::Legacy => Some("legacy".into()),
        JournalMode::Wal => Some("wal".into()),
        JournalMode::Unknown => None,
    };
    if ps > 0 && !c.size.is_multiple_of(ps) {
        db.size_note = Some(format!("size is not a multiple of the page size ({ps})"));
    }
    let inspect = InspectOptions {
        count_rows: opts.count_rows,
        limit: opts.limit,
        scan_root: root.cloned(),
        ..InspectOptions::default()
    };
    match inspect_db(&c.path, &inspect) {
        Ok(info) => {
            if let Some(w) = &info.wal {
                db.wal_frames = Some(w.valid_frames);
                db.wal_pending_frames = Some(w.pending_frames);
            }
            db.tables = Some(
                info.objects
                    .iter()
                    .filter(|o| matches!(o.kind, ObjectKind::Table | ObjectKind::VirtualTable))
                    // Names come from the file: printable, like every string
                    // that reaches a terminal or a spreadsheet.
                    .map(|o| TableRows {
                        name: printable(&o.name).into_owned(),
                        rows: o.rows,
                        error: o.error.as_deref().map(|e| printable(e).into_owned()),
                    })
                    .collect(),
            );
            db.rows_skipped = info.rows_skipped;
        }
        Err(e) => {
            (db.wal_frames, db.wal_pending_frames) = wal_frames(&c.path, wal_bytes, shm_bytes);
            let msg = relative_message(&e, &c.path);
            db.rows_skipped = Some(format!("schema not read: {msg}"));
            issues.push(match e {
                DbError::Io { source, .. } => io_issue(&c.rel, &source),
                _ => database_issue(&c.rel, msg),
            });
        }
    }
    (Some(db), issues)
}

/// Whether an XML file declares itself a plist (`<plist` or a plist DOCTYPE) near
/// its start.
fn mentions_plist(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    head.windows(6).any(|w| w == b"<plist") || head.windows(13).any(|w| w == b"DOCTYPE plist")
}

fn plist_issue(rel: &str, message: String) -> Issue {
    Issue {
        path: rel.to_string(),
        kind: "plist".into(),
        message,
    }
}

fn describe_plist(c: &Candidate, hint: PlistHint) -> (Option<Plist>, Option<Issue>) {
    if c.size > MAX_PLIST_BYTES as u64 {
        let e = PlistError::TooLarge {
            len: usize::try_from(c.size).unwrap_or(usize::MAX),
            max: MAX_PLIST_BYTES,
        };
        return (None, Some(plist_issue(&c.rel, e.to_string())));
    }
    let bytes = match read_head(&c.path, MAX_PLIST_BYTES + 1) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::InvalidInput => {
            return (
                None,
                Some(plist_issue(&c.rel, "no longer a regular file".into())),
            )
        }
        Err(e) => return (None, Some(io_issue(&c.rel, &e))),
    };
    if hint == PlistHint::MaybeXml && !mentions_plist(&bytes) {
        // Other XML (e.g. a cached web response): not a plist, not a problem.
        return (None, None);
    }
    match inspect_plist(&bytes) {
        Ok(info) => {
            let (archiver, root_class) = match info.keyed_archive {
                Some(k) => (Some(k.archiver), k.root_class),
                None => (None, None),
            };
            (
                Some(Plist {
                    path: c.rel.clone(),
                    format: match info.format {
                        PlistFormat::Binary => "binary".into(),
                        PlistFormat::Xml => "xml".into(),
                    },
                    apparent_bytes: c.size,
                    keys: info.top_level_keys,
                    summary: info.summary,
                    archiver,
                    root_class,
                    known: info.known,
                }),
                None,
            )
        }
        Err(PlistError::NotAPlist) if hint == PlistHint::MaybeXml => (None, None),
        Err(e) => (None, Some(plist_issue(&c.rel, e.to_string()))),
    }
}
