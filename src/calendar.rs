//! Business calendars: opening hours and holidays in an IANA zone, business time between instants, due dates.
//!
//! A [`BusinessCalendar`] is a weekly schedule of [`Shift`]s (several per weekday for lunch breaks, overnight
//! shifts, `24:00` as an end) in a [`Tz`], with holidays as local dates, one-off [exceptions](CalendarBuilder::exception)
//! (open on a holiday, closed early) and schedule [changes](CalendarBuilder::change_from) that take effect on a
//! local date (piecewise evaluation).
//!
//! - [`business_time_between(a, b)`](BusinessCalendar::business_time_between) measures the elapsed time in
//!   `[a, b)` during which the local wall clock shows an open time.
//! - [`add_business_time(t, d)`](BusinessCalendar::add_business_time) is the earliest instant `u ≥ t` with
//!   `business_time_between(t, u) = d`: a due date.
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
//! - A schedule change takes effect at local midnight of its date.
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

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, NaiveDate, Offset, TimeDelta, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::id::excerpt;

const NS_PER_SEC: i64 = 1_000_000_000;
const SECS_PER_DAY: u32 = 86_400;
const DAY_NS: i64 = 86_400 * NS_PER_SEC;
const WEEK_NS: i64 = 7 * DAY_NS;
/// Local 1970-01-01 was a Thursday: shift so that weeks start on Monday 00:00.
const WEEK_SHIFT_NS: i64 = 3 * DAY_NS;
/// 1900-01-01T00:00:00Z in seconds since the epoch.
const MIN_UTC_SECS: i64 = -2_208_988_800;
/// 2200-01-01T00:00:00Z in seconds since the epoch.
const MAX_UTC_SECS: i64 = 7_258_118_400;
const MIN_UTC_NS: i64 = MIN_UTC_SECS * NS_PER_SEC;
const MAX_UTC_NS: i64 = MAX_UTC_SECS * NS_PER_SEC;
/// Below any local time of a supported instant (offsets are within ±26 hours).
const MIN_LOCAL_NS: i64 = MIN_UTC_NS - 2 * DAY_NS;
/// Offset changes are tabulated up to here (the compiled IANA data has none later); the last offset holds after.
const SCAN_END_SECS: i64 = 4_133_980_800; // 2101-01-01T00:00:00Z
/// Step of the offset scan: shorter than the shortest interval between two offset changes in the IANA data since
/// 1900 (6.96 days), so no change can hide between two samples.
const SCAN_STEP_SECS: i64 = 3 * 86_400;
/// Offset changes are indexed by buckets of 2^50 ns (about 13 days) for an O(1) lookup.
const BUCKET_SHIFT: u32 = 50;

/// Why a calendar, a schedule or a business-time computation was rejected.
#[derive(Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum CalendarError {
    /// The name is not an IANA time zone of the compiled-in database.
    #[error("unknown time zone {name:?}")]
    UnknownZone {
        /// The rejected name (at most 80 characters of it).
        name: String,
    },
    /// The text is not a time of day `HH:MM` or `HH:MM:SS` from `00:00` to `24:00`.
    #[error("invalid time of day {input:?}: expected HH:MM or HH:MM:SS from 00:00 to 24:00")]
    InvalidClockTime {
        /// The rejected text (at most 80 characters of it).
        input: String,
    },
    /// A range or shift ends before it starts, is empty, starts at `24:00`, or (overnight) lasts over 24 hours.
    #[error("inverted or empty opening range {start}–{end}{}", if *overnight { " (overnight)" } else { "" })]
    InvertedRange {
        /// Start time of day.
        start: ClockTime,
        /// End time of day.
        end: ClockTime,
        /// Whether the range was declared as ending on the next day.
        overnight: bool,
    },
    /// Two shifts of a weekly schedule overlap.
    #[error("overlapping shifts {first} and {second}")]
    OverlappingShifts {
        /// The earlier shift.
        first: String,
        /// The shift that overlaps it.
        second: String,
    },
    /// Two opening ranges of an exception date overlap.
    #[error("overlapping ranges {first} and {second} on {date}")]
    OverlappingRanges {
        /// The exception's date.
        date: NaiveDate,
        /// The earlier range.
        first: TimeRange,
        /// The range that overlaps it.
        second: TimeRange,
    },
    /// A holiday, exception or schedule change lies outside 1900-01-01 to 2199-12-31.
    #[error("date {date} is outside the supported range 1900-01-01 to 2199-12-31")]
    DateOutOfRange {
        /// The rejected date.
        date: NaiveDate,
    },
    /// Two schedule changes take effect on the same date.
    #[error("two schedule changes take effect on {date}")]
    DuplicateChange {
        /// The date.
        date: NaiveDate,
    },
    /// An instant lies outside 1900-01-01T00:00Z to 2200-01-01T00:00Z.
    #[error("instant {at} is outside the supported range 1900-01-01T00:00:00Z to 2200-01-01T00:00:00Z")]
    InstantOutOfRange {
        /// The rejected instant.
        at: DateTime<Utc>,
    },
    /// The end of an interval precedes its start.
    #[error("interval ends at {end} before it starts at {start}")]
    EndBeforeStart {
        /// The start.
        start: DateTime<Utc>,
        /// The end.
        end: DateTime<Utc>,
    },
    /// A duration to add is negative or beyond the supported range.
    #[error("invalid business duration of {seconds} s: must be zero or positive and within the supported range")]
    InvalidDuration {
        /// The duration in whole seconds (rounded toward zero).
        seconds: i64,
    },
    /// The calendar is never open again after `from`, so the due date does not exist.
    #[error("the calendar is never open again after {from}: cannot add {seconds} s of business time")]
    NeverOpen {
        /// The start instant.
        from: DateTime<Utc>,
        /// The business time asked for, in whole seconds.
        seconds: i64,
    },
}

