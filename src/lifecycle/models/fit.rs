//! What every purchase model shares: the fitted [`Estimate`]s and [`FitReport`], [`FitOptions`], the
//! [`PurchaseModel`] trait, the memoized predictions, and the maximum-likelihood fit.

use serde::{Deserialize, Serialize};

use super::super::error::{LifecycleError, invalid};
use super::super::optimize::{self, Stop};
use super::super::span::{Span, TimeUnit};
use super::super::summary::{CustomerSummary, FitData};
use super::series::AliveSeries;

/// One fitted parameter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Estimate {
    /// The parameter's name (`r`, `alpha`, `a`, `b`, `s`, `beta`, `p`, `q`, `gamma`).
    pub name: String,
    /// The maximum-likelihood estimate.
    pub value: f64,
    /// Standard error from the inverse Hessian; `None` when the Hessian is not positive definite.
    pub standard_error: Option<f64>,
}

/// Why the optimiser stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Convergence {
    /// The gradient (in log-parameters) fell below the tolerance.
    Gradient,
    /// No step improved the log-likelihood any further while the gradient was small: the floating-point limit.
    Stalled,
}

/// How to fit a purchase model: plain maximum likelihood (the default), or with an L2 penalty on the parameters.
///
/// ```
/// use customer_care::lifecycle::FitOptions;
///
/// assert_eq!(FitOptions::default().penalizer(), 0.0);
/// assert_eq!(FitOptions::penalized(0.001)?.penalizer(), 0.001);
/// assert!(FitOptions::penalized(-1.0).is_err());
/// # Ok::<(), customer_care::lifecycle::LifecycleError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "FitOptionsRepr", into = "FitOptionsRepr")]
#[non_exhaustive]
pub struct FitOptions {
    penalizer: f64,
}

/// The serialized form of [`FitOptions`], validated when read.
#[derive(Clone, Copy, Serialize, Deserialize)]
struct FitOptionsRepr {
    penalizer: f64,
}

impl TryFrom<FitOptionsRepr> for FitOptions {
    type Error = LifecycleError;
    fn try_from(r: FitOptionsRepr) -> Result<Self, LifecycleError> {
        Self::penalized(r.penalizer)
    }
}

impl From<FitOptions> for FitOptionsRepr {
    fn from(o: FitOptions) -> Self {
        Self { penalizer: o.penalizer }
    }
}

impl FitOptions {
    /// Maximises the mean log-likelihood per customer minus `penalizer · Σ θ²` over the parameters θ — the
    /// `penalizer_coef` of the Python `lifetimes` package's BG/NBD and MBG/NBD fitters, with the same convention
    /// for the time-scale parameters (α, and β for Pareto/NBD): they enter the penalty in units of the longest
    /// customer age, so the penalty does not depend on the time unit. (`lifetimes`' Pareto/NBD fitter
    /// adds its penalty to the *total* log-likelihood instead: its coefficient equals this one times the number of
    /// customers.)
    ///
    /// A small value (0.001 to 0.01) keeps the estimates finite on data with no interior maximum, at the cost of a
    /// bias towards small parameters; standard errors then come from the penalised curvature.
    ///
    /// # Errors
    ///
    /// [`LifecycleError::InvalidValue`] unless `penalizer` is finite and ≥ 0.
    pub fn penalized(penalizer: f64) -> Result<Self, LifecycleError> {
        if penalizer.is_finite() && penalizer >= 0.0 {
            Ok(Self { penalizer })
        } else {
            Err(invalid("penalizer", penalizer, "a finite number ≥ 0"))
        }
    }

    /// The L2 penalty coefficient (0: plain maximum likelihood).
    pub const fn penalizer(&self) -> f64 {
        self.penalizer
    }
}

