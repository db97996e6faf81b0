//! Synthetic WeChat-like container with planted duplicates, for `dupes` checks and benchmarks.
//!
//! ```text
//! cargo run --release --example dupes_synth -- --files N [--seed S] [--dup-rate 0.1] OUT
//! ```
//!
//! Writes exactly `N` regular-file directory entries (hard links included) with real,
//! deterministic content (SplitMix64 bytes; the same `--files`, `--seed` and `--dup-rate` give
//! the same tree), in a 3.x and a 4.x layout of one account:
//!
//! - `xwechat_files/wxid_…/msg/attach/<chat>/<yyyy-mm>/Img/<md5>.dat` (and `_t.dat` thumbnails),
//!   `msg/video/<yyyy-mm>/<md5>.mp4`, `msg/file/<yyyy-mm>/<name>.<ext>`;
//! - `2.0b4.0.9/<account>/Message/MessageTemp/<chat>/{Image,Video,File}/…`.
//!
//! Planted, as shares of `N`:
//! - `--dup-rate` separate copies (own inode) of an earlier file: the same `<md5>.dat` in another
//!   chat, a `name (1).ext` next to `name.ext`, or the same name in the 3.x tree (the 3.x/4.x
//!   overlap);
//! - 3 % hard links of an earlier file in another chat (a forwarded file: not a duplicate);
//! - 2 % decoys: the size of an earlier file with other content, changed only at the head, only
//!   at the tail, only in the middle (same 4 KiB head and tail), or a `name (1).ext` that differs;
//! - 0.5 % empty files; and a few symbolic links to files (never followed, never compared).
//!
//! Sizes: 78 % 0.5–16 KiB, 20 % 16–96 KiB, 1.8 % 96–512 KiB, 0.2 % 0.5–4 MiB (about
//! log-uniform): about 22 KiB a file on average, so 100k files take about 2.2 GB.

#[path = "../../examples/common/splitmix.rs"]
mod splitmix;

use anyhow::{bail, Context, Result};
use clap::Parser;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Parser, Debug)]
#[command(name = "dupes_synth")]
struct Args {
    /// Regular-file directory entries to create (hard links included).
    #[arg(long)]
    files: u64,
    /// PRNG seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Share of the files that are separate copies of an earlier file.
    #[arg(long, default_value_t = 0.1)]
    dup_rate: f64,
    /// Output folder (must not exist, or be empty).
    out: PathBuf,
}

struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        splitmix::next(&mut self.0)
    }
    fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
    /// Log-uniform in [lo, hi) without libm: interpolate on a power-of-two grid.
    fn log_uniform(&mut self, lo: u64, hi: u64) -> u64 {
        // Pick a doubling step, then uniform within it: close enough to log-uniform.
        let (mut a, mut steps) = (lo, Vec::new());
        while a < hi {
            let b = (a * 2).min(hi);
            steps.push((a, b));
            a = b;
        }
        let (a, b) = steps[self.below(steps.len() as u64) as usize];
        a + self.below(b - a)
    }
    fn hex(&mut self, n: usize) -> String {
        const H: &[u8; 16] = b"0123456789abcdef";
        (0..n).map(|_| H[self.below(16) as usize] as char).collect()
    }
}

/// Content is a pure function of `(seed, id, size)` plus an optional flipped byte.
#[derive(Clone, Copy, Debug)]
struct Content {
    id: u64,
    size: u64,
    flip: Option<u64>,
}

