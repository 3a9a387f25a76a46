//! Stored value, issue 14: every spend order against a small reference model, and the overflow class.

use std::collections::BTreeMap;

use chrono::{DateTime, Days, TimeDelta, Utc};
use customer_care::ledger::{Allocation, HoldStatus, LotId};
use customer_care::wallet::{
    BONUS, Bonus, BonusExpiry, BonusTier, GIFT_CARD, IssueKind, LiabilityReport, PRINCIPAL, STORE_CREDIT, SpendOrder,
    StoredValueAccount, StoredValueProgram, StoredValueSpec, WalletCommand, WalletError, WalletEvent,
};
use customer_care::{
    AccountId, Command, CommandId, Commit, Currency, Decision, HoldId, Money, MoneyError, OrderId, PaymentRef, Rounding,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::common::ledger_strategies::t0;

fn usd(n: i64) -> Money {
    Money::from_minor(n, Currency::USD)
}

fn order(n: u8) -> OrderId {
    OrderId::new(&format!("O-{n}")).unwrap()
}

fn hold(n: u8) -> HoldId {
    HoldId::from_u128(u128::from(n) + 1).unwrap()
}

// ------------------------------------------------------------------ the reference model of every spend order

/// One lot as the model sees it: which bucket, when it expires, what is free (available, not held).
#[derive(Clone, Debug)]
struct MLot {
    id: LotId,
    bonus: bool,
    expires: Option<DateTime<Utc>>,
    free: i64,
}

#[derive(Clone, Debug)]
struct MHold {
    order: u8,
    held: Vec<(LotId, i64)>,
    status: HoldStatus,
}

/// The obvious model: lots in a `Vec`, every allocation a sort of the lots by (bucket rank, expiry with never
/// last, lot id) and a greedy walk. No indexes, no fast paths.
#[derive(Clone, Debug, Default)]
struct Model {
    version: u64,
    lots: Vec<MLot>,
    spends: BTreeMap<u8, Vec<(LotId, i64)>>,
    holds: BTreeMap<u8, MHold>,
}

/// Appends, merging with the last entry when it is the same lot (as a spend record is kept).
fn push_merged(list: &mut Vec<(LotId, i64)>, lot: LotId, amount: i64) {
    match list.last_mut() {
        Some(last) if last.0 == lot => last.1 += amount,
        _ => list.push((lot, amount)),
    }
}

fn allocations(list: &[(LotId, i64)]) -> Vec<Allocation<Money>> {
    list.iter().map(|&(lot, n)| Allocation { lot, amount: usd(n) }).collect()
}

impl Model {
    fn lot_mut(&mut self, id: LotId) -> &mut MLot {
        self.lots.iter_mut().find(|l| l.id == id).expect("model lot")
    }

    fn available(&self) -> i64 {
        self.lots.iter().map(|l| l.free).sum()
    }

    fn bonus(&self) -> i64 {
        self.lots.iter().filter(|l| l.bonus).map(|l| l.free).sum()
    }

    /// Everything whose expiry has come: its free part expires.
    fn settle(&mut self, now: DateTime<Utc>) {
        for lot in &mut self.lots {
            if lot.expires.is_some_and(|e| e <= now) {
                lot.free = 0;
            }
        }
    }

    /// The lots a debit of `amount` takes under `spend_order`, or the available total when it is short.
    fn plan(&self, amount: i64, spend_order: SpendOrder) -> Result<Vec<(LotId, i64)>, i64> {
        let rank = |bonus: bool| match spend_order {
            SpendOrder::PrincipalFirst => bonus,
            _ => !bonus,
        };
        let mut order: Vec<&MLot> = self.lots.iter().filter(|l| l.free > 0).collect();
        order.sort_by_key(|l| (rank(l.bonus), l.expires.unwrap_or(DateTime::<Utc>::MAX_UTC), l.id));
        let mut left = amount;
        let mut out = Vec::new();
        for lot in order {
            if left == 0 {
                break;
            }
            let take = lot.free.min(left);
            left -= take;
            out.push((lot.id, take));
        }
        if left > 0 { Err(self.available()) } else { Ok(out) }
    }

    fn take(&mut self, list: &[(LotId, i64)]) {
        for &(id, n) in list {
            self.lot_mut(id).free -= n;
        }
    }

    fn give_back(&mut self, list: &[(LotId, i64)], now: DateTime<Utc>) {
        for &(id, n) in list {
            self.lot_mut(id).free += n;
        }
        self.settle(now);
    }
}

#[derive(Clone, Debug)]
enum Step {
    TopUp { amount: i64 },
    Issue { gift_card: bool, amount: i64, expires_in_hours: Option<u16> },
    Spend { order: u8, amount: i64 },
    RefundSpend { order: u8, amount: Option<i64> },
    Hold { hold: u8, order: u8, amount: i64 },
    Capture { hold: u8, amount: i64, final_capture: bool },
    Release { hold: u8 },
    Advance { hours: u16 },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (1i64..2_000).prop_map(|amount| Step::TopUp { amount }),
        3 => (any::<bool>(), 1i64..2_000, proptest::option::of(1u16..300))
            .prop_map(|(gift_card, amount, expires_in_hours)| Step::Issue { gift_card, amount, expires_in_hours }),
        4 => (0u8..4, 1i64..1_500).prop_map(|(order, amount)| Step::Spend { order, amount }),
        2 => (0u8..4, proptest::option::of(1i64..1_500))
            .prop_map(|(order, amount)| Step::RefundSpend { order, amount }),
        2 => (0u8..3, 0u8..4, 1i64..1_500).prop_map(|(hold, order, amount)| Step::Hold { hold, order, amount }),
        2 => (0u8..3, 1i64..1_500, any::<bool>())
            .prop_map(|(hold, amount, final_capture)| Step::Capture { hold, amount, final_capture }),
        1 => (0u8..3).prop_map(|hold| Step::Release { hold }),
        2 => (0u16..60).prop_map(|hours| Step::Advance { hours }),
    ]
}

