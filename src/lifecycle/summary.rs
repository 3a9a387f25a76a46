//! From a purchase log to per-customer summaries and weighted fitting patterns.
//!
//! Conventions (those of Fader, Hardie & Lee and of `lifetimes`):
//!
//! - Purchases on the same calendar day are merged into one (their amounts summed). The day is the caller's: take
//!   it in the business's or the customer's zone before building a [`Purchase`] ([`Purchase::at`] does that).
//! - **frequency** x: the number of days with a purchase after the first one (repeat purchases);
//! - **recency** t_x: time from the first purchase to the last repeat purchase (0 when x = 0);
//! - **age** T: time from the first purchase to the end of observation;
//! - **monetary value**: the mean daily spend over the repeat days (0 when x = 0), as a [`Decimal`].
//!
//! Times are in the summary's [`TimeUnit`]: days divided by the unit's length in days.

use std::cmp::Ordering;

use chrono::{DateTime, NaiveDate, Offset, TimeZone, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::error::{LifecycleError, invalid, non_negative, positive};
use super::span::{Span, TimeUnit};

/// One purchase: who, on which day, for how much.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Purchase<K> {
    /// The customer's key (an id, an account number).
    pub customer: K,
    /// The calendar day of the purchase.
    pub on: NaiveDate,
    /// The amount spent (summed with other purchases of the same day).
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
}

impl<K> Purchase<K> {
    /// A purchase on a calendar day.
    pub const fn new(customer: K, on: NaiveDate, amount: Decimal) -> Self {
        Self { customer, on, amount }
    }

    /// A purchase at an instant, dated by the calendar day in the instant's zone (convert a UTC instant with
    /// `with_timezone` first to date it in the business's zone). Within a day of chrono's range ends, where that
    /// day lies outside the range of dates, it is dated by the nearest date that does not (the UTC date).
    pub fn at<Tz: TimeZone>(customer: K, at: &DateTime<Tz>, amount: Decimal) -> Self {
        let utc = at.naive_utc();
        let on = utc.checked_add_offset(at.offset().fix()).map_or_else(|| utc.date(), |local| local.date());
        Self { customer, on, amount }
    }
}

impl<K> From<(K, NaiveDate, Decimal)> for Purchase<K> {
    fn from((customer, on, amount): (K, NaiveDate, Decimal)) -> Self {
        Self { customer, on, amount }
    }
}

/// One customer's repeat-purchase summary `(x, t_x, T)` and mean repeat spend.
///
/// Validated when built and when deserialized: times finite and ≥ 0, recency ≤ age, recency 0 when frequency is 0
/// and above 0 otherwise (repeat purchases come after the first). So `0 ≤ t_x ≤ T < ∞` and `x > 0 ⇔ t_x > 0`,
/// the domain of the BG/NBD, MBG/NBD and Pareto/NBD likelihoods.
///
/// ```
/// use customer_care::lifecycle::{CustomerSummary, TimeUnit};
///
/// let s = CustomerSummary::new(2, 30.43, 38.86, TimeUnit::Week)?;
/// assert_eq!(s.frequency(), 2);
/// assert!(CustomerSummary::new(2, 40.0, 38.86, TimeUnit::Week).is_err()); // recency after age
/// assert!(CustomerSummary::new(0, 1.0, 38.86, TimeUnit::Week).is_err()); // no repeat, yet a recency
/// assert!(CustomerSummary::new(3, 0.0, 10.0, TimeUnit::Week).is_err()); // repeats, yet no time after the first
/// # Ok::<(), customer_care::lifecycle::LifecycleError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "SummaryRepr", into = "SummaryRepr")]
pub struct CustomerSummary {
    frequency: u32,
    recency: f64,
    age: f64,
    unit: TimeUnit,
    monetary_value: Decimal,
}

#[derive(Serialize, Deserialize)]
struct SummaryRepr {
    frequency: u32,
    recency: f64,
    age: f64,
    unit: TimeUnit,
    #[serde(with = "rust_decimal::serde::str")]
    monetary_value: Decimal,
}

impl TryFrom<SummaryRepr> for CustomerSummary {
    type Error = LifecycleError;
    fn try_from(r: SummaryRepr) -> Result<Self, LifecycleError> {
        Ok(Self::new(r.frequency, r.recency, r.age, r.unit)?.with_monetary_value(r.monetary_value))
    }
}

