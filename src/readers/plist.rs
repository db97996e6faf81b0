//! Inspector for property lists (binary `bplist00` and XML).
//!
//! Pure function over bytes. It reports the format, the sorted top-level
//! keys, a one-line summary, whether the plist is an `NSKeyedArchiver`
//! archive (and the class of its root object), and for WeChat's preferences
//! (`com.tencent.xinWeChat.plist`, layout doc §2.5) the values of a few known
//! keys. Values of any other key are never rendered: they may be private.
//!
//! Hostile input: the `plist` crate's readers are iterative, but building a
//! `plist::Value` is not safe here (dropping a value nested a million levels
//! deep recurses, and a binary plist whose containers share children expands
//! exponentially). So this module never builds a `Value`; it consumes the
//! crate's event stream with its own iterative state machine, keeps only the
//! few facts it reports, and stops with an error past [`MAX_PLIST_DEPTH`]
//! levels or past a budget of `2 × input length + 64` events (a tree-shaped
//! plist can never need more: every event is an object reference, which costs
//! at least one byte, or the end of a container). Input is capped at
//! [`MAX_PLIST_BYTES`] (16 MiB); callers should read at most that much.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::escape::printable;
use chrono::{DateTime, SecondsFormat, Utc};
use plist::stream::{BinaryReader, Event, OwnedEvent, XmlReader};
use serde::Serialize;
use thiserror::Error;

/// Largest input accepted (16 MiB).
pub const MAX_PLIST_BYTES: usize = 16 * 1024 * 1024;
/// Deepest container nesting accepted.
pub const MAX_PLIST_DEPTH: usize = 512;
/// At most this many `AppleLanguages` entries are kept.
const MAX_LANGUAGES: usize = 64;
/// Class names and language tags longer than this are cut.
const MAX_NAME_CHARS: usize = 256;

/// Why bytes could not be inspected as a plist.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PlistError {
    #[error("plist too large: {len} bytes (limit {max})")]
    TooLarge { len: usize, max: usize },
    #[error("not a binary (bplist00) or XML property list")]
    NotAPlist,
    #[error("unsupported binary plist version \"{0}\"")]
    UnsupportedBinaryVersion(String),
    #[error("malformed plist: {0}")]
    Parse(String),
    #[error("plist nested deeper than {max} levels")]
    TooDeep { max: usize },
    #[error("plist object graph expands beyond {max} events (shared containers?)")]
    TooManyEvents { max: u64 },
}

/// Encoding of the plist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlistFormat {
    Binary,
    Xml,
}

/// Type of a plist value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    Dict,
    Array,
    String,
    Integer,
    Real,
    Boolean,
    Date,
    Data,
    Uid,
}

impl ValueKind {
    fn as_str(self) -> &'static str {
        match self {
            ValueKind::Dict => "dict",
            ValueKind::Array => "array",
            ValueKind::String => "string",
            ValueKind::Integer => "integer",
            ValueKind::Real => "real",
            ValueKind::Boolean => "boolean",
            ValueKind::Date => "date",
            ValueKind::Data => "data",
            ValueKind::Uid => "uid",
        }
    }

    /// Foundation class a keyed archive uses for a bare scalar object.
    fn archived_class(self) -> Option<&'static str> {
        match self {
            ValueKind::String => Some("NSString"),
            ValueKind::Integer | ValueKind::Real | ValueKind::Boolean => Some("NSNumber"),
            ValueKind::Date => Some("NSDate"),
            ValueKind::Data => Some("NSData"),
            _ => None,
        }
    }
}

/// An `NSKeyedArchiver` archive's outline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyedArchiveInfo {
    /// The `$archiver` value, normally `NSKeyedArchiver`.
    pub archiver: String,
    /// `$version`, normally 100000.
    pub version: Option<i64>,
    /// Entries in `$objects`.
    pub object_count: u64,
    /// `$classname` of `$objects[$top.root]`'s `$class`.
    pub root_class: Option<String>,
}

