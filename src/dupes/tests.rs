//! The engine against hand-made trees and, by property test, against a naive reference
//! that reads every file whole and groups by content.

use super::*;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn candidates(root: &Path, min_size: u64) -> Candidates<()> {
    let mut c = Candidates::new(min_size);
    assert!(enumerate(root, (), 2, &mut c).is_empty());
    c
}

fn run(root: &Path, min_size: u64, threads: usize) -> Dupes<()> {
    find(candidates(root, min_size), &Options { threads }, None)
}

/// Each group as the set of its paths relative to `root`.
fn path_sets<T>(d: &Dupes<T>, root: &Path) -> BTreeSet<BTreeSet<String>> {
    let prefix = format!("{}/", root.display());
    d.groups
        .iter()
        .map(|g| {
            g.files
                .iter()
                .map(|f| f.path.strip_prefix(&prefix).unwrap_or(&f.path).to_string())
                .collect()
        })
        .collect()
}

fn set(groups: &[&[&str]]) -> BTreeSet<BTreeSet<String>> {
    groups
        .iter()
        .map(|g| g.iter().map(|p| p.to_string()).collect())
        .collect()
}

fn write(root: &Path, rel: &str, content: &[u8]) -> PathBuf {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(&p, content).unwrap();
    p
}

/// Deterministic bytes (splitmix64), `seed` picks the stream.
fn bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x1234_5678;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        out.extend_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    out.truncate(len);
    out
}

/// A small WeChat-like tree: a forwarded image hard-linked in two chats plus an
/// unlinked copy in a third, a "(1)" file that is not a duplicate, a "(1)" file that
/// is, same-size decoys that differ at the head, the tail or only in the middle, and
/// empty files.
fn planted(root: &Path) {
    let img = bytes(1, 50_000);
    let a = write(root, "chat1/Img/aa.dat", &img);
    fs::hard_link(&a, root.join("chat1/Img/aa_link.dat")).unwrap();
    fs::create_dir_all(root.join("chat2/Img")).unwrap();
    fs::hard_link(&a, root.join("chat2/Img/aa.dat")).unwrap();
    write(root, "chat3/Img/aa.dat", &img);
    // Only hard links: not duplicates.
    let solo = write(root, "chat1/File/solo.pdf", &bytes(2, 9_000));
    fs::create_dir_all(root.join("chat2/File")).unwrap();
    fs::hard_link(&solo, root.join("chat2/File/solo.pdf")).unwrap();
    // "(1)" names: one differs (same size), one is a copy.
    write(root, "file/2025-01/report.pdf", &bytes(3, 20_000));
    write(root, "file/2025-01/report (1).pdf", &bytes(4, 20_000));
    write(root, "file/2025-01/notes.txt", b"same small text\n");
    write(root, "file/2025-01/notes (1).txt", b"same small text\n");
    // Same size, same head and tail, different middle; and head-only / tail-only changes.
    let base = bytes(5, 100_000);
    let mut mid = base.clone();
    mid[50_000] ^= 1;
    let mut head = base.clone();
    head[0] ^= 1;
    let mut tail = base.clone();
    tail[99_999] ^= 1;
    write(root, "video/base.mp4", &base);
    write(root, "video/mid.mp4", &mid);
    write(root, "video/head.mp4", &head);
    write(root, "video/tail.mp4", &tail);
    // Sizes around the sample boundaries, each with a copy.
    for (i, n) in [1usize, 4095, 4096, 4097, 8191, 8192, 8193, 12_288]
        .iter()
        .enumerate()
    {
        let b = bytes(100 + i as u64, *n);
        write(root, &format!("edge/{n}"), &b);
        write(root, &format!("edge/{n}.copy"), &b);
        let mut other = b.clone();
        other[n / 2] ^= 0xff;
        write(root, &format!("edge/{n}.other"), &other);
    }
    // Empty files.
    write(root, "empty/a", b"");
    write(root, "empty/b", b"");
    // A symbolic link to a duplicate: never followed, never compared.
    std::os::unix::fs::symlink(root.join("chat3/Img/aa.dat"), root.join("chat3/link.dat")).unwrap();
}

