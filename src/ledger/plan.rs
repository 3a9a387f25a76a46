//! Plans: what a credit, debit, hold, capture, release or clawback would take from which lots, decided without
//! changing the ledger. The facts that apply a plan live in the engine.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use super::engine::Ledger;
use super::error::LedgerError;
use super::types::{
    Allocation, AllocationPolicy, Category, Credit, Hold, HoldPlacement, HoldStatus, Lot, LotId, Tag, Unit, minus,
    plus, smaller,
};
use crate::id::HoldId;

impl<U: Unit> Ledger<U> {
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
}
