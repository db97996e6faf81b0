//! The commands' glue: each validated [`Config`] runs here, from the roots to the
//! rendered report, and becomes an exit code. Shared by every command: the roots to
//! read ([`roots_for`]), where the report goes ([`emit`]) and the exit code for the
//! issues found ([`exit_for`]).

pub(crate) mod diff;
pub(crate) mod docs;
pub(crate) mod hosts;
pub mod output;
pub(crate) mod scan;

use crate::config::{Config, Output, Target};
use crate::error::{self, Result};
use crate::escape::escape_bytes;
use crate::exit::Exit;
use crate::tree::locate;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;

/// Run a validated command, writing the report to `stdout` unless it goes to a file.
pub fn run(config: &Config, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<Exit> {
    match config {
        Config::Scan(c) => scan::run(c, stdout, stderr),
        Config::Diff(c) => diff::run(c, stdout),
        Config::Hosts(c) => hosts::run(c, stdout, stderr),
        Config::Completions(shell) => docs::completions(*shell, stdout),
        Config::Man => docs::man(stdout),
    }
}

/// The roots to read and the report's base, after refusing an `-o` inside them.
fn roots_for(target: &Target, any: bool, out: &Output) -> Result<(Vec<locate::Root>, String)> {
    let (roots, base) = match target {
        Target::Home(home) => (locate::discover(home)?, "~".to_string()),
        // The PATH argument as given, escaped like every name (lossless, printable).
        Target::Path(p) => (
            vec![locate::detect(p, any)?],
            escape_bytes(p.as_os_str().as_bytes()).0,
        ),
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
