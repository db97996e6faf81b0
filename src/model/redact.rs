//! `--redact`: one pass over the [`Report`] model (or the [`HostsReport`]) that
//! replaces personal identifiers with stable pseudonyms before any reporter sees it, so
//! every format is redacted the same way.
//!
//! Account folders become `account-1`, chat folders `chat-07`, usernames and wxids
//! `user-03` (custom ids under `app_data/` too), other opaque ids (long hex, UUIDs)
//! `id-02`, file names `file-0042.pdf` (extension kept), and every other folder name
//! `folder-05`. The same original gets the same pseudonym everywhere in one report;
//! numbering follows the sorted originals, so it is deterministic.
//!
//! Only WeChat's fixed folder names stay, so the paths still say where things are:
//! the literal names of the classification rules ([`RULES`]), the names in
//! [`FIXED_FOLDERS`], months, years, version folders (`2.0b4.0.9`) and numbers of up
//! to three digits. Anything else is taken to be personal (a received folder such as
//! `msg/file/2024-05/Wedding Photos/`, a URL path's parts under `hosts --paths`).
//! Free text (table names, plist keys, issue messages, notes) has every known
//! original replaced, and before that every chat md5 and `wxid_…` in it is learnt
//! as one; an absolute path left in a message is cut to `<path>`.

use super::dupes::DupesReport;
use super::hosts::{HostsReport, FIXED_NON_HOST_NAMES, FIXED_STORE_NAMES};
use super::names::{system_chat, LabelSource};
use super::Report;
use crate::tree::classify::pattern::{is_md5, is_month};
use crate::tree::classify::rules::RULES;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// What `base` becomes when it is a path (`~` and `.` reveal nothing and stay).
pub const REDACTED_BASE: &str = "<redacted>";

/// Folders directly under `xwechat_files` that are not accounts.
const V4_NOT_ACCOUNTS: [&str; 3] = ["all_users", "Backup", "old_backup"];

/// WeChat's fixed folder names that the rule table does not spell out (container
/// and library folders, 4.x app-wide and account subfolders, caches): kept by
/// `--redact` (see the module docs). Compared ASCII case-insensitively.
pub const FIXED_FOLDERS: &[&str] = &[
    // The container and its library.
    "Data",
    "Library",
    "Containers",
    "Group Containers",
    "Application Support",
    "Caches",
    "Preferences",
    "Cookies",
    "HTTPStorages",
    "WebKit",
    "Saved Application State",
    "com.tencent.xinWeChat",
    "com.tencent.xinWeChat.savedState",
    "fsCachedData",
    "Matrix",
    "AppReboot",
    "CrashReport",
    "Documents",
    ".wxapplet",
    "WMPF",
    // 4.x app-wide state and accounts.
    "xwechat_files",
    "app_data",
    "all_users",
    "config",
    "login",
    "head_imgs",
    "sqlite",
    "lock",
    "log",
    "net",
    "kvcomm",
    "cdncomm",
    "radium",
    "packages",
    "users",
    "applet",
    "xfile",
    "player",
    "msg",
    "attach",
    "video",
    "file",
    "migrate",
    "temp",
    "drag",
    "RWTemp",
    "head_image",
    "ImageUtils",
    "ImageTemp",
    "InputTemp",
    "business",
    "emoticon",
    "favorite",
    "sns",
    "xeditor",
    "xweb",
    "mmkv",
    "resource",
    "apm_record",
    "process_duration",
    "db_storage",
    "message",
    "contact",
    "session",
    "general",
    "hardlink",
    "fts",
    "ftsfile",
    "multiTalk",
    "cache",
    "data",
    "Emoticon",
    "HttpResource",
    "WeAppIcon",
    "Message",
    "Img",
    "Image",
    "Video",
    "Audio",
    "File",
    "OpenData",
    "NonPersistence",
    "Backup",
    "old_backup",
];

