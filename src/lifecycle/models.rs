//! Buy-till-you-die models: BG/NBD, MBG/NBD and Pareto/NBD.
//!
//! All three describe a customer who buys at a Poisson rate λ ~ Gamma(r, α) while alive and at some point drops
//! out for good; they differ in how dropping out happens:
//!
//! - **BG/NBD** (Fader, Hardie & Lee 2005): after each *repeat* purchase, with probability p ~ Beta(a, b). A
//!   customer without repeat purchases is therefore always alive (P(alive) = 1), which flatters one-time buyers.
//! - **MBG/NBD** (Batislam, Denizel & Filiztekin 2007): also right after the first purchase, so one-time buyers can
//!   be lost: use it (or Pareto/NBD) for honest "lost" labels.
//! - **Pareto/NBD** (Schmittlein, Morrison & Colombo 1987): at an exponential time with rate μ ~ Gamma(s, β).
//!
//! Fitting maximises the full log-likelihood (including the Gamma-function constants, in the data's time unit) over
//! the logarithms of the parameters with a deterministic BFGS from a fixed, data-scaled start; the gradient is
//! analytic for the BG family and by central differences for Pareto/NBD. Standard errors come from the inverse of
//! the Hessian at the optimum (delta method). A fit that does not converge is an error.
//!
//! Some data have no interior maximum: when every customer seems to drop out at the same rate, the BG family's
//! a and b grow without bound together (the Beta distribution of the drop-out probability shrinks to a point).
//! The plain fit then fails and says which parameters ran away; [`FitOptions::penalized`] adds the L2 penalty of
//! the Python `lifetimes` package, which keeps the estimates finite (a known answer against `lifetimes` is in the
//! tests).
//!
//! Numerics are in log space. Where the textbook closed forms divide by a − 1 or leave the domain of ₂F₁
//! (a = 1, a + b + x < 1), the BG-family expectations use a positive-term series that is finite for every valid
//! parameter (see the module `special`); the Pareto/NBD hypergeometric terms are Euler-transformed so their series
//! have bounded, positive terms.

use serde::{Deserialize, Serialize};

use super::error::{LifecycleError, invalid, positive};
use super::optimize::{self, Stop};
use super::span::{Span, TimeUnit};
use super::special::{bg_expected_alive, digamma, ln_gamma, ln_hyp2f1_one, log_add_exp, one_minus_exp_over};
use super::summary::{CustomerSummary, FitData};

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

fn numerical(what: String) -> LifecycleError {
    LifecycleError::NumericalFailure { what }
}

fn check_unit(expected: TimeUnit, found: TimeUnit) -> Result<(), LifecycleError> {
    if expected == found { Ok(()) } else { Err(LifecycleError::UnitMismatch { expected, found }) }
}

/// Internal per-model formulas; predictions are `p_alive × alive_expected`.
trait Formulas {
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
}

/// Predictions through a small direct-mapped memo keyed by `(x, T)`: the expectation of an alive customer and
/// the P(alive) constant depend on those only, and real logs repeat them a lot.
fn predict_all_with<M: Formulas>(
    model: &M,
    unit: TimeUnit,
    customers: &[CustomerSummary],
    horizon: Span,
) -> Result<Vec<Prediction>, LifecycleError> {
    let t = horizon.length_in(unit)?;
    let bits = customers.len().clamp(1, 1 << 14).next_power_of_two().trailing_zeros();
    let mut memo: Vec<(u32, u64, f64, Option<f64>)> = vec![(u32::MAX, u64::MAX, 0.0, None); 1 << bits];
    let mut out = Vec::with_capacity(customers.len());
    for c in customers {
        check_unit(unit, c.unit())?;
        let (x, tx, age) = (c.frequency(), c.recency(), c.age());
        let key = age.to_bits();
        let hash = (u64::from(x).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ key).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
        let slot = if bits == 0 { 0 } else { (hash >> (64 - bits)) as usize };
        let xf = f64::from(x);
        let (alive_expected, split) = match memo.get(slot) {
            Some(&(mx, mk, v, k)) if mx == x && mk == key => (v, k),
            _ => {
                let v = model
                    .alive_expected(xf, age, t)
                    .ok_or_else(|| numerical(format!("expected purchases for x = {x}, T = {age}, t = {t}")))?;
                let k = model.p_alive_split(xf, age);
                if let Some(m) = memo.get_mut(slot) {
                    *m = (x, key, v, k);
                }
                (v, k)
            }
        };
        let p_alive = match split {
            Some(k) => model.p_alive_from_split(k, xf, tx),
            None => model
                .raw_p_alive(xf, tx, age)
                .ok_or_else(|| numerical(format!("p(alive) for x = {x}, t_x = {tx}, T = {age}")))?,
        };
        out.push(Prediction { p_alive, expected_purchases: p_alive * alive_expected });
    }
    Ok(out)
}

/// A logistic of a log-odds, clamped into [0, 1] without NaN.
fn logistic(log_odds: f64) -> f64 {
    if log_odds >= 0.0 {
        1.0 / (1.0 + (-log_odds).exp())
    } else {
        let e = log_odds.exp();
        e / (1.0 + e)
    }
}