/// What a maximum-likelihood fit found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FitReport {
    /// The model's name.
    pub model: String,
    /// The estimates, in the model's parameter order.
    pub parameters: Vec<Estimate>,
    /// The maximised log-likelihood, summed over customers (weights included), in the data's time unit.
    pub log_likelihood: f64,
    /// Optimiser iterations.
    pub iterations: u32,
    /// How the optimiser converged.
    pub convergence: Convergence,
    /// Customers (total weight) fitted.
    pub customers: f64,
    /// Distinct `(x, t_x, T)` patterns fitted.
    pub patterns: usize,
    /// Time unit of the data and of the rate parameters.
    pub unit: TimeUnit,
    /// The L2 penalty coefficient of the fit ([`FitOptions::penalized`]; 0: plain maximum likelihood).
    #[serde(default)]
    pub penalizer: f64,
}

/// P(alive) and the expected purchases over a horizon for one customer.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    /// Probability the customer is still active.
    pub p_alive: f64,
    /// Expected purchases in the horizon.
    pub expected_purchases: f64,
}

/// What every purchase model answers. Summaries and horizons must be in the model's [`TimeUnit`].
pub trait PurchaseModel {
    /// The model's name, such as `"BG/NBD"`.
    fn name(&self) -> &'static str;

    /// The time unit of the rate parameters.
    fn unit(&self) -> TimeUnit;

    /// Probability the customer is still active at the end of observation.
    ///
    /// # Errors
    ///
    /// [`LifecycleError::UnitMismatch`] for a summary in another unit; [`LifecycleError::NumericalFailure`] if a
    /// series does not converge (not expected for valid input).
    fn p_alive(&self, customer: &CustomerSummary) -> Result<f64, LifecycleError>;

    /// Expected purchases in the `horizon` following the end of observation.
    ///
    /// # Errors
    ///
    /// As [`p_alive`](Self::p_alive), and [`LifecycleError::UnitMismatch`] for a horizon in another unit.
    fn expected_purchases(&self, customer: &CustomerSummary, horizon: Span) -> Result<f64, LifecycleError>;

    /// Probability of no purchase at all in the `horizon` following the end of observation.
    ///
    /// # Errors
    ///
    /// As [`expected_purchases`](Self::expected_purchases).
    fn probability_no_purchase(&self, customer: &CustomerSummary, horizon: Span) -> Result<f64, LifecycleError>;

    /// Expected purchases of a randomly chosen new customer in the `horizon` following their first purchase
    /// (repeat purchases, so excluding the first).
    ///
    /// # Errors
    ///
    /// [`LifecycleError::UnitMismatch`] for a horizon in another unit; [`LifecycleError::NumericalFailure`].
    fn expected_purchases_new(&self, horizon: Span) -> Result<f64, LifecycleError>;

    /// The log-likelihood of data under these parameters.
    ///
    /// # Errors
    ///
    /// [`LifecycleError::UnitMismatch`] for data in another unit; [`LifecycleError::NumericalFailure`].
    fn log_likelihood(&self, data: &FitData) -> Result<f64, LifecycleError>;

    /// P(alive) and expected purchases for many customers. Equal to calling the single-customer methods; faster,
    /// because the part of the expectation that depends only on `(x, T)` is computed once per distinct pair.
    ///
    /// # Errors
    ///
    /// As [`expected_purchases`](Self::expected_purchases).
    fn predict_all(&self, customers: &[CustomerSummary], horizon: Span) -> Result<Vec<Prediction>, LifecycleError>;
}

pub(super) fn numerical(what: String) -> LifecycleError {
    LifecycleError::NumericalFailure { what }
}

pub(super) fn check_unit(expected: TimeUnit, found: TimeUnit) -> Result<(), LifecycleError> {
    if expected == found { Ok(()) } else { Err(LifecycleError::UnitMismatch { expected, found }) }
}

/// Internal per-model formulas; predictions are `p_alive × alive_expected`.
pub(super) trait Formulas {
    fn raw_p_alive(&self, x: f64, tx: f64, t_age: f64) -> Option<f64>;
    /// Expected purchases in `t` for a customer alive at `T` with `x` repeat purchases.
    fn alive_expected(&self, x: f64, t_age: f64, t: f64) -> Option<f64>;
    /// For models whose log-odds of being dead split as k(x, T) − (r + x) ln(α + t_x): k.
    fn p_alive_split(&self, _x: f64, _t_age: f64) -> Option<f64> {
        None
    }
    /// P(alive) from the split constant.
    fn p_alive_from_split(&self, _k: f64, _x: f64, _tx: f64) -> f64 {
        f64::NAN
    }
    /// For models whose alive expectation is a power series per frequency: the series for these customers and
    /// a horizon `t` > 0.
    fn alive_series(&self, _t: f64, _customers: &[CustomerSummary]) -> Option<AliveSeries> {
        None
    }
}

