//! The parallel, streaming walk: one `lstat` per entry, never following a link.
//!
//! Worker threads share a stack of folders still to read. Each worker reads a folder,
//! takes one metadata call per entry (`DirEntry::metadata`, which does not follow
//! symlinks), pushes sub-folders back onto the shared stack and hands everything else
//! to its own [`Visitor`]. Nothing about the tree is kept beyond the folders still to
//! read, so memory stays flat; the visitors are merged by the caller at the end.
//! FIFOs, sockets and devices are counted and never opened; a few regular files are
//! opened (non-blocking, no-follow) to read their first bytes for [`crate::sniff`].

use crate::meta::read_head_into;
use crate::model::Issue;
use crate::paths::escape_name;
use crate::sniff::{needs_head, HEAD_LEN};
use std::ffi::OsStr;
use std::fs::{self, Metadata};
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};

/// What the walk keeps of one `lstat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileMeta {
    /// `st_size`.
    pub size: u64,
    /// `st_blocks × 512`.
    pub allocated: u64,
    /// `st_mtime`, seconds since the Unix epoch.
    pub mtime: i64,
    pub dev: u64,
    pub ino: u64,
    pub nlink: u64,
}

impl From<&Metadata> for FileMeta {
    fn from(m: &Metadata) -> Self {
        FileMeta {
            size: m.size(),
            allocated: m.blocks().saturating_mul(512),
            mtime: m.mtime(),
            dev: m.dev(),
            ino: m.ino(),
            nlink: m.nlink(),
        }
    }
}

/// One regular file, as the visitors see it.
#[derive(Debug)]
pub struct FileEntry<'a> {
    /// Index into the roots passed to [`walk`].
    pub root: usize,
    /// Escaped, `/`-separated, relative to the report's base.
    pub rel: &'a str,
    /// Escaped, container-relative (see [`crate::classify`]).
    pub canonical: &'a str,
    /// Escaped file name.
    pub name: &'a str,
    pub meta: FileMeta,
    /// First bytes, when [`needs_head`] asked for them and they could be read.
    pub head: Option<&'a [u8]>,
    /// [`needs_head`] asked for the first bytes and they could not be read (an issue
    /// was reported).
    pub head_failed: bool,
    /// The folder it is in, on disk.
    pub dir: &'a Path,
    /// Its unescaped name (`dir.join(os_name)` opens it).
    pub os_name: &'a OsStr,
}

/// One sub-folder, as the visitors see it (besides its [`Visitor::dir`] count).
#[derive(Debug)]
pub struct DirEntry<'a> {
    pub root: usize,
    /// Escaped, relative to the report's base.
    pub rel: &'a str,
    /// Escaped, container-relative.
    pub canonical: &'a str,
    /// Escaped folder name.
    pub name: &'a str,
}

/// Receives what one worker finds. One visitor per worker; the caller merges them.
pub trait Visitor: Send {
    /// A regular file.
    fn file(&mut self, entry: &FileEntry<'_>);
    /// A folder (including each root).
    fn dir(&mut self, root: usize, meta: &FileMeta);
    /// A sub-folder's names (after [`Visitor::dir`]; not called for the roots).
    fn named_dir(&mut self, _entry: &DirEntry<'_>) {}
    /// A symbolic link: counted, never followed.
    fn symlink(&mut self, root: usize, meta: &FileMeta);
    /// A FIFO, socket or device node: counted, never opened.
    fn special(&mut self, root: usize, meta: &FileMeta);
    /// A per-entry problem.
    fn issue(&mut self, issue: Issue);
}

/// A folder to walk.
#[derive(Debug, Clone)]
pub struct WalkRoot {
    /// Where it is on disk.
    pub path: PathBuf,
    /// Its path relative to the report's base (`""` for the base itself).
    pub rel: String,
    /// Its container-relative path (`""` for a container, `Data`, ...).
    pub canonical: String,
}

struct Job {
    root: usize,
    path: PathBuf,
    rel: String,
    canonical: String,
}

struct Queue {
    stack: Vec<Job>,
    /// Workers currently reading a folder (they may push more work).
    active: usize,
}

fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        let mut s = String::with_capacity(parent.len() + 1 + name.len());
        s.push_str(parent);
        s.push('/');
        s.push_str(name);
        s
    }
}

/// Map an I/O error to an issue kind and message (see [`crate::error::io_issue`]).
fn issue(rel: &str, err: &io::Error) -> Issue {
    crate::error::io_issue(if rel.is_empty() { "." } else { rel }, err)
}

