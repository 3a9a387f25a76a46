//! The ledger: its state and indexes, the facts that change it, settling, and the checks and views over it. The
//! plans that decide what a fact will take are in `plan.rs`; the lot storage is in `store.rs`.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::error::{InvariantViolation, LedgerError};
use super::index::KeySet;
use super::store::LotStore;
use super::types::{
    Allocation, Category, Credit, Hold, HoldPlacement, HoldStatus, Lot, LotId, Totals, Unit, minus, plus,
};
use crate::id::HoldId;

/// A fact produced by [`Ledger::settle`]: something that became due.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SettleFact<U> {
    /// A pending lot became spendable.
    Activated {
        /// The lot.
        lot: LotId,
        /// Its remaining amount, now available.
        amount: U,
    },
    /// A lot's unspent, unheld remainder expired.
    Expired {
        /// The lot.
        lot: LotId,
        /// The amount that expired.
        amount: U,
    },
    /// A hold reached its deadline and released what it still reserved.
    HoldExpired {
        /// The hold.
        hold: HoldId,
        /// What it released, per lot.
        released: Vec<Allocation<U>>,
    },
    /// Available lots repaid outstanding debt.
    DebtRepaid {
        /// The lots used.
        allocations: Vec<Allocation<U>>,
    },
}

/// A coming expiry: how much expires at an instant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpcomingExpiry<U> {
    /// When.
    pub expires_at: DateTime<Utc>,
    /// How much (available, not held), summed over the lots expiring then.
    pub amount: U,
}

/// Everything a customer-service agent needs to answer "where did my balance go?".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation<U> {
    /// The account sums.
    pub totals: Totals<U>,
    /// Every lot, oldest first, with what became of it.
    pub lots: Vec<Lot<U>>,
    /// Open holds.
    pub holds: Vec<Hold<U>>,
    /// The next expiries, soonest first.
    pub next_expiries: Vec<UpcomingExpiry<U>>,
}

/// The lot ledger of one account. See the [module docs](super).
///
/// Serialized without its indexes; deserializing rebuilds them and runs [`check_invariants`](Self::check_invariants),
/// so a snapshot that does not add up is rejected.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "LedgerRepr<U>", into = "LedgerRepr<U>")]
#[serde(bound(serialize = "U: Unit", deserialize = "U: Unit"))]
pub struct Ledger<U> {
    pub(super) zero: U,
    pub(super) lots: LotStore<U>,
    pub(super) holds: BTreeMap<HoldId, Hold<U>>,
    pub(super) totals: Totals<U>,
    /// Active lots with a free amount, by (expiry or never, lot id).
    pub(super) live: KeySet<(DateTime<Utc>, LotId)>,
    /// Active lots with a free amount, by lot id (creation order).
    pub(super) fifo: KeySet<LotId>,
    /// Pending lots with a free amount, by (activation, lot id).
    pub(super) pending: KeySet<(DateTime<Utc>, LotId)>,
    /// `live` split by category, for category-ordered debits.
    pub(super) by_category: ByCategory,
    /// Open holds with a deadline, by (deadline, hold id).
    pub(super) hold_deadlines: BTreeSet<(DateTime<Utc>, HoldId)>,
}

#[derive(Serialize, Deserialize)]
#[serde(bound(serialize = "U: Unit", deserialize = "U: Unit"))]
struct LedgerRepr<U> {
    zero: U,
    lots: Vec<Lot<U>>,
    holds: Vec<Hold<U>>,
    debt: U,
    debt_incurred: U,
    debt_repaid: U,
}

impl<U: Unit> From<Ledger<U>> for LedgerRepr<U> {
    fn from(l: Ledger<U>) -> Self {
        Self {
            zero: l.zero,
            lots: l.lots.into_values().collect(),
            holds: l.holds.into_values().collect(),
            debt: l.totals.debt,
            debt_incurred: l.totals.debt_incurred,
            debt_repaid: l.totals.debt_repaid,
        }
    }
}

