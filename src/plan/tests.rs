//! Property test: over random trees and random options, a plan holds exactly the
//! files the per-file rule allows (folders taken whole only when every file below
//! qualifies), never a `never`-tier file and never a protected chat's.

use super::select::{select, Context, Files, Within};
use super::{Age, Listed, Lister, PlanOptions, CAREFUL_DEFAULT_MONTHS};
use crate::model::folders::{DirMeta, RootPlace};
use crate::model::names::md5_hex;
use crate::tree::classify::tiers::{self, Tier};
use crate::tree::classify::{classify, Category, Layout};
use crate::tree::folders::FolderNotes;
use crate::tree::walk::FileMeta;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashSet};

const A3: &str = "1d35a41b3adb8b335cc59362ad55ee88"; // md5("wxid_ck85xup8b1bj21")
const A4: &str = "wxid_ck85xup8b1bj21_9f3c";
const C1: &str = "9e20f478899dc29eb19741386f9343c8";
const C2: &str = "0123456789abcdef0123456789abcdef";
const NOW: i64 = 1_793_491_200; // 2026-11-01

fn dirs() -> Vec<String> {
    let v3 = "Data/Library/Application Support/com.tencent.xinWeChat/2.0b4.0.9";
    let xf = "Data/Documents/xwechat_files";
    vec![
        format!("{v3}/{A3}/Message/MessageTemp/{C1}/Image"),
        format!("{v3}/{A3}/Message/MessageTemp/{C2}/File"),
        format!("{v3}/{A3}/Message"),
        format!("{v3}/Backup/{A3}/x"),
        format!("{v3}/KeyValue/{A3}"),
        format!("{v3}/Avatar"),
        format!("{xf}/{A4}/msg/attach/{C1}/2022-01/Img"),
        format!("{xf}/{A4}/msg/attach/{C2}/2022-01/Img"),
        format!("{xf}/{A4}/msg/file/2022-01"),
        format!("{xf}/{A4}/cache/2024-05/Message/{C1}"),
        format!("{xf}/{A4}/cache/2024-05"),
        format!("{xf}/{A4}/db_storage/message"),
        format!("{xf}/old_backup/{A3}/u"),
        format!("{xf}/all_users/login/w"),
        "Data/Library/Caches/com.tencent.xinWeChat".into(),
        "Data/Library/Caches/com.tencent.xinWeChat/fsCachedData".into(),
        "Data/Downloads".into(),
    ]
}

const NAMES: [&str; 7] = [
    "a.jpg", "b.db", "c.db-wal", "d.dat", "e.pdf", "f.mp4", "g.log",
];
const TIMES: [i64; 3] = [1_642_204_800, 1_715_731_200, 1_792_022_400];

/// A file of the random tree: (dir index, name index, time index, size).
type F = (usize, usize, usize, u64);

struct Mem(BTreeMap<Vec<u8>, Vec<Listed>>);

impl Lister for Mem {
    fn list(&mut self, path: &[u8]) -> Option<Vec<Listed>> {
        Some(self.0.get(path).cloned().unwrap_or_default())
    }
}

const BASE: &str = "/fake";

