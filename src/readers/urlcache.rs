//! Apple's NSURLCache `Cache.db`: each cached response's URL, time and body size, read
//! through a read-only view of the database (its uncheckpointed WAL frames included).
//! A body stored in `fsCachedData/` beside it is only `lstat`ed, never opened.
//!
//! Each table is read once, in its own order, and the two are joined here by
//! `entry_ID`: linear in the rows whatever the column types or indexes (an SQL join
//! over a text-typed or unindexed key was quadratic). The body sizes are kept in a
//! map (one small entry per body row); responses are streamed to the caller one by
//! one, so nothing else grows with the rows. No row cap.

use super::sqlite::{
    table_columns, tables, text, with_read_only_connection, DbError, InspectOptions, ViewInfo,
};
use crate::model::hosts::{Body, CacheRow};
use chrono::{NaiveDateTime, SecondsFormat};
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use std::collections::HashMap;
use std::fs;
use std::path::Path;

/// What the caller learns besides the rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheInfo {
    /// `cfurl_cache_receiver_data` was usable (body sizes known).
    pub receiver: bool,
    /// Body rows whose `entry_ID` an earlier body row already had (ignored: each
    /// response has one body).
    pub repeated_bodies: u64,
}

/// Stream the responses of the URL cache at `abs` to `each`; `None` when it has no
/// `cfurl_cache_response` table. The view's notes come with it. On an error part
/// of the rows may already have been given to `each`.
pub fn read(
    abs: &Path,
    opts: &InspectOptions,
    each: impl FnMut(CacheRow),
) -> Result<(Option<CacheInfo>, ViewInfo), DbError> {
    with_read_only_connection(abs, opts, |conn| {
        read_rows(conn, |raw| body_len(abs, raw), each)
    })
}

/// An `entry_ID` as a join key, compared as SQLite compares the two columns
/// (`INTEGER` on the response side, so a numeric text or an integral real on the
/// body side matches the integer).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Int(i64),
    Text(Box<[u8]>),
    Blob(Box<[u8]>),
}

fn key(v: ValueRef<'_>) -> Option<Key> {
    match v {
        ValueRef::Null => None,
        ValueRef::Integer(i) => Some(Key::Int(i)),
        ValueRef::Real(f) => {
            let i = f as i64;
            Some(if i as f64 == f {
                Key::Int(i)
            } else {
                Key::Text(f.to_string().into_bytes().into())
            })
        }
        ValueRef::Text(t) => {
            let s = std::str::from_utf8(t).ok().map(str::trim);
            let int = s.and_then(|s| {
                s.parse::<i64>().ok().or_else(|| {
                    let f = s.parse::<f64>().ok()?;
                    let i = f as i64;
                    (i as f64 == f).then_some(i)
                })
            });
            Some(int.map_or_else(|| Key::Text(t.into()), Key::Int))
        }
        ValueRef::Blob(b) => Some(Key::Blob(b.into())),
    }
}

/// The rows of an open URL cache (see [`read`]); `body_len` sizes a body stored in
/// `fsCachedData/` from its file name.
pub(crate) fn read_rows(
    conn: &Connection,
    body_len: impl Fn(&str) -> Option<u64>,
    mut each: impl FnMut(CacheRow),
) -> rusqlite::Result<Option<CacheInfo>> {
    let names = tables(conn)?;
    if !names.iter().any(|t| t == "cfurl_cache_response") {
        return Ok(None);
    }
    let receiver = names.iter().any(|t| t == "cfurl_cache_receiver_data")
        && ["entry_ID", "isDataOnFS", "receiver_data"].iter().all(|c| {
            table_columns(conn, "cfurl_cache_receiver_data")
                .is_ok_and(|cols| cols.iter().any(|x| x == c))
        });
    let mut info = CacheInfo {
        receiver,
        repeated_bodies: 0,
    };
    let mut bodies: HashMap<Key, Body> = HashMap::new();
    if receiver {
        let mut stmt = conn.prepare(
            "SELECT entry_ID,
                CASE WHEN isDataOnFS = 1 THEN substr(receiver_data, 1, 256) END,
                CASE WHEN isDataOnFS = 1 THEN 0
                     ELSE coalesce(length(CAST(receiver_data AS BLOB)), 0) END
             FROM main.cfurl_cache_receiver_data",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let Some(k) = key(r.get_ref(0)?) else {
                continue;
            };
            if bodies.contains_key(&k) {
                info.repeated_bodies += 1;
                continue;
            }
            let body = match text(r.get_ref(1)?) {
                Some(raw) => Body::OnDisk(body_len(&raw)),
                None => Body::Inline(
                    u64::try_from(r.get::<_, Option<i64>>(2)?.unwrap_or(0)).unwrap_or(0),
                ),
            };
            bodies.insert(k, body);
        }
    }
    let mut stmt =
        conn.prepare("SELECT entry_ID, request_key, time_stamp FROM main.cfurl_cache_response")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        // A body belongs to one response: taken out of the map, counted once.
        let body = key(r.get_ref(0)?).and_then(|k| bodies.remove(&k));
        each(CacheRow {
            url: text(r.get_ref(1)?),
            time: cache_time(r.get_ref(2)?),
            body,
        });
    }
    Ok(Some(info))
}

/// The size of the body file `raw` names in `fsCachedData/` beside the cache at
/// `cache_db`; `None` when it is not one plain name of a regular file there.
pub fn body_len(cache_db: &Path, raw: &str) -> Option<u64> {
    let dir = cache_db.parent()?.join("fsCachedData");
    match fs::symlink_metadata(dir.join(body_name(raw)?)) {
        Ok(m) if m.is_file() => Some(m.len()),
        _ => None,
    }
}

