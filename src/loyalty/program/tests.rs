//! Unit tests of the program: every validation bound on both sides, the exact earn rate, campaigns, expiry and
//! tier arithmetic (most behaviour is also covered end to end in tests/it/loyalty.rs).

use chrono::{Datelike, TimeZone};

use super::super::expiry::fixed_date;
use super::super::period::{next_period_start, period_start};
use super::super::tier::{TierMetric, review_period_end, review_window_start, window_start};
use super::*;

fn usd(cents: i64) -> Money {
    Money::from_minor(cents, Currency::USD)
}

fn vnd(units: i64) -> Money {
    Money::from_minor(units, Currency::VND)
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, s).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// 1 point per 1.00 USD, 100 points = 1.00 USD, never expiring.
fn spec() -> ProgramSpec {
    ProgramSpec::new(chrono_tz::UTC, usd(100), Decimal::ONE).redeem(Points::new(100), usd(100))
}

/// The reason `spec` is refused, or `None` when it builds.
fn refusal(spec: ProgramSpec) -> Option<String> {
    match LoyaltyProgram::new(spec) {
        Ok(_) => None,
        Err(LoyaltyError::InvalidProgram { reason }) => Some(reason),
        Err(e) => panic!("not an InvalidProgram error: {e}"),
    }
}

/// Applies `change` to the default spec and returns the refusal.
fn refused(change: impl FnOnce(&mut ProgramSpec)) -> Option<String> {
    let mut s = spec();
    change(&mut s);
    refusal(s)
}

fn tier(name: &str, threshold: &str, multiplier: &str, discount: &str) -> Tier {
    Tier {
        display_name: None,
        name: TierName::new(name).unwrap(),
        threshold: dec(threshold),
        earn_multiplier: dec(multiplier),
        discount_percent: dec(discount),
    }
}

fn tier_rules() -> TierRules {
    TierRules {
        metric: TierMetric::PointsEarned,
        window: TierWindow::CalendarYear,
        tiers: vec![
            tier("member", "0", "1", "0"),
            tier("silver", "500", "1.25", "5"),
            tier("gold", "1000", "1.5", "10"),
        ],
        grace_days: 0,
        floor: None,
    }
}

/// Applies `change` to the default spec with tiers and returns the refusal.
fn tiers_refused(change: impl FnOnce(&mut TierRules)) -> Option<String> {
    let mut rules = tier_rules();
    change(&mut rules);
    refused(|s| s.tiers = Some(rules))
}

#[test]
fn earn_rates_are_validated_on_both_sides_of_each_bound() {
    assert_eq!(refused(|_| {}), None);
    assert_eq!(refused(|s| s.earn.rates.clear()).as_deref(), Some("at least one earn rate is required"));
    let not_positive = Some("earn rate for USD must be greater than zero");
    assert_eq!(refused(|s| s.earn.rates[0].per = usd(0)).as_deref(), not_positive);
    assert_eq!(refused(|s| s.earn.rates[0].per = usd(-100)).as_deref(), not_positive);
    assert_eq!(refused(|s| s.earn.rates[0].points = Decimal::ZERO).as_deref(), not_positive);
    assert_eq!(refused(|s| s.earn.rates[0].points = dec("-1")).as_deref(), not_positive);
    assert_eq!(refused(|s| s.earn.rates[0].points = dec("0.001")), None);
    let second = |per: Money| EarnRate { per, points: Decimal::ONE, min_spend: None };
    assert_eq!(refused(|s| s.earn.rates.push(second(usd(500)))).as_deref(), Some("two earn rates for USD"));
    assert_eq!(refused(|s| s.earn.rates.push(second(vnd(10_000)))), None);
    // The minimum spend must be in the rate's currency and not negative; zero is allowed.
    assert_eq!(
        refused(|s| s.earn.rates[0].min_spend = Some(vnd(1))).as_deref(),
        Some("minimum spend 1 VND must be a non-negative amount in USD")
    );
    assert_eq!(
        refused(|s| s.earn.rates[0].min_spend = Some(usd(-1))).as_deref(),
        Some("minimum spend -0.01 USD must be a non-negative amount in USD")
    );
    assert_eq!(refused(|s| s.earn.rates[0].min_spend = Some(usd(0))), None);
    assert_eq!(
        refused(|s| s.earn.per_order = Points::new(-1)).as_deref(),
        Some("points per order -1 must not be negative")
    );
    assert_eq!(refused(|s| s.earn.per_order = Points::new(1)), None);
}

