//! A plain parallel enumeration of a folder into [`Candidates`], never following a
//! symbolic link below the root: for tests, benchmarks and the reference comparison.
//! The `dupes` command feeds the engine from the tree walk instead.
//!
//! Workers share a stack of folders still to read; each reads a folder with
//! `read_dir` and takes one `lstat` per regular file (`DirEntry::metadata`, relative to
//! the open folder where the platform allows), into its own [`Candidates`], merged at
//! the end.

use super::candidates::{Candidates, DirId, FileMeta};
use crate::model::Issue;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};

/// Add every regular file under `root` (or `root` itself, if it is one; a root given as
/// a symbolic link is followed) with the attribution `tag`, reading folders on
/// `threads` workers; entries that cannot be read become issues. Symbolic links below
/// the root are neither followed nor compared; FIFOs, sockets and devices are skipped.
pub fn enumerate<T: Clone + Send + Sync>(
    root: &Path,
    tag: T,
    threads: usize,
    candidates: &mut Candidates<T>,
) -> Vec<Issue> {
    let problem = |path: &Path, err: &io::Error| {
        let (p, _) = crate::escape::escape_cow(path.as_os_str().as_encoded_bytes());
        crate::error::io_issue(&p, err)
    };
    match fs::metadata(root) {
        Ok(m) if m.is_file() => {
            candidates.push(root, FileMeta::from(&m), tag);
            return Vec::new();
        }
        Ok(m) if m.is_dir() => {}
        Ok(_) => return Vec::new(),
        Err(e) => return vec![problem(root, &e)],
    }
    let queue = Queue {
        state: Mutex::new((vec![root.to_path_buf()], 0)),
        ready: Condvar::new(),
    };
    let min_size = candidates.min_size();
    let threads = threads.max(1);
    let results = crate::threads::run_on(threads, || {
        let mut mine = Candidates::new(min_size);
        let mut issues = Vec::new();
        let mut found = Vec::new();
        while let Some(dir) = queue.pop() {
            read_folder(&dir, &tag, &mut mine, &mut found, &mut |p, e| {
                issues.push(problem(p, e))
            });
            queue.done(&mut found);
        }
        (mine, issues)
    });
    let mut issues = Vec::new();
    for r in results {
        let (mine, mut more) = r.unwrap_or_else(|p| std::panic::resume_unwind(p));
        candidates.append(mine);
        issues.append(&mut more);
    }
    issues.sort();
    issues
}

/// The folders still to read, and how many workers are reading one.
struct Queue {
    state: Mutex<(Vec<PathBuf>, usize)>,
    ready: Condvar,
}

impl Queue {
    /// The next folder, waiting while others may still find some; `None` when all is read.
    fn pop(&self) -> Option<PathBuf> {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(dir) = st.0.pop() {
                st.1 += 1;
                return Some(dir);
            }
            if st.1 == 0 {
                self.ready.notify_all();
                return None;
            }
            st = self.ready.wait(st).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// One folder read; `found` holds its sub-folders.
    fn done(&self, found: &mut Vec<PathBuf>) {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        st.1 -= 1;
        st.0.append(found);
        drop(st);
        self.ready.notify_all();
    }
}

fn read_folder<T: Clone>(
    dir: &Path,
    tag: &T,
    out: &mut Candidates<T>,
    found: &mut Vec<PathBuf>,
    problem: &mut dyn FnMut(&Path, &io::Error),
) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => return problem(dir, &e),
    };
    let mut id: Option<DirId> = None;
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                problem(dir, &e);
                break;
            }
        };
        let kind = match entry.file_type() {
            Ok(kind) => kind,
            Err(e) => {
                problem(&entry.path(), &e);
                continue;
            }
        };
        if kind.is_dir() {
            found.push(entry.path());
        } else if kind.is_file() {
            match entry.metadata() {
                Ok(m) if m.is_file() => {
                    let id = *id.get_or_insert_with(|| out.dir(dir));
                    out.push_in(id, &entry.file_name(), FileMeta::from(&m), tag.clone());
                }
                // Replaced by something else since `read_dir`.
                Ok(_) => {}
                Err(e) => problem(&entry.path(), &e),
            }
        }
    }
}
