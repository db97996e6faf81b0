//! Exit codes: 0 clean, 1 complete with per-file issues, 2 fatal; a signal ends the
//! run with 128 + its number (130 SIGINT, 143 SIGTERM, 129 SIGHUP; see `main`).

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything was read.
    Clean = 0,
    /// The report is complete but lists issues (unreadable or vanished files, ...).
    Issues = 1,
    /// Nothing useful could be done (bad path, unwritable output, ...).
    Fatal = 2,
    /// Stopped by Ctrl-C (SIGINT): nothing written to `-o` (128 + SIGINT, as shells do;
    /// SIGTERM and SIGHUP end with 143 and 129 the same way).
    Interrupted = 130,
}

impl From<Exit> for std::process::ExitCode {
    fn from(e: Exit) -> Self {
        std::process::ExitCode::from(e as u8)
    }
}
