//! BG/BB (Fader, Hardie & Shang 2010): the published donations example and `lifetimes`' `BetaGeoBetaBinomFitter`.

use customer_care::lifecycle::{BgBb, LifecycleError, OpportunityHistory};

/// `tests/data/donations.csv`: lifetimes 0.11.3 `load_donations()`, the 1995 cohort of 11,104 first-time donors
/// with 6 repeat opportunities (1996–2001), as (x, t_x, n, donors).
const DONATIONS: &str = include_str!("../data/donations.csv");

fn donations() -> Vec<(OpportunityHistory, f64)> {
    DONATIONS
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<u32> = l.split(',').map(|v| v.trim().parse().unwrap()).collect();
            (OpportunityHistory::new(f[0], f[1], f[2]).unwrap(), f64::from(f[3]))
        })
        .collect()
}

#[test]
fn donations_fit_reproduces_the_paper() {
    let data = donations();
    let donors: f64 = data.iter().map(|(_, w)| w).sum();
    assert_eq!(donors, 11_104.0);
    let (model, report) = BgBb::fit(&data).unwrap();
    // FHS 2010, Table/§4: α = 1.204, β = 0.750, γ = 0.657, δ = 2.783, LL = −33,225.6.
    let published = [1.204, 0.750, 0.657, 2.783];
    let got = [model.alpha(), model.beta(), model.gamma(), model.delta()];
    for (g, p) in got.iter().zip(published) {
        assert!((g - p).abs() <= 0.0005 + 1e-9, "{got:?} vs {published:?}");
    }
    assert!((report.log_likelihood - -33_225.6).abs() <= 0.05, "{}", report.log_likelihood);
    // lifetimes 0.11.3 fit: 1.2035224, 0.7497164, 0.6567182, 2.7834420; LL −33,225.58127 (its likelihood adds
    // 1e-15 inside a logarithm, which moves nothing at this precision).
    let lifetimes = [1.2035223936080381, 0.7497163581757634, 0.6567181695499512, 2.7834419828876076];
    for (g, l) in got.iter().zip(lifetimes) {
        assert!((g - l).abs() / l < 1e-4, "{got:?} vs lifetimes {lifetimes:?}");
    }
    assert!(report.log_likelihood >= -33_225.58127434613 - 1e-6, "{}", report.log_likelihood);
    assert_eq!(report.customers, 11_104.0);
    assert!(report.parameters.iter().all(|e| e.standard_error.is_some_and(|s| s > 0.0 && s < e.value)));
    // The published point's log-likelihood, evaluated: lifetimes gives −33,225.58175.
    let at_published = BgBb::new(1.204, 0.750, 0.657, 2.783).unwrap().log_likelihood(&data).unwrap();
    assert!((at_published - -33_225.58175451771).abs() < 1e-6, "{at_published}");
}

#[test]
fn p_alive_and_expected_transactions_match_lifetimes() {
    // lifetimes 0.11.3 with params_ = the published estimates: conditional_probability_alive(1, x, t_x, 6) and
    // conditional_expected_number_of_purchases_up_to_time(5, x, t_x, 6).
    let model = BgBb::new(1.204, 0.750, 0.657, 2.783).unwrap();
    let cases = [
        (0, 0, 0.10801658416867378, 0.07280287747504345),
        (1, 1, 0.06940809320654888, 0.08563539833787007),
        (1, 6, 0.9304025423727351, 1.1479265406924992),
        (3, 5, 0.7667340499954726, 1.8044259997939913),
        (6, 6, 0.930402542372872, 3.752115607599819),
    ];
    for (x, tx, alive, expected) in cases {
        let h = OpportunityHistory::new(x, tx, 6).unwrap();
        let p = model.p_alive(&h, 1).unwrap();
        let e = model.expected_transactions(&h, 5).unwrap();
        assert!((p - alive).abs() < 1e-10, "({x}, {tx}): P(alive) {p} vs {alive}");
        assert!((e - expected).abs() < 1e-10, "({x}, {tx}): E {e} vs {expected}");
    }
    // P(alive) depends on x and t_x only through the likelihood: the same for (1, 6) and (6, 6).
    let a = model.p_alive(&OpportunityHistory::new(1, 6, 6).unwrap(), 1).unwrap();
    let b = model.p_alive(&OpportunityHistory::new(6, 6, 6).unwrap(), 1).unwrap();
    assert!((a - b).abs() < 1e-12);
}

#[test]
fn expected_transactions_equal_the_closed_form_for_longer_spans() {
    // lifetimes evaluates FHS 2010 eq. (13) in closed form (with δ/(γ − 1)); ours sums P(alive at n + i)·E[p].
    // lifetimes 0.11.3, params_ = (1.204, 0.750, 1.657, 2.783):
    // conditional_expected_number_of_purchases_up_to_time(n*, 3, 5, 6) for n* = 1, 5, 40.
    let model = BgBb::new(1.204, 0.750, 1.657, 2.783).unwrap();
    let h = OpportunityHistory::new(3, 5, 6).unwrap();
    for (next, want) in [(1, 0.2890412893776996), (5, 1.1045892640094546), (40, 3.0303356860294746)] {
        let got = model.expected_transactions(&h, next).unwrap();
        // 1e-10: lifetimes adds 1e-15 to the likelihood and subtracts two Gamma ratios (4e-12 apart at n* = 1).
        assert!((got - want).abs() / want < 1e-10, "{next}: {got} vs {want}");
    }
}

#[test]
fn histories_and_weights_are_checked() {
    assert!(matches!(OpportunityHistory::new(2, 7, 6), Err(LifecycleError::InvalidValue { .. })));
    assert!(matches!(OpportunityHistory::new(0, 3, 6), Err(LifecycleError::InvalidValue { .. })));
    assert!(matches!(OpportunityHistory::new(3, 0, 6), Err(LifecycleError::InvalidValue { .. })));
    assert!(matches!(OpportunityHistory::new(4, 3, 6), Err(LifecycleError::InvalidValue { .. })));
    let h = OpportunityHistory::new(1, 1, 6).unwrap();
    assert!(BgBb::fit(&[(h, -1.0)]).is_err());
    assert!(BgBb::fit(&[(h, 0.0)]).is_err());
    assert!(BgBb::new(0.0, 1.0, 1.0, 1.0).is_err());
}
