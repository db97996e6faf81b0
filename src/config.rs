//! The validated runtime configuration, built from the parsed command line and the
//! environment. Nothing past this point sees clap types.

use crate::cli::{Cli, ColorArg, Command, CommonArgs, DiffArgs, DiffFormatArg, FormatArg};
use crate::cli::{DupesArgs, DupesFormatArg, HostsArgs, HostsFormatArg, ShellArg, MAX_PATHS};
use crate::error::{Error, Result};
use crate::render::diff::DiffFormat;
use crate::render::{Format, View};
use chrono::{DateTime, Utc};
use std::path::PathBuf;

/// What the environment contributes (read once in `main`, faked in tests).
#[derive(Debug, Clone, Default)]
pub struct Env {
    pub home: Option<PathBuf>,
    pub no_color: bool,
    pub stdout_is_tty: bool,
    /// The terminal's width, when standard output is one.
    pub columns: Option<usize>,
    pub stderr_is_tty: bool,
    /// Standard input is a terminal (`browse` reads keys from it).
    pub stdin_is_tty: bool,
    /// File descriptor 1 is closed (`>&-`).
    pub stdout_closed: bool,
}

/// Where to look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Find WeChat's folders under this home folder.
    Home(PathBuf),
    /// Scan this folder.
    Path(PathBuf),
}

/// Where the report goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    Stdout,
    File(PathBuf),
}

/// A validated `scan`.
#[derive(Debug, Clone)]
pub struct ScanConfig {
    pub target: Target,
    pub any: bool,
    pub format: Format,
    pub output: Output,
    pub top: usize,
    pub threads: usize,
    pub color: bool,
    pub quiet: bool,
    pub redact: bool,
    pub now: DateTime<Utc>,
    /// Which sections (`scan`: all; `dbs`, `plists`: theirs).
    pub view: View,
    /// Count rows in databases.
    pub count_rows: bool,
    /// `--key-file`: read (and refused, exit 2) before any long work.
    pub key_file: Option<PathBuf>,
    /// `--names`: usernames (and labels) for chats and accounts.
    pub names: Option<PathBuf>,
    /// `--all-pages`: read every page of every database.
    pub all_pages: bool,
    /// Read every `.dat` image's first bytes for its scheme (`--dat-schemes`).
    pub dat_schemes: bool,
    /// Print phase timings on stderr (`--timings`).
    pub timings: bool,
    /// `--older-than`: count only files last written before this (seconds since the
    /// epoch), and the age as given.
    pub before: Option<i64>,
    pub older_than: Option<String>,
    /// Decimal units (`--si`).
    pub si: bool,
    /// Chats the table lists (`--top-chats`).
    pub top_chats: usize,
    /// Add `folders[]` to the JSON (`--folders`).
    pub folders: bool,
    /// Columns the table may use: the terminal's (40 to 400) on a terminal, else 80.
    pub width: usize,
}

/// A validated command.
#[derive(Debug, Clone)]
pub enum Config {
    Scan(ScanConfig),
    Diff(DiffConfig),
    Hosts(HostsConfig),
    Dupes(DupesConfig),
    Plan(PlanConfig),
    Browse(BrowseConfig),
    /// Print the completion script for this shell.
    Completions(clap_complete::Shell),
    /// Print the man page.
    Man,
}

/// A validated `plan`.
#[derive(Debug, Clone)]
pub struct PlanConfig {
    pub target: Target,
    pub any: bool,
    pub format: crate::render::plan::PlanFormat,
    pub output: Output,
    pub quiet: bool,
    pub now: DateTime<Utc>,
    pub threads: usize,
    /// What the plan may take (ignored with `finding`).
    pub options: crate::plan::PlanOptions,
    /// `--finding ID`: plan what that finding counts.
    pub finding: Option<String>,
    /// The options as given, for the plan's `request`.
    pub older_than: Option<String>,
    /// `--key-file`: name the plan's chats.
    pub key_file: Option<PathBuf>,
    /// `--dupes`: plan redundant copies of files of at least this many bytes.
    pub dupes: Option<u64>,
}

