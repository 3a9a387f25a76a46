//! [`Estimate`]: a point estimate with its sample size, standard error, interval, method and warnings.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::error::{StatsError, show};
use super::level::ConfidenceLevel;
use super::method::{Method, VarianceMethod};

/// Effective sample sizes below this are flagged with [`Warning::ThinSample`].
///
/// Thirty is the usual rule of thumb below which normal approximations and single-number dashboards mislead.
pub const THIN_SAMPLE: f64 = 30.0;

/// Which end of an interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// The lower end.
    Lower,
    /// The upper end.
    Upper,
}

/// Something a reader of an estimate should know, reported as data rather than logged.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Warning {
    /// The effective sample size is below `threshold` ([`THIN_SAMPLE`]).
    ThinSample {
        /// The effective sample size (Kish for weighted data).
        effective_n: f64,
        /// The threshold it fell below.
        threshold: f64,
    },
    /// The interval reached past the scale and was cut at the scale's end.
    Clamped {
        /// Which end was cut.
        bound: Bound,
        /// Where it would have been.
        unclamped: f64,
    },
    /// The sample has no spread (every response alike), so the standard error is zero and a Wald-type interval
    /// collapses to a point.
    ZeroVariance,
    /// The interval, centred on the adjusted estimate, did not reach the raw point estimate and was extended to
    /// it (adjusted Wald with few responses or a low level).
    ExtendedToEstimate {
        /// Which end was moved.
        bound: Bound,
        /// Where it was before.
        unextended: f64,
    },
}

/// A confidence interval, `lower ≤ upper`, both finite.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "IntervalRepr", into = "IntervalRepr")]
pub struct Interval {
    lower: f64,
    upper: f64,
}

#[derive(Serialize, Deserialize)]
struct IntervalRepr {
    lower: f64,
    upper: f64,
}

impl Interval {
    /// Validates an interval.
    ///
    /// # Errors
    ///
    /// [`StatsError::InvalidArgument`] unless both ends are finite and `lower ≤ upper`.
    pub fn new(lower: f64, upper: f64) -> Result<Self, StatsError> {
        if lower.is_finite() && upper.is_finite() && lower <= upper {
            Ok(Self { lower, upper })
        } else {
            Err(StatsError::InvalidArgument {
                name: "interval".into(),
                value: format!("[{}, {}]", show(lower), show(upper)),
                expected: "finite ends with lower <= upper".into(),
            })
        }
    }

    /// The lower end.
    pub const fn lower(&self) -> f64 {
        self.lower
    }

    /// The upper end.
    pub const fn upper(&self) -> f64 {
        self.upper
    }

    /// Half the width: the "margin of error" of a symmetric interval.
    pub fn half_width(&self) -> f64 {
        (self.upper - self.lower) / 2.0
    }

    /// Whether `x` lies within the interval, ends included.
    pub fn contains(&self, x: f64) -> bool {
        self.lower <= x && x <= self.upper
    }
}

impl TryFrom<IntervalRepr> for Interval {
    type Error = StatsError;
    fn try_from(r: IntervalRepr) -> Result<Self, StatsError> {
        Self::new(r.lower, r.upper)
    }
}

impl From<Interval> for IntervalRepr {
    fn from(i: Interval) -> Self {
        Self { lower: i.lower, upper: i.upper }
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match f.precision() {
            Some(p) => write!(f, "[{:.p$}, {:.p$}]", self.lower, self.upper),
            None => write!(f, "[{}, {}]", self.lower, self.upper),
        }
    }
}

/// A point estimate with everything needed to judge it.
///
/// - `value`: the point estimate (raw, not shrunk, even when the interval is adjusted);
/// - `n`: responses counted; `effective_n`: Kish's effective sample size `(Σw)²/Σw²` (equal to `n` when
///   unweighted), or with [`VarianceMethod::Linearized`] the size that gives the linearized variance, which is
///   what the standard error and interval use; [`variance_method`](Self::variance_method) says which;
/// - `standard_error`, `interval` at `level`, the [`Method`], and [`Warning`]s.
///
/// Guarantees, checked again when deserialized: every number is finite, `interval` contains `value`, the
/// standard error is not negative, and `0 ≤ effective_n ≤ n`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "EstimateRepr", into = "EstimateRepr")]
pub struct Estimate {
    value: f64,
    n: u64,
    effective_n: f64,
    standard_error: f64,
    interval: Interval,
    level: ConfidenceLevel,
    method: Method,
    warnings: Vec<Warning>,
    variance: VarianceMethod,
}

