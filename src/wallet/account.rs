//! The stored-value account: an event-sourced aggregate on the lot engine.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::command::WalletCommand;
use super::error::WalletError;
use super::event::{BONUS, PRINCIPAL, Receipt, ReceiptLine, WalletEvent};
use super::program::StoredValueProgram;
use crate::id::{AccountId, OrderId, PaymentRef};
use crate::ledger::{
    Allocation, AllocationPolicy, Category, Credit, Explanation, HoldPlacement, HoldStatus, InvariantViolation, Ledger,
    LotId, Origin, UpcomingExpiry,
};
use crate::money::{Currency, Money};
use crate::stream::{Aggregate, Command, Commit, Decision, StreamState};

/// What a top-up credited and what became of it, kept for refunds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopUpRecord {
    /// The principal lot.
    pub principal_lot: LotId,
    /// The principal credited.
    pub principal: Money,
    /// The bonus lot.
    pub bonus_lot: Option<LotId>,
    /// The bonus credited.
    pub bonus: Money,
    /// Principal refunded so far.
    pub refunded: Money,
    /// Bonus due for forfeit so far (forfeited or unrecovered).
    pub bonus_forfeit_due: Money,
}

/// A customer's stored-value account (prepaid balance, gift card or store credit) in one currency.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use customer_care::wallet::{Bonus, BonusTier, StoredValueAccount, StoredValueProgram, StoredValueSpec, WalletCommand};
/// use customer_care::{AccountId, Command, CommandId, Currency, Decision, Money, OrderId, PaymentRef};
///
/// let vnd = |n| Money::from_minor(n, Currency::VND);
/// let mut spec = StoredValueSpec::new(chrono_tz::Asia::Ho_Chi_Minh, Currency::VND);
/// spec.bonus_tiers.push(BonusTier { min_top_up: vnd(500_000), bonus: Bonus::Fixed { amount: vnd(50_000) }, restricted_to: vec![] });
/// let program = StoredValueProgram::new(spec)?;
/// let mut account = StoredValueAccount::new(AccountId::from_u128(1)?, Currency::VND);
/// let at = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).single().ok_or("no such instant")?;
///
/// let top_up = Command::new(CommandId::from_u128(1)?, at, WalletCommand::TopUp {
///     payment: PaymentRef::new("MOMO-1")?, amount: vnd(500_000),
/// });
/// let Decision::Accepted(commit) = account.decide(&program, &top_up)? else { return Err("answered as a duplicate".into()) };
/// account.apply(&commit); // after persisting it
///
/// let spend = Command::new(CommandId::from_u128(2)?, at, WalletCommand::Spend {
///     order: OrderId::new("HD-1")?, amount: vnd(80_000), tags: vec![],
/// });
/// let Decision::Accepted(commit) = account.decide(&program, &spend)? else { return Err("answered as a duplicate".into()) };
/// account.apply(&commit);
/// let receipt = commit.events.iter().find_map(|e| e.receipt()).ok_or("no receipt")?;
/// assert_eq!(receipt.from_bonus, vnd(50_000));
/// assert_eq!(receipt.money_available, vnd(470_000));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Serialized without its derived bonus balance; deserializing recomputes it and runs
/// [`check_invariants`](Self::check_invariants) (the ledger's too), so a snapshot that does not add up is rejected.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "AccountRepr", into = "AccountRepr")]
pub struct StoredValueAccount {
    id: AccountId,
    currency: Currency,
    stream: StreamState<WalletCommand>,
    ledger: Ledger<Money>,
    /// Available bonus (the rest of the available balance is principal), kept so receipts are `O(log n)`.
    bonus_available: Money,
    top_ups: BTreeMap<PaymentRef, TopUpRecord>,
    issued: BTreeMap<PaymentRef, LotId>,
    /// What each order spent, net of refunds, in spend order.
    spends: BTreeMap<OrderId, Vec<Allocation<Money>>>,
    closed: bool,
}

/// Zero without a sign: `x + (−0)` can leave a negative zero, which would print and serialize as `-0`.
fn canonical(m: Money) -> Money {
    if m.is_zero() { Money::zero(m.currency()) } else { m }
}

#[derive(Serialize, Deserialize)]
struct AccountRepr {
    id: AccountId,
    currency: Currency,
    stream: StreamState<WalletCommand>,
    ledger: Ledger<Money>,
    top_ups: BTreeMap<PaymentRef, TopUpRecord>,
    issued: BTreeMap<PaymentRef, LotId>,
    spends: BTreeMap<OrderId, Vec<Allocation<Money>>>,
    closed: bool,
}

