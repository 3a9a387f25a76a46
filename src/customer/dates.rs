//! Birthdays, anniversaries and other yearly occasions: the dates, their kinds and labels, and date windows.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::error::CustomerError;
use super::redact::redacted;

/// Earliest year an [`AnnualDate`] may carry.
pub const MIN_YEAR: i32 = 1800;
/// Latest year an [`AnnualDate`] may carry.
pub const MAX_YEAR: i32 = 9999;

/// A date that comes back every year: month and day, with the year of origin when known (a birth year, a wedding
/// year).
///
/// 29 February is valid without a year or with a leap year; in common years it is observed on 28 February or
/// 1 March, by a named [`LeapDayPolicy`].
///
/// Text form (ISO 8601 / vCard): `--MM-DD` without a year, `YYYY-MM-DD` with one. `Debug` is redacted: a birthday
/// is personal data.
///
/// ```
/// use customer_care::customer::{AnnualDate, LeapDayPolicy};
/// use chrono::NaiveDate;
///
/// let leapling: AnnualDate = "2004-02-29".parse()?;
/// assert_eq!(leapling.observed_in(2027, LeapDayPolicy::February28), NaiveDate::from_ymd_opt(2027, 2, 28));
/// assert_eq!(leapling.observed_in(2027, LeapDayPolicy::March1), NaiveDate::from_ymd_opt(2027, 3, 1));
/// assert_eq!(leapling.observed_in(2028, LeapDayPolicy::March1), NaiveDate::from_ymd_opt(2028, 2, 29));
/// assert!("2003-02-29".parse::<AnnualDate>().is_err());
/// # Ok::<(), customer_care::customer::CustomerError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AnnualDate {
    month: u8,
    day: u8,
    year: Option<i32>,
}

/// When a 29 February occasion is observed in a common year.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeapDayPolicy {
    /// On 28 February: the celebration stays in February (the default; what most people born on 29 February do).
    #[default]
    February28,
    /// On 1 March: the day after 28 February (the legal birthday in, for example, England and Hong Kong).
    March1,
}

impl AnnualDate {
    /// A yearly date.
    ///
    /// # Errors
    ///
    /// [`CustomerError::InvalidDate`] for a month outside 1–12, a day the month never has, 29 February in a
    /// common year, or a year outside [`MIN_YEAR`]..=[`MAX_YEAR`].
    pub fn new(month: u8, day: u8, year: Option<i32>) -> Result<Self, CustomerError> {
        let invalid = |reason: &str| CustomerError::InvalidDate { reason: reason.into() };
        if !(1..=12).contains(&month) {
            return Err(invalid(&format!("month {month} is not in 1–12")));
        }
        if let Some(y) = year
            && !(MIN_YEAR..=MAX_YEAR).contains(&y)
        {
            return Err(invalid(&format!("year {y} is not in {MIN_YEAR}–{MAX_YEAR}")));
        }
        // 2000 is a leap year, so it admits 29 February when no year is given.
        let check_year = year.unwrap_or(2000);
        if NaiveDate::from_ymd_opt(check_year, u32::from(month), u32::from(day)).is_none() {
            return Err(match year {
                Some(y) => invalid(&format!("{y}-{month:02}-{day:02} does not exist")),
                None => invalid(&format!("--{month:02}-{day:02} does not exist")),
            });
        }
        Ok(Self { month, day, year })
    }

    /// The yearly date of a calendar date, keeping its year.
    pub fn from_date(date: NaiveDate) -> Result<Self, CustomerError> {
        let month = u8::try_from(date.month()).unwrap_or(0);
        let day = u8::try_from(date.day()).unwrap_or(0);
        Self::new(month, day, Some(date.year()))
    }

    /// Month, 1–12.
    pub const fn month(&self) -> u8 {
        self.month
    }

    /// Day of the month.
    pub const fn day(&self) -> u8 {
        self.day
    }

    /// Year of origin, when known.
    pub const fn year(&self) -> Option<i32> {
        self.year
    }

    /// Whether this is 29 February.
    pub const fn is_leap_day(&self) -> bool {
        self.month == 2 && self.day == 29
    }

    /// The date on which the occasion is observed in `year`; `None` only when `year` is outside chrono's range.
    pub fn observed_in(&self, year: i32, policy: LeapDayPolicy) -> Option<NaiveDate> {
        let (m, d) = (u32::from(self.month), u32::from(self.day));
        NaiveDate::from_ymd_opt(year, m, d).or_else(|| match policy {
            LeapDayPolicy::February28 => NaiveDate::from_ymd_opt(year, 2, 28),
            LeapDayPolicy::March1 => NaiveDate::from_ymd_opt(year, 3, 1),
        })
    }

    /// Completed years at the occurrence in `year` (age at a birthday, the anniversary's number), when the origin
    /// year is known and lies before `year`.
    pub fn years_in(&self, year: i32) -> Option<u32> {
        let origin = self.year?;
        u32::try_from(year.checked_sub(origin)?).ok().filter(|&n| n > 0)
    }
}

