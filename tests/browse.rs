//! `browse`: screens drawn on ratatui's `TestBackend` (insta snapshots), journeys (key
//! sequences to states, marks and the plan they make), the terminal checks, and one
//! real terminal: tmux runs the binary on `sample_container`, keys are sent, the
//! screen is read back, and the terminal is checked after quit.

use crate::util::*;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use std::path::Path;
use std::time::{Duration, Instant};
use wechat_inspect::browse::{view, State, View};

fn state_of(path: &Path) -> State {
    let mut report = wechat_inspect::browse::scan_path(path, 2, NOW).expect("scan");
    State::from_report(&mut report, true, false)
}

/// [`NOW`] in seconds since the epoch.
fn now_secs() -> i64 {
    chrono::DateTime::parse_from_rfc3339(NOW)
        .unwrap()
        .timestamp()
}

fn key(s: &mut State, c: char) {
    s.press(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
}

fn code(s: &mut State, c: KeyCode) {
    s.press(KeyEvent::new(c, KeyModifiers::NONE));
}

/// Move the cursor to the row named `name` (from the top), or fail.
fn go_to(s: &mut State, name: &str) {
    let (title, rows) = s.rows();
    let at = rows
        .iter()
        .position(|r| r == name)
        .unwrap_or_else(|| panic!("no row {name:?} in {title:?}: {rows:?}"));
    key(s, 'g');
    for _ in 0..at {
        key(s, 'j');
    }
    assert_eq!(s.cursor().map(|c| c.0).as_deref(), Some(name));
}

fn open(s: &mut State, name: &str) {
    go_to(s, name);
    key(s, 'l');
}

/// The folders view (`t`), opened down `steps` from the top.
fn folders_at(s: &mut State, steps: &[&str]) {
    key(s, 't');
    for step in steps {
        open(s, step);
    }
}

/// The screen as text: one line per row, a wide character's second cell left out.
fn screen(s: &mut State, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| view::draw(s, f)).expect("draw");
    let buf = t.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..h {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..w {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
            line.push_str(sym);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn moved() -> (Fake, State) {
    let f = moved_mac_for_plan();
    let s = state_of(&f.path("Data"));
    (f, s)
}

#[test]
fn browse_meaning_view_screen() {
    let (_f, mut s) = moved();
    assert_eq!(s.view(), View::Meaning);
    insta::assert_snapshot!("browse_meaning", screen(&mut s, 100, 24));
    open(&mut s, "Chat images");
    insta::assert_snapshot!("browse_meaning_chat_images", screen(&mut s, 100, 24));
}

/// Chat names (from `--names` or the key: both end as the chats' labels) name the chat
/// rows, escaped; with --redact they do not show.
#[test]
fn browse_names_chats_when_labels_are_known() {
    let f = moved_mac_for_plan();
    let scanned = || {
        let mut r = wechat_inspect::browse::scan_path(&f.path("Data"), 2, NOW).expect("scan");
        for c in r.chats.iter_mut() {
            c.label = Some(format!("Ann \u{1b}[31m\u{202e}小明 {}", &c.chat[..4]));
        }
        r
    };
    let mut s = State::from_report(&mut scanned(), true, false);
    open(&mut s, "Chat images");
    open(&mut s, "wxid_ck85xup8b1bj21_9f3c");
    let named = screen(&mut s, 100, 24);
    insta::assert_snapshot!("browse_chat_names", named);
    assert!(named.contains("Ann") && named.contains("小明"), "{named}");
    assert!(
        !named.contains('\u{1b}') && !named.contains('\u{202e}'),
        "{named}"
    );
    let mut hidden = State::from_report(&mut scanned(), true, true);
    open(&mut hidden, "Chat images");
    key(&mut hidden, 'l');
    let redacted = screen(&mut hidden, 100, 24);
    assert!(
        !redacted.contains("Ann") && !redacted.contains("小明"),
        "{redacted}"
    );
}

#[test]
fn browse_folder_view_screen_and_small_terminal() {
    let (_f, mut s) = moved();
    key(&mut s, 't');
    assert_eq!(s.view(), View::Folders);
    open(&mut s, "Documents/");
    insta::assert_snapshot!("browse_folders", screen(&mut s, 100, 24));
    insta::assert_snapshot!("browse_folders_60x15", screen(&mut s, 60, 15));
    // Resizing is just a draw at another size; even a tiny one does not fail.
    let tiny = screen(&mut s, 10, 3);
    assert!(tiny.contains("window"), "{tiny}");
}

#[test]
fn browse_help_screen() {
    let (_f, mut s) = moved();
    key(&mut s, '?');
    assert!(s.help_shown());
    insta::assert_snapshot!("browse_help", screen(&mut s, 80, 24));
    // `q` closes the help; it does not quit from there.
    key(&mut s, 'q');
    assert!(!s.help_shown() && !s.done());
    // Ctrl-C quits even from the help screen.
    key(&mut s, '?');
    s.press(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(s.done());
}

#[test]
fn browse_hostile_and_wide_names_are_escaped_and_cut_by_width() {
    let (_f, mut s) = moved();
    folders_at(&mut s, &["Library/", "Caches/", "com.tencent.xinWeChat/"]);
    key(&mut s, 'n');
    let wide = screen(&mut s, 100, 24);
    insta::assert_snapshot!("browse_hostile_names", wide);
    assert!(!wide.contains('\u{1b}') && !wide.contains('\r'));
    // Cut by display width at 60 columns: each line fits, no character split.
    let narrow = screen(&mut s, 60, 15);
    for line in narrow.lines() {
        assert!(unicode_width::UnicodeWidthStr::width(line) <= 60, "{line}");
    }
    insta::assert_snapshot!("browse_hostile_names_60x15", narrow);
}

#[test]
fn browse_marks_screen_and_plan() {
    let (f, mut s) = moved();
    folders_at(&mut s, &["Library/", "Caches/"]);
    // The caches folder holds Cache.db (never): marked, but the database stays out.
    go_to(&mut s, "com.tencent.xinWeChat/");
    assert_eq!(s.cursor().map(|c| c.1), Some("never"));
    key(&mut s, ' ');
    assert_eq!(s.mark_count(), 1);
    assert!(
        s.status().contains("stay out of the plan"),
        "{}",
        s.status()
    );
    insta::assert_snapshot!("browse_marks", screen(&mut s, 100, 24));
    let plan = s.plan_from_disk(now_secs());
    let json = serde_json::to_value(&plan).unwrap();
    check_plan_schema(&json);
    let paths: Vec<String> = plan.items.iter().map(|i| i.path.clone()).collect();
    assert!(!paths.iter().any(|p| p.ends_with("Cache.db")), "{paths:?}");
    assert!(
        paths.iter().any(|p| p.ends_with("loose.cache")),
        "{paths:?}"
    );
    assert!(plan.items.iter().all(|i| i.tier.id() != "never"));
    // Each item is under the marked folder.
    let dir = f.path(HOSTILE_DIR);
    let dir = dir.to_str().unwrap();
    assert!(paths.iter().all(|p| p.starts_with(dir)), "{paths:?}");
}

/// A folder marked whole is a folder item that carries the folder's own `lstat` for
/// the script to re-check (the browser's scan keeps them; `scan`'s does not).
#[test]
fn browse_plan_folder_items_carry_the_folders_lstat() {
    use std::os::unix::fs::MetadataExt;
    let (_f, mut s) = moved();
    folders_at(&mut s, &["Library/", "Caches/", "com.tencent.xinWeChat/"]);
    go_to(&mut s, "fsCachedData/");
    key(&mut s, ' ');
    let plan = s.plan_from_disk(now_secs());
    assert_eq!(plan.items.len(), 1, "{:?}", plan.items);
    let i = &plan.items[0];
    assert_eq!(i.kind, "folder", "{i:?}");
    assert!(i.path.ends_with("/fsCachedData"), "{i:?}");
    let m = std::fs::symlink_metadata(&i.path).expect("the folder");
    assert_eq!(
        (i.dev, i.ino, i.size, i.mtime, i.nlink),
        (m.dev(), m.ino(), m.size(), m.mtime(), m.nlink())
    );
}

fn check_plan_schema(plan: &serde_json::Value) {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/plan-schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let v = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = v.iter_errors(plan).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn browse_never_rows_cannot_be_marked() {
    let (_f, mut s) = moved();
    go_to(&mut s, "Message databases");
    assert_eq!(s.cursor().map(|c| c.1), Some("never"));
    key(&mut s, ' ');
    assert_eq!(s.mark_count(), 0);
    assert!(
        s.status().starts_with("never-tier, cannot be marked"),
        "{}",
        s.status()
    );
    // A never-tier file cannot be marked either.
    folders_at(&mut s, &["Library/", "Caches/", "com.tencent.xinWeChat/"]);
    go_to(&mut s, "Cache.db");
    key(&mut s, ' ');
    assert_eq!(s.mark_count(), 0);
}

#[test]
fn browse_journey_meaning_marks_become_a_plan() {
    let (_f, mut s) = moved();
    // Mark the whole "Logs" category and one old chat image folder's files.
    go_to(&mut s, "Logs");
    key(&mut s, ' ');
    open(&mut s, "Chat images");
    let (title, rows) = s.rows();
    assert_eq!(title, "Chat images");
    assert!(!rows.is_empty());
    code(&mut s, KeyCode::Enter); // the first account
    code(&mut s, KeyCode::Right); // its first chat
    key(&mut s, 'l'); // its first month
    let (_, folders) = s.rows();
    assert!(folders.iter().all(|r| r.ends_with('/')), "{folders:?}");
    key(&mut s, ' ');
    assert_eq!(s.mark_count(), 2);
    // Back up to the top with h, Left and Backspace.
    key(&mut s, 'h');
    code(&mut s, KeyCode::Left);
    code(&mut s, KeyCode::Backspace);
    code(&mut s, KeyCode::Backspace);
    assert_eq!(s.rows().0, "all categories");
    code(&mut s, KeyCode::Backspace);
    assert_eq!(s.status(), "at the top");
    let plan = s.plan_from_disk(now_secs());
    check_plan_schema(&serde_json::to_value(&plan).unwrap());
    assert!(
        plan.items.iter().any(|i| i.category == "logs"),
        "{:?}",
        plan.items
    );
    assert!(
        plan.items.iter().any(|i| i.category == "chat-images"),
        "{:?}",
        plan.items
    );
    assert!(plan.items.iter().all(|i| i.tier.id() != "never"));
    assert_eq!(plan.totals.items, plan.items.len() as u64);
    let sum: u64 = plan.items.iter().map(|i| i.bytes).sum();
    assert!(sum >= plan.totals.unique_bytes);
    // Unmarking: Space again on the same row.
    key(&mut s, 'g');
    go_to(&mut s, "Logs");
    key(&mut s, ' ');
    assert_eq!(s.mark_count(), 1);
}

#[test]
fn browse_journey_sort_units_and_sizes() {
    let (_f, mut s) = moved();
    let by_size = s.rows().1;
    key(&mut s, 'n');
    let by_name = s.rows().1;
    let mut sorted = by_name.clone();
    sorted.sort();
    assert_eq!(by_name, sorted);
    key(&mut s, 'n');
    let reversed: Vec<String> = sorted.iter().rev().cloned().collect();
    assert_eq!(s.rows().1, reversed);
    key(&mut s, 's');
    assert_eq!(s.rows().1, by_size);
    key(&mut s, 'C');
    key(&mut s, 'M');
    assert_eq!(s.rows().1.len(), by_size.len());
    // Units and on-disk sizes show in the frame.
    let before = screen(&mut s, 100, 24);
    key(&mut s, 'u');
    key(&mut s, 'a');
    let after = screen(&mut s, 100, 24);
    assert!(before.contains("KiB") && after.contains("kB"), "{after}");
    assert!(after.contains("on disk"), "{after}");
    // G and g.
    key(&mut s, 'G');
    assert_eq!(s.cursor().map(|c| c.0), s.rows().1.last().cloned());
    key(&mut s, 'g');
    assert_eq!(s.cursor().map(|c| c.0), s.rows().1.first().cloned());
    key(&mut s, 'q');
    assert!(s.done());
}

#[test]
fn browse_redacted_names() {
    let f = moved_mac_for_plan();
    let mut report = wechat_inspect::browse::scan_path(&f.path("Data"), 2, NOW).expect("scan");
    let mut s = State::from_report(&mut report, true, true);
    open(&mut s, "Chat images");
    let text = screen(&mut s, 100, 24);
    assert!(
        !text.contains(MOVED4) && !text.contains(ACCT3) && !text.contains("wxid_ck85"),
        "{text}"
    );
}

#[test]
fn browse_from_a_saved_report() {
    let (f, mut live) = moved();
    let json = f.scan_json("Data", &["--folders", "--now", NOW]);
    let saved = f.path("saved.json");
    std::fs::write(&saved, serde_json::to_vec(&json).unwrap()).unwrap();
    let mut report = wechat_inspect::browse::load_saved(&saved).expect("load");
    let mut s = State::from_report(&mut report, false, false);
    // The same folders and sizes as the live scan.
    for st in [&mut live, &mut s] {
        key(st, 't');
        open(st, "Library/");
        open(st, "Caches/");
    }
    assert_eq!(s.rows(), live.rows());
    assert_eq!(screen(&mut s, 100, 24), screen(&mut live, 100, 24));
    // Files are not listed from a saved report; marks are kept as paths.
    open(&mut s, "com.tencent.xinWeChat/");
    let (_, rows) = s.rows();
    assert!(
        rows.iter().any(|r| r.contains("not listed: saved report")),
        "{rows:?}"
    );
    key(&mut s, 'h');
    key(&mut s, ' ');
    assert_eq!(s.mark_count(), 1);
    assert_eq!(
        s.mark_paths(),
        vec!["Library/Caches/com.tencent.xinWeChat".to_string()]
    );
    // A report without the folder tree is refused with a sentence.
    let plain = f.scan_json("Data", &["--now", NOW]);
    std::fs::write(&saved, serde_json::to_vec(&plain).unwrap()).unwrap();
    let err = wechat_inspect::browse::load_saved(&saved)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("--folders"), "{err}");
}

#[test]
fn browse_needs_a_terminal() {
    // Not a TTY: exit 2 with one sentence, before any scan (the path does not exist).
    let f = Fake::new();
    let out = f
        .cmd()
        .args(["browse", "/nonexistent/wechat"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("browse needs a terminal"), "{err}");
    assert!(out.stdout.is_empty());
}

// ---------------------------------------------------------------------------
// A real terminal: tmux.
// ---------------------------------------------------------------------------

struct Tmux {
    socket: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> String {
        let out = std::process::Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "t"])
    }

    fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "waited for {text:?}:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.run(&["kill-server"]);
    }
}

fn tmux_session(test: &str, command: &str) -> Option<Tmux> {
    require_tool("tmux", test)?;
    let t = Tmux {
        socket: format!("wi-browse-{}-{test}", std::process::id()),
    };
    t.run(&[
        "new-session",
        "-d",
        "-s",
        "t",
        "-x",
        "80",
        "-y",
        "24",
        "sh",
        "-c",
        command,
    ]);
    Some(t)
}

/// `browse ARGS` in a tmux pane; when it ends, the pane shows `EXIT=<status>` and the
/// terminal's canonical-mode flag (`icanon` or `-icanon`). `env` prefixes the command.
fn browse_in_tmux(test: &str, env: &str, args: &str) -> Option<Tmux> {
    let bin = assert_cmd::cargo::cargo_bin("wechat-inspect");
    let cmd = format!(
        "{env}'{}' browse {args}; echo \"EXIT=$?\"; stty -a | tr ' ' '\\n' | grep -x -- '-\\?icanon'; sleep 60",
        bin.display(),
    );
    tmux_session(test, &cmd)
}

#[test]
fn browse_in_tmux_on_the_sample() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_container");
    let before = snapshot_tree(&sample);
    let args = format!("'{}'", sample.display());
    let Some(t) = browse_in_tmux("browse_in_tmux_on_the_sample", "HOME=/nonexistent ", &args)
    else {
        return;
    };
    // A frame can be caught half drawn: wait for its footer, then its rows.
    t.wait_for("? help");
    let first = t.wait_for("Message databases");
    assert!(
        first.contains("by meaning") && first.contains("? help"),
        "{first}"
    );
    assert_eq!(
        t.run(&["display", "-p", "-t", "t", "#{alternate_on}"])
            .trim(),
        "1"
    );
    // Folder view, into Data/, down to Documents, mark it; then quit.
    t.run(&["send-keys", "-t", "t", "t"]);
    t.wait_for("by folder");
    t.run(&["send-keys", "-t", "t", "l"]);
    let data = t.wait_for("Documents/");
    assert!(data.contains("Library/"), "{data}");
    let rows: Vec<&str> = data.lines().collect();
    let at = rows.iter().position(|l| l.contains("Documents/")).unwrap();
    let cur = rows
        .iter()
        .position(|l| l.contains("Library/") || l.contains("Documents/"))
        .unwrap();
    for _ in cur..at {
        t.run(&["send-keys", "-t", "t", "j"]);
    }
    t.run(&["send-keys", "-t", "t", "Space"]);
    t.wait_for("1 marked");
    t.run(&["send-keys", "-t", "t", "q"]);
    let after = t.wait_for("icanon");
    assert!(after.contains("EXIT=0"), "{after}");
    // The terminal is back: canonical mode, the normal screen, and the planned paths.
    assert!(after.lines().any(|l| l.trim() == "icanon"), "{after}");
    assert_eq!(
        t.run(&["display", "-p", "-t", "t", "#{alternate_on}"])
            .trim(),
        "0"
    );
    assert!(after.contains("Documents/"), "{after}");
    assert!(!after.contains(".db\n"), "{after}");
    // Nothing written under the scanned tree.
    assert_eq!(before, snapshot_tree(&sample));
}

#[test]
fn browse_sigterm_restores_the_terminal() {
    let f = moved_mac_for_plan();
    let args = format!("'{}'", f.path("Data").display());
    let Some(t) = browse_in_tmux("browse_sigterm_restores_the_terminal", "", &args) else {
        return;
    };
    t.wait_for("? help");
    // The browser is the pane's shell's child.
    let shell = t.run(&["display", "-p", "-t", "t", "#{pane_pid}"]);
    let out = std::process::Command::new("pgrep")
        .args(["-P", shell.trim()])
        .output()
        .unwrap();
    let pid = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(!pid.is_empty(), "no browse process under {shell}");
    std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    let after = t.wait_for("icanon");
    assert!(after.contains("EXIT=143"), "{after}");
    assert!(after.lines().any(|l| l.trim() == "icanon"), "{after}");
    assert_eq!(
        t.run(&["display", "-p", "-t", "t", "#{alternate_on}"])
            .trim(),
        "0"
    );
}

#[test]
fn browse_ctrl_c_quits_from_the_help_screen() {
    let f = moved_mac_for_plan();
    let args = format!("'{}'", f.path("Data").display());
    let Some(t) = browse_in_tmux("browse_ctrl_c_quits_from_the_help_screen", "", &args) else {
        return;
    };
    t.wait_for("? help");
    t.run(&["send-keys", "-t", "t", "?"]);
    t.wait_for("this help");
    t.run(&["send-keys", "-t", "t", "C-c"]);
    let after = t.wait_for("icanon");
    // A normal quit: exit 1 for the fixture's unreadable files, no signal status.
    assert!(after.contains("EXIT=1"), "{after}");
    assert!(after.lines().any(|l| l.trim() == "icanon"), "{after}");
}

#[test]
fn browse_in_tmux_writes_the_plan_file() {
    let f = moved_mac_for_plan();
    let plan = f.path("out/plan.json");
    std::fs::create_dir_all(f.path("out")).unwrap();
    let before = snapshot_tree(&f.path("Data"));
    let args = format!(
        "'{}' -o '{}' --now {NOW}",
        f.path("Data").display(),
        plan.display(),
    );
    let Some(t) = browse_in_tmux("browse_in_tmux_writes_the_plan_file", "", &args) else {
        return;
    };
    // The largest category first: Backups (backups and their databases).
    let first = t.wait_for("? help");
    let top = first.lines().nth(2).unwrap_or_default();
    assert!(top.contains("Backups"), "{first}");
    t.run(&["send-keys", "-t", "t", "Space"]);
    t.wait_for("1 marked");
    t.run(&["send-keys", "-t", "t", "q"]);
    let after = t.wait_for("icanon");
    // Exit 1: the fake Mac has a corner the scan lists as an issue.
    assert!(
        after.contains("EXIT=1")
            && after.contains("issue(s) while scanning")
            && after.contains("planned; nothing was moved"),
        "{after}"
    );
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&plan).unwrap()).unwrap();
    check_plan_schema(&json);
    let items = json["items"].as_array().unwrap();
    assert!(!items.is_empty());
    for i in items {
        let p = i["path"].as_str().unwrap();
        assert!(p.contains("BAK_0_MEDIA") || p.contains("Backup"), "{p}");
        assert!(!p.ends_with(".db"), "{p}");
        assert_ne!(i["tier"], "never");
    }
    assert_eq!(before, snapshot_tree(&f.path("Data")));
}

