//! The metadata pass: the database and property-list files the walk found are
//! described after it, in parallel over the worker count.
//!
//! The walk keeps only these files' paths ([`Candidate`]; dozens to hundreds in a real
//! container), never all files. A database's first 100 bytes are checked, then
//! [`crate::readers::sqlite::inspect_db`] reads its committed state page by page (main
//! file + committed `-wal` frames; decrypted when `--key-file` opens it): format
//! (SQLite, SQLCipher or unknown), pages, free pages, tables and row counts, without
//! creating, changing or deleting any file anywhere. An encrypted database no key
//! opens is described from its size, role and sidecars. A plist is read whole (at
//! most [`MAX_PLIST_BYTES`]) and outlined by [`crate::readers::plist::inspect_plist`].
//! Per-file problems become issues (`database`, `plist`, or the I/O kinds); the pass
//! goes on.

use super::contacts::{self, Contact};
use super::plist::{inspect_plist, PlistError, PlistFormat, MAX_PLIST_BYTES};
use super::read_head;
use super::resources::{self, ChatResource};
use super::sqlite::btree::WalkMode;
use super::sqlite::cipher::{KeyRing, KeyStatus};
use super::sqlite::db::DbObject;
use super::sqlite::pagereport::DbFormat;
use super::sqlite::{
    db_role, expected_page_size, inspect_db, parse_sqlite_header, DbError, HeaderError,
    InspectOptions, JournalMode, ObjectKind, SQLITE_HEADER_LEN, SQLITE_MAGIC,
};
use crate::error::io_issue;
use crate::escape::printable;
use crate::model::{Database, Issue, Plist, TableRows};
use crate::tree::classify::classify;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::io;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

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
    /// Count rows in databases (plaintext, and encrypted ones a key opens).
    pub count_rows: bool,
    /// Read every page of every database (`--all-pages`): pages per table, the
    /// freelist walked, every page's HMAC checked.
    pub all_pages: bool,
    /// The run's keys (`--key-file`), shared by every worker.
    pub keys: Option<Arc<KeyRing>>,
    /// Read names from the contact databases with the keys (`scan`, `plan`;
    /// `dbs` shows no chat, so it does not).
    pub names: bool,
    /// Files described in parallel.
    pub threads: usize,
    /// Threads for one database's page walk (set by [`describe`]).
    pub walk_threads: usize,
}

