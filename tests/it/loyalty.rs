//! Loyalty points and the lot engine: known answers, bad input and properties.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use customer_care::ledger::{
    Allocation, AllocationPolicy, Category, Credit, Ledger, LedgerError, LineId, LotId, Origin,
};
use customer_care::loyalty::{
    BonusReason, ClawbackPolicy, ExpiredRefundPolicy, ExpiryPolicy, ExpiryStart, LoyaltyError, LoyaltyProgram, Points,
    PointsAccount, PointsCommand, PointsEvent, PointsFraction, PointsReceipt, ProgramSpec, PurchaseLine, Tier,
    TierMetric, TierName, TierRules, TierWindow,
};
use customer_care::{AccountId, Command, CommandId, Commit, Currency, Decision, HoldId, Money, OrderId, StreamError};
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::common::ledger_strategies::{ledger_ops, run_ledger, t0};

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, day, hour, 0, 0).unwrap()
}

fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::USD)
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn order(n: u32) -> OrderId {
    OrderId::new(&format!("R-{n}")).unwrap()
}

/// 1 point per USD, 100 points = 1 USD, never expiring, within-balance clawback.
fn spec() -> ProgramSpec {
    ProgramSpec::new(chrono_tz::UTC, usd(100), dec("1")).redeem(Points::new(100), usd(100))
}

fn program(spec: ProgramSpec) -> LoyaltyProgram {
    LoyaltyProgram::new(spec).unwrap()
}

struct Host {
    program: LoyaltyProgram,
    account: PointsAccount,
    commits: Vec<Commit<PointsCommand, PointsEvent>>,
    next_id: u128,
}

impl Host {
    fn new(program: LoyaltyProgram) -> Self {
        Self { program, account: PointsAccount::new(AccountId::from_u128(1).unwrap()), commits: Vec::new(), next_id: 1 }
    }

    fn submit(&mut self, issued_at: DateTime<Utc>, body: PointsCommand) -> Result<Vec<PointsEvent>, LoyaltyError> {
        let cmd = Command::new(CommandId::from_u128(self.next_id).unwrap(), issued_at, body);
        self.next_id += 1;
        self.run(&cmd)
    }

    fn run(&mut self, cmd: &Command<PointsCommand>) -> Result<Vec<PointsEvent>, LoyaltyError> {
        let before = self.account.clone();
        match self.account.decide(&self.program, cmd) {
            Ok(Decision::Accepted(commit)) => {
                self.account.apply(&commit);
                self.account.check_invariants().unwrap();
                let events = commit.events.clone();
                self.commits.push(commit);
                Ok(events)
            }
            Ok(Decision::Duplicate { .. }) => Ok(Vec::new()),
            Err(e) => {
                assert_eq!(self.account, before);
                Err(e)
            }
        }
    }

    fn ok(&mut self, issued_at: DateTime<Utc>, body: PointsCommand) -> Vec<PointsEvent> {
        self.submit(issued_at, body).unwrap()
    }
}

fn earn(n: u32, lines: &[i64]) -> PointsCommand {
    PointsCommand::EarnPoints {
        order: order(n),
        lines: lines
            .iter()
            .enumerate()
            .map(|(i, m)| PurchaseLine { line: LineId::new(i as u32 + 1), amount: usd(*m), tags: vec![] })
            .collect(),
    }
}

fn redeem(n: u32, points: i64) -> PointsCommand {
    PointsCommand::RedeemPoints { order: order(n), points: Points::new(points), order_total: usd(1_000_000) }
}

fn credit(version: u64, amount: i64, expires_at: Option<DateTime<Utc>>) -> Credit<Points> {
    Credit {
        lot: LotId::new(version, 0),
        amount: Points::new(amount),
        category: Category::constant("base"),
        origin: Origin::default(),
        restricted_to: vec![],
        activates_at: None,
        expires_at,
    }
}

fn alloc(version: u64, amount: i64) -> Allocation<Points> {
    Allocation { lot: LotId::new(version, 0), amount: Points::new(amount) }
}

// ------------------------------------------------------------------ known answers

#[test]
fn replay_past_the_idempotency_window_equals_live_and_still_answers_duplicates() {
    let mut h = Host::new(program(spec()));
    for n in 0..300u32 {
        let body = if n % 3 == 2 { redeem(n, 5) } else { earn(n, &[1_000 + i64::from(n)]) };
        h.ok(at(1, 0) + TimeDelta::minutes(i64::from(n)), body);
    }
    let replayed = PointsAccount::replay(PointsAccount::new(h.account.id()), &h.commits).unwrap();
    assert_eq!(replayed, h.account);
    assert_eq!(customer_care::stream::replay(PointsAccount::new(h.account.id()), &h.commits).unwrap(), h.account);
    let last = h.commits.last().unwrap().command.clone();
    assert_eq!(replayed.decide(&h.program, &last).unwrap(), Decision::Duplicate { version: 300 });
    let oldest_kept = &h.commits[300 - customer_care::stream::IDEMPOTENCY_WINDOW].command;
    assert!(matches!(replayed.decide(&h.program, oldest_kept).unwrap(), Decision::Duplicate { .. }));
    let mut changed = last;
    changed.body = redeem(9_999, 5);
    assert!(matches!(
        replayed.decide(&h.program, &changed),
        Err(LoyaltyError::Stream(StreamError::ExistsWithDifferentBody { version: 300, .. }))
    ));
}

#[test]
fn earn_spend_expire_leaves_zero_and_forty_expired() {
    let d = at(31, 0);
    let mut ledger = Ledger::new(Points::ZERO);
    let c = credit(1, 100, Some(d));
    ledger.validate_credit(&c, at(1, 0)).unwrap();
    ledger.apply_credit(&c, at(1, 0));
    let used = ledger.plan_debit(&Points::new(60), &AllocationPolicy::default(), &[]).unwrap();
    ledger.apply_debit(&used);
    // One instant before D nothing is due; at D the lot expires (half-open).
    assert!(!ledger.needs_settle(d - TimeDelta::nanoseconds(1)));
    let mut facts = Vec::new();
    ledger.settle(d, &mut |f| facts.push(f));
    assert_eq!(*ledger.available(), Points::ZERO);
    assert_eq!(ledger.totals().expired, Points::new(40));
    assert_eq!(ledger.totals().debited, Points::new(60));
    ledger.check_invariants().unwrap();
    assert_eq!(
        ledger.plan_debit(&Points::new(1), &AllocationPolicy::default(), &[]).unwrap_err(),
        LedgerError::InsufficientBalance { requested: Points::new(1), available: Points::ZERO }
    );
}

#[test]
fn soonest_expiry_and_fifo_pick_different_lots() {
    let d = at(10, 0);
    let mut ledger = Ledger::new(Points::ZERO);
    for (v, exp) in [(1, Some(d + TimeDelta::days(10))), (2, Some(d + TimeDelta::days(5))), (3, None)] {
        ledger.apply_credit(&credit(v, 50, exp), at(1, 0));
    }
    let soonest = ledger.plan_debit(&Points::new(80), &AllocationPolicy::SoonestExpiring, &[]).unwrap();
    assert_eq!(soonest, [alloc(2, 50), alloc(1, 30)]);
    let fifo = ledger.plan_debit(&Points::new(80), &AllocationPolicy::Fifo, &[]).unwrap();
    assert_eq!(fifo, [alloc(1, 50), alloc(2, 30)]);
    let lifo = ledger.plan_debit(&Points::new(80), &AllocationPolicy::Lifo, &[]).unwrap();
    assert_eq!(lifo, [alloc(3, 50), alloc(2, 30)]);
    let explicit = AllocationPolicy::Explicit { lots: vec![LotId::new(3, 0), LotId::new(1, 0)] };
    assert_eq!(ledger.plan_debit(&Points::new(80), &explicit, &[]).unwrap(), [alloc(3, 50), alloc(1, 30)]);
    let unknown = AllocationPolicy::Explicit { lots: vec![LotId::new(9, 0)] };
    assert_eq!(
        ledger.plan_debit(&Points::new(1), &unknown, &[]).unwrap_err(),
        LedgerError::LotNotFound { lot: LotId::new(9, 0) }
    );
    let explanation = ledger.explain(5);
    assert_eq!(explanation.next_expiries.len(), 2);
    assert_eq!(explanation.next_expiries[0].expires_at, d + TimeDelta::days(5));
}

#[test]
fn hold_capture_partial_then_final_releases_the_rest() {
    let mut h = Host::new(program(spec()));
    h.ok(at(1, 0), earn(1, &[15_000]));
    let hold = HoldId::from_u128(7).unwrap();
    h.ok(
        at(1, 1),
        PointsCommand::PlaceHold { hold, points: Points::new(100), order: Some(order(9)), expires_at: None },
    );
    assert_eq!(h.account.points_available(), Points::new(50));
    assert_eq!(h.account.points_held(), Points::new(100));
    h.ok(at(1, 2), PointsCommand::CaptureHold { hold, points: Points::new(30), final_capture: false });
    let events = h.ok(at(1, 3), PointsCommand::CaptureHold { hold, points: Points::new(20), final_capture: true });
    let PointsEvent::HoldCaptured { released, closed, .. } = &events[0] else { panic!("{events:?}") };
    assert_eq!(released, &[alloc(1, 50)]);
    assert!(closed);
    assert_eq!(h.account.points_available(), Points::new(100));
    assert_eq!(h.account.points_held(), Points::ZERO);
    assert_eq!(h.account.ledger().totals().debited, Points::new(50));
    let err = h.submit(at(1, 4), PointsCommand::CaptureHold { hold, points: Points::new(1), final_capture: false });
    assert_eq!(err.unwrap_err().to_string(), format!("hold {hold} is captured"));
    // Captured points are a refundable redemption of the hold's order.
    h.ok(at(1, 5), PointsCommand::RefundRedemption { order: order(9), points: None });
    assert_eq!(h.account.points_available(), Points::new(150));
}

