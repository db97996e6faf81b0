//! Reading one candidate: open it read-only without following a link or blocking,
//! check with `fstat` that it is still the regular file the walk saw, then sample it
//! (4 KiB head + 4 KiB tail) or hash all of it through a buffer the worker reuses.

use super::candidates::FileMeta;
use super::progress::Progress;
use rustix::fd::OwnedFd;
use rustix::fs::{FileType, Mode, OFlags, Stat};
use rustix::io::Errno;
use std::ffi::CStr;
use std::io;

/// Bytes read from each end of a file by the sampling pass.
pub(crate) const SAMPLE: usize = 4096;
/// Files up to this size are read whole by the sampling pass (head + tail would overlap).
pub(crate) const WHOLE: u64 = 2 * SAMPLE as u64;
/// The full pass reads in blocks of this size.
pub(crate) const BLOCK: usize = 128 * 1024;

pub(crate) const REPLACED: &str = "was replaced by another file since the walk";

/// Why a file was not read.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The path could not be opened or read: it vanished, is not readable, ...
    Io(io::Error),
    /// The path now names something else (another file, a link, a FIFO): only this
    /// path is left out; another link to the same inode may still be read.
    Replaced(&'static str),
    /// The file itself changed since the walk: the whole inode is left out.
    Modified(&'static str),
}

impl From<Errno> for Failure {
    fn from(e: Errno) -> Self {
        if e == Errno::LOOP {
            // O_NOFOLLOW on a symbolic link.
            Failure::Replaced("was replaced by a symbolic link since the walk")
        } else {
            Failure::Io(e.into())
        }
    }
}

/// `(size, mtime_ns, dev, ino, is a regular file)` of an open file.
#[allow(clippy::unnecessary_cast, clippy::useless_conversion)]
fn identity(st: &Stat) -> (u64, i64, u64, u64, bool) {
    (
        st.st_size.max(0) as u64,
        super::candidates::mtime_ns(st.st_mtime as i64, st.st_mtime_nsec as i64),
        st.st_dev as u64,
        st.st_ino as u64,
        FileType::from_raw_mode(st.st_mode as _) == FileType::RegularFile,
    )
}

/// Open `path` read-only (never following a link, never blocking on a FIFO) and check
/// that it is still the file `want` describes.
pub(crate) fn open_checked(path: &CStr, want: &FileMeta) -> Result<OwnedFd, Failure> {
    let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
    let fd = rustix::fs::open(path, flags, Mode::empty())?;
    let (size, mtime_ns, dev, ino, regular) = identity(&rustix::fs::fstat(&fd)?);
    if !regular {
        return Err(Failure::Replaced("is no longer a regular file"));
    }
    if (dev, ino) != (want.dev, want.ino) {
        return Err(Failure::Replaced(REPLACED));
    }
    if (size, mtime_ns) != (want.size, want.mtime_ns) {
        return Err(Failure::Modified(
            "changed since the walk (size or modification time)",
        ));
    }
    Ok(fd)
}

/// Fill `buf` from `offset` (or from the current position when `offset` is `None`)
/// until it is full or the file ends; returns the bytes read.
fn fill(fd: &OwnedFd, buf: &mut [u8], offset: Option<u64>) -> Result<usize, Failure> {
    let mut n = 0;
    while n < buf.len() {
        let got = match offset {
            Some(at) => rustix::io::pread(fd, &mut buf[n..], at + n as u64),
            None => rustix::io::read(fd, &mut buf[n..]),
        };
        match got {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(n)
}

const SHORT: Failure = Failure::Modified("changed while it was read");

/// The sampling hash of an open file of `size` bytes: XXH3-128 of the whole file up to
/// [`WHOLE`] bytes, else of its first and last [`SAMPLE`] bytes. `buf` holds at least
/// `WHOLE` bytes. Returns the hash and the bytes read.
pub(crate) fn sample(fd: &OwnedFd, size: u64, buf: &mut [u8]) -> Result<(u128, u64), Failure> {
    if size <= WHOLE {
        // A file that shrank since the fstat reads short; one that grew is caught by the
        // full pass, which reads to the end (and a file whose first `size` bytes match
        // no other's is no duplicate anyway).
        let want = size as usize;
        let n = fill(fd, &mut buf[..want], None)?;
        if n != want {
            return Err(SHORT);
        }
        return Ok((xxhash_rust::xxh3::xxh3_128(&buf[..n]), n as u64));
    }
    let (head, rest) = buf.split_at_mut(SAMPLE);
    let tail = &mut rest[..SAMPLE];
    if fill(fd, head, Some(0))? != SAMPLE || fill(fd, tail, Some(size - SAMPLE as u64))? != SAMPLE {
        return Err(SHORT);
    }
    Ok((
        xxhash_rust::xxh3::xxh3_128(&buf[..2 * SAMPLE]),
        2 * SAMPLE as u64,
    ))
}

/// The BLAKE3 hash of all of an open file, read in [`BLOCK`]s through `buf`. The file
/// must end exactly at `want.size` and still carry the walk's size and mtime after the
/// last read, or it changed while it was read.
pub(crate) fn full(
    fd: &OwnedFd,
    want: &FileMeta,
    buf: &mut [u8],
    progress: Option<&Progress>,
) -> Result<[u8; 32], Failure> {
    let mut hasher = blake3::Hasher::new();
    let mut total = 0u64;
    loop {
        let n = fill(fd, buf, None)?;
        if n == 0 {
            break;
        }
        total += n as u64;
        if total > want.size {
            return Err(SHORT);
        }
        hasher.update(&buf[..n]);
        if let Some(p) = progress {
            p.add_bytes(n as u64);
        }
        if n < buf.len() {
            // `fill` stops short only at the end of the file.
            break;
        }
    }
    let (size, mtime_ns, ..) = identity(&rustix::fs::fstat(fd)?);
    if total != want.size || (size, mtime_ns) != (want.size, want.mtime_ns) {
        return Err(SHORT);
    }
    Ok(*hasher.finalize().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CString;
    use std::fs;
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;

    fn c(p: &Path) -> CString {
        CString::new(p.as_os_str().as_bytes()).unwrap()
    }

    fn meta_of(p: &Path) -> FileMeta {
        FileMeta::from(&fs::symlink_metadata(p).unwrap())
    }

    #[test]
    fn samples_small_whole_and_large_ends() {
        let dir = tempfile::tempdir().unwrap();
        let mut buf = vec![0u8; BLOCK];
        // Small: the whole content decides.
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        fs::write(&a, b"hello").unwrap();
        fs::write(&b, b"hellp").unwrap();
        let fa = open_checked(&c(&a), &meta_of(&a)).unwrap();
        let fb = open_checked(&c(&b), &meta_of(&b)).unwrap();
        let sa = sample(&fa, 5, &mut buf).unwrap();
        let sb = sample(&fb, 5, &mut buf).unwrap();
        assert_ne!(sa.0, sb.0);
        assert_eq!(sa.1, 5);
        // Large: the same ends with a different middle sample alike, and hash apart.
        let mut x = vec![7u8; 3 * SAMPLE];
        fs::write(&a, &x).unwrap();
        x[SAMPLE + 10] = 8;
        fs::write(&b, &x).unwrap();
        let (ma, mb) = (meta_of(&a), meta_of(&b));
        let fa = open_checked(&c(&a), &ma).unwrap();
        let fb = open_checked(&c(&b), &mb).unwrap();
        let sa = sample(&fa, ma.size, &mut buf).unwrap();
        let sb = sample(&fb, mb.size, &mut buf).unwrap();
        assert_eq!(sa, sb);
        assert_eq!(sa.1, 2 * SAMPLE as u64);
        let ha = full(&fa, &ma, &mut buf, None).unwrap();
        let hb = full(&fb, &mb, &mut buf, None).unwrap();
        assert_ne!(ha, hb);
        assert_eq!(&ha, blake3::hash(&vec![7u8; 3 * SAMPLE]).as_bytes());
    }

    #[test]
    fn refuses_changed_replaced_and_special_files() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        fs::write(&a, b"hello").unwrap();
        fs::write(&b, b"hello").unwrap();
        let m = meta_of(&a);
        // Grown since the walk.
        fs::write(&a, b"hello!").unwrap();
        assert!(matches!(
            open_checked(&c(&a), &m),
            Err(Failure::Modified(_))
        ));
        // Replaced by a symbolic link.
        fs::remove_file(&a).unwrap();
        std::os::unix::fs::symlink(&b, &a).unwrap();
        assert!(matches!(
            open_checked(&c(&a), &m),
            Err(Failure::Replaced(_))
        ));
        // Replaced by another file.
        fs::remove_file(&a).unwrap();
        fs::hard_link(&b, &a).unwrap();
        assert!(matches!(
            open_checked(&c(&a), &m),
            Err(Failure::Replaced(_))
        ));
        // Vanished.
        fs::remove_file(&a).unwrap();
        match open_checked(&c(&a), &m) {
            Err(Failure::Io(e)) => assert_eq!(e.kind(), io::ErrorKind::NotFound),
            _ => panic!("expected an I/O failure"),
        }
        // A FIFO is opened without blocking and refused.
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("note: mkfifo unavailable, FIFO case skipped");
            return;
        }
        let mut fm = meta_of(&fifo);
        fm.size = 5;
        assert!(matches!(
            open_checked(&c(&fifo), &fm),
            Err(Failure::Replaced(_))
        ));
    }
}