impl From<CustomerSummary> for SummaryRepr {
    fn from(s: CustomerSummary) -> Self {
        Self { frequency: s.frequency, recency: s.recency, age: s.age, unit: s.unit, monetary_value: s.monetary_value }
    }
}

impl CustomerSummary {
    /// A summary with `frequency` repeat purchases, the last at `recency`, observed for `age` (both in `unit`), no
    /// spend.
    ///
    /// # Errors
    ///
    /// [`LifecycleError::InvalidValue`] for a negative or non-finite time or a zero-day unit,
    /// [`LifecycleError::RecencyExceedsAge`], [`LifecycleError::RecencyWithoutRepeat`],
    /// [`LifecycleError::RepeatWithoutRecency`].
    pub fn new(frequency: u32, recency: f64, age: f64, unit: TimeUnit) -> Result<Self, LifecycleError> {
        let unit = unit.check()?;
        // `abs` turns −0 into +0, so equal summaries have equal bits (fit data sorts and merges them by bits).
        let recency = non_negative("recency", recency)?.abs();
        let age = non_negative("age", age)?.abs();
        if recency > age {
            return Err(LifecycleError::RecencyExceedsAge { recency: recency.to_string(), age: age.to_string() });
        }
        match (frequency, recency > 0.0) {
            (0, true) => return Err(LifecycleError::RecencyWithoutRepeat { recency: recency.to_string() }),
            (1.., false) => {
                return Err(LifecycleError::RepeatWithoutRecency { frequency, recency: recency.to_string() });
            }
            _ => {}
        }
        Ok(Self { frequency, recency, age, unit, monetary_value: Decimal::ZERO })
    }

    /// The same summary with a mean repeat spend.
    #[must_use]
    pub const fn with_monetary_value(mut self, monetary_value: Decimal) -> Self {
        self.monetary_value = monetary_value;
        self
    }

    /// Repeat purchases x.
    pub const fn frequency(&self) -> u32 {
        self.frequency
    }

    /// Time of the last repeat purchase since the first purchase, t_x.
    pub const fn recency(&self) -> f64 {
        self.recency
    }

    /// Time since the first purchase at the end of observation, T.
    pub const fn age(&self) -> f64 {
        self.age
    }

    /// The unit of recency and age.
    pub const fn unit(&self) -> TimeUnit {
        self.unit
    }

    /// Mean spend of the repeat purchases (0 without repeats).
    pub const fn monetary_value(&self) -> Decimal {
        self.monetary_value
    }
}

/// Per-customer summaries in one [`TimeUnit`], ordered by customer key; validated when deserialized.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    try_from = "SummariesRepr<K>",
    into = "SummariesRepr<K>",
    bound(serialize = "K: Serialize + Clone", deserialize = "K: Deserialize<'de> + Ord")
)]
pub struct Summaries<K> {
    unit: TimeUnit,
    rows: Vec<(K, CustomerSummary)>,
}

#[derive(Serialize, Deserialize)]
struct SummariesRepr<K> {
    unit: TimeUnit,
    rows: Vec<(K, CustomerSummary)>,
}

impl<K: Ord> TryFrom<SummariesRepr<K>> for Summaries<K> {
    type Error = LifecycleError;
    fn try_from(r: SummariesRepr<K>) -> Result<Self, LifecycleError> {
        Self::new(r.unit, r.rows)
    }
}

impl<K> From<Summaries<K>> for SummariesRepr<K> {
    fn from(s: Summaries<K>) -> Self {
        Self { unit: s.unit, rows: s.rows }
    }
}

impl<K: Ord> Summaries<K> {
    /// Summaries from rows in `unit`; rows are sorted by key and a repeated key keeps its first row.
    ///
    /// # Errors
    ///
    /// [`LifecycleError::InvalidValue`] for a zero-day unit, [`LifecycleError::UnitMismatch`] for a row in
    /// another unit.
    pub fn new(unit: TimeUnit, mut rows: Vec<(K, CustomerSummary)>) -> Result<Self, LifecycleError> {
        if let Some((_, s)) = rows.iter().find(|(_, s)| s.unit != unit) {
            return Err(LifecycleError::UnitMismatch { expected: unit, found: s.unit });
        }
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        rows.dedup_by(|later, earlier| later.0 == earlier.0);
        Ok(Self { unit: unit.check()?, rows })
    }

