//! The `wechat-inspect` binary: signals, parse, validate, run, map errors to exit codes.

use clap::Parser;
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use wechat_inspect::cli::Cli;
use wechat_inspect::config::{Config, Env};
use wechat_inspect::error::Error;
use wechat_inspect::escape::printable;
use wechat_inspect::exit::Exit;

/// SIGINT (Ctrl-C), SIGTERM (`kill`) and SIGHUP (the terminal went away): stop at
/// once with 128 + the signal's number, as a shell reports it, and leave nothing
/// behind: the `-o` temporary file is removed first. (No database copies exist to
/// remove: databases are read in place or in memory.) The handler is installed by
/// the thread that waits for the signals, and the work starts once it is: if the
/// system gives no thread (a process limit) or the handler cannot be installed, the
/// default applies (die at once; a handler nobody waits on would swallow Ctrl-C), and
/// `-o` then creates its temporary file only when the report is ready
/// ([`wechat_inspect::commands::output::signals_watched`]).
fn on_signals() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let (installed, told) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
            else {
                let _ = installed.send(false);
                return;
            };
            let _ = installed.send(true);
            if let Some(sig) = signals.forever().next() {
                // `browse`: the terminal back to normal first.
                wechat_inspect::browse::terminal::restore();
                let _held = wechat_inspect::commands::output::abandon();
                std::process::exit(128 + sig);
            }
        });
    if spawned.is_ok() && told.recv() == Ok(true) {
        wechat_inspect::commands::output::signals_watched();
    }
}

/// Whether standard output was closed (`>&-`). Rust's runtime opens `/dev/null`
/// read-write on a closed descriptor 0, 1 or 2 before `main`, so every write would
/// vanish without a word; a shell's `>/dev/null` opens it write-only. So: the null
/// device, open read-write, on descriptor 1 is taken as closed.
fn stdout_was_closed() -> bool {
    use rustix::fs::{fcntl_getfl, fstat, FileType, OFlags};
    let out = io::stdout();
    let Ok(st) = fstat(&out) else {
        return true;
    };
    let null = fstat_null();
    let is_null = FileType::from_raw_mode(st.st_mode) == FileType::CharacterDevice
        && null.is_some_and(|n| n == i128::from(st.st_rdev));
    is_null && fcntl_getfl(&out).is_ok_and(|f| f & OFlags::RWMODE == OFlags::RDWR)
}

/// The device number of `/dev/null` (as `i128`: `dev_t` is signed on macOS).
fn fstat_null() -> Option<i128> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/dev/null")
        .ok()
        .map(|m| i128::from(m.rdev()))
}

fn main() -> ExitCode {
    let stdout_closed = stdout_was_closed();
    on_signals();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // --help and --version go to stdout as clap writes them.
        Err(e) if !e.use_stderr() => e.exit(),
        Err(e) => {
            // The message may quote the command line: printable, line by line.
            let text = e.render().to_string();
            let mut err = io::stderr();
            for line in text.lines() {
                let _ = writeln!(err, "{}", printable(line));
            }
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let env = Env {
        home: std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(Into::into),
        no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        stdout_is_tty: io::stdout().is_terminal(),
        columns: rustix::termios::tcgetwinsize(io::stdout())
            .ok()
            .map(|w| usize::from(w.ws_col))
            .filter(|&c| c > 0),
        stderr_is_tty: io::stderr().is_terminal(),
        stdin_is_tty: io::stdin().is_terminal(),
        stdout_closed,
    };
    let result = Config::from_cli(cli, &env).and_then(|config| {
        let mut stdout = io::stdout().lock();
        let mut stderr = io::stderr();
        let exit = wechat_inspect::commands::run(&config, &mut stdout, &mut stderr)?;
        stdout.flush().map_err(|source| Error::Output {
            path: "<stdout>".into(),
            source,
        })?;
        Ok(exit)
    });
    match result {
        Ok(exit) => exit.into(),
        // `| head` closed the pipe: the reader has what it wanted.
        Err(Error::Output { source, .. }) if source.kind() == io::ErrorKind::BrokenPipe => {
            Exit::Clean.into()
        }
        Err(e) => {
            // The message may hold a path from the command line: printable.
            let msg = e.to_string();
            let _ = writeln!(io::stderr(), "wechat-inspect: error: {}", printable(&msg));
            Exit::Fatal.into()
        }
    }
}
