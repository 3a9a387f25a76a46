//! Special functions for the models, written here so their domains and accuracy are ours to state.
//!
//! All of them take positive arguments (the models never need anything else) and return `f64`. Accuracy against
//! 40-digit `mpmath` values is checked in the tests below: about 1e-14 relative for [`ln_gamma`] and [`digamma`].

/// Shifts `x` upwards until the asymptotic series is accurate to double precision.
const ASYMPTOTIC_FROM: f64 = 10.0;

/// ln Γ(x) for x > 0, by upward recurrence to x ≥ 10 and Stirling's series (8 terms).
pub(crate) fn ln_gamma(x: f64) -> f64 {
    let mut x = x;
    let mut product = 1.0;
    let mut shift = 0.0;
    while x < ASYMPTOTIC_FROM {
        product *= x;
        x += 1.0;
        if product > 1e280 {
            shift += product.ln();
            product = 1.0;
        }
    }
    shift += product.ln();
    let inv = 1.0 / x;
    let inv2 = inv * inv;
    // Bernoulli terms B(2k) / (2k (2k − 1)).
    let series = inv
        * (1.0 / 12.0
            + inv2
                * (-1.0 / 360.0
                    + inv2
                        * (1.0 / 1260.0
                            + inv2
                                * (-1.0 / 1680.0
                                    + inv2 * (1.0 / 1188.0 + inv2 * (-691.0 / 360_360.0 + inv2 * (1.0 / 156.0)))))));
    (x - 0.5) * x.ln() - x + 0.5 * (2.0 * std::f64::consts::PI).ln() + series - shift
}

/// ψ(x) = d/dx ln Γ(x) for x > 0, by upward recurrence to x ≥ 10 and the asymptotic series.
pub(crate) fn digamma(x: f64) -> f64 {
    let mut x = x;
    let mut acc = 0.0;
    while x < ASYMPTOTIC_FROM {
        acc -= 1.0 / x;
        x += 1.0;
    }
    let inv2 = 1.0 / (x * x);
    let series =
        inv2 * (1.0 / 12.0 - inv2 * (1.0 / 120.0 - inv2 * (1.0 / 252.0 - inv2 * (1.0 / 240.0 - inv2 * (1.0 / 132.0)))));
    acc + x.ln() - 0.5 / x - series
}

/// ψ'(x) = d²/dx² ln Γ(x) for x > 0, by upward recurrence to x ≥ 10 and the asymptotic series
/// 1/x + 1/(2x²) + Σ B₂ₖ/x^(2k+1) (six Bernoulli terms).
pub(crate) fn trigamma(x: f64) -> f64 {
    let mut x = x;
    let mut acc = 0.0;
    while x < ASYMPTOTIC_FROM {
        acc += 1.0 / (x * x);
        x += 1.0;
    }
    let inv = 1.0 / x;
    let inv2 = inv * inv;
    let series = inv2
        * (1.0 / 6.0
            + inv2
                * (-1.0 / 30.0
                    + inv2 * (1.0 / 42.0 + inv2 * (-1.0 / 30.0 + inv2 * (5.0 / 66.0 - inv2 * (691.0 / 2730.0))))));
    acc + inv * (1.0 + 0.5 * inv + series)
}

/// The most terms any series here may take before giving up.
const MAX_TERMS: usize = 2_000_000;

/// ln ₂F₁(1, b; c; z) for 0 ≤ z < 1 and 0 < b ≤ c, by its power series.
///
/// Every term is positive and the ratio of consecutive terms, (b + k) z / (c + k), stays below z, so the series
/// converges geometrically without cancellation. `None` when z is outside [0, 1) or the series did not converge.
pub(crate) fn ln_hyp2f1_one(b: f64, c: f64, z: f64) -> Option<f64> {
    if !(0.0..1.0).contains(&z) || b <= 0.0 || c < b {
        return None;
    }
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 0..MAX_TERMS {
        let kf = k as f64;
        term *= (b + kf) * z / (c + kf);
        sum += term;
        if term <= sum * 1e-17 {
            return Some(sum.ln());
        }
    }
    None
}

