//! Parser for the 100-byte SQLite database header (sqlite.org fileformat2 §1.3).
//!
//! Pure function over bytes. It reads what the header says and nothing more:
//! page size, journal mode (legacy rollback journal or WAL), freelist size
//! (what `VACUUM` could give back), encoding, `user_version`,
//! `application_id`. A SQLCipher database has a random salt where the magic
//! should be, so it fails here with [`HeaderError::BadMagic`].

use serde::Serialize;
use thiserror::Error;

/// Length of the database header.
pub const SQLITE_HEADER_LEN: usize = 100;
/// The 16 magic bytes every plaintext SQLite 3 database starts with.
pub const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Why bytes are not a usable SQLite header.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HeaderError {
    #[error("too short for an SQLite header: {len} bytes, need 100")]
    TooShort { len: usize },
    #[error("not an SQLite 3 database (magic string missing)")]
    BadMagic,
    #[error(
        "invalid SQLite page size field {raw} (must be a power of two 512..=32768, or 1 for 65536)"
    )]
    InvalidPageSize { raw: u16 },
}

/// Journal mode, from the read version byte (offset 19), which is the one
/// that decides how SQLite reads the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JournalMode {
    /// Read version 1: rollback journal (`-journal` sidecar).
    Legacy,
    /// Read version 2: write-ahead log (`-wal` and `-shm` sidecars).
    Wal,
    /// Any other value: a newer format this SQLite cannot read.
    Unknown,
}

/// Text encoding (offset 56).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TextEncoding {
    Utf8,
    Utf16le,
    Utf16be,
    /// 0 (no schema written yet) or an invalid value.
    Unknown,
}

impl TextEncoding {
    /// The name `PRAGMA encoding` prints.
    #[cfg_attr(
        not(test),
        expect(dead_code, reason = "only the tests print it so far")
    )]
    pub fn as_str(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf16le => "UTF-16le",
            TextEncoding::Utf16be => "UTF-16be",
            TextEncoding::Unknown => "unknown",
        }
    }
}

/// Fields of the database header. Integers are big-endian on disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SqliteHeader {
    /// Bytes per page (the raw value 1 means 65536).
    pub page_size: u32,
    /// File format write version (offset 18): 1 legacy, 2 WAL.
    pub write_version: u8,
    /// File format read version (offset 19): 1 legacy, 2 WAL.
    pub read_version: u8,
    /// Derived from `read_version`.
    pub journal: JournalMode,
    /// Unused bytes at the end of each page (offset 20); SQLCipher-style
    /// codecs use it, a plain database has 0.
    pub reserved_bytes: u8,
    /// File change counter (offset 24).
    pub change_counter: u32,
    /// In-header database size in pages (offset 28). Only trustworthy when
    /// [`page_count_valid`](Self::page_count_valid).
    pub header_page_count: u32,
    /// `header_page_count` is non-zero and `version_valid_for` equals
    /// `change_counter` (older writers did not maintain the size field).
    pub page_count_valid: bool,
    /// First freelist trunk page (offset 32), 0 if none.
    pub freelist_trunk: u32,
    /// Total freelist pages (offset 36).
    pub freelist_pages: u32,
    /// Schema cookie (offset 40), `PRAGMA schema_version`.
    pub schema_cookie: u32,
    /// Schema format number (offset 44): 1..=4.
    pub schema_format: u32,
    /// Largest root b-tree page when auto/incremental vacuum is on (offset 52).
    pub auto_vacuum: bool,
    /// Incremental-vacuum flag (offset 64).
    pub incremental_vacuum: bool,
    /// Text encoding (offset 56).
    pub text_encoding: TextEncoding,
    /// `PRAGMA user_version` (offset 60), signed like the pragma prints it.
    pub user_version: i32,
    /// `PRAGMA application_id` (offset 68), signed like the pragma prints it.
    pub application_id: i32,
    /// Version-valid-for number (offset 92).
    pub version_valid_for: u32,
    /// `SQLITE_VERSION_NUMBER` of the last writer (offset 96).
    pub sqlite_version_number: u32,
}

#[cfg_attr(
    not(test),
    expect(
        dead_code,
        reason = "the committed page count and free pages come from db.rs now"
    )
)]
impl SqliteHeader {
    /// Database size in pages: the header's count when it is valid, else
    /// derived from the file length (rounded up, as SQLite does).
    pub fn page_count_for(&self, file_len: u64) -> u64 {
        if self.page_count_valid {
            u64::from(self.header_page_count)
        } else {
            file_len.div_ceil(u64::from(self.page_size.max(1)))
        }
    }

