//! The golden streams: one realistic history per aggregate, written through `decide` and `apply`, whose commits and
//! state are kept as fixtures in `tests/golden/` (see `wire.rs`). Every rejection on the way is checked to leave
//! the state as it was and to commit nothing.

use std::fmt::Debug;

use chrono::{DateTime, TimeZone, Utc};
use customer_care::customer::{
    AnnualDate, Change, Channel, ConsentSource, Customer, CustomerCommand, NewProfile, OccasionKind, OccasionLabel,
    PreferencesPatch, ProfilePatch, Purchase, Purpose, Refund, Region, SalesChannel,
};
use customer_care::ledger::LineId;
use customer_care::loyalty::{
    BonusReason, ClawbackPolicy, ExpiryPolicy, LoyaltyProgram, Points, PointsAccount, PointsCommand, PointsEvent,
    ProgramSpec, PurchaseLine, Tier, TierMetric, TierName, TierRules, TierWindow,
};
use customer_care::wallet::{
    Bonus, BonusExpiry, BonusTier, IssueKind, StoredValueAccount, StoredValueProgram, StoredValueSpec, WalletCommand,
};
use customer_care::{
    AccountId, Aggregate, Command, CommandId, Commit, Currency, CustomerId, Decision, HoldId, Money, OrderId,
    PaymentRef, StoreId,
};
use rust_decimal::Decimal;

/// The commits of aggregate `A`.
pub type CommitsOf<A> = Vec<Commit<<A as Aggregate>::Command, <A as Aggregate>::Event>>;

/// Submits commands to one aggregate the way a host does (decide, persist, apply) and keeps the commits.
pub struct Script<'c, A: Aggregate> {
    pub context: &'c A::Context,
    pub state: A,
    pub commits: CommitsOf<A>,
    next_id: u128,
}

impl<'c, A> Script<'c, A>
where
    A: Aggregate + PartialEq + Debug,
    A::Command: Debug,
    A::Event: Debug,
    A::Error: Debug,
{
    pub fn new(context: &'c A::Context, state: A, first_id: u128) -> Self {
        Self { context, state, commits: Vec::new(), next_id: first_id }
    }

    fn command(&mut self, at: DateTime<Utc>, body: A::Command) -> Command<A::Command> {
        let id = CommandId::from_u128(self.next_id).unwrap();
        self.next_id += 1;
        Command::new(id, at, body)
    }

    /// An accepted command: its events.
    pub fn ok(&mut self, at: DateTime<Utc>, body: A::Command) -> Vec<A::Event> {
        let command = self.command(at, body);
        match self.state.decide(self.context, &command) {
            Ok(Decision::Accepted(commit)) => {
                self.state.apply(&commit);
                let events = commit.events.clone();
                self.commits.push(commit);
                events
            }
            other => panic!("expected an accepted commit at {at}, got {other:?}"),
        }
    }

    /// A rejected command: the state is unchanged and nothing is committed.
    pub fn rejected(&mut self, at: DateTime<Utc>, body: A::Command) -> A::Error {
        let command = self.command(at, body);
        let before = self.state.clone();
        let error = self.state.decide(self.context, &command).expect_err("a rejection");
        assert_eq!(self.state, before, "a rejection changed the state");
        error
    }
}

fn day(month: u32, day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, month, day, hour, 0, 0).unwrap()
}

fn usd(cents: i64) -> Money {
    Money::from_minor(cents, Currency::USD)
}

fn vnd(dong: i64) -> Money {
    Money::from_minor(dong, Currency::VND)
}

fn order(s: &str) -> OrderId {
    OrderId::new(s).unwrap()
}

fn pay(s: &str) -> PaymentRef {
    PaymentRef::new(s).unwrap()
}

fn hold(n: u128) -> HoldId {
    HoldId::from_u128(n).unwrap()
}

// ------------------------------------------------------------------------------------------------------ points

/// 1 point per USD, 100 points = 1 USD, 7 pending days, dormant after 6 months without activity, debt up to 50
/// points on returns, tiers on points earned over 3 rolling months: member, silver from 200, gold from 2,000 (×1.5).
pub fn points_program() -> LoyaltyProgram {
    points_program_with_gold(2_000)
}

