//! Local days and times in a time zone: the one place that turns instants into local dates and times and back,
//! shared by the planner, the reports and the loyalty and stored-value programs.
//!
//! Every conversion here is checked. chrono represents instants from `MIN_UTC` to `MAX_UTC` and local dates from
//! `NaiveDate::MIN` to `NaiveDate::MAX`; within a day of `MIN_UTC` in a zone west of UTC (or of `MAX_UTC` east of
//! it) an instant's local date lies outside that range, and `DateTime::naive_local`/`date_naive` panic there. The
//! functions below return `None` instead, and [`local_date_plus`] counts days from the UTC date so that a date a
//! few days away from such an instant is still exact.
//!
//! # Folds and gaps
//!
//! From local time to an instant ([`start_of_day`], [`at_local`], [`end_of_day`]) the rule is one: the
//! **earliest instant whose local date and time are at or after** the wanted ones. So a local time that occurs
//! twice (the autumn fold) means its first occurrence, and one that does not occur (the spring gap, a midnight
//! skipped as in Santiago) means the instant the clocks jump past it — whatever the gap's length (an hour, or 30
//! minutes at Lord Howe). From an instant to local time the offset in force at that instant decides.

use chrono::{DateTime, Datelike, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;

const DAY_SECONDS: i64 = 86_400;

/// The offset of `tz` from UTC at `at`, in seconds (east positive).
pub(crate) fn offset_seconds(tz: Tz, at: DateTime<Utc>) -> i64 {
    i64::from(tz.offset_from_utc_datetime(&at.naive_utc()).fix().local_minus_utc())
}

/// The local time of day of `at` in `tz` (always representable) and how many days the local date lies from the
/// UTC date (−1, 0 or 1).
fn local_parts(tz: Tz, at: DateTime<Utc>) -> (NaiveTime, i64) {
    let (time, carry_seconds) = at.time().overflowing_add_signed(TimeDelta::seconds(offset_seconds(tz, at)));
    (time, carry_seconds / DAY_SECONDS)
}

/// The local date of an instant in `tz`; `None` where it lies outside chrono's range.
pub(crate) fn local_date(tz: Tz, at: DateTime<Utc>) -> Option<NaiveDate> {
    local_date_plus(tz, at, 0)
}

/// The local date of an instant in `tz`, or where that lies outside chrono's range (within a day of its ends) the
/// nearest date that does not: `NaiveDate::MIN` or `NaiveDate::MAX`, which is then also the UTC date.
pub(crate) fn local_date_or_utc(tz: Tz, at: DateTime<Utc>) -> NaiveDate {
    local_date(tz, at).unwrap_or_else(|| at.date_naive())
}

/// The local date `days` days after (before, when negative) the local date of `at` in `tz`; `None` outside
/// chrono's range. Exact even when the local date of `at` itself is not representable.
pub(crate) fn local_date_plus(tz: Tz, at: DateTime<Utc>, days: i64) -> Option<NaiveDate> {
    let (_, carry) = local_parts(tz, at);
    at.date_naive().checked_add_signed(TimeDelta::try_days(days.checked_add(carry)?)?)
}

/// The last local date in `tz` on which something expiring at `expires_at` can still be used: the local date of
/// the last instant before it (what expires at midnight was usable the day before). `None` where that date lies
/// outside chrono's range, or at `MIN_UTC`, which has no instant before it.
pub(crate) fn last_usable_date(tz: Tz, expires_at: DateTime<Utc>) -> Option<NaiveDate> {
    local_date(tz, expires_at.checked_sub_signed(TimeDelta::nanoseconds(1))?)
}

/// The local time of day of an instant in `tz` (defined at every instant, even where the date is not).
pub(crate) fn local_time(tz: Tz, at: DateTime<Utc>) -> NaiveTime {
    local_parts(tz, at).0
}

/// The first instant of local date `date` in `tz` (after a DST gap at midnight, the instant the clocks jump).
pub(crate) fn start_of_day(tz: Tz, date: NaiveDate) -> Option<DateTime<Utc>> {
    at_local(tz, date, NaiveTime::MIN)
}

/// The first instant at or after local time `time` on `date` in `tz`: the earliest instant whose local date and
/// time are at or after them. So a repeated time (the autumn fold) means its first occurrence, and a time skipped
/// by a gap means the instant the gap ends. `None` when that instant lies outside chrono's range.
pub(crate) fn at_local(tz: Tz, date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    let local = date.and_time(time);
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.to_utc()),
        LocalResult::Ambiguous(a, b) => Some(a.to_utc().min(b.to_utc())),
        LocalResult::None => after_gap(tz, local),
    }
}

/// The local date and time of `at` as (days since the common era, time): defined at every instant.
fn local_key(tz: Tz, at: DateTime<Utc>) -> (i64, NaiveTime) {
    let (time, carry) = local_parts(tz, at);
    (i64::from(at.date_naive().num_days_from_ce()).saturating_add(carry), time)
}

