//! The browser's state machine: views, levels, cursor, sort, units, marks. Pure: a key
//! becomes an [`Action`] ([`super::keys`]), an action changes the state, and the only
//! outside world it touches is the [`Lister`] it is handed when a folder is opened.

use super::data::{reason, worst, Data};
use crate::plan::select::{self, Marked, Within};
use crate::plan::{Age, Listed, Lister, Plan, PlanOptions, PlanRequest};
use crate::tree::classify::classify;
use crate::tree::classify::tiers::{self, Tier};
use std::collections::BTreeMap;

/// Which drill-down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// Category → account → chat → month → folders → files.
    Meaning,
    /// The folder tree.
    Folders,
}

/// Sort key (ncdu's keys: `s`, `n`, `C`, `M`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Size,
    Name,
    Count,
    Age,
}

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Back,
    Sort(Sort),
    ToggleApparent,
    ToggleUnits,
    ToggleView,
    Help,
    Mark,
    Reveal,
    Quit,
    /// Ctrl-C: quit as `q` does, from any screen.
    Interrupt,
}

/// What a row stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Item {
    /// A meaning group.
    Group(u32),
    /// A folder and everything below it (folder view).
    Folder(u32),
    /// The files directly in a folder (meaning view).
    Own(u32),
    /// A listed file of the level's folder (index into the level's files).
    File(u32),
}

/// One row on screen.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub(crate) item: Item,
    /// Escaped (and pseudonymised under `--redact`).
    pub(crate) name: String,
    pub(crate) openable: bool,
    pub(crate) apparent: u64,
    pub(crate) allocated: u64,
    pub(crate) files: u64,
    pub(crate) newest: i64,
    /// The most careful tier of what it holds.
    pub(crate) tier: Tier,
    pub(crate) reason: &'static str,
    /// It holds something of a tier other than `never` (a plan could take that part).
    pub(crate) markable: bool,
}

/// One level of the drill-down.
#[derive(Debug, Clone)]
pub(crate) struct Level {
    pub(crate) title: String,
    pub(crate) rows: Vec<Row>,
    pub(crate) cursor: usize,
    pub(crate) top: usize,
    /// The folder whose files are listed here, and those files.
    pub(crate) folder: Option<u32>,
    pub(crate) files: Vec<Listed>,
}

/// A mark (what it stands for, kept by identity).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Mark {
    Group(u32),
    Folder(u32),
    Own(u32),
    File(u32, Vec<u8>),
}

/// The whole state.
pub struct State {
    pub(crate) data: Data,
    pub(crate) view: View,
    pub(crate) stack: Vec<Level>,
    pub(crate) sort: Sort,
    pub(crate) reverse: bool,
    /// Apparent sizes (else allocated, on disk).
    pub(crate) apparent: bool,
    /// Decimal units.
    pub(crate) si: bool,
    pub(crate) help: bool,
    /// Marks, with the apparent bytes and display path of each.
    pub(crate) marks: BTreeMap<Mark, (u64, String)>,
    pub(crate) status: String,
    pub(crate) quit: bool,
    /// Rows the list shows (set by the drawing, for page moves and scrolling).
    pub(crate) page: usize,
    /// A path `o` asked to reveal (taken by the terminal loop).
    pub(crate) reveal: Option<Vec<u8>>,
}

impl State {
    pub(crate) fn new(data: Data) -> State {
        let mut s = State {
            data,
            view: View::Meaning,
            stack: Vec::new(),
            sort: Sort::Size,
            reverse: false,
            apparent: true,
            si: false,
            help: false,
            marks: BTreeMap::new(),
            status: String::new(),
            quit: false,
            page: 10,
            reveal: None,
        };
        s.reset_view();
        s
    }

    fn reset_view(&mut self) {
        self.stack.clear();
        let top = match self.view {
            View::Meaning => self.group_level(0),
            View::Folders => {
                let roots = self.data.tree.root_ids.clone();
                if let [one] = roots[..] {
                    self.folder_level(one, None)
                } else {
                    let rows = roots.iter().map(|&r| self.folder_row(r)).collect();
                    self.level("/".into(), rows, None, Vec::new())
                }
            }
        };
        self.stack.push(top);
    }

