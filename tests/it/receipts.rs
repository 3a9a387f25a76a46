//! Receipts and tier names as a Vietnamese salon's customers read them: through the real aggregates, rendered in
//! the customer's language (or the business's), money and zone, with the last usable date of what expires next.

use chrono::NaiveDate;
use chrono_tz::Asia::Ho_Chi_Minh;
use customer_care::care::{CareKind, CarePolicy, CarePolicySpec, CareSubject, CareWindow, PointsFacts, SmsEncoding};
use customer_care::customer::{
    Change, Channel, Customer, CustomerCommand, NewProfile, PreferencesPatch, Purpose, Region,
};
use customer_care::ledger::LineId;
use customer_care::loyalty::{
    ExpiryPolicy, LoyaltyProgram, PointsAccount, PointsCommand, PointsReceipt, ProgramSpec, PurchaseLine, Tier,
    TierMetric, TierName, TierRules, TierWindow,
};
use customer_care::wallet::{
    Bonus, BonusExpiry, BonusTier, SpendOrder, StoredValueAccount, StoredValueProgram, StoredValueSpec, WalletCommand,
    WalletEvent,
};
use customer_care::{AccountId, Command, CustomerId, Decision, DisplayName, Money, OrderId, PaymentRef, Points};
use rust_decimal::Decimal;

use crate::common::{at, cid};

fn vnd(s: &str) -> Money {
    format!("{s} VND").parse().unwrap()
}

/// A customer with a phone and SMS service consent, registered on 1 March 2026, in `language` if given.
fn customer(n: u128, name: &str, language: Option<&str>) -> Customer {
    let mut c = Customer::new(CustomerId::from_u128(n).unwrap());
    let profile =
        NewProfile::default().preferred_name(name).unwrap().phone("0903 123 456", Region::VN).unwrap().build();
    let mut commands = vec![
        CustomerCommand::Register { profile, registered_at: None },
        CustomerCommand::GrantConsent { channel: Channel::Sms, purpose: Purpose::Service, source: None },
    ];
    if let Some(language) = language {
        commands.push(CustomerCommand::SetPreferences {
            patch: PreferencesPatch { language: Some(Change::Set(language.parse().unwrap())), ..Default::default() },
        });
    }
    for (i, body) in commands.into_iter().enumerate() {
        let command = Command::new(cid(n * 100 + i as u128 + 1), at(2026, 3, 1, 1, 0), body);
        if let Decision::Accepted(commit) = c.decide(&command).unwrap() {
            c.apply(&commit);
        }
    }
    c
}

/// The salon's policy: the example, with Vietnamese as the business's language.
fn salon() -> CarePolicy {
    let mut spec = CarePolicySpec::example("Salon Mai", Ho_Chi_Minh, vnd("50000"));
    spec.language = Some("vi".parse().unwrap());
    CarePolicy::new(spec).unwrap()
}

fn points_program() -> LoyaltyProgram {
    let mut spec = ProgramSpec::new(Ho_Chi_Minh, vnd("10000"), Decimal::ONE).redeem(Points::new(100), vnd("10000"));
    spec.expiry = ExpiryPolicy::RollingMonths { months: 12 };
    let tier = |key: &str, threshold: i64, vi: &str, en: &str| Tier {
        name: TierName::new(key).unwrap(),
        display_name: Some(DisplayName::new(vi).unwrap().with("en", en).unwrap()),
        threshold: Decimal::from(threshold),
        earn_multiplier: Decimal::ONE,
        discount_percent: Decimal::ZERO,
    };
    spec.tiers = Some(TierRules {
        metric: TierMetric::PointsEarned,
        window: TierWindow::RollingMonths { months: 12 },
        tiers: vec![tier("member", 0, "Thành viên", "Member"), tier("silver", 150, "Bạc", "Silver")],
        grace_days: 0,
        floor: None,
    });
    LoyaltyProgram::new(spec).unwrap()
}

