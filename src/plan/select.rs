//! The selection: walk the folder tree once, take each folder whose whole subtree
//! qualifies as one item, list the files of the folders that qualify in part, and work
//! out what the items free. See [`super`] for the rules.

use super::Age;
use super::{
    Categories, Lister, Month, Plan, PlanItem, PlanOptions, PlanRequest, PlanTotals,
    CAREFUL_DEFAULT_MONTHS, ESTIMATE_NOTE, PLAN_SCHEMA_VERSION,
};
use crate::escape::{escape_bytes, escape_cow};
use crate::model::accounts;
use crate::model::folders::{FolderTree, Node, LINKED_OLD, NONE};
use crate::model::Tool;
use crate::tree::classify::tiers::{self, Tier, TierRow};
use crate::tree::classify::{classify, owner, Category, Layout};
use crate::tree::walk::FileMeta;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

/// What a folder's path says about the files in it (strings as indices into
/// [`Context::name`], [`NONE`] for none).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ctx {
    pub(crate) account: u32,
    pub(crate) chat: u32,
    pub(crate) layout: Layout,
    /// In the 3.x tree of an account that moved to 4.x.
    pub(crate) leftover: bool,
    pub(crate) kind: Option<&'static tiers::Kind>,
}

/// Per folder: its [`Ctx`]; and the 3.x accounts that moved to 4.x.
pub(crate) struct Context {
    pub(crate) ctx: Vec<Ctx>,
    /// Account and chat folder names, numbered (shared with the plan items that name
    /// them).
    names: Vec<Arc<str>>,
    ids: HashMap<Arc<str>, u32, foldhash::fast::RandomState>,
    /// 3.x account folders (md5) whose account is in 4.x too, with that 4.x folder.
    pub(crate) leftover: HashMap<String, String>,
}

/// The chat categories (what `--protect` keeps when it cannot tell the chat).
pub(crate) fn is_chat_media(c: Category) -> bool {
    CHAT_MEDIA_MASK & (1 << c.index()) != 0
}

const CHAT_MEDIA_MASK: u32 = (1 << Category::ChatImages as u32)
    | (1 << Category::ChatVideos as u32)
    | (1 << Category::ChatVoice as u32)
    | (1 << Category::ChatFiles as u32)
    | (1 << Category::ChatOther as u32);

impl Context {
    /// Read each folder's place off its path (once per folder, one path buffer).
    pub(crate) fn new(tree: &FolderTree) -> Context {
        let mut me = Context {
            ctx: Vec::with_capacity(tree.nodes.len()),
            names: Vec::new(),
            ids: HashMap::default(),
            leftover: HashMap::new(),
        };
        let mut v3 = BTreeSet::new();
        let mut v4 = BTreeSet::new();
        let mut buf = String::new();
        // (folder, length of its path in `buf`); ids are depth-first, parents first.
        let mut stack: Vec<(u32, usize)> = Vec::new();
        for (i, n) in tree.nodes.iter().enumerate() {
            if n.parent == NONE {
                stack.clear();
                buf.clear();
                if let Some(r) = tree.roots.get(n.root as usize) {
                    buf.push_str(&r.canonical);
                }
            } else {
                while stack.last().is_some_and(|&(id, _)| id != n.parent) {
                    stack.pop();
                }
                buf.truncate(stack.last().map_or(0, |&(_, len)| len));
                if !buf.is_empty() {
                    buf.push('/');
                }
                buf.push_str(&escape_cow(tree.name(n)).0);
            }
            stack.push((i as u32, buf.len()));
            let kind = tiers::folder_kind(&buf);
            let len = buf.len();
            buf.push_str("/\u{0}");
            let p = owner(&buf);
            let layout = p.layout;
            let set = match layout {
                Layout::Wechat3 => Some(&mut v3),
                Layout::Wechat4 => Some(&mut v4),
                _ => None,
            };
            if let (Some(set), Some(a)) = (set, p.account) {
                if !set.contains(a) {
                    set.insert(a.to_string());
                }
            }
            let account = me.intern(p.account);
            let chat = me.intern(p.chat);
            buf.truncate(len);
            me.ctx.push(Ctx {
                account,
                chat,
                layout,
                leftover: false,
                kind,
            });
        }
        me.leftover =
            accounts::v3_links(v3.iter().map(String::as_str), v4.iter().map(String::as_str))
                .into_iter()
                .collect();
        for i in 0..me.ctx.len() {
            let c = me.ctx[i];
            // The account's own tree: its backups (3.x `Backup/<md5>`, `old_backup/<md5>`)
            // and keys keep their own kind.
            let left = c.layout == Layout::Wechat3
                && c.kind.is_none()
                && me
                    .name(c.account)
                    .is_some_and(|a| me.leftover.contains_key(a));
            me.ctx[i].leftover = left;
        }
        me
    }