impl Default for MetaOptions {
    fn default() -> Self {
        MetaOptions {
            databases: true,
            plists: true,
            count_rows: true,
            all_pages: false,
            keys: None,
            names: false,
            threads: 1,
            walk_threads: 1,
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
    /// The contact databases' rows (with the owner's key), by database path.
    pub contacts: BTreeMap<String, Vec<Contact>>,
    /// The 4.x resource index's bytes per chat (with the owner's key), by path.
    pub resources: BTreeMap<String, Vec<ChatResource>>,
}

/// Describe the candidates.
pub fn describe(c: Candidates, opts: &MetaOptions) -> Described {
    let mut out = Described::default();
    if opts.databases {
        for rel in &c.dir_databases {
            out.issues.push(Issue {
                path: rel.clone(),
                kind: "database".into(),
                message: "named like a database but is a folder".into(),
            });
        }
        // The cores are shared between files and, when there are fewer files
        // than cores, each file's page walk.
        let threads = opts.threads.max(1);
        let opts = MetaOptions {
            walk_threads: threads / c.databases.len().clamp(1, threads),
            ..opts.clone()
        };
        let done = par_map(&c.databases, threads, |cand| describe_db(cand, &opts));
        for (db, issues, keyed) in done {
            match (&db, keyed) {
                (Some(db), Some(Keyed::Contacts(c))) => {
                    out.contacts.insert(db.path.clone(), c);
                }
                (Some(db), Some(Keyed::Resources(r))) => {
                    out.resources.insert(db.path.clone(), r);
                }
                _ => {}
            }
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
    let parts = crate::threads::run_on(threads, || {
        let mut mine = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            mine.push((i, f(item)));
        }
        mine
    });
    // A worker that panicked loses its items; the rest of the report stands.
    let mut all: Vec<(usize, R)> = parts.into_iter().flatten().flatten().collect();
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

/// Roles whose databases hold usernames and names (read with the key: issue 17).
const CONTACT_ROLES: &[&str] = &["contacts", "groups", "sessions"];
/// The 4.x resource index: bytes per chat (issue 17).
const RESOURCE_ROLE: &str = "message-resource";

/// What the owner's key reads from a database beyond its pages, for the chats.
enum Keyed {
    Contacts(Vec<Contact>),
    Resources(Vec<ChatResource>),
}

type DescribedDb = (Option<Database>, Vec<Issue>, Option<Keyed>);

fn describe_db(c: &Candidate, opts: &MetaOptions) -> DescribedDb {
    let (db, mut issues) = describe_db_meta(c, opts);
    let Some(db) = db else {
        return (None, issues, None);
    };
    // The names, only with a key that opened this database (a plaintext contact
    // database in a fixture or a test container is read too).
    let opened = db.key.as_deref() == Some("ok");
    let role = db.role.as_deref();
    let wanted = opts.keys.is_some()
        && opts.names
        && role.is_some_and(|r| CONTACT_ROLES.contains(&r) || r == RESOURCE_ROLE)
        && (opened || (db.format == "sqlite" && db.tables.is_some()));
    if !wanted {
        return (Some(db), issues, None);
    }
    let inspect = InspectOptions {
        keys: opts.keys.clone(),
        ..InspectOptions::default()
    };
    if role == Some(RESOURCE_ROLE) {
        let why = match resources::read(&c.path, &inspect) {
            Ok(Some(rows)) => return (Some(db), issues, Some(Keyed::Resources(rows))),
            Ok(None) => "not the tables and columns this version knows".to_string(),
            Err(e) => relative_message(&e, &c.path),
        };
        issues.push(database_issue(
            &c.rel,
            format!("resource bytes per chat not read: {why}"),
        ));
        return (Some(db), issues, None);
    }
    match contacts::read(&c.path, &inspect) {
        Ok((rows, _notes)) => (Some(db), issues, Some(Keyed::Contacts(rows))),
        Err(e) => {
            issues.push(database_issue(
                &c.rel,
                format!("names not read: {}", relative_message(&e, &c.path)),
            ));
            (Some(db), issues, None)
        }
    }
}

fn describe_db_meta(c: &Candidate, opts: &MetaOptions) -> (Option<Database>, Vec<Issue>) {
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
        format: "sqlite".into(),
        encrypted: false,
        key: None,
        cipher_profile: None,
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
    if head.starts_with(SQLITE_MAGIC) {
        // The file's own header must be readable (the committed page 1 may be
        // in the -wal; it is checked again there).
        if let Err(e) = parse_sqlite_header(&head) {
            db.size_note = Some(match e {
                HeaderError::TooShort { .. } => "truncated header".into(),
                _ => "invalid header".into(),
            });
            db.rows_skipped = Some("header unreadable".into());
            issues.push(database_issue(&c.rel, format!("SQLite header: {e}")));
            return (Some(db), issues);
        }
    }
    let inspect = InspectOptions {
        count_rows: opts.count_rows,
        mode: if opts.all_pages {
            WalkMode::Full
        } else {
            WalkMode::Rows
        },
        threads: opts.walk_threads.max(1),
        keys: opts.keys.clone(),
        // Per-chat figures (months, pages) only where chats are shown.
        message_facts: opts.names,
        ..InspectOptions::default()
    };
    let info = match inspect_db(&c.path, &inspect) {
        Ok(info) => info,
        Err(e) => {
            let msg = relative_message(&e, &c.path);
            db.rows_skipped = Some(format!("schema not read: {msg}"));
            issues.push(match e {
                DbError::Io { source, .. } => io_issue(&c.rel, &source),
                _ => database_issue(&c.rel, msg),
            });
            return (Some(db), issues);
        }
    };
    db.format = match info.format {
        DbFormat::Sqlite => "sqlite",
        DbFormat::Sqlcipher => "sqlcipher",
        DbFormat::Unknown => "unknown",
    }
    .into();
    db.encrypted = info.format == DbFormat::Sqlcipher;
    db.key = info.key.map(|k| {
        match k {
            KeyStatus::Ok => "ok",
            KeyStatus::Mismatch => "mismatch",
            KeyStatus::None => "none",
        }
        .to_string()
    });
    db.cipher_profile = info.profile.map(str::to_string);
    // A -wal SQLite would ignore has no frames to report (null, as before a parse).
    if let Some(w) = info.wal.as_ref().filter(|w| w.ignored_because.is_none()) {
        db.wal_frames = Some(w.frames_valid);
        db.wal_pending_frames = Some(w.frames_pending);
    }
    db.rows_skipped = info.rows_skipped.clone();
    issues.extend(
        info.issues
            .iter()
            .map(|m| database_issue(&c.rel, m.clone())),
    );
    match (info.format, info.page_size) {
        (DbFormat::Unknown, _) => {}
        (DbFormat::Sqlcipher, None) => {
            // No key opened it: only sizes and the role's page size.
            if let Some(ps) = expected {
                db.page_size = Some(ps);
                db.page_count = Some(c.size.div_ceil(u64::from(ps)));
                if !c.size.is_multiple_of(u64::from(ps)) {
                    db.size_note = Some(format!(
                        "size is not a multiple of the expected page size ({ps})"
                    ));
                }
            }
        }
        (_, ps) => {
            db.page_size = ps;
            db.page_count = info.page_count;
            db.freelist_pages = info.freelist_pages;
            db.reclaimable_bytes = info.freelist_pages.zip(ps).map(|(n, ps)| n * u64::from(ps));
            db.journal = info.journal.map(|j| {
                match j {
                    JournalMode::Wal => "wal",
                    _ => "legacy",
                }
                .to_string()
            });
            if let Some(ps) = ps.map(u64::from).filter(|&ps| ps > 0) {
                if !c.size.is_multiple_of(ps) {
                    db.size_note = Some(format!("size is not a multiple of the page size ({ps})"));
                }
            }
            if info.schema_read {
                db.tables = Some(tables_of(&info.objects));
            }
        }
    }
    (Some(db), issues)
}

/// Tables and virtual tables with their rows and, when every page was walked,
/// their pages: the table's own b-tree and its indexes'.
fn tables_of(objects: &[DbObject]) -> Vec<TableRows> {
    objects
        .iter()
        .filter(|o| matches!(o.kind, ObjectKind::Table | ObjectKind::VirtualTable))
        // Names come from the file: printable, like every string that reaches a
        // terminal or a spreadsheet.
        .map(|o| TableRows {
            name: printable(&o.name).into_owned(),
            rows: o.rows,
            pages: o
                .pages
                .map(|own| {
                    own + objects
                        .iter()
                        .filter(|i| i.kind == ObjectKind::Index && i.table == o.name)
                        .filter_map(|i| i.pages)
                        .sum::<u64>()
                })
                .or(o.pages_with_indexes),
            error: o.error.as_deref().map(|e| printable(e).into_owned()),
            time_range: o.time_range,
        })
        .collect()
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
