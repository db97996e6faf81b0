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

fn run_hosts(c: &HostsConfig, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<Exit> {
    let (roots, base) = match &c.target {
        Target::Home(home) => (locate::discover(home)?, "~".to_string()),
        Target::Path(p) => (vec![locate::detect(p, c.any)?], p.display().to_string()),
    };
    if let Output::File(out) = &c.output {
        let paths: Vec<_> = roots.iter().map(|r| r.path.clone()).collect();
        output::check_outside(out, &paths)?;
    }
    let opts = hosts::HostsOptions {
        generated_at: c.now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        base,
        paths: c.paths,
    };
    let mut report = hosts::collect(&roots, &opts);
    if c.redact {
        hosts::redact(&mut report);
    }
    match &c.output {
        Output::Stdout => hosts::render::render(c.format, &report, stdout).map_err(|source| {
            error::Error::Output {
                path: "<stdout>".into(),
                source,
            }
        })?,
        Output::File(path) => {
            output::write_file(path, |w| hosts::render::render(c.format, &report, w))?
        }
    }
    if !c.quiet && !report.issues.is_empty() {
        let _ = writeln!(
            stderr,
            "wechat-inspect: {} issue(s) while reading stores; they are listed in the report",
            report.issues.len()
        );
    }
    Ok(if report.issues.is_empty() {
        Exit::Clean
    } else {
        Exit::Issues
    })
}

fn run_diff(c: &DiffConfig, stdout: &mut dyn Write) -> Result<Exit> {
    let (mut old, mut new) = diff::load_pair(&c.old, &c.new)?;
    if c.redact {
        redact::redact_all(&mut [&mut old, &mut new]);
    }
    let d = diff::diff(&old, &new);
    match &c.output {
        Output::Stdout => {
            report::diff::render(c.format, &d, stdout).map_err(|source| error::Error::Output {
                path: "<stdout>".into(),
                source,
            })?
        }
        Output::File(path) => output::write_file(path, |w| report::diff::render(c.format, &d, w))?,
    }
    Ok(Exit::Clean)
}

fn run_scan(c: &ScanConfig, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<Exit> {
    let (roots, base) = match &c.target {
        Target::Home(home) => (locate::discover(home)?, "~".to_string()),
        Target::Path(p) => (vec![locate::detect(p, c.any)?], p.display().to_string()),
    };
    if let Output::File(out) = &c.output {
        let paths: Vec<_> = roots.iter().map(|r| r.path.clone()).collect();
        output::check_outside(out, &paths)?;
    }
    let opts = scan::ScanOptions {
        threads: c.threads,
        top: c.top,
        generated_at: c.now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        base,
        meta: metadata::MetaOptions {
            databases: c.view != report::View::Plists,
            plists: c.view != report::View::Databases,
            count_rows: c.count_rows,
            ..metadata::MetaOptions::default()
        },
    };
    let mut report = progress::with_progress(!c.quiet, |p| scan::scan(&roots, &opts, p));
    if c.redact {
        redact::redact(&mut report);
    }
    let style = report::Style {
        color: c.color,
        view: c.view,
    };
    match &c.output {
        Output::Stdout => report::render(c.format, &report, style, stdout).map_err(|source| {
            error::Error::Output {
                path: "<stdout>".into(),
                source,
            }
        })?,
        Output::File(path) => {
            output::write_file(path, |w| report::render(c.format, &report, style, w))?
        }
    }
    if !c.quiet && !report.issues.is_empty() {
        let _ = writeln!(
            stderr,
            "wechat-inspect: {} issue(s) while scanning; they are listed in the report",
            report.issues.len()
        );
    }
    Ok(if report.issues.is_empty() {
        Exit::Clean
    } else {
        Exit::Issues
    })
}
