//! Rendering the `hosts` report: table (80 columns), JSON (`docs/hosts-schema.json`)
//! and CSV.
//!
//! CSV columns: `section,domain,host,role,responses,cached_bytes,first_seen,last_seen,detail`.
//! Sections: `domain` (domain; `detail` = host count), `host` (one row per host;
//! `detail` = `not a host name` for a cookie domain kept as stored),
//! `cookie` (host, `detail` = cookie name), `path` (host, `detail` = URL path; only
//! with `--paths`), `source` (host, `detail` = store file), `store` (`role` = store
//! kind, `responses`, `detail` = `path (N cookies, M hosts)`), `note` and `issue`
//! (`detail` = path and message).

use crate::escape::{printable, Notation, Printable};
use crate::model::hosts::HostsReport;
use crate::render::csv::field;
use crate::render::human::{bytes, count, truncate_left, truncate_right};
use std::io::{self, Write};

/// `hosts` output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Csv,
}

/// Render `r` as `format`, through [`Printable`] (see [`crate::escape`]).
pub fn render(format: Format, r: &HostsReport, out: &mut dyn Write) -> io::Result<()> {
    let notation = match format {
        Format::Json => Notation::Json,
        Format::Table | Format::Csv => Notation::Text,
    };
    let mut safe = Printable::new(out, notation);
    match format {
        Format::Table => table(r, &mut safe)?,
        Format::Json => {
            serde_json::to_writer_pretty(&mut safe, r).map_err(io::Error::from)?;
            safe.write_all(b"\n")?;
        }
        Format::Csv => csv(r, &mut safe)?,
    }
    safe.finish()
}

fn day(t: &Option<String>) -> String {
    t.as_deref()
        .map(|s| s.chars().take(10).collect())
        .unwrap_or_else(|| "-".into())
}

/// Write the report as text, at most 80 columns wide.
pub fn table(r: &HostsReport, w: &mut dyn Write) -> io::Result<()> {
    writeln!(
        w,
        "WeChat network footprint in {}",
        truncate_left(&r.base, 51)
    )?;
    writeln!(
        w,
        "generated {} by {} {}",
        printable(&r.generated_at),
        printable(&r.tool.name),
        printable(&r.tool.version)
    )?;
    let responses: u64 = r.hosts.iter().map(|h| h.responses).sum();
    let cached: u64 = r.hosts.iter().map(|h| h.cached_bytes).sum();
    writeln!(
        w,
        "{} host(s) in {} domain(s); {} cached response(s), {}",
        count(r.hosts.len() as u64),
        count(r.domains.len() as u64),
        count(responses),
        bytes(cached)
    )?;

    writeln!(w, "\nDOMAINS")?;
    if r.domains.is_empty() {
        writeln!(w, "  (none found)")?;
    } else {
        writeln!(
            w,
            "  {:<36} {:>6} {:>10} {:>12}",
            "domain", "hosts", "responses", "cached"
        )?;
        for d in &r.domains {
            writeln!(
                w,
                "  {:<36} {:>6} {:>10} {:>12}",
                truncate_right(&d.domain, 36),
                count(d.hosts),
                count(d.responses),
                bytes(d.cached_bytes)
            )?;
        }
    }

    writeln!(w, "\nHOSTS (first/last seen: UTC dates)")?;
    if r.hosts.is_empty() {
        writeln!(w, "  (none found)")?;
    } else {
        writeln!(
            w,
            "    {:<30} {:>5} {:>10}  {:<10}  last seen",
            "host", "resp.", "cached", "first seen"
        )?;
    }
    let mut domain = "";
    for h in &r.hosts {
        if h.domain != domain {
            domain = &h.domain;
            writeln!(w, "  {}", truncate_right(domain, 76))?;
        }
        writeln!(
            w,
            "    {:<30} {:>5} {:>10}  {:<10}  {}",
            truncate_right(&h.host, 30),
            count(h.responses),
            bytes(h.cached_bytes),
            day(&h.first_seen),
            day(&h.last_seen)
        )?;
        if h.not_a_host_name {
            writeln!(w, "      not a host name: the cookie domain as stored")?;
        }
        if let Some(role) = &h.role {
            let ev = h.role_evidence.as_deref().unwrap_or("I");
            writeln!(
                w,
                "      role: {}",
                truncate_right(&format!("{role} [{ev}]"), 68)
            )?;
        }
        if !h.cookies.is_empty() {
            wrapped(w, "      cookies: ", &h.cookies)?;
        }
        for p in h.paths.iter().flatten() {
            writeln!(w, "      path: {}", truncate_right(p, 68))?;
        }
    }

    writeln!(w, "\nSTORES")?;
    if r.stores.is_empty() {
        writeln!(w, "  (none found)")?;
    }
    for s in &r.stores {
        writeln!(
            w,
            "  {:<14} {:>9} resp {:>6} cookies  {:>4} hosts",
            printable(&s.kind),
            count(s.responses),
            count(s.cookies),
            count(s.hosts)
        )?;
        writeln!(w, "    {}", truncate_left(&s.path, 76))?;
    }
    if !r.notes.is_empty() {
        writeln!(w, "\nNOTES")?;
        for n in &r.notes {
            writeln!(w, "  {}", truncate_left(&n.path, 78))?;
            writeln!(w, "    {}", truncate_right(&n.message, 76))?;
        }
    }
    if !r.issues.is_empty() {
        writeln!(w, "\nISSUES ({})", r.issues.len())?;
        for i in &r.issues {
            writeln!(w, "  {}", truncate_left(&i.path, 78))?;
            writeln!(
                w,
                "    {}",
                truncate_right(&format!("{}: {}", i.kind, i.message), 76)
            )?;
        }
    }
    Ok(())
}

