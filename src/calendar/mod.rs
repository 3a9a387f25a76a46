//! Business calendars: opening hours and holidays in an IANA zone, business time between instants, due dates.
//!
//! A [`BusinessCalendar`] is a weekly schedule of [`Shift`]s (several per weekday for lunch breaks, overnight
//! shifts, `24:00` as an end) in a [`Tz`](chrono_tz::Tz), with holidays as local dates, one-off
//! [exceptions](CalendarBuilder::exception) (open on a holiday, closed early) and schedule changes that take
//! effect at local midnight of a date ([`change_from`](CalendarBuilder::change_from)) or at any local time or
//! instant ([`change_at`](CalendarBuilder::change_at), [`change_at_instant`](CalendarBuilder::change_at_instant))
//! (piecewise evaluation).
//!
//! - [`business_time_between(a, b)`](BusinessCalendar::business_time_between) measures the elapsed time in
//!   `[a, b)` during which the local wall clock shows an open time.
//! - [`add_business_time(t, d)`](BusinessCalendar::add_business_time) is the earliest instant `u ≥ t` with
//!   `business_time_between(t, u) = d`: a due date.
//! - [`sub_business_time(t, d)`](BusinessCalendar::sub_business_time) is the latest instant `s ≤ t` with
//!   `business_time_between(s, t) = d`: the latest start that still leaves `d` of business time before `t`.
//!
//! # Daylight saving
//!
//! Business time is real elapsed time, never wall-clock arithmetic: on a 23-hour day an hour that never happens on
//! the wall clock is never counted, and on a 25-hour day an open hour shown twice is counted twice. Local dates are
//! calendar dates, so zones where local midnight does not exist on the change day (America/Santiago,
//! America/Havana) need no special handling by the caller.
//!
//! # Decisions
//!
//! - A holiday closes its whole local date, `00:00` to `24:00`, including the part after midnight of an overnight
//!   shift that started the day before.
//! - An exception replaces the hours of its date and wins over a holiday on the same date; an exception with no
//!   ranges closes the date.
//! - A schedule change takes effect at local midnight of its date, or at the local time given (to the second):
//!   open time before it that day follows the old hours, after it the new ones (the dbt Zendesk package's
//!   "business minutes across all schedules"). Hours are evaluated on the local wall clock, so a change in an hour
//!   shown twice (clocks going back) takes effect at its first showing, and in the second showing the minutes
//!   before its time follow the old hours again; a change inside a holiday or exception day takes effect when
//!   that day ends.
//! - Supported instants are 1900-01-01T00:00Z to 2200-01-01T00:00Z; dates (holidays, exceptions, changes)
//!   1900-01-01 to 2199-12-31. Arithmetic is exact to the nanosecond.
//!
//! # Cost
//!
//! Building a calendar tabulates the zone's offset changes (about 400 for a zone with daylight saving) and the
//! cumulative open time at every holiday, exception and schedule change. A query is then a few binary searches:
//! independent of the span's length, whole weeks cost O(1).
//!
//! ```
//! use chrono::{DateTime, NaiveDate, TimeZone, Utc};
//! use chrono_tz::Europe::London;
//! use customer_care::calendar::{BusinessCalendar, ClockTime, TimeRange, WeeklyHours};
//!
//! let hours = WeeklyHours::weekdays(&[TimeRange::parse("09:00", "12:00")?, TimeRange::parse("13:00", "17:00")?])?;
//! let calendar = BusinessCalendar::builder(London, hours)
//!     .holiday("2026-12-25".parse::<NaiveDate>()?)
//!     .holiday("2026-12-28".parse::<NaiveDate>()?)
//!     .build()?;
//! let opened = London.with_ymd_and_hms(2026, 12, 24, 16, 30, 0).single().ok_or("not a single local time")?.to_utc();
//! let later = London.with_ymd_and_hms(2026, 12, 29, 11, 0, 0).single().ok_or("not a single local time")?.to_utc();
//! assert_eq!(calendar.business_time_between(opened, later)?.num_minutes(), 150);
//! let due = calendar.add_business_time(opened, chrono::TimeDelta::hours(8))?;
//! assert_eq!(due, "2026-12-30T09:30:00Z".parse::<DateTime<Utc>>()?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod business;
mod compiled;
mod error;
mod nanos;
mod spec;
mod values;

pub use business::{BusinessCalendar, CalendarBuilder};
pub use error::CalendarError;
pub(crate) use values::zone_name;
pub use values::{ClockTime, Shift, TimeRange, WeeklyHours, parse_zone};