#[test]
fn tag_rules_campaigns_and_caps_are_validated_on_both_sides_of_each_bound() {
    let rule = |multiplier: &str, points: i64| TagRule {
        tag: "coffee".parse().unwrap(),
        multiplier: dec(multiplier),
        points_per_line: Points::new(points),
    };
    let bad_rule = Some("tag rule coffee: multiplier must be > 0 and points >= 0");
    assert_eq!(refused(|s| s.earn.tag_rules.push(rule("0", 0))).as_deref(), bad_rule);
    assert_eq!(refused(|s| s.earn.tag_rules.push(rule("-1", 0))).as_deref(), bad_rule);
    assert_eq!(refused(|s| s.earn.tag_rules.push(rule("1", -1))).as_deref(), bad_rule);
    assert_eq!(refused(|s| s.earn.tag_rules.push(rule("0.5", 0))), None);

    let start = utc(2026, 1, 1, 0, 0, 0);
    let campaign = |multiplier: &str, ends_at| Campaign {
        display_name: None,
        name: "december".into(),
        starts_at: start,
        ends_at,
        multiplier: dec(multiplier),
    };
    let later = start + TimeDelta::seconds(1);
    assert_eq!(
        refused(|s| s.earn.campaigns.push(campaign("0", later))).as_deref(),
        Some("campaign \"december\": multiplier must be greater than zero")
    );
    assert_eq!(
        refused(|s| s.earn.campaigns.push(campaign("2", start))).as_deref(),
        Some("campaign \"december\" ends at 2026-01-01 00:00:00 UTC before it starts")
    );
    assert!(refused(|s| s.earn.campaigns.push(campaign("2", start - TimeDelta::seconds(1)))).is_some());
    assert_eq!(refused(|s| s.earn.campaigns.push(campaign("0.5", later))), None);

    let zero_cap = Some("caps must be greater than zero");
    let cap = |max| Cap { max: Points::new(max), behaviour: CapBehaviour::Cap };
    let period_cap = |max| PeriodCap { max: Points::new(max), period: Period::Month, behaviour: CapBehaviour::Cap };
    assert_eq!(refused(|s| s.earn.cap_per_order = Some(cap(0))).as_deref(), zero_cap);
    assert_eq!(refused(|s| s.earn.cap_per_period = Some(period_cap(0))).as_deref(), zero_cap);
    assert_eq!(refused(|s| s.earn.cap_per_order = Some(cap(1))), None);
    assert_eq!(refused(|s| s.earn.cap_per_period = Some(period_cap(1))), None);
    // Flat points equal to a rejecting cap still earn; one more refuses every earn.
    let rejecting = |per_order, max| {
        refused(|s| {
            s.earn.per_order = Points::new(per_order);
            s.earn.cap_per_order = Some(Cap { max: Points::new(max), behaviour: CapBehaviour::Reject });
        })
    };
    assert_eq!(rejecting(5, 5), None);
    assert_eq!(
        rejecting(6, 5).as_deref(),
        Some("6 points per order exceed the rejecting cap of 5 per order: every earn would be refused")
    );
}

#[test]
fn day_and_month_settings_are_validated_at_their_limits() {
    assert_eq!(refused(|s| s.pending_days = 36_600), None);
    assert_eq!(refused(|s| s.pending_days = 36_601).as_deref(), Some("pending days 36601 exceed 36600"));
    let expiry = |policy: ExpiryPolicy| refused(|s| s.expiry = policy);
    for days in [1, 36_600] {
        assert_eq!(expiry(ExpiryPolicy::RollingDays { days }), None, "{days}");
    }
    for days in [0, 36_601] {
        assert_eq!(
            expiry(ExpiryPolicy::RollingDays { days }),
            Some(format!("rolling expiry of {days} days must be 1 to 36600"))
        );
    }
    for months in [1, 1_200] {
        assert_eq!(expiry(ExpiryPolicy::RollingMonths { months }), None, "{months}");
        assert_eq!(expiry(ExpiryPolicy::Inactivity { months }), None, "{months}");
        assert_eq!(expiry(ExpiryPolicy::EndOfPeriod { period: Period::Year, periods_after: months }), None);
    }
    for months in [0, 1_201] {
        assert_eq!(
            expiry(ExpiryPolicy::RollingMonths { months }),
            Some(format!("rolling expiry of {months} months must be 1 to 1200"))
        );
        assert_eq!(
            expiry(ExpiryPolicy::Inactivity { months }),
            Some(format!("inactivity expiry of {months} months must be 1 to 1200"))
        );
    }
    assert_eq!(expiry(ExpiryPolicy::EndOfPeriod { period: Period::Month, periods_after: 0 }), None);
    assert_eq!(
        expiry(ExpiryPolicy::EndOfPeriod { period: Period::Year, periods_after: 1_201 }).as_deref(),
        Some("1201 periods after exceed 1200")
    );
    assert_eq!(expiry(ExpiryPolicy::FixedDate { month: 2, day: 29 }), None);
    assert_eq!(
        expiry(ExpiryPolicy::FixedDate { month: 2, day: 30 }).as_deref(),
        Some("fixed expiry date 2-30 does not exist")
    );
    assert!(expiry(ExpiryPolicy::FixedDate { month: 13, day: 1 }).is_some());
    // Without a pending period the expiry may end on the earn date itself.
    assert_eq!(expiry(ExpiryPolicy::FixedDate { month: 12, day: 31 }), None);
    assert_eq!(expiry(ExpiryPolicy::EndOfPeriod { period: Period::Month, periods_after: 0 }), None);

    let grace = |days| refused(|s| s.expired_refund = ExpiredRefundPolicy::Grace { days });
    assert_eq!(grace(1), None);
    assert_eq!(grace(36_600), None);
    assert_eq!(grace(0).as_deref(), Some("refund grace of 0 days must be 1 to 36600"));
    assert_eq!(grace(36_601).as_deref(), Some("refund grace of 36601 days must be 1 to 36600"));
}

