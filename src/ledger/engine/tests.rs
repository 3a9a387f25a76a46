//! Unit tests of the lot engine: plans, facts, settling, invariants and snapshots.

use chrono::TimeZone;

use super::*;
use crate::ledger::store::LOT_CHUNK;
use crate::ledger::{AllocationPolicy, Category, Origin, Tag};
use crate::loyalty::Points;

fn credit(version: u64, amount: i64) -> Credit<Points> {
    Credit {
        lot: LotId::new(version, 0),
        amount: Points::new(amount),
        category: Category::constant("base"),
        origin: Origin::default(),
        restricted_to: Vec::new(),
        activates_at: None,
        expires_at: None,
    }
}

fn t(hours: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + chrono::TimeDelta::hours(hours)
}

fn p(n: i64) -> Points {
    Points::new(n)
}

fn lot_of(version: u64, amount: i64, category: &str, expires: Option<i64>) -> Credit<Points> {
    Credit { category: Category::new(category).unwrap(), expires_at: expires.map(t), ..credit(version, amount) }
}

fn take(v: u64, n: i64) -> Allocation<Points> {
    Allocation { lot: LotId::new(v, 0), amount: p(n) }
}

/// Lots 1..=6: base never, bonus at 10 h, gift at 5 h, base at 5 h, gift never, bonus at 20 h; 10 points each.
fn mixed() -> Ledger<Points> {
    let mut ledger = Ledger::new(Points::ZERO);
    let lots = [
        ("base", None),
        ("bonus", Some(10)),
        ("gift", Some(5)),
        ("base", Some(5)),
        ("gift", None),
        ("bonus", Some(20)),
    ];
    for (v, (category, expires)) in (1..).zip(lots) {
        ledger.apply_credit(&lot_of(v, 10, category, expires), t(0));
    }
    ledger.check_invariants().unwrap();
    ledger
}

fn cat(s: &str) -> Category {
    Category::new(s).unwrap()
}

#[test]
fn every_policy_allocates_in_its_order() {
    let l = mixed();
    let plan = |policy: AllocationPolicy, n| l.plan_debit(&p(n), &policy, &[]).unwrap();
    assert_eq!(
        plan(AllocationPolicy::SoonestExpiring, 45),
        [take(3, 10), take(4, 10), take(2, 10), take(6, 10), take(1, 5)]
    );
    assert_eq!(plan(AllocationPolicy::Fifo, 25), [take(1, 10), take(2, 10), take(3, 5)]);
    assert_eq!(plan(AllocationPolicy::Lifo, 25), [take(6, 10), take(5, 10), take(4, 5)]);
    // Listed categories in turn (a repeat ignored), then the rest merged soonest-expiring.
    let order = AllocationPolicy::CategoryOrder { order: vec![cat("bonus"), cat("gift"), cat("bonus")] };
    assert_eq!(plan(order, 60), [take(2, 10), take(6, 10), take(3, 10), take(5, 10), take(4, 10), take(1, 10)]);
    // Two categories left over: merged through `live`.
    let order = AllocationPolicy::CategoryOrder { order: vec![cat("bonus")] };
    assert_eq!(plan(order, 45), [take(2, 10), take(6, 10), take(3, 10), take(4, 10), take(1, 5)]);
    // Nothing left over.
    let order = AllocationPolicy::CategoryOrder { order: vec![cat("gift"), cat("bonus"), cat("base")] };
    assert_eq!(plan(order, 15), [take(3, 10), take(5, 5)]);
    // Category last: the rest merged soonest-expiring (two categories), then the listed ones in turn.
    let last = AllocationPolicy::CategoryLast { last: vec![cat("bonus")] };
    assert_eq!(plan(last, 55), [take(3, 10), take(4, 10), take(1, 10), take(5, 10), take(2, 10), take(6, 5)]);
    let last = AllocationPolicy::CategoryLast { last: vec![cat("bonus"), cat("base"), cat("bonus")] };
    assert_eq!(plan(last, 45), [take(3, 10), take(5, 10), take(2, 10), take(6, 10), take(4, 5)]);
    let last = AllocationPolicy::CategoryLast { last: vec![cat("gift"), cat("bonus"), cat("base")] };
    assert_eq!(plan(last, 15), [take(3, 10), take(5, 5)]);
    // Explicit: only the listed lots, in the listed order, once each.
    let ids = |vs: &[u64]| vs.iter().map(|v| LotId::new(*v, 0)).collect::<Vec<_>>();
    let explicit = AllocationPolicy::Explicit { lots: ids(&[5, 1, 5]) };
    assert_eq!(plan(explicit.clone(), 15), [take(5, 10), take(1, 5)]);
    assert_eq!(
        l.plan_debit(&p(21), &explicit, &[]),
        Err(LedgerError::InsufficientBalance { requested: p(21), available: p(20) })
    );
    assert_eq!(l.eligible(&explicit, &[]), p(20));
    assert_eq!(
        l.plan_debit(&p(1), &AllocationPolicy::Explicit { lots: ids(&[1, 9]) }, &[]),
        Err(LedgerError::LotNotFound { lot: LotId::new(9, 0) })
    );
    assert_eq!(
        l.plan_debit(&p(61), &AllocationPolicy::Fifo, &[]),
        Err(LedgerError::InsufficientBalance { requested: p(61), available: p(60) })
    );
    assert_eq!(plan(AllocationPolicy::Fifo, 60).len(), 6);
    assert_eq!(l.plan_debit(&p(0), &AllocationPolicy::Fifo, &[]), Err(LedgerError::NonPositiveAmount { amount: p(0) }));
    assert_eq!(
        l.plan_debit(&p(-1), &AllocationPolicy::Fifo, &[]),
        Err(LedgerError::NonPositiveAmount { amount: p(-1) })
    );
}

