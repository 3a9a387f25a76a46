//! Tests for net shares (NPS): one sample against a target, and two samples with the adjusted-Wald
//! pseudo-responses (Rocks 2016; the R `NPS` package's `nps_test`).

use super::compare::{Comparison, TestMethod, net_difference, wald_comparison, z_test};
use super::error::{StatsError, show};
use super::level::ConfidenceLevel;
use super::method::Method;
use super::net::{NetMethod, NetSample, WaldParts, net_share, wald_parts};

/// Tests a net share against a target `target` in [−1, 1] (an NPS goal as a fraction): the difference
/// `net − target` with the interval of `method` moved by `−target`, and a two-sided test of `net = target`.
///
/// - Wald-type methods ([`NetMethod::Wald`], [`NetMethod::WaldNMinusOne`], [`NetMethod::AdjustedWald`]): the z
///   test `(centre − target)/SE` with that method's centre and standard error (for adjusted Wald, those of the
///   adjusted shares, as the R `NPS` package's `nps_test`); [`TestMethod::Z`].
/// - [`NetMethod::IterativeScore`]: the score statistic at `Δ = target` (the test the score interval inverts,
///   so the interval excludes the target exactly when `p < α`); [`TestMethod::Score`].
///
/// # Errors
///
/// [`StatsError::InvalidArgument`] for a target outside [−1, 1]; as [`net_share`] otherwise.
///
/// ```
/// use customer_care::stats::{net_share_test, ConfidenceLevel, NetMethod, NetSample};
///
/// // NPS 10 from 30 promoters, 50 passives and 20 detractors: not significantly above a goal of 0 (p = 0.153).
/// let s = NetSample::from_counts(30, 50, 20)?;
/// let t = net_share_test(&s, 0.0, ConfidenceLevel::default(), NetMethod::Wald)?;
/// assert!((t.statistic() - 0.1 / 0.07).abs() < 1e-12);
/// assert!((t.p_value() - 0.153_127).abs() < 1e-6);
/// assert!(!t.is_significant(ConfidenceLevel::default()));
/// # Ok::<(), customer_care::stats::StatsError>(())
/// ```
pub fn net_share_test(
    sample: &NetSample,
    target: f64,
    level: ConfidenceLevel,
    method: NetMethod,
) -> Result<Comparison, StatsError> {
    if !(-1.0..=1.0).contains(&target) {
        return Err(StatsError::InvalidArgument {
            name: "target net share".into(),
            value: show(target),
            expected: "within [-1, 1]".into(),
        });
    }
    let estimate = net_share(sample, level, method)?;
    // The estimate already names a zero variance; the test only needs the statistic and p-value.
    let mut noted = Vec::new();
    let (statistic, p_value, test) = match wald_parts(sample, method)? {
        Some(WaldParts { centre, standard_error, .. }) => {
            let (s, p) = z_test(centre - target, standard_error, &mut noted);
            (s, p, TestMethod::Z)
        }
        None => {
            // ±∞ when the target is an end of the scale the sample is not at: certainly different.
            let (s, p) = z_test(sample.score(target), 1.0, &mut noted);
            (s.clamp(f64::MIN, f64::MAX), p, TestMethod::Score)
        }
    };
    let difference = estimate.shifted(-target)?;
    Ok(Comparison::from_parts(difference, statistic, p_value, test, None))
}

