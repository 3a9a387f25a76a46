//! The values a calendar is made of: [`ClockTime`], [`TimeRange`], [`Shift`], [`WeeklyHours`], and time zones by
//! name.

use std::fmt;
use std::str::FromStr;

use chrono::Weekday;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::error::CalendarError;
use super::nanos::{DAY_NS, NS_PER_SEC, SECS_PER_DAY, WEEK_NS};
use crate::text::excerpt;

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

    pub(super) fn nanos(self) -> i64 {
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
    pub(super) start: ClockTime,
    pub(super) end: ClockTime,
}

#[derive(Serialize, Deserialize)]
pub(super) struct TimeRangeRepr {
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
pub(super) struct ShiftRepr {
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
    pub(super) fn week_span(&self) -> (i64, i64) {
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
    pub(super) shifts: Vec<Shift>,
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
