//! Survey metrics: known answers from the reference README and property tests of tallies and intervals.
//!
//! Known answers are from `reference/README.md` ("NPS, CSAT, CES"), asserted to 1e-6 unless the source rounds:
//! - R package `NPS`, tests/testthat/test_01_basics.R: (D, A, P) → NPS, variance, SE (SE published to 3 places);
//! - the forum example of 1,162 responses (395, 476, 291): NPS −9, Wald margin 4.4 points at 95 %;
//! - Wilson (1927) 95 % intervals: 45/50, 0/10, 90/100;
//! - CSAT 1–5 counts (3, 2, 5, 20, 70): top-2-box 0.90, mean 4.52, sample sd 0.915412;
//! - CES 2.0 1–7 counts (2, 3, 5, 10, 20, 35, 25): mean 5.48, share agreeing (5–7) 0.80;
//! - Help Scout happiness: great 41, okay 34, not good 35 → 5.4545.

use chrono::{TimeZone, Utc};
use customer_care::metrics::{
    Breakdown, CesScale, CesScore, CesTally, CsatScale, CsatScore, CsatTally, MetricsError, NpsScale, NpsScore,
    NpsTally, Period, Response, Scale, TimeBucket, Weight,
};
use customer_care::stats::{ConfidenceLevel, Estimate, NetMethod, ProportionMethod};
use proptest::prelude::*;

const TOL: f64 = 1e-6;

fn level() -> ConfidenceLevel {
    ConfidenceLevel::default()
}

/// A tally from counts per answer, lowest answer first.
fn nps_from_counts(counts: &[u64; 11]) -> NpsTally {
    let mut t = NpsTally::default();
    for (value, &c) in counts.iter().enumerate() {
        t.add_values(&vec![value as u8; c as usize]).unwrap();
    }
    t
}

/// An NPS tally with `d` detractors (answer 0), `a` passives (7) and `p` promoters (10).
fn nps_dap(d: u64, a: u64, p: u64) -> NpsTally {
    let mut counts = [0; 11];
    counts[0] = d;
    counts[7] = a;
    counts[10] = p;
    nps_from_counts(&counts)
}

fn csat_from_counts(scale: CsatScale, counts: &[u64]) -> CsatTally {
    let mut t = CsatTally::new(scale);
    for (i, &c) in counts.iter().enumerate() {
        for _ in 0..c {
            t.add(CsatScore::new(scale, i as u8 + 1).unwrap()).unwrap();
        }
    }
    t
}

#[test]
fn r_nps_package_basics() {
    for ((d, a, p), nps, variance, se) in [
        ((1, 2, 3), 1.0 / 3.0, 5.0 / 9.0, 0.304),
        ((1, 0, 1), 0.0, 1.0, 0.707),
        ((0, 1, 1), 0.5, 0.25, 0.354),
        ((1, 1, 1), 0.0, 2.0 / 3.0, 0.471),
    ] {
        let t = nps_dap(d, a, p);
        let sample = t.net_sample().unwrap();
        assert!((sample.net() - nps).abs() < TOL);
        assert!((sample.variance() - variance).abs() < TOL);
        let e = t.nps(level(), NetMethod::Wald).unwrap();
        assert!((e.value() - 100.0 * nps).abs() < 100.0 * TOL);
        // The package prints the SE to three places.
        assert!((e.standard_error() / 100.0 - se).abs() < 5e-4, "{}", e.standard_error());
        assert!((e.standard_error() / 100.0 - (variance / (d + a + p) as f64).sqrt()).abs() < TOL);
    }
}

#[test]
fn forum_example_wald_margin() {
    let t = nps_dap(395, 476, 291);
    let e = t.nps(level(), NetMethod::Wald).unwrap();
    assert_eq!(e.n(), 1162);
    assert!((e.value() - 100.0 * (291.0 - 395.0) / 1162.0).abs() < TOL);
    assert_eq!(e.value().round(), -9.0);
    assert_eq!((e.margin() * 10.0).round() / 10.0, 4.4);
    // The margin itself, exactly: z·√((p + d − (p − d)²)/n).
    let (p, d) = (291.0 / 1162.0, 395.0 / 1162.0);
    let margin = 100.0 * level().z() * ((p + d - (p - d) * (p - d)) / 1162.0_f64).sqrt();
    assert!((e.margin() - margin).abs() < TOL);
    assert!(e.warnings().is_empty());
}