/// ln ₂F₁(1, b; c; z) and its partial derivatives with respect to b, c and z for one (b, c) and many z, from the
/// series [`ln_hyp2f1_one`] sums: with t_k = Π_{j<k} ρ_j z, ρ_j = (b + j)/(c + j), ∂t_k/∂b = t_k Σ_{j<k} 1/(b + j),
/// ∂t_k/∂c = −t_k Σ_{j<k} 1/(c + j) and ∂t_k/∂z = k t_k / z: four sums of positive terms, each run until its terms
/// are below 1e-17 of it. The coefficients (ρ_j and the two harmonic sums) depend on (b, c) only: they are kept
/// and extended as a longer series needs them, so each evaluation costs a few multiplications per term and no
/// division, and [`pair`](Self::pair) runs two series side by side.
#[derive(Debug, Default)]
pub(crate) struct Hyp2f1OnePartials {
    b: f64,
    c: f64,
    /// Per term j: ρ_j, Σ_{i≤j} 1/(b + i), Σ_{i≤j} 1/(c + i).
    rows: Vec<[f64; 3]>,
}

/// Terms summed between convergence checks in [`Hyp2f1OnePartials::pair`].
const BLOCK: usize = 4;

impl Hyp2f1OnePartials {
    /// Starts over for parameters (`b`, `c`), keeping the allocation; `None` unless 0 < b ≤ c.
    pub(crate) fn reset(&mut self, b: f64, c: f64) -> Option<()> {
        if !(b > 0.0 && c >= b) {
            return None;
        }
        self.b = b;
        self.c = c;
        self.rows.clear();
        Some(())
    }

    fn extend_to(&mut self, n: usize) {
        let (mut hb, mut hc) = self.rows.last().map_or((0.0, 0.0), |row| (row[1], row[2]));
        for j in self.rows.len()..n {
            let (bj, cj) = (self.b + j as f64, self.c + j as f64);
            hb += 1.0 / bj;
            hc += 1.0 / cj;
            self.rows.push([bj / cj, hb, hc]);
        }
    }

    /// For each of the two `z` in [0, 1): (ln ₂F₁(1, b; c; z), [∂/∂b, ∂/∂c, ∂/∂z] of it). `None` for a z outside
    /// [0, 1) or a series that did not converge.
    pub(crate) fn pair(&mut self, z: [f64; 2]) -> Option<[(f64, [f64; 3]); 2]> {
        if !z.iter().all(|v| (0.0..1.0).contains(v)) {
            return None;
        }
        let mut lanes = z.map(|z| Lane { z, term: 1.0, sum: 1.0, db: 0.0, dc: 0.0, dz: 0.0 });
        let mut k = 0;
        loop {
            if k + BLOCK > MAX_TERMS {
                return None;
            }
            self.extend_to(k + BLOCK);
            let rows = self.rows.get(k..k + BLOCK)?;
            for (j, &[rho, hb, hc]) in rows.iter().enumerate() {
                let order = (k + j + 1) as f64;
                for lane in &mut lanes {
                    lane.term *= rho * lane.z;
                    lane.sum += lane.term;
                    lane.db += lane.term * hb;
                    lane.dc += lane.term * hc;
                    lane.dz += order * lane.term;
                }
            }
            k += BLOCK;
            let &[_, hb, hc] = self.rows.get(k - 1)?;
            let order = k as f64;
            let done = lanes.iter().all(|l| {
                l.term <= l.sum * 1e-17
                    && l.term * hb <= l.db * 1e-17
                    && l.term * hc <= l.dc * 1e-17
                    && order * l.term <= l.dz * 1e-17
            });
            if done {
                break;
            }
        }
        let (b, c) = (self.b, self.c);
        Some(lanes.map(|l| {
            let dz = if l.z > 0.0 { l.dz / (l.z * l.sum) } else { b / c };
            (l.sum.ln(), [l.db / l.sum, -l.dc / l.sum, dz])
        }))
    }
}

/// One series of [`Hyp2f1OnePartials::pair`]: its z, current term and the four sums.
#[derive(Clone, Copy)]
struct Lane {
    z: f64,
    term: f64,
    sum: f64,
    db: f64,
    dc: f64,
    dz: f64,
}

/// ₂F₁(a, b; c; z) for a, b, c > 0 and 0 ≤ z < 1 by the power series (positive terms), for tests.
#[cfg(test)]
pub(crate) fn hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Option<f64> {
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 0..MAX_TERMS {
        let kf = k as f64;
        let ratio = (a + kf) * (b + kf) * z / ((c + kf) * (kf + 1.0));
        term *= ratio;
        sum += term;
        if ratio < 1.0 && term <= sum * 1e-17 {
            return Some(sum);
        }
    }
    None
}

