//! The real terminal: raw mode and the alternate screen on, and always back off: on a
//! normal quit, on an error, and on SIGINT/SIGTERM/SIGHUP (the signal thread in
//! `main` calls [`restore`] before it exits).

use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::{cursor, execute, terminal};
use ratatui::Terminal;
use std::io::{self, Stdout};
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether the terminal is in raw mode and on the alternate screen now.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// The terminal, set up; restored when dropped.
pub(crate) struct Tui {
    pub(crate) terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl Tui {
    /// Raw mode, alternate screen, hidden cursor.
    pub(crate) fn new() -> io::Result<Tui> {
        terminal::enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        let mut out = io::stdout();
        if let Err(e) = execute!(out, terminal::EnterAlternateScreen, cursor::Hide) {
            restore();
            return Err(e);
        }
        match Terminal::new(CrosstermBackend::new(out)) {
            Ok(terminal) => Ok(Tui { terminal }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        restore();
    }
}

/// Put the terminal back (once; a no-op when it is not set up). Written to
/// `/dev/tty` (else standard error), not through standard output: the signal thread
/// calls this while the main thread may hold standard output's lock.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        match std::fs::OpenOptions::new().write(true).open("/dev/tty") {
            Ok(mut tty) => {
                let _ = execute!(tty, terminal::LeaveAlternateScreen, cursor::Show);
            }
            Err(_) => {
                let _ = execute!(io::stderr(), terminal::LeaveAlternateScreen, cursor::Show);
            }
        }
        let _ = terminal::disable_raw_mode();
    }
}