#[derive(Serialize, Deserialize)]
struct EstimateRepr {
    value: f64,
    n: u64,
    effective_n: f64,
    standard_error: f64,
    interval: Interval,
    level: ConfidenceLevel,
    method: Method,
    #[serde(default)]
    warnings: Vec<Warning>,
    /// Absent for [`VarianceMethod::Kish`], the default (the shape before weighted variances were named).
    #[serde(default, skip_serializing_if = "VarianceMethod::is_kish")]
    variance: VarianceMethod,
}

impl Estimate {
    /// Builds an estimate from its parts and checks the guarantees listed on the type; warnings are kept as given.
    ///
    /// # Errors
    ///
    /// [`StatsError::InvalidArgument`] naming the first broken guarantee.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        value: f64,
        n: u64,
        effective_n: f64,
        standard_error: f64,
        interval: Interval,
        level: ConfidenceLevel,
        method: Method,
        warnings: Vec<Warning>,
    ) -> Result<Self, StatsError> {
        let bad = |name: &str, v: f64, expected: &str| StatsError::InvalidArgument {
            name: name.into(),
            value: show(v),
            expected: expected.into(),
        };
        if !value.is_finite() || !interval.contains(value) {
            return Err(bad("value", value, "a finite number within the interval"));
        }
        if !(standard_error.is_finite() && standard_error >= 0.0) {
            return Err(bad("standard error", standard_error, "finite and not negative"));
        }
        if !(effective_n.is_finite() && effective_n >= 0.0 && effective_n <= n as f64 * (1.0 + 1e-12)) {
            return Err(bad("effective n", effective_n, "between 0 and n"));
        }
        Ok(Self {
            value,
            n,
            effective_n,
            standard_error,
            interval,
            level,
            method,
            warnings,
            variance: VarianceMethod::Kish,
        })
    }

    /// The point estimate.
    pub const fn value(&self) -> f64 {
        self.value
    }

    /// Number of responses (or observations) behind the estimate.
    pub const fn n(&self) -> u64 {
        self.n
    }

    /// Kish's effective sample size; equals [`n`](Self::n) for unweighted data.
    pub const fn effective_n(&self) -> f64 {
        self.effective_n
    }

    /// The standard error of the point estimate (for adjusted methods, of the adjusted estimate).
    pub const fn standard_error(&self) -> f64 {
        self.standard_error
    }

    /// The confidence interval.
    pub const fn interval(&self) -> Interval {
        self.interval
    }

    /// The largest distance from the point estimate to an end of the interval. Intervals around a share or an NPS
    /// are often asymmetric (adjusted Wald, Wilson, clamping), so "value ± margin" can mislead: print
    /// [`with_interval`](Self::with_interval), which shows the interval unless it is symmetric.
    pub fn margin(&self) -> f64 {
        (self.value - self.interval.lower).max(self.interval.upper - self.value)
    }

    /// The confidence level of the interval.
    pub const fn level(&self) -> ConfidenceLevel {
        self.level
    }

    /// How the interval was computed.
    pub const fn method(&self) -> Method {
        self.method
    }

    /// How the standard error treats weights: Kish's effective n (the default) or the linearized variance.
    pub const fn variance_method(&self) -> VarianceMethod {
        self.variance
    }

    /// The same estimate naming `variance` as the way its standard error was obtained.
    pub(crate) const fn with_variance_method(mut self, variance: VarianceMethod) -> Self {
        self.variance = variance;
        self
    }

    /// What the reader should know (thin sample, clamping, zero variance, ...).
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// Whether a [`Warning::ThinSample`] is attached.
    pub fn is_thin(&self) -> bool {
        self.warnings.iter().any(|w| matches!(w, Warning::ThinSample { .. }))
    }

    /// The same estimate in other units: every number (value, standard error, interval, warning values) is
    /// multiplied by `factor`, for example 100 to turn a share into percent.
    ///
    /// # Errors
    ///
    /// [`StatsError::InvalidArgument`] unless `factor` is positive and finite and the scaled numbers stay finite.
    ///
    /// ```
    /// use customer_care::stats::{proportion, ConfidenceLevel, ProportionMethod, ProportionSample};
    ///
    /// let share = proportion(&ProportionSample::from_counts(9, 10)?, ConfidenceLevel::default(), ProportionMethod::Wilson)?;
    /// assert_eq!(share.scaled(100.0)?.value(), 90.0);
    /// # Ok::<(), customer_care::stats::StatsError>(())
    /// ```
    pub fn scaled(&self, factor: f64) -> Result<Self, StatsError> {
        if !(factor.is_finite() && factor > 0.0) {
            return Err(StatsError::InvalidArgument {
                name: "factor".into(),
                value: show(factor),
                expected: "a positive finite number".into(),
            });
        }
        let mut warnings = self.warnings.clone();
        for w in &mut warnings {
            match w {
                Warning::Clamped { unclamped, .. } => *unclamped *= factor,
                Warning::ExtendedToEstimate { unextended, .. } => *unextended *= factor,
                _ => {}
            }
        }
        let interval = Interval::new(self.interval.lower * factor, self.interval.upper * factor)?;
        let mut value = self.value * factor;
        // Keep "the interval contains the value" exact under rounding.
        value = value.clamp(interval.lower, interval.upper);
        Ok(Self::new(
            value,
            self.n,
            self.effective_n,
            self.standard_error * factor,
            interval,
            self.level,
            self.method,
            warnings,
        )?
        .with_variance_method(self.variance))
    }

    /// The same estimate moved by `by` (value, interval and warning positions): an estimate of `x − target` from
    /// one of `x` is `shifted(−target)`.
    pub(super) fn shifted(&self, by: f64) -> Result<Self, StatsError> {
        let mut warnings = self.warnings.clone();
        for w in &mut warnings {
            match w {
                Warning::Clamped { unclamped, .. } => *unclamped += by,
                Warning::ExtendedToEstimate { unextended, .. } => *unextended += by,
                _ => {}
            }
        }
        let interval = Interval::new(self.interval.lower + by, self.interval.upper + by)?;
        let value = (self.value + by).clamp(interval.lower, interval.upper);
        Ok(Self::new(
            value,
            self.n,
            self.effective_n,
            self.standard_error,
            interval,
            self.level,
            self.method,
            warnings,
        )?
        .with_variance_method(self.variance))
    }

    /// Assembles an estimate from a raw interval: clamps it to `[min, max]`, extends it to contain `value` and
    /// records the warnings (thin sample, clamping, extension) as it goes.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn assemble(
        value: f64,
        n: u64,
        effective_n: f64,
        standard_error: f64,
        raw: (f64, f64),
        scale: (f64, f64),
        level: ConfidenceLevel,
        method: Method,
        mut warnings: Vec<Warning>,
    ) -> Result<Self, StatsError> {
        if effective_n < THIN_SAMPLE {
            warnings.insert(0, Warning::ThinSample { effective_n, threshold: THIN_SAMPLE });
        }
        Self::assemble_quiet(value, n, effective_n, standard_error, raw, scale, level, method, warnings)
    }

    /// As [`assemble`](Self::assemble), leaving the thin-sample check to the caller (comparisons judge the
    /// smaller sample, not the combined size).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn assemble_quiet(
        value: f64,
        n: u64,
        effective_n: f64,
        standard_error: f64,
        (lower, upper): (f64, f64),
        (min, max): (f64, f64),
        level: ConfidenceLevel,
        method: Method,
        mut warnings: Vec<Warning>,
    ) -> Result<Self, StatsError> {
        let value = value.clamp(min, max);
        let (mut lower, mut upper) = (lower, upper);
        if lower < min {
            warnings.push(Warning::Clamped { bound: Bound::Lower, unclamped: lower });
            lower = min;
        }
        if upper > max {
            warnings.push(Warning::Clamped { bound: Bound::Upper, unclamped: upper });
            upper = max;
        }
        if lower > value {
            warnings.push(Warning::ExtendedToEstimate { bound: Bound::Lower, unextended: lower });
            lower = value;
        }
        if upper < value {
            warnings.push(Warning::ExtendedToEstimate { bound: Bound::Upper, unextended: upper });
            upper = value;
        }
        let interval = Interval::new(lower, upper)?;
        Self::new(value, n, effective_n.min(n as f64), standard_error, interval, level, method, warnings)
    }
}

