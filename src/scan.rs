//! The scan pipeline: roots → parallel walk → per-thread accumulators → one report.

use crate::aggregate::{Accumulator, Options, ReportHeader};
use crate::locate::Root;
use crate::model::Report;
use crate::walk::{walk, WalkRoot};

/// How to scan.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Worker threads (1 = sequential).
    pub threads: usize,
    /// How many largest files to report.
    pub top: usize,
    /// The report's `generated_at`.
    pub generated_at: String,
    /// The report's `base` (the path given, or `~`).
    pub base: String,
}

/// Scan `roots` and build the report.
pub fn scan(roots: &[Root], opts: &ScanOptions) -> Report {
    let walk_roots: Vec<WalkRoot> = roots
        .iter()
        .map(|r| WalkRoot {
            path: r.path.clone(),
            rel: r.rel.clone(),
            canonical: r.container_path.clone(),
        })
        .collect();
    let agg_opts = Options { top: opts.top };
    let mut accs = walk(&walk_roots, opts.threads, || {
        Accumulator::new(agg_opts.clone(), roots.len())
    })
    .into_iter();
    let mut total = accs
        .next()
        .unwrap_or_else(|| Accumulator::new(agg_opts.clone(), roots.len()));
    for acc in accs {
        total.merge(acc);
    }
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
    total.finish(header)
}
