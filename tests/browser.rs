//! The HTML report in a real browser: headless Chromium loads it offline, the key
//! sections are in the DOM, the inline script ran without errors, and a screenshot is
//! saved to `target/test-artifacts/` for people to look at. Skipped (and passing) where
//! Chromium is not installed.

use crate::util::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const NOW: &str = "2026-11-25T08:00:00Z";

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        for dir in std::env::split_paths(&path) {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

fn artifacts() -> PathBuf {
    // CARGO_TARGET_TMPDIR is `<target>/tmp`.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("test-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Run headless Chromium on `page` with `extra` flags; (stdout, stderr).
fn chrome(bin: &Path, page: &Path, extra: &[String]) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out_pipe = child.stdout.take().unwrap();
    let err_pipe = child.stderr.take().unwrap();
    let read = |mut p: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = p.read_to_string(&mut s);
            s
        })
    };
    let out = read(Box::new(out_pipe));
    let err = read(Box::new(err_pipe));
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 90 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    (out.join().unwrap(), err.join().unwrap())
}

/// Write the HTML report of `dir` (scanned as `target`) to `artifacts/<name>.html`.
fn report(f: &Fake, target: &Path, name: &str) -> PathBuf {
    let page = artifacts().join(format!("{name}.html"));
    let out = f
        .cmd()
        .arg("scan")
        .arg(target)
        .args(["--format", "html", "--now", NOW, "-o"])
        .arg(&page)
        .output()
        .unwrap();
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    page
}

/// Nothing in the page may make a request: no URLs, imports or external resources.
fn assert_self_contained(html: &str) {
    for bad in [
        "http:", "https:", "@import", "url(", " src=", "<link", "<img", "<iframe",
    ] {
        assert!(!html.contains(bad), "the page contains {bad:?}");
    }
}

fn check(name: &str, f: &Fake, target: &Path) {
    let page = report(f, target, name);
    let html = std::fs::read_to_string(&page).unwrap();
    assert_self_contained(&html);
    let Some(bin) = chromium() else {
        require_tool("chromium", "browser test");
        return;
    };
    let (dom, err) = chrome(&bin, &page, &["--dump-dom".to_string()]);
    assert!(
        dom.contains("data-ready=\"1\""),
        "the inline script did not run to the end:\n{err}"
    );
    assert!(
        !dom.contains("data-js-error=\""),
        "script error: {}",
        dom.lines().nth(1).unwrap_or("")
    );
    assert!(!err.contains("Uncaught"), "console error: {err}");
    for id in [
        "id=\"summary\"",
        "id=\"categories\"",
        "id=\"treemap\"",
        "id=\"histogram\"",
        "id=\"chats\"",
        "id=\"largest\"",
        "id=\"issues\"",
        "id=\"hosts\"",
        "class=\"card\"",
        "class=\"tm-cat\"",
        "class=\"seg\"",
    ] {
        assert!(dom.contains(id), "{id} missing from the DOM");
    }
    let shot = artifacts().join(format!("{name}.png"));
    let _ = std::fs::remove_file(&shot);
    let (_, err) = chrome(
        &bin,
        &page,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,2400".to_string(),
            "--hide-scrollbars".to_string(),
        ],
    );
    let meta = std::fs::metadata(&shot).unwrap_or_else(|e| panic!("no screenshot ({e}): {err}"));
    assert!(meta.len() > 10_000, "screenshot suspiciously small");
    eprintln!("screenshot: {}", shot.display());
}

#[test]
fn html_report_of_a_fake_container_loads_in_chromium() {
    let f = upgraded_mac();
    check("fake-container", &f, f.root());
}

#[test]
fn html_report_of_the_sample_container_loads_in_chromium() {
    let f = Fake::new();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_container");
    check("sample-container", &f, &sample);
}