/// One customer's prediction by the per-customer formulas: what [`predict_all_with`] must equal.
pub(super) fn predict_one<M: Formulas>(
    model: &M,
    unit: TimeUnit,
    customer: &CustomerSummary,
    horizon: Span,
) -> Result<Prediction, LifecycleError> {
    let t = horizon.length_in(unit)?;
    check_unit(unit, customer.unit())?;
    let (x, tx, age) = (customer.frequency(), customer.recency(), customer.age());
    let xf = f64::from(x);
    let alive_expected = model
        .alive_expected(xf, age, t)
        .ok_or_else(|| numerical(format!("expected purchases for x = {x}, T = {age}, t = {t}")))?;
    let p_alive = p_alive_with(model, model.p_alive_split(xf, age), xf, tx, age)?;
    Ok(Prediction { p_alive, expected_purchases: p_alive * alive_expected })
}

/// P(alive) from the split constant when the model has one, else from the full formula.
fn p_alive_with<M: Formulas>(model: &M, split: Option<f64>, x: f64, tx: f64, age: f64) -> Result<f64, LifecycleError> {
    match split {
        Some(k) => Ok(model.p_alive_from_split(k, x, tx)),
        None => model
            .raw_p_alive(x, tx, age)
            .ok_or_else(|| numerical(format!("p(alive) for x = {x}, t_x = {tx}, T = {age}"))),
    }
}

/// Predictions through a small direct-mapped memo keyed by `(x, T)`: the expectation of an alive customer and
/// the P(alive) constant depend on those only, and day-resolution logs repeat them a lot. On a miss the expectation
/// comes from the model's per-frequency series where it has one (every customer of a log with timestamps is a
/// miss), else from the per-customer formula. Equal to [`predict_one`] for every customer to rounding.
pub(super) fn predict_all_with<M: Formulas>(
    model: &M,
    unit: TimeUnit,
    customers: &[CustomerSummary],
    horizon: Span,
) -> Result<Vec<Prediction>, LifecycleError> {
    let t = horizon.length_in(unit)?;
    let bits = customers.len().clamp(1, 1 << 14).next_power_of_two().trailing_zeros();
    let mut memo: Vec<(u32, u64, f64, Option<f64>)> = vec![(u32::MAX, u64::MAX, 0.0, None); 1 << bits];
    let series = if t > 0.0 { model.alive_series(t, customers) } else { None };
    let mut out = Vec::with_capacity(customers.len());
    // With timestamps every customer is distinct: after a sample that hits less than a quarter of the time, the
    // memo (a cache miss of its own per lookup) is dropped.
    let mut remember = true;
    let mut hits = 0usize;
    for (i, c) in customers.iter().enumerate() {
        if i == MEMO_SAMPLE && hits < MEMO_SAMPLE / 4 {
            remember = false;
        }
        check_unit(unit, c.unit())?;
        let (x, tx, age) = (c.frequency(), c.recency(), c.age());
        let key = age.to_bits();
        let hash = (u64::from(x).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ key).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
        let slot = if bits == 0 || !remember { 0 } else { (hash >> (64 - bits)) as usize };
        let xf = f64::from(x);
        let (alive_expected, split) = match remember.then(|| memo.get(slot)).flatten() {
            Some(&(mx, mk, v, k)) if mx == x && mk == key => {
                hits += 1;
                (v, k)
            }
            _ => {
                let (v, k) = match series.as_ref().and_then(|s| s.alive_expected_and_split(x, age)) {
                    Some((v, k)) => (v, Some(k)),
                    None => (
                        model
                            .alive_expected(xf, age, t)
                            .ok_or_else(|| numerical(format!("expected purchases for x = {x}, T = {age}, t = {t}")))?,
                        model.p_alive_split(xf, age),
                    ),
                };
                if remember && let Some(m) = memo.get_mut(slot) {
                    *m = (x, key, v, k);
                }
                (v, k)
            }
        };
        let p_alive = p_alive_with(model, split, xf, tx, age)?;
        out.push(Prediction { p_alive, expected_purchases: p_alive * alive_expected });
    }
    Ok(out)
}