/// Compares two net shares (NPS as fractions), `d = net_a − net_b`, with the interval and test of `method`:
///
/// - [`NetMethod::Wald`]: as [`net_difference`].
/// - [`NetMethod::AdjustedWald`]: each sample gets the pseudo-responses (¾ top, 1½ middle, ¾ bottom), then
///   `d' ± z·√(var'_a/n'_a + var'_b/n'_b)` around the adjusted difference `d'` and the z test `d'/SE` (the R
///   `NPS` package's two-sample `adjusted.wald`); the point estimate stays the raw `d`, and the interval is
///   extended to it if needed. Within [−2, 2]. [`Method::AdjustedWaldDifference`].
///
/// # Errors
///
/// [`StatsError::UnsupportedMethod`] for [`NetMethod::WaldNMinusOne`] and [`NetMethod::IterativeScore`], which
/// are one-sample intervals.
///
/// ```
/// use customer_care::stats::{net_difference_by, ConfidenceLevel, NetMethod, NetSample};
///
/// let june = NetSample::from_counts(30, 5, 5)?; // NPS 62.5
/// let may = NetSample::from_counts(20, 10, 10)?; // NPS 25
/// let c = net_difference_by(&june, &may, ConfidenceLevel::default(), NetMethod::AdjustedWald)?;
/// assert!((c.difference().value() - 0.375).abs() < 1e-12);
/// assert!(c.p_value() < 0.05);
/// # Ok::<(), customer_care::stats::StatsError>(())
/// ```
pub fn net_difference_by(
    a: &NetSample,
    b: &NetSample,
    level: ConfidenceLevel,
    method: NetMethod,
) -> Result<Comparison, StatsError> {
    match method {
        NetMethod::Wald => net_difference(a, b, level),
        NetMethod::AdjustedWald => {
            let (a2, b2) = (a.adjusted(), b.adjusted());
            let se = (a2.variance() / a2.effective_n() + b2.variance() / b2.effective_n()).sqrt();
            let (raw, centre) = (a.net() - b.net(), a2.net() - b2.net());
            wald_comparison(raw, centre, se, (a.side(), b.side()), (-2.0, 2.0), level, Method::AdjustedWaldDifference)
        }
        NetMethod::WaldNMinusOne | NetMethod::IterativeScore => Err(StatsError::UnsupportedMethod {
            method: if method == NetMethod::WaldNMinusOne { Method::WaldNMinusOne } else { Method::IterativeScore },
            what: "a difference of two net shares".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{close, level};
    use super::*;

    #[test]
    fn one_sample_tests_against_a_target() {
        // 30 promoters, 50 passives, 20 detractors (NPS 0.1). R NPS nps_test_ formulas, p = 1 − (2Φ(|z|) − 1),
        // and the score statistic at the target (tests/data/surveys_reference.py).
        let s = NetSample::from_counts(30, 50, 20).unwrap();
        for (method, target, z, p, test) in [
            (NetMethod::Wald, 0.0, 1.428_571_428_571_428_8, 0.153_127_451_019_669_4, TestMethod::Z),
            (NetMethod::Wald, 0.3, -2.857_142_857_142_857, 0.004_274_733_960_172_528, TestMethod::Z),
            (NetMethod::AdjustedWald, 0.0, 1.406_789_460_312_749_3, 0.159_489_828_796_265_17, TestMethod::Z),
            // At Δ = 0 the restricted bottom share is ¼ (T + B)/n = 0.25: 10/√(100 · 0.5) = √2.
            (NetMethod::IterativeScore, 0.0, std::f64::consts::SQRT_2, 0.157_299_207_050_285_16, TestMethod::Score),
            (NetMethod::IterativeScore, 0.3, -2.926_864_473_109_187, 0.003_423_980_501_653_106_7, TestMethod::Score),
        ] {
            let t = net_share_test(&s, target, level(), method).unwrap();
            close(t.statistic(), z, 1e-12);
            close(t.p_value(), p, 1e-12);
            assert_eq!(t.test(), test);
            // The difference is the one-sample estimate moved by the target.
            let e = net_share(&s, level(), method).unwrap();
            close(t.difference().value(), 0.1 - target, 1e-15);
            close(t.difference().interval().lower(), e.interval().lower() - target, 1e-15);
            close(t.difference().interval().upper(), e.interval().upper() - target, 1e-15);
            // The test and the interval agree: the target is outside exactly when significant.
            let outside = !e.interval().contains(target);
            assert_eq!(outside, t.is_significant(level()), "{method:?} {target}");
        }
        // Wald with n − 1 against 0: z = 0.1/0.0703526.
        let t = net_share_test(&s, 0.0, level(), NetMethod::WaldNMinusOne).unwrap();
        close(t.statistic(), 0.1 / 0.070_352_647_068_144_86, 1e-12);
        // A target at an end of the scale the sample is not at is certainly different.
        let t = net_share_test(&s, 1.0, level(), NetMethod::IterativeScore).unwrap();
        assert_eq!((t.p_value(), t.statistic()), (0.0, f64::MIN));
        let bad = net_share_test(&s, 1.5, level(), NetMethod::Wald).unwrap_err();
        assert_eq!(bad.to_string(), "invalid target net share: 1.5 (within [-1, 1])");
    }

    #[test]
    fn adjusted_two_sample_known_answers() {
        // R NPS nps_test_(x, y, test = "adjusted.wald") formulas: pseudo-responses (¾, 1½, ¾) added to each
        // sample, δ' = v'_x − v'_y, SE = √(var'_x/n'_x + var'_y/n'_y), p = 1 − (2Φ(|δ'|/SE) − 1)
        // (tests/data/surveys_reference.py).
        for ((x, y), raw, se, (lo, hi), z, p) in [
            (
                ((30, 5, 5), (20, 10, 10)),
                0.375,
                0.166_306_770_962_561_88,
                (0.022_881_927_830_552_706, 0.674_792_490_774_098_5),
                2.097_552_656_956_186_6,
                0.035_944_680_976_550_46,
            ),
            (
                ((300, 100, 100), (250, 100, 150)),
                0.2,
                0.052_734_377_760_486_97,
                (0.095_449_675_899_969_64, 0.302_164_638_215_338_57),
                3.769_972_558_709_455_7,
                0.000_163_265_497_842_957_07,
            ),
        ] {
            let a = NetSample::from_counts(x.0, x.1, x.2).unwrap();
            let b = NetSample::from_counts(y.0, y.1, y.2).unwrap();
            let c = net_difference_by(&a, &b, level(), NetMethod::AdjustedWald).unwrap();
            let d = c.difference();
            close(d.value(), raw, 1e-15);
            close(d.standard_error(), se, 1e-15);
            close(d.interval().lower(), lo, 1e-12);
            close(d.interval().upper(), hi, 1e-12);
            close(c.statistic(), z, 1e-12);
            close(c.p_value(), p, 1e-12);
            assert_eq!((c.test(), d.method()), (TestMethod::Z, Method::AdjustedWaldDifference));
        }
        // Wald is net_difference; the one-sample methods are refused, naming the method.
        let a = NetSample::from_counts(30, 5, 5).unwrap();
        let b = NetSample::from_counts(20, 10, 10).unwrap();
        assert_eq!(net_difference_by(&a, &b, level(), NetMethod::Wald), net_difference(&a, &b, level()));
        let e = net_difference_by(&a, &b, level(), NetMethod::IterativeScore).unwrap_err();
        assert_eq!(e.to_string(), "iterative score is not available for a difference of two net shares");
        assert!(net_difference_by(&a, &b, level(), NetMethod::WaldNMinusOne).is_err());
        // Far apart with few answers: the raw difference lies beyond the adjusted interval, which is extended.
        let top = NetSample::from_counts(3, 0, 0).unwrap();
        let bottom = NetSample::from_counts(0, 0, 3).unwrap();
        let c = net_difference_by(&top, &bottom, level(), NetMethod::AdjustedWald).unwrap();
        assert_eq!((c.difference().value(), c.difference().interval().upper()), (2.0, 2.0));
        assert!(c.difference().is_thin());
    }

    proptest::proptest! {
        /// The score test and the score interval agree: a target lies outside the interval exactly when the test
        /// rejects it at the interval's level (away from the ends, where both are at their boundary).
        #[test]
        fn score_test_inverts_the_score_interval(
            top in 0_u64..300,
            middle in 0_u64..300,
            bottom in 0_u64..300,
            target in -1.0_f64..=1.0,
        ) {
            proptest::prop_assume!(top + middle + bottom > 0);
            let s = NetSample::from_counts(top, middle, bottom).unwrap();
            let i = net_share(&s, level(), NetMethod::IterativeScore).unwrap().interval();
            proptest::prop_assume!((target - i.lower()).abs() > 1e-9 && (target - i.upper()).abs() > 1e-9);
            let t = net_share_test(&s, target, level(), NetMethod::IterativeScore).unwrap();
            proptest::prop_assert_eq!(!i.contains(target), t.is_significant(level()), "{} {} {}", target, i, t.p_value());
        }
    }
}