impl fmt::Debug for AnnualDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        redacted(f, "AnnualDate")
    }
}

impl fmt::Display for AnnualDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.year {
            Some(y) => write!(f, "{y:04}-{:02}-{:02}", self.month, self.day),
            None => write!(f, "--{:02}-{:02}", self.month, self.day),
        }
    }
}

impl FromStr for AnnualDate {
    type Err = CustomerError;

    /// Parses `--MM-DD` or `YYYY-MM-DD` (two-digit month and day, four-digit year).
    fn from_str(s: &str) -> Result<Self, CustomerError> {
        let syntax = || CustomerError::InvalidDate { reason: "expected --MM-DD or YYYY-MM-DD".into() };
        let number = |part: &str, len: usize| {
            (part.len() == len && part.bytes().all(|b| b.is_ascii_digit())).then(|| part.parse::<i32>().ok()).flatten()
        };
        let (year, rest) = match s.strip_prefix("--") {
            Some(rest) => (None, rest),
            None => {
                let (y, rest) = s.split_once('-').ok_or_else(syntax)?;
                (Some(number(y, 4).ok_or_else(syntax)?), rest)
            }
        };
        let (m, d) = rest.split_once('-').ok_or_else(syntax)?;
        let month = number(m, 2).and_then(|m| u8::try_from(m).ok()).ok_or_else(syntax)?;
        let day = number(d, 2).and_then(|d| u8::try_from(d).ok()).ok_or_else(syntax)?;
        Self::new(month, day, year)
    }
}

impl TryFrom<String> for AnnualDate {
    type Error = CustomerError;
    fn try_from(value: String) -> Result<Self, CustomerError> {
        value.parse()
    }
}

impl From<AnnualDate> for String {
    fn from(date: AnnualDate) -> Self {
        date.to_string()
    }
}

/// The longest accepted custom occasion label, in characters.
pub const LABEL_MAX_CHARS: usize = 40;

/// What a yearly occasion celebrates. A customer has at most one date per kind.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OccasionKind {
    /// The customer's birthday.
    Birthday,
    /// A wedding anniversary.
    WeddingAnniversary,
    /// The anniversary of joining. When no date is set, occasions derive it from the registration instant.
    MembershipAnniversary,
    /// Any other yearly occasion, by a label the host chooses ("mother's birthday", "shop opening").
    Custom(OccasionLabel),
}

/// A label for a custom occasion: 1 to [`LABEL_MAX_CHARS`] characters, trimmed, no control characters.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OccasionLabel(Box<str>);

impl OccasionLabel {
    /// Validates a label.
    ///
    /// # Errors
    ///
    /// [`CustomerError::InvalidLabel`] naming the label.
    pub fn new(value: &str) -> Result<Self, CustomerError> {
        let chars = value.chars().count();
        if (1..=LABEL_MAX_CHARS).contains(&chars) && value.trim() == value && !value.chars().any(char::is_control) {
            Ok(Self(value.into()))
        } else {
            Err(CustomerError::InvalidLabel { label: crate::text::excerpt(value), max: LABEL_MAX_CHARS })
        }
    }

    /// The label.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OccasionLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for OccasionLabel {
    type Err = CustomerError;
    fn from_str(s: &str) -> Result<Self, CustomerError> {
        Self::new(s)
    }
}

impl TryFrom<String> for OccasionLabel {
    type Error = CustomerError;
    fn try_from(value: String) -> Result<Self, CustomerError> {
        Self::new(&value)
    }
}

impl From<OccasionLabel> for String {
    fn from(label: OccasionLabel) -> Self {
        label.0.into()
    }
}

/// The longest [`OccasionWindow`], in days (ten years): a bound on the work one query does.
pub const WINDOW_MAX_DAYS: i64 = 3_660;

/// An inclusive range of local dates in a zone, in which to look for occasions.
///
/// The zone converts registration instants into the local date of a derived membership anniversary, for customers
/// who have no time zone of their own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "WindowRepr", into = "WindowRepr")]
pub struct OccasionWindow {
    first: NaiveDate,
    last: NaiveDate,
    zone: Tz,
}

#[derive(Serialize, Deserialize)]
struct WindowRepr {
    first: NaiveDate,
    last: NaiveDate,
    zone: Tz,
}

impl TryFrom<WindowRepr> for OccasionWindow {
    type Error = CustomerError;
    fn try_from(r: WindowRepr) -> Result<Self, CustomerError> {
        Self::new(r.first, r.last, r.zone)
    }
}

impl From<OccasionWindow> for WindowRepr {
    fn from(w: OccasionWindow) -> Self {
        Self { first: w.first, last: w.last, zone: w.zone }
    }
}

