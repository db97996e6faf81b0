//! Reading one file's insides, each file on its own: pure parsers over bytes and the
//! read-only openers they are fed by.
//!
//! The byte parsers ([`sqlite::header`], [`sqlite::wal`], [`plist`], [`dat`],
//! [`binarycookies`]) are pure functions over slices and never touch the filesystem;
//! [`sqlite::roles`] maps path strings to database roles. [`read_head`],
//! [`sqlite::pages`] (the page engine), [`sqlite::db`], [`urlcache`] and
//! [`httpstorage`] do I/O, and none of them creates, changes or deletes any file
//! anywhere.
//! [`describe`] is the metadata pass: the databases and plists the walk found, read
//! through these, become the report's entries.

pub(crate) mod binarycookies;
pub(crate) mod contacts;
pub(crate) mod dat;
pub(crate) mod describe;
pub(crate) mod httpstorage;
pub(crate) mod names_file;
pub(crate) mod plist;
pub(crate) mod resources;
pub(crate) mod sqlite;
pub(crate) mod urlcache;

use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

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
}