#[test]
fn wilson_intervals() {
    for (x, n, lo, hi) in [(45, 50, 0.786398, 0.956524), (0, 10, 0.0, 0.277533), (90, 100, 0.825634, 0.944771)] {
        let mut t = CsatTally::new(CsatScale::BINARY);
        for i in 0..n {
            t.add(if i < x { CsatScore::good() } else { CsatScore::bad() }).unwrap();
        }
        let e = t.top_box(level(), ProportionMethod::Wilson).unwrap();
        assert!((e.interval().lower() - lo).abs() < TOL, "{x}/{n}: {}", e.interval());
        assert!((e.interval().upper() - hi).abs() < TOL, "{x}/{n}: {}", e.interval());
    }
}

#[test]
fn csat_summary() {
    let t = csat_from_counts(CsatScale::FIVE_POINT, &[3, 2, 5, 20, 70]);
    assert!((t.top_box(level(), ProportionMethod::Wilson).unwrap().value() - 0.90).abs() < TOL);
    let mean = t.mean(level()).unwrap();
    assert!((mean.value() - 4.52).abs() < TOL);
    assert!((t.mean_sample().unwrap().standard_deviation() - 0.915412).abs() < TOL);
    assert!((mean.standard_error() - 0.0915412).abs() < TOL);
    assert!(mean.interval().upper() <= 5.0);
}

#[test]
fn ces_summary() {
    let mut t = CesTally::new(CesScale::Ces2);
    for (i, &c) in [2u8, 3, 5, 10, 20, 35, 25].iter().enumerate() {
        t.add_values(&vec![i as u8 + 1; usize::from(c)]).unwrap();
    }
    assert!((t.mean(level()).unwrap().value() - 5.48).abs() < TOL);
    assert!((t.top_box(level(), ProportionMethod::Wilson).unwrap().value() - 0.80).abs() < TOL);
    assert_eq!(t.scale(), Scale::Ces(CesScale::Ces2));
}

#[test]
fn help_scout_happiness() {
    // 1 = not good, 2 = okay, 3 = great.
    let t = csat_from_counts(CsatScale::THREE_POINT, &[35, 34, 41]);
    let e = t.net_top_box(level(), NetMethod::Wald).unwrap();
    assert!((e.value() - 5.4545).abs() < 1e-4);
    assert!((e.value() - 600.0 / 110.0).abs() < TOL);
}

#[test]
fn weights_shift_the_estimate_and_shrink_effective_n() {
    let mut t = NpsTally::default();
    t.add_weighted(NpsScore::new(10).unwrap(), Weight::new(3.0).unwrap()).unwrap();
    t.add_weighted(NpsScore::new(0).unwrap(), Weight::new(1.0).unwrap()).unwrap();
    assert!(t.is_weighted());
    assert_eq!(t.n(), 2);
    assert!((t.effective_n() - 1.6).abs() < TOL); // (3 + 1)² / (9 + 1)
    let e = t.nps(level(), NetMethod::Wald).unwrap();
    assert!((e.value() - 50.0).abs() < TOL);
    assert!((e.effective_n() - 1.6).abs() < TOL);
}

