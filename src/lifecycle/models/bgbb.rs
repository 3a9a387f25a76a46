//! The BG/BB model (Fader, Hardie & Shang 2010) for discrete transaction opportunities: subscriptions renewed or
//! not, yearly donations, annual events.
//!
//! At each opportunity an alive customer transacts with probability p ~ Beta(α, β), and after it drops out for
//! good with probability θ ~ Beta(γ, δ). A history is (x, t_x, n): x transactions in n opportunities, the last at
//! opportunity t_x (0 when x = 0).

use serde::{Deserialize, Serialize};

use super::super::error::{LifecycleError, invalid, positive};
use super::super::optimize;
use super::super::special::{digamma, ln_beta, log_add_exp};
use super::fit::{
    Convergence, Estimate, ITERATIONS, MAX_PARAMETER, MIN_PARAMETER, convergence, estimates, no_interior_maximum,
    numerical,
};

/// One customer's record over discrete opportunities: x transactions in n opportunities, the last at t_x.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct OpportunityHistory {
    frequency: u32,
    recency: u32,
    opportunities: u32,
}

impl OpportunityHistory {
    /// `frequency` transactions in `opportunities` opportunities, the last one at opportunity `recency`.
    ///
    /// # Errors
    ///
    /// [`LifecycleError::InvalidValue`] unless x ≤ t_x ≤ n, with t_x = 0 exactly when x = 0.
    pub fn new(frequency: u32, recency: u32, opportunities: u32) -> Result<Self, LifecycleError> {
        if recency > opportunities {
            return Err(invalid("recency", f64::from(recency), &format!("at most the {opportunities} opportunities")));
        }
        if (frequency == 0) != (recency == 0) || frequency > recency {
            let expected = format!("0 with frequency 0, else from the frequency {frequency} up");
            return Err(invalid("recency", f64::from(recency), &expected));
        }
        Ok(Self { frequency, recency, opportunities })
    }

    /// Transactions x.
    pub const fn frequency(&self) -> u32 {
        self.frequency
    }

    /// The opportunity of the last transaction, t_x (0 without any).
    pub const fn recency(&self) -> u32 {
        self.recency
    }

    /// Opportunities observed, n.
    pub const fn opportunities(&self) -> u32 {
        self.opportunities
    }
}

/// A fitted BG/BB model and how the fit went.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BgBbReport {
    /// α, β, γ, δ with standard errors (inverse Hessian, delta method).
    pub parameters: Vec<Estimate>,
    /// The maximised log-likelihood, weights included.
    pub log_likelihood: f64,
    /// Optimiser iterations.
    pub iterations: u32,
    /// How the optimiser converged.
    pub convergence: Convergence,
    /// Customers (total weight) fitted.
    pub customers: f64,
}

/// The BG/BB model: transaction probability p ~ Beta(α, β), drop-out probability θ ~ Beta(γ, δ) per opportunity.
///
/// ```
/// use customer_care::lifecycle::{BgBb, OpportunityHistory};
///
/// // Fader, Hardie & Shang (2010): the donations data, 1995 cohort, 6 opportunities.
/// let model = BgBb::new(1.204, 0.750, 0.657, 2.783)?;
/// let lapsed = OpportunityHistory::new(1, 1, 6)?; // gave in 1996 only
/// let loyal = OpportunityHistory::new(6, 6, 6)?;
/// assert!(model.p_alive(&lapsed, 1)? < 0.2 && model.p_alive(&loyal, 1)? > 0.9);
/// assert!(model.expected_transactions(&loyal, 5)? > model.expected_transactions(&lapsed, 5)?);
/// # Ok::<(), customer_care::lifecycle::LifecycleError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BgBb {
    alpha: f64,
    beta: f64,
    gamma: f64,
    delta: f64,
}

/// ln L(α, β, γ, δ | x, t_x, n), FHS 2010 eq. (5): alive through n, or dropped out right after opportunity
/// t_x + i (i = 0 … n − t_x − 1), summed in log space.
fn ln_likelihood([alpha, beta, gamma, delta]: [f64; 4], h: &OpportunityHistory) -> f64 {
    let (x, tx, n) = (f64::from(h.frequency), f64::from(h.recency), f64::from(h.opportunities));
    let (ab, gd) = (ln_beta(alpha, beta), ln_beta(gamma, delta));
    let mut ll = ln_beta(alpha + x, beta + n - x) - ab + ln_beta(gamma, delta + n) - gd;
    for i in 0..h.opportunities - h.recency {
        let i = f64::from(i);
        ll = log_add_exp(ll, ln_beta(alpha + x, beta + tx - x + i) - ab + ln_beta(gamma + 1.0, delta + tx + i) - gd);
    }
    ll
}

fn negative_ll(theta: [f64; 4], data: &[(OpportunityHistory, f64)]) -> Option<f64> {
    let ll: f64 = data.iter().map(|(h, w)| w * ln_likelihood(theta, h)).sum();
    ll.is_finite().then_some(-ll)
}

