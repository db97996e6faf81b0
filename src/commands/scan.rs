//! `scan`, `dbs` and `plists`: one walk and metadata pass, rendered whole (`scan`) or
//! as one section (`dbs`, `plists`).

use super::output::emit;
use super::{exit_for, keys_for, label, names_for, now_rfc3339, roots_for};
use crate::config::ScanConfig;
use crate::error::Result;
use crate::exit::Exit;
use crate::model::hosts::HostsOptions;
use crate::model::redact;
use crate::readers::describe::MetaOptions;
use crate::render::{self, Format, Style, View};
use crate::tree::{progress, scan, sniff};
use std::io::Write;
use std::time::{Duration, Instant};

/// Run `scan`, `dbs` or `plists` (the config's view says which).
pub(crate) fn run(c: &ScanConfig, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<Exit> {
    let keys = keys_for(c.key_file.as_deref())?;
    let names = names_for(c.names.as_deref())?;
    let (roots, base, sink) = roots_for(&c.target, c.any, &c.output)?;
    let opts = scan::ScanOptions {
        threads: c.threads,
        top: c.top,
        sniff: sniff::Sniff { dat: c.dat_schemes },
        generated_at: now_rfc3339(&c.now),
        base,
        meta: MetaOptions {
            databases: c.view != View::Plists,
            plists: c.view != View::Databases,
            count_rows: c.count_rows,
            all_pages: c.all_pages,
            keys,
            names: c.view != View::Databases,
            ..MetaOptions::default()
        },
        before: c.before,
        now: c.now.timestamp(),
        same_bytes: None,
        folder_metas: false,
    };
    let scanned = progress::with_progress(!c.quiet, |p| scan::scan(&roots, &opts, p));
    let (mut report, timings) = (scanned.report, scanned.timings);
    label(&mut report, names.as_ref(), c.key_file.is_some());
    report.older_than = c.older_than.clone();
    let finding = Instant::now();
    if c.view == View::Scan {
        report.findings = super::plan::scan_findings(&report, c.now.timestamp());
        if c.folders {
            report.folders = crate::model::folders::to_json(&report.tree);
        }
    }
    let findings_took = finding.elapsed();
    if c.redact {
        redact::redact(&mut report);
    }
    // The HTML report of `scan` also shows the network footprint: the stores the walk
    // passed, read now.
    let reading = Instant::now();
    let net = (c.format == Format::Html && c.view == View::Scan).then(|| {
        let mut net = super::hosts::read(
            &roots,
            &scanned.stores,
            &[],
            &HostsOptions {
                generated_at: report.generated_at.clone(),
                base: report.base.clone(),
                paths: false,
            },
        );
        if c.redact {
            redact::redact_hosts(&mut net);
        }
        net
    });
    let stores_read = reading.elapsed();
    let style = Style {
        color: c.color,
        view: c.view,
        hosts: net.as_ref(),
        si: c.si,
        top_chats: c.top_chats,
        width: c.width,
    };
    let rendering = Instant::now();
    emit(sink, stdout, |w| {
        render::render(c.format, &report, style, w)
    })?;
    if c.timings {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let _ =
            writeln!(
            stderr,
            "timings: walk {:.1} ms ({}), totals {:.1} ms, databases and plists {:.1} ms ({} files), \
             findings {:.1} ms, hosts stores {:.1} ms ({} read), report {:.1} ms",
            ms(timings.walk),
            timings.workers,
            ms(timings.totals),
            ms(timings.metadata),
            timings.metadata_files,
            ms(findings_took),
            ms(stores_read),
            if net.is_some() { scanned.stores.len() } else { 0 },
            ms(rendering.elapsed())
        );
    }
    Ok(exit_for(report.issues.len(), "scanning", c.quiet, stderr))
}