    /// The summary of one customer.
    pub fn get(&self, customer: &K) -> Option<&CustomerSummary> {
        self.rows.binary_search_by(|(k, _)| k.cmp(customer)).ok().and_then(|i| self.rows.get(i)).map(|(_, s)| s)
    }
}

impl<K> Summaries<K> {
    /// The unit of recency and age.
    pub const fn unit(&self) -> TimeUnit {
        self.unit
    }

    /// Number of customers.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are no customers.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Customers and their summaries, by key.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&K, &CustomerSummary)> {
        self.rows.iter().map(|(k, s)| (k, s))
    }

    /// The rows, by key.
    pub fn rows(&self) -> &[(K, CustomerSummary)] {
        &self.rows
    }

    /// Weighted patterns for fitting.
    ///
    /// # Errors
    ///
    /// [`LifecycleError::EmptyPopulation`] when there are no customers.
    pub fn fit_data(&self) -> Result<FitData, LifecycleError> {
        FitData::from_summaries(self.rows.iter().map(|(_, s)| s))
    }
}

/// Summaries of the purchases made on or before `observation_end`, per customer, in `unit`.
///
/// Purchases after `observation_end` are ignored (they belong to a holdout period, see [`summarize_holdout`]).
/// Customers whose first purchase is after it do not appear.
///
/// # Errors
///
/// [`LifecycleError::InvalidValue`] for a zero-day unit; [`LifecycleError::SpendOverflow`] when a customer's spend
/// does not fit a [`Decimal`].
pub fn summarize<K, P>(
    purchases: &[P],
    unit: TimeUnit,
    observation_end: NaiveDate,
) -> Result<Summaries<K>, LifecycleError>
where
    K: Ord + Clone,
    P: AsPurchase<K>,
{
    let unit = unit.check()?;
    let mut rows = Vec::new();
    for_each_customer(purchases, observation_end, |customer, days| {
        rows.push((customer.clone(), summary_of(days, observation_end, unit)?));
        Ok(())
    })?;
    Ok(Summaries { unit, rows })
}

/// A calibration summary per customer and how many purchase days followed it in the holdout period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(bound(serialize = "K: Serialize + Clone", deserialize = "K: Deserialize<'de> + Ord"))]
pub struct Holdout<K> {
    /// Summaries of the calibration period (purchases up to `calibration_end`).
    pub calibration: Summaries<K>,
    /// Purchase days in the holdout period `(calibration_end, observation_end]`, aligned with the calibration rows.
    pub holdout_purchases: Vec<u32>,
    /// Length of the holdout period.
    pub holdout_length: Span,
}

/// Splits a log into a calibration period (to `calibration_end`) and a holdout period (to `observation_end`): the
/// classic check of a model's forecasts against what customers did next.
///
/// # Errors
///
/// As [`summarize`], and [`LifecycleError::CrossingThresholds`] when `observation_end` is before
/// `calibration_end`.
pub fn summarize_holdout<K, P>(
    purchases: &[P],
    unit: TimeUnit,
    calibration_end: NaiveDate,
    observation_end: NaiveDate,
) -> Result<Holdout<K>, LifecycleError>
where
    K: Ord + Clone,
    P: AsPurchase<K>,
{
    if observation_end < calibration_end {
        return Err(LifecycleError::CrossingThresholds {
            lower_name: "calibration end".into(),
            lower: calibration_end.to_string(),
            upper_name: "observation end".into(),
            upper: observation_end.to_string(),
        });
    }
    let unit = unit.check()?;
    let mut rows = Vec::new();
    let mut holdout = Vec::new();
    for_each_customer(purchases, observation_end, |customer, days| {
        let split = days.partition_point(|(d, _)| *d <= calibration_end);
        let Some(calibration) = days.get(..split).filter(|c| !c.is_empty()) else { return Ok(()) };
        rows.push((customer.clone(), summary_of(calibration, calibration_end, unit)?));
        holdout.push(u32::try_from(days.len() - split).unwrap_or(u32::MAX));
        Ok(())
    })?;
    let length = (observation_end - calibration_end).num_days() as f64 / f64::from(unit.days());
    Ok(Holdout {
        calibration: Summaries { unit, rows },
        holdout_purchases: holdout,
        holdout_length: Span::new(length, unit)?,
    })
}