    fn intern(&mut self, s: Option<&str>) -> u32 {
        let Some(s) = s else { return NONE };
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.names.len() as u32;
        let s: Arc<str> = s.into();
        self.names.push(Arc::clone(&s));
        self.ids.insert(s, id);
        id
    }

    /// The string behind an id, shared.
    fn shared(&self, id: u32) -> Option<Arc<str>> {
        self.names.get(id as usize).cloned()
    }

    /// The string behind an id.
    pub(crate) fn name(&self, id: u32) -> Option<&str> {
        self.names.get(id as usize).map(|s| &**s)
    }
}

/// How a selection gets at the files of a folder that qualifies only in part.
pub(crate) enum Files<'a> {
    /// Listed from disk (`plan`: every file becomes an item).
    List(&'a mut dyn Lister),
    /// From the walk's per-tier tallies ([`crate::model::folders::Qual`]; `scan`'s
    /// findings, totals only, no second walk). `inexact` is set when a folder's
    /// hard-linked files (or a cut-off the tallies do not hold) could have added
    /// bytes: the totals are then a lower bound.
    Tallied { inexact: bool },
}

/// Where a selection may look: everywhere, or only below these folders.
#[derive(Debug, Clone, Default)]
pub(crate) struct Within(pub(crate) Option<Vec<u32>>);

/// One chosen thing, before it is described (a file's name is in [`Choice::names`]).
#[derive(Debug, Clone)]
enum Chosen {
    Folder(u32),
    File {
        folder: u32,
        name_at: usize,
        name_len: u16,
        meta: FileMeta,
        category: Category,
        tier: Tier,
        row: &'static TierRow,
        chat: Option<Arc<str>>,
        account: Option<Arc<str>>,
    },
}

/// What a selection chose: the things, the files' names end to end, and each chat and
/// account name once (every item of a chat shares it).
#[derive(Debug, Default)]
struct Choice {
    chosen: Vec<Chosen>,
    names: Vec<u8>,
    strings: HashSet<Arc<str>, foldhash::fast::RandomState>,
}

impl Choice {
    fn string(&mut self, s: Option<&str>) -> Option<Arc<str>> {
        let s = s?;
        if let Some(have) = self.strings.get(s) {
            return Some(Arc::clone(have));
        }
        let new: Arc<str> = s.into();
        self.strings.insert(Arc::clone(&new));
        Some(new)
    }
}

/// The cut-off for a tier: files must be older (modified before) this.
fn cutoff(o: &PlanOptions, tier: Tier) -> i64 {
    match (o.older_than, tier) {
        (Some(age), _) => age.before(o.now),
        (None, Tier::Careful) => Age::Months(CAREFUL_DEFAULT_MONTHS).before(o.now),
        (None, _) => i64::MAX,
    }
}

fn allowed_mask(o: &PlanOptions) -> u8 {
    o.tiers
        .iter()
        .filter(|t| **t != Tier::Never)
        .fold(0, |m, t| m | t.bit())
}

fn category_mask(o: &PlanOptions) -> u32 {
    if o.categories.is_empty() {
        u32::MAX
    } else {
        o.categories.iter().fold(0, |m, c| m | 1 << c.index())
    }
}

/// The tiers of a mask after the leftover-3.x promotion.
pub(crate) fn promote(mask: u8, leftover: bool) -> u8 {
    if !leftover {
        return mask;
    }
    let never = mask & Tier::Never.bit();
    let rest = if mask & !Tier::Never.bit() != 0 {
        Tier::Confirm.bit()
    } else {
        0
    };
    never | rest
}