#[test]
fn explicit_debits_skip_pending_lots_and_tags_restrict_every_policy() {
    let mut l = Ledger::new(Points::ZERO);
    let coffee = Tag::new("coffee").unwrap();
    l.apply_credit(&Credit { restricted_to: vec![coffee], ..credit(1, 10) }, t(0));
    l.apply_credit(&Credit { activates_at: Some(t(5)), ..credit(2, 10) }, t(0));
    l.apply_credit(&credit(3, 10), t(0));
    assert_eq!((*l.available(), *l.pending()), (p(20), p(10)));
    let explicit = AllocationPolicy::Explicit { lots: vec![LotId::new(2, 0), LotId::new(3, 0)] };
    assert_eq!(l.plan_debit(&p(5), &explicit, &[]).unwrap(), [take(3, 5)]);
    // Untagged purchases cannot use the coffee lot.
    assert_eq!(
        l.plan_debit(&p(11), &AllocationPolicy::Fifo, &[]),
        Err(LedgerError::InsufficientBalance { requested: p(11), available: p(10) })
    );
    assert_eq!(l.plan_debit(&p(15), &AllocationPolicy::Fifo, &[coffee]).unwrap(), [take(1, 10), take(3, 5)]);
    assert_eq!(l.eligible(&AllocationPolicy::Fifo, &[coffee]), p(20));
}

#[test]
fn credits_are_validated() {
    let mut l = Ledger::new(Points::ZERO);
    l.apply_credit(&credit(1, 5), t(0));
    assert_eq!(l.validate_credit(&credit(1, 5), t(0)), Err(LedgerError::LotExists { lot: LotId::new(1, 0) }));
    assert_eq!(l.validate_credit(&credit(2, 0), t(0)), Err(LedgerError::NonPositiveAmount { amount: p(0) }));
    let expiring = |expires, activates: Option<i64>| Credit {
        expires_at: Some(t(expires)),
        activates_at: activates.map(t),
        ..credit(2, 1)
    };
    assert_eq!(
        l.validate_credit(&expiring(3, None), t(3)),
        Err(LedgerError::ExpiryTooEarly { expires_at: t(3), not_before: t(3) })
    );
    assert_eq!(l.validate_credit(&expiring(4, None), t(3)), Ok(()));
    assert_eq!(
        l.validate_credit(&expiring(5, Some(5)), t(3)),
        Err(LedgerError::ExpiryTooEarly { expires_at: t(5), not_before: t(5) })
    );
    assert_eq!(l.validate_credit(&expiring(6, Some(5)), t(3)), Ok(()));
    // An activation before the credit does not move the bound back.
    assert_eq!(
        l.validate_credit(&expiring(3, Some(1)), t(3)),
        Err(LedgerError::ExpiryTooEarly { expires_at: t(3), not_before: t(3) })
    );
    assert_eq!(
        l.validate_credit(&credit(2, i64::MAX), t(0)),
        Err(LedgerError::Overflow { total: p(5), amount: p(i64::MAX) })
    );
    let usd = |n| crate::money::Money::from_minor(n, crate::money::Currency::USD);
    let eur = crate::money::Money::from_minor(1, crate::money::Currency::EUR);
    let money = Ledger::new(usd(0));
    let c = Credit {
        lot: LotId::new(1, 0),
        amount: eur,
        category: cat("base"),
        origin: Origin::default(),
        restricted_to: vec![],
        activates_at: None,
        expires_at: None,
    };
    assert_eq!(money.validate_credit(&c, t(0)), Err(LedgerError::UnitMismatch { expected: usd(0), found: eur }));
    assert_eq!(
        money.plan_debit(&eur, &AllocationPolicy::Fifo, &[]),
        Err(LedgerError::UnitMismatch { expected: usd(0), found: eur })
    );
}

