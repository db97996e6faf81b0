//! Command-line definition (clap). These types never leave this module and
//! [`crate::config`]; the rest of the program sees a validated `Config`. (The
//! definition itself also feeds [`crate::commands::docs`]: completions and man page.)

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Map a WeChat for macOS data container: what is stored where, and how big. Read-only.
#[derive(Debug, Parser)]
#[command(name = "wechat-inspect", version, max_term_width = 98)]
#[command(after_long_help = after_long_help())]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Example command lines (`--help` and the man page's EXAMPLES).
pub const EXAMPLES: [&str; 3] = [
    "wechat-inspect scan",
    "wechat-inspect scan ~/copy/com.tencent.xinWeChat --format json -o report.json",
    "wechat-inspect scan ./xwechat_files/wxid_abc_1a2b --format csv",
];

/// Most worker threads `-j` accepts. Far above any Mac's core count (more threads
/// only slow metadata calls down, see `config::default_threads`), and low enough that
/// their stacks and descriptors always fit: `-j 30000` used to abort.
pub const MAX_THREADS: i64 = 256;

/// Most files `--top` lists: more than a real container holds (the list only grows
/// with the files found), while a number past it is a typo, not a wish.
pub const MAX_TOP: i64 = 10_000_000;

/// Exit codes (`--help` and the man page's EXIT STATUS).
pub const EXIT_CODES: [(u8, &str); 3] = [(0, "clean"), (1, "complete with issues"), (2, "fatal")];

fn after_long_help() -> String {
    let codes: Vec<String> = EXIT_CODES
        .iter()
        .map(|(code, meaning)| format!("{code} {meaning}"))
        .collect();
    format!(
        "Examples:\n  {}\n\nExit codes: {}.",
        EXAMPLES.join("\n  "),
        codes.join(", ")
    )
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan WeChat's data and report sizes by category, account, chat, month and type.
    Scan(ScanArgs),
    /// List the databases: role, size, pages, free pages, WAL, tables and row counts
    /// (encrypted ones by size and role, or like plaintext ones with --key-file).
    /// Same PATH rules and formats as `scan`.
    Dbs(DbsArgs),
    /// List the property lists: format, top-level keys, outline and known WeChat
    /// preference values (no other values). Same PATH rules and formats as `scan`.
    Plists(MetaArgs),
    /// Compare two saved `scan --format json` reports: what grew, shrank, appeared
    /// and disappeared, per category, account, chat and month.
    Diff(DiffArgs),
    /// Network footprint: which servers WeChat fetched from or got cookies from, read
    /// from its URL cache and cookie stores (never cookie values or URL queries).
    Hosts(HostsArgs),
    /// Find files with the same content: same size, then the first and last 4 KiB,
    /// then a BLAKE3 hash of every byte. Lists each group's paths with their category,
    /// account and chat, and the bytes keeping one copy would free. Never links,
    /// clones or deletes anything.
    #[command(after_long_help = DUPES_HELP)]
    Dupes(DupesArgs),
    /// Write a clean-up plan (never run it): what could go, tier by tier, and what
    /// it would free. Formats: a table, JSON, a POSIX sh script (dry run unless
    /// `--really`; moves to the Trash or a quarantine folder, never deletes), or
    /// NUL-separated paths.
    #[command(after_long_help = PLAN_HELP)]
    Plan(PlanArgs),
    /// Walk the scan interactively, like ncdu: by meaning (category, account, chat,
    /// month) or by folder, each row with its tier and reason. Space marks; on quit
    /// the marks become a plan (-o FILE, the `plan --format json` layout) or are
    /// printed as paths. Nothing is ever deleted. Needs a terminal.
    Browse(BrowseArgs),
    /// Print a shell completion script (bash, zsh or fish) on standard output.
    #[command(after_long_help = COMPLETIONS_HELP)]
    Completions(CompletionsArgs),
    /// Print the man page (roff) on standard output.
    #[command(
        after_long_help = "Install it:\n  wechat-inspect man > /usr/local/share/man/man1/wechat-inspect.1"
    )]
    Man,
}

