//! Why a statistical computation was rejected: [`StatsError`], and the helpers that build it.

use serde::{Deserialize, Serialize};

use super::method::Method;

/// Renders a rejected number for an error message (`NaN`, `inf` and `-0.5` print as such).
pub(crate) fn show(value: f64) -> String {
    format!("{value}")
}

/// Why a statistical computation was rejected.
#[derive(Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum StatsError {
    /// A confidence level was not strictly between 0 and 1.
    #[error("confidence level must be strictly between 0 and 1, got {level}")]
    InvalidLevel {
        /// The rejected level, as printed.
        level: String,
    },
    /// A probability was outside its allowed range.
    #[error("probability {value} is outside {range}")]
    InvalidProbability {
        /// The rejected probability, as printed.
        value: String,
        /// The allowed range, such as `(0, 1)` or `[0, 1]`.
        range: String,
    },
    /// An argument was not finite or outside its domain.
    #[error("invalid {name}: {value} ({expected})")]
    InvalidArgument {
        /// The argument's name.
        name: String,
        /// The rejected value, as printed.
        value: String,
        /// What was expected.
        expected: String,
    },
    /// There is nothing to estimate from.
    #[error("cannot estimate from an empty sample")]
    EmptySample,
    /// A t interval needs an effective sample size above 1.
    #[error("too few observations for {method}: effective sample size {effective_n}, need more than 1")]
    TooFewObservations {
        /// The method that needed more data.
        method: Method,
        /// The effective sample size, as printed.
        effective_n: String,
    },
    /// A p-value to adjust was outside [0, 1].
    #[error("p-value #{index} is {value}, outside [0, 1]")]
    InvalidPValue {
        /// Its position in the input.
        index: usize,
        /// The rejected value, as printed.
        value: String,
    },
    /// A target margin of error was not positive and finite, or cannot be reached.
    #[error("margin of error must be positive and finite, got {margin}")]
    InvalidMargin {
        /// The rejected margin, as printed.
        margin: String,
    },
    /// A method was asked for where it is not defined.
    #[error("{method} is not available for {what}")]
    UnsupportedMethod {
        /// The method asked for.
        method: Method,
        /// Where it was asked for.
        what: String,
    },
    /// A planned sample size does not fit in 64 bits.
    #[error("sample size overflow: {required} responses")]
    SampleSizeOverflow {
        /// The required size, as printed.
        required: String,
    },
}

/// Checks that a value is finite, naming it in the error.
pub(crate) fn finite(name: &str, value: f64) -> Result<f64, StatsError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(StatsError::InvalidArgument {
            name: name.to_owned(),
            value: show(value),
            expected: "a finite number".into(),
        })
    }
}