/// `prefix` then `items` joined by `, `, wrapped at 80 columns.
fn wrapped(w: &mut dyn Write, prefix: &str, items: &[String]) -> io::Result<()> {
    let indent = " ".repeat(prefix.chars().count());
    let mut line = prefix.to_string();
    let mut first = true;
    for (i, it) in items.iter().enumerate() {
        let it = truncate_right(it, 80 - indent.len() - 1);
        let piece = if i + 1 < items.len() {
            format!("{it},")
        } else {
            it
        };
        let extra = if first { 0 } else { 1 };
        if !first && line.chars().count() + extra + piece.chars().count() > 80 {
            writeln!(w, "{line}")?;
            line = indent.clone();
            first = true;
        }
        if !first {
            line.push(' ');
        }
        line.push_str(&piece);
        first = false;
    }
    writeln!(w, "{line}")
}

/// Write the report as CSV (columns in the module docs).
pub fn csv(r: &HostsReport, w: &mut dyn Write) -> io::Result<()> {
    writeln!(
        w,
        "section,domain,host,role,responses,cached_bytes,first_seen,last_seen,detail"
    )?;
    let mut row = |cells: [&str; 9]| -> io::Result<()> {
        let line: Vec<String> = cells.iter().map(|c| field(c)).collect();
        writeln!(w, "{}", line.join(","))
    };
    for d in &r.domains {
        row([
            "domain",
            &d.domain,
            "",
            "",
            &d.responses.to_string(),
            &d.cached_bytes.to_string(),
            "",
            "",
            &d.hosts.to_string(),
        ])?;
    }
    for h in &r.hosts {
        let role = h.role.as_deref().unwrap_or("");
        row([
            "host",
            &h.domain,
            &h.host,
            role,
            &h.responses.to_string(),
            &h.cached_bytes.to_string(),
            h.first_seen.as_deref().unwrap_or(""),
            h.last_seen.as_deref().unwrap_or(""),
            if h.not_a_host_name {
                "not a host name"
            } else {
                ""
            },
        ])?;
        for c in &h.cookies {
            row(["cookie", &h.domain, &h.host, "", "", "", "", "", c])?;
        }
        for p in h.paths.iter().flatten() {
            row(["path", &h.domain, &h.host, "", "", "", "", "", p])?;
        }
        for s in &h.sources {
            row(["source", &h.domain, &h.host, "", "", "", "", "", s])?;
        }
    }
    for s in &r.stores {
        row([
            "store",
            "",
            "",
            &s.kind,
            &s.responses.to_string(),
            "",
            "",
            "",
            &format!("{} ({} cookies, {} hosts)", s.path, s.cookies, s.hosts),
        ])?;
    }
    for n in &r.notes {
        row([
            "note",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            &format!("{}: {}", n.path, n.message),
        ])?;
    }
    for i in &r.issues {
        row([
            "issue",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            &format!("{}: {}: {}", i.path, i.kind, i.message),
        ])?;
    }
    Ok(())
}
