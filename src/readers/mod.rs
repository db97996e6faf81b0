//! Metadata readers for single files found in a WeChat container.
//!
//! Everything here is self-contained and read-only. The byte parsers
//! ([`sqlite_header`], [`wal`], [`plist_info`], [`dat`]) are pure functions
//! over slices and never touch the filesystem; [`roles`] maps path strings to
//! database roles. Only [`read_head`] and [`sqlite_db`] do I/O, and neither
//! creates, changes or deletes anything under the scanned tree.

pub mod dat;
pub mod plist_info;
pub mod roles;
pub mod sqlite_db;
pub mod sqlite_header;
pub mod wal;

use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

pub use dat::{sniff_dat, DatScheme, ImageKind};
pub use plist_info::{
    inspect_plist, KeyedArchiveInfo, PlistError, PlistFormat, PlistInfo, ValueKind, MAX_PLIST_BYTES,
};
pub use roles::{db_role, expected_page_size, DbFormat, DbRole, Generation};
pub use sqlite_db::{
    inspect_db, with_read_only_connection, Access, DbError, DbInfo, DbObject, InspectOptions,
    ObjectKind, RowCountLimit, Sidecars, ViewInfo,
};
pub use sqlite_header::{
    parse_sqlite_header, HeaderError, JournalMode, SqliteHeader, TextEncoding, SQLITE_HEADER_LEN,
    SQLITE_MAGIC,
};
pub use wal::{
    inspect_wal, parse_shm_header, parse_wal_header, ShmHeader, WalError, WalHeader, WalInfo,
};

/// Opens `path` for reading without following a final symlink and without
/// blocking on FIFOs or devices, and checks that it is a regular file.
///
/// Returns `ErrorKind::InvalidInput` for anything that is not a regular file
/// (directory, FIFO, socket, device); a symlink fails in `open` itself
/// (`ELOOP`).
pub(crate) fn open_regular(path: &Path) -> io::Result<(File, Metadata)> {
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    Ok((file, meta))
}

/// Reads at most `max` bytes from the start of the regular file at `path`.
///
/// The file is opened read-only with `O_NOFOLLOW | O_NONBLOCK`, so a symlink,
/// FIFO or device never blocks or redirects the read, and `File::metadata()`
/// (on the opened descriptor, so no race with a rename) must say it is a
/// regular file before a single byte is read.
pub fn read_head(path: &Path, max: usize) -> io::Result<Vec<u8>> {
    let (file, meta) = open_regular(path)?;
    // The length is only a hint (a sparse or growing file can lie): reserve
    // at most 1 MiB up front and let the bounded read grow the buffer.
    let cap = usize::try_from(meta.len())
        .unwrap_or(usize::MAX)
        .min(max)
        .min(1 << 20);
    let mut buf = Vec::with_capacity(cap);
    file.take(u64::try_from(max).unwrap_or(u64::MAX))
        .read_to_end(&mut buf)?;
    Ok(buf)
}

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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn read_head_reads_at_most_max() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"0123456789").unwrap();
        assert_eq!(read_head(&p, 4).unwrap(), b"0123");
        assert_eq!(read_head(&p, 100).unwrap(), b"0123456789");
        assert_eq!(read_head(&p, 0).unwrap(), b"");
    }

    #[test]
    fn read_head_rejects_non_regular() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("x.db");
        std::fs::create_dir(&d).unwrap();
        let e = read_head(&d, 10).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);

        let target = dir.path().join("t");
        std::fs::write(&target, b"abc").unwrap();
        let link = dir.path().join("l");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(
            read_head(&link, 10).is_err(),
            "symlink must not be followed"
        );

        let fifo = dir.path().join("fifo");
        let st = std::process::Command::new("mkfifo").arg(&fifo).status();
        if matches!(st, Ok(s) if s.success()) {
            // O_NONBLOCK: opening a FIFO with no writer must not hang.
            let e = read_head(&fifo, 10).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        } else {
            eprintln!("note: mkfifo unavailable, FIFO case skipped");
        }
    }

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
