//! `browse`: the terminal checks (in the config), the `-o` file prepared, the scan on a
//! thread while the first frames show its progress, then the browser's key loop; on
//! quit, the terminal is restored before the marks are written or printed.

use super::now_rfc3339;
use super::output::{emit, prepare, Sink};
use crate::browse::terminal::Tui;
use crate::browse::{keys, view, State};
use crate::config::{BrowseConfig, BrowseSource, Output};
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::model::Report;
use crate::readers::describe::MetaOptions;
use crate::render::plan::{render, PlanFormat};
use crate::tree::list::DiskLister;
use crate::tree::progress::Progress;
use crate::tree::{locate, scan, sniff};
use ratatui::crossterm::event::{self, Event};
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

/// The scan `browse` (and its tests) run: no row counts, databases found but not read.
pub fn scan_options(
    threads: usize,
    now: i64,
    generated_at: String,
    base: String,
) -> scan::ScanOptions {
    scan::ScanOptions {
        threads,
        top: 0,
        sniff: sniff::Sniff { dat: false },
        generated_at,
        base,
        meta: MetaOptions {
            databases: true,
            plists: false,
            count_rows: false,
            ..MetaOptions::default()
        },
        before: None,
        same_bytes: None,
        folder_metas: true,
        now,
    }
}

fn tui_err(e: std::io::Error) -> Error {
    Error::Output {
        path: "<terminal>".into(),
        source: e,
    }
}

