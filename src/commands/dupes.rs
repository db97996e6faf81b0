//! `dupes`: the roots as `scan` finds them → one walk collecting every regular file
//! (one `lstat` each, no read) → the duplicate engine ([`crate::dupes::find`]) → each
//! group's paths placed by the scan's classifier → `--redact` → a renderer.

use super::now_rfc3339;
use super::output::{self, emit, Sink};
use crate::config::{DupesConfig, DupesTarget};
use crate::dupes::{self, Collector};
use crate::error::Result;
use crate::escape::escape_cow;
use crate::exit::Exit;
use crate::model::dupes::{
    DupeGroup, DupePath, DupesReport, DupesRoot, DupesTotals, DUPES_SCHEMA_VERSION,
};
use crate::model::names::v4_wxid;
use crate::model::{accounts, redact, Issue, Tool};
use crate::render::dupes::render;
use crate::tree::classify::pattern::is_md5;
use crate::tree::classify::{classify, Layout};
use crate::tree::locate::{self, Root};
use crate::tree::progress;
use crate::tree::walk::{walk, DirEntry, FileEntry, FileMeta, Visitor, WalkRoot};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

/// Run `dupes`.
pub(crate) fn run(c: &DupesConfig, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<Exit> {
    let (roots, base, sink) = roots(c)?;
    let walk_roots: Vec<WalkRoot> = roots.iter().map(WalkRoot::from).collect();

    // One walk: every regular file of at least --min-size bytes, tagged with its root.
    let collected = progress::with_progress(c.progress, |p| {
        walk(&walk_roots, c.threads, None, p, || Collect::new(c.min_size)).visitors
    });
    let mut candidates = Collector::new(c.min_size);
    let mut issues = Vec::new();
    let mut symlinks = 0;
    let (mut v3, mut v4) = (BTreeSet::new(), BTreeSet::new());
    for v in collected {
        candidates.merge(v.candidates);
        issues.extend(v.issues);
        symlinks += v.symlinks;
        v3.extend(v.v3);
        v4.extend(v.v4);
    }
    // A 3.x account folder that is a 4.x account's is reported under the 4.x id, as
    // `scan` does.
    let links = accounts::v3_links(v3.iter().map(String::as_str), v4.iter().map(String::as_str));

    // The engine: size, inode, head + tail sample, full BLAKE3.
    let opts = dupes::Options {
        threads: c.hash_threads,
    };
    let found = with_engine_progress(c.progress, |p| {
        dupes::find(candidates.into_candidates(), &opts, p)
    });

    let mut report = build(&roots, base, c, found, issues, symlinks, &links);
    if c.redact {
        redact::redact_dupes(&mut report);
    }
    let mut skipped = 0;
    emit(sink, stdout, |w| {
        skipped = render(c.format, &report, c.raw_paths, w)?;
        Ok(())
    })?;
    let mut exit = Exit::Clean;
    if skipped > 0 {
        if !c.quiet {
            let _ = writeln!(
                stderr,
                "wechat-inspect: {skipped} group(s) left out of the fdupes output: a path holds a newline, which that format cannot show; --format json or csv lists them"
            );
        }
        exit = Exit::Issues;
    }
    if !report.issues.is_empty() {
        if !c.quiet {
            let _ = writeln!(
                stderr,
                "wechat-inspect: {} issue(s) while comparing files; they are listed in the report",
                report.issues.len()
            );
        }
        exit = Exit::Issues;
    }
    Ok(exit)
}

/// The roots to read, as `scan` finds them, the report's base, and where the report
/// goes (an `-o` inside any root is refused before anything is read).
fn roots(c: &DupesConfig) -> Result<(Vec<Root>, String, Sink)> {
    let (roots, base) = match &c.target {
        DupesTarget::Home(home) => (locate::discover(home)?, "~".to_string()),
        DupesTarget::Paths(paths) if paths.len() == 1 => (
            vec![locate::detect(&paths[0], c.any)?],
            escape_cow(paths[0].as_os_str().as_bytes()).0.into_owned(),
        ),
        DupesTarget::Paths(paths) => {
            let mut roots = Vec::new();
            for p in paths {
                let mut root = locate::detect(p, c.any)?;
                // Each root's paths start with the path as it was given.
                let given = escape_cow(p.as_os_str().as_bytes()).0.into_owned();
                root.rel = if root.rel.is_empty() {
                    given
                } else {
                    format!("{}/{}", given.trim_end_matches('/'), root.rel)
                };
                roots.push(root);
            }
            (roots, ".".to_string())
        }
    };
    let paths: Vec<PathBuf> = roots.iter().map(|r| r.path.clone()).collect();
    let sink = output::prepare(&c.output, &paths)?;
    Ok((roots, base, sink))
}

/// One walker's share: its candidate files and what else it met.
struct Collect {
    candidates: Collector,
    issues: Vec<Issue>,
    symlinks: u64,
    /// Account folders met (3.x, 4.x), for the link rule.
    v3: BTreeSet<String>,
    v4: BTreeSet<String>,
}

impl Collect {
    fn new(min_size: u64) -> Collect {
        Collect {
            candidates: Collector::new(min_size),
            issues: Vec::new(),
            symlinks: 0,
            v3: BTreeSet::new(),
            v4: BTreeSet::new(),
        }
    }
}

impl Visitor for Collect {
    fn file(&mut self, e: &FileEntry<'_>) {
        self.candidates.file(e);
    }

    fn dir(&mut self, _root: usize, _meta: &FileMeta) {}

    fn named_dir(&mut self, e: &DirEntry<'_>) {
        // Only a folder that could be an account folder is placed.
        if !is_md5(e.name) && v4_wxid(e.name).is_none() {
            return;
        }
        let probe = format!("{}/\u{0}", e.canonical);
        let p = classify(&probe);
        if p.account == Some(e.name) {
            match p.layout {
                Layout::Wechat3 => self.v3.insert(e.name.to_string()),
                Layout::Wechat4 => self.v4.insert(e.name.to_string()),
                _ => false,
            };
        }
    }

    fn symlink(&mut self, _root: usize, _meta: &FileMeta) {
        self.symlinks += 1;
    }

    fn special(&mut self, _root: usize, _meta: &FileMeta) {}

    fn issue(&mut self, issue: Issue) {
        // A name that is not UTF-8 is compared like any other (by its bytes) and shown
        // escaped: nothing was left out, so it is not an issue here.
        if issue.kind != "non-utf8-name" {
            self.issues.push(issue);
        }
    }
}

/// Run the engine with a live progress line for its reading passes when `show`.
pub(crate) fn with_engine_progress<T>(
    show: bool,
    work: impl FnOnce(Option<&dupes::Progress>) -> T,
) -> T {
    if !show {
        return work(None);
    }
    let progress = dupes::Progress::default();
    progress::drawn(
        "{spinner} {msg}",
        || progress.snapshot().line(),
        || work(Some(&progress)),
    )
}

/// The report: each group's paths relative to the base, placed by the scan's
/// classifier, with their absolute bytes for the fdupes format.
fn build(
    roots: &[Root],
    base: String,
    c: &DupesConfig,
    found: dupes::Dupes<u32>,
    mut issues: Vec<Issue>,
    symlinks: u64,
    links: &BTreeMap<String, String>,
) -> DupesReport {
    // Each root's on-disk path, and its absolute form (the root may be reached
    // through a symlink the user named; nothing under it is followed).
    let places: Vec<(Vec<u8>, Vec<u8>)> = roots
        .iter()
        .map(|r| {
            let given = r.path.as_os_str().as_bytes().to_vec();
            let abs = std::fs::canonicalize(&r.path)
                .or_else(|_| std::path::absolute(&r.path))
                .map(|p| p.as_os_str().as_bytes().to_vec())
                .unwrap_or_else(|_| given.clone());
            (given, abs)
        })
        .collect();
    let totals = DupesTotals {
        symlinks,
        ..found.totals
    };
    let groups = found
        .groups
        .into_iter()
        .enumerate()
        .map(|(i, g)| DupeGroup {
            id: i as u64 + 1,
            size: g.size,
            hash: Some(g.hash),
            inodes: g.inodes,
            unique_bytes: g.unique_bytes,
            files: g
                .files
                .into_iter()
                .map(|f| {
                    let root = f.tag as usize;
                    place(
                        roots.get(root),
                        places.get(root),
                        &f.raw,
                        (f.dev, f.ino, f.nlink),
                        links,
                    )
                })
                .collect(),
        })
        .collect();
    issues.extend(found.issues);
    issues.sort();
    issues.dedup();
    DupesReport {
        schema_version: DUPES_SCHEMA_VERSION,
        tool: Tool {
            name: "wechat-inspect".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        generated_at: now_rfc3339(&c.now),
        base,
        roots: roots
            .iter()
            .map(|r| DupesRoot {
                path: if r.rel.is_empty() {
                    ".".into()
                } else {
                    r.rel.clone()
                },
                kind: r.kind.to_string(),
                container_path: r.container_path.clone(),
            })
            .collect(),
        algorithm: found.algorithm.to_string(),
        min_size: found.min_size,
        totals,
        groups,
        issues,
    }
}

/// One path of a group: relative to the base, its category, account and chat as
/// `scan` would place it, and its absolute bytes.
fn place(
    root: Option<&Root>,
    on_disk: Option<&(Vec<u8>, Vec<u8>)>,
    raw: &[u8],
    (dev, ino, nlink): (u64, u64, u64),
    links: &BTreeMap<String, String>,
) -> DupePath {
    let (under, abs) = match on_disk {
        Some((given, abs)) if raw.starts_with(given) => {
            let under = raw[given.len()..]
                .strip_prefix(b"/")
                .unwrap_or(&raw[given.len()..]);
            let mut full = abs.clone();
            if !full.ends_with(b"/") {
                full.push(b'/');
            }
            full.extend_from_slice(under);
            (under, full)
        }
        _ => (raw, raw.to_vec()),
    };
    let under = escape_cow(under).0;
    let join = |a: &str, b: &str| {
        if a.is_empty() {
            b.to_string()
        } else {
            format!("{}/{b}", a.trim_end_matches('/'))
        }
    };
    let (rel, canonical) = match root {
        Some(r) => (join(&r.rel, &under), join(&r.container_path, &under)),
        None => (under.to_string(), under.to_string()),
    };
    let p = classify(&canonical);
    DupePath {
        path: rel,
        category: p.category.id().to_string(),
        account: p
            .account
            .map_or("shared", |a| links.get(a).map_or(a, String::as_str))
            .to_string(),
        chat: p.chat.map(str::to_string),
        dev,
        ino,
        nlink,
        abs,
    }
}
