//! The stored-value program: currency, top-up promotions, limits, spend order and refund rounding, validated when
//! built and when deserialized.

use std::cmp::Ordering;

use chrono::{DateTime, Days, Months, Utc};
use chrono_tz::Tz;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::error::WalletError;
use super::event::BONUS;
use crate::ledger::{AllocationPolicy, Tag};
use crate::money::{Currency, Money, Rounding};

/// The bonus a top-up earns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Bonus {
    /// A fixed amount ("top up 1,000,000 VND, get 100,000 VND").
    Fixed {
        /// The bonus, greater than zero, in the program's currency.
        amount: Money,
    },
    /// A percentage of the top-up, rounded by [`StoredValueSpec::bonus_rounding`].
    Percent {
        /// Percent, greater than zero and at most 1000.
        #[serde(with = "rust_decimal::serde::str")]
        percent: Decimal,
    },
}

/// A top-up promotion tier: top-ups of at least `min_top_up` earn `bonus`. The largest tier reached applies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BonusTier {
    /// The smallest top-up this tier applies to.
    pub min_top_up: Money,
    /// The bonus.
    pub bonus: Bonus,
    /// Item tags the bonus may pay for (empty: anything), such as a bonus valid on drinks only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub restricted_to: Vec<Tag>,
}

impl BonusTier {
    /// Top-ups of at least `min_top_up` earn `percent` percent of the top-up (an integer, or a [`Decimal`]).
    ///
    /// ```
    /// use customer_care::wallet::BonusTier;
    /// use customer_care::{Currency, Money};
    ///
    /// let ten_percent = BonusTier::percent(Money::from_minor(1_000_000, Currency::VND), 10);
    /// ```
    pub fn percent(min_top_up: Money, percent: impl Into<Decimal>) -> Self {
        Self { min_top_up, bonus: Bonus::Percent { percent: percent.into() }, restricted_to: Vec::new() }
    }

    /// Top-ups of at least `min_top_up` earn a fixed `amount`.
    pub fn fixed(min_top_up: Money, amount: Money) -> Self {
        Self { min_top_up, bonus: Bonus::Fixed { amount }, restricted_to: Vec::new() }
    }

    /// The bonus pays only for items carrying one of `tags`.
    #[must_use]
    pub fn restricted_to(mut self, tags: impl IntoIterator<Item = Tag>) -> Self {
        self.restricted_to = tags.into_iter().collect();
        self
    }
}

/// When bonus value expires, in the program's zone. "Usable through D" expires at the start of the day after D.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum BonusExpiry {
    /// Bonus never expires.
    Never,
    /// Usable through the top-up's local date plus `days`.
    Days {
        /// Days, 1 to 36,600.
        days: u32,
    },
    /// Usable through the top-up's local date plus `months`, clamped to the month's end.
    Months {
        /// Months, 1 to 1,200.
        months: u32,
    },
}

/// Which bucket pays first.
///
/// Within a bucket the order is the same for both: soonest expiry first across every category of the bucket (for
/// principal: top-ups, gift cards and store credit together, so a gift card expiring next week goes before a top-up
/// that never expires), never-expiring lots last, and equal expiries oldest lot first (by [`LotId`]: the commit
/// that credited it, then its position in that commit). The allocation does not depend on whether the other bucket
/// happens to hold anything.
///
/// [`LotId`]: crate::ledger::LotId
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SpendOrder {
    /// Bonus lots first, then principal (top-ups, gift cards, store credit); soonest-expiring first within each.
    /// The default: the customer keeps the value that can be refunded and does not expire.
    #[default]
    BonusFirst,
    /// Principal first (top-ups, gift cards, store credit, merged soonest-expiring), then bonus; soonest-expiring
    /// first within each.
    PrincipalFirst,
}