/// The literal folder names of the classification rules (`Message`, `MessageTemp`,
/// `{Contact,Group}` alternatives, ...), computed once.
fn rule_words() -> &'static BTreeSet<String> {
    static WORDS: OnceLock<BTreeSet<String>> = OnceLock::new();
    WORDS.get_or_init(|| {
        let mut words = BTreeSet::new();
        for rule in RULES {
            for seg in rule.pattern.split('/') {
                let seg = seg.trim_start_matches('{').trim_end_matches('}');
                for alt in seg.split(',') {
                    if !alt.is_empty() && !alt.contains(['*', '<', '?', '[']) {
                        words.insert(alt.to_ascii_lowercase());
                    }
                }
            }
        }
        for f in FIXED_FOLDERS.iter().chain(&FIXED_STORE_NAMES) {
            words.insert(f.to_ascii_lowercase());
        }
        words
    })
}

/// A folder name WeChat itself uses (kept by `--redact`), see the module docs.
fn is_fixed_folder(name: &str) -> bool {
    let b = name.as_bytes();
    let number = !b.is_empty() && b.len() <= 3 && b.iter().all(u8::is_ascii_digit);
    let year =
        b.len() == 4 && b.iter().all(u8::is_ascii_digit) && (b"19" == &b[..2] || b"20" == &b[..2]);
    // `2.0b4.0.9`: a version folder (digits, dots, a letter or two).
    let version = b.first().is_some_and(u8::is_ascii_digit)
        && b.contains(&b'.')
        && b.len() <= 16
        && b.iter()
            .all(|c| c.is_ascii_digit() || *c == b'.' || c.is_ascii_lowercase())
        && b.iter().filter(|c| c.is_ascii_lowercase()).count() <= 2;
    number || year || version || is_month(name) || rule_words().contains(&name.to_ascii_lowercase())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Account,
    Chat,
    User,
    File,
    /// Other opaque ids: long hex strings, UUIDs (backup and device ids).
    Id,
    /// Any other folder name that is not WeChat's own.
    Folder,
}

/// `<wxid>_<4 hex>`: a 4.x account folder; returns the wxid part.
fn v4_account_user(name: &str) -> Option<&str> {
    let (user, tail) = name.rsplit_once('_')?;
    (tail.len() == 4 && tail.bytes().all(|b| b.is_ascii_hexdigit()) && !user.is_empty())
        .then_some(user)
}

/// A hex string of 16+ digits or a UUID: an id that says nothing about where it is.
fn is_opaque_id(name: &str) -> bool {
    let hex = name.bytes().filter(u8::is_ascii_hexdigit).count();
    let dashes = name.bytes().filter(|&b| b == b'-').count();
    hex >= 16 && hex + dashes == name.len() && (dashes == 0 || dashes == 4)
}

/// The originals found in a report, by kind.
#[derive(Default)]
struct Found {
    accounts: BTreeSet<String>,
    users: BTreeSet<String>,
    chats: BTreeSet<String>,
    files: BTreeSet<String>,
    ids: BTreeSet<String>,
    folders: BTreeSet<String>,
}

impl Found {
    /// Classify one path component. `prev` is the component before it, `last_file`
    /// says whether it is the name of a file.
    fn kind(&self, prev: Option<&str>, comp: &str, last_file: bool) -> Option<Kind> {
        if comp.is_empty() || comp == "." || comp == ".." || comp == "~" {
            return None;
        }
        if self.accounts.contains(comp) {
            return Some(Kind::Account);
        }
        if prev == Some("xwechat_files") && !V4_NOT_ACCOUNTS.contains(&comp) {
            return Some(Kind::Account);
        }
        if last_file {
            return Some(Kind::File);
        }
        if matches!(prev, Some("login") | Some("users")) || self.users.contains(comp) {
            return Some(Kind::User);
        }
        // `app_data/<id>/`: an account's own folder (a wxid or a custom id).
        if prev == Some("app_data") && !is_fixed_folder(comp) {
            return Some(Kind::User);
        }
        if comp.starts_with("wxid_") {
            return Some(Kind::User);
        }
        if is_md5(comp) {
            return Some(Kind::Chat);
        }
        if is_opaque_id(comp) {
            return Some(Kind::Id);
        }
        if !is_fixed_folder(comp) {
            return Some(Kind::Folder);
        }
        None
    }

