//! The loyalty program: earn, expiry, redemption, tiers and returns, validated when built and when deserialized.

use chrono::{DateTime, Months, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::error::LoyaltyError;
use super::expiry::{ExpiryPolicy, ExpiryStart, describe_expiry, expiry_through, shortest_expiry_days};
use super::period::Period;
use super::points::{Points, PointsFraction, lcm};
use super::tier::{Tier, TierName, TierRules, TierWindow};
use crate::ledger::{AllocationPolicy, Tag};
use crate::local_day::{end_of_day, local_date_or_utc};
use crate::locale::DisplayName;
use crate::money::{Currency, Money, Rounding, mul_div_rem};

/// Points earned per amount spent in one currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarnRate {
    /// The amount that earns `points` (`1.00 USD`, `10000 VND`).
    pub per: Money,
    /// Points earned per `per` spent; may be fractional (the remainder is carried).
    #[serde(with = "rust_decimal::serde::str")]
    pub points: Decimal,
    /// Orders below this total earn nothing ([`LoyaltyError::BelowMinimumSpend`]).
    #[serde(default)]
    pub min_spend: Option<Money>,
}

/// Extra earn for order lines carrying a tag.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagRule {
    /// The item tag.
    pub tag: Tag,
    /// Multiplies the line's spend-based points (1 for none).
    #[serde(with = "rust_decimal::serde::str")]
    pub multiplier: Decimal,
    /// Flat points per tagged line.
    #[serde(default)]
    pub points_per_line: Points,
}

/// A campaign window multiplying earn ("double points in December").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Campaign {
    /// The campaign's key, shown in events and explanations (staff read it; any text).
    pub name: String,
    /// What customers read ("Tháng tri ân", "Thank-you month"), per language; `None`: the name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<DisplayName>,
    /// First instant of the campaign.
    pub starts_at: DateTime<Utc>,
    /// First instant after it (half-open).
    pub ends_at: DateTime<Utc>,
    /// The multiplier, greater than zero.
    #[serde(with = "rust_decimal::serde::str")]
    pub multiplier: Decimal,
}

/// What happens when an earn exceeds a cap.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CapBehaviour {
    /// Earn up to the cap; the excess (and its fractional remainder) is not earned.
    Cap,
    /// Reject the command with [`LoyaltyError::EarnCapExceeded`].
    Reject,
}

/// A cap on the points of one order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cap {
    /// The most points one order may earn.
    pub max: Points,
    /// Cap or reject.
    pub behaviour: CapBehaviour,
}

/// A cap on the points earned per calendar period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodCap {
    /// The most points earned (by purchases) per period.
    pub max: Points,
    /// The period.
    pub period: Period,
    /// Cap or reject.
    pub behaviour: CapBehaviour,
}

/// How points are earned on purchases.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarnRules {
    /// One rate per currency accepted.
    pub rates: Vec<EarnRate>,
    /// Flat points per order that meets the minimum spend.
    #[serde(default)]
    pub per_order: Points,
    /// Per-tag multipliers and flat points.
    #[serde(default)]
    pub tag_rules: Vec<TagRule>,
    /// Campaign windows.
    #[serde(default)]
    pub campaigns: Vec<Campaign>,
    /// Cap per order.
    #[serde(default)]
    pub cap_per_order: Option<Cap>,
    /// Cap per calendar period.
    #[serde(default)]
    pub cap_per_period: Option<PeriodCap>,
}

/// Points → money at redemption, per currency: `points` points are worth `value`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedemptionRate {
    /// Points, greater than zero.
    pub points: Points,
    /// Their value, greater than zero.
    pub value: Money,
}

/// How points are spent. The default has no rate (a program that only earns, for tiers or rewards outside this
/// crate), a minimum of 0 points, up to the whole order, rounding down.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedemptionRules {
    /// One rate per currency.
    pub rates: Vec<RedemptionRate>,
    /// The fewest points one redemption may use.
    #[serde(default)]
    pub min_points: Points,
    /// The largest share of an order total payable with points, in (0, 1].
    #[serde(with = "rust_decimal::serde::str")]
    pub max_share: Decimal,
    /// How a points value is rounded to the currency's minor unit.
    pub rounding: Rounding,
}

