//! Sample-size planning for a target margin of error.

use super::error::{StatsError, show};
use super::level::ConfidenceLevel;

/// The number of responses needed so the normal-approximation interval has half-width `margin`, for a quantity
/// whose per-response variance is `variance`: `n₀ = z²·variance/margin²` (Cochran), then with a finite population
/// `N` the correction `n = n₀ / (1 + (n₀ − 1)/N)`, rounded up (and never above `N`). At least 1.
///
/// # Errors
///
/// [`StatsError::InvalidMargin`] unless the margin is positive and finite; [`StatsError::InvalidArgument`] for a
/// negative or non-finite variance or a zero population; [`StatsError::SampleSizeOverflow`] when the answer does not
/// fit in 64 bits.
///
/// ```
/// use customer_care::stats::{sample_size, ConfidenceLevel};
///
/// // ±5 points at 95 % for a proportion near one half: 385; among 1,000 customers: 278.
/// assert_eq!(sample_size(0.25, 0.05, ConfidenceLevel::default(), None)?, 385);
/// assert_eq!(sample_size(0.25, 0.05, ConfidenceLevel::default(), Some(1000))?, 278);
/// # Ok::<(), customer_care::stats::StatsError>(())
/// ```
pub fn sample_size(
    variance: f64,
    margin: f64,
    level: ConfidenceLevel,
    population: Option<u64>,
) -> Result<u64, StatsError> {
    if !(margin.is_finite() && margin > 0.0) {
        return Err(StatsError::InvalidMargin { margin: show(margin) });
    }
    if !(variance.is_finite() && variance >= 0.0) {
        return Err(StatsError::InvalidArgument {
            name: "variance".into(),
            value: show(variance),
            expected: "finite and not negative".into(),
        });
    }
    let z = level.z();
    let mut n = z * z * variance / (margin * margin);
    if let Some(population) = population {
        if population == 0 {
            return Err(StatsError::InvalidArgument {
                name: "population".into(),
                value: "0".into(),
                expected: "at least 1".into(),
            });
        }
        let big_n = population as f64;
        n = (n / (1.0 + (n - 1.0) / big_n)).min(big_n);
    }
    // Guard against 384.00000000000006 becoming 385 through rounding noise.
    let needed = (n * (1.0 - 1e-12)).ceil().max(1.0);
    if !needed.is_finite() || needed >= u64::MAX as f64 {
        return Err(StatsError::SampleSizeOverflow { required: show(needed) });
    }
    Ok(needed as u64)
}

/// Responses needed to estimate a proportion to ±`margin` (a fraction), with `expected_share` the anticipated
/// share (0.5, the worst case, when unknown): [`sample_size`] with variance `p(1 − p)`.
///
/// # Errors
///
/// As [`sample_size`], and [`StatsError::InvalidArgument`] for an expected share outside [0, 1].
///
/// ```
/// use customer_care::stats::{sample_size_for_proportion, ConfidenceLevel};
///
/// assert_eq!(sample_size_for_proportion(0.03, ConfidenceLevel::default(), None, None)?, 1068);
/// # Ok::<(), customer_care::stats::StatsError>(())
/// ```
pub fn sample_size_for_proportion(
    margin: f64,
    level: ConfidenceLevel,
    expected_share: Option<f64>,
    population: Option<u64>,
) -> Result<u64, StatsError> {
    let p = expected_share.unwrap_or(0.5);
    if !(0.0..=1.0).contains(&p) {
        return Err(StatsError::InvalidArgument {
            name: "expected share".into(),
            value: show(p),
            expected: "within [0, 1]".into(),
        });
    }
    sample_size(p * (1.0 - p), margin, level, population)
}

