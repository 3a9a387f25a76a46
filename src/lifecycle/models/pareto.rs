//! The Pareto/NBD model: Gamma purchase rates and Gamma drop-out rates.

use serde::{Deserialize, Serialize};

use super::super::error::{LifecycleError, positive};
use super::super::optimize;
use super::super::span::{Span, TimeUnit};
use super::super::special::{ln_gamma, ln_hyp2f1_one, log_add_exp, one_minus_exp_over};
use super::super::summary::{CustomerSummary, FitData};
use super::fit::{
    Fit, FitOptions, FitReport, Formulas, Prediction, PurchaseModel, check_unit, fit_model, logistic, numerical,
    predict_all_with, predict_one, scale_start,
};

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
pub(super) fn ln_power_tail(p: f64, q: f64, alpha: f64, beta: f64, y: f64) -> Option<f64> {
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
pub(super) fn pareto_ln_tail(r: f64, alpha: f64, s: f64, beta: f64, x: f64, y: f64) -> Option<f64> {
    ln_power_tail(r + x, s + 1.0, alpha, beta, y)
}

/// The two log-terms of the Pareto/NBD likelihood (without the common constant): alive at T, and died in (t_x, T].
pub(super) fn pareto_terms(r: f64, alpha: f64, s: f64, beta: f64, x: f64, tx: f64, t_age: f64) -> Option<(f64, f64)> {
    let l1 = -(r + x) * (alpha + t_age).ln() - s * (beta + t_age).ln();
    let m = r + s + x;
    let f_tx = pareto_ln_tail(r, alpha, s, beta, x, tx)?;
    let f_t = pareto_ln_tail(r, alpha, s, beta, x, t_age)?;
    let diff = f_t - f_tx;
    let l2 = if diff < 0.0 { s.ln() - m.ln() + f_tx + (-diff.exp_m1()).ln() } else { f64::NEG_INFINITY };
    (l1.is_finite() && !l2.is_nan()).then_some((l1, l2))
}

pub(super) fn pareto_nll(phi: &[f64; 4], data: &FitData) -> Option<f64> {
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
        Ok(predict_one(self, self.unit, customer, horizon)?.expected_purchases)
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
