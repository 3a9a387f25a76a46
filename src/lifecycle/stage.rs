//! Lifecycle stages from rules anyone can read, with the reasons that led to each one.
//!
//! A [`LifecyclePolicy`] classifies an [`Activity`] (what the customer records hold: registration, first and last
//! purchase, count, spend) "as of" an instant the host passes in, optionally with a P(alive) from a fitted
//! [`PurchaseModel`](super::PurchaseModel). The rules, in order:
//!
//! 1. No purchase yet → [`Stage::Potential`] (a prospect).
//! 2. Silent for longer than `lost_after_gaps` × the customer's own purchase rhythm (mean gap between purchase
//!    days; `default_gap_days` for one-time buyers, never below `min_gap_days`), or longer than `lost_after_days`,
//!    or P(alive) below `p_alive_lost_below` → [`Stage::Lost`].
//! 3. Silent for longer than `aging_after_gaps` × the rhythm, or P(alive) below `p_alive_aging_below` →
//!    [`Stage::Aging`].
//! 4. First purchase less than `new_for_days` ago → [`Stage::New`].
//! 5. At least `loyal_min_purchases` purchases, `loyal_min_spend` spent and `loyal_min_tenure_days` of tenure →
//!    [`Stage::Loyal`].
//! 6. Otherwise → [`Stage::Growth`].
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use customer_care::lifecycle::{Activity, LifecyclePolicy, PolicyConfig, Stage};
//! use rust_decimal::Decimal;
//!
//! let policy = LifecyclePolicy::new(PolicyConfig::default())?;
//! let at = |m, d| Utc.with_ymd_and_hms(2026, m, d, 12, 0, 0).single().ok_or("no such instant");
//! let regular = Activity {
//!     registered_at: at(1, 1)?,
//!     first_purchase_at: Some(at(1, 1)?),
//!     last_purchase_at: Some(at(6, 1)?),
//!     purchases: 10,
//!     spend: Decimal::from(900),
//! };
//! assert_eq!(policy.classify(&regular, at(6, 20)?, None)?.stage, Stage::Loyal);
//! assert_eq!(policy.classify(&regular, at(7, 15)?, None)?.stage, Stage::Aging);
//! // Silent for five months after buying every two weeks or so.
//! assert_eq!(policy.classify(&regular, at(11, 1)?, None)?.stage, Stage::Lost);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::error::{LifecycleError, invalid, positive};

/// Where a customer stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Stage {
    /// A prospect: registered, no purchase yet. Guide them to a first purchase.
    Potential,
    /// Recently made a first purchase. Welcome and guidance.
    New,
    /// Buying, not yet loyal. Deeper engagement.
    Growth,
    /// Buying regularly for a while (also called mature). Loyalty benefits.
    #[doc(alias = "Mature")]
    Loyal,
    /// Overdue against their own rhythm. Win-back.
    Aging,
    /// Silent for so long they are most likely gone.
    Lost,
}

/// Why a stage was chosen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reason {
    /// No purchase yet.
    NoPurchase {
        /// Days since registration (negative if `as_of` is before it).
        days_since_registration: f64,
    },
    /// The first purchase is recent.
    FirstPurchaseRecent {
        /// Days since the first purchase.
        days_since_first: f64,
        /// The policy's "new" window.
        new_for_days: u32,
    },
    /// Silent for longer than a multiple of the customer's own rhythm.
    Overdue {
        /// Days since the last purchase.
        days_since_last: f64,
        /// The customer's rhythm (mean days between purchase days, or the policy default).
        rhythm_days: f64,
        /// The multiple of the rhythm that was exceeded.
        gaps: f64,
    },
    /// Silent for longer than the policy's absolute limit.
    Silent {
        /// Days since the last purchase.
        days_since_last: f64,
        /// The limit.
        lost_after_days: u32,
    },
    /// The model's P(alive) is below a threshold.
    PAliveBelow {
        /// The customer's P(alive).
        p_alive: f64,
        /// The threshold.
        threshold: f64,
    },
    /// Met every loyalty condition.
    Loyal {
        /// Purchases.
        purchases: u32,
        /// Spend.
        #[serde(with = "rust_decimal::serde::str")]
        spend: Decimal,
        /// Days since the first purchase.
        tenure_days: f64,
    },
    /// Active, not (yet) meeting the loyalty conditions.
    Active {
        /// Purchases.
        purchases: u32,
        /// Days since the last purchase.
        days_since_last: f64,
    },
}

