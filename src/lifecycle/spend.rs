//! The Gamma-Gamma spend model (Fader & Hardie 2013) and customer lifetime value.
//!
//! Gamma-Gamma: each purchase of a customer is worth z ~ Gamma(p, ν), and ν ~ Gamma(q, γ) across customers, so a
//! customer's mean repeat spend m̄ over x purchases shrinks towards the population mean p γ / (q − 1). That mean is
//! finite only for q > 1: a fit or a model with q ≤ 1 is rejected ([`LifecycleError::GammaGammaQ`]) instead of
//! producing negative or infinite spends. Spends enter as [`Decimal`](rust_decimal::Decimal) and are converted to `f64` inside the
//! statistics only; the results are expectations, not amounts to book.
//!
//! ```
//! use customer_care::lifecycle::{BgNbd, ClvSettings, CustomerSummary, GammaGamma, Span, TimeUnit};
//! use rust_decimal::Decimal;
//!
//! let purchases = BgNbd::new(0.243, 4.414, 0.793, 2.426, TimeUnit::Week)?;
//! let spend = GammaGamma::new(6.25, 3.74, 15.44)?;
//! let customer = CustomerSummary::new(2, 30.43, 38.86, TimeUnit::Week)?.with_monetary_value(Decimal::new(2235, 2));
//! // One year in 13 four-week steps, 1 % discount per step.
//! let settings = ClvSettings::new(Span::weeks(4.0)?, 13, 0.01)?;
//! let clv = settings.lifetime_value(&purchases, &spend, &customer)?;
//! assert!(clv > 20.0 && clv < 40.0, "{clv}");
//! assert!(GammaGamma::new(6.25, 1.0, 15.44).is_err());
//! # Ok::<(), customer_care::lifecycle::LifecycleError>(())
//! ```

use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};

use super::error::{LifecycleError, invalid, non_negative, positive};
use super::models::{Convergence, Estimate, FitReport, PurchaseModel};
use super::optimize::{self, Stop};
use super::span::Span;
use super::special::{digamma, ln_gamma};
use super::summary::CustomerSummary;

/// The Gamma-Gamma spend model with shape `p`, and `q`, `gamma` for the spread of spends across customers.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "GammaGammaRepr", into = "GammaGammaRepr")]
pub struct GammaGamma {
    p: f64,
    q: f64,
    gamma: f64,
}

#[derive(Serialize, Deserialize)]
struct GammaGammaRepr {
    p: f64,
    q: f64,
    gamma: f64,
}

impl TryFrom<GammaGammaRepr> for GammaGamma {
    type Error = LifecycleError;
    fn try_from(r: GammaGammaRepr) -> Result<Self, LifecycleError> {
        Self::new(r.p, r.q, r.gamma)
    }
}

impl From<GammaGamma> for GammaGammaRepr {
    fn from(m: GammaGamma) -> Self {
        Self { p: m.p, q: m.q, gamma: m.gamma }
    }
}

fn spend_of(customer: &CustomerSummary) -> Result<f64, LifecycleError> {
    let m = customer.monetary_value();
    let v = m.to_f64().unwrap_or(f64::NAN);
    non_negative("monetary value", v)
}

/// Negative log-likelihood and gradient in log-parameters over weighted `(x, m̄)` pairs.
fn gg_nll(phi: &[f64; 3], data: &[(f64, f64, f64)]) -> Option<(f64, [f64; 3])> {
    let [p, q, gamma] = phi.map(f64::exp);
    if ![p, q, gamma].iter().all(|v| v.is_finite() && *v > 0.0) {
        return None;
    }
    let (lg_q, dg_q, ln_g) = (ln_gamma(q), digamma(q), gamma.ln());
    let mut ll = 0.0;
    let mut g = [0.0; 3];
    for &(x, m, w) in data {
        let px = p * x;
        let (lm, lx, lgm) = (m.ln(), x.ln(), (gamma + m * x).ln());
        ll += w * (ln_gamma(px + q) - ln_gamma(px) - lg_q + q * ln_g + (px - 1.0) * lm + px * lx - (px + q) * lgm);
        let dg_pxq = digamma(px + q);
        g[0] += w * x * (dg_pxq - digamma(px) + lm + lx - lgm);
        g[1] += w * (dg_pxq - dg_q + ln_g - lgm);
        g[2] += w * (q / gamma - (px + q) / (gamma + m * x));
    }
    ll.is_finite().then_some((-ll, [-g[0] * p, -g[1] * q, -g[2] * gamma]))
}

