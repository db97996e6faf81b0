//! `--redact`: no account, chat, user or file name from the tree survives in any format.

use crate::util::*;
use std::collections::BTreeSet;
use std::path::Path;

/// Identifiers collected independently of the tool, by walking the tree.
fn identifiers(root: &Path) -> BTreeSet<String> {
    let is_hex32 = |s: &str| s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit());
    let mut ids = BTreeSet::new();
    let mut stems = BTreeSet::new();
    // Words the report shows anyway: WeChat's folder names (kept by design) and the
    // category ids and labels. A file stem that is one of them proves nothing.
    let mut vocabulary: Vec<String> = wechat_inspect::tree::classify::Category::ALL
        .iter()
        .flat_map(|c| [c.id().to_lowercase(), c.label().to_lowercase()])
        .collect();
    for e in walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
    {
        let rel = e.path().strip_prefix(root).unwrap();
        let comps: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        for (i, c) in comps.iter().enumerate() {
            let prev = if i > 0 { comps[i - 1].as_str() } else { "" };
            let account4 = prev == "xwechat_files"
                && !["all_users", "Backup", "old_backup"].contains(&c.as_str());
            if is_hex32(c)
                || c.starts_with("wxid_")
                || account4
                || prev == "login"
                || prev == "users"
            {
                ids.insert(c.clone());
            }
        }
        if e.file_type().is_file() {
            let name = e.file_name().to_string_lossy().into_owned();
            let stem = name.split('.').next().unwrap_or("").to_string();
            ids.insert(name);
            if stem.len() >= 5 {
                stems.insert(stem);
            }
        } else if e.file_type().is_dir() {
            vocabulary.push(e.file_name().to_string_lossy().to_lowercase());
        }
    }
    for stem in stems {
        let lower = stem.to_lowercase();
        if !vocabulary.iter().any(|w| w.contains(&lower)) {
            ids.insert(stem);
        }
    }
    ids
}

fn check(f: &Fake, target: &Path) {
    let ids = identifiers(target);
    assert!(ids.len() > 10, "{ids:?}");
    for format in ["table", "json", "csv", "html"] {
        let out = f
            .cmd()
            .arg("scan")
            .arg(target)
            .args(["--redact", "--top", "100000", "--format", format])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.len() > 500, "{format}: {text}");
        let leaked: Vec<&String> = ids.iter().filter(|id| text.contains(id.as_str())).collect();
        assert!(leaked.is_empty(), "{format} leaks {leaked:?}");
        assert!(
            !text.contains(&*target.to_string_lossy()),
            "{format} leaks the base path"
        );
    }
    // Pseudonyms are consistent across sections.
    let out = f
        .cmd()
        .arg("scan")
        .arg(target)
        .args(["--redact", "--top", "100000", "--format", "json"])
        .output()
        .unwrap();
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["base"], "<redacted>");
    let accounts: BTreeSet<&str> = r["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    for a in &accounts {
        assert!(*a == "shared" || a.starts_with("account-"), "{a}");
    }
    for c in r["chats"].as_array().unwrap() {
        assert!(accounts.contains(c["account"].as_str().unwrap()));
        assert!(c["chat"].as_str().unwrap().starts_with("chat-"));
    }
    for l in r["largest"].as_array().unwrap() {
        let acct = l["account"].as_str().unwrap();
        assert!(accounts.contains(acct));
        let path = l["path"].as_str().unwrap();
        let name = path.rsplit('/').next().unwrap();
        assert!(name.starts_with("file-"), "{path}");
        if acct != "shared" {
            // Under the account's folder, or one of its aliases (a 3.x folder that is
            // the same account).
            let a = r["accounts"]
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["id"] == acct)
                .unwrap();
            let folders: Vec<&str> = std::iter::once(acct)
                .chain(
                    a["aliases"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|x| x.as_str().unwrap()),
                )
                .collect();
            assert!(
                folders.iter().any(|f| path.contains(f)),
                "{path} is not under {folders:?}"
            );
        }
    }
}

#[test]
fn redact_hides_every_identifier_of_the_fake_container() {
    let f = upgraded_mac();
    check(&f, f.root());
    // The extension is kept and numbering is deterministic.
    let a = f.scan_json("", &["--redact"]);
    let b = f.scan_json("", &["--redact", "--threads", "1"]);
    assert_eq!(a["largest"], b["largest"]);
    assert!(a["largest"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["path"].as_str().unwrap().ends_with(".pdf")));
}

#[test]
fn redact_hides_every_identifier_of_the_sample_container() {
    let f = Fake::new();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_container");
    check(&f, &sample);
}
