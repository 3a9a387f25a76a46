//! The points account: an event-sourced aggregate on the lot engine.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::command::PointsCommand;
use super::error::LoyaltyError;
use super::event::{LinePoints, PointsEvent, TierReason};
use super::few::Few;
use super::orders::{OrderIndex, OrderRecord};
use super::points::{Points, PointsFraction};
use super::program::LoyaltyProgram;
use super::tier::TierName;
use crate::id::{AccountId, OrderId};
use crate::ledger::{Allocation, Explanation, HoldStatus, InvariantViolation, Ledger, LineId, LotId};
use crate::money::Money;
use crate::stream::{Aggregate, Command, Commit, Decision, StreamState};

mod decide;
mod earn;
mod tiers;

/// What an order earned, kept for returns.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
struct EarnRecord {
    lot: Option<LotId>,
    lines: Few<LinePoints>,
    returned: Vec<LineId>,
}

impl OrderRecord for EarnRecord {
    /// An order earns once (a second earn is rejected), so a later record could only be a replacement.
    fn absorb(&mut self, later: Self) {
        *self = later;
    }
}

/// What a redemption of an order spent, kept for refunds (net of refunds, in spend order).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
struct RedemptionRecord {
    allocations: Few<Allocation<Points>>,
}

impl OrderRecord for RedemptionRecord {
    /// Another redemption (or capture) for the same order: its lots follow the earlier ones.
    fn absorb(&mut self, later: Self) {
        self.allocations.extend(later.allocations.iter().cloned());
    }
}

/// A customer's points account.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use customer_care::loyalty::{LoyaltyProgram, Points, PointsAccount, PointsCommand, ProgramSpec, PurchaseLine};
/// use customer_care::ledger::LineId;
/// use customer_care::{AccountId, Command, CommandId, Currency, Decision, Money, OrderId};
///
/// let eur = |cents| Money::from_minor(cents, Currency::EUR);
/// let program = LoyaltyProgram::new(ProgramSpec::new(chrono_tz::Europe::Paris, eur(100), 1).redeem(Points::new(100), eur(100)))?;
/// let mut account = PointsAccount::new(AccountId::from_u128(1)?);
/// let at = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).single().ok_or("no such instant")?;
/// let earn = Command::new(CommandId::from_u128(10)?, at, PointsCommand::EarnPoints {
///     order: OrderId::new("R-1")?,
///     lines: vec![PurchaseLine { line: LineId::new(1), amount: Money::from_minor(1250, Currency::EUR), tags: vec![] }],
/// });
/// let Decision::Accepted(commit) = account.decide(&program, &earn)? else { return Err("answered as a duplicate".into()) };
/// account.apply(&commit); // after persisting it
/// assert_eq!(account.points_available(), Points::new(12));
/// assert_eq!(account.decide(&program, &earn)?, Decision::Duplicate { version: 1 });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Serialized as its fields; deserializing runs [`check_invariants`](Self::check_invariants) (the ledger's too), so
/// a snapshot that does not add up is rejected.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "AccountRepr", into = "AccountRepr")]
pub struct PointsAccount {
    id: AccountId,
    stream: StreamState<PointsCommand>,
    ledger: Ledger<Points>,
    remainder: PointsFraction,
    earned: OrderIndex<EarnRecord>,
    redeemed: OrderIndex<RedemptionRecord>,
    period_earned: Option<(chrono::NaiveDate, Points)>,
    tier: Option<TierName>,
    upgraded_at: Option<DateTime<Utc>>,
    tier_activity: Vec<TierActivity>,
    next_tier_review_at: Option<DateTime<Utc>>,
    dormant_at: Option<DateTime<Utc>>,
}