#[test]
fn hold_expires_at_its_deadline_and_capture_exceeding_is_rejected() {
    let mut h = Host::new(program(spec()));
    h.ok(at(1, 0), earn(1, &[10_000]));
    let hold = HoldId::from_u128(8).unwrap();
    h.ok(at(1, 1), PointsCommand::PlaceHold { hold, points: Points::new(40), order: None, expires_at: Some(at(2, 0)) });
    let err = h.submit(at(1, 2), PointsCommand::CaptureHold { hold, points: Points::new(41), final_capture: false });
    assert_eq!(
        err.unwrap_err(),
        LoyaltyError::CaptureExceedsHold { hold, requested: Points::new(41), held: Points::new(40) }
    );
    assert_eq!(h.account.next_deadline(), Some(at(2, 0)));
    let events = h.ok(at(3, 0), PointsCommand::ProcessDue);
    assert!(matches!(events[0], PointsEvent::HoldExpired { .. }), "{events:?}");
    assert_eq!(h.account.points_available(), Points::new(100));
    let err = h.submit(at(3, 1), PointsCommand::CaptureHold { hold, points: Points::new(1), final_capture: false });
    assert_eq!(err.unwrap_err().to_string(), format!("hold {hold} is expired"));
    let err = h.submit(at(3, 2), PointsCommand::ProcessDue).unwrap_err();
    assert!(matches!(err, LoyaltyError::NothingDue { .. }));
}

#[test]
fn within_balance_clawback_never_goes_below_zero() {
    let mut h = Host::new(program(spec()));
    h.ok(at(1, 0), earn(1, &[6_000, 4_000]));
    h.ok(at(1, 1), redeem(2, 80));
    assert_eq!(h.account.points_available(), Points::new(20));
    let events = h.ok(at(1, 2), PointsCommand::ReturnPurchase { order: order(1), lines: None });
    let PointsEvent::PointsClawedBack { points, allocations, debt, forgiven, .. } = &events[0] else { panic!() };
    assert_eq!((*points, *debt, *forgiven), (Points::new(100), Points::ZERO, Points::new(80)));
    assert_eq!(allocations, &[alloc(1, 20)]);
    assert_eq!(h.account.points_available(), Points::ZERO);
    assert_eq!(h.account.points_balance(), Points::ZERO);
    let err = h.submit(at(1, 3), PointsCommand::ReturnPurchase { order: order(1), lines: Some(vec![LineId::new(1)]) });
    assert_eq!(err.unwrap_err(), LoyaltyError::LineAlreadyReturned { order: order(1), line: LineId::new(1) });
}

#[test]
fn partial_return_claws_back_the_line_share() {
    let mut h = Host::new(program(spec()));
    h.ok(at(1, 0), earn(1, &[6_000, 4_000]));
    let events = h.ok(at(1, 1), PointsCommand::ReturnPurchase { order: order(1), lines: Some(vec![LineId::new(2)]) });
    let PointsEvent::PointsClawedBack { points, .. } = &events[0] else { panic!() };
    assert_eq!(*points, Points::new(40));
    assert_eq!(h.account.points_available(), Points::new(60));
}

#[test]
fn bounded_debt_is_repaid_first_by_later_earns() {
    let mut s = spec();
    s.clawback = ClawbackPolicy::AllowDebt { max_debt: Points::new(50) };
    let mut h = Host::new(program(s));
    h.ok(at(1, 0), earn(1, &[10_000]));
    h.ok(at(1, 1), redeem(2, 90));
    let events = h.ok(at(1, 2), PointsCommand::ReturnPurchase { order: order(1), lines: None });
    let PointsEvent::PointsClawedBack { debt, forgiven, .. } = &events[0] else { panic!() };
    assert_eq!((*debt, *forgiven), (Points::new(50), Points::new(40)));
    assert_eq!(h.account.points_balance(), Points::new(-50));
    let events = h.ok(at(1, 3), earn(3, &[3_000]));
    assert!(matches!(events.last(), Some(PointsEvent::DebtRepaid { .. })), "{events:?}");
    assert_eq!(h.account.points_owed(), Points::new(20));
    assert_eq!(h.account.points_available(), Points::ZERO);
    h.ok(at(1, 4), earn(4, &[3_000]));
    assert_eq!(h.account.points_owed(), Points::ZERO);
    assert_eq!(h.account.points_available(), Points::new(10));
}

#[test]
fn pending_only_clawback_keeps_active_points() {
    let mut s = spec();
    s.pending_days = 14;
    s.clawback = ClawbackPolicy::PendingOnly;
    let mut h = Host::new(program(s));
    h.ok(at(1, 0), earn(1, &[5_000]));
    h.ok(at(1, 0), earn(2, &[7_000]));
    assert_eq!(h.account.points_pending(), Points::new(120));
    assert_eq!(h.account.next_deadline(), Some(at(15, 0)));
    h.ok(at(2, 0), PointsCommand::ReturnPurchase { order: order(1), lines: None });
    assert_eq!(h.account.points_pending(), Points::new(70));
    let events = h.ok(at(20, 0), PointsCommand::ProcessDue);
    assert!(matches!(events[0], PointsEvent::LotActivated { .. }));
    assert_eq!(h.account.points_available(), Points::new(70));
    let events = h.ok(at(21, 0), PointsCommand::ReturnPurchase { order: order(2), lines: None });
    let PointsEvent::PointsClawedBack { forgiven, .. } = &events[0] else { panic!() };
    assert_eq!(*forgiven, Points::new(70));
    assert_eq!(h.account.points_available(), Points::new(70));
}

#[test]
fn january_31_plus_one_month_is_usable_through_february_28() {
    let mut s = spec();
    s.zone = chrono_tz::Asia::Ho_Chi_Minh;
    s.expiry = ExpiryPolicy::RollingMonths { months: 1 };
    let p = program(s);
    // 31 January 2026, 10:00 in Ho Chi Minh City (UTC+7).
    let earned_at = Utc.with_ymd_and_hms(2026, 1, 31, 3, 0, 0).unwrap();
    // Usable through 28 February local: expires at 1 March 00:00 local = 28 February 17:00 UTC.
    assert_eq!(p.expiry_for(earned_at), Some(Utc.with_ymd_and_hms(2026, 2, 28, 17, 0, 0).unwrap()));
    let leap = Utc.with_ymd_and_hms(2028, 1, 31, 3, 0, 0).unwrap();
    assert_eq!(p.expiry_for(leap), Some(Utc.with_ymd_and_hms(2028, 2, 29, 17, 0, 0).unwrap()));

    let mut h = Host::new(p);
    h.ok(earned_at, earn(1, &[10_000]));
    let expiry = Utc.with_ymd_and_hms(2026, 2, 28, 17, 0, 0).unwrap();
    h.ok(expiry - TimeDelta::seconds(1), redeem(2, 10));
    assert_eq!(h.account.points_available(), Points::new(90));
    assert_eq!(
        h.submit(expiry, redeem(3, 1)).unwrap_err(),
        LoyaltyError::InsufficientPoints { requested: Points::new(1), available: Points::ZERO }
    );
}

#[test]
fn redeeming_at_the_expiry_instant_is_rejected() {
    let mut s = spec();
    s.expiry = ExpiryPolicy::RollingDays { days: 10 };
    let p = program(s);
    let expiry = p.expiry_for(at(1, 12)).unwrap();
    assert_eq!(expiry, at(12, 0));
    let mut h = Host::new(p);
    h.ok(at(1, 12), earn(1, &[10_000]));
    let err = h.submit(expiry, redeem(2, 1)).unwrap_err();
    assert_eq!(err.to_string(), "insufficient points: requested 1, available 0");
    // The rejected command committed nothing, so the expiry is still to be recorded.
    let events = h.ok(expiry + TimeDelta::days(3), PointsCommand::ProcessDue);
    assert_eq!(events, [PointsEvent::LotExpired { lot: LotId::new(1, 0), points: Points::new(100) }]);
}

#[test]
fn refund_restores_the_original_lots() {
    let mut s = spec();
    s.expiry = ExpiryPolicy::RollingDays { days: 10 };
    let mut h = Host::new(program(s));
    h.ok(at(1, 0), earn(1, &[5_000]));
    h.ok(at(2, 0), earn(2, &[5_000]));
    let events = h.ok(at(3, 0), redeem(3, 70));
    let PointsEvent::PointsRedeemed { allocations, value, .. } = &events[0] else { panic!() };
    assert_eq!(allocations, &[alloc(1, 50), alloc(2, 20)]);
    assert_eq!(*value, usd(70));
    let events = h.ok(at(4, 0), PointsCommand::RefundRedemption { order: order(3), points: Some(Points::new(30)) });
    let PointsEvent::RedemptionRefunded { restored, .. } = &events[0] else { panic!() };
    assert_eq!(restored, &[alloc(2, 20), alloc(1, 10)]);
    let lot1 = h.account.ledger().lot(LotId::new(1, 0)).unwrap();
    assert_eq!(*lot1.remaining(), Points::new(10));
    assert_eq!(lot1.expires_at(), Some(at(12, 0)));
    h.ok(at(5, 0), PointsCommand::RefundRedemption { order: order(3), points: None });
    assert_eq!(h.account.points_available(), Points::new(100));
    let err = h.submit(at(5, 1), PointsCommand::RefundRedemption { order: order(3), points: None }).unwrap_err();
    assert_eq!(err, LoyaltyError::RedemptionNotFound { order: order(3) });
}

