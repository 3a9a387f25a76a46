//! Distribution functions: the standard normal, Student's t and the beta distribution.
//!
//! Everything here is a total function on `f64`: arguments outside the domain are clamped to it (a probability
//! below 0 is treated as 0, a non-finite one as 0.5) and the result is always finite, so no NaN or infinity can
//! reach an [`Estimate`](super::Estimate). The public wrappers in [`super`] validate their input first; these
//! functions only guarantee not to misbehave.
//!
//! Methods:
//!
//! - Normal CDF: `Φ(x) = erfc(−x/√2)/2`, with `erfc` from the regularized incomplete gamma function
//!   `Q(½, x²)` (series below `a + 1`, Lentz continued fraction above; Numerical Recipes §6.2), relative error
//!   about 1e-14.
//! - Normal quantile: Wichura's AS 241 (`PPND16`), relative error about 1e-16.
//! - Regularized incomplete beta `I_x(a, b)`: the continued fraction evaluated with the modified Lentz method
//!   (Numerical Recipes §6.4), using the symmetry `I_x(a, b) = 1 − I_{1−x}(b, a)` where it converges faster.
//! - Beta quantile: Newton steps on `I_x(a, b)` with the beta density, safeguarded by bisection within a bracket,
//!   to the last bit or two.
//! - Student's t CDF: `1 − I_{ν/(ν+t²)}(ν/2, ½)/2` for `t ≥ 0`; quantile by bisection on the CDF.
//! - `ln Γ`: Lanczos approximation (g = 7, 9 terms), relative error about 1e-15; `ln B(a, b)` arranged as in R's
//!   `lbeta` with Stirling remainders, so it keeps its digits when `a` or `b` is in the millions (Student's t with
//!   many degrees of freedom, Clopper–Pearson with many responses).

use std::f64::consts::PI;

/// Iteration cap for the continued fractions (the incomplete beta one stops much earlier, see
/// `beta_iterations`).
const MAX_ITERATIONS: usize = 100_000;
/// Relative accuracy targeted by the series and continued fractions.
const EPSILON: f64 = 1e-15;
/// Guards the Lentz method against division by zero.
const TINY: f64 = 1e-300;
/// Degrees of freedom above which Student's t is computed as the normal distribution (difference below 1e-8).
const T_AS_NORMAL_DF: f64 = 1e9;
/// Degrees of freedom above which the t quantile comes from its Cornish–Fisher expansion instead of bisection.
const T_EXPANSION_DF: f64 = 1e5;

/// Clamps a probability into [0, 1]; NaN becomes ½.
fn clamp_probability(p: f64) -> f64 {
    if p.is_nan() { 0.5 } else { p.clamp(0.0, 1.0) }
}