/// d ln B(x, y) / dx and / dy.
fn d_ln_beta(x: f64, y: f64) -> (f64, f64) {
    let both = digamma(x + y);
    (digamma(x) - both, digamma(y) - both)
}

/// The negative log-likelihood and its analytic gradient in log-parameters: each term of eq. (5) is a sum of
/// ln B, whose derivatives are digamma differences; the terms are weighted by their share of the likelihood.
fn negative_ll_gradient(phi: &[f64; 4], data: &[(OpportunityHistory, f64)]) -> Option<(f64, [f64; 4])> {
    let theta = phi.map(f64::exp);
    let [alpha, beta, gamma, delta] = theta;
    let (ab_a, ab_b) = d_ln_beta(alpha, beta);
    let (gd_g, gd_d) = d_ln_beta(gamma, delta);
    let mut total = 0.0;
    let mut grad = [0.0; 4];
    for (h, w) in data {
        let (x, tx, n) = (f64::from(h.frequency), f64::from(h.recency), f64::from(h.opportunities));
        let ll = ln_likelihood(theta, h);
        // (ln term, d/dα, d/dβ, d/dγ, d/dδ) for "alive through n" and "died after t_x + i".
        let term = |p_rest: f64, g_first: f64, d_rest: f64| {
            let (pa, pb) = d_ln_beta(alpha + x, p_rest);
            let (ga, gb) = d_ln_beta(g_first, d_rest);
            let value =
                ln_beta(alpha + x, p_rest) - ln_beta(alpha, beta) + ln_beta(g_first, d_rest) - ln_beta(gamma, delta);
            (value, [pa - ab_a, pb - ab_b, ga - gd_g, gb - gd_d])
        };
        let mut add = |(value, d): (f64, [f64; 4])| {
            let share = (value - ll).exp();
            for (g, di) in grad.iter_mut().zip(d) {
                *g += w * share * di;
            }
        };
        add(term(beta + n - x, gamma, delta + n));
        for i in 0..h.opportunities - h.recency {
            let i = f64::from(i);
            add(term(beta + tx - x + i, gamma + 1.0, delta + tx + i));
        }
        total += w * ll;
    }
    // To log-parameters, and to the negative log-likelihood.
    let gradient = [0, 1, 2, 3].map(|k| -grad.get(k).copied().unwrap_or(0.0) * theta.get(k).copied().unwrap_or(0.0));
    (total.is_finite() && gradient.iter().all(|g| g.is_finite())).then_some((-total, gradient))
}

impl BgBb {
    /// A model with p ~ Beta(`alpha`, `beta`) and θ ~ Beta(`gamma`, `delta`).
    ///
    /// # Errors
    ///
    /// [`LifecycleError::InvalidValue`] for a parameter that is not finite and > 0.
    pub fn new(alpha: f64, beta: f64, gamma: f64, delta: f64) -> Result<Self, LifecycleError> {
        Ok(Self {
            alpha: positive("alpha", alpha)?,
            beta: positive("beta", beta)?,
            gamma: positive("gamma", gamma)?,
            delta: positive("delta", delta)?,
        })
    }

    /// Fits the model by maximum likelihood to `(history, weight)` rows (a weight is the number of customers with
    /// that history), with the shared BFGS from α = β = γ = δ = 1 on log-parameters (analytic gradient).
    ///
    /// # Errors
    ///
    /// [`LifecycleError::InvalidValue`] for a weight that is not finite and ≥ 0 or no positive weight;
    /// [`LifecycleError::FitFailed`] when the optimiser does not converge or ends on the boundary.
    pub fn fit(data: &[(OpportunityHistory, f64)]) -> Result<(Self, BgBbReport), LifecycleError> {
        let mut customers = 0.0;
        for (_, w) in data {
            if !(w.is_finite() && *w >= 0.0) {
                return Err(invalid("weight", *w, "a finite number ≥ 0"));
            }
            customers += w;
        }
        if customers <= 0.0 {
            return Err(invalid("total weight", customers, "a positive number of customers"));
        }
        let failed = |iterations: u32, reason: String| LifecycleError::FitFailed {
            model: "BG/BB".to_owned(),
            iterations,
            reason,
        };
        let mut objective = |phi: &[f64; 4]| negative_ll_gradient(phi, data);
        let min =
            optimize::bfgs(&mut objective, [0.0; 4], 1e-9, ITERATIONS).map_err(|f| failed(f.iterations, f.reason))?;
        let theta = min.x.map(f64::exp);
        let names = ["alpha", "beta", "gamma", "delta"];
        if let Some(reason) =
            no_interior_maximum(&names, (&theta, &theta), MIN_PARAMETER, MAX_PARAMETER, "outside", false)
        {
            return Err(failed(min.iterations, reason));
        }
        let Some(covariance) =
            optimize::numeric_hessian(&mut objective, &min.x, 1e-4).and_then(|h| optimize::invert_spd(&h))
        else {
            return Err(failed(min.iterations, "no strict maximum: the Hessian is not positive definite".into()));
        };
        let [alpha, beta, gamma, delta] = theta;
        let report = BgBbReport {
            parameters: estimates(&names, &theta, &covariance),
            log_likelihood: -min.value,
            iterations: min.iterations,
            convergence: convergence(min.stop),
            customers,
        };
        Ok((Self::new(alpha, beta, gamma, delta)?, report))
    }