impl Default for RedemptionRules {
    fn default() -> Self {
        Self { rates: Vec::new(), min_points: Points::ZERO, max_share: Decimal::ONE, rounding: Rounding::Floor }
    }
}

/// What a return does to the points earned on the returned lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ClawbackPolicy {
    /// The customer keeps the points.
    Keep,
    /// Take back only what is still pending on the purchase's lot; active points are kept.
    PendingOnly,
    /// Take back from the purchase's lot, then from other available points, never below zero; the rest is forgiven.
    WithinBalance,
    /// As `WithinBalance`, then record the shortfall as debt up to `max_debt` outstanding (the rest is forgiven);
    /// later credits repay the debt first.
    AllowDebt {
        /// The most debt the account may carry.
        max_debt: Points,
    },
}

/// What a redemption refund does when the lot it restores into has expired meanwhile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ExpiredRefundPolicy {
    /// The points are not restored (they count as expired).
    Forfeit,
    /// A new lot usable through the refund date plus `days`.
    Grace {
        /// Days, at least 1.
        days: u32,
    },
    /// A new lot with the program's expiry counted from the refund.
    FreshExpiry,
}

/// The program as written: plain data. [`LoyaltyProgram::new`] validates it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgramSpec {
    /// The program's IANA zone: expiry dates and calendar periods are local to it.
    pub zone: Tz,
    /// Earn rules.
    pub earn: EarnRules,
    /// Days a purchase's points stay pending (the return window); 0: spendable at once.
    #[serde(default)]
    pub pending_days: u32,
    /// Expiry.
    pub expiry: ExpiryPolicy,
    /// From when a purchase's expiry is counted: the earn (default) or the end of the pending period. Bonuses and
    /// adjustments, never pending, count from their own instant either way.
    #[serde(default, skip_serializing_if = "ExpiryStart::is_earn")]
    pub expiry_from: ExpiryStart,
    /// Redemption (none by default: add rates with [`redeem`](Self::redeem)).
    #[serde(default)]
    pub redemption: RedemptionRules,
    /// Tiers (none: a flat program).
    #[serde(default)]
    pub tiers: Option<TierRules>,
    /// Returns.
    pub clawback: ClawbackPolicy,
    /// Refunds into expired lots.
    pub expired_refund: ExpiredRefundPolicy,
    /// Spend order for redemptions, holds and negative adjustments.
    #[serde(default)]
    pub allocation: AllocationPolicy,
}

impl ProgramSpec {
    /// A minimal program: `points` points per `per` spent, pending 0 days, never expiring, no redemption (add it
    /// with [`redeem`](Self::redeem)), no tiers, clawback within balance, expired refunds forfeited. `points` is
    /// an integer or a [`Decimal`] (`Decimal::new(5, 1)` is half a point). Adjust the rest with the methods below
    /// or the public fields, then [`LoyaltyProgram::new`].
    ///
    /// ```
    /// use customer_care::loyalty::{ExpiryPolicy, LoyaltyProgram, Points, ProgramSpec};
    /// use customer_care::{Currency, Money};
    ///
    /// let vnd = |amount| Money::from_minor(amount, Currency::VND);
    /// let spec = ProgramSpec::new(chrono_tz::Asia::Ho_Chi_Minh, vnd(10_000), 1)
    ///     .redeem(Points::new(1), vnd(100))
    ///     .expiry(ExpiryPolicy::RollingMonths { months: 12 });
    /// let program = LoyaltyProgram::new(spec)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(zone: Tz, per: Money, points: impl Into<Decimal>) -> Self {
        Self {
            zone,
            earn: EarnRules {
                rates: vec![EarnRate { per, points: points.into(), min_spend: None }],
                per_order: Points::ZERO,
                tag_rules: Vec::new(),
                campaigns: Vec::new(),
                cap_per_order: None,
                cap_per_period: None,
            },
            pending_days: 0,
            expiry: ExpiryPolicy::Never,
            expiry_from: ExpiryStart::Earn,
            redemption: RedemptionRules::default(),
            tiers: None,
            clawback: ClawbackPolicy::WithinBalance,
            expired_refund: ExpiredRefundPolicy::Forfeit,
            allocation: AllocationPolicy::SoonestExpiring,
        }
    }

    /// Adds a redemption rate: `points` points are worth `value` (one rate per currency).
    #[must_use]
    pub fn redeem(mut self, points: Points, value: Money) -> Self {
        self.redemption.rates.push(RedemptionRate { points, value });
        self
    }

    /// Sets the expiry policy.
    #[must_use]
    pub fn expiry(mut self, expiry: ExpiryPolicy) -> Self {
        self.expiry = expiry;
        self
    }

    /// Sets the days a purchase's points stay pending (the return window).
    #[must_use]
    pub fn pending_days(mut self, days: u32) -> Self {
        self.pending_days = days;
        self
    }

    /// Sets the tier rules.
    #[must_use]
    pub fn tiers(mut self, tiers: TierRules) -> Self {
        self.tiers = Some(tiers);
        self
    }

    /// Sets the clawback policy for returns.
    #[must_use]
    pub fn clawback(mut self, clawback: ClawbackPolicy) -> Self {
        self.clawback = clawback;
        self
    }
}