#[test]
fn refund_into_an_expired_lot_follows_the_policy() {
    for (policy, available, expired) in [
        (ExpiredRefundPolicy::Forfeit, 0, 100),
        (ExpiredRefundPolicy::Grace { days: 3 }, 60, 40),
        (ExpiredRefundPolicy::FreshExpiry, 60, 40),
    ] {
        let mut s = spec();
        s.expiry = ExpiryPolicy::RollingDays { days: 5 };
        s.expired_refund = policy;
        let mut h = Host::new(program(s));
        h.ok(at(1, 0), earn(1, &[10_000]));
        h.ok(at(2, 0), redeem(2, 60));
        h.ok(at(20, 0), PointsCommand::RefundRedemption { order: order(2), points: None });
        assert_eq!(h.account.points_available(), Points::new(available), "{policy:?}");
        assert_eq!(h.account.ledger().totals().expired, Points::new(expired), "{policy:?}");
        if let ExpiredRefundPolicy::Grace { .. } = policy {
            assert_eq!(h.account.next_deadline(), Some(at(24, 0)));
        }
    }
}

#[test]
fn three_earns_of_33_3_points_lose_nothing_to_rounding() {
    let mut h = Host::new(program(spec()));
    for n in 1..=3 {
        h.ok(at(1, n), earn(n, &[3_330]));
    }
    assert_eq!(h.account.points_available(), Points::new(99));
    assert_eq!(h.account.remainder().to_string(), "0.9");
    // 99 credited + 0.9 carried = 99.9 earned; the next 0.1 completes the point.
    h.ok(at(1, 5), earn(4, &[10]));
    assert_eq!(h.account.points_available(), Points::new(100));
    assert_eq!(h.account.remainder(), PointsFraction::ZERO);
}

#[test]
fn earn_rules_tags_campaigns_caps_and_minimum_spend() {
    let mut s = spec();
    s.earn.rates[0].min_spend = Some(usd(500));
    s.earn.per_order = Points::new(5);
    s.earn.tag_rules = vec![customer_care::loyalty::TagRule {
        tag: "coffee".parse().unwrap(),
        multiplier: dec("2"),
        points_per_line: Points::new(1),
    }];
    s.earn.campaigns = vec![customer_care::loyalty::Campaign {
        name: "double days".into(),
        display_name: None,
        starts_at: at(10, 0),
        ends_at: at(11, 0),
        multiplier: dec("2"),
    }];
    s.earn.cap_per_order = Some(customer_care::loyalty::Cap {
        max: Points::new(200),
        behaviour: customer_care::loyalty::CapBehaviour::Cap,
    });
    let mut h = Host::new(program(s.clone()));
    let err = h.submit(at(1, 0), earn(1, &[499])).unwrap_err();
    assert_eq!(err.to_string(), "order total 4.99 USD is below the minimum spend 5.00 USD");
    let coffee = PointsCommand::EarnPoints {
        order: order(2),
        lines: vec![
            PurchaseLine { line: LineId::new(1), amount: usd(1_000), tags: vec!["coffee".parse().unwrap()] },
            PurchaseLine { line: LineId::new(2), amount: usd(1_000), tags: vec![] },
        ],
    };
    // 10 × 2 + 1 = 21 for coffee, 10 for the rest, 5 per order.
    h.ok(at(1, 1), coffee);
    assert_eq!(h.account.points_available(), Points::new(36));
    // Campaign doubles the line points: 2 × 50 + 5.
    h.ok(at(10, 12), earn(3, &[5_000]));
    assert_eq!(h.account.points_available(), Points::new(141));
    let events = h.ok(at(12, 0), earn(4, &[100_000]));
    let PointsEvent::PointsEarned { points, capped, .. } = &events[0] else { panic!() };
    assert_eq!((*points, *capped), (Points::new(200), true));
    s.earn.cap_per_order = Some(customer_care::loyalty::Cap {
        max: Points::new(200),
        behaviour: customer_care::loyalty::CapBehaviour::Reject,
    });
    let mut h = Host::new(program(s));
    assert_eq!(
        h.submit(at(12, 0), earn(4, &[100_000])).unwrap_err(),
        LoyaltyError::EarnCapExceeded { points: Points::new(1005), cap: Points::new(200) }
    );
}

#[test]
fn period_cap_counts_per_calendar_month_in_the_zone() {
    let mut s = spec();
    s.earn.cap_per_period = Some(customer_care::loyalty::PeriodCap {
        max: Points::new(150),
        period: customer_care::loyalty::Period::Month,
        behaviour: customer_care::loyalty::CapBehaviour::Cap,
    });
    let mut h = Host::new(program(s));
    h.ok(at(1, 0), earn(1, &[10_000]));
    h.ok(at(2, 0), earn(2, &[10_000]));
    assert_eq!(h.account.points_available(), Points::new(150));
    h.ok(Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap(), earn(3, &[10_000]));
    assert_eq!(h.account.points_available(), Points::new(250));
}

#[test]
fn redemption_rules_and_quote() {
    let mut s = spec();
    s.redemption.min_points = Points::new(50);
    s.redemption.max_share = dec("0.5");
    let p = program(s);
    assert_eq!(p.max_points_for(usd(1_999)).unwrap(), Points::new(999));
    assert_eq!(p.value_of(Points::new(250), Currency::USD).unwrap(), usd(250));
    let mut h = Host::new(p);
    h.ok(at(1, 0), earn(1, &[100_000]));
    let small = PointsCommand::RedeemPoints { order: order(2), points: Points::new(49), order_total: usd(10_000) };
    assert_eq!(
        h.submit(at(1, 1), small).unwrap_err().to_string(),
        "redemption of 49 points is below the minimum of 50"
    );
    let big = PointsCommand::RedeemPoints { order: order(2), points: Points::new(5_001), order_total: usd(10_000) };
    assert_eq!(
        h.submit(at(1, 1), big).unwrap_err().to_string(),
        "redemption of 5001 points exceeds the maximum of 5000 for an order of 100.00 USD"
    );
    let vnd = PointsCommand::RedeemPoints {
        order: order(2),
        points: Points::new(50),
        order_total: Money::from_minor(100_000, Currency::VND),
    };
    assert_eq!(h.submit(at(1, 1), vnd).unwrap_err(), LoyaltyError::NoRedemptionRate { currency: Currency::VND });
}

#[test]
fn bad_input_is_typed_and_changes_nothing() {
    let mut h = Host::new(program(spec()));
    h.ok(at(2, 0), earn(1, &[1_000]));
    assert_eq!(
        h.submit(at(2, 0), earn(1, &[1_000])).unwrap_err(),
        LoyaltyError::OrderAlreadyEarned { order: order(1) }
    );
    assert_eq!(h.submit(at(2, 0), earn(2, &[])).unwrap_err(), LoyaltyError::EmptyOrder { order: order(2) });
    assert_eq!(h.submit(at(2, 0), earn(2, &[0])).unwrap_err(), LoyaltyError::NonPositiveAmount { amount: usd(0) });
    let eur = PointsCommand::EarnPoints {
        order: order(2),
        lines: vec![PurchaseLine { line: LineId::new(1), amount: Money::from_minor(100, Currency::EUR), tags: vec![] }],
    };
    assert_eq!(h.submit(at(2, 0), eur).unwrap_err().to_string(), "no earn rate for EUR");
    assert_eq!(
        h.submit(at(2, 0), redeem(2, 11)).unwrap_err().to_string(),
        "insufficient points: requested 11, available 10"
    );
    assert_eq!(h.submit(at(2, 0), redeem(2, 0)).unwrap_err(), LoyaltyError::NonPositivePoints { points: Points::ZERO });
    let err = h.submit(at(1, 0), redeem(2, 1)).unwrap_err();
    assert!(matches!(err, LoyaltyError::Stream(StreamError::Backdated { .. })), "{err}");
    let unknown = HoldId::from_u128(99).unwrap();
    assert_eq!(
        h.submit(at(2, 0), PointsCommand::ReleaseHold { hold: unknown }).unwrap_err(),
        LoyaltyError::HoldNotFound { hold: unknown }
    );
    assert_eq!(
        h.submit(at(2, 0), PointsCommand::ReturnPurchase { order: order(1), lines: Some(vec![LineId::new(5)]) })
            .unwrap_err(),
        LoyaltyError::LineNotFound { order: order(1), line: LineId::new(5) }
    );
    let adjust = PointsCommand::AdjustPoints { points: Points::new(-5), reason: String::new(), actor: "ops".into() };
    assert_eq!(h.submit(at(2, 0), adjust).unwrap_err().to_string(), "reason must be 1 to 200 characters");
    assert_eq!(h.account.version(), 1);
}

#[test]
fn idempotency_returns_duplicate_and_rejects_a_different_body() {
    let mut h = Host::new(program(spec()));
    let cmd = Command::new(CommandId::from_u128(500).unwrap(), at(1, 0), earn(1, &[1_000]));
    h.run(&cmd).unwrap();
    let again = Command::new(cmd.id, at(1, 5), cmd.body.clone());
    assert_eq!(h.account.decide(&h.program, &again).unwrap(), Decision::Duplicate { version: 1 });
    let other = Command::new(cmd.id, at(1, 5), earn(2, &[1_000]));
    assert_eq!(
        h.account.decide(&h.program, &other).unwrap_err(),
        LoyaltyError::Stream(StreamError::ExistsWithDifferentBody { command_id: cmd.id, version: 1 })
    );
}

