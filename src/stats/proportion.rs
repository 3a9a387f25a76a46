//! One-sample intervals for a proportion and for a net share ("top minus bottom", such as NPS).

use serde::{Deserialize, Serialize};

use super::dist::beta_quantile;
use super::error::{StatsError, show};
use super::estimate::{Estimate, Warning};
use super::level::ConfidenceLevel;
use super::method::{Method, VarianceMethod, variance_method_accessors};

pub(super) fn check_sizes(n: u64, effective_n: f64) -> Result<(), StatsError> {
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
    Ok(())
}

pub(super) fn share(name: &str, value: f64) -> Result<f64, StatsError> {
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(StatsError::InvalidArgument { name: name.into(), value: show(value), expected: "within [0, 1]".into() })
    }
}

/// The sufficient statistics of a proportion: the (weighted) share of successes, the number of observations and
/// the effective sample size.
///
/// ```
/// use customer_care::stats::ProportionSample;
///
/// let s = ProportionSample::from_counts(90, 100)?;
/// assert_eq!((s.share(), s.n(), s.effective_n()), (0.9, 100, 100.0));
/// assert!(ProportionSample::from_counts(5, 4).is_err());
/// # Ok::<(), customer_care::stats::StatsError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ProportionRepr", into = "ProportionRepr")]
pub struct ProportionSample {
    share: f64,
    n: u64,
    effective_n: f64,
    variance: VarianceMethod,
}

#[derive(Serialize, Deserialize)]
struct ProportionRepr {
    share: f64,
    n: u64,
    effective_n: f64,
    /// Absent for [`VarianceMethod::Kish`], the default.
    #[serde(default, skip_serializing_if = "VarianceMethod::is_kish")]
    variance: VarianceMethod,
}

impl ProportionSample {
    /// An unweighted sample: `successes` out of `trials`.
    ///
    /// # Errors
    ///
    /// [`StatsError::EmptySample`] for zero trials; [`StatsError::InvalidArgument`] when `successes > trials`.
    pub fn from_counts(successes: u64, trials: u64) -> Result<Self, StatsError> {
        if trials == 0 {
            return Err(StatsError::EmptySample);
        }
        if successes > trials {
            return Err(StatsError::InvalidArgument {
                name: "successes".into(),
                value: successes.to_string(),
                expected: format!("at most the {trials} trials"),
            });
        }
        Ok(Self {
            share: successes as f64 / trials as f64,
            n: trials,
            effective_n: trials as f64,
            variance: VarianceMethod::Kish,
        })
    }

    /// A weighted sample: the weighted share of successes, the number of observations `n` and Kish's effective
    /// sample size.
    ///
    /// # Errors
    ///
    /// [`StatsError::EmptySample`] when `n` is zero; [`StatsError::InvalidArgument`] when the share is outside
    /// [0, 1] or the effective size is not in [1, n]
    /// (Kish's effective size is at least 1 whenever a weight is positive).
    pub fn weighted(share_value: f64, n: u64, effective_n: f64) -> Result<Self, StatsError> {
        check_sizes(n, effective_n)?;
        Ok(Self {
            share: share("share", share_value)?,
            n,
            effective_n: effective_n.clamp(1.0, n as f64),
            variance: VarianceMethod::Kish,
        })
    }

    /// The share of successes.
    pub const fn share(&self) -> f64 {
        self.share
    }

    /// Number of observations.
    pub const fn n(&self) -> u64 {
        self.n
    }

    /// Effective sample size (Kish); `n` when unweighted.
    pub const fn effective_n(&self) -> f64 {
        self.effective_n
    }

    variance_method_accessors!(variance);
}

impl TryFrom<ProportionRepr> for ProportionSample {
    type Error = StatsError;
    fn try_from(r: ProportionRepr) -> Result<Self, StatsError> {
        Ok(Self::weighted(r.share, r.n, r.effective_n)?.with_variance_method(r.variance))
    }
}

impl From<ProportionSample> for ProportionRepr {
    fn from(s: ProportionSample) -> Self {
        Self { share: s.share, n: s.n, effective_n: s.effective_n, variance: s.variance }
    }
}

