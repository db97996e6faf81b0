//! Every command and format on the committed `sample_container`, snapshotted.
//!
//! Git keeps no modification times, so the sample is copied to a temp folder and every
//! file's mtime pinned (`PINNED_MTIME`); the clock is pinned with `--now`. What still
//! depends on the filesystem the test runs on — allocated sizes — is zeroed (JSON, CSV)
//! or replaced by a placeholder (table, HTML). Nothing else is filtered.

use crate::util::*;
use std::fs;
use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

const NOW: &str = "2026-11-25T08:00:00Z";
/// 2026-11-20T12:00:00Z: every sample file's modification time in the copy.
const PINNED_MTIME: u64 = 1_795_176_000;

/// A private copy of the sample at `<tmp>/sample_container`, every file's mtime pinned.
fn pinned_sample() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("sample_container");
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_container"),
        &copy,
    );
    let when = UNIX_EPOCH + Duration::from_secs(PINNED_MTIME);
    for e in walkdir::WalkDir::new(&copy).follow_links(false) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            fs::File::options()
                .write(true)
                .open(e.path())
                .unwrap()
                .set_modified(when)
                .unwrap();
        }
    }
    tmp
}

/// `wechat-inspect <args> sample_container --now NOW` from the copy's parent folder;
/// stdout (exit code 0 required).
fn run(tmp: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wechat-inspect"))
        .current_dir(tmp)
        .env_remove("NO_COLOR")
        .env("HOME", tmp)
        .args(args)
        .args(["sample_container", "--now", NOW, "--threads", "2"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Same as `run` for `hosts`, which has no `--threads`.
fn run_hosts(tmp: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wechat-inspect"))
        .current_dir(tmp)
        .env_remove("NO_COLOR")
        .env("HOME", tmp)
        .arg("hosts")
        .args(args)
        .args(["sample_container", "--now", NOW])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Allocated sizes depend on the filesystem: zero every `*allocated_bytes` field.
fn json_zeroed(text: &str) -> String {
    fn zero(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m.iter_mut() {
                    if k.ends_with("allocated_bytes") {
                        *x = 0.into();
                    } else {
                        zero(x);
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(zero),
            _ => {}
        }
    }
    let mut v: serde_json::Value = serde_json::from_str(text).unwrap();
    zero(&mut v);
    serde_json::to_string_pretty(&v).unwrap()
}

/// The last CSV column is `allocated_bytes`: zero it where it holds a number.
fn csv_zeroed(text: &str) -> String {
    text.lines()
        .map(|l| match l.rsplit_once(',') {
            Some((head, last)) if !last.is_empty() && last.chars().all(|c| c.is_ascii_digit()) => {
                format!("{head},0")
            }
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Table and HTML: the "On disk" figures.
fn filters() -> Vec<(&'static str, &'static str)> {
    vec![
        (r"On disk .*", "On disk [filesystem-dependent]"),
        (
            r#"(On disk</div><div class="v alloc">)[^<]*(</div><div class="note">folders add )[^<]*"#,
            "${1}[filesystem-dependent]${2}[filesystem-dependent]",
        ),
    ]
}

fn snap(name: &str, format: &str, text: &str) {
    let text = match format {
        "json" => json_zeroed(text),
        "csv" => csv_zeroed(text),
        _ => text.to_string(),
    };
    insta::with_settings!({filters => filters()}, {
        insta::assert_snapshot!(name, text);
    });
}

#[test]
fn sample_scan_every_format() {
    let tmp = pinned_sample();
    for format in ["table", "json", "csv", "html"] {
        let text = run(tmp.path(), &["scan", "--format", format, "--top", "8"]);
        snap(&format!("sample_scan_{format}"), format, &text);
    }
}

#[test]
fn sample_scan_redacted() {
    let tmp = pinned_sample();
    for format in ["json", "table"] {
        let text = run(tmp.path(), &["scan", "--redact", "--format", format]);
        snap(&format!("sample_scan_redact_{format}"), format, &text);
    }
}

#[test]
fn sample_dbs_every_format() {
    let tmp = pinned_sample();
    for format in ["table", "json", "csv", "html"] {
        let text = run(tmp.path(), &["dbs", "--format", format]);
        snap(&format!("sample_dbs_{format}"), format, &text);
    }
}

#[test]
fn sample_plists_every_format() {
    let tmp = pinned_sample();
    for format in ["table", "json", "csv", "html"] {
        let text = run(tmp.path(), &["plists", "--format", format]);
        snap(&format!("sample_plists_{format}"), format, &text);
    }
}

#[test]
fn sample_hosts_every_format() {
    let tmp = pinned_sample();
    for format in ["table", "json", "csv"] {
        let text = run_hosts(tmp.path(), &["--format", format]);
        // The hosts CSV has no allocated sizes: nothing to zero.
        let kind = if format == "csv" { "raw" } else { format };
        snap(&format!("sample_hosts_{format}"), kind, &text);
    }
    let text = run_hosts(tmp.path(), &["--paths", "--redact", "--format", "json"]);
    snap("sample_hosts_paths_redact_json", "json", &text);
    let text = run_hosts(tmp.path(), &["--paths", "--format", "table"]);
    snap("sample_hosts_paths_table", "table", &text);
}
