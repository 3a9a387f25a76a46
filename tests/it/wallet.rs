//! Stored value: known answers, bad input, an in-memory host with a version check, and the shared properties.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use customer_care::ledger::{Allocation, Ledger, LotId, Tag};
use customer_care::wallet::{
    BONUS, Bonus, BonusExpiry, BonusTier, IssueKind, LiabilityReport, PRINCIPAL, Receipt, SpendOrder,
    StoredValueAccount, StoredValueProgram, StoredValueSpec, WalletCommand, WalletError, WalletEvent,
};
use customer_care::{
    AccountId, Command, CommandId, Commit, Currency, Decision, HoldId, Money, OrderId, PaymentRef, Rounding,
    StreamError,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::common::aggregate::{
    check_commits_round_trip, check_idempotent, check_replay_and_snapshot, check_wire_round_trip,
};
use crate::common::ledger_strategies::{LedgerOp, hold_id, ledger_op, run_ledger, t0};

fn vnd(n: i64) -> Money {
    Money::from_minor(n, Currency::VND)
}

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, day, hour, 0, 0).unwrap()
}

fn order(s: &str) -> OrderId {
    OrderId::new(s).unwrap()
}

fn pay(s: &str) -> PaymentRef {
    PaymentRef::new(s).unwrap()
}

fn lot(v: u64, i: u32) -> LotId {
    LotId::new(v, i)
}

fn alloc(v: u64, i: u32, n: i64) -> Allocation<Money> {
    Allocation { lot: lot(v, i), amount: vnd(n) }
}

/// VND, Ho Chi Minh City; 10 % bonus from 1,000,000 VND, usable through the top-up date plus 30 days.
fn spec() -> StoredValueSpec {
    let mut s = StoredValueSpec::new(chrono_tz::Asia::Ho_Chi_Minh, Currency::VND);
    s.bonus_tiers.push(BonusTier {
        min_top_up: vnd(1_000_000),
        bonus: Bonus::Percent { percent: Decimal::TEN },
        restricted_to: vec![],
    });
    s.bonus_expiry = BonusExpiry::Days { days: 30 };
    s
}

fn program(s: StoredValueSpec) -> StoredValueProgram {
    StoredValueProgram::new(s).unwrap()
}

/// A test host: decides, persists, applies; checks invariants and that a rejection changes nothing.
struct Host {
    program: StoredValueProgram,
    account: StoredValueAccount,
    commits: Vec<Commit<WalletCommand, WalletEvent>>,
    next_id: u128,
}

impl Host {
    fn new(program: StoredValueProgram) -> Self {
        let account = StoredValueAccount::new(AccountId::from_u128(1).unwrap(), program.currency());
        Self { program, account, commits: Vec::new(), next_id: 1 }
    }

    fn submit(&mut self, issued_at: DateTime<Utc>, body: WalletCommand) -> Result<Vec<WalletEvent>, WalletError> {
        let cmd = Command::new(CommandId::from_u128(self.next_id).unwrap(), issued_at, body);
        self.next_id += 1;
        self.run(&cmd)
    }

    fn run(&mut self, cmd: &Command<WalletCommand>) -> Result<Vec<WalletEvent>, WalletError> {
        let before = self.account.clone();
        match self.account.decide(&self.program, cmd) {
            Ok(Decision::Accepted(commit)) => {
                self.account.apply(&commit);
                self.account.check_invariants().unwrap();
                // A receipt states the balance the customer is left with: the account's, after the commit.
                if let Some(r) = commit.events.iter().find_map(WalletEvent::receipt) {
                    assert_eq!(r.money_available, self.account.money_available(), "{r:?}");
                    assert_eq!(r.bonus_available, self.account.bonus_available(), "{r:?}");
                    assert_eq!(r.principal_available, self.account.principal_available(), "{r:?}");
                    assert_eq!(r.next_expiry.as_ref(), self.account.explain().next_expiries.first(), "{r:?}");
                }
                let events = commit.events.clone();
                self.commits.push(commit);
                Ok(events)
            }
            Ok(Decision::Duplicate { .. }) => {
                assert_eq!(self.account, before);
                Ok(Vec::new())
            }
            Err(e) => {
                assert_eq!(self.account, before, "a rejected command changes nothing");
                Err(e)
            }
        }
    }

    fn ok(&mut self, issued_at: DateTime<Utc>, body: WalletCommand) -> Vec<WalletEvent> {
        self.submit(issued_at, body).unwrap()
    }

    fn err(&mut self, issued_at: DateTime<Utc>, body: WalletCommand) -> WalletError {
        self.submit(issued_at, body).unwrap_err()
    }
}

fn top_up(p: &str, n: i64) -> WalletCommand {
    WalletCommand::TopUp { payment: pay(p), amount: vnd(n) }
}

fn spend(o: &str, n: i64) -> WalletCommand {
    WalletCommand::Spend { order: order(o), amount: vnd(n), tags: vec![] }
}

fn receipt(events: &[WalletEvent]) -> &Receipt {
    events.iter().find_map(WalletEvent::receipt).expect("a receipt")
}

// ------------------------------------------------------------------ known answers