/// A stage and the reasons that led to it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Classification {
    /// The stage.
    pub stage: Stage,
    /// Every rule that fired for this stage.
    pub reasons: Vec<Reason>,
}

/// What the customer records say about a customer's purchases (an adapter fills it from the records' activity
/// summary).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    /// When the customer registered.
    pub registered_at: DateTime<Utc>,
    /// The first purchase, if any.
    pub first_purchase_at: Option<DateTime<Utc>>,
    /// The last purchase, if any.
    pub last_purchase_at: Option<DateTime<Utc>>,
    /// Number of purchase days (or purchases).
    pub purchases: u32,
    /// Total spend.
    #[serde(with = "rust_decimal::serde::str")]
    pub spend: Decimal,
}

/// The thresholds of a [`LifecyclePolicy`]; [`Default`] gives a retail-style starting point.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PolicyConfig {
    /// A customer is New for this many days after the first purchase (default 30).
    pub new_for_days: u32,
    /// Aging when silent for more than this many rhythms (default 2).
    pub aging_after_gaps: f64,
    /// Lost when silent for more than this many rhythms (default 4).
    pub lost_after_gaps: f64,
    /// Rhythm assumed for one-time buyers, in days (default 60).
    pub default_gap_days: f64,
    /// The rhythm is never taken shorter than this, in days (default 7).
    pub min_gap_days: f64,
    /// Lost when silent for more than this many days, whatever the rhythm (default 365; `None` for no limit).
    pub lost_after_days: Option<u32>,
    /// Loyal from this many purchases (default 5).
    pub loyal_min_purchases: u32,
    /// Loyal from this spend (default 0).
    #[serde(with = "rust_decimal::serde::str")]
    pub loyal_min_spend: Decimal,
    /// Loyal from this tenure in days (default 90).
    pub loyal_min_tenure_days: u32,
    /// Aging when P(alive) is below this, if a P(alive) is given (default `None`).
    pub p_alive_aging_below: Option<f64>,
    /// Lost when P(alive) is below this, if a P(alive) is given (default `None`).
    pub p_alive_lost_below: Option<f64>,
    /// Whether the rhythm rules apply; `false` leaves Aging and Lost to P(alive) and `lost_after_days` alone
    /// (default `true`).
    pub rhythm_rules: bool,
}

impl Default for PolicyConfig {
    fn default() -> Self {
        Self {
            new_for_days: 30,
            aging_after_gaps: 2.0,
            lost_after_gaps: 4.0,
            default_gap_days: 60.0,
            min_gap_days: 7.0,
            lost_after_days: Some(365),
            loyal_min_purchases: 5,
            loyal_min_spend: Decimal::ZERO,
            loyal_min_tenure_days: 90,
            p_alive_aging_below: None,
            p_alive_lost_below: None,
            rhythm_rules: true,
        }
    }
}

/// Validated lifecycle rules (see the [module](self) docs for their order).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "PolicyConfig", into = "PolicyConfig")]
pub struct LifecyclePolicy {
    config: PolicyConfig,
}

impl TryFrom<PolicyConfig> for LifecyclePolicy {
    type Error = LifecycleError;
    fn try_from(config: PolicyConfig) -> Result<Self, LifecycleError> {
        Self::new(config)
    }
}

impl From<LifecyclePolicy> for PolicyConfig {
    fn from(p: LifecyclePolicy) -> Self {
        p.config
    }
}