// ---------------------------------------------------------------------------------------------------------------
// Value types
// ---------------------------------------------------------------------------------------------------------------

/// A local time of day from `00:00` to `24:00` inclusive, to the second. `24:00` is only valid as an end.
///
/// Serialized as `"HH:MM"` (or `"HH:MM:SS"` when the seconds are not zero), validated on the way in.
///
/// ```
/// use customer_care::calendar::ClockTime;
///
/// let t: ClockTime = "17:30".parse()?;
/// assert_eq!(t.seconds_from_midnight(), 63_000);
/// assert_eq!("24:00".parse::<ClockTime>()?, ClockTime::END_OF_DAY);
/// assert!("24:01".parse::<ClockTime>().is_err());
/// # Ok::<(), customer_care::calendar::CalendarError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ClockTime(u32);

impl ClockTime {
    /// `00:00`.
    pub const MIDNIGHT: Self = Self(0);
    /// `24:00`, the end of the day.
    pub const END_OF_DAY: Self = Self(SECS_PER_DAY);

    /// A time of day from hours, minutes and seconds; `(24, 0, 0)` is the end of the day.
    ///
    /// # Errors
    ///
    /// [`CalendarError::InvalidClockTime`] when a field is out of range or the time is after `24:00`.
    pub fn new(hour: u32, minute: u32, second: u32) -> Result<Self, CalendarError> {
        let secs = hour.checked_mul(3600).and_then(|h| h.checked_add(minute.checked_mul(60)?)?.checked_add(second));
        match secs {
            Some(s) if minute < 60 && second < 60 && s <= SECS_PER_DAY => Ok(Self(s)),
            _ => Err(CalendarError::InvalidClockTime { input: format!("{hour:02}:{minute:02}:{second:02}") }),
        }
    }

    /// Seconds since local midnight, `0..=86400`.
    pub const fn seconds_from_midnight(&self) -> u32 {
        self.0
    }

    fn nanos(self) -> i64 {
        i64::from(self.0).saturating_mul(NS_PER_SEC)
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (h, m, s) = (self.0 / 3600, self.0 / 60 % 60, self.0 % 60);
        if s == 0 { write!(f, "{h:02}:{m:02}") } else { write!(f, "{h:02}:{m:02}:{s:02}") }
    }
}

impl FromStr for ClockTime {
    type Err = CalendarError;
    fn from_str(s: &str) -> Result<Self, CalendarError> {
        let invalid = || CalendarError::InvalidClockTime { input: excerpt(s) };
        let mut fields = [0_u32; 3];
        let mut count = 0_usize;
        for part in s.split(':') {
            let ok = part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit());
            let value: u32 = if ok { part.parse().map_err(|_| invalid())? } else { return Err(invalid()) };
            *fields.get_mut(count).ok_or_else(invalid)? = value;
            count = count.saturating_add(1);
        }
        if count < 2 {
            return Err(invalid());
        }
        let [h, m, sec] = fields;
        Self::new(h, m, sec).map_err(|_| invalid())
    }
}

impl TryFrom<String> for ClockTime {
    type Error = CalendarError;
    fn try_from(value: String) -> Result<Self, CalendarError> {
        value.parse()
    }
}

impl From<ClockTime> for String {
    fn from(t: ClockTime) -> Self {
        t.to_string()
    }
}

/// An opening range within one local day, `start < end`, where `end` may be `24:00`.
///
/// ```
/// use customer_care::calendar::TimeRange;
///
/// let morning = TimeRange::parse("09:00", "12:00")?;
/// assert_eq!(morning.to_string(), "09:00–12:00");
/// assert!(TimeRange::parse("17:00", "09:00").is_err());
/// # Ok::<(), customer_care::calendar::CalendarError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "TimeRangeRepr", into = "TimeRangeRepr")]
pub struct TimeRange {
    start: ClockTime,
    end: ClockTime,
}

#[derive(Serialize, Deserialize)]
struct TimeRangeRepr {
    start: ClockTime,
    end: ClockTime,
}

impl TryFrom<TimeRangeRepr> for TimeRange {
    type Error = CalendarError;
    fn try_from(r: TimeRangeRepr) -> Result<Self, CalendarError> {
        Self::new(r.start, r.end)
    }
}

impl From<TimeRange> for TimeRangeRepr {
    fn from(r: TimeRange) -> Self {
        Self { start: r.start, end: r.end }
    }
}

impl TimeRange {
    /// The range `[start, end)` of one local day.
    ///
    /// # Errors
    ///
    /// [`CalendarError::InvertedRange`] unless `start < end`.
    pub fn new(start: ClockTime, end: ClockTime) -> Result<Self, CalendarError> {
        if start < end {
            Ok(Self { start, end })
        } else {
            Err(CalendarError::InvertedRange { start, end, overnight: false })
        }
    }

    /// Parses both ends (`"09:00"`, `"24:00"`).
    ///
    /// # Errors
    ///
    /// [`CalendarError::InvalidClockTime`] or [`CalendarError::InvertedRange`].
    pub fn parse(start: &str, end: &str) -> Result<Self, CalendarError> {
        Self::new(start.parse()?, end.parse()?)
    }

    /// The whole day, `00:00–24:00`.
    pub const fn all_day() -> Self {
        Self { start: ClockTime::MIDNIGHT, end: ClockTime::END_OF_DAY }
    }

    /// The start.
    pub const fn start(&self) -> ClockTime {
        self.start
    }

    /// The end (exclusive).
    pub const fn end(&self) -> ClockTime {
        self.end
    }
}

impl fmt::Display for TimeRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}–{}", self.start, self.end)
    }
}