fn planted_groups() -> BTreeSet<BTreeSet<String>> {
    let mut want = set(&[
        &[
            "chat1/Img/aa.dat",
            "chat1/Img/aa_link.dat",
            "chat2/Img/aa.dat",
            "chat3/Img/aa.dat",
        ],
        &["file/2025-01/notes (1).txt", "file/2025-01/notes.txt"],
    ]);
    for n in [1, 4095, 4096, 4097, 8191, 8192, 8193, 12_288] {
        want.insert([format!("edge/{n}"), format!("edge/{n}.copy")].into());
    }
    want
}

#[test]
fn finds_the_planted_groups_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    planted(dir.path());
    for threads in [1, 3] {
        let d = run(dir.path(), 1, threads);
        assert_eq!(
            path_sets(&d, dir.path()),
            planted_groups(),
            "threads {threads}"
        );
        assert!(d.issues.is_empty(), "{:?}", d.issues);
        // The forwarded image: 2 inodes, the linked one fully inside the group.
        let img = d.groups.iter().find(|g| g.size == 50_000).unwrap();
        assert_eq!(
            (img.inodes, img.unique_bytes, img.files.len()),
            (2, 50_000, 4)
        );
        assert_eq!(img.hash, blake3::hash(&bytes(1, 50_000)).to_hex().as_str());
        assert_eq!(d.totals.groups, 10);
        assert_eq!(d.totals.group_files, 4 + 2 + 16);
        assert_eq!(d.totals.group_inodes, 2 + 2 + 16);
        assert_eq!(d.totals.below_min_size, 2);
        assert_eq!(d.algorithm, "blake3");
    }
}

#[test]
fn a_path_given_twice_is_one_file() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a/x", b"same");
    write(dir.path(), "a/y", b"other");
    let mut c = candidates(dir.path(), 1);
    enumerate(&dir.path().join("a"), (), 2, &mut c);
    assert!(find(c, &Options::default(), None).groups.is_empty());
    write(dir.path(), "b/x", b"same");
    let mut c = candidates(dir.path(), 1);
    enumerate(&dir.path().join("a"), (), 2, &mut c);
    let d = find(c, &Options::default(), None);
    assert_eq!(path_sets(&d, dir.path()), set(&[&["a/x", "b/x"]]));
    assert_eq!(d.totals.files, 3);
}

#[test]
fn a_member_fits_in_a_cache_line_and_a_candidate_in_48_bytes() {
    assert!(std::mem::size_of::<Member>() <= 64);
    assert_eq!(std::mem::size_of::<super::candidates::Entry<u32>>(), 48);
}

#[test]
fn the_order_is_stable_and_by_reclaimable_bytes() {
    let dir = tempfile::tempdir().unwrap();
    planted(dir.path());
    let a = run(dir.path(), 1, 1);
    let b = run(dir.path(), 1, 4);
    assert_eq!(a, b);
    let keys: Vec<_> = a.groups.iter().map(|g| (g.unique_bytes, g.size)).collect();
    let mut sorted = keys.clone();
    sorted.sort_by(|x, y| y.cmp(x));
    assert_eq!(keys, sorted);
    for g in &a.groups {
        let paths: Vec<_> = g.files.iter().map(|f| f.path.clone()).collect();
        let mut s = paths.clone();
        s.sort();
        assert_eq!(paths, s);
    }
}

#[test]
fn empty_files_group_only_with_min_size_zero() {
    let dir = tempfile::tempdir().unwrap();
    planted(dir.path());
    let d = run(dir.path(), 0, 2);
    let mut want = planted_groups();
    want.insert(set(&[&["empty/a", "empty/b"]]).into_iter().next().unwrap());
    assert_eq!(path_sets(&d, dir.path()), want);
    let empty = d.groups.iter().find(|g| g.size == 0).unwrap();
    assert_eq!(empty.unique_bytes, 0);
    assert_eq!(empty.hash, blake3::hash(b"").to_hex().as_str());
    // A high minimum leaves only the large files.
    let d = run(dir.path(), 50_000, 2);
    assert_eq!(d.groups.len(), 1);
    assert_eq!(d.totals.files, 8);
}

