//! The parallel, streaming walk: one `lstat` per entry, never following a link.
//!
//! Worker threads share a stack of folders still to read. Each worker opens a folder
//! once, reads its entries, and takes one metadata call per entry *relative to the
//! open folder* (`fstatat(dirfd, name, AT_SYMLINK_NOFOLLOW)`, POSIX, via `rustix`), so
//! the kernel never re-resolves the whole path per file. Sub-folders are opened
//! relative to their open parent too (`openat`), which needs no full path at all (so
//! trees deeper than `PATH_MAX` are read); at most `MAX_PARENT_FDS` (64) parents are
//! kept open, past that a folder is opened by its full path. A low open-file limit
//! (`ulimit -n`) lowers both that and the workers ([`fd_budget`]), so the walk never
//! runs out of descriptors (a folder it could not open would be missing). FIFOs,
//! sockets and devices are counted and never opened; a few regular files are opened
//! (`openat`, read-only, non-blocking, no-follow) to read their first bytes for
//! [`crate::tree::sniff`].
//! On Linux a folder's entries are read with `getdents64` into one buffer per worker,
//! reused for every folder (`rustix::fs::RawDir`), so listing allocates nothing.
//!
//! I/O and the visitors are apart: a worker reads a whole folder (listing, `lstat`s,
//! heads) into its own reused buffer, then borrows a [`Visitor`] from a pool and hands
//! the entries over; sub-folders go back onto the shared stack. The number of workers
//! is how many requests a cold disk has in flight (a worker waiting on the disk holds
//! no visitor), while the visitors, which hold the report's maps, are at most one per
//! core, so memory does not grow with the workers. Only one worker per core is
//! started; the rest start once folders turn out to be slow to read (a cold disk,
//! [`Depth`]), so a warm scan pays no hand-offs between more threads than cores, and
//! no idle threads. A push wakes one waiting worker per job it adds beyond the one its
//! own worker takes. All of one folder's entries go to
//! one visitor, in one go (in parts of [`HAND_OVER`] for a huge folder, still to the
//! same visitor). Nothing about the tree is kept beyond the folders still to read; the
//! caller merges the visitors at the end. A visitor can keep the walk out of a
//! sub-folder ([`Visitor::enter`]), for a search that knows where to look.

use crate::escape::escape_cow;
use crate::model::folders::{DirMeta, NONE};
use crate::model::Issue;
use crate::tree::progress::Progress;
use crate::tree::sniff::{extension, Sniff, HEAD_LEN};
use rustix::fd::{BorrowedFd, OwnedFd};
use rustix::fs::{AtFlags, FileType, Mode, OFlags, Stat};
use std::borrow::Cow;
use std::ffi::{CStr, OsStr};
use std::fs::{self, Metadata};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// What the walk keeps of one `lstat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileMeta {
    /// `st_size`.
    pub size: u64,
    /// `st_blocks × 512`.
    pub allocated: u64,
    /// `st_mtime`, seconds since the Unix epoch.
    pub mtime: i64,
    /// `st_mtime`'s nanoseconds (for `dupes`, which checks a file is unchanged before it
    /// reads it).
    pub mtime_nsec: i64,
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
            mtime_nsec: m.mtime_nsec(),
            dev: m.dev(),
            ino: m.ino(),
            nlink: m.nlink(),
        }
    }
}

impl FileMeta {
    /// From a raw `stat` (field types differ between macOS and Linux, hence the casts).
    #[allow(clippy::unnecessary_cast, clippy::useless_conversion)]
    pub(crate) fn from_stat(st: &Stat) -> (FileMeta, FileType) {
        let meta = FileMeta {
            size: st.st_size.max(0) as u64,
            allocated: (st.st_blocks as u64).saturating_mul(512),
            mtime: st.st_mtime as i64,
            mtime_nsec: st.st_mtime_nsec as i64,
            dev: st.st_dev as u64,
            ino: st.st_ino as u64,
            nlink: st.st_nlink as u64,
        };
        (meta, FileType::from_raw_mode(st.st_mode as _))
    }
}

/// One regular file, as the visitors see it.
#[derive(Debug)]
pub struct FileEntry<'a> {
    /// Index into the roots passed to [`walk`].
    pub root: usize,
    /// Escaped, `/`-separated, relative to the report's base.
    pub rel: &'a str,
    /// Escaped, container-relative (see [`crate::tree::classify`]).
    pub canonical: &'a str,
    /// Escaped file name.
    pub name: &'a str,
    /// The name's [`extension`], lowercased.
    pub ext: Option<Cow<'a, str>>,
    pub meta: FileMeta,
    /// First bytes, when [`Sniff::needs_head_raw`] asked for them and they could be read.
    pub head: Option<&'a [u8]>,
    /// [`Sniff::needs_head_raw`] asked for the first bytes and they could not be read (an
    /// issue was reported).
    pub head_failed: bool,
    /// The folder it is in, on disk.
    pub dir: &'a Path,
    /// Its unescaped name (`dir.join(os_name)` opens it).
    pub os_name: &'a OsStr,
    /// The folder it is in (see [`FolderStart::id`]).
    pub folder: u32,
}

