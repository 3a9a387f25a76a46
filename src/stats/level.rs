//! The [`ConfidenceLevel`] of an interval and its critical values.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::dist;
use super::error::{StatsError, show};

/// A confidence level strictly between 0 and 1, such as 0.95 (the [`Default`]).
///
/// Serialized as the number, validated when deserialized.
///
/// ```
/// use customer_care::stats::ConfidenceLevel;
///
/// let level = ConfidenceLevel::new(0.90)?;
/// assert!((level.z() - 1.644854).abs() < 1e-6);
/// assert!(ConfidenceLevel::new(1.0).is_err());
/// # Ok::<(), customer_care::stats::StatsError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct ConfidenceLevel(f64);

impl ConfidenceLevel {
    /// 95 %.
    pub const NINETY_FIVE: Self = Self(0.95);

    /// Validates a level.
    ///
    /// # Errors
    ///
    /// [`StatsError::InvalidLevel`] unless `0 < level < 1`.
    pub fn new(level: f64) -> Result<Self, StatsError> {
        if level > 0.0 && level < 1.0 { Ok(Self(level)) } else { Err(StatsError::InvalidLevel { level: show(level) }) }
    }

    /// The level as a fraction.
    pub const fn get(self) -> f64 {
        self.0
    }

    /// The two-sided significance `α = 1 − level`.
    pub fn alpha(self) -> f64 {
        1.0 - self.0
    }

    /// The two-sided normal critical value `z = Φ⁻¹(1 − α/2)` (Wichura's AS 241).
    pub fn z(self) -> f64 {
        dist::normal_quantile(1.0 - self.alpha() / 2.0)
    }

    /// The two-sided Student's t critical value with `df` degrees of freedom (bisection on the t CDF).
    pub(crate) fn t(self, df: f64) -> f64 {
        dist::student_t_quantile(1.0 - self.alpha() / 2.0, df)
    }
}

impl Default for ConfidenceLevel {
    fn default() -> Self {
        Self::NINETY_FIVE
    }
}

impl fmt::Display for ConfidenceLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} %", self.0 * 100.0)
    }
}

impl TryFrom<f64> for ConfidenceLevel {
    type Error = StatsError;
    fn try_from(level: f64) -> Result<Self, StatsError> {
        Self::new(level)
    }
}

impl From<ConfidenceLevel> for f64 {
    fn from(level: ConfidenceLevel) -> Self {
        level.0
    }
}