/// A validated `browse`.
#[derive(Debug, Clone)]
pub struct BrowseConfig {
    /// What to scan, or the saved report to read.
    pub source: BrowseSource,
    pub any: bool,
    /// The plan file (`-o`); without it the marks are printed.
    pub output: Output,
    pub redact: bool,
    pub threads: usize,
    pub now: DateTime<Utc>,
    /// `--key-file` and `--names`: chat names, as for `scan`.
    pub key_file: Option<PathBuf>,
    pub names: Option<PathBuf>,
}

/// Where `browse` gets its scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrowseSource {
    Scan(Target),
    Report(PathBuf),
}

/// Most values `--category`, `--chat` and `--protect` take together.
const MAX_LIST: usize = 10_000;

/// A chat folder hash as given, or a username's md5 (`filehelper` → its folder).
fn chat_hash(s: &str) -> Result<String> {
    let s = s.trim();
    if s.is_empty() || s.len() > 256 {
        return Err(Error::Usage(format!(
            "chat {:?}: give a 32-digit folder hash or a username",
            crate::escape::printable(s)
        )));
    }
    if s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(s.to_ascii_lowercase())
    } else {
        Ok(crate::model::names::md5_hex(s))
    }
}

/// Parse `--older-than`.
fn parse_age(s: &str) -> Result<crate::plan::Age> {
    crate::plan::Age::parse(s).ok_or_else(|| {
        Error::Usage(format!(
            "--older-than {:?}: give a number and d, w, m or y (90d, 12m, 2y), from 1 day to 100 years",
            crate::escape::printable(s)
        ))
    })
}

fn plan_config(a: crate::cli::PlanArgs, env: &Env) -> Result<PlanConfig> {
    use crate::cli::{PlanFormatArg as A, TierArg};
    use crate::render::plan::PlanFormat as F;
    use crate::tree::classify::tiers::Tier;
    let now = parse_now(a.now.as_deref())?;
    if a.category.len() + a.chat.len() + a.protect.len() > MAX_LIST {
        return Err(Error::Usage(format!(
            "--category, --chat and --protect take at most {MAX_LIST} values"
        )));
    }
    let mut options = crate::plan::PlanOptions::new(now.timestamp());
    let mut tiers: Vec<Tier> = a
        .tier
        .iter()
        .map(|t| match t {
            TierArg::Safe => Tier::Safe,
            TierArg::Careful => Tier::Careful,
            TierArg::Confirm => Tier::Confirm,
        })
        .collect();
    if a.tier.is_empty() && !a.dupes {
        tiers.push(Tier::Safe);
    }
    tiers.sort();
    tiers.dedup();
    options.tiers = tiers;
    options.older_than = a.older_than.as_deref().map(parse_age).transpose()?;
    for id in &a.category {
        let c = crate::tree::classify::Category::from_id(id.trim()).ok_or_else(|| {
            Error::Usage(format!(
                "--category {:?}: not a category id (see docs/taxonomy.md)",
                crate::escape::printable(id)
            ))
        })?;
        options.categories.push(c);
    }
    options.chats = a.chat.iter().map(|s| chat_hash(s)).collect::<Result<_>>()?;
    options.protect = a
        .protect
        .iter()
        .map(|s| chat_hash(s))
        .collect::<Result<_>>()?;
    if let Some(f) = &a.finding {
        if !crate::plan::findings::IDS.contains(&f.as_str()) {
            return Err(Error::Usage(format!(
                "--finding {:?}: one of {}",
                crate::escape::printable(f),
                crate::plan::findings::IDS.join(", ")
            )));
        }
    }
    Ok(PlanConfig {
        target: match a.path {
            Some(p) => Target::Path(p),
            None => Target::Home(env.home.clone().ok_or(Error::NoHome)?),
        },
        any: a.any,
        format: match a.format {
            A::Table => F::Table,
            A::Json => F::Json,
            A::Sh => F::Sh,
            A::Paths0 => F::Paths0,
        },
        output: match a.output {
            Some(p) if p.as_os_str() != "-" => Output::File(p),
            _ => Output::Stdout,
        },
        key_file: a.key_file,
        quiet: a.quiet || !env.stderr_is_tty,
        now,
        threads: a.threads.map_or_else(default_threads, usize::from),
        options,
        finding: a.finding,
        older_than: a.older_than,
        dupes: a.dupes.then_some(a.dupes_min_size),
    })
}

