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

/// WeChat's preferences as a binary plist: the three known keys and one other.
pub fn prefs_plist() -> Vec<u8> {
    let mut d = plist::Dictionary::new();
    d.insert(
        "AppleLanguages".into(),
        plist::Value::Array(vec!["zh-Hans".into(), "en".into()]),
    );
    d.insert(
        "SULastCheckTime".into(),
        plist::Value::Date(
            (UNIX_EPOCH + Duration::from_secs(1_735_689_600)).into(), // 2025-01-01
        ),
    );
    d.insert(
        "NSUserNotificationsAllowedByUser".into(),
        plist::Value::Boolean(true),
    );
    d.insert("SUHasLaunchedBefore".into(), plist::Value::Boolean(true));
    let mut out = Vec::new();
    plist::Value::Dictionary(d)
        .to_writer_binary(&mut out)
        .expect("plist");
    out
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
    .file(
        "Data/Library/Preferences/com.tencent.xinWeChat.plist",
        &prefs_plist(),
    )
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

// ---------------------------------------------------------------------------
// Helpers for the hostile-tree tests (tests/hostile.rs).
// ---------------------------------------------------------------------------

/// Every measure of a tree that the report also gives, summed independently of the
/// tool: regular files once per inode, links and special files counted, never followed.
/// Entries that cannot be read are skipped (they are what the tool reports as issues).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Sum {
    pub files: u64,
    pub apparent: u64,
    pub allocated: u64,
    pub dirs: u64,
    pub symlinks: u64,
    pub special: u64,
}

/// [`Sum`] of everything readable under `root` (the root folder included in `dirs`).
pub fn readable_sum(root: &Path) -> Sum {
    let mut seen = std::collections::HashSet::new();
    let mut s = Sum::default();
    for e in walkdir::WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
    {
        let Ok(m) = e.metadata() else { continue };
        let t = m.file_type();
        if t.is_file() {
            if seen.insert((m.dev(), m.ino())) {
                s.files += 1;
                s.apparent += m.len();
                s.allocated += m.blocks() * 512;
            }
        } else if t.is_dir() {
            s.dirs += 1;
        } else if t.is_symlink() {
            s.symlinks += 1;
        } else {
            s.special += 1;
        }
    }
    s
}

/// Check a JSON report's totals against [`readable_sum`] (or any expected [`Sum`]).
pub fn assert_totals(r: &serde_json::Value, want: Sum) {
    let t = &r["totals"];
    let got = Sum {
        files: t["files"].as_u64().expect("files"),
        apparent: t["apparent_bytes"].as_u64().expect("apparent"),
        allocated: t["allocated_bytes"].as_u64().expect("allocated"),
        dirs: t["dirs"].as_u64().expect("dirs"),
        symlinks: t["symlinks"].as_u64().expect("symlinks"),
        special: t["special_files"].as_u64().expect("special"),
    };
    assert_eq!(got, want, "report totals vs an independent sum");
}

/// What [`snapshot_tree`] records of one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snap {
    /// `dir`, `file`, `symlink` or `special`.
    pub kind: &'static str,
    pub size: u64,
    /// Modification time in nanoseconds (a folder's changes when anything is created
    /// or removed in it, even a temp file that is gone again).
    pub mtime_ns: i128,
    pub mode: u32,
    pub ino: u64,
    /// Content hash (files), link target hash (symlinks), 0 otherwise.
    pub hash: u64,
}

/// A listing of every entry under `root` (itself included), for before/after checks.
pub fn snapshot_tree(root: &Path) -> std::collections::BTreeMap<PathBuf, Snap> {
    use std::hash::{Hash, Hasher};
    use std::io::Read;
    let mut out = std::collections::BTreeMap::new();
    for e in walkdir::WalkDir::new(root).follow_links(false) {
        let e = e.expect("walk");
        let m = e.metadata().expect("meta");
        let t = m.file_type();
        let mut h = std::collections::hash_map::DefaultHasher::new();
        let kind = if t.is_file() {
            let mut f = fs::File::open(e.path()).expect("open");
            let mut buf = vec![0u8; 1 << 16];
            loop {
                let n = f.read(&mut buf).expect("read");
                if n == 0 {
                    break;
                }
                buf[..n].hash(&mut h);
            }
            "file"
        } else if t.is_dir() {
            "dir"
        } else if t.is_symlink() {
            fs::read_link(e.path()).expect("readlink").hash(&mut h);
            "symlink"
        } else {
            "special"
        };
        let rel = e.path().strip_prefix(root).expect("prefix").to_path_buf();
        out.insert(
            rel,
            Snap {
                kind,
                size: m.len(),
                mtime_ns: i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec()),
                mode: m.mode(),
                ino: m.ino(),
                hash: h.finish(),
            },
        );
    }
    out
}