#[derive(Serialize, Deserialize)]
struct AccountRepr {
    id: AccountId,
    stream: StreamState<PointsCommand>,
    ledger: Ledger<Points>,
    /// A decimal string in snapshots taken before exact earn, read as the same fraction.
    remainder: PointsFraction,
    earned: OrderIndex<EarnRecord>,
    redeemed: OrderIndex<RedemptionRecord>,
    /// Points earned in the current cap period: (first local day of the period, points).
    period_earned: Option<(chrono::NaiveDate, Points)>,
    #[serde(default)]
    tier: Option<TierName>,
    /// Absent in snapshots taken before it was kept (read as `None`: replay the commits to fill it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    upgraded_at: Option<DateTime<Utc>>,
    #[serde(default)]
    tier_activity: Vec<TierActivity>,
    #[serde(default)]
    next_tier_review_at: Option<DateTime<Utc>>,
    #[serde(default)]
    dormant_at: Option<DateTime<Utc>>,
}

impl From<PointsAccount> for AccountRepr {
    fn from(a: PointsAccount) -> Self {
        Self {
            id: a.id,
            stream: a.stream,
            ledger: a.ledger,
            remainder: a.remainder,
            earned: a.earned,
            redeemed: a.redeemed,
            period_earned: a.period_earned,
            tier: a.tier,
            upgraded_at: a.upgraded_at,
            tier_activity: a.tier_activity,
            next_tier_review_at: a.next_tier_review_at,
            dormant_at: a.dormant_at,
        }
    }
}

impl TryFrom<AccountRepr> for PointsAccount {
    type Error = InvariantViolation;
    fn try_from(r: AccountRepr) -> Result<Self, InvariantViolation> {
        let account = Self {
            id: r.id,
            stream: r.stream,
            ledger: r.ledger,
            remainder: r.remainder,
            earned: r.earned,
            redeemed: r.redeemed,
            period_earned: r.period_earned,
            tier: r.tier,
            upgraded_at: r.upgraded_at,
            tier_activity: r.tier_activity,
            next_tier_review_at: r.next_tier_review_at,
            dormant_at: r.dormant_at,
        };
        account.check_invariants()?;
        Ok(account)
    }
}

/// What a customer could redeem on an order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedemptionQuote {
    /// The most points redeemable: the order's maximum share, capped by the points available; zero when that is
    /// below the program's minimum.
    pub points: Points,
    /// Their value.
    pub value: Money,
    /// The points available.
    pub available: Points,
    /// The program's minimum redemption.
    pub min_points: Points,
}

/// One purchase counted toward tier qualification, less what was returned of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct TierActivity {
    at: DateTime<Utc>,
    points: Points,
    spent: Money,
    /// The order (absent in snapshots taken before returns reduced qualification).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    order: Option<OrderId>,
    /// Each line's amount, for returns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    lines: Vec<(LineId, Money)>,
}

/// Where a customer stands against the tiers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierProgress {
    /// The current tier.
    pub tier: TierName,
    /// The metric over the current window (points or major currency units).
    #[serde(with = "rust_decimal::serde::str")]
    pub metric: Decimal,
    /// The next tier up, if any.
    pub next_tier: Option<TierName>,
    /// How much more metric reaches it (0 when there is none).
    #[serde(with = "rust_decimal::serde::str")]
    pub needed_for_next: Decimal,
    /// How much more metric keeps the current tier at the next review.
    #[serde(with = "rust_decimal::serde::str")]
    pub needed_to_keep: Decimal,
    /// When the next review is due.
    pub next_review_at: Option<DateTime<Utc>>,
}

fn sub(a: Points, b: Points) -> Points {
    a.checked_sub(b).unwrap_or(a)
}

impl PointsAccount {
    /// A new, empty account.
    pub fn new(id: AccountId) -> Self {
        Self {
            id,
            stream: StreamState::new(),
            ledger: Ledger::new(Points::ZERO),
            remainder: PointsFraction::ZERO,
            earned: OrderIndex::default(),
            redeemed: OrderIndex::default(),
            period_earned: None,
            tier: None,
            upgraded_at: None,
            tier_activity: Vec::new(),
            next_tier_review_at: None,
            dormant_at: None,
        }
    }