impl From<StoredValueAccount> for AccountRepr {
    fn from(a: StoredValueAccount) -> Self {
        Self {
            id: a.id,
            currency: a.currency,
            stream: a.stream,
            ledger: a.ledger,
            top_ups: a.top_ups,
            issued: a.issued,
            spends: a.spends,
            closed: a.closed,
        }
    }
}

impl TryFrom<AccountRepr> for StoredValueAccount {
    type Error = InvariantViolation;
    fn try_from(r: AccountRepr) -> Result<Self, InvariantViolation> {
        let bonus_available = r
            .ledger
            .lots()
            .filter(|l| l.category() == BONUS && !l.is_pending())
            .fold(Money::zero(r.currency), |acc, l| add(acc, *l.remaining()));
        let account = Self {
            id: r.id,
            currency: r.currency,
            stream: r.stream,
            ledger: r.ledger,
            bonus_available,
            top_ups: r.top_ups,
            issued: r.issued,
            spends: r.spends,
            closed: r.closed,
        };
        account.check_invariants()?;
        Ok(account)
    }
}

fn add(a: Money, b: Money) -> Money {
    canonical(a.checked_add(b).unwrap_or(a))
}

fn sub(a: Money, b: Money) -> Money {
    canonical(a.checked_sub(b).unwrap_or(a))
}

fn total(zero: Money, allocations: &[Allocation<Money>]) -> Money {
    allocations.iter().fold(zero, |acc, a| add(acc, a.amount))
}

fn min(a: Money, b: Money) -> Money {
    if a.amount() <= b.amount() { a } else { b }
}

/// Appends allocations, merging with the last entry when it is the same lot.
fn extend_merged(list: &mut Vec<Allocation<Money>>, more: &[Allocation<Money>]) {
    for a in more {
        match list.last_mut() {
            Some(last) if last.lot == a.lot => last.amount = add(last.amount, a.amount),
            _ => list.push(a.clone()),
        }
    }
}

impl StoredValueAccount {
    /// A new, empty, open account in `currency`.
    pub fn new(id: AccountId, currency: Currency) -> Self {
        let zero = Money::zero(currency);
        Self {
            id,
            currency,
            stream: StreamState::new(),
            ledger: Ledger::new(zero),
            bonus_available: zero,
            top_ups: BTreeMap::new(),
            issued: BTreeMap::new(),
            spends: BTreeMap::new(),
            closed: false,
        }
    }

    /// The account id.
    pub const fn id(&self) -> AccountId {
        self.id
    }

    /// The account's currency.
    pub const fn currency(&self) -> Currency {
        self.currency
    }

    /// The version of the last applied commit: the optimistic-concurrency token.
    pub const fn version(&self) -> u64 {
        self.stream.version()
    }

    /// The decision time of the last applied commit.
    pub const fn last_issued_at(&self) -> Option<DateTime<Utc>> {
        self.stream.last_issued_at()
    }

    /// Whether the account is closed.
    pub const fn is_closed(&self) -> bool {
        self.closed
    }

    /// Everything spendable now (as of the last applied commit).
    pub fn money_available(&self) -> Money {
        *self.ledger.available()
    }

    /// Principal spendable now.
    pub fn principal_available(&self) -> Money {
        sub(*self.ledger.available(), self.bonus_available)
    }

    /// Bonus spendable now.
    pub const fn bonus_available(&self) -> Money {
        self.bonus_available
    }

    /// Value reserved by open holds.
    pub fn money_held(&self) -> Money {
        *self.ledger.held()
    }

    /// The lot ledger.
    pub const fn ledger(&self) -> &Ledger<Money> {
        &self.ledger
    }

    /// A top-up by payment reference.
    pub fn top_up(&self, payment: &PaymentRef) -> Option<&TopUpRecord> {
        self.top_ups.get(payment)
    }

    /// What an order spent, net of refunds, per lot.
    pub fn spent_on(&self, order: &OrderId) -> &[Allocation<Money>] {
        self.spends.get(order).map_or(&[], Vec::as_slice)
    }

    /// When the host should wake and submit [`WalletCommand::ProcessDue`]: the next lot expiry or hold deadline.
    pub fn next_deadline(&self) -> Option<DateTime<Utc>> {
        self.ledger.next_deadline()
    }

    /// Lots, holds and upcoming expiries: "where did my balance go?".
    pub fn explain(&self) -> Explanation<Money> {
        self.ledger.explain(5)
    }