/// Customers looked up before `predict_all_with` decides whether the memo pays.
const MEMO_SAMPLE: usize = 4096;

/// A logistic of a log-odds, clamped into [0, 1] without NaN.
pub(super) fn logistic(log_odds: f64) -> f64 {
    if log_odds >= 0.0 {
        1.0 / (1.0 + (-log_odds).exp())
    } else {
        let e = log_odds.exp();
        e / (1.0 + e)
    }
}

/// Estimates outside these bounds are reported as a failed fit (a maximum at the edge of the parameter space).
pub(super) const MIN_PARAMETER: f64 = 1e-8;
pub(super) const MAX_PARAMETER: f64 = 1e8;

/// Parameters beyond this factor from 1 when the iteration limit is reached are reported as running away.
pub(super) const RUNAWAY: f64 = 1e4;

/// The optimiser's iteration limit.
pub(super) const ITERATIONS: u32 = 1000;

/// "no interior maximum: …" naming the parameters `theta` whose `measured` values (`theta`, or with time scales in
/// units of the longest age) lie outside `low..=high`, if any; a penalty is suggested when one grows without bound
/// (it cannot help one that shrinks to 0: the penalty pulls that way too).
pub(super) fn no_interior_maximum<const N: usize>(
    names: &[&str; N],
    (theta, measured): (&[f64], &[f64]),
    low: f64,
    high: f64,
    how: &str,
    penalized: bool,
) -> Option<String> {
    let away: Vec<(&str, f64)> = names
        .iter()
        .zip(theta.iter().zip(measured))
        .filter(|(_, (_, m))| !(low..=high).contains(*m))
        .map(|(n, (v, _))| (*n, *v))
        .collect();
    if away.is_empty() {
        return None;
    }
    let list: Vec<String> = away.iter().map(|(name, v)| format!("{name} = {v:.3e}")).collect();
    let hint = match (away.iter().any(|(_, v)| v.is_nan() || *v > 1.0), penalized) {
        (true, false) => "; a penalty (FitOptions::penalized, such as 0.001) keeps the estimates finite",
        (true, true) => "; a larger penalty keeps the estimates finite",
        (false, _) => "",
    };
    Some(format!("no interior maximum: {} {how} {low:e} to {high:e}{hint}", list.join(", ")))
}

/// A model to fit: its name, its parameters' names, which of them are time scales (the penalty measures those in
/// units of the longest age), and the starting point.
pub(super) struct Fit<const N: usize> {
    pub(super) model: &'static str,
    pub(super) names: [&'static str; N],
    pub(super) time_scales: [bool; N],
    pub(super) start: [f64; N],
}

/// The L2 penalty of [`FitOptions::penalized`] on the total log-likelihood (the mean's times the customers), with
/// time scales measured in units of the longest age as `lifetimes` does.
struct Penalty<const N: usize> {
    weight: f64,
    factors: [f64; N],
}

impl<const N: usize> Penalty<N> {
    fn new(time_scales: [bool; N], data: &FitData, options: &FitOptions) -> Self {
        let longest = data.patterns().iter().map(|p| p.age).fold(0.0, f64::max);
        let time_factor = if longest > 0.0 { 1.0 / longest } else { 1.0 };
        let factors = time_scales.map(|scaled| if scaled { time_factor } else { 1.0 });
        Self { weight: options.penalizer * data.customers(), factors }
    }