#[test]
fn an_expiry_shorter_than_the_pending_period_is_refused_with_both_settings_named() {
    let build = |pending_days, expiry, from| {
        refused(|s| {
            s.pending_days = pending_days;
            s.expiry = expiry;
            s.expiry_from = from;
        })
    };
    let months = ExpiryPolicy::RollingMonths { months: 1 };
    assert_eq!(
        build(28, months.clone(), ExpiryStart::Earn).as_deref(),
        Some(
            "expiry of 1 months counted from the earn can end before the pending period of 28 days does (the \
             shortest is 28 days): points would expire before they can be spent; make it last at least 29 days, \
             or count it from activation"
        )
    );
    assert_eq!(build(28, months, ExpiryStart::Activation), None);
    let quarter = ExpiryPolicy::EndOfPeriod { period: Period::Quarter, periods_after: 0 };
    let err = build(1, quarter, ExpiryStart::Earn).unwrap();
    assert!(
        err.starts_with("expiry at the end of the quarter 0 periods after the earn's counted from the earn"),
        "{err}"
    );
    assert!(err.contains("(the shortest is 0 days)"), "{err}");
    let err = build(1, ExpiryPolicy::FixedDate { month: 12, day: 31 }, ExpiryStart::Earn).unwrap();
    assert!(err.starts_with("expiry on the fixed date 12-31 counted from the earn"), "{err}");
    assert_eq!(build(36_600, ExpiryPolicy::Never, ExpiryStart::Earn), None);
    assert_eq!(describe_expiry(&ExpiryPolicy::Never), "Never");
    assert_eq!(describe_expiry(&ExpiryPolicy::Inactivity { months: 2 }), "Inactivity { months: 2 }");
    assert_eq!(describe_expiry(&ExpiryPolicy::RollingDays { days: 7 }), "of 7 days");
}

#[test]
fn redemption_settings_are_validated_on_both_sides_of_each_bound() {
    // A program without redemption builds (redeeming on it is `LoyaltyError::NoRedemptionRate`).
    assert_eq!(refused(|s| s.redemption.rates.clear()), None);
    let not_positive = Some("redemption rate for USD must be greater than zero");
    assert_eq!(refused(|s| s.redemption.rates[0].points = Points::ZERO).as_deref(), not_positive);
    assert_eq!(refused(|s| s.redemption.rates[0].points = Points::new(-1)).as_deref(), not_positive);
    assert_eq!(refused(|s| s.redemption.rates[0].value = usd(0)).as_deref(), not_positive);
    assert_eq!(refused(|s| s.redemption.rates[0].points = Points::new(1)), None);
    let rate = |value| RedemptionRate { points: Points::new(1), value };
    assert_eq!(refused(|s| s.redemption.rates.push(rate(usd(1)))).as_deref(), Some("two redemption rates for USD"));
    assert_eq!(refused(|s| s.redemption.rates.push(rate(vnd(1)))), None);
    assert_eq!(
        refused(|s| s.redemption.min_points = Points::new(-1)).as_deref(),
        Some("minimum redemption must not be negative")
    );
    assert_eq!(refused(|s| s.redemption.min_points = Points::new(1)), None);
    for share in ["0.0001", "1"] {
        assert_eq!(refused(|s| s.redemption.max_share = dec(share)), None, "{share}");
    }
    for share in ["0", "-0.5", "1.0001"] {
        assert_eq!(
            refused(|s| s.redemption.max_share = dec(share)),
            Some(format!("maximum share {share} must be in (0, 1]"))
        );
    }
    assert_eq!(
        refused(|s| s.clawback = ClawbackPolicy::AllowDebt { max_debt: Points::ZERO }).as_deref(),
        Some("maximum debt must be greater than zero")
    );
    assert_eq!(refused(|s| s.clawback = ClawbackPolicy::AllowDebt { max_debt: Points::new(1) }), None);
}

