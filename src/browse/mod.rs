//! `browse`: an ncdu-like view over one scan, by meaning (category → account → chat →
//! month → folders → files) or by folder. Marks become a plan in the plan JSON format
//! (or a list of paths); nothing is ever deleted, and there is no key that would.
//!
//! [`state`] is the pure state machine, [`keys`] the key table, [`view`] the drawing,
//! [`terminal`] the real terminal's set-up and guaranteed restore.

pub(crate) mod data;
pub(crate) mod keys;
pub(crate) mod saved;
pub mod state;
pub mod terminal;
pub mod view;

pub use state::{Action, Sort, State, View};

use crate::model::Report;
use crate::tree::list::DiskLister;
use ratatui::crossterm::event::KeyEvent;

/// Scan `path` as `browse` does (no progress): for tests and benchmarks.
pub fn scan_path(
    path: &std::path::Path,
    threads: usize,
    now: &str,
) -> crate::error::Result<Report> {
    let root = crate::tree::locate::detect(path, false)?;
    let base =
        crate::escape::escape_bytes(std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str())).0;
    let t = chrono::DateTime::parse_from_rfc3339(now).map_or(0, |t| t.timestamp());
    let opts = crate::commands::browse::scan_options(threads, t, now.to_string(), base);
    Ok(crate::tree::scan::scan(&[root], &opts, None).report)
}

/// Read a saved `scan --format json --folders` report for `--from` (bounded, checked).
pub fn load_saved(path: &std::path::Path) -> crate::error::Result<Report> {
    saved::load(path)
}

/// Most files one folder's listing keeps (a bound on memory for a hostile folder).
pub const MAX_FILES: usize = 1_000_000;

impl State {
    /// The browser over a scanned report (its folder tree moves into the browser).
    /// `live`: the scanned folders are on this disk, so files can be listed and planned.
    pub fn from_report(report: &mut Report, live: bool, redact: bool) -> State {
        State::new(data::Data::new(report, live, redact))
    }

    /// One key press (files are listed from disk when a folder is opened).
    pub fn press(&mut self, key: KeyEvent) {
        if let Some(a) = keys::action(&key) {
            self.apply(a, &mut DiskLister::default());
        }
    }

    /// One action (files are listed from disk when a folder is opened).
    pub fn act(&mut self, a: Action) {
        self.apply(a, &mut DiskLister::default());
    }

    /// The marks as a plan, listing files from disk where a folder is marked in part.
    pub fn plan_from_disk(&self, now: i64) -> crate::plan::Plan {
        self.plan(&mut DiskLister::default(), now)
    }

    /// Whether anything is marked.
    pub fn has_marks(&self) -> bool {
        !self.marks.is_empty()
    }

    /// The status line's message (empty when none).
    pub fn status(&self) -> &str {
        &self.status
    }

    /// The current level's title and its rows' names, in order.
    pub fn rows(&self) -> (String, Vec<String>) {
        self.current().map_or_else(Default::default, |l| {
            (
                l.title.clone(),
                l.rows.iter().map(|r| r.name.clone()).collect(),
            )
        })
    }

    /// The row under the cursor: its name and tier id.
    pub fn cursor(&self) -> Option<(String, &'static str)> {
        self.selected().map(|r| (r.name.clone(), r.tier.id()))
    }

    /// How many marks there are.
    pub fn mark_count(&self) -> usize {
        self.marks.len()
    }

    /// Which view is shown.
    pub fn view(&self) -> View {
        self.view
    }

    /// Whether the help is shown.
    pub fn help_shown(&self) -> bool {
        self.help
    }
}
