//! Two-sample comparisons: net shares (z test), proportions (Newcombe), means (Welch).

use serde::{Deserialize, Serialize};

use super::dist::{normal_sf, student_t_two_sided};
use super::error::{StatsError, finite, show};
use super::estimate::{Estimate, THIN_SAMPLE, Warning};
use super::level::ConfidenceLevel;
use super::mean::MeanSample;
use super::method::{Method, VarianceMethod};
use super::net::NetSample;
use super::proportion::{ProportionMethod, ProportionSample, proportion};

/// The hypothesis test behind a [`Comparison`]'s p-value (null hypothesis: no difference).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TestMethod {
    /// Two-sided z test with the unpooled standard error.
    Z,
    /// Two-sided z test with the pooled proportion under the null hypothesis.
    PooledZ,
    /// Two-sided Welch t test with Welch–Satterthwaite degrees of freedom.
    WelchT,
    /// Two-sided score test: the statistic is computed with the variance under the null hypothesis, the
    /// nuisance share re-estimated by maximum likelihood under it.
    Score,
}

/// The interval and test for a difference of two proportions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DifferenceMethod {
    /// Newcombe's (1998) hybrid score interval with a pooled z test. The default.
    #[default]
    NewcombeHybridScore,
    /// Wald: `d ± z·√(p_a(1−p_a)/n_a + p_b(1−p_b)/n_b)` with the unpooled z test `d/SE`; poor with small samples
    /// or shares near 0 and 1, offered for comparison with published figures.
    Wald,
}

/// The difference `a − b` between two independent samples, its interval and a two-sided test.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ComparisonRepr", into = "ComparisonRepr")]
pub struct Comparison {
    difference: Estimate,
    statistic: f64,
    p_value: f64,
    test: TestMethod,
    degrees_of_freedom: Option<f64>,
}

#[derive(Serialize, Deserialize)]
struct ComparisonRepr {
    difference: Estimate,
    statistic: f64,
    p_value: f64,
    test: TestMethod,
    #[serde(default)]
    degrees_of_freedom: Option<f64>,
}

impl TryFrom<ComparisonRepr> for Comparison {
    type Error = StatsError;
    fn try_from(r: ComparisonRepr) -> Result<Self, StatsError> {
        if !(0.0..=1.0).contains(&r.p_value) {
            return Err(StatsError::InvalidPValue { index: 0, value: show(r.p_value) });
        }
        finite("test statistic", r.statistic)?;
        if let Some(df) = r.degrees_of_freedom
            && !(df.is_finite() && df > 0.0)
        {
            return Err(StatsError::InvalidArgument {
                name: "degrees of freedom".into(),
                value: show(df),
                expected: "a positive finite number".into(),
            });
        }
        Ok(Self {
            difference: r.difference,
            statistic: r.statistic,
            p_value: r.p_value,
            test: r.test,
            degrees_of_freedom: r.degrees_of_freedom,
        })
    }
}

impl From<Comparison> for ComparisonRepr {
    fn from(c: Comparison) -> Self {
        Self {
            difference: c.difference,
            statistic: c.statistic,
            p_value: c.p_value,
            test: c.test,
            degrees_of_freedom: c.degrees_of_freedom,
        }
    }
}

impl Comparison {
    /// Puts a comparison together (the statistics module's tests and intervals, which validate their inputs).
    pub(super) const fn from_parts(
        difference: Estimate,
        statistic: f64,
        p_value: f64,
        test: TestMethod,
        degrees_of_freedom: Option<f64>,
    ) -> Self {
        Self { difference, statistic, p_value, test, degrees_of_freedom }
    }

    /// The difference `a − b` with its standard error and interval.
    pub const fn difference(&self) -> &Estimate {
        &self.difference
    }

    /// The test statistic (z or t); 0 when both samples have no spread.
    pub const fn statistic(&self) -> f64 {
        self.statistic
    }

    /// The two-sided p-value in [0, 1].
    pub const fn p_value(&self) -> f64 {
        self.p_value
    }

    /// The test used.
    pub const fn test(&self) -> TestMethod {
        self.test
    }

    /// Degrees of freedom of a t test.
    pub const fn degrees_of_freedom(&self) -> Option<f64> {
        self.degrees_of_freedom
    }

    /// Whether the p-value is below `1 − level` (for example below 0.05 at 95 %).
    pub fn is_significant(&self, level: ConfidenceLevel) -> bool {
        self.p_value < level.alpha()
    }

    /// The same comparison in other units: the difference is [scaled](Estimate::scaled); the statistic and
    /// p-value are unchanged.
    ///
    /// # Errors
    ///
    /// As [`Estimate::scaled`].
    pub fn scaled(&self, factor: f64) -> Result<Self, StatsError> {
        Ok(Self { difference: self.difference.scaled(factor)?, ..self.clone() })
    }
}

/// The p-value for a statistic whose standard error is zero: the samples are certain, so any difference is.
pub(super) fn degenerate_p(difference: f64) -> f64 {
    if difference == 0.0 { 1.0 } else { 0.0 }
}

pub(super) fn combined(a: (u64, f64), b: (u64, f64)) -> (u64, f64) {
    (a.0.saturating_add(b.0), a.1 + b.1)
}