fn fill(seed: u64, c: Content, buf: &mut Vec<u8>) {
    buf.clear();
    let mut s = seed ^ c.id.wrapping_mul(0xD134_2543_DE82_EF95);
    while (buf.len() as u64) < c.size {
        buf.extend_from_slice(&splitmix::next(&mut s).to_le_bytes());
    }
    buf.truncate(c.size as usize);
    if let Some(at) = c.flip {
        buf[at as usize] ^= 0xA5;
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Img,
    Thumb,
    Video,
    File,
}

/// A file written so far: where, what kind, and what is in it.
struct Made {
    path: PathBuf,
    kind: Kind,
    chat: usize,
    content: Content,
}

struct Gen {
    seed: u64,
    rng: Rng,
    v4: PathBuf,
    v3: PathBuf,
    chats: Vec<String>,
    made: Vec<Made>,
    next_id: u64,
    buf: Vec<u8>,
    counts: [u64; 7],
}

const NAMES: &[&str] = &[
    "report",
    "合同",
    "发票",
    "IMG_2041",
    "meeting notes",
    "scan",
    "简历",
    "budget",
    "photo",
];
const EXTS: &[&str] = &["pdf", "docx", "xlsx", "zip", "txt", "jpg"];

impl Gen {
    fn month(&mut self) -> String {
        format!(
            "20{:02}-{:02}",
            20 + self.rng.below(6),
            1 + self.rng.below(12)
        )
    }

    fn size(&mut self) -> u64 {
        let r = self.rng.f64();
        if r < 0.78 {
            self.rng.log_uniform(512, 16 << 10)
        } else if r < 0.98 {
            self.rng.log_uniform(16 << 10, 96 << 10)
        } else if r < 0.998 {
            self.rng.log_uniform(96 << 10, 512 << 10)
        } else {
            self.rng.log_uniform(512 << 10, 4 << 20)
        }
    }

    /// A fresh path of `kind` in `chat`, with a name derived from `stem` when given.
    fn path(&mut self, kind: Kind, chat: usize, stem: Option<&str>) -> PathBuf {
        let md5 = stem.map_or_else(|| self.rng.hex(32), str::to_string);
        let month = self.month();
        let chat_dir = &self.chats[chat];
        match kind {
            Kind::Img => self
                .v4
                .join(format!("msg/attach/{chat_dir}/{month}/Img/{md5}.dat")),
            Kind::Thumb => self
                .v4
                .join(format!("msg/attach/{chat_dir}/{month}/Img/{md5}_t.dat")),
            Kind::Video => self.v4.join(format!("msg/video/{month}/{md5}.mp4")),
            Kind::File => loop {
                let name = NAMES[self.rng.below(NAMES.len() as u64) as usize];
                let ext = EXTS[self.rng.below(EXTS.len() as u64) as usize];
                let n = self.rng.below(1000);
                let p = self.v4.join(format!("msg/file/{month}/{name} {n}.{ext}"));
                if !p.exists() {
                    break p;
                }
            },
        }
    }

    fn write(&mut self, path: &Path, c: Content) -> Result<()> {
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        fill(self.seed, c, &mut self.buf);
        let mut f =
            fs::File::create_new(path).with_context(|| format!("creating {}", path.display()))?;
        f.write_all(&self.buf)?;
        Ok(())
    }

    fn fresh(&mut self, size: u64) -> Content {
        self.next_id += 1;
        Content {
            id: self.next_id,
            size,
            flip: None,
        }
    }

    fn unique(&mut self) -> Result<()> {
        let r = self.rng.f64();
        let kind = if r < 0.55 {
            Kind::Thumb
        } else if r < 0.85 {
            Kind::Img
        } else if r < 0.93 {
            Kind::File
        } else {
            Kind::Video
        };
        let chat = self.rng.below(self.chats.len() as u64) as usize;
        let size = self.size();
        let content = self.fresh(size);
        let path = self.path(kind, chat, None);
        self.write(&path, content)?;
        self.made.push(Made {
            path,
            kind,
            chat,
            content,
        });
        self.counts[0] += 1;
        Ok(())
    }

    fn pick_earlier(&mut self) -> usize {
        self.rng.below(self.made.len() as u64) as usize
    }

    fn other_chat(&mut self, chat: usize) -> usize {
        (chat + 1 + self.rng.below(self.chats.len() as u64 - 1) as usize) % self.chats.len()
    }

    /// Where a copy (or a decoy) of `src` goes: another chat for attachments, a "(1)"
    /// name for files, or the 3.x tree.
    fn copy_path(&mut self, src: usize) -> PathBuf {
        let (kind, chat) = (self.made[src].kind, self.made[src].chat);
        let path = self.made[src].path.clone();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (stem, ext) = name.rsplit_once('.').unwrap_or((&name, ""));
        let r = self.rng.below(3);
        let mut dest = match (kind, r) {
            (_, 0) => {
                let chat = &self.chats[chat];
                let sub = match kind {
                    Kind::Video => "Video",
                    Kind::File => "File",
                    _ => "Image",
                };
                self.v3
                    .join(format!("Message/MessageTemp/{chat}/{sub}/{name}"))
            }
            (Kind::File, _) => path.with_file_name(format!("{stem} (1).{ext}")),
            (Kind::Video, _) => self.path(Kind::Video, chat, Some(stem)),
            (k, _) => {
                let other = self.other_chat(chat);
                let md5 = stem.trim_end_matches("_t").to_string();
                self.path(k, other, Some(&md5))
            }
        };
        // Never reuse a name: add "(2)", "(3)", ... as WeChat does.
        let mut n = 2;
        while dest.exists() {
            dest = path.with_file_name(format!("{stem} ({n}).{ext}"));
            n += 1;
        }
        dest
    }

    fn copy(&mut self) -> Result<()> {
        let src = self.pick_earlier();
        let content = self.made[src].content;
        let dest = self.copy_path(src);
        self.write(&dest, content)?;
        let (kind, chat) = (self.made[src].kind, self.made[src].chat);
        self.made.push(Made {
            path: dest,
            kind,
            chat,
            content,
        });
        self.counts[1] += 1;
        Ok(())
    }

    fn link(&mut self) -> Result<()> {
        let src = self.pick_earlier();
        let (kind, chat, content) = (
            self.made[src].kind,
            self.made[src].chat,
            self.made[src].content,
        );
        let other = self.other_chat(chat);
        let stem = self.made[src]
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().trim_end_matches("_t").to_string());
        let dest = self.path(kind, other, stem.as_deref());
        let dest = if dest.exists() {
            self.path(kind, other, None)
        } else {
            dest
        };
        if let Some(dir) = dest.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::hard_link(&self.made[src].path, &dest)
            .with_context(|| format!("linking {}", dest.display()))?;
        self.made.push(Made {
            path: dest,
            kind,
            chat: other,
            content,
        });
        self.counts[2] += 1;
        Ok(())
    }

    fn decoy(&mut self) -> Result<()> {
        let src = self.pick_earlier();
        let orig = self.made[src].content;
        let size = orig.size;
        let content = match self.rng.below(4) {
            // Other content, same size (also when the source is itself a changed copy,
            // which one more flip could turn back into a copy of its own source).
            _ if orig.flip.is_some() => self.fresh(size),
            0 => self.fresh(size),
            // Same bytes but one, at the head, the tail or the middle.
            1 => Content {
                flip: Some(0),
                ..orig
            },
            2 => Content {
                flip: Some(size - 1),
                ..orig
            },
            _ => Content {
                flip: Some(size / 2),
                ..orig
            },
        };
        let dest = self.copy_path(src);
        self.write(&dest, content)?;
        let (kind, chat) = (self.made[src].kind, self.made[src].chat);
        self.made.push(Made {
            path: dest,
            kind,
            chat,
            content,
        });
        self.counts[3] += 1;
        Ok(())
    }

    fn empty(&mut self) -> Result<()> {
        let chat = self.rng.below(self.chats.len() as u64) as usize;
        let path = self.path(Kind::File, chat, None);
        let path = path.with_file_name(format!("empty {}.txt", self.counts[4]));
        let content = self.fresh(0);
        self.write(&path, content)?;
        self.counts[4] += 1;
        Ok(())
    }
}