    fn theta(&self) -> [f64; 4] {
        [self.alpha, self.beta, self.gamma, self.delta]
    }

    /// α of the transaction probability's Beta distribution.
    pub const fn alpha(&self) -> f64 {
        self.alpha
    }

    /// β of the transaction probability's Beta distribution.
    pub const fn beta(&self) -> f64 {
        self.beta
    }

    /// γ of the drop-out probability's Beta distribution.
    pub const fn gamma(&self) -> f64 {
        self.gamma
    }

    /// δ of the drop-out probability's Beta distribution.
    pub const fn delta(&self) -> f64 {
        self.delta
    }

    /// The log-likelihood of `(history, weight)` rows.
    ///
    /// # Errors
    ///
    /// [`LifecycleError::NumericalFailure`] if it is not finite.
    pub fn log_likelihood(&self, data: &[(OpportunityHistory, f64)]) -> Result<f64, LifecycleError> {
        negative_ll(self.theta(), data).map(|v| -v).ok_or_else(|| numerical("BG/BB log-likelihood".into()))
    }

    /// P(alive at opportunity n + `ahead` | x, t_x, n), FHS 2010 eq. (11) for `ahead` = 1 (the next
    /// opportunity; Hardie's note "Computing P(alive) for BG/BB"); `ahead` = 0 is alive at n.
    ///
    /// # Errors
    ///
    /// [`LifecycleError::NumericalFailure`] if it is not finite.
    pub fn p_alive(&self, history: &OpportunityHistory, ahead: u32) -> Result<f64, LifecycleError> {
        let (x, n) = (f64::from(history.frequency), f64::from(history.opportunities));
        let [alpha, beta, gamma, delta] = self.theta();
        let ln = ln_beta(alpha + x, beta + n - x) - ln_beta(alpha, beta) + ln_beta(gamma, delta + n + f64::from(ahead))
            - ln_beta(gamma, delta)
            - ln_likelihood(self.theta(), history);
        let p = ln.exp();
        p.is_finite().then(|| p.min(1.0)).ok_or_else(|| numerical(format!("BG/BB P(alive) for {history:?}")))
    }

    /// Expected transactions in the next `next` opportunities (n + 1 … n + `next`), FHS 2010 eq. (13), as the sum
    /// of P(alive at n + i) · E[p | history] over i (no division by γ − 1; cost linear in `next`).
    ///
    /// # Errors
    ///
    /// [`LifecycleError::NumericalFailure`] if it is not finite.
    pub fn expected_transactions(&self, history: &OpportunityHistory, next: u32) -> Result<f64, LifecycleError> {
        let (x, n) = (f64::from(history.frequency), f64::from(history.opportunities));
        let [alpha, beta, gamma, delta] = self.theta();
        let base = ln_beta(alpha + x + 1.0, beta + n - x)
            - ln_beta(alpha, beta)
            - ln_beta(gamma, delta)
            - ln_likelihood(self.theta(), history);
        let mut sum = 0.0;
        for i in 1..=next {
            sum += (base + ln_beta(gamma, delta + n + f64::from(i))).exp();
        }
        sum.is_finite().then_some(sum).ok_or_else(|| numerical(format!("BG/BB expected transactions for {history:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analytic_gradient_matches_central_differences() {
        let data: Vec<(OpportunityHistory, f64)> = [(0, 0, 6, 3.0), (1, 1, 6, 2.0), (3, 5, 6, 1.5), (6, 6, 6, 4.0)]
            .iter()
            .map(|&(x, tx, n, w)| (OpportunityHistory::new(x, tx, n).unwrap(), w))
            .collect();
        for phi in [[0.2, -0.3, -0.4, 1.0], [1.5, 0.5, 0.1, -1.0]] {
            let (value, gradient) = negative_ll_gradient(&phi, &data).unwrap();
            let mut f = |p: &[f64; 4]| negative_ll(p.map(f64::exp), &data);
            let (numeric_value, numeric) = optimize::numeric_gradient(&mut f, &phi, 1e-6).unwrap();
            assert!((value - numeric_value).abs() < 1e-12);
            for (a, n) in gradient.iter().zip(numeric) {
                assert!((a - n).abs() < 1e-6 * (1.0 + n.abs()), "{gradient:?} vs {n}");
            }
        }
    }
}