/// What a Wald-type comparison needs of each sample: its size, effective size and variance method.
#[derive(Clone, Copy)]
pub(super) struct Side {
    pub(super) n: u64,
    pub(super) effective_n: f64,
    pub(super) variance: VarianceMethod,
}

impl NetSample {
    pub(super) fn side(&self) -> Side {
        Side { n: self.n(), effective_n: self.effective_n(), variance: self.variance_method() }
    }
}

impl ProportionSample {
    pub(super) fn side(&self) -> Side {
        Side { n: self.n(), effective_n: self.effective_n(), variance: self.variance_method() }
    }
}

/// A Wald-type comparison: the interval `centre ± z·se` within `scale` around the reported difference `value`
/// (extended to it when an adjusted centre leaves it outside), and the two-sided z test of `centre / se`.
#[allow(clippy::too_many_arguments)]
pub(super) fn wald_comparison(
    value: f64,
    centre: f64,
    se: f64,
    (a, b): (Side, Side),
    scale: (f64, f64),
    level: ConfidenceLevel,
    method: Method,
) -> Result<Comparison, StatsError> {
    let z = level.z();
    let mut warnings = flag_thin(Vec::new(), a.effective_n, b.effective_n);
    let (statistic, p_value) = z_test(centre, se, &mut warnings);
    let (n, n_eff) = combined((a.n, a.effective_n), (b.n, b.effective_n));
    let difference = Estimate::assemble_quiet(
        value,
        n,
        n_eff,
        se,
        (centre - z * se, centre + z * se),
        scale,
        level,
        method,
        warnings,
    )?
    .with_variance_method(weighting(a.variance, b.variance));
    Ok(Comparison { difference, statistic, p_value, test: TestMethod::Z, degrees_of_freedom: None })
}

/// The variance method of a comparison: linearized when either sample's is.
pub(super) fn weighting(a: VarianceMethod, b: VarianceMethod) -> VarianceMethod {
    if a.is_kish() { b } else { a }
}

pub(super) fn flag_thin(mut warnings: Vec<Warning>, a: f64, b: f64) -> Vec<Warning> {
    let smallest = a.min(b);
    if smallest < THIN_SAMPLE {
        warnings.push(Warning::ThinSample { effective_n: smallest, threshold: THIN_SAMPLE });
    }
    warnings
}

/// Compares two net shares (such as NPS as fractions): `d = net_a − net_b`, standard error
/// `√(var_a/n_a + var_b/n_b)` with `var = top + bottom − net²`, Wald interval `d ± z·SE` (within [−2, 2]) and a
/// two-sided z test. Effective sample sizes are used for weighted data. When both samples have zero variance the
/// statistic is 0 and the p-value is 1 for equal nets, 0 otherwise ([`Warning::ZeroVariance`]).
///
/// The [`Warning::ThinSample`] of the result refers to the smaller of the two samples.
///
/// # Errors
///
/// None for valid samples today; the `Result` leaves room for methods that can fail.
///
/// ```
/// use customer_care::stats::{net_difference, ConfidenceLevel, NetSample};
///
/// let june = NetSample::from_counts(300, 100, 100)?; // NPS 40
/// let may = NetSample::from_counts(250, 100, 150)?; // NPS 20
/// let c = net_difference(&june, &may, ConfidenceLevel::default())?;
/// assert!((c.difference().value() - 0.2).abs() < 1e-12);
/// assert!(c.p_value() < 0.001);
/// # Ok::<(), customer_care::stats::StatsError>(())
/// ```
pub fn net_difference(a: &NetSample, b: &NetSample, level: ConfidenceLevel) -> Result<Comparison, StatsError> {
    let d = a.net() - b.net();
    let se = (a.variance() / a.effective_n() + b.variance() / b.effective_n()).sqrt();
    wald_comparison(d, d, se, (a.side(), b.side()), (-2.0, 2.0), level, Method::WaldDifference)
}

/// Compares two proportions: `d = p_a − p_b` with Newcombe's (1998) hybrid score interval (his method 10, from
/// the two Wilson intervals) and a two-sided pooled z test, `z = d / √(p̄(1−p̄)(1/n_a + 1/n_b))`. The standard
/// error reported is the unpooled `√(p_a(1−p_a)/n_a + p_b(1−p_b)/n_b)`. Effective sample sizes are used for
/// weighted data.
///
/// # Errors
///
/// None for valid samples today; the `Result` leaves room for methods that can fail.
///
/// ```
/// use customer_care::stats::{proportion_difference, ConfidenceLevel, ProportionSample};
///
/// // Newcombe (1998), example (a): 56/70 − 48/80 → [0.0524, 0.3339].
/// let a = ProportionSample::from_counts(56, 70)?;
/// let b = ProportionSample::from_counts(48, 80)?;
/// let c = proportion_difference(&a, &b, ConfidenceLevel::default())?;
/// assert!((c.difference().interval().lower() - 0.0524).abs() < 1e-4);
/// assert!((c.difference().interval().upper() - 0.3339).abs() < 1e-4);
/// # Ok::<(), customer_care::stats::StatsError>(())
/// ```
pub fn proportion_difference(
    a: &ProportionSample,
    b: &ProportionSample,
    level: ConfidenceLevel,
) -> Result<Comparison, StatsError> {
    proportion_difference_by(a, b, level, DifferenceMethod::NewcombeHybridScore)
}

