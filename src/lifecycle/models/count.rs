//! P(X(t) = n): how many repeat purchases a customer drawn from the population makes in a span of length t
//! (`lifetimes`' `probability_of_n_purchases_up_to_time`), for the BG family and Pareto/NBD.

use super::super::error::LifecycleError;
use super::super::span::Span;
use super::super::special::{integrate, ln_beta, ln_gamma, log_add_exp};
use super::fit::{PurchaseModel, numerical};
use super::{BgNbd, ModifiedBgNbd, ParetoNbd};

/// P(X(t) = n) for n = 0..=n_max, BG/NBD (Fader, Hardie & Lee 2005, eq. 8) or MBG/NBD (`modified`: the drop-out
/// chance applies at the first purchase too; Batislam, Denizel & Filiztekin 2007):
///
/// P(X(t) = n) = B(a, b + n + m)/B(a, b) · NB(n) + [n > 0 or m = 1] · B(a + 1, b + n − 1 + m)/B(a, b) · P(N ≥ n),
///
/// m = 1 for MBG/NBD, where N ~ NegBin(r, z), z = t/(α + t), NB(n) = P(N = n) = Γ(r + n)/(Γ(r) n!) (1 − z)^r zⁿ:
/// the customer is alive after n purchases, or died right after the n-th. P(N ≥ n) is summed from whichever end
/// is smaller, so neither term cancels. All in log space; `None` if the tail sum did not converge.
fn bg_family_distribution(r: f64, alpha: f64, a: f64, b: f64, modified: bool, t: f64, n_max: u32) -> Option<Vec<f64>> {
    let m = if modified { 1.0 } else { 0.0 };
    let ln_b = ln_beta(a, b);
    let ln_one_minus_z = -(t / alpha).ln_1p();
    let ln_z = if t > 0.0 { (t / (alpha + t)).ln() } else { f64::NEG_INFINITY };
    // ln P(N = 0) and the running ln P(N < n) (−∞ for n = 0).
    let mut ln_pmf = r * ln_one_minus_z;
    let mut ln_head = f64::NEG_INFINITY;
    let mut out = Vec::with_capacity(n_max as usize + 1);
    for n in 0..=n_max {
        let nf = f64::from(n);
        if n > 0 {
            ln_head = log_add_exp(ln_head, ln_pmf);
            ln_pmf += (r + nf - 1.0).ln() + ln_z - nf.ln();
        }
        let alive = (ln_beta(a, b + nf + m) - ln_b + ln_pmf).exp();
        let died = if n > 0 || modified {
            let ln_tail = ln_at_least(r, ln_z, n, ln_head, ln_pmf)?;
            (ln_beta(a + 1.0, b + nf - 1.0 + m) - ln_b + ln_tail).exp()
        } else {
            0.0
        };
        let p = alive + died;
        if !p.is_finite() {
            return None;
        }
        out.push(p.clamp(0.0, 1.0));
    }
    Some(out)
}

/// ln P(N ≥ n) from ln P(N < n) and ln P(N = n): 1 − head while the head is small, else the tail series.
fn ln_at_least(r: f64, ln_z: f64, n: u32, ln_head: f64, ln_pmf: f64) -> Option<f64> {
    if ln_head < -std::f64::consts::LN_2 {
        return Some((-ln_head.exp()).ln_1p());
    }
    // Σ_{j ≥ n} P(N = j) = P(N = n) Σ_k Π (r + j) z / (j + 1); past the mode the ratios fall below z < 1.
    let z = ln_z.exp();
    let (mut term, mut sum) = (1.0f64, 1.0f64);
    for k in 0..2_000_000u32 {
        let j = f64::from(n) + f64::from(k);
        let ratio = (r + j) * z / (j + 1.0);
        term *= ratio;
        sum += term;
        if ratio < 1.0 && term <= sum * 1e-17 {
            return Some(ln_pmf + sum.ln());
        }
    }
    None
}