/// One sub-folder, as the visitors see it (besides its [`Visitor::dir`] count).
#[derive(Debug)]
pub struct DirEntry<'a> {
    #[expect(dead_code, reason = "for visitors that tell roots apart")]
    pub root: usize,
    /// Escaped, relative to the report's base.
    pub rel: &'a str,
    /// Escaped, container-relative.
    pub canonical: &'a str,
    /// Escaped folder name.
    pub name: &'a str,
}

/// A folder whose reading starts, as the visitors see it.
#[derive(Debug)]
pub struct FolderStart<'a> {
    /// Its number in this walk (roots are `0..roots`, then one per folder met, in no
    /// particular order), and its parent's ([`NONE`] for a root).
    pub id: u32,
    pub parent: u32,
    /// Its unescaped name (empty for a root).
    pub name: &'a [u8],
    /// Its own `lstat` (all zero for a root: the caller has it).
    pub meta: &'a DirMeta,
}

/// Receives what one worker finds. One visitor per worker; the caller merges them.
pub trait Visitor: Send {
    /// A regular file.
    fn file(&mut self, entry: &FileEntry<'_>);
    /// A folder (including each root).
    fn dir(&mut self, root: usize, meta: &FileMeta);
    /// A sub-folder's names (after [`Visitor::dir`]; not called for the roots).
    fn named_dir(&mut self, _entry: &DirEntry<'_>) {}
    /// A folder's reading starts (each root, each sub-folder walked into; also when it
    /// cannot be opened): called before any of its entries, which then all go to this
    /// visitor, and before [`Visitor::incomplete`] for it.
    fn folder_start(&mut self, _folder: &FolderStart<'_>) {}
    /// Whether to walk into this sub-folder (after [`Visitor::named_dir`]).
    fn enter(&mut self, _entry: &DirEntry<'_>) -> bool {
        true
    }
    /// A symbolic link: counted, never followed.
    fn symlink(&mut self, root: usize, meta: &FileMeta);
    /// A FIFO, socket or device node: counted, never opened.
    fn special(&mut self, root: usize, meta: &FileMeta);
    /// A per-entry problem.
    fn issue(&mut self, issue: Issue);
    /// Folder `id` (see [`FolderStart::id`]) could not be read whole: it could not be
    /// opened or listed, or an entry vanished or failed its `lstat`.
    fn incomplete(&mut self, _id: u32) {}
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

impl From<&crate::tree::locate::Root> for WalkRoot {
    fn from(r: &crate::tree::locate::Root) -> Self {
        WalkRoot {
            path: r.path.clone(),
            rel: r.rel.clone(),
            canonical: r.container_path.clone(),
        }
    }
}

struct Job {
    root: usize,
    /// Its number (see [`FolderStart::id`]) and its parent's ([`NONE`] for a root).
    id: u32,
    parent_id: u32,
    /// Its own `lstat`, as met in its parent (all zero for a root).
    meta: DirMeta,
    /// A root the user named (may be reached through a symlink); sub-folders never are.
    is_root: bool,
    path: PathBuf,
    rel: String,
    canonical: String,
    /// The open parent folder, when one could be kept: the folder is then opened
    /// relative to it (one path component to resolve instead of the whole path).
    parent: Option<Arc<ParentFd>>,
}

/// How many parent-folder descriptors the walk keeps open at most (macOS's default
/// limit is 256 per process); past it, folders are opened by their full path.
const MAX_PARENT_FDS: usize = 64;
static PARENT_FDS: AtomicUsize = AtomicUsize::new(0);
/// [`MAX_PARENT_FDS`], or less under a low open-file limit ([`fd_budget`]).
static PARENT_FDS_CAP: AtomicUsize = AtomicUsize::new(MAX_PARENT_FDS);

/// Descriptors left for everything but the walk: the standard streams, the `-o`
/// file, the signal handler's pipe, the databases the caller holds open.
const FD_RESERVE: u64 = 16;

/// What an open-file limit of `soft` descriptors (`None`: no limit) leaves the walk:
/// how many workers at most (each holds up to two: its folder and one file's head)
/// and how many parent folders it may keep open. Half of what is left goes to the
/// workers, half to the parents; under 20 descriptors, one worker and no parent
/// (every folder opened by its full path).
fn fd_budget(soft: Option<u64>) -> (usize, usize) {
    let Some(soft) = soft else {
        return (usize::MAX, MAX_PARENT_FDS);
    };
    let left = soft.saturating_sub(FD_RESERVE);
    let workers = usize::try_from(left / 4).unwrap_or(usize::MAX).max(1);
    let parents = usize::try_from(left / 2)
        .unwrap_or(usize::MAX)
        .min(MAX_PARENT_FDS);
    (workers, parents)
}

/// The process's open-file limit (`RLIMIT_NOFILE`, soft), `None` if there is none.
fn open_file_limit() -> Option<u64> {
    rustix::process::getrlimit(rustix::process::Resource::Nofile).current
}

/// An open folder kept for opening its sub-folders; counted against
/// [`MAX_PARENT_FDS`] until the last sub-folder job that needs it is done.
struct ParentFd(OwnedFd);

impl ParentFd {
    /// A duplicate of `dir` (so the parent's own stream can close), if the budget allows.
    fn keep(dir: BorrowedFd<'_>) -> Option<Arc<ParentFd>> {
        if PARENT_FDS.fetch_add(1, Ordering::Relaxed) >= PARENT_FDS_CAP.load(Ordering::Relaxed) {
            PARENT_FDS.fetch_sub(1, Ordering::Relaxed);
            return None;
        }
        match rustix::io::fcntl_dupfd_cloexec(dir, 0) {
            Ok(fd) => Some(Arc::new(ParentFd(fd))),
            Err(_) => {
                PARENT_FDS.fetch_sub(1, Ordering::Relaxed);
                None
            }
        }
    }
}

impl Drop for ParentFd {
    fn drop(&mut self) {
        PARENT_FDS.fetch_sub(1, Ordering::Relaxed);
    }
}

struct Queue {
    stack: Vec<Job>,
    /// Workers currently reading a folder (they may push more work).
    active: usize,
    /// Workers waiting on `ready` for a job (so a push wakes no more than it feeds).
    waiting: usize,
    /// The walk is over (every worker leaves).
    done: bool,
}

/// How many folders are read at once. A warm scan is CPU-bound: more workers than
/// cores only add lock hand-offs and context switches (measured: 32 workers cost 16 %
/// more wall time than 2 on a warm 300k tree, with 143k futex calls). A cold disk
/// wants many requests in flight. So the walk starts with one worker per core and
/// starts the rest once [`SLOW_READS`] folders have been slow to read
/// ([`Depth::slow`]): the disk, not the CPU, is then what they wait for.
struct Depth {
    /// Folder reads so far, and how many of them were slow.
    reads: AtomicUsize,
    slow: AtomicUsize,
    /// Whether every worker reads.
    deep: AtomicBool,
    /// When the walk started, and when it went deep.
    start: Instant,
    deep_at: Mutex<Option<Duration>>,
    /// Workers the system refused to start.
    refused: AtomicUsize,
}

/// A folder read is slow when it took at least this long...
const SLOW_READ: Duration = Duration::from_micros(250);
/// ...and at least this long per entry (a warm entry costs about 5 µs, its `lstat`
/// and its share of the listing and of the visitor's work; a cold one waits for the
/// disk: tens of microseconds on an SSD, milliseconds on a spinning disk).
const SLOW_PER_ENTRY: Duration = Duration::from_micros(25);
/// Every worker reads once this many reads were slow, and at least one in
/// [`SLOW_SHARE`] of all reads so far: a read is also slow when its worker lost its
/// core for a while to another process, which on a busy machine happens to one read
/// in fifty or so, while on a cold disk nearly every read is slow.
const SLOW_READS: usize = 3;
const SLOW_SHARE: usize = 10;

impl Depth {
    /// Whether a read of `entries` entries that took `took` was slow.
    fn slow(took: Duration, entries: usize) -> bool {
        let per_entry = SLOW_PER_ENTRY.saturating_mul(u32::try_from(entries).unwrap_or(u32::MAX));
        took >= SLOW_READ && took >= per_entry
    }

    /// Note one read; true when this one makes the walk go deep.
    fn note(&self, took: Duration, entries: usize) -> bool {
        let reads = self.reads.fetch_add(1, Ordering::Relaxed) + 1;
        if !Depth::slow(took, entries) || self.deep.load(Ordering::Relaxed) {
            return false;
        }
        let slow = self.slow.fetch_add(1, Ordering::Relaxed) + 1;
        let deepen = slow >= SLOW_READS
            && slow.saturating_mul(SLOW_SHARE) >= reads
            && !self.deep.swap(true, Ordering::Relaxed);
        if deepen {
            if let Ok(mut at) = self.deep_at.lock() {
                *at = Some(self.start.elapsed());
            }
        }
        deepen
    }
}

/// A folder's path followed by one entry's name, in one buffer reused for every entry.
struct Joined {
    buf: String,
    base: usize,
}

impl Joined {
    fn new(parent: &str) -> Joined {
        let mut buf = String::with_capacity(parent.len() + 80);
        buf.push_str(parent);
        if !parent.is_empty() {
            buf.push('/');
        }
        let base = buf.len();
        Joined { buf, base }
    }

    fn with(&mut self, name: &str) -> &str {
        self.buf.truncate(self.base);
        self.buf.push_str(name);
        &self.buf
    }
}

/// The issue for a name that is not UTF-8.
fn non_utf8(rel: &str) -> Issue {
    Issue {
        path: rel.to_string(),
        kind: "non-utf8-name".into(),
        message: "name is not valid UTF-8; shown with \\xNN escapes".into(),
    }
}

/// Map an I/O error to an issue kind and message (see [`crate::error::io_issue`]).
fn issue(rel: &str, err: &io::Error) -> Issue {
    crate::error::io_issue(if rel.is_empty() { "." } else { rel }, err)
}

/// What [`walk`] gives back.
#[derive(Debug)]
pub struct Walked<V> {
    /// The visitors (at most one per core, see the module docs); the caller merges them.
    pub visitors: Vec<V>,
    /// Workers that read from the start (one per core), and in all.
    pub first_workers: usize,
    pub workers: usize,
    /// Workers the system refused to start (a limit on threads): `workers` less these
    /// read at most.
    pub refused: usize,
    /// `workers` is fewer than asked for, to stay within the open-file limit.
    pub files_limit: bool,
    /// When every worker was let in, because folders were slow to read ([`Depth`]).
    pub deep_at: Option<Duration>,
}

impl<V> Walked<V> {
    /// How many workers read folders, for `--timings`.
    pub fn describe(&self) -> String {
        let mut said = self.describe_plan();
        if self.files_limit {
            said.push_str(&format!(
                "; {} at most under the open-file limit",
                self.workers
            ));
        }
        match self.refused {
            0 => said,
            n => format!("{said}; the system refused {n} of them a thread"),
        }
    }

    fn describe_plan(&self) -> String {
        let workers = |n: usize| match n {
            1 => "1 worker".to_string(),
            n => format!("{n} workers"),
        };
        match self.deep_at {
            _ if self.first_workers >= self.workers => workers(self.workers),
            None => format!(
                "{} of {} workers: no folder was slow to read",
                self.first_workers, self.workers
            ),
            Some(at) => format!(
                "{}, then {} from {:.1} ms on: folders were slow to read",
                workers(self.first_workers),
                self.workers,
                at.as_secs_f64() * 1000.0
            ),
        }
    }
}

/// Walk every root with `threads` workers, reading the first bytes of the files
/// `sniff` asks for (none without it).
///
/// The roots themselves must be folders (checked by the caller).
pub fn walk<V, F>(
    roots: &[WalkRoot],
    threads: usize,
    sniff: Option<Sniff>,
    progress: Option<&Progress>,
    make: F,
) -> Walked<V>
where
    V: Visitor,
    F: Fn() -> V + Sync,
{
    let (fd_workers, fd_parents) = fd_budget(open_file_limit());
    PARENT_FDS_CAP.store(fd_parents, Ordering::Relaxed);
    let files_limit = threads > fd_workers;
    let threads = threads.clamp(1, fd_workers);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let queue = Mutex::new(Queue {
        stack: roots
            .iter()
            .enumerate()
            .rev()
            .map(|(i, r)| Job {
                root: i,
                id: u32::try_from(i).unwrap_or(u32::MAX),
                parent_id: NONE,
                meta: DirMeta::default(),
                is_root: true,
                path: r.path.clone(),
                rel: r.rel.clone(),
                canonical: r.canonical.clone(),
                parent: None,
            })
            .collect(),
        active: 0,
        waiting: 0,
        done: false,
    });
    let ready = Condvar::new();
    let depth = Depth {
        reads: AtomicUsize::new(0),
        slow: AtomicUsize::new(0),
        deep: AtomicBool::new(false),
        start: Instant::now(),
        deep_at: Mutex::new(None),
        refused: AtomicUsize::new(0),
    };
    let ids = AtomicU32::new(u32::try_from(roots.len()).unwrap_or(u32::MAX));
    let pool = Pool::new((0..threads.min(cores)).map(|_| make()).collect());

    // The roots' own metadata.
    {
        let mut first = pool.take();
        for (i, r) in roots.iter().enumerate() {
            match fs::symlink_metadata(&r.path) {
                Ok(m) => first.dir(i, &FileMeta::from(&m)),
                Err(e) => first.issue(issue(&r.rel, &e)),
            }
        }
    }

    let first = threads.min(cores);
    let first_started = std::thread::scope(|s| {
        let sync = Shared {
            queue: &queue,
            ready: &ready,
            depth: &depth,
            first,
            threads,
        };
        let (pool, ids) = (&pool, &ids);
        // The calling thread is one of the workers, so the walk runs even when the
        // system gives no thread at all.
        let mut started = 1;
        for _ in 1..first {
            let more = move || worker(s, sync, sniff, progress, pool, ids);
            if crate::threads::try_spawn(s, more).is_some() {
                started += 1;
            } else {
                depth.refused.fetch_add(1, Ordering::Relaxed);
            }
        }
        worker(s, sync, sniff, progress, pool, ids);
        started
    });
    Walked {
        visitors: pool.into_visitors(),
        first_workers: first_started,
        workers: threads,
        refused: depth.refused.into_inner(),
        files_limit,
        deep_at: depth
            .deep_at
            .into_inner()
            .unwrap_or_else(|p| p.into_inner()),
    }
}

/// The visitors, lent to one worker at a time: a worker reads a folder (its listing,
/// one `lstat` per entry, the heads asked for) on its own, then borrows a visitor to
/// hand the entries over. So the number of workers sets how many requests are in flight
/// on a cold disk, while the visitors (and their memory) stay at one per core.
struct Pool<V> {
    visitors: Vec<Mutex<V>>,
    /// Indices of the visitors no worker holds, and how many workers wait for one.
    free: Mutex<(Vec<usize>, usize)>,
    returned: Condvar,
}

/// A visitor borrowed from a [`Pool`], given back when dropped.
struct Lent<'p, V> {
    pool: &'p Pool<V>,
    index: usize,
    visitor: std::sync::MutexGuard<'p, V>,
}

impl<V> std::ops::Deref for Lent<'_, V> {
    type Target = V;
    fn deref(&self) -> &V {
        &self.visitor
    }
}

impl<V> std::ops::DerefMut for Lent<'_, V> {
    fn deref_mut(&mut self) -> &mut V {
        &mut self.visitor
    }
}

impl<V> Drop for Lent<'_, V> {
    fn drop(&mut self) {
        let mut free = self.pool.free.lock().unwrap_or_else(|p| p.into_inner());
        free.0.push(self.index);
        let waiting = free.1 > 0;
        drop(free);
        // A wake-up is a system call even with nobody waiting: only when someone is.
        if waiting {
            self.pool.returned.notify_one();
        }
    }
}