#[test]
fn holds_capture_release_and_close() {
    let mut l = Ledger::new(Points::ZERO);
    l.apply_credit(&credit(1, 10), t(0));
    l.apply_credit(&credit(2, 10), t(0));
    let h = HoldId::from_u128(1).unwrap();
    assert_eq!(
        l.plan_hold(h, &p(5), &AllocationPolicy::Fifo, &[], Some(t(1)), None, t(1)),
        Err(LedgerError::ExpiryTooEarly { expires_at: t(1), not_before: t(1) })
    );
    let placement = l.plan_hold(h, &p(15), &AllocationPolicy::Fifo, &[], Some(t(9)), None, t(1)).unwrap();
    assert_eq!(placement.allocations, [take(1, 10), take(2, 5)]);
    l.apply_hold(&placement, t(1));
    l.apply_hold(&placement, t(1)); // a second apply of the same hold is ignored
    assert_eq!((*l.available(), *l.held()), (p(5), p(15)));
    assert_eq!(l.next_deadline(), Some(t(9)));
    assert_eq!(
        l.plan_hold(h, &p(1), &AllocationPolicy::Fifo, &[], None, None, t(1)),
        Err(LedgerError::HoldExists { hold: h })
    );
    assert_eq!(
        l.plan_capture(h, &p(16), false),
        Err(LedgerError::CaptureExceedsHold { hold: h, requested: p(16), held: p(15) })
    );
    assert_eq!(l.plan_capture(h, &p(0), false), Err(LedgerError::NonPositiveAmount { amount: p(0) }));
    let (captured, released) = l.plan_capture(h, &p(12), false).unwrap();
    assert_eq!((captured.as_slice(), released.as_slice()), ([take(1, 10), take(2, 2)].as_slice(), [].as_slice()));
    l.apply_capture(h, &captured, &released, false);
    let hold = l.hold(h).unwrap();
    assert_eq!((hold.status(), hold.held_total(), *hold.captured()), (HoldStatus::Open, p(3), p(12)));
    assert_eq!(l.plan_release(h).unwrap(), [take(2, 3)]);
    // Capturing exactly what is left closes the hold and drops its deadline.
    let (captured, released) = l.plan_capture(h, &p(3), false).unwrap();
    l.apply_capture(h, &captured, &released, false);
    assert_eq!(l.hold(h).unwrap().status(), HoldStatus::Captured);
    assert_eq!(l.next_deadline(), None);
    assert_eq!(l.plan_release(h), Err(LedgerError::HoldClosed { hold: h, status: HoldStatus::Captured }));
    let unknown = HoldId::from_u128(2).unwrap();
    assert_eq!(l.plan_capture(unknown, &p(1), false), Err(LedgerError::HoldNotFound { hold: unknown }));
    // A final capture releases the rest.
    let g = HoldId::from_u128(3).unwrap();
    let placement = l.plan_hold(g, &p(5), &AllocationPolicy::Fifo, &[], Some(t(8)), None, t(2)).unwrap();
    l.apply_hold(&placement, t(2));
    let (captured, released) = l.plan_capture(g, &p(2), true).unwrap();
    assert_eq!((captured.as_slice(), released.as_slice()), ([take(2, 2)].as_slice(), [take(2, 3)].as_slice()));
    l.apply_capture(g, &captured, &released, true);
    let hold = l.hold(g).unwrap();
    assert_eq!((hold.status(), *hold.captured(), *hold.released()), (HoldStatus::Captured, p(2), p(3)));
    assert_eq!((*l.available(), *l.held(), l.totals().debited), (p(3), p(0), p(17)));
    assert_eq!(l.next_deadline(), None);
    // A host release.
    let r = HoldId::from_u128(4).unwrap();
    let placement = l.plan_hold(r, &p(3), &AllocationPolicy::Fifo, &[], Some(t(7)), None, t(2)).unwrap();
    l.apply_hold(&placement, t(2));
    assert_eq!(l.open_holds().count(), 1);
    l.apply_release(r, &l.plan_release(r).unwrap(), HoldStatus::Released);
    assert_eq!((l.hold(r).unwrap().status(), *l.hold(r).unwrap().released()), (HoldStatus::Released, p(3)));
    assert_eq!((*l.available(), l.next_deadline(), l.open_holds().count()), (p(3), None, 0));
    l.check_invariants().unwrap();
}

