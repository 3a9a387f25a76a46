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
//! analytic for every model (for Pareto/NBD the derivatives of its hypergeometric terms come from their own
//! series). Standard errors come from the inverse of the Hessian at the optimum (delta method). A fit that does not
//! converge is an error.
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
//!
//! This file holds the BG family; what every model shares (estimates, fit options and reports, the
//! [`PurchaseModel`] trait, the fit itself) is in `models/fit.rs`, and Pareto/NBD in `models/pareto.rs`.

mod bgbb;
mod count;
mod fit;
mod pareto;
mod series;

use serde::{Deserialize, Serialize};

pub use bgbb::{BgBb, BgBbReport, OpportunityHistory};
pub use fit::{Convergence, Estimate, FitOptions, FitReport, Prediction, PurchaseModel};
use fit::{
    Fit, Formulas, check_unit, fit_model_newton, logistic, numerical, predict_all_with, predict_one, scale_start,
};
pub use pareto::ParetoNbd;
use series::AliveSeries;

use super::error::{LifecycleError, positive};
use super::span::{Span, TimeUnit};
use super::special::{bg_expected_alive, digamma, ln_gamma, trigamma};
use super::summary::{CustomerSummary, FitData};

/// Negative log-likelihood, its gradient and its Hessian in log-parameters for the BG family.
/// `modified`: MBG/NBD (drop-out possible at the first purchase) instead of BG/NBD.
///
/// Per customer, ln L = c_x − (r + x) ln(α + T) + softplus(ln D) (the last term only for x > 0 in BG/NBD), with
/// c_x the Gamma and Beta constants, ln D = ln a − ln(b + x − 1 + shift) + (r + x)(ln(α + T) − ln(α + t_x)) and
/// π = logistic(ln D). The Hessian of softplus(ln D) is π(1 − π) ∇ln D ∇ln Dᵀ + π ∇²ln D; that of c_x comes from
/// trigamma. In log-parameters θ = e^φ: ∂²/∂φᵢ∂φⱼ = θᵢθⱼ Hᵢⱼ + δᵢⱼ θᵢ gᵢ.
fn bg_family_nll(phi: &[f64; 4], data: &FitData, modified: bool) -> Option<(f64, [f64; 4], [[f64; 4]; 4])> {
    let [r, alpha, a, b] = phi.map(f64::exp);
    if ![r, alpha, a, b].iter().all(|v| v.is_finite() && *v > 0.0) {
        return None;
    }
    let shift = if modified { 1.0 } else { 0.0 };
    let ln_alpha = alpha.ln();
    let (lg_r, lg_b, lg_ab) = (ln_gamma(r), ln_gamma(b), ln_gamma(a + b));
    let (dg_r, dg_b, dg_ab) = (digamma(r), digamma(b), digamma(a + b));
    let (tg_r, tg_b, tg_ab) = (trigamma(r), trigamma(b), trigamma(a + b));
    let (times, slots) = data.time_index();
    // ln(α + t) and 1/(α + t) once per distinct time.
    let table: Vec<(f64, f64)> = times.iter().map(|t| ((alpha + t).ln(), 1.0 / (alpha + t))).collect();
    let mut ll = 0.0;
    let mut g = [0.0; 4];
    // The Hessian's upper triangle in raw parameters (r, α, a, b), row by row: rr, rα, ra, rb, αα, αa, αb, aa, ab, bb
    // (ten scalars the compiler keeps in registers).
    let mut u = [0.0f64; 10];
    let mut current = None;
    let (mut c_x, mut dr_x, mut da_x, mut db_x, mut ln_ratio, mut has_d) = (0.0, 0.0, 0.0, 0.0, 0.0, false);
    let (mut tr_x, mut ta_x, mut tb_x) = (0.0, 0.0, 0.0);
    let inv_a = 1.0 / a;
    let mut inv_bx1 = 1.0;
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
            let tg_abx = trigamma(abx);
            tr_x = trigamma(r + x) - tg_r;
            ta_x = tg_ab - tg_abx;
            tb_x = tg_ab + trigamma(bx) - tg_b - tg_abx;
            has_d = modified || p.frequency > 0;
            let bx1 = b + x - 1.0 + shift;
            inv_bx1 = 1.0 / bx1;
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
        // Second derivatives of c_x − (r + x) ln(α + T) (1/α and −r/α² are added once for all customers below).
        let (mut h_r_alpha, mut h_alpha) = (-inv_at, rx * inv_at * inv_at);
        let (mut h_a, mut h_b) = (ta_x, tb_x);
        if has_d {
            let ln_d = ln_ratio + rx * (lat - lax);
            // softplus(ln D) and the logistic π = D / (1 + D) from one exponential. With e ≤ 1, ln(1 + e) has an
            // absolute error below ε however small e is, ample for a sum over customers, and costs half of ln_1p.
            let e = (-ln_d.abs()).exp();
            term += ln_d.max(0.0) + (1.0 + e).ln();
            let pi = if ln_d >= 0.0 { 1.0 / (1.0 + e) } else { e / (1.0 + e) };
            // ∇ln D in (r, α, a, b), and the non-zero entries of ∇²ln D.
            let v = [lat - lax, rx * (inv_at - inv_ax), inv_a, -inv_bx1];
            gr += pi * v[0];
            ga += pi * v[1];
            gaa += pi * v[2];
            gb += pi * v[3];
            h_r_alpha += pi * (inv_at - inv_ax);
            h_alpha += pi * rx * (inv_ax * inv_ax - inv_at * inv_at);
            h_a -= pi * inv_a * inv_a;
            h_b += pi * inv_bx1 * inv_bx1;
            let kw = w * pi * (1.0 - pi);
            let [v0, v1, v2, v3] = v;
            let (k0, k1, k2, k3) = (kw * v0, kw * v1, kw * v2, kw * v3);
            u[0] += k0 * v0;
            u[1] += k0 * v1;
            u[2] += k0 * v2;
            u[3] += k0 * v3;
            u[4] += k1 * v1;
            u[5] += k1 * v2;
            u[6] += k1 * v3;
            u[7] += k2 * v2;
            u[8] += k2 * v3;
            u[9] += k3 * v3;
        }
        ll += w * term;
        g[0] += w * gr;
        g[1] += w * ga;
        g[2] += w * gaa;
        g[3] += w * gb;
        u[0] += w * tr_x;
        u[1] += w * h_r_alpha;
        u[4] += w * h_alpha;
        u[7] += w * h_a;
        u[8] += w * ta_x;
        u[9] += w * h_b;
    }
    if !ll.is_finite() {
        return None;
    }
    let total = data.customers();
    u[1] += total / alpha;
    u[4] -= total * r / (alpha * alpha);
    let [u0, u1, u2, u3, u4, u5, u6, u7, u8, u9] = u;
    let h = [[u0, u1, u2, u3], [u1, u4, u5, u6], [u2, u5, u7, u8], [u3, u6, u8, u9]];
    let theta = [r, alpha, a, b];
    // To log-parameters and to the negative log-likelihood.
    let mut hessian = [[0.0; 4]; 4];
    for (i, row) in hessian.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            let raw = h.get(i).and_then(|row| row.get(j)).copied().unwrap_or(f64::NAN);
            let (ti, tj) = (theta.get(i).copied().unwrap_or(f64::NAN), theta.get(j).copied().unwrap_or(f64::NAN));
            let diagonal = if i == j { ti * g.get(i).copied().unwrap_or(f64::NAN) } else { 0.0 };
            *v = -(ti * tj * raw + diagonal);
        }
    }
    Some((-ll, [-g[0] * r, -g[1] * alpha, -g[2] * a, -g[3] * b], hessian))
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
                let ([r, alpha, a, b], report) = fit_model_newton(fit, data, 1e-9, options, &mut nll)?;
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

            fn alive_series(&self, t: f64, customers: &[CustomerSummary]) -> Option<AliveSeries> {
                let shift = if $modified { 1.0 } else { 0.0 };
                Some(AliveSeries::new(self.r, self.alpha, self.a, self.b, shift, t, customers))
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
                Ok(predict_one(self, self.unit, customer, horizon)?.expected_purchases)
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
                    .map(|(v, _, _)| -v)
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

#[cfg(test)]
mod tests {
    use super::super::optimize;
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
            let (_, g, h) = bg_family_nll(&phi, &data, modified).unwrap();
            let mut f = |p: &[f64; 4]| bg_family_nll(p, &data, modified).map(|v| v.0);
            let (_, ng) = optimize::numeric_gradient(&mut f, &phi, 1e-6).unwrap();
            for (a, b) in g.iter().zip(&ng) {
                assert!((a - b).abs() < 1e-6 * (1.0 + a.abs()), "{g:?} vs {ng:?}");
            }
            // The Hessian against central differences of the analytic gradient.
            let step = 1e-5;
            for (i, row) in h.iter().enumerate() {
                let (mut up, mut down) = (phi, phi);
                up[i] += step;
                down[i] -= step;
                let (gu, gd) =
                    (bg_family_nll(&up, &data, modified).unwrap().1, bg_family_nll(&down, &data, modified).unwrap().1);
                for (j, v) in row.iter().enumerate() {
                    let numeric = (gu[j] - gd[j]) / (2.0 * step);
                    assert!((v - numeric).abs() < 1e-6 * (1.0 + v.abs()), "H[{i}][{j}] = {v}, differences {numeric}");
                }
            }
        }
    }

    #[test]
    fn newton_and_bfgs_find_the_same_cdnow_optimum() {
        // The CDNOW calibration summaries (Fader, Hardie & Lee 2005; published BG/NBD estimates r 0.243, α 4.414,
        // a 0.793, b 2.426): the Newton fit lands where BFGS does, to the precision of BFGS's stopping rule.
        let rows: Vec<CustomerSummary> = include_str!("../../tests/data/cdnow_customers_summary.csv")
            .lines()
            .skip(1)
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                week(f[1].parse().unwrap(), f[2].parse().unwrap(), f[3].parse().unwrap())
            })
            .collect();
        let data = FitData::from_summaries(&rows).unwrap();
        for modified in [false, true] {
            let fit = || Fit {
                model: "test",
                names: ["r", "alpha", "a", "b"],
                time_scales: [false, true, false, false],
                start: [1.0, scale_start(&data), 1.0, 1.0],
            };
            let options = FitOptions::default();
            let mut with_hessian = |phi: &[f64; 4]| bg_family_nll(phi, &data, modified);
            let (newton, report) = fit_model_newton(fit(), &data, 1e-9, &options, &mut with_hessian).unwrap();
            let mut gradient = |phi: &[f64; 4]| bg_family_nll(phi, &data, modified).map(|(v, g, _)| (v, g));
            let (bfgs, reference) = fit::fit_model(fit(), &data, 1e-9, &options, &mut gradient).unwrap();
            for (n, b) in newton.iter().zip(&bfgs) {
                assert!((n - b).abs() <= 1e-5 * b, "Newton {newton:?}, BFGS {bfgs:?}");
            }
            assert!(report.log_likelihood >= reference.log_likelihood - 1e-9);
            assert!(report.iterations < reference.iterations, "{} vs {}", report.iterations, reference.iterations);
            if !modified {
                let published = [0.243, 4.414, 0.793, 2.426];
                assert!(newton.iter().zip(&published).all(|(v, p)| (v - p).abs() <= 5e-4), "{newton:?}");
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
            let (rx, a1, b1) = (m.r() + f64::from(x), m.alpha() + age, m.beta() + age);
            // Composite Simpson on the density of "a purchase at u before dropping out".
            let f = |u: f64| rx / a1 * (a1 / (a1 + u)).powf(rx + 1.0) * (b1 / (b1 + u)).powf(m.s());
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