/// A validated `hosts`.
#[derive(Debug, Clone)]
pub struct HostsConfig {
    pub target: Target,
    pub any: bool,
    pub format: crate::render::hosts::Format,
    pub output: Output,
    pub paths: bool,
    pub redact: bool,
    pub quiet: bool,
    pub now: DateTime<Utc>,
    /// Workers of the walk that finds the stores.
    pub threads: usize,
}

fn hosts_config(a: HostsArgs, env: &Env) -> Result<HostsConfig> {
    use crate::render::hosts::Format as F;
    Ok(HostsConfig {
        target: match a.path {
            Some(p) => Target::Path(p),
            None => Target::Home(env.home.clone().ok_or(Error::NoHome)?),
        },
        any: a.any,
        format: match a.format {
            HostsFormatArg::Table => F::Table,
            HostsFormatArg::Json => F::Json,
            HostsFormatArg::Csv => F::Csv,
        },
        output: match a.output {
            Some(p) if p.as_os_str() != "-" => Output::File(p),
            _ => Output::Stdout,
        },
        paths: a.paths,
        redact: a.redact,
        quiet: a.quiet || !env.stderr_is_tty,
        now: parse_now(a.now.as_deref())?,
        threads: default_threads(),
    })
}

/// Where `dupes` looks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DupesTarget {
    /// Find WeChat's folders under this home folder.
    Home(PathBuf),
    /// These folders (1 to [`MAX_PATHS`]).
    Paths(Vec<PathBuf>),
}

/// A validated `dupes`.
#[derive(Debug, Clone)]
pub struct DupesConfig {
    pub target: DupesTarget,
    pub any: bool,
    pub format: crate::render::dupes::Format,
    pub output: Output,
    /// Files smaller than this are not compared (0 ..= 1 TiB).
    pub min_size: u64,
    /// Walk workers.
    pub threads: usize,
    /// Reading (hashing) workers: `-j`, or the available cores.
    pub hash_threads: usize,
    pub redact: bool,
    /// Print nothing on stderr (`--quiet`).
    pub quiet: bool,
    /// Draw the progress line (stderr is a terminal and not `--quiet`).
    pub progress: bool,
    /// The fdupes format writes exact path bytes (the output is not a terminal).
    pub raw_paths: bool,
    pub now: DateTime<Utc>,
}