#[test]
fn settle_activates_releases_and_expires_in_order() {
    let mut l = Ledger::new(Points::ZERO);
    l.apply_credit(&Credit { activates_at: Some(t(2)), expires_at: Some(t(6)), ..credit(1, 10) }, t(0));
    l.apply_credit(&Credit { expires_at: Some(t(4)), ..credit(2, 10) }, t(0));
    l.apply_credit(&credit(3, 10), t(0));
    assert_eq!(l.next_deadline(), Some(t(2)));
    assert!(!l.needs_settle(t(1)));
    assert!(l.needs_settle(t(2)));
    let h = HoldId::from_u128(1).unwrap();
    let placement = l.plan_hold(h, &p(4), &AllocationPolicy::SoonestExpiring, &[], Some(t(5)), None, t(0)).unwrap();
    assert_eq!(placement.allocations, [take(2, 4)]);
    l.apply_hold(&placement, t(0));
    let mut facts = Vec::new();
    l.settle(t(4), &mut |f| facts.push(f));
    // Activation at 2; lot 2 expires at 4 (what is free; the held part waits for the hold).
    assert_eq!(
        facts,
        [
            SettleFact::Activated { lot: LotId::new(1, 0), amount: p(10) },
            SettleFact::Expired { lot: LotId::new(2, 0), amount: p(6) },
        ]
    );
    assert_eq!(l.next_deadline(), Some(t(5)));
    facts.clear();
    // The hold expires at 5 and releases into lot 2, already expired: it expires at once. Lot 1 at 6.
    l.settle(t(6), &mut |f| facts.push(f));
    assert_eq!(
        facts,
        [
            SettleFact::HoldExpired { hold: h, released: vec![take(2, 4)] },
            SettleFact::Expired { lot: LotId::new(2, 0), amount: p(4) },
            SettleFact::Expired { lot: LotId::new(1, 0), amount: p(10) },
        ]
    );
    assert_eq!((*l.available(), l.totals().expired, l.next_deadline()), (p(10), p(20), None));
    assert!(!l.needs_settle(t(1000)));
    l.check_invariants().unwrap();
}

/// Value a hold releases into a lot already past (or at) its expiry expires at once: it never repays debt.
#[test]
fn released_value_of_an_expired_lot_expires_before_it_can_repay_debt() {
    for lot_expires in [4, 5] {
        let mut l = Ledger::new(Points::ZERO);
        l.apply_credit(&Credit { expires_at: Some(t(lot_expires)), ..credit(1, 10) }, t(0));
        let h = HoldId::from_u128(1).unwrap();
        let placement = l.plan_hold(h, &p(10), &AllocationPolicy::Fifo, &[], Some(t(5)), None, t(0)).unwrap();
        l.apply_hold(&placement, t(0));
        l.apply_debt(&p(5)); // a clawback the (empty) available balance could not cover
        l.check_invariants().unwrap();
        let mut facts = Vec::new();
        l.settle(t(6), &mut |f| facts.push(f));
        assert_eq!(
            facts,
            [
                SettleFact::HoldExpired { hold: h, released: vec![take(1, 10)] },
                SettleFact::Expired { lot: LotId::new(1, 0), amount: p(10) },
            ],
            "lot expiring at {lot_expires}"
        );
        assert_eq!((*l.debt(), l.totals().expired), (p(5), p(10)));
        l.check_invariants().unwrap();
    }
}

#[test]
fn a_credit_activating_when_it_is_credited_is_active_at_once() {
    let mut l = Ledger::new(Points::ZERO);
    l.apply_credit(&Credit { activates_at: Some(t(1)), ..credit(1, 3) }, t(1));
    l.apply_credit(&Credit { activates_at: Some(t(0)), ..credit(2, 4) }, t(1));
    l.apply_credit(&Credit { activates_at: Some(t(2)), ..credit(3, 5) }, t(1));
    assert_eq!((*l.available(), *l.pending()), (p(7), p(5)));
    assert!(!l.lot(LotId::new(1, 0)).unwrap().is_pending());
    assert!(l.lot(LotId::new(3, 0)).unwrap().is_pending());
    l.check_invariants().unwrap();
}