#[test]
fn top_up_with_bonus_then_spend_bonus_first_and_refunds() {
    let mut h = Host::new(program(spec()));
    let events = h.ok(at(1, 3), top_up("MOMO-1", 1_000_000));
    let WalletEvent::ToppedUp { principal, bonus, .. } = &events[0] else { panic!("{events:?}") };
    assert_eq!((principal.lot, principal.amount, principal.category), (lot(1, 0), vnd(1_000_000), PRINCIPAL));
    let bonus = bonus.as_ref().unwrap();
    assert_eq!((bonus.lot, bonus.amount, bonus.category), (lot(1, 1), vnd(100_000), BONUS));
    // 1 January 10:00 local + 30 days: usable through 31 January, expires 1 February 00:00 local (UTC+7).
    assert_eq!(bonus.expires_at, Some(Utc.with_ymd_and_hms(2026, 1, 31, 17, 0, 0).unwrap()));
    assert_eq!(h.account.money_available(), vnd(1_100_000));

    let events = h.ok(at(2, 3), spend("HD-1", 300_000));
    let WalletEvent::Spent { allocations, .. } = &events[0] else { panic!("{events:?}") };
    assert_eq!(allocations, &[alloc(1, 1, 100_000), alloc(1, 0, 200_000)]);
    let r = receipt(&events);
    assert_eq!(r.amount, vnd(300_000));
    assert_eq!((r.from_bonus, r.from_principal), (vnd(100_000), vnd(200_000)));
    assert_eq!((r.principal_available, r.bonus_available, r.money_available), (vnd(800_000), vnd(0), vnd(800_000)));
    assert_eq!(r.next_expiry, None, "the bonus is spent; principal never expires");
    assert_eq!(r.lines.iter().map(|l| l.category).collect::<Vec<_>>(), [BONUS, PRINCIPAL]);
    assert_eq!(
        r.to_string(),
        "order HD-1 at 2026-01-02 03:00 UTC\nspent 300000 VND (principal 200000 VND, bonus 100000 VND)\n\
         balance 800000 VND (principal 800000 VND, bonus 0 VND)"
    );

    // Refund of that spend: back into the same buckets, the last value spent first.
    let events = h.ok(at(3, 3), WalletCommand::RefundSpend { order: order("HD-1"), amount: None });
    assert_eq!(
        events,
        [WalletEvent::SpendRefunded {
            order: order("HD-1"),
            amount: vnd(300_000),
            restored: vec![alloc(1, 0, 200_000), alloc(1, 1, 100_000)],
            forfeited: vec![],
        }]
    );
    assert_eq!((h.account.principal_available(), h.account.bonus_available()), (vnd(1_000_000), vnd(100_000)));
    assert_eq!(
        h.err(at(3, 4), WalletCommand::RefundSpend { order: order("HD-1"), amount: None }),
        WalletError::SpendNotFound { order: order("HD-1") }
    );

    // Refund of half the top-up forfeits half its bonus.
    let events = h.ok(at(4, 3), WalletCommand::RefundTopUp { payment: pay("MOMO-1"), amount: Some(vnd(500_000)) });
    assert_eq!(
        events,
        [WalletEvent::TopUpRefunded {
            payment: pay("MOMO-1"),
            payout: vnd(500_000),
            principal: vec![alloc(1, 0, 500_000)],
            bonus_forfeited: vec![alloc(1, 1, 50_000)],
            bonus_unrecovered: vnd(0),
        }]
    );
    assert_eq!((h.account.principal_available(), h.account.bonus_available()), (vnd(500_000), vnd(50_000)));
    // At most what is left of that top-up.
    assert_eq!(
        h.err(at(4, 4), WalletCommand::RefundTopUp { payment: pay("MOMO-1"), amount: Some(vnd(500_001)) }),
        WalletError::RefundExceedsTopUp { payment: pay("MOMO-1"), requested: vnd(500_001), refundable: vnd(500_000) }
    );
    // The rest: the whole bonus has now been forfeited, to the unit.
    let events = h.ok(at(4, 5), WalletCommand::RefundTopUp { payment: pay("MOMO-1"), amount: None });
    let WalletEvent::TopUpRefunded { payout, bonus_forfeited, .. } = &events[0] else { panic!() };
    assert_eq!((*payout, bonus_forfeited.as_slice()), (vnd(500_000), [alloc(1, 1, 50_000)].as_slice()));
    assert!(h.account.money_available().is_zero());
    let mut report = LiabilityReport::new(Currency::VND);
    report.add(&h.account).unwrap();
    assert_eq!(
        (report.refunded(), report.bonus_breakage(), report.liability().unwrap()),
        (vnd(1_000_000), vnd(100_000), vnd(0))
    );
}

#[test]
fn partial_refund_with_bonus_already_spent_reports_what_it_cannot_recover() {
    let mut s = spec();
    s.refund_rounding = Rounding::Ceiling;
    let mut h = Host::new(program(s));
    h.ok(at(1, 0), top_up("P-1", 1_000_003));
    // 10 % of 1,000,003 = 100,000.3 → 100,000 (half up).
    assert_eq!(h.account.bonus_available(), vnd(100_000));
    h.ok(at(1, 1), spend("HD-1", 90_000));
    // A third of the principal: forfeit ⌈100,000 / 3⌉ = 33,334 but only 10,000 bonus is left.
    let events = h.ok(at(1, 2), WalletCommand::RefundTopUp { payment: pay("P-1"), amount: Some(vnd(333_334)) });
    let WalletEvent::TopUpRefunded { bonus_forfeited, bonus_unrecovered, .. } = &events[0] else { panic!() };
    assert_eq!(bonus_forfeited, &[alloc(1, 1, 10_000)]);
    assert_eq!(*bonus_unrecovered, vnd(23_334));
}