    /// Checks the ledger's conservation law and consistency (in money: available + held = credited − debited −
    /// expired − refunded, to the unit), that the bonus balance equals the bonus lots' sum, and that spend records
    /// are positive.
    ///
    /// # Errors
    ///
    /// [`InvariantViolation`] describing the first mismatch.
    pub fn check_invariants(&self) -> Result<(), InvariantViolation> {
        self.ledger.check_invariants()?;
        let zero = Money::zero(self.currency);
        if self.ledger.zero().currency() != self.currency {
            return Err(InvariantViolation {
                what: format!("ledger counts {}, account is in {}", self.ledger.zero().currency(), self.currency),
            });
        }
        for (payment, r) in &self.top_ups {
            let lot = self.ledger.lot(r.principal_lot);
            if lot.is_none_or(|l| *l.credited() != r.principal || l.category() != PRINCIPAL)
                || r.refunded.amount() > r.principal.amount()
                || r.bonus_forfeit_due.amount() > r.bonus.amount()
            {
                return Err(InvariantViolation { what: format!("top-up {payment} does not match its lots") });
            }
        }
        let bonus = self
            .ledger
            .lots()
            .filter(|l| l.category() == BONUS && !l.is_pending())
            .fold(zero, |acc, l| add(acc, *l.remaining()));
        if bonus != self.bonus_available {
            return Err(InvariantViolation {
                what: format!("bonus lots hold {bonus}, account says {}", self.bonus_available),
            });
        }
        let t = self.ledger.totals();
        let outstanding = add(add(t.available, t.pending), t.held);
        let expected = sub(sub(sub(t.credited, t.debited), t.expired), t.clawed_back);
        if outstanding != expected {
            return Err(InvariantViolation {
                what: format!("buckets hold {outstanding}, credited − debited − expired − refunded is {expected}"),
            });
        }
        for (order, list) in &self.spends {
            if list.iter().any(|a| !a.amount.is_positive()) {
                return Err(InvariantViolation { what: format!("spend record of {order} has a non-positive part") });
            }
        }
        if self.closed && !self.ledger.totals().liability().is_zero() {
            return Err(InvariantViolation { what: "closed account still holds value".to_owned() });
        }
        Ok(())
    }