#[test]
fn debt_is_repaid_first_from_what_becomes_available() {
    let mut l = Ledger::new(Points::ZERO);
    l.apply_debt(&p(7));
    assert_eq!((l.balance(), *l.debt()), (p(-7), p(7)));
    assert!(!l.needs_settle(t(0)));
    assert!(l.plan_debt_repayment().is_empty());
    l.apply_credit(&Credit { activates_at: Some(t(1)), ..credit(1, 5) }, t(0));
    l.apply_credit(&credit(2, 4), t(0));
    assert!(l.needs_settle(t(0)));
    assert_eq!(l.plan_debt_repayment(), [take(2, 4)]);
    let mut facts = Vec::new();
    l.settle(t(1), &mut |f| facts.push(f));
    assert_eq!(
        facts,
        [
            SettleFact::DebtRepaid { allocations: vec![take(2, 4)] },
            SettleFact::Activated { lot: LotId::new(1, 0), amount: p(5) },
            SettleFact::DebtRepaid { allocations: vec![take(1, 3)] },
        ]
    );
    let totals = l.totals();
    assert_eq!((totals.debt, totals.debt_incurred, totals.debt_repaid), (p(0), p(7), p(7)));
    assert_eq!((l.balance(), totals.clawed_back, totals.liability()), (p(2), p(7), p(2)));
    l.check_invariants().unwrap();
}

#[test]
fn clawbacks_take_the_named_lot_first() {
    let mut l = Ledger::new(Points::ZERO);
    l.apply_credit(&Credit { expires_at: Some(t(9)), ..credit(1, 10) }, t(0));
    l.apply_credit(&Credit { activates_at: Some(t(5)), ..credit(2, 10) }, t(0));
    l.apply_credit(&Credit { expires_at: Some(t(3)), ..credit(3, 10) }, t(0));
    let first = Some(LotId::new(2, 0));
    assert_eq!(l.plan_clawback(&p(4), first, true).unwrap(), (vec![take(2, 4)], p(0)));
    assert_eq!(l.plan_clawback(&p(14), first, false).unwrap(), (vec![take(2, 10)], p(4)));
    assert_eq!(l.plan_clawback(&p(25), first, true).unwrap(), (vec![take(2, 10), take(3, 10), take(1, 5)], p(0)));
    assert_eq!(l.plan_clawback(&p(31), None, true).unwrap(), (vec![take(3, 10), take(1, 10)], p(11)));
    assert_eq!(l.plan_clawback(&p(0), None, true), Err(LedgerError::NonPositiveAmount { amount: p(0) }));
    l.apply_clawback(&[take(2, 10), take(3, 1)]);
    assert_eq!((*l.available(), *l.pending(), l.totals().clawed_back), (p(19), p(0), p(11)));
    l.check_invariants().unwrap();
}

#[test]
fn restores_and_forfeits_move_debited_value() {
    let mut l = Ledger::new(Points::ZERO);
    l.apply_credit(&credit(1, 10), t(0));
    l.apply_debit(&[take(1, 8)]);
    l.apply_restore(&[take(1, 3)]);
    l.apply_forfeit(&[take(1, 2)]);
    let lot = l.lot(LotId::new(1, 0)).unwrap();
    assert_eq!((*lot.remaining(), *lot.debited(), *lot.expired()), (p(5), p(3), p(2)));
    assert_eq!((l.totals().debited, l.totals().expired, *l.available()), (p(3), p(2), p(5)));
    // Facts about unknown lots change nothing.
    let before = l.clone();
    l.apply_debit(&[take(9, 1)]);
    l.apply_activation(LotId::new(9, 0));
    l.apply_capture(HoldId::from_u128(9).unwrap(), &[], &[], true);
    l.apply_release(HoldId::from_u128(9).unwrap(), &[], HoldStatus::Released);
    assert_eq!(l, before);
    l.apply_activation(LotId::new(1, 0)); // already active
    assert_eq!(l, before);
    l.check_invariants().unwrap();
}

#[test]
fn explain_groups_expiries_by_instant_and_stops_at_never() {
    let mut l = Ledger::new(Points::ZERO);
    for (v, expires) in [(1, Some(3)), (2, Some(3)), (3, Some(4)), (4, Some(5)), (5, None)] {
        l.apply_credit(&Credit { expires_at: expires.map(t), ..credit(v, i64::try_from(v).unwrap()) }, t(0));
    }
    let e = l.explain(2);
    assert_eq!(
        e.next_expiries,
        [UpcomingExpiry { expires_at: t(3), amount: p(3) }, UpcomingExpiry { expires_at: t(4), amount: p(3) }]
    );
    assert_eq!(l.explain(9).next_expiries.len(), 3);
    assert!(l.explain(0).next_expiries.is_empty());
    assert_eq!((e.lots.len(), e.holds.len(), e.totals.available), (5, 0, p(15)));
    let ids: Vec<u64> = l.spendable_by_expiry().map(|lot| lot.id().version()).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5]);
}