#[test]
fn hold_100_capture_30_then_20_final() {
    let mut h = Host::new(program(spec()));
    h.ok(at(1, 0), top_up("P-1", 150));
    let hold = HoldId::from_u128(7).unwrap();
    h.ok(
        at(1, 1),
        WalletCommand::PlaceHold { hold, order: order("HD-9"), amount: vnd(100), tags: vec![], expires_at: None },
    );
    assert_eq!((h.account.money_available(), h.account.money_held()), (vnd(50), vnd(100)));
    let events = h.ok(at(1, 2), WalletCommand::CaptureHold { hold, amount: vnd(30), final_capture: false });
    let r = receipt(&events);
    assert_eq!((r.amount, r.money_available), (vnd(30), vnd(50)));
    let events = h.ok(at(1, 3), WalletCommand::CaptureHold { hold, amount: vnd(20), final_capture: true });
    let WalletEvent::HoldCaptured { captured, released, closed, receipt: r, .. } = &events[0] else { panic!() };
    assert_eq!(
        (captured.as_slice(), released.as_slice(), *closed),
        ([alloc(1, 0, 20)].as_slice(), [alloc(1, 0, 50)].as_slice(), true)
    );
    assert_eq!(
        (r.amount, r.order.clone(), r.money_available, r.principal_available),
        (vnd(20), order("HD-9"), vnd(100), vnd(100))
    );
    assert_eq!((h.account.money_available(), h.account.money_held()), (vnd(100), vnd(0)));
    assert_eq!(h.account.ledger().totals().debited, vnd(50));
    assert_eq!(h.account.spent_on(&order("HD-9")), [alloc(1, 0, 50)]);
    assert_eq!(h.err(at(1, 4), WalletCommand::ReleaseHold { hold }).to_string(), format!("hold {hold} is captured"));
    // Captures are spends of the hold's order: refundable.
    h.ok(at(1, 5), WalletCommand::RefundSpend { order: order("HD-9"), amount: Some(vnd(50)) });
    assert_eq!(h.account.money_available(), vnd(150));
}

#[test]
fn expired_bonus_is_breakage() {
    let mut h = Host::new(program(spec()));
    h.ok(at(1, 3), top_up("P-1", 1_000_000));
    let expiry = Utc.with_ymd_and_hms(2026, 1, 31, 17, 0, 0).unwrap();
    assert_eq!(h.account.next_deadline(), Some(expiry));
    let events = h.ok(at(2, 0), spend("HD-1", 40_000));
    let next = receipt(&events).next_expiry.clone().unwrap();
    assert_eq!((next.expires_at, next.amount), (expiry, vnd(60_000)));
    assert!(matches!(h.err(at(20, 0), WalletCommand::ProcessDue), WalletError::NothingDue { .. }));
    let events = h.ok(expiry + TimeDelta::days(3), WalletCommand::ProcessDue);
    assert_eq!(events, [WalletEvent::LotExpired { lot: lot(1, 1), amount: vnd(60_000) }]);
    let mut report = LiabilityReport::new(Currency::VND);
    report.add(&h.account).unwrap();
    assert_eq!(report.bonus_breakage(), vnd(60_000));
    assert_eq!(report.principal_breakage(), vnd(0));
    assert_eq!((report.principal_outstanding(), report.bonus_outstanding()), (vnd(1_000_000), vnd(0)));
}

#[test]
fn bonus_restricted_to_drinks_and_principal_first() {
    let drinks: Tag = "drinks".parse().unwrap();
    let mut s = spec();
    s.bonus_tiers[0].restricted_to = vec![drinks];
    s.spend_order = SpendOrder::PrincipalFirst;
    let mut h = Host::new(program(s));
    h.ok(at(1, 0), top_up("P-1", 1_000_000));
    // Principal first.
    let events = h.ok(at(1, 1), spend("HD-1", 950_000));
    assert_eq!(receipt(&events).from_principal, vnd(950_000));
    // 50,000 principal + 100,000 drinks-only bonus: food can use only the principal.
    let food = WalletCommand::Spend { order: order("HD-2"), amount: vnd(60_000), tags: vec!["food".parse().unwrap()] };
    assert_eq!(
        h.err(at(1, 2), food),
        WalletError::InsufficientFunds { requested: vnd(60_000), available: vnd(50_000) }
    );
    let drink = WalletCommand::Spend { order: order("HD-3"), amount: vnd(120_000), tags: vec![drinks] };
    let events = h.ok(at(1, 3), drink);
    assert_eq!((receipt(&events).from_principal, receipt(&events).from_bonus), (vnd(50_000), vnd(70_000)));
}

#[test]
fn gift_card_store_credit_and_closing() {
    let mut h = Host::new(program(spec()));
    h.ok(at(1, 0), top_up("P-1", 1_000_000));
    h.ok(
        at(1, 1),
        WalletCommand::IssueValue {
            kind: IssueKind::GiftCard,
            reference: pay("GC-0001"),
            amount: vnd(200_000),
            restricted_to: vec![],
            expires_at: Some(at(30, 0)),
        },
    );
    h.ok(
        at(1, 2),
        WalletCommand::IssueValue {
            kind: IssueKind::StoreCredit,
            reference: pay("CN-17"),
            amount: vnd(50_000),
            restricted_to: vec![],
            expires_at: None,
        },
    );
    assert_eq!(h.account.principal_available(), vnd(1_250_000));
    // Bonus first, then principal soonest-expiring: the gift card before the top-up and the store credit.
    let events = h.ok(at(2, 0), spend("HD-1", 150_000));
    let WalletEvent::Spent { allocations, .. } = &events[0] else { panic!() };
    assert_eq!(allocations, &[alloc(1, 1, 100_000), alloc(2, 0, 50_000)]);
    let hold = HoldId::from_u128(3).unwrap();
    h.ok(
        at(2, 1),
        WalletCommand::PlaceHold { hold, order: order("HD-2"), amount: vnd(10), tags: vec![], expires_at: None },
    );
    assert_eq!(h.err(at(2, 2), WalletCommand::Close), WalletError::HoldsOpen { open: 1 });
    h.ok(at(2, 3), WalletCommand::ReleaseHold { hold });
    let events = h.ok(at(2, 4), WalletCommand::Close);
    let WalletEvent::AccountClosed { payout, bonus_forfeited, .. } = &events[0] else { panic!() };
    assert_eq!((*payout, bonus_forfeited.len()), (vnd(1_200_000), 0));
    assert!(h.account.is_closed());
    assert_eq!(h.err(at(2, 5), top_up("P-2", 10)), WalletError::AccountClosed { account: h.account.id() });
}

