//! Listing one folder's regular files on demand, for a plan (read-only: the folder is
//! opened without following a link, and each entry gets one `fstatat` without
//! following; nothing is opened or read inside).

use crate::plan::{Listed, Lister};
use crate::tree::walk::FileMeta;
use rustix::fs::{AtFlags, FileType, Mode, OFlags};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

/// The [`Lister`] over the real filesystem.
#[derive(Debug, Default)]
pub(crate) struct DiskLister {
    /// Folders listed (for `--timings` and the tests).
    pub(crate) folders: u64,
}

impl Lister for DiskLister {
    fn list(&mut self, path: &[u8]) -> Option<Vec<Listed>> {
        self.folders += 1;
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC | OFlags::NOFOLLOW;
        let fd = rustix::fs::open(OsStr::from_bytes(path), flags, Mode::empty()).ok()?;
        let mut dir = rustix::fs::Dir::read_from(&fd).ok()?;
        let mut out = Vec::new();
        for entry in dir.by_ref() {
            let entry = entry.ok()?;
            let name = entry.file_name();
            if matches!(name.to_bytes(), b"." | b"..") {
                continue;
            }
            let Ok(st) = rustix::fs::statat(&fd, name, AtFlags::SYMLINK_NOFOLLOW) else {
                continue;
            };
            let (meta, kind) = FileMeta::from_stat(&st);
            if kind == FileType::RegularFile {
                out.push(Listed {
                    name: name.to_bytes().to_vec(),
                    meta,
                });
            }
        }
        Some(out)
    }
}
