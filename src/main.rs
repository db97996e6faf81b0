//! The `wechat-inspect` binary: parse, validate, run, map errors to exit codes.

use clap::Parser;
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use wechat_inspect::cli::Cli;
use wechat_inspect::config::{Config, Env};
use wechat_inspect::error::Error;
use wechat_inspect::exit::Exit;

fn main() -> ExitCode {
    // Ctrl-C: stop at once, but never leave a half-written `-o` file behind.
    // (If the handler cannot be installed, the default — die at once — still applies;
    // only the temporary file could then remain.)
    let _ = ctrlc::set_handler(|| {
        let _held = wechat_inspect::commands::output::abandon();
        std::process::exit(Exit::Interrupted as i32);
    });
    let cli = Cli::parse();
    let env = Env {
        home: std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(Into::into),
        no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        stdout_is_tty: io::stdout().is_terminal(),
        stderr_is_tty: io::stderr().is_terminal(),
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
            let _ = writeln!(
                io::stderr(),
                "wechat-inspect: error: {}",
                wechat_inspect::escape::printable(&msg)
            );
            Exit::Fatal.into()
        }
    }
}