/// The natural logarithm of the gamma function for `x > 0` (Lanczos, g = 7, 9 terms).
pub(crate) fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x)Γ(1 − x) = π / sin(πx).
        return (PI / (PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + G + 0.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// `ln Γ(x) − ((x − ½) ln x − x + ½ ln 2π)` for `x ≥ 10`: the remainder of Stirling's series,
/// `1/(12x) − 1/(360x³) + 1/(1260x⁵) − …`, truncated after the x⁻¹³ term (error below 1e-16 at x = 10).
fn ln_gamma_correction(x: f64) -> f64 {
    const C: [f64; 7] =
        [1.0 / 12.0, -1.0 / 360.0, 1.0 / 1260.0, -1.0 / 1680.0, 1.0 / 1188.0, -691.0 / 360_360.0, 1.0 / 156.0];
    let x2 = 1.0 / (x * x);
    let series = C.iter().rev().fold(0.0, |acc, &c| acc * x2 + c);
    series / x
}

/// `ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b)` without the cancellation of three large `ln Γ` values when `a`
/// or `b` is large (the arrangement of R's `lbeta`, Stirling remainders from [`ln_gamma_correction`]).
pub(crate) fn ln_beta(a: f64, b: f64) -> f64 {
    let (p, q) = if a < b { (a, b) } else { (b, a) };
    let half_ln_2pi = 0.5 * (2.0 * PI).ln();
    if p >= 10.0 {
        let corr = ln_gamma_correction(p) + ln_gamma_correction(q) - ln_gamma_correction(p + q);
        -0.5 * q.ln() + half_ln_2pi + corr + (p - 0.5) * (p / (p + q)).ln() + q * (-p / (p + q)).ln_1p()
    } else if q >= 10.0 {
        let corr = ln_gamma_correction(q) - ln_gamma_correction(p + q);
        ln_gamma(p) + corr + p - p * (p + q).ln() + (q - 0.5) * (-p / (p + q)).ln_1p()
    } else {
        ln_gamma(p) + ln_gamma(q) - ln_gamma(p + q)
    }
}

/// The regularized upper incomplete gamma function `Q(a, x)` for `a > 0`, `x ≥ 0`.
fn gamma_q(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    if !x.is_finite() {
        return 0.0;
    }
    let log_prefix = -x + a * x.ln() - ln_gamma(a);
    if x < a + 1.0 {
        // Series for P(a, x).
        let mut ap = a;
        let mut sum = 1.0 / a;
        let mut del = sum;
        for _ in 0..MAX_ITERATIONS {
            ap += 1.0;
            del *= x / ap;
            sum += del;
            if del.abs() < sum.abs() * EPSILON {
                break;
            }
        }
        (1.0 - sum * log_prefix.exp()).clamp(0.0, 1.0)
    } else {
        // Continued fraction for Q(a, x), modified Lentz.
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / TINY;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..MAX_ITERATIONS {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < TINY {
                d = TINY;
            }
            c = b + an / c;
            if c.abs() < TINY {
                c = TINY;
            }
            d = 1.0 / d;
            let del = d * c;
            h *= del;
            if (del - 1.0).abs() < EPSILON {
                break;
            }
        }
        (log_prefix.exp() * h).clamp(0.0, 1.0)
    }
}

/// The complementary error function.
fn erfc(x: f64) -> f64 {
    if x >= 0.0 { gamma_q(0.5, x * x) } else { 2.0 - gamma_q(0.5, x * x) }
}

/// The standard normal cumulative distribution function `Φ(x)`.
pub(crate) fn normal_cdf(x: f64) -> f64 {
    if x.is_nan() {
        return 0.5;
    }
    if x.is_infinite() {
        return if x > 0.0 { 1.0 } else { 0.0 };
    }
    (0.5 * erfc(-x / std::f64::consts::SQRT_2)).clamp(0.0, 1.0)
}

/// The upper tail `1 − Φ(x)`, accurate in the far tail (used for p-values).
pub(crate) fn normal_sf(x: f64) -> f64 {
    normal_cdf(-x)
}

/// The standard normal quantile `Φ⁻¹(p)` (Wichura's AS 241). `p` is clamped to `[1e-300, 1 − 1e-16]`.
///
/// The coefficients are transcribed digit for digit from the published algorithm.
#[allow(clippy::excessive_precision)]
pub(crate) fn normal_quantile(p: f64) -> f64 {
    let p = clamp_probability(p).clamp(1e-300, 1.0 - f64::EPSILON / 2.0);
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180_625 - q * q;
        let num =
            (((((((2.509_080_928_730_122_7e3 * r + 3.343_057_558_358_812_8e4) * r + 6.726_577_092_700_870_1e4) * r
                + 4.592_195_393_154_987_1e4)
                * r
                + 1.373_169_376_550_946_1e4)
                * r
                + 1.971_590_950_306_551_4e3)
                * r
                + 1.331_416_678_917_843_8e2)
                * r
                + 3.387_132_872_796_366_6)
                * q;
        let den = ((((((5.226_495_278_852_854_6e3 * r + 2.872_908_573_572_194_3e4) * r + 3.930_789_580_009_271e4)
            * r
            + 2.121_379_430_158_659_7e4)
            * r
            + 5.394_196_021_424_751e3)
            * r
            + 6.871_870_074_920_579e2)
            * r
            + 4.231_333_070_160_091e1)
            * r
            + 1.0;
        return num / den;
    }
    let r = if q < 0.0 { p } else { 1.0 - p };
    let r = (-r.ln()).sqrt();
    let value = if r <= 5.0 {
        let r = r - 1.6;
        let num = ((((((7.745_450_142_783_414e-4 * r + 2.272_384_498_926_918_4e-2) * r + 2.417_807_251_774_506e-1)
            * r
            + 1.270_458_252_452_368_4)
            * r
            + 3.647_848_324_763_204_5)
            * r
            + 5.769_497_221_460_691)
            * r
            + 4.630_337_846_156_545)
            * r
            + 1.423_437_110_749_683_5;
        let den =
            ((((((1.050_750_071_644_416_8e-9 * r + 5.475_938_084_995_345e-4) * r + 1.519_866_656_361_645_7e-2) * r
                + 1.481_039_764_274_800_7e-1)
                * r
                + 6.897_673_349_851e-1)
                * r
                + 1.676_384_830_183_803_8)
                * r
                + 2.053_191_626_637_758_8)
                * r
                + 1.0;
        num / den
    } else {
        let r = r - 5.0;
        let num = ((((((2.010_334_399_292_288_1e-7 * r + 2.711_555_568_743_487_6e-5) * r
            + 1.242_660_947_388_078_4e-3)
            * r
            + 2.653_218_952_657_612_3e-2)
            * r
            + 2.965_605_718_285_048_9e-1)
            * r
            + 1.784_826_539_917_291_3)
            * r
            + 5.463_784_911_164_114)
            * r
            + 6.657_904_643_501_103;
        let den = ((((((2.044_263_103_389_939_8e-15 * r + 1.421_511_758_316_445_9e-7) * r
            + 1.846_318_317_510_054_7e-5)
            * r
            + 7.868_691_311_456_133e-4)
            * r
            + 1.487_536_129_085_061_5e-2)
            * r
            + 1.369_298_809_227_358e-1)
            * r
            + 5.998_322_065_558_879e-1)
            * r
            + 1.0;
        num / den
    };
    if q < 0.0 { -value } else { value }
}

/// The continued fraction of the incomplete beta function (modified Lentz).
fn beta_continued_fraction(a: f64, b: f64, x: f64) -> f64 {
    beta_continued_fraction_steps(a, b, x).0
}

/// The iteration cap of the incomplete beta continued fraction below the switch point `(a + 1)/(a + b + 2)`:
/// it converges within `80 + 2√min(a, b)` steps there (measured for a and b from 0.01 to 1e10), so
/// `400 + 10√min(a, b)` (at most [`MAX_ITERATIONS`]) leaves a margin of four or more, and a fraction that does not
/// converge (no valid input does) costs a few hundred steps rather than a hundred thousand.
fn beta_iterations(a: f64, b: f64) -> usize {
    (400.0 + 10.0 * a.min(b).sqrt()).min(MAX_ITERATIONS as f64) as usize
}

/// [`beta_continued_fraction`] and the step at which it converged (`None` if it did not within the cap).
fn beta_continued_fraction_steps(a: f64, b: f64, x: f64) -> (f64, Option<usize>) {
    let qab = a + b;
    let qap = a + 1.0;
    let qam = a - 1.0;
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for step in 1..=beta_iterations(a, b) {
        let m = step as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < EPSILON {
            return (h, Some(step));
        }
    }
    (h, None)
}

/// The regularized incomplete beta function `I_x(a, b)` for `a, b > 0`; `x` is clamped into [0, 1].
pub(crate) fn beta_inc(a: f64, b: f64, x: f64) -> f64 {
    let x = clamp_probability(x);
    beta_inc_xy(a, b, x, 1.0 - x)
}

/// `I_x(a, b)` given both `x` and `y = 1 − x`, so a caller who knows `y` more precisely than `1 − x` (Student's
/// t with many degrees of freedom, where `x = ν/(ν + t²)` is within 1e-10 of 1) keeps its digits.
fn beta_inc_xy(a: f64, b: f64, x: f64, y: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if y <= 0.0 {
        return 1.0;
    }
    // ln x and ln y from whichever of x, y is known to full relative precision.
    let (ln_x, ln_y) = if x > 0.5 { ((-y).ln_1p(), y.ln()) } else { (x.ln(), (-x).ln_1p()) };
    let ln_front = a * ln_x + b * ln_y - ln_beta(a, b);
    let front = ln_front.exp();
    let value = if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_continued_fraction(a, b, x) / a
    } else {
        1.0 - front * beta_continued_fraction(b, a, y) / b
    };
    if value.is_finite() { value.clamp(0.0, 1.0) } else { 0.5 }
}