    /// The penalty, its gradient and its (diagonal) Hessian in log-parameters: w Σ θ², d(θ²)/d(ln θ) = 2θ²,
    /// d²(θ²)/d(ln θ)² = 4θ².
    fn at(&self, phi: &[f64; N]) -> (f64, [f64; N], [f64; N]) {
        let mut value = 0.0;
        let mut gradient = [0.0; N];
        let mut curvature = [0.0; N];
        for (((p, factor), g), c) in phi.iter().zip(&self.factors).zip(&mut gradient).zip(&mut curvature) {
            let theta = p.exp() * factor;
            value += self.weight * theta * theta;
            *g = 2.0 * self.weight * theta * theta;
            *c = 4.0 * self.weight * theta * theta;
        }
        (value, gradient, curvature)
    }

    /// `nll`'s value and gradient with the penalty added.
    fn add(&self, phi: &[f64; N], (value, mut gradient): (f64, [f64; N])) -> (f64, [f64; N]) {
        if self.weight == 0.0 {
            return (value, gradient);
        }
        let (extra, slope, _) = self.at(phi);
        for (g, s) in gradient.iter_mut().zip(slope) {
            *g += s;
        }
        (value + extra, gradient)
    }
}

/// Fits a model by minimising `nll` (the negative log-likelihood and its gradient in log-parameters) from the
/// start, with the L2 penalty of `options`, by BFGS; standard errors from a Hessian by differences of the gradient.
pub(super) fn fit_model<const N: usize>(
    fit: Fit<N>,
    data: &FitData,
    gtol: f64,
    options: &FitOptions,
    nll: &mut optimize::Objective<'_, N>,
) -> Result<([f64; N], FitReport), LifecycleError> {
    let penalty = Penalty::new(fit.time_scales, data, options);
    let mut objective = |phi: &[f64; N]| Some(penalty.add(phi, nll(phi)?));
    let phi0 = fit.start.map(f64::ln);
    let min = optimize::bfgs(&mut objective, phi0, gtol, ITERATIONS).map_err(|f| {
        // Still running at the iteration limit: name what was running away, if anything (time scales in units of
        // the longest age, so a rate in days is not taken for a runaway).
        let last = f.last.unwrap_or_default();
        let theta: Vec<f64> = last.iter().map(|phi| phi.exp()).collect();
        let measured: Vec<f64> = theta.iter().zip(&penalty.factors).map(|(v, factor)| v * factor).collect();
        let how = "at the iteration limit, still moving away from";
        let penalized = penalty.weight > 0.0;
        let away = no_interior_maximum(&fit.names, (&theta, &measured), 1.0 / RUNAWAY, RUNAWAY, how, penalized);
        failed(&fit, f.iterations, away.unwrap_or(f.reason))
    })?;
    let hessian = optimize::numeric_hessian(&mut objective, &min.x, 1e-4);
    finish(&fit, data, options, &penalty, &min, hessian)
}

/// Newton iterations at most before [`fit_model_newton`] falls back to BFGS.
const NEWTON_ITERATIONS: u32 = 100;

/// As [`fit_model`], for a model whose `nll` also gives its Hessian: Newton's method (a handful of evaluations
/// instead of BFGS's dozens), standard errors from the exact Hessian. Where Newton does not converge to an interior
/// point with a positive-definite Hessian (a ridge to infinity, an iteration limit), the fit is [`fit_model`]'s,
/// BFGS from the same start, so failures read the same.
pub(super) fn fit_model_newton<const N: usize>(
    fit: Fit<N>,
    data: &FitData,
    gtol: f64,
    options: &FitOptions,
    nll: &mut optimize::ObjectiveWithHessian<'_, N>,
) -> Result<([f64; N], FitReport), LifecycleError> {
    let penalty = Penalty::new(fit.time_scales, data, options);
    let mut objective = |phi: &[f64; N]| {
        let (value, gradient, mut hessian) = nll(phi)?;
        let (value, gradient) = penalty.add(phi, (value, gradient));
        if penalty.weight > 0.0 {
            let (_, _, curvature) = penalty.at(phi);
            for (i, row) in hessian.iter_mut().enumerate() {
                if let (Some(h), Some(c)) = (row.get_mut(i), curvature.get(i)) {
                    *h += c;
                }
            }
        }
        Some((value, gradient, hessian))
    };
    let phi0 = fit.start.map(f64::ln);
    if let Ok((min, hessian)) = optimize::newton(&mut objective, phi0, gtol, NEWTON_ITERATIONS) {
        let theta = min.x.map(f64::exp);
        let inside = theta.iter().all(|v| (MIN_PARAMETER..=MAX_PARAMETER).contains(v));
        if inside && let Ok(found) = finish(&fit, data, options, &penalty, &min, Some(hessian)) {
            return Ok(found);
        }
    }
    let mut gradient_only = |phi: &[f64; N]| nll(phi).map(|(value, gradient, _)| (value, gradient));
    fit_model(fit, data, gtol, options, &mut gradient_only)
}

fn failed<const N: usize>(fit: &Fit<N>, iterations: u32, reason: String) -> LifecycleError {
    LifecycleError::FitFailed { model: fit.model.to_owned(), iterations, reason }
}

/// The estimates and the report at a minimum, given the Hessian of the penalised objective there.
fn finish<const N: usize>(
    fit: &Fit<N>,
    data: &FitData,
    options: &FitOptions,
    penalty: &Penalty<N>,
    min: &optimize::Minimum<N>,
    hessian: Option<[[f64; N]; N]>,
) -> Result<([f64; N], FitReport), LifecycleError> {
    let theta = min.x.map(f64::exp);
    let penalized = penalty.weight > 0.0;
    // A maximum on the boundary (a shape → 0 or a scale → ∞) means the data cannot identify the model.
    let bounds = (MIN_PARAMETER, MAX_PARAMETER);
    if let Some(reason) = no_interior_maximum(&fit.names, (&theta, &theta), bounds.0, bounds.1, "outside", penalized) {
        return Err(failed(fit, min.iterations, reason));
    }
    let log_likelihood = -(min.value - penalty.at(&min.x).0);
    // A Hessian that is not positive definite means a flat direction: some parameter is not identified.
    let Some(covariance) = hessian.and_then(|h| optimize::invert_spd(&h)) else {
        return Err(failed(fit, min.iterations, "no strict maximum: the Hessian is not positive definite".into()));
    };
    let parameters = fit
        .names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let value = theta.get(i).copied().unwrap_or(f64::NAN);
            let var = covariance.get(i).and_then(|row| row.get(i)).copied();
            Estimate {
                name: (*name).to_owned(),
                value,
                standard_error: var.filter(|v| *v > 0.0 && v.is_finite()).map(|v| value * v.sqrt()),
            }
        })
        .collect();
    Ok((
        theta,
        FitReport {
            model: fit.model.to_owned(),
            parameters,
            log_likelihood,
            iterations: min.iterations,
            convergence: match min.stop {
                Stop::Gradient => Convergence::Gradient,
                Stop::Stalled => Convergence::Stalled,
            },
            customers: data.customers(),
            patterns: data.patterns().len(),
            unit: data.unit(),
            penalizer: options.penalizer,
        },
    ))
}