fn tiers_in(mask: u8) -> impl Iterator<Item = Tier> {
    Tier::ALL.into_iter().filter(move |t| mask & t.bit() != 0)
}

/// What `browse` marked: whole folders (their subtrees), the files directly in some
/// folders (not their subfolders), and single files. The same rules hold inside each:
/// a `never`-tier file is never taken.
#[derive(Debug, Clone, Default)]
pub(crate) struct Marked {
    pub(crate) subtrees: Vec<u32>,
    pub(crate) own: Vec<u32>,
    /// Single files: their folder and name.
    pub(crate) files: HashMap<u32, HashSet<Vec<u8>>>,
}

/// Run the selection over `tree`: `databases` are the paths (relative to the base) the
/// report lists as databases (never planned, whatever their names say).
pub(crate) fn select(
    tree: &FolderTree,
    context: &Context,
    databases: &HashSet<String>,
    o: &PlanOptions,
    within: &Within,
    files: &mut Files<'_>,
    keep: bool,
) -> (Vec<PlanItem>, PlanTotals, u64) {
    select_in(tree, context, databases, o, within, None, files, keep)
}

/// [`select`], limited to what `browse` marked when `marked` is given (then `within`
/// is ignored).
#[allow(clippy::too_many_arguments)]
pub(crate) fn select_in(
    tree: &FolderTree,
    context: &Context,
    databases: &HashSet<String>,
    o: &PlanOptions,
    within: &Within,
    marked: Option<&Marked>,
    files: &mut Files<'_>,
    keep: bool,
) -> (Vec<PlanItem>, PlanTotals, u64) {
    let n = tree.nodes.len();
    let allowed = allowed_mask(o);
    let cats = category_mask(o);
    // Subtree facts after the leftover promotion, and protected chats below.
    let mut eff = vec![0u8; n];
    let mut protected_below = vec![false; n];
    let scope_ids = match marked {
        Some(m) => Some(&m.subtrees),
        None => within.0.as_ref(),
    };
    let mut in_scope = vec![scope_ids.is_none(); n];
    if let Some(w) = scope_ids {
        for &id in w {
            if let Some(s) = in_scope.get_mut(id as usize) {
                *s = true;
            }
        }
    }
    for (i, node) in tree.nodes.iter().enumerate() {
        if node.parent != NONE && in_scope[node.parent as usize] {
            in_scope[i] = true;
        }
    }
    // Folders whose own files (all, or some) are marked, not their subfolders.
    let mut own_only = vec![false; n];
    if let Some(m) = marked {
        for &id in m.own.iter().chain(m.files.keys()) {
            if let Some(s) = own_only.get_mut(id as usize) {
                *s = true;
            }
        }
    }
    // Scope also reaches up: a folder above an in-scope one must be walked into.
    let mut scope_below: Vec<bool> = in_scope
        .iter()
        .zip(&own_only)
        .map(|(a, b)| *a || *b)
        .collect();
    for i in (0..n).rev() {
        let c = &context.ctx[i];
        eff[i] |= promote(tree.nodes[i].own.tiers, c.leftover);
        let chat_protected = context
            .name(c.chat)
            .is_some_and(|ch| o.protect.iter().any(|p| p == ch));
        protected_below[i] |= chat_protected;
        let p = tree.nodes[i].parent;
        if p != NONE {
            let (e, pb, sb) = (eff[i], protected_below[i], scope_below[i]);
            eff[p as usize] |= e;
            protected_below[p as usize] |= pb;
            scope_below[p as usize] |= sb;
        }
    }
    let chat_ok = |chat: Option<&str>, category_mask: u32| -> bool {
        if let Some(ch) = chat {
            if o.protect.iter().any(|p| p == ch) {
                return false;
            }
            o.chats.is_empty() || o.chats.iter().any(|c| c == ch)
        } else {
            o.chats.is_empty() && (o.protect.is_empty() || category_mask & CHAT_MEDIA_MASK == 0)
        }
    };
    let whole = |i: usize| -> bool {
        let node = &tree.nodes[i];
        let c = &context.ctx[i];
        let s = &node.subtree;
        if node.parent == NONE || s.tiers == 0 || s.incomplete || !in_scope[i] {
            return false;
        }
        let e = eff[i];
        if e & !allowed != 0 || e & Tier::Never.bit() != 0 {
            return false;
        }
        if s.categories & !cats != 0 {
            return false;
        }
        if tiers_in(e).any(|t| s.newest >= cutoff(o, t)) {
            return false;
        }
        let chat = context.name(c.chat);
        if chat.is_none() && protected_below[i] {
            return false;
        }
        chat_ok(chat, s.categories)
    };
    let mut choice = Choice::default();
    let mut loose = (0u64, 0u64);
    let mut kept_unattributed = 0u64;
    // Depth-first from each root.
    let mut stack: Vec<u32> = tree.root_ids.iter().rev().copied().collect();
    while let Some(id) = stack.pop() {
        let i = id as usize;
        let Some(node) = tree.nodes.get(i) else {
            continue;
        };
        if !scope_below[i] || eff[i] & allowed == 0 {
            continue;
        }
        if whole(i) {
            choice.chosen.push(Chosen::Folder(id));
            continue;
        }
        let c = &context.ctx[i];
        let own_eff = promote(node.own.tiers, c.leftover);
        if (in_scope[i] || own_only[i])
            && node.own.tiers != 0
            && own_eff & allowed != 0
            && node.own.categories & cats != 0
        {
            // Only the marked files, when single files of this folder are marked and
            // neither it nor its own files are.
            let only = marked.and_then(|m| {
                let all = in_scope[i] || m.own.contains(&id);
                m.files.get(&id).filter(|_| !all)
            });
            match files {
                Files::List(lister) => list_files(
                    tree,
                    context,
                    databases,
                    o,
                    (id, only),
                    &mut **lister,
                    (&mut choice, &mut loose, keep),
                    &mut kept_unattributed,
                ),
                Files::Tallied { inexact } => {
                    let (b, exact) = tallied(tree, context, o, id);
                    loose.1 += b;
                    *inexact |= !exact;
                }
            }
        }
        let kids: Vec<u32> = tree.children(id).collect();
        stack.extend(kids.into_iter().rev());
    }
    let (mut items, mut totals) = describe(tree, context, choice, keep);
    totals.files += loose.0;
    totals.bytes += loose.1;
    totals.unique_bytes += loose.1;
    if !keep {
        items.clear();
    }
    (items, totals, kept_unattributed)
}