const COMPLETIONS_HELP: &str = "Install them:
  bash:  wechat-inspect completions bash > ~/.local/share/bash-completion/completions/wechat-inspect
  zsh:   wechat-inspect completions zsh > ~/.zfunc/_wechat-inspect
         (with fpath=(~/.zfunc $fpath) before compinit in ~/.zshrc)
  fish:  wechat-inspect completions fish > ~/.config/fish/completions/wechat-inspect.fish";

const DUPES_HELP: &str = "Examples:
  wechat-inspect dupes
  wechat-inspect dupes ~/copy/com.tencent.xinWeChat --min-size 1M
  wechat-inspect dupes ./xwechat_files --format fdupes -o groups.txt

Hard links to one file are not duplicates of each other (they share their bytes
already); a group needs two distinct files. The fdupes format (absolute paths, a blank
line after each group) can be fed to fdupes, jdupes or `fclones group --stdin` to act.";

/// Largest `--min-size`: 1 TiB (no file WeChat keeps comes near; past it is a typo).
pub const MAX_MIN_SIZE: u64 = 1 << 40;

/// Most PATHs `dupes` takes at once.
pub const MAX_PATHS: usize = 64;

/// `dupes` output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DupesFormatArg {
    Table,
    Json,
    Csv,
    Fdupes,
}

/// A size in bytes: a number with an optional unit K, M, G or T (powers of 1024;
/// `KB`, `KiB` and the like too), from 0 to [`MAX_MIN_SIZE`].
pub fn parse_size(s: &str) -> Result<u64, String> {
    const HINT: &str = "expected a number of bytes such as 4096, 100K, 2M or 1G";
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let shift = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 0,
        "K" | "KB" | "KIB" => 10,
        "M" | "MB" | "MIB" => 20,
        "G" | "GB" | "GIB" => 30,
        "T" | "TB" | "TIB" => 40,
        _ => return Err(HINT.into()),
    };
    let n: u64 = digits.parse().map_err(|_| HINT.to_string())?;
    n.checked_mul(1 << shift)
        .filter(|v| *v <= MAX_MIN_SIZE)
        .ok_or_else(|| "at most 1T (1 TiB)".to_string())
}

/// `dupes` options.
#[derive(Debug, Args)]
pub struct DupesArgs {
    /// Folders to search, as for `scan` (a container or any level of one; a copy is
    /// fine). Several may be given. Without one, WeChat's folders under your home
    /// folder are found and searched.
    pub paths: Vec<PathBuf>,

    /// Compare only files of at least this size (bytes, or with K, M, G or T; at most
    /// 1T). The
    /// default, 1, leaves out empty files (all equal, and they free nothing).
    #[arg(long, value_name = "SIZE", default_value = "1", value_parser = parse_size)]
    pub min_size: u64,

    /// Output format. fdupes: the groups' absolute paths, one a line, a blank line
    /// after each group (exact bytes, unless the output is a terminal).
    #[arg(short, long, value_enum, default_value_t = DupesFormatArg::Table)]
    pub format: DupesFormatArg,

    /// Write the report to FILE instead of standard output (`-` = stdout).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Search PATH even if it does not look like WeChat data.
    #[arg(long)]
    pub any: bool,

    /// Worker threads, 1 to 256 (default: available cores; at most 8 on macOS).
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=MAX_THREADS))]
    pub threads: Option<u16>,

    /// Replace account, chat and user names, folder and file names with stable
    /// pseudonyms, and leave out the content hashes, so the report can be shared.
    #[arg(long)]
    pub redact: bool,

    /// Print nothing on standard error (no progress, no summary).
    #[arg(short, long)]
    pub quiet: bool,

    /// Pin the report's timestamp (RFC 3339), for reproducible output.
    #[arg(long, hide = true, value_name = "RFC3339")]
    pub now: Option<String>,
}

/// Shells `completions` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShellArg {
    Bash,
    Zsh,
    Fish,
}

