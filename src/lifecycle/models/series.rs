//! The BG-family expectation of an alive customer, for many customers at once: one power series per frequency x.
//!
//! `special::bg_expected_alive` sums E = Σ_{k ≥ 1} P(N = k) S_k with N ~ NegBin(R, z), R = r + x,
//! z = t/(α + T + t) and S_k = Σ_{j<k} (B)_j/(a + B)_j, B = b + x (+ 1 for MBG/NBD): a fresh series for every
//! customer, with two divisions per term. Everything in it but z depends on x alone:
//!
//! E = (1 − z)^R · z · Σ_{k ≥ 1} q_k z^(k − 1),  q_k = (R)_k / k! · S_k,
//!
//! so the coefficients q_k are built once per distinct x, and each customer costs a logarithm, an exponential and
//! a short polynomial (no division, evaluated as four interleaved Horner chains).
//!
//! z lies in [0, 1); it is cut into [`BANDS`] bands. For each band a frequency's customers fall in, the series is
//! cut, as the per-customer one is, past the mode of N where a term falls below 1e-17 of the sum, at the band's
//! largest z (the relative tail only shrinks as z falls). A band with a few customers evaluates that polynomial
//! in z; a band with more re-centres it on the band's lowest z, c: P(z) = Σ_i d_i (z − c)^i, d_i = P^(i)(c)/i!
//! (by repeated synthetic division, O(terms) per coefficient kept), and keeps the d_i until their geometric tail
//! over the band's width falls below 1e-17 of the sum: about a dozen terms instead of sixty at z ≈ 0.5. Every q_k,
//! d_i and (z − c) is ≥ 0, so no sum cancels and the result agrees with the per-customer series to rounding (the
//! property test asserts 1e-12 relative).
//!
//! Frequencies of [`MAX_FREQUENCY`] and more, bands that would need more than [`MAX_TERMS`] terms (z above about
//! 0.93), coefficients near the overflow limit (very large x), and any result that is not a normal positive
//! number are left to the per-customer series.

use super::super::summary::CustomerSummary;

/// The frequencies given a series; customers with more repeat purchases use the per-customer series.
const MAX_FREQUENCY: u32 = 4096;

/// The longest series kept (z up to about 0.93).
const MAX_TERMS: usize = 512;

/// Bands of z, each with its own polynomial.
const BANDS: usize = 64;

/// Customers in a band from which its polynomial is re-centred on the band (fewer: evaluated in z).
const RECENTRE_FROM: u32 = 16;

/// Coefficients beyond this are left to the per-customer series (which rescales as it goes).
const LARGEST_COEFFICIENT: f64 = 1e250;

/// One band's polynomial: Σ_i rows[i / 4][i % 4] · (z − centre)^i.
#[derive(Debug)]
struct Band {
    centre: f64,
    rows: Vec<[f64; 4]>,
}

impl Band {
    fn new(centre: f64, coefficients: &[f64]) -> Self {
        let rows = coefficients.chunks(4).map(|chunk| std::array::from_fn(|i| chunk.get(i).copied().unwrap_or(0.0)));
        Self { centre, rows: rows.collect() }
    }

    /// The polynomial at z, as four interleaved Horner chains in (z − centre)⁴.
    fn at(&self, z: f64) -> f64 {
        let h = (z - self.centre).max(0.0);
        let h2 = h * h;
        let h4 = h2 * h2;
        let mut acc = [0.0f64; 4];
        for row in self.rows.iter().rev() {
            for (s, q) in acc.iter_mut().zip(row) {
                *s = *s * h4 + q;
            }
        }
        let [c0, c1, c2, c3] = acc;
        (c0 + h * c1) + h2 * (c2 + h * c3)
    }
}