macro_rules! purchase_counts {
    ($name:ident, $modified:expr) => {
        impl $name {
            /// P(X(t) = n), the probability that a customer drawn from the population makes exactly `n` repeat
            /// purchases in `horizon` (`lifetimes`' `probability_of_n_purchases_up_to_time`).
            ///
            /// # Errors
            ///
            /// [`LifecycleError::UnitMismatch`] for a horizon in another unit; [`LifecycleError::NumericalFailure`].
            pub fn probability_of_purchases(&self, n: u32, horizon: Span) -> Result<f64, LifecycleError> {
                let all = self.purchase_count_distribution(n, horizon)?;
                all.last().copied().ok_or_else(|| numerical(format!("P(X(t) = {n})")))
            }

            /// P(X(t) = n) for every n from 0 to `n_max` in one pass (cost linear in `n_max`).
            ///
            /// # Errors
            ///
            /// As [`Self::probability_of_purchases`].
            pub fn purchase_count_distribution(&self, n_max: u32, horizon: Span) -> Result<Vec<f64>, LifecycleError> {
                let t = horizon.length_in(self.unit())?;
                bg_family_distribution(self.r(), self.alpha(), self.a(), self.b(), $modified, t, n_max)
                    .ok_or_else(|| numerical(format!("P(X(t) = n) for n ≤ {n_max}, t = {t}")))
            }
        }
    };
}

purchase_counts!(BgNbd, false);
purchase_counts!(ModifiedBgNbd, true);

/// P(X(t) = n) for Pareto/NBD. Alive through t, or dead at τ < t (density s β^s (β + τ)^−(s+1)) after n purchases:
///
/// P = NB(n; t) (β/(β + t))^s + ∫₀ᵗ NB(n; τ) s β^s (β + τ)^−(s+1) dτ, NB(n; τ) = Γ(r+n)/(Γ(r) n!) (α/(α+τ))^r (τ/(α+τ))ⁿ,
///
/// and with u = τ/(α + τ) the integral is K s β^s α ∫₀^z uⁿ (1 − u)^(r+s−1) (β + (α − β)u)^−(s+1) du, z = t/(α + t):
/// a smooth positive integrand on [0, z], by adaptive Gauss–Legendre (no alternating ₂F₁ terms as in the
/// closed form of Fader & Hardie's note 028).
fn pareto_probability(m: &ParetoNbd, n: u32, t: f64) -> Option<f64> {
    let (r, alpha, s, beta) = (m.r(), m.alpha(), m.s(), m.beta());
    let nf = f64::from(n);
    if t <= 0.0 {
        return Some(if n == 0 { 1.0 } else { 0.0 });
    }
    let ln_k = ln_gamma(r + nf) - ln_gamma(r) - ln_gamma(nf + 1.0);
    let alive = (ln_k - r * (t / alpha).ln_1p() + nf * (t / (alpha + t)).ln() - s * (t / beta).ln_1p()).exp();
    let ln_c = ln_k + s.ln() + s * beta.ln() + alpha.ln();
    let mut g = |u: f64| {
        if u <= 0.0 {
            return if n == 0 { (ln_c - (s + 1.0) * beta.ln()).exp() } else { 0.0 };
        }
        (ln_c + nf * u.ln() + (r + s - 1.0) * (-u).ln_1p() - (s + 1.0) * (beta + (alpha - beta) * u).ln()).exp()
    };
    let died = integrate(&mut g, 0.0, t / (alpha + t))?;
    let p = alive + died;
    p.is_finite().then(|| p.clamp(0.0, 1.0))
}

impl ParetoNbd {
    /// P(X(t) = n), the probability that a customer drawn from the population makes exactly `n` repeat purchases
    /// in `horizon` (`lifetimes`' `conditional_probability_of_n_purchases_up_to_time(n, t, 0, 0, 0)`).
    ///
    /// # Errors
    ///
    /// [`LifecycleError::UnitMismatch`] for a horizon in another unit; [`LifecycleError::NumericalFailure`].
    pub fn probability_of_purchases(&self, n: u32, horizon: Span) -> Result<f64, LifecycleError> {
        let t = horizon.length_in(self.unit())?;
        pareto_probability(self, n, t).ok_or_else(|| numerical(format!("P(X(t) = {n}), t = {t}")))
    }
}
