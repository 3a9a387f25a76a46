//! Sample percentiles with a named method: the nine definitions of Hyndman & Fan (1996).
//!
//! Reporting tools disagree on "the 90th percentile": Excel's `PERCENTILE.INC`, R's and NumPy's default is the
//! linear interpolation of Hyndman & Fan type 7, while service-level reports usually mean the nearest rank (type
//! 1): a value that actually occurred, such that at least `p` of the sample is at or below it. Every result here
//! names its [`PercentileMethod`]; the default is [`PercentileMethod::NearestRank`].
//!
//! ```
//! use customer_care::stats::percentile::{PercentileMethod, Sample};
//!
//! let sample = Sample::new([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 100.0])?;
//! assert_eq!(sample.percentile(0.5, PercentileMethod::NearestRank)?, 5.0);
//! assert_eq!(sample.percentile(0.9, PercentileMethod::NearestRank)?, 9.0);
//! assert_eq!(sample.percentile(0.5, PercentileMethod::Linear)?, 5.5);
//! assert!((sample.percentile(0.9, PercentileMethod::Linear)? - 18.1).abs() < 1e-12);
//! # Ok::<(), customer_care::stats::percentile::PercentileError>(())
//! ```

use serde::{Deserialize, Serialize};

/// Why a percentile could not be computed.
#[derive(Clone, Debug, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum PercentileError {
    /// The sample has no values.
    #[error("cannot take a percentile of an empty sample")]
    EmptySample,
    /// The probability is not within `[0, 1]`.
    #[error("probability {p} is not within [0, 1]")]
    InvalidProbability {
        /// The rejected probability.
        p: f64,
    },
    /// A value is NaN or infinite.
    #[error("value {value} at index {index} is not finite")]
    NotFinite {
        /// Position of the value in the input.
        index: usize,
        /// The value.
        value: f64,
    },
}

/// A sample quantile definition, by its Hyndman & Fan (1996) type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PercentileMethod {
    /// Type 1, inverse of the empirical distribution function: the smallest value with at least `p` of the sample
    /// at or below it (nearest rank). Always a value that occurred. The default.
    #[default]
    NearestRank,
    /// Type 2, like type 1 but averaging at discontinuities.
    AveragedNearestRank,
    /// Type 3, the observation closest to `np`, ties to the even rank (SAS definition 2).
    ClosestObservation,
    /// Type 4, linear interpolation of the empirical distribution function.
    InterpolatedCdf,
    /// Type 5, piecewise linear with knots at the midpoints (Hazen).
    Hazen,
    /// Type 6, `p(k) = k / (n + 1)` (Weibull; Minitab, SPSS, Excel `PERCENTILE.EXC`).
    Weibull,
    /// Type 7, `p(k) = (k − 1) / (n − 1)`: linear, the default of R, NumPy and Excel `PERCENTILE.INC`.
    Linear,
    /// Type 8, approximately median-unbiased; recommended by Hyndman & Fan.
    MedianUnbiased,
    /// Type 9, approximately unbiased for normal samples (Blom).
    NormalUnbiased,
}

impl PercentileMethod {
    /// The Hyndman & Fan type number, 1 to 9.
    pub const fn hyndman_fan_type(self) -> u8 {
        match self {
            Self::NearestRank => 1,
            Self::AveragedNearestRank => 2,
            Self::ClosestObservation => 3,
            Self::InterpolatedCdf => 4,
            Self::Hazen => 5,
            Self::Weibull => 6,
            Self::Linear => 7,
            Self::MedianUnbiased => 8,
            Self::NormalUnbiased => 9,
        }
    }
}

/// The `p` quantile of values already sorted ascending (not checked), by `method`.
///
/// # Errors
///
/// [`PercentileError::EmptySample`] or [`PercentileError::InvalidProbability`].
#[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation, clippy::cast_sign_loss)]
pub fn percentile_of_sorted(sorted: &[f64], p: f64, method: PercentileMethod) -> Result<f64, PercentileError> {
    if !(0.0..=1.0).contains(&p) {
        return Err(PercentileError::InvalidProbability { p });
    }
    let n = sorted.len();
    let (Some(&first), Some(&last)) = (sorted.first(), sorted.last()) else {
        return Err(PercentileError::EmptySample);
    };
    // x_k for a 1-based rank, clamped to the sample as in R's `quantile`.
    let x = |k: f64| -> f64 {
        if k < 1.0 {
            first
        } else if k >= n as f64 {
            last
        } else {
            sorted.get((k as usize).saturating_sub(1)).copied().unwrap_or(last)
        }
    };
    let nf = n as f64;
    let m = match method {
        PercentileMethod::NearestRank | PercentileMethod::AveragedNearestRank | PercentileMethod::InterpolatedCdf => {
            0.0
        }
        PercentileMethod::ClosestObservation => -0.5,
        PercentileMethod::Hazen => 0.5,
        PercentileMethod::Weibull => p,
        PercentileMethod::Linear => 1.0 - p,
        PercentileMethod::MedianUnbiased => (p + 1.0) / 3.0,
        PercentileMethod::NormalUnbiased => p / 4.0 + 3.0 / 8.0,
    };
    let npm = nf * p + m;
    // Snap to an integer within rounding error, as R does, so 10 × 0.7 is rank 7, not 7.000000000000001.
    let fuzz = 8.0 * f64::EPSILON * npm.abs().max(1.0);
    let j = (npm + fuzz).floor();
    let mut g = npm - j;
    if g.abs() < fuzz {
        g = 0.0;
    }
    let (lo, hi) = (x(j), x(j + 1.0));
    let value = match method {
        PercentileMethod::NearestRank => {
            if g > 0.0 {
                hi
            } else {
                lo
            }
        }
        PercentileMethod::AveragedNearestRank => {
            if g > 0.0 {
                hi
            } else {
                (lo + hi) / 2.0
            }
        }
        PercentileMethod::ClosestObservation => {
            if g == 0.0 && (j as i64) % 2 == 0 {
                lo
            } else {
                hi
            }
        }
        _ => (1.0 - g) * lo + g * hi,
    };
    Ok(value)
}