#[test]
fn bad_input_is_a_typed_error() {
    assert_eq!(NpsScore::new(11).unwrap_err().to_string(), "score 11 is outside nps 0-10");
    assert_eq!(
        Weight::new(-0.5).unwrap_err().to_string(),
        "invalid weight -0.5: expected a finite number from 0 to 1000000"
    );
    assert!(Weight::new(f64::INFINITY).is_err());
    assert!(ConfidenceLevel::new(0.0).is_err());
    let five = CsatTally::new(CsatScale::FIVE_POINT);
    let seven = CsatTally::new(CsatScale::new(7, 6, 2).unwrap());
    let err = five.compare_mean(&seven, level()).unwrap_err();
    assert_eq!(err.to_string(), "scale mismatch: csat 1-5 and csat 1-7");
    let err: customer_care::Error = err.into();
    let json = serde_json::to_string(&err).unwrap();
    assert_eq!(serde_json::from_str::<customer_care::Error>(&json).unwrap(), err);
    assert!(matches!(
        CesTally::new(CesScale::Legacy).add(CesScore::new(CesScale::Ces2, 6).unwrap()),
        Err(MetricsError::ScaleMismatch { .. })
    ));
    // Errors from the statistics underneath keep their own tag inside the metrics error.
    let empty = NpsTally::default().nps(level(), NetMethod::Wald).unwrap_err();
    assert_eq!(empty.to_string(), "cannot estimate from an empty sample");
    let json = serde_json::to_string(&empty).unwrap();
    assert_eq!(json, r#"{"type":"stats","error":{"type":"empty_sample"}}"#);
    assert_eq!(serde_json::from_str::<MetricsError>(&json).unwrap(), empty);
}

#[test]
fn comparisons_between_periods() {
    let june = nps_dap(100, 100, 300);
    let may = nps_dap(150, 100, 250);
    let c = june.compare_nps(&may, level()).unwrap();
    assert!((c.difference().value() - 20.0).abs() < TOL);
    assert!(c.is_significant(level()));
    let same = june.compare_nps(&june, level()).unwrap();
    assert!((same.p_value() - 1.0).abs() < TOL);
}

#[test]
fn breakdowns_by_store_and_week() {
    let zone = chrono_tz::Asia::Ho_Chi_Minh;
    let mut responses = Vec::new();
    for day in 1..=28u32 {
        for (k, store) in ["HCM-Q1", "HN-HK"].iter().enumerate() {
            let at = Utc.with_ymd_and_hms(2026, 6, day, 16 + k as u32 * 2, 30, 0).unwrap();
            let score = NpsScore::new(((day + k as u32 * 3) % 11) as u8).unwrap();
            responses.push(Response::new(score).with_segment(store.parse().unwrap()).with_responded_at(at));
        }
    }
    let by_store = Breakdown::by_segment(NpsScale, &responses).unwrap();
    assert_eq!(by_store.groups().len(), 2);
    let by_week = Breakdown::by_period(NpsScale, &responses, TimeBucket::IsoWeek, zone).unwrap();
    // 18:30 UTC is 01:30 the next day in Ho Chi Minh City, so the last response falls on Monday 29 June.
    let keys: Vec<String> = by_week.groups().keys().map(Period::to_string).collect();
    assert_eq!(keys, ["2026-W23", "2026-W24", "2026-W25", "2026-W26", "2026-W27"]);
    assert_eq!(by_week.total().unwrap(), by_store.total().unwrap());
    let json = serde_json::to_string(&by_week).unwrap();
    assert_eq!(serde_json::from_str::<Breakdown<Period, NpsScore>>(&json).unwrap(), by_week);
}

// ---- properties ----

fn nps_responses() -> impl Strategy<Value = Vec<(u8, u32)>> {
    // (answer, weight in thousandths; 1000 = 1)
    prop::collection::vec((0u8..=10, prop_oneof![Just(1000u32), 0u32..5000]), 0..60)
}

fn tally_of(items: &[(u8, u32)]) -> NpsTally {
    let mut t = NpsTally::default();
    for &(v, w) in items {
        t.add_weighted(NpsScore::new(v).unwrap(), Weight::new(f64::from(w) / 1000.0).unwrap()).unwrap();
    }
    t
}

fn assert_sane(e: &Estimate, lo: f64, hi: f64) -> Result<(), TestCaseError> {
    let i = e.interval();
    prop_assert!(lo <= i.lower() && i.upper() <= hi, "{} outside [{lo}, {hi}]", i);
    prop_assert!(i.contains(e.value()), "{} does not contain {}", i, e.value());
    prop_assert!(e.value().is_finite() && e.standard_error().is_finite() && e.standard_error() >= 0.0);
    Ok(())
}

proptest! {
    #[test]
    fn merge_equals_all_at_once_in_any_order(items in nps_responses(), cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6), order in any::<u64>()) {
        let all = tally_of(&items);
        // Split into shards at the cut points.
        let mut points: Vec<usize> = cuts.iter().map(|c| c.index(items.len() + 1)).collect();
        points.sort_unstable();
        let mut shards = Vec::new();
        let mut start = 0;
        for &p in points.iter().chain(std::iter::once(&items.len())) {
            shards.push(tally_of(&items[start..p]));
            start = p;
        }
        // Left fold in a shuffled order.
        let mut shuffled = shards.clone();
        let mut state = order | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let mut left = NpsTally::default();
        for s in &shuffled { left.merge(s).unwrap(); }
        prop_assert_eq!(left, all);
        // Right fold (associativity the other way round).
        let mut right = NpsTally::default();
        for s in shards.iter().rev() {
            let mut acc = *s;
            acc.merge(&right).unwrap();
            right = acc;
        }
        prop_assert_eq!(right, all);
        // Serde round trip keeps it exactly.
        let json = serde_json::to_string(&all).unwrap();
        prop_assert_eq!(serde_json::from_str::<NpsTally>(&json).unwrap(), all);
    }

    #[test]
    fn merge_is_commutative_and_associative(a in nps_responses(), b in nps_responses(), c in nps_responses()) {
        let (ta, tb, tc) = (tally_of(&a), tally_of(&b), tally_of(&c));
        let mut ab = ta; ab.merge(&tb).unwrap();
        let mut ba = tb; ba.merge(&ta).unwrap();
        prop_assert_eq!(ab, ba);
        let mut ab_c = ab; ab_c.merge(&tc).unwrap();
        let mut bc = tb; bc.merge(&tc).unwrap();
        let mut a_bc = ta; a_bc.merge(&bc).unwrap();
        prop_assert_eq!(ab_c, a_bc);
    }

    #[test]
    fn bulk_values_equal_single_adds(values in prop::collection::vec(0u8..=10, 0..5000)) {
        let mut bulk = NpsTally::default();
        bulk.add_values(&values).unwrap();
        let mut single = NpsTally::default();
        for &v in &values { single.add(NpsScore::new(v).unwrap()).unwrap(); }
        prop_assert_eq!(bulk, single);
    }

    #[test]
    fn nps_and_intervals_stay_on_the_scale(items in nps_responses(), lvl in 0.01f64..0.999, wald in any::<bool>()) {
        let t = tally_of(&items);
        let method = if wald { NetMethod::Wald } else { NetMethod::AdjustedWald };
        let level = ConfidenceLevel::new(lvl).unwrap();
        match t.nps(level, method) {
            Ok(e) => {
                prop_assert!((-100.0..=100.0).contains(&e.value()));
                assert_sane(&e, -100.0, 100.0)?;
            }
            Err(_) => prop_assert!(t.is_empty() || t.total_weight() == 0.0),
        }
        for m in [ProportionMethod::Wilson, ProportionMethod::ClopperPearson, ProportionMethod::Wald] {
            if let Ok(e) = t.top_box(level, m) { assert_sane(&e, 0.0, 1.0)?; }
        }
        if let Ok(e) = t.mean(level) { assert_sane(&e, 0.0, 10.0)?; }
    }

    #[test]
    fn comparisons_are_finite(a in nps_responses(), b in nps_responses()) {
        let (ta, tb) = (tally_of(&a), tally_of(&b));
        for c in [ta.compare_nps(&tb, level()), ta.compare_top_box(&tb, level()), ta.compare_mean(&tb, level())]
            .into_iter().flatten()
        {
            prop_assert!((0.0..=1.0).contains(&c.p_value()));
            prop_assert!(c.statistic().is_finite());
            prop_assert!(c.difference().interval().contains(c.difference().value()));
        }
    }

    #[test]
    fn any_bytes_never_panic(values in prop::collection::vec(any::<u8>(), 0..300)) {
        let mut t = CsatTally::new(CsatScale::FIVE_POINT);
        let before = t;
        match t.add_values(&values) {
            Ok(()) => prop_assert!(values.iter().all(|&v| (1..=5).contains(&v))),
            Err(MetricsError::ScoreOutOfScale { value, .. }) => {
                prop_assert!(!(1..=5).contains(&value));
                prop_assert_eq!(t, before);
            }
            Err(e) => prop_assert!(false, "unexpected {e}"),
        }
    }
}