fn crossing(lower_name: &str, lower: impl ToString, upper_name: &str, upper: impl ToString) -> LifecycleError {
    LifecycleError::CrossingThresholds {
        lower_name: lower_name.into(),
        lower: lower.to_string(),
        upper_name: upper_name.into(),
        upper: upper.to_string(),
    }
}

fn days_between(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    (to - from).num_milliseconds() as f64 / 86_400_000.0
}

impl LifecyclePolicy {
    /// Rules from thresholds.
    ///
    /// # Errors
    ///
    /// [`LifecycleError::InvalidValue`] for a multiple or a gap that is not finite and > 0, a P(alive) threshold
    /// outside (0, 1) or a negative loyal spend; [`LifecycleError::CrossingThresholds`] when Aging would come after
    /// Lost (`aging_after_gaps` ≥ `lost_after_gaps`, `p_alive_lost_below` ≥ `p_alive_aging_below`) or
    /// `min_gap_days` exceeds `default_gap_days`.
    pub fn new(config: PolicyConfig) -> Result<Self, LifecycleError> {
        positive("aging_after_gaps", config.aging_after_gaps)?;
        positive("lost_after_gaps", config.lost_after_gaps)?;
        positive("default_gap_days", config.default_gap_days)?;
        positive("min_gap_days", config.min_gap_days)?;
        if config.aging_after_gaps >= config.lost_after_gaps {
            return Err(crossing(
                "aging_after_gaps",
                config.aging_after_gaps,
                "lost_after_gaps",
                config.lost_after_gaps,
            ));
        }
        if config.min_gap_days > config.default_gap_days {
            return Err(crossing("min_gap_days", config.min_gap_days, "default_gap_days", config.default_gap_days));
        }
        for (name, p) in
            [("p_alive_aging_below", config.p_alive_aging_below), ("p_alive_lost_below", config.p_alive_lost_below)]
        {
            if let Some(p) = p
                && !(p > 0.0 && p < 1.0)
            {
                return Err(invalid(name, p, "a probability strictly between 0 and 1"));
            }
        }
        if let (Some(aging), Some(lost)) = (config.p_alive_aging_below, config.p_alive_lost_below)
            && lost >= aging
        {
            return Err(crossing("p_alive_lost_below", lost, "p_alive_aging_below", aging));
        }
        if config.loyal_min_spend.is_sign_negative() && !config.loyal_min_spend.is_zero() {
            return Err(LifecycleError::InvalidValue {
                name: "loyal_min_spend".into(),
                value: config.loyal_min_spend.to_string(),
                expected: "an amount ≥ 0".into(),
            });
        }
        Ok(Self { config })
    }

    /// The thresholds.
    pub const fn config(&self) -> &PolicyConfig {
        &self.config
    }