impl OccasionWindow {
    /// Local dates `first..=last` in `zone`.
    ///
    /// # Errors
    ///
    /// [`CustomerError::InvalidWindow`] when `last` precedes `first` or the window is longer than
    /// [`WINDOW_MAX_DAYS`].
    pub fn new(first: NaiveDate, last: NaiveDate, zone: Tz) -> Result<Self, CustomerError> {
        let days = (last - first).num_days() + 1;
        if !(1..=WINDOW_MAX_DAYS).contains(&days) {
            return Err(CustomerError::InvalidWindow { first, last, max_days: WINDOW_MAX_DAYS });
        }
        Ok(Self { first, last, zone })
    }

    /// `days` local dates starting with the local date of `start` in `zone` (`days = 1`: just that day).
    ///
    /// # Errors
    ///
    /// As [`new`](Self::new), and [`CustomerError::LocalDateOutOfRange`] when the local date of `start` lies
    /// outside chrono's range of dates (within a day of its ends).
    pub fn starting(start: DateTime<Utc>, days: u32, zone: Tz) -> Result<Self, CustomerError> {
        let first =
            crate::local_day::local_date(zone, start).ok_or(CustomerError::LocalDateOutOfRange { at: start, zone })?;
        let last =
            first.checked_add_signed(TimeDelta::days(i64::from(days)) - TimeDelta::days(1)).unwrap_or(NaiveDate::MAX);
        Self::new(first, last, zone)
    }

    /// First local date.
    pub const fn first(&self) -> NaiveDate {
        self.first
    }

    /// Last local date (inclusive).
    pub const fn last(&self) -> NaiveDate {
        self.last
    }

    /// The zone.
    pub const fn zone(&self) -> Tz {
        self.zone
    }

    /// Whether `date` lies in the window.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.first <= date && date <= self.last
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn validation() {
        assert!(AnnualDate::new(2, 29, None).is_ok());
        assert!(AnnualDate::new(2, 29, Some(2000)).is_ok());
        assert_eq!(
            AnnualDate::new(2, 29, Some(1900)).unwrap_err().to_string(),
            "invalid date: 1900-02-29 does not exist"
        );
        assert_eq!(AnnualDate::new(4, 31, None).unwrap_err().to_string(), "invalid date: --04-31 does not exist");
        assert_eq!(AnnualDate::new(13, 1, None).unwrap_err().to_string(), "invalid date: month 13 is not in 1–12");
        assert!(AnnualDate::new(1, 1, Some(1799)).is_err());
        for bad in ["", "02-29", "-02-29", "--2-29", "2024-2-29", "2024/02/29", "--02-29x", "+2024-02-29", "--0a-01"] {
            assert!(bad.parse::<AnnualDate>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn text_round_trip() {
        for s in ["--02-29", "1990-12-31", "2024-02-29", "--01-01"] {
            assert_eq!(s.parse::<AnnualDate>().unwrap().to_string(), s);
        }
        assert_eq!(format!("{:?}", AnnualDate::new(3, 15, Some(1990)).unwrap()), "AnnualDate(<redacted>)");
    }

    #[test]
    fn leap_day_observed_by_policy() {
        let leap = AnnualDate::new(2, 29, None).unwrap();
        assert_eq!(leap.observed_in(2026, LeapDayPolicy::February28), Some(d(2026, 2, 28)));
        assert_eq!(leap.observed_in(2026, LeapDayPolicy::March1), Some(d(2026, 3, 1)));
        assert_eq!(leap.observed_in(2028, LeapDayPolicy::February28), Some(d(2028, 2, 29)));
        assert_eq!(leap.observed_in(2100, LeapDayPolicy::March1), Some(d(2100, 3, 1)));
    }

    #[test]
    fn years_count_only_after_origin() {
        let born = AnnualDate::new(6, 1, Some(1990)).unwrap();
        assert_eq!(born.years_in(2026), Some(36));
        assert_eq!(born.years_in(1990), None);
        assert_eq!(AnnualDate::new(6, 1, None).unwrap().years_in(2026), None);
    }

    #[test]
    fn windows() {
        let zone = chrono_tz::Asia::Ho_Chi_Minh;
        assert!(OccasionWindow::new(d(2026, 1, 2), d(2026, 1, 1), zone).is_err());
        assert!(OccasionWindow::new(d(2026, 1, 1), d(2026, 1, 1), zone).is_ok());
        assert!(OccasionWindow::new(d(2020, 1, 1), d(2031, 1, 1), zone).is_err());
        // 2026-12-31 20:00 UTC is already 1 January in Ho Chi Minh City (UTC+7).
        let start = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 12, 31, 20, 0, 0).unwrap();
        let w = OccasionWindow::starting(start, 7, zone).unwrap();
        assert_eq!((w.first(), w.last()), (d(2027, 1, 1), d(2027, 1, 7)));
        assert!(OccasionWindow::starting(start, 0, zone).is_err());
    }
}
