//! Lifecycle: where each customer stands, by rules anyone can read, by RFM segments, and by buy-till-you-die models.
//!
//! - [`summary`]: from a purchase log `(customer, day, amount)` to per-customer [`CustomerSummary`] values
//!   (frequency, recency, age T, mean repeat spend) in a [`TimeUnit`] carried alongside, a calibration/holdout split,
//!   and [`FitData`]: identical summaries compressed into weighted patterns.
//! - [`models`]: [`BgNbd`], [`ModifiedBgNbd`] and [`ParetoNbd`] fitted by maximum likelihood ([`FitReport`] with
//!   the full log-likelihood, standard errors, iterations); P(alive), expected purchases, P(no purchase).
//! - [`spend`]: the [`GammaGamma`] spend model and customer lifetime value over a typed horizon
//!   ([`ClvSettings`]).
//! - [`rfm`]: RFM scores by frozen quantiles or absolute thresholds, and validated segment maps.
//! - [`stage`]: [`LifecyclePolicy`] → [`Stage`] with the [`Reason`]s that led to it.
//!
//! Everything is pure: no clock (the observation end and `as_of` are arguments), no randomness (fits start from a
//! fixed point and are deterministic), no I/O.
//!
//! ```
//! use chrono::NaiveDate;
//! use customer_care::lifecycle::{summarize, BgNbd, CustomerSummary, PurchaseModel, Span, TimeUnit};
//! use rust_decimal::Decimal;
//!
//! let december: NaiveDate = "2025-12-31".parse()?;
//! let day = |d: u64| december + chrono::Days::new(d); // day(1) is 1 January 2026
//! let log = vec![
//!     ("ann", day(1), Decimal::new(20, 0)),
//!     ("ann", day(8), Decimal::new(25, 0)),
//!     ("ann", day(8), Decimal::new(5, 0)), // same day: merged
//!     ("bob", day(3), Decimal::new(40, 0)),
//! ];
//! let summaries = summarize(&log, TimeUnit::Day, day(31))?;
//! let ann = summaries.get(&"ann").ok_or("no summary for ann")?;
//! assert_eq!((ann.frequency(), ann.recency(), ann.age()), (1, 7.0, 30.0));
//! assert_eq!(ann.monetary_value(), Decimal::new(30, 0));
//!
//! // A model in weeks (CDNOW, Fader, Hardie & Lee 2005): predictions refuse horizons in another unit.
//! let model = BgNbd::new(0.243, 4.414, 0.793, 2.426, TimeUnit::Week)?;
//! let customer_1 = CustomerSummary::new(2, 30.43, 38.86, TimeUnit::Week)?;
//! let expected = model.expected_purchases(&customer_1, Span::weeks(39.0)?)?;
//! assert!((expected - 1.226).abs() < 0.0005);
//! assert!(model.expected_purchases(&customer_1, Span::days(273.0)?).is_err());
//! assert!(model.p_alive(&ann).is_err()); // a summary in days
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

pub mod models;
mod optimize;
pub mod rfm;
mod special;
pub mod spend;
pub mod stage;
pub mod summary;

pub use models::{
    BgNbd, Convergence, Estimate, FitOptions, FitReport, ModifiedBgNbd, ParetoNbd, Prediction, PurchaseModel,
};
pub use rfm::{RfmInput, RfmScore, RfmScorer, SegmentMap, SegmentRule, TiePolicy};
pub use spend::{ClvSettings, GammaGamma};
pub use stage::{Activity, Classification, LifecyclePolicy, PolicyConfig, Reason, Stage, StageSince};
pub use summary::{
    AsPurchase, CustomerSummary, FitData, Holdout, Pattern, Purchase, Summaries, summarize, summarize_holdout,
};

