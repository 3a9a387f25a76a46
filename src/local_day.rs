//! Local days in a time zone: the one place that turns "usable through 31 March" into an instant, shared by the
//! loyalty and stored-value programs.

use chrono::{DateTime, LocalResult, NaiveDate, NaiveTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;

/// The local date of an instant in `tz`.
pub(crate) fn local_date(tz: Tz, at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&tz).date_naive()
}

/// The first instant of local date `date` in `tz` (skipping a DST gap at midnight).
pub(crate) fn start_of_day(tz: Tz, date: NaiveDate) -> Option<DateTime<Utc>> {
    let midnight = date.and_time(NaiveTime::MIN);
    for hours in 0..=3 {
        let local = midnight.checked_add_signed(TimeDelta::hours(hours))?;
        match tz.from_local_datetime(&local) {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => return Some(t.with_timezone(&Utc)),
            LocalResult::None => {}
        }
    }
    None
}

/// The first instant at or after local time `time` on `date` in `tz`: the earlier of an ambiguous (repeated)
/// time, and for a time skipped by a DST gap the first quarter hour after it that exists.
pub(crate) fn at_local(tz: Tz, date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    let local = date.and_time(time);
    for quarters in 0..=16 {
        let shifted = local.checked_add_signed(TimeDelta::minutes(15 * quarters))?;
        match tz.from_local_datetime(&shifted) {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => return Some(t.with_timezone(&Utc)),
            LocalResult::None => {}
        }
    }
    None
}

/// The first instant after local date `date` in `tz`: "usable through `date`" expires then.
pub(crate) fn end_of_day(tz: Tz, date: NaiveDate) -> Option<DateTime<Utc>> {
    start_of_day(tz, date.succ_opt()?)
}