/// Build the tree the walk would, and the lister over the same files.
fn build(
    files: &[F],
) -> (
    crate::model::folders::FolderTree,
    Mem,
    Vec<(String, String, i64)>,
) {
    let dirs = dirs();
    let mut ids: BTreeMap<String, u32> = BTreeMap::new();
    ids.insert("Data".into(), 0);
    let mut notes = FolderNotes::new(Age::Months(CAREFUL_DEFAULT_MONTHS).before(NOW), true);
    let mut uniq: BTreeMap<String, (i64, u64)> = BTreeMap::new();
    for &(d, n, t, s) in files {
        uniq.insert(format!("{}/{}", dirs[d], NAMES[n]), (TIMES[t], s));
    }
    let mut next = 1u32;
    let mut mem = BTreeMap::new();
    let mut all = Vec::new();
    for (i, (path, (mtime, size))) in uniq.iter().enumerate() {
        let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
        // Folders along the way.
        let mut at = String::from("Data");
        for seg in dir.split('/').skip(1) {
            let parent = ids[&at];
            at = format!("{at}/{seg}");
            if !ids.contains_key(&at) {
                ids.insert(at.clone(), next);
                notes.folder(
                    next,
                    parent,
                    seg.as_bytes(),
                    &DirMeta {
                        size: 0,
                        mtime: 0,
                        dev: 1,
                        ino: u64::from(next),
                        nlink: 2,
                    },
                );
                next += 1;
            }
        }
        let meta = FileMeta {
            size: *size,
            allocated: *size,
            mtime: *mtime,
            mtime_nsec: 0,
            dev: 1,
            ino: 1000 + i as u64,
            nlink: 1,
        };
        let p = classify(path);
        notes.file(ids[dir], dir, name, p.category, "", &meta, true);
        let disk = format!("{BASE}/{dir}").into_bytes();
        mem.entry(disk).or_insert_with(Vec::new).push(Listed {
            name: name.as_bytes().to_vec(),
            meta,
        });
        all.push((format!("{BASE}/{path}"), path.clone(), *mtime));
    }
    let root = RootPlace {
        path: format!("{BASE}/Data").into_bytes(),
        canonical: "Data".into(),
        rel: "Data".into(),
    };
    let tree = notes.build(vec![(root, DirMeta::default())], Default::default());
    (tree, Mem(mem), all)
}

/// The per-file rule, written again from the tier table.
fn qualifies(canonical: &str, mtime: i64, o: &PlanOptions, leftover: bool) -> bool {
    let p = classify(canonical);
    let (dir, name) = canonical.rsplit_once('/').unwrap_or(("", canonical));
    let kind = tiers::folder_kind(dir);
    let row = tiers::file_row(p.category, kind, name, "");
    let in_tree = p.layout == Layout::Wechat3 && p.account == Some(A3) && kind.is_none();
    let tier = tiers::effective(row.tier, leftover && in_tree);
    if tier == Tier::Never || !o.tiers.contains(&tier) {
        return false;
    }
    if !o.categories.is_empty() && !o.categories.contains(&p.category) {
        return false;
    }
    let cut = match (o.older_than, tier) {
        (Some(a), _) => a.before(o.now),
        (None, Tier::Careful) => Age::Months(CAREFUL_DEFAULT_MONTHS).before(o.now),
        _ => i64::MAX,
    };
    if mtime >= cut {
        return false;
    }
    let media = matches!(
        p.category,
        Category::ChatImages
            | Category::ChatVideos
            | Category::ChatVoice
            | Category::ChatFiles
            | Category::ChatOther
    );
    match p.chat {
        Some(c) => {
            !o.protect.iter().any(|x| x == c)
                && (o.chats.is_empty() || o.chats.iter().any(|x| x == c))
        }
        None => o.chats.is_empty() && (!media || o.protect.is_empty()),
    }
}