/// Compares two proportions, `d = p_a − p_b`, with the interval and test of `method`:
/// [`DifferenceMethod::NewcombeHybridScore`] as [`proportion_difference`], or [`DifferenceMethod::Wald`]:
/// `d ± z·SE` with `SE = √(p_a(1−p_a)/n_a + p_b(1−p_b)/n_b)` (clamped to [−1, 1]) and the unpooled z test
/// `d/SE` ([`TestMethod::Z`]). Effective sample sizes are used for weighted data.
///
/// # Errors
///
/// None for valid samples today; the `Result` leaves room for methods that can fail.
///
/// ```
/// use customer_care::stats::{proportion_difference_by, ConfidenceLevel, DifferenceMethod, ProportionSample};
///
/// // 56/70 − 48/80 = 0.2 ± 1.96 × 0.0727 = [0.0575, 0.3425] (statsmodels confint_proportions_2indep, "wald").
/// let a = ProportionSample::from_counts(56, 70)?;
/// let b = ProportionSample::from_counts(48, 80)?;
/// let c = proportion_difference_by(&a, &b, ConfidenceLevel::default(), DifferenceMethod::Wald)?;
/// assert!((c.difference().interval().lower() - 0.0575).abs() < 1e-4);
/// assert!((c.difference().interval().upper() - 0.3425).abs() < 1e-4);
/// # Ok::<(), customer_care::stats::StatsError>(())
/// ```
pub fn proportion_difference_by(
    a: &ProportionSample,
    b: &ProportionSample,
    level: ConfidenceLevel,
    method: DifferenceMethod,
) -> Result<Comparison, StatsError> {
    match method {
        DifferenceMethod::NewcombeHybridScore => newcombe(a, b, level),
        DifferenceMethod::Wald => wald_proportion_difference(a, b, level),
    }
}

fn wald_proportion_difference(
    a: &ProportionSample,
    b: &ProportionSample,
    level: ConfidenceLevel,
) -> Result<Comparison, StatsError> {
    let (pa, pb) = (a.share(), b.share());
    let d = pa - pb;
    let se = (pa * (1.0 - pa) / a.effective_n() + pb * (1.0 - pb) / b.effective_n()).max(0.0).sqrt();
    wald_comparison(d, d, se, (a.side(), b.side()), (-1.0, 1.0), level, Method::WaldDifference)
}

/// A two-sided z test of `difference / se`; a zero standard error gives the degenerate p-value and a
/// [`Warning::ZeroVariance`].
pub(super) fn z_test(difference: f64, se: f64, warnings: &mut Vec<Warning>) -> (f64, f64) {
    if se > 0.0 {
        let s = difference / se;
        (s, (2.0 * normal_sf(s.abs())).clamp(0.0, 1.0))
    } else {
        warnings.push(Warning::ZeroVariance);
        (0.0, degenerate_p(difference))
    }
}

fn newcombe(a: &ProportionSample, b: &ProportionSample, level: ConfidenceLevel) -> Result<Comparison, StatsError> {
    let wa = proportion(a, level, ProportionMethod::Wilson)?;
    let wb = proportion(b, level, ProportionMethod::Wilson)?;
    let (pa, pb) = (a.share(), b.share());
    let (na, nb) = (a.effective_n(), b.effective_n());
    let d = pa - pb;
    let (la, ua) = (wa.interval().lower(), wa.interval().upper());
    let (lb, ub) = (wb.interval().lower(), wb.interval().upper());
    let lower = d - ((pa - la).powi(2) + (ub - pb).powi(2)).sqrt();
    let upper = d + ((ua - pa).powi(2) + (pb - lb).powi(2)).sqrt();
    let se = (pa * (1.0 - pa) / na + pb * (1.0 - pb) / nb).max(0.0).sqrt();
    let pooled = (pa * na + pb * nb) / (na + nb);
    let se0 = (pooled * (1.0 - pooled) * (1.0 / na + 1.0 / nb)).max(0.0).sqrt();
    let mut warnings = flag_thin(Vec::new(), na, nb);
    let (statistic, p_value) = z_test(d, se0, &mut warnings);
    let (n, n_eff) = combined((a.n(), na), (b.n(), nb));
    let difference = Estimate::assemble_quiet(
        d,
        n,
        n_eff,
        se,
        (lower, upper),
        (-1.0, 1.0),
        level,
        Method::NewcombeHybridScore,
        warnings,
    )?
    .with_variance_method(weighting(a.variance_method(), b.variance_method()));
    Ok(Comparison { difference, statistic, p_value, test: TestMethod::PooledZ, degrees_of_freedom: None })
}