impl GammaGamma {
    /// A model with parameters `p`, `q` and `gamma` (in money units).
    ///
    /// # Errors
    ///
    /// [`LifecycleError::InvalidValue`] for a parameter that is not finite and > 0;
    /// [`LifecycleError::GammaGammaQ`] for q ≤ 1.
    pub fn new(p: f64, q: f64, gamma: f64) -> Result<Self, LifecycleError> {
        let (p, q, gamma) = (positive("p", p)?, positive("q", q)?, positive("gamma", gamma)?);
        if q <= 1.0 {
            return Err(LifecycleError::GammaGammaQ { q: q.to_string() });
        }
        Ok(Self { p, q, gamma })
    }

    /// Fits the model to the customers with repeat purchases (x > 0), by maximum likelihood on their mean repeat
    /// spend. Customers without repeat purchases carry no spend information and are skipped.
    ///
    /// # Errors
    ///
    /// [`LifecycleError::EmptyPopulation`] when no customer has x > 0; [`LifecycleError::InvalidValue`] for a
    /// mean spend ≤ 0 with x > 0; [`LifecycleError::FitFailed`]; [`LifecycleError::GammaGammaQ`] when the
    /// maximum lies at q ≤ 1 (the data's spends are too dispersed for a finite mean).
    pub fn fit<'a>(
        customers: impl IntoIterator<Item = &'a CustomerSummary>,
    ) -> Result<(Self, FitReport), LifecycleError> {
        let mut pairs: Vec<(u32, u64)> = Vec::new();
        let mut unit = None;
        for c in customers {
            if c.frequency() == 0 {
                continue;
            }
            let m = spend_of(c)?;
            if m <= 0.0 {
                return Err(invalid("monetary value", m, "> 0 for a customer with repeat purchases"));
            }
            unit.get_or_insert_with(|| c.unit());
            pairs.push((c.frequency(), m.to_bits()));
        }
        let Some(unit) = unit else {
            return Err(LifecycleError::EmptyPopulation { what: "customers with repeat purchases".into() });
        };
        pairs.sort_unstable();
        let mut data: Vec<(f64, f64, f64)> = Vec::new();
        let mut last = None;
        for (x, m) in pairs {
            match data.last_mut() {
                Some(d) if last == Some((x, m)) => d.2 += 1.0,
                _ => {
                    data.push((f64::from(x), f64::from_bits(m), 1.0));
                    last = Some((x, m));
                }
            }
        }
        let customers: f64 = data.iter().map(|d| d.2).sum();
        let mean = data.iter().map(|d| d.1 * d.2).sum::<f64>() / customers;
        let mut nll = |phi: &[f64; 3]| gg_nll(phi, &data);
        let failed = |iterations: u32, reason: String| LifecycleError::FitFailed {
            model: "Gamma-Gamma".into(),
            iterations,
            reason,
        };
        let start = [1.0, 2.0, mean].map(f64::ln);
        let min = optimize::bfgs(&mut nll, start, 1e-10, 1000).map_err(|f| failed(f.iterations, f.reason))?;
        let [p, q, gamma] = min.x.map(f64::exp);
        let model = Self::new(p, q, gamma)?;
        let covariance = optimize::numeric_hessian(&mut nll, &min.x, 1e-4).and_then(|h| optimize::invert_spd(&h));
        let parameters = [("p", p), ("q", q), ("gamma", gamma)]
            .iter()
            .enumerate()
            .map(|(i, (name, value))| {
                let var = covariance.as_ref().and_then(|c| c.get(i)).and_then(|r| r.get(i)).copied();
                Estimate {
                    name: (*name).to_owned(),
                    value: *value,
                    standard_error: var.filter(|v| *v > 0.0 && v.is_finite()).map(|v| value * v.sqrt()),
                }
            })
            .collect();
        let report = FitReport {
            model: "Gamma-Gamma".into(),
            parameters,
            log_likelihood: -min.value,
            iterations: min.iterations,
            convergence: match min.stop {
                Stop::Gradient => Convergence::Gradient,
                Stop::Stalled => Convergence::Stalled,
            },
            customers,
            patterns: data.len(),
            unit,
            penalizer: 0.0,
        };
        Ok((model, report))
    }

    /// Shape p of each purchase's value.
    pub const fn p(&self) -> f64 {
        self.p
    }

    /// Shape q of the spread across customers.
    pub const fn q(&self) -> f64 {
        self.q
    }

    /// Scale γ of the spread across customers.
    pub const fn gamma(&self) -> f64 {
        self.gamma
    }

    /// Mean spend per purchase in the population, p γ / (q − 1).
    pub fn population_mean_spend(&self) -> f64 {
        self.p * self.gamma / (self.q - 1.0)
    }

    /// Expected spend per purchase of this customer, p (γ + x m̄) / (p x + q − 1): their own mean repeat spend
    /// shrunk towards the population mean (which is what a customer without repeat purchases gets).
    ///
    /// # Errors
    ///
    /// [`LifecycleError::InvalidValue`] for a negative mean spend.
    pub fn expected_spend(&self, customer: &CustomerSummary) -> Result<f64, LifecycleError> {
        let m = spend_of(customer)?;
        let x = f64::from(customer.frequency());
        Ok(self.p * (self.gamma + x * m) / (self.p * x + self.q - 1.0))
    }

    /// The log-likelihood of the customers with repeat purchases.
    ///
    /// # Errors
    ///
    /// As [`fit`](Self::fit), except the fit itself.
    pub fn log_likelihood<'a>(
        &self,
        customers: impl IntoIterator<Item = &'a CustomerSummary>,
    ) -> Result<f64, LifecycleError> {
        let mut data = Vec::new();
        for c in customers {
            if c.frequency() > 0 {
                data.push((f64::from(c.frequency()), positive("monetary value", spend_of(c)?)?, 1.0));
            }
        }
        let phi = [self.p, self.q, self.gamma].map(f64::ln);
        gg_nll(&phi, &data)
            .map(|(v, _)| -v)
            .ok_or_else(|| LifecycleError::NumericalFailure { what: "gamma-gamma log-likelihood".into() })
    }
}