/// The program as written: plain data. [`StoredValueProgram::new`] validates it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredValueSpec {
    /// The program's IANA zone: bonus expiry dates are local to it.
    pub zone: Tz,
    /// The currency of every account of the program.
    pub currency: Currency,
    /// Top-up promotions by strictly increasing `min_top_up` (empty: no bonus).
    #[serde(default)]
    pub bonus_tiers: Vec<BonusTier>,
    /// How a percentage bonus is rounded to the minor unit.
    pub bonus_rounding: Rounding,
    /// When bonus lots expire.
    pub bonus_expiry: BonusExpiry,
    /// The smallest top-up accepted.
    #[serde(default)]
    pub min_top_up: Option<Money>,
    /// The largest top-up accepted.
    #[serde(default)]
    pub max_top_up: Option<Money>,
    /// The largest balance (available, held and pending) an account may reach by a top-up or an issue; exceeding
    /// it is rejected. Refunds of spends restore value regardless.
    #[serde(default)]
    pub max_balance: Option<Money>,
    /// Which bucket pays first.
    #[serde(default)]
    pub spend_order: SpendOrder,
    /// How the bonus forfeited by a partial top-up refund is rounded (`Ceiling` forfeits the larger amount).
    pub refund_rounding: Rounding,
}

impl StoredValueSpec {
    /// A program in `currency` and `zone` with no promotions, no limits, bonus first, bonus never expiring,
    /// percentages and forfeits rounded half up. Adjust it with the methods below or the public fields, then
    /// [`StoredValueProgram::new`].
    ///
    /// ```
    /// use customer_care::wallet::{BonusExpiry, BonusTier, StoredValueProgram, StoredValueSpec};
    /// use customer_care::{Currency, Money};
    ///
    /// let vnd = |amount| Money::from_minor(amount, Currency::VND);
    /// let spec = StoredValueSpec::new(chrono_tz::Asia::Ho_Chi_Minh, Currency::VND)
    ///     .bonus(BonusTier::percent(vnd(1_000_000), 10))
    ///     .bonus_expiry(BonusExpiry::Months { months: 6 });
    /// let program = StoredValueProgram::new(spec)?;
    /// # Ok::<(), customer_care::WalletError>(())
    /// ```
    pub const fn new(zone: Tz, currency: Currency) -> Self {
        Self {
            zone,
            currency,
            bonus_tiers: Vec::new(),
            bonus_rounding: Rounding::HalfUp,
            bonus_expiry: BonusExpiry::Never,
            min_top_up: None,
            max_top_up: None,
            max_balance: None,
            spend_order: SpendOrder::BonusFirst,
            refund_rounding: Rounding::HalfUp,
        }
    }

    /// Adds a top-up promotion (tiers by strictly increasing `min_top_up`).
    #[must_use]
    pub fn bonus(mut self, tier: BonusTier) -> Self {
        self.bonus_tiers.push(tier);
        self
    }

    /// Sets when bonus lots expire.
    #[must_use]
    pub const fn bonus_expiry(mut self, expiry: BonusExpiry) -> Self {
        self.bonus_expiry = expiry;
        self
    }

    /// Sets the largest balance an account may reach by a top-up or an issue.
    #[must_use]
    pub const fn max_balance(mut self, max: Money) -> Self {
        self.max_balance = Some(max);
        self
    }
}

/// A validated stored-value program. Serialized as its [`StoredValueSpec`]; deserializing validates.
///
/// ```
/// use customer_care::wallet::{BonusTier, StoredValueProgram, StoredValueSpec};
/// use customer_care::{Currency, Money};
///
/// let mut spec = StoredValueSpec::new(chrono_tz::Asia::Ho_Chi_Minh, Currency::VND)
///     .bonus(BonusTier::percent(Money::from_minor(1_000_000, Currency::VND), 10));
/// let program = StoredValueProgram::new(spec.clone())?;
/// assert_eq!(program.bonus_for(Money::from_minor(2_000_000, Currency::VND))?.map(|(m, _)| m.to_string()),
///            Some("200000 VND".to_owned()));
///
/// spec.min_top_up = Some(Money::from_minor(10, Currency::USD));
/// assert_eq!(
///     StoredValueProgram::new(spec).unwrap_err().to_string(),
///     "invalid stored-value program: minimum top-up 0.10 USD must be a positive amount in VND"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "StoredValueSpec", into = "StoredValueSpec")]
pub struct StoredValueProgram {
    spec: StoredValueSpec,
    #[serde(skip)]
    policy: AllocationPolicy,
    #[serde(skip)]
    soonest: AllocationPolicy,
}