impl TryFrom<EstimateRepr> for Estimate {
    type Error = StatsError;
    fn try_from(r: EstimateRepr) -> Result<Self, StatsError> {
        Ok(Self::new(r.value, r.n, r.effective_n, r.standard_error, r.interval, r.level, r.method, r.warnings)?
            .with_variance_method(r.variance))
    }
}

impl From<Estimate> for EstimateRepr {
    fn from(e: Estimate) -> Self {
        Self {
            value: e.value,
            n: e.n,
            effective_n: e.effective_n,
            standard_error: e.standard_error,
            interval: e.interval,
            level: e.level,
            method: e.method,
            warnings: e.warnings,
            variance: e.variance,
        }
    }
}

impl fmt::Display for Estimate {
    /// `value [lower, upper] (n = …, 95 % method)`, or `value ± margin (n = …)` when the interval is symmetric at
    /// the printed precision ([`with_interval`](Self::with_interval)); a precision (default 2) applies to the
    /// numbers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision().unwrap_or(2);
        write!(f, "{:.p$} (n = {}, {} {})", self.with_interval(), self.n, self.level, self.method)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn estimate() -> Estimate {
        let interval = Interval::new(0.2, 0.6).unwrap();
        Estimate::new(
            0.4,
            20,
            18.5,
            0.1,
            interval,
            ConfidenceLevel::default(),
            Method::Wilson,
            vec![Warning::ThinSample { effective_n: 18.5, threshold: THIN_SAMPLE }],
        )
        .unwrap()
    }