#[test]
fn tiers_are_validated_on_both_sides_of_each_bound() {
    assert_eq!(tiers_refused(|_| {}), None);
    assert_eq!(tiers_refused(|t| t.tiers.clear()).as_deref(), Some("tier rules need at least one tier"));
    assert_eq!(
        tiers_refused(|t| t.tiers[0].threshold = Decimal::ONE).as_deref(),
        Some("the first tier member must have threshold 0, found 1")
    );
    assert_eq!(
        tiers_refused(|t| t.tiers[2].threshold = dec("500")).as_deref(),
        Some("tiers overlap: gold (threshold 500) must be above silver (threshold 500)")
    );
    assert_eq!(tiers_refused(|t| t.tiers[2].threshold = dec("500.01")), None);
    assert_eq!(
        tiers_refused(|t| t.tiers[2].name = TierName::new("member").unwrap()).as_deref(),
        Some("two tiers named member")
    );
    assert_eq!(
        tiers_refused(|t| t.tiers[1].earn_multiplier = Decimal::ZERO).as_deref(),
        Some("tier silver: earn multiplier 0 must be greater than zero")
    );
    assert!(tiers_refused(|t| t.tiers[1].earn_multiplier = dec("-1")).is_some());
    assert_eq!(tiers_refused(|t| t.tiers[1].earn_multiplier = dec("0.5")), None);
    for discount in ["0", "99.99"] {
        assert_eq!(tiers_refused(|t| t.tiers[1].discount_percent = dec(discount)), None, "{discount}");
    }
    for discount in ["-0.01", "100"] {
        assert_eq!(
            tiers_refused(|t| t.tiers[1].discount_percent = dec(discount)),
            Some(format!("tier silver: discount {discount}% must be in [0, 100)"))
        );
    }
    for months in [1, 1_200] {
        assert_eq!(tiers_refused(|t| t.window = TierWindow::RollingMonths { months }), None, "{months}");
    }
    for months in [0, 1_201] {
        assert_eq!(
            tiers_refused(|t| t.window = TierWindow::RollingMonths { months }),
            Some(format!("tier window of {months} months must be 1 to 1200"))
        );
    }
    assert_eq!(tiers_refused(|t| t.grace_days = 36_600), None);
    assert_eq!(tiers_refused(|t| t.grace_days = 36_601).as_deref(), Some("tier grace of 36601 days exceeds 36600"));
    assert_eq!(tiers_refused(|t| t.floor = Some(TierName::new("silver").unwrap())), None);
    assert_eq!(
        tiers_refused(|t| t.floor = Some(TierName::new("platinum").unwrap())).as_deref(),
        Some("floor tier platinum is not a tier")
    );
}

#[test]
fn exact_earn_needs_a_denominator_of_at_most_two_to_the_sixty_four() {
    // 1 point per 2⁶⁴ cents: the denominator is exactly 2⁶⁴, the largest allowed; 2⁶⁵ is refused.
    let per = |units: i128| Money::new(Decimal::from_i128_with_scale(units, 2), Currency::USD).unwrap();
    assert_eq!(refused(|s| s.earn.rates[0].per = per(1 << 64)), None);
    assert_eq!(
        refused(|s| s.earn.rates[0].per = per(1 << 65)).as_deref(),
        Some(
            "earn rates and multipliers too fine: exact points need a denominator of 36893488147419103232, above \
             2^64; use fewer decimal places"
        )
    );
    // Only one tier applies at a time: tier multipliers count once, by the most decimal places (7 here, so
    // 100 × 10⁷), not summed (10²³); tag and campaign multipliers can all apply together and add up.
    let fine = |tiers: &mut TierRules| {
        for (i, t) in tiers.tiers.iter_mut().enumerate() {
            t.earn_multiplier = dec(["1.0000001", "1.0000002", "1.0000003"][i]);
        }
    };
    assert_eq!(tiers_refused(fine), None);
    let mut s = spec();
    let mut rules = tier_rules();
    fine(&mut rules);
    s.tiers = Some(rules);
    assert_eq!(earn_denominator(&s), Some(100 * 10u128.pow(7)));
    s.earn.tag_rules.push(TagRule {
        tag: "coffee".parse().unwrap(),
        multiplier: dec("1.5"),
        points_per_line: Points::ZERO,
    });
    s.earn.campaigns.push(Campaign {
        display_name: None,
        name: "x".into(),
        starts_at: utc(2026, 1, 1, 0, 0, 0),
        ends_at: utc(2026, 2, 1, 0, 0, 0),
        multiplier: dec("1.25"),
    });
    assert_eq!(earn_denominator(&s), Some(100 * 10u128.pow(7 + 1 + 2)));
    // Two rates: the least common multiple of their denominators (1/300 and 1/200 per cent: 600).
    let mut s = spec();
    s.earn.rates[0].per = usd(300);
    s.earn.rates.push(EarnRate { per: Money::from_minor(200, Currency::EUR), points: Decimal::ONE, min_spend: None });
    assert_eq!(earn_denominator(&s), Some(600));
}

