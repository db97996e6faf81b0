//! The way in for Mac users: shell completions parse in their shells, the man page
//! renders without warnings, `--help` wraps to the terminal, the Homebrew formula is
//! valid Ruby. (`cargo install` into a temporary root is checked by `.ci/test`.)

use crate::util::*;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_wechat-inspect"));
    c.env_remove("COLUMNS").env_remove("NO_COLOR");
    c
}

/// `wechat-inspect ARGS`, which must succeed with nothing on stderr; its stdout.
fn stdout_of(args: &[&str]) -> String {
    let out = bin().args(args).output().unwrap();
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{args:?}: {:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Run `tool ARGS` with `input` on stdin.
fn run_with_input(tool: &Path, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(tool)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn completion_scripts_parse_in_their_shells() {
    for shell in ["bash", "zsh", "fish"] {
        let script = stdout_of(&["completions", shell]);
        for word in [
            "scan",
            "dbs",
            "plists",
            "diff",
            "hosts",
            "format",
            "dat-schemes",
        ] {
            assert!(script.contains(word), "{shell} script lacks {word}");
        }
        let Some(tool) = require_tool(shell, &format!("{shell} completion script")) else {
            continue;
        };
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(format!("wechat-inspect.{shell}"));
        std::fs::write(&file, &script).unwrap();
        // `-n`: read and parse the script without running it.
        let out = Command::new(tool).arg("-n").arg(&file).output().unwrap();
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{shell} -n: {:?}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = bin().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
}

#[test]
fn man_page_renders_without_warnings() {
    let page = stdout_of(&["man"]);
    assert!(page.is_ascii(), "groff reads raw input as Latin-1");
    assert!(page.contains(".TH wechat-inspect 1"));
    for section in [
        "NAME",
        "SYNOPSIS",
        "COMMANDS",
        "EXAMPLES",
        "\"EXIT STATUS\"",
    ] {
        assert!(page.contains(&format!(".SH {section}\n")), "no {section}");
    }
    for sub in [
        "scan",
        "dbs",
        "plists",
        "diff",
        "hosts",
        "completions",
        "man",
    ] {
        assert!(
            page.contains(&format!(".SS \"wechat\\-inspect {sub}\"")),
            "no section for {sub}"
        );
    }
    assert!(
        page.contains("\\-\\-dat\\-schemes"),
        "scan's options are listed"
    );
    assert!(!page.contains("\\-\\-now"), "hidden options stay hidden");
    let Some(groff) = require_tool("groff", "man page rendering") else {
        return;
    };
    let out = run_with_input(&groff, &["-man", "-Tutf8", "-ww"], &page);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "groff failed: {stderr}");
    assert!(stderr.is_empty(), "groff warnings:\n{stderr}");
    // grotty makes bold text by overstriking (`E\x08E`): drop the first of each pair.
    let text = String::from_utf8_lossy(&out.stdout);
    let mut plain = String::new();
    for c in text.chars() {
        if c == '\x08' {
            plain.pop();
        } else {
            plain.push(c);
        }
    }
    assert!(plain.contains("EXIT STATUS"), "{plain}");
    assert!(plain.contains("--dat-schemes"), "{plain}");
}

/// Longest line, in characters.
fn widest(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

#[test]
fn help_wraps_to_the_terminal_width() {
    for sub in [
        &[][..],
        &["scan"],
        &["dbs"],
        &["plists"],
        &["diff"],
        &["hosts"],
        &["completions"],
        &["man"],
    ] {
        let mut args = sub.to_vec();
        args.push("--help");
        // Not a terminal and no COLUMNS: clap's default width, capped at 98.
        let text = stdout_of(&args);
        assert!(widest(&text) <= 98, "{args:?} wider than 98:\n{text}");
        // COLUMNS is the terminal width when stdout is not a terminal.
        let out = bin().args(&args).env("COLUMNS", "60").output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(widest(&text) <= 60, "{args:?} wider than 60:\n{text}");
    }
}

#[test]
fn homebrew_formula_is_valid_ruby() {
    let formula =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("packaging/homebrew/wechat-inspect.rb");
    let text = std::fs::read_to_string(&formula).unwrap();
    for needle in [
        "depends_on \"rust\" => :build",
        "system \"cargo\", \"install\", *std_cargo_args",
        "generate_completions_from_executable(bin/\"wechat-inspect\", \"completions\"",
        "Utils.safe_popen_read(bin/\"wechat-inspect\", \"man\")",
        "test do",
    ] {
        assert!(text.contains(needle), "the formula lacks {needle}");
    }
    let Some(ruby) = require_tool("ruby", "Homebrew formula syntax") else {
        return;
    };
    let out = Command::new(ruby).arg("-c").arg(&formula).output().unwrap();
    assert!(
        out.status.success(),
        "ruby -c: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
