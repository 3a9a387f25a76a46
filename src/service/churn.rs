//! Churn and retention with explicit denominators, period compounding, revenue retention and cohort tables.
//!
//! Denominators are the customers (or revenue) at the start of the period by default, or the average of the
//! start and end counts ([`ChurnDenominator`]); customers acquired during the period are excluded from both
//! numerator and denominator of retention. Rates are exact [`Decimal`] fractions (`0.16` is 16 %) until the
//! caller rounds them with a named [`Rounding`]; [`convert_churn`] turns a rate over one period length into the
//! rate over another (annual ↔ monthly, 30 days → 7 days) at a constant hazard.
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
use crate::money::{Money, MoneyError, Rounding};

/// The denominator of a churn rate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChurnDenominator {
    /// Customers at the start of the period, `S`. The default.
    #[default]
    Start,
    /// The average customer count `(S + E)/2`: steadier when the base grows or shrinks a lot within the period
    /// (the "average customers" churn of SaaS dashboards).
    Average,
}

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

    /// Churn rate over the chosen denominator: `(S + N − E) / S`, or `(S + N − E) / ((S + E)/2)` for
    /// [`ChurnDenominator::Average`] (exact; the average may be a half).
    ///
    /// ```
    /// use customer_care::service::churn::{ChurnCounts, ChurnDenominator};
    /// use customer_care::Rounding;
    /// use rust_decimal::Decimal;
    ///
    /// let period = ChurnCounts::new(500, 30, 450)?;
    /// // 80 lost over an average of 475 customers: 16.84 %.
    /// let rate = period.churn_rate_by(ChurnDenominator::Average);
    /// assert_eq!(rate.round_dp_with_strategy(4, Rounding::HalfEven.strategy()), Decimal::new(1684, 4));
    /// # Ok::<(), customer_care::service::ServiceError>(())
    /// ```
    pub fn churn_rate_by(&self, denominator: ChurnDenominator) -> Decimal {
        match denominator {
            ChurnDenominator::Start => self.churn_rate(),
            ChurnDenominator::Average => {
                // lost / ((S + E)/2) = 2·lost / (S + E); below 2⁶⁶, far inside a Decimal's range.
                let twice_lost = Decimal::from(self.lost()).saturating_mul(Decimal::TWO);
                let sum = Decimal::from(self.start).saturating_add(Decimal::from(self.end));
                twice_lost.checked_div(sum).unwrap_or_default()
            }
        }
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

/// Converts a churn rate over a period of length `from` into the rate over a period of length `to` (both in one
/// unit: months, days, ...), assuming the same share of the remaining customers leaves in every equal stretch of
/// time: `1 − (1 − rate)^(to/from)`. Annual → monthly is `(rate, 12, 1)`, monthly → annual `(rate, 1, 12)`,
/// 30 days → a week `(rate, 30, 7)`; the ratio need not be whole.
///
/// Exact when `from` divides `to` (a whole power of a [`Decimal`]); otherwise the `(from/gcd)`-th root of
/// `1 − rate` is found by bisection to the last of the 28 decimal places, raised to `to/gcd`, and the result rounded
/// to 24 places with [`Rounding::HalfEven`] (error within 1e-24 while `to/gcd` is below 10,000 and `1 − rate` is
/// not tiny: a [`Decimal`] below 1 keeps 28 decimal places, so `1 − rate = 1e-12` has only 16 significant digits
/// to take the root of). A power too small for 28 decimal places counts as 0 (everyone churned).
///
/// ```
/// use customer_care::service::churn::convert_churn;
/// use rust_decimal::Decimal;
///
/// let monthly = Decimal::new(2, 2); // 2 % a month
/// let annual = convert_churn(monthly, 1, 12)?;
/// assert_eq!(annual, "0.215283276265199966613504".parse::<Decimal>()?); // 1 − 0.98¹², exact
/// assert_eq!(convert_churn(annual, 12, 1)?, monthly); // and back
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`ServiceError::InvalidRate`] unless `0 ≤ rate ≤ 1`; [`ServiceError::InvalidConfig`] for a zero length.
pub fn convert_churn(rate: Decimal, from: u32, to: u32) -> Result<Decimal, ServiceError> {
    check_rate(rate)?;
    for (what, length) in [("period length to convert from", from), ("period length to convert to", to)] {
        if length == 0 {
            return Err(ServiceError::InvalidConfig { what: what.into(), value: "0".into() });
        }
    }
    let g = gcd(from, to);
    let (root, power) = (from / g, to / g);
    let kept = Decimal::ONE.saturating_sub(rate);
    if root == 1 {
        return Ok(Decimal::ONE.saturating_sub(decimal_pow(kept, power)));
    }
    // The root first: it stays near 1 with 28 good places, where a small power would have lost them.
    let kept = decimal_pow(decimal_root(kept, root), power);
    Ok(Decimal::ONE.saturating_sub(kept).round_dp_with_strategy(24, Rounding::HalfEven.strategy()))
}

