//! Statistical building blocks shared by the survey metrics and the service KPIs.
//!
//! Everything works on sufficient statistics (counts, shares, effective sample sizes, means and variances), never
//! on raw observations, so the callers keep their own mergeable tallies. Statistics are `f64`; every function
//! names its method in its docs, and every estimate carries its [`Method`] and its [`Warning`]s as data.
//!
//! - Distributions: [`normal_cdf`], [`normal_quantile`], [`student_t_cdf`], [`student_t_quantile`],
//!   [`beta_cdf`] (the regularized incomplete beta function) and [`beta_quantile`].
//! - One sample: [`proportion`] (Wilson by default, Clopper–Pearson, Agresti–Coull, Wald), [`net_share`] (a "top
//!   minus bottom" share such as NPS: adjusted Wald by default, Wald, Wald with `n − 1`, the iterative score
//!   interval), [`mean`] (Student's t); [`net_share_test`] tests a net share against a target.
//! - Two samples: [`net_difference`] (z test) and [`net_difference_by`] (also adjusted Wald),
//!   [`proportion_difference`] (Newcombe's hybrid score interval with a pooled z test) and
//!   [`proportion_difference_by`] (also Wald), [`mean_difference`] (Welch's t).
//! - Many comparisons: [`adjust_p_values`] (Holm, Benjamini–Hochberg).
//! - Planning: [`sample_size`] and its helpers, with the finite-population correction.
//!
//! Shares are fractions in [0, 1] and net shares fractions in [−1, 1] here; the survey layer presents NPS in points
//! (−100 to 100). Sample quantiles (percentiles with a named Hyndman–Fan type) live in their own module.
//!
//! ```
//! use customer_care::stats::{proportion, ConfidenceLevel, ProportionMethod, ProportionSample};
//!
//! let sample = ProportionSample::from_counts(45, 50)?;
//! let estimate = proportion(&sample, ConfidenceLevel::default(), ProportionMethod::Wilson)?;
//! assert!((estimate.interval().lower() - 0.786398).abs() < 1e-6);
//! assert!((estimate.interval().upper() - 0.956524).abs() < 1e-6);
//! # Ok::<(), customer_care::stats::StatsError>(())
//! ```

mod adjust;
mod compare;
mod dist;
mod error;
mod estimate;
mod level;
mod mean;
mod method;
mod net;
mod net_test;
pub mod percentile;
mod plan;
mod proportion;
#[cfg(test)]
mod testing;
mod with_interval;

pub use adjust::{Adjustment, adjust_p_values};
pub use compare::{
    Comparison, DifferenceMethod, TestMethod, mean_difference, net_difference, proportion_difference,
    proportion_difference_by,
};
pub use error::StatsError;
pub(crate) use error::show;
pub use estimate::{Bound, Estimate, Interval, THIN_SAMPLE, Warning};
pub use level::ConfidenceLevel;
pub use mean::{MeanSample, mean};
pub use method::{Method, VarianceMethod};
pub use net::{NetMethod, NetSample, net_share};
pub use net_test::{net_difference_by, net_share_test};
pub use plan::{sample_size, sample_size_for_mean, sample_size_for_net, sample_size_for_proportion};
pub use proportion::{ProportionMethod, ProportionSample, proportion};
pub use with_interval::ValueWithInterval;

fn probability(p: f64, open: bool) -> Result<f64, StatsError> {
    let ok = if open { p > 0.0 && p < 1.0 } else { (0.0..=1.0).contains(&p) };
    if ok {
        Ok(p)
    } else {
        Err(StatsError::InvalidProbability { value: show(p), range: if open { "(0, 1)" } else { "[0, 1]" }.into() })
    }
}

fn positive(name: &str, value: f64) -> Result<f64, StatsError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(StatsError::InvalidArgument {
            name: name.to_owned(),
            value: show(value),
            expected: "a positive finite number".into(),
        })
    }
}

/// The standard normal CDF `Φ(x)`, computed as `erfc(−x/√2)/2` with `erfc` from the regularized incomplete
/// gamma function (relative error about 1e-14). `±∞` give 1 and 0.
///
/// # Errors
///
/// [`StatsError::InvalidArgument`] for NaN.
///
/// ```
/// let p = customer_care::stats::normal_cdf(1.959963984540054)?;
/// assert!((p - 0.975).abs() < 1e-12);
/// # Ok::<(), customer_care::stats::StatsError>(())
/// ```
pub fn normal_cdf(x: f64) -> Result<f64, StatsError> {
    if x.is_nan() {
        return Err(StatsError::InvalidArgument { name: "x".into(), value: show(x), expected: "a number".into() });
    }
    Ok(dist::normal_cdf(x))
}

/// The standard normal quantile `Φ⁻¹(p)` by Wichura's algorithm AS 241 (relative error about 1e-16).
///
/// # Errors
///
/// [`StatsError::InvalidProbability`] unless `0 < p < 1`.
///
/// ```
/// let z = customer_care::stats::normal_quantile(0.975)?;
/// assert!((z - 1.959963984540054).abs() < 1e-13);
/// # Ok::<(), customer_care::stats::StatsError>(())
/// ```
pub fn normal_quantile(p: f64) -> Result<f64, StatsError> {
    Ok(dist::normal_quantile(probability(p, true)?))
}