/// `P(T > |t|)` for Student's t: `I_x(ν/2, ½)/2` with `x = ν/(ν + t²)` and `1 − x = t²/(ν + t²)` computed apart.
fn student_t_upper_tail(t: f64, df: f64) -> f64 {
    let t2 = t * t;
    let denom = df + t2;
    0.5 * beta_inc_xy(0.5 * df, 0.5, df / denom, t2 / denom)
}

/// The beta density `x^(a−1)(1 − x)^(b−1)/B(a, b)` given `ln B(a, b)`.
fn beta_density(x: f64, a: f64, b: f64, ln_b: f64) -> f64 {
    ((a - 1.0) * x.ln() + (b - 1.0) * (-x).ln_1p() - ln_b).exp()
}

/// The quantile of the beta distribution: the `x` with `I_x(a, b) = p`, by safeguarded Newton.
pub(crate) fn beta_quantile(p: f64, a: f64, b: f64) -> f64 {
    beta_quantile_counted(p, a, b).0
}

/// [`beta_quantile`] and the number of CDF evaluations it took (Newton needs a handful where bisection alone
/// would need fifty or more).
fn beta_quantile_counted(p: f64, a: f64, b: f64) -> (f64, u32) {
    let p = clamp_probability(p);
    if p <= 0.0 {
        return (0.0, 0);
    }
    if p >= 1.0 {
        return (1.0, 0);
    }
    // Safeguarded Newton: the density gives the step, the bracket [lo, hi] (where I(lo) < p ≤ I(hi)) catches any
    // step that leaves it, and bisection takes over then. Starts from the mean, a / (a + b).
    let ln_b = ln_beta(a, b);
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    let mut x = a / (a + b);
    for evaluations in 1..=1100 {
        let f = beta_inc(a, b, x) - p;
        if f < 0.0 {
            lo = x;
        } else {
            hi = x;
        }
        if f == 0.0 {
            return (x, evaluations);
        }
        let d = beta_density(x, a, b, ln_b);
        let newton = x - f / d;
        let next = if d.is_finite() && d > 0.0 && newton > lo && newton < hi { newton } else { 0.5 * (lo + hi) };
        if next <= lo || next >= hi || (next - x).abs() <= f64::EPSILON * x {
            return (next.clamp(lo, hi), evaluations);
        }
        x = next;
    }
    (x, 1100)
}