/// A ledger with one active lot (10, 3 debited, 2 held by an open hold with a deadline), a pending lot, a
/// closed hold: every check below breaks one thing.
fn sample() -> Ledger<Points> {
    let mut l = Ledger::new(Points::ZERO);
    l.apply_credit(&credit(1, 10), t(0));
    l.apply_credit(&Credit { activates_at: Some(t(5)), ..credit(2, 4) }, t(0));
    l.apply_debit(&[take(1, 3)]);
    let placement = l
        .plan_hold(HoldId::from_u128(1).unwrap(), &p(2), &AllocationPolicy::Fifo, &[], Some(t(9)), None, t(0))
        .unwrap();
    l.apply_hold(&placement, t(0));
    let placement =
        l.plan_hold(HoldId::from_u128(2).unwrap(), &p(1), &AllocationPolicy::Fifo, &[], None, None, t(0)).unwrap();
    l.apply_hold(&placement, t(0));
    let released = l.plan_release(HoldId::from_u128(2).unwrap()).unwrap();
    l.apply_release(HoldId::from_u128(2).unwrap(), &released, HoldStatus::Released);
    l.check_invariants().unwrap();
    l
}

#[test]
fn invariant_checks_find_each_kind_of_damage() {
    let one = LotId::new(1, 0);
    let h1 = HoldId::from_u128(1).unwrap();
    let h2 = HoldId::from_u128(2).unwrap();
    let broken = |damage: &dyn Fn(&mut Ledger<Points>)| {
        let mut l = sample();
        damage(&mut l);
        l.check_invariants().unwrap_err().what
    };
    assert!(broken(&|l| l.lots.get_mut(&one).unwrap().id = LotId::new(7, 0)).starts_with("lot keyed 1.0 has id 7.0"));
    assert_eq!(
        broken(&|l| {
            let x = l.lots.get_mut(&one).unwrap();
            x.free = p(-1);
            x.debited = p(9);
        }),
        "lot 1.0 has negative remaining -1"
    );
    for (name, f) in [
        ("held", (|x: &mut Lot<Points>| x.held = p(-1)) as fn(&mut Lot<Points>)),
        ("debited", |x| x.debited = p(-1)),
        ("expired", |x| x.expired = p(-1)),
        ("clawed back", |x| x.clawed_back = p(-1)),
    ] {
        assert_eq!(broken(&|l| f(l.lots.get_mut(&one).unwrap())), format!("lot 1.0 has negative {name} -1"));
    }
    assert!(
        broken(&|l| l.lots.get_mut(&one).unwrap().credited = p(11)).starts_with("lot 1.0: credited 11 != remaining 5")
    );
    assert_eq!(
        broken(&|l| {
            let x = l.lots.get_mut(&LotId::new(2, 0)).unwrap();
            x.held = p(1);
            x.credited = p(5);
        }),
        "pending lot 2.0 is held"
    );
    for (name, f) in [
        ("credited", (|t: &mut Totals<Points>| t.credited = p(0)) as fn(&mut Totals<Points>)),
        ("available", |t| t.available = p(0)),
        ("pending", |t| t.pending = p(0)),
        ("held", |t| t.held = p(0)),
        ("debited", |t| t.debited = p(0)),
        ("expired", |t| t.expired = p(1)),
        ("clawed back", |t| t.clawed_back = p(1)),
    ] {
        assert!(broken(&|l| f(&mut l.totals)).starts_with(&format!("{name}: lots sum to")), "{name}");
    }
    assert!(
        broken(&|l| l.holds.get_mut(&h1).unwrap().held[0].amount = p(-1))
            .contains("holds a negative amount of lot 1.0")
    );
    assert!(broken(&|l| l.holds.get_mut(&h2).unwrap().held[0].amount = p(1)).contains("still holds 1 of lot 1.0"));
    assert!(
        broken(&|l| l.holds.get_mut(&h1).unwrap().amount = p(3))
            .contains(": amount 3 != held 2 + captured 0 + released 0")
    );
    assert!(
        broken(&|l| {
            let h = l.holds.get_mut(&h1).unwrap();
            h.amount = p(3);
            h.held[0].amount = p(3);
        })
        .starts_with("open holds reserve 3, lots say 2")
    );
    assert_eq!(
        broken(&|l| {
            l.fifo.remove(&one);
        }),
        "indexes do not match the lots and holds"
    );
    assert_eq!(
        broken(&|l| {
            l.live.insert((t(1), LotId::new(9, 0)));
        }),
        "indexes do not match the lots and holds"
    );
    assert_eq!(
        broken(&|l| {
            l.pending.insert((t(1), LotId::new(9, 0)));
        }),
        "indexes do not match the lots and holds"
    );
    assert_eq!(
        broken(&|l| {
            l.by_category.clear();
        }),
        "indexes do not match the lots and holds"
    );
    assert_eq!(
        broken(&|l| {
            l.hold_deadlines.clear();
        }),
        "indexes do not match the lots and holds"
    );
    assert_eq!(broken(&|l| l.totals.debt = p(1)), "debt 1 != incurred 0 - repaid 0 (or negative)");
    assert_eq!(
        broken(&|l| {
            l.totals.debt = p(-1);
            l.totals.debt_repaid = p(1);
        }),
        "debt -1 != incurred 0 - repaid 1 (or negative)"
    );
    assert_eq!(
        broken(&|l| {
            l.totals.debt = p(1);
            l.totals.debt_incurred = p(1);
        }),
        "debt 1 outstanding while 5 is available"
    );
}