/// What a plist holds, without its private values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlistInfo {
    pub format: PlistFormat,
    pub root_kind: ValueKind,
    /// Keys (dict root) or items (array root).
    pub root_len: Option<u64>,
    /// Sorted keys of a dict root; empty otherwise.
    pub top_level_keys: Vec<String>,
    /// One line, e.g. `dict, 12 keys` or
    /// `NSKeyedArchiver archive, root NSMutableArray`.
    pub summary: String,
    pub keyed_archive: Option<KeyedArchiveInfo>,
    /// `AppleLanguages` (list of language tags), when a root key.
    pub apple_languages: Option<Vec<String>>,
    /// `SULastCheckTime` (Sparkle's last update check), RFC 3339 UTC.
    pub su_last_check_time: Option<String>,
    /// `NSUserNotificationsAllowedByUser`.
    pub notifications_allowed_by_user: Option<bool>,
    /// Rendered values of the known keys above, and only those.
    pub known: BTreeMap<String, String>,
    /// Deepest container nesting seen (root container = 1).
    pub max_depth: u32,
}

const KEY_LANGUAGES: &str = "AppleLanguages";
const KEY_LAST_CHECK: &str = "SULastCheckTime";
const KEY_NOTIFICATIONS: &str = "NSUserNotificationsAllowedByUser";

/// Where the next value goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Root,
    Archiver,
    Version,
    Top,
    TopRoot,
    /// `{CF$UID: n}` under `$top.root` (how XML archives spell a UID).
    TopRootCf,
    Objects,
    Object(usize),
    ObjClass(usize),
    ObjClassCf(usize),
    ObjClassname(usize),
    Languages,
    Language,
    LastCheck,
    Notifications,
    Ignored,
}

#[derive(Debug)]
struct Frame {
    is_dict: bool,
    /// For dicts: the next event is a key.
    expecting_key: bool,
    /// The slot of the dict value after the current key, or of array items.
    item_slot: Slot,
    /// What this container itself is (decides how keys map to slots).
    slot: Slot,
}

#[derive(Debug, Default)]
struct ObjSummary {
    kind: Option<ValueKind>,
    class_uid: Option<u64>,
    classname: Option<String>,
}

#[derive(Debug, Default)]
struct Walker {
    stack: Vec<Frame>,
    root_kind: Option<ValueKind>,
    root_done: bool,
    root_len: u64,
    max_depth: usize,
    keys: Vec<String>,
    archiver: Option<String>,
    version: Option<i64>,
    top_root: Option<u64>,
    saw_top: bool,
    saw_objects: bool,
    objects: Vec<ObjSummary>,
    languages: Option<Vec<String>>,
    last_check: Option<String>,
    notifications: Option<bool>,
}

/// A string from the file, cut to [`MAX_NAME_CHARS`] and made printable (it reaches
/// terminals and spreadsheets: see [`crate::escape`]).
fn cut(s: &str) -> String {
    let cut: String = s.chars().take(MAX_NAME_CHARS).collect();
    printable(&cut).into_owned()
}

fn kind_of(e: &OwnedEvent) -> Option<ValueKind> {
    Some(match e {
        Event::StartDictionary(_) => ValueKind::Dict,
        Event::StartArray(_) => ValueKind::Array,
        Event::Boolean(_) => ValueKind::Boolean,
        Event::Data(_) => ValueKind::Data,
        Event::Date(_) => ValueKind::Date,
        Event::Integer(_) => ValueKind::Integer,
        Event::Real(_) => ValueKind::Real,
        Event::String(_) => ValueKind::String,
        Event::Uid(_) => ValueKind::Uid,
        _ => return None,
    })
}

fn rfc3339(t: SystemTime) -> Option<String> {
    let (secs, nanos) = match t.duration_since(UNIX_EPOCH) {
        Ok(d) => (i64::try_from(d.as_secs()).ok()?, d.subsec_nanos()),
        Err(e) => {
            let d = e.duration();
            let s = i64::try_from(d.as_secs()).ok()?;
            if d.subsec_nanos() == 0 {
                (s.checked_neg()?, 0)
            } else {
                (
                    s.checked_neg()?.checked_sub(1)?,
                    1_000_000_000 - d.subsec_nanos(),
                )
            }
        }
    };
    let dt: DateTime<Utc> = DateTime::from_timestamp(secs, nanos)?;
    Some(dt.to_rfc3339_opts(SecondsFormat::Secs, true))
}

impl Walker {
    fn malformed(msg: &str) -> PlistError {
        PlistError::Parse(msg.to_string())
    }

