//! The commands' glue: each validated [`Config`] runs here, from the roots to the
//! rendered report, and becomes an exit code. Shared by every command: the roots to
//! read and where the report goes ([`roots_for`], [`output`]), the key and names files
//! ([`keys_for`], [`names_for`]) and the exit code for the issues found ([`exit_for`]).

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

/// `--key-file`, read and checked first: a refusal is a fatal error before any long work.
fn keys_for(
    key_file: Option<&std::path::Path>,
) -> Result<Option<std::sync::Arc<crate::readers::sqlite::cipher::KeyRing>>> {
    use crate::readers::sqlite::{cipher::KeyRing, keyfile::load_key_file};
    Ok(match key_file {
        Some(path) => Some(std::sync::Arc::new(KeyRing::new(load_key_file(path)?))),
        None => None,
    })
}

/// `--names`, read whole (bounded) before the scan; nothing of it is kept but labels.
fn names_for(names: Option<&std::path::Path>) -> Result<Option<crate::model::names::NameList>> {
    Ok(match names {
        Some(path) => Some(crate::readers::names_file::load(path).map_err(|e| {
            crate::error::Error::Names {
                path: path.to_path_buf(),
                reason: e.to_string(),
            }
        })?),
        None => None,
    })
}

/// Label the report's chats and accounts: the `--names` lines, then (with a key) the
/// names from the contact databases, which win.
fn label(
    report: &mut crate::model::Report,
    names: Option<&crate::model::names::NameList>,
    keyed: bool,
) {
    crate::model::names::label(report, names);
    if keyed {
        // Names from the contact databases and messages per chat (issue 17).
        crate::model::keyed::apply(report);
    }
}

fn now_rfc3339(now: &chrono::DateTime<chrono::Utc>) -> String {
    now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