/// A validated loyalty program. Serialized as its [`ProgramSpec`]; deserializing validates.
///
/// ```
/// use customer_care::loyalty::{LoyaltyProgram, Points, ProgramSpec};
/// use customer_care::{Currency, Money};
///
/// let spec = ProgramSpec::new(chrono_tz::Asia::Ho_Chi_Minh, Money::from_minor(10_000, Currency::VND), 1)
///     .redeem(Points::new(1), Money::from_minor(100, Currency::VND));
/// let program = LoyaltyProgram::new(spec.clone())?;
///
/// let mut bad = spec;
/// bad.earn.rates[0].points = 0.into();
/// assert_eq!(
///     LoyaltyProgram::new(bad).unwrap_err().to_string(),
///     "invalid loyalty program: earn rate for VND must be greater than zero"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ProgramSpec", into = "ProgramSpec")]
pub struct LoyaltyProgram {
    spec: ProgramSpec,
    /// Points per minor unit, exactly, per earn rate.
    per_minor: Vec<PointsFraction>,
}

impl TryFrom<ProgramSpec> for LoyaltyProgram {
    type Error = LoyaltyError;
    fn try_from(spec: ProgramSpec) -> Result<Self, LoyaltyError> {
        Self::new(spec)
    }
}

impl From<LoyaltyProgram> for ProgramSpec {
    fn from(p: LoyaltyProgram) -> Self {
        p.spec
    }
}

fn invalid(reason: impl Into<String>) -> LoyaltyError {
    LoyaltyError::InvalidProgram { reason: reason.into() }
}

const MAX_DAYS: u32 = 36_600;
/// The largest denominator exact earn may need: with it, `points × denominator` of any earn whose points fit an
/// `i64` fits the `u128` arithmetic.
const MAX_EARN_DENOMINATOR: u128 = 1 << 64;

/// Points per minor unit of a rate, exactly: `points ÷ per` in minor units.
fn per_minor_unit(rate: &EarnRate) -> Option<PointsFraction> {
    let per = u128::try_from(rate.per.minor_units()).ok()?;
    PointsFraction::from_decimal(rate.points)?.checked_mul(PointsFraction::new(1, per)?)
}

/// A denominator every exact earn of the program is a whole multiple of (the least common multiple of the rates'
/// denominators, times ten to the decimal places of every multiplier that can apply at once); `None` beyond 128
/// bits.
fn earn_denominator(spec: &ProgramSpec) -> Option<u128> {
    let places = |d: Decimal| d.normalize().scale();
    let mut denominator = 1u128;
    for rate in &spec.earn.rates {
        denominator = lcm(denominator, per_minor_unit(rate)?.denominator())?;
    }
    let tiers = spec.tiers.iter().flat_map(|t| &t.tiers).map(|t| places(t.earn_multiplier)).max().unwrap_or(0);
    let tags = spec.earn.tag_rules.iter().map(|t| places(t.multiplier));
    let campaigns = spec.earn.campaigns.iter().map(|c| places(c.multiplier));
    let scale = tags.chain(campaigns).try_fold(tiers, u32::checked_add)?;
    denominator.checked_mul(10u128.checked_pow(scale)?)
}
const MAX_MONTHS: u32 = 1_200;

