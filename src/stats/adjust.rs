//! Multiple-comparison adjustment of p-values.

use serde::{Deserialize, Serialize};

use super::error::{StatsError, show};

/// How to adjust p-values when many comparisons are made at once (one per store, segment or agent).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Adjustment {
    /// Holm's (1979) step-down method: controls the family-wise error rate, uniformly more powerful than
    /// Bonferroni.
    Holm,
    /// Benjamini–Hochberg (1995) step-up method: controls the false discovery rate (independent or positively
    /// dependent tests).
    BenjaminiHochberg,
}

/// Adjusts p-values for multiple comparisons; the result is in the input's order and matches R's
/// `p.adjust(p, "holm")` and `p.adjust(p, "BH")`.
///
/// - Holm: with `p₍₁₎ ≤ … ≤ p₍ₘ₎`, `adj₍ᵢ₎ = max_{j ≤ i} min(1, (m − j + 1)·p₍ⱼ₎)`.
/// - Benjamini–Hochberg: `adj₍ᵢ₎ = min_{j ≥ i} min(1, m/j·p₍ⱼ₎)`.
///
/// Ties are ordered by position, which does not change the result.
///
/// # Errors
///
/// [`StatsError::InvalidPValue`] naming the first p-value outside [0, 1] (NaN included).
///
/// ```
/// use customer_care::stats::{adjust_p_values, Adjustment};
///
/// let p = [0.01, 0.04, 0.03, 0.20];
/// assert_eq!(adjust_p_values(&p, Adjustment::Holm)?, [0.04, 0.09, 0.09, 0.20]);
/// let bh = adjust_p_values(&p, Adjustment::BenjaminiHochberg)?;
/// assert!((bh[1] - 0.0533333).abs() < 1e-6);
/// # Ok::<(), customer_care::stats::StatsError>(())
/// ```
pub fn adjust_p_values(p_values: &[f64], method: Adjustment) -> Result<Vec<f64>, StatsError> {
    for (index, &p) in p_values.iter().enumerate() {
        if !(0.0..=1.0).contains(&p) {
            return Err(StatsError::InvalidPValue { index, value: show(p) });
        }
    }
    let m = p_values.len();
    // (p-value, position), ascending by p-value then position.
    let mut order: Vec<(f64, usize)> = p_values.iter().copied().zip(0..).collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    // (position, adjusted), filled in rank order, then put back in input order.
    let mut ranked: Vec<(usize, f64)> = Vec::with_capacity(m);
    match method {
        Adjustment::Holm => {
            let mut running = 0.0_f64;
            for (rank, &(p, position)) in order.iter().enumerate() {
                running = running.max(((m - rank) as f64 * p).min(1.0));
                ranked.push((position, running));
            }
        }
        Adjustment::BenjaminiHochberg => {
            let mut running = 1.0_f64;
            for (rank, &(p, position)) in order.iter().enumerate().rev() {
                running = running.min((m as f64 / (rank + 1) as f64 * p).min(1.0));
                ranked.push((position, running));
            }
        }
    }
    ranked.sort_by_key(|&(position, _)| position);
    let adjusted = ranked.into_iter().map(|(_, a)| a).collect();
    Ok(adjusted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_r_p_adjust() {
        // R: p.adjust(c(0.01, 0.02, 0.03, 0.04, 0.05), "BH") = 0.05 for all; "holm" = 0.05 0.08 0.09 0.09 0.09
        let p = [0.01, 0.02, 0.03, 0.04, 0.05];
        let bh = adjust_p_values(&p, Adjustment::BenjaminiHochberg).unwrap();
        assert!(bh.iter().all(|&x| (x - 0.05).abs() < 1e-15));
        let holm = adjust_p_values(&p, Adjustment::Holm).unwrap();
        for (a, b) in holm.iter().zip([0.05, 0.08, 0.09, 0.09, 0.09]) {
            assert!((a - b).abs() < 1e-15);
        }
        assert_eq!(adjust_p_values(&[], Adjustment::Holm).unwrap(), Vec::<f64>::new());
        // Unsorted input comes back in its order: R p.adjust(c(0.01, 0.04, 0.03, 0.20), "holm") = 0.04 0.09 0.09
        // 0.20; "BH" = 0.04 0.05333 0.05333 0.20.
        let p = [0.01, 0.04, 0.03, 0.20];
        let holm = adjust_p_values(&p, Adjustment::Holm).unwrap();
        for (a, b) in holm.iter().zip([0.04, 0.09, 0.09, 0.20]) {
            assert!((a - b).abs() < 1e-15, "{holm:?}");
        }
        let bh = adjust_p_values(&p, Adjustment::BenjaminiHochberg).unwrap();
        for (a, b) in bh.iter().zip([0.04, 0.16 / 3.0, 0.16 / 3.0, 0.20]) {
            assert!((a - b).abs() < 1e-15, "{bh:?}");
        }
        // R: p.adjust(c(0.5, 0.02, 0.6), "holm") = 1 0.06 1; "BH" = 0.6 0.06 0.6.
        assert_eq!(adjust_p_values(&[0.5, 0.02, 0.6], Adjustment::Holm).unwrap(), [1.0, 0.06, 1.0]);
        let bh = adjust_p_values(&[0.5, 0.02, 0.6], Adjustment::BenjaminiHochberg).unwrap();
        for (a, b) in bh.iter().zip([0.6, 0.06, 0.6]) {
            assert!((a - b).abs() < 1e-15, "{bh:?}");
        }
        assert!(adjust_p_values(&[1.5], Adjustment::BenjaminiHochberg).is_err());
        assert_eq!(adjust_p_values(&[0.0, 1.0], Adjustment::Holm).unwrap(), [0.0, 1.0]);
        assert_eq!(
            adjust_p_values(&[0.1, f64::NAN], Adjustment::Holm),
            Err(StatsError::InvalidPValue { index: 1, value: "NaN".into() })
        );
    }
}