/// Estimates outside these bounds are reported as a failed fit (a maximum at the edge of the parameter space).
const MIN_PARAMETER: f64 = 1e-8;
const MAX_PARAMETER: f64 = 1e8;

/// Parameters beyond this factor from 1 when the iteration limit is reached are reported as running away.
const RUNAWAY: f64 = 1e4;

/// The optimiser's iteration limit.
const ITERATIONS: u32 = 1000;

/// "no interior maximum: …" naming the parameters `theta` whose `measured` values (`theta`, or with time scales in
/// units of the longest age) lie outside `low..=high`, if any; a penalty is suggested when one grows without bound
/// (it cannot help one that shrinks to 0: the penalty pulls that way too).
fn no_interior_maximum<const N: usize>(
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
struct Fit<const N: usize> {
    model: &'static str,
    names: [&'static str; N],
    time_scales: [bool; N],
    start: [f64; N],
}

/// Fits a model by minimising `nll` (the negative log-likelihood and its gradient in log-parameters) from the
/// start, with the L2 penalty of `options`.
fn fit_model<const N: usize>(
    fit: Fit<N>,
    data: &FitData,
    gtol: f64,
    options: &FitOptions,
    nll: &mut optimize::Objective<'_, N>,
) -> Result<([f64; N], FitReport), LifecycleError> {
    let Fit { model, names, time_scales, start } = fit;
    let failed =
        |iterations: u32, reason: String| LifecycleError::FitFailed { model: model.to_owned(), iterations, reason };
    // `lifetimes` measures times in units of the longest age, and penalises the mean log-likelihood.
    let longest = data.patterns().iter().map(|p| p.age).fold(0.0, f64::max);
    let time_factor = if longest > 0.0 { 1.0 / longest } else { 1.0 };
    let factors = time_scales.map(|scaled| if scaled { time_factor } else { 1.0 });
    let weight = options.penalizer * data.customers();
    // The penalty on the total log-likelihood (the mean's times the customers) and its gradient in log-parameters.
    let penalty = |phi: &[f64; N]| {
        let mut gradient = [0.0; N];
        let mut value = 0.0;
        for ((p, factor), g) in phi.iter().zip(&factors).zip(&mut gradient) {
            let theta = p.exp() * factor;
            value += weight * theta * theta;
            // d(θ²)/d(ln θ) = 2θ².
            *g = 2.0 * weight * theta * theta;
        }
        (value, gradient)
    };
    let mut objective = |phi: &[f64; N]| {
        let (value, mut gradient) = nll(phi)?;
        if weight == 0.0 {
            return Some((value, gradient));
        }
        let (extra, slope) = penalty(phi);
        for (g, s) in gradient.iter_mut().zip(slope) {
            *g += s;
        }
        Some((value + extra, gradient))
    };
    let phi0 = start.map(f64::ln);
    let penalized = weight > 0.0;
    let min = optimize::bfgs(&mut objective, phi0, gtol, ITERATIONS).map_err(|f| {
        // Still running at the iteration limit: name what was running away, if anything (time scales in units of
        // the longest age, so a rate in days is not taken for a runaway).
        let last = f.last.unwrap_or_default();
        let theta: Vec<f64> = last.iter().map(|phi| phi.exp()).collect();
        let measured: Vec<f64> = theta.iter().zip(&factors).map(|(v, factor)| v * factor).collect();
        let how = "at the iteration limit, still moving away from";
        let away = no_interior_maximum(&names, (&theta, &measured), 1.0 / RUNAWAY, RUNAWAY, how, penalized);
        failed(f.iterations, away.unwrap_or(f.reason))
    })?;
    let theta = min.x.map(f64::exp);
    // A maximum on the boundary (a shape → 0 or a scale → ∞) means the data cannot identify the model.
    let bounds = (MIN_PARAMETER, MAX_PARAMETER);
    if let Some(reason) = no_interior_maximum(&names, (&theta, &theta), bounds.0, bounds.1, "outside", penalized) {
        return Err(failed(min.iterations, reason));
    }
    let log_likelihood = -(min.value - penalty(&min.x).0);
    // A Hessian that is not positive definite means a flat direction: some parameter is not identified.
    let Some(covariance) =
        optimize::numeric_hessian(&mut objective, &min.x, 1e-4).and_then(|h| optimize::invert_spd(&h))
    else {
        return Err(failed(min.iterations, "no strict maximum: the Hessian is not positive definite".into()));
    };
    let parameters = names
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
            model: model.to_owned(),
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
fn scale_start(data: &FitData) -> f64 {
    let total: f64 = data.patterns().iter().map(|p| p.weight * p.age).sum();
    let mean = total / data.customers();
    if mean.is_finite() && mean > 0.0 { mean / 10.0 } else { 1.0 }
}

/// Negative log-likelihood and its gradient in log-parameters for the BG family.
/// `modified`: MBG/NBD (drop-out possible at the first purchase) instead of BG/NBD.
fn bg_family_nll(phi: &[f64; 4], data: &FitData, modified: bool) -> Option<(f64, [f64; 4])> {
    let [r, alpha, a, b] = phi.map(f64::exp);
    if ![r, alpha, a, b].iter().all(|v| v.is_finite() && *v > 0.0) {
        return None;
    }
    let shift = if modified { 1.0 } else { 0.0 };
    let ln_alpha = alpha.ln();
    let (lg_r, lg_b, lg_ab) = (ln_gamma(r), ln_gamma(b), ln_gamma(a + b));
    let (dg_r, dg_b, dg_ab) = (digamma(r), digamma(b), digamma(a + b));
    let (times, slots) = data.time_index();
    // ln(α + t) and 1/(α + t) once per distinct time.
    let table: Vec<(f64, f64)> = times.iter().map(|t| ((alpha + t).ln(), 1.0 / (alpha + t))).collect();
    let mut ll = 0.0;
    let mut g = [0.0; 4];
    let mut current = None;
    let (mut c_x, mut dr_x, mut da_x, mut db_x, mut ln_ratio, mut has_d, mut bx1) =
        (0.0, 0.0, 0.0, 0.0, 0.0, false, 1.0);
    let inv_a = 1.0 / a;
    for (p, &(i_tx, i_t)) in data.patterns().iter().zip(slots) {
        let x = f64::from(p.frequency);
        if current != Some(p.frequency) {
            current = Some(p.frequency);
            let (bx, abx) = (b + x + shift, a + b + x + shift);
            c_x = ln_gamma(r + x) - lg_r + r * ln_alpha + lg_ab + ln_gamma(bx) - lg_b - ln_gamma(abx);
            dr_x = digamma(r + x) - dg_r + ln_alpha;
            let dg_abx = digamma(abx);
            da_x = dg_ab - dg_abx;
            db_x = dg_ab + digamma(bx) - dg_b - dg_abx;
            has_d = modified || p.frequency > 0;
            bx1 = b + x - 1.0 + shift;
            ln_ratio = a.ln() - bx1.ln();
        }
        let rx = r + x;
        let (Some(&(lat, inv_at)), Some(&(lax, inv_ax))) = (table.get(i_t as usize), table.get(i_tx as usize)) else {
            return None;
        };
        let w = p.weight;
        let mut term = c_x - rx * lat;
        let mut gr = dr_x - lat;
        let mut ga = r / alpha - rx * inv_at;
        let mut gaa = da_x;
        let mut gb = db_x;
        if has_d {
            let ln_d = ln_ratio + rx * (lat - lax);
            // softplus(ln D) and the logistic π = D / (1 + D) from one exponential.
            let e = (-ln_d.abs()).exp();
            term += ln_d.max(0.0) + e.ln_1p();
            let pi = if ln_d >= 0.0 { 1.0 / (1.0 + e) } else { e / (1.0 + e) };
            gr += pi * (lat - lax);
            ga += pi * rx * (inv_at - inv_ax);
            gaa += pi * inv_a;
            gb -= pi / bx1;
        }
        ll += w * term;
        g[0] += w * gr;
        g[1] += w * ga;
        g[2] += w * gaa;
        g[3] += w * gb;
    }
    if !ll.is_finite() {
        return None;
    }
    Some((-ll, [-g[0] * r, -g[1] * alpha, -g[2] * a, -g[3] * b]))
}

macro_rules! bg_family {
    ($(#[$doc:meta])* $name:ident, $label:literal, $modified:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
        #[serde(try_from = "BgRepr", into = "BgRepr")]
        pub struct $name {
            r: f64,
            alpha: f64,
            a: f64,
            b: f64,
            unit: TimeUnit,
        }

        impl TryFrom<BgRepr> for $name {
            type Error = LifecycleError;
            fn try_from(p: BgRepr) -> Result<Self, LifecycleError> {
                Self::new(p.r, p.alpha, p.a, p.b, p.unit)
            }
        }

        impl From<$name> for BgRepr {
            fn from(m: $name) -> Self {
                Self { r: m.r, alpha: m.alpha, a: m.a, b: m.b, unit: m.unit }
            }
        }

        impl $name {
            /// A model with purchase-rate shape `r` and scale `alpha` (in `unit`) and drop-out Beta(`a`, `b`).
            ///
            /// # Errors
            ///
            /// [`LifecycleError::InvalidValue`] for a parameter that is not finite and > 0, or a zero-day unit.
            pub fn new(r: f64, alpha: f64, a: f64, b: f64, unit: TimeUnit) -> Result<Self, LifecycleError> {
                Ok(Self {
                    r: positive("r", r)?,
                    alpha: positive("alpha", alpha)?,
                    a: positive("a", a)?,
                    b: positive("b", b)?,
                    unit: unit.check()?,
                })
            }

            /// Fits the model to `data` by maximum likelihood.
            ///
            /// # Errors
            ///
            /// [`LifecycleError::FitFailed`] when the optimiser does not converge (no parameters are returned).
            pub fn fit(data: &FitData) -> Result<(Self, FitReport), LifecycleError> {
                Self::fit_with(data, &FitOptions::default())
            }

            /// Fits the model to `data` as `options` say: by maximum likelihood, or with the L2 penalty of
            /// [`FitOptions::penalized`] (α in units of the longest age).
            ///
            /// # Errors
            ///
            /// [`LifecycleError::FitFailed`] when the optimiser does not converge (no parameters are returned).
            pub fn fit_with(data: &FitData, options: &FitOptions) -> Result<(Self, FitReport), LifecycleError> {
                let fit = Fit {
                    model: $label,
                    names: ["r", "alpha", "a", "b"],
                    time_scales: [false, true, false, false],
                    start: [1.0, scale_start(data), 1.0, 1.0],
                };
                let mut nll = |phi: &[f64; 4]| bg_family_nll(phi, data, $modified);
                let ([r, alpha, a, b], report) = fit_model(fit, data, 1e-9, options, &mut nll)?;
                Ok((Self::new(r, alpha, a, b, data.unit())?, report))
            }

            /// Shape r of the purchase-rate distribution.
            pub const fn r(&self) -> f64 {
                self.r
            }

            /// Scale α of the purchase-rate distribution, in the model's unit.
            pub const fn alpha(&self) -> f64 {
                self.alpha
            }

            /// Beta parameter a of the drop-out probability.
            pub const fn a(&self) -> f64 {
                self.a
            }

            /// Beta parameter b of the drop-out probability.
            pub const fn b(&self) -> f64 {
                self.b
            }
        }

        impl Formulas for $name {
            fn raw_p_alive(&self, x: f64, tx: f64, t_age: f64) -> Option<f64> {
                let k = self.p_alive_split(x, t_age)?;
                let p = self.p_alive_from_split(k, x, tx);
                p.is_finite().then_some(p)
            }

            fn alive_expected(&self, x: f64, t_age: f64, t: f64) -> Option<f64> {
                let shift = if $modified { 1.0 } else { 0.0 };
                bg_expected_alive(self.r + x, self.alpha + t_age, self.a, self.b + x + shift, t)
            }

            fn p_alive_split(&self, x: f64, t_age: f64) -> Option<f64> {
                // ln D = ln a − ln(b + x − 1 + shift) + (r + x) ln((α + T)/(α + t_x)); P(alive) = 1 / (1 + D).
                if !$modified && x == 0.0 {
                    return Some(f64::NEG_INFINITY); // BG/NBD: no repeat purchase, no chance to drop out.
                }
                let shift = if $modified { 1.0 } else { 0.0 };
                let k = self.a.ln() - (self.b + x - 1.0 + shift).ln() + (self.r + x) * (self.alpha + t_age).ln();
                (!k.is_nan()).then_some(k)
            }

            fn p_alive_from_split(&self, k: f64, x: f64, tx: f64) -> f64 {
                if k == f64::NEG_INFINITY {
                    return 1.0;
                }
                logistic((self.r + x) * (self.alpha + tx).ln() - k)
            }
        }

        impl PurchaseModel for $name {
            fn name(&self) -> &'static str {
                $label
            }

            fn unit(&self) -> TimeUnit {
                self.unit
            }

            fn p_alive(&self, customer: &CustomerSummary) -> Result<f64, LifecycleError> {
                check_unit(self.unit, customer.unit())?;
                let (x, tx, age) = (f64::from(customer.frequency()), customer.recency(), customer.age());
                self.raw_p_alive(x, tx, age).ok_or_else(|| numerical(format!("p(alive) for x = {x}, t_x = {tx}, T = {age}")))
            }

            fn expected_purchases(&self, customer: &CustomerSummary, horizon: Span) -> Result<f64, LifecycleError> {
                let p = predict_all_with(self, self.unit, std::slice::from_ref(customer), horizon)?;
                Ok(p.first().map_or(0.0, |p| p.expected_purchases))
            }

            fn probability_no_purchase(
                &self,
                customer: &CustomerSummary,
                horizon: Span,
            ) -> Result<f64, LifecycleError> {
                // Alive: no purchase in t with probability ((α + T)/(α + T + t))^(r + x).
                let t = horizon.length_in(self.unit)?;
                let p = self.p_alive(customer)?;
                let x = f64::from(customer.frequency());
                let at = self.alpha + customer.age();
                let none_if_alive = (-(self.r + x) * (t / at).ln_1p()).exp();
                Ok((p * none_if_alive + (1.0 - p)).clamp(0.0, 1.0))
            }

            fn expected_purchases_new(&self, horizon: Span) -> Result<f64, LifecycleError> {
                let t = horizon.length_in(self.unit)?;
                let fail = || numerical(format!("population expected purchases for t = {t}"));
                if $modified {
                    // Alive after the first purchase with probability b / (a + b), then Beta(a, b + 1).
                    let e = bg_expected_alive(self.r, self.alpha, self.a, self.b + 1.0, t).ok_or_else(fail)?;
                    Ok(self.b / (self.a + self.b) * e)
                } else {
                    bg_expected_alive(self.r, self.alpha, self.a, self.b, t).ok_or_else(fail)
                }
            }

            fn log_likelihood(&self, data: &FitData) -> Result<f64, LifecycleError> {
                check_unit(self.unit, data.unit())?;
                let phi = [self.r, self.alpha, self.a, self.b].map(f64::ln);
                bg_family_nll(&phi, data, $modified)
                    .map(|(v, _)| -v)
                    .ok_or_else(|| numerical(format!("{} log-likelihood", $label)))
            }

            fn predict_all(&self, customers: &[CustomerSummary], horizon: Span) -> Result<Vec<Prediction>, LifecycleError> {
                predict_all_with(self, self.unit, customers, horizon)
            }
        }
    };
}

#[derive(Serialize, Deserialize)]
struct BgRepr {
    r: f64,
    alpha: f64,
    a: f64,
    b: f64,
    unit: TimeUnit,
}

bg_family!(
    /// The BG/NBD model (Fader, Hardie & Lee 2005): Gamma(r, α) purchase rates, Beta(a, b) drop-out after each
    /// repeat purchase.
    ///
    /// ```
    /// use customer_care::lifecycle::{BgNbd, CustomerSummary, PurchaseModel, Span, TimeUnit};
    ///
    /// let model = BgNbd::new(0.243, 4.414, 0.793, 2.426, TimeUnit::Week)?;
    /// let customer = CustomerSummary::new(2, 30.43, 38.86, TimeUnit::Week)?;
    /// assert!((model.expected_purchases(&customer, Span::weeks(39.0)?)? - 1.226).abs() < 5e-4);
    /// let p = model.p_alive(&customer)?;
    /// assert!(p > 0.0 && p < 1.0);
    /// # Ok::<(), customer_care::lifecycle::LifecycleError>(())
    /// ```
    BgNbd,
    "BG/NBD",
    false
);

bg_family!(
    /// The MBG/NBD model (Batislam, Denizel & Filiztekin 2007): as BG/NBD, but a customer may also drop out right
    /// after the first purchase, so one-time buyers are not alive forever.
    ///
    /// ```
    /// use customer_care::lifecycle::{CustomerSummary, ModifiedBgNbd, PurchaseModel, TimeUnit};
    ///
    /// let model = ModifiedBgNbd::new(0.525, 6.183, 0.891, 1.614, TimeUnit::Week)?;
    /// let one_timer = CustomerSummary::new(0, 0.0, 38.86, TimeUnit::Week)?;
    /// assert!(model.p_alive(&one_timer)? < 1.0);
    /// # Ok::<(), customer_care::lifecycle::LifecycleError>(())
    /// ```
    ModifiedBgNbd,
    "MBG/NBD",
    true
);

/// The Pareto/NBD model (Schmittlein, Morrison & Colombo 1987): Gamma(r, α) purchase rates, Gamma(s, β) drop-out
/// rates.
///
/// ```
/// use customer_care::lifecycle::{CustomerSummary, ParetoNbd, PurchaseModel, Span, TimeUnit};
///
/// let model = ParetoNbd::new(0.553, 10.578, 0.606, 11.669, TimeUnit::Week)?;
/// let customer = CustomerSummary::new(2, 30.43, 38.86, TimeUnit::Week)?;
/// let e = model.expected_purchases(&customer, Span::weeks(39.0)?)?;
/// assert!(e > 0.5 && e < 2.0);
/// # Ok::<(), customer_care::lifecycle::LifecycleError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ParetoRepr", into = "ParetoRepr")]
pub struct ParetoNbd {
    r: f64,
    alpha: f64,
    s: f64,
    beta: f64,
    unit: TimeUnit,
}

#[derive(Serialize, Deserialize)]
struct ParetoRepr {
    r: f64,
    alpha: f64,
    s: f64,
    beta: f64,
    unit: TimeUnit,
}

impl TryFrom<ParetoRepr> for ParetoNbd {
    type Error = LifecycleError;
    fn try_from(p: ParetoRepr) -> Result<Self, LifecycleError> {
        Self::new(p.r, p.alpha, p.s, p.beta, p.unit)
    }
}

impl From<ParetoNbd> for ParetoRepr {
    fn from(m: ParetoNbd) -> Self {
        Self { r: m.r, alpha: m.alpha, s: m.s, beta: m.beta, unit: m.unit }
    }
}

/// ln(M · F(y)), where F(y) = ∫_y^∞ (α+τ)^(−P) (β+τ)^(−Q) dτ and M = P + Q − 1 > 0.
///
/// With u = (α+y)/(α+τ), M·F(y) = (α+y)^(−M) ₂F₁(M, Q; M + 1; z), z = (α − β)/(α + y) when α ≥ β (and the mirror
/// image when α < β), Euler-transformed to (1 − z)^(1 − Q) ₂F₁(1, P; M + 1; z): a series with positive terms whose
/// ratio stays below z.
fn ln_power_tail(p: f64, q: f64, alpha: f64, beta: f64, y: f64) -> Option<f64> {
    let m = p + q - 1.0;
    let (la, lb) = ((alpha + y).ln(), (beta + y).ln());
    if alpha >= beta {
        // 1 − z = (β + y)/(α + y).
        let z = (alpha - beta) / (alpha + y);
        Some(-m * la + (1.0 - q) * (lb - la) + ln_hyp2f1_one(p, m + 1.0, z)?)
    } else {
        let z = (beta - alpha) / (beta + y);
        Some(-m * lb + (1.0 - p) * (la - lb) + ln_hyp2f1_one(q, m + 1.0, z)?)
    }
}

/// ln(m F(y)) for the Pareto/NBD likelihood: P = r + x, Q = s + 1, m = r + s + x.
fn pareto_ln_tail(r: f64, alpha: f64, s: f64, beta: f64, x: f64, y: f64) -> Option<f64> {
    ln_power_tail(r + x, s + 1.0, alpha, beta, y)
}

/// The two log-terms of the Pareto/NBD likelihood (without the common constant): alive at T, and died in (t_x, T].
fn pareto_terms(r: f64, alpha: f64, s: f64, beta: f64, x: f64, tx: f64, t_age: f64) -> Option<(f64, f64)> {
    let l1 = -(r + x) * (alpha + t_age).ln() - s * (beta + t_age).ln();
    let m = r + s + x;
    let f_tx = pareto_ln_tail(r, alpha, s, beta, x, tx)?;
    let f_t = pareto_ln_tail(r, alpha, s, beta, x, t_age)?;
    let diff = f_t - f_tx;
    let l2 = if diff < 0.0 { s.ln() - m.ln() + f_tx + (-diff.exp_m1()).ln() } else { f64::NEG_INFINITY };
    (l1.is_finite() && !l2.is_nan()).then_some((l1, l2))
}

fn pareto_nll(phi: &[f64; 4], data: &FitData) -> Option<f64> {
    let [r, alpha, s, beta] = phi.map(f64::exp);
    if ![r, alpha, s, beta].iter().all(|v| v.is_finite() && *v > 0.0) {
        return None;
    }
    let base = -ln_gamma(r) + r * alpha.ln() + s * beta.ln();
    let mut ll = 0.0;
    let mut current = None;
    let mut lg = 0.0;
    for p in data.patterns() {
        let x = f64::from(p.frequency);
        if current != Some(p.frequency) {
            current = Some(p.frequency);
            lg = ln_gamma(r + x);
        }
        let (l1, l2) = pareto_terms(r, alpha, s, beta, x, p.recency, p.age)?;
        ll += p.weight * (lg + base + log_add_exp(l1, l2));
    }
    ll.is_finite().then_some(-ll)
}

impl ParetoNbd {
    /// A model with purchase rates Gamma(`r`, `alpha`) and drop-out rates Gamma(`s`, `beta`), scales in `unit`.
    ///
    /// # Errors
    ///
    /// [`LifecycleError::InvalidValue`] for a parameter that is not finite and > 0, or a zero-day unit.
    pub fn new(r: f64, alpha: f64, s: f64, beta: f64, unit: TimeUnit) -> Result<Self, LifecycleError> {
        Ok(Self {
            r: positive("r", r)?,
            alpha: positive("alpha", alpha)?,
            s: positive("s", s)?,
            beta: positive("beta", beta)?,
            unit: unit.check()?,
        })
    }

    /// Fits the model to `data` by maximum likelihood (numerical gradient).
    ///
    /// # Errors
    ///
    /// [`LifecycleError::FitFailed`] when the optimiser does not converge (no parameters are returned).
    pub fn fit(data: &FitData) -> Result<(Self, FitReport), LifecycleError> {
        Self::fit_with(data, &FitOptions::default())
    }

    /// Fits the model to `data` as `options` say: by maximum likelihood, or with the L2 penalty of
    /// [`FitOptions::penalized`] (α and β in units of the longest age).
    ///
    /// # Errors
    ///
    /// [`LifecycleError::FitFailed`] when the optimiser does not converge (no parameters are returned).
    pub fn fit_with(data: &FitData, options: &FitOptions) -> Result<(Self, FitReport), LifecycleError> {
        let scale = scale_start(data);
        let fit = Fit {
            model: "Pareto/NBD",
            names: ["r", "alpha", "s", "beta"],
            time_scales: [false, true, false, true],
            start: [1.0, scale, 1.0, scale],
        };
        let mut nll = |phi: &[f64; 4]| {
            let mut f = |p: &[f64; 4]| pareto_nll(p, data);
            optimize::numeric_gradient(&mut f, phi, 1e-5)
        };
        let ([r, alpha, s, beta], report) = fit_model(fit, data, 1e-9, options, &mut nll)?;
        Ok((Self::new(r, alpha, s, beta, data.unit())?, report))
    }

    /// Shape r of the purchase-rate distribution.
    pub const fn r(&self) -> f64 {
        self.r
    }

    /// Scale α of the purchase-rate distribution.
    pub const fn alpha(&self) -> f64 {
        self.alpha
    }

    /// Shape s of the drop-out-rate distribution.
    pub const fn s(&self) -> f64 {
        self.s
    }

    /// Scale β of the drop-out-rate distribution.
    pub const fn beta(&self) -> f64 {
        self.beta
    }
}

impl Formulas for ParetoNbd {
    fn raw_p_alive(&self, x: f64, tx: f64, t_age: f64) -> Option<f64> {
        let (l1, l2) = pareto_terms(self.r, self.alpha, self.s, self.beta, x, tx, t_age)?;
        Some(logistic(l1 - l2))
    }

    fn alive_expected(&self, x: f64, t_age: f64, t: f64) -> Option<f64> {
        // (r + x)(β + T) / ((α + T)(s − 1)) · [1 − ((β + T)/(β + T + t))^(s − 1)], continuous at s = 1.
        let bt = self.beta + t_age;
        let l = (t / bt).ln_1p();
        let v = (self.r + x) / (self.alpha + t_age) * bt * one_minus_exp_over(self.s - 1.0, l);
        v.is_finite().then_some(v)
    }
}

impl PurchaseModel for ParetoNbd {
    fn name(&self) -> &'static str {
        "Pareto/NBD"
    }

    fn unit(&self) -> TimeUnit {
        self.unit
    }

    fn p_alive(&self, customer: &CustomerSummary) -> Result<f64, LifecycleError> {
        check_unit(self.unit, customer.unit())?;
        let (x, tx, age) = (f64::from(customer.frequency()), customer.recency(), customer.age());
        self.raw_p_alive(x, tx, age).ok_or_else(|| numerical(format!("p(alive) for x = {x}, t_x = {tx}, T = {age}")))
    }

    fn expected_purchases(&self, customer: &CustomerSummary, horizon: Span) -> Result<f64, LifecycleError> {
        let p = predict_all_with(self, self.unit, std::slice::from_ref(customer), horizon)?;
        Ok(p.first().map_or(0.0, |p| p.expected_purchases))
    }

    fn probability_no_purchase(&self, customer: &CustomerSummary, horizon: Span) -> Result<f64, LifecycleError> {
        // Alive at T, λ ~ Gamma(r + x, α + T) and μ ~ Gamma(s, β + T) independently; a purchase comes before
        // dropping out and within t with probability ∫₀ᵗ E[λ e^(−λu)] E[e^(−μu)] du
        // = (r + x) α'^(r+x) β'^s ∫₀ᵗ (α' + u)^(−(r+x+1)) (β' + u)^(−s) du, α' = α + T, β' = β + T.
        let t = horizon.length_in(self.unit)?;
        let p = self.p_alive(customer)?;
        if t == 0.0 {
            return Ok(1.0);
        }
        let rx = self.r + f64::from(customer.frequency());
        let (a1, b1) = (self.alpha + customer.age(), self.beta + customer.age());
        let fail = || numerical(format!("p(no purchase) for {customer:?}, t = {t}"));
        // ln(M F(0)) and ln(M F(t)) with the origin moved to T: F(y) = ∫_y^∞ (α' + u)^(−(r+x+1)) (β' + u)^(−s) du.
        let at_zero = ln_power_tail(rx + 1.0, self.s, a1, b1, 0.0).ok_or_else(fail)?;
        let at_t = ln_power_tail(rx + 1.0, self.s, a1, b1, t).ok_or_else(fail)?;
        let m = rx + self.s;
        let diff = at_t - at_zero;
        let buys = if diff < 0.0 {
            (rx.ln() + rx * a1.ln() + self.s * b1.ln() - m.ln() + at_zero + (-diff.exp_m1()).ln()).exp()
        } else {
            0.0
        };
        Ok((1.0 - p * buys.clamp(0.0, 1.0)).clamp(0.0, 1.0))
    }

    fn expected_purchases_new(&self, horizon: Span) -> Result<f64, LifecycleError> {
        let t = horizon.length_in(self.unit)?;
        self.alive_expected(0.0, 0.0, t).ok_or_else(|| numerical(format!("population expected purchases for t = {t}")))
    }

    fn log_likelihood(&self, data: &FitData) -> Result<f64, LifecycleError> {
        check_unit(self.unit, data.unit())?;
        let phi = [self.r, self.alpha, self.s, self.beta].map(f64::ln);
        pareto_nll(&phi, data).map(|v| -v).ok_or_else(|| numerical("Pareto/NBD log-likelihood".into()))
    }

    fn predict_all(&self, customers: &[CustomerSummary], horizon: Span) -> Result<Vec<Prediction>, LifecycleError> {
        predict_all_with(self, self.unit, customers, horizon)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn week(x: u32, tx: f64, t: f64) -> CustomerSummary {
        CustomerSummary::new(x, tx, t, TimeUnit::Week).unwrap()
    }

    #[test]
    fn analytic_gradient_matches_finite_differences() {
        let summaries = [week(0, 0.0, 38.0), week(2, 30.4, 38.9), week(1, 1.7, 38.9), week(7, 29.0, 35.0)];
        let data = FitData::from_summaries(&summaries).unwrap();
        for modified in [false, true] {
            let phi = [0.3f64, 4.0, 0.8, 2.4].map(f64::ln);
            let (_, g) = bg_family_nll(&phi, &data, modified).unwrap();
            let mut f = |p: &[f64; 4]| bg_family_nll(p, &data, modified).map(|v| v.0);
            let (_, ng) = optimize::numeric_gradient(&mut f, &phi, 1e-6).unwrap();
            for (a, b) in g.iter().zip(&ng) {
                assert!((a - b).abs() < 1e-6 * (1.0 + a.abs()), "{g:?} vs {ng:?}");
            }
        }
    }

    #[test]
    fn hard_cases_stay_finite() {
        let bg = BgNbd::new(0.5, 3.0, 0.3, 0.4, TimeUnit::Week).unwrap(); // a + b < 1
        let at_one = BgNbd::new(0.5, 3.0, 1.0, 2.0, TimeUnit::Week).unwrap(); // a = 1
        let h = Span::weeks(52.0).unwrap();
        for m in [bg, at_one] {
            for s in [
                week(0, 0.0, 40.0),
                week(100_000, 39.0, 40.0),
                week(3, 0.01, 5000.0),
                week(0, 0.0, 0.0),
                week(1, 1e-9, 1e-9),
            ] {
                let p = m.p_alive(&s).unwrap();
                let e = m.expected_purchases(&s, h).unwrap();
                assert!((0.0..=1.0).contains(&p) && e.is_finite() && e >= 0.0, "{s:?}: {p} {e}");
            }
            assert!(m.expected_purchases_new(h).unwrap().is_finite());
        }
        let pareto = ParetoNbd::new(0.5, 3.0, 1.0, 200.0, TimeUnit::Week).unwrap(); // s = 1 exactly
        for s in [week(0, 0.0, 40.0), week(5_000, 39.0, 40.0), week(3, 0.01, 5000.0)] {
            let p = pareto.p_alive(&s).unwrap();
            let e = pareto.expected_purchases(&s, h).unwrap();
            assert!((0.0..=1.0).contains(&p) && e.is_finite() && e >= 0.0, "{s:?}: {p} {e}");
        }
    }

    #[test]
    fn pareto_probability_no_purchase_matches_quadrature() {
        let m = ParetoNbd::new(0.553, 10.578, 0.606, 11.669, TimeUnit::Week).unwrap();
        for (x, tx, age, t) in [(2, 30.43, 38.86, 39.0), (0, 0.0, 38.86, 10.0), (7, 37.0, 38.0, 100.0)] {
            let c = week(x, tx, age);
            let p = m.p_alive(&c).unwrap();
            let (rx, a1, b1) = (m.r + f64::from(x), m.alpha + age, m.beta + age);
            // Composite Simpson on the density of "a purchase at u before dropping out".
            let f = |u: f64| rx / a1 * (a1 / (a1 + u)).powf(rx + 1.0) * (b1 / (b1 + u)).powf(m.s);
            let n = 20_000;
            let h = t / f64::from(n);
            let mut sum = f(0.0) + f(t);
            for i in 1..n {
                sum += f(f64::from(i) * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
            }
            let want = 1.0 - p * sum * h / 3.0;
            let got = m.probability_no_purchase(&c, Span::weeks(t).unwrap()).unwrap();
            assert!((got - want).abs() < 1e-10, "{got} vs {want}");
        }
        let bg = BgNbd::new(0.243, 4.414, 0.793, 2.426, TimeUnit::Week).unwrap();
        let c = week(2, 30.43, 38.86);
        let short = bg.probability_no_purchase(&c, Span::weeks(1.0).unwrap()).unwrap();
        let long = bg.probability_no_purchase(&c, Span::weeks(52.0).unwrap()).unwrap();
        assert!(short > long && long > 1.0 - bg.p_alive(&c).unwrap());
    }

    #[test]
    fn units_are_checked() {
        let bg = BgNbd::new(0.5, 3.0, 0.3, 0.4, TimeUnit::Week).unwrap();
        let day = CustomerSummary::new(1, 1.0, 2.0, TimeUnit::Day).unwrap();
        assert_eq!(
            bg.p_alive(&day).unwrap_err(),
            LifecycleError::UnitMismatch { expected: TimeUnit::Week, found: TimeUnit::Day }
        );
        assert!(bg.expected_purchases(&week(1, 1.0, 2.0), Span::days(3.0).unwrap()).is_err());
        assert!(BgNbd::new(0.0, 3.0, 0.3, 0.4, TimeUnit::Week).is_err());
        assert!(BgNbd::new(f64::NAN, 3.0, 0.3, 0.4, TimeUnit::Week).is_err());
        let json = serde_json::to_string(&bg).unwrap();
        assert_eq!(serde_json::from_str::<BgNbd>(&json).unwrap(), bg);
        assert!(serde_json::from_str::<BgNbd>(&json.replace("\"r\":0.5", "\"r\":-0.5")).is_err());
    }
}
