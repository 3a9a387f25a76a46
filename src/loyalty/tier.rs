//! Tiers: their keys and benefits, the qualification rules, and the calendar of windows and reviews.

use chrono::{DateTime, Datelike, Months, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::period::{Period, next_period_start, period_start};
use super::points::Points;
use crate::ledger::label;
use crate::local_day::{local_date_or_utc, start_of_day};
use crate::locale::DisplayName;
use crate::money::{Currency, Money};

label!(
    /// The key of a tier ("silver", "gold"): stable, ASCII, what events, commands and configuration name. A
    /// customer never reads it: give the [`Tier`] a [`display_name`](Tier::display_name) ("Bạc", "Thành viên")
    /// and messages print that, in the reader's language (see [`crate::locale`]).
    TierName
);

/// What tier qualification counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum TierMetric {
    /// Points earned on purchases.
    PointsEarned,
    /// Money spent on purchases in one currency (in major units).
    AmountSpent {
        /// The currency counted; purchases in others do not count.
        currency: Currency,
    },
}

/// The qualification window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum TierWindow {
    /// The last `months` months (reviewed at each calendar month's end).
    RollingMonths {
        /// Months, at least 1.
        months: u32,
    },
    /// The current calendar year (reviewed at each year's end, counting the year that ended).
    CalendarYear,
}

/// One tier and its benefits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tier {
    /// Its key (ASCII, stable: events and configuration name it).
    pub name: TierName,
    /// What customers read ("Bạc", "Thành viên"), per language; `None`: the key. Care messages and receipts
    /// print this, never the key when it is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<DisplayName>,
    /// The metric needed to qualify (points or major currency units); the first tier's is 0.
    #[serde(with = "rust_decimal::serde::str")]
    pub threshold: Decimal,
    /// Multiplies earned points, greater than zero.
    #[serde(with = "rust_decimal::serde::str")]
    pub earn_multiplier: Decimal,
    /// Price discount in percent, 0 to under 100: "customers with many points enjoy better prices".
    #[serde(with = "rust_decimal::serde::str")]
    pub discount_percent: Decimal,
}

impl Tier {
    /// A tier reached from a threshold of 0 (the first tier), with no benefit: an earn multiplier of 1 and no
    /// discount. Set the threshold and benefits with the methods below.
    ///
    /// ```
    /// use customer_care::loyalty::{Points, Tier, TierName};
    /// use rust_decimal::Decimal;
    ///
    /// let gold = Tier::new(TierName::new("gold")?).threshold_points(Points::new(500)).earn_multiplier(Decimal::new(15, 1)).discount_percent(5);
    /// assert_eq!(gold.threshold, Decimal::from(500));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(name: TierName) -> Self {
        Self {
            name,
            display_name: None,
            threshold: Decimal::ZERO,
            earn_multiplier: Decimal::ONE,
            discount_percent: Decimal::ZERO,
        }
    }

    /// Qualifies at `points` earned (under [`TierMetric::PointsEarned`]).
    #[must_use]
    pub fn threshold_points(mut self, points: Points) -> Self {
        self.threshold = Decimal::from(points.get());
        self
    }

    /// Qualifies at `amount` spent (under [`TierMetric::AmountSpent`] in the same currency; the threshold keeps the
    /// amount in major units).
    #[must_use]
    pub fn threshold_spend(mut self, amount: Money) -> Self {
        self.threshold = amount.amount();
        self
    }

    /// Multiplies earned points by `multiplier` (greater than zero; `Decimal::new(15, 1)` is 1.5).
    #[must_use]
    pub fn earn_multiplier(mut self, multiplier: impl Into<Decimal>) -> Self {
        self.earn_multiplier = multiplier.into();
        self
    }

    /// Gives a price discount of `percent` (0 to under 100).
    #[must_use]
    pub fn discount_percent(mut self, percent: impl Into<Decimal>) -> Self {
        self.discount_percent = percent.into();
        self
    }
}