// ---- properties of the statistics underneath, on arbitrary valid sufficient statistics ----

fn sizes() -> impl Strategy<Value = (u64, f64)> {
    (1u64..2_000_000_000, 0.0f64..=1.0).prop_map(|(n, f)| (n, 1.0 + f * (n as f64 - 1.0)))
}

proptest! {
    #[test]
    fn proportion_intervals_are_sane(share in 0.0f64..=1.0, (n, n_eff) in sizes(), lvl in 0.001f64..0.999) {
        use customer_care::stats::{proportion, ProportionSample};
        let sample = ProportionSample::weighted(share, n, n_eff).unwrap();
        let level = ConfidenceLevel::new(lvl).unwrap();
        for m in [ProportionMethod::Wilson, ProportionMethod::ClopperPearson, ProportionMethod::Wald] {
            let e = proportion(&sample, level, m).unwrap();
            assert_sane(&e, 0.0, 1.0)?;
        }
    }

    #[test]
    fn net_intervals_are_sane(top in 0.0f64..=1.0, bottom_frac in 0.0f64..=1.0, (n, n_eff) in sizes(), lvl in 0.001f64..0.999) {
        use customer_care::stats::{net_share, NetSample};
        let sample = NetSample::weighted(top, (1.0 - top) * bottom_frac, n, n_eff).unwrap();
        let level = ConfidenceLevel::new(lvl).unwrap();
        for m in [NetMethod::Wald, NetMethod::AdjustedWald] {
            assert_sane(&net_share(&sample, level, m).unwrap(), -1.0, 1.0)?;
        }
    }

    #[test]
    fn t_intervals_and_welch_are_finite(
        mean_a in 1.0f64..=7.0, mean_b in 1.0f64..=7.0, var_a in 0.0f64..10.0, var_b in 0.0f64..10.0,
        (n, n_eff) in sizes(), lvl in 0.001f64..0.999,
    ) {
        use customer_care::stats::{mean, mean_difference, MeanSample};
        let level = ConfidenceLevel::new(lvl).unwrap();
        let a = MeanSample::new(n, n_eff, mean_a, var_a).unwrap().within(1.0, 7.0).unwrap();
        let b = MeanSample::new(n.max(3), 2.5, mean_b, var_b).unwrap().within(1.0, 7.0).unwrap();
        match mean(&a, level) {
            Ok(e) => assert_sane(&e, 1.0, 7.0)?,
            Err(_) => prop_assert!(n_eff <= 1.0),
        }
        if let Ok(c) = mean_difference(&a, &b, level) {
            prop_assert!((0.0..=1.0).contains(&c.p_value()) && c.statistic().is_finite());
            assert_sane(c.difference(), -6.0, 6.0)?;
        }
    }

    #[test]
    fn t_quantile_inverts_the_cdf(p in 0.0005f64..0.9995, df in 0.5f64..1e7) {
        use customer_care::stats::{student_t_cdf, student_t_quantile};
        let t = student_t_quantile(p, df).unwrap();
        prop_assert!(t.is_finite());
        prop_assert!((student_t_cdf(t, df).unwrap() - p).abs() < 1e-9, "df {df}: cdf(q({p})) = {}", student_t_cdf(t, df).unwrap());
    }
}