/// What the files directly in folder `id` that qualify add up to, from the walk's
/// tallies: (apparent bytes of those with one link, whether that is all of it). The
/// same rules as [`list_files`], per tier instead of per file.
fn tallied(tree: &FolderTree, context: &Context, o: &PlanOptions, id: u32) -> (u64, bool) {
    let i = id as usize;
    let (node, c) = (&tree.nodes[i], &context.ctx[i]);
    let (own, q) = (&node.own, &node.own.qual);
    let cats = category_mask(o);
    let mut exact = true;
    // A category filter that splits the folder's files cannot be tallied per tier.
    if own.categories & !cats != 0 {
        return (0, false);
    }
    let chat = context.name(c.chat);
    match chat {
        Some(ch) => {
            if o.protect.iter().any(|p| p == ch)
                || (!o.chats.is_empty() && !o.chats.iter().any(|x| x == ch))
            {
                return (0, true);
            }
        }
        None => {
            if !o.chats.is_empty() {
                return (0, true);
            }
            if !o.protect.is_empty() && own.categories & CHAT_MEDIA_MASK != 0 {
                return (0, false);
            }
        }
    }
    let allowed = allowed_mask(o);
    let mut bytes = 0u64;
    let linked_tiers = q.linked & !LINKED_OLD;
    for t in [Tier::Safe, Tier::Careful, Tier::Confirm] {
        if allowed & t.bit() == 0 {
            continue;
        }
        let cut = cutoff(o, t);
        // (every file of the tier, those older than the tree's cut-off, hard-linked
        // ones present, hard-linked ones older than the cut-off present)
        let (all, old, linked, linked_old) = if c.leftover {
            if t != Tier::Confirm {
                continue;
            }
            let any_linked = linked_tiers & !Tier::Never.bit() != 0;
            (q.safe + q.careful + q.confirm, None, any_linked, any_linked)
        } else {
            let old = (t == Tier::Careful).then_some(q.careful_old);
            let has = q.linked & t.bit() != 0;
            let has_old = has && (t != Tier::Careful || q.linked & LINKED_OLD != 0);
            (
                match t {
                    Tier::Safe => q.safe,
                    Tier::Careful => q.careful,
                    _ => q.confirm,
                },
                old,
                has,
                has_old,
            )
        };
        if cut == i64::MAX {
            bytes += all;
            exact &= !linked;
        } else if cut == tree.careful_cutoff && old.is_some() {
            bytes += old.unwrap_or(0);
            exact &= !linked_old;
        } else if all > 0 || linked {
            exact = false;
        }
    }
    (bytes, exact)
}

