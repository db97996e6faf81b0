//! Where the report goes: standard output, or the `-o` file, which appears whole or
//! not at all and never inside a scanned folder.
//!
//! `-o FILE` is checked and prepared before any long work starts ([`prepare`]): the
//! target must be a regular file or not exist yet (or be the null device, so
//! `-o /dev/null` still runs a scan for its exit code alone); a symbolic link is
//! refused, never followed, so `-o` cannot be sent through a link into a FIFO, a
//! device or a scanned folder; anything else (a folder, a FIFO, a socket, another
//! device) is refused. The temporary file beside the target is created at once, which
//! proves the folder is writable before the scan; the report is written into it, given
//! the mode the target had (a new file gets the usual `0666` less the umask) and
//! renamed over the target. A signal while it exists removes it ([`abandon`]), and so
//! does an error or an early return ([`Pending`]'s `Drop`). When no thread watches for
//! signals ([`signals_watched`] was not called: the system gave none), a signal kills
//! the process at once, so the temporary file is only tried and removed before the
//! scan, and made for good when the report is ready: it exists for the few
//! milliseconds of the write, not the whole scan.

use crate::config::Output;
use crate::error::{Error, Result};
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

/// The temporary file that exists, if any, so a signal handler can remove it.
static PENDING: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Whether a thread waits for signals and removes the temporary file ([`abandon`]).
static WATCHED: AtomicBool = AtomicBool::new(false);

/// A signal handler is in place and calls [`abandon`]: the temporary file may then
/// exist for the whole run.
pub fn signals_watched() {
    WATCHED.store(true, Ordering::Relaxed);
}

fn pending() -> MutexGuard<'static, Option<PathBuf>> {
    PENDING.lock().unwrap_or_else(|p| p.into_inner())
}

/// Remove the temporary file, if any, and keep any other from being created or
/// renamed into place: call from a signal handler, then exit. The lock is held until
/// the process ends, so a rename cannot slip in after the removal.
pub fn abandon() -> MutexGuard<'static, Option<PathBuf>> {
    let mut guard = pending();
    if let Some(tmp) = guard.take() {
        let _ = fs::remove_file(tmp);
    }
    guard
}

/// Where the report goes, ready before the scan starts.
#[derive(Debug)]
pub enum Sink {
    Stdout,
    /// `-o /dev/null` (the null device itself, opened for writing).
    Null(File),
    File(Pending),
}

/// The `-o` file: its temporary file exists from [`prepare`] until [`Pending::commit`].
#[derive(Debug)]
pub struct Pending {
    target: PathBuf,
    tmp: PathBuf,
    tmp_file: Tmp,
    mode: u32,
}

/// The temporary file of a [`Pending`].
#[derive(Debug)]
enum Tmp {
    Open(File),
    /// To be made by [`Pending::commit`] (no thread watches for signals, see the
    /// module docs).
    Later,
    /// Renamed into place, or removed.
    Gone,
}

impl Drop for Pending {
    fn drop(&mut self) {
        if matches!(
            std::mem::replace(&mut self.tmp_file, Tmp::Gone),
            Tmp::Open(_)
        ) {
            let mut guard = pending();
            let _ = fs::remove_file(&self.tmp);
            *guard = None;
        }
    }
}

fn refuse(path: &Path, why: impl Into<String>) -> Error {
    Error::Output {
        path: path.to_path_buf(),
        source: io::Error::other(why.into()),
    }
}

fn output_err(path: &Path) -> impl FnOnce(io::Error) -> Error + '_ {
    move |source| Error::Output {
        path: path.to_path_buf(),
        source,
    }
}

/// Is `m` the null device (the same device `/dev/null` is)?
fn is_null_device(m: &fs::Metadata) -> bool {
    m.file_type().is_char_device()
        && fs::symlink_metadata("/dev/null")
            .is_ok_and(|null| null.file_type().is_char_device() && null.rdev() == m.rdev())
}

/// What kind of thing `m` is, in words.
fn kind_of(m: &fs::Metadata) -> &'static str {
    let t = m.file_type();
    if t.is_dir() {
        "a folder"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else {
        "not a regular file"
    }
}

/// The mode a new file gets: `0666` less the umask (read once, before any thread
/// creates files).
fn new_file_mode() -> u32 {
    use rustix::fs::Mode;
    use rustix::process::umask;
    let mask = umask(Mode::empty());
    umask(mask);
    // `mode_t` is 16 bits on macOS, 32 on Linux.
    #[allow(clippy::useless_conversion)]
    let bits = u32::from(mask.bits());
    0o666 & !bits
}

