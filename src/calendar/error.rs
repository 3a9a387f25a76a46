//! Why a calendar, a schedule or a business-time computation was rejected: [`CalendarError`].

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::values::{ClockTime, TimeRange};

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
    /// The calendar was not open for the business time asked for between the start of the supported range and
    /// `until`, so no start instant leaves that much before it.
    #[error("the calendar is open less than {seconds} s between 1900-01-01T00:00:00Z and {until}")]
    NotEnoughBusinessTime {
        /// The end instant.
        until: DateTime<Utc>,
        /// The business time asked for, in whole seconds.
        seconds: i64,
    },
}