#[test]
fn two_spends_from_the_same_version_exactly_one_commits() {
    /// The smallest store: an append-only log per stream with an expected-version check.
    #[derive(Default)]
    struct MemoryStore {
        log: Vec<Commit<WalletCommand, WalletEvent>>,
    }
    impl MemoryStore {
        fn append(&mut self, expected: u64, commit: Commit<WalletCommand, WalletEvent>) -> Result<(), u64> {
            let current = self.log.len() as u64;
            if current != expected {
                return Err(current);
            }
            self.log.push(commit);
            Ok(())
        }
        fn load(&self) -> StoredValueAccount {
            let id = AccountId::from_u128(1).unwrap();
            StoredValueAccount::replay(StoredValueAccount::new(id, Currency::VND), &self.log).unwrap()
        }
    }
    let program = program(spec());
    let mut store = MemoryStore::default();
    let seed = store.load();
    let first = Command::new(CommandId::from_u128(1).unwrap(), at(1, 0), top_up("P-1", 10));
    let Decision::Accepted(c) = seed.decide(&program, &first).unwrap() else { panic!() };
    store.append(0, c).unwrap();

    // Two tills load version 1 and each decide a spend of 10.
    let till_a = store.load();
    let till_b = store.load();
    let a = Command::new(CommandId::from_u128(2).unwrap(), at(1, 1), spend("A", 10));
    let b = Command::new(CommandId::from_u128(3).unwrap(), at(1, 1), spend("B", 10));
    let Decision::Accepted(ca) = till_a.decide(&program, &a).unwrap() else { panic!() };
    let Decision::Accepted(cb) = till_b.decide(&program, &b).unwrap() else { panic!() };
    assert_eq!((ca.version, cb.version), (2, 2));
    assert!(store.append(till_a.version(), ca).is_ok());
    assert_eq!(store.append(till_b.version(), cb), Err(2), "the version check rejects the second");
    // Till B reloads and decides again: now the balance is gone.
    let reloaded = store.load();
    assert_eq!(
        reloaded.decide(&program, &b).unwrap_err(),
        WalletError::InsufficientFunds { requested: vnd(10), available: vnd(0) }
    );
    assert_eq!(store.log.len(), 2);
    assert_eq!(reloaded.money_available(), vnd(0));
    assert_eq!(reloaded.ledger().totals().debited, vnd(10));
}

#[test]
fn bad_input_is_typed_names_the_values_and_changes_nothing() {
    let mut s = spec();
    s.min_top_up = Some(vnd(10_000));
    s.max_top_up = Some(vnd(5_000_000));
    s.max_balance = Some(vnd(6_000_000));
    let mut h = Host::new(program(s));
    h.ok(at(2, 0), top_up("P-1", 5_000_000));
    let usd = Money::from_minor(100, Currency::USD);
    assert_eq!(
        h.err(at(2, 0), WalletCommand::TopUp { payment: pay("P-2"), amount: usd }).to_string(),
        "currency mismatch: account is in VND, found USD"
    );
    assert_eq!(h.err(at(2, 0), top_up("P-2", 0)), WalletError::NonPositiveAmount { amount: vnd(0) });
    assert_eq!(h.err(at(2, 0), spend("HD-1", -5)).to_string(), "amount must be greater than zero: -5 VND");
    assert_eq!(
        h.err(at(2, 0), top_up("P-2", 9_999)).to_string(),
        "top-up of 9999 VND is below the minimum of 10000 VND"
    );
    assert_eq!(
        h.err(at(2, 0), top_up("P-2", 5_000_001)).to_string(),
        "top-up of 5000001 VND is above the maximum of 5000000 VND"
    );
    // 5,500,000 balance + 500,000 = the cap exactly; one more unit is over.
    assert_eq!(
        h.err(at(2, 0), top_up("P-2", 500_001)).to_string(),
        "balance cap exceeded: balance 5500000 VND plus 500001 VND exceeds the cap of 6000000 VND"
    );
    assert_eq!(h.err(at(2, 0), top_up("P-1", 10_000)), WalletError::ReferenceAlreadyUsed { reference: pay("P-1") });
    assert_eq!(
        h.err(at(2, 0), spend("HD-1", 5_500_001)).to_string(),
        "insufficient funds: requested 5500001 VND, available 5500000 VND"
    );
    h.ok(at(2, 0), spend("HD-1", 100));
    assert_eq!(
        h.err(at(2, 0), WalletCommand::RefundSpend { order: order("HD-1"), amount: Some(vnd(101)) }).to_string(),
        "refund of 101 VND for order HD-1 exceeds the 100 VND spent"
    );
    let unknown = HoldId::from_u128(99).unwrap();
    assert_eq!(
        h.err(at(2, 0), WalletCommand::ReleaseHold { hold: unknown }),
        WalletError::HoldNotFound { hold: unknown }
    );
    assert_eq!(
        h.err(at(2, 0), WalletCommand::CaptureHold { hold: unknown, amount: vnd(1), final_capture: false }),
        WalletError::HoldNotFound { hold: unknown }
    );
    assert_eq!(
        h.err(at(2, 0), WalletCommand::RefundTopUp { payment: pay("NOPE"), amount: None }),
        WalletError::TopUpNotFound { payment: pay("NOPE") }
    );
    let err = h.err(at(1, 0), spend("HD-2", 1));
    assert!(matches!(err, WalletError::Stream(StreamError::Backdated { .. })), "{err}");
    // A program in another currency.
    let usd_program = program(StoredValueSpec::new(chrono_tz::UTC, Currency::USD));
    let cmd = Command::new(CommandId::from_u128(900).unwrap(), at(3, 0), spend("HD-3", 1));
    assert_eq!(
        h.account.decide(&usd_program, &cmd).unwrap_err(),
        WalletError::CurrencyMismatch { expected: Currency::VND, found: Currency::USD }
    );
    // Finer than the minor unit cannot even be built or deserialized.
    assert!(Money::new(Decimal::new(5, 1), Currency::VND).is_err());
    let json = r#"{"type":"spend","order":"HD-4","amount":{"amount":"0.5","currency":"VND"}}"#;
    assert!(serde_json::from_str::<WalletCommand>(json).is_err());
    assert_eq!(h.account.version(), 2);
    // A closed account rejects everything.
    h.ok(at(3, 0), WalletCommand::RefundSpend { order: order("HD-1"), amount: None });
    h.ok(at(3, 1), WalletCommand::Close);
    assert_eq!(h.err(at(3, 2), spend("HD-5", 1)).to_string(), format!("account {} is closed", h.account.id()));
}