/// Why a lifecycle input, fit or prediction was rejected.
///
/// Real-valued inputs are carried as their decimal text so the error stays comparable and serializable.
#[derive(Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum LifecycleError {
    /// A number was negative, zero, not finite or out of its range.
    #[error("invalid {name} {value}: expected {expected}")]
    InvalidValue {
        /// What the number is.
        name: String,
        /// The rejected value.
        value: String,
        /// What was expected, such as "a finite number ≥ 0".
        expected: String,
    },
    /// A summary's recency (time of the last repeat purchase) is after its age T.
    #[error("recency {recency} exceeds age {age}")]
    RecencyExceedsAge {
        /// The recency.
        recency: String,
        /// The age T.
        age: String,
    },
    /// A summary without repeat purchases has a recency other than 0.
    #[error("frequency 0 requires recency 0, got recency {recency}")]
    RecencyWithoutRepeat {
        /// The recency.
        recency: String,
    },
    /// A summary with repeat purchases has recency 0: repeat purchases come after the first, so the last of them
    /// is later than it.
    #[error(
        "frequency {frequency} requires a recency above 0 (repeat purchases come after the first), got recency {recency}"
    )]
    RepeatWithoutRecency {
        /// The number of repeat purchases x.
        frequency: u32,
        /// The recency.
        recency: String,
    },
    /// Nothing to fit, score or summarize.
    #[error("empty population: {what}")]
    EmptyPopulation {
        /// What was empty.
        what: String,
    },
    /// A span or rate in one time unit met a model or summary in another.
    #[error("time unit mismatch: expected {expected}, found {found}")]
    UnitMismatch {
        /// The unit of the model or summary.
        expected: TimeUnit,
        /// The unit given.
        found: TimeUnit,
    },
    /// Maximum likelihood did not converge; no parameters are returned.
    #[error("{model} fit failed after {iterations} iterations: {reason}")]
    FitFailed {
        /// The model.
        model: String,
        /// Iterations done.
        iterations: u32,
        /// Why, such as "log-likelihood not finite at the start".
        reason: String,
    },
    /// A series or other numerical method did not converge for these arguments.
    #[error("numerical failure in {what}")]
    NumericalFailure {
        /// The quantity being computed, with its arguments.
        what: String,
    },
    /// The Gamma-Gamma q must exceed 1, or the mean spend is infinite (and estimates would be negative).
    #[error("gamma-gamma q must exceed 1 for a finite mean spend, got q = {q}")]
    GammaGammaQ {
        /// The rejected q.
        q: String,
    },
    /// Two thresholds that must be ordered were not.
    #[error("crossing thresholds: {lower_name} {lower} must be below {upper_name} {upper}")]
    CrossingThresholds {
        /// Name of the threshold that must be lower.
        lower_name: String,
        /// Its value.
        lower: String,
        /// Name of the threshold that must be higher.
        upper_name: String,
        /// Its value.
        upper: String,
    },
    /// A segment map leaves an RFM cell without a segment.
    #[error("segment map does not cover recency score {recency}, frequency score {frequency}")]
    SegmentGap {
        /// Recency score of the uncovered cell.
        recency: u8,
        /// Frequency score of the uncovered cell.
        frequency: u8,
    },
    /// Two segments of a map claim the same RFM cell.
    #[error("segments {first:?} and {second:?} overlap at recency score {recency}, frequency score {frequency}")]
    SegmentOverlap {
        /// The first segment.
        first: String,
        /// The second segment.
        second: String,
        /// Recency score of the cell.
        recency: u8,
        /// Frequency score of the cell.
        frequency: u8,
    },
    /// Money arithmetic overflowed while summarizing.
    #[error("spend overflow for {what}")]
    SpendOverflow {
        /// Where.
        what: String,
    },
}

pub(crate) fn invalid(name: &str, value: f64, expected: &str) -> LifecycleError {
    LifecycleError::InvalidValue { name: name.to_owned(), value: value.to_string(), expected: expected.to_owned() }
}

/// `Ok(value)` if finite and ≥ 0.
pub(crate) fn non_negative(name: &str, value: f64) -> Result<f64, LifecycleError> {
    if value.is_finite() && value >= 0.0 { Ok(value) } else { Err(invalid(name, value, "a finite number ≥ 0")) }
}

/// `Ok(value)` if finite and > 0.
pub(crate) fn positive(name: &str, value: f64) -> Result<f64, LifecycleError> {
    if value.is_finite() && value > 0.0 { Ok(value) } else { Err(invalid(name, value, "a finite number > 0")) }
}

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
