//! The t interval for a mean.

use serde::{Deserialize, Serialize};

use super::error::{StatsError, finite, show};
use super::estimate::{Estimate, Warning};
use super::level::ConfidenceLevel;
use super::method::{Method, VarianceMethod, variance_method_accessors};

/// The sufficient statistics of a mean: number of observations, effective sample size, mean and sample variance
/// (denominator `n_eff − 1`), optionally with the bounds of the scale the values live on.
///
/// ```
/// use customer_care::stats::MeanSample;
///
/// let s = MeanSample::from_values(&[1.0, 2.0, 3.0, 4.0])?.within(1.0, 5.0)?;
/// assert_eq!(s.mean(), 2.5);
/// assert!((s.variance() - 5.0 / 3.0).abs() < 1e-15);
/// # Ok::<(), customer_care::stats::StatsError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "MeanRepr", into = "MeanRepr")]
pub struct MeanSample {
    n: u64,
    effective_n: f64,
    mean: f64,
    variance: f64,
    bounds: Option<(f64, f64)>,
    weighting: VarianceMethod,
}

#[derive(Serialize, Deserialize)]
struct MeanRepr {
    n: u64,
    effective_n: f64,
    mean: f64,
    variance: f64,
    #[serde(default)]
    bounds: Option<(f64, f64)>,
    /// Absent for [`VarianceMethod::Kish`], the default.
    #[serde(default, skip_serializing_if = "VarianceMethod::is_kish")]
    weighting: VarianceMethod,
}

impl MeanSample {
    /// A sample from its summary: `n` observations with effective size `effective_n` (Kish; `n` when unweighted),
    /// the mean and the sample variance with denominator `effective_n − 1`.
    ///
    /// # Errors
    ///
    /// [`StatsError::EmptySample`] when `n` is zero; [`StatsError::InvalidArgument`] for a non-finite mean, a
    /// negative or non-finite variance, or an effective size outside [1, n] (Kish's effective size is at least 1 whenever a weight
    /// is positive).
    pub fn new(n: u64, effective_n: f64, mean: f64, variance: f64) -> Result<Self, StatsError> {
        if n == 0 {
            return Err(StatsError::EmptySample);
        }
        if !(effective_n.is_finite() && effective_n >= 1.0 - 1e-9 && effective_n <= n as f64 * (1.0 + 1e-12)) {
            return Err(StatsError::InvalidArgument {
                name: "effective n".into(),
                value: show(effective_n),
                expected: format!("at least 1 and at most n = {n}"),
            });
        }
        let mean = finite("mean", mean)?;
        if !(variance.is_finite() && variance >= 0.0) {
            return Err(StatsError::InvalidArgument {
                name: "variance".into(),
                value: show(variance),
                expected: "finite and not negative".into(),
            });
        }
        Ok(Self {
            n,
            effective_n: effective_n.clamp(1.0, n as f64),
            mean,
            variance,
            bounds: None,
            weighting: VarianceMethod::Kish,
        })
    }

    /// Summarises unweighted values (two passes: mean, then squared deviations).
    ///
    /// # Errors
    ///
    /// [`StatsError::EmptySample`] for no values; [`StatsError::InvalidArgument`] for a non-finite value or a sum
    /// that overflows.
    pub fn from_values(values: &[f64]) -> Result<Self, StatsError> {
        if values.is_empty() {
            return Err(StatsError::EmptySample);
        }
        for &v in values {
            finite("value", v)?;
        }
        let n = values.len() as f64;
        let mean = finite("mean", values.iter().sum::<f64>() / n)?;
        let ss: f64 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
        let variance = if values.len() > 1 { ss / (n - 1.0) } else { 0.0 };
        Self::new(values.len() as u64, n, mean, finite("variance", variance)?)
    }

    /// Declares the range the values live on (a rating scale), so intervals are clamped to it.
    ///
    /// # Errors
    ///
    /// [`StatsError::InvalidArgument`] unless `min ≤ mean ≤ max`, both finite.
    pub fn within(mut self, min: f64, max: f64) -> Result<Self, StatsError> {
        if !(min.is_finite() && max.is_finite() && min <= self.mean && self.mean <= max) {
            return Err(StatsError::InvalidArgument {
                name: "bounds".into(),
                value: format!("[{}, {}]", show(min), show(max)),
                expected: format!("finite bounds around the mean {}", show(self.mean)),
            });
        }
        self.bounds = Some((min, max));
        Ok(self)
    }

    /// Number of observations.
    pub const fn n(&self) -> u64 {
        self.n
    }

    /// Effective sample size.
    pub const fn effective_n(&self) -> f64 {
        self.effective_n
    }

    /// The mean.
    pub const fn mean(&self) -> f64 {
        self.mean
    }

    /// The sample variance (denominator `n_eff − 1`).
    pub const fn variance(&self) -> f64 {
        self.variance
    }