#[test]
fn rates_are_exact_per_minor_unit_and_found_by_currency() {
    let mut s = spec();
    s.earn.rates[0] = EarnRate { per: usd(300), points: Decimal::ONE, min_spend: None };
    s.earn.rates.push(EarnRate { per: vnd(10_000), points: dec("2.5"), min_spend: None });
    s.redemption.rates.push(RedemptionRate { points: Points::new(1), value: vnd(100) });
    let p = LoyaltyProgram::new(s).unwrap();
    assert_eq!(p.zone(), chrono_tz::UTC);
    let (rate, per_cent) = p.points_per_minor_unit(Currency::USD).unwrap();
    assert_eq!((rate.per, per_cent.to_string()), (usd(300), "1/300".to_owned()));
    let (rate, per_dong) = p.points_per_minor_unit(Currency::VND).unwrap();
    // 2.5 points per 10,000 VND: 1/4000 per dong, written as a decimal because 4000 divides a power of ten.
    assert_eq!((rate.per, per_dong.numerator(), per_dong.denominator()), (vnd(10_000), 1, 4000));
    assert_eq!(per_dong.to_string(), "0.00025");
    assert!(p.points_per_minor_unit(Currency::EUR).is_none());
    assert_eq!(p.earn_rate(Currency::VND).unwrap().points, dec("2.5"));
    assert!(p.earn_rate(Currency::EUR).is_none());
    let (_, per_dollar) = p.earn_rate_per_unit(Currency::USD).unwrap();
    assert_eq!(per_dollar, dec("0.3333333333333333333333333333"));
    assert_eq!(p.earn_rate_per_unit(Currency::VND).unwrap().1, dec("0.00025"));
    assert_eq!(p.redemption_rate(Currency::VND).unwrap().value, vnd(100));
    assert!(p.redemption_rate(Currency::EUR).is_none());
    let quarter = per_minor_unit(&EarnRate { per: usd(10), points: dec("2.5"), min_spend: None }).unwrap();
    assert_eq!((quarter.numerator(), quarter.denominator()), (1, 4));
}

#[test]
fn campaigns_apply_from_their_start_up_to_their_end() {
    let start = utc(2026, 12, 1, 0, 0, 0);
    let end = utc(2027, 1, 1, 0, 0, 0);
    let mut s = spec();
    s.earn.campaigns = vec![
        Campaign { name: "december".into(), display_name: None, starts_at: start, ends_at: end, multiplier: dec("2") },
        Campaign {
            display_name: None,
            name: "launch".into(),
            starts_at: start + TimeDelta::days(1),
            ends_at: end + TimeDelta::days(1),
            multiplier: dec("1.5"),
        },
    ];
    let p = LoyaltyProgram::new(s).unwrap();
    let second = TimeDelta::seconds(1);
    let cases = [
        (start - second, "1"),
        (start, "2"),
        (start + TimeDelta::days(1), "3"),
        (end - second, "3"),
        (end, "1.5"),
        (end + TimeDelta::days(1), "1"),
    ];
    for (at, multiplier) in cases {
        assert_eq!(p.campaign_multiplier(at), dec(multiplier), "{at}");
        assert_eq!(p.campaign_factor(at).unwrap(), PointsFraction::from_decimal(dec(multiplier)).unwrap(), "{at}");
    }
}