fn main() -> Result<()> {
    let args = Args::parse();
    if args.out.exists() && fs::read_dir(&args.out)?.next().is_some() {
        bail!("{} exists and is not empty", args.out.display());
    }
    let mut rng = Rng(args.seed);
    let v4 = args
        .out
        .join(format!("xwechat_files/wxid_{}_{}", rng.hex(14), rng.hex(4)));
    let v3 = args.out.join(format!("2.0b4.0.9/{}", rng.hex(32)));
    let chats = (0..40).map(|_| rng.hex(32)).collect();
    let mut g = Gen {
        seed: args.seed,
        rng,
        v4,
        v3,
        chats,
        made: Vec::new(),
        next_id: 0,
        buf: Vec::new(),
        counts: [0; 7],
    };
    for i in 0..args.files {
        let r = g.rng.f64();
        if g.made.len() < 10 || i < 10 {
            g.unique()?;
        } else if r < args.dup_rate {
            g.copy()?;
        } else if r < args.dup_rate + 0.03 {
            g.link()?;
        } else if r < args.dup_rate + 0.05 {
            g.decoy()?;
        } else if r < args.dup_rate + 0.055 {
            g.empty()?;
        } else {
            g.unique()?;
        }
    }
    // A few symbolic links to files: never followed, never compared.
    for i in 0..5.min(g.made.len()) {
        let target = g.made[i * 7 % g.made.len()].path.clone();
        let link = target.with_file_name(format!("link {i}.lnk"));
        if !link.exists() {
            std::os::unix::fs::symlink(&target, &link)?;
        }
    }
    let bytes: u64 = g.made.iter().map(|m| m.content.size).sum();
    println!(
        "dupes_synth: {} files ({} unique, {} copies, {} hard links, {} decoys, {} empty), {:.1} MiB, seed {}",
        args.files,
        g.counts[0],
        g.counts[1],
        g.counts[2],
        g.counts[3],
        g.counts[4],
        bytes as f64 / (1 << 20) as f64,
        args.seed
    );
    Ok(())
}