/// Run `browse`.
pub(crate) fn run(
    c: &BrowseConfig,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<Exit> {
    let (report_path, roots, base, sink) = match &c.source {
        BrowseSource::Report(p) => {
            let sink = prepare(&c.output, &[])?;
            (Some(p.clone()), Vec::new(), String::new(), sink)
        }
        BrowseSource::Scan(target) => {
            let (roots, base, sink) = super::roots_for(target, c.any, &c.output)?;
            (None, roots, base, sink)
        }
    };
    // The key and names files are checked before the terminal is taken (exit 2).
    let keys = super::keys_for(c.key_file.as_deref())?;
    let names = super::names_for(c.names.as_deref())?;
    let live = report_path.is_none();
    // A saved report is read (bounded) before the terminal is taken.
    let saved = match &report_path {
        Some(p) => Some(crate::browse::saved::load(p)?),
        None => None,
    };
    let mut tui = Tui::new().map_err(tui_err)?;
    let mut report = match saved {
        Some(r) => r,
        None => {
            let mut opts = scan_options(c.threads, c.now.timestamp(), now_rfc3339(&c.now), base);
            // With a key, the contact databases give the chats' names.
            opts.meta.names = keys.is_some();
            opts.meta.keys = keys.clone();
            match scan_with_frames(&mut tui, roots, opts)? {
                Some(mut r) => {
                    super::label(&mut r, names.as_ref(), keys.is_some());
                    r
                }
                None => {
                    drop(tui);
                    return Ok(Exit::Clean);
                }
            }
        }
    };
    let issues = report.issues.len();
    // Grouping by meaning takes seconds at a million files: say so meanwhile.
    let line = format!(
        "arranging {} folders by meaning and by folder…",
        crate::render::human::count(report.tree.nodes.len() as u64)
    );
    tui.terminal
        .draw(|f| view::draw_progress(f, &line))
        .map_err(tui_err)?;
    let mut state = State::from_report(&mut report, live, c.redact);
    drop(report);
    let mut lister = DiskLister::default();
    loop {
        tui.terminal
            .draw(|f| view::draw(&mut state, f))
            .map_err(tui_err)?;
        if state.done() {
            break;
        }
        if !event::poll(Duration::from_millis(500)).map_err(tui_err)? {
            continue;
        }
        match event::read().map_err(tui_err)? {
            Event::Key(k) => {
                if let Some(a) = keys::action(&k) {
                    state.apply(a, &mut lister);
                }
            }
            Event::Resize(..) => {
                let _ = tui.terminal.autoresize();
            }
            _ => {}
        }
        if let Some(path) = state.reveal.take() {
            reveal(&path);
        }
    }
    drop(tui);
    finish(&state, c, sink, live, stdout, stderr)?;
    if issues == 0 {
        return Ok(Exit::Clean);
    }
    let _ = writeln!(
        stderr,
        "wechat-inspect: {issues} issue(s) while scanning (files that could not be read); \
         `wechat-inspect scan` lists them"
    );
    Ok(Exit::Issues)
}

/// The marks on quit: the plan to `-o`, or the plan's paths (a live scan) or the marks'
/// paths (a saved report) on standard output.
fn finish(
    state: &State,
    c: &BrowseConfig,
    sink: Sink,
    live: bool,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<()> {
    if !state.has_marks() {
        if let Output::File(p) = &c.output {
            let _ = writeln!(
                stderr,
                "wechat-inspect: nothing marked; {} was not written",
                crate::escape::printable(&p.display().to_string())
            );
        }
        return Ok(());
    }
    // A saved report, or hidden names: the marks as shown.
    if !live || c.redact {
        let out = stdout;
        for p in state.mark_paths() {
            writeln!(out, "{}", crate::escape::printable(&p)).map_err(stdout_err)?;
        }
        return Ok(());
    }
    let plan = state.plan_from_disk(c.now.timestamp());
    if c.output != Output::Stdout {
        emit(sink, stdout, |w| render(PlanFormat::Json, &plan, w))?;
        let _ = writeln!(
            stderr,
            "wechat-inspect: {} item(s) planned; nothing was moved",
            plan.items.len()
        );
        return Ok(());
    }
    // What the plan would move (never-tier files inside a marked folder left out).
    for item in &plan.items {
        writeln!(stdout, "{}", crate::escape::printable(&item.path)).map_err(stdout_err)?;
    }
    Ok(())
}

fn stdout_err(source: std::io::Error) -> Error {
    Error::Output {
        path: "<stdout>".into(),
        source,
    }
}

/// Scan on a thread; draw its progress until it is done. `None`: the user quit first.
/// If the system gives no thread for it (a process limit), the scan runs here, with
/// its first frame drawn and no progress after it.
fn scan_with_frames(
    tui: &mut Tui,
    roots: Vec<locate::Root>,
    opts: scan::ScanOptions,
) -> Result<Option<Report>> {
    let progress = Arc::new(Progress::default());
    let p = Arc::clone(&progress);
    let job = Arc::new((roots, opts));
    let on_thread = Arc::clone(&job);
    let spawned = std::thread::Builder::new()
        .name("browse-scan".into())
        .spawn(move || scan::scan(&on_thread.0, &on_thread.1, Some(&p)).report);
    let Ok(worker) = spawned else {
        let line = progress.line();
        tui.terminal
            .draw(|f| view::draw_progress(f, &line))
            .map_err(tui_err)?;
        return Ok(Some(scan::scan(&job.0, &job.1, None).report));
    };
    loop {
        let line = progress.line();
        tui.terminal
            .draw(|f| view::draw_progress(f, &line))
            .map_err(tui_err)?;
        if worker.is_finished() {
            return match worker.join() {
                Ok(r) => Ok(Some(r)),
                Err(_) => Err(Error::Usage("the scan stopped unexpectedly".into())),
            };
        }
        if event::poll(Duration::from_millis(100)).map_err(tui_err)? {
            if let Event::Key(k) = event::read().map_err(tui_err)? {
                use crate::browse::Action;
                if matches!(keys::action(&k), Some(Action::Quit | Action::Interrupt)) {
                    return Ok(None);
                }
            }
        }
    }
}

/// `o`: reveal in Finder (`open -R`), macOS only.
#[cfg(target_os = "macos")]
fn reveal(path: &[u8]) {
    use std::os::unix::ffi::OsStrExt;
    let _ = std::process::Command::new("/usr/bin/open")
        .arg("-R")
        .arg(std::ffi::OsStr::from_bytes(path))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
}

#[cfg(not(target_os = "macos"))]
fn reveal(_: &[u8]) {}