impl TryFrom<StoredValueSpec> for StoredValueProgram {
    type Error = WalletError;
    fn try_from(spec: StoredValueSpec) -> Result<Self, WalletError> {
        Self::new(spec)
    }
}

impl From<StoredValueProgram> for StoredValueSpec {
    fn from(p: StoredValueProgram) -> Self {
        p.spec
    }
}

fn invalid(reason: impl Into<String>) -> WalletError {
    WalletError::InvalidProgram { reason: reason.into() }
}

const MAX_DAYS: u32 = 36_600;
const MAX_MONTHS: u32 = 1_200;

impl StoredValueProgram {
    /// Validates a program.
    ///
    /// # Errors
    ///
    /// [`WalletError::InvalidProgram`] naming the problem: a limit or tier not a positive amount in the program's
    /// currency, a minimum top-up above the maximum, tiers not strictly increasing, a bonus not greater than zero
    /// (or a percentage above 1000), a bonus expiry of zero or too many days or months.
    pub fn new(spec: StoredValueSpec) -> Result<Self, WalletError> {
        let c = spec.currency;
        let positive = |m: &Money| m.currency() == c && m.is_positive();
        for (name, limit) in [
            ("minimum top-up", &spec.min_top_up),
            ("maximum top-up", &spec.max_top_up),
            ("maximum balance", &spec.max_balance),
        ] {
            if let Some(m) = limit
                && !positive(m)
            {
                return Err(invalid(format!("{name} {m} must be a positive amount in {c}")));
            }
        }
        if let (Some(min), Some(max)) = (&spec.min_top_up, &spec.max_top_up)
            && min.amount() > max.amount()
        {
            return Err(invalid(format!("minimum top-up {min} is above the maximum {max}")));
        }
        for (i, tier) in spec.bonus_tiers.iter().enumerate() {
            if !positive(&tier.min_top_up) {
                return Err(invalid(format!(
                    "bonus tier threshold {} must be a positive amount in {c}",
                    tier.min_top_up
                )));
            }
            if let Some(prev) = i.checked_sub(1).and_then(|p| spec.bonus_tiers.get(p))
                && tier.min_top_up.amount() <= prev.min_top_up.amount()
            {
                return Err(invalid(format!(
                    "bonus tiers overlap: {} must be above {}",
                    tier.min_top_up, prev.min_top_up
                )));
            }
            match &tier.bonus {
                Bonus::Fixed { amount } if !positive(amount) => {
                    return Err(invalid(format!("fixed bonus {amount} must be a positive amount in {c}")));
                }
                Bonus::Percent { percent } if *percent <= Decimal::ZERO || *percent > Decimal::ONE_THOUSAND => {
                    return Err(invalid(format!("bonus of {percent}% must be greater than 0 and at most 1000")));
                }
                _ => {}
            }
        }
        match spec.bonus_expiry {
            BonusExpiry::Days { days } if days == 0 || days > MAX_DAYS => {
                return Err(invalid(format!("bonus expiry of {days} days must be 1 to {MAX_DAYS}")));
            }
            BonusExpiry::Months { months } if months == 0 || months > MAX_MONTHS => {
                return Err(invalid(format!("bonus expiry of {months} months must be 1 to {MAX_MONTHS}")));
            }
            _ => {}
        }
        let policy = match spec.spend_order {
            SpendOrder::BonusFirst => AllocationPolicy::CategoryOrder { order: vec![BONUS] },
            // Principal is every category but bonus (top-ups, gift cards, store credit and any other): all of it
            // merged soonest-expiring, then bonus.
            SpendOrder::PrincipalFirst => AllocationPolicy::CategoryLast { last: vec![BONUS] },
        };
        Ok(Self { spec, policy, soonest: AllocationPolicy::SoonestExpiring })
    }