/// Responses needed to estimate a net share (NPS as a fraction) to ±`margin` (a fraction: 0.05 is 5 NPS points),
/// given the anticipated top and bottom shares; `None` assumes the worst case (half top, half bottom, variance 1).
/// [`sample_size`] with variance `t + b − (t − b)²`.
///
/// # Errors
///
/// As [`sample_size`], and [`StatsError::InvalidArgument`] for shares outside [0, 1] or adding up to more than 1.
///
/// ```
/// use customer_care::stats::{sample_size_for_net, ConfidenceLevel};
///
/// // ±5 NPS points at 95 % with 50 % promoters and 20 % detractors (variance 0.61).
/// assert_eq!(sample_size_for_net(0.05, ConfidenceLevel::default(), Some((0.5, 0.2)), None)?, 938);
/// # Ok::<(), customer_care::stats::StatsError>(())
/// ```
pub fn sample_size_for_net(
    margin: f64,
    level: ConfidenceLevel,
    expected: Option<(f64, f64)>,
    population: Option<u64>,
) -> Result<u64, StatsError> {
    let (top, bottom) = expected.unwrap_or((0.5, 0.5));
    if !((0.0..=1.0).contains(&top) && (0.0..=1.0).contains(&bottom) && top + bottom <= 1.0 + 1e-12) {
        return Err(StatsError::InvalidArgument {
            name: "expected shares".into(),
            value: format!("top {}, bottom {}", show(top), show(bottom)),
            expected: "shares within [0, 1] adding up to at most 1".into(),
        });
    }
    let net = top - bottom;
    sample_size((top + bottom - net * net).max(0.0), margin, level, population)
}