impl<V> Pool<V> {
    fn new(visitors: Vec<V>) -> Pool<V> {
        Pool {
            free: Mutex::new(((0..visitors.len()).rev().collect(), 0)),
            visitors: visitors.into_iter().map(Mutex::new).collect(),
            returned: Condvar::new(),
        }
    }

    /// A free visitor (waits for one).
    fn take(&self) -> Lent<'_, V> {
        let mut free = self.free.lock().unwrap_or_else(|p| p.into_inner());
        let index = loop {
            if let Some(i) = free.0.pop() {
                break i;
            }
            free.1 += 1;
            free = self.returned.wait(free).unwrap_or_else(|p| p.into_inner());
            free.1 -= 1;
        };
        drop(free);
        let visitor = self.visitors[index]
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        Lent {
            pool: self,
            index,
            visitor,
        }
    }

    fn into_visitors(self) -> Vec<V> {
        self.visitors
            .into_iter()
            .map(|m| m.into_inner().unwrap_or_else(|p| p.into_inner()))
            .collect()
    }
}

/// What the workers share to hand jobs around.
#[derive(Clone, Copy)]
struct Shared<'a> {
    queue: &'a Mutex<Queue>,
    /// Signalled when a job is pushed (one wake-up per job another worker can take).
    ready: &'a Condvar,
    depth: &'a Depth,
    /// Workers started with (one per core), and in all once the walk goes deep: the
    /// rest are started only then, so a warm walk has no idle threads (with 30 idle
    /// threads, glibc's arenas held 17 MiB more at the peak on a hard-linked 300k tree).
    first: usize,
    threads: usize,
}