impl LoyaltyProgram {
    /// Validates a program.
    ///
    /// # Errors
    ///
    /// [`LoyaltyError::InvalidProgram`] naming the problem: no earn rate, a rate or multiplier not greater than
    /// zero, two rates for one currency, a minimum spend in another currency, a campaign that ends before it starts,
    /// a zero cap, an expiry of zero days or months or an impossible fixed date, a redemption rate of zero, a
    /// maximum share outside (0, 1], tiers that overlap (thresholds not strictly increasing), a first tier above
    /// zero, a discount outside [0, 100), an unknown floor tier; earn rates and multipliers with so many decimal
    /// places that exact earn would need a denominator above 2⁶⁴.
    pub fn new(spec: ProgramSpec) -> Result<Self, LoyaltyError> {
        let earn = &spec.earn;
        if earn.rates.is_empty() {
            return Err(invalid("at least one earn rate is required"));
        }
        for (i, r) in earn.rates.iter().enumerate() {
            let c = r.per.currency();
            if !r.per.is_positive() || r.points <= Decimal::ZERO {
                return Err(invalid(format!("earn rate for {c} must be greater than zero")));
            }
            if earn.rates.iter().take(i).any(|o| o.per.currency() == c) {
                return Err(invalid(format!("two earn rates for {c}")));
            }
            if let Some(min) = &r.min_spend
                && (min.currency() != c || min.is_negative())
            {
                return Err(invalid(format!("minimum spend {min} must be a non-negative amount in {c}")));
            }
        }
        if earn.per_order.get() < 0 {
            return Err(invalid(format!("points per order {} must not be negative", earn.per_order)));
        }
        for t in &earn.tag_rules {
            if t.multiplier <= Decimal::ZERO || t.points_per_line.get() < 0 {
                return Err(invalid(format!("tag rule {}: multiplier must be > 0 and points >= 0", t.tag)));
            }
        }
        for c in &earn.campaigns {
            if c.multiplier <= Decimal::ZERO {
                return Err(invalid(format!("campaign {:?}: multiplier must be greater than zero", c.name)));
            }
            if c.ends_at <= c.starts_at {
                return Err(invalid(format!("campaign {:?} ends at {} before it starts", c.name, c.ends_at)));
            }
        }
        if earn.cap_per_order.is_some_and(|c| !c.max.is_positive())
            || earn.cap_per_period.is_some_and(|c| !c.max.is_positive())
        {
            return Err(invalid("caps must be greater than zero"));
        }
        if spec.pending_days > MAX_DAYS {
            return Err(invalid(format!("pending days {} exceed {MAX_DAYS}", spec.pending_days)));
        }
        match spec.expiry {
            ExpiryPolicy::RollingDays { days } if days == 0 || days > MAX_DAYS => {
                return Err(invalid(format!("rolling expiry of {days} days must be 1 to {MAX_DAYS}")));
            }
            ExpiryPolicy::RollingMonths { months } if months == 0 || months > MAX_MONTHS => {
                return Err(invalid(format!("rolling expiry of {months} months must be 1 to {MAX_MONTHS}")));
            }
            ExpiryPolicy::EndOfPeriod { periods_after, .. } if periods_after > MAX_MONTHS => {
                return Err(invalid(format!("{periods_after} periods after exceed {MAX_MONTHS}")));
            }
            ExpiryPolicy::Inactivity { months } if months == 0 || months > MAX_MONTHS => {
                return Err(invalid(format!("inactivity expiry of {months} months must be 1 to {MAX_MONTHS}")));
            }
            ExpiryPolicy::FixedDate { month, day } if NaiveDate::from_ymd_opt(2024, month, day).is_none() => {
                return Err(invalid(format!("fixed expiry date {month}-{day} does not exist")));
            }
            _ => {}
        }
        if spec.pending_days > 0 && spec.expiry_from == ExpiryStart::Earn {
            // Expiring at the start of the day after `through`, points activated `pending_days` × 24 h after the
            // earn are spendable when `through` is at least `pending_days + 1` local days after the earn date (one
            // day of margin for a clock change of up to 24 hours in the pending period).
            if let Some(shortest) = shortest_expiry_days(&spec.expiry)
                && shortest <= i64::from(spec.pending_days)
            {
                return Err(invalid(format!(
                    "expiry {} counted from the earn can end before the pending period of {} days does (the \
                     shortest is {shortest} days): points would expire before they can be spent; make it last at \
                     least {} days, or count it from activation",
                    describe_expiry(&spec.expiry),
                    spec.pending_days,
                    u64::from(spec.pending_days) + 1,
                )));
            }
        }
        for (cap, what) in [
            (earn.cap_per_order.filter(|c| c.behaviour == CapBehaviour::Reject).map(|c| c.max), "per order"),
            (earn.cap_per_period.filter(|c| c.behaviour == CapBehaviour::Reject).map(|c| c.max), "per period"),
        ] {
            if let Some(max) = cap
                && earn.per_order > max
            {
                return Err(invalid(format!(
                    "{} points per order exceed the rejecting cap of {max} {what}: every earn would be refused",
                    earn.per_order
                )));
            }
        }
        if let ExpiredRefundPolicy::Grace { days } = spec.expired_refund
            && (days == 0 || days > MAX_DAYS)
        {
            return Err(invalid(format!("refund grace of {days} days must be 1 to {MAX_DAYS}")));
        }
        let red = &spec.redemption;
        for (i, r) in red.rates.iter().enumerate() {
            let c = r.value.currency();
            if !r.points.is_positive() || !r.value.is_positive() {
                return Err(invalid(format!("redemption rate for {c} must be greater than zero")));
            }
            if red.rates.iter().take(i).any(|o| o.value.currency() == c) {
                return Err(invalid(format!("two redemption rates for {c}")));
            }
        }
        if red.min_points.get() < 0 {
            return Err(invalid("minimum redemption must not be negative"));
        }
        if red.max_share <= Decimal::ZERO || red.max_share > Decimal::ONE {
            return Err(invalid(format!("maximum share {} must be in (0, 1]", red.max_share)));
        }
        if let ClawbackPolicy::AllowDebt { max_debt } = spec.clawback
            && !max_debt.is_positive()
        {
            return Err(invalid("maximum debt must be greater than zero"));
        }
        if let Some(tiers) = &spec.tiers {
            validate_tiers(tiers)?;
        }
        let per_minor = spec
            .earn
            .rates
            .iter()
            .map(|r| {
                per_minor_unit(r).ok_or_else(|| {
                    invalid(format!("earn rate of {} points per {} does not fit exact arithmetic", r.points, r.per))
                })
            })
            .collect::<Result<_, _>>()?;
        match earn_denominator(&spec) {
            Some(d) if d <= MAX_EARN_DENOMINATOR => {}
            d => {
                return Err(invalid(format!(
                    "earn rates and multipliers too fine: exact points need a denominator of {}, above 2^64; use \
                     fewer decimal places",
                    d.map_or_else(|| "more than 2^128".to_owned(), |d| d.to_string())
                )));
            }
        }
        Ok(Self { spec, per_minor })
    }