/// A deterministic start scaled to the data: unit shapes, and α (and β) at the mean age so that the starting rate
/// matches the order of magnitude of the observation window whatever the time unit.
pub(super) fn scale_start(data: &FitData) -> f64 {
    let total: f64 = data.patterns().iter().map(|p| p.weight * p.age).sum();
    let mean = total / data.customers();
    if mean.is_finite() && mean > 0.0 { mean / 10.0 } else { 1.0 }
}

/// Estimates with standard errors from the covariance of the log-parameters (delta method: SE = θ √var).
pub(super) fn estimates<const N: usize>(
    names: &[&str; N],
    theta: &[f64; N],
    covariance: &[[f64; N]; N],
) -> Vec<Estimate> {
    names
        .iter()
        .zip(theta)
        .zip(covariance.iter().enumerate())
        .map(|((name, value), (i, row))| Estimate {
            name: (*name).to_owned(),
            value: *value,
            standard_error: row.get(i).filter(|v| **v > 0.0 && v.is_finite()).map(|v| value * v.sqrt()),
        })
        .collect()
}

/// How the optimiser stopped, as reported.
pub(super) const fn convergence(stop: Stop) -> Convergence {
    match stop {
        Stop::Gradient => Convergence::Gradient,
        Stop::Stalled => Convergence::Stalled,
    }
}