    /// Rebuilds an account from `initial` (new or a snapshot) and the commits after it.
    ///
    /// # Errors
    ///
    /// [`WalletError::Stream`] with [`StreamError::VersionGap`](crate::StreamError::VersionGap) when a commit does
    /// not follow the one before. Equal to applying every commit in turn, but copies command bodies only for
    /// the last [`IDEMPOTENCY_WINDOW`](crate::stream::IDEMPOTENCY_WINDOW) commits.
    pub fn replay<'a>(
        initial: Self,
        commits: impl IntoIterator<Item = &'a Commit<WalletCommand, WalletEvent>>,
    ) -> Result<Self, WalletError> {
        let mut state = initial;
        crate::stream::replay_remembering_last(
            &mut state,
            commits,
            |a: &mut Self| &mut a.stream,
            |a: &mut Self, commit| a.apply_events(commit),
        )?;
        Ok(state)
    }

    /// Decides a command as of its `issued_at`. Pure.
    ///
    /// Everything due by then (lot expiries, hold deadlines) is processed first and recorded as events of the same
    /// commit, so a lazily processed account equals a swept one. Every accepted debit carries a [`Receipt`].
    ///
    /// # Errors
    ///
    /// The [`WalletError`] each [`WalletCommand`] variant names; [`WalletError::CurrencyMismatch`] when the
    /// program is in another currency; [`WalletError::Stream`] for a reused id with another body or a back-dated
    /// command.
    pub fn decide(
        &self,
        program: &StoredValueProgram,
        command: &Command<WalletCommand>,
    ) -> Result<Decision<WalletCommand, WalletEvent>, WalletError> {
        if let Some(version) = self.stream.check(command)? {
            return Ok(Decision::Duplicate { version });
        }
        if self.closed {
            return Err(WalletError::AccountClosed { account: self.id });
        }
        if program.currency() != self.currency {
            return Err(WalletError::CurrencyMismatch { expected: self.currency, found: program.currency() });
        }
        let at = command.issued_at;
        let version = self.stream.version().saturating_add(1);
        let mut events = Vec::new();
        let swept;
        let state = if self.ledger.needs_settle(at) {
            let mut scratch = self.clone();
            scratch.settle(at, &mut events);
            swept = scratch;
            &swept
        } else {
            self
        };
        let first_body = events.len();
        if matches!(command.body, WalletCommand::ProcessDue) && events.is_empty() {
            return Err(WalletError::NothingDue { as_of: at, next_deadline: self.next_deadline() });
        }
        state.decide_body(program, &command.body, at, version, &mut events)?;
        // Released or restored value of lots already past expiry expires at once, in the same commit.
        let releases = matches!(
            command.body,
            WalletCommand::ReleaseHold { .. } | WalletCommand::CaptureHold { final_capture: true, .. }
        );
        if releases {
            let mut scratch = state.clone();
            for event in events.get(first_body..).unwrap_or_default() {
                scratch.apply_event(event, at);
            }
            scratch.settle(at, &mut events);
        }
        Ok(Decision::Accepted(self.stream.commit(command, events)))
    }

    /// Settles the ledger and tracks the bonus balance of what settled.
    fn settle(&mut self, at: DateTime<Utc>, events: &mut Vec<WalletEvent>) {
        let mut facts = Vec::new();
        self.ledger.settle(at, &mut |f| facts.push(WalletEvent::from_settle(f)));
        for event in facts {
            self.bonus_available = add(self.bonus_available, self.bonus_delta(&event));
            events.push(event);
        }
    }

    /// The program's spend order, or plain soonest-expiring when one bucket is empty (the same allocation: both
    /// orders are soonest-expiring within a bucket, and the engine's category policies may skip over the other
    /// bucket's lots, while soonest-expiring walks only what it takes).
    fn policy<'p>(&self, program: &'p StoredValueProgram) -> &'p AllocationPolicy {
        let available = self.ledger.available();
        if self.bonus_available.is_zero() || self.bonus_available == *available {
            program.soonest_expiring()
        } else {
            program.allocation()
        }
    }

    fn check_amount(&self, amount: Money) -> Result<(), WalletError> {
        if amount.currency() != self.currency {
            return Err(WalletError::CurrencyMismatch { expected: self.currency, found: amount.currency() });
        }
        if !amount.is_positive() {
            return Err(WalletError::NonPositiveAmount { amount });
        }
        Ok(())
    }

    fn check_cap(&self, program: &StoredValueProgram, credit: Money) -> Result<(), WalletError> {
        if let Some(cap) = program.spec().max_balance {
            let balance = self.ledger.totals().liability();
            let after = balance.checked_add(credit)?;
            if after.amount() > cap.amount() {
                return Err(WalletError::BalanceCapExceeded { balance, credit, cap });
            }
        }
        Ok(())
    }

    fn check_reference(&self, reference: &PaymentRef) -> Result<(), WalletError> {
        if self.top_ups.contains_key(reference) || self.issued.contains_key(reference) {
            return Err(WalletError::ReferenceAlreadyUsed { reference: reference.clone() });
        }
        Ok(())
    }

    fn category_of(&self, lot: LotId) -> Category {
        self.ledger.lot(lot).map_or(PRINCIPAL, |l| l.category())
    }

    fn bonus_part(&self, allocations: &[Allocation<Money>]) -> Money {
        allocations
            .iter()
            .filter(|a| self.category_of(a.lot) == BONUS)
            .fold(Money::zero(self.currency), |acc, a| add(acc, a.amount))
    }

    /// How an event changes the available bonus (signed).
    fn bonus_delta(&self, event: &WalletEvent) -> Money {
        let zero = Money::zero(self.currency);
        let bonus_lot = |lot: &LotId| self.category_of(*lot) == BONUS;
        match event {
            WalletEvent::ToppedUp { bonus, .. } => bonus.as_ref().map_or(zero, |c| c.amount),
            WalletEvent::ValueIssued { .. } => zero,
            // The receipt already split the spend by bucket.
            WalletEvent::Spent { receipt, .. } => receipt.from_bonus.negated(),
            WalletEvent::DebtRepaid { allocations }
            | WalletEvent::HoldPlaced { placement: HoldPlacement { allocations, .. } } => {
                self.bonus_part(allocations).negated()
            }
            WalletEvent::HoldCaptured { released, .. }
            | WalletEvent::HoldReleased { released, .. }
            | WalletEvent::HoldExpired { released, .. } => self.bonus_part(released),
            WalletEvent::LotActivated { lot, amount } => {
                if bonus_lot(lot) {
                    *amount
                } else {
                    zero
                }
            }
            WalletEvent::LotExpired { lot, amount } => {
                if bonus_lot(lot) {
                    amount.negated()
                } else {
                    zero
                }
            }
            WalletEvent::SpendRefunded { restored, .. } => self.bonus_part(restored),
            WalletEvent::TopUpRefunded { principal, bonus_forfeited, .. }
            | WalletEvent::AccountClosed { paid_out: principal, bonus_forfeited, .. } => {
                add(self.bonus_part(principal), self.bonus_part(bonus_forfeited)).negated()
            }
        }
    }

    fn decide_body(
        &self,
        program: &StoredValueProgram,
        body: &WalletCommand,
        at: DateTime<Utc>,
        version: u64,
        events: &mut Vec<WalletEvent>,
    ) -> Result<(), WalletError> {
        match body {
            WalletCommand::TopUp { payment, amount } => {
                program.check_top_up(*amount)?;
                self.check_reference(payment)?;
                let origin = Origin::default();
                let principal = Credit {
                    lot: LotId::new(version, 0),
                    amount: *amount,
                    category: PRINCIPAL,
                    origin: origin.clone(),
                    restricted_to: Vec::new(),
                    activates_at: None,
                    expires_at: None,
                };
                self.ledger.validate_credit(&principal, at)?;
                let bonus = program.bonus_for(*amount)?.map(|(bonus, tags)| Credit {
                    lot: LotId::new(version, 1),
                    amount: bonus,
                    category: BONUS,
                    origin,
                    restricted_to: tags.to_vec(),
                    activates_at: None,
                    expires_at: program.bonus_expiry_for(at),
                });
                // Principal and bonus together: each may fit the credited total while both do not.
                let credited = match &bonus {
                    Some(b) => {
                        self.ledger.validate_credits(&[principal.clone(), b.clone()], at)?;
                        amount.checked_add(b.amount)?
                    }
                    None => *amount,
                };
                self.check_cap(program, credited)?;
                events.push(WalletEvent::ToppedUp { payment: payment.clone(), principal, bonus });
            }
            WalletCommand::IssueValue { kind, reference, amount, restricted_to, expires_at } => {
                self.check_amount(*amount)?;
                self.check_reference(reference)?;
                let credit = Credit {
                    lot: LotId::new(version, 0),
                    amount: *amount,
                    category: kind.category(),
                    origin: Origin::default(),
                    restricted_to: restricted_to.clone(),
                    activates_at: None,
                    expires_at: *expires_at,
                };
                self.ledger.validate_credit(&credit, at)?;
                self.check_cap(program, *amount)?;
                events.push(WalletEvent::ValueIssued { kind: *kind, reference: reference.clone(), credit });
            }
            WalletCommand::Spend { order, amount, tags } => {
                self.check_amount(*amount)?;
                let allocations = self.ledger.plan_debit(amount, self.policy(program), tags)?;
                let receipt = self.receipt(order, at, &allocations, &[], false);
                events.push(WalletEvent::Spent { order: order.clone(), allocations, receipt });
            }
            WalletCommand::PlaceHold { hold, order, amount, tags, expires_at } => {
                self.check_amount(*amount)?;
                let placement = self.ledger.plan_hold(
                    *hold,
                    amount,
                    self.policy(program),
                    tags,
                    *expires_at,
                    Some(order.clone()),
                    at,
                )?;
                events.push(WalletEvent::HoldPlaced { placement });
            }
            WalletCommand::CaptureHold { hold, amount, final_capture } => {
                if amount.currency() != self.currency {
                    return Err(WalletError::CurrencyMismatch { expected: self.currency, found: amount.currency() });
                }
                let (captured, released) = self.ledger.plan_capture(*hold, amount, *final_capture)?;
                let h = self.ledger.hold(*hold);
                let order = h.and_then(|h| h.order().cloned());
                let remaining = h.map_or_else(|| Money::zero(self.currency), |h| sub(h.held_total(), *amount));
                let closed = *final_capture || !remaining.is_positive();
                let order = order.ok_or(WalletError::HoldNotFound { hold: *hold })?;
                let receipt = self.receipt(&order, at, &captured, &released, true);
                events.push(WalletEvent::HoldCaptured { hold: *hold, captured, released, closed, receipt });
            }
            WalletCommand::ReleaseHold { hold } => {
                let released = self.ledger.plan_release(*hold)?;
                events.push(WalletEvent::HoldReleased { hold: *hold, released });
            }
            WalletCommand::RefundSpend { order, amount } => {
                events.push(self.decide_refund_spend(order, *amount, at)?);
            }
            WalletCommand::RefundTopUp { payment, amount } => {
                events.push(self.decide_refund_top_up(program, payment, *amount)?);
            }
            WalletCommand::ProcessDue => {}
            WalletCommand::Close => {
                let open = self.ledger.open_holds().count();
                if open > 0 {
                    return Err(WalletError::HoldsOpen { open });
                }
                let (mut paid_out, mut bonus_forfeited) = (Vec::new(), Vec::new());
                for lot in self.ledger.lots().filter(|l| l.remaining().is_positive()) {
                    let part = Allocation { lot: lot.id(), amount: *lot.remaining() };
                    if lot.category() == BONUS { bonus_forfeited.push(part) } else { paid_out.push(part) }
                }
                let payout = total(Money::zero(self.currency), &paid_out);
                events.push(WalletEvent::AccountClosed { payout, paid_out, bonus_forfeited });
            }
        }
        Ok(())
    }

    /// The receipt of a debit taking `debited` and releasing `released` from the current state.
    fn receipt(
        &self,
        order: &OrderId,
        at: DateTime<Utc>,
        debited: &[Allocation<Money>],
        released: &[Allocation<Money>],
        from_hold: bool,
    ) -> Receipt {
        let zero = Money::zero(self.currency);
        let mut lines = Vec::with_capacity(debited.len());
        let (mut from_principal, mut from_bonus) = (zero, zero);
        for a in debited {
            let category = self.category_of(a.lot);
            if category == BONUS {
                from_bonus = add(from_bonus, a.amount);
            } else {
                from_principal = add(from_principal, a.amount);
            }
            lines.push(ReceiptLine { lot: a.lot, category, amount: a.amount });
        }
        let amount = add(from_principal, from_bonus);
        // Value released into a lot already past its expiry expires in the same commit: it is not a balance.
        let released: Vec<Allocation<Money>> = released
            .iter()
            .filter(|a| self.ledger.lot(a.lot).is_some_and(|l| l.expires_at().is_none_or(|e| e > at)))
            .cloned()
            .collect();
        let released = released.as_slice();
        // A spend takes from available; a capture takes from held, and a final capture releases into available.
        let (spent_now, released_now) = if from_hold { (zero, total(zero, released)) } else { (amount, zero) };
        let bonus_spent_now = if spent_now.is_zero() { zero } else { from_bonus };
        let bonus_available = add(sub(self.bonus_available, bonus_spent_now), self.bonus_part(released));
        let money_available = add(sub(*self.ledger.available(), spent_now), released_now);
        let minus: &[Allocation<Money>] = if spent_now.is_zero() { &[] } else { debited };
        Receipt {
            order: order.clone(),
            at,
            amount,
            from_principal,
            from_bonus,
            lines,
            principal_available: sub(money_available, bonus_available),
            bonus_available,
            money_available,
            next_expiry: self.next_expiry_after(minus, released),
        }
    }

    /// The soonest expiry of available value once `minus` is taken and `plus` released.
    fn next_expiry_after(
        &self,
        minus: &[Allocation<Money>],
        plus: &[Allocation<Money>],
    ) -> Option<UpcomingExpiry<Money>> {
        let zero = Money::zero(self.currency);
        let delta = |lot: LotId| {
            let taken = minus.iter().filter(|a| a.lot == lot).fold(zero, |acc, a| add(acc, a.amount));
            let back = plus.iter().filter(|a| a.lot == lot).fold(zero, |acc, a| add(acc, a.amount));
            (taken, back)
        };
        let mut best: Option<UpcomingExpiry<Money>> = None;
        let mut consider = |expires_at: Option<DateTime<Utc>>, amount: Money| {
            let Some(expires_at) = expires_at else { return };
            if !amount.is_positive() {
                return;
            }
            match &mut best {
                Some(b) if b.expires_at == expires_at => b.amount = add(b.amount, amount),
                Some(b) if b.expires_at < expires_at => {}
                _ => best = Some(UpcomingExpiry { expires_at, amount }),
            }
        };
        let mut first_at: Option<Option<DateTime<Utc>>> = None;
        for lot in self.ledger.spendable_by_expiry() {
            // Never-expiring lots come last: nothing after them expires.
            if lot.expires_at().is_none() || first_at.is_some_and(|f| f != lot.expires_at()) {
                break;
            }
            let (taken, back) = delta(lot.id());
            let left = add(sub(*lot.remaining(), taken), back);
            if left.is_positive() {
                first_at = Some(lot.expires_at());
                consider(lot.expires_at(), left);
            }
        }
        // Released value of lots with nothing else available.
        for a in plus {
            if let Some(lot) = self.ledger.lot(a.lot)
                && lot.remaining().is_zero()
            {
                consider(lot.expires_at(), a.amount);
            }
        }
        best
    }

    fn decide_refund_spend(
        &self,
        order: &OrderId,
        amount: Option<Money>,
        at: DateTime<Utc>,
    ) -> Result<WalletEvent, WalletError> {
        let record = self
            .spends
            .get(order)
            .filter(|r| !r.is_empty())
            .ok_or_else(|| WalletError::SpendNotFound { order: order.clone() })?;
        let outstanding = total(Money::zero(self.currency), record);
        let amount = amount.unwrap_or(outstanding);
        self.check_amount(amount)?;
        if amount.amount() > outstanding.amount() {
            return Err(WalletError::RefundExceedsSpent {
                order: order.clone(),
                requested: amount,
                spent: outstanding,
            });
        }
        let (mut restored, mut forfeited) = (Vec::new(), Vec::new());
        let mut left = amount;
        for a in record.iter().rev() {
            if !left.is_positive() {
                break;
            }
            let take = min(a.amount, left);
            left = sub(left, take);
            let part = Allocation { lot: a.lot, amount: take };
            let live = self.ledger.lot(a.lot).is_some_and(|l| l.expires_at().is_none_or(|e| e > at));
            if live { extend_merged(&mut restored, &[part]) } else { extend_merged(&mut forfeited, &[part]) }
        }
        Ok(WalletEvent::SpendRefunded { order: order.clone(), amount, restored, forfeited })
    }

    fn decide_refund_top_up(
        &self,
        program: &StoredValueProgram,
        payment: &PaymentRef,
        amount: Option<Money>,
    ) -> Result<WalletEvent, WalletError> {
        let record =
            self.top_ups.get(payment).ok_or_else(|| WalletError::TopUpNotFound { payment: payment.clone() })?;
        let zero = Money::zero(self.currency);
        let refundable = self.ledger.lot(record.principal_lot).map_or(zero, |l| *l.remaining());
        let amount = amount.unwrap_or(refundable);
        self.check_amount(amount)?;
        if amount.amount() > refundable.amount() {
            return Err(WalletError::RefundExceedsTopUp { payment: payment.clone(), requested: amount, refundable });
        }
        // Forfeit is computed on the cumulative refund, so partial refunds add up to the whole bonus exactly.
        let refunded_after = record.refunded.checked_add(amount)?;
        let overflow =
            || crate::money::MoneyError::Overflow { operation: format!("{refunded_after} / {}", record.principal) };
        let share = refunded_after.amount().checked_div(record.principal.amount()).ok_or_else(overflow)?;
        let due_after = min(record.bonus.checked_mul(share, program.spec().refund_rounding)?, record.bonus);
        let due_now = sub(due_after, record.bonus_forfeit_due);
        let mut bonus_forfeited = Vec::new();
        let mut bonus_unrecovered = due_now;
        if let Some(lot) = record.bonus_lot.and_then(|id| self.ledger.lot(id))
            && due_now.is_positive()
        {
            let take = min(*lot.remaining(), due_now);
            if take.is_positive() {
                bonus_forfeited.push(Allocation { lot: lot.id(), amount: take });
                bonus_unrecovered = sub(due_now, take);
            }
        }
        let bonus_unrecovered = if bonus_unrecovered.is_negative() { zero } else { bonus_unrecovered };
        Ok(WalletEvent::TopUpRefunded {
            payment: payment.clone(),
            payout: amount,
            principal: vec![Allocation { lot: record.principal_lot, amount }],
            bonus_forfeited,
            bonus_unrecovered,
        })
    }

    fn apply_event(&mut self, event: &WalletEvent, at: DateTime<Utc>) {
        self.bonus_available = add(self.bonus_available, self.bonus_delta(event));
        match event {
            WalletEvent::ToppedUp { payment, principal, bonus } => {
                self.ledger.apply_credit(principal, at);
                if let Some(b) = bonus {
                    self.ledger.apply_credit(b, at);
                }
                self.top_ups.insert(
                    payment.clone(),
                    TopUpRecord {
                        principal_lot: principal.lot,
                        principal: principal.amount,
                        bonus_lot: bonus.as_ref().map(|b| b.lot),
                        bonus: bonus.as_ref().map_or_else(|| Money::zero(self.currency), |b| b.amount),
                        refunded: Money::zero(self.currency),
                        bonus_forfeit_due: Money::zero(self.currency),
                    },
                );
            }
            WalletEvent::ValueIssued { reference, credit, .. } => {
                self.ledger.apply_credit(credit, at);
                self.issued.insert(reference.clone(), credit.lot);
            }
            WalletEvent::Spent { order, allocations, .. } => {
                self.ledger.apply_debit(allocations);
                extend_merged(self.spends.entry(order.clone()).or_default(), allocations);
            }
            WalletEvent::HoldPlaced { placement } => self.ledger.apply_hold(placement, at),
            WalletEvent::HoldCaptured { hold, captured, released, closed, receipt } => {
                self.ledger.apply_capture(*hold, captured, released, *closed);
                extend_merged(self.spends.entry(receipt.order.clone()).or_default(), captured);
            }
            WalletEvent::HoldReleased { hold, released } => {
                self.ledger.apply_release(*hold, released, HoldStatus::Released);
            }
            WalletEvent::HoldExpired { hold, released } => {
                self.ledger.apply_release(*hold, released, HoldStatus::Expired);
            }
            WalletEvent::LotActivated { lot, .. } => self.ledger.apply_activation(*lot),
            WalletEvent::LotExpired { lot, amount } => self.ledger.apply_expiry(*lot, amount),
            WalletEvent::DebtRepaid { allocations } => self.ledger.apply_debt_repayment(allocations),
            WalletEvent::SpendRefunded { order, restored, forfeited, .. } => {
                self.ledger.apply_restore(restored);
                self.ledger.apply_forfeit(forfeited);
                if let Some(record) = self.spends.get_mut(order) {
                    for part in restored.iter().chain(forfeited) {
                        let mut left = part.amount;
                        for slot in record.iter_mut().rev().filter(|s| s.lot == part.lot) {
                            let take = min(slot.amount, left);
                            slot.amount = sub(slot.amount, take);
                            left = sub(left, take);
                        }
                    }
                    record.retain(|a| a.amount.is_positive());
                    if record.is_empty() {
                        self.spends.remove(order);
                    }
                }
            }
            WalletEvent::TopUpRefunded { payment, payout, principal, bonus_forfeited, bonus_unrecovered } => {
                self.ledger.apply_clawback(principal);
                for a in bonus_forfeited {
                    self.ledger.apply_expiry(a.lot, &a.amount);
                }
                if let Some(r) = self.top_ups.get_mut(payment) {
                    r.refunded = add(r.refunded, *payout);
                    let forfeited = total(Money::zero(self.currency), bonus_forfeited);
                    r.bonus_forfeit_due = add(add(r.bonus_forfeit_due, forfeited), *bonus_unrecovered);
                }
            }
            WalletEvent::AccountClosed { paid_out, bonus_forfeited, .. } => {
                self.ledger.apply_clawback(paid_out);
                for a in bonus_forfeited {
                    self.ledger.apply_expiry(a.lot, &a.amount);
                }
                self.closed = true;
            }
        }
    }

    /// Applies a persisted commit. Infallible: its events were validated when decided.
    pub fn apply(&mut self, commit: &Commit<WalletCommand, WalletEvent>) {
        self.apply_events(commit);
        self.stream.record(commit);
    }

    fn apply_events(&mut self, commit: &Commit<WalletCommand, WalletEvent>) {
        let at = commit.command.issued_at;
        for event in &commit.events {
            self.apply_event(event, at);
        }
    }
}