/// How customer lifetime value is computed: the horizon cut into `steps` equal `step`s, each discounted at
/// `discount_rate` per step.
///
/// CLV = Σᵢ spend × (E[purchases by i·step] − E[purchases by (i − 1)·step]) / (1 + d)ⁱ, i = 1 … steps, with the
/// expected spend per purchase from [`GammaGamma::expected_spend`]. This is the discrete-time convention of
/// `lifetimes` (monthly steps with a monthly rate): the rate and the step always travel together, so an annual rate
/// can't be applied to weekly steps by mistake.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ClvRepr", into = "ClvRepr")]
pub struct ClvSettings {
    step: Span,
    steps: u32,
    discount_rate: f64,
}

#[derive(Serialize, Deserialize)]
struct ClvRepr {
    step: Span,
    steps: u32,
    discount_rate: f64,
}

impl TryFrom<ClvRepr> for ClvSettings {
    type Error = LifecycleError;
    fn try_from(r: ClvRepr) -> Result<Self, LifecycleError> {
        Self::new(r.step, r.steps, r.discount_rate)
    }
}

impl From<ClvSettings> for ClvRepr {
    fn from(s: ClvSettings) -> Self {
        Self { step: s.step, steps: s.steps, discount_rate: s.discount_rate }
    }
}

impl ClvSettings {
    /// `steps` steps of length `step`, discounted at `discount_rate` per step (0.01 = 1 %).
    ///
    /// # Errors
    ///
    /// [`LifecycleError::InvalidValue`] for a zero-length step, zero steps, or a rate that is not finite and
    /// in (−1, ∞).
    pub fn new(step: Span, steps: u32, discount_rate: f64) -> Result<Self, LifecycleError> {
        positive("clv step length", step.length())?;
        if steps == 0 {
            return Err(invalid("clv steps", 0.0, "at least 1"));
        }
        if !discount_rate.is_finite() || discount_rate <= -1.0 {
            return Err(invalid("discount rate", discount_rate, "a finite rate > -1 per step"));
        }
        Ok(Self { step, steps, discount_rate })
    }

    /// The step.
    pub const fn step(&self) -> Span {
        self.step
    }

    /// The number of steps.
    pub const fn steps(&self) -> u32 {
        self.steps
    }

    /// The discount rate per step.
    pub const fn discount_rate(&self) -> f64 {
        self.discount_rate
    }

    /// The whole horizon, steps × step.
    pub fn horizon(&self) -> Span {
        Span::new(self.step.length() * f64::from(self.steps), self.step.unit()).unwrap_or(self.step)
    }

    fn step_span(&self, i: u32) -> Result<Span, LifecycleError> {
        Span::new(self.step.length() * f64::from(i), self.step.unit())
    }

    /// Discounted expected value of one customer's future purchases.
    ///
    /// # Errors
    ///
    /// [`LifecycleError::UnitMismatch`] when the step, the model and the summary are not in one unit; errors of
    /// the model's predictions and of [`GammaGamma::expected_spend`].
    pub fn lifetime_value(
        &self,
        purchases: &dyn PurchaseModel,
        spend: &GammaGamma,
        customer: &CustomerSummary,
    ) -> Result<f64, LifecycleError> {
        let values = self.lifetime_values(purchases, spend, std::slice::from_ref(customer))?;
        Ok(values.first().copied().unwrap_or(0.0))
    }

