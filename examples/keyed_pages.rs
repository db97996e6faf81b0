//! Runs the page engine (`readers::sqlite::describe_pages`) on one database and
//! prints a one-line summary: the benchmark driver for `bench/keyed.sh`.
//!
//! ```text
//! cargo run --release --example keyed_pages -- DB [--key-file FILE] [--threads N] [--rows] [--tables]
//! ```
//!
//! Prints key status, profile, page size and count, free pages, WAL frames,
//! tables and indexes, total rows and pages, and the elapsed time; with
//! `--tables`, one line per table or index too. `--rows` reads only what row
//! counts need (`WalkMode::Rows`). Never prints a key.

use std::path::PathBuf;
use std::time::Instant;

use wechat_inspect::readers::sqlite::btree::WalkMode;
use wechat_inspect::readers::sqlite::cipher::KeyRing;
use wechat_inspect::readers::sqlite::describe::{describe_pages, DescribeOptions};
use wechat_inspect::readers::sqlite::keyfile::load_key_file;

fn main() {
    let mut args = std::env::args().skip(1);
    let mut db: Option<PathBuf> = None;
    let mut key: Option<PathBuf> = None;
    let mut opts = DescribeOptions::default();
    let mut tables = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--key-file" => key = args.next().map(PathBuf::from),
            "--threads" => {
                opts.threads = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(opts.threads)
            }
            "--tables" => tables = true,
            "--rows" => opts.mode = WalkMode::Rows,
            _ => db = Some(PathBuf::from(a)),
        }
    }
    let Some(db) = db else {
        eprintln!("usage: keyed_pages DB [--key-file FILE] [--threads N] [--tables]");
        std::process::exit(2);
    };
    let ring = match key.map(|k| load_key_file(&k)) {
        Some(Ok(k)) => Some(KeyRing::new(k)),
        Some(Err(e)) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
        None => None,
    };
    let t = Instant::now();
    let r = match describe_pages(&db, ring.as_ref(), &opts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let elapsed = t.elapsed();
    let (objects, rows, pages, free, bad) = r.layout.as_ref().map_or((0, 0, 0, 0, 0), |l| {
        (
            l.objects.len(),
            l.objects
                .iter()
                .filter(|o| o.kind != wechat_inspect::readers::sqlite::btree::ObjectKind::Index)
                .map(|o| o.rows)
                .sum::<u64>(),
            l.objects.iter().map(|o| o.pages()).sum::<u64>(),
            l.freelist_pages,
            l.unreadable_pages,
        )
    });
    let wal = r.wal.as_ref().map_or("none".to_string(), |w| {
        format!(
            "{} frames, {} committed, {} after the last commit",
            w.frames_total, w.frames_committed, w.frames_uncommitted
        )
    });
    println!(
        "key {:?} profile {} page {} pages {} free {} objects {} rows {} btree-pages {} unreadable {} wal [{}] threads {} in {:.3} s",
        r.key,
        r.profile.unwrap_or("-"),
        r.page_size,
        r.page_count,
        free,
        objects,
        rows,
        pages,
        bad,
        wal,
        opts.threads,
        elapsed.as_secs_f64()
    );
    if tables {
        if let Some(l) = &r.layout {
            for o in &l.objects {
                println!(
                    "{:?}\t{}\t{}\t{}\t{}\t{}\t{}",
                    o.kind,
                    o.name.escape_debug(),
                    o.rows,
                    o.pages(),
                    o.interior_pages,
                    o.leaf_pages,
                    o.overflow_pages
                );
            }
        }
    }
}
