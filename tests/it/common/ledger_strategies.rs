//! Proptest strategies and a driver for the lot engine, generic over the unit so points and stored value share
//! them: amounts are generated as integer units and turned into the ledger's unit by a caller-supplied function
//! (`Points::new`, `|n| Money::from_minor(n, Currency::USD)`).

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use customer_care::HoldId;
use customer_care::ledger::{
    AllocationPolicy, Category, Credit, HoldStatus, Ledger, LedgerError, LotId, Origin, SettleFact, Unit,
};
use proptest::prelude::*;

/// One step against a bare ledger.
#[derive(Clone, Debug)]
pub(crate) enum LedgerOp {
    /// Credit `amount` units, pending for `pending_hours`, expiring after `expires_in_hours` (or never).
    Credit { amount: i64, category: u8, pending_hours: Option<u16>, expires_in_hours: Option<u16> },
    /// Debit `amount` units under a policy (0 soonest, 1 FIFO, 2 LIFO, 3 category order).
    Debit { amount: i64, policy: u8 },
    /// Place hold `hold` (1..=4) of `amount`, expiring after `expires_in_hours` (or never).
    Hold { hold: u8, amount: i64, expires_in_hours: Option<u16> },
    /// Capture from a hold.
    Capture { hold: u8, amount: i64, final_capture: bool },
    /// Release a hold.
    Release { hold: u8 },
    /// Move the clock forward.
    Advance { hours: u16 },
}

/// The categories the strategies use.
pub(crate) fn categories() -> [Category; 2] {
    [Category::constant("base"), Category::constant("bonus")]
}

/// A policy by number.
pub(crate) fn policy(n: u8) -> AllocationPolicy {
    match n % 4 {
        0 => AllocationPolicy::SoonestExpiring,
        1 => AllocationPolicy::Fifo,
        2 => AllocationPolicy::Lifo,
        _ => AllocationPolicy::CategoryOrder { order: vec![Category::constant("bonus")] },
    }
}

/// The hold id for a small number.
pub(crate) fn hold_id(n: u8) -> HoldId {
    HoldId::from_u128(u128::from(n) + 1).expect("non-nil")
}

/// A strategy for one ledger step.
pub(crate) fn ledger_op() -> impl Strategy<Value = LedgerOp> {
    prop_oneof![
        3 => (1i64..500, 0u8..2, proptest::option::of(1u16..72), proptest::option::of(1u16..400)).prop_map(
            |(amount, category, pending_hours, expires_in_hours)| LedgerOp::Credit {
                amount,
                category,
                pending_hours,
                expires_in_hours
            }
        ),
        2 => (1i64..300, 0u8..4).prop_map(|(amount, policy)| LedgerOp::Debit { amount, policy }),
        1 => (1u8..5, 1i64..300, proptest::option::of(1u16..100))
            .prop_map(|(hold, amount, expires_in_hours)| LedgerOp::Hold { hold, amount, expires_in_hours }),
        1 => (1u8..5, 1i64..200, any::<bool>())
            .prop_map(|(hold, amount, final_capture)| LedgerOp::Capture { hold, amount, final_capture }),
        1 => (1u8..5).prop_map(|hold| LedgerOp::Release { hold }),
        2 => (0u16..200).prop_map(|hours| LedgerOp::Advance { hours }),
    ]
}

/// A strategy for a run of ledger steps.
pub(crate) fn ledger_ops(max: usize) -> impl Strategy<Value = Vec<LedgerOp>> {
    proptest::collection::vec(ledger_op(), 1..max)
}

/// The start of every simulated clock.
pub(crate) fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().expect("valid")
}

/// Runs `ops` against a fresh ledger, settling before every step as an aggregate does, and checks the invariants
/// after every step. `sweep_every_hour` settles at every hour boundary in between, to compare lazy with swept.
/// Returns the ledger and the settle facts.
pub(crate) fn run_ledger<U: Unit>(
    ops: &[LedgerOp],
    unit: impl Fn(i64) -> U,
    sweep_every_hour: bool,
) -> (Ledger<U>, Vec<SettleFact<U>>) {
    let mut ledger = Ledger::new(unit(0));
    let mut facts = Vec::new();
    let mut now = t0();
    let mut version = 0u64;
    for op in ops {
        if let LedgerOp::Advance { hours } = op {
            let target = now + TimeDelta::hours(i64::from(*hours));
            if sweep_every_hour {
                while now < target {
                    now += TimeDelta::hours(1);
                    ledger.settle(now, &mut |f| facts.push(f));
                }
            }
            now = target;
            continue;
        }
        ledger.settle(now, &mut |f| facts.push(f));
        ledger.check_invariants().expect("invariants after settle");
        version += 1;
        let before = ledger.clone();
        let hours = |h: u16| now + TimeDelta::hours(i64::from(h));
        let result: Result<(), LedgerError<U>> = match op {
            LedgerOp::Credit { amount, category, pending_hours, expires_in_hours } => {
                let activates_at = pending_hours.map(hours);
                let expires_at = expires_in_hours.map(|h| hours(h) + TimeDelta::hours(72));
                let credit = Credit {
                    lot: LotId::new(version, 0),
                    amount: unit(*amount),
                    category: categories()[usize::from(*category % 2)],
                    origin: Origin::default(),
                    restricted_to: Vec::new(),
                    activates_at,
                    expires_at,
                };
                ledger.validate_credit(&credit, now).map(|()| ledger.apply_credit(&credit, now))
            }
            LedgerOp::Debit { amount, policy: p } => {
                ledger.plan_debit(&unit(*amount), &policy(*p), &[]).map(|a| ledger.apply_debit(&a))
            }
            LedgerOp::Hold { hold, amount, expires_in_hours } => ledger
                .plan_hold(hold_id(*hold), &unit(*amount), &policy(0), &[], expires_in_hours.map(hours), None, now)
                .map(|p| ledger.apply_hold(&p, now)),
            LedgerOp::Capture { hold, amount, final_capture } => ledger
                .plan_capture(hold_id(*hold), &unit(*amount), *final_capture)
                .map(|(c, r)| ledger.apply_capture(hold_id(*hold), &c, &r, *final_capture)),
            LedgerOp::Release { hold } => ledger
                .plan_release(hold_id(*hold))
                .map(|r| ledger.apply_release(hold_id(*hold), &r, HoldStatus::Released)),
            LedgerOp::Advance { .. } => Ok(()),
        };
        if result.is_err() {
            assert_eq!(ledger, before, "a rejected plan changes nothing");
        }
        // Released holds may free lots already past expiry, and credits may repay debt.
        ledger.settle(now, &mut |f| facts.push(f));
        ledger.check_invariants().expect("invariants after step");
    }
    ledger.settle(now, &mut |f| facts.push(f));
    ledger.check_invariants().expect("invariants at the end");
    (ledger, facts)
}
