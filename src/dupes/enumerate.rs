//! A plain, single-threaded enumeration of a folder into [`Candidates`], never
//! following a symbolic link: for tests, benchmarks and the reference comparison. The
//! `dupes` command feeds the engine from the parallel tree walk instead.

use super::candidates::{Candidates, FileMeta};
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
    for entry in walkdir::WalkDir::new(root).follow_links(false) {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e.path().unwrap_or(root).to_path_buf();
                let err = e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("file system loop"));
                issues.push(problem(&path, &err));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        match entry.metadata() {
            Ok(m) => candidates.push(entry.path(), FileMeta::from(&m), tag.clone()),
            Err(e) => {
                let err = e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("file system loop"));
                issues.push(problem(entry.path(), &err));
            }
        }
    }
    issues
}
