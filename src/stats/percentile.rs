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
#[derive(Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
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
/// The sample quantile of Hyndman & Fan (1996) in the form of R's `quantile`: with the plotting position
/// `np + m = a + p(n + 1 − a − b)` of the method (`j` its integer part, `h` its fraction, snapped to 0 within
/// 8 ulps), the result lies between the order statistics `x_j` and `x_{j+1}` (clamped to the sample's ends).
/// The discontinuous types pick one of them (type 2 averages at a discontinuity); the continuous types interpolate
/// as `x_j + h(x_{j+1} − x_j)`, which is exactly `x_j` when both neighbours are equal (R short-circuits that case
/// too) and is clamped between them. So every result lies within `[min, max]` of the sample, equals the shared
/// value of equal neighbours exactly, and is non-decreasing in `p`.
///
/// # Errors
///
/// [`PercentileError::EmptySample`], [`PercentileError::InvalidProbability`], or [`PercentileError::NotFinite`]
/// when a value the result depends on is NaN or infinite.
#[allow(clippy::cast_precision_loss)]
pub fn percentile_of_sorted(sorted: &[f64], p: f64, method: PercentileMethod) -> Result<f64, PercentileError> {
    if !(0.0..=1.0).contains(&p) {
        return Err(PercentileError::InvalidProbability { p });
    }
    if sorted.is_empty() {
        return Err(PercentileError::EmptySample);
    }
    let n = sorted.len() as f64;
    let (j, g) = plotting_position(n, p, method);
    // `h`: how far from x_j towards x_{j+1}.
    let h = match method {
        PercentileMethod::NearestRank => step(g > 0.0),
        PercentileMethod::AveragedNearestRank => {
            if g > 0.0 {
                1.0
            } else {
                0.5
            }
        }
        PercentileMethod::ClosestObservation => step(g > 0.0 || j.rem_euclid(2.0) == 1.0),
        _ => g,
    };
    let lo = order_statistic(sorted, j)?;
    if h <= 0.0 {
        return Ok(lo);
    }
    let hi = order_statistic(sorted, j + 1.0)?;
    Ok(interpolate(lo, hi, h))
}

fn step(up: bool) -> f64 {
    if up { 1.0 } else { 0.0 }
}

/// The plotting position `np + m` of `method` split into its integer part `j` and fraction `g ∈ [0, 1)`, computed
/// as `a + p·(n + 1 − a − b)` (R's form: non-decreasing in `p`, since the slope `n + 1 − a − b` is at least
/// `n − 1 ≥ 0`).
fn plotting_position(n: f64, p: f64, method: PercentileMethod) -> (f64, f64) {
    let npm = match method {
        PercentileMethod::NearestRank | PercentileMethod::AveragedNearestRank | PercentileMethod::InterpolatedCdf => {
            n * p
        }
        PercentileMethod::ClosestObservation => n * p - 0.5,
        PercentileMethod::Hazen => 0.5 + p * n,
        PercentileMethod::Weibull => p * (n + 1.0),
        PercentileMethod::Linear => 1.0 + p * (n - 1.0),
        PercentileMethod::MedianUnbiased => 1.0 / 3.0 + p * (n + 1.0 / 3.0),
        PercentileMethod::NormalUnbiased => 3.0 / 8.0 + p * (n + 0.25),
    };
    // Snap to an integer within rounding error, as R does, so 10 × 0.7 is rank 7, not 7.000000000000001.
    let fuzz = 8.0 * f64::EPSILON * npm.abs().max(1.0);
    let j = (npm + fuzz).floor();
    let g = npm - j;
    (j, if g.abs() < fuzz { 0.0 } else { g.clamp(0.0, 1.0) })
}

/// `x_k` for a 1-based rank, clamped to the sample's ends as in R's `quantile`.
#[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn order_statistic(sorted: &[f64], k: f64) -> Result<f64, PercentileError> {
    let last = sorted.len().saturating_sub(1);
    let index = if k < 1.0 { 0 } else { ((k as usize).saturating_sub(1)).min(last) };
    match sorted.get(index) {
        Some(&value) if value.is_finite() => Ok(value),
        Some(&value) => Err(PercentileError::NotFinite { index, value }),
        None => Err(PercentileError::EmptySample),
    }
}