/// `cp -a src dst`: folders, files, symlinks, permissions and modification times.
pub fn copy_tree(src: &Path, dst: &Path) {
    for e in walkdir::WalkDir::new(src).follow_links(false) {
        let e = e.expect("walk");
        let to = dst.join(e.path().strip_prefix(src).expect("prefix"));
        let t = e.file_type();
        if t.is_dir() {
            fs::create_dir_all(&to).expect("mkdir");
        } else if t.is_symlink() {
            std::os::unix::fs::symlink(fs::read_link(e.path()).expect("readlink"), &to)
                .expect("symlink");
        } else if t.is_file() {
            fs::copy(e.path(), &to).expect("copy");
        }
    }
    // Times last, deepest first, so creating children does not bump a folder's mtime.
    for e in walkdir::WalkDir::new(src)
        .follow_links(false)
        .contents_first(true)
    {
        let e = e.expect("walk");
        if e.file_type().is_symlink() {
            continue;
        }
        let to = dst.join(e.path().strip_prefix(src).expect("prefix"));
        let m = e.metadata().expect("meta");
        fs::set_permissions(&to, m.permissions()).expect("chmod");
        let f = fs::File::open(&to).expect("open");
        f.set_modified(m.modified().expect("mtime"))
            .expect("set mtime");
    }
}

/// Run `cmd` with a deadline; kill it and fail the test if it does not end in time.
/// stdout and stderr are drained by threads so a full pipe cannot stall the child.
pub fn run_with_timeout(cmd: &mut std::process::Command, limit: Duration) -> std::process::Output {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = r.read_to_end(&mut v);
            v
        })
    };
    let out = drain(Box::new(child.stdout.take().expect("stdout")));
    let err = drain(Box::new(child.stderr.take().expect("stderr")));
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} still running after {limit:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    std::process::Output {
        status,
        stdout: out.join().expect("stdout thread"),
        stderr: err.join().expect("stderr thread"),
    }
}

/// Whether this process runs as root (a file it creates is owned by uid 0).
pub fn is_root() -> bool {
    let f = tempfile::NamedTempFile::new().expect("temp file");
    f.as_file().metadata().expect("meta").uid() == 0
}

/// A way to run a program as `nobody` (uid 65534) when we are root, so permission bits
/// apply: `setpriv`, else `runuser`. `Err` says why not (the caller skips).
pub fn as_nobody() -> Result<Vec<String>, String> {
    let candidates: [&[&str]; 2] = [
        &[
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
        ],
        &["runuser", "-u", "nobody", "--"],
    ];
    let mut why = Vec::new();
    for prefix in candidates {
        match std::process::Command::new(prefix[0])
            .args(&prefix[1..])
            .arg("true")
            .output()
        {
            Ok(o) if o.status.success() => {
                return Ok(prefix.iter().map(|s| s.to_string()).collect())
            }
            Ok(o) => why.push(format!(
                "{}: {}",
                prefix[0],
                String::from_utf8_lossy(&o.stderr).trim()
            )),
            Err(e) => why.push(format!("{}: {e}", prefix[0])),
        }
    }
    Err(why.join("; "))
}

/// The words to put before a command so that a per-user limit (`prlimit --nproc`)
/// binds it: none as a user, [`as_nobody`]'s as root (such a limit does not bind
/// root). `None`: root and no way to drop privileges (printed; the caller skips).
pub fn unprivileged_prefix() -> Option<Vec<String>> {
    if !is_root() {
        return Some(Vec::new());
    }
    match as_nobody() {
        Ok(p) => Some(p),
        Err(why) => {
            println!("SKIPPED: running as root and cannot drop privileges ({why})");
            None
        }
    }
}

/// A copy of the binary that any user can run (the build folder may not be reachable).
pub fn public_binary(dir: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let to = dir.join("wechat-inspect");
    fs::copy(env!("CARGO_BIN_EXE_wechat-inspect"), &to).expect("copy binary");
    fs::set_permissions(&to, fs::Permissions::from_mode(0o755)).expect("chmod");
    to
}

/// `chmod 755` on `p` (a temp dir is created 0700, which `nobody` cannot enter).
pub fn chmod(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(p, fs::Permissions::from_mode(mode)).expect("chmod");
}