#[test]
fn idempotent_resubmission_returns_duplicate_and_rejects_another_body() {
    let mut h = Host::new(program(spec()));
    let cmd = Command::new(CommandId::from_u128(50).unwrap(), at(1, 0), top_up("P-1", 1_000));
    h.run(&cmd).unwrap();
    let again = Command::new(cmd.id, at(1, 5), cmd.body.clone());
    assert_eq!(h.account.decide(&h.program, &again).unwrap(), Decision::Duplicate { version: 1 });
    let other = Command::new(cmd.id, at(1, 5), top_up("P-1", 2_000));
    assert_eq!(
        h.account.decide(&h.program, &other).unwrap_err(),
        WalletError::Stream(StreamError::ExistsWithDifferentBody { command_id: cmd.id, version: 1 })
    );
}

#[test]
fn replay_past_the_idempotency_window_equals_live_and_still_answers_duplicates() {
    let mut h = Host::new(program(spec()));
    for n in 0..300i64 {
        let body = if n % 3 == 2 { spend(&format!("O-{n}"), 100) } else { top_up(&format!("P-{n}"), 1_000 + n) };
        h.ok(at(1, 0) + TimeDelta::minutes(n), body);
    }
    let id = h.account.id();
    let replayed = StoredValueAccount::replay(StoredValueAccount::new(id, Currency::VND), &h.commits).unwrap();
    assert_eq!(replayed, h.account);
    let generic = customer_care::stream::replay(StoredValueAccount::new(id, Currency::VND), &h.commits).unwrap();
    assert_eq!(generic, h.account);
    assert_eq!(serde_json::to_string(&replayed).unwrap(), serde_json::to_string(&h.account).unwrap());
    let last = h.commits.last().unwrap().command.clone();
    assert_eq!(replayed.decide(&h.program, &last).unwrap(), Decision::Duplicate { version: 300 });
    let oldest_kept = &h.commits[300 - customer_care::stream::IDEMPOTENCY_WINDOW].command;
    assert!(matches!(replayed.decide(&h.program, oldest_kept).unwrap(), Decision::Duplicate { .. }));
    // A snapshot plus the tail replays to the same account.
    let snapshot = StoredValueAccount::replay(StoredValueAccount::new(id, Currency::VND), &h.commits[..250]).unwrap();
    assert_eq!(StoredValueAccount::replay(snapshot, &h.commits[250..]).unwrap(), h.account);
}

#[test]
fn programs_are_validated_when_built_and_deserialized() {
    let mut s = spec();
    s.bonus_tiers.push(BonusTier {
        min_top_up: vnd(500_000),
        bonus: Bonus::Fixed { amount: vnd(1) },
        restricted_to: vec![],
    });
    assert_eq!(
        StoredValueProgram::new(s).unwrap_err().to_string(),
        "invalid stored-value program: bonus tiers overlap: 500000 VND must be above 1000000 VND"
    );
    let mut s = spec();
    s.bonus_tiers[0].bonus = Bonus::Percent { percent: Decimal::ZERO };
    assert!(StoredValueProgram::new(s).is_err());
    let mut s = spec();
    s.bonus_expiry = BonusExpiry::Days { days: 0 };
    assert!(StoredValueProgram::new(s).is_err());
    let mut s = spec();
    s.min_top_up = Some(vnd(10));
    s.max_top_up = Some(vnd(5));
    assert!(StoredValueProgram::new(s).is_err());

    let p = program(spec());
    let json = serde_json::to_string(&p).unwrap();
    assert_eq!(serde_json::from_str::<StoredValueProgram>(&json).unwrap(), p);
    let bad = json.replace("\"percent\":\"10\"", "\"percent\":\"0\"");
    assert_ne!(bad, json);
    assert!(serde_json::from_str::<StoredValueProgram>(&bad).is_err());
}

#[test]
fn liability_reports_merge_exactly() {
    let mut hosts = Vec::new();
    for (i, amount) in [1_000_000i64, 250_000, 3_000_001].into_iter().enumerate() {
        let mut h = Host::new(program(spec()));
        h.ok(at(1, 0), top_up("P-1", amount));
        h.ok(at(1, 1), spend("HD-1", 10_000 * (i as i64 + 1)));
        let _ = h.submit(at(31, 18), WalletCommand::ProcessDue);
        hosts.push(h);
    }
    let one = |h: &Host| {
        let mut r = LiabilityReport::new(Currency::VND);
        r.add(&h.account).unwrap();
        r
    };
    let (a, b, c) = (one(&hosts[0]), one(&hosts[1]), one(&hosts[2]));
    let left = a.merge(&b).unwrap().merge(&c).unwrap();
    let right = c.merge(&a.merge(&b).unwrap()).unwrap();
    assert_eq!(left, right);
    assert_eq!(left.accounts(), 3);
    // Bonuses 100,000 and 300,000 (the 250,000 top-up earns none); spends 10,000 and 30,000 came from them.
    assert_eq!(left.bonus_breakage(), vnd(90_000 + 270_000));
    assert_eq!(left.principal_outstanding(), vnd(1_000_000 + 250_000 - 20_000 + 3_000_001));
    assert!(matches!(left.merge(&LiabilityReport::new(Currency::USD)), Err(WalletError::CurrencyMismatch { .. })));
    let json = serde_json::to_string(&left).unwrap();
    assert_eq!(serde_json::from_str::<LiabilityReport>(&json).unwrap(), left);
    let tampered = json.replacen("\"currency\":\"VND\"}", "\"currency\":\"USD\"}", 1);
    assert_ne!(tampered, json);
    assert!(serde_json::from_str::<LiabilityReport>(&tampered).is_err());
}