impl<U: Unit> TryFrom<LedgerRepr<U>> for Ledger<U> {
    type Error = InvariantViolation;
    fn try_from(r: LedgerRepr<U>) -> Result<Self, InvariantViolation> {
        let mut ledger = Self::new(r.zero);
        for lot in r.lots {
            if !lot.credited.is_compatible(&ledger.zero) {
                return Err(InvariantViolation { what: format!("lot {} is not in the ledger's unit", lot.id) });
            }
            ledger.totals.credited = plus(&ledger.totals.credited, &lot.credited);
            ledger.totals.held = plus(&ledger.totals.held, &lot.held);
            ledger.totals.debited = plus(&ledger.totals.debited, &lot.debited);
            ledger.totals.expired = plus(&ledger.totals.expired, &lot.expired);
            ledger.totals.clawed_back = plus(&ledger.totals.clawed_back, &lot.clawed_back);
            if lot.pending {
                ledger.totals.pending = plus(&ledger.totals.pending, &lot.free);
            } else {
                ledger.totals.available = plus(&ledger.totals.available, &lot.free);
            }
            index_insert(&mut ledger.live, &mut ledger.fifo, &mut ledger.pending, &mut ledger.by_category, &lot);
            ledger.lots.insert(lot.id, lot);
        }
        for hold in r.holds {
            if hold.status == HoldStatus::Open
                && let Some(at) = hold.expires_at
            {
                ledger.hold_deadlines.insert((at, hold.id));
            }
            ledger.holds.insert(hold.id, hold);
        }
        ledger.totals.debt = r.debt;
        ledger.totals.debt_incurred = r.debt_incurred;
        ledger.totals.debt_repaid = r.debt_repaid;
        ledger.check_invariants()?;
        Ok(ledger)
    }
}

