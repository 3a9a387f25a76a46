//! Lifecycle, issue 20: horizons and parameters whose ₂F₁ argument reaches z = 1 (before the z → 1 − z
//! continuation these ended in `NumericalFailure` after 2,000,000 series terms).

use customer_care::lifecycle::{BgNbd, CustomerSummary, ModifiedBgNbd, ParetoNbd, PurchaseModel, Span, TimeUnit};

fn week(x: u32, tx: f64, t: f64) -> CustomerSummary {
    CustomerSummary::new(x, tx, t, TimeUnit::Week).unwrap()
}

#[test]
fn bg_family_expectations_stay_finite_for_any_horizon() {
    // Fader, Hardie & Lee (2005) CDNOW estimates; lifetimes 0.11.3 MBG/NBD fit on the same data.
    let bg = BgNbd::new(0.243, 4.414, 0.793, 2.426, TimeUnit::Week).unwrap();
    let mbg = ModifiedBgNbd::new(0.525, 6.183, 0.891, 1.614, TimeUnit::Week).unwrap();
    let near_one = BgNbd::new(0.5, 3.0, 1.0, 2.0, TimeUnit::Week).unwrap(); // a = 1: the closed form is 0/0
    let customers = [week(0, 0.0, 38.86), week(2, 30.43, 38.86), week(20, 38.0, 39.0)];
    for model in [&bg as &dyn PurchaseModel, &mbg, &near_one] {
        for c in &customers {
            let mut last = 0.0;
            // t/α from 10⁴ to 10¹²: z = t/(α + t) up to 1 − 1e-12.
            for weeks in [4e4, 4e6, 4e8, 4e10, 4e12] {
                let e = model.expected_purchases(c, Span::weeks(weeks).unwrap()).unwrap();
                assert!(e.is_finite() && e > last, "{} {c:?} {weeks}: {e} after {last}", model.name());
                last = e;
            }
            let new = model.expected_purchases_new(Span::weeks(4e12).unwrap()).unwrap();
            assert!(new.is_finite() && new > 0.0, "{}: {new}", model.name());
        }
    }
}

#[test]
fn pareto_with_a_tiny_dropout_scale_is_computed() {
    // β ≪ α puts the Pareto/NBD likelihood's ₂F₁ at 1 − z = (β + t_x)/(α + t_x) ≈ 1e-7 and below.
    for (alpha, beta) in [(1e6, 0.1), (1e8, 1e-3), (3e9, 1e-4)] {
        let m = ParetoNbd::new(0.553, alpha, 0.606, beta, TimeUnit::Week).unwrap();
        for c in [week(0, 0.0, 1e-6), week(2, 1e-5, 2e-5), week(5, 0.5, 1.0)] {
            let p = m.p_alive(&c).unwrap();
            assert!((0.0..=1.0).contains(&p), "{alpha} {beta} {c:?}: {p}");
            let e = m.expected_purchases(&c, Span::weeks(52.0).unwrap()).unwrap();
            assert!(e.is_finite() && e >= 0.0, "{e}");
        }
    }
}

/// `lifetimes` 0.11.3 `probability_of_n_purchases_up_to_time(t, n)`, n = 0..5, with `params_` set to the CDNOW
/// estimates the suite uses (BG/NBD: Fader, Hardie & Lee 2005; MBG/NBD: lifetimes' own fit).
const BG_COUNTS: [(f64, [f64; 6]); 2] = [
    (
        39.0,
        [
            0.5737863520960094,
            0.19939528083591135,
            0.08542975953906072,
            0.045860353847999705,
            0.02767144933578218,
            0.017965493866579044,
        ],
    ),
    (
        78.0,
        [
            0.49102772505852726,
            0.21049426215015848,
            0.09675429489604168,
            0.05504661552145907,
            0.035035702277635,
            0.023940236634437676,
        ],
    ),
];
const MBG_COUNTS: [(f64, [f64; 6]); 2] = [
    (
        39.0,
        [
            0.5824731894932891,
            0.18278307728754056,
            0.08689482567349055,
            0.04857044295156923,
            0.02977414855939118,
            0.01938732355357039,
        ],
    ),
    (
        78.0,
        [
            0.519269523544615,
            0.18155005378711345,
            0.09280632936438965,
            0.05538658938372887,
            0.03617301616186153,
            0.025079157695421038,
        ],
    ),
];