#[test]
fn stored_value_receipt_in_the_business_language_and_the_customers() {
    let care = salon();
    let lan = customer(1, "chị Lan", None);
    let john = customer(2, "John", Some("en-GB"));
    let mut spec = StoredValueSpec::new(Ho_Chi_Minh, customer_care::Currency::VND);
    spec.bonus_tiers = vec![BonusTier {
        min_top_up: vnd("2000000"),
        bonus: Bonus::Fixed { amount: vnd("200000") },
        restricted_to: vec![],
    }];
    spec.bonus_expiry = BonusExpiry::Days { days: 365 };
    spec.spend_order = SpendOrder::PrincipalFirst;
    let program = StoredValueProgram::new(spec).unwrap();
    let mut wallet = StoredValueAccount::new(AccountId::from_u128(10).unwrap(), customer_care::Currency::VND);
    let mut receipts = Vec::new();
    for (n, when, body) in [
        (
            1,
            at(2026, 3, 1, 3, 0),
            WalletCommand::TopUp { payment: PaymentRef::new("MOMO-1").unwrap(), amount: vnd("3800000") },
        ),
        (
            2,
            at(2026, 3, 5, 7, 30),
            WalletCommand::Spend { order: OrderId::new("HD-0001").unwrap(), amount: vnd("1850000"), tags: vec![] },
        ),
    ] {
        let commit = wallet.decide(&program, &Command::new(cid(n), when, body)).unwrap().accepted().unwrap();
        wallet.apply(&commit);
        receipts.extend(commit.events.iter().filter_map(WalletEvent::receipt).cloned());
    }
    let [receipt] = &receipts[..] else { panic!("one debit, one receipt: {receipts:?}") };
    // The bonus topped up on 1 March is usable for 365 days after that local date: through 1 March 2027.
    let vi = care.render_receipt(receipt, &lan).unwrap();
    assert_eq!(
        vi.message,
        "Salon Mai: thanh toán 1.850.000 ₫ lúc 14:30 ngày 05/03/2026\nĐơn HD-0001\nSố dư: 2.150.000 ₫\n200.000 ₫ dùng đến 01/03/2027"
    );
    assert_eq!(
        (vi.language.as_str(), vi.sms.encoding, vi.sms.units, vi.sms.segments),
        ("vi", SmsEncoding::Ucs2, 120, 2)
    );
    let en = care.render_receipt(receipt, &john).unwrap();
    assert_eq!(
        en.message,
        "Salon Mai: paid ₫1,850,000 at 14:30 on 5 Mar 2026\nOrder HD-0001\nBalance: ₫2,150,000\n₫200,000 to use by 1 Mar 2027"
    );
    assert_eq!((en.language.as_str(), en.sms.segments), ("en", 2));
    // The plain form stays for logs: English, UTC, ISO money.
    assert!(receipt.to_string().starts_with("order HD-0001 at 2026-03-05 07:30 UTC\nspent 1850000 VND"));
}