    fn level(
        &self,
        title: String,
        rows: Vec<Row>,
        folder: Option<u32>,
        files: Vec<Listed>,
    ) -> Level {
        let mut l = Level {
            title,
            rows,
            cursor: 0,
            top: 0,
            folder,
            files,
        };
        self.sort_rows(&mut l.rows);
        l
    }

    pub(crate) fn current(&self) -> Option<&Level> {
        self.stack.last()
    }

    /// The row under the cursor.
    pub(crate) fn selected(&self) -> Option<&Row> {
        self.current().and_then(|l| l.rows.get(l.cursor))
    }

    fn group_level(&self, g: u32) -> Level {
        let Some(group) = self.data.groups.get(g as usize) else {
            return self.level(String::new(), Vec::new(), None, Vec::new());
        };
        let rows = if group.folders.is_empty() {
            group.children.iter().map(|&c| self.group_row(c)).collect()
        } else {
            group.folders.iter().map(|&f| self.own_row(f)).collect()
        };
        let title = self.group_path(g);
        self.level(title, rows, None, Vec::new())
    }

    fn group_path(&self, g: u32) -> String {
        let mut chain = Vec::new();
        let mut at = g;
        while at != 0 {
            let Some(group) = self.data.groups.get(at as usize) else {
                break;
            };
            chain.push(group.label.clone());
            at = group.parent;
        }
        chain.reverse();
        if chain.is_empty() {
            "all categories".into()
        } else {
            chain.join(" › ")
        }
    }

    fn group_row(&self, g: u32) -> Row {
        let group = &self.data.groups[g as usize];
        let tier = worst(group.tiers);
        let cats = group.category.map_or(u32::MAX, |c| 1 << c.index());
        Row {
            item: Item::Group(g),
            name: group.label.clone(),
            openable: true,
            apparent: group.apparent,
            allocated: group.allocated,
            files: group.files,
            newest: group.newest,
            tier,
            reason: reason(tier, None, false, cats).reason,
            markable: group.tiers & !Tier::Never.bit() != 0,
        }
    }

    fn folder_tier(&self, id: u32, mask: u8, cats: u32) -> (Tier, &'static str) {
        let tier = worst(mask);
        let c = &self.data.ctx.ctx[id as usize];
        (tier, reason(tier, c.kind, c.leftover, cats).reason)
    }

    fn folder_row(&self, id: u32) -> Row {
        let node = &self.data.tree.nodes[id as usize];
        let mask = self.data.eff[id as usize];
        let (tier, why) = self.folder_tier(id, mask, node.subtree.categories);
        Row {
            item: Item::Folder(id),
            name: format!("{}/", self.data.folder_name(id)),
            openable: true,
            apparent: node.subtree.apparent,
            allocated: node.subtree.allocated,
            files: node.subtree.files,
            newest: node.subtree.newest,
            tier,
            reason: why,
            markable: mask & !Tier::Never.bit() != 0,
        }
    }

    fn own_row(&self, id: u32) -> Row {
        let node = &self.data.tree.nodes[id as usize];
        let mask = self.data.own_eff[id as usize];
        let (tier, why) = self.folder_tier(id, mask, node.own.categories);
        Row {
            item: Item::Own(id),
            name: format!("{}/", self.data.folder_rel(id)),
            openable: true,
            apparent: node.own.apparent,
            allocated: self.data.own_allocated[id as usize],
            files: node.own.files,
            newest: node.subtree.newest,
            tier,
            reason: why,
            markable: mask & !Tier::Never.bit() != 0,
        }
    }