/// No thread to spare (a process limit): the scan runs on the browser's own thread
/// and the browser opens as usual (before: exit 2, "cannot write <terminal>").
#[test]
fn browse_with_no_thread_to_spare() {
    let test = "browse_with_no_thread_to_spare";
    let Some(prlimit) = require_tool("prlimit", test) else {
        return;
    };
    let Some(prefix) = unprivileged_prefix() else {
        return;
    };
    let prefix = prefix.join(" ");
    let dir = tempfile::tempdir().unwrap();
    chmod(dir.path(), 0o755);
    let binary = public_binary(dir.path());
    let file = dir.path().join("c").join(a4("msg/file/2024-05/a.pdf"));
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, vec![b'x'; 3000]).unwrap();
    let cmd = format!(
        "{prefix} '{}' --nproc=1 '{}' browse '{}'; echo \"EXIT=$?\"; sleep 60",
        prlimit.display(),
        binary.display(),
        dir.path().join("c").display(),
    );
    let Some(t) = tmux_session(test, &cmd) else {
        return;
    };
    t.wait_for("? help");
    t.wait_for("Received files");
    t.run(&["send-keys", "-t", "t", "q"]);
    let after = t.wait_for("EXIT=");
    assert!(after.contains("EXIT=0"), "{after}");
}