    /// The program as written.
    pub const fn spec(&self) -> &ProgramSpec {
        &self.spec
    }

    /// The program's zone.
    pub const fn zone(&self) -> Tz {
        self.spec.zone
    }

    /// The earn rate for `currency`.
    pub fn earn_rate(&self, currency: Currency) -> Option<&EarnRate> {
        self.spec.earn.rates.iter().find(|r| r.per.currency() == currency)
    }

    /// The earn rate for `currency` and the points it gives per major unit, rounded to 28 decimal places: for
    /// display. Earn itself uses the exact [`points_per_minor_unit`](Self::points_per_minor_unit).
    pub fn earn_rate_per_unit(&self, currency: Currency) -> Option<(&EarnRate, Decimal)> {
        let rate = self.earn_rate(currency)?;
        Some((rate, rate.points.checked_div(rate.per.amount())?))
    }

    /// The earn rate for `currency` and, exactly, the points it gives per minor unit: "1 point per 3.00 USD" gives
    /// `1/300` per cent.
    ///
    /// ```
    /// use customer_care::loyalty::{LoyaltyProgram, Points, ProgramSpec};
    /// use customer_care::{Currency, Money};
    ///
    /// let usd = |cents| Money::from_minor(cents, Currency::USD);
    /// let program = LoyaltyProgram::new(ProgramSpec::new(chrono_tz::UTC, usd(300), 1).redeem(Points::new(100), usd(100)))?;
    /// let (_, per_cent) = program.points_per_minor_unit(Currency::USD).unwrap();
    /// assert_eq!(per_cent.to_string(), "1/300");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn points_per_minor_unit(&self, currency: Currency) -> Option<(&EarnRate, PointsFraction)> {
        let i = self.spec.earn.rates.iter().position(|r| r.per.currency() == currency)?;
        Some((self.spec.earn.rates.get(i)?, *self.per_minor.get(i)?))
    }

    /// The product of the multipliers of the campaigns active at `at`, exactly (`None` if it does not fit).
    pub(crate) fn campaign_factor(&self, at: DateTime<Utc>) -> Option<PointsFraction> {
        self.spec
            .earn
            .campaigns
            .iter()
            .filter(|c| c.starts_at <= at && at < c.ends_at)
            .try_fold(PointsFraction::ONE, |m, c| m.checked_mul(PointsFraction::from_decimal(c.multiplier)?))
    }

    /// The redemption rate for `currency`.
    pub fn redemption_rate(&self, currency: Currency) -> Option<&RedemptionRate> {
        self.spec.redemption.rates.iter().find(|r| r.value.currency() == currency)
    }

    /// The campaign multiplier at `at` (the product of all active campaigns; 1 when none).
    pub fn campaign_multiplier(&self, at: DateTime<Utc>) -> Decimal {
        self.spec
            .earn
            .campaigns
            .iter()
            .filter(|c| c.starts_at <= at && at < c.ends_at)
            .fold(Decimal::ONE, |m, c| m.checked_mul(c.multiplier).unwrap_or(m))
    }

    /// When points credited (spendable) at `at` expire (`None`: never): bonuses, adjustments, refunds.
    pub fn expiry_for(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let tz = self.spec.zone;
        end_of_day(tz, expiry_through(&self.spec.expiry, local_date_or_utc(tz, at))?)
    }

    /// When the points of a purchase at `at` expire (`None`: never): counted from the earn or from the end of the
    /// pending period, as [`ProgramSpec::expiry_from`] says. Always after [`activation_for`](Self::activation_for)
    /// in a program that builds.
    pub fn earn_expiry_for(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match (self.spec.expiry_from, self.activation_for(at)) {
            (ExpiryStart::Activation, Some(active)) => self.expiry_for(active),
            _ => self.expiry_for(at),
        }
    }

    /// Under [`ExpiryPolicy::Inactivity`], when an account last active at `at` becomes dormant (its points
    /// expire); `None` under other policies.
    pub fn dormant_at(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let ExpiryPolicy::Inactivity { months } = self.spec.expiry else { return None };
        let tz = self.spec.zone;
        end_of_day(tz, local_date_or_utc(tz, at).checked_add_months(Months::new(months))?)
    }

    /// When points earned at `at` become spendable (`None`: at once).
    pub fn activation_for(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if self.spec.pending_days == 0 {
            return None;
        }
        at.checked_add_signed(TimeDelta::days(i64::from(self.spec.pending_days)))
    }

    /// The money value of `points` in `currency`, rounded as the program says.
    ///
    /// # Errors
    ///
    /// [`LoyaltyError::NoRedemptionRate`], [`LoyaltyError::Money`] on overflow.
    pub fn value_of(&self, points: Points, currency: Currency) -> Result<Money, LoyaltyError> {
        let rate = self.redemption_rate(currency).ok_or(LoyaltyError::NoRedemptionRate { currency })?;
        // Exactly value × points ÷ rate points, rounded once (rate points are positive in a program that builds).
        Ok(rate.value.checked_mul_ratio(
            points.get(),
            rate.points.get().unsigned_abs(),
            self.spec.redemption.rounding,
        )?)
    }

    /// The most points redeemable on an order of `order_total` (before the customer's balance is considered):
    /// the maximum share of the order converted to points, rounded down.
    ///
    /// # Errors
    ///
    /// [`LoyaltyError::NoRedemptionRate`], [`LoyaltyError::Money`] on overflow.
    pub fn max_points_for(&self, order_total: Money) -> Result<Points, LoyaltyError> {
        let currency = order_total.currency();
        let rate = self.redemption_rate(currency).ok_or(LoyaltyError::NoRedemptionRate { currency })?;
        if !order_total.is_positive() {
            return Ok(Points::ZERO);
        }
        let max_value = order_total.checked_mul(self.spec.redemption.max_share, Rounding::Floor)?;
        // ⌊max × points ÷ value⌋ in minor units, exactly. Its value, n × value ÷ points, is at most the whole number
        // of minor units `max`, so rounded in any direction it stays within the share. Beyond i64, i64::MAX.
        let points = mul_div_rem(
            max_value.minor_units().unsigned_abs(),
            u128::from(rate.points.get().unsigned_abs()),
            rate.value.minor_units().unsigned_abs(),
        );
        Ok(Points::new(points.map_or(i64::MAX, |(n, _)| i64::try_from(n).unwrap_or(i64::MAX))))
    }

    /// The tier rules, if any.
    pub const fn tiers(&self) -> Option<&TierRules> {
        self.spec.tiers.as_ref()
    }

    /// The tier named `name`.
    pub fn tier(&self, name: TierName) -> Option<&Tier> {
        self.tiers()?.tiers.iter().find(|t| t.name == name)
    }

    /// The highest tier whose threshold `metric` reaches.
    pub fn tier_for(&self, metric: Decimal) -> Option<&Tier> {
        self.tiers()?.tiers.iter().rev().find(|t| metric >= t.threshold)
    }

    /// The position of a tier (0 for the lowest).
    pub fn tier_rank(&self, name: TierName) -> Option<usize> {
        self.tiers()?.tiers.iter().position(|t| t.name == name)
    }
}

