//! wechat-inspect: a read-only map of a WeChat for macOS data container.
//!
//! Pipeline: [`locate`] finds the roots → [`walk`] visits every entry in parallel →
//! [`classify`] places each file → [`aggregate`] folds them into the [`model::Report`]
//! → a [`report`] renderer writes it. Only `locate`, `walk` and `output` touch the
//! filesystem; nothing ever writes under a scanned folder.

pub mod aggregate;
pub mod classify;
pub mod cli;
pub mod config;
pub mod diff;
pub mod dupes;
pub mod error;
pub mod exit;
pub mod hosts;
pub mod human;
pub mod locate;
pub mod meta;
pub mod metadata;
pub mod model;
pub mod output;
pub mod paths;
pub mod progress;
pub mod redact;
pub mod report;
pub mod scan;
pub mod sniff;
pub mod walk;

use config::HostsConfig;
use config::{Config, DiffConfig, Output, ScanConfig, Target};
use error::Result;
use exit::Exit;
use std::io::Write;

/// Run a validated command, writing the report to `stdout` unless it goes to a file.
pub fn run(config: &Config, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<Exit> {
    match config {
        Config::Scan(c) => run_scan(c, stdout, stderr),
        Config::Diff(c) => run_diff(c, stdout),
        Config::Hosts(c) => run_hosts(c, stdout, stderr),
    }
}

/// The roots to read and the report's base, after refusing an `-o` inside them.
fn roots_for(target: &Target, any: bool, out: &Output) -> Result<(Vec<locate::Root>, String)> {
    let (roots, base) = match target {
        Target::Home(home) => (locate::discover(home)?, "~".to_string()),
        Target::Path(p) => (vec![locate::detect(p, any)?], p.display().to_string()),
    };
    if let Output::File(file) = out {
        let paths: Vec<_> = roots.iter().map(|r| r.path.clone()).collect();
        output::check_outside(file, &paths)?;
    }
    Ok((roots, base))
}

/// Render to standard output or, atomically, to the `-o` file.
fn emit(
    out: &Output,
    stdout: &mut dyn Write,
    render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    match out {
        Output::Stdout => render(stdout).map_err(|source| error::Error::Output {
            path: "<stdout>".into(),
            source,
        }),
        Output::File(path) => output::write_file(path, render),
    }
}

/// Exit 1 when the report lists issues (saying so on stderr unless quiet), else 0.
fn exit_for(issues: usize, doing: &str, quiet: bool, stderr: &mut dyn Write) -> Exit {
    if issues == 0 {
        return Exit::Clean;
    }
    if !quiet {
        let _ = writeln!(
            stderr,
            "wechat-inspect: {issues} issue(s) while {doing}; they are listed in the report"
        );
    }
    Exit::Issues
}

fn now_rfc3339(now: &chrono::DateTime<chrono::Utc>) -> String {
    now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn run_hosts(c: &HostsConfig, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<Exit> {
    let (roots, base) = roots_for(&c.target, c.any, &c.output)?;
    let opts = hosts::HostsOptions {
        generated_at: now_rfc3339(&c.now),
        base,
        paths: c.paths,
    };
    let mut report = hosts::collect(&roots, &opts);
    if c.redact {
        hosts::redact(&mut report);
    }
    emit(&c.output, stdout, |w| {
        hosts::render::render(c.format, &report, w)
    })?;
    Ok(exit_for(
        report.issues.len(),
        "reading stores",
        c.quiet,
        stderr,
    ))
}

fn run_diff(c: &DiffConfig, stdout: &mut dyn Write) -> Result<Exit> {
    let (mut old, mut new) = diff::load_pair(&c.old, &c.new)?;
    if c.redact {
        redact::redact_all(&mut [&mut old, &mut new]);
    }
    let d = diff::diff(&old, &new);
    emit(&c.output, stdout, |w| report::diff::render(c.format, &d, w))?;
    Ok(Exit::Clean)
}

fn run_scan(c: &ScanConfig, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<Exit> {
    let (roots, base) = roots_for(&c.target, c.any, &c.output)?;
    let opts = scan::ScanOptions {
        threads: c.threads,
        top: c.top,
        sniff: sniff::Sniff { dat: c.dat_schemes },
        generated_at: now_rfc3339(&c.now),
        base,
        meta: metadata::MetaOptions {
            databases: c.view != report::View::Plists,
            plists: c.view != report::View::Databases,
            count_rows: c.count_rows,
            ..metadata::MetaOptions::default()
        },
    };
    let (mut report, timings) = progress::with_progress(!c.quiet, |p| scan::scan(&roots, &opts, p));
    if c.redact {
        redact::redact(&mut report);
    }
    // The HTML report of `scan` also shows the network footprint.
    let net = (c.format == report::Format::Html && c.view == report::View::Scan).then(|| {
        let mut net = hosts::collect(
            &roots,
            &hosts::HostsOptions {
                generated_at: report.generated_at.clone(),
                base: report.base.clone(),
                paths: false,
            },
        );
        if c.redact {
            hosts::redact(&mut net);
        }
        net
    });
    let style = report::Style {
        color: c.color,
        view: c.view,
        hosts: net.as_ref(),
    };
    let rendering = std::time::Instant::now();
    emit(&c.output, stdout, |w| {
        report::render(c.format, &report, style, w)
    })?;
    if c.timings {
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
        let _ = writeln!(
            stderr,
            "timings: walk {:.1} ms, databases and plists {:.1} ms ({} files), report {:.1} ms",
            ms(timings.walk),
            ms(timings.metadata),
            timings.metadata_files,
            ms(rendering.elapsed())
        );
    }
    Ok(exit_for(report.issues.len(), "scanning", c.quiet, stderr))
}
