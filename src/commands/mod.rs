//! The commands' glue: each validated [`Config`] runs here, from the roots to the
//! rendered report, and becomes an exit code. Shared by every command: the roots to
//! read and where the report goes ([`roots_for`], [`output`]) and the exit code for the
//! issues found ([`exit_for`]).

pub(crate) mod browse;
pub(crate) mod diff;
pub(crate) mod docs;
pub(crate) mod dupes;
pub(crate) mod hosts;
pub mod output;
pub(crate) mod plan;
pub(crate) mod scan;

use crate::config::{Config, Output, Target};
use crate::error::Result;
use crate::escape::escape_bytes;
use crate::exit::Exit;
use crate::tree::locate;
use output::Sink;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;

/// Run a validated command, writing the report to `stdout` unless it goes to a file.
pub fn run(config: &Config, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<Exit> {
    match config {
        Config::Scan(c) => scan::run(c, stdout, stderr),
        Config::Diff(c) => diff::run(c, stdout),
        Config::Hosts(c) => hosts::run(c, stdout, stderr),
        Config::Dupes(c) => dupes::run(c, stdout, stderr),
        Config::Plan(c) => plan::run(c, stdout, stderr),
        Config::Browse(c) => browse::run(c, stdout, stderr),
        Config::Completions(shell) => docs::completions(*shell, stdout),
        Config::Man => docs::man(stdout),
    }
}

/// The roots to read, the report's base, and where the report goes: `-o` is
/// refused inside the roots, checked and its temporary file created, all before the
/// scan starts.
fn roots_for(
    target: &Target,
    any: bool,
    out: &Output,
) -> Result<(Vec<locate::Root>, String, Sink)> {
    let (roots, base) = match target {
        Target::Home(home) => (locate::discover(home)?, "~".to_string()),
        // The PATH argument as given, escaped like every name (lossless, printable).
        Target::Path(p) => (
            vec![locate::detect(p, any)?],
            escape_bytes(p.as_os_str().as_bytes()).0,
        ),
    };
    let paths: Vec<_> = roots.iter().map(|r| r.path.clone()).collect();
    let sink = output::prepare(out, &paths)?;
    Ok((roots, base, sink))
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
