//! `completions <shell>` and `man`: generated from the clap definition in
//! [`crate::cli`] (`clap_complete`, `clap_mangen`) and printed on standard output, the
//! way ripgrep and fd ship theirs. The man page is one page: the command, then every
//! subcommand with its synopsis, description and options, examples and exit status.

use crate::cli::{Cli, EXAMPLES, EXIT_CODES};
use crate::error::{Error, Result};
use crate::exit::Exit;
use clap::CommandFactory;
use clap_mangen::Man;
use std::io::{self, Write};

const BIN: &str = "wechat-inspect";

fn stdout_error(source: io::Error) -> Error {
    Error::Output {
        path: "<stdout>".into(),
        source,
    }
}

/// Print the completion script for `shell`.
pub(crate) fn completions(shell: clap_complete::Shell, out: &mut dyn Write) -> Result<Exit> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), BIN, &mut buf);
    out.write_all(&buf).map_err(stdout_error)?;
    Ok(Exit::Clean)
}

/// Print the man page (roff).
pub(crate) fn man(out: &mut dyn Write) -> Result<Exit> {
    let mut page = Vec::new();
    write_man(&mut page).map_err(stdout_error)?;
    out.write_all(&page).map_err(stdout_error)?;
    Ok(Exit::Clean)
}

/// The lines `roff` starts every rendered piece with (they define `\*(Aq`): the page
/// needs them once, at its top.
const PREAMBLE: [&str; 2] = [".ie \\n(.g .ds Aq \\(aq", ".el .ds Aq '"];

/// A piece as clap_mangen renders it, without the preamble and, with `heading:
/// false`, without its `.SH` line (the page puts it under a heading of its own).
fn piece(
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    heading: bool,
) -> io::Result<String> {
    let mut buf = Vec::new();
    render(&mut buf)?;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let mut out = String::with_capacity(text.len());
    let mut dropped_heading = heading;
    for line in text.lines() {
        if PREAMBLE.contains(&line) {
            continue;
        }
        if !dropped_heading && line.starts_with(".SH ") {
            dropped_heading = true;
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    Ok(out)
}

/// Escape text for a roff text line: backslashes and hyphens, and a leading `.` or
/// `'` that would make the line a request.
fn roff_text(s: &str) -> String {
    let s = s.replace('\\', "\\e").replace('-', "\\-");
    if s.starts_with('.') || s.starts_with('\'') {
        format!("\\&{s}")
    } else {
        s
    }
}

/// The page in ASCII: any other character becomes `\[uXXXX]`, which groff and
/// mandoc both read (groff reads raw input as Latin-1 unless told otherwise).
fn ascii(page: &str) -> String {
    let mut out = String::with_capacity(page.len());
    for c in page.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!("\\[u{:04X}]", u32::from(c)));
        }
    }
    out
}

fn write_man(w: &mut dyn Write) -> io::Result<()> {
    let mut cmd = Cli::command();
    cmd.build();
    let man = Man::new(cmd.clone());
    let mut page = String::new();
    for line in PREAMBLE {
        page.push_str(line);
        page.push('\n');
    }
    page += &piece(|w| man.render_title(w), true)?;
    page += &piece(|w| man.render_name_section(w), true)?;
    page += &piece(|w| man.render_synopsis_section(w), true)?;
    page += &piece(|w| man.render_description_section(w), true)?;
    page += &format!(
        ".PP\nRun \\fB{} COMMAND \\-\\-help\\fR for a command's options; they are also listed below.\n",
        roff_text(BIN)
    );
    page += &piece(|w| man.render_options_section(w), true)?;
    page += ".SH COMMANDS\n";
    // clap's own `help` subcommand is left out: `--help` says the same.
    for sub in cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        let sub_page = Man::new(sub.clone());
        page += &format!(".SS \"{} {}\"\n", roff_text(BIN), roff_text(sub.get_name()));
        page += &piece(|w| sub_page.render_synopsis_section(w), false)?;
        page += ".PP\n";
        page += &piece(|w| sub_page.render_description_section(w), false)?;
        if sub.get_arguments().any(|a| !a.is_hide_set()) {
            page += &piece(|w| sub_page.render_options_section(w), false)?;
        }
    }
    page += ".SH EXAMPLES\n";
    for example in EXAMPLES {
        page += &format!(".PP\n.nf\n{}\n.fi\n", roff_text(example));
    }
    page += ".SH \"EXIT STATUS\"\n";
    for (code, meaning) in EXIT_CODES {
        page += &format!(".TP\n{code}\n{}\n", roff_text(meaning));
    }
    page += &piece(|w| man.render_version_section(w), true)?;
    w.write_all(ascii(&page).as_bytes())
}