/// Check `-o` (outside every root in `roots`, a usable target) and create its
/// temporary file; see the module docs. Call before the scan starts.
pub fn prepare(out: &Output, roots: &[PathBuf]) -> Result<Sink> {
    let path = match out {
        Output::Stdout => return Ok(Sink::Stdout),
        Output::File(p) => p,
    };
    check_outside(path, roots)?;
    let mode = match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            return Err(refuse(
                path,
                "it is a symbolic link, and -o never writes through a link; give the path of the file itself",
            ))
        }
        Ok(m) if m.is_file() => m.mode() & 0o7777,
        Ok(m) if is_null_device(&m) => {
            let file = OpenOptions::new()
                .write(true)
                .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
                .open(path)
                .map_err(output_err(path))?;
            // Still the null device once open (nothing swapped in meanwhile).
            let now = file.metadata().map_err(output_err(path))?;
            if !is_null_device(&now) {
                return Err(refuse(path, "it changed while being opened"));
            }
            return Ok(Sink::Null(file));
        }
        Ok(m) => {
            return Err(refuse(
                path,
                format!(
                    "it is {}; -o writes only regular files (or /dev/null): use > to send the report anywhere else",
                    kind_of(&m)
                ),
            ))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => new_file_mode(),
        Err(e) => return Err(output_err(path)(e)),
    };
    if path.as_os_str().as_encoded_bytes().ends_with(b"/") {
        return Err(refuse(path, "it names a folder, not a file"));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let file = create_tmp(&tmp).map_err(output_err(path))?;
    let tmp_file = if WATCHED.load(Ordering::Relaxed) {
        Tmp::Open(file)
    } else {
        // Nobody would remove it on a signal: proven creatable, made again at the end.
        drop(file);
        let mut guard = pending();
        let _ = fs::remove_file(&tmp);
        *guard = None;
        Tmp::Later
    };
    Ok(Sink::File(Pending {
        target: path.clone(),
        tmp,
        tmp_file,
        mode,
    }))
}

/// Create the temporary file `tmp` (new, private, never through a link) and note it
/// for [`abandon`].
fn create_tmp(tmp: &Path) -> io::Result<File> {
    let mut guard = pending();
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(tmp)?;
    *guard = Some(tmp.to_path_buf());
    Ok(file)
}

impl Pending {
    /// Write with `render` into the temporary file, then give it the target's mode
    /// and rename it over the target. On any error the temporary file is removed.
    pub fn commit(mut self, render: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
        let file = match std::mem::replace(&mut self.tmp_file, Tmp::Gone) {
            Tmp::Open(file) => file,
            Tmp::Later => create_tmp(&self.tmp).map_err(output_err(&self.target))?,
            Tmp::Gone => return Err(refuse(&self.target, "already written")),
        };
        let result = (|| -> io::Result<()> {
            let mut w = BufWriter::new(file);
            render(&mut w)?;
            let file = w.into_inner().map_err(|e| e.into_error())?;
            file.set_permissions(fs::Permissions::from_mode(self.mode))?;
            file.sync_all()?;
            let guard = pending();
            if guard.is_none() {
                // Abandoned by a signal: the process is about to exit.
                return Err(io::Error::new(io::ErrorKind::Interrupted, "interrupted"));
            }
            fs::rename(&self.tmp, &self.target)?;
            let mut guard = guard;
            *guard = None;
            Ok(())
        })();
        if let Err(e) = result {
            let mut guard = pending();
            let _ = fs::remove_file(&self.tmp);
            *guard = None;
            return Err(output_err(&self.target)(e));
        }
        Ok(())
    }
}

/// Refuse an output path inside any of the scanned roots (read-only guarantee).
pub fn check_outside(output: &Path, roots: &[PathBuf]) -> Result<()> {
    let parent = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Ok(parent) = fs::canonicalize(&parent) else {
        return Ok(());
    };
    for root in roots {
        if let Ok(root) = fs::canonicalize(root) {
            if parent.starts_with(&root) {
                return Err(refuse(
                    output,
                    format!(
                        "it is inside the scanned folder {}; wechat-inspect never writes there",
                        root.display()
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Write the report to `sink`: standard output, the null device, or the `-o` file.
pub fn emit(
    sink: Sink,
    stdout: &mut dyn Write,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    match sink {
        Sink::Stdout => render(stdout).map_err(|source| Error::Output {
            path: "<stdout>".into(),
            source,
        }),
        Sink::Null(file) => {
            let mut w = BufWriter::new(file);
            render(&mut w)
                .and_then(|()| w.flush())
                .map_err(output_err(Path::new("/dev/null")))
        }
        Sink::File(p) => p.commit(render),
    }
}