    /// The stage of a customer as of `as_of`, with the reasons; `p_alive` from a fitted model, if any.
    ///
    /// # Errors
    ///
    /// [`LifecycleError::InvalidValue`] for inconsistent activity (a purchase count without purchase times or the
    /// reverse, a P(alive) outside [0, 1]); [`LifecycleError::CrossingThresholds`] when the last purchase is
    /// before the first or after `as_of`.
    pub fn classify(
        &self,
        activity: &Activity,
        as_of: DateTime<Utc>,
        p_alive: Option<f64>,
    ) -> Result<Classification, LifecycleError> {
        let c = &self.config;
        if let Some(p) = p_alive
            && !(0.0..=1.0).contains(&p)
        {
            return Err(invalid("p_alive", p, "a probability in [0, 1]"));
        }
        let (first, last) = match (activity.first_purchase_at, activity.last_purchase_at, activity.purchases) {
            (None, None, 0) => {
                let days_since_registration = days_between(activity.registered_at, as_of);
                return Ok(Classification {
                    stage: Stage::Potential,
                    reasons: vec![Reason::NoPurchase { days_since_registration }],
                });
            }
            (Some(first), Some(last), n) if n > 0 => (first, last),
            _ => {
                return Err(LifecycleError::InvalidValue {
                    name: "activity".into(),
                    value: format!(
                        "{} purchases, first {:?}, last {:?}",
                        activity.purchases, activity.first_purchase_at, activity.last_purchase_at
                    ),
                    expected: "purchase times exactly when there are purchases".into(),
                });
            }
        };
        if last < first {
            return Err(crossing("first purchase", first, "last purchase", last));
        }
        if as_of < last {
            return Err(crossing("last purchase", last, "as of", as_of));
        }
        let tenure = days_between(first, as_of);
        let silent = days_between(last, as_of);
        let rhythm = self.rhythm(first, last, activity.purchases);

        let mut lost = Vec::new();
        let mut aging = Vec::new();
        if c.rhythm_rules {
            if silent > c.lost_after_gaps * rhythm {
                lost.push(Reason::Overdue { days_since_last: silent, rhythm_days: rhythm, gaps: c.lost_after_gaps });
            } else if silent > c.aging_after_gaps * rhythm {
                aging.push(Reason::Overdue { days_since_last: silent, rhythm_days: rhythm, gaps: c.aging_after_gaps });
            }
        }
        if let Some(limit) = c.lost_after_days
            && silent > f64::from(limit)
        {
            lost.push(Reason::Silent { days_since_last: silent, lost_after_days: limit });
        }
        if let Some(p) = p_alive {
            if let Some(t) = c.p_alive_lost_below
                && p < t
            {
                lost.push(Reason::PAliveBelow { p_alive: p, threshold: t });
            } else if let Some(t) = c.p_alive_aging_below
                && p < t
            {
                aging.push(Reason::PAliveBelow { p_alive: p, threshold: t });
            }
        }
        if !lost.is_empty() {
            return Ok(Classification { stage: Stage::Lost, reasons: lost });
        }
        if !aging.is_empty() {
            return Ok(Classification { stage: Stage::Aging, reasons: aging });
        }
        if tenure < f64::from(c.new_for_days) {
            return Ok(Classification {
                stage: Stage::New,
                reasons: vec![Reason::FirstPurchaseRecent { days_since_first: tenure, new_for_days: c.new_for_days }],
            });
        }
        if activity.purchases >= c.loyal_min_purchases
            && activity.spend >= c.loyal_min_spend
            && tenure >= f64::from(c.loyal_min_tenure_days)
        {
            return Ok(Classification {
                stage: Stage::Loyal,
                reasons: vec![Reason::Loyal {
                    purchases: activity.purchases,
                    spend: activity.spend,
                    tenure_days: tenure,
                }],
            });
        }
        Ok(Classification {
            stage: Stage::Growth,
            reasons: vec![Reason::Active { purchases: activity.purchases, days_since_last: silent }],
        })
    }
}

/// A stage and the instant the customer entered it, from a purchase history
/// ([`LifecyclePolicy::classify_history`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StageSince {
    /// The stage as of the instant asked about, with its reasons.
    pub classification: Classification,
    /// When the current stage began: a purchase, registration, or the instant a time rule started to hold (the
    /// end of the New period, the loyalty tenure, a silence threshold).
    pub since: DateTime<Utc>,
}

/// The first instant `t` after `from`, in whole milliseconds, for which `days_between(from, t)` passes `reached`.
/// `None` past the calendar's range.
fn first_ms(from: DateTime<Utc>, days: f64, reached: impl Fn(f64) -> bool) -> Option<DateTime<Utc>> {
    let estimate = (days * 86_400_000.0).floor();
    // Thresholds are validated finite and ≥ 0 and far below i64::MAX milliseconds; the guard keeps the cast exact.
    if !(0.0..9.0e15).contains(&estimate) {
        return None;
    }
    #[allow(clippy::cast_possible_truncation)]
    let estimate = estimate as i64;
    // The estimate is within a millisecond of the answer; check against the same arithmetic `classify` uses.
    (estimate.saturating_sub(1)..=estimate.saturating_add(2))
        .filter_map(|ms| from.checked_add_signed(chrono::TimeDelta::milliseconds(ms)))
        .find(|t| reached(days_between(from, *t)))
}

