//! `hosts`: find the network stores under the roots (by name and place, symlinks not
//! followed), read each with its reader, fold the rows into the report
//! ([`HostsBuilder`]) and render it. The HTML report of `scan` uses [`collect`] too.

use super::{emit, exit_for, now_rfc3339, roots_for};
use crate::config::HostsConfig;
use crate::error::{io_issue, Result};
use crate::escape::escape_bytes;
use crate::exit::Exit;
use crate::model::hosts::{
    store_kind, CookieRow, HostsBuilder, HostsOptions, HostsReport, HostsRoot, StoreKind,
};
use crate::model::redact;
use crate::readers::binarycookies::{self, MAX_COOKIE_FILE};
use crate::readers::sqlite::{DbError, InspectOptions, ViewInfo};
use crate::readers::{httpstorage, read_head, urlcache};
use crate::render;
use crate::tree::locate::Root;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Run `hosts`.
pub(crate) fn run(c: &HostsConfig, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<Exit> {
    let (roots, base) = roots_for(&c.target, c.any, &c.output)?;
    let opts = HostsOptions {
        generated_at: now_rfc3339(&c.now),
        base,
        paths: c.paths,
    };
    let mut report = collect(&roots, &opts);
    if c.redact {
        redact::redact_hosts(&mut report);
    }
    emit(&c.output, stdout, |w| {
        render::hosts::render(c.format, &report, w)
    })?;
    Ok(exit_for(
        report.issues.len(),
        "reading stores",
        c.quiet,
        stderr,
    ))
}

fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a}/{b}"),
    }
}

/// Find the stores under `roots` (names only, symlinks not followed) and read them.
pub(crate) fn collect(roots: &[Root], opts: &HostsOptions) -> HostsReport {
    let mut acc = HostsBuilder::new(opts.paths);
    for root in roots {
        let mut found = Vec::new();
        for entry in walkdir::WalkDir::new(&root.path).follow_links(false) {
            let e = match entry {
                Ok(e) => e,
                Err(err) => {
                    let rel = err
                        .path()
                        .and_then(|p| p.strip_prefix(&root.path).ok())
                        .map(|p| escape_bytes(p.as_os_str().as_bytes()).0)
                        .unwrap_or_default();
                    let rel = join(&root.rel, &rel);
                    let io = err
                        .into_io_error()
                        .unwrap_or_else(|| std::io::Error::other("filesystem loop"));
                    let i = io_issue(if rel.is_empty() { "." } else { &rel }, &io);
                    acc.issue(&i.path, &i.kind, i.message);
                    continue;
                }
            };
            if !e.file_type().is_file() {
                continue;
            }
            let Ok(in_root) = e.path().strip_prefix(&root.path) else {
                continue;
            };
            let in_root = escape_bytes(in_root.as_os_str().as_bytes()).0;
            if let Some(kind) = store_kind(&join(&root.container_path, &in_root)) {
                found.push((e.path().to_path_buf(), join(&root.rel, &in_root), kind));
            }
        }
        found.sort();
        for (abs, rel, kind) in found {
            let db_opts = InspectOptions::for_stores();
            match kind {
                StoreKind::UrlCache => url_cache(&mut acc, &abs, &rel, &db_opts),
                StoreKind::HttpStorage => http_storage(&mut acc, &abs, &rel, &db_opts),
                StoreKind::BinaryCookies => binary_cookies(&mut acc, &abs, &rel),
            }
        }
    }
    let roots = roots
        .iter()
        .map(|r| HostsRoot {
            path: if r.rel.is_empty() {
                ".".into()
            } else {
                r.rel.clone()
            },
            kind: r.kind.to_string(),
            container_path: r.container_path.clone(),
        })
        .collect();
    acc.finish(roots, opts)
}

/// A store that could not be read, as an issue with its relative path.
fn db_issue(acc: &mut HostsBuilder, rel: &str, abs: &Path, e: DbError) {
    let kind = match &e {
        DbError::Io { source, .. } => io_issue(rel, source).kind,
        DbError::Locked { .. } => "locked".to_string(),
        DbError::TooLarge { .. } => "too-large".to_string(),
        _ => "corrupt-store".to_string(),
    };
    // The error text starts with the absolute path; the issue has the relative one.
    let text = e.to_string();
    let prefix = format!("{}: ", abs.display());
    let message = text.strip_prefix(&prefix).unwrap_or(&text).to_string();
    acc.issue(rel, &kind, message);
}

fn view_notes(acc: &mut HostsBuilder, rel: &str, view: ViewInfo) {
    for n in view.notes {
        acc.note(rel, n);
    }
}

fn url_cache(acc: &mut HostsBuilder, abs: &Path, rel: &str, opts: &InspectOptions) {
    match urlcache::read(abs, opts) {
        Ok((Some(rows), view)) => {
            view_notes(acc, rel, view);
            acc.url_cache(rel, rows, |raw| urlcache::body_len(abs, raw));
        }
        Ok((None, _)) => acc.note(
            rel,
            "unrecognised schema: no cfurl_cache_response table".into(),
        ),
        Err(e) => db_issue(acc, rel, abs, e),
    }
}

fn http_storage(acc: &mut HostsBuilder, abs: &Path, rel: &str, opts: &InspectOptions) {
    match httpstorage::read(abs, opts) {
        Ok((rows, view)) => {
            view_notes(acc, rel, view);
            acc.http_storage(rel, rows);
        }
        Err(e) => db_issue(acc, rel, abs, e),
    }
}

fn binary_cookies(acc: &mut HostsBuilder, abs: &Path, rel: &str) {
    let bytes = match read_head(abs, MAX_COOKIE_FILE + 1) {
        Ok(b) => b,
        Err(e) => {
            let i = io_issue(rel, &e);
            return acc.issue(rel, &i.kind, i.message);
        }
    };
    if bytes.len() > MAX_COOKIE_FILE {
        return acc.issue(
            rel,
            "too-large",
            format!("binary cookie file over {MAX_COOKIE_FILE} bytes: not read"),
        );
    }
    let parsed = binarycookies::parse(&bytes);
    drop(bytes);
    let cookies = parsed.cookies.iter().map(|c| CookieRow {
        domain: &c.domain,
        name: &c.name,
        created: c.created.as_deref(),
    });
    acc.binary_cookies(rel, cookies, &parsed.problems);
}