/// `completions` options.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to write the completion script for.
    pub shell: ShellArg,
}

/// `hosts` output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HostsFormatArg {
    Table,
    Json,
    Csv,
}

/// `hosts` options.
#[derive(Debug, Args)]
pub struct HostsArgs {
    /// Folder to search, as for `scan`. Without it, WeChat's folders under your home
    /// folder are searched.
    pub path: Option<PathBuf>,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = HostsFormatArg::Table)]
    pub format: HostsFormatArg,

    /// Write the report to FILE instead of standard output (`-` = stdout).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Search PATH even if it does not look like WeChat data.
    #[arg(long)]
    pub any: bool,

    /// List each host's URL paths (never query strings or fragments).
    #[arg(long)]
    pub paths: bool,

    /// Replace identifying components of file paths with stable pseudonyms.
    #[arg(long)]
    pub redact: bool,

    /// Print nothing on standard error.
    #[arg(short, long)]
    pub quiet: bool,

    /// Pin the report's timestamp (RFC 3339), for reproducible output.
    #[arg(long, hide = true, value_name = "RFC3339")]
    pub now: Option<String>,
}

/// `diff` output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormatArg {
    Table,
    Json,
}

/// `diff` options.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The older report (`scan --format json`).
    pub old: PathBuf,

    /// The newer report.
    pub new: PathBuf,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = DiffFormatArg::Table)]
    pub format: DiffFormatArg,

    /// Write the diff to FILE instead of standard output (`-` = stdout).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Replace account, chat and user names with stable pseudonyms.
    #[arg(long)]
    pub redact: bool,
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Table,
    Json,
    Csv,
    Html,
}

/// When to colour the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

/// Options shared by `scan`, `dbs` and `plists`.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Folder to scan: a container, its Data, com.tencent.xinWeChat, a version or
    /// account folder, xwechat_files or a 4.x account folder. Without it, WeChat's
    /// folders under your home folder are found and scanned.
    pub path: Option<PathBuf>,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = FormatArg::Table)]
    pub format: FormatArg,

    /// Write the report to FILE instead of standard output (`-` = stdout).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Scan PATH even if it does not look like WeChat data.
    #[arg(long)]
    pub any: bool,

    /// Worker threads: folders read at once, 1 to 256 (default: 32, or the cores if
    /// more, at most 64; on macOS the cores, at most 8). One per core reads until
    /// folders are slow to read (a cold disk); then all of them do.
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=MAX_THREADS))]
    pub threads: Option<u16>,

    /// Colour the table: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,

    /// Replace account, chat and user names and file names with stable pseudonyms
    /// (account-1, chat-07, file-0042.pdf), so the report can be shared.
    #[arg(long)]
    pub redact: bool,

    /// Print nothing on standard error (no progress, no summary).
    #[arg(short, long)]
    pub quiet: bool,

    /// Do not count rows in databases (counts otherwise read what SQLite's count(*)
    /// reads: each table's smallest index, or the table itself).
    #[arg(long)]
    pub no_row_counts: bool,

    /// Print how long each phase took (walk, databases and plists, report) on
    /// standard error, even with --quiet.
    #[arg(long)]
    pub timings: bool,

    /// Pin the report's timestamp (RFC 3339), for reproducible output.
    #[arg(long, hide = true, value_name = "RFC3339")]
    pub now: Option<String>,
}

/// Options for reading databases page by page (`scan` and `dbs`).
#[derive(Debug, Args)]
pub struct PagesArgs {
    /// Read encrypted (SQLCipher) databases with the key in FILE: a 64-hex-digit
    /// account key, or an all_keys.json-style map of per-database keys. FILE must be
    /// yours and private (chmod 600) and not a symlink. Keys are never printed, logged
    /// or written anywhere, and are wiped from memory after use.
    #[arg(long, value_name = "FILE")]
    pub key_file: Option<PathBuf>,

    /// Read every page of every database instead of only what row counts need: adds
    /// each table's pages (with its indexes), counts the freelist by walking it, and
    /// checks every page's HMAC in encrypted databases. Much slower on large databases.
    #[arg(long)]
    pub all_pages: bool,
}