#[test]
fn links_outside_the_group_free_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let content = bytes(9, 10_000);
    let a = write(dir.path(), "a", &content);
    let b = write(dir.path(), "b", &content);
    // `a` has a second link outside the scanned folder: removing it frees nothing, so
    // keeping `a` and removing `b` frees one copy.
    fs::hard_link(&a, outside.path().join("a")).unwrap();
    let d = run(dir.path(), 1, 2);
    assert_eq!(d.groups[0].unique_bytes, 10_000);
    assert_eq!(d.groups[0].files[0].nlink, 2);
    // Both linked outside: nothing.
    fs::hard_link(&b, outside.path().join("b")).unwrap();
    let d = run(dir.path(), 1, 2);
    assert_eq!((d.groups[0].unique_bytes, d.totals.unique_bytes), (0, 0));
    // Three unlinked copies: two can go.
    fs::remove_file(outside.path().join("a")).unwrap();
    fs::remove_file(outside.path().join("b")).unwrap();
    write(dir.path(), "c", &content);
    let d = run(dir.path(), 1, 2);
    assert_eq!(d.groups[0].unique_bytes, 20_000);
}

#[test]
fn vanished_changed_and_replaced_files_are_issues() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let content = bytes(11, 30_000);
    for name in ["a", "b", "c", "d"] {
        write(root, name, &content);
    }
    let e = write(root, "e", &content);
    fs::hard_link(&e, root.join("e2")).unwrap();
    fs::hard_link(&e, root.join("e3")).unwrap();
    let c = candidates(root, 1);
    // After the walk: `a` vanishes, `b` changes (same size, new mtime), `c` becomes a
    // symbolic link, the first link to `e` vanishes and its last is replaced.
    fs::remove_file(root.join("a")).unwrap();
    let mut changed = content.clone();
    changed[0] ^= 1;
    std::thread::sleep(std::time::Duration::from_millis(20));
    fs::write(root.join("b"), &changed).unwrap();
    fs::remove_file(root.join("c")).unwrap();
    std::os::unix::fs::symlink(root.join("d"), root.join("c")).unwrap();
    fs::remove_file(root.join("e")).unwrap();
    fs::remove_file(root.join("e3")).unwrap();
    write(root, "e3", &content);
    let progress = Progress::default();
    let d = find(c, &Options { threads: 2 }, Some(&progress));
    assert_eq!(path_sets(&d, root), set(&[&["d", "e2"]]));
    let kinds: Vec<_> = d
        .issues
        .iter()
        .map(|i| {
            (
                i.path.rsplit('/').next().unwrap().to_string(),
                i.kind.clone(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("a", "vanished"),
            ("b", "changed"),
            ("c", "changed"),
            ("e", "vanished"),
            ("e3", "changed")
        ]
        .map(|(p, k)| (p.to_string(), k.to_string()))
    );
    // e2 is the only link left of three: it frees nothing (walk said nlink 3).
    assert_eq!(d.groups[0].unique_bytes, 30_000);
    assert_eq!(progress.snapshot().phase, Phase::Done);
}

#[test]
fn progress_counts_the_sampled_and_hashed_files() {
    let dir = tempfile::tempdir().unwrap();
    planted(dir.path());
    let p = Progress::default();
    let c = candidates(dir.path(), 1);
    // Poll it from another thread while the search runs, as a progress line would.
    let mut phases = BTreeSet::new();
    let d = std::thread::scope(|s| {
        let h = s.spawn(|| find(c, &Options { threads: 2 }, Some(&p)));
        while !h.is_finished() {
            let snap = p.snapshot();
            phases.insert(format!("{:?}", snap.phase));
            assert!(!snap.line().is_empty());
        }
        h.join().unwrap()
    });
    assert!(phases.len() <= 4);
    assert!(d.totals.sampled >= d.totals.hashed && d.totals.hashed >= d.totals.group_inodes);
    assert!(d.totals.bytes_read > 0);
    assert_eq!(p.snapshot().phase, Phase::Done);
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
struct Chat {
    account: u32,
    chat: u32,
}

#[test]
fn attribution_is_carried_and_flattened_into_json() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "x/1", b"hello");
    write(dir.path(), "y/1", b"hello");
    let mut c = Candidates::new(1);
    enumerate(
        &dir.path().join("x"),
        Chat {
            account: 1,
            chat: 2,
        },
        2,
        &mut c,
    );
    enumerate(
        &dir.path().join("y"),
        Chat {
            account: 1,
            chat: 3,
        },
        2,
        &mut c,
    );
    let d = find(c, &Options::default(), None);
    let v = serde_json::to_value(&d).unwrap();
    let f = &v["groups"][0]["files"][1];
    assert_eq!(
        (f["account"].as_u64(), f["chat"].as_u64()),
        (Some(1), Some(3))
    );
    assert!(f["path"].as_str().unwrap().ends_with("y/1"));
    assert_eq!(
        v["groups"][0]["hash"],
        blake3::hash(b"hello").to_hex().as_str()
    );
    // With no attribution, nothing is added.
    let unit = run(dir.path(), 1, 1);
    let f = &serde_json::to_value(&unit).unwrap()["groups"][0]["files"][0];
    assert_eq!(
        f.as_object().unwrap().keys().cloned().collect::<Vec<_>>(),
        ["dev", "ino", "nlink", "path"]
    );
}