#[test]
fn expiry_activation_and_dormancy_are_local_end_of_days() {
    // Ho Chi Minh City is UTC+7: 20:00Z on 1 January is 03:00 on 2 January there.
    let tz = chrono_tz::Asia::Ho_Chi_Minh;
    let earn = utc(2026, 1, 1, 20, 0, 0);
    let mut s = spec();
    s.zone = tz;
    s.expiry = ExpiryPolicy::RollingDays { days: 7 };
    let p = LoyaltyProgram::new(s.clone()).unwrap();
    // Usable through 9 January local: expires at local midnight starting the 10th, 17:00Z on the 9th.
    assert_eq!(p.expiry_for(earn), Some(utc(2026, 1, 9, 17, 0, 0)));
    assert_eq!(p.activation_for(earn), None);
    assert_eq!(p.earn_expiry_for(earn), Some(utc(2026, 1, 9, 17, 0, 0)));
    assert_eq!(p.dormant_at(earn), None);

    s.pending_days = 3;
    let p = LoyaltyProgram::new(s.clone()).unwrap();
    assert_eq!(p.activation_for(earn), Some(utc(2026, 1, 4, 20, 0, 0)));
    assert_eq!(p.earn_expiry_for(earn), Some(utc(2026, 1, 9, 17, 0, 0)));
    s.expiry_from = ExpiryStart::Activation;
    let p = LoyaltyProgram::new(s.clone()).unwrap();
    // Activated 03:00 on 5 January local: usable through the 12th.
    assert_eq!(p.earn_expiry_for(earn), Some(utc(2026, 1, 12, 17, 0, 0)));
    assert_eq!(p.expiry_for(earn), Some(utc(2026, 1, 9, 17, 0, 0)));

    s.pending_days = 0;
    s.expiry = ExpiryPolicy::Inactivity { months: 2 };
    let p = LoyaltyProgram::new(s).unwrap();
    assert_eq!(p.expiry_for(earn), None);
    // Last active 2 January local: dormant after 2 March local, at 17:00Z on 2 March.
    assert_eq!(p.dormant_at(earn), Some(utc(2026, 3, 2, 17, 0, 0)));
}

#[test]
fn expiry_dates_follow_each_policy() {
    let through = |policy: ExpiryPolicy, today| expiry_through(&policy, today);
    assert_eq!(through(ExpiryPolicy::Never, date(2026, 1, 31)), None);
    assert_eq!(through(ExpiryPolicy::Inactivity { months: 1 }, date(2026, 1, 31)), None);
    assert_eq!(through(ExpiryPolicy::RollingDays { days: 30 }, date(2026, 1, 31)), Some(date(2026, 3, 2)));
    assert_eq!(through(ExpiryPolicy::RollingMonths { months: 1 }, date(2026, 1, 31)), Some(date(2026, 2, 28)));
    let end_of = |period, periods_after| ExpiryPolicy::EndOfPeriod { period, periods_after };
    assert_eq!(through(end_of(Period::Month, 0), date(2026, 1, 15)), Some(date(2026, 1, 31)));
    assert_eq!(through(end_of(Period::Month, 2), date(2026, 1, 31)), Some(date(2026, 3, 31)));
    assert_eq!(through(end_of(Period::Quarter, 0), date(2026, 2, 10)), Some(date(2026, 3, 31)));
    assert_eq!(through(end_of(Period::Quarter, 1), date(2026, 6, 30)), Some(date(2026, 9, 30)));
    assert_eq!(through(end_of(Period::Year, 1), date(2026, 7, 1)), Some(date(2027, 12, 31)));
    let fixed = |month, day| ExpiryPolicy::FixedDate { month, day };
    assert_eq!(through(fixed(12, 31), date(2026, 12, 31)), Some(date(2026, 12, 31)));
    assert_eq!(through(fixed(12, 31), date(2026, 1, 1)), Some(date(2026, 12, 31)));
    assert_eq!(through(fixed(6, 30), date(2026, 7, 1)), Some(date(2027, 6, 30)));
    // 29 February falls back to the 28th in common years.
    assert_eq!(through(fixed(2, 29), date(2026, 3, 1)), Some(date(2027, 2, 28)));
    assert_eq!(through(fixed(2, 29), date(2027, 3, 1)), Some(date(2028, 2, 29)));
    assert_eq!(fixed_date(2026, 2, 29), Some(date(2026, 2, 28)));
    assert_eq!(fixed_date(2026, 2, 30), None);
}

#[test]
fn shortest_expiries_over_every_earn_date() {
    let shortest = |policy: ExpiryPolicy| shortest_expiry_days(&policy);
    assert_eq!(shortest(ExpiryPolicy::Never), None);
    assert_eq!(shortest(ExpiryPolicy::Inactivity { months: 3 }), None);
    assert_eq!(shortest(ExpiryPolicy::RollingDays { days: 7 }), Some(7));
    assert_eq!(shortest(ExpiryPolicy::FixedDate { month: 6, day: 1 }), Some(0));
    assert_eq!(shortest(ExpiryPolicy::RollingMonths { months: 1 }), Some(28));
    assert_eq!(shortest(ExpiryPolicy::RollingMonths { months: 2 }), Some(59));
    assert_eq!(shortest(ExpiryPolicy::RollingMonths { months: 12 }), Some(365));
    let end_of = |period, periods_after| ExpiryPolicy::EndOfPeriod { period, periods_after };
    assert_eq!(shortest(end_of(Period::Year, 0)), Some(0));
    assert_eq!(shortest(end_of(Period::Month, 1)), Some(28));
    assert_eq!(shortest(end_of(Period::Quarter, 1)), Some(90));
    assert_eq!(shortest(end_of(Period::Year, 1)), Some(365));
}