/// The external program `tool` on `PATH`, for a test that drives it. Missing: under
/// `CI=true` the test fails (CI installs every tool, see `.ci/setup`); elsewhere it
/// says so and returns `None`, and the caller skips.
pub fn require_tool(tool: &str, test: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(tool))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        let why = format!("{test}: `{tool}` is not installed (.ci/setup installs it)");
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{why}");
        eprintln!("skipped {why}");
    }
    found
}

// ---------------------------------------------------------------------------
// Planted duplicates (tests/dupes.rs).
// ---------------------------------------------------------------------------

/// 4.x media md5s (file names of chat images).
pub const MD5_A: &str = "0cfe4c619a34496db475c29c52a0638b";
pub const MD5_B: &str = "b4f2e1c7a9d3086e5f1a2b3c4d5e6f70";

/// `{XF}/{ACCT4}/msg/attach/{chat}/2024-05/Img/{md5}.dat`.
pub fn img(chat: &str, md5: &str) -> String {
    a4(&format!("msg/attach/{chat}/2024-05/Img/{md5}.dat"))
}

/// `len` deterministic bytes that differ with `seed` (SplitMix64).
pub fn content(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        out.extend_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    out.truncate(len);
    out
}

/// A two-layout container with planted duplicates. Three groups:
/// - `MD5_A` in two chats (separate copies, 5000 bytes);
/// - `MD5_B` hard-linked across two chats (a forward: not a duplicate by itself) and a
///   separate copy in the 3.x tree (7000 bytes; 3 paths on 2 inodes);
/// - `report.pdf`, its copy `report (1).pdf` and the 3.x copy (3000 bytes).
///
/// And decoys that are no group: same size with other content (one byte in the middle
/// only, so the head and tail match), a `notes (1).txt` that differs from `notes.txt`,
/// and three empty files.
pub fn planted_dupes() -> Fake {
    let f = Fake::new();
    let report = content(3000, 3);
    let mut middle = content(20_000, 4);
    f.file(&img(CHAT, MD5_A), &content(5000, 1))
        .file(&img(CHAT2, MD5_A), &content(5000, 1))
        .file(&img(CHAT, MD5_B), &content(7000, 2))
        .hardlink(&img(CHAT, MD5_B), &img(CHAT2, MD5_B))
        .file(
            &a3(&format!("Message/MessageTemp/{CHAT}/Image/{MD5_B}.jpg")),
            &content(7000, 2),
        )
        .file(&a4("msg/file/2024-05/report.pdf"), &report)
        .file(&a4("msg/file/2024-05/report (1).pdf"), &report)
        .file(
            &a3(&format!("Message/MessageTemp/{CHAT2}/File/report.pdf")),
            &report,
        )
        .file(&a4("msg/file/2024-05/a.bin"), &middle);
    middle[10_000] ^= 1;
    f.file(&a4("msg/file/2024-05/b.bin"), &middle)
        .file(&a4("msg/file/2024-05/notes.txt"), &content(900, 5))
        .file(&a4("msg/file/2024-05/notes (1).txt"), &content(900, 6))
        .file(&a4("msg/file/2024-05/empty1.txt"), b"")
        .file(&a4("msg/file/2024-05/empty2.txt"), b"")
        .file(&a3("Message/MessageTemp/empty.txt"), b"");
    f
}

// ---------------------------------------------------------------------------
// A Mac where one account moved from WeChat 3.x to 4.x (tests/chats.rs).
// ---------------------------------------------------------------------------