    /// The account id.
    pub const fn id(&self) -> AccountId {
        self.id
    }

    /// The version of the last applied commit.
    pub const fn version(&self) -> u64 {
        self.stream.version()
    }

    /// Points spendable now (as of the last applied commit).
    pub fn points_available(&self) -> Points {
        *self.ledger.available()
    }

    /// Available minus debt (negative while the account owes).
    pub fn points_balance(&self) -> Points {
        self.ledger.balance()
    }

    /// Points earned, not yet active.
    pub fn points_pending(&self) -> Points {
        *self.ledger.pending()
    }

    /// Points reserved by holds.
    pub fn points_held(&self) -> Points {
        *self.ledger.held()
    }

    /// Outstanding debt.
    pub fn points_owed(&self) -> Points {
        *self.ledger.debt()
    }

    /// The fraction of a point carried to the next earn, exactly.
    pub const fn remainder(&self) -> PointsFraction {
        self.remainder
    }

    /// The lot ledger.
    pub const fn ledger(&self) -> &Ledger<Points> {
        &self.ledger
    }

    /// When the host should wake and submit [`PointsCommand::ProcessDue`]: the next activation, expiry or hold
    /// deadline.
    pub fn next_deadline(&self) -> Option<DateTime<Utc>> {
        [self.ledger.next_deadline(), self.next_tier_review_at, self.dormant_at].into_iter().flatten().min()
    }

    /// The current tier (none before the first qualifying purchase, or in a program without tiers).
    pub const fn tier(&self) -> Option<TierName> {
        self.tier
    }

    /// When the current tier was reached by an upgrade (a [`PointsEvent::TierEvaluated`] with reason
    /// [`TierReason::Upgrade`] or [`TierReason::Reevaluation`] that changed the tier); `None` when the tier was
    /// placed initially, after a downgrade at a review, or before any tier.
    pub const fn upgraded_at(&self) -> Option<DateTime<Utc>> {
        self.upgraded_at
    }

    /// Lots, holds and upcoming expiries: "where did my points go?".
    pub fn explain(&self) -> Explanation<Points> {
        self.ledger.explain(5)
    }

    /// Checks the ledger's conservation law and consistency, and that the carried remainder is in [0, 1).
    ///
    /// # Errors
    ///
    /// [`InvariantViolation`] describing the first mismatch.
    pub fn check_invariants(&self) -> Result<(), InvariantViolation> {
        self.ledger.check_invariants()?;
        if self.remainder.whole() != 0 {
            return Err(InvariantViolation { what: format!("remainder {} outside [0, 1)", self.remainder) });
        }
        Ok(())
    }