fn validate_tiers(rules: &TierRules) -> Result<(), LoyaltyError> {
    let Some(first) = rules.tiers.first() else {
        return Err(invalid("tier rules need at least one tier"));
    };
    if first.threshold != Decimal::ZERO {
        return Err(invalid(format!("the first tier {} must have threshold 0, found {}", first.name, first.threshold)));
    }
    for pair in rules.tiers.windows(2) {
        if let [a, b] = pair
            && b.threshold <= a.threshold
        {
            return Err(invalid(format!(
                "tiers overlap: {} (threshold {}) must be above {} (threshold {})",
                b.name, b.threshold, a.name, a.threshold
            )));
        }
    }
    for (i, t) in rules.tiers.iter().enumerate() {
        if rules.tiers.iter().take(i).any(|o| o.name == t.name) {
            return Err(invalid(format!("two tiers named {}", t.name)));
        }
        if t.earn_multiplier <= Decimal::ZERO {
            return Err(invalid(format!(
                "tier {}: earn multiplier {} must be greater than zero",
                t.name, t.earn_multiplier
            )));
        }
        if t.discount_percent < Decimal::ZERO || t.discount_percent >= Decimal::ONE_HUNDRED {
            return Err(invalid(format!("tier {}: discount {}% must be in [0, 100)", t.name, t.discount_percent)));
        }
    }
    if let TierWindow::RollingMonths { months } = rules.window
        && (months == 0 || months > MAX_MONTHS)
    {
        return Err(invalid(format!("tier window of {months} months must be 1 to {MAX_MONTHS}")));
    }
    if rules.grace_days > MAX_DAYS {
        return Err(invalid(format!("tier grace of {} days exceeds {MAX_DAYS}", rules.grace_days)));
    }
    if let Some(floor) = rules.floor
        && !rules.tiers.iter().any(|t| t.name == floor)
    {
        return Err(invalid(format!("floor tier {floor} is not a tier")));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