/// The first instant at least `days` after `from` (a `≥` rule).
fn at_least(from: DateTime<Utc>, days: f64) -> Option<DateTime<Utc>> {
    first_ms(from, days, |d| d >= days)
}

/// The first instant more than `days` after `from` (a `>` rule).
fn beyond(from: DateTime<Utc>, days: f64) -> Option<DateTime<Utc>> {
    first_ms(from, days, |d| d > days)
}

impl LifecyclePolicy {
    /// The stage as of `as_of` and when it began, from the whole purchase history: `purchases` are `(instant,
    /// amount)` pairs in any order, with refunds already netted out of the amounts (a restated history).
    ///
    /// The stage is classified by the rules alone (no P(alive)): after every purchase, and at the first millisecond
    /// each time rule holds before the next one (the end of the New period, the loyalty tenure, the aging and lost
    /// silences), so `since` is the first instant of the current stage — when a customer became Loyal, or went from
    /// Aging back to Growth with a purchase — where [`classify`](Self::classify) on an [`Activity`] knows only the
    /// present. Orders at the same instant are one purchase; a host that counts purchase days merges its history
    /// per day first.
    ///
    /// ```
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// use customer_care::lifecycle::{LifecyclePolicy, PolicyConfig, Stage};
    /// use rust_decimal::Decimal;
    ///
    /// let policy = LifecyclePolicy::new(PolicyConfig::default())?; // Loyal: 5 purchases and 90 days of tenure
    /// let jan_1 = Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).single().ok_or("no such instant")?;
    /// let weekly: Vec<_> = (0..14).map(|w| (jan_1 + TimeDelta::weeks(w), Decimal::from(100_000))).collect();
    /// let now = jan_1 + TimeDelta::days(95);
    /// let staged = policy.classify_history(jan_1, &weekly, now)?;
    /// assert_eq!(staged.classification.stage, Stage::Loyal);
    /// assert_eq!(staged.since, jan_1 + TimeDelta::days(90)); // the purchases were there; the tenure came last
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`LifecycleError::CrossingThresholds`] for a registration or a purchase after `as_of`;
    /// [`LifecycleError::SpendOverflow`].
    pub fn classify_history(
        &self,
        registered_at: DateTime<Utc>,
        purchases: &[(DateTime<Utc>, Decimal)],
        as_of: DateTime<Utc>,
    ) -> Result<StageSince, LifecycleError> {
        if registered_at > as_of {
            return Err(crossing("registration", registered_at, "as of", as_of));
        }
        let mut sorted = purchases.to_vec();
        sorted.sort_by_key(|(at, _)| *at);
        if let Some((last, _)) = sorted.last()
            && *last > as_of
        {
            return Err(crossing("purchase", last, "as of", as_of));
        }
        let start = sorted.first().map_or(registered_at, |(first, _)| registered_at.min(*first));
        let mut activity = Activity {
            registered_at,
            first_purchase_at: None,
            last_purchase_at: None,
            purchases: 0,
            spend: Decimal::ZERO,
        };
        let mut stage = self.classify(&activity, registered_at, None)?.stage;
        let mut since = start;
        let mut next = 0;
        loop {
            // Until the next purchase the activity is fixed: only time rules can change the stage, each at the first
            // millisecond it holds (`classify` measures days in milliseconds). After the last purchase, up to and
            // including `as_of`.
            let purchase = sorted.get(next).map(|(at, _)| *at);
            let from = activity.last_purchase_at.unwrap_or(start);
            for at in self.time_rule_instants(&activity) {
                if at <= from || purchase.map_or(at > as_of, |p| at >= p) {
                    continue;
                }
                let now = self.classify(&activity, at, None)?.stage;
                if now != stage {
                    (stage, since) = (now, at);
                }
            }
            let Some(at) = purchase else { break };
            // Every order at this instant is one purchase (a split checkout is one visit).
            activity.first_purchase_at.get_or_insert(at);
            activity.last_purchase_at = Some(at);
            activity.purchases = activity.purchases.saturating_add(1);
            while let Some((_, amount)) = sorted.get(next).filter(|(t, _)| *t == at) {
                activity.spend = activity
                    .spend
                    .checked_add(*amount)
                    .ok_or_else(|| LifecycleError::SpendOverflow { what: format!("purchase history at {at}") })?;
                next += 1;
            }
            let now = self.classify(&activity, at, None)?.stage;
            if now != stage {
                (stage, since) = (now, at);
            }
        }
        let classification = self.classify(&activity, as_of, None)?;
        if classification.stage != stage {
            // Not expected: each rule holding at `as_of` began to hold at an instant the loop visited. Kept so that
            // a stage is never dated before an instant at which it holds.
            since = as_of;
        }
        Ok(StageSince { classification, since })
    }

    /// [`classify_history`](Self::classify_history) on a customer record: the registration, and every order not
    /// fully refunded at its net amount in `currency` (orders in other currencies count as purchases with no
    /// spend). A fully refunded order is no purchase at all here, where [`Activity::from_customer`] still dates
    /// the first and last purchase by it. `None` for a customer who never registered.
    ///
    /// # Errors
    ///
    /// As [`classify_history`](Self::classify_history).
    pub fn classify_customer(
        &self,
        customer: &crate::customer::Customer,
        currency: crate::money::Currency,
        as_of: DateTime<Utc>,
    ) -> Result<Option<StageSince>, LifecycleError> {
        let Some(registered_at) = customer.registered_at() else { return Ok(None) };
        let purchases: Vec<(DateTime<Utc>, Decimal)> = customer
            .purchases()
            .iter()
            .filter(|p| !p.is_fully_refunded())
            .map(|p| {
                let net = p.net();
                (p.purchase.purchased_at, if net.currency() == currency { net.amount() } else { Decimal::ZERO })
            })
            .collect();
        self.classify_history(registered_at, &purchases, as_of).map(Some)
    }

    /// A customer's purchase rhythm in days: the mean gap between the first and last of `purchases` purchases
    /// (`default_gap_days` for a single one), never below `min_gap_days`.
    fn rhythm(&self, first: DateTime<Utc>, last: DateTime<Utc>, purchases: u32) -> f64 {
        let c = &self.config;
        let mean =
            if purchases >= 2 { days_between(first, last) / f64::from(purchases - 1) } else { c.default_gap_days };
        mean.max(c.min_gap_days)
    }

    /// The first instants at which the time rules hold for a fixed `activity`, in order: the end of the New
    /// period and the loyalty tenure (`≥`: at the threshold), the aging and lost silences (`>`: the millisecond
    /// after it).
    fn time_rule_instants(&self, activity: &Activity) -> Vec<DateTime<Utc>> {
        let c = &self.config;
        let (Some(first), Some(last)) = (activity.first_purchase_at, activity.last_purchase_at) else {
            return Vec::new();
        };
        let rhythm = self.rhythm(first, last, activity.purchases);
        let mut at: Vec<DateTime<Utc>> = [
            at_least(first, f64::from(c.new_for_days)),
            at_least(first, f64::from(c.loyal_min_tenure_days)),
            c.rhythm_rules.then(|| beyond(last, c.aging_after_gaps * rhythm)).flatten(),
            c.rhythm_rules.then(|| beyond(last, c.lost_after_gaps * rhythm)).flatten(),
            c.lost_after_days.and_then(|days| beyond(last, f64::from(days))),
        ]
        .into_iter()
        .flatten()
        .collect();
        at.sort_unstable();
        at
    }
}

