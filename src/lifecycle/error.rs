//! Why a lifecycle input, fit or prediction was rejected: [`LifecycleError`], and the checks that build it.

use serde::{Deserialize, Serialize};

use super::span::TimeUnit;

/// Why a lifecycle input, fit or prediction was rejected.
///
/// Real-valued inputs are carried as their decimal text so the error stays comparable and serializable.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
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
