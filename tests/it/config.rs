//! Configuration without guessing: constructors with defaults, typed arguments, optional parts optional.

use customer_care::customer::{
    Change, Channel, Customer, CustomerCommand, Language, NewProfile, PreferencesPatch, QuietHours, Region, Tag,
};
use customer_care::loyalty::{
    ExpiryPolicy, LoyaltyError, LoyaltyProgram, Points, ProgramSpec, Tier, TierMetric, TierName, TierRules, TierWindow,
};
use customer_care::rust_decimal::Decimal;
use customer_care::wallet::{Bonus, BonusTier, StoredValueProgram, StoredValueSpec};
use customer_care::{Currency, CustomerId, Money};

use crate::common::{at, cid};

fn vnd(amount: i64) -> Money {
    Money::from_minor(amount, Currency::VND)
}

#[test]
fn a_program_without_redemption_builds_and_refuses_to_redeem() {
    let spec = ProgramSpec::new(chrono_tz::Asia::Ho_Chi_Minh, vnd(10_000), 1);
    assert!(spec.redemption.rates.is_empty());
    let program = LoyaltyProgram::new(spec.clone()).unwrap();
    assert_eq!(
        program.value_of(Points::new(10), Currency::VND),
        Err(LoyaltyError::NoRedemptionRate { currency: Currency::VND })
    );
    // Stored without a `redemption` key: read as none.
    let mut json: serde_json::Value = serde_json::to_value(&program).unwrap();
    json.as_object_mut().unwrap().remove("redemption");
    let back: LoyaltyProgram = serde_json::from_value(json).unwrap();
    assert_eq!(back, program);
    // With a rate: the same spec as the old five-argument constructor gave.
    let redeeming = spec.redeem(Points::new(1), vnd(100));
    assert_eq!(redeeming.redemption.rates.len(), 1);
    assert_eq!(redeeming.redemption.max_share, Decimal::ONE);
    assert_eq!(LoyaltyProgram::new(redeeming).unwrap().value_of(Points::new(10), Currency::VND), Ok(vnd(1_000)));
}

#[test]
fn program_builders_set_what_they_name() {
    let tiers = TierRules::new(
        TierMetric::PointsEarned,
        TierWindow::CalendarYear,
        vec![
            Tier::new(TierName::new("member").unwrap()),
            Tier::new(TierName::new("gold").unwrap())
                .threshold_points(Points::new(500))
                .earn_multiplier(Decimal::new(15, 1))
                .discount_percent(5),
        ],
    )
    .grace_days(30)
    .floor(TierName::new("member").unwrap());
    let spec = ProgramSpec::new(chrono_tz::UTC, vnd(10_000), Decimal::new(5, 1))
        .pending_days(7)
        .expiry(ExpiryPolicy::RollingMonths { months: 12 })
        .tiers(tiers.clone());
    assert_eq!(spec.earn.rates[0].points, Decimal::new(5, 1));
    assert_eq!((spec.pending_days, &spec.expiry), (7, &ExpiryPolicy::RollingMonths { months: 12 }));
    assert_eq!((tiers.grace_days, tiers.floor.map(|t| t.to_string())), (30, Some("member".to_owned())));
    let gold = &tiers.tiers[1];
    assert_eq!(
        (gold.threshold, gold.earn_multiplier, gold.discount_percent),
        (Decimal::from(500), Decimal::new(15, 1), Decimal::from(5))
    );
    let member = &tiers.tiers[0];
    assert_eq!(
        (member.threshold, member.earn_multiplier, member.discount_percent),
        (Decimal::ZERO, Decimal::ONE, Decimal::ZERO)
    );
    let program = LoyaltyProgram::new(spec).unwrap();
    assert_eq!(program.tier_for(Decimal::from(499)).unwrap().name.to_string(), "member");
    assert_eq!(program.tier_for(Decimal::from(500)).unwrap().name.to_string(), "gold");
    // A spend threshold keeps the amount in major units.
    let usd = Tier::new(TierName::new("silver").unwrap()).threshold_spend(Money::from_minor(150_050, Currency::USD));
    assert_eq!(usd.threshold, Decimal::new(150_050, 2));
    // Builders do not bypass validation.
    let bad = ProgramSpec::new(chrono_tz::UTC, vnd(10_000), 1).tiers(TierRules::new(
        TierMetric::PointsEarned,
        TierWindow::CalendarYear,
        vec![Tier::new(TierName::new("member").unwrap()).earn_multiplier(0)],
    ));
    assert_eq!(
        LoyaltyProgram::new(bad).unwrap_err().to_string(),
        "invalid loyalty program: tier member: earn multiplier 0 must be greater than zero"
    );
}