/// md5 in lowercase hex, computed here (not by the tool).
pub fn md5_hex(s: &str) -> String {
    use md5::{Digest, Md5};
    Md5::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The account that moved: its wxid, and its 4.x folder.
pub const MOVED_WXID: &str = "wxid_moved0001";
pub const MOVED_V4: &str = "wxid_moved0001_ab12";
/// A 4.x account with no 3.x past.
pub const OTHER_V4: &str = "wxid_other0002_cd34";
/// The friend and the group of the moved account.
pub const FRIEND: &str = "wxid_friend0001";
pub const GROUP: &str = "12345678901@chatroom";
/// 2023-01-15T00:00:00Z and 2024-06-15T00:00:00Z.
pub const JAN_2023: u64 = 1_673_740_800;
pub const JUN_2024: u64 = 1_718_409_600;

/// Files to create: (path, bytes).
pub type Files = Vec<(String, usize)>;

/// The moved account's files per layout: (path, bytes). The 3.x account folder is
/// md5(MOVED_WXID); File Transfer, the friend and the group are in both versions, and
/// 4.x keeps 35,000 bytes of files and videos per month.
pub fn moved_files() -> (Files, Files) {
    let a3 = md5_hex(MOVED_WXID);
    let (fh, friend, group) = (md5_hex("filehelper"), md5_hex(FRIEND), md5_hex(GROUP));
    let v3 = vec![
        (
            format!("{V3}/{a3}/Message/MessageTemp/{fh}/Image/1_.pic.jpg"),
            1000,
        ),
        (
            format!("{V3}/{a3}/Message/MessageTemp/{friend}/Video/2_1.mp4"),
            2000,
        ),
        (
            format!("{V3}/{a3}/Message/MessageTemp/{group}/File/a.pdf"),
            3000,
        ),
        (format!("{V3}/{a3}/Message/msg_0.db"), 4096),
    ];
    let v4 = vec![
        (
            format!("{XF}/{MOVED_V4}/msg/attach/{fh}/2024-05/Img/a.dat"),
            100,
        ),
        (
            format!("{XF}/{MOVED_V4}/temp/RWTemp/2024-06/{friend}/doc.pdf"),
            200,
        ),
        (
            format!("{XF}/{MOVED_V4}/cache/2024-05/Message/{group}/b.jpg"),
            300,
        ),
        (
            format!("{XF}/{MOVED_V4}/msg/file/2024-05/report.pdf"),
            15000,
        ),
        (format!("{XF}/{MOVED_V4}/msg/video/2024-05/v.mp4"), 20000),
        (
            format!("{XF}/{MOVED_V4}/db_storage/message/message_0.db"),
            8192,
        ),
    ];
    (v3, v4)
}

/// The moved account (see [`moved_files`]), another 4.x account, a 3.x folder of some
/// other account, and two login folders (one with no data left).
pub fn moved_mac() -> Fake {
    let f = Fake::new();
    let (v3, v4) = moved_files();
    for (p, n) in v3.iter().chain(v4.iter()) {
        f.sized(p, *n);
    }
    f.mtime(&v3[0].0, JAN_2023).mtime(&v4[1].0, JUN_2024);
    f.sized(
        &format!(
            "{XF}/{OTHER_V4}/msg/attach/{}/2024-05/Img/c.dat",
            md5_hex("wxid_x")
        ),
        50,
    )
    .sized(
        &format!(
            "{V3}/{}/Message/MessageTemp/{}/Image/z.jpg",
            md5_hex("someone_else"),
            md5_hex("filehelper")
        ),
        70,
    )
    .sized(
        &format!("{XF}/all_users/login/{MOVED_WXID}/key_info.db"),
        10,
    )
    .sized(
        &format!("{XF}/all_users/login/wxid_gone0003/key_info.db"),
        10,
    );
    f
}
// A Mac that moved from WeChat 3.x to 4.x (tests/plan.rs).
// ---------------------------------------------------------------------------

/// The wxid whose md5 is [`ACCT3`].
pub const WXID: &str = "wxid_ck85xup8b1bj21";
/// Its 4.x account folder.
pub const MOVED4: &str = "wxid_ck85xup8b1bj21_9f3c";
/// 2022-01-15T00:00:00Z (old), 2023-06-15 (the 3.x tree's last write), 2026-10-15 (new).
pub const JAN_2022: u64 = 1_642_204_800;
pub const JUN_2023: u64 = 1_686_787_200;
pub const OCT_2026: u64 = 1_792_022_400;
/// The time the plan tests pin (`--now`).
pub const NOW: &str = "2026-11-01T00:00:00Z";

/// `{XF}/{MOVED4}/rest`.
pub fn m4(rest: &str) -> String {
    format!("{XF}/{MOVED4}/{rest}")
}

/// Where [`moved_mac_for_plan`] puts [`hostile_names`]: beside `Cache.db`.
pub const HOSTILE_DIR: &str = "Data/Library/Caches/com.tencent.xinWeChat";

/// Names a careless script would trip on.
pub fn hostile_names() -> Vec<Vec<u8>> {
    vec![
        b"new\nline.jpg".to_vec(),
        b"it's \"quoted\".jpg".to_vec(),
        b"$(touch pwned).jpg".to_vec(),
        b"-rf".to_vec(),
        "\u{56fe}\u{7247} \u{1f600}.jpg".as_bytes().to_vec(),
        b"bad\xff\xfe.jpg".to_vec(),
        b"back\\slash %s `x`.jpg".to_vec(),
        b"trailing newline\n".to_vec(),
    ]
}

/// The moved Mac: a 3.x account whose wxid is a 4.x account's, its backups, 4.x
/// media old and new, caches (with hostile names), logs, databases, login and keys,
/// and hard links (one of them also linked from outside the container).
pub fn moved_mac_for_plan() -> Fake {
    use std::os::unix::ffi::OsStrExt;
    let f = Fake::new();
    let c = CHAT; // File Transfer
    let c2 = CHAT2;
    // 3.x account tree, last written mid-2023.
    f.sized(
        &a3(&format!("Message/MessageTemp/{c}/Image/1_.pic.jpg")),
        3000,
    )
    .sized(
        &a3(&format!("Message/MessageTemp/{c}/File/report.pdf")),
        7000,
    )
    .sized(&a3(&format!("Message/MessageTemp/{c2}/Video/2.mp4")), 20000)
    .sized(
        &a3(&format!("Message/MessageTemp/{c2}/Audio/3.aud.silk")),
        700,
    )
    .sized(&a3("Message/msg_0.db"), 4096)
    .sized(&a3("Message/msg_0.db-wal"), 1024)
    .sized(&a3("Contact/wccontact_new2.db"), 2048)
    .sized(&a3("Stickers/fav.archive"), 900)
    .sized(&format!("{V3}/Avatar/a.jpg"), 500)
    .sized(
        &format!("{V3}/Backup/{ACCT3}/0123456789abcdef/BAK_0_MEDIA"),
        30000,
    )
    .sized(
        &format!("{V3}/Backup/{ACCT3}/0123456789abcdef/Backup.db"),
        4096,
    )
    .sized(&format!("{V3}/KeyValue/{ACCT3}/KeyValue.db"), 512)
    .sized(&format!("{V3}/CrashReport/crash.log"), 333);
    for rel in [
        a3(&format!("Message/MessageTemp/{c}/Image/1_.pic.jpg")),
        a3(&format!("Message/MessageTemp/{c}/File/report.pdf")),
        a3(&format!("Message/MessageTemp/{c2}/Video/2.mp4")),
        a3(&format!("Message/MessageTemp/{c2}/Audio/3.aud.silk")),
        a3("Message/msg_0.db"),
        a3("Message/msg_0.db-wal"),
        a3("Contact/wccontact_new2.db"),
        a3("Stickers/fav.archive"),
        format!("{V3}/Backup/{ACCT3}/0123456789abcdef/BAK_0_MEDIA"),
        format!("{V3}/Backup/{ACCT3}/0123456789abcdef/Backup.db"),
    ] {
        f.mtime(&rel, JUN_2023);
    }
    // 4.x account: old and new media, caches, databases, config.
    f.sized(&m4(&format!("msg/attach/{c}/2022-01/Img/a.dat")), 4000)
        .sized(&m4(&format!("msg/attach/{c}/2026-10/Img/b.dat")), 4100)
        .sized(&m4(&format!("msg/attach/{c2}/2022-01/Img/c.dat")), 5000)
        .sized(&m4(&format!("msg/attach/{c2}/2022-01/Img/c_t.dat")), 500)
        .sized(&m4("msg/file/2022-01/old.pdf"), 15000)
        .sized(&m4("msg/file/2026-10/new.pdf"), 16000)
        .sized(&m4("msg/video/2022-01/v.mp4"), 25000)
        .sized(&m4("db_storage/message/message_0.db"), 8192)
        .sized(&m4("db_storage/message/message_0.db-shm"), 32768)
        .sized(&m4("db_storage/head_image/head.bin"), 640)
        .sized(&m4(&format!("cache/2024-05/Message/{c2}/thumb.jpg")), 1200)
        .sized(&m4(&format!("temp/RWTemp/2024-05/{c}/t.jpg")), 1300)
        .sized(&m4("config/account.cfg"), 64)
        .sized(&format!("{XF}/all_users/login/{WXID}/key_info.dat"), 128)
        .sized(&format!("{XF}/all_users/config/global_config"), 100)
        .sized(
            &format!("{XF}/old_backup/{ACCT3}/2F1E3D4C-0000-4000-8000-000000000001/BAK_0_MEDIA"),
            28000,
        )
        .sized(
            &format!("{XF}/old_backup/{ACCT3}/2F1E3D4C-0000-4000-8000-000000000001/BAK_0_TEXT.db"),
            4096,
        )
        .sized("Data/Library/Caches/com.tencent.xinWeChat/Cache.db", 2048)
        .sized(
            "Data/Library/Caches/com.tencent.xinWeChat/loose.cache",
            1111,
        )
        .sized(
            "Data/Library/Caches/com.tencent.xinWeChat/fsCachedData/1A2B",
            3500,
        )
        .sized("Data/Documents/app_data/log/radium/x.xlog", 1500)
        .sized("Data/Downloads/unknown.bin", 999);
    for rel in [
        m4(&format!("msg/attach/{c}/2022-01/Img/a.dat")),
        m4(&format!("msg/attach/{c2}/2022-01/Img/c.dat")),
        m4(&format!("msg/attach/{c2}/2022-01/Img/c_t.dat")),
        m4("msg/file/2022-01/old.pdf"),
        m4("msg/video/2022-01/v.mp4"),
    ] {
        f.mtime(&rel, JAN_2022);
    }
    for rel in [
        m4(&format!("msg/attach/{c}/2026-10/Img/b.dat")),
        m4("msg/file/2026-10/new.pdf"),
    ] {
        f.mtime(&rel, OCT_2026);
    }
    // Hostile names beside a database (so each is an item of its own), and a folder
    // with a hostile name (an item whole).
    let dir = f.path(HOSTILE_DIR);
    for (i, name) in hostile_names().iter().enumerate() {
        let p = dir.join(std::ffi::OsStr::from_bytes(name));
        fs::write(&p, vec![b'h'; 100 + i]).expect("write hostile");
    }
    let sub = dir.join(std::ffi::OsStr::from_bytes(b"-dir\n $(x) '\xff"));
    fs::create_dir_all(&sub).expect("mkdir hostile");
    fs::write(sub.join("f.bin"), b"hostile folder").expect("write");
    // Hard links: a 3.x image also in 4.x attach (both links inside), and a cache file
    // linked from outside the container (never freed).
    f.hardlink(
        &a3(&format!("Message/MessageTemp/{c}/Image/1_.pic.jpg")),
        &m4(&format!("msg/attach/{c}/2022-01/Img/linked.dat")),
    );
    f.sized(&m4("cache/2024-05/shared.bin"), 2222)
        .hardlink(&m4("cache/2024-05/shared.bin"), "outside/shared.bin");
    f
}

/// Regular files under `root` whose every link is under one of `paths` (or is one of
/// them): the bytes a plan of `paths` frees, counted independently of the tool.
pub fn freed_by(paths: &[PathBuf]) -> (u64, u64) {
    use std::collections::HashMap;
    let mut seen: HashMap<(u64, u64), (u64, u64, u64)> = HashMap::new();
    for p in paths {
        for e in walkdir::WalkDir::new(p).follow_links(false) {
            let e = e.expect("walk");
            let m = e.metadata().expect("meta");
            if m.is_file() {
                let s = seen
                    .entry((m.dev(), m.ino()))
                    .or_insert((0, m.nlink(), m.len()));
                s.0 += 1;
            }
        }
    }
    let all: u64 = seen.values().map(|v| v.2).sum();
    let freed: u64 = seen.values().filter(|v| v.0 >= v.1).map(|v| v.2).sum();
    (all, freed)
}

/// What `schema` (a JSON Schema's text) finds wrong with `doc`, one line each.
pub fn schema_errors(schema: &str, doc: &serde_json::Value) -> Vec<String> {
    let schema: serde_json::Value = serde_json::from_str(schema).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect()
}

/// Fail unless `report` is valid by `docs/report-schema.json`.
pub fn assert_report_schema(report: &serde_json::Value) {
    let errors = schema_errors(include_str!("../../docs/report-schema.json"), report);
    assert!(errors.is_empty(), "{errors:#?}");
}

/// Send `signal` (`INT`, `TERM`, ...) to `child` and wait for it to end; fail if it
/// still runs after `limit`.
pub fn signal_and_wait(
    child: &mut std::process::Child,
    signal: &str,
    limit: Duration,
) -> std::process::ExitStatus {
    assert!(std::process::Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap()
        .success());
    let sent = std::time::Instant::now();
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            println!("stopped {:?} after SIG{signal}: {s:?}", sent.elapsed());
            return s;
        }
        if sent.elapsed() > limit {
            let _ = child.kill();
            panic!("still running {limit:?} after SIG{signal}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}