/// A weekly opening shift: a weekday, a start and an end, possibly on the next day (overnight).
///
/// ```
/// use chrono::Weekday;
/// use customer_care::calendar::{ClockTime, Shift};
///
/// let late = Shift::overnight(Weekday::Fri, "22:00".parse()?, "06:00".parse()?)?;
/// assert_eq!(late.to_string(), "Fri 22:00–06:00 (next day)");
/// assert!(Shift::new(Weekday::Mon, "17:00".parse()?, "09:00".parse()?).is_err());
/// # Ok::<(), customer_care::calendar::CalendarError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "ShiftRepr", into = "ShiftRepr")]
pub struct Shift {
    day: Weekday,
    start: ClockTime,
    end: ClockTime,
    overnight: bool,
}

#[derive(Serialize, Deserialize)]
struct ShiftRepr {
    day: Weekday,
    start: ClockTime,
    end: ClockTime,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    overnight: bool,
}

impl TryFrom<ShiftRepr> for Shift {
    type Error = CalendarError;
    fn try_from(r: ShiftRepr) -> Result<Self, CalendarError> {
        if r.overnight { Self::overnight(r.day, r.start, r.end) } else { Self::new(r.day, r.start, r.end) }
    }
}

impl From<Shift> for ShiftRepr {
    fn from(s: Shift) -> Self {
        Self { day: s.day, start: s.start, end: s.end, overnight: s.overnight }
    }
}

impl Shift {
    /// A shift within one day, `start < end` (`end` may be `24:00`).
    ///
    /// # Errors
    ///
    /// [`CalendarError::InvertedRange`] unless `start < end`.
    pub fn new(day: Weekday, start: ClockTime, end: ClockTime) -> Result<Self, CalendarError> {
        TimeRange::new(start, end)?;
        Ok(Self { day, start, end, overnight: false })
    }

    /// A shift that starts on `day` and ends at `end` on the next day (`22:00`–`06:00`); `end ≤ start`, so it
    /// lasts at most 24 hours.
    ///
    /// # Errors
    ///
    /// [`CalendarError::InvertedRange`] when `end > start` (use [`Shift::new`]) or `start` is `24:00`.
    pub fn overnight(day: Weekday, start: ClockTime, end: ClockTime) -> Result<Self, CalendarError> {
        if end <= start && start < ClockTime::END_OF_DAY && end < ClockTime::END_OF_DAY {
            Ok(Self { day, start, end, overnight: true })
        } else {
            Err(CalendarError::InvertedRange { start, end, overnight: true })
        }
    }

    /// The weekday the shift starts on.
    pub const fn day(&self) -> Weekday {
        self.day
    }

    /// The start.
    pub const fn start(&self) -> ClockTime {
        self.start
    }

    /// The end, on the next day when [`is_overnight`](Self::is_overnight).
    pub const fn end(&self) -> ClockTime {
        self.end
    }

    /// Whether the shift ends on the next day.
    pub const fn is_overnight(&self) -> bool {
        self.overnight
    }

    /// `[start, end)` in nanoseconds since Monday 00:00, the end possibly past the week's end.
    fn week_span(&self) -> (i64, i64) {
        let day = i64::from(self.day.num_days_from_monday()).saturating_mul(DAY_NS);
        let start = day.saturating_add(self.start.nanos());
        let end_day = if self.overnight { day.saturating_add(DAY_NS) } else { day };
        (start, end_day.saturating_add(self.end.nanos()))
    }
}

impl fmt::Display for Shift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}–{}{}", self.day, self.start, self.end, if self.overnight { " (next day)" } else { "" })
    }
}

/// A weekly schedule: the shifts open each week, validated not to overlap (touching shifts are fine).
///
/// ```
/// use chrono::Weekday;
/// use customer_care::calendar::{Shift, TimeRange, WeeklyHours};
///
/// let office = WeeklyHours::weekdays(&[TimeRange::parse("09:00", "17:00")?])?;
/// assert_eq!(office.open_seconds_per_week(), 5 * 8 * 3600);
/// let clash = [Shift::new(Weekday::Mon, "09:00".parse()?, "12:00".parse()?)?,
///              Shift::new(Weekday::Mon, "11:00".parse()?, "13:00".parse()?)?];
/// assert!(WeeklyHours::new(clash).is_err());
/// # Ok::<(), customer_care::calendar::CalendarError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Vec<Shift>", into = "Vec<Shift>")]
pub struct WeeklyHours {
    shifts: Vec<Shift>,
}

impl WeeklyHours {
    /// A schedule from its shifts, kept in the order given.
    ///
    /// # Errors
    ///
    /// [`CalendarError::OverlappingShifts`] naming two shifts that overlap (an overnight Sunday shift overlaps
    /// Monday's early shifts when they share time).
    pub fn new(shifts: impl IntoIterator<Item = Shift>) -> Result<Self, CalendarError> {
        let shifts: Vec<Shift> = shifts.into_iter().collect();
        let mut spans: Vec<(i64, i64, usize)> = Vec::with_capacity(shifts.len().saturating_mul(2));
        for (i, s) in shifts.iter().enumerate() {
            let (start, end) = s.week_span();
            if end > WEEK_NS {
                spans.push((start, WEEK_NS, i));
                spans.push((0, end.saturating_sub(WEEK_NS), i));
            } else {
                spans.push((start, end, i));
            }
        }
        spans.sort_unstable();
        for pair in spans.windows(2) {
            if let [(_, end, i), (start, _, j)] = pair
                && start < end
            {
                let name = |k: &usize| shifts.get(*k).map(Shift::to_string).unwrap_or_default();
                return Err(CalendarError::OverlappingShifts { first: name(i), second: name(j) });
            }
        }
        Ok(Self { shifts })
    }

