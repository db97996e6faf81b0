//! The files the metadata pass will describe after the walk ([`crate::readers::describe`]):
//! databases and property lists, picked by name and first bytes. Only their paths are
//! kept (dozens to hundreds in a real container), never every file.

use crate::readers::describe::{Candidate, Candidates, PlistHint};
use crate::readers::sqlite::SQLITE_MAGIC;
use crate::tree::sniff::extension;
use crate::tree::walk::{DirEntry, FileEntry};

fn is_sidecar(name: &str) -> bool {
    ["-wal", "-shm", "-journal"]
        .iter()
        .any(|s| name.len() > s.len() && name.ends_with(s))
}

fn db_extension(ext: Option<&str>) -> bool {
    matches!(ext, Some("db" | "sqlite" | "sqlite3"))
}

/// Keep the path of a database or plist for the metadata pass.
#[inline]
pub(super) fn file(candidates: &mut Candidates, e: &FileEntry<'_>) {
    if e.head_failed || is_sidecar(e.name) {
        return;
    }
    let head = e.head.unwrap_or(&[]);
    let ext = e.ext.as_deref();
    // Every role `readers::sqlite::db_role` knows ends in a database extension (tested
    // there), so the name alone decides without running the role table on every file.
    let db = head.starts_with(SQLITE_MAGIC) || db_extension(ext);
    let plist = if db {
        None
    } else if ext == Some("plist")
        || (matches!(ext, None | Some("archive")) && head.starts_with(b"bplist00"))
    {
        Some(PlistHint::Certain)
    } else if (ext.is_none() || ext == Some("archive"))
        && (head.starts_with(b"<?xml") || head.starts_with(b"<plist"))
    {
        Some(PlistHint::MaybeXml)
    } else {
        None
    };
    if !db && plist.is_none() {
        return;
    }
    let c = Candidate {
        rel: e.rel.to_string(),
        canonical: e.canonical.to_string(),
        path: e.dir.join(e.os_name),
        size: e.meta.size,
        allocated: e.meta.allocated,
    };
    match plist {
        Some(hint) => candidates.plists.push((c, hint)),
        None => candidates.databases.push(c),
    }
}

/// A folder named like a database (reported as an issue by the metadata pass).
pub(super) fn dir(candidates: &mut Candidates, d: &DirEntry<'_>) {
    if !is_sidecar(d.name) && db_extension(extension(d.name).as_deref()) {
        candidates.dir_databases.push(d.rel.to_string());
    }
}
