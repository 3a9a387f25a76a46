//! Churn and retention with explicit denominators, period compounding, revenue retention and cohort tables.
//!
//! Denominators are the customers (or revenue) at the start of the period; customers acquired during the period
//! are excluded from both numerator and denominator of retention. Rates are exact [`Decimal`] fractions
//! (`0.16` is 16 %).
//!
//! ```
//! use customer_care::service::churn::{compound_churn, ChurnCounts};
//! use rust_decimal::Decimal;
//!
//! let period = ChurnCounts::new(500, 30, 450)?;
//! assert_eq!(period.lost(), 80);
//! assert_eq!(period.churn_rate(), Decimal::new(16, 2));
//! assert_eq!(period.retention_rate(), Decimal::new(84, 2));
//! let yearly = compound_churn(Decimal::new(2, 2), 12)?;
//! assert_eq!(yearly.round_dp(4), Decimal::new(2153, 4)); // 2 % a month is 21.53 % a year
//! # Ok::<(), customer_care::service::ServiceError>(())
//! ```

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::error::ServiceError;
use crate::money::{Money, MoneyError};

/// Customer counts of one period: at its start, acquired during it, at its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "ChurnCountsRepr", into = "ChurnCountsRepr")]
pub struct ChurnCounts {
    start: u64,
    acquired: u64,
    end: u64,
}

#[derive(Serialize, Deserialize)]
struct ChurnCountsRepr {
    start: u64,
    acquired: u64,
    end: u64,
}

impl TryFrom<ChurnCountsRepr> for ChurnCounts {
    type Error = ServiceError;
    fn try_from(r: ChurnCountsRepr) -> Result<Self, ServiceError> {
        Self::new(r.start, r.acquired, r.end)
    }
}

impl From<ChurnCounts> for ChurnCountsRepr {
    fn from(c: ChurnCounts) -> Self {
        Self { start: c.start, acquired: c.acquired, end: c.end }
    }
}

impl ChurnCounts {
    /// Counts `S` at the start, `N` acquired during the period, `E` at the end.
    ///
    /// # Errors
    ///
    /// [`ServiceError::InconsistentCounts`] unless `S > 0` and `N ≤ E ≤ S + N`.
    pub fn new(start: u64, acquired: u64, end: u64) -> Result<Self, ServiceError> {
        let ok = start > 0 && acquired <= end && start.checked_add(acquired).is_some_and(|max| end <= max);
        if ok {
            Ok(Self { start, acquired, end })
        } else {
            Err(ServiceError::InconsistentCounts { start, acquired, end })
        }
    }

    /// Customers at the start (the denominator).
    pub const fn start(&self) -> u64 {
        self.start
    }

    /// Customers acquired during the period.
    pub const fn acquired(&self) -> u64 {
        self.acquired
    }

    /// Customers at the end.
    pub const fn end(&self) -> u64 {
        self.end
    }

    /// Customers lost: `S + N − E`.
    pub const fn lost(&self) -> u64 {
        self.start.saturating_add(self.acquired).saturating_sub(self.end)
    }

    /// Customers of the start cohort still there: `E − N`.
    pub const fn retained(&self) -> u64 {
        self.end.saturating_sub(self.acquired)
    }

    /// Churn rate `(S + N − E) / S`.
    pub fn churn_rate(&self) -> Decimal {
        ratio(self.lost(), self.start)
    }

    /// Retention rate `(E − N) / S`; churn + retention = 1.
    pub fn retention_rate(&self) -> Decimal {
        ratio(self.retained(), self.start)
    }
}

fn ratio(num: u64, den: u64) -> Decimal {
    Decimal::from(num).checked_div(Decimal::from(den)).unwrap_or_default()
}

fn check_rate(rate: Decimal) -> Result<(), ServiceError> {
    if rate < Decimal::ZERO || rate > Decimal::ONE {
        return Err(ServiceError::InvalidRate { rate: rate.to_string() });
    }
    Ok(())
}

/// The churn over `periods` periods at a constant per-period churn `rate`: `1 − (1 − rate)^periods`.
///
/// # Errors
///
/// [`ServiceError::InvalidRate`] unless `0 ≤ rate ≤ 1`.
pub fn compound_churn(rate: Decimal, periods: u32) -> Result<Decimal, ServiceError> {
    check_rate(rate)?;
    let keep = Decimal::ONE.saturating_sub(rate);
    let mut kept = Decimal::ONE;
    for _ in 0..periods {
        // Both factors are within [0, 1]: the product cannot overflow.
        kept = kept.checked_mul(keep).unwrap_or_default();
    }
    Ok(Decimal::ONE.saturating_sub(kept))
}

/// Recurring revenue movements of one period, all in one currency and not negative.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RevenueRepr", into = "RevenueRepr")]
pub struct RevenueMovements {
    starting: Money,
    expansion: Money,
    contraction: Money,
    churned: Money,
}

#[derive(Serialize, Deserialize)]
struct RevenueRepr {
    starting: Money,
    expansion: Money,
    contraction: Money,
    churned: Money,
}