/// The CDF of Student's t with `df` degrees of freedom: `1 − I_{ν/(ν+t²)}(ν/2, ½)/2` for `t ≥ 0`, mirrored for
/// `t < 0`, with the incomplete beta function by continued fraction. `df` need not be an integer (Welch).
///
/// # Errors
///
/// [`StatsError::InvalidArgument`] for NaN `t` or a `df` that is not positive and finite.
///
/// ```
/// let p = customer_care::stats::student_t_cdf(2.0, 5.0)?;
/// assert!((p - 0.9490302605850709).abs() < 1e-12); // R: pt(2, 5)
/// # Ok::<(), customer_care::stats::StatsError>(())
/// ```
pub fn student_t_cdf(t: f64, df: f64) -> Result<f64, StatsError> {
    if t.is_nan() {
        return Err(StatsError::InvalidArgument { name: "t".into(), value: show(t), expected: "a number".into() });
    }
    Ok(dist::student_t_cdf(t, positive("degrees of freedom", df)?))
}

/// The quantile of Student's t with `df` degrees of freedom, by bisection on the CDF to the last bit.
///
/// # Errors
///
/// [`StatsError::InvalidProbability`] unless `0 < p < 1`; [`StatsError::InvalidArgument`] for a `df` that is
/// not positive and finite.
///
/// ```
/// let t = customer_care::stats::student_t_quantile(0.975, 10.0)?;
/// assert!((t - 2.228138851986274).abs() < 1e-12); // R: qt(0.975, 10)
/// # Ok::<(), customer_care::stats::StatsError>(())
/// ```
pub fn student_t_quantile(p: f64, df: f64) -> Result<f64, StatsError> {
    let p = probability(p, true)?;
    Ok(dist::student_t_quantile(p, positive("degrees of freedom", df)?))
}

/// The beta CDF, that is the regularized incomplete beta function `I_x(a, b)`, by its continued fraction
/// (modified Lentz method, Numerical Recipes §6.4).
///
/// # Errors
///
/// [`StatsError::InvalidProbability`] unless `0 ≤ x ≤ 1`; [`StatsError::InvalidArgument`] unless `a` and `b`
/// are positive and finite.
///
/// ```
/// let p = customer_care::stats::beta_cdf(0.3, 2.0, 5.0)?;
/// assert!((p - 0.579825).abs() < 1e-12);
/// # Ok::<(), customer_care::stats::StatsError>(())
/// ```
pub fn beta_cdf(x: f64, a: f64, b: f64) -> Result<f64, StatsError> {
    let x = probability(x, false)?;
    Ok(dist::beta_inc(positive("a", a)?, positive("b", b)?, x))
}

/// The beta quantile: the `x` with `I_x(a, b) = p`, by Newton steps with the beta density, safeguarded by
/// bisection (the CDF is monotone), to within a unit or two in the last place.
///
/// # Errors
///
/// [`StatsError::InvalidProbability`] unless `0 ≤ p ≤ 1`; [`StatsError::InvalidArgument`] unless `a` and `b`
/// are positive and finite.
///
/// ```
/// let x = customer_care::stats::beta_quantile(0.5, 2.0, 2.0)?;
/// assert!((x - 0.5).abs() < 1e-12);
/// # Ok::<(), customer_care::stats::StatsError>(())
/// ```
pub fn beta_quantile(p: f64, a: f64, b: f64) -> Result<f64, StatsError> {
    let p = probability(p, false)?;
    Ok(dist::beta_quantile(p, positive("a", a)?, positive("b", b)?))
}

#[cfg(test)]
mod tests {
    use super::error::finite;
    use super::*;