#[test]
fn snapshots_round_trip_and_are_checked() {
    let l = sample();
    let json = serde_json::to_string(&l).unwrap();
    let back: Ledger<Points> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, l);
    assert_eq!(back.next_deadline(), Some(t(5)));
    back.check_invariants().unwrap();
    let tampered = json.replacen("\"debt\":0", "\"debt\":1", 1);
    assert_ne!(tampered, json);
    assert!(serde_json::from_str::<Ledger<Points>>(&tampered).is_err());
    // A lot in another currency than the ledger's zero.
    let usd = crate::money::Money::from_minor(0, crate::money::Currency::USD);
    let mut m = Ledger::new(usd);
    let c = Credit {
        lot: LotId::new(1, 0),
        amount: crate::money::Money::from_minor(5, crate::money::Currency::USD),
        category: cat("base"),
        origin: Origin::default(),
        restricted_to: vec![],
        activates_at: None,
        expires_at: None,
    };
    m.apply_credit(&c, t(0));
    let json = serde_json::to_string(&m).unwrap();
    let tampered = json.replacen(
        "\"zero\":{\"amount\":\"0.00\",\"currency\":\"USD\"}",
        "\"zero\":{\"amount\":\"0.00\",\"currency\":\"EUR\"}",
        1,
    );
    assert_ne!(tampered, json, "{json}");
    let err = serde_json::from_str::<Ledger<crate::money::Money>>(&tampered).unwrap_err().to_string();
    assert!(err.contains("lot 1.0 is not in the ledger's unit"), "{err}");
}

#[test]
fn lot_store_finds_lots_by_hint_and_search_and_clones_with_room() {
    let mut store = LotStore::new();
    let ledger_lot = |v| {
        let mut l = Ledger::new(Points::ZERO);
        l.apply_credit(&credit(v, 1), t(0));
        l.lots.into_values().next().unwrap()
    };
    for v in [1, 2, 3, 5] {
        store.insert(LotId::new(v, 0), ledger_lot(v));
    }
    store.insert(LotId::new(4, 0), ledger_lot(4));
    store.insert(LotId::new(4, 0), ledger_lot(9)); // present: ignored
    assert_eq!(store.values().map(|l| l.id.version()).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
    assert_eq!(store.position(&LotId::new(5, 0)), Ok(4));
    assert_eq!(store.position(&LotId::new(6, 0)), Err(5));
    assert_eq!(store.position(&LotId::new(2, 0)), Ok(1));
    assert_eq!(store.position(&LotId::new(0, 0)), Err(0));
    assert_eq!(store.get_mut(&LotId::new(3, 0)).map(|l| l.id), Some(LotId::new(3, 0)));
    assert_eq!(store.hint, 2);
    assert_eq!(store.get_mut(&LotId::new(3, 0)).map(|l| l.id), Some(LotId::new(3, 0)));
    assert_eq!(store.get_mut(&LotId::new(4, 0)).map(|l| l.id), Some(LotId::new(4, 0)));
    assert!(store.get_mut(&LotId::new(7, 0)).is_none());
    assert!(store.contains_key(&LotId::new(1, 0)) && !store.contains_key(&LotId::new(0, 0)));
    let mut copy = store.clone();
    assert_eq!(copy, store);
    if let Some(lot) = copy.get_mut(&LotId::new(2, 0)) {
        lot.free = p(7);
    }
    assert_ne!(copy, store, "same ids, another lot");
    let mut fewer = LotStore::new();
    for lot in store.values().take(4) {
        fewer.insert(lot.id, lot.clone());
    }
    assert_ne!(fewer, store);
    let copy = store.clone();
    assert!(copy.chunks.iter().all(|c| c.capacity() >= LOT_CHUNK));
}

#[test]
fn credits_committed_together_must_fit_together_and_not_share_a_lot() {
    let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let mut ledger = Ledger::new(Points::ZERO);
    ledger.apply_credit(&credit(1, i64::MAX - 10), at);
    assert_eq!(ledger.validate_credits(&[credit(2, 4), credit(3, 6)], at), Ok(()));
    // Each fits alone; together they do not: the error names the running total and the credit that broke it.
    assert_eq!(ledger.validate_credits(&[credit(2, 6)], at), Ok(()));
    assert_eq!(
        ledger.validate_credits(&[credit(2, 6), credit(3, 6)], at),
        Err(LedgerError::Overflow { total: Points::new(i64::MAX - 4), amount: Points::new(6) })
    );
    assert_eq!(
        ledger.validate_credits(&[credit(2, 1), credit(2, 1)], at),
        Err(LedgerError::LotExists { lot: LotId::new(2, 0) })
    );
    assert_eq!(
        ledger.validate_credits(&[credit(2, 1), credit(1, 1)], at),
        Err(LedgerError::LotExists { lot: LotId::new(1, 0) })
    );
    assert_eq!(ledger.validate_credits(&[], at), Ok(()));
}

#[test]
fn lots_stay_sorted_across_chunks_and_out_of_order_credits() {
    let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let mut ledger = Ledger::new(Points::ZERO);
    let n = u64::try_from(LOT_CHUNK).unwrap() * 2 + 10;
    for v in (1..=n).filter(|v| v % 7 != 0) {
        ledger.apply_credit(&credit(v, 1), at);
    }
    for v in (1..=n).filter(|v| v % 7 == 0).rev() {
        ledger.apply_credit(&credit(v, 1), at);
    }
    let ids: Vec<u64> = ledger.lots().map(|l| l.id().version()).collect();
    assert_eq!(ids, (1..=n).collect::<Vec<_>>());
    assert!(ledger.lot(LotId::new(n, 0)).is_some());
    assert!(ledger.lot(LotId::new(n + 1, 0)).is_none());
    ledger.apply_credit(&credit(3, 99), at); // an existing id is ignored
    assert_eq!(*ledger.available(), Points::new(i64::try_from(n).unwrap()));
    ledger.check_invariants().unwrap();
    let json = serde_json::to_string(&ledger).unwrap();
    assert_eq!(serde_json::from_str::<Ledger<Points>>(&json).unwrap(), ledger);
}

/// A sink that fails the test, rather than letting it hang, once settling has produced more facts than it could.
fn bounded(facts: &mut Vec<SettleFact<Points>>) -> impl FnMut(SettleFact<Points>) + '_ {
    |f| {
        facts.push(f);
        assert!(facts.len() <= 100, "settling spins: {:?}", &facts[..3]);
    }
}