#[cfg(test)]
mod tests {
    use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc, Weekday};
    use chrono_tz::Tz;

    use super::*;
    use chrono_tz::America::New_York;
    use chrono_tz::Europe::London;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn local(tz: Tz, y: i32, m: u32, day: u32, h: u32, min: u32) -> DateTime<Utc> {
        tz.with_ymd_and_hms(y, m, day, h, min, 0).single().unwrap().to_utc()
    }

    #[test]
    fn clock_times_parse_and_print() {
        assert_eq!("09:05".parse::<ClockTime>().unwrap().to_string(), "09:05");
        assert_eq!("09:05:07".parse::<ClockTime>().unwrap().to_string(), "09:05:07");
        for bad in ["9:00", "24:00:01", "25:00", "12:60", "", "12", "12:00:00:00", "ab:cd"] {
            assert!(bad.parse::<ClockTime>().is_err(), "{bad}");
        }
        assert_eq!(
            TimeRange::parse("17:00", "09:00").unwrap_err().to_string(),
            "inverted or empty opening range 17:00–09:00"
        );
    }

    #[test]
    fn london_holiday_known_answer() {
        let hours = WeeklyHours::weekdays(&[
            TimeRange::parse("09:00", "12:00").unwrap(),
            TimeRange::parse("13:00", "17:00").unwrap(),
        ])
        .unwrap();
        let cal =
            BusinessCalendar::builder(London, hours).holiday(d(2026, 12, 25)).holiday(d(2026, 12, 28)).build().unwrap();
        let opened = local(London, 2026, 12, 24, 16, 30);
        let later = local(London, 2026, 12, 29, 11, 0);
        assert_eq!(cal.business_time_between(opened, later).unwrap(), TimeDelta::minutes(150));
        let due = cal.add_business_time(opened, TimeDelta::hours(8)).unwrap();
        assert_eq!(due, Utc.with_ymd_and_hms(2026, 12, 30, 9, 30, 0).unwrap());
    }

    #[test]
    fn weeks_before_and_after_the_exception_days() {
        let hours = WeeklyHours::weekdays(&[TimeRange::parse("09:00", "17:00").unwrap()]).unwrap();
        let cal = BusinessCalendar::builder(London, hours).holiday(d(2026, 12, 25)).build().unwrap();
        for (y, m, day) in [(1901, 1, 7), (2020, 1, 6), (2026, 12, 21), (2027, 1, 4), (2150, 1, 5), (2199, 12, 2)] {
            let a = local(London, y, m, day, 0, 0);
            let b = a + TimeDelta::days(7);
            let want = if (y, m, day) == (2026, 12, 21) { 32 } else { 40 };
            assert_eq!(cal.business_time_between(a, b).unwrap(), TimeDelta::hours(want), "{y}-{m}-{day}");
        }
    }

    #[test]
    fn always_open_counts_dst_days_as_23_and_25_hours() {
        let cal = BusinessCalendar::builder(New_York, WeeklyHours::always()).build().unwrap();
        let spring = cal.business_time_between(local(New_York, 2026, 3, 8, 0, 0), local(New_York, 2026, 3, 9, 0, 0));
        assert_eq!(spring.unwrap(), TimeDelta::hours(23));
        let autumn = cal.business_time_between(local(New_York, 2026, 11, 1, 0, 0), local(New_York, 2026, 11, 2, 0, 0));
        assert_eq!(autumn.unwrap(), TimeDelta::hours(25));
        let year = cal.business_time_between(local(New_York, 2026, 1, 1, 0, 0), local(New_York, 2027, 1, 1, 0, 0));
        assert_eq!(year.unwrap(), TimeDelta::days(365));
    }

    #[test]
    fn overnight_and_serde() {
        let hours =
            WeeklyHours::new([
                Shift::overnight(Weekday::Sun, "22:00".parse().unwrap(), "06:00".parse().unwrap()).unwrap()
            ])
            .unwrap();
        assert_eq!(hours.open_seconds_per_week(), 8 * 3600);
        let cal = BusinessCalendar::builder(Tz::UTC, hours).holiday(d(2026, 1, 5)).build().unwrap();
        // Sunday 2026-01-04 22:00 to Monday 06:00, but Monday is a holiday: 2 hours.
        let t = cal.business_time_between(local(Tz::UTC, 2026, 1, 4, 0, 0), local(Tz::UTC, 2026, 1, 6, 0, 0));
        assert_eq!(t.unwrap(), TimeDelta::hours(2));
        let json = serde_json::to_string(&cal).unwrap();
        let back: BusinessCalendar = serde_json::from_str(&json).unwrap();
        assert_eq!(back, cal);
        assert!(serde_json::from_str::<BusinessCalendar>(&json.replace("22:00", "22:61")).is_err());
    }

    #[test]
    fn errors_name_the_values() {
        let cal = BusinessCalendar::always_open();
        let a = local(Tz::UTC, 2026, 1, 2, 0, 0);
        let b = local(Tz::UTC, 2026, 1, 1, 0, 0);
        assert!(matches!(cal.business_time_between(a, b), Err(CalendarError::EndBeforeStart { .. })));
        assert!(matches!(cal.add_business_time(a, TimeDelta::seconds(-1)), Err(CalendarError::InvalidDuration { .. })));
        let never = BusinessCalendar::builder(Tz::UTC, WeeklyHours::never()).build().unwrap();
        assert!(matches!(never.add_business_time(a, TimeDelta::seconds(1)), Err(CalendarError::NeverOpen { .. })));
        assert_eq!(parse_zone("Mars/Olympus").unwrap_err().to_string(), "unknown time zone \"Mars/Olympus\"");
    }
}