    /// A file's tier row, as the plan would judge it.
    fn file_tier(&self, folder: u32, name: &[u8]) -> &'static tiers::TierRow {
        let c = &self.data.ctx.ctx[folder as usize];
        let escaped = crate::escape::escape_cow(name).0;
        let canonical = self.data.tree.canonical(folder);
        let path = if canonical.is_empty() {
            escaped.to_string()
        } else {
            format!("{canonical}/{escaped}")
        };
        let p = classify(&path);
        let rel = self.data.tree.rel(folder);
        let rel_path = if rel.is_empty() {
            escaped.to_string()
        } else {
            format!("{rel}/{escaped}")
        };
        let mut row = tiers::file_row(p.category, c.kind, &escaped, "");
        if self.data.databases.contains(&rel_path) {
            row = &tiers::DATABASE;
        }
        if tiers::effective(row.tier, c.leftover) != row.tier {
            row = &tiers::LEFTOVER_WECHAT3;
        }
        row
    }

    /// The level of a folder: its subfolders (folder view) and its own files, listed
    /// now (read-only) when the data is live.
    fn folder_level(&self, id: u32, lister: Option<&mut dyn Lister>) -> Level {
        let mut rows: Vec<Row> = self
            .data
            .tree
            .children(id)
            .map(|c| self.folder_row(c))
            .collect();
        let (files, note) = self.list(id, lister);
        rows.extend(self.file_rows(id, &files));
        let title = self.data.folder_rel(id);
        let title = if title.is_empty() { ".".into() } else { title };
        let mut l = self.level(title, rows, Some(id), files);
        if let Some(own) = note {
            l.rows.push(own);
        }
        l
    }

    fn list(&self, id: u32, lister: Option<&mut dyn Lister>) -> (Vec<Listed>, Option<Row>) {
        let node = &self.data.tree.nodes[id as usize];
        if node.own.files == 0 {
            return (Vec::new(), None);
        }
        match lister.filter(|_| self.data.live) {
            Some(l) => match l.list(&self.data.tree.disk_path(id)) {
                Some(mut files) => {
                    files.truncate(super::MAX_FILES);
                    (files, None)
                }
                None => (Vec::new(), Some(self.unlisted(id, "could not be listed"))),
            },
            None => (
                Vec::new(),
                Some(self.unlisted(id, "not listed: saved report")),
            ),
        }
    }

    fn unlisted(&self, id: u32, why: &str) -> Row {
        let mut r = self.own_row(id);
        r.name = format!("({} files here, {why})", r.files);
        r.openable = false;
        r.markable = false;
        r
    }

    fn file_rows(&self, folder: u32, files: &[Listed]) -> Vec<Row> {
        files
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let row = self.file_tier(folder, &f.name);
                let tier = tiers::effective(row.tier, self.data.ctx.ctx[folder as usize].leftover);
                Row {
                    item: Item::File(i as u32),
                    name: self.data.file_name(folder, &f.name),
                    openable: false,
                    apparent: f.meta.size,
                    allocated: f.meta.allocated,
                    files: 1,
                    newest: f.meta.mtime,
                    tier,
                    reason: row.reason,
                    markable: tier != Tier::Never,
                }
            })
            .collect()
    }

    fn size(&self, r: &Row) -> u64 {
        if self.apparent {
            r.apparent
        } else {
            r.allocated
        }
    }

    fn sort_rows(&self, rows: &mut [Row]) {
        let apparent = self.apparent;
        let size = |r: &Row| if apparent { r.apparent } else { r.allocated };
        match self.sort {
            Sort::Size => {
                rows.sort_by(|a, b| size(b).cmp(&size(a)).then_with(|| a.name.cmp(&b.name)))
            }
            Sort::Name => rows.sort_by(|a, b| a.name.cmp(&b.name)),
            Sort::Count => {
                rows.sort_by(|a, b| b.files.cmp(&a.files).then_with(|| a.name.cmp(&b.name)))
            }
            Sort::Age => {
                rows.sort_by(|a, b| b.newest.cmp(&a.newest).then_with(|| a.name.cmp(&b.name)))
            }
        }
        if self.reverse {
            rows.reverse();
        }
    }

    /// The sum of the current level's sizes (the 100% of the share column).
    pub(crate) fn level_total(&self) -> u64 {
        self.current()
            .map_or(0, |l| l.rows.iter().map(|r| self.size(r)).sum())
    }

    pub(crate) fn shown_size(&self, r: &Row) -> u64 {
        self.size(r)
    }

    fn resort(&mut self) {
        let Some(mut l) = self.stack.pop() else {
            return;
        };
        let at = l.rows.get(l.cursor).map(|r| r.item);
        self.sort_rows(&mut l.rows);
        l.cursor = at
            .and_then(|i| l.rows.iter().position(|r| r.item == i))
            .unwrap_or(0);
        self.stack.push(l);
    }

    fn mark_of(&self, r: &Row) -> Option<Mark> {
        let l = self.current()?;
        Some(match r.item {
            Item::Group(g) => Mark::Group(g),
            Item::Folder(f) => Mark::Folder(f),
            Item::Own(f) => Mark::Own(f),
            Item::File(i) => Mark::File(l.folder?, l.files.get(i as usize)?.name.clone()),
        })
    }

    /// Whether a row is marked.
    pub(crate) fn is_marked(&self, r: &Row) -> bool {
        self.mark_of(r).is_some_and(|m| self.marks.contains_key(&m))
    }

    fn mark_path(&self, r: &Row) -> String {
        let title = self.current().map_or("", |l| l.title.as_str());
        match r.item {
            Item::Group(_) => format!("{title} › {}", r.name),
            Item::Folder(f) | Item::Own(f) => self.data.folder_rel(f),
            Item::File(_) => format!("{title}/{}", r.name),
        }
    }

    /// Apply one action. `lister` lists a folder's files when one is opened.
    pub fn apply(&mut self, action: Action, lister: &mut dyn Lister) {
        if action == Action::Interrupt {
            self.quit = true;
            return;
        }
        if self.help {
            // Any other key closes the help; `q` too (it does not quit from there).
            self.help = false;
            return;
        }
        self.status.clear();
        let page = self.page.max(1);
        let n = self.current().map_or(0, |l| l.rows.len());
        let last = n.saturating_sub(1);
        let move_to = |s: &mut State, f: &dyn Fn(usize) -> usize| {
            if let Some(l) = s.stack.last_mut() {
                l.cursor = f(l.cursor).min(last);
            }
        };
        match action {
            Action::Up => move_to(self, &|c| c.saturating_sub(1)),
            Action::Down => move_to(self, &|c| c + 1),
            Action::PageUp => move_to(self, &|c| c.saturating_sub(page)),
            Action::PageDown => move_to(self, &|c| c + page),
            Action::Top => move_to(self, &|_| 0),
            Action::Bottom => move_to(self, &|_| usize::MAX),
            Action::Open => self.open(lister),
            Action::Back => {
                if self.stack.len() > 1 {
                    self.stack.pop();
                } else {
                    self.status = "at the top".into();
                }
            }
            Action::Sort(s) => {
                self.reverse = self.sort == s && !self.reverse;
                self.sort = s;
                self.resort();
            }
            Action::ToggleApparent => {
                self.apparent = !self.apparent;
                self.resort();
            }
            Action::ToggleUnits => self.si = !self.si,
            Action::ToggleView => {
                self.view = match self.view {
                    View::Meaning => View::Folders,
                    View::Folders => View::Meaning,
                };
                if self.view == View::Folders && self.data.tree.root_ids.len() == 1 {
                    // The top folder's files are listed too.
                    let root = self.data.tree.root_ids[0];
                    self.stack.clear();
                    let l = self.folder_level(root, Some(lister));
                    self.stack.push(l);
                } else {
                    self.reset_view();
                }
            }
            Action::Help => self.help = true,
            Action::Mark => self.mark(),
            Action::Reveal => self.reveal_selected(),
            Action::Quit | Action::Interrupt => self.quit = true,
        }
    }

    fn open(&mut self, lister: &mut dyn Lister) {
        let Some(r) = self.selected().cloned() else {
            return;
        };
        if !r.openable {
            self.status = "a file: nothing to open".into();
            return;
        }
        let l = match r.item {
            Item::Group(g) => self.group_level(g),
            Item::Folder(f) => self.folder_level(f, Some(lister)),
            Item::Own(f) => {
                let (files, note) = self.list(f, Some(lister));
                let rows = self.file_rows(f, &files);
                let mut l = self.level(self.data.folder_rel(f), rows, Some(f), files);
                l.rows.extend(note);
                l
            }
            Item::File(_) => return,
        };
        self.stack.push(l);
    }

    fn mark(&mut self) {
        let Some(r) = self.selected().cloned() else {
            return;
        };
        let Some(m) = self.mark_of(&r) else {
            return;
        };
        if self.marks.remove(&m).is_some() {
            self.status = "unmarked".into();
        } else if !r.openable && !matches!(r.item, Item::File(_)) {
            self.status = "cannot be marked: its files are not listed".into();
            return;
        } else if !r.markable {
            self.status = format!("never-tier, cannot be marked: {}", r.reason);
            return;
        } else {
            if r.tier == Tier::Never {
                self.status =
                    "marked; the never-tier files in it (databases, keys, settings) stay out of the plan"
                        .into();
            }
            let path = self.mark_path(&r);
            self.marks.insert(m, (r.apparent, path));
        }
        self.apply_move_down();
    }

    fn apply_move_down(&mut self) {
        if let Some(l) = self.stack.last_mut() {
            l.cursor = (l.cursor + 1).min(l.rows.len().saturating_sub(1));
        }
    }

    fn reveal_selected(&mut self) {
        let Some(r) = self.selected().cloned() else {
            return;
        };
        let path = match r.item {
            Item::Folder(f) | Item::Own(f) => Some(self.data.tree.disk_path(f)),
            Item::File(i) => self.current().and_then(|l| {
                let f = l.folder?;
                let file = l.files.get(i as usize)?;
                let mut p = self.data.tree.disk_path(f);
                p.push(b'/');
                p.extend_from_slice(&file.name);
                Some(p)
            }),
            Item::Group(_) => None,
        };
        match path {
            Some(p) if self.data.live => self.reveal = Some(p),
            Some(_) => self.status = "a saved report: nothing to reveal".into(),
            None => self.status = "a group, not a folder: open it to reveal a folder".into(),
        }
    }

    /// Whether `q` was pressed.
    pub fn done(&self) -> bool {
        self.quit
    }

    /// The marks as the plan's selection (groups become the folders below them).
    pub(crate) fn marked(&self) -> Marked {
        let mut m = Marked::default();
        for k in self.marks.keys() {
            match k {
                Mark::Folder(f) => m.subtrees.push(*f),
                Mark::Own(f) => m.own.push(*f),
                Mark::File(f, name) => {
                    m.files.entry(*f).or_default().insert(name.clone());
                }
                Mark::Group(g) => self.group_folders(*g, &mut m.own),
            }
        }
        m
    }

    fn group_folders(&self, g: u32, out: &mut Vec<u32>) {
        if let Some(group) = self.data.groups.get(g as usize) {
            out.extend(&group.folders);
            for &c in &group.children {
                self.group_folders(c, out);
            }
        }
    }

    /// The marks as a plan: every tier but `never` may be taken, with no age cut-off
    /// (marking is the decision); `never`-tier files inside a marked folder stay out.
    pub fn plan(&self, lister: &mut dyn Lister, now: i64) -> Plan {
        let marked = self.marked();
        let mut o = PlanOptions::new(now);
        o.tiers = vec![Tier::Safe, Tier::Careful, Tier::Confirm];
        // Files last written before "now": every file the scan saw.
        o.older_than = Some(Age::Days(0));
        let request = PlanRequest {
            tiers: o.tiers.clone(),
            older_than: None,
            categories: Vec::new(),
            chats: Vec::new(),
            protect: Vec::new(),
            finding: None,
            dupes: None,
        };
        select::plan(
            &self.data.tree,
            &self.data.ctx,
            &self.data.databases,
            &o,
            &Within(None),
            request,
            (&self.data.generated_at, &self.data.base),
            Some(&marked),
            lister,
        )
    }

    /// The marks' paths for display (relative to the base), in mark order.
    pub fn mark_paths(&self) -> Vec<String> {
        self.marks.values().map(|(_, p)| p.clone()).collect()
    }

    /// Marked items and their bytes (marks can overlap: a folder and one inside it).
    pub(crate) fn marked_bytes(&self) -> (usize, u64) {
        (self.marks.len(), self.marks.values().map(|(b, _)| b).sum())
    }

    /// Whether any folder is in the tree.
    pub(crate) fn is_empty(&self) -> bool {
        self.data.tree.nodes.is_empty()
    }
}