/// E[(1 − (1 + p t / α)^(−r)) / p] for p ~ Beta(a, b): the expected number of purchases in a span t of a customer
/// who is alive at its start, under the BG/NBD story (purchase rate λ ~ Gamma(r, α), dropping out with probability
/// p after each purchase). `(r, α, a, b)` are the posterior parameters for a conditional expectation.
///
/// The closed form `(a + b − 1)/(a − 1) · [1 − (α/(α+t))^r ₂F₁(r, b; a + b − 1; t/(α+t))]` divides by zero at a = 1
/// and leaves the series' domain when a + b < 1. Instead, with z = t/(α + t), N ~ NegBin(r, z) and
/// c_j = E[(1 − p)^j] = (b)_j / (a + b)_j:
///
/// E = Σ_{k ≥ 1} P(N = k) Σ_{j < k} c_j,
///
/// a sum of positive terms that is finite for every a, b, r, α > 0. The terms are kept scaled so that neither
/// (1 − z)^r nor (r)_k z^k / k! underflows or overflows for very large r. `None` if it did not converge.
pub(crate) fn bg_expected_alive(r: f64, alpha: f64, a: f64, b: f64, t: f64) -> Option<f64> {
    if t <= 0.0 {
        return Some(0.0);
    }
    // z = t / (α + t) and ln(1 − z) = −ln(1 + t/α), both without cancellation.
    let z = t / (alpha + t);
    let mut scale = -r * (t / alpha).ln_1p();
    let mut weight = 1.0; // P(N = k) / exp(scale)
    let mut partial = 0.0; // Σ_{j<k} c_j
    let mut c = 1.0; // c_k
    let mut sum = 0.0;
    const RESCALE: f64 = 1e200;
    for k in 1..MAX_TERMS {
        let kf = k as f64;
        partial += c;
        c *= (b + kf - 1.0) / (a + b + kf - 1.0);
        weight *= (r + kf - 1.0) * z / kf;
        let term = weight * partial;
        sum += term;
        if weight > RESCALE {
            weight /= RESCALE;
            sum /= RESCALE;
            scale += RESCALE.ln();
        }
        // Past the mode of N the weights fall; stop when the remaining tail is negligible.
        if (r + kf) * z < kf + 1.0 && term <= sum * 1e-16 {
            let value = sum.ln() + scale;
            return Some(value.exp());
        }
    }
    None
}

/// (1 − e^(−v·l)) / v for l ≥ 0, continuous at v = 0 (where it is l).
pub(crate) fn one_minus_exp_over(v: f64, l: f64) -> f64 {
    let vl = v * l;
    if vl.abs() < 1e-8 { l * (1.0 - 0.5 * vl) } else { -(-vl).exp_m1() / v }
}

#[cfg(test)]
// Reference values are kept exactly as mpmath printed them (20 digits).
#[allow(clippy::excessive_precision)]
mod tests {
    use super::*;

    fn close(got: f64, want: f64, rel: f64) {
        let err = (got - want).abs() / want.abs().max(1.0);
        assert!(err <= rel, "got {got}, want {want}, relative error {err:e}");
    }

    // Reference values from mpmath 1.3.0 at 40 digits (`loggamma`, `digamma`, `hyp2f1`).
    const LN_GAMMA: &[(f64, f64)] = &[
        (1e-8, 18.420680738180208905),
        (0.001, 6.9071788853838536825),
        (0.5, 0.57236494292470008707),
        (1.0, 0.0),
        (1.5, -0.12078223763524522235),
        (2.0, 0.0),
        (2.426, 0.23400811688731612227),
        (3.7, 1.4280723266653879219),
        (10.0, 12.801827480081469611),
        (33.3, 82.603723581654952928),
        (171.5, 709.14316303092824227),
        (1000.0, 5905.2204232091812118),
        (1e6, 12815504.56914761166),
    ];
    const DIGAMMA: &[(f64, f64)] = &[
        (1e-6, -1000000.5772140199687),
        (0.243, -4.351093864423210616),
        (0.5, -1.9635100260214234794),
        (1.0, -0.57721566490153286061),
        (2.0, 0.42278433509846713939),
        (4.5, 1.3888709263595289015),
        (12.25, 2.4641546551853689558),
        (100.0, 4.6001618527380874002),
        (1e5, 11.512920464961895087),
    ];
    const HYP2F1: &[(f64, f64, f64, f64, f64)] = &[
        (1.5, 2.5, 3.5, 0.3, 1.4527676379576941114),
        (2.243, 3.426, 4.219, 0.5, 3.4273345577886077948),
        (0.553, 0.606, 2.159, 0.9, 1.2543069838129038511),
        (25.2, 13.1, 26.2, 0.95, 10874701709799475.648),
        (3.0, 1.606, 4.0, 0.99, 67.102030849827581694),
        (0.8, 1.7, 1.8, 0.0, 1.0),
        (10.5, 2.2, 11.5, 0.75, 13.983140674237788197),
    ];