// ------------------------------------------------------------------ properties (sharing tests/it/common)

/// One step of the stored-value simulation: a lot-engine step from the shared strategies, mapped onto wallet
/// commands, or a wallet-only refund.
#[derive(Clone, Debug)]
enum Step {
    Ledger(LedgerOp),
    RefundSpend { order: u8, amount: Option<i64> },
    RefundTopUp { payment: u8, amount: Option<i64> },
    Duplicate { index: usize },
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    let step = prop_oneof![
        10 => ledger_op().prop_map(Step::Ledger),
        2 => (0u8..8, proptest::option::of(1i64..300)).prop_map(|(order, amount)| Step::RefundSpend { order, amount }),
        2 => (0u8..8, proptest::option::of(1i64..300)).prop_map(|(payment, amount)| Step::RefundTopUp { payment, amount }),
        // More captures than the shared mix has: holds are the wallet's checkout path.
        1 => (1u8..5, 1i64..200, any::<bool>())
            .prop_map(|(hold, amount, final_capture)| Step::Ledger(LedgerOp::Capture { hold, amount, final_capture })),
        1 => any::<usize>().prop_map(|index| Step::Duplicate { index }),
    ];
    proptest::collection::vec(step, 1..40)
}

/// USD cents; 10 % bonus from 1.00 USD rounded down, usable one day; balance cap 20.00 USD.
fn sim_program() -> StoredValueProgram {
    let usd = |n| Money::from_minor(n, Currency::USD);
    let mut s = StoredValueSpec::new(chrono_tz::America::New_York, Currency::USD);
    s.bonus_tiers.push(BonusTier {
        min_top_up: usd(100),
        bonus: Bonus::Percent { percent: Decimal::TEN },
        restricted_to: vec![],
    });
    s.bonus_tiers.push(BonusTier {
        min_top_up: usd(400),
        bonus: Bonus::Fixed { amount: usd(77) },
        restricted_to: vec![],
    });
    s.bonus_rounding = Rounding::Floor;
    s.bonus_expiry = BonusExpiry::Days { days: 1 };
    s.max_balance = Some(usd(2_000));
    s.refund_rounding = Rounding::HalfEven;
    program(s)
}

fn to_command(step: &Step, n: usize, now: DateTime<Utc>) -> Option<WalletCommand> {
    let usd = |n: i64| Money::from_minor(n, Currency::USD);
    let hours = |h: u16| now + TimeDelta::hours(i64::from(h));
    Some(match step {
        Step::Ledger(LedgerOp::Credit { amount, category: 0, .. }) => {
            WalletCommand::TopUp { payment: pay(&format!("P-{}", n % 8)), amount: usd(*amount) }
        }
        Step::Ledger(LedgerOp::Credit { amount, expires_in_hours, .. }) => WalletCommand::IssueValue {
            kind: IssueKind::StoreCredit,
            reference: pay(&format!("CN-{n}")),
            amount: usd(*amount),
            restricted_to: vec![],
            expires_at: expires_in_hours.map(hours),
        },
        Step::Ledger(LedgerOp::Debit { amount, .. }) => {
            WalletCommand::Spend { order: order(&format!("O-{}", n % 8)), amount: usd(*amount), tags: vec![] }
        }
        Step::Ledger(LedgerOp::Hold { hold, amount, expires_in_hours }) => WalletCommand::PlaceHold {
            hold: hold_id(*hold),
            order: order(&format!("O-{}", hold % 8)),
            amount: usd(*amount),
            tags: vec![],
            expires_at: expires_in_hours.map(hours),
        },
        Step::Ledger(LedgerOp::Capture { hold, amount, final_capture }) => {
            WalletCommand::CaptureHold { hold: hold_id(*hold), amount: usd(*amount), final_capture: *final_capture }
        }
        Step::Ledger(LedgerOp::Release { hold }) => WalletCommand::ReleaseHold { hold: hold_id(*hold) },
        Step::RefundSpend { order: o, amount } => {
            WalletCommand::RefundSpend { order: order(&format!("O-{o}")), amount: amount.map(usd) }
        }
        Step::RefundTopUp { payment, amount } => {
            WalletCommand::RefundTopUp { payment: pay(&format!("P-{payment}")), amount: amount.map(usd) }
        }
        Step::Ledger(LedgerOp::Advance { .. }) | Step::Duplicate { .. } => return None,
    })
}

/// Runs the steps against a host (checking invariants and unchanged state on rejection after every step); with
/// `sweep`, submits `ProcessDue` at every deadline passed.
fn simulate(steps: &[Step], sweep: bool) -> Host {
    let mut h = Host::new(sim_program());
    let mut now = t0();
    let mut sent: Vec<Command<WalletCommand>> = Vec::new();
    for (n, step) in steps.iter().enumerate() {
        if let Step::Ledger(LedgerOp::Advance { hours }) = step {
            now += TimeDelta::hours(i64::from(*hours));
        }
        if sweep {
            while let Some(deadline) = h.account.next_deadline().filter(|d| *d <= now) {
                h.ok(deadline, WalletCommand::ProcessDue);
                // A scheduler loops like this: each step must move the deadline on, or it would spin.
                let next = h.account.next_deadline();
                assert!(next.is_none_or(|n| n > deadline), "processing {deadline} left {next:?} due");
            }
        }
        let cmd = match step {
            Step::Duplicate { index } if !sent.is_empty() => {
                let mut c = sent[index % sent.len()].clone();
                c.issued_at = now;
                c
            }
            _ => match to_command(step, n, now) {
                Some(body) => Command::new(CommandId::from_u128(10_000 + n as u128).unwrap(), now, body),
                None => continue,
            },
        };
        let _ = h.run(&cmd);
        if !matches!(step, Step::Duplicate { .. }) {
            sent.push(cmd);
        }
    }
    if sweep {
        while let Some(deadline) = h.account.next_deadline().filter(|d| *d <= now) {
            h.ok(deadline, WalletCommand::ProcessDue);
            // A scheduler loops like this: each step must move the deadline on, or it would spin.
            let next = h.account.next_deadline();
            assert!(next.is_none_or(|n| n > deadline), "processing {deadline} left {next:?} due");
        }
    }
    let _ = h.submit(now, WalletCommand::ProcessDue);
    h
}