/// The cumulative distribution function of Student's t with `df > 0` degrees of freedom.
pub(crate) fn student_t_cdf(t: f64, df: f64) -> f64 {
    if t.is_nan() {
        return 0.5;
    }
    if df >= T_AS_NORMAL_DF || df.is_nan() {
        return normal_cdf(t);
    }
    if t.is_infinite() {
        return if t > 0.0 { 1.0 } else { 0.0 };
    }
    let tail = student_t_upper_tail(t, df);
    if t >= 0.0 { 1.0 - tail } else { tail }
}

/// The two-sided tail probability `P(|T| ≥ |t|)` of Student's t, accurate in the far tail.
pub(crate) fn student_t_two_sided(t: f64, df: f64) -> f64 {
    if t.is_nan() {
        return 1.0;
    }
    if df >= T_AS_NORMAL_DF || df.is_nan() {
        return (2.0 * normal_sf(t.abs())).clamp(0.0, 1.0);
    }
    if t.is_infinite() {
        return 0.0;
    }
    (2.0 * student_t_upper_tail(t, df)).clamp(0.0, 1.0)
}

/// The quantile of Student's t with `df > 0` degrees of freedom, by bisection on the CDF.
pub(crate) fn student_t_quantile(p: f64, df: f64) -> f64 {
    let p = clamp_probability(p);
    if df >= T_AS_NORMAL_DF || df.is_nan() {
        return normal_quantile(p);
    }
    if p == 0.5 {
        return 0.0;
    }
    if df > T_EXPANSION_DF {
        // Cornish–Fisher expansion about the normal quantile (Abramowitz & Stegun 26.7.5); the next term is
        // O(z⁹/ν⁴), below 1e-15 for ν > 1e5 and ordinary probabilities.
        let z = normal_quantile(p);
        let (z2, nu) = (z * z, df);
        let g1 = (z2 + 1.0) * z / 4.0;
        let g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0;
        let g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0;
        return z + g1 / nu + g2 / (nu * nu) + g3 / (nu * nu * nu);
    }
    // Solve in the upper half and reflect: the upper tail 1 − p is the target.
    let upper = p > 0.5;
    let tail = if upper { 1.0 - p } else { p };
    if tail <= 0.0 {
        let extreme = f64::MAX.sqrt();
        return if upper { extreme } else { -extreme };
    }
    let tail_at = |t: f64| student_t_upper_tail(t, df);
    // Double until the tail is reached; at 2⁵¹² at the latest t² overflows and the tail there is 0.
    let mut hi = 1.0_f64;
    for _ in 0..1100 {
        if tail_at(hi) <= tail {
            break;
        }
        hi *= 2.0;
    }
    let mut lo = 0.0_f64;
    for _ in 0..1100 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if tail_at(mid) > tail {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let t = 0.5 * (lo + hi);
    if upper { t } else { -t }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol, "{a} vs {b}");
    }

    #[test]
    fn normal_known_values() {
        // R: qnorm(0.975), pnorm(1.96), pnorm(-3), qnorm(1e-10)
        close(normal_quantile(0.975), 1.959_963_984_540_054, 1e-13);
        close(normal_quantile(0.5), 0.0, 1e-15);
        close(normal_cdf(1.96), 0.975_002_104_851_780, 1e-13);
        close(normal_cdf(-3.0), 0.001_349_898_031_630_094_6, 1e-15);
        close(normal_quantile(1e-10), -6.361_340_902_404_056, 1e-10);
        close(normal_cdf(normal_quantile(0.3)), 0.3, 1e-14);
    }

    #[test]
    fn ln_beta_agrees_across_branches() {
        // Where plain ln Γ is still accurate the two arrangements agree.
        for (a, b) in [(12.0, 15.0), (0.5, 30.0), (3.0, 11.0), (10.0, 10.0), (2.5, 4.0)] {
            close(ln_beta(a, b), ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b), 1e-12);
        }
        // ln B(a, ½) = ½ ln π − (ln Γ(a + ½) − ln Γ(a)) = ½ ln π − ½ ln a + 1/(8a) + O(a⁻³).
        let nu: f64 = 2.8e6;
        let a = nu / 2.0;
        close(ln_beta(a, 0.5), 0.5 * PI.ln() - 0.5 * a.ln() + 1.0 / (8.0 * a), 1e-12);
    }

    #[test]
    #[allow(clippy::excessive_precision)]
    fn ln_gamma_and_ln_beta_against_40_digits() {
        // mpmath (40 digits) / scipy.special.gammaln and betaln.
        for (x, want) in [
            (0.25, 1.288_022_524_698_077_4), // reflection branch, x < ½
            (0.1, 2.252_712_651_734_205_9),
            (1e-3, 6.907_178_885_383_853_7),
            (3.3, 0.987_098_577_894_734_3),
        ] {
            close(ln_gamma(x), want, 2e-15 * want.abs().max(1.0));
        }
        for (a, b, want) in [
            (10.0, 10.0, -13.736_229_227_036_554_8), // both large: Stirling remainders
            (12.5, 40.0, -29.016_702_862_091_727),
            (0.3, 25.0, 0.134_346_209_345_804_73), // one large
            (2.0, 3.0, -2.484_906_649_788_000_4),  // ln(1/12)
        ] {
            close(ln_beta(a, b), want, 4e-15 * want.abs().max(1.0));
            close(ln_beta(b, a), want, 4e-15 * want.abs().max(1.0));
        }
    }

    #[test]
    fn beta_quantile_inverts_the_cdf() {
        for (a, b) in [(0.5, 0.5), (1.0, 10.0), (45.0, 6.0), (0.7, 2e7), (3.0, 1e6), (9e6, 1e6 + 1.0), (2e7, 0.5)] {
            for p in [1e-12, 1e-4, 0.025, 0.5, 0.975, 1.0 - 1e-9] {
                let x = beta_quantile(p, a, b);
                assert!((0.0..=1.0).contains(&x));
                // x is the quantile to within a few units in the last place: p lies between the CDF a few
                // representable steps either side (near 1 the exact answer may not be representable at all).
                let (mut below, mut above) = (x, x);
                for _ in 0..4 {
                    below = below.next_down().max(0.0);
                    above = above.next_up().min(1.0);
                }
                // With a or b in the millions, a·ln x alone carries an absolute error near 1e-9, so the CDF
                // itself is good to about that relative accuracy.
                let slack = 1e-8 * p;
                assert!(
                    beta_inc(a, b, below) <= p + slack && p - slack <= beta_inc(a, b, above),
                    "a {a} b {b} p {p}: x {x}, I(x) = {}",
                    beta_inc(a, b, x)
                );
            }
        }
    }

    #[test]
    fn t_quantiles_stay_finite_for_tiny_degrees_of_freedom() {
        // With ν = 0.01 the true quantile of p = 1e-3 lies far beyond f64 (the tail at 2⁵¹² is still 0.014):
        // the search ends where t² overflows, at √f64::MAX, finite; p = 0.1 is still found (3.96e68).
        for p in [1e-300, 1e-10, 1e-3] {
            let t = student_t_quantile(p, 0.01);
            assert!(t.is_finite() && t <= -1e154, "{t}");
            relative(student_t_quantile(1.0 - p, 0.01), -t, 1e-15);
        }
        // mpmath: ½·I at 3.960440137153171e68 is 0.0999999999999998.
        relative(student_t_quantile(0.1, 0.01), -3.960_440_137_153_171e68, 1e-12);
        // Probabilities 0 and 1 (a level so close to 1 that 1 − α/2 rounds to 1) give ±√f64::MAX.
        assert_eq!(student_t_quantile(1.0, 5.0), f64::MAX.sqrt());
        assert_eq!(student_t_quantile(0.0, 5.0), -f64::MAX.sqrt());
        assert_eq!(student_t_quantile(0.5, 5.0), 0.0);
    }

    #[test]
    fn beta_continued_fraction_converges_well_within_its_cap() {
        // Shapes from 0.01 to 1e10 and points up to the switch (a + 1)/(a + b + 2), where the fraction is used:
        // it converges, within a quarter of the cap (the margin the cap's docs promise), and agrees with the
        // symmetric arrangement I_x(a, b) = 1 − I_{1−x}(b, a) where both are accurate.
        let shapes = [0.01, 0.5, 2.0, 30.0, 1e3, 1e5, 1e6, 1e7, 1e8, 1e10];
        let mut worst = 0.0_f64;
        for a in shapes {
            for b in shapes {
                let split = (a + 1.0) / (a + b + 2.0);
                for k in 1..=40 {
                    let x = if k == 40 { split * (1.0 - 1e-15) } else { split * f64::from(k) / 40.0 };
                    let (h, steps) = beta_continued_fraction_steps(a, b, x);
                    let steps = steps.unwrap_or_else(|| panic!("a {a} b {b} x {x}: no convergence"));
                    assert!(h.is_finite() && h > 0.0, "a {a} b {b} x {x}: {h}");
                    worst = worst.max(steps as f64 / beta_iterations(a, b) as f64);
                }
            }
        }
        assert!(worst <= 0.25, "a fraction took {worst} of its cap");
        assert_eq!(
            (beta_iterations(0.5, 1e10), beta_iterations(1e6, 1e7), beta_iterations(1e12, 1e12)),
            (407, 10_400, 100_000)
        );
        // Without convergence the cap ends the loop: a NaN point never converges.
        assert_eq!(beta_continued_fraction_steps(2.0, 3.0, f64::NAN).1, None);
    }

    #[test]
    fn beta_quantile_takes_newton_steps() {
        // Newton on I_x(a, b) with the density converges in a handful of CDF evaluations for ordinary shapes and
        // probabilities; bisection alone (what a broken step degrades to) needs 40 or more for 1e-12.
        for (a, b) in [(2.0, 5.0), (3.0, 8.0), (45.0, 6.0), (1.0, 10.0)] {
            for p in [0.025, 0.3, 0.5, 0.975] {
                let (x, evaluations) = beta_quantile_counted(p, a, b);
                assert!(evaluations <= 12, "a {a} b {b} p {p}: {evaluations} evaluations");
                close(beta_inc(a, b, x), p, 1e-14);
            }
        }
        // The symmetric median is the starting point itself, up to the rounding of I_½(2, 2).
        let (median, evaluations) = beta_quantile_counted(0.5, 2.0, 2.0);
        assert!((median - 0.5).abs() < 1e-15 && evaluations <= 2, "{median} after {evaluations}");
        assert_eq!(beta_quantile_counted(0.0, 2.0, 2.0), (0.0, 0));
        assert_eq!(beta_quantile_counted(1.0, 2.0, 2.0), (1.0, 0));
        // The density against scipy.stats.beta.pdf.
        for (x, a, b, want) in [
            (0.3, 2.0, 5.0, 2.160_9), // 30·0.3·0.7⁴
            (0.9, 0.5, 3.0, 0.009_882_117_688_026_182),
            (0.5, 45.0, 6.0, 1.693_653_217_671_452_8e-7),
        ] {
            let got = beta_density(x, a, b, ln_beta(a, b));
            assert!((got / want - 1.0).abs() < 1e-12, "{x} {a} {b}: {got} vs {want}");
        }
    }

    #[test]
    fn gamma_and_beta_known_values() {
        close(ln_gamma(0.5), PI.sqrt().ln(), 1e-14);
        close(ln_gamma(10.0), 362_880_f64.ln(), 1e-12);
        // pbeta(0.3, 2, 5) = P(Bin(6, 0.3) >= 2) = 0.579825 exactly
        close(beta_quantile(0.025, 45.0, 6.0), 0.781_864_633_565_797_7, 1e-12); // scipy beta.ppf
        close(beta_inc(2.0, 5.0, 0.3), 0.579_825, 1e-12);
        close(beta_inc(2.0, 5.0, beta_quantile(0.42, 2.0, 5.0)), 0.42, 1e-13);
    }

    #[test]
    fn student_t_known_values() {
        // R: qt(0.975, 10) = 2.228138851986274; qt(0.975, 1) = 12.70620473617471; pt(2, 5) = 0.9490302605850709
        close(student_t_quantile(0.975, 10.0), 2.228_138_851_986_274, 1e-12);
        close(student_t_quantile(0.975, 1.0), 12.706_204_736_174_71, 1e-10);
        close(student_t_quantile(0.025, 99.0), -1.984_216_951_586_417_6, 1e-12);
        close(student_t_cdf(2.0, 5.0), 0.949_030_260_585_070_9, 1e-13);
        close(student_t_two_sided(2.0, 5.0), 2.0 * (1.0 - 0.949_030_260_585_070_9), 1e-13);
        close(student_t_quantile(0.975, 1e6), 1.959_966, 1e-5);
        // Large df: the Cornish–Fisher expansion against scipy.stats.t.ppf.
        for (p, at_2e5, at_1e7) in [
            (0.9, 1.281_555_798_482_708_4, 1.281_551_650_203_083_3),
            (0.975, 1.959_975_845_966_768, 1.959_964_221_767_205),
            (0.995, 2.575_853_886_507_763_6, 2.575_829_795_203_748_8),
            (0.9999, 3.719_085_432_904_908, 3.719_017_864_382_277_8),
        ] {
            close(student_t_quantile(p, 2e5), at_2e5, 1e-12);
            close(student_t_quantile(p, 1e7), at_1e7, 1e-12);
        }
        close(student_t_quantile(0.975, 9e4), 1.959_990_343_457_739_5, 1e-10); // bisection
    }

    fn relative(got: f64, want: f64, tol: f64) {
        assert!(((got - want) / want).abs() <= tol, "{got} vs {want}: relative error {:e}", (got - want) / want);
    }

    #[test]
    #[allow(clippy::excessive_precision)]
    fn cornish_fisher_in_the_far_tail_against_40_digits() {
        // Just above the switch to the expansion and far out, where the ν⁻³ term is about 1e-12 of the answer:
        // the t with P(T > t) = p, solved with mpmath (40 digits) on ½·I_{ν/(ν+t²)}(ν/2, ½).
        for (df, p, want) in [
            (100_001.0, 1e-12, -7.035_371_733_513_538_704_4),
            (150_000.0, 1e-12, -7.035_075_748_796_085_867_5),
            (100_001.0, 1e-6, -4.753_704_713_587_096_166_5),
            (2e5, 1e-15, -7.941_981_321_910_226_690_4),
        ] {
            relative(student_t_quantile(p, df), want, 5e-16);
            // Mirrored: 1 − p is not exactly representable, so the exact mirror of p is 1 − fl(1 − p).
            let mirrored = 1.0 - p;
            relative(student_t_quantile(mirrored, df), -student_t_quantile(1.0 - mirrored, df), 5e-16);
        }
    }

    #[test]
    #[allow(clippy::excessive_precision)]
    fn stirling_remainder_and_large_df_tails_against_40_digits() {
        // ln Γ(x) − ((x − ½) ln x − x + ½ ln 2π), mpmath, to the documented 1e-16: every kept term of the series
        // (the last, x⁻¹³/156, is 6e-16 at x = 10) shows.
        for (x, want) in [
            (10.0, 0.008_330_563_433_362_871_256_469),
            (12.5, 0.006_665_247_032_707_682_442_356),
            (30.0, 0.002_777_674_929_752_693_603_595),
            (1e3, 8.333_333_055_555_634_920_575e-5),
        ] {
            close(ln_gamma_correction(x), want, 1e-16);
        }
        // Student's t with millions of degrees of freedom, where 1 − x = t²/(ν + t²) must not be formed as 1 − x
        // (for t = ±1e-5, ν = 1e8, x rounds to 1 and 1 − x would be 0); ½·I_{ν/(ν+t²)}(ν/2, ½) in mpmath. The
        // continued fraction itself is good to about 1e-8 of the tail there (a in the millions), hence 1e-9.
        for (t, df, want) in [
            (3.0, 5e6, 0.998_650_095_320_588_578_984_9),
            (-3.0, 5e6, 0.001_349_904_679_411_421_015_107),
            (2.0, 4e8, 0.977_249_867_714_377_251_691_6),
            (-4.5, 1e7, 3.397_711_336_025_501_794_75e-6),
            (1e-5, 1e8, 0.500_003_989_422_793_974_279_7),
            (-1e-5, 1e8, 0.499_996_010_577_206_025_720_3),
            (3e-4, 5e8, 0.500_119_682_682_265_348_210_6),
        ] {
            relative(student_t_cdf(t, df), want, 1e-9);
        }
        // Quantiles far beyond 1 000: the bracket doubles until it holds them. Cauchy (ν = 1): tan(π(p − ½));
        // ν = 2: (2p − 1)/√(2p(1 − p)).
        relative(student_t_quantile(1e-6, 1.0), -318_309.886_182_743_488_390_7, 1e-12);
        relative(student_t_quantile(1e-9, 2.0), -22_360.679_741_456_876_591_29, 1e-12);
        // Past 1e9 degrees of freedom the two-sided tail is the normal one, 2Φ(−|t|).
        for t in [2.0, -2.0] {
            relative(student_t_two_sided(t, 1e12), 0.045_500_263_896_358_414_400_57, 1e-14);
        }
        // From 1e9 degrees of freedom on, the CDF and the quantile are the normal ones exactly.
        for df in [1e9, 1e12, f64::MAX] {
            assert_eq!(student_t_cdf(2.0, df), normal_cdf(2.0));
            assert_eq!(student_t_cdf(-0.5, df), normal_cdf(-0.5));
            assert_eq!(student_t_quantile(0.975, df), normal_quantile(0.975));
            assert_eq!(student_t_quantile(0.01, df), normal_quantile(0.01));
        }
        assert_eq!(student_t_two_sided(f64::INFINITY, 5.0), 0.0);
        assert_eq!(student_t_two_sided(f64::NEG_INFINITY, 1e12), 0.0);
        assert_eq!(student_t_two_sided(f64::NAN, 5.0), 1.0);
        assert_eq!(student_t_two_sided(0.0, 5.0), 1.0);
    }

    #[test]
    #[allow(clippy::excessive_precision)]
    fn normal_cdf_on_both_sides_of_the_series_switch_against_20_digits() {
        // erfc(|x|/√2) switches from the series to the continued fraction at x²/2 = 1.5; mpmath ncdf (20 digits).
        for (x, want) in [
            (0.05, 0.519_938_805_838_372_462_7),
            (-0.9, 0.184_060_125_346_759_482_65),
            (1.2, 0.884_930_329_778_291_723_35),
            (1.7, 0.955_434_537_241_456_956_34),
            (-1.8, 0.035_930_319_112_925_800_454),
            (2.5, 0.993_790_334_674_223_864_83),
            (-5.0, 2.866_515_718_791_939_116_7e-7),
        ] {
            relative(normal_cdf(x), want, 4e-15);
            relative(normal_sf(-x), want, 4e-15);
        }
    }

    #[test]
    #[allow(clippy::excessive_precision)]
    fn normal_cdf_where_the_continued_fraction_would_converge_slowly_against_20_digits() {
        // erfc at x²/2 just above ½ = a: the continued fraction converges slowly there and keeps about 2e-14
        // (measured: 2.3e-14 at x = 1.0025, 2.0e-14 at 1.0495), while the series, used below a + 1, keeps 6e-16.
        // mpmath ncdf (20 digits).
        for (x, lower, upper) in [
            (1.0025, 0.158_051_083_277_886_057_43, 0.841_948_916_722_113_942_57),
            (1.0495, 0.146_974_027_618_758_705_16, 0.853_025_972_381_241_294_84),
        ] {
            relative(normal_cdf(-x), lower, 4e-15);
            relative(normal_sf(x), lower, 4e-15);
            relative(normal_cdf(x), upper, 4e-15);
        }
    }
}
