//! Exit codes: 0 clean, 1 complete with per-file issues, 2 fatal, 130 interrupted.

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything was read.
    Clean = 0,
    /// The report is complete but lists issues (unreadable or vanished files, ...).
    Issues = 1,
    /// Nothing useful could be done (bad path, unwritable output, ...).
    Fatal = 2,
    /// Stopped by Ctrl-C (SIGINT): nothing written to `-o` (128 + SIGINT, as shells do).
    Interrupted = 130,
}

impl From<Exit> for std::process::ExitCode {
    fn from(e: Exit) -> Self {
        std::process::ExitCode::from(e as u8)
    }
}