/// Compares two means with Welch's t: `d = x̄_a − x̄_b`, `SE = √(s²_a/n_a + s²_b/n_b)`, degrees of freedom
/// `SE⁴ / ((s²_a/n_a)²/(n_a−1) + (s²_b/n_b)²/(n_b−1))` (Welch–Satterthwaite, computed without overflow for
/// any finite variances), interval `d ± t·SE` and a
/// two-sided t test. When both samples declare the same bounds `[lo, hi]` the interval is clamped to
/// `[lo − hi, hi − lo]`.
///
/// # Errors
///
/// [`StatsError::TooFewObservations`] when either effective sample size is 1 or less.
///
/// ```
/// use customer_care::stats::{mean_difference, ConfidenceLevel, MeanSample};
///
/// let a = MeanSample::from_values(&[5.0, 6.0, 7.0, 6.0, 5.0, 7.0])?;
/// let b = MeanSample::from_values(&[4.0, 5.0, 4.0, 3.0, 5.0, 4.0])?;
/// let c = mean_difference(&a, &b, ConfidenceLevel::default())?;
/// assert!((c.difference().value() - 1.833333).abs() < 1e-6);
/// assert!(c.p_value() < 0.01);
/// # Ok::<(), customer_care::stats::StatsError>(())
/// ```
pub fn mean_difference(a: &MeanSample, b: &MeanSample, level: ConfidenceLevel) -> Result<Comparison, StatsError> {
    for s in [a, b] {
        if s.effective_n() <= 1.0 {
            return Err(StatsError::TooFewObservations { method: Method::WelchT, effective_n: show(s.effective_n()) });
        }
    }
    let (na, nb) = (a.effective_n(), b.effective_n());
    let (va, vb) = (a.variance() / na, b.variance() / nb);
    let d = a.mean() - b.mean();
    let se = (va + vb).sqrt();
    let mut warnings = flag_thin(Vec::new(), na, nb);
    let (df, statistic, p_value) = if se > 0.0 {
        let df = welch_degrees_of_freedom((va, na), (vb, nb));
        let s = d / se;
        (df, s, student_t_two_sided(s, df).clamp(0.0, 1.0))
    } else {
        warnings.push(Warning::ZeroVariance);
        (na + nb - 2.0, 0.0, degenerate_p(d))
    };
    let t = level.t(df);
    let bounds = match (a.bounds(), b.bounds()) {
        (Some(x), Some(y)) if x == y => (x.0 - x.1, x.1 - x.0),
        _ => (f64::MIN, f64::MAX),
    };
    let (n, n_eff) = combined((a.n(), na), (b.n(), nb));
    let difference =
        Estimate::assemble_quiet(d, n, n_eff, se, (d - t * se, d + t * se), bounds, level, Method::WelchT, warnings)?
            .with_variance_method(weighting(a.variance_method(), b.variance_method()));
    Ok(Comparison { difference, statistic, p_value, test: TestMethod::WelchT, degrees_of_freedom: Some(df) })
}