#[test]
fn settling_a_damaged_index_ends_instead_of_spinning() {
    // An expiry or activation key naming no lot: processing it changes nothing, so the head never moves.
    // No sequence of commits builds this (check_invariants reports it); settling must still return.
    let mut expiring = mixed();
    expiring.live.insert((t(1), LotId::new(99, 0)));
    let mut facts = Vec::new();
    expiring.settle(t(30), &mut bounded(&mut facts));
    // The step and the catch-up after it each try the phantom once; then settling sees no progress and stops.
    assert_eq!(facts.len(), 2, "{facts:?}");
    assert!(facts.iter().all(|f| matches!(f, SettleFact::Expired { lot, .. } if *lot == LotId::new(99, 0))));
    assert!(expiring.check_invariants().is_err());

    let mut activating = mixed();
    activating.pending.insert((t(1), LotId::new(99, 0)));
    let mut facts = Vec::new();
    activating.settle(t(30), &mut bounded(&mut facts));
    assert_eq!(facts.len(), 1, "{facts:?}");
    assert!(activating.check_invariants().is_err());
}

#[test]
fn every_released_lot_past_its_expiry_expires_before_debt_is_repaid() {
    // A hold over two lots lapses after both expired: both released amounts expire, and the debt stays.
    let mut l = Ledger::new(Points::ZERO);
    for v in [1, 2] {
        l.apply_credit(&Credit { expires_at: Some(t(4)), ..credit(v, 10) }, t(0));
    }
    let h = HoldId::from_u128(1).unwrap();
    let placement = l.plan_hold(h, &p(20), &AllocationPolicy::Fifo, &[], Some(t(5)), None, t(0)).unwrap();
    l.apply_hold(&placement, t(0));
    l.apply_debt(&p(5));
    let mut facts = Vec::new();
    l.settle(t(6), &mut |f| facts.push(f));
    assert_eq!(
        facts,
        [
            SettleFact::HoldExpired { hold: h, released: vec![take(1, 10), take(2, 10)] },
            SettleFact::Expired { lot: LotId::new(1, 0), amount: p(10) },
            SettleFact::Expired { lot: LotId::new(2, 0), amount: p(10) },
        ]
    );
    assert_eq!((*l.debt(), l.totals().expired), (p(5), p(20)));
    l.check_invariants().unwrap();
}