    /// The sample standard deviation.
    pub fn standard_deviation(&self) -> f64 {
        self.variance.sqrt()
    }

    /// The declared bounds, if any.
    pub const fn bounds(&self) -> Option<(f64, f64)> {
        self.bounds
    }

    variance_method_accessors!(weighting);
}

impl TryFrom<MeanRepr> for MeanSample {
    type Error = StatsError;
    fn try_from(r: MeanRepr) -> Result<Self, StatsError> {
        let s = Self::new(r.n, r.effective_n, r.mean, r.variance)?.with_variance_method(r.weighting);
        match r.bounds {
            Some((min, max)) => s.within(min, max),
            None => Ok(s),
        }
    }
}

impl From<MeanSample> for MeanRepr {
    fn from(s: MeanSample) -> Self {
        Self {
            n: s.n,
            effective_n: s.effective_n,
            mean: s.mean,
            variance: s.variance,
            bounds: s.bounds,
            weighting: s.weighting,
        }
    }
}

/// Student's t interval for a mean: `x̄ ± t(1 − α/2; n_eff − 1)·s/√n_eff`, clamped to the declared bounds.
///
/// # Errors
///
/// [`StatsError::TooFewObservations`] when the effective sample size is 1 or less (no degrees of freedom).
///
/// ```
/// use customer_care::stats::{mean, ConfidenceLevel, MeanSample};
///
/// let s = MeanSample::new(100, 100.0, 4.52, 0.915412_f64.powi(2))?.within(1.0, 5.0)?;
/// let e = mean(&s, ConfidenceLevel::default())?;
/// assert!((e.interval().lower() - 4.338364).abs() < 1e-5);
/// # Ok::<(), customer_care::stats::StatsError>(())
/// ```
pub fn mean(sample: &MeanSample, level: ConfidenceLevel) -> Result<Estimate, StatsError> {
    let n = sample.effective_n;
    if n <= 1.0 {
        return Err(StatsError::TooFewObservations { method: Method::StudentT, effective_n: show(n) });
    }
    let se = (sample.variance / n).sqrt();
    let t = level.t(n - 1.0);
    let mut warnings = Vec::new();
    if sample.variance == 0.0 {
        warnings.push(Warning::ZeroVariance);
    }
    let bounds = sample.bounds.unwrap_or((f64::MIN, f64::MAX));
    Ok(Estimate::assemble(
        sample.mean,
        sample.n,
        n,
        se,
        (sample.mean - t * se, sample.mean + t * se),
        bounds,
        level,
        Method::StudentT,
        warnings,
    )?
    .with_variance_method(sample.weighting))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_interval_known_value() {
        // mean 4.52, sd 0.915412, n 100: R t.test gives [4.338364, 4.701636].
        let s = MeanSample::new(100, 100.0, 4.52, 0.915_412_f64.powi(2)).unwrap();
        let e = mean(&s, ConfidenceLevel::default()).unwrap();
        assert!((e.interval().lower() - 4.338_364).abs() < 1e-5, "{}", e.interval());
        assert!((e.interval().upper() - 4.701_636).abs() < 1e-5);
        assert!(!e.is_thin());
    }

    #[test]
    fn degenerate_samples() {
        let one = MeanSample::new(1, 1.0, 3.0, 0.0).unwrap();
        assert!(matches!(mean(&one, ConfidenceLevel::default()), Err(StatsError::TooFewObservations { .. })));
        let flat = MeanSample::from_values(&[2.0, 2.0, 2.0]).unwrap();
        let e = mean(&flat, ConfidenceLevel::default()).unwrap();
        assert_eq!(e.interval().half_width(), 0.0);
        assert!(e.warnings().contains(&Warning::ZeroVariance));
        assert!(MeanSample::new(3, 3.0, 1.0, -1.0).is_err());
        assert!(MeanSample::from_values(&[1.0, f64::INFINITY]).is_err());
        assert!(MeanSample::new(3, 3.0, 7.0, 1.0).unwrap().within(1.0, 5.0).is_err());
    }

    #[test]
    fn summaries_of_values() {
        // R: mean(c(2, 4, 4, 4, 5, 5, 7, 9)) = 5, var(...) = 32/7, sd = 2.13809.
        let s = MeanSample::from_values(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]).unwrap();
        assert_eq!((s.n(), s.effective_n(), s.mean()), (8, 8.0, 5.0));
        assert!((s.variance() - 32.0 / 7.0).abs() < 1e-14);
        assert!((s.standard_deviation() - (32.0_f64 / 7.0).sqrt()).abs() < 1e-14);
        assert_eq!(s.bounds(), None);
        let one = MeanSample::from_values(&[3.0]).unwrap();
        assert_eq!((one.mean(), one.variance()), (3.0, 0.0));
        assert_eq!(MeanSample::from_values(&[]), Err(StatsError::EmptySample));
        assert!(MeanSample::from_values(&[f64::MAX, f64::MAX]).is_err());
        // scipy.stats.t.interval(0.95, 7, loc=5, scale=sd/√8) = [3.21251208176379, 6.787487918236209].
        let e = mean(&s, ConfidenceLevel::default()).unwrap();
        assert!((e.interval().lower() - 3.212_512_081_763_79).abs() < 1e-10);
        assert!((e.interval().upper() - 6.787_487_918_236_209).abs() < 1e-10);
        assert!((e.standard_error() - (32.0_f64 / 7.0 / 8.0).sqrt()).abs() < 1e-14);
        assert_eq!(e.method(), Method::StudentT);
        let bounded = s.within(2.0, 9.0).unwrap();
        assert_eq!(bounded.bounds(), Some((2.0, 9.0)));
        assert!(s.within(5.0, 5.0).is_ok() && s.within(5.5, 9.0).is_err() && s.within(1.0, 4.5).is_err());
        assert!(s.within(f64::NEG_INFINITY, 9.0).is_err());
        // Weighted summaries are validated, and round-trip through serde with their bounds.
        assert_eq!(MeanSample::new(0, 1.0, 1.0, 1.0), Err(StatsError::EmptySample));
        assert!(MeanSample::new(4, 0.5, 1.0, 1.0).is_err() && MeanSample::new(4, 4.5, 1.0, 1.0).is_err());
        assert!(MeanSample::new(4, 2.5, f64::NAN, 1.0).is_err());
        let json = serde_json::to_string(&bounded).unwrap();
        assert_eq!(serde_json::from_str::<MeanSample>(&json).unwrap(), bounded);
        assert!(serde_json::from_str::<MeanSample>(&json.replace("9.0", "4.0")).is_err());
    }

    #[test]
    fn effective_sizes_at_their_limits_and_weighted_intervals() {
        // Within rounding of 1 and of n: accepted and snapped; beyond: rejected, naming the value and n.
        assert_eq!(MeanSample::new(4, 1.0 - 1e-10, 1.0, 1.0).unwrap().effective_n(), 1.0);
        assert_eq!(MeanSample::new(4, 4.0 * (1.0 + 1e-13), 1.0, 1.0).unwrap().effective_n(), 4.0);
        assert_eq!(MeanSample::new(4, 4.0, 1.0, 1.0).unwrap().effective_n(), 4.0);
        assert_eq!(
            MeanSample::new(4, 4.0 * (1.0 + 1e-11), 1.0, 1.0),
            Err(StatsError::InvalidArgument {
                name: "effective n".into(),
                value: show(4.0 * (1.0 + 1e-11)),
                expected: "at least 1 and at most n = 4".into(),
            })
        );
        assert!(MeanSample::new(4, 0.999, 1.0, 1.0).is_err() && MeanSample::new(4, f64::NAN, 1.0, 1.0).is_err());
        assert_eq!(
            MeanSample::new(4, 2.0, 1.0, f64::INFINITY),
            Err(StatsError::InvalidArgument {
                name: "variance".into(),
                value: "inf".into(),
                expected: "finite and not negative".into(),
            })
        );
        assert_eq!(
            MeanSample::new(4, 2.0, 3.0, 1.0).unwrap().within(3.5, 5.0),
            Err(StatsError::InvalidArgument {
                name: "bounds".into(),
                value: "[3.5, 5]".into(),
                expected: "finite bounds around the mean 3".into(),
            })
        );
        assert!(MeanSample::new(4, 2.0, 3.0, 1.0).unwrap().within(1.0, f64::NAN).is_err());
        // Weighted: n = 40 responses worth 10; scipy.stats.t.interval(0.95, 9, loc=3, scale=√(2/10)) =
        // [1.9883326, 4.0116674].
        let e = mean(&MeanSample::new(40, 10.0, 3.0, 2.0).unwrap(), ConfidenceLevel::default()).unwrap();
        assert_eq!((e.n(), e.effective_n()), (40, 10.0));
        assert!((e.standard_error() - 0.2_f64.sqrt()).abs() < 1e-15);
        assert!((e.interval().lower() - 1.988_332_561_639_031).abs() < 1e-9, "{}", e.interval());
        assert!((e.interval().upper() - 4.011_667_438_360_969).abs() < 1e-9);
        assert!(e.is_thin() && !e.warnings().contains(&Warning::ZeroVariance));
        // Just above one effective observation is enough for a (very wide) interval.
        assert!(mean(&MeanSample::new(3, 1.5, 3.0, 2.0).unwrap(), ConfidenceLevel::default()).is_ok());
    }

    #[test]
    fn clamps_to_bounds() {
        let s = MeanSample::new(3, 3.0, 4.9, 0.5).unwrap().within(1.0, 5.0).unwrap();
        let e = mean(&s, ConfidenceLevel::default()).unwrap();
        assert_eq!(e.interval().upper(), 5.0);
        assert!(e.warnings().iter().any(|w| matches!(w, Warning::Clamped { .. })));
    }
}
