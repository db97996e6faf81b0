//! `diff`: two scans of a changing fake container, the exact deltas, and clear errors.

use crate::util::*;
use std::path::Path;

const NOW: &str = "2026-11-25T08:00:00Z";

fn scan_to(f: &Fake, out: &Path) {
    let st = f
        .cmd()
        .args(["scan", ".", "--format", "json", "--now", NOW, "-o"])
        .arg(out)
        .output()
        .unwrap();
    assert_eq!(st.status.code(), Some(0));
}

fn diff(f: &Fake, a: &Path, b: &Path, extra: &[&str]) -> std::process::Output {
    f.cmd()
        .arg("diff")
        .arg(a)
        .arg(b)
        .args(extra)
        .output()
        .unwrap()
}

fn keyed(v: &serde_json::Value, section: &str) -> Vec<(String, String, i64, i64)> {
    v[section]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["key"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
                c["delta_bytes"].as_i64().unwrap(),
                c["delta_files"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn k(key: &str, status: &str, bytes: i64, files: i64) -> (String, String, i64, i64) {
    (key.into(), status.into(), bytes, files)
}

#[test]
fn diff_reports_the_exact_changes() {
    let f = upgraded_mac();
    let outs = tempfile::tempdir().unwrap();
    let (old, new) = (outs.path().join("old.json"), outs.path().join("new.json"));
    scan_to(&f, &old);
    // Add a 5000-byte image to CHAT (4.x), remove the 15000-byte PDF, grow msg_0.db by 2000.
    f.sized(&a4(&format!("msg/attach/{CHAT}/2024-05/Img/new.dat")), 5000);
    std::fs::remove_file(f.path(&a4("msg/file/2024-05/report.pdf"))).unwrap();
    f.sized(&a3("Message/msg_0.db"), 6096)
        .mtime(&a3("Message/msg_0.db"), 1_600_000_000);
    scan_to(&f, &new);

    let out = diff(&f, &old, &new, &["--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["totals"]["delta_bytes"], -8000);
    assert_eq!(v["totals"]["delta_files"], 0);
    assert_eq!(
        keyed(&v, "categories"),
        [
            k("chat-files", "disappeared", -15000, -1),
            k("chat-images", "grew", 5000, 1),
            k("message-db", "grew", 2000, 0),
        ]
    );
    assert_eq!(
        keyed(&v, "accounts"),
        [k(ACCT4, "shrank", -10000, 0), k(ACCT3, "grew", 2000, 0)]
    );
    assert_eq!(
        keyed(&v, "chats"),
        [k(&format!("{ACCT4}/{CHAT}"), "grew", 5000, 1)]
    );
    assert_eq!(
        keyed(&v, "months"),
        [
            k("2024-05", "shrank", -10000, 0),
            k("2020-09", "grew", 2000, 0)
        ]
    );

    let table = diff(&f, &old, &new, &[]);
    assert_eq!(table.status.code(), Some(0));
    insta::assert_snapshot!("diff_table", String::from_utf8(table.stdout).unwrap());
    insta::assert_snapshot!("diff_json", serde_json::to_string_pretty(&v).unwrap());

    // Redacted: no account or chat id left, consistent pseudonyms on both sides.
    let red = diff(&f, &old, &new, &["--redact", "--format", "json"]);
    let text = String::from_utf8(red.stdout).unwrap();
    for id in [ACCT3, ACCT4, CHAT, CHAT2] {
        assert!(!text.contains(id), "{id} in {text}");
    }
    assert!(text.contains("account-"));
}

#[test]
fn diff_refuses_what_is_not_a_report() {
    let f = upgraded_mac();
    let outs = tempfile::tempdir().unwrap();
    let good = outs.path().join("good.json");
    scan_to(&f, &good);
    let bad = outs.path().join("bad.json");
    std::fs::write(&bad, "{ not json").unwrap();
    let partial = outs.path().join("partial.json");
    std::fs::write(&partial, r#"{"schema_version": 2, "tool": {}}"#).unwrap();
    // A report of the previous version (before chats and accounts were merged across
    // versions): not comparable.
    let v2 = outs.path().join("v1.json");
    let mut r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&good).unwrap()).unwrap();
    r["schema_version"] = 1.into();
    std::fs::write(&v2, r.to_string()).unwrap();

    for (other, needle) in [
        (&bad, "not JSON"),
        (&partial, "missing field"),
        (&v2, "schema_version 2, "),
    ] {
        let out = diff(&f, &good, other, &[]);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(needle), "{err}");
    }
    let out = diff(&f, &good, &v2, &[]);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("has 1"), "{err}");
    // Two old reports: refused with the version this build reads.
    let out = diff(&f, &v2, &v2, &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("schema_version 1, but this wechat-inspect reads version 2"),
        "{err}"
    );
}
