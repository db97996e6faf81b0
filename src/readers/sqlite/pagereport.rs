//! One call per database: open it read-only, lay its committed `-wal` frames
//! over it, decrypt it when it is a SQLCipher file and a key fits, and walk
//! its b-trees ([`describe_pages`]). Nothing is written anywhere and no
//! SQLite handle is opened on the file; page contents live only in buffers
//! that are wiped on drop.

use std::ffi::OsString;
use std::fs::File;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use serde::Serialize;
use thiserror::Error;
use zeroize::Zeroizing;

#[cfg(test)]
use super::btree::{analyze_with, WalkMode, WalkOptions};
use super::btree::{Layout, LayoutError};
use super::cipher::{unlock, Decrypting, KeyRing, KeyStatus, Unlock, SALT_LEN};
use super::pages::{
    plain_io, valid_page_size, FilePages, PageSizeMismatch, PageSource, PagesSizeError, WalIndex,
    WalIndexError, WalOverlay, WalStats,
};
use super::shape::{shape, Shape, ENTROPY_BYTES};
use crate::readers::sqlite::header::SQLITE_MAGIC;
use crate::readers::sqlite::wal::SHM_HEADER_LEN;
use crate::readers::{open_regular, read_head};

/// How to describe a database.
#[cfg(test)]
#[derive(Debug, Clone)]
pub struct DescribeOptions {
    /// Threads for reading pages (decryption and HMAC checks run on them).
    pub threads: usize,
    /// How much to read: everything (exact pages, every HMAC checked) or only
    /// what row counts need.
    pub mode: WalkMode,
}

#[cfg(test)]
impl Default for DescribeOptions {
    fn default() -> Self {
        DescribeOptions {
            threads: std::thread::available_parallelism()
                .map_or(1, |n| n.get())
                .min(4),
            mode: WalkMode::Full,
        }
    }
}

/// What a database file is ([`super::shape`] says how it is told).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DbFormat {
    /// Plaintext SQLite (the magic).
    Sqlite,
    /// SQLCipher: looks like it, or a key opened it.
    Sqlcipher,
    /// Neither: a known non-database format, or bytes that do not look encrypted.
    Unknown,
}

/// What one database holds, in its committed state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageReport {
    pub format: DbFormat,
    /// `format` is SQLCipher.
    pub encrypted: bool,
    /// For a SQLCipher file: whether a key opened it. `None` otherwise.
    pub key: Option<KeyStatus>,
    /// The SQLCipher profile that verified (see `cipher::PROFILES`).
    pub profile: Option<&'static str>,
    /// Length of the main file.
    pub file_bytes: u64,
    /// Bytes per page (0 when unknown: encrypted without a working key).
    pub page_size: u32,
    /// Pages in the committed state (0 when unknown).
    pub page_count: u32,
    /// The `-wal`, when there is one.
    pub wal: Option<WalStats>,
    /// Tables, indexes and page accounting; `None` without a working key.
    pub layout: Option<Layout>,
    /// A `-journal` with a valid header lies beside it: SQLite would roll it
    /// back before reading; these figures are from the database as it is.
    pub hot_journal: bool,
    /// Problems that do not stop the description, as sentences.
    pub issues: Vec<String>,
    /// What a reader should know that is not a problem (a `-wal` SQLite
    /// ignores, as it would), as sentences.
    pub notes: Vec<String>,
}

/// Why a database could not be described.
#[derive(Debug, Error)]
#[error("{path}: {kind}")]
pub struct PagesError {
    /// The database path, escaped for display.
    pub path: String,
    pub kind: PagesErrorKind,
}