fn worker<'scope, 'env, V: Visitor + 'env>(
    scope: &'scope std::thread::Scope<'scope, 'env>,
    sync: Shared<'env>,
    sniff: Option<Sniff>,
    progress: Option<&'env Progress>,
    pool: &'env Pool<V>,
    ids: &'env AtomicU32,
) {
    let mut found = Vec::new();
    let mut buf = Vec::new();
    let mut listed = Listed::default();
    loop {
        let job = {
            let mut q = sync.queue.lock().unwrap_or_else(|p| p.into_inner());
            loop {
                if q.done {
                    break None;
                }
                if let Some(job) = q.stack.pop() {
                    q.active += 1;
                    break Some(job);
                }
                if q.active == 0 {
                    q.done = true;
                    break None;
                }
                q.waiting += 1;
                q = sync.ready.wait(q).unwrap_or_else(|p| p.into_inner());
                q.waiting -= 1;
            }
        };
        let Some(job) = job else {
            sync.ready.notify_all();
            return;
        };
        let read = read_dir(&job, sniff, pool, ids, &mut found, &mut buf, &mut listed);
        if let Some(p) = progress {
            p.folder_done(read.files, read.size, &job.rel);
        }
        let deepen = sync.depth.note(read.took, read.entries);
        let mut q = sync.queue.lock().unwrap_or_else(|p| p.into_inner());
        q.active -= 1;
        let pushed = found.len();
        q.stack.append(&mut found);
        if q.active == 0 && q.stack.is_empty() {
            q.done = true;
        }
        // This worker takes one of the jobs it pushed itself: wake one waiting worker
        // per other job, no more (a wake-up with nothing to take is a wasted switch).
        let (done, wake) = (q.done, pushed.saturating_sub(1).min(q.waiting));
        drop(q);
        if deepen {
            for _ in sync.first..sync.threads {
                let more = move || worker(scope, sync, sniff, progress, pool, ids);
                // Fewer workers if the system refuses some.
                if crate::threads::try_spawn(scope, more).is_none() {
                    sync.depth.refused.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        if done {
            sync.ready.notify_all();
        } else {
            for _ in 0..wake {
                sync.ready.notify_one();
            }
        }
    }
}

/// Open a folder for reading its entries. Only the roots (paths the user gave) may be
/// reached through a symlink; a sub-folder swapped for a link since its `lstat` fails.
fn open_dir(job: &Job) -> io::Result<OwnedFd> {
    let mut flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    if !job.is_root {
        flags |= OFlags::NOFOLLOW;
    }
    Ok(match (&job.parent, job.path.file_name()) {
        (Some(parent), Some(name)) => rustix::fs::openat(&parent.0, name, flags, Mode::empty())?,
        _ => rustix::fs::open(&job.path, flags, Mode::empty())?,
    })
}

/// The buffer each worker reads folder entries into (`getdents64` fills it; 32 KiB is
/// a few hundred entries, so most folders take one call and one more that says "end").
#[cfg(target_os = "linux")]
const DIRENT_BUF: usize = 32 * 1024;

/// Call `f` with the open folder and each entry's name (`.` and `..` left out), until
/// the listing ends or fails.
///
/// Linux: `getdents64` into the worker's reused buffer (`rustix::fs::RawDir`), so no
/// entry is copied or allocated.
#[cfg(target_os = "linux")]
fn entries(
    fd: OwnedFd,
    buf: &mut Vec<u8>,
    mut f: impl FnMut(BorrowedFd<'_>, &CStr),
) -> io::Result<()> {
    use rustix::fd::AsFd;
    if buf.capacity() < DIRENT_BUF {
        buf.reserve(DIRENT_BUF);
    }
    let mut dir = rustix::fs::RawDir::new(fd.as_fd(), buf.spare_capacity_mut());
    while let Some(entry) = dir.next() {
        let entry = entry?;
        let name = entry.file_name();
        if matches!(name.to_bytes(), b"." | b"..") {
            continue;
        }
        f(fd.as_fd(), name);
    }
    Ok(())
}

/// Elsewhere: the C library's `readdir` (`rustix::fs::Dir`).
#[cfg(not(target_os = "linux"))]
fn entries(
    fd: OwnedFd,
    _buf: &mut Vec<u8>,
    mut f: impl FnMut(BorrowedFd<'_>, &CStr),
) -> io::Result<()> {
    let mut dir = rustix::fs::Dir::new(fd)?;
    while let Some(entry) = dir.read() {
        let entry = entry?;
        let name = entry.file_name();
        if matches!(name.to_bytes(), b"." | b"..") {
            continue;
        }
        f(dir.fd()?, name);
    }
    Ok(())
}

/// Read up to `buf.len()` leading bytes of `name` in the open folder: `openat` without
/// following a link and without blocking (a FIFO swapped in since the `lstat`).
fn read_head_at(dir: BorrowedFd<'_>, name: &CStr, buf: &mut [u8]) -> io::Result<usize> {
    let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
    let fd = rustix::fs::openat(dir, name, flags, Mode::empty())?;
    let mut n = 0;
    while n < buf.len() {
        match rustix::io::read(&fd, &mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(n)
}

/// One entry of a folder as read, before a visitor sees it.
#[derive(Debug, Clone, Copy)]
struct Item {
    /// Where its raw name ends in [`Listed::names`].
    end: u32,
    meta: FileMeta,
    kind: FileType,
    /// How many first bytes were read (`None`: not asked for, or failed).
    head_len: Option<u8>,
    head_failed: bool,
    head: [u8; HEAD_LEN],
}

/// A folder's entries as one worker read them (reused from folder to folder).
#[derive(Debug, Default)]
struct Listed {
    /// Raw names, end to end.
    names: Vec<u8>,
    items: Vec<Item>,
    /// Problems met while reading (an entry gone, a head that could not be read).
    issues: Vec<Issue>,
    /// An entry could not be `lstat`ed: the folder is not known whole.
    incomplete: bool,
}

/// Entries handed to a visitor at a time (a folder with more is handed over in parts,
/// all to the same visitor); also what a worker's buffers keep between folders.
const HAND_OVER: usize = 256;

/// What reading one folder came to.
struct Read {
    /// Its regular files and their apparent bytes.
    files: u64,
    size: u64,
    /// Its entries, and how long listing them (with their `lstat`s and heads) took.
    entries: usize,
    took: Duration,
}

/// A visitor from the pool, told that `job`'s folder starts.
fn start<'p, V: Visitor>(pool: &'p Pool<V>, job: &Job) -> Lent<'p, V> {
    let mut visitor = pool.take();
    let name = match (job.is_root, job.path.file_name()) {
        (false, Some(name)) => name.as_bytes(),
        _ => &[],
    };
    visitor.folder_start(&FolderStart {
        id: job.id,
        parent: job.parent_id,
        name,
        meta: &job.meta,
    });
    visitor
}

/// Read one folder.
fn read_dir<V: Visitor>(
    job: &Job,
    sniff: Option<Sniff>,
    pool: &Pool<V>,
    ids: &AtomicU32,
    found: &mut Vec<Job>,
    buf: &mut Vec<u8>,
    listed: &mut Listed,
) -> Read {
    let began = Instant::now();
    let fd = match open_dir(job) {
        Ok(fd) => fd,
        Err(e) => {
            let took = began.elapsed();
            let mut visitor = start(pool, job);
            visitor.issue(issue(&job.rel, &e));
            visitor.incomplete(job.id);
            return Read {
                files: 0,
                size: 0,
                entries: 0,
                took,
            };
        }
    };
    let mut entries_seen = 0usize;
    listed.names.clear();
    listed.items.clear();
    listed.issues.clear();
    listed.incomplete = false;
    let mut totals = (0u64, 0u64);
    // This folder, kept open for its sub-folders once the first one shows up.
    let mut kept: Option<Option<Arc<ParentFd>>> = None;
    // The visitor this folder's entries go to, once some are handed over.
    let mut lent: Option<Lent<'_, V>> = None;
    let (mut rel_buf, mut canonical_buf) = (Joined::new(&job.rel), Joined::new(&job.canonical));
    let outcome = entries(fd, buf, |dirfd, raw| {
        entries_seen += 1;
        let bytes = raw.to_bytes();
        // One `lstat` per entry, relative to the open folder.
        let (meta, kind) = match rustix::fs::statat(dirfd, raw, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(st) => FileMeta::from_stat(&st),
            Err(e) => {
                let (name, utf8) = escape_cow(bytes);
                let rel = rel_buf.with(&name);
                if !utf8 {
                    listed.issues.push(non_utf8(rel));
                }
                listed.issues.push(issue(rel, &e.into()));
                listed.incomplete = true;
                return;
            }
        };
        let mut item = Item {
            end: 0,
            meta,
            kind,
            head_len: None,
            head_failed: false,
            head: [0; HEAD_LEN],
        };
        if kind == FileType::Directory {
            kept.get_or_insert_with(|| ParentFd::keep(dirfd));
        } else if kind == FileType::RegularFile {
            if let Some(sniff) = sniff {
                if sniff.needs_head_raw(bytes) {
                    match read_head_at(dirfd, raw, &mut item.head) {
                        Ok(n) => item.head_len = u8::try_from(n).ok(),
                        Err(e) => {
                            let (name, _) = escape_cow(bytes);
                            listed.issues.push(issue(rel_buf.with(&name), &e));
                            item.head_failed = true;
                        }
                    }
                }
            }
        }
        listed.names.extend_from_slice(bytes);
        item.end = u32::try_from(listed.names.len()).unwrap_or(u32::MAX);
        listed.items.push(item);
        // Names are at most 255 bytes (1 KiB escaped), so the buffer stays far below 4 GiB.
        if listed.items.len() >= HAND_OVER {
            let visitor = lent.get_or_insert_with(|| start(pool, job));
            let (files, size) = hand_over(
                job,
                listed,
                &mut rel_buf,
                &mut canonical_buf,
                &kept,
                &mut **visitor,
                (ids, found),
            );
            totals = (totals.0 + files, totals.1 + size);
        }
    });
    let took = began.elapsed();
    let mut visitor = lent.unwrap_or_else(|| start(pool, job));
    let (files, size) = hand_over(
        job,
        listed,
        &mut rel_buf,
        &mut canonical_buf,
        &kept,
        &mut *visitor,
        (ids, found),
    );
    if let Err(e) = outcome {
        visitor.issue(issue(&job.rel, &e));
        visitor.incomplete(job.id);
    }
    Read {
        files: totals.0 + files,
        size: totals.1 + size,
        entries: entries_seen,
        took,
    }
}

/// Give the entries read so far to `visitor` (and empty `listed`); returns the number
/// and apparent bytes of the regular files among them.
fn hand_over<V: Visitor>(
    job: &Job,
    listed: &mut Listed,
    rel_buf: &mut Joined,
    canonical_buf: &mut Joined,
    kept: &Option<Option<Arc<ParentFd>>>,
    visitor: &mut V,
    (ids, found): (&AtomicU32, &mut Vec<Job>),
) -> (u64, u64) {
    let (mut files, mut size) = (0u64, 0u64);
    let mut start = 0;
    for item in &listed.items {
        let end = item.end as usize;
        let bytes = listed.names.get(start..end).unwrap_or(&[]);
        start = end;
        let (name, utf8) = escape_cow(bytes);
        let rel = rel_buf.with(&name);
        if !utf8 {
            visitor.issue(non_utf8(rel));
        }
        let os_name = OsStr::from_bytes(bytes);
        let canonical = canonical_buf.with(&name);
        let fm = &item.meta;
        if item.kind == FileType::Directory {
            visitor.dir(job.root, fm);
            let d = DirEntry {
                root: job.root,
                rel,
                canonical,
                name: &name,
            };
            visitor.named_dir(&d);
            if !visitor.enter(&d) {
                continue;
            }
            // Saturates at u32::MAX (four billion folders): later ones share that number.
            let id = ids
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_add(1))
                .unwrap_or(u32::MAX);
            found.push(Job {
                root: job.root,
                id,
                parent_id: job.id,
                meta: DirMeta {
                    dev: fm.dev,
                    ino: fm.ino,
                    size: fm.size,
                    mtime: fm.mtime,
                    nlink: fm.nlink,
                },
                is_root: false,
                path: job.path.join(os_name),
                rel: rel.to_string(),
                canonical: canonical.to_string(),
                parent: kept.clone().flatten(),
            });
        } else if item.kind == FileType::RegularFile {
            files += 1;
            size += fm.size;
            visitor.file(&FileEntry {
                root: job.root,
                rel,
                canonical,
                name: &name,
                ext: extension(&name),
                meta: *fm,
                head: item.head_len.map(|n| &item.head[..usize::from(n)]),
                head_failed: item.head_failed,
                dir: &job.path,
                os_name,
                folder: job.id,
            });
        } else if item.kind == FileType::Symlink {
            visitor.symlink(job.root, fm);
        } else {
            // FIFO, socket, block or character device (or anything newer): never opened.
            visitor.special(job.root, fm);
        }
    }
    for i in listed.issues.drain(..) {
        visitor.issue(i);
    }
    if std::mem::take(&mut listed.incomplete) {
        visitor.incomplete(job.id);
    }
    listed.names.clear();
    listed.items.clear();
    // Keep what a part needs, not what the biggest folder so far needed.
    listed.items.shrink_to(HAND_OVER);
    listed.names.shrink_to(64 * HAND_OVER);
    (files, size)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth() -> Depth {
        Depth {
            reads: AtomicUsize::new(0),
            slow: AtomicUsize::new(0),
            deep: AtomicBool::new(false),
            start: Instant::now(),
            deep_at: Mutex::new(None),
            refused: AtomicUsize::new(0),
        }
    }

    #[test]
    fn a_read_is_slow_when_long_and_long_per_entry() {
        let (ms, us) = (Duration::from_millis, Duration::from_micros);
        assert!(!Depth::slow(ms(0), 0));
        // A warm folder of ten entries takes some 50 µs.
        assert!(!Depth::slow(us(60), 10));
        assert!(!Depth::slow(us(249), 1));
        assert!(Depth::slow(us(250), 1));
        assert!(Depth::slow(us(250), 10));
        assert!(!Depth::slow(us(250), 11));
        // 1,000 warm entries take a few milliseconds: not slow.
        assert!(!Depth::slow(ms(5), 1000));
        assert!(Depth::slow(ms(25), 1000));
        // No overflow on a huge folder.
        assert!(!Depth::slow(ms(40), usize::MAX));
    }

    #[test]
    fn the_walk_goes_deep_once_when_slow_reads_are_common() {
        let (fast, slow) = (Duration::from_micros(50), Duration::from_millis(5));
        // A cold disk: the third slow read lets every worker in, once.
        let d = depth();
        assert!(!d.note(slow, 10));
        assert!(!d.note(slow, 10));
        assert!(d.note(slow, 10));
        assert!(!d.note(slow, 10));
        assert!(d.deep_at.lock().is_ok_and(|at| at.is_some()));
        // A busy but warm machine: one read in fifty loses its core; never deep.
        let d = depth();
        for i in 0..10_000 {
            assert!(!d.note(if i % 50 == 49 { slow } else { fast }, 10));
        }
        assert!(d.deep_at.lock().is_ok_and(|at| at.is_none()));
        // A tree cached in part: past the cached part, slow reads catch up.
        let went_deep = (0..1000).any(|_| d.note(slow, 10));
        assert!(went_deep);
    }

    #[test]
    fn the_open_file_limit_bounds_workers_and_kept_parents() {
        assert_eq!(fd_budget(None), (usize::MAX, MAX_PARENT_FDS));
        // Linux's usual 1,024 and above: the defaults stand.
        assert_eq!(fd_budget(Some(1024)), (252, 64));
        assert_eq!(fd_budget(Some(u64::MAX)).1, 64);
        // macOS's default 256: 60 workers (the macOS cap is 8), 64 parents.
        assert_eq!(fd_budget(Some(256)), (60, 64));
        assert_eq!(fd_budget(Some(64)), (12, 24));
        // Nearly nothing: one worker, every folder by its full path.
        assert_eq!(fd_budget(Some(16)), (1, 0));
        assert_eq!(fd_budget(Some(0)), (1, 0));
        // Workers and parents together stay within what is left.
        for soft in 0..2000u64 {
            let (w, p) = fd_budget(Some(soft));
            let used = (2 * w + p) as u64 + FD_RESERVE;
            assert!(w == 1 || used <= soft, "{soft}: {w} workers, {p} parents");
        }
    }

    #[test]
    fn timings_say_how_many_workers_read() {
        let w = |first, all, at| Walked::<()> {
            visitors: Vec::new(),
            first_workers: first,
            workers: all,
            refused: 0,
            files_limit: false,
            deep_at: at,
        };
        assert_eq!(w(8, 8, None).describe(), "8 workers");
        assert_eq!(w(1, 1, None).describe(), "1 worker");
        assert_eq!(
            w(2, 32, None).describe(),
            "2 of 32 workers: no folder was slow to read"
        );
        assert_eq!(
            w(2, 32, Some(Duration::from_micros(12_500))).describe(),
            "2 workers, then 32 from 12.5 ms on: folders were slow to read"
        );
        let refused = Walked {
            refused: 29,
            ..w(1, 32, Some(Duration::from_micros(12_500)))
        };
        assert_eq!(
            refused.describe(),
            "1 worker, then 32 from 12.5 ms on: folders were slow to read; \
             the system refused 29 of them a thread"
        );
    }
}
