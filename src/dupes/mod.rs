//! Duplicate files by content: read-only, parallel, in memory proportional to the files.
//!
//! The pipeline is the one `fclones` uses, with two reads instead of three:
//!
//! 1. **Size.** Candidates are sorted by `(size, dev, ino)`; a size shared by fewer
//!    than two distinct inodes ends the story for its files, without a read. Files
//!    smaller than the minimum size (1 byte by default, as `fclones group`: empty
//!    files are all "equal" and free nothing) are not even stored.
//! 2. **Inode.** The paths of one `(dev, ino)` are one member: it is read once, and
//!    hard links are never duplicates of each other.
//! 3. **Sample.** XXH3-128 of the first and last 4 KiB (of the whole file up to 8 KiB).
//!    Only a filter: its collisions cost a full hash, never a wrong group.
//! 4. **Full hash.** BLAKE3 of the whole content, for members whose sample matched
//!    another's. Files come from other people, so the hash that decides must resist
//!    crafted collisions; no byte-by-byte compare is needed.
//!
//! Each pass runs on `threads` workers; each worker reuses one 128 KiB buffer, so no
//! file content is held. Every file is opened read-only, without following a link or
//! blocking (`O_NOFOLLOW | O_NONBLOCK`), and `fstat`ed: one that is no longer a regular
//! file, or whose `(dev, ino, size, mtime)` differs from the walk's, is left out and
//! becomes an issue, as does one that vanished or could not be read. Nothing is ever
//! written, linked, cloned or deleted.

mod candidates;
mod collect;
mod enumerate;
mod model;
pub mod names;
mod progress;
mod read;

pub use candidates::{mtime_ns, Candidates, DirId, FileMeta};
pub use collect::Collector;
pub use enumerate::enumerate;
pub use model::{DupeFile, Dupes, Group, Totals};
pub use progress::{Phase, Progress, Snapshot};

use crate::model::Issue;
use candidates::Entry;
use read::{Failure, BLOCK, REPLACED, WHOLE};
use rustix::fd::OwnedFd;
use std::ffi::OsStr;
use std::fmt::Write as _;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::Mutex;

/// How to search.
#[derive(Debug, Clone)]
pub struct Options {
    /// Worker threads for the reading passes (at least 1).
    pub threads: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        }
    }
}

/// What is known of one member's content so far. Sorting groups equal keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Pending,
    Sample([u8; 16]),
    Full([u8; 32]),
    /// Left out (an issue says why).
    Failed,
}

/// One member: the paths `entries[first + skip .. first + count]` of one inode.
/// `skip` counts leading paths that could not be opened (they are left out).
#[derive(Debug, Clone, Copy)]
struct Member {
    first: usize,
    count: u32,
    skip: u32,
    size: u64,
    key: Key,
}

/// A worker's own buffer and findings.
struct Worker {
    buf: Vec<u8>,
    /// The path being opened, NUL-terminated.
    path: Vec<u8>,
    issues: Vec<Issue>,
    bytes_read: u64,
}

impl Worker {
    fn new() -> Worker {
        Worker {
            buf: vec![0; BLOCK],
            path: Vec::new(),
            issues: Vec::new(),
            bytes_read: 0,
        }
    }
}