    /// The same ranges every Monday to Friday.
    ///
    /// # Errors
    ///
    /// [`CalendarError::OverlappingShifts`] when two ranges overlap.
    pub fn weekdays(ranges: &[TimeRange]) -> Result<Self, CalendarError> {
        Self::days(&[Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri], ranges)
    }

    /// The same ranges on each of `days`.
    ///
    /// # Errors
    ///
    /// [`CalendarError::OverlappingShifts`] when two ranges overlap (or a day is listed twice).
    pub fn days(days: &[Weekday], ranges: &[TimeRange]) -> Result<Self, CalendarError> {
        Self::new(
            days.iter().flat_map(|&day| {
                ranges.iter().map(move |r| Shift { day, start: r.start, end: r.end, overnight: false })
            }),
        )
    }

    /// Open around the clock, every day.
    pub fn always() -> Self {
        let days = [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];
        let shifts = days
            .iter()
            .map(|&day| Shift { day, start: ClockTime::MIDNIGHT, end: ClockTime::END_OF_DAY, overnight: false })
            .collect();
        Self { shifts }
    }

    /// Never open (useful for a schedule change that closes a site).
    pub const fn never() -> Self {
        Self { shifts: Vec::new() }
    }

    /// The shifts, in the order given.
    pub fn shifts(&self) -> &[Shift] {
        &self.shifts
    }

    /// Open seconds in a week without holidays or daylight-saving changes.
    pub fn open_seconds_per_week(&self) -> i64 {
        self.shifts.iter().map(|s| s.week_span()).map(|(a, b)| b.saturating_sub(a) / NS_PER_SEC).sum()
    }
}

impl TryFrom<Vec<Shift>> for WeeklyHours {
    type Error = CalendarError;
    fn try_from(shifts: Vec<Shift>) -> Result<Self, CalendarError> {
        Self::new(shifts)
    }
}

impl From<WeeklyHours> for Vec<Shift> {
    fn from(h: WeeklyHours) -> Self {
        h.shifts
    }
}

/// Parses an IANA zone name.
///
/// # Errors
///
/// [`CalendarError::UnknownZone`] naming the rejected text.
pub fn parse_zone(name: &str) -> Result<Tz, CalendarError> {
    name.parse().map_err(|_| CalendarError::UnknownZone { name: excerpt(name) })
}