    /// The program as written.
    pub const fn spec(&self) -> &StoredValueSpec {
        &self.spec
    }

    /// The program's currency.
    pub const fn currency(&self) -> Currency {
        self.spec.currency
    }

    /// The lot engine's allocation policy for the program's spend order:
    /// [`CategoryOrder`](AllocationPolicy::CategoryOrder) `[BONUS]` for bonus first,
    /// [`CategoryLast`](AllocationPolicy::CategoryLast) `[BONUS]` for principal first.
    pub const fn allocation(&self) -> &AllocationPolicy {
        &self.policy
    }

    /// Plain soonest-expiring, which allocates exactly as the spend order does while one bucket is empty.
    pub(crate) const fn soonest_expiring(&self) -> &AllocationPolicy {
        &self.soonest
    }

    /// The bonus a top-up of `amount` earns and the tags it is restricted to (`None`: no tier reached, or a bonus
    /// that rounds to zero).
    ///
    /// # Errors
    ///
    /// [`WalletError::CurrencyMismatch`], [`WalletError::Money`] on overflow.
    pub fn bonus_for(&self, amount: Money) -> Result<Option<(Money, &[Tag])>, WalletError> {
        if amount.currency() != self.spec.currency {
            return Err(WalletError::CurrencyMismatch { expected: self.spec.currency, found: amount.currency() });
        }
        let tier = self.spec.bonus_tiers.iter().rev().find(|t| t.min_top_up.amount() <= amount.amount());
        let Some(tier) = tier else { return Ok(None) };
        let bonus = match &tier.bonus {
            Bonus::Fixed { amount } => *amount,
            Bonus::Percent { percent } => {
                let factor = percent.checked_div(Decimal::ONE_HUNDRED).unwrap_or(Decimal::ZERO);
                amount.checked_mul(factor, self.spec.bonus_rounding)?
            }
        };
        Ok(bonus.is_positive().then_some((bonus, tier.restricted_to.as_slice())))
    }

    /// When bonus credited at `at` expires (`None`: never).
    pub fn bonus_expiry_for(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let tz = self.spec.zone;
        let today = crate::local_day::local_date_or_utc(tz, at);
        let through = match self.spec.bonus_expiry {
            BonusExpiry::Never => return None,
            BonusExpiry::Days { days } => today.checked_add_days(Days::new(u64::from(days)))?,
            BonusExpiry::Months { months } => today.checked_add_months(Months::new(months))?,
        };
        crate::local_day::end_of_day(tz, through)
    }

