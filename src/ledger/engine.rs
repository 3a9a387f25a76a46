//! The ledger: lots, holds, indexes, plans and facts.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::error::{InvariantViolation, LedgerError};
use super::index::KeySet;
use super::types::{
    Allocation, AllocationPolicy, Category, Credit, Hold, HoldPlacement, HoldStatus, Lot, LotId, Tag, Totals, Unit,
    minus, plus, smaller,
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
    zero: U,
    lots: LotStore<U>,
    holds: BTreeMap<HoldId, Hold<U>>,
    totals: Totals<U>,
    /// Active lots with a free amount, by (expiry or never, lot id).
    live: KeySet<(DateTime<Utc>, LotId)>,
    /// Active lots with a free amount, by lot id (creation order).
    fifo: KeySet<LotId>,
    /// Pending lots with a free amount, by (activation, lot id).
    pending: KeySet<(DateTime<Utc>, LotId)>,
    /// `live` split by category, for category-ordered debits.
    by_category: ByCategory,
    /// Open holds with a deadline, by (deadline, hold id).
    hold_deadlines: BTreeSet<(DateTime<Utc>, HoldId)>,
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

/// How many lots one chunk of a [`LotStore`] holds.
const LOT_CHUNK: usize = 1024;

/// Lots sorted by id, stored in fixed-size chunks (growth never copies lots), with their ids in a parallel `Vec` for
/// cache-friendly binary search. Ids grow with the commit version, so credits append.
#[derive(Debug)]
struct LotStore<U> {
    ids: Vec<LotId>,
    chunks: Vec<Vec<Lot<U>>>,
    /// The position of the last lot changed: debits hit the same lot many times in a row, so applying them skips
    /// the search. Not part of the value (ignored by equality).
    hint: usize,
}

impl<U: Clone> Clone for LotStore<U> {
    /// Keeps every chunk's capacity at [`LOT_CHUNK`] (a derived clone would trim the last chunk to its length, so
    /// the clone's next credit would copy the whole chunk to grow it).
    fn clone(&self) -> Self {
        let chunks = self
            .chunks
            .iter()
            .map(|chunk| {
                let mut copy = Vec::with_capacity(LOT_CHUNK.max(chunk.len()));
                copy.extend(chunk.iter().cloned());
                copy
            })
            .collect();
        Self { ids: self.ids.clone(), chunks, hint: self.hint }
    }
}

impl<U: PartialEq> PartialEq for LotStore<U> {
    fn eq(&self, other: &Self) -> bool {
        self.ids == other.ids && self.chunks == other.chunks
    }
}

impl<U> LotStore<U> {
    const fn new() -> Self {
        Self { ids: Vec::new(), chunks: Vec::new(), hint: 0 }
    }

    fn position(&self, id: &LotId) -> Result<usize, usize> {
        match self.ids.last() {
            Some(last) if last < id => Err(self.ids.len()),
            Some(last) if last == id => Ok(self.ids.len().saturating_sub(1)),
            _ => self.ids.binary_search(id),
        }
    }

    fn at(&self, i: usize) -> Option<&Lot<U>> {
        self.chunks.get(i / LOT_CHUNK)?.get(i % LOT_CHUNK)
    }

    fn get(&self, id: &LotId) -> Option<&Lot<U>> {
        self.position(id).ok().and_then(|i| self.at(i))
    }

    fn get_mut(&mut self, id: &LotId) -> Option<&mut Lot<U>> {
        let i = if self.ids.get(self.hint) == Some(id) { self.hint } else { self.position(id).ok()? };
        self.hint = i;
        self.chunks.get_mut(i / LOT_CHUNK)?.get_mut(i % LOT_CHUNK)
    }

    fn contains_key(&self, id: &LotId) -> bool {
        self.position(id).is_ok()
    }

    fn push(&mut self, id: LotId, lot: Lot<U>) {
        match self.chunks.last_mut() {
            Some(chunk) if chunk.len() < LOT_CHUNK => chunk.push(lot),
            _ => {
                let mut chunk = Vec::with_capacity(LOT_CHUNK);
                chunk.push(lot);
                self.chunks.push(chunk);
            }
        }
        self.ids.push(id);
    }

    fn insert(&mut self, id: LotId, lot: Lot<U>) {
        match self.position(&id) {
            Ok(_) => {}
            Err(i) if i >= self.ids.len() => self.push(id, lot),
            Err(i) => {
                // Out of order (a hand-written log): rebuild. Never happens for commits decided by this crate.
                let mut all: Vec<Lot<U>> = std::mem::take(&mut self.chunks).into_iter().flatten().collect();
                let mut ids = std::mem::take(&mut self.ids);
                all.insert(i, lot);
                ids.insert(i, id);
                for (id, lot) in ids.into_iter().zip(all) {
                    self.push(id, lot);
                }
            }
        }
    }

    fn values(&self) -> impl Iterator<Item = &Lot<U>> {
        self.chunks.iter().flatten()
    }

    fn iter(&self) -> impl Iterator<Item = (&LotId, &Lot<U>)> {
        self.ids.iter().zip(self.values())
    }

    fn into_values(self) -> impl Iterator<Item = Lot<U>> {
        self.chunks.into_iter().flatten()
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

    fn can_repay_debt(&self) -> bool {
        self.totals.debt.is_above_zero() && self.totals.available.is_above_zero()
    }

    fn check_unit(&self, amount: &U) -> Result<(), LedgerError<U>> {
        if !amount.is_compatible(&self.zero) {
            return Err(LedgerError::UnitMismatch { expected: self.zero.clone(), found: amount.clone() });
        }
        if !amount.is_above_zero() {
            return Err(LedgerError::NonPositiveAmount { amount: amount.clone() });
        }
        Ok(())
    }

    // ---------------------------------------------------------------- plans

    /// Checks a credit before it is committed at `at`.
    ///
    /// # Errors
    ///
    /// [`LedgerError::UnitMismatch`], [`LedgerError::NonPositiveAmount`], [`LedgerError::LotExists`],
    /// [`LedgerError::ExpiryTooEarly`] or [`LedgerError::Overflow`] (see [`Credit`]).
    pub fn validate_credit(&self, credit: &Credit<U>, at: DateTime<Utc>) -> Result<(), LedgerError<U>> {
        self.check_unit(&credit.amount)?;
        if self.lots.contains_key(&credit.lot) {
            return Err(LedgerError::LotExists { lot: credit.lot });
        }
        if let Some(expires_at) = credit.expires_at {
            let not_before = credit.activates_at.map_or(at, |a| a.max(at));
            if expires_at <= not_before {
                return Err(LedgerError::ExpiryTooEarly { expires_at, not_before });
            }
        }
        if self.totals.credited.try_add(&credit.amount).is_none() {
            return Err(LedgerError::Overflow { total: self.totals.credited.clone(), amount: credit.amount.clone() });
        }
        Ok(())
    }

    /// Checks credits committed together at `at` (a top-up and its bonus): each as [`validate_credit`](
    /// Self::validate_credit), no lot id twice, and the credited total stays representable with all of them.
    ///
    /// # Errors
    ///
    /// As [`validate_credit`](Self::validate_credit); [`LedgerError::LotExists`] for a lot id used twice;
    /// [`LedgerError::Overflow`] naming the running total and the credit that does not fit.
    pub fn validate_credits(&self, credits: &[Credit<U>], at: DateTime<Utc>) -> Result<(), LedgerError<U>> {
        let mut total = self.totals.credited.clone();
        for (i, credit) in credits.iter().enumerate() {
            self.validate_credit(credit, at)?;
            if credits.iter().take(i).any(|c| c.lot == credit.lot) {
                return Err(LedgerError::LotExists { lot: credit.lot });
            }
            total = match total.try_add(&credit.amount) {
                Some(sum) => sum,
                None => return Err(LedgerError::Overflow { total, amount: credit.amount.clone() }),
            };
        }
        Ok(())
    }

    /// Which lots a debit of `amount` would use under `policy`, for a purchase carrying `tags` (lots restricted to
    /// other tags are skipped). The ledger must be settled as of the debit's instant ([`needs_settle`](
    /// Self::needs_settle) false).
    ///
    /// # Errors
    ///
    /// [`LedgerError::UnitMismatch`], [`LedgerError::NonPositiveAmount`], [`LedgerError::LotNotFound`] (explicit
    /// policy), [`LedgerError::InsufficientBalance`] naming the eligible available amount.
    pub fn plan_debit(
        &self,
        amount: &U,
        policy: &AllocationPolicy,
        tags: &[Tag],
    ) -> Result<Vec<Allocation<U>>, LedgerError<U>> {
        self.check_unit(amount)?;
        let mut out = Vec::new();
        let mut left = amount.clone();
        match policy {
            AllocationPolicy::SoonestExpiring => {
                self.take(self.live.iter().map(|(_, id)| id), tags, &mut left, &mut out, |_| true);
            }
            AllocationPolicy::Fifo => self.take(self.fifo.iter(), tags, &mut left, &mut out, |_| true),
            AllocationPolicy::Lifo => self.take(self.fifo.iter_rev(), tags, &mut left, &mut out, |_| true),
            AllocationPolicy::CategoryOrder { order } => {
                // Each listed category in turn, soonest-expiring first, through its own index; then every other
                // category merged in (expiry, lot id) order.
                let listed = self.take_listed(order, tags, &mut left, &mut out);
                self.take_unlisted(&listed, tags, &mut left, &mut out);
            }
            AllocationPolicy::CategoryLast { last } => {
                // Every category not listed, merged in (expiry, lot id) order; then each listed one in turn.
                let mut listed = BTreeSet::new();
                listed.extend(last.iter().copied());
                self.take_unlisted(&listed, tags, &mut left, &mut out);
                self.take_listed(last, tags, &mut left, &mut out);
            }
            AllocationPolicy::Explicit { lots } => {
                if let Some(&lot) = lots.iter().find(|id| !self.lots.contains_key(id)) {
                    return Err(LedgerError::LotNotFound { lot });
                }
                let mut seen = BTreeSet::new();
                let unique = lots.iter().filter(|id| seen.insert(**id));
                self.take(unique, tags, &mut left, &mut out, |lot| !lot.pending);
            }
        }
        if left.is_above_zero() {
            let available = self.eligible(policy, tags);
            return Err(LedgerError::InsufficientBalance { requested: amount.clone(), available });
        }
        Ok(out)
    }

    /// Takes from each listed category in turn (soonest-expiring within each, a category listed twice once) and
    /// returns the set of listed categories.
    fn take_listed(
        &self,
        categories: &[Category],
        tags: &[Tag],
        left: &mut U,
        out: &mut Vec<Allocation<U>>,
    ) -> BTreeSet<Category> {
        let mut seen = BTreeSet::new();
        for category in categories.iter().filter(|c| seen.insert(**c)) {
            if let Some(set) = self.by_category.get(category) {
                self.take(set.iter().map(|(_, id)| id), tags, left, out, |_| true);
            }
        }
        seen
    }

    /// Takes from every lot of a category not in `listed`, merged in (expiry, lot id) order: through the one
    /// category's own index when only one is left, else through `live`, skipping the listed categories.
    fn take_unlisted(&self, listed: &BTreeSet<Category>, tags: &[Tag], left: &mut U, out: &mut Vec<Allocation<U>>) {
        let rest: Vec<_> = self.by_category.iter().filter(|(c, _)| !listed.contains(*c)).map(|(_, s)| s).collect();
        match rest.as_slice() {
            [] => {}
            [only] => self.take(only.iter().map(|(_, id)| id), tags, left, out, |_| true),
            _ => {
                let ids = self.live.iter().map(|(_, id)| id);
                self.take(ids, tags, left, out, |lot| !listed.contains(&lot.category));
            }
        }
    }

    fn take<'a>(
        &self,
        ids: impl Iterator<Item = &'a LotId>,
        tags: &[Tag],
        left: &mut U,
        out: &mut Vec<Allocation<U>>,
        keep: impl Fn(&Lot<U>) -> bool,
    ) {
        for id in ids {
            if !left.is_above_zero() {
                return;
            }
            let Some(lot) = self.lots.get(id) else { continue };
            if !lot.free.is_above_zero() || !keep(lot) || !lot.pays_for(tags) {
                continue;
            }
            let amount = smaller(&lot.free, left);
            *left = minus(left, &amount);
            out.push(Allocation { lot: *id, amount });
        }
    }

    /// The available amount a debit under `policy` for `tags` could use.
    pub fn eligible(&self, policy: &AllocationPolicy, tags: &[Tag]) -> U {
        let explicit = match policy {
            AllocationPolicy::Explicit { lots } => Some(lots),
            _ => None,
        };
        self.fifo
            .iter()
            .filter(|id| explicit.is_none_or(|lots| lots.contains(id)))
            .filter_map(|id| self.lots.get(id))
            .filter(|lot| lot.pays_for(tags))
            .fold(self.zero.clone(), |acc, lot| plus(&acc, &lot.free))
    }

    /// A hold of `amount` under `policy`: the lots it would reserve.
    ///
    /// # Errors
    ///
    /// [`LedgerError::HoldExists`], then as [`plan_debit`](Self::plan_debit), and
    /// [`LedgerError::ExpiryTooEarly`] when `expires_at` is not after `at`.
    #[allow(clippy::too_many_arguments)]
    pub fn plan_hold(
        &self,
        hold: HoldId,
        amount: &U,
        policy: &AllocationPolicy,
        tags: &[Tag],
        expires_at: Option<DateTime<Utc>>,
        order: Option<crate::id::OrderId>,
        at: DateTime<Utc>,
    ) -> Result<HoldPlacement<U>, LedgerError<U>> {
        if self.holds.contains_key(&hold) {
            return Err(LedgerError::HoldExists { hold });
        }
        if let Some(expires_at) = expires_at
            && expires_at <= at
        {
            return Err(LedgerError::ExpiryTooEarly { expires_at, not_before: at });
        }
        let allocations = self.plan_debit(amount, policy, tags)?;
        Ok(HoldPlacement { hold, amount: amount.clone(), allocations, expires_at, order })
    }

    fn open_hold(&self, hold: HoldId) -> Result<&Hold<U>, LedgerError<U>> {
        let h = self.holds.get(&hold).ok_or(LedgerError::HoldNotFound { hold })?;
        if h.status != HoldStatus::Open {
            return Err(LedgerError::HoldClosed { hold, status: h.status });
        }
        Ok(h)
    }

    /// A capture of `amount` from an open hold, taken from its lots in order; with `final_capture`, the rest is
    /// released. Returns `(captured, released)`.
    ///
    /// # Errors
    ///
    /// [`LedgerError::HoldNotFound`], [`LedgerError::HoldClosed`], [`LedgerError::UnitMismatch`],
    /// [`LedgerError::NonPositiveAmount`], [`LedgerError::CaptureExceedsHold`].
    #[allow(clippy::type_complexity)]
    pub fn plan_capture(
        &self,
        hold: HoldId,
        amount: &U,
        final_capture: bool,
    ) -> Result<(Vec<Allocation<U>>, Vec<Allocation<U>>), LedgerError<U>> {
        let h = self.open_hold(hold)?;
        self.check_unit(amount)?;
        let held = h.held_total();
        if amount.cmp_amount(&held) == Ordering::Greater {
            return Err(LedgerError::CaptureExceedsHold { hold, requested: amount.clone(), held });
        }
        let mut left = amount.clone();
        let mut captured = Vec::new();
        let mut released = Vec::new();
        for a in &h.held {
            let take = smaller(&a.amount, &left);
            left = minus(&left, &take);
            let rest = minus(&a.amount, &take);
            if take.is_above_zero() {
                captured.push(Allocation { lot: a.lot, amount: take });
            }
            if final_capture && rest.is_above_zero() {
                released.push(Allocation { lot: a.lot, amount: rest });
            }
        }
        Ok((captured, released))
    }

    /// Releasing an open hold: what it still reserves, per lot.
    ///
    /// # Errors
    ///
    /// [`LedgerError::HoldNotFound`], [`LedgerError::HoldClosed`].
    pub fn plan_release(&self, hold: HoldId) -> Result<Vec<Allocation<U>>, LedgerError<U>> {
        let h = self.open_hold(hold)?;
        Ok(h.held.iter().filter(|a| a.amount.is_above_zero()).cloned().collect())
    }

    /// A clawback of up to `amount`: first from the free part of `first` (pending or active), then, when
    /// `beyond_first`, from other available lots soonest-expiring first. Returns the allocations and the shortfall.
    ///
    /// # Errors
    ///
    /// [`LedgerError::UnitMismatch`], [`LedgerError::NonPositiveAmount`].
    pub fn plan_clawback(
        &self,
        amount: &U,
        first: Option<LotId>,
        beyond_first: bool,
    ) -> Result<(Vec<Allocation<U>>, U), LedgerError<U>> {
        self.check_unit(amount)?;
        let mut left = amount.clone();
        let mut out = Vec::new();
        if let Some(lot) = first.and_then(|id| self.lots.get(&id))
            && lot.free.is_above_zero()
        {
            let take = smaller(&lot.free, &left);
            left = minus(&left, &take);
            out.push(Allocation { lot: lot.id, amount: take });
        }
        if beyond_first {
            let ids = self.live.iter().map(|(_, id)| id).filter(|id| Some(**id) != first);
            self.take(ids, &[], &mut left, &mut out, |_| true);
        }
        Ok((out, left))
    }

    /// Allocations repaying as much outstanding debt as the available lots allow (soonest-expiring first).
    pub fn plan_debt_repayment(&self) -> Vec<Allocation<U>> {
        let mut out = Vec::new();
        if self.can_repay_debt() {
            let mut left = self.totals.debt.clone();
            // Repayment is not a purchase: restricted lots repay too.
            self.take_any(&mut left, &mut out);
        }
        out
    }

    fn take_any(&self, left: &mut U, out: &mut Vec<Allocation<U>>) {
        for (_, id) in self.live.iter() {
            if !left.is_above_zero() {
                return;
            }
            let Some(lot) = self.lots.get(id) else { continue };
            let amount = smaller(&lot.free, left);
            if amount.is_above_zero() {
                *left = minus(left, &amount);
                out.push(Allocation { lot: *id, amount });
            }
        }
    }

    /// Processes everything due up to `as_of`, in chronological order (activations, then hold deadlines, then
    /// expiries at the same instant), repaying debt from what becomes available; applies each fact and hands it to
    /// `sink`. Settling at any instant after a deadline gives the same facts as settling exactly at it.
    pub fn settle(&mut self, as_of: DateTime<Utc>, sink: &mut impl FnMut(SettleFact<U>)) {
        self.repay(sink);
        loop {
            let activation = self.pending.first().copied().filter(|&(at, _)| at <= as_of);
            let hold = self.hold_deadlines.first().copied().filter(|&(at, _)| at <= as_of);
            let expiry = self.live.first().copied().filter(|&(at, _)| at <= as_of && at != DateTime::<Utc>::MAX_UTC);
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
    /// [`AllocationPolicy::SoonestExpiring`] consumes them. Walking the first few is `O(log n)` each (the wallet's
    /// e-receipt reads the next expiry after a debit this way, without walking every lot).
    pub fn spendable_by_expiry(&self) -> impl Iterator<Item = &Lot<U>> {
        self.live.iter().filter_map(|(_, id)| self.lots.get(id))
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::ledger::{Category, Origin};
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
        assert_eq!(
            l.plan_debit(&p(0), &AllocationPolicy::Fifo, &[]),
            Err(LedgerError::NonPositiveAmount { amount: p(0) })
        );
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
        assert!(
            broken(&|l| l.lots.get_mut(&one).unwrap().id = LotId::new(7, 0)).starts_with("lot keyed 1.0 has id 7.0")
        );
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
            broken(&|l| l.lots.get_mut(&one).unwrap().credited = p(11))
                .starts_with("lot 1.0: credited 11 != remaining 5")
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
}
