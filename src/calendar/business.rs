//! [`BusinessCalendar`] and the [`CalendarBuilder`] that makes one. A calendar is serialized as its spec and
//! deserialized through the same builder, so the two share this file.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{DateTime, NaiveDate, TimeDelta, Timelike, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::compiled::Compiled;
use super::error::CalendarError;
use super::nanos::{MAX_UTC_NS, MIN_UTC_NS, instant_nanos};
use super::spec::{CalendarSpec, ScheduleChange};
use super::values::{ClockTime, TimeRange, WeeklyHours};
use crate::local_day;

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
        self.spec.changes.push(ScheduleChange { from, at: ClockTime::MIDNIGHT, hours });
        self
    }

    /// From local time `at` of the date `from` on, the weekly schedule is `hours` (until a later change): a
    /// schedule edited in the middle of a working day. Open time before `at` that day follows the old hours, open
    /// time after it the new ones. `24:00` is the next day's midnight.
    ///
    /// Hours are evaluated on the local wall clock: a change in an hour shown twice (clocks going back) takes effect
    /// at its first showing, and in the second showing the minutes before its time follow the old hours again. A
    /// change inside a holiday or exception day takes effect when that day ends.
    ///
    /// ```
    /// use chrono::{NaiveDate, TimeDelta, TimeZone, Utc};
    /// use customer_care::calendar::{BusinessCalendar, TimeRange, WeeklyHours};
    ///
    /// let nine_to_five = WeeklyHours::weekdays(&[TimeRange::parse("09:00", "17:00")?])?;
    /// let nine_to_one = WeeklyHours::weekdays(&[TimeRange::parse("09:00", "13:00")?])?;
    /// let monday = NaiveDate::from_ymd_opt(2026, 3, 2).ok_or("date")?;
    /// // At 11:00 on Monday the afternoon shift is dropped: Monday counts 09:00–13:00 (4 h), not 8 h.
    /// let cal = BusinessCalendar::builder(chrono_tz::UTC, nine_to_five)
    ///     .change_at(monday, "11:00".parse()?, nine_to_one)
    ///     .build()?;
    /// let day = Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).single().ok_or("instant")?;
    /// assert_eq!(cal.business_time_between(day, day + TimeDelta::days(1))?, TimeDelta::hours(4));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn change_at(mut self, from: NaiveDate, at: ClockTime, hours: WeeklyHours) -> Self {
        self.spec.changes.push(ScheduleChange { from, at, hours });
        self
    }

    /// From the instant `at` on, the weekly schedule is `hours`: [`change_at`](Self::change_at) at the local date
    /// and time `at` shows in the calendar's zone, to the second (a fraction of a second is dropped). For
    /// schedule changes read from an audit log.
    ///
    /// Within a day of chrono's first or last instant, where the local date is not representable, the change
    /// starts on the nearest representable date (the UTC date) at the local time of day.
    pub fn change_at_instant(self, at: DateTime<Utc>, hours: WeeklyHours) -> Self {
        let zone = self.spec.zone;
        let seconds = local_day::local_time(zone, at).num_seconds_from_midnight();
        let time = ClockTime::new(seconds / 3600, seconds / 60 % 60, seconds % 60).unwrap_or(ClockTime::MIDNIGHT);
        self.change_at(local_day::local_date_or_utc(zone, at), time, hours)
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

/// Opening hours in an IANA zone with holidays, exceptions and schedule changes; see the [module](super) docs.
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

/// The instant and a business duration in nanoseconds, with the duration's whole seconds for errors; `None` for
/// a zero duration (the answer is the instant itself).
fn span_nanos(at: DateTime<Utc>, duration: TimeDelta) -> Result<Option<(i64, i64, i64)>, CalendarError> {
    let seconds = duration.num_seconds();
    let d = duration.num_nanoseconds().filter(|d| *d >= 0).ok_or(CalendarError::InvalidDuration { seconds })?;
    let t = instant_nanos(at)?;
    Ok((d > 0).then_some((t, d, seconds)))
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
        spec.changes.sort_by_key(|c| (c.from, c.at));
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
        let Some((t, d, seconds)) = span_nanos(start, duration)? else {
            return Ok(start);
        };
        let u = self.compiled.add(t, d).ok_or(CalendarError::NeverOpen { from: start, seconds })?;
        if u > MAX_UTC_NS {
            return Err(CalendarError::InstantOutOfRange { at: DateTime::from_timestamp_nanos(MAX_UTC_NS) });
        }
        Ok(DateTime::from_timestamp_nanos(u))
    }

    /// The latest instant `s ≤ end` with `business_time_between(s, end) == duration`: when work must start at
    /// the latest to have `duration` of business time before `end` (a due date's latest start, a reminder sent a
    /// business day before an appointment). A zero duration returns `end`.
    ///
    /// It undoes [`add_business_time`](Self::add_business_time) from the other side: when the calendar is open
    /// just before `end`, `add_business_time(sub_business_time(end, d), d) == end` (otherwise the due date
    /// found is the end of the last open stretch before `end`).
    ///
    /// ```
    /// use chrono::{DateTime, TimeDelta, Utc};
    /// use customer_care::calendar::{BusinessCalendar, TimeRange, WeeklyHours};
    ///
    /// let hours = WeeklyHours::weekdays(&[TimeRange::parse("09:00", "17:00")?])?;
    /// let cal = BusinessCalendar::builder(chrono_tz::UTC, hours).build()?;
    /// // Due Tuesday 10:00 with 2 business hours of work: start Monday 16:00 at the latest.
    /// let due: DateTime<Utc> = "2026-03-03T10:00:00Z".parse()?;
    /// let start = cal.sub_business_time(due, TimeDelta::hours(2))?;
    /// assert_eq!(start, "2026-03-02T16:00:00Z".parse::<DateTime<Utc>>()?);
    /// // One hour of work: Tuesday 09:00, not Monday 17:00 (the closed night adds nothing).
    /// assert_eq!(cal.sub_business_time(due, TimeDelta::hours(1))?, "2026-03-03T09:00:00Z".parse::<DateTime<Utc>>()?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`CalendarError::InvalidDuration`] for a negative duration, [`CalendarError::InstantOutOfRange`] when
    /// `end` is out of range, [`CalendarError::NotEnoughBusinessTime`] when the calendar was not open for that
    /// long between the start of the supported range and `end`.
    pub fn sub_business_time(&self, end: DateTime<Utc>, duration: TimeDelta) -> Result<DateTime<Utc>, CalendarError> {
        let Some((t, d, seconds)) = span_nanos(end, duration)? else {
            return Ok(end);
        };
        let s = self.compiled.sub(t, d).ok_or(CalendarError::NotEnoughBusinessTime { until: end, seconds })?;
        Ok(DateTime::from_timestamp_nanos(s))
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