/// Walk every root with `threads` workers; returns one visitor per worker.
///
/// The roots themselves must be folders (checked by the caller).
pub fn walk<V, F>(roots: &[WalkRoot], threads: usize, make: F) -> Vec<V>
where
    V: Visitor,
    F: Fn() -> V + Sync,
{
    let threads = threads.max(1);
    let queue = Mutex::new(Queue {
        stack: roots
            .iter()
            .enumerate()
            .rev()
            .map(|(i, r)| Job {
                root: i,
                path: r.path.clone(),
                rel: r.rel.clone(),
                canonical: r.canonical.clone(),
            })
            .collect(),
        active: 0,
    });
    let ready = Condvar::new();
    let mut visitors: Vec<V> = (0..threads).map(|_| make()).collect();

    // The roots' own metadata.
    if let Some(first) = visitors.first_mut() {
        for (i, r) in roots.iter().enumerate() {
            match fs::symlink_metadata(&r.path) {
                Ok(m) => first.dir(i, &FileMeta::from(&m)),
                Err(e) => first.issue(issue(&r.rel, &e)),
            }
        }
    }

    std::thread::scope(|s| {
        for visitor in visitors.iter_mut() {
            let (queue, ready) = (&queue, &ready);
            s.spawn(move || worker(queue, ready, visitor));
        }
    });
    visitors
}

fn worker<V: Visitor>(queue: &Mutex<Queue>, ready: &Condvar, visitor: &mut V) {
    let mut found = Vec::new();
    loop {
        let job = {
            let mut q = queue.lock().unwrap_or_else(|p| p.into_inner());
            loop {
                if let Some(job) = q.stack.pop() {
                    q.active += 1;
                    break Some(job);
                }
                if q.active == 0 {
                    break None;
                }
                q = ready.wait(q).unwrap_or_else(|p| p.into_inner());
            }
        };
        let Some(job) = job else {
            ready.notify_all();
            return;
        };
        read_dir(&job, visitor, &mut found);
        let mut q = queue.lock().unwrap_or_else(|p| p.into_inner());
        q.active -= 1;
        let pushed = found.len();
        q.stack.append(&mut found);
        let idle = q.active == 0 && q.stack.is_empty();
        drop(q);
        if idle || pushed > 1 {
            ready.notify_all();
        } else if pushed == 1 {
            ready.notify_one();
        }
    }
}

fn read_dir<V: Visitor>(job: &Job, visitor: &mut V, found: &mut Vec<Job>) {
    let entries = match fs::read_dir(&job.path) {
        Ok(entries) => entries,
        Err(e) => {
            visitor.issue(issue(&job.rel, &e));
            return;
        }
    };
    let mut head = [0u8; HEAD_LEN];
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                visitor.issue(issue(&job.rel, &e));
                continue;
            }
        };
        let file_name = entry.file_name();
        let (name, utf8) = escape_name(&file_name);
        let rel = join(&job.rel, &name);
        if !utf8 {
            visitor.issue(Issue {
                path: rel.clone(),
                kind: "non-utf8-name".into(),
                message: "name is not valid UTF-8; shown with \\xNN escapes".into(),
            });
        }
        let meta = match entry.metadata() {
            Ok(m) => m,
            Err(e) => {
                visitor.issue(issue(&rel, &e));
                continue;
            }
        };
        let fm = FileMeta::from(&meta);
        let ft = meta.file_type();
        let canonical = join(&job.canonical, &name);
        if ft.is_dir() {
            visitor.dir(job.root, &fm);
            visitor.named_dir(&DirEntry {
                root: job.root,
                rel: &rel,
                canonical: &canonical,
                name: &name,
            });
            found.push(Job {
                root: job.root,
                path: entry.path(),
                rel,
                canonical,
            });
        } else if ft.is_file() {
            let mut head_failed = false;
            let head_len = if needs_head(&name) {
                match read_head_into(&job.path.join(&file_name), &mut head) {
                    Ok(n) => Some(n),
                    Err(e) => {
                        visitor.issue(issue(&rel, &e));
                        head_failed = true;
                        None
                    }
                }
            } else {
                None
            };
            visitor.file(&FileEntry {
                root: job.root,
                rel: &rel,
                canonical: &canonical,
                name: &name,
                meta: fm,
                head: head_len.map(|n| &head[..n]),
                head_failed,
                dir: &job.path,
                os_name: &file_name,
            });
        } else if ft.is_symlink() {
            visitor.symlink(job.root, &fm);
        } else {
            // FIFO, socket, block or character device (or anything newer): never opened.
            visitor.special(job.root, &fm);
        }
    }
}