/// Lots and totals without versions, for comparing runs with different commit counts.
fn normalized(a: &StoredValueAccount) -> (Vec<String>, String, Money) {
    let lots = a
        .ledger()
        .lots()
        .map(|l| {
            format!(
                "{} {} {:?} {} {} {} {} {} {}",
                l.credited_at(),
                l.category(),
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
    (lots, format!("{:?}", a.ledger().totals()), a.bonus_available())
}

proptest! {
    #[test]
    fn wallet_replay_snapshot_idempotency_and_conservation(steps in steps()) {
        let h = simulate(&steps, false);
        h.account.check_invariants().unwrap();
        let initial = StoredValueAccount::new(h.account.id(), Currency::USD);
        check_replay_and_snapshot(&initial, &h.account, &h.commits, |a, c| StoredValueAccount::replay(a, c));
        check_idempotent(&h.account, &h.program, &h.commits);
        check_commits_round_trip(&h.commits);
        check_wire_round_trip(&initial, &h.account, &h.commits);
        // Conservation in money, to the unit, summed from the events themselves.
        let t = h.account.ledger().totals();
        let buckets = t.available.checked_add(t.held).unwrap();
        let net = t.credited.checked_sub(t.debited).unwrap().checked_sub(t.expired).unwrap().checked_sub(t.clawed_back).unwrap();
        prop_assert_eq!(buckets, net);
        let mut credited = Money::zero(Currency::USD);
        for e in h.commits.iter().flat_map(|c| &c.events) {
            match e {
                WalletEvent::ToppedUp { principal, bonus, .. } => {
                    credited = credited.checked_add(principal.amount).unwrap();
                    if let Some(b) = bonus { credited = credited.checked_add(b.amount).unwrap(); }
                }
                WalletEvent::ValueIssued { credit, .. } => credited = credited.checked_add(credit.amount).unwrap(),
                _ => {}
            }
        }
        prop_assert_eq!(credited, t.credited);
        // Every receipt adds up.
        for r in h.commits.iter().flat_map(|c| &c.events).filter_map(WalletEvent::receipt) {
            prop_assert_eq!(r.from_principal.checked_add(r.from_bonus).unwrap(), r.amount);
            prop_assert_eq!(r.principal_available.checked_add(r.bonus_available).unwrap(), r.money_available);
        }
    }

    #[test]
    fn wallet_sweeping_late_equals_sweeping_on_time(steps in steps()) {
        let lazy = simulate(&steps, false);
        let swept = simulate(&steps, true);
        prop_assert_eq!(normalized(&lazy.account), normalized(&swept.account));
    }

    #[test]
    fn money_ledger_shared_strategies_in_vnd(ops in crate::common::ledger_strategies::ledger_ops(40)) {
        let (lazy, _) = run_ledger(&ops, vnd, false);
        let (swept, _) = run_ledger(&ops, vnd, true);
        prop_assert_eq!(&lazy, &swept);
        let json = serde_json::to_string(&lazy).unwrap();
        prop_assert_eq!(serde_json::from_str::<Ledger<Money>>(&json).unwrap(), lazy);
    }
}

#[test]
fn snapshots_are_validated_on_deserialize() {
    let mut h = Host::new(program(spec()));
    h.ok(at(1, 0), top_up("P-1", 1_000_000));
    h.ok(at(1, 1), spend("HD-1", 150_000));
    let json = serde_json::to_string(&h.account).unwrap();
    let back: StoredValueAccount = serde_json::from_str(&json).unwrap();
    assert_eq!(back, h.account);
    assert_eq!(back.bonus_available(), vnd(0));
    // A closed account that still holds value does not add up.
    let tampered = json.replace("\"closed\":false", "\"closed\":true");
    assert_ne!(tampered, json);
    assert!(serde_json::from_str::<StoredValueAccount>(&tampered).unwrap_err().to_string().contains("closed account"));
    // A top-up record that does not match its lot.
    let tampered = json.replace("\"principal\":{\"amount\":\"1000000\"", "\"principal\":{\"amount\":\"999999\"");
    assert_ne!(tampered, json);
    assert!(serde_json::from_str::<StoredValueAccount>(&tampered).is_err());
}

#[test]
fn batches_are_all_or_nothing() {
    use customer_care::stream::decide_batch;
    let mut h = Host::new(program(spec()));
    h.ok(at(1, 0), top_up("P-1", 100));
    let cmd = |id: u128, body| Command::new(CommandId::from_u128(id).unwrap(), at(1, 1), body);
    let ok = decide_batch(&h.account, &h.program, &[cmd(10, spend("A", 60)), cmd(11, spend("B", 40))]).unwrap();
    assert_eq!(ok.len(), 2);
    let err = decide_batch(&h.account, &h.program, &[cmd(10, spend("A", 60)), cmd(11, spend("B", 41))]).unwrap_err();
    assert_eq!(err.index, 1);
    assert_eq!(err.error, WalletError::InsufficientFunds { requested: vnd(41), available: vnd(40) });
    assert_eq!(h.account.version(), 1);
}

proptest! {
    #[test]
    fn liability_reports_merge_associatively_and_commutatively(a in steps(), b in steps(), c in steps()) {
        let (ha, hb, hc) = (simulate(&a, false), simulate(&b, false), simulate(&c, false));
        let one = |h: &Host| LiabilityReport::of(Currency::USD, [&h.account]).unwrap();
        let (ra, rb, rc) = (one(&ha), one(&hb), one(&hc));
        let left = ra.merge(&rb).unwrap().merge(&rc).unwrap();
        prop_assert_eq!(&left, &ra.merge(&rb.merge(&rc).unwrap()).unwrap());
        prop_assert_eq!(&left, &rc.merge(&rb).unwrap().merge(&ra).unwrap());
        prop_assert_eq!(&left, &LiabilityReport::of(Currency::USD, [&ha.account, &hb.account, &hc.account]).unwrap());
        // Reconciles with the ledgers, to the unit.
        let mut liability = Money::zero(Currency::USD);
        let mut expired = Money::zero(Currency::USD);
        for h in [&ha, &hb, &hc] {
            liability = liability.checked_add(h.account.ledger().totals().liability()).unwrap();
            expired = expired.checked_add(h.account.ledger().totals().expired).unwrap();
        }
        prop_assert_eq!(left.liability().unwrap(), liability);
        prop_assert_eq!(left.breakage().unwrap(), expired);
    }
}

// ------------------------------------------------------------------ issue 14: principal-first order

/// A gift card that expires next week and a top-up that never expires: principal-first spends the gift card first
/// (soonest expiry across every principal category), and the same whether or not the top-up earned a bonus lot.
#[test]
fn principal_first_spends_the_gift_card_expiring_next_week_before_a_top_up_that_never_expires() {
    let mut s = spec();
    s.spend_order = SpendOrder::PrincipalFirst;
    // 1,000,000 earns a 100,000 bonus lot; 900,000 earns none.
    for (top_up_amount, bonus) in [(1_000_000, 100_000), (900_000, 0)] {
        let mut h = Host::new(program(s.clone()));
        h.ok(at(1, 0), top_up("P-1", top_up_amount));
        assert_eq!(h.account.bonus_available(), vnd(bonus));
        h.ok(
            at(1, 1),
            WalletCommand::IssueValue {
                kind: IssueKind::GiftCard,
                reference: pay("GC-1"),
                amount: vnd(200_000),
                restricted_to: vec![],
                expires_at: Some(at(8, 0)),
            },
        );
        let events = h.ok(at(2, 0), spend("HD-1", 250_000));
        let WalletEvent::Spent { allocations, receipt: r, .. } = &events[0] else { panic!("{events:?}") };
        assert_eq!(allocations, &[alloc(2, 0, 200_000), alloc(1, 0, 50_000)], "bonus {bonus}");
        assert_eq!((r.from_principal, r.from_bonus), (vnd(250_000), vnd(0)));
    }
}

/// Within principal, equal expiries go oldest lot first (lot id: commit version, then position), whatever the
/// category; never-expiring principal comes after every expiring one, and bonus only after all principal.
#[test]
fn principal_first_breaks_expiry_ties_by_the_oldest_lot_and_keeps_bonus_last() {
    let mut s = spec();
    s.spend_order = SpendOrder::PrincipalFirst;
    let mut h = Host::new(program(s));
    let issue = |kind, reference: &str, amount, expires_at| WalletCommand::IssueValue {
        kind,
        reference: pay(reference),
        amount: vnd(amount),
        restricted_to: vec![],
        expires_at,
    };
    h.ok(at(1, 0), issue(IssueKind::StoreCredit, "CN-1", 30, Some(at(20, 0))));
    h.ok(at(1, 1), top_up("P-1", 1_000_000)); // lots 2.0 (principal, never) and 2.1 (bonus, 1 February)
    h.ok(at(1, 2), issue(IssueKind::GiftCard, "GC-1", 40, Some(at(20, 0))));
    h.ok(at(1, 3), issue(IssueKind::StoreCredit, "CN-2", 50, Some(at(10, 0))));
    h.ok(at(1, 4), issue(IssueKind::GiftCard, "GC-2", 60, None));
    let events = h.ok(at(2, 0), spend("HD-1", 1_000_200));
    let WalletEvent::Spent { allocations, .. } = &events[0] else { panic!("{events:?}") };
    assert_eq!(
        allocations,
        &[alloc(4, 0, 50), alloc(1, 0, 30), alloc(3, 0, 40), alloc(2, 0, 1_000_000), alloc(5, 0, 60), alloc(2, 1, 20),]
    );
}

/// JSON written before the twin accounts' names were aligned (issue 15: format 1) is read through the upcaster, as
/// the new names; plain deserialization knows the new names only, and new JSON is written with them.
#[test]
fn commands_and_receipts_stored_under_the_old_names_load_through_the_upcaster() {
    assert!(serde_json::from_str::<WalletCommand>(r#"{"type":"expire_due"}"#).is_err());
    assert_eq!(serde_json::to_string(&WalletCommand::ProcessDue).unwrap(), r#"{"type":"process_due"}"#);

    let mut h = Host::new(program(spec()));
    h.ok(at(1, 9), top_up("MOMO-1", 1_000_000));
    h.ok(at(1, 10), spend("HD-1", 200_000));
    let spent = h.commits.last().unwrap().clone();
    let json = serde_json::to_string(&spent).unwrap();
    for new in ["principal_available", "bonus_available", "money_available"] {
        assert!(json.contains(&format!(r#""{new}":"#)), "{json}");
    }
    let stored = json
        .replace(r#""format":2,"#, "")
        .replace("principal_available", "principal_remaining")
        .replace("bonus_available", "bonus_remaining")
        .replace("money_available", "total_remaining");
    assert_ne!(stored, json);
    assert!(serde_json::from_str::<Commit<WalletCommand, WalletEvent>>(&stored).is_err(), "{stored}");
    assert_eq!(customer_care::wire::decode_commit::<StoredValueAccount>(&stored).unwrap(), spent, "{stored}");
}
