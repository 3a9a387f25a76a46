//! The points account: an event-sourced aggregate on the lot engine.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::command::{PointsCommand, PurchaseLine};
use super::error::LoyaltyError;
use super::event::{ADJUSTMENT, BASE, BONUS, BonusReason, LinePoints, PointsEvent, Recredit, TierReason};
use super::few::Few;
use super::orders::{OrderIndex, OrderRecord};
use super::points::{Points, PointsFraction, lcm};
use super::program::{
    CapBehaviour, ClawbackPolicy, ExpiredRefundPolicy, LoyaltyProgram, Tier, TierMetric, TierName, TierRules,
    last_review_due, period_start, review_period_end, review_window_start, window_start,
};
use crate::id::{AccountId, OrderId};
use crate::ledger::{Allocation, Credit, Explanation, HoldStatus, InvariantViolation, Ledger, LineId, LotId, Origin};
use crate::local_day::{end_of_day, local_date_or_utc};
use crate::money::{Money, Rounding};
use crate::stream::{Aggregate, Command, Commit, Decision, StreamState};

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

fn check_text(field: &str, text: &str) -> Result<(), LoyaltyError> {
    let n = text.chars().count();
    if n == 0 || n > 200 {
        return Err(LoyaltyError::InvalidText { field: field.to_owned() });
    }
    Ok(())
}

fn sum(allocations: &[Allocation<Points>]) -> Points {
    allocations.iter().fold(Points::ZERO, |acc, a| acc.checked_add(a.amount).unwrap_or(acc))
}

fn sub(a: Points, b: Points) -> Points {
    a.checked_sub(b).unwrap_or(a)
}

