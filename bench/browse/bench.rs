//! `browse` benchmark: the time each key action takes on a large scan, and the memory
//! the browser adds to the scan's.
//!
//! ```text
//! cargo run --release --example browse_bench -- scan PATH     # the plain scan: peak RSS
//! cargo run --release --example browse_bench -- browse PATH   # scan + browser + key actions
//! ```
//!
//! Prints one line per action (the slowest of its repetitions) and `VmHWM` (peak RSS)
//! from `/proc/self/status` (Linux). See bench/browse/README.md.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};
use wechat_inspect::browse::{Action, Sort, State};

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn time(s: &mut State, label: &str, reps: usize, a: &[Action]) -> Duration {
    let mut worst = Duration::ZERO;
    for _ in 0..reps {
        let t = Instant::now();
        for &x in a {
            s.act(x);
        }
        worst = worst.max(t.elapsed());
    }
    println!(
        "{label:<40} {:>9.3} ms (slowest of {reps})",
        worst.as_secs_f64() * 1000.0
    );
    worst
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (mode, path) = match &args[..] {
        [_, m, p] => (m.as_str(), std::path::PathBuf::from(p)),
        _ => panic!("usage: browse_bench scan|browse PATH"),
    };
    let t = Instant::now();
    let mut report =
        wechat_inspect::browse::scan_path(&path, 4, "2026-11-01T00:00:00Z").expect("scan");
    println!(
        "scan: {} files, {} folders in {:.1} s",
        report.totals.files,
        report.tree.nodes.len(),
        t.elapsed().as_secs_f64()
    );
    if mode == "scan" {
        println!("VmHWM {} KiB (scan)", peak_rss_kib());
        return;
    }
    let t = Instant::now();
    let mut s = State::from_report(&mut report, true, false);
    drop(report);
    println!(
        "browser built in {:.1} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    let mut worst = Duration::ZERO;
    worst = worst.max(time(&mut s, "j (down)", 50, &[Action::Down]));
    worst = worst.max(time(&mut s, "k (up)", 50, &[Action::Up]));
    worst = worst.max(time(&mut s, "G (last row)", 20, &[Action::Bottom]));
    worst = worst.max(time(&mut s, "g (first row)", 20, &[Action::Top]));
    for (k, sort) in [
        ("s", Sort::Size),
        ("n", Sort::Name),
        ("C", Sort::Count),
        ("M", Sort::Age),
    ] {
        worst = worst.max(time(
            &mut s,
            &format!("{k} (sort, top level)"),
            10,
            &[Action::Sort(sort)],
        ));
    }
    worst = worst.max(time(
        &mut s,
        "s (back to size)",
        5,
        &[Action::Sort(Sort::Size)],
    ));
    // Down the meaning tree along the largest rows, then back.
    for depth in 1..=5 {
        worst = worst.max(time(
            &mut s,
            &format!("l (open, meaning depth {depth})"),
            1,
            &[Action::Open],
        ));
    }
    worst = worst.max(time(
        &mut s,
        "n (sort the deepest level)",
        5,
        &[Action::Sort(Sort::Name)],
    ));
    worst = worst.max(time(&mut s, "Space (mark)", 1, &[Action::Mark]));
    for _ in 0..5 {
        s.act(Action::Back);
    }
    worst = worst.max(time(
        &mut s,
        "t (to folder view, top lists files)",
        1,
        &[Action::ToggleView],
    ));
    // Down the folder tree along the largest rows.
    for depth in 1..=8 {
        worst = worst.max(time(
            &mut s,
            &format!("l (open, folder depth {depth})"),
            1,
            &[Action::Open],
        ));
    }
    worst = worst.max(time(
        &mut s,
        "a (apparent / on disk, re-sort)",
        4,
        &[Action::ToggleApparent],
    ));
    worst = worst.max(time(&mut s, "h (back)", 1, &[Action::Back]));
    worst = worst.max(time(
        &mut s,
        "t (to meaning view)",
        1,
        &[Action::ToggleView],
    ));
    println!("slowest key action: {:.3} ms", worst.as_secs_f64() * 1000.0);
    let t = Instant::now();
    let plan = s.plan_from_disk(1_793_491_200);
    println!(
        "plan of the marks (on quit): {} items in {:.1} ms",
        plan.items.len(),
        t.elapsed().as_secs_f64() * 1000.0
    );
    println!("VmHWM {} KiB (scan + browser)", peak_rss_kib());
}