/// USD in UTC: 10 % bonus from 1.00 USD, rounded down, expiring as drawn.
fn order_program(spend_order: SpendOrder, bonus_days: Option<u32>) -> StoredValueProgram {
    let mut s = StoredValueSpec::new(chrono_tz::UTC, Currency::USD);
    s.bonus_tiers.push(BonusTier {
        min_top_up: usd(100),
        bonus: Bonus::Percent { percent: Decimal::TEN },
        restricted_to: vec![],
    });
    s.bonus_rounding = Rounding::Floor;
    s.bonus_expiry = bonus_days.map_or(BonusExpiry::Never, |days| BonusExpiry::Days { days });
    s.spend_order = spend_order;
    StoredValueProgram::new(s).unwrap()
}

fn spend_order() -> impl Strategy<Value = SpendOrder> {
    prop_oneof![Just(SpendOrder::BonusFirst), Just(SpendOrder::PrincipalFirst)]
}

/// What the model expects of one step: the command, and the accepted events' body or the rejection.
fn expect(
    model: &Model,
    step: &Step,
    program: &StoredValueProgram,
    bonus_days: Option<u32>,
    now: DateTime<Utc>,
) -> Option<(WalletCommand, Result<WalletEvent, WalletError>)> {
    let spend_order = program.spec().spend_order;
    let v = model.version + 1;
    Some(match *step {
        Step::TopUp { amount } => {
            let cmd =
                WalletCommand::TopUp { payment: PaymentRef::new(&format!("P-{v}")).unwrap(), amount: usd(amount) };
            // 10 % rounded down from 1.00 USD; usable through the UTC date plus the days, so it expires at the
            // start of the day after.
            let bonus = if amount >= 100 { amount / 10 } else { 0 };
            let expires = bonus_days
                .map(|d| (now.date_naive() + Days::new(u64::from(d) + 1)).and_hms_opt(0, 0, 0).unwrap().and_utc());
            let event = WalletEvent::ToppedUp {
                payment: PaymentRef::new(&format!("P-{v}")).unwrap(),
                principal: customer_care::ledger::Credit {
                    lot: LotId::new(v, 0),
                    amount: usd(amount),
                    category: PRINCIPAL,
                    origin: customer_care::ledger::Origin::default(),
                    restricted_to: vec![],
                    activates_at: None,
                    expires_at: None,
                },
                bonus: (bonus > 0).then(|| customer_care::ledger::Credit {
                    lot: LotId::new(v, 1),
                    amount: usd(bonus),
                    category: BONUS,
                    origin: customer_care::ledger::Origin::default(),
                    restricted_to: vec![],
                    activates_at: None,
                    expires_at: expires,
                }),
            };
            (cmd, Ok(event))
        }
        Step::Issue { gift_card, amount, expires_in_hours } => {
            let (kind, category) =
                if gift_card { (IssueKind::GiftCard, GIFT_CARD) } else { (IssueKind::StoreCredit, STORE_CREDIT) };
            let expires_at = expires_in_hours.map(|h| now + TimeDelta::hours(i64::from(h)));
            let reference = PaymentRef::new(&format!("I-{v}")).unwrap();
            let cmd = WalletCommand::IssueValue {
                kind,
                reference: reference.clone(),
                amount: usd(amount),
                restricted_to: vec![],
                expires_at,
            };
            let credit = customer_care::ledger::Credit {
                lot: LotId::new(v, 0),
                amount: usd(amount),
                category,
                origin: customer_care::ledger::Origin::default(),
                restricted_to: vec![],
                activates_at: None,
                expires_at,
            };
            (cmd, Ok(WalletEvent::ValueIssued { kind, reference, credit }))
        }
        Step::Spend { order: o, amount } => {
            let cmd = WalletCommand::Spend { order: order(o), amount: usd(amount), tags: vec![] };
            let result = match model.plan(amount, spend_order) {
                Ok(plan) => Ok(WalletEvent::Spent {
                    order: order(o),
                    allocations: allocations(&plan),
                    receipt: dummy_receipt(),
                }),
                Err(available) => {
                    Err(WalletError::InsufficientFunds { requested: usd(amount), available: usd(available) })
                }
            };
            (cmd, result)
        }
        Step::RefundSpend { order: o, amount } => {
            let cmd = WalletCommand::RefundSpend { order: order(o), amount: amount.map(usd) };
            let record = model.spends.get(&o).filter(|r| !r.is_empty());
            let result = match record {
                None => Err(WalletError::SpendNotFound { order: order(o) }),
                Some(record) => {
                    let outstanding: i64 = record.iter().map(|p| p.1).sum();
                    let amount = amount.unwrap_or(outstanding);
                    if amount > outstanding {
                        Err(WalletError::RefundExceedsSpent {
                            order: order(o),
                            requested: usd(amount),
                            spent: usd(outstanding),
                        })
                    } else {
                        let (mut restored, mut forfeited) = (Vec::new(), Vec::new());
                        let mut left = amount;
                        for &(lot, n) in record.iter().rev() {
                            if left == 0 {
                                break;
                            }
                            let take = n.min(left);
                            left -= take;
                            let live = model.lots.iter().any(|l| l.id == lot && l.expires.is_none_or(|e| e > now));
                            push_merged(if live { &mut restored } else { &mut forfeited }, lot, take);
                        }
                        Ok(WalletEvent::SpendRefunded {
                            order: order(o),
                            amount: usd(amount),
                            restored: allocations(&restored),
                            forfeited: allocations(&forfeited),
                        })
                    }
                }
            };
            (cmd, result)
        }
        Step::Hold { hold: h, order: o, amount } => {
            let cmd = WalletCommand::PlaceHold {
                hold: hold(h),
                order: order(o),
                amount: usd(amount),
                tags: vec![],
                expires_at: None,
            };
            let result = if model.holds.contains_key(&h) {
                Err(WalletError::HoldExists { hold: hold(h) })
            } else {
                match model.plan(amount, spend_order) {
                    Ok(plan) => Ok(WalletEvent::HoldPlaced {
                        placement: customer_care::ledger::HoldPlacement {
                            hold: hold(h),
                            amount: usd(amount),
                            allocations: allocations(&plan),
                            expires_at: None,
                            order: Some(order(o)),
                        },
                    }),
                    Err(available) => {
                        Err(WalletError::InsufficientFunds { requested: usd(amount), available: usd(available) })
                    }
                }
            };
            (cmd, result)
        }
        Step::Capture { hold: h, amount, final_capture } => {
            let cmd = WalletCommand::CaptureHold { hold: hold(h), amount: usd(amount), final_capture };
            let result = match model.holds.get(&h) {
                None => Err(WalletError::HoldNotFound { hold: hold(h) }),
                Some(mh) if mh.status != HoldStatus::Open => {
                    Err(WalletError::HoldClosed { hold: hold(h), status: mh.status })
                }
                Some(mh) => {
                    let held: i64 = mh.held.iter().map(|p| p.1).sum();
                    if amount > held {
                        Err(WalletError::CaptureExceedsHold { hold: hold(h), requested: usd(amount), held: usd(held) })
                    } else {
                        let (mut captured, mut released) = (Vec::new(), Vec::new());
                        let mut left = amount;
                        for &(lot, n) in &mh.held {
                            let take = n.min(left);
                            left -= take;
                            if take > 0 {
                                captured.push((lot, take));
                            }
                            if final_capture && n > take {
                                released.push((lot, n - take));
                            }
                        }
                        Ok(WalletEvent::HoldCaptured {
                            hold: hold(h),
                            captured: allocations(&captured),
                            released: allocations(&released),
                            closed: final_capture || amount == held,
                            receipt: dummy_receipt(),
                        })
                    }
                }
            };
            (cmd, result)
        }
        Step::Release { hold: h } => {
            let cmd = WalletCommand::ReleaseHold { hold: hold(h) };
            let result = match model.holds.get(&h) {
                None => Err(WalletError::HoldNotFound { hold: hold(h) }),
                Some(mh) if mh.status != HoldStatus::Open => {
                    Err(WalletError::HoldClosed { hold: hold(h), status: mh.status })
                }
                Some(mh) => {
                    let released: Vec<_> = mh.held.iter().copied().filter(|p| p.1 > 0).collect();
                    Ok(WalletEvent::HoldReleased { hold: hold(h), released: allocations(&released) })
                }
            };
            (cmd, result)
        }
        Step::Advance { .. } => return None,
    })
}

