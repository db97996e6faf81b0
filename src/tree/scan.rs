//! The scan pipeline: roots → parallel walk → per-thread accumulators → one report,
//! then the metadata pass over the databases and plists the walk found.

use crate::model::Report;
use crate::readers::describe::{describe, MetaOptions};
use crate::tree::aggregate::{Accumulator, Options, ReportHeader};
use crate::tree::locate::Root;
use crate::tree::progress::Progress;
use crate::tree::sniff::Sniff;
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
}

/// How long the phases of [`scan`] took.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timings {
    /// Walk, classification and aggregation.
    pub walk: Duration,
    /// The metadata pass over databases and plists.
    pub metadata: Duration,
    /// Database and plist files the metadata pass described.
    pub metadata_files: usize,
}

/// Scan `roots` and build the report; also says how long each phase took.
pub fn scan(roots: &[Root], opts: &ScanOptions, progress: Option<&Progress>) -> (Report, Timings) {
    let start = Instant::now();
    let walk_roots: Vec<WalkRoot> = roots
        .iter()
        .map(|r| WalkRoot {
            path: r.path.clone(),
            rel: r.rel.clone(),
            canonical: r.container_path.clone(),
        })
        .collect();
    let agg_opts = Options { top: opts.top };
    let mut accs = walk(&walk_roots, opts.threads, opts.sniff, progress, || {
        Accumulator::new(agg_opts.clone(), roots.len())
    })
    .into_iter();
    let mut total = accs
        .next()
        .unwrap_or_else(|| Accumulator::new(agg_opts.clone(), roots.len()));
    for acc in accs {
        total.merge(acc);
    }
    let candidates = total.take_candidates();
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
    };
    let mut report = total.finish(header);
    let meta_opts = MetaOptions {
        threads: opts.threads,
        ..opts.meta.clone()
    };
    let metadata_files = usize::from(meta_opts.databases) * candidates.databases.len()
        + usize::from(meta_opts.plists) * candidates.plists.len();
    let walked = Instant::now();
    let described = describe(candidates, &meta_opts);
    let timings = Timings {
        walk: walked - start,
        metadata: walked.elapsed(),
        metadata_files,
    };
    report.databases = described.databases;
    report.plists = described.plists;
    if !described.issues.is_empty() {
        report.issues.extend(described.issues);
        report.issues.sort();
        report.issues.dedup();
    }
    (report, timings)
}
