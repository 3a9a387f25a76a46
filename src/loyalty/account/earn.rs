//! Earning points on a purchase: exact points per line, caps, the carried fraction, the lot.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::super::command::PurchaseLine;
use super::super::error::LoyaltyError;
use super::super::event::{BASE, LinePoints, PointsEvent};
use super::super::period::period_start;
use super::super::points::{Points, PointsFraction, lcm};
use super::super::program::{CapBehaviour, LoyaltyProgram};
use super::{PointsAccount, sub};
use crate::id::OrderId;
use crate::ledger::{Credit, LotId, Origin};
use crate::local_day::local_date_or_utc;
use crate::money::Money;

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
    pub(super) fn decide_earn(
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
}
