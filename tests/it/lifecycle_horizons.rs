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
