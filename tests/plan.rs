//! `plan` and the findings, on a Mac that moved from WeChat 3.x to 4.x
//! ([`util::moved_mac`]): exact bytes, never-tier and protected files left out, the
//! script's dry run and `--really` on a copy, and nothing written under the tree.

use crate::util::*;
use serde_json::Value;
use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Command;

fn plan_json(f: &Fake, args: &[&str]) -> Value {
    let out = f
        .cmd()
        .arg("plan")
        .arg(f.path("Data"))
        .args(["--format", "json", "--now", NOW, "-q"])
        .args(args)
        .output()
        .expect("run");
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "bad plan json ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn item_paths(plan: &Value) -> Vec<PathBuf> {
    plan["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            let s = i["path"].as_str().expect("path");
            PathBuf::from(OsStr::from_bytes(&unescape(s)))
        })
        .collect()
}

/// The report's escaping undone (`\\` and `\xNN`).
fn unescape(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && b.get(i + 1) == Some(&b'\\') {
            out.push(b'\\');
            i += 2;
        } else if b[i] == b'\\' && b.get(i + 1) == Some(&b'x') {
            out.push(
                u8::from_str_radix(std::str::from_utf8(&b[i + 2..i + 4]).expect("hex"), 16)
                    .expect("hex"),
            );
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

fn scan(f: &Fake) -> Value {
    f.scan_json("Data", &["--now", NOW])
}

/// The report's finding `id`.
fn finding(report: &Value, id: &str) -> Value {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|x| x["id"] == id)
        .unwrap_or_else(|| panic!("no {id} finding"))
        .clone()
}

#[test]
fn findings_name_the_leftover_tree_with_its_exact_unique_bytes() {
    let f = moved_mac_for_plan();
    let r = scan(&f);
    let findings = r["findings"].as_array().expect("findings");
    let left = finding(&r, "leftover-wechat3");
    // report.pdf + 2.mp4 + 3.aud.silk + fav.archive: the image is also linked from 4.x,
    // the databases are never planned.
    assert_eq!(left["bytes"], 7000 + 20000 + 700 + 900);
    assert_eq!(left["tier"], "confirm");
    let title = left["title"].as_str().expect("title");
    assert!(title.contains("last written 2023-06"), "{title}");
    let evidence = left["evidence"].to_string();
    assert!(
        evidence.contains(ACCT3) && evidence.contains(MOVED4),
        "{evidence}"
    );
    // Sorted by bytes.
    let bytes: Vec<u64> = findings
        .iter()
        .map(|x| x["bytes"].as_u64().expect("bytes"))
        .collect();
    assert!(bytes.windows(2).all(|w| w[0] >= w[1]), "{bytes:?}");
}

/// A month folder holding old and new media (so it qualifies only in part): the scan
/// weighs it from the walk's tallies, without listing it, and still matches the plan.
#[test]
fn a_folder_that_qualifies_in_part_is_weighed_without_listing_it() {
    let f = moved_mac_for_plan();
    f.sized(&m4("msg/file/2024-01/mixold.pdf"), 6000)
        .sized(&m4("msg/file/2024-01/mixnew.pdf"), 6100)
        .mtime(&m4("msg/file/2024-01/mixold.pdf"), JAN_2022)
        .mtime(&m4("msg/file/2024-01/mixnew.pdf"), OCT_2026);
    let r = scan(&f);
    let old = finding(&r, "old-media");
    assert_eq!(old.get("at_least"), None, "{old}");
    let p = plan_json(&f, &["--finding", "old-media"]);
    assert_eq!(p["totals"]["unique_bytes"], old["bytes"]);
    let paths = item_paths(&p);
    assert!(
        paths.iter().any(|p| p.ends_with("mixold.pdf"))
            && !paths.iter().any(|p| p.ends_with("mixnew.pdf")),
        "the old file alone is planned"
    );
    // An old hard-linked file in that folder: the scan does not weigh it and says so.
    f.sized(&m4("msg/file/2024-01/linked.pdf"), 777)
        .mtime(&m4("msg/file/2024-01/linked.pdf"), JAN_2022)
        .hardlink(
            &m4("msg/file/2024-01/linked.pdf"),
            &m4("msg/file/2022-01/linked.pdf"),
        );
    let r = scan(&f);
    let old2 = finding(&r, "old-media");
    assert_eq!(old2["at_least"], true, "{old2}");
    assert!(old2["title"].as_str().expect("title").contains("at least"));
    assert_eq!(old2["bytes"], old["bytes"]);
    let p = plan_json(&f, &["--finding", "old-media"]);
    assert_eq!(
        p["totals"]["unique_bytes"].as_u64(),
        old["bytes"].as_u64().map(|b| b + 777)
    );
}

#[test]
fn every_finding_frees_what_its_plan_frees() {
    let f = moved_mac_for_plan();
    let r = scan(&f);
    for finding in r["findings"].as_array().expect("findings") {
        let id = finding["id"].as_str().expect("id");
        if id == "duplicates" {
            // Seen by name and size; `plan --dupes` compares contents first.
            assert_eq!(finding["plan"], "wechat-inspect plan --dupes");
            continue;
        }
        let p = plan_json(&f, &["--finding", id]);
        assert_eq!(
            p["totals"]["unique_bytes"], finding["bytes"],
            "finding {id}"
        );
        let (_, freed) = freed_by(&item_paths(&p));
        assert_eq!(
            Some(freed),
            finding["bytes"].as_u64(),
            "finding {id}, independent sum"
        );
    }
    // The caches finding is the default plan.
    let caches = finding(&r, "caches");
    assert_eq!(
        plan_json(&f, &[])["totals"]["unique_bytes"],
        caches["bytes"]
    );
}

#[test]
fn plan_unique_bytes_equal_an_independent_sum() {
    let f = moved_mac_for_plan();
    for args in [
        vec![],
        vec!["--tier", "safe,careful,confirm"],
        vec!["--tier", "careful", "--older-than", "1y"],
        vec![
            "--tier",
            "safe,careful",
            "--older-than",
            "90d",
            "--protect",
            "filehelper",
        ],
        vec!["--tier", "confirm"],
    ] {
        let p = plan_json(&f, &args);
        let (all, freed) = freed_by(&item_paths(&p));
        assert_eq!(
            p["totals"]["unique_bytes"].as_u64(),
            Some(freed),
            "{args:?}"
        );
        assert_eq!(p["totals"]["bytes"].as_u64(), Some(all), "{args:?}");
        let sum: u64 = p["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i["unique_bytes"].as_u64().expect("u"))
            .sum();
        assert_eq!(sum, freed, "{args:?}: items add up to the total");
    }
}

/// No database, key, login, config or unknown file, and nothing of a protected chat,
/// whatever the options.
#[test]
fn never_tier_and_protected_chats_never_appear() {
    let f = moved_mac_for_plan();
    let tiers = [
        "safe",
        "careful",
        "confirm",
        "safe,careful,confirm",
        "careful,confirm",
    ];
    let ages = [None, Some("1d"), Some("2y")];
    for t in tiers {
        for age in ages {
            for protect in [None, Some(CHAT)] {
                let mut args = vec!["--tier", t];
                if let Some(a) = age {
                    args.extend(["--older-than", a]);
                }
                if let Some(p) = protect {
                    args.extend(["--protect", p]);
                }
                let p = plan_json(&f, &args);
                for path in item_paths(&p) {
                    for e in walkdir::WalkDir::new(&path).follow_links(false) {
                        let e = e.expect("walk");
                        let s = e.path().to_string_lossy().to_string();
                        for bad in [
                            ".db",
                            "-wal",
                            "-shm",
                            "KeyValue",
                            "login",
                            "config",
                            "db_storage",
                            "Downloads",
                        ] {
                            assert!(!s.contains(bad), "{args:?} planned {s}");
                        }
                        if protect.is_some() {
                            assert!(!s.contains(CHAT), "{args:?} planned protected {s}");
                            assert!(
                                !s.contains("/msg/file/") && !s.contains("/msg/video/"),
                                "{args:?}: {s}"
                            );
                        }
                    }
                }
            }
        }
    }
}

fn write_script(f: &Fake, args: &[&str], to: &Path) {
    let out = f
        .cmd()
        .arg("plan")
        .arg(f.path("Data"))
        .args(["--format", "sh", "--now", NOW, "-q", "-o"])
        .arg(to)
        .args(args)
        .output()
        .expect("run");
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_plan_command_writes_nothing_under_the_tree() {
    let f = moved_mac_for_plan();
    let before = snapshot_tree(f.root());
    for format in ["table", "json", "sh", "paths0"] {
        let out = f
            .cmd()
            .arg("plan")
            .arg(f.path("Data"))
            .args(["--format", format, "--tier", "safe,careful,confirm", "-q"])
            .output()
            .expect("run");
        assert!(out.status.code().is_some_and(|c| c <= 1));
    }
    let _ = scan(&f);
    assert_eq!(before, snapshot_tree(f.root()));
}

#[test]
fn the_scripts_dry_run_changes_nothing() {
    let f = moved_mac_for_plan();
    let out_dir = tempfile::tempdir().expect("tmp");
    let script = out_dir.path().join("plan.sh");
    write_script(&f, &["--tier", "safe,careful,confirm"], &script);
    let before = snapshot_tree(f.root());
    let run = Command::new("sh").arg(&script).output().expect("sh");
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(text.contains("would move"), "{text}");
    // Each hostile name is an item, shown escaped (never raw control bytes).
    assert!(
        text.contains(r"new\x0aline.jpg") && text.contains(r"bad\xff\xfe.jpg"),
        "{text}"
    );
    assert!(
        text.contains(r"back\\slash %s `x`.jpg") && text.contains(r"-dir\x0a $(x) '\xff"),
        "{text}"
    );
    assert!(
        !text.contains('\u{1b}') && !run.stdout.contains(&0xff),
        "{text}"
    );
    assert!(text.contains("nothing was moved"), "{text}");
    assert!(!f.root().join("pwned").exists());
    assert_eq!(before, snapshot_tree(f.root()));
}

#[test]
fn really_moves_exactly_the_rechecked_items_into_the_quarantine() {
    let f = moved_mac_for_plan();
    let out_dir = tempfile::tempdir().expect("tmp");
    let script = out_dir.path().join("plan.sh");
    write_script(&f, &["--tier", "safe,careful,confirm"], &script);
    let p = plan_json(&f, &["--tier", "safe,careful,confirm"]);
    let items = item_paths(&p);
    // Change one planned file between plan and run.
    let changed = items
        .iter()
        .find(|p| p.is_file() && p.to_string_lossy().contains("loose.cache"))
        .expect("a planned file")
        .clone();
    fs::write(&changed, b"changed since the plan").expect("change");
    let q = f.path("quarantine");
    fs::create_dir(&q).expect("mkdir");
    let run = Command::new("sh")
        .arg(&script)
        .arg("--really")
        .arg("--quarantine")
        .arg(&q)
        .current_dir(out_dir.path())
        .output()
        .expect("sh");
    let text = String::from_utf8_lossy(&run.stdout);
    assert_eq!(run.status.code(), Some(1), "one item skipped: {text}");
    assert!(text.contains("skipped (changed since the plan)"), "{text}");
    let qroot = fs::canonicalize(&q).expect("q");
    for item in &items {
        let dest = PathBuf::from(OsStr::from_bytes(
            &[qroot.as_os_str().as_bytes(), item.as_os_str().as_bytes()].concat(),
        ));
        if *item == changed {
            assert!(item.exists(), "the changed item stays");
            assert!(!dest.exists());
        } else {
            assert!(
                !item.exists() && fs::symlink_metadata(item).is_err(),
                "moved: {item:?}"
            );
            assert!(
                fs::symlink_metadata(&dest).is_ok(),
                "in the quarantine: {dest:?}"
            );
        }
    }
    // Hostile names arrived with their exact bytes.
    for name in hostile_names() {
        let src = f.path(HOSTILE_DIR).join(OsStr::from_bytes(&name));
        assert!(fs::symlink_metadata(&src).is_err(), "moved: {src:?}");
        let dest = PathBuf::from(OsStr::from_bytes(
            &[qroot.as_os_str().as_bytes(), src.as_os_str().as_bytes()].concat(),
        ));
        assert!(fs::symlink_metadata(&dest).is_ok(), "arrived: {dest:?}");
    }
    assert!(!f.root().join("pwned").exists() && !out_dir.path().join("pwned").exists());
    // Databases are all still there.
    assert!(f.path(&a3("Message/msg_0.db")).exists());
    assert!(f.path(&m4("db_storage/message/message_0.db")).exists());
}

#[test]
fn really_refuses_a_quarantine_inside_a_planned_item() {
    let f = moved_mac_for_plan();
    let out_dir = tempfile::tempdir().expect("tmp");
    let script = out_dir.path().join("plan.sh");
    write_script(&f, &["--tier", "safe,careful,confirm"], &script);
    let p = plan_json(&f, &["--tier", "safe,careful,confirm"]);
    let folder = item_paths(&p)
        .into_iter()
        .find(|p| p.is_dir())
        .expect("a folder item");
    let q = folder.join("q");
    fs::create_dir(&q).expect("mkdir");
    let before = snapshot_tree(f.root());
    let run = Command::new("sh")
        .arg(&script)
        .arg("--really")
        .arg("--quarantine")
        .arg(&q)
        .output()
        .expect("sh");
    assert_eq!(
        run.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(before, snapshot_tree(f.root()));
}

#[test]
fn really_without_finder_needs_a_quarantine() {
    if Command::new("sh")
        .args(["-c", "command -v osascript"])
        .output()
        .is_ok_and(|o| o.status.success())
    {
        return; // macOS: the Trash is used
    }
    let f = moved_mac_for_plan();
    let out_dir = tempfile::tempdir().expect("tmp");
    let script = out_dir.path().join("plan.sh");
    write_script(&f, &[], &script);
    let before = snapshot_tree(f.root());
    let run = Command::new("sh")
        .arg(&script)
        .arg("--really")
        .output()
        .expect("sh");
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("--quarantine"));
    assert_eq!(before, snapshot_tree(f.root()));
}

#[test]
fn paths0_carries_the_exact_bytes() {
    let f = moved_mac_for_plan();
    let out = f
        .cmd()
        .arg("plan")
        .arg(f.path("Data"))
        .args(["--format", "paths0", "-q"])
        .output()
        .expect("run");
    let paths: Vec<&[u8]> = out
        .stdout
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .collect();
    let p = plan_json(&f, &[]);
    let want: Vec<Vec<u8>> = item_paths(&p)
        .iter()
        .map(|p| p.as_os_str().as_bytes().to_vec())
        .collect();
    assert_eq!(paths.len(), want.len());
    for (a, b) in paths.iter().zip(&want) {
        assert_eq!(*a, &b[..]);
        assert!(fs::symlink_metadata(OsStr::from_bytes(a)).is_ok());
    }
}

#[test]
fn plan_json_validates_against_its_schema_and_reads_back() {
    let schema: Value = serde_json::from_str(include_str!("../docs/plan-schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let f = moved_mac_for_plan();
    for args in [
        vec![],
        vec!["--tier", "safe,careful,confirm", "--protect", "filehelper"],
        vec!["--finding", "leftover-wechat3"],
    ] {
        let p = plan_json(&f, &args);
        let errors: Vec<String> = validator
            .iter_errors(&p)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        let model: wechat_inspect::plan::Plan = serde_json::from_value(p.clone()).unwrap();
        assert_eq!(serde_json::to_value(&model).unwrap(), p);
    }
    // --folders: the report's schema covers folders[] too.
    let r = f.scan_json("Data", &["--folders", "--now", NOW]);
    assert_report_schema(&r);
    let folders = r["folders"].as_array().expect("folders");
    assert_eq!(folders[0]["parent"], Value::Null);
    assert_eq!(
        folders[0]["files"], r["totals"]["files"],
        "the root's subtree is every file"
    );
    assert_eq!(folders[0]["apparent_bytes"], r["totals"]["apparent_bytes"]);
}

#[test]
fn really_refuses_while_wechat_runs() {
    if require_tool("pgrep", "really_refuses_while_wechat_runs").is_none() {
        return;
    }
    let f = moved_mac_for_plan();
    let out_dir = tempfile::tempdir().expect("tmp");
    let script = out_dir.path().join("plan.sh");
    write_script(&f, &[], &script);
    // A process named WeChat (a copy of sleep).
    let fake = out_dir.path().join("WeChat");
    fs::copy("/bin/sleep", &fake).expect("copy sleep");
    let mut wechat = Command::new(&fake).arg("30").spawn().expect("spawn");
    let q = out_dir.path().join("q");
    fs::create_dir(&q).expect("mkdir");
    let before = snapshot_tree(f.root());
    let run = Command::new("sh")
        .arg(&script)
        .args(["--really", "--quarantine"])
        .arg(&q)
        .output()
        .expect("sh");
    let _ = wechat.kill();
    let _ = wechat.wait();
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("WeChat is running"));
    assert_eq!(before, snapshot_tree(f.root()));
}

#[test]
fn scan_older_than_filters_and_says_so() {
    let f = moved_mac_for_plan();
    let r = f.scan_json("Data", &["--now", NOW, "--older-than", "2y"]);
    assert_eq!(r["older_than"], "2y");
    assert_eq!(r["findings"], serde_json::json!([]));
    // Only the 2022 files and the 3.x tree (2023-06): nothing from 2024 on.
    for l in r["largest"].as_array().expect("largest") {
        let m = l["modified"].as_str().expect("modified");
        assert!(m < "2024-11-01", "{m}");
    }
    let out = f
        .cmd()
        .arg("scan")
        .arg(f.path("Data"))
        .args([
            "--now",
            NOW,
            "--older-than",
            "2y",
            "--si",
            "--top-chats",
            "1",
            "-q",
        ])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("filtered: only files last written more than 2y ago"),
        "{text}"
    );
    assert!(text.contains("TOP CHATS (1 of"), "{text}");
    assert!(text.contains(" kB") && !text.contains("KiB"), "{text}");
    let bad = f
        .cmd()
        .args(["scan", "--older-than", "0d"])
        .output()
        .expect("run");
    assert_eq!(bad.status.code(), Some(2));
}

/// `plan --dupes`: every copy but one of each duplicate, hard links of the kept copy
/// never, a 4.x copy kept before a 3.x one; the reason names the copy that stays, and
/// the plan frees what an independent sum says.
#[test]
fn dupes_plans_every_copy_but_one_and_frees_what_they_hold() {
    let f = planted_dupes();
    let schema = include_str!("../docs/plan-schema.json");
    let p = plan_json(&f, &["--dupes", "--dupes-min-size", "1"]);
    assert!(schema_errors(schema, &p).is_empty(), "{p}");
    assert_eq!(p["request"]["dupes"], 1);
    assert_eq!(
        p["request"]["tiers"],
        serde_json::json!([]),
        "--dupes alone"
    );
    let items = p["items"].as_array().expect("items");
    let names: Vec<String> = item_paths(&p)
        .iter()
        .map(|p| {
            let s = p.to_string_lossy();
            s.rsplit("/Data/").next().unwrap_or(&s).to_string()
        })
        .collect();
    // md5 A: one of two 4.x chat copies; md5 B: the 3.x copy (the 4.x inode, hard
    // linked in two chats, stays); the report: the second 4.x copy and the 3.x one.
    assert_eq!(items.len(), 4, "{names:#?}");
    assert!(items.iter().all(|i| i["tier"] == "confirm"), "{p}");
    assert!(items.iter().all(|i| i["reason"]
        .as_str()
        .unwrap()
        .contains("are in a copy that stays: ")));
    assert_eq!(
        names.iter().filter(|n| n.contains(MD5_B)).count(),
        1,
        "{names:#?}"
    );
    assert!(
        names
            .iter()
            .any(|n| n.contains("MessageTemp") && n.contains(MD5_B)),
        "the 3.x copy goes, the 4.x one stays: {names:#?}"
    );
    assert_eq!(
        names.iter().filter(|n| n.contains("report")).count(),
        2,
        "{names:#?}"
    );
    let (all, freed) = freed_by(&item_paths(&p));
    assert_eq!(p["totals"]["unique_bytes"].as_u64(), Some(freed));
    assert_eq!(p["totals"]["bytes"].as_u64(), Some(all));
    assert_eq!(freed, 5000 + 7000 + 3000 + 3000);
    // A protected chat keeps its copies; other copies of the same bytes may still go.
    let p = plan_json(
        &f,
        &["--dupes", "--dupes-min-size", "1", "--protect", CHAT2],
    );
    assert!(
        p["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["chat"] != CHAT2),
        "{p}"
    );
    // The default minimum (1 MiB) leaves these small files alone; --dupes adds to tiers.
    let p = plan_json(&f, &["--dupes"]);
    assert_eq!(p["items"].as_array().unwrap().len(), 0, "{p}");
    let p = plan_json(&f, &["--dupes", "--tier", "safe"]);
    assert_eq!(p["request"]["tiers"], serde_json::json!(["safe"]));
    // A copy the tiers already plan (a cache) is never the one kept: the other stays.
    f.file(&a4("temp/x/same.bin"), &content(6000, 9)).file(
        &a3(&format!("Message/MessageTemp/{CHAT}/File/same.bin")),
        &content(6000, 9),
    );
    let p = plan_json(&f, &["--dupes", "--dupes-min-size", "1", "--tier", "safe"]);
    let paths: Vec<&str> = p["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    assert!(paths.iter().any(|p| p.ends_with("/temp")), "{paths:#?}");
    assert!(
        !paths.iter().any(|p| p.ends_with("same.bin")),
        "the 3.x copy stays: {paths:#?}"
    );
    // Without --dupes the plan is the tiers' alone.
    assert_eq!(plan_json(&f, &[])["request"]["dupes"], Value::Null);
}

/// One file hard-linked into many old chat months (all planned whole): every run,
/// whatever the threads did, gives each item the same unique bytes, and the linked
/// file's bytes go to the first item in plan order. (They went to the item of the link
/// the walk happened to meet first.)
#[test]
fn unique_bytes_of_hard_links_do_not_depend_on_thread_timing() {
    let f = moved_mac_for_plan();
    let first = m4("msg/attach/00000000000000000000000000000000/2022-01/Img/same.dat");
    f.sized(&first, 7777).mtime(&first, JAN_2022);
    for i in 1..24 {
        let link = m4(&format!("msg/attach/{i:032x}/2022-01/Img/same.dat"));
        f.hardlink(&first, &link);
    }
    let args = ["--tier", "safe,careful,confirm", "--older-than", "1y"];
    let runs: Vec<Value> = ["1", "8", "32", "8", "2", "32"]
        .iter()
        .map(|j| plan_json(&f, &[&args[..], &["-j", j]].concat()))
        .collect();
    let figures = |p: &Value| -> Vec<(String, u64, u64)> {
        p["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| {
                let n = |k: &str| i[k].as_u64().expect("number");
                (
                    i["path"].as_str().expect("path").to_string(),
                    n("bytes"),
                    n("unique_bytes"),
                )
            })
            .collect()
    };
    let want = figures(&runs[0]);
    for (k, p) in runs.iter().enumerate() {
        assert_eq!(figures(p), want, "run {k}");
    }
    // Each chat is planned whole: the file counts in each item's bytes, and frees
    // its bytes only with all 24, so they go to the first.
    let holding: Vec<&(String, u64, u64)> = want
        .iter()
        .filter(|(p, ..)| p.contains("/msg/attach/00000000000000000000000000"))
        .collect();
    assert_eq!(holding.len(), 24, "{want:?}");
    assert!(holding.iter().all(|i| i.1 == 7777), "{holding:?}");
    assert_eq!(holding[0].2, 7777, "{holding:?}");
    assert!(holding[1..].iter().all(|i| i.2 == 0), "{holding:?}");
}
