//! The account's tier: upgrades, reviews at each period's end, progress, and tier prices.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::super::command::PointsCommand;
use super::super::error::LoyaltyError;
use super::super::event::{PointsEvent, TierReason};
use super::super::points::Points;
use super::super::program::LoyaltyProgram;
use super::super::tier::{
    Tier, TierMetric, TierName, TierRules, last_review_due, review_period_end, review_window_start, window_start,
};
use super::{PointsAccount, TierProgress};
use crate::money::{Money, Rounding};
use crate::stream::{Command, Decision};

impl PointsAccount {
    /// The current tier's definition (the lowest tier before the first evaluation).
    pub(super) fn current_tier<'p>(&self, program: &'p LoyaltyProgram) -> Option<&'p Tier> {
        let rules = program.tiers()?;
        self.tier.and_then(|name| program.tier(name)).or_else(|| rules.tiers.first())
    }

    pub(super) fn rank(program: &LoyaltyProgram, tier: Option<TierName>) -> usize {
        tier.and_then(|t| program.tier_rank(t)).unwrap_or(0)
    }

    /// The metric over activity in `[from, to)`, plus `extra`.
    pub(super) fn tier_metric(
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
    pub(super) fn upgrade(
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
    pub(super) fn review_tiers(&mut self, program: &LoyaltyProgram, at: DateTime<Utc>, events: &mut Vec<PointsEvent>) {
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
            // command after years of silence decides in one step, not one event per missed month (millions for a
            // command 200,000 years on).
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
}