#[test]
fn adjustments_and_bonuses() {
    let mut h = Host::new(program(spec()));
    h.ok(
        at(1, 0),
        PointsCommand::AwardBonus { points: Points::new(50), reason: BonusReason::Birthday, expires_at: None },
    );
    h.ok(
        at(1, 1),
        PointsCommand::AdjustPoints { points: Points::new(-20), reason: "duplicate scan".into(), actor: "ops".into() },
    );
    h.ok(
        at(1, 2),
        PointsCommand::AdjustPoints { points: Points::new(5), reason: "goodwill".into(), actor: "ops".into() },
    );
    assert_eq!(h.account.points_available(), Points::new(35));
    let err = h.submit(
        at(1, 3),
        PointsCommand::AwardBonus { points: Points::new(5), reason: BonusReason::Birthday, expires_at: Some(at(1, 3)) },
    );
    assert!(matches!(err.unwrap_err(), LoyaltyError::ExpiryTooEarly { .. }));
}

#[test]
fn invalid_programs_are_rejected_when_built_and_deserialized() {
    let mut s = spec();
    s.earn.rates[0].points = Decimal::ZERO;
    assert_eq!(
        LoyaltyProgram::new(s).unwrap_err().to_string(),
        "invalid loyalty program: earn rate for USD must be greater than zero"
    );
    let tier = |name: &str, threshold: &str, mult: &str| Tier {
        name: TierName::new(name).unwrap(),
        display_name: None,
        threshold: dec(threshold),
        earn_multiplier: dec(mult),
        discount_percent: Decimal::ZERO,
    };
    let mut s = spec();
    s.tiers = Some(TierRules {
        metric: TierMetric::PointsEarned,
        window: TierWindow::CalendarYear,
        tiers: vec![tier("member", "0", "1"), tier("gold", "1000", "1.5"), tier("silver", "500", "1.2")],
        grace_days: 0,
        floor: None,
    });
    assert_eq!(
        LoyaltyProgram::new(s.clone()).unwrap_err().to_string(),
        "invalid loyalty program: tiers overlap: silver (threshold 500) must be above gold (threshold 1000)"
    );
    s.tiers.as_mut().unwrap().tiers = vec![tier("member", "0", "0")];
    assert!(LoyaltyProgram::new(s).unwrap_err().to_string().contains("earn multiplier 0 must be greater than zero"));
    let mut s = spec();
    s.redemption.rates[0].points = Points::ZERO;
    assert!(LoyaltyProgram::new(s).is_err());
    let mut s = spec();
    s.expiry = ExpiryPolicy::FixedDate { month: 2, day: 30 };
    assert!(LoyaltyProgram::new(s).is_err());

    let p = program(spec());
    let json = serde_json::to_string(&p).unwrap();
    assert_eq!(serde_json::from_str::<LoyaltyProgram>(&json).unwrap(), p);
    let bad = json.replace("\"points\":\"1\"", "\"points\":\"0\"");
    assert_ne!(bad, json);
    assert!(serde_json::from_str::<LoyaltyProgram>(&bad).is_err());
}

#[test]
fn ledger_works_for_money_too() {
    let mut ledger = Ledger::new(Money::zero(Currency::VND));
    let c = Credit {
        lot: LotId::new(1, 0),
        amount: Money::from_minor(50_000, Currency::VND),
        category: Category::constant("principal"),
        origin: Origin::default(),
        restricted_to: vec!["coffee".parse().unwrap()],
        activates_at: None,
        expires_at: None,
    };
    ledger.validate_credit(&c, t0()).unwrap();
    ledger.apply_credit(&c, t0());
    let usd_credit = Credit { amount: usd(1), lot: LotId::new(2, 0), ..c.clone() };
    assert!(matches!(ledger.validate_credit(&usd_credit, t0()), Err(LedgerError::UnitMismatch { .. })));
    let amount = Money::from_minor(20_000, Currency::VND);
    let tea = ["tea".parse().unwrap()];
    assert!(matches!(
        ledger.plan_debit(&amount, &AllocationPolicy::default(), &tea),
        Err(LedgerError::InsufficientBalance { .. })
    ));
    let coffee = ["coffee".parse().unwrap()];
    let used = ledger.plan_debit(&amount, &AllocationPolicy::default(), &coffee).unwrap();
    ledger.apply_debit(&used);
    assert_eq!(*ledger.available(), Money::from_minor(30_000, Currency::VND));
    ledger.check_invariants().unwrap();
    let json = serde_json::to_string(&ledger).unwrap();
    assert_eq!(serde_json::from_str::<Ledger<Money>>(&json).unwrap(), ledger);
}

// ------------------------------------------------------------------ properties

proptest! {
    #[test]
    fn ledger_invariants_hold_and_late_settling_equals_on_time(ops in ledger_ops(60)) {
        let (lazy, _) = run_ledger(&ops, Points::new, false);
        let (swept, _) = run_ledger(&ops, Points::new, true);
        prop_assert_eq!(&lazy, &swept);
        let json = serde_json::to_string(&lazy).unwrap();
        prop_assert_eq!(serde_json::from_str::<Ledger<Points>>(&json).unwrap(), lazy);
    }

    #[test]
    fn money_ledger_invariants_hold(ops in ledger_ops(40)) {
        let (lazy, _) = run_ledger(&ops, |n| Money::from_minor(n, Currency::USD), false);
        let (swept, _) = run_ledger(&ops, |n| Money::from_minor(n, Currency::USD), true);
        prop_assert_eq!(lazy, swept);
    }
}

/// One step of a simulated host.
#[derive(Clone, Debug)]
enum Step {
    Command { advance_minutes: u32, body: PointsCommand },
    Duplicate { index: usize, advance_minutes: u32 },
}

fn body() -> impl Strategy<Value = PointsCommand> {
    let hold = (1u128..4).prop_map(|n| HoldId::from_u128(n).unwrap());
    prop_oneof![
        4 => (1u32..12, proptest::collection::vec(1i64..30_000, 1..3)).prop_map(|(n, lines)| earn(n, &lines)),
        1 => (1i64..80).prop_map(|p| PointsCommand::AwardBonus {
            points: Points::new(p), reason: BonusReason::Birthday, expires_at: None
        }),
        3 => (20u32..30, 1i64..150).prop_map(|(n, p)| redeem(n, p)),
        1 => (hold.clone(), 1i64..100, 20u32..30, proptest::option::of(1i64..72)).prop_map(|(hold, p, n, exp)| {
            PointsCommand::PlaceHold {
                hold, points: Points::new(p), order: Some(order(n)),
                // Relative deadlines are resolved when the step runs.
                expires_at: exp.map(|h| t0() + TimeDelta::hours(h)),
            }
        }),
        1 => (hold.clone(), 1i64..80, any::<bool>()).prop_map(|(hold, p, f)| PointsCommand::CaptureHold {
            hold, points: Points::new(p), final_capture: f
        }),
        1 => hold.prop_map(|hold| PointsCommand::ReleaseHold { hold }),
        1 => (-40i64..40).prop_map(|p| PointsCommand::AdjustPoints {
            points: Points::new(p), reason: "fix".into(), actor: "ops".into()
        }),
        2 => (1u32..12, proptest::option::of(1u32..3)).prop_map(|(n, line)| PointsCommand::ReturnPurchase {
            order: order(n), lines: line.map(|l| vec![LineId::new(l)])
        }),
        2 => (20u32..30, proptest::option::of(1i64..100)).prop_map(|(n, p)| PointsCommand::RefundRedemption {
            order: order(n), points: p.map(Points::new)
        }),
        1 => Just(PointsCommand::ProcessDue),
        1 => Just(PointsCommand::ReevaluateTier),
    ]
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    let advance = prop_oneof![3 => Just(0u32), 3 => 1u32..600, 2 => 600u32..20_000];
    let step = prop_oneof![
        8 => (advance.clone(), body()).prop_map(|(advance_minutes, body)| Step::Command { advance_minutes, body }),
        1 => (any::<usize>(), advance).prop_map(|(index, advance_minutes)| Step::Duplicate { index, advance_minutes }),
    ];
    proptest::collection::vec(step, 1..50)
}

fn sim_program() -> LoyaltyProgram {
    let mut s = tier_spec();
    s.zone = chrono_tz::Asia::Ho_Chi_Minh;
    s.earn.rates[0].points = dec("0.7");
    if let Some(t) = s.tiers.as_mut() {
        t.window = TierWindow::RollingMonths { months: 1 };
        t.grace_days = 1;
    }
    s.pending_days = 2;
    s.expiry = ExpiryPolicy::RollingDays { days: 6 };
    s.clawback = ClawbackPolicy::AllowDebt { max_debt: Points::new(60) };
    s.expired_refund = ExpiredRefundPolicy::Grace { days: 2 };
    program(s)
}

fn sim_program_dormant() -> LoyaltyProgram {
    let mut s = sim_program().spec().clone();
    s.expiry = ExpiryPolicy::Inactivity { months: 1 };
    program(s)
}

/// Runs the steps; with `sweep`, submits `ProcessDue` at every deadline passed. Returns the host.
fn simulate(steps: &[Step], sweep: bool) -> Host {
    simulate_with(steps, sweep, sim_program())
}