/// Find the groups of files with the same content among `candidates`.
///
/// `progress`, when given, is updated as the passes go (see [`Progress`]).
pub fn find<T: Clone + Send + Sync>(
    mut candidates: Candidates<T>,
    opts: &Options,
    progress: Option<&Progress>,
) -> Dupes<T> {
    let threads = opts.threads.max(1);
    let mut totals = Totals {
        files: candidates.len() as u64,
        below_min_size: candidates.below_min(),
        ..Totals::default()
    };
    if let Some(p) = progress {
        p.start(Phase::Grouping, totals.files, 0);
    }

    // 1–2. Size groups, one member per inode; a size with one inode needs no read.
    let mut entries = std::mem::take(&mut candidates.entries);
    entries.sort_unstable_by(|a, b| {
        (a.size, a.inode())
            .cmp(&(b.size, b.inode()))
            .then_with(|| candidates.parts(a).cmp(&candidates.parts(b)))
    });
    // The same path given twice (overlapping roots) is one file.
    entries.dedup_by(|a, b| {
        (a.size, a.inode()) == (b.size, b.inode()) && candidates.parts(a) == candidates.parts(b)
    });
    candidates.entries = entries;
    totals.files = candidates.len() as u64;
    let mut members = size_groups(&candidates.entries);
    let c = &candidates;

    // 3. Sample: head + tail, or the whole of a small file.
    totals.sampled = members.len() as u64;
    if let Some(p) = progress {
        let bytes = members.iter().map(|m| m.size.min(WHOLE)).sum();
        p.start(Phase::Sampling, totals.sampled, bytes);
    }
    let mut issues = Vec::new();
    let workers = par_each(threads, &mut members, 32, |w, m| {
        if let Some(fd) = open_member(c, m, w) {
            match read::sample(&fd, m.size, &mut w.buf) {
                Ok((h, n)) => {
                    m.key = Key::Sample(h.to_le_bytes());
                    w.bytes_read += n;
                }
                Err(f) => fail(c, m, f, &mut w.issues),
            }
        }
        if let Some(p) = progress {
            p.add_file();
            p.add_bytes(m.size.min(WHOLE));
        }
    });
    gather(workers, &mut issues, &mut totals);
    keep_matching(&mut members);

    // 4. Full hash of what still looks alike; the largest first, to end together.
    totals.hashed = members.len() as u64;
    if let Some(p) = progress {
        p.start(
            Phase::Hashing,
            totals.hashed,
            members.iter().map(|m| m.size).sum(),
        );
    }
    members.sort_unstable_by_key(|m| std::cmp::Reverse(m.size));
    let workers = par_each(threads, &mut members, 1, |w, m| {
        if let Some(fd) = open_member(c, m, w) {
            let meta = c.meta(&c.entries[m.first + m.skip as usize]);
            match read::full(&fd, &meta, &mut w.buf, progress) {
                Ok(h) => {
                    m.key = Key::Full(h);
                    w.bytes_read += m.size;
                }
                Err(f) => fail(c, m, f, &mut w.issues),
            }
        }
        if let Some(p) = progress {
            p.add_file();
        }
    });
    gather(workers, &mut issues, &mut totals);
    keep_matching(&mut members);

    // The groups, in a stable order.
    let mut groups = Vec::new();
    for run in members.chunk_by(|a, b| (a.size, a.key) == (b.size, b.key)) {
        if let Some(g) = group(c, run, &mut issues) {
            totals.groups += 1;
            totals.group_files += g.files.len() as u64;
            totals.group_inodes += g.inodes;
            totals.unique_bytes += g.unique_bytes;
            groups.push(g);
        }
    }
    groups.sort_by(|a, b| {
        (b.unique_bytes, b.size)
            .cmp(&(a.unique_bytes, a.size))
            .then_with(|| a.hash.cmp(&b.hash))
    });
    issues.sort();
    if let Some(p) = progress {
        p.start(Phase::Done, 0, 0);
    }
    Dupes {
        algorithm: "blake3",
        min_size: candidates.min_size(),
        totals,
        groups,
        issues,
    }
}

/// The members of every size shared by at least two distinct inodes. `entries` is
/// sorted by `(size, dev, ino)`.
fn size_groups<T>(entries: &[Entry<T>]) -> Vec<Member> {
    let same_inode = |a: &Entry<T>, b: &Entry<T>| a.inode() == b.inode();
    // Counted first, so the list is allocated once at its size (it is the engine's
    // largest array after the candidates).
    let count: usize = entries
        .chunk_by(|a, b| a.size == b.size)
        .filter(|s| s.chunk_by(same_inode).nth(1).is_some())
        .map(|s| s.chunk_by(same_inode).count())
        .sum();
    let mut members = Vec::with_capacity(count);
    let mut start = 0;
    for same_size in entries.chunk_by(|a, b| a.size == b.size) {
        if same_size.chunk_by(same_inode).nth(1).is_some() {
            let mut first = start;
            for inode in same_size.chunk_by(same_inode) {
                members.push(Member {
                    first,
                    count: u32::try_from(inode.len()).unwrap_or(u32::MAX),
                    skip: 0,
                    size: inode[0].size,
                    key: Key::Pending,
                });
                first += inode.len();
            }
        }
        start += same_size.len();
    }
    members
}

/// Keep the members whose `(size, key)` another member shares, sorted by it (in place).
fn keep_matching(members: &mut Vec<Member>) {
    members.sort_unstable_by_key(|m| (m.size, m.key));
    let (mut kept, mut i) = (0, 0);
    while i < members.len() {
        let same = |m: &Member| (m.size, m.key) == (members[i].size, members[i].key);
        let end = i + members[i..].iter().take_while(|m| same(m)).count();
        if end - i > 1 && members[i].key != Key::Failed {
            members.copy_within(i..end, kept);
            kept += end - i;
        }
        i = end;
    }
    members.truncate(kept);
    // Usually most members drop out here: give their memory back.
    members.shrink_to_fit();
}

/// Open the first path of the member that is still its file; paths that vanished or
/// now name something else are skipped (each an issue).
fn open_member<T>(c: &Candidates<T>, m: &mut Member, w: &mut Worker) -> Option<OwnedFd> {
    while m.skip < m.count {
        let e = &c.entries[m.first + m.skip as usize];
        let opened = match c.c_path(e, &mut w.path) {
            Some(path) => read::open_checked(path, &c.meta(e)),
            None => Err(Failure::Io(std::io::ErrorKind::InvalidInput.into())),
        };
        match opened {
            Ok(fd) => return Some(fd),
            Err(f @ Failure::Modified(_)) => {
                fail(c, m, f, &mut w.issues);
                return None;
            }
            Err(f) => {
                w.issues.push(issue(c, e, &f));
                m.skip += 1;
            }
        }
    }
    m.key = Key::Failed;
    None
}

