//! A plain, single-threaded enumeration of a folder into [`Candidates`], never
//! following a symbolic link: for tests, benchmarks and the reference comparison. The
//! `dupes` command feeds the engine from the parallel tree walk instead.

use super::candidates::{Candidates, DirId, FileMeta};
use crate::model::Issue;
use std::path::Path;

/// Add every regular file under `root` (or `root` itself, if it is one) with the
/// attribution `tag`; entries that cannot be read become issues. Symbolic links are
/// neither followed nor compared; FIFOs, sockets and devices are skipped.
pub fn enumerate<T: Clone>(root: &Path, tag: T, candidates: &mut Candidates<T>) -> Vec<Issue> {
    let mut issues = Vec::new();
    let problem = |path: &Path, err: &std::io::Error| {
        crate::error::io_issue(
            &crate::paths::escape_cow(path.as_os_str().as_encoded_bytes()).0,
            err,
        )
    };
    // The registered folder at each depth: a folder's files may come after its
    // sub-folders' (the walk is depth-first), so the parent is found by depth.
    let mut dirs: Vec<DirId> = Vec::new();
    for entry in walkdir::WalkDir::new(root).follow_links(false) {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e.path().unwrap_or(root).to_path_buf();
                issues.push(problem(&path, &into_io(e)));
                continue;
            }
        };
        let depth = entry.depth();
        if entry.file_type().is_dir() {
            dirs.truncate(depth);
            dirs.push(candidates.dir(entry.path()));
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        match entry.metadata() {
            Ok(m) => match depth.checked_sub(1).and_then(|d| dirs.get(d)) {
                Some(&dir) => {
                    candidates.push_in(dir, entry.file_name(), FileMeta::from(&m), tag.clone())
                }
                // `root` itself is a file.
                None => candidates.push(entry.path(), FileMeta::from(&m), tag.clone()),
            },
            Err(e) => issues.push(problem(entry.path(), &into_io(e))),
        }
    }
    issues
}

fn into_io(e: walkdir::Error) -> std::io::Error {
    e.into_io_error()
        .unwrap_or_else(|| std::io::Error::other("file system loop"))
}