/// Access to a purchase record, so logs of [`Purchase`] values or of `(key, day, amount)` tuples both work.
pub trait AsPurchase<K> {
    /// The customer's key.
    fn customer(&self) -> &K;
    /// The day of the purchase.
    fn day(&self) -> NaiveDate;
    /// The amount.
    fn amount(&self) -> Decimal;
}

impl<K> AsPurchase<K> for Purchase<K> {
    fn customer(&self) -> &K {
        &self.customer
    }
    fn day(&self) -> NaiveDate {
        self.on
    }
    fn amount(&self) -> Decimal {
        self.amount
    }
}

impl<K> AsPurchase<K> for (K, NaiveDate, Decimal) {
    fn customer(&self) -> &K {
        &self.0
    }
    fn day(&self) -> NaiveDate {
        self.1
    }
    fn amount(&self) -> Decimal {
        self.2
    }
}

/// Instants are dated by their UTC calendar day; to date purchases in a business's zone, build
/// [`Purchase::at`] from the instant converted with `with_timezone`.
impl<K> AsPurchase<K> for (K, DateTime<Utc>, Decimal) {
    fn customer(&self) -> &K {
        &self.0
    }
    fn day(&self) -> NaiveDate {
        self.1.date_naive()
    }
    fn amount(&self) -> Decimal {
        self.2
    }
}

/// Calls `f` for each customer (in key order) with their purchase days up to `end`, merged and sorted.
fn for_each_customer<K, P, F>(purchases: &[P], end: NaiveDate, mut f: F) -> Result<(), LifecycleError>
where
    K: Ord,
    P: AsPurchase<K>,
    F: FnMut(&K, &[(NaiveDate, Decimal)]) -> Result<(), LifecycleError>,
{
    let order = |a: &P, b: &P| a.customer().cmp(b.customer()).then_with(|| a.day().cmp(&b.day()));
    let mut index: Vec<&P> = purchases.iter().filter(|p| p.day() <= end).collect();
    if !index.is_sorted_by(|a, b| order(a, b) != Ordering::Greater) {
        index.sort_by(|a, b| order(a, b));
    }
    let mut days: Vec<(NaiveDate, Decimal)> = Vec::new();
    let mut start = 0;
    while let Some(first) = index.get(start) {
        let customer = first.customer();
        days.clear();
        let mut next = start;
        while let Some(p) = index.get(next).filter(|p| p.customer() == customer) {
            match days.last_mut() {
                Some((day, amount)) if *day == p.day() => {
                    *amount = amount
                        .checked_add(p.amount())
                        .ok_or_else(|| LifecycleError::SpendOverflow { what: format!("purchases on {day}") })?;
                }
                _ => days.push((p.day(), p.amount())),
            }
            next += 1;
        }
        f(customer, &days)?;
        start = next;
    }
    Ok(())
}

/// The summary of one customer's merged, sorted purchase days (at least one).
fn summary_of(
    days: &[(NaiveDate, Decimal)],
    end: NaiveDate,
    unit: TimeUnit,
) -> Result<CustomerSummary, LifecycleError> {
    let per_unit = f64::from(unit.days());
    let (Some((first, _)), Some((last, _))) = (days.first(), days.last()) else {
        return Err(LifecycleError::EmptyPopulation { what: "purchases of a customer".into() });
    };
    let repeats = days.get(1..).unwrap_or_default();
    let frequency = u32::try_from(repeats.len()).unwrap_or(u32::MAX);
    let recency = (*last - *first).num_days() as f64 / per_unit;
    let age = (end - *first).num_days() as f64 / per_unit;
    let mut spend = Decimal::ZERO;
    for (day, amount) in repeats {
        spend = spend
            .checked_add(*amount)
            .ok_or_else(|| LifecycleError::SpendOverflow { what: format!("repeat purchases to {day}") })?;
    }
    let monetary = if frequency == 0 {
        Decimal::ZERO
    } else {
        spend.checked_div(Decimal::from(frequency)).unwrap_or(Decimal::ZERO).normalize()
    };
    Ok(CustomerSummary::new(frequency, recency, age, unit)?.with_monetary_value(monetary))
}

/// One distinct `(x, t_x, T)` and how many customers (or how much weight) share it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pattern {
    /// Repeat purchases x.
    pub frequency: u32,
    /// Recency t_x.
    pub recency: f64,
    /// Age T.
    pub age: f64,
    /// Weight (number of customers).
    pub weight: f64,
}