impl TryFrom<RevenueRepr> for RevenueMovements {
    type Error = ServiceError;
    fn try_from(r: RevenueRepr) -> Result<Self, ServiceError> {
        Self::new(r.starting, r.expansion, r.contraction, r.churned)
    }
}

impl From<RevenueMovements> for RevenueRepr {
    fn from(r: RevenueMovements) -> Self {
        Self { starting: r.starting, expansion: r.expansion, contraction: r.contraction, churned: r.churned }
    }
}

impl RevenueMovements {
    /// Recurring revenue at the start of the period from the customers then present, and during the period from
    /// those same customers: expansion (upgrades), contraction (downgrades) and churned revenue. Revenue of
    /// customers acquired in the period is not part of any of them.
    ///
    /// # Errors
    ///
    /// [`ServiceError::Money`] for mixed currencies; [`ServiceError::InvalidConfig`] when `starting` is not
    /// positive, an amount is negative, or contraction + churned exceed `starting`.
    pub fn new(starting: Money, expansion: Money, contraction: Money, churned: Money) -> Result<Self, ServiceError> {
        for m in [expansion, contraction, churned] {
            if m.currency() != starting.currency() {
                return Err(MoneyError::CurrencyMismatch { left: starting.currency(), right: m.currency() }.into());
            }
            if m.is_negative() {
                return Err(ServiceError::InvalidConfig { what: "revenue movement".into(), value: m.to_string() });
            }
        }
        if !starting.is_positive() {
            return Err(ServiceError::InvalidConfig { what: "starting revenue".into(), value: starting.to_string() });
        }
        let lost = contraction.checked_add(churned)?;
        if lost.amount() > starting.amount() {
            return Err(ServiceError::InvalidConfig {
                what: "contraction + churned revenue above starting revenue".into(),
                value: lost.to_string(),
            });
        }
        Ok(Self { starting, expansion, contraction, churned })
    }

    fn share(&self, amount: Decimal) -> Decimal {
        amount.checked_div(self.starting.amount()).unwrap_or_default()
    }

    /// Revenue churn: `(contraction + churned) / starting`.
    pub fn revenue_churn(&self) -> Decimal {
        self.share(self.contraction.amount().saturating_add(self.churned.amount()))
    }

    /// Gross revenue retention: `(starting − contraction − churned) / starting`, at most 1.
    pub fn gross_revenue_retention(&self) -> Decimal {
        let kept =
            self.starting.amount().saturating_sub(self.contraction.amount()).saturating_sub(self.churned.amount());
        self.share(kept)
    }

    /// Net revenue retention: `(starting + expansion − contraction − churned) / starting`, may exceed 1.
    pub fn net_revenue_retention(&self) -> Decimal {
        let kept = self
            .starting
            .amount()
            .saturating_add(self.expansion.amount())
            .saturating_sub(self.contraction.amount())
            .saturating_sub(self.churned.amount());
        self.share(kept)
    }
}

/// A customer's acquisition period and the periods they were active in (period indices chosen by the host:
/// months since some origin, weeks, ...).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CohortMember {
    /// The period the customer was acquired in.
    pub cohort: u32,
    /// The periods the customer was active in (activity before the cohort is ignored).
    pub active_periods: Vec<u32>,
}

/// One cohort's row: its size and how many of it were active `k` periods after acquisition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CohortRow {
    /// The acquisition period.
    pub cohort: u32,
    /// Customers acquired in it (the denominator of every cell).
    pub size: u64,
    /// `active[k]`: customers of the cohort active in period `cohort + k`, for `k` in `0..=horizon`.
    pub active: Vec<u64>,
}

impl CohortRow {
    /// `active[k] / size`, or `None` beyond the horizon.
    pub fn retention(&self, k: usize) -> Option<Decimal> {
        self.active.get(k).map(|a| ratio(*a, self.size))
    }
}

/// Cohort retention table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CohortTable {
    /// Rows by acquisition period.
    pub rows: Vec<CohortRow>,
    /// Periods after acquisition covered.
    pub horizon: u16,
}

impl CohortTable {
    /// Builds the table up to `horizon` periods after acquisition. The result does not depend on input order.
    pub fn new(members: &[CohortMember], horizon: u16) -> Self {
        let width = usize::from(horizon).saturating_add(1);
        let mut rows: BTreeMap<u32, CohortRow> = BTreeMap::new();
        for m in members {
            let row =
                rows.entry(m.cohort).or_insert_with(|| CohortRow { cohort: m.cohort, size: 0, active: vec![0; width] });
            row.size = row.size.saturating_add(1);
            let mut seen: Vec<u32> = m
                .active_periods
                .iter()
                .filter_map(|p| p.checked_sub(m.cohort))
                .filter(|k| *k <= u32::from(horizon))
                .collect();
            seen.sort_unstable();
            seen.dedup();
            for k in seen {
                if let Some(cell) = usize::try_from(k).ok().and_then(|k| row.active.get_mut(k)) {
                    *cell = cell.saturating_add(1);
                }
            }
        }
        Self { rows: rows.into_values().collect(), horizon }
    }
}