#[test]
fn non_utf8_names_are_escaped_in_the_model() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let name = std::ffi::OsStr::from_bytes(b"bad\xffname");
    fs::write(dir.path().join(name), b"same").unwrap();
    fs::write(dir.path().join("good"), b"same").unwrap();
    let d = run(dir.path(), 1, 1);
    assert!(d.groups[0]
        .files
        .iter()
        .any(|f| f.path.ends_with("bad\\xffname")));
}

// ---- Property test: the engine against a naive reference ----

/// One planned file: where it goes and what is in it.
#[derive(Debug, Clone)]
enum Plan {
    /// New content: `base` picks a stream, `len` the size, `tweak` a byte to flip.
    New {
        base: u8,
        len: usize,
        tweak: Option<usize>,
    },
    /// A hard link to an earlier file (index modulo the files so far).
    Link(usize),
    /// A copy of an earlier file.
    Copy(usize),
}

fn plan() -> impl Strategy<Value = Plan> {
    let len = prop_oneof![
        Just(0usize),
        1usize..64,
        4090usize..4100,
        8188usize..8200,
        Just(20_000usize),
    ];
    prop_oneof![
        4 => (0u8..4, len, proptest::option::of(0usize..20_000))
            .prop_map(|(base, len, tweak)| Plan::New { base, len, tweak }),
        1 => (0usize..64).prop_map(Plan::Link),
        2 => (0usize..64).prop_map(Plan::Copy),
    ]
}