#[allow(clippy::too_many_arguments)]
fn list_files(
    tree: &FolderTree,
    context: &Context,
    databases: &HashSet<String>,
    o: &PlanOptions,
    (id, only): (u32, Option<&HashSet<Vec<u8>>>),
    lister: &mut dyn Lister,
    (choice, loose, keep): (&mut Choice, &mut (u64, u64), bool),
    kept_unattributed: &mut u64,
) {
    let Some(mut files) = lister.list(&tree.disk_path(id)) else {
        return;
    };
    if let Some(only) = only {
        files.retain(|f| only.contains(&f.name));
    }
    let c = &context.ctx[id as usize];
    let canonical = tree.canonical(id);
    let rel = tree.rel(id);
    let allowed = allowed_mask(o);
    let cats = category_mask(o);
    for f in files {
        let name = escape_cow(&f.name).0;
        let file_canonical = join(&canonical, &name);
        let p = classify(&file_canonical);
        let mut row = tiers::file_row(p.category, c.kind, &name, "");
        if databases.contains(&join(&rel, &name)) {
            row = &tiers::DATABASE;
        }
        let tier = tiers::effective(row.tier, c.leftover);
        if tier != row.tier {
            row = &tiers::LEFTOVER_WECHAT3;
        }
        if tier == Tier::Never || allowed & tier.bit() == 0 {
            continue;
        }
        if cats & (1 << p.category.index()) == 0 || f.meta.mtime >= cutoff(o, tier) {
            continue;
        }
        match p.chat {
            Some(ch) => {
                if o.protect.iter().any(|x| x == ch) {
                    continue;
                }
                if !o.chats.is_empty() && !o.chats.iter().any(|x| x == ch) {
                    continue;
                }
            }
            None => {
                if !o.chats.is_empty() {
                    continue;
                }
                if !o.protect.is_empty() && is_chat_media(p.category) {
                    *kept_unattributed += f.meta.size;
                    continue;
                }
            }
        }
        if !keep {
            // Totals only (the findings): a file with one link is just bytes; one
            // with several is kept, without its names, to count its links.
            if f.meta.nlink <= 1 {
                loose.0 += 1;
                loose.1 += f.meta.size;
                continue;
            }
            choice.chosen.push(Chosen::File {
                folder: id,
                name_at: 0,
                name_len: 0,
                meta: f.meta,
                category: p.category,
                tier,
                row,
                chat: None,
                account: None,
            });
            continue;
        }
        // Names are at most 255 bytes (1,020 on some file systems): u16 holds them.
        let name = &f.name[..f.name.len().min(usize::from(u16::MAX))];
        let name_at = choice.names.len();
        choice.names.extend_from_slice(name);
        let (chat, account) = (choice.string(p.chat), choice.string(p.account));
        choice.chosen.push(Chosen::File {
            folder: id,
            name_at,
            name_len: name.len() as u16,
            meta: f.meta,
            category: p.category,
            tier,
            row,
            chat,
            account,
        });
    }
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// The row that explains a folder item.
fn folder_row(node: &Node, c: &Ctx) -> &'static TierRow {
    if c.leftover {
        return &tiers::LEFTOVER_WECHAT3;
    }
    if let Some(k) = c.kind {
        return &k.row;
    }
    let mut cats = node.subtree.category_list();
    match (cats.next(), cats.next()) {
        (Some(one), None) => tiers::category_row(one),
        (Some(first), Some(_)) => tiers::category_row(first),
        _ => &tiers::DATABASE,
    }
}

