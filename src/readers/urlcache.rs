//! Apple's NSURLCache `Cache.db`: each cached response's URL, time and body size, read
//! through a read-only view of the database (its uncheckpointed WAL frames included).
//! A body stored in `fsCachedData/` beside it is only `lstat`ed, never opened.

use super::sqlite::{
    table_columns, tables, text, with_read_only_connection, DbError, InspectOptions, ViewInfo,
    MAX_ROWS,
};
use crate::model::hosts::{CacheRow, UrlCacheRows};
use chrono::{NaiveDateTime, SecondsFormat};
use rusqlite::types::ValueRef;
use std::fs;
use std::path::Path;

/// The responses of the URL cache at `abs` (at most [`MAX_ROWS`]); `None` when it has
/// no `cfurl_cache_response` table. The view's notes come with it.
pub fn read(
    abs: &Path,
    opts: &InspectOptions,
) -> Result<(Option<UrlCacheRows>, ViewInfo), DbError> {
    with_read_only_connection(abs, opts, |conn| {
        let names = tables(conn)?;
        if !names.iter().any(|t| t == "cfurl_cache_response") {
            return Ok(None);
        }
        let receiver = names.iter().any(|t| t == "cfurl_cache_receiver_data")
            && ["entry_ID", "isDataOnFS", "receiver_data"].iter().all(|c| {
                table_columns(conn, "cfurl_cache_receiver_data")
                    .is_ok_and(|cols| cols.iter().any(|x| x == c))
            });
        let sql = if receiver {
            format!(
                "SELECT r.request_key, r.time_stamp,
                    CASE WHEN d.isDataOnFS = 1 THEN substr(d.receiver_data, 1, 256) END,
                    CASE WHEN d.isDataOnFS = 1 THEN 0
                         ELSE coalesce(length(CAST(d.receiver_data AS BLOB)), 0) END
                 FROM main.cfurl_cache_response r
                 LEFT JOIN main.cfurl_cache_receiver_data d ON d.entry_ID = r.entry_ID
                 ORDER BY r.entry_ID LIMIT {MAX_ROWS}"
            )
        } else {
            format!(
                "SELECT request_key, time_stamp, NULL, 0 FROM main.cfurl_cache_response
                 ORDER BY entry_ID LIMIT {MAX_ROWS}"
            )
        };
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(CacheRow {
                    url: text(r.get_ref(0)?),
                    time: cache_time(r.get_ref(1)?),
                    on_fs: text(r.get_ref(2)?),
                    inline_len: u64::try_from(r.get::<_, Option<i64>>(3)?.unwrap_or(0))
                        .unwrap_or(0),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Some(UrlCacheRows { rows, receiver }))
    })
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

/// CFNetwork's `time_stamp` (SQLite `CURRENT_TIMESTAMP`, UTC) → RFC 3339.
fn cache_time(v: ValueRef<'_>) -> Option<String> {
    let s = text(v)?;
    let s = s.trim();
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
mod tests {
    use super::*;

    #[test]
    fn body_names_are_single_components() {
        assert_eq!(body_name("ABC-123\0"), Some("ABC-123"));
        assert_eq!(body_name("../x"), None);
        assert_eq!(body_name(".."), None);
        assert_eq!(body_name(""), None);
    }
}