#[test]
fn periods_and_review_windows() {
    let quarters: Vec<u32> = (1..=12).map(|m| period_start(date(2026, m, 15), Period::Quarter).month()).collect();
    assert_eq!(quarters, [1, 1, 1, 4, 4, 4, 7, 7, 7, 10, 10, 10]);
    assert_eq!(period_start(date(2026, 5, 15), Period::Month), date(2026, 5, 1));
    assert_eq!(period_start(date(2026, 5, 15), Period::Year), date(2026, 1, 1));
    assert_eq!(next_period_start(date(2026, 10, 1), Period::Quarter), Some(date(2027, 1, 1)));
    assert_eq!(next_period_start(date(2026, 12, 1), Period::Month), Some(date(2027, 1, 1)));
    assert_eq!(next_period_start(date(2026, 1, 1), Period::Year), Some(date(2027, 1, 1)));

    let tz = chrono_tz::Asia::Ho_Chi_Minh;
    let yearly = tier_rules();
    let rolling = TierRules { window: TierWindow::RollingMonths { months: 3 }, ..tier_rules() };
    // 31 December 20:00Z is 1 January 03:00 in Ho Chi Minh City: the next year's period.
    let at = utc(2026, 12, 31, 20, 0, 0);
    assert_eq!(review_period_end(&yearly, tz, at), Some(utc(2027, 12, 31, 17, 0, 0)));
    assert_eq!(review_period_end(&rolling, tz, at), Some(utc(2027, 1, 31, 17, 0, 0)));
    assert_eq!(window_start(&yearly, tz, at), utc(2026, 12, 31, 17, 0, 0));
    assert_eq!(window_start(&rolling, tz, at), utc(2026, 9, 30, 20, 0, 0));
    // A calendar-year review counts the year that ended at `period_end`, whatever the grace.
    let period_end = utc(2026, 12, 31, 17, 0, 0);
    let review_at = period_end + TimeDelta::days(10);
    assert_eq!(review_window_start(&yearly, tz, period_end, review_at), utc(2025, 12, 31, 17, 0, 0));
    assert_eq!(review_window_start(&rolling, tz, period_end, review_at), utc(2026, 10, 10, 17, 0, 0));
}

#[test]
fn redemption_values_and_the_most_points_an_order_takes() {
    let mut s = spec();
    // 3 points are worth 0.02 USD.
    s.redemption.rates[0] = RedemptionRate { points: Points::new(3), value: usd(2) };
    s.redemption.max_share = dec("0.5");
    let p = LoyaltyProgram::new(s.clone()).unwrap();
    assert_eq!(p.value_of(Points::new(3), Currency::USD).unwrap(), usd(2));
    assert_eq!(p.value_of(Points::new(4), Currency::USD).unwrap(), usd(2)); // 0.0266… rounded down
    assert_eq!(p.value_of(Points::new(300), Currency::USD).unwrap(), usd(200));
    assert_eq!(
        p.value_of(Points::new(1), Currency::VND).unwrap_err(),
        LoyaltyError::NoRedemptionRate { currency: Currency::VND }
    );
    // Half of 10.00 USD is 5.00 USD: 750 points exactly.
    assert_eq!(p.max_points_for(usd(1000)).unwrap(), Points::new(750));
    // Half of 0.05 USD is 0.02 USD (rounded down): 3 points.
    assert_eq!(p.max_points_for(usd(5)).unwrap(), Points::new(3));
    assert_eq!(p.max_points_for(usd(0)).unwrap(), Points::ZERO);
    assert_eq!(p.max_points_for(usd(-100)).unwrap(), Points::ZERO);
    assert_eq!(p.max_points_for(vnd(1000)).unwrap_err(), LoyaltyError::NoRedemptionRate { currency: Currency::VND });
    // Rounded up, 4 points are worth 0.03 USD: the whole of a 0.02 USD order takes 3.
    s.redemption.rounding = Rounding::Ceiling;
    s.redemption.max_share = Decimal::ONE;
    let p = LoyaltyProgram::new(s).unwrap();
    assert_eq!(p.value_of(Points::new(4), Currency::USD).unwrap(), usd(3));
    assert_eq!(p.max_points_for(usd(2)).unwrap(), Points::new(3));
}