fn expiry_key(expires_at: Option<DateTime<Utc>>) -> DateTime<Utc> {
    expires_at.unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Active lots with a free amount per category, by (expiry or never, lot id).
type ByCategory = BTreeMap<Category, KeySet<(DateTime<Utc>, LotId)>>;

/// Where a lot belongs in the indexes: (in `live`/`fifo`, in `pending`).
fn membership<U: Unit>(lot: &Lot<U>) -> (bool, bool) {
    let has_free = lot.free.is_above_zero();
    (has_free && !lot.pending, has_free && lot.pending)
}

fn index_insert<U: Unit>(
    live: &mut KeySet<(DateTime<Utc>, LotId)>,
    fifo: &mut KeySet<LotId>,
    pending: &mut KeySet<(DateTime<Utc>, LotId)>,
    by_category: &mut ByCategory,
    lot: &Lot<U>,
) {
    let (in_live, in_pending) = membership(lot);
    if in_live {
        let key = (expiry_key(lot.expires_at), lot.id);
        live.insert(key);
        fifo.insert(lot.id);
        by_category.entry(lot.category).or_default().insert(key);
    }
    if in_pending {
        pending.insert((lot.activates_at.unwrap_or(lot.credited_at), lot.id));
    }
}

fn reindex<U: Unit>(
    live: &mut KeySet<(DateTime<Utc>, LotId)>,
    fifo: &mut KeySet<LotId>,
    pending: &mut KeySet<(DateTime<Utc>, LotId)>,
    by_category: &mut ByCategory,
    lot: &Lot<U>,
    before: (bool, bool),
) {
    let after = membership(lot);
    if before.0 != after.0 {
        let key = (expiry_key(lot.expires_at), lot.id);
        if after.0 {
            live.insert(key);
            fifo.insert(lot.id);
            by_category.entry(lot.category).or_default().insert(key);
        } else {
            live.remove(&key);
            fifo.remove(&lot.id);
            if let Some(set) = by_category.get_mut(&lot.category) {
                set.remove(&key);
                if set.is_empty() {
                    by_category.remove(&lot.category);
                }
            }
        }
    }
    if before.1 != after.1 {
        let key = (lot.activates_at.unwrap_or(lot.credited_at), lot.id);
        if after.1 {
            pending.insert(key);
        } else {
            pending.remove(&key);
        }
    }
}

/// Which bucket of a lot an operation moves an amount between.
#[derive(Clone, Copy)]
enum Move {
    /// free (available) → debited
    Debit,
    /// free (available) → expired
    Expire,
    /// free (available or pending) → clawed back
    Clawback,
    /// free (available) → held
    Hold,
    /// held → debited
    Capture,
    /// held → free
    Release,
    /// debited → free
    Restore,
    /// debited → expired
    Forfeit,
}

impl<U: Unit> Ledger<U> {
    /// An empty ledger counting in the unit of `zero` (`Points::ZERO`, `Money::zero(currency)`).
    pub fn new(zero: U) -> Self {
        let zero = zero.zero_like();
        Self {
            totals: Totals::zero(&zero),
            zero,
            lots: LotStore::new(),
            holds: BTreeMap::new(),
            live: KeySet::default(),
            fifo: KeySet::default(),
            pending: KeySet::default(),
            by_category: BTreeMap::new(),
            hold_deadlines: BTreeSet::new(),
        }
    }

    /// The ledger's zero.
    pub const fn zero(&self) -> &U {
        &self.zero
    }

    /// The amount spendable now (active, not held). Never negative; see [`balance`](Self::balance) for debt.
    pub const fn available(&self) -> &U {
        &self.totals.available
    }

    /// Available minus debt: negative while the account owes.
    pub fn balance(&self) -> U {
        minus(&self.totals.available, &self.totals.debt)
    }

    /// The amount credited but not yet active.
    pub const fn pending(&self) -> &U {
        &self.totals.pending
    }

    /// The amount reserved by open holds.
    pub const fn held(&self) -> &U {
        &self.totals.held
    }

    /// Outstanding debt.
    pub const fn debt(&self) -> &U {
        &self.totals.debt
    }

    /// The account sums.
    pub const fn totals(&self) -> &Totals<U> {
        &self.totals
    }

    /// A lot by id.
    pub fn lot(&self, id: LotId) -> Option<&Lot<U>> {
        self.lots.get(&id)
    }

    /// Every lot, oldest first.
    pub fn lots(&self) -> impl Iterator<Item = &Lot<U>> {
        self.lots.values()
    }

    /// A hold by id.
    pub fn hold(&self, id: HoldId) -> Option<&Hold<U>> {
        self.holds.get(&id)
    }

    /// Open holds, by id.
    pub fn open_holds(&self) -> impl Iterator<Item = &Hold<U>> {
        self.holds.values().filter(|h| h.status == HoldStatus::Open)
    }

    /// The next instant something becomes due: an activation, an expiry of an available lot, or a hold deadline.
    pub fn next_deadline(&self) -> Option<DateTime<Utc>> {
        let activation = self.pending.first().map(|&(at, _)| at);
        let expiry = self.live.first().map(|&(at, _)| at).filter(|&at| at != DateTime::<Utc>::MAX_UTC);
        let hold = self.hold_deadlines.first().map(|&(at, _)| at);
        [activation, expiry, hold].into_iter().flatten().min()
    }

    /// Whether [`settle`](Self::settle) at `as_of` would produce any fact: something is due, or debt could be
    /// repaid from available lots.
    pub fn needs_settle(&self, as_of: DateTime<Utc>) -> bool {
        self.next_deadline().is_some_and(|at| at <= as_of) || self.can_repay_debt()
    }

    pub(super) fn can_repay_debt(&self) -> bool {
        self.totals.debt.is_above_zero() && self.totals.available.is_above_zero()
    }

    pub(super) fn check_unit(&self, amount: &U) -> Result<(), LedgerError<U>> {
        if !amount.is_compatible(&self.zero) {
            return Err(LedgerError::UnitMismatch { expected: self.zero.clone(), found: amount.clone() });
        }
        if !amount.is_above_zero() {
            return Err(LedgerError::NonPositiveAmount { amount: amount.clone() });
        }
        Ok(())
    }

    /// Processes everything due up to `as_of`, in chronological order (activations, then hold deadlines, then
    /// expiries at the same instant), repaying debt from what becomes available; applies each fact and hands it to
    /// `sink`. Settling at any instant after a deadline gives the same facts as settling exactly at it.
    ///
    /// Every step removes the entry it processes from its index, so the loop ends after at most one step per
    /// pending lot, hold and live lot (and per lot a hold releases). It also ends, rather than spinning, if an
    /// index ever failed to advance: a state no sequence of commits builds and
    /// [`check_invariants`](Self::check_invariants) reports, which must never hang the host.
    pub fn settle(&mut self, as_of: DateTime<Utc>, sink: &mut impl FnMut(SettleFact<U>)) {
        self.repay(sink);
        let mut previous = None;
        loop {
            let activation = self.pending.first().copied().filter(|&(at, _)| at <= as_of);
            let hold = self.hold_deadlines.first().copied().filter(|&(at, _)| at <= as_of);
            let expiry = self.live.first().copied().filter(|&(at, _)| at <= as_of && at != DateTime::<Utc>::MAX_UTC);
            let heads = Some((activation, hold, expiry));
            if heads == previous {
                break;
            }
            previous = heads;
            let step =
                [activation.map(|(at, _)| (at, 0u8)), hold.map(|(at, _)| (at, 1u8)), expiry.map(|(at, _)| (at, 2u8))]
                    .into_iter()
                    .flatten()
                    .min();
            let Some((step_at, kind)) = step else { break };
            match (kind, activation, hold, expiry) {
                (0, Some((_, lot)), _, _) => {
                    let amount = self.lots.get(&lot).map_or_else(|| self.zero.clone(), |l| l.free.clone());
                    self.apply_activation(lot);
                    sink(SettleFact::Activated { lot, amount });
                }
                (1, _, Some((_, hold)), _) => {
                    let released = self.plan_release(hold).unwrap_or_default();
                    self.apply_release(hold, &released, HoldStatus::Expired);
                    sink(SettleFact::HoldExpired { hold, released });
                }
                (2, _, _, Some((_, lot))) => {
                    let amount = self.lots.get(&lot).map_or_else(|| self.zero.clone(), |l| l.free.clone());
                    self.apply_expiry(lot, &amount);
                    sink(SettleFact::Expired { lot, amount });
                }
                _ => break,
            }
            // Released amounts of lots already past expiry expire at once, before any repayment.
            while let Some(&(at, lot)) = self.live.first() {
                if at > step_at || at == DateTime::<Utc>::MAX_UTC {
                    break;
                }
                let amount = self.lots.get(&lot).map_or_else(|| self.zero.clone(), |l| l.free.clone());
                self.apply_expiry(lot, &amount);
                sink(SettleFact::Expired { lot, amount });
                if self.live.first() == Some(&(at, lot)) {
                    break; // the index did not advance (see above)
                }
            }
            self.repay(sink);
        }
    }

    fn repay(&mut self, sink: &mut impl FnMut(SettleFact<U>)) {
        let allocations = self.plan_debt_repayment();
        if !allocations.is_empty() {
            self.apply_debt_repayment(&allocations);
            sink(SettleFact::DebtRepaid { allocations });
        }
    }

    // ---------------------------------------------------------------- facts

    /// Applies a credit committed at `at`. Infallible; a reused lot id is ignored.
    pub fn apply_credit(&mut self, credit: &Credit<U>, at: DateTime<Utc>) {
        if self.lots.contains_key(&credit.lot) {
            return;
        }
        let pending = credit.activates_at.is_some_and(|a| a > at);
        let lot = Lot {
            id: credit.lot,
            category: credit.category,
            origin: credit.origin.clone(),
            restricted_to: credit.restricted_to.clone(),
            credited: credit.amount.clone(),
            credited_at: at,
            activates_at: credit.activates_at,
            expires_at: credit.expires_at,
            pending,
            free: credit.amount.clone(),
            held: self.zero.clone(),
            debited: self.zero.clone(),
            expired: self.zero.clone(),
            clawed_back: self.zero.clone(),
        };
        self.totals.credited = plus(&self.totals.credited, &credit.amount);
        if pending {
            self.totals.pending = plus(&self.totals.pending, &credit.amount);
        } else {
            self.totals.available = plus(&self.totals.available, &credit.amount);
        }
        index_insert(&mut self.live, &mut self.fifo, &mut self.pending, &mut self.by_category, &lot);
        self.lots.insert(lot.id, lot);
    }

    /// Applies the activation of a pending lot.
    pub fn apply_activation(&mut self, id: LotId) {
        let Some(lot) = self.lots.get_mut(&id) else { return };
        if !lot.pending {
            return;
        }
        let before = membership(lot);
        lot.pending = false;
        self.totals.pending = minus(&self.totals.pending, &lot.free);
        self.totals.available = plus(&self.totals.available, &lot.free);
        reindex(&mut self.live, &mut self.fifo, &mut self.pending, &mut self.by_category, lot, before);
    }

    fn move_amount(&mut self, id: LotId, amount: &U, how: Move) {
        let Some(lot) = self.lots.get_mut(&id) else { return };
        let before = membership(lot);
        let t = &mut self.totals;
        let free_bucket = if lot.pending { &mut t.pending } else { &mut t.available };
        match how {
            Move::Debit | Move::Expire | Move::Clawback | Move::Hold => {
                lot.free = minus(&lot.free, amount);
                *free_bucket = minus(free_bucket, amount);
                let (lot_to, total_to) = match how {
                    Move::Debit => (&mut lot.debited, &mut t.debited),
                    Move::Expire => (&mut lot.expired, &mut t.expired),
                    Move::Clawback => (&mut lot.clawed_back, &mut t.clawed_back),
                    _ => (&mut lot.held, &mut t.held),
                };
                *lot_to = plus(lot_to, amount);
                *total_to = plus(total_to, amount);
            }
            Move::Capture => {
                lot.held = minus(&lot.held, amount);
                t.held = minus(&t.held, amount);
                lot.debited = plus(&lot.debited, amount);
                t.debited = plus(&t.debited, amount);
            }
            Move::Release => {
                lot.held = minus(&lot.held, amount);
                t.held = minus(&t.held, amount);
                lot.free = plus(&lot.free, amount);
                *free_bucket = plus(free_bucket, amount);
            }
            Move::Restore | Move::Forfeit => {
                lot.debited = minus(&lot.debited, amount);
                t.debited = minus(&t.debited, amount);
                if matches!(how, Move::Restore) {
                    lot.free = plus(&lot.free, amount);
                    *free_bucket = plus(free_bucket, amount);
                } else {
                    lot.expired = plus(&lot.expired, amount);
                    t.expired = plus(&t.expired, amount);
                }
            }
        }
        reindex(&mut self.live, &mut self.fifo, &mut self.pending, &mut self.by_category, lot, before);
    }

    /// Applies a debit: each allocation moves from available to debited.
    pub fn apply_debit(&mut self, allocations: &[Allocation<U>]) {
        for a in allocations {
            self.move_amount(a.lot, &a.amount, Move::Debit);
        }
    }

    /// Applies the expiry of `amount` of a lot's free remainder.
    pub fn apply_expiry(&mut self, lot: LotId, amount: &U) {
        self.move_amount(lot, amount, Move::Expire);
    }

    /// Applies a clawback (from available or pending).
    pub fn apply_clawback(&mut self, allocations: &[Allocation<U>]) {
        for a in allocations {
            self.move_amount(a.lot, &a.amount, Move::Clawback);
        }
    }

    /// Records `amount` of new debt (a clawback the balance could not cover).
    pub fn apply_debt(&mut self, amount: &U) {
        self.totals.debt = plus(&self.totals.debt, amount);
        self.totals.debt_incurred = plus(&self.totals.debt_incurred, amount);
    }

    /// Applies a debt repayment: the allocations are clawed back and the debt shrinks by their sum.
    pub fn apply_debt_repayment(&mut self, allocations: &[Allocation<U>]) {
        for a in allocations {
            self.move_amount(a.lot, &a.amount, Move::Clawback);
            self.totals.debt = minus(&self.totals.debt, &a.amount);
            self.totals.debt_repaid = plus(&self.totals.debt_repaid, &a.amount);
        }
    }

    /// Applies a hold placed at `at`.
    pub fn apply_hold(&mut self, placement: &HoldPlacement<U>, at: DateTime<Utc>) {
        if self.holds.contains_key(&placement.hold) {
            return;
        }
        for a in &placement.allocations {
            self.move_amount(a.lot, &a.amount, Move::Hold);
        }
        if let Some(deadline) = placement.expires_at {
            self.hold_deadlines.insert((deadline, placement.hold));
        }
        self.holds.insert(
            placement.hold,
            Hold {
                id: placement.hold,
                amount: placement.amount.clone(),
                held: placement.allocations.clone(),
                captured: self.zero.clone(),
                released: self.zero.clone(),
                placed_at: at,
                expires_at: placement.expires_at,
                order: placement.order.clone(),
                status: HoldStatus::Open,
            },
        );
    }

    /// Applies a capture; the hold closes when `close` is set or nothing remains held.
    pub fn apply_capture(&mut self, hold: HoldId, captured: &[Allocation<U>], released: &[Allocation<U>], close: bool) {
        for a in captured {
            self.move_amount(a.lot, &a.amount, Move::Capture);
        }
        for a in released {
            self.move_amount(a.lot, &a.amount, Move::Release);
        }
        let Some(h) = self.holds.get_mut(&hold) else { return };
        for (list, captured_part) in [(captured, true), (released, false)] {
            for a in list {
                if let Some(slot) = h.held.iter_mut().find(|s| s.lot == a.lot) {
                    slot.amount = minus(&slot.amount, &a.amount);
                }
                if captured_part {
                    h.captured = plus(&h.captured, &a.amount);
                } else {
                    h.released = plus(&h.released, &a.amount);
                }
            }
        }
        if close || h.held.iter().all(|a| !a.amount.is_above_zero()) {
            h.status = HoldStatus::Captured;
            if let Some(at) = h.expires_at {
                self.hold_deadlines.remove(&(at, hold));
            }
        }
    }

    /// Applies the release of a hold (by the host or at its deadline): the allocations return to their lots.
    pub fn apply_release(&mut self, hold: HoldId, released: &[Allocation<U>], status: HoldStatus) {
        for a in released {
            self.move_amount(a.lot, &a.amount, Move::Release);
        }
        let Some(h) = self.holds.get_mut(&hold) else { return };
        for a in released {
            if let Some(slot) = h.held.iter_mut().find(|s| s.lot == a.lot) {
                slot.amount = minus(&slot.amount, &a.amount);
            }
            h.released = plus(&h.released, &a.amount);
        }
        h.status = status;
        if let Some(at) = h.expires_at {
            self.hold_deadlines.remove(&(at, hold));
        }
    }

    /// Applies a refund restored into the lots it was debited from.
    pub fn apply_restore(&mut self, allocations: &[Allocation<U>]) {
        for a in allocations {
            self.move_amount(a.lot, &a.amount, Move::Restore);
        }
    }

    /// Applies a refund forfeited because its lot had expired: debited becomes expired.
    pub fn apply_forfeit(&mut self, allocations: &[Allocation<U>]) {
        for a in allocations {
            self.move_amount(a.lot, &a.amount, Move::Forfeit);
        }
    }

    // ---------------------------------------------------------------- checks and views

    /// Checks conservation and consistency: every lot's split adds up to its credit with no negative part; the
    /// account sums equal the sums over lots and holds; `credited = available + pending + held + debited + expired +
    /// clawed back`; debt is non-negative, equals incurred minus repaid, and exists only while nothing is
    /// available; the indexes match the lots.
    ///
    /// # Errors
    ///
    /// [`InvariantViolation`] describing the first mismatch.
    pub fn check_invariants(&self) -> Result<(), InvariantViolation> {
        let fail = |what: String| Err(InvariantViolation { what });
        let z = &self.zero;
        let neg = |u: &U| u.cmp_amount(z) == Ordering::Less;
        let mut sums = Totals::zero(z);
        let (mut live, mut fifo, mut pending) = (KeySet::default(), KeySet::default(), KeySet::default());
        let mut by_category: ByCategory = BTreeMap::new();
        for (id, lot) in self.lots.iter() {
            if *id != lot.id {
                return fail(format!("lot keyed {id} has id {}", lot.id));
            }
            for (name, part) in [
                ("remaining", &lot.free),
                ("held", &lot.held),
                ("debited", &lot.debited),
                ("expired", &lot.expired),
                ("clawed back", &lot.clawed_back),
            ] {
                if neg(part) {
                    return fail(format!("lot {id} has negative {name} {part}"));
                }
            }
            let parts = [&lot.free, &lot.held, &lot.debited, &lot.expired, &lot.clawed_back]
                .into_iter()
                .try_fold(z.clone(), |acc, p| acc.try_add(p));
            if parts.as_ref() != Some(&lot.credited) {
                return fail(format!(
                    "lot {id}: credited {} != remaining {} + held {} + debited {} + expired {} + clawed back {}",
                    lot.credited, lot.free, lot.held, lot.debited, lot.expired, lot.clawed_back
                ));
            }
            if lot.pending && lot.held.is_above_zero() {
                return fail(format!("pending lot {id} is held"));
            }
            sums.credited = plus(&sums.credited, &lot.credited);
            if lot.pending {
                sums.pending = plus(&sums.pending, &lot.free);
            } else {
                sums.available = plus(&sums.available, &lot.free);
            }
            sums.held = plus(&sums.held, &lot.held);
            sums.debited = plus(&sums.debited, &lot.debited);
            sums.expired = plus(&sums.expired, &lot.expired);
            sums.clawed_back = plus(&sums.clawed_back, &lot.clawed_back);
            index_insert(&mut live, &mut fifo, &mut pending, &mut by_category, lot);
        }
        let t = &self.totals;
        for (name, sum, total) in [
            ("credited", &sums.credited, &t.credited),
            ("available", &sums.available, &t.available),
            ("pending", &sums.pending, &t.pending),
            ("held", &sums.held, &t.held),
            ("debited", &sums.debited, &t.debited),
            ("expired", &sums.expired, &t.expired),
            ("clawed back", &sums.clawed_back, &t.clawed_back),
        ] {
            if sum != total {
                return fail(format!("{name}: lots sum to {sum}, total says {total}"));
            }
        }
        let rhs = [&t.available, &t.pending, &t.held, &t.debited, &t.expired, &t.clawed_back]
            .into_iter()
            .try_fold(z.clone(), |acc, p| acc.try_add(p));
        if rhs.as_ref() != Some(&t.credited) {
            return fail(format!(
                "credited {} != available {} + pending {} + held {} + debited {} + expired {} + clawed back {}",
                t.credited, t.available, t.pending, t.held, t.debited, t.expired, t.clawed_back
            ));
        }
        let mut held_by_holds = z.clone();
        let mut deadlines = BTreeSet::new();
        for (id, h) in &self.holds {
            for a in &h.held {
                if neg(&a.amount) {
                    return fail(format!("hold {id} holds a negative amount of lot {}", a.lot));
                }
                if h.status == HoldStatus::Open {
                    held_by_holds = plus(&held_by_holds, &a.amount);
                } else if a.amount.is_above_zero() {
                    return fail(format!("closed hold {id} still holds {} of lot {}", a.amount, a.lot));
                }
            }
            let accounted = plus(&plus(&h.held_total(), &h.captured), &h.released);
            if accounted != h.amount {
                return fail(format!(
                    "hold {id}: amount {} != held {} + captured {} + released {}",
                    h.amount,
                    h.held_total(),
                    h.captured,
                    h.released
                ));
            }
            if h.status == HoldStatus::Open
                && let Some(at) = h.expires_at
            {
                deadlines.insert((at, *id));
            }
        }
        if held_by_holds != t.held {
            return fail(format!("open holds reserve {held_by_holds}, lots say {}", t.held));
        }
        if live != self.live
            || fifo != self.fifo
            || pending != self.pending
            || by_category != self.by_category
            || deadlines != self.hold_deadlines
        {
            return fail("indexes do not match the lots and holds".to_owned());
        }
        if neg(&t.debt) || Some(&t.debt) != t.debt_incurred.try_sub(&t.debt_repaid).as_ref() {
            return fail(format!(
                "debt {} != incurred {} - repaid {} (or negative)",
                t.debt, t.debt_incurred, t.debt_repaid
            ));
        }
        if self.can_repay_debt() {
            return fail(format!("debt {} outstanding while {} is available", t.debt, t.available));
        }
        Ok(())
    }

    /// The lots (oldest first), open holds and the next `expiries` expiry instants with their amounts.
    pub fn explain(&self, expiries: usize) -> Explanation<U> {
        let mut next_expiries: Vec<UpcomingExpiry<U>> = Vec::new();
        for (at, id) in self.live.iter() {
            if *at == DateTime::<Utc>::MAX_UTC {
                break;
            }
            let Some(lot) = self.lots.get(id) else { continue };
            if let Some(last) = next_expiries.last_mut()
                && last.expires_at == *at
            {
                last.amount = plus(&last.amount, &lot.free);
            } else if next_expiries.len() >= expiries {
                break;
            } else {
                next_expiries.push(UpcomingExpiry { expires_at: *at, amount: lot.free.clone() });
            }
        }
        Explanation {
            totals: self.totals.clone(),
            lots: self.lots.values().cloned().collect(),
            holds: self.open_holds().cloned().collect(),
            next_expiries,
        }
    }

    /// Active lots with a free amount, soonest expiry first (never-expiring lots last), then by lot id: the order
    /// [`AllocationPolicy::SoonestExpiring`](super::AllocationPolicy::SoonestExpiring) consumes them. Walking the
    /// first few is `O(log n)` each (the wallet's e-receipt reads the next expiry after a debit this way, without
    /// walking every lot).
    pub fn spendable_by_expiry(&self) -> impl Iterator<Item = &Lot<U>> {
        self.live.iter().filter_map(|(_, id)| self.lots.get(id))
    }
}

#[cfg(test)]
mod tests;