/// A placeholder: receipts are compared field by field against the model, not through the event.
fn dummy_receipt() -> customer_care::wallet::Receipt {
    customer_care::wallet::Receipt {
        order: order(0),
        at: t0(),
        amount: usd(0),
        from_principal: usd(0),
        from_bonus: usd(0),
        lines: vec![],
        principal_available: usd(0),
        bonus_available: usd(0),
        money_available: usd(0),
        next_expiry: None,
    }
}

/// Applies an accepted event to the model.
fn model_apply(model: &mut Model, event: &WalletEvent, now: DateTime<Utc>) {
    match event {
        WalletEvent::ToppedUp { principal, bonus, .. } => {
            model.lots.push(MLot { id: principal.lot, bonus: false, expires: None, free: minor(principal.amount) });
            if let Some(b) = bonus {
                model.lots.push(MLot { id: b.lot, bonus: true, expires: b.expires_at, free: minor(b.amount) });
            }
        }
        WalletEvent::ValueIssued { credit, .. } => model.lots.push(MLot {
            id: credit.lot,
            bonus: false,
            expires: credit.expires_at,
            free: minor(credit.amount),
        }),
        WalletEvent::Spent { order: o, allocations, .. } => {
            let list = pairs(allocations);
            model.take(&list);
            let record = model.spends.entry(order_number(o)).or_default();
            for (lot, n) in list {
                push_merged(record, lot, n);
            }
        }
        WalletEvent::SpendRefunded { order: o, amount, restored, .. } => {
            let restored = pairs(restored);
            model.give_back(&restored, now);
            let record = model.spends.entry(order_number(o)).or_default();
            let mut left = minor(*amount);
            while left > 0 {
                let Some(last) = record.last_mut() else { break };
                let take = last.1.min(left);
                last.1 -= take;
                left -= take;
                if last.1 == 0 {
                    record.pop();
                }
            }
        }
        WalletEvent::HoldPlaced { placement } => {
            let list = pairs(&placement.allocations);
            model.take(&list);
            let o = placement.order.as_ref().map_or(0, order_number);
            let number = (0u8..3).find(|n| hold(*n) == placement.hold).unwrap();
            model.holds.insert(number, MHold { order: o, held: list, status: HoldStatus::Open });
        }
        WalletEvent::HoldCaptured { hold: id, captured, released, closed, .. } => {
            let number = (0u8..3).find(|n| hold(*n) == *id).unwrap();
            let mh = model.holds.get_mut(&number).unwrap();
            for (lot, n) in pairs(captured).into_iter().chain(pairs(released)) {
                mh.held.iter_mut().find(|p| p.0 == lot).unwrap().1 -= n;
            }
            if *closed {
                mh.status = HoldStatus::Captured;
            }
            let o = mh.order;
            let record = model.spends.entry(o).or_default();
            for (lot, n) in pairs(captured) {
                push_merged(record, lot, n);
            }
            model.give_back(&pairs(released), now);
        }
        WalletEvent::HoldReleased { hold: id, released } => {
            let number = (0u8..3).find(|n| hold(*n) == *id).unwrap();
            let mh = model.holds.get_mut(&number).unwrap();
            for p in &mut mh.held {
                p.1 = 0;
            }
            mh.status = HoldStatus::Released;
            model.give_back(&pairs(released), now);
        }
        // Expiries are the model's own settle; the account's events are checked against it by the balances.
        _ => {}
    }
}