#[derive(Debug, Error)]
pub enum PagesErrorKind {
    #[error("the database cannot be read: {0}")]
    Open(String),
    #[error("its -wal cannot be read: {0}")]
    WalOpen(String),
    #[error("its -journal cannot be read: {0}")]
    JournalOpen(String),
    #[error("its -wal cannot be used: {0}")]
    Wal(#[from] WalIndexError),
    #[error("{0}")]
    PageSize(#[from] PageSizeMismatch),
    #[error("{0}")]
    Size(#[from] PagesSizeError),
    #[error("{0}")]
    Layout(#[from] LayoutError),
    #[error("the header gives an invalid page size field ({0})")]
    HeaderPageSize(u16),
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut s = OsString::from(path.as_os_str());
    s.push(suffix);
    PathBuf::from(s)
}

/// A database opened for page reads: what is known before its b-trees are
/// walked, and its pages (`None` when it is encrypted and no key opened it).
pub struct OpenedDb {
    /// The report so far (`layout` is `None`).
    pub report: PageReport,
    /// The committed pages: file + WAL, decrypted when needed.
    pub pages: Option<Box<dyn PageSource>>,
}

impl std::fmt::Debug for OpenedDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenedDb")
            .field("report", &self.report)
            .field("pages", &self.pages.as_ref().map(|_| "<pages>"))
            .finish()
    }
}

fn path_error(path: &Path) -> impl FnOnce(PagesErrorKind) -> PagesError + '_ {
    move |kind| PagesError {
        path: crate::escape::escape_bytes(path.as_os_str().as_bytes()).0,
        kind,
    }
}

/// Describes the database at `path` (see the module docs): [`open_database`],
/// then the b-tree walk. `keys` are the run's keys, if the user gave any.
#[cfg(test)]
pub fn describe_pages(
    path: &Path,
    keys: Option<&KeyRing>,
    opts: &DescribeOptions,
) -> Result<PageReport, PagesError> {
    let OpenedDb { mut report, pages } = open_database(path, keys)?;
    if let Some(src) = pages {
        let walk = WalkOptions {
            threads: opts.threads,
            verify_unreached: report.encrypted,
            mode: opts.mode,
        };
        let layout = analyze_with(&*src, &walk).map_err(|e| path_error(path)(e.into()))?;
        report.page_count = layout.page_count;
        report.layout = Some(layout);
    }
    Ok(report)
}

/// Opens the database at `path` and its sidecars read-only: indexes the whole
/// `-wal`, and for a SQLCipher file finds the profile and key that verify
/// page 1. The pages can then be walked ([`analyze`]) or, for a small
/// database, read whole for `sqlite3_deserialize`
/// ([`super::pages::read_image`]). `report.page_count` is the source's count
/// (file + WAL); the b-tree walk refines it with the header's
/// ([`super::btree::analyze`]).
pub fn open_database(path: &Path, keys: Option<&KeyRing>) -> Result<OpenedDb, PagesError> {
    open_inner(path, keys).map_err(path_error(path))
}

fn read_at(file: &File, off: u64, buf: &mut [u8]) -> io::Result<usize> {
    let mut done = 0;
    while done < buf.len() {
        match file.read_at(&mut buf[done..], off + done as u64) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

fn open_inner(path: &Path, keys: Option<&KeyRing>) -> Result<OpenedDb, PagesErrorKind> {
    let (file, meta) = open_regular(path).map_err(|e| PagesErrorKind::Open(plain_io(&e)))?;
    let len = meta.len();
    let mut report = PageReport {
        format: DbFormat::Unknown,
        encrypted: false,
        key: None,
        profile: None,
        file_bytes: len,
        page_size: 0,
        page_count: 0,
        wal: None,
        layout: None,
        hot_journal: false,
        issues: Vec::new(),
        notes: Vec::new(),
    };

    // The -wal (whole, streamed) and the -shm header, if they exist.
    let wal = match open_regular(&sidecar(path, "-wal")) {
        Ok((f, m)) => {
            let shm = read_head(&sidecar(path, "-shm"), SHM_HEADER_LEN).ok();
            let index = WalIndex::build(&f, m.len(), shm.as_deref())?;
            if let Some(why) = &index.stats.ignored_because {
                report
                    .notes
                    .push(format!("its -wal is ignored, as SQLite would: {why}"));
            }
            report.wal = Some(index.stats.clone());
            if len == 0 {
                // SQLite sees an empty database and never reads the WAL
                // (pagerOpenWalIfPresent deletes it when it can).
                if index.has_commits() {
                    report.notes.push(
                        "its -wal is ignored, as SQLite would: the database file is empty".into(),
                    );
                }
                None
            } else {
                Some((f, index))
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) if e.kind() == io::ErrorKind::InvalidInput => {
            return Err(PagesErrorKind::WalOpen("it is not a regular file".into()))
        }
        Err(e) => return Err(PagesErrorKind::WalOpen(plain_io(&e))),
    };
    report.hot_journal = hot_journal(path)?;
    if report.hot_journal {
        report.issues.push(
            "it has a hot rollback journal (-journal) that SQLite would roll back before reading; \
             these figures are from the database file as it is, which may hold changes that were never committed"
                .into(),
        );
    }
    let wal_page_size = wal
        .as_ref()
        .filter(|(_, i)| i.has_commits())
        .map(|(_, i)| i.stats.page_size);

    // What the main file is: its first bytes and its size (shape.rs).
    let mut first = [0u8; ENTROPY_BYTES];
    let got = read_at(&file, 0, &mut first).map_err(|e| PagesErrorKind::Open(plain_io(&e)))?;
    if got == 0 {
        // An empty database: no pages, no tables.
        report.format = DbFormat::Sqlite;
        return Ok(OpenedDb {
            report,
            pages: None,
        });
    }
    let file_shape = shape(&first[..got], len);

    // The newest page 1 head: from the WAL when a committed frame holds it.
    let from_wal = wal
        .as_ref()
        .filter(|(_, i)| i.has_commits())
        .and_then(|(f, i)| i.frame_of(1).map(|off| (f, off)));
    let mut head = [0u8; 100];
    match from_wal {
        Some((f, off)) => {
            read_at(f, off, &mut head).map_err(|e| PagesErrorKind::Open(plain_io(&e)))?;
        }
        None => head[..got.min(100)].copy_from_slice(&first[..got.min(100)]),
    }

    let src: Box<dyn PageSource>;
    if file_shape == Shape::Sqlite || head[..16] == SQLITE_MAGIC[..] {
        report.format = DbFormat::Sqlite;
        let raw = u16::from_be_bytes([head[16], head[17]]);
        let ps = if raw == 1 { 65536 } else { u32::from(raw) };
        if !valid_page_size(ps) {
            return Err(PagesErrorKind::HeaderPageSize(raw));
        }
        let fp = FilePages::new(file, len, ps)?;
        note_tail(&fp, &mut report.issues);
        src = match wal {
            Some((f, index)) => Box::new(WalOverlay::new(fp, f, index)?),
            None => Box::new(fp),
        };
    } else {
        let looks_like = file_shape == Shape::SqlcipherLike;
        if looks_like {
            report.format = DbFormat::Sqlcipher;
            report.encrypted = true;
        }
        // Keys are tried on what may be SQLCipher: whole pages of noise, or noise
        // cut inside a page (a key then decides).
        let Some(ring) = keys.filter(|_| file_shape != Shape::Unknown) else {
            report.key = looks_like.then_some(KeyStatus::None);
            return Ok(OpenedDb {
                report,
                pages: None,
            });
        };
        let mut salt = [0u8; SALT_LEN];
        salt.copy_from_slice(&head[..SALT_LEN]);
        // SQLite writes whole pages: a page size that divides the file's
        // length (or the WAL's page size) is the likely one.
        let likely = |ps: u32| match wal_page_size {
            Some(w) => w == ps,
            None => len % u64::from(ps) == 0,
        };
        let unlocked = unlock(ring, path, &salt, likely, |ps| {
            if wal_page_size.is_some_and(|w| w != ps) {
                return None;
            }
            let mut page = Zeroizing::new(vec![0u8; ps as usize]);
            let r = match from_wal {
                Some((f, off)) => read_at(f, off, &mut page),
                None => read_at(&file, 0, &mut page),
            };
            r.ok().filter(|&n| n == page.len()).map(|_| page)
        });
        let Unlock::Ok(keys) = unlocked else {
            report.key = looks_like.then(|| unlocked.status());
            return Ok(OpenedDb {
                report,
                pages: None,
            });
        };
        report.format = DbFormat::Sqlcipher;
        report.encrypted = true;
        report.key = Some(KeyStatus::Ok);
        let profile = *keys.profile();
        report.profile = Some(profile.name);
        let fp = FilePages::new(file, len, profile.page_size)?;
        note_tail(&fp, &mut report.issues);
        let inner: Box<dyn PageSource> = match wal {
            Some((f, index)) => Box::new(WalOverlay::new(fp, f, index)?),
            None => Box::new(fp),
        };
        let mut dec = Decrypting::new(inner, *keys)?;
        // SQLCipher accepts all-zero pages in auto-vacuum databases.
        let mut p1 = Zeroizing::new(vec![0u8; profile.page_size as usize]);
        if dec.read_page(1, &mut p1).is_ok() && p1[52..56] != [0, 0, 0, 0] {
            dec.accept_zero_pages(true);
        }
        src = Box::new(dec);
    }
    report.page_size = src.page_size();
    report.page_count = src.page_count();
    Ok(OpenedDb {
        report,
        pages: Some(src),
    })
}

/// Rollback-journal header magic (pager.c `aJournalMagic`).
const JOURNAL_MAGIC: [u8; 8] = [0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7];

/// Whether a `-journal` with a valid header lies beside the database: SQLite
/// would roll it back before reading (a journal whose header was zeroed or
/// truncated, as `PERSIST` and `TRUNCATE` modes leave it, is not).
fn hot_journal(path: &Path) -> Result<bool, PagesErrorKind> {
    match read_head(&sidecar(path, "-journal"), JOURNAL_MAGIC.len()) {
        Ok(head) => Ok(head == JOURNAL_MAGIC),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) if e.kind() == io::ErrorKind::InvalidInput => Err(PagesErrorKind::JournalOpen(
            "it is not a regular file".into(),
        )),
        Err(e) => Err(PagesErrorKind::JournalOpen(plain_io(&e))),
    }
}

fn note_tail(fp: &FilePages, issues: &mut Vec<String>) {
    if let Some((pgno, bytes)) = fp.partial_tail() {
        issues.push(format!(
            "the file ends inside page {pgno} ({bytes} of its bytes are present); the rest reads as zeros"
        ));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests;