/// Responses needed to estimate a mean to ±`margin` given the anticipated standard deviation: [`sample_size`]
/// with variance `sd²` (normal approximation; the t interval needs slightly more for small samples).
///
/// # Errors
///
/// As [`sample_size`].
///
/// ```
/// use customer_care::stats::{sample_size_for_mean, ConfidenceLevel};
///
/// assert_eq!(sample_size_for_mean(0.1, ConfidenceLevel::default(), 1.0, None)?, 385);
/// # Ok::<(), customer_care::stats::StatsError>(())
/// ```
pub fn sample_size_for_mean(
    margin: f64,
    level: ConfidenceLevel,
    standard_deviation: f64,
    population: Option<u64>,
) -> Result<u64, StatsError> {
    sample_size(standard_deviation * standard_deviation, margin, level, population)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_margins() {
        let level = ConfidenceLevel::default();
        assert!(matches!(sample_size(0.25, 0.0, level, None), Err(StatsError::InvalidMargin { .. })));
        assert!(sample_size(0.25, f64::NAN, level, None).is_err());
        assert!(sample_size(-1.0, 0.1, level, None).is_err());
        assert!(sample_size(0.25, 0.1, level, Some(0)).is_err());
        assert!(matches!(sample_size(1e300, 1e-300, level, None), Err(StatsError::SampleSizeOverflow { .. })));
        assert_eq!(sample_size(0.0, 0.1, level, None), Ok(1));
        assert_eq!(sample_size(0.25, 0.001, level, Some(50)), Ok(50));
    }

    #[test]
    fn cochran_known_sizes() {
        // Cochran (1977): n₀ = z²p(1−p)/e²; 95 %, ±5 %: 384.15 → 385; with N = 1000: 384.15/(1 + 383.15/1000) → 278.
        let level = ConfidenceLevel::default();
        assert_eq!(sample_size_for_proportion(0.05, level, None, None), Ok(385));
        assert_eq!(sample_size_for_proportion(0.05, level, None, Some(1000)), Ok(278));
        assert_eq!(sample_size_for_proportion(0.03, level, None, None), Ok(1068));
        // p = 0.2: 1.96²·0.16/0.05² = 245.86 → 246; at 90 %: 1.6449²·0.16/0.0025 = 173.2 → 174.
        assert_eq!(sample_size_for_proportion(0.05, level, Some(0.2), None), Ok(246));
        assert_eq!(sample_size_for_proportion(0.05, ConfidenceLevel::new(0.9).unwrap(), Some(0.2), None), Ok(174));
        assert!(sample_size_for_proportion(0.05, level, Some(1.2), None).is_err());
        assert!(sample_size_for_proportion(0.05, level, Some(-0.1), None).is_err());
        // Net share: variance t + b − (t − b)², 0.61 for (0.5, 0.2): 1.96²·0.61/0.0025 = 937.3 → 938; worst case 1.
        assert_eq!(sample_size_for_net(0.05, level, Some((0.5, 0.2)), None), Ok(938));
        assert_eq!(sample_size_for_net(0.05, level, None, None), Ok(1537));
        assert_eq!(sample_size_for_net(0.05, level, Some((0.0, 0.0)), None), Ok(1));
        assert!(sample_size_for_net(0.05, level, Some((0.7, 0.4)), None).is_err());
        assert!(sample_size_for_net(0.05, level, Some((1.1, 0.0)), None).is_err());
        assert!(sample_size_for_net(0.05, level, Some((0.0, -0.1)), None).is_err());
        // Mean: σ = 1, ±0.1 → 384.15 → 385; σ = 2 → 1536.6 → 1537; a population of 100 → 80.
        assert_eq!(sample_size_for_mean(0.1, level, 1.0, None), Ok(385));
        assert_eq!(sample_size_for_mean(0.1, level, 2.0, None), Ok(1537));
        assert_eq!(sample_size_for_mean(0.1, level, 1.0, Some(100)), Ok(80));
        // The finite-population correction never asks for more than the population, and a sure answer needs one.
        assert_eq!(sample_size(1e6, 0.01, level, Some(7)), Ok(7));
        assert_eq!(sample_size(1e-9, 0.1, level, Some(7)), Ok(1));
    }

    #[test]
    fn whole_requirements_are_not_rounded_up() {
        // z²·(k/z²)/1² is k up to a few ulps: k responses, not k + 1; a thousandth more needs one more.
        let level = ConfidenceLevel::default();
        let z2 = level.z() * level.z();
        for k in [2_u32, 385, 400, 12_345, 1_000_000] {
            let k = f64::from(k);
            assert_eq!(sample_size(k / z2, 1.0, level, None), Ok(k as u64), "{k}");
            assert_eq!(sample_size((k + 0.001) / z2, 1.0, level, None), Ok(k as u64 + 1), "{k}");
        }
        // Worst-case net shares (half and half) are allowed, and so are shares adding up to 1 within rounding.
        assert_eq!(sample_size_for_net(0.05, level, Some((0.5, 0.5)), None), Ok(1537));
        assert_eq!(sample_size_for_net(0.05, level, Some((0.7, 0.3 + 1e-13)), None), Ok(1291));
        assert_eq!(sample_size_for_proportion(0.05, level, Some(0.0), None), Ok(1));
        assert_eq!(
            sample_size(f64::INFINITY, 0.1, level, None),
            Err(StatsError::InvalidArgument {
                name: "variance".into(),
                value: "inf".into(),
                expected: "finite and not negative".into(),
            })
        );
        assert_eq!(sample_size(0.25, -0.1, level, None), Err(StatsError::InvalidMargin { margin: "-0.1".into() }));
        assert_eq!(
            sample_size(0.25, f64::INFINITY, level, None),
            Err(StatsError::InvalidMargin { margin: "inf".into() })
        );
    }

    #[test]
    fn finite_requirements_beyond_64_bits_are_overflow_errors_not_saturated() {
        // z² = 3.8414588…: a variance of 1e20 at a margin of 1 needs 3.84e20 responses, finite but above
        // u64::MAX ≈ 1.84e19; a variance of 1e18 needs 3.84e18, which fits.
        let level = ConfidenceLevel::default();
        let z2 = level.z() * level.z();
        let Err(StatsError::SampleSizeOverflow { required }) = sample_size(1e20, 1.0, level, None) else {
            panic!("{:?}", sample_size(1e20, 1.0, level, None));
        };
        let required: f64 = required.parse().unwrap();
        assert!((required / (1e20 * z2) - 1.0).abs() < 1e-9, "{required}");
        #[allow(clippy::cast_precision_loss)]
        let fits = sample_size(1e18, 1.0, level, None).unwrap() as f64;
        assert!((fits / (1e18 * z2) - 1.0).abs() < 1e-9, "{fits}");
    }

    #[test]
    fn finite_population_correction_known_answers() {
        // n = n₀ / (1 + (n₀ − 1)/N): n₀ = 400 among N = 400 is 400/1.9975 = 200.25, so 201; n₀ = 2 among N = 2 is
        // 2/1.5 = 1.33, so 2.
        let level = ConfidenceLevel::default();
        let z2 = level.z() * level.z();
        assert_eq!(sample_size(400.0 / z2, 1.0, level, Some(400)), Ok(201));
        assert_eq!(sample_size(2.0 / z2, 1.0, level, Some(2)), Ok(2));
    }
}