/// Reads a customer record's activity: registration, first and last purchase, orders that were not fully
/// refunded (in every currency), and net spend in `currency`. A customer whose every order was fully refunded has
/// no purchases and no purchase times.
///
/// `None` for a customer who never registered. An erased customer keeps its purchase history, so it still has
/// an activity.
///
/// ```
/// use customer_care::customer::{Customer, CustomerCommand, Purchase};
/// use customer_care::lifecycle::Activity;
/// use customer_care::{Command, CommandId, Currency, CustomerId};
/// use chrono::{TimeZone, Utc};
///
/// let now = Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).single().ok_or("no such instant")?;
/// let mut lan = Customer::new(CustomerId::from_u128(1)?);
/// for (n, body) in [
///     CustomerCommand::Register { profile: Default::default(), registered_at: None },
///     CustomerCommand::RecordPurchase(Purchase::new("HD-1".parse()?, "85000 VND".parse()?, now)),
/// ]
/// .into_iter()
/// .enumerate()
/// {
///     let commit = lan.decide(&Command::new(CommandId::from_u128(n as u128 + 1)?, now, body))?.accepted().ok_or("answered as a duplicate")?;
///     lan.apply(&commit);
/// }
/// let activity = Activity::from_customer(&lan, Currency::VND).ok_or("not registered")?;
/// assert_eq!((activity.purchases, activity.spend), (1, "85000".parse()?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl Activity {
    /// The activity of `customer`, with spend counted in `currency`.
    pub fn from_customer(customer: &crate::customer::Customer, currency: crate::money::Currency) -> Option<Self> {
        let registered_at = customer.registered_at()?;
        let kept = customer.purchases().iter().filter(|p| !p.is_fully_refunded()).count();
        // Purchase times only with purchases: a customer whose every order was refunded has none.
        let times = customer.purchases().iter().filter(|_| kept > 0).map(|p| p.purchase.purchased_at);
        let first_purchase_at = times.clone().min();
        let last_purchase_at = times.max();
        let summary = customer.activity_summary(registered_at);
        let spend = summary.spend.iter().find(|s| s.currency == currency).map_or(Decimal::ZERO, |s| s.net.amount());
        Some(Self {
            registered_at,
            first_purchase_at,
            last_purchase_at,
            purchases: u32::try_from(kept).unwrap_or(u32::MAX),
            spend,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(n: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::days(n)
    }

    fn activity(first: i64, last: i64, purchases: u32, spend: i64) -> Activity {
        Activity {
            registered_at: day(0),
            first_purchase_at: Some(day(first)),
            last_purchase_at: Some(day(last)),
            purchases,
            spend: Decimal::from(spend),
        }
    }

    fn stage(policy: &LifecyclePolicy, a: &Activity, as_of: i64, p: Option<f64>) -> Stage {
        policy.classify(a, day(as_of), p).unwrap().stage
    }

    #[test]
    fn each_stage_with_its_reason() {
        let policy = LifecyclePolicy::new(PolicyConfig::default()).unwrap();
        let prospect =
            Activity { first_purchase_at: None, last_purchase_at: None, purchases: 0, ..activity(0, 0, 0, 0) };
        assert_eq!(
            policy.classify(&prospect, day(400), None).unwrap().reasons,
            [Reason::NoPurchase { days_since_registration: 400.0 }]
        );
        assert_eq!(stage(&policy, &prospect, 400, None), Stage::Potential);
        assert_eq!(stage(&policy, &activity(10, 10, 1, 50), 20, None), Stage::New);
        assert_eq!(stage(&policy, &activity(10, 40, 2, 80), 60, None), Stage::Growth);
        assert_eq!(stage(&policy, &activity(0, 100, 6, 300), 110, None), Stage::Loyal);
        // Rhythm 20 days: aging after 40 silent days, lost after 80.
        assert_eq!(stage(&policy, &activity(0, 100, 6, 300), 141, None), Stage::Aging);
        let lost = policy.classify(&activity(0, 100, 6, 300), day(181), None).unwrap();
        assert_eq!(lost.stage, Stage::Lost);
        assert!(matches!(lost.reasons[0], Reason::Overdue { gaps: 4.0, .. }));
        // One-time buyer: the default 60-day rhythm.
        assert_eq!(stage(&policy, &activity(0, 0, 1, 10), 100, None), Stage::Growth);
        assert_eq!(stage(&policy, &activity(0, 0, 1, 10), 130, None), Stage::Aging);
        assert_eq!(stage(&policy, &activity(0, 0, 1, 10), 250, None), Stage::Lost);
        // P(alive) on top of the rules.
        let with_model = LifecyclePolicy::new(PolicyConfig {
            p_alive_aging_below: Some(0.5),
            p_alive_lost_below: Some(0.1),
            ..PolicyConfig::default()
        })
        .unwrap();
        assert_eq!(stage(&with_model, &activity(0, 100, 6, 300), 110, Some(0.3)), Stage::Aging);
        assert_eq!(stage(&with_model, &activity(0, 100, 6, 300), 110, Some(0.05)), Stage::Lost);
        assert_eq!(stage(&with_model, &activity(0, 100, 6, 300), 110, None), Stage::Loyal);
        // P(alive) instead of the rhythm.
        let model_only =
            LifecyclePolicy::new(PolicyConfig { rhythm_rules: false, ..with_model.config().clone() }).unwrap();
        assert_eq!(stage(&model_only, &activity(0, 100, 6, 300), 181, Some(0.9)), Stage::Loyal);
        assert_eq!(stage(&model_only, &activity(0, 100, 6, 300), 500, Some(0.9)), Stage::Lost);
    }

    #[test]
    fn bad_policies_and_activity_are_rejected() {
        let bad = |c: PolicyConfig| LifecyclePolicy::new(c).unwrap_err();
        assert!(matches!(
            bad(PolicyConfig { aging_after_gaps: 4.0, ..PolicyConfig::default() }),
            LifecycleError::CrossingThresholds { .. }
        ));
        assert!(matches!(
            bad(PolicyConfig {
                p_alive_aging_below: Some(0.1),
                p_alive_lost_below: Some(0.2),
                ..PolicyConfig::default()
            }),
            LifecycleError::CrossingThresholds { .. }
        ));
        assert!(matches!(
            bad(PolicyConfig { p_alive_lost_below: Some(1.0), ..PolicyConfig::default() }),
            LifecycleError::InvalidValue { .. }
        ));
        assert!(matches!(
            bad(PolicyConfig { min_gap_days: f64::NAN, ..PolicyConfig::default() }),
            LifecycleError::InvalidValue { .. }
        ));
        assert!(matches!(
            bad(PolicyConfig { loyal_min_spend: Decimal::NEGATIVE_ONE, ..PolicyConfig::default() }),
            LifecycleError::InvalidValue { .. }
        ));
        let policy = LifecyclePolicy::new(PolicyConfig::default()).unwrap();
        assert!(policy.classify(&activity(10, 5, 2, 1), day(20), None).is_err());
        assert!(policy.classify(&activity(0, 10, 2, 1), day(5), None).is_err());
        assert!(policy.classify(&activity(0, 10, 0, 1), day(20), None).is_err());
        assert!(policy.classify(&activity(0, 10, 2, 1), day(20), Some(1.5)).is_err());
        let json = serde_json::to_string(&policy).unwrap();
        assert_eq!(serde_json::from_str::<LifecyclePolicy>(&json).unwrap(), policy);
        let crossing = json.replace("\"aging_after_gaps\":2.0", "\"aging_after_gaps\":5.0");
        assert!(serde_json::from_str::<LifecyclePolicy>(&crossing).is_err());
    }
}