    fn add(&mut self, kind: Kind, name: &str) {
        let set = match kind {
            Kind::Account => &mut self.accounts,
            Kind::Chat => &mut self.chats,
            Kind::User => &mut self.users,
            Kind::File => &mut self.files,
            Kind::Id => &mut self.ids,
            Kind::Folder => &mut self.folders,
        };
        set.insert(name.to_string());
    }

    /// Learn the chat md5s and `wxid_…` names inside free text (table names such
    /// as `Msg_<md5>`, plist keys, messages).
    fn collect_text(&mut self, s: &str) {
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i].is_ascii_hexdigit() && (i == 0 || !b[i - 1].is_ascii_hexdigit()) {
                let run = b[i..].iter().take_while(|c| c.is_ascii_hexdigit()).count();
                if run == 32 {
                    self.chats.insert(s[i..i + 32].to_string());
                }
                i += run;
                continue;
            }
            if b[i..].starts_with(b"wxid_") {
                let len = b[i..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_' || **c == b'-')
                    .count();
                if len > 5 {
                    self.users.insert(s[i..i + len].to_string());
                }
                i += len.max(1);
                continue;
            }
            i += 1;
        }
    }

    /// Walk a `/`-separated path, calling `f` for every component with its kind.
    fn visit(&self, path: &str, is_file: bool, mut f: impl FnMut(&str, Option<Kind>)) {
        let comps: Vec<&str> = path.split('/').collect();
        let mut prev: Option<&str> = None;
        for (i, comp) in comps.iter().enumerate() {
            let last_file = is_file && i + 1 == comps.len() && !is_month(comp);
            f(comp, self.kind(prev, comp, last_file));
            prev = Some(comp);
        }
    }

    fn collect_path(&mut self, path: &str, is_file: bool) {
        let mut hits = Vec::new();
        self.visit(path, is_file, |comp, kind| {
            if let Some(k) = kind {
                hits.push((k, comp.to_string()));
            }
        });
        for (k, name) in hits {
            self.add(k, &name);
        }
    }
}

fn extension(name: &str) -> Option<&str> {
    let (stem, ext) = name.rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty() && ext.len() <= 10).then_some(ext)
}

/// The pseudonyms, original → replacement.
struct Names {
    found: Found,
    map: BTreeMap<(Kind, String), String>,
}

impl Names {
    /// Pseudonyms for everything found, once the overlaps are settled: the wxid inside
    /// a 4.x account folder's name is a username wherever it appears, and a name seen
    /// both as an account and as something else is an account.
    fn settled(mut found: Found) -> Names {
        let users: Vec<String> = found
            .accounts
            .iter()
            .filter_map(|a| v4_account_user(a).map(str::to_string))
            .collect();
        found.users.extend(users);
        let accounts = found.accounts.clone();
        found.chats.retain(|c| !accounts.contains(c));
        found.users.retain(|u| !accounts.contains(u));
        found.files.retain(|f| !accounts.contains(f));
        let named: BTreeSet<String> = found
            .users
            .iter()
            .chain(&found.chats)
            .chain(&found.ids)
            .chain(&accounts)
            .cloned()
            .collect();
        found.folders.retain(|f| !named.contains(f));
        Names::new(found)
    }

    fn new(found: Found) -> Names {
        let mut map = BTreeMap::new();
        for (i, a) in found.accounts.iter().enumerate() {
            map.insert((Kind::Account, a.clone()), format!("account-{}", i + 1));
        }
        for (i, c) in found.chats.iter().enumerate() {
            map.insert((Kind::Chat, c.clone()), format!("chat-{:02}", i + 1));
        }
        for (i, u) in found.users.iter().enumerate() {
            map.insert((Kind::User, u.clone()), format!("user-{:02}", i + 1));
        }
        for (i, f) in found.files.iter().enumerate() {
            let name = match extension(f) {
                Some(ext) => format!("file-{:04}.{ext}", i + 1),
                None => format!("file-{:04}", i + 1),
            };
            map.insert((Kind::File, f.clone()), name);
        }
        for (i, x) in found.ids.iter().enumerate() {
            map.insert((Kind::Id, x.clone()), format!("id-{:02}", i + 1));
        }
        for (i, x) in found.folders.iter().enumerate() {
            map.insert((Kind::Folder, x.clone()), format!("folder-{:02}", i + 1));
        }
        Names { found, map }
    }