/// Serializes a zone as its IANA name and rejects unknown names with [`CalendarError::UnknownZone`].
pub(crate) mod zone_name {
    use chrono_tz::Tz;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(zone: &Tz, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(zone.name())
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Tz, D::Error> {
        let name = String::deserialize(d)?;
        super::parse_zone(&name).map_err(serde::de::Error::custom)
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The calendar
// ---------------------------------------------------------------------------------------------------------------

/// Builds a [`BusinessCalendar`]; every check happens in [`build`](Self::build).
#[derive(Clone, Debug)]
#[must_use]
pub struct CalendarBuilder {
    spec: CalendarSpec,
}

impl CalendarBuilder {
    /// Closes a local date (a public holiday).
    pub fn holiday(mut self, date: NaiveDate) -> Self {
        self.spec.holidays.insert(date);
        self
    }

    /// Closes each of the local dates.
    pub fn holidays(mut self, dates: impl IntoIterator<Item = NaiveDate>) -> Self {
        self.spec.holidays.extend(dates);
        self
    }

    /// Replaces the hours of one local date: open on a holiday, closed early, or (with no ranges) closed.
    /// Wins over a holiday on the same date; a later call for the same date replaces an earlier one.
    pub fn exception(mut self, date: NaiveDate, open: impl IntoIterator<Item = TimeRange>) -> Self {
        self.spec.exceptions.insert(date, open.into_iter().collect());
        self
    }

    /// From local midnight of `from` on, the weekly schedule is `hours` (until a later change).
    pub fn change_from(mut self, from: NaiveDate, hours: WeeklyHours) -> Self {
        self.spec.changes.push(ScheduleChange { from, hours });
        self
    }

    /// Validates and compiles the calendar.
    ///
    /// # Errors
    ///
    /// [`CalendarError::DateOutOfRange`], [`CalendarError::DuplicateChange`] or
    /// [`CalendarError::OverlappingRanges`].
    pub fn build(self) -> Result<BusinessCalendar, CalendarError> {
        BusinessCalendar::from_spec(self.spec)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct ScheduleChange {
    from: NaiveDate,
    hours: WeeklyHours,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct CalendarSpec {
    #[serde(with = "zone_name")]
    zone: Tz,
    hours: WeeklyHours,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    changes: Vec<ScheduleChange>,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    holidays: BTreeSet<NaiveDate>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    exceptions: BTreeMap<NaiveDate, Vec<TimeRange>>,
}

/// Opening hours in an IANA zone with holidays, exceptions and schedule changes; see the [module](self) docs.
///
/// Serialized as its specification (zone, hours, changes, holidays, exceptions) and rebuilt, with the same checks,
/// when deserialized.
#[derive(Clone, Serialize, Deserialize)]
#[serde(try_from = "CalendarSpec", into = "CalendarSpec")]
pub struct BusinessCalendar {
    spec: CalendarSpec,
    compiled: Compiled,
}

impl PartialEq for BusinessCalendar {
    fn eq(&self, other: &Self) -> bool {
        self.spec == other.spec
    }
}

impl Eq for BusinessCalendar {}

impl fmt::Debug for BusinessCalendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BusinessCalendar")
            .field("zone", &self.spec.zone)
            .field("hours", &self.spec.hours)
            .field("changes", &self.spec.changes)
            .field("holidays", &self.spec.holidays)
            .field("exceptions", &self.spec.exceptions)
            .finish_non_exhaustive()
    }
}

impl TryFrom<CalendarSpec> for BusinessCalendar {
    type Error = CalendarError;
    fn try_from(spec: CalendarSpec) -> Result<Self, CalendarError> {
        Self::from_spec(spec)
    }
}

impl From<BusinessCalendar> for CalendarSpec {
    fn from(c: BusinessCalendar) -> Self {
        c.spec
    }
}

impl BusinessCalendar {
    /// Starts a calendar in `zone` with the weekly `hours`.
    pub fn builder(zone: Tz, hours: WeeklyHours) -> CalendarBuilder {
        CalendarBuilder {
            spec: CalendarSpec {
                zone,
                hours,
                changes: Vec::new(),
                holidays: BTreeSet::new(),
                exceptions: BTreeMap::new(),
            },
        }
    }

    /// Open around the clock in UTC: business time equals wall time.
    pub fn always_open() -> Self {
        let spec = CalendarSpec {
            zone: Tz::UTC,
            hours: WeeklyHours::always(),
            changes: Vec::new(),
            holidays: BTreeSet::new(),
            exceptions: BTreeMap::new(),
        };
        let compiled = Compiled::new(&spec).unwrap_or_else(|_| Compiled::utc_always());
        Self { spec, compiled }
    }

    fn from_spec(mut spec: CalendarSpec) -> Result<Self, CalendarError> {
        spec.changes.sort_by_key(|c| c.from);
        let compiled = Compiled::new(&spec)?;
        Ok(Self { spec, compiled })
    }

    /// The zone.
    pub const fn zone(&self) -> Tz {
        self.spec.zone
    }

    /// The weekly hours in effect before the first schedule change.
    pub const fn hours(&self) -> &WeeklyHours {
        &self.spec.hours
    }

    /// The holidays.
    pub const fn holidays(&self) -> &BTreeSet<NaiveDate> {
        &self.spec.holidays
    }

    /// Business time in `[start, end)`: the elapsed time during which the local clock shows an open time.
    ///
    /// # Errors
    ///
    /// [`CalendarError::EndBeforeStart`] or [`CalendarError::InstantOutOfRange`].
    pub fn business_time_between(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> Result<TimeDelta, CalendarError> {
        if end < start {
            return Err(CalendarError::EndBeforeStart { start, end });
        }
        let a = instant_nanos(start)?;
        let b = instant_nanos(end)?;
        Ok(TimeDelta::nanoseconds(self.compiled.g(b).saturating_sub(self.compiled.g(a))))
    }

    /// The business clock at UTC `t_ns` (nanoseconds since the Unix epoch, clamped to the supported range):
    /// `business time in [a, b) = clock(b) − clock(a)`. The allocation-free core used by the service metrics.
    pub(crate) fn business_clock(&self, t_ns: i64) -> i64 {
        self.compiled.g(t_ns.clamp(MIN_UTC_NS, MAX_UTC_NS))
    }

    /// The earliest UTC instant (ns) with `business_clock(u) − business_clock(t_ns) = d_ns`, for `d_ns ≥ 0`.
    pub(crate) fn business_deadline(&self, t_ns: i64, d_ns: i64) -> Option<i64> {
        let t = t_ns.clamp(MIN_UTC_NS, MAX_UTC_NS);
        if d_ns <= 0 { Some(t) } else { self.compiled.add(t, d_ns) }
    }

    /// The earliest instant `u ≥ start` with `business_time_between(start, u) == duration`: the due date of a
    /// target of `duration` business time. A zero duration returns `start`.
    ///
    /// # Errors
    ///
    /// [`CalendarError::InvalidDuration`] for a negative duration, [`CalendarError::InstantOutOfRange`] when
    /// `start` or the result is out of range, [`CalendarError::NeverOpen`] when the calendar never opens again.
    pub fn add_business_time(&self, start: DateTime<Utc>, duration: TimeDelta) -> Result<DateTime<Utc>, CalendarError> {
        let seconds = duration.num_seconds();
        let d = duration.num_nanoseconds().filter(|d| *d >= 0).ok_or(CalendarError::InvalidDuration { seconds })?;
        let t = instant_nanos(start)?;
        if d == 0 {
            return Ok(start);
        }
        let u = self.compiled.add(t, d).ok_or(CalendarError::NeverOpen { from: start, seconds })?;
        if u > MAX_UTC_NS {
            return Err(CalendarError::InstantOutOfRange { at: DateTime::from_timestamp_nanos(MAX_UTC_NS) });
        }
        Ok(DateTime::from_timestamp_nanos(u))
    }

    /// Whether the calendar is open at `at`.
    ///
    /// # Errors
    ///
    /// [`CalendarError::InstantOutOfRange`].
    pub fn is_open(&self, at: DateTime<Utc>) -> Result<bool, CalendarError> {
        let t = instant_nanos(at)?;
        // Open at t when one more nanosecond of wall time adds business time.
        Ok(self.compiled.g(t.saturating_add(1)) > self.compiled.g(t))
    }
}

fn instant_nanos(at: DateTime<Utc>) -> Result<i64, CalendarError> {
    match at.timestamp_nanos_opt() {
        Some(ns) if (MIN_UTC_NS..=MAX_UTC_NS).contains(&ns) => Ok(ns),
        _ => Err(CalendarError::InstantOutOfRange { at }),
    }
}

pub(crate) fn date_nanos(date: NaiveDate) -> Result<i64, CalendarError> {
    let min = NaiveDate::from_ymd_opt(1900, 1, 1);
    let max = NaiveDate::from_ymd_opt(2199, 12, 31);
    if min.is_some_and(|m| date < m) || max.is_some_and(|m| date > m) {
        return Err(CalendarError::DateOutOfRange { date });
    }
    Ok(i64::from(date.num_days_from_ce()).saturating_sub(719_163).saturating_mul(DAY_NS))
}

// ---------------------------------------------------------------------------------------------------------------
// Compiled form
// ---------------------------------------------------------------------------------------------------------------

/// A weekly pattern as sorted, merged open spans in `[0, WEEK_NS)`, with the open time before each.
#[derive(Clone, Debug)]
struct Weekly {
    spans: Vec<Span>,
    total: i64,
}

/// An open span `[start, end)` and the open time before it (in its week or day).
#[derive(Clone, Copy, Debug)]
struct Span {
    start: i64,
    end: i64,
    before: i64,
}

fn spans_with_prefix(mut raw: Vec<(i64, i64)>) -> (Vec<Span>, i64) {
    raw.sort_unstable();
    let mut merged: Vec<(i64, i64)> = Vec::with_capacity(raw.len());
    for (s, e) in raw {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    let mut before = 0_i64;
    let spans = merged
        .into_iter()
        .map(|(start, end)| {
            let span = Span { start, end, before };
            before = before.saturating_add(end.saturating_sub(start));
            span
        })
        .collect();
    (spans, before)
}

/// Open time in `[0, x)` of a span list.
fn measure(spans: &[Span], x: i64) -> i64 {
    let i = spans.partition_point(|s| s.start < x);
    match i.checked_sub(1).and_then(|i| spans.get(i)) {
        Some(s) => s.before.saturating_add(x.min(s.end).saturating_sub(s.start)),
        None => 0,
    }
}

/// Earliest `x` with `measure(spans, x) ≥ y` for `0 < y ≤ total`.
fn measure_inv(spans: &[Span], y: i64) -> Option<i64> {
    let i = spans.partition_point(|s| s.before.saturating_add(s.end.saturating_sub(s.start)) < y);
    spans.get(i).map(|s| s.start.saturating_add(y.saturating_sub(s.before)))
}

impl Weekly {
    fn new(hours: &WeeklyHours) -> Self {
        let mut raw = Vec::with_capacity(hours.shifts.len().saturating_add(1));
        for s in &hours.shifts {
            let (start, end) = s.week_span();
            if end > WEEK_NS {
                raw.push((start, WEEK_NS));
                raw.push((0, end.saturating_sub(WEEK_NS)));
            } else {
                raw.push((start, end));
            }
        }
        let (spans, total) = spans_with_prefix(raw);
        Self { spans, total }
    }

    /// Open time from the origin week to local time `l`.
    fn base(&self, l: i64) -> i64 {
        let x = l.saturating_add(WEEK_SHIFT_NS);
        let w = x.div_euclid(WEEK_NS);
        let r = x.rem_euclid(WEEK_NS);
        w.saturating_mul(self.total).saturating_add(measure(&self.spans, r))
    }

    /// Earliest local time `l` with `base(l) ≥ y`, if the pattern is ever open.
    fn base_inv(&self, y: i64) -> Option<i64> {
        if self.total <= 0 {
            return None;
        }
        let w = y.div_euclid(self.total);
        let rem = y.rem_euclid(self.total);
        let x = if rem == 0 {
            let last = self.spans.last()?;
            w.saturating_sub(1).saturating_mul(WEEK_NS).saturating_add(last.end)
        } else {
            w.saturating_mul(WEEK_NS).saturating_add(measure_inv(&self.spans, rem)?)
        };
        Some(x.saturating_sub(WEEK_SHIFT_NS))
    }
}

#[derive(Clone, Copy, Debug)]
enum Regime {
    /// The weekly pattern with this index.
    Weekly(usize),
    /// The exception day with this index.
    Day(usize),
}

/// From `start` on (local nanoseconds since 1970-01-01T00:00), open time follows `regime`; `f_start` is the
/// cumulative open time at `start`.
#[derive(Clone, Copy, Debug)]
struct Piece {
    start: i64,
    f_start: i64,
    /// For a weekly piece, the pattern's cumulative open time at `start` (saves a second evaluation per query).
    base_start: i64,
    regime: Regime,
}

/// An offset change: at UTC `at`, the offset becomes `offset`; `g_at` is the business-time function just there and
/// `correction` the sum of the local-time corrections of this and all earlier changes.
#[derive(Clone, Copy, Debug)]
struct Transition {
    at: i64,
    offset: i64,
    correction: i64,
    g_at: i64,
}

#[derive(Clone, Debug)]
struct Compiled {
    weeklies: Vec<Weekly>,
    days: Vec<(Vec<Span>, i64)>,
    pieces: Vec<Piece>,
    first_offset: i64,
    transitions: Vec<Transition>,
    /// For each bucket of 2^BUCKET_SHIFT ns from `MIN_UTC_NS`, the number of changes before the bucket starts.
    transition_index: Vec<u32>,
    /// Start of the piece index's first bucket: the second piece's start.
    piece_origin: i64,
    /// For each bucket of 2^BUCKET_SHIFT ns from `piece_origin`, the index of the piece holding the bucket's start.
    piece_index: Vec<u32>,
}

fn offset_nanos(zone: Tz, utc_secs: i64) -> i64 {
    DateTime::from_timestamp(utc_secs, 0)
        .map(|t| i64::from(zone.offset_from_utc_datetime(&t.naive_utc()).fix().local_minus_utc()))
        .unwrap_or(0)
        .saturating_mul(NS_PER_SEC)
}

/// Total offset changes of `zone` between 1900 and 2101 as `(utc seconds, offset after in ns)`.
fn zone_transitions(zone: Tz) -> (i64, Vec<(i64, i64)>) {
    let first = offset_nanos(zone, MIN_UTC_SECS);
    let mut out = Vec::new();
    let mut lo = MIN_UTC_SECS;
    let mut lo_off = first;
    while lo < SCAN_END_SECS {
        let hi = lo.saturating_add(SCAN_STEP_SECS);
        let hi_off = offset_nanos(zone, hi);
        if hi_off != lo_off {
            // The offset at `lo` differs from the one at `hi`: bisect for the first second with the new offset.
            let (mut a, mut b) = (lo, hi);
            while b.saturating_sub(a) > 1 {
                let mid = a.saturating_add(b.saturating_sub(a) / 2);
                if offset_nanos(zone, mid) == lo_off {
                    a = mid;
                } else {
                    b = mid;
                }
            }
            out.push((b, hi_off));
        }
        lo = hi;
        lo_off = hi_off;
    }
    (first, out)
}

impl Compiled {
    fn utc_always() -> Self {
        let weekly = Weekly::new(&WeeklyHours::always());
        let f_start = weekly.base(MIN_LOCAL_NS);
        Self {
            weeklies: vec![weekly],
            days: Vec::new(),
            pieces: vec![Piece { start: MIN_LOCAL_NS, f_start, base_start: f_start, regime: Regime::Weekly(0) }],
            first_offset: 0,
            transitions: Vec::new(),
            transition_index: Vec::new(),
            piece_origin: i64::MAX,
            piece_index: Vec::new(),
        }
    }

    fn new(spec: &CalendarSpec) -> Result<Self, CalendarError> {
        // Weekly patterns and the local instants they take effect.
        let mut weeklies = vec![Weekly::new(&spec.hours)];
        let mut periods: Vec<(i64, usize)> = Vec::with_capacity(spec.changes.len());
        for change in &spec.changes {
            let at = date_nanos(change.from)?;
            if periods.last().is_some_and(|(prev, _)| *prev == at) {
                return Err(CalendarError::DuplicateChange { date: change.from });
            }
            periods.push((at, weeklies.len()));
            weeklies.push(Weekly::new(&change.hours));
        }
        let period_at = |l: i64| -> usize {
            let i = periods.partition_point(|(at, _)| *at <= l);
            i.checked_sub(1).and_then(|i| periods.get(i)).map_or(0, |(_, w)| *w)
        };

        // Exception days: holidays (closed) and exceptions (their own ranges), exceptions winning.
        let mut overrides: BTreeMap<NaiveDate, Vec<TimeRange>> = BTreeMap::new();
        for date in &spec.holidays {
            date_nanos(*date)?;
            overrides.insert(*date, Vec::new());
        }
        for (date, ranges) in &spec.exceptions {
            date_nanos(*date)?;
            let mut sorted = ranges.clone();
            sorted.sort_unstable();
            for pair in sorted.windows(2) {
                if let [first, second] = pair
                    && second.start < first.end
                {
                    return Err(CalendarError::OverlappingRanges { date: *date, first: *first, second: *second });
                }
            }
            overrides.insert(*date, sorted);
        }

        // Regime change points on the local timeline.
        let mut points: BTreeMap<i64, Regime> = BTreeMap::new();
        for (at, w) in &periods {
            points.insert(*at, Regime::Weekly(*w));
        }
        let mut days = Vec::with_capacity(overrides.len());
        let mut day_starts = Vec::with_capacity(overrides.len());
        for (date, ranges) in &overrides {
            let start = date_nanos(*date)?;
            let end = start.saturating_add(DAY_NS);
            points.insert(end, Regime::Weekly(period_at(end)));
            day_starts.push(start);
            let raw = ranges.iter().map(|r| (r.start.nanos(), r.end.nanos())).collect();
            days.push(spans_with_prefix(raw));
        }
        for (i, start) in day_starts.into_iter().enumerate() {
            points.insert(start, Regime::Day(i));
        }

        let mut compiled = Self {
            weeklies,
            days,
            pieces: Vec::new(),
            first_offset: 0,
            transitions: Vec::new(),
            transition_index: Vec::new(),
            piece_origin: i64::MAX,
            piece_index: Vec::new(),
        };
        let base_at = |c: &Self, regime: Regime, l: i64| match regime {
            Regime::Weekly(w) => c.weeklies.get(w).map_or(0, |p| p.base(l)),
            Regime::Day(_) => 0,
        };
        let first_regime = Regime::Weekly(period_at(MIN_LOCAL_NS));
        let f0 = base_at(&compiled, first_regime, MIN_LOCAL_NS);
        let mut pieces = vec![Piece { start: MIN_LOCAL_NS, f_start: f0, base_start: f0, regime: first_regime }];
        for (start, regime) in points.into_iter().filter(|(s, _)| *s > MIN_LOCAL_NS) {
            let f_start = pieces.last().map_or(0, |prev| compiled.f_in(prev, start));
            pieces.push(Piece { start, f_start, base_start: base_at(&compiled, regime, start), regime });
        }
        // Index the pieces after the first by buckets from the second piece's start to the last piece's start.
        compiled.piece_origin = pieces.get(1).map_or(i64::MAX, |p| p.start);
        if let Some(last) = pieces.last().filter(|_| pieces.len() > 1) {
            let buckets =
                usize::try_from(last.start.saturating_sub(compiled.piece_origin) >> BUCKET_SHIFT).unwrap_or(0);
            compiled.piece_index = (0..=buckets)
                .map(|b| {
                    let offset = i64::try_from(b).unwrap_or(i64::MAX).saturating_mul(1 << BUCKET_SHIFT);
                    let start = compiled.piece_origin.saturating_add(offset);
                    // The piece holding the bucket's start: the first candidate for any instant in the bucket.
                    let n = pieces.partition_point(|p| p.start <= start).saturating_sub(1);
                    u32::try_from(n).unwrap_or(u32::MAX)
                })
                .collect();
        }
        compiled.pieces = pieces;

        // Offset changes and their corrections.
        let (first_offset, raw) = zone_transitions(spec.zone);
        compiled.first_offset = first_offset;
        let mut correction = 0_i64;
        let mut prev_offset = first_offset;
        let mut transitions = Vec::with_capacity(raw.len());
        for (secs, offset) in raw {
            let at = secs.saturating_mul(NS_PER_SEC);
            let before = compiled.f(at.saturating_add(prev_offset));
            let after = compiled.f(at.saturating_add(offset));
            let g_at = before.saturating_add(correction);
            correction = correction.saturating_add(before.saturating_sub(after));
            transitions.push(Transition { at, offset, correction, g_at });
            prev_offset = offset;
        }
        // No offset changes are tabulated after SCAN_END_SECS: later instants fall back to a binary search.
        let scan_end = SCAN_END_SECS.saturating_mul(NS_PER_SEC);
        let buckets = usize::try_from(scan_end.saturating_sub(MIN_UTC_NS) >> BUCKET_SHIFT).unwrap_or(0);
        compiled.transition_index = (0..=buckets)
            .map(|b| {
                let start = MIN_UTC_NS.saturating_add(i64::try_from(b).unwrap_or(i64::MAX) << BUCKET_SHIFT);
                u32::try_from(transitions.partition_point(|tr| tr.at < start)).unwrap_or(u32::MAX)
            })
            .collect();
        compiled.transitions = transitions;
        Ok(compiled)
    }

    /// Cumulative open time at local time `l` within `piece`.
    fn f_in(&self, piece: &Piece, l: i64) -> i64 {
        match piece.regime {
            Regime::Weekly(w) => self
                .weeklies
                .get(w)
                .map_or(piece.f_start, |p| piece.f_start.saturating_add(p.base(l).saturating_sub(piece.base_start))),
            Regime::Day(d) => self.days.get(d).map_or(piece.f_start, |(spans, _)| {
                piece.f_start.saturating_add(measure(spans, l.saturating_sub(piece.start).min(DAY_NS)))
            }),
        }
    }

    /// Cumulative open time at local time `l` (nanoseconds since local 1970-01-01T00:00).
    fn f(&self, l: i64) -> i64 {
        let i = if l < self.piece_origin {
            // Only the first piece starts this early.
            1
        } else {
            // The bucket bounds which pieces can hold `l`; search only those.
            let bucket = usize::try_from(l.saturating_sub(self.piece_origin) >> BUCKET_SHIFT).unwrap_or(usize::MAX);
            match self.piece_index.get(bucket) {
                // Past the last bucket: every piece has started.
                None => self.pieces.len(),
                Some(&lo) => {
                    let lo = usize::try_from(lo).unwrap_or(0);
                    let hi = self
                        .piece_index
                        .get(bucket.saturating_add(1))
                        .map_or(self.pieces.len(), |&hi| usize::try_from(hi).unwrap_or(usize::MAX).saturating_add(1))
                        .min(self.pieces.len());
                    match self.pieces.get(lo..hi) {
                        Some(slice) => lo.saturating_add(slice.partition_point(|p| p.start <= l)),
                        None => self.pieces.partition_point(|p| p.start <= l),
                    }
                }
            }
        };
        match i.checked_sub(1).and_then(|i| self.pieces.get(i)) {
            Some(piece) => self.f_in(piece, l),
            None => 0,
        }
    }

    /// Earliest local time with `f(l) ≥ y`.
    fn f_inv(&self, y: i64) -> Option<i64> {
        let i = self.pieces.partition_point(|p| p.f_start < y);
        let piece = self.pieces.get(i.saturating_sub(1))?;
        match piece.regime {
            Regime::Weekly(w) => {
                let p = self.weeklies.get(w)?;
                let target = y.saturating_sub(piece.f_start).saturating_add(piece.base_start);
                p.base_inv(target)
            }
            Regime::Day(d) => {
                let (spans, total) = self.days.get(d)?;
                let want = y.saturating_sub(piece.f_start);
                if want > *total {
                    return None;
                }
                measure_inv(spans, want).map(|x| piece.start.saturating_add(x))
            }
        }
    }

    /// Index of the offset segment holding UTC `t`: the number of changes at or before `t`.
    fn segment(&self, t: i64) -> usize {
        // Start from the bucket's first change and step over the (at most two) changes inside the bucket.
        let bucket = usize::try_from(t.saturating_sub(MIN_UTC_NS) >> BUCKET_SHIFT).unwrap_or(usize::MAX);
        match self.transition_index.get(bucket) {
            Some(&first) => {
                let mut k = usize::try_from(first).unwrap_or(usize::MAX);
                while self.transitions.get(k).is_some_and(|tr| tr.at <= t) {
                    k = k.saturating_add(1);
                }
                k
            }
            None => self.transitions.partition_point(|tr| tr.at <= t),
        }
    }

    fn segment_offset(&self, k: usize) -> (i64, i64) {
        match k.checked_sub(1).and_then(|k| self.transitions.get(k)) {
            Some(tr) => (tr.offset, tr.correction),
            None => (self.first_offset, 0),
        }
    }

    /// The business-time function of UTC `t`: `between(a, b) = g(b) − g(a)`.
    fn g(&self, t: i64) -> i64 {
        let (offset, correction) = self.segment_offset(self.segment(t));
        self.f(t.saturating_add(offset)).saturating_add(correction)
    }

    /// Earliest UTC `u ≥ t` with `g(u) − g(t) = d`, for `d > 0`.
    fn add(&self, t: i64, d: i64) -> Option<i64> {
        let target = self.g(t).checked_add(d)?;
        let k0 = self.segment(t);
        let rest = self.transitions.get(k0..)?;
        let k = k0.saturating_add(rest.partition_point(|tr| tr.g_at < target));
        let (offset, correction) = self.segment_offset(k);
        let local = self.f_inv(target.saturating_sub(correction))?;
        Some(local.saturating_sub(offset).max(t))
    }
}

#[cfg(test)]
mod tests {
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