/// `scan` options.
#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub common: CommonArgs,

    #[command(flatten)]
    pub pages: PagesArgs,

    /// How many of the largest files to list (0 to 10,000,000).
    #[arg(long, default_value_t = 20, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=MAX_TOP))]
    pub top: u32,

    /// Label chats and accounts with the usernames in FILE: one per line, `username` or
    /// `username<TAB>label` (UTF-8; blank lines and lines starting with # are skipped).
    /// Each username's md5 names its chat and account folders. Nothing is stored, and
    /// --redact hides these labels.
    #[arg(long, value_name = "FILE")]
    pub names: Option<PathBuf>,

    /// Also read the first bytes of every 4.x `.dat` image to count its scheme (V1, V2,
    /// XOR and the image type under it). One extra open and read per image: about
    /// 1.4-1.6× the scan time on a 4.x tree, more with a cold cache.
    #[arg(long)]
    pub dat_schemes: bool,

    /// Count only files last written longer ago than AGE (90d, 6w, 12m, 2y); the
    /// report says it is filtered.
    #[arg(long, value_name = "AGE")]
    pub older_than: Option<String>,

    /// Sizes in decimal units (kB, MB, GB: what Finder shows).
    #[arg(long)]
    pub si: bool,

    /// How many chats the table lists (0 to 10,000).
    #[arg(long, default_value_t = 15, value_name = "N", value_parser = clap::value_parser!(u16).range(0..=10_000))]
    pub top_chats: u16,

    /// Add every folder walked to the JSON (`folders[]`: sizes, ages, categories and
    /// tiers per folder, for `browse --from` and other tools).
    #[arg(long)]
    pub folders: bool,
}

/// `dbs` options.
#[derive(Debug, Args)]
pub struct DbsArgs {
    #[command(flatten)]
    pub common: CommonArgs,

    #[command(flatten)]
    pub pages: PagesArgs,
}

/// `plists` options.
#[derive(Debug, Args)]
pub struct MetaArgs {
    #[command(flatten)]
    pub common: CommonArgs,
}

const PLAN_HELP: &str = "Tiers:
  safe     WeChat rebuilds it (caches, temp, logs, avatars, stickers)
  careful  your chat media; only files older than --older-than (default 2y)
  confirm  backups, old_backup, the 3.x tree of an account that moved to 4.x
  never    databases, keys, login, config, unknown files: never in a plan
Run the script: sh plan.sh (lists, changes nothing); sh plan.sh --really
(moves each re-checked item to the Trash; --quarantine DIR elsewhere).";

/// A tier a plan may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TierArg {
    Safe,
    Careful,
    Confirm,
}

/// `plan` output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormatArg {
    Table,
    Json,
    Sh,
    Paths0,
}