#[test]
fn bonus_tiers_are_built_from_typed_values() {
    let massage = customer_care::ledger::Tag::new("massage").unwrap();
    let percent = BonusTier::percent(vnd(1_000_000), 10).restricted_to([massage]);
    assert_eq!(percent.bonus, Bonus::Percent { percent: Decimal::from(10) });
    assert_eq!(percent.restricted_to, vec![massage]);
    let fixed = BonusTier::fixed(vnd(5_000_000), vnd(750_000));
    assert!(fixed.restricted_to.is_empty());
    let spec =
        StoredValueSpec::new(chrono_tz::UTC, Currency::VND).bonus(percent).bonus(fixed).max_balance(vnd(30_000_000));
    let program = StoredValueProgram::new(spec).unwrap();
    assert_eq!(program.bonus_for(vnd(2_000_000)).unwrap().map(|(m, _)| m), Some(vnd(200_000)));
    assert_eq!(program.bonus_for(vnd(5_000_000)).unwrap().map(|(m, _)| m), Some(vnd(750_000)));
}

#[test]
fn a_new_profile_registers_with_its_preferences() {
    let vi = Language::new("vi").unwrap();
    let quiet: QuietHours = "21:00-08:00".parse().unwrap();
    let lan = NewProfile::default()
        .full_name("Nguyễn Thị Lan")
        .unwrap()
        .phone("0903 123 456", Region::VN)
        .unwrap()
        .language(vi.clone())
        .preferred_channel(Channel::Sms)
        .time_zone(chrono_tz::Asia::Ho_Chi_Minh)
        .quiet_hours(quiet);
    assert_eq!(lan.profile().phones[0].e164(), "+84903123456");
    let expected = PreferencesPatch {
        language: Some(Change::Set(vi.clone())),
        preferred_channel: Some(Change::Set(Channel::Sms)),
        time_zone: Some(Change::Set(chrono_tz::Asia::Ho_Chi_Minh)),
        quiet_hours: Some(Change::Set(quiet)),
        interests: None,
    };
    assert_eq!(lan.preferences(), &expected);
    let commands = lan.commands();
    assert_eq!(commands.len(), 2);
    let mut customer = Customer::new(CustomerId::from_u128(1).unwrap());
    for (n, body) in commands.into_iter().enumerate() {
        let command = customer_care::Command::new(cid(n as u128 + 1), at(2026, 1, 1, 9, 0), body);
        let commit = customer.decide(&command).unwrap().accepted().unwrap();
        customer.apply(&commit);
    }
    assert_eq!(customer.preferences().language(), Some(&vi));
    assert_eq!(customer.preferences().preferred_channel(), Some(Channel::Sms));
    assert_eq!(customer.preferences().quiet_hours(), Some(quiet));
    // Without preferences, registering is one command; a region is a value, not a string.
    let walk_in = NewProfile::default().phone("+1 415 555 2671", Region::US).unwrap().commands();
    assert!(matches!(walk_in.as_slice(), [CustomerCommand::Register { .. }]));
    let patch = PreferencesPatch::default().interests([Tag::new("coffee").unwrap()]);
    assert_eq!(patch.interests.map(|t| t.len()), Some(1));
}