    #[test]
    fn levels_are_validated() {
        assert!(ConfidenceLevel::new(0.0).is_err());
        assert!(ConfidenceLevel::new(f64::NAN).is_err());
        assert_eq!(
            ConfidenceLevel::new(1.5).unwrap_err().to_string(),
            "confidence level must be strictly between 0 and 1, got 1.5"
        );
        assert!(serde_json::from_str::<ConfidenceLevel>("1.0").is_err());
        let level: ConfidenceLevel = serde_json::from_str("0.9").unwrap();
        assert_eq!(level.get(), 0.9);
    }

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol * b.abs().max(1.0), "{a} vs {b}");
    }

    #[test]
    fn wrappers_give_known_answers() {
        // scipy.stats 1.17: norm.ppf / norm.cdf / t.cdf / t.ppf / beta.ppf / beta.cdf.
        close(normal_quantile(0.975).unwrap(), 1.959_963_984_540_054, 1e-14);
        close(normal_quantile(0.3).unwrap(), -0.524_400_512_708_040_9, 1e-14);
        close(normal_quantile(1e-20).unwrap(), -9.262_340_089_798_409, 1e-14); // the far-tail branch
        close(normal_quantile(1e-100).unwrap(), -21.273_453_560_965_322, 1e-14);
        close(normal_quantile(1e-300).unwrap(), -37.047_096_299_361_2, 1e-14);
        close(normal_quantile(1.0 - 1e-12).unwrap(), 7.034_486_910_047_835_6, 1e-9);
        close(normal_quantile(1e-4).unwrap(), -3.719_016_485_455_680_4, 1e-14);
        close(normal_quantile(0.08).unwrap(), -1.405_071_560_309_632_9, 1e-14);
        close(normal_cdf(0.5).unwrap(), 0.691_462_461_274_013_1, 1e-14);
        close(normal_cdf(-8.5).unwrap(), 9.479_534_822_203_25e-18, 1e-12);
        assert_eq!(normal_cdf(f64::NEG_INFINITY), Ok(0.0));
        close(student_t_cdf(-2.5, 3.5).unwrap(), 0.037_847_321_904_745_01, 1e-12);
        close(student_t_cdf(2.0, 5.0).unwrap(), 0.949_030_260_585_070_9, 1e-13);
        close(student_t_quantile(0.1, 2.5).unwrap(), -1.730_250_928_807_176_1, 1e-12);
        close(student_t_quantile(0.95, 7.0).unwrap(), 1.894_578_605_090_006_2, 1e-12);
        close(beta_quantile(0.9, 0.5, 3.0).unwrap(), 0.386_248_881_805_369_26, 1e-12);
        close(beta_cdf(0.9, 0.5, 3.0).unwrap(), 0.999_675_025_320_728_9, 1e-13);
        // Closed ends of the beta functions.
        assert_eq!((beta_cdf(0.0, 2.0, 5.0), beta_cdf(1.0, 2.0, 5.0)), (Ok(0.0), Ok(1.0)));
        assert_eq!((beta_quantile(0.0, 2.0, 5.0), beta_quantile(1.0, 2.0, 5.0)), (Ok(0.0), Ok(1.0)));
        let level = ConfidenceLevel::new(0.90).unwrap();
        close(level.z(), 1.644_853_626_951_472_2, 1e-14);
        close(level.alpha(), 0.1, 1e-15);
        close(level.t(7.0), 1.894_578_605_090_006_2, 1e-12);
        assert_eq!(level.to_string(), "90 %");
        assert_eq!(ConfidenceLevel::default(), ConfidenceLevel::NINETY_FIVE);
        assert_eq!(f64::from(level), 0.9);
        // The largest level below 1: 1 − α/2 rounds to 1, and z is Φ⁻¹(1 − 2⁻⁵³) = 8.2095361516013869 (scipy
        // norm.isf(2**-53)), finite.
        let most = ConfidenceLevel::new(1.0 - f64::EPSILON / 2.0).unwrap();
        close(most.z(), 8.209_536_151_601_387, 1e-15);
    }

    #[test]
    fn wrappers_name_what_they_reject() {
        for p in [0.0, 1.0, -0.1, 1.1, f64::NAN] {
            assert!(normal_quantile(p).is_err(), "{p}");
            assert!(student_t_quantile(p, 3.0).is_err(), "{p}");
        }
        assert_eq!(
            normal_quantile(1.0),
            Err(StatsError::InvalidProbability { value: "1".into(), range: "(0, 1)".into() })
        );
        assert_eq!(
            beta_cdf(-0.5, 1.0, 1.0),
            Err(StatsError::InvalidProbability { value: "-0.5".into(), range: "[0, 1]".into() })
        );
        assert!(beta_quantile(1.5, 1.0, 1.0).is_err());
        for df in [0.0, -1.0, f64::INFINITY, f64::NAN] {
            assert!(student_t_cdf(1.0, df).is_err(), "{df}");
            assert!(student_t_quantile(0.5, df).is_err(), "{df}");
            assert!(beta_cdf(0.5, df, 1.0).is_err() && beta_cdf(0.5, 1.0, df).is_err(), "{df}");
        }
        assert_eq!(
            student_t_cdf(f64::NAN, 3.0),
            Err(StatsError::InvalidArgument { name: "t".into(), value: "NaN".into(), expected: "a number".into() })
        );
        assert_eq!(student_t_cdf(f64::INFINITY, 3.0), Ok(1.0));
        assert_eq!(finite("x", 2.0), Ok(2.0));
        assert_eq!(finite("x", f64::NEG_INFINITY).unwrap_err().to_string(), "invalid x: -inf (a finite number)");
        assert!(ConfidenceLevel::new(1e-9).is_ok() && ConfidenceLevel::new(1.0 - 1e-9).is_ok());
        assert!(ConfidenceLevel::try_from(-0.5).is_err());
    }

    #[test]
    fn wrappers_validate() {
        assert!(normal_quantile(0.0).is_err());
        assert!(normal_cdf(f64::NAN).is_err());
        assert_eq!(normal_cdf(f64::INFINITY), Ok(1.0));
        assert!(student_t_quantile(0.5, 0.0).is_err());
        assert!(beta_cdf(1.5, 1.0, 1.0).is_err());
        assert!(beta_quantile(0.5, -1.0, 1.0).is_err());
    }
}