fn gcd(mut a: u32, mut b: u32) -> u32 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// `x^k` for `x` in [0, 1] by repeated squaring (products of numbers in [0, 1] cannot overflow; digits beyond
/// the 28th are rounded off by the multiplication).
fn decimal_pow(x: Decimal, mut k: u32) -> Decimal {
    let mut base = x;
    let mut out = Decimal::ONE;
    while k > 0 {
        if k & 1 == 1 {
            out = out.checked_mul(base).unwrap_or_default();
        }
        base = base.checked_mul(base).unwrap_or_default();
        k >>= 1;
    }
    out
}

/// The `k`-th root of `y` in [0, 1]: bisection on [0, 1] for the largest `x` with `x^k ≤ y`, until the bounds
/// are one step of the 28th decimal place apart, then the nearer bound.
fn decimal_root(y: Decimal, k: u32) -> Decimal {
    if y.is_zero() || y >= Decimal::ONE {
        return y.min(Decimal::ONE);
    }
    let (mut lo, mut hi) = (Decimal::ZERO, Decimal::ONE);
    let step = Decimal::new(1, 28);
    let two = Decimal::TWO;
    // 2⁻⁹⁴ < 1e-28: 100 halvings always suffice.
    for _ in 0..100 {
        if hi.saturating_sub(lo) <= step {
            break;
        }
        let mid = lo.saturating_add(hi).checked_div(two).unwrap_or(lo);
        if decimal_pow(mid, k) <= y {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let below = y.saturating_sub(decimal_pow(lo, k));
    let above = decimal_pow(hi, k).saturating_sub(y);
    if above < below { hi } else { lo }
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

    /// Net churned revenue: `contraction + churned − expansion`, exact; negative when expansion outweighs the
    /// losses ("negative churn").
    ///
    /// # Errors
    ///
    /// [`ServiceError::Money`] if the sum overflows.
    pub fn net_churned_revenue(&self) -> Result<Money, ServiceError> {
        Ok(self.contraction.checked_add(self.churned)?.checked_sub(self.expansion)?)
    }

    /// Net revenue churn: `(contraction + churned − expansion) / starting` = 1 − net revenue retention; negative
    /// when expansion outweighs the losses. Exact to the 28 digits of a [`Decimal`]; round it for display with
    /// [`net_revenue_churn_rounded`](Self::net_revenue_churn_rounded).
    ///
    /// ```
    /// use customer_care::service::churn::RevenueMovements;
    /// use customer_care::{Currency, Money, Rounding};
    /// use rust_decimal::Decimal;
    ///
    /// let usd = |cents| Money::new(Decimal::new(cents, 2), Currency::USD);
    /// // Start at $10,000 MRR; +$800 upgrades, −$300 downgrades, −$700 cancellations: net churn 2 %.
    /// let r = RevenueMovements::new(usd(1_000_000)?, usd(80_000)?, usd(30_000)?, usd(70_000)?)?;
    /// assert_eq!(r.net_revenue_churn(), Decimal::new(2, 2));
    /// assert_eq!(r.net_churned_revenue()?, usd(20_000)?);
    /// // $10,000 start, $300 expansion, $100 lost: −2 %, "negative churn".
    /// let r = RevenueMovements::new(usd(1_000_000)?, usd(30_000)?, usd(0)?, usd(10_000)?)?;
    /// assert_eq!(r.net_revenue_churn_rounded(4, Rounding::HalfEven), Decimal::new(-200, 4));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn net_revenue_churn(&self) -> Decimal {
        let net =
            self.contraction.amount().saturating_add(self.churned.amount()).saturating_sub(self.expansion.amount());
        self.share(net)
    }

    /// [`net_revenue_churn`](Self::net_revenue_churn) rounded to `dp` decimal places with `rounding`
    /// (`4` places is a percentage with two decimals).
    pub fn net_revenue_churn_rounded(&self, dp: u32, rounding: Rounding) -> Decimal {
        self.net_revenue_churn().round_dp_with_strategy(dp, rounding.strategy())
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