    /// Slot of the dict value that follows `key` inside a container `slot`.
    fn slot_for_key(&mut self, container: Slot, key: &str) -> Slot {
        match container {
            Slot::Root => {
                self.keys.push(printable(key).into_owned());
                match key {
                    "$archiver" => Slot::Archiver,
                    "$version" => Slot::Version,
                    "$top" => Slot::Top,
                    "$objects" => Slot::Objects,
                    KEY_LANGUAGES => Slot::Languages,
                    KEY_LAST_CHECK => Slot::LastCheck,
                    KEY_NOTIFICATIONS => Slot::Notifications,
                    _ => Slot::Ignored,
                }
            }
            Slot::Top if key == "root" => Slot::TopRoot,
            Slot::TopRoot if key == "CF$UID" => Slot::TopRootCf,
            Slot::ObjClass(i) if key == "CF$UID" => Slot::ObjClassCf(i),
            Slot::Object(i) if key == "$class" => Slot::ObjClass(i),
            Slot::Object(i) if key == "$classname" => Slot::ObjClassname(i),
            _ => Slot::Ignored,
        }
    }

    /// Slot of the next value, advancing the parent container.
    fn next_slot(&mut self) -> Result<Slot, PlistError> {
        let n_objects = self.objects.len();
        match self.stack.last_mut() {
            None if self.root_done => Err(Self::malformed("data after the root object")),
            None => Ok(Slot::Root),
            Some(f) if f.is_dict => {
                f.expecting_key = true;
                Ok(f.item_slot)
            }
            Some(f) => Ok(match f.slot {
                Slot::Objects => Slot::Object(n_objects),
                Slot::Languages => Slot::Language,
                _ => Slot::Ignored,
            }),
        }
    }

    fn push(&mut self, is_dict: bool, slot: Slot) -> Result<(), PlistError> {
        if self.stack.len() >= MAX_PLIST_DEPTH {
            return Err(PlistError::TooDeep {
                max: MAX_PLIST_DEPTH,
            });
        }
        self.stack.push(Frame {
            is_dict,
            expecting_key: is_dict,
            item_slot: Slot::Ignored,
            slot,
        });
        self.max_depth = self.max_depth.max(self.stack.len());
        Ok(())
    }

    fn event(&mut self, e: OwnedEvent) -> Result<(), PlistError> {
        // A dict waiting for a key takes a string key or its end.
        if let Some(f) = self.stack.last() {
            if f.is_dict && f.expecting_key {
                let container = f.slot;
                return match e {
                    Event::String(key) => {
                        let s = self.slot_for_key(container, &key);
                        if let Some(f) = self.stack.last_mut() {
                            f.item_slot = s;
                            f.expecting_key = false;
                        }
                        Ok(())
                    }
                    Event::EndCollection => {
                        self.pop();
                        Ok(())
                    }
                    _ => Err(Self::malformed("dictionary key is not a string")),
                };
            }
        }
        if matches!(e, Event::EndCollection) {
            return match self.stack.last() {
                Some(f) if !f.is_dict => {
                    self.pop();
                    Ok(())
                }
                Some(_) => Err(Self::malformed("dictionary key without a value")),
                None => Err(Self::malformed("unbalanced end of collection")),
            };
        }
        let slot = self.next_slot()?;
        let kind = kind_of(&e);
        if slot == Slot::Root {
            self.root_kind = kind;
        }
        if slot != Slot::Root && self.stack.len() == 1 {
            // A direct child of the root container (a dict counts its values).
            self.root_len = self.root_len.saturating_add(1);
        }
        if let Slot::Object(i) = slot {
            if i == self.objects.len() {
                self.objects.push(ObjSummary {
                    kind,
                    ..ObjSummary::default()
                });
            }
        }
        match e {
            Event::StartDictionary(_) => {
                if slot == Slot::Top {
                    self.saw_top = true;
                }
                self.push(true, slot)?;
            }
            Event::StartArray(_) => {
                match slot {
                    Slot::Objects => self.saw_objects = true,
                    Slot::Languages => self.languages = Some(Vec::new()),
                    _ => {}
                }
                self.push(false, slot)?;
            }
            Event::String(s) => match slot {
                Slot::Archiver => self.archiver = Some(cut(&s)),
                Slot::ObjClassname(i) => {
                    if let Some(o) = self.objects.get_mut(i) {
                        o.classname = Some(cut(&s));
                    }
                }
                Slot::Language => {
                    if let Some(l) = self.languages.as_mut() {
                        if l.len() < MAX_LANGUAGES {
                            l.push(cut(&s));
                        }
                    }
                }
                _ => {}
            },
            Event::Uid(u) => match slot {
                Slot::TopRoot => self.top_root = Some(u.get()),
                Slot::ObjClass(i) => {
                    if let Some(o) = self.objects.get_mut(i) {
                        o.class_uid = Some(u.get());
                    }
                }
                _ => {}
            },
            Event::Integer(n) => match slot {
                Slot::Version => self.version = n.as_signed(),
                Slot::TopRootCf => self.top_root = n.as_unsigned(),
                Slot::ObjClassCf(i) => {
                    if let Some(o) = self.objects.get_mut(i) {
                        o.class_uid = n.as_unsigned();
                    }
                }
                _ => {}
            },
            Event::Date(d) if slot == Slot::LastCheck => {
                self.last_check = rfc3339(SystemTime::from(d));
            }
            Event::Boolean(b) if slot == Slot::Notifications => self.notifications = Some(b),
            _ => {}
        }
        if slot == Slot::Root && self.stack.is_empty() {
            self.root_done = true;
        }
        Ok(())
    }