#[test]
fn points_receipts_and_the_tier_by_its_display_name() {
    let care = salon();
    let program = points_program();
    let lan = customer(1, "chị Lan", None);
    let john = customer(2, "John", Some("en"));
    let mut account = PointsAccount::new(AccountId::from_u128(20).unwrap());
    let earn = PointsCommand::EarnPoints {
        order: OrderId::new("HD-0001").unwrap(),
        lines: vec![PurchaseLine { line: LineId::new(1), amount: vnd("1850000"), tags: vec![] }],
    };
    let redeem = PointsCommand::RedeemPoints {
        order: OrderId::new("HD-0002").unwrap(),
        points: Points::new(100),
        order_total: vnd("500000"),
    };
    let mut receipts = Vec::new();
    for (n, when, body) in [(1, at(2026, 3, 5, 7, 30), earn), (2, at(2026, 4, 1, 2, 0), redeem)] {
        let commit = account.decide(&program, &Command::new(cid(n), when, body)).unwrap().accepted().unwrap();
        // Before the commit is applied, the account cannot say the balance after it.
        assert_eq!(PointsReceipt::of(&commit, &account), None);
        account.apply(&commit);
        receipts.push(PointsReceipt::of(&commit, &account).unwrap());
    }
    assert_eq!(
        care.render_receipt(&receipts[0], &lan).unwrap().message,
        "Salon Mai: điểm thưởng lúc 14:30 ngày 05/03/2026\nĐơn HD-0001\nCộng 185 điểm\nSố dư: 185 điểm\n185 điểm dùng đến 05/03/2027"
    );
    assert_eq!(
        care.render_receipt(&receipts[1], &lan).unwrap().message,
        "Salon Mai: điểm thưởng lúc 09:00 ngày 01/04/2026\nĐơn HD-0002\nTrừ 100 điểm\nSố dư: 85 điểm\n85 điểm dùng đến 05/03/2027"
    );
    let en = care.render_receipt(&receipts[0], &john).unwrap();
    assert_eq!(
        en.message,
        "Salon Mai: points at 14:30 on 5 Mar 2026\nOrder HD-0001\nEarned: 185\nBalance: 185 points\n185 points to use by 5 Mar 2027"
    );
    assert_eq!((en.sms.encoding, en.sms.segments), (SmsEncoding::Gsm7, 1));

    // The tier reached by the earn, announced by its display name in each reader's language — never "silver".
    let mut facts = PointsFacts::of(&account, &program, at(2026, 3, 5, 7, 30));
    assert_eq!(facts.tier, Some(TierName::new("silver").unwrap()));
    facts.upgraded_at = Some(at(2026, 3, 5, 7, 30));
    let day = CareWindow::local_day(NaiveDate::from_ymd_opt(2026, 3, 5).unwrap(), Ho_Chi_Minh).unwrap();
    let plan = care.plan(
        day,
        [
            CareSubject { points: Some(facts.clone()), ..CareSubject::new(&lan) },
            CareSubject { points: Some(facts), ..CareSubject::new(&john) },
        ],
    );
    let upgrades: Vec<&str> =
        plan.actions.iter().filter(|a| a.kind == CareKind::TierUpgraded).map(|a| a.message.as_str()).collect();
    assert_eq!(
        upgrades,
        [
            "Chúc mừng chị Lan! Bạn đã lên hạng Bạc tại Salon Mai.",
            "Congratulations, John! You are now Silver at Salon Mai."
        ]
    );
}

#[test]
fn the_business_language_applies_only_to_customers_without_one() {
    let mut spec = CarePolicySpec::example("Salon Mai", Ho_Chi_Minh, vnd("50000"));
    let receipt = PointsReceipt {
        order: None,
        at: at(2026, 3, 5, 7, 30),
        earned: Points::new(50),
        redeemed: Points::ZERO,
        points_available: Points::new(50),
        points_pending: Points::ZERO,
        next_expiry: None,
    };
    let lan = customer(1, "chị Lan", None);
    let fr = customer(3, "Amélie", Some("fr"));
    // No business language: the templates' fallback (English).
    let english = CarePolicy::new(spec.clone()).unwrap();
    assert_eq!(english.render_receipt(&receipt, &lan).unwrap().language, "en");
    spec.language = Some("vi-VN".parse().unwrap());
    let vietnamese = CarePolicy::new(spec).unwrap();
    let vi = vietnamese.render_receipt(&receipt, &lan).unwrap();
    assert_eq!(vi.message, "Salon Mai: điểm thưởng lúc 14:30 ngày 05/03/2026\nCộng 50 điểm\nSố dư: 50 điểm");
    // A customer whose language has no templates reads the fallback, not the business's language.
    assert_eq!(vietnamese.render_receipt(&receipt, &fr).unwrap().language, "en");
    // The policy's language is part of its serialized shape, and older policies without it still load.
    let json = serde_json::to_value(&vietnamese).unwrap();
    assert_eq!(json["language"], "vi-VN");
    let mut old = json;
    old.as_object_mut().unwrap().remove("language");
    old.as_object_mut().unwrap()["templates"].as_object_mut().unwrap().remove("receipts");
    let old: CarePolicy = serde_json::from_value(old).unwrap();
    assert_eq!(old.spec().language, None);
    assert_eq!(old.render_receipt(&receipt, &lan).unwrap().language, "en");
}