/// `lo + h(hi − lo)` for `lo ≤ hi` and `h ∈ (0, 1]`: exactly `lo` when the neighbours are equal, within
/// `[lo, hi]`, and non-decreasing in `h`. When `hi − lo` overflows (ends of opposite sign near `f64::MAX`), the
/// weighted sum `(1 − h)lo + h·hi` is used instead: its terms then have opposite signs and cannot overflow.
fn interpolate(lo: f64, hi: f64, h: f64) -> f64 {
    if lo == hi {
        return lo;
    }
    if h >= 1.0 {
        return hi;
    }
    let spread = hi - lo;
    let value = if spread.is_finite() { lo + spread * h } else { (1.0 - h) * lo + h * hi };
    value.clamp(lo.min(hi), hi.max(lo))
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
    use proptest::prelude::*;

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
    fn a_constant_sample_gives_its_value_exactly() {
        // Regression: (1 − g)·42 + g·42 gave 42.00000000000001 for [42.0].
        for value in [42.0, 0.1, -3.7, 1e-300, f64::MAX, -f64::MAX, 5e-324] {
            for n in [1, 2, 3, 7] {
                let s = Sample::new(vec![value; n]).unwrap();
                for method in ALL {
                    for k in 0..=100 {
                        let p = f64::from(k) / 100.0;
                        assert_eq!(s.percentile(p, method).unwrap(), value, "{method:?} n={n} p={p}");
                    }
                }
            }
        }
    }

    #[test]
    fn extreme_values_neither_overflow_nor_leave_the_sample() {
        // Regression: type 2 averaged (lo + hi) / 2, infinite for two values near f64::MAX; hi − lo overflows for
        // ends of opposite sign.
        let big = Sample::new([f64::MAX, f64::MAX / 2.0]).unwrap();
        assert_eq!(big.percentile(0.5, PercentileMethod::AveragedNearestRank).unwrap(), f64::MAX * 0.75);
        let wide = Sample::new([-f64::MAX, f64::MAX]).unwrap();
        assert_eq!(wide.percentile(0.5, PercentileMethod::Linear).unwrap(), 0.0);
        let three_quarters = wide.percentile(0.75, PercentileMethod::Linear).unwrap();
        assert!((three_quarters / (f64::MAX / 2.0) - 1.0).abs() < 1e-15, "{three_quarters}");
        assert_eq!(wide.percentile(0.5, PercentileMethod::AveragedNearestRank).unwrap(), 0.0);
        for method in ALL {
            for k in 0..=20 {
                let q = wide.percentile(f64::from(k) / 20.0, method).unwrap();
                assert!(q.is_finite(), "{method:?}");
            }
        }
    }

    #[test]
    fn step_methods_pick_the_documented_neighbour() {
        // R: quantile(c(10, 20, 30, 40), c(0.25, 0.5, 0.625, 0.375), type = t) for t = 1, 2, 3.
        let s = Sample::new([10.0, 20.0, 30.0, 40.0]).unwrap();
        let at = |p, m| s.percentile(p, m).unwrap();
        // np = 1 and 2 exactly: type 1 takes x_np, type 2 averages x_np and x_np+1.
        assert_eq!((at(0.25, PercentileMethod::NearestRank), at(0.5, PercentileMethod::NearestRank)), (10.0, 20.0));
        assert_eq!(at(0.25, PercentileMethod::AveragedNearestRank), 15.0);
        assert_eq!(at(0.5, PercentileMethod::AveragedNearestRank), 25.0);
        assert_eq!(at(0.3, PercentileMethod::AveragedNearestRank), 20.0);
        // Type 3: np − ½ = 1.5 rounds up to x_2; np − ½ = 2 (even) stays at x_2; np − ½ = 1 (odd) goes to x_2.
        assert_eq!(at(0.5, PercentileMethod::ClosestObservation), 20.0);
        assert_eq!(at(0.625, PercentileMethod::ClosestObservation), 20.0);
        assert_eq!(at(0.375, PercentileMethod::ClosestObservation), 20.0);
        assert_eq!(at(0.9, PercentileMethod::ClosestObservation), 40.0);
        // Type 1 at a whole rank does not interpolate up: 0.1 + (0.3 − 0.1) is not 0.3 in binary.
        let tenths = Sample::new([0.1, 0.3]).unwrap();
        assert_eq!(tenths.percentile(0.75, PercentileMethod::NearestRank).unwrap(), 0.3);
        assert_eq!(tenths.percentile(0.75, PercentileMethod::ClosestObservation).unwrap(), 0.3);
    }

    #[test]
    fn non_finite_values_are_typed_errors() {
        let with_inf = [1.0, 2.0, f64::INFINITY];
        assert_eq!(
            percentile_of_sorted(&with_inf, 1.0, PercentileMethod::Linear),
            Err(PercentileError::NotFinite { index: 2, value: f64::INFINITY })
        );
        assert_eq!(percentile_of_sorted(&with_inf, 0.25, PercentileMethod::Linear), Ok(1.5));
        let nan = percentile_of_sorted(&[f64::NAN], 0.5, PercentileMethod::Hazen).unwrap_err();
        assert_eq!(nan.to_string(), "value NaN at index 0 is not finite");
        assert_eq!(
            Sample::new([1.0, f64::NEG_INFINITY]),
            Err(PercentileError::NotFinite { index: 1, value: f64::NEG_INFINITY })
        );
        assert!(serde_json::from_str::<Sample>("[1.0, 1e999]").is_err());
        assert_eq!(serde_json::from_str::<Sample>("[3.0, 1.0]").unwrap().values(), [1.0, 3.0]);
        assert_eq!(percentile_of_sorted(&[], 0.5, PercentileMethod::Linear), Err(PercentileError::EmptySample));
        assert_eq!(
            percentile_of_sorted(&[1.0], -0.0001, PercentileMethod::Linear),
            Err(PercentileError::InvalidProbability { p: -0.0001 })
        );
    }

    fn method() -> impl Strategy<Value = PercentileMethod> {
        proptest::sample::select(ALL.to_vec())
    }

    /// Values from a small alphabet (so runs of equal values abound) or anywhere in f64's finite range.
    fn sample() -> impl Strategy<Value = Vec<f64>> {
        let value = prop_oneof![
            proptest::sample::select(vec![-2.5, 0.0, 0.1, 0.3, 1.0, 42.0, 1e300]),
            -1e308..1e308_f64,
            proptest::num::f64::NORMAL | proptest::num::f64::SUBNORMAL | proptest::num::f64::ZERO,
        ];
        proptest::collection::vec(value, 1..40)
    }

    /// 1-based position `np + m` of R's `quantile` (Hyndman & Fan's table of `m`), before any snapping.
    fn position(n: f64, p: f64, method: PercentileMethod) -> f64 {
        let (a, b) = match method {
            PercentileMethod::NearestRank | PercentileMethod::AveragedNearestRank => return n * p,
            PercentileMethod::ClosestObservation => return n * p - 0.5,
            PercentileMethod::InterpolatedCdf => (0.0, 1.0),
            PercentileMethod::Hazen => (0.5, 0.5),
            PercentileMethod::Weibull => (0.0, 0.0),
            PercentileMethod::Linear => (1.0, 1.0),
            PercentileMethod::MedianUnbiased => (1.0 / 3.0, 1.0 / 3.0),
            PercentileMethod::NormalUnbiased => (3.0 / 8.0, 3.0 / 8.0),
        };
        n * p + a + p * (1.0 - a - b)
    }

    proptest! {
        #[test]
        fn within_the_sample_monotone_and_exact_between_equal_neighbours(
            values in sample(),
            method in method(),
            p in 0.0..=1.0_f64,
            q in 0.0..=1.0_f64,
        ) {
            let s = Sample::new(values).unwrap();
            let sorted = s.values();
            let (min, max) = (sorted[0], sorted[sorted.len() - 1]);
            let (p, q) = (p.min(q), p.max(q));
            let at_p = s.percentile(p, method).unwrap();
            let at_q = s.percentile(q, method).unwrap();
            prop_assert!(min <= at_p && at_p <= max, "{at_p} outside [{min}, {max}]");
            prop_assert!(at_p <= at_q, "not monotone: {at_p} at {p} > {at_q} at {q}");
            // Whatever the snapping of the position, the result depends on ranks j − 1 ..= j + 2 only; when they
            // hold one value, that is the result.
            let j = position(sorted.len() as f64, p, method).floor();
            let rank = |k: f64| sorted[((k.max(1.0) as usize) - 1).min(sorted.len() - 1)];
            let around = [j - 1.0, j, j + 1.0, j + 2.0].map(rank);
            if around.iter().all(|v| *v == around[0]) {
                prop_assert_eq!(at_p, around[0]);
            }
            prop_assert_eq!(s.percentile(0.0, method).unwrap(), min);
            prop_assert_eq!(s.percentile(1.0, method).unwrap(), max);
        }
    }

    #[test]
    fn interpolation_follows_the_documented_arithmetic() {
        // x_j + h(x_{j+1} − x_j): 0.1 + 0.4·0.6 is the double nearest 0.52; (1 − h)x_j + h·x_{j+1} would give
        // 0.5199999999999999 (numpy's lerp gives 0.52 too).
        let s = Sample::new([0.1, 0.7]).unwrap();
        assert_eq!(s.percentile(0.7, PercentileMethod::Linear).unwrap(), 0.52);
        assert_eq!(
            Sample::new([0.3, 1.7]).unwrap().percentile(0.7, PercentileMethod::Linear).unwrap(),
            1.279_999_999_999_999_8
        );
        // A step to the upper neighbour returns it exactly, even where x_j + (x_{j+1} − x_j) would round away
        // from it: −1e16 + (0.5 + 1e16) is 0 in binary.
        let far = Sample::new([-1e16, 0.5]).unwrap();
        for method in
            [PercentileMethod::NearestRank, PercentileMethod::AveragedNearestRank, PercentileMethod::ClosestObservation]
        {
            assert_eq!(far.percentile(0.75, method).unwrap(), 0.5, "{method:?}");
        }
        // At a whole position only x_j is read, so a non-finite value beyond it does not matter.
        let with_inf = [1.0, 2.0, f64::INFINITY];
        assert_eq!(percentile_of_sorted(&with_inf, 0.5, PercentileMethod::Linear), Ok(2.0));
        assert_eq!(percentile_of_sorted(&with_inf, 0.5, PercentileMethod::Weibull), Ok(2.0));
        assert_eq!(
            percentile_of_sorted(&with_inf, 0.6, PercentileMethod::Linear),
            Err(PercentileError::NotFinite { index: 2, value: f64::INFINITY })
        );
    }

    #[test]
    fn sample_accessors_and_integers() {
        let s = Sample::from_integers([30, -5, 10, 20]);
        assert_eq!((s.len(), s.is_empty(), s.values()), (4, false, &[-5.0, 10.0, 20.0, 30.0][..]));
        assert_eq!(s.median(PercentileMethod::NearestRank), Ok(10.0));
        assert_eq!(s.median(PercentileMethod::Linear), Ok(15.0));
        let empty = Sample::new([]).unwrap();
        assert_eq!((empty.len(), empty.is_empty()), (0, true));
        assert_eq!(Vec::from(s.clone()), vec![-5.0, 10.0, 20.0, 30.0]);
        assert_eq!(Sample::try_from(vec![2.0, 1.0]).unwrap().values(), [1.0, 2.0]);
        assert_eq!(serde_json::to_string(&s).unwrap(), "[-5.0,10.0,20.0,30.0]");
        assert_eq!(PercentileError::InvalidProbability { p: 1.5 }.to_string(), "probability 1.5 is not within [0, 1]");
        assert_eq!(PercentileError::EmptySample.to_string(), "cannot take a percentile of an empty sample");
        assert_eq!(PercentileMethod::default(), PercentileMethod::NearestRank);
    }

    #[test]
    fn bad_input_is_rejected() {
        assert_eq!(Sample::from_integers([]).median(PercentileMethod::Linear), Err(PercentileError::EmptySample));
        assert!(reference().percentile(1.5, PercentileMethod::Linear).is_err());
        assert!(reference().percentile(f64::NAN, PercentileMethod::Linear).is_err());
        assert_eq!(Sample::new([1.0, f64::NAN]).unwrap_err().to_string(), "value NaN at index 1 is not finite");
        assert_eq!(ALL.map(PercentileMethod::hyndman_fan_type), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }

    #[test]
    fn ranks_a_rounding_error_above_a_whole_number_snap_down_to_it() {
        // 25 × 0.28 is 7.000000000000001 and 50 × 0.56 is 28.000000000000004 in f64; both are whole ranks
        // (R's quantile(1:25, 0.28, type = 1) is 7, type 2 averages x₇ and x₈). The snap tolerance grows with the
        // rank (8ε·np), so one ulp above 7 or 28 is within it.
        let ranks = |n: i64| Sample::from_integers(1..=n);
        for (n, p, rank) in [(25, 0.28, 7.0), (50, 0.56, 28.0)] {
            let s = ranks(n);
            assert_eq!(s.percentile(p, PercentileMethod::NearestRank), Ok(rank), "{n} × {p}");
            assert_eq!(s.percentile(p, PercentileMethod::AveragedNearestRank), Ok(rank + 0.5), "{n} × {p}");
            assert_eq!(s.percentile(p, PercentileMethod::InterpolatedCdf), Ok(rank), "{n} × {p}");
        }
    }
}
