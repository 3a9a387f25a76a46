//! Deciding a points command: what is due first, then the body, then what the body makes due.

use chrono::{DateTime, Utc};

use super::super::command::PointsCommand;
use super::super::error::LoyaltyError;
use super::super::event::{ADJUSTMENT, BONUS, BonusReason, PointsEvent, Recredit, TierReason};
use super::super::points::Points;
use super::super::program::{ClawbackPolicy, ExpiredRefundPolicy, LoyaltyProgram};
use super::{PointsAccount, sub};
use crate::id::OrderId;
use crate::ledger::{Allocation, Credit, LineId, LotId, Origin};
use crate::local_day::{end_of_day, local_date_or_utc};
use crate::stream::{Command, Decision};

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

impl PointsAccount {
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

    pub(super) fn decide_body(
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
}