fn simulate_with(steps: &[Step], sweep: bool, program: LoyaltyProgram) -> Host {
    let mut h = Host::new(program);
    let mut now = t0();
    let mut sent: Vec<Command<PointsCommand>> = Vec::new();
    for step in steps {
        let (advance, cmd) = match step {
            Step::Command { advance_minutes, body } => {
                let id = CommandId::from_u128(10_000 + sent.len() as u128).unwrap();
                (*advance_minutes, Some(Command::new(id, now, body.clone())))
            }
            Step::Duplicate { index, advance_minutes } => {
                (*advance_minutes, (!sent.is_empty()).then(|| sent[index % sent.len()].clone()))
            }
        };
        now += TimeDelta::minutes(i64::from(advance));
        if sweep {
            while let Some(deadline) = h.account.next_deadline().filter(|d| *d <= now) {
                h.ok(deadline, PointsCommand::ProcessDue);
                // A scheduler loops like this: each step must move the deadline on, or it would spin.
                let next = h.account.next_deadline();
                assert!(next.is_none_or(|n| n > deadline), "processing {deadline} left {next:?} due");
            }
        }
        let Some(mut cmd) = cmd else { continue };
        cmd.issued_at = now;
        if let PointsCommand::PlaceHold { expires_at: Some(e), .. } = &mut cmd.body {
            *e = now + (*e - t0());
        }
        let before = h.account.clone();
        if let Ok(events) = h.run(&cmd)
            && events.is_empty()
            && h.account.version() == before.version()
        {
            // A duplicate: nothing changed.
            assert_eq!(h.account, before);
        }
        if matches!(step, Step::Command { .. }) {
            sent.push(cmd);
        }
    }
    // Both runs end processed up to the same instant.
    if sweep {
        while let Some(deadline) = h.account.next_deadline().filter(|d| *d <= now) {
            h.ok(deadline, PointsCommand::ProcessDue);
            // A scheduler loops like this: each step must move the deadline on, or it would spin.
            let next = h.account.next_deadline();
            assert!(next.is_none_or(|n| n > deadline), "processing {deadline} left {next:?} due");
        }
    }
    let _ = h.submit(now, PointsCommand::ProcessDue);
    h
}

/// Lots and totals without ids and versions, for comparing runs with different commit counts.
fn normalized(a: &PointsAccount) -> (Vec<String>, String, String) {
    let lots = a
        .ledger()
        .lots()
        .map(|l| {
            format!(
                "{} {} {:?} {:?} {} {} {} {} {} {}",
                l.credited_at(),
                l.category(),
                l.activates_at(),
                l.expires_at(),
                l.credited(),
                l.remaining(),
                l.held(),
                l.debited(),
                l.expired(),
                l.clawed_back()
            )
        })
        .collect();
    (lots, format!("{:?} {:?}", a.ledger().totals(), a.tier()), a.remainder().to_string())
}

proptest! {
    #[test]
    fn account_replay_equals_live_and_invariants_hold(steps in steps()) {
        let h = simulate(&steps, false);
        h.account.check_invariants().unwrap();
        // Replay equals live.
        let replayed = PointsAccount::replay(PointsAccount::new(h.account.id()), &h.commits).unwrap();
        prop_assert_eq!(&replayed, &h.account);
        // Snapshot + tail equals full replay, through JSON.
        let k = h.commits.len() / 2;
        let head = PointsAccount::replay(PointsAccount::new(h.account.id()), &h.commits[..k]).unwrap();
        let snapshot: PointsAccount = serde_json::from_str(&serde_json::to_string(&head).unwrap()).unwrap();
        prop_assert_eq!(&snapshot, &head);
        let tail = PointsAccount::replay(snapshot, &h.commits[k..]).unwrap();
        prop_assert_eq!(&tail, &h.account);
        // Every accepted command resubmitted is a duplicate of its commit and changes nothing.
        for commit in &h.commits {
            let again = Command::new(commit.command.id, commit.command.issued_at, commit.command.body.clone());
            prop_assert_eq!(
                h.account.decide(&h.program, &again).unwrap(),
                Decision::Duplicate { version: commit.version }
            );
        }
        // Events round-trip through JSON.
        for commit in &h.commits {
            let json = serde_json::to_string(commit).unwrap();
            let back: Commit<PointsCommand, PointsEvent> = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(&back, commit);
        }
        // Commits and state through the stored format: identity, and replay of what was read equals live.
        crate::common::aggregate::check_wire_round_trip(&PointsAccount::new(h.account.id()), &h.account, &h.commits);
    }

    #[test]
    fn sweeping_late_equals_sweeping_on_time(steps in steps()) {
        let lazy = simulate(&steps, false);
        let swept = simulate(&steps, true);
        prop_assert_eq!(normalized(&lazy.account), normalized(&swept.account));
    }

    #[test]
    fn inactivity_programs_replay_and_sweep_alike(steps in steps()) {
        let lazy = simulate_with(&steps, false, sim_program_dormant());
        let swept = simulate_with(&steps, true, sim_program_dormant());
        prop_assert_eq!(normalized(&lazy.account), normalized(&swept.account));
        let replayed = PointsAccount::replay(PointsAccount::new(lazy.account.id()), &lazy.commits).unwrap();
        prop_assert_eq!(&replayed, &lazy.account);
        crate::common::aggregate::check_wire_round_trip(&PointsAccount::new(swept.account.id()), &swept.account, &swept.commits);
    }
}

fn tier_spec() -> ProgramSpec {
    let tier = |name: &str, threshold: &str, mult: &str, discount: &str| Tier {
        name: TierName::new(name).unwrap(),
        display_name: None,
        threshold: dec(threshold),
        earn_multiplier: dec(mult),
        discount_percent: dec(discount),
    };
    let mut s = spec();
    s.tiers = Some(TierRules {
        metric: TierMetric::PointsEarned,
        window: TierWindow::RollingMonths { months: 3 },
        tiers: vec![tier("member", "0", "1", "0"), tier("silver", "500", "1.5", "5"), tier("gold", "2000", "2", "10")],
        grace_days: 10,
        floor: Some(TierName::new("silver").unwrap()),
    });
    s
}

fn tier_of(h: &Host) -> String {
    h.account.tier().map(|t| t.to_string()).unwrap_or_default()
}

