//! Test harness: a builder for fake WeChat containers in temp folders, and a hermetic
//! command for the binary.

#![allow(dead_code)]

use assert_cmd::Command;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};

/// 3.x version folder, container-relative.
pub const V3: &str = "Data/Library/Application Support/com.tencent.xinWeChat/2.0b4.0.9";
/// A 3.x account folder name: md5("wxid_ck85xup8b1bj21").
pub const ACCT3: &str = "1d35a41b3adb8b335cc59362ad55ee88";
/// A chat folder name: md5("filehelper").
pub const CHAT: &str = "9e20f478899dc29eb19741386f9343c8";
/// Another chat folder name.
pub const CHAT2: &str = "0123456789abcdef0123456789abcdef";
/// 4.x xwechat_files, container-relative.
pub const XF: &str = "Data/Documents/xwechat_files";
/// A 4.x account folder name.
pub const ACCT4: &str = "wxid_test01_9f3c";
/// 2024-05-15T00:00:00Z.
pub const MAY_2024: u64 = 1_715_731_200;

/// `{V3}/{ACCT3}`.
pub fn a3(rest: &str) -> String {
    format!("{V3}/{ACCT3}/{rest}")
}

/// `{XF}/{ACCT4}`.
pub fn a4(rest: &str) -> String {
    format!("{XF}/{ACCT4}/{rest}")
}

/// A fake container (or home folder) in a temp dir.
pub struct Fake {
    dir: tempfile::TempDir,
}

impl Fake {
    pub fn new() -> Fake {
        Fake {
            dir: tempfile::Builder::new()
                .prefix("wechat-inspect-test")
                .tempdir()
                .expect("tempdir"),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Create a file with exactly these bytes (parents created), mtime May 2024.
    pub fn file(&self, rel: &str, bytes: &[u8]) -> &Self {
        let p = self.path(rel);
        fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        fs::write(&p, bytes).expect("write");
        self.mtime(rel, MAY_2024)
    }

    /// A file of `len` bytes (real, not sparse).
    pub fn sized(&self, rel: &str, len: usize) -> &Self {
        self.file(rel, &vec![b'x'; len])
    }

    pub fn dir(&self, rel: &str) -> &Self {
        fs::create_dir_all(self.path(rel)).expect("mkdir");
        self
    }

    pub fn mtime(&self, rel: &str, secs: u64) -> &Self {
        let f = fs::File::options()
            .write(true)
            .open(self.path(rel))
            .expect("open");
        f.set_modified(UNIX_EPOCH + Duration::from_secs(secs))
            .expect("set mtime");
        self
    }

    pub fn hardlink(&self, existing: &str, new: &str) -> &Self {
        let n = self.path(new);
        fs::create_dir_all(n.parent().expect("parent")).expect("mkdir");
        fs::hard_link(self.path(existing), n).expect("hard link");
        self
    }

    pub fn symlink(&self, target: &str, link: &str) -> &Self {
        let l = self.path(link);
        fs::create_dir_all(l.parent().expect("parent")).expect("mkdir");
        std::os::unix::fs::symlink(target, l).expect("symlink");
        self
    }

    /// The binary, hermetic: no inherited HOME/NO_COLOR, run from the temp dir.
    pub fn cmd(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_wechat-inspect"));
        c.current_dir(self.root())
            .env_remove("NO_COLOR")
            .env("HOME", self.root());
        c
    }

    /// `scan PATH --format json` parsed (any exit code).
    pub fn scan_json(&self, rel: &str, extra: &[&str]) -> serde_json::Value {
        let out = self
            .cmd()
            .arg("scan")
            .arg(self.path(rel))
            .args(["--format", "json", "--top", "100000"])
            .args(extra)
            .output()
            .expect("run");
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("bad json ({e}): {}", String::from_utf8_lossy(&out.stderr)))
    }
}

/// Independent sum over a tree: (files, apparent bytes) of regular files, each inode once.
pub fn independent_sum(root: &Path) -> (u64, u64) {
    let mut seen = std::collections::HashSet::new();
    let (mut files, mut bytes) = (0, 0);
    for e in walkdir::WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
    {
        let m = e.metadata().expect("meta");
        if m.is_file() && seen.insert((m.dev(), m.ino())) {
            files += 1;
            bytes += m.len();
        }
    }
    (files, bytes)
}

/// The category each listed file got, from `largest[]` (run with a huge `--top`).
pub fn category_of(report: &serde_json::Value, path: &str) -> Option<String> {
    report["largest"]
        .as_array()?
        .iter()
        .find(|f| f["path"] == path)
        .map(|f| f["category"].as_str().unwrap_or("").to_string())
}

/// A tiny but complete two-layout container used by several tests.
pub fn upgraded_mac() -> Fake {
    let f = Fake::new();
    f.sized(
        &a3(&format!(
            "Message/MessageTemp/{CHAT}/Image/34221676858120_.pic.jpg"
        )),
        3000,
    )
    .sized(
        &a3(&format!(
            "Message/MessageTemp/{CHAT}/Image/34221676858120_.pic_thumb.jpg"
        )),
        300,
    )
    .sized(
        &a3(&format!(
            "Message/MessageTemp/{CHAT}/Image/34221676858120_.pic_hd.jpg"
        )),
        9000,
    )
    .sized(
        &a3(&format!(
            "Message/MessageTemp/{CHAT}/Video/3422_1676858120.mp4"
        )),
        20000,
    )
    .sized(
        &a3(&format!("Message/MessageTemp/{CHAT2}/Audio/1.aud.silk")),
        700,
    )
    .sized(&a3("Message/msg_0.db"), 4096)
    .sized(&a3("Message/msg_0.db-wal"), 1024)
    .sized(&a3("Contact/wccontact_new2.db"), 2048)
    .sized(&format!("{V3}/Avatar/a.jpg"), 500)
    .sized(&a4(&format!("msg/attach/{CHAT}/2024-05/Img/abc.dat")), 4000)
    .sized(
        &a4(&format!("msg/attach/{CHAT}/2024-05/Img/abc_t.dat")),
        400,
    )
    .sized(&a4("msg/file/2024-05/report.pdf"), 15000)
    .sized(&a4("db_storage/message/message_0.db"), 8192)
    .sized(&a4("db_storage/message/media_0.db"), 4096)
    .sized(&format!("{XF}/all_users/config/global_config"), 100)
    .sized("Data/Library/Preferences/com.tencent.xinWeChat.plist", 200)
    .sized("Data/Documents/app_data/log/radium/x.xlog", 1500)
    .mtime(&a3("Message/msg_0.db"), 1_600_000_000)
    .hardlink(
        &a3(&format!(
            "Message/MessageTemp/{CHAT}/Image/34221676858120_.pic.jpg"
        )),
        &a3(&format!("Message/MessageTemp/{CHAT2}/Image/1_.pic.jpg")),
    );
    f
}