/// The interval for a proportion.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ProportionMethod {
    /// Wilson's score interval: good coverage at every share, never outside [0, 1]. The default.
    #[default]
    Wilson,
    /// Clopper–Pearson, from beta quantiles: at least the nominal coverage, wider. With weights it is applied to
    /// the effective counts `share × n_eff` out of `n_eff`.
    ClopperPearson,
    /// The textbook normal approximation `p ± z√(p(1−p)/n)`; poor near 0 and 1, offered for comparison with
    /// published figures.
    Wald,
    /// Agresti–Coull (1998), "add two successes and two failures" generalized: Wald around
    /// `p̃ = (x + z²/2)/(n + z²)` with `ñ = n + z²`. Close to Wilson's coverage, a little wider; clamped to [0, 1].
    AgrestiCoull,
}

/// An interval for a proportion, using the effective sample size for weighted data.
///
/// - [`ProportionMethod::Wilson`]: centre `(p + z²/2n)/(1 + z²/n)`, half-width
///   `z/(1 + z²/n)·√(p(1−p)/n + z²/4n²)`.
/// - [`ProportionMethod::ClopperPearson`]: `[B⁻¹(α/2; x, n−x+1), B⁻¹(1−α/2; x+1, n−x)]`.
/// - [`ProportionMethod::Wald`]: `p ± z√(p(1−p)/n)`, clamped to [0, 1] with a [`Warning::Clamped`].
/// - [`ProportionMethod::AgrestiCoull`]: `p̃ ± z√(p̃(1−p̃)/ñ)` with `ñ = n + z²`, `p̃ = (p·n + z²/2)/ñ`, clamped
///   to [0, 1] with a [`Warning::Clamped`].
///
/// The standard error reported is `√(p(1−p)/n_eff)` for every method.
///
/// # Errors
///
/// None for a valid sample today; the `Result` leaves room for methods that can fail.
///
/// ```
/// use customer_care::stats::{proportion, ConfidenceLevel, ProportionMethod, ProportionSample};
///
/// let none = ProportionSample::from_counts(0, 10)?;
/// let e = proportion(&none, ConfidenceLevel::default(), ProportionMethod::Wilson)?;
/// assert_eq!(e.interval().lower(), 0.0);
/// assert!((e.interval().upper() - 0.277533).abs() < 1e-6);
/// assert!(e.is_thin());
/// # Ok::<(), customer_care::stats::StatsError>(())
/// ```
pub fn proportion(
    sample: &ProportionSample,
    level: ConfidenceLevel,
    method: ProportionMethod,
) -> Result<Estimate, StatsError> {
    let p = sample.share;
    let n = sample.effective_n;
    let z = level.z();
    let se = (p * (1.0 - p) / n).max(0.0).sqrt();
    let mut warnings = Vec::new();
    let (lower, upper, method) = match method {
        ProportionMethod::Wilson => {
            let z2 = z * z;
            let denom = 1.0 + z2 / n;
            let centre = (p + z2 / (2.0 * n)) / denom;
            let half = z / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).max(0.0).sqrt();
            // Mathematically within [0, 1] and around p; only rounding can break that.
            ((centre - half).clamp(0.0, p), (centre + half).clamp(p, 1.0), Method::Wilson)
        }
        ProportionMethod::ClopperPearson => {
            let alpha = level.alpha();
            let x = p * n;
            let lower = if x <= 0.0 { 0.0 } else { beta_quantile(alpha / 2.0, x, n - x + 1.0) };
            let upper = if x >= n { 1.0 } else { beta_quantile(1.0 - alpha / 2.0, x + 1.0, n - x) };
            (lower.clamp(0.0, p), upper.clamp(p, 1.0), Method::ClopperPearson)
        }
        ProportionMethod::Wald => {
            if se == 0.0 {
                warnings.push(Warning::ZeroVariance);
            }
            (p - z * se, p + z * se, Method::Wald)
        }
        ProportionMethod::AgrestiCoull => {
            let n_tilde = n + z * z;
            let p_tilde = (p * n + z * z / 2.0) / n_tilde;
            let half = z * (p_tilde * (1.0 - p_tilde) / n_tilde).max(0.0).sqrt();
            (p_tilde - half, p_tilde + half, Method::AgrestiCoull)
        }
    };
    Ok(Estimate::assemble(p, sample.n, n, se, (lower, upper), (0.0, 1.0), level, method, warnings)?
        .with_variance_method(sample.variance))
}