#[test]
fn tiers_upgrade_at_once_and_downgrade_only_at_review_never_below_the_floor() {
    let mut h = Host::new(program(tier_spec()));
    let events = h.ok(at(5, 0), earn(1, &[10_000]));
    assert!(matches!(
        events[1],
        PointsEvent::TierEvaluated { reason: customer_care::loyalty::TierReason::Initial, .. }
    ));
    assert_eq!(tier_of(&h), "member");
    // First review: end of January (UTC zone) + 10 days grace.
    assert_eq!(h.account.next_deadline(), Some(Utc.with_ymd_and_hms(2026, 2, 11, 0, 0, 0).unwrap()));
    let progress = h.account.tier_progress(&h.program, at(5, 1)).unwrap();
    assert_eq!(progress.next_tier.unwrap().to_string(), "silver");
    assert_eq!(progress.needed_for_next, dec("400"));
    // A purchase that would reach gold: the projection says so and changes nothing.
    let big = Command::new(CommandId::from_u128(9_999).unwrap(), at(6, 0), earn(2, &[200_000]));
    assert_eq!(h.account.tier_after(&h.program, &big).unwrap().unwrap().to_string(), "gold");
    assert_eq!(tier_of(&h), "member");
    h.run(&big).unwrap();
    assert_eq!(tier_of(&h), "gold");
    // Gold earns double; 10 % off prices.
    let events = h.ok(at(7, 0), earn(3, &[1_000]));
    let PointsEvent::PointsEarned { points, .. } = &events[0] else { panic!() };
    assert_eq!(*points, Points::new(20));
    assert_eq!(h.account.tier_price(&h.program, usd(5_000), customer_care::Rounding::HalfUp).unwrap(), usd(4_500));
    // Reviews at the end of each month + 10 days count the 3 months before the review: 11 February and 11 March
    // keep gold; by 11 April, January's purchases have left the window: downgrade, but never below silver.
    let events = h.ok(Utc.with_ymd_and_hms(2026, 5, 11, 0, 0, 0).unwrap(), PointsCommand::ProcessDue);
    let reviews: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            PointsEvent::TierEvaluated { to, .. } => Some(to.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(reviews, ["gold", "gold", "silver", "silver"]);
    assert_eq!(tier_of(&h), "silver");
    let err = h.submit(Utc.with_ymd_and_hms(2026, 5, 12, 0, 0, 0).unwrap(), PointsCommand::ReevaluateTier);
    assert!(matches!(err.unwrap_err(), LoyaltyError::NothingDue { .. }));
    let mut flat = Host::new(program(spec()));
    assert_eq!(flat.submit(at(1, 0), PointsCommand::ReevaluateTier).unwrap_err(), LoyaltyError::NoTiers);
}

#[test]
fn the_account_keeps_when_its_tier_was_reached_by_an_upgrade() {
    let mut h = Host::new(program(tier_spec()));
    h.ok(at(5, 0), earn(1, &[10_000]));
    assert_eq!(h.account.upgraded_at(), None, "an initial placement is not an upgrade");
    h.ok(at(6, 0), earn(2, &[200_000]));
    assert_eq!(tier_of(&h), "gold");
    assert_eq!(h.account.upgraded_at(), Some(at(6, 0)));
    let facts = customer_care::care::PointsFacts::of(&h.account, &h.program, at(6, 1));
    assert_eq!(facts.upgraded_at, Some(at(6, 0)));
    // Earning more within gold changes nothing; replay and a snapshot give the same state.
    h.ok(at(7, 0), earn(3, &[1_000]));
    assert_eq!(h.account.upgraded_at(), Some(at(6, 0)));
    let fresh = PointsAccount::new(h.account.id());
    assert_eq!(PointsAccount::replay(fresh.clone(), &h.commits).unwrap(), h.account);
    let json = serde_json::to_string(&h.account).unwrap();
    assert!(json.contains("\"upgraded_at\""), "{json}");
    assert_eq!(serde_json::from_str::<PointsAccount>(&json).unwrap(), h.account);
    // A snapshot taken before the field existed reads as "not known"; replaying the commits fills it.
    let mut old: serde_json::Value = serde_json::from_str(&json).unwrap();
    old.as_object_mut().unwrap().remove("upgraded_at");
    let restored: PointsAccount = serde_json::from_value(old).unwrap();
    assert_eq!(restored.upgraded_at(), None);
    // The downgrade at a review clears it: the current tier was not reached by an upgrade.
    h.ok(Utc.with_ymd_and_hms(2026, 5, 11, 0, 0, 0).unwrap(), PointsCommand::ProcessDue);
    assert_eq!(tier_of(&h), "silver");
    assert_eq!(h.account.upgraded_at(), None);
    assert_eq!(PointsAccount::replay(fresh, &h.commits).unwrap(), h.account);
    // A flat account never has one; its snapshot has no such key.
    let mut flat = Host::new(program(spec()));
    flat.ok(at(1, 0), earn(1, &[10_000]));
    assert_eq!(flat.account.upgraded_at(), None);
    assert!(!serde_json::to_string(&flat.account).unwrap().contains("upgraded_at"));
}

#[test]
fn batches_are_all_or_nothing() {
    let mut h = Host::new(program(spec()));
    h.ok(at(1, 0), earn(1, &[10_000]));
    let cmd = |id: u128, body| Command::new(CommandId::from_u128(id).unwrap(), at(1, 1), body);
    let batch = [cmd(900, redeem(2, 60)), cmd(901, redeem(3, 60))];
    let err = customer_care::stream::decide_batch(&h.account, &h.program, &batch).unwrap_err();
    assert_eq!(err.index, 1);
    assert_eq!(err.error, LoyaltyError::InsufficientPoints { requested: Points::new(60), available: Points::new(40) });
    let ok = customer_care::stream::decide_batch(&h.account, &h.program, &batch[..1]).unwrap();
    assert_eq!(ok.len(), 1);
    assert_eq!(h.account.version(), 1);
}

#[test]
fn inactivity_expires_everything_after_months_without_activity() {
    let mut s = spec();
    s.expiry = ExpiryPolicy::Inactivity { months: 6 };
    let month = |m: u32, d: u32| Utc.with_ymd_and_hms(2026, m, d, 0, 0, 0).unwrap();
    let mut h = Host::new(program(s.clone()));
    h.ok(month(1, 1), earn(1, &[10_000]));
    assert_eq!(h.account.next_deadline(), Some(month(7, 2)));
    h.ok(month(3, 1), redeem(2, 10));
    assert_eq!(h.account.next_deadline(), Some(month(9, 2)));
    assert!(matches!(h.submit(month(9, 1), PointsCommand::ProcessDue), Err(LoyaltyError::NothingDue { .. })));
    let events = h.ok(month(9, 2), PointsCommand::ProcessDue);
    assert_eq!(
        events,
        [
            PointsEvent::LotExpired { lot: LotId::new(1, 0), points: Points::new(90) },
            PointsEvent::AccountDormant { dormant_at: month(9, 2) }
        ]
    );
    assert_eq!(h.account.next_deadline(), None);

    // Lazily: a purchase long after the deadline records the dormancy first, then earns afresh.
    let mut lazy = Host::new(program(s));
    lazy.ok(month(1, 1), earn(1, &[10_000]));
    lazy.ok(month(3, 1), redeem(2, 10));
    let events = lazy.ok(month(12, 1), earn(3, &[5_000]));
    assert!(matches!(events[0], PointsEvent::LotExpired { .. }));
    assert!(matches!(events[1], PointsEvent::AccountDormant { .. }));
    assert_eq!(lazy.account.points_available(), Points::new(50));
    assert_eq!(lazy.account.ledger().totals().expired, h.account.ledger().totals().expired);
}

#[test]
fn snapshots_are_validated_on_deserialize() {
    let mut h = Host::new(program(spec()));
    h.ok(at(1, 0), earn(1, &[10_000]));
    let json = serde_json::to_string(&h.account).unwrap();
    assert_eq!(serde_json::from_str::<PointsAccount>(&json).unwrap(), h.account);
    let tampered = json.replace("\"remainder\":\"0\"", "\"remainder\":\"1.5\"");
    assert_ne!(tampered, json);
    assert!(serde_json::from_str::<PointsAccount>(&tampered).is_err());
    let tampered = json.replace("\"free\":100", "\"free\":101");
    assert_ne!(tampered, json);
    let err = serde_json::from_str::<PointsAccount>(&tampered).unwrap_err().to_string();
    assert!(err.contains("ledger invariant violated"), "{err}");
}

#[test]
fn redemption_quote_considers_share_balance_minimum_and_due_expiry() {
    let mut s = spec();
    s.redemption.max_share = dec("0.5");
    s.redemption.min_points = Points::new(50);
    s.expiry = ExpiryPolicy::RollingDays { days: 10 };
    let mut h = Host::new(program(s));
    h.ok(at(1, 0), earn(1, &[8_000]));
    let quote = h.account.quote_redemption(&h.program, usd(10_000), at(2, 0)).unwrap();
    assert_eq!((quote.points, quote.value, quote.available), (Points::new(80), usd(80), Points::new(80)));
    // A 1.00 USD order: half is 50 points, the minimum.
    let quote = h.account.quote_redemption(&h.program, usd(100), at(2, 0)).unwrap();
    assert_eq!(quote.points, Points::new(50));
    // A 0.98 USD order: 49 points would be below the minimum.
    let quote = h.account.quote_redemption(&h.program, usd(98), at(2, 0)).unwrap();
    assert_eq!(quote.points, Points::ZERO);
    let quote = h.account.quote_redemption(&h.program, usd(10_000), at(12, 0)).unwrap();
    assert_eq!((quote.points, quote.available), (Points::ZERO, Points::ZERO));
}

#[test]
fn returns_take_their_lines_off_tier_qualification_and_downgrades_wait_for_the_review() {
    for metric in [TierMetric::PointsEarned, TierMetric::AmountSpent { currency: Currency::USD }] {
        let mut spec = tier_spec();
        spec.tiers.as_mut().unwrap().metric = metric;
        let mut h = Host::new(program(spec));
        // Two lines, $300 and $200: 500 points or $500 — silver at once.
        h.ok(at(5, 0), earn(1, &[30_000, 20_000]));
        assert_eq!(tier_of(&h), "silver", "{metric:?}");
        assert_eq!(h.account.tier_progress(&h.program, at(5, 1)).unwrap().metric, dec("500"));
        // The $200 line comes back: qualification drops to 300; the tier holds until the review.
        let events =
            h.ok(at(6, 0), PointsCommand::ReturnPurchase { order: order(1), lines: Some(vec![LineId::new(2)]) });
        let PointsEvent::PointsClawedBack { points, spent_returned, .. } = &events[0] else { panic!() };
        assert_eq!((*points, *spent_returned), (Points::new(200), Some(usd(20_000))));
        let progress = h.account.tier_progress(&h.program, at(6, 1)).unwrap();
        assert_eq!((progress.metric, progress.needed_to_keep), (dec("300"), dec("200")), "{metric:?}");
        assert_eq!(tier_of(&h), "silver");
        // Replay agrees.
        let replayed = PointsAccount::replay(PointsAccount::new(h.account.id()), &h.commits).unwrap();
        assert_eq!(replayed, h.account);
        // The rest comes back too: nothing left, never below zero.
        h.ok(at(7, 0), PointsCommand::ReturnPurchase { order: order(1), lines: None });
        assert_eq!(h.account.tier_progress(&h.program, at(7, 1)).unwrap().metric, dec("0"));
    }
}

/// "1 point per 3.00 USD".
fn one_per_three_dollars() -> LoyaltyProgram {
    program(ProgramSpec::new(chrono_tz::UTC, usd(300), dec("1")).redeem(Points::new(100), usd(100)))
}

#[test]
fn a_rate_that_does_not_divide_evenly_earns_exactly() {
    // Regression (issue 14): the rate was divided in advance (1/3 = 0.333…), and 3 × 0.333… floored to 0.
    let mut h = Host::new(one_per_three_dollars());
    let events = h.ok(at(1, 0), earn(1, &[300]));
    assert!(matches!(&events[0], PointsEvent::PointsEarned { points, .. } if *points == Points::new(1)));
    assert_eq!(h.account.remainder(), PointsFraction::ZERO);
    // Three 1.00 USD orders: 1/3, 2/3, then the third completes the point, with nothing lost to rounding.
    for (n, (points, carried)) in [(0, "1/3"), (0, "2/3"), (1, "0")].into_iter().enumerate() {
        let events = h.ok(at(2, n as u32), earn(n as u32 + 2, &[100]));
        let PointsEvent::PointsEarned { points: p, remainder, exact, .. } = &events[0] else { panic!("{events:?}") };
        assert_eq!((p.get(), remainder.to_string()), (points, carried.to_owned()));
        assert_eq!(exact.whole(), points as u128);
    }
    assert_eq!(h.account.points_available(), Points::new(2));
    // The exact fraction is what the event and the snapshot store.
    h.ok(at(3, 0), earn(9, &[100]));
    assert_eq!(h.account.remainder().to_string(), "1/3");
    let json = serde_json::to_string(&h.account).unwrap();
    assert!(json.contains(r#""remainder":"1/3""#), "{json}");
    assert_eq!(serde_json::from_str::<PointsAccount>(&json).unwrap(), h.account);
}

#[test]
fn stored_decimal_remainders_still_load_and_carry_on_exactly() {
    // Before exact earn, the remainder and the exact points were decimal strings, 28 places for a third.
    let mut h = Host::new(one_per_three_dollars());
    h.ok(at(1, 0), earn(1, &[100]));
    let json = serde_json::to_string(&h.account).unwrap();
    let old = json.replace(r#""remainder":"1/3""#, r#""remainder":"0.3333333333333333333333333333""#);
    assert_ne!(old, json);
    let mut restored: PointsAccount = serde_json::from_str(&old).unwrap();
    assert_eq!(
        restored.remainder(),
        PointsFraction::new(3_333_333_333_333_333_333_333_333_333, 10u128.pow(28)).unwrap()
    );
    let more = Command::new(CommandId::from_u128(99).unwrap(), at(2, 0), earn(2, &[200]));
    let Decision::Accepted(commit) = restored.decide(&h.program, &more).unwrap() else { panic!() };
    restored.apply(&commit);
    // 0.3333333333333333333333333333 + 2/3 = 0.9999999999999999999999999999…: no point, and nothing lost.
    assert_eq!(restored.points_available(), Points::ZERO);
    assert_eq!(
        restored.remainder().checked_add(PointsFraction::new(1, 3 * 10u128.pow(28)).unwrap()),
        Some(PointsFraction::ONE)
    );
    // An event written with decimals reads back as the same fractions.
    let old_event = r#"{"type":"points_earned","order":"R-1","spent":{"amount":"93.00","currency":"USD"},
        "points":9,"exact":"9.3","remainder":"0.3","capped":false,"lines":[{"line":1,"points":9}],"credit":null}"#;
    let event: PointsEvent = serde_json::from_str(old_event).unwrap();
    let PointsEvent::PointsEarned { exact, remainder, .. } = &event else { panic!() };
    assert_eq!((exact.to_string(), remainder.to_string()), ("9.3".to_owned(), "0.3".to_owned()));
    let rewritten = serde_json::to_string(&event).unwrap();
    assert!(rewritten.contains(r#""exact":"9.3","remainder":"0.3""#), "{rewritten}");
    // Still validated: a remainder of a point or more, or a negative one, is refused.
    for bad in ["1", "4/3", "-0.5"] {
        let tampered = json.replace(r#""remainder":"1/3""#, &format!(r#""remainder":"{bad}""#));
        assert!(serde_json::from_str::<PointsAccount>(&tampered).is_err(), "{bad}");
    }
}

#[test]
fn rates_and_multipliers_too_fine_for_exact_earn_are_refused() {
    let mut s = spec();
    s.earn.rates[0].points = dec("0.0000000000000000000000000001");
    s.earn.rates[0].per = usd(999_999_937);
    let err = LoyaltyProgram::new(s).unwrap_err().to_string();
    assert!(err.contains("too fine"), "{err}");
    let mut s = spec();
    s.earn.campaigns = (0..3)
        .map(|i| customer_care::loyalty::Campaign {
            name: format!("c{i}"),
            display_name: None,
            starts_at: at(1, 0),
            ends_at: at(2, 0),
            multiplier: dec("1.0000001"),
        })
        .collect();
    let err = LoyaltyProgram::new(s.clone()).unwrap_err().to_string();
    assert!(err.contains("denominator of 100000000000000000000000"), "{err}");
    s.earn.campaigns.pop();
    assert!(LoyaltyProgram::new(s).is_ok());
}

proptest! {
    /// Over any sequence of orders, the points credited plus the remainder carried equal the exact total
    /// Σ amount × points ÷ per (× the campaign multiplier), as a rational, and the lines' points add up to each earn.
    #[test]
    fn earned_plus_carried_equals_the_exact_total(
        per in 1i64..1_000_000,
        (mantissa, scale) in (1i64..10_000, 0u32..4),
        campaign in proptest::option::of(1i64..30),
        orders in proptest::collection::vec(proptest::collection::vec(1i64..1_000_000_000, 1..4), 1..25),
    ) {
        let mut s = ProgramSpec::new(chrono_tz::UTC, usd(per), Decimal::new(mantissa, scale)).redeem(Points::new(1), usd(1));
        if let Some(m) = campaign {
            s.earn.campaigns.push(customer_care::loyalty::Campaign {
                name: "tenths".into(),
                display_name: None,
                starts_at: at(1, 0),
                ends_at: at(31, 0),
                multiplier: Decimal::new(m, 1),
            });
        }
        let mut h = Host::new(program(s));
        let mut credited: u128 = 0;
        let mut spent: u128 = 0;
        for (n, lines) in orders.iter().enumerate() {
            let events = h.ok(at(2, 0) + TimeDelta::minutes(n as i64), earn(n as u32, lines));
            let PointsEvent::PointsEarned { points, lines: per_line, .. } = &events[0] else { panic!() };
            prop_assert_eq!(per_line.iter().map(|l| l.points.get()).sum::<i64>(), points.get());
            credited += points.get() as u128;
            spent += lines.iter().map(|&a| a as u128).sum::<u128>();
        }
        // Exact total = spent × mantissa × m ÷ (10^scale × per × 10).
        let (m_num, m_den) = campaign.map_or((1, 1), |m| (m as u128, 10));
        let num = spent * mantissa as u128 * m_num;
        let den = 10u128.pow(scale) * per as u128 * m_den;
        let carried = h.account.remainder();
        prop_assert!(carried.whole() == 0);
        // credited + carried = num / den  ⇔  credited × den × d_r + n_r × den = num × d_r.
        prop_assert_eq!(
            credited * den * carried.denominator() + carried.numerator() * den,
            num * carried.denominator()
        );
    }
}

#[test]
fn a_program_whose_expiry_ends_before_the_pending_period_is_refused() {
    // Regression (issue 14): 30 days pending and a 7-day expiry built, and then every earn was refused
    // (ExpiryTooEarly).
    let mut s = spec();
    s.pending_days = 30;
    s.expiry = ExpiryPolicy::RollingDays { days: 7 };
    let err = LoyaltyProgram::new(s.clone()).unwrap_err().to_string();
    assert!(err.contains("expiry of 7 days") && err.contains("pending period of 30 days"), "{err}");
    assert!(err.contains("at least 31 days, or count it from activation"), "{err}");
    // Counted from activation, it builds, and the purchase's points are usable for 7 days once active.
    s.expiry_from = ExpiryStart::Activation;
    let mut h = Host::new(program(s.clone()));
    let events = h.ok(at(1, 10), earn(1, &[500]));
    let PointsEvent::PointsEarned { credit: Some(c), .. } = &events[0] else { panic!("{events:?}") };
    assert_eq!(c.activates_at, Some(at(31, 10)));
    assert_eq!(c.expires_at, Some(Utc.with_ymd_and_hms(2026, 2, 8, 0, 0, 0).unwrap()));
    // Bonuses are never pending: their expiry still counts from their own instant.
    let events = h.ok(
        at(2, 0),
        PointsCommand::AwardBonus { points: Points::new(5), reason: BonusReason::Birthday, expires_at: None },
    );
    let PointsEvent::BonusAwarded { credit, .. } = &events[0] else { panic!("{events:?}") };
    assert_eq!(credit.expires_at, Some(at(10, 0)));
    // Old specs, without the field, count from the earn; the default is not written.
    let json = serde_json::to_string(&spec()).unwrap();
    assert!(!json.contains("expiry_from"), "{json}");
    assert_eq!(serde_json::from_str::<ProgramSpec>(&json).unwrap().expiry_from, ExpiryStart::Earn);
    assert!(serde_json::to_string(&s).unwrap().contains(r#""expiry_from":"activation""#));
    // A stored program with the impossible settings is refused when loaded, too.
    let mut bad = s;
    bad.expiry_from = ExpiryStart::Earn;
    assert!(serde_json::from_str::<LoyaltyProgram>(&serde_json::to_string(&bad).unwrap()).is_err());
}

#[test]
fn expiry_counted_from_the_earn_must_outlast_the_pending_period_by_a_day() {
    let build = |pending_days, expiry| {
        let mut s = spec();
        s.pending_days = pending_days;
        s.expiry = expiry;
        LoyaltyProgram::new(s)
    };
    assert!(build(30, ExpiryPolicy::RollingDays { days: 30 }).is_err());
    assert!(build(30, ExpiryPolicy::RollingDays { days: 31 }).is_ok());
    // A month is 28 days at its shortest (31 January → 28 February); two months 59 (31 December → 28 February).
    assert!(build(27, ExpiryPolicy::RollingMonths { months: 1 }).is_ok());
    assert!(build(28, ExpiryPolicy::RollingMonths { months: 1 }).is_err());
    assert!(build(58, ExpiryPolicy::RollingMonths { months: 2 }).is_ok());
    assert!(build(59, ExpiryPolicy::RollingMonths { months: 2 }).is_err());
    // An earn on a period's last day, or on the fixed date, expires that day.
    let quarter = ExpiryPolicy::EndOfPeriod { period: customer_care::loyalty::Period::Quarter, periods_after: 0 };
    assert!(build(1, quarter.clone()).is_err());
    assert!(build(0, quarter).is_ok());
    let next_quarter = ExpiryPolicy::EndOfPeriod { period: customer_care::loyalty::Period::Quarter, periods_after: 1 };
    assert!(build(89, next_quarter.clone()).is_ok()); // The shortest quarter (January to March) has 90 days.
    assert!(build(90, next_quarter).is_err());
    assert!(build(1, ExpiryPolicy::FixedDate { month: 12, day: 31 }).is_err());
    assert!(build(365, ExpiryPolicy::Never).is_ok());
    assert!(build(365, ExpiryPolicy::Inactivity { months: 1 }).is_ok());
    // Flat points per order above a rejecting cap would refuse every earn.
    let mut s = spec();
    s.earn.per_order = Points::new(10);
    s.earn.cap_per_order = Some(customer_care::loyalty::Cap {
        max: Points::new(5),
        behaviour: customer_care::loyalty::CapBehaviour::Reject,
    });
    let err = LoyaltyProgram::new(s.clone()).unwrap_err().to_string();
    assert!(err.contains("10 points per order exceed the rejecting cap of 5 per order"), "{err}");
    s.earn.cap_per_order =
        Some(customer_care::loyalty::Cap { max: Points::new(5), behaviour: customer_care::loyalty::CapBehaviour::Cap });
    assert!(LoyaltyProgram::new(s.clone()).is_ok());
    s.earn.cap_per_order = None;
    s.earn.cap_per_period = Some(customer_care::loyalty::PeriodCap {
        max: Points::new(9),
        period: customer_care::loyalty::Period::Month,
        behaviour: customer_care::loyalty::CapBehaviour::Reject,
    });
    let err = LoyaltyProgram::new(s).unwrap_err().to_string();
    assert!(err.contains("cap of 9 per period"), "{err}");
}

fn any_zone() -> impl Strategy<Value = chrono_tz::Tz> {
    prop_oneof![
        Just(chrono_tz::UTC),
        Just(chrono_tz::Asia::Ho_Chi_Minh),
        Just(chrono_tz::America::New_York),
        Just(chrono_tz::Pacific::Kiritimati),
        Just(chrono_tz::America::Santiago),
        Just(chrono_tz::Europe::London),
        Just(chrono_tz::Australia::Lord_Howe),
    ]
}

fn any_expiry() -> impl Strategy<Value = ExpiryPolicy> {
    use customer_care::loyalty::Period;
    let period = prop_oneof![Just(Period::Month), Just(Period::Quarter), Just(Period::Year)];
    prop_oneof![
        Just(ExpiryPolicy::Never),
        (1u32..90).prop_map(|days| ExpiryPolicy::RollingDays { days }),
        (1u32..4).prop_map(|months| ExpiryPolicy::RollingMonths { months }),
        (period, 0u32..3).prop_map(|(period, periods_after)| ExpiryPolicy::EndOfPeriod { period, periods_after }),
        (1u32..=12, 1u32..=31).prop_filter_map("a day of the year", |(month, day)| {
            chrono::NaiveDate::from_ymd_opt(2024, month, day).map(|_| ExpiryPolicy::FixedDate { month, day })
        }),
        (1u32..13).prop_map(|months| ExpiryPolicy::Inactivity { months }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// For any program that builds, a fresh account's earn of a positive amount in the rate's currency, at or above
    /// the minimum spend, at any instant of 1990–2110 in any of several zones, is accepted, or refused only by a
    /// rejecting cap the amount exceeds: never for a reason in the program alone.
    #[test]
    fn a_program_that_builds_accepts_every_eligible_earn(
        zone in any_zone(),
        pending_days in prop_oneof![Just(0u32), 1u32..100],
        expiry in any_expiry(),
        from_activation: bool,
        (per, mantissa, scale) in (1i64..100_000, 1i64..1000, 0u32..3),
        per_order in 0i64..20,
        cap in proptest::option::of((1i64..50, any::<bool>())),
        min_spend in proptest::option::of(0i64..10_000),
        amount in 1i64..1_000_000_000,
        seconds in 631_152_000i64..4_417_977_600,
    ) {
        use customer_care::loyalty::{Cap, CapBehaviour};
        let mut s = ProgramSpec::new(zone, usd(per), Decimal::new(mantissa, scale)).redeem(Points::new(1), usd(1));
        s.pending_days = pending_days;
        s.expiry = expiry;
        s.expiry_from = if from_activation { ExpiryStart::Activation } else { ExpiryStart::Earn };
        s.earn.per_order = Points::new(per_order);
        s.earn.rates[0].min_spend = min_spend.map(usd);
        s.earn.cap_per_order = cap.map(|(max, reject)| Cap {
            max: Points::new(max),
            behaviour: if reject { CapBehaviour::Reject } else { CapBehaviour::Cap },
        });
        let Ok(program) = LoyaltyProgram::new(s) else { return Ok(()) };
        let amount = amount.max(min_spend.unwrap_or(0)).max(1);
        let instant = DateTime::from_timestamp(seconds, 0).unwrap();
        let mut account = PointsAccount::new(AccountId::from_u128(1).unwrap());
        let cmd = Command::new(CommandId::from_u128(1).unwrap(), instant, earn(1, &[amount]));
        match account.decide(&program, &cmd) {
            Ok(Decision::Accepted(commit)) => {
                account.apply(&commit);
                prop_assert!(account.check_invariants().is_ok());
                if let PointsEvent::PointsEarned { credit: Some(c), .. } = &commit.events[0] {
                    let usable_from = c.activates_at.unwrap_or(instant);
                    prop_assert!(c.expires_at.is_none_or(|e| e > usable_from));
                }
            }
            Ok(Decision::Duplicate { .. }) => prop_assert!(false, "a fresh account has no duplicates"),
            Err(LoyaltyError::EarnCapExceeded { points, cap }) => {
                prop_assert!(points > cap, "{points} {cap}");
                prop_assert!(matches!(program.spec().earn.cap_per_order, Some(c) if c.behaviour == CapBehaviour::Reject));
            }
            Err(e) => prop_assert!(false, "{e} for {:?} at {instant}", program.spec()),
        }
    }
}

/// Fuzz finding (`decide_points`, timeout): a command after a long silence ran one tier review per missed month,
/// emitting an event each — millions for a command 200,000 years on. Reviews over windows after all activity are
/// a fixed point, so catching up at once must equal reviewing month by month, and stay a handful of events.
#[test]
fn a_long_silence_is_reviewed_in_a_few_events_and_equals_reviewing_month_by_month() {
    let tier = |name: &str, points: i64| Tier::new(TierName::new(name).unwrap()).threshold_points(Points::new(points));
    let rules = TierRules::new(
        TierMetric::PointsEarned,
        TierWindow::RollingMonths { months: 3 },
        vec![tier("member", 0), tier("silver", 100), tier("gold", 500)],
    )
    .grace_days(10);
    let program = program(ProgramSpec::new(chrono_tz::Asia::Ho_Chi_Minh, usd(100), 1).tiers(rules));
    let start = crate::common::at(2026, 1, 10, 3, 0);
    let mut ids = 0;
    let mut run = |account: &mut PointsAccount, at: DateTime<Utc>, body: PointsCommand| -> usize {
        ids += 1;
        // "Nothing due" is a rejection, which changes nothing.
        match account.decide(&program, &Command::new(CommandId::from_u128(ids).unwrap(), at, body)) {
            Ok(Decision::Accepted(commit)) => {
                account.apply(&commit);
                commit.events.len()
            }
            _ => 0,
        }
    };
    let earn = |n: u32| PointsCommand::EarnPoints {
        order: order(n),
        lines: vec![PurchaseLine { line: LineId::new(1), amount: usd(60_000), tags: vec![] }],
    };
    let mut stepwise = PointsAccount::new(AccountId::from_u128(1).unwrap());
    run(&mut stepwise, start, earn(1));
    let mut at_once = stepwise.clone();
    assert_eq!(stepwise.tier(), Some(TierName::new("gold").unwrap()));
    // Month by month for three years: each command has at most one review due.
    let mut now = start;
    for _ in 0..36 {
        now += TimeDelta::days(31);
        run(&mut stepwise, now, PointsCommand::ProcessDue);
    }
    let events = run(&mut at_once, now, PointsCommand::ProcessDue);
    assert!(events <= 6, "{events} events to catch up three years");
    assert_eq!(at_once.tier(), Some(TierName::new("member").unwrap()));
    assert_eq!(at_once.tier(), stepwise.tier());
    assert_eq!(at_once.next_deadline(), stepwise.next_deadline());
    assert!(at_once.next_deadline().is_some_and(|d| d > now));
    // And 200,000 years on: still a handful of events, the next review after the command.
    let far = Utc.with_ymd_and_hms(200_000, 6, 1, 0, 0, 0).unwrap();
    let events = run(&mut at_once, far, PointsCommand::ProcessDue);
    assert!(events <= 2, "{events} events to catch up 200,000 years");
    assert!(at_once.next_deadline().is_some_and(|d| d > far));
}

/// Events written before the twin accounts' names were aligned (issue 15: format 1) are read through the
/// upcaster, as the new names; new JSON is written with the new names. Receipts are effects, not stored shapes:
/// their old field names stay readable through `#[serde(alias)]`.
#[test]
fn events_and_receipts_stored_under_the_old_names_still_load() {
    for (old, new, event) in [
        ("points_expired", "lot_expired", PointsEvent::LotExpired { lot: LotId::new(3, 0), points: Points::new(120) }),
        (
            "points_activated",
            "lot_activated",
            PointsEvent::LotActivated { lot: LotId::new(3, 0), points: Points::new(120) },
        ),
    ] {
        let commit = Commit {
            version: 4,
            command: Command::new(
                CommandId::from_u128(9).unwrap(),
                Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap(),
                PointsCommand::ProcessDue,
            ),
            events: vec![event],
        };
        let json = serde_json::to_string(&commit).unwrap();
        assert!(json.contains(&format!(r#""type":"{new}""#)), "{json}");
        let stored = json.replace(new, old).replace(r#""format":2,"#, "");
        assert!(serde_json::from_str::<Commit<PointsCommand, PointsEvent>>(&stored).is_err(), "{stored}");
        assert_eq!(customer_care::wire::decode_commit::<PointsAccount>(&stored).unwrap(), commit, "{stored}");
    }
    let stored = r#"{"at":"2026-03-05T07:30:00Z","earned":185,"redeemed":0,"available":1085,"pending":40}"#;
    let receipt: PointsReceipt = serde_json::from_str(stored).unwrap();
    assert_eq!((receipt.points_available, receipt.points_pending), (Points::new(1_085), Points::new(40)));
    let json = serde_json::to_string(&receipt).unwrap();
    assert!(json.contains(r#""points_available":1085,"points_pending":40"#), "{json}");
}