/// Summaries compressed into weighted patterns, in one [`TimeUnit`]: the input of every model fit.
///
/// Identical `(x, t_x, T)` are merged, so a million customers with day-resolution logs fit as fast as a few
/// thousand patterns. Patterns are sorted by frequency, then recency, then age. Serialized as its unit and
/// patterns, validated when deserialized.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "FitDataRepr", into = "FitDataRepr")]
pub struct FitData {
    unit: TimeUnit,
    patterns: Vec<Pattern>,
    customers: f64,
    /// Distinct recencies and ages, sorted: models evaluate ln(α + t) once per distinct time.
    times: Vec<f64>,
    /// Per pattern, the indices of its recency and age in `times`.
    slots: Vec<(u32, u32)>,
}

#[derive(Serialize, Deserialize)]
struct FitDataRepr {
    unit: TimeUnit,
    patterns: Vec<Pattern>,
}

impl TryFrom<FitDataRepr> for FitData {
    type Error = LifecycleError;
    fn try_from(r: FitDataRepr) -> Result<Self, LifecycleError> {
        Self::from_patterns(r.unit, r.patterns)
    }
}

impl From<FitData> for FitDataRepr {
    fn from(d: FitData) -> Self {
        Self { unit: d.unit, patterns: d.patterns }
    }
}

