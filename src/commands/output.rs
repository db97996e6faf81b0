//! Writing the report: to standard output, or to a file that appears whole or not at
//! all (written beside the target, then renamed), never inside a scanned folder.
//! A Ctrl-C while the temporary file exists removes it ([`abandon`]).

use crate::error::{Error, Result};
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// The temporary file being written, if any, so an interrupt can remove it.
static PENDING: Mutex<Option<PathBuf>> = Mutex::new(None);

fn pending() -> MutexGuard<'static, Option<PathBuf>> {
    PENDING.lock().unwrap_or_else(|p| p.into_inner())
}

/// Remove the temporary file being written, if any, and keep any other from being
/// renamed into place: call from an interrupt handler, then exit. The lock is held
/// until the process ends, so a rename cannot slip in after the removal.
pub fn abandon() -> MutexGuard<'static, Option<PathBuf>> {
    let mut guard = pending();
    if let Some(tmp) = guard.take() {
        let _ = fs::remove_file(tmp);
    }
    guard
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
                return Err(Error::Output {
                    path: output.to_path_buf(),
                    source: io::Error::other(format!(
                        "it is inside the scanned folder {}; wechat-inspect never writes there",
                        root.display()
                    )),
                });
            }
        }
    }
    Ok(())
}

/// Write with `render` into `path` atomically: a temporary file in the same folder,
/// renamed over the target only once everything was written. A target that exists and
/// is not a regular file (`/dev/null`, a FIFO, a terminal) is written in place:
/// renaming over it would replace the device node itself.
pub fn write_file(
    path: &Path,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    let err = |source| Error::Output {
        path: path.to_path_buf(),
        source,
    };
    if fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        let file = fs::OpenOptions::new().write(true).open(path).map_err(err)?;
        let mut w = BufWriter::new(file);
        return render(&mut w).and_then(|()| w.flush()).map_err(err);
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
    let result = (|| -> io::Result<()> {
        let file = {
            let mut guard = pending();
            let file = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)?;
            *guard = Some(tmp.clone());
            file
        };
        let mut w = BufWriter::new(file);
        render(&mut w)?;
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        let mut guard = pending();
        if guard.is_none() {
            // Abandoned by an interrupt: the process is about to exit.
            return Err(io::Error::new(io::ErrorKind::Interrupted, "interrupted"));
        }
        fs::rename(&tmp, path)?;
        *guard = None;
        Ok(())
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        *pending() = None;
        return Err(err(e));
    }
    Ok(())
}
