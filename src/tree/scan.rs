//! The scan pipeline: roots → parallel walk → per-thread accumulators → one report,
//! then the metadata pass over the databases and plists the walk found. The walk also
//! notes the network stores it passes ([`crate::tree::stores`]), for whoever reads them.

use crate::model::folders::{DirMeta, RootPlace};
use crate::model::Report;
use crate::readers::describe::{describe, MetaOptions};
use crate::tree::aggregate::{Accumulator, Options, ReportHeader};
use crate::tree::locate::Root;
use crate::tree::progress::Progress;
use crate::tree::sniff::Sniff;
use crate::tree::stores::FoundStore;
use crate::tree::walk::{walk, WalkRoot};
use std::time::{Duration, Instant};

/// How to scan.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Worker threads (1 = sequential).
    pub threads: usize,
    /// How many largest files to report.
    pub top: usize,
    /// Which files' first bytes to read.
    pub sniff: Sniff,
    /// The report's `generated_at`.
    pub generated_at: String,
    /// The report's `base` (the path given, or `~`).
    pub base: String,
    /// The metadata pass (its `threads` is taken from `threads`).
    pub meta: MetaOptions,
    /// Count only files last modified before this (`scan --older-than`).
    pub before: Option<i64>,
    /// "Now" (seconds since the epoch): the folder tree's `careful` cut-off is
    /// [`crate::plan::CAREFUL_DEFAULT_MONTHS`] before it.
    pub now: i64,
    /// Also gather the duplicate engine's candidates of at least this many bytes.
    pub same_bytes: Option<u64>,
    /// Keep each folder's own `lstat` (what a plan's folder items carry).
    pub folder_metas: bool,
}

/// Where a root is on disk (absolute) and its own `lstat` (the path itself may be a
/// link the user named; the walk reads through it, so this follows it too).
fn root_place(r: &Root) -> (RootPlace, DirMeta) {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::MetadataExt;
    let path = std::path::absolute(&r.path).unwrap_or_else(|_| r.path.clone());
    let meta = std::fs::metadata(&r.path).map_or(DirMeta::default(), |m| DirMeta {
        dev: m.dev(),
        ino: m.ino(),
        size: m.size(),
        mtime: m.mtime(),
        nlink: m.nlink(),
    });
    (
        RootPlace {
            path: path.as_os_str().as_bytes().to_vec(),
            canonical: r.container_path.clone(),
            rel: r.rel.clone(),
        },
        meta,
    )
}

/// How long the phases of [`scan`] took.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timings {
    /// The walk, with classification and aggregation per worker.
    pub walk: Duration,
    /// How many workers read folders ([`crate::tree::walk::Walked::describe`]).
    pub workers: String,
    /// Merging the workers' totals, settling hard links, building the report.
    pub totals: Duration,
    /// The metadata pass over databases and plists.
    pub metadata: Duration,
    /// Database and plist files the metadata pass described.
    pub metadata_files: usize,
}

/// What [`scan`] gives back.
#[derive(Debug)]
pub struct Scanned {
    pub report: Report,
    pub timings: Timings,
    /// The network stores the walk passed, in root order and then by path.
    pub stores: Vec<FoundStore>,
    /// The duplicate engine's candidates ([`ScanOptions::same_bytes`]).
    pub same_bytes: Option<crate::dupes::Candidates<u32>>,
}

/// Scan `roots` and build the report; also says how long each phase took.
pub fn scan(roots: &[Root], opts: &ScanOptions, progress: Option<&Progress>) -> Scanned {
    let start = Instant::now();
    let walk_roots: Vec<WalkRoot> = roots.iter().map(WalkRoot::from).collect();
    let agg_opts = Options {
        top: opts.top,
        before: opts.before,
        careful_cutoff: crate::plan::Age::Months(crate::plan::CAREFUL_DEFAULT_MONTHS)
            .before(opts.now),
        same_bytes: opts.same_bytes,
        folder_metas: opts.folder_metas,
        name_budget: Default::default(),
    };
    let walked_with = walk(
        &walk_roots,
        opts.threads,
        Some(opts.sniff),
        progress,
        || Accumulator::new(agg_opts.clone(), roots.len()),
    );
    let workers = walked_with.describe();
    // The metadata pass reads as many files at once as the walk ended up reading
    // folders: one per core on a warm disk (each reader holds a SQLite page cache:
    // 32 of them added 13 MiB to the peak on a hard-linked 300k tree), all on a cold one.
    let meta_threads = if walked_with.deep_at.is_some() {
        opts.threads
    } else {
        walked_with.first_workers
    };
    let mut accs = walked_with.visitors.into_iter();
    let mut total = accs
        .next()
        .unwrap_or_else(|| Accumulator::new(agg_opts.clone(), roots.len()));
    let walked = Instant::now();
    for acc in accs {
        total.merge(acc);
    }
    let candidates = total.take_candidates();
    let same_bytes = total.take_same_bytes();
    let mut stores = total.take_stores();
    stores.sort();
    let header = ReportHeader {
        generated_at: opts.generated_at.clone(),
        base: opts.base.clone(),
        roots: roots
            .iter()
            .map(|r| {
                let path = if r.rel.is_empty() {
                    ".".to_string()
                } else {
                    r.rel.clone()
                };
                (path, r.kind.to_string(), r.container_path.clone())
            })
            .collect(),
        places: roots.iter().map(root_place).collect(),
    };
    let meta_opts = MetaOptions {
        threads: meta_threads,
        ..opts.meta.clone()
    };
    let metadata_files = usize::from(meta_opts.databases) * candidates.databases.len()
        + usize::from(meta_opts.plists) * candidates.plists.len();
    // The metadata pass runs after the report is built, not alongside: its SQLite
    // connections would add to the peak of settling the hard links (measured: +15 MiB
    // on a 300k tree where every file has two links, for 35 ms saved).
    let mut report = total.finish(header);
    let totals = walked.elapsed();
    let meta_started = Instant::now();
    let described = describe(candidates, &meta_opts);
    let metadata = meta_started.elapsed();
    let timings = Timings {
        walk: walked - start,
        workers,
        totals,
        metadata,
        metadata_files,
    };
    report.databases = described.databases;
    report.plists = described.plists;
    report.contacts = described.contacts;
    report.resources = described.resources;
    // One row per account and per chat across WeChat versions (every section's
    // account ids follow, so this runs once they are all in).
    crate::model::accounts::link(&mut report);
    if !described.issues.is_empty() {
        report.issues.extend(described.issues);
        report.issues.sort();
        report.issues.dedup();
    }
    Scanned {
        report,
        timings,
        stores,
        same_bytes,
    }
}
