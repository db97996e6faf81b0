//! `plan`: one scan (no row counts, databases found but not read), then the selection
//! over its folder tree, and with `--dupes` the duplicate engine over the files that
//! walk gathered; rendered as a table, JSON, a script or a path list. Nothing
//! is moved: the script does that, when its user says so.

use super::dupes::with_engine_progress;
use super::output::emit;
use super::{exit_for, now_rfc3339, roots_for};
use crate::config::PlanConfig;
use crate::dupes;
use crate::error::Result;
use crate::escape::escape_cow;
use crate::exit::Exit;
use crate::plan::dupes::{self as plan_dupes, Copy};
use crate::plan::findings;
use crate::plan::select::{self, Context, Within};
use crate::plan::{PlanOptions, PlanRequest};
use crate::readers::describe::MetaOptions;
use crate::render::plan::render;
use crate::tree::list::DiskLister;
use crate::tree::locate::Root;
use crate::tree::{progress, scan, sniff};
use std::collections::HashSet;
use std::io::Write;
use std::os::unix::ffi::{OsStrExt, OsStringExt};

/// Run `plan`.
pub(crate) fn run(c: &PlanConfig, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<Exit> {
    let keys = super::keys_for(c.key_file.as_deref())?;
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
            keys: keys.clone(),
            names: true,
            ..MetaOptions::default()
        },
        before: None,
        now: c.now.timestamp(),
        same_bytes: c.dupes,
        folder_metas: true,
    };
    let scanned = progress::with_progress(!c.quiet, |p| scan::scan(&roots, &opts, p));
    let mut report = scanned.report;
    if keys.is_some() {
        // Names from the contact databases (issue 17).
        crate::model::keyed::apply(&mut report);
    }
    let mut plan = make(&report, c);
    let mut issues = report.issues.len();
    if let Some(candidates) = scanned.same_bytes {
        // The duplicate engine over the files the scan's walk gathered, reading on
        // as many workers as `dupes` does by default (the cores).
        let opts = dupes::Options::default();
        let found = with_engine_progress(!c.quiet, |p| dupes::find(candidates, &opts, p));
        issues += found.issues.len();
        let groups: Vec<Vec<Copy>> = found
            .groups
            .iter()
            .map(|g| g.files.iter().map(|f| copy_of(&roots, f, g.size)).collect())
            .collect();
        plan_dupes::add(&mut plan, &groups, &c.options, &database_paths(&report));
    }
    if keys.is_some() {
        label_items(&mut plan, &report);
    }
    emit(sink, stdout, |w| render(c.format, &plan, w))?;
    Ok(exit_for(issues, "scanning", c.quiet, stderr))
}

/// A group's path as the plan places it: absolute (as the folder tree's roots are),
/// relative to the base, and container-relative for the classifier.
fn copy_of(roots: &[Root], f: &dupes::DupeFile<u32>, size: u64) -> Copy {
    let root = roots.get(f.tag as usize);
    let given = root.map_or(&[][..], |r| r.path.as_os_str().as_bytes());
    let under = f
        .raw
        .strip_prefix(given)
        .map_or(&f.raw[..], |u| u.strip_prefix(b"/").unwrap_or(u));
    let mut abs = root
        .and_then(|r| std::path::absolute(&r.path).ok())
        .map_or_else(Vec::new, |p| p.into_os_string().into_vec());
    if !abs.is_empty() && !abs.ends_with(b"/") {
        abs.push(b'/');
    }
    abs.extend_from_slice(under);
    let under = escape_cow(under).0;
    let join = |a: &str| {
        if a.is_empty() {
            under.to_string()
        } else {
            format!("{}/{under}", a.trim_end_matches('/'))
        }
    };
    Copy {
        abs,
        rel: join(root.map_or("", |r| r.rel.as_str())),
        canonical: join(root.map_or("", |r| r.container_path.as_str())),
        dev: f.dev,
        ino: f.ino,
        nlink: f.nlink,
        size,
        mtime_ns: f.mtime_ns,
    }
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
        dupes: c.dupes,
    };
    select::plan(
        tree,
        &context,
        &databases,
        &options,
        &within,
        request,
        (&report.generated_at, &report.base),
        None,
        &mut lister,
    )
}

/// Each item's chat name: the report's label for (account, chat), from the contact
/// databases or the system chats (each label one string, shared by its items).
fn label_items(plan: &mut crate::plan::Plan, report: &crate::model::Report) {
    use std::collections::HashMap;
    use std::sync::Arc;
    let labels: HashMap<(&str, String), Arc<str>> = report
        .chats
        .iter()
        .filter_map(|c| {
            let l = c.label.as_deref()?;
            Some(((c.account.as_str(), c.chat.to_ascii_lowercase()), l.into()))
        })
        .collect();
    let mut system: HashMap<&'static str, Arc<str>> = HashMap::new();
    for it in &mut plan.items {
        if let (Some(a), Some(ch)) = (&it.account, &it.chat) {
            it.chat_label = labels
                .get(&(&**a, ch.to_ascii_lowercase()))
                .cloned()
                .or_else(|| {
                    let label = crate::model::names::system_chat(ch)?.label;
                    Some(Arc::clone(
                        system.entry(label).or_insert_with(|| label.into()),
                    ))
                });
        }
    }
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
