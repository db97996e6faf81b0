//! `browse --from`: a saved `scan --format json --folders` report, read bounded like
//! `diff` reads one, and its `folders[]` turned back into a folder tree. A saved report
//! does not say which categories the files *directly* in a folder have, only those of
//! its subtree: for a folder with subfolders those stand in (the meaning view of a saved
//! report groups such a folder by its subtree's categories).

use crate::commands::diff::{parse, read_bounded, MAX_REPORT_BYTES};
use crate::error::{Error, Result};
use crate::model::folders::{FolderTree, Node, Own, RootPlace, Stats, NONE};
use crate::model::Report;
use crate::tree::classify::tiers::Tier;
use crate::tree::classify::Category;
use std::path::Path;

fn time(s: Option<&str>, default: i64) -> i64 {
    s.and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map_or(default, |d| d.timestamp())
}

/// Read the report at `path` and rebuild its folder tree.
pub(crate) fn load(path: &Path) -> Result<Report> {
    let bytes = read_bounded(path, MAX_REPORT_BYTES)?;
    let mut report = parse(path, &bytes)?;
    if report.folders.is_empty() {
        return Err(Error::NotAReport {
            path: path.to_path_buf(),
            reason: "it has no folder tree; save it with `scan --format json --folders`".into(),
        });
    }
    report.tree = tree(&report).map_err(|reason| Error::NotAReport {
        path: path.to_path_buf(),
        reason,
    })?;
    report.folders = Vec::new();
    Ok(report)
}

fn tree(r: &Report) -> std::result::Result<FolderTree, String> {
    let mut t = FolderTree::default();
    let n = r.folders.len();
    if n >= NONE as usize {
        return Err("too many folders".into());
    }
    let mut last_child = vec![NONE; n];
    for (i, f) in r.folders.iter().enumerate() {
        if f.id as usize != i {
            return Err(format!("folder {i} has id {}", f.id));
        }
        let parent = match f.parent {
            Some(p) if (p as usize) < i => p,
            Some(p) => return Err(format!("folder {i} has parent {p}, not an earlier folder")),
            None => NONE,
        };
        let root = if parent == NONE {
            let k = t.roots.len();
            let place = r.roots.get(k);
            t.roots.push(RootPlace {
                path: Vec::new(),
                canonical: place.map(|p| p.container_path.clone()).unwrap_or_default(),
                rel: if f.name == "." {
                    String::new()
                } else {
                    f.name.clone()
                },
            });
            t.root_ids.push(i as u32);
            k as u32
        } else {
            t.nodes[parent as usize].root
        };
        let name = if parent == NONE {
            Vec::new()
        } else {
            crate::escape::unescape(&f.name).unwrap_or_else(|| f.name.clone().into_bytes())
        };
        let at = t.names.len();
        t.names.extend_from_slice(&name);
        let categories = f
            .categories
            .iter()
            .filter_map(|c| Category::from_id(c))
            .fold(0u32, |m, c| m | 1 << c.index());
        let tiers = f
            .tiers
            .iter()
            .filter_map(|x| Tier::from_id(x))
            .fold(0u8, |m, x| m | x.bit());
        let subtree = Stats {
            files: f.files,
            apparent: f.apparent_bytes,
            allocated: f.allocated_bytes,
            linked: 0,
            newest: time(f.newest.as_deref(), i64::MIN),
            oldest: time(f.oldest.as_deref(), i64::MAX),
            categories,
            tiers,
            incomplete: true,
        };
        t.nodes.push(Node {
            parent,
            root,
            name_at: at as u32,
            name_len: u16::try_from(name.len())
                .map_err(|_| format!("folder {i}: name too long"))?,
            own: Own {
                files: f.own_files,
                apparent: f.own_apparent_bytes,
                categories,
                tiers,
                // What only `scan`'s findings read; a saved report has no findings to
                // work out.
                qual: Default::default(),
            },
            subtree,
            first_child: NONE,
            next_sibling: NONE,
        });
        if parent != NONE {
            let p = parent as usize;
            match last_child[p] {
                NONE => t.nodes[p].first_child = i as u32,
                prev => t.nodes[prev as usize].next_sibling = i as u32,
            }
            last_child[p] = i as u32;
        }
    }
    Ok(t)
}