fn minor(m: Money) -> i64 {
    i64::try_from(m.minor_units()).unwrap()
}

fn pairs(list: &[Allocation<Money>]) -> Vec<(LotId, i64)> {
    list.iter().map(|a| (a.lot, minor(a.amount))).collect()
}

fn order_number(o: &OrderId) -> u8 {
    o.as_str().trim_start_matches("O-").parse().unwrap()
}

/// The body event of a commit (after the settlement facts it starts with).
fn body_event(commit: &Commit<WalletCommand, WalletEvent>) -> &WalletEvent {
    commit
        .events
        .iter()
        .find(|e| !matches!(e, WalletEvent::LotExpired { .. } | WalletEvent::HoldExpired { .. }))
        .expect("a body event")
}

fn without_receipt(e: &WalletEvent) -> WalletEvent {
    match e.clone() {
        WalletEvent::Spent { order, allocations, .. } => {
            WalletEvent::Spent { order, allocations, receipt: dummy_receipt() }
        }
        WalletEvent::HoldCaptured { hold, captured, released, closed, .. } => {
            WalletEvent::HoldCaptured { hold, captured, released, closed, receipt: dummy_receipt() }
        }
        other => other,
    }
}

/// Runs the steps against the account and the model side by side.
fn run_against_model(spend_order: SpendOrder, bonus_days: Option<u32>, steps: &[Step]) -> Result<(), TestCaseError> {
    let program = order_program(spend_order, bonus_days);
    let mut account = StoredValueAccount::new(AccountId::from_u128(1).unwrap(), Currency::USD);
    let mut model = Model::default();
    let mut commits = Vec::new();
    let mut now = t0();
    for (n, step) in steps.iter().enumerate() {
        if let Step::Advance { hours } = step {
            now += TimeDelta::hours(i64::from(*hours));
        }
        model.settle(now);
        let Some((body, expected)) = expect(&model, step, &program, bonus_days, now) else { continue };
        let available_before = model.available();
        let command = Command::new(CommandId::from_u128(n as u128 + 1).unwrap(), now, body);
        let before = account.clone();
        match (account.decide(&program, &command), expected) {
            (Ok(Decision::Accepted(commit)), Ok(event)) => {
                let got = body_event(&commit);
                prop_assert_eq!(without_receipt(got), event, "step {} {:?}", n, step);
                account.apply(&commit);
                model.version += 1;
                model_apply(&mut model, got, now);
                account.check_invariants().unwrap();
                // Conservation, to the minor unit, and the receipt's split by bucket.
                if let Step::Spend { amount, .. } = step {
                    prop_assert_eq!(account.money_available(), usd(available_before - amount));
                }
                if let Some(r) = got.receipt() {
                    prop_assert_eq!(r.money_available, account.money_available());
                    let bonus_lots: Vec<LotId> = model.lots.iter().filter(|l| l.bonus).map(|l| l.id).collect();
                    let from_bonus: i64 =
                        r.lines.iter().filter(|l| bonus_lots.contains(&l.lot)).map(|l| minor(l.amount)).sum();
                    prop_assert_eq!(r.from_bonus, usd(from_bonus));
                    prop_assert_eq!(r.from_principal.checked_add(r.from_bonus).unwrap(), r.amount);
                }
                commits.push(commit);
            }
            (Err(got), Err(want)) => {
                prop_assert_eq!(got, want, "step {} {:?}", n, step);
                prop_assert_eq!(&account, &before, "a rejected command changes nothing");
                continue;
            }
            (got, want) => prop_assert!(false, "step {} {:?}: account {:?}, model {:?}", n, step, got, want),
        }
        // The whole state agrees: every lot's free amount, the balances, every spend record.
        for lot in account.ledger().lots() {
            let m = model.lots.iter().find(|l| l.id == lot.id()).unwrap();
            prop_assert_eq!(*lot.remaining(), usd(m.free), "lot {}", lot.id());
        }
        prop_assert_eq!(account.money_available(), usd(model.available()));
        prop_assert_eq!(account.bonus_available(), usd(model.bonus()));
        for (o, record) in &model.spends {
            let want = allocations(record);
            prop_assert_eq!(account.spent_on(&order(*o)), want.as_slice());
        }
    }
    let replayed = StoredValueAccount::replay(StoredValueAccount::new(account.id(), Currency::USD), &commits).unwrap();
    prop_assert_eq!(replayed, account);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Every spend order allocates spends and holds exactly as the reference model does (bucket, then soonest
    /// expiry with never last, then oldest lot), with random principal categories, expiries, bonuses, refunds
    /// and holds; balance before − spend = after, to the cent; rejections are the model's and change nothing.
    #[test]
    fn every_spend_order_allocates_as_the_reference_model(
        spend_order in spend_order(),
        bonus_days in proptest::option::of(1u32..4),
        steps in proptest::collection::vec(step(), 1..40),
    ) {
        run_against_model(spend_order, bonus_days, &steps)?;
    }
}

// ------------------------------------------------------------------ the overflow class

/// A host that decides, applies and checks the invariants, and asserts that a rejection changes nothing.
struct Host {
    program: StoredValueProgram,
    account: StoredValueAccount,
    commits: Vec<Commit<WalletCommand, WalletEvent>>,
    next: u128,
}

impl Host {
    fn new(program: StoredValueProgram) -> Self {
        let account = StoredValueAccount::new(AccountId::from_u128(1).unwrap(), program.currency());
        Self { program, account, commits: Vec::new(), next: 1 }
    }

    fn submit(&mut self, body: WalletCommand) -> Result<(), WalletError> {
        let at = t0() + TimeDelta::minutes(i64::try_from(self.next).unwrap());
        let command = Command::new(CommandId::from_u128(self.next).unwrap(), at, body);
        self.next += 1;
        let before = self.account.clone();
        match self.account.decide(&self.program, &command) {
            Ok(Decision::Accepted(commit)) => {
                self.account.apply(&commit);
                self.account.check_invariants().unwrap();
                self.commits.push(commit);
                Ok(())
            }
            Ok(Decision::Duplicate { .. }) => unreachable!("fresh ids"),
            Err(e) => {
                assert_eq!(self.account, before, "a rejected command changes nothing");
                Err(e)
            }
        }
    }
}

fn top_up_of(payment: &str, amount: Money) -> WalletCommand {
    WalletCommand::TopUp { payment: PaymentRef::new(payment).unwrap(), amount }
}

fn money(mantissa: i128, scale: u32, currency: Currency) -> Money {
    Money::new(Decimal::from_i128_with_scale(mantissa, scale), currency).unwrap()
}

/// The largest mantissa a `Decimal` holds: 2^96 − 1.
const MAX_MANTISSA: i128 = 79_228_162_514_264_337_593_543_950_335;

fn plain_program(currency: Currency, bonus_percent: Option<Decimal>) -> StoredValueProgram {
    let mut s = StoredValueSpec::new(chrono_tz::UTC, currency);
    if let Some(percent) = bonus_percent {
        s.bonus_tiers.push(BonusTier {
            min_top_up: Money::from_minor(1, currency),
            bonus: Bonus::Percent { percent },
            restricted_to: vec![],
        });
    }
    StoredValueProgram::new(s).unwrap()
}

#[test]
fn a_second_decimal_max_top_up_is_an_overflow_error_and_changes_nothing() {
    let max = Money::new(Decimal::MAX, Currency::VND).unwrap();
    let mut h = Host::new(plain_program(Currency::VND, None));
    h.submit(top_up_of("P-1", max)).unwrap();
    assert_eq!(h.submit(top_up_of("P-2", max)), Err(WalletError::Overflow { total: max, amount: max }));
    let one = Money::from_minor(1, Currency::VND);
    assert_eq!(h.submit(top_up_of("P-3", one)), Err(WalletError::Overflow { total: max, amount: one }));
    assert_eq!(h.account.money_available(), max);
}

/// A near-maximum top-up whose bonus alone fits but whose principal and bonus together do not.
#[test]
fn a_bonus_on_a_near_max_top_up_is_an_overflow_error_and_changes_nothing() {
    let mut h = Host::new(plain_program(Currency::VND, Some(Decimal::TEN)));
    let near = money(MAX_MANTISSA - 10, 0, Currency::VND);
    let err = h.submit(top_up_of("P-1", near)).unwrap_err();
    assert!(matches!(err, WalletError::Overflow { .. }), "{err:?}");
    assert!(h.account.money_available().is_zero());
    assert_eq!(h.account.version(), 0);
    // Without a bonus tier the same top-up fits.
    let mut h = Host::new(plain_program(Currency::VND, None));
    h.submit(top_up_of("P-1", near)).unwrap();
    assert_eq!(h.account.money_available(), near);
}

/// In cents, a sum past 2^96 − 1 minor units would not fail in `Decimal`: it drops a digit of scale and rounds.
/// Two top-ups of 500,000,000,000,000,000,000,000,000.01 USD must not become 1,000,000,000,000,000,000,000,000.0.
#[test]
fn a_top_up_whose_sum_would_lose_a_cent_is_an_overflow_error_and_changes_nothing() {
    let half = money(50_000_000_000_000_000_000_000_000_001, 2, Currency::USD);
    let mut h = Host::new(plain_program(Currency::USD, None));
    h.submit(top_up_of("P-1", half)).unwrap();
    assert_eq!(h.submit(top_up_of("P-2", half)), Err(WalletError::Overflow { total: half, amount: half }));
    let gift = WalletCommand::IssueValue {
        kind: IssueKind::GiftCard,
        reference: PaymentRef::new("GC-1").unwrap(),
        amount: half,
        restricted_to: vec![],
        expires_at: None,
    };
    assert_eq!(h.submit(gift), Err(WalletError::Overflow { total: half, amount: half }));
    assert_eq!(h.account.money_available(), half);
    assert_eq!(h.account.money_available().minor_units(), 50_000_000_000_000_000_000_000_000_001);
}

/// Two accounts of 500,000,000,000,000,000,000,000,000.01 USD each: their liability does not fit in cents, and
/// the report says so instead of rounding to 1,000,000,000,000,000,000,000,000,000.0.
#[test]
fn a_liability_report_that_would_lose_a_cent_is_an_overflow_error() {
    let half = money(50_000_000_000_000_000_000_000_000_001, 2, Currency::USD);
    let account = |id| {
        let mut h = Host::new(plain_program(Currency::USD, None));
        h.account = StoredValueAccount::new(AccountId::from_u128(id).unwrap(), Currency::USD);
        h.submit(top_up_of("P-1", half)).unwrap();
        h.account
    };
    let (a, b) = (account(1), account(2));
    let one = LiabilityReport::of(Currency::USD, [&a]).unwrap();
    assert_eq!(one.liability().unwrap(), half);
    let mut both = one.clone();
    assert!(matches!(both.add(&b), Err(WalletError::Money(MoneyError::Overflow { .. }))));
    assert_eq!(both, one, "a failed add changes nothing");
    assert!(matches!(one.merge(&one), Err(WalletError::Money(MoneyError::Overflow { .. }))));
}

/// Amounts from one minor unit to 2^96 − 1 minor units, crowded at the top.
fn huge_minor() -> impl Strategy<Value = i128> {
    prop_oneof![
        2 => 1i128..1_000,
        2 => (0i128..1_000).prop_map(|d| MAX_MANTISSA - d),
        2 => (0i128..1_000).prop_map(|d| MAX_MANTISSA / 2 - 500 + d),
        1 => (0i128..1_000).prop_map(|d| MAX_MANTISSA / 11 + d),
        2 => 1i128..=MAX_MANTISSA,
    ]
}

#[derive(Clone, Debug)]
enum BigStep {
    TopUp(i128),
    Issue(i128),
    Spend(u8, i128),
    RefundSpend(u8, Option<i128>),
    RefundTopUp(u8, Option<i128>),
    Hold(u8, i128),
    Capture(u8, i128, bool),
    Release(u8),
    Close,
}

fn big_step() -> impl Strategy<Value = BigStep> {
    prop_oneof![
        4 => huge_minor().prop_map(BigStep::TopUp),
        2 => huge_minor().prop_map(BigStep::Issue),
        3 => (0u8..3, huge_minor()).prop_map(|(o, n)| BigStep::Spend(o, n)),
        1 => (0u8..3, proptest::option::of(huge_minor())).prop_map(|(o, n)| BigStep::RefundSpend(o, n)),
        1 => (0u8..4, proptest::option::of(huge_minor())).prop_map(|(p, n)| BigStep::RefundTopUp(p, n)),
        1 => (0u8..2, huge_minor()).prop_map(|(h, n)| BigStep::Hold(h, n)),
        1 => (0u8..2, huge_minor(), any::<bool>()).prop_map(|(h, n, f)| BigStep::Capture(h, n, f)),
        1 => (0u8..2).prop_map(BigStep::Release),
        1 => Just(BigStep::Close),
    ]
}

/// A program in VND (no minor unit) or USD (cents), with or without a bonus (10 %, 1000 %, or a fixed bonus near
/// the top) and a balance cap near the top.
fn big_program() -> impl Strategy<Value = StoredValueProgram> {
    let bonus = prop_oneof![
        Just(None),
        Just(Some(Bonus::Percent { percent: Decimal::TEN })),
        Just(Some(Bonus::Percent { percent: Decimal::ONE_THOUSAND })),
        (1i64..=1_000).prop_map(|p| Some(Bonus::Percent { percent: Decimal::from(p) })),
    ];
    (any::<bool>(), bonus, proptest::option::of(huge_minor()), proptest::option::of(huge_minor())).prop_map(
        |(cents, bonus, fixed, cap)| {
            let (currency, scale) = if cents { (Currency::USD, 2) } else { (Currency::VND, 0) };
            let m = |n| money(n, scale, currency);
            let mut s = StoredValueSpec::new(chrono_tz::UTC, currency);
            let bonus = match (bonus, fixed) {
                (Some(b), _) => Some(b),
                (None, Some(n)) => Some(Bonus::Fixed { amount: m(n) }),
                (None, None) => None,
            };
            if let Some(bonus) = bonus {
                s.bonus_tiers.push(BonusTier { min_top_up: m(1), bonus, restricted_to: vec![] });
            }
            s.max_balance = cap.map(m);
            StoredValueProgram::new(s).unwrap()
        },
    )
}

fn big_command(step: &BigStep, n: usize, currency: Currency) -> WalletCommand {
    let scale = if currency == Currency::USD { 2 } else { 0 };
    let m = |units: i128| money(units, scale, currency);
    match *step {
        BigStep::TopUp(units) => top_up_of(&format!("P-{}", n % 4), m(units)),
        BigStep::Issue(units) => WalletCommand::IssueValue {
            kind: IssueKind::StoreCredit,
            reference: PaymentRef::new(&format!("I-{n}")).unwrap(),
            amount: m(units),
            restricted_to: vec![],
            expires_at: None,
        },
        BigStep::Spend(o, units) => WalletCommand::Spend { order: order(o), amount: m(units), tags: vec![] },
        BigStep::RefundSpend(o, units) => WalletCommand::RefundSpend { order: order(o), amount: units.map(m) },
        BigStep::RefundTopUp(p, units) => {
            WalletCommand::RefundTopUp { payment: PaymentRef::new(&format!("P-{p}")).unwrap(), amount: units.map(m) }
        }
        BigStep::Hold(h, units) => WalletCommand::PlaceHold {
            hold: hold(h),
            order: order(h),
            amount: m(units),
            tags: vec![],
            expires_at: None,
        },
        BigStep::Capture(h, units, final_capture) => {
            WalletCommand::CaptureHold { hold: hold(h), amount: m(units), final_capture }
        }
        BigStep::Release(h) => WalletCommand::ReleaseHold { hold: hold(h) },
        BigStep::Close => WalletCommand::Close,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Amounts up to 2^96 − 1 minor units, bonuses up to 1000 % or near the top, caps near the top: no command
    /// panics; a rejected one changes nothing (the host asserts it); an accepted one keeps the invariants; the
    /// credited total is the exact sum of the credits, in minor units; the commits replay to the live state and the
    /// state survives a JSON snapshot.
    #[test]
    fn amounts_near_the_decimal_limit_are_exact_or_rejected_and_replay(
        program in big_program(),
        steps in proptest::collection::vec(big_step(), 1..30),
    ) {
        let currency = program.currency();
        let mut h = Host::new(program);
        for (n, step) in steps.iter().enumerate() {
            let _ = h.submit(big_command(step, n, currency));
        }
        let mut credited: i128 = 0;
        for e in h.commits.iter().flat_map(|c| &c.events) {
            let credits: Vec<Money> = match e {
                WalletEvent::ToppedUp { principal, bonus, .. } => {
                    std::iter::once(principal.amount).chain(bonus.as_ref().map(|b| b.amount)).collect()
                }
                WalletEvent::ValueIssued { credit, .. } => vec![credit.amount],
                _ => vec![],
            };
            for c in credits {
                credited = credited.checked_add(c.minor_units()).unwrap();
            }
        }
        let t = h.account.ledger().totals();
        prop_assert_eq!(t.credited.minor_units(), credited);
        let outstanding = t.available.minor_units() + t.held.minor_units();
        let net = credited - t.debited.minor_units() - t.expired.minor_units() - t.clawed_back.minor_units();
        prop_assert_eq!(outstanding, net);
        let initial = StoredValueAccount::new(h.account.id(), currency);
        prop_assert_eq!(&StoredValueAccount::replay(initial, &h.commits).unwrap(), &h.account);
        let json = serde_json::to_string(&h.account).unwrap();
        prop_assert_eq!(&serde_json::from_str::<StoredValueAccount>(&json).unwrap(), &h.account);
        // The report is exact or an error, never rounded.
        if let Ok(report) = LiabilityReport::of(currency, [&h.account])
            && let Ok(liability) = report.liability()
        {
            prop_assert_eq!(liability, t.liability());
        }
    }
}