    fn pop(&mut self) {
        self.stack.pop();
        if self.stack.is_empty() {
            self.root_done = true;
        }
    }

    fn root_class(&self) -> Option<String> {
        let root = self.objects.get(usize::try_from(self.top_root?).ok()?)?;
        match root.kind? {
            ValueKind::Dict => {
                let cls = self.objects.get(usize::try_from(root.class_uid?).ok()?)?;
                cls.classname.clone()
            }
            k => k.archived_class().map(str::to_string),
        }
    }

    fn finish(self, format: PlistFormat) -> Result<PlistInfo, PlistError> {
        if !self.stack.is_empty() || !self.root_done {
            return Err(Self::malformed("unexpected end of data"));
        }
        let root_kind = self
            .root_kind
            .ok_or_else(|| Self::malformed("no root object"))?;
        let is_container = matches!(root_kind, ValueKind::Dict | ValueKind::Array);
        let mut keys = if root_kind == ValueKind::Dict {
            self.keys.clone()
        } else {
            Vec::new()
        };
        keys.sort();
        keys.dedup();
        let keyed_archive = match (&self.archiver, self.saw_objects && self.saw_top) {
            (Some(a), true) => Some(KeyedArchiveInfo {
                archiver: a.clone(),
                version: self.version,
                object_count: self.objects.len() as u64,
                root_class: self.root_class(),
            }),
            _ => None,
        };
        let plural =
            |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let summary = match (&keyed_archive, root_kind) {
            (Some(k), _) => match &k.root_class {
                Some(c) => format!("{} archive, root {c}", k.archiver),
                None => format!(
                    "{} archive, {}",
                    k.archiver,
                    plural(k.object_count, "object", "objects")
                ),
            },
            (None, ValueKind::Dict) => format!("dict, {}", plural(self.root_len, "key", "keys")),
            (None, ValueKind::Array) => {
                format!("array, {}", plural(self.root_len, "item", "items"))
            }
            (None, k) => k.as_str().to_string(),
        };
        let mut known = BTreeMap::new();
        if let Some(l) = &self.languages {
            known.insert(KEY_LANGUAGES.to_string(), l.join(", "));
        }
        if let Some(t) = &self.last_check {
            known.insert(KEY_LAST_CHECK.to_string(), t.clone());
        }
        if let Some(b) = self.notifications {
            known.insert(KEY_NOTIFICATIONS.to_string(), b.to_string());
        }
        Ok(PlistInfo {
            format,
            root_kind,
            root_len: is_container.then_some(self.root_len),
            top_level_keys: keys,
            summary,
            keyed_archive,
            apple_languages: self.languages,
            su_last_check_time: self.last_check,
            notifications_allowed_by_user: self.notifications,
            known,
            max_depth: u32::try_from(self.max_depth).unwrap_or(u32::MAX),
        })
    }
}

fn looks_like_xml(bytes: &[u8]) -> bool {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let b = &b[start..];
    b.starts_with(b"<?xml") || b.starts_with(b"<!DOCTYPE plist") || b.starts_with(b"<plist")
}

fn walk<I>(events: I, budget: u64, format: PlistFormat) -> Result<PlistInfo, PlistError>
where
    I: Iterator<Item = Result<OwnedEvent, plist::Error>>,
{
    let mut w = Walker::default();
    let mut n = 0u64;
    for e in events {
        n += 1;
        if n > budget {
            return Err(PlistError::TooManyEvents { max: budget });
        }
        let e = e.map_err(|err| PlistError::Parse(plist_reason(&err)))?;
        w.event(e)?;
    }
    w.finish(format)
}