/// Tier qualification, upgrade and downgrade.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierRules {
    /// What counts.
    pub metric: TierMetric,
    /// Over which window.
    pub window: TierWindow,
    /// Tiers by strictly increasing threshold; the first has threshold 0.
    pub tiers: Vec<Tier>,
    /// Days after a review period's end before a downgrade takes effect.
    #[serde(default)]
    pub grace_days: u32,
    /// A tier the customer never falls below once reached (none: the lowest).
    #[serde(default)]
    pub floor: Option<TierName>,
}

impl TierRules {
    /// Tiers counted by `metric` over `window`, with no grace period and no floor.
    ///
    /// ```
    /// use customer_care::loyalty::{Points, Tier, TierMetric, TierName, TierRules, TierWindow};
    ///
    /// let rules = TierRules::new(TierMetric::PointsEarned, TierWindow::CalendarYear, vec![
    ///     Tier::new(TierName::new("member")?),
    ///     Tier::new(TierName::new("gold")?).threshold_points(Points::new(500)).discount_percent(5),
    /// ])
    /// .grace_days(30);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn new(metric: TierMetric, window: TierWindow, tiers: Vec<Tier>) -> Self {
        Self { metric, window, tiers, grace_days: 0, floor: None }
    }

    /// Days after a review period's end before a downgrade takes effect.
    #[must_use]
    pub const fn grace_days(mut self, days: u32) -> Self {
        self.grace_days = days;
        self
    }

    /// A tier the customer never falls below once reached.
    #[must_use]
    pub const fn floor(mut self, tier: TierName) -> Self {
        self.floor = Some(tier);
        self
    }
}

/// The first instant after the review period containing `at`: a calendar month for rolling windows, the year for
/// calendar-year windows.
pub(crate) fn review_period_end(rules: &TierRules, tz: Tz, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let period = review_period(rules);
    start_of_day(tz, next_period_start(period_start(local_date_or_utc(tz, at), period), period)?)
}

/// The last review due at or before `at`: the start of the review period containing `at - grace`, plus the
/// grace. `None` when it falls outside chrono's range.
pub(crate) fn last_review_due(rules: &TierRules, tz: Tz, grace: TimeDelta, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let period_end = at.checked_sub_signed(grace)?;
    let start = start_of_day(tz, period_start(local_date_or_utc(tz, period_end), review_period(rules)))?;
    start.checked_add_signed(grace).filter(|review| *review <= at)
}

/// Tier reviews come at the end of each calendar month for rolling windows, of each year for calendar years.
const fn review_period(rules: &TierRules) -> Period {
    match rules.window {
        TierWindow::RollingMonths { .. } => Period::Month,
        TierWindow::CalendarYear => Period::Year,
    }
}

/// The start of the qualification window that ends at `end`.
pub(crate) fn window_start(rules: &TierRules, tz: Tz, end: DateTime<Utc>) -> DateTime<Utc> {
    let start = match rules.window {
        TierWindow::RollingMonths { months } => end.checked_sub_months(Months::new(months)),
        TierWindow::CalendarYear => {
            let year = local_date_or_utc(tz, end).year();
            NaiveDate::from_ymd_opt(year, 1, 1).and_then(|d| start_of_day(tz, d))
        }
    };
    start.unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// The window a review at `review_at` (the end of a period, `period_end`, plus grace) counts: for rolling windows
/// the months before the review; for calendar years the year that ended, plus the grace days after it. Activity in
/// the grace period counts toward keeping the tier.
pub(crate) fn review_window_start(
    rules: &TierRules,
    tz: Tz,
    period_end: DateTime<Utc>,
    review_at: DateTime<Utc>,
) -> DateTime<Utc> {
    match rules.window {
        TierWindow::RollingMonths { .. } => window_start(rules, tz, review_at),
        TierWindow::CalendarYear => {
            let last_instant = period_end.checked_sub_signed(TimeDelta::nanoseconds(1)).unwrap_or(period_end);
            window_start(rules, tz, last_instant)
        }
    }
}
