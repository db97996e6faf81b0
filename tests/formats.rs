//! Every output format: the JSON against docs/report-schema.json, and insta snapshots.

use crate::util::*;

const NOW: &str = "2026-11-25T08:00:00Z";

fn run(f: &Fake, format: &str) -> String {
    let out = f
        .cmd()
        .args([
            "scan",
            ".",
            "--format",
            format,
            "--now",
            NOW,
            "--top",
            "8",
            "--threads",
            "3",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Allocated sizes depend on the filesystem the test runs on: zero them.
fn zero_allocated(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if k.ends_with("allocated_bytes") {
                    *x = 0.into();
                } else {
                    zero_allocated(x);
                }
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(zero_allocated),
        _ => {}
    }
}

#[test]
fn json_validates_against_the_schema() {
    let f = upgraded_mac();
    f.symlink("nowhere", &a4("msg/file/link"));
    for extra in [&[][..], &["--threads", "1"][..]] {
        let r = f.scan_json("", extra);
        assert_report_schema(&r);
    }
    // And the model reads its own output back (used by `diff`).
    let r = f.scan_json("", &[]);
    let model: wechat_inspect::model::Report = serde_json::from_value(r.clone()).unwrap();
    assert_eq!(serde_json::to_value(&model).unwrap(), r);
}

#[test]
fn json_snapshot() {
    let f = upgraded_mac();
    let mut v: serde_json::Value = serde_json::from_str(&run(&f, "json")).unwrap();
    zero_allocated(&mut v);
    insta::assert_snapshot!("scan_json", serde_json::to_string_pretty(&v).unwrap());
}

#[test]
fn table_snapshot() {
    let f = upgraded_mac();
    let text = run(&f, "table");
    assert!(
        text.lines().all(|l| l.chars().count() <= 80),
        "wider than 80 columns:\n{text}"
    );
    assert!(!text.contains('\x1b'), "no colour when not on a terminal");
    insta::with_settings!({filters => vec![(r"On disk .*", "On disk [filesystem-dependent]")]}, {
        insta::assert_snapshot!("scan_table", text);
    });
}

#[test]
fn table_colour_only_when_asked_and_never_with_no_color() {
    let f = upgraded_mac();
    let out = f
        .cmd()
        .args(["scan", ".", "--color", "always"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains('\x1b'));
    let out = f
        .cmd()
        .env("NO_COLOR", "1")
        .args(["scan", "."])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\x1b'));
}

#[test]
fn csv_snapshot() {
    let f = upgraded_mac();
    let text = run(&f, "csv");
    // Zero the allocated column (filesystem-dependent).
    let zeroed: Vec<String> = text
        .lines()
        .map(|l| match l.rsplit_once(',') {
            Some((head, last)) if !last.is_empty() && last.chars().all(|c| c.is_ascii_digit()) => {
                format!("{head},0")
            }
            _ => l.to_string(),
        })
        .collect();
    insta::assert_snapshot!("scan_csv", zeroed.join("\n"));
    let header = text.lines().next().unwrap();
    assert_eq!(
        header,
        "section,id,detail,files,apparent_bytes,allocated_bytes"
    );
    assert!(text.lines().all(|l| l.matches(',').count() >= 5));
}