/// The earliest instant whose local time is at or after `local`, for a `local` that does not occur (a gap, or a
/// time beyond chrono's range). Offsets lie within a day of UTC, so that instant lies within a day of `local` read
/// as UTC; over such a span local time only moves back at a fold, and a gap and a fold are never a day apart, so
/// "local time ≥ `local`" switches once and a bisection finds where.
fn after_gap(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    let wanted = (i64::from(local.date().num_days_from_ce()), local.time());
    let reached = |t: DateTime<Utc>| local_key(tz, t) >= wanted;
    let as_utc = local.and_utc();
    let mut lo = as_utc.checked_sub_signed(TimeDelta::days(1)).unwrap_or(DateTime::<Utc>::MIN_UTC);
    let mut hi = as_utc.checked_add_signed(TimeDelta::days(1)).unwrap_or(DateTime::<Utc>::MAX_UTC);
    if reached(lo) || !reached(hi) {
        // Before the first instant, or after the last one.
        return None;
    }
    // Invariant: !reached(lo), reached(hi). About 48 halvings of two days in nanoseconds.
    while hi - lo > TimeDelta::nanoseconds(1) {
        let mid = lo.checked_add_signed((hi - lo) / 2)?;
        if reached(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(hi)
}

/// The first instant in `(from, to]` at which the offset of `tz` differs from the one at `from`, when the offsets
/// at `from` and `to` differ; `None` when they are the same (zones do not change their clocks twice within the
/// spans asked about here, at most a day).
pub(crate) fn next_change(tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let before = offset_seconds(tz, from);
    if to <= from || offset_seconds(tz, to) == before {
        return None;
    }
    let (mut lo, mut hi) = (from, to);
    while hi - lo > TimeDelta::nanoseconds(1) {
        let mid = lo.checked_add_signed((hi - lo) / 2)?;
        if offset_seconds(tz, mid) == before {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some(hi)
}

/// The first instant after local date `date` in `tz`: "usable through `date`" expires then.
pub(crate) fn end_of_day(tz: Tz, date: NaiveDate) -> Option<DateTime<Utc>> {
    start_of_day(tz, date.succ_opt()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: DateTime<Utc> = DateTime::<Utc>::MIN_UTC;
    const MAX: DateTime<Utc> = DateTime::<Utc>::MAX_UTC;
    const HCM: Tz = chrono_tz::Asia::Ho_Chi_Minh;
    const NY: Tz = chrono_tz::America::New_York;

    #[test]
    fn local_dates_at_the_ends_of_time_are_none_not_a_panic() {
        // East of UTC the last instant's local date is after NaiveDate::MAX; west of it the first instant's is
        // before NaiveDate::MIN.
        assert_eq!(local_date(HCM, MAX), None);
        assert_eq!(local_date(NY, MIN), None);
        assert_eq!(local_date(NY, MAX), Some(NaiveDate::MAX));
        assert_eq!(local_date(HCM, MIN), Some(NaiveDate::MIN));
        assert_eq!(local_date_or_utc(HCM, MAX), NaiveDate::MAX);
        assert_eq!(local_date_or_utc(NY, MIN), NaiveDate::MIN);
        // The time of day is always defined: MAX_UTC is 23:59:59.999… UTC, and Ho Chi Minh City keeps UTC+7 to the
        // end of the tz database's rules, so 06:59:59.999… the next day.
        assert_eq!(local_time(HCM, MAX).format("%H:%M:%S").to_string(), "06:59:59");
        // MIN_UTC is midnight UTC, 19:03:58 local mean time the day before in New York (−4:56:02).
        assert_eq!(local_time(NY, MIN).format("%H:%M:%S").to_string(), "19:03:58");
    }

    #[test]
    fn days_counted_from_an_unrepresentable_local_date_are_exact() {
        // In New York, MIN_UTC falls on the day before NaiveDate::MIN: one day later is NaiveDate::MIN itself.
        assert_eq!(local_date_plus(NY, MIN, 1), Some(NaiveDate::MIN));
        assert_eq!(local_date_plus(NY, MIN, 31), NaiveDate::MIN.checked_add_signed(TimeDelta::days(30)));
        assert_eq!(local_date_plus(HCM, MAX, -1), Some(NaiveDate::MAX));
        assert_eq!(local_date_plus(HCM, MAX, 0), None);
        assert_eq!(local_date_plus(NY, MIN, -1), None);
        assert_eq!(local_date_plus(NY, MIN, i64::MAX), None);
        assert_eq!(local_date_plus(NY, MIN, i64::MIN), None);
        // An ordinary instant: 23:30 UTC on 31 May is 1 June in Ho Chi Minh City and still 31 May in New York.
        let at = NaiveDate::from_ymd_opt(2026, 5, 31).and_then(|d| d.and_hms_opt(23, 30, 0)).map(|t| t.and_utc());
        let at = at.unwrap_or(MIN);
        assert_eq!(local_date(HCM, at), NaiveDate::from_ymd_opt(2026, 6, 1));
        assert_eq!(local_date(NY, at), NaiveDate::from_ymd_opt(2026, 5, 31));
        assert_eq!(local_date_plus(NY, at, -31), NaiveDate::from_ymd_opt(2026, 4, 30));
    }

    #[test]
    fn days_that_start_or_end_outside_the_instants_have_no_bounds() {
        assert_eq!(start_of_day(HCM, NaiveDate::MIN), None);
        assert!(start_of_day(NY, NaiveDate::MIN).is_some());
        assert!(start_of_day(HCM, NaiveDate::MAX).is_some());
        assert_eq!(end_of_day(HCM, NaiveDate::MAX), None);
        assert_eq!(end_of_day(NY, NaiveDate::MAX), None);
    }
}
