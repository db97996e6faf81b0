//! `hosts`: find the network stores under the roots (by name and place, symlinks not
//! followed: [`crate::tree::stores`]), read each with its reader, fold the rows into the
//! report ([`HostsBuilder`]) and render it. The HTML report of `scan` hands the stores
//! its own walk found to [`read`].

use super::output::emit;
use super::{exit_for, now_rfc3339, roots_for};
use crate::config::HostsConfig;
use crate::error::{io_issue, Result};
use crate::exit::Exit;
use crate::model::hosts::{
    CookieRow, HostsBuilder, HostsOptions, HostsReport, HostsRoot, StoreKind,
};
use crate::model::redact;
use crate::model::Issue;
use crate::readers::binarycookies::{self, MAX_COOKIE_FILE};
use crate::readers::sqlite::{DbError, InspectOptions, ViewInfo};
use crate::readers::{httpstorage, read_head, urlcache};
use crate::render;
use crate::tree::locate::Root;
use crate::tree::stores::{self, FoundStore};
use std::io::Write;
use std::path::Path;

/// Run `hosts`.
pub(crate) fn run(c: &HostsConfig, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<Exit> {
    let (roots, base, sink) = roots_for(&c.target, c.any, &c.output)?;
    let opts = HostsOptions {
        generated_at: now_rfc3339(&c.now),
        base,
        paths: c.paths,
    };
    let mut report = collect(&roots, &opts, c.threads);
    if c.redact {
        redact::redact_hosts(&mut report);
    }
    emit(sink, stdout, |w| {
        render::hosts::render(c.format, &report, w)
    })?;
    Ok(exit_for(
        report.issues.len(),
        "reading stores",
        c.quiet,
        stderr,
    ))
}

/// Find the stores under `roots` (only where they live, symlinks not followed) and read
/// them.
pub(crate) fn collect(roots: &[Root], opts: &HostsOptions, threads: usize) -> HostsReport {
    let (found, issues) = stores::find(roots, threads);
    read(roots, &found, &issues, opts)
}

/// Read the stores a walk found (`found` in root order, then by path) into the report,
/// with the walk's own problems (`walk_issues`).
pub(crate) fn read(
    roots: &[Root],
    found: &[FoundStore],
    walk_issues: &[Issue],
    opts: &HostsOptions,
) -> HostsReport {
    let mut acc = HostsBuilder::new(opts.paths);
    for i in walk_issues {
        acc.issue(&i.path, &i.kind, i.message.clone());
    }
    let db_opts = InspectOptions::for_stores();
    for store in found {
        let (abs, rel) = (store.path.as_path(), store.rel.as_str());
        match store.kind {
            StoreKind::UrlCache => url_cache(&mut acc, abs, rel, &db_opts),
            StoreKind::HttpStorage => http_storage(&mut acc, abs, rel, &db_opts),
            StoreKind::BinaryCookies => binary_cookies(&mut acc, abs, rel),
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
    let mut store = acc.url_cache(rel);
    let read = urlcache::read(abs, opts, |row| store.row(row));
    match read {
        Ok((Some(info), view)) => {
            store.finish(info.receiver, info.repeated_bodies);
            view_notes(acc, rel, view);
        }
        Ok((None, _)) => {
            store.abandon();
            acc.note(
                rel,
                "unrecognised schema: no cfurl_cache_response table".into(),
            );
        }
        Err(e) => {
            store.abandon();
            db_issue(acc, rel, abs, e);
        }
    }
}

fn http_storage(acc: &mut HostsBuilder, abs: &Path, rel: &str, opts: &InspectOptions) {
    let mut store = acc.http_storage(rel);
    let read = httpstorage::read(abs, opts, |host, name| store.row(host, name));
    match read {
        Ok((info, view)) => {
            store.finish(info.used, &info.tables);
            view_notes(acc, rel, view);
        }
        Err(e) => {
            store.abandon();
            db_issue(acc, rel, abs, e);
        }
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
