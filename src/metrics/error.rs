//! Why a survey score, tally or metric was rejected: [`MetricsError`].

use serde::{Deserialize, Serialize};

use super::scale::Scale;
use crate::stats::StatsError;

/// Why a survey score, tally or metric was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum MetricsError {
    /// A score is not an answer on its scale.
    #[error("score {value} is outside {scale}")]
    ScoreOutOfScale {
        /// The rejected answer.
        value: u8,
        /// The scale.
        scale: Scale,
    },
    /// A CSAT scale declaration is inconsistent.
    #[error(
        "invalid csat scale: {points} points, satisfied from {satisfied_from}, dissatisfied to {dissatisfied_to} \
         (need 2 to 10 points and 1 <= dissatisfied_to < satisfied_from <= points)"
    )]
    InvalidScale {
        /// Number of points.
        points: u8,
        /// Lowest satisfied answer.
        satisfied_from: u8,
        /// Highest dissatisfied answer.
        dissatisfied_to: u8,
    },
    /// A weight was NaN, infinite, negative or too large.
    #[error("invalid weight {weight}: expected a finite number from 0 to 1000000")]
    InvalidWeight {
        /// The rejected weight, as printed.
        weight: String,
    },
    /// Two tallies or a tally and a score on different scales met.
    #[error("scale mismatch: {left} and {right}")]
    ScaleMismatch {
        /// The scale of the receiving tally.
        left: Scale,
        /// The other scale.
        right: Scale,
    },
    /// A counter or weight sum would overflow.
    #[error("tally overflow in the {what}")]
    TallyOverflow {
        /// Which accumulator.
        what: String,
    },
    /// Every response has weight zero, so no share or mean is defined.
    #[error("all {n} responses have weight zero")]
    ZeroTotalWeight {
        /// Number of responses.
        n: u64,
    },
    /// More responses than surveys sent.
    #[error("{responses} responses exceed the {sent} surveys sent")]
    ResponsesExceedSent {
        /// Responses received.
        responses: u64,
        /// Surveys sent.
        sent: u64,
    },
    /// A label was empty, too long, padded or held control characters.
    #[error("label must be 1 to {max} printable characters without surrounding whitespace: {input:?}")]
    InvalidLabel {
        /// The rejected text (at most 80 characters of it).
        input: String,
        /// The longest accepted label.
        max: usize,
    },
    /// A period is not `YYYY-MM-DD`, `YYYY-Www`, `YYYY-MM` or `YYYY-Qn`.
    #[error("invalid period {input:?}: expected 2026-11-23, 2026-W48, 2026-11 or 2026-Q4")]
    InvalidPeriod {
        /// The rejected text (at most 80 characters of it).
        input: String,
    },
    /// A serialized tally is inconsistent.
    #[error("invalid tally: {reason}")]
    InvalidTally {
        /// What is wrong.
        reason: String,
    },
    /// The statistics underneath rejected the computation.
    #[error("{error}")]
    Stats {
        /// The statistical error.
        #[from]
        error: StatsError,
    },
}