#[test]
fn purchase_counts_match_lifetimes() {
    let bg = BgNbd::new(0.243, 4.414, 0.793, 2.426, TimeUnit::Week).unwrap();
    let mbg = ModifiedBgNbd::new(0.525, 6.183, 0.891, 1.614, TimeUnit::Week).unwrap();
    for (t, want) in BG_COUNTS {
        let got = bg.purchase_count_distribution(5, Span::weeks(t).unwrap()).unwrap();
        for (n, (g, w)) in got.iter().zip(want).enumerate() {
            assert!((g - w).abs() < 1e-12, "BG/NBD t = {t}, n = {n}: {g} vs {w}");
        }
        assert_eq!(bg.probability_of_purchases(3, Span::weeks(t).unwrap()).unwrap(), got[3]);
    }
    for (t, want) in MBG_COUNTS {
        let got = mbg.purchase_count_distribution(5, Span::weeks(t).unwrap()).unwrap();
        for (n, (g, w)) in got.iter().zip(want).enumerate() {
            assert!((g - w).abs() < 1e-12, "MBG/NBD t = {t}, n = {n}: {g} vs {w}");
        }
    }
    // No time, no purchases.
    assert_eq!(bg.purchase_count_distribution(2, Span::weeks(0.0).unwrap()).unwrap(), vec![1.0, 0.0, 0.0]);
    let at_zero = mbg.purchase_count_distribution(2, Span::weeks(0.0).unwrap()).unwrap();
    assert!((at_zero[0] - 1.0).abs() < 1e-15 && at_zero[1] == 0.0, "{at_zero:?}");
}

/// `lifetimes` 0.11.3 `ParetoNBDFitter.conditional_probability_of_n_purchases_up_to_time(n, t, 0, 0, 0)` (a customer
/// with no history: the population's P(X(t) = n)), n = 0..5, params_ = the published CDNOW estimates.
const PARETO_COUNTS: [(f64, [f64; 6]); 2] = [
    (
        39.0,
        [
            0.5936250316023836,
            0.16556294727717552,
            0.08248718411631654,
            0.04903995364281423,
            0.03169570674428861,
            0.02148482836182105,
        ],
    ),
    (
        78.0,
        [
            0.5526718783999081,
            0.15354080657545355,
            0.07907691822604788,
            0.049684653402803036,
            0.0344214570612644,
            0.025250639975049196,
        ],
    ),
];

#[test]
fn pareto_purchase_counts_match_lifetimes() {
    let m = ParetoNbd::new(0.553, 10.578, 0.606, 11.669, TimeUnit::Week).unwrap();
    for (t, want) in PARETO_COUNTS {
        for (n, w) in want.iter().enumerate() {
            let g = m.probability_of_purchases(n as u32, Span::weeks(t).unwrap()).unwrap();
            assert!((g - w).abs() < 1e-10, "Pareto/NBD t = {t}, n = {n}: {g} vs {w}");
        }
    }
    assert_eq!(m.probability_of_purchases(0, Span::weeks(0.0).unwrap()).unwrap(), 1.0);
    assert_eq!(m.probability_of_purchases(1, Span::weeks(0.0).unwrap()).unwrap(), 0.0);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(100))]
    #[test]
    fn purchase_counts_sum_to_one(
        lr in -2.0f64..2.0, la in -2.0f64..2.0, lpa in -2.0f64..2.0, lpb in -2.0f64..2.0, ratio in 0.01f64..5.0,
        modified in proptest::bool::ANY,
    ) {
        // Σₙ P(X(t) = n) = 1; with t/α ≤ 5 the tail beyond 20,000 purchases is below 1e-9 for these shapes.
        let (r, alpha, a, b) = (lr.exp(), la.exp(), lpa.exp(), lpb.exp());
        let h = Span::weeks(ratio * alpha).unwrap();
        let d = if modified {
            ModifiedBgNbd::new(r, alpha, a, b, TimeUnit::Week).unwrap().purchase_count_distribution(20_000, h)
        } else {
            BgNbd::new(r, alpha, a, b, TimeUnit::Week).unwrap().purchase_count_distribution(20_000, h)
        }
        .unwrap();
        let total: f64 = d.iter().sum();
        proptest::prop_assert!(d.iter().all(|p| (0.0..=1.0).contains(p)));
        proptest::prop_assert!((total - 1.0).abs() < 1e-9, "Σ = {}", total);
    }

    #[test]
    fn pareto_purchase_counts_sum_to_one(
        lr in -1.0f64..1.5, la in -2.0f64..2.0, ls in -1.0f64..1.0, lb in -2.0f64..2.0, ratio in 0.01f64..3.0,
    ) {
        // Σₙ P(X(t) = n) = 1 (n ≤ 400: with t/α ≤ 3 and r ≤ e^1.5 the NegBin tail beyond is below 1e-12).
        let m = ParetoNbd::new(lr.exp(), la.exp(), ls.exp(), lb.exp(), TimeUnit::Week).unwrap();
        let h = Span::weeks(ratio * la.exp()).unwrap();
        let mut total = 0.0;
        for n in 0..=400 {
            let p = m.probability_of_purchases(n, h).unwrap();
            proptest::prop_assert!((0.0..=1.0).contains(&p));
            total += p;
        }
        proptest::prop_assert!((total - 1.0).abs() < 1e-9, "Σ = {}", total);
    }
}