impl FitData {
    /// Compresses summaries (each with weight 1), all in one unit.
    ///
    /// # Errors
    ///
    /// [`LifecycleError::EmptyPopulation`] without summaries, [`LifecycleError::UnitMismatch`] when units differ.
    pub fn from_summaries<'a>(
        summaries: impl IntoIterator<Item = &'a CustomerSummary>,
    ) -> Result<Self, LifecycleError> {
        // Bucket by frequency (a counting sort), then sort each bucket's (t_x, T) as u128: non-negative finite
        // f64 order like their bit patterns, so sorting the bits sorts the values.
        // Frequencies from `BUCKETS` up (rare) share one overflow list sorted by (x, key).
        const BUCKETS: usize = 4096;
        let mut buckets: Vec<Vec<u128>> = Vec::new();
        let mut overflow: Vec<(u32, u128)> = Vec::new();
        let mut unit = None;
        for s in summaries {
            let expected = *unit.get_or_insert(s.unit);
            if s.unit != expected {
                return Err(LifecycleError::UnitMismatch { expected, found: s.unit });
            }
            let key = (u128::from(s.recency.to_bits()) << 64) | u128::from(s.age.to_bits());
            let x = s.frequency as usize;
            if x >= BUCKETS {
                overflow.push((s.frequency, key));
                continue;
            }
            if buckets.len() <= x {
                buckets.resize_with(x + 1, Vec::new);
            }
            if let Some(bucket) = buckets.get_mut(x) {
                bucket.push(key);
            }
        }
        let unit = unit.ok_or_else(|| LifecycleError::EmptyPopulation { what: "summaries to fit".into() })?;
        overflow.sort_unstable();
        let mut patterns: Vec<Pattern> = Vec::new();
        let mut last = None;
        let mut push = |frequency: u32, key: u128| match patterns.last_mut() {
            Some(p) if last == Some((frequency, key)) => p.weight += 1.0,
            _ => {
                patterns.push(Pattern {
                    frequency,
                    recency: f64::from_bits((key >> 64) as u64),
                    age: f64::from_bits(key as u64),
                    weight: 1.0,
                });
                last = Some((frequency, key));
            }
        };
        for (x, bucket) in buckets.iter_mut().enumerate() {
            bucket.sort_unstable();
            let frequency = u32::try_from(x).unwrap_or(u32::MAX);
            for &key in bucket.iter() {
                push(frequency, key);
            }
        }
        for (frequency, key) in overflow {
            push(frequency, key);
        }
        Self::index(unit, patterns)
    }

    /// Compresses weighted summaries (a weight is a number of customers, or a sampling weight), all in one unit.
    ///
    /// # Errors
    ///
    /// [`LifecycleError::InvalidValue`] for a weight that is not finite and > 0 or weights whose sum is not finite,
    /// [`LifecycleError::EmptyPopulation`] without summaries, [`LifecycleError::UnitMismatch`] when units differ.
    pub fn from_weighted<'a>(
        summaries: impl IntoIterator<Item = (&'a CustomerSummary, f64)>,
    ) -> Result<Self, LifecycleError> {
        let summaries = summaries.into_iter();
        let mut keys = Vec::with_capacity(summaries.size_hint().0);
        let mut unit = None;
        for (s, w) in summaries {
            let expected = *unit.get_or_insert(s.unit);
            if s.unit != expected {
                return Err(LifecycleError::UnitMismatch { expected, found: s.unit });
            }
            keys.push(((s.frequency, s.recency.to_bits(), s.age.to_bits()), positive("weight", w)?));
        }
        let unit = unit.ok_or_else(|| LifecycleError::EmptyPopulation { what: "summaries to fit".into() })?;
        keys.sort_unstable_by_key(|k| k.0);
        let mut patterns: Vec<Pattern> = Vec::new();
        let mut last = None;
        for ((x, tx, t), w) in keys {
            match patterns.last_mut() {
                Some(p) if last == Some((x, tx, t)) => p.weight += w,
                _ => {
                    patterns.push(Pattern {
                        frequency: x,
                        recency: f64::from_bits(tx),
                        age: f64::from_bits(t),
                        weight: w,
                    });
                    last = Some((x, tx, t));
                }
            }
        }
        Self::index(unit, patterns)
    }

    /// Patterns given directly (each validated as a summary with a positive weight); identical patterns are
    /// merged.
    ///
    /// # Errors
    ///
    /// As [`CustomerSummary::new`] and [`from_weighted`](Self::from_weighted).
    pub fn from_patterns(unit: TimeUnit, patterns: Vec<Pattern>) -> Result<Self, LifecycleError> {
        let mut summaries = Vec::with_capacity(patterns.len());
        for p in &patterns {
            summaries.push((CustomerSummary::new(p.frequency, p.recency, p.age, unit)?, p.weight));
        }
        if summaries.is_empty() {
            return Err(LifecycleError::EmptyPopulation { what: "patterns to fit".into() });
        }
        Self::from_weighted(summaries.iter().map(|(s, w)| (s, *w)))
    }

    /// Indexes the patterns' times; the total weight must be finite (weights are positive, so then each is).
    fn index(unit: TimeUnit, patterns: Vec<Pattern>) -> Result<Self, LifecycleError> {
        let customers: f64 = patterns.iter().map(|p| p.weight).sum();
        if !customers.is_finite() {
            return Err(invalid("total weight", customers, "a finite sum of the weights"));
        }
        let mut times: Vec<f64> = patterns.iter().flat_map(|p| [p.recency, p.age]).collect();
        times.sort_unstable_by(f64::total_cmp);
        times.dedup();
        let find = |v: f64| u32::try_from(times.partition_point(|t| *t < v)).unwrap_or(u32::MAX);
        let slots = patterns.iter().map(|p| (find(p.recency), find(p.age))).collect();
        Ok(Self { unit, patterns, customers, times, slots })
    }

    /// Distinct times and, per pattern, the indices of its recency and age among them.
    pub(crate) fn time_index(&self) -> (&[f64], &[(u32, u32)]) {
        (&self.times, &self.slots)
    }

    /// The unit of recency and age.
    pub const fn unit(&self) -> TimeUnit {
        self.unit
    }

    /// The distinct patterns.
    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }

    /// Total weight (number of customers).
    pub const fn customers(&self) -> f64 {
        self.customers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn summary_merges_days_and_ignores_later_purchases() {
        let log = vec![
            (7u32, d("1997-01-01"), Decimal::new(2933, 2)),
            (7, d("1997-01-18"), Decimal::new(2973, 2)),
            (7, d("1997-08-02"), Decimal::new(1496, 2)),
            (7, d("1997-12-12"), Decimal::new(2648, 2)),
            (3, d("1997-01-01"), Decimal::new(1, 0)),
            (3, d("1997-01-01"), Decimal::new(2, 0)),
        ];
        let s = summarize(&log, TimeUnit::Week, d("1997-09-30")).unwrap();
        assert_eq!(s.len(), 2);
        let c7 = s.get(&7).unwrap();
        assert_eq!(c7.frequency(), 2);
        assert!((c7.recency() - 213.0 / 7.0).abs() < 1e-12);
        assert!((c7.age() - 272.0 / 7.0).abs() < 1e-12);
        assert_eq!(c7.monetary_value(), Decimal::new(22345, 3));
        let c3 = s.get(&3).unwrap();
        assert_eq!((c3.frequency(), c3.recency(), c3.monetary_value()), (0, 0.0, Decimal::ZERO));
        assert!(summarize(&log, TimeUnit::Days(0), d("1997-09-30")).is_err());

        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<Summaries<u32>>(&json).unwrap(), s);
        let mixed = json.replacen("\"unit\":\"week\"", "\"unit\":\"day\"", 1);
        assert!(serde_json::from_str::<Summaries<u32>>(&mixed).is_err());

        let h = summarize_holdout(&log, TimeUnit::Week, d("1997-09-30"), d("1998-06-30")).unwrap();
        assert_eq!(h.holdout_purchases, [0, 1]);
        assert_eq!(h.calibration, s);
        assert!(summarize_holdout(&log, TimeUnit::Week, d("1997-09-30"), d("1997-09-29")).is_err());
    }

    #[test]
    fn instants_and_purchase_records_summarize_alike() {
        use chrono::TimeZone;
        let at = |d, h| Utc.with_ymd_and_hms(2026, 3, d, h, 0, 0).unwrap();
        let instants =
            vec![("c", at(1, 9), Decimal::ONE), ("c", at(1, 23), Decimal::TWO), ("c", at(8, 1), Decimal::TEN)];
        let records: Vec<Purchase<&str>> = instants.iter().map(|(k, t, a)| Purchase::at(*k, t, *a)).collect();
        let a = summarize(&instants, TimeUnit::Day, d("2026-03-10")).unwrap();
        let b = summarize(&records, TimeUnit::Day, d("2026-03-10")).unwrap();
        assert_eq!(a, b);
        let c = a.get(&"c").unwrap();
        assert_eq!((c.frequency(), c.recency(), c.age(), c.monetary_value()), (1, 7.0, 9.0, Decimal::TEN));
        // In Ho Chi Minh City (UTC+7) the 23:00 UTC purchase falls on 2 March: one more purchase day.
        let hcm = chrono_tz::Asia::Ho_Chi_Minh;
        let local: Vec<Purchase<&str>> =
            instants.iter().map(|(k, t, a)| Purchase::at(*k, &t.with_timezone(&hcm), *a)).collect();
        assert_eq!(summarize(&local, TimeUnit::Day, d("2026-03-10")).unwrap().get(&"c").unwrap().frequency(), 2);
    }

    #[test]
    fn compression_merges_identical_summaries() {
        let a = CustomerSummary::new(1, 2.0, 5.0, TimeUnit::Day).unwrap();
        let b = CustomerSummary::new(0, 0.0, 5.0, TimeUnit::Day).unwrap();
        let data = FitData::from_summaries([&a, &b, &a, &a]).unwrap();
        // Very large frequencies go through the overflow list and keep the order.
        let big = CustomerSummary::new(u32::MAX, 1.0, 5.0, TimeUnit::Day).unwrap();
        let mid = CustomerSummary::new(5000, 1.0, 5.0, TimeUnit::Day).unwrap();
        let with_big = FitData::from_summaries([&big, &a, &mid, &big]).unwrap();
        let xs: Vec<(u32, f64)> = with_big.patterns().iter().map(|p| (p.frequency, p.weight)).collect();
        assert_eq!(xs, [(1, 1.0), (5000, 1.0), (u32::MAX, 2.0)]);
        assert_eq!(with_big, FitData::from_weighted([(&big, 2.0), (&mid, 1.0), (&a, 1.0)]).unwrap());
        assert_eq!(data.patterns().len(), 2);
        assert_eq!(data.patterns()[0].weight, 1.0);
        assert_eq!(data.patterns()[1].weight, 3.0);
        assert_eq!(data.customers(), 4.0);
        assert!(FitData::from_weighted([(&a, 0.0)]).is_err());
        let json = serde_json::to_string(&data).unwrap();
        assert_eq!(serde_json::from_str::<FitData>(&json).unwrap(), data);
        assert!(serde_json::from_str::<FitData>(&json.replace("\"weight\":3.0", "\"weight\":-3.0")).is_err());
        assert!(serde_json::from_str::<FitData>(&json.replace("\"recency\":2.0", "\"recency\":9.0")).is_err());
        assert!(FitData::from_summaries([]).is_err());
        let w = CustomerSummary::new(1, 2.0, 5.0, TimeUnit::Week).unwrap();
        assert!(matches!(FitData::from_summaries([&a, &w]), Err(LifecycleError::UnitMismatch { .. })));
    }

    #[test]
    fn repeat_purchases_need_a_recency() {
        // Regression: (3, 0, 10) was accepted, though three repeat purchases come after the first.
        let err = CustomerSummary::new(3, 0.0, 10.0, TimeUnit::Day).unwrap_err();
        assert_eq!(err, LifecycleError::RepeatWithoutRecency { frequency: 3, recency: "0".into() });
        assert_eq!(
            err.to_string(),
            "frequency 3 requires a recency above 0 (repeat purchases come after the first), got recency 0"
        );
        assert!(CustomerSummary::new(1, -0.0, 10.0, TimeUnit::Day).is_err());
        assert!(CustomerSummary::new(1, 5e-324, 10.0, TimeUnit::Day).is_ok());
        let json = r#"{"frequency":3,"recency":0.0,"age":10.0,"unit":"day","monetary_value":"0"}"#;
        assert!(serde_json::from_str::<CustomerSummary>(json).is_err());
        let pattern = Pattern { frequency: 3, recency: 0.0, age: 10.0, weight: 1.0 };
        assert!(matches!(
            FitData::from_patterns(TimeUnit::Day, vec![pattern]),
            Err(LifecycleError::RepeatWithoutRecency { frequency: 3, .. })
        ));
        let data = r#"{"unit":"day","patterns":[{"frequency":3,"recency":0.0,"age":10.0,"weight":1.0}]}"#;
        assert!(serde_json::from_str::<FitData>(data).is_err());
        // A frequency is a whole number of purchase days.
        let fractional = r#"{"frequency":2.5,"recency":1.0,"age":10.0,"unit":"day","monetary_value":"0"}"#;
        assert!(serde_json::from_str::<CustomerSummary>(fractional).is_err());
    }

    #[test]
    fn negative_zero_is_zero() {
        // −0 and +0 would otherwise be two patterns, the first sorted after every positive recency.
        let minus = CustomerSummary::new(0, -0.0, -0.0, TimeUnit::Day).unwrap();
        let plus = CustomerSummary::new(0, 0.0, 0.0, TimeUnit::Day).unwrap();
        assert_eq!((minus.recency().to_bits(), minus.age().to_bits()), (0, 0));
        let data = FitData::from_summaries([&minus, &plus]).unwrap();
        assert_eq!(data.patterns().len(), 1);
    }

    #[test]
    fn weights_must_add_up_to_a_finite_total() {
        let a = CustomerSummary::new(1, 2.0, 5.0, TimeUnit::Day).unwrap();
        let b = CustomerSummary::new(0, 0.0, 5.0, TimeUnit::Day).unwrap();
        let err = FitData::from_weighted([(&a, f64::MAX), (&b, f64::MAX)]).unwrap_err();
        assert_eq!(err.to_string(), "invalid total weight inf: expected a finite sum of the weights");
        assert!(FitData::from_weighted([(&a, f64::MAX), (&a, f64::MAX)]).is_err());
        assert!(FitData::from_weighted([(&a, f64::MAX / 2.0), (&a, f64::MAX / 2.0)]).is_ok());
        assert!(FitData::from_weighted([(&a, f64::NAN)]).is_err());
    }

    #[test]
    fn summary_validation_and_serde() {
        let day = TimeUnit::Day;
        assert!(CustomerSummary::new(1, f64::NAN, 1.0, day).is_err());
        assert!(CustomerSummary::new(1, -1.0, 1.0, day).is_err());
        assert!(CustomerSummary::new(1, 1.0, f64::INFINITY, day).is_err());
        assert!(CustomerSummary::new(1, 1.0, 1.0, TimeUnit::Days(0)).is_err());
        let s = CustomerSummary::new(1, 1.0, 2.0, day).unwrap().with_monetary_value(Decimal::new(5, 0));
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<CustomerSummary>(&json).unwrap(), s);
        let bad = json.replace("\"recency\":1.0", "\"recency\":3.0");
        assert!(serde_json::from_str::<CustomerSummary>(&bad).is_err());
    }
}
