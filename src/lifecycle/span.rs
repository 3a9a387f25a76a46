//! Lengths of time in a unit: [`TimeUnit`] and [`Span`].

use std::fmt;

use serde::{Deserialize, Serialize};

use super::error::{LifecycleError, invalid, non_negative};

/// The unit in which recency, age, spans and model rates are expressed.
///
/// Purchases are merged per calendar day, so every unit is a whole number of days. Summaries, fitted models and
/// spans carry their unit; a prediction for a span in another unit is an error ([`LifecycleError::UnitMismatch`]),
/// and [`Span::to_unit`] converts explicitly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TimeUnit {
    /// One day.
    Day,
    /// Seven days.
    Week,
    /// A period of this many days (30 for a bookkeeping month, 91 for a quarter).
    Days(u32),
}

impl TimeUnit {
    /// Length of the unit in days (0 only for the invalid `Days(0)`, which [`Span::new`] rejects).
    pub const fn days(self) -> u32 {
        match self {
            Self::Day => 1,
            Self::Week => 7,
            Self::Days(n) => n,
        }
    }

    pub(crate) fn check(self) -> Result<Self, LifecycleError> {
        if self.days() == 0 { Err(invalid("time unit length in days", 0.0, "at least 1")) } else { Ok(self) }
    }
}

impl fmt::Display for TimeUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Day => f.write_str("day"),
            Self::Week => f.write_str("week"),
            Self::Days(n) => write!(f, "{n}-day period"),
        }
    }
}

/// A non-negative length of time in a [`TimeUnit`]: a prediction horizon, a CLV step.
///
/// ```
/// use customer_care::lifecycle::{Span, TimeUnit};
///
/// let quarter = Span::new(13.0, TimeUnit::Week)?;
/// assert_eq!(quarter.to_unit(TimeUnit::Day)?.length(), 91.0);
/// assert!(Span::new(-1.0, TimeUnit::Day).is_err());
/// # Ok::<(), customer_care::lifecycle::LifecycleError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "SpanRepr", into = "SpanRepr")]
pub struct Span {
    length: f64,
    unit: TimeUnit,
}

#[derive(Serialize, Deserialize)]
struct SpanRepr {
    length: f64,
    unit: TimeUnit,
}

impl TryFrom<SpanRepr> for Span {
    type Error = LifecycleError;
    fn try_from(r: SpanRepr) -> Result<Self, LifecycleError> {
        Self::new(r.length, r.unit)
    }
}

impl From<Span> for SpanRepr {
    fn from(s: Span) -> Self {
        Self { length: s.length, unit: s.unit }
    }
}

impl Span {
    /// `length` units of time.
    ///
    /// # Errors
    ///
    /// [`LifecycleError::InvalidValue`] for a negative or non-finite length or a zero-day unit.
    pub fn new(length: f64, unit: TimeUnit) -> Result<Self, LifecycleError> {
        Ok(Self { length: non_negative("span length", length)?, unit: unit.check()? })
    }

    /// `length` days.
    ///
    /// # Errors
    ///
    /// As [`Span::new`].
    pub fn days(length: f64) -> Result<Self, LifecycleError> {
        Self::new(length, TimeUnit::Day)
    }

    /// `length` weeks.
    ///
    /// # Errors
    ///
    /// As [`Span::new`].
    pub fn weeks(length: f64) -> Result<Self, LifecycleError> {
        Self::new(length, TimeUnit::Week)
    }

    /// The length, in [`unit`](Self::unit)s.
    pub const fn length(&self) -> f64 {
        self.length
    }

    /// The unit.
    pub const fn unit(&self) -> TimeUnit {
        self.unit
    }

    /// The same span in another unit (13 weeks → 91 days).
    ///
    /// # Errors
    ///
    /// [`LifecycleError::InvalidValue`] for a zero-day target unit.
    pub fn to_unit(&self, unit: TimeUnit) -> Result<Self, LifecycleError> {
        let unit = unit.check()?;
        Self::new(self.length * f64::from(self.unit.days()) / f64::from(unit.days()), unit)
    }

    /// The length, after checking the span is in `unit`.
    pub(crate) fn length_in(&self, unit: TimeUnit) -> Result<f64, LifecycleError> {
        if self.unit == unit {
            Ok(self.length)
        } else {
            Err(LifecycleError::UnitMismatch { expected: unit, found: self.unit })
        }
    }
}