/// [`points_program`] with gold from `gold` points.
fn points_program_with_gold(gold: i64) -> LoyaltyProgram {
    let tier = |name: &str, points: i64| Tier::new(TierName::new(name).unwrap()).threshold_points(Points::new(points));
    let tiers = TierRules::new(
        TierMetric::PointsEarned,
        TierWindow::RollingMonths { months: 3 },
        vec![tier("member", 0), tier("silver", 200), tier("gold", gold).earn_multiplier(Decimal::new(15, 1))],
    )
    .grace_days(10);
    let spec = ProgramSpec::new(chrono_tz::Asia::Ho_Chi_Minh, usd(100), 1)
        .redeem(Points::new(100), usd(100))
        .pending_days(7)
        .expiry(ExpiryPolicy::Inactivity { months: 6 })
        .tiers(tiers)
        .clawback(ClawbackPolicy::AllowDebt { max_debt: Points::new(50) });
    LoyaltyProgram::new(spec).unwrap()
}

fn earn(n: &str, dollars: &[i64]) -> PointsCommand {
    PointsCommand::EarnPoints {
        order: order(n),
        lines: dollars
            .iter()
            .zip(1..)
            .map(|(d, line)| PurchaseLine { line: LineId::new(line), amount: usd(d * 100), tags: vec![] })
            .collect(),
    }
}

/// A year of one points account: earning with a return window, bonuses, redemption and its refund, holds
/// captured, released and expired, an adjustment, a return clawing back into debt that a later earn repays, tier
/// changes, a bonus that expires, and dormancy after six quiet months.
pub fn points_stream(program: &LoyaltyProgram) -> Script<'_, PointsAccount> {
    let mut s = Script::new(program, PointsAccount::new(AccountId::from_u128(0x1001).unwrap()), 0x1_0001);
    s.ok(day(1, 5, 2), earn("HD-1001", &[150, 120]));
    // Pending points cannot be redeemed.
    s.rejected(
        day(1, 6, 2),
        PointsCommand::RedeemPoints { order: order("HD-1002"), points: Points::new(100), order_total: usd(5_000) },
    );
    s.ok(day(1, 12, 17), PointsCommand::ProcessDue);
    s.ok(
        day(1, 13, 2),
        PointsCommand::AwardBonus {
            points: Points::new(50),
            reason: BonusReason::Campaign { name: "Tết 2026".into() },
            expires_at: Some(day(2, 28, 17)),
        },
    );
    s.ok(
        day(1, 14, 2),
        PointsCommand::RedeemPoints { order: order("HD-1003"), points: Points::new(100), order_total: usd(4_500) },
    );
    s.ok(
        day(1, 15, 2),
        PointsCommand::PlaceHold {
            hold: hold(0x2001),
            points: Points::new(60),
            order: Some(order("HD-1004")),
            expires_at: Some(day(1, 22, 2)),
        },
    );
    s.ok(
        day(1, 15, 3),
        PointsCommand::CaptureHold { hold: hold(0x2001), points: Points::new(40), final_capture: true },
    );
    s.ok(
        day(1, 16, 2),
        PointsCommand::PlaceHold { hold: hold(0x2002), points: Points::new(30), order: None, expires_at: None },
    );
    s.ok(day(1, 16, 3), PointsCommand::ReleaseHold { hold: hold(0x2002) });
    s.ok(
        day(1, 17, 2),
        PointsCommand::PlaceHold {
            hold: hold(0x2003),
            points: Points::new(20),
            order: Some(order("HD-1005")),
            expires_at: Some(day(1, 18, 2)),
        },
    );
    s.ok(day(1, 19, 2), PointsCommand::ProcessDue);
    s.ok(
        day(1, 20, 2),
        PointsCommand::AdjustPoints {
            points: Points::new(25),
            reason: "missed scan at till 3".into(),
            actor: "staff-07".into(),
        },
    );
    s.ok(day(1, 21, 2), PointsCommand::RefundRedemption { order: order("HD-1003"), points: Some(Points::new(60)) });
    s.ok(day(2, 2, 2), earn("HD-1006", &[900, 300]));
    s.ok(day(3, 1, 2), PointsCommand::ProcessDue);
    s.ok(
        day(3, 1, 3),
        PointsCommand::RedeemPoints { order: order("HD-1008"), points: Points::new(1_300), order_total: usd(20_000) },
    );
    s.ok(day(3, 2, 2), PointsCommand::ReturnPurchase { order: order("HD-1006"), lines: Some(vec![LineId::new(1)]) });
    // A line returned twice.
    s.rejected(
        day(3, 2, 3),
        PointsCommand::ReturnPurchase { order: order("HD-1006"), lines: Some(vec![LineId::new(1)]) },
    );
    s.ok(
        day(3, 3, 2),
        PointsCommand::AwardBonus { points: Points::new(10), reason: BonusReason::Birthday, expires_at: None },
    );
    s.ok(day(3, 4, 2), earn("HD-1007", &[80]));
    // No tier to reach.
    s.rejected(day(3, 5, 1), PointsCommand::ReevaluateTier);
    // The program lowers gold to 500 points: the host asks for a reevaluation.
    let lowered: &'static LoyaltyProgram = Box::leak(Box::new(points_program_with_gold(500)));
    s.context = lowered;
    s.ok(day(3, 5, 2), PointsCommand::ReevaluateTier);
    s.ok(
        day(3, 6, 2),
        PointsCommand::AwardBonus {
            points: Points::new(5),
            reason: BonusReason::Goodwill { note: "late delivery".into() },
            expires_at: None,
        },
    );
    // Then nothing but the deadlines (activation, tier reviews) until the account falls dormant.
    for _ in 0..12 {
        let deadline = s.state.next_deadline().expect("a deadline");
        let events = s.ok(deadline, PointsCommand::ProcessDue);
        if events.iter().any(|e| matches!(e, PointsEvent::AccountDormant { .. })) {
            return s;
        }
    }
    panic!("the account never fell dormant");
}