    /// Rebuilds an account from `initial` (new or a snapshot) and the commits after it.
    ///
    /// The same as [`crate::stream::replay`], faster: it copies the command bodies the idempotency window keeps
    /// only for the last [`IDEMPOTENCY_WINDOW`](crate::stream::IDEMPOTENCY_WINDOW) commits.
    ///
    /// # Errors
    ///
    /// [`LoyaltyError::Stream`] with [`StreamError::VersionGap`](crate::StreamError::VersionGap) when a commit does not follow the one before.
    pub fn replay<'a>(
        initial: Self,
        commits: impl IntoIterator<Item = &'a Commit<PointsCommand, PointsEvent>>,
    ) -> Result<Self, LoyaltyError> {
        let mut state = initial;
        crate::stream::replay_remembering_last(
            &mut state,
            commits,
            |a: &mut Self| &mut a.stream,
            |a: &mut Self, commit| a.apply_events(commit),
        )?;
        state.fold_orders();
        Ok(state)
    }

    /// What the customer could redeem on an order of `order_total` at `as_of` (expiries and activations due by
    /// then are taken into account; nothing changes).
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use customer_care::loyalty::{LoyaltyProgram, PointsAccount, ProgramSpec};
    /// use customer_care::{AccountId, Currency, Money, Points};
    ///
    /// let usd = |m| Money::from_minor(m, Currency::USD);
    /// let program = LoyaltyProgram::new(ProgramSpec::new(chrono_tz::UTC, usd(100), 1).redeem(Points::new(100), usd(100)))?;
    /// let account = PointsAccount::new(AccountId::from_u128(1)?);
    /// let quote = account.quote_redemption(&program, usd(5_000), Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().ok_or("no such instant")?)?;
    /// assert_eq!((quote.points, quote.available), (Points::ZERO, Points::ZERO));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`LoyaltyError::NoRedemptionRate`], [`LoyaltyError::Money`] on overflow.
    pub fn quote_redemption(
        &self,
        program: &LoyaltyProgram,
        order_total: Money,
        as_of: DateTime<Utc>,
    ) -> Result<RedemptionQuote, LoyaltyError> {
        let currency = order_total.currency();
        let max_points = program.max_points_for(order_total)?;
        let available = if self.ledger.needs_settle(as_of) {
            let mut ledger = self.ledger.clone();
            ledger.settle(as_of, &mut |_| {});
            *ledger.available()
        } else {
            self.points_available()
        };
        let min_points = program.spec().redemption.min_points;
        let mut points = max_points.min(available);
        if points < min_points {
            points = Points::ZERO;
        }
        Ok(RedemptionQuote { points, value: program.value_of(points, currency)?, available, min_points })
    }

    fn apply_event(&mut self, event: &PointsEvent, at: DateTime<Utc>) {
        match event {
            PointsEvent::DormancyScheduled { dormant_at } => self.dormant_at = Some(*dormant_at),
            PointsEvent::AccountDormant { .. } => self.dormant_at = None,
            PointsEvent::TierEvaluated { from, to, reason, window_start, next_review_at, .. } => {
                if *from != Some(*to) {
                    let upgrade = matches!(reason, TierReason::Upgrade | TierReason::Reevaluation) && from.is_some();
                    self.upgraded_at = upgrade.then_some(at);
                }
                self.tier = Some(*to);
                self.next_tier_review_at = *next_review_at;
                if *reason == TierReason::Review {
                    self.tier_activity.retain(|a| a.at >= *window_start);
                }
            }
            PointsEvent::PointsEarned {
                order,
                points,
                remainder,
                lines,
                credit,
                cap_period,
                counts_for_tier,
                spent,
                line_amounts,
                ..
            } => {
                if *counts_for_tier {
                    self.tier_activity.push(TierActivity {
                        at,
                        points: *points,
                        spent: *spent,
                        order: Some(order.clone()),
                        lines: lines.iter().map(|l| l.line).zip(line_amounts.iter().copied()).collect(),
                    });
                }
                if let Some(c) = credit {
                    self.ledger.apply_credit(c, at);
                }
                self.remainder = *remainder;
                self.earned.append(
                    order.clone(),
                    EarnRecord {
                        lot: credit.as_ref().map(|c| c.lot),
                        lines: Few::from(lines.as_slice()),
                        returned: Vec::new(),
                    },
                );
                if let Some(start) = cap_period {
                    self.period_earned = Some(match self.period_earned {
                        Some((s, p)) if s == *start => (s, p.checked_add(*points).unwrap_or(p)),
                        _ => (*start, *points),
                    });
                }
            }
            PointsEvent::BonusAwarded { credit, .. } => self.ledger.apply_credit(credit, at),
            PointsEvent::PointsRedeemed { order, allocations, .. } => {
                self.ledger.apply_debit(allocations);
                self.redeemed
                    .append(order.clone(), RedemptionRecord { allocations: Few::from(allocations.as_slice()) });
            }
            PointsEvent::HoldPlaced { placement } => self.ledger.apply_hold(placement, at),
            PointsEvent::HoldCaptured { hold, order, captured, released, closed } => {
                self.ledger.apply_capture(*hold, captured, released, *closed);
                if let Some(order) = order {
                    self.redeemed
                        .append(order.clone(), RedemptionRecord { allocations: Few::from(captured.as_slice()) });
                }
            }
            PointsEvent::HoldReleased { hold, released } => {
                self.ledger.apply_release(*hold, released, HoldStatus::Released);
            }
            PointsEvent::HoldExpired { hold, released } => {
                self.ledger.apply_release(*hold, released, HoldStatus::Expired);
            }
            PointsEvent::LotActivated { lot, .. } => self.ledger.apply_activation(*lot),
            PointsEvent::LotExpired { lot, points } => self.ledger.apply_expiry(*lot, points),
            PointsEvent::PointsAdjusted { credit, allocations, .. } => {
                if let Some(c) = credit {
                    self.ledger.apply_credit(c, at);
                }
                self.ledger.apply_debit(allocations);
            }
            PointsEvent::PointsClawedBack { order, lines, points, allocations, debt, spent_returned, .. } => {
                // A return takes the lines off tier qualification, if the purchase still counts (its window has
                // not been reviewed away). A downgrade still waits for the review.
                if let Some(activity) = self.tier_activity.iter_mut().find(|a| a.order.as_ref() == Some(order)) {
                    activity.points = sub(activity.points, *points).max(Points::ZERO);
                    if let Some(returned) = spent_returned
                        && let Ok(left) = activity.spent.checked_sub(*returned)
                    {
                        activity.spent = if left.is_negative() { Money::zero(left.currency()) } else { left };
                    }
                }
                self.ledger.apply_clawback(allocations);
                if debt.is_positive() {
                    self.ledger.apply_debt(debt);
                }
                if let Some(record) = self.earned.get_mut(order) {
                    record.returned.extend(lines.iter().copied());
                }
            }
            PointsEvent::DebtRepaid { allocations } => self.ledger.apply_debt_repayment(allocations),
            PointsEvent::RedemptionRefunded { order, restored, forfeited, recredited, .. } => {
                self.ledger.apply_restore(restored);
                self.ledger.apply_forfeit(forfeited);
                for r in recredited {
                    self.ledger.apply_credit(&r.credit, at);
                }
                if let Some(record) = self.redeemed.get_mut(order) {
                    let parts = restored.iter().chain(forfeited).chain(recredited.iter().map(|r| &r.from));
                    for part in parts {
                        // Refunds take from the most recent allocations of the lot first.
                        let mut left = part.amount;
                        for slot in record.allocations.iter_mut().rev().filter(|s| s.lot == part.lot) {
                            let take = slot.amount.min(left);
                            slot.amount = sub(slot.amount, take);
                            left = sub(left, take);
                        }
                    }
                    record.allocations.retain(|a| a.amount.is_positive());
                }
            }
        }
    }

    /// Applies a persisted commit. Infallible: its events were validated when decided.
    pub fn apply(&mut self, commit: &Commit<PointsCommand, PointsEvent>) {
        self.apply_events(commit);
        self.fold_orders();
        self.stream.record(commit);
    }

    /// Indexes the order records appended by applied events (once per commit, or once per replay).
    fn fold_orders(&mut self) {
        self.earned.fold();
        self.redeemed.fold();
    }

    fn apply_events(&mut self, commit: &Commit<PointsCommand, PointsEvent>) {
        let at = commit.command.issued_at;
        for event in &commit.events {
            self.apply_event(event, at);
        }
    }
}

impl Aggregate for PointsAccount {
    type Context = LoyaltyProgram;
    type Command = PointsCommand;
    type Event = PointsEvent;
    type Error = LoyaltyError;

    fn decide(
        &self,
        context: &LoyaltyProgram,
        command: &Command<PointsCommand>,
    ) -> Result<Decision<PointsCommand, PointsEvent>, LoyaltyError> {
        Self::decide(self, context, command)
    }

    fn apply(&mut self, commit: &Commit<PointsCommand, PointsEvent>) {
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