    fn get(&self, kind: Kind, name: &str) -> String {
        self.map
            .get(&(kind, name.to_string()))
            .cloned()
            .unwrap_or_else(|| name.to_string())
    }

    fn account(&self, id: &str) -> String {
        if id == "shared" {
            return id.to_string();
        }
        self.get(Kind::Account, id)
    }

    fn path(&self, path: &str, is_file: bool) -> String {
        let mut out: Vec<String> = Vec::new();
        self.found.visit(path, is_file, |comp, kind| {
            out.push(match kind {
                Some(k) => self.get(k, comp),
                None => comp.to_string(),
            });
        });
        out.join("/")
    }

    /// Free text (issue messages): replace every original that occurs in it, longest
    /// first so no original is left half-replaced.
    fn text(&self, s: &str) -> String {
        let mut pairs: Vec<(&String, &String)> = self
            .map
            .iter()
            .map(|((_, orig), new)| (orig, new))
            .filter(|(orig, _)| orig.len() >= 3)
            .collect();
        pairs.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(b.0)));
        let mut out = cut_absolute_paths(s);
        for (orig, new) in pairs {
            if out.contains(orig.as_str()) {
                out = out.replace(orig.as_str(), new);
            }
        }
        out
    }
}

/// An absolute path in free text (`/Users/me/...`, where a message should never
/// have one) becomes `<path>`: the home folder's name is personal. A path runs from
/// a `/` at the start of a word to the next white space, quote or `)`.
fn cut_absolute_paths(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('/') {
        let at_word_start = rest[..i]
            .chars()
            .next_back()
            .is_none_or(|c| c.is_whitespace() || "(\"'=".contains(c));
        let end = rest[i..]
            .find(|c: char| c.is_whitespace() || "\"')".contains(c))
            .map_or(rest.len(), |e| i + e);
        let word = &rest[i..end];
        out.push_str(&rest[..i]);
        if at_word_start && word[1..].contains('/') {
            out.push_str("<path>");
        } else {
            out.push_str(word);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Is an issue's path a file? Unknown; treat its last component as a file name unless
/// it is one of the folder kinds we recognise, which errs on the side of hiding.
fn issue_path_is_file(_path: &str) -> bool {
    true
}

/// Replace the identifiers in `r` with pseudonyms (see the module docs).
pub fn redact(r: &mut Report) {
    redact_all(&mut [r]);
}

/// Redact several reports with one set of pseudonyms (e.g. both sides of a diff), so
/// the same original gets the same pseudonym in all of them.
pub fn redact_all(reports: &mut [&mut Report]) {
    let mut found = Found::default();
    for r in reports.iter() {
        collect(r, &mut found);
    }
    for r in reports.iter() {
        collect_paths(r, &mut found);
    }
    let names = Names::settled(found);
    for r in reports.iter_mut() {
        apply(&names, r);
    }
}

fn collect(r: &Report, found: &mut Found) {
    for a in &r.accounts {
        if a.id != "shared" {
            found.accounts.insert(a.id.clone());
        }
    }
    for c in &r.chats {
        found.accounts.insert(c.account.clone());
        found.chats.insert(c.chat.clone());
    }
    for f in &r.largest {
        if f.account != "shared" {
            found.accounts.insert(f.account.clone());
        }
    }
    for d in &r.databases {
        if d.account != "shared" {
            found.accounts.insert(d.account.clone());
        }
    }
    for d in &r.dat_images {
        if d.account != "shared" {
            found.accounts.insert(d.account.clone());
        }
        found.chats.insert(d.chat.clone());
    }
    for a in &r.accounts {
        found.accounts.extend(a.aliases.iter().cloned());
    }
    for u in &r.unattributed {
        if u.account != "shared" {
            found.accounts.insert(u.account.clone());
        }
    }
    for s in &r.accounts_seen {
        found.users.insert(s.id.clone());
        if let Some(a) = &s.account {
            found.accounts.insert(a.clone());
        }
    }
    for a in &r.dupe_hints.accounts {
        if a.id != "shared" {
            found.accounts.insert(a.id.clone());
        }
    }
    for c in &r.dupe_hints.chats {
        if c.account != "shared" {
            found.accounts.insert(c.account.clone());
        }
        found.chats.insert(c.chat.clone());
    }
}

fn collect_paths(r: &Report, found: &mut Found) {
    for root in &r.roots {
        found.collect_path(&root.path, false);
        found.collect_path(&root.container_path, false);
    }
    for f in &r.largest {
        found.collect_path(&f.path, true);
    }
    for i in &r.issues {
        found.collect_path(&i.path, issue_path_is_file(&i.path));
    }
    for d in &r.databases {
        found.collect_path(&d.path, true);
    }
    for p in &r.plists {
        found.collect_path(&p.path, true);
        for k in &p.keys {
            found.collect_text(k);
        }
        found.collect_text(&p.summary);
        found.collect_text(p.root_class.as_deref().unwrap_or(""));
    }
    for d in &r.databases {
        for t in d.tables.iter().flatten() {
            found.collect_text(&t.name);
        }
    }
    for i in &r.issues {
        found.collect_text(&i.message);
    }
}

fn apply(names: &Names, r: &mut Report) {
    if r.base != "~" && r.base != "." {
        r.base = REDACTED_BASE.to_string();
    }
    for root in &mut r.roots {
        root.path = names.path(&root.path, false);
        root.container_path = names.path(&root.container_path, false);
    }
    // Labels from `--names` (or a key) are the user's names for people: hidden. System
    // labels name no one (the same on every Mac) and stay, as does a chat's kind.
    for a in &mut r.accounts {
        a.id = names.account(&a.id);
        for alias in &mut a.aliases {
            *alias = names.account(alias);
        }
        a.aliases.sort();
        a.label = None;
    }
    for c in &mut r.chats {
        if c.label_source != Some(LabelSource::System) {
            // A system chat the user named is still that system chat.
            let system = system_chat(&c.chat);
            c.label = system.map(|s| s.label.to_string());
            c.label_source = system.map(|_| LabelSource::System);
        }
        c.account = names.account(&c.account);
        c.chat = names.get(Kind::Chat, &c.chat);
    }
    for s in &mut r.accounts_seen {
        s.id = names.get(Kind::User, &s.id);
        s.account = s.account.as_deref().map(|a| names.account(a));
        s.label = None;
    }
    r.accounts_seen.sort_by(|a, b| a.id.cmp(&b.id));
    for u in &mut r.unattributed {
        u.account = names.account(&u.account);
    }
    r.unattributed.sort_by(|a, b| a.account.cmp(&b.account));
    for f in &mut r.largest {
        f.account = names.account(&f.account);
        f.path = names.path(&f.path, true);
    }
    for i in &mut r.issues {
        i.path = names.path(&i.path, issue_path_is_file(&i.path));
        i.message = names.text(&i.message);
    }
    // Findings name accounts and chats in their text; folder names may be any of them.
    for f in &mut r.findings {
        f.title = names.text(&f.title);
        f.evidence = f.evidence.iter().map(|e| names.text(e)).collect();
    }
    for f in &mut r.folders {
        if f.parent.is_none() {
            f.name = names.path(&f.name, false);
        } else {
            f.name = names.text(&f.name);
        }
    }
    // Table names, plist keys and outlines are free text that may embed an identifier
    // (e.g. a per-chat table named after its md5): every known original is replaced.
    for d in &mut r.databases {
        d.path = names.path(&d.path, true);
        d.account = names.account(&d.account);
        for t in d.tables.iter_mut().flatten() {
            t.name = names.text(&t.name);
            t.error = t.error.as_deref().map(|e| names.text(e));
        }
        d.rows_skipped = d.rows_skipped.as_deref().map(|s| names.text(s));
    }
    for p in &mut r.plists {
        p.path = names.path(&p.path, true);
        p.summary = names.text(&p.summary);
        for k in &mut p.keys {
            *k = names.text(k);
        }
        p.keys.sort();
        p.root_class = p.root_class.as_deref().map(|c| names.text(c));
    }
    for d in &mut r.dat_images {
        d.account = names.account(&d.account);
        d.chat = names.get(Kind::Chat, &d.chat);
    }
    r.dat_images.sort_by(|a, b| {
        (&a.account, &a.chat, &a.scheme, &a.variant)
            .cmp(&(&b.account, &b.chat, &b.scheme, &b.variant))
    });
    for a in &mut r.dupe_hints.accounts {
        a.id = names.account(&a.id);
    }
    for c in &mut r.dupe_hints.chats {
        c.account = names.account(&c.account);
        c.chat = names.get(Kind::Chat, &c.chat);
    }
}

/// `--redact` for a `dupes` report: paths, accounts and chats through one set of
/// pseudonyms with the rules of `scan --redact`; content hashes dropped (a hash can
/// tell whether someone holds a known file); the fdupes paths become the redacted
/// base and path (a shared report, not something to act on).
pub fn redact_dupes(r: &mut DupesReport) {
    let mut found = Found::default();
    for f in r.groups.iter().flat_map(|g| &g.files) {
        if f.account != "shared" {
            found.accounts.insert(f.account.clone());
        }
        if let Some(chat) = &f.chat {
            found.chats.insert(chat.clone());
        }
    }
    for root in &r.roots {
        found.collect_path(&root.path, false);
        found.collect_path(&root.container_path, false);
    }
    for f in r.groups.iter().flat_map(|g| &g.files) {
        found.collect_path(&f.path, true);
    }
    for i in &r.issues {
        found.collect_path(&i.path, issue_path_is_file(&i.path));
        found.collect_text(&i.message);
    }
    let names = Names::settled(found);
    if r.base != "~" && r.base != "." {
        r.base = REDACTED_BASE.to_string();
    }
    for root in &mut r.roots {
        root.path = names.path(&root.path, false);
        root.container_path = names.path(&root.container_path, false);
    }
    for g in &mut r.groups {
        g.hash = None;
        for f in &mut g.files {
            f.path = names.path(&f.path, true);
            f.account = names.account(&f.account);
            f.chat = f.chat.as_deref().map(|c| names.get(Kind::Chat, c));
            f.abs = format!("{}/{}", r.base, f.path).into_bytes();
        }
    }
    for i in &mut r.issues {
        i.path = names.path(&i.path, issue_path_is_file(&i.path));
        i.message = names.text(&i.message);
    }
}

/// `--redact`: pseudonymise the identifying components of every path (source
/// files, roots, issues, notes, URL paths) with the same rules as `scan --redact`.
/// Host names, cookie names and fixed store file names stay.
pub fn redact_hosts(r: &mut HostsReport) {
    let is_file = |p: &str| {
        let name = p.rsplit('/').next().unwrap_or("");
        !FIXED_STORE_NAMES.contains(&name)
    };
    let mut all: Vec<(String, bool)> = Vec::new();
    for root in &r.roots {
        all.push((root.path.clone(), false));
        all.push((root.container_path.clone(), false));
    }
    for s in &r.stores {
        all.push((s.path.clone(), is_file(&s.path)));
    }
    for h in &r.hosts {
        for p in h.paths.iter().flatten() {
            all.push((p.clone(), true));
        }
    }
    for i in &r.issues {
        all.push((i.path.clone(), is_file(&i.path)));
    }
    for n in &r.notes {
        all.push((n.path.clone(), is_file(&n.path)));
    }
    let texts = r
        .notes
        .iter()
        .map(|n| n.message.as_str())
        .chain(r.issues.iter().map(|i| i.message.as_str()));
    let red = PathRedactor::with_text(all.iter().map(|(p, f)| (p.as_str(), *f)), texts);
    if r.base != "~" && r.base != "." {
        r.base = REDACTED_BASE.to_string();
    }
    for root in &mut r.roots {
        root.path = red.path(&root.path, false);
        root.container_path = red.path(&root.container_path, false);
    }
    for s in &mut r.stores {
        s.path = red.path(&s.path, is_file(&s.path));
    }
    for h in &mut r.hosts {
        for s in &mut h.sources {
            *s = red.path(s, is_file(s));
        }
        if let Some(ps) = &mut h.paths {
            for p in ps.iter_mut() {
                *p = red.path(p, true);
            }
            ps.sort();
            ps.dedup();
        }
    }
    // A cookie domain that is not a host name is free text: a pseudonym, unless it is
    // one of the fixed names (Safari's `.^filecookies^`, ...).
    let odd: BTreeSet<String> = r
        .hosts
        .iter()
        .filter(|h| h.not_a_host_name && !FIXED_NON_HOST_NAMES.contains(&h.host.as_str()))
        .map(|h| h.host.clone())
        .collect();
    if !odd.is_empty() {
        let names: BTreeMap<String, String> = odd
            .into_iter()
            .enumerate()
            .map(|(i, n)| (n, format!("not-a-host-{:02}", i + 1)))
            .collect();
        for h in &mut r.hosts {
            if let Some(n) = names.get(&h.host) {
                h.host = n.clone();
                h.domain = n.clone();
            }
        }
        for d in &mut r.domains {
            if let Some(n) = names.get(&d.domain) {
                d.domain = n.clone();
            }
        }
        r.hosts
            .sort_by(|a, b| a.domain.cmp(&b.domain).then_with(|| a.host.cmp(&b.host)));
        r.domains.sort_by(|a, b| {
            b.cached_bytes
                .cmp(&a.cached_bytes)
                .then_with(|| b.responses.cmp(&a.responses))
                .then_with(|| a.domain.cmp(&b.domain))
        });
    }
    for i in &mut r.issues {
        i.path = red.path(&i.path, is_file(&i.path));
        i.message = red.text(&i.message);
    }
    for n in &mut r.notes {
        n.path = red.path(&n.path, is_file(&n.path));
        n.message = red.text(&n.message);
    }
}

/// Pseudonyms for loose paths (reports other than [`Report`], e.g. `hosts`), with
/// the same rules as [`redact`]: build it from every path once, then map each.
pub struct PathRedactor {
    names: Names,
}

impl PathRedactor {
    /// Learn the identifiers in `paths` (`(path, is_file)`, `/`-separated) and the
    /// md5s and wxids in `texts`.
    pub fn with_text<'a, 'b>(
        paths: impl IntoIterator<Item = (&'a str, bool)>,
        texts: impl IntoIterator<Item = &'b str>,
    ) -> PathRedactor {
        let mut found = Found::default();
        for (p, is_file) in paths {
            found.collect_path(p, is_file);
        }
        for t in texts {
            found.collect_text(t);
        }
        PathRedactor {
            names: Names::settled(found),
        }
    }

    /// `path` with its identifying components replaced.
    pub fn path(&self, path: &str, is_file: bool) -> String {
        self.names.path(path, is_file)
    }

    /// Free text with every known original replaced.
    pub fn text(&self, s: &str) -> String {
        self.names.text(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_folder_parsing() {
        assert_eq!(v4_account_user("wxid_abc_1a2b"), Some("wxid_abc"));
        assert_eq!(v4_account_user("erin1990_4a6d"), Some("erin1990"));
        assert_eq!(v4_account_user("all_users"), None);
        assert_eq!(extension("a.pic_hd.jpg"), Some("jpg"));
        assert_eq!(extension("global_config"), None);
        assert_eq!(extension(".hidden"), None);
        assert!(is_opaque_id("ca7a64ac1b573a0e"));
        assert!(is_opaque_id("D55F7700-7623-4E4B-AF3E-01B1B98511FC"));
        assert!(!is_opaque_id("2.0b4.0.9"));
        assert!(!is_opaque_id("2024-05"));
    }

    #[test]
    fn paths_keep_fixed_folders_and_hide_the_rest() {
        let mut found = Found::default();
        let p = "Data/Documents/xwechat_files/wxid_a_1a2b/msg/attach/9e20f478899dc29eb19741386f9343c8/2024-05/Img/abc.dat";
        found.collect_path(p, true);
        found.collect_path(
            "Data/Documents/xwechat_files/all_users/login/erin/key_info.db",
            true,
        );
        let names = Names::new(found);
        assert_eq!(
            names.path(p, true),
            "Data/Documents/xwechat_files/account-1/msg/attach/chat-01/2024-05/Img/file-0001.dat"
        );
        assert_eq!(
            names.path(
                "Data/Documents/xwechat_files/all_users/login/erin/key_info.db",
                true
            ),
            "Data/Documents/xwechat_files/all_users/login/user-01/file-0002.db"
        );
    }
}