/// `plan` options.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Folder to scan, as for `scan`.
    pub path: Option<PathBuf>,

    /// Tiers the plan may take, comma-separated (default: safe; none with --dupes).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub tier: Vec<TierArg>,

    /// Also plan the redundant copies of duplicate files: files are compared by content
    /// (BLAKE3), one copy of each stays (the oldest; a 4.x one first), and the others
    /// are `confirm` items that say which copy stays. --category, --chat, --protect and
    /// --older-than apply to the copies planned. Reads the files of a size shared by
    /// another.
    #[arg(long, conflicts_with = "finding")]
    pub dupes: bool,

    /// With --dupes: compare only files of at least this size (bytes, or with K, M, G
    /// or T; at most 1T).
    #[arg(long, value_name = "SIZE", default_value = "1M", value_parser = parse_size, requires = "dupes")]
    pub dupes_min_size: u64,

    /// Only files last written longer ago than AGE: 90d, 6w, 12m, 2y (1 day to 100
    /// years).
    #[arg(long, value_name = "AGE")]
    pub older_than: Option<String>,

    /// Only these categories (ids as in `scan`; repeat or comma-separate).
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    pub category: Vec<String>,

    /// Only these chats (folder hashes, or usernames such as filehelper).
    #[arg(long, value_name = "HASH", value_delimiter = ',')]
    pub chat: Vec<String>,

    /// Never these chats (folder hashes, or usernames such as filehelper). With any,
    /// 4.x per-month files and videos, which cannot be tied to a chat, are kept too.
    #[arg(long, value_name = "HASH", value_delimiter = ',')]
    pub protect: Vec<String>,

    /// Name the plan's chats with the contact databases read with the key in FILE (as
    /// for `scan`: a 64-hex-digit account key or an all_keys.json-style map; yours,
    /// chmod 600, not a symlink). Never printed, logged or written.
    #[arg(long, value_name = "FILE")]
    pub key_file: Option<PathBuf>,

    /// Plan exactly what a finding of `scan` counts (its id, e.g. leftover-wechat3).
    #[arg(long, value_name = "ID", conflicts_with_all = ["tier", "older_than", "category", "chat"])]
    pub finding: Option<String>,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = PlanFormatArg::Table)]
    pub format: PlanFormatArg,

    /// Write the plan to FILE instead of standard output (`-` = stdout).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Scan PATH even if it does not look like WeChat data.
    #[arg(long)]
    pub any: bool,

    /// Worker threads, as for `scan`.
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub threads: Option<u16>,

    /// Print nothing on standard error.
    #[arg(short, long)]
    pub quiet: bool,

    /// Pin the plan's time (RFC 3339): ages are counted from it.
    #[arg(long, hide = true, value_name = "RFC3339")]
    pub now: Option<String>,
}

/// `browse` options.
#[derive(Debug, Args)]
pub struct BrowseArgs {
    /// Folder to scan, as for `scan`.
    pub path: Option<PathBuf>,

    /// Browse a saved `scan --format json --folders` report instead of scanning (read
    /// only: files are not listed, and marks are printed as paths).
    #[arg(long, value_name = "REPORT", conflicts_with_all = ["path", "any", "threads", "output"])]
    pub from: Option<PathBuf>,

    /// Write the marks as a plan (JSON, as `plan --format json`) to FILE on quit.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Hide account, chat and file names (pseudonyms), on screen and in the printed marks.
    #[arg(long, conflicts_with = "output")]
    pub redact: bool,

    /// Scan PATH even if it does not look like WeChat data.
    #[arg(long)]
    pub any: bool,

    /// Name chats from the contact databases, read with the key in FILE (as for `scan`:
    /// private, not a symlink; the key is never shown or kept).
    #[arg(long, value_name = "FILE", conflicts_with = "from")]
    pub key_file: Option<PathBuf>,

    /// Label chats with the usernames in FILE (as for `scan`).
    #[arg(long, value_name = "FILE", conflicts_with = "from")]
    pub names: Option<PathBuf>,

    /// Worker threads, as for `scan`.
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub threads: Option<u16>,

    /// Pin the plan's time (RFC 3339).
    #[arg(long, hide = true, value_name = "RFC3339")]
    pub now: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn sizes() {
        for (arg, want) in [
            ("0", 0),
            ("4096", 4096),
            ("100K", 102_400),
            ("2m", 2 << 20),
            ("1GiB", 1 << 30),
            ("1T", 1 << 40),
        ] {
            assert_eq!(parse_size(arg), Ok(want), "{arg}");
        }
        for bad in [
            "",
            "x",
            "-1",
            "1.5M",
            "2T",
            "99999999999999999999",
            "1 P",
            "K",
        ] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }

    #[test]
    fn help_epilogue_is_unchanged() {
        assert_eq!(
            after_long_help(),
            "Examples:\n  wechat-inspect scan\n  wechat-inspect scan ~/copy/com.tencent.xinWeChat --format json -o report.json\n  wechat-inspect scan ./xwechat_files/wxid_abc_1a2b --format csv\n\nExit codes: 0 clean, 1 complete with issues, 2 fatal."
        );
    }
}