/// Welch–Satterthwaite degrees of freedom from the squared standard errors `v = s²/n` and the effective sizes
/// `n > 1` of two samples, not both `v` zero. Computed on the `v`s divided by the larger one (the ratio is
/// scale-free), so squaring cannot overflow or underflow: the numerator is at most 4, the denominator at least
/// `1/(n − 1)` of the larger, and the result lies in `[min(n_a, n_b) − 1, n_a + n_b − 2]`.
fn welch_degrees_of_freedom((va, na): (f64, f64), (vb, nb): (f64, f64)) -> f64 {
    let larger = va.max(vb);
    let (ra, rb) = (va / larger, vb / larger);
    (ra + rb).powi(2) / (ra * ra / (na - 1.0) + rb * rb / (nb - 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn net_difference_zero_variance() {
        let a = NetSample::from_counts(5, 0, 0).unwrap();
        let b = NetSample::from_counts(0, 0, 5).unwrap();
        let c = net_difference(&a, &b, ConfidenceLevel::default()).unwrap();
        assert_eq!(c.p_value(), 0.0);
        assert_eq!(c.difference().value(), 2.0);
        let c = net_difference(&a, &a, ConfidenceLevel::default()).unwrap();
        assert_eq!(c.p_value(), 1.0);
        assert!(c.difference().warnings().contains(&Warning::ZeroVariance));
    }

    #[test]
    fn welch_known_value() {
        // scipy.stats.ttest_ind([5,6,7,6,5,7], [4,5,4,3,5,4], equal_var=False)
        let a = MeanSample::from_values(&[5.0, 6.0, 7.0, 6.0, 5.0, 7.0]).unwrap();
        let b = MeanSample::from_values(&[4.0, 5.0, 4.0, 3.0, 5.0, 4.0]).unwrap();
        let c = mean_difference(&a, &b, ConfidenceLevel::default()).unwrap();
        assert!((c.statistic() - WELCH_T).abs() < 1e-9, "{}", c.statistic());
        assert!((c.p_value() - WELCH_P).abs() < 1e-9, "{}", c.p_value());
        assert!((c.degrees_of_freedom().unwrap() - WELCH_DF).abs() < 1e-9);
    }

    #[test]
    fn serde_validates() {
        let a = ProportionSample::from_counts(56, 70).unwrap();
        let b = ProportionSample::from_counts(48, 80).unwrap();
        let c = proportion_difference(&a, &b, ConfidenceLevel::default()).unwrap();
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<Comparison>(&json).unwrap(), c);
        let bad = json.replace(&format!("\"p_value\":{}", c.p_value()), "\"p_value\":1.5");
        assert!(serde_json::from_str::<Comparison>(&bad).is_err());
    }

    #[test]
    fn net_difference_known_value() {
        // June 300/100/100 (NPS 40) against May 250/100/150 (NPS 20): SE √(0.44/500 + 0.96/500), z = 3.7796,
        // p = 2·norm.sf(3.7796) = 0.000157052 (scipy.stats).
        let june = NetSample::from_counts(300, 100, 100).unwrap();
        let may = NetSample::from_counts(250, 100, 150).unwrap();
        let c = net_difference(&june, &may, ConfidenceLevel::default()).unwrap();
        let d = c.difference();
        assert!((d.value() - 0.2).abs() < 1e-12);
        assert!((d.standard_error() - 0.052_915_026_221_291_815).abs() < 1e-12);
        assert!((c.statistic() - 3.779_644_730_092_271_3).abs() < 1e-9);
        assert!((c.p_value() - 0.000_157_052_284_230_752_1).abs() < 1e-12);
        assert!((d.interval().lower() - 0.096_288_454_365_275_42).abs() < 1e-9);
        assert!((d.interval().upper() - 0.303_711_545_634_724_5).abs() < 1e-9);
        assert_eq!((c.test(), c.degrees_of_freedom(), d.method()), (TestMethod::Z, None, Method::WaldDifference));
        assert_eq!((d.n(), d.effective_n()), (1000, 1000.0));
        assert!(!d.is_thin() && c.is_significant(ConfidenceLevel::default()));
        // Reversed: the same test, the difference negated.
        let r = net_difference(&may, &june, ConfidenceLevel::default()).unwrap();
        assert!((r.statistic() + c.statistic()).abs() < 1e-12 && (r.p_value() - c.p_value()).abs() < 1e-15);
    }

    #[test]
    fn newcombe_table_ii() {
        // Newcombe (1998), Statistics in Medicine 17, Table II, method 10 (hybrid score), 95 %.
        for ((a, m, b, n), (lo, hi)) in [
            ((56, 70, 48, 80), (0.0524, 0.3339)),
            ((9, 10, 3, 10), (0.1705, 0.8090)),
            ((5, 56, 0, 29), (-0.0381, 0.1926)),
            ((0, 10, 0, 20), (-0.1611, 0.2775)),
            ((10, 10, 0, 20), (0.6791, 1.0)),
            ((10, 10, 0, 10), (0.6075, 1.0)),
        ] {
            let x = ProportionSample::from_counts(a, m).unwrap();
            let y = ProportionSample::from_counts(b, n).unwrap();
            let c = proportion_difference(&x, &y, ConfidenceLevel::default()).unwrap();
            let i = c.difference().interval();
            assert!((i.lower() - lo).abs() < 5e-5 && (i.upper() - hi).abs() < 5e-5, "{a}/{m} − {b}/{n}: {i}");
        }
        // 56/70 − 48/80: pooled z = 2.65017, p = 0.0080451 (scipy.stats.norm.sf), unpooled SE 0.0727029.
        let c = proportion_difference(
            &ProportionSample::from_counts(56, 70).unwrap(),
            &ProportionSample::from_counts(48, 80).unwrap(),
            ConfidenceLevel::default(),
        )
        .unwrap();
        assert!((c.statistic() - 2.650_171_951_258_533_6).abs() < 1e-9);
        assert!((c.p_value() - 0.008_045_081_368_196_56).abs() < 1e-9);
        assert!((c.difference().standard_error() - 0.072_702_917_999_997).abs() < 1e-12);
        assert_eq!(c.test(), TestMethod::PooledZ);
        // Both certain and equal: no evidence of a difference.
        let all = ProportionSample::from_counts(5, 5).unwrap();
        let c = proportion_difference(&all, &all, ConfidenceLevel::default()).unwrap();
        assert_eq!((c.statistic(), c.p_value()), (0.0, 1.0));
        assert!(c.difference().warnings().contains(&Warning::ZeroVariance));
        assert!(c.difference().is_thin());
        // 5/5 against 0/5: pooled ½, z = 1/√(¼·⅖) = √10, p = 2·norm.sf(√10) (scipy.stats).
        let none = ProportionSample::from_counts(0, 5).unwrap();
        let c = proportion_difference(&all, &none, ConfidenceLevel::default()).unwrap();
        assert!((c.statistic() - 10_f64.sqrt()).abs() < 1e-12);
        assert!((c.p_value() - 0.001_565_402_258_002_551_5).abs() < 1e-12, "{}", c.p_value());
    }

    #[test]
    fn welch_interval_bounds_and_scaling() {
        let a = MeanSample::from_values(&[5.0, 6.0, 7.0, 6.0, 5.0, 7.0]).unwrap().within(1.0, 7.0).unwrap();
        let b = MeanSample::from_values(&[4.0, 5.0, 4.0, 3.0, 5.0, 4.0]).unwrap().within(1.0, 7.0).unwrap();
        let c = mean_difference(&a, &b, ConfidenceLevel::default()).unwrap();
        // d ± t(0.975; 9.7168)·SE, SE = √(0.8/6 + 0.5667/6) (scipy.stats.t.ppf(0.975, 9.716763005780345) = 2.2369740122220154).
        let se = (0.8_f64 / 6.0 + 0.566_666_666_666_666_7 / 6.0).sqrt();
        assert!((c.difference().standard_error() - se).abs() < 1e-12);
        let half = c.difference().interval().half_width();
        assert!((half / se - 2.236_974_012_222_015_4).abs() < 1e-9, "{half}");
        assert_eq!((c.test(), c.difference().method()), (TestMethod::WelchT, Method::WelchT));
        let pct = c.scaled(10.0).unwrap();
        assert!((pct.difference().value() - 10.0 * c.difference().value()).abs() < 1e-12);
        assert_eq!((pct.statistic(), pct.p_value()), (c.statistic(), c.p_value()));
        // Same bounds [1, 7]: the difference lives in [−6, 6]; both without spread and apart: certain.
        let hi = MeanSample::new(3, 3.0, 7.0, 0.0).unwrap().within(1.0, 7.0).unwrap();
        let lo = MeanSample::new(3, 3.0, 1.0, 0.0).unwrap().within(1.0, 7.0).unwrap();
        let c = mean_difference(&hi, &lo, ConfidenceLevel::default()).unwrap();
        assert_eq!((c.difference().value(), c.p_value(), c.degrees_of_freedom()), (6.0, 0.0, Some(4.0)));
        assert_eq!(c.difference().interval().upper(), 6.0);
        let one = MeanSample::new(1, 1.0, 3.0, 0.0).unwrap();
        assert!(matches!(
            mean_difference(&one, &hi, ConfidenceLevel::default()),
            Err(StatsError::TooFewObservations { .. })
        ));
        assert!(mean_difference(&hi, &one, ConfidenceLevel::default()).is_err());
    }

    #[test]
    fn significance_thinness_and_sizes() {
        let level = ConfidenceLevel::default();
        // Weighted samples: the combined effective size is the sum, 4 + 6, not the product.
        let a = ProportionSample::weighted(0.5, 10, 4.0).unwrap();
        let b = ProportionSample::weighted(0.25, 12, 6.0).unwrap();
        let c = proportion_difference(&a, &b, level).unwrap();
        assert_eq!((c.difference().n(), c.difference().effective_n()), (22, 10.0));
        // The thin-sample warning judges the smaller sample: 29 against 1,000 is thin, 30 is not.
        let big = NetSample::from_counts(500, 300, 200).unwrap();
        for (n, thin) in [(29_u32, true), (30, false)] {
            let small = NetSample::from_counts(u64::from(n / 2), u64::from(n - n / 2), 0).unwrap();
            let d = net_difference(&small, &big, level).unwrap();
            assert_eq!(d.difference().is_thin(), thin, "{n}");
            if thin {
                assert_eq!(
                    d.difference().warnings()[0],
                    Warning::ThinSample { effective_n: f64::from(n), threshold: THIN_SAMPLE }
                );
            }
        }
        // Significant strictly below α.
        let c = net_difference(&big, &big, level).unwrap();
        assert!(!c.is_significant(level) && c.p_value() == 1.0);
        let barely = Comparison { p_value: level.alpha(), ..c.clone() };
        assert!(!barely.is_significant(level));
        let below = Comparison { p_value: 0.049_999, ..c };
        assert!(below.is_significant(level));
    }

    #[test]
    fn deserialized_degrees_of_freedom_are_checked() {
        let a = MeanSample::from_values(&[5.0, 6.0, 7.0, 6.0, 5.0, 7.0]).unwrap();
        let b = MeanSample::from_values(&[4.0, 5.0, 4.0, 3.0, 5.0, 4.0]).unwrap();
        let c = mean_difference(&a, &b, ConfidenceLevel::default()).unwrap();
        let json = serde_json::to_string(&c).unwrap();
        // serde_json's default float parser may be an ulp off; everything else round-trips exactly.
        let back = serde_json::from_str::<Comparison>(&json).unwrap();
        assert_eq!((back.difference(), back.statistic(), back.p_value()), (c.difference(), c.statistic(), c.p_value()));
        assert!((back.degrees_of_freedom().unwrap() / c.degrees_of_freedom().unwrap() - 1.0).abs() < 1e-15);
        let df = format!("\"degrees_of_freedom\":{}", c.degrees_of_freedom().unwrap());
        for bad in ["0.0", "-3.0", "null"] {
            let changed = json.replace(&df, &format!("\"degrees_of_freedom\":{bad}"));
            let parsed = serde_json::from_str::<Comparison>(&changed);
            assert_eq!(parsed.is_ok(), bad == "null", "{bad}");
        }
        let statistic = format!("\"statistic\":{}", c.statistic());
        assert!(serde_json::from_str::<Comparison>(&json.replace(&statistic, "\"statistic\":\"x\"")).is_err());
        let p = format!("\"p_value\":{}", c.p_value());
        assert!(serde_json::from_str::<Comparison>(&json.replace(&p, "\"p_value\":-0.1")).is_err());
    }

    #[test]
    fn welch_degrees_of_freedom_survive_huge_variances() {
        // Regression: (s²_a/n_a)² overflowed for variances near 1e200 (and underflowed near 1e-153), the ratio
        // became ∞/∞ = NaN and the pooled n_a + n_b − 2 = 28 was used instead. Scale-free, the ratio is
        // 1 / (r²/(n_a − 1) + (1 − r)²/(n_b − 1)) with r = (s²_a/n_a)/SE² = ⅔: 18.105882352941176.
        // scipy.stats: t = 5e99/√1.5e199 = 1.2909944487358058, 2·t.sf(t, 18.10588) = 0.21294660071447957,
        // t.ppf(0.975, 18.10588) = 2.100041725260924.
        let a = MeanSample::new(10, 10.0, 5e99, 1e200).unwrap();
        let b = MeanSample::new(20, 20.0, 0.0, 1e200).unwrap();
        let c = mean_difference(&a, &b, ConfidenceLevel::default()).unwrap();
        let df = c.degrees_of_freedom().unwrap();
        assert!((df - 18.105_882_352_941_176).abs() < 1e-12, "{df}");
        assert!((c.statistic() - 1.290_994_448_735_805_8).abs() < 1e-12);
        assert!((c.p_value() - 0.212_946_600_714_479_57).abs() < 1e-12, "{}", c.p_value());
        let se = 1.5e199_f64.sqrt();
        let half = c.difference().interval().half_width();
        assert!((half / se - 2.100_041_725_260_924).abs() < 1e-9, "{}", half / se);
        // The same samples scaled down by 1e100 give the same degrees of freedom and test.
        let small = mean_difference(
            &MeanSample::new(10, 10.0, 5e-1, 1.0).unwrap(),
            &MeanSample::new(20, 20.0, 0.0, 1.0).unwrap(),
            ConfidenceLevel::default(),
        )
        .unwrap();
        assert!((small.degrees_of_freedom().unwrap() - df).abs() < 1e-12);
        assert!((small.p_value() - c.p_value()).abs() < 1e-12);
        // And tiny ones: (3e-153/193)² underflowed to 0/0; one sample without spread leaves n_b − 1 = 192.
        let flat = MeanSample::new(2, 2.0, 1.0, 0.0).unwrap();
        let tiny = MeanSample::new(193, 193.0, 1.0, 3e-153).unwrap();
        let c = mean_difference(&flat, &tiny, ConfidenceLevel::default()).unwrap();
        assert_eq!(c.degrees_of_freedom(), Some(192.0));
    }

    #[test]
    fn welch_interval_is_clamped_only_by_shared_bounds() {
        // 6.9 against 1.1 on a 1–7 scale, s² = 0.09 each, n = 4: SE = 0.2121320, df = 6, t(0.975; 6) = 2.446912
        // (scipy.stats.t.ppf), raw interval [5.280932, 6.319068]; the difference of two means on [1, 7] is at most 6.
        let a = MeanSample::new(4, 4.0, 6.9, 0.09).unwrap();
        let b = MeanSample::new(4, 4.0, 1.1, 0.09).unwrap();
        let level = ConfidenceLevel::default();
        let free = mean_difference(&a, &b, level).unwrap();
        assert!((free.difference().interval().lower() - 5.280_931_611_126_898).abs() < 1e-9);
        assert!((free.difference().interval().upper() - 6.319_068_388_873_103).abs() < 1e-9);
        assert!((free.degrees_of_freedom().unwrap() - 6.0).abs() < 1e-12);
        assert!(!free.difference().warnings().iter().any(|w| matches!(w, Warning::Clamped { .. })));
        let scale = |s: MeanSample| s.within(1.0, 7.0).unwrap();
        let bounded = mean_difference(&scale(a), &scale(b), level).unwrap();
        let i = bounded.difference().interval();
        assert_eq!(i.upper(), 6.0);
        assert!((i.lower() - 5.280_931_611_126_898).abs() < 1e-9);
        let Some(Warning::Clamped { bound, unclamped }) = bounded.difference().warnings().last() else {
            panic!("no clamping: {:?}", bounded.difference().warnings());
        };
        assert_eq!(*bound, crate::stats::Bound::Upper);
        assert!((unclamped - 6.319_068_388_873_103).abs() < 1e-9);
        // Reversed, the lower end is cut at −6.
        let reversed = mean_difference(&scale(b), &scale(a), level).unwrap();
        assert_eq!(reversed.difference().interval().lower(), -6.0);
        // Bounds that differ (or only one side bounded) leave the interval alone.
        let other = a.within(0.0, 10.0).unwrap();
        for (x, y) in [(other, scale(b)), (scale(a), b), (a, scale(b))] {
            assert_eq!(mean_difference(&x, &y, level).unwrap().difference().interval(), free.difference().interval());
        }
    }

    proptest::proptest! {
        /// Welch–Satterthwaite degrees of freedom lie between min(n_a, n_b) − 1 and n_a + n_b − 2 for any finite
        /// variances, and do not change when both are scaled by a power of two (the ratio is scale-free), however
        /// close to overflow or underflow that takes them.
        #[test]
        fn welch_degrees_of_freedom_are_bounded_and_scale_free(
            na in 1.0001_f64..1e7,
            nb in 1.0001_f64..1e7,
            va in proptest::num::f64::POSITIVE | proptest::num::f64::ZERO,
            vb in proptest::num::f64::POSITIVE,
            shift in -1000_i32..1000,
        ) {
            let df = welch_degrees_of_freedom((va, na), (vb, nb));
            proptest::prop_assert!(df.is_finite(), "{df}");
            proptest::prop_assert!(df >= (na.min(nb) - 1.0) * (1.0 - 1e-12), "{df} below min(n) − 1");
            proptest::prop_assert!(df <= (na + nb - 2.0) * (1.0 + 1e-12), "{df} above n_a + n_b − 2");
            // The same ratio of variances at another scale (both stay normal numbers).
            let factor = 2_f64.powi(shift);
            let (sa, sb) = (va * factor, vb * factor);
            if sb.is_normal() && sa.is_finite() && (va == 0.0 || sa.is_normal()) {
                let other = welch_degrees_of_freedom((sa, na), (sb, nb));
                proptest::prop_assert!((other / df - 1.0).abs() < 1e-12, "{df} vs {other} at 2^{shift}");
            }
            // Symmetric in the two samples.
            proptest::prop_assert_eq!(welch_degrees_of_freedom((vb, nb), (va, na)), df);
        }
    }

    #[test]
    fn wald_difference_of_proportions_known_answers() {
        // statsmodels confint_proportions_2indep(..., method="wald", compare="diff") and
        // test_proportions_2indep(..., method="wald") (tests/data/surveys_reference.py).
        for ((a, m, b, n), (lo, hi), z, p) in [
            (
                (56, 70, 48, 80),
                (0.057_504_899_149_037_114, 0.342_495_100_850_963),
                2.750_921_221_621_508,
                0.005_942_793_304_202_759,
            ),
            (
                (9, 10, 3, 10),
                (0.260_524_279_777_148_54, 0.939_475_720_222_851_6),
                3.464_101_615_137_755_7,
                0.000_532_005_505_139_246_6,
            ),
        ] {
            let x = ProportionSample::from_counts(a, m).unwrap();
            let y = ProportionSample::from_counts(b, n).unwrap();
            let c = proportion_difference_by(&x, &y, ConfidenceLevel::default(), DifferenceMethod::Wald).unwrap();
            let i = c.difference().interval();
            assert!((i.lower() - lo).abs() < 1e-12 && (i.upper() - hi).abs() < 1e-12, "{i}");
            assert!((c.statistic() - z).abs() < 1e-9, "{}", c.statistic());
            assert!((c.p_value() - p).abs() < 1e-12, "{}", c.p_value());
            assert_eq!((c.test(), c.difference().method()), (TestMethod::Z, Method::WaldDifference));
        }
        // The default method is Newcombe's, as proportion_difference.
        let x = ProportionSample::from_counts(56, 70).unwrap();
        let y = ProportionSample::from_counts(48, 80).unwrap();
        let level = ConfidenceLevel::default();
        assert_eq!(
            proportion_difference_by(&x, &y, level, DifferenceMethod::default()).unwrap(),
            proportion_difference(&x, &y, level).unwrap()
        );
        // Both without spread: a certain difference, clamped to the scale of a difference.
        let all = ProportionSample::from_counts(5, 5).unwrap();
        let none = ProportionSample::from_counts(0, 5).unwrap();
        let c = proportion_difference_by(&all, &none, level, DifferenceMethod::Wald).unwrap();
        assert_eq!((c.statistic(), c.p_value(), c.difference().value()), (0.0, 0.0, 1.0));
        assert!(c.difference().warnings().contains(&Warning::ZeroVariance));
    }

    const WELCH_T: f64 = 3.841_366_626_732_68;
    const WELCH_P: f64 = 0.003_434_375_992_157_661;
    const WELCH_DF: f64 = 9.716_763_005_780_345;

    #[test]
    fn welch_interval_ignores_narrow_bounds_of_one_sample_when_the_other_differs() {
        // 6.9 against 1.1, s² = 0.09 each, n = 4: raw interval [5.280932, 6.319068] (as above). Only shared
        // bounds clamp: [1, 7] against [0, 10] must not cut the upper end at 6 (the width of the first scale), in
        // either order.
        let a = MeanSample::new(4, 4.0, 6.9, 0.09).unwrap();
        let b = MeanSample::new(4, 4.0, 1.1, 0.09).unwrap();
        let level = ConfidenceLevel::default();
        let free = mean_difference(&a, &b, level).unwrap().difference().interval();
        let narrow = |s: MeanSample| s.within(1.0, 7.0).unwrap();
        let wide = |s: MeanSample| s.within(0.0, 10.0).unwrap();
        for (x, y) in [(narrow(a), wide(b)), (wide(a), narrow(b))] {
            let c = mean_difference(&x, &y, level).unwrap();
            assert_eq!(c.difference().interval(), free);
            assert!((c.difference().interval().upper() - 6.319_068_388_873_103).abs() < 1e-9);
            assert!(!c.difference().warnings().iter().any(|w| matches!(w, Warning::Clamped { .. })));
        }
    }
}
