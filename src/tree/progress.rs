//! The progress line on standard error: file paths, their bytes and the folder being
//! read, at most ten updates a second. Only on a terminal and never with `--quiet` (the
//! caller decides); the walker feeds it once per folder, so it costs nothing per file.
//!
//! The line counts *paths* as the walk meets them: a hard-linked file counts once per
//! link there, while the report counts it once (which link is its own is only known
//! when the walk is over). So the line is labelled "file paths" and "by path", and can
//! end above the report's totals.

use crate::render::human::{bytes, count, truncate_left};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Counters shared by the walker threads.
#[derive(Debug, Default)]
pub struct Progress {
    files: AtomicU64,
    bytes: AtomicU64,
    folder: Mutex<String>,
}

impl Progress {
    /// One folder read: its files and bytes, and its path for the line.
    pub fn folder_done(&self, files: u64, size: u64, rel: &str) {
        self.files.fetch_add(files, Ordering::Relaxed);
        self.bytes.fetch_add(size, Ordering::Relaxed);
        // Never wait for the lock: a stale folder name is fine.
        if let Ok(mut folder) = self.folder.try_lock() {
            folder.clear();
            folder.push_str(rel);
        }
    }

    /// The line as shown (also the first frame of `browse`).
    pub fn line(&self) -> String {
        let folder = self.folder.lock().map(|f| f.clone()).unwrap_or_default();
        format!(
            "{} file paths · {} by path · {}",
            count(self.files.load(Ordering::Relaxed)),
            bytes(self.bytes.load(Ordering::Relaxed)),
            truncate_left(&folder, 44)
        )
    }
}

/// Run `work` with a live progress line when `show` is set (the line is cleared at
/// the end); without it, `work` gets `None` and nothing is drawn.
pub fn with_progress<T>(show: bool, work: impl FnOnce(Option<&Progress>) -> T) -> T {
    if !show {
        return work(None);
    }
    let progress = Progress::default();
    drawn(
        "{spinner} scanning {msg}",
        || progress.line(),
        || work(Some(&progress)),
    )
}

/// Run `work` while a thread redraws `line()` (as `{msg}` of `template`) on standard
/// error ten times a second; the line is cleared at the end. No line if the system
/// gives no thread for it.
pub(crate) fn drawn<T>(
    template: &str,
    line: impl Fn() -> String + Sync,
    work: impl FnOnce() -> T,
) -> T {
    let done = AtomicBool::new(false);
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(10));
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    std::thread::scope(|s| {
        crate::threads::try_spawn(s, || {
            while !done.load(Ordering::Relaxed) {
                bar.set_message(line());
                bar.tick();
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        let out = work();
        done.store(true, Ordering::Relaxed);
        bar.finish_and_clear();
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_line() {
        let p = Progress::default();
        p.folder_done(3, 2048, "Data/Documents");
        p.folder_done(1, 1024, "Data/Documents/xwechat_files");
        assert_eq!(
            p.line(),
            "4 file paths · 3.0 KiB by path · Data/Documents/xwechat_files"
        );
        assert!(with_progress(false, |p| p.is_none()));
    }
}