fn options() -> impl Strategy<Value = PlanOptions> {
    (
        proptest::sample::subsequence(
            vec![Tier::Safe, Tier::Careful, Tier::Confirm, Tier::Never],
            0..=4,
        ),
        proptest::option::of(prop_oneof![
            Just(Age::Days(90)),
            Just(Age::Months(24)),
            Just(Age::Months(60))
        ]),
        proptest::sample::subsequence(Category::ALL.to_vec(), 0..3),
        proptest::sample::subsequence(vec![C1.to_string(), C2.to_string()], 0..=2),
        proptest::sample::subsequence(vec![C1.to_string(), C2.to_string()], 0..=2),
    )
        .prop_map(
            |(tiers, older_than, categories, chats, protect)| PlanOptions {
                tiers,
                older_than,
                categories,
                chats,
                protect,
                now: NOW,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn plans_hold_exactly_the_qualifying_files(
        files in proptest::collection::vec((0usize..17, 0usize..7, 0usize..3, 1u64..5000), 1..40),
        o in options(),
        with_v4 in any::<bool>(),
    ) {
        let mut files = files;
        if !with_v4 {
            // No 4.x account: the 3.x tree is not a leftover.
            files.retain(|f| !dirs()[f.0].contains(A4));
        }
        prop_assume!(!files.is_empty());
        let (tree, mut mem, all) = build(&files);
        let context = Context::new(&tree);
        let leftover = context.leftover.contains_key(A3);
        // 4.x account present and a 3.x folder of that account: the 3.x tree is left over.
        prop_assert_eq!(leftover, all.iter().any(|f| f.1.contains(A4)) && all.iter().any(|f| f.1.contains(A3)));
        let (items, totals, _) = select(&tree, &context, &HashSet::new(), &o, &Within(None), &mut Files::List(&mut mem), true);
        // The walk's tallies (what `scan`'s findings use) give the same bytes, or say
        // they are a lower bound.
        let mut tallied = Files::Tallied { inexact: false };
        let (_, t, _) = select(&tree, &context, &HashSet::new(), &o, &Within(None), &mut tallied, false);
        if matches!(tallied, Files::Tallied { inexact: true }) {
            prop_assert!(t.unique_bytes <= totals.unique_bytes);
        } else {
            prop_assert_eq!(t.unique_bytes, totals.unique_bytes);
        }
        let mut covered: BTreeSet<String> = BTreeSet::new();
        for it in &items {
            let p = &it.path;
            if it.kind == "file" {
                prop_assert!(covered.insert(p.clone()), "twice: {}", p);
            } else {
                let prefix = format!("{p}/");
                for f in all.iter().filter(|f| f.0.starts_with(&prefix)) {
                    prop_assert!(covered.insert(f.0.clone()), "twice: {}", f.0);
                }
            }
        }
        let want: BTreeSet<String> = all
            .iter()
            .filter(|f| qualifies(&f.1, f.2, &o, leftover))
            .map(|f| f.0.clone())
            .collect();
        prop_assert_eq!(&covered, &want);
        // No hard links here: every byte planned is freed.
        prop_assert_eq!(totals.unique_bytes, totals.bytes);
        prop_assert_eq!(md5_hex("wxid_ck85xup8b1bj21"), A3);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    /// `browse`'s marks: a plan holds exactly the qualifying files under the marked
    /// folders, directly in the folders whose own files are marked, and the marked
    /// files; never a `never`-tier file, whatever is marked.
    #[test]
    fn marked_plans_hold_exactly_the_marked_qualifying_files(
        files in proptest::collection::vec((0usize..17, 0usize..7, 0usize..3, 1u64..5000), 1..40),
        subtrees in proptest::collection::vec(0usize..64, 0..3),
        own in proptest::collection::vec(0usize..64, 0..3),
        singles in proptest::collection::vec(0usize..64, 0..4),
    ) {
        use super::select::{select_in, Marked};
        let (tree, mut mem, all) = build(&files);
        let context = Context::new(&tree);
        let leftover = context.leftover.contains_key(A3);
        let n = tree.nodes.len();
        let path_of = |id: u32| String::from_utf8_lossy(&tree.disk_path(id)).into_owned();
        let mut m = Marked {
            subtrees: subtrees.iter().map(|&i| (i % n) as u32).collect(),
            own: own.iter().map(|&i| (i % n) as u32).collect(),
            ..Marked::default()
        };
        let mut single_paths = BTreeSet::new();
        for &k in &singles {
            let f = &all[k % all.len()];
            let (dir, name) = f.0.rsplit_once('/').unwrap_or(("", &f.0));
            if let Some(id) = (0..n as u32).find(|&i| path_of(i) == dir) {
                m.files.entry(id).or_default().insert(name.as_bytes().to_vec());
                single_paths.insert(f.0.clone());
            }
        }
        let mut o = PlanOptions::new(NOW);
        o.tiers = vec![Tier::Safe, Tier::Careful, Tier::Confirm];
        o.older_than = Some(Age::Days(0));
        let (items, _, _) =
            select_in(&tree, &context, &HashSet::new(), &o, &Within(None), Some(&m), &mut Files::List(&mut mem), true);
        let mut covered: BTreeSet<String> = BTreeSet::new();
        for it in &items {
            if it.kind == "file" {
                prop_assert!(covered.insert(it.path.clone()), "twice: {}", it.path);
            } else {
                let prefix = format!("{}/", it.path);
                for f in all.iter().filter(|f| f.0.starts_with(&prefix)) {
                    prop_assert!(covered.insert(f.0.clone()), "twice: {}", f.0);
                }
            }
        }
        let sub: Vec<String> = m.subtrees.iter().map(|&i| format!("{}/", path_of(i))).collect();
        let own_dirs: Vec<String> = m.own.iter().map(|&i| path_of(i)).collect();
        let want: BTreeSet<String> = all
            .iter()
            .filter(|f| {
                let dir = f.0.rsplit_once('/').map_or("", |d| d.0);
                sub.iter().any(|s| f.0.starts_with(s))
                    || own_dirs.iter().any(|d| d == dir)
                    || single_paths.contains(&f.0)
            })
            .filter(|f| qualifies(&f.1, f.2, &o, leftover))
            .map(|f| f.0.clone())
            .collect();
        prop_assert_eq!(&covered, &want);
    }
}

// An item's month and categories are kept as numbers and bits, and written as the
// strings the items carried before: chrono's `%Y-%m`, the ids in report order.

proptest! {
    #[test]
    fn a_month_is_written_as_chrono_writes_it_and_reads_back(t in any::<i64>()) {
        let chrono = chrono::DateTime::from_timestamp(t, 0).map(|d| d.format("%Y-%m").to_string());
        let month = super::Month::of(t);
        prop_assert_eq!(month.map(|m| m.to_string()), chrono.clone());
        if let (Some(m), Some(text)) = (month, chrono) {
            prop_assert_eq!(text.parse::<super::Month>(), Ok(m));
            prop_assert_eq!(serde_json::to_value(m).unwrap(), serde_json::json!(text));
        }
    }
}

#[test]
fn months_at_the_edges_of_the_calendar() {
    let edges = [
        i64::MIN,
        chrono::DateTime::<chrono::Utc>::MIN_UTC.timestamp(),
        -62_135_596_801, // the last second of year 0
        -1,
        0,
        253_402_300_799, // 9999-12-31T23:59:59
        253_402_300_800, // 10000-01-01
        chrono::DateTime::<chrono::Utc>::MAX_UTC.timestamp(),
        i64::MAX,
    ];
    let written: Vec<Option<String>> = edges
        .iter()
        .map(|&t| super::Month::of(t).map(|m| m.to_string()))
        .collect();
    let chrono: Vec<Option<String>> = edges
        .iter()
        .map(|&t| chrono::DateTime::from_timestamp(t, 0).map(|d| d.format("%Y-%m").to_string()))
        .collect();
    assert_eq!(written, chrono);
    assert_eq!(written[2].as_deref(), Some("0000-12"));
    assert_eq!(written[6].as_deref(), Some("+10000-01"));
    for bad in [
        "",
        "2024",
        "2024-13",
        "2024-00",
        "2024-1",
        "x-01",
        "2024-01-01",
        "+2024-01",
        "24-01",
        "2024-+1",
        "-0-01",
        "10000-01",
        "300000-01",
    ] {
        assert!(bad.parse::<super::Month>().is_err(), "{bad:?}");
    }
    // Every month the tool writes is one the plan schema allows.
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../docs/plan-schema.json")).unwrap();
    let month = &schema["properties"]["items"]["items"]["properties"]["month"];
    assert!(month.is_object(), "the schema's item month moved");
    let v = jsonschema::validator_for(month).unwrap();
    for m in written.iter().flatten() {
        assert!(v.is_valid(&serde_json::json!(m)), "{m}");
    }
}

#[test]
fn categories_are_written_as_their_ids_in_report_order_and_read_back() {
    let c = super::Categories(
        1 << Category::Logs.index()
            | 1 << Category::Caches.index()
            | 1 << Category::ChatImages.index(),
    );
    let ids: Vec<&str> = Category::ALL
        .into_iter()
        .filter(|x| matches!(x, Category::Logs | Category::Caches | Category::ChatImages))
        .map(|x| x.id())
        .collect();
    assert_eq!(c.ids(), ids);
    let v = serde_json::to_value(c).unwrap();
    assert_eq!(v, serde_json::json!(ids));
    let back: super::Categories = serde_json::from_value(v).unwrap();
    assert_eq!(back, c);
    assert_eq!(
        super::Categories::one(Category::Logs).ids(),
        vec![Category::Logs.id()]
    );
    assert!(serde_json::from_value::<super::Categories>(serde_json::json!(["no-such"])).is_err());
}

/// A plan holds every item until it is written: a field more is a choice, not a drift.
#[test]
fn a_plan_item_stays_within_256_bytes_and_its_path() {
    assert!(std::mem::size_of::<super::PlanItem>() <= 256);
}
