//! SQLite files: the 100-byte header, the write-ahead log and wal-index (pure parsers
//! over bytes), a strictly read-only view of a plaintext database ([`db`]), and the
//! table of WeChat database roles ([`roles`]).

pub(crate) mod btree;
pub(crate) mod cipher;
pub(crate) mod db;
pub(crate) mod header;
pub(crate) mod keyfile;
pub(crate) mod pagereport;
pub(crate) mod pages;
pub(crate) mod roles;
pub(crate) mod wal;

use super::{open_regular, read_head};
use rusqlite::types::ValueRef;
use std::io::{self, Read};
use std::path::Path;

pub use db::{
    inspect_db, with_read_only_connection, DbError, InspectOptions, ObjectKind, RowCountLimit,
    ViewInfo,
};
pub use header::{parse_sqlite_header, HeaderError, JournalMode, SQLITE_HEADER_LEN, SQLITE_MAGIC};
pub use roles::{db_role, expected_page_size};
pub use wal::{inspect_wal, WalError, WalInfo};

/// Parse the `-wal` at `wal_path` (and its `-shm` wal-index header, if given),
/// reading only as far as SQLite itself would: frames are read in growing chunks
/// (64 KiB, doubling, at most `max` bytes) and reading stops at the first frame that
/// fails validation. WeChat preallocates its WALs (4 MiB, mostly stale or zero), so
/// this usually reads a few KiB instead of the whole file. The outer error is I/O;
/// the inner one is a WAL that SQLite would ignore.
pub fn inspect_wal_file(
    wal_path: &Path,
    shm_path: Option<&Path>,
    max: usize,
) -> io::Result<Result<WalInfo, WalError>> {
    let (file, meta) = open_regular(wal_path)?;
    let file_len = meta.len();
    let shm = match shm_path {
        Some(p) => Some(read_head(p, wal::SHM_HEADER_LEN)?),
        None => None,
    };
    let limit = usize::try_from(file_len).unwrap_or(usize::MAX).min(max);
    let mut reader = file.take(u64::try_from(limit).unwrap_or(u64::MAX));
    let mut buf = Vec::new();
    let mut want = (64 * 1024).min(limit);
    loop {
        let have = buf.len();
        (&mut reader)
            .take(u64::try_from(want - have).unwrap_or(0))
            .read_to_end(&mut buf)?;
        let info = match inspect_wal(&buf, file_len, shm.as_deref()) {
            Ok(info) => info,
            Err(e) => return Ok(Err(e)),
        };
        let frame_len = usize::try_from(info.header.page_size)
            .unwrap_or(usize::MAX)
            .saturating_add(wal::WAL_FRAME_HEADER_LEN);
        let next_frame_end = usize::try_from(info.valid_frames)
            .unwrap_or(usize::MAX)
            .saturating_add(1)
            .saturating_mul(frame_len)
            .saturating_add(wal::WAL_HEADER_LEN);
        // Done when the walk stopped on an invalid frame (the next one was in the
        // buffer), reached the end of the file, or may not read further.
        if info.scan_complete
            || next_frame_end <= buf.len()
            || buf.len() >= limit
            || buf.len() == have
        {
            return Ok(Ok(info));
        }
        want = want.saturating_mul(2).max(next_frame_end).min(limit);
    }
}

/// Rows read per table at most by the store readers (URL cache responses, cookie rows).
pub const MAX_ROWS: usize = 1_000_000;

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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn wal_file_reads_only_as_far_as_valid_frames_go() {
        let dir = tempfile::tempdir().unwrap();
        // 40 valid frames of 4 KiB (over the first 64 KiB chunk), then stale zeros
        // up to WeChat's preallocated 4 MiB.
        let frames: Vec<(u32, u32)> = (1..=40)
            .map(|p| (p, if p == 40 { 40 } else { 0 }))
            .collect();
        let mut wal = wal::tests::synth_wal(4096, false, &frames);
        let full = inspect_wal(&wal, wal.len() as u64, None).unwrap();
        wal.resize(4 << 20, 0);
        let p = dir.path().join("x.db-wal");
        std::fs::write(&p, &wal).unwrap();
        let info = inspect_wal_file(&p, None, 8 << 20).unwrap().unwrap();
        assert_eq!(info.valid_frames, 40);
        assert_eq!(info.valid_frames, full.valid_frames);
        assert_eq!(info.committed_frames, full.committed_frames);
        assert!(
            (info.bytes_examined as usize) < 512 * 1024,
            "read {} bytes",
            info.bytes_examined
        );
        // Capped by `max`: the walk reports it did not see the whole file.
        let capped = inspect_wal_file(&p, None, 100_000).unwrap().unwrap();
        assert!(capped.valid_frames < 40 && !capped.scan_complete);
    }
}