// ------------------------------------------------------------------------------------------------------ wallet

/// VND in Ho Chi Minh City; 10 % bonus from 1,000,000 VND, usable for 30 days; balance up to 20,000,000 VND.
pub fn wallet_program() -> StoredValueProgram {
    let mut spec = StoredValueSpec::new(chrono_tz::Asia::Ho_Chi_Minh, Currency::VND);
    spec.bonus_tiers.push(BonusTier {
        min_top_up: vnd(1_000_000),
        bonus: Bonus::Percent { percent: Decimal::TEN },
        restricted_to: vec![],
    });
    spec.bonus_expiry = BonusExpiry::Days { days: 30 };
    spec.max_balance = Some(vnd(20_000_000));
    StoredValueProgram::new(spec).unwrap()
}

/// A prepaid card's life: top-ups with a bonus, a gift card and store credit, spends with receipts, holds
/// captured, released and expired, refunds of a spend and a top-up, bonus expiry, and closing.
pub fn wallet_stream(program: &StoredValueProgram) -> Script<'_, StoredValueAccount> {
    let account = StoredValueAccount::new(AccountId::from_u128(0x3001).unwrap(), Currency::VND);
    let mut s = Script::new(program, account, 0x3_0001);
    s.ok(day(1, 5, 2), WalletCommand::TopUp { payment: pay("MOMO-7781"), amount: vnd(2_000_000) });
    // Over the balance cap.
    s.rejected(day(1, 5, 3), WalletCommand::TopUp { payment: pay("MOMO-7782"), amount: vnd(30_000_000) });
    s.ok(
        day(1, 6, 2),
        WalletCommand::IssueValue {
            kind: IssueKind::GiftCard,
            reference: pay("GC-0042"),
            amount: vnd(500_000),
            restricted_to: vec![],
            expires_at: Some(day(12, 31, 17)),
        },
    );
    s.ok(
        day(1, 6, 3),
        WalletCommand::IssueValue {
            kind: IssueKind::StoreCredit,
            reference: pay("CN-0007"),
            amount: vnd(150_000),
            restricted_to: vec![],
            expires_at: None,
        },
    );
    s.ok(day(1, 7, 5), WalletCommand::Spend { order: order("HD-2001"), amount: vnd(450_000), tags: vec![] });
    s.ok(
        day(1, 8, 5),
        WalletCommand::PlaceHold {
            hold: hold(0x4001),
            order: order("HD-2002"),
            amount: vnd(300_000),
            tags: vec![],
            expires_at: Some(day(1, 9, 5)),
        },
    );
    s.ok(day(1, 8, 6), WalletCommand::CaptureHold { hold: hold(0x4001), amount: vnd(250_000), final_capture: true });
    s.ok(
        day(1, 10, 5),
        WalletCommand::PlaceHold {
            hold: hold(0x4002),
            order: order("HD-2003"),
            amount: vnd(100_000),
            tags: vec![],
            expires_at: None,
        },
    );
    s.ok(day(1, 10, 6), WalletCommand::ReleaseHold { hold: hold(0x4002) });
    s.ok(
        day(1, 11, 5),
        WalletCommand::PlaceHold {
            hold: hold(0x4003),
            order: order("HD-2004"),
            amount: vnd(80_000),
            tags: vec![],
            expires_at: Some(day(1, 12, 5)),
        },
    );
    s.ok(day(1, 13, 5), WalletCommand::ProcessDue);
    // Nothing left due.
    s.rejected(day(1, 13, 6), WalletCommand::ProcessDue);
    s.ok(day(1, 14, 5), WalletCommand::RefundSpend { order: order("HD-2001"), amount: Some(vnd(200_000)) });
    s.ok(day(1, 15, 5), WalletCommand::TopUp { payment: pay("VNPAY-1203"), amount: vnd(400_000) });
    s.ok(day(1, 16, 5), WalletCommand::RefundTopUp { payment: pay("VNPAY-1203"), amount: None });
    s.ok(day(1, 20, 5), WalletCommand::TopUp { payment: pay("MOMO-7790"), amount: vnd(1_000_000) });
    s.ok(day(2, 20, 5), WalletCommand::ProcessDue);
    s.ok(day(2, 21, 5), WalletCommand::Spend { order: order("HD-2005"), amount: vnd(1_000_000), tags: vec![] });
    s.ok(day(3, 1, 5), WalletCommand::Close);
    s
}