#[cfg(test)]
mod tests {
    use super::super::net::NetSample;
    use super::*;

    fn level() -> ConfidenceLevel {
        ConfidenceLevel::default()
    }

    #[test]
    fn wilson_reference_intervals() {
        // Wilson (1927), 95 %: reference README.
        for (x, n, lo, hi) in [(45, 50, 0.786398, 0.956524), (0, 10, 0.0, 0.277533), (90, 100, 0.825634, 0.944771)] {
            let e =
                proportion(&ProportionSample::from_counts(x, n).unwrap(), level(), ProportionMethod::Wilson).unwrap();
            assert!((e.interval().lower() - lo).abs() < 1e-6, "{x}/{n}: {}", e.interval());
            assert!((e.interval().upper() - hi).abs() < 1e-6, "{x}/{n}: {}", e.interval());
        }
    }

    #[test]
    fn clopper_pearson_known_values() {
        // scipy: beta.ppf(0.025, 45, 6) = 0.7818646, beta.ppf(0.975, 46, 5) = 0.9667249 (R binom.test);
        // binom.test(0, 10) upper = beta.ppf(0.975, 1, 10) = 0.3084971
        let e = proportion(&ProportionSample::from_counts(45, 50).unwrap(), level(), ProportionMethod::ClopperPearson)
            .unwrap();
        assert!((e.interval().lower() - 0.781_864_6).abs() < 1e-6, "{}", e.interval());
        assert!((e.interval().upper() - 0.966_724_9).abs() < 1e-6, "{}", e.interval());
        let e = proportion(&ProportionSample::from_counts(0, 10).unwrap(), level(), ProportionMethod::ClopperPearson)
            .unwrap();
        assert_eq!(e.interval().lower(), 0.0);
        assert!((e.interval().upper() - 0.308_497_1).abs() < 1e-6);
    }

    #[test]
    fn wald_clamps_and_flags_zero_variance() {
        let e = proportion(&ProportionSample::from_counts(10, 10).unwrap(), level(), ProportionMethod::Wald).unwrap();
        assert_eq!(e.interval(), super::super::Interval::new(1.0, 1.0).unwrap());
        assert!(e.warnings().contains(&Warning::ZeroVariance));
        let e = proportion(&ProportionSample::from_counts(1, 10).unwrap(), level(), ProportionMethod::Wald).unwrap();
        assert!(e.warnings().iter().any(|w| matches!(w, Warning::Clamped { .. })));
        assert_eq!(e.interval().lower(), 0.0);
    }

    #[test]
    fn samples_validate() {
        assert_eq!(NetSample::from_counts(0, 0, 0), Err(StatsError::EmptySample));
        assert!(NetSample::weighted(0.7, 0.4, 10, 5.0).is_err());
        assert!(NetSample::weighted(0.5, 0.4, 10, 11.0).is_err());
        assert!(ProportionSample::weighted(f64::NAN, 10, 5.0).is_err());
        assert!(serde_json::from_str::<ProportionSample>(r#"{"share":1.5,"n":3,"effective_n":3}"#).is_err());
    }

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol, "{a} vs {b}");
    }