/// One frequency's bands and P(alive) constant.
#[derive(Debug)]
struct Frequency {
    /// By band of z; `None` where no customer needed it or it would take more than [`MAX_TERMS`] terms.
    bands: Vec<Option<Band>>,
    /// ln a − ln(b + x − 1 + shift): the log-odds of being dead are this + (r + x) ln((α + T)/(α + t_x));
    /// −∞ for BG/NBD at x = 0 (no repeat purchase, no chance to drop out).
    log_odds: f64,
}

/// Per-frequency series of the alive expectation for one horizon t (see the module docs).
#[derive(Debug)]
pub(super) struct AliveSeries {
    r: f64,
    alpha: f64,
    t: f64,
    by_frequency: Vec<Option<Frequency>>,
}

fn band(z: f64) -> usize {
    // z in [0, 1): the float-to-int cast saturates, and the min keeps a rounding at 1 in the last band.
    ((z * BANDS as f64) as usize).min(BANDS - 1)
}

impl AliveSeries {
    /// Series for the customers' frequencies, under purchase rates Gamma(`r`, `alpha`) and drop-out Beta(`a`, `b`)
    /// after `shift` (0 for BG/NBD, 1 for MBG/NBD) extra purchases, for a horizon `t` > 0.
    pub(super) fn new(r: f64, alpha: f64, a: f64, b: f64, shift: f64, t: f64, customers: &[CustomerSummary]) -> Self {
        // How many customers of each frequency fall in each band of z (z grows as the age T falls).
        let mut counts: Vec<[u32; BANDS]> = Vec::new();
        for c in customers {
            let x = c.frequency();
            if x >= MAX_FREQUENCY {
                continue;
            }
            let i = x as usize;
            if counts.len() <= i {
                counts.resize(i + 1, [0; BANDS]);
            }
            let z = t / (alpha + c.age() + t);
            if let Some(n) = counts.get_mut(i).and_then(|bands| bands.get_mut(band(z))) {
                *n = n.saturating_add(1);
            }
        }
        let by_frequency = counts
            .iter()
            .enumerate()
            .map(|(x, counts)| {
                if counts.iter().all(|&n| n == 0) {
                    return None;
                }
                let xf = x as f64;
                let bands = bands(r + xf, a, b + xf + shift, counts)?;
                // As the per-customer formula computes it, so P(alive) is the same to the last bit.
                let log_odds =
                    if shift == 0.0 && x == 0 { f64::NEG_INFINITY } else { a.ln() - (b + xf - 1.0 + shift).ln() };
                Some(Frequency { bands, log_odds })
            })
            .collect();
        Self { r, alpha, t, by_frequency }
    }

    /// For a customer with `x` repeat purchases and age `age`: E, the expectation if alive at the end of
    /// observation, and the P(alive) split constant k = ln a − ln(b + x − 1 + shift) + (r + x) ln(α + T) (−∞ for
    /// BG/NBD at x = 0), computed as the per-customer formula computes it. `None` when this frequency or this
    /// customer is left to the per-customer formulas.
    pub(super) fn alive_expected_and_split(&self, x: u32, age: f64) -> Option<(f64, f64)> {
        let frequency = self.by_frequency.get(x as usize)?.as_ref()?;
        let big_r = self.r + f64::from(x);
        let at = self.alpha + age;
        let ln_at = at.ln();
        let k = if frequency.log_odds == f64::NEG_INFINITY {
            f64::NEG_INFINITY
        } else {
            frequency.log_odds + big_r * ln_at
        };
        let z = self.t / (at + self.t);
        let sum = frequency.bands.get(band(z))?.as_ref()?.at(z);
        // (1 − z)^R = exp(−R ln(1 + t/(α + T))). The difference of logarithms reuses ln(α + T) and costs less than
        // ln_1p; its absolute error, about 2ε·ln(α + T + t), times R stays below 1e-13 while R ln(α + T + t) < 400.
        let ln_after = (at + self.t).ln();
        let log_scale =
            if big_r * ln_after.abs() < 400.0 { big_r * (ln_at - ln_after) } else { -big_r * (self.t / at).ln_1p() };
        let scale = log_scale.exp();
        let e = scale * z * sum;
        (e.is_normal() && e > 0.0 && scale.is_normal() && !k.is_nan()).then_some((e, k))
    }
}