    /// Bytes held by freelist pages: what `VACUUM` could give back.
    pub fn reclaimable_bytes(&self) -> u64 {
        u64::from(self.freelist_pages) * u64::from(self.page_size)
    }
}

fn be_u32(b: &[u8; SQLITE_HEADER_LEN], off: usize) -> u32 {
    let mut w = [0u8; 4];
    if let Some(s) = b.get(off..off + 4) {
        w.copy_from_slice(s);
    }
    u32::from_be_bytes(w)
}

/// Parses the first 100 bytes of a database file. Extra bytes are ignored.
pub fn parse_sqlite_header(bytes: &[u8]) -> Result<SqliteHeader, HeaderError> {
    let Some(head) = bytes.get(..SQLITE_HEADER_LEN) else {
        return Err(HeaderError::TooShort { len: bytes.len() });
    };
    let mut h = [0u8; SQLITE_HEADER_LEN];
    h.copy_from_slice(head);
    if &h[..16] != SQLITE_MAGIC {
        return Err(HeaderError::BadMagic);
    }
    let raw = u16::from_be_bytes([h[16], h[17]]);
    let page_size = match raw {
        1 => 65536,
        n if n.is_power_of_two() && (512..=32768).contains(&n) => u32::from(n),
        _ => return Err(HeaderError::InvalidPageSize { raw }),
    };
    let write_version = h[18];
    let read_version = h[19];
    let journal = match read_version {
        1 => JournalMode::Legacy,
        2 => JournalMode::Wal,
        _ => JournalMode::Unknown,
    };
    let change_counter = be_u32(&h, 24);
    let header_page_count = be_u32(&h, 28);
    let version_valid_for = be_u32(&h, 92);
    let text_encoding = match be_u32(&h, 56) {
        1 => TextEncoding::Utf8,
        2 => TextEncoding::Utf16le,
        3 => TextEncoding::Utf16be,
        _ => TextEncoding::Unknown,
    };
    Ok(SqliteHeader {
        page_size,
        write_version,
        read_version,
        journal,
        reserved_bytes: h[20],
        change_counter,
        header_page_count,
        page_count_valid: header_page_count != 0 && version_valid_for == change_counter,
        freelist_trunk: be_u32(&h, 32),
        freelist_pages: be_u32(&h, 36),
        schema_cookie: be_u32(&h, 40),
        schema_format: be_u32(&h, 44),
        auto_vacuum: be_u32(&h, 52) != 0,
        incremental_vacuum: be_u32(&h, 64) != 0,
        text_encoding,
        user_version: i32::from_be_bytes(be_u32(&h, 60).to_be_bytes()),
        application_id: i32::from_be_bytes(be_u32(&h, 68).to_be_bytes()),
        version_valid_for,
        sqlite_version_number: be_u32(&h, 96),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rusqlite::Connection;
    use std::path::Path;

    fn header_of(path: &Path) -> SqliteHeader {
        let bytes = std::fs::read(path).unwrap();
        parse_sqlite_header(&bytes).unwrap()
    }

    /// A legacy database with a freelist, user_version and application_id.
    fn build_db(path: &Path) {
        let c = Connection::open(path).unwrap();
        c.execute_batch(
            "PRAGMA page_size=1024; PRAGMA auto_vacuum=NONE;
             PRAGMA user_version=-7; PRAGMA application_id=305419896;
             CREATE TABLE t(a, b);
             WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM s WHERE i<500)
             INSERT INTO t SELECT i, randomblob(200) FROM s;
             DELETE FROM t WHERE a > 100;",
        )
        .unwrap();
    }

    #[test]
    fn header_matches_pragmas() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("h.db");
        build_db(&p);
        let h = header_of(&p);
        let c = Connection::open(&p).unwrap();
        let q = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(i64::from(h.page_size), q("PRAGMA page_size"));
        assert_eq!(i64::from(h.freelist_pages), q("PRAGMA freelist_count"));
        assert!(h.freelist_pages > 0);
        assert_eq!(i64::from(h.user_version), q("PRAGMA user_version"));
        assert_eq!(h.user_version, -7);
        assert_eq!(i64::from(h.application_id), q("PRAGMA application_id"));
        assert_eq!(i64::from(h.schema_cookie), q("PRAGMA schema_version"));
        let len = std::fs::metadata(&p).unwrap().len();
        assert_eq!(h.page_count_for(len) as i64, q("PRAGMA page_count"));
        assert_eq!(h.page_count_for(len) * 1024, len);
        assert_eq!(h.reclaimable_bytes(), u64::from(h.freelist_pages) * 1024);
        assert_eq!(h.journal, JournalMode::Legacy);
        assert_eq!(h.text_encoding, TextEncoding::Utf8);
        assert!(h.page_count_valid);
        let enc: String = c.query_row("PRAGMA encoding", [], |r| r.get(0)).unwrap();
        assert_eq!(enc, h.text_encoding.as_str());
    }

    #[test]
    fn header_matches_sqlite3_cli() {
        let cli = Path::new("/usr/bin/sqlite3");
        if !cli.exists() {
            eprintln!("note: /usr/bin/sqlite3 absent, CLI cross-check skipped");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("cli.db");
        build_db(&p);
        let out = std::process::Command::new(cli)
            .arg("-readonly")
            .arg(&p)
            .arg(
                "PRAGMA page_size; PRAGMA freelist_count; PRAGMA user_version; \
                 PRAGMA application_id; PRAGMA page_count; PRAGMA encoding;",
            )
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let h = header_of(&p);
        let len = std::fs::metadata(&p).unwrap().len();
        assert_eq!(
            lines,
            vec![
                h.page_size.to_string(),
                h.freelist_pages.to_string(),
                h.user_version.to_string(),
                h.application_id.to_string(),
                h.page_count_for(len).to_string(),
                h.text_encoding.as_str().to_string(),
            ]
        );
    }

    #[test]
    fn wal_mode_and_page_size_65536() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("w.db");
        let c = Connection::open(&p).unwrap();
        c.execute_batch("PRAGMA page_size=65536; PRAGMA journal_mode=WAL; CREATE TABLE t(a);")
            .unwrap();
        drop(c);
        let h = header_of(&p);
        assert_eq!(h.page_size, 65536);
        assert_eq!(h.journal, JournalMode::Wal);
        assert_eq!((h.write_version, h.read_version), (2, 2));
    }

    #[test]
    fn page_count_falls_back_to_file_length() {
        let mut b = [0u8; 100];
        b[..16].copy_from_slice(SQLITE_MAGIC);
        b[16..18].copy_from_slice(&4096u16.to_be_bytes());
        b[24..28].copy_from_slice(&5u32.to_be_bytes()); // change counter
        b[28..32].copy_from_slice(&99u32.to_be_bytes()); // stale size
        b[92..96].copy_from_slice(&4u32.to_be_bytes()); // valid-for != counter
        let h = parse_sqlite_header(&b).unwrap();
        assert!(!h.page_count_valid);
        assert_eq!(h.page_count_for(4096 * 3), 3);
        assert_eq!(h.page_count_for(4096 * 3 + 1), 4);
        b[92..96].copy_from_slice(&5u32.to_be_bytes());
        let h = parse_sqlite_header(&b).unwrap();
        assert_eq!(h.page_count_for(4096 * 3), 99);
    }

    #[test]
    fn errors() {
        assert_eq!(
            parse_sqlite_header(&[]),
            Err(HeaderError::TooShort { len: 0 })
        );
        assert_eq!(parse_sqlite_header(&[0u8; 100]), Err(HeaderError::BadMagic));
        for raw in [0u16, 2, 256, 511, 513, 1000, 4097, 65535] {
            let mut b = [0u8; 100];
            b[..16].copy_from_slice(SQLITE_MAGIC);
            b[16..18].copy_from_slice(&raw.to_be_bytes());
            assert_eq!(
                parse_sqlite_header(&b),
                Err(HeaderError::InvalidPageSize { raw })
            );
        }
        for raw in [512u16, 1024, 2048, 4096, 8192, 16384, 32768] {
            let mut b = [0u8; 100];
            b[..16].copy_from_slice(SQLITE_MAGIC);
            b[16..18].copy_from_slice(&raw.to_be_bytes());
            assert_eq!(parse_sqlite_header(&b).unwrap().page_size, u32::from(raw));
        }
    }

    proptest! {
        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = parse_sqlite_header(&bytes);
        }

        #[test]
        fn mutated_header_never_panics(
            flips in proptest::collection::vec((16usize..100, any::<u8>()), 0..20),
            len in 0usize..120,
        ) {
            let mut b = vec![0u8; 120];
            b[..16].copy_from_slice(SQLITE_MAGIC);
            b[16..18].copy_from_slice(&4096u16.to_be_bytes());
            b[18] = 2; b[19] = 2;
            for (i, v) in flips { b[i] = v; }
            b.truncate(len);
            if let Ok(h) = parse_sqlite_header(&b) {
                prop_assert!(h.page_size.is_power_of_two());
                prop_assert!((512..=65536).contains(&h.page_size));
                let _ = h.page_count_for(u64::MAX);
                let _ = h.reclaimable_bytes();
            }
        }
    }
}