/// The `plist` crate's error in words: its `Display` is the Debug name of an
/// internal enum (`InvalidTrailerObjectOffsetSize (offset 12)`), so the name is
/// split into words and the offset kept: `invalid trailer object offset size at
/// byte 12`.
fn plist_reason(err: &plist::Error) -> String {
    if let Some(io) = err.as_io() {
        return crate::error::io_reason(io);
    }
    if err.is_eof() {
        return "unexpected end of data".into();
    }
    let text = err.to_string();
    let name_end = text
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(text.len());
    let mut words = String::new();
    for c in text[..name_end].chars() {
        if c.is_ascii_uppercase() && !words.is_empty() {
            words.push(' ');
        }
        words.push(c.to_ascii_lowercase());
    }
    if words.is_empty() {
        words.push_str("unreadable data");
    }
    let offset = text.rfind("(offset ").and_then(|i| {
        let digits: String = text[i + 8..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        (!digits.is_empty()).then_some(digits)
    });
    match offset {
        Some(n) => format!("{words} at byte {n}"),
        None => words,
    }
}

/// Inspects a binary or XML plist (at most [`MAX_PLIST_BYTES`]).
pub fn inspect_plist(bytes: &[u8]) -> Result<PlistInfo, PlistError> {
    if bytes.len() > MAX_PLIST_BYTES {
        return Err(PlistError::TooLarge {
            len: bytes.len(),
            max: MAX_PLIST_BYTES,
        });
    }
    let budget = 2 * bytes.len() as u64 + 64;
    if bytes.starts_with(b"bplist00") {
        walk(
            BinaryReader::new(Cursor::new(bytes)),
            budget,
            PlistFormat::Binary,
        )
    } else if let Some(v) = bytes.strip_prefix(b"bplist").and_then(|r| r.get(..2)) {
        Err(PlistError::UnsupportedBinaryVersion(
            crate::escape::escape_bytes(v).0,
        ))
    } else if looks_like_xml(bytes) {
        walk(XmlReader::new(Cursor::new(bytes)), budget, PlistFormat::Xml)
    } else {
        Err(PlistError::NotAPlist)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use plist::{Dictionary, Uid, Value};
    use proptest::prelude::*;
    use std::time::{Duration, Instant};

    fn bin(v: &Value) -> Vec<u8> {
        let mut out = Vec::new();
        v.to_writer_binary(&mut out).unwrap();
        out
    }

    fn xml(v: &Value) -> Vec<u8> {
        let mut out = Vec::new();
        v.to_writer_xml(&mut out).unwrap();
        out
    }

    fn prefs() -> Value {
        let mut d = Dictionary::new();
        d.insert(
            KEY_LANGUAGES.into(),
            Value::Array(vec!["zh-Hans-CN".into(), "en".into()]),
        );
        // 2024-05-01T12:00:00Z
        let t = UNIX_EPOCH + Duration::from_secs(1_714_564_800);
        d.insert(KEY_LAST_CHECK.into(), Value::Date(t.into()));
        d.insert(KEY_NOTIFICATIONS.into(), Value::Boolean(true));
        d.insert(
            "MMLastLoginUser".into(),
            Value::String("wxid_secret".into()),
        );
        d.insert(
            "NSWindow Frame Main".into(),
            Value::String("0 0 800 600".into()),
        );
        d.insert("counter".into(), Value::Integer(42.into()));
        Value::Dictionary(d)
    }

    /// Errors read as words: never the crate's Debug names (issue 12, defect 15).
    #[test]
    fn errors_are_plain_words() {
        let mut bad = bin(&prefs());
        let n = bad.len();
        bad[n - 26] = 9; // the trailer's offset-size byte
        for bytes in [
            &bad[..],
            &bin(&prefs())[..40],
            b"bplist00\x00\x01\x02garbage that is not a plist trailer at all",
            b"<?xml version=\"1.0\"?><plist><dict><key>a</key><integer>x</integer></dict></plist>",
        ] {
            let msg = inspect_plist(bytes).unwrap_err().to_string();
            assert!(msg.starts_with("malformed plist: "), "{msg}");
            let words = &msg["malformed plist: ".len()..];
            assert!(
                words.chars().all(|c| !c.is_uppercase()) && !words.contains(['(', '{']),
                "{msg}"
            );
        }
    }

    #[test]
    fn wechat_prefs_binary_and_xml() {
        for (bytes, fmt) in [
            (bin(&prefs()), PlistFormat::Binary),
            (xml(&prefs()), PlistFormat::Xml),
        ] {
            let info = inspect_plist(&bytes).unwrap();
            assert_eq!(info.format, fmt);
            assert_eq!(info.root_kind, ValueKind::Dict);
            let mut want: Vec<String> = prefs().as_dictionary().unwrap().keys().cloned().collect();
            want.sort();
            assert_eq!(info.top_level_keys, want);
            assert_eq!(info.summary, "dict, 6 keys");
            assert_eq!(info.root_len, Some(6));
            assert_eq!(
                info.apple_languages,
                Some(vec!["zh-Hans-CN".to_string(), "en".to_string()])
            );
            assert_eq!(
                info.su_last_check_time.as_deref(),
                Some("2024-05-01T12:00:00Z")
            );
            assert_eq!(info.notifications_allowed_by_user, Some(true));
            assert_eq!(info.known.len(), 3);
            assert_eq!(info.known[KEY_LANGUAGES], "zh-Hans-CN, en");
            assert_eq!(info.known[KEY_NOTIFICATIONS], "true");
            // No other value leaks anywhere in the result.
            let json = serde_json::to_string(&info).unwrap();
            assert!(!json.contains("wxid_secret"), "{json}");
            assert!(!json.contains("800 600"), "{json}");
            assert!(!json.contains("42"), "{json}");
            assert!(info.keyed_archive.is_none());
        }
    }

    fn archive(root_class: &str) -> Value {
        // $objects: [$null, {$class: UID(2), NS.objects: [UID(3)]}, {$classname, $classes}, "item"]
        let mut root_obj = Dictionary::new();
        root_obj.insert("$class".into(), Value::Uid(Uid::new(2)));
        root_obj.insert(
            "NS.objects".into(),
            Value::Array(vec![Value::Uid(Uid::new(3))]),
        );
        let mut cls = Dictionary::new();
        cls.insert("$classname".into(), Value::String(root_class.into()));
        cls.insert(
            "$classes".into(),
            Value::Array(vec![root_class.into(), "NSArray".into(), "NSObject".into()]),
        );
        let objects = vec![
            Value::String("$null".into()),
            Value::Dictionary(root_obj),
            Value::Dictionary(cls),
            Value::String("item".into()),
        ];
        let mut top = Dictionary::new();
        top.insert("root".into(), Value::Uid(Uid::new(1)));
        let mut d = Dictionary::new();
        d.insert("$archiver".into(), "NSKeyedArchiver".into());
        d.insert("$version".into(), Value::Integer(100000.into()));
        d.insert("$top".into(), Value::Dictionary(top));
        d.insert("$objects".into(), Value::Array(objects));
        Value::Dictionary(d)
    }

    const XML_ARCHIVE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>$objects</key>
	<array>
		<string>$null</string>
		<dict>
			<key>$class</key>
			<dict><key>CF$UID</key><integer>2</integer></dict>
			<key>NS.keys</key><array/>
			<key>NS.objects</key><array/>
		</dict>
		<dict>
			<key>$classes</key>
			<array><string>NSMutableDictionary</string><string>NSDictionary</string><string>NSObject</string></array>
			<key>$classname</key>
			<string>NSMutableDictionary</string>
		</dict>
	</array>
	<key>$archiver</key>
	<string>NSKeyedArchiver</string>
	<key>$top</key>
	<dict><key>root</key><dict><key>CF$UID</key><integer>1</integer></dict></dict>
	<key>$version</key>
	<integer>100000</integer>
</dict>
</plist>
"#;

    #[test]
    fn keyed_archiver() {
        let info = inspect_plist(&bin(&archive("NSMutableArray"))).unwrap();
        let k = info.keyed_archive.clone().unwrap();
        assert_eq!(k.archiver, "NSKeyedArchiver");
        assert_eq!(k.version, Some(100000));
        assert_eq!(k.object_count, 4);
        assert_eq!(k.root_class.as_deref(), Some("NSMutableArray"));
        assert_eq!(info.summary, "NSKeyedArchiver archive, root NSMutableArray");
        assert_eq!(
            info.top_level_keys,
            ["$archiver", "$objects", "$top", "$version"]
        );
        // XML archives spell UIDs as {CF$UID: n}; `$objects` comes first here.
        let info = inspect_plist(XML_ARCHIVE.as_bytes()).unwrap();
        assert_eq!(info.format, PlistFormat::Xml);
        assert_eq!(
            info.summary,
            "NSKeyedArchiver archive, root NSMutableDictionary"
        );
        assert_eq!(info.keyed_archive.unwrap().object_count, 3);
    }

    #[test]
    fn keyed_archiver_scalar_and_dangling_root() {
        let mut v = archive("X");
        let d = v.as_dictionary_mut().unwrap();
        let mut top = Dictionary::new();
        top.insert("root".into(), Value::Uid(Uid::new(3)));
        d.insert("$top".into(), Value::Dictionary(top));
        let info = inspect_plist(&bin(&v)).unwrap();
        assert_eq!(info.summary, "NSKeyedArchiver archive, root NSString");
        let mut top = Dictionary::new();
        top.insert("root".into(), Value::Uid(Uid::new(99)));
        v.as_dictionary_mut()
            .unwrap()
            .insert("$top".into(), Value::Dictionary(top));
        let info = inspect_plist(&bin(&v)).unwrap();
        assert_eq!(info.summary, "NSKeyedArchiver archive, 4 objects");
    }

    #[test]
    fn other_roots() {
        let info = inspect_plist(&xml(&Value::Array(vec![1.into(), 2.into(), 3.into()]))).unwrap();
        assert_eq!(info.summary, "array, 3 items");
        assert!(info.top_level_keys.is_empty());
        let info = inspect_plist(&bin(&Value::String("x".into()))).unwrap();
        assert_eq!(info.summary, "string");
        assert_eq!(info.root_len, None);
        let info = inspect_plist(&bin(&Value::Dictionary(Dictionary::new()))).unwrap();
        assert_eq!(info.summary, "dict, 0 keys");
        let mut d = Dictionary::new();
        d.insert("a".into(), Value::Dictionary(Dictionary::new()));
        let info = inspect_plist(&bin(&Value::Dictionary(d))).unwrap();
        assert_eq!(info.summary, "dict, 1 key");
        assert_eq!(info.max_depth, 2);
    }

    #[test]
    fn wrong_types_for_known_keys_are_not_rendered() {
        let mut d = Dictionary::new();
        d.insert(KEY_LANGUAGES.into(), Value::String("en".into()));
        d.insert(KEY_LAST_CHECK.into(), Value::Integer(5.into()));
        d.insert(KEY_NOTIFICATIONS.into(), Value::String("yes".into()));
        let info = inspect_plist(&bin(&Value::Dictionary(d))).unwrap();
        assert!(info.known.is_empty());
        assert_eq!(info.apple_languages, None);
        assert_eq!(info.notifications_allowed_by_user, None);
    }

    #[test]
    fn rejects_non_plists() {
        assert_eq!(inspect_plist(b""), Err(PlistError::NotAPlist));
        assert_eq!(inspect_plist(b"hello"), Err(PlistError::NotAPlist));
        assert_eq!(
            inspect_plist(b"bplist15xxxx"),
            Err(PlistError::UnsupportedBinaryVersion("15".into()))
        );
        assert!(matches!(
            inspect_plist(b"bplist00"),
            Err(PlistError::Parse(_))
        ));
        assert!(matches!(
            inspect_plist(b"<?xml version=\"1.0\"?><plist><dict><key>a</key>"),
            Err(PlistError::Parse(_))
        ));
        let big = vec![b' '; MAX_PLIST_BYTES + 1];
        assert!(matches!(
            inspect_plist(&big),
            Err(PlistError::TooLarge { .. })
        ));
    }

    /// Deep XML: `<array>` nested `n` levels.
    fn deep_xml(n: usize) -> Vec<u8> {
        let mut s = String::from("<?xml version=\"1.0\"?><plist version=\"1.0\">");
        s.push_str(&"<array>".repeat(n));
        s.push_str(&"</array>".repeat(n));
        s.push_str("</plist>");
        s.into_bytes()
    }

    /// Binary plist by hand: objects are arrays, each holding refs to others.
    /// `children[i]` lists object i's children; object 0 is the root.
    fn raw_bplist(children: &[Vec<u32>]) -> Vec<u8> {
        let n = children.len();
        let mut out = b"bplist00".to_vec();
        let mut offsets = Vec::new();
        for kids in children {
            offsets.push(out.len() as u32);
            if kids.len() < 15 {
                out.push(0xA0 | kids.len() as u8);
            } else {
                out.push(0xAF);
                out.push(0x12); // int, 4 bytes
                out.extend_from_slice(&(kids.len() as u32).to_be_bytes());
            }
            for k in kids {
                out.extend_from_slice(&k.to_be_bytes()); // ref size 4
            }
        }
        let table = out.len() as u64;
        for o in &offsets {
            out.extend_from_slice(&o.to_be_bytes()); // offset size 4
        }
        out.extend_from_slice(&[0; 6]);
        out.push(4);
        out.push(4);
        out.extend_from_slice(&(n as u64).to_be_bytes());
        out.extend_from_slice(&0u64.to_be_bytes());
        out.extend_from_slice(&table.to_be_bytes());
        out
    }

    #[test]
    fn deeply_nested_inputs_do_not_overflow() {
        let t = Instant::now();
        // 200k levels of XML, 100k levels of binary: far past any stack.
        let e = inspect_plist(&deep_xml(200_000)).unwrap_err();
        assert_eq!(
            e,
            PlistError::TooDeep {
                max: MAX_PLIST_DEPTH
            }
        );
        let chain: Vec<Vec<u32>> = (0..100_000u32)
            .map(|i| if i + 1 < 100_000 { vec![i + 1] } else { vec![] })
            .collect();
        let e = inspect_plist(&raw_bplist(&chain)).unwrap_err();
        assert_eq!(
            e,
            PlistError::TooDeep {
                max: MAX_PLIST_DEPTH
            }
        );
        // Just inside the limit is fine.
        let info = inspect_plist(&deep_xml(MAX_PLIST_DEPTH)).unwrap();
        assert_eq!(info.max_depth as usize, MAX_PLIST_DEPTH);
        assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    }

    #[test]
    fn shared_containers_cannot_explode() {
        // 60 arrays, each referencing the next one twice: 2^60 leaves if
        // expanded. Must stop at the event budget, fast.
        let n = 60u32;
        let dag: Vec<Vec<u32>> = (0..n)
            .map(|i| {
                if i + 1 < n {
                    vec![i + 1, i + 1]
                } else {
                    vec![]
                }
            })
            .collect();
        let bytes = raw_bplist(&dag);
        let t = Instant::now();
        let e = inspect_plist(&bytes).unwrap_err();
        assert!(matches!(e, PlistError::TooManyEvents { .. }), "{e:?}");
        assert!(t.elapsed() < Duration::from_secs(2));
        // A cycle is caught by the reader itself.
        let cyc = raw_bplist(&[vec![1], vec![0]]);
        assert!(matches!(inspect_plist(&cyc), Err(PlistError::Parse(_))));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = inspect_plist(&bytes);
            let mut b = b"bplist00".to_vec();
            b.extend_from_slice(&bytes);
            let _ = inspect_plist(&b);
            let mut x = b"<?xml version=\"1.0\"?><plist>".to_vec();
            x.extend_from_slice(&bytes);
            let _ = inspect_plist(&x);
        }

        #[test]
        fn random_object_graphs_stay_bounded(
            graph in proptest::collection::vec(
                proptest::collection::vec(0u32..48, 0..5), 1..40),
        ) {
            // Arbitrary sharing, cycles and dangling refs between arrays.
            let t = Instant::now();
            let r = inspect_plist(&raw_bplist(&graph));
            prop_assert!(t.elapsed() < Duration::from_secs(2));
            if let Ok(info) = r {
                prop_assert!(info.max_depth as usize <= MAX_PLIST_DEPTH);
            }
        }

        #[test]
        fn mutated_plists_never_panic(
            which in 0usize..4,
            flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
            cut in any::<prop::sample::Index>(),
        ) {
            let mut b = match which {
                0 => bin(&prefs()),
                1 => xml(&prefs()),
                2 => bin(&archive("NSMutableArray")),
                _ => XML_ARCHIVE.as_bytes().to_vec(),
            };
            for (i, v) in flips {
                let i = i.index(b.len());
                b[i] ^= v;
            }
            let keep = cut.index(b.len() + 1);
            let t = Instant::now();
            let _ = inspect_plist(&b);
            let _ = inspect_plist(&b[..keep]);
            prop_assert!(t.elapsed() < Duration::from_secs(2));
        }
    }
}