    #[test]
    fn standard_errors_and_every_method_on_three_in_ten() {
        // 3/10 at 95 %: R binom.test(3, 10) = [0.06673951, 0.65245285] (scipy beta.ppf(0.025, 3, 8),
        // beta.ppf(0.975, 4, 7)); prop.test(3, 10, correct = FALSE) = [0.1077913, 0.6032219]; Wald 0.3 ± z·SE.
        // Every method reports the SE √(0.3·0.7/10) = 0.1449138.
        let s = ProportionSample::from_counts(3, 10).unwrap();
        let se = (0.3_f64 * 0.7 / 10.0).sqrt();
        for (method, lo, hi) in [
            (ProportionMethod::Wilson, 0.107_791_267_406_300_99, 0.603_221_852_538_854_6),
            (ProportionMethod::ClopperPearson, 0.066_739_511_177_734_47, 0.652_452_850_059_997_3),
            (ProportionMethod::Wald, 0.3 - 1.959_963_984_540_054 * se, 0.3 + 1.959_963_984_540_054 * se),
        ] {
            let e = proportion(&s, level(), method).unwrap();
            close(e.interval().lower(), lo, 1e-12);
            close(e.interval().upper(), hi, 1e-12);
            close(e.standard_error(), 0.144_913_767_461_894_38, 1e-15);
            assert_eq!((e.value(), e.n(), e.effective_n()), (0.3, 10, 10.0));
            assert_eq!(e.warnings(), [Warning::ThinSample { effective_n: 10.0, threshold: super::super::THIN_SAMPLE }]);
        }
        // 30/100, Wald: SE √(0.21/100) = 0.04582576, interval [0.2101832, 0.3898168]; no warning at all.
        let e = proportion(&ProportionSample::from_counts(30, 100).unwrap(), level(), ProportionMethod::Wald).unwrap();
        close(e.standard_error(), 0.045_825_756_949_558_4, 1e-15);
        close(e.interval().lower(), 0.210_183_166_814_579_44, 1e-12);
        close(e.interval().upper(), 0.389_816_833_185_420_54, 1e-12);
        assert_eq!((e.method(), e.warnings()), (Method::Wald, &[][..]));
        // Weighted Clopper–Pearson uses the effective counts: share 0.25 of n_eff 12 is 3 of 12
        // (scipy beta.ppf(0.025, 3, 10) = 0.05486064, beta.ppf(0.975, 4, 9) = 0.5718585).
        let w = ProportionSample::weighted(0.25, 20, 12.0).unwrap();
        let e = proportion(&w, level(), ProportionMethod::ClopperPearson).unwrap();
        close(e.interval().lower(), 0.054_860_644_527_992_72, 1e-12);
        close(e.interval().upper(), 0.571_858_461_878_189_1, 1e-12);
        assert_eq!((e.n(), e.effective_n(), e.method()), (20, 12.0, Method::ClopperPearson));
        close(e.standard_error(), (0.25_f64 * 0.75 / 12.0).sqrt(), 1e-15);
        // All successes: Clopper–Pearson's upper end is 1, the lower R's binom.test(10, 10) = 0.6915029.
        let e = proportion(&ProportionSample::from_counts(10, 10).unwrap(), level(), ProportionMethod::ClopperPearson)
            .unwrap();
        assert_eq!(e.interval().upper(), 1.0);
        close(e.interval().lower(), 0.691_502_892_181_519_6, 1e-12);
    }