impl Aggregate for StoredValueAccount {
    type Context = StoredValueProgram;
    type Command = WalletCommand;
    type Event = WalletEvent;
    type Error = WalletError;

    fn decide(
        &self,
        context: &StoredValueProgram,
        command: &Command<WalletCommand>,
    ) -> Result<Decision<WalletCommand, WalletEvent>, WalletError> {
        Self::decide(self, context, command)
    }

    fn apply(&mut self, commit: &Commit<WalletCommand, WalletEvent>) {
        Self::apply(self, commit);
    }

    fn version(&self) -> u64 {
        self.stream.version()
    }

    fn last_issued_at(&self) -> Option<DateTime<Utc>> {
        self.stream.last_issued_at()
    }

    fn stream_id(&self) -> uuid::Uuid {
        self.id().as_uuid()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_never_leave_a_negative_zero() {
        let zero = Money::zero(Currency::VND);
        assert_eq!(add(zero, zero.negated()).to_string(), "0 VND");
        assert_eq!(sub(Money::from_minor(5, Currency::VND), Money::from_minor(5, Currency::VND)).to_string(), "0 VND");
        assert_eq!(serde_json::to_string(&add(zero, zero.negated())).unwrap(), r#"{"amount":"0","currency":"VND"}"#);
    }

    #[test]
    fn merged_allocations() {
        let a = |v, n| Allocation { lot: LotId::new(v, 0), amount: Money::from_minor(n, Currency::VND) };
        let mut list = vec![a(1, 5)];
        extend_merged(&mut list, &[a(1, 2), a(2, 1), a(2, 1), a(1, 1)]);
        assert_eq!(list, [a(1, 7), a(2, 2), a(1, 1)]);
    }
}