    #[test]
    fn ln_gamma_matches_mpmath() {
        for &(x, want) in LN_GAMMA {
            close(ln_gamma(x), want, 2e-14);
        }
    }

    #[test]
    fn digamma_matches_mpmath() {
        for &(x, want) in DIGAMMA {
            close(digamma(x), want, 2e-14);
        }
    }

    #[test]
    fn trigamma_matches_mpmath() {
        // mpmath 1.3.0 at 40 digits, `psi(1, x)`.
        const TRIGAMMA: &[(f64, f64)] = &[
            (1e-6, 1000000000001.6449317),
            (0.243, 18.141779787095828626),
            (0.5, 4.9348022005446793094),
            (1.0, 1.6449340668482264365),
            (2.0, 0.64493406684822643647),
            (4.5, 0.24872510303901037518),
            (12.25, 0.085055142988163208079),
            (100.0, 0.010050166663333571395),
            (1e5, 0.000010000050000166666667),
        ];
        for &(x, want) in TRIGAMMA {
            let got = trigamma(x);
            assert!(((got - want) / want).abs() < 1e-14, "trigamma({x}) = {got}, want {want}");
        }
    }

    #[test]
    fn hyp2f1_matches_mpmath() {
        for &(a, b, c, z, want) in HYP2F1 {
            let got = hyp2f1(a, b, c, z).unwrap();
            assert!(((got - want) / want).abs() < 1e-13, "2F1({a}, {b}; {c}; {z}) = {got}, want {want}");
        }
    }

    #[test]
    fn euler_transformed_forms_match_the_direct_series() {
        // ₂F₁(m, b; m + 1; z) = (1 − z)^(1 − b) ₂F₁(1, m + 1 − b; m + 1; z), as used by the Pareto/NBD.
        for &(m, b, z) in &[(25.2, 13.1, 0.95), (3.0, 1.606, 0.99), (10.5, 2.2, 0.75), (1.2, 0.3, 0.1)] {
            let direct = hyp2f1(m, b, m + 1.0, z).unwrap().ln();
            let euler = (1.0 - b) * (1.0 - z).ln() + ln_hyp2f1_one(m + 1.0 - b, m + 1.0, z).unwrap();
            close(euler, direct, 1e-13);
        }
        assert_eq!(ln_hyp2f1_one(1.0, 2.0, 1.0), None);
        assert_eq!(ln_hyp2f1_one(3.0, 2.0, 0.5), None);
    }

    #[test]
    fn bg_expected_alive_matches_the_closed_form() {
        // Where the closed form is valid (a > 1, a + b > 1) both agree.
        for &(r, alpha, a, b, t) in
            &[(0.243f64, 4.414f64, 1.793f64, 2.426f64, 39.0f64), (2.243, 43.27, 1.3, 4.426, 39.0)]
        {
            let c = a + b - 1.0;
            let z = t / (alpha + t);
            let closed = c / (a - 1.0) * (1.0 - (alpha / (alpha + t)).powf(r) * hyp2f1(r, b, c, z).unwrap());
            close(bg_expected_alive(r, alpha, a, b, t).unwrap(), closed, 1e-12);
        }
        // a = 1 exactly and a + b < 1: finite, positive, increasing in t.
        for &(a, b) in &[(1.0, 2.0), (0.3, 0.4), (0.01, 0.01)] {
            let e1 = bg_expected_alive(0.5, 3.0, a, b, 10.0).unwrap();
            let e2 = bg_expected_alive(0.5, 3.0, a, b, 20.0).unwrap();
            assert!(e1.is_finite() && e1 > 0.0 && e2 > e1, "{a} {b}: {e1} {e2}");
        }
        // Very large shape (x = 100,000 repeat purchases): no overflow.
        let e = bg_expected_alive(100_000.243, 500.0, 0.8, 100_002.0, 1.0).unwrap();
        assert!(e.is_finite() && e > 0.0, "{e}");
        // Near a = 1 the limit is continuous.
        let below = bg_expected_alive(0.5, 3.0, 1.0 - 1e-9, 2.0, 10.0).unwrap();
        let at = bg_expected_alive(0.5, 3.0, 1.0, 2.0, 10.0).unwrap();
        close(below, at, 1e-8);
    }

    #[test]
    fn small_helpers() {
        close(one_minus_exp_over(0.0, 2.0), 2.0, 1e-15);
        close(one_minus_exp_over(1e-12, 2.0), 2.0, 1e-11);
        close(one_minus_exp_over(0.5, 2.0), (1.0 - (-1.0f64).exp()) / 0.5, 1e-15);
    }
}