    /// [`lifetime_value`](Self::lifetime_value) for many customers, using the model's batch predictions.
    ///
    /// # Errors
    ///
    /// As [`lifetime_value`](Self::lifetime_value).
    pub fn lifetime_values(
        &self,
        purchases: &dyn PurchaseModel,
        spend: &GammaGamma,
        customers: &[CustomerSummary],
    ) -> Result<Vec<f64>, LifecycleError> {
        let mut values = vec![0.0; customers.len()];
        let mut previous = vec![0.0; customers.len()];
        let mut discount = 1.0;
        for i in 1..=self.steps {
            discount /= 1.0 + self.discount_rate;
            let now = purchases.predict_all(customers, self.step_span(i)?)?;
            for ((v, prev), p) in values.iter_mut().zip(previous.iter_mut()).zip(&now) {
                *v += (p.expected_purchases - *prev) * discount;
                *prev = p.expected_purchases;
            }
        }
        for (v, c) in values.iter_mut().zip(customers) {
            *v *= spend.expected_spend(c)?;
        }
        Ok(values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::{BgNbd, TimeUnit};
    use rust_decimal::Decimal;

    #[test]
    fn gradient_matches_finite_differences() {
        let data = [(1.0, 11.77, 1.0), (2.0, 22.35, 2.0), (7.0, 40.1, 1.0)];
        let phi = [6.0f64, 3.7, 15.0].map(f64::ln);
        let (_, g) = gg_nll(&phi, &data).unwrap();
        let mut f = |p: &[f64; 3]| gg_nll(p, &data).map(|v| v.0);
        let (_, ng) = optimize::numeric_gradient(&mut f, &phi, 1e-6).unwrap();
        for (a, b) in g.iter().zip(&ng) {
            assert!((a - b).abs() < 1e-6 * (1.0 + a.abs()), "{g:?} vs {ng:?}");
        }
    }

    #[test]
    fn clv_validation_and_discounting() {
        let week = |n| Span::weeks(n).unwrap();
        assert!(ClvSettings::new(week(0.0), 3, 0.01).is_err());
        assert!(ClvSettings::new(week(4.0), 0, 0.01).is_err());
        assert!(ClvSettings::new(week(4.0), 3, -1.0).is_err());
        assert!(ClvSettings::new(week(4.0), 3, f64::NAN).is_err());
        let bg = BgNbd::new(0.243, 4.414, 0.793, 2.426, TimeUnit::Week).unwrap();
        let gg = GammaGamma::new(6.25, 3.74, 15.44).unwrap();
        let c =
            CustomerSummary::new(2, 30.43, 38.86, TimeUnit::Week).unwrap().with_monetary_value(Decimal::new(2235, 2));
        let undiscounted = ClvSettings::new(week(4.0), 13, 0.0).unwrap().lifetime_value(&bg, &gg, &c).unwrap();
        let discounted = ClvSettings::new(week(4.0), 13, 0.01).unwrap().lifetime_value(&bg, &gg, &c).unwrap();
        let expected = bg.expected_purchases(&c, week(52.0)).unwrap() * gg.expected_spend(&c).unwrap();
        assert!((undiscounted - expected).abs() < 1e-9, "{undiscounted} vs {expected}");
        assert!(discounted < undiscounted);
        let days = ClvSettings::new(Span::days(28.0).unwrap(), 13, 0.01).unwrap();
        assert!(matches!(days.lifetime_value(&bg, &gg, &c), Err(LifecycleError::UnitMismatch { .. })));
        assert_eq!(ClvSettings::new(week(4.0), 13, 0.0).unwrap().horizon(), week(52.0));
    }

    #[test]
    fn q_at_most_one_is_rejected() {
        assert_eq!(GammaGamma::new(1.0, 1.0, 1.0).unwrap_err(), LifecycleError::GammaGammaQ { q: "1".into() });
        assert!(GammaGamma::new(1.0, 0.5, 1.0).is_err());
        assert!(serde_json::from_str::<GammaGamma>(r#"{"p":1.0,"q":0.9,"gamma":1.0}"#).is_err());
        let gg = GammaGamma::new(6.25, 3.74, 15.44).unwrap();
        let none = CustomerSummary::new(0, 0.0, 3.0, TimeUnit::Week).unwrap();
        assert!((gg.expected_spend(&none).unwrap() - gg.population_mean_spend()).abs() < 1e-12);
        assert!(GammaGamma::fit([&none]).is_err());
    }
}