fn dupes_config(a: DupesArgs, env: &Env) -> Result<DupesConfig> {
    use crate::render::dupes::Format as F;
    let target = if a.paths.is_empty() {
        DupesTarget::Home(env.home.clone().ok_or(Error::NoHome)?)
    } else if a.paths.len() > MAX_PATHS {
        return Err(Error::Usage(format!(
            "dupes takes at most {MAX_PATHS} folders at once ({} given)",
            a.paths.len()
        )));
    } else {
        DupesTarget::Paths(a.paths)
    };
    let output = match a.output {
        Some(p) if p.as_os_str() != "-" => Output::File(p),
        _ => Output::Stdout,
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    Ok(DupesConfig {
        target,
        any: a.any,
        format: match a.format {
            DupesFormatArg::Table => F::Table,
            DupesFormatArg::Json => F::Json,
            DupesFormatArg::Csv => F::Csv,
            DupesFormatArg::Fdupes => F::Fdupes,
        },
        raw_paths: !(output == Output::Stdout && env.stdout_is_tty),
        output,
        min_size: a.min_size,
        // clap has checked the range (1..=MAX_THREADS).
        threads: a.threads.map_or_else(default_threads, usize::from),
        hash_threads: a.threads.map_or(cores, usize::from),
        redact: a.redact,
        quiet: a.quiet,
        progress: !a.quiet && env.stderr_is_tty,
        now: parse_now(a.now.as_deref())?,
    })
}

/// A validated `diff`.
#[derive(Debug, Clone)]
pub struct DiffConfig {
    pub old: PathBuf,
    pub new: PathBuf,
    pub format: DiffFormat,
    pub output: Output,
    pub redact: bool,
}

fn diff_config(a: DiffArgs) -> DiffConfig {
    DiffConfig {
        old: a.old,
        new: a.new,
        format: match a.format {
            DiffFormatArg::Table => DiffFormat::Table,
            DiffFormatArg::Json => DiffFormat::Json,
        },
        output: match a.output {
            Some(p) if p.as_os_str() != "-" => Output::File(p),
            _ => Output::Stdout,
        },
        redact: a.redact,
    }
}

/// `--now`: an RFC 3339 time, or the clock.
fn parse_now(arg: Option<&str>) -> Result<DateTime<Utc>> {
    match arg {
        Some(s) => DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| {
                Error::Usage(format!(
                    "--now \"{s}\" is not an RFC 3339 time such as 2024-05-01T12:00:00Z ({e})"
                ))
            }),
        None => Ok(Utc::now()),
    }
}

/// Default worker count. A worker waiting on the disk holds no visitor (the visitors,
/// which hold the report's maps, stay at one per core: see `tree::walk`), so workers
/// are I/O depth: on Linux 32 (or the cores, if more; at most 64), which keeps a cold
/// disk busy; the walk starts them all only once folders are slow to read, so a warm
/// scan runs one per core (measured in BENCHMARKS.md). On macOS the cores, at most 8, as before: APFS metadata calls get
/// slower with more threads (peers.md: dua's 16-thread numbers), not measured again.
pub fn default_threads() -> usize {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(4);
    if cfg!(target_os = "macos") {
        cores.min(8)
    } else {
        cores.clamp(32, 64)
    }
}

impl Config {
    /// Validate the command line against the environment.
    pub fn from_cli(cli: Cli, env: &Env) -> Result<Config> {
        let config = Config::from_command(cli.command, env)?;
        if env.stdout_closed && config.writes_stdout() {
            return Err(Error::Usage(
                "standard output is closed, so the report would be lost; write it to a file with -o FILE, or redirect standard output".into(),
            ));
        }
        Ok(config)
    }

    /// Whether the report goes to standard output.
    pub fn writes_stdout(&self) -> bool {
        match self {
            Config::Scan(c) => c.output == Output::Stdout,
            Config::Diff(c) => c.output == Output::Stdout,
            Config::Hosts(c) => c.output == Output::Stdout,
            Config::Dupes(c) => c.output == Output::Stdout,
            Config::Plan(c) => c.output == Output::Stdout,
            Config::Browse(c) => c.output == Output::Stdout,
            Config::Completions(_) | Config::Man => true,
        }
    }

