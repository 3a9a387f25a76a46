//! Instants and dates as nanoseconds since the epoch, the unit the calendar computes in, and the range it supports
//! (1900 to 2199).

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use super::error::CalendarError;

pub(super) const NS_PER_SEC: i64 = 1_000_000_000;
pub(super) const SECS_PER_DAY: u32 = 86_400;
pub(super) const DAY_NS: i64 = 86_400 * NS_PER_SEC;
pub(super) const WEEK_NS: i64 = 7 * DAY_NS;
/// Local 1970-01-01 was a Thursday: shift so that weeks start on Monday 00:00.
pub(super) const WEEK_SHIFT_NS: i64 = 3 * DAY_NS;
/// 1900-01-01T00:00:00Z in seconds since the epoch.
pub(super) const MIN_UTC_SECS: i64 = -2_208_988_800;
/// 2200-01-01T00:00:00Z in seconds since the epoch.
pub(super) const MAX_UTC_SECS: i64 = 7_258_118_400;
pub(super) const MIN_UTC_NS: i64 = MIN_UTC_SECS * NS_PER_SEC;
pub(super) const MAX_UTC_NS: i64 = MAX_UTC_SECS * NS_PER_SEC;

pub(super) fn instant_nanos(at: DateTime<Utc>) -> Result<i64, CalendarError> {
    match at.timestamp_nanos_opt() {
        Some(ns) if (MIN_UTC_NS..=MAX_UTC_NS).contains(&ns) => Ok(ns),
        _ => Err(CalendarError::InstantOutOfRange { at }),
    }
}

pub(super) fn date_nanos(date: NaiveDate) -> Result<i64, CalendarError> {
    let min = NaiveDate::from_ymd_opt(1900, 1, 1);
    let max = NaiveDate::from_ymd_opt(2199, 12, 31);
    if min.is_some_and(|m| date < m) || max.is_some_and(|m| date > m) {
        return Err(CalendarError::DateOutOfRange { date });
    }
    Ok(i64::from(date.num_days_from_ce()).saturating_sub(719_163).saturating_mul(DAY_NS))
}