/// Describe the chosen items and work out what they free.
fn describe(
    tree: &FolderTree,
    context: &Context,
    choice: Choice,
    keep: bool,
) -> (Vec<PlanItem>, PlanTotals) {
    let Choice {
        mut chosen,
        mut names,
        strings,
    } = choice;
    // The items hold the shared names now.
    drop(strings);
    let n = tree.nodes.len();
    // The item covering each folder (folders are in depth-first order).
    let mut covered = vec![NONE; n];
    for (k, ch) in chosen.iter().enumerate() {
        if let Chosen::Folder(id) = ch {
            covered[*id as usize] = k as u32;
        }
    }
    for i in 0..n {
        let p = tree.nodes[i].parent;
        if covered[i] == NONE && p != NONE {
            covered[i] = covered[p as usize];
        }
    }
    let mut file_items: HashMap<(u64, u64), Vec<u32>> = HashMap::new();
    for (k, ch) in chosen.iter().enumerate() {
        if let Chosen::File { meta, .. } = ch {
            if meta.nlink > 1 {
                file_items
                    .entry((meta.dev, meta.ino))
                    .or_default()
                    .push(k as u32);
            }
        }
    }
    let mut bytes = vec![0u64; chosen.len()];
    let mut unique = vec![0u64; chosen.len()];
    let mut totals = PlanTotals::default();
    for (k, ch) in chosen.iter().enumerate() {
        match ch {
            Chosen::Folder(id) => {
                let s = &tree.nodes[*id as usize].subtree;
                let single = s.apparent - s.linked;
                bytes[k] += single;
                unique[k] += single;
                totals.bytes += single;
                totals.files += s.files;
            }
            Chosen::File { meta, .. } => {
                totals.files += 1;
                if meta.nlink <= 1 {
                    bytes[k] += meta.size;
                    unique[k] += meta.size;
                    totals.bytes += meta.size;
                }
            }
        }
    }
    let mut known: HashSet<(u64, u64)> = HashSet::new();
    let mut touching: Vec<u32> = Vec::new();
    for l in &tree.linked {
        known.insert((l.dev, l.ino));
        touching.clear();
        let mut links_in = 0u64;
        for &f in tree.link_folders(l) {
            let k = covered.get(f as usize).copied().unwrap_or(NONE);
            if k != NONE {
                links_in += 1;
                touching.push(k);
            }
        }
        if let Some(files) = file_items.get(&(l.dev, l.ino)) {
            links_in += files.len() as u64;
            touching.extend(files);
        }
        if touching.is_empty() {
            continue;
        }
        totals.bytes += l.size;
        // The bytes it frees go to the first item by item order, whatever order the
        // walk met its links in.
        touching.sort_unstable();
        touching.dedup();
        let first = touching[0];
        for &k in &touching {
            bytes[k as usize] += l.size;
        }
        if links_in >= l.nlink {
            unique[first as usize] += l.size;
        }
    }
    // Hard-linked files the scan did not hold (created since): counted, never freed.
    for ((dev, ino), ks) in &file_items {
        if known.contains(&(*dev, *ino)) {
            continue;
        }
        if let Some(Chosen::File { meta, .. }) = chosen.get(ks[0] as usize) {
            totals.bytes += meta.size;
            for &k in ks {
                bytes[k as usize] += meta.size;
            }
        }
    }
    totals.unique_bytes = unique.iter().sum();
    if !keep {
        totals.items = chosen.len() as u64;
        return (Vec::new(), totals);
    }
    // The items are made from the end of the list, each thing (and its file's name)
    // dropped as its item is made and the lists shrunk every [`SHRINK_EVERY`], so that
    // both are never whole at once (the order does not matter: the items are sorted by
    // path).
    let mut items = Vec::with_capacity(chosen.len());
    while let Some(ch) = chosen.pop() {
        let k = chosen.len();
        if k % SHRINK_EVERY == 0 {
            chosen.shrink_to_fit();
            names.shrink_to_fit();
        }
        let item = match ch {
            Chosen::Folder(id) => {
                let node = &tree.nodes[id as usize];
                // Kept by every scan that makes a plan; without it the zeros make
                // the script skip the folder.
                let meta = tree.meta(id).copied().unwrap_or_default();
                let c = &context.ctx[id as usize];
                let s = &node.subtree;
                let row = folder_row(node, c);
                let cats = Categories(s.categories);
                let mut each = cats.iter();
                let category = match (each.next(), each.next()) {
                    (Some(one), None) => one.id(),
                    _ => "mixed",
                };
                let tier = tiers_in(promote(s.tiers, c.leftover))
                    .filter(|t| *t != Tier::Never)
                    .max()
                    .unwrap_or(Tier::Confirm);
                let (m1, m2) = (Month::of(s.newest), Month::of(s.oldest));
                PlanItem {
                    path: escape_bytes(&tree.disk_path(id)).0,
                    kind: "folder".into(),
                    category: category.into(),
                    categories: cats,
                    tier,
                    reason: row.reason.into(),
                    side_effect: row.side_effect.into(),
                    account: context.shared(c.account),
                    chat: context.shared(c.chat),
                    chat_label: None,
                    month: if m1 == m2 { m1 } else { None },
                    files: s.files,
                    bytes: bytes[k],
                    unique_bytes: unique[k],
                    dev: meta.dev,
                    ino: meta.ino,
                    size: meta.size,
                    mtime: meta.mtime,
                    nlink: meta.nlink,
                }
            }
            Chosen::File {
                folder,
                name_at,
                name_len,
                meta,
                category,
                tier,
                row,
                chat,
                account,
            } => {
                let mut path = tree.disk_path(folder);
                if !path.ends_with(b"/") {
                    path.push(b'/');
                }
                path.extend_from_slice(name(&names, name_at, name_len));
                // Names were added in the order of the list: this is the last one.
                debug_assert_eq!(name_at + usize::from(name_len), names.len());
                names.truncate(name_at);
                PlanItem {
                    path: escape_bytes(&path).0,
                    kind: "file".into(),
                    category: category.id().into(),
                    categories: Categories::one(category),
                    tier,
                    reason: row.reason.into(),
                    side_effect: row.side_effect.into(),
                    account,
                    chat,
                    chat_label: None,
                    month: Month::of(meta.mtime),
                    files: 1,
                    bytes: bytes[k],
                    unique_bytes: unique[k],
                    dev: meta.dev,
                    ino: meta.ino,
                    size: meta.size,
                    mtime: meta.mtime,
                    nlink: meta.nlink,
                }
            }
        };
        items.push(item);
    }
    totals.items = items.len() as u64;
    totals.unique_bytes = unique.iter().sum();
    // Paths are unique (an item is a folder or a file, each listed once), so an
    // in-place sort gives the one order (a stable sort would copy half the items).
    items.sort_unstable_by(|a, b| a.path.cmp(&b.path));
    (items, totals)
}

/// How often [`describe`] gives back the room of the things it has made items of.
const SHRINK_EVERY: usize = 65_536;

/// A file's name in [`Choice::names`].
fn name(names: &[u8], at: usize, len: u16) -> &[u8] {
    names.get(at..at + usize::from(len)).unwrap_or(&[])
}

/// A whole plan.
#[allow(clippy::too_many_arguments)]
pub(crate) fn plan(
    tree: &FolderTree,
    context: &Context,
    databases: &HashSet<String>,
    o: &PlanOptions,
    within: &Within,
    request: PlanRequest,
    header: (&str, &str),
    marked: Option<&Marked>,
    lister: &mut dyn Lister,
) -> Plan {
    let (items, totals, kept) = select_in(
        tree,
        context,
        databases,
        o,
        within,
        marked,
        &mut Files::List(lister),
        true,
    );
    Plan {
        schema_version: PLAN_SCHEMA_VERSION,
        tool: Tool {
            name: "wechat-inspect".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        generated_at: header.0.to_string(),
        base: header.1.to_string(),
        request,
        items,
        totals,
        unattributed_bytes_kept: kept,
        note: ESTIMATE_NOTE.into(),
    }
}