/// Splits `total` over `weights` by largest remainder, ties to the earlier line; zero weights get zero. `None`
/// when the weights' sum does not fit.
fn apportion(total: Points, weights: &[u128]) -> Option<Vec<Points>> {
    let sum_w = weights.iter().try_fold(0u128, |acc, w| acc.checked_add(*w))?;
    if sum_w == 0 {
        return Some(weights.iter().map(|_| Points::ZERO).collect());
    }
    let t = u128::try_from(total.get()).ok()?;
    let mut shares = Vec::with_capacity(weights.len());
    let mut fracs = Vec::with_capacity(weights.len());
    let mut given = 0u128;
    for &w in weights {
        // t × w ÷ Σw ≤ t: the quotient fits; the remainders share the denominator Σw, so they compare directly.
        let (share, frac) = crate::money::mul_div_rem(t, w, sum_w)?;
        shares.push(share);
        fracs.push(frac);
        given = given.checked_add(share)?;
    }
    let mut leftover = t.checked_sub(given)?;
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| fracs.get(b).cmp(&fracs.get(a)).then(a.cmp(&b)));
    for i in order {
        if leftover == 0 {
            break;
        }
        if let Some(s) = shares.get_mut(i) {
            *s += 1; // Σ shares ≤ t ≤ i64::MAX.
            leftover -= 1;
        }
    }
    shares.into_iter().map(|s| i64::try_from(s).ok().map(Points::new)).collect()
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

    /// Decides a command as of its `issued_at`. Pure.
    ///
    /// Everything due by then (activations, hold deadlines, expiries, debt repayment) is processed first and
    /// recorded as events of the same commit, so a lazily processed account equals a swept one.
    ///
    /// # Errors
    ///
    /// The [`LoyaltyError`] each [`PointsCommand`] variant names, and [`LoyaltyError::Stream`] for a reused id
    /// with another body or a back-dated command.
    pub fn decide(
        &self,
        program: &LoyaltyProgram,
        command: &Command<PointsCommand>,
    ) -> Result<Decision<PointsCommand, PointsEvent>, LoyaltyError> {
        if let Some(version) = self.stream.check(command)? {
            return Ok(Decision::Duplicate { version });
        }
        let at = command.issued_at;
        let version = self.stream.version().saturating_add(1);
        // Most commands record one event: room for one keeps the commit small (an event is ~280 bytes).
        let mut events = Vec::with_capacity(1);
        let swept;
        let review_due = self.next_tier_review_at.is_some_and(|r| r <= at);
        let dormant_due = self.dormant_at.filter(|d| *d <= at);
        let state = if self.ledger.needs_settle(at) || review_due || dormant_due.is_some() {
            let mut scratch = self.clone();
            scratch.review_tiers(program, at, &mut events);
            if let Some(dormant_at) = dormant_due {
                // Everything due before the deadline first, then the dormancy, then the rest: as if swept on time.
                scratch.ledger.settle(dormant_at, &mut |f| events.push(PointsEvent::from_settle(f)));
                let lots: Vec<_> = scratch
                    .ledger
                    .lots()
                    .filter(|l| !l.is_pending() && l.remaining().is_positive())
                    .map(|l| (l.id(), *l.remaining()))
                    .collect();
                for (lot, points) in lots {
                    let event = PointsEvent::LotExpired { lot, points };
                    scratch.apply_event(&event, at);
                    events.push(event);
                }
                let event = PointsEvent::AccountDormant { dormant_at };
                scratch.apply_event(&event, at);
                events.push(event);
            }
            scratch.ledger.settle(at, &mut |f| events.push(PointsEvent::from_settle(f)));
            swept = scratch;
            &swept
        } else {
            self
        };
        let first_body = events.len();
        if matches!(command.body, PointsCommand::ProcessDue) && events.is_empty() {
            return Err(LoyaltyError::NothingDue { as_of: at, next_deadline: self.next_deadline() });
        }
        state.decide_body(program, &command.body, at, version, &mut events)?;
        if matches!(command.body, PointsCommand::ReevaluateTier) && events.is_empty() {
            return Err(LoyaltyError::NothingDue { as_of: at, next_deadline: self.next_deadline() });
        }
        let active = matches!(
            command.body,
            PointsCommand::EarnPoints { .. }
                | PointsCommand::RedeemPoints { .. }
                | PointsCommand::PlaceHold { .. }
                | PointsCommand::CaptureHold { .. }
        );
        if active && let Some(dormant_at) = program.dormant_at(at) {
            events.push(PointsEvent::DormancyScheduled { dormant_at });
        }
        // Releases, restorations and credits while in debt can make more due: settle again on a scratch copy.
        let releases = matches!(
            command.body,
            PointsCommand::ReleaseHold { .. } | PointsCommand::CaptureHold { final_capture: true, .. }
        );
        if releases || state.ledger.debt().is_positive() {
            let mut scratch = state.clone();
            for event in events.get(first_body..).unwrap_or_default() {
                scratch.apply_event(event, at);
            }
            scratch.ledger.settle(at, &mut |f| events.push(PointsEvent::from_settle(f)));
        }
        Ok(Decision::Accepted(self.stream.commit(command, events)))
    }

    fn decide_body(
        &self,
        program: &LoyaltyProgram,
        body: &PointsCommand,
        at: DateTime<Utc>,
        version: u64,
        events: &mut Vec<PointsEvent>,
    ) -> Result<(), LoyaltyError> {
        match body {
            PointsCommand::EarnPoints { order, lines } => {
                let earned = self.decide_earn(program, order, lines, at, version)?;
                if let PointsEvent::PointsEarned { points, spent, .. } = &earned {
                    let (points, spent) = (*points, *spent);
                    events.push(earned);
                    events.extend(self.upgrade(program, at, Some((points, spent)), TierReason::Upgrade));
                }
            }
            PointsCommand::AwardBonus { points, reason, expires_at } => {
                let expires_at = match expires_at {
                    Some(e) => Some(*e),
                    None => program.expiry_for(at),
                };
                let credit = Credit {
                    lot: LotId::new(version, 0),
                    amount: *points,
                    category: BONUS,
                    origin: Origin::default(),
                    restricted_to: Vec::new(),
                    activates_at: None,
                    expires_at,
                };
                self.ledger.validate_credit(&credit, at)?;
                if let BonusReason::Campaign { name: text } | BonusReason::Goodwill { note: text } = reason {
                    check_text("reason", text)?;
                }
                events.push(PointsEvent::BonusAwarded { reason: reason.clone(), credit });
            }
            PointsCommand::RedeemPoints { order, points, order_total } => {
                let rules = &program.spec().redemption;
                if !points.is_positive() {
                    return Err(LoyaltyError::NonPositivePoints { points: *points });
                }
                if *points < rules.min_points {
                    return Err(LoyaltyError::BelowMinimumRedemption { points: *points, minimum: rules.min_points });
                }
                if !order_total.is_positive() {
                    return Err(LoyaltyError::NonPositiveAmount { amount: *order_total });
                }
                let max_points = program.max_points_for(*order_total)?;
                if *points > max_points {
                    return Err(LoyaltyError::ExceedsMaxShare {
                        points: *points,
                        max_points,
                        order_total: *order_total,
                    });
                }
                let value = program.value_of(*points, order_total.currency())?;
                let allocations = self.ledger.plan_debit(points, &program.spec().allocation, &[])?;
                events.push(PointsEvent::PointsRedeemed { order: order.clone(), points: *points, value, allocations });
            }
            PointsCommand::PlaceHold { hold, points, order, expires_at } => {
                let placement = self.ledger.plan_hold(
                    *hold,
                    points,
                    &program.spec().allocation,
                    &[],
                    *expires_at,
                    order.clone(),
                    at,
                )?;
                events.push(PointsEvent::HoldPlaced { placement });
            }
            PointsCommand::CaptureHold { hold, points, final_capture } => {
                let (captured, released) = self.ledger.plan_capture(*hold, points, *final_capture)?;
                let h = self.ledger.hold(*hold);
                let order = h.and_then(|h| h.order().cloned());
                let remaining = h.map_or(Points::ZERO, |h| sub(h.held_total(), *points));
                let closed = *final_capture || !remaining.is_positive();
                events.push(PointsEvent::HoldCaptured { hold: *hold, order, captured, released, closed });
            }
            PointsCommand::ReleaseHold { hold } => {
                let released = self.ledger.plan_release(*hold)?;
                events.push(PointsEvent::HoldReleased { hold: *hold, released });
            }
            PointsCommand::AdjustPoints { points, reason, actor } => {
                check_text("reason", reason)?;
                check_text("actor", actor)?;
                if points.get() == 0 {
                    return Err(LoyaltyError::NonPositivePoints { points: *points });
                }
                let (credit, allocations) = if points.is_positive() {
                    let credit = Credit {
                        lot: LotId::new(version, 0),
                        amount: *points,
                        category: ADJUSTMENT,
                        origin: Origin::default(),
                        restricted_to: Vec::new(),
                        activates_at: None,
                        expires_at: program.expiry_for(at),
                    };
                    self.ledger.validate_credit(&credit, at)?;
                    (Some(credit), Vec::new())
                } else {
                    let magnitude = Points::new(points.get().checked_neg().unwrap_or(i64::MAX));
                    (None, self.ledger.plan_debit(&magnitude, &program.spec().allocation, &[])?)
                };
                events.push(PointsEvent::PointsAdjusted {
                    points: *points,
                    reason: reason.clone(),
                    actor: actor.clone(),
                    credit,
                    allocations,
                });
            }
            PointsCommand::ReturnPurchase { order, lines } => {
                events.push(self.decide_return(program, order, lines.as_deref())?);
            }
            PointsCommand::RefundRedemption { order, points } => {
                events.push(self.decide_refund(program, order, *points, at, version)?);
            }
            PointsCommand::ProcessDue => {}
            PointsCommand::ReevaluateTier => {
                if program.tiers().is_none() {
                    return Err(LoyaltyError::NoTiers);
                }
                events.extend(self.upgrade(program, at, None, TierReason::Reevaluation));
            }
        }
        Ok(())
    }

    /// The current tier's definition (the lowest tier before the first evaluation).
    fn current_tier<'p>(&self, program: &'p LoyaltyProgram) -> Option<&'p Tier> {
        let rules = program.tiers()?;
        self.tier.and_then(|name| program.tier(name)).or_else(|| rules.tiers.first())
    }

    fn rank(program: &LoyaltyProgram, tier: Option<TierName>) -> usize {
        tier.and_then(|t| program.tier_rank(t)).unwrap_or(0)
    }

    /// The metric over activity in `[from, to)`, plus `extra`.
    fn tier_metric(
        &self,
        rules: &TierRules,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        extra: Option<(Points, Money)>,
    ) -> Decimal {
        let value = |points: Points, spent: &Money| match rules.metric {
            TierMetric::PointsEarned => Decimal::from(points.get()),
            TierMetric::AmountSpent { currency } if spent.currency() == currency => spent.amount(),
            TierMetric::AmountSpent { .. } => Decimal::ZERO,
        };
        let counted = self
            .tier_activity
            .iter()
            .filter(|a| a.at >= from && a.at < to)
            .map(|a| value(a.points, &a.spent))
            .chain(extra.map(|(p, m)| value(p, &m)));
        counted.fold(Decimal::ZERO, |acc, v| acc.checked_add(v).unwrap_or(acc))
    }

    /// An upgrade (or the initial placement) after activity at `at`, counting `extra` not yet applied.
    fn upgrade(
        &self,
        program: &LoyaltyProgram,
        at: DateTime<Utc>,
        extra: Option<(Points, Money)>,
        reason: TierReason,
    ) -> Option<PointsEvent> {
        let rules = program.tiers()?;
        let tz = program.zone();
        let start = window_start(rules, tz, at);
        let end = at.checked_add_signed(chrono::TimeDelta::nanoseconds(1)).unwrap_or(at);
        let metric = self.tier_metric(rules, start, end, extra);
        let target = program.tier_for(metric).or_else(|| rules.tiers.first())?.name;
        let grace = chrono::TimeDelta::days(i64::from(rules.grace_days));
        match self.tier {
            None => Some(PointsEvent::TierEvaluated {
                from: None,
                to: target,
                reason: TierReason::Initial,
                metric,
                window_start: start,
                next_review_at: review_period_end(rules, tz, at).and_then(|p| p.checked_add_signed(grace)),
            }),
            Some(current) if Self::rank(program, Some(target)) > Self::rank(program, Some(current)) => {
                Some(PointsEvent::TierEvaluated {
                    from: Some(current),
                    to: target,
                    reason,
                    metric,
                    window_start: start,
                    next_review_at: self.next_tier_review_at,
                })
            }
            Some(_) => None,
        }
    }

    /// Processes every tier review due by `at`, applying each to `self` (a scratch copy inside `decide`).
    fn review_tiers(&mut self, program: &LoyaltyProgram, at: DateTime<Utc>, events: &mut Vec<PointsEvent>) {
        let Some(rules) = program.tiers() else { return };
        let tz = program.zone();
        let grace = chrono::TimeDelta::days(i64::from(rules.grace_days));
        while let Some(review_at) = self.next_tier_review_at.filter(|r| *r <= at) {
            let period_end = review_at.checked_sub_signed(grace).unwrap_or(review_at);
            let start = review_window_start(rules, tz, period_end, review_at);
            let metric = self.tier_metric(rules, start, review_at, None);
            let Some(qualified) = program.tier_for(metric).or_else(|| rules.tiers.first()).map(|t| t.name) else {
                break;
            };
            let current_rank = Self::rank(program, self.tier);
            let mut to = if Self::rank(program, Some(qualified)) < current_rank {
                qualified
            } else {
                self.tier.unwrap_or(qualified)
            };
            if let Some(floor) = rules.floor
                && current_rank >= Self::rank(program, Some(floor))
                && Self::rank(program, Some(to)) < Self::rank(program, Some(floor))
            {
                to = floor;
            }
            let mut next = review_period_end(rules, tz, period_end)
                .and_then(|p| p.checked_add_signed(grace))
                .filter(|n| *n > review_at);
            // A review that keeps the tier over a window after all activity is a fixed point: every later review
            // due by `at` counts an empty window too and keeps the tier. Go straight to the last of them, so a
            // command after years of silence decides in one step, not one event per missed month (found by the
            // `decide_points` fuzz target: a command 200,000 years on emitted millions of events).
            let idle = self.tier == Some(to) && self.tier_activity.iter().all(|a| a.at < start);
            if idle
                && next.is_some_and(|n| n <= at)
                && let Some(last) = last_review_due(rules, tz, grace, at).filter(|last| next < Some(*last))
            {
                next = Some(last);
            }
            let event = PointsEvent::TierEvaluated {
                from: self.tier,
                to,
                reason: TierReason::Review,
                metric,
                window_start: start,
                next_review_at: next,
            };
            self.apply_event(&event, at);
            events.push(event);
        }
    }

    /// Where the customer stands against the tiers as of `as_of` (none without tiers).
    pub fn tier_progress(&self, program: &LoyaltyProgram, as_of: DateTime<Utc>) -> Option<TierProgress> {
        let rules = program.tiers()?;
        let tz = program.zone();
        let current = self.current_tier(program)?;
        let end = as_of.checked_add_signed(chrono::TimeDelta::nanoseconds(1)).unwrap_or(as_of);
        let metric = self.tier_metric(rules, window_start(rules, tz, as_of), end, None);
        let rank = Self::rank(program, Some(current.name));
        let next = rules.tiers.get(rank.saturating_add(1));
        let needed = |threshold: Decimal| threshold.checked_sub(metric).unwrap_or_default().max(Decimal::ZERO);
        // The next review counts the window ending at its period end; activity from its start to now counts.
        let review = self.next_tier_review_at.or_else(|| review_period_end(rules, tz, as_of));
        let grace = chrono::TimeDelta::days(i64::from(rules.grace_days));
        let keep_window =
            review.and_then(|r| r.checked_sub_signed(grace).map(|p| review_window_start(rules, tz, p, r)));
        let kept = keep_window.map_or(metric, |from| self.tier_metric(rules, from, end, None));
        Some(TierProgress {
            tier: current.name,
            metric,
            next_tier: next.map(|t| t.name),
            needed_for_next: next.map_or(Decimal::ZERO, |t| needed(t.threshold)),
            needed_to_keep: current.threshold.checked_sub(kept).unwrap_or_default().max(Decimal::ZERO),
            next_review_at: review,
        })
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

    /// The tier the account would have after `command` (a projection: nothing changes).
    ///
    /// # Errors
    ///
    /// The command's rejection.
    pub fn tier_after(
        &self,
        program: &LoyaltyProgram,
        command: &Command<PointsCommand>,
    ) -> Result<Option<TierName>, LoyaltyError> {
        let mut scratch = self.clone();
        if let Decision::Accepted(commit) = self.decide(program, command)? {
            scratch.apply(&commit);
        }
        Ok(scratch.tier)
    }

    /// `price` after the current tier's discount, rounded as named.
    ///
    /// # Errors
    ///
    /// [`LoyaltyError::Money`] on overflow.
    pub fn tier_price(
        &self,
        program: &LoyaltyProgram,
        price: Money,
        rounding: Rounding,
    ) -> Result<Money, LoyaltyError> {
        let discount = self.current_tier(program).map_or(Decimal::ZERO, |t| t.discount_percent);
        let factor = Decimal::ONE_HUNDRED
            .checked_sub(discount)
            .and_then(|d| d.checked_div(Decimal::ONE_HUNDRED))
            .unwrap_or(Decimal::ONE);
        Ok(price.checked_mul(factor, rounding)?)
    }

    fn decide_earn(
        &self,
        program: &LoyaltyProgram,
        order: &OrderId,
        lines: &[PurchaseLine],
        at: DateTime<Utc>,
        version: u64,
    ) -> Result<PointsEvent, LoyaltyError> {
        if self.earned.contains(order) {
            return Err(LoyaltyError::OrderAlreadyEarned { order: order.clone() });
        }
        let Some(first) = lines.first() else {
            return Err(LoyaltyError::EmptyOrder { order: order.clone() });
        };
        let currency = first.amount.currency();
        let (rate, per_minor) = program.points_per_minor_unit(currency).ok_or(LoyaltyError::NoEarnRate { currency })?;
        let mut spent = Money::zero(currency);
        for (i, l) in lines.iter().enumerate() {
            if l.amount.currency() != currency {
                return Err(LoyaltyError::MixedCurrencies { first: currency, other: l.amount.currency() });
            }
            if !l.amount.is_positive() {
                return Err(LoyaltyError::NonPositiveAmount { amount: l.amount });
            }
            if lines.iter().take(i).any(|o| o.line == l.line) {
                return Err(LoyaltyError::DuplicateLine { order: order.clone(), line: l.line });
            }
            spent = spent.checked_add(l.amount)?;
        }
        if let Some(min) = rate.min_spend
            && spent.amount() < min.amount()
        {
            return Err(LoyaltyError::BelowMinimumSpend { spent, minimum: min });
        }
        let earn = &program.spec().earn;
        let overflow =
            || LoyaltyError::Money(crate::money::MoneyError::Overflow { operation: format!("earn of order {order}") });
        let fraction = |d: Decimal| PointsFraction::from_decimal(d).ok_or_else(overflow);
        let whole = |p: Points| u128::try_from(p.get()).map(PointsFraction::from_integer).map_err(|_| overflow());
        // Exact rational arithmetic in minor units: amount × points ÷ per, nothing divided in advance.
        let mut multiplier = program.campaign_factor(at).ok_or_else(overflow)?;
        if let Some(tier) = self.current_tier(program) {
            multiplier = multiplier.checked_mul(fraction(tier.earn_multiplier)?).ok_or_else(overflow)?;
        }
        // One line (the common case) needs no weights: it gets every point.
        let mut weights = if lines.len() > 1 { Vec::with_capacity(lines.len()) } else { Vec::new() };
        let mut exact = PointsFraction::ZERO;
        for l in lines {
            let units = u128::try_from(l.amount.minor_units()).map_err(|_| overflow())?;
            let mut line = PointsFraction::from_integer(units).checked_mul(per_minor).ok_or_else(overflow)?;
            for rule in &earn.tag_rules {
                if l.tags.contains(&rule.tag) {
                    line = line.checked_mul(fraction(rule.multiplier)?).ok_or_else(overflow)?;
                    line = line.checked_add(whole(rule.points_per_line)?).ok_or_else(overflow)?;
                }
            }
            if multiplier != PointsFraction::ONE {
                line = line.checked_mul(multiplier).ok_or_else(overflow)?;
            }
            exact = exact.checked_add(line).ok_or_else(overflow)?;
            if lines.len() > 1 {
                weights.push(line);
            }
        }
        exact = exact.checked_add(whole(earn.per_order)?).ok_or_else(overflow)?;
        exact = exact.checked_add(self.remainder).ok_or_else(overflow)?;
        let mut points = Points::new(i64::try_from(exact.whole()).map_err(|_| overflow())?);
        let mut remainder = exact.fraction();
        let mut capped = false;
        let mut cap_period = None;
        if let Some(cap) = earn.cap_per_order
            && points > cap.max
        {
            if cap.behaviour == CapBehaviour::Reject {
                return Err(LoyaltyError::EarnCapExceeded { points, cap: cap.max });
            }
            points = cap.max;
            remainder = self.remainder;
            capped = true;
        }
        if let Some(cap) = earn.cap_per_period {
            let start = period_start(local_date_or_utc(program.zone(), at), cap.period);
            cap_period = Some(start);
            let so_far = match self.period_earned {
                Some((s, p)) if s == start => p,
                _ => Points::ZERO,
            };
            let room = sub(cap.max, so_far).max(Points::ZERO);
            if points > room {
                if cap.behaviour == CapBehaviour::Reject {
                    return Err(LoyaltyError::EarnCapExceeded {
                        points: so_far.checked_add(points).unwrap_or(points),
                        cap: cap.max,
                    });
                }
                points = room;
                remainder = self.remainder;
                capped = true;
            }
        }
        let line_points = if let [only] = lines {
            vec![LinePoints { line: only.line, points }]
        } else {
            // The lines' exact points over their common denominator: integer weights.
            let common = weights.iter().try_fold(1u128, |d, w| lcm(d, w.denominator())).ok_or_else(overflow)?;
            let weights = weights
                .iter()
                .map(|w| w.numerator().checked_mul(common / w.denominator()))
                .collect::<Option<Vec<u128>>>()
                .ok_or_else(overflow)?;
            let per_line = apportion(points, &weights).ok_or_else(overflow)?;
            lines.iter().zip(per_line).map(|(l, p)| LinePoints { line: l.line, points: p }).collect()
        };
        let credit = if points.is_positive() {
            let credit = Credit {
                lot: LotId::new(version, 0),
                amount: points,
                category: BASE,
                origin: Origin {
                    order: Some(order.clone()),
                    lines: lines.iter().map(|l| l.line).collect(),
                    restored_from: None,
                },
                restricted_to: Vec::new(),
                activates_at: program.activation_for(at),
                expires_at: program.earn_expiry_for(at),
            };
            self.ledger.validate_credit(&credit, at)?;
            Some(credit)
        } else {
            None
        };
        Ok(PointsEvent::PointsEarned {
            order: order.clone(),
            spent,
            points,
            exact,
            remainder,
            capped,
            counts_for_tier: program.tiers().is_some(),
            line_amounts: if program.tiers().is_some() { lines.iter().map(|l| l.amount).collect() } else { Vec::new() },
            cap_period,
            lines: line_points,
            credit,
        })
    }

    fn decide_return(
        &self,
        program: &LoyaltyProgram,
        order: &OrderId,
        lines: Option<&[LineId]>,
    ) -> Result<PointsEvent, LoyaltyError> {
        let record = self.earned.get(order).ok_or_else(|| LoyaltyError::OrderNotFound { order: order.clone() })?;
        let returning: Vec<LineId> = match lines {
            Some(lines) => {
                for (i, line) in lines.iter().enumerate() {
                    if !record.lines.iter().any(|l| l.line == *line) {
                        return Err(LoyaltyError::LineNotFound { order: order.clone(), line: *line });
                    }
                    if record.returned.contains(line) || lines.iter().take(i).any(|o| o == line) {
                        return Err(LoyaltyError::LineAlreadyReturned { order: order.clone(), line: *line });
                    }
                }
                lines.to_vec()
            }
            None => {
                let open: Vec<LineId> =
                    record.lines.iter().map(|l| l.line).filter(|l| !record.returned.contains(l)).collect();
                if open.is_empty() {
                    let line = record.lines.first().map_or(LineId::new(0), |l| l.line);
                    return Err(LoyaltyError::LineAlreadyReturned { order: order.clone(), line });
                }
                open
            }
        };
        let points = record
            .lines
            .iter()
            .filter(|l| returning.contains(&l.line))
            .fold(Points::ZERO, |acc, l| acc.checked_add(l.points).unwrap_or(acc));
        let (allocations, shortfall) = if points.is_positive() {
            match program.spec().clawback {
                ClawbackPolicy::Keep => (Vec::new(), points),
                ClawbackPolicy::PendingOnly => {
                    let pending_lot = record.lot.filter(|id| self.ledger.lot(*id).is_some_and(|l| l.is_pending()));
                    self.ledger.plan_clawback(&points, pending_lot, false)?
                }
                ClawbackPolicy::WithinBalance | ClawbackPolicy::AllowDebt { .. } => {
                    self.ledger.plan_clawback(&points, record.lot, true)?
                }
            }
        } else {
            (Vec::new(), Points::ZERO)
        };
        let debt = match program.spec().clawback {
            ClawbackPolicy::AllowDebt { max_debt } => {
                shortfall.min(sub(max_debt, self.points_owed()).max(Points::ZERO))
            }
            _ => Points::ZERO,
        };
        let forgiven = sub(shortfall, debt);
        // The returned lines' amount, while the purchase still counts toward tier qualification.
        let spent_returned =
            self.tier_activity.iter().find(|a| a.order.as_ref() == Some(order) && !a.lines.is_empty()).and_then(|a| {
                let mut returned = a.lines.iter().filter(|(line, _)| returning.contains(line)).map(|(_, m)| *m);
                let first = returned.next()?;
                returned.try_fold(first, |sum, m| sum.checked_add(m).ok())
            });
        Ok(PointsEvent::PointsClawedBack {
            order: order.clone(),
            lines: returning,
            points,
            allocations,
            debt,
            forgiven,
            spent_returned,
        })
    }

    fn decide_refund(
        &self,
        program: &LoyaltyProgram,
        order: &OrderId,
        points: Option<Points>,
        at: DateTime<Utc>,
        version: u64,
    ) -> Result<PointsEvent, LoyaltyError> {
        let record = self
            .redeemed
            .get(order)
            .filter(|r| !r.allocations.is_empty())
            .ok_or_else(|| LoyaltyError::RedemptionNotFound { order: order.clone() })?;
        let outstanding = sum(&record.allocations);
        let points = points.unwrap_or(outstanding);
        if !points.is_positive() {
            return Err(LoyaltyError::NonPositivePoints { points });
        }
        if points > outstanding {
            return Err(LoyaltyError::RefundExceedsRedeemed {
                order: order.clone(),
                requested: points,
                redeemed: outstanding,
            });
        }
        let (mut restored, mut forfeited, mut recredited) = (Vec::new(), Vec::new(), Vec::new());
        let mut left = points;
        let mut index = 0u32;
        // The last points spent come back first.
        for a in record.allocations.iter().rev() {
            if !left.is_positive() {
                break;
            }
            let take = a.amount.min(left);
            left = sub(left, take);
            let part = Allocation { lot: a.lot, amount: take };
            let Some(lot) = self.ledger.lot(a.lot) else { continue };
            if lot.expires_at().is_none_or(|e| e > at) {
                restored.push(part);
                continue;
            }
            let expires_at = match program.spec().expired_refund {
                ExpiredRefundPolicy::Forfeit => {
                    forfeited.push(part);
                    continue;
                }
                ExpiredRefundPolicy::Grace { days } => local_date_or_utc(program.zone(), at)
                    .checked_add_days(chrono::Days::new(u64::from(days)))
                    .and_then(|d| end_of_day(program.zone(), d)),
                ExpiredRefundPolicy::FreshExpiry => program.expiry_for(at),
            };
            let credit = Credit {
                lot: LotId::new(version, index),
                amount: take,
                category: lot.category(),
                origin: Origin { restored_from: Some(a.lot), ..lot.origin().clone() },
                restricted_to: lot.restricted_to().to_vec(),
                activates_at: None,
                expires_at,
            };
            index = index.saturating_add(1);
            self.ledger.validate_credit(&credit, at)?;
            recredited.push(Recredit { from: part, credit });
        }
        Ok(PointsEvent::RedemptionRefunded { order: order.clone(), points, restored, forfeited, recredited })
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