/// Leave the member out, saying why for the path that was being read.
fn fail<T>(c: &Candidates<T>, m: &mut Member, f: Failure, issues: &mut Vec<Issue>) {
    let e = &c.entries[m.first + (m.skip.min(m.count.saturating_sub(1))) as usize];
    issues.push(issue(c, e, &f));
    m.key = Key::Failed;
}

fn issue<T>(c: &Candidates<T>, e: &Entry<T>, f: &Failure) -> Issue {
    let bytes = c.path(e);
    let (path, _) = crate::escape::escape_cow(&bytes);
    match f {
        Failure::Io(err) => crate::error::io_issue(&path, err),
        Failure::Replaced(why) | Failure::Modified(why) => Issue {
            path: path.into_owned(),
            kind: "changed".into(),
            message: format!("{why}; not compared"),
        },
    }
}

/// Merge the workers' issues and byte counts.
fn gather(workers: Vec<Worker>, issues: &mut Vec<Issue>, totals: &mut Totals) {
    for w in workers {
        issues.extend(w.issues);
        totals.bytes_read += w.bytes_read;
    }
}

/// The group of a run of members with the same size and full hash, if it has two.
/// Each member lists the path that was read and the other links to its inode that an
/// `lstat` finds still in place (a link removed or replaced since the walk is an issue).
fn group<T: Clone>(c: &Candidates<T>, run: &[Member], issues: &mut Vec<Issue>) -> Option<Group<T>> {
    let (first, Key::Full(hash)) = (run.first()?, run.first()?.key) else {
        return None;
    };
    if run.len() < 2 {
        return None;
    }
    let mut files = Vec::new();
    let mut contained = 0u64;
    for m in run {
        let paths = &c.entries[m.first + m.skip as usize..m.first + m.count as usize];
        // The path that was read, then the other links, if they still are links to it.
        let before = files.len();
        files.extend(paths.first().map(|e| (c.path(e), e)));
        for e in paths.iter().skip(1) {
            let path = c.path(e);
            match std::fs::symlink_metadata(Path::new(OsStr::from_bytes(&path))) {
                Ok(now) if (now.dev(), now.ino()) == (c.meta(e).dev, e.ino) => {
                    files.push((path, e))
                }
                Ok(_) => issues.push(issue(c, e, &Failure::Replaced(REPLACED))),
                Err(err) => issues.push(issue(c, e, &Failure::Io(err))),
            }
        }
        let seen = (files.len() - before) as u64;
        if paths.iter().map(|e| c.meta(e).nlink).max().unwrap_or(0) <= seen {
            contained += 1;
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let inodes = run.len() as u64;
    let mut hex = String::with_capacity(64);
    for b in hash {
        let _ = write!(hex, "{b:02x}");
    }
    Some(Group {
        size: first.size,
        hash: hex,
        inodes,
        unique_bytes: first.size * contained.min(inodes - 1),
        files: files
            .into_iter()
            .map(|(path, e)| {
                let meta = c.meta(e);
                DupeFile {
                    path: crate::escape::escape_cow(&path).0.into_owned(),
                    raw: path,
                    dev: meta.dev,
                    ino: meta.ino,
                    nlink: meta.nlink,
                    mtime_ns: meta.mtime_ns,
                    tag: e.tag.clone(),
                }
            })
            .collect(),
    })
}

/// Run `work` on every job with up to `threads` workers, each taking `chunk` jobs at a
/// time; returns the workers.
fn par_each<J: Send>(
    threads: usize,
    jobs: &mut [J],
    chunk: usize,
    work: impl Fn(&mut Worker, &mut J) + Sync,
) -> Vec<Worker> {
    let threads = threads.min(jobs.len().div_ceil(chunk.max(1))).max(1);
    if threads == 1 {
        let mut w = Worker::new();
        jobs.iter_mut().for_each(|j| work(&mut w, j));
        return vec![w];
    }
    let queue = Mutex::new(jobs.chunks_mut(chunk.max(1)));
    let (queue, work) = (&queue, &work);
    crate::threads::run_on(threads, || {
        let mut w = Worker::new();
        loop {
            let next = queue.lock().unwrap_or_else(|p| p.into_inner()).next();
            let Some(jobs) = next else { break };
            jobs.iter_mut().for_each(|j| work(&mut w, j));
        }
        w
    })
    .into_iter()
    .map(|r| r.unwrap_or_else(|p| std::panic::resume_unwind(p)))
    .collect()
}

#[cfg(test)]
mod tests;