/// Build the tree; returns each file's path relative to the root.
fn build(root: &Path, plans: &[Plan]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (i, p) in plans.iter().enumerate() {
        // "(1)" names next to plain ones, in two chats.
        let name = format!("chat{}/f{} (1).dat", i % 2, i / 2);
        let path = root.join(&name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        match p {
            Plan::New { base, len, tweak } => {
                let mut b = bytes(u64::from(*base), *len);
                if let Some(t) = tweak.filter(|t| t < len) {
                    b[t] ^= 0x5a;
                }
                fs::write(&path, &b).unwrap();
            }
            Plan::Link(j) | Plan::Copy(j) if names.is_empty() => {
                let _ = j;
                fs::write(&path, b"x").unwrap();
            }
            Plan::Link(j) => fs::hard_link(root.join(&names[j % names.len()]), &path).unwrap(),
            Plan::Copy(j) => {
                fs::copy(root.join(&names[j % names.len()]), &path).unwrap();
            }
        }
        names.push(name);
    }
    names
}

/// Read every file whole and group by content; groups need two distinct inodes.
fn reference(root: &Path, names: &[String], min_size: u64) -> BTreeSet<BTreeSet<String>> {
    type Paths = Vec<(String, (u64, u64))>;
    let mut by_content: BTreeMap<Vec<u8>, Paths> = BTreeMap::new();
    for n in names {
        let p = root.join(n);
        let Ok(m) = fs::symlink_metadata(&p) else {
            continue;
        };
        if m.len() < min_size {
            continue;
        }
        by_content
            .entry(fs::read(&p).unwrap())
            .or_default()
            .push((n.clone(), (m.dev(), m.ino())));
    }
    by_content
        .into_values()
        .filter(|files| files.iter().map(|f| f.1).collect::<BTreeSet<_>>().len() > 1)
        .map(|files| files.into_iter().map(|f| f.0).collect())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn matches_a_naive_reference(
        plans in proptest::collection::vec(plan(), 1..40),
        vanish in proptest::collection::vec(0usize..64, 0..4),
        min_size in prop_oneof![Just(0u64), Just(1u64), Just(4096u64)],
        threads in 1usize..4,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let names = build(root, &plans);
        let c = candidates(root, min_size);
        // Files that vanish between the walk and the reads.
        let mut gone = BTreeSet::new();
        for v in vanish {
            let n = &names[v % names.len()];
            if gone.insert(n.clone()) {
                fs::remove_file(root.join(n)).unwrap();
            }
        }
        let d = find(c, &Options { threads }, None);
        prop_assert_eq!(path_sets(&d, root), reference(root, &names, min_size));
        // Every issue is a vanished file, and only vanished files are issues.
        for i in &d.issues {
            prop_assert_eq!(&i.kind, "vanished");
            let rel = i.path.strip_prefix(&format!("{}/", root.display())).unwrap();
            prop_assert!(gone.contains(rel));
        }
        // unique_bytes follows its definition.
        for g in &d.groups {
            let mut per_inode: BTreeMap<u64, (u64, u64)> = BTreeMap::new();
            for f in &g.files {
                let e = per_inode.entry(f.ino).or_insert((0, f.nlink));
                e.0 += 1;
            }
            let contained = per_inode.values().filter(|(seen, nlink)| nlink <= seen).count() as u64;
            prop_assert_eq!(g.inodes, per_inode.len() as u64);
            prop_assert_eq!(g.unique_bytes, g.size * contained.min(g.inodes - 1));
            let content = fs::read(&g.files[0].path).unwrap();
            prop_assert_eq!(&g.hash, &blake3::hash(&content).to_hex().to_string());
        }
    }
}

#[test]
fn enumerate_lists_regular_files_only_and_never_follows_links() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    write(&root, "a/b/c/deep", b"1");
    write(&root, "a/top", b"22");
    write(&root, "a/b/mid", b"333");
    write(&root, "empty", b"");
    let outside = write(dir.path(), "outside/file", b"4444");
    std::os::unix::fs::symlink(&outside, root.join("a/link")).unwrap();
    std::os::unix::fs::symlink(outside.parent().unwrap(), root.join("a/dirlink")).unwrap();
    let _ = std::process::Command::new("mkfifo")
        .arg(root.join("a/fifo"))
        .status();
    let mut c = Candidates::new(1);
    for threads in [1, 3] {
        c = Candidates::new(1);
        assert!(enumerate(&root, (), threads, &mut c).is_empty());
        let mut names: Vec<_> = c.entries.iter().map(|e| c.path(e)).collect();
        names.sort();
        let want: Vec<Vec<u8>> = ["a/b/c/deep", "a/b/mid", "a/top"]
            .iter()
            .map(|p| root.join(p).into_os_string().into_encoded_bytes())
            .collect();
        assert_eq!(names, want);
        assert_eq!(c.below_min(), 1);
    }
    // A root that is a file, or a symbolic link to a folder (followed: the user named it).
    let mut one = Candidates::new(1);
    assert!(enumerate(&outside, (), 2, &mut one).is_empty());
    assert_eq!(one.len(), 1);
    let link = dir.path().join("rootlink");
    std::os::unix::fs::symlink(&root, &link).unwrap();
    let mut via = Candidates::new(1);
    assert!(enumerate(&link, (), 2, &mut via).is_empty());
    assert_eq!(via.len(), c.len());
    // A missing root is an issue.
    let mut none = Candidates::<()>::new(1);
    let issues = enumerate(&dir.path().join("missing"), (), 2, &mut none);
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].kind, "vanished");
}