/// A sorted sample of finite values, ready for any number of percentiles.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Vec<f64>", into = "Vec<f64>")]
pub struct Sample {
    sorted: Vec<f64>,
}

impl Sample {
    /// Sorts the values.
    ///
    /// # Errors
    ///
    /// [`PercentileError::NotFinite`] for a NaN or infinite value.
    pub fn new(values: impl IntoIterator<Item = f64>) -> Result<Self, PercentileError> {
        let mut sorted: Vec<f64> = values.into_iter().collect();
        if let Some((index, &value)) = sorted.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(PercentileError::NotFinite { index, value });
        }
        sorted.sort_unstable_by(f64::total_cmp);
        Ok(Self { sorted })
    }

    /// A sample of integers (durations in milliseconds); exact below 2⁵³.
    #[allow(clippy::cast_precision_loss)]
    pub fn from_integers(values: impl IntoIterator<Item = i64>) -> Self {
        let mut sorted: Vec<f64> = values.into_iter().map(|v| v as f64).collect();
        sorted.sort_unstable_by(f64::total_cmp);
        Self { sorted }
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.sorted.len()
    }

    /// Whether the sample is empty.
    pub fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }

    /// The values, ascending.
    pub fn values(&self) -> &[f64] {
        &self.sorted
    }

    /// The `p` quantile (`p` in `[0, 1]`; 0.9 for the 90th percentile) by `method`.
    ///
    /// # Errors
    ///
    /// [`PercentileError::EmptySample`] or [`PercentileError::InvalidProbability`].
    pub fn percentile(&self, p: f64, method: PercentileMethod) -> Result<f64, PercentileError> {
        percentile_of_sorted(&self.sorted, p, method)
    }

    /// The median by `method` (with [`PercentileMethod::NearestRank`], the lower middle value of an even sample).
    ///
    /// # Errors
    ///
    /// [`PercentileError::EmptySample`].
    pub fn median(&self, method: PercentileMethod) -> Result<f64, PercentileError> {
        self.percentile(0.5, method)
    }
}

impl TryFrom<Vec<f64>> for Sample {
    type Error = PercentileError;
    fn try_from(values: Vec<f64>) -> Result<Self, PercentileError> {
        Self::new(values)
    }
}

impl From<Sample> for Vec<f64> {
    fn from(s: Sample) -> Self {
        s.sorted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [PercentileMethod; 9] = [
        PercentileMethod::NearestRank,
        PercentileMethod::AveragedNearestRank,
        PercentileMethod::ClosestObservation,
        PercentileMethod::InterpolatedCdf,
        PercentileMethod::Hazen,
        PercentileMethod::Weibull,
        PercentileMethod::Linear,
        PercentileMethod::MedianUnbiased,
        PercentileMethod::NormalUnbiased,
    ];

    fn reference() -> Sample {
        Sample::new([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 100.0]).unwrap()
    }

    #[test]
    fn reference_known_answers() {
        let s = reference();
        assert_eq!(s.percentile(0.5, PercentileMethod::NearestRank).unwrap(), 5.0);
        assert_eq!(s.percentile(0.9, PercentileMethod::NearestRank).unwrap(), 9.0);
        assert_eq!(s.percentile(0.5, PercentileMethod::Linear).unwrap(), 5.5);
        assert!((s.percentile(0.9, PercentileMethod::Linear).unwrap() - 18.1).abs() < 1e-12);
        assert_eq!(s.percentile(0.7, PercentileMethod::NearestRank).unwrap(), 7.0);
    }

    #[test]
    fn matches_r_quantile_for_all_types() {
        // R: quantile(c(1:9, 100), c(0.1, 0.25, 0.9), type = t)
        let expected: [[f64; 3]; 9] = [
            [1.0, 3.0, 9.0],
            [1.5, 3.0, 54.5],
            [1.0, 2.0, 9.0],
            [1.0, 2.5, 9.0],
            [1.5, 3.0, 54.5],
            [1.1, 2.75, 90.9],
            [1.9, 3.25, 18.1],
            [1.366_666_666_666_667, 2.916_666_666_666_667, 66.633_333_333_333_33],
            [1.4, 2.937_5, 63.6],
        ];
        let s = reference();
        for (method, row) in ALL.iter().zip(expected) {
            for (p, want) in [0.1, 0.25, 0.9].into_iter().zip(row) {
                let got = s.percentile(p, *method).unwrap();
                assert!((got - want).abs() < 1e-9, "{method:?} p={p}: {got} != {want}");
            }
            assert_eq!(s.percentile(0.0, *method).unwrap(), 1.0);
            assert_eq!(s.percentile(1.0, *method).unwrap(), 100.0);
        }
    }

    #[test]
    fn bad_input_is_rejected() {
        assert_eq!(Sample::from_integers([]).median(PercentileMethod::Linear), Err(PercentileError::EmptySample));
        assert!(reference().percentile(1.5, PercentileMethod::Linear).is_err());
        assert!(reference().percentile(f64::NAN, PercentileMethod::Linear).is_err());
        assert_eq!(Sample::new([1.0, f64::NAN]).unwrap_err().to_string(), "value NaN at index 1 is not finite");
        assert_eq!(ALL.map(PercentileMethod::hyndman_fan_type), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
}
