//! The duplicate engine on a folder, for `bench/dupes/` (timings, peak memory and the
//! comparison with `fclones group`) until the `dupes` command is wired.
//!
//! ```text
//! cargo run --release --example dupes_bench -- [--threads N] [--min-size N]
//!     [--format summary|json|fdupes] [--timings] PATH...
//! ```
//!
//! Enumerates each `PATH` with the plain parallel walk (`wechat_inspect::dupes::enumerate`,
//! never following a link), runs `wechat_inspect::dupes::find`, and prints a one-line summary,
//! the JSON model, or the groups as fdupes prints them (paths, a blank line after each
//! group). Exit 1 when there were issues.

use anyhow::Result;
use clap::{Parser, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;
use wechat_inspect::dupes::{self, Candidates, Options};

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum, Debug)]
enum Format {
    Summary,
    Json,
    Fdupes,
}

#[derive(Parser, Debug)]
#[command(name = "dupes_bench")]
struct Args {
    /// Worker threads for the reading passes (default: the available cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Smallest file size compared, in bytes.
    #[arg(long, default_value_t = 1)]
    min_size: u64,
    #[arg(long, value_enum, default_value_t = Format::Summary)]
    format: Format,
    /// Print the time of the walk and of the search on standard error.
    #[arg(long)]
    timings: bool,
    #[arg(required = true)]
    paths: Vec<PathBuf>,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let start = Instant::now();
    let opts = args
        .threads
        .map_or_else(Options::default, |threads| Options { threads });
    let mut candidates = Candidates::new(args.min_size);
    let mut walk_issues = Vec::new();
    for p in &args.paths {
        walk_issues.extend(dupes::enumerate(p, (), opts.threads, &mut candidates));
    }
    let walked = start.elapsed();
    let files = candidates.len();
    let found = dupes::find(candidates, &opts, None);
    let searched = start.elapsed() - walked;
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    match args.format {
        Format::Summary => writeln!(
            out,
            "{} files, {} sampled, {} hashed, {} groups, {} paths, {} inodes, {} unique bytes, {} bytes read, {} issues",
            found.totals.files,
            found.totals.sampled,
            found.totals.hashed,
            found.totals.groups,
            found.totals.group_files,
            found.totals.group_inodes,
            found.totals.unique_bytes,
            found.totals.bytes_read,
            found.issues.len() + walk_issues.len()
        )?,
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &found)?;
            writeln!(out)?;
        }
        Format::Fdupes => {
            for g in &found.groups {
                for f in &g.files {
                    writeln!(out, "{}", f.path)?;
                }
                writeln!(out)?;
            }
        }
    }
    out.flush()?;
    if args.timings {
        eprintln!(
            "walk {:.1} ms ({files} files kept), search {:.1} ms",
            walked.as_secs_f64() * 1e3,
            searched.as_secs_f64() * 1e3
        );
    }
    for i in walk_issues.iter().chain(&found.issues) {
        eprintln!("issue: {}: {} ({})", i.path, i.message, i.kind);
    }
    if !walk_issues.is_empty() || !found.issues.is_empty() {
        std::process::exit(1);
    }
    Ok(())
}