    /// Checks a top-up amount against the program's limits.
    ///
    /// # Errors
    ///
    /// [`WalletError::CurrencyMismatch`], [`WalletError::NonPositiveAmount`], [`WalletError::BelowMinimumTopUp`],
    /// [`WalletError::AboveMaximumTopUp`].
    pub fn check_top_up(&self, amount: Money) -> Result<(), WalletError> {
        if amount.currency() != self.spec.currency {
            return Err(WalletError::CurrencyMismatch { expected: self.spec.currency, found: amount.currency() });
        }
        if !amount.is_positive() {
            return Err(WalletError::NonPositiveAmount { amount });
        }
        if let Some(minimum) = self.spec.min_top_up
            && amount.amount().cmp(&minimum.amount()) == Ordering::Less
        {
            return Err(WalletError::BelowMinimumTopUp { amount, minimum });
        }
        if let Some(maximum) = self.spec.max_top_up
            && amount.amount() > maximum.amount()
        {
            return Err(WalletError::AboveMaximumTopUp { amount, maximum });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn usd(n: i64) -> Money {
        Money::from_minor(n, Currency::USD)
    }

    fn spec() -> StoredValueSpec {
        let mut s = StoredValueSpec::new(chrono_tz::America::New_York, Currency::USD);
        s.bonus_tiers = vec![
            BonusTier {
                min_top_up: usd(1_000),
                bonus: Bonus::Percent { percent: "12.5".parse().unwrap() },
                restricted_to: vec![],
            },
            BonusTier { min_top_up: usd(5_000), bonus: Bonus::Fixed { amount: usd(1_000) }, restricted_to: vec![] },
        ];
        s
    }

    #[test]
    fn tiers_pick_the_largest_reached_and_round_as_named() {
        let mut s = spec();
        s.bonus_rounding = Rounding::Floor;
        let p = StoredValueProgram::new(s.clone()).unwrap();
        assert_eq!(p.bonus_for(usd(999)).unwrap(), None);
        // 12.5 % of 10.01 = 1.25125 → 1.25 (floor).
        assert_eq!(p.bonus_for(usd(1_001)).unwrap().map(|(m, _)| m), Some(usd(125)));
        assert_eq!(p.bonus_for(usd(4_999)).unwrap().map(|(m, _)| m), Some(usd(624)));
        assert_eq!(p.bonus_for(usd(5_000)).unwrap().map(|(m, _)| m), Some(usd(1_000)));
        s.bonus_rounding = Rounding::Ceiling;
        let p = StoredValueProgram::new(s).unwrap();
        assert_eq!(p.bonus_for(usd(1_001)).unwrap().map(|(m, _)| m), Some(usd(126)));
        assert!(p.bonus_for(Money::from_minor(1, Currency::EUR)).is_err());
    }

    #[test]
    fn bonus_expiry_is_the_end_of_a_local_day_across_dst() {
        let mut s = spec();
        s.bonus_expiry = BonusExpiry::Days { days: 10 };
        let p = StoredValueProgram::new(s.clone()).unwrap();
        // 1 March 2026 20:00 in New York (EST) is 2 March 01:00 UTC; usable through 11 March local, which is after
        // the switch to EDT on 8 March: expires 12 March 00:00 EDT = 04:00 UTC.
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0).unwrap();
        assert_eq!(p.bonus_expiry_for(at), Some(Utc.with_ymd_and_hms(2026, 3, 12, 4, 0, 0).unwrap()));
        s.bonus_expiry = BonusExpiry::Months { months: 1 };
        let p = StoredValueProgram::new(s).unwrap();
        let jan31 = Utc.with_ymd_and_hms(2026, 1, 31, 15, 0, 0).unwrap();
        assert_eq!(p.bonus_expiry_for(jan31), Some(Utc.with_ymd_and_hms(2026, 3, 1, 5, 0, 0).unwrap()));
        let never = StoredValueProgram::new(spec()).unwrap();
        assert_eq!(never.bonus_expiry_for(at), None);
    }

    #[test]
    fn top_up_limits() {
        let mut s = spec();
        s.min_top_up = Some(usd(500));
        s.max_top_up = Some(usd(50_000));
        let p = StoredValueProgram::new(s).unwrap();
        assert_eq!(
            p.check_top_up(usd(499)),
            Err(WalletError::BelowMinimumTopUp { amount: usd(499), minimum: usd(500) })
        );
        assert!(p.check_top_up(usd(500)).is_ok());
        assert!(p.check_top_up(usd(50_000)).is_ok());
        assert!(matches!(p.check_top_up(usd(50_001)), Err(WalletError::AboveMaximumTopUp { .. })));
        assert!(matches!(p.check_top_up(usd(0)), Err(WalletError::NonPositiveAmount { .. })));
    }
}