    fn from_command(command: Command, env: &Env) -> Result<Config> {
        match command {
            Command::Scan(args) => {
                let top = usize::try_from(args.top).unwrap_or(usize::MAX);
                let mut c = scan_config(args.common, top, View::Scan, env)?;
                c.dat_schemes = args.dat_schemes;
                c.names = args.names;
                c.key_file = args.pages.key_file;
                c.all_pages = args.pages.all_pages;
                if let Some(age) = &args.older_than {
                    c.before = Some(parse_age(age)?.before(c.now.timestamp()));
                    c.older_than = Some(age.trim().to_string());
                }
                c.si = args.si;
                c.top_chats = usize::from(args.top_chats);
                c.folders = args.folders;
                Ok(Config::Scan(c))
            }
            Command::Dbs(args) => {
                let mut c = scan_config(args.common, 0, View::Databases, env)?;
                c.key_file = args.pages.key_file;
                c.all_pages = args.pages.all_pages;
                Ok(Config::Scan(c))
            }
            Command::Plists(args) => Ok(Config::Scan(scan_config(
                args.common,
                0,
                View::Plists,
                env,
            )?)),
            Command::Diff(args) => Ok(Config::Diff(diff_config(args))),
            Command::Hosts(args) => Ok(Config::Hosts(hosts_config(args, env)?)),
            Command::Dupes(args) => Ok(Config::Dupes(dupes_config(args, env)?)),
            Command::Plan(args) => Ok(Config::Plan(plan_config(args, env)?)),
            Command::Browse(args) => Ok(Config::Browse(browse_config(args, env)?)),
            Command::Completions(args) => Ok(Config::Completions(match args.shell {
                ShellArg::Bash => clap_complete::Shell::Bash,
                ShellArg::Zsh => clap_complete::Shell::Zsh,
                ShellArg::Fish => clap_complete::Shell::Fish,
            })),
            Command::Man => Ok(Config::Man),
        }
    }
}

fn browse_config(a: crate::cli::BrowseArgs, env: &Env) -> Result<BrowseConfig> {
    // Checked first, before any scan: keys come from stdin, the screen is stdout.
    if !env.stdin_is_tty || !env.stdout_is_tty {
        return Err(Error::Usage(
            "browse needs a terminal on standard input and output; use `scan` or `plan` in scripts"
                .into(),
        ));
    }
    let source = match (a.from, a.path) {
        (Some(r), _) => BrowseSource::Report(r),
        (None, Some(p)) => BrowseSource::Scan(Target::Path(p)),
        (None, None) => BrowseSource::Scan(Target::Home(env.home.clone().ok_or(Error::NoHome)?)),
    };
    Ok(BrowseConfig {
        source,
        any: a.any,
        output: match a.output {
            Some(p) if p.as_os_str() != "-" => Output::File(p),
            _ => Output::Stdout,
        },
        redact: a.redact,
        threads: a.threads.map_or_else(default_threads, usize::from),
        now: parse_now(a.now.as_deref())?,
        key_file: a.key_file,
        names: a.names,
    })
}

fn scan_config(a: CommonArgs, top: usize, view: View, env: &Env) -> Result<ScanConfig> {
    let target = match a.path {
        Some(p) => Target::Path(p),
        None => Target::Home(env.home.clone().ok_or(Error::NoHome)?),
    };
    let output = match a.output {
        Some(p) if p.as_os_str() != "-" => Output::File(p),
        _ => Output::Stdout,
    };
    let width = if env.stdout_is_tty && output == Output::Stdout {
        env.columns.map_or(80, |c| c.clamp(40, 400))
    } else {
        80
    };
    let color = match a.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => output == Output::Stdout && env.stdout_is_tty && !env.no_color,
    };
    let now = parse_now(a.now.as_deref())?;
    // clap has checked the range (1..=MAX_THREADS).
    let threads = a.threads.map_or_else(default_threads, usize::from);
    Ok(ScanConfig {
        target,
        any: a.any,
        format: match a.format {
            FormatArg::Table => Format::Table,
            FormatArg::Json => Format::Json,
            FormatArg::Csv => Format::Csv,
            FormatArg::Html => Format::Html,
        },
        output,
        top,
        threads,
        color,
        quiet: a.quiet || !env.stderr_is_tty,
        redact: a.redact,
        now,
        view,
        count_rows: !a.no_row_counts,
        key_file: None,
        names: None,
        all_pages: false,
        dat_schemes: false,
        timings: a.timings,
        before: None,
        older_than: None,
        si: false,
        top_chats: 15,
        folders: false,
        width,
    })
}