    #[test]
    fn guarantees_hold_on_the_way_in() {
        let e = estimate();
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(serde_json::from_str::<Estimate>(&json).unwrap(), e);
        let outside = json.replace("\"value\":0.4", "\"value\":0.9");
        assert!(serde_json::from_str::<Estimate>(&outside).is_err());
        let too_big = json.replace("\"effective_n\":18.5", "\"effective_n\":21.0");
        assert!(serde_json::from_str::<Estimate>(&too_big).is_err());
        assert!(serde_json::from_str::<Interval>(r#"{"lower":1.0,"upper":0.0}"#).is_err());
        assert!(Interval::new(f64::NEG_INFINITY, 0.0).is_err());
    }

    #[test]
    fn accessors_and_plain_display() {
        let e = estimate();
        assert_eq!((e.value(), e.n(), e.effective_n(), e.standard_error()), (0.4, 20, 18.5, 0.1));
        assert_eq!((e.level(), e.method()), (ConfidenceLevel::default(), Method::Wilson));
        let i = e.interval();
        assert_eq!((i.lower(), i.upper(), i.to_string()), (0.2, 0.6, "[0.2, 0.6]".to_owned()));
        assert!((i.half_width() - 0.2).abs() < 1e-15);
        assert!(i.contains(0.2) && i.contains(0.6) && !i.contains(0.19) && !i.contains(0.61));
        let names = [
            (Method::Wald, "wald"),
            (Method::AdjustedWald, "adjusted wald"),
            (Method::Wilson, "wilson score"),
            (Method::ClopperPearson, "clopper-pearson"),
            (Method::StudentT, "student t"),
            (Method::WaldDifference, "wald difference"),
            (Method::NewcombeHybridScore, "newcombe hybrid score"),
            (Method::WelchT, "welch t"),
            (Method::AgrestiCoull, "agresti-coull"),
            (Method::WaldNMinusOne, "wald (n - 1)"),
            (Method::IterativeScore, "iterative score"),
            (Method::AdjustedWaldDifference, "adjusted wald difference"),
        ];
        for (method, name) in names {
            // Serialized in snake case, one name per variant.
            let json = serde_json::to_string(&method).unwrap();
            assert_eq!(serde_json::from_str::<Method>(&json).unwrap(), method, "{name}");
        }
        for (method, name) in names {
            assert_eq!(method.to_string(), name);
        }
        // The margin is the longer side of an asymmetric interval.
        let lopsided = Estimate::new(
            0.5,
            10,
            10.0,
            0.1,
            Interval::new(0.45, 0.8).unwrap(),
            ConfidenceLevel::default(),
            Method::Wald,
            vec![],
        )
        .unwrap();
        assert!((lopsided.margin() - 0.3).abs() < 1e-15);
        assert!(!lopsided.is_thin());
        assert!(Estimate::new(0.5, 10, 10.0, -0.1, i, ConfidenceLevel::default(), Method::Wald, vec![]).is_err());
        assert!(Estimate::new(0.5, 10, -1.0, 0.1, i, ConfidenceLevel::default(), Method::Wald, vec![]).is_err());
        assert!(Estimate::new(f64::NAN, 10, 5.0, 0.1, i, ConfidenceLevel::default(), Method::Wald, vec![]).is_err());
        assert!(Estimate::new(0.5, 10, 10.0, 0.0, i, ConfidenceLevel::default(), Method::Wald, vec![]).is_ok());
        // Effective sizes from 0 to n (within rounding) are accepted; the errors name the broken guarantee.
        for eff in [0.0, 10.0, 10.0 * (1.0 + 1e-13)] {
            assert!(Estimate::new(0.5, 10, eff, 0.1, i, ConfidenceLevel::default(), Method::Wald, vec![]).is_ok());
        }
        assert_eq!(
            Estimate::new(0.5, 10, 10.0 * (1.0 + 1e-11), 0.1, i, ConfidenceLevel::default(), Method::Wald, vec![]),
            Err(StatsError::InvalidArgument {
                name: "effective n".into(),
                value: show(10.0 * (1.0 + 1e-11)),
                expected: "between 0 and n".into(),
            })
        );
        assert_eq!(
            Estimate::new(0.5, 10, 10.0, f64::INFINITY, i, ConfidenceLevel::default(), Method::Wald, vec![]),
            Err(StatsError::InvalidArgument {
                name: "standard error".into(),
                value: "inf".into(),
                expected: "finite and not negative".into(),
            })
        );
        assert_eq!(
            Estimate::new(0.1, 10, 10.0, 0.1, i, ConfidenceLevel::default(), Method::Wald, vec![]),
            Err(StatsError::InvalidArgument {
                name: "value".into(),
                value: "0.1".into(),
                expected: "a finite number within the interval".into(),
            })
        );
        assert!(
            Estimate::new(f64::INFINITY, 10, 5.0, 0.1, i, ConfidenceLevel::default(), Method::Wald, vec![]).is_err()
        );
        assert!(Estimate::new(0.5, 10, f64::NAN, 0.1, i, ConfidenceLevel::default(), Method::Wald, vec![]).is_err());
        assert_eq!(
            Interval::new(0.5, f64::NAN).unwrap_err().to_string(),
            "invalid interval: [0.5, NaN] (finite ends with lower <= upper)"
        );
        assert!(Interval::new(f64::NAN, 0.5).is_err() && Interval::new(0.5, 0.5).is_ok());
    }

    #[test]
    fn touching_ends_are_neither_clamped_nor_extended() {
        // An interval that ends exactly at the scale's end or at the value needs no warning.
        let level = ConfidenceLevel::default();
        let e = Estimate::assemble(1.0, 40, 40.0, 0.0, (1.0, 1.0), (-1.0, 1.0), level, Method::Wald, vec![]).unwrap();
        assert_eq!((e.interval(), e.warnings()), (Interval::new(1.0, 1.0).unwrap(), &[][..]));
        let e =
            Estimate::assemble(-1.0, 40, 40.0, 0.0, (-1.0, -1.0), (-1.0, 1.0), level, Method::Wald, vec![]).unwrap();
        assert_eq!((e.interval(), e.warnings()), (Interval::new(-1.0, -1.0).unwrap(), &[][..]));
        let e = Estimate::assemble(0.3, 40, 40.0, 0.1, (0.3, 0.5), (0.0, 1.0), level, Method::Wald, vec![]).unwrap();
        assert_eq!((e.interval(), e.warnings()), (Interval::new(0.3, 0.5).unwrap(), &[][..]));
        let e = Estimate::assemble(0.5, 40, 40.0, 0.1, (0.3, 0.5), (0.0, 1.0), level, Method::Wald, vec![]).unwrap();
        assert_eq!((e.interval(), e.warnings()), (Interval::new(0.3, 0.5).unwrap(), &[][..]));
        // A value outside the scale is clamped into it first.
        let e = Estimate::assemble(1.5, 40, 40.0, 0.1, (0.3, 0.5), (0.0, 1.0), level, Method::Wald, vec![]).unwrap();
        assert_eq!((e.value(), e.interval().upper()), (1.0, 1.0));
        // Scaling keeps the value inside the scaled interval; a factor must be positive and finite.
        let e = estimate();
        for bad in [-1.0, f64::NAN, f64::INFINITY] {
            assert_eq!(
                e.scaled(bad).unwrap_err(),
                StatsError::InvalidArgument {
                    name: "factor".into(),
                    value: show(bad),
                    expected: "a positive finite number".into()
                }
            );
        }
        let third = e.scaled(1.0 / 3.0).unwrap();
        assert!(third.interval().contains(third.value()));
        assert_eq!((third.n(), third.effective_n(), third.method()), (20, 18.5, Method::Wilson));
        assert_eq!(third.warnings(), e.warnings());
    }

    #[test]
    fn assembling_clamps_extends_and_flags() {
        let level = ConfidenceLevel::default();
        // Past both ends of [0, 1]: clamped, each end named with where it would have been.
        let e = Estimate::assemble(0.5, 40, 40.0, 0.4, (-0.3, 1.3), (0.0, 1.0), level, Method::Wald, vec![]).unwrap();
        assert_eq!((e.interval().lower(), e.interval().upper()), (0.0, 1.0));
        assert_eq!(
            e.warnings(),
            [
                Warning::Clamped { bound: Bound::Lower, unclamped: -0.3 },
                Warning::Clamped { bound: Bound::Upper, unclamped: 1.3 }
            ]
        );
        // An interval beside the estimate is extended to it; a thin sample is flagged first.
        let e =
            Estimate::assemble(0.9, 5, 5.0, 0.1, (0.2, 0.6), (0.0, 1.0), level, Method::AdjustedWald, vec![]).unwrap();
        assert_eq!((e.interval().lower(), e.interval().upper()), (0.2, 0.9));
        assert_eq!(
            e.warnings(),
            [
                Warning::ThinSample { effective_n: 5.0, threshold: THIN_SAMPLE },
                Warning::ExtendedToEstimate { bound: Bound::Upper, unextended: 0.6 }
            ]
        );
        let e = Estimate::assemble(0.1, 30, 30.0, 0.1, (0.2, 0.6), (0.0, 1.0), level, Method::AdjustedWald, vec![])
            .unwrap();
        assert_eq!(e.interval().lower(), 0.1);
        assert_eq!(e.warnings(), [Warning::ExtendedToEstimate { bound: Bound::Lower, unextended: 0.2 }]);
        // Exactly 30 is not thin; the effective size never exceeds n.
        assert!(!e.is_thin());
        let e = Estimate::assemble(0.5, 3, 3.5, 0.1, (0.4, 0.6), (0.0, 1.0), level, Method::Wald, vec![]).unwrap();
        assert_eq!(e.effective_n(), 3.0);
        // Scaling scales the warnings' numbers too.
        let e = Estimate::assemble(0.5, 40, 40.0, 0.4, (-0.3, 0.55), (0.0, 1.0), level, Method::Wald, vec![])
            .unwrap()
            .scaled(100.0)
            .unwrap();
        assert_eq!(e.warnings(), [Warning::Clamped { bound: Bound::Lower, unclamped: -30.0 }]);
        assert_eq!((e.value(), e.standard_error()), (50.0, 40.0));
        let e = Estimate::assemble(0.9, 40, 40.0, 0.1, (0.2, 0.6), (0.0, 1.0), level, Method::Wald, vec![])
            .unwrap()
            .scaled(10.0)
            .unwrap();
        assert_eq!(e.warnings(), [Warning::ExtendedToEstimate { bound: Bound::Upper, unextended: 6.0 }]);
    }

    #[test]
    fn display_and_scaling() {
        let e = estimate();
        assert_eq!(format!("{e:.1}"), "0.4 ± 0.2 (n = 20, 95 % wilson score)");
        assert_eq!(format!("{e}"), "0.40 ± 0.20 (n = 20, 95 % wilson score)");
        let skewed =
            Estimate::new(0.4, 20, 20.0, 0.1, Interval::new(0.25, 0.6).unwrap(), e.level(), e.method(), vec![])
                .unwrap();
        assert_eq!(format!("{skewed:.2}"), "0.40 [0.25, 0.60] (n = 20, 95 % wilson score)");
        let pct = e.scaled(100.0).unwrap();
        assert!((pct.value() - 40.0).abs() < 1e-12);
        assert!((pct.margin() - 20.0).abs() < 1e-12);
        assert!(pct.is_thin());
        assert!(e.scaled(0.0).is_err());
        assert!(e.scaled(f64::MAX).unwrap().scaled(10.0).is_err());
    }
}