// --- issue 20: linearized variance, NPS tests -------------------------------------------------------------------

/// Ten weighted NPS answers (tests/data/surveys_reference.py).
fn weighted_nps() -> NpsTally {
    let mut t = NpsTally::default();
    for (score, w) in
        [(10, 1.0), (9, 2.0), (9, 0.5), (8, 1.0), (7, 3.0), (3, 2.0), (10, 1.0), (7, 1.5), (0, 0.5), (9, 2.0)]
    {
        t.add_weighted(NpsScore::new(score).unwrap(), Weight::new(w).unwrap()).unwrap();
    }
    t
}

#[test]
fn linearized_variance_matches_samplics() {
    use customer_care::stats::{VarianceMethod, mean, net_share, proportion};
    // samplics 0.6 TaylorEstimator(PopParam.mean) on the same weighted answers: net score +1/0/−1 SE
    // 0.26437108435437645, promoter share 0.18442156360098044, mean answer 0.8200726346255166.
    let t = weighted_nps();
    let net = t.net_sample_with(VarianceMethod::Linearized).unwrap();
    let e = net_share(&net, level(), NetMethod::Wald).unwrap();
    assert!((e.value() - 0.275_862_068_965_517_24).abs() < 1e-12);
    assert!((e.standard_error() - 0.264_371_084_354_376_45).abs() < 1e-12, "{}", e.standard_error());
    assert_eq!(e.variance_method(), VarianceMethod::Linearized);
    let share = t.top_box_sample_with(VarianceMethod::Linearized).unwrap();
    let e = proportion(&share, level(), ProportionMethod::Wald).unwrap();
    assert!((e.standard_error() - 0.184_421_563_600_980_44).abs() < 1e-12, "{}", e.standard_error());
    assert_eq!(e.variance_method(), VarianceMethod::Linearized);
    // The mean's linearized variance (SE 0.8200726) is below the simple-random-sample one s²/n: the effective
    // size is capped at n = 10 and the SE floored at √(σ²_w/(n − 1)) = 0.8401032972239818.
    let m = t.mean_sample_with(VarianceMethod::Linearized).unwrap();
    let e = mean(&m, level()).unwrap();
    assert!((e.value() - 7.310_344_827_586_207).abs() < 1e-12);
    assert_eq!(m.effective_n(), 10.0);
    assert!((e.standard_error() - 0.840_103_297_223_981_8).abs() < 1e-12, "{}", e.standard_error());
    // Weights 4 on the answers 3 and 0: samplics SE 1.5996028831183557, not capped.
    let mut heavy = NpsTally::default();
    for (score, w) in
        [(10, 1.0), (9, 1.0), (9, 1.0), (8, 1.0), (7, 1.0), (3, 4.0), (10, 1.0), (7, 1.0), (0, 4.0), (9, 1.0)]
    {
        heavy.add_weighted(NpsScore::new(score).unwrap(), Weight::new(w).unwrap()).unwrap();
    }
    let e = mean(&heavy.mean_sample_with(VarianceMethod::Linearized).unwrap(), level()).unwrap();
    assert!((e.value() - 5.0625).abs() < 1e-12);
    assert!((e.standard_error() - 1.599_602_883_118_355_7).abs() < 1e-12, "{}", e.standard_error());
    // Kish is the default and names itself; it differs here (one design effect for every statistic).
    let kish = net_share(&t.net_sample().unwrap(), level(), NetMethod::Wald).unwrap();
    assert_eq!(kish.variance_method(), VarianceMethod::Kish);
    assert!((kish.standard_error() - 0.264_371_084_354_376_45).abs() > 1e-3);
    // The method travels through serialization, and Kish leaves the old shape alone.
    let json = serde_json::to_string(&e).unwrap();
    assert!(json.contains(r#""variance":"linearized""#), "{json}");
    // (serde_json's default float parser may be an ulp off.)
    let back = serde_json::from_str::<Estimate>(&json).unwrap();
    assert_eq!((back.variance_method(), back.method(), back.n()), (VarianceMethod::Linearized, e.method(), e.n()));
    assert!((back.standard_error() - e.standard_error()).abs() < 1e-15);
    assert!(!serde_json::to_string(&kish).unwrap().contains("variance"));
    let sample_json = serde_json::to_string(&net).unwrap();
    assert_eq!(serde_json::from_str::<customer_care::stats::NetSample>(&sample_json).unwrap(), net);
    // Unweighted: a share's linearized variance is p(1 − p)/(n − 1) (3/10: SE 0.15275252316519466), a mean's is
    // the usual s²/n.
    let plain = nps_dap(3, 4, 3);
    let e =
        proportion(&plain.top_box_sample_with(VarianceMethod::Linearized).unwrap(), level(), ProportionMethod::Wald)
            .unwrap();
    assert!((e.standard_error() - 0.152_752_523_165_194_66).abs() < 1e-12);
    let lin = mean(&plain.mean_sample_with(VarianceMethod::Linearized).unwrap(), level()).unwrap();
    let usual = mean(&plain.mean_sample().unwrap(), level()).unwrap();
    assert!((lin.standard_error() - usual.standard_error()).abs() < 1e-12);
    assert!((lin.interval().lower() - usual.interval().lower()).abs() < 1e-12);
    // No spread (every answer a promoter): Kish's effective size is kept.
    let all = nps_dap(0, 0, 5);
    assert_eq!(all.net_sample_with(VarianceMethod::Linearized).unwrap().effective_n(), 5.0);
}

#[test]
fn nps_tests_in_points() {
    // 30 promoters, 50 passives, 20 detractors: NPS 10, Wald z = 1.4285714 against 0 (p 0.1531275), R NPS.
    let t = nps_dap(20, 50, 30);
    let test = t.nps_test(0.0, level(), NetMethod::Wald).unwrap();
    assert!((test.difference().value() - 10.0).abs() < 1e-9);
    assert!((test.statistic() - 1.428_571_428_571_428_8).abs() < 1e-12);
    assert!((test.p_value() - 0.153_127_451_019_669_4).abs() < 1e-12);
    let e = t.nps_test(101.0, level(), NetMethod::Wald).unwrap_err();
    assert_eq!(e.to_string(), "invalid target NPS: 101 (within [-100, 100] points)");
    // Adjusted two-sample test: 30/5/5 against 20/10/10, p 0.03594468097655046 (R NPS formulas).
    let a = nps_dap(5, 5, 30);
    let b = nps_dap(10, 10, 20);
    let c = a.compare_nps_by(&b, level(), NetMethod::AdjustedWald).unwrap();
    assert!((c.difference().value() - 37.5).abs() < 1e-9);
    assert!((c.p_value() - 0.035_944_680_976_550_46).abs() < 1e-12);
    assert!(a.compare_nps_by(&b, level(), NetMethod::IterativeScore).is_err());
    // The score interval in points.
    let e = t.nps(level(), NetMethod::IterativeScore).unwrap();
    assert!((e.interval().lower() + 3.911_780_757_292_490_6).abs() < 1e-8);
    assert!((e.interval().upper() - 23.522_181_443_369_466).abs() < 1e-8);
}

proptest! {
    /// The linearized effective size stays within [1, n]; unweighted, a share's is n − 1 (when the share is
    /// neither 0 nor 1) and a mean's is n.
    #[test]
    fn linearized_effective_sizes_are_bounded(
        answers in proptest::collection::vec((0_u8..=10, 1_u32..40), 2..60),
    ) {
        use customer_care::stats::VarianceMethod;
        let mut weighted = NpsTally::default();
        let mut plain = NpsTally::default();
        for &(a, w) in &answers {
            weighted.add_weighted(NpsScore::new(a).unwrap(), Weight::new(f64::from(w) / 4.0).unwrap()).unwrap();
            plain.add(NpsScore::new(a).unwrap()).unwrap();
        }
        let n = answers.len() as f64;
        for t in [&weighted, &plain] {
            for n_eff in [
                t.top_box_sample_with(VarianceMethod::Linearized).unwrap().effective_n(),
                t.net_sample_with(VarianceMethod::Linearized).unwrap().effective_n(),
                t.mean_sample_with(VarianceMethod::Linearized).unwrap().effective_n(),
            ] {
                prop_assert!((1.0..=n).contains(&n_eff), "{n_eff} of {n}");
            }
        }
        let share = plain.top_box_sample().unwrap().share();
        if share > 0.0 && share < 1.0 {
            let n_eff = plain.top_box_sample_with(VarianceMethod::Linearized).unwrap().effective_n();
            prop_assert!((n_eff - (n - 1.0)).abs() < 1e-9 * n, "{n_eff}");
        }
        let spread = plain.mean_sample().unwrap().variance();
        if spread > 0.0 {
            let n_eff = plain.mean_sample_with(VarianceMethod::Linearized).unwrap().effective_n();
            prop_assert!((n_eff - n).abs() < 1e-9 * n, "{n_eff}");
        }
    }
}
