//! `plan`: one scan (no row counts, databases found but not read), then the selection
//! over its folder tree, rendered as a table, JSON, a script or a path list. Nothing
//! is moved: the script does that, when its user says so.

use super::output::emit;
use super::{exit_for, now_rfc3339, roots_for};
use crate::config::PlanConfig;
use crate::error::Result;
use crate::exit::Exit;
use crate::plan::findings;
use crate::plan::select::{self, Context, Within};
use crate::plan::{PlanOptions, PlanRequest};
use crate::readers::describe::MetaOptions;
use crate::render::plan::render;
use crate::tree::list::DiskLister;
use crate::tree::{progress, scan, sniff};
use std::collections::HashSet;
use std::io::Write;

/// Run `plan`.
pub(crate) fn run(c: &PlanConfig, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<Exit> {
    let (roots, base, sink) = roots_for(&c.target, c.any, &c.output)?;
    let opts = scan::ScanOptions {
        threads: c.threads,
        top: 0,
        sniff: sniff::Sniff { dat: false },
        generated_at: now_rfc3339(&c.now),
        base,
        meta: MetaOptions {
            databases: true,
            plists: false,
            count_rows: false,
            ..MetaOptions::default()
        },
        before: None,
        now: c.now.timestamp(),
    };
    let scanned = progress::with_progress(!c.quiet, |p| scan::scan(&roots, &opts, p));
    let report = scanned.report;
    let plan = make(&report, c);
    emit(sink, stdout, |w| render(c.format, &plan, w))?;
    Ok(exit_for(report.issues.len(), "scanning", c.quiet, stderr))
}

/// The plan `c` asks for, over a scanned report.
fn make(report: &crate::model::Report, c: &PlanConfig) -> crate::plan::Plan {
    let tree = &report.tree;
    let context = Context::new(tree);
    let databases = database_paths(report);
    let mut lister = DiskLister::default();
    let now = c.now.timestamp();
    let (options, within): (PlanOptions, Within) = match c
        .finding
        .as_deref()
        .and_then(|id| findings::spec(id, tree, &context, now))
    {
        // A finding's own options, but --protect still holds.
        Some(mut s) => {
            s.options.protect.clone_from(&c.options.protect);
            (s.options, s.within)
        }
        None => (c.options.clone(), Within(None)),
    };
    let request = PlanRequest {
        tiers: options.tiers.clone(),
        older_than: options.older_than.map(|a| a.text()),
        categories: options
            .categories
            .iter()
            .map(|c| c.id().to_string())
            .collect(),
        chats: options.chats.clone(),
        protect: options.protect.clone(),
        finding: c.finding.clone(),
    };
    select::plan(
        tree,
        &context,
        &databases,
        &options,
        &within,
        request,
        (&report.generated_at, &report.base),
        &mut lister,
    )
}

/// The paths (relative to the base) the report lists as databases.
pub(crate) fn database_paths(report: &crate::model::Report) -> HashSet<String> {
    report.databases.iter().map(|d| d.path.clone()).collect()
}

/// The findings of a scanned report (none for a scan filtered by age: its tree is
/// not the whole tree a plan would see).
pub(crate) fn scan_findings(report: &crate::model::Report, now: i64) -> Vec<findings::Finding> {
    if report.older_than.is_some() {
        return Vec::new();
    }
    let context = Context::new(&report.tree);
    let databases = database_paths(report);
    findings::findings(report, &report.tree, &context, &databases, now)
}