    #[test]
    fn effective_sizes_at_their_limits() {
        // Within rounding of 1 and of n: accepted and snapped; beyond: rejected, naming the value.
        let s = ProportionSample::weighted(0.5, 10, 1.0 - 1e-10).unwrap();
        assert_eq!(s.effective_n(), 1.0);
        assert_eq!(ProportionSample::weighted(0.5, 10, 1.0).unwrap().effective_n(), 1.0);
        assert_eq!(
            ProportionSample::weighted(0.5, 10, 0.999),
            Err(StatsError::InvalidArgument {
                name: "effective n".into(),
                value: "0.999".into(),
                expected: "at least 1 and at most n = 10".into(),
            })
        );
        let s = ProportionSample::weighted(0.5, 1000, 1000.0 * (1.0 + 1e-13)).unwrap();
        assert_eq!(s.effective_n(), 1000.0);
        assert_eq!(ProportionSample::weighted(0.5, 1000, 1000.0).unwrap().effective_n(), 1000.0);
        assert!(ProportionSample::weighted(0.5, 1000, 1000.0 * (1.0 + 1e-11)).is_err());
        assert!(ProportionSample::weighted(0.5, 1000, f64::INFINITY).is_err());
        assert_eq!(ProportionSample::weighted(0.5, 0, 1.0), Err(StatsError::EmptySample));
        let n = NetSample::weighted(0.5, 0.5, 7, 7.0 * (1.0 + 1e-13)).unwrap();
        assert_eq!((n.effective_n(), n.net(), n.variance()), (7.0, 0.0, 1.0));
        assert_eq!(NetSample::weighted(0.5, 0.5, 7, 1.0 - 1e-10).unwrap().effective_n(), 1.0);
        assert!(NetSample::weighted(0.5, 0.5, 7, 0.5).is_err());
        // Shares: [0, 1] each, adding up to at most 1 (within rounding).
        assert!(NetSample::weighted(0.7, 0.3 + 1e-13, 7, 7.0).is_ok());
        // Exactly at the tolerance (0.5 + 1e-12 and 0.5 add up to the double 1 + 1e-12): still accepted.
        assert!(NetSample::weighted(0.5 + 1e-12, 0.5, 7, 7.0).is_ok());
        assert_eq!(
            NetSample::weighted(0.7, 0.31, 7, 7.0),
            Err(StatsError::InvalidArgument {
                name: "top + bottom share".into(),
                value: "1.01".into(),
                expected: "at most 1".into(),
            })
        );
        assert!(NetSample::weighted(-0.1, 0.3, 7, 7.0).is_err() && NetSample::weighted(0.1, 1.3, 7, 7.0).is_err());
        assert!(
            ProportionSample::weighted(1.0, 3, 3.0).is_ok() && ProportionSample::weighted(-0.0001, 3, 3.0).is_err()
        );
        // Counts: successes up to the trials, totals that fit in 64 bits.
        assert_eq!(ProportionSample::from_counts(5, 5).unwrap().share(), 1.0);
        assert_eq!(ProportionSample::from_counts(0, 0), Err(StatsError::EmptySample));
        assert_eq!(
            ProportionSample::from_counts(6, 5),
            Err(StatsError::InvalidArgument {
                name: "successes".into(),
                value: "6".into(),
                expected: "at most the 5 trials".into(),
            })
        );
        assert_eq!(ProportionSample::from_counts(1, 4).unwrap().share(), 0.25);
        assert!(NetSample::from_counts(u64::MAX, 1, 0).is_err() && NetSample::from_counts(1, u64::MAX, 0).is_err());
        assert!(NetSample::from_counts(0, 1, u64::MAX).is_err());
        assert_eq!(NetSample::from_counts(u64::MAX - 1, 1, 0).unwrap().n(), u64::MAX);
        // Serde round trips and validation.
        let p = ProportionSample::weighted(0.25, 20, 12.0).unwrap();
        assert_eq!(serde_json::from_str::<ProportionSample>(&serde_json::to_string(&p).unwrap()).unwrap(), p);
        let n = NetSample::weighted(0.3, 0.2, 200, 100.0).unwrap();
        let json = serde_json::to_string(&n).unwrap();
        assert_eq!(serde_json::from_str::<NetSample>(&json).unwrap(), n);
        assert!(serde_json::from_str::<NetSample>(&json.replace("0.3", "0.9")).is_err());
    }

    #[test]
    fn agresti_coull_known_answers() {
        // statsmodels proportion_confint(x, n, method="agresti_coull") (tests/data/surveys_reference.py).
        for (x, n, lo, hi) in [
            (45, 50, 0.782_062_266_130_463_6, 0.960_859_654_562_849_3),
            (3, 10, 0.103_338_417_922_425_26, 0.607_674_702_022_730_4),
            (0, 10, 0.0, 0.320_887_305_750_545_8),
            (90, 100, 0.823_889_953_723_252_7, 0.946_515_247_711_158_7),
            (10, 10, 0.679_112_694_249_454_3, 1.0),
        ] {
            let e = proportion(&ProportionSample::from_counts(x, n).unwrap(), level(), ProportionMethod::AgrestiCoull)
                .unwrap();
            close(e.interval().lower(), lo, 1e-12);
            close(e.interval().upper(), hi, 1e-12);
            assert_eq!(e.method(), Method::AgrestiCoull);
            // Clamped at the ends of the scale, and said so.
            let clamped = e.warnings().iter().any(|w| matches!(w, Warning::Clamped { .. }));
            assert_eq!(clamped, x == 0 || x == n, "{x}/{n}");
        }
        // Wider than Wilson, same centre side: it contains the Wilson interval.
        let s = ProportionSample::from_counts(3, 10).unwrap();
        let wilson = proportion(&s, level(), ProportionMethod::Wilson).unwrap().interval();
        let ac = proportion(&s, level(), ProportionMethod::AgrestiCoull).unwrap().interval();
        assert!(ac.lower() <= wilson.lower() && ac.upper() >= wilson.upper());
    }
}