/// The bands of one frequency (R = r + x, B = b + x + shift) with customers in them, per `counts`; `None` if the
/// coefficients grow too large.
fn bands(big_r: f64, a: f64, big_b: f64, counts: &[u32; BANDS]) -> Option<Vec<Option<Band>>> {
    // q_k for k = 1, 2, … as long as the highest band needs, and for each band the terms it needs (0: not yet).
    let top = counts.iter().rposition(|&n| n > 0)?;
    let highest: [f64; BANDS] = std::array::from_fn(|j| (j + 1) as f64 / BANDS as f64);
    let mut powers = [1.0f64; BANDS];
    let mut sums = [0.0f64; BANDS];
    let mut terms = [0usize; BANDS];
    let mut open = counts.iter().filter(|&&n| n > 0).count();
    let mut q = Vec::new();
    let (mut weight, mut partial, mut c) = (1.0f64, 0.0f64, 1.0f64);
    for k in 1..=MAX_TERMS {
        let kf = k as f64;
        partial += c;
        c *= (big_b + kf - 1.0) / (a + big_b + kf - 1.0);
        weight *= (big_r + kf - 1.0) / kf;
        let qk = weight * partial;
        if !qk.is_finite() || qk > LARGEST_COEFFICIENT {
            return None;
        }
        q.push(qk);
        let bands = highest.iter().zip(&mut powers).zip(&mut sums).zip(&mut terms).zip(counts).take(top + 1);
        for ((((z, power), sum), needs), &n) in bands {
            *power *= z;
            let term = qk * *power;
            *sum += term;
            if n > 0 && *needs == 0 && (big_r + kf) * z < kf + 1.0 && term <= *sum * 1e-17 {
                *needs = k;
                open = open.saturating_sub(1);
            }
        }
        if open == 0 {
            break;
        }
    }
    let bands = counts
        .iter()
        .zip(&terms)
        .enumerate()
        .map(|(j, (&n, &needs))| {
            let head = q.get(..needs).filter(|_| n > 0 && needs > 0)?;
            if n < RECENTRE_FROM {
                return Some(Band::new(0.0, head));
            }
            let centre = j as f64 / BANDS as f64;
            Some(Band::new(centre, &recentred(head, centre, 1.0 / BANDS as f64)))
        })
        .collect();
    Some(bands)
}

/// The coefficients d_i of Σ_k p_k z^k around `centre` (Σ_i d_i (z − centre)^i), kept until their tail over
/// 0 ≤ z − centre ≤ `width` is below 1e-17 of the sum. Synthetic division by (z − centre) gives one d_i per pass.
fn recentred(p: &[f64], centre: f64, width: f64) -> Vec<f64> {
    let mut quotient = p.to_vec();
    let mut d = Vec::new();
    let (mut sum, mut power, mut previous) = (0.0f64, 1.0f64, f64::NAN);
    while !quotient.is_empty() {
        // quotient(z) = quotient(centre) + (z − centre) · next(z).
        let mut carry = 0.0;
        for v in quotient.iter_mut().rev() {
            carry = *v + centre * carry;
            *v = carry;
        }
        let di = quotient.remove(0);
        d.push(di);
        let term = di * power;
        sum += term;
        power *= width;
        // The terms fall geometrically once the ratio is below 1: the tail is at most term · ratio / (1 − ratio).
        let ratio = if previous.is_finite() && previous > 0.0 { term / previous } else { 1.0 };
        if ratio < 0.5 && term * ratio / (1.0 - ratio) <= sum * 1e-17 {
            break;
        }
        previous = term;
    }
    d
}