#[test]
fn tiers_by_threshold_name_and_rank() {
    let flat = LoyaltyProgram::new(spec()).unwrap();
    assert!(flat.tiers().is_none() && flat.tier_for(dec("1000")).is_none());
    assert!(
        flat.tier(TierName::new("gold").unwrap()).is_none() && flat.tier_rank(TierName::new("gold").unwrap()).is_none()
    );
    let mut s = spec();
    s.tiers = Some(tier_rules());
    let p = LoyaltyProgram::new(s).unwrap();
    let name_for = |metric: &str| p.tier_for(dec(metric)).map(|t| t.name.to_string());
    assert_eq!(name_for("0").as_deref(), Some("member"));
    assert_eq!(name_for("499.99").as_deref(), Some("member"));
    assert_eq!(name_for("500").as_deref(), Some("silver"));
    assert_eq!(name_for("999.99").as_deref(), Some("silver"));
    assert_eq!(name_for("1000").as_deref(), Some("gold"));
    assert_eq!(name_for("1000000").as_deref(), Some("gold"));
    assert_eq!(name_for("-1"), None);
    let gold = TierName::new("gold").unwrap();
    assert_eq!(p.tier(gold).unwrap().earn_multiplier, dec("1.5"));
    assert_eq!(p.tier_rank(gold), Some(2));
    assert_eq!(p.tier_rank(TierName::new("member").unwrap()), Some(0));
    assert!(p.tier(TierName::new("platinum").unwrap()).is_none());
}

#[test]
fn a_points_value_is_exact_before_it_is_rounded() {
    // Regression: the value was rate value × (points ÷ rate points) with the quotient rounded to 28 places first, so
    // at 30 points = 0.90 USD one point was 0.90 × 0.0333…3 = 0.0299…9 USD, floored to 0.02 instead of 0.03.
    let mut s = spec();
    s.redemption.rates[0] = RedemptionRate { points: Points::new(30), value: usd(90) };
    let p = LoyaltyProgram::new(s.clone()).unwrap();
    for n in [1, 2, 7, 29, 30, 31] {
        assert_eq!(p.value_of(Points::new(n), Currency::USD).unwrap(), usd(3 * n), "{n} points");
    }
    assert_eq!(p.value_of(Points::new(-7), Currency::USD).unwrap(), usd(-21));
    // Rounding up an exact value changes nothing either (2 points were 0.90 × 0.0666…7 = 0.0600…03, ceiled to 0.07,
    // so a 0.06 USD order could take only one of the two points it is worth).
    s.redemption.rounding = Rounding::Ceiling;
    let p = LoyaltyProgram::new(s).unwrap();
    for n in [1, 2, 7, 29, 30, 31] {
        assert_eq!(p.value_of(Points::new(n), Currency::USD).unwrap(), usd(3 * n), "{n} points");
    }
    assert_eq!(p.max_points_for(usd(3)).unwrap(), Points::new(1));
    assert_eq!(p.max_points_for(usd(5)).unwrap(), Points::new(1));
    assert_eq!(p.max_points_for(usd(6)).unwrap(), Points::new(2));
    // A share worth more points than an i64 holds is capped there, not an error.
    let mut s = spec();
    s.redemption.rates[0] = RedemptionRate { points: Points::new(i64::MAX), value: usd(1) };
    let p = LoyaltyProgram::new(s).unwrap();
    assert_eq!(p.max_points_for(usd(1)).unwrap(), Points::new(i64::MAX));
    assert_eq!(p.max_points_for(usd(2)).unwrap(), Points::new(i64::MAX));
}

#[test]
fn only_rejecting_caps_bound_the_flat_points_per_order() {
    let with_caps = |order: Option<CapBehaviour>, period: Option<CapBehaviour>| {
        refused(|s| {
            s.earn.per_order = Points::new(10);
            s.earn.cap_per_order = order.map(|behaviour| Cap { max: Points::new(5), behaviour });
            s.earn.cap_per_period =
                period.map(|behaviour| PeriodCap { max: Points::new(9), period: Period::Quarter, behaviour });
        })
    };
    let per_order = "10 points per order exceed the rejecting cap of 5 per order: every earn would be refused";
    let per_period = "10 points per order exceed the rejecting cap of 9 per period: every earn would be refused";
    assert_eq!(with_caps(Some(CapBehaviour::Cap), Some(CapBehaviour::Cap)), None);
    assert_eq!(with_caps(None, Some(CapBehaviour::Cap)), None);
    assert_eq!(with_caps(Some(CapBehaviour::Cap), None), None);
    assert_eq!(with_caps(Some(CapBehaviour::Reject), Some(CapBehaviour::Cap)).as_deref(), Some(per_order));
    assert_eq!(with_caps(Some(CapBehaviour::Cap), Some(CapBehaviour::Reject)).as_deref(), Some(per_period));
    assert_eq!(with_caps(None, Some(CapBehaviour::Reject)).as_deref(), Some(per_period));
}