/// CFNetwork's `time_stamp` (SQLite `CURRENT_TIMESTAMP`, UTC) → RFC 3339. The usual
/// `YYYY-MM-DD HH:MM:SS` is read by hand (this runs once per row); anything else
/// goes to chrono.
fn cache_time(v: ValueRef<'_>) -> Option<String> {
    let raw = match v {
        ValueRef::Text(b) | ValueRef::Blob(b) => b,
        _ => return None,
    };
    let s = std::str::from_utf8(raw).ok()?.trim();
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let d = b.get(r)?;
        d.iter()
            .all(u8::is_ascii_digit)
            .then(|| d.iter().fold(0, |n, c| n * 10 + u32::from(c - b'0')))
    };
    if b.len() == 19
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b' '
        && b[13] == b':'
        && b[16] == b':'
    {
        let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
        // Checked as chrono would (a real date, a real time), then written out.
        chrono::NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, mo, d)?;
        chrono::NaiveTime::from_hms_opt(h, mi, se)?;
        return Some(format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{se:02}Z"));
    }
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f")
        .ok()
        .map(|t| t.and_utc().to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// A body file name from `receiver_data`: one plain path component.
fn body_name(raw: &str) -> Option<&str> {
    let n = raw.trim_matches(|c: char| c == '\0' || c.is_whitespace());
    let ok = !n.is_empty() && n.len() <= 255 && n != "." && n != ".." && !n.contains(['/', '\0']);
    ok.then_some(n)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn body_names_are_single_components() {
        assert_eq!(body_name("ABC-123\0"), Some("ABC-123"));
        assert_eq!(body_name("../x"), None);
        assert_eq!(body_name(".."), None);
        assert_eq!(body_name(""), None);
    }

    fn cache(receiver: &str, sql: &str) -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(&format!(
            "CREATE TABLE cfurl_cache_response(entry_ID INTEGER PRIMARY KEY, request_key TEXT,
                 time_stamp TEXT);
             CREATE TABLE cfurl_cache_receiver_data({receiver});
             {sql}"
        ))
        .unwrap();
        conn
    }

    fn rows(conn: &Connection) -> (Vec<CacheRow>, CacheInfo) {
        let mut out = Vec::new();
        let info = read_rows(conn, |n| (n == "on-disk").then_some(77), |r| out.push(r))
            .unwrap()
            .unwrap();
        (out, info)
    }

    #[test]
    fn bodies_join_by_entry_id_once_whatever_their_type() {
        let conn = cache(
            "entry_ID TEXT, isDataOnFS INTEGER, receiver_data BLOB",
            "INSERT INTO cfurl_cache_response VALUES
                 (1, 'https://a/1', '2024-05-01 10:00:00'), (2, 'https://a/2', NULL),
                 (3, 'https://a/3', 'not a time'), (4, 'https://a/4', NULL);
             INSERT INTO cfurl_cache_receiver_data VALUES
                 ('1', 0, zeroblob(10)), (' 1', 0, zeroblob(99)), (2.0, 1, 'on-disk'),
                 (3, 1, 'missing'), (NULL, 0, zeroblob(5)), ('x', 0, zeroblob(6));",
        );
        let (got, info) = rows(&conn);
        let bodies: Vec<Option<Body>> = got.iter().map(|r| r.body).collect();
        assert_eq!(
            bodies,
            [
                Some(Body::Inline(10)),
                Some(Body::OnDisk(Some(77))),
                Some(Body::OnDisk(None)),
                None
            ]
        );
        assert_eq!(
            info,
            CacheInfo {
                receiver: true,
                repeated_bodies: 1
            }
        );
        assert_eq!(got[0].time.as_deref(), Some("2024-05-01T10:00:00Z"));
        assert_eq!(got[2].time, None);
    }

    #[test]
    fn times_by_hand_agree_with_chrono() {
        let t = |s: &str| cache_time(ValueRef::Text(s.as_bytes()));
        assert_eq!(
            t("2024-05-01 10:00:00").as_deref(),
            Some("2024-05-01T10:00:00Z")
        );
        assert_eq!(
            t(" 2024-05-01 10:00:00.250 ").as_deref(),
            Some("2024-05-01T10:00:00Z")
        );
        assert_eq!(t("2024-02-30 10:00:00"), None);
        assert_eq!(t("2024-05-01 24:00:00"), None);
        assert_eq!(t("2024-05-01T10:00:00"), None);
        assert_eq!(t("+024-05-01 10:00:00"), None);
        assert_eq!(cache_time(ValueRef::Integer(5)), None);
    }

    /// SQLite's own work (virtual machine steps, counted by its progress handler)
    /// grows linearly with the rows, also for a text-typed, unindexed body key: the
    /// old SQL join was quadratic here.
    #[test]
    fn the_join_is_linear_in_the_rows() {
        let steps = |n: u32| {
            let conn = cache(
                "entry_ID TEXT, isDataOnFS INTEGER, receiver_data BLOB",
                &format!(
                    "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < {n})
                     INSERT INTO cfurl_cache_response SELECT i, 'https://h/' || i, NULL FROM k;
                     WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < {n})
                     INSERT INTO cfurl_cache_receiver_data SELECT CAST(i AS TEXT), 0, x'00' FROM k;"
                ),
            );
            let count = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
            let c = count.clone();
            conn.progress_handler(
                100,
                Some(move || {
                    c.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    false
                }),
            );
            let (got, _) = rows(&conn);
            assert_eq!(got.len() as u32, n);
            count.load(std::sync::atomic::Ordering::Relaxed)
        };
        let (a, b) = (steps(2000), steps(4000));
        assert!(b < a * 3, "{a} steps for 2000 rows, {b} for 4000");
    }
}