// ---------------------------------------------------------------------------------------------------- customer

/// A customer's record from sign-up to erasure: profile, dates, consent given and taken back, preferences,
/// purchases and a refund.
pub fn customer_stream() -> Script<'static, Customer> {
    let mut s = Script::new(&(), Customer::new(CustomerId::from_u128(0x5001).unwrap()), 0x5_0001);
    let profile = NewProfile::default()
        .full_name("Nguyễn Thị Lan")
        .unwrap()
        .preferred_name("chị Lan")
        .unwrap()
        .phone("0903 123 456", Region::VN)
        .unwrap()
        .email("lan.nguyen@example.vn")
        .unwrap()
        .build();
    // Nothing can happen to a customer before registration.
    s.rejected(day(1, 5, 1), CustomerCommand::Erase);
    s.ok(day(1, 5, 2), CustomerCommand::Register { profile, registered_at: Some(day(1, 4, 9)) });
    s.ok(
        day(1, 6, 2),
        CustomerCommand::UpdateProfile {
            patch: ProfilePatch { preferred_name: Some(Change::Set("Lan".parse().unwrap())), ..Default::default() },
        },
    );
    s.ok(
        day(1, 6, 3),
        CustomerCommand::SetImportantDate {
            kind: OccasionKind::Birthday,
            date: AnnualDate::new(3, 8, Some(1990)).unwrap(),
        },
    );
    s.ok(
        day(1, 6, 4),
        CustomerCommand::SetImportantDate {
            kind: OccasionKind::Custom(OccasionLabel::new("mother's birthday").unwrap()),
            date: AnnualDate::new(10, 20, None).unwrap(),
        },
    );
    s.ok(
        day(1, 6, 5),
        CustomerCommand::RemoveImportantDate {
            kind: OccasionKind::Custom(OccasionLabel::new("mother's birthday").unwrap()),
        },
    );
    s.ok(
        day(1, 7, 2),
        CustomerCommand::GrantConsent {
            channel: Channel::Sms,
            purpose: Purpose::Marketing,
            source: Some(ConsentSource::new("signup form").unwrap()),
        },
    );
    s.ok(
        day(1, 7, 3),
        CustomerCommand::GrantConsent { channel: Channel::Email, purpose: Purpose::Service, source: None },
    );
    s.ok(
        day(1, 8, 2),
        CustomerCommand::SetPreferences {
            patch: PreferencesPatch {
                language: Some(Change::Set("vi-VN".parse().unwrap())),
                preferred_channel: Some(Change::Set(Channel::Sms)),
                time_zone: Some(Change::Set(chrono_tz::Asia::Ho_Chi_Minh)),
                ..Default::default()
            },
        },
    );
    s.ok(
        day(1, 9, 2),
        CustomerCommand::RecordPurchase(Purchase {
            order_id: order("HD-3001"),
            amount: vnd(1_850_000),
            purchased_at: day(1, 9, 1),
            channel: SalesChannel::InStore,
            store: Some(StoreId::new("HCM-Q1").unwrap()),
        }),
    );
    s.ok(
        day(1, 10, 2),
        CustomerCommand::RecordPurchase(Purchase {
            order_id: order("HD-3002"),
            amount: vnd(420_000),
            purchased_at: day(1, 10, 1),
            channel: SalesChannel::Online,
            store: None,
        }),
    );
    s.ok(
        day(1, 11, 2),
        CustomerCommand::RecordRefund(Refund {
            order_id: order("HD-3002"),
            amount: vnd(420_000),
            refunded_at: day(1, 11, 1),
        }),
    );
    s.ok(
        day(1, 12, 2),
        CustomerCommand::RevokeConsent {
            channel: Channel::Sms,
            purpose: Purpose::Marketing,
            source: Some(ConsentSource::new("replied STOP").unwrap()),
        },
    );
    s.ok(day(2, 1, 2), CustomerCommand::Erase);
    // An erased customer takes no more commands.
    s.rejected(
        day(2, 2, 2),
        CustomerCommand::GrantConsent { channel: Channel::Sms, purpose: Purpose::Service, source: None },
    );
    s
}
