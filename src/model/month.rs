//! A calendar month (UTC) as the tool writes it, `YYYY-MM` (chrono's `%Y-%m`): what a
//! plan item, a finding, the browser and the keyed chat rows show for a time. Pure.

use serde::{Deserialize, Serialize};

/// A calendar month (UTC), written `YYYY-MM` as chrono writes `%Y-%m`. Made only from
/// a time ([`Month::of`]) or its own text, so it is always a real month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Month {
    year: i32,
    /// 1 to 12.
    month: u8,
}

impl Month {
    /// The month of `t` (seconds since the epoch), if chrono can place it.
    pub fn of(t: i64) -> Option<Month> {
        use chrono::Datelike;
        chrono::DateTime::from_timestamp(t, 0).map(|d| Month {
            year: d.year(),
            month: d.month() as u8,
        })
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Always a real date (see the type), so the fallback is never taken.
        match chrono::NaiveDate::from_ymd_opt(self.year, u32::from(self.month), 1) {
            Some(d) => write!(f, "{}", d.format("%Y-%m")),
            None => write!(f, "{:04}-{:02}", self.year, self.month),
        }
    }
}

impl Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl std::str::FromStr for Month {
    type Err = String;

    /// `YYYY-MM` exactly as [`Month`] writes it (a year outside 0 to 9999 as chrono
    /// writes it: `+10000-01`, `-0001-12`); nothing else.
    fn from_str(s: &str) -> Result<Month, String> {
        let bad = || format!("not a month (YYYY-MM): {s:?}");
        let (y, m) = s.rsplit_once('-').ok_or_else(bad)?;
        let month: u8 = m.parse().map_err(|_| bad())?;
        let year: i32 = y.parse().map_err(|_| bad())?;
        chrono::NaiveDate::from_ymd_opt(year, u32::from(month), 1).ok_or_else(bad)?;
        let parsed = Month { year, month };
        // One text per month: `+2024-01` or `24-01` would be written back otherwise.
        if parsed.to_string() != s {
            return Err(bad());
        }
        Ok(parsed)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}
