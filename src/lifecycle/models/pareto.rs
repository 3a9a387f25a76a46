//! The Pareto/NBD model: Gamma purchase rates and Gamma drop-out rates.

use serde::{Deserialize, Serialize};

use super::super::error::{LifecycleError, positive};
use super::super::span::{Span, TimeUnit};
use super::super::special::{Hyp2f1OnePartials, digamma, ln_gamma, ln_hyp2f1_one_w, one_minus_exp_over};
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
        Some(-m * la + (1.0 - q) * (lb - la) + ln_hyp2f1_one_w(p, m + 1.0, z, (beta + y) / (alpha + y))?)
    } else {
        let z = (beta - alpha) / (beta + y);
        Some(-m * lb + (1.0 - p) * (la - lb) + ln_hyp2f1_one_w(q, m + 1.0, z, (alpha + y) / (beta + y))?)
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

/// ln(M F(y)) ([`ln_power_tail`]) at two points y, and its partials with respect to (P, α, Q, β) (the order of the
/// model's r, α, s, β), from `series`, set by the caller to b = P when α ≥ β (else Q) and c = M + 1 = P + Q.
/// `at` holds per point [ln(α + y), ln(β + y), 1/(α + y), 1/(β + y)].
///
/// With α ≥ β, ln(M F(y)) = −M ln(α + y) + (1 − Q) ln((β + y)/(α + y)) + ln ₂F₁(1, P; M + 1; z), z = (α − β)/(α + y),
/// where ∂z/∂α = (1 − z)/(α + y) and ∂z/∂β = −1/(α + y); with α < β, the same with (P, α) and (Q, β) traded.
fn power_tails(
    series: &mut Hyp2f1OnePartials,
    (p, q): (f64, f64),
    (alpha, beta): (f64, f64),
    at: [[f64; 4]; 2],
) -> Option<[(f64, [f64; 4]); 2]> {
    let mirrored = alpha < beta;
    let (p1, q1, width) = if mirrored { (q, p, beta - alpha) } else { (p, q, alpha - beta) };
    let m = p + q - 1.0;
    let logs = at.map(|[la, lb, ia, ib]| if mirrored { [lb, la, ib, ia] } else { [la, lb, ia, ib] });
    let z = logs.map(|[_, _, i1, _]| width * i1);
    let sums = series.pair(z)?;
    let one = |(ls, [sp, sc, sz]): (f64, [f64; 3]), [l1, l2, i1, i2]: [f64; 4], z: f64| {
        let value = -m * l1 + (1.0 - q1) * (l2 - l1) + ls;
        let d = [-l1 + sp + sc, -p1 * i1 + sz * (1.0 - z) * i1, -l2 + sc, (1.0 - q1) * i2 - sz * i1];
        let [dp1, ds1, dq1, ds2] = d;
        (value, if mirrored { [dq1, ds2, dp1, ds1] } else { d })
    };
    let ([s0, s1], [l0, l1], [z0, z1]) = (sums, logs, z);
    Some([one(s0, l0, z0), one(s1, l1, z1)])
}

/// A memo entry: the frequency's stamp, ln(M F(y)) and its partials.
type Tail = (u32, f64, [f64; 4]);

/// The Pareto/NBD negative log-likelihood and its gradient in log-parameters (closed form: the derivatives of
/// the hypergeometric terms come from their own series, [`power_tails`]).
///
/// Per customer, ln L = ln Γ(r + x) − ln Γ(r) + r ln α + s ln β + ln(e^(l₁) + e^(l₂)) with
/// l₁ = −(r + x) ln(α + T) − s ln(β + T) (alive at T) and l₂ = ln s − ln m + ln(m F(t_x) − m F(T)) (dropped out
/// in (t_x, T]), m = r + s + x; the gradient of the last term is π₁ ∇l₁ + π₂ ∇l₂ with π₂ = logistic(l₂ − l₁), and
/// ∇ln(e^(f₁) − e^(f₂)) = (∇f₁ − w ∇f₂)/(1 − w), w = e^(f₂ − f₁) < 1. The logarithms of α + t and β + t are taken
/// once per distinct time, the series' coefficients once per frequency, and the tails once per (frequency, time).
pub(super) fn pareto_nll(phi: &[f64; 4], data: &FitData) -> Option<(f64, [f64; 4])> {
    let [r, alpha, s, beta] = phi.map(f64::exp);
    if ![r, alpha, s, beta].iter().all(|v| v.is_finite() && *v > 0.0) {
        return None;
    }
    let (ln_alpha, ln_beta, ln_s) = (alpha.ln(), beta.ln(), s.ln());
    let base = -ln_gamma(r) + r * ln_alpha + s * ln_beta;
    // The derivatives of `base` (with ψ(r + x) added per pattern).
    let base_slope = [-digamma(r) + ln_alpha, r / alpha, ln_beta, s / beta];
    let q = s + 1.0;
    let (times, slots) = data.time_index();
    let table: Vec<[f64; 4]> = times
        .iter()
        .map(|t| {
            let (a, b) = (alpha + t, beta + t);
            [a.ln(), b.ln(), 1.0 / a, 1.0 / b]
        })
        .collect();
    let mut series = Hyp2f1OnePartials::default();
    // ln(M F(y)) and its partials per time, for the current frequency (`stamp` counts the frequencies seen).
    let mut memo: Vec<Tail> = vec![(0, 0.0, [0.0; 4]); times.len()];
    let mut stamp = 0u32;
    let mut ll = 0.0;
    let mut g = [0.0; 4];
    let mut current = None;
    let (mut lg, mut dg, mut ln_m) = (0.0, 0.0, 0.0);
    for (p, &(i_tx, i_t)) in data.patterns().iter().zip(slots) {
        let x = f64::from(p.frequency);
        let big_p = r + x;
        let m = big_p + s;
        if current != Some(p.frequency) {
            current = Some(p.frequency);
            lg = ln_gamma(big_p);
            dg = digamma(big_p);
            ln_m = m.ln();
            series.reset(if alpha >= beta { big_p } else { q }, big_p + q)?;
            stamp += 1;
        }
        let (Some(&at_t), Some(&at_tx)) = (table.get(i_t as usize), table.get(i_tx as usize)) else {
            return None;
        };
        let cached = |memo: &[Tail], i: u32| memo.get(i as usize).filter(|e| e.0 == stamp).map(|e| (e.1, e.2));
        let tails = match (cached(&memo, i_t), cached(&memo, i_tx)) {
            (Some(t), Some(tx)) => [t, tx],
            (Some(t), None) => [t, power_tails(&mut series, (big_p, q), (alpha, beta), [at_tx, at_tx])?[0]],
            (None, Some(tx)) => [power_tails(&mut series, (big_p, q), (alpha, beta), [at_t, at_t])?[0], tx],
            (None, None) => power_tails(&mut series, (big_p, q), (alpha, beta), [at_t, at_tx])?,
        };
        for (i, (f, d)) in [i_t, i_tx].into_iter().zip(tails) {
            if let Some(entry) = memo.get_mut(i as usize) {
                *entry = (stamp, f, d);
            }
        }
        let [(f_t, d_t), (f_tx, d_tx)] = tails;
        let [lat, lbt, iat, ibt] = at_t;
        let l1 = -big_p * lat - s * lbt;
        let d1 = [-lat, -big_p * iat, -lbt, -s * ibt];
        let diff = f_t - f_tx;
        let (l2, d2) = if diff < 0.0 {
            // w = e^diff and 1 − w, by exp_m1 only where 1 − w would cancel.
            let (gap, w) = if diff < -0.5 {
                let w = diff.exp();
                (1.0 - w, w)
            } else {
                let em1 = diff.exp_m1();
                (-em1, 1.0 + em1)
            };
            let mut d2 = [-1.0 / m, 0.0, 1.0 / s - 1.0 / m, 0.0];
            for (d, (a, b)) in d2.iter_mut().zip(d_tx.iter().zip(&d_t)) {
                *d += (a - w * b) / gap;
            }
            (ln_s - ln_m + f_tx + gap.ln(), d2)
        } else {
            (f64::NEG_INFINITY, [0.0; 4])
        };
        if !l1.is_finite() || l2.is_nan() {
            return None;
        }
        // ln(e^(l₁) + e^(l₂)) and π₂ from one exponential (e ≤ 1, so ln(1 + e) is accurate to ε absolutely).
        let odds = l2 - l1;
        let e = (-odds.abs()).exp();
        let mixture = l1.max(l2) + (1.0 + e).ln();
        let pi = if odds >= 0.0 { 1.0 / (1.0 + e) } else { e / (1.0 + e) };
        let w = p.weight;
        ll += w * (lg + base + mixture);
        for (gi, (c, (a, b))) in g.iter_mut().zip(base_slope.iter().zip(d1.iter().zip(&d2))) {
            *gi += w * (c + (1.0 - pi) * a + pi * b);
        }
        g[0] += w * dg;
    }
    if !ll.is_finite() || !g.iter().all(|v| v.is_finite()) {
        return None;
    }
    Some((-ll, [-g[0] * r, -g[1] * alpha, -g[2] * s, -g[3] * beta]))
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

    /// Fits the model to `data` by maximum likelihood (analytic gradient).
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
        let mut nll = |phi: &[f64; 4]| pareto_nll(phi, data);
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
        pareto_nll(&phi, data).map(|(v, _)| -v).ok_or_else(|| numerical("Pareto/NBD log-likelihood".into()))
    }

    fn predict_all(&self, customers: &[CustomerSummary], horizon: Span) -> Result<Vec<Prediction>, LifecycleError> {
        predict_all_with(self, self.unit, customers, horizon)
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::optimize::numeric_gradient;
    use super::super::super::special::ln_hyp2f1_one;
    use super::*;

    /// The CDNOW calibration summaries (Fader, Hardie & Lee 2005), as in the integration tests.
    fn cdnow() -> FitData {
        let rows: Vec<CustomerSummary> = include_str!("../../../tests/data/cdnow_customers_summary.csv")
            .lines()
            .skip(1)
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                CustomerSummary::new(
                    f[1].parse().unwrap(),
                    f[2].parse().unwrap(),
                    f[3].parse().unwrap(),
                    TimeUnit::Week,
                )
                .unwrap()
            })
            .collect();
        FitData::from_summaries(&rows).unwrap()
    }

    /// Central differences with one Richardson step, (4 D(h/2) − D(h)) / 3: error O(h⁴).
    fn richardson(data: &FitData, phi: &[f64; 4], h: f64) -> [f64; 4] {
        let mut f = |p: &[f64; 4]| pareto_nll(p, data).map(|v| v.0);
        let (_, wide) = numeric_gradient(&mut f, phi, h).unwrap();
        let (_, narrow) = numeric_gradient(&mut f, phi, h / 2.0).unwrap();
        std::array::from_fn(|i| (4.0 * narrow[i] - wide[i]) / 3.0)
    }

    fn assert_gradient_matches(data: &FitData, theta: [f64; 4], tolerance: f64) {
        let phi = theta.map(f64::ln);
        let (_, g) = pareto_nll(&phi, data).unwrap();
        let ng = richardson(data, &phi, 1e-3);
        for (a, b) in g.iter().zip(&ng) {
            assert!((a - b).abs() <= tolerance * (1.0 + b.abs()), "at {theta:?}: analytic {g:?}, differences {ng:?}");
        }
    }

    #[test]
    fn analytic_gradient_matches_finite_differences_on_cdnow() {
        let data = cdnow();
        // The CDNOW optimum (gradient ≈ 0, so the comparison is absolute there), the fit's start (α = β: z = 0),
        // α < β, α > β, and far from the data.
        for theta in [
            [0.553_275_523_649_364, 10.577_612_196_697_311, 0.606_213_465_853_115_1, 11.667_907_074_771_446],
            [1.0, 3.5, 1.0, 3.5],
            [0.3, 2.0, 1.5, 40.0],
            [2.5, 60.0, 0.2, 0.5],
            [0.05, 0.5, 3.0, 20.0],
        ] {
            assert_gradient_matches(&data, theta, 1e-7);
        }
    }

    #[test]
    fn analytic_gradient_matches_finite_differences_on_edges() {
        let week = |x, tx, t| CustomerSummary::new(x, tx, t, TimeUnit::Week).unwrap();
        // t_x = T (no drop-out term), t_x = 0, a frequent buyer, a very young customer.
        let rows =
            [week(3, 20.0, 20.0), week(0, 0.0, 38.0), week(250, 37.5, 39.0), week(1, 0.01, 0.02), week(2, 5.0, 30.0)];
        let data = FitData::from_summaries(&rows).unwrap();
        for theta in [[0.5, 10.0, 0.6, 12.0], [4.0, 1.0, 0.1, 100.0], [0.2, 50.0, 3.0, 0.7]] {
            assert_gradient_matches(&data, theta, 1e-7);
        }
    }

    #[test]
    fn the_partials_series_gives_the_plain_series_value_and_its_derivatives() {
        let mut series = Hyp2f1OnePartials::default();
        for &(b, c, z) in &[(1.5, 3.5, 0.3), (25.2, 26.2, 0.95), (0.606, 2.159, 0.0), (3.0, 4.0, 0.999)] {
            series.reset(b, c).unwrap();
            let [(with, [db, dc, dz]), (other, _)] = series.pair([z, 0.5 * z]).unwrap();
            let plain = ln_hyp2f1_one(b, c, z).unwrap();
            assert!((plain - with).abs() <= 1e-14 * (1.0 + plain.abs()), "{plain} vs {with}");
            assert!((other - ln_hyp2f1_one(b, c, 0.5 * z).unwrap()).abs() <= 1e-14 * (1.0 + other.abs()));
            // Central differences of the plain series (h = 1e-6: error about 1e-9 relative).
            let h = 1e-6;
            let f = |b: f64, c: f64, z: f64| ln_hyp2f1_one(b, c, z).unwrap();
            let nb = (f(b + h, c, z) - f(b - h, c, z)) / (2.0 * h);
            let nc = (f(b, c + h, z) - f(b, c - h, z)) / (2.0 * h);
            let nz = if z > 0.0 { (f(b, c, z + h) - f(b, c, z - h)) / (2.0 * h) } else { (f(b, c, h) - plain) / h };
            for (a, n) in [(db, nb), (dc, nc), (dz, nz)] {
                assert!((a - n).abs() <= 1e-6 * (1.0 + n.abs()), "({b}, {c}, {z}): {a} vs {n}");
            }
        }
        assert!(series.reset(2.0, 1.0).is_none());
        series.reset(1.0, 2.0).unwrap();
        assert!(series.pair([0.5, 1.0]).is_none());
    }
}
